//! Reads a semantic model off a lake that has no catalog file: which tables are facts and which describe
//! entities, how they join, what the columns mean in words, and the business vocabulary a retail analyst
//! uses for them. Only names, types and statistics are read; nothing here knows a particular dataset.
//!
//! The rules, in order:
//! - **Names.** Table names lose role words (`dim_product` → "product", `date_dim` → "date"); column names
//!   lose the prefix most columns of their table share (`ss_net_paid` → "net paid") and have common
//!   abbreviations spelled out (`ext_discount_amt` → "extended discount amount").
//! - **Keys.** A column whose last word is `id`/`sk`/`key` (or `code`/`number`/`no` naming its own table)
//!   and that names its table is the table's key; a key-like column naming *another* table's key is a join.
//!   Where names do not tell, values do: a surrogate key inside another table's key range (kindred words or most
//!   of the range), or a text column whose values a smaller table lists once under the same name.
//! - **Facts** are the tables joins leave from that nothing joins to; without joins, the biggest table with
//!   numbers. Other tables describe entities ("product"), shown by their best name column.
//! - **Time.** A fact's order/sale date (or year/month columns), or a calendar table the facts join to.
//! - **Measures.** Numeric non-key columns of facts are SUMs (rates are averaged); transaction ids count
//!   orders; joined entities and other ids count distinct members; ratios an analyst expects (average order
//!   value, margin, average selling price, days to ship) are added when their parts exist.
//! - **Dimensions.** Text and boolean columns, named by their words, with the synonyms analysts use
//!   ("brand name" answers to "brand", "day name" to "day of week"); same-named attributes of different
//!   tables are told apart by their entity ("store city", "customer city").

use std::collections::{HashMap, HashSet};

use super::schema::{ColumnInfo, LakeSnapshot, TableInfo};
use super::semantic::{
    distinct_count, is_date, is_numeric, is_text, pluralize, quote_ident, singularize, words,
    Aggregation, DimensionDef, DimensionKind, Format, Grain, JoinDef, MeasureDef, SemanticModel,
    TableDef, TimeDimensionDef,
};

/// Words that say what role a table plays, not what it holds.
const ROLE_WORDS: &[&str] = &[
    "dim",
    "dimension",
    "fact",
    "fct",
    "tbl",
    "table",
    "vw",
    "view",
];

/// Single letters and staging words that lead table names (`d_customer`, `f_sales`, `stg_orders`).
const LEADING_ROLE: &[&str] = &["d", "f", "t", "stg", "raw", "src"];

/// Nouns of a transaction identifier: their distinct count is the number of orders.
const TRANSACTION_NOUNS: &[&str] = &[
    "order",
    "ticket",
    "transaction",
    "invoice",
    "receipt",
    "basket",
    "cart",
    "checkout",
    "purchase",
    "bill",
];

/// Words a date column of an order line carries when it is the moment of sale.
const SALE_DATE_WORDS: &[&str] = &[
    "order",
    "sale",
    "sales",
    "sold",
    "transaction",
    "purchase",
    "invoice",
    "booking",
    "txn",
];

/// Nouns of tables that are an order's header (one row per order, the lines in another table).
const HEADER_NOUNS: &[&str] = &[
    "orders",
    "transaction",
    "transactions",
    "invoice",
    "invoices",
    "receipt",
    "receipts",
    "ticket",
    "tickets",
    "basket",
    "baskets",
    "purchase",
    "purchases",
    "header",
    "headers",
];

/// Words of a date that is not the moment of sale.
const OTHER_DATE_WORDS: &[&str] = &[
    "ship",
    "shipped",
    "shipping",
    "delivery",
    "delivered",
    "due",
    "return",
    "returned",
    "birth",
    "signup",
    "created",
    "updated",
    "modified",
    "closed",
    "open",
    "opened",
    "start",
    "end",
    "expiry",
    "load",
    "loaded",
    "etl",
    "rec",
];

/// Grain words: never a synonym of a dimension (they group by time).
const GRAIN_WORDS: &[&str] = &["day", "week", "month", "quarter", "year", "date", "time"];

/// Last words too generic to stand for their dimension alone.
const GENERIC_WORDS: &[&str] = &[
    "name",
    "type",
    "id",
    "code",
    "number",
    "key",
    "flag",
    "description",
    "desc",
    "label",
    "title",
    "value",
    "text",
    "status",
    "group",
    "level",
    "indicator",
];

/// Spells out common abbreviations of column words.
fn expand(w: &str) -> &str {
    match w {
        "amt" => "amount",
        "qty" | "quant" => "quantity",
        "ext" => "extended",
        "cust" => "customer",
        "addr" => "address",
        "desc" | "descr" => "description",
        "pct" | "perc" => "percent",
        "avg" => "average",
        "cnt" => "count",
        "prod" => "product",
        "dept" => "department",
        "mgr" => "manager",
        "nbr" | "num" => "number",
        "yr" => "year",
        "qtr" => "quarter",
        "moy" => "month",
        "qoy" => "quarter",
        "dow" => "day of week",
        "dt" => "date",
        "cat" => "category",
        "subcat" => "subcategory",
        "txn" | "trx" => "transaction",
        "disc" => "discount",
        "rev" => "revenue",
        "tot" => "total",
        "emp" => "employee",
        "loc" => "location",
        "reg" => "region",
        "cty" => "city",
        "st" => "state",
        "promo" => "promotion",
        "mfg" | "manufact" => "manufacturer",
        "whse" => "warehouse",
        "sq" => "square",
        "ft" => "feet",
        other => other,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeyKind {
    /// `…_id`, `…_sk`, `…_key`: an identifier.
    Strong,
    /// `…_code`, `…_number`, `…_no`: an identifier only when it names a table or a transaction.
    Weak,
}

/// One column, read into words.
struct Col<'a> {
    info: &'a ColumnInfo,
    /// Words after the table's shared prefix, as written.
    raw: Vec<String>,
    /// The same words with abbreviations spelled out.
    words: Vec<String>,
    key: Option<KeyKind>,
}

impl Col<'_> {
    fn phrase(&self) -> String {
        self.words.join(" ")
    }

    /// The words without the key word: `customer id` → "customer".
    fn base(&self) -> String {
        match self.key {
            Some(_) => self.words[..self.words.len() - 1].join(" "),
            None => self.phrase(),
        }
    }

    fn last(&self) -> &str {
        self.words.last().map(String::as_str).unwrap_or("")
    }

    fn numeric(&self) -> bool {
        is_numeric(&self.info.data_type)
    }

    fn text(&self) -> bool {
        is_text(&self.info.data_type)
    }

    fn date(&self) -> bool {
        is_date(&self.info.data_type)
    }

    fn boolean(&self) -> bool {
        self.info.data_type.to_uppercase().starts_with("BOOL")
    }

    fn name(&self) -> &str {
        &self.info.name
    }

    /// A year, quarter, month, week or day number column.
    fn time_part(&self) -> Option<Grain> {
        if !self.numeric() {
            return None;
        }
        let p = self.phrase();
        let p = p
            .strip_prefix("calendar ")
            .or_else(|| p.strip_prefix("cal "))
            .unwrap_or(&p);
        if p.contains("fiscal") {
            return None;
        }
        match p {
            "year" | "year number" | "order year" | "sales year" | "sale year" => Some(Grain::Year),
            "quarter" | "quarter number" | "quarter of year" => Some(Grain::Quarter),
            "month" | "month number" | "month of year" | "order month" | "sales month" => {
                Some(Grain::Month)
            }
            "week" | "week number" | "week of year" => Some(Grain::Week),
            "day" | "day of month" | "day number" => Some(Grain::Day),
            _ => None,
        }
    }
}

/// One table, read into words.
struct Tab<'a> {
    info: &'a TableInfo,
    /// The table's name without role words: "product" for `dim_product`.
    noun: String,
    /// Its singular: the entity a row describes.
    entity: String,
    cols: Vec<Col<'a>>,
}

impl Tab<'_> {
    fn rows(&self) -> u64 {
        self.info.row_count.unwrap_or(0)
    }

    fn col(&self, name: &str) -> Option<&Col<'_>> {
        self.cols.iter().find(|c| c.name() == name)
    }

    fn has_date(&self) -> bool {
        self.cols.iter().any(|c| c.date())
    }

    /// A date table: named like one and carrying a date or a year.
    fn calendar(&self) -> bool {
        let w: Vec<&str> = self.noun.split(' ').collect();
        w.iter()
            .any(|x| matches!(*x, "date" | "calendar" | "day" | "dates" | "days"))
            && (self.has_date() || self.cols.iter().any(|c| c.time_part() == Some(Grain::Year)))
    }
}

fn table_noun(name: &str) -> String {
    let mut w = words(name);
    while w.len() > 1
        && (ROLE_WORDS.contains(&w[0].as_str()) || LEADING_ROLE.contains(&w[0].as_str()))
    {
        w.remove(0);
    }
    while w.len() > 1 && w.last().is_some_and(|x| ROLE_WORDS.contains(&x.as_str())) {
        w.pop();
    }
    w.join(" ")
}

/// The prefix (`ss_`) shared by most columns of a table, or empty.
fn shared_prefix(t: &TableInfo) -> String {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for c in &t.columns {
        let lower = c.name.to_lowercase();
        if let Some((p, rest)) = lower.split_once('_') {
            if p.len() <= 4 && !rest.is_empty() {
                *counts.entry(format!("{p}_")).or_default() += 1;
            }
        }
    }
    counts
        .into_iter()
        .filter(|(_, n)| *n * 10 >= t.columns.len() * 7 && t.columns.len() >= 2)
        .max_by_key(|(_, n)| *n)
        .map(|(p, _)| p)
        .unwrap_or_default()
}

fn read_col<'a>(info: &'a ColumnInfo, prefix: &str) -> Col<'a> {
    // The prefix is matched in lower case; the rest keeps its case so that `CalendarYear` splits into words.
    let name = info.name.as_str();
    let rest = name
        .get(..prefix.len())
        .filter(|p| !prefix.is_empty() && p.eq_ignore_ascii_case(prefix))
        .map(|_| &name[prefix.len()..])
        .unwrap_or(name);
    let mut raw = words(rest);
    if raw.is_empty() {
        raw = words(name);
    }
    let mut expanded: Vec<String> = Vec::new();
    let n = raw.len();
    for (i, w) in raw.iter().enumerate() {
        let e = if i + 1 == n && n > 1 && w == "no" {
            "number"
        } else {
            expand(w)
        };
        expanded.extend(e.split(' ').map(String::from));
    }
    let last = expanded.last().map(String::as_str).unwrap_or("");
    let key = match last {
        "id" | "sk" | "key" => Some(KeyKind::Strong),
        "code" | "number" if expanded.len() > 1 => Some(KeyKind::Weak),
        _ if expanded.len() == 1 && last.len() > 4 && last.ends_with("id") => {
            // "customerid": split off the id.
            let stem = last[..last.len() - 2].to_string();
            expanded = vec![stem, "id".into()];
            Some(KeyKind::Strong)
        }
        _ if expanded.len() == 1 && last.len() > 5 && last.ends_with("key") => {
            // "Datekey": split off the key.
            let stem = last[..last.len() - 3].to_string();
            expanded = vec![stem, "key".into()];
            Some(KeyKind::Strong)
        }
        _ => None,
    };
    Col {
        info,
        raw,
        words: expanded,
        key,
    }
}

fn read_tables(lake: &LakeSnapshot) -> Vec<Tab<'_>> {
    lake.tables
        .iter()
        .map(|t| {
            let prefix = shared_prefix(t);
            let noun = table_noun(&t.name);
            Tab {
                info: t,
                entity: singularize(&noun),
                noun,
                cols: t.columns.iter().map(|c| read_col(c, &prefix)).collect(),
            }
        })
        .collect()
}

/// Whether `base` (a key's words without the key word) names the table.
fn names_table(base: &str, t: &Tab<'_>) -> bool {
    if base.is_empty() {
        return true;
    }
    base == t.entity
        || base == t.noun
        || singularize(base) == t.entity
        || t.entity.ends_with(&format!(" {base}"))
        || t.entity.starts_with(&format!("{base} "))
}

/// Key candidates of each table (column names), best first.
fn key_candidates(tabs: &[Tab<'_>]) -> Vec<Vec<String>> {
    tabs.iter()
        .enumerate()
        .map(|(ti, t)| {
            let mut c: Vec<&Col<'_>> = t
                .cols
                .iter()
                .filter(|c| {
                    c.key.is_some() && (!c.date() || t.calendar()) && names_table(&c.base(), t)
                })
                .filter(|c| {
                    // `store_sales.ss_store_sk` names the `store` table: not this table's key.
                    let base = c.base();
                    base.is_empty()
                        || !tabs.iter().enumerate().any(|(oi, o)| {
                            oi != ti && (o.entity == base || o.noun == base) && base != t.entity
                        })
                })
                .collect();
            c.sort_by_key(|c| (c.key != Some(KeyKind::Strong), !c.numeric()));
            c.into_iter().map(|c| c.name().to_string()).collect()
        })
        .collect()
}

/// How well column `c` of one table refers to key `k` of table `to` (0 = not at all).
fn reference_score(c: &Col<'_>, k: &Col<'_>, to: &Tab<'_>) -> u32 {
    if c.numeric() != k.numeric() || c.text() != k.text() {
        return 0;
    }
    let cb = c.base();
    let kb = if k.base().is_empty() {
        to.entity.clone()
    } else {
        k.base()
    };
    let named = |b: &str| !b.is_empty() && (cb == b || cb.ends_with(&format!(" {b}")));
    let words_match = if named(&kb) {
        2
    } else if named(&to.entity) || named(&to.noun) {
        1
    } else {
        0
    };
    if words_match == 0 {
        return 0;
    }
    let suffix = if c.last() == k.last() {
        2
    } else if c.key == Some(KeyKind::Strong) && k.key == Some(KeyKind::Strong) {
        1
    } else {
        0
    };
    if suffix == 0 {
        return 0;
    }
    words_match * 2 + suffix
}

/// Nouns that name the same kind of thing in retail schemas (a `store_sk` that points at `dim_outlet`).
const KINDRED: &[&[&str]] = &[
    &[
        "item",
        "product",
        "sku",
        "article",
        "good",
        "merchandise",
        "stock",
    ],
    &[
        "customer", "client", "buyer", "shopper", "member", "consumer", "account",
    ],
    &[
        "store", "shop", "branch", "outlet", "location", "site", "market",
    ],
    &["date", "day", "calendar", "time", "period"],
    &["promotion", "promo", "campaign", "offer"],
    &["supplier", "vendor", "manufacturer"],
    &[
        "employee",
        "staff",
        "salesperson",
        "cashier",
        "associate",
        "rep",
    ],
];

/// Whether a key's words (`store`) and a table's entity (`outlet`) name the same kind of thing.
fn kindred(base: &str, t: &Tab<'_>) -> bool {
    let head = base.rsplit(' ').next().unwrap_or(base);
    let mut nouns: Vec<&str> = t.entity.split(' ').collect();
    if t.calendar() {
        nouns.push("calendar");
    }
    KINDRED
        .iter()
        .any(|g| g.contains(&head) && nouns.iter().any(|n| g.contains(n)))
}

fn bounds(c: &Col<'_>) -> Option<(f64, f64)> {
    let parse = |v: &Option<String>| v.as_deref().and_then(|s| s.trim().parse::<f64>().ok());
    Some((parse(&c.info.min)?, parse(&c.info.max)?))
}

/// Joins that names alone do not show, read off the values:
/// - a numeric surrogate key (`bl_store_sk`) whose range lies inside another table's key range
///   (`dim_outlet.out_sk`): taken when the key's words name the same kind of thing as the table ("store" and
///   "outlet") or when the column spans most of that range; the tightest such key wins;
/// - a text column named like a column of a smaller table where that column is unique and holds every value of
///   this one (`transactions."Store"` → `stores."Store"`).
fn value_joins(
    tabs: &[Tab<'_>],
    cands: &[Vec<String>],
    joins: &mut Vec<(usize, String, usize, String)>,
) {
    let mut found = Vec::new();
    for (ti, t) in tabs.iter().enumerate() {
        for c in &t.cols {
            if c.date()
                || c.info.partition
                || joins.iter().any(|j| j.0 == ti && j.1 == c.name())
                || cands[ti].first().is_some_and(|k| k == c.name())
            {
                continue;
            }
            let target = if c.numeric() && c.key == Some(KeyKind::Strong) {
                range_target(tabs, cands, ti, c)
            } else if c.text() {
                text_target(tabs, ti, c)
            } else {
                None
            };
            if let Some((oi, k)) = target {
                found.push((ti, c.name().to_string(), oi, k));
            }
        }
    }
    joins.extend(found);
}

fn range_target(
    tabs: &[Tab<'_>],
    cands: &[Vec<String>],
    ti: usize,
    c: &Col<'_>,
) -> Option<(usize, String)> {
    let (lo, hi) = bounds(c)?;
    let mut best: Option<(bool, f64, usize, String)> = None;
    for (oi, o) in tabs.iter().enumerate() {
        if oi == ti || o.rows() > tabs[ti].rows() {
            continue;
        }
        let Some(k) = cands[oi].first().and_then(|k| o.col(k)) else {
            continue;
        };
        if !k.numeric() || k.key != Some(KeyKind::Strong) {
            continue;
        }
        let Some((klo, khi)) = bounds(k) else {
            continue;
        };
        // A unique key has at least as many values in its range as the table has rows.
        if klo > lo || hi > khi || khi - klo + 1.0 < o.rows() as f64 {
            continue;
        }
        let akin = kindred(&c.base(), o);
        if !akin && (hi - lo) < 0.5 * (khi - klo) {
            continue;
        }
        let width = khi - klo;
        let better = best.as_ref().is_none_or(|b| (akin, -width) > (b.0, -b.1));
        if better {
            best = Some((akin, width, oi, k.name().to_string()));
        }
    }
    best.map(|(_, _, oi, k)| (oi, k))
}

fn text_target(tabs: &[Tab<'_>], ti: usize, c: &Col<'_>) -> Option<(usize, String)> {
    let values = &c.info.sample_values;
    if values.is_empty() {
        return None;
    }
    tabs.iter().enumerate().find_map(|(oi, o)| {
        if oi == ti || o.rows() >= tabs[ti].rows() {
            return None;
        }
        let k = o.cols.iter().find(|k| {
            k.text()
                && k.name().eq_ignore_ascii_case(c.name())
                && k.info.distinct_count == Some(o.rows())
                && values.iter().all(|v| k.info.sample_values.contains(v))
        })?;
        Some((oi, k.name().to_string()))
    })
}

fn sale_date_rank(words: &str) -> u8 {
    let w: Vec<&str> = words.split(' ').collect();
    if w.iter().any(|x| SALE_DATE_WORDS.contains(x)) {
        0
    } else if w.iter().any(|x| OTHER_DATE_WORDS.contains(x)) {
        2
    } else {
        1
    }
}

/// Builds a model from the schema alone (see the module docs).
pub fn infer(lake: &LakeSnapshot) -> SemanticModel {
    let tabs = read_tables(lake);
    let cands = key_candidates(&tabs);

    // Joins: each key-like column to the best-matching key of another table.
    let mut joins: Vec<(usize, String, usize, String)> = Vec::new();
    for (ti, t) in tabs.iter().enumerate() {
        for c in t.cols.iter().filter(|c| c.key.is_some()) {
            if cands[ti].first().is_some_and(|k| k == c.name()) {
                continue;
            }
            let mut best: Option<(u32, usize, String)> = None;
            for (oi, o) in tabs.iter().enumerate() {
                if oi == ti {
                    continue;
                }
                for kname in &cands[oi] {
                    let Some(k) = o.col(kname) else { continue };
                    let s = reference_score(c, k, o);
                    if s > 0 && best.as_ref().is_none_or(|b| s > b.0) {
                        best = Some((s, oi, kname.clone()));
                    }
                }
            }
            if let Some((_, oi, k)) = best {
                joins.push((ti, c.name().to_string(), oi, k));
            }
        }
    }
    value_joins(&tabs, &cands, &mut joins);
    // Keys: the candidate other tables refer to, else the best candidate.
    let keys: Vec<Option<String>> = cands
        .iter()
        .enumerate()
        .map(|(ti, c)| {
            joins
                .iter()
                .find(|j| j.2 == ti)
                .map(|j| j.3.clone())
                .or_else(|| c.first().cloned())
        })
        .collect();
    // Facts: joins leave from them and nothing joins to them.
    let mut fact: Vec<bool> = (0..tabs.len())
        .map(|ti| joins.iter().any(|j| j.0 == ti) && !joins.iter().any(|j| j.2 == ti))
        .collect();
    if !fact.iter().any(|f| *f) {
        let measurable = |t: &Tab<'_>| {
            t.cols
                .iter()
                .any(|c| c.numeric() && c.key.is_none() && c.time_part().is_none())
        };
        let best = tabs
            .iter()
            .enumerate()
            .filter(|(_, t)| !t.calendar())
            .max_by_key(|(_, t)| (measurable(t), t.rows(), t.cols.len()))
            .map(|(i, _)| i);
        if let Some(i) = best {
            fact[i] = true;
        }
    }
    // A table no join touches, with figures and a time of its own (targets, budgets), is a fact too.
    for (ti, t) in tabs.iter().enumerate() {
        let isolated = !joins.iter().any(|j| j.0 == ti || j.2 == ti);
        let measurable = t.cols.iter().any(|c| {
            c.numeric() && c.key.is_none() && c.time_part().is_none() && !c.info.partition
        });
        let timed = t.has_date() || t.cols.iter().any(|c| c.time_part() == Some(Grain::Year));
        if isolated && measurable && timed && !t.calendar() {
            fact[ti] = true;
        }
    }
    // The primary fact (the biggest) names the headline measures.
    let primary = (0..tabs.len())
        .filter(|&i| fact[i])
        .max_by_key(|&i| tabs[i].rows());
    let calendar: Vec<bool> = tabs
        .iter()
        .enumerate()
        .map(|(i, t)| !fact[i] && t.calendar())
        .collect();
    // A dimension's own dates (a customer's first purchase) do not place sales in time.
    joins.retain(|j| fact[j.0] || !calendar[j.2]);
    // An order header that a dateless fact joins to ("order_items" → "orders") places its lines in time,
    // when its date reads as the sale's ("Order Date") or the table is the order itself.
    let timed =
        |t: &Tab<'_>| t.has_date() || t.cols.iter().any(|c| c.time_part() == Some(Grain::Year));
    let header: Vec<bool> = tabs
        .iter()
        .enumerate()
        .map(|(ti, t)| {
            let sale_dated = t
                .cols
                .iter()
                .any(|c| c.date() && sale_date_rank(&c.phrase()) == 0);
            let order_like = t
                .noun
                .split(' ')
                .any(|w| SALE_DATE_WORDS.contains(&w) || HEADER_NOUNS.contains(&w));
            !fact[ti]
                && !calendar[ti]
                && t.has_date()
                && (sale_dated || order_like)
                && joins
                    .iter()
                    .any(|j| j.2 == ti && fact[j.0] && !timed(&tabs[j.0]))
        })
        .collect();
    joins.sort_by_key(|j| {
        let fk = tabs[j.0].col(&j.1).map(|c| c.phrase()).unwrap_or_default();
        (!fact[j.0], j.0, sale_date_rank(&fk))
    });
    let fk: HashSet<(usize, String)> = joins.iter().map(|j| (j.0, j.1.clone())).collect();

    let mut model = SemanticModel {
        name: "inferred".into(),
        ..Default::default()
    };
    model.joins = joins
        .iter()
        .map(|(a, ac, b, bc)| JoinDef {
            from: format!("{}.{}", tabs[*a].info.name, ac),
            to: format!("{}.{}", tabs[*b].info.name, bc),
        })
        .collect();

    let mut entities: Vec<Option<String>> = Vec::new();
    for (ti, t) in tabs.iter().enumerate() {
        let entity = (!fact[ti] && !calendar[ti]).then(|| t.entity.clone());
        // Without a name column, a text key (a store's name that sales refer to) names the rows.
        let display = entity.as_ref().and_then(|_| {
            display_column(t, &tabs, &fk, ti, keys[ti].as_deref()).or_else(|| {
                keys[ti]
                    .as_deref()
                    .filter(|k| t.col(k).is_some_and(|c| c.text()))
                    .map(String::from)
            })
        });
        entities.push(entity.clone());
        model.tables.push(TableDef {
            name: t.info.name.clone(),
            key: keys[ti].clone(),
            entity: entity.clone(),
            display,
            display_unique: None,
            synonyms: entity
                .as_deref()
                .map(|e| entity_synonyms(e, &tabs))
                .unwrap_or_default(),
            fact: fact[ti],
            row_count: t.info.row_count,
        });
    }

    // Time: the facts' sale dates, then calendars the facts join to.
    let mut time_cols: HashSet<(usize, String)> = HashSet::new();
    for (ti, t) in tabs.iter().enumerate() {
        if !fact[ti] && !calendar[ti] && !header[ti] {
            continue;
        }
        let mut dates: Vec<&Col<'_>> = t.cols.iter().filter(|c| c.date()).collect();
        dates.sort_by_key(|c| sale_date_rank(&c.phrase()));
        let date = dates.first().copied();
        let part = |g: Grain| t.cols.iter().find(|c| c.time_part() == Some(g));
        let (year, month) = (part(Grain::Year), part(Grain::Month));
        if date.is_none() && year.is_none() {
            continue;
        }
        if calendar[ti] && !joins.iter().any(|j| j.2 == ti && fact[j.0]) {
            continue;
        }
        for c in [date, year, month, part(Grain::Quarter)]
            .into_iter()
            .flatten()
        {
            time_cols.insert((ti, c.name().to_string()));
        }
        model.time_dimensions.push(TimeDimensionDef {
            name: date.map(|c| c.phrase()).unwrap_or_else(|| "date".into()),
            table: t.info.name.clone(),
            column: date.map(|c| c.name().to_string()),
            year_column: year.map(|c| c.name().to_string()),
            month_column: month.map(|c| c.name().to_string()),
            quarter_column: part(Grain::Quarter).map(|c| c.name().to_string()),
            grains: vec![
                Grain::Day,
                Grain::Week,
                Grain::Month,
                Grain::Quarter,
                Grain::Year,
            ],
            synonyms: Vec::new(),
            min: None,
            max: None,
        });
        if fact[ti] {
            if let (Some(sold), Some(shipped)) = (
                date,
                dates.iter().find(|c| {
                    c.words
                        .iter()
                        .any(|w| w.starts_with("ship") || w.starts_with("deliver"))
                }),
            ) {
                model
                    .measures
                    .push(days_to_ship(&t.info.name, sold, shipped));
            }
        }
    }

    let mut fact_order: Vec<usize> = (0..tabs.len()).filter(|&i| fact[i]).collect();
    fact_order.sort_by_key(|&i| Some(i) != primary);
    for &ti in &fact_order {
        let before = model.measures.len();
        fact_measures(
            &mut model,
            &tabs[ti],
            ti,
            &fk,
            &time_cols,
            keys[ti].as_deref(),
        );
        // A second fact's measures are told apart by its name ("store targets row count").
        if Some(ti) != primary {
            let noun = tabs[ti].noun.clone();
            for i in before..model.measures.len() {
                let name = model.measures[i].name.clone();
                let head = name
                    .rsplit_once(' ')
                    .map(|(h, _)| h.to_string())
                    .unwrap_or(name.clone());
                if model.measures[i].agg == Aggregation::Sum && !head.contains(' ') {
                    // A target next to the sales: "sales target", "revenue targets".
                    let m = &mut model.measures[i];
                    for w in ["sales", "revenue"] {
                        m.synonyms.push(format!("{w} {head}"));
                        m.synonyms.push(format!("{w} {}", pluralize(&head)));
                    }
                }
                if model.measures[..before].iter().any(|m| m.name == name) {
                    let m = &mut model.measures[i];
                    m.alias = Some(super::semantic::snake(&format!("{noun} {name}")));
                    m.name = format!("{noun} {name}");
                    m.synonyms.clear();
                }
            }
        }
    }
    // An order header's own figures (a shipping fee per order), summed over orders.
    for (ti, t) in tabs.iter().enumerate().filter(|(ti, _)| header[*ti]) {
        for m in figure_measures(t, ti, &fk, &time_cols) {
            if !model.measures.iter().any(|x| x.name == m.name) {
                model.measures.push(m);
            }
        }
    }
    // Counts of the entities the facts (and their order headers) join to.
    for (a, ac, b, _) in &joins {
        if !fact[*a] && !header[*a] {
            continue;
        }
        let Some(entity) = &entities[*b] else {
            continue;
        };
        let plural = pluralize(entity);
        if model.measures.iter().any(|m| m.name == plural) {
            continue;
        }
        let mut m = distinct_count(&plural, &tabs[*a].info.name, ac, false);
        // Counted by the entity's other names too ("customers" for members), unless a table is called so.
        let kin = entity_synonyms(entity, &tabs);
        for p in std::iter::once(plural.clone()).chain(kin.iter().map(|k| pluralize(k))) {
            m.synonyms.extend([
                format!("number of {p}"),
                format!("distinct {p}"),
                format!("unique {p}"),
            ]);
        }
        model.measures.push(m);
    }
    headline_synonyms(
        &mut model,
        primary.map(|i| tabs[i].info.name.as_str()).unwrap_or(""),
    );
    derived_measures(&mut model);
    returned_synonyms(&mut model);
    // An entity's own numeric attributes ("list price" of products, "floor space" of stores): averaged over
    // the entity's rows, named with the entity ("product list price") and by their own words when free.
    for (ti, t) in tabs.iter().enumerate() {
        if fact[ti] || header[ti] {
            continue;
        }
        let Some(entity) = entities[ti].clone() else {
            continue;
        };
        for mut m in figure_measures(t, ti, &fk, &time_cols) {
            let taken = |n: &str| {
                model
                    .measures
                    .iter()
                    .any(|x| x.name == n || x.synonyms.iter().any(|s| s == n))
            };
            let bare = m.name.clone();
            if !bare.starts_with(&format!("{entity} ")) {
                m.name = format!("{entity} {bare}");
            }
            if taken(&m.name) {
                continue;
            }
            m.agg = Aggregation::Avg;
            m.synonyms.clear();
            if bare != m.name && !taken(&bare) {
                m.synonyms.push(bare);
            }
            model.measures.push(m);
        }
    }

    for (ti, t) in tabs.iter().enumerate() {
        for c in &t.cols {
            if let Some(d) = dimension(t, c, ti, fact[ti], &fk, &time_cols, keys[ti].as_deref()) {
                model.dimensions.push(d);
            }
        }
    }
    derived_flags(&mut model, &tabs, &fact, &joins, &entities);
    name_dimensions(&mut model, &tabs);
    product_description(&mut model);
    model.default_metric = model
        .measures
        .iter()
        .find(|m| m.name == "revenue" || m.synonyms.iter().any(|s| s == "revenue"))
        .or_else(|| {
            model
                .measures
                .iter()
                .find(|m| m.format == Format::Currency && m.agg == Aggregation::Sum)
        })
        .or_else(|| model.measures.iter().find(|m| m.agg == Aggregation::Sum))
        .or_else(|| model.measures.first())
        .map(|m| m.name.clone());
    model.enrich(lake);
    model
}

/// The column that names one row of an entity table.
fn display_column(
    t: &Tab<'_>,
    tabs: &[Tab<'_>],
    fk: &HashSet<(usize, String)>,
    ti: usize,
    key: Option<&str>,
) -> Option<String> {
    let rows = t.rows().max(1);
    let unique = |c: &Col<'_>| c.info.distinct_count.is_some_and(|d| d * 10 >= rows * 9);
    let head = t.entity.rsplit(' ').next().unwrap_or(&t.entity).to_string();
    let mut nouns: Vec<String> = entity_synonyms(&t.entity, tabs);
    nouns.push(head.clone());
    nouns.extend(t.noun.split(' ').map(String::from));
    let mut best: Option<(i32, &Col<'_>)> = None;
    for c in &t.cols {
        if !c.text() || fk.contains(&(ti, c.name().to_string())) || Some(c.name()) == key {
            continue;
        }
        let p = c.phrase();
        let last = c.last();
        let naming = matches!(last, "name" | "label" | "title")
            || matches!(last, "description")
            || p == "full name";
        if !naming {
            continue;
        }
        if matches!(
            p.as_str(),
            "first name" | "last name" | "middle name" | "user name"
        ) {
            continue;
        }
        let mut score = 0;
        if matches!(last, "name" | "label" | "title") {
            score += 3;
        } else {
            score += 1;
        }
        if c.words.iter().any(|w| nouns.contains(w)) || c.words.len() == 1 || p == "full name" {
            score += 4;
        }
        if unique(c) {
            score += 2;
        } else if c
            .info
            .distinct_count
            .is_some_and(|d| d * 2 < rows && rows > 20)
        {
            score -= 4;
        }
        if best.as_ref().is_none_or(|b| score > b.0) {
            best = Some((score, c));
        }
    }
    if let Some((s, c)) = best {
        if s > 0 {
            return Some(c.name().to_string());
        }
    }
    // No name: a readable identifier (a customer number, a SKU code).
    t.cols
        .iter()
        .find(|c| {
            c.text() && c.key.is_some() && unique(c) && !fk.contains(&(ti, c.name().to_string()))
        })
        .or_else(|| {
            t.cols
                .iter()
                .find(|c| c.text() && c.key.is_some() && !fk.contains(&(ti, c.name().to_string())))
        })
        .map(|c| c.name().to_string())
        .or_else(|| best.map(|(_, c)| c.name().to_string()))
}

/// Retail words for an entity, unless another table already is that noun.
fn entity_synonyms(entity: &str, tabs: &[Tab<'_>]) -> Vec<String> {
    let head = entity.rsplit(' ').next().unwrap_or(entity);
    let group: &[&str] = match head {
        "item" | "product" | "sku" | "article" => &["product", "item", "sku", "article"],
        "customer" | "client" | "buyer" | "shopper" | "member" => {
            &["customer", "client", "buyer", "shopper"]
        }
        "store" | "shop" | "branch" | "outlet" => &["store", "shop", "branch", "outlet"],
        "promotion" | "campaign" => &["promotion", "promo", "campaign"],
        "supplier" | "vendor" => &["supplier", "vendor"],
        "employee" | "staff" | "salesperson" => &["employee", "staff", "salesperson"],
        _ => &[],
    };
    let mut out: Vec<String> = Vec::new();
    if entity.contains(' ') && !tabs.iter().any(|t| t.entity == head) {
        out.push(head.to_string());
    }
    for w in group {
        if *w != entity && !tabs.iter().any(|t| t.entity == *w) {
            out.push((*w).to_string());
        }
    }
    out
}

fn days_to_ship(table: &str, sold: &Col<'_>, shipped: &Col<'_>) -> MeasureDef {
    MeasureDef {
        name: "days to ship".into(),
        table: table.to_string(),
        expr: format!(
            "AVG(date_diff('day', {}, {}))",
            quote_ident(sold.name()),
            quote_ident(shipped.name())
        ),
        agg: Aggregation::Custom,
        synonyms: [
            "shipping time",
            "ship time",
            "time to ship",
            "delivery time",
            "days to deliver",
            "lead time",
            "shipping days",
            "days to shipment",
            "shipping delay",
            "take to ship",
            "takes to ship",
            "ship days",
            "delivery days",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
        format: Format::Number,
        alias: Some("avg_days_to_ship".into()),
        description: Some(format!(
            "average days from {} to {}",
            sold.phrase(),
            shipped.phrase()
        )),
        implicit: false,
    }
}

fn guess_format(name: &str, rate: bool) -> Format {
    let money = [
        "revenue", "sales", "amount", "price", "cost", "profit", "paid", "spend", "value",
        "income", "tax", "total", "margin", "fee", "charge", "sale",
    ];
    let counts = ["quantity", "units", "count", "unit", "items", "pieces"];
    let w: Vec<&str> = name.split(' ').collect();
    if rate {
        Format::Percent
    } else if w.iter().any(|x| money.contains(x)) {
        Format::Currency
    } else if w.iter().any(|x| counts.contains(x)) {
        Format::Count
    } else {
        Format::Number
    }
}

/// A figure per unit (`Unit Price`, `unit_cost`, `list_price`) on lines that carry a quantity: averaged, since
/// its sum means nothing; extended and total amounts are not per unit.
fn per_unit(c: &Col<'_>, t: &Tab<'_>) -> bool {
    let w = &c.words;
    let has = |x: &str| w.iter().any(|y| y == x);
    let priced = has("price") || has("unit") && (has("cost") || has("margin"));
    let extended = ["extended", "total", "line", "amount", "sales"]
        .iter()
        .any(|x| has(x))
        && !has("unit");
    let quantity = t.cols.iter().any(|o| {
        o.numeric()
            && o.key.is_none()
            && o.words
                .iter()
                .any(|x| matches!(x.as_str(), "quantity" | "units" | "qty"))
    });
    priced && !extended && quantity
}

/// A share-like column (`discount` between 0 and 1, `tax_pct`, `Discount %`): averaged, not summed.
fn is_rate(c: &Col<'_>) -> bool {
    let w = &c.words;
    if c.info.name.contains('%') {
        return true;
    }
    if w.iter().any(|x| {
        matches!(
            x.as_str(),
            "percent" | "rate" | "ratio" | "share" | "percentage"
        )
    }) {
        return true;
    }
    let max = c
        .info
        .max
        .as_deref()
        .and_then(|s| s.trim().parse::<f64>().ok());
    w.iter().any(|x| x == "discount")
        && !w.iter().any(|x| x == "amount")
        && max.is_some_and(|m| m <= 1.0)
}

/// A table's own figures: each numeric column that is no key, join or time part, summed (rates averaged).
fn figure_measures(
    t: &Tab<'_>,
    ti: usize,
    fk: &HashSet<(usize, String)>,
    time_cols: &HashSet<(usize, String)>,
) -> Vec<MeasureDef> {
    let mut out = Vec::new();
    for c in &t.cols {
        let own = (ti, c.name().to_string());
        if !c.numeric()
            || c.key.is_some()
            || fk.contains(&own)
            || time_cols.contains(&own)
            || c.time_part().is_some()
            || c.info.partition
        {
            continue;
        }
        let name = c.phrase();
        let rate = is_rate(c);
        let raw = c.raw.join(" ");
        out.push(MeasureDef {
            name: name.clone(),
            table: t.info.name.clone(),
            expr: quote_ident(c.name()),
            agg: if rate || per_unit(c, t) {
                Aggregation::Avg
            } else {
                Aggregation::Sum
            },
            synonyms: {
                let mut syn = if raw != name { vec![raw] } else { Vec::new() };
                if c.words.iter().any(|w| w == "cogs") {
                    syn.extend(["cost of goods sold".into(), "cost of sales".into()]);
                }
                syn
            },
            format: guess_format(&name, rate),
            alias: None,
            description: None,
            implicit: false,
        });
    }
    out
}

fn fact_measures(
    model: &mut SemanticModel,
    t: &Tab<'_>,
    ti: usize,
    fk: &HashSet<(usize, String)>,
    time_cols: &HashSet<(usize, String)>,
    key: Option<&str>,
) {
    let table = &t.info.name;
    model.measures.extend(figure_measures(t, ti, fk, time_cols));
    // Orders: the distinct count of a transaction id.
    let rows = t.rows().max(1);
    for c in &t.cols {
        let noun = c.base().rsplit(' ').next().unwrap_or("").to_string();
        // A column named just "Invoice" or "Order" with many values is the transaction's number too.
        let bare_id = c.words.len() == 1
            && !c.date()
            && (c.numeric() || c.info.distinct_count.is_some_and(|d| d * 50 >= rows));
        if (c.key.is_none() && !bare_id)
            || !TRANSACTION_NOUNS.contains(&noun.as_str())
            || fk.contains(&(ti, c.name().to_string()))
            || model.measures.iter().any(|m| m.name == "orders")
        {
            continue;
        }
        let mut m = distinct_count("orders", table, c.name(), false);
        m.synonyms = [
            "transactions",
            "purchases",
            "baskets",
            "tickets",
            "invoices",
            "receipts",
            "order count",
            "number of orders",
            "number of transactions",
            "transaction count",
            "orders placed",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        model.measures.push(m);
    }
    // Other identifiers of a flat table: "Customer ID" counts customers.
    for c in &t.cols {
        let own = (ti, c.name().to_string());
        let base = c.base();
        let noun = base.rsplit(' ').next().unwrap_or("");
        if c.key != Some(KeyKind::Strong)
            || base.is_empty()
            || fk.contains(&own)
            || Some(c.name()) == key && !TRANSACTION_NOUNS.contains(&noun)
            || TRANSACTION_NOUNS.contains(&noun)
            || matches!(
                noun,
                "row" | "line" | "record" | "sequence" | "entry" | "sales"
            )
        {
            continue;
        }
        let plural = pluralize(&base);
        if model.measures.iter().any(|m| m.name == plural) {
            continue;
        }
        let mut m = distinct_count(&plural, table, c.name(), false);
        m.synonyms = vec![
            format!("number of {plural}"),
            format!("distinct {plural}"),
            format!("unique {plural}"),
        ];
        model.measures.push(m);
    }
    // A flag of what happened to a line ("returned"): its rate and its count ("return rate", "returns").
    for c in t.cols.iter().filter(|c| c.boolean() && !c.info.partition) {
        let mut w: Vec<String> = c.words.clone();
        if w.len() > 1 && matches!(w[0].as_str(), "is" | "was" | "has" | "flag") {
            w.remove(0);
        }
        let Some(last) = w.last().cloned() else {
            continue;
        };
        let Some(stem) = last.strip_suffix("ed").filter(|s| s.len() >= 3) else {
            continue;
        };
        let stem = match stem.as_bytes() {
            [.., a, b] if a == b && !matches!(*a, b's' | b'l') => {
                stem[..stem.len() - 1].to_string()
            }
            _ => stem.to_string(),
        };
        let head = w[..w.len() - 1].join(" ");
        let noun = if head.is_empty() {
            stem.clone()
        } else {
            format!("{head} {stem}")
        };
        let flag = w.join(" ");
        let col = quote_ident(c.name());
        let rate = format!("{noun} rate");
        let count = pluralize(&noun);
        if model
            .measures
            .iter()
            .any(|m| m.name == rate || m.name == count)
        {
            continue;
        }
        let measure = |name: &str, expr: String, format: Format, syn: Vec<String>| MeasureDef {
            name: name.to_string(),
            table: table.clone(),
            expr,
            agg: Aggregation::Custom,
            synonyms: syn,
            format,
            alias: Some(super::semantic::snake(name)),
            description: None,
            implicit: false,
        };
        model.measures.push(measure(
            &rate,
            format!("AVG(CASE WHEN {col} THEN 1 ELSE 0 END)"),
            Format::Percent,
            vec![
                format!("{noun} percentage"),
                format!("{flag} rate"),
                format!("share {flag}"),
                format!("percent {flag}"),
                format!("{noun} ratio"),
            ],
        ));
        model.measures.push(measure(
            &count,
            format!("SUM(CASE WHEN {col} THEN 1 ELSE 0 END)"),
            Format::Count,
            vec![
                format!("number of {count}"),
                format!("{flag} lines"),
                format!("{flag} items"),
                format!("{noun} count"),
            ],
        ));
    }
    model.measures.push(MeasureDef {
        name: "row count".into(),
        table: table.clone(),
        expr: "COUNT(*)".into(),
        agg: Aggregation::Custom,
        synonyms: [
            "rows",
            "records",
            "lines",
            "line items",
            "number of rows",
            "order lines",
            "sales lines",
            "number of lines",
            "line count",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
        format: Format::Count,
        alias: Some("row_count".into()),
        description: None,
        implicit: false,
    });
}

/// The first SUM measure (in pattern order) whose name holds all words of a pattern; names with "cost",
/// "tax", "discount", "list" or "wholesale" only match patterns naming them.
fn best_measure(measures: &[MeasureDef], table: &str, patterns: &[&[&str]]) -> Option<usize> {
    for p in patterns {
        let found = measures.iter().position(|m| {
            let own = table.is_empty() || m.table == table;
            let w: Vec<&str> = m.name.split(' ').collect();
            let excluded = [
                "cost",
                "tax",
                "discount",
                "list",
                "wholesale",
                "coupon",
                "price",
                "shipping",
            ];
            own && m.agg == Aggregation::Sum
                && p.iter().all(|x| w.contains(x))
                && excluded.iter().all(|x| p.contains(x) || !w.contains(x))
        });
        if found.is_some() {
            return found;
        }
    }
    None
}

/// "units returned" for a `return quantity`, "returned amount" for a `return amount`.
fn returned_synonyms(model: &mut SemanticModel) {
    for m in model
        .measures
        .iter_mut()
        .filter(|m| m.agg == Aggregation::Sum)
    {
        let w: Vec<&str> = m.name.split(' ').collect();
        if w.len() != 2 || !matches!(w[0], "return" | "returns" | "returned") {
            continue;
        }
        match w[1] {
            "quantity" | "units" | "qty" => add_synonyms(
                m,
                &[
                    "units returned",
                    "returned units",
                    "quantity returned",
                    "returned quantity",
                    "items returned",
                    "returned items",
                ],
            ),
            "amount" | "value" => add_synonyms(
                m,
                &[
                    "returned amount",
                    "amount returned",
                    "value returned",
                    "returned value",
                    "returns value",
                ],
            ),
            _ => {}
        }
    }
}

fn add_synonyms(m: &mut MeasureDef, words: &[&str]) {
    for s in words {
        if *s != m.name && !m.synonyms.iter().any(|x| x == s) {
            m.synonyms.push((*s).to_string());
        }
    }
}

/// Business words for the headline money, quantity and profit measures, and last-word synonyms ("net
/// profit" answers to "profit" when no other measure ends in that word).
fn headline_synonyms(model: &mut SemanticModel, primary: &str) {
    let lasts: Vec<String> = model
        .measures
        .iter()
        .map(|m| m.name.rsplit(' ').next().unwrap_or("").to_string())
        .collect();
    for (i, m) in model.measures.iter_mut().enumerate() {
        let last = &lasts[i];
        let unique = lasts.iter().filter(|l| *l == last).count() == 1;
        if m.name.contains(' ')
            && unique
            && last.len() > 2
            && m.agg == Aggregation::Sum
            && !GENERIC_WORDS.contains(&last.as_str())
            // "total shipping fees": a total of something else.
            && !matches!(last.as_str(), "total" | "sum")
        {
            m.synonyms.push(last.clone());
        }
    }
    let names: HashSet<String> = model.measures.iter().map(|m| m.name.clone()).collect();
    for m in model.measures.iter_mut() {
        if m.agg != Aggregation::Sum {
            continue;
        }
        if let Some((head, last)) = m.name.rsplit_once(' ') {
            let generic_head = matches!(
                head,
                "total"
                    | "net"
                    | "gross"
                    | "extended"
                    | "unit"
                    | "sum"
                    | "average"
                    | "grand"
                    | "line"
            );
            if matches!(last, "amount" | "value" | "total" | "sum" | "amt")
                && !names.contains(head)
                && !generic_head
            {
                let (h, plural) = (head.to_string(), pluralize(head));
                add_synonyms(m, &[h.as_str(), plural.as_str()]);
            }
        }
    }
    let money_patterns: &[&[&str]] = &[
        &["revenue"],
        &["net", "sales"],
        &["sales", "amount"],
        &["net", "amount"],
        &["net", "paid"],
        &["sales"],
        &["sale", "amount"],
        &["amount"],
        &["total"],
        &["paid"],
        &["extended", "sales", "price"],
        &["sales", "price"],
    ];
    if best_measure(&model.measures, primary, money_patterns).is_none() {
        if let Some(m) = line_value(model, primary) {
            model.measures.push(m);
        }
    }
    let money = best_measure(&model.measures, primary, money_patterns);
    if let Some(i) = money {
        let m = &mut model.measures[i];
        add_synonyms(
            m,
            &[
                "revenue",
                "sales",
                "turnover",
                "total sales",
                "spend",
                "income",
                "total spend",
                "amount spent",
                "sales amount",
                "sales value",
                "takings",
                "gmv",
                "gross merchandise value",
                "gross merchandise volume",
                "bookings",
            ],
        );
        if m.name.split(' ').any(|w| w == "net") {
            add_synonyms(m, &["net sales", "net revenue"]);
        }
    }
    let quantity = best_measure(
        &model.measures,
        primary,
        &[&["quantity"], &["units"], &["unit"], &["items"]],
    );
    if let Some(i) = quantity {
        add_synonyms(
            &mut model.measures[i],
            &[
                "units",
                "units sold",
                "quantity sold",
                "items sold",
                "volume",
                "unit sales",
                "quantity",
                "pieces sold",
            ],
        );
    }
    let profits: Vec<usize> = (0..model.measures.len())
        .filter(|&i| {
            let m = &model.measures[i];
            m.table == primary
                && m.agg == Aggregation::Sum
                && m.name.split(' ').any(|w| w == "profit")
        })
        .collect();
    if profits.len() == 1 {
        add_synonyms(
            &mut model.measures[profits[0]],
            &["profit", "profits", "earnings"],
        );
    } else if profits.is_empty() {
        // A gross margin amount is the profit when nothing is called profit.
        if let Some(i) = model.measures.iter().position(|m| {
            m.agg == Aggregation::Sum
                && m.name.split(' ').any(|w| w == "margin")
                && m.format == Format::Currency
        }) {
            add_synonyms(
                &mut model.measures[i],
                &["profit", "profits", "earnings", "margin amount"],
            );
        }
    }
}

/// The quantity measure of a table (`quantity`, `units`, `qty`).
fn quantity_measure<'m>(measures: &'m [MeasureDef], table: &str) -> Option<&'m MeasureDef> {
    best_measure(
        measures,
        table,
        &[&["quantity"], &["units"], &["unit"], &["items"]],
    )
    .map(|i| &measures[i])
}

/// Revenue as quantity times unit price, for order lines that carry no amount (`Quantity`, `Price`).
fn line_value(model: &SemanticModel, table: &str) -> Option<MeasureDef> {
    let q = quantity_measure(&model.measures, table)?;
    let price = model
        .measures
        .iter()
        .filter(|m| m.table == table && m.agg == Aggregation::Avg)
        .filter(|m| {
            let w: Vec<&str> = m.name.split(' ').collect();
            w.contains(&"price")
                && !w
                    .iter()
                    .any(|x| matches!(*x, "list" | "wholesale" | "cost"))
        })
        .min_by_key(|m| m.name.split(' ').count())?;
    Some(MeasureDef {
        name: "revenue".into(),
        table: table.to_string(),
        expr: format!("{} * {}", q.expr, price.expr),
        agg: Aggregation::Sum,
        synonyms: Vec::new(),
        format: Format::Currency,
        alias: None,
        description: Some(format!("{} times {}", q.name, price.name)),
        implicit: false,
    })
}

/// Ratios analysts expect, from measures that exist: average order value, margin, average selling price.
fn derived_measures(model: &mut SemanticModel) {
    let money = model
        .measures
        .iter()
        .find(|m| m.name == "revenue" || m.synonyms.iter().any(|s| s == "revenue"))
        .cloned();
    let Some(money) = money else { return };
    let sum = |m: &MeasureDef| format!("SUM({})", m.expr);
    let custom = |name: &str, expr: String, format: Format, syn: &[&str], alias: &str| MeasureDef {
        name: name.into(),
        table: money.table.clone(),
        expr,
        agg: Aggregation::Custom,
        synonyms: syn.iter().map(|s| s.to_string()).collect(),
        format,
        alias: Some(alias.into()),
        description: None,
        implicit: false,
    };
    if let Some(orders) = model
        .measures
        .iter()
        .find(|m| m.name == "orders" && m.table == money.table)
        .cloned()
    {
        if model.measure("average order value").is_none() {
            let m = custom(
                "average order value",
                format!("{} / {}", sum(&money), orders.expr),
                money.format,
                &[
                    "aov",
                    "order value",
                    "avg order value",
                    "average order size",
                    "average basket",
                    "average basket size",
                    "average basket value",
                    "basket size",
                    "basket value",
                    "average transaction value",
                    "average ticket",
                    "average ticket size",
                    "average order",
                    "mean order value",
                ],
                "aov",
            );
            model.measures.push(m);
        }
    }
    let mut profit = model
        .measures
        .iter()
        .find(|m| {
            (m.name == "profit" || m.synonyms.iter().any(|s| s == "profit"))
                && m.table == money.table
        })
        .cloned();
    if profit.is_none() {
        profit = profit_from_cost(model, &money);
        model.measures.extend(profit.clone());
    }
    if let Some(p) = profit {
        let bare_margin = !model
            .measures
            .iter()
            .any(|m| m.name.split(' ').any(|w| w == "margin"));
        let mut syn = vec![
            "margin rate",
            "margin percent",
            "margin percentage",
            "margin ratio",
            "profitability",
            "profit rate",
            "profit percentage",
            "margin pct",
            "profit margin percentage",
        ];
        if bare_margin {
            syn.extend(["margin", "margins"]);
            // "Gross margin" is the amount when the profit is sales minus cost; its percentage is the rate.
            if p.synonyms.iter().any(|s| s == "gross margin") {
                syn.extend([
                    "gross margin percentage",
                    "gross margin percent",
                    "gross margin rate",
                    "gross margin ratio",
                    "gross margin pct",
                ]);
            } else {
                syn.push("gross margin");
            }
        }
        let name = if bare_margin {
            "profit margin"
        } else {
            "margin rate"
        };
        let mut m = custom(
            name,
            format!("{} / {}", sum(&p), sum(&money)),
            Format::Percent,
            &syn,
            "margin",
        );
        if !bare_margin {
            m.synonyms.push("profit margin".into());
        }
        // "gross margin percentage", "net profit rate": the profit measure's own name with a rate word.
        for suffix in ["percentage", "percent", "rate", "ratio", "pct"] {
            let own = format!("{} {suffix}", p.name);
            if !m.synonyms.contains(&own) {
                m.synonyms.push(own);
            }
        }
        model.measures.push(m);
    }
    let quantity = model
        .measures
        .iter()
        .find(|m| m.synonyms.iter().any(|s| s == "units sold") && m.table == money.table)
        .cloned();
    let has_price = model
        .measures
        .iter()
        .any(|m| m.name.split(' ').any(|w| w == "price"));
    if let (Some(q), false) = (quantity, has_price) {
        let m = custom(
            "average selling price",
            format!("{} / {}", sum(&money), sum(&q)),
            money.format,
            &[
                "asp",
                "average price",
                "average unit price",
                "price per unit",
                "average price per unit",
                "revenue per unit",
                "sales per unit",
                "unit price",
            ],
            "avg_price",
        );
        model.measures.push(m);
    }
}

/// Profit as the sales minus their cost, when a line's cost is there (`Cost`, `cogs_amt`, `unit_cost` times
/// the quantity) and nothing is called profit.
fn profit_from_cost(model: &SemanticModel, money: &MeasureDef) -> Option<MeasureDef> {
    let costs = model.measures.iter().filter(|m| {
        let w: Vec<&str> = m.name.split(' ').collect();
        m.table == money.table
            && matches!(m.agg, Aggregation::Sum | Aggregation::Avg)
            && (w.contains(&"cost") || w.contains(&"cogs"))
            && !w
                .iter()
                .any(|x| matches!(*x, "shipping" | "freight" | "delivery" | "tax" | "list"))
    });
    // A line's total cost first; a unit cost is multiplied by the quantity.
    let cost = costs.min_by_key(|m| m.name.split(' ').any(|w| w == "unit"))?;
    let unit = cost.name.split(' ').any(|w| w == "unit");
    let expr = if unit {
        let q = quantity_measure(&model.measures, &money.table)?;
        format!("{} - {} * {}", money.expr, cost.expr, q.expr)
    } else {
        format!("{} - {}", money.expr, cost.expr)
    };
    Some(MeasureDef {
        name: "profit".into(),
        table: money.table.clone(),
        expr,
        agg: Aggregation::Sum,
        synonyms: [
            "profits",
            "gross profit",
            "earnings",
            "margin amount",
            "gross margin amount",
            "gross margin",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
        format: Format::Currency,
        alias: None,
        description: Some(format!("{} minus {}", money.name, cost.name)),
        implicit: false,
    })
}

fn dimension(
    t: &Tab<'_>,
    c: &Col<'_>,
    ti: usize,
    is_fact: bool,
    fk: &HashSet<(usize, String)>,
    time_cols: &HashSet<(usize, String)>,
    key: Option<&str>,
) -> Option<DimensionDef> {
    let own = (ti, c.name().to_string());
    if fk.contains(&own) || time_cols.contains(&own) || Some(c.name()) == key || c.date() {
        return None;
    }
    let mut name_words: Vec<String> = c.words.clone();
    let yes = yes_value(c);
    if c.boolean() || yes.is_some() {
        if name_words.len() > 1 && matches!(name_words[0].as_str(), "is" | "has" | "was" | "flag") {
            name_words.remove(0);
        }
        let name = name_words.join(" ");
        let mut synonyms = if c.phrase() != name {
            vec![c.phrase()]
        } else {
            Vec::new()
        };
        // A thing one holds ("loyalty card", "membership"): its holders are the flagged rows.
        if !name.ends_with("ed") {
            for s in ["holders", "holder", "members", "users"] {
                synonyms.push(format!("{name} {s}"));
            }
            synonyms.push(format!("with a {name}"));
            synonyms.push(format!("with {name}"));
        }
        return Some(DimensionDef {
            name: name.clone(),
            table: t.info.name.clone(),
            column: c.name().to_string(),
            kind: DimensionKind::Flag,
            synonyms,
            values: Vec::new(),
            alias: None,
            // A Y/N text column flags the rows holding its "yes".
            expr: yes.map(|y| format!("{} = {}", quote_ident(c.name()), quote_literal(&y))),
        });
    }
    if !c.text() {
        // A calendar's fiscal year or period groups like any attribute.
        if !is_fact && c.numeric() && c.words.iter().any(|w| w == "fiscal") {
            return Some(DimensionDef {
                name: c.phrase(),
                table: t.info.name.clone(),
                column: c.name().to_string(),
                kind: DimensionKind::Category,
                synonyms: Vec::new(),
                values: Vec::new(),
                alias: None,
                expr: None,
            });
        }
        return None;
    }
    let low_card =
        !c.info.sample_values.is_empty() || c.info.distinct_count.is_some_and(|n| n <= 1000);
    let named = matches!(c.last(), "name" | "description" | "label" | "title");
    if c.key == Some(KeyKind::Strong) && !low_card && is_fact {
        return None;
    }
    // "Customer ID" beside "Customer Name": the name is what answers show.
    let named_too = t.cols.iter().any(|o| {
        o.text() && o.words.len() == c.words.len() && o.last() == "name" && o.base() == c.base()
            || o.text() && o.phrase() == format!("{} name", c.base())
    });
    if c.key.is_some() && is_fact && named_too {
        return None;
    }
    if is_fact && !low_card && !named {
        return None;
    }
    let name = c.phrase();
    let raw = c.raw.join(" ");
    Some(DimensionDef {
        name: name.clone(),
        table: t.info.name.clone(),
        column: c.name().to_string(),
        kind: if low_card {
            DimensionKind::Category
        } else {
            DimensionKind::Text
        },
        synonyms: if raw != name { vec![raw] } else { Vec::new() },
        values: Vec::new(),
        alias: None,
        expr: None,
    })
}

/// The "yes" of a text column whose only values are a yes/no pair (`Y`/`N`, `Yes`/`No`, `True`/`False`).
fn yes_value(c: &Col<'_>) -> Option<String> {
    let v = &c.info.sample_values;
    if !c.text() || v.is_empty() || v.len() > 2 {
        return None;
    }
    let yes = v
        .iter()
        .find(|x| matches!(x.to_lowercase().as_str(), "y" | "yes" | "true" | "t"))?;
    v.iter()
        .all(|x| {
            matches!(
                x.to_lowercase().as_str(),
                "y" | "yes" | "true" | "t" | "n" | "no" | "false" | "f"
            )
        })
        .then(|| yes.clone())
}

fn quote_literal(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// Flags analysts ask about that the facts imply: "discounted" lines (a discount above zero) and
/// "promoted" ones (a promotion joined).
fn derived_flags(
    model: &mut SemanticModel,
    tabs: &[Tab<'_>],
    fact: &[bool],
    joins: &[(usize, String, usize, String)],
    entities: &[Option<String>],
) {
    let flag = |name: &str, table: &str, column: &str, expr: String, syn: &[&str]| DimensionDef {
        name: name.into(),
        table: table.into(),
        column: column.into(),
        kind: DimensionKind::Flag,
        synonyms: syn.iter().map(|s| s.to_string()).collect(),
        values: Vec::new(),
        alias: Some(name.replace(' ', "_")),
        expr: Some(expr),
    };
    for (ti, t) in tabs.iter().enumerate() {
        if !fact[ti] {
            continue;
        }
        let table = &t.info.name;
        // Lines with a negative quantity are returns or cancellations, when no flag says so already.
        let flagged = model.dimensions.iter().any(|d| {
            d.kind == DimensionKind::Flag
                && d.name.split(' ').any(|w| {
                    ["return", "refund", "cancel"]
                        .iter()
                        .any(|r| w.starts_with(r))
                })
        });
        let negative = t.cols.iter().find(|c| {
            c.numeric()
                && c.key.is_none()
                && c.words
                    .iter()
                    .any(|w| matches!(w.as_str(), "quantity" | "units" | "qty"))
                && !c.words.iter().any(|w| w.starts_with("return"))
                && c.info
                    .min
                    .as_deref()
                    .and_then(|m| m.trim().parse::<f64>().ok())
                    .is_some_and(|m| m < 0.0)
        });
        if let (Some(c), false) = (negative, flagged) {
            model.dimensions.push(flag(
                "returned",
                table,
                c.name(),
                format!("{} < 0", quote_ident(c.name())),
                &[
                    "return",
                    "returns",
                    "cancelled",
                    "canceled",
                    "cancellation",
                    "cancellations",
                    "refunded",
                    "refund",
                    "refunds",
                    "negative quantity",
                ],
            ));
        }
        if let Some(c) = t
            .cols
            .iter()
            .find(|c| c.numeric() && c.key.is_none() && c.words.iter().any(|w| w == "discount"))
        {
            if model.dimension("discounted").is_none() {
                model.dimensions.push(flag(
                    "discounted",
                    table,
                    c.name(),
                    format!("{} > 0", quote_ident(c.name())),
                    &[
                        "with a discount",
                        "with discount",
                        "had a discount",
                        "have a discount",
                        "has a discount",
                        "on discount",
                        "discounted items",
                        "discounted lines",
                    ],
                ));
            }
        }
        for (a, ac, b, _) in joins {
            let promo = entities[*b].as_deref().is_some_and(|e| {
                e.contains("promotion") || e.contains("promo") || e.contains("campaign")
            });
            if *a != ti || !promo || model.dimension("promoted").is_some() {
                continue;
            }
            model.dimensions.push(flag(
                "promoted",
                table,
                ac,
                format!("{} IS NOT NULL", quote_ident(ac)),
                &[
                    "on promotion",
                    "promotional",
                    "with a promotion",
                    "under promotion",
                    "promoted sales",
                    "promo sales",
                ],
            ));
        }
    }
}

/// A line's free-text description names its product when nothing else in the lake does (`Description` beside
/// a `StockCode`).
fn product_description(model: &mut SemanticModel) {
    let product_words = ["product", "item", "products", "items"];
    let named = model.tables.iter().any(|t| {
        t.entity
            .as_deref()
            .is_some_and(|e| product_words.iter().any(|p| e.split(' ').any(|w| w == *p)))
    }) || model.dimensions.iter().any(|d| {
        d.name.split(' ').any(|w| product_words.contains(&w))
            || d.synonyms
                .iter()
                .any(|s| product_words.contains(&s.as_str()))
    });
    if named {
        return;
    }
    let fact_of = |table: &str| model.table(table).is_some_and(|t| t.fact);
    let Some(i) = model
        .dimensions
        .iter()
        .position(|d| d.name == "description" && fact_of(&d.table))
    else {
        return;
    };
    let d = &mut model.dimensions[i];
    for s in [
        "product",
        "item",
        "product name",
        "item name",
        "product description",
    ] {
        d.synonyms.push(s.to_string());
    }
}

/// Unique names and analysts' synonyms for the dimensions.
fn name_dimensions(model: &mut SemanticModel, tabs: &[Tab<'_>]) {
    let entity_of = |table: &str| -> Option<String> {
        model
            .tables
            .iter()
            .find(|t| t.name == table)
            .and_then(|t| t.entity.clone())
    };
    let rows_of = |table: &str| -> u64 {
        tabs.iter()
            .find(|t| t.info.name == table)
            .map(|t| t.rows())
            .unwrap_or(u64::MAX)
    };
    let fact_of = |table: &str| model.table(table).is_some_and(|t| t.fact);
    let entity_synonyms: HashMap<String, Vec<String>> = model
        .tables
        .iter()
        .map(|t| (t.name.clone(), t.synonyms.clone()))
        .collect();
    let entity_words_of = |table: &str| entity_synonyms.get(table).cloned().unwrap_or_default();
    // Same-named attributes of different tables: "store city", "customer city"; the bare name stays with
    // the facts' own column, else with the smallest table (where sales are placed: a store, a region).
    let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, d) in model.dimensions.iter().enumerate() {
        by_name.entry(d.name.clone()).or_default().push(i);
    }
    let mut renames: Vec<(usize, String, bool)> = Vec::new();
    for (name, idx) in &by_name {
        if idx.len() < 2 {
            continue;
        }
        let keeper = *idx
            .iter()
            .min_by_key(|&&i| {
                let t = &model.dimensions[i].table;
                // The biggest fact's own column, else the smallest dimension table's.
                let rows = rows_of(t);
                (!fact_of(t), if fact_of(t) { u64::MAX - rows } else { rows })
            })
            .unwrap_or(&idx[0]);
        for &i in idx {
            let t = model.dimensions[i].table.clone();
            let qualified = match entity_of(&t) {
                Some(e) if !name.starts_with(&e) => format!("{e} {name}"),
                _ => format!("{} {name}", words(&t).join(" ")),
            };
            renames.push((i, qualified, i == keeper));
        }
    }
    for (i, new, keeper) in renames {
        let d = &mut model.dimensions[i];
        if keeper {
            d.synonyms.push(new);
        } else {
            d.name = new;
        }
    }
    // Synonyms: "brand name" → "brand"; "store format" → "format"; "day name" → "day of week".
    let taken: HashSet<String> = model
        .dimensions
        .iter()
        .map(|d| d.name.clone())
        .chain(model.measures.iter().map(|m| m.name.clone()))
        .chain(model.tables.iter().filter_map(|t| t.entity.clone()))
        .collect();
    let mut lasts: HashMap<String, usize> = HashMap::new();
    for d in &model.dimensions {
        if let Some(l) = d.name.rsplit(' ').next() {
            *lasts.entry(l.to_string()).or_default() += 1;
        }
    }
    let core_word = |name: &str| -> Option<String> {
        let w: Vec<&str> = name.split(' ').collect();
        let keep = w.len()
            - w.iter()
                .rev()
                .take_while(|x| GENERIC_WORDS.contains(x))
                .count();
        (keep >= 2 && keep < w.len()).then(|| w[keep - 1].to_string())
    };
    let mut cores: HashMap<String, usize> = HashMap::new();
    for d in &model.dimensions {
        if let Some(c) = core_word(&d.name) {
            *cores.entry(c).or_default() += 1;
        }
    }
    let mut heads: HashMap<String, usize> = HashMap::new();
    let head_of = |name: &str| -> Option<String> {
        let (h, last) = name.rsplit_once(' ')?;
        matches!(
            last,
            "name"
                | "description"
                | "label"
                | "title"
                | "code"
                | "type"
                | "desc"
                | "level"
                | "band"
                | "tier"
                | "group"
                | "status"
                | "class"
                | "flag"
                | "indicator"
        )
        .then(|| h.to_string())
    };
    for d in &model.dimensions {
        if let Some(h) = head_of(&d.name) {
            *heads.entry(h).or_default() += 1;
        }
    }
    for d in &mut model.dimensions {
        let entity = entity_of(&d.table);
        let mut syn: Vec<String> = Vec::new();
        if let Some(h) = head_of(&d.name) {
            let is_entity = entity.as_deref() == Some(h.as_str())
                || entity.as_deref().is_some_and(|e| {
                    h.ends_with(&format!(" {e}")) || e.ends_with(&format!(" {h}"))
                });
            // "customer name" is the customer, but "order status" is not the order (when "orders" is a
            // measure): an attribute of a thing answers to its name only when it names the thing.
            let names_it =
                d.name.rsplit(' ').next().is_some_and(|l| {
                    matches!(l, "name" | "description" | "label" | "title" | "desc")
                });
            if !is_entity
                && heads.get(&h) == Some(&1)
                && !taken.contains(&h)
                && (names_it || !taken.contains(&pluralize(&h)))
                && !GRAIN_WORDS.contains(&h.as_str())
            {
                syn.push(h.clone());
                if let Some(e) = &entity {
                    if !h.starts_with(e.as_str()) {
                        syn.push(format!("{e} {h}"));
                    }
                }
            }
        }
        if let Some((first, rest)) = d.name.split_once(' ') {
            // The entity's own attribute: "store format" is the store's "format".
            if entity.as_deref().is_some_and(|e| e == first)
                && !taken.contains(rest)
                && !GRAIN_WORDS.contains(&rest)
                && !GENERIC_WORDS.contains(&rest)
            {
                syn.push(rest.to_string());
            }
        }
        // The entity's words before its attribute: "store format" for an outlet's `out_format`.
        if let Some(e) = &entity {
            let nouns = std::iter::once(e.clone()).chain(entity_words_of(&d.table));
            for n in nouns.collect::<Vec<_>>() {
                let qualified = format!("{n} {}", d.name);
                if !d.name.starts_with(&format!("{n} ")) && !taken.contains(&qualified) {
                    syn.push(qualified);
                }
            }
        }
        let last = d.name.rsplit(' ').next().unwrap_or("").to_string();
        if d.name.contains(' ')
            && lasts.get(&last) == Some(&1)
            && !taken.contains(&last)
            && !GRAIN_WORDS.contains(&last.as_str())
            && !GENERIC_WORDS.contains(&last.as_str())
            && last.len() > 2
        {
            syn.push(last.clone());
        }
        // "region country name": the word before a generic last word ("country"), when no other attribute ends so.
        if let Some(core) = core_word(&d.name) {
            if cores.get(&core) == Some(&1)
                && !lasts.contains_key(&core)
                && !taken.contains(&core)
                && !GRAIN_WORDS.contains(&core.as_str())
                && core.len() > 2
            {
                syn.push(core);
            }
        }
        let w: Vec<&str> = d.name.split(' ').collect();
        if (w.contains(&"day") && (w.contains(&"name") || w.contains(&"week"))
            || w.contains(&"weekday"))
            && !w.contains(&"month")
        {
            syn.extend(
                [
                    "day of week",
                    "day of the week",
                    "weekday",
                    "week day",
                    "dow",
                    "weekday name",
                ]
                .iter()
                .map(|s| s.to_string()),
            );
        }
        syn.extend(
            super::semantic::dimension_synonyms(&d.name)
                .into_iter()
                .filter(|s| !taken.contains(s)),
        );
        for s in syn {
            if s != d.name && !d.synonyms.contains(&s) {
                d.synonyms.push(s);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::agent::nl::tests_support::col;

    fn table(name: &str, rows: u64, columns: Vec<ColumnInfo>) -> TableInfo {
        TableInfo {
            name: name.into(),
            columns,
            row_count: Some(rows),
        }
    }

    #[test]
    fn reads_a_kimball_star_with_role_prefixes() {
        let mut label = col("store_label", "VARCHAR", &[]);
        label.distinct_count = Some(40);
        let lake = LakeSnapshot {
            tables: vec![
                table(
                    "fact_sales",
                    1000,
                    vec![
                        col("fs_sales_key", "BIGINT", &[]),
                        col("fs_date_key", "INTEGER", &[]),
                        col("fs_store_key", "INTEGER", &[]),
                        col("fs_transaction_no", "BIGINT", &[]),
                        col("fs_net_amount", "DECIMAL(12,2)", &[]),
                        col("fs_discount_amount", "DECIMAL(12,2)", &[]),
                        col("fs_gross_margin", "DECIMAL(12,2)", &[]),
                    ],
                ),
                table(
                    "dim_date",
                    2557,
                    vec![
                        col("date_key", "INTEGER", &[]),
                        col("full_date", "DATE", &[]),
                        col("calendar_year", "INTEGER", &[]),
                        col("calendar_quarter", "INTEGER", &[]),
                        col("month_number", "INTEGER", &[]),
                        col("day_of_week_name", "VARCHAR", &["Monday", "Sunday"]),
                    ],
                ),
                table(
                    "dim_store",
                    40,
                    vec![
                        col("store_key", "INTEGER", &[]),
                        label,
                        col("city_name", "VARCHAR", &["Austin", "Boston"]),
                        col("state_code", "VARCHAR", &["TX", "MA"]),
                        col("store_format", "VARCHAR", &["Express", "Supermarket"]),
                    ],
                ),
            ],
        };
        let m = infer(&lake);
        let store = m.table("dim_store").unwrap();
        assert_eq!(store.entity.as_deref(), Some("store"));
        assert_eq!(store.display.as_deref(), Some("store_label"));
        assert!(m.table("fact_sales").is_some_and(|t| t.fact));
        assert!(m.table("dim_date").is_some_and(|t| t.entity.is_none()));
        let td = &m.time_dimensions[0];
        assert_eq!(td.table, "dim_date");
        assert_eq!(td.year_column.as_deref(), Some("calendar_year"));
        assert_eq!(td.month_column.as_deref(), Some("month_number"));
        assert_eq!(m.default_metric.as_deref(), Some("net amount"));
        assert!(m
            .measure("net amount")
            .is_some_and(|x| x.synonyms.iter().any(|s| s == "net sales")));
        assert!(m.measure("orders").is_some());
        assert!(m.measure("stores").is_some());
        assert!(m.measure("margin rate").is_some(), "{:?}", m.measures);
        let state = m.dimension("state code").unwrap();
        assert!(state.synonyms.iter().any(|s| s == "state"));
        let dow = m.dimension("day of week name").unwrap();
        assert!(dow.synonyms.iter().any(|s| s == "day of week"));
        assert!(m
            .dimension("store format")
            .is_some_and(|d| d.synonyms.iter().any(|s| s == "format")));
    }

    #[test]
    fn a_dimension_with_its_own_dates_is_no_fact() {
        // customer.c_first_sales_date_sk joins the calendar, but store_sales joins customer: customer is a
        // dimension, store_sales the only fact, and the calendar places only sales in time.
        let lake = LakeSnapshot {
            tables: vec![
                table(
                    "customer",
                    100,
                    vec![
                        col("c_customer_sk", "BIGINT", &[]),
                        col("c_customer_id", "VARCHAR", &[]),
                        col("c_first_sales_date_sk", "BIGINT", &[]),
                        col("c_birth_year", "BIGINT", &[]),
                    ],
                ),
                table(
                    "date_dim",
                    73049,
                    vec![
                        col("d_date_sk", "BIGINT", &[]),
                        col("d_date", "DATE", &[]),
                        col("d_year", "BIGINT", &[]),
                        col("d_qoy", "BIGINT", &[]),
                    ],
                ),
                table(
                    "store_sales",
                    10000,
                    vec![
                        col("ss_sold_date_sk", "BIGINT", &[]),
                        col("ss_customer_sk", "BIGINT", &[]),
                        col("ss_ticket_number", "BIGINT", &[]),
                        col("ss_net_paid", "DECIMAL(7,2)", &[]),
                        col("ss_ext_discount_amt", "DECIMAL(7,2)", &[]),
                    ],
                ),
            ],
        };
        let m = infer(&lake);
        let facts: Vec<&str> = m
            .tables
            .iter()
            .filter(|t| t.fact)
            .map(|t| t.name.as_str())
            .collect();
        assert_eq!(facts, vec!["store_sales"]);
        assert!(!m.joins.iter().any(|j| j.from.starts_with("customer.")));
        assert_eq!(m.table("store_sales").and_then(|t| t.key.clone()), None);
        assert_eq!(
            m.measure("customers").map(|x| x.expr.as_str()),
            Some("COUNT(DISTINCT ss_customer_sk)")
        );
        assert!(m.measure("birth year").is_none());
        assert!(m.measure("extended discount amount").is_some());
        assert_eq!(
            m.table("customer")
                .and_then(|t| t.display.clone())
                .as_deref(),
            Some("c_customer_id")
        );
    }

    #[test]
    fn a_flat_table_counts_its_ids_and_averages_its_rates() {
        let mut discount = col("Discount", "DOUBLE", &[]);
        discount.max = Some("0.8".into());
        let lake = LakeSnapshot {
            tables: vec![table(
                "orders",
                500,
                vec![
                    col("Row ID", "BIGINT", &[]),
                    col("Order ID", "VARCHAR", &[]),
                    col("Order Date", "DATE", &[]),
                    col("Ship Date", "DATE", &[]),
                    col("Customer ID", "VARCHAR", &[]),
                    col("Postal Code", "BIGINT", &[]),
                    col("Sales", "DOUBLE", &[]),
                    col("Quantity", "BIGINT", &[]),
                    discount,
                    col("Profit", "DOUBLE", &[]),
                ],
            )],
        };
        let m = infer(&lake);
        assert!(m.measure("rows").is_none() && m.measure("postal code").is_none());
        assert_eq!(
            m.measure("customers").map(|x| x.expr.as_str()),
            Some("COUNT(DISTINCT \"Customer ID\")")
        );
        assert_eq!(m.measure("discount").map(|x| x.agg), Some(Aggregation::Avg));
        assert!(m.measure("profit margin").is_some());
        assert!(m.measure("average selling price").is_some());
        assert!(m.measure("days to ship").is_some());
        assert_eq!(m.time_dimensions[0].column.as_deref(), Some("Order Date"));
    }

    fn ranged(name: &str, ty: &str, min: i64, max: i64) -> ColumnInfo {
        let mut c = col(name, ty, &[]);
        c.min = Some(min.to_string());
        c.max = Some(max.to_string());
        c
    }

    /// A star whose keys are named after other words than their tables (`bl_store_sk` → `dim_outlet.out_sk`,
    /// `bl_item_sk` → `dim_article.art_sk`), plus a key no table matches closely.
    fn grocery_star() -> LakeSnapshot {
        LakeSnapshot {
            tables: vec![
                table(
                    "fact_basket_line",
                    300_000,
                    vec![
                        ranged("bl_date_sk", "INTEGER", 20220101, 20241231),
                        ranged("bl_store_sk", "INTEGER", 1, 25),
                        ranged("bl_item_sk", "INTEGER", 1, 400),
                        ranged("bl_coupon_sk", "INTEGER", 1, 30),
                        ranged("bl_basket_no", "BIGINT", 1, 82_000),
                        ranged("bl_units", "INTEGER", -3, 12),
                        ranged("bl_net_amt", "DECIMAL(10,2)", -50, 400),
                        ranged("bl_cogs_amt", "DECIMAL(10,2)", -40, 300),
                    ],
                ),
                table(
                    "dim_calendar",
                    1096,
                    vec![
                        ranged("cal_sk", "INTEGER", 20220101, 20241231),
                        col("cal_date", "DATE", &[]),
                        ranged("cal_year", "INTEGER", 2022, 2024),
                        ranged("cal_month", "INTEGER", 1, 12),
                    ],
                ),
                table(
                    "dim_outlet",
                    25,
                    vec![
                        ranged("out_sk", "INTEGER", 1, 25),
                        col("out_name", "VARCHAR", &[]),
                        col("out_format", "VARCHAR", &["Express", "Hypermarket"]),
                    ],
                ),
                table(
                    "dim_article",
                    400,
                    vec![
                        ranged("art_sk", "INTEGER", 1, 400),
                        col("art_desc", "VARCHAR", &[]),
                        col("art_aisle", "VARCHAR", &["Dairy", "Produce"]),
                    ],
                ),
            ],
        }
    }

    #[test]
    fn surrogate_keys_join_by_their_value_ranges_and_kindred_names() {
        let m = infer(&grocery_star());
        let joined = |from: &str| {
            m.joins
                .iter()
                .find(|j| j.from == from)
                .map(|j| j.to.as_str())
        };
        assert_eq!(
            joined("fact_basket_line.bl_store_sk"),
            Some("dim_outlet.out_sk")
        );
        assert_eq!(
            joined("fact_basket_line.bl_item_sk"),
            Some("dim_article.art_sk")
        );
        assert_eq!(
            joined("fact_basket_line.bl_date_sk"),
            Some("dim_calendar.cal_sk")
        );
        // 1..30 fits inside the articles' 1..400, but spans too little of it and names no kindred thing.
        assert_eq!(joined("fact_basket_line.bl_coupon_sk"), None);
        assert_eq!(m.time_dimensions[0].table, "dim_calendar");
        let format = m.dimension("format").unwrap();
        assert!(
            format.synonyms.iter().any(|s| s == "store format"),
            "{format:?}"
        );
        assert!(m
            .measure("outlets")
            .is_some_and(|c| c.synonyms.iter().any(|s| s == "number of stores")));
    }

    #[test]
    fn profit_is_sales_minus_cost_and_gross_margin_its_amount() {
        let m = infer(&grocery_star());
        let profit = m.measure("profit").expect("profit derived from cogs");
        assert_eq!(profit.expr, "bl_net_amt - bl_cogs_amt");
        assert!(profit.synonyms.iter().any(|s| s == "gross margin"));
        let rate = m.measure("profit margin").expect("margin rate");
        assert!(rate.synonyms.iter().any(|s| s == "gross margin percentage"));
        assert!(!rate.synonyms.iter().any(|s| s == "gross margin"));
    }

    #[test]
    fn a_text_column_joins_the_small_table_that_lists_its_values_once() {
        let stores = ["Berlin Mitte", "Paris Marais", "Rome Monti"];
        let lake = LakeSnapshot {
            tables: vec![
                table(
                    "transactions",
                    5000,
                    vec![
                        col("Receipt No", "BIGINT", &[]),
                        col("Store", "VARCHAR", &stores),
                        col("Country", "VARCHAR", &["Germany", "France", "Italy"]),
                        ranged("Net Sales", "DOUBLE", 1, 900),
                        ranged("Discount %", "BIGINT", 0, 40),
                        ranged("Unit Cost", "DOUBLE", 1, 300),
                        ranged("Qty", "BIGINT", 1, 5),
                    ],
                ),
                table(
                    "stores",
                    3,
                    vec![
                        col("Store", "VARCHAR", &stores),
                        col("Store Manager", "VARCHAR", &["Ann", "Bo", "Cy"]),
                    ],
                ),
            ],
        };
        let m = infer(&lake);
        assert_eq!(m.joins.len(), 1, "{:?}", m.joins);
        assert_eq!(m.joins[0].from, "transactions.Store");
        assert_eq!(m.joins[0].to, "stores.Store");
        let stores = m.table("stores").unwrap();
        assert_eq!(stores.display.as_deref(), Some("Store"));
        assert!(m.dimension("store manager").is_some());
        // A Y/N text column is a flag on its "yes", and its holders are the flagged rows.
        let mut lake = lake;
        lake.tables[0]
            .columns
            .push(col("Loyalty Card", "VARCHAR", &["N", "Y"]));
        let m = infer(&lake);
        let card = m.dimension("loyalty card").unwrap();
        assert_eq!(card.kind, DimensionKind::Flag);
        assert_eq!(card.expr.as_deref(), Some("\"Loyalty Card\" = 'Y'"));
        assert!(card.synonyms.iter().any(|s| s == "loyalty card holders"));
        // A percentage column is averaged; a unit cost is multiplied out.
        assert_eq!(m.measure("discount").unwrap().agg, Aggregation::Avg);
        assert_eq!(
            m.measure("profit").unwrap().expr,
            "\"Net Sales\" - \"Unit Cost\" * \"Qty\""
        );
    }

    #[test]
    fn invoice_lines_without_an_amount_get_revenue_from_quantity_times_price() {
        let mut invoice = col("Invoice", "VARCHAR", &[]);
        invoice.distinct_count = Some(12_000);
        let mut description = col("Description", "VARCHAR", &["HEART HOLDER", "PAPER LANTERN"]);
        description.distinct_count = Some(2);
        let lake = LakeSnapshot {
            tables: vec![table(
                "online_retail",
                200_000,
                vec![
                    invoice,
                    col("StockCode", "VARCHAR", &[]),
                    description,
                    ranged("Quantity", "BIGINT", -80, 100),
                    col("InvoiceDate", "TIMESTAMP", &[]),
                    ranged("Price", "DOUBLE", 0, 300),
                    ranged("Customer ID", "DOUBLE", 12_000, 18_000),
                    col("Country", "VARCHAR", &["United Kingdom", "France"]),
                ],
            )],
        };
        let m = infer(&lake);
        // Negative quantities are the returns or cancellations.
        let cancelled = m
            .dimension("returned")
            .expect("a flag of negative quantities");
        assert_eq!(cancelled.expr.as_deref(), Some("\"Quantity\" < 0"));
        assert!(cancelled.synonyms.iter().any(|s| s == "cancellations"));
        let revenue = m.measure("revenue").expect("revenue from the line's parts");
        assert_eq!(revenue.expr, "\"Quantity\" * \"Price\"");
        assert_eq!(m.default_metric.as_deref(), Some("revenue"));
        assert_eq!(m.measure("price").unwrap().agg, Aggregation::Avg);
        assert_eq!(
            m.measure("orders").unwrap().expr,
            "COUNT(DISTINCT \"Invoice\")"
        );
        assert!(m.measure("average order value").is_some());
        assert!(m.measure("customers").is_some());
        let d = m.dimension("description").unwrap();
        assert!(d.synonyms.iter().any(|s| s == "product"), "{d:?}");
    }

    #[test]
    fn camel_case_stars_split_their_names_and_snowflake_through_their_keys() {
        let lake = LakeSnapshot {
            tables: vec![
                table(
                    "fact_sales",
                    10_000,
                    vec![
                        col("SalesKey", "INTEGER", &[]),
                        col("DateKey", "DATE", &[]),
                        col("StoreKey", "INTEGER", &[]),
                        ranged("UnitCost", "DOUBLE", 1, 500),
                        ranged("SalesQuantity", "INTEGER", 1, 10),
                        ranged("ReturnQuantity", "INTEGER", 0, 3),
                        ranged("TotalCost", "DOUBLE", 1, 5000),
                        ranged("SalesAmount", "DOUBLE", 1, 9000),
                    ],
                ),
                table(
                    "dim_date",
                    1096,
                    vec![
                        col("Datekey", "DATE", &[]),
                        ranged("CalendarYear", "INTEGER", 2022, 2024),
                        col("CalendarMonthLabel", "VARCHAR", &["January", "February"]),
                    ],
                ),
                table(
                    "dim_store",
                    30,
                    vec![
                        col("StoreKey", "INTEGER", &[]),
                        col("StoreName", "VARCHAR", &[]),
                        col("GeographyKey", "INTEGER", &[]),
                    ],
                ),
                table(
                    "dim_geography",
                    25,
                    vec![
                        col("GeographyKey", "INTEGER", &[]),
                        col("ContinentName", "VARCHAR", &["Asia", "Europe"]),
                        col("RegionCountryName", "VARCHAR", &["Germany", "China"]),
                    ],
                ),
            ],
        };
        let m = infer(&lake);
        let joined = |from: &str| {
            m.joins
                .iter()
                .find(|j| j.from == from)
                .map(|j| j.to.as_str())
        };
        assert_eq!(joined("fact_sales.DateKey"), Some("dim_date.Datekey"));
        assert_eq!(joined("fact_sales.StoreKey"), Some("dim_store.StoreKey"));
        assert_eq!(
            joined("dim_store.GeographyKey"),
            Some("dim_geography.GeographyKey")
        );
        assert_eq!(
            m.table("dim_store").unwrap().display.as_deref(),
            Some("StoreName")
        );
        assert!(m
            .measure("sales amount")
            .is_some_and(|x| x.synonyms.iter().any(|s| s == "revenue")));
        // A total cost is preferred to a unit cost, which is averaged.
        assert_eq!(
            m.measure("profit").unwrap().expr,
            "\"SalesAmount\" - \"TotalCost\""
        );
        assert_eq!(m.measure("unit cost").unwrap().agg, Aggregation::Avg);
        let returned = m.measure("return quantity").unwrap();
        assert!(returned.synonyms.iter().any(|s| s == "units returned"));
        let country = m.dimension("region country name").unwrap();
        assert!(
            country.synonyms.iter().any(|s| s == "country"),
            "{country:?}"
        );
    }
}
