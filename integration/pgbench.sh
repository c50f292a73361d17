#!/usr/bin/env bash
# Drives pgbench (Debian postgresql-15) with a custom read-only script (-n: no vacuum) in simple, extended and
# prepared query modes; every transaction must complete without a failed one.
source "$(dirname "$0")/lib.sh"
PGBENCH=$(command -v pgbench || ls /usr/lib/postgresql/*/bin/pgbench 2>/dev/null | tail -1)
if [ -z "$PGBENCH" ]; then fail "pgbench installed"; finish; exit; fi
LAKE=$(test_lake)
start_server "$LAKE" || exit 1
for mode in simple extended prepared; do
  out=$("$PGBENCH" -n -h 127.0.0.1 -p "$PORT" -U insights -M "$mode" -c 2 -j 1 -t 25 -f "$HERE/clients/pgbench_read.sql" insights 2>&1); code=$?
  processed=$(echo "$out" | sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p')
  tps=$(echo "$out" | sed -n 's/^tps = \([0-9.]*\).*/\1/p')
  if [ "$code" = 0 ] && [ "$processed" = "50" ]; then ok "pgbench -M $mode: 50/50 transactions (tps $tps)"; else fail "pgbench -M $mode" "$out"; fi
done
finish
