//! Row-level policies from the configuration: per user, a SQL predicate per lake table. A [`UserPolicy`] is the
//! [`TableFilter`] the guard's rewriter applies, so every base-table reference a policy user's statement makes
//! (plain SQL or NL-generated) is replaced by a filtered subquery, and the result is verified again.

use std::collections::BTreeMap;

use sqlparser::ast::Expr;
use sqlparser::dialect::DuckDbDialect;
use sqlparser::parser::Parser;

use super::TableFilter;

/// A policy in the configuration that cannot be used; the server refuses to start with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error(
        "policy for user {user:?}, table {table:?}: predicate {predicate:?} does not parse: {why}"
    )]
    BadPredicate {
        user: String,
        table: String,
        predicate: String,
        why: String,
    },
    #[error("policy for user {user:?} names table {table:?}, which is not a lake table")]
    UnknownTable { user: String, table: String },
}

/// One user's row filters: lake table (lower-case) → predicate over that table's own columns.
#[derive(Debug, Clone)]
pub struct UserPolicy {
    filters: BTreeMap<String, Expr>,
}

impl UserPolicy {
    /// Parses one user's `table = "predicate"` entries. Every table must be a lake table and every predicate one
    /// SQL expression (a predicate such as `true) OR (1=1` cannot smuggle anything: it must parse as one whole
    /// expression).
    pub fn parse<'a>(
        user: &str,
        entries: &BTreeMap<String, String>,
        lake_tables: impl IntoIterator<Item = &'a str> + Clone,
    ) -> Result<UserPolicy, PolicyError> {
        let mut filters = BTreeMap::new();
        for (table, predicate) in entries {
            let table_lc = table.to_lowercase();
            if !lake_tables
                .clone()
                .into_iter()
                .any(|t| t.eq_ignore_ascii_case(&table_lc))
            {
                return Err(PolicyError::UnknownTable {
                    user: user.to_owned(),
                    table: table.clone(),
                });
            }
            let expr = parse_predicate(predicate).map_err(|why| PolicyError::BadPredicate {
                user: user.to_owned(),
                table: table.clone(),
                predicate: predicate.clone(),
                why,
            })?;
            filters.insert(table_lc, expr);
        }
        Ok(UserPolicy { filters })
    }

    /// The filtered tables, lower-case.
    pub fn tables(&self) -> impl Iterator<Item = &str> {
        self.filters.keys().map(String::as_str)
    }
}

impl TableFilter for UserPolicy {
    fn filter_for(&self, table: &str) -> Option<Expr> {
        self.filters.get(&table.to_lowercase()).cloned()
    }
}

/// Parses exactly one expression: trailing text after it is an error.
fn parse_predicate(text: &str) -> Result<Expr, String> {
    let dialect = DuckDbDialect {};
    let mut parser = Parser::new(&dialect)
        .try_with_sql(text)
        .map_err(|e| e.to_string())?;
    let expr = parser.parse_expr().map_err(|e| e.to_string())?;
    if parser.peek_token().token != sqlparser::tokenizer::Token::EOF {
        return Err("text after the expression".into());
    }
    Ok(expr)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn parses_and_filters_by_table() {
        let p = UserPolicy::parse(
            "north_mgr",
            &entries(&[("Sales", "region = 'NORTH'")]),
            ["sales", "stores"],
        )
        .expect("valid");
        assert_eq!(
            p.filter_for("SALES").map(|e| e.to_string()),
            Some("region = 'NORTH'".into())
        );
        assert!(p.filter_for("stores").is_none());
    }

    #[test]
    fn rejects_bad_predicates_and_tables() {
        let bad = UserPolicy::parse("u", &entries(&[("sales", "true) OR (1=1")]), ["sales"]);
        assert!(
            matches!(bad, Err(PolicyError::BadPredicate { .. })),
            "{bad:?}"
        );
        let bad = UserPolicy::parse("u", &entries(&[("sales", "region = 'a'; DROP")]), ["sales"]);
        assert!(
            matches!(bad, Err(PolicyError::BadPredicate { .. })),
            "{bad:?}"
        );
        let bad = UserPolicy::parse("u", &entries(&[("secrets", "true")]), ["sales"]);
        assert!(
            matches!(bad, Err(PolicyError::UnknownTable { .. })),
            "{bad:?}"
        );
    }
}
