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
use super::discover::{select_sql, sql_ident};
use super::hot::{self, HotTables, HOT_SCHEMA};
use super::refresh::{self, RefreshReport, Registered};
use super::result_cache::{CachedResult, ResultCache, TeeSink};
use super::s3;
use super::sandbox::{self, SandboxConfig};
use super::{
    CancelReason, CancelToken, Description, Engine, EngineError, EngineSession, ErrorKind,
    ParamValue, ResultSink,
};
use crate::catalog::registry::Registry;
use crate::catalog::schema::LakeSnapshot;
use crate::config::{S3Config, Source};

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
    lake: RwLock<Lake>,
    registry: Registry,
    results: ResultCache,
    /// Writes the server's own tables (`run_owned`), apart from refreshes on `base`.
    owned: Mutex<Connection>,
    /// One refresh at a time.
    refreshing: Mutex<()>,
    hot: HotTables,
    /// Declared last so it drops after the connections above.
    _db: RawDb,
}

/// What is registered now.
#[derive(Default)]
struct Lake {
    tables: Vec<Registered>,
    snapshot: Arc<LakeSnapshot>,
    /// Lower-case table names, for the result cache.
    names: std::collections::HashSet<String>,
}

impl Lake {
    fn new(tables: Vec<Registered>) -> Self {
        let snapshot = LakeSnapshot {
            tables: tables.iter().map(|t| t.info.clone()).collect(),
        };
        let names = tables
            .iter()
            .map(|t| t.listed.name.to_lowercase())
            .collect();
        Self {
            tables,
            snapshot: Arc::new(snapshot),
            names,
        }
    }
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
    /// Every source, `data_dir` first.
    pub sources: Vec<Source>,
    pub s3: S3Config,
    pub catalog_ttl: std::time::Duration,
    pub result_cache_bytes: u64,
    pub result_cache_ttl: std::time::Duration,
    /// Budget for in-memory copies of lake tables (0 = off).
    pub hot_tables_bytes: u64,
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
        let mut sources = vec![Source::Local(data_dir.clone())];
        sources.extend(cfg.sources.iter().cloned());
        let extra_dirs = sources
            .iter()
            .skip(1)
            .map(|s| match s {
                Source::Local(p) => p
                    .canonicalize()
                    .unwrap_or_else(|_| p.clone())
                    .to_string_lossy()
                    .into_owned(),
                Source::S3(u) => u.clone(),
            })
            .collect();
        Self {
            sandbox: SandboxConfig {
                lake_dir: data_dir.clone(),
                extra_dirs,
                external_file_cache: cfg.external_file_cache,
                temp_dir: cfg.temp_directory.clone(),
                memory_limit: cfg.memory_limit.clone(),
                threads: cfg.threads,
                max_temp_directory_size: cfg.max_temp_directory_size.clone(),
            },
            data_dir,
            setup: Vec::new(),
            sources,
            s3: cfg.s3.clone(),
            catalog_ttl: cfg.catalog_ttl,
            result_cache_bytes: cfg.result_cache_bytes,
            result_cache_ttl: cfg.result_cache_ttl,
            hot_tables_bytes: cfg.hot_tables_bytes,
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
        for stmt in sandbox::EARLY_STATEMENTS {
            base.execute_batch(stmt)?;
        }
        // The primary directory must be readable; other sources that fail are reported and skipped.
        super::discover::list_local(&opts.data_dir)?;
        let registry = Registry::new(opts.sources.clone(), opts.catalog_ttl);
        let prefixes = registry.s3_prefixes();
        if !prefixes.is_empty() {
            s3::setup(&base, &opts.s3, &prefixes)?;
        }
        base.execute_batch(refresh::CREATE_ERRORS_TABLE)?;
        let (found, errors) = registry.discover(&base, true);
        let (tables, report) = refresh::apply(&base, &[], found, errors)?;
        let lake = Lake::new(tables);
        for setup in &opts.setup {
            for stmt in setup(&lake.snapshot) {
                base.execute_batch(&stmt).map_err(|e| {
                    EngineError::internal(format!("engine setup failed at `{stmt}`: {e}"))
                })?;
            }
        }
        base.execute_batch(&format!("CREATE SCHEMA IF NOT EXISTS {HOT_SCHEMA}"))?;
        sandbox::lock_down(&base, &opts.sandbox)?;
        // SAFETY: as above.
        let describer = unsafe { Describer::connect(raw) }?;
        let owned = base.try_clone()?;
        tracing::info!(
            tables = report.tables,
            errors = report.errors,
            sources = opts.sources.len(),
            "lake registered"
        );
        let engine = Self {
            shared: Arc::new(Shared {
                base: Mutex::new(base),
                describer,
                lake: RwLock::new(lake),
                registry,
                results: ResultCache::new(opts.result_cache_bytes, opts.result_cache_ttl),
                owned: Mutex::new(owned),
                refreshing: Mutex::new(()),
                hot: HotTables::new(opts.hot_tables_bytes),
                _db: db,
            }),
        };
        engine.warm();
        Ok(engine)
    }

    /// Starts a background pass that brings the in-memory copies in line with the lake and the budget.
    pub fn warm(&self) {
        if !self.shared.hot.enabled() {
            return;
        }
        let me = self.clone();
        let spawned = std::thread::Builder::new()
            .name("hot-tables".into())
            .spawn(move || {
                if let Err(e) = me.warm_pass() {
                    tracing::warn!(cause = %e, "hot tables: pass failed; tables stay on their files");
                }
            });
        if let Err(e) = spawned {
            tracing::warn!(cause = %e, "hot tables: cannot start a pass");
        }
    }

    /// Tables served from memory now, with their estimated sizes.
    pub fn hot_tables(&self) -> Vec<(String, u64)> {
        self.shared.hot.served()
    }

    /// Runs a pass now, on this thread (after the one in the background, if any): benchmarks use it to measure
    /// a settled engine.
    pub fn warm_now(&self) -> Result<(), EngineError> {
        if !self.shared.hot.enabled() {
            return Ok(());
        }
        self.warm_pass()
    }

    /// One pass: drop copies of changed or removed tables, then copy what fits the budget and is not in memory
    /// yet. Runs on its own connection; the view switch happens under the refresh lock.
    fn warm_pass(&self) -> Result<(), EngineError> {
        let hot = &self.shared.hot;
        let _pass = hot.pass.lock().unwrap_or_else(|p| p.into_inner());
        let tables: Vec<Registered> = self
            .shared
            .lake
            .read()
            .map(|l| l.tables.clone())
            .map_err(|_| EngineError::internal("lake state poisoned"))?;
        let conn = self.new_connection()?;
        let current = tables
            .iter()
            .map(|t| (t.listed.name.clone(), t.served.fingerprint))
            .collect();
        for old in hot.stale(&current) {
            conn.execute_batch(&format!("DROP TABLE IF EXISTS {}", old.table))?;
        }
        let candidates = tables
            .iter()
            .filter_map(|t| {
                Some(hot::Candidate {
                    name: t.listed.name.clone(),
                    fingerprint: t.served.fingerprint,
                    bytes: hot::estimate_bytes(&t.info)?,
                })
            })
            .collect();
        let started = std::time::Instant::now();
        for c in hot.plan(candidates) {
            if hot
                .copy_of(&c.name)
                .is_some_and(|k| k.fingerprint == c.fingerprint)
            {
                continue;
            }
            let Some(t) = tables.iter().find(|t| t.listed.name == c.name) else {
                continue;
            };
            let target = format!(
                "{HOT_SCHEMA}.{}",
                sql_ident(&format!("{}_{:016x}", c.name, c.fingerprint))
            );
            conn.execute_batch(&format!(
                "CREATE OR REPLACE TABLE {target} AS {}",
                select_sql(&t.served)
            ))?;
            let switched = {
                let _refresh = self
                    .shared
                    .refreshing
                    .lock()
                    .map_err(|_| EngineError::internal("refresh lock poisoned"))?;
                let still = self.shared.lake.read().is_ok_and(|l| {
                    l.tables
                        .iter()
                        .any(|n| n.listed.name == c.name && n.served.fingerprint == c.fingerprint)
                });
                if still {
                    let base =
                        self.shared.base.lock().map_err(|_| {
                            EngineError::internal("engine base connection poisoned")
                        })?;
                    base.execute_batch(&format!(
                        "CREATE OR REPLACE VIEW {} AS SELECT * FROM {target}",
                        sql_ident(&c.name)
                    ))?;
                }
                still
            };
            if !switched {
                conn.execute_batch(&format!("DROP TABLE IF EXISTS {target}"))?;
                continue;
            }
            let copy = hot::Copy {
                fingerprint: c.fingerprint,
                table: target,
                bytes: c.bytes,
            };
            if let Some(old) = hot.record(&c.name, copy) {
                conn.execute_batch(&format!("DROP TABLE IF EXISTS {}", old.table))?;
            }
            tracing::info!(table = %c.name, estimated_mb = c.bytes >> 20, "hot table: served from memory");
        }
        tracing::debug!(
            elapsed_ms = started.elapsed().as_millis() as u64,
            "hot tables: pass done"
        );
        Ok(())
    }

    /// Names of the registered tables.
    pub fn table_names(&self) -> Vec<String> {
        self.shared
            .lake
            .read()
            .map(|l| l.tables.iter().map(|t| t.listed.name.clone()).collect())
            .unwrap_or_default()
    }

    /// Lists the sources again (all of them when `force`, else those whose cached listing expired) and applies
    /// what changed; stale descriptions and cached answers of touched tables are dropped.
    pub fn refresh_lake(&self, force: bool) -> Result<RefreshReport, EngineError> {
        let _one = self
            .shared
            .refreshing
            .lock()
            .map_err(|_| EngineError::internal("refresh lock poisoned"))?;
        let old = self
            .shared
            .lake
            .read()
            .map(|l| l.tables.clone())
            .map_err(|_| EngineError::internal("lake state poisoned"))?;
        let (tables, report) = {
            let base = self
                .shared
                .base
                .lock()
                .map_err(|_| EngineError::internal("engine base connection poisoned"))?;
            let (found, errors) = self.shared.registry.discover(&base, force);
            refresh::apply(&base, &old, found, errors)?
        };
        let touched = report.touched();
        if !touched.is_empty() {
            self.shared.describer.clear();
            self.shared.results.invalidate_tables(&touched);
            let mut lake = self
                .shared
                .lake
                .write()
                .map_err(|_| EngineError::internal("lake state poisoned"))?;
            *lake = Lake::new(tables);
            tracing::info!(?report, "lake refreshed");
            drop(lake);
            self.warm();
        }
        Ok(report)
    }

    /// The connection that writes the server's own tables.
    fn owned_connection(&self) -> Result<std::sync::MutexGuard<'_, Connection>, EngineError> {
        self.shared
            .owned
            .lock()
            .map_err(|_| EngineError::internal("engine owned-table connection poisoned"))
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
            .lake
            .read()
            .map(|l| l.snapshot.clone())
            .unwrap_or_default()
    }

    fn refresh(&self, force: bool) -> Result<RefreshReport, EngineError> {
        self.refresh_lake(force)
    }

    fn run_owned(&self, sql: &str, params: &[ParamValue]) -> Result<(), EngineError> {
        let conn = self.owned_connection()?;
        if params.is_empty() {
            return Ok(conn.execute_batch(sql)?);
        }
        conn.execute(sql, duckdb::params_from_iter(params.iter().map(to_value)))?;
        Ok(())
    }

    fn append_owned(
        &self,
        schema: &str,
        table: &str,
        rows: &[Vec<ParamValue>],
    ) -> Result<(), EngineError> {
        let conn = self.owned_connection()?;
        let mut app = conn.appender_to_db(table, schema)?;
        app.append_rows(
            rows.iter()
                .map(|r| duckdb::appender_params_from_iter(r.iter().map(to_value))),
        )?;
        Ok(app.flush()?)
    }

    fn cache_stats(&self) -> super::CacheStats {
        self.shared.results.stats()
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
        if !params.is_empty() {
            return self.execute_uncached(sql, params, cancel, sink);
        }
        let shared = &self.engine.shared;
        if let Some(hit) = shared.results.get(sql) {
            if !sink.columns(hit.columns.clone()) {
                return Ok(0);
            }
            let mut rows = 0u64;
            for b in &hit.batches {
                rows += b.num_rows() as u64;
                if !sink.batch(b.clone()) {
                    break;
                }
            }
            return Ok(rows);
        }
        let tables = match shared.lake.read() {
            Ok(l) => shared.results.cacheable(sql, &l.names),
            Err(_) => None,
        };
        let Some(tables) = tables else {
            return self.execute_uncached(sql, params, cancel, sink);
        };
        shared.results.note_miss();
        let mut tee = TeeSink::new(sink, shared.results.max_entry());
        let rows = self.execute_uncached(sql, params, cancel, &mut tee)?;
        if !tee.incomplete {
            shared.results.insert(
                sql,
                CachedResult {
                    columns: tee.columns,
                    batches: tee.batches,
                    tables,
                    bytes: tee.bytes,
                },
            );
        }
        Ok(rows)
    }

    fn cached(&self, sql: &str) -> bool {
        self.engine.shared.results.contains(sql)
    }
}

impl DuckSession {
    fn execute_uncached(
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
