#!/usr/bin/env bash
# Drives psycopg 3 from integration/clients/psycopg_check.py: simple and extended protocol, binary results.
source "$(dirname "$0")/lib.sh"
if ! python3 -c 'import psycopg' 2>/dev/null; then fail "psycopg installed"; finish; exit; fi
LAKE=$(test_lake)
start_server "$LAKE" || exit 1
out=$(python3 "$HERE/clients/psycopg_check.py" "$PORT" 2>&1)
echo "$out" | grep -E '^(ok|FAIL)' | sed 's/^/  /'
p=$(echo "$out" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
f=$(echo "$out" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
if [ -z "$p" ]; then fail "python program ran" "$out"; else PASSED=$((PASSED + p)); FAILED=$((FAILED + f)); fi
finish
