//! Retail Insights: a PostgreSQL-wire server over a retail sales lake, answering SQL and plain English.
//!
//! Layout, in the order a statement flows:
//! - [`wire`]: the Postgres protocol (startup, simple and extended query, encoding, errors, cancel).
//! - [`pgcompat`]: session commands and client-compatibility shims answered by the proxy itself.
//! - [`agent`]: natural-language questions: marker detection, the semantic NL→SQL engine.
//! - [`guard`]: validation and rewriting of every statement before it reaches the engine.
//! - [`engine`]: the execution engine trait and its DuckDB implementation (sandbox, cancel, streaming).
//! - [`catalog`]: what the lake holds: table schemas, statistics and the semantic model.
//! - [`demo`]: the deterministic demo-lake generator.
//! - [`config`]: the one TOML file, overridden by `INSIGHTS_*` variables and flags.
//! - [`ops`]: the audit log and `insights.query_log`, metrics, the `/health` and `/metrics` listener.

pub mod agent;
pub mod catalog;
pub mod config;
pub mod demo;
pub mod engine;
pub mod guard;
pub mod ops;
pub mod pgcompat;
pub mod server;
pub mod wire;
