//! The offline semantic NL→SQL engine: a question goes through safety checks, the lexer, the time
//! reader, the catalog linker and the shape reader into an [`Intent`], which the SQL builder turns
//! into a sqlparser AST. Deterministic and catalog-driven: no demo names live in this code.

pub mod absence;
pub mod clarify;
pub mod dates;
pub mod define;
pub mod intent;
pub mod lexer;
pub mod link;
pub mod missing;
pub mod nested;
pub mod nulls;
pub mod quoted;
pub mod safety;
pub mod shape;
pub mod sql;
pub mod stat;
pub mod threshold;
pub mod time;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_phrasing;
#[cfg(test)]
pub(crate) mod tests_support;

use std::sync::Arc;

use chrono::{Datelike, NaiveDate};

pub use crate::catalog::semantic::Format;
use crate::catalog::semantic::{column_noun, pluralize, SemanticModel};
pub use intent::{Filter, GroupKey, GrowthKind, Intent, MeasureRef, Shape, Stat, Threshold};
pub use time::Period;

/// Why the engine gives no SQL.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NlError {
    /// The question could not be read with confidence; says what was not understood and what to ask.
    #[error("{message}")]
    Clarify {
        message: String,
        suggestions: Vec<String>,
    },
    /// The request is outside what the engine may do (changing data, files, other topics).
    #[error("{reason}")]
    Refuse { reason: String },
}

/// What the engine knows about the conversation.
#[derive(Debug, Clone, Default)]
pub struct NlContext {
    /// The latest date in the data: relative dates ("last month") are anchored here.
    pub anchor: Option<NaiveDate>,
    /// The previous turn's intent, for follow-ups ("and in 2024?").
    pub previous: Option<Intent>,
}

/// An answerable plan.
#[derive(Debug, Clone)]
pub struct NlPlan {
    pub sql: String,
    /// How the question was read, e.g. "read as: revenue by region, 2024".
    pub interpretation: String,
    pub notes: Vec<String>,
    pub intent: Intent,
    /// Display format of numeric output columns.
    pub formats: Vec<(String, Format)>,
    /// A weak reading: words were ignored and no measure was named, so the answer is a guess at the default
    /// metric. An LLM router (when configured) is asked what such a question wants.
    pub guessed: bool,
}

/// The engine, built once per semantic model.
#[derive(Debug)]
pub struct NlEngine {
    model: Arc<SemanticModel>,
    lexicon: link::Lexicon,
}

/// Words that open a complete question (not a follow-up fragment like "for Online only").
const QUESTION_WORDS: &[&str] = &[
    "what", "whats", "which", "how", "who", "when", "where", "show", "give", "list", "tell", "can",
    "could", "please", "compare", "get", "find", "display", "is", "are", "did", "do", "does", "i",
];

const FOLLOW_UP_CUES: &[&str] = &[
    "and", "only", "just", "same", "now", "break", "also", "then", "instead", "but", "split",
    "drill", "filter", "limit",
];

impl NlEngine {
    /// Builds the engine (its phrase dictionary) for a model.
    pub fn new(model: Arc<SemanticModel>) -> Self {
        let lexicon = link::Lexicon::new(&model);
        NlEngine { model, lexicon }
    }

    /// The model the engine answers from.
    pub fn model(&self) -> &SemanticModel {
        &self.model
    }

    /// Reads a question and plans its SQL.
    pub fn plan(&self, question: &str, ctx: &NlContext) -> Result<NlPlan, NlError> {
        let model = &*self.model;
        let tokens = lexer::fix_shape_typos(
            lexer::strip_courtesy(lexer::rewrite_idioms(lexer::tokenize(question))),
            |w| self.lexicon.knows(w),
        );
        if tokens.iter().all(|t| t.symbol) {
            return Err(clarify::nothing(model));
        }
        if let Some(reason) = safety::refusal(question, &tokens) {
            return Err(NlError::Refuse { reason });
        }
        if safety::is_summary(&tokens) {
            return Err(NlError::Clarify {
                message: "Summaries are not answered by the query engine; ask for specific figures instead.".into(),
                suggestions: clarify::suggestions(model, None),
            });
        }
        let anchor = ctx.anchor.or_else(|| model.latest_date());
        let comparisons = threshold::find(&tokens);
        let mut amounts = vec![false; tokens.len()];
        for k in comparisons.iter().flat_map(|c| c.used()) {
            if let Some(a) = amounts.get_mut(k) {
                *a = true;
            }
        }
        // A day word the catalog itself names (a calendar's "weekend" flag, a "Saturday" value, a "day of
        // week" column) is linked there; weekends compared with weekdays split the days in two (by the
        // calendar's own day-type column when it has one).
        let weekend_split = time::day_split(&tokens, &amounts) == Some(time::DayGroup::Weekend);
        for i in (0..tokens.len()).filter(|_| !weekend_split) {
            let stems: Vec<String> = tokens[i..].iter().take(4).map(|t| t.stem()).collect();
            let phrase = |n: usize| stems.get(..n).map(|s| s.join(" "));
            let named = if time::weekday_words(&tokens, i).is_some_and(|(_, n)| n == 1) {
                // The word alone, or the start of a longer name ("Sunday Brunch").
                [3, 2, 1]
                    .into_iter()
                    .find(|&n| phrase(n).is_some_and(|p| self.lexicon.names_data(&p)))
            } else {
                [4, 3].into_iter().find(|&n| {
                    phrase(n).is_some_and(|p| {
                        p.starts_with("day of")
                            && p.ends_with("week")
                            && self.lexicon.names_data(&p)
                    })
                })
            };
            for a in amounts.iter_mut().skip(i).take(named.unwrap_or(0)) {
                *a = true;
            }
        }
        let time = time::parse_masked(&tokens, anchor, &amounts);
        let reading = shape::read(model, &self.lexicon, &tokens, &time, &comparisons)?;
        let mut notes = reading.notes.clone();
        let first = tokens.first().map(|t| t.text.as_str()).unwrap_or("");
        let words: Vec<&str> = tokens.iter().map(|t| t.text.as_str()).collect();
        let intent = match &ctx.previous {
            // Words nobody understood with nothing else read ("Who won the 2018 FIFA World Cup?") are no
            // follow-up unless the question says it is one ("same thing for Q3 2023").
            Some(prev)
                if (reading.nothing_linked && !reading.unread)
                    || ((reading.defaulted_measure
                        && !QUESTION_WORDS.contains(&first)
                        && (reading.intent.group_by.is_empty()
                            || matches!(first, "by" | "per")))
                        || (tokens.len() <= 8
                            && (FOLLOW_UP_CUES.contains(&first)
                                || words.contains(&"instead")
                                || (matches!(first, "what" | "how")
                                    && words.get(1) == Some(&"about"))))
                        || (words.iter().any(|w| {
                            matches!(*w, "that" | "those" | "these" | "it" | "same")
                        }) && tokens.len() <= 10)) =>
            {
                let mut new = reading.intent.clone();
                if reading.defaulted_measure || reading.soft_measure {
                    new.measures.clear();
                }
                if matches!(new.shape, Shape::List | Shape::CountValues) {
                    new.shape = Shape::Aggregate;
                }
                // "only Q4 please" after a question about 2000: the quarter of that year, not the latest.
                if time.year_guessed && !time.relative {
                    let prev_years: Vec<i32> =
                        prev.periods.iter().map(|p| p.start.year()).collect();
                    if let (Some(&y), true) = (
                        prev_years.first(),
                        prev_years.windows(2).all(|w| w[0] == w[1]),
                    ) {
                        for p in new.periods.iter_mut() {
                            let shift = y - p.start.year();
                            if shift != 0 {
                                *p = p.shift_years(shift);
                            }
                        }
                    }
                }
                let replace = words.contains(&"instead") || first == "now";
                notes.retain(|n| !n.starts_with("no measure named"));
                notes.push("follow-up: amended the previous question".into());
                let mut merged = Intent::amend(prev, &new, replace);
                if let Some((n, desc)) = reading.rank {
                    if !merged.group_by.is_empty()
                        && matches!(merged.shape, Shape::Aggregate | Shape::Top { .. })
                    {
                        merged.shape = Shape::Top { n, desc };
                    }
                }
                merged
            }
            _ => {
                if reading.nothing_linked {
                    return Err(clarify::nothing(model));
                }
                reading.intent.clone()
            }
        };
        if intent.measures.is_empty()
            && !matches!(
                intent.shape,
                Shape::List | Shape::CountRows { .. } | Shape::CountValues | Shape::Missing { .. }
            )
        {
            return Err(clarify::nothing(model));
        }
        let built = sql::build(model, &intent, anchor).map_err(|e| NlError::Clarify {
            message: format!("I understood the question but cannot answer it from this data: {e}."),
            suggestions: clarify::suggestions(
                model,
                intent.measures.first().map(|m| m.name.as_str()),
            ),
        })?;
        if time.relative {
            if let Some(a) = anchor {
                notes.insert(
                    0,
                    format!("relative dates anchored to {a}, the latest date in the data"),
                );
            }
        } else if time.year_guessed {
            let used = intent.periods.first().map(|p| p.start.year());
            match (anchor, used) {
                (Some(a), Some(y)) if y != a.year() => notes.push(format!(
                    "no year given; kept {y} from the previous question"
                )),
                (Some(a), _) => notes.push(format!(
                    "no year given; assumed {}, the latest year in the data",
                    a.year()
                )),
                _ => {}
            }
        }
        if let Some(note) = to_date_note(&time, &intent, anchor) {
            notes.push(note);
        }
        for g in &intent.group_by {
            let keyed = |table: &str| {
                intent.group_by.iter().any(|k| {
                    matches!(k, GroupKey::Column { table: t, .. } if t.eq_ignore_ascii_case(table))
                })
            };
            if let (Some(t), GroupKey::Entity(table)) = (model.table_of_repeating_names(g), g) {
                if keyed(table) {
                    continue;
                }
                notes.push(format!(
                    "{} names repeat in this data: figures are per {} name",
                    t, t
                ));
            }
        }
        let guessed = reading.defaulted_measure
            && reading.notes.iter().any(|n| n.starts_with("ignored:"))
            && ctx.previous.is_none();
        Ok(NlPlan {
            guessed,
            sql: built.sql,
            interpretation: format!("read as: {}", describe(model, &intent)),
            notes,
            intent,
            formats: built.formats,
        })
    }
}

/// Says how a to-date window was compared: "year to date = 2024-01-01 to 2024-06-15 (the latest date in the
/// data), compared with the same dates of 2023: 2023-01-01 to 2023-06-15".
fn to_date_note(
    time: &time::TimeParse,
    intent: &Intent,
    anchor: Option<NaiveDate>,
) -> Option<String> {
    let (td, unit) = time.to_date.as_ref()?;
    let prev = if time.aligned {
        intent.periods.iter().find(|p| *p != td)?.clone()
    } else if intent.shape == Shape::Growth(GrowthKind::YearOverYear)
        && intent.periods.first() == Some(td)
    {
        td.shift_years(-1)
    } else {
        return None;
    };
    let through = anchor
        .map(|a| format!(" (through {a}, the latest date in the data)"))
        .unwrap_or_default();
    Some(format!(
        "{unit} to date = {} to {}{through}, compared with the same dates {}: {} to {}",
        td.start,
        td.last_day(),
        if prev.start.year() != td.start.year() {
            format!("of {}", prev.start.year())
        } else {
            "one period earlier".to_string()
        },
        prev.start,
        prev.last_day()
    ))
}

fn group_name(model: &SemanticModel, g: &GroupKey) -> String {
    match g {
        GroupKey::Column { column, .. } => crate::catalog::semantic::column_noun(column),
        GroupKey::Dim(d) => d.clone(),
        GroupKey::Entity(t) => model
            .table(t)
            .and_then(|t| t.entity.clone())
            .unwrap_or_else(|| t.clone()),
        GroupKey::Grain(g) => g.label().to_string(),
        GroupKey::Weekend => "weekend or weekday".to_string(),
        GroupKey::DayOfWeek => "day of week".to_string(),
    }
}

fn ordinal(n: u8) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// A number without a needless fraction, with thousands separators: 1500000 → "1,500,000".
fn trim_number(v: f64) -> String {
    if v.fract() != 0.0 {
        return format!("{}", (v * 100.0).round() / 100.0);
    }
    let digits = format!("{}", v.abs() as i64);
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if v < 0.0 {
        format!("-{out}")
    } else {
        out
    }
}

/// A readable period: "2024", "Q4 2023", "March 2024", or a date range.
pub fn period_text(p: &Period) -> String {
    let last = p.last_day();
    if p.month_aligned() {
        let months =
            (last.year() - p.start.year()) * 12 + last.month() as i32 - p.start.month() as i32 + 1;
        if p.start.month() == 1 && months % 12 == 0 {
            return if months == 12 {
                p.start.year().to_string()
            } else {
                format!("{}–{}", p.start.year(), last.year())
            };
        }
        if months == 1 {
            return p.start.format("%B %Y").to_string();
        }
        if months == 3 && (p.start.month() - 1).is_multiple_of(3) {
            return format!("Q{} {}", (p.start.month() - 1) / 3 + 1, p.start.year());
        }
        return format!("{} to {}", p.start.format("%b %Y"), last.format("%b %Y"));
    }
    if p.start == last {
        return p.start.to_string();
    }
    format!("{} to {}", p.start, last)
}

/// Days of the week in words: "weekends", "weekdays", "Monday and Friday".
fn weekdays_text(days: &[u32]) -> String {
    const NAMES: [&str; 7] = [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ];
    match days {
        [6, 7] => "weekends".into(),
        [1, 2, 3, 4, 5] => "weekdays".into(),
        _ => {
            let names: Vec<&str> = days
                .iter()
                .filter_map(|d| NAMES.get((*d as usize).wrapping_sub(1)).copied())
                .collect();
            match names.split_last() {
                Some((last, rest)) if !rest.is_empty() => {
                    format!("{} and {last}", rest.join(", "))
                }
                _ => names.join(""),
            }
        }
    }
}

/// The interpretation line of an intent.
pub fn describe(model: &SemanticModel, intent: &Intent) -> String {
    let measures: Vec<String> = intent
        .measures
        .iter()
        .map(|m| {
            let base = if m.average {
                format!("average {}", m.name)
            } else {
                m.name.clone()
            };
            let base = match &m.per {
                Some(d) => format!("{base} per {}", crate::catalog::semantic::singularize(d)),
                None => base,
            };
            match m.stat {
                Some(s) => {
                    let what = match s {
                        Stat::Median => "median".to_string(),
                        Stat::Percentile(p) => format!("{} percentile of", ordinal(p)),
                    };
                    let name = base.strip_prefix("average ").unwrap_or(&base).to_string();
                    let across = match &m.over {
                        Some(g) if !base.starts_with("average ") => {
                            format!(" per {}", group_name(model, g))
                        }
                        Some(_) => String::new(),
                        None => " across rows".to_string(),
                    };
                    format!("{what} {name}{across}")
                }
                None => base,
            }
        })
        .collect();
    let m = measures.join(" and ");
    // An entity's key beside its names ("show customer id") is said once, at the end.
    let entity_key = |g: &GroupKey| match g {
        GroupKey::Column { table, column } => {
            intent.group_by.contains(&GroupKey::Entity(table.clone()))
                && model
                    .table(table)
                    .and_then(|t| t.key.as_ref())
                    .is_some_and(|k| k == column)
        }
        _ => false,
    };
    let groups: Vec<String> = intent
        .group_by
        .iter()
        .filter(|g| !entity_key(g))
        .map(|g| group_name(model, g))
        .collect();
    let by = if groups.is_empty() {
        String::new()
    } else {
        format!(" by {}", groups.join(" and "))
    };
    let mut text = match &intent.shape {
        Shape::Aggregate => format!("{m}{by}"),
        Shape::Top { n: Some(n), desc } if !intent.rank_within.is_empty() => {
            // "top 3 product by revenue within each region"
            let named = |inside: bool| -> Vec<String> {
                intent
                    .group_by
                    .iter()
                    .filter(|g| !entity_key(g) && intent.rank_within.contains(g) == inside)
                    .map(|g| group_name(model, g))
                    .collect()
            };
            let (within, what) = (named(true), named(false));
            let what = what.join(" and ");
            format!(
                "{} {n} {} by {m} within each {}",
                if *desc { "top" } else { "bottom" },
                if *n == 1 { what } else { pluralize(&what) },
                within.join(" and ")
            )
        }
        Shape::Top { n, desc } => {
            let what = groups.join(" and ");
            let dir = if *desc { "top" } else { "bottom" };
            match n {
                Some(n) => format!(
                    "{dir} {n} {} by {m}",
                    if *n == 1 { what } else { pluralize(&what) }
                ),
                None => format!(
                    "{} ranked by {m}{}",
                    pluralize(&what),
                    if *desc { "" } else { " (lowest first)" }
                ),
            }
        }
        // A value's share inside each group ("share of row count with order status = cancelled within
        // each device"); the focus is said here instead of after the periods.
        Shape::Share { focus: Some(f) } if intent.share_within_groups().is_some() => format!(
            "share of {m} with {} within each {}",
            f.describe(),
            groups.join(" and ")
        ),
        Shape::Share { .. } => format!("share of total {m}{by}"),
        Shape::Growth(GrowthKind::YearOverYear) => format!("year-over-year growth of {m}{by}"),
        Shape::Growth(GrowthKind::PeriodOverPeriod) => {
            format!("period-over-period growth of {m}{by}")
        }
        Shape::Compare => format!("{m}{by}, one column per period"),
        Shape::List => format!(
            "list of {}",
            groups
                .iter()
                .map(|g| pluralize(g))
                .collect::<Vec<_>>()
                .join(" and ")
        ),
        Shape::CountRows { table, .. } => {
            let noun = model
                .table(table)
                .and_then(|t| t.entity.clone())
                .map(|e| pluralize(&e))
                .unwrap_or_else(|| table.clone());
            format!("number of {noun}{by}")
        }
        Shape::CountValues => match groups.split_first() {
            Some((first, rest)) if !rest.is_empty() => {
                format!("number of distinct {first} by {}", rest.join(" and "))
            }
            _ => format!("number of distinct {}", groups.join(" and ")),
        },
        Shape::CountMatching => {
            let what = groups.first().cloned().unwrap_or_default();
            let rest = if groups.len() > 1 {
                format!(" by {}", groups[1..].join(" and "))
            } else {
                String::new()
            };
            format!("number of {}{rest}", pluralize(&what))
        }
        Shape::Missing { count } => {
            let what = pluralize(&groups.first().cloned().unwrap_or_default());
            let lead = if *count {
                format!("number of {what}")
            } else {
                what
            };
            format!("{lead} with no sales rows matching")
        }
    };
    for t in &intent.having {
        let fmt = model.measure(&t.measure.name).map(|m| m.format);
        let show = |v: f64| match fmt {
            Some(Format::Percent) => format!("{}%", trim_number(v * 100.0)),
            _ => trim_number(v),
        };
        let cond = match (t.cmp, t.upper) {
            (intent::Cmp::Between, Some(u)) => format!("between {} and {}", show(t.value), show(u)),
            (c, _) => format!("{} {}", c.symbol(), show(t.value)),
        };
        text.push_str(&format!(", where {} {cond}", t.measure.name));
    }
    for f in &intent.filters {
        let cond = match (f.values.len(), f.negate) {
            _ if f.contains.is_some() => format!(
                "{} {}containing '{}'",
                f.dim,
                if f.negate { "not " } else { "" },
                f.contains.as_deref().unwrap_or_default()
            ),
            _ if f.null == Some(true) => format!("no {}", f.dim),
            _ if f.null == Some(false) => format!("{} known", f.dim),
            (0, false) => f.dim.clone(),
            (0, true) => format!("excluding {}", f.dim),
            (1, false) => format!("{} = {}", f.dim, f.values[0]),
            (1, true) => format!("{} ≠ {}", f.dim, f.values[0]),
            (_, false) => format!("{} in ({})", f.dim, f.values.join(", ")),
            (_, true) => format!("{} not in ({})", f.dim, f.values.join(", ")),
        };
        text.push_str(&format!(", {cond}"));
    }
    if let (Some((n, desc)), true) = (
        intent.rank,
        matches!(
            intent.shape,
            Shape::Compare | Shape::Growth(GrowthKind::YearOverYear) | Shape::Share { .. }
        ),
    ) {
        let by = match intent.shape {
            Shape::Share { .. } => "share",
            _ if intent.by_change => "change",
            _ => "growth",
        };
        let end = if desc { "largest" } else { "smallest" };
        text.push_str(&match n {
            Some(n) => format!(", the {n} with the {end} {by}"),
            None => format!(", ordered by {by}"),
        });
    }
    if let (Shape::Share { focus: Some(f) }, None) = (&intent.shape, intent.share_within_groups()) {
        text.push_str(&format!(", showing {}", f.describe()));
    }
    if intent.key_order {
        text.push_str(", in alphabetical order");
    }
    let periods: Vec<String> = intent.periods.iter().map(period_text).collect();
    if !periods.is_empty() {
        text.push_str(&format!(", {}", periods.join(" vs ")));
    }
    if !intent.weekdays.is_empty() {
        text.push_str(&format!(", {}", weekdays_text(&intent.weekdays)));
    }
    if let Some((table, column)) = &intent.date_column {
        let noun = model
            .table(table)
            .and_then(|t| t.entity.clone())
            .unwrap_or_else(|| table.clone());
        text.push_str(&format!(" (by the {noun}'s {})", column_noun(column)));
    }
    if intent.group_by.iter().any(entity_key) {
        text.push_str(", with their ids");
    }
    text
}
