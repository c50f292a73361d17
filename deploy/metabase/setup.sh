#!/bin/sh
# Creates Metabase's first admin and adds Retail Insights as a PostgreSQL database, through Metabase's API.
# Idempotent: when setup was already done it only logs in and adds the database if it is missing.
set -eu
until curl -fsS "$MB_URL/api/health" >/dev/null 2>&1; do sleep 3; done
token=$(curl -fsS "$MB_URL/api/session/properties" | sed -n 's/.*"setup-token":"\([^"]*\)".*/\1/p')
if [ -n "$token" ]; then
  curl -fsS -X POST "$MB_URL/api/setup" -H 'Content-Type: application/json' -d "{
    \"token\": \"$token\",
    \"user\": {\"email\": \"$MB_ADMIN_EMAIL\", \"password\": \"$MB_ADMIN_PASSWORD\", \"first_name\": \"Admin\", \"last_name\": \"Insights\", \"site_name\": \"Retail Insights\"},
    \"prefs\": {\"site_name\": \"Retail Insights\", \"allow_tracking\": false}
  }" >/dev/null
fi
session=$(curl -fsS -X POST "$MB_URL/api/session" -H 'Content-Type: application/json' \
  -d "{\"username\": \"$MB_ADMIN_EMAIL\", \"password\": \"$MB_ADMIN_PASSWORD\"}" | sed -n 's/.*"id":"\([^"]*\)".*/\1/p')
if curl -fsS "$MB_URL/api/database" -H "X-Metabase-Session: $session" | grep -q '"name":"Retail Insights"'; then
  echo "Retail Insights is already a Metabase database"
  exit 0
fi
curl -fsS -X POST "$MB_URL/api/database" -H 'Content-Type: application/json' -H "X-Metabase-Session: $session" -d "{
  \"engine\": \"postgres\", \"name\": \"Retail Insights\",
  \"details\": {\"host\": \"$INSIGHTS_HOST\", \"port\": $INSIGHTS_PORT, \"dbname\": \"lake\",
               \"user\": \"$INSIGHTS_USER\", \"password\": \"$INSIGHTS_PASSWORD\", \"ssl\": false}
}" >/dev/null
echo "added Retail Insights to Metabase"
