//! The guard's private DuckDB: an empty in-memory database, locked down, used only to parse. It counts statements
//! with `duckdb_extract_statements` and turns a SELECT into its JSON AST with `json_serialize_sql`; neither binds,
//! so no table, file or setting is ever touched. It never sees the lake.

use std::collections::HashSet;
use std::ffi::{CStr, CString};
use std::ptr;

use duckdb::{ffi, Config, Connection};

use super::json::{self, Json, JsonError};
use super::scan::first_keyword;
use super::GuardError;

/// Deepest JSON AST the guard reads. Paren depth is capped on the raw text before this; this catches nesting
/// without brackets (long operator chains, CASE in CASE) and keeps the recursive walk's stack small.
const MAX_JSON_DEPTH: usize = 1000;

/// Settings for both private databases: nothing outside the process is reachable even if something did bind.
const LOCKDOWN: &[(&str, &str)] = &[
    ("enable_external_access", "false"),
    ("autoload_known_extensions", "false"),
    ("autoinstall_known_extensions", "false"),
    ("allow_community_extensions", "false"),
    ("lock_configuration", "true"),
];

/// A raw C-API database and connection, for `duckdb_extract_statements` (the Rust crate does not expose it
/// without also executing statements).
struct RawConnection {
    db: ffi::duckdb_database,
    con: ffi::duckdb_connection,
}

// SAFETY: a DuckDB connection may move between threads; the guard serialises all use behind a Mutex.
unsafe impl Send for RawConnection {}

impl RawConnection {
    fn open() -> Result<Self, GuardError> {
        let mut config: ffi::duckdb_config = ptr::null_mut();
        let mut db: ffi::duckdb_database = ptr::null_mut();
        let mut con: ffi::duckdb_connection = ptr::null_mut();
        // SAFETY: plain C-API calls on out-pointers we own; every failure path frees what was created.
        unsafe {
            if ffi::duckdb_create_config(&mut config) != ffi::DuckDBSuccess {
                return Err(GuardError::Internal("cannot create parser config".into()));
            }
            for (k, v) in LOCKDOWN {
                let (k, v) = (cstring(k)?, cstring(v)?);
                if ffi::duckdb_set_config(config, k.as_ptr(), v.as_ptr()) != ffi::DuckDBSuccess {
                    ffi::duckdb_destroy_config(&mut config);
                    return Err(GuardError::Internal(format!(
                        "cannot set parser option {k:?}"
                    )));
                }
            }
            let mut err: *mut std::os::raw::c_char = ptr::null_mut();
            let state = ffi::duckdb_open_ext(ptr::null(), &mut db, config, &mut err);
            ffi::duckdb_destroy_config(&mut config);
            if state != ffi::DuckDBSuccess {
                let msg = if err.is_null() {
                    String::new()
                } else {
                    CStr::from_ptr(err).to_string_lossy().into_owned()
                };
                if !err.is_null() {
                    ffi::duckdb_free(err.cast());
                }
                return Err(GuardError::Internal(format!(
                    "cannot open parser database: {msg}"
                )));
            }
            if ffi::duckdb_connect(db, &mut con) != ffi::DuckDBSuccess {
                ffi::duckdb_close(&mut db);
                return Err(GuardError::Internal(
                    "cannot connect to parser database".into(),
                ));
            }
        }
        Ok(RawConnection { db, con })
    }

    /// Number of statements DuckDB's parser finds in `sql`, or its syntax error.
    fn count_statements(&self, sql: &CStr) -> Result<usize, GuardError> {
        let mut extracted: ffi::duckdb_extracted_statements = ptr::null_mut();
        // SAFETY: `con` is open for the lifetime of self; `extracted` is always destroyed below.
        unsafe {
            let n = ffi::duckdb_extract_statements(self.con, sql.as_ptr(), &mut extracted);
            let result = if n == 0 {
                let e = ffi::duckdb_extract_statements_error(extracted);
                let msg = if e.is_null() {
                    "no statement".to_string()
                } else {
                    CStr::from_ptr(e).to_string_lossy().into_owned()
                };
                Err(parser_error(&msg))
            } else {
                usize::try_from(n)
                    .map_err(|_| GuardError::Internal("statement count overflow".into()))
            };
            ffi::duckdb_destroy_extracted(&mut extracted);
            result
        }
    }
}

impl Drop for RawConnection {
    fn drop(&mut self) {
        // SAFETY: both handles were created in `open` and are released exactly once here.
        unsafe {
            ffi::duckdb_disconnect(&mut self.con);
            ffi::duckdb_close(&mut self.db);
        }
    }
}

fn cstring(s: &str) -> Result<CString, GuardError> {
    CString::new(s).map_err(|_| GuardError::Syntax("statement contains a NUL byte".into()))
}

/// Maps a DuckDB parser message to a guard error: its own depth guards become 54000, the rest 42601.
fn parser_error(msg: &str) -> GuardError {
    let lower = msg.to_lowercase();
    if lower.contains("max expression depth")
        || lower.contains("memory exhausted")
        || lower.contains("stack")
    {
        GuardError::TooDeep(format!("DuckDB's parser gave up: {msg}"))
    } else {
        GuardError::Syntax(msg.trim_start_matches("Parser Error: ").to_string())
    }
}

/// The private parsing connection.
pub struct DuckParser {
    raw: RawConnection,
    conn: Connection,
}

impl DuckParser {
    pub fn open() -> Result<Self, GuardError> {
        let mut config = Config::default();
        for (k, v) in LOCKDOWN {
            config = config
                .with(*k, *v)
                .map_err(|e| GuardError::Internal(format!("parser config {k}: {e}")))?;
        }
        let conn = Connection::open_in_memory_with_flags(config)
            .map_err(|e| GuardError::Internal(format!("cannot open parser database: {e}")))?;
        Ok(DuckParser {
            raw: RawConnection::open()?,
            conn,
        })
    }

    /// Every function name this DuckDB knows (lower-case), read from its own catalog.
    pub fn function_names(&self) -> Result<HashSet<String>, GuardError> {
        let names: Result<HashSet<String>, duckdb::Error> = self
            .conn
            .prepare("SELECT DISTINCT lower(function_name) FROM duckdb_functions()")
            .and_then(|mut st| st.query_map([], |r| r.get::<_, String>(0))?.collect());
        names.map_err(|e| GuardError::Internal(format!("cannot list DuckDB's functions: {e}")))
    }

    /// How many statements DuckDB finds in `sql` (an error if it cannot parse it).
    pub fn count_statements(&self, sql: &str) -> Result<usize, GuardError> {
        self.raw.count_statements(&cstring(sql)?)
    }

    /// The JSON ASTs of the statements in `sql`. Fails with 0A000 if any statement is not a SELECT (DuckDB only
    /// serializes SELECT statements: queries, VALUES, DESCRIBE/SHOW/SUMMARIZE, PIVOT with explicit values).
    pub fn serialize(&self, sql: &str) -> Result<Vec<Json>, GuardError> {
        let _ = cstring(sql)?;
        let text: String = self
            .conn
            .prepare_cached("SELECT json_serialize_sql($1::VARCHAR)")
            .and_then(|mut st| st.query_row([sql], |r| r.get(0)))
            .map_err(|e| GuardError::Internal(format!("json_serialize_sql failed: {e}")))?;
        let doc = json::parse(&text, MAX_JSON_DEPTH).map_err(|e| match e {
            JsonError::TooDeep => GuardError::TooDeep("statement nests too deeply".into()),
            e @ JsonError::Malformed(_) => {
                GuardError::Internal(format!("unreadable AST from DuckDB: {e}"))
            }
        })?;
        if matches!(doc.get("error"), Some(Json::Bool(true))) {
            let kind = doc.str_of("error_type").unwrap_or("");
            let msg = doc.str_of("error_message").unwrap_or("unknown error");
            return Err(
                if kind == "not implemented" && msg.contains("Only SELECT") {
                    unsupported(sql)
                } else if kind == "parser" {
                    parser_error(msg)
                } else {
                    GuardError::Syntax(msg.to_string())
                },
            );
        }
        match doc.get("statements") {
            Some(Json::Arr(items)) => Ok(items.clone()),
            _ => Err(GuardError::Internal("AST without statements".into())),
        }
    }
}

/// The 0A000 error for a statement DuckDB parsed but that is not a query.
pub fn unsupported(sql: &str) -> GuardError {
    let kw = first_keyword(sql);
    let kw = if kw.is_empty() {
        "this statement".to_string()
    } else {
        kw
    };
    GuardError::Unsupported(format!(
        "{kw} is not allowed: only SELECT, WITH, VALUES, TABLE, EXPLAIN, DESCRIBE, SHOW and SUMMARIZE of lake tables are"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_serializes() {
        let p = DuckParser::open().expect("opens");
        assert_eq!(p.count_statements("SELECT 1; SELECT 2").ok(), Some(2));
        assert_eq!(
            p.count_statements("SELECT (").map_err(|e| e.sqlstate()),
            Err("42601")
        );
        assert_eq!(p.serialize("SELECT 1").map(|v| v.len()).ok(), Some(1));
        assert_eq!(
            p.serialize("DROP TABLE x").map_err(|e| e.sqlstate()),
            Err("0A000")
        );
        assert_eq!(
            p.serialize("SELECT 1 +").map_err(|e| e.sqlstate()),
            Err("42601")
        );
        let deep = format!("SELECT {}1", "NOT ".repeat(3000));
        assert_eq!(p.serialize(&deep).map_err(|e| e.sqlstate()), Err("54000"));
    }
}
