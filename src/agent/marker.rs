//! Finds a plain-English question in a SQL statement: `/*ask*/ question` (to the end, trailing `;`
//! dropped) or `/*ask: question */`, case-insensitive, after whitespace and `--` line comments.

/// Returns the question when the statement is an ask marker, else `None`.
pub fn extract_question(sql: &str) -> Option<String> {
    let mut rest = sql;
    loop {
        rest = rest.trim_start();
        if let Some(after) = rest.strip_prefix("--") {
            rest = match after.find('\n') {
                Some(i) => &after[i + 1..],
                None => "",
            };
            continue;
        }
        break;
    }
    let body = rest.strip_prefix("/*")?;
    let close = body.find("*/")?;
    let inner = &body[..close];
    let after = &body[close + 2..];
    let inner_trim = inner.trim_start();
    let head = inner_trim.get(..3)?;
    if !head.eq_ignore_ascii_case("ask") {
        return None;
    }
    let tail = &inner_trim[3..];
    let question = if tail.trim().is_empty() {
        // /*ask*/ question
        after
    } else if let Some(q) = tail.trim_start().strip_prefix(':') {
        // /*ask: question */ (anything after the comment is ignored except a `;`)
        if !after.trim().trim_end_matches(';').trim().is_empty() {
            return None;
        }
        q
    } else {
        return None;
    };
    let q = question.trim();
    let q = q.trim_end_matches(';').trim();
    if q.is_empty() {
        None
    } else {
        Some(q.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::extract_question;

    #[test]
    fn finds_both_marker_forms() {
        assert_eq!(
            extract_question("/*ask*/ revenue by region;").as_deref(),
            Some("revenue by region")
        );
        assert_eq!(
            extract_question("  /*ASK*/ top 5 products").as_deref(),
            Some("top 5 products")
        );
        assert_eq!(
            extract_question("/*ask: what's the revenue? */").as_deref(),
            Some("what's the revenue?")
        );
        assert_eq!(
            extract_question("/* Ask : units in 2023 */;").as_deref(),
            Some("units in 2023")
        );
        assert_eq!(
            extract_question("-- Metabase:: userID: 1\n-- x\n/*ask*/ orders by month").as_deref(),
            Some("orders by month")
        );
    }

    #[test]
    fn ignores_plain_sql_and_empty_markers() {
        assert_eq!(extract_question("SELECT 1"), None);
        assert_eq!(extract_question("/* a comment */ SELECT 1"), None);
        assert_eq!(extract_question("/*ask*/ ;"), None);
        assert_eq!(extract_question("/*asking*/ x"), None);
        assert_eq!(extract_question("SELECT 1 /*ask*/ x"), None);
        assert_eq!(extract_question("/*ask: x */ SELECT 1"), None);
    }
}
