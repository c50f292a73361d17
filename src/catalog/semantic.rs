//! The semantic model: what the lake's columns *mean* (measures, dimensions, time, joins, entity names).
//! The NL engine reads only this model, so it works on any schema a catalog file registers or that
//! [`SemanticModel::infer`] can read from column names and statistics.

use std::collections::HashSet;
use std::path::Path;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::schema::{ColumnInfo, LakeSnapshot, TableInfo};

/// Why a catalog could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("cannot read catalog file {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("invalid YAML catalog: {0}")]
    Yaml(#[from] serde_yaml::Error),
    #[error("invalid TOML catalog: {0}")]
    Toml(#[from] toml::de::Error),
    #[error("catalog is inconsistent: {0}")]
    Invalid(String),
}

/// How a measure's value is displayed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Currency,
    Percent,
    Count,
    #[default]
    Number,
}

/// How a measure's expression is aggregated. `Custom` means `expr` is already an aggregate expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Aggregation {
    #[default]
    Sum,
    Avg,
    Count,
    CountDistinct,
    Min,
    Max,
    Custom,
}

/// Time grains a question can group by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Grain {
    Day,
    Week,
    Month,
    Quarter,
    Year,
}

impl Grain {
    /// The output column name for this grain.
    pub fn label(self) -> &'static str {
        match self {
            Grain::Day => "day",
            Grain::Week => "week",
            Grain::Month => "month",
            Grain::Quarter => "quarter",
            Grain::Year => "year",
        }
    }
}

/// Kind of a dimension: a category with values, a boolean flag, or a free-text attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum DimensionKind {
    #[default]
    Category,
    Flag,
    Text,
}

/// A table of the lake and, for dimension tables, the entity it describes.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct TableDef {
    pub name: String,
    /// Primary key column, when the table is a dimension table.
    #[serde(default)]
    pub key: Option<String>,
    /// Singular noun for one row ("product"), used for "top 5 products", "how many stores".
    #[serde(default)]
    pub entity: Option<String>,
    /// Column shown when answering about the entity (product_name).
    #[serde(default)]
    pub display: Option<String>,
    /// Whether the display column tells rows apart (filled from statistics; `Some(false)` when names repeat,
    /// so answers group by the key as well).
    #[serde(default)]
    pub display_unique: Option<bool>,
    #[serde(default)]
    pub synonyms: Vec<String>,
    /// Whether this is a fact table (measures live here).
    #[serde(default)]
    pub fact: bool,
    #[serde(default)]
    pub row_count: Option<u64>,
}

/// An equi-join between two tables: `from` = `table.column` (usually the fact side), `to` likewise.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct JoinDef {
    pub from: String,
    pub to: String,
}

impl JoinDef {
    /// Splits `table.column` into its parts.
    pub fn split(side: &str) -> Option<(&str, &str)> {
        side.split_once('.')
    }
}

/// A named aggregate.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MeasureDef {
    pub name: String,
    pub table: String,
    /// A column expression (aggregated by `agg`) or, for `custom`, a whole aggregate expression.
    pub expr: String,
    #[serde(default)]
    pub agg: Aggregation,
    #[serde(default)]
    pub synonyms: Vec<String>,
    #[serde(default)]
    pub format: Format,
    /// Output column name; defaults to the name in snake case.
    #[serde(default)]
    pub alias: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// Added by the engine (a count of an entity through the facts), not named in the catalog: used to
    /// answer "how many products were sold", never linked from words.
    #[serde(default)]
    pub implicit: bool,
}

impl MeasureDef {
    /// The output column name.
    pub fn column_alias(&self) -> String {
        self.alias.clone().unwrap_or_else(|| snake(&self.name))
    }

    /// Whether values of this measure can be added across groups (sums and plain counts).
    pub fn additive(&self) -> bool {
        matches!(self.agg, Aggregation::Sum | Aggregation::Count)
    }
}

/// A column to group or filter by.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DimensionDef {
    pub name: String,
    pub table: String,
    pub column: String,
    #[serde(default)]
    pub kind: DimensionKind,
    #[serde(default)]
    pub synonyms: Vec<String>,
    /// Known values (filled from the lake's statistics by `enrich`).
    #[serde(default)]
    pub values: Vec<String>,
    #[serde(default)]
    pub alias: Option<String>,
    /// An expression over the table's columns that stands in for `column`: a flag such as "discounted"
    /// (`discount > 0`) or "promoted" (`promotion_key IS NOT NULL`).
    #[serde(default)]
    pub expr: Option<String>,
}

impl DimensionDef {
    /// The output column name (the column itself, so answers read like the schema).
    pub fn column_alias(&self) -> String {
        self.alias.clone().unwrap_or_else(|| snake(&self.column))
    }
}

/// A date column (and optional year/month partition columns that carry the same information).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TimeDimensionDef {
    pub name: String,
    pub table: String,
    #[serde(default)]
    pub column: Option<String>,
    #[serde(default)]
    pub year_column: Option<String>,
    #[serde(default)]
    pub month_column: Option<String>,
    /// A calendar's own quarter number (a date table's `d_qoy`): grouping and quarter filters use it.
    #[serde(default)]
    pub quarter_column: Option<String>,
    #[serde(default = "all_grains")]
    pub grains: Vec<Grain>,
    #[serde(default)]
    pub synonyms: Vec<String>,
    #[serde(default, with = "opt_date_serde")]
    pub min: Option<NaiveDate>,
    #[serde(default, with = "opt_date_serde")]
    pub max: Option<NaiveDate>,
}

fn all_grains() -> Vec<Grain> {
    vec![
        Grain::Day,
        Grain::Week,
        Grain::Month,
        Grain::Quarter,
        Grain::Year,
    ]
}

/// The whole semantic model of one dataset.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct SemanticModel {
    #[serde(default)]
    pub name: String,
    pub tables: Vec<TableDef>,
    #[serde(default)]
    pub joins: Vec<JoinDef>,
    #[serde(default)]
    pub measures: Vec<MeasureDef>,
    #[serde(default)]
    pub dimensions: Vec<DimensionDef>,
    #[serde(default)]
    pub time_dimensions: Vec<TimeDimensionDef>,
    #[serde(default)]
    pub default_metric: Option<String>,
    /// Verified example questions (suggested when a question cannot be read).
    #[serde(default)]
    pub examples: Vec<String>,
    /// Dates that describe an entity rather than a sale ("signup_date" of customers, the year a store
    /// "Opened"): filled from the lake by `enrich`, for counting members by when they joined.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub entity_dates: Vec<EntityDate>,
}

/// A date column of an entity table (not a fact's time), or a column holding a year number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntityDate {
    pub table: String,
    pub column: String,
    /// The column holds a year (2015) rather than a date.
    #[serde(default)]
    pub year: bool,
}

impl SemanticModel {
    /// Parses a YAML catalog file.
    pub fn from_yaml_str(text: &str) -> Result<Self, CatalogError> {
        let model: SemanticModel = serde_yaml::from_str(text)?;
        model.validate()?;
        Ok(model)
    }

    /// Parses a TOML catalog file.
    pub fn from_toml_str(text: &str) -> Result<Self, CatalogError> {
        let model: SemanticModel = toml::from_str(text)?;
        model.validate()?;
        Ok(model)
    }

    /// Loads the first catalog file in `dir` whose tables all exist in the lake; infers a model otherwise.
    pub fn load_dir(dir: &Path, lake: &LakeSnapshot) -> Result<Self, CatalogError> {
        let mut files: Vec<_> = match std::fs::read_dir(dir) {
            Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
            Err(_) => Vec::new(),
        };
        files.sort();
        for path in files {
            let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
            let parse: fn(&str) -> Result<Self, CatalogError> = match ext {
                "yaml" | "yml" => Self::from_yaml_str,
                "toml" => Self::from_toml_str,
                _ => continue,
            };
            let text = std::fs::read_to_string(&path).map_err(|source| CatalogError::Io {
                path: path.display().to_string(),
                source,
            })?;
            let mut model = parse(&text)?;
            if model.fits(lake) {
                model.enrich(lake);
                return Ok(model);
            }
        }
        Ok(Self::infer(lake))
    }

    /// Whether every table and column the model names exists in the lake (a catalog written for
    /// another dataset with a same-named table must not be applied).
    pub fn fits(&self, lake: &LakeSnapshot) -> bool {
        let has = |table: &str, column: &str| {
            lake.table(table)
                .is_some_and(|t| find_col(t, column).is_some())
        };
        let tables = self.tables.iter().all(|t| lake.table(&t.name).is_some());
        let dims = self.dimensions.iter().all(|d| has(&d.table, &d.column));
        let times = self.time_dimensions.iter().all(|t| {
            [
                &t.column,
                &t.year_column,
                &t.month_column,
                &t.quarter_column,
            ]
            .iter()
            .all(|c| c.as_deref().is_none_or(|c| has(&t.table, c)))
        });
        let joins = self.joins.iter().all(|j| {
            [&j.from, &j.to]
                .iter()
                .all(|side| JoinDef::split(side).is_some_and(|(t, c)| has(t, c)))
        });
        let measures = self.measures.iter().all(|m| {
            expression_columns(&m.expr)
                .map(|cols| cols.iter().all(|c| has(&m.table, c)))
                .unwrap_or(false)
        });
        tables && dims && times && joins && measures
    }

    /// Checks references between the model's parts.
    pub fn validate(&self) -> Result<(), CatalogError> {
        let tables: HashSet<String> = self.tables.iter().map(|t| t.name.to_lowercase()).collect();
        let check = |t: &str, what: &str| {
            if tables.contains(&t.to_lowercase()) {
                Ok(())
            } else {
                Err(CatalogError::Invalid(format!(
                    "{what} refers to unknown table {t}"
                )))
            }
        };
        for m in &self.measures {
            check(&m.table, &format!("measure {}", m.name))?;
        }
        for d in &self.dimensions {
            check(&d.table, &format!("dimension {}", d.name))?;
        }
        for t in &self.time_dimensions {
            check(&t.table, &format!("time dimension {}", t.name))?;
        }
        for j in &self.joins {
            for side in [&j.from, &j.to] {
                let (t, _) = JoinDef::split(side).ok_or_else(|| {
                    CatalogError::Invalid(format!("join side {side} is not table.column"))
                })?;
                check(t, "join")?;
            }
        }
        Ok(())
    }

    /// Finds a table definition by name.
    pub fn table(&self, name: &str) -> Option<&TableDef> {
        self.tables
            .iter()
            .find(|t| t.name.eq_ignore_ascii_case(name))
    }

    /// Finds a measure by name.
    pub fn measure(&self, name: &str) -> Option<&MeasureDef> {
        self.measures
            .iter()
            .find(|m| m.name.eq_ignore_ascii_case(name))
    }

    /// Finds a dimension by name.
    pub fn dimension(&self, name: &str) -> Option<&DimensionDef> {
        self.dimensions
            .iter()
            .find(|d| d.name.eq_ignore_ascii_case(name))
    }

    /// Whether the catalog's joins connect two tables (a table is connected to itself).
    pub fn joined(&self, a: &str, b: &str) -> bool {
        let mut seen = vec![a.to_lowercase()];
        let mut i = 0;
        while i < seen.len() {
            if seen[i] == b.to_lowercase() {
                return true;
            }
            for j in &self.joins {
                let (Some((x, _)), Some((y, _))) = (JoinDef::split(&j.from), JoinDef::split(&j.to))
                else {
                    continue;
                };
                let (x, y) = (x.to_lowercase(), y.to_lowercase());
                for (p, q) in [(&x, &y), (&y, &x)] {
                    if *p == seen[i] && !seen.contains(q) {
                        seen.push(q.clone());
                    }
                }
            }
            i += 1;
        }
        false
    }

    /// The time dimension of a table, if any.
    pub fn time_for(&self, table: &str) -> Option<&TimeDimensionDef> {
        self.time_dimensions
            .iter()
            .find(|t| t.table.eq_ignore_ascii_case(table))
    }

    /// The entity noun of a grouping by an entity whose display names repeat ("customer"), if so.
    pub fn table_of_repeating_names(&self, g: &crate::agent::nl::GroupKey) -> Option<String> {
        match g {
            crate::agent::nl::GroupKey::Entity(t) => self
                .table(t)
                .filter(|t| t.display_unique == Some(false))
                .and_then(|t| t.entity.clone()),
            _ => None,
        }
    }

    /// The measure answered when a question names none.
    pub fn default_measure(&self) -> Option<&MeasureDef> {
        self.default_metric
            .as_deref()
            .and_then(|n| self.measure(n))
            .or_else(|| self.measures.first())
    }

    /// The latest date of any time dimension (the anchor of relative dates).
    pub fn latest_date(&self) -> Option<NaiveDate> {
        self.time_dimensions.iter().filter_map(|t| t.max).max()
    }

    /// Adds known values, date ranges and row counts from the lake's statistics.
    pub fn enrich(&mut self, lake: &LakeSnapshot) {
        self.enrich_stats(lake);
        self.fact_date_ranges(lake);
        self.add_entity_counts();
        self.add_entity_dates(lake);
    }

    /// Records the dates of entity tables that are not their time dimension: date columns, and integer
    /// columns of years whose name says so ("Opened", "Year Founded", "since").
    fn add_entity_dates(&mut self, lake: &LakeSnapshot) {
        let mut found = Vec::new();
        for t in self.tables.iter().filter(|t| !t.fact && t.entity.is_some()) {
            let Some(info) = lake.table(&t.name) else {
                continue;
            };
            for c in &info.columns {
                let timed = self.time_dimensions.iter().any(|td| {
                    td.table.eq_ignore_ascii_case(&t.name)
                        && [&td.column, &td.year_column, &td.month_column]
                            .iter()
                            .any(|x| x.as_deref() == Some(c.name.as_str()))
                });
                if timed || t.key.as_deref() == Some(c.name.as_str()) {
                    continue;
                }
                let year_like = || {
                    let int = |v: &Option<String>| {
                        v.as_deref().and_then(|x| x.trim().parse::<i64>().ok())
                    };
                    let named = words(&c.name)
                        .iter()
                        .any(|w| w == "year" || w == "since" || w.ends_with("ed"));
                    is_numeric(&c.data_type)
                        && !c.data_type.to_uppercase().contains("DECIMAL")
                        && named
                        && matches!((int(&c.min), int(&c.max)), (Some(a), Some(b))
                            if (1900..=2100).contains(&a) && (1900..=2100).contains(&b))
                };
                if is_date(&c.data_type) || year_like() {
                    found.push(EntityDate {
                        table: t.name.clone(),
                        column: c.name.clone(),
                        year: !is_date(&c.data_type),
                    });
                }
            }
        }
        for d in found {
            if !self.entity_dates.contains(&d) {
                self.entity_dates.push(d);
            }
        }
    }

    fn enrich_stats(&mut self, lake: &LakeSnapshot) {
        for t in &mut self.tables {
            if let Some(info) = lake.table(&t.name) {
                t.row_count = info.row_count.or(t.row_count);
                let distinct = t
                    .display
                    .as_deref()
                    .and_then(|d| find_col(info, d))
                    .and_then(|c| c.distinct_count);
                if let (Some(d), Some(rows)) = (distinct, t.row_count) {
                    // Approximate counts are within a few percent.
                    t.display_unique = Some(d * 100 >= rows * 97);
                }
            }
        }
        for d in &mut self.dimensions {
            if let Some(col) = lake.table(&d.table).and_then(|t| find_col(t, &d.column)) {
                if d.values.is_empty() && d.kind == DimensionKind::Category {
                    d.values = col.sample_values.clone();
                }
                if is_bool(&col.data_type) {
                    d.kind = DimensionKind::Flag;
                }
            }
        }
        for td in &mut self.time_dimensions {
            let Some(info) = lake.table(&td.table) else {
                continue;
            };
            // Partition columns read as text (e.g. zero-padded `month=03`) cannot be compared with numbers.
            let numeric = |c: &Option<String>| {
                c.as_deref()
                    .and_then(|c| find_col(info, c))
                    .is_some_and(|c| is_numeric(&c.data_type))
            };
            if td.column.is_some() {
                if !numeric(&td.year_column) {
                    td.year_column = None;
                }
                if !numeric(&td.month_column) {
                    td.month_column = None;
                }
                if !numeric(&td.quarter_column) {
                    td.quarter_column = None;
                }
            }
            if let Some(col) = td.column.as_deref().and_then(|c| find_col(info, c)) {
                td.min = col.min.as_deref().and_then(parse_date).or(td.min);
                td.max = col.max.as_deref().and_then(parse_date).or(td.max);
            } else if let Some(yc) = td.year_column.as_deref().and_then(|c| find_col(info, c)) {
                let year =
                    |v: &Option<String>| v.as_deref().and_then(|s| s.trim().parse::<i32>().ok());
                let max_month = td
                    .month_column
                    .as_deref()
                    .and_then(|c| find_col(info, c))
                    .and_then(|c| c.max.as_deref().and_then(|s| s.trim().parse::<u32>().ok()))
                    .unwrap_or(12);
                td.min = year(&yc.min)
                    .and_then(|y| NaiveDate::from_ymd_opt(y, 1, 1))
                    .or(td.min);
                td.max = year(&yc.max)
                    .and_then(|y| last_day_of_month(y, max_month))
                    .or(td.max);
            }
        }
    }

    /// Builds a model from the schema alone (the rules are in [`super::infer`]).
    pub fn infer(lake: &LakeSnapshot) -> Self {
        super::infer::infer(lake)
    }

    /// Adds, for each entity a fact table joins to, a count of its distinct members through the facts
    /// ("products" = COUNT(DISTINCT sales.product_id)) unless the model already counts it.
    fn add_entity_counts(&mut self) {
        let mut added = Vec::new();
        for j in &self.joins {
            let (Some((ft, fc)), Some((tt, _))) = (JoinDef::split(&j.from), JoinDef::split(&j.to))
            else {
                continue;
            };
            let fact = self.table(ft).is_some_and(|t| t.fact);
            let Some(entity) = self.table(tt).and_then(|t| t.entity.clone()) else {
                continue;
            };
            let plural = pluralize(&entity);
            let counted = self.measures.iter().chain(&added).any(|m: &MeasureDef| {
                m.name.eq_ignore_ascii_case(&plural)
                    || m.table.eq_ignore_ascii_case(ft)
                        && m.expr.to_lowercase().replace(' ', "")
                            == format!("count(distinct{})", fc.to_lowercase())
            });
            if !fact || counted {
                continue;
            }
            added.push(distinct_count(&plural, ft, fc, true));
        }
        self.measures.extend(added);
    }

    /// For a date table joined by a surrogate key (a star schema), the range of dates the facts actually
    /// use: the calendar usually spans decades beyond the data. Read from the key statistics when keys are
    /// consecutive day numbers or `YYYYMMDD` numbers.
    fn fact_date_ranges(&mut self, lake: &LakeSnapshot) {
        let stat = |table: &str, column: &str| -> Option<(i64, i64)> {
            let c = lake.table(table).and_then(|t| find_col(t, column))?;
            let lo = c.min.as_deref()?.trim().parse::<i64>().ok()?;
            let hi = c.max.as_deref()?.trim().parse::<i64>().ok()?;
            Some((lo, hi))
        };
        for i in 0..self.time_dimensions.len() {
            let td = &self.time_dimensions[i];
            if self.table(&td.table).is_none_or(|t| t.fact) {
                continue;
            }
            let (Some(dmin), Some(dmax)) = (td.min, td.max) else {
                continue;
            };
            let mut ranges = Vec::new();
            for j in &self.joins {
                let (Some((ft, fc)), Some((tt, tc))) =
                    (JoinDef::split(&j.from), JoinDef::split(&j.to))
                else {
                    continue;
                };
                if !tt.eq_ignore_ascii_case(&td.table) {
                    continue;
                }
                let (Some((klo, khi)), Some((flo, fhi))) = (stat(tt, tc), stat(ft, fc)) else {
                    continue;
                };
                let to_date = |k: i64| -> Option<NaiveDate> {
                    if khi - klo == (dmax - dmin).num_days() {
                        dmin.checked_add_signed(chrono::Duration::days(k - klo))
                    } else {
                        NaiveDate::parse_from_str(&k.to_string(), "%Y%m%d").ok()
                    }
                };
                if let (Some(a), Some(b)) = (to_date(flo), to_date(fhi)) {
                    if a >= dmin && b <= dmax && a <= b {
                        ranges.push((a, b));
                    }
                }
            }
            if let (Some(lo), Some(hi)) = (
                ranges.iter().map(|r| r.0).min(),
                ranges.iter().map(|r| r.1).max(),
            ) {
                let td = &mut self.time_dimensions[i];
                td.min = Some(lo);
                td.max = Some(hi);
            }
        }
    }
}

/// Serde for dates as `YYYY-MM-DD` text (chrono's serde feature is not enabled).
pub mod date_serde {
    use chrono::NaiveDate;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&d.format("%Y-%m-%d").to_string())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
        let text = String::deserialize(d)?;
        NaiveDate::parse_from_str(&text, "%Y-%m-%d").map_err(serde::de::Error::custom)
    }
}

/// Serde for optional dates as `YYYY-MM-DD` text.
pub mod opt_date_serde {
    use chrono::NaiveDate;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.serialize_some(&d.format("%Y-%m-%d").to_string()),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
        let text = Option::<String>::deserialize(d)?;
        text.map(|t| NaiveDate::parse_from_str(&t, "%Y-%m-%d").map_err(serde::de::Error::custom))
            .transpose()
    }
}

/// Bare column names an expression reads (None when it does not parse).
fn expression_columns(expr: &str) -> Option<Vec<String>> {
    use sqlparser::ast::{visit_expressions, Expr};
    let dialect = sqlparser::dialect::DuckDbDialect {};
    let mut parser = sqlparser::parser::Parser::new(&dialect)
        .try_with_sql(expr)
        .ok()?;
    let parsed = parser.parse_expr().ok()?;
    let mut cols = Vec::new();
    let _ = visit_expressions(&parsed, |e| {
        if let Expr::Identifier(id) = e {
            cols.push(id.value.clone());
        }
        std::ops::ControlFlow::<()>::Continue(())
    });
    Some(cols)
}

fn find_col<'a>(t: &'a TableInfo, name: &str) -> Option<&'a ColumnInfo> {
    t.columns.iter().find(|c| c.name.eq_ignore_ascii_case(name))
}

fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    NaiveDate::parse_from_str(s.get(..10).unwrap_or(s), "%Y-%m-%d").ok()
}

fn last_day_of_month(y: i32, m: u32) -> Option<NaiveDate> {
    let (ny, nm) = if m >= 12 { (y + 1, 1) } else { (y, m + 1) };
    NaiveDate::from_ymd_opt(ny, nm, 1).and_then(|d| d.pred_opt())
}

/// Whether a DuckDB type name is numeric.
pub fn is_numeric(t: &str) -> bool {
    let t = t.to_uppercase();
    [
        "INT", "DECIMAL", "NUMERIC", "DOUBLE", "FLOAT", "REAL", "HUGEINT", "BIGINT", "SMALLINT",
        "TINYINT", "UBIGINT",
    ]
    .iter()
    .any(|p| t.contains(p))
}

/// Whether a DuckDB type name is textual.
pub fn is_text(t: &str) -> bool {
    let t = t.to_uppercase();
    t.contains("VARCHAR")
        || t.contains("TEXT")
        || t.contains("STRING")
        || t == "CHAR"
        || t.starts_with("ENUM")
}

/// Whether a DuckDB type name is a date or timestamp.
pub fn is_date(t: &str) -> bool {
    let t = t.to_uppercase();
    t.starts_with("DATE") || t.starts_with("TIMESTAMP")
}

fn is_bool(t: &str) -> bool {
    t.to_uppercase().starts_with("BOOL")
}

/// Splits an identifier into lowercase words: `Order Date`, `ship-city`, `netPaid`, `ss_net_paid`.
pub fn words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for ch in name.chars() {
        if ch.is_alphanumeric() {
            if ch.is_uppercase() && prev_lower && !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = ch.is_lowercase() || ch.is_ascii_digit();
            cur.extend(ch.to_lowercase());
        } else {
            prev_lower = false;
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// What an id column names: `order_id` → "order", `ss_ticket_number` → "ss ticket".
pub fn column_noun(column: &str) -> String {
    let w: Vec<String> = words(column)
        .into_iter()
        .filter(|x| !matches!(x.as_str(), "id" | "sk" | "key" | "number" | "no"))
        .collect();
    if w.is_empty() {
        column.to_string()
    } else {
        w.join(" ")
    }
}

/// A measure counting the distinct values of a column (`customers` = COUNT(DISTINCT customer_id)).
pub(crate) fn distinct_count(name: &str, table: &str, column: &str, implicit: bool) -> MeasureDef {
    MeasureDef {
        name: name.to_string(),
        table: table.to_string(),
        expr: format!("COUNT(DISTINCT {})", quote_ident(column)),
        agg: Aggregation::Custom,
        synonyms: Vec::new(),
        format: Format::Count,
        alias: None,
        description: None,
        implicit,
    }
}

/// Snake-case output alias for a name.
pub fn snake(name: &str) -> String {
    let w = words(name);
    if w.is_empty() {
        "value".into()
    } else {
        w.join("_")
    }
}

/// Quotes an identifier for SQL when it is not a plain lowercase name.
pub fn quote_ident(name: &str) -> String {
    let plain = name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && name.chars().next().is_some_and(|c| !c.is_ascii_digit());
    if plain {
        name.to_string()
    } else {
        format!("\"{}\"", name.replace('"', "\"\""))
    }
}

/// A naive English singular.
pub fn singularize(s: &str) -> String {
    let (head, last) = match s.rsplit_once(' ') {
        Some((h, l)) => (format!("{h} "), l.to_string()),
        None => (String::new(), s.to_string()),
    };
    let single = if matches!(last.as_str(), "skus" | "menus" | "gurus" | "emus") {
        // Plurals of short codes and words ending in "u" are not "-us" singulars like "status".
        last[..last.len() - 1].to_string()
    } else if let Some(stem) = last.strip_suffix("ies") {
        format!("{stem}y")
    } else if last.ends_with("sses")
        || last.ends_with("shes")
        || last.ends_with("ches")
        || last.ends_with("xes")
    {
        last[..last.len() - 2].to_string()
    } else if last.ends_with('s')
        && !last.ends_with("ss")
        && !last.ends_with("us")
        && last.len() > 3
    {
        last[..last.len() - 1].to_string()
    } else {
        last
    };
    format!("{head}{single}")
}

/// A naive English plural.
pub fn pluralize(s: &str) -> String {
    if s.ends_with('y') && !s.ends_with("ay") && !s.ends_with("ey") && !s.ends_with("oy") {
        format!("{}ies", &s[..s.len() - 1])
    } else if s.ends_with('s') || s.ends_with("sh") || s.ends_with("ch") || s.ends_with('x') {
        format!("{s}es")
    } else {
        format!("{s}s")
    }
}

/// Retail synonyms of a dimension named exactly like a common attribute ("region": "area", "territory").
pub(crate) fn dimension_synonyms(name: &str) -> Vec<String> {
    let out: &[&str] = match name {
        "category" | "product category" => &["product category", "item category", "department"],
        "subcategory" | "sub category" => &["subcategory", "sub category", "product subcategory"],
        "region" | "sales region" => &["region", "area", "territory", "zone", "sales region"],
        "city" => &["town"],
        "state" => &["province"],
        "channel" | "sales channel" => &["channel", "sales channel"],
        "segment" | "customer segment" => &["customer segment", "segment"],
        "brand" | "brand name" => &["brand"],
        "country" => &["nation"],
        "ship mode" | "shipping mode" => &[
            "shipping method",
            "ship method",
            "delivery method",
            "shipping mode",
        ],
        "payment method" | "payment type" => &["payment method", "payment type", "payment"],
        _ => &[],
    };
    out.iter()
        .filter(|s| **s != name)
        .map(|s| s.to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn col(name: &str, ty: &str, samples: &[&str]) -> ColumnInfo {
        ColumnInfo {
            name: name.into(),
            data_type: ty.into(),
            sample_values: samples.iter().map(|s| s.to_string()).collect(),
            distinct_count: if samples.is_empty() {
                None
            } else {
                Some(samples.len() as u64)
            },
            ..Default::default()
        }
    }

    #[test]
    fn singulars_of_plurals_and_of_words_ending_in_s() {
        assert_eq!(singularize("skus"), "sku");
        assert_eq!(singularize("order categories"), "order category");
        assert_eq!(singularize("status"), "status");
        assert_eq!(singularize("stores"), "store");
    }

    #[test]
    fn splits_column_names() {
        assert_eq!(words("Order Date"), vec!["order", "date"]);
        assert_eq!(words("ship-city"), vec!["ship", "city"]);
        assert_eq!(words("ss_net_paid"), vec!["ss", "net", "paid"]);
        assert_eq!(words("netPaid"), vec!["net", "paid"]);
    }

    #[test]
    fn infers_a_star_schema_with_prefixes() {
        let lake = LakeSnapshot {
            tables: vec![
                TableInfo {
                    name: "store_sales".into(),
                    columns: vec![
                        col("ss_sold_date_sk", "BIGINT", &[]),
                        col("ss_item_sk", "BIGINT", &[]),
                        col("ss_ticket_number", "BIGINT", &[]),
                        col("ss_quantity", "INTEGER", &[]),
                        col("ss_net_paid", "DECIMAL(7,2)", &[]),
                    ],
                    row_count: Some(1000),
                },
                TableInfo {
                    name: "item".into(),
                    columns: vec![
                        col("i_item_sk", "BIGINT", &[]),
                        col("i_item_name", "VARCHAR", &[]),
                        col("i_category", "VARCHAR", &["Music", "Books"]),
                    ],
                    row_count: Some(10),
                },
            ],
        };
        let m = SemanticModel::infer(&lake);
        assert!(
            m.joins
                .iter()
                .any(|j| j.from == "store_sales.ss_item_sk" && j.to == "item.i_item_sk"),
            "{:?}",
            m.joins
        );
        assert!(m.measure("net paid").is_some(), "{:?}", m.measures);
        assert!(m.measure("quantity").is_some());
        assert!(m.dimension("category").is_some_and(|d| d.values.len() == 2));
        assert_eq!(
            m.table("item").and_then(|t| t.display.clone()).as_deref(),
            Some("i_item_name")
        );
        assert_eq!(m.default_metric.as_deref(), Some("net paid"));
    }

    #[test]
    fn applies_a_catalog_only_to_a_lake_with_its_columns() {
        let text = "tables: [{name: sales, fact: true}]\nmeasures: [{name: revenue, table: sales, expr: revenue}]\n";
        let model = SemanticModel::from_yaml_str(text).unwrap();
        let lake = |col_name: &str| LakeSnapshot {
            tables: vec![TableInfo {
                name: "sales".into(),
                columns: vec![col(col_name, "DOUBLE", &[])],
                row_count: None,
            }],
        };
        assert!(model.fits(&lake("revenue")));
        assert!(!model.fits(&lake("Net Sales")));
    }

    #[test]
    fn parses_yaml_and_rejects_unknown_tables() {
        let ok = "tables: [{name: t, fact: true}]\nmeasures: [{name: x, table: t, expr: a}]\n";
        assert!(SemanticModel::from_yaml_str(ok).is_ok());
        let bad = "tables: [{name: t}]\nmeasures: [{name: x, table: u, expr: a}]\n";
        assert!(SemanticModel::from_yaml_str(bad).is_err());
        let toml =
            "[[tables]]\nname = \"t\"\n[[measures]]\nname = \"x\"\ntable = \"t\"\nexpr = \"a\"\n";
        assert!(SemanticModel::from_toml_str(toml).is_ok());
    }
}
