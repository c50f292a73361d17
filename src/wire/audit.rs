//! One statement's audit record in the making. A [`Tracker`] starts when the statement arrives and learns the
//! question and the SQL that ran; it is finished at once (a command, an error) or handed to the result's row
//! stream, which finishes it at its last row, its first error, or when dropped early — so the record counts the
//! rows the client was really sent. A finished record goes to the metrics and the audit log.

use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

use futures::Stream;
use pgwire::api::results::{QueryResponse, SendableRowStream};
use pgwire::error::{PgWireError, PgWireResult};
use pgwire::messages::data::DataRow;

use super::handler::{Answer, Session};
use super::{sqlstate, ServerState};
use crate::agent::pipeline::Planned;
use crate::ops::audit::{clip, AuditKind, AuditRecord, OUTCOME_OK};

/// Why a result stream can end before its last row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EarlyEnd {
    /// Simple protocol: rows are sent until the end unless the socket fails, so the client is gone.
    ClientGone,
    /// Extended protocol: the client closed the portal (or its transaction) before reading every row.
    PortalClosed,
}

/// A statement being run.
pub struct Tracker {
    state: Arc<ServerState>,
    record: AuditRecord,
    started: Instant,
}

impl Tracker {
    /// Starts the record of `statement` for `session`'s user and current application_name.
    pub fn start(
        session: &Session,
        client: SocketAddr,
        kind: AuditKind,
        statement: &str,
    ) -> Tracker {
        Tracker {
            state: session.state.clone(),
            started: Instant::now(),
            record: AuditRecord {
                seq: 0,
                started_at: chrono::Utc::now(),
                user_name: session.user(),
                client_addr: client.to_string(),
                application_name: session.application_name(),
                kind,
                statement: clip(statement),
                question: None,
                sql: None,
                rows: 0,
                duration: Default::default(),
                outcome: OUTCOME_OK.to_owned(),
                error: None,
            },
        }
    }

    pub fn set_question(&mut self, question: &str) {
        self.record.question = Some(clip(question));
    }

    pub fn set_sql(&mut self, sql: &str) {
        self.record.sql = Some(clip(sql));
    }

    /// Notes the SQL an answer runs (precomputed answers run none of their own).
    pub fn set_answer(&mut self, answer: &Answer) {
        if let Planned::Query { sql, .. } = &answer.planned {
            self.set_sql(sql);
        }
    }

    /// Finishes the record: `rows` sent, and the error if the statement failed.
    pub fn finish(self, rows: u64, error: Option<&PgWireError>) {
        let outcome = error.map(|e| match e {
            PgWireError::UserError(info) => (info.code.clone(), info.message.clone()),
            PgWireError::IoError(_) => (sqlstate::CONNECTION_FAILURE.to_owned(), e.to_string()),
            other => (other.code().to_owned(), other.to_string()),
        });
        self.end(rows, outcome);
    }

    fn end(mut self, rows: u64, outcome: Option<(String, String)>) {
        self.record.rows = rows;
        self.record.duration = self.started.elapsed();
        if let Some((code, message)) = outcome {
            self.record.outcome = code;
            self.record.error = Some(clip(&message));
        }
        self.state.metrics.observe(&self.record);
        self.state.audit.record(self.record);
    }

    /// Hands the record to `response`'s row stream, which finishes it.
    pub fn follow(self, mut response: QueryResponse, early: EarlyEnd) -> QueryResponse {
        let rows = std::mem::replace(&mut response.data_rows, Box::pin(futures::stream::empty()));
        response.data_rows = Box::pin(Followed {
            rows,
            tracker: Some(self),
            sent: 0,
            early,
        });
        response
    }
}

/// A statement's tracker until something takes it over; whatever is left is finished by [`Pending::done`].
pub struct Pending(Option<Tracker>);

impl Pending {
    pub fn new(tracker: Tracker) -> Pending {
        Pending(Some(tracker))
    }

    /// Nothing to record (an empty statement).
    pub fn none() -> Pending {
        Pending(None)
    }

    pub fn tracker(&mut self) -> Option<&mut Tracker> {
        self.0.as_mut()
    }

    /// Lets `response`'s rows finish the record.
    pub fn follow(&mut self, response: QueryResponse, early: EarlyEnd) -> QueryResponse {
        match self.0.take() {
            Some(t) => t.follow(response, early),
            None => response,
        }
    }

    /// Finishes the record unless a row stream took it: no rows, and `result`'s error if any.
    pub fn done<T>(self, result: &PgWireResult<T>) {
        if let Some(t) = self.0 {
            t.finish(0, result.as_ref().err());
        }
    }
}

/// A row stream that counts what it yields and finishes the record when it ends.
struct Followed {
    rows: SendableRowStream,
    tracker: Option<Tracker>,
    sent: u64,
    early: EarlyEnd,
}

impl Stream for Followed {
    type Item = PgWireResult<DataRow>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        let item = match this.rows.as_mut().poll_next(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(item) => item,
        };
        match &item {
            Some(Ok(_)) => this.sent += 1,
            Some(Err(e)) => {
                if let Some(t) = this.tracker.take() {
                    t.finish(this.sent, Some(e));
                }
            }
            None => {
                if let Some(t) = this.tracker.take() {
                    t.finish(this.sent, None);
                }
            }
        }
        Poll::Ready(item)
    }
}

impl Drop for Followed {
    fn drop(&mut self) {
        let Some(t) = self.tracker.take() else {
            return;
        };
        match self.early {
            EarlyEnd::PortalClosed => t.end(self.sent, None),
            EarlyEnd::ClientGone => t.end(
                self.sent,
                Some((
                    sqlstate::CONNECTION_FAILURE.to_owned(),
                    "the client went away before the last row".to_owned(),
                )),
            ),
        }
    }
}
