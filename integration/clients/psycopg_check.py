"""psycopg 3 client check (run by integration/psycopg.sh): simple protocol, extended protocol, binary results,
and the catalog lookups psycopg's TypeInfo performs. Prints "N passed, N failed"."""
import decimal
import sys

import psycopg
from psycopg.types import TypeInfo

passed = failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok   {name}")
    else:
        failed += 1
        print(f"FAIL {name}: {detail}")


def step(name, fn):
    try:
        fn()
    except Exception as e:  # report and keep going: one failure must not hide the others
        check(name, False, repr(e))


port = sys.argv[1]
conn = psycopg.connect(f"host=127.0.0.1 port={port} dbname=insights user=insights", autocommit=True)
expected = conn.execute("SELECT count(*) FROM sales WHERE region = 'WEST'").fetchone()[0]


def simple():
    cur = psycopg.ClientCursor(conn)
    cur.execute("SELECT count(*) FROM sales WHERE region = %s", ["WEST"])
    check("simple protocol (client-side binding)", cur.fetchone()[0] == expected and expected > 0, expected)


def extended():
    rows = conn.execute("SELECT count(*), sum(revenue) FROM sales WHERE region = %s", ["WEST"], prepare=True).fetchone()
    check("extended protocol, prepared", rows[0] == expected and isinstance(rows[1], decimal.Decimal), rows)


def binary():
    cur = conn.cursor(binary=True)
    cur.execute("SELECT order_id, order_date, revenue, returned, channel FROM sales ORDER BY order_id LIMIT 3")
    bin_rows = cur.fetchall()
    text_rows = conn.execute("SELECT order_id, order_date, revenue, returned, channel FROM sales ORDER BY order_id LIMIT 3").fetchall()
    check("binary results equal text results", bin_rows == text_rows and len(bin_rows) == 3, (bin_rows, text_rows))


def typeinfo():
    info = TypeInfo.fetch(conn, "numeric")
    check("TypeInfo.fetch(numeric) reads pg_type", info is not None and info.oid == 1700, info)


def catalog():
    cols = [r[0] for r in conn.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'sales' ORDER BY ordinal_position").fetchall()]
    real = [d.name for d in conn.execute("SELECT * FROM sales LIMIT 0").description]
    check("information_schema.columns matches the real columns", cols == real, (cols, real))


for name, fn in [("simple", simple), ("extended", extended), ("binary", binary), ("typeinfo", typeinfo), ("catalog", catalog)]:
    step(name, fn)
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
