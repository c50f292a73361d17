//! Connection startup: protocol negotiation, TLS policy (a plaintext startup is refused when TLS is required),
//! authentication (trust, or the SCRAM-SHA-256 exchange of `wire::auth`, step by step), then the
//! ParameterStatus values pgJDBC and psql expect (server_version, UTF8, ISO dates, integer datetimes, standard
//! strings, UTC) and the backend key that CancelRequests use.

use std::collections::HashMap;
use std::fmt::Debug;
use std::sync::Mutex;

use async_trait::async_trait;
use futures::{Sink, SinkExt};
use pgwire::api::auth::mechanism::{AuthMechanism, AuthState};
use pgwire::api::auth::{
    finish_authentication, protocol_negotiation, save_startup_parameters_to_metadata,
    ServerParameterProvider, StartupHandler,
};
use pgwire::api::{ClientInfo, PgWireConnectionState, PidSecretKeyGenerator, METADATA_USER};
use pgwire::error::{PgWireError, PgWireResult};
use pgwire::messages::startup::PasswordMessageFamily;
use pgwire::messages::{PgWireBackendMessage, PgWireFrontendMessage};

use super::handler::ConnHandler;
use super::sqlstate::{self, fatal};
use super::SERVER_VERSION;
use crate::config::TlsMode;

/// The user name when a client sends none.
const DEFAULT_USER: &str = "insights";

/// The connection's authentication exchange between two client messages.
#[derive(Default)]
struct ExchangeSlot(Mutex<Option<Pending>>);

/// An exchange waiting for the client's next message.
struct Pending {
    exchange: Box<dyn AuthMechanism>,
    /// The next message must be a SASLInitialResponse (the client's choice of mechanism).
    awaits_initial: bool,
}

/// The parameters reported at startup, from the session's settings.
struct Parameters(HashMap<String, String>);

impl ServerParameterProvider for Parameters {
    fn server_parameters<C>(&self, _client: &C) -> Option<HashMap<String, String>>
    where
        C: ClientInfo,
    {
        Some(self.0.clone())
    }
}

#[async_trait]
impl StartupHandler for ConnHandler {
    async fn on_startup<C>(
        &self,
        client: &mut C,
        message: PgWireFrontendMessage,
    ) -> PgWireResult<()>
    where
        C: ClientInfo + Sink<PgWireBackendMessage> + Unpin + Send + Sync,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        match message {
            PgWireFrontendMessage::Startup(ref startup) => {
                protocol_negotiation(client, startup).await?;
                save_startup_parameters_to_metadata(client, startup);
                let state = &self.session.state;
                if state.tls.mode == TlsMode::Required && !client.is_secure() {
                    tracing::warn!(addr = %client.socket_addr(), user = %user_of(client), "plaintext connection refused: TLS is required");
                    return Err(fatal(
                        sqlstate::INVALID_AUTHORIZATION,
                        "this server requires TLS: connect with sslmode=require (or verify-full)",
                    ));
                }
                match state.auth.mechanism(client.is_secure()) {
                    None => self.start_session(client, None).await,
                    Some(mut exchange) => {
                        let step = exchange.begin(client).await;
                        self.advance(client, exchange, true, step).await
                    }
                }
            }
            PgWireFrontendMessage::PasswordMessageFamily(msg) => {
                let slot = client
                    .session_extensions()
                    .get_or_insert_with(ExchangeSlot::default);
                let taken = slot.0.lock().map(|mut s| s.take()).unwrap_or(None);
                let Some(Pending {
                    mut exchange,
                    awaits_initial,
                }) = taken
                else {
                    return Err(fatal(
                        sqlstate::PROTOCOL_VIOLATION,
                        "unexpected password message: no authentication is in progress",
                    ));
                };
                // pgwire would read any password message as a SASLInitialResponse (and panic on a short one):
                // a client answering with a cleartext or MD5 password is told what this server wants instead.
                if awaits_initial && !is_sasl_initial_response(&msg) {
                    let offered = state_offered(self, client);
                    return Err(auth_failure(
                        client,
                        PgWireError::FailedToCoercePasswordMessage,
                        &offered,
                    ));
                }
                let step = exchange.next(client, msg).await;
                self.advance(client, exchange, false, step).await
            }
            _ => Ok(()),
        }
    }
}

impl ConnHandler {
    /// Acts on one step of the authentication exchange: send its next challenge, or finish the startup, or
    /// fail the connection.
    async fn advance<C>(
        &self,
        client: &mut C,
        exchange: Box<dyn AuthMechanism>,
        first: bool,
        step: PgWireResult<AuthState>,
    ) -> PgWireResult<()>
    where
        C: ClientInfo + Sink<PgWireBackendMessage> + Unpin + Send + Sync,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        match step {
            Ok(AuthState::InProgress(challenge)) => {
                client.set_state(PgWireConnectionState::AuthenticationInProgress);
                let slot = client
                    .session_extensions()
                    .get_or_insert_with(ExchangeSlot::default);
                if let Ok(mut s) = slot.0.lock() {
                    *s = Some(Pending {
                        exchange,
                        awaits_initial: first,
                    });
                }
                client
                    .send(PgWireBackendMessage::Authentication(challenge))
                    .await?;
                Ok(())
            }
            Ok(AuthState::Ok { final_message, .. }) => {
                if let Some(m) = final_message {
                    client.feed(PgWireBackendMessage::Authentication(m)).await?;
                }
                self.start_session(client, Some("scram")).await
            }
            Ok(AuthState::Failed(e)) | Err(e) => {
                let offered = state_offered(self, client);
                Err(auth_failure(client, e, &offered))
            }
        }
    }

    /// Completes the startup of an authenticated (or trusted) client: backend key, session user, parameters,
    /// AuthenticationOk and ReadyForQuery.
    async fn start_session<C>(&self, client: &mut C, method: Option<&str>) -> PgWireResult<()>
    where
        C: ClientInfo + Sink<PgWireBackendMessage> + Unpin + Send + Sync,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        let (pid, key) = self.session.state.backend_keys.generate(client);
        client.set_pid_and_secret_key(pid, key.clone());
        self.session.register_cancel(pid, key.to_bytes());
        let user = user_of(client);
        let params = {
            let mut settings = self.session.settings();
            for (k, v) in client.metadata() {
                settings.set_startup(k, v);
            }
            let get = |k: &str| settings.get(k).unwrap_or_default().to_owned();
            let mut m = HashMap::new();
            m.insert("server_version".into(), SERVER_VERSION.to_owned());
            m.insert("server_encoding".into(), "UTF8".into());
            m.insert("client_encoding".into(), get("client_encoding"));
            m.insert("DateStyle".into(), get("datestyle"));
            m.insert("TimeZone".into(), get("timezone"));
            m.insert("IntervalStyle".into(), get("intervalstyle"));
            m.insert("integer_datetimes".into(), "on".into());
            m.insert("standard_conforming_strings".into(), "on".into());
            m.insert("application_name".into(), get("application_name"));
            m.insert("is_superuser".into(), "off".into());
            m.insert("session_authorization".into(), user.clone());
            m.insert("default_transaction_read_only".into(), "on".into());
            m.insert("in_hot_standby".into(), "off".into());
            m
        };
        self.session.set_user(&user);
        tracing::info!(
            pid,
            user = %user,
            addr = %client.socket_addr(),
            tls = client.is_secure(),
            auth = method.unwrap_or("trust"),
            "connection started"
        );
        finish_authentication(client, &Parameters(params)).await
    }
}

/// The SASL mechanisms this connection was offered.
fn state_offered<C: ClientInfo>(handler: &ConnHandler, client: &C) -> String {
    handler.session.state.auth.offered(client.is_secure())
}

/// Whether a password-family message has the shape of a SASLInitialResponse: a mechanism name, then a
/// response length (or -1 for none) that matches the bytes left.
fn is_sasl_initial_response(msg: &PasswordMessageFamily) -> bool {
    let body = match msg {
        PasswordMessageFamily::SASLInitialResponse(_) => return true,
        PasswordMessageFamily::Raw(body) => body,
        _ => return false,
    };
    let Some(nul) = body.iter().position(|b| *b == 0) else {
        return false;
    };
    let rest = &body[nul + 1..];
    let Some((len, data)) = rest.split_first_chunk::<4>() else {
        return false;
    };
    match i32::from_be_bytes(*len) {
        -1 => data.is_empty(),
        n => usize::try_from(n).is_ok_and(|n| n == data.len()),
    }
}

/// The startup message's user.
fn user_of<C: ClientInfo>(client: &C) -> String {
    client
        .metadata()
        .get(METADATA_USER)
        .cloned()
        .unwrap_or_else(|| DEFAULT_USER.into())
}

/// The error a failed exchange ends the connection with. A wrong password and an unknown user look the same
/// (28P01, one message), as in PostgreSQL; a client that cannot do SCRAM is told so.
fn auth_failure<C: ClientInfo>(client: &C, e: PgWireError, offered: &str) -> PgWireError {
    let user = user_of(client);
    let addr = client.socket_addr();
    match e {
        PgWireError::InvalidPassword(_) => {
            tracing::warn!(user = %user, %addr, "password authentication failed");
            fatal(
                sqlstate::INVALID_PASSWORD,
                format!("password authentication failed for user \"{user}\""),
            )
        }
        PgWireError::FailedToCoercePasswordMessage => {
            tracing::warn!(user = %user, %addr, "client answered SCRAM with another password method");
            fatal(
                sqlstate::INVALID_AUTHORIZATION,
                "this server accepts SCRAM-SHA-256 authentication only; the client sent another kind of password (use a client or driver with SCRAM support, e.g. libpq 10 or later)",
            )
        }
        PgWireError::UnsupportedSASLAuthMethod(m) => {
            // Only well-formed SASLInitialResponses get here, so `m` is a mechanism name, not a password.
            tracing::warn!(user = %user, %addr, mechanism = %m, "unsupported SASL mechanism");
            fatal(
                sqlstate::INVALID_AUTHORIZATION,
                format!("SASL mechanism {m} is not supported; this server offers {offered}"),
            )
        }
        other => {
            tracing::warn!(user = %user, %addr, cause = %other, "authentication failed");
            other
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::BytesMut;

    #[test]
    fn only_well_formed_initial_responses_pass() {
        let raw = |b: &[u8]| PasswordMessageFamily::Raw(BytesMut::from(b));
        let mut ok = b"SCRAM-SHA-256\0".to_vec();
        ok.extend_from_slice(&3i32.to_be_bytes());
        ok.extend_from_slice(b"n,,");
        assert!(is_sasl_initial_response(&raw(&ok)));
        let mut none = b"SCRAM-SHA-256\0".to_vec();
        none.extend_from_slice(&(-1i32).to_be_bytes());
        assert!(is_sasl_initial_response(&raw(&none)));
        // A cleartext password message, and lengths that do not fit.
        assert!(!is_sasl_initial_response(&raw(b"hunter2\0")));
        assert!(!is_sasl_initial_response(&raw(b"hunter2")));
        ok.pop();
        assert!(!is_sasl_initial_response(&raw(&ok)));
        let mut negative = b"X\0".to_vec();
        negative.extend_from_slice(&(-7i32).to_be_bytes());
        assert!(!is_sasl_initial_response(&raw(&negative)));
    }
}
