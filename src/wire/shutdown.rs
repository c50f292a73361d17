//! Graceful shutdown: on SIGTERM the server stops accepting, refuses new statements with 57P01 (as PostgreSQL's
//! "terminating connection due to administrator command"), lets each connection finish the statement it is
//! running, closes it once idle, and cancels whatever still runs at the deadline.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use pgwire::error::{ErrorInfo, PgWireError};
use tokio::sync::watch;

/// SQLSTATE admin_shutdown.
pub const ADMIN_SHUTDOWN: &str = "57P01";

/// The server-wide "stopping" flag.
#[derive(Debug)]
pub struct Shutdown {
    tx: watch::Sender<bool>,
}

impl Default for Shutdown {
    fn default() -> Self {
        Self {
            tx: watch::channel(false).0,
        }
    }
}

impl Shutdown {
    pub fn begin(&self) {
        self.tx.send_replace(true);
    }

    pub fn is_stopping(&self) -> bool {
        *self.tx.borrow()
    }

    /// Resolves once shutdown has begun.
    pub async fn stopped(&self) {
        let mut rx = self.tx.subscribe();
        let _ = rx.wait_for(|s| *s).await;
    }

    /// The error a statement gets once shutdown has begun.
    pub fn refusal() -> PgWireError {
        PgWireError::UserError(Box::new(ErrorInfo::new(
            "FATAL".to_owned(),
            ADMIN_SHUTDOWN.to_owned(),
            "terminating connection due to administrator command".to_owned(),
        )))
    }
}

/// Statements a connection is running (including ones whose rows are still being sent).
#[derive(Debug, Clone, Default)]
pub struct Activity(Arc<AtomicUsize>);

/// Marks a connection busy while alive.
#[derive(Debug)]
pub struct Busy(Arc<AtomicUsize>);

impl Activity {
    pub fn enter(&self) -> Busy {
        self.0.fetch_add(1, Ordering::SeqCst);
        Busy(self.0.clone())
    }

    pub fn idle(&self) -> bool {
        self.0.load(Ordering::SeqCst) == 0
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn busy_until_every_guard_is_dropped() {
        let a = Activity::default();
        assert!(a.idle());
        let one = a.enter();
        let two = a.clone().enter();
        drop(one);
        assert!(!a.idle());
        drop(two);
        assert!(a.idle());
    }

    #[tokio::test]
    async fn stopped_resolves_after_begin() {
        let s = Arc::new(Shutdown::default());
        assert!(!s.is_stopping());
        let waiter = tokio::spawn({
            let s = s.clone();
            async move { s.stopped().await }
        });
        s.begin();
        waiter.await.unwrap();
        assert!(s.is_stopping());
    }
}
