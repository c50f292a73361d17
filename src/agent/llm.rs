//! The LLM client: one chat completion against any OpenAI-compatible endpoint (async-openai), with a timeout per
//! call and retries with exponential backoff on 429 and 5xx. Prompt templates come from `prompts/` (built in) or
//! from the configured `prompts_dir`.

use std::path::Path;
use std::time::Duration;

use async_openai::config::OpenAIConfig;
use async_openai::error::OpenAIError;
use async_openai::types::chat::{
    ChatCompletionRequestMessage, ChatCompletionRequestSystemMessageArgs,
    ChatCompletionRequestUserMessageArgs, CreateChatCompletionRequestArgs,
};
use async_openai::Client;

use crate::config::LlmConfig;

/// Attempts per call (the first plus retries on 429/5xx).
const HTTP_ATTEMPTS: u32 = 3;
/// First backoff; doubled each retry.
const BACKOFF: Duration = Duration::from_millis(200);

/// Why the LLM gave no text.
#[derive(Debug, Clone, thiserror::Error)]
pub enum LlmError {
    #[error("the language model did not answer within {0} ms")]
    Timeout(u128),
    #[error("the language model is unavailable: {0}")]
    Unavailable(String),
    #[error("the language model returned no text")]
    Empty,
}

/// Prompt templates, with `{{name}}` placeholders.
#[derive(Debug, Clone)]
pub struct Prompts {
    pub sql_system: String,
    pub sql_user: String,
    pub polish: String,
    pub route: String,
}

impl Prompts {
    /// The built-in templates, each overridden by a same-named `*.txt` file in `dir`.
    pub fn load(dir: Option<&Path>) -> Prompts {
        let read = |name: &str, builtin: &str| -> String {
            dir.and_then(|d| std::fs::read_to_string(d.join(name)).ok())
                .unwrap_or_else(|| builtin.to_owned())
        };
        Prompts {
            sql_system: read(
                "sql_system.txt",
                include_str!("../../prompts/sql_system.txt"),
            ),
            sql_user: read("sql_user.txt", include_str!("../../prompts/sql_user.txt")),
            polish: read("polish.txt", include_str!("../../prompts/polish.txt")),
            route: read("route.txt", include_str!("../../prompts/route.txt")),
        }
    }
}

/// Fills `{{name}}` placeholders.
pub fn render(template: &str, vars: &[(&str, &str)]) -> String {
    let mut out = template.to_owned();
    for (k, v) in vars {
        out = out.replace(&format!("{{{{{k}}}}}"), v);
    }
    out
}

/// A chat client for one configured endpoint.
pub struct LlmClient {
    client: Client<OpenAIConfig>,
    model: String,
    timeout: Duration,
}

impl std::fmt::Debug for LlmClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LlmClient")
            .field("model", &self.model)
            .finish_non_exhaustive()
    }
}

fn retryable(e: &OpenAIError) -> bool {
    match e {
        OpenAIError::ApiError(a) => {
            a.status_code.as_u16() == 429 || a.status_code.is_server_error()
        }
        _ => false,
    }
}

impl LlmClient {
    pub fn new(cfg: &LlmConfig) -> LlmClient {
        // reqwest is built without a bundled TLS provider: use ring (already linked for pgwire).
        let _ = rustls::crypto::ring::default_provider().install_default();
        let config = OpenAIConfig::new()
            .with_api_base(cfg.base_url.trim_end_matches('/'))
            .with_api_key(cfg.api_key.clone());
        LlmClient {
            client: Client::with_config(config),
            model: cfg.model.clone(),
            timeout: cfg.timeout,
        }
    }

    /// One completion: `system` then `user`; the reply's text.
    pub async fn complete(&self, system: &str, user: &str) -> Result<String, LlmError> {
        let unavailable = |e: OpenAIError| LlmError::Unavailable(e.to_string());
        let messages: Vec<ChatCompletionRequestMessage> = vec![
            ChatCompletionRequestSystemMessageArgs::default()
                .content(system)
                .build()
                .map_err(unavailable)?
                .into(),
            ChatCompletionRequestUserMessageArgs::default()
                .content(user)
                .build()
                .map_err(unavailable)?
                .into(),
        ];
        let request = CreateChatCompletionRequestArgs::default()
            .model(self.model.clone())
            .messages(messages)
            .temperature(0.0)
            .build()
            .map_err(unavailable)?;
        let deadline = tokio::time::Instant::now() + self.timeout;
        let mut wait = BACKOFF;
        let mut attempt = 1;
        loop {
            let chat = self.client.chat();
            let result = tokio::time::timeout_at(deadline, chat.create(request.clone()))
                .await
                .map_err(|_| LlmError::Timeout(self.timeout.as_millis()))?;
            match result {
                Ok(resp) => {
                    return resp
                        .choices
                        .into_iter()
                        .find_map(|c| c.message.content)
                        .filter(|t| !t.trim().is_empty())
                        .ok_or(LlmError::Empty)
                }
                Err(e) if attempt < HTTP_ATTEMPTS && retryable(&e) => {
                    tracing::info!(attempt, cause = %e, "LLM call failed; retrying");
                    tokio::time::sleep(wait).await;
                    wait *= 2;
                    attempt += 1;
                }
                Err(e) => return Err(unavailable(e)),
            }
        }
    }
}

/// Strips markdown fences and a trailing semicolon from a model's SQL.
pub fn clean_sql(text: &str) -> String {
    let t = text.trim();
    let t = t
        .strip_prefix("```sql")
        .or_else(|| t.strip_prefix("```"))
        .unwrap_or(t);
    let t = t.strip_suffix("```").unwrap_or(t).trim();
    t.trim_end_matches(';').trim().to_owned()
}
