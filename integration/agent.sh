#!/usr/bin/env bash
# The agent pipeline through psql and the ask command: a narrative NOTICE with figures from the rows, follow-ups
# on one connection, a summary (KPI table + narrative), help, chit-chat refusal, and durable threads with
# `insights ask --thread` across separate processes, then `forget`.
source "$(dirname "$0")/lib.sh"
LAKE=$(test_lake)
start_server "$LAKE" || exit 1
PSQL=(psql -X -h 127.0.0.1 -p "$PORT" -U demo -d lake)

out=$("${PSQL[@]}" -A -c "/*ask*/ revenue by region in 2023" 2>&1)
contains "narrative with leader and share" "leads with \$" "$out"
top=$("${PSQL[@]}" -A -t -c "SELECT region FROM sales WHERE year = 2023 GROUP BY region ORDER BY sum(revenue) DESC LIMIT 1" 2>&1)
contains "narrative names the real leader" "NOTICE:  Total revenue across 4 rows is \$" "$out"
contains "leader comes from the data" "$top leads" "$out"

out=$(printf '%s\n' "/*ask*/ Revenue by region in 2023;" "/*ask*/ and in 2024?;" "/*ask*/ just the top 2;" | "${PSQL[@]}" -A 2>&1)
contains "follow-up reads the previous turn" "read as: revenue by region, 2024" "$out"
contains "just the top 2" "(2 rows)" "$out"

out=$("${PSQL[@]}" -A -c "/*ask*/ Give me a summary of sales performance in 2023" 2>&1)
contains "summary: KPI table" "kpi|value" "$out"
contains "summary: anomaly found" "Anomaly: WEST in August 2023" "$out"

out=$("${PSQL[@]}" -A -c "/*ask: what can you answer? */" 2>&1)
contains "help lists measures" "measures|revenue" "$out"
out=$("${PSQL[@]}" -A -c "/*ask*/ hello" 2>&1)
contains "chit-chat is politely refused" "I only answer questions about the sales data" "$out"

T="it-$$"
"$INSIGHTS_BIN" ask --data "$LAKE" --thread "$T" "units sold by channel in 2024" >/dev/null 2>&1
out=$("$INSIGHTS_BIN" ask --data "$LAKE" --thread "$T" "break that down by region too" 2>&1)
contains "ask --thread: follow-up in a new process" "read as: units by channel and region, 2024" "$out"
out=$("${PSQL[@]}" -A -c "SET insights.thread = '$T'" -c "/*ask*/ what about orders?" 2>&1)
contains "psql joins the same thread" "read as: orders by channel and region, 2024" "$out"
"$INSIGHTS_BIN" ask --data "$LAKE" --thread "$T" "forget" >/dev/null 2>&1
out=$("$INSIGHTS_BIN" ask --data "$LAKE" --thread "$T" "what about orders?" 2>&1)
case "$out" in *"by channel and region"*) fail "forget clears the thread" "$out" ;; *) ok "forget clears the thread" ;; esac
finish
