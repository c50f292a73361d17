//! Connection startup: protocol negotiation, the ParameterStatus values pgJDBC and psql expect (server_version,
//! UTF8, ISO dates, integer datetimes, standard strings, UTC), and the backend key that CancelRequests use.
//! Authentication is trust for now (SCRAM users are a later issue).

use std::collections::HashMap;
use std::fmt::Debug;

use async_trait::async_trait;
use futures::Sink;
use pgwire::api::auth::{
    finish_authentication, protocol_negotiation, save_startup_parameters_to_metadata,
    ServerParameterProvider, StartupHandler,
};
use pgwire::api::{ClientInfo, PidSecretKeyGenerator, RandomPidSecretKeyGenerator, METADATA_USER};
use pgwire::error::{PgWireError, PgWireResult};
use pgwire::messages::{PgWireBackendMessage, PgWireFrontendMessage};

use super::handler::ConnHandler;
use super::SERVER_VERSION;

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
        C: ClientInfo + Sink<PgWireBackendMessage> + Unpin + Send,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        let PgWireFrontendMessage::Startup(ref startup) = message else {
            return Ok(());
        };
        protocol_negotiation(client, startup).await?;
        save_startup_parameters_to_metadata(client, startup);
        let (pid, key) = RandomPidSecretKeyGenerator::default().generate(client);
        client.set_pid_and_secret_key(pid, key.clone());
        self.session.register_cancel(pid, key.to_bytes());
        let user = client
            .metadata()
            .get(METADATA_USER)
            .cloned()
            .unwrap_or_else(|| "insights".into());
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
        tracing::info!(pid, user = %user, addr = %client.socket_addr(), "connection started");
        finish_authentication(client, &Parameters(params)).await
    }
}
