//! The lake registry through a real client: a new file or partition shows up after `SELECT insights.refresh()`
//! (or `insights catalog refresh`, or the TTL) and a removed one disappears, without a restart; broken files are
//! listed in `insights.catalog_errors` and skipped; repeated answers come from the result cache, with a notice,
//! until a refresh changes their table.

mod common;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{connect_with_notices as connect, sqlstate, start_server_on};
use retail_insights::demo;
use tokio_postgres::{Client, SimpleQueryMessage};

/// A private lake per test, so that tests can add and remove files.
fn fresh_lake(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ri-lake-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    demo::generate(&demo::DemoOptions {
        out: dir.clone(),
        rows: 20_000,
        seed: 11,
        progress: false,
    })
    .expect("generate lake");
    dir
}

/// The rows of a simple query, as text.
async fn rows(c: &Client, sql: &str) -> Result<Vec<Vec<String>>, tokio_postgres::Error> {
    Ok(c.simple_query(sql)
        .await?
        .into_iter()
        .filter_map(|m| match m {
            SimpleQueryMessage::Row(r) => Some(
                (0..r.len())
                    .map(|i| r.get(i).unwrap_or("NULL").to_owned())
                    .collect(),
            ),
            _ => None,
        })
        .collect())
}

async fn count(c: &Client, sql: &str) -> i64 {
    rows(c, sql).await.expect(sql)[0][0]
        .parse()
        .expect("a number")
}

fn cache_notices(n: &Arc<Mutex<Vec<String>>>) -> usize {
    n.lock()
        .unwrap()
        .iter()
        .filter(|m| m.contains("result cache"))
        .count()
}

const WEST_AUG: &str = "sales/year=2023/month=8/region=WEST";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refresh_shows_new_and_drops_removed_data_without_restart() {
    let dir = fresh_lake("refresh");
    let server = start_server_on(dir.clone(), |_| {});
    let (c, notices) = connect(&server).await;

    let total = "SELECT count(*) FROM sales";
    let n0 = count(&c, total).await;
    assert_eq!(cache_notices(&notices), 0);
    assert_eq!(count(&c, total).await, n0);
    assert_eq!(
        cache_notices(&notices),
        1,
        "second identical query is cached"
    );
    let m = count(
        &c,
        "SELECT count(*) FROM sales WHERE year = 2023 AND month = 8 AND region = 'WEST'",
    )
    .await;
    assert!(m > 0);
    let err = rows(&c, "SELECT * FROM extra").await.unwrap_err();
    assert_eq!(sqlstate(&err), "42P01");

    // A new partition and a new file.
    let new_part = dir.join("sales/year=2026/month=1/region=WEST");
    std::fs::create_dir_all(&new_part).unwrap();
    std::fs::copy(
        dir.join(WEST_AUG).join("data_0.parquet"),
        new_part.join("data_0.parquet"),
    )
    .unwrap();
    std::fs::write(dir.join("extra.csv"), "a,b\n1,x\n2,y\n").unwrap();
    // Not visible before a refresh (and the cached answer still stands).
    assert_eq!(count(&c, total).await, n0);

    let report = rows(&c, "SELECT insights.refresh()").await.unwrap();
    assert_eq!(report[0][1], "extra", "added: {report:?}");
    assert_eq!(report[0][3], "sales", "changed: {report:?}");
    let before = cache_notices(&notices);
    assert_eq!(count(&c, total).await, n0 + m, "new partition is read");
    assert_eq!(
        cache_notices(&notices),
        before,
        "the refresh dropped the stale answer"
    );
    assert_eq!(
        count(&c, "SELECT count(*) FROM sales WHERE year = 2026").await,
        m
    );
    assert_eq!(count(&c, "SELECT sum(a) FROM extra").await, 3);

    // Removed again, refreshed by the CLI over the wire.
    std::fs::remove_dir_all(dir.join("sales/year=2026")).unwrap();
    std::fs::remove_file(dir.join("extra.csv")).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_insights"))
        .args(["catalog", "refresh", "--server", &server.addr.to_string()])
        .output()
        .expect("run insights catalog refresh");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("removed: extra"), "{text}");
    assert_eq!(count(&c, total).await, n0);
    let err = rows(&c, "SELECT * FROM extra").await.unwrap_err();
    assert_eq!(sqlstate(&err), "42P01");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn broken_files_are_reported_and_skipped() {
    let dir = fresh_lake("broken");
    let server = start_server_on(dir.clone(), |cfg| {
        cfg.catalog_ttl = Duration::from_secs(1);
    });
    let (c, _) = connect(&server).await;
    let n0 = count(&c, "SELECT count(*) FROM sales").await;
    assert!(rows(&c, "SELECT * FROM insights.catalog_errors")
        .await
        .unwrap()
        .is_empty());

    // The good file first: a refresh that sees both broken files then sees it too.
    std::fs::write(dir.join("fine.csv"), "k\n7\n").unwrap();
    write_garbage(&dir.join("broken.parquet"));
    write_garbage(&dir.join(WEST_AUG).join("zz_corrupt.parquet"));
    // No manual refresh: the 1 s TTL picks the changes up. The error list is written while the refresh runs and
    // the new table is served once the refresh has finished, so wait for both.
    let mut errors = Vec::new();
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(200)).await;
        errors = rows(
            &c,
            "SELECT table_name, path, error FROM insights.catalog_errors ORDER BY path",
        )
        .await
        .unwrap();
        if errors.len() == 2 && rows(&c, "SELECT k FROM fine").await.is_ok() {
            break;
        }
    }
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert_eq!(errors[0][0], "broken");
    assert!(errors[0][1].ends_with("broken.parquet"));
    assert_eq!(errors[1][0], "sales");
    assert!(errors[1][1].ends_with("zz_corrupt.parquet"));
    assert!(!errors[1][2].is_empty());
    // Everything else keeps serving, the corrupt file skipped.
    assert_eq!(count(&c, "SELECT count(*) FROM sales").await, n0);
    assert_eq!(count(&c, "SELECT sum(k) FROM fine").await, 7);
    let err = rows(&c, "SELECT * FROM broken").await.unwrap_err();
    assert_eq!(sqlstate(&err), "42P01");
    // The error list is read-only like the lake.
    let err = rows(&c, "DELETE FROM insights.catalog_errors")
        .await
        .unwrap_err();
    assert_eq!(sqlstate(&err), "0A000");
    let _ = std::fs::remove_dir_all(&dir);
}

fn write_garbage(path: &Path) {
    std::fs::write(
        path,
        b"this is not a parquet file at all, just text".repeat(8),
    )
    .unwrap();
}

/// The table a plain scan of `table` reads, from EXPLAIN: a hot copy or the lake's files.
async fn scanned_from(c: &Client, table: &str) -> String {
    let plan = rows(c, &format!("EXPLAIN SELECT * FROM {table}"))
        .await
        .unwrap()
        .concat()
        .concat();
    if plan.contains("insights_hot") {
        "memory".into()
    } else if plan.to_uppercase().contains("PARQUET") {
        "files".into()
    } else {
        plan
    }
}

/// Polls until `table` is served from memory (the copy is made in the background).
async fn wait_hot(c: &Client, table: &str) {
    for _ in 0..200 {
        if scanned_from(c, table).await == "memory" {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "{table} never served from memory: {}",
        scanned_from(c, table).await
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hot_tables_answer_like_the_files_and_follow_refreshes() {
    let dir = fresh_lake("hot");
    let hot = start_server_on(dir.clone(), |cfg| cfg.result_cache_bytes = 0);
    let cold = start_server_on(dir.clone(), |cfg| {
        cfg.result_cache_bytes = 0;
        cfg.hot_tables_bytes = 0;
    });
    let (h, _) = connect(&hot).await;
    let (f, _) = connect(&cold).await;
    for t in ["sales", "products", "stores", "customers"] {
        wait_hot(&h, t).await;
        assert_eq!(
            scanned_from(&f, t).await,
            "files",
            "{t} with hot tables off"
        );
    }
    // Same answers, types and column order as the files give.
    for sql in [
        "SELECT * FROM sales ORDER BY order_id, product_id LIMIT 50",
        "SELECT region, year, month, sum(revenue), count(DISTINCT customer_id) FROM sales GROUP BY ALL ORDER BY ALL",
        "SELECT p.category, s.store_type, sum(x.quantity) FROM sales x JOIN products p USING (product_id) JOIN stores s USING (store_id) GROUP BY ALL ORDER BY ALL",
        "SELECT * FROM customers ORDER BY customer_id LIMIT 20",
    ] {
        assert_eq!(rows(&h, sql).await.unwrap(), rows(&f, sql).await.unwrap(), "{sql}");
    }
    // The copies cannot be named by clients.
    let plan = rows(&h, "EXPLAIN SELECT * FROM sales")
        .await
        .unwrap()
        .concat()
        .concat();
    // EXPLAIN draws the name inside a box, broken over lines.
    let flat: String = plan
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == '_' || *c == '.')
        .collect();
    let at = flat
        .find("insights_hot.")
        .expect("the copy's name in the plan");
    // insights_hot.sales_ and the fingerprint's 16 hex digits.
    let copy: String = flat[at..].chars().take(19 + 16).collect();
    assert!(copy.starts_with("insights_hot.sales_"), "{copy}");
    for sql in [
        format!("SELECT count(*) FROM {copy}"),
        "SELECT count(*) FROM insights_hot.sales".to_owned(),
    ] {
        let e = rows(&h, &sql).await.unwrap_err();
        assert_eq!(sqlstate(&e), "42P01", "{sql}");
    }

    // A new partition: served from its files at once after the refresh, then from a new copy.
    let total = "SELECT count(*) FROM sales";
    let n0 = count(&h, total).await;
    let m = count(
        &h,
        "SELECT count(*) FROM sales WHERE year = 2023 AND month = 8 AND region = 'WEST'",
    )
    .await;
    let new_part = dir.join("sales/year=2026/month=1/region=WEST");
    std::fs::create_dir_all(&new_part).unwrap();
    std::fs::copy(
        dir.join(WEST_AUG).join("data_0.parquet"),
        new_part.join("data_0.parquet"),
    )
    .unwrap();
    rows(&h, "SELECT insights.refresh()").await.unwrap();
    assert_eq!(count(&h, total).await, n0 + m, "the new partition is read");
    wait_hot(&h, "sales").await;
    assert_eq!(count(&h, total).await, n0 + m, "and kept in the new copy");
    // Removed again: the copy with it is dropped, not served.
    std::fs::remove_dir_all(dir.join("sales/year=2026")).unwrap();
    rows(&h, "SELECT insights.refresh()").await.unwrap();
    assert_eq!(count(&h, total).await, n0);
    wait_hot(&h, "sales").await;
    assert_eq!(count(&h, total).await, n0);
    let _ = std::fs::remove_dir_all(&dir);
}
