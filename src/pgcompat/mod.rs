//! Client compatibility answered by the proxy itself: session commands (SET/SHOW/RESET, transaction control)
//! and statement splitting that understands PostgreSQL's quoting. Nothing here touches the engine.

pub mod session;
pub mod split;
