#!/usr/bin/env bash
# TLS and SCRAM users through real clients: `insights gen-cert` makes a test CA and server certificate, `insights
# user add` writes the users file (no passwords in it), and a server with tls = "required" is reached by psql
# (sslmode=require, verify-full against the test CA, channel binding), node-postgres (SQLSTATEs 28000 / 28P01),
# psql's Ctrl-C cancel (sent in plaintext by libpq 15) and `insights catalog refresh --tls-ca`. Then the trust
# defaults: a loud banner on loopback, and no implicit trust on a non-loopback address.
source "$(dirname "$0")/lib.sh"
LAKE=$(test_lake)
WORK=$(mktemp -d)
trap 'stop_server; rm -rf "$WORK"' EXIT

# 1. gen-cert: a CA, a server certificate and its key (owner-only).
"$INSIGHTS_BIN" gen-cert --out "$WORK/certs" >"$WORK/gen-cert.out" 2>&1
check "gen-cert writes ca.crt, server.crt, server.key" "yes" \
  "$([ -s "$WORK/certs/ca.crt" ] && [ -s "$WORK/certs/server.crt" ] && [ -s "$WORK/certs/server.key" ] && echo yes)"
check "server.key is readable by its owner only" "600" "$(stat -c %a "$WORK/certs/server.key")"
contains "gen-cert prints the config to use" 'tls_cert = "' "$(cat "$WORK/gen-cert.out")"
"$INSIGHTS_BIN" gen-cert --out "$WORK/other" >/dev/null 2>&1
out=$("$INSIGHTS_BIN" gen-cert --out "$WORK/certs" 2>&1)
contains "gen-cert does not overwrite without --force" "already exists" "$out"

# 2. user add: verifiers from stdin (piped, and --password-stdin); no password in the file.
printf 'ann-Secret-1\n' | "$INSIGHTS_BIN" user add ann --users-file "$WORK/users.toml" >/dev/null
printf 'north-Secret-2\n' | "$INSIGHTS_BIN" user add north_mgr --users-file "$WORK/users.toml" --password-stdin >/dev/null
contains "users file holds SCRAM verifiers" 'ann = "SCRAM-SHA-256$4096:' "$(cat "$WORK/users.toml")"
check "users file holds no password" "0" "$(grep -c 'Secret' "$WORK/users.toml")"
check "users file is readable by its owner only" "600" "$(stat -c %a "$WORK/users.toml")"
out=$(printf 'x\n' | "$INSIGHTS_BIN" user add zed 2>&1)
contains "user add without a file says where to write" "--users-file" "$out"

cat >"$WORK/insights.toml" <<TOML
tls = "required"
tls_cert = "$WORK/certs/server.crt"
tls_key = "$WORK/certs/server.key"
users_file = "$WORK/users.toml"
[policies.north_mgr]
sales = "region = 'NORTH'"
TOML
start_server "$LAKE" --config "$WORK/insights.toml" || exit 1
contains "startup log: SCRAM-SHA-256" "authentication: SCRAM-SHA-256" "$(cat "$SERVER_LOG")"
DSN="host=127.0.0.1 port=$PORT dbname=lake"

# 3. psql: sslmode=require, verify-full against the test CA (by name and by IP), channel binding.
out=$(PGPASSWORD=ann-Secret-1 psql -X "$DSN user=ann sslmode=require" -Atc "SELECT count(*) FROM sales" 2>&1)
check "sslmode=require + SCRAM (PGPASSWORD)" "50000" "$out"
out=$(PGPASSWORD=ann-Secret-1 psql -X "host=localhost hostaddr=127.0.0.1 port=$PORT dbname=lake user=ann sslmode=verify-full sslrootcert=$WORK/certs/ca.crt" -c '\conninfo' 2>&1)
contains "verify-full by name (localhost)" "SSL connection (protocol: TLSv1.3" "$out"
out=$(PGPASSWORD=ann-Secret-1 psql -X "$DSN user=ann sslmode=verify-full sslrootcert=$WORK/certs/ca.crt channel_binding=require" -Atc "SELECT 6 * 7" 2>&1)
check "verify-full by IP + channel_binding=require (SCRAM-SHA-256-PLUS)" "42" "$out"
out=$(PGPASSWORD=ann-Secret-1 psql -X "$DSN user=ann sslmode=verify-full sslrootcert=$WORK/other/ca.crt" -Atc "SELECT 1" 2>&1)
contains "verify-full against another CA fails" "certificate verify failed" "$out"

# 4. Refusals: plaintext with tls = required, wrong password, unknown user.
out=$(PGPASSWORD=ann-Secret-1 psql -X "$DSN user=ann sslmode=disable" -Atc "SELECT 1" 2>&1)
contains "sslmode=disable refused" "FATAL:  this server requires TLS" "$out"
out=$(PGPASSWORD=wrong psql -X "$DSN user=ann sslmode=require" -Atc "SELECT 1" 2>&1)
contains "wrong password refused" 'FATAL:  password authentication failed for user "ann"' "$out"
out=$(PGPASSWORD=ann-Secret-1 psql -X "$DSN user=nobody sslmode=require" -Atc "SELECT 1" 2>&1)
contains "unknown user refused alike" 'FATAL:  password authentication failed for user "nobody"' "$out"

# 5. Row-level policies follow the authenticated user.
out=$(PGPASSWORD=north-Secret-2 psql -X "$DSN user=north_mgr sslmode=require" -Atc "SELECT string_agg(DISTINCT region, ',') FROM sales" 2>&1)
check "north_mgr sees only NORTH" "NORTH" "$out"

# 6. node-postgres: TLS verified against the CA, and the SQLSTATEs.
NODE_DIR="$HERE/clients/node"
if [ ! -d "$NODE_DIR/node_modules/pg" ] && command -v npm >/dev/null; then
  (cd "$NODE_DIR" && npm install --silent --no-audit --no-fund >/dev/null 2>&1)
fi
if [ -d "$NODE_DIR/node_modules/pg" ]; then
  out=$(node "$NODE_DIR/tls_check.js" "$PORT" "$WORK/certs/ca.crt" ann ann-Secret-1 "$WORK/other/ca.crt" 2>&1)
  echo "$out" | grep -E '^(ok|FAIL)' | sed 's/^/  /'
  p=$(echo "$out" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
  f=$(echo "$out" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
  if [ -z "$p" ]; then fail "node tls program ran" "$out"; else PASSED=$((PASSED + p)); FAILED=$((FAILED + f)); fi
else
  fail "node-postgres installed"
fi

# 7. Cancel: psql over TLS, Ctrl-C (libpq 15 sends the CancelRequest on a new plaintext connection).
SLOW="SELECT count(*) FROM sales a, sales b WHERE a.quantity + b.quantity > 1"
PGPASSWORD=ann-Secret-1 psql -X "$DSN user=ann sslmode=require" -Atc "$SLOW" >"$WORK/cancel.out" 2>&1 &
PSQL_PID=$!
sleep 1.5
kill -INT "$PSQL_PID"
start=$(date +%s)
wait "$PSQL_PID"
contains "Ctrl-C cancels the statement" "canceling statement due to user request" "$(cat "$WORK/cancel.out")"
check "cancel is prompt" "yes" "$([ $(( $(date +%s) - start )) -lt 15 ] && echo yes)"

# 8. catalog refresh over TLS with a password.
out=$(PGPASSWORD=ann-Secret-1 "$INSIGHTS_BIN" catalog refresh --server "127.0.0.1:$PORT" --user ann --tls-ca "$WORK/certs/ca.crt" 2>&1)
contains "catalog refresh --tls-ca" "tables: 4" "$out"
stop_server

# 9. Defaults: no users on loopback = trust with a loud banner; a non-loopback address without users is refused
# before the port opens (the error names the way out).
start_server "$LAKE" || exit 1
out=$(psql -X -h 127.0.0.1 -p "$PORT" -U anybody -d lake -Atc "SELECT 1" 2>&1)
check "trust on loopback without users" "1" "$out"
contains "trust banner at startup" "AUTHENTICATION IS OFF" "$(cat "$SERVER_LOG")"
stop_server
out=$(timeout 30 "$INSIGHTS_BIN" serve --data "$LAKE" --listen "0.0.0.0:$(free_port)" 2>&1)
contains "no implicit trust on a non-loopback address" 'write auth = "trust"' "$out"
finish
