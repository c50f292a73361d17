//! Reads distribution statistics named in a question: "median", "90th percentile", "p95", "percentile 75",
//! "upper quartile". The shape reader applies each to the measure that follows it.

use super::intent::Stat;
use super::lexer::Token;

/// A statistic and the tokens that name it.
#[derive(Debug, Clone, PartialEq)]
pub struct StatWord {
    pub stat: Stat,
    pub start: usize,
    pub end: usize,
}

/// "90th", "95", "p90" → 90 (1–99).
fn percent_of(text: &str) -> Option<u8> {
    let digits = text
        .strip_suffix("th")
        .or_else(|| text.strip_suffix("st"))
        .or_else(|| text.strip_suffix("nd"))
        .or_else(|| text.strip_suffix("rd"))
        .unwrap_or(text);
    let digits = digits.strip_prefix('p').unwrap_or(digits);
    match digits.parse::<u8>() {
        Ok(p) if (1..=99).contains(&p) => Some(p),
        _ => None,
    }
}

/// Finds the statistics in the tokens.
pub fn find(tokens: &[Token]) -> Vec<StatWord> {
    let t = |k: usize| tokens.get(k).map(|t| t.text.as_str()).unwrap_or("");
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let w = t(i);
        let found = match w {
            "median" | "medians" => Some((Stat::Median, i, i + 1)),
            "percentile" | "pctl" | "quantile" => {
                // "90th percentile", "percentile 90"
                if let Some(p) = i.checked_sub(1).and_then(|k| percent_of(t(k))) {
                    Some((Stat::Percentile(p), i - 1, i + 1))
                } else {
                    percent_of(t(i + 1)).map(|p| (Stat::Percentile(p), i, i + 2))
                }
            }
            "quartile" => {
                let p = match i.checked_sub(1).map(t) {
                    Some("upper" | "top" | "third" | "3rd") => Some(75),
                    Some("lower" | "bottom" | "first" | "1st") => Some(25),
                    Some("second" | "2nd" | "middle") => Some(50),
                    _ => None,
                };
                p.map(|p| (Stat::Percentile(p), i - 1, i + 1))
            }
            _ if w.starts_with('p')
                && w.len() == 3
                && w[1..].chars().all(|c| c.is_ascii_digit()) =>
            {
                percent_of(w).map(|p| {
                    let s = if p == 50 {
                        Stat::Median
                    } else {
                        Stat::Percentile(p)
                    };
                    (s, i, i + 1)
                })
            }
            _ => None,
        };
        if let Some((stat, start, mut end)) = found {
            if t(end) == "of" {
                end += 1;
            }
            out.push(StatWord { stat, start, end });
            i = end;
            continue;
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::lexer::tokenize;
    use super::*;

    fn stats(q: &str) -> Vec<Stat> {
        find(&tokenize(q)).into_iter().map(|s| s.stat).collect()
    }

    #[test]
    fn reads_medians_and_percentiles() {
        assert_eq!(stats("median order value"), vec![Stat::Median]);
        assert_eq!(
            stats("90th percentile of revenue per order"),
            vec![Stat::Percentile(90)]
        );
        assert_eq!(stats("p95 order value"), vec![Stat::Percentile(95)]);
        assert_eq!(stats("percentile 75 of spend"), vec![Stat::Percentile(75)]);
        assert_eq!(
            stats("upper quartile of basket size"),
            vec![Stat::Percentile(75)]
        );
        assert_eq!(stats("p50 discount"), vec![Stat::Median]);
        assert!(stats("top 5 products in q4").is_empty());
        let w = find(&tokenize("the 90th percentile of revenue"));
        assert_eq!((w[0].start, w[0].end), (1, 4));
    }
}
