//! The validator loop: every generated SQL passes the guard and a dry run (the engine's describe) before it may
//! run. A failure goes back to the generator with its error, for at most [`MAX_ATTEMPTS`] tries in all; then the
//! caller gets every attempt, to say clearly what was tried.

use async_trait::async_trait;

use crate::agent::generate::{Attempt, GenError, GenRequest, Generated, Generator};

/// Tries per question (the first and up to two corrections).
pub const MAX_ATTEMPTS: usize = 3;

/// Checks one statement: guard, then dry run. Returns the SQL to run (rewritten by the guard).
#[async_trait]
pub trait Checker: Send + Sync {
    async fn check(&self, sql: &str) -> Result<String, String>;
}

/// Why no valid SQL came out.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ValidateError {
    #[error(transparent)]
    Gen(#[from] GenError),
    #[error("no valid SQL after {} attempts", .0.len())]
    Exhausted(Vec<Attempt>),
}

/// Generates until the SQL passes the checker.
pub async fn generate_checked(
    generator: &dyn Generator,
    checker: &dyn Checker,
    req: GenRequest<'_>,
) -> Result<(Generated, String), ValidateError> {
    let mut tried: Vec<Attempt> = Vec::new();
    while tried.len() < MAX_ATTEMPTS {
        let r = GenRequest {
            feedback: &tried,
            ..req
        };
        let generated = generator.generate(&r).await?;
        match checker.check(&generated.sql).await {
            Ok(sql) => return Ok((generated, sql)),
            Err(error) => {
                tracing::info!(attempt = tried.len() + 1, %error, sql = %generated.sql, "generated SQL rejected");
                tried.push(Attempt {
                    sql: generated.sql,
                    error,
                });
            }
        }
    }
    Err(ValidateError::Exhausted(tried))
}
