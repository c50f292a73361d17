//! Reads the question's shape from linked words: group-by slots ("by region", "each month"), ranking
//! ("top 5", "which store had the highest"), filters on values and flags, shares, growth, comparisons,
//! lists and entity counts. Produces an [`Intent`], or asks for clarification on words that matter.

use chrono::Datelike;

use crate::catalog::semantic::{Aggregation, DimensionKind, Format, Grain, SemanticModel};

use super::absence::{self, Cue};
use super::clarify;
use super::intent::{Filter, GroupKey, GrowthKind, Intent, MeasureRef, Shape, Threshold};
use super::lexer::{is_common_word, is_filler, Token};
use super::link::{Lexicon, Link, Target};
use super::stat;
use super::threshold::Comparison;
use super::time::{DayGroup, TimeParse};
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
    /// Whether the only measure came from a word after a value ("only for online sales"): a follow-up
    /// keeps the previous measure.
    pub soft_measure: bool,
    /// Words that matter were not understood and nothing solid was ("Who won the 2018 FIFA World Cup?"): no
    /// answer, and no follow-up either.
    pub unread: bool,
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
    "fastest",
    "sharpest",
    "steepest",
    "deepest",
];
const ASC: &[&str] = &[
    "bottom", "lowest", "least", "worst", "smallest", "fewest", "minimum", "weakest", "min",
    "slowest",
];
const SLOT_SKIP: &[&str] = &[
    "calendar",
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
    "outside",
    "besides",
];
const COUNT_WORDS: &[&str] = &["many", "number", "count", "total"];
/// Words that keep a value among the others rather than pick it out.
const INCLUDING: &[&str] = &["include", "includes", "including", "incl", "inclusive"];
/// Verbs of buying and selling ("how many stores sold Electronics", "customers who never bought").
pub(super) const PURCHASE_VERBS: &[&str] = &[
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
    "sell",
    "sells",
    "selling",
];

fn is_groupable(t: &Target) -> bool {
    matches!(
        t,
        Target::Dimension(_)
            | Target::Entity(_)
            | Target::Grain(..)
            | Target::TimeWord
            | Target::Key(_)
            | Target::Counted(_)
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
        Target::Key(i) => model.tables.get(*i).and_then(|t| {
            Some(GroupKey::Column {
                table: t.name.clone(),
                column: t.key.clone()?,
            })
        }),
        Target::Counted(m) => model.measures.get(*m).and_then(|m| {
            Some(GroupKey::Column {
                table: m.table.clone(),
                column: count_distinct_column(&m.expr)?,
            })
        }),
        _ => None,
    }
}

struct Ctx<'a> {
    tokens: &'a [Token],
    links: Vec<Link>,
    owner: Vec<Option<usize>>,
    used: Vec<bool>,
    consumed: Vec<bool>,
    /// Measure links that may only be the facts named after a value ("online sales", "Gold customers"):
    /// dropped when the question names another measure, and replaced in a follow-up.
    soft: Vec<bool>,
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

    /// The link starting exactly at token `i` (used or not) whose targets include a measure.
    fn measure_link_at(&self, i: usize) -> Option<usize> {
        self.owner
            .get(i)
            .copied()
            .flatten()
            .filter(|&li| self.links[li].start == i)
            .filter(|&li| {
                self.links[li]
                    .targets
                    .iter()
                    .any(|t| matches!(t, Target::Measure(_)))
            })
    }

    /// The link starting at token `i`, if any and unused.
    fn link_at(&self, i: usize) -> Option<usize> {
        self.owner
            .get(i)
            .copied()
            .flatten()
            .filter(|&li| !self.used[li] && self.links[li].start == i)
    }

    /// When a value link at `k` is followed by a link naming something to group by, the position of that
    /// link; else `k`.
    fn past_value(&self, k: usize) -> usize {
        let Some(li) = self.link_at(k) else { return k };
        let l = &self.links[li];
        let value_only = l.targets.iter().all(|t| matches!(t, Target::Value(..)));
        if !value_only {
            return k;
        }
        match self.link_at(l.end) {
            Some(next)
                if self.links[next]
                    .targets
                    .iter()
                    .any(|t| matches!(t, Target::Entity(_) | Target::Dimension(_))) =>
            {
                l.end
            }
            _ => k,
        }
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

    /// "other than the UK", "apart from Books", "aside from online": the words before `start` set it aside.
    fn set_aside_before(&self, start: usize) -> bool {
        self.set_aside_start(start).is_some()
    }

    /// Where the words setting a value aside begin ("other" of "other than the UK").
    fn set_aside_start(&self, start: usize) -> Option<usize> {
        let mut k = start;
        while k > 0 && matches!(self.word(k - 1), "the" | "a" | "an" | "our") {
            k -= 1;
        }
        (k >= 2
            && matches!(
                (self.word(k - 2), self.word(k - 1)),
                ("other" | "rather", "than") | ("apart" | "aside", "from")
            ))
        .then(|| k - 2)
    }

    /// Whether count words come before `start`, past words that filter or qualify the counted thing: "how many
    /// different Electronics products", "number of unique Gold customers".
    fn counted_before(&self, start: usize) -> bool {
        let mut k = start;
        while k > 0 {
            let p = k - 1;
            let value_only = self.owner[p].is_some_and(|o| {
                self.links[o]
                    .targets
                    .iter()
                    .all(|t| matches!(t, Target::Value(..)))
            });
            if !value_only
                && !matches!(
                    self.word(p),
                    "different" | "distinct" | "unique" | "separate" | "individual"
                )
            {
                break;
            }
            k = p;
        }
        self.preceded_by(k, COUNT_WORDS, 2)
    }

    /// A word the catalog does not know and that is no filler: after "by" or "top 5" it must name data.
    fn unknown_strict(&self, i: usize) -> bool {
        let t = &self.tokens[i];
        !t.symbol
            && t.number.is_none()
            && self.owner[i].is_none()
            && !self.consumed[i]
            && !is_filler(&t.text)
    }

    /// A word that may name data the catalog lacks: not filler, not a ranking adjective ("weakest"), and not
    /// ordinary English ("brings", "although") unless capitalised inside the sentence, as names are.
    fn unknown(&self, i: usize) -> bool {
        let t = &self.tokens[i];
        let w = t.text.as_str();
        let capitalised = i > 0 && t.orig.chars().next().is_some_and(|c| c.is_uppercase());
        self.unknown_strict(i)
            && !DESC.contains(&w)
            && !ASC.contains(&w)
            && (capitalised || !is_common_word(w))
    }
}

/// Reads a question into an intent. `comparisons` are the thresholds found before the time reader ran.
pub fn read(
    model: &SemanticModel,
    lexicon: &Lexicon,
    tokens: &[Token],
    time: &TimeParse,
    comparisons: &[Comparison],
) -> Result<Reading, NlError> {
    let n = tokens.len();
    let mut consumed = time.consumed.clone();
    let stats = stat::find(tokens);
    let used = comparisons
        .iter()
        .flat_map(|c| c.used())
        .chain(stats.iter().flat_map(|s| s.start..s.end));
    for k in used {
        if let Some(c) = consumed.get_mut(k) {
            *c = true;
        }
    }
    // Quoted text a column must contain: the cue and the quoted words are no catalog words.
    let searches = super::quoted::find(tokens);
    for c in &searches {
        for k in consumed.iter_mut().take(c.end).skip(c.cue) {
            *k = true;
        }
    }
    let words: Vec<&str> = tokens.iter().map(|t| t.text.as_str()).collect();
    // Words outside thresholds, statistics and dates ("at least 20k" is no ranking, "below 20%" no share,
    // "the most recent quarter" no ranking).
    // "at least", "at most" bound a figure; they never rank.
    let free: Vec<&str> = words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let bound = i > 0 && words[i - 1] == "at" && matches!(*w, "least" | "most");
            if consumed[i] || bound {
                ""
            } else {
                *w
            }
        })
        .collect();
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
    .any(|w| has(w))
        // "sales dropped", not "units that fell on a Sunday"
        || (0..n).any(|i| {
            (RISE_VERBS.contains(&words[i]) || FALL_VERBS.contains(&words[i]))
                && words.get(i + 1) != Some(&"on")
        })
        // "the biggest drop in revenue", "a rise of units"
        || (0..n).any(|i| {
            CHANGE_NOUNS.contains(&words[i]) && matches!(words.get(i + 1), Some(&("in" | "of")))
        })
        // "did sales drop in 2024", "has revenue grown"
        || (words.iter().any(|w| matches!(*w, "did" | "does" | "do" | "has" | "have"))
            && words.iter().any(|w| {
                matches!(
                    *w,
                    "drop" | "fall" | "rise" | "grow" | "grown" | "decline" | "increase" | "decrease"
                )
            }));
    // "dropped the most", "fell the least": a fall ranks the other way round.
    let falling = words
        .iter()
        .any(|w| FALL_VERBS.contains(w) || FALL_NOUNS.contains(w) || *w == "fall");
    // "in absolute terms", "in dollar terms", "absolute change": the difference; "in relative terms",
    // "in percentage terms": the ratio. The words say how to measure a change, not what to filter.
    let mut measured: Option<bool> = None;
    for i in 0..n {
        let next = words.get(i + 1).copied().unwrap_or("");
        let kind = match words[i] {
            "absolute" | "dollar" | "$" | "cash" => Some(true),
            "relative" | "percentage" | "percent" | "proportional" => Some(false),
            _ => None,
        };
        let how = matches!(
            next,
            "terms"
                | "numbers"
                | "change"
                | "changes"
                | "growth"
                | "difference"
                | "values"
                | "amounts"
        ) || (words[i] == "absolute" && matches!(next, "" | ","));
        if let (Some(abs), true, false) = (kind, how, consumed[i]) {
            measured = Some(abs);
            consumed[i] = true;
            if matches!(next, "terms" | "numbers") {
                consumed[i + 1] = true;
            }
        }
    }
    // "grew the most", "biggest drop": ranked by the difference; "fastest", "% growth": by the ratio.
    let by_change = measured.unwrap_or_else(|| {
        words.iter().any(|w| {
            RISE_VERBS.contains(w)
                || FALL_VERBS.contains(w)
                || FALL_NOUNS.contains(w)
                || matches!(
                    *w,
                    "grew" | "increased" | "decreased" | "increase" | "decrease"
                )
        }) && !words.iter().any(|w| {
            matches!(
                *w,
                "fastest"
                    | "slowest"
                    | "quickest"
                    | "percent"
                    | "percentage"
                    | "%"
                    | "rate"
                    | "relative"
                    | "growth"
            )
        })
    });
    let (mut links, fixes) = lexicon.link(tokens, &consumed);
    // "how many items does a customer buy", "how many pairs of shoes did we sell": a unit noun after "how
    // many" counts units sold, when the question is about selling and the catalog has a quantity measure.
    if let Some(q) = lexicon.quantity_measure() {
        let selling = PURCHASE_VERBS.iter().any(|w| has(w)) || has("per");
        for i in 2..n {
            let unit_noun = matches!(
                words[i],
                "item" | "items" | "unit" | "units" | "piece" | "pieces" | "pair" | "pairs"
            );
            let asked = matches!(
                (words[i - 2], words[i - 1]),
                ("how", "many") | ("number", "of")
            );
            let free_word = !consumed[i] && !links.iter().any(|l| l.start <= i && i < l.end);
            if unit_noun && asked && selling && free_word {
                links.push(Link {
                    start: i,
                    end: i + 1,
                    targets: vec![Target::Measure(q)],
                });
            }
        }
        links.sort_by_key(|l| l.start);
    }
    let mut owner = vec![None; n];
    for (li, l) in links.iter().enumerate() {
        for o in owner.iter_mut().take(l.end).skip(l.start) {
            *o = Some(li);
        }
    }
    let mut cx = Ctx {
        tokens,
        used: vec![false; links.len()],
        soft: vec![false; links.len()],
        links,
        owner,
        consumed,
    };
    let mut intent = Intent {
        periods: time.periods.clone(),
        weekdays: time.weekdays.clone(),
        ..Default::default()
    };
    match time.day_group {
        Some(DayGroup::Weekend) => intent.add_group(GroupKey::Weekend),
        Some(DayGroup::DayOfWeek) => intent.add_group(GroupKey::DayOfWeek),
        None => {}
    }
    let mut notes: Vec<String> = Vec::new();
    // "regions in alphabetical order", "sorted alphabetically", "A to Z": rows in the order of their names.
    for i in 0..n {
        let span = match (cx.word(i), cx.word(i + 1), cx.word(i + 2)) {
            ("alphabetical", "order", _) | ("name", "order", _) => Some((i, i + 2)),
            ("alphabetically", _, _) => Some((i, i + 1)),
            ("a", "to", "z") | ("a", "-", "z") => Some((i, i + 3)),
            _ => None,
        };
        if let Some((a, b)) = span {
            let a = if a > 0 && matches!(cx.word(a - 1), "in" | "by" | "sorted" | "ordered") {
                a - 1
            } else {
                a
            };
            for k in a..b.min(n) {
                cx.consumed[k] = true;
            }
            intent.key_order = true;
        }
    }
    // "Profit = sales amount minus total cost": a definition of a measure, checked against the data's.
    for d in super::define::find(model, tokens, &cx.links)? {
        for k in d.start..d.end {
            cx.consumed[k] = true;
        }
        for li in d.links {
            cx.used[li] = true;
        }
        notes.push(d.note);
    }
    for (a, b) in &fixes {
        let note = format!("read '{a}' as '{b}'");
        if !notes.contains(&note) {
            notes.push(note);
        }
    }
    let base_table = model
        .default_measure()
        .map(|m| m.table.clone())
        .unwrap_or_default();
    let mut lead_measures: Vec<String> = Vec::new();
    let mut per_den: Option<String> = None;
    // Keys named after "per" ("median revenue per store" takes the median across stores).
    let mut per_keys: Vec<GroupKey> = Vec::new();
    // "leave out items that have no category": a condition on missing values, not an absence question.
    let null_cues = super::nulls::find(tokens, &cx.links);
    for c in &null_cues {
        match c.what {
            super::nulls::Missing::Dim(d) => {
                intent.add_null_filter(&model.dimensions[d].name, c.is_null)
            }
            super::nulls::Missing::Counted(m) => {
                let m = &model.measures[m];
                if let Some(column) = count_distinct_column(&m.expr) {
                    intent.add_null_column_filter(&m.table, &column, c.is_null);
                }
            }
        }
        for k in c.start..c.end {
            cx.consumed[k] = true;
            if let Some(li) = cx.owner[k] {
                cx.used[li] = true;
            }
        }
    }
    let absent = absence::cue(tokens)
        .filter(|_| null_cues.is_empty())
        .and_then(|c| absence_active(model, &cx, c));
    if let Some(c) = absent {
        for k in cx.consumed.iter_mut().take(c.end).skip(c.start) {
            *k = true;
        }
    } else if null_cues.is_empty() && absence::cue(tokens).is_some_and(|c| !c.needs_fact) {
        return Err(clarify::absence(model));
    }

    // A word after "by" that names an entity's date at a grain ("by signup year"), read with the entity later.
    let mut dated_slot: Option<usize> = None;
    // Keys named after "each", "every" or "per": a ranking is taken within each of their values.
    let mut each_keys: Vec<GroupKey> = Vec::new();
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
        // "total sales across our Boston stores" adds them up.
        if w == "across"
            && ["total", "overall", "combined", "altogether"]
                .iter()
                .any(|x| has(x))
        {
            continue;
        }
        // "in each of the last 3 months": one row per month of that period.
        if matches!(w, "each" | "every") && cx.word(i + 1) == "of" {
            let unit = (i + 2..(i + 7).min(n))
                .take_while(|&k| cx.consumed[k] || matches!(cx.word(k), "the" | "those" | "these"))
                .find_map(|k| match cx.word(k) {
                    "days" => Some(Grain::Day),
                    "weeks" => Some(Grain::Week),
                    "months" => Some(Grain::Month),
                    "quarters" => Some(Grain::Quarter),
                    "years" => Some(Grain::Year),
                    _ => None,
                });
            if let Some(g) = unit {
                intent.add_group(GroupKey::Grain(g));
                continue;
            }
        }
        let (mut k, _) = cx.slot(i + 1);
        // "for each outlet store": a value before the grouped thing filters it.
        k = cx.past_value(k);
        loop {
            let Some(li) = cx.link_at(k) else {
                // "customers by signup year": a date of an entity, at a grain.
                let grain_next = cx.link_at(k + 1).and_then(|l| {
                    cx.links[l].targets.iter().find_map(|t| match t {
                        Target::Grain(g, _) => Some((*g, l)),
                        _ => None,
                    })
                });
                if let (Some((g, gl)), Some(_)) = (grain_next, date_word_at(model, &cx, k)) {
                    intent.add_group(GroupKey::Grain(g));
                    cx.used[gl] = true;
                    dated_slot = Some(k);
                    break;
                }
                if k < n && cx.unknown_strict(k) && !cx.consumed[k] {
                    return Err(clarify::unknown_grouping(
                        model,
                        &cx.tokens[k].orig,
                        &lead_measures,
                    ));
                }
                break;
            };
            let targets = cx.links[li].targets.clone();
            // "revenue per customer", "units per order": a ratio to a counting measure, when a measure
            // comes before and the word is singular (plural "per stores" would be odd anyway).
            let averaged = cx.links.iter().any(|l| {
                l.end <= i
                    && l.targets.iter().any(|t| matches!(t, Target::Measure(_)))
                    && cx.preceded_by(l.start, &["average", "avg", "mean"], 1)
            });
            let per_measure = targets
                .iter()
                .find_map(|t| match t {
                    Target::Measure(m) if model.measures[*m].format == Format::Count => Some(*m),
                    _ => None,
                })
                .or_else(|| {
                    // "average revenue per store": divided by the number of stores in the facts.
                    targets.iter().find_map(|t| match t {
                        Target::Entity(e) if averaged => {
                            count_measure_for(model, &model.tables[*e].name)
                                .and_then(|n| model.measures.iter().position(|m| m.name == n))
                        }
                        _ => None,
                    })
                });
            let last_tok = &cx.tokens[cx.links[li].end - 1];
            let measure_before = cx
                .links
                .iter()
                .any(|l| l.end <= i && l.targets.iter().any(|t| matches!(t, Target::Measure(_))));
            let dim_only = targets
                .iter()
                .any(|t| matches!(t, Target::Dimension(_) | Target::Grain(..)));
            // "number of transactions per store" breaks a count down; "revenue per store" divides it.
            let counted_numerator = cx.links.iter().any(|l| {
                l.end <= i
                    && l.targets.iter().any(|t| matches!(t, Target::Measure(_)))
                    && (cx.preceded_by(l.start, COUNT_WORDS, 2)
                        || matches!(cx.word(l.start), "number" | "count"))
            });
            // "how many units per order": a count divided by a count, when nothing there can group.
            let only_counts = !targets.iter().any(is_groupable);
            if w == "per"
                && measure_before
                && !dim_only
                && (!counted_numerator || only_counts)
                && last_tok.text == last_tok.stem()
            {
                if let Some(m) = per_measure {
                    per_den = Some(model.measures[m].name.clone());
                    cx.used[li] = true;
                    break;
                }
            }
            if let Some(t) = targets.iter().find(|t| is_groupable(t)) {
                if let Some(g) = group_key(model, t) {
                    if w == "per" {
                        per_keys.push(g.clone());
                    }
                    if matches!(w, "per" | "each" | "every") {
                        each_keys.push(g.clone());
                    }
                    intent.add_group(g);
                }
                cx.used[li] = true;
                // "by product colour": an unknown noun after the grouped thing names an attribute we lack.
                let after = cx.links[li].end;
                if w == "by"
                    && after < n
                    && cx.unknown(after)
                    && cx.tokens[after].text.chars().all(|c| c.is_alphabetic())
                    && !["ly", "ing", "ed"]
                        .iter()
                        .any(|x| cx.tokens[after].text.ends_with(x))
                    && matches!(
                        targets.iter().find(|t| is_groupable(t)),
                        Some(Target::Entity(_) | Target::Dimension(_))
                    )
                {
                    return Err(clarify::unknown_grouping(
                        model,
                        &cx.tokens[after].orig,
                        &lead_measures,
                    ));
                }
            } else if targets.iter().any(|t| matches!(t, Target::Flag(_)))
                && w == "by"
                && i > 0
                && matches!(
                    cx.word(i - 1),
                    "placed" | "made" | "bought" | "purchased" | "ordered" | "spent" | "generated"
                )
            {
                // "orders placed by Prime members": who did it, a filter read with the other flags.
                break;
            } else if let Some(Target::Flag(d)) =
                targets.iter().find(|t| matches!(t, Target::Flag(_)))
            {
                // "revenue by loyalty card", "units by promoted": one row for each side of the flag.
                intent.add_group(GroupKey::Dim(model.dimensions[*d].name.clone()));
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
                if cx.link_at(k2).is_some_and(|l2| {
                    cx.links[l2]
                        .targets
                        .iter()
                        .any(|t| is_groupable(t) || matches!(t, Target::Flag(_)))
                }) {
                    k = k2;
                    continue;
                }
            }
            break;
        }
    }

    // 2. Ranking slots: top 5 X, which X ..., best selling X.
    let rank_desc = free.iter().any(|w| DESC.contains(w));
    let rank_asc = free.iter().any(|w| ASC.contains(w));
    let ranked = rank_desc || rank_asc;
    let mut top_n: Option<u32> = None;
    let mut rank_plural = false;
    let mut explicit_top = false;
    let mut most_entity: Option<usize> = None;
    if ranked {
        for i in 0..n {
            let w = cx.word(i);
            let is_rank = DESC.contains(&w) || ASC.contains(&w) || matches!(w, "which" | "what");
            if !is_rank || cx.owner[i].is_some() || free.get(i).is_some_and(|f| f.is_empty()) {
                continue;
            }
            let (k, num) = cx.slot(i + 1);
            // "top 10 Toys products": the value filters, the products are ranked.
            let k = cx.past_value(k);
            let mut numbered = num.is_some();
            if num.is_some() {
                top_n = num;
            } else if DESC.contains(&w) || ASC.contains(&w) {
                // "the 3 least profitable categories", "5 biggest brands"
                if let Some(c) = i
                    .checked_sub(1)
                    .filter(|&p| !cx.consumed[p] && cx.owner[p].is_none())
                    .and_then(|p| cx.tokens[p].count())
                {
                    top_n = Some(c);
                    numbered = true;
                }
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
                // "the biggest order by sales", "top 5 orders by revenue": rank the orders themselves,
                // one per id the counting measure counts, when another measure does the ranking.
                let counted_unit = targets.iter().find_map(|t| match t {
                    Target::Measure(m) if model.measures[*m].format == Format::Count => {
                        let md = &model.measures[*m];
                        count_distinct_column(&md.expr)
                            .filter(|_| model.table(&md.table).is_some_and(|t| t.fact))
                            .map(|c| (md.table.clone(), c))
                    }
                    _ => None,
                });
                // "which customer spent the most", "top 5 customers": a word for the counted members after
                // "which" or "top" names them, ranked by the figure asked (or the default one).
                let ranked_by_other = !adjective
                    || cx.links.iter().enumerate().any(|(o, l)| {
                        o != li
                            && l.targets.iter().any(|t| {
                                matches!(t, Target::Measure(m) if model.measures[*m].format != Format::Count)
                            })
                    });
                if let (Some((table, column)), true, false) = (
                    counted_unit,
                    ranked_by_other,
                    targets
                        .iter()
                        .any(|t| matches!(t, Target::Entity(_) | Target::Dimension(_))),
                ) {
                    intent.add_group(GroupKey::Column { table, column });
                    cx.used[li] = true;
                    let tok = &cx.tokens[cx.links[li].end - 1];
                    rank_plural = tok.text != tok.stem();
                    continue;
                }
                // "the 5 biggest customers" names how many customers, so they are the ranked things.
                if adjective && measure_too && !numbered {
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
            } else if (matches!(w, "top" | "bottom") && num.is_some() && k < n && cx.unknown_strict(k))
                // "which supplier brought in the most": the ranked thing is not in the data.
                || (w == "which"
                    && k < n
                    && cx.unknown(k)
                    && cx.tokens[k].text.chars().all(|c| c.is_alphabetic()))
            {
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
    let count_asked = has("many") || has("number") || has("count");
    // "list all the products in the Snacks category": the entity's members, not a figure about them.
    let listing = words.first().is_some_and(|w| matches!(*w, "list" | "name"))
        || has_phrase("show me all")
        || has_phrase("show all");
    for c in &searches {
        read_search(
            model,
            &mut cx,
            &mut intent,
            c,
            ranked || listing || count_asked,
        )?;
    }
    // "promoted sales, i.e. any promotion other than 'No Discount'": the words after "i.e." say what the flag
    // before it means, so they are read instead of the flag.
    if let Some((m_start, m_end)) = appositive(&cx) {
        for k in m_start..m_end {
            cx.consumed[k] = true;
        }
        let mut k = m_start;
        while k > 0 && cx.tokens[k - 1].symbol {
            k -= 1;
        }
        let facts = |o: usize| {
            let l = &cx.links[o];
            l.end == l.start + 1
                && l.targets.iter().all(|t| matches!(t, Target::Measure(_)))
                && matches!(
                    cx.word(l.start),
                    "sales" | "sale" | "orders" | "revenue" | "transactions" | "purchases"
                )
        };
        if let Some(o) = k
            .checked_sub(1)
            .and_then(|p| cx.owner[p])
            .filter(|&o| facts(o))
        {
            if cx.links[o].start > 0 {
                k = cx.links[o].start;
            }
        }
        let flag = k.checked_sub(1).and_then(|p| cx.owner[p]).filter(|&o| {
            cx.links[o]
                .targets
                .iter()
                .any(|t| matches!(t, Target::Flag(_)))
        });
        let restated =
            cx.links.iter().any(|l| {
                l.start >= m_end && l.targets.iter().any(|t| matches!(t, Target::Value(..)))
            }) || searches.iter().any(|c| c.cue >= m_end);
        if let (Some(o), true) = (flag, restated) {
            cx.used[o] = true;
            let typed: Vec<&str> = (cx.links[o].start..cx.links[o].end)
                .map(|k| cx.tokens[k].orig.as_str())
                .collect();
            notes.push(format!("read '{}' as the words after it", typed.join(" ")));
        }
    }
    // The end of the last value named as included ("including Books and Toys"), to carry along a list.
    let mut last_included: Option<usize> = None;
    // The last value filter read: (end, its dimensions, negated), to carry a negation along a list.
    let mut last_value: Option<(usize, Vec<usize>, bool)> = None;
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
        let negate = (cx.preceded_by(start, NEGATIONS, 2)
            || (start > 0
                && cx.word(start - 1) == "other"
                && cx.word(start.wrapping_sub(2)) != "each")
            || cx.set_aside_before(start))
            && absent.is_none_or(|c| start < c.start);
        // "Online vs Store": a word that is also an entity is a value when compared with a sibling value.
        // "in-store sales": a hyphenated place word is the value (channel "Store"), not the entity.
        let hyphenated = cx.tokens[start].hyphen
            && start > 0
            && matches!(cx.word(start - 1), "in" | "on" | "off" | "at" | "via");
        // "the Store channel": a value followed by its own dimension's name is that value.
        let named_dim = cx.owner.get(end).copied().flatten().is_some_and(|o| {
            cx.links[o].start == end
                && cx.links[o].targets.iter().any(|t| {
                    matches!(t, Target::Dimension(x) if targets.iter().any(|v| matches!(v, Target::Value(d, _) if d == x)))
                })
        });
        let schema = schema && !compared_value(&cx, li) && !hyphenated && !named_dim;
        let values: Vec<(usize, String)> = targets
            .iter()
            .filter_map(|t| match t {
                Target::Value(d, v) => Some((*d, v.clone())),
                _ => None,
            })
            .collect();
        if !values.is_empty() && !schema {
            // "revenue by promotion (include No Discount)", "units including Books and Toys": the values are
            // kept among the rest, not picked out.
            let included = cx.preceded_by(start, INCLUDING, 1)
                || last_included.is_some_and(|e| {
                    e <= start && (e..start).all(|k| matches!(cx.word(k), "or" | "and" | ","))
                });
            if included && !negate {
                cx.used[li] = true;
                last_included = Some(end);
                continue;
            }
            // "not online or mobile", "excluding Books, Toys and Beauty": the negation covers the whole list.
            let carried = last_value.as_ref().is_some_and(|(e, dims, neg)| {
                *neg && *e <= start
                    && (*e..start).all(|k| matches!(cx.word(k), "or" | "and" | "nor" | ","))
                    && values.iter().any(|(d, _)| dims.contains(d))
            });
            let negate = negate || carried;
            last_value = Some((end, values.iter().map(|(d, _)| *d).collect(), negate));
            // An entity named just before the value says whose attribute it is ("customers based in
            // Denver", "the store 'ation'"); else prefer a dimension on the fact table, then catalog order.
            let context = (start.saturating_sub(4)..start).rev().find_map(|k| {
                let o = cx.owner[k]?;
                cx.links[o].targets.iter().find_map(|t| match t {
                    Target::Entity(e) => Some((*e, o)),
                    _ => None,
                })
            });
            let in_context = context.and_then(|(e, o)| {
                let table = &model.tables[e].name;
                values
                    .iter()
                    .find(|(d, _)| model.dimensions[*d].table.eq_ignore_ascii_case(table))
                    .map(|c| (c.clone(), o))
            });
            let mut in_context = in_context;
            if let Some((_, o)) = in_context.clone() {
                let o = &o;
                let between: Vec<&str> = (cx.links[*o].end..start).map(|k| cx.word(k)).collect();
                let adjacent = between
                    .iter()
                    .all(|w| matches!(*w, "the" | "named" | "called"));
                let placed = between.iter().all(|w| {
                    matches!(
                        *w,
                        "based"
                            | "located"
                            | "living"
                            | "live"
                            | "who"
                            | "that"
                            | "are"
                            | "is"
                            | "in"
                            | "from"
                            | "at"
                            | "the"
                    )
                });
                let other_measure = cx.links.iter().enumerate().any(|(x, l)| {
                    x != *o && l.targets.iter().any(|t| matches!(t, Target::Measure(_)))
                });
                if !adjacent && !placed {
                    in_context = None;
                } else if !cx.used[*o] && (adjacent || other_measure) {
                    cx.used[*o] = true;
                }
            }
            // A dimension named right after or before the value ("the Women category", "category Women"), else
            // the value as typed over one that only shares its stem ("Women", not "womens").
            let named = |k: usize| -> Option<usize> {
                let o = cx.owner.get(k).copied().flatten()?;
                cx.links[o].targets.iter().find_map(|t| match t {
                    Target::Dimension(x) if values.iter().any(|(d, _)| d == x) => Some(*x),
                    _ => None,
                })
            };
            let typed: String = cx.tokens[start..end]
                .iter()
                .map(|t| t.orig.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            let by_name = named(end)
                .or_else(|| start.checked_sub(1).and_then(named))
                .and_then(|x| values.iter().find(|(d, _)| *d == x).cloned());
            let exact = (values.len() > 1)
                .then(|| {
                    values
                        .iter()
                        .find(|(_, v)| v.eq_ignore_ascii_case(&typed))
                        .cloned()
                })
                .flatten();
            let (d, v) = in_context
                .map(|(c, _)| c)
                .or(by_name)
                .or(exact)
                .or_else(|| {
                    values
                        .iter()
                        .find(|(d, _)| model.dimensions[*d].table.eq_ignore_ascii_case(&base_table))
                        .cloned()
                })
                .unwrap_or_else(|| values[0].clone());
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
                let measure_too = cx.links[nl]
                    .targets
                    .iter()
                    .any(|t| matches!(t, Target::Measure(_)));
                let facts_word = matches!(
                    cx.word(cx.links[nl].start),
                    "sales" | "sale" | "purchases" | "transactions" | "business"
                ) && cx.links[nl].end == cx.links[nl].start + 1;
                // "how many Electronics products", "list the flagship stores": the entity after the value is
                // what is counted or listed, so it stays for the next step.
                let entity_asked = cx.links[nl]
                    .targets
                    .iter()
                    .any(|t| matches!(t, Target::Entity(_)))
                    && (listing || (count_asked && cx.counted_before(cx.links[nl].start)));
                if cx.links[nl].targets.iter().any(absorbs) && !measure_too {
                    cx.used[nl] = !entity_asked;
                } else if measure_too && (cx.links[nl].targets.iter().any(absorbs) || facts_word) {
                    cx.soft[nl] = true;
                }
            }
            // "any promotion other than No Discount": the attribute before the setting-aside words too.
            let before = cx.set_aside_start(start).unwrap_or(start);
            if before > 0 {
                if let Some(pl) = cx.owner[before - 1] {
                    if !cx.used[pl] && cx.links[pl].targets.iter().any(absorbs) {
                        cx.used[pl] = true;
                    }
                }
            }
            continue;
        }
        if let Some(Target::Flag(d)) = targets.iter().find(|t| matches!(t, Target::Flag(_))) {
            let dim = &model.dimensions[*d];
            // "holders compared with non-holders", "promoted vs non-promoted", "with and without a card",
            // "returned or not": both sides of the flag, one row each.
            let mut end = end;
            if let Some((words_used, other)) = flag_both_ways(&cx, li, *d) {
                intent.add_group(GroupKey::Dim(dim.name.clone()));
                if let Some(o) = other {
                    cx.used[o] = true;
                    end = end.max(cx.links[o].end);
                }
                for k in words_used {
                    cx.consumed[k] = true;
                    end = end.max(k + 1);
                }
            } else {
                intent.add_filter(&dim.name, None, negate);
            }
            cx.used[li] = true;
            // "returned orders", "promoted vs non-promoted sales": the facts word after the flag names the rows.
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

    // "revenue from weekend orders", "profit on Sunday sales": a facts word after a day of the week names the
    // rows the day picks, as after a value, not a second figure.
    for li in 0..cx.links.len() {
        let l = &cx.links[li];
        let facts_word = l.end == l.start + 1
            && matches!(
                cx.word(l.start),
                "sales" | "sale" | "orders" | "order" | "purchases" | "transactions"
            );
        let after_date = l.start > 0
            && time.consumed[l.start - 1]
            && (super::time::weekday_words(tokens, l.start - 1).is_some()
                || (l.start >= 2
                    && super::time::weekday_words(tokens, l.start - 2)
                        .is_some_and(|(_, n)| n == 2)));
        if !cx.used[li]
            && facts_word
            && after_date
            && l.targets.iter().any(|t| matches!(t, Target::Measure(_)))
        {
            cx.soft[li] = true;
        }
    }

    // 4. Remaining words: measures, stray dimensions/entities/grains.
    let mut count_entity: Option<(String, usize)> = None;
    // An attribute whose distinct values are counted ("how many brands ... in each category").
    let mut count_dim: Option<GroupKey> = None;
    let (mut soft_measure, mut hard_measure) = (false, false);
    // Measures read off words that name members ("stores" counts stores): "how much" asks for no count.
    let mut member_counts: Vec<String> = Vec::new();
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
        let counted = (cx.counted_before(start) && count_asked) || most_entity == Some(li);
        if let (Some(e), true) = (entity, counted) {
            count_entity.get_or_insert((model.tables[e].name.clone(), li));
        }
        if let (Some(e), Some(_), true) = (entity, measure, listing) {
            if !counted && !cx.counted_before(start) {
                intent.add_group(GroupKey::Entity(model.tables[e].name.clone()));
                cx.used[li] = true;
                continue;
            }
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
            // "how many Gold customers made a purchase": the counted word is what is asked, not a soft one.
            if cx.soft[li] && !counted {
                let hard_other = cx.links.iter().enumerate().any(|(o, l)| {
                    o != li
                        && !cx.soft[o]
                        && l.targets.iter().any(|t| matches!(t, Target::Measure(_)))
                });
                cx.used[li] = true;
                if hard_other {
                    continue;
                }
                soft_measure = true;
            } else {
                hard_measure = true;
            }
            let avg = cx.preceded_by(start, &["average", "avg", "mean", "typical"], 1)
                && model.measures[m].agg == Aggregation::Sum;
            if entity.is_some() || cx.soft[li] {
                member_counts.push(model.measures[m].name.clone());
            }
            intent.add_measure(&model.measures[m].name, avg);
            cx.used[li] = true;
            continue;
        }
        // "how many items does a customer buy": a singular thing after "a" is anyone, not a grouping.
        let last = &cx.tokens[cx.links[li].end - 1];
        let generic = start > 0
            && matches!(cx.word(start - 1), "a" | "an")
            && last.text == last.stem()
            && !targets.iter().any(|t| matches!(t, Target::Value(..)))
            && (entity.is_some() || targets.iter().any(|t| matches!(t, Target::Dimension(_))));
        if generic {
            cx.used[li] = true;
            continue;
        }
        if let Some(e) = entity {
            if !counted && !all_of(&cx, start) {
                intent.add_group(GroupKey::Entity(model.tables[e].name.clone()));
            }
            cx.used[li] = true;
            continue;
        }
        if let Some(Target::Dimension(d)) =
            targets.iter().find(|t| matches!(t, Target::Dimension(_)))
        {
            let dim = &model.dimensions[*d];
            // "in fiscal year 2023": a year-valued attribute followed by a year filters on it, in place of
            // the calendar year the number would otherwise name.
            let end = cx.links[li].end;
            let words: Vec<&str> = dim.name.split(' ').collect();
            let year_attr = words.contains(&"year")
                && words.iter().any(|w| matches!(*w, "fiscal" | "financial"))
                && dim.kind != DimensionKind::Flag;
            if let (true, Some(y)) = (year_attr, cx.tokens.get(end).and_then(|t| t.year())) {
                intent.periods.retain(|p| !p.is_calendar_year(y));
                intent.filters.push(Filter {
                    dim: dim.name.clone(),
                    values: vec![y.to_string()],
                    negate: false,
                    null: None,
                    column: None,
                    contains: None,
                });
                cx.used[li] = true;
                continue;
            }
            if !all_of(&cx, start) {
                intent.add_group(GroupKey::Dim(dim.name.clone()));
                if counted {
                    count_dim.get_or_insert(GroupKey::Dim(dim.name.clone()));
                }
            }
            cx.used[li] = true;
            continue;
        }
        if let Some(Target::Grain(g, implied)) =
            targets.iter().find(|t| matches!(t, Target::Grain(..)))
        {
            if *implied
                || trend
                || ranked
                || !comparisons.is_empty()
                || matches!(cx.word(start.wrapping_sub(1)), "which" | "what" | "the")
            {
                intent.add_group(GroupKey::Grain(*g));
            }
            cx.used[li] = true;
            continue;
        }
        // "show customer id": one row per key, beside the names.
        if let Some(key) = targets
            .iter()
            .find(|t| matches!(t, Target::Key(_) | Target::Counted(_)))
            .and_then(|t| group_key(model, t))
        {
            intent.add_group(key);
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
    // "how many customers signed up in 2020", "stores opened since 2015": the period dates the counted
    // members themselves, by the date of their table that the verb names, not their sales.
    let timed = !intent.periods.is_empty() || grouped_by_time(&intent);
    if let (Some((table, li)), true) = (&count_entity, timed) {
        if let Some((column, used)) = entity_date(model, &cx, table) {
            for k in used {
                cx.consumed[k] = true;
                // A date word is read as itself, whatever a typo pass made of it.
                let typed = format!("read '{}' as", cx.tokens[k].orig);
                notes.retain(|n| !n.starts_with(&typed));
            }
            intent.date_column = Some((table.clone(), column));
        } else if let Some(k) = dating_verb(&cx, cx.links[*li].end) {
            // "how many stores opened in 2020" without an opening date: counting the stores that sold
            // then would answer another question.
            return Err(clarify::unknown_value(model, &cx.tokens[k].orig));
        }
    } else if count_entity.is_none() && timed {
        // "customer signups per year", "store openings by year", "customers by signup month": the word next to
        // the entity (or grouped by its grain) counts the members by that date of theirs.
        let found = (0..n).find_map(|i| {
            let (d, used) = date_word_at(model, &cx, i)?;
            let near = |l: &Link| l.end + 2 >= i && l.start <= used[used.len() - 1] + 2;
            let li = cx.links.iter().position(|l| {
                l.targets.iter().any(|t| {
                    matches!(t, Target::Entity(e) if model.tables[*e].name.eq_ignore_ascii_case(&d.table))
                }) && (near(l) || dated_slot == Some(i))
            })?;
            Some((d, used, li))
        });
        // Only when the members themselves are what is asked, not a figure of theirs.
        let own_count = |li: usize| {
            intent.measures.iter().all(|m| {
                cx.links[li]
                    .targets
                    .iter()
                    .any(|t| matches!(t, Target::Measure(x) if model.measures[*x].name == m.name))
            })
        };
        if let Some((d, used, li)) = found.filter(|f| own_count(f.2)) {
            for k in used {
                cx.consumed[k] = true;
                // A date word is read as itself, whatever a typo pass made of it.
                let typed = format!("read '{}' as", cx.tokens[k].orig);
                notes.retain(|n| !n.starts_with(&typed));
            }
            intent.date_column = Some((d.table.clone(), d.column.clone()));
            intent
                .group_by
                .retain(|g| *g != GroupKey::Entity(d.table.clone()));
            count_entity = Some((d.table.clone(), li));
        }
    }
    // "how much did our online stores sell", "how much did the Express stores make": an amount of money, not
    // a count of the stores the words name.
    let how_much = (0..n.saturating_sub(1)).any(|i| words[i] == "how" && words[i + 1] == "much");
    if how_much
        && !intent.measures.is_empty()
        && intent.measures.iter().all(|m| {
            member_counts.contains(&m.name)
                && model
                    .measure(&m.name)
                    .is_some_and(|d| d.format == Format::Count)
        })
    {
        if let Some(d) = model
            .default_measure()
            .filter(|d| d.format != Format::Count)
        {
            intent.measures = vec![MeasureRef {
                name: d.name.clone(),
                ..Default::default()
            }];
            soft_measure = false;
        }
    }
    if let Some(den) = &per_den {
        // "per order line", "per row": each line's average, not a ratio of totals.
        let per_row = is_row_count(model, den);
        for m in intent.measures.iter_mut() {
            if &m.name != den {
                let summed = model
                    .measure(&m.name)
                    .is_some_and(|x| x.agg == Aggregation::Sum);
                if per_row && summed {
                    m.average = true;
                    m.per = None;
                } else {
                    m.per = Some(den.clone());
                    m.average = false;
                }
            }
        }
        intent
            .measures
            .retain(|m| m.per.is_some() || (per_row && m.average));
    }
    for m in lead_measures.iter().rev() {
        let r = MeasureRef {
            name: m.clone(),
            ..Default::default()
        };
        intent.measures.retain(|x| x != &r);
        intent.measures.insert(0, r);
    }

    // Thresholds: each comparison applies to the measure after its amount ("500 orders") or before its
    // comparison word ("revenue over 1M"); an entity or counted thing before it is what is filtered.
    // What the thresholds filter, and the counting measure its word also names ("customers").
    let mut threshold_subject: Option<(GroupKey, Option<String>)> = None;
    for c in comparisons {
        let (threshold, subject) = read_threshold(model, &cx, c)?;
        if !intent
            .measures
            .iter()
            .any(|m| m.name == threshold.measure.name)
        {
            intent.measures.push(threshold.measure.clone());
        }
        if let Some((key, measure)) = subject {
            if let Some(m) = &measure {
                intent.measures.retain(|x| x.name != *m);
            }
            threshold_subject.get_or_insert((key, measure));
        }
        if threshold.measure.name == default_name(model) && c.after_amount == c.end {
            notes.push(format!(
                "the threshold applies to {}",
                threshold.measure.name
            ));
        }
        intent.having.push(threshold);
    }

    // Statistics: "median order value" is the median across orders of each order's value.
    for sw in &stats {
        apply_stat(model, &cx, &mut intent, sw, &per_keys, &base_table)?;
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
        // "new customers", "repeat buyers": an unknown modifier changes what is counted. "Active" or
        // "paying" ones are those with sales, which is what the facts count anyway.
        let with_sales = matches!(
            t.text.as_str(),
            "active" | "unique" | "distinct" | "different" | "individual" | "paying" | "purchasing"
        );
        let modifier = !with_sales
            && cx.owner.get(i + 1).copied().flatten().is_some_and(|li| {
                cx.links[li].start == i + 1
                    && cx.links[li]
                        .targets
                        .iter()
                        .any(|t| matches!(t, Target::Measure(_) | Target::Entity(_)))
            })
            && t.text.chars().all(|c| c.is_alphabetic());
        // "unit price", "sales team": an unknown noun after a measure names something else.
        let head = i > 0
            && cx.owner[i - 1].is_some_and(|li| {
                cx.links[li].end == i
                    && cx.links[li]
                        .targets
                        .iter()
                        .all(|t| matches!(t, Target::Measure(_)))
            })
            && t.text.chars().all(|c| c.is_alphabetic())
            && !["ed", "ing", "ly", "s"].iter().any(|x| t.text.ends_with(x));
        // "average customer age by region", "which store manager had": an unknown noun after an entity or
        // attribute names an attribute the data lacks.
        let attribute = i > 0
            && cx.owner[i - 1].is_some_and(|li| {
                cx.links[li].end == i
                    && cx.links[li]
                        .targets
                        .iter()
                        .any(|t| matches!(t, Target::Entity(_) | Target::Dimension(_)))
            })
            && t.text.chars().all(|c| c.is_alphabetic())
            && t.text.len() > 2
            && !["ed", "ing", "ly"].iter().any(|x| t.text.ends_with(x))
            && {
                let next = tokens.get(i + 1);
                next.is_none_or(|n| {
                    n.symbol
                        || matches!(
                            n.text.as_str(),
                            "by" | "per"
                                | "for"
                                | "in"
                                | "of"
                                | "had"
                                | "has"
                                | "was"
                                | "is"
                                | "did"
                                | "do"
                                | "does"
                                | "with"
                                | "across"
                        )
                })
            };
        if capital || prep || modifier || head || attribute {
            return Err(clarify::unknown_value(model, &t.orig));
        }
        ignored.push(t.orig.clone());
    }

    if let Some(c) = absent {
        let counted = has("many") || has("number") || has("count");
        return read_absence(model, &cx, intent, c, counted, notes, ignored);
    }

    // A link is solid unless every word of it was a typo correction ("mount" read as "amount").
    let solid = |li: usize| {
        let l = &cx.links[li];
        !(l.start..l.end).all(|k| {
            fixes
                .iter()
                .any(|(typed, _)| typed.eq_ignore_ascii_case(&tokens[k].orig))
        })
    };
    let solid_link = (0..cx.links.len()).any(|li| cx.used[li] && solid(li));
    let linked_anything = cx.used.iter().any(|u| *u) || !intent.periods.is_empty();
    // "Who won the 2018 FIFA World Cup?", "how tall is mount everest": a year or a corrected typo is all that
    // was read, and words that matter were not; answering the default measure would be a silent guess.
    let only_incidental = !solid_link && !ignored.is_empty();
    if !linked_anything || only_incidental {
        return Ok(Reading {
            intent,
            notes,
            nothing_linked: true,
            defaulted_measure: false,
            rank: ranked.then_some((top_n.or(Some(if explicit_top { 10 } else { 1 })), rank_desc)),
            soft_measure: false,
            unread: only_incidental,
        });
    }

    // "average list price of products": an entity's own figure names the entity it belongs to; the entity's
    // count is no second measure then.
    let owners: Vec<String> = intent
        .measures
        .iter()
        .filter_map(|r| model.measure(&r.name))
        .filter(|m| {
            model
                .table(&m.table)
                .is_some_and(|t| !t.fact && t.entity.is_some())
        })
        .filter_map(|m| count_measure_for(model, &m.table))
        .collect();
    if intent.measures.len() > 1 {
        intent.measures.retain(|r| !owners.contains(&r.name));
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
            // The members' own date ("signups per year") groups them by its grains.
            GroupKey::Grain(_) => intent.date_column.is_some(),
            GroupKey::Column { .. } | GroupKey::Weekend | GroupKey::DayOfWeek => false,
        })
    };
    let rank_spec = {
        let desc = if rank_desc && rank_asc {
            let first_desc = free.iter().position(|w| DESC.contains(w));
            let first_asc = free.iter().position(|w| ASC.contains(w));
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
            || has_phrase("least to most")
            || has_phrase("highest first")
            || has_phrase("lowest first")
            || has_phrase("largest first")
            || has_phrase("biggest first")
            || has("descending")
            || has("ascending")
            || words.iter().rev().find(|w| **w != ",") == Some(&"first");
        // "which customers spent the most": a ranking of thousands is cut to the first ten.
        let many = intent.group_by.iter().any(|g| match g {
            GroupKey::Entity(t) => model
                .table(t)
                .and_then(|t| t.row_count)
                .is_some_and(|r| r > 100),
            GroupKey::Column { .. } => true,
            _ => false,
        });
        let n = top_n.or(if explicit_top || (rank_plural && many && !sorted) {
            Some(if rank_plural { 10 } else { 1 })
        } else if rank_plural || sorted {
            None
        } else {
            Some(1)
        });
        (n, desc)
    };
    if !intent.having.is_empty() {
        let counted = (has("many") || has("number") || has("count")) && !ranked;
        let subject = threshold_subject
            .clone()
            .or_else(|| {
                count_entity
                    .as_ref()
                    .map(|(t, _)| (GroupKey::Entity(t.clone()), None))
            })
            .or_else(|| {
                // "how many categories had sales above 2M": what is counted is the grouping.
                intent
                    .group_by
                    .iter()
                    .find(|g| matches!(g, GroupKey::Dim(_) | GroupKey::Entity(_)))
                    .filter(|_| counted)
                    .map(|g| (g.clone(), None))
            });
        // "how many order lines had a negative profit": rows are counted, so each row is compared.
        let rows_counted = counted
            && threshold_subject.is_none()
            && intent.measures.iter().any(|m| is_row_count(model, &m.name))
            && intent.having.iter().all(|t| {
                t.measure.per.is_none()
                    && t.measure.stat.is_none()
                    && model
                        .measure(&t.measure.name)
                        .is_some_and(|m| m.agg == Aggregation::Sum)
            });
        if rows_counted {
            for t in intent.having.iter_mut() {
                t.per_row = true;
            }
            let compared: Vec<String> = intent
                .having
                .iter()
                .map(|t| t.measure.name.clone())
                .collect();
            intent.measures.retain(|m| !compared.contains(&m.name));
        } else if let Some((key, counting)) = subject {
            intent.group_by.retain(|g| g != &key);
            if counted {
                // Count each member once: by the column its counting measure counts, else the fact
                // table's key for the entity.
                let unit = counting.and_then(|m| model.measure(&m)).and_then(|m| {
                    count_distinct_column(&m.expr).map(|column| GroupKey::Column {
                        table: m.table.clone(),
                        column,
                    })
                });
                let key = match (&key, unit) {
                    (_, Some(u)) => u,
                    (GroupKey::Entity(t), None) => entity_unit(model, t, &base_table),
                    _ => key,
                };
                intent.group_by.insert(0, key);
                intent.measures = Vec::new();
                for t in &intent.having {
                    if !intent.measures.contains(&t.measure) {
                        intent.measures.push(t.measure.clone());
                    }
                }
                intent.shape = Shape::CountMatching;
                return Ok(finish(intent, notes, ignored, false));
            }
            intent.group_by.insert(0, key);
        }
    }
    if let Some((table, li)) = count_entity.clone().filter(|_| intent.having.is_empty()) {
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
        if (intent.periods.is_empty() || intent.date_column.is_some())
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
            } else if let Some(d) = cx.links[li].targets.iter().find_map(|t| match t {
                // No way from the facts to the entity's table: the facts' own attribute of the same name
                // ("how many stores in each country" over a flat export with a Store column).
                Target::Dimension(d)
                    if model.dimensions[*d].table.eq_ignore_ascii_case(&base_table) =>
                {
                    Some(GroupKey::Dim(model.dimensions[*d].name.clone()))
                }
                _ => None,
            }) {
                intent.group_by.retain(|g| g != &d);
                intent.group_by.insert(0, d.clone());
                count_dim = Some(d);
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
        // With a period or a verb of selling, the values are those the facts have ("brands sold in 2001").
        let sold_in = intent.periods.is_empty() || PURCHASE_VERBS.iter().any(|w| has(w));
        // "how many brands do we have in each category": the counted attribute first, the rest group it.
        let counted_key = count_dim
            .as_ref()
            .filter(|k| intent.group_by.contains(k))
            .cloned();
        if dims_only && counted && sold_in && (intent.group_by.len() == 1 || counted_key.is_some())
        {
            if let Some(k) = counted_key {
                intent.group_by.retain(|g| g != &k);
                intent.group_by.insert(0, k);
            }
            intent.shape = Shape::CountValues;
            return Ok(finish(intent, notes, ignored, false));
        }
        if dims_only
            && !ranked
            && (list_words || has("which") || has("what"))
            && sold_in
            && growth.is_none()
        {
            intent.shape = Shape::List;
            return Ok(finish(intent, notes, ignored, false));
        }
        // "list the VIP customers" with nothing listable named: a figure would answer another question.
        if listing && intent.group_by.is_empty() {
            return Err(clarify::nothing_to_list(model));
        }
        // "least sold product": what is sold is counted in units.
        let sold = ranked && (has("sold") || has("sells"));
        if let Some(q) = lexicon.quantity_measure().filter(|_| sold) {
            let name = model.measures[q].name.clone();
            notes.push(format!("read 'sold' as {name}"));
            intent.add_measure(&name, false);
        } else if let Some(m) = model.default_measure() {
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
    // Several values listed ("Brand A, Brand B and Brand C") are shown one per row, unless combined.
    let combined = [
        "combined",
        "together",
        "altogether",
        "total",
        "overall",
        "sum",
        "all",
    ]
    .iter()
    .any(|w| has(w));
    if comparing || !combined {
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
    // Share words inside a measure's own name ("margin %", "return percentage") ask for that measure.
    let share_word = |w: &str| {
        (0..n).any(|i| {
            free[i] == w
                && cx.owner[i].is_none_or(|li| {
                    cx.links[li]
                        .targets
                        .iter()
                        .all(|t| !matches!(t, Target::Measure(_)))
                })
        })
    };
    let share = share_word("share")
        || share_word("proportion")
        || share_word("contribution")
        || share_word("mix")
        || share_word("%")
        || share_word("percentage")
        || share_word("percent")
        || share_word("fraction");
    if let Some((kind, grain)) = growth.or(if growth_word {
        Some((GrowthKind::YearOverYear, None))
    } else {
        None
    }) {
        let has_grain = intent.group_by.iter().find_map(|g| match g {
            GroupKey::Grain(g) => Some(*g),
            _ => None,
        });
        // "grew from 2022 to 2023": growth between the range's first and last year.
        if let ([p], None, GrowthKind::YearOverYear) = (intent.periods.as_slice(), has_grain, kind)
        {
            let whole = p.month_aligned() && p.start.month() == 1 && p.end.month() == 1;
            let (y1, y2) = (p.start.year(), p.last_day().year());
            if whole && y2 > y1 {
                if let (Some(a), Some(b)) = (
                    super::time::Period::calendar_year(y1),
                    super::time::Period::calendar_year(y2),
                ) {
                    intent.periods = vec![a, b];
                }
            }
        }
        intent.shape = match (kind, grain, has_grain) {
            (GrowthKind::PeriodOverPeriod, Some(g), _) => {
                intent.add_group(GroupKey::Grain(g));
                Shape::Growth(GrowthKind::PeriodOverPeriod)
            }
            (_, _, Some(_)) => Shape::Growth(GrowthKind::PeriodOverPeriod),
            _ if intent.periods.len() >= 2 => Shape::Compare,
            _ => Shape::Growth(GrowthKind::YearOverYear),
        };
        // "month over month change for last month", "MoM change from November to December": one or two
        // whole buckets compare side by side (the one before, when one is named) instead of a series.
        if intent.shape == Shape::Growth(GrowthKind::PeriodOverPeriod) {
            let grains: Vec<Grain> = intent
                .group_by
                .iter()
                .filter_map(|g| match g {
                    GroupKey::Grain(g) => Some(*g),
                    _ => None,
                })
                .collect();
            if let ([g], [p]) = (grains.as_slice(), intent.periods.as_slice()) {
                let pair = match super::time::buckets(p, *g).as_deref() {
                    Some([one]) => {
                        super::time::previous_bucket(one, *g).map(|b| vec![b, one.clone()])
                    }
                    Some([a, b]) => Some(vec![a.clone(), b.clone()]),
                    _ => None,
                };
                if let Some(pair) = pair {
                    intent.group_by.retain(|k| k != &GroupKey::Grain(*g));
                    intent.periods = pair;
                    intent.shape = Shape::Compare;
                }
            }
        }
    } else if intent.periods.len() >= 2 && (comparing || !grouped_by_time(&intent)) {
        intent.shape = Shape::Compare;
    } else if share
        && (!intent.group_by.is_empty() || !intent.filters.is_empty())
        && !has_phrase("percentage point")
    {
        let mut focus = None;
        let by_time_only = !intent.group_by.is_empty()
            && intent
                .group_by
                .iter()
                .all(|g| matches!(g, GroupKey::Grain(_)));
        // "cancellation rate by device, as the share of order lines that were cancelled", "share of orders
        // with status returned per category": a value of another attribute, named as what the counted things
        // were or had, is a rate within each group, not a filter of the total.
        let rate_of = |f: &Filter| {
            let grouped = intent.group_by.contains(&GroupKey::Dim(f.dim.clone()));
            let named_as_state = cx.links.iter().any(|l| {
                let of_dim = l.targets.iter().any(|t| match t {
                    Target::Value(d, v) => {
                        model.dimensions[*d].name == f.dim && f.values.contains(v)
                    }
                    Target::Flag(d) => model.dimensions[*d].name == f.dim && f.values.is_empty(),
                    _ => false,
                });
                of_dim
                    && (1..=3).any(|k| {
                        l.start >= k
                            && matches!(
                                cx.word(l.start - k),
                                "that" | "which" | "were" | "was" | "with" | "having" | "got"
                            )
                    })
            });
            !grouped && f.contains.is_none() && f.null.is_none() && (named_as_state || has("rate"))
        };
        if by_time_only {
            // "what % of revenue came from Electronics each year": the value's share within each period.
            if let Some(pos) = intent.filters.iter().position(|f| !f.negate) {
                focus = Some(intent.filters.remove(pos));
            }
        } else if let Some(pos) = (!intent.group_by.is_empty())
            .then(|| intent.filters.iter().position(|f| !f.negate && rate_of(f)))
            .flatten()
        {
            focus = Some(intent.filters.remove(pos));
        } else if intent.group_by.is_empty() {
            if let Some(pos) = intent
                .filters
                .iter()
                .position(|f| !f.values.is_empty() && !f.negate)
            {
                let f = intent.filters.remove(pos);
                intent.add_group(GroupKey::Dim(f.dim.clone()));
                focus = Some(f);
            } else if let Some(pos) = intent
                .filters
                .iter()
                .position(|f| f.values.is_empty() && f.null.is_none() && f.contains.is_none())
            {
                // "what percent of lines were returned": the flag's share of the total.
                focus = Some(intent.filters.remove(pos));
            } else if let Some(pos) = intent
                .filters
                .iter()
                .position(|f| !f.values.is_empty() && f.negate && f.contains.is_none())
            {
                // "what share came from promotions other than No Discount": the rest's share of the total.
                focus = Some(intent.filters.remove(pos));
            }
        }
        intent.shape = Shape::Share { focus };
    } else if ranked && !intent.group_by.is_empty() {
        let (n, desc) = rank_spec;
        intent.shape = Shape::Top { n, desc };
        // "top 3 products in each region", "for each category, which brand sold the most": the ranking
        // is within each region or category, when something else is ranked.
        let within: Vec<GroupKey> = each_keys
            .iter()
            .filter(|k| intent.group_by.contains(k))
            .cloned()
            .collect();
        if n.is_some() && !within.is_empty() && intent.group_by.len() > within.len() {
            intent.rank_within = within;
        }
    }
    if ranked
        && !intent.group_by.is_empty()
        && matches!(
            intent.shape,
            Shape::Growth(GrowthKind::YearOverYear) | Shape::Compare | Shape::Share { .. }
        )
    {
        let changing = matches!(
            intent.shape,
            Shape::Growth(GrowthKind::YearOverYear) | Shape::Compare
        );
        let (n, desc) = rank_spec;
        intent.rank = Some((n, if changing && falling { !desc } else { desc }));
        intent.by_change = changing && by_change;
    }
    let mut reading = finish(intent, notes, ignored, defaulted);
    reading.rank = ranked.then_some(rank_spec);
    reading.soft_measure = soft_measure && !hard_measure;
    Ok(reading)
}

/// Verbs of a figure going up or down between two periods ("which region grew the most").
const RISE_VERBS: &[&str] = &[
    "rose", "risen", "gained", "climbed", "jumped", "surged", "soared", "improved",
];
const FALL_VERBS: &[&str] = &[
    "dropped",
    "fell",
    "fallen",
    "declined",
    "decreased",
    "shrank",
    "shrunk",
    "slumped",
    "plunged",
    "dipped",
    "worsened",
    "declining",
    "falling",
    "dropping",
];
/// Nouns of a fall ("the biggest drop in sales").
const FALL_NOUNS: &[&str] = &["drop", "decline", "decrease", "dip", "slump"];
/// Nouns of a change that, followed by "in" or "of", ask for one ("the biggest drop in revenue").
const CHANGE_NOUNS: &[&str] = &["drop", "dip", "slump", "rise", "jump", "gain"];

/// Verbs of becoming a member: any of them names any such date ("joined" finds a signup date).
const MEMBERSHIP: &[&str] = &[
    "join",
    "signup",
    "sign",
    "register",
    "registration",
    "enrol",
    "enroll",
    "subscribe",
    "subscription",
    "onboard",
    "member",
    "membership",
];

/// The date of an entity's table that an unlinked verb of the question names ("signed up" → signup_date,
/// "opened" → Opened, "joined" → a registration date), and the verb's tokens.
fn entity_date(model: &SemanticModel, cx: &Ctx, table: &str) -> Option<(String, Vec<usize>)> {
    (0..cx.tokens.len()).find_map(|i| {
        date_word_at(model, cx, i)
            .filter(|(d, _)| d.table.eq_ignore_ascii_case(table))
            .map(|(d, used)| (d.column.clone(), used))
    })
}

/// The entity date a word at `i` names, as verb or noun ("signed up", "signups", "openings", "registration"),
/// and its tokens (with a particle: "signed up").
fn date_word_at<'m>(
    model: &'m SemanticModel,
    cx: &Ctx,
    i: usize,
) -> Option<(&'m crate::catalog::semantic::EntityDate, Vec<usize>)> {
    let t = cx.tokens.get(i)?;
    if model.entity_dates.is_empty()
        || cx.owner[i].is_some()
        || cx.consumed[i]
        || t.text.len() < 3
        || !t.text.chars().all(|c| c.is_ascii_alphabetic())
        || is_filler(&t.text)
    {
        return None;
    }
    let base = |w: &str| -> String {
        for suffix in ["ings", "ing", "ed", "d", "s"] {
            if let Some(b) = w.strip_suffix(suffix).filter(|b| b.len() >= 3) {
                let b = b.as_bytes();
                // "signed" → sign, "shipped" → ship
                let undoubled = if b.len() >= 4 && b[b.len() - 1] == b[b.len() - 2] {
                    &b[..b.len() - 1]
                } else {
                    b
                };
                return String::from_utf8_lossy(undoubled).into_owned();
            }
        }
        w.to_string()
    };
    let common = |a: &str, b: &str| a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
    let member = |w: &str| MEMBERSHIP.iter().any(|m| common(m, w) >= 4.min(m.len()));
    // "born" is the one past tense whose noun shares no stem with it ("birth date", "birth year").
    let verb = match t.text.as_str() {
        "born" => "birth".to_string(),
        w => base(w),
    };
    let particle =
        matches!(cx.word(i + 1), "up" | "in" | "on").then(|| format!("{verb}{}", cx.word(i + 1)));
    model.entity_dates.iter().find_map(|d| {
        let hit = crate::catalog::semantic::words(&d.column).iter().any(|cw| {
            let cw = cw.as_str();
            !matches!(cw, "date" | "at" | "on" | "time" | "year" | "day" | "dt")
                && [Some(verb.clone()), particle.clone()]
                    .iter()
                    .flatten()
                    .any(|v| common(v, cw) >= 4 || (member(v) && member(cw)))
        });
        hit.then(|| {
            let used = if particle.is_some() {
                vec![i, i + 1]
            } else {
                vec![i]
            };
            (d, used)
        })
    })
}

/// A verb right after a counted entity that dates its members by an event the data may not record ("stores
/// *opened*", "customers *signed* up", "products *launched*"): past tense, not a verb of buying or selling,
/// and not ordinary English. Returns its token.
fn dating_verb(cx: &Ctx, after: usize) -> Option<usize> {
    let mut k = after;
    while matches!(
        cx.word(k),
        "that" | "who" | "which" | "were" | "was" | "have" | "had" | "been"
    ) {
        k += 1;
    }
    let w = cx.word(k);
    (w.len() > 4
        && w.ends_with("ed")
        && w.chars().all(|c| c.is_ascii_alphabetic())
        && cx.owner.get(k).is_some_and(|o| o.is_none())
        && !cx.consumed[k]
        && !PURCHASE_VERBS.contains(&w)
        && !is_filler(w)
        && !is_common_word(w))
    .then_some(k)
}

/// Words that restate what comes before them ("i.e.", "that is", "namely", "in other words", "meaning"), as
/// a token range.
fn appositive(cx: &Ctx) -> Option<(usize, usize)> {
    let n = cx.tokens.len();
    (0..n).find_map(|i| {
        let w = |d: usize| cx.word(i + d);
        let after_break = i == 0 || cx.tokens[i - 1].symbol;
        match (w(0), w(1), w(2)) {
            ("i", ",", "e") => Some((i, (i + 4).min(n).max(i + 3))),
            ("ie", _, _) if after_break => Some((i, i + 1)),
            ("that", "is", _) if after_break => Some((i, i + 2)),
            ("namely" | "meaning", _, _) if after_break => Some((i, i + 1)),
            ("in", "other", "words") => Some((i, i + 3)),
            _ => None,
        }
        .map(|(a, b)| {
            // "i.e.," leaves a sign behind it.
            let b = if b > a + 3 && !cx.tokens.get(b - 1).is_some_and(|t| t.symbol) {
                b - 1
            } else {
                b
            };
            (a, b)
        })
    })
}

/// Reads a quoted search into a filter on the attribute it names: the one after "in the" ("with 'x' in the
/// name"), else the one just before the cue ("whose description contains 'x'", "products containing 'x'": an
/// entity searches its display name). The thing searched is then only the rows' filter, unless the question
/// ranks, lists or counts it (`keep_subject`).
fn read_search(
    model: &SemanticModel,
    cx: &mut Ctx,
    intent: &mut Intent,
    c: &super::quoted::TextCue,
    keep_subject: bool,
) -> Result<(), NlError> {
    let link = match c.trailing {
        Some(k) => cx.owner.get(k).copied().flatten(),
        None => {
            let mut k = c.cue;
            while k > 0
                && cx.owner[k - 1].is_none()
                && matches!(
                    cx.word(k - 1),
                    "whose"
                        | "that"
                        | "which"
                        | "where"
                        | "who"
                        | "its"
                        | "their"
                        | "the"
                        | "is"
                        | "are"
                        | "has"
                        | "have"
                        | "name"
                        | "names"
                )
            {
                k -= 1;
            }
            for w in cx.consumed.iter_mut().take(c.cue).skip(k) {
                *w = true;
            }
            k.checked_sub(1).and_then(|p| cx.owner[p])
        }
    };
    let searched = link.and_then(|li| {
        cx.links[li].targets.iter().find_map(|t| match t {
            Target::Dimension(d) if model.dimensions[*d].kind != DimensionKind::Flag => {
                Some((model.dimensions[*d].name.clone(), None))
            }
            Target::Entity(e) => {
                let t = &model.tables[*e];
                let display = t.display.clone()?;
                let dim = model.dimensions.iter().find(|d| {
                    d.table.eq_ignore_ascii_case(&t.name) && d.column.eq_ignore_ascii_case(&display)
                });
                Some(match dim {
                    Some(d) => (d.name.clone(), None),
                    None => (
                        crate::catalog::semantic::column_noun(&display),
                        Some((t.name.clone(), display)),
                    ),
                })
            }
            _ => None,
        })
    });
    let (Some(li), Some((dim, column))) = (link, searched) else {
        return Err(clarify::unknown_value(model, &c.text));
    };
    let entity = cx.links[li]
        .targets
        .iter()
        .any(|t| matches!(t, Target::Entity(_)));
    if !(entity && keep_subject) {
        cx.used[li] = true;
    }
    // "products whose description contains": the products are the rows searched, not a grouping.
    let subject = cx.links[li]
        .start
        .checked_sub(1)
        .filter(|&p| matches!(cx.word(p), "whose" | "that" | "which" | "with" | "where"))
        .and_then(|p| p.checked_sub(1))
        .and_then(|p| cx.owner[p]);
    if let (Some(s), false) = (subject, keep_subject) {
        if cx.links[s]
            .targets
            .iter()
            .any(|t| matches!(t, Target::Entity(_) | Target::Dimension(_)))
        {
            cx.used[s] = true;
        }
    }
    intent.filters.push(Filter {
        dim,
        values: Vec::new(),
        negate: false,
        null: None,
        column,
        contains: Some(c.text.clone()),
    });
    Ok(())
}

/// Words that set the other side of a flag against it ("non-holders", "or not", "without").
const FLAG_NEGATIONS: &[&str] = &["non", "not", "no", "without", "un", "never"];
const FLAG_JOINERS: &[&str] = &["vs", "versus", "or", "against", "compared", "and"];

/// Whether a flag is set against its own negation ("card holders compared with non-holders", "promoted vs
/// non-promoted sales", "with and without a loyalty card", "returned or not", "non-promoted vs promoted"):
/// the tokens the other side takes, and the link naming the flag a second time, if any.
fn flag_both_ways(cx: &Ctx, li: usize, flag: usize) -> Option<(Vec<usize>, Option<usize>)> {
    let (start, end) = (cx.links[li].start, cx.links[li].end);
    let same_flag = |k: usize| {
        cx.owner.get(k).copied().flatten().filter(|&o| {
            o != li && cx.links[o].start == k && cx.links[o].targets.contains(&Target::Flag(flag))
        })
    };
    let free = |k: usize| {
        k < cx.tokens.len()
            && cx.owner[k].is_none()
            && !cx.consumed[k]
            && !cx.tokens[k].symbol
            && cx.tokens[k].number.is_none()
    };
    // After the flag: a joiner, then a negation and the flag's words again (or nothing more).
    let mut k = end;
    if FLAG_JOINERS.contains(&cx.word(k)) {
        let mut used = vec![k];
        k += 1;
        while matches!(
            cx.word(k),
            "with" | "to" | "the" | "those" | "that" | "who" | "are"
        ) {
            used.push(k);
            k += 1;
        }
        if FLAG_NEGATIONS.contains(&cx.word(k)) {
            used.push(k);
            k += 1;
            if let Some(o) = same_flag(k) {
                return Some((used, Some(o)));
            }
            // "non-holders", "non loyalty members": the rest of the flag's wording, unlinked.
            let mut extra = 0;
            while free(k)
                && extra < end - start
                && cx.tokens[k].text.chars().all(char::is_alphabetic)
            {
                used.push(k);
                k += 1;
                extra += 1;
            }
            return Some((used, None));
        }
        // "non-promoted vs promoted": the negated mention first.
        if let (Some(o), true) = (same_flag(k), start > 0) {
            if FLAG_NEGATIONS.contains(&cx.word(start - 1)) {
                used.push(start - 1);
                return Some((used, Some(o)));
            }
        }
    }
    // "with and without a loyalty card", "with or without promotions".
    let mut b = start;
    while b > 0 && matches!(cx.word(b - 1), "a" | "an" | "the") {
        b -= 1;
    }
    let w = |d: usize| b.checked_sub(d).map(|k| cx.word(k)).unwrap_or("");
    if matches!(w(1), "without" | "non" | "not") && matches!(w(2), "and" | "or") && w(3) == "with" {
        return Some(((b - 3..start).collect(), None));
    }
    None
}

/// "across all stores", "for all our products": the whole of them, not a row each.
fn all_of(cx: &Ctx, start: usize) -> bool {
    let mut k = start;
    while k > 0 && matches!(cx.word(k - 1), "the" | "our" | "of" | "my") {
        k -= 1;
    }
    k >= 2
        && cx.word(k - 1) == "all"
        && matches!(
            cx.word(k - 2),
            "across" | "for" | "over" | "from" | "among" | "of"
        )
}

/// Whether the answer has a row per time bucket (then several periods are kept, not put side by side).
fn grouped_by_time(intent: &Intent) -> bool {
    intent
        .group_by
        .iter()
        .any(|g| matches!(g, GroupKey::Grain(_)))
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
        soft_measure: false,
        unread: false,
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

/// Whether an absence cue makes this an absence question: a subject (entity or attribute) before the cue,
/// no measure before it (other than the subject's own count), and for "no"/"without" a fact after it.
fn absence_active(model: &SemanticModel, cx: &Ctx, cue: Cue) -> Option<Cue> {
    let before = |l: &Link| l.end <= cue.start;
    let thing = |l: &Link| {
        l.targets
            .iter()
            .any(|t| matches!(t, Target::Entity(_) | Target::Dimension(_)))
    };
    let subject = cx.links.iter().any(|l| before(l) && thing(l));
    let measure_before = cx.links.iter().any(|l| {
        before(l) && l.targets.iter().any(|t| matches!(t, Target::Measure(_))) && !thing(l)
    });
    let fact_after = cx.links.iter().any(|l| {
        l.start >= cue.end
            && l.start <= cue.end + 3
            && l.targets.iter().any(|t| match t {
                Target::Measure(m) => model.measures[*m].format != Format::Percent,
                Target::Flag(_) => true,
                _ => false,
            })
    });
    (subject && !measure_before && (!cue.needs_fact || fact_after)).then_some(cue)
}

/// "Online vs Store": the link holds a value of a dimension that a neighbouring compared value also has.
fn compared_value(cx: &Ctx, li: usize) -> bool {
    let dims = |l: &Link| -> Vec<usize> {
        l.targets
            .iter()
            .filter_map(|t| match t {
                Target::Value(d, _) => Some(*d),
                _ => None,
            })
            .collect()
    };
    let mine = dims(&cx.links[li]);
    if mine.is_empty() {
        return false;
    }
    let joiner = |w: &str| {
        matches!(
            w,
            "vs" | "versus" | "or" | "and" | "against" | "compared" | "to" | "with"
        )
    };
    let start = cx.links[li].start;
    let end = cx.links[li].end;
    let mut k = start;
    while k > 0 && joiner(cx.word(k - 1)) {
        k -= 1;
    }
    let left = (k < start && k > 0)
        .then(|| cx.owner[k - 1])
        .flatten()
        .map(|o| dims(&cx.links[o]))
        .unwrap_or_default();
    let mut k = end;
    while k < cx.tokens.len() && joiner(cx.word(k)) {
        k += 1;
    }
    let right = (k > end)
        .then(|| cx.owner.get(k).copied().flatten())
        .flatten()
        .map(|o| dims(&cx.links[o]))
        .unwrap_or_default();
    let only_values = |o: Option<usize>| {
        o.is_some_and(|o| {
            cx.links[o]
                .targets
                .iter()
                .all(|t| matches!(t, Target::Value(..)))
        })
    };
    let left_ok =
        left.iter().any(|d| mine.contains(d)) && only_values(cx.owner[start.saturating_sub(2)]);
    let right_ok =
        right.iter().any(|d| mine.contains(d)) && only_values(cx.owner.get(k).copied().flatten());
    left_ok || right_ok
}

fn default_name(model: &SemanticModel) -> String {
    model
        .default_measure()
        .map(|m| m.name.clone())
        .unwrap_or_default()
}

/// The column a `COUNT(DISTINCT col)` in a measure expression counts ("orders" → order_id).
pub fn count_distinct_column(expr: &str) -> Option<String> {
    let lower = expr.to_lowercase();
    let at = lower.find("count(distinct")? + "count(distinct".len();
    let rest = expr.get(at..)?;
    let inner = rest[..rest.find(')')?].trim();
    let col = inner.trim_matches('"');
    (!col.is_empty() && !inner.contains('(') && !inner.contains(',')).then(|| col.to_string())
}

/// The fact table's key column that reaches an entity table (sales.customer_id for customers), or the entity.
fn entity_unit(model: &SemanticModel, table: &str, base: &str) -> GroupKey {
    model
        .joins
        .iter()
        .find_map(|j| {
            let (ft, fc) = crate::catalog::semantic::JoinDef::split(&j.from)?;
            let (tt, _) = crate::catalog::semantic::JoinDef::split(&j.to)?;
            (ft.eq_ignore_ascii_case(base) && tt.eq_ignore_ascii_case(table)).then(|| {
                GroupKey::Column {
                    table: ft.to_string(),
                    column: fc.to_string(),
                }
            })
        })
        .unwrap_or_else(|| GroupKey::Entity(table.to_string()))
}

/// The measure a link names, as a reference (averaged after "average" for summed measures).
fn measure_ref(model: &SemanticModel, cx: &Ctx, li: usize) -> Option<MeasureRef> {
    let m = cx.links[li].targets.iter().find_map(|t| match t {
        Target::Measure(m) => Some(*m),
        _ => None,
    })?;
    let average = cx.preceded_by(cx.links[li].start, &["average", "avg", "mean"], 1)
        && model.measures[m].agg == Aggregation::Sum;
    Some(MeasureRef {
        name: model.measures[m].name.clone(),
        average,
        ..Default::default()
    })
}

/// One threshold and, when the words before it name what is filtered ("customers who spent", "orders
/// with"), that subject and the measure its word was read as (to drop from the answer's measures).
#[allow(clippy::type_complexity)]
fn read_threshold(
    model: &SemanticModel,
    cx: &Ctx,
    c: &Comparison,
) -> Result<(Threshold, Option<(GroupKey, Option<String>)>), NlError> {
    let n = cx.tokens.len();
    let mut k = c.after_amount;
    while k < n && matches!(cx.word(k), "of" | "in" | "worth" | "the" | "total") {
        k += 1;
    }
    let after = cx.measure_link_at(k);
    if after.is_none() && c.after_amount < n && cx.unknown(c.after_amount) {
        return Err(clarify::unknown_value(
            model,
            &cx.tokens[c.after_amount].orig,
        ));
    }
    const BEFORE_SKIP: &[&str] = &[
        "is",
        "was",
        "were",
        "are",
        "be",
        "of",
        "a",
        "an",
        "with",
        "where",
        "whose",
        "had",
        "has",
        "have",
        "having",
        "total",
        "that",
        "which",
        "who",
        "did",
        "do",
        "does",
        "their",
        "its",
        "the",
        "spent",
        "spend",
        "spending",
        "generated",
        "earned",
        "made",
        "sold",
        "bought",
        "paid",
        "brought",
        "in",
        "combined",
        "overall",
    ];
    let mut b = c.start;
    let mut steps = 0;
    while b > 0 && steps < 5 && cx.owner[b - 1].is_none() && BEFORE_SKIP.contains(&cx.word(b - 1)) {
        b -= 1;
        steps += 1;
    }
    let before = b
        .checked_sub(1)
        .and_then(|p| cx.owner[p])
        .filter(|&li| cx.links[li].end == b);
    // What a word names as a thing that can be listed: an entity, else an attribute ("customer name").
    let entity_of = |li: usize| {
        let targets = &cx.links[li].targets;
        targets
            .iter()
            .find_map(|t| match t {
                Target::Entity(e) => Some(GroupKey::Entity(model.tables[*e].name.clone())),
                _ => None,
            })
            .or_else(|| {
                targets.iter().find_map(|t| match t {
                    Target::Dimension(d) => Some(GroupKey::Dim(model.dimensions[*d].name.clone())),
                    _ => None,
                })
            })
    };
    // A counting measure such as "orders": what is counted is the subject ("orders with more than 5 units").
    let unit_of = |li: usize| -> Option<(GroupKey, String)> {
        let r = measure_ref(model, cx, li)?;
        let m = model.measure(&r.name)?;
        let col = count_distinct_column(&m.expr)?;
        Some((
            GroupKey::Column {
                table: m.table.clone(),
                column: col,
            },
            r.name,
        ))
    };
    let subject_of = |li: usize| -> Option<(GroupKey, Option<String>)> {
        if let Some(key) = entity_of(li) {
            let measure = measure_ref(model, cx, li).map(|r| r.name);
            return Some((key, measure));
        }
        unit_of(li).map(|(k, m)| (k, Some(m)))
    };
    let money = || {
        model
            .default_measure()
            .map(|m| MeasureRef {
                name: m.name.clone(),
                ..Default::default()
            })
            .ok_or_else(|| clarify::nothing(model))
    };
    let (measure, subject) = match (after, before) {
        (Some(a), b) => (
            measure_ref(model, cx, a).ok_or_else(|| clarify::nothing(model))?,
            b.and_then(subject_of),
        ),
        (None, Some(b)) if entity_of(b).is_some() => (money()?, subject_of(b)),
        (None, Some(b)) if measure_ref(model, cx, b).is_none() => (money()?, None),
        (None, Some(b)) => {
            let r = measure_ref(model, cx, b).ok_or_else(|| clarify::nothing(model))?;
            let counting = model
                .measure(&r.name)
                .is_some_and(|m| m.format == Format::Count);
            let money_amount = (c.start..c.after_amount).any(|x| cx.word(x) == "$");
            match unit_of(b) {
                Some((key, name)) if money_amount && counting => {
                    (money()?, Some((key, Some(name))))
                }
                _ => (r, None),
            }
        }
        (None, None) => (money()?, None),
    };
    let percent_measure = model
        .measure(&measure.name)
        .is_some_and(|m| m.format == Format::Percent && !measure.average);
    let scale = |v: f64| {
        if c.percent || (percent_measure && v > 1.0) {
            v / 100.0
        } else {
            v
        }
    };
    Ok((
        Threshold {
            measure,
            cmp: c.cmp,
            value: scale(c.value),
            upper: c.upper.map(scale),
            per_row: false,
        },
        subject,
    ))
}

/// Applies a statistic to the measure it names and decides what it is taken across.
fn apply_stat(
    model: &SemanticModel,
    cx: &Ctx,
    intent: &mut Intent,
    sw: &stat::StatWord,
    per_keys: &[GroupKey],
    base_table: &str,
) -> Result<(), NlError> {
    let n = cx.tokens.len();
    let mut k = sw.end;
    while k < n && matches!(cx.word(k), "the" | "a" | "an" | "our") {
        k += 1;
    }
    let mut named = cx
        .measure_link_at(k)
        .and_then(|li| measure_ref(model, cx, li))
        .map(|r| r.name);
    // "median customer spend", "median store revenue": taken across the entity named first.
    let mut entity_over = None;
    if let Some(li) = cx.owner.get(k).copied().flatten() {
        let entity = cx.links[li].targets.iter().find_map(|t| match t {
            Target::Entity(e) => Some(model.tables[*e].name.clone()),
            _ => None,
        });
        let next = cx
            .measure_link_at(cx.links[li].end)
            .and_then(|nl| measure_ref(model, cx, nl));
        if let (Some(e), Some(next)) = (entity, next) {
            if let Some(own) = named.take() {
                if own != next.name {
                    intent.measures.retain(|m| m.name != own);
                }
            }
            intent
                .group_by
                .retain(|g| *g != GroupKey::Entity(e.clone()));
            if !intent.measures.iter().any(|m| m.name == next.name) {
                intent.measures.push(next.clone());
            }
            named = Some(next.name);
            entity_over = Some(entity_unit(model, &e, base_table));
        }
    }
    if intent.measures.is_empty() {
        let d = default_name(model);
        if d.is_empty() {
            return Err(clarify::nothing(model));
        }
        intent.add_measure(&d, false);
    }
    let mut idx = named
        .and_then(|name| intent.measures.iter().position(|m| m.name == name))
        .unwrap_or(0);
    let r = &mut intent.measures[idx];
    let Some(def) = model.measure(&r.name) else {
        return Err(clarify::nothing(model));
    };
    r.stat = Some(sw.stat);
    r.average = false;
    // Across what: the counted thing of a ratio ("revenue per customer"), the measure's own counted thing
    // ("order value" = revenue / orders), an entity named after "per", else the rows.
    let over = entity_over.or_else(|| {
        r.per
            .as_deref()
            .and_then(|den| model.measure(den))
            .and_then(|d| {
                count_distinct_column(&d.expr).map(|column| GroupKey::Column {
                    table: d.table.clone(),
                    column,
                })
            })
            .or_else(|| {
                (def.agg == Aggregation::Custom)
                    .then(|| count_distinct_column(&def.expr))
                    .flatten()
                    .map(|column| GroupKey::Column {
                        table: def.table.clone(),
                        column,
                    })
            })
    });
    let over = match over {
        Some(o) => Some(o),
        None => match per_keys.iter().find(|g| matches!(g, GroupKey::Entity(_))) {
            Some(GroupKey::Entity(t)) => {
                let key = GroupKey::Entity(t.clone());
                intent.group_by.retain(|g| g != &key);
                Some(entity_unit(model, t, base_table))
            }
            _ => None,
        },
    };
    // "median order value of online orders": "orders" names the unit, not a second figure.
    if let Some(GroupKey::Column { column, .. }) = &over {
        let keep = intent.measures[idx].name.clone();
        let before = intent.measures.len();
        intent.measures.retain(|m| {
            m.name == keep
                || m.stat.is_some()
                || model
                    .measure(&m.name)
                    .and_then(|d| count_distinct_column(&d.expr))
                    .is_none_or(|c| !c.eq_ignore_ascii_case(column))
        });
        if intent.measures.len() != before {
            idx = intent
                .measures
                .iter()
                .position(|m| m.name == keep)
                .unwrap_or(0);
        }
    }
    let r = &mut intent.measures[idx];
    r.per = None;
    if over.is_none()
        && !matches!(
            def.agg,
            Aggregation::Sum | Aggregation::Avg | Aggregation::Min | Aggregation::Max
        )
    {
        return Err(NlError::Clarify {
            message: format!(
                "A {} of {} needs something to take it across, e.g. \"{} {} per product\".",
                sw.stat.label(),
                def.name,
                sw.stat.label(),
                def.name
            ),
            suggestions: clarify::suggestions(model, Some(&def.name)),
        });
    }
    r.over = over;
    Ok(())
}

/// Builds the answer to an absence question: the subject's members with no matching fact rows.
fn read_absence(
    model: &SemanticModel,
    cx: &Ctx,
    mut intent: Intent,
    cue: Cue,
    counted: bool,
    notes: Vec<String>,
    ignored: Vec<String>,
) -> Result<Reading, NlError> {
    let before: Vec<&Link> = cx.links.iter().filter(|l| l.end <= cue.start).collect();
    let subject = before
        .iter()
        .find_map(|l| {
            l.targets.iter().find_map(|t| match t {
                Target::Entity(e) => Some(GroupKey::Entity(model.tables[*e].name.clone())),
                _ => None,
            })
        })
        .or_else(|| {
            before.iter().find_map(|l| {
                l.targets.iter().find_map(|t| match t {
                    Target::Dimension(d) if model.dimensions[*d].kind != DimensionKind::Flag => {
                        Some(GroupKey::Dim(model.dimensions[*d].name.clone()))
                    }
                    _ => None,
                })
            })
        })
        .or_else(|| {
            intent
                .group_by
                .iter()
                .find(|g| matches!(g, GroupKey::Dim(_) | GroupKey::Entity(_)))
                .cloned()
        })
        .ok_or_else(|| clarify::absence(model))?;
    // Facts named after the cue: "no returns" means rows that were returned.
    for l in cx.links.iter().filter(|l| l.start >= cue.start) {
        for t in &l.targets {
            if let Target::Measure(m) = t {
                if let Some(d) = flag_in_expr(model, *m) {
                    intent.add_filter(&model.dimensions[d].name, None, false);
                }
            }
        }
    }
    intent.measures.clear();
    intent.having.clear();
    intent.group_by = vec![subject];
    intent.shape = Shape::Missing { count: counted };
    Ok(finish(intent, notes, ignored, false))
}

/// A measure that counts the fact's rows (`COUNT(*)`: order lines, transactions).
fn is_row_count(model: &SemanticModel, name: &str) -> bool {
    model
        .measure(name)
        .is_some_and(|d| d.expr.replace(' ', "").eq_ignore_ascii_case("count(*)"))
}
