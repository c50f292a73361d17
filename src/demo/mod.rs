//! The deterministic demo-lake generator: writes a realistic retail sales lake (hive-partitioned
//! sales parquet plus products, stores and customers dimensions) so the server has data to answer over.
//! Same seed, same lake: every value is derived from DuckDB `hash()` of row/order indexes and the seed.
//!
//! # Layout
//! - `DIR/sales/year=YYYY/month=M/region=REGION/data_0.parquet` (2022-01 .. 2024-12, four regions)
//! - `DIR/products.parquet`, `DIR/stores.parquet`, `DIR/customers.parquet`
//! - `DIR/.complete`, written last; [`is_complete`] checks it.
//!
//! Read the sales with `read_parquet('DIR/sales/**/*.parquet', hive_partitioning=true,
//! hive_types={'year': 'INTEGER', 'month': 'INTEGER', 'region': 'VARCHAR'})` ([`SALES_HIVE_TYPES`]):
//! Months are not zero-padded (`month=3`): DuckDB's `hive_types_autocast` reads `month=03` as VARCHAR, so a
//! plain `read_parquet(.., hive_partitioning=true)` would break `WHERE month BETWEEN 1 AND 3`; `month=3` reads
//! as an integer in every reader.
//!
//! The lake is built in a temporary sibling directory and renamed into place at the end, so a
//! crashed or interrupted run never leaves a directory that [`is_complete`] accepts.
//!
//! # Shape of the data
//! - Brands are generic placeholders (`Brand A` … `Brand AH`, each belonging to one category), as in the
//!   questions the NL eval set asks about the demo lake.
//! - Seasonality: November and December peak (December strongest); January/February are the trough.
//!   Inside a month, weekends are busier than weekdays, Black Friday and Cyber Monday spike,
//!   December builds up to Christmas and Christmas Day is quiet.
//! - Growth: every region grows year over year (NORTH ~8%, EAST ~10%, SOUTH ~12%, WEST ~16% in
//!   volume, plus ~3%/~2% yearly price increases), so total revenue grows ~13–18% a year.
//! - Regions differ in size: EAST is largest, then SOUTH, WEST, NORTH.
//! - Categories differ: Electronics dominates revenue, Grocery dominates line counts; Toys and
//!   Electronics gain share in November/December; return rates vary by category (3–8%).
//! - Channels shift over time from Store towards Online and Mobile.
//!
//! # Planted anomaly
//! **WEST region, August 2023**: order volume (and so revenue) collapses to ~40% of what the trend
//! predicts (about −60% against July and September 2023). Everything else about the month is normal.

mod dims;
mod sales;
#[cfg(test)]
mod tests;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use duckdb::Connection;

/// The year/month/region of the planted anomaly (see the module docs).
pub const ANOMALY: (i32, u32, &str) = (2023, 8, "WEST");

/// The `hive_types` a reader should pass to `read_parquet(.., hive_partitioning=true)` for the sales
/// files, so that year and month are INTEGER (autocast alone gives BIGINT).
pub const SALES_HIVE_TYPES: &str = "{'year': 'INTEGER', 'month': 'INTEGER', 'region': 'VARCHAR'}";

/// Name of the marker file written last into a finished lake.
const MARKER: &str = ".complete";

/// What to generate and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoOptions {
    /// Directory the finished lake ends up in (replaced if it exists).
    pub out: PathBuf,
    /// Number of sales lines to write (exactly).
    pub rows: u64,
    /// Seed; the same seed yields the same lake.
    pub seed: u64,
    /// Show a progress bar on stderr (only when stderr is a terminal).
    pub progress: bool,
}

impl Default for DemoOptions {
    fn default() -> Self {
        Self {
            out: PathBuf::from("data/demo"),
            rows: 1_000_000,
            seed: 42,
            progress: false,
        }
    }
}

/// What a finished run produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoReport {
    /// Sales lines written.
    pub rows: u64,
    /// Parquet files written (sales partitions plus the three dimension tables).
    pub files: usize,
    pub elapsed: Duration,
}

/// Why generation failed.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("invalid demo options: {0}")]
    InvalidOptions(String),
    #[error("path is not valid UTF-8: {0}")]
    NonUtf8Path(PathBuf),
    #[error("{action} {path}: {source}")]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("duckdb: {0}")]
    DuckDb(#[from] duckdb::Error),
}

impl DemoError {
    fn io(action: &'static str, path: &Path, source: std::io::Error) -> Self {
        Self::Io {
            action,
            path: path.to_path_buf(),
            source,
        }
    }
}

/// True when `dir` already holds a complete demo lake (its marker file, written last, exists).
pub fn is_complete(dir: &Path) -> bool {
    dir.join(MARKER).is_file()
}

/// Generates the demo lake described in the module docs into `opts.out`.
pub fn generate(opts: &DemoOptions) -> Result<DemoReport, DemoError> {
    let started = Instant::now();
    if opts.rows == 0 {
        return Err(DemoError::InvalidOptions("rows must be at least 1".into()));
    }
    let out = &opts.out;
    let name = out
        .file_name()
        .ok_or_else(|| {
            DemoError::InvalidOptions(format!("{} has no final component", out.display()))
        })?
        .to_string_lossy()
        .into_owned();
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(|e| DemoError::io("create", &parent, e))?;
    let tmp = parent.join(format!(".{name}.tmp-{}", std::process::id()));
    remove_dir_if_exists(&tmp)?;
    std::fs::create_dir_all(&tmp).map_err(|e| DemoError::io("create", &tmp, e))?;

    let result = build(opts, &tmp);
    let files = match result {
        Ok(files) => files,
        Err(e) => {
            // Best effort: the error that matters is the one from building.
            let _ = std::fs::remove_dir_all(&tmp);
            return Err(e);
        }
    };

    // Swap the finished lake into place.
    if out.exists() {
        let old = parent.join(format!(".{name}.old-{}", std::process::id()));
        remove_dir_if_exists(&old)?;
        std::fs::rename(out, &old).map_err(|e| DemoError::io("move aside", out, e))?;
        std::fs::rename(&tmp, out).map_err(|e| DemoError::io("rename into place", out, e))?;
        remove_dir_if_exists(&old)?;
    } else {
        std::fs::rename(&tmp, out).map_err(|e| DemoError::io("rename into place", out, e))?;
    }

    Ok(DemoReport {
        rows: opts.rows,
        files,
        elapsed: started.elapsed(),
    })
}

/// Writes the whole lake into `dir` (marker last); returns the number of parquet files.
fn build(opts: &DemoOptions, dir: &Path) -> Result<usize, DemoError> {
    let conn = Connection::open_in_memory()?;
    // One thread keeps row order and parquet bytes identical from run to run.
    conn.execute_batch(
        "SET threads = 1; SET memory_limit = '2GB'; SET preserve_insertion_order = true;",
    )?;

    let products = dims::products(opts.seed);
    let stores = dims::stores(opts.seed);
    let customers = dims::customer_count(opts.rows);
    dims::load_products(&conn, &products)?;
    dims::load_stores(&conn, &stores)?;

    let plan = sales::plan(opts.rows);
    let bar = progress_bar(opts.progress, opts.rows);
    let mut files = 0usize;
    for part in &plan {
        if part.rows == 0 {
            continue;
        }
        let pdir = dir.join(part.rel_dir());
        std::fs::create_dir_all(&pdir).map_err(|e| DemoError::io("create", &pdir, e))?;
        let file = pdir.join("data_0.parquet");
        let sql = sales::copy_sql(part, &stores, customers, opts.seed, &sql_path(&file)?);
        conn.execute_batch(&sql)?;
        files += 1;
        bar.inc(part.rows);
    }

    dims::write_products(&conn, &sql_path(&dir.join("products.parquet"))?)?;
    dims::write_stores(&conn, &sql_path(&dir.join("stores.parquet"))?)?;
    dims::write_customers(
        &conn,
        customers,
        opts.seed,
        &sql_path(&dir.join("customers.parquet"))?,
    )?;
    files += 3;
    bar.finish_and_clear();

    let marker = dir.join(MARKER);
    let body = format!(
        "rows={}\nseed={}\nfiles={}\ncustomers={}\n",
        opts.rows, opts.seed, files, customers
    );
    std::fs::write(&marker, body).map_err(|e| DemoError::io("write", &marker, e))?;
    Ok(files)
}

fn progress_bar(enabled: bool, rows: u64) -> indicatif::ProgressBar {
    if !enabled || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(rows);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "demo lake {bar:40} {human_pos}/{human_len} rows ({eta})",
    ) {
        bar.set_style(style);
    }
    bar
}

fn remove_dir_if_exists(dir: &Path) -> Result<(), DemoError> {
    match std::fs::remove_dir_all(dir) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(DemoError::io("remove", dir, e)),
    }
}

/// A path as a quoted SQL string literal.
fn sql_path(path: &Path) -> Result<String, DemoError> {
    let s = path
        .to_str()
        .ok_or_else(|| DemoError::NonUtf8Path(path.to_path_buf()))?;
    Ok(sql_str(s))
}

/// Quotes `s` as a SQL string literal.
fn sql_str(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}
