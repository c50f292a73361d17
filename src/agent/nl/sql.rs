//! Turns an [`Intent`] into DuckDB SQL as a sqlparser AST. Identifiers come from the catalog, string
//! values only from the catalog's known values (as `Value::SingleQuotedString`); user text never reaches SQL.

use std::collections::{HashSet, VecDeque};
use std::ops::ControlFlow;

use chrono::{Datelike, NaiveDate};
use sqlparser::ast::{
    BinaryOperator, DataType, Distinct, DuplicateTreatment, Expr, Function, FunctionArg,
    FunctionArgExpr, FunctionArgumentList, FunctionArguments, GroupByExpr, Ident, Join,
    JoinConstraint, JoinOperator, LimitClause, ObjectName, OrderBy, OrderByExpr, OrderByKind,
    OrderByOptions, OrderBySort, Query, Select, SelectItem, SetExpr, Statement, TableFactor,
    TableWithJoins, TypedString, UnaryOperator, Value, WindowSpec, WindowType,
};
use sqlparser::dialect::DuckDbDialect;
use sqlparser::parser::Parser;

use crate::catalog::semantic::{
    column_noun, quote_ident, snake, Aggregation, DimensionDef, DimensionKind, Format, Grain,
    JoinDef, MeasureDef, SemanticModel, TimeDimensionDef,
};

use super::intent::{
    Cmp, Filter, GroupKey, GrowthKind, Intent, MeasureRef, Shape, Stat, Threshold,
};
use super::time::Period;

/// Why an intent could not become SQL.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("the catalog has no measure named {0}")]
    UnknownMeasure(String),
    #[error("the catalog has no dimension named {0}")]
    UnknownDimension(String),
    #[error("the catalog has no table named {0}")]
    UnknownTable(String),
    #[error("{0} cannot be related to {1}: no join path in the catalog")]
    NoJoinPath(String, String),
    #[error("the data has no date or time column for {0}")]
    NoTime(String),
    #[error("catalog expression {0:?} is not valid SQL: {1}")]
    BadExpression(String, String),
    #[error("{0}")]
    Unsupported(String),
}

/// The SQL and the display format of each output column that is a number.
#[derive(Debug, Clone)]
pub struct Built {
    pub sql: String,
    pub formats: Vec<(String, Format)>,
}

const AGGREGATES: &[&str] = &[
    "sum",
    "avg",
    "count",
    "min",
    "max",
    "median",
    "stddev",
    "stddev_samp",
    "stddev_pop",
    "var_samp",
    "var_pop",
    "mode",
    "quantile",
    "quantile_cont",
    "approx_count_distinct",
    "first",
    "last",
    "any_value",
    "product",
    "bool_or",
    "bool_and",
    "string_agg",
    "list",
    "arg_max",
    "arg_min",
    "mean",
    "count_if",
    "sum_no_overflow",
];

pub(super) fn ident(name: &str) -> Ident {
    let plain = name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && name.chars().next().is_some_and(|c| !c.is_ascii_digit())
        && !matches!(
            name,
            "order"
                | "group"
                | "select"
                | "from"
                | "where"
                | "by"
                | "to"
                | "table"
                | "limit"
                | "user"
        );
    if plain {
        Ident::new(name)
    } else {
        Ident::with_quote('"', name)
    }
}

pub(super) fn alias_ident(name: &str) -> Ident {
    let plain = name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && name.chars().next().is_some_and(|c| !c.is_ascii_digit());
    if plain {
        Ident::new(name)
    } else {
        Ident::with_quote('"', name)
    }
}

pub(super) fn col(table: &str, column: &str) -> Expr {
    Expr::CompoundIdentifier(vec![ident(table), ident(column)])
}

pub(super) fn num(n: i64) -> Expr {
    Expr::value(Value::Number(n.to_string(), false))
}

fn string(s: &str) -> Expr {
    Expr::value(Value::SingleQuotedString(s.to_string()))
}

fn date(d: NaiveDate) -> Expr {
    Expr::TypedString(TypedString {
        data_type: DataType::Date,
        value: Value::SingleQuotedString(d.format("%Y-%m-%d").to_string()).into(),
        uses_odbc_syntax: false,
    })
}

pub(super) fn bin(left: Expr, op: BinaryOperator, right: Expr) -> Expr {
    Expr::BinaryOp {
        left: Box::new(left),
        op,
        right: Box::new(right),
    }
}

pub(super) fn and_all(mut parts: Vec<Expr>) -> Option<Expr> {
    let first = if parts.is_empty() {
        return None;
    } else {
        parts.remove(0)
    };
    Some(
        parts
            .into_iter()
            .fold(first, |acc, e| bin(acc, BinaryOperator::And, e)),
    )
}

fn or_all(mut parts: Vec<Expr>) -> Option<Expr> {
    let first = if parts.is_empty() {
        return None;
    } else {
        parts.remove(0)
    };
    if parts.is_empty() {
        return Some(first);
    }
    let wrap = |e: Expr| match e {
        Expr::BinaryOp {
            op: BinaryOperator::And,
            ..
        } => Expr::Nested(Box::new(e)),
        other => other,
    };
    let joined = parts
        .into_iter()
        .fold(wrap(first), |acc, e| bin(acc, BinaryOperator::Or, wrap(e)));
    Some(Expr::Nested(Box::new(joined)))
}

pub(super) fn func_with(name: &str, args: Vec<Expr>, distinct: bool) -> Function {
    Function {
        name: ObjectName::from(vec![Ident::new(name)]),
        uses_odbc_syntax: false,
        parameters: FunctionArguments::None,
        args: FunctionArguments::List(FunctionArgumentList {
            duplicate_treatment: distinct.then_some(DuplicateTreatment::Distinct),
            args: args
                .into_iter()
                .map(|a| FunctionArg::Unnamed(FunctionArgExpr::Expr(a)))
                .collect(),
            clauses: vec![],
        }),
        filter: None,
        null_treatment: None,
        over: None,
        within_group: vec![],
    }
}

pub(super) fn func(name: &str, args: Vec<Expr>) -> Expr {
    Expr::Function(func_with(name, args, false))
}

fn window(name: &str, arg: Expr, partition_by: Vec<Expr>, order_by: Vec<Expr>) -> Expr {
    let mut f = func_with(name, vec![arg], false);
    f.over = Some(WindowType::WindowSpec(WindowSpec {
        window_name: None,
        partition_by,
        order_by: order_by.into_iter().map(|e| order(e, true)).collect(),
        window_frame: None,
    }));
    Expr::Function(f)
}

pub(super) fn order(expr: Expr, asc: bool) -> OrderByExpr {
    OrderByExpr {
        expr,
        options: OrderByOptions {
            sort: Some(if asc {
                OrderBySort::Asc
            } else {
                OrderBySort::Desc
            }),
            nulls_first: None,
        },
        with_fill: None,
    }
}

pub(super) fn nested(e: Expr) -> Expr {
    match e {
        Expr::BinaryOp { .. } => Expr::Nested(Box::new(e)),
        other => other,
    }
}

fn minus_one(e: Expr) -> Expr {
    bin(e, BinaryOperator::Minus, num(1))
}

pub(super) fn parse_catalog_expr(text: &str) -> Result<Expr, BuildError> {
    Parser::new(&DuckDbDialect {})
        .try_with_sql(text)
        .and_then(|mut p| p.parse_expr())
        .map_err(|e| BuildError::BadExpression(text.to_string(), e.to_string()))
}

/// Qualifies bare column names of a catalog expression with its table.
pub(super) fn qualify(mut e: Expr, table: &str) -> Expr {
    let _ = sqlparser::ast::visit_expressions_mut(&mut e, |x| {
        if let Expr::Identifier(id) = x {
            *x = Expr::CompoundIdentifier(vec![ident(table), id.clone()]);
        }
        ControlFlow::<()>::Continue(())
    });
    e
}

/// Restricts every aggregate in an expression to rows matching `cond` (FILTER (WHERE ...)).
fn conditional(mut e: Expr, cond: &Expr) -> Expr {
    let _ = sqlparser::ast::visit_expressions_mut(&mut e, |x| {
        if let Expr::Function(f) = x {
            let name = f.name.to_string().to_lowercase();
            if AGGREGATES.contains(&name.as_str()) && f.over.is_none() {
                f.filter = Some(Box::new(match f.filter.take() {
                    Some(old) => bin(*old, BinaryOperator::And, cond.clone()),
                    None => cond.clone(),
                }));
            }
        }
        ControlFlow::<()>::Continue(())
    });
    e
}

/// A measure's expression on one row, before aggregation (`sales.revenue`).
fn row_expr(m: &MeasureDef) -> Result<Expr, BuildError> {
    Ok(qualify(parse_catalog_expr(&m.expr)?, &m.table))
}

pub(super) fn measure_expr(m: &MeasureDef, average: bool) -> Result<Expr, BuildError> {
    let inner = row_expr(m)?;
    Ok(match (m.agg, average) {
        (Aggregation::Sum, true) => func("AVG", vec![inner]),
        (Aggregation::Sum, false) => func("SUM", vec![inner]),
        (Aggregation::Avg, _) => func("AVG", vec![inner]),
        (Aggregation::Count, _) => func("COUNT", vec![inner]),
        (Aggregation::CountDistinct, _) => Expr::Function(func_with("COUNT", vec![inner], true)),
        (Aggregation::Min, _) => func("MIN", vec![inner]),
        (Aggregation::Max, _) => func("MAX", vec![inner]),
        (Aggregation::Custom, _) => inner,
    })
}

pub(super) fn skeleton() -> Result<Box<Query>, BuildError> {
    let stmt = Parser::parse_sql(&DuckDbDialect {}, "SELECT 1 FROM t")
        .map_err(|e| BuildError::BadExpression("SELECT 1 FROM t".into(), e.to_string()))?;
    match stmt.into_iter().next() {
        Some(Statement::Query(q)) => Ok(q),
        _ => Err(BuildError::BadExpression(
            "SELECT 1 FROM t".into(),
            "not a query".into(),
        )),
    }
}

fn table_factor(template: &TableFactor, name: &str) -> TableFactor {
    let mut f = template.clone();
    if let TableFactor::Table { name: n, .. } = &mut f {
        *n = ObjectName::from(vec![ident(name)]);
    }
    f
}

/// Collects output column names so two keys never share one.
#[derive(Default)]
struct Aliases(HashSet<String>);

impl Aliases {
    fn take(&mut self, wanted: &str, table: &str) -> String {
        let mut a = wanted.to_string();
        if self.0.contains(&a) {
            a = format!("{}_{}", snake(table), wanted);
        }
        let mut k = 2;
        while self.0.contains(&a) {
            a = format!("{wanted}_{k}");
            k += 1;
        }
        self.0.insert(a.clone());
        a
    }
}

/// One grouping column.
pub(super) struct KeyCol {
    pub(super) expr: Expr,
    pub(super) alias: String,
    pub(super) time: bool,
    /// The index of the grouping key it comes from (an entity may give a key and a name column).
    pub(super) group: usize,
}

pub(super) struct Builder<'a> {
    model: &'a SemanticModel,
    base: String,
    tables: Vec<String>,
    time: Option<TimeDimensionDef>,
    fanned: std::cell::Cell<bool>,
}

impl<'a> Builder<'a> {
    pub(super) fn new(model: &'a SemanticModel, base: &str) -> Self {
        let time = model.time_for(base).or_else(|| {
            // A time dimension on a table joined from the base (a star schema's date table).
            let mut cands: Vec<&TimeDimensionDef> = model
                .time_dimensions
                .iter()
                .filter(|t| {
                    model.joins.iter().any(|j| {
                        JoinDef::split(&j.from).is_some_and(|(a, _)| a.eq_ignore_ascii_case(base))
                            && JoinDef::split(&j.to)
                                .is_some_and(|(b, _)| b.eq_ignore_ascii_case(&t.table))
                    })
                })
                .collect();
            cands.sort_by_key(|t| {
                let n = t.table.to_lowercase();
                !(n.contains("date") || n.contains("time") || n.contains("calendar"))
            });
            cands.first().copied()
        });
        Builder {
            model,
            base: base.to_string(),
            tables: vec![base.to_string()],
            time: time.cloned(),
            fanned: std::cell::Cell::new(false),
        }
    }

    /// Dates are read from a column of the intent's own choosing ("customers who signed up in 2020": the
    /// customers' signup date) instead of the facts' time dimension.
    pub(super) fn date_column(&mut self, date_column: &Option<(String, String)>) {
        if let Some((table, column)) = date_column {
            let year = self
                .model
                .entity_dates
                .iter()
                .any(|d| d.year && d.table.eq_ignore_ascii_case(table) && d.column == *column);
            self.time = Some(TimeDimensionDef {
                name: column.clone(),
                table: table.clone(),
                column: (!year).then(|| column.clone()),
                year_column: year.then(|| column.clone()),
                month_column: None,
                quarter_column: None,
                grains: Vec::new(),
                synonyms: Vec::new(),
                min: None,
                max: None,
            });
        }
    }

    /// The text column a flag compares with one of its values (`"Loyalty Card" = 'Y'`), to group by.
    fn flag_source(&self, name: &str) -> Option<Expr> {
        let d = self.dimension(name).ok()?;
        if d.kind != DimensionKind::Flag {
            return None;
        }
        match parse_catalog_expr(d.expr.as_deref()?).ok()? {
            Expr::BinaryOp {
                left,
                op: BinaryOperator::Eq,
                right,
            } => match (*left, *right) {
                (Expr::Identifier(c), Expr::Value(v))
                    if c.value.eq_ignore_ascii_case(&d.column)
                        && matches!(v.value, Value::SingleQuotedString(_)) =>
                {
                    Some(col(&d.table, &d.column))
                }
                _ => None,
            },
            _ => None,
        }
    }

    /// The calendar's own split of the days into weekends and working days: a flag ("is weekend", "is work
    /// day") or a text column of two such values ("WeekEnd"/"WorkDay") on the time table or the calendar its
    /// date joins to. Holidays and the calendar's own week are then the data's, not ISO's.
    fn day_type_dim(&self) -> Option<&'a DimensionDef> {
        let td = self.time.as_ref()?;
        let model = self.model;
        let calendar = |table: &str| {
            table.eq_ignore_ascii_case(&td.table)
                || model.joins.iter().any(|j| {
                    JoinDef::split(&j.from).is_some_and(|(a, c)| {
                        a.eq_ignore_ascii_case(&td.table)
                            && td
                                .column
                                .as_deref()
                                .is_some_and(|d| d.eq_ignore_ascii_case(c))
                    }) && JoinDef::split(&j.to).is_some_and(|(b, _)| b.eq_ignore_ascii_case(table))
                })
        };
        let key = |text: &str| {
            crate::catalog::semantic::words(text)
                .into_iter()
                .filter(|w| !matches!(w.as_str(), "is" | "flag" | "ind" | "indicator"))
                .collect::<Vec<_>>()
                .join("")
        };
        let weekend = |k: &str| k == "weekend";
        let workday = |k: &str| {
            matches!(
                k,
                "weekday" | "workday" | "workingday" | "businessday" | "workweek"
            )
        };
        model.dimensions.iter().find(|d| {
            calendar(&d.table)
                && match d.kind {
                    DimensionKind::Flag => {
                        let k = key(&d.name);
                        weekend(&k) || workday(&k)
                    }
                    DimensionKind::Category => {
                        let keys: Vec<String> = d.values.iter().map(|v| key(v)).collect();
                        keys.len() == 2
                            && keys.iter().any(|k| weekend(k))
                            && keys.iter().any(|k| workday(k))
                    }
                    _ => false,
                }
        })
    }

    /// The condition keeping the given ISO days of the week of the time dimension's date.
    pub(super) fn weekday_expr(&mut self, days: &[u32]) -> Result<Expr, BuildError> {
        let td = self.time()?;
        let column = td.column.as_ref().ok_or_else(|| {
            BuildError::Unsupported(format!(
                "days of the week need a date column, and {} has only years and months",
                td.table
            ))
        })?;
        Ok(Expr::In {
            expr: Box::new(func("isodow", vec![col(&td.table, column)])),
            target: sqlparser::ast::InTarget::List(
                days.iter().map(|d| num(i64::from(*d))).collect(),
            ),
            negated: false,
            global: false,
        })
    }

    /// Whether the last FROM clause joined, from a table, rows that refer to it (an order header to its
    /// lines): sums of the header's figures would then count each once per line.
    pub(super) fn fans_out(&self) -> bool {
        self.fanned.get()
    }

    pub(super) fn need(&mut self, table: &str) {
        if !self.tables.iter().any(|t| t.eq_ignore_ascii_case(table)) {
            self.tables.push(table.to_string());
        }
    }

    fn time(&mut self) -> Result<TimeDimensionDef, BuildError> {
        let td = self
            .time
            .clone()
            .ok_or_else(|| BuildError::NoTime(self.base.clone()))?;
        self.need(&td.table);
        Ok(td)
    }

    /// FROM clause: the base table and joins (breadth-first through the catalog's joins).
    pub(super) fn from(&self) -> Result<Vec<TableWithJoins>, BuildError> {
        let sk = skeleton()?;
        let template = match &*sk.body {
            SetExpr::Select(s) => s.from.first().map(|f| f.relation.clone()),
            _ => None,
        }
        .ok_or_else(|| BuildError::BadExpression("skeleton".into(), "no FROM".into()))?;
        let edges: Vec<(String, String, String, String)> = self
            .model
            .joins
            .iter()
            .filter_map(|j| {
                let (a, ac) = JoinDef::split(&j.from)?;
                let (b, bc) = JoinDef::split(&j.to)?;
                Some((
                    a.to_lowercase(),
                    ac.to_string(),
                    b.to_lowercase(),
                    bc.to_string(),
                ))
            })
            .collect();
        let canon = |t: &str| {
            self.model
                .table(t)
                .map(|d| d.name.clone())
                .unwrap_or_else(|| t.to_string())
        };
        // BFS parents from the base.
        let base = self.base.to_lowercase();
        let mut parent: std::collections::HashMap<String, (String, String, String, bool)> =
            std::collections::HashMap::new();
        let mut queue = VecDeque::from([base.clone()]);
        let mut seen: HashSet<String> = HashSet::from([base.clone()]);
        while let Some(t) = queue.pop_front() {
            for (a, ac, b, bc) in &edges {
                let (other, mine, theirs, fans) = if *a == t {
                    (b, ac, bc, false)
                } else if *b == t {
                    (a, bc, ac, true)
                } else {
                    continue;
                };
                if seen.insert(other.clone()) {
                    parent.insert(
                        other.clone(),
                        (t.clone(), mine.clone(), theirs.clone(), fans),
                    );
                    queue.push_back(other.clone());
                }
            }
        }
        let mut joined: Vec<String> = vec![base.clone()];
        let mut joins = Vec::new();
        for t in self.tables.iter().skip(1) {
            let lt = t.to_lowercase();
            let mut path = Vec::new();
            let mut cur = lt.clone();
            while !joined.contains(&cur) {
                let Some((p, pc, cc, fans)) = parent.get(&cur) else {
                    return Err(BuildError::NoJoinPath(t.clone(), self.base.clone()));
                };
                if *fans {
                    self.fanned.set(true);
                }
                path.push((p.clone(), pc.clone(), cur.clone(), cc.clone()));
                cur = p.clone();
            }
            for (p, pc, c, cc) in path.into_iter().rev() {
                let on = bin(
                    col(&canon(&p), &pc),
                    BinaryOperator::Eq,
                    col(&canon(&c), &cc),
                );
                joins.push(Join {
                    relation: table_factor(&template, &canon(&c)),
                    global: false,
                    join_operator: JoinOperator::Join(JoinConstraint::On(on)),
                });
                joined.push(c);
            }
        }
        Ok(vec![TableWithJoins {
            relation: table_factor(&template, &canon(&self.base)),
            joins,
        }])
    }

    fn dim_col(&mut self, name: &str) -> Result<(Expr, String, String), BuildError> {
        let d = self.dimension(name)?;
        self.need(&d.table);
        let e = match &d.expr {
            Some(x) => nested(qualify(parse_catalog_expr(x)?, &d.table)),
            None => col(&d.table, &d.column),
        };
        Ok((e, d.column_alias(), d.table.clone()))
    }

    /// A dimension by name; when its table cannot be reached from the base table, the base table's column of
    /// the same name (two unrelated tables that both have a "Store Name").
    fn dimension(&self, name: &str) -> Result<&'a DimensionDef, BuildError> {
        let model = self.model;
        let d = model
            .dimension(name)
            .ok_or_else(|| BuildError::UnknownDimension(name.to_string()))?;
        if model.joined(&self.base, &d.table) {
            return Ok(d);
        }
        Ok(model
            .dimensions
            .iter()
            .find(|o| {
                o.table.eq_ignore_ascii_case(&self.base) && o.column.eq_ignore_ascii_case(&d.column)
            })
            .unwrap_or(d))
    }

    pub(super) fn filter_expr(&mut self, f: &Filter) -> Result<Expr, BuildError> {
        if let (Some((table, column)), Some(is_null)) = (&f.column, f.null) {
            self.need(table);
            let c = Box::new(col(table, column));
            return Ok(if is_null {
                Expr::IsNull(c)
            } else {
                Expr::IsNotNull(c)
            });
        }
        if let Some(text) = &f.contains {
            let c = match &f.column {
                Some((table, column)) => {
                    self.need(table);
                    col(table, column)
                }
                None => self.dim_col(&f.dim)?.0,
            };
            return Ok(Expr::ILike {
                negated: f.negate,
                any: false,
                expr: Box::new(c),
                pattern: Box::new(string(&format!("%{text}%"))),
                escape_char: None,
            });
        }
        let d = self.dimension(&f.dim)?;
        let (c, _, _) = self.dim_col(&f.dim)?;
        if let Some(is_null) = f.null {
            return Ok(if is_null {
                Expr::IsNull(Box::new(c))
            } else {
                Expr::IsNotNull(Box::new(c))
            });
        }
        let e = if f.values.is_empty() || d.kind == DimensionKind::Flag {
            c
        } else {
            let parts: Vec<Expr> = f
                .values
                .iter()
                .map(|v| bin(c.clone(), BinaryOperator::Eq, string(v)))
                .collect();
            or_all(parts).unwrap_or(Expr::value(Value::Boolean(true)))
        };
        Ok(if f.negate {
            Expr::UnaryOp {
                op: UnaryOperator::Not,
                expr: Box::new(nested(e)),
            }
        } else {
            e
        })
    }

    /// The condition selecting a period, on partition columns when they can express it.
    pub(super) fn period_expr(&mut self, p: &Period) -> Result<Expr, BuildError> {
        let td = self.time()?;
        let y = |c: &str| col(&td.table, c);
        let last = p.last_day();
        let (y1, y2) = (p.start.year(), last.year());
        let date_range = |c: &str| {
            vec![
                bin(col(&td.table, c), BinaryOperator::GtEq, date(p.start)),
                bin(col(&td.table, c), BinaryOperator::Lt, date(p.end)),
            ]
        };
        let year_part = |yc: &str| {
            if y1 == y2 {
                bin(y(yc), BinaryOperator::Eq, num(i64::from(y1)))
            } else {
                Expr::Between {
                    expr: Box::new(y(yc)),
                    negated: false,
                    low: Box::new(num(i64::from(y1))),
                    high: Box::new(num(i64::from(y2))),
                }
            }
        };
        let mut parts = Vec::new();
        let whole_years = p.month_aligned() && p.start.month() == 1 && p.end.month() == 1;
        match (&td.year_column, &td.month_column, &td.column) {
            (Some(yc), _, _) if whole_years => parts.push(year_part(yc)),
            (Some(yc), _, _)
                if td.quarter_column.is_some()
                    && p.month_aligned()
                    && y1 == y2
                    && matches!(p.start.month(), 1 | 4 | 7 | 10)
                    && last.month() == p.start.month() + 2 =>
            {
                parts.push(year_part(yc));
                let qc = td.quarter_column.as_deref().unwrap_or_default();
                parts.push(bin(
                    y(qc),
                    BinaryOperator::Eq,
                    num(i64::from(p.start.month().div_ceil(3))),
                ));
            }
            (Some(yc), Some(mc), _) if p.month_aligned() && y1 == y2 => {
                parts.push(year_part(yc));
                let (m1, m2) = (i64::from(p.start.month()), i64::from(last.month()));
                parts.push(if m1 == m2 {
                    bin(y(mc), BinaryOperator::Eq, num(m1))
                } else {
                    Expr::Between {
                        expr: Box::new(y(mc)),
                        negated: false,
                        low: Box::new(num(m1)),
                        high: Box::new(num(m2)),
                    }
                });
            }
            (Some(yc), _, Some(dc)) => {
                parts.push(year_part(yc));
                parts.extend(date_range(dc));
            }
            (Some(yc), Some(mc), None) => {
                let ym = bin(
                    bin(y(yc), BinaryOperator::Multiply, num(100)),
                    BinaryOperator::Plus,
                    y(mc),
                );
                let lo = i64::from(y1) * 100 + i64::from(p.start.month());
                let hi = i64::from(y2) * 100 + i64::from(last.month());
                parts.push(Expr::Between {
                    expr: Box::new(ym),
                    negated: false,
                    low: Box::new(num(lo)),
                    high: Box::new(num(hi)),
                });
            }
            (None, _, Some(dc)) => parts.extend(date_range(dc)),
            (Some(yc), None, None) => parts.push(year_part(yc)),
            (None, _, None) => return Err(BuildError::NoTime(self.base.clone())),
        }
        Ok(and_all(parts).unwrap_or(Expr::value(Value::Boolean(true))))
    }

    fn multi_year(&self, periods: &[Period]) -> bool {
        if periods.is_empty() {
            return match &self.time {
                Some(td) => match (td.min, td.max) {
                    (Some(a), Some(b)) => a.year() != b.year(),
                    _ => true,
                },
                None => true,
            };
        }
        let first = periods.iter().map(|p| p.start.year()).min().unwrap_or(0);
        let last = periods
            .iter()
            .map(|p| p.last_day().year())
            .max()
            .unwrap_or(0);
        first != last
    }

    fn grain_cols(
        &mut self,
        g: Grain,
        periods: &[Period],
        with_year: bool,
        aliases: &mut Aliases,
    ) -> Result<Vec<KeyCol>, BuildError> {
        let td = self.time()?;
        let dcol = td.column.as_ref().map(|c| col(&td.table, c));
        let ycol = td.year_column.as_ref().map(|c| col(&td.table, c));
        let mcol = td.month_column.as_ref().map(|c| col(&td.table, c));
        let year_expr = ycol
            .clone()
            .or_else(|| dcol.clone().map(|d| func("year", vec![d])));
        let mut out = Vec::new();
        let need_year =
            with_year && self.multi_year(periods) && matches!(g, Grain::Month | Grain::Quarter);
        if need_year {
            if let Some(ye) = year_expr.clone() {
                out.push(KeyCol {
                    expr: ye,
                    alias: aliases.take("year", &td.table),
                    time: true,
                    group: 0,
                });
            }
        }
        let expr = match g {
            Grain::Year => year_expr,
            Grain::Month => mcol
                .clone()
                .or_else(|| dcol.clone().map(|d| func("month", vec![d]))),
            Grain::Quarter => td
                .quarter_column
                .as_ref()
                .map(|c| col(&td.table, c))
                .or_else(|| dcol.clone().map(|d| func("quarter", vec![d])))
                .or_else(|| {
                    mcol.clone().map(|m| {
                        bin(
                            nested(bin(
                                nested(bin(m, BinaryOperator::Minus, num(1))),
                                BinaryOperator::DuckIntegerDivide,
                                num(3),
                            )),
                            BinaryOperator::Plus,
                            num(1),
                        )
                    })
                }),
            Grain::Week => dcol
                .clone()
                .map(|d| func("date_trunc", vec![string("week"), d])),
            Grain::Day => dcol.clone().map(|d| Expr::Cast {
                kind: sqlparser::ast::CastKind::Cast,
                expr: Box::new(d),
                data_type: DataType::Date,
                format: None,
            }),
        }
        .ok_or_else(|| BuildError::NoTime(self.base.clone()))?;
        out.push(KeyCol {
            expr,
            alias: aliases.take(g.label(), &td.table),
            time: true,
            group: 0,
        });
        Ok(out)
    }

    fn key_cols(
        &mut self,
        intent: &Intent,
        aliases: &mut Aliases,
    ) -> Result<Vec<KeyCol>, BuildError> {
        let mut keys = Vec::new();
        let has_year = intent.group_by.contains(&GroupKey::Grain(Grain::Year));
        for (gi, g) in intent.group_by.iter().enumerate() {
            let plain = |expr: Expr, alias: String| KeyCol {
                expr,
                alias,
                time: false,
                group: gi,
            };
            match g {
                GroupKey::Dim(d) => {
                    let (e, alias, table) = self.dim_col(d)?;
                    // A flag read off a text column ("Loyalty Card" = 'Y') groups by the column's own values.
                    let e = self.flag_source(d).unwrap_or(e);
                    keys.push(plain(e, aliases.take(&alias, &table)));
                }
                GroupKey::Entity(t) => {
                    let td = self
                        .model
                        .table(t)
                        .ok_or_else(|| BuildError::UnknownTable(t.clone()))?;
                    let c = td
                        .display
                        .clone()
                        .or_else(|| td.key.clone())
                        .ok_or_else(|| {
                            BuildError::Unsupported(format!(
                                "{} has no column that names or identifies its rows",
                                td.name
                            ))
                        })?;
                    self.need(&td.name);
                    keys.push(plain(col(&td.name, &c), aliases.take(&snake(&c), &td.name)));
                }
                GroupKey::Column { table, column } => {
                    self.need(table);
                    keys.push(plain(
                        col(table, column),
                        aliases.take(&snake(column), table),
                    ));
                }
                GroupKey::Weekend if self.day_type_dim().is_some() => {
                    let name = self
                        .day_type_dim()
                        .map(|d| d.name.clone())
                        .unwrap_or_default();
                    let (e, alias, table) = self.dim_col(&name)?;
                    keys.push(plain(e, aliases.take(&alias, &table)));
                }
                GroupKey::Weekend | GroupKey::DayOfWeek => {
                    let td = self.time()?;
                    let column = td.column.as_ref().ok_or_else(|| {
                        BuildError::Unsupported(format!(
                            "days of the week need a date column, and {} has only years and months",
                            td.table
                        ))
                    })?;
                    let text = if *g == GroupKey::Weekend {
                        format!(
                            "CASE WHEN isodow({}) IN (6, 7) THEN 'Weekend' ELSE 'Weekday' END",
                            quote_ident(column)
                        )
                    } else {
                        format!("dayname({})", quote_ident(column))
                    };
                    let alias = if *g == GroupKey::Weekend {
                        "day_type"
                    } else {
                        "day_of_week"
                    };
                    keys.push(plain(
                        nested(qualify(parse_catalog_expr(&text)?, &td.table)),
                        aliases.take(alias, &td.table),
                    ));
                }
                GroupKey::Grain(gr) => {
                    let with_year = !has_year && intent.shape != Shape::Compare;
                    let mut cols = self.grain_cols(*gr, &intent.periods, with_year, aliases)?;
                    for c in &mut cols {
                        c.group = gi;
                    }
                    keys.extend(cols);
                }
            }
        }
        Ok(keys)
    }
}

fn base_table(model: &SemanticModel, intent: &Intent) -> Result<String, BuildError> {
    match &intent.shape {
        Shape::CountRows { table, .. } => Ok(table.clone()),
        Shape::List | Shape::CountValues
            if !intent.periods.is_empty()
                || intent.filters.iter().any(|f| {
                    model
                        .dimension(&f.dim)
                        .is_some_and(|d| model.table(&d.table).is_some_and(|t| t.fact))
                }) =>
        {
            // "brands sold in 2001", "categories sold online": the values that occur in the facts.
            model
                .default_measure()
                .map(|m| m.table.clone())
                .ok_or_else(|| BuildError::UnknownMeasure("(none)".into()))
        }
        Shape::List | Shape::CountValues => {
            let t = intent.group_by.iter().find_map(|g| match g {
                GroupKey::Dim(d) => model.dimension(d).map(|d| d.table.clone()),
                GroupKey::Entity(t) => Some(t.clone()),
                GroupKey::Column { table, .. } => Some(table.clone()),
                GroupKey::Grain(_) | GroupKey::Weekend | GroupKey::DayOfWeek => None,
            });
            t.ok_or_else(|| BuildError::UnknownDimension("(none)".into()))
        }
        _ => {
            let first = intent
                .measures
                .first()
                .ok_or_else(|| BuildError::UnknownMeasure("(none)".into()))?;
            model
                .measure(&first.name)
                .map(|m| m.table.clone())
                .ok_or_else(|| BuildError::UnknownMeasure(first.name.clone()))
        }
    }
}

/// Builds the SQL for an intent.
pub fn build(
    model: &SemanticModel,
    intent: &Intent,
    anchor: Option<NaiveDate>,
) -> Result<Built, BuildError> {
    if let Shape::Missing { count } = intent.shape {
        return super::missing::build(model, intent, count);
    }
    let across = intent
        .measures
        .iter()
        .any(|m| m.stat.is_some() && m.over.is_some());
    if across || intent.shape == Shape::CountMatching {
        return super::nested::build(model, intent, anchor);
    }
    let single = build_single(model, intent, anchor)?;
    Ok(Built {
        sql: Statement::Query(single.query).to_string(),
        formats: single.formats,
    })
}

/// A one-level query and what its columns are, for queries built on top of it.
pub(super) struct Single {
    pub(super) query: Box<Query>,
    /// Grouping columns: (output name, whether it is a time bucket, index of its grouping key).
    pub(super) keys: Vec<(String, bool, usize)>,
    /// Output names of the measures, in the intent's order.
    pub(super) measures: Vec<String>,
    pub(super) formats: Vec<(String, Format)>,
}

/// Builds a one-level query (SELECT … GROUP BY … HAVING …) for an intent.
pub(super) fn build_single(
    model: &SemanticModel,
    intent: &Intent,
    anchor: Option<NaiveDate>,
) -> Result<Single, BuildError> {
    let base = base_table(model, intent)?;
    let mut b = Builder::new(model, &base);
    b.date_column(&intent.date_column);
    let mut aliases = Aliases::default();
    let keys = b.key_cols(intent, &mut aliases)?;
    let mut formats = Vec::new();
    let mut where_parts = Vec::new();
    for f in &intent.filters {
        where_parts.push(b.filter_expr(f)?);
    }
    if !intent.weekdays.is_empty() {
        where_parts.push(b.weekday_expr(&intent.weekdays)?);
    }
    let mut projection: Vec<SelectItem> = keys
        .iter()
        .map(|k| SelectItem::ExprWithAlias {
            expr: k.expr.clone(),
            alias: alias_ident(&k.alias),
        })
        .collect();
    let mut order_by: Vec<OrderByExpr> = Vec::new();
    let mut limit: Option<u32> = None;
    let mut distinct = false;
    let mut qualify_expr = None;
    let mut rank_alias: Option<String> = None;
    let time_keys: Vec<Expr> = keys
        .iter()
        .filter(|k| k.time)
        .map(|k| Expr::Identifier(alias_ident(&k.alias)))
        .collect();
    let other_keys: Vec<Expr> = keys
        .iter()
        .filter(|k| !k.time)
        .map(|k| k.expr.clone())
        .collect();
    let key_alias_exprs: Vec<Expr> = keys
        .iter()
        .map(|k| Expr::Identifier(alias_ident(&k.alias)))
        .collect();
    let add = |projection: &mut Vec<SelectItem>,
               formats: &mut Vec<(String, Format)>,
               aliases: &mut Aliases,
               e: Expr,
               alias: &str,
               f: Format|
     -> String {
        let a = aliases.take(alias, "m");
        projection.push(SelectItem::ExprWithAlias {
            expr: e,
            alias: alias_ident(&a),
        });
        formats.push((a.clone(), f));
        a
    };
    let mut measures = Vec::new();
    for r in &intent.measures {
        let (expr, alias, fmt, table) = measure_column(model, r)?;
        b.need(&table);
        measures.push((expr, alias, fmt));
    }
    let mut having = Vec::new();
    for t in &intent.having {
        if t.per_row {
            let m = model
                .measure(&t.measure.name)
                .ok_or_else(|| BuildError::UnknownMeasure(t.measure.name.clone()))?;
            b.need(&m.table);
            where_parts.push(threshold_expr(row_expr(m)?, t));
            continue;
        }
        let (expr, _, _, table) = measure_column(model, &t.measure)?;
        b.need(&table);
        having.push(threshold_expr(expr, t));
    }
    if !having.is_empty() && !matches!(intent.shape, Shape::Aggregate | Shape::Top { .. }) {
        return Err(BuildError::Unsupported(
            "a threshold (\"over 1M\") can only filter plain totals or rankings, not growth, shares or comparisons"
                .into(),
        ));
    }
    let mut measure_aliases = Vec::new();
    match &intent.shape {
        Shape::CountRows { table, top } => {
            let name = snake(
                &model
                    .table(table)
                    .map(|t| t.name.clone())
                    .unwrap_or_else(|| table.clone()),
            );
            let a = add(
                &mut projection,
                &mut formats,
                &mut aliases,
                parse_catalog_expr("COUNT(*)")?,
                &name,
                Format::Count,
            );
            if let Some((n, desc)) = top {
                order_by.push(order(Expr::Identifier(alias_ident(&a)), !*desc));
                limit = *n;
            }
            order_by.extend(key_alias_exprs.iter().map(|e| order(e.clone(), true)));
        }
        Shape::CountValues => {
            let Some(k) = keys.first() else {
                return Err(BuildError::UnknownDimension("(none)".into()));
            };
            let e = Expr::Function(func_with("COUNT", vec![k.expr.clone()], true));
            // The first key is counted; the others ("in each country") group the count.
            projection = keys
                .iter()
                .filter(|x| x.group != 0)
                .map(|x| SelectItem::ExprWithAlias {
                    expr: x.expr.clone(),
                    alias: alias_ident(&x.alias),
                })
                .collect();
            order_by.extend(
                keys.iter()
                    .filter(|x| x.group != 0)
                    .map(|x| order(Expr::Identifier(alias_ident(&x.alias)), true)),
            );
            add(
                &mut projection,
                &mut formats,
                &mut aliases,
                e,
                &format!("{}_count", k.alias),
                Format::Count,
            );
        }
        Shape::List => {
            distinct = true;
            // A list names the values there are; a missing one is not a value.
            where_parts.extend(
                keys.iter()
                    .map(|k| Expr::IsNotNull(Box::new(k.expr.clone()))),
            );
            order_by.extend(key_alias_exprs.iter().map(|e| order(e.clone(), true)));
        }
        Shape::Compare => {
            let mut periods = intent.periods.clone();
            periods.sort_by_key(|p| p.start);
            let mut conds = Vec::new();
            for p in &periods {
                conds.push(b.period_expr(p)?);
            }
            for (e, alias, fmt) in &measures {
                let mut cols = Vec::new();
                for (p, c) in periods.iter().zip(&conds) {
                    let ce = conditional(e.clone(), c);
                    cols.push(ce.clone());
                    add(
                        &mut projection,
                        &mut formats,
                        &mut aliases,
                        ce,
                        &format!("{alias}_{}", p.label),
                        *fmt,
                    );
                }
                if cols.len() == 2 {
                    if intent.by_change {
                        let ca = add_change(
                            &mut projection,
                            &mut formats,
                            &mut aliases,
                            (&cols[0], &cols[1]),
                            alias,
                            *fmt,
                            measures.len() > 1,
                        );
                        rank_alias.get_or_insert(ca);
                    }
                    let g = minus_one(bin(
                        nested(cols[1].clone()),
                        BinaryOperator::Divide,
                        nested(cols[0].clone()),
                    ));
                    let name = if measures.len() > 1 {
                        format!("{alias}_growth")
                    } else {
                        "growth".into()
                    };
                    let ra = add(
                        &mut projection,
                        &mut formats,
                        &mut aliases,
                        g,
                        &name,
                        Format::Percent,
                    );
                    rank_alias.get_or_insert(ra);
                }
            }
            if let Some(c) = or_all(conds) {
                where_parts.push(c);
            }
            order_by.extend(time_keys.iter().map(|e| order(e.clone(), true)));
        }
        Shape::Growth(GrowthKind::YearOverYear) => {
            let cur = match intent.periods.first() {
                Some(p) => p.clone(),
                None => {
                    let y = b
                        .time
                        .as_ref()
                        .and_then(|t| t.max)
                        .or(anchor)
                        .map(|d| d.year())
                        .ok_or_else(|| BuildError::NoTime(base.clone()))?;
                    let s = NaiveDate::from_ymd_opt(y, 1, 1)
                        .ok_or_else(|| BuildError::NoTime(base.clone()))?;
                    let e = NaiveDate::from_ymd_opt(y + 1, 1, 1)
                        .ok_or_else(|| BuildError::NoTime(base.clone()))?;
                    Period {
                        start: s,
                        end: e,
                        label: y.to_string(),
                    }
                }
            };
            let prev = cur.shift_years(-1);
            let (cp, cc) = (b.period_expr(&prev)?, b.period_expr(&cur)?);
            for (e, alias, fmt) in &measures {
                let pe = conditional(e.clone(), &cp);
                let ce = conditional(e.clone(), &cc);
                add(
                    &mut projection,
                    &mut formats,
                    &mut aliases,
                    pe.clone(),
                    &format!("{alias}_{}", prev.label),
                    *fmt,
                );
                add(
                    &mut projection,
                    &mut formats,
                    &mut aliases,
                    ce.clone(),
                    &format!("{alias}_{}", cur.label),
                    *fmt,
                );
                if intent.by_change {
                    let ca = add_change(
                        &mut projection,
                        &mut formats,
                        &mut aliases,
                        (&pe, &ce),
                        alias,
                        *fmt,
                        measures.len() > 1,
                    );
                    rank_alias.get_or_insert(ca);
                }
                let name = if measures.len() > 1 {
                    format!("{alias}_growth")
                } else {
                    "growth".into()
                };
                let g = minus_one(bin(nested(ce), BinaryOperator::Divide, nested(pe)));
                let ra = add(
                    &mut projection,
                    &mut formats,
                    &mut aliases,
                    g,
                    &name,
                    Format::Percent,
                );
                rank_alias.get_or_insert(ra);
            }
            if let Some(c) = or_all(vec![cp, cc]) {
                where_parts.push(c);
            }
            order_by.extend(time_keys.iter().map(|e| order(e.clone(), true)));
        }
        Shape::Growth(GrowthKind::PeriodOverPeriod) => {
            for p in &intent.periods {
                where_parts.push(b.period_expr(p)?);
            }
            for (e, alias, fmt) in &measures {
                add(
                    &mut projection,
                    &mut formats,
                    &mut aliases,
                    e.clone(),
                    alias,
                    *fmt,
                );
                let lag = window("LAG", e.clone(), other_keys.clone(), time_keys.clone());
                let g = minus_one(bin(nested(e.clone()), BinaryOperator::Divide, lag));
                let name = if measures.len() > 1 {
                    format!("{alias}_growth")
                } else {
                    "growth".into()
                };
                add(
                    &mut projection,
                    &mut formats,
                    &mut aliases,
                    g,
                    &name,
                    Format::Percent,
                );
            }
            let dims_first: Vec<Expr> = keys
                .iter()
                .filter(|k| !k.time)
                .map(|k| Expr::Identifier(alias_ident(&k.alias)))
                .collect();
            order_by.extend(
                dims_first
                    .into_iter()
                    .chain(time_keys.iter().cloned())
                    .map(|e| order(e, true)),
            );
        }
        // The focus's share within each group: each period, or each value of another attribute.
        Shape::Share { focus: Some(f) }
            if keys.iter().all(|k| k.time) || intent.share_within_groups().is_some() =>
        {
            for p in &intent.periods {
                where_parts.push(b.period_expr(p)?);
            }
            order_by.extend(keys.iter().map(|k| order(k.expr.clone(), true)));
            let cond = b.filter_expr(f)?;
            for (e, alias, fmt) in &measures {
                let part = conditional(e.clone(), &cond);
                let name = if f.negate {
                    format!("{alias}_not_{}", snake(&f.dim))
                } else {
                    format!("{alias}_{}", snake(&f.dim))
                };
                add(
                    &mut projection,
                    &mut formats,
                    &mut aliases,
                    part.clone(),
                    &name,
                    *fmt,
                );
                add(
                    &mut projection,
                    &mut formats,
                    &mut aliases,
                    e.clone(),
                    &format!("{alias}_total"),
                    *fmt,
                );
                let share = bin(nested(part), BinaryOperator::Divide, nested(e.clone()));
                add(
                    &mut projection,
                    &mut formats,
                    &mut aliases,
                    share,
                    "share",
                    Format::Percent,
                );
            }
        }
        Shape::Share { focus } => {
            for p in &intent.periods {
                where_parts.push(b.period_expr(p)?);
            }
            for (i, (e, alias, fmt)) in measures.iter().enumerate() {
                let a = add(
                    &mut projection,
                    &mut formats,
                    &mut aliases,
                    e.clone(),
                    alias,
                    *fmt,
                );
                if i == 0 {
                    let total = window("SUM", e.clone(), vec![], vec![]);
                    let share = bin(nested(e.clone()), BinaryOperator::Divide, total);
                    let ra = add(
                        &mut projection,
                        &mut formats,
                        &mut aliases,
                        share,
                        "share",
                        Format::Percent,
                    );
                    rank_alias.get_or_insert(ra);
                    order_by.push(order(Expr::Identifier(alias_ident(&a)), false));
                }
            }
            if let Some(f) = focus {
                qualify_expr = Some(b.filter_expr(f)?);
            }
        }
        Shape::Missing { .. } | Shape::CountMatching => {
            return Err(BuildError::Unsupported(
                "this question needs a two-level query".into(),
            ));
        }
        Shape::Aggregate | Shape::Top { .. } => {
            // Several periods ("2001 and 2002 by year") are all kept.
            let mut conds = Vec::new();
            for p in &intent.periods {
                conds.push(b.period_expr(p)?);
            }
            where_parts.extend(or_all(conds));
            let mut first_alias = None;
            for (e, alias, fmt) in &measures {
                let a = add(
                    &mut projection,
                    &mut formats,
                    &mut aliases,
                    e.clone(),
                    alias,
                    *fmt,
                );
                measure_aliases.push(a.clone());
                first_alias.get_or_insert(a);
            }
            if let (Shape::Top { n: Some(n), desc }, false) =
                (&intent.shape, intent.rank_within.is_empty())
            {
                // Top N within each value of the partition keys: ROW_NUMBER over them, kept by QUALIFY.
                let within = |k: &KeyCol| intent.rank_within.contains(&intent.group_by[k.group]);
                let partition: Vec<Expr> = keys
                    .iter()
                    .filter(|k| within(k))
                    .map(|k| k.expr.clone())
                    .collect();
                let ranked_keys: Vec<&KeyCol> = keys.iter().filter(|k| !within(k)).collect();
                let first = measures
                    .first()
                    .map(|(e, _, _)| e.clone())
                    .ok_or_else(|| BuildError::Unsupported("a ranking needs a measure".into()))?;
                let mut f = func_with("ROW_NUMBER", vec![], false);
                f.over = Some(WindowType::WindowSpec(WindowSpec {
                    window_name: None,
                    partition_by: partition.clone(),
                    order_by: std::iter::once(order(first, !*desc))
                        .chain(ranked_keys.iter().map(|k| order(k.expr.clone(), true)))
                        .collect(),
                    window_frame: None,
                }));
                qualify_expr = Some(bin(
                    Expr::Function(f),
                    BinaryOperator::LtEq,
                    num(i64::from(*n)),
                ));
                order_by.extend(
                    keys.iter()
                        .filter(|k| within(k))
                        .map(|k| order(Expr::Identifier(alias_ident(&k.alias)), true)),
                );
                if let Some(a) = &first_alias {
                    order_by.push(order(Expr::Identifier(alias_ident(a)), !*desc));
                }
                order_by.extend(
                    ranked_keys
                        .iter()
                        .map(|k| order(Expr::Identifier(alias_ident(&k.alias)), true)),
                );
            } else if let Shape::Top { n, desc } = &intent.shape {
                if let Some(a) = &first_alias {
                    order_by.push(order(Expr::Identifier(alias_ident(a)), !*desc));
                }
                order_by.extend(key_alias_exprs.iter().map(|e| order(e.clone(), true)));
                limit = *n;
            } else if !time_keys.is_empty() {
                order_by.extend(time_keys.iter().map(|e| order(e.clone(), true)));
                order_by.extend(
                    keys.iter()
                        .filter(|k| !k.time)
                        .map(|k| order(Expr::Identifier(alias_ident(&k.alias)), true)),
                );
            } else if !keys.is_empty() && intent.key_order {
                order_by.extend(key_alias_exprs.iter().map(|e| order(e.clone(), true)));
            } else if !keys.is_empty() {
                if let Some(a) = &first_alias {
                    order_by.push(order(Expr::Identifier(alias_ident(a)), false));
                }
                order_by.extend(key_alias_exprs.iter().map(|e| order(e.clone(), true)));
            }
        }
    }
    if let (Some((n, desc)), Some(a)) = (intent.rank, &rank_alias) {
        order_by = std::iter::once(order(Expr::Identifier(alias_ident(a)), !desc))
            .chain(key_alias_exprs.iter().map(|e| order(e.clone(), true)))
            .collect();
        limit = n;
    }
    if matches!(
        intent.shape,
        Shape::List | Shape::CountRows { .. } | Shape::CountValues
    ) {
        for p in &intent.periods {
            where_parts.push(b.period_expr(p)?);
        }
    }
    // A ranking names members: rows with no key ("which customer spent the most" where some lines have no
    // customer) are no member and are left out.
    if matches!(intent.shape, Shape::Top { .. }) || intent.rank.is_some() {
        where_parts.extend(
            keys.iter()
                .filter(|k| !k.time)
                .map(|k| Expr::IsNotNull(Box::new(k.expr.clone()))),
        );
    }

    let mut query = skeleton()?;
    let from = b.from()?;
    // Sums are counted once per joined row: a table's figures when the join fans out (an order header to
    // its lines), and a joined table's figures next to the lines that refer to it. Distinct counts are safe.
    let repeated = intent.measures.iter().find_map(|r| {
        let m = model.measure(&r.name)?;
        let distinct = m.agg == Aggregation::CountDistinct
            || super::shape::count_distinct_column(&m.expr).is_some();
        let fanned = b.fans_out() || !m.table.eq_ignore_ascii_case(&base);
        (fanned && !distinct).then_some(m)
    });
    if let Some(m) = repeated {
        let per = model
            .table(&m.table)
            .and_then(|t| t.entity.clone())
            .unwrap_or(m.table.clone());
        return Err(BuildError::Unsupported(format!(
            "{} is recorded once per {per}; joined to the rows of another table it would be counted \
             more than once, so ask for it on its own, by time or by the {per}'s attributes",
            m.name
        )));
    }
    if let SetExpr::Select(select) = query.body.as_mut() {
        let s: &mut Select = select;
        s.projection = projection;
        s.from = from;
        s.selection = and_all(where_parts);
        let group: Vec<Expr> = if distinct {
            vec![]
        } else if matches!(intent.shape, Shape::CountValues) {
            keys.iter()
                .filter(|k| k.group != 0)
                .map(|k| k.expr.clone())
                .collect()
        } else {
            keys.iter().map(|k| k.expr.clone()).collect()
        };
        s.group_by = GroupByExpr::Expressions(group, vec![]);
        if distinct {
            s.distinct = Some(Distinct::Distinct);
        }
        s.qualify = qualify_expr;
        s.having = and_all(having);
    }
    order_and_limit(&mut query, order_by, limit);
    Ok(Single {
        query,
        keys: keys
            .iter()
            .map(|k| (k.alias.clone(), k.time, k.group))
            .collect(),
        measures: measure_aliases,
        formats,
    })
}

/// Adds the difference between a measure's two period columns ("change", or "revenue_change" beside other
/// measures) and returns its output name.
fn add_change(
    projection: &mut Vec<SelectItem>,
    formats: &mut Vec<(String, Format)>,
    aliases: &mut Aliases,
    (before, after): (&Expr, &Expr),
    alias: &str,
    fmt: Format,
    several: bool,
) -> String {
    let name = if several {
        format!("{alias}_change")
    } else {
        "change".into()
    };
    let a = aliases.take(&name, "m");
    projection.push(SelectItem::ExprWithAlias {
        expr: bin(
            nested(after.clone()),
            BinaryOperator::Minus,
            nested(before.clone()),
        ),
        alias: alias_ident(&a),
    });
    formats.push((a.clone(), fmt));
    a
}

/// Sets a query's ORDER BY (when not empty) and LIMIT (when given).
pub(super) fn order_and_limit(query: &mut Query, order_by: Vec<OrderByExpr>, limit: Option<u32>) {
    if !order_by.is_empty() {
        query.order_by = Some(OrderBy {
            kind: OrderByKind::Expressions(order_by),
            interpolate: None,
        });
    }
    if let Some(n) = limit {
        query.limit_clause = Some(LimitClause::LimitOffset {
            limit: Some(num(i64::from(n))),
            offset: None,
            limit_by: vec![],
        });
    }
}

/// A numeric literal for a threshold (integers without a fraction).
pub(super) fn number(v: f64) -> Expr {
    let text = if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    };
    Expr::value(Value::Number(text, false))
}

/// `expr > value`, `expr BETWEEN lo AND hi`, …
pub(super) fn threshold_expr(expr: Expr, t: &Threshold) -> Expr {
    let op = match t.cmp {
        Cmp::Gt => BinaryOperator::Gt,
        Cmp::Ge => BinaryOperator::GtEq,
        Cmp::Lt => BinaryOperator::Lt,
        Cmp::Le => BinaryOperator::LtEq,
        Cmp::Between => {
            return Expr::Between {
                expr: Box::new(expr),
                negated: false,
                low: Box::new(number(t.value)),
                high: Box::new(number(t.upper.unwrap_or(t.value))),
            }
        }
    };
    bin(nested(expr), op, number(t.value))
}

/// The output name of a statistic of a measure: "median_order_value", "p90_revenue_per_customer".
fn stat_alias(m: &MeasureDef, stat: Stat, over: Option<&GroupKey>) -> String {
    let name = m
        .name
        .strip_prefix("average ")
        .or_else(|| m.name.strip_prefix("avg "))
        .map(snake)
        .unwrap_or_else(|| m.column_alias());
    let unit = match over {
        Some(GroupKey::Column { column, .. }) if !m.name.starts_with("average ") => {
            format!("_per_{}", snake(&column_noun(column)))
        }
        _ => String::new(),
    };
    format!("{}_{name}{unit}", stat.label())
}

/// A statistic across rows of a measure whose expression is a row value (`median(sales.discount)`).
fn stat_over_rows(m: &MeasureDef, stat: Stat) -> Result<Expr, BuildError> {
    if !matches!(
        m.agg,
        Aggregation::Sum | Aggregation::Avg | Aggregation::Min | Aggregation::Max
    ) {
        return Err(BuildError::Unsupported(format!(
            "a {} of {} needs something to take it across (per order, per product)",
            stat.label(),
            m.name
        )));
    }
    let inner = qualify(parse_catalog_expr(&m.expr)?, &m.table);
    Ok(stat_of(inner, stat))
}

/// `median(x)` or `quantile_cont(x, p)`.
pub(super) fn stat_of(x: Expr, stat: Stat) -> Expr {
    match stat {
        Stat::Median => func("median", vec![x]),
        Stat::Percentile(_) => func("quantile_cont", vec![x, number(stat.fraction())]),
    }
}

/// A measure as asked: its aggregate expression, output name, display format and table.
pub(super) fn measure_column(
    model: &SemanticModel,
    r: &MeasureRef,
) -> Result<(Expr, String, Format, String), BuildError> {
    let m = model
        .measure(&r.name)
        .ok_or_else(|| BuildError::UnknownMeasure(r.name.clone()))?;
    if let (Some(stat), None) = (r.stat, &r.over) {
        let fmt = if m.format == Format::Count {
            Format::Number
        } else {
            m.format
        };
        return Ok((
            stat_over_rows(m, stat)?,
            stat_alias(m, stat, None),
            fmt,
            m.table.clone(),
        ));
    }
    let mut alias = if r.average {
        format!("avg_{}", m.column_alias())
    } else {
        m.column_alias()
    };
    let mut fmt = if r.average && m.format == Format::Count {
        Format::Number
    } else {
        m.format
    };
    let mut expr = measure_expr(m, r.average)?;
    if let Some(den) = &r.per {
        let d = model
            .measure(den)
            .ok_or_else(|| BuildError::UnknownMeasure(den.clone()))?;
        let de = measure_expr(d, false)?;
        expr = bin(nested(expr), BinaryOperator::Divide, nested(de));
        alias = format!(
            "{alias}_per_{}",
            crate::catalog::semantic::singularize(&d.column_alias())
        );
        if fmt == Format::Count {
            fmt = Format::Number;
        }
    }
    Ok((expr, alias, fmt, m.table.clone()))
}

/// The output name of a statistic taken across `over` (for the outer query of a two-level answer).
pub(super) fn stat_name(model: &SemanticModel, r: &MeasureRef) -> Result<String, BuildError> {
    let m = model
        .measure(&r.name)
        .ok_or_else(|| BuildError::UnknownMeasure(r.name.clone()))?;
    Ok(match r.stat {
        Some(s) => stat_alias(m, s, r.over.as_ref()),
        None => m.column_alias(),
    })
}
