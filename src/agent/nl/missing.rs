//! Absence answers: the members of an entity or attribute with no fact rows matching the question's filters
//! and periods ("products that were never returned", "customers with no orders in 2024"), written as
//! `… WHERE key NOT IN (SELECT key FROM facts … WHERE …)`, or their number.

use sqlparser::ast::{
    Distinct, Expr, Function, InTarget, OrderBy, OrderByKind, SelectItem, SetExpr, Statement,
};

use crate::catalog::semantic::{pluralize, snake, Format, SemanticModel};

use super::intent::{GroupKey, Intent};
use super::sql::{
    alias_ident, and_all, col, func_with, order, skeleton, BuildError, Builder, Built,
};

/// Builds the list (or count) of the first grouping key's members that have no matching fact rows.
pub fn build(model: &SemanticModel, intent: &Intent, count: bool) -> Result<Built, BuildError> {
    let subject = intent
        .group_by
        .first()
        .ok_or_else(|| BuildError::Unsupported("nothing to list".into()))?;
    let (table, column, display, noun) = match subject {
        GroupKey::Entity(t) => {
            let td = model
                .table(t)
                .ok_or_else(|| BuildError::UnknownTable(t.clone()))?;
            let key = td.key.clone().ok_or_else(|| {
                BuildError::Unsupported(format!("{} has no key column to match sales on", td.name))
            })?;
            let noun = td.entity.clone().unwrap_or_else(|| td.name.clone());
            (td.name.clone(), key, td.display.clone(), pluralize(&noun))
        }
        GroupKey::Dim(d) => {
            let dd = model
                .dimension(d)
                .ok_or_else(|| BuildError::UnknownDimension(d.clone()))?;
            (
                dd.table.clone(),
                dd.column.clone(),
                None,
                format!("{}_count", dd.name),
            )
        }
        _ => {
            return Err(BuildError::Unsupported(
                "absence is answered for products, customers, stores and attributes, not for dates"
                    .into(),
            ))
        }
    };
    let fact = model
        .default_measure()
        .map(|m| m.table.clone())
        .ok_or_else(|| BuildError::UnknownMeasure("(none)".into()))?;
    let own_table = table.eq_ignore_ascii_case(&fact);

    // Inner: the members that do have matching fact rows.
    let mut inner_b = Builder::new(model, &fact);
    inner_b.need(&table);
    let member = col(&table, &column);
    let mut inner_where = vec![Expr::IsNotNull(Box::new(member.clone()))];
    let mut outer_b = Builder::new(model, &table);
    let mut outer_where = Vec::new();
    for f in &intent.filters {
        let d = model
            .dimension(&f.dim)
            .ok_or_else(|| BuildError::UnknownDimension(f.dim.clone()))?;
        if d.table.eq_ignore_ascii_case(&table) && !own_table {
            outer_where.push(outer_b.filter_expr(f)?);
        } else {
            inner_where.push(inner_b.filter_expr(f)?);
        }
    }
    for p in &intent.periods {
        inner_where.push(inner_b.period_expr(p)?);
    }
    if !intent.weekdays.is_empty() {
        inner_where.push(inner_b.weekday_expr(&intent.weekdays)?);
    }
    let mut inner = skeleton()?;
    let inner_from = inner_b.from()?;
    if let SetExpr::Select(s) = inner.body.as_mut() {
        s.projection = vec![SelectItem::UnnamedExpr(member.clone())];
        s.from = inner_from;
        s.selection = and_all(inner_where);
    }
    outer_where.push(Expr::In {
        expr: Box::new(member.clone()),
        target: InTarget::Subquery(inner),
        negated: true,
        global: false,
    });

    // Outer: the members without them.
    let mut query = skeleton()?;
    let mut formats = Vec::new();
    let mut projection = Vec::new();
    let mut order_keys = Vec::new();
    if count {
        let name = snake(&noun);
        let f: Function = func_with("COUNT", vec![member], true);
        projection.push(SelectItem::ExprWithAlias {
            expr: Expr::Function(f),
            alias: alias_ident(&name),
        });
        formats.push((name, Format::Count));
    } else {
        let mut cols = vec![column.clone()];
        if let Some(d) = display.filter(|d| !d.eq_ignore_ascii_case(&column)) {
            cols.push(d);
        }
        for c in &cols {
            let alias = snake(c);
            projection.push(SelectItem::ExprWithAlias {
                expr: col(&table, c),
                alias: alias_ident(&alias),
            });
            order_keys.push(alias);
        }
        order_keys.reverse();
    }
    let from = outer_b.from()?;
    if let SetExpr::Select(s) = query.body.as_mut() {
        s.projection = projection;
        s.from = from;
        s.selection = and_all(outer_where);
        if !count {
            s.distinct = Some(Distinct::Distinct);
        }
    }
    if !order_keys.is_empty() {
        query.order_by = Some(OrderBy {
            kind: OrderByKind::Expressions(
                order_keys
                    .iter()
                    .map(|a| order(Expr::Identifier(alias_ident(a)), true))
                    .collect(),
            ),
            interpolate: None,
        });
    }
    Ok(Built {
        sql: Statement::Query(query).to_string(),
        formats,
    })
}
