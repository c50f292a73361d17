//! Operations through real clients: the audit log's JSON lines for SQL, NL, failing and refused statements on
//! both protocols (and a portal closed early); `insights.query_log` for admins (filters, aggregates, parameters)
//! and 42501 for everyone else; `/health` and `/metrics` over HTTP, before and after the catalog loads, with
//! counters that move.

mod common;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use common::{sqlstate, start_server_with, TestServer};
use retail_insights::config::AuditSink;
use retail_insights::ops::http::{self, Readiness};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_postgres::{Client, SimpleQueryMessage};

/// A GET over a plain socket: (status, body).
async fn http_get(addr: SocketAddr, path: &str) -> (u16, String) {
    http_request(addr, "GET", path).await
}

async fn http_request(addr: SocketAddr, method: &str, path: &str) -> (u16, String) {
    let mut s = tokio::net::TcpStream::connect(addr)
        .await
        .expect("reach HTTP");
    let req = format!("{method} {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n");
    s.write_all(req.as_bytes()).await.expect("send request");
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).await.expect("read response");
    let text = String::from_utf8(raw).expect("UTF-8 response");
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .expect("status line");
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

/// The value of the sample `series` (name with labels, exactly as exposed); 0 when absent.
fn sample(metrics: &str, series: &str) -> f64 {
    metrics
        .lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' '))
        .map_or(0.0, |v| v.trim().parse().expect("numeric sample"))
}

fn audit_path(name: &str) -> PathBuf {
    let p = std::env::temp_dir().join(format!("ri-ops-{name}-{}.jsonl", std::process::id()));
    let _ = std::fs::remove_file(&p);
    p
}

fn audit_lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .expect("audit file")
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object a line"))
        .collect()
}

/// The only record of `statement`.
fn record<'a>(lines: &'a [Value], statement: &str) -> &'a Value {
    let found: Vec<&Value> = lines
        .iter()
        .filter(|l| l["statement"] == statement)
        .collect();
    assert_eq!(found.len(), 1, "records of {statement:?} in {lines:#?}");
    found[0]
}

/// Rows of a simple query (every statement of it).
async fn simple_rows(c: &Client, sql: &str) -> Vec<tokio_postgres::SimpleQueryRow> {
    c.simple_query(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .into_iter()
        .filter_map(|m| match m {
            SimpleQueryMessage::Row(r) => Some(r),
            _ => None,
        })
        .collect()
}

async fn connect(srv: &TestServer, user: &str, app: &str) -> Client {
    srv.connect_with(&format!("{} application_name={app}", srv.dsn_for(user)))
        .await
}

fn ops_server(audit: &Path, query_log_size: usize) -> TestServer {
    let audit = audit.to_path_buf();
    start_server_with(move |c| {
        c.audit_log = AuditSink::File(audit);
        c.admins = vec!["auditor".into()];
        c.query_log_size = query_log_size;
        c.http_listen = Some("127.0.0.1:0".parse().expect("addr"));
    })
}

const SQL_OK: &str = "SELECT region, count(*) AS n FROM sales GROUP BY region ORDER BY region";
const NL: &str = "/*ask*/ revenue by region in 2024";
const SQL_FAILS: &str = "SELECT 'x'::INTEGER AS broken";
const SQL_REFUSED: &str = "SELECT * FROM read_csv('/etc/passwd')";
const SQL_PARAM: &str = "SELECT count(*) AS n FROM stores WHERE region = $1";
const LOG_READ: &str = "SELECT * FROM insights.query_log";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_statement_is_audited_and_admins_query_the_log() {
    let audit = audit_path("main");
    let srv = ops_server(&audit, 1000);
    let http = srv.http.expect("http listener");
    let c = connect(&srv, "test", "ops-test").await;

    let sql_rows = simple_rows(&c, SQL_OK).await.len();
    assert_eq!(sql_rows, 4, "one row a region");
    let nl_rows = simple_rows(&c, NL).await.len();
    assert!(nl_rows > 0);
    let failed = c.simple_query(SQL_FAILS).await.expect_err("cast fails");
    let failed_code = sqlstate(&failed);
    assert!(failed_code.starts_with("22"), "{failed_code}");
    let refused = c.simple_query(SQL_REFUSED).await.expect_err("refused");
    assert_eq!(sqlstate(&refused), "42501");
    let counted = c.query(SQL_PARAM, &[&"EAST"]).await.expect("extended");
    assert_eq!(counted.len(), 1);
    assert_eq!(
        simple_rows(&c, "SELECT 1 AS a; SELECT 2 AS b").await.len(),
        2
    );
    // The query log is for admins only, on both protocols.
    let denied = c.simple_query(LOG_READ).await.expect_err("non-admin");
    assert_eq!(sqlstate(&denied), "42501");
    let denied = c
        .prepare("SELECT count(*) FROM insights.query_log")
        .await
        .expect_err("non-admin, extended");
    assert_eq!(sqlstate(&denied), "42501");

    let lines = audit_lines(&audit);
    assert_eq!(lines.len(), 9, "{lines:#?}");
    let addr = lines[0]["client_addr"].as_str().expect("client_addr");
    assert!(addr.starts_with("127.0.0.1:"), "{addr}");
    for l in &lines {
        assert_eq!(l["user_name"], "test");
        assert_eq!(l["application_name"], "ops-test");
        assert_eq!(l["client_addr"], addr, "one connection, one address");
        assert!(l["duration_ms"].as_f64().expect("duration_ms") > 0.0);
        let at = l["started_at"].as_str().expect("started_at");
        chrono::DateTime::parse_from_rfc3339(at).expect("RFC 3339 time");
    }
    let r = record(&lines, SQL_OK);
    assert_eq!(r["kind"], "sql");
    assert_eq!(r["rows"], 4);
    assert_eq!(r["outcome"], "ok");
    let ran = r["sql"].as_str().expect("final SQL");
    assert!(
        ran.contains("FROM sales") && ran.contains("LIMIT"),
        "the guard's capped text: {ran}"
    );
    assert!(r.get("question").is_none() && r.get("error").is_none());

    let r = record(&lines, NL);
    assert_eq!(r["kind"], "nl");
    assert_eq!(r["question"], "revenue by region in 2024");
    assert_eq!(r["rows"], nl_rows as u64);
    assert_eq!(r["outcome"], "ok");
    let ran = r["sql"].as_str().expect("the NL engine's SQL");
    assert!(ran.to_lowercase().contains("sales"), "{ran}");

    let r = record(&lines, SQL_FAILS);
    assert_eq!(r["outcome"], failed_code.as_str());
    assert_eq!(r["rows"], 0);
    assert!(r["sql"].is_string(), "it passed the guard and ran");
    assert!(r["error"].as_str().is_some_and(|e| e.contains("INT")));

    let r = record(&lines, SQL_REFUSED);
    assert_eq!(r["outcome"], "42501");
    assert!(r.get("sql").is_none(), "nothing ran");

    let r = record(&lines, SQL_PARAM);
    assert_eq!(
        (r["kind"].as_str(), r["rows"].as_u64()),
        (Some("sql"), Some(1))
    );
    assert_eq!(record(&lines, "SELECT 1 AS a")["rows"], 1);
    assert_eq!(record(&lines, "SELECT 2 AS b")["rows"], 1);
    assert_eq!(record(&lines, LOG_READ)["outcome"], "42501");

    // An admin reads the same records through plain SQL: filters, order, aggregates, parameters.
    let admin = connect(&srv, "auditor", "ops-admin").await;
    let from_sql: Vec<(String, String, i64)> = admin
        .query(
            "SELECT statement, outcome, rows FROM insights.query_log \
             WHERE user_name = 'test' AND application_name = 'ops-test' ORDER BY seq",
            &[],
        )
        .await
        .expect("admin reads the log")
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
    let from_file: Vec<(String, String, i64)> = lines
        .iter()
        .map(|l| {
            (
                l["statement"].as_str().unwrap_or_default().to_owned(),
                l["outcome"].as_str().unwrap_or_default().to_owned(),
                l["rows"].as_i64().unwrap_or(-1),
            )
        })
        .collect();
    assert_eq!(from_sql, from_file, "the table holds what the file says");
    let refusals = simple_rows(
        &admin,
        "SELECT count(*) FROM insights.query_log WHERE user_name = 'test' AND outcome = '42501'",
    )
    .await;
    assert_eq!(refusals[0].get(0), Some("3"));
    let nl = admin
        .query(
            "SELECT question, client_addr FROM insights.query_log WHERE kind = $1",
            &[&"nl"],
        )
        .await
        .expect("extended protocol on the log");
    assert_eq!(nl.len(), 1);
    assert_eq!(nl[0].get::<_, String>(0), "revenue by region in 2024");
    assert_eq!(nl[0].get::<_, String>(1), addr);
    // The admin's own statements are on record too, and the log's reads are never served from the cache.
    let own = simple_rows(
        &admin,
        "SELECT count(*) FROM insights.query_log WHERE user_name = 'auditor'",
    )
    .await;
    assert_eq!(own[0].get(0), Some("3"));
    let again = simple_rows(
        &admin,
        "SELECT count(*) FROM insights.query_log WHERE user_name = 'auditor'",
    )
    .await;
    assert_eq!(again[0].get(0), Some("4"));

    // /health and /metrics.
    let (status, body) = http_get(http, "/health").await;
    assert_eq!(status, 200);
    let health: Value = serde_json::from_str(&body).expect("health JSON");
    assert_eq!(health["status"], "ready");
    assert_eq!(health["tables"], 4);
    let (status, m1) = http_get(http, "/metrics").await;
    assert_eq!(status, 200);
    assert!(m1.contains("# TYPE insights_statement_duration_seconds histogram"));
    assert!(m1.contains("# TYPE insights_statements_total counter"));
    assert_eq!(sample(&m1, "insights_ready"), 1.0);
    assert_eq!(sample(&m1, "insights_catalog_tables"), 4.0);
    assert_eq!(sample(&m1, "insights_connections"), 2.0);
    assert_eq!(sample(&m1, "insights_connections_total"), 2.0);
    assert_eq!(
        sample(&m1, "insights_statements_total{kind=\"nl\",outcome=\"ok\"}"),
        1.0
    );
    assert_eq!(
        sample(
            &m1,
            "insights_statements_total{kind=\"sql\",outcome=\"42501\"}"
        ),
        3.0
    );
    assert_eq!(
        sample(
            &m1,
            &format!("insights_statements_total{{kind=\"sql\",outcome=\"{failed_code}\"}}")
        ),
        1.0
    );
    let sql_ok = "insights_statements_total{kind=\"sql\",outcome=\"ok\"}";
    let sql_count = "insights_statement_duration_seconds_count{kind=\"sql\"}";
    let sql_inf = "insights_statement_duration_seconds_bucket{kind=\"sql\",le=\"+Inf\"}";
    assert_eq!(sample(&m1, sql_count), sample(&m1, sql_inf));
    let hits = "insights_result_cache_hits_total";

    // The same lake query twice: one more hit, two more statements, one more connection.
    let third = connect(&srv, "test", "ops-metrics").await;
    simple_rows(&third, SQL_OK).await;
    simple_rows(&third, SQL_OK).await;
    let (_, m2) = http_get(http, "/metrics").await;
    assert_eq!(sample(&m2, sql_ok), sample(&m1, sql_ok) + 2.0);
    assert_eq!(sample(&m2, sql_count), sample(&m1, sql_count) + 2.0);
    assert!(sample(&m2, hits) >= sample(&m1, hits) + 1.0, "{m2}");
    assert_eq!(sample(&m2, "insights_connections"), 3.0);
    drop(third);
    drop(c);
    for _ in 0..50 {
        let (_, m) = http_get(http, "/metrics").await;
        if sample(&m, "insights_connections") == 1.0 {
            assert_eq!(sample(&m, "insights_connections_total"), 3.0);
            let _ = std::fs::remove_file(&audit);
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("closed connections are still counted as open");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_query_log_keeps_the_newest_records() {
    let audit = audit_path("ring");
    let srv = ops_server(&audit, 3);
    let admin = connect(&srv, "auditor", "ring").await;
    for i in 1..=4 {
        simple_rows(&admin, &format!("SELECT {i} AS i")).await;
    }
    let read = "SELECT statement FROM insights.query_log ORDER BY seq";
    let kept: Vec<String> = simple_rows(&admin, read)
        .await
        .iter()
        .map(|r| r.get(0).unwrap_or_default().to_owned())
        .collect();
    assert_eq!(kept, ["SELECT 2 AS i", "SELECT 3 AS i", "SELECT 4 AS i"]);
    let kept: Vec<String> = simple_rows(&admin, read)
        .await
        .iter()
        .map(|r| r.get(0).unwrap_or_default().to_owned())
        .collect();
    assert_eq!(kept, ["SELECT 3 AS i", "SELECT 4 AS i", read]);
    // The file keeps everything.
    assert_eq!(audit_lines(&audit).len(), 6);
    let _ = std::fs::remove_file(&audit);
}

#[tokio::test]
async fn health_waits_for_the_catalog() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(http::serve(listener, Arc::new(Readiness::default())));
    let (status, body) = http_get(addr, "/health").await;
    assert_eq!(status, 503);
    assert!(body.contains("\"starting\""), "{body}");
    let (status, body) = http_get(addr, "/metrics").await;
    assert_eq!(status, 200);
    assert_eq!(sample(&body, "insights_ready"), 0.0);
    assert!(body.contains("# TYPE insights_ready gauge"));
    assert_eq!(http_get(addr, "/nothing").await.0, 404);
    assert_eq!(http_request(addr, "POST", "/health").await.0, 405);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_portal_closed_early_records_the_rows_sent() {
    let audit = audit_path("portal");
    let srv = ops_server(&audit, 10);
    let mut c = connect(&srv, "test", "portal").await;
    let tx = c.transaction().await.expect("BEGIN");
    let portal = tx
        .bind("SELECT * FROM sales", &[])
        .await
        .expect("bind a portal");
    let first = tx.query_portal(&portal, 10).await.expect("first rows");
    assert_eq!(first.len(), 10);
    let next = tx.query_portal(&portal, 5).await.expect("more rows");
    assert_eq!(next.len(), 5);
    drop(portal);
    tx.commit().await.expect("COMMIT");
    let lines = audit_lines(&audit);
    let r = record(&lines, "SELECT * FROM sales");
    assert_eq!(r["rows"], 15, "rows sent over two Executes: {r}");
    assert_eq!(r["outcome"], "ok");
    let statements: Vec<&str> = lines
        .iter()
        .filter_map(|l| l["statement"].as_str())
        .collect();
    assert_eq!(
        statements,
        ["START TRANSACTION", "SELECT * FROM sales", "COMMIT"]
    );
    let _ = std::fs::remove_file(&audit);
}
