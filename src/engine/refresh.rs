//! Applying a discovery to the engine: new and changed tables get their views (re)created on the engine's own
//! connection (allowed after the sandbox locks), removed ones are dropped, broken files are probed one by one,
//! skipped and recorded in `insights.catalog_errors`, and statistics are re-read only for tables that changed.

use duckdb::Connection;

use super::discover::{self, sql_ident, sql_literal, FileFormat, FoundTable};
use super::error::EngineError;
use crate::catalog::registry::CatalogError;
use crate::catalog::schema::TableInfo;

/// The statement that creates the queryable error list (run once, before the sandbox locks).
pub const CREATE_ERRORS_TABLE: &str = "CREATE SCHEMA IF NOT EXISTS insights; \
     CREATE TABLE IF NOT EXISTS insights.catalog_errors (source VARCHAR, path VARCHAR, table_name VARCHAR, \
     error VARCHAR, detected_at TIMESTAMP DEFAULT current_timestamp)";

/// The guard's name for the error list.
pub const ERRORS_TABLE: &str = "insights.catalog_errors";

/// One registered table: what was listed (for change detection), what is served, and its statistics.
#[derive(Debug, Clone)]
pub struct Registered {
    /// The table as listed, broken files included.
    pub listed: FoundTable,
    /// The files the view reads.
    pub served: FoundTable,
    pub info: TableInfo,
    pub errors: Vec<CatalogError>,
}

/// What a refresh did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RefreshReport {
    /// Tables served after the refresh.
    pub tables: usize,
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub changed: Vec<String>,
    /// Rows now in `insights.catalog_errors`.
    pub errors: usize,
}

impl RefreshReport {
    /// Tables whose cached answers are stale.
    pub fn touched(&self) -> Vec<String> {
        self.changed
            .iter()
            .chain(&self.removed)
            .chain(&self.added)
            .cloned()
            .collect()
    }
}

/// True for `SELECT insights.refresh()` (any case, optional `;`), the SQL-visible refresh.
pub fn is_refresh_call(sql: &str) -> bool {
    let norm: String = sql
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase();
    norm.trim_end_matches(';') == "selectinsights.refresh()"
}

/// Brings the views in line with `found`, reusing `old` for unchanged tables.
pub fn apply(
    conn: &Connection,
    old: &[Registered],
    found: Vec<FoundTable>,
    mut source_errors: Vec<CatalogError>,
) -> Result<(Vec<Registered>, RefreshReport), EngineError> {
    let mut report = RefreshReport::default();
    let mut next = Vec::with_capacity(found.len());
    for t in found {
        let previous = old.iter().find(|o| o.listed.name == t.name);
        if let Some(p) = previous.filter(|p| p.listed == t) {
            next.push(p.clone());
            continue;
        }
        match register(conn, &t)? {
            Ok(r) => {
                if previous.is_some() {
                    report.changed.push(t.name.clone());
                } else {
                    report.added.push(t.name.clone());
                }
                next.push(r);
            }
            Err(errors) => {
                conn.execute_batch(&format!("DROP VIEW IF EXISTS {}", sql_ident(&t.name)))?;
                if previous.is_some() {
                    report.removed.push(t.name.clone());
                }
                source_errors.extend(errors);
            }
        }
    }
    for o in old {
        if !next.iter().any(|n| n.listed.name == o.listed.name) {
            conn.execute_batch(&format!(
                "DROP VIEW IF EXISTS {}",
                sql_ident(&o.listed.name)
            ))?;
            if !report.removed.contains(&o.listed.name) {
                report.removed.push(o.listed.name.clone());
            }
        }
    }
    let mut errors = source_errors;
    for r in &next {
        errors.extend(r.errors.iter().cloned());
    }
    write_errors(conn, &errors)?;
    report.tables = next.len();
    report.errors = errors.len();
    Ok((next, report))
}

/// Creates the view of `t` and reads its statistics; on failure probes every file, serves the readable ones
/// and reports the rest. `Err` (inner) = nothing of the table is readable.
fn register(
    conn: &Connection,
    t: &FoundTable,
) -> Result<Result<Registered, Vec<CatalogError>>, EngineError> {
    if let Ok(info) = try_view(conn, t) {
        return Ok(Ok(Registered {
            listed: t.clone(),
            served: t.clone(),
            info,
            errors: Vec::new(),
        }));
    }
    let mut errors = Vec::new();
    let mut good = Vec::new();
    for f in &t.files {
        match probe(conn, t.format, f) {
            Ok(()) => good.push(f.clone()),
            Err(e) => errors.push(CatalogError {
                source: t.source.clone(),
                path: f.clone(),
                table: Some(t.name.clone()),
                error: e,
            }),
        }
    }
    let served = FoundTable {
        files: good,
        ..t.clone()
    };
    if served.files.is_empty() {
        return Ok(Err(errors));
    }
    match try_view(conn, &served) {
        Ok(info) => {
            tracing::warn!(table = %t.name, skipped = errors.len(), "broken files skipped");
            Ok(Ok(Registered {
                listed: t.clone(),
                served,
                info,
                errors,
            }))
        }
        Err(e) => {
            errors.push(CatalogError {
                source: t.source.clone(),
                path: t.source.clone(),
                table: Some(t.name.clone()),
                error: e.to_string(),
            });
            Ok(Err(errors))
        }
    }
}

fn try_view(conn: &Connection, t: &FoundTable) -> Result<TableInfo, EngineError> {
    conn.execute_batch(&discover::view_sql(t))?;
    discover::table_info(conn, t)
}

/// Reads one file's schema and row count (Parquet: the footer only).
fn probe(conn: &Connection, format: FileFormat, file: &str) -> Result<(), String> {
    let reader = match format {
        FileFormat::Parquet => format!("read_parquet({})", sql_literal(file)),
        FileFormat::Csv => format!("read_csv({}, header = true)", sql_literal(file)),
    };
    conn.query_row(&format!("SELECT count(*) FROM {reader}"), [], |r| {
        r.get::<_, i64>(0)
    })
    .map(|_| ())
    .map_err(|e| e.to_string().lines().next().unwrap_or_default().to_owned())
}

fn write_errors(conn: &Connection, errors: &[CatalogError]) -> Result<(), EngineError> {
    conn.execute_batch(&format!("DELETE FROM {ERRORS_TABLE}"))?;
    let mut stmt = conn.prepare(&format!(
        "INSERT INTO {ERRORS_TABLE} (source, path, table_name, error) VALUES (?, ?, ?, ?)"
    ))?;
    for e in errors {
        stmt.execute(duckdb::params![e.source, e.path, e.table, e.error])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refresh_call_is_recognized() {
        assert!(is_refresh_call("SELECT insights.refresh()"));
        assert!(is_refresh_call("  select Insights.Refresh( ) ;"));
        assert!(!is_refresh_call("SELECT insights.refresh(), 1"));
    }
}
