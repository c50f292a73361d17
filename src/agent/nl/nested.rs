//! Two-level answers over a grouped subquery: statistics across orders, customers or stores ("median order
//! value" = each order's value first, then the median across orders), and counts of the groups that pass a
//! threshold ("how many customers spent more than 2000" = customers grouped with HAVING, then counted).

use chrono::NaiveDate;
use sqlparser::ast::{
    Expr, GroupByExpr, OrderByExpr, Query, SelectItem, SetExpr, Statement, TableFactor,
};
use sqlparser::dialect::DuckDbDialect;
use sqlparser::parser::Parser;

use crate::catalog::semantic::{column_noun, pluralize, snake, Aggregation, Format, SemanticModel};

use super::intent::{GroupKey, Intent, Shape};
use super::sql::{
    alias_ident, build_single, func, order, order_and_limit, parse_catalog_expr, stat_name,
    stat_of, BuildError, Built, Single,
};

/// Builds a statistic-across or a count-of-matching-groups answer.
pub fn build(
    model: &SemanticModel,
    intent: &Intent,
    anchor: Option<NaiveDate>,
) -> Result<Built, BuildError> {
    if intent.shape == Shape::CountMatching {
        count_matching(model, intent, anchor)
    } else {
        across(model, intent, anchor)
    }
}

/// The inner query without its ordering (it only feeds the outer one).
fn inner(
    model: &SemanticModel,
    intent: &Intent,
    anchor: Option<NaiveDate>,
) -> Result<Single, BuildError> {
    let mut s = build_single(model, intent, anchor)?;
    s.query.order_by = None;
    s.query.limit_clause = None;
    Ok(s)
}

fn ident_expr(alias: &str) -> Expr {
    Expr::Identifier(alias_ident(alias))
}

/// `SELECT <projection> FROM (<inner>) AS u GROUP BY <group> ORDER BY … LIMIT …`.
fn outer(
    inner: Box<Query>,
    projection: Vec<SelectItem>,
    group: Vec<Expr>,
    order_by: Vec<OrderByExpr>,
    limit: Option<u32>,
) -> Result<String, BuildError> {
    let skeleton = "SELECT 1 FROM (SELECT 1) AS u";
    let parsed = Parser::parse_sql(&DuckDbDialect {}, skeleton)
        .map_err(|e| BuildError::BadExpression(skeleton.into(), e.to_string()))?;
    let Some(Statement::Query(mut q)) = parsed.into_iter().next() else {
        return Err(BuildError::BadExpression(
            skeleton.into(),
            "not a query".into(),
        ));
    };
    if let SetExpr::Select(s) = q.body.as_mut() {
        s.projection = projection;
        if let Some(TableFactor::Derived { subquery, .. }) =
            s.from.first_mut().map(|f| &mut f.relation)
        {
            *subquery = inner;
        }
        s.group_by = GroupByExpr::Expressions(group, vec![]);
    }
    order_and_limit(&mut q, order_by, limit);
    Ok(Statement::Query(q).to_string())
}

fn item(expr: Expr, alias: &str) -> SelectItem {
    SelectItem::ExprWithAlias {
        expr,
        alias: alias_ident(alias),
    }
}

/// Statistics across a unit: the inner query groups by the question's keys plus the unit and computes each
/// measure per unit; the outer one takes the statistic (additive plain measures are summed back up).
fn across(
    model: &SemanticModel,
    intent: &Intent,
    anchor: Option<NaiveDate>,
) -> Result<Built, BuildError> {
    if !intent.having.is_empty() {
        return Err(BuildError::Unsupported(
            "a median or percentile cannot be combined with a threshold yet".into(),
        ));
    }
    if !matches!(intent.shape, Shape::Aggregate | Shape::Top { .. }) {
        return Err(BuildError::Unsupported(
            "medians and percentiles answer totals and rankings, not growth, shares or comparisons"
                .into(),
        ));
    }
    let units: Vec<&GroupKey> = intent
        .measures
        .iter()
        .filter_map(|m| m.over.as_ref())
        .collect();
    let unit = units[0].clone();
    if units.iter().any(|u| **u != unit) {
        return Err(BuildError::Unsupported(
            "statistics taken across different things (orders and customers) in one question"
                .into(),
        ));
    }
    let mut inner_intent = intent.clone();
    inner_intent.shape = Shape::Aggregate;
    inner_intent.rank = None;
    inner_intent.group_by.retain(|g| *g != unit);
    let unit_index = inner_intent.group_by.len();
    inner_intent.group_by.push(unit);
    for m in &mut inner_intent.measures {
        m.stat = None;
        m.over = None;
    }
    let single = inner(model, &inner_intent, anchor)?;
    let keys: Vec<&(String, bool, usize)> = single
        .keys
        .iter()
        .filter(|(_, _, g)| *g != unit_index)
        .collect();
    let mut projection: Vec<SelectItem> = keys
        .iter()
        .map(|(a, _, _)| item(ident_expr(a), a))
        .collect();
    let mut formats = Vec::new();
    let mut names = Vec::new();
    for (r, inner_alias) in intent.measures.iter().zip(&single.measures) {
        let m = model
            .measure(&r.name)
            .ok_or_else(|| BuildError::UnknownMeasure(r.name.clone()))?;
        let fmt = single
            .formats
            .iter()
            .find(|(a, _)| a == inner_alias)
            .map(|(_, f)| *f)
            .unwrap_or(m.format);
        let (expr, name, fmt) = match r.stat {
            Some(stat) => (
                stat_of(ident_expr(inner_alias), stat),
                stat_name(model, r)?,
                if fmt == Format::Count {
                    Format::Number
                } else {
                    fmt
                },
            ),
            None if matches!(m.agg, Aggregation::Sum | Aggregation::Count)
                && r.per.is_none()
                && !r.average =>
            {
                (
                    func("SUM", vec![ident_expr(inner_alias)]),
                    inner_alias.clone(),
                    fmt,
                )
            }
            None => {
                return Err(BuildError::Unsupported(format!(
                    "{} cannot be shown next to a median or percentile",
                    r.name
                )))
            }
        };
        projection.push(item(expr, &name));
        formats.push((name.clone(), fmt));
        names.push(name);
    }
    let group: Vec<Expr> = keys.iter().map(|(a, _, _)| ident_expr(a)).collect();
    let mut order_by = Vec::new();
    let mut limit = None;
    match &intent.shape {
        Shape::Top { n, desc } => {
            if let Some(first) = names.first() {
                order_by.push(order(ident_expr(first), !*desc));
            }
            order_by.extend(group.iter().map(|g| order(g.clone(), true)));
            limit = *n;
        }
        _ => {
            let time: Vec<Expr> = keys
                .iter()
                .filter(|(_, t, _)| *t)
                .map(|(a, _, _)| ident_expr(a))
                .collect();
            if !time.is_empty() {
                order_by.extend(time.into_iter().map(|e| order(e, true)));
            } else if let Some(first) = names.first().filter(|_| !group.is_empty()) {
                order_by.push(order(ident_expr(first), false));
            }
            order_by.extend(
                keys.iter()
                    .filter(|(_, t, _)| !*t)
                    .map(|(a, _, _)| order(ident_expr(a), true)),
            );
        }
    }
    let sql = outer(single.query, projection, group, order_by, limit)?;
    Ok(Built { sql, formats })
}

/// The output name of a count of groups of `key`: "customers", "orders", "categories".
fn count_name(model: &SemanticModel, key: &GroupKey) -> String {
    let noun = match key {
        GroupKey::Entity(t) => model
            .table(t)
            .and_then(|t| t.entity.clone())
            .unwrap_or_else(|| t.clone()),
        GroupKey::Column { column, .. } => column_noun(column),
        GroupKey::Dim(d) => d.clone(),
        GroupKey::Grain(g) => g.label().to_string(),
        GroupKey::Weekend => "day type".to_string(),
        GroupKey::DayOfWeek => "weekday".to_string(),
    };
    snake(&pluralize(&noun))
}

/// Counts the groups of the first key that pass the thresholds, per remaining key.
fn count_matching(
    model: &SemanticModel,
    intent: &Intent,
    anchor: Option<NaiveDate>,
) -> Result<Built, BuildError> {
    let Some(subject) = intent.group_by.first() else {
        return Err(BuildError::Unsupported("nothing to count".into()));
    };
    let mut inner_intent = intent.clone();
    inner_intent.shape = Shape::Aggregate;
    inner_intent.rank = None;
    let single = inner(model, &inner_intent, anchor)?;
    let keys: Vec<&(String, bool, usize)> =
        single.keys.iter().filter(|(_, _, g)| *g != 0).collect();
    let name = count_name(model, subject);
    let mut projection: Vec<SelectItem> = keys
        .iter()
        .map(|(a, _, _)| item(ident_expr(a), a))
        .collect();
    projection.push(item(parse_catalog_expr("COUNT(*)")?, &name));
    let group: Vec<Expr> = keys.iter().map(|(a, _, _)| ident_expr(a)).collect();
    let order_by = group.iter().map(|g| order(g.clone(), true)).collect();
    let sql = outer(single.query, projection, group, order_by, None)?;
    Ok(Built {
        sql,
        formats: vec![(name, Format::Count)],
    })
}
