//! Finds the lake's tables in a data directory and describes them: each Parquet/CSV file, and each directory of
//! files (hive-partitioned or not), becomes one view with a sanitized, stable name. Afterwards it gathers the
//! statistics the semantic engine needs: row counts, distinct values of low-cardinality text, min/max.

use std::path::Path;

use duckdb::Connection;

use super::error::EngineError;
use crate::catalog::schema::{ColumnInfo, LakeSnapshot, TableInfo};

/// Text columns with at most this many distinct values get all their values indexed.
pub const MAX_INDEXED_VALUES: u64 = 5000;

/// The format of a table's files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    Parquet,
    Csv,
}

/// One data file of a source, as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEntry {
    /// What DuckDB reads: an absolute path or an `s3://` URL.
    pub path: String,
    /// The path below the source's root, `/`-separated.
    pub rel: String,
    pub size: u64,
    /// Modification time in seconds (0 when the store does not say).
    pub modified: u64,
}

/// One table found in a source, before it is registered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundTable {
    pub name: String,
    /// The source root it came from (a directory or an `s3://` prefix).
    pub source: String,
    /// Every data file of the table, sorted.
    pub files: Vec<String>,
    pub format: FileFormat,
    /// Hive partition keys (`year=`, `month=` …) seen in the directory names.
    pub partition_keys: Vec<String>,
    /// The keys whose values are all digits (read as integers even when zero-padded, like `month=03`).
    pub integer_keys: Vec<String>,
    /// Changes whenever a file is added, removed, resized or rewritten.
    pub fingerprint: u64,
}

/// Turns a file or directory name into a SQL identifier: lower case, runs of other characters become `_`, and
/// a capital after a small letter starts a new word (`FactSales` → `fact_sales`).
pub fn sanitize_name(raw: &str) -> String {
    let mut out = String::new();
    let mut prev_lower = false;
    for ch in raw.chars() {
        if ch.is_ascii_alphanumeric() {
            if ch.is_ascii_uppercase() && prev_lower {
                out.push('_');
            }
            prev_lower = ch.is_ascii_lowercase() || ch.is_ascii_digit();
            out.push(ch.to_ascii_lowercase());
        } else {
            prev_lower = false;
            if !out.ends_with('_') {
                out.push('_');
            }
        }
    }
    let trimmed = out.trim_matches('_').to_owned();
    match trimmed.chars().next() {
        None => "t".to_owned(),
        Some(c) if c.is_ascii_digit() => format!("t_{trimmed}"),
        Some(_) => trimmed,
    }
}

/// The format a file name says it has.
pub fn format_of(name: &str) -> Option<FileFormat> {
    let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
    match ext.as_str() {
        "parquet" => Some(FileFormat::Parquet),
        "csv" => Some(FileFormat::Csv),
        _ => None,
    }
}

fn hidden(component: &str) -> bool {
    component.starts_with('.') || component.starts_with('_')
}

/// Lists the data files below a local directory (hidden names skipped), sorted.
pub fn list_local(dir: &Path) -> Result<Vec<FileEntry>, EngineError> {
    let root = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    std::fs::read_dir(&root).map_err(|e| {
        EngineError::new(
            super::ErrorKind::Io,
            format!("cannot read data directory {}: {e}", dir.display()),
        )
    })?;
    let mut out = Vec::new();
    walk(&root, &root, &mut out);
    out.sort_by(|a, b| a.rel.cmp(&b.rel));
    Ok(out)
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<FileEntry>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let path = e.path();
        let name = e.file_name().to_string_lossy().into_owned();
        if hidden(&name) {
            continue;
        }
        let Ok(meta) = e.metadata() else { continue };
        if meta.is_dir() {
            walk(root, &path, out);
        } else if meta.is_file() && format_of(&name).is_some() {
            let rel = path
                .strip_prefix(root)
                .map(|p| p.to_string_lossy().into_owned())
                .unwrap_or_else(|_| name.clone());
            let modified = meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map(|d| d.as_secs())
                .unwrap_or(0);
            out.push(FileEntry {
                path: path.to_string_lossy().into_owned(),
                rel,
                size: meta.len(),
                modified,
            });
        }
    }
}

/// Groups a source's files into tables: a top-level file is a table; a top-level directory (hive-partitioned
/// or not) is one table of all the files below it that share the first file's format.
pub fn group_tables(source: &str, entries: &[FileEntry]) -> Vec<FoundTable> {
    let mut found: Vec<FoundTable> = Vec::new();
    let mut by_dir: std::collections::BTreeMap<&str, Vec<&FileEntry>> = Default::default();
    for e in entries {
        if e.rel.split('/').any(hidden) {
            continue;
        }
        match e.rel.split_once('/') {
            None => {
                if let Some(format) = format_of(&e.rel) {
                    let stem = e.rel.rsplit_once('.').map_or(e.rel.as_str(), |(s, _)| s);
                    found.push(FoundTable {
                        name: sanitize_name(stem),
                        source: source.to_owned(),
                        files: vec![e.path.clone()],
                        format,
                        partition_keys: vec![],
                        integer_keys: vec![],
                        fingerprint: fingerprint(&[e]),
                    });
                }
            }
            Some((dir, _)) => by_dir.entry(dir).or_default().push(e),
        }
    }
    for (dir, files) in by_dir {
        let Some(first) = files.first().copied() else {
            continue;
        };
        let Some(format) = format_of(&first.rel) else {
            continue;
        };
        let files: Vec<&FileEntry> = files
            .into_iter()
            .filter(|f| format_of(&f.rel) == Some(format))
            .collect();
        // Partition keys come from the first file's path; values of a key that are all digits are integers.
        let mut keys: Vec<String> = Vec::new();
        let mut integer_keys: Vec<String> = Vec::new();
        for part in first.rel.split('/') {
            if let Some((k, _)) = part.split_once('=') {
                keys.push(k.to_owned());
                let all_digits = files.iter().all(|f| {
                    f.rel.split('/').any(|p| {
                        p.split_once('=').is_some_and(|(k2, v)| {
                            k2 == k && !v.is_empty() && v.chars().all(|c| c.is_ascii_digit())
                        })
                    })
                });
                if all_digits {
                    integer_keys.push(k.to_owned());
                }
            }
        }
        found.push(FoundTable {
            name: sanitize_name(dir),
            source: source.to_owned(),
            files: files.iter().map(|f| f.path.clone()).collect(),
            format,
            partition_keys: keys,
            integer_keys,
            fingerprint: fingerprint(&files),
        });
    }
    found.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.files.cmp(&b.files)));
    found
}

fn fingerprint(files: &[&FileEntry]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for f in files {
        f.path.hash(&mut h);
        f.size.hash(&mut h);
        f.modified.hash(&mut h);
    }
    h.finish()
}

/// Two tables that sanitize to the same name: later ones (by source order, then name) get a numeric suffix.
pub fn dedupe_names(found: &mut [FoundTable]) {
    let mut seen = std::collections::HashMap::<String, usize>::new();
    for t in found.iter_mut() {
        let n = seen.entry(t.name.clone()).or_insert(0);
        *n += 1;
        if *n > 1 {
            t.name = format!("{}_{}", t.name, n);
        }
    }
}

/// Walks `dir` and returns its tables (one local source).
pub fn find_tables(dir: &Path) -> Result<Vec<FoundTable>, EngineError> {
    let entries = list_local(dir)?;
    let root = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    let mut found = group_tables(&root.to_string_lossy(), &entries);
    dedupe_names(&mut found);
    Ok(found)
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
    format!(
        "CREATE OR REPLACE VIEW {} AS {}",
        sql_ident(&t.name),
        select_sql(t)
    )
}

/// The query that reads a found table's files (what its view is, and what a hot copy is made from).
pub fn select_sql(t: &FoundTable) -> String {
    let mut hive = format!("hive_partitioning = {}", !t.partition_keys.is_empty());
    if !t.integer_keys.is_empty() {
        let types: Vec<String> = t
            .integer_keys
            .iter()
            .map(|k| format!("{}: 'INTEGER'", sql_literal(k)))
            .collect();
        hive.push_str(&format!(", hive_types = {{{}}}", types.join(", ")));
    }
    let files: Vec<String> = t.files.iter().map(|f| sql_literal(f)).collect();
    let files = format!("[{}]", files.join(", "));
    let reader = match t.format {
        FileFormat::Parquet => format!("read_parquet({files}, {hive})"),
        FileFormat::Csv => format!("read_csv({files}, header = true, {hive})"),
    };
    // Partition columns go last, in directory order (DuckDB would sort them by name).
    let select = if t.partition_keys.is_empty() {
        "*".to_owned()
    } else {
        let keys: Vec<String> = t.partition_keys.iter().map(|k| sql_ident(k)).collect();
        format!("* EXCLUDE ({}), {}", keys.join(", "), keys.join(", "))
    };
    format!("SELECT {select} FROM {reader}")
}

/// Reads columns and statistics of every registered table.
pub fn snapshot(conn: &Connection, tables: &[FoundTable]) -> Result<LakeSnapshot, EngineError> {
    let mut out = LakeSnapshot::default();
    for t in tables {
        out.tables.push(table_info(conn, t)?);
    }
    Ok(out)
}

/// Reads columns and statistics of one registered table (its view must exist).
pub fn table_info(conn: &Connection, t: &FoundTable) -> Result<TableInfo, EngineError> {
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
            | "DOUBLE"
            | "FLOAT"
            | "REAL"
            | "HUGEINT"
    ) || t.starts_with("TIMESTAMP")
        || t.starts_with("DECIMAL")
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
        assert_eq!(
            sanitize_name("DimProductSubcategory"),
            "dim_product_subcategory"
        );
        assert_eq!(sanitize_name("SKUs"), "skus");
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
        std::fs::write(dir.join(".hidden/x.parquet"), b"x").unwrap();
        let found = find_tables(&dir).unwrap();
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(found.len(), 2);
        assert_eq!(found[1].name, "stores_list");
        assert_eq!(found[1].format, FileFormat::Csv);
        assert_eq!(found[0].name, "sales");
        assert_eq!(found[0].partition_keys, vec!["year", "month"]);
        assert_eq!(found[0].integer_keys, vec!["year", "month"]);
        assert!(
            view_sql(&found[0]).contains("hive_types = {'year': 'INTEGER', 'month': 'INTEGER'}")
        );
        assert_eq!(found[0].files.len(), 1);
        assert!(found[0].files[0].ends_with("sales/year=2024/month=01/a.parquet"));
    }
}
