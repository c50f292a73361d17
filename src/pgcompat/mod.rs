//! Client compatibility answered by the proxy itself: session commands (SET/SHOW/RESET, transaction control)
//! statement splitting that understands PostgreSQL's quoting, the pg_catalog emulation (created in the engine
//! at startup) and the client-quirk SQL rewrites applied before the guard.

pub mod catalog;
pub mod rewrite;
pub mod session;
pub mod split;
