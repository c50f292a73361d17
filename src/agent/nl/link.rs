//! Links question words to the catalog: measures, dimensions, dimension values, entities and grains,
//! by exact phrase, synonym, stem/plural, and (for typos) a small edit distance. Longest phrase wins.

use std::collections::{HashMap, HashSet};

use crate::catalog::semantic::{DimensionKind, Grain, SemanticModel};

use super::lexer::{edit_distance, is_common_word, is_filler, phrase_key, Token};

/// What a phrase can mean.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    Measure(usize),
    Dimension(usize),
    /// A known value of a dimension (index, value as stored).
    Value(usize, String),
    /// A table's entity ("product" → products, shown by its display column).
    Entity(usize),
    /// A boolean flag dimension ("returned").
    Flag(usize),
    /// A time grain word ("month", "monthly"); the bool says the word implies grouping ("monthly").
    Grain(Grain, bool),
    /// A word naming the time dimension itself ("order date"): carries no filter.
    TimeWord,
    /// A table's key column ("customer id"): shown beside the entity's names when asked for.
    Key(usize),
    /// The column a counting measure counts (index of the measure), named by its own words ("customer id"
    /// for `COUNT(DISTINCT "Customer ID")`): a key of the facts with no table of its own.
    Counted(usize),
}

/// A linked span of tokens.
#[derive(Debug, Clone)]
pub struct Link {
    pub start: usize,
    pub end: usize,
    pub targets: Vec<Target>,
}

/// The phrase dictionary built once per model.
#[derive(Debug, Default)]
pub struct Lexicon {
    phrases: HashMap<String, Vec<Target>>,
    max_len: usize,
    vocab: Vec<String>,
    vocab_set: HashSet<String>,
    /// Words of measure, dimension and entity names (not values): typos are corrected to these first.
    schema_vocab: HashSet<String>,
    /// Keys of values that look like ordinary words ("IN", "OR", "Tops"): matched only as typed.
    strict: HashSet<String>,
    /// Capitalised short names of values ("UK" for "United Kingdom"), matched only as typed in capitals.
    initialisms: HashMap<String, Vec<Target>>,
}

impl Lexicon {
    /// Builds the dictionary from the model's names, synonyms and known values.
    pub fn new(model: &SemanticModel) -> Self {
        let mut lx = Lexicon::default();
        for (i, m) in model.measures.iter().enumerate() {
            if m.implicit {
                continue;
            }
            lx.add(&m.name, Target::Measure(i));
            for s in &m.synonyms {
                lx.add(s, Target::Measure(i));
            }
        }
        lx.add_fact_keys(model);
        for (ti, t) in model.tables.iter().enumerate() {
            if let Some(e) = &t.entity {
                lx.add(e, Target::Entity(ti));
                for s in &t.synonyms {
                    lx.add(s, Target::Entity(ti));
                }
                if let Some(d) = &t.display {
                    lx.add(&format!("{e} name"), Target::Entity(ti));
                    lx.add(
                        &crate::catalog::semantic::words(d).join(" "),
                        Target::Entity(ti),
                    );
                }
                // "show customer id": the key, when it is not the name itself.
                if let Some(k) = t.key.as_ref().filter(|k| Some(*k) != t.display.as_ref()) {
                    lx.add(&format!("{e} id"), Target::Key(ti));
                    lx.add(&format!("{e} ids"), Target::Key(ti));
                    lx.add(
                        &crate::catalog::semantic::words(k).join(" "),
                        Target::Key(ti),
                    );
                }
            }
        }
        for (i, d) in model.dimensions.iter().enumerate() {
            let target = if d.kind == DimensionKind::Flag {
                Target::Flag(i)
            } else {
                Target::Dimension(i)
            };
            lx.add(&d.name, target.clone());
            for s in &d.synonyms {
                lx.add(s, target.clone());
            }
            let col_words = crate::catalog::semantic::words(&d.column).join(" ");
            if lx.lookup(&phrase_key(&col_words)).is_none() {
                lx.add(&col_words, target.clone());
            }
            if let Some(e) = model.table(&d.table).and_then(|t| t.entity.clone()) {
                if !d.name.starts_with(&e) {
                    lx.add(&format!("{e} {}", d.name), target.clone());
                }
            }
            if d.kind == DimensionKind::Category {
                // US states: "Tennessee" finds "TN" and "TN" finds "Tennessee".
                let coded = d
                    .values
                    .iter()
                    .filter(|v| {
                        US_STATES
                            .iter()
                            .any(|(c, n)| v == c || v.eq_ignore_ascii_case(n))
                    })
                    .count();
                if coded * 2 >= d.values.len() && coded > 0 {
                    for v in &d.values {
                        if let Some((code, name)) = US_STATES
                            .iter()
                            .find(|(c, n)| v == c || v.eq_ignore_ascii_case(n))
                        {
                            // Codes typed for names would catch "in", "or", "me": names only.
                            if v == code {
                                lx.add(name, Target::Value(i, v.clone()));
                            }
                        }
                    }
                }
                // Values that all begin with the same word ("Larkspur Portland Pearl"): the rest names them too.
                let firsts: Vec<&str> = d
                    .values
                    .iter()
                    .filter_map(|v| v.split_once(' ').map(|(f, _)| f))
                    .collect();
                let shared = firsts.first().copied().filter(|f| {
                    d.values.len() >= 3
                        && firsts.len() == d.values.len()
                        && firsts.iter().all(|x| x == f)
                });
                if let Some(prefix) = shared {
                    for v in &d.values {
                        if let Some(rest) = v.strip_prefix(prefix).map(str::trim) {
                            if rest.contains(' ') || rest.len() > 3 {
                                lx.add(rest, Target::Value(i, v.clone()));
                            }
                        }
                    }
                }
                for v in &d.values {
                    if !v.trim().is_empty() {
                        let key = phrase_key(v);
                        let single = !key.contains(' ');
                        if single
                            && (key.len() <= 2 || is_filler(&key) || is_filler(&v.to_lowercase()))
                        {
                            lx.strict.insert(key.clone());
                        }
                        lx.add(v, Target::Value(i, v.clone()));
                    }
                }
            }
        }
        lx.add_value_aliases(model);
        // The last word of a dimension's name, when no other dimension ends in it ("type" for "store type").
        let mut lasts: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, d) in model.dimensions.iter().enumerate() {
            if let Some((_, last)) = d.name.rsplit_once(' ') {
                lasts.entry(phrase_key(last)).or_default().push(i);
            }
        }
        for (last, dims) in lasts {
            let generic = matches!(
                last.as_str(),
                "name"
                    | "id"
                    | "code"
                    | "key"
                    | "number"
                    | "date"
                    | "flag"
                    | "description"
                    | "day"
                    | "week"
                    | "month"
                    | "quarter"
                    | "year"
                    | "time"
            );
            if dims.len() == 1 && !generic && lx.lookup(&last).is_none() {
                let d = &model.dimensions[dims[0]];
                let target = if d.kind == DimensionKind::Flag {
                    Target::Flag(dims[0])
                } else {
                    Target::Dimension(dims[0])
                };
                lx.add(&last, target);
            }
        }
        for td in &model.time_dimensions {
            lx.add(&td.name, Target::TimeWord);
            for s in &td.synonyms {
                lx.add(s, Target::TimeWord);
            }
        }
        let grains = [
            ("day", Grain::Day, false),
            ("daily", Grain::Day, true),
            ("date", Grain::Day, false),
            ("week", Grain::Week, false),
            ("weekly", Grain::Week, true),
            ("month", Grain::Month, false),
            ("monthly", Grain::Month, true),
            ("quarter", Grain::Quarter, false),
            ("quarterly", Grain::Quarter, true),
            ("year", Grain::Year, false),
            ("yearly", Grain::Year, true),
            ("annual", Grain::Year, true),
            ("annually", Grain::Year, true),
        ];
        for (w, g, implied) in grains {
            lx.phrases
                .entry(phrase_key(w))
                .or_default()
                .retain(|t| *t != Target::TimeWord);
            lx.add(w, Target::Grain(g, implied));
        }
        lx.vocab = lx.vocab_set.iter().cloned().collect();
        lx.vocab.sort();
        lx
    }

    /// Other names of values that analysts use: a sales channel's store and online values ("physical stores",
    /// "brick and mortar", "e-commerce"), countries' short and long names ("UK", "United Kingdom", "Holland"),
    /// and the initials of other multi-word values ("UAE"). Only phrases nothing else uses are added;
    /// initials are matched only when typed in capitals.
    fn add_value_aliases(&mut self, model: &SemanticModel) {
        // Initials made from values; kept only when they name one value ("GC" for both "Gift Card" and
        // "Green Collection" names neither).
        let mut generated: HashMap<String, Vec<Target>> = HashMap::new();
        for (i, d) in model.dimensions.iter().enumerate() {
            if d.kind != DimensionKind::Category {
                continue;
            }
            let keys: Vec<(String, &String)> =
                d.values.iter().map(|v| (phrase_key(v), v)).collect();
            let find = |set: &[&str]| {
                keys.iter()
                    .find(|(k, _)| set.contains(&k.as_str()))
                    .map(|(_, v)| (*v).clone())
            };
            if let (Some(store), Some(online)) = (find(STORE_CHANNEL), find(ONLINE_CHANNEL)) {
                for (aliases, v) in [(STORE_ALIASES, store), (ONLINE_ALIASES, online)] {
                    for a in aliases {
                        if self.lookup(&phrase_key(a)).is_none() {
                            self.add(a, Target::Value(i, v.clone()));
                        }
                    }
                }
            }
            for v in &d.values {
                for (long, shorts) in PLACE_NAMES {
                    let names: Vec<&str> = std::iter::once(*long)
                        .chain(shorts.iter().copied())
                        .collect();
                    if !names.iter().any(|n| n.eq_ignore_ascii_case(v)) {
                        continue;
                    }
                    for n in names.iter().filter(|n| !n.eq_ignore_ascii_case(v)) {
                        if n.chars().all(|c| c.is_ascii_uppercase()) {
                            self.initialisms
                                .entry(n.to_string())
                                .or_default()
                                .push(Target::Value(i, v.clone()));
                        } else if self.lookup(&phrase_key(n)).is_none() {
                            self.add(n, Target::Value(i, v.clone()));
                        }
                    }
                }
                let words: Vec<&str> = v.split_whitespace().collect();
                if words.len() >= 2 && words.iter().all(|w| w.chars().all(char::is_alphabetic)) {
                    let initials: String = words
                        .iter()
                        .filter(|w| !matches!(w.to_lowercase().as_str(), "of" | "the" | "and"))
                        .filter_map(|w| w.chars().next())
                        .collect::<String>()
                        .to_uppercase();
                    if initials.len() >= 2 {
                        generated
                            .entry(initials)
                            .or_default()
                            .push(Target::Value(i, v.clone()));
                    }
                }
            }
        }
        for (initials, targets) in generated {
            let values: HashSet<&String> = targets
                .iter()
                .filter_map(|t| match t {
                    Target::Value(_, v) => Some(v),
                    _ => None,
                })
                .collect();
            if values.len() == 1 {
                let entry = self.initialisms.entry(initials).or_default();
                for t in targets {
                    if !entry.contains(&t) {
                        entry.push(t);
                    }
                }
            }
        }
    }

    /// Names of the facts' own keys and rows: the column a counting measure counts ("customer id", "invoice
    /// no") when no table has it as its key, and the lines of an order under each name of the orders ("invoice
    /// lines", "transaction rows" count the rows when a measure counts them). Added only where nothing else
    /// uses the phrase.
    fn add_fact_keys(&mut self, model: &SemanticModel) {
        let keyed: Vec<String> = model
            .tables
            .iter()
            .filter_map(|t| t.key.as_ref().map(|k| k.to_lowercase()))
            .collect();
        let rows = |table: &str| {
            model.measures.iter().position(|m| {
                m.table.eq_ignore_ascii_case(table)
                    && m.expr.replace(' ', "").eq_ignore_ascii_case("count(*)")
            })
        };
        for (i, m) in model.measures.iter().enumerate() {
            let Some(column) = super::shape::count_distinct_column(&m.expr) else {
                continue;
            };
            let fact = model.table(&m.table).is_some_and(|t| t.fact);
            if !fact {
                continue;
            }
            let words = crate::catalog::semantic::words(&column).join(" ");
            if !keyed.contains(&column.to_lowercase())
                && words.contains(' ')
                && self.lookup(&phrase_key(&words)).is_none()
            {
                self.add(&words, Target::Counted(i));
            }
            let Some(r) = rows(&m.table) else { continue };
            let orders = std::iter::once(&m.name)
                .chain(&m.synonyms)
                .any(|n| matches!(n.as_str(), "orders" | "transactions"));
            if !orders {
                continue;
            }
            for name in std::iter::once(&m.name).chain(&m.synonyms) {
                if name.contains(' ') {
                    continue;
                }
                let one = crate::catalog::semantic::singularize(name);
                for row in ["line", "lines", "row", "rows", "line item", "line items"] {
                    let phrase = format!("{one} {row}");
                    if self.lookup(&phrase_key(&phrase)).is_none() {
                        self.add(&phrase, Target::Measure(r));
                    }
                }
            }
        }
    }

    fn add(&mut self, phrase: &str, target: Target) {
        let key = phrase_key(phrase);
        if key.is_empty() {
            return;
        }
        let len = key.split(' ').count();
        self.max_len = self.max_len.max(len);
        let schema = !matches!(target, Target::Value(..));
        for w in key.split(' ') {
            if w.len() >= 4 && !w.chars().any(|c| c.is_ascii_digit()) {
                self.vocab_set.insert(w.to_string());
                if schema {
                    self.schema_vocab.insert(w.to_string());
                }
            }
        }
        let entry = self.phrases.entry(key).or_default();
        if !entry.contains(&target) {
            entry.push(target);
        }
    }

    fn lookup(&self, key: &str) -> Option<&Vec<Target>> {
        self.phrases.get(key)
    }

    /// The measure that counts units sold ("units sold", "quantity"), if the catalog has one.
    pub fn quantity_measure(&self) -> Option<usize> {
        [
            "unit sold",
            "quantity sold",
            "item sold",
            "unit",
            "quantity",
        ]
        .iter()
        .find_map(|k| {
            self.lookup(k)?.iter().find_map(|t| match t {
                Target::Measure(m) => Some(*m),
                _ => None,
            })
        })
    }

    /// Whether a stemmed phrase names data (a measure, attribute, value, flag or entity), not just time.
    pub fn names_data(&self, key: &str) -> bool {
        self.lookup(key).is_some_and(|ts| {
            ts.iter()
                .any(|t| !matches!(t, Target::Grain(..) | Target::TimeWord))
        })
    }

    /// The flag dimension a single stemmed word names ("returned"), if any.
    pub fn flag_of(&self, stem: &str) -> Option<usize> {
        self.lookup(stem)?.iter().find_map(|t| match t {
            Target::Flag(d) => Some(*d),
            _ => None,
        })
    }

    /// Whether a word (stemmed) is part of a catalog phrase.
    pub fn knows(&self, stem: &str) -> bool {
        self.vocab_set.contains(stem) || self.phrases.contains_key(stem)
    }

    /// Corrects a typo to a catalog word when exactly one word is close enough; business shorthand
    /// ("rev", "cat", "qty") is spelled out first.
    pub fn correct(&self, word: &str) -> Option<String> {
        if let Some(full) = abbreviation(word) {
            let stemmed = super::lexer::stem(full);
            if self.vocab_set.contains(&stemmed) || self.phrases.contains_key(&stemmed) {
                return Some(stemmed);
            }
        }
        if word.len() < 4
            || is_filler(word)
            || is_common_word(word)
            || word.chars().any(|c| !c.is_alphabetic())
        {
            return None;
        }
        let stemmed = super::lexer::stem(word);
        if self.vocab_set.contains(&stemmed) {
            return None;
        }
        // "profitable" → "profit"
        if let Some(base) = word.strip_suffix("able").filter(|b| b.len() >= 4) {
            if self.vocab_set.contains(base) {
                return Some(base.to_string());
            }
        }
        let limit = if stemmed.len() >= 8 { 2 } else { 1 };
        // Schema words first ("formt" is "format", not the city "Fort"), then every word.
        for pass in 0..2 {
            if let Some(v) = self.closest(word, &stemmed, limit, pass == 0) {
                return Some(v);
            }
        }
        None
    }

    fn closest(
        &self,
        word: &str,
        stemmed: &str,
        limit: usize,
        schema_only: bool,
    ) -> Option<String> {
        let mut best: Option<(usize, &String)> = None;
        let mut tie = false;
        for v in self
            .vocab
            .iter()
            .filter(|v| !schema_only || self.schema_vocab.contains(*v))
        {
            // "untis": a plural the stemmer keeps (it ends in "is") is also tried without its "s".
            let bare = word.strip_suffix('s').unwrap_or(stemmed);
            let by_stem = if bare == stemmed {
                edit_distance(stemmed, v)
            } else {
                edit_distance(stemmed, v).min(edit_distance(bare, v))
            };
            let by_word = edit_distance(word, v);
            let dist = by_stem.min(by_word);
            // A four-letter word one letter away from another four-letter word is as likely a real word
            // ("life" is not "line"): only dropped or doubled letters are read as typos there.
            let swap = |typed: &str, d: usize| d > dist || typed.len() == v.len();
            let short_swap = word.len() <= 4 && swap(stemmed, by_stem) && swap(word, by_word);
            if dist <= limit && !short_swap {
                match best {
                    Some((b, _)) if dist > b => {}
                    Some((b, _)) if dist == b => tie = true,
                    _ => {
                        best = Some((dist, v));
                        tie = false;
                    }
                }
            }
        }
        match best {
            Some((_, v)) if !tie => Some(v.clone()),
            _ => None,
        }
    }

    /// Links tokens left to right, longest phrase first. `skip` marks tokens already used (time).
    /// Returns the links and the typo corrections made (typed word, read as).
    pub fn link(&self, tokens: &[Token], skip: &[bool]) -> (Vec<Link>, Vec<(String, String)>) {
        let mut stems: Vec<String> = tokens.iter().map(|t| t.stem()).collect();
        let mut fixes = Vec::new();
        let mut links = Vec::new();
        let mut i = 0;
        let n = tokens.len();
        // A question typed in capitals has no initialisms to tell apart from words ("SHOW US SALES").
        let shouting = tokens
            .iter()
            .filter(|t| t.orig.chars().any(char::is_alphabetic))
            .all(|t| !t.orig.chars().any(char::is_lowercase));
        while i < n {
            if skip[i] || tokens[i].symbol {
                i += 1;
                continue;
            }
            let mut found = None;
            for pass in 0..2 {
                let max = self.max_len.min(n - i);
                for len in (1..=max).rev() {
                    if (i..i + len).any(|k| skip[k] || tokens[k].symbol) {
                        continue;
                    }
                    let key = stems[i..i + len].join(" ");
                    if let Some(targets) = self.lookup(&key) {
                        let mut targets = targets.clone();
                        if self.strict.contains(&key) {
                            let typed: Vec<&str> =
                                tokens[i..i + len].iter().map(|t| t.orig.as_str()).collect();
                            let typed = typed.join(" ");
                            targets.retain(|t| !matches!(t, Target::Value(_, v) if *v != typed));
                        }
                        if !targets.is_empty() {
                            found = Some((len, targets));
                            break;
                        }
                    }
                }
                if found.is_none() && !shouting && !skip[i] {
                    found = self
                        .initialisms
                        .get(&tokens[i].orig)
                        .map(|targets| (1, targets.clone()));
                }
                if pass == 1 {
                    break;
                }
                if let Some((len, _)) = &found {
                    // "store formt": a typo right after a match may complete a longer phrase.
                    let len = *len;
                    let end = (i + self.max_len).min(n);
                    let mut trial = stems.clone();
                    let mut trial_fixes = Vec::new();
                    for k in i + len..end {
                        if skip[k] || tokens[k].symbol {
                            break;
                        }
                        if let Some(fix) = self.correct(&tokens[k].text) {
                            trial_fixes.push((k, fix.clone()));
                            trial[k] = fix;
                        }
                    }
                    let longer = (len + 1..=end - i).rev().find_map(|l| {
                        if (i..i + l).any(|k| skip[k] || tokens[k].symbol) {
                            return None;
                        }
                        self.lookup(&trial[i..i + l].join(" "))
                            .map(|t| (l, t.clone()))
                    });
                    if let Some((l, targets)) = longer {
                        for (k, fix) in trial_fixes.into_iter().filter(|(k, _)| *k < i + l) {
                            fixes.push((tokens[k].orig.clone(), fix.clone()));
                            stems[k] = fix;
                        }
                        found = Some((l, targets));
                    }
                    break;
                }
                // Typo pass: correct unknown words from here on, then retry.
                let mut changed = false;
                for k in i..(i + self.max_len).min(n) {
                    if skip[k] {
                        break;
                    }
                    if let Some(fix) = self.correct(&tokens[k].text) {
                        fixes.push((tokens[k].orig.clone(), fix.clone()));
                        stems[k] = fix;
                        changed = true;
                    }
                }
                if !changed {
                    break;
                }
            }
            match found {
                Some((len, targets)) => {
                    links.push(Link {
                        start: i,
                        end: i + len,
                        targets,
                    });
                    i += len;
                }
                None => i += 1,
            }
        }
        (links, fixes)
    }
}

/// Values that name a sales channel's physical stores, and the other words for them.
const STORE_CHANNEL: &[&str] = &[
    "store",
    "in store",
    "instore",
    "retail",
    "shop",
    "physical",
    "brick and mortar",
    "offline",
    "pos",
];
const STORE_ALIASES: &[&str] = &[
    "physical store",
    "physical shop",
    "physical location",
    "brick and mortar",
    "bricks and mortar",
    "offline",
    "in person",
    "walk in",
    "in store",
];
/// Values that name a sales channel's web shop, and the other words for it.
const ONLINE_CHANNEL: &[&str] = &[
    "online",
    "web",
    "ecommerce",
    "e commerce",
    "internet",
    "website",
    "web shop",
    "webshop",
    "digital",
];
const ONLINE_ALIASES: &[&str] = &[
    "online",
    "web",
    "website",
    "internet",
    "e commerce",
    "ecommerce",
    "web shop",
    "webshop",
];

/// Places with short names that are not their initials, or whose initials are also needed the other way
/// round (a value "UK" for "United Kingdom"): the long name, then the short ones.
const PLACE_NAMES: &[(&str, &[&str])] = &[
    ("United Kingdom", &["UK", "GB", "Britain", "Great Britain"]),
    ("United States", &["US", "USA", "America"]),
    ("United States of America", &["US", "USA", "America"]),
    ("United Arab Emirates", &["UAE"]),
    ("Netherlands", &["Holland", "NL"]),
    ("South Korea", &["Korea"]),
    ("Czech Republic", &["Czechia"]),
];

/// US state codes and names.
const US_STATES: &[(&str, &str)] = &[
    ("AL", "Alabama"),
    ("AK", "Alaska"),
    ("AZ", "Arizona"),
    ("AR", "Arkansas"),
    ("CA", "California"),
    ("CO", "Colorado"),
    ("CT", "Connecticut"),
    ("DE", "Delaware"),
    ("DC", "District of Columbia"),
    ("FL", "Florida"),
    ("GA", "Georgia"),
    ("HI", "Hawaii"),
    ("ID", "Idaho"),
    ("IL", "Illinois"),
    ("IN", "Indiana"),
    ("IA", "Iowa"),
    ("KS", "Kansas"),
    ("KY", "Kentucky"),
    ("LA", "Louisiana"),
    ("ME", "Maine"),
    ("MD", "Maryland"),
    ("MA", "Massachusetts"),
    ("MI", "Michigan"),
    ("MN", "Minnesota"),
    ("MS", "Mississippi"),
    ("MO", "Missouri"),
    ("MT", "Montana"),
    ("NE", "Nebraska"),
    ("NV", "Nevada"),
    ("NH", "New Hampshire"),
    ("NJ", "New Jersey"),
    ("NM", "New Mexico"),
    ("NY", "New York"),
    ("NC", "North Carolina"),
    ("ND", "North Dakota"),
    ("OH", "Ohio"),
    ("OK", "Oklahoma"),
    ("OR", "Oregon"),
    ("PA", "Pennsylvania"),
    ("RI", "Rhode Island"),
    ("SC", "South Carolina"),
    ("SD", "South Dakota"),
    ("TN", "Tennessee"),
    ("TX", "Texas"),
    ("UT", "Utah"),
    ("VT", "Vermont"),
    ("VA", "Virginia"),
    ("WA", "Washington"),
    ("WV", "West Virginia"),
    ("WI", "Wisconsin"),
    ("WY", "Wyoming"),
];

/// Shorthand analysts type for catalog words.
fn abbreviation(word: &str) -> Option<&'static str> {
    Some(match word {
        "rev" | "revs" => "revenue",
        "cat" | "cats" | "categ" => "category",
        "subcat" | "subcats" => "subcategory",
        "qty" | "qtys" => "quantity",
        "amt" | "amts" => "amount",
        "prod" | "prods" => "product",
        "cust" | "custs" => "customer",
        "dept" | "depts" => "department",
        "txn" | "txns" | "trx" => "transaction",
        "mgr" => "manager",
        "reg" | "rgn" => "region",
        "pct" => "percent",
        "disc" => "discount",
        "chan" => "channel",
        "seg" => "segment",
        "loc" | "locs" => "location",
        "yr" | "yrs" => "year",
        "mth" | "mths" | "mo" | "mos" => "month",
        "qtr" | "qtrs" => "quarter",
        "wk" | "wks" => "week",
        "avg" => "average",
        "num" | "nbr" => "number",
        "promo" | "promos" => "promotion",
        "sku" | "skus" => "product",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::super::lexer::tokenize;
    use super::super::tests_support::demo_model;
    use super::*;

    fn link(q: &str) -> Vec<Vec<Target>> {
        let m = demo_model();
        let lx = Lexicon::new(&m);
        let toks = tokenize(q);
        let skip = vec![false; toks.len()];
        lx.link(&toks, &skip)
            .0
            .into_iter()
            .map(|l| l.targets)
            .collect()
    }

    #[test]
    fn links_synonyms_plurals_and_values() {
        let m = demo_model();
        let rev = m.measures.iter().position(|x| x.name == "revenue").unwrap();
        assert_eq!(link("sales")[0], vec![Target::Measure(rev)]);
        assert_eq!(link("turnover")[0], vec![Target::Measure(rev)]);
        let cat = m
            .dimensions
            .iter()
            .position(|x| x.name == "category")
            .unwrap();
        assert!(link("categories")[0].contains(&Target::Dimension(cat)));
        assert!(link("product categories")[0].contains(&Target::Dimension(cat)));
        assert!(link("Home & Kitchen")[0].contains(&Target::Value(cat, "Home & Kitchen".into())));
        assert!(link("brand a")[0]
            .iter()
            .any(|t| matches!(t, Target::Value(_, v) if v == "Brand A")));
    }

    /// A flat POS export whose places and channels are spelled out.
    fn flat_lexicon() -> Lexicon {
        use super::super::tests_support::col;
        use crate::catalog::schema::{LakeSnapshot, TableInfo};
        let lake = LakeSnapshot {
            tables: vec![TableInfo {
                name: "pos".into(),
                columns: vec![
                    col("Receipt No", "VARCHAR", &[]),
                    col("Sale Date", "DATE", &[]),
                    col(
                        "Country",
                        "VARCHAR",
                        &[
                            "United Kingdom",
                            "United States",
                            "United Arab Emirates",
                            "Netherlands",
                            "France",
                        ],
                    ),
                    col("Channel", "VARCHAR", &["Web", "In-Store"]),
                    col("Tender", "VARCHAR", &["Gift Card", "Green Credit", "Cash"]),
                    col("Net Sales", "DOUBLE", &[]),
                ],
                row_count: Some(1000),
            }],
        };
        Lexicon::new(&SemanticModel::infer(&lake))
    }

    fn values_of(lx: &Lexicon, q: &str) -> Vec<String> {
        let toks = tokenize(q);
        let skip = vec![false; toks.len()];
        lx.link(&toks, &skip)
            .0
            .into_iter()
            .flat_map(|l| l.targets)
            .filter_map(|t| match t {
                Target::Value(_, v) => Some(v),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn short_names_of_places_find_their_values() {
        let lx = flat_lexicon();
        assert_eq!(values_of(&lx, "net sales in the UK"), ["United Kingdom"]);
        assert_eq!(
            values_of(&lx, "receipts from the US in 2024"),
            ["United States"]
        );
        assert_eq!(values_of(&lx, "UAE orders"), ["United Arab Emirates"]);
        assert_eq!(values_of(&lx, "sales in Holland"), ["Netherlands"]);
        // Initials are read only as typed in capitals, and not when the whole question shouts.
        assert!(values_of(&lx, "tell us the sales").is_empty());
        assert!(values_of(&lx, "SHOW US THE SALES").is_empty());
        // Initials two values share name neither.
        assert!(values_of(&lx, "sales paid by GC").is_empty());
    }

    #[test]
    fn channel_words_find_store_and_online_values() {
        let lx = flat_lexicon();
        assert_eq!(values_of(&lx, "brick and mortar sales"), ["In-Store"]);
        assert_eq!(values_of(&lx, "e-commerce receipts"), ["Web"]);
        assert_eq!(values_of(&lx, "online sales"), ["Web"]);
        let m = demo_model();
        let channel = m
            .dimensions
            .iter()
            .position(|d| d.name == "channel")
            .unwrap();
        assert!(link("sales in physical stores")
            .iter()
            .flatten()
            .any(|t| *t == Target::Value(channel, "Store".into())));
    }

    #[test]
    fn an_entitys_id_names_its_key() {
        let m = demo_model();
        let customers = m.tables.iter().position(|t| t.name == "customers").unwrap();
        assert_eq!(link("customer id")[0], vec![Target::Key(customers)]);
    }

    #[test]
    fn corrects_typos() {
        let m = demo_model();
        let rev = m.measures.iter().position(|x| x.name == "revenue").unwrap();
        assert_eq!(link("revnue")[0], vec![Target::Measure(rev)]);
        let cat = m
            .dimensions
            .iter()
            .position(|x| x.name == "category")
            .unwrap();
        assert!(link("by categroy")[0].contains(&Target::Dimension(cat)));
        assert!(link("colour").is_empty());
        let units = m.measures.iter().position(|x| x.name == "units").unwrap();
        assert_eq!(link("untis")[0], vec![Target::Measure(units)]);
    }
}
