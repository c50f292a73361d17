//! The accept loop, shaped like mini-redis: a semaphore bounds connections, each connection runs in its own
//! task with its own handlers and engine session, and a shutdown future stops accepting and lets running
//! connections finish up to a deadline.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use crate::wire::handler::{ConnHandler, Session};
use crate::wire::ServerState;

/// How long running connections may take to finish after shutdown was requested.
pub const DRAIN_DEADLINE: Duration = Duration::from_secs(10);

/// Serves connections from `listener` until `shutdown` resolves.
pub async fn run(
    listener: TcpListener,
    state: Arc<ServerState>,
    shutdown: impl Future<Output = ()>,
) {
    let limit = Arc::new(Semaphore::new(state.config.max_connections));
    let tasks = tokio_util_tracker::Tracker::default();
    let refresher = state.spawn_refresher();
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => {
                let (socket, addr) = match accepted {
                    Ok(a) => a,
                    Err(e) => {
                        // Accept errors (EMFILE and friends) are transient: back off briefly and go on.
                        tracing::warn!(cause = %e, "accept failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let Ok(permit) = limit.clone().try_acquire_owned() else {
                    tracing::warn!(%addr, "too many connections; refusing");
                    state.metrics.connection_refused();
                    drop(socket);
                    continue;
                };
                let state = state.clone();
                tasks.spawn(async move {
                    let _permit = permit;
                    let _open = state.metrics.connection_opened();
                    let engine = match state.engine.open_session() {
                        Ok(e) => e,
                        Err(e) => {
                            tracing::error!(cause = %e, "cannot open engine session");
                            return;
                        }
                    };
                    let session = Arc::new(Session::new(state, engine));
                    let handler = Arc::new(ConnHandler::new(session));
                    if let Err(e) = pgwire::tokio::process_socket(socket, None, handler).await {
                        tracing::debug!(%addr, cause = %e, "connection ended with error");
                    }
                });
            }
        }
    }
    refresher.abort();
    tracing::info!("shutting down: waiting for running connections");
    tasks.drain(DRAIN_DEADLINE).await;
}

/// Tracks spawned connection tasks so shutdown can wait for them.
mod tokio_util_tracker {
    use std::time::Duration;

    use tokio::task::JoinSet;

    #[derive(Default)]
    pub struct Tracker {
        set: std::sync::Mutex<JoinSet<()>>,
    }

    impl Tracker {
        pub fn spawn<F>(&self, fut: F)
        where
            F: std::future::Future<Output = ()> + Send + 'static,
        {
            if let Ok(mut s) = self.set.lock() {
                // Reap finished tasks so the set does not grow with every connection ever made.
                while s.try_join_next().is_some() {}
                s.spawn(fut);
            }
        }

        pub async fn drain(&self, deadline: Duration) {
            let mut set = match self.set.lock() {
                Ok(mut s) => std::mem::take(&mut *s),
                Err(_) => return,
            };
            let _ =
                tokio::time::timeout(deadline, async { while set.join_next().await.is_some() {} })
                    .await;
            set.abort_all();
        }
    }
}
