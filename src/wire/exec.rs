//! Runs one statement on the engine off the async runtime and turns it into a streaming QueryResponse: the
//! engine runs in `spawn_blocking`, encodes each Arrow batch into DataRows there, and hands them over a small
//! bounded channel, so the whole result is never held in memory and a slow client slows the query down.
//! The statement timeout and a dropped stream (client gone, portal closed) interrupt the engine.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use futures::stream;
use pgwire::api::results::QueryResponse;
use pgwire::error::{PgWireError, PgWireResult};
use pgwire::messages::data::DataRow;
use tokio::sync::mpsc;

use super::encode::{encode_batch, ColumnPlan};
use super::sqlstate;
use super::types::field_infos;
use crate::engine::{
    CancelReason, CancelToken, ColumnDesc, EngineError, EngineSession, ParamValue, RecordBatch,
    ResultSink,
};

/// Batches of rows in flight between the engine thread and the socket.
const CHANNEL_DEPTH: usize = 4;

enum Msg {
    Columns(Vec<ColumnDesc>),
    Rows(Vec<DataRow>),
    Failed(PgWireError),
    Done,
}

/// Encodes batches on the engine's thread and sends them to the socket task.
struct ChannelSink {
    tx: mpsc::Sender<Msg>,
    binary: Vec<bool>,
    plan: Vec<ColumnPlan>,
}

impl ResultSink for ChannelSink {
    fn columns(&mut self, columns: Vec<ColumnDesc>) -> bool {
        self.plan = columns
            .iter()
            .enumerate()
            .map(|(i, c)| ColumnPlan {
                name: c.name.clone(),
                ty: c.ty.clone(),
                binary: self.binary.get(i).copied().unwrap_or(false),
            })
            .collect();
        self.tx.blocking_send(Msg::Columns(columns)).is_ok()
    }

    fn batch(&mut self, batch: RecordBatch) -> bool {
        match encode_batch(&batch, &self.plan) {
            Ok(rows) => self.tx.blocking_send(Msg::Rows(rows)).is_ok(),
            Err(e) => {
                let _ = self.tx.blocking_send(Msg::Failed(sqlstate::user_error(
                    sqlstate::FEATURE_NOT_SUPPORTED,
                    e.to_string(),
                )));
                false
            }
        }
    }
}

/// Stops the timeout timer and, if the stream is dropped before the end, interrupts the engine.
struct RunGuard {
    timer: Option<tokio::task::JoinHandle<()>>,
    cancel: CancelToken,
    finished: bool,
}

impl Drop for RunGuard {
    fn drop(&mut self) {
        if let Some(t) = self.timer.take() {
            t.abort();
        }
        if !self.finished {
            self.cancel.cancel(CancelReason::User);
        }
    }
}

/// The result of starting a statement: its columns and the stream of its rows.
pub struct Started {
    pub columns: Vec<ColumnDesc>,
    pub response: QueryResponse,
}

/// Starts `sql` and waits for its row shape (or its error). `binary[i]` says whether column i goes in binary.
pub async fn start(
    engine: Arc<dyn EngineSession>,
    cancel: CancelToken,
    sql: String,
    params: Vec<ParamValue>,
    binary: Vec<bool>,
    timeout: Option<Duration>,
) -> PgWireResult<Started> {
    let (tx, mut rx) = mpsc::channel::<Msg>(CHANNEL_DEPTH);
    let timer = timeout.map(|t| {
        let c = cancel.clone();
        tokio::spawn(async move {
            tokio::time::sleep(t).await;
            c.cancel(CancelReason::Timeout);
        })
    });
    let mut guard = RunGuard {
        timer,
        cancel: cancel.clone(),
        finished: false,
    };
    let token = cancel.clone();
    let binary_fields = binary.clone();
    tokio::task::spawn_blocking(move || {
        let mut sink = ChannelSink {
            tx: tx.clone(),
            binary,
            plan: Vec::new(),
        };
        let result: Result<u64, EngineError> = engine.execute(&sql, &params, &token, &mut sink);
        let _ = match result {
            Ok(_) => tx.blocking_send(Msg::Done),
            Err(e) => tx.blocking_send(Msg::Failed(e.into())),
        };
    });
    let columns = match rx.recv().await {
        Some(Msg::Columns(c)) => c,
        Some(Msg::Failed(e)) => {
            guard.finished = true;
            return Err(e);
        }
        Some(Msg::Done) | Some(Msg::Rows(_)) | None => {
            guard.finished = true;
            Vec::new()
        }
    };
    let fields = Arc::new(field_infos(&columns, &binary_fields));
    let state = (rx, VecDeque::<DataRow>::new(), guard, false);
    let rows = stream::unfold(state, |(mut rx, mut buf, mut guard, mut done)| async move {
        loop {
            if let Some(r) = buf.pop_front() {
                return Some((Ok(r), (rx, buf, guard, done)));
            }
            if done {
                return None;
            }
            match rx.recv().await {
                Some(Msg::Rows(rows)) => buf.extend(rows),
                Some(Msg::Columns(_)) => {}
                Some(Msg::Done) | None => {
                    guard.finished = true;
                    done = true;
                }
                Some(Msg::Failed(e)) => {
                    guard.finished = true;
                    done = true;
                    return Some((Err(e), (rx, buf, guard, done)));
                }
            }
        }
    });
    Ok(Started {
        columns,
        response: QueryResponse::new(fields, rows),
    })
}
