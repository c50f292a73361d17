//! Reads time expressions: years, quarters, halves, months, ranges ("between Jan and June 2023"),
//! and relative phrases ("last month", "YTD", "last 3 months") anchored to the latest date in the data.

use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use super::lexer::Token;

/// A half-open date range `[start, end)` with a readable label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    #[serde(with = "crate::catalog::semantic::date_serde")]
    pub start: NaiveDate,
    #[serde(with = "crate::catalog::semantic::date_serde")]
    pub end: NaiveDate,
    pub label: String,
}

impl Period {
    /// The last day inside the period.
    pub fn last_day(&self) -> NaiveDate {
        self.end.pred_opt().unwrap_or(self.end)
    }

    /// Whether the period covers whole calendar months.
    pub fn month_aligned(&self) -> bool {
        self.start.day() == 1 && self.end.day() == 1
    }

    /// The same period shifted by whole years.
    pub fn shift_years(&self, years: i32) -> Period {
        let shift = |d: NaiveDate| {
            d.with_year(d.year() + years)
                .or_else(|| NaiveDate::from_ymd_opt(d.year() + years, d.month(), 28))
                .unwrap_or(d)
        };
        let label = relabel_year(&self.label, years);
        Period {
            start: shift(self.start),
            end: shift(self.end),
            label,
        }
    }
}

fn relabel_year(label: &str, years: i32) -> String {
    label
        .split('_')
        .map(|p| match p.parse::<i32>() {
            Ok(y) if (1900..=2100).contains(&y) => (y + years).to_string(),
            _ => p.to_string(),
        })
        .collect::<Vec<_>>()
        .join("_")
}

/// What the time reader found in a question.
#[derive(Debug, Clone, Default)]
pub struct TimeParse {
    pub periods: Vec<Period>,
    /// Tokens consumed by time expressions.
    pub consumed: Vec<bool>,
    /// Whether a relative expression was anchored (so the notice can say so).
    pub relative: bool,
    /// Whether a period lacked its year and got the anchor's (or a neighbour's).
    pub year_guessed: bool,
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

fn month_of(word: &str) -> Option<u32> {
    if word.len() < 3 {
        return None;
    }
    if word == "sept" {
        return Some(9);
    }
    MONTHS
        .iter()
        .position(|m| *m == word || (word.len() == 3 && m.starts_with(word)))
        .map(|i| i as u32 + 1)
}

fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

fn month_start(y: i32, m: u32) -> Option<NaiveDate> {
    ymd(y, m, 1)
}

/// First day of the month `n` months after (y, m).
fn add_months(y: i32, m: u32, n: i32) -> Option<NaiveDate> {
    let idx = y * 12 + (m as i32 - 1) + n;
    month_start(idx.div_euclid(12), (idx.rem_euclid(12) + 1) as u32)
}

const MONTH_ABBR: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

/// A piece before its year is known.
#[derive(Debug, Clone)]
struct Piece {
    start_tok: usize,
    end_tok: usize,
    year: Option<i32>,
    kind: PieceKind,
}

#[derive(Debug, Clone, Copy)]
enum PieceKind {
    Year,
    Quarter(u32),
    Half(u32),
    Month(u32),
    Fixed(NaiveDate, NaiveDate),
}

impl Piece {
    fn period(&self, year: i32) -> Option<Period> {
        let (start, end, label) = match self.kind {
            PieceKind::Year => (
                month_start(year, 1)?,
                month_start(year + 1, 1)?,
                format!("{year}"),
            ),
            PieceKind::Quarter(q) => (
                month_start(year, 3 * q - 2)?,
                add_months(year, 3 * q - 2, 3)?,
                format!("q{q}_{year}"),
            ),
            PieceKind::Half(h) => (
                month_start(year, 6 * h - 5)?,
                add_months(year, 6 * h - 5, 6)?,
                format!("h{h}_{year}"),
            ),
            PieceKind::Month(m) => (
                month_start(year, m)?,
                add_months(year, m, 1)?,
                format!("{}_{year}", MONTH_ABBR[(m - 1) as usize]),
            ),
            PieceKind::Fixed(s, e) => (s, e, label_range(s, e)),
        };
        Some(Period { start, end, label })
    }
}

fn label_range(s: NaiveDate, e: NaiveDate) -> String {
    let last = e.pred_opt().unwrap_or(e);
    if s.day() == 1 && e.day() == 1 {
        if s.month() == 1 && e.month() == 1 && e.year() == s.year() + 1 {
            return format!("{}", s.year());
        }
        if add_months(s.year(), s.month(), 1) == Some(e) {
            return format!("{}_{}", MONTH_ABBR[(s.month() - 1) as usize], s.year());
        }
        return format!(
            "{}_{}_to_{}_{}",
            MONTH_ABBR[(s.month() - 1) as usize],
            s.year(),
            MONTH_ABBR[(last.month() - 1) as usize],
            last.year()
        );
    }
    format!("{}_to_{}", s.format("%Y%m%d"), last.format("%Y%m%d"))
}

const ORDINALS: [(&str, u32); 4] = [("first", 1), ("second", 2), ("third", 3), ("fourth", 4)];

/// Finds all time expressions in the tokens.
pub fn parse(tokens: &[Token], anchor: Option<NaiveDate>) -> TimeParse {
    let n = tokens.len();
    let mut out = TimeParse {
        consumed: vec![false; n],
        ..Default::default()
    };
    let t = |i: usize| tokens.get(i).map(|t| t.text.as_str()).unwrap_or("");
    let has_this = |unit: &str| {
        (0..n).any(|i| matches!(t(i), "this" | "current") && unit_of(t(i + 1)) == unit_of(unit))
    };
    let mut pieces: Vec<Piece> = Vec::new();
    let mut i = 0;
    while i < n {
        let w = t(i);
        // Relative expressions need the anchor.
        if let Some(a) = anchor {
            if let Some((p, used)) = relative(tokens, i, a, &has_this) {
                pieces.push(Piece {
                    start_tok: i,
                    end_tok: i + used,
                    year: Some(p.0.year()),
                    kind: PieceKind::Fixed(p.0, p.1),
                });
                out.relative = true;
                i += used;
                continue;
            }
        }
        // q4 [of] [2023]
        let quarter = w
            .strip_prefix('q')
            .and_then(|d| d.parse::<u32>().ok())
            .filter(|q| (1..=4).contains(q))
            .map(|q| (q, 1))
            .or_else(|| {
                ORDINALS
                    .iter()
                    .find(|(o, _)| *o == w)
                    .filter(|_| t(i + 1) == "quarter")
                    .map(|(_, q)| (*q, 2))
            });
        let half = w
            .strip_prefix('h')
            .and_then(|d| d.parse::<u32>().ok())
            .filter(|h| (1..=2).contains(h))
            .map(|h| (h, 1))
            .or_else(|| match (w, t(i + 1)) {
                ("first", "half") => Some((1, 2)),
                ("second", "half") => Some((2, 2)),
                _ => None,
            });
        let kind_used = if let Some((q, used)) = quarter {
            Some((PieceKind::Quarter(q), used))
        } else if let Some((h, used)) = half {
            Some((PieceKind::Half(h), used))
        } else if let Some(m) = month_of(w) {
            // "may" is a month only next to a year or a range word.
            let ok = w != "may"
                || tokens.get(i + 1).and_then(|t| t.year()).is_some()
                || matches!(
                    t(i.wrapping_sub(1)),
                    "in" | "of" | "between" | "from" | "since" | "and" | "to" | "during"
                );
            ok.then_some((PieceKind::Month(m), 1))
        } else {
            None
        };
        if let Some((kind, used)) = kind_used {
            let mut end = i + used;
            if (t(end) == "of" || t(end) == "in")
                && tokens.get(end + 1).and_then(|t| t.year()).is_some()
            {
                end += 1;
            }
            let year = tokens.get(end).and_then(|t| t.year());
            if year.is_some() {
                end += 1;
            }
            pieces.push(Piece {
                start_tok: i,
                end_tok: end,
                year,
                kind,
            });
            i = end;
            continue;
        }
        if let Some(y) = tokens[i].year() {
            // "fiscal year 2023", "year 2023"
            pieces.push(Piece {
                start_tok: i,
                end_tok: i + 1,
                year: Some(y),
                kind: PieceKind::Year,
            });
            i += 1;
            continue;
        }
        i += 1;
    }
    // Fill missing years from the nearest explicit neighbour, else the anchor.
    for k in 0..pieces.len() {
        if pieces[k].year.is_none() {
            let after = pieces[k + 1..].iter().find_map(|p| p.year);
            let before = pieces[..k].iter().rev().find_map(|p| p.year);
            let y = after.or(before).or(anchor.map(|a| a.year()));
            if after.is_none() && before.is_none() {
                out.year_guessed = true;
            }
            pieces[k].year = y;
        }
    }
    // Merge ranges: between A and B, from A to B, A to B, A through B, A - B.
    let mut merged: Vec<(usize, usize, Period)> = Vec::new();
    let mut k = 0;
    while k < pieces.len() {
        let Some(p) = pieces[k].year.and_then(|y| pieces[k].period(y)) else {
            k += 1;
            continue;
        };
        let mut start_tok = pieces[k].start_tok;
        let mut end_tok = pieces[k].end_tok;
        let mut period = p;
        if k + 1 < pieces.len() {
            let gap: Vec<&str> = (pieces[k].end_tok..pieces[k + 1].start_tok)
                .map(t)
                .collect();
            let between = start_tok > 0 && matches!(t(start_tok - 1), "between" | "from");
            let joined = match gap.as_slice() {
                ["to"] | ["through"] | ["thru"] | ["until"] | ["till"] => true,
                ["and"] => between,
                _ => false,
            };
            if joined {
                if let Some(q) = pieces[k + 1].year.and_then(|y| pieces[k + 1].period(y)) {
                    if q.end > period.start {
                        period = Period {
                            start: period.start,
                            end: q.end,
                            label: label_range(period.start, q.end),
                        };
                        end_tok = pieces[k + 1].end_tok;
                        k += 1;
                    }
                }
            }
        }
        if start_tok > 0 && matches!(t(start_tok - 1), "between" | "from") {
            start_tok -= 1;
        }
        // since X / after X / before X / until X
        if start_tok > 0 {
            let prev = t(start_tok - 1);
            let lo = NaiveDate::from_ymd_opt(1900, 1, 1);
            let hi = anchor.and_then(|a| a.succ_opt());
            let open = match prev {
                "since" | "from" => hi.map(|h| (period.start, h)),
                "after" => hi.map(|h| (period.end, h)),
                "before" => lo.map(|l| (l, period.start)),
                "until" | "till" => lo.map(|l| (l, period.end)),
                _ => None,
            };
            if let Some((s, e)) = open {
                if s < e && !(prev == "from" && end_tok != pieces[k].end_tok) {
                    period = Period {
                        start: s,
                        end: e,
                        label: label_range(s, e),
                    };
                    start_tok -= 1;
                }
            }
        }
        merged.push((start_tok, end_tok, period));
        k += 1;
    }
    for (s, e, p) in merged {
        for c in out.consumed.iter_mut().take(e).skip(s) {
            *c = true;
        }
        if !out.periods.contains(&p) {
            out.periods.push(p);
        }
    }
    out
}

fn unit_of(w: &str) -> &'static str {
    match w {
        "day" | "days" => "day",
        "week" | "weeks" => "week",
        "month" | "months" => "month",
        "quarter" | "quarters" => "quarter",
        "year" | "years" => "year",
        _ => "",
    }
}

/// Relative expressions at token `i`: returns the range and how many tokens it used.
fn relative(
    tokens: &[Token],
    i: usize,
    a: NaiveDate,
    has_this: &dyn Fn(&str) -> bool,
) -> Option<((NaiveDate, NaiveDate), usize)> {
    let t = |k: usize| tokens.get(k).map(|t| t.text.as_str()).unwrap_or("");
    let end = a.succ_opt()?;
    let w = t(i);
    let month0 = month_start(a.year(), a.month())?;
    let q0m = (a.month() - 1) / 3 * 3 + 1;
    match w {
        "ytd" => return Some(((month_start(a.year(), 1)?, end), 1)),
        "mtd" => return Some(((month0, end), 1)),
        "qtd" => return Some(((month_start(a.year(), q0m)?, end), 1)),
        "today" => return Some(((a, end), 1)),
        "yesterday" => return Some(((a.pred_opt()?, a), 1)),
        _ => {}
    }
    // year/month/quarter to date
    if t(i + 1) == "to" && t(i + 2) == "date" {
        let s = match unit_of(w) {
            "year" => month_start(a.year(), 1)?,
            "month" => month0,
            "quarter" => month_start(a.year(), q0m)?,
            _ => return None,
        };
        return Some(((s, end), 3));
    }
    let lead = matches!(
        w,
        "last"
            | "past"
            | "previous"
            | "prior"
            | "this"
            | "current"
            | "latest"
            | "recent"
            | "trailing"
    );
    if !lead {
        return None;
    }
    // last N units
    if let Some(nn) = tokens.get(i + 1).and_then(|t| t.count()) {
        let unit = unit_of(t(i + 2));
        let n = nn as i32;
        let s = match unit {
            "day" => a - Duration::days(i64::from(nn) - 1),
            "week" => a - Duration::days(7 * i64::from(nn) - 1),
            "month" => add_months(a.year(), a.month(), 1 - n)?,
            "quarter" => add_months(a.year(), q0m, 3 - 3 * n)?,
            "year" => month_start(a.year() + 1 - n, 1)?,
            _ => return None,
        };
        return Some(((s, end), 3));
    }
    let unit = unit_of(t(i + 1));
    if unit.is_empty() || t(i + 1).ends_with('s') {
        return None;
    }
    // "last X" means the latest X in the data, unless "this X" also appears (then the one before).
    let back = match w {
        "previous" | "prior" => 1,
        "last" | "past" if has_this(unit) => 1,
        _ => 0,
    };
    let range = match unit {
        "day" => (a - Duration::days(back), a - Duration::days(back - 1)),
        "week" => (
            a - Duration::days(6 + 7 * back),
            a - Duration::days(7 * back - 1),
        ),
        "month" => (
            add_months(a.year(), a.month(), -(back as i32))?,
            add_months(a.year(), a.month(), 1 - back as i32)?,
        ),
        "quarter" => (
            add_months(a.year(), q0m, -3 * back as i32)?,
            add_months(a.year(), q0m, 3 - 3 * back as i32)?,
        ),
        "year" => (
            month_start(a.year() - back as i32, 1)?,
            month_start(a.year() + 1 - back as i32, 1)?,
        ),
        _ => return None,
    };
    // A period that is still running ends at the anchor.
    let range = (range.0, range.1.min(end));
    Some((range, 2))
}

#[cfg(test)]
mod tests {
    use super::super::lexer::tokenize;
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn periods(q: &str) -> Vec<(NaiveDate, NaiveDate)> {
        parse(&tokenize(q), Some(d(2024, 12, 31)))
            .periods
            .iter()
            .map(|p| (p.start, p.end))
            .collect()
    }

    #[test]
    fn reads_absolute_periods() {
        assert_eq!(
            periods("revenue in 2023"),
            vec![(d(2023, 1, 1), d(2024, 1, 1))]
        );
        assert_eq!(
            periods("orders in March 2024"),
            vec![(d(2024, 3, 1), d(2024, 4, 1))]
        );
        assert_eq!(periods("Q4 2023"), vec![(d(2023, 10, 1), d(2024, 1, 1))]);
        assert_eq!(
            periods("fourth quarter of 2022"),
            vec![(d(2022, 10, 1), d(2023, 1, 1))]
        );
        assert_eq!(periods("H1 2024"), vec![(d(2024, 1, 1), d(2024, 7, 1))]);
    }

    #[test]
    fn reads_ranges() {
        assert_eq!(
            periods("between January and June 2023"),
            vec![(d(2023, 1, 1), d(2023, 7, 1))]
        );
        assert_eq!(
            periods("from Mar to May 2024"),
            vec![(d(2024, 3, 1), d(2024, 6, 1))]
        );
        assert_eq!(
            periods("2022 through 2023"),
            vec![(d(2022, 1, 1), d(2024, 1, 1))]
        );
        assert_eq!(periods("since 2024"), vec![(d(2024, 1, 1), d(2025, 1, 1))]);
    }

    #[test]
    fn reads_comparisons() {
        assert_eq!(periods("2023 vs 2024").len(), 2);
        assert_eq!(periods("Q4 2024 compared to Q4 2023").len(), 2);
    }

    #[test]
    fn reads_relative_periods() {
        assert_eq!(
            periods("revenue last month"),
            vec![(d(2024, 12, 1), d(2025, 1, 1))]
        );
        assert_eq!(periods("this year"), vec![(d(2024, 1, 1), d(2025, 1, 1))]);
        assert_eq!(periods("YTD"), vec![(d(2024, 1, 1), d(2025, 1, 1))]);
        assert_eq!(
            periods("year to date"),
            vec![(d(2024, 1, 1), d(2025, 1, 1))]
        );
        assert_eq!(
            periods("last 3 months"),
            vec![(d(2024, 10, 1), d(2025, 1, 1))]
        );
        assert_eq!(
            periods("this year vs last year"),
            vec![
                (d(2024, 1, 1), d(2025, 1, 1)),
                (d(2023, 1, 1), d(2024, 1, 1))
            ]
        );
        assert_eq!(
            periods("previous year"),
            vec![(d(2023, 1, 1), d(2024, 1, 1))]
        );
        assert!(parse(&tokenize("last month"), Some(d(2024, 12, 31))).relative);
    }

    #[test]
    fn leaves_other_numbers_alone() {
        assert!(periods("top 5 products").is_empty());
        assert!(periods("how may I help").is_empty());
    }
}
