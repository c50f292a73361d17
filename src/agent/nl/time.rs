//! Reads time expressions: years, quarters, halves, months, ranges ("between Jan and June 2023"),
//! and relative phrases ("last month", "YTD", "last 3 months") anchored to the latest date in the data.

use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use super::lexer::Token;
use crate::catalog::semantic::Grain;

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
    /// The calendar year `y`, labelled "2023".
    pub fn calendar_year(y: i32) -> Option<Period> {
        Some(Period {
            start: NaiveDate::from_ymd_opt(y, 1, 1)?,
            end: NaiveDate::from_ymd_opt(y + 1, 1, 1)?,
            label: y.to_string(),
        })
    }

    /// Whether the period is exactly the calendar year `y`, whatever its label.
    pub fn is_calendar_year(&self, y: i32) -> bool {
        Period::calendar_year(y).is_some_and(|c| c.start == self.start && c.end == self.end)
    }

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

/// The whole buckets of a grain that make up a period exactly ("Nov–Dec 2024" by month: November and
/// December), or `None` when the period does not fall on the grain's boundaries. At most 24 buckets.
pub fn buckets(p: &Period, g: Grain) -> Option<Vec<Period>> {
    let months = match g {
        Grain::Month => 1,
        Grain::Quarter => 3,
        Grain::Year => 12,
        Grain::Week => {
            let days = (p.end - p.start).num_days();
            if days <= 0 || days % 7 != 0 || days > 7 * 24 {
                return None;
            }
            return Some(
                (0..days / 7)
                    .map(|k| {
                        let s = p.start + Duration::days(7 * k);
                        let e = s + Duration::days(7);
                        Period {
                            start: s,
                            end: e,
                            label: label_range(s, e),
                        }
                    })
                    .collect(),
            );
        }
        Grain::Day => return None,
    };
    if !p.month_aligned() || !(p.start.month() - 1).is_multiple_of(months) {
        return None;
    }
    let span = (p.end.year() - p.start.year()) * 12 + p.end.month() as i32 - p.start.month() as i32;
    let m = months as i32;
    if span <= 0 || span % m != 0 || span / m > 24 {
        return None;
    }
    (0..span / m)
        .map(|k| {
            let s = add_months(p.start.year(), p.start.month(), k * m)?;
            let e = add_months(p.start.year(), p.start.month(), (k + 1) * m)?;
            Some(Period {
                start: s,
                end: e,
                label: bucket_label(s, e, g),
            })
        })
        .collect()
}

/// The bucket of a grain just before a whole bucket (October for November, Q3 for Q4).
pub fn previous_bucket(p: &Period, g: Grain) -> Option<Period> {
    let (s, e) = match g {
        Grain::Week => (p.start - Duration::days(7), p.start),
        Grain::Month | Grain::Quarter | Grain::Year => {
            let m = match g {
                Grain::Month => 1,
                Grain::Quarter => 3,
                _ => 12,
            };
            (add_months(p.start.year(), p.start.month(), -m)?, p.start)
        }
        Grain::Day => return None,
    };
    Some(Period {
        start: s,
        end: e,
        label: bucket_label(s, e, g),
    })
}

fn bucket_label(s: NaiveDate, e: NaiveDate, g: Grain) -> String {
    match g {
        Grain::Quarter => format!("q{}_{}", (s.month() - 1) / 3 + 1, s.year()),
        _ => label_range(s, e),
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
    /// A to-date period ("YTD", "year to date", "so far this year") and the unit it runs through.
    pub to_date: Option<(Period, &'static str)>,
    /// Whether a comparison period ("same period last year") was aligned to the to-date window.
    pub aligned: bool,
    /// ISO days of the week kept ("on weekends" = 6, 7); empty keeps every day.
    pub weekdays: Vec<u32>,
    /// A split of the rows by day of the week ("by weekday", "weekends vs weekdays").
    pub day_group: Option<DayGroup>,
}

const DAY_NAMES: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// The ISO days of the week a word (or two) names and how many tokens it takes: "weekends" (6, 7),
/// "weekdays", "working days" and "business days" (1–5), "Mondays" (1).
pub fn weekday_words(tokens: &[Token], i: usize) -> Option<(Vec<u32>, usize)> {
    let t = |k: usize| tokens.get(k).map(|t| t.text.as_str()).unwrap_or("");
    match (t(i), t(i + 1)) {
        ("weekend" | "weekends", _) => Some((vec![6, 7], 1)),
        ("weekday" | "weekdays" | "workday" | "workdays", _) => Some(((1..=5).collect(), 1)),
        ("working" | "business" | "work", "day" | "days") => Some(((1..=5).collect(), 2)),
        (w, _) => DAY_NAMES
            .iter()
            .position(|d| w == *d || w.strip_suffix('s') == Some(d))
            .map(|p| (vec![p as u32 + 1], 1)),
    }
}

/// How the question splits the days into rows, if it does ("weekends vs weekdays", "by day of week").
pub fn day_split(tokens: &[Token], blocked: &[bool]) -> Option<DayGroup> {
    weekdays(tokens, blocked).group
}

/// How a question splits the days of the week into rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayGroup {
    /// Weekends against weekdays ("weekends vs weekdays").
    Weekend,
    /// One row per day of the week ("by weekday", "which day of the week", "Saturdays vs Sundays").
    DayOfWeek,
}

/// What the day-of-week reader found: the ISO days kept, a split into rows, and the tokens used.
#[derive(Debug, Clone, Default)]
struct Days {
    keep: Vec<u32>,
    group: Option<DayGroup>,
    used: Vec<usize>,
}

/// Reads the days of the week a question keeps: named days and weekends are kept, days after "not",
/// "excluding", "except", "outside" or "without" are left out ("excluding weekends" keeps Monday to Friday).
/// "by weekday", "which day of the week" split the answer per day; weekends compared with weekdays split it
/// in two; named days compared ("Saturdays vs Sundays") are kept and split per day.
fn weekdays(tokens: &[Token], blocked: &[bool]) -> Days {
    let t = |k: usize| tokens.get(k).map(|t| t.text.as_str()).unwrap_or("");
    let mut out = Days::default();
    let (mut keep, mut drop): (Vec<Vec<u32>>, Vec<u32>) = (Vec::new(), Vec::new());
    let grouping = |k: usize| {
        k.checked_sub(1)
            .map(t)
            .is_some_and(|w| matches!(w, "by" | "per" | "each" | "every" | "which" | "what"))
    };
    let mut i = 0;
    while i < tokens.len() {
        if blocked.get(i) == Some(&true) {
            i += 1;
            continue;
        }
        // "by day of (the) week", "which day of the week"
        let of_week = match (t(i), t(i + 1), t(i + 2), t(i + 3)) {
            ("day" | "days", "of", "week", _) => Some(3),
            ("day" | "days", "of", "the", "week") => Some(4),
            _ => None,
        };
        if let (Some(n), true) = (
            of_week,
            grouping(i) || (t(i.wrapping_sub(1)) == "the" && grouping(i - 1)),
        ) {
            out.group = Some(DayGroup::DayOfWeek);
            out.used.extend(i..i + n);
            i += n;
            continue;
        }
        let Some((days, n)) = weekday_words(tokens, i) else {
            i += 1;
            continue;
        };
        let before = |k: usize| i.checked_sub(k).map(t).unwrap_or("");
        // "how was your weekend": someone's days, not the data's.
        if matches!(before(1), "your" | "my" | "his" | "her") {
            i += n;
            continue;
        }
        if grouping(i) && matches!(t(i), "weekday" | "weekdays" | "day") {
            out.group = Some(DayGroup::DayOfWeek);
            out.used.extend(i..i + n);
            i += n;
            continue;
        }
        if grouping(i) {
            i += n;
            continue;
        }
        // "not on weekends", "excluding Sundays", "except on Saturdays and Sundays"
        let negated = (1..=3).map(before).take_while(|w| !w.is_empty()).any(|w| {
            matches!(
                w,
                "not" | "excluding" | "except" | "outside" | "without" | "exclude" | "excl"
            )
        }) || (!drop.is_empty() && matches!(before(1), "and" | "or" | "nor" | ","));
        if negated {
            drop.extend(days);
        } else {
            keep.push(days);
        }
        out.used.extend(i..i + n);
        i += n;
    }
    let compared = (0..tokens.len()).any(|k| {
        matches!(
            t(k),
            "vs" | "versus" | "compare" | "compared" | "against" | "or"
        )
    });
    let weekend = |d: &Vec<u32>| d.iter().all(|x| *x >= 6);
    if keep.iter().any(weekend) && keep.iter().any(|d| !weekend(d)) {
        // "weekends vs weekdays": every day, split in two.
        out.group = Some(DayGroup::Weekend);
        keep.clear();
    } else if compared && keep.len() >= 2 {
        out.group.get_or_insert(DayGroup::DayOfWeek);
    }
    if keep.is_empty() && drop.is_empty() {
        return out;
    }
    let base: Vec<u32> = if keep.is_empty() {
        (1..=7).collect()
    } else {
        keep.concat()
    };
    let mut days: Vec<u32> = base.into_iter().filter(|d| !drop.contains(d)).collect();
    days.sort_unstable();
    days.dedup();
    out.keep = days;
    out
}

pub(super) const MONTHS: [&str; 12] = [
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
    /// What a relative piece said: the unit of a to-date window, or of a step back ("last year").
    rel: Option<Rel>,
    /// Whether the piece carried its own year ("Mar 2024" yes, "Jan" in "Jan-Mar 2024" no).
    own_year: bool,
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
    /// A day of a month ("June 1", "31st of May").
    Day(u32, u32),
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
            PieceKind::Day(m, d) => {
                let day = ymd(year, m, d)?;
                (day, day.succ_opt()?, day.format("%Y%m%d").to_string())
            }
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

/// Phrases that name no period and no grouping: "across all years", "of all time", "one column per year".
fn no_period(tokens: &[Token], i: usize) -> Option<usize> {
    let t = |k: usize| tokens.get(k).map(|t| t.text.as_str()).unwrap_or("");
    let span = |k: usize| -> Option<usize> {
        let mut j = k;
        if t(j) != "all" {
            return None;
        }
        j += 1;
        if t(j) == "the" {
            j += 1;
        }
        matches!(
            t(j),
            "time" | "years" | "periods" | "history" | "dates" | "months"
        )
        .then_some(j + 1 - k)
    };
    if let Some(n) = span(i) {
        return Some(n);
    }
    if matches!(
        t(i),
        "over" | "across" | "for" | "in" | "during" | "of" | "from"
    ) {
        if let Some(n) = span(i + 1) {
            return Some(n + 1);
        }
    }
    if matches!(t(i), "lifetime" | "alltime") {
        return Some(1);
    }
    // Layout and ordering words: "side by side", "in month order", "in chronological order".
    if (t(i), t(i + 1), t(i + 2)) == ("side", "by", "side") {
        return Some(3);
    }
    if t(i) == "in"
        && matches!(
            t(i + 1),
            "month" | "date" | "chronological" | "time" | "calendar" | "year"
        )
        && t(i + 2) == "order"
    {
        return Some(3);
    }
    // "(with) one column per year", "a column for each quarter"
    if matches!(t(i), "one" | "a" | "1" | "single" | "separate" | "own")
        && matches!(t(i + 1), "column" | "columns")
    {
        let mut j = i + 2;
        if !matches!(t(j), "per" | "for" | "by" | "each") {
            return None;
        }
        while matches!(t(j), "per" | "for" | "by" | "each" | "every") {
            j += 1;
        }
        if !unit_of(t(j)).is_empty() || matches!(t(j), "period" | "periods") {
            return Some(j + 1 - i);
        }
    }
    None
}

const ORDINALS: [(&str, u32); 4] = [("first", 1), ("second", 2), ("third", 3), ("fourth", 4)];

/// Finds all time expressions in the tokens.
pub fn parse(tokens: &[Token], anchor: Option<NaiveDate>) -> TimeParse {
    parse_masked(tokens, anchor, &[])
}

/// Finds the time expressions, leaving alone the tokens marked in `blocked` (amounts of thresholds).
pub fn parse_masked(tokens: &[Token], anchor: Option<NaiveDate>, blocked: &[bool]) -> TimeParse {
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
        if blocked.get(i) == Some(&true) {
            i += 1;
            continue;
        }
        if let Some(used) = no_period(tokens, i) {
            for c in out.consumed.iter_mut().skip(i).take(used) {
                *c = true;
            }
            i += used;
            continue;
        }
        // Relative expressions need the anchor.
        if let Some(a) = anchor {
            if let Some((rel, used)) = relative(tokens, i, a, &has_this) {
                let p = rel.range;
                pieces.push(Piece {
                    rel: Some(rel),
                    own_year: true,
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
        // "June 1", "August 31st", and "1 June", "the 15th of November".
        let day_at = |k: usize| -> Option<u32> {
            let w = t(k);
            let digits = w
                .strip_suffix("st")
                .or_else(|| w.strip_suffix("nd"))
                .or_else(|| w.strip_suffix("rd"))
                .or_else(|| w.strip_suffix("th"))
                .unwrap_or(w);
            (digits.len() <= 2 && !digits.is_empty())
                .then(|| digits.parse::<u32>().ok())
                .flatten()
                .filter(|d| (1..=31).contains(d))
        };
        let day_piece = month_of(w)
            .filter(|_| w != "may" || day_at(i + 1).is_some())
            .and_then(|m| day_at(i + 1).map(|d| (PieceKind::Day(m, d), 2)))
            .or_else(|| {
                let of = usize::from(t(i + 1) == "of");
                let m = month_of(t(i + 1 + of))?;
                day_at(i).map(|d| (PieceKind::Day(m, d), 2 + of))
            });
        let kind_used = if let Some(p) = day_piece {
            Some(p)
        } else if let Some((q, used)) = quarter {
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
            if (t(end) == "of" || t(end) == "in" || t(end) == ",")
                && tokens.get(end + 1).and_then(|t| t.year()).is_some()
            {
                end += 1;
            }
            let year = tokens.get(end).and_then(|t| t.year());
            if year.is_some() {
                end += 1;
            }
            pieces.push(Piece {
                rel: None,
                own_year: year.is_some(),
                start_tok: i,
                end_tok: end,
                year,
                kind,
            });
            i = end;
            continue;
        }
        if let Some(y) = tokens[i].year() {
            // "fiscal year 2023", "(calendar) year 2023": the words before the number are part of it.
            let mut start = i;
            let grouped = start > 1 && matches!(t(start - 2), "by" | "per" | "each" | "every");
            let fiscal = start > 1 && t(start - 2) == "fiscal";
            if start > 0
                && t(start - 1) == "year"
                && !out.consumed[start - 1]
                && !grouped
                && !fiscal
            {
                start -= 1;
                // ("fiscal year" may be a column of its own, read by the linker.)
                if start > 0 && t(start - 1) == "calendar" {
                    start -= 1;
                }
            }
            pieces.push(Piece {
                rel: None,
                own_year: true,
                start_tok: start,
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
    let mut merged: Vec<(usize, usize, Period, Option<Rel>)> = Vec::new();
    let mut k = 0;
    while k < pieces.len() {
        let Some(p) = pieces[k].year.and_then(|y| pieces[k].period(y)) else {
            k += 1;
            continue;
        };
        let mut start_tok = pieces[k].start_tok;
        let mut end_tok = pieces[k].end_tok;
        let mut period = p;
        let mut rel = pieces[k].rel.clone();
        if k + 1 < pieces.len() {
            let gap: Vec<&str> = (pieces[k].end_tok..pieces[k + 1].start_tok)
                .map(t)
                .collect();
            let between = start_tok > 0 && matches!(t(start_tok - 1), "between" | "from");
            let joined = match gap.as_slice() {
                ["to"] | ["through"] | ["thru"] | ["until"] | ["till"] => true,
                ["and"] => between,
                // "Jan-Mar 2024", "Q1-Q3 2023": the hyphen is dropped by the lexer.
                [] => {
                    !pieces[k].own_year
                        && matches!(
                            (pieces[k].kind, pieces[k + 1].kind),
                            (PieceKind::Month(_), PieceKind::Month(_))
                                | (PieceKind::Quarter(_), PieceKind::Quarter(_))
                        )
                }
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
                        rel = None;
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
                    rel = None;
                    start_tok -= 1;
                }
            }
        }
        merged.push((start_tok, end_tok, period, rel));
        k += 1;
    }
    align_to_date(tokens, &mut merged, &mut out);
    let days = weekdays(tokens, blocked);
    for &k in &days.used {
        out.consumed[k] = true;
    }
    out.weekdays = days.keep;
    out.day_group = days.group;
    for (s, e, p, _) in merged {
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

/// The first day of the month `months` after `d`'s month, on `d`'s day (clamped to the month's end).
fn shift_months(d: NaiveDate, months: i32) -> Option<NaiveDate> {
    let first = add_months(d.year(), d.month(), months)?;
    let next = add_months(d.year(), d.month(), months + 1)?;
    let last = next.pred_opt()?.day();
    ymd(first.year(), first.month(), d.day().min(last))
}

fn to_date_label(unit: &str, start: NaiveDate) -> String {
    match unit {
        "month" => format!(
            "mtd_{}_{}",
            MONTH_ABBR[(start.month() - 1) as usize],
            start.year()
        ),
        "quarter" => format!("qtd_q{}_{}", (start.month() - 1) / 3 + 1, start.year()),
        _ => format!("ytd_{}", start.year()),
    }
}

/// The same window one `back` unit earlier (the previous year's, month's or quarter's same days), labelled
/// as a to-date window of `unit`.
pub fn same_period_before(p: &Period, back: &str, unit: &str) -> Option<Period> {
    let months = match back {
        "month" => 1,
        "quarter" => 3,
        _ => 12,
    };
    let start = shift_months(p.start, -months)?;
    let end = shift_months(p.end, -months)?;
    Some(Period {
        start,
        end,
        label: to_date_label(unit, start),
    })
}

/// "YTD vs same period last year": the step back of a comparison is read as the to-date window moved back
/// by one unit (same days), anchored like the to-date window itself.
fn align_to_date(
    tokens: &[Token],
    merged: &mut [(usize, usize, Period, Option<Rel>)],
    out: &mut TimeParse,
) {
    let t = |k: usize| tokens.get(k).map(|t| t.text.as_str()).unwrap_or("");
    let Some(k) = merged
        .iter()
        .position(|m| m.3.as_ref().is_some_and(|r| r.to_date.is_some()))
    else {
        return;
    };
    let unit = merged[k]
        .3
        .as_ref()
        .and_then(|r| r.to_date)
        .unwrap_or("year");
    let mut td = merged[k].2.clone();
    td.label = to_date_label(unit, td.start);
    merged[k].2 = td.clone();
    out.to_date = Some((td.clone(), unit));
    for (j, m) in merged.iter_mut().enumerate() {
        let Some(back) = m.3.as_ref().and_then(|r| r.back) else {
            continue;
        };
        if j == k {
            continue;
        }
        let Some(prev) = same_period_before(&td, back, unit) else {
            continue;
        };
        m.2 = prev;
        out.aligned = true;
        // "the same period", "same time of"
        let mut s = m.0;
        while s > 0 && matches!(t(s - 1), "same" | "period" | "time" | "the" | "of" | "in") {
            s -= 1;
        }
        if (s..m.0).any(|x| t(x) == "same") {
            m.0 = s;
        }
    }
}

/// What a relative expression read.
#[derive(Debug, Clone)]
struct Rel {
    range: (NaiveDate, NaiveDate),
    /// The unit of a to-date window (YTD: "year").
    to_date: Option<&'static str>,
    /// The unit of a step back ("last year", "previous month", "a year ago").
    back: Option<&'static str>,
}

impl Rel {
    fn plain(range: (NaiveDate, NaiveDate)) -> Rel {
        Rel {
            range,
            to_date: None,
            back: None,
        }
    }
}

/// Relative expressions at token `i`: returns what they read and how many tokens they used.
fn relative(
    tokens: &[Token],
    i: usize,
    a: NaiveDate,
    has_this: &dyn Fn(&str) -> bool,
) -> Option<(Rel, usize)> {
    let t = |k: usize| tokens.get(k).map(|t| t.text.as_str()).unwrap_or("");
    // "the most recent quarter", "the most recent 3 months": as "last" (the latest complete one).
    if (t(i), t(i + 1)) == ("most", "recent") {
        let mut alias = tokens.to_vec();
        alias[i + 1].text = "last".into();
        return relative(&alias, i + 1, a, has_this).map(|(rel, used)| (rel, used + 1));
    }
    let end = a.succ_opt()?;
    let w = t(i);
    let month0 = month_start(a.year(), a.month())?;
    let q0m = (a.month() - 1) / 3 * 3 + 1;
    let to_date = |range, unit, used| {
        Some((
            Rel {
                range,
                to_date: Some(unit),
                back: None,
            },
            used,
        ))
    };
    match w {
        "ytd" => return to_date((month_start(a.year(), 1)?, end), "year", 1),
        "mtd" => return to_date((month0, end), "month", 1),
        "qtd" => return to_date((month_start(a.year(), q0m)?, end), "quarter", 1),
        "today" => return Some((Rel::plain((a, end)), 1)),
        "yesterday" => return Some((Rel::plain((a.pred_opt()?, a)), 1)),
        _ => {}
    }
    // year/month/quarter to date
    if t(i + 1) == "to" && t(i + 2) == "date" {
        let (s, unit) = match unit_of(w) {
            "year" => (month_start(a.year(), 1)?, "year"),
            "month" => (month0, "month"),
            "quarter" => (month_start(a.year(), q0m)?, "quarter"),
            _ => return None,
        };
        return to_date((s, end), unit, 3);
    }
    // "a year ago", "one month ago": the whole unit that far back
    if let (Some(nn), u) = (
        if w == "a" {
            Some(1)
        } else {
            tokens.get(i).and_then(|t| t.count())
        },
        unit_of(t(i + 1)),
    ) {
        if !u.is_empty() && t(i + 2) == "ago" {
            let n = nn as i32;
            let range = match u {
                "year" => (
                    month_start(a.year() - n, 1)?,
                    month_start(a.year() - n + 1, 1)?,
                ),
                "quarter" => (
                    add_months(a.year(), q0m, -3 * n)?,
                    add_months(a.year(), q0m, 3 - 3 * n)?,
                ),
                "month" => (
                    add_months(a.year(), a.month(), -n)?,
                    add_months(a.year(), a.month(), 1 - n)?,
                ),
                _ => return None,
            };
            let back = (n == 1).then_some(u);
            return Some((
                Rel {
                    range,
                    to_date: None,
                    back,
                },
                3,
            ));
        }
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
        return Some((Rel::plain((s, end)), 3));
    }
    let unit = unit_of(t(i + 1));
    if unit.is_empty() || t(i + 1).ends_with('s') {
        return None;
    }
    // "last year" is the year before the anchor's; "last month" and "last quarter" are the latest complete
    // ones (the anchor's own when the data runs to its end); with "this X" in the question, the one before.
    let next_day = a.succ_opt().unwrap_or(a);
    let complete = match unit {
        "month" => next_day.day() == 1,
        "quarter" => next_day.day() == 1 && matches!(next_day.month(), 1 | 4 | 7 | 10),
        _ => true,
    };
    let back = match w {
        "previous" | "prior" => 1,
        "last" | "past" if has_this(unit) || unit == "year" || !complete => 1,
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
    let so_far =
        (0..tokens.len()).any(|k| matches!((t(k), t(k + 1)), ("so", "far") | ("to", "date")));
    let rel = Rel {
        range,
        to_date: (matches!(w, "this" | "current") && so_far && unit != "day" && unit != "week")
            .then_some(unit),
        back: matches!(w, "last" | "past" | "previous" | "prior").then_some(unit),
    };
    Some((rel, 2))
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
        assert_eq!(
            periods("Jan-Mar 2024"),
            vec![(d(2024, 1, 1), d(2024, 4, 1))]
        );
        assert_eq!(periods("Q1-Q3 2023"), vec![(d(2023, 1, 1), d(2023, 10, 1))]);
    }

    #[test]
    fn reads_days_of_months() {
        assert_eq!(
            periods("sales from June 1 through August 31, 2023"),
            vec![(d(2023, 6, 1), d(2023, 9, 1))]
        );
        assert_eq!(
            periods("revenue between March 1st and May 31st 2022"),
            vec![(d(2022, 3, 1), d(2022, 6, 1))]
        );
        assert_eq!(
            periods("revenue from 15 November to 31 December 2023"),
            vec![(d(2023, 11, 15), d(2024, 1, 1))]
        );
        assert_eq!(
            periods("on May 5 2024"),
            vec![(d(2024, 5, 5), d(2024, 5, 6))]
        );
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
        assert_eq!(periods("last year"), vec![(d(2023, 1, 1), d(2024, 1, 1))]);
        // Data running two days into January: the latest complete month and quarter are the ones before.
        let early = |q: &str| -> Vec<(NaiveDate, NaiveDate)> {
            parse(&tokenize(q), Some(d(2003, 1, 2)))
                .periods
                .iter()
                .map(|p| (p.start, p.end))
                .collect()
        };
        assert_eq!(early("last month"), vec![(d(2002, 12, 1), d(2003, 1, 1))]);
        assert_eq!(early("last quarter"), vec![(d(2002, 10, 1), d(2003, 1, 1))]);
        assert_eq!(early("last year"), vec![(d(2002, 1, 1), d(2003, 1, 1))]);
        assert_eq!(early("latest month"), vec![(d(2003, 1, 1), d(2003, 1, 3))]);
    }

    #[test]
    fn the_most_recent_unit_is_the_latest_complete_one() {
        assert_eq!(
            periods("margin in the most recent quarter"),
            vec![(d(2024, 10, 1), d(2025, 1, 1))]
        );
        assert_eq!(
            periods("units over the most recent 2 months"),
            vec![(d(2024, 11, 1), d(2025, 1, 1))]
        );
        let p = parse(
            &tokenize("orders in the most recent month"),
            Some(d(2003, 1, 2)),
        );
        assert_eq!(p.periods[0].start, d(2002, 12, 1));
        // "most" belongs to the date, not to a ranking.
        let toks = tokenize("the most recent year");
        let p = parse(&toks, Some(d(2024, 12, 31)));
        assert!(p.consumed[1]);
    }

    #[test]
    fn reads_days_of_the_week() {
        let days = |q: &str| parse(&tokenize(q), Some(d(2024, 12, 31)));
        assert_eq!(days("revenue on weekends").weekdays, vec![6, 7]);
        assert_eq!(
            days("orders during working days").weekdays,
            vec![1, 2, 3, 4, 5]
        );
        assert_eq!(
            days("units on weekdays in 2023").weekdays,
            vec![1, 2, 3, 4, 5]
        );
        assert_eq!(
            days("sales excluding Sundays").weekdays,
            vec![1, 2, 3, 4, 5, 6]
        );
        assert_eq!(
            days("revenue on Mondays and Fridays last year").weekdays,
            vec![1, 5]
        );
        assert_eq!(
            days("units not sold on weekends").weekdays,
            vec![1, 2, 3, 4, 5]
        );
        let both = days("profit on weekends vs weekdays");
        assert!(both.weekdays.is_empty());
        assert_eq!(both.day_group, Some(DayGroup::Weekend));
        let per = days("revenue by day of the week in 2024");
        assert_eq!(per.day_group, Some(DayGroup::DayOfWeek));
        assert_eq!(per.periods.len(), 1);
        let two = days("Saturdays versus Sundays");
        assert_eq!(two.day_group, Some(DayGroup::DayOfWeek));
        assert_eq!(two.weekdays, vec![6, 7]);
        assert!(days("revenue in 2024").weekdays.is_empty());
        let small_talk = days("how was your weekend");
        assert!(small_talk.weekdays.is_empty() && !small_talk.consumed.iter().any(|c| *c));
    }

    #[test]
    fn splits_periods_into_whole_buckets() {
        let p = |s: NaiveDate, e: NaiveDate| Period {
            start: s,
            end: e,
            label: String::new(),
        };
        let two = buckets(&p(d(2024, 11, 1), d(2025, 1, 1)), Grain::Month).unwrap();
        assert_eq!(two.len(), 2);
        assert_eq!(two[1].label, "dec_2024");
        assert_eq!(
            buckets(&p(d(2024, 1, 1), d(2025, 1, 1)), Grain::Quarter).map(|b| b.len()),
            Some(4)
        );
        assert!(buckets(&p(d(2024, 2, 1), d(2024, 5, 1)), Grain::Quarter).is_none());
        assert!(buckets(&p(d(2024, 12, 1), d(2024, 12, 16)), Grain::Month).is_none());
        let q = previous_bucket(&p(d(2024, 1, 1), d(2024, 4, 1)), Grain::Quarter).unwrap();
        assert_eq!(
            (q.start, q.end, q.label.as_str()),
            (d(2023, 10, 1), d(2024, 1, 1), "q4_2023")
        );
        let w = previous_bucket(&p(d(2024, 12, 23), d(2024, 12, 30)), Grain::Week).unwrap();
        assert_eq!(w.start, d(2024, 12, 16));
    }

    #[test]
    fn phrases_without_a_period_are_consumed() {
        for q in [
            "net sales by format across all years",
            "top customers of all time",
        ] {
            let p = parse(&tokenize(q), Some(d(2024, 12, 31)));
            assert!(p.periods.is_empty(), "{q}");
            assert!(p.consumed.iter().any(|c| *c), "{q}");
        }
        let toks = tokenize("2023 vs 2024 by region with one column per year");
        let p = parse(&toks, Some(d(2024, 12, 31)));
        assert_eq!(p.periods.len(), 2);
        let year = toks.iter().rposition(|t| t.text == "year").unwrap();
        assert!(p.consumed[year]);
    }

    #[test]
    fn leaves_other_numbers_alone() {
        assert!(periods("top 5 products").is_empty());
        assert!(periods("how may I help").is_empty());
    }
}
