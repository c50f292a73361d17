#!/usr/bin/env bash
# Runs the held-out NL sets in eval/sets against a fresh server on each set's own lake (generated into the cache
# on first use by the set's gen.py; "demo" uses the 1M-line demo lake) with the shared harness, and fails when a
# set's accuracy drops below its floor in eval/floors. Usage: scripts/heldout.sh [set ...]
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
HARNESS="${INSIGHTS_EVAL:-../shared/eval/nl_eval.py}"
if [ ! -f "$HARNESS" ]; then
  echo "heldout: $HARNESS not found; skipping"
  exit 0
fi
SETS=("$@")
[ ${#SETS[@]} -eq 0 ] && SETS=($(ls eval/sets))
BELOW=0
for name in "${SETS[@]}"; do
  dir="eval/sets/$name"
  floor=$(awk -v n="$name" '$1 == n { print $2 }' eval/floors)
  # A set may ask about another set's lake (eval/sets/NAME/lake names it).
  lake_of="$name"
  [ -f "$dir/lake" ] && lake_of=$(cat "$dir/lake")
  gen="eval/sets/$lake_of/gen.py"
  if [ "$lake_of" = demo ]; then
    lake="$INSIGHTS_CACHE/demo-lake-1m"
    [ -f "$lake/.complete" ] || "$INSIGHTS_BIN" demo-data --out "$lake" --rows 1000000 --seed 42 >/dev/null || exit 1
  else
    lake="$INSIGHTS_CACHE/eval-$lake_of"
    if [ ! -f "$lake/.complete" ]; then
      rm -rf "$lake.tmp" && python3 "$gen" --out "$lake.tmp" >/dev/null && rm -rf "$lake" && mv "$lake.tmp" "$lake" \
        && touch "$lake/.complete" || { echo "heldout $name: cannot generate its lake"; BELOW=$((BELOW + 1)); continue; }
    fi
  fi
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  "$INSIGHTS_BIN" serve --data "$lake" --listen "127.0.0.1:$port" >"${TMPDIR:-/tmp}/insights-heldout-$name.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 150); do pg_isready -q -h 127.0.0.1 -p "$port" && break; sleep 0.2; done
  out=$(python3 "$HARNESS" --dsn "postgresql://eval@127.0.0.1:$port/lake" --data "$lake" \
    --cases "$dir/cases.jsonl" --tables "$dir/tables.json" 2>&1)
  kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
  echo "$out" | grep '^FAIL' | sed "s/^/heldout $name: /"
  acc=$(echo "$out" | sed -n 's/^accuracy: \([0-9.]*\)%.*/\1/p')
  lat=$(echo "$out" | sed -n 's/^latency per question: //p')
  if [ -n "$acc" ] && python3 -c "import sys; sys.exit(0 if float('$acc') + 1e-9 >= float('${floor:-100}') else 1)"; then
    echo "heldout $name: accuracy $acc% >= floor ${floor:-100}% ($lat)"
  else
    echo "heldout $name: accuracy ${acc:-?}% is below the floor ${floor:-100}%"
    BELOW=$((BELOW + 1))
  fi
done
exit "$BELOW"
