//! Splits a simple-query string into statements at top-level semicolons, skipping semicolons inside quotes,
//! dollar quotes and comments. Each piece is then validated on its own by the guard (with DuckDB's parser).

/// Splits `sql` into trimmed, non-empty statements (comment-only pieces are kept: they answer EmptyQuery).
pub fn split_statements(sql: &str) -> Vec<String> {
    let b = sql.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\'' | b'"' => {
                let q = b[i];
                i += 1;
                while i < b.len() {
                    if b[i] == q {
                        if i + 1 < b.len() && b[i + 1] == q {
                            i += 2;
                            continue;
                        }
                        break;
                    }
                    i += 1;
                }
                i += 1;
            }
            b'-' if b.get(i + 1) == Some(&b'-') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let mut depth = 1;
                i += 2;
                while i < b.len() && depth > 0 {
                    if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
                        depth += 1;
                        i += 2;
                    } else if b[i] == b'*' && b.get(i + 1) == Some(&b'/') {
                        depth -= 1;
                        i += 2;
                    } else {
                        i += 1;
                    }
                }
            }
            b'$' => {
                // $tag$ … $tag$ (tag may be empty); `$1` parameters are not quotes.
                let mut j = i + 1;
                while j < b.len()
                    && (b[j].is_ascii_alphanumeric() || b[j] == b'_')
                    && !b[i + 1].is_ascii_digit()
                {
                    j += 1;
                }
                if j < b.len() && b[j] == b'$' && !b.get(i + 1).is_some_and(|c| c.is_ascii_digit())
                {
                    let tag = &b[i..=j];
                    let mut k = j + 1;
                    let mut end = b.len();
                    while k + tag.len() <= b.len() {
                        if &b[k..k + tag.len()] == tag {
                            end = k + tag.len();
                            break;
                        }
                        k += 1;
                    }
                    i = end;
                } else {
                    i += 1;
                }
            }
            b';' => {
                push(&mut out, &sql[start..i]);
                i += 1;
                start = i;
            }
            _ => i += 1,
        }
    }
    if start < sql.len() {
        push(&mut out, &sql[start..]);
    }
    out
}

fn push(out: &mut Vec<String>, piece: &str) {
    let t = piece.trim();
    if !t.is_empty() {
        out.push(t.to_owned());
    }
}

/// True when `sql` holds nothing but whitespace and comments.
pub fn is_comment_only(sql: &str) -> bool {
    strip_leading_comments(sql).is_empty()
}

/// The text after leading whitespace and comments.
pub fn strip_leading_comments(sql: &str) -> &str {
    let mut s = sql.trim_start();
    loop {
        if let Some(rest) = s.strip_prefix("--") {
            s = rest.find('\n').map_or("", |n| &rest[n + 1..]).trim_start();
        } else if s.starts_with("/*")
            && !s[2..].trim_start().to_ascii_lowercase().starts_with("ask")
        {
            match s.find("*/") {
                Some(n) => s = s[n + 2..].trim_start(),
                None => return "",
            }
        } else {
            return s;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_at_top_level_semicolons_only() {
        let s = split_statements("SELECT 'a;b'; SELECT \"x;\" FROM t -- c;\n; SELECT $$;$$, $1;;");
        assert_eq!(
            s,
            vec![
                "SELECT 'a;b'",
                "SELECT \"x;\" FROM t -- c;",
                "SELECT $$;$$, $1"
            ]
        );
        assert_eq!(
            split_statements("/* a; */ SELECT 1"),
            vec!["/* a; */ SELECT 1"]
        );
        assert!(split_statements(" ; ; ").is_empty());
    }

    #[test]
    fn comment_only_statements_are_detected() {
        assert!(is_comment_only("-- ping"));
        assert!(is_comment_only("/* x */ -- y\n"));
        assert!(!is_comment_only("-- Metabase\nSELECT 1"));
        assert_eq!(
            strip_leading_comments("-- a\n /* b */ SELECT 1"),
            "SELECT 1"
        );
    }
}
