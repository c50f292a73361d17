//! The only place where errors of the layers below become PostgreSQL ErrorResponses: a SQLSTATE per error kind,
//! named constants instead of inline strings. XX000 is kept for real bugs.

use pgwire::error::{ErrorInfo, PgWireError};

use crate::engine::{EngineError, ErrorKind};

pub const SYNTAX_ERROR: &str = "42601";
pub const INSUFFICIENT_PRIVILEGE: &str = "42501";
pub const UNDEFINED_TABLE: &str = "42P01";
pub const UNDEFINED_COLUMN: &str = "42703";
pub const UNDEFINED_FUNCTION: &str = "42883";
pub const DATATYPE_MISMATCH: &str = "42804";
pub const UNDEFINED_OBJECT: &str = "42704";
pub const FEATURE_NOT_SUPPORTED: &str = "0A000";
pub const PROGRAM_LIMIT_EXCEEDED: &str = "54000";
pub const QUERY_CANCELED: &str = "57014";
pub const DATA_EXCEPTION: &str = "22000";
pub const INVALID_TEXT_REPRESENTATION: &str = "22P02";
pub const INVALID_BINARY_REPRESENTATION: &str = "22P03";
pub const DIVISION_BY_ZERO: &str = "22012";
pub const NUMERIC_VALUE_OUT_OF_RANGE: &str = "22003";
pub const OUT_OF_MEMORY: &str = "53200";
pub const IO_ERROR: &str = "58030";
pub const INVALID_PARAMETER_VALUE: &str = "22023";
pub const PROTOCOL_VIOLATION: &str = "08P01";
/// The client's connection broke (recorded in the audit log; never sent).
pub const CONNECTION_FAILURE: &str = "08006";
pub const INTERNAL_ERROR: &str = "XX000";
/// Connection refused by policy (e.g. plaintext when TLS is required), or an authentication method the
/// client cannot use.
pub const INVALID_AUTHORIZATION: &str = "28000";
/// Wrong password or unknown user (one code and one message for both).
pub const INVALID_PASSWORD: &str = "28P01";
/// The configured language model could not be reached (system_error class).
pub const LLM_UNAVAILABLE: &str = "58000";
/// A plain-English question the engine could not read with confidence (class 42: the request cannot run).
pub const NEEDS_CLARIFICATION: &str = "42000";

/// Builds a user-facing error with a SQLSTATE.
pub fn user_error(code: &str, message: impl Into<String>) -> PgWireError {
    PgWireError::UserError(Box::new(ErrorInfo::new(
        "ERROR".to_owned(),
        code.to_owned(),
        message.into(),
    )))
}

/// An error that ends the connection (FATAL), as startup and authentication failures do.
pub fn fatal(code: &str, message: impl Into<String>) -> PgWireError {
    PgWireError::UserError(Box::new(ErrorInfo::new(
        "FATAL".to_owned(),
        code.to_owned(),
        message.into(),
    )))
}

/// Same, with a hint line.
pub fn user_error_hint(
    code: &str,
    message: impl Into<String>,
    hint: impl Into<String>,
) -> PgWireError {
    let mut info = ErrorInfo::new("ERROR".to_owned(), code.to_owned(), message.into());
    info.hint = Some(hint.into());
    PgWireError::UserError(Box::new(info))
}

/// The SQLSTATE of an engine error.
pub fn engine_code(e: &EngineError) -> &'static str {
    match e.kind {
        ErrorKind::Syntax => SYNTAX_ERROR,
        ErrorKind::UndefinedTable => UNDEFINED_TABLE,
        ErrorKind::UndefinedColumn => UNDEFINED_COLUMN,
        ErrorKind::UndefinedFunction => UNDEFINED_FUNCTION,
        ErrorKind::Binder => DATATYPE_MISMATCH,
        ErrorKind::Data => INVALID_TEXT_REPRESENTATION,
        ErrorKind::DivisionByZero => DIVISION_BY_ZERO,
        ErrorKind::OutOfRange => NUMERIC_VALUE_OUT_OF_RANGE,
        ErrorKind::Canceled | ErrorKind::Timeout => QUERY_CANCELED,
        ErrorKind::OutOfMemory => OUT_OF_MEMORY,
        ErrorKind::Permission => INSUFFICIENT_PRIVILEGE,
        ErrorKind::Unsupported => FEATURE_NOT_SUPPORTED,
        ErrorKind::Io => IO_ERROR,
        ErrorKind::Internal => INTERNAL_ERROR,
    }
}

impl From<EngineError> for PgWireError {
    fn from(e: EngineError) -> Self {
        user_error(engine_code(&e), e.message)
    }
}

/// The error of a failed catalog refresh.
pub fn refresh_error(e: &super::RefreshError) -> PgWireError {
    let code = match e {
        super::RefreshError::Engine(e) => engine_code(e),
        super::RefreshError::State(super::StateError::Guard(g)) => g.sqlstate(),
        super::RefreshError::State(
            super::StateError::Policy(_) | super::StateError::Tls(_) | super::StateError::Auth(_),
        ) => INVALID_PARAMETER_VALUE,
        super::RefreshError::State(super::StateError::Audit(_)) => IO_ERROR,
    };
    user_error(code, e.to_string())
}

/// The SQLSTATE and message of an NL pipeline error.
pub fn agent_error(e: crate::agent::pipeline::AgentError) -> PgWireError {
    use crate::agent::pipeline::AgentError as A;
    let code = match &e {
        A::Refuse(_) => INSUFFICIENT_PRIVILEGE,
        A::OutOfScope(_) | A::Exhausted(_) => NEEDS_CLARIFICATION,
        A::Clarify {
            message,
            suggestions,
        } => {
            let hint = if suggestions.is_empty() {
                "Ask /*ask: what can you answer? */ for the measures and dimensions I know."
                    .to_owned()
            } else {
                format!(
                    "Questions I can answer: {}",
                    suggestions
                        .iter()
                        .map(|s| format!("\"{s}\""))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            return user_error_hint(NEEDS_CLARIFICATION, message.clone(), hint);
        }
        A::Llm(_) => LLM_UNAVAILABLE,
        A::Check(_) => INSUFFICIENT_PRIVILEGE,
        A::Kpi(_) => DATA_EXCEPTION,
        A::Memory(_) => IO_ERROR,
        A::Internal(_) => INTERNAL_ERROR,
    };
    user_error(code, e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engine_errors_get_their_sqlstate() {
        let e = EngineError::from_message("Catalog Error: Table with name x does not exist!");
        assert_eq!(engine_code(&e), UNDEFINED_TABLE);
        let e = EngineError::new(ErrorKind::Timeout, "t");
        assert_eq!(engine_code(&e), QUERY_CANCELED);
    }
}
