//! Test fixtures: a small demo lake generated once per test binary, and a real server started on an ephemeral
//! port in a background runtime, reached with tokio-postgres like any client.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use futures::StreamExt;
use tokio_postgres::{AsyncMessage, Client, SimpleQueryMessage};

use retail_insights::config::{Config, RawConfig};
use retail_insights::engine::duck::{DuckEngine, EngineOptions};
use retail_insights::ops::http::{self, Readiness};
use retail_insights::{demo, server, wire};

/// Sales lines in the test lake: small enough to generate in about a second, big enough for pages and joins.
pub const TEST_ROWS: u64 = 60_000;

/// The test lake, generated once per test binary in its own directory.
pub fn lake() -> PathBuf {
    static LAKE: OnceLock<PathBuf> = OnceLock::new();
    LAKE.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("ri-test-lake-{}", std::process::id()));
        if !demo::is_complete(&dir) {
            demo::generate(&demo::DemoOptions {
                out: dir.clone(),
                rows: TEST_ROWS,
                seed: 7,
                progress: false,
            })
            .expect("generate the test lake");
        }
        dir
    })
    .clone()
}

/// A running server.
pub struct TestServer {
    pub addr: SocketAddr,
    pub data: PathBuf,
    /// The `/health` and `/metrics` listener, when `http_listen` was set.
    pub http: Option<SocketAddr>,
}

impl TestServer {
    pub fn dsn(&self) -> String {
        self.dsn_for("test")
    }

    pub fn dsn_for(&self, user: &str) -> String {
        format!(
            "host={} port={} user={user} dbname=lake",
            self.addr.ip(),
            self.addr.port()
        )
    }

    /// The connection settings for `user` (no password, no TLS yet).
    pub fn config_as(&self, user: &str) -> tokio_postgres::Config {
        let mut c = tokio_postgres::Config::new();
        c.host(self.addr.ip().to_string())
            .port(self.addr.port())
            .user(user)
            .dbname("lake");
        c
    }

    /// Connects in plaintext as `user` with `password`; the error when the server refuses.
    pub async fn login(
        &self,
        user: &str,
        password: &str,
    ) -> Result<tokio_postgres::Client, tokio_postgres::Error> {
        let (client, conn) = self
            .config_as(user)
            .password(password)
            .connect(tokio_postgres::NoTls)
            .await?;
        tokio::spawn(async move {
            let _ = conn.await;
        });
        Ok(client)
    }

    pub async fn connect(&self) -> tokio_postgres::Client {
        self.connect_with(&self.dsn()).await
    }

    /// Connects with a DSN of this server (e.g. `dsn_for(user)` plus `application_name=…`).
    pub async fn connect_with(&self, dsn: &str) -> tokio_postgres::Client {
        let (client, conn) = tokio_postgres::connect(dsn, tokio_postgres::NoTls)
            .await
            .expect("connect to the test server");
        tokio::spawn(async move {
            let _ = conn.await;
        });
        client
    }
}

/// Starts a server with default test settings on the shared lake.
pub fn start_server() -> TestServer {
    start_server_with(|_| {})
}

/// Starts a server on `data` after `tweak` adjusts the configuration.
pub fn start_server_on(data: PathBuf, tweak: impl FnOnce(&mut Config)) -> TestServer {
    let raw = RawConfig {
        listen: Some("127.0.0.1:0".into()),
        data: Some(data.clone()),
        threads: Some(2),
        memory_limit: Some("2GB".into()),
        audit_log: Some("off".into()),
        ..RawConfig::default()
    };
    let mut cfg = raw.build().expect("test config");
    cfg.temp_directory = std::env::temp_dir().join(format!("ri-test-spill-{}", std::process::id()));
    tweak(&mut cfg);
    let mut opts = EngineOptions::from_config(&data, &cfg);
    opts.setup
        .push(retail_insights::pgcompat::catalog::setup_fn());
    let engine = DuckEngine::open(&opts).expect("open engine");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("server runtime");
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind(cfg.listen)
                .await
                .expect("bind");
            let ready = Arc::new(Readiness::default());
            let mut http_addr = None;
            if let Some(a) = cfg.http_listen {
                let l = tokio::net::TcpListener::bind(a).await.expect("bind http");
                http_addr = Some(l.local_addr().expect("http addr"));
                tokio::spawn(http::serve(l, ready.clone()));
            }
            let state = wire::ServerState::new(cfg, Arc::new(engine)).expect("server state");
            ready.set(state.clone());
            tx.send((listener.local_addr().expect("addr"), http_addr))
                .expect("report addr");
            server::run(listener, state, std::future::pending()).await;
        });
    });
    let (addr, http) = rx.recv().expect("server address");
    TestServer { addr, data, http }
}

/// Starts a server on the shared test lake.
pub fn start_server_with(tweak: impl FnOnce(&mut Config)) -> TestServer {
    start_server_on(lake(), tweak)
}

/// The first column of the first row of a simple query, as text.
pub async fn scalar(c: &tokio_postgres::Client, sql: &str) -> String {
    c.simple_query(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .iter()
        .find_map(|m| match m {
            tokio_postgres::SimpleQueryMessage::Row(r) => r.get(0).map(str::to_owned),
            _ => None,
        })
        .unwrap_or_else(|| panic!("{sql}: no row"))
}

/// The SQLSTATE of a tokio-postgres error, or "" when it has none.
pub fn sqlstate(e: &tokio_postgres::Error) -> String {
    e.code().map(|c| c.code().to_owned()).unwrap_or_default()
}

/// A client whose NOTICEs are collected.
pub async fn connect_with_notices(server: &TestServer) -> (Client, Arc<Mutex<Vec<String>>>) {
    let (client, mut conn) = tokio_postgres::connect(&server.dsn(), tokio_postgres::NoTls)
        .await
        .expect("connect");
    let notices = Arc::new(Mutex::new(Vec::new()));
    let sink = notices.clone();
    tokio::spawn(async move {
        let mut messages = futures::stream::poll_fn(move |cx| conn.poll_message(cx));
        while let Some(m) = messages.next().await {
            match m {
                Ok(AsyncMessage::Notice(n)) => sink.lock().unwrap().push(n.message().to_owned()),
                Ok(_) => {}
                Err(_) => break,
            }
        }
    });
    (client, notices)
}

/// Rows of a simple query as text (first column names, then values).
pub async fn ask(
    client: &Client,
    q: &str,
) -> Result<(Vec<String>, Vec<Vec<String>>), tokio_postgres::Error> {
    let msgs = client.simple_query(q).await?;
    let mut cols = Vec::new();
    let mut rows = Vec::new();
    for m in msgs {
        match m {
            SimpleQueryMessage::RowDescription(d) => {
                cols = d.iter().map(|c| c.name().to_owned()).collect()
            }
            SimpleQueryMessage::Row(r) => rows.push(
                (0..r.len())
                    .map(|i| r.get(i).unwrap_or("").to_owned())
                    .collect(),
            ),
            _ => {}
        }
    }
    Ok((cols, rows))
}
