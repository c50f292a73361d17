#!/usr/bin/env bash
# Drives the real psql binary: a multi-statement script, \pset output formats, and an error mid-script with
# ON_ERROR_STOP (the script must stop there, with psql's exit code 3, and the server must keep serving).
source "$(dirname "$0")/lib.sh"
LAKE=$(test_lake)
start_server "$LAKE" || exit 1
PSQL=(psql -X -h 127.0.0.1 -p "$PORT" -U demo -d lake)

# 1. A multi-statement script through -f.
script=$(mktemp)
cat >"$script" <<'SQL'
SELECT count(*) AS lines FROM sales;
SELECT region, count(*) AS stores FROM stores GROUP BY region ORDER BY region;
SET application_name = 'psql-integration';
SHOW application_name;
BEGIN;
SELECT category FROM products GROUP BY category ORDER BY category LIMIT 2;
COMMIT;
SQL
out=$("${PSQL[@]}" -A -t -f "$script" 2>&1)
check "script: row count" "50000" "$(echo "$out" | sed -n 1p)"
contains "script: stores per region" "EAST|" "$out"
contains "script: SET then SHOW" "psql-integration" "$out"
contains "script: transaction block" "Apparel" "$out"

# 2. Output formats.
out=$("${PSQL[@]}" -c "\pset format csv" -c "SELECT 1 AS a, 'x,y' AS b" 2>&1)
contains "pset csv" 'a,b
1,"x,y"' "$out"
out=$("${PSQL[@]}" -c "\pset format html" -c "SELECT 2 AS a" 2>&1)
contains "pset html" "<th align=\"center\">a</th>" "$out"
out=$("${PSQL[@]}" -c "\pset format aligned" -c "\pset border 2" -c "SELECT 3 AS a" 2>&1)
contains "pset aligned border 2" "| a |" "$out"
out=$("${PSQL[@]}" -c "\x on" -c "SELECT 4 AS a, 5 AS b" 2>&1)
contains "expanded" "-[ RECORD 1 ]" "$out"
out=$("${PSQL[@]}" -c "\pset format unaligned" -c "\pset fieldsep '|'" -c "SELECT region, count(*) FROM stores GROUP BY region ORDER BY 1" 2>&1)
contains "pset unaligned" "EAST|" "$out"

# 3. An error mid-script with ON_ERROR_STOP: psql stops at the error and exits 3.
cat >"$script" <<'SQL'
SELECT 'before' AS marker;
SELECT * FROM no_such_table;
SELECT 'after' AS marker;
SQL
out=$("${PSQL[@]}" -v ON_ERROR_STOP=1 -A -t -f "$script" 2>&1); code=$?
check "ON_ERROR_STOP exit code" "3" "$code"
contains "ran the statement before the error" "before" "$out"
contains "error reported" "no_such_table" "$out"
if printf '%s' "$out" | grep -q "after"; then fail "stopped at the error" "$out"; else ok "stopped at the error"; fi
# Without ON_ERROR_STOP it continues.
out=$("${PSQL[@]}" -A -t -f "$script" 2>&1)
contains "continues without ON_ERROR_STOP" "after" "$out"

# 4. Server still serves; \timing and variables work.
out=$(echo "SELECT count(*) > 0 FROM sales WHERE year = :yr;" | "${PSQL[@]}" -A -t -v yr=2023 2>&1)
check "psql variables" "t" "$out"
rm -f "$script"
finish
