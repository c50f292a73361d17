//! Quoted text that a column must contain: "products whose description contains 'HEART'", "items with
//! 'lantern' in the name", "customers whose name includes 'Ltd'". The quoted words are no catalog words; the
//! attribute named before the cue (or after "in the") is searched, case-insensitively. A quoted value with no
//! such cue is left to the linker, which reads a known value as an equality.

use super::lexer::{quoted_text, Token};

/// Verbs saying that text holds the quoted words.
const CONTAINS: &[&str] = &[
    "contains",
    "contain",
    "containing",
    "include",
    "includes",
    "including",
    "mention",
    "mentions",
    "mentioning",
    "matching",
    "matches",
    "match",
    "like",
];

/// One quoted search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextCue {
    /// The first token of the cue ("contains", or "with" of "with 'x' in the name").
    pub cue: usize,
    /// The token after the cue and the quoted words (and any "in the" after them).
    pub end: usize,
    /// Where the attribute searched is named after the text ("with 'x' in the *description*").
    pub trailing: Option<usize>,
    /// The quoted text as typed.
    pub text: String,
}

/// Finds the quoted searches of a question.
pub fn find(tokens: &[Token]) -> Vec<TextCue> {
    let t = |k: usize| tokens.get(k).map(|t| t.text.as_str()).unwrap_or("");
    let mut out = Vec::new();
    let mut seen = Vec::new();
    for (i, tok) in tokens.iter().enumerate() {
        let Some(span) = tok.quoted else { continue };
        if seen.contains(&span) {
            continue;
        }
        seen.push(span);
        let end = (i..tokens.len())
            .take_while(|&k| tokens[k].quoted == Some(span))
            .last()
            .map_or(i + 1, |k| k + 1);
        // "contains the word 'x'", "like 'x'"
        let mut c = i;
        while c > 0
            && matches!(
                t(c - 1),
                "the" | "word" | "words" | "text" | "phrase" | "string"
            )
        {
            c -= 1;
        }
        let Some(p) = c.checked_sub(1) else { continue };
        let text = quoted_text(tokens, span);
        // "include", "like" and "match" are other words too ("include 'No Discount'", "I'd like 'X'"): they
        // search only after a relative word ("whose name includes 'x'", "names that match 'x'").
        let loose = matches!(
            t(p),
            "include" | "includes" | "including" | "like" | "match" | "matches" | "matching"
        );
        let relative = (p.saturating_sub(3)..p)
            .any(|k| matches!(t(k), "whose" | "that" | "which" | "where" | "with"));
        if CONTAINS.contains(&t(p)) && (!loose || relative) {
            out.push(TextCue {
                cue: p,
                end,
                trailing: None,
                text,
            });
        } else if matches!(t(p), "with" | "has" | "have" | "having") && t(end) == "in" {
            // "with 'x' in the name", "having 'x' in their description"
            let mut k = end + 1;
            while matches!(t(k), "the" | "their" | "its" | "his" | "her") {
                k += 1;
            }
            out.push(TextCue {
                cue: p,
                end: k,
                trailing: Some(k),
                text,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::lexer::tokenize;
    use super::*;

    #[test]
    fn finds_quoted_searches_and_their_cues() {
        let toks = tokenize("revenue from products whose description contains 'HEART'?");
        let cues = find(&toks);
        assert_eq!(cues.len(), 1);
        assert_eq!(cues[0].text, "HEART");
        assert_eq!(toks[cues[0].cue].text, "contains");
        let toks = tokenize("units of items with \u{201c}t-light holder\u{201d} in the name");
        let cues = find(&toks);
        assert_eq!(cues[0].text, "t-light holder");
        assert_eq!(
            cues[0].trailing.map(|k| toks[k].text.as_str()),
            Some("name")
        );
        // A quoted value with no cue, and apostrophes inside words, are no searches.
        assert!(find(&tokenize("sales of 'No Discount' in 2024")).is_empty());
        assert!(find(&tokenize("revenue by promotion (include 'No Discount')")).is_empty());
        assert_eq!(
            find(&tokenize("stores whose name includes 'Mall'")).len(),
            1
        );
        let toks = tokenize("the store's sales on Valentine's Day");
        assert!(toks.iter().all(|t| t.quoted.is_none()));
        let toks = tokenize("stores with names like \"Gift Box\" or so");
        assert_eq!(find(&toks)[0].text, "Gift Box");
    }
}
