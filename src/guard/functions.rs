//! The function allow-list: which scalar, aggregate, window and table functions a statement may call. Names
//! are normalised (lower-case, DuckDB matches function names case-insensitively even when quoted) and may be
//! qualified only with the built-in schemas, so `"READ_CSV"`, `main.read_csv` and `system.main.read_csv` all fail.

use std::collections::HashSet;
use std::sync::OnceLock;

use super::GuardError;

/// Functions allowed in the `FROM` clause: pure generators that touch no file and no setting.
const TABLE_FUNCTIONS: &[&str] = &["range", "generate_series", "unnest"];

fn allowed() -> &'static HashSet<&'static str> {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| {
        include_str!("functions.txt")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect()
    })
}

/// Operators reach the AST as functions named by their symbols (`+`, `||`, `~~`, `->>`); no built-in that touches
/// files or settings has such a name, and statements cannot define new ones.
fn is_operator_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_punctuation() && c != '"' && c != '\'' && c != '_')
}

/// Checks the qualification: only no schema, `main` or `pg_catalog`, in no catalog or `system`.
fn check_qualifier(name: &str, schema: &str, catalog: &str) -> Result<(), GuardError> {
    let schema = schema.to_ascii_lowercase();
    let catalog = catalog.to_ascii_lowercase();
    if !matches!(schema.as_str(), "" | "main" | "pg_catalog")
        || !matches!(catalog.as_str(), "" | "system")
    {
        return Err(GuardError::Forbidden(format!(
            "function {catalog}.{schema}.{name} is not allowed: only built-in functions may be called"
        )));
    }
    Ok(())
}

/// Checks a scalar, aggregate or window function call. `known` holds every function DuckDB has (lower-case):
/// a name outside it is reported as undefined (42883), a known one off the allow-list as forbidden (42501).
pub fn check_function(
    name: &str,
    schema: &str,
    catalog: &str,
    known: &HashSet<String>,
) -> Result<(), GuardError> {
    let lower = name.to_lowercase();
    check_qualifier(&lower, schema, catalog)?;
    if is_operator_name(&lower) || allowed().contains(lower.as_str()) {
        Ok(())
    } else if known.contains(&lower) {
        Err(GuardError::Forbidden(format!(
            "function {lower}() is not allowed"
        )))
    } else {
        Err(GuardError::UnknownFunction(lower))
    }
}

/// Checks a table function in a `FROM` clause (`read_csv(...)`, `glob(...)` and the like are refused).
pub fn check_table_function(
    name: &str,
    schema: &str,
    catalog: &str,
    known: &HashSet<String>,
) -> Result<(), GuardError> {
    let lower = name.to_lowercase();
    check_qualifier(&lower, schema, catalog)?;
    if TABLE_FUNCTIONS.contains(&lower.as_str()) {
        Ok(())
    } else if !known.contains(&lower) {
        Err(GuardError::UnknownFunction(lower))
    } else {
        Err(GuardError::Forbidden(format!(
            "table function {lower}() is not allowed: only lake tables can be read"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known() -> HashSet<String> {
        [
            "read_csv",
            "query",
            "query_table",
            "json_execute_serialized_sql",
            "current_setting",
            "getvariable",
        ]
        .into_iter()
        .chain([
            "duckdb_settings",
            "duckdb_secrets",
            "which_secret",
            "glob",
            "read_text",
            "read_parquet",
        ])
        .chain([
            "sql_auto_complete",
            "json_serialize_plan",
            "__internal_compress_string_ubigint",
        ])
        .map(String::from)
        .collect()
    }

    #[test]
    fn allow_list_is_loaded_and_curated() {
        let known = known();
        let check_function = |n: &str, s: &str, c: &str| check_function(n, s, c, &known);
        let check_table_function =
            |n: &str, s: &str, c: &str| check_table_function(n, s, c, &known);
        for ok in [
            "sum",
            "date_trunc",
            "strftime",
            "list_transform",
            "row_number",
            "coalesce",
            "upper",
            "+",
            "->>",
        ] {
            assert!(check_function(ok, "", "").is_ok(), "{ok}");
        }
        for bad in [
            "read_csv",
            "READ_CSV",
            "query",
            "query_table",
            "json_execute_serialized_sql",
            "current_setting",
            "getvariable",
            "duckdb_settings",
            "duckdb_secrets",
            "which_secret",
            "glob",
            "read_text",
            "sql_auto_complete",
            "json_serialize_plan",
            "__internal_compress_string_ubigint",
        ] {
            assert!(check_function(bad, "", "").is_err(), "{bad}");
        }
        assert!(check_function("sum", "main", "system").is_ok());
        assert!(check_function("sum", "lake", "").is_err());
        assert!(check_function("sum", "main", "other").is_err());
        assert!(check_table_function("range", "", "").is_ok());
        assert_eq!(
            check_table_function("read_parquet", "", "").map_err(|e| e.sqlstate()),
            Err("42501")
        );
        assert_eq!(
            check_function("no_such_fn", "", "").map_err(|e| e.sqlstate()),
            Err("42883")
        );
        assert_eq!(
            check_table_function("no_such_tf", "", "").map_err(|e| e.sqlstate()),
            Err("42883")
        );
    }
}
