//! What real clients send, replayed through a real connection: Metabase's and Grafana's connect and sync queries
//! (transcribed from their public PostgreSQL drivers), and psql's own catalog queries captured with `psql -E`.
//! Each test checks the answer against the lake itself, so a catalog that drifts from the data fails.

mod common;

use common::start_server;
use tokio_postgres::{Client, SimpleQueryMessage};

async fn rows(c: &Client, sql: &str) -> Vec<Vec<Option<String>>> {
    let msgs = c
        .simple_query(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}\n-> {e:?}"));
    msgs.iter()
        .filter_map(|m| match m {
            SimpleQueryMessage::Row(r) => {
                Some((0..r.len()).map(|i| r.get(i).map(str::to_owned)).collect())
            }
            _ => None,
        })
        .collect()
}

/// The real columns of a lake table, from a query's own result description.
async fn real_columns(c: &Client, table: &str) -> Vec<String> {
    let st = c
        .prepare(&format!("SELECT * FROM {table} LIMIT 0"))
        .await
        .expect("prepare");
    st.columns().iter().map(|c| c.name().to_owned()).collect()
}

#[tokio::test]
async fn metabase_connect_and_privileges() {
    let srv = start_server();
    let c = srv.connect().await;
    c.simple_query("SET extra_float_digits = 3")
        .await
        .expect("SET extra_float_digits");
    let iso = rows(&c, "SHOW TRANSACTION ISOLATION LEVEL").await;
    assert_eq!(iso[0][0].as_deref(), Some("read committed"));
    // metabase.driver.postgres/current-user-table-privileges
    let privs = rows(
        &c,
        r#"with table_privileges as (
 select
   NULL as role,
   t.schemaname as schema,
   t.objectname as table,
   pg_catalog.has_any_column_privilege(current_user, '"' || replace(t.schemaname, '"', '""') || '"' || '.' || '"' || replace(t.objectname, '"', '""') || '"',  'update') as update,
   pg_catalog.has_any_column_privilege(current_user, '"' || replace(t.schemaname, '"', '""') || '"' || '.' || '"' || replace(t.objectname, '"', '""') || '"',  'select') as select,
   pg_catalog.has_any_column_privilege(current_user, '"' || replace(t.schemaname, '"', '""') || '"' || '.' || '"' || replace(t.objectname, '"', '""') || '"',  'insert') as insert,
   pg_catalog.has_table_privilege(     current_user, '"' || replace(t.schemaname, '"', '""') || '"' || '.' || '"' || replace(t.objectname, '"', '""') || '"',  'delete') as delete
 from (
   select schemaname, tablename as objectname from pg_catalog.pg_tables
   union
   select schemaname, viewname as objectname from pg_catalog.pg_views
   union
   select schemaname, matviewname as objectname from pg_catalog.pg_matviews
 ) t
 where t.schemaname !~ '^pg_'
   and t.schemaname <> 'information_schema'
   and pg_catalog.has_schema_privilege(current_user, t.schemaname, 'usage')
)
select t.*
from table_privileges t
where t.select or t.update or t.insert or t.delete
order by t.table"#,
    )
    .await;
    let tables: Vec<_> = privs
        .iter()
        .map(|r| r[2].clone().unwrap_or_default())
        .collect();
    assert_eq!(tables, ["customers", "products", "sales", "stores"]);
    assert!(privs
        .iter()
        .all(|r| r[1].as_deref() == Some("public") && r[4].as_deref() == Some("t")));
}

#[tokio::test]
async fn metabase_sync_tables_row_counts_and_fields() {
    let srv = start_server();
    let c = srv.connect().await;
    // describe-database: tables with their comments.
    let tables = rows(
        &c,
        "SELECT n.nspname AS schema, c.relname AS name, CASE c.relkind WHEN 'r' THEN 'TABLE' WHEN 'p' THEN 'PARTITIONED TABLE' WHEN 'v' THEN 'VIEW' WHEN 'f' THEN 'FOREIGN TABLE' WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE NULL END AS type, obj_description(c.oid, 'pg_class') AS description \
         FROM pg_catalog.pg_class c INNER JOIN pg_catalog.pg_namespace n ON c.relnamespace = n.oid \
         WHERE c.relnamespace = n.oid AND n.nspname !~ '^information_schema|catalog_history|pg_' AND c.relkind IN ('r', 'p', 'v', 'f', 'm') AND n.nspname IN ('public') ORDER BY 2",
    )
    .await;
    assert_eq!(tables.len(), 4);
    assert_eq!(tables[2][1].as_deref(), Some("sales"));
    // Estimated row counts come from pg_stat_user_tables and must equal the real counts.
    let est = rows(
        &c,
        "SELECT n_live_tup AS estimated_row_count FROM pg_stat_user_tables WHERE schemaname = 'public' AND relname = 'sales'",
    )
    .await;
    let real = rows(&c, "SELECT count(*) FROM sales").await;
    assert_eq!(est[0][0], real[0][0]);
    // describe-fields: information_schema.columns joined to the primary keys, with col_description.
    let fields = rows(
        &c,
        r#"SELECT c.column_name AS name, c.udt_name AS "database-type", c.ordinal_position - 1 AS "database-position", c.table_schema AS "table-schema", c.table_name AS "table-name", pk.column_name IS NOT NULL AS "pk?",
  col_description(cast(cast(format('%I.%I', cast(c.table_schema as text), cast(c.table_name as text)) as regclass) as oid), c.ordinal_position) AS "field-comment",
  ((column_default IS NULL OR lower(column_default) = 'null') AND is_nullable = 'NO' AND NOT ((column_default IS NOT NULL AND column_default LIKE '%nextval(%') OR is_identity <> 'NO')) AS "database-required",
  ((column_default IS NOT NULL AND column_default LIKE '%nextval(%') OR is_identity <> 'NO') AS "database-is-auto-increment"
FROM information_schema.columns c
LEFT JOIN (SELECT tc.table_schema, tc.table_name, kc.column_name FROM information_schema.table_constraints tc
  INNER JOIN information_schema.key_column_usage kc ON tc.constraint_name = kc.constraint_name AND tc.table_schema = kc.table_schema AND tc.table_name = kc.table_name
  WHERE tc.constraint_type = 'PRIMARY KEY') pk ON c.table_schema = pk.table_schema AND c.table_name = pk.table_name AND c.column_name = pk.column_name
WHERE c.table_schema !~ '^information_schema|catalog_history|pg_' AND c.table_schema IN ('public') AND c.table_name = 'sales'
ORDER BY "table-schema" ASC, "table-name" ASC, "database-position" ASC"#,
    )
    .await;
    let names: Vec<String> = fields
        .iter()
        .map(|r| r[0].clone().unwrap_or_default())
        .collect();
    assert_eq!(names, real_columns(&c, "sales").await);
    let revenue = fields
        .iter()
        .find(|r| r[0].as_deref() == Some("revenue"))
        .expect("revenue");
    assert_eq!(revenue[1].as_deref(), Some("numeric"));
    assert_eq!(revenue[5].as_deref(), Some("f"));
}

#[tokio::test]
async fn grafana_ping_version_and_pickers() {
    let srv = start_server();
    let c = srv.connect().await;
    let ping = c.simple_query("-- ping").await.expect("-- ping");
    assert!(ping
        .iter()
        .all(|m| !matches!(m, SimpleQueryMessage::Row(_))));
    let v = rows(&c, "SELECT current_setting('server_version_num')::int").await;
    assert!(v[0][0].as_deref().and_then(|s| s.parse::<i32>().ok()) >= Some(150000));
    // Table picker.
    let tables = rows(
        &c,
        "SELECT quote_ident(table_name) AS \"table\" FROM information_schema.tables WHERE quote_ident(table_schema) NOT IN ('information_schema', 'pg_catalog', '_timescaledb_cache', '_timescaledb_catalog', '_timescaledb_internal', '_timescaledb_config', 'timescaledb_information', 'timescaledb_experimental') AND table_type = 'BASE TABLE' ORDER BY 1",
    )
    .await;
    let tables: Vec<_> = tables
        .iter()
        .map(|r| r[0].clone().unwrap_or_default())
        .collect();
    assert_eq!(tables, ["customers", "products", "sales", "stores"]);
    // Column picker for a table chosen as "schema.table", split with parse_ident.
    let cols = rows(
        &c,
        "SELECT quote_ident(column_name) AS \"column\", data_type AS \"type\" FROM information_schema.columns WHERE CASE WHEN array_length(parse_ident('public.sales'), 1) = 2 THEN quote_ident(table_schema) = (parse_ident('public.sales'))[1] AND quote_ident(table_name) = (parse_ident('public.sales'))[2] ELSE quote_ident(table_name) = 'public.sales' AND table_schema = current_schema() END ORDER BY ordinal_position",
    )
    .await;
    let names: Vec<String> = cols
        .iter()
        .map(|r| r[0].clone().unwrap_or_default())
        .collect();
    assert_eq!(names, real_columns(&c, "sales").await);
    // search_path walk with string_to_array / generate_series / array bounds.
    let sp = rows(
        &c,
        "SELECT trim(s[i]) FROM generate_series(array_lower(string_to_array(current_setting('search_path'), ','), 1), array_upper(string_to_array(current_setting('search_path'), ','), 1)) AS i, (SELECT string_to_array(current_setting('search_path'), ',') AS s) AS t ORDER BY i",
    )
    .await;
    let sp: Vec<_> = sp
        .iter()
        .map(|r| r[0].clone().unwrap_or_default())
        .collect();
    assert_eq!(sp, ["\"$user\"", "public"]);
    assert_eq!(
        rows(&c, "SELECT quote_ident('Mixed Case')").await[0][0].as_deref(),
        Some("\"Mixed Case\"")
    );
}

#[tokio::test]
async fn psql_describe_capture_replays() {
    let srv = start_server();
    let c = srv.connect().await;
    // Captured with `psql -E -c '\d sales' -c '\d+ products' -c '\dt' -c '\dn' -c '\l'` (psql 15).
    let capture = include_str!("captures/psql_describe.sql");
    let mut ran = 0;
    for stmt in capture
        .split("\n\n")
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        rows(&c, stmt).await;
        ran += 1;
    }
    assert!(ran >= 10, "{ran} statements replayed");
    // The attribute query psql runs for \d sales lists exactly the real columns with their PG types.
    let oid = rows(&c, "SELECT c.oid FROM pg_catalog.pg_class c WHERE c.relname OPERATOR(pg_catalog.~) '^(sales)$' COLLATE pg_catalog.default AND pg_catalog.pg_table_is_visible(c.oid)").await;
    let oid = oid[0][0].clone().expect("sales oid");
    let attrs = rows(&c, &format!("SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod) FROM pg_catalog.pg_attribute a WHERE a.attrelid = '{oid}' AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum")).await;
    let names: Vec<String> = attrs
        .iter()
        .map(|r| r[0].clone().unwrap_or_default())
        .collect();
    assert_eq!(names, real_columns(&c, "sales").await);
    // Every attribute's type exists in pg_type (pgJDBC joins on it and silently drops columns otherwise).
    let orphans = rows(&c, "SELECT count(*) FROM pg_catalog.pg_attribute a LEFT JOIN pg_catalog.pg_type t ON a.atttypid = t.oid WHERE t.oid IS NULL").await;
    assert_eq!(orphans[0][0].as_deref(), Some("0"));
}

#[tokio::test]
async fn emulated_settings_never_reveal_duckdb_settings() {
    let srv = start_server();
    let c = srv.connect().await;
    let v = rows(&c, "SELECT current_setting('server_encoding'), pg_catalog.current_setting('search_path', true)").await;
    assert_eq!(
        v[0],
        [
            Some("UTF8".to_owned()),
            Some("\"$user\", public".to_owned())
        ]
    );
    for sql in [
        "SELECT current_setting('memory_limit')",
        "SELECT current_setting(name) FROM (SELECT 'threads' AS name)",
        "SELECT system.main.current_setting('threads')",
        "SELECT * FROM pg_catalog.pg_settings",
    ] {
        let e = c.simple_query(sql).await.expect_err(sql);
        assert_eq!(common::sqlstate(&e), "42501", "{sql}");
    }
}

#[tokio::test]
async fn jdbc_metadata_capture_replays() {
    let srv = start_server();
    let c = srv.connect().await;
    // Captured from the server's statement log while integration/clients/Jdbc.java ran (pgJDBC 42.5):
    // getSchemas, getTables, getColumns, getPrimaryKeys, getTypeInfo and the TypeInfoCache type list.
    let capture = include_str!("captures/jdbc_metadata.sql");
    let mut answers = Vec::new();
    for stmt in capture
        .split("\n\n")
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        answers.push(rows(&c, stmt).await);
    }
    assert_eq!(answers.len(), 6);
    // getTables (2nd capture) lists the lake's four tables; getPrimaryKeys (4th) answers with no keys.
    assert_eq!(answers[1].len(), 4);
    assert!(answers[3].is_empty());
    // getColumns (3rd capture) lists every real column of sales, each with a pg_type match.
    let cols: Vec<String> = answers[2]
        .iter()
        .map(|r| r[2].clone().unwrap_or_default())
        .collect();
    assert_eq!(cols, real_columns(&c, "sales").await);
    // pgJDBC's type-cache query lists every pg_type row; numeric is there with its real OID and is not an array.
    let numeric = answers[5]
        .iter()
        .find(|r| r[2].as_deref() == Some("numeric"))
        .expect("numeric in the type cache query");
    assert_eq!(numeric[3].as_deref(), Some("1700"));
    assert_ne!(numeric[0].as_deref(), Some("t"));
}
