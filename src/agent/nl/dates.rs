//! Spells out the dates people type as numbers or as retail days, so that the time reader sees month names:
//! `2024-03-15` → "march 15 2024", `2024-03` → "march 2024", "Black Friday 2023" → "november 24 2023".
//! Seasons ("summer 2023" → "june through august 2023") and halves ("back half of 2024") likewise. Named days
//! and seasons are only rewritten next to a year; without one the words stay as typed.

use chrono::{Datelike, NaiveDate, Weekday};

use super::time::MONTHS;

/// The text with ISO dates and named retail days (followed by a year) written as month, day and year.
pub fn spell_out(text: &str) -> String {
    let words: Vec<&str> = text.split(' ').collect();
    let mut out: Vec<String> = Vec::with_capacity(words.len());
    let mut i = 0;
    while i < words.len() {
        let previous = i.checked_sub(1).map(|j| words[j]);
        if let Some((spelled, used)) = holiday(&words[i..], previous) {
            out.push(spelled);
            i += used;
            continue;
        }
        out.push(iso(words[i]).unwrap_or_else(|| words[i].to_string()));
        i += 1;
    }
    out.join(" ")
}

/// `2024-03-15` (or `2024/03/15`) and `2024-03`, keeping punctuation around them.
fn iso(word: &str) -> Option<String> {
    let start = word.find(|c: char| c.is_ascii_digit())?;
    let end = word
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_ascii_digit())
        .map(|(i, _)| i + 1)?;
    let (before, core, after) = (&word[..start], &word[start..end], &word[end..]);
    if before.chars().any(char::is_alphanumeric) || after.chars().any(char::is_alphanumeric) {
        return None;
    }
    let parts: Vec<&str> = core.split(['-', '/']).collect();
    if parts.len() < 2 || parts.len() > 3 || parts[0].len() != 4 {
        return None;
    }
    let year: i32 = parts[0].parse().ok()?;
    let month: u32 = parts[1].parse().ok().filter(|m| (1..=12).contains(m))?;
    if parts[1].len() > 2 || !(1900..=2100).contains(&year) {
        return None;
    }
    let name = MONTHS[month as usize - 1];
    let spelled = match parts.get(2) {
        Some(d) => {
            let day: u32 = d.parse().ok()?;
            NaiveDate::from_ymd_opt(year, month, day)?;
            format!("{name} {day} {year}")
        }
        None => format!("{name} {year}"),
    };
    Some(format!("{before}{spelled}{after}"))
}

/// Seasons and halves named by words, with the months they span (only rewritten next to a year).
const SPANS: &[(&[&str], &str)] = &[
    (&["holiday", "season"], "november through december"),
    (&["holidays"], "november through december"),
    (&["summer"], "june through august"),
    (&["spring"], "march through may"),
    (&["autumn"], "september through november"),
    (&["fall"], "september through november"),
    (&["back", "half"], "second half"),
    (&["front", "half"], "first half"),
];

/// A named day: a fixed date, or some days after US Thanksgiving.
enum RetailDay {
    Fixed(u32, u32),
    AfterThanksgiving(u64),
}

/// Named retail days, longer names first.
const RETAIL_DAYS: &[(&[&str], RetailDay)] = &[
    (&["black", "friday"], RetailDay::AfterThanksgiving(1)),
    (&["cyber", "monday"], RetailDay::AfterThanksgiving(4)),
    (&["thanksgiving", "day"], RetailDay::AfterThanksgiving(0)),
    (&["thanksgiving"], RetailDay::AfterThanksgiving(0)),
    (&["christmas", "eve"], RetailDay::Fixed(12, 24)),
    (&["christmas", "day"], RetailDay::Fixed(12, 25)),
    (&["christmas"], RetailDay::Fixed(12, 25)),
    (&["boxing", "day"], RetailDay::Fixed(12, 26)),
    (&["new", "year's", "eve"], RetailDay::Fixed(12, 31)),
    (&["new", "years", "eve"], RetailDay::Fixed(12, 31)),
    (&["new", "year's", "day"], RetailDay::Fixed(1, 1)),
    (&["new", "years", "day"], RetailDay::Fixed(1, 1)),
    (&["valentine's", "day"], RetailDay::Fixed(2, 14)),
    (&["valentines", "day"], RetailDay::Fixed(2, 14)),
    (&["halloween"], RetailDay::Fixed(10, 31)),
];

/// "black friday 2023", "christmas eve 2024", "new year's day 2023": the day's date and the words used.
/// `previous` is the word before: "fall" and "spring" are also verbs ("did orders fall in 2023"), so they read
/// as seasons only after an article or preposition, or directly before the year.
fn holiday(words: &[&str], previous: Option<&str>) -> Option<(String, usize)> {
    let lower: Vec<String> = words
        .iter()
        .take(4)
        .map(|w| {
            w.to_lowercase()
                .trim_matches(|c: char| !c.is_alphanumeric() && c != '\'')
                .replace('\u{2019}', "'")
        })
        .collect();
    for (name, months) in SPANS {
        let n = name.len();
        if lower.len() > n && lower[..n].iter().zip(name.iter()).all(|(a, b)| a == b) {
            let of = usize::from(matches!(lower[n].as_str(), "of" | "in"));
            let verb_like = matches!(name[0], "fall" | "spring");
            let after_article = previous.is_some_and(|p| {
                matches!(
                    p.to_lowercase().as_str(),
                    "the" | "this" | "last" | "in" | "during" | "for" | "over" | "that" | "of"
                )
            });
            if verb_like && of == 1 && !after_article {
                continue;
            }
            let year_word = lower.get(n + of)?;
            let year: i32 = year_word
                .trim_matches(|c: char| !c.is_ascii_digit())
                .parse()
                .ok()
                .filter(|y| (1900..=2100).contains(y))?;
            let tail = trailing_punctuation(words[n + of]);
            let connector = if of == 1 {
                format!(" {}", lower[n])
            } else {
                String::new()
            };
            return Some((format!("{months}{connector} {year}{tail}"), n + of + 1));
        }
    }
    for (name, day) in RETAIL_DAYS {
        let n = name.len();
        if lower.len() <= n || lower[..n].iter().zip(name.iter()).any(|(a, b)| a != b) {
            continue;
        }
        // The year may follow directly or after "of"/"in".
        let (year_word, used) = match lower[n].as_str() {
            "of" | "in" => (lower.get(n + 1)?, n + 2),
            _ => (&lower[n], n + 1),
        };
        let year: i32 = year_word
            .trim_matches(|c: char| !c.is_ascii_digit())
            .parse()
            .ok()
            .filter(|y| (1900..=2100).contains(y))?;
        let d = match day {
            RetailDay::Fixed(m, d) => NaiveDate::from_ymd_opt(year, *m, *d)?,
            RetailDay::AfterThanksgiving(n) => {
                thanksgiving(year)?.checked_add_days(chrono::Days::new(*n))?
            }
        };
        let tail = trailing_punctuation(words[used - 1]);
        return Some((
            format!("{} {} {year}{tail}", MONTHS[d.month0() as usize], d.day()),
            used,
        ));
    }
    None
}

/// The punctuation a word ends with ("2023?" → "?").
fn trailing_punctuation(word: &str) -> String {
    let keep = word
        .chars()
        .rev()
        .take_while(|c| !c.is_alphanumeric())
        .count();
    word.chars().skip(word.chars().count() - keep).collect()
}

/// The fourth Thursday of November (US Thanksgiving).
fn thanksgiving(year: i32) -> Option<NaiveDate> {
    NaiveDate::from_weekday_of_month_opt(year, 11, Weekday::Thu, 4)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates_become_month_names() {
        assert_eq!(
            spell_out("orders on 2024-03-15?"),
            "orders on march 15 2024?"
        );
        assert_eq!(spell_out("sales in 2023-11"), "sales in november 2023");
        assert_eq!(
            spell_out("from 2024/01/01 to 2024/01/31"),
            "from january 1 2024 to january 31 2024"
        );
        // Not dates: a bad day, codes, plain years and amounts stay as typed.
        assert_eq!(spell_out("on 2023-02-30"), "on 2023-02-30");
        assert_eq!(spell_out("SKU-2024-07 in 2024"), "SKU-2024-07 in 2024");
        assert_eq!(spell_out("revenue above 1000"), "revenue above 1000");
    }

    #[test]
    fn retail_days_with_a_year_get_their_dates() {
        assert_eq!(
            spell_out("GMV on Black Friday 2023?"),
            "GMV on november 24 2023?"
        );
        assert_eq!(spell_out("Cyber Monday 2024"), "december 2 2024");
        assert_eq!(
            spell_out("sales on Christmas Eve of 2022"),
            "sales on december 24 2022"
        );
        assert_eq!(spell_out("New Year's Day 2024"), "january 1 2024");
        assert_eq!(
            spell_out("units in summer 2023 (June through August)"),
            "units in june through august 2023 (June through August)"
        );
        assert_eq!(
            spell_out("the holiday season of 2023"),
            "the november through december of 2023"
        );
        assert_eq!(
            spell_out("the back half of 2024"),
            "the second half of 2024"
        );
        // "fall" and "spring" as verbs stay verbs; after an article they are seasons.
        assert_eq!(
            spell_out("did orders fall in 2023"),
            "did orders fall in 2023"
        );
        assert_eq!(
            spell_out("sales in the fall of 2023"),
            "sales in the september through november of 2023"
        );
        assert_eq!(
            spell_out("units fall 2024"),
            "units september through november 2024"
        );
        // Without a year the day is not known: left as typed.
        assert_eq!(spell_out("black friday sales"), "black friday sales");
    }
}
