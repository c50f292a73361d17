//! Generators behind one trait: the semantic engine (always first, offline, deterministic) and the LLM (only
//! when the semantic engine cannot read the question). Both return SQL plus how the question was read.

use std::sync::Arc;

use async_trait::async_trait;

use crate::agent::context;
use crate::agent::llm::{self, LlmClient, LlmError, Prompts};
use crate::agent::memory::Conversation;
use crate::agent::nl::{Format, Intent, NlContext, NlEngine, NlError};
use crate::catalog::schema::LakeSnapshot;

/// One earlier attempt that failed validation, fed back to the generator.
#[derive(Debug, Clone)]
pub struct Attempt {
    pub sql: String,
    pub error: String,
}

/// What a generator is asked.
#[derive(Debug, Clone, Copy)]
pub struct GenRequest<'a> {
    pub question: &'a str,
    pub conversation: &'a Conversation,
    /// Failed attempts so far (empty on the first try).
    pub feedback: &'a [Attempt],
}

/// Which generator wrote the SQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Semantic,
    Llm,
}

/// Generated SQL and its explanation.
#[derive(Debug, Clone)]
pub struct Generated {
    pub sql: String,
    pub interpretation: String,
    pub notes: Vec<String>,
    /// The semantic reading (None for LLM SQL): what follow-ups amend.
    pub intent: Option<Intent>,
    pub formats: Vec<(String, Format)>,
    pub source: Source,
    /// The semantic engine guessed (ignored words, default measure): see `NlPlan::guessed`.
    pub guessed: bool,
}

/// Why a generator wrote no SQL.
#[derive(Debug, Clone, thiserror::Error)]
pub enum GenError {
    #[error("{reason}")]
    Refuse { reason: String },
    #[error("{message}")]
    Clarify {
        message: String,
        suggestions: Vec<String>,
    },
    #[error(transparent)]
    Llm(#[from] LlmError),
}

/// Writes SQL for a question.
#[async_trait]
pub trait Generator: Send + Sync {
    async fn generate(&self, req: &GenRequest<'_>) -> Result<Generated, GenError>;
}

/// The offline semantic engine.
pub struct SemanticGenerator {
    pub nl: Arc<NlEngine>,
}

#[async_trait]
impl Generator for SemanticGenerator {
    async fn generate(&self, req: &GenRequest<'_>) -> Result<Generated, GenError> {
        let ctx = NlContext {
            anchor: self.nl.model().latest_date(),
            previous: req.conversation.last_intent(),
        };
        match self.nl.plan(req.question, &ctx) {
            Ok(p) => Ok(Generated {
                sql: p.sql,
                interpretation: p.interpretation,
                notes: p.notes,
                intent: Some(p.intent),
                formats: p.formats,
                source: Source::Semantic,
                guessed: p.guessed,
            }),
            Err(NlError::Refuse { reason }) => Err(GenError::Refuse { reason }),
            Err(NlError::Clarify {
                message,
                suggestions,
            }) => Err(GenError::Clarify {
                message,
                suggestions,
            }),
        }
    }
}

/// The LLM, prompted with a compact ranked context.
pub struct LlmGenerator {
    pub client: LlmClient,
    pub prompts: Prompts,
    pub nl: Arc<NlEngine>,
    pub lake: Arc<LakeSnapshot>,
}

#[async_trait]
impl Generator for LlmGenerator {
    async fn generate(&self, req: &GenRequest<'_>) -> Result<Generated, GenError> {
        let schema = context::schema_context(self.nl.model(), &self.lake, req.question);
        let system = llm::render(&self.prompts.sql_system, &[("context", &schema)]);
        let feedback: String = req
            .feedback
            .iter()
            .map(|a| {
                format!(
                    "Your earlier SQL failed.\nSQL: {}\nError: {}\nWrite a corrected statement.\n",
                    a.sql, a.error
                )
            })
            .collect();
        let history = context::history(req.conversation);
        let user = llm::render(
            &self.prompts.sql_user,
            &[
                ("history", &history),
                ("question", req.question),
                ("feedback", &feedback),
            ],
        );
        let text = self.client.complete(&system, &user).await?;
        Ok(Generated {
            sql: llm::clean_sql(&text),
            interpretation: format!("read by the language model: {}", req.question.trim()),
            notes: vec!["the semantic engine could not read this question; SQL written by the language model and checked by the guard".into()],
            intent: None,
            formats: Vec::new(),
            guessed: false,
            source: Source::Llm,
        })
    }
}
