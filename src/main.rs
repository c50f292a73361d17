//! The `insights` binary: parses the command line, reads configuration, starts tracing and hands off to the
//! library (`server::run`, `demo::generate`). Nothing else lives here.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use retail_insights::config::{self, RawConfig};
use retail_insights::engine::duck::{DuckEngine, EngineOptions};
use retail_insights::ops::http::{self, Readiness};
use retail_insights::{demo, server, wire};

#[derive(Parser)]
#[command(
    name = "insights",
    version,
    about = "Postgres-wire SQL and plain-English answers over a retail lake"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the lake over the PostgreSQL wire protocol.
    Serve {
        /// TOML configuration file; INSIGHTS_* variables and these flags override it.
        #[arg(long)]
        config: Option<PathBuf>,
        /// Address to listen on (default 127.0.0.1:5433).
        #[arg(long)]
        listen: Option<String>,
        /// Lake directory.
        #[arg(long)]
        data: Option<PathBuf>,
        /// Serve the demo lake, generating it first when it is missing.
        #[arg(long)]
        demo: bool,
    },
    /// Answer a plain-English question in-process (the same path as `/*ask*/` over the wire).
    Ask {
        /// The question, e.g. "top 5 categories by revenue in 2024".
        question: String,
        /// Lake directory (default: the demo lake).
        #[arg(long)]
        data: Option<PathBuf>,
        /// TOML configuration file.
        #[arg(long)]
        config: Option<PathBuf>,
        /// Durable conversation thread (as `SET insights.thread`), for multi-turn use from scripts.
        #[arg(long)]
        thread: Option<String>,
    },
    /// Generate the deterministic demo retail lake.
    /// Manage the running server's catalog.
    Catalog {
        #[command(subcommand)]
        action: CatalogAction,
    },
    DemoData {
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value_t = config::DEFAULT_DEMO_ROWS)]
        rows: u64,
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
}

#[derive(Subcommand)]
enum CatalogAction {
    /// Makes the running server list its sources again now (`SELECT insights.refresh()` over the wire).
    Refresh {
        /// The server's address.
        #[arg(long, default_value = config::DEFAULT_LISTEN)]
        server: String,
        #[arg(long, default_value = "insights")]
        user: String,
    },
}

fn init_tracing(json: bool) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("INSIGHTS_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::DemoData { out, rows, seed } => {
            init_tracing(false);
            let report = demo::generate(&demo::DemoOptions {
                out: out.clone(),
                rows,
                seed,
                progress: true,
            })?;
            println!(
                "wrote {} sales lines in {} files to {} in {:.1}s",
                report.rows,
                report.files,
                out.display(),
                report.elapsed.as_secs_f64()
            );
            Ok(())
        }
        Command::Serve {
            config,
            listen,
            data,
            demo,
        } => serve(config, listen, data, demo),
        Command::Ask {
            question,
            data,
            config,
            thread,
        } => ask(config, data, &question, thread),
        Command::Catalog {
            action: CatalogAction::Refresh { server, user },
        } => catalog_refresh(&server, &user),
    }
}

fn serve(
    config: Option<PathBuf>,
    listen: Option<String>,
    data: Option<PathBuf>,
    demo_mode: bool,
) -> Result<()> {
    let mut raw = match &config {
        Some(path) => RawConfig::from_file(path)?,
        None => RawConfig::default(),
    };
    raw.apply_env(std::env::vars())?;
    if let Some(l) = listen {
        raw.listen = Some(l);
    }
    if let Some(d) = data {
        raw.data = Some(d);
    }
    let cfg = raw.build()?;
    init_tracing(cfg.log_format == "json");
    let rt = tokio::runtime::Runtime::new()?;
    // Up before the lake loads, so that /health answers 503 until the catalog is ready.
    let ready = Arc::new(Readiness::default());
    if let Some(addr) = cfg.http_listen {
        let listener = rt
            .block_on(tokio::net::TcpListener::bind(addr))
            .with_context(|| format!("cannot listen for HTTP on {addr}"))?;
        tracing::info!(addr = %listener.local_addr()?, "serving /health and /metrics");
        rt.spawn(http::serve(listener, ready.clone()));
    }
    if demo_mode && !demo::is_complete(&cfg.data) {
        tracing::info!(dir = %cfg.data.display(), "demo lake missing: generating it");
        let report = demo::generate(&demo::DemoOptions {
            out: cfg.data.clone(),
            rows: config::DEFAULT_DEMO_ROWS,
            seed: 42,
            progress: true,
        })?;
        tracing::info!(
            rows = report.rows,
            secs = report.elapsed.as_secs_f64(),
            "demo lake ready"
        );
    }
    let mut opts = EngineOptions::from_config(&cfg.data, &cfg);
    opts.setup
        .push(retail_insights::pgcompat::catalog::setup_fn());
    let engine = DuckEngine::open(&opts)
        .with_context(|| format!("cannot open the lake in {}", cfg.data.display()))?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(cfg.listen)
            .await
            .with_context(|| format!("cannot listen on {}", cfg.listen))?;
        tracing::info!(addr = %listener.local_addr()?, tables = ?engine.table_names(), "ready for connections");
        let state = wire::ServerState::new(cfg, Arc::new(engine))?;
        ready.set(state.clone());
        server::run(listener, state, shutdown_signal()).await;
        Ok(())
    })
}

fn catalog_refresh(server: &str, user: &str) -> Result<()> {
    let addr: std::net::SocketAddr = server
        .parse()
        .with_context(|| format!("invalid server address {server}"))?;
    let dsn = format!(
        "host={} port={} user={user} dbname=lake",
        addr.ip(),
        addr.port()
    );
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let (client, conn) = tokio_postgres::connect(&dsn, tokio_postgres::NoTls)
            .await
            .with_context(|| format!("cannot reach the server at {server}"))?;
        tokio::spawn(conn);
        let messages = client.simple_query("SELECT insights.refresh()").await?;
        for m in messages {
            if let tokio_postgres::SimpleQueryMessage::Row(row) = m {
                println!(
                    "tables: {}\nadded: {}\nremoved: {}\nchanged: {}\ncatalog errors: {}",
                    row.get(0).unwrap_or(""),
                    row.get(1).unwrap_or(""),
                    row.get(2).unwrap_or(""),
                    row.get(3).unwrap_or(""),
                    row.get(4).unwrap_or("")
                );
            }
        }
        Ok(())
    })
}

fn load_config(config: Option<PathBuf>, data: Option<PathBuf>) -> Result<config::Config> {
    let mut raw = match &config {
        Some(path) => RawConfig::from_file(path)?,
        None => RawConfig::default(),
    };
    raw.apply_env(std::env::vars())?;
    if let Some(d) = data {
        raw.data = Some(d);
    }
    Ok(raw.build()?)
}

fn ask(
    config: Option<PathBuf>,
    data: Option<PathBuf>,
    question: &str,
    thread: Option<String>,
) -> Result<()> {
    use retail_insights::agent::pipeline::Planned;
    use retail_insights::engine::{CancelToken, CollectSink};
    use retail_insights::pgcompat::session::{SessionCommand, THREAD_SETTING};
    use retail_insights::wire::handler::Session;
    let cfg = load_config(config, data)?;
    if std::env::var_os("INSIGHTS_LOG").is_some() {
        init_tracing(false);
    }
    let mut opts = EngineOptions::from_config(&cfg.data, &cfg);
    opts.setup
        .push(retail_insights::pgcompat::catalog::setup_fn());
    let engine = DuckEngine::open(&opts)
        .with_context(|| format!("cannot open the lake in {}", cfg.data.display()))?;
    let state = wire::ServerState::new(cfg, Arc::new(engine))?;
    let session = Session::new(state.clone(), state.engine.open_session()?);
    if let Some(t) = thread {
        session
            .settings()
            .apply(&SessionCommand::Set {
                name: THREAD_SETTING.into(),
                value: Some(t),
            })
            .map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let report = |e: pgwire::error::PgWireError| -> anyhow::Error {
        let info: pgwire::error::ErrorInfo = e.into();
        println!("{}", info.message);
        if let Some(h) = &info.hint {
            println!("{h}");
        }
        anyhow::anyhow!("question not answered ({})", info.code)
    };
    let answer = rt
        .block_on(session.plan_question(question))
        .map_err(report)?;
    let notices = rt
        .block_on(session.answer_notices(&answer))
        .map_err(report)?;
    match &answer.planned {
        Planned::Query { sql, .. } => {
            let mut sink = CollectSink::default();
            session
                .engine
                .execute(sql, &[], &CancelToken::new(), &mut sink)?;
            println!(
                "{}",
                duckdb::arrow::util::pretty::pretty_format_batches(&sink.batches)?
            );
        }
        Planned::Table { columns, rows, .. } => {
            println!("{}", columns.join(" | "));
            for r in rows {
                println!("{}", r.join(" | "));
            }
        }
    }
    for n in &notices {
        println!("NOTICE: {n}");
    }
    session.remember(&answer).map_err(report)?;
    Ok(())
}

/// Resolves on SIGINT or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = ctrl_c.await;
                    return;
                }
            };
        tokio::select! {
            _ = ctrl_c => {},
            _ = term.recv() => {},
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}
