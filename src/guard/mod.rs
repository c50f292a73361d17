//! The guard: read-only validation and rewriting of every statement before DuckDB binds anything. DuckDB's own
//! parser (on a private, empty, locked-down connection) decides what each statement is; the guard then walks its
//! AST against the policy, caps the rows, and re-validates the exact text it hands to the engine.

mod functions;
mod json;
mod limits;
mod parser;
pub mod policy;
mod rewrite;
mod scan;
mod tables;
mod walk;

#[cfg(test)]
mod tests;

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

pub use rewrite::TableFilter;
pub use tables::ADMIN_ONLY_TABLES;

use parser::DuckParser;
use scan::strip_keyword;
use walk::Facts;

/// Default statement length cap, in bytes.
pub const DEFAULT_MAX_SQL_LEN: usize = 100_000;
/// Default bracket nesting cap.
pub const DEFAULT_MAX_DEPTH: usize = 64;
/// Default row cap for natural-language answers (pass it to [`Guard::check_with_cap`]).
pub const DEFAULT_NL_MAX_ROWS: u64 = 10_000;

/// What statements may read and how big they may be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// Lake table names, lower-case.
    pub allowed_tables: HashSet<String>,
    /// Longest accepted statement string, in bytes.
    pub max_sql_len: usize,
    /// Deepest accepted bracket nesting.
    pub max_depth: usize,
    /// Row cap for SQL statements, applied by wrapping; `None` = no cap.
    pub max_rows: Option<u64>,
}

impl Policy {
    /// The default policy over these lake tables (names are lower-cased).
    pub fn for_tables<I, S>(tables: I) -> Policy
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        Policy {
            allowed_tables: tables
                .into_iter()
                .map(|t| t.as_ref().to_lowercase())
                .collect(),
            ..Policy::default()
        }
    }
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            allowed_tables: HashSet::new(),
            max_sql_len: DEFAULT_MAX_SQL_LEN,
            max_depth: DEFAULT_MAX_DEPTH,
            max_rows: None,
        }
    }
}

/// What kind of statement an accepted piece is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatementKind {
    /// SELECT, WITH … SELECT, VALUES, TABLE t, FROM t, PIVOT with explicit values.
    Query,
    /// EXPLAIN [ANALYZE] of a query.
    Explain,
    /// DESCRIBE / SHOW / SUMMARIZE of a lake table or query, and SHOW TABLES.
    Describe,
}

/// One accepted statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    /// The statement as the client wrote it (trimmed, without the `;`).
    pub original: String,
    /// The text to execute: rewritten and validated again; always exactly one statement.
    pub sql: String,
    pub kind: StatementKind,
}

/// Why a statement was refused. Each variant maps to one SQLSTATE.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GuardError {
    /// 42601: DuckDB cannot parse it.
    #[error("syntax error: {0}")]
    Syntax(String),
    /// 42501: it would read something other than the lake, or call a function that is not allowed.
    #[error("refused: {0}")]
    Forbidden(String),
    /// 0A000: a statement kind that is never allowed (DDL, DML, COPY, ATTACH, SET, PRAGMA, ...).
    #[error("refused: {0}")]
    Unsupported(String),
    /// 54000: the text is longer than the cap.
    #[error("statement too long: {len} bytes, the limit is {max}")]
    TooLong { len: usize, max: usize },
    /// 54000: nested too deeply.
    #[error("statement too complex: {0}")]
    TooDeep(String),
    /// 42883: a function DuckDB does not have.
    #[error("function {0}() does not exist")]
    UnknownFunction(String),
    /// 42P01: a relation that is not a lake table.
    #[error("relation \"{0}\" does not exist or is not a lake table")]
    UnknownTable(String),
    /// XX000: the guard itself failed; the statement is refused.
    #[error("guard internal error: {0}")]
    Internal(String),
}

impl GuardError {
    /// The PostgreSQL SQLSTATE to answer with.
    pub fn sqlstate(&self) -> &'static str {
        match self {
            GuardError::Syntax(_) => "42601",
            GuardError::Forbidden(_) => "42501",
            GuardError::Unsupported(_) => "0A000",
            GuardError::TooLong { .. } | GuardError::TooDeep(_) => "54000",
            GuardError::UnknownTable(_) => "42P01",
            GuardError::UnknownFunction(_) => "42883",
            GuardError::Internal(_) => "XX000",
        }
    }
}

/// Validates and rewrites statements. `Send + Sync`; the private parser connection sits behind a Mutex that is
/// held only for the duration of one `check` call (no await inside).
///
/// Flow for one simple-query string: length cap → lexical scan (split at top-level `;`, bracket depth cap) →
/// DuckDB statement count must match the split → per piece: `json_serialize_sql` (non-SELECT kinds fail here
/// with 0A000) → AST walk (tables, table functions, functions) → rewrite (row filters, row cap) → re-validate.
/// If any piece fails, nothing is returned, so nothing runs in part.
///
/// How DuckDB 1.5.5's `json_serialize_sql` treats each statement form, and what the guard does with it:
///
/// | form | DuckDB AST | guard |
/// |---|---|---|
/// | SELECT, WITH, `FROM t` shorthand, `TABLE t`, VALUES, UNION/EXCEPT | SELECT_NODE / SET_OPERATION_NODE | walked; [`StatementKind::Query`] |
/// | DESCRIBE t, SHOW t, SUMMARIZE t, DESCRIBE `<query>` | SELECT over a SHOW_REF holding the query | walked; [`StatementKind::Describe`], never capped |
/// | SHOW TABLES | SHOW_REF without query, name `"tables"` | allowed; SHOW DATABASES / SHOW ALL TABLES refused 0A000 |
/// | `SHOW memory_limit` (a setting name) | DESCRIBE of a table named `memory_limit` | refused 42P01: not a lake table |
/// | PIVOT … IN (…) / UNPIVOT | PIVOT table ref | walked |
/// | PIVOT without IN list | two statements (CREATE TYPE first) | refused 0A000 |
/// | EXPLAIN [ANALYZE] q | not serializable | keyword stripped, `q` validated as a query; [`StatementKind::Explain`] |
/// | `FROM '/etc/passwd'` | BASE_TABLE named by the path | refused 42501 (not a plain identifier) |
/// | `read_csv(...)` in FROM | TABLE_FUNCTION | refused 42501, except `range`/`generate_series`/`unnest` |
/// | PREPARE, EXECUTE, SET VARIABLE, SET, RESET, PRAGMA, CALL, DDL, DML, COPY, ATTACH, INSTALL/LOAD | not serializable | refused 0A000 |
/// | `getvariable(...)`, `query(...)`, `current_setting(...)` | FUNCTION | refused 42501 (not on the allow-list) |
///
/// # Using it (server side)
/// - Run only [`Checked::sql`], never the client's text: it is the exact text DuckDB's parser accepted, it is
///   always one statement (duckdb-rs `prepare` executes every statement but the last), and it carries the cap.
/// - Never describe or prepare unchecked text on the engine: binding `read_csv(...)` already opens the file.
/// - A simple query holding several statements: check every non-session piece before running any.
/// - Natural-language answers: [`Guard::check_with_cap`] with their own cap ([`DEFAULT_NL_MAX_ROWS`]).
/// - Map a refusal to an ErrorResponse with [`GuardError::sqlstate`] and its `Display` text; the session goes on.
pub struct Guard {
    policy: Policy,
    /// Every function name DuckDB has, lower-case: tells "undefined" (42883) from "forbidden" (42501).
    known_functions: HashSet<String>,
    parser: Mutex<DuckParser>,
    filter: Option<Arc<dyn TableFilter>>,
}

impl Guard {
    pub fn new(policy: Policy) -> Result<Guard, GuardError> {
        let parser = DuckParser::open()?;
        let known_functions = parser.function_names()?;
        Ok(Guard {
            policy,
            known_functions,
            parser: Mutex::new(parser),
            filter: None,
        })
    }

    /// Installs a row-level policy: every reference to a filtered lake table is replaced by a filtered subquery.
    /// Statements the rewriter cannot parse are then refused rather than run unfiltered.
    pub fn with_filter(mut self, filter: Arc<dyn TableFilter>) -> Guard {
        self.filter = Some(filter);
        self
    }

    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// Checks a simple-query string with the policy's row cap.
    pub fn check(&self, sql: &str) -> Result<Vec<Checked>, GuardError> {
        self.check_with_cap(sql, self.policy.max_rows)
    }

    /// Checks a simple-query string with an explicit row cap (natural-language answers use their own).
    /// An empty string (or only comments) gives an empty list.
    pub fn check_with_cap(
        &self,
        sql: &str,
        max_rows: Option<u64>,
    ) -> Result<Vec<Checked>, GuardError> {
        limits::check_length(sql, self.policy.max_sql_len)?;
        let scanned = scan::scan(sql);
        limits::check_depth(&scanned, self.policy.max_depth)?;
        if scanned.pieces.is_empty() {
            return Ok(Vec::new());
        }
        let parser = self.parser.lock().unwrap_or_else(|p| p.into_inner());
        // Every piece is checked before anything is returned; the first refusal refuses the whole string.
        let checked = scanned
            .pieces
            .iter()
            .map(|r| self.check_piece(&parser, &sql[r.clone()], max_rows))
            .collect::<Result<Vec<_>, _>>()?;
        // DuckDB must see the same statements the scanner split off, or the boundaries are ambiguous.
        let n = parser.count_statements(sql)?;
        if n != checked.len() {
            return Err(GuardError::Syntax(format!(
                "statement boundaries are ambiguous: DuckDB sees {n} statements, the guard {}",
                checked.len()
            )));
        }
        Ok(checked)
    }

    /// Checks text that must hold exactly one statement (extended-protocol Parse, one piece of a simple query
    /// the server split itself, NL-generated SQL). Empty text or several statements are a syntax error.
    pub fn check_single(&self, sql: &str, max_rows: Option<u64>) -> Result<Checked, GuardError> {
        let mut checked = self.check_with_cap(sql, max_rows)?;
        match (checked.pop(), checked.is_empty()) {
            (Some(one), true) => Ok(one),
            (None, _) => Err(GuardError::Syntax("empty statement".into())),
            (Some(_), false) => Err(GuardError::Syntax(
                "cannot insert multiple commands into a prepared statement".into(),
            )),
        }
    }

    fn check_piece(
        &self,
        parser: &DuckParser,
        piece: &str,
        max_rows: Option<u64>,
    ) -> Result<Checked, GuardError> {
        if let Some(rest) = strip_keyword(piece, "EXPLAIN") {
            let (analyze, inner) =
                match strip_keyword(rest, "ANALYZE").or_else(|| strip_keyword(rest, "ANALYSE")) {
                    Some(inner) => ("ANALYZE ", inner),
                    None => ("", rest),
                };
            let (sql, facts) = self.prepare(parser, inner.trim(), None)?;
            if facts.describe {
                return Err(GuardError::Unsupported(
                    "EXPLAIN of DESCRIBE/SHOW is not allowed".into(),
                ));
            }
            let sql = format!("EXPLAIN {analyze}{sql}");
            if parser.count_statements(&sql)? != 1 {
                return Err(GuardError::Syntax(
                    "EXPLAIN must hold exactly one query".into(),
                ));
            }
            return Ok(Checked {
                original: piece.to_string(),
                sql,
                kind: StatementKind::Explain,
            });
        }
        let (sql, facts) = self.prepare(parser, piece, max_rows)?;
        let kind = if facts.describe {
            StatementKind::Describe
        } else {
            StatementKind::Query
        };
        Ok(Checked {
            original: piece.to_string(),
            sql,
            kind,
        })
    }

    /// Validates one statement, rewrites it, and validates the rewritten text again.
    fn prepare(
        &self,
        parser: &DuckParser,
        text: &str,
        max_rows: Option<u64>,
    ) -> Result<(String, Facts), GuardError> {
        let facts = self.validate(parser, text)?;
        let mut sql = text.to_string();
        let mut required = Vec::new();
        if let Some(filter) = &self.filter {
            if !facts.describe || facts.summarize {
                for table in &facts.tables {
                    if let Some(predicate) = filter.filter_for(table) {
                        required.push(self.filter_shape(parser, table, &predicate)?);
                    }
                }
            }
            if !required.is_empty() {
                sql = rewrite::apply_filters(&sql, filter.as_ref())?;
            }
        }
        if let Some(cap) = max_rows {
            if !facts.describe && facts.top_limit.is_none_or(|l| l > cap) {
                sql = rewrite::cap_rows(&sql, cap);
            }
        }
        if sql != text {
            let stmt = self.parse_one(parser, &sql)?;
            self.walk(&stmt)?;
            // DuckDB's own reading of the rewritten text must show every filtered table behind its filter.
            walk::check_filtered(&stmt, &required)?;
        }
        Ok((sql, facts))
    }

    /// The filter of `table` as DuckDB parses it: `(table, WHERE-clause AST without locations)`.
    fn filter_shape(
        &self,
        parser: &DuckParser,
        table: &str,
        predicate: &sqlparser::ast::Expr,
    ) -> Result<(String, json::Json), GuardError> {
        let text = format!("SELECT * FROM \"{table}\" WHERE {predicate}");
        let stmt = self.parse_one(parser, &text)?;
        let clause = stmt
            .get("node")
            .and_then(|n| n.get("where_clause"))
            .ok_or_else(|| {
                GuardError::Internal(format!("row-level filter of {table} has no WHERE"))
            })?;
        Ok((table.to_string(), walk::without_locations(clause)))
    }

    /// DuckDB parses `text` as exactly one SELECT-like statement, and its AST passes the walk.
    fn validate(&self, parser: &DuckParser, text: &str) -> Result<Facts, GuardError> {
        let stmt = self.parse_one(parser, text)?;
        self.walk(&stmt)
    }

    /// DuckDB's AST of `text`, which must be exactly one SELECT-like statement.
    fn parse_one(&self, parser: &DuckParser, text: &str) -> Result<json::Json, GuardError> {
        if text.is_empty() {
            return Err(GuardError::Syntax("empty statement".into()));
        }
        let mut statements = parser.serialize(text)?;
        if statements.len() != 1 || parser.count_statements(text)? != 1 {
            return Err(GuardError::Syntax("expected exactly one statement".into()));
        }
        statements
            .pop()
            .ok_or_else(|| GuardError::Internal("no statement".into()))
    }

    fn walk(&self, stmt: &json::Json) -> Result<Facts, GuardError> {
        walk::check_statement(stmt, &self.policy.allowed_tables, &self.known_functions)
    }
}
