#!/usr/bin/env bash
# Drives stock pgJDBC (Debian libpostgresql-jdbc-java) from integration/clients/Jdbc.java: DatabaseMetaData,
# PreparedStatement past the prepare threshold (server-prepared, binary), and setFetchSize with autocommit off.
source "$(dirname "$0")/lib.sh"
JAR=$(ls /usr/share/java/postgresql.jar 2>/dev/null || ls /usr/share/java/postgresql-*.jar 2>/dev/null | head -1)
if [ -z "$JAR" ] || ! command -v java >/dev/null; then fail "pgJDBC and java installed" "missing $JAR/java"; finish; exit; fi
LAKE=$(test_lake)
start_server "$LAKE" || exit 1
out=$(java -cp "$JAR" "$HERE/clients/Jdbc.java" "$PORT" 2>&1)
echo "$out" | grep -E '^(ok|FAIL)' | sed 's/^/  /'
p=$(echo "$out" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
f=$(echo "$out" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
if [ -z "$p" ]; then fail "java program ran" "$out"; else PASSED=$((PASSED + p)); FAILED=$((FAILED + f)); fi
finish
