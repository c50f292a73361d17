//! The execution engine behind a trait, so that a distributed engine can plug in later. Callers hand it SQL that
//! the guard already validated; it answers with a row shape and Arrow record batches, streamed batch by batch.
//! The only implementation today is [`duck::DuckEngine`] (embedded DuckDB over the lake's files).

pub mod cancel;
pub mod describe;
pub mod discover;
pub mod duck;
pub mod error;
pub mod hot;
pub mod refresh;
pub mod result_cache;
pub mod s3;
pub mod sandbox;
pub mod types;

use std::sync::Arc;

pub use cancel::{CancelReason, CancelToken};
pub use duckdb::arrow::array::RecordBatch;
pub use duckdb::arrow::datatypes::SchemaRef;
pub use error::{EngineError, ErrorKind};
pub use refresh::RefreshReport;
pub use types::{ColumnDesc, SqlType};

use crate::catalog::schema::LakeSnapshot;

/// A parameter value bound to `$n` (extended protocol). Text values are cast by the engine to the type the
/// statement expects for that parameter.
#[derive(Debug, Clone, PartialEq)]
pub enum ParamValue {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Text(String),
    Bytes(Vec<u8>),
}

/// What a statement looks like before it runs: its parameters and its result columns.
#[derive(Debug, Clone, Default)]
pub struct Description {
    pub params: Vec<SqlType>,
    pub columns: Vec<ColumnDesc>,
}

/// Receives a result as it streams. Returning `false` from either method stops the query early.
pub trait ResultSink {
    fn columns(&mut self, columns: Vec<ColumnDesc>) -> bool;
    fn batch(&mut self, batch: RecordBatch) -> bool;
}

/// A sink that keeps the whole result: for small results only (the `ask` command, tests).
#[derive(Default)]
pub struct CollectSink {
    pub columns: Vec<ColumnDesc>,
    pub batches: Vec<RecordBatch>,
}

impl ResultSink for CollectSink {
    fn columns(&mut self, columns: Vec<ColumnDesc>) -> bool {
        self.columns = columns;
        true
    }
    fn batch(&mut self, batch: RecordBatch) -> bool {
        self.batches.push(batch);
        true
    }
}

/// How often the result cache answered, since the engine opened.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheStats {
    pub hits: u64,
    /// Cacheable statements that had to run (their answer is kept for next time).
    pub misses: u64,
}

/// The engine as a whole: one per server.
pub trait Engine: Send + Sync + 'static {
    /// Opens one client's session (one engine connection per client session).
    fn open_session(&self) -> Result<Arc<dyn EngineSession>, EngineError>;
    /// The tables the lake holds, with statistics, as last discovered.
    fn snapshot(&self) -> Arc<LakeSnapshot>;
    /// Looks at the sources again and applies what changed (`force`: ignore cached listings).
    fn refresh(&self, _force: bool) -> Result<RefreshReport, EngineError> {
        Err(EngineError::new(
            ErrorKind::Unsupported,
            "this engine cannot refresh its catalog",
        ))
    }
    /// Runs a statement the server wrote itself (never client text) on the engine's own connection, with
    /// `params` bound to its `?`s (several `;`-separated statements when there are none). This is how the server
    /// keeps its own tables, such as `insights.query_log`. Blocks.
    fn run_owned(&self, _sql: &str, _params: &[ParamValue]) -> Result<(), EngineError> {
        Err(EngineError::new(
            ErrorKind::Unsupported,
            "this engine keeps no server-owned tables",
        ))
    }
    /// Appends `rows` (values in column order) to the server-owned table `schema.table`. Blocks.
    fn append_owned(
        &self,
        _schema: &str,
        _table: &str,
        _rows: &[Vec<ParamValue>],
    ) -> Result<(), EngineError> {
        Err(EngineError::new(
            ErrorKind::Unsupported,
            "this engine keeps no server-owned tables",
        ))
    }
    /// Result-cache hits and misses since the engine opened.
    fn cache_stats(&self) -> CacheStats {
        CacheStats::default()
    }
}

/// One client's connection to the engine. Every method blocks: call it from a blocking thread, never from an
/// async task.
pub trait EngineSession: Send + Sync {
    /// Row shape and parameter types of `sql`, without running it.
    fn describe(&self, sql: &str) -> Result<Description, EngineError>;
    /// Runs `sql` with `params`, streaming into `sink`. `cancel` interrupts it. Returns the number of rows.
    fn execute(
        &self,
        sql: &str,
        params: &[ParamValue],
        cancel: &CancelToken,
        sink: &mut dyn ResultSink,
    ) -> Result<u64, EngineError>;
    /// True when `sql` (without parameters) would be answered from the result cache.
    fn cached(&self, _sql: &str) -> bool {
        false
    }
}
