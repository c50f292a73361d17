//! Plain descriptions of the lake's tables as the engine sees them: columns, types and statistics.
//! Everything above the engine (semantic model, NL engine, pg_catalog emulation) reads these, never DuckDB.

use serde::{Deserialize, Serialize};

/// The whole lake at one moment: every registered table.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct LakeSnapshot {
    pub tables: Vec<TableInfo>,
}

impl LakeSnapshot {
    /// Finds a table by name, ignoring case.
    pub fn table(&self, name: &str) -> Option<&TableInfo> {
        self.tables.iter().find(|t| t.name.eq_ignore_ascii_case(name))
    }
}

/// One table (a DuckDB view over lake files).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TableInfo {
    /// The SQL name of the table, as clients write it.
    pub name: String,
    pub columns: Vec<ColumnInfo>,
    /// Row count when known (statistics are gathered at registration).
    pub row_count: Option<u64>,
}

/// One column with its DuckDB type and optional statistics.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ColumnInfo {
    pub name: String,
    /// DuckDB's type name, e.g. `BIGINT`, `DECIMAL(12,2)`, `VARCHAR`, `DATE`.
    pub data_type: String,
    pub nullable: bool,
    /// Whether this is a hive partition column (year=/month=/region=).
    pub partition: bool,
    /// Number of distinct values when gathered.
    pub distinct_count: Option<u64>,
    /// Distinct values of a low-cardinality text column (all of them, capped), for linking words to values.
    pub sample_values: Vec<String>,
    /// Smallest and largest value rendered as text (dates as YYYY-MM-DD), when gathered.
    pub min: Option<String>,
    pub max: Option<String>,
}
