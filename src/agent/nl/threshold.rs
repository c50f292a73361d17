//! Reads numeric thresholds on aggregates before anything else claims their numbers: the comparison
//! ("over", "more than", "at least", "fewer than", "between X and Y", ">", "or more"), the amount with its
//! scale and unit ("1M", "$5 million", "2,000", "10k", "20%"). A bare year after "over"/"under" stays a year.

use serde::{Deserialize, Serialize};

use super::lexer::Token;

/// How a value is compared with the amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cmp {
    Gt,
    Ge,
    Lt,
    Le,
    /// Inclusive range; the upper bound is in [`Comparison::upper`].
    Between,
}

impl Cmp {
    /// The comparison as written in a readable interpretation.
    pub fn symbol(self) -> &'static str {
        match self {
            Cmp::Gt => ">",
            Cmp::Ge => "≥",
            Cmp::Lt => "<",
            Cmp::Le => "≤",
            Cmp::Between => "between",
        }
    }
}

/// One comparison found in a question.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// First token of the comparison word(s).
    pub start: usize,
    /// One past the last token used (amounts and trailing words like "or more").
    pub end: usize,
    /// First token after the amount (where a measure such as "500 orders" would start).
    pub after_amount: usize,
    pub cmp: Cmp,
    pub value: f64,
    pub upper: Option<f64>,
    /// The amount was written as a percentage ("20%", "5 percent").
    pub percent: bool,
    /// Trailing words after what is measured ("500 orders *or more*").
    pub tail: Option<(usize, usize)>,
}

impl Comparison {
    /// Every token the comparison uses (its words and amount, and a trailing "or more").
    pub fn used(&self) -> impl Iterator<Item = usize> + '_ {
        (self.start..self.end).chain(self.tail.into_iter().flat_map(|(a, b)| a..b))
    }
}

/// An amount read at a token: (value, tokens used, percent, explicitly money or scaled).
struct Amount {
    value: f64,
    used: usize,
    percent: bool,
    marked: bool,
}

const SCALES: &[(&str, f64)] = &[
    ("hundred", 1e2),
    ("k", 1e3),
    ("thousand", 1e3),
    ("thousands", 1e3),
    ("grand", 1e3),
    ("m", 1e6),
    ("mm", 1e6),
    ("mn", 1e6),
    ("mil", 1e6),
    ("million", 1e6),
    ("millions", 1e6),
    ("b", 1e9),
    ("bn", 1e9),
    ("billion", 1e9),
    ("billions", 1e9),
];

fn scale_of(word: &str) -> Option<f64> {
    SCALES.iter().find(|(w, _)| *w == word).map(|(_, s)| *s)
}

/// "1m", "2.5k", "3bn": a number glued to its scale.
fn glued(text: &str) -> Option<f64> {
    let split = text.find(|c: char| c.is_ascii_alphabetic())?;
    let (num, suffix) = text.split_at(split);
    let value: f64 = num.replace(',', "").parse().ok()?;
    Some(value * scale_of(suffix)?)
}

fn amount(tokens: &[Token], i: usize) -> Option<Amount> {
    let t = |k: usize| tokens.get(k).map(|t| t.text.as_str()).unwrap_or("");
    let mut k = i;
    let mut marked = false;
    if t(k) == "$" {
        marked = true;
        k += 1;
    }
    let tok = tokens.get(k)?;
    let (mut value, mut scaled) = match tok.number {
        Some(v) if tok.text.chars().next().is_some_and(|c| c.is_ascii_digit()) => (v, false),
        // "at least one order", "more than two stores": a small count spelled out.
        Some(v) if v.fract() == 0.0 && (1.0..=20.0).contains(&v) => (v, false),
        _ => (glued(&tok.text)?, true),
    };
    k += 1;
    if !scaled {
        if let Some(s) = scale_of(t(k)) {
            // "a 5 m run" is rare; "5 m" after a comparison is a scale.
            value *= s;
            scaled = true;
            k += 1;
        }
    }
    let mut percent = false;
    if matches!(t(k), "%" | "percent" | "pct" | "per") {
        if t(k) == "per" {
            if t(k + 1) != "cent" {
                return finish(value, k - i, false, marked || scaled);
            }
            k += 1;
        }
        percent = true;
        k += 1;
    } else if matches!(
        t(k),
        "dollars" | "usd" | "eur" | "euros" | "gbp" | "pounds" | "bucks"
    ) {
        marked = true;
        k += 1;
    }
    finish(value, k - i, percent, marked || scaled)
}

fn finish(value: f64, used: usize, percent: bool, marked: bool) -> Option<Amount> {
    value.is_finite().then_some(Amount {
        value,
        used,
        percent,
        marked,
    })
}

/// Comparison words at token `i`: (comparison, tokens used, whether a bare year after it stays a year).
fn comparator(tokens: &[Token], i: usize) -> Option<(Cmp, usize, bool)> {
    let t = |k: usize| tokens.get(k).map(|t| t.text.as_str()).unwrap_or("");
    let two = (t(i), t(i + 1));
    let three = (t(i), t(i + 1), t(i + 2));
    match three {
        ("in", "excess", "of") => return Some((Cmp::Gt, 3, false)),
        ("no", "less", "than") | ("not", "less", "than") => return Some((Cmp::Ge, 3, false)),
        ("no", "more", "than") | ("not", "more", "than") => return Some((Cmp::Le, 3, false)),
        ("no", "fewer", "than") | ("not", "fewer", "than") => return Some((Cmp::Ge, 3, false)),
        ("a", "minimum", "of") => return Some((Cmp::Ge, 3, false)),
        ("a", "maximum", "of") => return Some((Cmp::Le, 3, false)),
        _ => {}
    }
    match two {
        ("more" | "greater" | "higher" | "larger" | "bigger" | "over", "than") => {
            return Some((Cmp::Gt, 2, false))
        }
        ("less" | "fewer" | "lower" | "smaller" | "under", "than") => {
            return Some((Cmp::Lt, 2, false))
        }
        ("at", "least") | ("minimum", "of") | (">", "=") => return Some((Cmp::Ge, 2, false)),
        ("at", "most") | ("up", "to") | ("maximum", "of") | ("<", "=") => {
            return Some((Cmp::Le, 2, false))
        }
        ("upwards", "of") | ("north", "of") => return Some((Cmp::Gt, 2, false)),
        _ => {}
    }
    match t(i) {
        "exceeding" | "exceeded" | "exceeds" | "exceed" | "topping" | "topped" | ">" => {
            Some((Cmp::Gt, 1, false))
        }
        "over" | "above" | "beyond" => Some((Cmp::Gt, 1, true)),
        "under" | "below" | "beneath" => Some((Cmp::Lt, 1, true)),
        "<" => Some((Cmp::Lt, 1, false)),
        _ => None,
    }
}

/// Words after an amount that turn it into a bound ("500 or more", "10k and above").
fn postfix(tokens: &[Token], i: usize) -> Option<(Cmp, usize)> {
    let t = |k: usize| tokens.get(k).map(|t| t.text.as_str()).unwrap_or("");
    match (t(i), t(i + 1)) {
        ("or" | "and", "more" | "above" | "over" | "higher" | "up") => Some((Cmp::Ge, 2)),
        ("or" | "and", "less" | "fewer" | "below" | "under" | "lower") => Some((Cmp::Le, 2)),
        ("plus", _) => Some((Cmp::Ge, 1)),
        _ => None,
    }
}

/// Whether an amount is a plain year-like number with no unit (2023, not "$2,000" or "2000 units").
fn year_like(tokens: &[Token], i: usize, a: &Amount) -> bool {
    !a.marked && !a.percent && a.used == 1 && tokens.get(i).and_then(|t| t.year()).is_some()
}

/// Finds every threshold comparison in the tokens.
pub fn find(tokens: &[Token]) -> Vec<Comparison> {
    let t = |k: usize| tokens.get(k).map(|t| t.text.as_str()).unwrap_or("");
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        // between X and Y (not two years: that is a period)
        if t(i) == "between" {
            if let Some(lo) = amount(tokens, i + 1) {
                let and = i + 1 + lo.used;
                if t(and) == "and" {
                    if let Some(hi) = amount(tokens, and + 1) {
                        let years =
                            year_like(tokens, i + 1, &lo) && year_like(tokens, and + 1, &hi);
                        if !years && hi.value >= lo.value {
                            let end = and + 1 + hi.used;
                            let percent = lo.percent || hi.percent;
                            out.push(Comparison {
                                start: i,
                                end,
                                after_amount: end,
                                cmp: Cmp::Between,
                                value: lo.value,
                                upper: Some(hi.value),
                                percent,
                                tail: None,
                            });
                            i = end;
                            continue;
                        }
                    }
                }
            }
        }
        if let Some((cmp, used, year_stays)) = comparator(tokens, i) {
            let at = i + used;
            if let Some(a) = amount(tokens, at) {
                let bare_year = year_like(tokens, at, &a);
                let spend_before =
                    i > 0 && matches!(t(i - 1), "spent" | "spend" | "spending" | "paid" | "earned");
                // "at least one returned item": spelled-out existence, no bound on a total.
                let exists = cmp == Cmp::Ge
                    && a.value == 1.0
                    && tokens[at].text.chars().all(char::is_alphabetic);
                if exists {
                    i = at + a.used;
                    continue;
                }
                if !(bare_year && year_stays && !spend_before) {
                    let end = at + a.used;
                    out.push(Comparison {
                        start: i,
                        end,
                        after_amount: end,
                        cmp,
                        value: a.value,
                        upper: None,
                        percent: a.percent,
                        tail: None,
                    });
                    i = end;
                    continue;
                }
            }
        }
        // "500 or more orders", "10k+", "500 orders or more"
        if let Some(a) = amount(tokens, i) {
            if !year_like(tokens, i, &a) {
                let after = i + a.used;
                let at = |k: usize| postfix(tokens, k).map(|(cmp, used)| (k, cmp, used));
                let found = at(after).or_else(|| {
                    (after + 1..(after + 4).min(tokens.len()))
                        .take_while(|&k| !matches!(t(k), "," | "and" | "in" | "for" | "by"))
                        .find_map(at)
                });
                if let Some((k, cmp, used)) = found {
                    let next = if k == after { k + used } else { after };
                    out.push(Comparison {
                        start: i,
                        end: next,
                        after_amount: next,
                        cmp,
                        value: a.value,
                        upper: None,
                        percent: a.percent,
                        tail: (k != after).then_some((k, k + used)),
                    });
                    i = if k == after { k + used } else { after };
                    continue;
                }
            }
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::lexer::tokenize;
    use super::*;

    fn one(q: &str) -> (Cmp, f64, Option<f64>, bool) {
        let c = find(&tokenize(q));
        assert_eq!(c.len(), 1, "{q}: {c:?}");
        (c[0].cmp, c[0].value, c[0].upper, c[0].percent)
    }

    #[test]
    fn reads_amounts_with_scales_and_units() {
        assert_eq!(one("revenue over 1M"), (Cmp::Gt, 1e6, None, false));
        assert_eq!(one("more than $5 million"), (Cmp::Gt, 5e6, None, false));
        assert_eq!(one("at least 2,000 orders"), (Cmp::Ge, 2000.0, None, false));
        assert_eq!(one("a margin below 20%"), (Cmp::Lt, 20.0, None, true));
        assert_eq!(
            one("fewer than 10k units"),
            (Cmp::Lt, 10_000.0, None, false)
        );
        assert_eq!(one("under 2.5 million"), (Cmp::Lt, 2.5e6, None, false));
        assert_eq!(
            one("between 500k and 1m"),
            (Cmp::Between, 500_000.0, Some(1e6), false)
        );
        assert_eq!(one("500 or more orders"), (Cmp::Ge, 500.0, None, false));
        assert_eq!(
            one("100k orders or more"),
            (Cmp::Ge, 100_000.0, None, false)
        );
        let c = &find(&tokenize("100k orders or more"))[0];
        assert_eq!(c.used().collect::<Vec<_>>(), vec![0, 2, 3]);
        assert_eq!(one("revenue > 1000"), (Cmp::Gt, 1000.0, None, false));
        assert_eq!(one("no more than 3 orders"), (Cmp::Le, 3.0, None, false));
        assert_eq!(one("spent more than 2000"), (Cmp::Gt, 2000.0, None, false));
        assert_eq!(one("exceeded 7 percent"), (Cmp::Gt, 7.0, None, true));
    }

    #[test]
    fn leaves_years_and_ranks_alone() {
        assert!(find(&tokenize("growth in 2024 over 2023")).is_empty());
        assert!(find(&tokenize("revenue between 2022 and 2024")).is_empty());
        assert!(find(&tokenize("top 5 products last 3 months")).is_empty());
        assert!(find(&tokenize("revenue over time")).is_empty());
    }
}
