//! The HTTP listener for operators (`http_listen`): `GET /health` answers 503 until the catalog has loaded and
//! 200 `{"status":"ready",…}` from then on; `GET /metrics` answers the Prometheus text exposition. HTTP/1.1
//! by hyper; nothing else is served.

use std::convert::Infallible;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::{HeaderValue, CONTENT_TYPE};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;

use super::metrics;
use crate::wire::ServerState;

/// How long a client may take to send its request headers.
const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// The Prometheus text format's content type.
const METRICS_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// The server's state, set once the catalog has loaded: until then the server is not ready.
#[derive(Default)]
pub struct Readiness(OnceLock<Arc<ServerState>>);

impl Readiness {
    /// Marks the server ready (later calls change nothing).
    pub fn set(&self, state: Arc<ServerState>) {
        let _ = self.0.set(state);
    }

    pub fn get(&self) -> Option<&Arc<ServerState>> {
        self.0.get()
    }
}

/// Serves `/health` and `/metrics` on `listener` for as long as the task runs.
pub async fn serve(listener: TcpListener, ready: Arc<Readiness>) {
    loop {
        let stream = match listener.accept().await {
            Ok((s, _)) => s,
            Err(e) => {
                tracing::warn!(cause = %e, "HTTP accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let ready = ready.clone();
        tokio::spawn(async move {
            let service = service_fn(move |req: Request<Incoming>| {
                let response = answer(&req, &ready);
                async move { Ok::<_, Infallible>(response) }
            });
            let served = http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_TIMEOUT)
                .serve_connection(TokioIo::new(stream), service)
                .await;
            if let Err(e) = served {
                tracing::debug!(cause = %e, "HTTP connection ended with error");
            }
        });
    }
}

fn reply(status: StatusCode, content_type: &'static str, body: String) -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(Bytes::from(body)));
    *r.status_mut() = status;
    r.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    r
}

fn answer(req: &Request<Incoming>, ready: &Readiness) -> Response<Full<Bytes>> {
    if req.method() != Method::GET {
        let mut r = reply(
            StatusCode::METHOD_NOT_ALLOWED,
            "text/plain",
            "only GET\n".into(),
        );
        r.headers_mut()
            .insert(hyper::header::ALLOW, HeaderValue::from_static("GET"));
        return r;
    }
    let json = "application/json";
    match (req.uri().path(), ready.get()) {
        ("/health", Some(state)) => {
            let body = serde_json::json!({
                "status": "ready",
                "tables": state.engine.snapshot().tables.len(),
                "version": env!("CARGO_PKG_VERSION"),
            });
            reply(StatusCode::OK, json, format!("{body}\n"))
        }
        ("/health", None) => reply(
            StatusCode::SERVICE_UNAVAILABLE,
            json,
            "{\"status\":\"starting\"}\n".into(),
        ),
        ("/metrics", Some(state)) => reply(
            StatusCode::OK,
            METRICS_TYPE,
            state.metrics.render(&state.metrics_snapshot()),
        ),
        ("/metrics", None) => reply(StatusCode::OK, METRICS_TYPE, metrics::render_starting()),
        _ => reply(
            StatusCode::NOT_FOUND,
            "text/plain",
            "not found: try /health or /metrics\n".into(),
        ),
    }
}
