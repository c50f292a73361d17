//! Summarization mode: a KPI pack (headline measure, orders, average order value, margin, year-over-year, top and
//! bottom of two dimensions, best and worst month, anomalies) for a period and optional filters. Every query is
//! built from the semantic model by the NL engine's SQL builder, so it works on any retail catalog.

use chrono::{Datelike, NaiveDate};

use crate::agent::nl::{lexer, sql, time, GroupKey, Intent, MeasureRef, Period, Shape};
use crate::agent::summarize::{format_value, pct_change, sparkline, Table};
use crate::catalog::semantic::{
    pluralize, Aggregation, DimensionKind, Format, Grain, SemanticModel,
};

/// Why a summary could not be produced.
#[derive(Debug, thiserror::Error)]
pub enum KpiError {
    #[error("the catalog has no measure to summarize")]
    NoMeasure,
    #[error("cannot build the summary query: {0}")]
    Build(String),
    #[error("summary query failed: {0}")]
    Run(String),
}

/// The KPI table (kpi, value) and its narrative.
#[derive(Debug, Clone)]
pub struct KpiReport {
    pub rows: Vec<(String, String)>,
    pub narrative: String,
    pub interpretation: String,
    pub sqls: Vec<String>,
}

struct Roles<'a> {
    primary: &'a crate::catalog::semantic::MeasureDef,
    count: Option<&'a crate::catalog::semantic::MeasureDef>,
    margin: Option<&'a crate::catalog::semantic::MeasureDef>,
    dims: Vec<String>,
}

fn mentions(m: &crate::catalog::semantic::MeasureDef, word: &str) -> bool {
    m.name.contains(word) || m.synonyms.iter().any(|s| s.contains(word))
}

fn roles(model: &SemanticModel) -> Result<Roles<'_>, KpiError> {
    let primary = model.default_measure().ok_or(KpiError::NoMeasure)?;
    let counts = |m: &crate::catalog::semantic::MeasureDef| {
        matches!(m.agg, Aggregation::CountDistinct | Aggregation::Count)
            || (m.agg == Aggregation::Custom && m.expr.to_ascii_uppercase().starts_with("COUNT("))
    };
    let distinct = |m: &&crate::catalog::semantic::MeasureDef| {
        counts(m) && m.format == Format::Count && m.table == primary.table
    };
    let count = model
        .measures
        .iter()
        .filter(distinct)
        .find(|m| mentions(m, "order") || mentions(m, "transaction"))
        .or_else(|| model.measures.iter().find(distinct));
    let margin = model
        .measures
        .iter()
        .find(|m| m.format == Format::Percent && mentions(m, "margin"));
    let fact = primary.table.as_str();
    let usable = |d: &&crate::catalog::semantic::DimensionDef| {
        d.kind == DimensionKind::Category
            && (3..=30).contains(&d.values.len())
            && model.joined(fact, &d.table)
    };
    let mut dims = Vec::new();
    if let Some(d) = model
        .dimensions
        .iter()
        .filter(usable)
        .find(|d| d.table == fact)
    {
        dims.push(d.name.clone());
    }
    if let Some(d) = model
        .dimensions
        .iter()
        .filter(usable)
        .find(|d| d.table != fact)
    {
        dims.push(d.name.clone());
    }
    Ok(Roles {
        primary,
        count,
        margin,
        dims,
    })
}

/// The period a summary covers: the question's, else the latest year in the data.
fn period_of(question: &str, anchor: Option<NaiveDate>) -> Option<Period> {
    let tokens = lexer::tokenize(question);
    if let Some(p) = time::parse(&tokens, anchor).periods.into_iter().next() {
        return Some(p);
    }
    let year = anchor?.year();
    let text = format!("in {year}");
    time::parse(&lexer::tokenize(&text), anchor)
        .periods
        .into_iter()
        .next()
}

/// Filters named in the question: known dimension values mentioned as whole words.
fn filters_of(model: &SemanticModel, question: &str) -> Vec<(String, String)> {
    let words: Vec<String> = question
        .split(|c: char| !c.is_alphanumeric() && c != '-' && c != '&')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let text = format!(" {} ", words.join(" "));
    let mut out = Vec::new();
    for d in &model.dimensions {
        if d.kind != DimensionKind::Category {
            continue;
        }
        for v in &d.values {
            let key = format!(" {} ", v.to_lowercase());
            if v.len() > 2 && text.contains(&key) && !out.iter().any(|(_, x)| x == v) {
                out.push((d.name.clone(), v.clone()));
            }
        }
    }
    out
}

/// A month bucket as a name: "8" → "August", "2023-08-01" → "August 2023"; other labels unchanged.
fn month_label(raw: &str, year: Option<i32>) -> String {
    if let Ok(m) = raw.parse::<u32>() {
        if let Some(d) = NaiveDate::from_ymd_opt(2000, m, 1) {
            return match year {
                Some(y) => format!("{} {y}", d.format("%B")),
                None => d.format("%B").to_string(),
            };
        }
    }
    if let Some(d) = raw
        .get(..10)
        .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
    {
        return d.format("%B %Y").to_string();
    }
    raw.to_owned()
}

fn num(t: &Table, row: usize, col: &str) -> Option<f64> {
    let c = t.columns.iter().position(|(n, _)| n == col)?;
    t.rows.get(row)?.get(c)?.as_deref()?.parse().ok()
}

fn text(t: &Table, row: usize, col: usize) -> String {
    t.rows
        .get(row)
        .and_then(|r| r.get(col))
        .cloned()
        .flatten()
        .unwrap_or_default()
}

/// Runs the KPI pack. `run` checks and executes one SQL statement.
pub fn summarize(
    model: &SemanticModel,
    question: &str,
    anchor: Option<NaiveDate>,
    run: &mut dyn FnMut(&str) -> Result<Table, String>,
) -> Result<KpiReport, KpiError> {
    let r = roles(model)?;
    let period = period_of(question, anchor);
    let filters = filters_of(model, question);
    // Month buckets carry no year: name it when the period lies within one year.
    let year = period
        .as_ref()
        .filter(|p| p.start.year() == p.last_day().year())
        .map(|p| p.start.year());
    let mut base = Intent::default();
    for (d, v) in &filters {
        base.add_filter(d, Some(v), false);
    }
    let mut sqls = Vec::new();
    let mut exec = |intent: &Intent| -> Result<(Table, Vec<(String, Format)>), KpiError> {
        let built =
            sql::build(model, intent, anchor).map_err(|e| KpiError::Build(e.to_string()))?;
        sqls.push(built.sql.clone());
        let t = run(&built.sql).map_err(KpiError::Run)?;
        Ok((t, built.formats))
    };
    let measure = |m: &crate::catalog::semantic::MeasureDef| MeasureRef {
        name: m.name.clone(),
        ..Default::default()
    };
    let alias = |m: &crate::catalog::semantic::MeasureDef| m.column_alias();
    let mut head = base.clone();
    head.measures.push(measure(r.primary));
    for m in [r.count, r.margin].into_iter().flatten() {
        head.measures.push(measure(m));
    }
    head.periods = period.iter().cloned().collect();
    let (now, _) = exec(&head)?;
    let prev = match &period {
        Some(p) => {
            let mut h = head.clone();
            h.periods = vec![p.shift_years(-1)];
            Some(exec(&h)?.0)
        }
        None => None,
    };
    let pfmt = r.primary.format;
    let pname = r.primary.name.clone();
    let total = num(&now, 0, &alias(r.primary)).unwrap_or(0.0);
    let orders = r.count.and_then(|m| num(&now, 0, &alias(m)));
    let margin = r.margin.and_then(|m| num(&now, 0, &alias(m)));
    let prev_total = prev.as_ref().and_then(|t| num(t, 0, &alias(r.primary)));
    let yoy = prev_total
        .filter(|p| *p > 0.0)
        .and_then(|p| pct_change(p, total));
    let scope = {
        let mut s = period
            .as_ref()
            .map(crate::agent::nl::period_text)
            .unwrap_or_else(|| "all time".into());
        if !filters.is_empty() {
            let f: Vec<String> = filters.iter().map(|(d, v)| format!("{d} {v}")).collect();
            s.push_str(&format!(" ({})", f.join(", ")));
        }
        s
    };
    let mut rows = vec![(pname.clone(), format_value(total, pfmt))];
    let mut sentences = Vec::new();
    let mut first = format!("In {scope}, {pname} was {}", format_value(total, pfmt));
    if let (Some(c), Some(m)) = (orders, r.count) {
        rows.push((m.name.clone(), format_value(c, Format::Count)));
        first.push_str(&format!(
            " from {} {}",
            format_value(c, Format::Count),
            m.name
        ));
        if c > 0.0 {
            let aov = total / c;
            rows.push((
                format!("{pname} per {}", m.name.trim_end_matches('s')),
                format_value(aov, pfmt),
            ));
            first.push_str(&format!(
                " (average {} per {})",
                format_value(aov, pfmt),
                m.name.trim_end_matches('s')
            ));
        }
    }
    first.push('.');
    sentences.push(first);
    if let (Some(v), Some(m)) = (margin, r.margin) {
        rows.push((m.name.clone(), format_value(v, Format::Percent)));
    }
    match (&yoy, prev_total) {
        (Some(g), Some(p)) => {
            rows.push((format!("{pname} vs a year before"), g.clone()));
            let mut s = format!(
                "That is {g} against {} a year before",
                format_value(p, pfmt)
            );
            if let Some(v) = margin {
                s.push_str(&format!(
                    ", at a {} margin",
                    format_value(v, Format::Percent)
                ));
            }
            s.push('.');
            sentences.push(s);
        }
        _ => {
            if let Some(v) = margin {
                sentences.push(format!(
                    "The margin was {}.",
                    format_value(v, Format::Percent)
                ));
            }
        }
    }
    let mut ranks = Vec::new();
    for d in &r.dims {
        let mut i = base.clone();
        i.measures.push(measure(r.primary));
        i.group_by.push(GroupKey::Dim(d.clone()));
        i.periods = head.periods.clone();
        i.shape = Shape::Top {
            n: None,
            desc: true,
        };
        let (t, _) = exec(&i)?;
        let n = t.rows.len();
        if n < 2 {
            continue;
        }
        let col = t
            .columns
            .iter()
            .position(|(c, _)| *c == alias(r.primary))
            .unwrap_or(1);
        let val = |row: usize| text(&t, row, col).parse::<f64>().unwrap_or(0.0);
        let share = |v: f64| if total > 0.0 { v / total * 100.0 } else { 0.0 };
        let (top, bottom) = (text(&t, 0, 0), text(&t, n - 1, 0));
        rows.push((
            format!("top {d}"),
            format!("{top} ({})", format_value(val(0), pfmt)),
        ));
        rows.push((
            format!("bottom {d}"),
            format!("{bottom} ({})", format_value(val(n - 1), pfmt)),
        ));
        ranks.push(format!(
            "{top} led the {} with {} ({:.1}%), {bottom} trailed with {} ({:.1}%)",
            pluralize(d),
            format_value(val(0), pfmt),
            share(val(0)),
            format_value(val(n - 1), pfmt),
            share(val(n - 1))
        ));
    }
    if !ranks.is_empty() {
        sentences.push(format!("{}.", ranks.join("; ")));
    }
    let mut monthly = base.clone();
    monthly.measures.push(measure(r.primary));
    monthly.group_by.push(GroupKey::Grain(Grain::Month));
    monthly.periods = head.periods.clone();
    if let Ok((t, _)) = exec(&monthly) {
        let vc = t
            .columns
            .iter()
            .position(|(c, _)| *c == alias(r.primary))
            .unwrap_or(1);
        let series: Vec<(String, f64)> = (0..t.rows.len())
            .filter_map(|i| {
                Some((
                    month_label(&text(&t, i, 0), year),
                    text(&t, i, vc).parse().ok()?,
                ))
            })
            .collect();
        if series.len() >= 2 {
            let best = series
                .iter()
                .max_by(|a, b| a.1.total_cmp(&b.1))
                .cloned()
                .unwrap_or_default();
            let worst = series
                .iter()
                .min_by(|a, b| a.1.total_cmp(&b.1))
                .cloned()
                .unwrap_or_default();
            rows.push((
                "best month".into(),
                format!("{} ({})", best.0, format_value(best.1, pfmt)),
            ));
            rows.push((
                "worst month".into(),
                format!("{} ({})", worst.0, format_value(worst.1, pfmt)),
            ));
            let spark = sparkline(&series.iter().map(|s| s.1).collect::<Vec<_>>());
            sentences.push(format!(
                "The best month was {} at {} and the worst {} at {} {spark}.",
                best.0,
                format_value(best.1, pfmt),
                worst.0,
                format_value(worst.1, pfmt)
            ));
        }
    }
    if let Some(d) = r.dims.first() {
        let mut i = base.clone();
        i.measures.push(measure(r.primary));
        i.group_by.push(GroupKey::Dim(d.clone()));
        i.group_by.push(GroupKey::Grain(Grain::Month));
        i.periods = head.periods.clone();
        if let Ok((t, _)) = exec(&i) {
            if let Some((who, when, dev)) = anomaly(&t, &alias(r.primary), year) {
                let word = if dev < 0.0 { "drop" } else { "spike" };
                rows.push((
                    "anomaly".into(),
                    format!("{who} {when}: {:+.0}% vs its usual level", dev * 100.0),
                ));
                sentences.push(format!(
                    "Anomaly: {who} in {when} shows a {word} of {:.0}% against its usual level, after adjusting for the season.",
                    dev.abs() * 100.0
                ));
            }
        }
    }
    if sentences.len() < 3 {
        sentences.push(format!("{} {} in total.", format_value(total, pfmt), pname));
    }
    Ok(KpiReport {
        rows,
        narrative: sentences.join(" "),
        interpretation: format!("read as: summary of {pname} for {scope}"),
        sqls,
    })
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    if v.is_empty() {
        0.0
    } else {
        v[v.len() / 2]
    }
}

/// The most unusual (group, month) cell: each value against its group's median, adjusted for the month's
/// median across groups (seasonality). Flagged beyond ±25 %.
fn anomaly(t: &Table, measure: &str, year: Option<i32>) -> Option<(String, String, f64)> {
    let vc = t.columns.iter().position(|(c, _)| c == measure)?;
    let mc = t.columns.iter().position(|(c, _)| c == "month")?;
    let gc = (0..t.columns.len()).find(|c| *c != vc && *c != mc)?;
    let cells: Vec<(String, String, f64)> = (0..t.rows.len())
        .filter_map(|i| {
            Some((
                text(t, i, gc),
                month_label(&text(t, i, mc), year),
                text(t, i, vc).parse().ok()?,
            ))
        })
        .collect();
    let groups: std::collections::BTreeSet<&String> = cells.iter().map(|c| &c.0).collect();
    let gmed = |g: &str| median(cells.iter().filter(|c| c.0 == g).map(|c| c.2).collect());
    let ratio: Vec<(String, String, f64)> = cells
        .iter()
        .filter_map(|c| {
            let m = gmed(&c.0);
            (m > 0.0).then(|| (c.0.clone(), c.1.clone(), c.2 / m))
        })
        .collect();
    if groups.len() < 2 {
        return None;
    }
    ratio
        .iter()
        .filter_map(|c| {
            let month = median(ratio.iter().filter(|x| x.1 == c.1).map(|x| x.2).collect());
            (month > 0.0).then(|| (c.0.clone(), c.1.clone(), c.2 / month - 1.0))
        })
        .filter(|c| c.2.abs() > 0.25)
        .max_by(|a, b| a.2.abs().total_cmp(&b.2.abs()))
}
