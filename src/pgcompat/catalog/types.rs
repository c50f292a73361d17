//! The PostgreSQL types the emulated catalog knows: real OIDs, names, widths and categories, and the mapping
//! from DuckDB's type names (as `LakeSnapshot` carries them) to a PG type OID plus a PG-encoded typmod.
//! `pg_type`, `pg_attribute`, `format_type` and `information_schema.columns` all read from here, so they agree.

/// One row of the emulated `pg_type`.
pub struct PgType {
    pub oid: u32,
    pub name: &'static str,
    /// The SQL spelling `format_type` prints (without typmod).
    pub sql_name: &'static str,
    pub len: i16,
    pub byval: bool,
    pub category: char,
    /// Element type for arrays (0 otherwise).
    pub elem: u32,
    /// Array type of this type (0 when none).
    pub array: u32,
    pub align: char,
}

const fn t(
    oid: u32,
    name: &'static str,
    sql_name: &'static str,
    len: i16,
    category: char,
    elem: u32,
    array: u32,
) -> PgType {
    PgType {
        oid,
        name,
        sql_name,
        len,
        byval: len > 0 && len <= 8,
        category,
        elem,
        array,
        align: match len {
            1 => 'c',
            2 => 's',
            4 => 'i',
            8 => 'd',
            _ => 'i',
        },
    }
}

/// Every type the catalog lists (OIDs from PostgreSQL's pg_type.dat).
pub const TYPES: &[PgType] = &[
    t(16, "bool", "boolean", 1, 'B', 0, 1000),
    t(17, "bytea", "bytea", -1, 'U', 0, 1001),
    t(18, "char", "\"char\"", 1, 'Z', 0, 1002),
    t(19, "name", "name", 64, 'S', 0, 1003),
    t(20, "int8", "bigint", 8, 'N', 0, 1016),
    t(21, "int2", "smallint", 2, 'N', 0, 1005),
    t(23, "int4", "integer", 4, 'N', 0, 1007),
    t(24, "regproc", "regproc", 4, 'N', 0, 1008),
    t(25, "text", "text", -1, 'S', 0, 1009),
    t(26, "oid", "oid", 4, 'N', 0, 1028),
    t(114, "json", "json", -1, 'U', 0, 199),
    t(700, "float4", "real", 4, 'N', 0, 1021),
    t(701, "float8", "double precision", 8, 'N', 0, 1022),
    t(705, "unknown", "unknown", -2, 'X', 0, 0),
    t(1042, "bpchar", "character", -1, 'S', 0, 1014),
    t(1043, "varchar", "character varying", -1, 'S', 0, 1015),
    t(1082, "date", "date", 4, 'D', 0, 1182),
    t(1083, "time", "time without time zone", 8, 'D', 0, 1183),
    t(
        1114,
        "timestamp",
        "timestamp without time zone",
        8,
        'D',
        0,
        1115,
    ),
    t(
        1184,
        "timestamptz",
        "timestamp with time zone",
        8,
        'D',
        0,
        1185,
    ),
    t(1186, "interval", "interval", 16, 'T', 0, 1187),
    t(1700, "numeric", "numeric", -1, 'N', 0, 1231),
    t(2205, "regclass", "regclass", 4, 'N', 0, 2210),
    t(2206, "regtype", "regtype", 4, 'N', 0, 2211),
    t(2249, "record", "record", -1, 'P', 0, 2287),
    t(2278, "void", "void", 4, 'P', 0, 0),
    t(2950, "uuid", "uuid", 16, 'U', 0, 2951),
    t(3802, "jsonb", "jsonb", -1, 'U', 0, 3807),
    t(199, "_json", "json[]", -1, 'A', 114, 0),
    t(1000, "_bool", "boolean[]", -1, 'A', 16, 0),
    t(1001, "_bytea", "bytea[]", -1, 'A', 17, 0),
    t(1002, "_char", "\"char\"[]", -1, 'A', 18, 0),
    t(1003, "_name", "name[]", -1, 'A', 19, 0),
    t(1005, "_int2", "smallint[]", -1, 'A', 21, 0),
    t(1007, "_int4", "integer[]", -1, 'A', 23, 0),
    t(1008, "_regproc", "regproc[]", -1, 'A', 24, 0),
    t(1009, "_text", "text[]", -1, 'A', 25, 0),
    t(1014, "_bpchar", "character[]", -1, 'A', 1042, 0),
    t(1015, "_varchar", "character varying[]", -1, 'A', 1043, 0),
    t(1016, "_int8", "bigint[]", -1, 'A', 20, 0),
    t(1021, "_float4", "real[]", -1, 'A', 700, 0),
    t(1022, "_float8", "double precision[]", -1, 'A', 701, 0),
    t(1028, "_oid", "oid[]", -1, 'A', 26, 0),
    t(
        1115,
        "_timestamp",
        "timestamp without time zone[]",
        -1,
        'A',
        1114,
        0,
    ),
    t(1182, "_date", "date[]", -1, 'A', 1082, 0),
    t(1183, "_time", "time without time zone[]", -1, 'A', 1083, 0),
    t(
        1185,
        "_timestamptz",
        "timestamp with time zone[]",
        -1,
        'A',
        1184,
        0,
    ),
    t(1187, "_interval", "interval[]", -1, 'A', 1186, 0),
    t(1231, "_numeric", "numeric[]", -1, 'A', 1700, 0),
    t(2210, "_regclass", "regclass[]", -1, 'A', 2205, 0),
    t(2211, "_regtype", "regtype[]", -1, 'A', 2206, 0),
    t(2287, "_record", "record[]", -1, 'A', 2249, 0),
    t(2951, "_uuid", "uuid[]", -1, 'A', 2950, 0),
    t(3807, "_jsonb", "jsonb[]", -1, 'A', 3802, 0),
];

/// A lake column's PG type: OID and typmod (`-1` when none), encoded as PostgreSQL does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColumnType {
    pub oid: u32,
    pub typmod: i32,
}

/// Maps a DuckDB type name (`BIGINT`, `DECIMAL(12,2)`, `VARCHAR`, `INTEGER[]`…) to its PG type.
pub fn column_type(duck: &str) -> ColumnType {
    let upper = duck.trim().to_ascii_uppercase();
    if let Some(inner) = upper.strip_suffix("[]") {
        let elem = column_type(inner).oid;
        let oid = TYPES
            .iter()
            .find(|t| t.oid == elem)
            .map(|t| t.array)
            .filter(|a| *a != 0)
            .unwrap_or(1009);
        return ColumnType { oid, typmod: -1 };
    }
    if let Some(args) = upper
        .strip_prefix("DECIMAL(")
        .or_else(|| upper.strip_prefix("NUMERIC("))
        .and_then(|r| r.strip_suffix(')'))
    {
        let mut it = args.split(',').map(|s| s.trim().parse::<i32>().ok());
        if let (Some(Some(p)), Some(Some(s))) = (it.next(), it.next()) {
            return ColumnType {
                oid: 1700,
                typmod: ((p << 16) | s) + 4,
            };
        }
    }
    let oid = match upper.as_str() {
        "BOOLEAN" | "BOOL" => 16,
        "BLOB" | "BYTEA" => 17,
        "TINYINT" | "SMALLINT" | "UTINYINT" => 21,
        "INTEGER" | "INT" | "USMALLINT" => 23,
        "BIGINT" | "UINTEGER" => 20,
        "HUGEINT" | "UBIGINT" | "UHUGEINT" | "DECIMAL" | "NUMERIC" => 1700,
        "FLOAT" | "REAL" => 700,
        "DOUBLE" => 701,
        "DATE" => 1082,
        "TIME" => 1083,
        "TIMESTAMP" | "TIMESTAMP_NS" | "TIMESTAMP_MS" | "TIMESTAMP_S" => 1114,
        "TIMESTAMP WITH TIME ZONE" | "TIMESTAMPTZ" => 1184,
        "INTERVAL" => 1186,
        "UUID" => 2950,
        "JSON" => 114,
        "VARCHAR" => 1043,
        _ => 25,
    };
    ColumnType { oid, typmod: -1 }
}

/// `format_type(oid, typmod)` as PostgreSQL prints it.
pub fn format_type(ct: ColumnType) -> String {
    let base = TYPES
        .iter()
        .find(|t| t.oid == ct.oid)
        .map_or("text", |t| t.sql_name);
    if ct.oid == 1700 && ct.typmod >= 4 {
        let m = ct.typmod - 4;
        format!("numeric({},{})", m >> 16, m & 0xffff)
    } else if matches!(ct.oid, 1043 | 1042) && ct.typmod >= 4 {
        format!("{base}({})", ct.typmod - 4)
    } else {
        base.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_duckdb_names_to_pg_oids_and_typmods() {
        assert_eq!(
            column_type("DECIMAL(12,2)"),
            ColumnType {
                oid: 1700,
                typmod: (12 << 16 | 2) + 4
            }
        );
        assert_eq!(column_type("VARCHAR").oid, 1043);
        assert_eq!(column_type("BIGINT").oid, 20);
        assert_eq!(column_type("INTEGER[]").oid, 1007);
        assert_eq!(format_type(column_type("DECIMAL(12,2)")), "numeric(12,2)");
        assert_eq!(format_type(column_type("DATE")), "date");
        for t in TYPES {
            if t.elem != 0 {
                assert!(TYPES.iter().any(|e| e.oid == t.elem && e.array == t.oid));
            }
        }
    }
}
