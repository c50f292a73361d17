//! Cancellation that reaches the engine. A `CancelToken` belongs to one client session; the statement that runs
//! registers how to interrupt itself, and a CancelRequest, a statement timeout or a client disconnect all call
//! [`CancelToken::cancel`], which interrupts the running query instead of only dropping a future.

use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex};

/// Why a statement was interrupted; decides the error message (both answer SQLSTATE 57014).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CancelReason {
    User,
    Timeout,
}

type Interrupt = Arc<dyn Fn() + Send + Sync>;

#[derive(Default)]
struct Inner {
    /// 0 = not cancelled, 1 = user, 2 = timeout. Reset when a statement starts.
    reason: AtomicU8,
    /// How to interrupt the statement that runs now, if any.
    interrupt: Mutex<Option<Interrupt>>,
}

/// Shared between the session, its running statement and the cancel/timeout watchers. Cheap to clone.
#[derive(Clone, Default)]
pub struct CancelToken {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for CancelToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CancelToken")
            .field("reason", &self.reason())
            .finish()
    }
}

impl CancelToken {
    pub fn new() -> Self {
        Self::default()
    }

    /// Called by a statement as it starts: clears an old cancel and installs its interrupt function.
    pub fn begin(&self, interrupt: Interrupt) {
        self.inner.reason.store(0, Ordering::SeqCst);
        if let Ok(mut slot) = self.inner.interrupt.lock() {
            *slot = Some(interrupt);
        }
    }

    /// Called by a statement when it ends.
    pub fn end(&self) {
        if let Ok(mut slot) = self.inner.interrupt.lock() {
            *slot = None;
        }
    }

    /// Interrupts the running statement, if any, and remembers why.
    pub fn cancel(&self, reason: CancelReason) {
        let code = match reason {
            CancelReason::User => 1,
            CancelReason::Timeout => 2,
        };
        let _ = self
            .inner
            .reason
            .compare_exchange(0, code, Ordering::SeqCst, Ordering::SeqCst);
        let f = self.inner.interrupt.lock().ok().and_then(|s| s.clone());
        if let Some(f) = f {
            f();
        }
    }

    /// Why the current statement was cancelled, if it was.
    pub fn reason(&self) -> Option<CancelReason> {
        match self.inner.reason.load(Ordering::SeqCst) {
            1 => Some(CancelReason::User),
            2 => Some(CancelReason::Timeout),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    #[test]
    fn cancel_calls_the_installed_interrupt_once_per_call() {
        let hits = Arc::new(AtomicUsize::new(0));
        let t = CancelToken::new();
        t.cancel(CancelReason::User); // nothing running: only remembered
        let h = hits.clone();
        t.begin(Arc::new(move || {
            h.fetch_add(1, Ordering::SeqCst);
        }));
        assert_eq!(t.reason(), None, "begin clears an old cancel");
        t.cancel(CancelReason::Timeout);
        assert_eq!(hits.load(Ordering::SeqCst), 1);
        assert_eq!(t.reason(), Some(CancelReason::Timeout));
        t.end();
        t.cancel(CancelReason::User);
        assert_eq!(hits.load(Ordering::SeqCst), 1);
    }
}
