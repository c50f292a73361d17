//! The summarizer: turns a materialized answer (columns and rows) into a short narrative computed from the data
//! itself — totals, leader and laggard with shares, growth, trend, outliers, a sparkline for time series — with
//! numbers formatted per the plan's formats. Numbers never come from a model.

use crate::catalog::semantic::Format;
use crate::engine::{CollectSink, SqlType};

/// A small materialized result: column names and types, and each value as text (`None` = NULL).
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub columns: Vec<(String, SqlType)>,
    pub rows: Vec<Vec<Option<String>>>,
}

impl Table {
    /// Renders a collected engine result as text values.
    pub fn from_sink(sink: &CollectSink) -> Table {
        use duckdb::arrow::util::display::array_value_to_string;
        let columns = sink
            .columns
            .iter()
            .map(|c| (c.name.clone(), c.ty.clone()))
            .collect();
        let mut rows = Vec::new();
        for b in &sink.batches {
            for r in 0..b.num_rows() {
                let row = (0..b.num_columns())
                    .map(|c| {
                        let col = b.column(c);
                        if col.is_null(r) {
                            None
                        } else {
                            array_value_to_string(col, r).ok()
                        }
                    })
                    .collect();
                rows.push(row);
            }
        }
        Table { columns, rows }
    }

    fn number(&self, row: usize, col: usize) -> Option<f64> {
        self.rows.get(row)?.get(col)?.as_deref()?.parse().ok()
    }

    /// Whether a column holds numbers (and is not a time label such as year or month, nor an id).
    pub fn is_numeric(&self, col: usize) -> bool {
        !self.rows.is_empty()
            && self
                .rows
                .iter()
                .all(|r| r[col].as_deref().is_none_or(|v| v.parse::<f64>().is_ok()))
            && !is_time_name(&self.columns[col].0)
            && !is_key_name(&self.columns[col].0)
    }
}

/// Identifier columns ("customer_id", "order_key") label rows; their numbers are no figures.
fn is_key_name(name: &str) -> bool {
    let lower = name.to_lowercase();
    lower == "id"
        || ["_id", "_key", "_sk", " id"]
            .iter()
            .any(|s| lower.ends_with(s))
}

fn is_time_name(name: &str) -> bool {
    matches!(
        name,
        "year" | "month" | "quarter" | "week" | "day" | "date" | "order_date"
    ) || name.ends_with("_date")
}

/// Formats a value as currency, percent (values are fractions), count or plain number.
pub fn format_value(v: f64, fmt: Format) -> String {
    match fmt {
        Format::Currency => {
            let sign = if v < 0.0 { "-" } else { "" };
            format!("{sign}${}", thousands(v.abs(), 2))
        }
        Format::Percent => format!("{:.1}%", v * 100.0),
        Format::Count => thousands(v, 0),
        Format::Number => {
            if v.fract() == 0.0 {
                thousands(v, 0)
            } else {
                thousands(v, 2)
            }
        }
    }
}

/// `1234567.891` → "1,234,567.89" with `decimals` digits.
pub fn thousands(v: f64, decimals: usize) -> String {
    let text = format!("{:.*}", decimals, v.abs());
    let (int, frac) = match text.split_once('.') {
        Some((i, f)) => (i.to_owned(), Some(f.to_owned())),
        None => (text.clone(), None),
    };
    let mut out = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(&f);
    }
    if v < 0.0 {
        format!("-{out}")
    } else {
        out
    }
}

/// A growth ratio as "+12.3%".
pub fn pct_change(from: f64, to: f64) -> Option<String> {
    (from != 0.0).then(|| format!("{:+.1}%", (to / from - 1.0) * 100.0))
}

/// A unicode sparkline of a series.
pub fn sparkline(values: &[f64]) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    values
        .iter()
        .map(|v| {
            if hi > lo {
                BARS[(((v - lo) / (hi - lo)) * 7.0).round() as usize]
            } else {
                BARS[3]
            }
        })
        .collect()
}

fn format_of(formats: &[(String, Format)], column: &str) -> Format {
    formats
        .iter()
        .find(|(c, _)| c == column)
        .map(|(_, f)| *f)
        .unwrap_or(if column.contains("growth") || column.contains("share") {
            Format::Percent
        } else {
            Format::Number
        })
}

/// A 1–3 sentence narrative of a result, computed from its rows.
/// `sums` says whether the first measure's values add up across rows (then a total and shares are given).
pub fn narrate(table: &Table, formats: &[(String, Format)], sums: bool) -> String {
    let n = table.rows.len();
    if n == 0 {
        return "No rows matched the question.".to_owned();
    }
    let ncols = table.columns.len();
    let measures: Vec<usize> = (0..ncols).filter(|&c| table.is_numeric(c)).collect();
    let labels: Vec<usize> = (0..ncols).filter(|c| !measures.contains(c)).collect();
    let Some(&m) = measures.first() else {
        return format!(
            "{} row{} returned.",
            thousands(n as f64, 0),
            if n == 1 { "" } else { "s" }
        );
    };
    let mname = table.columns[m].0.replace('_', " ");
    let fmt = format_of(formats, &table.columns[m].0);
    if labels.is_empty() || n == 1 {
        let parts: Vec<String> = measures
            .iter()
            .take(3)
            .filter_map(|&c| {
                let v = table.number(0, c)?;
                Some(format!(
                    "{} is {}",
                    table.columns[c].0.replace('_', " "),
                    format_value(v, format_of(formats, &table.columns[c].0))
                ))
            })
            .collect();
        // A missing label is said as such: a figure "for" nothing would read as the grand total.
        let scope = labels
            .iter()
            .map(|&c| {
                table.rows[0][c].clone().unwrap_or_else(|| {
                    format!("rows with no {}", table.columns[c].0.replace('_', " "))
                })
            })
            .collect::<Vec<_>>()
            .join(", ");
        let lead = if scope.is_empty() {
            String::new()
        } else {
            format!("For {scope}, ")
        };
        if parts.is_empty() {
            // One row whose figures are all NULL: nothing matched (a filter, or a row-level policy).
            return format!("{lead}no data matched: {mname} is empty.")
                .chars()
                .enumerate()
                .map(|(i, c)| if i == 0 { c.to_ascii_uppercase() } else { c })
                .collect();
        }
        let mut s = format!("{lead}{}.", parts.join(", "));
        if let Some(first) = s.get(0..1) {
            s = first.to_uppercase() + &s[1..];
        }
        return s;
    }
    let label = |r: usize| -> String {
        labels
            .iter()
            .map(|&c| table.rows[r][c].clone().unwrap_or_else(|| "(none)".into()))
            .collect::<Vec<_>>()
            .join(" / ")
    };
    let values: Vec<(usize, f64)> = (0..n)
        .filter_map(|r| table.number(r, m).map(|v| (r, v)))
        .collect();
    if values.is_empty() {
        return format!("{n} rows returned.");
    }
    let mut sentences = Vec::new();
    let additive = sums && fmt != Format::Percent && values.iter().all(|(_, v)| *v >= 0.0);
    let total: f64 = values.iter().map(|(_, v)| v).sum();
    let time_series = is_time_name(&table.columns[labels[0]].0) && labels.len() == 1;
    if time_series && values.len() >= 3 {
        let series: Vec<f64> = values.iter().map(|(_, v)| *v).collect();
        let (first, last) = (series[0], series[series.len() - 1]);
        let dir = if last > first * 1.02 {
            "up"
        } else if last < first * 0.98 {
            "down"
        } else {
            "flat"
        };
        let change = pct_change(first, last)
            .map(|p| format!(" ({p})"))
            .unwrap_or_default();
        sentences.push(format!(
            "{mname} went from {} in {} to {} in {}, trending {dir}{change} {}.",
            format_value(first, fmt),
            label(values[0].0),
            format_value(last, fmt),
            label(values[values.len() - 1].0),
            sparkline(&series)
        ));
        let (hi_r, hi_v) =
            values
                .iter()
                .copied()
                .fold((0, f64::MIN), |a, b| if b.1 > a.1 { b } else { a });
        let (lo_r, lo_v) =
            values
                .iter()
                .copied()
                .fold((0, f64::MAX), |a, b| if b.1 < a.1 { b } else { a });
        sentences.push(format!(
            "Peak {} ({}), low {} ({}).",
            label(hi_r),
            format_value(hi_v, fmt),
            label(lo_r),
            format_value(lo_v, fmt)
        ));
    } else {
        let (hi_r, hi_v) =
            values
                .iter()
                .copied()
                .fold((0, f64::MIN), |a, b| if b.1 > a.1 { b } else { a });
        let (lo_r, lo_v) =
            values
                .iter()
                .copied()
                .fold((0, f64::MAX), |a, b| if b.1 < a.1 { b } else { a });
        let share = |v: f64| {
            if additive && total > 0.0 {
                format!(", {:.1}% of the total", v / total * 100.0)
            } else {
                String::new()
            }
        };
        if additive {
            sentences.push(format!(
                "Total {mname} across {} rows is {}.",
                thousands(values.len() as f64, 0),
                format_value(total, fmt)
            ));
        }
        sentences.push(format!(
            "{} leads with {}{}; {} is lowest with {}{}.",
            label(hi_r),
            format_value(hi_v, fmt),
            share(hi_v),
            label(lo_r),
            format_value(lo_v, fmt),
            share(lo_v)
        ));
    }
    if let Some(o) = outliers(&values) {
        sentences.push(format!(
            "Outlier: {} at {}.",
            label(o.0),
            format_value(o.1, fmt)
        ));
    }
    sentences.truncate(3);
    sentences.join(" ")
}

/// The value furthest from the mean, when more than 2.5 standard deviations away (6+ values).
fn outliers(values: &[(usize, f64)]) -> Option<(usize, f64)> {
    if values.len() < 6 {
        return None;
    }
    let n = values.len() as f64;
    let mean = values.iter().map(|v| v.1).sum::<f64>() / n;
    let sd = (values.iter().map(|v| (v.1 - mean).powi(2)).sum::<f64>() / n).sqrt();
    if sd == 0.0 {
        return None;
    }
    values
        .iter()
        .copied()
        .filter(|v| ((v.1 - mean) / sd).abs() > 2.5)
        .max_by(|a, b| (a.1 - mean).abs().total_cmp(&(b.1 - mean).abs()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(cols: &[&str], rows: &[&[&str]]) -> Table {
        Table {
            columns: cols
                .iter()
                .map(|c| (c.to_string(), SqlType::Text))
                .collect(),
            rows: rows
                .iter()
                .map(|r| r.iter().map(|v| Some(v.to_string())).collect())
                .collect(),
        }
    }

    #[test]
    fn a_null_figure_says_nothing_matched() {
        let mut table = t(&["revenue"], &[&["0"]]);
        table.rows[0][0] = None;
        assert_eq!(
            narrate(&table, &[], true),
            "No data matched: revenue is empty."
        );
    }

    #[test]
    fn formats_numbers() {
        assert_eq!(format_value(1234567.891, Format::Currency), "$1,234,567.89");
        assert_eq!(format_value(0.1234, Format::Percent), "12.3%");
        assert_eq!(format_value(1234.0, Format::Count), "1,234");
        assert_eq!(thousands(-999.0, 0), "-999");
    }

    #[test]
    fn leader_and_laggard_with_shares() {
        let table = t(
            &["region", "revenue"],
            &[&["EAST", "300"], &["WEST", "100"]],
        );
        let text = narrate(&table, &[("revenue".into(), Format::Currency)], true);
        assert!(
            text.contains("Total revenue across 2 rows is $400.00"),
            "{text}"
        );
        assert!(
            text.contains("EAST leads with $300.00, 75.0% of the total"),
            "{text}"
        );
        assert!(
            text.contains("WEST is lowest with $100.00, 25.0%"),
            "{text}"
        );
    }

    #[test]
    fn distinct_counts_get_no_total_and_no_shares() {
        // Orders per product: one order can hold several products, so the rows do not add up.
        let table = t(&["product", "orders"], &[&["A", "300"], &["B", "100"]]);
        let text = narrate(&table, &[("orders".into(), Format::Count)], false);
        assert!(
            !text.contains("Total") && !text.contains("of the total"),
            "{text}"
        );
        assert!(
            text.contains("A leads with 300; B is lowest with 100"),
            "{text}"
        );
    }

    #[test]
    fn a_missing_label_is_named_not_dropped() {
        let mut table = t(&["customer_id", "revenue"], &[&["", "615438"]]);
        table.rows[0][0] = None;
        let text = narrate(&table, &[("revenue".into(), Format::Currency)], true);
        assert_eq!(
            text,
            "For rows with no customer id, revenue is $615,438.00."
        );
        let mut table = t(
            &["customer_id", "revenue"],
            &[&["", "600"], &["17", "30"], &["18", "20"]],
        );
        table.rows[0][0] = None;
        let text = narrate(&table, &[("revenue".into(), Format::Currency)], true);
        assert!(text.contains("(none) leads with $600.00"), "{text}");
    }

    #[test]
    fn time_series_has_trend_and_sparkline() {
        let table = t(
            &["month", "revenue"],
            &[&["1", "100"], &["2", "150"], &["3", "200"]],
        );
        let text = narrate(&table, &[], true);
        assert!(text.contains("trending up (+100.0%)"), "{text}");
        assert!(text.contains('▁') && text.contains('█'), "{text}");
    }
}
