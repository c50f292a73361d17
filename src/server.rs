//! The accept loop, shaped like mini-redis: a semaphore bounds connections, each connection runs in its own
//! task with its own handlers and engine session, and a shutdown future stops accepting, lets each connection
//! finish its running statement and closes it once idle, up to the configured deadline (see `wire::shutdown`).

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use crate::wire::handler::{ConnHandler, Session};
use crate::wire::ServerState;

/// After its last statement, how long a closing connection keeps reading (to answer a pipelined Sync).
const CLOSE_GRACE: Duration = Duration::from_millis(100);

/// Serves connections from `listener` until `shutdown` resolves.
pub async fn run(
    listener: TcpListener,
    state: Arc<ServerState>,
    shutdown: impl Future<Output = ()>,
) {
    let limit = Arc::new(Semaphore::new(state.config.max_connections));
    let tasks = tokio_util_tracker::Tracker::default();
    let refresher = state.spawn_refresher();
    let addr = listener.local_addr().unwrap_or(state.config.listen);
    state.auth.announce(addr, state.tls.mode);
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
                let tls = state.tls.acceptor();
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
                    let session = Arc::new(Session::new(state.clone(), engine));
                    let activity = session.activity.clone();
                    let handler = Arc::new(ConnHandler::new(session));
                    let conn = pgwire::tokio::process_socket(socket, tls, handler);
                    tokio::pin!(conn);
                    let ended = tokio::select! {
                        r = &mut conn => Some(r),
                        _ = state.shutdown.stopped() => None,
                    };
                    let ended = match ended {
                        Some(r) => r,
                        None => {
                            // Shutting down: the running statement (if any) finishes, then the connection closes.
                            while !activity.idle() {
                                tokio::select! {
                                    r = &mut conn => { log_end(addr, r); return; }
                                    _ = tokio::time::sleep(Duration::from_millis(10)) => {}
                                }
                            }
                            match tokio::time::timeout(CLOSE_GRACE, &mut conn).await {
                                Ok(r) => r,
                                Err(_) => Ok(()),
                            }
                        }
                    };
                    log_end(addr, ended);
                });
            }
        }
    }
    refresher.abort();
    state.shutdown.begin();
    drop(listener);
    let deadline = state.config.shutdown_timeout;
    tracing::info!(
        deadline_secs = deadline.as_secs(),
        "shutting down: running statements may finish"
    );
    tasks.drain(deadline).await;
    tracing::info!("shut down");
}

fn log_end(addr: std::net::SocketAddr, r: Result<(), std::io::Error>) {
    if let Err(e) = r {
        tracing::debug!(%addr, cause = %e, "connection ended with error");
    }
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
