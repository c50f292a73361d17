//! Rewriting of validated statements: the row cap (a textual wrap, so DuckDB-only syntax survives untouched) and
//! the row-level policy hook, which replaces each base-table reference `t` by `(SELECT * FROM t WHERE <expr>) AS t`.
//! Every rewritten text is validated again by the guard before it is handed out.

use std::ops::ControlFlow;

use sqlparser::ast::{
    Expr, Ident, ObjectName, Query, SetExpr, Statement, TableAlias, TableFactor, VisitMut,
    VisitorMut,
};
use sqlparser::dialect::DuckDbDialect;
use sqlparser::parser::Parser;

use super::GuardError;

/// Row-level policy hook: for a lake table (lower-case name), the predicate every row read from it must satisfy.
/// `None` means the table is read unfiltered.
pub trait TableFilter: Send + Sync {
    fn filter_for(&self, table: &str) -> Option<Expr>;
}

/// Caps the rows a query returns by wrapping it. The text goes in unchanged, on lines of its own so that a
/// trailing `--` comment cannot swallow the closing parenthesis. DuckDB keeps the inner `ORDER BY` order through
/// the wrap (tested in `tests::cap_keeps_order`).
pub fn cap_rows(sql: &str, max_rows: u64) -> String {
    format!("SELECT * FROM (\n{sql}\n) AS capped LIMIT {max_rows}")
}

/// The dialect used to parse statements for rewriting. DuckDbDialect, not GenericDialect, on purpose: the text has
/// already been accepted by DuckDB, and this dialect knows DuckDB's syntax (`FROM`-first queries, `{...}` struct
/// literals, lambdas, `$1` placeholders, `::` casts) where the generic one would refuse or misread it.
fn dialect() -> DuckDbDialect {
    DuckDbDialect {}
}

/// Applies the row-level filters to every base-table reference of one query. Unlike the row cap, a filter must
/// never be skipped, so a statement sqlparser cannot parse is refused rather than passed through.
pub fn apply_filters(sql: &str, filter: &dyn TableFilter) -> Result<String, GuardError> {
    let mut statements = Parser::parse_sql(&dialect(), sql).map_err(|e| {
        GuardError::Forbidden(format!(
            "row-level policy cannot be applied to this statement ({e}); rewrite it"
        ))
    })?;
    if statements.len() != 1 {
        return Err(GuardError::Forbidden(
            "row-level policy cannot be applied to this statement".into(),
        ));
    }
    let mut rewriter = FilterRewriter {
        filter,
        error: None,
    };
    let _ = statements[0].visit(&mut rewriter);
    if let Some(e) = rewriter.error {
        return Err(e);
    }
    Ok(statements[0].to_string())
}

struct FilterRewriter<'a> {
    filter: &'a dyn TableFilter,
    error: Option<GuardError>,
}

/// The lake table a name refers to, when it is `t`, `main.t` or `public.t`.
fn lake_table_name(name: &ObjectName) -> Option<String> {
    let parts: Vec<&Ident> = name
        .0
        .iter()
        .map(|p| p.as_ident())
        .collect::<Option<Vec<_>>>()?;
    match parts.as_slice() {
        [t] => Some(t.value.to_lowercase()),
        [s, t] if matches!(s.value.to_lowercase().as_str(), "main" | "public") => {
            Some(t.value.to_lowercase())
        }
        _ => None,
    }
}

fn filtered_subquery(name: &ObjectName, predicate: &Expr) -> Result<Box<Query>, GuardError> {
    let text = format!("SELECT * FROM {name} WHERE {predicate}");
    let mut parsed = Parser::parse_sql(&dialect(), &text)
        .map_err(|e| GuardError::Internal(format!("row-level filter does not parse: {e}")))?;
    match parsed.pop() {
        Some(Statement::Query(q)) if parsed.is_empty() && matches!(*q.body, SetExpr::Select(_)) => {
            Ok(q)
        }
        _ => Err(GuardError::Internal(
            "row-level filter did not produce one query".into(),
        )),
    }
}

impl VisitorMut for FilterRewriter<'_> {
    type Break = ();

    // Post-visit: the replacement subquery is not visited again, so the inner `FROM t` stays a plain table.
    fn post_visit_table_factor(&mut self, factor: &mut TableFactor) -> ControlFlow<()> {
        let TableFactor::Table {
            name, alias, args, ..
        } = factor
        else {
            return ControlFlow::Continue(());
        };
        if args.is_some() {
            return ControlFlow::Continue(());
        }
        let Some(table) = lake_table_name(name) else {
            return ControlFlow::Continue(());
        };
        let Some(predicate) = self.filter.filter_for(&table) else {
            return ControlFlow::Continue(());
        };
        match filtered_subquery(name, &predicate) {
            Ok(subquery) => {
                let alias = alias.clone().unwrap_or_else(|| TableAlias {
                    explicit: true,
                    name: name
                        .0
                        .last()
                        .and_then(|p| p.as_ident())
                        .cloned()
                        .unwrap_or_else(|| Ident::new(&table)),
                    columns: vec![],
                    at: None,
                });
                *factor = TableFactor::Derived {
                    lateral: false,
                    subquery,
                    alias: Some(alias),
                    sample: None,
                };
                ControlFlow::Continue(())
            }
            Err(e) => {
                self.error = Some(e);
                ControlFlow::Break(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Test policy: sales rows only for region 'north'; stores unfiltered.
    struct NorthOnly;

    impl TableFilter for NorthOnly {
        fn filter_for(&self, table: &str) -> Option<Expr> {
            (table == "sales").then(|| {
                Parser::new(&DuckDbDialect {})
                    .try_with_sql("region = 'north'")
                    .and_then(|mut p| p.parse_expr())
                    .expect("test predicate parses")
            })
        }
    }

    #[test]
    fn filter_replaces_every_base_table_reference() {
        let out = apply_filters(
            "SELECT s.amount FROM sales s JOIN stores USING (store_id) WHERE s.id IN (SELECT id FROM main.sales)",
            &NorthOnly,
        )
        .expect("rewrites");
        assert_eq!(
            out,
            "SELECT s.amount FROM (SELECT * FROM sales WHERE region = 'north') s JOIN stores USING(store_id) \
             WHERE s.id IN (SELECT id FROM (SELECT * FROM main.sales WHERE region = 'north') AS sales)"
        );
        let cte = apply_filters(
            "WITH x AS (SELECT * FROM sales) SELECT count(*) FROM x, sales",
            &NorthOnly,
        )
        .expect("rewrites");
        assert_eq!(cte.matches("region = 'north'").count(), 2, "{cte}");
    }

    #[test]
    fn filter_refuses_what_it_cannot_parse() {
        assert!(apply_filters("SELECT FROM WHERE", &NorthOnly).is_err());
    }

    #[test]
    fn cap_wraps_on_own_lines() {
        assert_eq!(
            cap_rows("SELECT 1 -- c", 5),
            "SELECT * FROM (\nSELECT 1 -- c\n) AS capped LIMIT 5"
        );
    }
}
