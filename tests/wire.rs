//! The wire protocol through a real client (tokio-postgres) over a real socket: simple and extended protocol,
//! text and binary results, every type, NULLs, errors with their SQLSTATE, cancel, timeouts, portals in pages
//! and concurrent clients.

mod common;

use std::time::{Duration, Instant};

use common::{sqlstate, start_server};
use tokio_postgres::types::{FromSql, Type};
use tokio_postgres::SimpleQueryMessage;

/// Raw bytes of any value in binary format, to check encodings tokio-postgres has no Rust type for.
struct Raw(Vec<u8>);

impl<'a> FromSql<'a> for Raw {
    fn from_sql(_: &Type, raw: &'a [u8]) -> Result<Self, Box<dyn std::error::Error + Sync + Send>> {
        Ok(Raw(raw.to_vec()))
    }
    fn accepts(_: &Type) -> bool {
        true
    }
}

fn simple_rows(msgs: &[SimpleQueryMessage]) -> Vec<Vec<Option<String>>> {
    msgs.iter()
        .filter_map(|m| match m {
            SimpleQueryMessage::Row(r) => {
                Some((0..r.len()).map(|i| r.get(i).map(str::to_owned)).collect())
            }
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn simple_query_answers_lake_sql_and_several_statements() {
    let srv = start_server();
    let c = srv.connect().await;
    let msgs = c
        .simple_query("SELECT count(*) AS n FROM sales; SELECT region FROM stores GROUP BY region ORDER BY region")
        .await
        .unwrap();
    let rows = simple_rows(&msgs);
    assert_eq!(
        rows[0][0].as_deref(),
        Some(common::TEST_ROWS.to_string().as_str())
    );
    assert_eq!(
        rows[1..]
            .iter()
            .map(|r| r[0].clone().unwrap())
            .collect::<Vec<_>>(),
        vec!["EAST", "NORTH", "SOUTH", "WEST"]
    );
    let completes = msgs
        .iter()
        .filter(|m| matches!(m, SimpleQueryMessage::CommandComplete(_)))
        .count();
    assert_eq!(completes, 2);
}

#[tokio::test]
async fn every_type_in_text_and_binary_with_nulls() {
    let srv = start_server();
    let c = srv.connect().await;
    let sql = "SELECT 1::SMALLINT AS i2, 2::INTEGER AS i4, 3::BIGINT AS i8, 12.34::DECIMAL(10,2) AS num, \
               1.5::REAL AS f4, 2.25::DOUBLE AS f8, true AS b, 'héllo' AS t, DATE '2024-02-29' AS d, \
               TIMESTAMP '2024-01-02 03:04:05.5' AS ts, TIMESTAMPTZ '2024-01-02 03:04:05+00' AS tstz, \
               INTERVAL '1 year 2 months 3 days 04:05:06' AS iv, '\\xDE\\xAD'::BLOB AS by, \
               '5ed1cbd0-8cc8-4e19-a1e8-46e7b3bfa13f'::UUID AS u, [1, NULL, 3] AS l, ['a b', 'c'] AS lt, \
               170141183460469231731687303715884105727::HUGEINT AS h, 18446744073709551615::UBIGINT AS ub, \
               NULL::INTEGER AS n_i, NULL::VARCHAR AS n_t, NULL::DECIMAL(12,2) AS n_num, NULL::DATE AS n_d";
    // Text (simple protocol).
    let rows = simple_rows(&c.simple_query(sql).await.unwrap());
    let expected_text = [
        Some("1"),
        Some("2"),
        Some("3"),
        Some("12.34"),
        Some("1.5"),
        Some("2.25"),
        Some("t"),
        Some("héllo"),
        Some("2024-02-29"),
        Some("2024-01-02 03:04:05.5"),
        Some("2024-01-02 03:04:05+00"),
        Some("1 year 2 mons 3 days 04:05:06"),
        Some("\\xdead"),
        Some("5ed1cbd0-8cc8-4e19-a1e8-46e7b3bfa13f"),
        Some("{1,NULL,3}"),
        Some("{\"a b\",c}"),
        Some("170141183460469231731687303715884105727"),
        Some("18446744073709551615"),
        None,
        None,
        None,
        None,
    ];
    let got: Vec<Option<&str>> = rows[0].iter().map(|v| v.as_deref()).collect();
    assert_eq!(got, expected_text);

    // Binary (extended protocol): the declared types and the binary values.
    let stmt = c.prepare(sql).await.unwrap();
    let types: Vec<Type> = stmt.columns().iter().map(|c| c.type_().clone()).collect();
    assert_eq!(
        types,
        vec![
            Type::INT2,
            Type::INT4,
            Type::INT8,
            Type::NUMERIC,
            Type::FLOAT4,
            Type::FLOAT8,
            Type::BOOL,
            Type::TEXT,
            Type::DATE,
            Type::TIMESTAMP,
            Type::TIMESTAMPTZ,
            Type::INTERVAL,
            Type::BYTEA,
            Type::UUID,
            Type::INT4_ARRAY,
            Type::TEXT_ARRAY,
            Type::NUMERIC,
            Type::NUMERIC,
            Type::INT4,
            Type::TEXT,
            Type::NUMERIC,
            Type::DATE,
        ]
    );
    let row = c.query_one(&stmt, &[]).await.unwrap();
    assert_eq!(row.get::<_, i16>(0), 1);
    assert_eq!(row.get::<_, i32>(1), 2);
    assert_eq!(row.get::<_, i64>(2), 3);
    // numeric 12.34: ndigits 2, weight 0, sign +, dscale 2, digits [12, 3400]
    assert_eq!(
        row.get::<_, Raw>(3).0,
        vec![0, 2, 0, 0, 0, 0, 0, 2, 0, 12, 0x0d, 0x48]
    );
    assert_eq!(row.get::<_, f32>(4), 1.5);
    assert_eq!(row.get::<_, f64>(5), 2.25);
    assert!(row.get::<_, bool>(6));
    assert_eq!(row.get::<_, String>(7), "héllo");
    assert_eq!(
        row.get::<_, chrono::NaiveDate>(8),
        chrono::NaiveDate::from_ymd_opt(2024, 2, 29).unwrap()
    );
    assert_eq!(
        row.get::<_, chrono::NaiveDateTime>(9).to_string(),
        "2024-01-02 03:04:05.500"
    );
    assert_eq!(
        row.get::<_, chrono::DateTime<chrono::Utc>>(10).to_rfc3339(),
        "2024-01-02T03:04:05+00:00"
    );
    // interval: micros, days, months
    let iv = row.get::<_, Raw>(11).0;
    assert_eq!(
        i64::from_be_bytes(iv[0..8].try_into().unwrap()),
        14_706_000_000
    );
    assert_eq!(i32::from_be_bytes(iv[8..12].try_into().unwrap()), 3);
    assert_eq!(i32::from_be_bytes(iv[12..16].try_into().unwrap()), 14);
    assert_eq!(row.get::<_, Vec<u8>>(12), vec![0xde, 0xad]);
    assert_eq!(row.get::<_, Raw>(13).0[..2], [0x5e, 0xd1]);
    assert_eq!(
        row.get::<_, Vec<Option<i32>>>(14),
        vec![Some(1), None, Some(3)]
    );
    assert_eq!(
        row.get::<_, Vec<String>>(15),
        vec!["a b".to_string(), "c".to_string()]
    );
    assert_eq!(row.get::<_, Option<i32>>(18), None);
    assert_eq!(row.get::<_, Option<String>>(19), None);
    assert!(row.get::<_, Option<Raw>>(20).is_none());
    assert_eq!(row.get::<_, Option<chrono::NaiveDate>>(21), None);
}

#[tokio::test]
async fn parameters_are_bound_not_pasted() {
    let srv = start_server();
    let c = srv.connect().await;
    let stmt = c
        .prepare(
            "SELECT count(*) AS n, sum(quantity) AS q FROM sales WHERE year = $1 AND region = $2",
        )
        .await
        .unwrap();
    assert_eq!(stmt.params(), &[Type::INT4, Type::TEXT]);
    let row = c.query_one(&stmt, &[&2023i32, &"WEST"]).await.unwrap();
    let n: i64 = row.get(0);
    let direct = simple_rows(
        &c.simple_query("SELECT count(*) FROM sales WHERE year = 2023 AND region = 'WEST'")
            .await
            .unwrap(),
    );
    assert_eq!(n.to_string(), direct[0][0].clone().unwrap());
    // A value that would be an injection if pasted is just a string that matches nothing.
    let row = c
        .query_one(&stmt, &[&2023i32, &"WEST' OR '1'='1"])
        .await
        .unwrap();
    assert_eq!(row.get::<_, i64>(0), 0);
    // NULL parameter.
    let row = c.query_one(&stmt, &[&None::<i32>, &"WEST"]).await.unwrap();
    assert_eq!(row.get::<_, i64>(0), 0);
}

#[tokio::test]
async fn errors_carry_sqlstate_and_the_connection_survives() {
    let srv = start_server();
    let c = srv.connect().await;
    let cases = [
        ("SELEC 1", "42601"),
        ("SELECT * FROM no_such_table", "42P01"),
        ("SELECT no_such_column FROM sales", "42703"),
        ("SELECT 'abc'::INTEGER", "22P02"),
        ("SELECT no_such_fn(1)", "42883"),
        ("SELECT 2147483647::INTEGER + 1::INTEGER", "22003"),
    ];
    for (sql, code) in cases {
        let e = c.simple_query(sql).await.unwrap_err();
        assert_eq!(sqlstate(&e), code, "{sql}: {e:?}");
        let e = c.query(sql, &[]).await.unwrap_err();
        assert_eq!(sqlstate(&e), code, "extended {sql}: {e:?}");
    }
    // An error mid-string stops the rest, and the session goes on.
    let e = c
        .simple_query("SELECT 1; SELECT * FROM nope; SELECT 3")
        .await
        .unwrap_err();
    assert_eq!(sqlstate(&e), "42P01");
    let rows = simple_rows(&c.simple_query("SELECT 42").await.unwrap());
    assert_eq!(rows[0][0].as_deref(), Some("42"));
}

#[tokio::test]
async fn session_commands_are_answered_by_the_proxy() {
    let srv = start_server();
    let c = srv.connect().await;
    c.batch_execute("SET application_name = 'wire-test'; SET extra_float_digits = 3; BEGIN READ ONLY; SAVEPOINT a; RELEASE a; COMMIT")
        .await
        .unwrap();
    let rows = simple_rows(&c.simple_query("SHOW application_name").await.unwrap());
    assert_eq!(rows[0][0].as_deref(), Some("wire-test"));
    let e = c
        .simple_query("SET memory_limit = '100GB'")
        .await
        .unwrap_err();
    assert_eq!(sqlstate(&e), "42501");
    let msgs = c.simple_query("-- ping").await.unwrap();
    assert!(simple_rows(&msgs).is_empty());
    // Inside a failed transaction only ROLLBACK is accepted.
    c.batch_execute("BEGIN").await.unwrap();
    assert!(c.simple_query("SELECT * FROM nope").await.is_err());
    let e = c.simple_query("SELECT 1").await.unwrap_err();
    assert_eq!(sqlstate(&e), "25P02");
    c.batch_execute("ROLLBACK").await.unwrap();
    assert_eq!(
        simple_rows(&c.simple_query("SELECT 1").await.unwrap()).len(),
        1
    );
}

/// A query over the lake that runs for many seconds unless interrupted.
const SLOW: &str = "SELECT count(*) FROM sales a, sales b WHERE a.quantity + b.quantity > 1";

#[tokio::test]
async fn cancel_request_interrupts_the_running_query() {
    let srv = start_server();
    let c = srv.connect().await;
    let token = c.cancel_token();
    let t0 = Instant::now();
    let canceller = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(400)).await;
        token.cancel_query(tokio_postgres::NoTls).await.unwrap();
    });
    let e = c.simple_query(SLOW).await.unwrap_err();
    canceller.await.unwrap();
    assert_eq!(sqlstate(&e), "57014", "{e:?}");
    assert!(t0.elapsed() < Duration::from_secs(20));
    assert_eq!(
        simple_rows(&c.simple_query("SELECT 7").await.unwrap())[0][0].as_deref(),
        Some("7")
    );
}

#[tokio::test]
async fn statement_timeout_answers_57014() {
    let srv =
        common::start_server_with(|cfg| cfg.statement_timeout = Some(Duration::from_secs(30)));
    let c = srv.connect().await;
    c.batch_execute("SET statement_timeout = 300")
        .await
        .unwrap();
    let e = c.query(SLOW, &[]).await.unwrap_err();
    assert_eq!(sqlstate(&e), "57014");
    assert!(e.to_string().contains("timeout") || format!("{e:?}").contains("timeout"));
    // The client's setting cannot exceed the server's maximum.
    c.batch_execute("SET statement_timeout = '1h'")
        .await
        .unwrap();
    let rows = simple_rows(&c.simple_query("SHOW statement_timeout").await.unwrap());
    assert_eq!(rows[0][0].as_deref(), Some("30s"));
}

#[tokio::test]
async fn portal_pages_through_ten_thousand_rows() {
    let srv = start_server();
    let mut c = srv.connect().await;
    let tx = c.transaction().await.unwrap();
    let stmt = tx
        .prepare("SELECT order_id, revenue FROM sales ORDER BY order_id, product_id LIMIT 10000")
        .await
        .unwrap();
    let portal = tx.bind(&stmt, &[]).await.unwrap();
    let mut total = 0;
    let mut pages = 0;
    let mut last = i64::MIN;
    loop {
        let rows = tx.query_portal(&portal, 1000).await.unwrap();
        if rows.is_empty() {
            break;
        }
        assert!(rows.len() <= 1000);
        for r in &rows {
            let id: i64 = r.get(0);
            assert!(id >= last);
            last = id;
        }
        total += rows.len();
        pages += 1;
    }
    tx.commit().await.unwrap();
    assert_eq!(total, 10_000);
    assert_eq!(pages, 10);
}

#[tokio::test]
async fn ten_concurrent_clients_get_consistent_answers() {
    let srv = start_server();
    let expected = {
        let c = srv.connect().await;
        simple_rows(
            &c.simple_query("SELECT sum(revenue) FROM sales")
                .await
                .unwrap(),
        )[0][0]
            .clone()
    };
    let mut tasks = Vec::new();
    for i in 0..10i32 {
        let dsn = srv.dsn();
        tasks.push(tokio::spawn(async move {
            let (c, conn) = tokio_postgres::connect(&dsn, tokio_postgres::NoTls)
                .await
                .unwrap();
            tokio::spawn(conn);
            let mut answers = Vec::new();
            for _ in 0..3 {
                let stmt = c
                    .prepare("SELECT sum(revenue)::VARCHAR FROM sales WHERE $1::INTEGER >= 0")
                    .await
                    .unwrap();
                let row = c.query_one(&stmt, &[&i]).await.unwrap();
                answers.push(row.get::<_, String>(0));
            }
            answers
        }));
    }
    for t in tasks {
        for a in t.await.unwrap() {
            assert_eq!(Some(a), expected);
        }
    }
}
