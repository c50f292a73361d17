//! S3 sources through DuckDB's httpfs extension: loading it explicitly (from a configured extension file, or
//! `INSTALL httpfs` from DuckDB's repository) before the sandbox locks, the S3 secret scoped to the configured
//! prefixes, and listing a prefix's data files with `glob()` so the registry can group them into tables.

use duckdb::Connection;

use super::discover::{format_of, sql_literal, FileEntry};
use super::error::{EngineError, ErrorKind};
use crate::config::S3Config;

/// The statements that load httpfs and create the S3 secret for `prefixes`. Autoload stays off: the extension
/// is loaded here, once, by path or from the repository.
pub fn setup_statements(cfg: &S3Config, prefixes: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    match &cfg.httpfs_extension {
        Some(path) => out.push(format!("LOAD {}", sql_literal(&path.to_string_lossy()))),
        None => {
            out.push("INSTALL httpfs".into());
            out.push("LOAD httpfs".into());
        }
    }
    if prefixes.is_empty() {
        return out;
    }
    let mut opts = vec!["TYPE s3".to_owned()];
    if let Some(k) = &cfg.access_key_id {
        opts.push(format!("KEY_ID {}", sql_literal(k)));
    }
    if let Some(s) = &cfg.secret_access_key {
        opts.push(format!("SECRET {}", sql_literal(s)));
    }
    if let Some(t) = &cfg.session_token {
        opts.push(format!("SESSION_TOKEN {}", sql_literal(t)));
    }
    opts.push(format!("REGION {}", sql_literal(&cfg.region)));
    let mut use_ssl = cfg.use_ssl;
    if let Some(ep) = &cfg.endpoint {
        let host = if let Some(h) = ep.strip_prefix("http://") {
            use_ssl = false;
            h
        } else {
            ep.strip_prefix("https://").unwrap_or(ep)
        };
        opts.push(format!(
            "ENDPOINT {}",
            sql_literal(host.trim_end_matches('/'))
        ));
    }
    if cfg.path_style {
        opts.push("URL_STYLE 'path'".into());
    }
    opts.push(format!("USE_SSL {use_ssl}"));
    let scopes: Vec<String> = prefixes.iter().map(|p| sql_literal(p)).collect();
    opts.push(format!("SCOPE [{}]", scopes.join(", ")));
    out.push(format!(
        "CREATE OR REPLACE SECRET insights_s3 ({})",
        opts.join(", ")
    ));
    out
}

/// Runs [`setup_statements`].
pub fn setup(conn: &Connection, cfg: &S3Config, prefixes: &[String]) -> Result<(), EngineError> {
    for stmt in setup_statements(cfg, prefixes) {
        conn.execute_batch(&stmt).map_err(|e| {
            let shown = if stmt.contains("SECRET") {
                "CREATE SECRET …"
            } else {
                stmt.as_str()
            };
            EngineError::new(ErrorKind::Io, format!("S3 setup failed at `{shown}`: {e}"))
        })?;
    }
    Ok(())
}

/// Lists the data files below an `s3://bucket/prefix/` (sizes and times are not listed by `glob`, so a
/// rewritten object with the same key is only noticed by a manual refresh of its table).
pub fn list(conn: &Connection, prefix: &str) -> Result<Vec<FileEntry>, EngineError> {
    let pattern = format!("{prefix}**");
    let mut stmt = conn.prepare("SELECT file FROM glob(?) ORDER BY file")?;
    let files: Vec<String> = stmt
        .query_map([pattern], |r| r.get::<_, String>(0))?
        .collect::<Result<_, _>>()?;
    Ok(files
        .into_iter()
        .filter(|f| format_of(f).is_some())
        .filter_map(|f| {
            let rel = f.strip_prefix(prefix)?.to_owned();
            Some(FileEntry {
                path: f,
                rel,
                size: 0,
                modified: 0,
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_is_scoped_and_path_style() {
        let cfg = S3Config {
            endpoint: Some("http://127.0.0.1:9000".into()),
            region: "eu-west-1".into(),
            access_key_id: Some("k".into()),
            secret_access_key: Some("s'x".into()),
            session_token: None,
            path_style: true,
            use_ssl: true,
            httpfs_extension: Some("/x/httpfs.duckdb_extension".into()),
        };
        let s = setup_statements(&cfg, &["s3://b/p/".into()]);
        assert_eq!(s[0], "LOAD '/x/httpfs.duckdb_extension'");
        assert!(s[1].contains("ENDPOINT '127.0.0.1:9000'"));
        assert!(s[1].contains("USE_SSL false"));
        assert!(s[1].contains("URL_STYLE 'path'"));
        assert!(s[1].contains("SECRET 's''x'"));
        assert!(s[1].contains("SCOPE ['s3://b/p/']"));
    }
}
