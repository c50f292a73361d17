#!/usr/bin/env bash
# Drives node-postgres (`pg`, installed by .ci/run into integration/clients/node) from clients/node/check.js.
source "$(dirname "$0")/lib.sh"
NODE_DIR="$HERE/clients/node"
if [ ! -d "$NODE_DIR/node_modules/pg" ] && command -v npm >/dev/null; then
  (cd "$NODE_DIR" && npm install --silent --no-audit --no-fund >/dev/null 2>&1)
fi
if [ ! -d "$NODE_DIR/node_modules/pg" ]; then fail "node-postgres installed"; finish; exit; fi
LAKE=$(test_lake)
start_server "$LAKE" || exit 1
out=$(node "$NODE_DIR/check.js" "$PORT" 2>&1)
echo "$out" | grep -E '^(ok|FAIL)' | sed 's/^/  /'
p=$(echo "$out" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
f=$(echo "$out" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
if [ -z "$p" ]; then fail "node program ran" "$out"; else PASSED=$((PASSED + p)); FAILED=$((FAILED + f)); fi
finish
