# Shared helpers for the integration scripts: start a server on a free port over a small lake, and count checks.
# Each script prints "N passed, N failed" and exits non-zero on any failure.
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
source "$ROOT/scripts/env.sh"
PASSED=0
FAILED=0
ok() { PASSED=$((PASSED + 1)); echo "ok   - $1"; }
fail() { FAILED=$((FAILED + 1)); echo "FAIL - $1"; [ -n "${2:-}" ] && echo "$2" | sed 's/^/       /' | head -40; }
check() { # check NAME EXPECTED ACTUAL
  if [ "$2" = "$3" ]; then ok "$1"; else fail "$1" "expected: $2
actual:   $3"; fi
}
contains() { # contains NAME NEEDLE HAYSTACK
  if printf '%s' "$3" | grep -qF -- "$2"; then ok "$1"; else fail "$1" "missing: $2
in: $3"; fi
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# start_server DATA_DIR [SERVE_ARGS...]: sets PORT, SERVER_PID and SERVER_LOG; waits until it accepts connections.
start_server() {
  PORT=$(free_port)
  SERVER_LOG="${TMPDIR:-/tmp}/insights-$PORT.log"
  local data="$1"
  shift
  "$INSIGHTS_BIN" serve --data "$data" --listen "127.0.0.1:$PORT" "$@" >"$SERVER_LOG" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 100); do
    if pg_isready -q -h 127.0.0.1 -p "$PORT" 2>/dev/null; then return 0; fi
    sleep 0.2
  done
  echo "server did not start:"; cat "${TMPDIR:-/tmp}/insights-$PORT.log"; return 1
}
stop_server() { [ -n "${SERVER_PID:-}" ] && kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null || true; }

# test_lake: a small demo lake shared by the integration scripts.
test_lake() {
  local dir="$INSIGHTS_CACHE/integration-lake"
  if [ ! -f "$dir/.complete" ]; then "$INSIGHTS_BIN" demo-data --out "$dir" --rows 50000 >/dev/null; fi
  echo "$dir"
}

finish() {
  stop_server
  echo "$(basename "$0"): $PASSED passed, $FAILED failed"
  [ "$FAILED" -eq 0 ]
}
