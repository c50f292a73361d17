#!/usr/bin/env bash
# Plain-English questions through the real psql binary: both marker forms, the NOTICE with the reading and the
# SQL, a clarification for an unknown word, a refusal for a data change, and the `insights ask` command.
source "$(dirname "$0")/lib.sh"
LAKE=$(test_lake)
start_server "$LAKE" || exit 1
PSQL=(psql -X -h 127.0.0.1 -p "$PORT" -U demo -d lake)

out=$("${PSQL[@]}" -A -c "/*ask: what's the revenue by region in 2023? */" 2>&1)
contains "ask: rows come back" "(4 rows)" "$out"
contains "ask: notice says how it was read" "NOTICE:  read as:" "$out"
contains "ask: notice shows the SQL" "NOTICE:  SQL: SELECT" "$out"
expected=$("${PSQL[@]}" -A -t -c "SELECT region || '|' || sum(revenue) FROM sales WHERE year = 2023 GROUP BY region ORDER BY 1" 2>&1)
got=$("${PSQL[@]}" -A -t -c "/*ask: revenue by region in 2023 */" 2>/dev/null | sort)
check "ask: same numbers as the SQL" "$expected" "$got"

out=$("${PSQL[@]}" -A -t -c "/*ASK*/ total units sold in 2022;" 2>&1)
expected=$("${PSQL[@]}" -A -t -c "SELECT sum(quantity) FROM sales WHERE year = 2022" 2>&1)
contains "ask: /*ask*/ form, upper case, trailing ;" "$expected" "$out"

out=$(printf -- "-- Metabase:: userID: 1\n/*ask: top 3 categories by revenue in 2024 */" | "${PSQL[@]}" -A -t 2>&1)
check "ask: after a line comment, top 3" "3" "$(echo "$out" | grep -c '|')"

out=$("${PSQL[@]}" -c "/*ask: revenue by colour */" 2>&1)
contains "clarification names the unknown word" "colour" "$out"
out=$("${PSQL[@]}" -c "/*ask: delete all the sales data */" 2>&1)
contains "refusal of a data change" "ERROR:" "$out"
"${PSQL[@]}" -A -t -c "SELECT 1" >/dev/null 2>&1 && ok "server still serves" || fail "server still serves"

out=$("$INSIGHTS_BIN" ask --data "$LAKE" "orders by channel in 2024" 2>&1)
contains "insights ask prints a table" "| channel" "$out"
contains "insights ask prints the notice" "NOTICE: read as:" "$out"
finish
