//! The guard's unit-level attack corpus: every statement that must be refused, with the SQLSTATE it must get,
//! and the legitimate queries that must pass (with what they are rewritten to). The same corpus runs through
//! the wire in `tests/attacks.rs`.

use std::collections::HashSet;
use std::sync::Arc;

use super::*;

fn policy() -> Policy {
    Policy {
        allowed_tables: ["sales", "stores", "products", "customers"]
            .into_iter()
            .map(String::from)
            .collect(),
        ..Policy::default()
    }
}

fn guard() -> Guard {
    Guard::new(policy()).expect("guard opens")
}

/// The attack corpus, shared with the wire test (`tests/attacks.rs`): one `SQLSTATE statement` a line, `#` for
/// comments, `\n` and `\0` escapes, and `{placeholders}` for paths the wire test creates for real.
const ATTACKS: &str = include_str!("attacks.txt");

/// Paths for the placeholders at unit level (nothing is ever bound, so they need not exist).
const PATHS: &[(&str, &str)] = &[
    ("{canary}", "/etc/passwd"),
    ("{inlake}", "/srv/lake/_canary/canary.csv"),
    ("{lakeout}", "/srv/lake/_out"),
    ("{lake}", "/srv/lake"),
    ("{out}", "/tmp/out"),
];

/// Parses the corpus into (statement, SQLSTATE) pairs.
fn attacks() -> Vec<(String, String)> {
    ATTACKS
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (state, sql) = l.split_once(' ').expect("SQLSTATE then statement");
            let mut sql = sql.replace("\\n", "\n").replace("\\0", "\0");
            for (k, v) in PATHS {
                sql = sql.replace(k, v);
            }
            (sql, state.to_string())
        })
        .collect()
}

/// Legitimate statements that must pass, with the kind they must get.
pub const LEGIT: &[(&str, StatementKind)] = &[
    // From the shared NL evaluation set (reference answers an LLM would write).
    (
        "WITH m AS (SELECT month, SUM(revenue) AS revenue FROM sales WHERE year = 2024 GROUP BY month) \
         SELECT month, revenue, revenue / LAG(revenue) OVER (ORDER BY month) - 1 AS growth FROM m ORDER BY month",
        StatementKind::Query,
    ),
    (
        "SELECT SUM(revenue) AS revenue FROM sales WHERE order_date >= date_trunc('month', \
         (SELECT MAX(order_date) FROM sales)) AND order_date <= (SELECT MAX(order_date) FROM sales)",
        StatementKind::Query,
    ),
    (
        "SELECT p.category, AVG(CASE WHEN s.returned THEN 1 ELSE 0 END) AS return_rate \
         FROM sales s JOIN products p USING (product_id) GROUP BY p.category",
        StatementKind::Query,
    ),
    ("SELECT * FROM sales", StatementKind::Query),
    ("select region, sum(amount) AS total from Sales group by region order by total desc", StatementKind::Query),
    ("SELECT s.region, st.name FROM sales s JOIN stores st ON s.store_id = st.store_id", StatementKind::Query),
    ("SELECT * FROM sales LEFT JOIN stores USING (store_id) LEFT JOIN products USING (product_id)", StatementKind::Query),
    ("SELECT * FROM main.sales, public.stores", StatementKind::Query),
    ("SELECT * FROM \"SALES\"", StatementKind::Query),
    ("WITH t AS (SELECT region, sum(amount) a FROM sales GROUP BY ALL) SELECT * FROM t WHERE a > 10", StatementKind::Query),
    (
        "WITH a AS (SELECT 1 AS x), b AS (SELECT x + 1 AS y FROM a) SELECT * FROM a, b",
        StatementKind::Query,
    ),
    ("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 10) SELECT * FROM r", StatementKind::Query),
    (
        "SELECT region, amount, rank() OVER (PARTITION BY region ORDER BY amount DESC) AS rk, \
         sum(amount) OVER (ORDER BY sold_at ROWS BETWEEN 6 PRECEDING AND CURRENT ROW) FROM sales",
        StatementKind::Query,
    ),
    ("SELECT date_trunc('month', sold_at) AS m, count(*) FROM sales GROUP BY 1 ORDER BY 1", StatementKind::Query),
    ("SELECT strftime(sold_at, '%Y-%m') AS ym, avg(amount)::DECIMAL(10,2) FROM sales GROUP BY ym", StatementKind::Query),
    (
        "SELECT CASE WHEN amount > 100 THEN 'big' WHEN amount > 10 THEN 'mid' ELSE 'small' END AS b, count(*) \
         FROM sales GROUP BY b",
        StatementKind::Query,
    ),
    ("SELECT DISTINCT region FROM sales", StatementKind::Query),
    ("SELECT count(DISTINCT customer_id) FILTER (WHERE amount > 0) FROM sales", StatementKind::Query),
    ("SELECT region FROM sales UNION SELECT region FROM stores", StatementKind::Query),
    ("SELECT region FROM sales EXCEPT SELECT region FROM stores INTERSECT SELECT region FROM stores", StatementKind::Query),
    ("SELECT * FROM sales WHERE region = ANY(ARRAY['north', 'south'])", StatementKind::Query),
    ("SELECT * FROM sales WHERE store_id IN (SELECT store_id FROM stores WHERE city ILIKE 'a%')", StatementKind::Query),
    ("SELECT *, (SELECT max(amount) FROM sales) AS top FROM stores", StatementKind::Query),
    ("SELECT * FROM stores s WHERE EXISTS (SELECT 1 FROM sales x WHERE x.store_id = s.store_id)", StatementKind::Query),
    ("SELECT extract(year FROM sold_at), sold_at + INTERVAL 1 DAY, now()::DATE, current_date FROM sales", StatementKind::Query),
    ("SELECT coalesce(region, 'n/a'), nullif(amount, 0), greatest(1, 2), round(amount / 3, 2) FROM sales", StatementKind::Query),
    ("SELECT upper(region) || '-' || lower(city), length(city), regexp_replace(city, 'a', 'b') FROM stores", StatementKind::Query),
    ("SELECT list_transform([1, 2, 3], x -> x * 2), {'a': 1}.a, [1, 2][1], struct_pack(k := 1)", StatementKind::Query),
    ("SELECT try_cast('1' AS INT), CAST(amount AS VARCHAR), amount::BIGINT FROM sales", StatementKind::Query),
    ("SELECT region, string_agg(city, ', ' ORDER BY city) FROM stores GROUP BY region", StatementKind::Query),
    ("SELECT region, quantile_cont(amount, 0.5), median(amount), stddev(amount) FROM sales GROUP BY ROLLUP (region)", StatementKind::Query),
    ("SELECT * FROM sales QUALIFY row_number() OVER (PARTITION BY region ORDER BY amount DESC) = 1", StatementKind::Query),
    ("SELECT * FROM sales USING SAMPLE 10%", StatementKind::Query),
    ("SELECT * FROM range(10) t(i)", StatementKind::Query),
    ("SELECT * FROM generate_series(DATE '2024-01-01', DATE '2024-12-01', INTERVAL 1 MONTH) g(d)", StatementKind::Query),
    ("SELECT unnest([1, 2, 3])", StatementKind::Query),
    ("SELECT * FROM sales WHERE region = $1 AND amount > $2", StatementKind::Query),
    ("SELECT * FROM sales WHERE region = ?", StatementKind::Query),
    ("FROM sales", StatementKind::Query),
    ("FROM sales SELECT region", StatementKind::Query),
    ("TABLE sales", StatementKind::Query),
    ("VALUES (1, 'a'), (2, 'b')", StatementKind::Query),
    ("SELECT 1", StatementKind::Query),
    ("(SELECT 1)", StatementKind::Query),
    ("SELECT 'read_csv(''/etc/passwd'')' AS harmless_text", StatementKind::Query),
    ("SELECT 'SELECT 1; DROP TABLE sales' AS text", StatementKind::Query),
    ("SELECT $$'; DROP TABLE sales; --$$ AS text", StatementKind::Query),
    ("SELECT * FROM 'sales'", StatementKind::Query),
    ("SELECT * REPLACE (upper(region) AS region) FROM sales", StatementKind::Query),
    ("SELECT * FROM sales ASOF JOIN stores ON sales.sold_at >= stores.opened_at", StatementKind::Query),
    ("SELECT * FROM sales SEMI JOIN stores USING (store_id)", StatementKind::Query),
    ("SELECT * FROM sales s, LATERAL (SELECT s.amount * 2 AS doubled) d", StatementKind::Query),
    ("SELECT region, sum(amount) FROM sales GROUP BY GROUPING SETS ((region), ())", StatementKind::Query),
    ("SELECT a.region FROM sales a POSITIONAL JOIN stores b", StatementKind::Query),
    ("PIVOT sales ON region IN ('north', 'south') USING sum(amount)", StatementKind::Query),
    ("UNPIVOT stores ON city INTO NAME k VALUE v", StatementKind::Query),
    ("SELECT COLUMNS('amount|region') FROM sales", StatementKind::Query),
    ("SELECT * EXCLUDE (amount) FROM sales", StatementKind::Query),
    ("SELECT relname FROM pg_catalog.pg_class WHERE relkind = 'r'", StatementKind::Query),
    ("SELECT nspname FROM pg_namespace", StatementKind::Query),
    ("SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'", StatementKind::Query),
    ("SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'sales'", StatementKind::Query),
    ("SELECT version(), current_database(), current_schema()", StatementKind::Query),
    ("SELECT pg_catalog.format_type(23, NULL), pg_typeof(1)", StatementKind::Query),
    ("EXPLAIN SELECT * FROM sales", StatementKind::Explain),
    ("explain analyze SELECT count(*) FROM sales", StatementKind::Explain),
    ("DESCRIBE sales", StatementKind::Describe),
    ("DESCRIBE SELECT region FROM sales", StatementKind::Describe),
    ("SHOW sales", StatementKind::Describe),
    ("SHOW TABLES", StatementKind::Describe),
    ("SUMMARIZE sales", StatementKind::Describe),
    ("SELECT * FROM sales -- trailing comment", StatementKind::Query),
    ("/* leading comment */ SELECT 1;", StatementKind::Query),
];

#[test]
fn attack_corpus_is_refused_with_the_right_sqlstate() {
    let g = guard();
    let corpus = attacks();
    assert!(
        corpus.len() >= 100,
        "corpus has {} statements",
        corpus.len()
    );
    let mut wrong = Vec::new();
    for (sql, want) in &corpus {
        match g.check(sql) {
            Ok(ok) => wrong.push(format!("ACCEPTED {sql:?} -> {ok:?}")),
            Err(e) if e.sqlstate() != want => {
                wrong.push(format!("{sql:?}: want {want}, got {} ({e})", e.sqlstate()))
            }
            Err(_) => {}
        }
    }
    let n = wrong.len();
    assert!(
        wrong.is_empty(),
        "{n} of {} wrong:\n{}",
        corpus.len(),
        wrong.join("\n")
    );
}

#[test]
fn legitimate_queries_pass() {
    let g = guard();
    assert!(LEGIT.len() >= 20);
    let mut wrong = Vec::new();
    // With and without a row cap: the wrapped text must validate too.
    for cap in [None, Some(100)] {
        for (sql, kind) in LEGIT {
            match g.check_with_cap(sql, cap) {
                Ok(v) if v.len() == 1 && v[0].kind == *kind => {}
                Ok(v) => wrong.push(format!("{sql:?} cap {cap:?}: {v:?}")),
                Err(e) => wrong.push(format!("{sql:?} cap {cap:?}: {} {e}", e.sqlstate())),
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

#[test]
fn size_caps_come_before_the_parser() {
    let g = guard();
    let deep = format!("SELECT {}1{}", "(".repeat(10_000), ")".repeat(10_000));
    assert_eq!(g.check(&deep).map_err(|e| e.sqlstate()), Err("54000"));
    let lists = format!("SELECT {}1{}", "[".repeat(100), "]".repeat(100));
    assert_eq!(g.check(&lists).map_err(|e| e.sqlstate()), Err("54000"));
    let long = format!("SELECT '{}'", "x".repeat(DEFAULT_MAX_SQL_LEN));
    assert_eq!(g.check(&long).map_err(|e| e.sqlstate()), Err("54000"));
    // Nesting without brackets is stopped by DuckDB's own parser limits or the AST depth cap, as 54000.
    for deep in [
        format!("SELECT {}1", "NOT ".repeat(5_000)),
        format!("SELECT {}1", "1 + ".repeat(5_000)),
        format!(
            "SELECT {}1{}",
            "CASE WHEN true THEN ".repeat(3_000),
            " END".repeat(3_000)
        ),
    ] {
        assert_eq!(
            g.check(&deep).map_err(|e| e.sqlstate()),
            Err("54000"),
            "{}",
            &deep[..40]
        );
    }
    // Deep but bracket-free nesting below DuckDB's limits: refused or accepted, never a crash (the walk's stack
    // on a 2 MiB test thread is the proof).
    for n in [100, 200, 400] {
        let case = format!(
            "SELECT {}1{}",
            "CASE WHEN true THEN ".repeat(n),
            " END".repeat(n)
        );
        let r = g.check(&case).map(|_| ()).map_err(|e| e.sqlstate());
        assert!(r.is_ok() || r == Err("54000"), "{n}: {r:?}");
    }
    // Parens inside literals and comments do not count.
    let quoted = format!("SELECT '{}' -- {}", "(".repeat(1_000), "(".repeat(1_000));
    assert!(g.check(&quoted).is_ok());
    // Right at the limit is fine.
    let ok = format!(
        "SELECT {}1{}",
        "(".repeat(DEFAULT_MAX_DEPTH),
        ")".repeat(DEFAULT_MAX_DEPTH)
    );
    assert!(g.check(&ok).is_ok());
}

#[test]
fn multi_statement_strings_are_split_and_all_checked() {
    let g = guard();
    let v = g
        .check("SELECT 1; SELECT * FROM sales;; -- done")
        .expect("passes");
    assert_eq!(
        v.iter().map(|c| c.original.as_str()).collect::<Vec<_>>(),
        vec!["SELECT 1", "SELECT * FROM sales"]
    );
    assert!(g.check("").expect("empty is fine").is_empty());
    assert!(g
        .check(" -- just a comment ;")
        .expect("comment is fine")
        .is_empty());
}

#[test]
fn row_cap_wraps_only_when_needed() {
    let g = guard();
    let c = g
        .check_with_cap("SELECT * FROM sales -- c\n;", Some(10))
        .expect("passes");
    assert_eq!(
        c[0].sql,
        "SELECT * FROM (\nSELECT * FROM sales\n) AS capped LIMIT 10"
    );
    let c = g
        .check_with_cap("SELECT * FROM sales LIMIT 5", Some(10))
        .expect("passes");
    assert_eq!(c[0].sql, "SELECT * FROM sales LIMIT 5");
    let c = g
        .check_with_cap("SELECT * FROM sales ORDER BY amount LIMIT 50", Some(10))
        .expect("passes");
    assert!(c[0].sql.ends_with("LIMIT 10"), "{}", c[0].sql);
    let c = g
        .check_with_cap("SELECT * FROM sales", None)
        .expect("passes");
    assert_eq!(c[0].sql, "SELECT * FROM sales");
    let c = g
        .check_with_cap("DESCRIBE sales", Some(10))
        .expect("passes");
    assert_eq!(c[0].sql, "DESCRIBE sales");
    let c = g
        .check_with_cap("EXPLAIN SELECT * FROM sales", Some(10))
        .expect("passes");
    assert_eq!(c[0].sql, "EXPLAIN SELECT * FROM sales");
    // The policy's own cap is what `check` uses.
    let capped = Guard::new(Policy {
        max_rows: Some(7),
        ..policy()
    })
    .expect("opens");
    assert!(capped.check("SELECT 1").expect("passes")[0]
        .sql
        .ends_with("LIMIT 7"));
}

/// The plain wrap keeps the inner ORDER BY (DuckDB preserves insertion order through a projection + LIMIT).
#[test]
fn cap_keeps_order() {
    let g = Guard::new(Policy::default()).expect("opens");
    let db = duckdb::Connection::open_in_memory().expect("db");
    for inner in [
        "SELECT x FROM range(2000000) t(x) ORDER BY x DESC",
        "SELECT x % 1000 AS k, count(*) AS c FROM range(2000000) t(x) GROUP BY k ORDER BY k DESC",
        "SELECT x FROM range(2000000) t(x) ORDER BY x % 7, x DESC",
    ] {
        let checked = g.check_with_cap(inner, Some(5)).expect("passes");
        let capped: Vec<i64> = db
            .prepare(&checked[0].sql)
            .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
            .expect("runs");
        let direct: Vec<i64> = db
            .prepare(&format!("{inner} LIMIT 5"))
            .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
            .expect("runs");
        assert_eq!(capped, direct, "{inner}");
    }
}

struct NorthOnly;

fn north() -> sqlparser::ast::Expr {
    sqlparser::parser::Parser::new(&sqlparser::dialect::DuckDbDialect {})
        .try_with_sql("region = 'north'")
        .and_then(|mut p| p.parse_expr())
        .expect("test predicate parses")
}

impl TableFilter for NorthOnly {
    fn filter_for(&self, table: &str) -> Option<sqlparser::ast::Expr> {
        (table == "sales").then(north)
    }
}

#[test]
fn row_filter_verification_catches_a_missed_reference() {
    let g = guard();
    let p = g.parser.lock().expect("parser");
    let shape = g.filter_shape(&p, "sales", &north()).expect("shape");
    let required = [shape];
    let ok = "SELECT * FROM (SELECT * FROM sales WHERE region = 'north') AS s JOIN stores USING (store_id)";
    let stmt = g.parse_one(&p, ok).expect("parses");
    assert!(walk::check_filtered(&stmt, &required).is_ok());
    for missed in [
        "SELECT * FROM sales",
        "SELECT * FROM (SELECT * FROM sales WHERE region = 'south') s",
        "SELECT * FROM (SELECT * FROM sales WHERE region = 'north') s, main.sales",
        "SELECT * FROM (SELECT region FROM sales WHERE region = 'north') s",
        "SELECT * FROM (SELECT * FROM sales WHERE region = 'north' OR true) s",
        "SELECT (SELECT max(amount) FROM sales) FROM (SELECT * FROM sales WHERE region = 'north') s",
    ] {
        let stmt = g.parse_one(&p, missed).expect("parses");
        let got = walk::check_filtered(&stmt, &required).map_err(|e| e.sqlstate());
        assert_eq!(got, Err("42501"), "{missed}");
    }
}

#[test]
fn row_filter_hook_rewrites_and_revalidates() {
    let g = guard().with_filter(Arc::new(NorthOnly));
    let c = g
        .check_with_cap(
            "SELECT count(*) FROM sales s JOIN stores USING (store_id)",
            None,
        )
        .expect("passes");
    assert_eq!(
        c[0].sql,
        "SELECT count(*) FROM (SELECT * FROM sales WHERE region = 'north') s JOIN stores USING(store_id)"
    );
    // Tables without a filter are left as written.
    let c = g
        .check_with_cap("SELECT * FROM stores", None)
        .expect("passes");
    assert_eq!(c[0].sql, "SELECT * FROM stores");
    // Filter, then cap.
    let c = g
        .check_with_cap("SELECT * FROM sales", Some(3))
        .expect("passes");
    assert_eq!(c[0].sql, "SELECT * FROM (\nSELECT * FROM (SELECT * FROM sales WHERE region = 'north') AS sales\n) AS capped LIMIT 3");
    // DESCRIBE reads no rows and stays as is; attacks are still refused first.
    assert_eq!(
        g.check("DESCRIBE sales").expect("passes")[0].sql,
        "DESCRIBE sales"
    );
    // The string-literal spelling of a lake table is filtered too (and DuckDB's AST of the result proves it).
    let c = g.check("SELECT * FROM 'sales'").expect("passes");
    assert_eq!(
        c[0].sql,
        "SELECT * FROM (SELECT * FROM 'sales' WHERE region = 'north') AS 'sales'"
    );
    // A statement the rewriter cannot parse is refused, never run unfiltered.
    let r = g.check("SUMMARIZE sales");
    assert_eq!(r.map_err(|e| e.sqlstate()), Err("42501"));
    assert_eq!(
        g.check("SELECT * FROM read_text('x')")
            .map_err(|e| e.sqlstate()),
        Err("42501")
    );
}

#[test]
fn guard_is_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Guard>();
    let g = Arc::new(guard());
    let handles: Vec<_> = (0..4)
        .map(|i| {
            let g = Arc::clone(&g);
            std::thread::spawn(move || g.check(&format!("SELECT {i} FROM sales")).map(|v| v.len()))
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().ok().and_then(Result::ok), Some(1));
    }
}

#[test]
fn errors_map_to_sqlstates() {
    let all: HashSet<&str> = [
        GuardError::Syntax(String::new()),
        GuardError::Forbidden(String::new()),
        GuardError::Unsupported(String::new()),
        GuardError::TooLong { len: 1, max: 0 },
        GuardError::TooDeep(String::new()),
        GuardError::UnknownTable(String::new()),
        GuardError::UnknownFunction(String::new()),
        GuardError::Internal(String::new()),
    ]
    .iter()
    .map(GuardError::sqlstate)
    .collect();
    assert_eq!(
        all,
        ["42601", "42501", "0A000", "54000", "42P01", "42883", "XX000"]
            .into_iter()
            .collect()
    );
}

#[test]
fn checks_are_fast() {
    let g = guard();
    let sql = "WITH m AS (SELECT region, date_trunc('month', sold_at) AS m, sum(amount) AS r FROM sales \
               JOIN stores USING (store_id) WHERE amount > 0 GROUP BY ALL) \
               SELECT region, m, r, r - lag(r) OVER (PARTITION BY region ORDER BY m) AS delta FROM m ORDER BY 1, 2";
    let t0 = std::time::Instant::now();
    for _ in 0..200 {
        assert!(g.check_with_cap(sql, Some(1000)).is_ok());
    }
    let per = t0.elapsed() / 200;
    eprintln!("one check: {per:?}");
    assert!(per < std::time::Duration::from_millis(50), "{per:?}");
}

#[test]
fn check_single_wants_exactly_one_statement() {
    let g = guard();
    let one = g
        .check_single("SELECT * FROM sales;", Some(5))
        .expect("passes");
    assert_eq!(one.original, "SELECT * FROM sales");
    assert!(one.sql.ends_with("LIMIT 5"));
    assert_eq!(
        g.check_single("SELECT 1; SELECT 2", None)
            .map_err(|e| e.sqlstate()),
        Err("42601")
    );
    assert_eq!(
        g.check_single(" -- nothing", None)
            .map_err(|e| e.sqlstate()),
        Err("42601")
    );
    assert_eq!(
        g.check_single("SELECT 1; DROP TABLE sales", None)
            .map_err(|e| e.sqlstate()),
        Err("0A000")
    );
}

/// Every position × every spelling × every way of writing the path: file-reading table functions and
/// string-literal relations are refused (42501) wherever and however they are written.
#[test]
fn file_sources_are_refused_in_every_position_and_spelling() {
    const POSITIONS: &[&str] = &[
        "SELECT * FROM {src}",
        "FROM {src}",
        "SELECT * FROM sales JOIN {src} ON true",
        "SELECT * FROM sales LEFT JOIN {src} USING (region)",
        "SELECT * FROM sales, {src}",
        "SELECT * FROM (SELECT * FROM {src}) x",
        "WITH c AS (SELECT * FROM {src}) SELECT * FROM c",
        "WITH RECURSIVE r AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM r, {src}) SELECT * FROM r",
        "SELECT * FROM sales s, LATERAL (SELECT * FROM {src}) l",
        "SELECT (SELECT count(*) FROM {src})",
        "SELECT region FROM sales UNION SELECT * FROM {src}",
        "SELECT * FROM sales WHERE region IN (SELECT * FROM {src})",
        "SELECT * FROM sales WHERE EXISTS (SELECT 1 FROM {src})",
        "SELECT * FROM sales ORDER BY (SELECT 1 FROM {src})",
        "DESCRIBE SELECT * FROM {src}",
        "EXPLAIN SELECT * FROM {src}",
        "SELECT 1; SELECT * FROM {src}",
    ];
    const FUNCTIONS: &[&str] = &[
        "read_text",
        "\"read_text\"",
        "\"READ_TEXT\"",
        "READ_TEXT",
        "main.read_text",
        "system.main.read_text",
        "\"system\".\"main\".\"read_text\"",
        "read_text/**/",
        "read_csv",
        "read_csv_auto",
        "read_parquet",
        "read_json",
        "read_blob",
        "parquet_scan",
        "glob",
    ];
    const ARGS: &[&str] = &[
        "'/etc/passwd'",
        "'/etc/' || 'passwd'",
        "concat('/et', 'c/passwd')",
        "$1",
        "?",
        "['/etc/passwd']",
        "'../../../../etc/passwd'",
        "'./../canary.csv'",
        "'~/.ssh/id_rsa'",
    ];
    const LITERALS: &[&str] = &[
        "'/etc/passwd'",
        "\"/etc/passwd\"",
        "'../canary.csv'",
        "'./../canary.csv'",
        "'~/canary.csv'",
        "'data/*.parquet' AS t",
    ];
    let g = guard();
    let mut sources: Vec<String> = FUNCTIONS
        .iter()
        .flat_map(|f| ARGS.iter().map(move |a| format!("{f}({a})")))
        .collect();
    sources.extend(LITERALS.iter().map(|l| (*l).to_string()));
    let mut wrong = Vec::new();
    let mut n = 0;
    for pos in POSITIONS {
        for src in &sources {
            let sql = pos.replace("{src}", src);
            n += 1;
            match g.check(&sql) {
                Err(e) if e.sqlstate() == "42501" => {}
                other => wrong.push(format!("{sql}: {other:?}")),
            }
        }
    }
    assert!(n > 1_000, "{n}");
    assert!(
        wrong.is_empty(),
        "{} of {n} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}
