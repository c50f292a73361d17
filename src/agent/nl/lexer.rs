//! Turns a question into normalised tokens (lowercase words, numbers, a few symbols) and stems.
//! Everything downstream (time expressions, linking, shapes) matches on these tokens, never on raw text.

/// One token of a question.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    /// Lowercase text (`&` becomes `and`, apostrophes are dropped).
    pub text: String,
    /// The text as typed (for messages and capitalisation checks).
    pub orig: String,
    /// Numeric value of a number token (digits or a number word).
    pub number: Option<f64>,
    /// Whether the token is a symbol such as `%` or `/`.
    pub symbol: bool,
    /// Whether a hyphen joins it to the word before ("in-store", "e-commerce").
    pub hyphen: bool,
    /// The quoted span it is part of ("description contains 'HEART'"), numbered from 0.
    pub quoted: Option<u16>,
}

impl Token {
    /// The stem used for matching words against the catalog.
    pub fn stem(&self) -> String {
        stem(&self.text)
    }

    /// Whether the token is an integer in a plausible year range.
    pub fn year(&self) -> Option<i32> {
        // "FY2023", "fy23" read as calendar years.
        if let Some(rest) = self.text.strip_prefix("fy") {
            return match rest.parse::<i32>() {
                Ok(y) if rest.len() == 4 && (1900..=2100).contains(&y) => Some(y),
                Ok(y) if rest.len() == 2 => Some(2000 + y),
                _ => None,
            };
        }
        match self.number {
            Some(n)
                if n.fract() == 0.0 && (1900.0..=2100.0).contains(&n) && self.text.len() == 4 =>
            {
                Some(n as i32)
            }
            _ => None,
        }
    }

    /// Whether the token is a small positive integer (for "top 5", "last 3 months").
    pub fn count(&self) -> Option<u32> {
        match self.number {
            Some(n) if n.fract() == 0.0 && (1.0..=1000.0).contains(&n) && self.year().is_none() => {
                Some(n as u32)
            }
            _ => None,
        }
    }
}

const NUMBER_WORDS: [(&str, f64); 20] = [
    ("one", 1.0),
    ("two", 2.0),
    ("three", 3.0),
    ("four", 4.0),
    ("five", 5.0),
    ("six", 6.0),
    ("seven", 7.0),
    ("eight", 8.0),
    ("nine", 9.0),
    ("ten", 10.0),
    ("eleven", 11.0),
    ("twelve", 12.0),
    ("fifteen", 15.0),
    ("twenty", 20.0),
    ("thirty", 30.0),
    ("fifty", 50.0),
    ("hundred", 100.0),
    ("dozen", 12.0),
    ("single", 1.0),
    ("a couple", 2.0),
];

/// Splits text into tokens.
pub fn tokenize(text: &str) -> Vec<Token> {
    let spelled = super::dates::spell_out(text);
    let text = spelled.as_str();
    let chars: Vec<char> = text.chars().collect();
    let spans = quote_spans(&chars);
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut cur_start = 0usize;
    let flush = |cur: &mut String, cur_start: usize, out: &mut Vec<Token>, hyphen: &mut bool| {
        if cur.is_empty() {
            return;
        }
        let quoted = spans
            .iter()
            .position(|(a, b)| *a < cur_start && cur_start < *b)
            .map(|k| k as u16);
        let orig = std::mem::take(cur);
        let text = orig.to_lowercase();
        let number = text.replace(',', "").parse::<f64>().ok().or_else(|| {
            NUMBER_WORDS
                .iter()
                .find(|(w, _)| *w == text)
                .map(|(_, n)| *n)
        });
        out.push(Token {
            text,
            orig,
            number,
            symbol: false,
            hyphen: std::mem::take(hyphen),
            quoted,
        });
    };
    let mut hyphen_next = false;
    let mut skip = 0usize;
    for (i, &ch) in chars.iter().enumerate() {
        if skip > 0 {
            skip -= 1;
            continue;
        }
        if spans.iter().any(|(a, b)| *a == i || *b == i) {
            flush(&mut cur, cur_start, &mut out, &mut hyphen_next);
            continue;
        }
        if cur.is_empty() {
            cur_start = i;
        }
        let next_digit = chars.get(i + 1).is_some_and(|c| c.is_ascii_digit());
        let prev_digit = i > 0 && chars[i - 1].is_ascii_digit();
        let in_number = (ch == '.' || ch == ',') && prev_digit && next_digit && !cur.is_empty();
        if ch.is_alphanumeric() || in_number {
            if cur.is_empty() && i >= 2 && chars[i - 1] == '-' && chars[i - 2].is_alphanumeric() {
                hyphen_next = true;
            }
            cur.push(ch);
        } else if ch == '\'' || ch == '\u{2019}' {
            // "what's" -> "whats"; "customers'" -> "customers"; "last year's" -> "last year"
            let s_ends = matches!(chars.get(i + 1), Some('s' | 'S'))
                && chars.get(i + 2).is_none_or(|c| !c.is_alphanumeric());
            let contraction = matches!(
                cur.to_lowercase().as_str(),
                "what" | "that" | "it" | "let" | "who" | "here" | "there" | "where" | "he" | "she"
            );
            if s_ends && !contraction && !cur.is_empty() {
                skip = 1;
                continue;
            }
            // "I'd", "we've", "you're", "we'll", "I'm": the pronoun and the auxiliary as two words.
            let tail: String = chars[i + 1..]
                .iter()
                .take_while(|c| c.is_alphanumeric())
                .collect::<String>()
                .to_lowercase();
            let aux = match tail.as_str() {
                "d" => Some("would"),
                "ll" => Some("will"),
                "re" => Some("are"),
                "ve" => Some("have"),
                "m" => Some("am"),
                _ => None,
            };
            if let (Some(aux), false) = (aux, cur.is_empty()) {
                flush(&mut cur, cur_start, &mut out, &mut hyphen_next);
                out.push(Token {
                    text: aux.to_string(),
                    orig: format!("'{tail}"),
                    number: None,
                    symbol: false,
                    hyphen: false,
                    quoted: None,
                });
                skip = tail.chars().count();
            }
        } else {
            flush(&mut cur, cur_start, &mut out, &mut hyphen_next);
            let sym = match ch {
                '&' => Some("and"),
                '%' => Some("%"),
                '/' => Some("/"),
                '*' => Some("*"),
                ';' => Some(";"),
                '?' | '!' | '.' | ',' | ':' => Some(","),
                '$' | '\u{20ac}' | '\u{a3}' => Some("$"),
                '>' => Some(">"),
                '<' => Some("<"),
                '=' => Some("="),
                _ => None,
            };
            // "margin %" is the word "percent"; "20%" stays an amount's sign.
            let quoted = spans
                .iter()
                .position(|(a, b)| *a < i && i < *b)
                .map(|k| k as u16);
            if ch == '%' && out.last().is_none_or(|t| t.number.is_none()) {
                out.push(Token {
                    text: "percent".into(),
                    orig: "%".into(),
                    number: None,
                    symbol: false,
                    hyphen: false,
                    quoted,
                });
                continue;
            }
            if let Some(s) = sym {
                out.push(Token {
                    text: s.to_string(),
                    orig: ch.to_string(),
                    number: None,
                    symbol: s != "and",
                    hyphen: false,
                    quoted,
                });
            }
        }
    }
    flush(&mut cur, cur_start, &mut out, &mut hyphen_next);
    out
}

/// Quoted spans of a question, as (opening, closing) char positions: a quote mark at the start of a word
/// ('HEART', "Gift Card", “No Discount”) and the first quote of the same kind that ends a word after it. An
/// apostrophe inside a word ("Valentine's") is no quote.
fn quote_spans(chars: &[char]) -> Vec<(usize, usize)> {
    let single = |c: char| matches!(c, '\'' | '\u{2018}' | '\u{2019}');
    let double = |c: char| matches!(c, '"' | '\u{201c}' | '\u{201d}');
    let alnum = |k: usize| chars.get(k).is_some_and(|c| c.is_alphanumeric());
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let opens = (single(c) || double(c)) && (i == 0 || !alnum(i - 1)) && alnum(i + 1);
        if opens {
            let kind = single(c);
            let close = (i + 2..chars.len()).find(|&j| {
                let q = chars[j];
                (if kind { single(q) } else { double(q) }) && alnum(j - 1) && !alnum(j + 1)
            });
            if let Some(j) = close {
                out.push((i, j));
                i = j + 1;
                continue;
            }
        }
        i += 1;
    }
    out
}

/// The text of a quoted span as a LIKE pattern's middle: its words with their hyphens ("T-LIGHT HOLDER"), and
/// `%` where a sign stood between them ("Home & Kitchen" → "Home%Kitchen"). Nothing else typed reaches it.
pub fn quoted_text(tokens: &[Token], span: u16) -> String {
    let mut out = String::new();
    let mut gap = false;
    for t in tokens.iter().filter(|t| t.quoted == Some(span)) {
        if !t.orig.chars().all(char::is_alphanumeric) {
            gap = true;
            continue;
        }
        if !out.is_empty() {
            out.push(if gap {
                '%'
            } else if t.hyphen {
                '-'
            } else {
                ' '
            });
        }
        gap = false;
        out.push_str(&t.orig);
    }
    out
}

/// Rewrites idioms of sign into plain thresholds the reader knows: "losing money" / "unprofitable" →
/// "profit below 0", "negative X" → "below 0 X", "positive X" → "above 0 X".
pub fn rewrite_idioms(tokens: Vec<Token>) -> Vec<Token> {
    let word = |text: &str, orig: &str| Token {
        text: text.into(),
        orig: orig.into(),
        number: text.parse::<f64>().ok(),
        symbol: false,
        hyphen: false,
        quoted: None,
    };
    let t = |k: usize| tokens.get(k).map(|t| t.text.as_str()).unwrap_or("");
    let mut out = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        let orig = tokens[i].orig.clone();
        let loss = match (t(i), t(i + 1), t(i + 2)) {
            ("losing" | "lose" | "lost" | "loses", "money", _) => Some(2),
            ("loss", "making", _) => Some(2),
            ("at" | "made" | "make" | "making", "a", "loss") => Some(3),
            ("in", "the", "red") => Some(3),
            ("unprofitable" | "lossmaking", _, _) => Some(1),
            _ => None,
        };
        if let Some(used) = loss {
            out.extend([
                word("profit", &orig),
                word("below", &orig),
                word("0", &orig),
            ]);
            i += used;
            continue;
        }
        let ranked = i > 0 && matches!(t(i - 1), "most" | "least" | "more" | "less" | "the");
        if t(i) == "profitable" && !ranked {
            out.extend([
                word("profit", &orig),
                word("above", &orig),
                word("0", &orig),
            ]);
            i += 1;
            continue;
        }
        if matches!(t(i), "negative" | "positive") && !t(i + 1).is_empty() {
            let cmp = if t(i) == "negative" { "below" } else { "above" };
            out.extend([word(cmp, &orig), word("0", &orig)]);
            i += 1;
            continue;
        }
        out.push(tokens[i].clone());
        i += 1;
    }
    out
}

/// Courtesy spans that say nothing about the data; some hold words the reader would otherwise act on
/// ("if it's *not* too much trouble" is no exclusion, "thank you" no entity).
const COURTESY: &[&[&str]] = &[
    &["if", "its", "not", "too", "much", "trouble"],
    &["if", "it", "is", "not", "too", "much", "trouble"],
    &["if", "thats", "not", "too", "much", "trouble"],
    &["if", "its", "no", "trouble"],
    &["if", "you", "dont", "mind"],
    &["if", "you", "do", "not", "mind"],
    &["if", "you", "would", "not", "mind"],
    &["if", "possible"],
    &["if", "you", "can"],
    &["if", "you", "could"],
    &["when", "you", "get", "a", "chance"],
    &["when", "you", "have", "a", "moment"],
    &["thank", "you", "very", "much"],
    &["thank", "you", "in", "advance"],
    &["thank", "you", "so", "much"],
    &["thanks", "in", "advance"],
    &["thanks", "a", "lot"],
    &["thank", "you"],
    &["many", "thanks"],
    &["much", "appreciated"],
    &["i", "appreciate", "it"],
    &["i", "would", "appreciate", "it"],
    &["good", "morning"],
    &["good", "afternoon"],
    &["good", "evening"],
    &["thanks"],
    &["thx"],
    &["cheers"],
    &["kindly"],
    &["pls"],
    &["plz"],
];

/// Greetings that open a question ("Hi,", "Hello team,").
const GREETINGS: &[&str] = &["hi", "hello", "hey", "greetings", "dear", "morning"];

/// Drops greetings, thanks and courtesy clauses: "Hi, could you tell me ..., if it's not too much trouble?
/// Thanks!" reads as the question in the middle.
pub fn strip_courtesy(tokens: Vec<Token>) -> Vec<Token> {
    let mut keep = vec![true; tokens.len()];
    let text = |k: usize| tokens.get(k).map(|t| t.text.as_str()).unwrap_or("");
    // A greeting and the name after it, up to its comma ("Hello Anna,", "hi there team,").
    if GREETINGS.contains(&text(0)) {
        let comma = (1..4.min(tokens.len())).find(|&k| text(k) == ",");
        let end = comma.map(|c| c + 1).unwrap_or(1);
        keep.iter_mut().take(end).for_each(|k| *k = false);
    }
    let mut i = 0;
    while i < tokens.len() {
        let span = COURTESY
            .iter()
            .find(|p| p.iter().enumerate().all(|(k, w)| text(i + k) == *w));
        match span {
            Some(p) => {
                keep.iter_mut()
                    .skip(i)
                    .take(p.len())
                    .for_each(|k| *k = false);
                i += p.len();
            }
            None => i += 1,
        }
    }
    tokens
        .into_iter()
        .zip(keep)
        .filter_map(|(t, k)| k.then_some(t))
        .collect()
}

/// Verbs that never name data in a question about figures ("which colour *brings in* the most", "what did
/// stores *generate*"): unless a catalog phrase uses them, they are read as filler in any of their forms.
/// Verbs that can name data (order, return, ship, sign up, register, sell, buy) are deliberately absent.
const COMMON_VERBS: &[&str] = &[
    "bring",
    "generate",
    "make",
    "earn",
    "drive",
    "produce",
    "yield",
    "rake",
    "pull",
    "achieve",
    "hit",
    "reach",
    "do",
    "have",
    "get",
    "see",
    "want",
    "need",
    "like",
    "love",
    "know",
    "tell",
    "show",
    "give",
    "let",
    "help",
    "wonder",
    "ask",
    "look",
    "find",
    "compute",
    "calculate",
    "figure",
    "happen",
    "occur",
    "manage",
    "move",
    "rise",
    "fall",
    "drop",
    "climb",
    "jump",
    "surge",
    "soar",
    "plunge",
    "slump",
    "shrink",
    "expand",
    "gain",
    "improve",
    "worsen",
    "change",
    "increase",
    "decrease",
    "decline",
    "grow",
    "develop",
    "perform",
    "fare",
    "trend",
    "compare",
    "outperform",
    "underperform",
    "outsell",
    "lag",
    "beat",
    "exceed",
    "come",
    "go",
    "account",
    "contribute",
    "represent",
    "appear",
    "seem",
    "mean",
    "think",
    "guess",
    "say",
    "tend",
    "remain",
    "stay",
    "break",
    "rank",
    "sort",
    "list",
    "display",
    "total",
    "amount",
];

/// Irregular forms of the verbs above (form, base).
const IRREGULAR: &[(&str, &str)] = &[
    ("brought", "bring"),
    ("made", "make"),
    ("drove", "drive"),
    ("driven", "drive"),
    ("rose", "rise"),
    ("risen", "rise"),
    ("fell", "fall"),
    ("fallen", "fall"),
    ("grew", "grow"),
    ("grown", "grow"),
    ("went", "go"),
    ("gone", "go"),
    ("came", "come"),
    ("saw", "see"),
    ("seen", "see"),
    ("got", "get"),
    ("gotten", "get"),
    ("had", "have"),
    ("has", "have"),
    ("did", "do"),
    ("done", "do"),
    ("does", "do"),
    ("gave", "give"),
    ("given", "give"),
    ("told", "tell"),
    ("found", "find"),
    ("meant", "mean"),
    ("thought", "think"),
    ("said", "say"),
    ("shrank", "shrink"),
    ("shrunk", "shrink"),
    ("broke", "break"),
    ("broken", "break"),
    ("outsold", "outsell"),
];

/// Words of ordinary English that carry no data meaning (adverbs, pronouns, conjunctions, contractions).
const FUNCTION_WORDS: &[&str] = &[
    "am",
    "would",
    "will",
    "actually",
    "roughly",
    "approximately",
    "around",
    "exactly",
    "really",
    "still",
    "even",
    "ever",
    "altogether",
    "together",
    "generally",
    "typically",
    "usually",
    "mostly",
    "mainly",
    "recently",
    "previously",
    "specifically",
    "basically",
    "both",
    "either",
    "neither",
    "such",
    "several",
    "few",
    "lot",
    "lots",
    "someone",
    "anyone",
    "everyone",
    "whatever",
    "whichever",
    "among",
    "amongst",
    "throughout",
    "toward",
    "towards",
    "upon",
    "onto",
    "along",
    "but",
    "nor",
    "yet",
    "because",
    "although",
    "though",
    "whether",
    "thats",
    "lets",
    "whos",
    "heres",
    "theres",
    "wheres",
    "hes",
    "shes",
    "he",
    "she",
    "him",
    "her",
    "his",
    "ours",
    "yours",
    "theirs",
    "myself",
    "ourselves",
    "okay",
    "ok",
    "sure",
    "yes",
    "yeah",
    "well",
    "quick",
    "quickly",
    "wondering",
    "curious",
    "interested",
    "trouble",
    "very",
    "quite",
    "pretty",
    "rather",
    "so",
    "anyway",
    "here",
    "then",
];

/// Candidate base forms of an inflected verb: "brings" → bring, "dropped" → drop, "making" → make.
fn verb_bases(w: &str) -> Vec<String> {
    let mut out = vec![w.to_string()];
    // The verbs are English words: other scripts have no inflections to strip (and bytes are not chars).
    if !w.is_ascii() {
        return out;
    }
    if let Some((_, base)) = IRREGULAR.iter().find(|(f, _)| *f == w) {
        out.push(base.to_string());
    }
    let undouble = |s: &str| -> Option<String> {
        let b = s.as_bytes();
        (b.len() >= 3 && b[b.len() - 1] == b[b.len() - 2]).then(|| s[..s.len() - 1].to_string())
    };
    for suffix in ["ing", "ed", "es", "s", "d"] {
        if let Some(stem) = w.strip_suffix(suffix).filter(|s| s.len() >= 2) {
            out.push(stem.to_string());
            out.push(format!("{stem}e"));
            out.extend(undouble(stem));
            if let Some(y) = stem.strip_suffix('i') {
                out.push(format!("{y}y"));
            }
        }
    }
    out
}

/// Whether a word is ordinary English that names no data: a common verb in any form, or a function word.
/// Catalog phrases are linked before this is asked, so a schema that uses such a word still finds it.
pub fn is_common_word(word: &str) -> bool {
    FUNCTION_WORDS.contains(&word)
        || verb_bases(word)
            .iter()
            .any(|b| COMMON_VERBS.contains(&b.as_str()))
}

/// Words of a question's shape that typos hide ("higest", "totl", "quater"): corrected in place unless the
/// typed word is a catalog word (`known`).
const SHAPE_WORDS: &[&str] = &[
    "highest",
    "lowest",
    "total",
    "average",
    "biggest",
    "largest",
    "smallest",
    "between",
    "quarter",
    "quarterly",
    "monthly",
    "yearly",
    "compare",
    "compared",
    "growth",
    "share",
    "percentage",
    "number",
    "which",
    "what",
    "month",
    "year",
    "through",
    "versus",
    "breakdown",
    "least",
    "most",
    "fewest",
    "bottom",
    "top",
    "each",
    "every",
    "including",
    "excluding",
    "last",
    "previous",
];

/// Corrects typos of shape words (edit distance 1, words of four letters or more).
pub fn fix_shape_typos(mut tokens: Vec<Token>, known: impl Fn(&str) -> bool) -> Vec<Token> {
    for t in tokens.iter_mut() {
        if t.symbol
            || t.number.is_some()
            || t.text.len() < 4
            || !t.text.chars().all(|c| c.is_ascii_alphabetic())
            || is_filler(&t.text)
            || is_common_word(&t.text)
            || known(&stem(&t.text))
            || month_like(&t.text)
        {
            continue;
        }
        let close: Vec<&&str> = SHAPE_WORDS
            .iter()
            .filter(|w| w.len() >= 5 && edit_distance(&t.text, w) == 1)
            .collect();
        if let [w] = close.as_slice() {
            t.text = (**w).to_string();
        }
    }
    tokens
}

fn month_like(w: &str) -> bool {
    super::time::MONTHS
        .iter()
        .any(|m| m.len() > 3 && edit_distance(w, m) <= 1)
}

/// A light stemmer: lowercase singular, so "categories" ~ "category", "stores" ~ "store".
pub fn stem(word: &str) -> String {
    let w = word.to_lowercase();
    if w.len() <= 3 || w.chars().any(|c| c.is_ascii_digit()) {
        return w;
    }
    if let Some(s) = w.strip_suffix("ies") {
        return format!("{s}y");
    }
    for suf in ["sses", "shes", "ches", "xes"] {
        if w.ends_with(suf) {
            return w[..w.len() - 2].to_string();
        }
    }
    if w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us") && !w.ends_with("is") {
        return w[..w.len() - 1].to_string();
    }
    w
}

/// Stems each word of a phrase and joins them with single spaces (the lexicon key).
pub fn phrase_key(text: &str) -> String {
    tokenize(text)
        .iter()
        .filter(|t| !t.symbol)
        .map(|t| t.stem())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Edit distance with transpositions (optimal string alignment), capped for speed.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let (n, m) = (a.len(), b.len());
    if n.abs_diff(m) > 2 {
        return 3;
    }
    let mut d = vec![vec![0usize; m + 1]; n + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=n {
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[n][m]
}

/// Words that carry no catalog meaning: question words, verbs of asking, articles, fillers.
/// Shape keywords (top, by, share, ...) are listed too so they never count as unknown words.
pub const FILLER: &[&str] = &[
    "a",
    "an",
    "the",
    "of",
    "in",
    "on",
    "at",
    "for",
    "to",
    "from",
    "with",
    "and",
    "or",
    "is",
    "are",
    "was",
    "were",
    "be",
    "been",
    "being",
    "do",
    "does",
    "did",
    "done",
    "doing",
    "have",
    "has",
    "had",
    "what",
    "whats",
    "which",
    "who",
    "whom",
    "how",
    "many",
    "much",
    "when",
    "where",
    "why",
    "me",
    "my",
    "we",
    "our",
    "us",
    "i",
    "you",
    "your",
    "it",
    "its",
    "this",
    "that",
    "these",
    "those",
    "there",
    "their",
    "they",
    "them",
    "show",
    "give",
    "tell",
    "get",
    "got",
    "list",
    "display",
    "find",
    "see",
    "let",
    "know",
    "want",
    "need",
    "please",
    "can",
    "could",
    "would",
    "should",
    "will",
    "shall",
    "may",
    "might",
    "must",
    "total",
    "overall",
    "all",
    "any",
    "some",
    "each",
    "every",
    "per",
    "by",
    "as",
    "into",
    "across",
    "over",
    "under",
    "between",
    "than",
    "then",
    "vs",
    "versus",
    "compare",
    "compared",
    "comparison",
    "against",
    "top",
    "bottom",
    "highest",
    "lowest",
    "most",
    "least",
    "best",
    "worst",
    "biggest",
    "largest",
    "smallest",
    "fewest",
    "greatest",
    "maximum",
    "minimum",
    "max",
    "min",
    "more",
    "less",
    "number",
    "count",
    "amount",
    "share",
    "percentage",
    "percent",
    "proportion",
    "fraction",
    "contribution",
    "%",
    "growth",
    "change",
    "increase",
    "decrease",
    "decline",
    "grew",
    "grow",
    "trend",
    "develop",
    "account",
    "shopped",
    "shopping",
    "include",
    "including",
    "takes",
    "take",
    "accounts",
    "contribute",
    "contributed",
    "contributes",
    "represent",
    "represents",
    "represented",
    "paid",
    "pay",
    "paying",
    "using",
    "via",
    "given",
    "away",
    "based",
    "located",
    "living",
    "includes",
    "included",
    "developed",
    "evolve",
    "evolved",
    "evolution",
    "fare",
    "fared",
    "look",
    "looked",
    "looks",
    "went",
    "go",
    "goes",
    "come",
    "came",
    "bring",
    "brought",
    "generate",
    "generated",
    "make",
    "earn",
    "earned",
    "column",
    "columns",
    "breakdown",
    "broken",
    "down",
    "split",
    "figure",
    "figures",
    "numbers",
    "value",
    "values",
    "data",
    "trends",
    "over",
    "time",
    "yoy",
    "mom",
    "qoq",
    "year",
    "month",
    "quarter",
    "week",
    "day",
    "monthly",
    "quarterly",
    "yearly",
    "annual",
    "annually",
    "weekly",
    "daily",
    "average",
    "avg",
    "mean",
    "typical",
    "distinct",
    "unique",
    "different",
    "excluding",
    "exclude",
    "except",
    "without",
    "outside",
    "besides",
    "incl",
    "inclusive",
    "apart",
    "aside",
    "not",
    "non",
    "no",
    "only",
    "just",
    "also",
    "too",
    "again",
    "instead",
    "same",
    "breakdown",
    "break",
    "down",
    "split",
    "broken",
    "grouped",
    "group",
    "sorted",
    "sort",
    "order",
    "ordered",
    "ranked",
    "rank",
    "ranking",
    "selling",
    "sold",
    "sell",
    "sells",
    "bought",
    "buy",
    "buying",
    "purchased",
    "purchase",
    "made",
    "make",
    "placed",
    "place",
    "generated",
    "generate",
    "brought",
    "earned",
    "spent",
    "something",
    "anything",
    "data",
    "value",
    "values",
    "figure",
    "figures",
    "numbers",
    "stats",
    "statistics",
    "breakdown",
    "performance",
    "performed",
    "perform",
    "doing",
    "did",
    "happen",
    "happened",
    "so",
    "far",
    "date",
    "to",
    "through",
    "thru",
    "until",
    "till",
    "since",
    "before",
    "after",
    "during",
    "within",
    "last",
    "past",
    "previous",
    "prior",
    "this",
    "current",
    "latest",
    "recent",
    "next",
    "ytd",
    "mtd",
    "qtd",
    "first",
    "second",
    "third",
    "fourth",
    "half",
    "h1",
    "h2",
    "q1",
    "q2",
    "q3",
    "q4",
    "today",
    "yesterday",
    "ago",
    "about",
    "and",
    "if",
    "whose",
    "where",
    "while",
    "up",
    "out",
    "off",
    "own",
    "other",
    "others",
    "rest",
    "via",
    "through",
    "kind",
    "type",
    "types",
    "ones",
    "one",
    "s",
    ",",
    "?",
    "like",
    "look",
    "looks",
    "looking",
    "level",
    "levels",
    "volume",
    "wise",
    "respectively",
    "them",
    "versus",
    "top",
    "dollar",
    "dollars",
    "come",
    "came",
    "coming",
    "go",
    "went",
    "each",
    "individual",
    "every",
    "separately",
    "respective",
    "currently",
    "exist",
    "exists",
    "existing",
    "available",
    "we've",
    "weve",
    "ive",
    "im",
    "whole",
    "entire",
    "full",
    "calendar",
    "being",
    "based",
    "net",
    "gross",
    "actual",
    "combined",
    "drill",
    "zoom",
    "narrow",
    "now",
    "term",
    "terms",
    "regarding",
    "concerning",
    "having",
    "exceeded",
    "exceeding",
    "lines",
    "items",
    "line",
    "item",
    "per",
    "vs",
];

/// Whether a word carries no catalog meaning.
pub fn is_filler(word: &str) -> bool {
    FILLER.contains(&word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokenizes_and_normalises() {
        let t = tokenize("What's the revenue for Home & Kitchen in Q4 2023?");
        let texts: Vec<&str> = t.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(
            texts,
            ["whats", "the", "revenue", "for", "home", "and", "kitchen", "in", "q4", "2023", ","]
        );
        assert_eq!(t[9].year(), Some(2023));
        assert_eq!(tokenize("top five")[1].count(), Some(5));
        assert_eq!(tokenize("year-over-year").len(), 3);
    }

    #[test]
    fn stems_plurals() {
        assert_eq!(stem("categories"), "category");
        assert_eq!(stem("stores"), "store");
        assert_eq!(stem("boxes"), "box");
        assert_eq!(stem("business"), "business");
        assert_eq!(phrase_key("Product Categories"), "product category");
    }

    fn texts(q: &str) -> Vec<String> {
        tokenize(q).into_iter().map(|t| t.text).collect()
    }

    #[test]
    fn splits_pronoun_contractions_into_two_words() {
        assert_eq!(texts("we've sold"), ["we", "have", "sold"]);
        assert_eq!(texts("I'm after revenue"), ["i", "am", "after", "revenue"]);
        assert_eq!(texts("they\u{2019}ll ask"), ["they", "will", "ask"]);
        assert_eq!(texts("you're right"), ["you", "are", "right"]);
        assert_eq!(texts("She'd like units"), ["she", "would", "like", "units"]);
        // Possessives lose their s; negations and "what's" keep the forms the reader knows.
        assert_eq!(texts("the store's sales"), ["the", "store", "sales"]);
        assert_eq!(
            texts("customers who didn't buy"),
            ["customers", "who", "didnt", "buy"]
        );
        assert_eq!(texts("what's up"), ["whats", "up"]);
    }

    #[test]
    fn drops_greetings_thanks_and_courtesy_clauses() {
        let words = |q: &str| -> String {
            strip_courtesy(tokenize(q))
                .into_iter()
                .filter(|t| !t.symbol)
                .map(|t| t.text)
                .collect::<Vec<_>>()
                .join(" ")
        };
        assert_eq!(words("Hello team, units by brand"), "units by brand");
        assert_eq!(
            words("Hey there! orders by region if you don't mind, many thanks"),
            "orders by region"
        );
        assert_eq!(
            words("could you, if it is not too much trouble, list the stores? Thank you so much"),
            "could you list the stores"
        );
        // "not" outside a courtesy clause stays.
        assert_eq!(words("revenue not from Online"), "revenue not from online");
    }

    #[test]
    fn ordinary_english_names_no_data() {
        for w in [
            "brings",
            "brought",
            "generating",
            "earned",
            "drove",
            "dropped",
            "fell",
            "rose",
            "achieves",
            "although",
            "whichever",
            "would",
            "am",
        ] {
            assert!(is_common_word(w), "{w}");
        }
        for w in [
            "colour", "supplier", "returned", "ordered", "signed", "shipped", "store", "leads",
            "rings",
        ] {
            assert!(!is_common_word(w), "{w}");
        }
    }

    #[test]
    fn measures_edit_distance() {
        assert_eq!(edit_distance("revnue", "revenue"), 1);
        assert!(!is_common_word("ǅǅ") && !is_common_word("ééés"));
        assert_eq!(edit_distance("categroy", "category"), 1);
        assert!(edit_distance("colour", "category") > 2);
    }
}
