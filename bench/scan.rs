//! Scan throughput benchmark (run on demand: `cargo bench --bench scan -- [ROWS]`): streams
//! `SELECT * FROM sales LIMIT N` from DuckDB directly (duckdb-rs, Arrow batches) and through our server
//! (tokio-postgres, text and binary), in the same process on the same lake, and prints rows/s and the ratio
//! of each wire path to the DuckDB baseline. Needs the demo lake (generated into the cache on first run).

#[path = "lake.rs"]
mod lake;

use std::sync::Arc;
use std::time::{Duration, Instant};

use duckdb::arrow::array::Array;
use futures::{pin_mut, TryStreamExt};
use retail_insights::config::RawConfig;
use retail_insights::engine::duck::{DuckEngine, EngineOptions};
use retail_insights::{server, wire};

fn best_of(runs: usize, mut f: impl FnMut() -> u64) -> (Duration, u64) {
    let mut best = Duration::MAX;
    let mut rows = 0;
    for _ in 0..runs {
        let t = Instant::now();
        rows = f();
        best = best.min(t.elapsed());
    }
    (best, rows)
}

fn main() {
    let limit: u64 = std::env::args()
        .skip(1)
        .find(|a| a.chars().all(|c| c.is_ascii_digit()))
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let data = lake::demo_lake_1m();
    let sql = format!("SELECT * FROM sales LIMIT {limit}");

    // Baseline: DuckDB through duckdb-rs, streaming Arrow batches, nothing else.
    let conn = duckdb::Connection::open_in_memory().expect("duckdb");
    conn.execute_batch(&format!(
        "CREATE VIEW sales AS SELECT * FROM read_parquet('{}/sales/**/*.parquet', hive_partitioning = true)",
        data.display()
    ))
    .expect("view");
    let (base, base_rows) = best_of(3, || {
        let mut stmt = conn.prepare(&sql).expect("prepare");
        let mut n = 0u64;
        drop(stmt.stream_arrow([]).expect("stream"));
        while let Some(a) = stmt.step().expect("step") {
            n += a.len() as u64;
        }
        n
    });

    // Our server on the same lake.
    let mut cfg = RawConfig {
        listen: Some("127.0.0.1:0".into()),
        data: Some(data.clone()),
        ..RawConfig::default()
    }
    .build()
    .expect("config");
    cfg.max_rows_sql = limit.max(cfg.max_rows_sql);
    let engine = DuckEngine::open(&EngineOptions::from_config(&data, &cfg)).expect("engine");
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let addr = rt.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let state = wire::ServerState::new(cfg, Arc::new(engine)).expect("state");
        tokio::spawn(server::run(listener, state, std::future::pending()));
        addr
    });
    let dsn = format!("host=127.0.0.1 port={} user=bench", addr.port());
    let client = rt.block_on(async {
        let (c, conn) = tokio_postgres::connect(&dsn, tokio_postgres::NoTls)
            .await
            .expect("connect");
        tokio::spawn(conn);
        c
    });
    let (text, text_rows) = best_of(3, || {
        rt.block_on(async {
            let msgs = client.simple_query(&sql).await.expect("query");
            msgs.iter()
                .filter(|m| matches!(m, tokio_postgres::SimpleQueryMessage::Row(_)))
                .count() as u64
        })
    });
    let (binary, binary_rows) = best_of(3, || {
        rt.block_on(async {
            let it = client
                .query_raw(sql.as_str(), std::iter::empty::<i32>())
                .await
                .expect("query");
            pin_mut!(it);
            let mut n = 0u64;
            while it.try_next().await.expect("row").is_some() {
                n += 1;
            }
            n
        })
    });
    let rate = |d: Duration, n: u64| n as f64 / d.as_secs_f64();
    println!("rows: duckdb {base_rows}, wire text {text_rows}, wire binary {binary_rows}");
    println!(
        "duckdb direct (arrow) : {:>8.3} s  {:>12.0} rows/s  1.00x",
        base.as_secs_f64(),
        rate(base, base_rows)
    );
    for (name, d, n) in [
        ("wire text (simple)", text, text_rows),
        ("wire binary (extended)", binary, binary_rows),
    ] {
        println!(
            "{name:<22}: {:>8.3} s  {:>12.0} rows/s  {:.2}x the baseline time",
            d.as_secs_f64(),
            rate(d, n),
            d.as_secs_f64() / base.as_secs_f64()
        );
    }
}
