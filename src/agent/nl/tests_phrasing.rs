//! Tests of everyday phrasings on inferred schemas: flags as groups, quoted text, members left out of
//! rankings when their key is missing, exclusions, per-line averages, amounts asked with "how much".

use std::sync::Arc;

use super::tests_support::{col, demo_model};
use super::*;
use crate::catalog::schema::{LakeSnapshot, TableInfo};
use crate::catalog::semantic::SemanticModel;

fn plan_of(e: &NlEngine, q: &str) -> NlPlan {
    match e.plan(q, &NlContext::default()) {
        Ok(p) => p,
        Err(err) => panic!("{q}: {err:?}"),
    }
}

/// Asserts the SQL of a question holds every part and none of the `absent` ones.
fn sql_has(e: &NlEngine, q: &str, parts: &[&str], absent: &[&str]) {
    let s = plan_of(e, q).sql;
    for p in parts {
        assert!(s.contains(p), "{q}\n  SQL: {s}\n  missing: {p}");
    }
    for p in absent {
        assert!(!s.contains(p), "{q}\n  SQL: {s}\n  unexpected: {p}");
    }
}

fn clarifies(e: &NlEngine, q: &str) {
    match e.plan(q, &NlContext::default()) {
        Err(NlError::Clarify { .. }) | Err(NlError::Refuse { .. }) => {}
        Ok(p) => panic!("{q}: answered {}", p.sql),
    }
}

fn demo() -> NlEngine {
    NlEngine::new(Arc::new(demo_model()))
}

/// Online-Retail-like invoice lines: no amount column, a customer id some lines lack, no tables to join.
fn lines_engine() -> NlEngine {
    let mut d = col("InvoiceDate", "TIMESTAMP", &[]);
    d.min = Some("2023-01-01".into());
    d.max = Some("2024-12-31".into());
    let mut invoice = col("Invoice", "VARCHAR", &[]);
    invoice.distinct_count = Some(20_000);
    let mut customer = col("Customer ID", "DOUBLE", &[]);
    customer.distinct_count = Some(4_000);
    let lake = LakeSnapshot {
        tables: vec![TableInfo {
            name: "retail_lines".into(),
            columns: vec![
                invoice,
                col("StockCode", "VARCHAR", &["85123A", "71053", "84406B"]),
                col(
                    "Description",
                    "VARCHAR",
                    &["WHITE HANGING HEART T-LIGHT HOLDER", "WHITE METAL LANTERN"],
                ),
                col("Quantity", "BIGINT", &[]),
                d,
                col("Price", "DOUBLE", &[]),
                customer,
                col(
                    "Country",
                    "VARCHAR",
                    &["United Kingdom", "France", "Germany", "Spain"],
                ),
            ],
            row_count: Some(200_000),
        }],
    };
    NlEngine::new(Arc::new(SemanticModel::infer(&lake)))
}

#[test]
fn rankings_leave_out_members_with_no_key() {
    let e = lines_engine();
    sql_has(
        &e,
        "which 5 customers spent the most",
        &["\"Customer ID\" IS NOT NULL", "LIMIT 5"],
        &[],
    );
    sql_has(
        &demo(),
        "top 3 brands by units in 2023",
        &["products.brand IS NOT NULL", "LIMIT 3"],
        &[],
    );
    // A plain breakdown keeps the rows with no key as their own group.
    sql_has(&demo(), "revenue by brand in 2023", &[], &["IS NOT NULL"]);
}

#[test]
fn a_counted_key_can_be_missing_or_grouped() {
    let e = lines_engine();
    sql_has(
        &e,
        "how many invoice rows are without a customer id",
        &["COUNT(*)", "\"Customer ID\" IS NULL"],
        &["COUNT(DISTINCT"],
    );
    sql_has(
        &e,
        "units by customer id for Spain",
        &["GROUP BY retail_lines.\"Customer ID\""],
        &[],
    );
    // "per invoice line" is each line's average, not a ratio per invoice.
    sql_has(
        &e,
        "mean units per invoice line in Germany",
        &["AVG(retail_lines.\"Quantity\")"],
        &["COUNT(DISTINCT"],
    );
}

#[test]
fn outside_and_other_than_leave_a_value_out() {
    let e = lines_engine();
    sql_has(
        &e,
        "number of customers outside France in 2024",
        &["NOT (retail_lines.\"Country\" = 'France')"],
        &[],
    );
    sql_has(
        &demo(),
        "revenue from categories other than Books in 2023",
        &["NOT (products.category = 'Books')"],
        &[],
    );
    sql_has(
        &demo(),
        "units apart from the Online channel",
        &["NOT (sales.channel = 'Online')"],
        &[],
    );
}

#[test]
fn absolute_and_relative_terms_say_how_a_change_is_ranked() {
    let e = demo();
    sql_has(
        &e,
        "which brand grew its units the most between 2022 and 2023 in absolute terms",
        &["AS change", "ORDER BY change DESC"],
        &[],
    );
    sql_has(
        &e,
        "which region increased revenue the most from 2022 to 2023, in relative terms",
        &["ORDER BY growth DESC"],
        &["AS change"],
    );
}

#[test]
fn how_much_asks_for_money_not_a_count_of_the_members_named() {
    let e = demo();
    sql_has(
        &e,
        "how much did the Mall stores make in 2022",
        &["SUM(sales.revenue)", "stores.store_type = 'Mall'"],
        &["COUNT(DISTINCT"],
    );
    sql_has(
        &e,
        "how much did our Platinum customers spend",
        &["SUM(sales.revenue)", "customers.loyalty_tier = 'Platinum'"],
        &["COUNT(DISTINCT"],
    );
    // A count is still a count.
    sql_has(
        &e,
        "how many Mall stores sold Books",
        &["COUNT(DISTINCT sales.store_id)"],
        &[],
    );
}

/// A small star: ticket lines with a Y/N member-card flag, a calendar with a weekend flag, and a promotion
/// table whose names include the no-promotion value.
fn star_engine() -> NlEngine {
    let mut date = col("full_date", "DATE", &[]);
    date.min = Some("2022-01-01".into());
    date.max = Some("2024-12-31".into());
    let mut year = col("calendar_year", "INTEGER", &[]);
    year.min = Some("2022".into());
    year.max = Some("2024".into());
    let lake = LakeSnapshot {
        tables: vec![
            TableInfo {
                name: "fact_tickets".into(),
                columns: vec![
                    col("ticket_no", "VARCHAR", &[]),
                    col("date_key", "INTEGER", &[]),
                    col("promotion_key", "INTEGER", &[]),
                    col("member_card", "VARCHAR", &["Y", "N"]),
                    col("units", "INTEGER", &[]),
                    col("net_amount", "DOUBLE", &[]),
                ],
                row_count: Some(100_000),
            },
            TableInfo {
                name: "dim_date".into(),
                columns: vec![
                    col("date_key", "INTEGER", &[]),
                    date,
                    year,
                    col("is_weekend", "BOOLEAN", &[]),
                    col(
                        "day_name",
                        "VARCHAR",
                        &["Monday", "Tuesday", "Saturday", "Sunday"],
                    ),
                ],
                row_count: Some(1096),
            },
            TableInfo {
                name: "dim_promotion".into(),
                columns: vec![
                    col("promotion_key", "INTEGER", &[]),
                    col(
                        "promotion_name",
                        "VARCHAR",
                        &["No Discount", "Spring Sale", "Clearance"],
                    ),
                ],
                row_count: Some(3),
            },
        ],
    };
    NlEngine::new(Arc::new(SemanticModel::infer(&lake)))
}

#[test]
fn flags_set_against_their_other_side_group_by_the_flag() {
    let e = star_engine();
    for q in [
        "average units per ticket line for member card holders versus non-holders",
        "net amount with and without a member card in 2023",
        "net amount by member card",
        "units for member card or not",
    ] {
        sql_has(&e, q, &["GROUP BY fact_tickets.member_card"], &["= 'Y'"]);
    }
    // Words the data lacks still ask.
    clarifies(&demo(), "revenue by colour");
    clarifies(&e, "net amount by member colour");
    // A flag alone still filters.
    sql_has(
        &e,
        "net amount for member card holders",
        &["member_card = 'Y'"],
        &["GROUP BY"],
    );
    let d = demo();
    sql_has(
        &d,
        "profit on returned vs non-returned lines in 2023",
        &["GROUP BY sales.returned"],
        &["COUNT("],
    );
}

#[test]
fn weekends_against_weekdays_use_the_calendars_own_flag() {
    let e = star_engine();
    for q in [
        "weekend vs weekday net amount in 2024",
        "units on weekends compared to working days",
        "2023 net amount: weekends versus work days",
    ] {
        sql_has(
            &e,
            q,
            &["GROUP BY dim_date.is_weekend"],
            &["isodow", "day_name"],
        );
    }
    // Without such a column the ISO days split them.
    sql_has(
        &demo(),
        "units on weekends versus weekdays in 2023",
        &["CASE WHEN isodow(sales.order_date) IN (6, 7)"],
        &[],
    );
}

#[test]
fn quoted_text_a_column_contains_is_searched_case_insensitively() {
    let e = lines_engine();
    sql_has(
        &e,
        "units from items whose description includes 'hanging'",
        &[
            "\"Description\" ILIKE '%hanging%'",
            "SUM(retail_lines.\"Quantity\")",
        ],
        &["GROUP BY"],
    );
    sql_has(
        &e,
        "which 2 descriptions with \"metal\" in the description sold the most units in 2024",
        &[
            "ILIKE '%metal%'",
            "LIMIT 2",
            "GROUP BY retail_lines.\"Description\"",
        ],
        &[],
    );
    let d = demo();
    sql_has(
        &d,
        "revenue from customers whose name contains 'Ltd' last year",
        &["customers.customer_name ILIKE '%Ltd%'"],
        &["GROUP BY"],
    );
    sql_has(
        &d,
        "list the products whose name mentions \u{201c}t-shirt\u{201d}",
        &["ILIKE '%t-shirt%'"],
        &[],
    );
    // A quoted known value stays an equality; quoted unknown text with no attribute to search asks.
    sql_has(
        &d,
        "units sold in 'Books' in 2023",
        &["products.category = 'Books'"],
        &["ILIKE"],
    );
    clarifies(&d, "revenue containing 'zzz'");
    // Whatever is quoted, only letters, digits, spaces and hyphens reach the SQL, as one literal.
    let s = plan_of(
        &d,
        "revenue of products whose name contains 'a%b_c\\' or 1=1'",
    )
    .sql;
    assert!(
        s.contains("ILIKE '%a%b c or 1%1%'") && !s.contains("share"),
        "{s}"
    );
    let s = plan_of(&d, "units of products whose name contains 'Home & Garden'").sql;
    assert!(s.contains("ILIKE '%Home%Garden%'"), "{s}");
}

#[test]
fn asides_restate_include_or_define_what_the_question_asks() {
    let e = star_engine();
    // "including X" keeps X among the groups instead of picking it out.
    sql_has(
        &e,
        "net amount per promotion name in 2023, including No Discount",
        &["GROUP BY dim_promotion.promotion_name"],
        &["= 'No Discount'"],
    );
    // Words after "i.e." or "that is" say what the flag before them means.
    let d = demo();
    let p = plan_of(
        &d,
        "what share of revenue came from returned orders, that is, any payment method other than Cash?",
    );
    assert!(
        p.sql
            .contains("FILTER (WHERE NOT (sales.payment_method = 'Cash'))")
            && !p.sql.contains("returned"),
        "{}",
        p.sql
    );
    // A definition that is the data's own is read as a confirmation, and noted.
    let p = plan_of(
        &d,
        "profit for each region in 2023. Profit is revenue minus cost",
    );
    assert!(p.sql.contains("GROUP BY sales.region"), "{}", p.sql);
    assert!(
        p.notes
            .iter()
            .any(|n| n.contains("profit = revenue minus cost")),
        "{:?}",
        p.notes
    );
    // Another definition than the data's is said, not silently replaced.
    clarifies(&d, "profit by region, where profit = revenue plus cost");
    // "by continent and calendar year": the calendar's year groups too.
    sql_has(
        &d,
        "break units down by channel and calendar year",
        &["GROUP BY sales.channel, sales.year"],
        &[],
    );
}

#[test]
fn a_year_or_a_corrected_typo_alone_is_no_reading() {
    let d = demo();
    // Only a year was read, and the words that matter were not: no default-measure guess.
    clarifies(&d, "Who won the 2018 FIFA World Cup?");
    // Only a typo correction was read ("mount" → "amount"; "life" → "line").
    clarifies(&d, "how tall is mount everest");
    clarifies(&d, "what is the meaning of life");
    // Typos in words that do carry the question still read.
    sql_has(&d, "unts by month in 2024", &["SUM(sales.quantity)"], &[]);
    sql_has(
        &d,
        "ordr count by regin",
        &["COUNT(DISTINCT sales.order_id)", "GROUP BY sales.region"],
        &[],
    );
}

#[test]
fn rankings_within_each_group_keep_n_per_group() {
    let d = demo();
    let within = "QUALIFY ROW_NUMBER() OVER (PARTITION BY products.category ORDER BY SUM(sales.revenue) DESC, products.brand ASC) <= 1";
    sql_has(
        &d,
        "top brand in each category by revenue in 2024",
        &[within],
        &["LIMIT"],
    );
    sql_has(
        &d,
        "For each category, which brand had the highest revenue in 2024, and how much?",
        &[within],
        &["LIMIT"],
    );
    sql_has(
        &d,
        "top 2 stores per region by revenue",
        &[
            "PARTITION BY sales.region",
            "<= 2",
            "ORDER BY region ASC, revenue DESC",
        ],
        &["LIMIT"],
    );
    // Without "each"/"per" a ranking of pairs stays one list.
    sql_has(
        &d,
        "top 3 categories and brands by revenue",
        &["LIMIT 3"],
        &["QUALIFY"],
    );
}

#[test]
fn a_state_of_the_counted_things_is_a_rate_within_each_group() {
    let d = demo();
    // "that were returned" names what the orders were: their share inside each region.
    let p = plan_of(&d, "what share of orders were returned by region");
    assert!(
        p.sql
            .contains("FILTER (WHERE sales.returned) / COUNT(DISTINCT sales.order_id) AS share")
            && p.sql.contains("GROUP BY sales.region"),
        "{}",
        p.sql
    );
    let p = plan_of(
        &d,
        "share of order lines with payment method Cash per channel",
    );
    assert!(
        p.sql
            .contains("FILTER (WHERE sales.payment_method = 'Cash')")
            && !p.sql.contains("OVER ()"),
        "{}",
        p.sql
    );
    // A value that only narrows the total keeps the share of the total across the groups.
    sql_has(
        &d,
        "share of Electronics revenue by region",
        &["WHERE products.category = 'Electronics'", "OVER ()"],
        &["FILTER"],
    );
}

#[test]
fn spelled_out_counts_bound_and_calendar_years_filter() {
    let d = demo();
    sql_has(
        &d,
        "stores with more than two hundred orders",
        &["HAVING COUNT(DISTINCT sales.order_id) > 200"],
        &[],
    );
    // "at least one order" says the customers bought, not a ranking of the lowest; "calendar year 2024" is
    // the year, not a grouping.
    sql_has(
        &d,
        "number of distinct customers who placed at least one order during calendar year 2024",
        &["COUNT(DISTINCT sales.customer_id)", "sales.year = 2024"],
        &["LIMIT", "GROUP BY"],
    );
    // "at least one returned item" keeps its share reading.
    sql_has(
        &d,
        "what percentage of 2024 orders had at least one returned item?",
        &["FILTER (WHERE sales.returned)"],
        &["HAVING"],
    );
    sql_has(&d, "revenue by year 2022 vs 2023", &["sales.year"], &[]);
}

#[test]
fn who_did_it_filters_and_active_members_are_those_with_sales() {
    // Who bought filters; "by" the flag alone splits by it.
    let e = star_engine();
    sql_has(
        &e,
        "net amount from tickets bought by member card holders in 2023",
        &["fact_tickets.member_card = 'Y'"],
        &["GROUP BY"],
    );
    sql_has(
        &e,
        "net amount by member card",
        &["GROUP BY fact_tickets.member_card"],
        &[],
    );
    let d = demo();
    sql_has(
        &d,
        "how many active customers did we have in each region in 2024",
        &["COUNT(DISTINCT sales.customer_id)", "GROUP BY sales.region"],
        &[],
    );
    clarifies(&d, "how many new customers did we have in 2024");
}

#[test]
fn an_entity_s_own_figure_is_averaged_over_its_rows() {
    let mut day = col("order_date", "DATE", &[]);
    day.min = Some("2023-01-01".into());
    day.max = Some("2024-12-31".into());
    let mut key = col("product_id", "INTEGER", &[]);
    key.distinct_count = Some(500);
    let lake = LakeSnapshot {
        tables: vec![
            TableInfo {
                name: "order_items".into(),
                columns: vec![
                    col("order_id", "INTEGER", &[]),
                    col("product_id", "INTEGER", &[]),
                    day,
                    col("quantity", "INTEGER", &[]),
                    col("line_total", "DOUBLE", &[]),
                ],
                row_count: Some(100_000),
            },
            TableInfo {
                name: "products".into(),
                columns: vec![
                    key,
                    col("product_name", "VARCHAR", &[]),
                    col("department", "VARCHAR", &["Garden", "Kitchen"]),
                    col("list_price", "DOUBLE", &[]),
                ],
                row_count: Some(500),
            },
        ],
    };
    let e = NlEngine::new(Arc::new(SemanticModel::infer(&lake)));
    sql_has(
        &e,
        "average list price of products by department",
        &[
            "AVG(products.list_price)",
            "FROM products GROUP BY products.department",
        ],
        &["order_items"],
    );
    // The lines' own figures still come from the lines.
    sql_has(
        &e,
        "line total by department",
        &["SUM(order_items.line_total)"],
        &[],
    );
}

#[test]
fn alphabetical_order_sorts_by_the_keys() {
    let d = demo();
    let p = plan_of(
        &d,
        "orders per region last month, regions in alphabetical order",
    );
    assert!(p.sql.ends_with("ORDER BY region ASC"), "{}", p.sql);
    assert!(
        p.notes.iter().any(|n| n.contains("alphabetical order"))
            || p.interpretation.contains("alphabetical order"),
        "{:?} {}",
        p.notes,
        p.interpretation
    );
    sql_has(&d, "revenue by category", &["ORDER BY revenue DESC"], &[]);
}

#[test]
fn an_unread_question_is_no_follow_up() {
    let d = demo();
    let first = plan_of(&d, "top 2 products in each region by revenue in 2024");
    let ctx = NlContext {
        previous: Some(first.intent.clone()),
        ..Default::default()
    };
    assert!(
        d.plan("Who won the 2018 FIFA World Cup?", &ctx).is_err(),
        "answered as a follow-up"
    );
    // A real follow-up still amends.
    let p = d.plan("and in 2023?", &ctx).expect("follow-up");
    assert!(p.sql.contains("sales.year = 2023"), "{}", p.sql);
}
