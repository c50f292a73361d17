//! Plain-English answers checked against hand-written SQL on the same server, through tokio-postgres:
//! thresholds on aggregates (picked from the data so that some groups pass and some do not), counts of the
//! groups that pass, medians and percentiles over orders, absence lists and counts, and year-to-date
//! comparisons with the same days a year earlier.

mod common;

use common::{ask, connect_with_notices as connect, start_server};
use tokio_postgres::Client;

/// Column names and text rows of a simple query.
async fn rows(client: &Client, q: &str) -> (Vec<String>, Vec<Vec<String>>) {
    ask(client, q).await.unwrap_or_else(|e| panic!("{q}: {e}"))
}

fn same_cell(a: &str, b: &str) -> bool {
    match (a.parse::<f64>(), b.parse::<f64>()) {
        (Ok(x), Ok(y)) => (x - y).abs() <= 0.01 + 1e-9 * x.abs().max(y.abs()),
        _ => a == b,
    }
}

/// Asks `question` and checks that the answer's columns `pick` hold exactly the rows of `gold` (any order).
async fn check(client: &Client, question: &str, pick: &[&str], gold: &str) -> Vec<Vec<String>> {
    let (cols, got) = rows(client, &format!("/*ask: {question} */")).await;
    let idx: Vec<usize> = pick
        .iter()
        .map(|p| {
            cols.iter()
                .position(|c| c == p)
                .unwrap_or_else(|| panic!("{question}: no column {p} in {cols:?}"))
        })
        .collect();
    let mut got: Vec<Vec<String>> = got
        .iter()
        .map(|r| idx.iter().map(|&i| r[i].clone()).collect())
        .collect();
    let (_, mut want) = rows(client, gold).await;
    got.sort();
    want.sort();
    assert_eq!(got.len(), want.len(), "{question}: {got:?} vs {want:?}");
    for (g, w) in got.iter().zip(&want) {
        assert!(
            g.iter().zip(w).all(|(a, b)| same_cell(a, b)),
            "{question}: {g:?} vs {w:?}"
        );
    }
    got
}

/// The middle value of a grouped total, as a round threshold that splits the groups.
async fn middle(client: &Client, totals: &str) -> i64 {
    let (_, r) = rows(
        client,
        &format!("SELECT CAST(quantile_disc(v, 0.5) AS BIGINT) FROM ({totals}) AS t(v)"),
    )
    .await;
    r[0][0].parse().expect("a number")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thresholds_keep_the_groups_that_pass() {
    let server = start_server();
    let (client, _) = connect(&server).await;
    let by_category =
        "SELECT SUM(s.revenue) FROM sales s JOIN products p ON s.product_id = p.product_id \
                       WHERE s.year = 2024 GROUP BY p.category";
    let t = middle(&client, by_category).await;
    let got = check(
        &client,
        &format!("categories with revenue over {t} in 2024"),
        &["category", "revenue"],
        &format!(
            "SELECT p.category, SUM(s.revenue) FROM sales s JOIN products p ON s.product_id = p.product_id \
             WHERE s.year = 2024 GROUP BY p.category HAVING SUM(s.revenue) > {t}"
        ),
    )
    .await;
    let (_, all) = rows(&client, by_category).await;
    assert!(!got.is_empty() && got.len() < all.len(), "{got:?}");

    let by_customer = "SELECT SUM(revenue) FROM sales WHERE year = 2024 GROUP BY customer_id";
    let t = middle(&client, by_customer).await;
    let got = check(
        &client,
        &format!("how many customers spent more than ${t} in 2024"),
        &["customers"],
        &format!(
            "SELECT COUNT(*) FROM (SELECT customer_id FROM sales WHERE year = 2024 \
             GROUP BY customer_id HAVING SUM(revenue) > {t})"
        ),
    )
    .await;
    assert!(got[0][0].parse::<i64>().is_ok_and(|n| n > 0), "{got:?}");
    check(
        &client,
        "products with a margin below 20%",
        &["product_name"],
        "SELECT p.product_name FROM sales s JOIN products p ON s.product_id = p.product_id \
         GROUP BY p.product_name HAVING SUM(s.revenue - s.cost) / SUM(s.revenue) < 0.2",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn medians_and_percentiles_are_taken_across_orders() {
    let server = start_server();
    let (client, _) = connect(&server).await;
    check(
        &client,
        "median order value by channel in 2024",
        &["channel", "median_order_value"],
        "SELECT channel, median(v) FROM (SELECT channel, order_id, SUM(revenue) AS v FROM sales \
         WHERE year = 2024 GROUP BY channel, order_id) GROUP BY channel",
    )
    .await;
    check(
        &client,
        "90th percentile of revenue per order",
        &["p90_order_value"],
        "SELECT quantile_cont(v, 0.9) FROM (SELECT SUM(revenue) AS v FROM sales GROUP BY order_id)",
    )
    .await;
    check(
        &client,
        "median discount by region",
        &["region", "median_discount"],
        "SELECT region, median(discount) FROM sales GROUP BY region",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn absence_lists_what_had_no_matching_sales() {
    let server = start_server();
    let (client, _) = connect(&server).await;
    let got = check(
        &client,
        "products with no Mobile sales in January 2023",
        &["product_name"],
        "SELECT product_name FROM products WHERE product_id NOT IN \
         (SELECT product_id FROM sales WHERE channel = 'Mobile' AND year = 2023 AND month = 1)",
    )
    .await;
    let (_, all) = rows(&client, "SELECT count(*) FROM products").await;
    assert!(
        !got.is_empty() && all[0][0].parse::<usize>().is_ok_and(|n| got.len() < n),
        "some products, not all, had no mobile sales that month: {}",
        got.len()
    );
    check(
        &client,
        "how many customers did not buy anything in 2024",
        &["customers"],
        "SELECT COUNT(*) FROM customers WHERE customer_id NOT IN \
         (SELECT customer_id FROM sales WHERE year = 2024)",
    )
    .await;
    check(
        &client,
        "stores without online sales in 2024",
        &["store_name"],
        "SELECT store_name FROM stores WHERE store_id NOT IN \
         (SELECT store_id FROM sales WHERE channel = 'Online' AND year = 2024)",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn year_to_date_is_compared_with_the_same_days_a_year_earlier() {
    let server = start_server();
    let (client, notices) = connect(&server).await;
    let (cols, got) = rows(&client, "/*ask: revenue YTD vs same period last year */").await;
    assert_eq!(cols.len(), 3, "{cols:?}");
    let (_, want) = rows(
        &client,
        "WITH a AS (SELECT max(order_date) AS m FROM sales) \
         SELECT SUM(revenue) FILTER (WHERE order_date BETWEEN make_date(year(m) - 1, 1, 1) AND m - INTERVAL 1 YEAR), \
                SUM(revenue) FILTER (WHERE order_date BETWEEN make_date(year(m), 1, 1) AND m) \
         FROM sales, a",
    )
    .await;
    assert!(
        same_cell(&got[0][0], &want[0][0]) && same_cell(&got[0][1], &want[0][1]),
        "{got:?} vs {want:?}"
    );
    let notes = notices.lock().expect("notices").join("\n");
    assert!(notes.contains("compared with the same dates of"), "{notes}");
}
