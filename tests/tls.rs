//! TLS through the wire with tokio-postgres and rustls: a CA and server certificate made by `gen-cert`'s code
//! for each test, clients that verify the server against that CA (by DNS name and by IP), a plaintext startup
//! refused with 28000 when TLS is required, SCRAM with channel binding, and a CancelRequest over TLS.

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{scalar, sqlstate, start_server_with, TestServer};
use retail_insights::config::TlsMode;
use retail_insights::wire::certgen::{self, CertFiles, CertOptions};
use retail_insights::wire::verifier::Verifier;
use rustls::pki_types::pem::PemObject;
use tokio_postgres::config::{ChannelBinding, SslMode};
use tokio_postgres_rustls::MakeRustlsConnect;

const PASSWORD: &str = "tls-pw";

/// A fresh CA and server certificate for localhost / 127.0.0.1 in a directory of this test's own.
fn certificates(name: &str) -> CertFiles {
    let out = std::env::temp_dir().join(format!("ri-tls-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    certgen::generate(&CertOptions {
        out,
        hosts: vec!["localhost".into(), "127.0.0.1".into()],
        days: 2,
        force: false,
    })
    .expect("generate certificates")
}

/// A server with these certificates, this TLS mode and one SCRAM user `tess`.
fn tls_server(files: &CertFiles, mode: TlsMode) -> TestServer {
    let (cert, key) = (files.server_cert.clone(), files.server_key.clone());
    start_server_with(move |cfg| {
        cfg.tls = mode;
        cfg.tls_cert = Some(cert);
        cfg.tls_key = Some(key);
        let v = Verifier::generate(PASSWORD, 4096).expect("verifier");
        cfg.users.insert("tess".into(), v.to_string());
    })
}

/// A rustls connector that trusts only the CA in `ca`.
fn trusting(ca: &Path) -> MakeRustlsConnect {
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(rustls::pki_types::CertificateDer::from_pem_file(ca).expect("read CA"))
        .expect("add CA");
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("protocol versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    MakeRustlsConnect::new(config)
}

/// TLS settings for `tess` reaching the server's address under the name `host`, which the certificate must
/// carry (verify-full).
fn tls_config(srv: &TestServer, host: &str, password: &str) -> tokio_postgres::Config {
    let mut cfg = tokio_postgres::Config::new();
    cfg.host(host)
        .hostaddr(srv.addr.ip())
        .port(srv.addr.port())
        .user("tess")
        .dbname("lake")
        .password(password)
        .ssl_mode(SslMode::Require);
    cfg
}

/// Connects over TLS as `tess`, verifying the server against the CA in `ca` under the name `host`.
async fn connect_tls(
    srv: &TestServer,
    host: &str,
    ca: &Path,
    binding: ChannelBinding,
) -> Result<tokio_postgres::Client, tokio_postgres::Error> {
    let (client, conn) = tls_config(srv, host, PASSWORD)
        .channel_binding(binding)
        .connect(trusting(ca))
        .await?;
    tokio::spawn(async move {
        let _ = conn.await;
    });
    Ok(client)
}

/// An error and its causes, as text.
fn causes(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut next = e.source();
    while let Some(cause) = next {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        next = cause.source();
    }
    text
}

#[tokio::test]
async fn verified_tls_by_name_and_ip_and_plaintext_refused_with_28000() {
    let files = certificates("required");
    let srv = tls_server(&files, TlsMode::Required);
    for host in ["localhost", "127.0.0.1"] {
        let c = connect_tls(&srv, host, &files.ca_cert, ChannelBinding::Prefer)
            .await
            .unwrap_or_else(|e| panic!("{host}: {e:?}"));
        assert_eq!(scalar(&c, "SELECT 6 * 7").await, "42");
    }

    let e = srv
        .login("tess", PASSWORD)
        .await
        .expect_err("plaintext refused");
    let db = e.as_db_error().expect("a server error");
    assert_eq!(db.code().code(), "28000");
    assert_eq!(db.severity(), "FATAL");
    assert!(db.message().contains("requires TLS"), "{}", db.message());
}

#[tokio::test]
async fn a_client_trusting_another_ca_does_not_connect() {
    let files = certificates("served");
    let other = certificates("other");
    let srv = tls_server(&files, TlsMode::Required);
    let e = connect_tls(&srv, "localhost", &other.ca_cert, ChannelBinding::Prefer)
        .await
        .expect_err("the server's certificate is not trusted");
    assert!(
        causes(&e).contains("invalid peer certificate"),
        "a TLS failure, not a login: {}",
        causes(&e)
    );
    // And the right CA under a name the certificate does not carry fails the same way.
    let e = connect_tls(
        &srv,
        "db.example.com",
        &files.ca_cert,
        ChannelBinding::Prefer,
    )
    .await
    .expect_err("db.example.com is not in the certificate");
    assert!(causes(&e).contains("not valid for name"), "{}", causes(&e));
    assert!(
        connect_tls(&srv, "localhost", &files.ca_cert, ChannelBinding::Prefer)
            .await
            .is_ok(),
        "the same server under its own name"
    );
}

#[tokio::test]
async fn scram_over_tls_with_channel_binding_and_wrong_password() {
    let files = certificates("binding");
    let srv = tls_server(&files, TlsMode::Optional);
    // Required binding only succeeds when the server offers SCRAM-SHA-256-PLUS and both ends agree on the
    // certificate's hash.
    let c = connect_tls(&srv, "localhost", &files.ca_cert, ChannelBinding::Require)
        .await
        .expect("SCRAM-SHA-256-PLUS over TLS");
    assert_eq!(scalar(&c, "SELECT 3").await, "3");

    let Err(e) = tls_config(&srv, "localhost", "not it")
        .connect(trusting(&files.ca_cert))
        .await
    else {
        panic!("a wrong password over TLS was accepted");
    };
    assert_eq!(sqlstate(&e), "28P01");

    // Optional TLS still serves plaintext clients, with plain SCRAM.
    let plain = srv.login("tess", PASSWORD).await.expect("plaintext login");
    assert_eq!(scalar(&plain, "SELECT 4").await, "4");
}

/// A query over the lake that runs for many seconds unless interrupted.
const SLOW: &str = "SELECT count(*) FROM sales a, sales b WHERE a.quantity + b.quantity > 1";

#[tokio::test]
async fn cancel_request_over_tls_interrupts_the_query() {
    let files = certificates("cancel");
    let srv = tls_server(&files, TlsMode::Required);
    let c = connect_tls(&srv, "localhost", &files.ca_cert, ChannelBinding::Prefer)
        .await
        .expect("connect");
    let token = c.cancel_token();
    let ca: PathBuf = files.ca_cert.clone();
    let t0 = Instant::now();
    let canceller = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(400)).await;
        token.cancel_query(trusting(&ca)).await
    });
    let e = c.simple_query(SLOW).await.expect_err("canceled");
    canceller
        .await
        .unwrap()
        .expect("cancel request sent over TLS");
    assert_eq!(sqlstate(&e), "57014", "{e:?}");
    assert!(t0.elapsed() < Duration::from_secs(20));
    assert_eq!(scalar(&c, "SELECT 5").await, "5");
}
