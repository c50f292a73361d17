//! Maps the engine's column types to PostgreSQL types: the OID, the type modifier (numeric precision and scale,
//! encoded the PostgreSQL way) and the fixed width, as RowDescription and ParameterDescription carry them.

use pgwire::api::results::{FieldFormat, FieldInfo};
use pgwire::api::Type;

use crate::engine::{ColumnDesc, SqlType};

/// The PostgreSQL type of a column or parameter.
pub fn pg_type(t: &SqlType) -> Type {
    match t {
        SqlType::Bool => Type::BOOL,
        SqlType::Int2 => Type::INT2,
        SqlType::Int4 => Type::INT4,
        SqlType::Int8 => Type::INT8,
        SqlType::Float4 => Type::FLOAT4,
        SqlType::Float8 => Type::FLOAT8,
        SqlType::Numeric(_) => Type::NUMERIC,
        SqlType::Text | SqlType::Other(_) => Type::TEXT,
        SqlType::Unknown => Type::TEXT,
        SqlType::Bytea => Type::BYTEA,
        SqlType::Date => Type::DATE,
        SqlType::Time => Type::TIME,
        SqlType::Timestamp => Type::TIMESTAMP,
        SqlType::TimestampTz => Type::TIMESTAMPTZ,
        SqlType::Interval => Type::INTERVAL,
        SqlType::Uuid => Type::UUID,
        SqlType::Json => Type::JSON,
        SqlType::List(inner) => match inner.as_ref() {
            SqlType::Bool => Type::BOOL_ARRAY,
            SqlType::Int2 => Type::INT2_ARRAY,
            SqlType::Int4 => Type::INT4_ARRAY,
            SqlType::Int8 => Type::INT8_ARRAY,
            SqlType::Float4 => Type::FLOAT4_ARRAY,
            SqlType::Float8 => Type::FLOAT8_ARRAY,
            SqlType::Numeric(_) => Type::NUMERIC_ARRAY,
            SqlType::Bytea => Type::BYTEA_ARRAY,
            SqlType::Date => Type::DATE_ARRAY,
            SqlType::Time => Type::TIME_ARRAY,
            SqlType::Timestamp => Type::TIMESTAMP_ARRAY,
            SqlType::TimestampTz => Type::TIMESTAMPTZ_ARRAY,
            SqlType::Interval => Type::INTERVAL_ARRAY,
            SqlType::Uuid => Type::UUID_ARRAY,
            SqlType::Json => Type::JSON_ARRAY,
            _ => Type::TEXT_ARRAY,
        },
    }
}

/// `pg_attribute.atttypmod` for the type: `((precision << 16) | scale) + 4` for numeric, else -1.
pub fn type_modifier(t: &SqlType) -> i32 {
    match t {
        SqlType::Numeric(Some((p, s))) if *s >= 0 => ((i32::from(*p) << 16) | i32::from(*s)) + 4,
        _ => -1,
    }
}

/// `pg_type.typlen`: fixed width in bytes, or -1 for variable width.
pub fn type_size(t: &SqlType) -> i16 {
    match t {
        SqlType::Bool => 1,
        SqlType::Int2 => 2,
        SqlType::Int4 | SqlType::Float4 | SqlType::Date => 4,
        SqlType::Int8
        | SqlType::Float8
        | SqlType::Time
        | SqlType::Timestamp
        | SqlType::TimestampTz => 8,
        SqlType::Interval | SqlType::Uuid => 16,
        _ => -1,
    }
}

/// RowDescription fields for `columns`, each in the format the client asked for.
pub fn field_infos(columns: &[ColumnDesc], binary: &[bool]) -> Vec<FieldInfo> {
    columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let format = if binary.get(i).copied().unwrap_or(false) {
                FieldFormat::Binary
            } else {
                FieldFormat::Text
            };
            FieldInfo::new(c.name.clone(), None, None, pg_type(&c.ty), format)
                .with_type_modifier(type_modifier(&c.ty))
                .with_type_size(type_size(&c.ty))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_typmod_is_encoded_like_postgres() {
        // numeric(12,2) is stored as ((12 << 16) | 2) + 4 = 786438.
        assert_eq!(type_modifier(&SqlType::Numeric(Some((12, 2)))), 786_438);
        assert_eq!(type_modifier(&SqlType::Int4), -1);
        assert_eq!(
            pg_type(&SqlType::List(Box::new(SqlType::Text))),
            Type::TEXT_ARRAY
        );
    }
}
