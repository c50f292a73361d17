//! `insights.query_log`: the audit ring as a DuckDB table, so that admins query it with plain SQL (filters,
//! aggregates, joins). The table lives in the engine's database; records are copied into it lazily, just before
//! a statement that reads it runs, and rows older than the ring are deleted. Only admins' guards allow it.

use std::sync::Mutex;

use super::audit::{AuditLog, AuditRecord};
use crate::engine::{Engine, EngineError, ParamValue};

/// The table's name, as statements spell it.
pub const TABLE: &str = "insights.query_log";
const SCHEMA: &str = "insights";
const NAME: &str = "query_log";

/// Creates the (empty) table.
const CREATE: &str = "CREATE SCHEMA IF NOT EXISTS insights; \
    CREATE TABLE IF NOT EXISTS insights.query_log (seq BIGINT, started_at TIMESTAMPTZ, user_name VARCHAR, \
    client_addr VARCHAR, application_name VARCHAR, kind VARCHAR, statement VARCHAR, question VARCHAR, \
    sql VARCHAR, rows BIGINT, duration_ms DOUBLE, outcome VARCHAR, error VARCHAR)";

/// Drops the rows the ring no longer holds.
const TRIM: &str = "DELETE FROM insights.query_log WHERE seq <= ?";

/// The table and how far it has been filled.
pub struct QueryLog {
    /// The newest record copied into the table; `None` when the engine cannot keep the table.
    synced: Mutex<Option<u64>>,
}

impl QueryLog {
    /// Creates the table in `engine`. An engine without server-owned tables gets no query log (logged).
    pub fn create(engine: &dyn Engine) -> QueryLog {
        let synced = match engine.run_owned(CREATE, &[]) {
            Ok(()) => Some(0),
            Err(e) => {
                tracing::warn!(cause = %e, "no {TABLE}: the engine cannot keep it");
                None
            }
        };
        QueryLog {
            synced: Mutex::new(synced),
        }
    }

    /// True when `sql` may read the table (a cheap textual test: copying more often than needed is harmless).
    pub fn is_read_by(sql: &str) -> bool {
        sql.to_ascii_lowercase().contains("query_log")
    }

    /// Copies the records logged since the last copy into the table and trims it to the ring's size. Blocks.
    ///
    /// # Errors
    /// When the engine refuses the insert or the trim.
    pub fn sync(&self, audit: &AuditLog, engine: &dyn Engine) -> Result<(), EngineError> {
        // Held throughout, so that two admins' reads never copy the same records twice.
        let mut synced = self.synced.lock().unwrap_or_else(|p| p.into_inner());
        let Some(done) = *synced else {
            return Ok(());
        };
        let fresh = audit.since(done);
        let Some(last) = fresh.last().map(|r| r.seq) else {
            return Ok(());
        };
        let rows: Vec<Vec<ParamValue>> = fresh.iter().map(|r| row(r)).collect();
        engine.append_owned(SCHEMA, NAME, &rows)?;
        let keep = audit.capacity() as u64;
        if let Some(floor) = last.checked_sub(keep).filter(|f| *f > 0) {
            engine.run_owned(TRIM, &[ParamValue::Int(floor as i64)])?;
        }
        *synced = Some(last);
        Ok(())
    }
}

fn text(v: &Option<String>) -> ParamValue {
    v.as_ref()
        .map_or(ParamValue::Null, |s| ParamValue::Text(s.clone()))
}

/// One record as the table's row, in column order.
fn row(r: &AuditRecord) -> Vec<ParamValue> {
    vec![
        ParamValue::Int(r.seq as i64),
        ParamValue::Text(r.started_at_text()),
        ParamValue::Text(r.user_name.clone()),
        ParamValue::Text(r.client_addr.clone()),
        ParamValue::Text(r.application_name.clone()),
        ParamValue::Text(r.kind.as_str().to_owned()),
        ParamValue::Text(r.statement.clone()),
        text(&r.question),
        text(&r.sql),
        ParamValue::Int(r.rows as i64),
        ParamValue::Float(r.duration_ms()),
        ParamValue::Text(r.outcome.clone()),
        text(&r.error),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_guard_keeps_the_table_for_admins() {
        assert!(crate::guard::ADMIN_ONLY_TABLES.contains(&TABLE));
        assert_eq!(TABLE, format!("{SCHEMA}.{NAME}"));
        assert!(QueryLog::is_read_by("select * from Insights.QUERY_LOG"));
        assert!(!QueryLog::is_read_by("select * from sales"));
    }
}
