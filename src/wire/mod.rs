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

use crate::agent::nl::NlEngine;
use crate::catalog::semantic::SemanticModel;
use crate::config::Config;
use crate::engine::Engine;

/// The version we report: PostgreSQL 16 protocol and catalog semantics.
pub const SERVER_VERSION: &str = "16.6";

/// What every connection shares: configuration, the engine, the NL engine, the cancel registry.
pub struct ServerState {
    pub config: Config,
    pub engine: Arc<dyn Engine>,
    /// The semantic NL→SQL engine over the catalog (a catalog file, or a model inferred from the schema).
    pub nl: Arc<NlEngine>,
    pub cancels: Arc<cancel::CancelRegistry>,
}

impl ServerState {
    pub fn new(config: Config, engine: Arc<dyn Engine>) -> Arc<Self> {
        let snapshot = engine.snapshot();
        let model = SemanticModel::load_dir(&config.catalog_dir, &snapshot).unwrap_or_else(|e| {
            tracing::warn!(cause = %e, dir = %config.catalog_dir.display(), "catalog file unusable; inferring the model from the schema");
            SemanticModel::infer(&snapshot)
        });
        tracing::info!(
            measures = model.measures.len(),
            dimensions = model.dimensions.len(),
            "semantic model ready"
        );
        Arc::new(Self {
            config,
            engine,
            nl: Arc::new(NlEngine::new(Arc::new(model))),
            cancels: Arc::new(cancel::CancelRegistry::default()),
        })
    }
}
