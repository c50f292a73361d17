//! pg_catalog / information_schema emulation: tables and macros created in DuckDB's `main` schema (which
//! shadows DuckDB's own `pg_catalog` views once the rewrite strips the `pg_catalog.` qualifier), built from the
//! lake snapshot so that pg_class, pg_attribute, pg_type and information_schema agree, with real PG OIDs/typmods.

pub mod types;

use std::sync::Arc;

use crate::catalog::schema::LakeSnapshot;
use crate::engine::duck::SetupFn;

use types::{column_type, format_type, TYPES};

/// Database name the catalog reports (pg_database, current_database()).
pub const DATABASE: &str = "insights";
/// The single role the catalog reports as owner of everything.
pub const ROLE: &str = "insights";
/// OID of the `public` namespace (where the lake's tables live), as in PostgreSQL.
pub const PUBLIC_OID: u32 = 2200;
/// First OID given to the lake's tables (PostgreSQL's FirstNormalObjectId).
pub const FIRST_TABLE_OID: u32 = 16384;
/// server_version_num the catalog reports; matches the ParameterStatus `server_version`.
pub const SERVER_VERSION_NUM: &str = "150000";

/// Settings `current_setting()` answers (the rewrite inlines them): an allow-list, never DuckDB's real settings.
/// `pg_settings` itself stays refused by the guard.
pub const SETTINGS: &[(&str, &str)] = &[
    ("server_version", "15.0"),
    ("server_version_num", SERVER_VERSION_NUM),
    ("server_encoding", "UTF8"),
    ("client_encoding", "UTF8"),
    ("datestyle", "ISO, MDY"),
    ("timezone", "UTC"),
    ("intervalstyle", "postgres"),
    ("integer_datetimes", "on"),
    ("standard_conforming_strings", "on"),
    ("search_path", "\"$user\", public"),
    ("default_transaction_read_only", "on"),
    ("transaction_read_only", "on"),
    ("transaction_isolation", "read committed"),
    ("default_transaction_isolation", "read committed"),
    ("max_identifier_length", "63"),
    ("max_index_keys", "32"),
    ("block_size", "8192"),
    ("lc_collate", "C.UTF-8"),
    ("lc_ctype", "C.UTF-8"),
    ("statement_timeout", "0"),
    ("extra_float_digits", "1"),
    ("application_name", ""),
    ("is_superuser", "off"),
];

/// The setup hook to pass in `EngineOptions.setup`.
pub fn setup_fn() -> SetupFn {
    Arc::new(setup_sql)
}

/// SQL string literal.
fn lit(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// `CREATE OR REPLACE TABLE name (cols) ` filled with `rows` (each already a parenthesised tuple).
fn table(name: &str, cols: &str, rows: &[String]) -> Vec<String> {
    let mut v = vec![format!("CREATE OR REPLACE TABLE {name} ({cols})")];
    if !rows.is_empty() {
        v.push(format!("INSERT INTO {name} VALUES {}", rows.join(",\n")));
    }
    v
}

/// Every statement that builds the emulation for `snap`.
pub fn setup_sql(snap: &LakeSnapshot) -> Vec<String> {
    let mut out = Vec::new();
    // Types PG clients cast to that DuckDB lacks.
    for (ty, base) in [
        ("regclass", "INTEGER"),
        ("regtype", "INTEGER"),
        ("regproc", "INTEGER"),
        ("regnamespace", "INTEGER"),
        ("regrole", "INTEGER"),
        ("name", "VARCHAR"),
        ("xid", "INTEGER"),
        ("cid", "INTEGER"),
        ("tid", "VARCHAR"),
        ("int2vector", "VARCHAR"),
        ("oidvector", "VARCHAR"),
        ("pg_node_tree", "VARCHAR"),
        ("aclitem", "VARCHAR"),
    ] {
        out.push(format!("CREATE TYPE {ty} AS {base}"));
    }
    out.extend(relations(snap));
    out.extend(information_schema(snap));
    out.extend(functions(snap));
    out
}

fn relations(snap: &LakeSnapshot) -> Vec<String> {
    let mut out = Vec::new();
    out.extend(table(
        "pg_namespace",
        "oid INTEGER, nspname VARCHAR, nspowner INTEGER, nspacl VARCHAR",
        &[
            "(11, 'pg_catalog', 10, NULL)".into(),
            format!("({PUBLIC_OID}, 'public', 10, NULL)"),
            "(13000, 'information_schema', 10, NULL)".into(),
        ],
    ));
    let type_rows: Vec<String> = TYPES
        .iter()
        .map(|t| {
            format!(
                "({}, {}, 11, 10, {}, {}, '{}', '{}', false, true, ',', 0, {}, {}, 0, 0, 0, 0, 0, 0, 0, '{}', '{}', false, 0, -1, {}, {}, NULL, NULL, NULL)",
                t.oid,
                lit(t.name),
                t.len,
                t.byval,
                if t.oid == 2249 || t.oid == 2278 { 'p' } else { 'b' },
                t.category,
                t.elem,
                t.array,
                t.align,
                if t.len == -1 { 'x' } else { 'p' },
                i32::from(t.category == 'A'),
                if t.category == 'S' { 100 } else { 0 },
            )
        })
        .collect();
    out.extend(table(
        "pg_type",
        "oid INTEGER, typname VARCHAR, typnamespace INTEGER, typowner INTEGER, typlen SMALLINT, typbyval BOOLEAN, \
         typtype VARCHAR, typcategory VARCHAR, typispreferred BOOLEAN, typisdefined BOOLEAN, typdelim VARCHAR, \
         typrelid INTEGER, typelem INTEGER, typarray INTEGER, typinput INTEGER, typoutput INTEGER, typreceive INTEGER, \
         typsend INTEGER, typmodin INTEGER, typmodout INTEGER, typanalyze INTEGER, typalign VARCHAR, typstorage VARCHAR, \
         typnotnull BOOLEAN, typbasetype INTEGER, typtypmod INTEGER, typndims INTEGER, typcollation INTEGER, \
         typdefaultbin VARCHAR, typdefault VARCHAR, typacl VARCHAR",
        &type_rows,
    ));
    let mut class_rows = Vec::new();
    let mut attr_rows = Vec::new();
    let mut stat_rows = Vec::new();
    let mut tables_rows = Vec::new();
    for (i, t) in snap.tables.iter().enumerate() {
        let oid = table_oid(i);
        let rows = t.row_count.unwrap_or(0);
        class_rows.push(format!(
            "({oid}, {}, {PUBLIC_OID}, 0, 0, 10, 2, {oid}, 0, {}, {rows}, 0, 0, false, false, 'p', 'r', {}, 0, false, false, false, false, false, true, 'd', false, 0, 0, 0, NULL, NULL, NULL)",
            lit(&t.name),
            rows / 100 + 1,
            t.columns.len(),
        ));
        stat_rows.push(format!(
            "({oid}, 'public', {}, 0, 0, 0, 0, 0, 0, 0, 0, {rows}, 0, 0, 0, 0, NULL, NULL, NULL, NULL, 0, 0, 0, 0)",
            lit(&t.name)
        ));
        tables_rows.push(format!(
            "('public', {}, '{ROLE}', NULL, false, false, false, false)",
            lit(&t.name)
        ));
        for (j, c) in t.columns.iter().enumerate() {
            let ct = column_type(&c.data_type);
            let len = TYPES.iter().find(|x| x.oid == ct.oid).map_or(-1, |x| x.len);
            let coll = if matches!(ct.oid, 25 | 1043 | 1042) {
                100
            } else {
                0
            };
            attr_rows.push(format!(
                "({oid}, {}, {}, -1, {len}, {}, 0, -1, {}, {}, 'i', 'p', '', {}, false, false, '', '', false, true, 0, {coll}, NULL, NULL, NULL, NULL)",
                lit(&c.name),
                ct.oid,
                j + 1,
                ct.typmod,
                len > 0 && len <= 8,
                !c.nullable,
            ));
        }
    }
    out.extend(table(
        "pg_class",
        "oid INTEGER, relname VARCHAR, relnamespace INTEGER, reltype INTEGER, reloftype INTEGER, relowner INTEGER, \
         relam INTEGER, relfilenode INTEGER, reltablespace INTEGER, relpages INTEGER, reltuples FLOAT, \
         relallvisible INTEGER, reltoastrelid INTEGER, relhasindex BOOLEAN, relisshared BOOLEAN, relpersistence VARCHAR, \
         relkind VARCHAR, relnatts SMALLINT, relchecks SMALLINT, relhasrules BOOLEAN, relhastriggers BOOLEAN, \
         relhassubclass BOOLEAN, relrowsecurity BOOLEAN, relforcerowsecurity BOOLEAN, relispopulated BOOLEAN, \
         relreplident VARCHAR, relispartition BOOLEAN, relrewrite INTEGER, relfrozenxid INTEGER, relminmxid INTEGER, \
         relacl VARCHAR[], reloptions VARCHAR[], relpartbound VARCHAR",
        &class_rows,
    ));
    out.extend(table(
        "pg_attribute",
        "attrelid INTEGER, attname VARCHAR, atttypid INTEGER, attstattarget INTEGER, attlen SMALLINT, attnum SMALLINT, \
         attndims INTEGER, attcacheoff INTEGER, atttypmod INTEGER, attbyval BOOLEAN, attalign VARCHAR, attstorage VARCHAR, \
         attcompression VARCHAR, attnotnull BOOLEAN, atthasdef BOOLEAN, atthasmissing BOOLEAN, attidentity VARCHAR, \
         attgenerated VARCHAR, attisdropped BOOLEAN, attislocal BOOLEAN, attinhcount INTEGER, attcollation INTEGER, \
         attacl VARCHAR[], attoptions VARCHAR[], attfdwoptions VARCHAR[], attmissingval VARCHAR",
        &attr_rows,
    ));
    out.extend(table(
        "pg_stat_user_tables",
        "relid INTEGER, schemaname VARCHAR, relname VARCHAR, seq_scan BIGINT, seq_tup_read BIGINT, idx_scan BIGINT, \
         idx_tup_fetch BIGINT, n_tup_ins BIGINT, n_tup_upd BIGINT, n_tup_del BIGINT, n_tup_hot_upd BIGINT, \
         n_live_tup BIGINT, n_dead_tup BIGINT, n_mod_since_analyze BIGINT, n_ins_since_vacuum BIGINT, \
         vacuum_count BIGINT, last_vacuum TIMESTAMPTZ, last_autovacuum TIMESTAMPTZ, last_analyze TIMESTAMPTZ, \
         last_autoanalyze TIMESTAMPTZ, autovacuum_count BIGINT, analyze_count BIGINT, autoanalyze_count BIGINT, \
         n_ins BIGINT",
        &stat_rows,
    ));
    out.extend(table(
        "pg_tables",
        "schemaname VARCHAR, tablename VARCHAR, tableowner VARCHAR, tablespace VARCHAR, hasindexes BOOLEAN, \
         hasrules BOOLEAN, hastriggers BOOLEAN, rowsecurity BOOLEAN",
        &tables_rows,
    ));
    out.extend(table(
        "pg_views",
        "schemaname VARCHAR, viewname VARCHAR, viewowner VARCHAR, definition VARCHAR",
        &[],
    ));
    out.extend(table(
        "pg_database",
        "oid INTEGER, datname VARCHAR, datdba INTEGER, encoding INTEGER, datlocprovider VARCHAR, datistemplate BOOLEAN, \
         datallowconn BOOLEAN, datconnlimit INTEGER, datfrozenxid INTEGER, datminmxid INTEGER, dattablespace INTEGER, \
         datcollate VARCHAR, datctype VARCHAR, daticulocale VARCHAR, datcollversion VARCHAR, datacl VARCHAR[]",
        &[format!(
            "(16383, '{DATABASE}', 10, 6, 'c', false, true, -1, 0, 0, 1663, 'C.UTF-8', 'C.UTF-8', NULL, NULL, NULL)"
        )],
    ));
    let role_cols = "oid INTEGER, rolname VARCHAR, rolsuper BOOLEAN, rolinherit BOOLEAN, rolcreaterole BOOLEAN, \
         rolcreatedb BOOLEAN, rolcanlogin BOOLEAN, rolreplication BOOLEAN, rolconnlimit INTEGER, rolpassword VARCHAR, \
         rolvaliduntil TIMESTAMPTZ, rolbypassrls BOOLEAN, rolconfig VARCHAR[]";
    out.extend(table(
        "pg_roles",
        role_cols,
        &[format!(
            "(10, '{ROLE}', false, true, false, false, true, false, -1, '********', NULL, false, NULL)"
        )],
    ));
    out.extend(table(
        "pg_authid",
        role_cols,
        &[format!(
            "(10, '{ROLE}', false, true, false, false, true, false, -1, NULL, NULL, false, NULL)"
        )],
    ));
    out.extend(table(
        "pg_user",
        "usename VARCHAR, usesysid INTEGER, usecreatedb BOOLEAN, usesuper BOOLEAN, userepl BOOLEAN, \
         usebypassrls BOOLEAN, passwd VARCHAR, valuntil TIMESTAMPTZ, useconfig VARCHAR[]",
        &[format!(
            "('{ROLE}', 10, false, false, false, false, '********', NULL, NULL)"
        )],
    ));
    out.push("CREATE OR REPLACE TABLE pg_auth_members (oid INTEGER, roleid INTEGER, member INTEGER, grantor INTEGER, admin_option BOOLEAN)".into());
    out.extend(table(
        "pg_description",
        "objoid INTEGER, classoid INTEGER, objsubid INTEGER, description VARCHAR",
        &[],
    ));
    out.extend(table(
        "pg_index",
        "indexrelid INTEGER, indrelid INTEGER, indnatts SMALLINT, indnkeyatts SMALLINT, indisunique BOOLEAN, \
         indnullsnotdistinct BOOLEAN, indisprimary BOOLEAN, indisexclusion BOOLEAN, indimmediate BOOLEAN, \
         indisclustered BOOLEAN, indisvalid BOOLEAN, indcheckxmin BOOLEAN, indisready BOOLEAN, indislive BOOLEAN, \
         indisreplident BOOLEAN, indkey SMALLINT[], indcollation INTEGER[], indclass INTEGER[], indoption SMALLINT[], \
         indexprs VARCHAR, indpred VARCHAR",
        &[],
    ));
    out.extend(table(
        "pg_constraint",
        "oid INTEGER, conname VARCHAR, connamespace INTEGER, contype VARCHAR, condeferrable BOOLEAN, \
         condeferred BOOLEAN, convalidated BOOLEAN, conrelid INTEGER, contypid INTEGER, conindid INTEGER, \
         conparentid INTEGER, confrelid INTEGER, confupdtype VARCHAR, confdeltype VARCHAR, confmatchtype VARCHAR, \
         conislocal BOOLEAN, coninhcount INTEGER, connoinherit BOOLEAN, conkey SMALLINT[], confkey SMALLINT[], \
         conpfeqop INTEGER[], conppeqop INTEGER[], conffeqop INTEGER[], confdelsetcols SMALLINT[], \
         conexclop INTEGER[], conbin VARCHAR",
        &[],
    ));
    out.extend(table(
        "pg_proc",
        "oid INTEGER, proname VARCHAR, pronamespace INTEGER, proowner INTEGER, prolang INTEGER, procost FLOAT, \
         prorows FLOAT, provariadic INTEGER, prosupport INTEGER, prokind VARCHAR, prosecdef BOOLEAN, \
         proleakproof BOOLEAN, proisstrict BOOLEAN, proretset BOOLEAN, provolatile VARCHAR, proparallel VARCHAR, \
         pronargs SMALLINT, pronargdefaults SMALLINT, prorettype INTEGER, proargtypes VARCHAR, \
         proallargtypes INTEGER[], proargmodes VARCHAR[], proargnames VARCHAR[], proargdefaults VARCHAR, \
         protrftypes INTEGER[], prosrc VARCHAR, probin VARCHAR, prosqlbody VARCHAR, proconfig VARCHAR[], \
         proacl VARCHAR[]",
        &[],
    ));
    out.extend(table(
        "pg_am",
        "oid INTEGER, amname VARCHAR, amhandler INTEGER, amtype VARCHAR",
        &[
            "(2, 'heap', 0, 't')".into(),
            "(403, 'btree', 0, 'i')".into(),
        ],
    ));
    out.extend(table(
        "pg_collation",
        "oid INTEGER, collname VARCHAR, collnamespace INTEGER, collowner INTEGER, collprovider VARCHAR, \
         collisdeterministic BOOLEAN, collencoding INTEGER, collcollate VARCHAR, collctype VARCHAR, \
         colliculocale VARCHAR, collversion VARCHAR",
        &[
            "(100, 'default', 11, 10, 'd', true, -1, NULL, NULL, NULL, NULL)".into(),
            "(950, 'C', 11, 10, 'c', true, -1, 'C', 'C', NULL, NULL)".into(),
            "(951, 'POSIX', 11, 10, 'c', true, -1, 'POSIX', 'POSIX', NULL, NULL)".into(),
        ],
    ));
    out.extend(table(
        "pg_inherits",
        "inhrelid INTEGER, inhparent INTEGER, inhseqno INTEGER, inhdetachpending BOOLEAN",
        &[],
    ));
    out.extend(table(
        "pg_attrdef",
        "oid INTEGER, adrelid INTEGER, adnum SMALLINT, adbin VARCHAR",
        &[],
    ));
    out.extend(table(
        "pg_tablespace",
        "oid INTEGER, spcname VARCHAR, spcowner INTEGER, spcacl VARCHAR[], spcoptions VARCHAR[]",
        &["(1663, 'pg_default', 10, NULL, NULL)".into()],
    ));
    out.extend(table(
        "pg_depend",
        "classid INTEGER, objid INTEGER, objsubid INTEGER, refclassid INTEGER, refobjid INTEGER, refobjsubid INTEGER, deptype VARCHAR",
        &[],
    ));
    out.extend(table(
        "pg_enum",
        "oid INTEGER, enumtypid INTEGER, enumsortorder FLOAT, enumlabel VARCHAR",
        &[],
    ));
    // Empty relations psql's \d family and drivers join against.
    for (name, cols) in [
        ("pg_trigger", "oid INTEGER, tgrelid INTEGER, tgparentid INTEGER, tgname VARCHAR, tgfoid INTEGER, tgtype SMALLINT, tgenabled VARCHAR, tgisinternal BOOLEAN, tgconstrrelid INTEGER, tgconstrindid INTEGER, tgconstraint INTEGER, tgdeferrable BOOLEAN, tginitdeferred BOOLEAN, tgnargs SMALLINT, tgattr SMALLINT[], tgargs VARCHAR, tgqual VARCHAR, tgoldtable VARCHAR, tgnewtable VARCHAR"),
        ("pg_rewrite", "oid INTEGER, rulename VARCHAR, ev_class INTEGER, ev_type VARCHAR, ev_enabled VARCHAR, is_instead BOOLEAN, ev_qual VARCHAR, ev_action VARCHAR"),
        ("pg_policy", "oid INTEGER, polname VARCHAR, polrelid INTEGER, polcmd VARCHAR, polpermissive BOOLEAN, polroles INTEGER[], polqual VARCHAR, polwithcheck VARCHAR"),
        ("pg_statistic_ext", "oid INTEGER, stxrelid INTEGER, stxname VARCHAR, stxnamespace INTEGER, stxowner INTEGER, stxstattarget INTEGER, stxkeys SMALLINT[], stxkind VARCHAR[], stxexprs VARCHAR"),
        ("pg_statistic_ext_data", "stxoid INTEGER, stxdinherit BOOLEAN, stxdndistinct VARCHAR, stxddependencies VARCHAR, stxdmcv VARCHAR, stxdexpr VARCHAR"),
        ("pg_publication", "oid INTEGER, pubname VARCHAR, pubowner INTEGER, puballtables BOOLEAN, pubinsert BOOLEAN, pubupdate BOOLEAN, pubdelete BOOLEAN, pubtruncate BOOLEAN, pubviaroot BOOLEAN"),
        ("pg_publication_rel", "oid INTEGER, prpubid INTEGER, prrelid INTEGER, prqual VARCHAR, prattrs SMALLINT[]"),
        ("pg_publication_namespace", "oid INTEGER, pnpubid INTEGER, pnnspid INTEGER"),
        ("pg_foreign_table", "ftrelid INTEGER, ftserver INTEGER, ftoptions VARCHAR[]"),
        ("pg_partitioned_table", "partrelid INTEGER, partstrat VARCHAR, partnatts SMALLINT, partdefid INTEGER, partattrs SMALLINT[], partclass INTEGER[], partcollation INTEGER[], partexprs VARCHAR"),
        ("pg_sequence", "seqrelid INTEGER, seqtypid INTEGER, seqstart BIGINT, seqincrement BIGINT, seqmax BIGINT, seqmin BIGINT, seqcache BIGINT, seqcycle BOOLEAN"),
        ("pg_extension", "oid INTEGER, extname VARCHAR, extowner INTEGER, extnamespace INTEGER, extrelocatable BOOLEAN, extversion VARCHAR, extconfig INTEGER[], extcondition VARCHAR[]"),
        ("pg_event_trigger", "oid INTEGER, evtname VARCHAR, evtevent VARCHAR, evtowner INTEGER, evtfoid INTEGER, evtenabled VARCHAR, evttags VARCHAR[]"),
        ("pg_language", "oid INTEGER, lanname VARCHAR, lanowner INTEGER, lanispl BOOLEAN, lanpltrusted BOOLEAN, lanplcallfoid INTEGER, laninline INTEGER, lanvalidator INTEGER, lanacl VARCHAR[]"),
        ("pg_operator", "oid INTEGER, oprname VARCHAR, oprnamespace INTEGER, oprowner INTEGER, oprkind VARCHAR, oprcanmerge BOOLEAN, oprcanhash BOOLEAN, oprleft INTEGER, oprright INTEGER, oprresult INTEGER, oprcom INTEGER, oprnegate INTEGER, oprcode INTEGER, oprrest INTEGER, oprjoin INTEGER"),
        ("pg_cast", "oid INTEGER, castsource INTEGER, casttarget INTEGER, castfunc INTEGER, castcontext VARCHAR, castmethod VARCHAR"),
        ("pg_matviews", "schemaname VARCHAR, matviewname VARCHAR, matviewowner VARCHAR, tablespace VARCHAR, hasindexes BOOLEAN, ispopulated BOOLEAN, definition VARCHAR"),
        ("pg_indexes", "schemaname VARCHAR, tablename VARCHAR, indexname VARCHAR, tablespace VARCHAR, indexdef VARCHAR"),
    ] {
        out.push(format!("CREATE OR REPLACE TABLE {name} ({cols})"));
    }
    out
}

/// OID of the lake's `i`-th table.
pub fn table_oid(i: usize) -> u32 {
    FIRST_TABLE_OID + u32::try_from(i).unwrap_or(0)
}

fn information_schema(snap: &LakeSnapshot) -> Vec<String> {
    let mut out = Vec::new();
    let mut tables = Vec::new();
    let mut columns = Vec::new();
    for t in &snap.tables {
        tables.push(format!(
            "('{DATABASE}', 'public', {}, 'BASE TABLE', NULL, NULL, NULL, NULL, NULL, 'NO', 'NO', NULL)",
            lit(&t.name)
        ));
        for (j, c) in t.columns.iter().enumerate() {
            let ct = column_type(&c.data_type);
            let (prec, radix, scale) = match ct.oid {
                1700 if ct.typmod >= 4 => (
                    Some((ct.typmod - 4) >> 16),
                    Some(10),
                    Some((ct.typmod - 4) & 0xffff),
                ),
                21 => (Some(16), Some(2), Some(0)),
                23 => (Some(32), Some(2), Some(0)),
                20 => (Some(64), Some(2), Some(0)),
                700 => (Some(24), Some(2), None),
                701 => (Some(53), Some(2), None),
                _ => (None, None, None),
            };
            let n = |v: Option<i32>| v.map_or("NULL".to_owned(), |v| v.to_string());
            let dtp = match ct.oid {
                1082 => "0",
                1083 | 1114 | 1184 => "6",
                _ => "NULL",
            };
            let udt = TYPES
                .iter()
                .find(|x| x.oid == ct.oid)
                .map_or("text", |x| x.name);
            let shown = format_type(ct);
            let data_type = shown.split('(').next().unwrap_or("text");
            let data_type =
                if ct.oid >= 1000 && ct.oid != 1043 && ct.oid != 1042 && shown.ends_with("[]") {
                    "ARRAY"
                } else {
                    data_type
                };
            columns.push(format!(
                "('{DATABASE}', 'public', {}, {}, {}, NULL, {}, {}, NULL, NULL, {}, {}, {}, {dtp}, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, '{DATABASE}', 'pg_catalog', '{udt}', NULL, NULL, NULL, NULL, {}, 'NO', 'NO', NULL, NULL, NULL, NULL, NULL, 'NO', 'NEVER', NULL, 'YES')",
                lit(&t.name),
                lit(&c.name),
                j + 1,
                lit(if c.nullable { "YES" } else { "NO" }),
                lit(data_type),
                n(prec),
                n(radix),
                n(scale),
                lit(&(j + 1).to_string()),
            ));
        }
    }
    out.extend(table(
        "pg_infoschema_tables",
        "table_catalog VARCHAR, table_schema VARCHAR, table_name VARCHAR, table_type VARCHAR, \
         self_referencing_column_name VARCHAR, reference_generation VARCHAR, user_defined_type_catalog VARCHAR, \
         user_defined_type_schema VARCHAR, user_defined_type_name VARCHAR, is_insertable_into VARCHAR, \
         is_typed VARCHAR, commit_action VARCHAR",
        &tables,
    ));
    out.extend(table(
        "pg_infoschema_columns",
        "table_catalog VARCHAR, table_schema VARCHAR, table_name VARCHAR, column_name VARCHAR, \
         ordinal_position INTEGER, column_default VARCHAR, is_nullable VARCHAR, data_type VARCHAR, \
         character_maximum_length INTEGER, character_octet_length INTEGER, numeric_precision INTEGER, \
         numeric_precision_radix INTEGER, numeric_scale INTEGER, datetime_precision INTEGER, interval_type VARCHAR, \
         interval_precision INTEGER, character_set_catalog VARCHAR, character_set_schema VARCHAR, \
         character_set_name VARCHAR, collation_catalog VARCHAR, collation_schema VARCHAR, collation_name VARCHAR, \
         domain_catalog VARCHAR, domain_schema VARCHAR, domain_name VARCHAR, udt_catalog VARCHAR, \
         udt_schema VARCHAR, udt_name VARCHAR, scope_catalog VARCHAR, scope_schema VARCHAR, scope_name VARCHAR, \
         maximum_cardinality INTEGER, dtd_identifier VARCHAR, is_self_referencing VARCHAR, is_identity VARCHAR, \
         identity_generation VARCHAR, identity_start VARCHAR, identity_increment VARCHAR, identity_maximum VARCHAR, \
         identity_minimum VARCHAR, identity_cycle VARCHAR, is_generated VARCHAR, generation_expression VARCHAR, \
         is_updatable VARCHAR",
        &columns,
    ));
    out.extend(table(
        "pg_infoschema_schemata",
        "catalog_name VARCHAR, schema_name VARCHAR, schema_owner VARCHAR, default_character_set_catalog VARCHAR, \
         default_character_set_schema VARCHAR, default_character_set_name VARCHAR, sql_path VARCHAR",
        &[
            format!("('{DATABASE}', 'public', '{ROLE}', NULL, NULL, NULL, NULL)"),
            format!("('{DATABASE}', 'pg_catalog', '{ROLE}', NULL, NULL, NULL, NULL)"),
            format!("('{DATABASE}', 'information_schema', '{ROLE}', NULL, NULL, NULL, NULL)"),
        ],
    ));
    out.extend(table(
        "pg_infoschema_views",
        "table_catalog VARCHAR, table_schema VARCHAR, table_name VARCHAR, view_definition VARCHAR, \
         check_option VARCHAR, is_updatable VARCHAR, is_insertable_into VARCHAR, is_trigger_updatable VARCHAR, \
         is_trigger_deletable VARCHAR, is_trigger_insertable_into VARCHAR",
        &[],
    ));
    out.extend(table(
        "pg_infoschema_table_constraints",
        "constraint_catalog VARCHAR, constraint_schema VARCHAR, constraint_name VARCHAR, table_catalog VARCHAR, \
         table_schema VARCHAR, table_name VARCHAR, constraint_type VARCHAR, is_deferrable VARCHAR, \
         initially_deferred VARCHAR, enforced VARCHAR, nulls_distinct VARCHAR",
        &[],
    ));
    out.extend(table(
        "pg_infoschema_key_column_usage",
        "constraint_catalog VARCHAR, constraint_schema VARCHAR, constraint_name VARCHAR, table_catalog VARCHAR, \
         table_schema VARCHAR, table_name VARCHAR, column_name VARCHAR, ordinal_position INTEGER, \
         position_in_unique_constraint INTEGER",
        &[],
    ));
    out.extend(table(
        "pg_infoschema_routines",
        "specific_catalog VARCHAR, specific_schema VARCHAR, specific_name VARCHAR, routine_catalog VARCHAR, \
         routine_schema VARCHAR, routine_name VARCHAR, routine_type VARCHAR, data_type VARCHAR",
        &[],
    ));
    out
}

/// information_schema views the emulation answers (the rewrite maps `information_schema.X` to `pg_infoschema_X`).
pub const INFORMATION_SCHEMA: &[&str] = &[
    "tables",
    "columns",
    "schemata",
    "views",
    "table_constraints",
    "key_column_usage",
    "routines",
];

fn functions(snap: &LakeSnapshot) -> Vec<String> {
    let sizes: Vec<String> = snap
        .tables
        .iter()
        .enumerate()
        .map(|(i, t)| {
            format!(
                "WHEN {} THEN {}",
                table_oid(i),
                t.row_count.unwrap_or(0).saturating_mul(64)
            )
        })
        .collect();
    let size_case = if sizes.is_empty() {
        "0".to_owned()
    } else {
        format!("CASE r {} ELSE 0 END", sizes.join(" "))
    };
    let fmt_cases: Vec<String> = TYPES
        .iter()
        .map(|t| format!("WHEN {} THEN {}", t.oid, lit(t.sql_name)))
        .collect();
    let catalog_oids = "CASE lower(replace(CAST(name AS VARCHAR), 'pg_catalog.', '')) WHEN 'pg_class' THEN 1259 WHEN 'pg_type' THEN 1247 \
         WHEN 'pg_attribute' THEN 1249 WHEN 'pg_proc' THEN 1255 WHEN 'pg_namespace' THEN 2615 \
         WHEN 'pg_constraint' THEN 2606 WHEN 'pg_index' THEN 2610 WHEN 'pg_description' THEN 2609 \
         WHEN 'pg_database' THEN 1262 WHEN 'pg_authid' THEN 1260 WHEN 'pg_trigger' THEN 2620 ELSE \
         (SELECT min(oid) FROM pg_class WHERE relname = replace(replace(CAST(name AS VARCHAR), 'public.', ''), '\"', '')) END";
    let m = |s: String| format!("CREATE OR REPLACE MACRO {s}");
    vec![
        m(format!("version() AS 'PostgreSQL {} (Retail Insights, DuckDB engine) on x86_64-pc-linux-gnu, 64-bit'", "15.0")),
        m(format!("current_database() AS '{DATABASE}'")),
        m(format!("current_catalog() AS '{DATABASE}'")),
        m("current_schema() AS 'public'".into()),
        m("current_schemas(b) AS CASE WHEN b THEN ['pg_catalog', 'public'] ELSE ['public'] END".into()),
        m(format!("current_user() AS '{ROLE}'")),
        m(format!("session_user() AS '{ROLE}'")),
        m(format!("\"user\"() AS '{ROLE}'")),
        m(format!("current_role() AS '{ROLE}'")),
        m(format!("format_type(t, m) AS CASE WHEN t = 1700 AND m >= 4 THEN 'numeric(' || ((m - 4) >> 16) || ',' || ((m - 4) & 65535) || ')' WHEN t IN (1043, 1042) AND m >= 4 THEN (CASE t WHEN 1043 THEN 'character varying' ELSE 'character' END) || '(' || (m - 4) || ')' ELSE CASE t {} ELSE NULL END END", fmt_cases.join(" "))),
        m(format!("pg_get_userbyid(o) AS '{ROLE}'")),
        m("pg_table_is_visible(o) AS true".into()),
        m("pg_type_is_visible(o) AS true".into()),
        m("pg_function_is_visible(o) AS true".into()),
        m("has_table_privilege(a, b) AS true, (a, b, c) AS true".into()),
        m("has_schema_privilege(a, b) AS true, (a, b, c) AS true".into()),
        m("has_database_privilege(a, b) AS true, (a, b, c) AS true".into()),
        m("has_column_privilege(a, b, c) AS true, (a, b, c, d) AS true".into()),
        m("has_any_column_privilege(a, b) AS true, (a, b, c) AS true".into()),
        m("has_function_privilege(a, b) AS true, (a, b, c) AS true".into()),
        m("has_sequence_privilege(a, b) AS true, (a, b, c) AS true".into()),
        m("pg_has_role(a, b) AS true, (a, b, c) AS true".into()),
        m("pg_get_expr(e, r) AS CAST(NULL AS VARCHAR), (e, r, p) AS CAST(NULL AS VARCHAR)".into()),
        m("pg_get_indexdef(o) AS '', (o, c, p) AS ''".into()),
        m("pg_get_constraintdef(o) AS '', (o, p) AS ''".into()),
        m("pg_get_triggerdef(o) AS '', (o, p) AS ''".into()),
        m("pg_get_function_result(o) AS CAST(NULL AS VARCHAR)".into()),
        m("pg_get_function_arguments(o) AS CAST(NULL AS VARCHAR)".into()),
        m("pg_get_function_identity_arguments(o) AS CAST(NULL AS VARCHAR)".into()),
        m("pg_get_partkeydef(o) AS CAST(NULL AS VARCHAR)".into()),
        m("pg_get_statisticsobjdef_columns(o) AS CAST(NULL AS VARCHAR)".into()),
        m("pg_encoding_to_char(e) AS CASE e WHEN 6 THEN 'UTF8' WHEN 0 THEN 'SQL_ASCII' ELSE '' END".into()),
        m("obj_description(o) AS (SELECT min(description) FROM pg_description d WHERE d.objoid = o AND d.objsubid = 0), (o, c) AS (SELECT min(description) FROM pg_description d WHERE d.objoid = o AND d.objsubid = 0)".into()),
        m("shobj_description(o, c) AS CAST(NULL AS VARCHAR)".into()),
        m("col_description(o, n) AS (SELECT min(description) FROM pg_description d WHERE d.objoid = o AND d.objsubid = n)".into()),
        m(format!("pg_relation_size(r) AS {size_case}, (r, f) AS {size_case}")),
        m(format!("pg_total_relation_size(r) AS {size_case}")),
        m(format!("pg_table_size(r) AS {size_case}")),
        m("pg_backend_pid() AS 1".into()),
        m("pg_relation_is_publishable(o) AS false".into()),
        m("quote_ident(s) AS CASE WHEN regexp_full_match(s, '[a-z_][a-z0-9_$]*') THEN s ELSE '\"' || replace(s, '\"', '\"\"') || '\"' END".into()),
        m("parse_ident(s) AS list_transform(string_split(s, '.'), x -> CASE WHEN starts_with(trim(x), '\"') THEN replace(trim(trim(x), '\"'), '\"\"', '\"') ELSE lower(trim(x)) END), (s, strict) AS list_transform(string_split(s, '.'), x -> CASE WHEN starts_with(trim(x), '\"') THEN replace(trim(trim(x), '\"'), '\"\"', '\"') ELSE lower(trim(x)) END)".into()),
        m("array_lower(a, d) AS CASE WHEN d = 1 AND len(a) > 0 THEN 1 END".into()),
        m("array_upper(a, d) AS CASE WHEN d = 1 AND len(a) > 0 THEN len(a) END".into()),
        m(format!("pg_insights_regclass(name) AS CASE WHEN TRY_CAST(CAST(name AS VARCHAR) AS INTEGER) IS NOT NULL THEN TRY_CAST(CAST(name AS VARCHAR) AS INTEGER) ELSE {catalog_oids} END")),
        m(format!("pg_insights_regtype(name) AS (SELECT min(oid) FROM pg_type WHERE typname = lower(name) OR oid = (CASE lower(name) {} ELSE NULL END))",
            TYPES.iter().map(|t| format!("WHEN {} THEN {}", lit(t.sql_name), t.oid)).collect::<Vec<_>>().join(" "))),
        m("pg_insights_regnamespace(name) AS (SELECT min(oid) FROM pg_namespace WHERE nspname = name)".into()),
        m("pg_insights_regproc(name) AS CAST(NULL AS INTEGER)".into()),
        m("to_regtype(name) AS pg_insights_regtype(name)".into()),
        m("to_regclass(name) AS pg_insights_regclass(name)".into()),
        m("pg_insights_expandarray(a) AS struct_pack(x := a[1], n := 1)".into()),
        m("pg_postmaster_start_time() AS TIMESTAMPTZ '2026-01-01 00:00:00+00'".into()),
        m("pg_is_in_recovery() AS false".into()),
        m("txid_current() AS 1".into()),
        m("pg_size_pretty(b) AS format_bytes(CAST(b AS BIGINT))".into()),
        m("pg_tablespace_location(o) AS ''".into()),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::schema::{ColumnInfo, TableInfo};

    #[test]
    fn builds_consistent_rows_for_the_lake() {
        let snap = LakeSnapshot {
            tables: vec![TableInfo {
                name: "sales".into(),
                columns: vec![ColumnInfo {
                    name: "amount".into(),
                    data_type: "DECIMAL(12,2)".into(),
                    nullable: true,
                    ..Default::default()
                }],
                row_count: Some(10),
            }],
        };
        let sql = setup_sql(&snap).join(";\n");
        assert!(sql.contains("(16384, 'amount', 1700, -1, -1, 1, 0, -1, 786438"));
        assert!(sql.contains("'numeric'"));
    }
}
