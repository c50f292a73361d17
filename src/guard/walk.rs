//! Walks one statement's JSON AST (from `json_serialize_sql`) and checks every node that can reach data:
//! base tables (allowed lake tables, CTEs in scope, catalog views), table functions, SHOW/DESCRIBE references
//! and every function call, wherever it sits (select list, joins, subqueries, CTEs, PIVOT, LIMIT, samples).

use std::collections::{BTreeSet, HashSet};

use super::functions::{check_function, check_table_function};
use super::json::Json;
use super::tables::check_table;
use super::GuardError;

/// What the walk learned about an accepted statement.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facts {
    /// The statement is DESCRIBE / SHOW / SUMMARIZE (a SHOW_REF at the top).
    pub describe: bool,
    /// It is SUMMARIZE, which reads every row (unlike DESCRIBE, which reads only the schema).
    pub summarize: bool,
    /// The top-level `LIMIT` when it is a plain non-negative integer constant.
    pub top_limit: Option<u64>,
    /// Lake tables read (lower-case), CTE references excluded.
    pub tables: BTreeSet<String>,
}

/// Table-reference types the parser never produces for user SQL; seeing one means something unexpected.
const UNEXPECTED_REFS: &[&str] = &["COLUMN_DATA", "DELIM_GET", "BOUND_TABLE_REF", "INVALID"];

/// Checks one serialized statement (`{"node": ..., "named_param_map": ...}`).
pub fn check_statement(
    stmt: &Json,
    allowed: &HashSet<String>,
    known_functions: &HashSet<String>,
) -> Result<Facts, GuardError> {
    let node = stmt
        .get("node")
        .ok_or_else(|| GuardError::Internal("statement without node".into()))?;
    let mut w = Walker {
        allowed,
        known_functions,
        ctes: Vec::new(),
        facts: Facts::default(),
    };
    if let Some(show) = node
        .get("from_table")
        .filter(|f| f.str_of("type") == Some("SHOW_REF"))
    {
        w.facts.describe = node.str_of("type") == Some("SELECT_NODE");
        w.facts.summarize = show.str_of("show_type") == Some("SUMMARY");
    }
    w.facts.top_limit = top_limit(node);
    w.walk(stmt)?;
    Ok(w.facts)
}

fn top_limit(node: &Json) -> Option<u64> {
    let modifiers = node.get("modifiers")?.as_array()?;
    let limit = modifiers
        .iter()
        .find(|m| m.str_of("type") == Some("LIMIT_MODIFIER"))?
        .get("limit")?;
    if limit.str_of("class") != Some("CONSTANT") {
        return None;
    }
    match limit.get("value")?.get("value")? {
        Json::Num(n) => n.parse().ok(),
        _ => None,
    }
}

struct Walker<'a> {
    allowed: &'a HashSet<String>,
    known_functions: &'a HashSet<String>,
    /// CTE names visible at the current point, innermost last.
    ctes: Vec<String>,
    facts: Facts,
}

impl Walker<'_> {
    fn walk(&mut self, v: &Json) -> Result<(), GuardError> {
        match v {
            Json::Arr(items) => items.iter().try_for_each(|i| self.walk(i)),
            Json::Obj(fields) => self.walk_object(v, fields),
            _ => Ok(()),
        }
    }

    fn walk_fields(&mut self, fields: &[(String, Json)], skip: &str) -> Result<(), GuardError> {
        fields
            .iter()
            .filter(|(k, _)| k != skip)
            .try_for_each(|(_, v)| self.walk(v))
    }

    fn walk_object(&mut self, v: &Json, fields: &[(String, Json)]) -> Result<(), GuardError> {
        self.check_node(v)?;
        // A recursive CTE (or materialized CTE node) sees its own name.
        let own = v.str_of("cte_name").map(str::to_lowercase);
        let base = self.ctes.len();
        self.ctes.extend(own);
        let result = self.walk_scoped(v, fields);
        self.ctes.truncate(base);
        result
    }

    /// Walks the children of a node, giving a query node's WITH clause its scope: CTE i sees the CTEs before it,
    /// the node's body sees all of them.
    fn walk_scoped(&mut self, v: &Json, fields: &[(String, Json)]) -> Result<(), GuardError> {
        let Some(entries) = v
            .get("cte_map")
            .and_then(|m| m.get("map"))
            .and_then(Json::as_array)
        else {
            return self.walk_fields(fields, "");
        };
        let names: Vec<String> = entries
            .iter()
            .map(|e| e.str_of("key").unwrap_or_default().to_lowercase())
            .collect();
        let base = self.ctes.len();
        for (i, entry) in entries.iter().enumerate() {
            self.ctes.truncate(base);
            self.ctes.extend(names[..i].iter().cloned());
            let result = entry.get("value").map_or(Ok(()), |body| self.walk(body));
            self.ctes.truncate(base);
            result?;
        }
        self.ctes.extend(names);
        let result = self.walk_fields(fields, "cte_map");
        self.ctes.truncate(base);
        result
    }

    /// Checks the node itself (not its children).
    fn check_node(&mut self, v: &Json) -> Result<(), GuardError> {
        match v.str_of("type") {
            Some("BASE_TABLE") => {
                let table = v.str_of("table_name").unwrap_or_default();
                let schema = v.str_of("schema_name").unwrap_or_default();
                check_table(
                    v.str_of("catalog_name").unwrap_or_default(),
                    schema,
                    table,
                    self.allowed,
                    &self.ctes,
                )?;
                let lower = table.to_lowercase();
                if self.allowed.contains(&lower)
                    && !(schema.is_empty() && self.ctes.contains(&lower))
                {
                    self.facts.tables.insert(lower);
                }
            }
            Some("TABLE_FUNCTION") => {
                let f = v.get("function");
                let name = f
                    .and_then(|f| f.str_of("function_name"))
                    .unwrap_or_default();
                let schema = f.and_then(|f| f.str_of("schema")).unwrap_or_default();
                let catalog = f.and_then(|f| f.str_of("catalog")).unwrap_or_default();
                check_table_function(name, schema, catalog, self.known_functions)?;
            }
            Some("SHOW_REF") => {
                // DESCRIBE/SHOW/SUMMARIZE <table or query> carry the query, which the walk checks. Without one it
                // is SHOW TABLES / SHOW DATABASES / SHOW ALL TABLES: only the first lists nothing but lake views.
                let query = v.get("query").filter(|q| !matches!(q, Json::Null));
                if query.is_none() && v.str_of("table_name") != Some("\"tables\"") {
                    return Err(GuardError::Unsupported(format!(
                        "SHOW {} is not allowed: only SHOW TABLES and DESCRIBE/SHOW of lake tables are",
                        v.str_of("table_name").unwrap_or_default().trim_matches('"')
                    )));
                }
            }
            Some(t) if UNEXPECTED_REFS.contains(&t) => {
                return Err(GuardError::Forbidden(format!(
                    "table reference of type {t} is not allowed"
                )));
            }
            _ => {}
        }
        if let Some(name) = v.str_of("function_name") {
            check_function(
                name,
                v.str_of("schema").unwrap_or_default(),
                v.str_of("catalog").unwrap_or_default(),
                self.known_functions,
            )?;
        }
        Ok(())
    }
}

/// A copy of `v` without `query_location` keys, for comparing ASTs of different texts.
pub fn without_locations(v: &Json) -> Json {
    match v {
        Json::Arr(items) => Json::Arr(items.iter().map(without_locations).collect()),
        Json::Obj(fields) => Json::Obj(
            fields
                .iter()
                .filter(|(k, _)| k != "query_location")
                .map(|(k, v)| (k.clone(), without_locations(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Checks that every reference to a filtered table (`required`: table → its WHERE clause without locations) is
/// the `FROM` of a `SELECT * ... WHERE <that clause>` node, i.e. that the row-level rewrite missed none.
pub fn check_filtered(stmt: &Json, required: &[(String, Json)]) -> Result<(), GuardError> {
    if required.is_empty() {
        return Ok(());
    }
    let mut guarded: Vec<*const Json> = Vec::new();
    filtered_walk(stmt, required, &mut guarded)
}

fn filtered_walk(
    v: &Json,
    required: &[(String, Json)],
    guarded: &mut Vec<*const Json>,
) -> Result<(), GuardError> {
    let fields = match v {
        Json::Arr(items) => {
            return items
                .iter()
                .try_for_each(|i| filtered_walk(i, required, guarded))
        }
        Json::Obj(fields) => fields,
        _ => return Ok(()),
    };
    match v.str_of("type") {
        Some("SELECT_NODE") => {
            if let Some(from) = v
                .get("from_table")
                .filter(|f| f.str_of("type") == Some("BASE_TABLE"))
            {
                let table = from.str_of("table_name").unwrap_or_default().to_lowercase();
                let star_only = v
                    .get("select_list")
                    .and_then(Json::as_array)
                    .is_some_and(|l| {
                        l.len() == 1
                            && l[0].str_of("class") == Some("STAR")
                            && matches!(l[0].get("expr"), Some(Json::Null))
                    });
                let clause = v.get("where_clause").map(without_locations);
                let matches = required
                    .iter()
                    .any(|(t, want)| *t == table && clause.as_ref() == Some(want));
                if star_only && matches {
                    guarded.push(from as *const Json);
                }
            }
        }
        Some("BASE_TABLE") => {
            let table = v.str_of("table_name").unwrap_or_default().to_lowercase();
            let schema = v.str_of("schema_name").unwrap_or_default().to_lowercase();
            let lake_schema = matches!(schema.as_str(), "" | "main" | "public");
            if lake_schema
                && required.iter().any(|(t, _)| *t == table)
                && !guarded.contains(&(v as *const Json))
            {
                return Err(GuardError::Forbidden(format!(
                    "the row-level policy of {table} could not be applied to this statement"
                )));
            }
        }
        _ => {}
    }
    fields
        .iter()
        .try_for_each(|(_, f)| filtered_walk(f, required, guarded))
}
