//! Hot tables: lake tables that fit a memory budget are copied into DuckDB's own memory, smallest first, and
//! their view is pointed at the copy, so dimension tables (and whole small lakes) are not decoded again from
//! Parquet or CSV for every question. Large fact tables stay on their files, where partition pruning applies.
//!
//! Copies are made in the background on a cloned connection and the view is switched only if the table's files
//! are still the ones copied (same fingerprint, checked under the refresh lock). A refresh that changes a table
//! points its view back at the files first; the next pass copies the new files and drops the stale copy.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::catalog::schema::TableInfo;

/// The schema holding the copies. The guard never lets a client name it (only lake tables are allowed).
pub const HOT_SCHEMA: &str = "insights_hot";

/// One table the engine serves, as the planner sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub name: String,
    pub fingerprint: u64,
    pub bytes: u64,
}

/// A copy in memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Copy {
    pub fingerprint: u64,
    /// Qualified, quoted name of the copy.
    pub table: String,
    pub bytes: u64,
}

/// The budget and the copies made so far.
#[derive(Debug, Default)]
pub struct HotTables {
    budget: u64,
    copies: Mutex<HashMap<String, Copy>>,
    /// One pass at a time.
    pub pass: Mutex<()>,
}

/// Bytes a column of this DuckDB type takes per row in memory (strings: the 16-byte inline form plus a typical
/// overflow), used to estimate a copy's size before making it.
fn width(data_type: &str) -> u64 {
    let t = data_type.to_ascii_uppercase();
    let base = t.split('(').next().unwrap_or_default().trim();
    match base {
        "BOOLEAN" | "TINYINT" | "UTINYINT" => 1,
        "SMALLINT" | "USMALLINT" => 2,
        "INTEGER" | "UINTEGER" | "DATE" | "FLOAT" => 4,
        "BIGINT" | "UBIGINT" | "DOUBLE" | "TIMESTAMP" | "TIMESTAMP WITH TIME ZONE" | "TIME" => 8,
        "DECIMAL" => {
            let precision: u64 = t
                .split(['(', ','])
                .nth(1)
                .and_then(|p| p.trim().parse().ok())
                .unwrap_or(18);
            if precision <= 18 {
                8
            } else {
                16
            }
        }
        "VARCHAR" | "BLOB" => 24,
        _ => 16,
    }
}

/// Estimated in-memory size of a table, or None when its row count is unknown.
pub fn estimate_bytes(info: &TableInfo) -> Option<u64> {
    let rows = info.row_count?;
    // One validity bit per value rounds up to a byte per row and column at most.
    let per_row: u64 = info.columns.iter().map(|c| width(&c.data_type) + 1).sum();
    Some(rows.saturating_mul(per_row.max(1)))
}

impl HotTables {
    pub fn new(budget: u64) -> Self {
        Self {
            budget,
            ..Self::default()
        }
    }

    pub fn enabled(&self) -> bool {
        self.budget > 0
    }

    /// The tables to hold in memory: smallest first while the budget lasts.
    pub fn plan(&self, mut tables: Vec<Candidate>) -> Vec<Candidate> {
        tables.sort_by(|a, b| a.bytes.cmp(&b.bytes).then_with(|| a.name.cmp(&b.name)));
        let mut used = 0u64;
        tables
            .into_iter()
            .take_while(|t| {
                used = used.saturating_add(t.bytes);
                used <= self.budget
            })
            .collect()
    }

    /// The copy serving `name`, if any.
    pub fn copy_of(&self, name: &str) -> Option<Copy> {
        self.lock().get(name).cloned()
    }

    /// Records the copy now serving `name`; returns the one it replaces.
    pub fn record(&self, name: &str, copy: Copy) -> Option<Copy> {
        self.lock().insert(name.to_owned(), copy)
    }

    /// Forgets copies whose table is gone or changed (`current` = name → fingerprint served now); returns them
    /// so they can be dropped.
    pub fn stale(&self, current: &HashMap<String, u64>) -> Vec<Copy> {
        let mut copies = self.lock();
        let gone: Vec<String> = copies
            .iter()
            .filter(|(n, c)| current.get(*n) != Some(&c.fingerprint))
            .map(|(n, _)| n.clone())
            .collect();
        gone.iter().filter_map(|n| copies.remove(n)).collect()
    }

    /// Names and sizes of the tables served from memory now.
    pub fn served(&self) -> Vec<(String, u64)> {
        let mut v: Vec<(String, u64)> = self
            .lock()
            .iter()
            .map(|(n, c)| (n.clone(), c.bytes))
            .collect();
        v.sort();
        v
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Copy>> {
        self.copies.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::schema::ColumnInfo;

    fn cand(name: &str, bytes: u64) -> Candidate {
        Candidate {
            name: name.into(),
            fingerprint: 1,
            bytes,
        }
    }

    #[test]
    fn smallest_first_within_budget() {
        let hot = HotTables::new(100);
        let plan = hot.plan(vec![
            cand("sales", 90),
            cand("stores", 5),
            cand("products", 20),
        ]);
        let names: Vec<&str> = plan.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["stores", "products"]);
        assert!(HotTables::new(0)
            .plan(vec![cand("a", 0)])
            .iter()
            .all(|c| c.bytes == 0));
    }

    #[test]
    fn estimates_from_types_and_rows() {
        let col = |t: &str| ColumnInfo {
            name: "c".into(),
            data_type: t.into(),
            ..ColumnInfo::default()
        };
        let info = TableInfo {
            name: "t".into(),
            columns: vec![
                col("INTEGER"),
                col("DECIMAL(12,2)"),
                col("VARCHAR"),
                col("DECIMAL(38,2)"),
            ],
            row_count: Some(1000),
        };
        assert_eq!(estimate_bytes(&info), Some(1000 * (5 + 9 + 25 + 17)));
        assert_eq!(
            estimate_bytes(&TableInfo {
                row_count: None,
                ..info
            }),
            None
        );
    }

    #[test]
    fn stale_copies_are_handed_back() {
        let hot = HotTables::new(10);
        let copy = |f: u64| Copy {
            fingerprint: f,
            table: format!("t{f}"),
            bytes: 1,
        };
        hot.record("a", copy(1));
        hot.record("b", copy(2));
        hot.record("c", copy(3));
        let current: HashMap<String, u64> = [("a".to_string(), 1), ("b".to_string(), 7)].into();
        let mut gone: Vec<String> = hot.stale(&current).into_iter().map(|c| c.table).collect();
        gone.sort();
        assert_eq!(gone, ["t2", "t3"]);
        assert_eq!(hot.served(), [("a".to_string(), 1)]);
    }
}
