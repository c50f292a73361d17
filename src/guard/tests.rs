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

/// Statements that must be refused, with the SQLSTATE each must get.
pub const ATTACKS: &[(&str, &str)] = &[
    // --- DDL of every kind
    ("CREATE TABLE t (a INT)", "0A000"),
    ("CREATE TABLE t AS SELECT * FROM sales", "0A000"),
    ("CREATE OR REPLACE VIEW v AS SELECT 1", "0A000"),
    ("CREATE TEMP TABLE t AS SELECT 1", "0A000"),
    ("CREATE SCHEMA s", "0A000"),
    ("CREATE SEQUENCE seq", "0A000"),
    ("CREATE INDEX i ON sales (id)", "0A000"),
    ("CREATE TYPE mood AS ENUM ('a', 'b')", "0A000"),
    ("CREATE MACRO m(x) AS x + 1", "0A000"),
    ("CREATE MACRO rf(p) AS TABLE SELECT * FROM read_csv(p)", "0A000"),
    ("CREATE FUNCTION f(x) AS x", "0A000"),
    ("ALTER TABLE sales ADD COLUMN x INT", "0A000"),
    ("ALTER TABLE sales RENAME TO sales2", "0A000"),
    ("ALTER VIEW sales RENAME TO s", "0A000"),
    ("DROP TABLE sales", "0A000"),
    ("DROP VIEW sales", "0A000"),
    ("DROP SCHEMA main CASCADE", "0A000"),
    ("COMMENT ON TABLE sales IS 'x'", "0A000"),
    // --- DML
    ("INSERT INTO sales VALUES (1)", "0A000"),
    ("INSERT INTO sales SELECT * FROM sales", "0A000"),
    ("INSERT OR REPLACE INTO sales SELECT * FROM sales", "0A000"),
    ("UPDATE sales SET amount = 0", "0A000"),
    ("DELETE FROM sales", "0A000"),
    ("TRUNCATE sales", "0A000"),
    ("MERGE INTO sales USING stores ON true WHEN MATCHED THEN DELETE", "0A000"),
    ("WITH d AS (DELETE FROM sales RETURNING *) SELECT * FROM d", "42601"),
    // --- COPY, EXPORT, IMPORT
    ("COPY sales TO '/tmp/out/sales.csv'", "0A000"),
    ("COPY (SELECT * FROM sales) TO '/tmp/out/x.parquet' (FORMAT parquet)", "0A000"),
    ("COPY sales FROM '/etc/passwd'", "0A000"),
    ("COPY FROM DATABASE memory TO other", "0A000"),
    ("EXPORT DATABASE '/tmp/out'", "0A000"),
    ("IMPORT DATABASE '/tmp/out'", "0A000"),
    // --- ATTACH / DETACH / USE
    ("ATTACH '/tmp/x.duckdb' AS x", "0A000"),
    ("ATTACH ':memory:' AS m", "0A000"),
    ("ATTACH 'https://example.com/x.duckdb' AS h (READ_ONLY)", "0A000"),
    ("ATTACH 'sqlite:/tmp/x.db' AS s (TYPE sqlite)", "0A000"),
    ("DETACH x", "0A000"),
    ("USE x", "0A000"),
    // --- extensions
    ("INSTALL httpfs", "0A000"),
    ("FORCE INSTALL httpfs FROM community", "0A000"),
    ("LOAD httpfs", "0A000"),
    ("LOAD '/tmp/evil.duckdb_extension'", "0A000"),
    ("UPDATE EXTENSIONS", "0A000"),
    // --- settings of the sandbox
    ("SET enable_external_access = true", "0A000"),
    ("SET GLOBAL enable_external_access TO true", "0A000"),
    ("SET allowed_directories = ['/']", "0A000"),
    ("SET lock_configuration = false", "0A000"),
    ("SET autoload_known_extensions = true", "0A000"),
    ("SET memory_limit = '100GB'", "0A000"),
    ("RESET enable_external_access", "0A000"),
    ("RESET ALL", "42601"),
    ("PRAGMA enable_external_access", "0A000"),
    ("PRAGMA memory_limit = '100GB'", "0A000"),
    ("PRAGMA database_list", "0A000"),
    ("PRAGMA show_tables", "0A000"),
    ("CALL pragma_version()", "0A000"),
    ("SELECT current_setting('allowed_directories')", "42501"),
    ("SELECT * FROM duckdb_settings()", "42501"),
    ("SELECT * FROM pg_catalog.pg_settings", "42501"),
    ("SELECT * FROM pg_settings", "42501"),
    ("SHOW databases", "0A000"),
    ("SHOW ALL TABLES", "0A000"),
    ("SELECT getenv('HOME')", "42501"),
    // --- secrets
    ("CREATE SECRET s (TYPE s3, KEY_ID 'a', SECRET 'b')", "0A000"),
    ("CREATE PERSISTENT SECRET s (TYPE http)", "0A000"),
    ("DROP SECRET s", "0A000"),
    ("SELECT * FROM duckdb_secrets()", "42501"),
    ("SELECT * FROM which_secret('s3://b/x', 's3')", "42501"),
    ("FROM duckdb_secrets()", "42501"),
    // --- transactions, maintenance, prepared statements, variables
    ("CHECKPOINT", "0A000"),
    ("VACUUM", "0A000"),
    ("ANALYZE", "0A000"),
    ("PREPARE p AS SELECT * FROM read_csv($1)", "0A000"),
    ("PREPARE p AS SELECT 1", "0A000"),
    ("EXECUTE p('/etc/passwd')", "0A000"),
    ("DEALLOCATE p", "0A000"),
    ("SET VARIABLE path = '/etc/passwd'", "0A000"),
    ("SELECT getvariable('path')", "42501"),
    ("SELECT * FROM query(getvariable('q'))", "42501"),
    ("SELECT * FROM read_csv(getvariable('path'))", "42501"),
    ("RESET VARIABLE path", "0A000"),
    // --- file-reading table functions: every function, every position
    ("SELECT * FROM read_csv('/etc/passwd')", "42501"),
    ("SELECT * FROM read_csv_auto('/etc/passwd')", "42501"),
    ("SELECT * FROM read_text('/etc/passwd')", "42501"),
    ("SELECT * FROM read_blob('/etc/passwd')", "42501"),
    ("SELECT * FROM read_json('/etc/passwd')", "42501"),
    ("SELECT * FROM read_json_auto('x.json')", "42501"),
    ("SELECT * FROM read_ndjson_objects('x.json')", "42501"),
    ("SELECT * FROM read_parquet('/lake/../canary.parquet')", "42501"),
    ("SELECT * FROM parquet_scan('x.parquet')", "42501"),
    ("SELECT * FROM parquet_metadata('x.parquet')", "42501"),
    ("SELECT * FROM read_duckdb('/tmp/x.duckdb')", "42501"),
    ("SELECT * FROM sniff_csv('/etc/passwd')", "42501"),
    ("SELECT * FROM glob('/*')", "42501"),
    ("SELECT * FROM glob('~/*')", "42501"),
    ("SELECT * FROM query('SELECT * FROM read_csv(''/etc/passwd'')')", "42501"),
    ("SELECT * FROM query_table('sales')", "42501"),
    ("SELECT * FROM json_execute_serialized_sql('{}')", "42501"),
    ("SELECT * FROM sql_auto_complete('SEL')", "42501"),
    ("SELECT * FROM duckdb_extensions()", "42501"),
    ("SELECT * FROM duckdb_tables()", "42501"),
    ("SELECT * FROM test_all_types()", "42501"),
    ("SELECT * FROM sales JOIN read_csv('/etc/passwd') r ON true", "42501"),
    ("SELECT * FROM sales, read_text('/etc/passwd')", "42501"),
    ("SELECT * FROM sales s, LATERAL read_csv(s.region) r", "42501"),
    ("SELECT * FROM (SELECT * FROM read_text('/etc/passwd')) x", "42501"),
    ("WITH x AS (SELECT * FROM read_text('/etc/passwd')) SELECT * FROM x", "42501"),
    ("WITH RECURSIVE r AS (SELECT 1 AS n UNION ALL SELECT n FROM r, read_text('x')) SELECT * FROM r", "42501"),
    ("SELECT (SELECT content FROM read_text('/etc/passwd'))", "42501"),
    ("SELECT * FROM sales WHERE region IN (SELECT content FROM read_text('/etc/passwd'))", "42501"),
    ("SELECT * FROM sales WHERE EXISTS (SELECT 1 FROM read_text('/etc/passwd'))", "42501"),
    ("SELECT region FROM sales UNION SELECT content FROM read_text('/etc/passwd')", "42501"),
    ("SELECT region FROM sales UNION ALL BY NAME FROM read_text('/etc/passwd')", "42501"),
    ("SELECT * FROM sales ORDER BY (SELECT count(*) FROM read_text('/etc/passwd'))", "42501"),
    ("SELECT * FROM sales LIMIT (SELECT count(*) FROM read_text('/etc/passwd'))", "42501"),
    ("SELECT region, count(*) FROM sales GROUP BY region HAVING count(*) > (SELECT count(*) FROM glob('/*'))", "42501"),
    ("SELECT sum(amount) OVER (PARTITION BY (SELECT 1 FROM read_text('x'))) FROM sales", "42501"),
    ("PIVOT (SELECT * FROM read_csv('/etc/passwd')) ON column0 IN ('a') USING count(*)", "42501"),
    ("SELECT * FROM sales WHERE region = ANY (SELECT content FROM read_text('x'))", "42501"),
    ("FROM read_text('/etc/passwd')", "42501"),
    ("DESCRIBE SELECT * FROM read_csv('/etc/passwd')", "42501"),
    ("SUMMARIZE SELECT * FROM read_csv('/etc/passwd')", "42501"),
    ("EXPLAIN SELECT * FROM read_csv('/etc/passwd')", "42501"),
    ("EXPLAIN ANALYZE SELECT * FROM read_text('/etc/passwd')", "42501"),
    // --- spellings
    ("SELECT * FROM \"read_text\"('/etc/passwd')", "42501"),
    ("SELECT * FROM \"READ_TEXT\"('/etc/passwd')", "42501"),
    ("SELECT * FROM READ_TEXT('/etc/passwd')", "42501"),
    ("SELECT * FROM Read_Csv('/etc/passwd')", "42501"),
    ("SELECT * FROM main.read_text('/etc/passwd')", "42501"),
    ("SELECT * FROM system.main.read_text('/etc/passwd')", "42501"),
    ("SELECT * FROM \"system\".\"main\".\"read_text\"('/etc/passwd')", "42501"),
    ("SELECT * FROM read_text/**/('/etc/passwd')", "42501"),
    ("SELECT * FROM /* x */ read_text /* y */ ( /* z */ '/etc/passwd')", "42501"),
    ("SELECT * FROM read_text(\n'/etc/passwd'\n)", "42501"),
    ("SELECT * FROM read_text('/etc/' || 'passwd')", "42501"),
    ("SELECT * FROM read_text(concat('/etc/', 'passwd'))", "42501"),
    ("SELECT * FROM read_text(chr(47) || 'etc/passwd')", "42501"),
    ("SELECT * FROM read_text($1)", "42501"),
    ("SELECT * FROM read_text(?)", "42501"),
    ("SELECT * FROM read_text(['/etc/passwd', '/etc/hosts'])", "42501"),
    ("SELECT * FROM read_text(filename := '/etc/passwd')", "42501"),
    ("SELECT * FROM read_text('../../../../etc/passwd')", "42501"),
    ("SELECT * FROM read_text('./../canary.txt')", "42501"),
    ("SELECT * FROM read_text('~/.ssh/id_rsa')", "42501"),
    ("SELECT * FROM read_text('file:///etc/passwd')", "42501"),
    ("SELECT * FROM read_parquet('https://example.com/x.parquet')", "42501"),
    ("SELECT * FROM read_parquet('s3://bucket/x.parquet')", "42501"),
    ("SELECT read_text('/etc/passwd')", "42501"),
    ("SELECT main.read_csv('x')", "42501"),
    ("SELECT query('SELECT 1')", "42501"),
    ("SELECT json_serialize_plan('SELECT * FROM read_text(''/etc/passwd'')')", "42501"),
    ("SELECT json_deserialize_sql('{}')", "42501"),
    ("SELECT * FROM sales WHERE amount > length((SELECT string_agg(content) FROM read_text('/x')))", "42501"),
    // --- string-literal relations (replacement scans) in every position and spelling
    ("SELECT * FROM '/etc/passwd'", "42501"),
    ("FROM '/etc/passwd'", "42501"),
    ("SELECT * FROM 'canary.txt'", "42501"),
    ("SELECT * FROM \"/etc/passwd\"", "42501"),
    ("SELECT * FROM '../canary.csv'", "42501"),
    ("SELECT * FROM './../canary.csv'", "42501"),
    ("SELECT * FROM '~/canary.csv'", "42501"),
    ("SELECT * FROM 'lake/*.parquet'", "42501"),
    ("SELECT * FROM 'https://example.com/x.csv'", "42501"),
    ("SELECT * FROM sales JOIN '/etc/passwd' p ON true", "42501"),
    ("SELECT * FROM sales, '/etc/passwd'", "42501"),
    ("SELECT * FROM (SELECT * FROM '/etc/passwd') x", "42501"),
    ("WITH x AS (FROM '/etc/passwd') SELECT * FROM x", "42501"),
    ("SELECT (SELECT count(*) FROM '/etc/passwd')", "42501"),
    ("SELECT * FROM sales WHERE region IN (SELECT * FROM '/etc/passwd')", "42501"),
    ("SELECT region FROM sales UNION SELECT * FROM '/etc/passwd'", "42501"),
    ("SELECT * FROM sales s, LATERAL (SELECT * FROM '/etc/passwd') x", "42501"),
    ("DESCRIBE '/etc/passwd'", "42501"),
    ("SUMMARIZE '/etc/passwd'", "42501"),
    ("SHOW '/etc/passwd'", "42501"),
    ("SELECT * FROM sales.csv", "42P01"),
    ("SELECT * FROM \"sales.csv\"", "42501"),
    ("TABLE '/etc/passwd'", "42501"),
    ("WITH \"x.csv\" AS (SELECT 1) SELECT * FROM \"x.csv\"", "42501"),
    // --- other databases and unknown relations
    ("SELECT * FROM other.main.sales", "42501"),
    ("SELECT * FROM memory.main.sales", "42501"),
    ("SELECT * FROM lake.sales", "42P01"),
    ("SELECT * FROM duckdb_views", "42P01"),
    ("SELECT * FROM sqlite_master", "42P01"),
    ("SELECT * FROM secrets", "42P01"),
    ("SELECT * FROM main.not_a_table", "42P01"),
    // --- CTE scope: a CTE name is only visible where SQL says it is
    ("SELECT * FROM (WITH x AS (SELECT 1) SELECT * FROM x), x", "42P01"),
    ("WITH a AS (SELECT * FROM b), b AS (SELECT 1) SELECT * FROM a", "42P01"),
    // --- multi-statement smuggling: one bad statement refuses the whole string
    ("SELECT 1; DROP TABLE sales", "0A000"),
    ("SELECT * FROM sales; SELECT * FROM read_text('/etc/passwd')", "42501"),
    ("SELECT 1;COPY sales TO '/tmp/out/x.csv'", "0A000"),
    ("SELECT 1 /* ; */; ATTACH ':memory:' AS m", "0A000"),
    ("SELECT ';'; INSTALL httpfs", "0A000"),
    ("SELECT $$;$$; SET enable_external_access = true", "0A000"),
    ("SELECT 1; -- harmless\nLOAD httpfs", "0A000"),
    ("PIVOT sales ON region USING sum(amount)", "0A000"),
    ("SELECT 1; SELECT (", "42601"),
    // --- syntax
    ("SELECT 1 +", "42601"),
    ("SELECT 1\0; DROP TABLE sales", "42601"),
    ("EXPLAIN DROP TABLE sales", "0A000"),
    ("EXPLAIN ANALYZE COPY sales TO '/tmp/out/x.csv'", "0A000"),
    ("EXPLAIN (FORMAT json) SELECT * FROM read_text('x')", "42601"),
    ("DESCRIBE SHOW TABLES", "42601"),
    ("SELEC 1", "42601"),
    ("SELECT 'unterminated", "42601"),
    ("SELECT 1 /* unterminated", "42601"),
];

/// Legitimate statements that must pass, with the kind they must get.
pub const LEGIT: &[(&str, StatementKind)] = &[
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
    assert!(
        ATTACKS.len() >= 100,
        "corpus has {} statements",
        ATTACKS.len()
    );
    let mut wrong = Vec::new();
    for (sql, want) in ATTACKS {
        match g.check(sql) {
            Ok(ok) => wrong.push(format!("ACCEPTED {sql:?} -> {ok:?}")),
            Err(e) if e.sqlstate() != *want => {
                wrong.push(format!("{sql:?}: want {want}, got {} ({e})", e.sqlstate()))
            }
            Err(_) => {}
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} wrong:\n{}",
        wrong.len(),
        ATTACKS.len(),
        wrong.join("\n")
    );
}

#[test]
fn legitimate_queries_pass() {
    let g = guard();
    assert!(LEGIT.len() >= 20);
    let mut wrong = Vec::new();
    for (sql, kind) in LEGIT {
        match g.check(sql) {
            Ok(v) if v.len() == 1 && v[0].kind == *kind => {}
            Ok(v) => wrong.push(format!("{sql:?}: {v:?}")),
            Err(e) => wrong.push(format!("{sql:?}: {} {e}", e.sqlstate())),
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} wrong:\n{}",
        wrong.len(),
        LEGIT.len(),
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

impl TableFilter for NorthOnly {
    fn filter_for(&self, table: &str) -> Option<sqlparser::ast::Expr> {
        (table == "sales").then(|| {
            sqlparser::parser::Parser::new(&sqlparser::dialect::DuckDbDialect {})
                .try_with_sql("region = 'north'")
                .and_then(|mut p| p.parse_expr())
                .expect("test predicate parses")
        })
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
        GuardError::Internal(String::new()),
    ]
    .iter()
    .map(GuardError::sqlstate)
    .collect();
    assert_eq!(
        all,
        ["42601", "42501", "0A000", "54000", "42P01", "XX000"]
            .into_iter()
            .collect()
    );
}
