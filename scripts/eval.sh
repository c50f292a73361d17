#!/usr/bin/env bash
# Runs the shared NL accuracy harness (../shared/eval/nl_eval.py) against a fresh server on the demo lake and
# fails when accuracy drops below the floor in scripts/eval-floor. Usage: scripts/eval.sh [extra nl_eval args]
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
HARNESS="${INSIGHTS_EVAL:-../shared/eval/nl_eval.py}"
if [ ! -f "$HARNESS" ]; then
  echo "eval: $HARNESS not found; skipping"
  exit 0
fi
FLOOR=$(cat scripts/eval-floor)
LAKE="$INSIGHTS_CACHE/demo-lake-1m"
[ -f "$LAKE/.complete" ] || "$INSIGHTS_BIN" demo-data --out "$LAKE" --rows 1000000 --seed 42 >/dev/null || exit 1
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$INSIGHTS_BIN" serve --data "$LAKE" --listen "127.0.0.1:$PORT" >"${TMPDIR:-/tmp}/insights-eval.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null' EXIT
for _ in $(seq 1 100); do pg_isready -q -h 127.0.0.1 -p "$PORT" && break; sleep 0.2; done
OUT=$(python3 "$HARNESS" --dsn "postgresql://eval@127.0.0.1:$PORT/lake" --data "$LAKE" "$@" 2>&1)
echo "$OUT" | sed 's/^\(accuracy\|latency\)/eval \1/; s/^\([0-9]* passed, [0-9]* failed\)$/eval cases: \1/'
ACC=$(echo "$OUT" | sed -n 's/^accuracy: \([0-9.]*\)%.*/\1/p')
if [ -z "$ACC" ]; then echo "eval: no accuracy line"; exit 1; fi
if python3 -c "import sys; sys.exit(0 if float('$ACC') + 1e-9 >= float('$FLOOR') else 1)"; then
  echo "eval: accuracy $ACC% >= floor $FLOOR%"
else
  echo "eval: accuracy $ACC% is below the floor $FLOOR%"
  exit 1
fi
