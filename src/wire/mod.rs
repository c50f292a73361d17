//! The PostgreSQL wire protocol (pgwire): one [`handler::ConnHandler`] per client connection implements startup,
//! the simple and the extended query protocols and cancellation; [`encode`] turns Arrow batches into DataRows;
//! [`sqlstate`] is where errors of every layer get their SQLSTATE.

pub mod cancel;
pub mod encode;
pub mod exec;
pub mod handler;
pub mod params;
pub mod sqlstate;
pub mod startup;
pub mod types;

use std::sync::Arc;

use crate::config::Config;
use crate::engine::Engine;

/// The version we report: PostgreSQL 16 protocol and catalog semantics.
pub const SERVER_VERSION: &str = "16.6";

/// What every connection shares: configuration, the engine, the cancel registry.
pub struct ServerState {
    pub config: Config,
    pub engine: Arc<dyn Engine>,
    pub cancels: Arc<cancel::CancelRegistry>,
}

impl ServerState {
    pub fn new(config: Config, engine: Arc<dyn Engine>) -> Arc<Self> {
        Arc::new(Self {
            config,
            engine,
            cancels: Arc::new(cancel::CancelRegistry::default()),
        })
    }
}
