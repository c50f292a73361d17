//! Reads the question's shape from linked words: group-by slots ("by region", "each month"), ranking
//! ("top 5", "which store had the highest"), filters on values and flags, shares, growth, comparisons,
//! lists and entity counts. Produces an [`Intent`], or asks for clarification on words that matter.

use crate::catalog::semantic::{Aggregation, Grain, SemanticModel};

use super::clarify;
use super::intent::{GroupKey, GrowthKind, Intent, Shape};
use super::lexer::{is_filler, Token};
use super::link::{Lexicon, Link, Target};
use super::time::TimeParse;
use super::NlError;

/// The reading of one question plus remarks for the notice.
#[derive(Debug, Clone)]
pub struct Reading {
    pub intent: Intent,
    pub notes: Vec<String>,
    /// Whether the question says nothing the catalog knows (a follow-up may still use it).
    pub nothing_linked: bool,
    /// Whether the measure was not named (the default metric was used).
    pub defaulted_measure: bool,
    /// A ranking the question asked for ("top 3"), even when it names nothing to rank (follow-ups).
    pub rank: Option<(Option<u32>, bool)>,
}

const DESC: &[&str] = &[
    "top",
    "highest",
    "most",
    "best",
    "biggest",
    "largest",
    "greatest",
    "maximum",
    "leading",
    "strongest",
    "busiest",
    "max",
];
const ASC: &[&str] = &[
    "bottom", "lowest", "least", "worst", "smallest", "fewest", "minimum", "weakest", "min",
];
const SLOT_SKIP: &[&str] = &[
    "the",
    "a",
    "an",
    "each",
    "every",
    "of",
    "our",
    "their",
    "its",
    "individual",
    "different",
    "all",
    "single",
    "selling",
    "performing",
    "sold",
    "sell",
    "earning",
    "grossing",
    "rated",
    "revenue-generating",
];
const NEGATIONS: &[&str] = &[
    "excluding",
    "exclude",
    "excludes",
    "except",
    "without",
    "not",
    "non",
    "excl",
    "minus",
    "ignoring",
    "omitting",
];
const COUNT_WORDS: &[&str] = &["many", "number", "count", "total"];
const PURCHASE_VERBS: &[&str] = &[
    "bought",
    "buy",
    "buying",
    "purchased",
    "purchase",
    "purchasing",
    "ordered",
    "made",
    "placed",
    "shopped",
    "active",
    "spent",
    "spend",
    "transacted",
    "visited",
    "returned",
    "sold",
];

fn is_groupable(t: &Target) -> bool {
    matches!(
        t,
        Target::Dimension(_) | Target::Entity(_) | Target::Grain(..) | Target::TimeWord
    )
}

fn group_key(model: &SemanticModel, t: &Target) -> Option<GroupKey> {
    match t {
        Target::Dimension(i) => model
            .dimensions
            .get(*i)
            .map(|d| GroupKey::Dim(d.name.clone())),
        Target::Entity(i) => model
            .tables
            .get(*i)
            .map(|t| GroupKey::Entity(t.name.clone())),
        Target::Grain(g, _) => Some(GroupKey::Grain(*g)),
        Target::TimeWord => Some(GroupKey::Grain(Grain::Day)),
        _ => None,
    }
}

struct Ctx<'a> {
    tokens: &'a [Token],
    links: Vec<Link>,
    owner: Vec<Option<usize>>,
    used: Vec<bool>,
    consumed: Vec<bool>,
}

impl Ctx<'_> {
    fn word(&self, i: usize) -> &str {
        self.tokens.get(i).map(|t| t.text.as_str()).unwrap_or("")
    }

    /// From token `i`, skips slot filler words and numbers; returns (token index, number seen).
    fn slot(&self, mut i: usize) -> (usize, Option<u32>) {
        let mut n = None;
        while i < self.tokens.len() {
            let t = &self.tokens[i];
            if self.owner[i].is_some() {
                break;
            }
            if let Some(c) = t.count() {
                n = Some(c);
            } else if !SLOT_SKIP.contains(&t.text.as_str()) {
                break;
            }
            i += 1;
        }
        (i, n)
    }

    /// The link starting at token `i`, if any and unused.
    fn link_at(&self, i: usize) -> Option<usize> {
        self.owner
            .get(i)
            .copied()
            .flatten()
            .filter(|&li| !self.used[li] && self.links[li].start == i)
    }

    fn preceded_by(&self, start: usize, set: &[&str], reach: usize) -> bool {
        let mut k = start;
        let mut steps = 0;
        while k > 0 && steps < reach {
            k -= 1;
            let w = self.word(k);
            if set.contains(&w) {
                return true;
            }
            if !matches!(w, "the" | "a" | "an" | "any" | "all") {
                steps += 1;
            }
        }
        false
    }

    fn unknown(&self, i: usize) -> bool {
        let t = &self.tokens[i];
        !t.symbol
            && t.number.is_none()
            && self.owner[i].is_none()
            && !self.consumed[i]
            && !is_filler(&t.text)
    }
}

/// Reads a question into an intent.
pub fn read(
    model: &SemanticModel,
    lexicon: &Lexicon,
    tokens: &[Token],
    time: &TimeParse,
) -> Result<Reading, NlError> {
    let n = tokens.len();
    let mut consumed = time.consumed.clone();
    let words: Vec<&str> = tokens.iter().map(|t| t.text.as_str()).collect();
    let joined = format!(" {} ", words.join(" "));
    let has_phrase = |p: &str| joined.contains(&format!(" {p} "));
    let has = |w: &str| words.contains(&w);

    // Growth phrases consume their grain words so they do not read as groupings.
    let mut growth: Option<(GrowthKind, Option<Grain>)> = None;
    for (phrase, kind, grain) in [
        ("year over year", GrowthKind::YearOverYear, None),
        ("year on year", GrowthKind::YearOverYear, None),
        ("yoy", GrowthKind::YearOverYear, None),
        ("y y", GrowthKind::YearOverYear, None),
        (
            "month over month",
            GrowthKind::PeriodOverPeriod,
            Some(Grain::Month),
        ),
        (
            "month on month",
            GrowthKind::PeriodOverPeriod,
            Some(Grain::Month),
        ),
        ("mom", GrowthKind::PeriodOverPeriod, Some(Grain::Month)),
        (
            "quarter over quarter",
            GrowthKind::PeriodOverPeriod,
            Some(Grain::Quarter),
        ),
        ("qoq", GrowthKind::PeriodOverPeriod, Some(Grain::Quarter)),
        (
            "week over week",
            GrowthKind::PeriodOverPeriod,
            Some(Grain::Week),
        ),
        ("wow", GrowthKind::PeriodOverPeriod, Some(Grain::Week)),
    ] {
        let pw: Vec<&str> = phrase.split(' ').collect();
        if let Some(pos) = (0..n.saturating_sub(pw.len() - 1))
            .find(|&i| (0..pw.len()).all(|k| words[i + k] == pw[k]))
        {
            for c in consumed.iter_mut().skip(pos).take(pw.len()) {
                *c = true;
            }
            growth.get_or_insert((kind, grain));
        }
    }
    let growth_word = [
        "growth",
        "grew",
        "change",
        "increase",
        "decrease",
        "decline",
        "growing",
        "changed",
        "increased",
        "decreased",
    ]
    .iter()
    .any(|w| has(w));
    let (links, fixes) = lexicon.link(tokens, &consumed);
    let mut owner = vec![None; n];
    for (li, l) in links.iter().enumerate() {
        for o in owner.iter_mut().take(l.end).skip(l.start) {
            *o = Some(li);
        }
    }
    let mut cx = Ctx {
        tokens,
        used: vec![false; links.len()],
        links,
        owner,
        consumed,
    };
    let mut intent = Intent {
        periods: time.periods.clone(),
        ..Default::default()
    };
    let mut notes: Vec<String> = fixes
        .iter()
        .map(|(a, b)| format!("read '{a}' as '{b}'"))
        .collect();
    let base_table = model
        .default_measure()
        .map(|m| m.table.clone())
        .unwrap_or_default();
    let mut lead_measures: Vec<String> = Vec::new();

    // 1. Group-by slots: by / per / each / every / across.
    for i in 0..n {
        let w = cx.word(i).to_string();
        let w = w.as_str();
        if !matches!(w, "by" | "per" | "each" | "every" | "across")
            || cx.owner[i].is_some()
            || cx.consumed[i]
        {
            continue;
        }
        if w == "each" && cx.word(i + 1) == "other" {
            continue;
        }
        let (mut k, _) = cx.slot(i + 1);
        loop {
            let Some(li) = cx.link_at(k) else {
                if k < n && cx.unknown(k) && !cx.consumed[k] {
                    return Err(clarify::unknown_grouping(
                        model,
                        &cx.tokens[k].orig,
                        &lead_measures,
                    ));
                }
                break;
            };
            let targets = cx.links[li].targets.clone();
            if let Some(t) = targets.iter().find(|t| is_groupable(t)) {
                if let Some(g) = group_key(model, t) {
                    intent.add_group(g);
                }
                cx.used[li] = true;
            } else if let Some(Target::Measure(m)) =
                targets.iter().find(|t| matches!(t, Target::Measure(_)))
            {
                // "by units" names the ranking measure; "per order line" is a ratio we read as plain.
                if w != "per" {
                    lead_measures.push(model.measures[*m].name.clone());
                }
                cx.used[li] = true;
                break;
            } else {
                break;
            }
            // "by region and channel"
            let next = cx.links[li].end;
            if matches!(cx.word(next), "and" | "," | "then") {
                let (k2, _) = cx.slot(next + 1);
                if cx
                    .link_at(k2)
                    .is_some_and(|l2| cx.links[l2].targets.iter().any(is_groupable))
                {
                    k = k2;
                    continue;
                }
            }
            break;
        }
    }

    // 2. Ranking slots: top 5 X, which X ..., best selling X.
    let rank_desc = words.iter().any(|w| DESC.contains(w));
    let rank_asc = words.iter().any(|w| ASC.contains(w));
    let ranked = rank_desc || rank_asc;
    let mut top_n: Option<u32> = None;
    let mut rank_plural = false;
    let mut explicit_top = false;
    let mut most_entity: Option<usize> = None;
    if ranked {
        for i in 0..n {
            let w = cx.word(i);
            let is_rank = DESC.contains(&w) || ASC.contains(&w) || matches!(w, "which" | "what");
            if !is_rank || cx.owner[i].is_some() {
                continue;
            }
            let (k, num) = cx.slot(i + 1);
            if num.is_some() {
                top_n = num;
            }
            if matches!(w, "top" | "bottom") {
                explicit_top = true;
            }
            if let Some(li) = cx.link_at(k) {
                let targets = cx.links[li].targets.clone();
                // "the most customers" ranks by a measure; "top 10 customers" groups by the entity.
                let adjective =
                    !matches!(w, "top" | "bottom" | "best" | "worst" | "which" | "what");
                let measure_too = targets.iter().any(|t| matches!(t, Target::Measure(_)));
                if adjective && measure_too {
                    if matches!(w, "most" | "fewest" | "least") {
                        most_entity = Some(li);
                    }
                    continue;
                }
                if let Some(t) = targets
                    .iter()
                    .find(|t| is_groupable(t) && !matches!(t, Target::TimeWord))
                {
                    if let Some(g) = group_key(model, t) {
                        intent.add_group(g);
                    }
                    cx.used[li] = true;
                    let tok = &cx.tokens[cx.links[li].end - 1];
                    rank_plural = tok.text != tok.stem();
                }
            } else if matches!(w, "top" | "bottom") && num.is_some() && k < n && cx.unknown(k) {
                return Err(clarify::unknown_grouping(
                    model,
                    &cx.tokens[k].orig,
                    &lead_measures,
                ));
            }
        }
    }

    // 3. Values and flags (filters), absorbing neighbouring words that name their dimension or table.
    let count_before = |cx: &Ctx, start: usize| cx.preceded_by(start, COUNT_WORDS, 2);
    for li in 0..cx.links.len() {
        if cx.used[li] {
            continue;
        }
        let targets = cx.links[li].targets.clone();
        let schema = targets.iter().any(|t| {
            matches!(
                t,
                Target::Measure(_) | Target::Dimension(_) | Target::Entity(_)
            )
        });
        let start = cx.links[li].start;
        let end = cx.links[li].end;
        let negate = cx.preceded_by(start, NEGATIONS, 2)
            || (start > 0
                && cx.word(start - 1) == "other"
                && cx.word(start.wrapping_sub(2)) != "each");
        let values: Vec<(usize, String)> = targets
            .iter()
            .filter_map(|t| match t {
                Target::Value(d, v) => Some((*d, v.clone())),
                _ => None,
            })
            .collect();
        if !values.is_empty() && !schema {
            // Prefer a dimension on the fact table, then catalog order.
            let (d, v) = values
                .iter()
                .find(|(d, _)| model.dimensions[*d].table.eq_ignore_ascii_case(&base_table))
                .unwrap_or(&values[0])
                .clone();
            let dim = &model.dimensions[d];
            intent.add_filter(&dim.name, Some(&v), negate);
            cx.used[li] = true;
            // Absorb "region" in "NORTH region", "products" in "Beauty products", "tier" in "Gold tier".
            let dim_table = model
                .tables
                .iter()
                .position(|t| t.name.eq_ignore_ascii_case(&dim.table));
            let absorbs = |t: &Target| match t {
                Target::Dimension(x) => *x == d,
                Target::Entity(x) => Some(*x) == dim_table,
                _ => false,
            };
            if let Some(nl) = cx
                .link_at(end)
                .or_else(|| cx.link_at(end + 1).filter(|_| cx.word(end) == "the"))
            {
                if cx.links[nl].targets.iter().any(absorbs)
                    && !cx.links[nl]
                        .targets
                        .iter()
                        .any(|t| matches!(t, Target::Measure(_)))
                {
                    cx.used[nl] = true;
                }
            }
            if start > 0 {
                if let Some(pl) = cx.owner[start - 1] {
                    if !cx.used[pl] && cx.links[pl].targets.iter().any(absorbs) {
                        cx.used[pl] = true;
                    }
                }
            }
            continue;
        }
        if let Some(Target::Flag(d)) = targets.iter().find(|t| matches!(t, Target::Flag(_))) {
            let dim = &model.dimensions[*d];
            intent.add_filter(&dim.name, None, negate);
            cx.used[li] = true;
            if !count_before(&cx, start) {
                if let Some(nl) = cx.link_at(end) {
                    let count_like = cx.links[nl].targets.iter().any(|t| match t {
                        Target::Measure(m) => {
                            matches!(
                                model.measures[*m].agg,
                                Aggregation::Custom | Aggregation::Count
                            ) && model.measures[*m].expr.to_uppercase().contains("COUNT")
                        }
                        Target::Entity(_) => true,
                        _ => false,
                    });
                    if count_like {
                        cx.used[nl] = true;
                    }
                }
            }
        }
    }

    // 4. Remaining words: measures, stray dimensions/entities/grains.
    let mut count_entity: Option<(String, usize)> = None;
    let trend = has("trend") || has("trends") || has_phrase("over time");
    for li in 0..cx.links.len() {
        if cx.used[li] {
            continue;
        }
        let targets = cx.links[li].targets.clone();
        let start = cx.links[li].start;
        let measure = targets.iter().find_map(|t| match t {
            Target::Measure(m) => Some(*m),
            _ => None,
        });
        let entity = targets.iter().find_map(|t| match t {
            Target::Entity(e) => Some(*e),
            _ => None,
        });
        let counted = (cx.preceded_by(start, COUNT_WORDS, 2)
            && (has("many") || has("number") || has("count")))
            || most_entity == Some(li);
        if let (Some(e), true) = (entity, counted) {
            count_entity.get_or_insert((model.tables[e].name.clone(), li));
        }
        if let Some(m) = measure {
            // "made a purchase", "place an order": a verb phrase, not a measure (unless nothing else is asked).
            let verb_phrase = start > 0
                && matches!(cx.word(start - 1), "a" | "an")
                && cx.tokens[cx.links[li].end - 1].text == cx.tokens[cx.links[li].end - 1].stem()
                && cx.links.iter().enumerate().any(|(o, l)| {
                    o != li && l.targets.iter().any(|t| matches!(t, Target::Measure(_)))
                });
            let other_measure =
                cx.links.iter().enumerate().any(|(o, l)| {
                    o != li && l.targets.iter().any(|t| matches!(t, Target::Measure(_)))
                });
            // "revenue from returned items", "orders that had a return": the flag filters the other measure.
            let flag = (verb_phrase || other_measure)
                .then(|| {
                    (cx.links[li].start..cx.links[li].end).find_map(|k| {
                        lexicon
                            .flag_of(&cx.tokens[k].stem())
                            .or_else(|| verb_phrase.then(|| flag_in_expr(model, m)).flatten())
                    })
                })
                .flatten();
            let flag = flag.or_else(|| {
                cx.preceded_by(start, NEGATIONS, 1)
                    .then(|| flag_in_expr(model, m))
                    .flatten()
            });
            if let Some(d) = flag {
                let negate = cx.preceded_by(start, NEGATIONS, 2);
                intent.add_filter(&model.dimensions[d].name, None, negate);
                cx.used[li] = true;
                continue;
            }
            if verb_phrase {
                cx.used[li] = true;
                continue;
            }
            let avg = cx.preceded_by(start, &["average", "avg", "mean", "typical"], 1)
                && model.measures[m].agg == Aggregation::Sum;
            intent.add_measure(&model.measures[m].name, avg);
            cx.used[li] = true;
            continue;
        }
        if let Some(e) = entity {
            if !counted {
                intent.add_group(GroupKey::Entity(model.tables[e].name.clone()));
            }
            cx.used[li] = true;
            continue;
        }
        if let Some(Target::Dimension(d)) =
            targets.iter().find(|t| matches!(t, Target::Dimension(_)))
        {
            intent.add_group(GroupKey::Dim(model.dimensions[*d].name.clone()));
            cx.used[li] = true;
            continue;
        }
        if let Some(Target::Grain(g, implied)) =
            targets.iter().find(|t| matches!(t, Target::Grain(..)))
        {
            if *implied
                || trend
                || ranked
                || matches!(cx.word(start.wrapping_sub(1)), "which" | "what" | "the")
            {
                intent.add_group(GroupKey::Grain(*g));
            }
            cx.used[li] = true;
            continue;
        }
        if let Some(Target::Value(d, v)) = targets.iter().find(|t| matches!(t, Target::Value(..))) {
            // A value that is also a schema word, used where nothing else fits.
            let dim = &model.dimensions[*d];
            intent.add_filter(&dim.name, Some(v), false);
            cx.used[li] = true;
        }
    }
    for m in lead_measures.iter().rev() {
        let r = super::intent::MeasureRef {
            name: m.clone(),
            average: false,
        };
        intent.measures.retain(|x| x != &r);
        intent.measures.insert(0, r);
    }

    // 5. Words nobody understood.
    let title_case = {
        let alpha: Vec<&Token> = tokens
            .iter()
            .filter(|t| t.text.chars().all(|c| c.is_alphabetic()))
            .collect();
        let caps = alpha
            .iter()
            .filter(|t| t.orig.chars().next().is_some_and(|c| c.is_uppercase()))
            .count();
        alpha.len() >= 3 && caps * 10 >= alpha.len() * 6
    };
    // "Brand A", "category Foo": a capitalised word right after an attribute names a value we don't know.
    if !title_case {
        for l in &cx.links {
            let k = l.end;
            if k >= n
                || cx.owner[k].is_some()
                || cx.consumed[k]
                || tokens[k].symbol
                || tokens[k].number.is_some()
            {
                continue;
            }
            let dim = l.targets.iter().any(|t| matches!(t, Target::Dimension(_)));
            let orig = &tokens[k].orig;
            let capital = orig.chars().next().is_some_and(|c| c.is_uppercase());
            if dim
                && capital
                && (orig.len() == 1 || cx.unknown(k))
                && !matches!(tokens[k].text.as_str(), "i")
            {
                let typed: Vec<&str> = tokens[l.start..=k]
                    .iter()
                    .map(|t| t.orig.as_str())
                    .collect();
                return Err(clarify::unknown_value(model, &typed.join(" ")));
            }
        }
    }
    let mut ignored = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        if !cx.unknown(i) {
            continue;
        }
        let capital = i > 0
            && !title_case
            && t.orig.chars().next().is_some_and(|c| c.is_uppercase())
            && t.orig.len() > 1;
        let prep =
            cx.preceded_by(i, &["in", "for", "from", "at", "within"], 1) && !t.text.ends_with("ly");
        // "new customers", "repeat buyers": an unknown modifier changes what is counted.
        let modifier = cx.owner.get(i + 1).copied().flatten().is_some_and(|li| {
            cx.links[li].start == i + 1
                && cx.links[li]
                    .targets
                    .iter()
                    .any(|t| matches!(t, Target::Measure(_) | Target::Entity(_)))
        }) && t.text.chars().all(|c| c.is_alphabetic());
        if capital || prep || modifier {
            return Err(clarify::unknown_value(model, &t.orig));
        }
        ignored.push(t.orig.clone());
    }

    let linked_anything = cx.used.iter().any(|u| *u) || !intent.periods.is_empty();
    if !linked_anything {
        return Ok(Reading {
            intent,
            notes,
            nothing_linked: true,
            defaulted_measure: false,
            rank: ranked.then_some((top_n.or(Some(if explicit_top { 10 } else { 1 })), rank_desc)),
        });
    }

    // 6. Shape.
    let positive_filters_only_on = |intent: &Intent, table: &str| {
        intent.filters.iter().all(|f| {
            model
                .dimension(&f.dim)
                .is_some_and(|d| d.table.eq_ignore_ascii_case(table))
        }) && intent.group_by.iter().all(|g| match g {
            GroupKey::Dim(d) => model.dimension(d).is_some_and(|d| {
                d.table.eq_ignore_ascii_case(table)
                    || entity_column(model, table, &d.column).is_some()
            }),
            GroupKey::Entity(e) => e.eq_ignore_ascii_case(table),
            GroupKey::Grain(_) => false,
        })
    };
    let rank_spec = {
        let desc = if rank_desc && rank_asc {
            let first_desc = words.iter().position(|w| DESC.contains(w));
            let first_asc = words.iter().position(|w| ASC.contains(w));
            first_desc < first_asc
        } else {
            rank_desc
        };
        let sorted = ["sorted", "sort", "ordered", "ranked", "rank", "ranking"]
            .iter()
            .any(|w| has(w))
            || has_phrase("highest to lowest")
            || has_phrase("lowest to highest")
            || has_phrase("most to least")
            || has_phrase("least to most");
        let n = top_n.or(if explicit_top {
            Some(if rank_plural { 10 } else { 1 })
        } else if rank_plural || sorted {
            None
        } else {
            Some(1)
        });
        (n, desc)
    };
    if let Some((table, li)) = count_entity.clone() {
        let purchase = PURCHASE_VERBS.iter().any(|w| has(w));
        let measure_from_link = cx.links[li].targets.iter().find_map(|t| match t {
            Target::Measure(m) => Some(model.measures[*m].name.clone()),
            _ => None,
        });
        let only_that_measure = intent.measures.len() <= 1
            && intent
                .measures
                .iter()
                .all(|m| Some(&m.name) == measure_from_link.as_ref());
        if intent.periods.is_empty()
            && !purchase
            && only_that_measure
            && positive_filters_only_on(&intent, &table)
        {
            intent.measures.clear();
            // Group by the entity table's own columns ("stores per region" → stores.region).
            intent.group_by = intent
                .group_by
                .iter()
                .map(|g| match g {
                    GroupKey::Dim(d) => model
                        .dimension(d)
                        .and_then(|dd| {
                            if dd.table.eq_ignore_ascii_case(&table) {
                                None
                            } else {
                                entity_column(model, &table, &dd.column)
                            }
                        })
                        .map(GroupKey::Dim)
                        .unwrap_or_else(|| g.clone()),
                    other => other.clone(),
                })
                .collect();
            let top = ranked.then_some(rank_spec);
            intent.shape = Shape::CountRows { table, top };
            return Ok(finish(intent, notes, ignored, false));
        } else if measure_from_link.is_none() {
            // "how many stores sold Electronics in 2024": count the entity through the fact table.
            if let Some(m) = count_measure_for(model, &table) {
                intent.add_measure(&m, false);
            }
        }
    }
    let mut defaulted = false;
    if intent.measures.is_empty() {
        let dims_only = !intent.group_by.is_empty()
            && intent
                .group_by
                .iter()
                .all(|g| !matches!(g, GroupKey::Grain(_)));
        let counted = (has("many") || has("number") || has("count")) && !ranked;
        let list_words = has("list")
            || has_phrase("what are")
            || has_phrase("which are")
            || has_phrase("show all")
            || has("all")
            || has("available");
        if dims_only && counted && intent.group_by.len() == 1 && intent.periods.is_empty() {
            intent.shape = Shape::CountValues;
            return Ok(finish(intent, notes, ignored, false));
        }
        if dims_only
            && !ranked
            && (list_words || has("which") || has("what"))
            && intent.periods.is_empty()
            && growth.is_none()
        {
            intent.shape = Shape::List;
            return Ok(finish(intent, notes, ignored, false));
        }
        if let Some(m) = model.default_measure() {
            intent.add_measure(&m.name, false);
            notes.push(format!("no measure named; showing {}", m.name));
            defaulted = true;
        }
    }
    // Value comparisons: "Online vs Store" → one row per value.
    let comparing = has("vs")
        || has("versus")
        || has("compare")
        || has("compared")
        || has("against")
        || has("or");
    if comparing {
        let dims: Vec<String> = intent
            .filters
            .iter()
            .filter(|f| f.values.len() >= 2 && !f.negate)
            .map(|f| f.dim.clone())
            .collect();
        for d in dims {
            intent.add_group(GroupKey::Dim(d));
        }
    }
    if trend
        && !intent
            .group_by
            .iter()
            .any(|g| matches!(g, GroupKey::Grain(_)))
    {
        intent.add_group(GroupKey::Grain(Grain::Month));
    }
    let share = has("share")
        || has("proportion")
        || has("contribution")
        || has("mix")
        || has("%")
        || has("percentage")
        || has("percent")
        || has("fraction");
    if let Some((kind, grain)) = growth.or(if growth_word {
        Some((GrowthKind::YearOverYear, None))
    } else {
        None
    }) {
        let has_grain = intent.group_by.iter().find_map(|g| match g {
            GroupKey::Grain(g) => Some(*g),
            _ => None,
        });
        intent.shape = match (kind, grain, has_grain) {
            (GrowthKind::PeriodOverPeriod, Some(g), _) => {
                intent.add_group(GroupKey::Grain(g));
                Shape::Growth(GrowthKind::PeriodOverPeriod)
            }
            (_, _, Some(_)) => Shape::Growth(GrowthKind::PeriodOverPeriod),
            _ if intent.periods.len() >= 2 => Shape::Compare,
            _ => Shape::Growth(GrowthKind::YearOverYear),
        };
    } else if intent.periods.len() >= 2 {
        intent.shape = Shape::Compare;
    } else if share
        && (!intent.group_by.is_empty() || !intent.filters.is_empty())
        && !has_phrase("percentage point")
    {
        let mut focus = None;
        if intent.group_by.is_empty() {
            if let Some(pos) = intent
                .filters
                .iter()
                .position(|f| !f.values.is_empty() && !f.negate)
            {
                let f = intent.filters.remove(pos);
                intent.add_group(GroupKey::Dim(f.dim.clone()));
                focus = Some(f);
            } else if let Some(pos) = intent.filters.iter().position(|f| f.values.is_empty()) {
                // "what percent of lines were returned": the flag's share of the total.
                focus = Some(intent.filters.remove(pos));
            }
        }
        intent.shape = Shape::Share { focus };
    } else if ranked && !intent.group_by.is_empty() {
        let (n, desc) = rank_spec;
        intent.shape = Shape::Top { n, desc };
    }
    let mut reading = finish(intent, notes, ignored, defaulted);
    reading.rank = ranked.then_some(rank_spec);
    Ok(reading)
}

fn finish(
    intent: Intent,
    mut notes: Vec<String>,
    ignored: Vec<String>,
    defaulted_measure: bool,
) -> Reading {
    if !ignored.is_empty() {
        notes.push(format!("ignored: {}", ignored.join(", ")));
    }
    Reading {
        intent,
        notes,
        nothing_linked: false,
        defaulted_measure,
        rank: None,
    }
}

/// A flag dimension whose column a measure's expression reads ("returns" → returned).
fn flag_in_expr(model: &SemanticModel, m: usize) -> Option<usize> {
    let measure = &model.measures[m];
    let expr = measure.expr.to_lowercase();
    model.dimensions.iter().position(|d| {
        d.kind == crate::catalog::semantic::DimensionKind::Flag
            && d.table.eq_ignore_ascii_case(&measure.table)
            && expr.contains(&d.column.to_lowercase())
    })
}

/// A dimension on `table` over the same column name (stores.region for sales.region).
fn entity_column(model: &SemanticModel, table: &str, column: &str) -> Option<String> {
    model
        .dimensions
        .iter()
        .find(|d| d.table.eq_ignore_ascii_case(table) && d.column.eq_ignore_ascii_case(column))
        .map(|d| d.name.clone())
}

/// A measure counting an entity through the fact table (COUNT(DISTINCT fk)).
fn count_measure_for(model: &SemanticModel, table: &str) -> Option<String> {
    let key = model.table(table)?.key.clone()?;
    model
        .measures
        .iter()
        .find(|m| {
            let e = m.expr.to_lowercase();
            e.contains("count") && e.contains("distinct") && e.contains(&key.to_lowercase())
        })
        .map(|m| m.name.clone())
}
