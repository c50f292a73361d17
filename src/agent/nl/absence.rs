//! Finds the words that ask for what did *not* happen: "never", "no"/"zero"/"without" before a fact ("no
//! orders", "without online sales"), and negated verbs ("did not buy", "haven't ordered", "not sold"). The shape
//! reader decides whether the question is an absence question (a subject before the cue, nothing else measured).

use super::lexer::Token;
use super::shape::PURCHASE_VERBS;

/// The absence words of a question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cue {
    pub start: usize,
    pub end: usize,
    /// "no"/"without": only an absence when a fact (a measure or flag) follows; otherwise a plain negation.
    pub needs_fact: bool,
}

/// Verbs beyond the purchase verbs that a negation turns into an absence ("did not order", "had no").
const MORE_VERBS: &[&str] = &[
    "order", "ordering", "sell", "selling", "shop", "return", "transact", "make", "place", "have",
    "had", "get", "got", "see", "seen", "record", "recorded",
];

fn is_verb(w: &str) -> bool {
    PURCHASE_VERBS.contains(&w) || MORE_VERBS.contains(&w)
}

const NEGATED_AUX: &[&str] = &[
    "didnt", "dont", "doesnt", "havent", "hasnt", "hadnt", "wasnt", "werent", "isnt", "arent",
    "wont", "cant",
];

/// The first absence cue in the tokens, if any.
pub fn cue(tokens: &[Token]) -> Option<Cue> {
    let t = |k: usize| tokens.get(k).map(|t| t.text.as_str()).unwrap_or("");
    let skip_any = |mut k: usize| {
        while matches!(t(k), "any" | "anything" | "a" | "an" | "single") {
            k += 1;
        }
        k
    };
    for i in 0..tokens.len() {
        match t(i) {
            "never" => {
                let mut end = i + 1;
                if t(end) == "been" {
                    end += 1;
                }
                if is_verb(t(end)) {
                    end = skip_any(end + 1);
                }
                return Some(Cue {
                    start: i,
                    end,
                    needs_fact: false,
                });
            }
            "no" | "zero" | "without" | "0" => {
                return Some(Cue {
                    start: i,
                    end: skip_any(i + 1),
                    needs_fact: true,
                })
            }
            w => {
                let negated = NEGATED_AUX.contains(&w) || (w == "not" && i > 0);
                if !negated {
                    continue;
                }
                let mut k = i + 1;
                if t(k) == "been" || t(k) == "yet" || t(k) == "ever" {
                    k += 1;
                }
                if is_verb(t(k)) {
                    let start = if w == "not"
                        && matches!(
                            t(i - 1),
                            "did"
                                | "do"
                                | "does"
                                | "have"
                                | "has"
                                | "had"
                                | "was"
                                | "were"
                                | "is"
                                | "are"
                        ) {
                        i - 1
                    } else {
                        i
                    };
                    return Some(Cue {
                        start,
                        end: skip_any(k + 1),
                        needs_fact: false,
                    });
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::super::lexer::tokenize;
    use super::*;

    fn at(q: &str) -> Option<(usize, usize, bool)> {
        cue(&tokenize(q)).map(|c| (c.start, c.end, c.needs_fact))
    }

    #[test]
    fn finds_absence_words() {
        assert_eq!(at("products that were never returned"), Some((3, 5, false)));
        assert_eq!(at("customers with no orders in 2024"), Some((2, 3, true)));
        assert_eq!(at("stores without any online sales"), Some((1, 3, true)));
        assert_eq!(
            at("customers who did not buy anything"),
            Some((2, 6, false))
        );
        assert_eq!(
            at("customers who haven't ordered since June"),
            Some((2, 4, false))
        );
        assert_eq!(at("products not sold in 2024"), Some((1, 3, false)));
        assert_eq!(at("revenue not including returns"), None);
        assert_eq!(at("revenue by region"), None);
    }
}
