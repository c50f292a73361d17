//! The engine's reading of a question, independent of SQL: measures, groupings, filters, periods and
//! the question's shape. Kept across turns so follow-ups ("and in 2024?") can amend the last one.

use serde::{Deserialize, Serialize};

use crate::catalog::semantic::Grain;

pub use super::threshold::Cmp;
use super::time::Period;

/// A measure as asked: by name, optionally averaged per row ("average quantity").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct MeasureRef {
    pub name: String,
    #[serde(default)]
    pub average: bool,
    /// Divided by another (counting) measure: "revenue per customer", "units per order".
    #[serde(default)]
    pub per: Option<String>,
    /// A statistic of the measure's distribution instead of its total ("median order value").
    #[serde(default)]
    pub stat: Option<Stat>,
    /// What the statistic is taken across: the measure is first computed per value of this key (each
    /// order, each customer); `None` takes it across rows.
    #[serde(default)]
    pub over: Option<GroupKey>,
}

/// A distribution statistic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Stat {
    Median,
    /// The given percentile, 1–99.
    Percentile(u8),
}

impl Stat {
    /// The fraction passed to `quantile_cont`.
    pub fn fraction(self) -> f64 {
        match self {
            Stat::Median => 0.5,
            Stat::Percentile(p) => f64::from(p) / 100.0,
        }
    }

    /// The word used in output names and interpretations ("median", "p90").
    pub fn label(self) -> String {
        match self {
            Stat::Median => "median".into(),
            Stat::Percentile(p) => format!("p{p}"),
        }
    }
}

/// A condition on an aggregate ("revenue over 1M"), applied to each group (HAVING).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Threshold {
    pub measure: MeasureRef,
    pub cmp: Cmp,
    /// In the measure's own unit (a percent measure compares with 0.2 for "20%").
    pub value: f64,
    /// The upper bound of `Cmp::Between`.
    #[serde(default)]
    pub upper: Option<f64>,
    /// Compares each row's value, not the total ("how many order lines had a negative profit").
    #[serde(default)]
    pub per_row: bool,
}

// Thresholds are only ever built from finite numbers, so equality is an equivalence.
impl Eq for Threshold {}

/// One grouping key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum GroupKey {
    /// A dimension, by name.
    Dim(String),
    /// An entity table, shown by its display column.
    Entity(String),
    /// A time grain of the base table's time dimension.
    Grain(Grain),
    /// A raw column of a table (an order id): one group per value, for statistics across orders or
    /// counts of the orders that pass a threshold.
    Column { table: String, column: String },
    /// Weekends against weekdays, from the time dimension's date.
    Weekend,
    /// The name of the day of the week, from the time dimension's date.
    DayOfWeek,
}

/// A filter on a dimension's known values (or a flag when `values` is empty).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filter {
    pub dim: String,
    pub values: Vec<String>,
    pub negate: bool,
    /// A condition on whether the value is there: `Some(true)` IS NULL, `Some(false)` IS NOT NULL.
    #[serde(default)]
    pub null: Option<bool>,
    /// A column of the facts the condition is on instead of a dimension (`dim` then says its name):
    /// (table, column).
    #[serde(default)]
    pub column: Option<(String, String)>,
    /// Text the value must contain, case-insensitively ("description contains 'HEART'"): only letters,
    /// digits, spaces and hyphens, as tokenized.
    #[serde(default)]
    pub contains: Option<String>,
}

/// How growth is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum GrowthKind {
    /// The period against the same period a year before (one column each, plus growth).
    YearOverYear,
    /// Each time bucket against the previous one (LAG over the grain).
    PeriodOverPeriod,
}

/// The question's shape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Shape {
    #[default]
    Aggregate,
    /// Ranked groups: top/bottom N by the first measure (`n` None = all, ordered).
    Top {
        n: Option<u32>,
        desc: bool,
    },
    /// Each group's share of the total of the first measure; `focus` keeps only the named values
    /// ("share of revenue from Online").
    Share {
        focus: Option<Filter>,
    },
    Growth(GrowthKind),
    /// One column per period.
    Compare,
    /// Distinct values of the grouping keys.
    List,
    /// Rows of an entity table ("how many stores per region").
    /// `top` ranks the counts: (limit, descending).
    CountRows {
        table: String,
        #[serde(default)]
        top: Option<(Option<u32>, bool)>,
    },
    /// Number of distinct values of a dimension.
    CountValues,
    /// Number of groups of the first grouping key that pass the thresholds ("how many customers spent
    /// more than 2000"), per remaining key.
    CountMatching,
    /// Members of the first grouping key with no fact rows matching the filters and periods ("products
    /// that were never returned"); `count` asks for their number instead of the list.
    Missing {
        count: bool,
    },
}

/// Everything the engine understood.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Intent {
    pub measures: Vec<MeasureRef>,
    pub group_by: Vec<GroupKey>,
    pub filters: Vec<Filter>,
    pub periods: Vec<Period>,
    pub shape: Shape,
    /// Ranking of growth, comparison or share answers ("which region grew the most"): (limit, descending).
    #[serde(default)]
    pub rank: Option<(Option<u32>, bool)>,
    /// Conditions each group must meet ("categories with revenue over 1M").
    #[serde(default)]
    pub having: Vec<Threshold>,
    /// Growth and comparison rankings order by the difference between the periods ("grew the most"), not
    /// by the ratio ("grew the fastest").
    #[serde(default)]
    pub by_change: bool,
    /// ISO days of the week kept ("on weekends": 6, 7); empty keeps every day.
    #[serde(default)]
    pub weekdays: Vec<u32>,
    /// A top/bottom N taken within each value of these grouping keys ("top 3 products in each region"),
    /// not across all groups.
    #[serde(default)]
    pub rank_within: Vec<GroupKey>,
    /// Rows in the order of their keys ("regions in alphabetical order") instead of by the figure.
    #[serde(default)]
    pub key_order: bool,
    /// A date column of an entity's own table that the periods apply to instead of the facts' time ("customers
    /// who signed up in 2020": customers.signup_date), as (table, column).
    #[serde(default)]
    pub date_column: Option<(String, String)>,
}

impl Filter {
    /// The condition in words: "order status = cancelled", "not returned".
    pub fn describe(&self) -> String {
        match (self.values.is_empty(), self.negate) {
            (true, false) => self.dim.clone(),
            (true, true) => format!("not {}", self.dim),
            (false, false) => format!("{} = {}", self.dim, self.values.join(", ")),
            (false, true) => format!("{} ≠ {}", self.dim, self.values.join(", ")),
        }
    }
}

impl Intent {
    /// The focus of a share taken inside each group ("share of orders with returned within each region"):
    /// groups there are, and the focus's attribute is not one of them.
    pub fn share_within_groups(&self) -> Option<&Filter> {
        match &self.shape {
            Shape::Share { focus: Some(f) }
                if !self.group_by.is_empty()
                    && !self.group_by.contains(&GroupKey::Dim(f.dim.clone())) =>
            {
                Some(f)
            }
            _ => None,
        }
    }

    /// Adds a grouping key once.
    pub fn add_group(&mut self, key: GroupKey) {
        if !self.group_by.contains(&key) {
            self.group_by.push(key);
        }
    }

    /// Adds a measure once.
    pub fn add_measure(&mut self, name: &str, average: bool) {
        let m = MeasureRef {
            name: name.to_string(),
            average,
            ..Default::default()
        };
        if !self.measures.contains(&m) {
            self.measures.push(m);
        }
    }

    /// Adds a value filter, merging values of the same dimension and sign.
    pub fn add_filter(&mut self, dim: &str, value: Option<&str>, negate: bool) {
        if let Some(f) = self
            .filters
            .iter_mut()
            .find(|f| f.dim == dim && f.negate == negate && f.null.is_none())
        {
            if let Some(v) = value {
                if !f.values.iter().any(|x| x == v) {
                    f.values.push(v.to_string());
                }
            }
            return;
        }
        self.filters.push(Filter {
            dim: dim.to_string(),
            values: value.map(|v| vec![v.to_string()]).unwrap_or_default(),
            negate,
            null: None,
            column: None,
            contains: None,
        });
    }

    /// Keeps rows where a dimension is missing (`is_null`) or known.
    pub fn add_null_filter(&mut self, dim: &str, is_null: bool) {
        self.filters.retain(|f| f.dim != dim || f.null.is_none());
        self.filters.push(Filter {
            dim: dim.to_string(),
            values: Vec::new(),
            negate: false,
            null: Some(is_null),
            column: None,
            contains: None,
        });
    }

    /// Keeps rows where a column of the facts (a key no table describes) is missing (`is_null`) or known.
    pub fn add_null_column_filter(&mut self, table: &str, column: &str, is_null: bool) {
        let dim = crate::catalog::semantic::column_noun(column);
        self.filters.retain(|f| f.dim != dim);
        self.filters.push(Filter {
            dim,
            values: Vec::new(),
            negate: false,
            null: Some(is_null),
            column: Some((table.to_string(), column.to_string())),
            contains: None,
        });
    }

    /// Amends a previous intent with what a follow-up question says: new periods replace old ones,
    /// new measures replace old ones ("what about orders?"), filters and groupings are added.
    pub fn amend(prev: &Intent, new: &Intent, replace_groups: bool) -> Intent {
        let mut out = prev.clone();
        if !new.periods.is_empty() {
            out.periods = new.periods.clone();
            if new.periods.len() < 2 && out.shape == Shape::Compare {
                out.shape = Shape::Aggregate;
            }
        }
        if !new.measures.is_empty() {
            out.measures = new.measures.clone();
        }
        if !new.having.is_empty() {
            out.having = new.having.clone();
        }
        if !new.weekdays.is_empty() {
            out.weekdays = new.weekdays.clone();
        }
        for f in &new.filters {
            out.filters.retain(|g| g.dim != f.dim);
            out.filters.push(f.clone());
        }
        if replace_groups && !new.group_by.is_empty() {
            out.group_by.clear();
        }
        for g in &new.group_by {
            out.add_group(g.clone());
        }
        if new.shape != Shape::Aggregate {
            out.shape = new.shape.clone();
        }
        out
    }
}
