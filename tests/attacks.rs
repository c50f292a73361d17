//! The attack corpus (`src/guard/attacks.txt`) through the wire against a real server, proven with files the test
//! creates: a canary beside the lake and one inside it (where `allowed_directories` would let DuckDB read), whose
//! text must never come back; output folders that must stay empty; and a lake that must stay byte-identical.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::StreamExt;
use tokio_postgres::{AsyncMessage, Client, NoTls, SimpleQueryMessage};

use common::{sqlstate, start_server_on, TestServer};

const CORPUS: &str = include_str!("../src/guard/attacks.txt");

/// Statement kinds the proxy answers itself (pgcompat), before the guard: through the wire they may succeed
/// (a proxy-side setting changes, DuckDB's do not) or fail with the proxy's own SQLSTATE.
const SESSION_WORDS: &[&str] = &[
    "SET",
    "RESET",
    "SHOW",
    "BEGIN",
    "START",
    "COMMIT",
    "END",
    "ROLLBACK",
    "ABORT",
    "SAVEPOINT",
    "RELEASE",
    "DISCARD",
    "DEALLOCATE",
];

/// The files one run works with.
struct Fixture {
    root: PathBuf,
    lake: PathBuf,
    canary_text: String,
    /// Placeholder → real path, for the corpus.
    paths: Vec<(&'static str, String)>,
    outputs: Vec<PathBuf>,
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("dir entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

/// Every file below `dir` with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("read dir") {
            let p = entry.expect("dir entry").path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.insert(p.clone(), std::fs::read(&p).expect("read file"));
            }
        }
    }
    out
}

impl Fixture {
    fn new(name: &str) -> Fixture {
        let root = std::env::temp_dir().join(format!("ri-attacks-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let lake = root.join("lake");
        copy_dir(&common::lake(), &lake);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        let canary_text = format!("canary_{:x}_{}", nanos, std::process::id());
        let beside = root.join("canary.csv");
        std::fs::write(&beside, format!("secret\n{canary_text}\n")).expect("write canary");
        // Inside the lake, in a folder discovery skips (leading `_`): the sandbox would allow reading it.
        let inside = lake.join("_canary").join("canary.csv");
        std::fs::create_dir_all(inside.parent().expect("parent")).expect("create canary dir");
        std::fs::write(&inside, format!("secret\n{canary_text}\n")).expect("write canary");
        let out = root.join("out");
        let lake_out = lake.join("_out");
        std::fs::create_dir_all(&out).expect("create out");
        std::fs::create_dir_all(&lake_out).expect("create lake out");
        let s = |p: &Path| p.to_string_lossy().into_owned();
        Fixture {
            paths: vec![
                ("{canary}", s(&beside)),
                ("{inlake}", s(&inside)),
                ("{lakeout}", s(&lake_out)),
                ("{lake}", s(&lake)),
                ("{out}", s(&out)),
            ],
            outputs: vec![out, lake_out],
            root,
            lake,
            canary_text,
        }
    }

    fn corpus(&self) -> Vec<(String, String)> {
        CORPUS
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .filter_map(|l| l.split_once(' '))
            .map(|(state, sql)| {
                let mut sql = sql.replace("\\n", "\n").replace("\\0", "\0");
                for (k, v) in &self.paths {
                    sql = sql.replace(k, v);
                }
                (sql, state.to_owned())
            })
            .collect()
    }

    fn server(&self, timeout: Duration) -> TestServer {
        start_server_on(self.lake.clone(), |cfg| {
            cfg.statement_timeout = Some(timeout)
        })
    }

    fn server_with_cap(&self, timeout: Duration, max_rows: u64) -> TestServer {
        start_server_on(self.lake.clone(), |cfg| {
            cfg.statement_timeout = Some(timeout);
            cfg.max_rows_sql = max_rows;
        })
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// A client whose notices are kept.
async fn connect(srv: &TestServer) -> (Client, Arc<Mutex<Vec<String>>>) {
    let (client, mut conn) = tokio_postgres::connect(&srv.dsn(), NoTls)
        .await
        .expect("connect");
    let notices = Arc::new(Mutex::new(Vec::new()));
    let sink = notices.clone();
    tokio::spawn(async move {
        let mut messages = futures::stream::poll_fn(move |cx| conn.poll_message(cx));
        while let Some(m) = messages.next().await {
            match m {
                Ok(AsyncMessage::Notice(n)) => sink.lock().expect("notices").push(format!("{n:?}")),
                Ok(_) => {}
                Err(_) => break,
            }
        }
    });
    (client, notices)
}

/// Runs a simple query, returning the rows that arrived (as text) and the error that ended it, if any.
async fn run_simple(c: &Client, sql: &str) -> (Vec<String>, Option<tokio_postgres::Error>) {
    let stream = match c.simple_query_raw(sql).await {
        Ok(s) => s,
        Err(e) => return (vec![], Some(e)),
    };
    futures::pin_mut!(stream);
    let mut rows = Vec::new();
    while let Some(m) = stream.next().await {
        match m {
            Ok(SimpleQueryMessage::Row(r)) => rows.push(
                (0..r.len())
                    .map(|i| r.get(i).unwrap_or("NULL"))
                    .collect::<Vec<_>>()
                    .join("|"),
            ),
            Ok(_) => {}
            Err(e) => return (rows, Some(e)),
        }
    }
    (rows, None)
}

fn error_text(e: &tokio_postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{db:?}"),
        None => format!("{e:?}"),
    }
}

fn is_session_like(sql: &str) -> bool {
    sql.split(';').any(|piece| {
        let word: String = piece
            .trim_start()
            .chars()
            .take_while(|c| c.is_ascii_alphabetic())
            .collect::<String>()
            .to_ascii_uppercase();
        SESSION_WORDS.contains(&word.as_str())
    })
}

/// Normal queries that must answer after the corpus.
async fn normal_queries_answer(c: &Client) {
    let n: i64 = c
        .query_one("SELECT count(*) FROM sales", &[])
        .await
        .expect("count")
        .get(0);
    assert_eq!(n as u64, common::TEST_ROWS);
    let regions = c
        .query(
            "SELECT region, sum(revenue) FROM sales GROUP BY region ORDER BY region",
            &[],
        )
        .await
        .expect("group by");
    assert_eq!(regions.len(), 4);
    for sql in [
        "SELECT s.region, count(*) FROM sales s JOIN stores st ON s.region = st.region GROUP BY ALL",
        "WITH m AS (SELECT year, month, sum(revenue) r FROM sales GROUP BY ALL) \
         SELECT year, month, r, r - lag(r) OVER (ORDER BY year, month) FROM m ORDER BY year, month",
        "DESCRIBE sales",
        "EXPLAIN SELECT count(*) FROM sales",
        "SELECT table_name FROM information_schema.tables",
        "SELECT relname FROM pg_catalog.pg_class",
    ] {
        let (rows, err) = run_simple(c, sql).await;
        assert!(err.is_none(), "{sql}: {err:?}");
        assert!(!rows.is_empty(), "{sql}: no rows");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn corpus_is_refused_and_nothing_leaks_or_changes() {
    let fx = Fixture::new("corpus");
    let before = snapshot(&fx.root);
    let srv = fx.server(Duration::from_secs(10));
    let (c, notices) = connect(&srv).await;
    let corpus = fx.corpus();
    assert!(corpus.len() >= 100, "{}", corpus.len());
    let mut wrong = Vec::new();
    for (sql, want) in &corpus {
        let (rows, err) = run_simple(&c, sql).await;
        let leaked = rows.iter().any(|r| r.contains(&fx.canary_text))
            || err
                .as_ref()
                .is_some_and(|e| error_text(e).contains(&fx.canary_text));
        if leaked {
            wrong.push(format!("LEAKED the canary: {sql:?}"));
        }
        if is_session_like(sql) {
            continue;
        }
        match &err {
            None => wrong.push(format!("ACCEPTED {sql:?}: {} rows", rows.len())),
            Some(e) if sql.contains('\0') && e.as_db_error().is_none() => {} // refused by the client library
            Some(e) if sqlstate(e) != *want => wrong.push(format!(
                "{sql:?}: want {want}, got {} ({})",
                sqlstate(e),
                error_text(e)
            )),
            Some(_) if !rows.is_empty() => wrong.push(format!(
                "RAN IN PART {sql:?}: {} rows before the error",
                rows.len()
            )),
            Some(_) => {}
        }
        // The extended protocol refuses the same statement at Parse.
        if !sql.contains('\0') {
            match c.prepare(sql).await {
                Ok(_) => wrong.push(format!("PREPARED {sql:?}")),
                Err(e) if error_text(&e).contains(&fx.canary_text) => {
                    wrong.push(format!("LEAKED the canary at Parse: {sql:?}"))
                }
                Err(_) => {}
            }
        }
    }
    // Paths as bound parameters.
    let canary = fx.paths[0].1.clone();
    let inlake = fx.paths[1].1.clone();
    for (sql, param) in [
        ("SELECT * FROM read_text($1)", canary.clone()),
        ("SELECT * FROM read_csv($1)", inlake.clone()),
        ("SELECT * FROM read_text($1::VARCHAR || '')", inlake.clone()),
        (
            "SELECT * FROM query($1)",
            format!("SELECT * FROM read_text('{inlake}')"),
        ),
        (
            "SELECT * FROM sales WHERE region = (SELECT content FROM read_text($1))",
            canary.clone(),
        ),
    ] {
        match c.query(sql, &[&param]).await {
            Ok(rows) => wrong.push(format!(
                "ACCEPTED {sql:?} with $1 = {param:?}: {} rows",
                rows.len()
            )),
            Err(e) if error_text(&e).contains(&fx.canary_text) => {
                wrong.push(format!("LEAKED with $1: {sql:?}"))
            }
            Err(e) if sqlstate(&e) != "42501" => {
                wrong.push(format!("{sql:?} with $1: got {}", sqlstate(&e)))
            }
            Err(_) => {}
        }
    }
    let noticed: Vec<String> = notices.lock().expect("notices").clone();
    assert!(
        !noticed.iter().any(|n| n.contains(&fx.canary_text)),
        "canary in a notice"
    );
    // The session went on after every refusal, and normal queries still answer.
    normal_queries_answer(&c).await;
    let (fresh, _) = connect(&srv).await;
    normal_queries_answer(&fresh).await;
    // Nothing was written, nothing changed.
    for dir in &fx.outputs {
        let entries: Vec<_> = std::fs::read_dir(dir).expect("read out").collect();
        assert!(
            entries.is_empty(),
            "{} is not empty: {entries:?}",
            dir.display()
        );
    }
    let after = snapshot(&fx.root);
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>(),
        "files appeared or vanished"
    );
    assert!(
        before == after,
        "a file below {} changed",
        fx.root.display()
    );
    let n = wrong.len();
    assert!(
        wrong.is_empty(),
        "{n} of {} attacks went wrong:\n{}",
        corpus.len(),
        wrong.join("\n")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn denial_of_service_stops_with_an_error_and_the_server_lives() {
    let fx = Fixture::new("dos");
    let srv = fx.server(Duration::from_secs(2));
    let (c, _) = connect(&srv).await;
    // A recursive CTE without end: stopped by the statement timeout.
    let t0 = Instant::now();
    let (_, e) = run_simple(
        &c,
        "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r",
    )
    .await;
    let e = e.expect("an endless recursive CTE must fail");
    assert!(
        ["57014", "53200"].contains(&sqlstate(&e).as_str()),
        "{}",
        error_text(&e)
    );
    assert!(t0.elapsed() < Duration::from_secs(30));
    // Cross-join blowups: timeout or out of memory, never a crash.
    for sql in [
        "SELECT count(*) FROM sales a, sales b, sales c",
        "SELECT max(a.revenue * b.revenue) FROM sales a CROSS JOIN sales b",
        "SELECT count(*) FROM range(1000000000000) t(x)",
    ] {
        let (_, e) = run_simple(&c, sql).await;
        let e = e.unwrap_or_else(|| panic!("{sql} must fail"));
        assert!(
            ["57014", "53200"].contains(&sqlstate(&e).as_str()),
            "{sql}: {}",
            error_text(&e)
        );
    }
    // Deep nesting: refused before DuckDB's parser sees it.
    for sql in [
        format!("SELECT {}1{}", "(".repeat(10_000), ")".repeat(10_000)),
        format!("SELECT {}1", "NOT ".repeat(20_000)),
        format!(
            "SELECT * FROM sales WHERE region IN {}",
            "(SELECT region FROM sales WHERE region IN ".repeat(5_000)
        ),
    ] {
        let (_, e) = run_simple(&c, &sql).await;
        let e = e.expect("deep nesting must fail");
        assert_eq!(sqlstate(&e), "54000", "{}", error_text(&e));
    }
    // Over-long text.
    let (_, e) = run_simple(&c, &format!("SELECT '{}'", "x".repeat(200_000))).await;
    assert_eq!(sqlstate(&e.expect("too long must fail")), "54000");
    // A blowup that streams rows instead of aggregating is cut by the row cap, quickly.
    let capped = fx.server_with_cap(Duration::from_secs(30), 1_000);
    let (cc, _) = connect(&capped).await;
    let t0 = Instant::now();
    let rows = cc
        .query(
            "SELECT a.order_id, b.order_id FROM sales a, sales b, sales c",
            &[],
        )
        .await
        .expect("capped cross join answers");
    assert_eq!(rows.len(), 1_000);
    assert!(t0.elapsed() < Duration::from_secs(20), "{:?}", t0.elapsed());
    // The session and the server go on.
    let one: i32 = c.query_one("SELECT 1", &[]).await.expect("alive").get(0);
    assert_eq!(one, 1);
    let (fresh, _) = connect(&srv).await;
    normal_queries_answer(&fresh).await;
}
