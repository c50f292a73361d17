//! Question latency benchmark (run on demand: `cargo bench --bench questions`): plans a fixed list of
//! plain-English questions with the semantic engine on the 1M-line demo lake, then runs their SQL on two engines
//! in the same process — lake tables on their files (baseline) and hot tables in memory — and prints the median
//! and p95 per question and the ratio of each to the baseline. The result cache is off, so every run computes.

#[path = "lake.rs"]
mod lake;

use std::sync::Arc;
use std::time::{Duration, Instant};

use retail_insights::agent::nl::{NlContext, NlEngine};
use retail_insights::catalog::semantic::SemanticModel;
use retail_insights::config::RawConfig;
use retail_insights::engine::duck::{DuckEngine, EngineOptions};
use retail_insights::engine::{CancelToken, CollectSink, Engine};

/// Everyday questions of several shapes (not the eval's dev set).
const QUESTIONS: &[&str] = &[
    "total revenue in 2023",
    "revenue by region in 2024",
    "units sold per month in 2023",
    "top 10 products by revenue in 2024",
    "bottom 3 stores by profit last year",
    "orders by channel",
    "average order value by region in 2023",
    "margin by category",
    "return rate by subcategory in 2024",
    "customers per region",
    "revenue by brand for Electronics",
    "monthly revenue in 2024",
    "revenue 2023 vs 2024 by region",
    "share of revenue by category in 2023",
    "average discount by store type",
    "how many stores per region",
];

fn engine(data: &std::path::Path, hot: bool) -> DuckEngine {
    let mut cfg = RawConfig {
        data: Some(data.to_path_buf()),
        ..RawConfig::default()
    }
    .build()
    .expect("config");
    cfg.result_cache_bytes = 0;
    if !hot {
        cfg.hot_tables_bytes = 0;
    }
    let e = DuckEngine::open(&EngineOptions::from_config(data, &cfg)).expect("engine");
    e.warm_now().expect("hot tables");
    e
}

fn percentile(mut v: Vec<Duration>, p: f64) -> Duration {
    v.sort();
    v[((v.len() - 1) as f64 * p).round() as usize]
}

fn main() {
    let data = lake::demo_lake_1m();
    let runs = 5;
    let files = engine(&data, false);
    let hot = engine(&data, true);
    let model = SemanticModel::load_dir(std::path::Path::new("catalog"), &files.snapshot())
        .expect("catalog");
    let nl = NlEngine::new(Arc::new(model));
    let ctx = NlContext {
        anchor: nl.model().latest_date(),
        previous: None,
    };
    let sqls: Vec<String> = QUESTIONS
        .iter()
        .filter_map(|q| match nl.plan(q, &ctx) {
            Ok(p) => Some(p.sql),
            Err(e) => {
                eprintln!("skipped {q:?}: {e}");
                None
            }
        })
        .collect();
    println!(
        "{} questions, {runs} runs each; hot tables: {:?}",
        sqls.len(),
        hot.hot_tables()
            .iter()
            .map(|(t, b)| format!("{t} ~{} MB", b >> 20))
            .collect::<Vec<_>>()
    );
    let time = |e: &DuckEngine| -> Vec<Duration> {
        let session = e.open_session().expect("session");
        let cancel = CancelToken::new();
        let mut per_question = Vec::new();
        for sql in &sqls {
            let mut times = Vec::new();
            for _ in 0..runs {
                let mut sink = CollectSink::default();
                let t = Instant::now();
                session.execute(sql, &[], &cancel, &mut sink).expect(sql);
                times.push(t.elapsed());
            }
            per_question.push(percentile(times, 0.5));
        }
        per_question
    };
    let base = time(&files);
    let fast = time(&hot);
    let (b50, b95) = (percentile(base.clone(), 0.5), percentile(base, 0.95));
    let (h50, h95) = (percentile(fast.clone(), 0.5), percentile(fast, 0.95));
    println!("files (baseline): p50 {b50:>9.2?}  p95 {b95:>9.2?}");
    println!(
        "hot tables:       p50 {h50:>9.2?}  p95 {h95:>9.2?}  ratio p50 {:.2}x faster, p95 {:.2}x",
        b50.as_secs_f64() / h50.as_secs_f64(),
        b95.as_secs_f64() / h95.as_secs_f64()
    );
}
