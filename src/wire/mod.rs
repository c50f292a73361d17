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
use crate::agent::pipeline::Agent;
use crate::catalog::semantic::SemanticModel;
use crate::config::Config;
use crate::engine::Engine;
use crate::guard::{Guard, Policy};

/// The version we report: PostgreSQL 16 protocol and catalog semantics.
pub const SERVER_VERSION: &str = "16.6";

/// What every connection shares: configuration, the engine, the NL engine, the cancel registry.
pub struct ServerState {
    pub config: Config,
    pub engine: Arc<dyn Engine>,
    /// The semantic NL→SQL engine over the catalog (a catalog file, or a model inferred from the schema).
    pub nl: Arc<NlEngine>,
    /// Validates every statement (users' and the NL engine's) before the engine sees it.
    pub guard: Arc<Guard>,
    /// The NL pipeline (router, generators, validator, summarizer, memory).
    pub agent: Arc<Agent>,
    pub cancels: Arc<cancel::CancelRegistry>,
}

impl ServerState {
    /// Builds the shared state.
    ///
    /// # Errors
    /// When the guard's private parser cannot start.
    pub fn new(
        config: Config,
        engine: Arc<dyn Engine>,
    ) -> Result<Arc<Self>, crate::guard::GuardError> {
        let snapshot = engine.snapshot();
        let mut policy = Policy::for_tables(snapshot.tables.iter().map(|t| t.name.as_str()));
        policy.max_rows = Some(config.max_rows_sql);
        let guard = Arc::new(Guard::new(policy)?);
        let model = SemanticModel::load_dir(&config.catalog_dir, &snapshot).unwrap_or_else(|e| {
            tracing::warn!(cause = %e, dir = %config.catalog_dir.display(), "catalog file unusable; inferring the model from the schema");
            SemanticModel::infer(&snapshot)
        });
        tracing::info!(
            measures = model.measures.len(),
            dimensions = model.dimensions.len(),
            "semantic model ready"
        );
        let nl = Arc::new(NlEngine::new(Arc::new(model)));
        let agent = Arc::new(Agent::new(&config, nl.clone(), snapshot));
        Ok(Arc::new(Self {
            config,
            engine,
            nl,
            guard,
            agent,
            cancels: Arc::new(cancel::CancelRegistry::default()),
        }))
    }
}
