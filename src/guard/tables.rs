//! Which relations a statement may name: lake tables from the policy, CTEs in scope, and the catalog views under
//! `pg_catalog` / `information_schema`. Anything else — in particular a string-literal relation such as
//! `FROM '/etc/passwd'`, which DuckDB serializes as a base table named by the path — is refused.

use std::collections::HashSet;

use super::GuardError;

/// Catalog views that reveal settings or session state rather than schema.
const DENIED_CATALOG_VIEWS: &[&str] = &[
    "pg_settings",
    "pg_file_settings",
    "pg_prepared_statements",
    "pg_hba_file_rules",
];

/// The server's own relations that only some users may read: readable when the policy lists them (admins'
/// guards do), refused 42501 otherwise — never 42P01, which would read as "try another spelling".
pub const ADMIN_ONLY_TABLES: &[&str] = &["insights.query_log"];

/// A plain SQL identifier: what a replacement scan (which looks for a file extension or path) can never match.
fn is_plain_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase() || c == '_')
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// Checks one base-table reference. `ctes` holds the CTE names visible at this point (lower-case).
pub fn check_table(
    catalog: &str,
    schema: &str,
    table: &str,
    allowed: &HashSet<String>,
    ctes: &[String],
) -> Result<(), GuardError> {
    let catalog = catalog.to_lowercase();
    let schema = schema.to_lowercase();
    let name = table.to_lowercase();
    let shown = if schema.is_empty() {
        name.clone()
    } else {
        format!("{schema}.{name}")
    };
    if !is_plain_identifier(&name) || !(schema.is_empty() || is_plain_identifier(&schema)) {
        return Err(GuardError::Forbidden(format!(
            "relation {table:?} is not allowed: files and string-literal relations cannot be read, only lake tables"
        )));
    }
    if !catalog.is_empty() {
        return Err(GuardError::Forbidden(format!(
            "relation {catalog}.{shown} is not allowed: other databases cannot be read"
        )));
    }
    if schema.is_empty() && ctes.contains(&name) {
        return Ok(());
    }
    let catalog_view = match schema.as_str() {
        "pg_catalog" | "information_schema" => true,
        "" => name.starts_with("pg_"),
        _ => false,
    };
    if catalog_view {
        if DENIED_CATALOG_VIEWS.contains(&name.as_str()) {
            return Err(GuardError::Forbidden(format!(
                "relation {shown} is not allowed: it reveals settings"
            )));
        }
        return Ok(());
    }
    if matches!(schema.as_str(), "" | "main" | "public") && allowed.contains(&name) {
        return Ok(());
    }
    // Schema-qualified entries of the allow-list (the server's own `insights.catalog_errors`).
    if !schema.is_empty() && allowed.contains(&shown) {
        return Ok(());
    }
    if ADMIN_ONLY_TABLES.contains(&shown.as_str()) {
        return Err(GuardError::Forbidden(format!(
            "permission denied for relation {shown}: only admins may read it"
        )));
    }
    Err(GuardError::UnknownTable(shown))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allowed() -> HashSet<String> {
        ["sales", "stores"].into_iter().map(String::from).collect()
    }

    #[test]
    fn table_rules() {
        let a = allowed();
        let ok = |c: &str, s: &str, t: &str| check_table(c, s, t, &a, &["r".to_string()]);
        assert!(ok("", "", "sales").is_ok());
        assert!(ok("", "MAIN", "Sales").is_ok());
        assert!(ok("", "public", "stores").is_ok());
        assert!(ok("", "pg_catalog", "pg_class").is_ok());
        assert!(ok("", "", "pg_namespace").is_ok());
        assert!(ok("", "information_schema", "tables").is_ok());
        assert!(ok("", "", "r").is_ok());
        assert_eq!(ok("", "x", "r").map_err(|e| e.sqlstate()), Err("42P01"));
        assert_eq!(
            ok("", "", "customers").map_err(|e| e.sqlstate()),
            Err("42P01")
        );
        assert_eq!(
            ok("", "", "/etc/passwd").map_err(|e| e.sqlstate()),
            Err("42501")
        );
        assert_eq!(ok("", "", "x.csv").map_err(|e| e.sqlstate()), Err("42501"));
        assert_eq!(
            ok("", "", "pg_x.csv").map_err(|e| e.sqlstate()),
            Err("42501")
        );
        assert_eq!(
            ok("lake", "main", "sales").map_err(|e| e.sqlstate()),
            Err("42501")
        );
        assert_eq!(
            ok("", "pg_catalog", "pg_settings").map_err(|e| e.sqlstate()),
            Err("42501")
        );
        assert_eq!(
            ok("", "Insights", "QUERY_LOG").map_err(|e| e.sqlstate()),
            Err("42501")
        );
        let mut admin = allowed();
        admin.insert("insights.query_log".into());
        assert!(check_table("", "insights", "Query_Log", &admin, &[]).is_ok());
        assert_eq!(
            check_table("", "", "query_log", &admin, &[]).map_err(|e| e.sqlstate()),
            Err("42P01")
        );
    }
}
