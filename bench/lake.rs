//! The benchmarks' lake: the 1M-line demo lake in the cache (`$INSIGHTS_CACHE/demo-lake-1m`, the eval's), generated
//! on first use.

use retail_insights::demo;

pub fn demo_lake_1m() -> std::path::PathBuf {
    let dir = std::env::var_os("INSIGHTS_CACHE")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("retail-insights"))
        .join("demo-lake-1m");
    if !demo::is_complete(&dir) {
        demo::generate(&demo::DemoOptions {
            out: dir.clone(),
            rows: 1_000_000,
            seed: 42,
            progress: false,
        })
        .expect("generate lake");
    }
    dir
}
