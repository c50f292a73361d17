//! TLS with rustls: the certificate chain and key named by `tls_cert` / `tls_key` become the acceptor pgwire
//! hands SSLRequests (and PostgreSQL 17's direct TLS, ALPN `postgresql`) to. Loaded once at startup, so a bad
//! file stops the server instead of failing every handshake.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use pgwire::tokio::TlsAcceptor;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::ServerConfig;

use crate::config::{Config, TlsMode};

/// The ALPN protocol name PostgreSQL clients offer on direct TLS connections.
const ALPN_POSTGRESQL: &[u8] = b"postgresql";

/// Why TLS could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("no PEM certificate in {0}")]
    NoCertificate(PathBuf),
    #[error("no usable PEM private key in {path}: {source}")]
    Key {
        path: PathBuf,
        source: rustls::pki_types::pem::Error,
    },
    #[error("invalid certificate or key: {0}")]
    Rustls(#[from] rustls::Error),
}

/// The server's TLS setup.
pub struct Tls {
    pub mode: TlsMode,
    acceptor: Option<TlsAcceptor>,
    /// The certificate chain as PEM, for SCRAM channel binding (tls-server-end-point).
    cert_pem: Option<Vec<u8>>,
}

impl Tls {
    /// Loads the certificate and key when the mode needs them.
    ///
    /// # Errors
    /// When a file cannot be read, holds no certificate or key, or they do not match.
    pub fn load(config: &Config) -> Result<Tls, TlsError> {
        let (Some(cert_path), Some(key_path)) = (&config.tls_cert, &config.tls_key) else {
            return Ok(Tls::off());
        };
        if config.tls == TlsMode::Off {
            return Ok(Tls::off());
        }
        let cert_pem = read(cert_path)?;
        let chain = CertificateDer::pem_slice_iter(&cert_pem)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| TlsError::NoCertificate(cert_path.clone()))?;
        if chain.is_empty() {
            return Err(TlsError::NoCertificate(cert_path.clone()));
        }
        let key =
            PrivateKeyDer::from_pem_slice(&read(key_path)?).map_err(|source| TlsError::Key {
                path: key_path.clone(),
                source,
            })?;
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut server = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()?
            .with_no_client_auth()
            .with_single_cert(chain, key)?;
        server.alpn_protocols = vec![ALPN_POSTGRESQL.to_vec()];
        Ok(Tls {
            mode: config.tls,
            acceptor: Some(TlsAcceptor::from(Arc::new(server))),
            cert_pem: Some(cert_pem),
        })
    }

    fn off() -> Tls {
        Tls {
            mode: TlsMode::Off,
            acceptor: None,
            cert_pem: None,
        }
    }

    /// The acceptor for pgwire; `None` refuses SSLRequests.
    pub fn acceptor(&self) -> Option<TlsAcceptor> {
        self.acceptor.clone()
    }

    pub fn cert_pem(&self) -> Option<&[u8]> {
        self.cert_pem.as_deref()
    }
}

fn read(path: &Path) -> Result<Vec<u8>, TlsError> {
    std::fs::read(path).map_err(|source| TlsError::Read {
        path: path.to_owned(),
        source,
    })
}
