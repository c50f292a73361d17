//! The lake on S3, against a local S3-compatible server (moto_server on 127.0.0.1) holding the demo lake:
//! tables are discovered under an `s3://` prefix and read through httpfs; the pruning proof counts the objects
//! the store was asked for (its request log), and column projection counts the bytes it sent (a counting proxy
//! between DuckDB and the store). Needs `moto_server`, `boto3` and the httpfs extension (`.ci/run` installs them).

mod common;

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, TcpListener as StdListener, TcpStream as StdStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::{lake, start_server_on, TEST_ROWS};
use retail_insights::config::Source;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_postgres::{Client, SimpleQueryMessage};

/// A moto_server child, killed on drop.
struct Moto {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    StdListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

fn start_moto() -> Moto {
    let port = free_port();
    let log = std::env::temp_dir().join(format!("ri-moto-{}-{port}.log", std::process::id()));
    let file = std::fs::File::create(&log).expect("moto log");
    let child = Command::new("moto_server")
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(file)
        .spawn()
        .expect("moto_server must be installed (pip install 'moto[server]'; .ci/run does it)");
    let moto = Moto { child, port, log };
    for _ in 0..100 {
        if StdStream::connect(("127.0.0.1", port)).is_ok() {
            return moto;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("moto_server did not start on port {port}");
}

/// Where the httpfs extension file is: `INSIGHTS_HTTPFS_EXTENSION`, else the `duckdb-extension-httpfs` wheel.
fn httpfs_extension() -> PathBuf {
    if let Ok(p) = std::env::var("INSIGHTS_HTTPFS_EXTENSION") {
        return PathBuf::from(p);
    }
    let out = Command::new("python3")
        .args([
            "-c",
            "import duckdb_extension_httpfs as m, os; print(os.path.join(os.path.dirname(m.__file__), 'extensions', 'v1.5.5', 'httpfs.duckdb_extension'))",
        ])
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "pip install duckdb-extension-httpfs==1.5.5 (.ci/run does it): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
}

/// Uploads every file below `dir` to `s3://bucket/prefix/…` with boto3.
fn upload(port: u16, dir: &Path, bucket: &str, prefix: &str) {
    let script = r#"
import os, sys, boto3
port, root, bucket, prefix = sys.argv[1:5]
s3 = boto3.client('s3', endpoint_url=f'http://127.0.0.1:{port}', aws_access_key_id='test',
                  aws_secret_access_key='test', region_name='us-east-1')
if bucket not in [b['Name'] for b in s3.list_buckets().get('Buckets', [])]:
    s3.create_bucket(Bucket=bucket)
for d, _, files in os.walk(root):
    for f in files:
        p = os.path.join(d, f)
        s3.upload_file(p, bucket, prefix + os.path.relpath(p, root))
"#;
    let status = Command::new("python3")
        .args(["-c", script, &port.to_string()])
        .arg(dir)
        .args([bucket, prefix])
        .status()
        .expect("python3 with boto3");
    assert!(status.success(), "upload to moto failed");
}

/// A 15-column Parquet file of random doubles (incompressible, so bytes read follow the columns read).
fn write_wide_table(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    let cols: Vec<String> = (1..=15).map(|i| format!("random() AS c{i}")).collect();
    let sql = format!(
        "COPY (SELECT {} FROM range(200000)) TO '{}' (FORMAT parquet)",
        cols.join(", "),
        dir.join("part-0.parquet").display()
    );
    let status = Command::new("python3")
        .args(["-c", "import sys, duckdb; duckdb.sql(sys.argv[1])", &sql])
        .status()
        .expect("python3 with duckdb");
    assert!(status.success(), "pip install duckdb (.ci/run does it)");
}

/// Forwards connections to `upstream`, counting the bytes the store sends back.
fn counting_proxy(upstream: u16, counter: Arc<AtomicU64>) -> u16 {
    let std_listener = StdListener::bind("127.0.0.1:0").expect("proxy bind");
    let port = std_listener.local_addr().expect("addr").port();
    std_listener.set_nonblocking(true).expect("nonblocking");
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("proxy runtime");
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(std_listener).expect("listener");
            loop {
                let Ok((client, _)) = listener.accept().await else {
                    continue;
                };
                let counter = counter.clone();
                tokio::spawn(async move {
                    let Ok(server) = tokio::net::TcpStream::connect(("127.0.0.1", upstream)).await
                    else {
                        return;
                    };
                    let (mut cr, mut cw) = client.into_split();
                    let (mut sr, mut sw) = server.into_split();
                    let up = tokio::spawn(async move {
                        let _ = tokio::io::copy(&mut cr, &mut sw).await;
                        let _ = sw.shutdown().await;
                    });
                    let mut buf = vec![0u8; 64 * 1024];
                    loop {
                        match sr.read(&mut buf).await {
                            Ok(0) | Err(_) => break,
                            Ok(n) => {
                                counter.fetch_add(n as u64, Ordering::SeqCst);
                                if cw.write_all(&buf[..n]).await.is_err() {
                                    break;
                                }
                            }
                        }
                    }
                    up.abort();
                });
            }
        });
    });
    port
}

/// Object keys read (GET/HEAD without a query string) in the moto log after byte `from`.
fn objects_touched(log: &Path, from: usize) -> BTreeSet<String> {
    let text = std::fs::read(log).expect("moto log");
    let mut keys = BTreeSet::new();
    for line in BufReader::new(&text[from.min(text.len())..]).lines() {
        let Ok(line) = line else { continue };
        for verb in ["\"GET ", "\"HEAD "] {
            if let Some(i) = line.find(verb) {
                let rest = &line[i + verb.len()..];
                let path = rest.split(' ').next().unwrap_or("");
                if !path.contains('?') && path.ends_with(".parquet") {
                    keys.insert(path.to_owned());
                }
            }
        }
    }
    keys
}

fn log_len(log: &Path) -> usize {
    std::fs::metadata(log)
        .map(|m| m.len() as usize)
        .unwrap_or(0)
}

async fn rows(c: &Client, sql: &str) -> Vec<Vec<String>> {
    c.simple_query(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {:?}", e.as_db_error()))
        .into_iter()
        .filter_map(|m| match m {
            SimpleQueryMessage::Row(r) => Some(
                (0..r.len())
                    .map(|i| r.get(i).unwrap_or("NULL").to_owned())
                    .collect(),
            ),
            _ => None,
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s3_lake_is_discovered_pruned_projected_and_refreshed() {
    let moto = start_moto();
    let src = lake();
    upload(moto.port, &src, "lake", "demo/");
    let wide = std::env::temp_dir().join(format!("ri-s3-wide-{}", std::process::id()));
    write_wide_table(&wide.join("wide"));
    upload(moto.port, &wide, "lake", "demo/");
    let bytes = Arc::new(AtomicU64::new(0));
    let proxy = counting_proxy(moto.port, bytes.clone());
    let ext = httpfs_extension();
    // The primary directory is empty: every table comes from S3.
    let empty = std::env::temp_dir().join(format!("ri-s3-empty-{}", std::process::id()));
    std::fs::create_dir_all(&empty).unwrap();
    let server = start_server_on(empty, move |cfg| {
        cfg.sources = vec![Source::parse("s3://lake/demo")];
        cfg.s3.endpoint = Some(format!("http://127.0.0.1:{proxy}"));
        cfg.s3.access_key_id = Some("test".into());
        cfg.s3.secret_access_key = Some("test".into());
        cfg.s3.path_style = true;
        cfg.s3.httpfs_extension = Some(ext);
        // Every query must reach the store for the counts to mean something.
        cfg.result_cache_bytes = 0;
        cfg.external_file_cache = false;
        // Counted requests are the point here: no in-memory copies.
        cfg.hot_tables_bytes = 0;
    });
    let c = server.connect().await;

    let tables = rows(
        &c,
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'",
    )
    .await;
    let names: Vec<&str> = tables.iter().map(|r| r[0].as_str()).collect();
    for t in ["customers", "products", "sales", "stores"] {
        assert!(names.contains(&t), "{t} missing from {names:?}");
    }
    let n = rows(&c, "SELECT count(*) FROM sales").await;
    assert_eq!(n[0][0], TEST_ROWS.to_string());

    // Pruning: one month of one region against every partition.
    let mark = log_len(&moto.log);
    let one = rows(
        &c,
        "SELECT sum(revenue) FROM sales WHERE year = 2023 AND month = 8 AND region = 'WEST'",
    )
    .await;
    assert_ne!(one[0][0], "NULL");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let pruned = objects_touched(&moto.log, mark);
    let mark = log_len(&moto.log);
    rows(&c, "SELECT sum(revenue) FROM sales").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let full = objects_touched(&moto.log, mark);
    eprintln!(
        "pruning: filtered query touched {} objects, full scan {}",
        pruned.len(),
        full.len()
    );
    assert!(full.len() >= 144, "full scan touched {full:?}");
    // Binding the view opens its first file for the schema (metadata: a footer read), whatever the filter; every
    // other object the filtered query touched must be in the one matching partition.
    let bind = full.iter().next().cloned().unwrap_or_default();
    let data: Vec<&String> = pruned.iter().filter(|k| **k != bind).collect();
    eprintln!("pruning: schema bind object {bind}, data objects {data:?}");
    assert!(!data.is_empty(), "the filtered query read nothing?");
    assert!(
        data.len() * 100 <= full.len(),
        "filtered query touched {pruned:?}"
    );
    assert!(data
        .iter()
        .all(|k| k.contains("year=2023/month=8/region=WEST/")));
    // Projection: 2 of the 15 columns of a wide table against all of them.
    bytes.store(0, Ordering::SeqCst);
    rows(&c, "SELECT sum(c1), sum(c2) FROM wide").await;
    let two = bytes.swap(0, Ordering::SeqCst);
    let all: Vec<String> = (1..=15).map(|i| format!("sum(c{i})")).collect();
    rows(&c, &format!("SELECT {} FROM wide", all.join(", "))).await;
    let every = bytes.load(Ordering::SeqCst);
    eprintln!("projection: 2 of 15 columns {two} bytes, all 15 columns {every} bytes");
    assert!(
        two > 0 && two * 4 < every,
        "2 columns {two} B vs all {every} B"
    );

    // A new partition on S3 appears after a refresh.
    let extra = std::env::temp_dir().join(format!("ri-s3-extra-{}", std::process::id()));
    let part = extra.join("sales/year=2026/month=1/region=WEST");
    std::fs::create_dir_all(&part).unwrap();
    std::fs::copy(
        src.join("sales/year=2023/month=8/region=WEST/data_0.parquet"),
        part.join("data_0.parquet"),
    )
    .unwrap();
    upload(moto.port, &extra, "lake", "demo/");
    assert_eq!(
        rows(&c, "SELECT count(*) FROM sales WHERE year = 2026").await[0][0],
        "0"
    );
    let report = rows(&c, "SELECT insights.refresh()").await;
    assert_eq!(report[0][3], "sales", "{report:?}");
    let m = rows(
        &c,
        "SELECT count(*) FROM sales WHERE year = 2023 AND month = 8 AND region = 'WEST'",
    )
    .await;
    assert_eq!(
        rows(&c, "SELECT count(*) FROM sales WHERE year = 2026").await[0][0],
        m[0][0]
    );
    let _ = std::fs::remove_dir_all(&extra);
    let _ = std::fs::remove_dir_all(&wide);
    let _: SocketAddr = server.addr;
}
