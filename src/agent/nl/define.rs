//! Definitions a question gives of its own measures: "Profit = sales amount minus total cost", "where margin
//! is revenue less cost". When the catalog's measure is that very expression the definition is read as a
//! confirmation (and noted); when it is not, the engine says how the data defines it instead of answering with
//! another figure than the one defined.

use crate::catalog::semantic::{Aggregation, SemanticModel};

use super::lexer::Token;
use super::link::{Link, Target};
use super::NlError;

/// A definition found in a question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Definition {
    /// Its tokens (from the defined measure's first word to the last part's last word).
    pub start: usize,
    pub end: usize,
    /// The links it spans.
    pub links: Vec<usize>,
    /// The note saying how it was read.
    pub note: String,
}

/// Words that say "is defined as".
fn defining(tokens: &[Token], k: usize) -> Option<usize> {
    let t = |d: usize| tokens.get(k + d).map(|t| t.text.as_str()).unwrap_or("");
    match (t(0), t(1), t(2)) {
        ("is", "defined", "as") => Some(3),
        ("defined" | "calculated" | "computed", "as", _) => Some(2),
        ("=", _, _) | ("is" | "equals" | "means", _, _) => Some(1),
        _ => None,
    }
}

/// An arithmetic word between two measures, as an SQL operator, and the words it takes.
fn operator(tokens: &[Token], k: usize) -> Option<(&'static str, usize)> {
    let t = |d: usize| tokens.get(k + d).map(|t| t.text.as_str()).unwrap_or("");
    match (t(0), t(1)) {
        ("minus" | "less", _) => Some(("-", 1)),
        ("plus", _) => Some(("+", 1)),
        ("times" | "*", _) => Some(("*", 1)),
        ("multiplied", "by") | ("divided", "by") => {
            Some((if t(0) == "divided" { "/" } else { "*" }, 2))
        }
        ("over" | "/", _) => Some(("/", 1)),
        _ => None,
    }
}

fn normal(expr: &str) -> String {
    expr.chars()
        .filter(|c| !matches!(c, '"' | '(' | ')') && !c.is_whitespace())
        .collect::<String>()
        .to_lowercase()
}

/// Finds the definitions of measures in a question and checks them against the catalog.
pub fn find(
    model: &SemanticModel,
    tokens: &[Token],
    links: &[Link],
) -> Result<Vec<Definition>, NlError> {
    let measure_at = |k: usize| -> Option<(usize, usize)> {
        links.iter().enumerate().find_map(|(li, l)| {
            (l.start == k)
                .then(|| {
                    l.targets.iter().find_map(|t| match t {
                        Target::Measure(m) => Some((li, *m)),
                        _ => None,
                    })
                })
                .flatten()
        })
    };
    let mut out = Vec::new();
    for (li, l) in links.iter().enumerate() {
        let Some((_, defined)) = measure_at(l.start) else {
            continue;
        };
        // A clause of its own: after a sentence break, "where" or "with", or at the start.
        let opens = l.start == 0
            || tokens[l.start - 1].symbol
            || matches!(tokens[l.start - 1].text.as_str(), "where" | "with" | "and");
        let Some(def_len) = opens.then(|| defining(tokens, l.end)).flatten() else {
            continue;
        };
        let Some((la, a)) = measure_at(l.end + def_len) else {
            continue;
        };
        let Some((op, op_len)) = operator(tokens, links[la].end) else {
            continue;
        };
        let Some((lb, b)) = measure_at(links[la].end + op_len) else {
            continue;
        };
        let (dm, am, bm) = (
            &model.measures[defined],
            &model.measures[a],
            &model.measures[b],
        );
        let row = |m: &crate::catalog::semantic::MeasureDef| {
            (m.agg == Aggregation::Sum && m.table.eq_ignore_ascii_case(&dm.table))
                .then(|| normal(&m.expr))
        };
        let typed = |k: usize| -> String {
            (links[k].start..links[k].end)
                .map(|i| tokens[i].orig.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        };
        let said = format!("{} {} {}", typed(la), tokens[links[la].end].text, typed(lb));
        let same = match (row(am), row(bm)) {
            (Some(x), Some(y)) => {
                dm.agg == Aggregation::Sum && normal(&dm.expr) == format!("{x}{op}{y}")
            }
            _ => false,
        };
        if !same {
            let how = dm.description.clone().unwrap_or_else(|| dm.expr.clone());
            return Err(NlError::Clarify {
                message: format!(
                    "The data defines {} as {how}, not as {said}: I can answer with the data's {}, or with \
                     {} and {} side by side.",
                    dm.name, dm.name, am.name, bm.name
                ),
                suggestions: vec![
                    format!("{} and {}", am.name, bm.name),
                    dm.name.clone(),
                ],
            });
        }
        out.push(Definition {
            start: l.start,
            end: links[lb].end,
            links: vec![li, la, lb],
            note: format!("{} = {said}, as the data defines it", dm.name),
        });
    }
    Ok(out)
}
