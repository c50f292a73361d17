//! The DuckDB implementation of [`Engine`]: one in-memory database per server whose views read the lake's files,
//! one connection per client session, statements streamed chunk by chunk as Arrow batches, and interrupts wired
//! to the session's [`CancelToken`].

use std::path::{Path, PathBuf};
use std::ptr;
use std::sync::{Arc, Mutex, RwLock};

use duckdb::arrow::array::RecordBatch;
use duckdb::types::Value;
use duckdb::{ffi, Connection};

use super::describe::Describer;
use super::discover::{self, FoundTable};
use super::sandbox::{self, SandboxConfig};
use super::{
    CancelReason, CancelToken, Description, Engine, EngineError, EngineSession, ErrorKind,
    ParamValue, ResultSink,
};
use crate::catalog::schema::LakeSnapshot;

/// Owns the raw database handle so that it is closed after every connection made from it.
struct RawDb(ffi::duckdb_database);

// SAFETY: a DuckDB database handle is thread-safe; it is only closed in Drop, after all users are gone.
unsafe impl Send for RawDb {}
unsafe impl Sync for RawDb {}

impl Drop for RawDb {
    fn drop(&mut self) {
        // SAFETY: opened by duckdb_open_ext and closed exactly once, after the connections (fields drop first).
        unsafe { ffi::duckdb_close(&mut self.0) }
    }
}

struct Shared {
    /// Template connection: sessions are cloned from it.
    base: Mutex<Connection>,
    describer: Describer,
    snapshot: RwLock<Arc<LakeSnapshot>>,
    tables: Vec<FoundTable>,
    /// Declared last so it drops after the connections above.
    _db: RawDb,
}

/// The DuckDB engine. Cheap to clone.
#[derive(Clone)]
pub struct DuckEngine {
    shared: Arc<Shared>,
}

/// Statements to run once the lake's views exist and before the sandbox is locked (e.g. the pg_catalog
/// emulation's views and macros, built from the lake's tables).
pub type SetupFn = Arc<dyn Fn(&LakeSnapshot) -> Vec<String> + Send + Sync>;

/// How to open the engine.
#[derive(Clone)]
pub struct EngineOptions {
    pub data_dir: PathBuf,
    pub sandbox: SandboxConfig,
    pub setup: Vec<SetupFn>,
}

impl std::fmt::Debug for EngineOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EngineOptions")
            .field("data_dir", &self.data_dir)
            .field("sandbox", &self.sandbox)
            .field("setup", &self.setup.len())
            .finish()
    }
}

impl EngineOptions {
    /// Options with default limits for `data_dir`.
    pub fn for_dir(data_dir: &Path) -> Self {
        let cfg = crate::config::Config::default();
        Self::from_config(data_dir, &cfg)
    }

    pub fn from_config(data_dir: &Path, cfg: &crate::config::Config) -> Self {
        let data_dir = data_dir
            .canonicalize()
            .unwrap_or_else(|_| data_dir.to_path_buf());
        Self {
            sandbox: SandboxConfig {
                lake_dir: data_dir.clone(),
                temp_dir: cfg.temp_directory.clone(),
                memory_limit: cfg.memory_limit.clone(),
                threads: cfg.threads,
                max_temp_directory_size: cfg.max_temp_directory_size.clone(),
            },
            data_dir,
            setup: Vec::new(),
        }
    }
}

impl DuckEngine {
    /// Opens the database, registers the lake's views, gathers statistics and locks the sandbox.
    pub fn open(opts: &EngineOptions) -> Result<Self, EngineError> {
        let mut raw: ffi::duckdb_database = ptr::null_mut();
        // SAFETY: a NULL path opens an in-memory database; raw is owned by RawDb from here on.
        let rc = unsafe { ffi::duckdb_open(ptr::null(), &mut raw) };
        if rc != ffi::DuckDBSuccess {
            return Err(EngineError::internal("cannot open DuckDB"));
        }
        let db = RawDb(raw);
        // SAFETY: raw is a valid open database that outlives the connection (kept in Shared, dropped last).
        let base = unsafe { Connection::open_from_raw(raw) }?;
        let tables = discover::find_tables(&opts.data_dir)?;
        for t in &tables {
            base.execute_batch(&discover::view_sql(t))?;
        }
        let snapshot = discover::snapshot(&base, &tables)?;
        for setup in &opts.setup {
            for stmt in setup(&snapshot) {
                base.execute_batch(&stmt).map_err(|e| {
                    EngineError::internal(format!("engine setup failed at `{stmt}`: {e}"))
                })?;
            }
        }
        sandbox::lock_down(&base, &opts.sandbox)?;
        // SAFETY: as above.
        let describer = unsafe { Describer::connect(raw) }?;
        tracing::info!(
            tables = tables.len(),
            dir = %opts.data_dir.display(),
            "lake registered"
        );
        Ok(Self {
            shared: Arc::new(Shared {
                base: Mutex::new(base),
                describer,
                snapshot: RwLock::new(Arc::new(snapshot)),
                tables,
                _db: db,
            }),
        })
    }

    /// Names of the registered tables.
    pub fn table_names(&self) -> Vec<String> {
        self.shared.tables.iter().map(|t| t.name.clone()).collect()
    }

    fn new_connection(&self) -> Result<Connection, EngineError> {
        let base = self
            .shared
            .base
            .lock()
            .map_err(|_| EngineError::internal("engine base connection poisoned"))?;
        Ok(base.try_clone()?)
    }
}

impl Engine for DuckEngine {
    fn open_session(&self) -> Result<Arc<dyn EngineSession>, EngineError> {
        Ok(Arc::new(DuckSession {
            conn: Mutex::new(self.new_connection()?),
            engine: self.clone(),
        }))
    }

    fn snapshot(&self) -> Arc<LakeSnapshot> {
        self.shared
            .snapshot
            .read()
            .map(|s| s.clone())
            .unwrap_or_default()
    }
}

/// One client's DuckDB connection.
struct DuckSession {
    conn: Mutex<Connection>,
    engine: DuckEngine,
}

fn to_value(p: &ParamValue) -> Value {
    match p {
        ParamValue::Null => Value::Null,
        ParamValue::Bool(b) => Value::Boolean(*b),
        ParamValue::Int(i) => Value::BigInt(*i),
        ParamValue::Float(f) => Value::Double(*f),
        ParamValue::Text(s) => Value::Text(s.clone()),
        ParamValue::Bytes(b) => Value::Blob(b.clone()),
    }
}

impl DuckSession {
    fn run(
        &self,
        conn: &Connection,
        sql: &str,
        params: &[ParamValue],
        cancel: &CancelToken,
        sink: &mut dyn ResultSink,
    ) -> Result<u64, EngineError> {
        let desc = self.engine.shared.describer.describe(sql)?;
        let interrupt = conn.interrupt_handle();
        cancel.begin(Arc::new(move || interrupt.interrupt()));
        let result = (|| {
            let mut stmt = conn.prepare(sql)?;
            let values: Vec<Value> = params.iter().map(to_value).collect();
            // Starting the stream binds and executes; the returned iterator panics on errors, so it is dropped
            // at once and chunks are fetched with the fallible `step`.
            drop(stmt.stream_arrow(duckdb::params_from_iter(values))?);
            if !sink.columns(desc.columns) {
                return Ok(0);
            }
            let mut rows = 0u64;
            while let Some(array) = stmt.step()? {
                let batch = RecordBatch::from(&array);
                rows += batch.num_rows() as u64;
                if !sink.batch(batch) {
                    break;
                }
            }
            Ok::<u64, EngineError>(rows)
        })();
        cancel.end();
        result.map_err(|e| match (e.kind, cancel.reason()) {
            (ErrorKind::Canceled, Some(CancelReason::Timeout)) => EngineError::new(
                ErrorKind::Timeout,
                "canceling statement due to statement timeout",
            ),
            (ErrorKind::Canceled, _) => EngineError::new(
                ErrorKind::Canceled,
                "canceling statement due to user request",
            ),
            _ => e,
        })
    }
}

impl EngineSession for DuckSession {
    fn describe(&self, sql: &str) -> Result<Description, EngineError> {
        self.engine.shared.describer.describe(sql)
    }

    fn execute(
        &self,
        sql: &str,
        params: &[ParamValue],
        cancel: &CancelToken,
        sink: &mut dyn ResultSink,
    ) -> Result<u64, EngineError> {
        // A suspended portal keeps the session's connection busy; a second statement meanwhile gets its own.
        match self.conn.try_lock() {
            Ok(conn) => self.run(&conn, sql, params, cancel, sink),
            Err(_) => {
                let conn = self.engine.new_connection()?;
                self.run(&conn, sql, params, cancel, sink)
            }
        }
    }
}
