//! Session commands the proxy answers itself, with PostgreSQL's command tags: SET/RESET/SHOW of the session
//! settings clients use, and transaction control (BEGIN … COMMIT, savepoints), which are no-ops because
//! everything is read-only. The engine never sees these statements.

use std::collections::BTreeMap;
use std::time::Duration;

/// A recognised session command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionCommand {
    /// `SET [SESSION|LOCAL] name {=|TO} value` (`None` = DEFAULT).
    Set {
        name: String,
        value: Option<String>,
    },
    /// `RESET name` (`None` = ALL).
    Reset(Option<String>),
    /// `SHOW name` (`all` lists everything).
    Show(String),
    Begin,
    Commit,
    Rollback,
    Savepoint,
    Release,
    RollbackTo,
    /// SET TRANSACTION / SET SESSION CHARACTERISTICS: accepted, nothing to change.
    TransactionMode,
    DiscardAll,
    Deallocate(bool),
}

/// What the client gets back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    Tag(&'static str),
    TxStart(&'static str),
    TxEnd(&'static str),
    /// One or more (name, value, description) rows for SHOW.
    Rows {
        column: String,
        rows: Vec<(String, String, String)>,
        all: bool,
    },
}

/// Why a session command was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SessionError {
    #[error("unrecognized configuration parameter \"{0}\"")]
    Unknown(String),
    #[error(
        "permission denied to set parameter \"{0}\": only client session settings can be changed"
    )]
    Forbidden(String),
    #[error("invalid value for parameter \"{name}\": \"{value}\"")]
    InvalidValue { name: String, value: String },
    #[error("{0}")]
    Unsupported(String),
}

/// Session settings with their defaults and descriptions; names are lower case.
const SETTINGS: &[(&str, &str, &str)] = &[
    (
        "application_name",
        "",
        "Sets the application name to be reported in statistics and logs.",
    ),
    (
        "client_encoding",
        "UTF8",
        "Sets the client's character set encoding.",
    ),
    (
        "datestyle",
        "ISO, MDY",
        "Sets the display format for date and time values.",
    ),
    (
        "timezone",
        "UTC",
        "Sets the time zone for displaying and interpreting time stamps.",
    ),
    (
        "search_path",
        "\"$user\", public",
        "Sets the schema search order for names that are not schema-qualified.",
    ),
    (
        "statement_timeout",
        "0",
        "Sets the maximum allowed duration of any statement.",
    ),
    (
        "extra_float_digits",
        "1",
        "Sets the number of digits displayed for floating-point values.",
    ),
    (
        "intervalstyle",
        "postgres",
        "Sets the display format for interval values.",
    ),
    (
        "standard_conforming_strings",
        "on",
        "Causes '...' strings to treat backslashes literally.",
    ),
    (
        "integer_datetimes",
        "on",
        "Shows whether datetimes are integer based.",
    ),
    (
        "server_version",
        crate::wire::SERVER_VERSION,
        "Shows the server version.",
    ),
    (
        "server_encoding",
        "UTF8",
        "Shows the server (database) character set encoding.",
    ),
    (
        "transaction_isolation",
        "read committed",
        "Sets the current transaction's isolation level.",
    ),
    (
        "default_transaction_isolation",
        "read committed",
        "Sets the transaction isolation level of each new transaction.",
    ),
    (
        "transaction_read_only",
        "on",
        "Sets the current transaction's read-only status.",
    ),
    (
        "default_transaction_read_only",
        "on",
        "Sets the default read-only status of new transactions.",
    ),
    (
        "client_min_messages",
        "notice",
        "Sets the message levels that are sent to the client.",
    ),
    (
        "lc_messages",
        "C",
        "Sets the language in which messages are displayed.",
    ),
    (
        "lc_monetary",
        "C",
        "Sets the locale for formatting monetary amounts.",
    ),
    ("lc_numeric", "C", "Sets the locale for formatting numbers."),
    (
        "lc_time",
        "C",
        "Sets the locale for formatting date and time values.",
    ),
    ("bytea_output", "hex", "Sets the output format for bytea."),
    (
        "idle_in_transaction_session_timeout",
        "0",
        "Sets the maximum allowed idle time between queries, when in a transaction.",
    ),
    (
        "lock_timeout",
        "0",
        "Sets the maximum allowed duration of any wait for a lock.",
    ),
    (
        "idle_session_timeout",
        "0",
        "Sets the maximum allowed idle time between queries, when not in a transaction.",
    ),
    (
        "max_identifier_length",
        "63",
        "Shows the maximum identifier length.",
    ),
    (
        "max_index_keys",
        "32",
        "Shows the maximum number of index keys.",
    ),
    ("jit", "off", "Allow JIT compilation."),
    (
        "work_mem",
        "4MB",
        "Sets the maximum memory to be used for query workspaces.",
    ),
    ("session_authorization", "", "Sets the session user name."),
    (
        "is_superuser",
        "off",
        "Shows whether the current user is a superuser.",
    ),
    ("geqo", "on", "Enables genetic query optimization."),
    ("row_security", "on", "Enable row security."),
    (
        "synchronous_commit",
        "on",
        "Sets the current transaction's synchronization level.",
    ),
    (
        "enable_seqscan",
        "on",
        "Enables the planner's use of sequential-scan plans.",
    ),
];

/// Settings the client may read but not change.
const READ_ONLY: &[&str] = &[
    "server_version",
    "server_encoding",
    "integer_datetimes",
    "max_identifier_length",
    "max_index_keys",
    "is_superuser",
    "session_authorization",
];

/// Canonical spelling of a setting name for SHOW's column and ParameterStatus.
pub fn display_name(name: &str) -> String {
    match name {
        "datestyle" => "DateStyle".into(),
        "timezone" => "TimeZone".into(),
        "intervalstyle" => "IntervalStyle".into(),
        other => other.to_owned(),
    }
}

/// Settings whose changes are reported to the client with ParameterStatus (PostgreSQL's GUC_REPORT).
pub fn is_reported(name: &str) -> bool {
    matches!(
        name,
        "application_name"
            | "client_encoding"
            | "datestyle"
            | "timezone"
            | "intervalstyle"
            | "standard_conforming_strings"
            | "search_path"
    )
}

/// Per-connection settings.
#[derive(Debug, Clone)]
pub struct Settings {
    values: BTreeMap<String, String>,
    /// The server's statement timeout; a client's setting is clamped to it.
    max_timeout: Option<Duration>,
}

impl Settings {
    pub fn new(max_timeout: Option<Duration>) -> Self {
        let mut s = Self {
            values: BTreeMap::new(),
            max_timeout,
        };
        s.reset_all();
        s
    }

    fn reset_all(&mut self) {
        self.values = SETTINGS
            .iter()
            .map(|(k, v, _)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        if let Some(t) = self.max_timeout {
            self.values
                .insert("statement_timeout".into(), format_ms(t.as_millis() as u64));
        }
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.values
            .get(&name.to_ascii_lowercase())
            .map(String::as_str)
    }

    /// Sets a value at startup (from the client's startup packet), ignoring unknown names.
    pub fn set_startup(&mut self, name: &str, value: &str) {
        let key = name.to_ascii_lowercase();
        if self.values.contains_key(&key) && !READ_ONLY.contains(&key.as_str()) {
            let _ = self.apply_set(&key, Some(value.to_owned()));
        }
    }

    /// The effective statement timeout: the client's value clamped to the server's maximum.
    pub fn statement_timeout(&self) -> Option<Duration> {
        let client = self
            .get("statement_timeout")
            .and_then(parse_duration)
            .filter(|d| !d.is_zero());
        match (client, self.max_timeout) {
            (Some(c), Some(m)) => Some(c.min(m)),
            (Some(c), None) => Some(c),
            (None, m) => m,
        }
    }

    /// Runs a session command.
    pub fn apply(&mut self, cmd: &SessionCommand) -> Result<Reply, SessionError> {
        Ok(match cmd {
            SessionCommand::Set { name, value } => {
                self.apply_set(name, value.clone())?;
                Reply::Tag("SET")
            }
            SessionCommand::Reset(None) => {
                self.reset_all();
                Reply::Tag("RESET")
            }
            SessionCommand::Reset(Some(name)) => {
                self.apply_set(name, None)?;
                Reply::Tag("RESET")
            }
            SessionCommand::Show(name) if name == "all" => Reply::Rows {
                column: "name".into(),
                rows: SETTINGS
                    .iter()
                    .map(|(k, _, d)| {
                        (
                            display_name(k),
                            self.values.get(*k).cloned().unwrap_or_default(),
                            (*d).to_owned(),
                        )
                    })
                    .collect(),
                all: true,
            },
            SessionCommand::Show(name) => {
                let v = self
                    .values
                    .get(name)
                    .cloned()
                    .ok_or_else(|| SessionError::Unknown(name.clone()))?;
                Reply::Rows {
                    column: display_name(name),
                    rows: vec![(display_name(name), v, String::new())],
                    all: false,
                }
            }
            SessionCommand::Begin => Reply::TxStart("BEGIN"),
            SessionCommand::Commit => Reply::TxEnd("COMMIT"),
            SessionCommand::Rollback => Reply::TxEnd("ROLLBACK"),
            SessionCommand::Savepoint => Reply::Tag("SAVEPOINT"),
            SessionCommand::Release => Reply::Tag("RELEASE"),
            SessionCommand::RollbackTo => Reply::Tag("ROLLBACK"),
            SessionCommand::TransactionMode => Reply::Tag("SET"),
            SessionCommand::DiscardAll => {
                self.reset_all();
                Reply::Tag("DISCARD ALL")
            }
            SessionCommand::Deallocate(all) => {
                Reply::Tag(if *all { "DEALLOCATE ALL" } else { "DEALLOCATE" })
            }
        })
    }

    fn apply_set(&mut self, name: &str, value: Option<String>) -> Result<(), SessionError> {
        let default = SETTINGS
            .iter()
            .find(|(k, _, _)| *k == name)
            .map(|(_, v, _)| (*v).to_owned());
        let Some(default) = default else {
            return Err(SessionError::Forbidden(name.to_owned()));
        };
        if READ_ONLY.contains(&name) {
            return Err(SessionError::Forbidden(name.to_owned()));
        }
        let value = match value {
            None if name == "statement_timeout" => self
                .max_timeout
                .map(|t| format_ms(t.as_millis() as u64))
                .unwrap_or(default),
            None => default,
            Some(v) => v,
        };
        let invalid = || SessionError::InvalidValue {
            name: name.to_owned(),
            value: value.clone(),
        };
        let stored = match name {
            "statement_timeout" => {
                let d = parse_duration(&value).ok_or_else(invalid)?;
                let d = match (d.is_zero(), self.max_timeout) {
                    (true, Some(m)) => m,
                    (false, Some(m)) => d.min(m),
                    (_, None) => d,
                };
                format_ms(d.as_millis() as u64)
            }
            "client_encoding" => {
                let v = value.to_ascii_uppercase().replace('-', "");
                if v != "UTF8" && v != "UNICODE" {
                    return Err(SessionError::Unsupported(format!(
                        "client encoding \"{value}\" is not supported: only UTF8"
                    )));
                }
                "UTF8".to_owned()
            }
            "extra_float_digits" => {
                let n: i32 = value.trim().parse().map_err(|_| invalid())?;
                if !(-15..=3).contains(&n) {
                    return Err(invalid());
                }
                n.to_string()
            }
            "transaction_read_only" | "default_transaction_read_only" => {
                if matches!(
                    value.to_ascii_lowercase().as_str(),
                    "off" | "false" | "0" | "no"
                ) {
                    return Err(SessionError::Unsupported(
                        "this server is read-only: transactions cannot be read-write".into(),
                    ));
                }
                "on".to_owned()
            }
            _ => value,
        };
        self.values.insert(name.to_owned(), stored);
        Ok(())
    }
}

fn format_ms(ms: u64) -> String {
    if ms == 0 {
        "0".into()
    } else if ms.is_multiple_of(1000) {
        format!("{}s", ms / 1000)
    } else {
        format!("{ms}ms")
    }
}

/// Parses PostgreSQL duration text: a bare number is milliseconds; units us, ms, s, min, h, d.
pub fn parse_duration(text: &str) -> Option<Duration> {
    let t = text.trim().trim_matches('\'').trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: f64 = num.parse().ok()?;
    if n < 0.0 {
        return None;
    }
    let ms = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "ms" => n,
        "us" => n / 1000.0,
        "s" => n * 1000.0,
        "min" => n * 60_000.0,
        "h" => n * 3_600_000.0,
        "d" => n * 86_400_000.0,
        _ => return None,
    };
    Some(Duration::from_micros((ms * 1000.0) as u64))
}

/// True for the settings the proxy knows (SHOW of anything else, like `SHOW TABLES`, goes to the engine).
pub fn is_known_setting(name: &str) -> bool {
    name == "all" || SETTINGS.iter().any(|(k, _, _)| *k == name)
}

/// Recognises a session command; `None` means "not mine" (the statement goes on to the guard).
/// `SHOW x` is ours only when `x` is a setting we know.
pub fn parse(sql: &str) -> Option<SessionCommand> {
    match parse_any(sql)? {
        SessionCommand::Show(name) if !is_known_setting(&name) => None,
        cmd => Some(cmd),
    }
}

fn parse_any(sql: &str) -> Option<SessionCommand> {
    let text = super::split::strip_leading_comments(sql)
        .trim()
        .trim_end_matches(';')
        .trim();
    let words: Vec<&str> = text.split_whitespace().collect();
    let lower: Vec<String> = words.iter().map(|w| w.to_ascii_lowercase()).collect();
    let w = |i: usize| lower.get(i).map(String::as_str).unwrap_or("");
    match w(0) {
        "begin" => Some(SessionCommand::Begin),
        "start" if w(1) == "transaction" => Some(SessionCommand::Begin),
        "commit" | "end" => Some(SessionCommand::Commit),
        "abort" => Some(SessionCommand::Rollback),
        "rollback"
            if w(1) == "to"
                || (w(1) == "transaction" && w(2) == "to")
                || (w(1) == "work" && w(2) == "to") =>
        {
            Some(SessionCommand::RollbackTo)
        }
        "rollback" if lower.iter().skip(1).any(|x| x == "prepared") => None,
        "rollback" => Some(SessionCommand::Rollback),
        "savepoint" => Some(SessionCommand::Savepoint),
        "release" => Some(SessionCommand::Release),
        "discard" if w(1) == "all" => Some(SessionCommand::DiscardAll),
        "deallocate" => Some(SessionCommand::Deallocate(
            w(1) == "all" || (w(1) == "prepare" && w(2) == "all"),
        )),
        "show" if words.len() >= 2 => {
            let name = match (w(1), w(2)) {
                ("transaction", "isolation") => "transaction_isolation".to_owned(),
                ("time", "zone") => "timezone".to_owned(),
                _ => unquote(&lower[1..].join(" ")),
            };
            Some(SessionCommand::Show(name))
        }
        "reset" if words.len() >= 2 => Some(SessionCommand::Reset(match w(1) {
            "all" => None,
            _ => Some(unquote(w(1))),
        })),
        "set" => parse_set(text, &lower),
        _ => None,
    }
}

fn parse_set(text: &str, lower: &[String]) -> Option<SessionCommand> {
    let mut i = 1;
    if matches!(
        lower.get(1).map(String::as_str),
        Some("session") | Some("local")
    ) {
        if lower.get(2).map(String::as_str) == Some("characteristics") {
            return Some(SessionCommand::TransactionMode);
        }
        i = 2;
    }
    match lower.get(i).map(String::as_str) {
        Some("transaction") => return Some(SessionCommand::TransactionMode),
        Some("time") if lower.get(i + 1).map(String::as_str) == Some("zone") => {
            let value = lower[i + 2..].join(" ");
            let value = if value == "default" || value == "local" {
                None
            } else {
                Some(unquote(&original_tail(text, i + 2)))
            };
            return Some(SessionCommand::Set {
                name: "timezone".into(),
                value,
            });
        }
        Some("names") => {
            return Some(SessionCommand::Set {
                name: "client_encoding".into(),
                value: Some(unquote(&original_tail(text, i + 1))),
            })
        }
        Some("session") if lower.get(i + 1).map(String::as_str) == Some("authorization") => {
            return Some(SessionCommand::Set {
                name: "session_authorization".into(),
                value: None,
            })
        }
        Some("role") => {
            return Some(SessionCommand::Set {
                name: "role".into(),
                value: None,
            })
        }
        _ => {}
    }
    // name = value | name TO value; the name may be glued to '=' ("x=1").
    let rest = original_tail(text, i);
    let (name, value) = match rest.find('=') {
        Some(eq) if !rest[..eq].trim().contains(char::is_whitespace) => (
            rest[..eq].trim().to_owned(),
            rest[eq + 1..].trim().to_owned(),
        ),
        _ => {
            let mut parts = rest.splitn(2, char::is_whitespace);
            let name = parts.next()?.to_owned();
            let tail = parts.next().unwrap_or("").trim();
            let tail = tail
                .strip_prefix("TO ")
                .or_else(|| tail.strip_prefix("to "))
                .or_else(|| tail.strip_prefix("To "))
                .unwrap_or(tail);
            (name, tail.trim().to_owned())
        }
    };
    if name.is_empty() || value.is_empty() {
        return None;
    }
    let name = unquote(&name.to_ascii_lowercase());
    let value = if value.eq_ignore_ascii_case("default") {
        None
    } else {
        Some(
            value
                .split(',')
                .map(|v| unquote(v.trim()))
                .collect::<Vec<_>>()
                .join(", "),
        )
    };
    Some(SessionCommand::Set { name, value })
}

/// The original text from word index `n` on.
fn original_tail(text: &str, n: usize) -> String {
    let mut rest = text.trim_start();
    for _ in 0..n {
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        rest = rest[end..].trim_start();
    }
    rest.to_owned()
}

fn unquote(s: &str) -> String {
    let t = s.trim();
    if t.len() >= 2
        && ((t.starts_with('\'') && t.ends_with('\'')) || (t.starts_with('"') && t.ends_with('"')))
    {
        t[1..t.len() - 1].to_owned()
    } else {
        t.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_commands_clients_send() {
        assert_eq!(
            parse("SET extra_float_digits = 3"),
            Some(SessionCommand::Set {
                name: "extra_float_digits".into(),
                value: Some("3".into())
            })
        );
        assert_eq!(
            parse("SET application_name = 'PostgreSQL JDBC Driver'"),
            Some(SessionCommand::Set {
                name: "application_name".into(),
                value: Some("PostgreSQL JDBC Driver".into())
            })
        );
        assert_eq!(
            parse("set search_path to public, \"$user\""),
            Some(SessionCommand::Set {
                name: "search_path".into(),
                value: Some("public, $user".into())
            })
        );
        assert_eq!(
            parse("SET TIME ZONE 'UTC'"),
            Some(SessionCommand::Set {
                name: "timezone".into(),
                value: Some("UTC".into())
            })
        );
        assert_eq!(
            parse("SHOW TRANSACTION ISOLATION LEVEL"),
            Some(SessionCommand::Show("transaction_isolation".into()))
        );
        assert_eq!(parse("BEGIN READ ONLY"), Some(SessionCommand::Begin));
        assert_eq!(
            parse("START TRANSACTION ISOLATION LEVEL SERIALIZABLE"),
            Some(SessionCommand::Begin)
        );
        assert_eq!(
            parse("ROLLBACK TO SAVEPOINT a"),
            Some(SessionCommand::RollbackTo)
        );
        assert_eq!(
            parse("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY"),
            Some(SessionCommand::TransactionMode)
        );
        assert_eq!(parse("SELECT 1"), None);
        assert_eq!(
            parse("SHOW TABLES"),
            None,
            "not a setting: the engine answers it"
        );
        assert_eq!(parse("-- x\nCOMMIT;"), Some(SessionCommand::Commit));
    }

    #[test]
    fn statement_timeout_is_clamped_to_the_server_maximum() {
        let mut s = Settings::new(Some(Duration::from_secs(10)));
        s.apply(&parse("SET statement_timeout = '1h'").unwrap())
            .unwrap();
        assert_eq!(s.statement_timeout(), Some(Duration::from_secs(10)));
        s.apply(&parse("SET statement_timeout TO 250").unwrap())
            .unwrap();
        assert_eq!(s.statement_timeout(), Some(Duration::from_millis(250)));
        s.apply(&parse("SET statement_timeout = 0").unwrap())
            .unwrap();
        assert_eq!(s.statement_timeout(), Some(Duration::from_secs(10)));
    }

    #[test]
    fn sandbox_and_unknown_settings_are_refused() {
        let mut s = Settings::new(None);
        assert!(matches!(
            s.apply(&parse("SET enable_external_access = true").unwrap()),
            Err(SessionError::Forbidden(_))
        ));
        assert!(s
            .apply(&parse("SET server_version = '1'").unwrap())
            .is_err());
        assert!(s
            .apply(&parse("SET client_encoding = 'LATIN1'").unwrap())
            .is_err());
        assert!(s
            .apply(&parse("SET extra_float_digits = x").unwrap())
            .is_err());
        assert_eq!(
            s.apply(&parse("SHOW DateStyle").unwrap()).unwrap(),
            Reply::Rows {
                column: "DateStyle".into(),
                rows: vec![("DateStyle".into(), "ISO, MDY".into(), String::new())],
                all: false
            }
        );
    }
}
