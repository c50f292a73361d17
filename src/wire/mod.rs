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

use std::collections::HashMap;
use std::sync::Arc;

use crate::agent::nl::NlEngine;
use crate::catalog::semantic::SemanticModel;
use crate::config::Config;
use crate::engine::Engine;
use crate::guard::policy::{PolicyError, UserPolicy};
use crate::guard::{Guard, GuardError, Policy};

/// The version we report: PostgreSQL 16 protocol and catalog semantics.
pub const SERVER_VERSION: &str = "16.6";

/// Why the shared state could not be built.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error(transparent)]
    Guard(#[from] GuardError),
    #[error(transparent)]
    Policy(#[from] PolicyError),
}

/// What every connection shares: configuration, the engine, the NL engine, the cancel registry.
pub struct ServerState {
    pub config: Config,
    pub engine: Arc<dyn Engine>,
    /// The semantic NL→SQL engine over the catalog (a catalog file, or a model inferred from the schema).
    pub nl: Arc<NlEngine>,
    /// Validates every statement (users' and the NL engine's) before the engine sees it.
    pub guard: Arc<Guard>,
    /// Users with a row-level policy: their own guard, the same checks plus the policy's row filters.
    pub user_guards: HashMap<String, Arc<Guard>>,
    pub cancels: Arc<cancel::CancelRegistry>,
}

impl ServerState {
    /// Builds the shared state.
    ///
    /// # Errors
    /// When the guard's private parser cannot start, or a row-level policy is invalid.
    pub fn new(config: Config, engine: Arc<dyn Engine>) -> Result<Arc<Self>, StateError> {
        let snapshot = engine.snapshot();
        let mut policy = Policy::for_tables(snapshot.tables.iter().map(|t| t.name.as_str()));
        policy.max_rows = Some(config.max_rows_sql);
        let mut user_guards = HashMap::new();
        for (user, entries) in &config.policies {
            let tables = snapshot.tables.iter().map(|t| t.name.as_str());
            let filter = UserPolicy::parse(user, entries, tables)?;
            tracing::info!(user = %user, tables = ?filter.tables().collect::<Vec<_>>(), "row-level policy loaded");
            let g = Guard::new(policy.clone())?.with_filter(Arc::new(filter));
            user_guards.insert(user.clone(), Arc::new(g));
        }
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
        Ok(Arc::new(Self {
            config,
            engine,
            nl: Arc::new(NlEngine::new(Arc::new(model))),
            guard,
            user_guards,
            cancels: Arc::new(cancel::CancelRegistry::default()),
        }))
    }

    /// The guard for `user`: their row-level policy's, or the server-wide one.
    pub fn guard_for(&self, user: &str) -> &Arc<Guard> {
        self.user_guards.get(user).unwrap_or(&self.guard)
    }
}
