//! CancelRequest routing: maps a connection's (pid, secret key) to its session's [`CancelToken`], so a cancel
//! arriving on a new socket interrupts the query running in DuckDB rather than only dropping a future.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use bytes::Bytes;
use pgwire::api::cancel::CancelHandler;
use pgwire::messages::cancel::CancelRequest;

use crate::engine::{CancelReason, CancelToken};

type Key = (i32, Bytes);

/// Every live connection's cancel token, by its backend key.
#[derive(Default)]
pub struct CancelRegistry {
    tokens: Mutex<HashMap<Key, CancelToken>>,
}

impl CancelRegistry {
    pub fn register(&self, pid: i32, secret: Bytes, token: CancelToken) {
        if let Ok(mut m) = self.tokens.lock() {
            m.insert((pid, secret), token);
        }
    }

    pub fn unregister(&self, pid: i32, secret: &Bytes) {
        if let Ok(mut m) = self.tokens.lock() {
            m.remove(&(pid, secret.clone()));
        }
    }

    /// Cancels the statement of the connection with this key; unknown keys are ignored, as PostgreSQL does.
    pub fn cancel(&self, pid: i32, secret: &Bytes) -> bool {
        let token = self
            .tokens
            .lock()
            .ok()
            .and_then(|m| m.get(&(pid, secret.clone())).cloned());
        match token {
            Some(t) => {
                t.cancel(CancelReason::User);
                true
            }
            None => false,
        }
    }
}

/// pgwire's hook for CancelRequest messages.
pub struct CancelRouter(pub Arc<CancelRegistry>);

#[async_trait]
impl CancelHandler for CancelRouter {
    async fn on_cancel_request(&self, req: CancelRequest) {
        let found = self.0.cancel(req.pid, &req.secret_key.to_bytes());
        tracing::debug!(pid = req.pid, found, "cancel request");
    }
}
