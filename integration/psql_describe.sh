#!/usr/bin/env bash
# Drives psql's catalog meta-commands against the pg_catalog emulation: \l, \dn, \dt, \d sales (checked against
# the real columns), \d+ products, and \df (which may fail, but must fail gracefully and leave psql usable).
source "$(dirname "$0")/lib.sh"
LAKE=$(test_lake)
start_server "$LAKE" || exit 1
PSQL=(psql -X -h 127.0.0.1 -p "$PORT" -U insights -d insights)

out=$("${PSQL[@]}" -c '\l' 2>&1)
contains "\\l lists the database" "insights" "$out"
out=$("${PSQL[@]}" -A -t -c '\dn' 2>&1)
check "\\dn lists public" "public|insights" "$out"
out=$("${PSQL[@]}" -A -t -c '\dt' 2>&1)
check "\\dt lists the lake tables" "public|customers|table|insights
public|products|table|insights
public|sales|table|insights
public|stores|table|insights" "$out"

real=$("${PSQL[@]}" -A -c "SELECT * FROM sales LIMIT 0" 2>&1 | head -1 | tr '|' '\n')
out=$("${PSQL[@]}" -A -t -c '\d sales' 2>&1)
names=$(echo "$out" | cut -d'|' -f1)
check "\\d sales: every real column, in order" "$real" "$names"
contains "\\d sales: decimal shown as numeric(12,2)" "revenue|numeric(12,2)" "$out"
contains "\\d sales: date type" "order_date|date" "$out"
contains "\\d sales: bigint type" "order_id|bigint" "$out"

out=$("${PSQL[@]}" -c '\d+ products' 2>&1); code=$?
check "\\d+ products exit code" "0" "$code"
contains "\\d+ products title" 'Table "public.products"' "$out"
contains "\\d+ products storage column" "Storage" "$out"

out=$("${PSQL[@]}" -c '\df' -c 'SELECT 42 AS still_alive' 2>&1)
contains "\\df fails gracefully, psql continues" "42" "$out"

out=$("${PSQL[@]}" -c '\d no_such_table' 2>&1)
contains "\\d of a missing table" "Did not find any relation" "$out"
finish
