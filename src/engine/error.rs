//! Engine errors as a typed enum. DuckDB reports errors as text with a class prefix ("Parser Error:",
//! "Catalog Error: Table with name x does not exist!"); this file turns that text into an [`ErrorKind`], which the
//! wire layer maps to a SQLSTATE.

use std::fmt;

/// What went wrong, in terms a client can act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    Syntax,
    UndefinedTable,
    UndefinedColumn,
    UndefinedFunction,
    /// Type mismatch or other binding problem in a well-formed statement.
    Binder,
    /// Bad data: conversion failure, division by zero, overflow, invalid input.
    Data,
    DivisionByZero,
    OutOfRange,
    Canceled,
    Timeout,
    OutOfMemory,
    /// The engine refused an operation (sandbox: external access, locked configuration).
    Permission,
    /// Not supported by the engine.
    Unsupported,
    Io,
    Internal,
}

/// An engine error: its kind and the message for the client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineError {
    pub kind: ErrorKind,
    pub message: String,
}

impl fmt::Display for EngineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for EngineError {}

impl EngineError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Internal, message)
    }

    /// Classifies a DuckDB error message by its prefix and wording.
    pub fn from_message(text: &str) -> Self {
        let (class, rest) = match text.split_once(" Error: ") {
            Some((c, r)) if !c.contains(' ') || c.split(' ').count() <= 3 => (c, r),
            _ => ("", text),
        };
        let lower = rest.to_ascii_lowercase();
        let kind = match class {
            "Parser" => ErrorKind::Syntax,
            "Catalog" if lower.contains("table function") => ErrorKind::UndefinedFunction,
            "Catalog" if lower.contains("function") || lower.contains("macro") => {
                ErrorKind::UndefinedFunction
            }
            "Catalog" if lower.contains("table") || lower.contains("view") => {
                ErrorKind::UndefinedTable
            }
            "Catalog" => ErrorKind::UndefinedTable,
            "Binder"
                if lower.contains("referenced column")
                    || lower.contains("column") && lower.contains("not found") =>
            {
                ErrorKind::UndefinedColumn
            }
            "Binder" if lower.contains("no function matches") => ErrorKind::UndefinedFunction,
            "Binder" => ErrorKind::Binder,
            "Conversion" | "Invalid Input" => ErrorKind::Data,
            "Out of Range" if lower.contains("division by zero") => ErrorKind::DivisionByZero,
            "Out of Range" => ErrorKind::OutOfRange,
            "INTERRUPT" | "Interrupt" => ErrorKind::Canceled,
            "Out of Memory" => ErrorKind::OutOfMemory,
            "Permission" => ErrorKind::Permission,
            "Not implemented" => ErrorKind::Unsupported,
            "IO" | "HTTP" => ErrorKind::Io,
            _ if lower.contains("division by zero") => ErrorKind::DivisionByZero,
            _ if lower.contains("interrupted") => ErrorKind::Canceled,
            _ => ErrorKind::Internal,
        };
        Self::new(kind, text.trim().to_owned())
    }
}

impl From<duckdb::Error> for EngineError {
    fn from(e: duckdb::Error) -> Self {
        match &e {
            duckdb::Error::DuckDBFailure(_, Some(msg)) => EngineError::from_message(msg),
            other => EngineError::from_message(&other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_duckdb_messages() {
        let k = |m: &str| EngineError::from_message(m).kind;
        assert_eq!(
            k("Parser Error: syntax error at or near \"SELEC\""),
            ErrorKind::Syntax
        );
        assert_eq!(
            k("Catalog Error: Table with name nope does not exist!"),
            ErrorKind::UndefinedTable
        );
        assert_eq!(
            k("Binder Error: Referenced column \"x\" not found in FROM clause!"),
            ErrorKind::UndefinedColumn
        );
        assert_eq!(
            k("Catalog Error: Scalar Function with name foo does not exist!"),
            ErrorKind::UndefinedFunction
        );
        assert_eq!(
            k("Conversion Error: Could not convert string 'a' to INT32"),
            ErrorKind::Data
        );
        assert_eq!(
            k("Out of Range Error: Overflow in multiplication"),
            ErrorKind::OutOfRange
        );
        assert_eq!(k("INTERRUPT Error: Interrupted!"), ErrorKind::Canceled);
    }
}
