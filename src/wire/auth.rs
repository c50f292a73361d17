//! How clients authenticate: trust, or SCRAM-SHA-256 against stored verifiers (pgwire's SCRAM exchange, fed
//! verifiers, never passwords). Decides the mode from the config — SCRAM when users exist, trust only on a
//! loopback address unless `auth = "trust"` is written — and says loudly when nobody is asked for a password.
//! An unknown user gets a made-up verifier, so the exchange fails the same way, at the same step, as a wrong
//! password: the error does not tell which names exist.

use std::net::SocketAddr;
use std::sync::Arc;

use async_trait::async_trait;
use pgwire::api::auth::mechanism::{AuthMechanism, AuthMechanismFactory};
use pgwire::api::auth::sasl::scram::{ScramAuth, ScramSecret};
use pgwire::api::auth::sasl::SaslMechanismFactory;
use pgwire::api::auth::{AuthSource, LoginInfo, Password};
use pgwire::error::{PgWireError, PgWireResult};
use ring::hmac;
use ring::rand::SecureRandom;

use super::users::{Users, UsersError};
use super::verifier::Verifier;
use crate::config::{AuthMode, Config, TlsMode, DEFAULT_SCRAM_ITERATIONS};

/// Why authentication could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error(transparent)]
    Users(#[from] UsersError),
    #[error("auth = \"scram\" but no users are configured: add one with `insights user add NAME --users-file FILE` and set users_file")]
    NoUsers,
    #[error("refusing to serve {0} without authentication: no users are configured and the address is not loopback. Add users (`insights user add NAME --users-file FILE`, then users_file = \"FILE\"), or write auth = \"trust\" to let anyone connect")]
    TrustOnNetwork(SocketAddr),
    #[error("the system random generator failed")]
    Random,
}

/// The server's authentication.
pub struct Auth {
    pub mode: AuthMode,
    users: Arc<Users>,
    /// SCRAM-SHA-256 for plaintext connections.
    plain: Option<ScramAuth>,
    /// SCRAM for TLS connections: also SCRAM-SHA-256-PLUS (channel binding) when the certificate allows.
    secure: Option<ScramAuth>,
}

impl Auth {
    /// Loads the users and decides the mode. `cert_pem` is the TLS certificate, for channel binding.
    ///
    /// # Errors
    /// When the users cannot be loaded, SCRAM is asked for without users, or trust would be implicit on a
    /// non-loopback address.
    pub fn load(config: &Config, cert_pem: Option<&[u8]>) -> Result<Auth, AuthError> {
        let users = Arc::new(Users::load(config)?);
        let mode = config.auth.unwrap_or(if users.is_empty() {
            AuthMode::Trust
        } else {
            AuthMode::Scram
        });
        match mode {
            AuthMode::Scram if users.is_empty() => return Err(AuthError::NoUsers),
            AuthMode::Trust if config.auth.is_none() && !config.listen.ip().is_loopback() => {
                return Err(AuthError::TrustOnNetwork(config.listen))
            }
            _ => {}
        }
        let (plain, secure) = if mode == AuthMode::Scram {
            let source: Arc<dyn AuthSource> = Arc::new(VerifierSource::new(users.clone())?);
            let plain = ScramAuth::new(source.clone());
            let secure = cert_pem.map(|pem| {
                let mut with_binding = ScramAuth::new(source);
                match with_binding.configure_certificate(pem) {
                    Ok(()) => with_binding,
                    Err(e) => {
                        tracing::warn!(cause = %e, "no SCRAM channel binding with this certificate");
                        plain.clone()
                    }
                }
            });
            (Some(plain), secure)
        } else {
            (None, None)
        };
        Ok(Auth {
            mode,
            users,
            plain,
            secure,
        })
    }

    /// A fresh SCRAM exchange for a connection (TLS or not); `None` under trust.
    pub fn mechanism(&self, secure: bool) -> Option<Box<dyn AuthMechanism>> {
        self.scram(secure).map(AuthMechanismFactory::create)
    }

    fn scram(&self, secure: bool) -> Option<&ScramAuth> {
        if secure {
            self.secure.as_ref().or(self.plain.as_ref())
        } else {
            self.plain.as_ref()
        }
    }

    /// The SASL mechanisms offered on a connection, for error messages.
    pub fn offered(&self, secure: bool) -> String {
        self.scram(secure)
            .map_or_else(Vec::new, SaslMechanismFactory::sasl_mechanism_names)
            .join(" or ")
    }

    /// Logs how clients get in; under trust, a banner nobody can miss.
    pub fn announce(&self, listen: SocketAddr, tls: TlsMode) {
        let tls_text = match tls {
            TlsMode::Off => "off",
            TlsMode::Optional => "optional",
            TlsMode::Required => "required",
        };
        match self.mode {
            AuthMode::Scram => tracing::info!(
                users = self.users.names().count(),
                tls = tls_text,
                channel_binding = self
                    .secure
                    .as_ref()
                    .is_some_and(ScramAuth::supports_channel_binding),
                "authentication: SCRAM-SHA-256"
            ),
            AuthMode::Trust => {
                if !self.users.is_empty() {
                    tracing::warn!(
                        users = self.users.names().count(),
                        "auth = \"trust\": the configured users' passwords are not checked"
                    );
                }
                tracing::warn!(
                    tls = tls_text,
                    "\n{bar}\n!!  AUTHENTICATION IS OFF (trust): anyone who can reach {listen} connects as ANY user,\n\
                     !!  no password asked; row-level policies are not a security boundary.\n\
                     !!  To require SCRAM-SHA-256: insights user add NAME --users-file users.toml,\n\
                     !!  then users_file = \"users.toml\" in the config (or INSIGHTS_USERS_FILE=users.toml).\n{bar}",
                    bar = "!".repeat(100)
                );
            }
        }
    }
}

/// Hands pgwire's SCRAM exchange the stored verifier of the startup user, or a made-up one for an unknown user.
#[derive(Debug)]
struct VerifierSource {
    users: Arc<Users>,
    /// Per-process secret the made-up verifiers are derived from: stable for a name (a repeated attempt sees the
    /// same salt, as for a real user), unguessable, and matching no password.
    mock: hmac::Key,
}

impl VerifierSource {
    fn new(users: Arc<Users>) -> Result<Self, AuthError> {
        let mut secret = [0u8; 32];
        ring::rand::SystemRandom::new()
            .fill(&mut secret)
            .map_err(|_| AuthError::Random)?;
        Ok(Self {
            users,
            mock: hmac::Key::new(hmac::HMAC_SHA256, &secret),
        })
    }

    fn mock_verifier(&self, user: &str) -> Verifier {
        let part = |label: &str| {
            let mut ctx = hmac::Context::with_key(&self.mock);
            ctx.update(label.as_bytes());
            ctx.update(user.as_bytes());
            ctx.sign().as_ref().to_vec()
        };
        let mut salt = part("salt");
        salt.truncate(16);
        Verifier {
            iterations: DEFAULT_SCRAM_ITERATIONS,
            salt,
            stored_key: part("stored"),
            server_key: part("server"),
        }
    }
}

#[async_trait]
impl AuthSource for VerifierSource {
    async fn get_password(&self, login: &LoginInfo) -> PgWireResult<Password> {
        // Only SCRAM is offered, and it asks get_scram_secret: no password exists to hand out.
        Err(PgWireError::InvalidPassword(
            login.user().unwrap_or_default().to_owned(),
        ))
    }

    async fn get_scram_secret(&self, login: &LoginInfo) -> PgWireResult<(ScramSecret, Option<()>)> {
        let user = login.user().unwrap_or_default();
        let secret = match self.users.get(user) {
            Some(v) => v.secret(),
            None => self.mock_verifier(user).secret(),
        };
        Ok((secret, None))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config_with_user(listen: &str) -> Config {
        let mut cfg = Config {
            listen: listen.parse().unwrap(),
            ..Config::default()
        };
        cfg.users.insert(
            "ann".into(),
            Verifier::derive("pw", b"0123456789abcdef".to_vec(), 4096).to_string(),
        );
        cfg
    }

    #[test]
    fn mode_follows_users_and_listen_address() {
        let cfg = Config::default();
        let auth = Auth::load(&cfg, None).unwrap();
        assert_eq!(auth.mode, AuthMode::Trust);
        assert!(auth.mechanism(false).is_none());

        let open = Config {
            listen: "0.0.0.0:5433".parse().unwrap(),
            ..Config::default()
        };
        assert!(matches!(
            Auth::load(&open, None),
            Err(AuthError::TrustOnNetwork(_))
        ));
        let explicit = Config {
            auth: Some(AuthMode::Trust),
            ..open
        };
        assert_eq!(Auth::load(&explicit, None).unwrap().mode, AuthMode::Trust);

        let cfg = config_with_user("0.0.0.0:5433");
        let auth = Auth::load(&cfg, None).unwrap();
        assert_eq!(auth.mode, AuthMode::Scram);
        assert!(auth.mechanism(false).is_some());
        assert!(auth.mechanism(true).is_some());

        let none = Config {
            auth: Some(AuthMode::Scram),
            ..Config::default()
        };
        assert!(matches!(Auth::load(&none, None), Err(AuthError::NoUsers)));
    }

    #[test]
    fn unknown_users_get_a_stable_verifier_that_is_nobody_s() {
        let users = Arc::new(Users::load(&config_with_user("127.0.0.1:1")).unwrap());
        let source = VerifierSource::new(users).unwrap();
        let a = source.mock_verifier("mallory");
        assert_eq!(a, source.mock_verifier("mallory"));
        assert_ne!(a.salt, source.mock_verifier("eve").salt);
        assert_eq!(a.salt.len(), 16);
        assert_eq!(a.stored_key.len(), 32);
        for guess in ["", "mallory", "pw", "password"] {
            assert_ne!(
                Verifier::derive(guess, a.salt.clone(), a.iterations).stored_key,
                a.stored_key
            );
        }
    }
}
