//! Engine-neutral column types. The engine reports result and parameter types as `SqlType`, from DuckDB's logical
//! types (before running) or from Arrow types (while streaming); the wire layer maps them to PostgreSQL types.
//! Both paths must agree, so that Describe promises exactly the shape that Execute delivers.

use duckdb::arrow::datatypes::{DataType, Field, TimeUnit};

/// A column's type as clients will see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SqlType {
    Bool,
    Int2,
    Int4,
    Int8,
    Float4,
    Float8,
    /// NUMERIC with optional (precision, scale).
    Numeric(Option<(u8, i8)>),
    Text,
    Bytea,
    Date,
    Time,
    Timestamp,
    TimestampTz,
    Interval,
    Uuid,
    Json,
    /// An array of the element type.
    List(Box<SqlType>),
    /// Nested structs, maps, unions and anything else: sent as text.
    Other(String),
    /// A parameter whose type the engine could not infer.
    Unknown,
}

/// A named result column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnDesc {
    pub name: String,
    pub ty: SqlType,
}

impl SqlType {
    /// Maps an Arrow type (as DuckDB exports it) to the client-facing type.
    pub fn from_arrow(dt: &DataType) -> SqlType {
        match dt {
            DataType::Boolean => SqlType::Bool,
            DataType::Int8 | DataType::Int16 | DataType::UInt8 => SqlType::Int2,
            DataType::Int32 | DataType::UInt16 => SqlType::Int4,
            DataType::Int64 | DataType::UInt32 => SqlType::Int8,
            DataType::UInt64 => SqlType::Numeric(Some((20, 0))),
            DataType::Float16 | DataType::Float32 => SqlType::Float4,
            DataType::Float64 => SqlType::Float8,
            DataType::Decimal32(p, s)
            | DataType::Decimal64(p, s)
            | DataType::Decimal128(p, s)
            | DataType::Decimal256(p, s) => SqlType::Numeric(Some((*p, *s))),
            DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => SqlType::Text,
            DataType::Binary | DataType::LargeBinary | DataType::BinaryView => SqlType::Bytea,
            DataType::FixedSizeBinary(16) => SqlType::Uuid,
            DataType::FixedSizeBinary(_) => SqlType::Bytea,
            DataType::Date32 | DataType::Date64 => SqlType::Date,
            DataType::Time32(_) | DataType::Time64(_) => SqlType::Time,
            DataType::Timestamp(_, None) => SqlType::Timestamp,
            DataType::Timestamp(_, Some(_)) => SqlType::TimestampTz,
            DataType::Interval(_) | DataType::Duration(_) => SqlType::Interval,
            DataType::Null => SqlType::Text,
            DataType::Dictionary(_, v) => SqlType::from_arrow(v),
            DataType::List(f)
            | DataType::LargeList(f)
            | DataType::ListView(f)
            | DataType::LargeListView(f)
            | DataType::FixedSizeList(f, _) => SqlType::list_of(f),
            other => SqlType::Other(format!("{other}")),
        }
    }

    /// Maps an Arrow field, honouring DuckDB's extension metadata (uuid, json) where present.
    pub fn from_arrow_field(field: &Field) -> SqlType {
        match field
            .metadata()
            .get("ARROW:extension:name")
            .map(String::as_str)
        {
            Some("arrow.uuid") => SqlType::Uuid,
            Some("arrow.json") => SqlType::Json,
            _ => SqlType::from_arrow(field.data_type()),
        }
    }

    fn list_of(f: &Field) -> SqlType {
        match SqlType::from_arrow_field(f) {
            // PostgreSQL has no arrays of arrays of mixed shape; nested lists travel as text.
            SqlType::List(_) | SqlType::Other(_) => SqlType::Other("LIST".into()),
            inner => SqlType::List(Box::new(inner)),
        }
    }

    /// Time unit helper for encoders.
    pub fn micros_per(unit: &TimeUnit) -> (i64, i64) {
        match unit {
            TimeUnit::Second => (1_000_000, 1),
            TimeUnit::Millisecond => (1_000, 1),
            TimeUnit::Microsecond => (1, 1),
            TimeUnit::Nanosecond => (1, 1_000),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn arrow_types_map_to_client_types() {
        assert_eq!(SqlType::from_arrow(&DataType::Int64), SqlType::Int8);
        assert_eq!(
            SqlType::from_arrow(&DataType::Decimal128(12, 2)),
            SqlType::Numeric(Some((12, 2)))
        );
        assert_eq!(
            SqlType::from_arrow(&DataType::List(Arc::new(Field::new(
                "l",
                DataType::Int32,
                true
            )))),
            SqlType::List(Box::new(SqlType::Int4))
        );
        assert_eq!(
            SqlType::from_arrow(&DataType::UInt64),
            SqlType::Numeric(Some((20, 0)))
        );
    }
}
