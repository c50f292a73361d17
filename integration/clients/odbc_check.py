"""psqlODBC through unixODBC, driven by pyodbc (run by integration/odbc.sh): connect, SQLTables, SQLColumns and
one query. Prints "N passed, N failed"."""
import sys

import pyodbc

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
    except Exception as e:  # report and keep going
        check(name, False, repr(e))


port = sys.argv[1]
conn = pyodbc.connect(
    f"DRIVER={{PostgreSQL Unicode}};SERVER=127.0.0.1;PORT={port};DATABASE=insights;UID=insights;PWD=x",
    autocommit=True,
)
check("connect", True)


def tables():
    names = [r.table_name for r in conn.cursor().tables(schema="public", tableType="TABLE")]
    check("SQLTables lists the lake", {"sales", "products", "stores", "customers"} <= set(names), names)


def columns():
    cols = [r.column_name for r in conn.cursor().columns(table="sales", schema="public")]
    cur = conn.cursor()
    cur.execute("SELECT * FROM sales LIMIT 0")
    real = [d[0] for d in cur.description]
    check("SQLColumns matches the real columns", cols == real, (cols, real))


def query():
    cur = conn.cursor()
    cur.execute("SELECT count(*) FROM sales WHERE region = ?", "WEST")
    n = cur.fetchone()[0]
    check("parameterized query", n > 0, n)


for name, fn in [("tables", tables), ("columns", columns), ("query", query)]:
    step(name, fn)
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
