#!/usr/bin/env bash
# Drives psqlODBC (Debian odbc-postgresql) through unixODBC with pyodbc: connect, SQLTables, SQLColumns, a query.
source "$(dirname "$0")/lib.sh"
if ! python3 -c 'import pyodbc' 2>/dev/null || ! odbcinst -q -d 2>/dev/null | grep -q 'PostgreSQL Unicode'; then
  fail "pyodbc and psqlODBC installed"; finish; exit
fi
LAKE=$(test_lake)
start_server "$LAKE" || exit 1
out=$(python3 "$HERE/clients/odbc_check.py" "$PORT" 2>&1)
echo "$out" | grep -E '^(ok|FAIL)' | sed 's/^/  /'
p=$(echo "$out" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
f=$(echo "$out" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
if [ -z "$p" ]; then fail "python program ran" "$out"; else PASSED=$((PASSED + p)); FAILED=$((FAILED + f)); fi
finish
