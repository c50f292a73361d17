//! One client connection: its session state and the pgwire handler traits (simple query, extended query, query
//! parser). A statement takes one path: empty/comment-only → EmptyQuery; session command → answered here;
//! anything else → checked for the engine → run on the engine, streamed back.

use std::fmt::Debug;
use std::sync::{Arc, Mutex, MutexGuard};

use async_trait::async_trait;
use bytes::Bytes;
use futures::{stream, Sink, SinkExt, StreamExt};
use pgwire::api::portal::{Format, Portal};
use pgwire::api::query::{
    send_execution_response, send_query_response, ExtendedQueryHandler, SimpleQueryHandler,
};
use pgwire::api::results::{DataRowEncoder, FieldFormat, FieldInfo, QueryResponse, Response, Tag};
use pgwire::api::stmt::QueryParser;
use pgwire::api::store::PortalStore;
use pgwire::api::{
    ClientInfo, ClientPortalStore, PgWireConnectionState, PgWireServerHandlers, Type,
};
use pgwire::error::{ErrorInfo, PgWireError, PgWireResult};
use pgwire::messages::response::{
    EmptyQueryResponse, NoticeResponse, ReadyForQuery, TransactionStatus,
};
use pgwire::messages::simplequery::Query;
use pgwire::messages::startup::ParameterStatus;
use pgwire::messages::PgWireBackendMessage;

use super::audit::{EarlyEnd, Pending, Tracker};
use super::cancel::CancelRouter;
use super::shutdown::{Activity, Shutdown};
use super::sqlstate::{self, user_error};
use super::types::{field_infos, pg_type};
use super::{exec, params, ServerState};
use crate::agent::marker::extract_question;
use crate::agent::memory::Conversation;
use crate::agent::pipeline::{Exec, Planned};
use crate::engine::refresh::is_refresh_call;
use crate::engine::{CancelToken, ColumnDesc, Description, EngineSession, SqlType};
use crate::ops::audit::AuditKind;
use crate::pgcompat::session::{self as sess, Reply, SessionCommand, SessionError, Settings};
use crate::pgcompat::split;

/// SQLSTATE for statements sent inside a failed transaction block.
const IN_FAILED_TRANSACTION: &str = "25P02";

/// One client's session.
pub struct Session {
    pub state: Arc<ServerState>,
    pub engine: Arc<dyn EngineSession>,
    /// Interrupts the statement that runs now (CancelRequest, timeout, disconnect).
    pub cancel: CancelToken,
    settings: Mutex<Settings>,
    user: Mutex<String>,
    /// This connection's conversation, for follow-ups ("and in 2024?") when no named thread is set.
    conversation: Mutex<Conversation>,
    /// The backend key, to unregister from the cancel registry when the connection ends.
    key: Mutex<Option<(i32, Bytes)>>,
    /// Statements in progress: shutdown closes the connection once none is.
    pub activity: Activity,
}

impl Session {
    pub fn new(state: Arc<ServerState>, engine: Arc<dyn EngineSession>) -> Self {
        let settings = Settings::new(state.config.statement_timeout);
        Self {
            state,
            engine,
            cancel: CancelToken::new(),
            settings: Mutex::new(settings),
            user: Mutex::new(String::new()),
            conversation: Mutex::new(Conversation::default()),
            key: Mutex::new(None),
            activity: Activity::default(),
        }
    }

    /// The session settings. Never held across an await.
    pub fn settings(&self) -> MutexGuard<'_, Settings> {
        // A poisoned lock only means another thread panicked mid-update; the settings map stays usable.
        self.settings.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn set_user(&self, user: &str) {
        *self.user.lock().unwrap_or_else(|p| p.into_inner()) = user.to_owned();
    }

    /// The user the client started up as.
    pub fn user(&self) -> String {
        self.user.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// The client's application_name as it is now (startup parameter, or `SET application_name`).
    pub fn application_name(&self) -> String {
        self.settings()
            .get("application_name")
            .unwrap_or_default()
            .to_owned()
    }

    /// Before an admin's statement runs: brings `insights.query_log` up to date when `sql` may read it.
    async fn sync_query_log(&self, sql: &str) {
        if !self.state.is_admin(&self.user()) {
            return;
        }
        let state = self.state.clone();
        let sql = sql.to_owned();
        let _ = tokio::task::spawn_blocking(move || state.sync_query_log(&sql)).await;
    }

    pub fn register_cancel(&self, pid: i32, secret: Bytes) {
        self.state
            .cancels
            .register(pid, secret.clone(), self.cancel.clone());
        *self.key.lock().unwrap_or_else(|p| p.into_inner()) = Some((pid, secret));
    }

    /// Checks one statement before it may reach the engine and returns the text to run (rewritten: row cap).
    pub fn check_sql(&self, sql: &str) -> PgWireResult<String> {
        tracing::debug!(sql = %sql, "statement received");
        let sql = crate::pgcompat::rewrite::rewrite(sql);
        self.checked(&sql, self.guard().check(&sql))
    }

    /// Checks SQL written by the NL engine: the same guard as users' SQL, with the NL row cap.
    pub fn check_nl_sql(&self, sql: &str) -> PgWireResult<String> {
        let cap = Some(self.state.config.max_rows_nl);
        self.checked(sql, self.guard().check_with_cap(sql, cap))
    }

    /// This session's guard: the user's row-level policy applies to everything they run.
    fn guard(&self) -> Arc<crate::guard::Guard> {
        let user = self.user.lock().unwrap_or_else(|p| p.into_inner());
        self.state.guard_for(&user)
    }

    fn checked(
        &self,
        sql: &str,
        result: Result<Vec<crate::guard::Checked>, crate::guard::GuardError>,
    ) -> PgWireResult<String> {
        match result {
            Ok(mut v) if v.len() == 1 => Ok(v.remove(0).sql),
            Ok(v) => Err(user_error(
                sqlstate::SYNTAX_ERROR,
                format!("expected one statement, found {}", v.len()),
            )),
            Err(e) => {
                tracing::info!(refused = %e, sql = %sql.chars().take(200).collect::<String>(), "statement refused");
                Err(user_error(e.sqlstate(), e.to_string()))
            }
        }
    }

    /// Runs checked SQL for the NL pipeline on this session's engine.
    fn exec(&self) -> Exec {
        Exec {
            engine: self.engine.clone(),
            guard: self.guard(),
            cap: self.state.config.max_rows_nl,
            cancel: self.cancel.clone(),
        }
    }

    /// The named thread set with `SET insights.thread`, if any.
    fn thread(&self) -> Option<String> {
        self.settings()
            .get(sess::THREAD_SETTING)
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
    }

    /// The conversation so far: the named thread's (from the store) or this connection's.
    fn conversation(&self) -> PgWireResult<Conversation> {
        match self.thread() {
            Some(t) => self
                .state
                .agent()
                .load_thread(&t)
                .map_err(sqlstate::agent_error),
            None => Ok(self
                .conversation
                .lock()
                .map(|c| c.clone())
                .unwrap_or_default()),
        }
    }

    /// Reads a plain-English question through the agent pipeline into what to send.
    pub async fn plan_question(&self, question: &str) -> PgWireResult<Answer> {
        let conv = self.conversation()?;
        let planned = self
            .state
            .agent()
            .plan(question, &conv, &self.exec())
            .await
            .map_err(|e| {
                tracing::info!(question = %question, error = %e, "question not answered");
                sqlstate::agent_error(e)
            })?;
        Ok(Answer {
            planned,
            question: question.to_owned(),
        })
    }

    /// The notices of an answer. A query's result is materialized (capped at the NL row cap) to summarize it.
    pub async fn answer_notices(&self, answer: &Answer) -> PgWireResult<Vec<String>> {
        match &answer.planned {
            Planned::Table { notices, .. } => Ok(notices.clone()),
            Planned::Query {
                sql,
                interpretation,
                notes,
                formats,
                turn,
            } => {
                let exec = self.exec();
                let to_run = sql.clone();
                let table = tokio::task::spawn_blocking(move || exec.run_checked(&to_run))
                    .await
                    .map_err(|e| user_error(sqlstate::INTERNAL_ERROR, e.to_string()))?
                    .map_err(|e| user_error(sqlstate::DATA_EXCEPTION, e))?;
                Ok(self
                    .state
                    .agent()
                    .notices(&table, interpretation, notes, formats, turn)
                    .await)
            }
        }
    }

    /// Remembers an answered question for follow-ups (or forgets the conversation).
    pub fn remember(&self, answer: &Answer) -> PgWireResult<()> {
        let mut conv = self.conversation()?;
        match &answer.planned {
            Planned::Query { turn, .. } => conv.push((**turn).clone()),
            Planned::Table { forget: true, .. } => conv = Conversation::default(),
            Planned::Table { .. } => return Ok(()),
        }
        match self.thread() {
            Some(t) => self
                .state
                .agent()
                .save_thread(&t, &conv)
                .map_err(sqlstate::agent_error),
            None => {
                if let Ok(mut c) = self.conversation.lock() {
                    *c = conv;
                }
                Ok(())
            }
        }
    }
}

/// A question planned by the agent pipeline.
#[derive(Debug, Clone)]
pub struct Answer {
    pub planned: Planned,
    /// The question as asked.
    pub question: String,
}

impl Answer {
    /// The answer's row shape without running it (a precomputed table's columns are text).
    fn describe(&self, engine: &Arc<dyn EngineSession>) -> PgWireResult<Description> {
        match &self.planned {
            Planned::Query { sql, .. } => Ok(engine.describe(sql)?),
            Planned::Table { columns, .. } => Ok(Description {
                params: vec![],
                columns: columns
                    .iter()
                    .map(|c| ColumnDesc {
                        name: c.clone(),
                        ty: SqlType::Text,
                    })
                    .collect(),
            }),
        }
    }
}

/// Sent before an answer that comes from the result cache.
const CACHED_NOTICE: &str =
    "answer from the result cache (the lake has not changed since it was computed)";

fn notice(text: &str) -> PgWireBackendMessage {
    PgWireBackendMessage::NoticeResponse(NoticeResponse::from(ErrorInfo::new(
        "NOTICE".to_owned(),
        "00000".to_owned(),
        text.to_owned(),
    )))
}

impl Drop for Session {
    fn drop(&mut self) {
        if let Some((pid, secret)) = self.key.lock().ok().and_then(|mut k| k.take()) {
            self.state.cancels.unregister(pid, &secret);
        }
        // A statement still running for a vanished client is interrupted.
        self.cancel.cancel(crate::engine::CancelReason::User);
    }
}

/// What a prepared statement is, decided once at Parse time.
#[derive(Debug, Clone)]
pub enum Kind {
    Empty,
    Session(SessionCommand),
    Sql(String),
    /// A plain-English question, already read into SQL at Parse time (so Describe knows the answer's shape).
    Ask(Answer),
}

/// A parsed (extended protocol) statement.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub kind: Kind,
    pub desc: Description,
    /// The statement as the client sent it (for the audit log).
    pub text: String,
}

/// The pgwire handlers of one connection.
pub struct ConnHandler {
    pub session: Arc<Session>,
    parser: Arc<StatementParser>,
    cancel_router: Arc<CancelRouter>,
}

impl ConnHandler {
    pub fn new(session: Arc<Session>) -> Self {
        let cancel_router = Arc::new(CancelRouter(session.state.cancels.clone()));
        Self {
            parser: Arc::new(StatementParser {
                session: session.clone(),
            }),
            session,
            cancel_router,
        }
    }
}

impl PgWireServerHandlers for ConnHandler {
    fn simple_query_handler(&self) -> Arc<impl SimpleQueryHandler> {
        Arc::new(self.clone_handles())
    }

    fn extended_query_handler(&self) -> Arc<impl ExtendedQueryHandler> {
        Arc::new(self.clone_handles())
    }

    fn startup_handler(&self) -> Arc<impl pgwire::api::auth::StartupHandler> {
        Arc::new(self.clone_handles())
    }

    fn cancel_handler(&self) -> Arc<impl pgwire::api::cancel::CancelHandler> {
        self.cancel_router.clone()
    }
}

impl ConnHandler {
    fn clone_handles(&self) -> ConnHandler {
        ConnHandler {
            session: self.session.clone(),
            parser: self.parser.clone(),
            cancel_router: self.cancel_router.clone(),
        }
    }
}

fn session_error(e: SessionError) -> PgWireError {
    let code = match e {
        SessionError::Unknown(_) => sqlstate::UNDEFINED_OBJECT,
        SessionError::Forbidden(_) => sqlstate::INSUFFICIENT_PRIVILEGE,
        SessionError::InvalidValue { .. } => sqlstate::INVALID_PARAMETER_VALUE,
        SessionError::Unsupported(_) => sqlstate::FEATURE_NOT_SUPPORTED,
    };
    user_error(code, e.to_string())
}

/// A small in-memory text result (SHOW).
fn text_rows(columns: &[&str], rows: Vec<Vec<String>>) -> QueryResponse {
    let fields: Vec<FieldInfo> = columns
        .iter()
        .map(|c| FieldInfo::new((*c).to_owned(), None, None, Type::TEXT, FieldFormat::Text))
        .collect();
    let fields = Arc::new(fields);
    let f2 = fields.clone();
    let rows = stream::iter(rows.into_iter().map(move |r| {
        let mut enc = DataRowEncoder::new(f2.clone());
        for v in r {
            enc.encode_field(&v)?;
        }
        Ok(enc.take_row())
    }));
    QueryResponse::new(fields, rows)
}

fn show_response(reply: Reply) -> Option<QueryResponse> {
    match reply {
        Reply::Rows { column, rows, all } => Some(if all {
            text_rows(
                &["name", "setting", "description"],
                rows.into_iter().map(|(n, v, d)| vec![n, v, d]).collect(),
            )
        } else {
            text_rows(
                &[column.as_str()],
                rows.into_iter().map(|(_, v, _)| vec![v]).collect(),
            )
        }),
        _ => None,
    }
}

fn show_columns(cmd: &SessionCommand) -> Vec<ColumnDesc> {
    let col = |n: &str| ColumnDesc {
        name: n.to_owned(),
        ty: SqlType::Text,
    };
    match cmd {
        SessionCommand::Show(name) if name == "all" => {
            vec![col("name"), col("setting"), col("description")]
        }
        SessionCommand::Show(name) => vec![col(&sess::display_name(name))],
        _ => vec![],
    }
}

/// Commands allowed inside a failed transaction block.
fn ends_failed_transaction(cmd: Option<&SessionCommand>) -> bool {
    matches!(
        cmd,
        Some(SessionCommand::Rollback | SessionCommand::Commit | SessionCommand::RollbackTo)
    )
}

impl ConnHandler {
    /// Classifies and checks one statement of a simple query, before anything runs.
    fn plan_simple(&self, stmt: &str) -> PgWireResult<Kind> {
        if split::is_comment_only(stmt) {
            return Ok(Kind::Empty);
        }
        if let Some(cmd) = sess::parse(stmt) {
            return Ok(Kind::Session(cmd));
        }
        Ok(Kind::Sql(self.session.check_sql(stmt)?))
    }

    /// Starts the audit record of a statement from this client.
    fn tracker<C: ClientInfo>(&self, client: &C, kind: AuditKind, statement: &str) -> Tracker {
        Tracker::start(&self.session, client.socket_addr(), kind, statement)
    }

    /// Runs one planned statement of a simple query, sending its response; a result's rows finish `pending`.
    async fn run_simple<C>(
        &self,
        client: &mut C,
        stmt: &Kind,
        status: &mut TransactionStatus,
        pending: &mut Pending,
    ) -> PgWireResult<()>
    where
        C: ClientInfo + Sink<PgWireBackendMessage> + Unpin + Send + Sync,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        let cmd = match stmt {
            Kind::Empty => {
                client
                    .feed(PgWireBackendMessage::EmptyQueryResponse(
                        EmptyQueryResponse::new(),
                    ))
                    .await?;
                return Ok(());
            }
            Kind::Session(c) => Some(c.clone()),
            _ => None,
        };
        if *status == TransactionStatus::Error && !ends_failed_transaction(cmd.as_ref()) {
            return Err(user_error(
                IN_FAILED_TRANSACTION,
                "current transaction is aborted, commands ignored until end of transaction block",
            ));
        }
        if let Some(cmd) = cmd {
            let reply = self.session.settings().apply(&cmd).map_err(session_error)?;
            match reply {
                Reply::Tag(t) => {
                    send_execution_response(client, Tag::new(t)).await?;
                    self.report_parameter(client, &cmd).await?;
                }
                Reply::TxStart(t) => {
                    send_execution_response(client, Tag::new(t)).await?;
                    *status = status.to_in_transaction_state();
                }
                Reply::TxEnd(t) => {
                    let tag = if *status == TransactionStatus::Error {
                        "ROLLBACK"
                    } else {
                        t
                    };
                    send_execution_response(client, Tag::new(tag)).await?;
                    *status = status.to_idle_state();
                }
                rows @ Reply::Rows { .. } => {
                    if let Some(mut resp) = show_response(rows) {
                        resp.set_command_tag("SHOW");
                        let resp = pending.follow(resp, EarlyEnd::ClientGone);
                        send_query_response(client, resp, true).await?;
                    }
                }
            }
            return Ok(());
        }
        let Kind::Sql(sql) = stmt else {
            return Ok(());
        };
        self.session.sync_query_log(sql).await;
        if self.session.engine.cached(sql) {
            client.feed(notice(CACHED_NOTICE)).await?;
        }
        let timeout = self.session.settings().statement_timeout();
        let started = exec::start(
            self.session.engine.clone(),
            self.session.cancel.clone(),
            sql.clone(),
            Vec::new(),
            Vec::new(),
            timeout,
        )
        .await?;
        let response = pending.follow(started.response, EarlyEnd::ClientGone);
        send_query_response(client, response, true).await
    }

    /// `SELECT insights.refresh()`: looks at every source again now and answers with what changed.
    async fn run_refresh<C>(&self, client: &mut C, pending: &mut Pending) -> PgWireResult<()>
    where
        C: ClientInfo + Sink<PgWireBackendMessage> + Unpin + Send + Sync,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        let state = self.session.state.clone();
        let report = tokio::task::spawn_blocking(move || state.refresh(true))
            .await
            .map_err(|e| user_error(sqlstate::INTERNAL_ERROR, e.to_string()))?
            .map_err(|e| sqlstate::refresh_error(&e))?;
        let resp = text_rows(
            &["tables", "added", "removed", "changed", "errors"],
            vec![vec![
                report.tables.to_string(),
                report.added.join(","),
                report.removed.join(","),
                report.changed.join(","),
                report.errors.to_string(),
            ]],
        );
        let resp = pending.follow(resp, EarlyEnd::ClientGone);
        send_query_response(client, resp, true).await
    }

    /// Runs the statements of a simple query in order, stopping at the first error. Every statement is
    /// checked before any runs: a refused piece means nothing runs in part.
    async fn run_statements<C>(
        &self,
        client: &mut C,
        text: &str,
        status: &mut TransactionStatus,
    ) -> PgWireResult<()>
    where
        C: ClientInfo + Sink<PgWireBackendMessage> + Unpin + Send + Sync,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        let statements = split::split_statements(text);
        if statements.is_empty() {
            client
                .feed(PgWireBackendMessage::EmptyQueryResponse(
                    EmptyQueryResponse::new(),
                ))
                .await?;
        }
        let mut planned = Vec::with_capacity(statements.len());
        for text in &statements {
            // Timed from here so that a refusal's record says how long the check took.
            let tracker = self.tracker(client, AuditKind::Sql, text);
            match self.plan_simple(text) {
                Ok(kind) => planned.push(kind),
                Err(e) => {
                    // Refused before anything ran: the refused statement is the one on record.
                    tracker.finish(0, Some(&e));
                    return Err(e);
                }
            }
        }
        for (stmt, text) in planned.iter().zip(&statements) {
            let mut pending = match stmt {
                Kind::Empty => Pending::none(),
                _ => Pending::new(self.tracker(client, AuditKind::Sql, text)),
            };
            if let (Kind::Sql(sql), Some(t)) = (stmt, pending.tracker()) {
                t.set_sql(sql);
            }
            let result = self.run_simple(client, stmt, status, &mut pending).await;
            pending.done(&result);
            result?;
        }
        Ok(())
    }

    /// Answers a plain-English question (simple protocol): notices, then the rows.
    async fn run_ask<C>(
        &self,
        client: &mut C,
        question: &str,
        status: &TransactionStatus,
        pending: &mut Pending,
    ) -> PgWireResult<()>
    where
        C: ClientInfo + Sink<PgWireBackendMessage> + Unpin + Send + Sync,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        if *status == TransactionStatus::Error {
            return Err(user_error(
                IN_FAILED_TRANSACTION,
                "current transaction is aborted, commands ignored until end of transaction block",
            ));
        }
        let answer = self.session.plan_question(question).await?;
        if let Some(t) = pending.tracker() {
            t.set_answer(&answer);
        }
        let response = self.start_answer(client, &answer, Vec::new()).await?;
        let response = pending.follow(response, EarlyEnd::ClientGone);
        send_query_response(client, response, true).await
    }

    /// Sends an answer's notices (the summary of its rows first) and starts sending its rows.
    async fn start_answer<C>(
        &self,
        client: &mut C,
        answer: &Answer,
        binary: Vec<bool>,
    ) -> PgWireResult<QueryResponse>
    where
        C: Sink<PgWireBackendMessage> + Unpin + Send,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        // Asked before the answer is first computed (for its narrative): from then on it is in the cache, and
        // the rows below are streamed from there instead of running the query twice.
        let cached = match &answer.planned {
            Planned::Query { sql, .. } => self.session.engine.cached(sql),
            Planned::Table { .. } => false,
        };
        let notices = self.session.answer_notices(answer).await?;
        let response = match &answer.planned {
            Planned::Query { sql, .. } => {
                let timeout = self.session.settings().statement_timeout();
                exec::start(
                    self.session.engine.clone(),
                    self.session.cancel.clone(),
                    sql.clone(),
                    Vec::new(),
                    binary,
                    timeout,
                )
                .await?
                .response
            }
            Planned::Table { columns, rows, .. } => {
                let names: Vec<&str> = columns.iter().map(String::as_str).collect();
                text_rows(&names, rows.clone())
            }
        };
        for n in &notices {
            client.feed(notice(n)).await?;
        }
        if cached {
            client.feed(notice(CACHED_NOTICE)).await?;
        }
        self.session.remember(answer)?;
        Ok(response)
    }

    /// Sends ParameterStatus after SET/RESET of a reported setting, as PostgreSQL does.
    async fn report_parameter<C>(&self, client: &mut C, cmd: &SessionCommand) -> PgWireResult<()>
    where
        C: Sink<PgWireBackendMessage> + Unpin + Send,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        let name = match cmd {
            SessionCommand::Set { name, .. } | SessionCommand::Reset(Some(name)) => name.clone(),
            _ => return Ok(()),
        };
        if !sess::is_reported(&name) {
            return Ok(());
        }
        let value = self
            .session
            .settings()
            .get(&name)
            .unwrap_or_default()
            .to_owned();
        client
            .feed(PgWireBackendMessage::ParameterStatus(ParameterStatus::new(
                sess::display_name(&name),
                value,
            )))
            .await?;
        Ok(())
    }
}

#[async_trait]
impl SimpleQueryHandler for ConnHandler {
    async fn on_query<C>(&self, client: &mut C, query: Query) -> PgWireResult<()>
    where
        C: ClientInfo + ClientPortalStore + Sink<PgWireBackendMessage> + Unpin + Send + Sync,
        C::PortalStore: PortalStore,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        if !matches!(client.state(), PgWireConnectionState::ReadyForQuery) {
            return Err(PgWireError::NotReadyForQuery);
        }
        client.set_state(PgWireConnectionState::QueryInProgress);
        let _busy = self.session.activity.enter();
        let mut status = client.transaction_status();
        let result = if self.session.state.shutdown.is_stopping() {
            Err(Shutdown::refusal())
        } else if is_refresh_call(&query.query) {
            let mut pending = Pending::new(self.tracker(client, AuditKind::Sql, &query.query));
            let result = self.run_refresh(client, &mut pending).await;
            pending.done(&result);
            result
        } else {
            match extract_question(&query.query) {
                Some(question) => {
                    let mut tracker = self.tracker(client, AuditKind::Nl, &query.query);
                    tracker.set_question(&question);
                    let mut pending = Pending::new(tracker);
                    let result = self.run_ask(client, &question, &status, &mut pending).await;
                    pending.done(&result);
                    result
                }
                None => self.run_statements(client, &query.query, &mut status).await,
            }
        };
        if let Err(e) = result {
            // A broken socket ends the connection; any other error is reported and the session goes on.
            if matches!(e, PgWireError::IoError(_)) {
                return Err(e);
            }
            let info: ErrorInfo = e.into();
            client
                .feed(PgWireBackendMessage::ErrorResponse(info.into()))
                .await?;
            status = status.to_error_state();
        }
        client.set_state(PgWireConnectionState::ReadyForQuery);
        client.set_transaction_status(status);
        client
            .send(PgWireBackendMessage::ReadyForQuery(ReadyForQuery::new(
                status,
            )))
            .await?;
        Ok(())
    }

    async fn do_query<C>(&self, _client: &mut C, _query: &str) -> PgWireResult<Vec<Response>>
    where
        C: ClientInfo + ClientPortalStore + Sink<PgWireBackendMessage> + Unpin + Send + Sync,
        C::PortalStore: PortalStore,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        // on_query is overridden and never calls this.
        Err(user_error(
            sqlstate::INTERNAL_ERROR,
            "unreachable simple query path",
        ))
    }
}

/// Keeps the connection marked busy until the response's rows have all been sent (or it is dropped).
fn busy_until_sent(mut response: QueryResponse, busy: super::shutdown::Busy) -> QueryResponse {
    let rows = std::mem::replace(&mut response.data_rows, Box::pin(stream::empty()));
    response.data_rows = Box::pin(rows.map(move |r| {
        let _held = &busy;
        r
    }));
    response
}

/// Turns SQL text into a [`Prepared`] at Parse time: classifies it and describes it on the engine.
pub struct StatementParser {
    session: Arc<Session>,
}

fn binary_flags(format: &Format, n: usize) -> Vec<bool> {
    (0..n)
        .map(|i| match format {
            Format::UnifiedText => false,
            Format::UnifiedBinary => true,
            Format::Individual(codes) => match codes.len() {
                0 => false,
                1 => codes[0] == 1,
                _ => codes.get(i).copied() == Some(1),
            },
        })
        .collect()
}

#[async_trait]
impl QueryParser for StatementParser {
    type Statement = Arc<Prepared>;

    async fn parse_sql<C>(
        &self,
        client: &C,
        sql: &str,
        _types: &[Option<Type>],
    ) -> PgWireResult<Option<Self::Statement>>
    where
        C: ClientInfo + Unpin + Send + Sync,
    {
        let _busy = self.session.activity.enter();
        if self.session.state.shutdown.is_stopping() {
            return Err(Shutdown::refusal());
        }
        let question = extract_question(sql);
        let kind = match question {
            Some(_) => AuditKind::Nl,
            None => AuditKind::Sql,
        };
        let mut tracker = Tracker::start(&self.session, client.socket_addr(), kind, sql);
        let parsed = self.parse(sql).await;
        if let Err(e) = &parsed {
            // A statement refused at Parse never executes: this is its record.
            if let Some(q) = &question {
                tracker.set_question(q);
            }
            tracker.finish(0, Some(e));
        }
        parsed.map(|p| Some(Arc::new(p)))
    }

    fn get_parameter_types(&self, stmt: &Self::Statement) -> PgWireResult<Vec<Type>> {
        Ok(stmt.desc.params.iter().map(pg_type).collect())
    }

    fn get_result_schema(
        &self,
        stmt: &Self::Statement,
        column_format: Option<&Format>,
    ) -> PgWireResult<Vec<FieldInfo>> {
        let n = stmt.desc.columns.len();
        let flags = column_format
            .map(|f| binary_flags(f, n))
            .unwrap_or_default();
        Ok(field_infos(&stmt.desc.columns, &flags))
    }
}

impl StatementParser {
    /// Classifies `sql`, checks it and describes its result.
    async fn parse(&self, sql: &str) -> PgWireResult<Prepared> {
        let text = sql.to_owned();
        if split::is_comment_only(sql) {
            return Ok(Prepared {
                kind: Kind::Empty,
                desc: Description::default(),
                text,
            });
        }
        if let Some(question) = extract_question(sql) {
            let answer = self.session.plan_question(&question).await?;
            let engine = self.session.engine.clone();
            let to_describe = answer.clone();
            let desc = tokio::task::spawn_blocking(move || to_describe.describe(&engine))
                .await
                .map_err(|e| user_error(sqlstate::INTERNAL_ERROR, e.to_string()))??;
            return Ok(Prepared {
                kind: Kind::Ask(answer),
                desc,
                text,
            });
        }
        if let Some(cmd) = sess::parse(sql) {
            let desc = Description {
                params: vec![],
                columns: show_columns(&cmd),
            };
            return Ok(Prepared {
                kind: Kind::Session(cmd),
                desc,
                text,
            });
        }
        let checked = self.session.check_sql(sql)?;
        let engine = self.session.engine.clone();
        let to_describe = checked.clone();
        let desc = tokio::task::spawn_blocking(move || engine.describe(&to_describe))
            .await
            .map_err(|e| user_error(sqlstate::INTERNAL_ERROR, e.to_string()))??;
        Ok(Prepared {
            kind: Kind::Sql(checked),
            desc,
            text,
        })
    }
}

#[async_trait]
impl ExtendedQueryHandler for ConnHandler {
    type Statement = Arc<Prepared>;
    type QueryParser = StatementParser;

    fn query_parser(&self) -> Arc<Self::QueryParser> {
        self.parser.clone()
    }

    async fn do_query<C>(
        &self,
        client: &mut C,
        portal: &Portal<Self::Statement>,
        _max_rows: usize,
    ) -> PgWireResult<Response>
    where
        C: ClientInfo + ClientPortalStore + Sink<PgWireBackendMessage> + Unpin + Send + Sync,
        C::PortalStore: PortalStore<Statement = Self::Statement>,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        let busy = self.session.activity.enter();
        if self.session.state.shutdown.is_stopping() {
            return Err(Shutdown::refusal());
        }
        let prepared = &portal.statement.statement;
        let mut pending = match &prepared.kind {
            Kind::Empty => Pending::none(),
            Kind::Ask(answer) => {
                let mut t = self.tracker(client, AuditKind::Nl, &prepared.text);
                t.set_question(&answer.question);
                t.set_answer(answer);
                Pending::new(t)
            }
            Kind::Sql(sql) => {
                let mut t = self.tracker(client, AuditKind::Sql, &prepared.text);
                t.set_sql(sql);
                Pending::new(t)
            }
            Kind::Session(_) => Pending::new(self.tracker(client, AuditKind::Sql, &prepared.text)),
        };
        let result = self.execute_portal(client, portal, &mut pending).await;
        pending.done(&result);
        match result {
            Ok(Response::Query(rows)) => Ok(Response::Query(busy_until_sent(rows, busy))),
            other => other,
        }
    }
}

impl ConnHandler {
    /// Runs an extended-protocol portal; a result's rows finish `pending`.
    async fn execute_portal<C>(
        &self,
        client: &mut C,
        portal: &Portal<Arc<Prepared>>,
        pending: &mut Pending,
    ) -> PgWireResult<Response>
    where
        C: ClientInfo + ClientPortalStore + Sink<PgWireBackendMessage> + Unpin + Send + Sync,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        let prepared = &portal.statement.statement;
        let status = client.transaction_status();
        let cmd = match &prepared.kind {
            Kind::Session(c) => Some(c),
            _ => None,
        };
        if status == TransactionStatus::Error && !ends_failed_transaction(cmd) {
            return Err(user_error(
                IN_FAILED_TRANSACTION,
                "current transaction is aborted, commands ignored until end of transaction block",
            ));
        }
        match &prepared.kind {
            Kind::Empty => Ok(Response::EmptyQuery),
            Kind::Ask(answer) => {
                let flags = binary_flags(&portal.result_column_format, prepared.desc.columns.len());
                let response = self.start_answer(client, answer, flags).await?;
                Ok(Response::Query(
                    pending.follow(response, EarlyEnd::PortalClosed),
                ))
            }
            Kind::Session(cmd) => {
                let reply = self.session.settings().apply(cmd).map_err(session_error)?;
                Ok(match reply {
                    Reply::Tag(t) => {
                        self.report_parameter(client, cmd).await?;
                        Response::Execution(Tag::new(t))
                    }
                    Reply::TxStart(t) => Response::TransactionStart(Tag::new(t)),
                    Reply::TxEnd(t) => {
                        Response::TransactionEnd(Tag::new(if status == TransactionStatus::Error {
                            "ROLLBACK"
                        } else {
                            t
                        }))
                    }
                    rows @ Reply::Rows { .. } => match show_response(rows) {
                        Some(mut r) => {
                            r.set_command_tag("SHOW");
                            Response::Query(pending.follow(r, EarlyEnd::PortalClosed))
                        }
                        None => Response::EmptyQuery,
                    },
                })
            }
            Kind::Sql(sql) => {
                let mut values = Vec::with_capacity(portal.parameters.len());
                for (i, raw) in portal.parameters.iter().enumerate() {
                    let declared = portal.statement.parameter_types.get(i).cloned().flatten();
                    let ty = declared.unwrap_or_else(|| {
                        prepared
                            .desc
                            .params
                            .get(i)
                            .map(pg_type)
                            .unwrap_or(Type::TEXT)
                    });
                    let binary = binary_flags(&portal.parameter_format, portal.parameters.len())
                        .get(i)
                        .copied()
                        .unwrap_or(false);
                    let v = params::decode(raw.as_deref(), &ty, binary).map_err(|why| {
                        user_error(
                            sqlstate::INVALID_BINARY_REPRESENTATION,
                            format!("parameter ${}: {why}", i + 1),
                        )
                    })?;
                    values.push(v);
                }
                let flags = binary_flags(&portal.result_column_format, prepared.desc.columns.len());
                self.session.sync_query_log(sql).await;
                let timeout = self.session.settings().statement_timeout();
                let started = exec::start(
                    self.session.engine.clone(),
                    self.session.cancel.clone(),
                    sql.clone(),
                    values,
                    flags,
                    timeout,
                )
                .await?;
                Ok(Response::Query(
                    pending.follow(started.response, EarlyEnd::PortalClosed),
                ))
            }
        }
    }
}
