//! The audit log: one [`AuditRecord`] per statement, written as a JSON line by a tracing subscriber of its own
//! (events of target [`TARGET`], never mixed into the server's stderr log) to stdout or a file, and kept in a
//! bounded in-memory ring that `insights.query_log` is filled from. Passwords never reach a record: only
//! statement text, the question and the SQL that ran.

use std::collections::VecDeque;
use std::fs::OpenOptions;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use tracing_subscriber::filter::Targets;
use tracing_subscriber::fmt::writer::BoxMakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::Layer;

use crate::config::AuditSink;

/// The tracing target of audit events.
pub const TARGET: &str = "insights::audit";

/// Longest statement, question or SQL text kept in a record, in characters; longer text is cut with `…`.
pub const MAX_TEXT_CHARS: usize = 8192;

/// Plain SQL or a plain-English question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AuditKind {
    Sql,
    Nl,
}

impl AuditKind {
    pub const ALL: [AuditKind; 2] = [AuditKind::Sql, AuditKind::Nl];

    pub fn as_str(self) -> &'static str {
        match self {
            AuditKind::Sql => "sql",
            AuditKind::Nl => "nl",
        }
    }
}

/// The outcome written for a statement that succeeded.
pub const OUTCOME_OK: &str = "ok";

/// One statement, as it ended.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditRecord {
    /// Position in this server's log, from 1; assigned by [`AuditLog::record`].
    pub seq: u64,
    pub started_at: DateTime<Utc>,
    pub user_name: String,
    pub client_addr: String,
    pub application_name: String,
    pub kind: AuditKind,
    /// What the client sent: one statement of a simple query, a prepared statement's text, the `/*ask*/` text.
    pub statement: String,
    /// The plain-English question (NL only).
    pub question: Option<String>,
    /// The SQL that ran on the engine (after the guard's rewrite, or as the NL engine wrote it).
    pub sql: Option<String>,
    /// Rows sent to the client.
    pub rows: u64,
    pub duration: Duration,
    /// [`OUTCOME_OK`] or the SQLSTATE of the error.
    pub outcome: String,
    /// The error message, when it failed.
    pub error: Option<String>,
}

impl AuditRecord {
    pub fn duration_ms(&self) -> f64 {
        self.duration.as_secs_f64() * 1000.0
    }

    pub fn started_at_text(&self) -> String {
        self.started_at.to_rfc3339_opts(SecondsFormat::Micros, true)
    }

    /// Writes the record as an event of [`TARGET`] to the current tracing dispatcher.
    fn emit(&self) {
        tracing::info!(
            target: TARGET,
            started_at = %self.started_at_text(),
            user_name = %self.user_name,
            client_addr = %self.client_addr,
            application_name = %self.application_name,
            kind = self.kind.as_str(),
            statement = %self.statement,
            question = self.question.as_deref(),
            sql = self.sql.as_deref(),
            rows = self.rows,
            duration_ms = self.duration_ms(),
            outcome = %self.outcome,
            error = self.error.as_deref(),
        );
    }
}

/// Cuts `text` to [`MAX_TEXT_CHARS`].
pub fn clip(text: &str) -> String {
    match text.char_indices().nth(MAX_TEXT_CHARS) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}

/// Why the audit log could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    #[error("cannot open the audit log {path}: {source}")]
    Open {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The newest records, oldest first.
struct Ring {
    records: VecDeque<Arc<AuditRecord>>,
    keep: usize,
    last_seq: u64,
}

/// Where records go: the JSON-lines subscriber (unless the sink is off) and the ring.
pub struct AuditLog {
    dispatch: Option<tracing::Dispatch>,
    ring: Mutex<Ring>,
}

impl AuditLog {
    /// Opens the sink (a file is created or appended to) and an empty ring of `keep` records.
    ///
    /// # Errors
    /// When the file cannot be opened for appending.
    pub fn open(sink: &AuditSink, keep: usize) -> Result<AuditLog, AuditError> {
        let writer = match sink {
            AuditSink::Off => None,
            AuditSink::Stdout => Some(BoxMakeWriter::new(std::io::stdout)),
            AuditSink::File(path) => {
                let file = OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(path)
                    .map_err(|source| AuditError::Open {
                        path: path.clone(),
                        source,
                    })?;
                Some(BoxMakeWriter::new(Mutex::new(file)))
            }
        };
        let dispatch = writer.map(|w| {
            let layer = tracing_subscriber::fmt::layer()
                .json()
                .flatten_event(true)
                .with_current_span(false)
                .with_span_list(false)
                .without_time()
                .with_level(false)
                .with_target(false)
                .with_writer(w)
                .with_filter(Targets::new().with_target(TARGET, tracing::Level::INFO));
            tracing::Dispatch::new(tracing_subscriber::registry().with(layer))
        });
        Ok(AuditLog {
            dispatch,
            ring: Mutex::new(Ring {
                records: VecDeque::with_capacity(keep.min(1024)),
                keep,
                last_seq: 0,
            }),
        })
    }

    /// Numbers the record, writes its JSON line and keeps it in the ring; returns its number.
    pub fn record(&self, mut record: AuditRecord) -> u64 {
        let record = {
            let mut ring = self.ring.lock().unwrap_or_else(|p| p.into_inner());
            ring.last_seq += 1;
            record.seq = ring.last_seq;
            let record = Arc::new(record);
            if ring.keep > 0 {
                if ring.records.len() == ring.keep {
                    ring.records.pop_front();
                }
                ring.records.push_back(record.clone());
            }
            record
        };
        if let Some(d) = &self.dispatch {
            tracing::dispatcher::with_default(d, || record.emit());
        }
        record.seq
    }

    /// The kept records numbered after `seq`, oldest first.
    pub fn since(&self, seq: u64) -> Vec<Arc<AuditRecord>> {
        let ring = self.ring.lock().unwrap_or_else(|p| p.into_inner());
        ring.records
            .iter()
            .filter(|r| r.seq > seq)
            .cloned()
            .collect()
    }

    /// How many records the ring keeps at most.
    pub fn capacity(&self) -> usize {
        self.ring.lock().map(|r| r.keep).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(statement: &str) -> AuditRecord {
        AuditRecord {
            seq: 0,
            started_at: Utc::now(),
            user_name: "ana".into(),
            client_addr: "127.0.0.1:5000".into(),
            application_name: "psql".into(),
            kind: AuditKind::Nl,
            statement: statement.into(),
            question: Some("top \"5\" regions".into()),
            sql: None,
            rows: 5,
            duration: Duration::from_micros(1500),
            outcome: OUTCOME_OK.into(),
            error: None,
        }
    }

    #[test]
    fn records_are_json_lines_and_the_ring_keeps_the_newest() {
        let path = std::env::temp_dir().join(format!("ri-audit-unit-{}.jsonl", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let log = AuditLog::open(&AuditSink::File(path.clone()), 2).expect("opens");
        for s in ["one", "two", "three"] {
            log.record(record(s));
        }
        let kept: Vec<String> = log.since(0).iter().map(|r| r.statement.clone()).collect();
        assert_eq!(kept, ["two", "three"]);
        assert_eq!(log.since(2).len(), 1);
        let text = std::fs::read_to_string(&path).expect("written");
        let lines: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).expect("one JSON object a line"))
            .collect();
        assert_eq!(lines.len(), 3);
        let first = &lines[0];
        assert_eq!(first["statement"], "one");
        assert_eq!(first["user_name"], "ana");
        assert_eq!(first["kind"], "nl");
        assert_eq!(first["question"], "top \"5\" regions");
        assert_eq!(first["rows"], 5);
        assert_eq!(first["duration_ms"], 1.5);
        assert_eq!(first["outcome"], "ok");
        assert!(first.get("sql").is_none() && first.get("level").is_none());
        let _ = std::fs::remove_file(&path);
    }

    #[test]
    fn long_text_is_clipped() {
        let long = "x".repeat(MAX_TEXT_CHARS + 10);
        assert_eq!(clip(&long).chars().count(), MAX_TEXT_CHARS + 1);
        assert_eq!(clip("short"), "short");
    }
}
