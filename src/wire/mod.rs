//! The PostgreSQL wire protocol (pgwire): one [`handler::ConnHandler`] per client connection implements startup,
//! the simple and the extended query protocols and cancellation; [`encode`] turns Arrow batches into DataRows;
//! [`sqlstate`] is where errors of every layer get their SQLSTATE; [`tls`] and [`auth`] decide who gets in.

pub mod audit;
pub mod auth;
pub mod cancel;
pub mod certgen;
pub mod encode;
pub mod exec;
pub mod handler;
pub mod params;
pub mod secret_file;
pub mod shutdown;
pub mod sqlstate;
pub mod startup;
pub mod tls;
pub mod types;
pub mod users;
pub mod verifier;

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use crate::agent::nl::NlEngine;
use crate::agent::pipeline::Agent;
use crate::catalog::semantic::SemanticModel;
use crate::config::Config;
use crate::engine::refresh::ERRORS_TABLE;
use crate::engine::{Engine, EngineError, RefreshReport};
use crate::guard::policy::{PolicyError, UserPolicy};
use crate::guard::{Guard, GuardError, Policy};
use crate::ops::audit::{AuditError, AuditLog};
use crate::ops::metrics::{Metrics, Snapshot};
use crate::ops::query_log::{self, QueryLog};

/// The version we report: PostgreSQL 16 protocol and catalog semantics.
pub const SERVER_VERSION: &str = "16.6";

/// Why the shared state could not be built.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error(transparent)]
    Guard(#[from] GuardError),
    #[error(transparent)]
    Policy(#[from] PolicyError),
    #[error("TLS: {0}")]
    Tls(#[from] tls::TlsError),
    #[error("authentication: {0}")]
    Auth(#[from] auth::AuthError),
    #[error(transparent)]
    Audit(#[from] AuditError),
}

/// What every connection shares: configuration, the engine, the NL engine, the cancel registry.
pub struct ServerState {
    pub config: Config,
    pub engine: Arc<dyn Engine>,
    /// The semantic NL→SQL engine over the catalog (a catalog file, or a model inferred from the schema);
    /// replaced when a refresh changes the lake.
    nl: RwLock<Arc<NlEngine>>,
    /// Validates every statement (users' and the NL engine's) before the engine sees it; its allowed tables
    /// follow the lake on refresh.
    guard: RwLock<Guards>,
    /// The NL pipeline (router, generators, validator, summarizer, memory); rebuilt with the NL engine.
    agent: RwLock<Arc<Agent>>,
    pub cancels: Arc<cancel::CancelRegistry>,
    /// Set on SIGTERM: statements are refused and connections close once idle.
    pub shutdown: shutdown::Shutdown,
    /// Backend keys: one generator for the server, so every connection gets its own process id.
    pub backend_keys: pgwire::api::RandomPidSecretKeyGenerator,
    /// The TLS acceptor and mode.
    pub tls: tls::Tls,
    /// Trust or SCRAM, with the users' verifiers.
    pub auth: auth::Auth,
    /// Every finished statement goes here (JSON lines and the ring behind `insights.query_log`).
    pub audit: AuditLog,
    pub metrics: Arc<Metrics>,
    query_log: QueryLog,
}

impl ServerState {
    /// Builds the shared state.
    ///
    /// # Errors
    /// When the guard's private parser cannot start, a row-level policy is invalid, the TLS certificate or key
    /// cannot be loaded, the users cannot, or the audit log cannot be opened.
    pub fn new(config: Config, engine: Arc<dyn Engine>) -> Result<Arc<Self>, StateError> {
        let tls = tls::Tls::load(&config)?;
        let auth = auth::Auth::load(&config, tls.cert_pem())?;
        let audit = AuditLog::open(&config.audit_log, config.query_log_size)?;
        let query_log = QueryLog::create(engine.as_ref());
        let snapshot = engine.snapshot();
        let guard = Guards::build(&config, &snapshot)?;
        let nl = Arc::new(Self::nl_engine(&config, &snapshot));
        let agent = Arc::new(Agent::new(&config, nl.clone(), snapshot));
        Ok(Arc::new(Self {
            config,
            engine,
            nl: RwLock::new(nl),
            guard: RwLock::new(guard),
            agent: RwLock::new(agent),
            cancels: Arc::new(cancel::CancelRegistry::default()),
            shutdown: shutdown::Shutdown::default(),
            backend_keys: Default::default(),
            tls,
            auth,
            audit,
            metrics: Arc::new(Metrics::default()),
            query_log,
        }))
    }

    /// True when `user` may read `insights.query_log`.
    pub fn is_admin(&self, user: &str) -> bool {
        self.config.admins.iter().any(|a| a == user)
    }

    /// Brings `insights.query_log` up to date before `sql` runs, when it may read it (blocking: call from a
    /// blocking thread). A failure leaves the table as it was and is logged.
    pub fn sync_query_log(&self, sql: &str) {
        if !QueryLog::is_read_by(sql) {
            return;
        }
        if let Err(e) = self.query_log.sync(&self.audit, self.engine.as_ref()) {
            tracing::warn!(cause = %e, "{} could not be brought up to date", query_log::TABLE);
        }
    }

    /// What `/metrics` reads from the engine.
    pub fn metrics_snapshot(&self) -> Snapshot {
        Snapshot {
            catalog_tables: self.engine.snapshot().tables.len(),
            cache: self.engine.cache_stats(),
        }
    }

    fn nl_engine(config: &Config, snapshot: &crate::catalog::schema::LakeSnapshot) -> NlEngine {
        let model = SemanticModel::load_dir(&config.catalog_dir, snapshot).unwrap_or_else(|e| {
            tracing::warn!(cause = %e, dir = %config.catalog_dir.display(), "catalog file unusable; inferring the model from the schema");
            SemanticModel::infer(snapshot)
        });
        tracing::info!(
            measures = model.measures.len(),
            dimensions = model.dimensions.len(),
            "semantic model ready"
        );
        NlEngine::new(Arc::new(model))
    }

    /// The server-wide guard for the lake as it is now.
    pub fn guard(&self) -> Arc<Guard> {
        self.guard_for("")
    }

    /// The guard for `user`: their row-level policy's, else the admins' (who may read `insights.query_log`),
    /// else the server-wide one.
    pub fn guard_for(&self, user: &str) -> Arc<Guard> {
        let g = match self.guard.read() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        if let Some(own) = g.users.get(user) {
            return own.clone();
        }
        match &g.admin {
            Some(admin) if self.is_admin(user) => admin.clone(),
            _ => g.shared.clone(),
        }
    }

    /// The NL pipeline for the lake as it is now.
    pub fn agent(&self) -> Arc<Agent> {
        match self.agent.read() {
            Ok(g) => g.clone(),
            Err(p) => p.into_inner().clone(),
        }
    }

    /// The NL engine for the lake as it is now.
    pub fn nl(&self) -> Arc<NlEngine> {
        match self.nl.read() {
            Ok(g) => g.clone(),
            Err(p) => p.into_inner().clone(),
        }
    }

    /// Refreshes the engine's catalog (blocking: call from a blocking thread); when tables were added, removed
    /// or changed, the guard's allowed tables and the NL model follow.
    pub fn refresh(&self, force: bool) -> Result<RefreshReport, RefreshError> {
        let report = self.engine.refresh(force)?;
        if report.touched().is_empty() {
            return Ok(report);
        }
        let snapshot = self.engine.snapshot();
        let guard = Guards::build(&self.config, &snapshot)?;
        let nl = Arc::new(Self::nl_engine(&self.config, &snapshot));
        let agent = Arc::new(Agent::new(&self.config, nl.clone(), snapshot));
        if let Ok(mut a) = self.agent.write() {
            *a = agent;
        }
        if let Ok(mut g) = self.guard.write() {
            *g = guard;
        }
        if let Ok(mut n) = self.nl.write() {
            *n = nl;
        }
        Ok(report)
    }

    /// Refreshes whenever the catalog TTL passes, for as long as the server runs.
    pub fn spawn_refresher(self: &Arc<Self>) -> tokio::task::JoinHandle<()> {
        let state = Arc::downgrade(self);
        let every = self
            .config
            .catalog_ttl
            .max(std::time::Duration::from_secs(1));
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            tick.tick().await;
            loop {
                tick.tick().await;
                let Some(s) = state.upgrade() else { return };
                match tokio::task::spawn_blocking(move || s.refresh(false)).await {
                    Ok(Err(e)) => tracing::warn!(cause = %e, "scheduled catalog refresh failed"),
                    Err(e) => tracing::warn!(cause = %e, "scheduled catalog refresh panicked"),
                    Ok(Ok(_)) => {}
                }
            }
        })
    }
}

/// Why a refresh failed.
#[derive(Debug, thiserror::Error)]
pub enum RefreshError {
    #[error("catalog refresh failed: {0}")]
    Engine(#[from] EngineError),
    #[error("catalog refresh failed: {0}")]
    State(#[from] StateError),
}

/// The guards for the lake as it is: the server-wide one, the admins' (the same plus `insights.query_log`), and
/// one per user with a row-level policy (the same checks plus the policy's row filters; an admin's also reads
/// the query log). Rebuilt together when a refresh changes the lake.
struct Guards {
    shared: Arc<Guard>,
    admin: Option<Arc<Guard>>,
    users: HashMap<String, Arc<Guard>>,
}

impl Guards {
    fn build(
        config: &Config,
        snapshot: &crate::catalog::schema::LakeSnapshot,
    ) -> Result<Guards, StateError> {
        let mut policy = Policy::for_tables(
            snapshot
                .tables
                .iter()
                .map(|t| t.name.as_str())
                .chain([ERRORS_TABLE]),
        );
        policy.max_rows = Some(config.max_rows_sql);
        let mut admin_policy = policy.clone();
        admin_policy
            .allowed_tables
            .insert(query_log::TABLE.to_owned());
        let is_admin = |user: &str| config.admins.iter().any(|a| a == user);
        let mut users = HashMap::new();
        for (user, entries) in &config.policies {
            let tables = snapshot.tables.iter().map(|t| t.name.as_str());
            let filter = UserPolicy::parse(user, entries, tables)?;
            tracing::info!(user = %user, tables = ?filter.tables().collect::<Vec<_>>(), "row-level policy loaded");
            let base = if is_admin(user) {
                &admin_policy
            } else {
                &policy
            };
            let g = Guard::new(base.clone())?.with_filter(Arc::new(filter));
            users.insert(user.clone(), Arc::new(g));
        }
        let admin = if config.admins.is_empty() {
            None
        } else {
            Some(Arc::new(Guard::new(admin_policy)?))
        };
        Ok(Guards {
            shared: Arc::new(Guard::new(policy)?),
            admin,
            users,
        })
    }
}
