//! A small lexical scanner over raw SQL text, run before DuckDB sees anything: it finds the top-level `;`
//! separators and the deepest bracket nesting while skipping string literals, quoted identifiers, dollar-quoted
//! strings and comments. It only has to be safe, not exact: DuckDB re-parses every piece it produces.

use std::ops::Range;

/// What one pass over the text found.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Scan {
    /// Byte ranges of the statements between top-level semicolons, trimmed; pieces holding only whitespace and
    /// comments are left out.
    pub pieces: Vec<Range<usize>>,
    /// The deepest nesting of `(`, `[` and `{` outside literals and comments.
    pub max_depth: usize,
}

/// Scans `sql` once. Unterminated literals or comments simply run to the end of the text (DuckDB then reports
/// the syntax error).
pub fn scan(sql: &str) -> Scan {
    let b = sql.as_bytes();
    let mut out = Scan::default();
    let mut depth: usize = 0;
    let mut i = 0;
    // Byte index of the first and one past the last significant (non-comment, non-space) byte of the piece.
    let mut sig: Option<(usize, usize)> = None;
    let mark = |sig: &mut Option<(usize, usize)>, from: usize, to: usize| {
        *sig = Some(match *sig {
            None => (from, to),
            Some((a, _)) => (a, to),
        });
    };
    while i < b.len() {
        let c = b[i];
        match c {
            b'-' if b.get(i + 1) == Some(&b'-') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                // Nested block comments, as in PostgreSQL's lexer.
                let mut level = 0usize;
                while i < b.len() {
                    if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
                        level += 1;
                        i += 2;
                    } else if b[i] == b'*' && b.get(i + 1) == Some(&b'/') {
                        level -= 1;
                        i += 2;
                        if level == 0 {
                            break;
                        }
                    } else {
                        i += 1;
                    }
                }
                continue;
            }
            b'\'' => {
                let escapes = is_escape_prefix(b, i);
                let from = i;
                i = skip_quoted(b, i, b'\'', escapes);
                mark(&mut sig, from, i);
                continue;
            }
            b'"' => {
                let from = i;
                i = skip_quoted(b, i, b'"', false);
                mark(&mut sig, from, i);
                continue;
            }
            b'$' => {
                if let Some(end) = dollar_tag_end(b, i) {
                    let tag = &b[i..end];
                    let from = i;
                    i = end;
                    // Find the closing tag.
                    loop {
                        if i >= b.len() {
                            break;
                        }
                        if b[i..].starts_with(tag) {
                            i += tag.len();
                            break;
                        }
                        i += 1;
                    }
                    mark(&mut sig, from, i);
                    continue;
                }
            }
            b'(' | b'[' | b'{' => {
                depth += 1;
                out.max_depth = out.max_depth.max(depth);
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            b';' => {
                if let Some((a, z)) = sig.take() {
                    out.pieces.push(a..z);
                }
                i += 1;
                continue;
            }
            _ => {}
        }
        if !c.is_ascii_whitespace() {
            // Advance over a whole UTF-8 character so that ranges stay on char boundaries.
            let len = utf8_len(c);
            mark(&mut sig, i, (i + len).min(b.len()));
            i += len;
        } else {
            i += 1;
        }
    }
    if let Some((a, z)) = sig {
        out.pieces.push(a..z);
    }
    out
}

fn utf8_len(first: u8) -> usize {
    match first {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}

fn is_ident_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c >= 0x80
}

/// `E'...'` strings (a lone `e`/`E` right before the quote, starting a token) treat backslash as an escape.
fn is_escape_prefix(b: &[u8], quote: usize) -> bool {
    if quote == 0 {
        return false;
    }
    let p = b[quote - 1];
    if p != b'e' && p != b'E' {
        return false;
    }
    quote < 2 || !is_ident_byte(b[quote - 2])
}

/// Returns the index just past the closing quote (or the end of the text).
fn skip_quoted(b: &[u8], open: usize, q: u8, backslash_escapes: bool) -> usize {
    let mut i = open + 1;
    while i < b.len() {
        let c = b[i];
        if backslash_escapes && c == b'\\' {
            i += 2;
            continue;
        }
        if c == q {
            if b.get(i + 1) == Some(&q) {
                i += 2;
                continue;
            }
            return i + 1;
        }
        i += 1;
    }
    b.len()
}

/// If a dollar-quote opening tag (`$$` or `$tag$`) starts at `i`, returns the index just past it. `$1` (a
/// parameter) and identifiers containing `$` are not tags.
fn dollar_tag_end(b: &[u8], i: usize) -> Option<usize> {
    if i > 0 && is_ident_byte(b[i - 1]) {
        return None;
    }
    let mut j = i + 1;
    if j < b.len() && b[j].is_ascii_digit() {
        return None;
    }
    while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_' || b[j] >= 0x80) {
        j += 1;
    }
    (j < b.len() && b[j] == b'$').then_some(j + 1)
}

/// The first keyword of a statement (upper-cased), skipping whitespace, comments and opening parentheses.
pub fn first_keyword(sql: &str) -> String {
    let rest = skip_trivia(sql);
    let rest = rest.trim_start_matches(|c: char| c == '(' || c.is_whitespace());
    let rest = skip_trivia(rest);
    rest.chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect::<String>()
        .to_ascii_uppercase()
}

/// Skips leading whitespace and comments.
pub fn skip_trivia(mut s: &str) -> &str {
    loop {
        let t = s.trim_start();
        if let Some(r) = t.strip_prefix("--") {
            s = r.find('\n').map_or("", |p| &r[p..]);
        } else if t.starts_with("/*") {
            let b = t.as_bytes();
            let mut level = 0usize;
            let mut i = 0;
            while i < b.len() {
                if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
                    level += 1;
                    i += 2;
                } else if b[i] == b'*' && b.get(i + 1) == Some(&b'/') {
                    level -= 1;
                    i += 2;
                    if level == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            s = t.get(i..).unwrap_or("");
        } else {
            return t;
        }
    }
}

/// If `sql` starts with the keyword `kw` (case-insensitive, after trivia), returns the text after it.
pub fn strip_keyword<'a>(sql: &'a str, kw: &str) -> Option<&'a str> {
    let t = skip_trivia(sql);
    let head = t.get(..kw.len())?;
    if !head.eq_ignore_ascii_case(kw) {
        return None;
    }
    let rest = &t[kw.len()..];
    match rest.chars().next() {
        Some(c) if c.is_ascii_alphanumeric() || c == '_' => None,
        _ => Some(rest),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(sql: &str) -> Vec<&str> {
        scan(sql).pieces.into_iter().map(|r| &sql[r]).collect()
    }

    #[test]
    fn splits_on_top_level_semicolons_only() {
        assert_eq!(pieces("SELECT 1; SELECT 2"), vec!["SELECT 1", "SELECT 2"]);
        assert_eq!(
            pieces("SELECT ';'; SELECT \";\""),
            vec!["SELECT ';'", "SELECT \";\""]
        );
        assert_eq!(pieces("SELECT 1 -- ; no\n; ;; /* ; */ ;"), vec!["SELECT 1"]);
        assert_eq!(
            pieces("SELECT $$ ; $$, $a$ ; $a$"),
            vec!["SELECT $$ ; $$, $a$ ; $a$"]
        );
        assert_eq!(pieces("SELECT E'\\';' ; x"), vec!["SELECT E'\\';'", "x"]);
        assert_eq!(pieces("SELECT 'it''s;'"), vec!["SELECT 'it''s;'"]);
        assert_eq!(pieces("SELECT $1; SELECT 2"), vec!["SELECT $1", "SELECT 2"]);
        assert_eq!(
            pieces("/* a /* nested ; */ still ; */ SELECT 1"),
            vec!["SELECT 1"]
        );
        assert!(pieces("  -- only a comment\n ; ").is_empty());
        assert_eq!(
            pieces("SELECT 'é;'; SELECT 'ü'"),
            vec!["SELECT 'é;'", "SELECT 'ü'"]
        );
    }

    #[test]
    fn depth_ignores_literals_and_comments() {
        assert_eq!(scan("SELECT ((1))").max_depth, 2);
        assert_eq!(scan("SELECT '(((' -- (((\n, [1, {'a': (2)}]").max_depth, 3);
        assert_eq!(
            scan(&format!(
                "SELECT {}1{}",
                "(".repeat(10_000),
                ")".repeat(10_000)
            ))
            .max_depth,
            10_000
        );
    }

    #[test]
    fn keywords() {
        assert_eq!(first_keyword("  /* x */ -- y\n (select 1)"), "SELECT");
        assert_eq!(
            strip_keyword("explain select 1", "EXPLAIN"),
            Some(" select 1")
        );
        assert_eq!(strip_keyword("explained", "EXPLAIN"), None);
    }
}
