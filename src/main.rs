//! The `insights` binary: parses the command line, reads configuration, starts tracing and hands off to the
//! library (`server::run`, `demo::generate`, `wire::certgen`, `wire::users`). Nothing else lives here.

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
    /// Manage the running server's catalog.
    Catalog {
        #[command(subcommand)]
        action: CatalogAction,
    },
    /// Manage the users who may log in (SCRAM-SHA-256 verifiers in a users file).
    User {
        #[command(subcommand)]
        action: UserAction,
    },
    /// Generate a local CA and a server certificate it signs (PEM), for TLS in development.
    GenCert {
        /// Directory for ca.crt, server.crt and server.key.
        #[arg(long, default_value = config::DEFAULT_CERT_DIR)]
        out: PathBuf,
        /// A DNS name or IP address the certificate is valid for; repeat for more (default: localhost,
        /// 127.0.0.1, ::1).
        #[arg(long = "host")]
        hosts: Vec<String>,
        /// Days the certificates stay valid.
        #[arg(long, default_value_t = config::DEFAULT_CERT_DAYS)]
        days: u32,
        /// Replace existing files.
        #[arg(long)]
        force: bool,
    },
    /// Generate the deterministic demo retail lake.
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
        /// Connect with TLS and verify the server's certificate against this CA (PEM). The password, when the
        /// server asks for one, comes from PGPASSWORD.
        #[arg(long)]
        tls_ca: Option<PathBuf>,
    },
    /// Prints the semantic model the server would use for a lake (a catalog file that fits it, else the
    /// model inferred from its schema) as YAML: a starting point for a catalog file of your own.
    Show {
        /// Lake directory (default: the demo lake).
        #[arg(long)]
        data: Option<PathBuf>,
        /// TOML configuration file.
        #[arg(long)]
        config: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum UserAction {
    /// Adds NAME (or replaces their password): writes their SCRAM-SHA-256 verifier, never the password.
    /// The password is read from stdin when it is not a terminal (or with --password-stdin), else prompted.
    Add {
        name: String,
        /// The users file to write (default: users_file from --config / INSIGHTS_USERS_FILE).
        #[arg(long)]
        users_file: Option<PathBuf>,
        /// TOML configuration file naming users_file.
        #[arg(long)]
        config: Option<PathBuf>,
        /// Read the password from the first line of stdin.
        #[arg(long)]
        password_stdin: bool,
        /// PBKDF2 iterations of the verifier.
        #[arg(long, default_value_t = config::DEFAULT_SCRAM_ITERATIONS)]
        iterations: u32,
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
            action:
                CatalogAction::Refresh {
                    server,
                    user,
                    tls_ca,
                },
        } => catalog_refresh(&server, &user, tls_ca.as_deref()),
        Command::Catalog {
            action: CatalogAction::Show { data, config },
        } => catalog_show(config, data),
        Command::User {
            action:
                UserAction::Add {
                    name,
                    users_file,
                    config,
                    password_stdin,
                    iterations,
                },
        } => user_add(&name, users_file, config, password_stdin, iterations),
        Command::GenCert {
            out,
            hosts,
            days,
            force,
        } => gen_cert(out, hosts, days, force),
    }
}

fn user_add(
    name: &str,
    users_file: Option<PathBuf>,
    config: Option<PathBuf>,
    password_stdin: bool,
    iterations: u32,
) -> Result<()> {
    use std::io::IsTerminal;
    use wire::users::Users;
    use wire::verifier::Verifier;
    let path = match users_file {
        Some(p) => p,
        None => load_config(config, None)?.users_file.context(
            "say which users file to write: --users-file FILE (or users_file in --config / INSIGHTS_USERS_FILE)",
        )?,
    };
    let password = if password_stdin || !std::io::stdin().is_terminal() {
        let mut line = String::new();
        std::io::stdin()
            .read_line(&mut line)
            .context("cannot read the password from stdin")?;
        line.trim_end_matches(['\n', '\r']).to_owned()
    } else {
        let first = rpassword::prompt_password(format!("Password for {name}: "))?;
        let again = rpassword::prompt_password("Again: ")?;
        anyhow::ensure!(first == again, "the passwords do not match");
        first
    };
    anyhow::ensure!(!password.is_empty(), "empty password");
    let verifier = Verifier::generate(&password, iterations)?;
    let replaced = Users::save_user(&path, name, &verifier)?;
    println!(
        "{} user {name} in {} (SCRAM-SHA-256 verifier, {iterations} iterations)",
        if replaced { "updated" } else { "added" },
        path.display()
    );
    Ok(())
}

fn gen_cert(out: PathBuf, hosts: Vec<String>, days: u32, force: bool) -> Result<()> {
    let hosts = if hosts.is_empty() {
        config::DEFAULT_CERT_HOSTS
            .iter()
            .map(|h| h.to_string())
            .collect()
    } else {
        hosts
    };
    let files = wire::certgen::generate(&wire::certgen::CertOptions {
        out,
        hosts: hosts.clone(),
        days,
        force,
    })?;
    println!(
        "wrote {} (the CA clients verify against), {} and {} (valid {days} days for {})\n\n\
         in the config:\n  tls = \"required\"\n  tls_cert = \"{}\"\n  tls_key = \"{}\"\n\n\
         then: psql \"host=localhost port=5433 sslmode=verify-full sslrootcert={}\"",
        files.ca_cert.display(),
        files.server_cert.display(),
        files.server_key.display(),
        hosts.join(", "),
        files.server_cert.display(),
        files.server_key.display(),
        files.ca_cert.display()
    );
    Ok(())
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
        // TLS files, users and the trust-on-loopback rule are checked before the port is opened.
        let tables = engine.table_names();
        let listen = cfg.listen;
        let state = wire::ServerState::new(cfg, Arc::new(engine))?;
        ready.set(state.clone());
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .with_context(|| format!("cannot listen on {listen}"))?;
        tracing::info!(addr = %listener.local_addr()?, tables = ?tables, "ready for connections");
        server::run(listener, state, shutdown_signal()).await;
        Ok(())
    })
}

fn catalog_refresh(server: &str, user: &str, tls_ca: Option<&std::path::Path>) -> Result<()> {
    let addr: std::net::SocketAddr = server
        .parse()
        .with_context(|| format!("invalid server address {server}"))?;
    let mut pg = tokio_postgres::Config::new();
    pg.host(addr.ip().to_string())
        .port(addr.port())
        .user(user)
        .dbname("lake");
    if let Some(p) = std::env::var_os("PGPASSWORD") {
        pg.password(p.into_encoded_bytes());
    }
    let tls = match tls_ca {
        Some(ca) => {
            pg.ssl_mode(tokio_postgres::config::SslMode::Require);
            Some(tls_client(ca)?)
        }
        None => None,
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let unreachable = || format!("cannot reach the server at {server}");
        let client = match tls {
            Some(tls) => {
                let (client, conn) = pg.connect(tls).await.with_context(unreachable)?;
                tokio::spawn(conn);
                client
            }
            None => {
                let (client, conn) = pg
                    .connect(tokio_postgres::NoTls)
                    .await
                    .with_context(unreachable)?;
                tokio::spawn(conn);
                client
            }
        };
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

/// A TLS connector that trusts only the CA in `ca` (PEM) and checks the server's name.
fn tls_client(ca: &std::path::Path) -> Result<tokio_postgres_rustls::MakeRustlsConnect> {
    use rustls::pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    for cert in rustls::pki_types::CertificateDer::pem_file_iter(ca)
        .with_context(|| format!("cannot read {}", ca.display()))?
    {
        roots.add(cert?)?;
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(tokio_postgres_rustls::MakeRustlsConnect::new(config))
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

fn catalog_show(config: Option<PathBuf>, data: Option<PathBuf>) -> Result<()> {
    let cfg = load_config(config, data)?;
    let mut opts = EngineOptions::from_config(&cfg.data, &cfg);
    opts.hot_tables_bytes = 0;
    let engine = DuckEngine::open(&opts)
        .with_context(|| format!("cannot open the lake in {}", cfg.data.display()))?;
    let state = wire::ServerState::new(cfg, Arc::new(engine))?;
    print!("{}", serde_yaml::to_string(state.nl().model())?);
    Ok(())
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
    // One question, then exit: copying tables into memory would only compete with it.
    opts.hot_tables_bytes = 0;
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
