//! Describes a statement without running it, through DuckDB's C API on a connection of our own: parameter types
//! (so clients such as tokio-postgres and pgJDBC can encode `$n` values) and result columns (so Describe returns
//! the true row shape). duckdb-rs does not expose a prepared statement's metadata before execution.

use std::ffi::{CStr, CString};
use std::ptr;
use std::sync::Mutex;

use duckdb::ffi;

use super::error::{EngineError, ErrorKind};
use super::types::{ColumnDesc, SqlType};
use super::Description;

/// Descriptions kept per statement text: Parse describes a statement and Execute needs the same shape again.
const DESCRIPTION_CACHE_ENTRIES: u64 = 4_096;

/// A raw DuckDB connection used only for preparing statements. It shares the server's database.
pub struct Describer {
    conn: Mutex<RawConn>,
    cache: moka::sync::Cache<String, Description>,
}

struct RawConn(ffi::duckdb_connection);

// SAFETY: a DuckDB connection may be used from any thread as long as it is not used by two at once; the Mutex
// in `Describer` guarantees that.
unsafe impl Send for RawConn {}

impl Drop for RawConn {
    fn drop(&mut self) {
        // SAFETY: the pointer came from duckdb_connect and is disconnected exactly once.
        unsafe { ffi::duckdb_disconnect(&mut self.0) }
    }
}

impl Describer {
    /// Connects to `db`.
    ///
    /// # Safety
    /// `db` must be a valid, open database that outlives the describer.
    pub unsafe fn connect(db: ffi::duckdb_database) -> Result<Self, EngineError> {
        let mut conn: ffi::duckdb_connection = ptr::null_mut();
        // SAFETY: db is valid per the caller's contract.
        let rc = unsafe { ffi::duckdb_connect(db, &mut conn) };
        if rc != ffi::DuckDBSuccess {
            return Err(EngineError::internal("cannot open a describe connection"));
        }
        Ok(Self {
            conn: Mutex::new(RawConn(conn)),
            cache: moka::sync::Cache::new(DESCRIPTION_CACHE_ENTRIES),
        })
    }

    /// Forgets cached descriptions (after the lake's tables change).
    pub fn clear(&self) {
        self.cache.invalidate_all();
    }

    /// Parameter and result types of `sql`, from the cache or by preparing it.
    pub fn describe(&self, sql: &str) -> Result<Description, EngineError> {
        if let Some(d) = self.cache.get(sql) {
            return Ok(d);
        }
        let d = self.prepare_and_read(sql)?;
        self.cache.insert(sql.to_owned(), d.clone());
        Ok(d)
    }

    /// Prepares `sql` and reads its parameter and result types.
    fn prepare_and_read(&self, sql: &str) -> Result<Description, EngineError> {
        let c_sql = CString::new(sql)
            .map_err(|_| EngineError::new(ErrorKind::Syntax, "statement contains a NUL byte"))?;
        let conn = self
            .conn
            .lock()
            .map_err(|_| EngineError::internal("describe connection poisoned"))?;
        let mut stmt: ffi::duckdb_prepared_statement = ptr::null_mut();
        // SAFETY: conn.0 is a live connection (we hold its lock); stmt is destroyed below on every path.
        unsafe {
            let rc = ffi::duckdb_prepare(conn.0, c_sql.as_ptr(), &mut stmt);
            let result = if rc != ffi::DuckDBSuccess {
                let msg = ffi::duckdb_prepare_error(stmt);
                let text = if msg.is_null() {
                    "cannot prepare statement".to_owned()
                } else {
                    CStr::from_ptr(msg).to_string_lossy().into_owned()
                };
                Err(EngineError::from_message(&text))
            } else {
                Ok(read_description(stmt))
            };
            ffi::duckdb_destroy_prepare(&mut stmt);
            result
        }
    }
}

/// # Safety
/// `stmt` must be a successfully prepared statement.
unsafe fn read_description(stmt: ffi::duckdb_prepared_statement) -> Description {
    unsafe {
        let nparams = ffi::duckdb_nparams(stmt);
        let mut params = Vec::with_capacity(nparams as usize);
        for i in 1..=nparams {
            let mut lt = ffi::duckdb_param_logical_type(stmt, i);
            params.push(if lt.is_null() {
                SqlType::Unknown
            } else {
                let t = logical_to_sql(lt);
                ffi::duckdb_destroy_logical_type(&mut lt);
                t
            });
        }
        let ncols = ffi::duckdb_prepared_statement_column_count(stmt);
        let mut columns = Vec::with_capacity(ncols as usize);
        for i in 0..ncols {
            let name_ptr = ffi::duckdb_prepared_statement_column_name(stmt, i);
            let name = if name_ptr.is_null() {
                format!("column{i}")
            } else {
                let n = CStr::from_ptr(name_ptr).to_string_lossy().into_owned();
                ffi::duckdb_free(name_ptr as *mut std::ffi::c_void);
                n
            };
            let mut lt = ffi::duckdb_prepared_statement_column_logical_type(stmt, i);
            let ty = if lt.is_null() {
                SqlType::Text
            } else {
                let t = logical_to_sql(lt);
                ffi::duckdb_destroy_logical_type(&mut lt);
                t
            };
            columns.push(ColumnDesc { name, ty });
        }
        Description { params, columns }
    }
}

/// Maps a DuckDB logical type to the client-facing type, exactly as [`SqlType::from_arrow`] maps its Arrow export.
///
/// # Safety
/// `lt` must be a valid logical type.
unsafe fn logical_to_sql(lt: ffi::duckdb_logical_type) -> SqlType {
    unsafe {
        let id = ffi::duckdb_get_type_id(lt);
        match id {
            ffi::DUCKDB_TYPE_DUCKDB_TYPE_BOOLEAN => SqlType::Bool,
            ffi::DUCKDB_TYPE_DUCKDB_TYPE_TINYINT
            | ffi::DUCKDB_TYPE_DUCKDB_TYPE_SMALLINT
            | ffi::DUCKDB_TYPE_DUCKDB_TYPE_UTINYINT => SqlType::Int2,
            ffi::DUCKDB_TYPE_DUCKDB_TYPE_INTEGER | ffi::DUCKDB_TYPE_DUCKDB_TYPE_USMALLINT => {
                SqlType::Int4
            }
            ffi::DUCKDB_TYPE_DUCKDB_TYPE_BIGINT | ffi::DUCKDB_TYPE_DUCKDB_TYPE_UINTEGER => {
                SqlType::Int8
            }
            ffi::DUCKDB_TYPE_DUCKDB_TYPE_UBIGINT => SqlType::Numeric(Some((20, 0))),
            ffi::DUCKDB_TYPE_DUCKDB_TYPE_HUGEINT => SqlType::Numeric(Some((38, 0))),
            ffi::DUCKDB_TYPE_DUCKDB_TYPE_UHUGEINT | ffi::DUCKDB_TYPE_DUCKDB_TYPE_BIGNUM => {
                SqlType::Numeric(None)
            }
            ffi::DUCKDB_TYPE_DUCKDB_TYPE_FLOAT => SqlType::Float4,
            ffi::DUCKDB_TYPE_DUCKDB_TYPE_DOUBLE => SqlType::Float8,
            ffi::DUCKDB_TYPE_DUCKDB_TYPE_DECIMAL => {
                let w = ffi::duckdb_decimal_width(lt);
                let s = ffi::duckdb_decimal_scale(lt);
                SqlType::Numeric(Some((w, s as i8)))
            }
            ffi::DUCKDB_TYPE_DUCKDB_TYPE_VARCHAR
            | ffi::DUCKDB_TYPE_DUCKDB_TYPE_ENUM
            | ffi::DUCKDB_TYPE_DUCKDB_TYPE_STRING_LITERAL => SqlType::Text,
            ffi::DUCKDB_TYPE_DUCKDB_TYPE_INTEGER_LITERAL => SqlType::Int8,
            ffi::DUCKDB_TYPE_DUCKDB_TYPE_BLOB => SqlType::Bytea,
            ffi::DUCKDB_TYPE_DUCKDB_TYPE_DATE => SqlType::Date,
            ffi::DUCKDB_TYPE_DUCKDB_TYPE_TIME | ffi::DUCKDB_TYPE_DUCKDB_TYPE_TIME_NS => {
                SqlType::Time
            }
            ffi::DUCKDB_TYPE_DUCKDB_TYPE_TIMESTAMP
            | ffi::DUCKDB_TYPE_DUCKDB_TYPE_TIMESTAMP_S
            | ffi::DUCKDB_TYPE_DUCKDB_TYPE_TIMESTAMP_MS
            | ffi::DUCKDB_TYPE_DUCKDB_TYPE_TIMESTAMP_NS => SqlType::Timestamp,
            ffi::DUCKDB_TYPE_DUCKDB_TYPE_TIMESTAMP_TZ => SqlType::TimestampTz,
            ffi::DUCKDB_TYPE_DUCKDB_TYPE_INTERVAL => SqlType::Interval,
            ffi::DUCKDB_TYPE_DUCKDB_TYPE_UUID => SqlType::Uuid,
            ffi::DUCKDB_TYPE_DUCKDB_TYPE_SQLNULL => SqlType::Text,
            ffi::DUCKDB_TYPE_DUCKDB_TYPE_LIST | ffi::DUCKDB_TYPE_DUCKDB_TYPE_ARRAY => {
                let mut child = if id == ffi::DUCKDB_TYPE_DUCKDB_TYPE_LIST {
                    ffi::duckdb_list_type_child_type(lt)
                } else {
                    ffi::duckdb_array_type_child_type(lt)
                };
                let inner = logical_to_sql(child);
                ffi::duckdb_destroy_logical_type(&mut child);
                match inner {
                    SqlType::List(_) | SqlType::Other(_) => SqlType::Other("LIST".into()),
                    t => SqlType::List(Box::new(t)),
                }
            }
            ffi::DUCKDB_TYPE_DUCKDB_TYPE_INVALID | ffi::DUCKDB_TYPE_DUCKDB_TYPE_ANY => {
                SqlType::Unknown
            }
            other => SqlType::Other(format!("duckdb type {other}")),
        }
    }
}
