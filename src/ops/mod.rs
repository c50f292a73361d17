//! Operations: what the people running the server see. [`audit`] records every statement (JSON lines through
//! tracing, and an in-memory ring), [`query_log`] serves that ring to admins as `insights.query_log`,
//! [`metrics`] counts connections, statements and latencies, and [`http`] answers `/health` and `/metrics`.

pub mod audit;
pub mod http;
pub mod metrics;
pub mod query_log;
