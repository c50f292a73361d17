//! Reads conditions on missing values: "leave out items that have no category" keeps rows whose category is
//! known (IS NOT NULL); "how many products have no brand" asks for the rows where it is missing (IS NULL).

use super::lexer::Token;
use super::link::{Link, Target};

/// Words saying a value is absent, right before the attribute they qualify.
const MISSING: &[&str] = &[
    "no",
    "missing",
    "null",
    "blank",
    "empty",
    "unknown",
    "unassigned",
    "undefined",
    "without",
    "lacking",
];

/// Verbs that drop what follows them.
const EXCLUDING: &[&str] = &[
    "leave",
    "leaving",
    "left",
    "ignore",
    "ignoring",
    "skip",
    "skipping",
    "exclude",
    "excluding",
    "excluded",
    "omit",
    "omitting",
    "drop",
    "dropping",
    "remove",
    "removing",
    "except",
    "disregard",
    "disregarding",
    "discard",
    "discarding",
    "filter",
    "filtering",
];

/// What a missing-value phrase names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    /// A dimension (index).
    Dim(usize),
    /// The column a counting measure counts (measure index): "lines with no customer id".
    Counted(usize),
}

/// A condition on whether a dimension has a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NullCue {
    /// Tokens the phrase spans (from the excluding verb, if any, to the end of the attribute).
    pub start: usize,
    pub end: usize,
    /// What may be missing.
    pub what: Missing,
    /// True: rows where it is missing; false: rows where it is known.
    pub is_null: bool,
}

/// Finds the missing-value phrases among the linked words.
pub fn find(tokens: &[Token], links: &[Link]) -> Vec<NullCue> {
    let t = |k: usize| tokens.get(k).map(|t| t.text.as_str()).unwrap_or("");
    let link_at = |k: usize| links.iter().find(|l| l.start == k);
    let mut out = Vec::new();
    for i in 0..tokens.len() {
        if !MISSING.contains(&t(i)) {
            continue;
        }
        let mut k = i + 1;
        while matches!(
            t(k),
            "a" | "an" | "the" | "any" | "value" | "assigned" | "known"
        ) {
            k += 1;
        }
        let Some(l) = link_at(k) else { continue };
        let Some(what) = l.targets.iter().find_map(|x| match x {
            Target::Dimension(d) => Some(Missing::Dim(*d)),
            Target::Counted(m) => Some(Missing::Counted(*m)),
            _ => None,
        }) else {
            continue;
        };
        let verb = (i.saturating_sub(7)..i).find(|&j| EXCLUDING.contains(&t(j)));
        out.push(NullCue {
            start: verb.unwrap_or(i),
            end: l.end,
            what,
            is_null: verb.is_none(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::lexer::tokenize;
    use super::super::link::Lexicon;
    use super::super::tests_support::demo_model;
    use super::*;

    fn cues(q: &str) -> Vec<(bool, String)> {
        let m = demo_model();
        let lx = Lexicon::new(&m);
        let toks = tokenize(q);
        let (links, _) = lx.link(&toks, &vec![false; toks.len()]);
        find(&toks, &links)
            .into_iter()
            .map(|c| match c.what {
                Missing::Dim(d) => (c.is_null, m.dimensions[d].name.clone()),
                Missing::Counted(x) => (c.is_null, m.measures[x].name.clone()),
            })
            .collect()
    }

    #[test]
    fn reads_kept_and_missing_values() {
        assert_eq!(
            cues("revenue by brand, leave out products that have no category"),
            vec![(false, "category".to_string())]
        );
        assert_eq!(
            cues("units by category ignoring items without a brand"),
            vec![(false, "brand".to_string())]
        );
        assert_eq!(
            cues("how many products have no brand"),
            vec![(true, "brand".to_string())]
        );
        assert!(cues("products with no sales in 2024").is_empty());
    }
}
