//! Locks DuckDB down after the lake's views are registered, in this order: extension autoload/autoinstall and
//! community extensions off; resource limits; `allowed_directories` = the lake's directories and S3 prefixes plus
//! the spill directory;
//! `enable_external_access = false`; `lock_configuration = true`. After that no statement can change a setting.
//! DuckDB's settings alone are not a sandbox: the guard validates every statement before it gets here.

use std::path::{Path, PathBuf};

use duckdb::Connection;

use super::discover::sql_literal;
use super::error::EngineError;

/// Resource limits and the directories DuckDB may read.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    pub lake_dir: PathBuf,
    /// More local directories and `s3://bucket/prefix/` URLs the lake's sources live in.
    pub extra_dirs: Vec<String>,
    /// Keep remote (S3) file blocks in memory between queries.
    pub external_file_cache: bool,
    pub temp_dir: PathBuf,
    pub memory_limit: String,
    pub threads: u32,
    pub max_temp_directory_size: String,
}

/// Run first, before any secret exists (DuckDB refuses to change the secret manager once it was used):
/// secrets live in memory only.
pub const EARLY_STATEMENTS: &[&str] = &["SET allow_persistent_secrets = false"];

/// The statements that lock the database down, in order.
pub fn lockdown_statements(cfg: &SandboxConfig) -> Vec<String> {
    let dir = |p: &Path| {
        let mut s = p.to_string_lossy().into_owned();
        if !s.ends_with('/') {
            s.push('/');
        }
        sql_literal(&s)
    };
    vec![
        "SET autoinstall_known_extensions = false".into(),
        "SET autoload_known_extensions = false".into(),
        "SET allow_community_extensions = false".into(),
        "SET parquet_metadata_cache = true".into(),
        format!(
            "SET enable_external_file_cache = {}",
            cfg.external_file_cache
        ),
        format!("SET memory_limit = {}", sql_literal(&cfg.memory_limit)),
        format!("SET threads = {}", cfg.threads),
        format!(
            "SET temp_directory = {}",
            sql_literal(&cfg.temp_dir.to_string_lossy())
        ),
        format!(
            "SET max_temp_directory_size = {}",
            sql_literal(&cfg.max_temp_directory_size)
        ),
        format!(
            "SET allowed_directories = [{}]",
            [dir(&cfg.lake_dir), dir(&cfg.temp_dir)]
                .into_iter()
                .chain(cfg.extra_dirs.iter().map(|d| dir(Path::new(d))))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        "SET enable_external_access = false".into(),
        "SET lock_configuration = true".into(),
    ]
}

/// Applies [`lockdown_statements`] on `conn`.
pub fn lock_down(conn: &Connection, cfg: &SandboxConfig) -> Result<(), EngineError> {
    std::fs::create_dir_all(&cfg.temp_dir).map_err(|e| {
        EngineError::new(
            super::ErrorKind::Io,
            format!(
                "cannot create temp directory {}: {e}",
                cfg.temp_dir.display()
            ),
        )
    })?;
    for stmt in lockdown_statements(cfg) {
        conn.execute_batch(&stmt)
            .map_err(|e| EngineError::internal(format!("sandbox setup failed at `{stmt}`: {e}")))?;
    }
    Ok(())
}
