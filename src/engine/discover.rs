//! Finds the lake's tables in a data directory and describes them: each Parquet/CSV file, and each directory of
//! files (hive-partitioned or not), becomes one view with a sanitized, stable name. Afterwards it gathers the
//! statistics the semantic engine needs: row counts, distinct values of low-cardinality text, min/max.

use std::path::{Path, PathBuf};

use duckdb::Connection;

use super::error::EngineError;
use crate::catalog::schema::{ColumnInfo, LakeSnapshot, TableInfo};

/// Text columns with at most this many distinct values get all their values indexed.
pub const MAX_INDEXED_VALUES: u64 = 200;

/// The format of a table's files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    Parquet,
    Csv,
}

/// One table found on disk, before it is registered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundTable {
    pub name: String,
    /// A file path or a glob.
    pub location: String,
    pub format: FileFormat,
    /// Hive partition keys (`year=`, `month=` …) seen in the directory names.
    pub partition_keys: Vec<String>,
    /// The keys whose values are all digits (read as integers even when zero-padded, like `month=03`).
    pub integer_keys: Vec<String>,
}

/// Turns a file or directory name into a SQL identifier: lower case, runs of other characters become `_`.
pub fn sanitize_name(raw: &str) -> String {
    let mut out = String::new();
    for ch in raw.chars() {
        if ch.is_ascii_alphanumeric() {
            out.push(ch.to_ascii_lowercase());
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    let trimmed = out.trim_matches('_').to_owned();
    match trimmed.chars().next() {
        None => "t".to_owned(),
        Some(c) if c.is_ascii_digit() => format!("t_{trimmed}"),
        Some(_) => trimmed,
    }
}

fn format_of(path: &Path) -> Option<FileFormat> {
    match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
        "parquet" => Some(FileFormat::Parquet),
        "csv" => Some(FileFormat::Csv),
        _ => None,
    }
}

fn hidden(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with('.') || n.starts_with('_'))
}

/// Walks `dir` and returns what it finds under it, sorted by name.
pub fn find_tables(dir: &Path) -> Result<Vec<FoundTable>, EngineError> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        EngineError::new(
            super::ErrorKind::Io,
            format!("cannot read data directory {}: {e}", dir.display()),
        )
    })?;
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    let mut found: Vec<FoundTable> = Vec::new();
    for path in paths {
        if hidden(&path) {
            continue;
        }
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("t")
            .to_owned();
        if path.is_file() {
            if let Some(format) = format_of(&path) {
                found.push(FoundTable {
                    name: sanitize_name(&stem),
                    location: path.to_string_lossy().into_owned(),
                    format,
                    partition_keys: vec![],
                    integer_keys: vec![],
                });
            }
        } else if path.is_dir() {
            let mut keys = Vec::new();
            if let Some(format) = scan_dir(&path, &mut keys) {
                let integer_keys = keys
                    .iter()
                    .filter(|(_, v)| !v.is_empty() && v.chars().all(|c| c.is_ascii_digit()))
                    .map(|(k, _)| k.clone())
                    .collect();
                let keys = keys.into_iter().map(|(k, _)| k).collect();
                let ext = match format {
                    FileFormat::Parquet => "parquet",
                    FileFormat::Csv => "csv",
                };
                found.push(FoundTable {
                    name: sanitize_name(&stem),
                    location: format!("{}/**/*.{ext}", path.to_string_lossy()),
                    format,
                    partition_keys: keys,
                    integer_keys,
                });
            }
        }
    }
    // Two sources that sanitize to the same name: later ones get a numeric suffix, stable by sort order.
    let mut seen = std::collections::HashMap::<String, usize>::new();
    for t in &mut found {
        let n = seen.entry(t.name.clone()).or_insert(0);
        *n += 1;
        if *n > 1 {
            t.name = format!("{}_{}", t.name, n);
        }
    }
    Ok(found)
}

/// Returns the format of the first data file below `dir` and collects hive keys along the first path down.
fn scan_dir(dir: &Path, keys: &mut Vec<(String, String)>) -> Option<FileFormat> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| !hidden(p))
        .collect();
    entries.sort();
    for p in &entries {
        if p.is_file() {
            if let Some(f) = format_of(p) {
                return Some(f);
            }
        }
    }
    for p in &entries {
        if p.is_dir() {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let depth = keys.len();
            if let Some((k, v)) = name.split_once('=') {
                keys.push((k.to_owned(), v.to_owned()));
            }
            if let Some(f) = scan_dir(p, keys) {
                return Some(f);
            }
            keys.truncate(depth);
        }
    }
    None
}

/// Quotes a string as a SQL literal.
pub fn sql_literal(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// Quotes an identifier.
pub fn sql_ident(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// The `CREATE VIEW` statement for a found table.
pub fn view_sql(t: &FoundTable) -> String {
    let mut hive = format!("hive_partitioning = {}", !t.partition_keys.is_empty());
    if !t.integer_keys.is_empty() {
        let types: Vec<String> = t
            .integer_keys
            .iter()
            .map(|k| format!("{}: 'INTEGER'", sql_literal(k)))
            .collect();
        hive.push_str(&format!(", hive_types = {{{}}}", types.join(", ")));
    }
    let reader = match t.format {
        FileFormat::Parquet => format!("read_parquet({}, {hive})", sql_literal(&t.location)),
        FileFormat::Csv => format!(
            "read_csv({}, header = true, {hive})",
            sql_literal(&t.location)
        ),
    };
    // Partition columns go last, in directory order (DuckDB would sort them by name).
    let select = if t.partition_keys.is_empty() {
        "*".to_owned()
    } else {
        let keys: Vec<String> = t.partition_keys.iter().map(|k| sql_ident(k)).collect();
        format!("* EXCLUDE ({}), {}", keys.join(", "), keys.join(", "))
    };
    format!(
        "CREATE OR REPLACE VIEW {} AS SELECT {select} FROM {reader}",
        sql_ident(&t.name)
    )
}

/// Reads columns and statistics of every registered table.
pub fn snapshot(conn: &Connection, tables: &[FoundTable]) -> Result<LakeSnapshot, EngineError> {
    let mut out = LakeSnapshot::default();
    for t in tables {
        out.tables.push(table_info(conn, t)?);
    }
    Ok(out)
}

fn table_info(conn: &Connection, t: &FoundTable) -> Result<TableInfo, EngineError> {
    let ident = sql_ident(&t.name);
    let mut stmt = conn.prepare(&format!("DESCRIBE {ident}"))?;
    let mut rows = stmt.query([])?;
    let mut columns = Vec::new();
    while let Some(row) = rows.next()? {
        let name: String = row.get(0)?;
        let data_type: String = row.get(1)?;
        let nullable: Option<String> = row.get(2)?;
        columns.push(ColumnInfo {
            partition: t
                .partition_keys
                .iter()
                .any(|k| k.eq_ignore_ascii_case(&name)),
            nullable: nullable.as_deref() != Some("NO"),
            name,
            data_type,
            ..ColumnInfo::default()
        });
    }
    // One scan for the count, distinct estimates and ranges.
    let mut exprs = vec!["count(*)::BIGINT".to_owned()];
    for c in &columns {
        let id = sql_ident(&c.name);
        if is_text(&c.data_type) {
            exprs.push(format!("approx_count_distinct({id})::BIGINT"));
        } else if is_ranged(&c.data_type) {
            exprs.push(format!("min({id})::VARCHAR"));
            exprs.push(format!("max({id})::VARCHAR"));
        }
    }
    let sql = format!("SELECT {} FROM {ident}", exprs.join(", "));
    let mut stmt = conn.prepare(&sql)?;
    let mut rows = stmt.query([])?;
    let row_count = if let Some(row) = rows.next()? {
        let count: i64 = row.get(0)?;
        let mut i = 1;
        for c in columns.iter_mut() {
            if is_text(&c.data_type) {
                let d: Option<i64> = row.get(i)?;
                c.distinct_count = d.map(|d| d.max(0) as u64);
                i += 1;
            } else if is_ranged(&c.data_type) {
                c.min = row.get(i)?;
                c.max = row.get(i + 1)?;
                i += 2;
            }
        }
        Some(count.max(0) as u64)
    } else {
        None
    };
    for c in columns.iter_mut() {
        // approx_count_distinct may undercount slightly: ask for one more value than the cap to be sure.
        if is_text(&c.data_type) && c.distinct_count.is_some_and(|d| d <= MAX_INDEXED_VALUES) {
            let id = sql_ident(&c.name);
            let sql = format!(
                "SELECT DISTINCT {id}::VARCHAR AS v FROM {ident} WHERE {id} IS NOT NULL ORDER BY v LIMIT {}",
                MAX_INDEXED_VALUES + 1
            );
            let mut stmt = conn.prepare(&sql)?;
            let values: Vec<String> = stmt
                .query_map([], |r| r.get::<_, String>(0))?
                .collect::<Result<_, _>>()?;
            if values.len() as u64 <= MAX_INDEXED_VALUES {
                c.distinct_count = Some(values.len() as u64);
                c.sample_values = values;
            }
        }
    }
    Ok(TableInfo {
        name: t.name.clone(),
        columns,
        row_count,
    })
}

fn is_text(t: &str) -> bool {
    t == "VARCHAR" || t.starts_with("ENUM")
}

fn is_ranged(t: &str) -> bool {
    matches!(
        t,
        "DATE"
            | "TIMESTAMP"
            | "TIMESTAMP WITH TIME ZONE"
            | "INTEGER"
            | "BIGINT"
            | "SMALLINT"
            | "TINYINT"
    ) || t.starts_with("TIMESTAMP")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_sanitized() {
        assert_eq!(sanitize_name("Order Lines"), "order_lines");
        assert_eq!(sanitize_name("ship-city"), "ship_city");
        assert_eq!(sanitize_name("2024 sales"), "t_2024_sales");
        assert_eq!(sanitize_name("__"), "t");
    }

    #[test]
    fn finds_files_and_partitioned_dirs() {
        let dir = std::env::temp_dir().join(format!("ri-discover-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("sales/year=2024/month=01")).unwrap();
        std::fs::write(dir.join("sales/year=2024/month=01/a.parquet"), b"x").unwrap();
        std::fs::write(dir.join("Stores List.csv"), b"a\n1\n").unwrap();
        std::fs::write(dir.join("notes.txt"), b"x").unwrap();
        std::fs::create_dir_all(dir.join(".hidden")).unwrap();
        let found = find_tables(&dir).unwrap();
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].name, "stores_list");
        assert_eq!(found[0].format, FileFormat::Csv);
        assert_eq!(found[1].name, "sales");
        assert_eq!(found[1].partition_keys, vec!["year", "month"]);
        assert_eq!(found[1].integer_keys, vec!["year", "month"]);
        assert!(
            view_sql(&found[1]).contains("hive_types = {'year': 'INTEGER', 'month': 'INTEGER'}")
        );
        assert!(found[1].location.ends_with("sales/**/*.parquet"));
    }
}
