#!/usr/bin/env bash
# Operations through psql and curl: every statement's JSON line in the audit file (user, client address,
# application_name, kind, question, final SQL, rows, outcome), insights.query_log for an admin and 42501 for
# anyone else, and the HTTP listener's /health and /metrics.
source "$(dirname "$0")/lib.sh"
LAKE=$(test_lake)
AUDIT="${TMPDIR:-/tmp}/insights-audit-$$.jsonl"
HTTP="127.0.0.1:$(free_port)"
export INSIGHTS_AUDIT_LOG="$AUDIT" INSIGHTS_HTTP_LISTEN="$HTTP" INSIGHTS_ADMINS=auditor
start_server "$LAKE" || exit 1
psql_as() { # psql_as USER ARGS...: quiet, unaligned, SQLSTATEs shown
  local user=$1
  shift
  PGAPPNAME=ops-psql psql -X -q -A -t -v VERBOSITY=verbose -h 127.0.0.1 -p "$PORT" -U "$user" -d lake "$@" 2>&1
}

sample() { # sample SERIES: its value in /metrics now
  curl -s "http://$HTTP/metrics" | awk -v s="$1" '$1 == s { print $2 }'
}

# 1. /health is ready, /metrics has counted no statement yet (pg_isready's probes were connections).
check "health status" "200" "$(curl -s -o /dev/null -w '%{http_code}' "http://$HTTP/health")"
contains "health body" '"status":"ready","tables":4' "$(curl -s "http://$HTTP/health")"
check "metrics before" "0" "$(sample 'insights_statement_duration_seconds_count{kind="sql"}')"
connections=$(sample insights_connections_total)

# 2. A session: SQL, a question, a failure, a refusal of the query log.
out=$(psql_as demo -c "SELECT count(*) FROM stores WHERE region = 'EAST'" \
  -c "/*ask*/ revenue by region in 2024" -c "SELECT 'x'::INTEGER" -c "SELECT * FROM insights.query_log")
contains "refused for non-admins" "ERROR:  42501" "$out"

# 3. One JSON line a statement.
lines=$(python3 - "$AUDIT" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    print("|".join(str(r.get(k, "-")) for k in
                   ("user_name", "application_name", "kind", "question", "rows", "outcome")),
          r["client_addr"].split(":")[0], "sql" if r.get("sql") else "nosql", r["duration_ms"] > 0)
PY
)
check "audit lines" "demo|ops-psql|sql|-|1|ok 127.0.0.1 sql True
demo|ops-psql|nl|revenue by region in 2024|4|ok 127.0.0.1 sql True
demo|ops-psql|sql|-|0|22P02 127.0.0.1 sql True
demo|ops-psql|sql|-|0|42501 127.0.0.1 nosql True" "$lines"

# 4. The admin queries the log with SQL.
out=$(psql_as auditor -c "SELECT kind, outcome, rows FROM insights.query_log WHERE user_name = 'demo' ORDER BY seq")
check "query_log for the admin" "sql|ok|1
nl|ok|4
sql|22P02|0
sql|42501|0" "$out"
out=$(psql_as auditor -c "SELECT count(*) FILTER (WHERE outcome <> 'ok'), max(question) FROM insights.query_log")
check "query_log aggregates" "2|revenue by region in 2024" "$out"

# 5. The counters moved.
metrics=$(curl -s "http://$HTTP/metrics")
contains "metrics: nl statements" 'insights_statements_total{kind="nl",outcome="ok"} 1' "$metrics"
contains "metrics: refusals" 'insights_statements_total{kind="sql",outcome="42501"} 1' "$metrics"
contains "metrics: connections" "insights_connections_total $((connections + 3))" "$metrics"
contains "metrics: catalog" "insights_catalog_tables 4" "$metrics"
contains "metrics: histogram" 'insights_statement_duration_seconds_count{kind="nl"} 1' "$metrics"

rm -f "$AUDIT"
finish
