//! The agent pipeline: router → generator (semantic first, the LLM only when it cannot read the question) →
//! validator (guard + dry run, with retries) → executor → summarizer; plus summarization mode, help and forget.
//! Protocol-free: the wire layer turns a [`Planned`] into messages and an [`AgentError`] into a SQLSTATE.

use std::sync::Arc;

use async_trait::async_trait;

use crate::agent::generate::{
    Attempt, GenError, GenRequest, Generated, Generator, LlmGenerator, SemanticGenerator, Source,
};
use crate::agent::kpi::{self, KpiError};
use crate::agent::llm::{self, LlmClient, LlmError, Prompts};
use crate::agent::memory::{Conversation, MemoryError, ThreadStore, Turn};
use crate::agent::nl::{Format, NlEngine};
use crate::agent::route_llm::LlmRouter;
use crate::agent::router::{route, Route};
use crate::agent::summarize::{narrate, Table};
use crate::agent::validate::{generate_checked, Checker, ValidateError};
use crate::catalog::schema::LakeSnapshot;
use crate::config::Config;
use crate::engine::{CancelToken, CollectSink, EngineSession};
use crate::guard::Guard;

/// Why a question got no answer.
#[derive(Debug, thiserror::Error)]
pub enum AgentError {
    /// Outside what may be done (changing data, files, other topics).
    #[error("{0}")]
    Refuse(String),
    /// Chit-chat: a polite pointer to what can be asked.
    #[error("{0}")]
    OutOfScope(String),
    #[error("{message}")]
    Clarify {
        message: String,
        suggestions: Vec<String>,
    },
    /// The LLM's SQL never passed validation: every attempt with its error.
    #[error("{}", exhausted_message(.0))]
    Exhausted(Vec<Attempt>),
    #[error("{0} — the question could not be read offline; try rephrasing it with a measure and a dimension")]
    Llm(LlmError),
    /// The semantic engine's own SQL failed the guard (a bug).
    #[error("the generated SQL was refused: {0}")]
    Check(String),
    #[error(transparent)]
    Kpi(#[from] KpiError),
    #[error(transparent)]
    Memory(#[from] MemoryError),
    #[error("the question could not be run: {0}")]
    Internal(String),
}

fn exhausted_message(tried: &[Attempt]) -> String {
    let list: Vec<String> = tried
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let first_line = a.error.lines().next().unwrap_or_default();
            format!("{}) {} → {}", i + 1, a.sql, first_line)
        })
        .collect();
    format!(
        "could not write valid SQL for this question after {} attempts: {}",
        tried.len(),
        list.join("; ")
    )
}

impl From<GenError> for AgentError {
    fn from(e: GenError) -> Self {
        match e {
            GenError::Refuse { reason } => AgentError::Refuse(reason),
            GenError::Clarify {
                message,
                suggestions,
            } => AgentError::Clarify {
                message,
                suggestions,
            },
            GenError::Llm(e) => AgentError::Llm(e),
        }
    }
}

/// What to send for a question.
#[derive(Debug, Clone)]
pub enum Planned {
    /// SQL to run; its result is summarized into notices before the rows go out.
    Query {
        sql: String,
        interpretation: String,
        notes: Vec<String>,
        formats: Vec<(String, Format)>,
        turn: Box<Turn>,
    },
    /// An answer computed already (KPI pack, help, forget): text columns and rows, with notices.
    Table {
        columns: Vec<String>,
        rows: Vec<Vec<String>>,
        notices: Vec<String>,
        /// Clears the conversation when sent.
        forget: bool,
    },
}

/// Runs checked SQL on one client's engine session (blocking methods: call from a blocking thread).
#[derive(Clone)]
pub struct Exec {
    pub engine: Arc<dyn EngineSession>,
    pub guard: Arc<Guard>,
    pub cap: u64,
    pub cancel: CancelToken,
}

impl Exec {
    /// The guard with the NL row cap; the rewritten SQL.
    pub fn guard(&self, sql: &str) -> Result<String, String> {
        match self.guard.check_with_cap(sql, Some(self.cap)) {
            Ok(mut v) if v.len() == 1 => Ok(v.remove(0).sql),
            Ok(v) => Err(format!("expected one statement, found {}", v.len())),
            Err(e) => Err(e.to_string()),
        }
    }

    /// Guard, then the engine's describe (a dry run: binds every name without reading data).
    pub fn check_and_describe(&self, sql: &str) -> Result<String, String> {
        let checked = self.guard(sql)?;
        self.engine.describe(&checked).map_err(|e| e.to_string())?;
        Ok(checked)
    }

    /// Runs SQL that passed the guard and materializes its (capped) result.
    pub fn run_checked(&self, sql: &str) -> Result<Table, String> {
        let mut sink = CollectSink::default();
        self.engine
            .execute(sql, &[], &self.cancel, &mut sink)
            .map_err(|e| e.to_string())?;
        Ok(Table::from_sink(&sink))
    }
}

#[async_trait]
impl Checker for Exec {
    async fn check(&self, sql: &str) -> Result<String, String> {
        let me = self.clone();
        let sql = sql.to_owned();
        tokio::task::spawn_blocking(move || me.check_and_describe(&sql))
            .await
            .map_err(|e| e.to_string())?
    }
}

fn out_of_scope() -> AgentError {
    AgentError::OutOfScope(
        "I only answer questions about the sales data — for example \"revenue by region in 2024\". Ask /*ask: what can you answer? */ for what I know.".into(),
    )
}

/// The pipeline, shared by every session.
pub struct Agent {
    nl: Arc<NlEngine>,
    semantic: SemanticGenerator,
    llm: Option<LlmGenerator>,
    polisher: Option<(LlmClient, String)>,
    router: Option<LlmRouter>,
    pub store: ThreadStore,
}

impl Agent {
    pub fn new(config: &Config, nl: Arc<NlEngine>, lake: Arc<LakeSnapshot>) -> Agent {
        let prompts = Prompts::load(config.prompts_dir.as_deref());
        let llm = config.llm.as_ref().map(|c| LlmGenerator {
            client: LlmClient::new(c),
            prompts: prompts.clone(),
            nl: nl.clone(),
            lake,
        });
        let polisher = config
            .llm
            .as_ref()
            .map(|c| (LlmClient::new(c), prompts.polish.clone()));
        let router = config.llm.as_ref().map(|c| LlmRouter {
            client: LlmClient::new(c),
            prompt: prompts.route.clone(),
        });
        Agent {
            router,
            semantic: SemanticGenerator { nl: nl.clone() },
            nl,
            llm,
            polisher,
            store: ThreadStore::in_data_dir(&config.data),
        }
    }

    /// Plans the answer to one question.
    pub async fn plan(
        &self,
        question: &str,
        conv: &Conversation,
        exec: &Exec,
    ) -> Result<Planned, AgentError> {
        match route(question, !conv.turns.is_empty()) {
            Route::Forget => Ok(Planned::Table {
                columns: vec!["status".into()],
                rows: vec![vec!["conversation cleared".into()]],
                notices: vec!["Forgot the conversation: the next question starts afresh.".into()],
                forget: true,
            }),
            Route::Help => Ok(self.help()),
            Route::ChitChat => Err(out_of_scope()),
            Route::Summary => self.summary(question, exec).await,
            Route::Question | Route::FollowUp => self.question(question, conv, exec).await,
        }
    }

    async fn question(
        &self,
        question: &str,
        conv: &Conversation,
        exec: &Exec,
    ) -> Result<Planned, AgentError> {
        let req = GenRequest {
            question,
            conversation: conv,
            feedback: &[],
        };
        let semantic = self.semantic.generate(&req).await;
        // Word cues were not decisive (or this would not be a question): when the semantic engine cannot read
        // the request, or only guesses at it, a configured LLM says what kind of request it is.
        let unsure = match &semantic {
            Ok(g) => g.guessed,
            Err(GenError::Clarify { .. }) => true,
            Err(_) => false,
        };
        if let (true, Some(router)) = (unsure, &self.router) {
            match router.classify(self.nl.model(), question, conv).await {
                Ok(Some(Route::Summary)) => {
                    let mut planned = self.summary(question, exec).await?;
                    if let Planned::Table { notices, .. } = &mut planned {
                        notices.insert(1, "routed by the language model: a summary request".into());
                    }
                    return Ok(planned);
                }
                Ok(Some(Route::Help)) => return Ok(self.help()),
                Ok(Some(Route::ChitChat)) => return Err(out_of_scope()),
                Ok(_) => {}
                // The semantic guess still stands; an unreadable question cannot be answered either way.
                Err(e) if semantic.is_err() => return Err(AgentError::Llm(e)),
                Err(e) => {
                    tracing::warn!(cause = %e, "LLM routing failed; keeping the semantic reading")
                }
            }
        }
        let (generated, sql) = match semantic {
            Ok(g) => {
                let sql = exec.guard(&g.sql).map_err(AgentError::Check)?;
                (g, sql)
            }
            Err(GenError::Clarify {
                message,
                suggestions,
            }) => match &self.llm {
                Some(llm) => match generate_checked(llm, exec, req).await {
                    Ok(r) => r,
                    Err(ValidateError::Exhausted(tried)) => {
                        return Err(AgentError::Exhausted(tried))
                    }
                    Err(ValidateError::Gen(e)) => return Err(e.into()),
                },
                None => {
                    return Err(AgentError::Clarify {
                        message,
                        suggestions,
                    })
                }
            },
            Err(e) => return Err(e.into()),
        };
        Ok(self.query_plan(question, generated, sql))
    }

    fn query_plan(&self, question: &str, g: Generated, sql: String) -> Planned {
        let mut notes = g.notes;
        if g.source == Source::Llm {
            notes.push("answered by the language model".into());
        }
        Planned::Query {
            turn: Box::new(Turn {
                question: question.to_owned(),
                sql: g.sql.clone(),
                intent: g.intent,
            }),
            sql,
            interpretation: g.interpretation,
            notes,
            formats: g.formats,
        }
    }

    async fn summary(&self, question: &str, exec: &Exec) -> Result<Planned, AgentError> {
        let nl = self.nl.clone();
        let q = question.to_owned();
        let ex = exec.clone();
        let report = tokio::task::spawn_blocking(move || {
            let model = nl.model();
            let mut run = |sql: &str| -> Result<Table, String> {
                let checked = ex.guard(sql)?;
                ex.run_checked(&checked)
            };
            kpi::summarize(model, &q, model.latest_date(), &mut run)
        })
        .await
        .map_err(|e| AgentError::Internal(e.to_string()))??;
        let narrative = self.polish(&report.narrative).await;
        let mut notices = vec![narrative, report.interpretation];
        notices.extend(report.sqls.iter().map(|s| format!("SQL: {s}")));
        Ok(Planned::Table {
            columns: vec!["kpi".into(), "value".into()],
            rows: report.rows.into_iter().map(|(k, v)| vec![k, v]).collect(),
            notices,
            forget: false,
        })
    }

    fn help(&self) -> Planned {
        let model = self.nl.model();
        let tables: Vec<String> = model.tables.iter().map(|t| t.name.clone()).collect();
        let measures: Vec<String> = model.measures.iter().map(|m| m.name.clone()).collect();
        let dims: Vec<String> = model.dimensions.iter().map(|d| d.name.clone()).collect();
        let times: Vec<String> = model
            .time_dimensions
            .iter()
            .map(|t| {
                let grains: Vec<&str> = t.grains.iter().map(|g| g.label()).collect();
                format!("{} ({})", t.name, grains.join(", "))
            })
            .collect();
        let mut rows = vec![
            vec!["datasets".into(), tables.join(", ")],
            vec!["measures".into(), measures.join(", ")],
            vec!["dimensions".into(), dims.join(", ")],
            vec!["time".into(), times.join(", ")],
        ];
        for e in model.examples.iter().take(8) {
            rows.push(vec!["example".into(), e.clone()]);
        }
        rows.push(vec![
            "also".into(),
            "summaries (\"summarize sales in 2024\"), follow-ups (\"and in 2024?\", \"only for ...\", \"just the top 3\"), forget".into(),
        ]);
        Planned::Table {
            columns: vec!["topic".into(), "details".into()],
            rows,
            notices: vec![format!(
                "I answer questions about {} from the {} catalog.",
                tables.join(", "),
                model.name
            )],
            forget: false,
        }
    }

    /// The notices for an answered query: narrative from the rows, interpretation, notes, SQL.
    pub async fn notices(
        &self,
        table: &Table,
        interpretation: &str,
        notes: &[String],
        formats: &[(String, Format)],
        turn: &Turn,
    ) -> Vec<String> {
        let sql = &turn.sql;
        let model = self.nl.model();
        // Whether the first measure's values add up across rows (a total and shares make sense): not for distinct
        // counts, averages and ratios. From the reading when there is one, else from a catalog measure named like
        // the column.
        let sums = match &turn.intent {
            Some(intent) => intent.measures.first().is_none_or(|r| {
                !r.average && r.per.is_none() && model.measure(&r.name).is_none_or(|m| m.additive())
            }),
            None => (0..table.columns.len())
                .find(|&c| table.is_numeric(c))
                .map(|c| &table.columns[c].0)
                .and_then(|c| {
                    model
                        .measures
                        .iter()
                        .find(|m| m.column_alias() == *c || m.name == *c)
                })
                .is_none_or(|m| m.additive()),
        };
        // LLM SQL comes without formats: take them from catalog measures named like the columns.
        let inferred: Vec<(String, Format)>;
        let formats = if formats.is_empty() {
            inferred = table
                .columns
                .iter()
                .filter_map(|(c, _)| {
                    let m = model
                        .measures
                        .iter()
                        .find(|m| m.column_alias() == *c || m.name == *c)?;
                    Some((c.clone(), m.format))
                })
                .collect();
            &inferred[..]
        } else {
            formats
        };
        let narrative = self.polish(&narrate(table, formats, sums)).await;
        let mut out = vec![narrative, interpretation.to_owned()];
        out.extend(notes.iter().cloned());
        out.push(format!("SQL: {sql}"));
        out
    }

    /// Lets the LLM reword a narrative when one is configured; kept only when every figure survives unchanged.
    async fn polish(&self, narrative: &str) -> String {
        let Some((client, template)) = &self.polisher else {
            return narrative.to_owned();
        };
        let prompt = llm::render(template, &[("narrative", narrative)]);
        match client.complete("You edit business prose.", &prompt).await {
            Ok(text) if same_figures(narrative, &text) => text.trim().to_owned(),
            _ => narrative.to_owned(),
        }
    }

    /// The conversation of a named thread.
    pub fn load_thread(&self, thread: &str) -> Result<Conversation, AgentError> {
        Ok(self.store.load(thread)?)
    }

    pub fn save_thread(&self, thread: &str, conv: &Conversation) -> Result<(), AgentError> {
        Ok(self.store.save(thread, conv)?)
    }
}

fn figures(text: &str) -> Vec<String> {
    let mut out: Vec<String> = text
        .split(|c: char| !(c.is_ascii_digit() || c == '.' || c == ','))
        .map(|s| s.trim_matches(|c| c == '.' || c == ','))
        .filter(|s| s.chars().any(|c| c.is_ascii_digit()))
        .map(str::to_owned)
        .collect();
    out.sort();
    out
}

/// Whether a rewording kept exactly the same figures.
fn same_figures(a: &str, b: &str) -> bool {
    figures(a) == figures(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polish_must_keep_the_figures() {
        assert!(same_figures(
            "EAST leads with $1,200.50 (40.0%).",
            "With $1,200.50, EAST leads (40.0%)."
        ));
        assert!(!same_figures(
            "EAST leads with $1,200.50.",
            "EAST leads with about $1,300."
        ));
    }
}
