//! `insights gen-cert`: a throw-away certificate authority and a server certificate it signs, for local TLS
//! (`tls_cert` / `tls_key`) and for clients that verify the server (`sslmode=verify-full sslrootcert=ca.crt`).
//! The CA's private key is never written: to change names, generate a new set.

use std::path::{Path, PathBuf};

use chrono::{Datelike, Days, NaiveDate, Utc};
use rcgen::{
    date_time_ymd, BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose,
};

/// What to generate.
#[derive(Debug, Clone)]
pub struct CertOptions {
    /// Directory for `ca.crt`, `server.crt` and `server.key`.
    pub out: PathBuf,
    /// DNS names and IP addresses the server certificate is valid for; the first is its common name.
    pub hosts: Vec<String>,
    /// Days the certificates stay valid.
    pub days: u32,
    /// Replace existing files.
    pub force: bool,
}

/// The files written.
#[derive(Debug, Clone)]
pub struct CertFiles {
    pub ca_cert: PathBuf,
    pub server_cert: PathBuf,
    pub server_key: PathBuf,
}

/// Why the certificates could not be made.
#[derive(Debug, thiserror::Error)]
pub enum CertGenError {
    #[error("cannot generate the certificates: {0}")]
    Rcgen(#[from] rcgen::Error),
    #[error("{0} already exists (use --force to replace it)")]
    Exists(PathBuf),
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("no host names given")]
    NoHosts,
    #[error("invalid validity of {0} days")]
    Days(u32),
}

/// Generates a CA and a server certificate for `hosts`, and writes them as PEM files.
///
/// # Errors
/// When a file exists (without `force`), a host name is invalid, or a file cannot be written.
pub fn generate(opts: &CertOptions) -> Result<CertFiles, CertGenError> {
    if opts.hosts.is_empty() {
        return Err(CertGenError::NoHosts);
    }
    let files = CertFiles {
        ca_cert: opts.out.join("ca.crt"),
        server_cert: opts.out.join("server.crt"),
        server_key: opts.out.join("server.key"),
    };
    if !opts.force {
        for p in [&files.ca_cert, &files.server_cert, &files.server_key] {
            if p.exists() {
                return Err(CertGenError::Exists(p.clone()));
            }
        }
    }
    let today = Utc::now().date_naive();
    // A day of slack before now, for clocks a little behind.
    let not_before = today.pred_opt().unwrap_or(today);
    let not_after = today
        .checked_add_days(Days::new(u64::from(opts.days)))
        .filter(|_| opts.days > 0)
        .ok_or(CertGenError::Days(opts.days))?;

    let mut ca = CertificateParams::new(Vec::<String>::new())?;
    ca.distinguished_name
        .push(DnType::CommonName, "Retail Insights local CA");
    ca.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    ca.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    set_validity(&mut ca, not_before, not_after);
    let ca_key = KeyPair::generate()?;
    let ca_cert = ca.self_signed(&ca_key)?;
    let issuer = Issuer::new(ca, ca_key);

    let mut leaf = CertificateParams::new(opts.hosts.clone())?;
    leaf.distinguished_name
        .push(DnType::CommonName, opts.hosts[0].as_str());
    leaf.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    leaf.use_authority_key_identifier_extension = true;
    set_validity(&mut leaf, not_before, not_after);
    let leaf_key = KeyPair::generate()?;
    let leaf_cert = leaf.signed_by(&leaf_key, &issuer)?;

    write(&files.ca_cert, &ca_cert.pem(), false)?;
    write(&files.server_cert, &leaf_cert.pem(), false)?;
    write(&files.server_key, &leaf_key.serialize_pem(), true)?;
    Ok(files)
}

fn set_validity(params: &mut CertificateParams, from: NaiveDate, to: NaiveDate) {
    // Calendar fields of a NaiveDate are always in range for rcgen's constructor.
    let ymd = |d: NaiveDate| date_time_ymd(d.year(), d.month() as u8, d.day() as u8);
    params.not_before = ymd(from);
    params.not_after = ymd(to);
}

fn write(path: &Path, text: &str, secret: bool) -> Result<(), CertGenError> {
    let result = if secret {
        super::secret_file::write(path, text)
    } else {
        path.parent()
            .filter(|d| !d.as_os_str().is_empty())
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(path, text))
    };
    result.map_err(|source| CertGenError::Write {
        path: path.to_owned(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};

    /// The server certificate chains to the CA for its host names (checked by webpki, as rustls clients do),
    /// and the key goes with it.
    #[test]
    fn server_certificate_verifies_against_the_ca() {
        let out = std::env::temp_dir().join(format!("ri-certgen-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&out);
        let opts = CertOptions {
            out: out.clone(),
            hosts: vec!["localhost".into(), "127.0.0.1".into()],
            days: 30,
            force: false,
        };
        let files = generate(&opts).unwrap();
        assert!(matches!(generate(&opts), Err(CertGenError::Exists(_))));

        let ca = CertificateDer::from_pem_file(&files.ca_cert).unwrap();
        let leaf = CertificateDer::from_pem_file(&files.server_cert).unwrap();
        let key = PrivateKeyDer::from_pem_file(&files.server_key).unwrap();
        let mut roots = rustls::RootCertStore::empty();
        roots.add(ca).unwrap();
        let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
        let verifier = rustls::client::WebPkiServerVerifier::builder_with_provider(
            roots.into(),
            provider.clone(),
        )
        .build()
        .unwrap();
        use rustls::client::danger::ServerCertVerifier;
        let now = rustls::pki_types::UnixTime::now();
        for host in ["localhost", "127.0.0.1"] {
            let name = rustls::pki_types::ServerName::try_from(host).unwrap();
            verifier
                .verify_server_cert(&leaf, &[], &name, &[], now)
                .unwrap_or_else(|e| panic!("{host}: {e}"));
        }
        let other = rustls::pki_types::ServerName::try_from("example.com").unwrap();
        assert!(verifier
            .verify_server_cert(&leaf, &[], &other, &[], now)
            .is_err());
        rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(vec![leaf], key)
            .expect("certificate and key match");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&files.server_key)
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let _ = std::fs::remove_dir_all(&out);
    }
}
