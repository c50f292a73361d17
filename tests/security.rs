//! Security through the wire: row-level policies configured per user, enforced by the guard's rewriter for plain
//! SQL, prepared statements and NL answers alike. Each test compares a policy user with an unrestricted one on the
//! same server, and tries to escape the policy (aliases, shadowing CTEs, set operations, subqueries, LATERAL...).

mod common;

use std::collections::BTreeMap;

use common::{sqlstate, start_server_with, TestServer};

/// A server where `north_mgr` sees only NORTH rows of sales, stores and customers; everyone else sees all.
fn policy_server() -> TestServer {
    policy_server_hot(true)
}

/// The same, choosing whether lake tables may be copied into memory.
fn policy_server_hot(hot: bool) -> TestServer {
    start_server_with(move |cfg| {
        if !hot {
            cfg.hot_tables_bytes = 0;
        }
        let north: BTreeMap<String, String> = ["sales", "stores", "customers"]
            .iter()
            .map(|t| (t.to_string(), "region = 'NORTH'".to_string()))
            .collect();
        cfg.policies.insert("north_mgr".into(), north);
    })
}

async fn connect_as(server: &TestServer, user: &str) -> tokio_postgres::Client {
    let dsn = format!(
        "host={} port={} user={user} dbname=lake",
        server.addr.ip(),
        server.addr.port()
    );
    let (client, conn) = tokio_postgres::connect(&dsn, tokio_postgres::NoTls)
        .await
        .expect("connect");
    tokio::spawn(async move {
        let _ = conn.await;
    });
    client
}

/// Every non-NULL text in the first column of a simple-query result.
async fn texts(c: &tokio_postgres::Client, sql: &str) -> Vec<String> {
    let msgs = c
        .simple_query(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    msgs.iter()
        .filter_map(|m| match m {
            tokio_postgres::SimpleQueryMessage::Row(r) => r.get(0).map(str::to_owned),
            _ => None,
        })
        .collect()
}

async fn count(c: &tokio_postgres::Client, sql: &str) -> i64 {
    let v = texts(c, sql).await;
    v.first()
        .unwrap_or_else(|| panic!("{sql}: no row"))
        .parse()
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

#[tokio::test]
async fn policy_user_sees_only_their_rows_and_cannot_escape() {
    let server = policy_server();
    let admin = connect_as(&server, "analyst").await;
    let north = connect_as(&server, "north_mgr").await;

    // Control: the unrestricted user sees all four regions, so the checks below can fail.
    let all = texts(&admin, "SELECT DISTINCT region FROM sales ORDER BY 1").await;
    assert_eq!(all, ["EAST", "NORTH", "SOUTH", "WEST"]);
    let north_total = count(&admin, "SELECT count(*) FROM sales WHERE region = 'NORTH'").await;
    let total = count(&admin, "SELECT count(*) FROM sales").await;
    assert!(north_total > 0 && north_total < total);

    assert_eq!(
        texts(&north, "SELECT DISTINCT region FROM sales").await,
        ["NORTH"]
    );
    assert_eq!(
        count(&north, "SELECT count(*) FROM sales").await,
        north_total
    );

    // Escape attempts: each counts rows outside NORTH and must find none.
    let escapes = [
        // aliases and qualified / quoted names
        "SELECT count(*) FROM sales AS s WHERE s.region <> 'NORTH'",
        "SELECT count(*) FROM main.sales WHERE region <> 'NORTH'",
        "SELECT count(*) FROM public.sales x WHERE x.region <> 'NORTH'",
        "SELECT count(*) FROM \"SALES\" WHERE region <> 'NORTH'",
        "FROM sales SELECT count(*) WHERE region <> 'NORTH'",
        // a CTE that shadows the table name, and one reading the qualified table
        "WITH sales AS (SELECT * FROM main.sales) SELECT count(*) FROM sales WHERE region <> 'NORTH'",
        "WITH s AS (SELECT * FROM public.sales) SELECT count(*) FROM s WHERE region <> 'NORTH'",
        "WITH RECURSIVE r AS (SELECT region FROM sales UNION SELECT region FROM r) SELECT count(*) FROM r WHERE region <> 'NORTH'",
        // set operations
        "SELECT count(*) FROM (SELECT region FROM sales WHERE false UNION ALL SELECT region FROM sales) u WHERE region <> 'NORTH'",
        "SELECT count(*) FROM (SELECT region FROM sales EXCEPT SELECT 'NORTH') e",
        // subqueries: scalar, IN, correlated EXISTS
        "SELECT (SELECT count(*) FROM sales WHERE region = 'WEST')",
        "SELECT count(*) FROM stores WHERE store_id IN (SELECT store_id FROM sales WHERE region = 'WEST')",
        "SELECT count(*) FROM stores st WHERE EXISTS (SELECT 1 FROM sales s WHERE s.store_id = st.store_id AND s.region = 'WEST')",
        // LATERAL and joins, including a join to a filtered dimension
        "SELECT count(*) FROM stores st, LATERAL (SELECT * FROM sales s WHERE s.store_id = st.store_id AND s.region = 'WEST') l",
        "SELECT count(*) FROM sales a JOIN sales b USING (store_id) WHERE b.region = 'SOUTH'",
        "SELECT count(*) FROM stores WHERE region <> 'NORTH'",
        "SELECT count(*) FROM customers WHERE region <> 'NORTH'",
        // pivots and table-valued shorthands
        "SELECT count(*) FROM (TABLE sales) t WHERE region = 'EAST'",
    ];
    for sql in escapes {
        // Either no foreign row, or the statement is refused outright; never a non-zero count.
        match north.simple_query(sql).await {
            Ok(_) => assert_eq!(count(&north, sql).await, 0, "escaped the policy: {sql}"),
            Err(e) => {
                let code = sqlstate(&e);
                assert!(
                    ["42501", "42P01", "0A000"].contains(&code.as_str()),
                    "{sql}: unexpected {code} {e}"
                );
                eprintln!("refused ({code}): {sql}");
            }
        }
    }
    assert!(count(&admin, "SELECT count(*) FROM stores st WHERE EXISTS (SELECT 1 FROM sales s WHERE s.store_id = st.store_id AND s.region = 'WEST')").await > 0);

    // Prepared statement with a parameter: still filtered.
    let row = north
        .query_one(
            "SELECT count(*) FROM sales WHERE region = $1",
            &[&"WEST".to_string()],
        )
        .await
        .expect("prepared");
    assert_eq!(row.get::<_, i64>(0), 0);
    let row = admin
        .query_one(
            "SELECT count(*) FROM sales WHERE region = $1",
            &[&"WEST".to_string()],
        )
        .await
        .expect("prepared");
    assert!(row.get::<_, i64>(0) > 0);

    // Raw files and catalog functions stay refused; pg_catalog views show metadata only, no lake rows.
    for sql in [
        "SELECT count(*) FROM read_parquet('sales/**/*.parquet', hive_partitioning = true)",
        "SELECT * FROM duckdb_tables()",
        "SELECT sql FROM duckdb_views()",
    ] {
        let e = north.simple_query(sql).await.expect_err(sql);
        assert!(
            ["42501", "42P01", "42883"].contains(&sqlstate(&e).as_str()),
            "{sql}: {e}"
        );
    }
    let tables = texts(
        &north,
        "SELECT tablename FROM pg_catalog.pg_tables ORDER BY 1",
    )
    .await;
    assert!(tables
        .iter()
        .all(|t| !t.contains("NORTH") && !t.contains("WEST")));
}

#[tokio::test]
async fn policy_applies_to_nl_answers() {
    let server = policy_server();
    let north = connect_as(&server, "north_mgr").await;
    let admin = connect_as(&server, "analyst").await;
    let q = "/*ask*/ total revenue by region";
    let mine = north.simple_query(q).await.expect("ask");
    let theirs = admin.simple_query(q).await.expect("ask");
    let rows = |m: &[tokio_postgres::SimpleQueryMessage]| -> Vec<Vec<String>> {
        m.iter()
            .filter_map(|x| match x {
                tokio_postgres::SimpleQueryMessage::Row(r) => Some(
                    (0..r.len())
                        .map(|i| r.get(i).unwrap_or("").to_owned())
                        .collect(),
                ),
                _ => None,
            })
            .collect()
    };
    let (mine, theirs) = (rows(&mine), rows(&theirs));
    assert!(theirs.len() >= 4, "admin sees every region: {theirs:?}");
    assert_eq!(mine.len(), 1, "north_mgr sees one region: {mine:?}");
    assert!(mine[0].iter().any(|v| v == "NORTH"), "{mine:?}");
}

#[tokio::test]
async fn partition_pruning_survives_the_policy() {
    // Files read are counted: the tables stay on their files.
    let server = policy_server_hot(false);
    let north = connect_as(&server, "north_mgr").await;
    let admin = connect_as(&server, "analyst").await;
    let sql = "EXPLAIN ANALYZE SELECT count(*) FROM sales WHERE year = 2023";
    let plan = |rows: Vec<tokio_postgres::SimpleQueryMessage>| -> String {
        rows.iter()
            .filter_map(|m| match m {
                tokio_postgres::SimpleQueryMessage::Row(r) => Some(
                    (0..r.len())
                        .filter_map(|i| r.get(i))
                        .collect::<Vec<_>>()
                        .join("\n"),
                ),
                _ => None,
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    let mine = plan(north.simple_query(sql).await.expect("explain"));
    let theirs = plan(admin.simple_query(sql).await.expect("explain"));
    eprintln!("--- north_mgr ---\n{mine}\n--- analyst ---\n{theirs}");
    let files = |p: &str| -> Option<(u64, u64)> {
        let mut lines = p.lines().skip_while(|l| !l.contains("Scanning Files"));
        let line = lines.nth(1)?;
        let nums: Vec<u64> = line
            .split(|c: char| !c.is_ascii_digit())
            .filter_map(|s| s.parse().ok())
            .collect();
        Some((*nums.first()?, *nums.get(1)?))
    };
    let (m, t) = (files(&mine), files(&theirs));
    let (Some((m_read, _)), Some((t_read, _))) = (m, t) else {
        panic!("no file counts in the plans");
    };
    assert!(
        m_read * 4 == t_read,
        "policy scan reads a quarter of the files: {m_read} vs {t_read}"
    );
}
