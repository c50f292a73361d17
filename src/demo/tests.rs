//! Tests of the demo-lake generator: generate a small lake into a temp dir and check it with DuckDB
//! against the spec (schema, layout, arithmetic, business shape, anomaly, referential integrity).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

use duckdb::Connection;

use super::*;

const ROWS: u64 = 30_000;

fn temp_dir(tag: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let n = N.fetch_add(1, Ordering::SeqCst);
    std::env::temp_dir().join(format!(
        "ri-demo-test-{}-{tag}-{n}/lake",
        std::process::id()
    ))
}

/// One shared lake for the read-only checks.
fn lake() -> &'static Path {
    static LAKE: OnceLock<PathBuf> = OnceLock::new();
    LAKE.get_or_init(|| {
        let out = temp_dir("shared");
        let opts = DemoOptions {
            out: out.clone(),
            rows: ROWS,
            seed: 42,
            progress: false,
        };
        assert!(!is_complete(&out));
        let report = generate(&opts).expect("generate");
        assert_eq!(report.rows, ROWS);
        assert_eq!(report.files, 144 + 3);
        out
    })
}

fn conn(dir: &Path) -> Connection {
    let c = Connection::open_in_memory().expect("duckdb");
    let d = dir.display();
    c.execute_batch(&format!(
        "CREATE VIEW sales AS SELECT * EXCLUDE (year, month, region), year, month, region FROM read_parquet('{d}/sales/**/*.parquet', hive_partitioning=true, hive_types={SALES_HIVE_TYPES});
         CREATE VIEW products AS SELECT * FROM read_parquet('{d}/products.parquet');
         CREATE VIEW stores AS SELECT * FROM read_parquet('{d}/stores.parquet');
         CREATE VIEW customers AS SELECT * FROM read_parquet('{d}/customers.parquet');"
    ))
    .expect("views");
    c
}

fn int(c: &Connection, sql: &str) -> i64 {
    c.query_row(sql, [], |r| r.get::<_, i64>(0))
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

fn float(c: &Connection, sql: &str) -> f64 {
    c.query_row(sql, [], |r| r.get::<_, f64>(0))
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

fn describe(c: &Connection, table: &str) -> Vec<(String, String)> {
    let mut st = c
        .prepare(&format!(
            "SELECT column_name, column_type FROM (DESCRIBE {table})"
        ))
        .expect("describe");
    st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("collect")
}

fn cols(spec: &[(&str, &str)]) -> Vec<(String, String)> {
    spec.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn row_count_and_marker() {
    let dir = lake();
    assert!(is_complete(dir));
    let c = conn(dir);
    assert_eq!(int(&c, "SELECT count(*) FROM sales"), ROWS as i64);
    // No temp or old directories are left beside the lake.
    let parent = dir.parent().expect("parent");
    let names: Vec<_> = std::fs::read_dir(parent)
        .expect("read_dir")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
}

#[test]
fn schemas() {
    let c = conn(lake());
    assert_eq!(
        describe(&c, "sales"),
        cols(&[
            ("order_id", "BIGINT"),
            ("order_date", "DATE"),
            ("customer_id", "BIGINT"),
            ("product_id", "INTEGER"),
            ("store_id", "INTEGER"),
            ("channel", "VARCHAR"),
            ("quantity", "INTEGER"),
            ("unit_price", "DECIMAL(10,2)"),
            ("discount", "DECIMAL(4,2)"),
            ("revenue", "DECIMAL(12,2)"),
            ("cost", "DECIMAL(12,2)"),
            ("returned", "BOOLEAN"),
            ("payment_method", "VARCHAR"),
            ("year", "INTEGER"),
            ("month", "INTEGER"),
            ("region", "VARCHAR"),
        ])
    );
    assert_eq!(
        describe(&c, "products"),
        cols(&[
            ("product_id", "INTEGER"),
            ("product_name", "VARCHAR"),
            ("category", "VARCHAR"),
            ("subcategory", "VARCHAR"),
            ("brand", "VARCHAR"),
            ("unit_cost", "DECIMAL(10,2)"),
            ("list_price", "DECIMAL(10,2)"),
        ])
    );
    assert_eq!(
        describe(&c, "stores"),
        cols(&[
            ("store_id", "INTEGER"),
            ("store_name", "VARCHAR"),
            ("city", "VARCHAR"),
            ("state", "VARCHAR"),
            ("region", "VARCHAR"),
            ("store_type", "VARCHAR"),
        ])
    );
    assert_eq!(
        describe(&c, "customers"),
        cols(&[
            ("customer_id", "BIGINT"),
            ("customer_name", "VARCHAR"),
            ("segment", "VARCHAR"),
            ("city", "VARCHAR"),
            ("state", "VARCHAR"),
            ("region", "VARCHAR"),
            ("signup_date", "DATE"),
            ("loyalty_tier", "VARCHAR"),
        ])
    );
    // Zero-padded months are not autocast by DuckDB, hence SALES_HIVE_TYPES.
    let d = lake().display();
    let auto = c
        .query_row(
            &format!("SELECT typeof(month) FROM read_parquet('{d}/sales/**/*.parquet', hive_partitioning=true) LIMIT 1"),
            [],
            |r| r.get::<_, String>(0),
        )
        .expect("autocast");
    assert_eq!(auto, "VARCHAR");
    assert_eq!(
        int(
            &c,
            "SELECT min(month) FROM sales WHERE order_date = DATE '2023-03-15'"
        ),
        3
    );
    // The partition columns live only in directory names.
    let file = lake().join("sales/year=2022/month=01/region=NORTH/data_0.parquet");
    let n = int(
        &c,
        &format!(
            "SELECT count(*) FROM (DESCRIBE SELECT * FROM read_parquet('{}', hive_partitioning=false))",
            file.display()
        ),
    );
    assert_eq!(n, 13);
}

#[test]
fn layout_and_partitions() {
    let dir = lake();
    assert!(dir.join("sales/year=2023/month=03/region=EAST").is_dir());
    assert!(!dir.join("sales/year=2023/month=3").exists());
    let c = conn(dir);
    assert_eq!(
        int(&c, "SELECT count(*) FROM sales WHERE month = 3 AND year = 2023"),
        int(&c, "SELECT count(*) FROM sales WHERE order_date BETWEEN DATE '2023-03-01' AND DATE '2023-03-31'")
    );
    assert_eq!(
        int(&c, "SELECT count(*) FROM sales WHERE year(order_date) <> year OR month(order_date) <> month"),
        0
    );
    assert_eq!(
        int(
            &c,
            "SELECT count(DISTINCT (year, month, region)) FROM sales"
        ),
        144
    );
    assert_eq!(
        int(&c, "SELECT count(*) FROM sales WHERE order_date < DATE '2022-01-01' OR order_date > DATE '2024-12-31'"),
        0
    );
}

#[test]
fn values_and_arithmetic() {
    let c = conn(lake());
    assert_eq!(
        int(&c, "SELECT count(*) FROM sales WHERE abs(revenue - round(quantity * unit_price * (1 - discount), 2)) > 0.01"),
        0
    );
    assert_eq!(
        int(
            &c,
            "SELECT count(*) FROM sales WHERE discount < 0 OR discount > 0.5"
        ),
        0
    );
    let zero = float(&c, "SELECT avg((discount = 0)::INTEGER) FROM sales");
    assert!((0.5..0.85).contains(&zero), "share without discount {zero}");
    assert!(int(&c, "SELECT count(*) FROM sales WHERE discount > 0.3") > 0);
    assert_eq!(
        int(&c, "SELECT count(*) FROM sales s JOIN products p USING (product_id) WHERE s.cost <> s.quantity * p.unit_cost"),
        0
    );
    assert_eq!(
        int(&c, "SELECT count(*) FROM sales WHERE channel NOT IN ('Online','Store','Mobile') OR payment_method NOT IN ('Card','Cash','Wallet') OR quantity < 1"),
        0
    );
    let returned = float(&c, "SELECT avg(returned::INTEGER) FROM sales");
    assert!((0.03..0.08).contains(&returned), "return rate {returned}");
    let lines = float(&c, "SELECT count(*) / count(DISTINCT order_id) FROM sales");
    assert!((2.2..2.8).contains(&lines), "lines per order {lines}");
    // Lines of one order agree on the order-level attributes.
    assert_eq!(
        int(&c, "SELECT count(*) FROM (SELECT order_id FROM sales GROUP BY order_id HAVING count(DISTINCT (order_date, customer_id, store_id, channel, payment_method, region)) > 1)"),
        0
    );
}

#[test]
fn business_shape() {
    let c = conn(lake());
    for year in 2022..=2024 {
        let avg = float(
            &c,
            &format!("SELECT sum(revenue)::DOUBLE / 12 FROM sales WHERE year = {year}"),
        );
        for month in [11, 12] {
            let m = float(
                &c,
                &format!("SELECT sum(revenue)::DOUBLE FROM sales WHERE year = {year} AND month = {month}"),
            );
            assert!(m > avg, "{year}-{month}: {m} <= {avg}");
        }
    }
    let y: Vec<f64> = (2022..=2024)
        .map(|y| {
            float(
                &c,
                &format!("SELECT sum(revenue)::DOUBLE FROM sales WHERE year = {y}"),
            )
        })
        .collect();
    assert!(y[2] > y[1] && y[1] > y[0], "{y:?}");
    let growth = y[2] / y[1] - 1.0;
    assert!((0.05..0.30).contains(&growth), "growth {growth}");
    // Categories and regions differ clearly.
    let spread = float(
        &c,
        "SELECT max(r) / min(r) FROM (SELECT sum(revenue)::DOUBLE AS r FROM sales JOIN products USING (product_id) GROUP BY category)",
    );
    assert!(spread > 3.0, "category spread {spread}");
    let spread = float(
        &c,
        "SELECT max(r) / min(r) FROM (SELECT sum(revenue)::DOUBLE AS r FROM sales GROUP BY region)",
    );
    assert!(spread > 1.3, "region spread {spread}");
}

#[test]
fn anomaly() {
    let c = conn(lake());
    let rev = |m: u32| {
        float(
            &c,
            &format!("SELECT sum(revenue)::DOUBLE FROM sales WHERE region = 'WEST' AND year = 2023 AND month = {m}"),
        )
    };
    let (jul, aug, sep) = (rev(7), rev(8), rev(9));
    assert!(
        aug < 0.6 * (jul + sep) / 2.0,
        "jul {jul} aug {aug} sep {sep}"
    );
    // Other regions are normal that month.
    let east = |m: u32| {
        float(
            &c,
            &format!("SELECT sum(revenue)::DOUBLE FROM sales WHERE region = 'EAST' AND year = 2023 AND month = {m}"),
        )
    };
    assert!(east(8) > 0.8 * east(7));
}

#[test]
fn dimensions_and_integrity() {
    let c = conn(lake());
    assert_eq!(int(&c, "SELECT count(DISTINCT category) FROM products"), 8);
    assert_eq!(
        int(&c, "SELECT count(*) FROM (SELECT category FROM products GROUP BY category HAVING count(DISTINCT subcategory) = 3)"),
        8
    );
    assert_eq!(
        int(&c, "SELECT count(DISTINCT subcategory) FROM products"),
        24
    );
    let n = int(&c, "SELECT count(*) FROM products");
    assert!((200..=400).contains(&n));
    assert_eq!(
        int(&c, "SELECT count(DISTINCT product_name) FROM products"),
        n
    );
    assert_eq!(
        int(
            &c,
            "SELECT count(*) FROM products WHERE unit_cost >= list_price OR unit_cost <= 0"
        ),
        0
    );
    assert_eq!(int(&c, "SELECT count(*) FROM stores"), 40);
    assert_eq!(
        int(&c, "SELECT count(*) FROM (SELECT region FROM stores GROUP BY region HAVING count(*) >= 5 AND count(*) FILTER (store_type = 'Online') = 1)"),
        4
    );
    assert_eq!(
        int(&c, "SELECT count(*) FROM customers"),
        super::dims::customer_count(ROWS) as i64
    );
    assert_eq!(
        int(
            &c,
            "SELECT count(*) FROM sales WHERE product_id NOT IN (SELECT product_id FROM products)"
        ),
        0
    );
    assert_eq!(
        int(&c, "SELECT count(*) FROM sales s LEFT JOIN stores t USING (store_id) WHERE t.region IS DISTINCT FROM s.region"),
        0
    );
    assert_eq!(
        int(&c, "SELECT count(*) FROM sales s LEFT JOIN stores t USING (store_id) WHERE (s.channel = 'Store') <> (t.store_type <> 'Online')"),
        0
    );
    assert_eq!(
        int(&c, "SELECT count(*) FROM sales s LEFT JOIN customers k USING (customer_id) WHERE k.region IS DISTINCT FROM s.region"),
        0
    );
}

fn fingerprint(dir: &Path) -> i64 {
    let c = conn(dir);
    int(
        &c,
        "SELECT (sum(hash(s)) % 1000000007)::BIGINT FROM sales s",
    ) + int(
        &c,
        "SELECT (sum(hash(p) % 1000) + (SELECT sum(hash(k) % 1000) FROM customers k))::BIGINT FROM products p",
    )
}

#[test]
fn deterministic_per_seed() {
    let gen = |seed: u64| {
        let out = temp_dir("det");
        let opts = DemoOptions {
            out: out.clone(),
            rows: 5_000,
            seed,
            progress: false,
        };
        generate(&opts).expect("generate");
        out
    };
    let (a, b, other) = (gen(7), gen(7), gen(8));
    assert_eq!(fingerprint(&a), fingerprint(&b));
    assert_ne!(fingerprint(&a), fingerprint(&other));
    let file = "sales/year=2024/month=12/region=EAST/data_0.parquet";
    let bytes = |d: &Path, f: &str| std::fs::read(d.join(f)).expect("read");
    assert_eq!(bytes(&a, file), bytes(&b, file));
    assert_eq!(
        bytes(&a, "customers.parquet"),
        bytes(&b, "customers.parquet")
    );
    for d in [a, b, other] {
        let _ = std::fs::remove_dir_all(d.parent().expect("parent"));
    }
}

#[test]
fn regenerate_replaces_and_rejects_zero_rows() {
    let out = temp_dir("regen");
    let mut opts = DemoOptions {
        out: out.clone(),
        rows: 1_000,
        seed: 1,
        progress: false,
    };
    assert!(!is_complete(&out));
    generate(&opts).expect("first");
    assert!(is_complete(&out));
    opts.rows = 2_000;
    generate(&opts).expect("second");
    assert!(is_complete(&out));
    let c = conn(&out);
    assert_eq!(int(&c, "SELECT count(*) FROM sales"), 2_000);
    opts.rows = 0;
    assert!(matches!(generate(&opts), Err(DemoError::InvalidOptions(_))));
    let _ = std::fs::remove_dir_all(out.parent().expect("parent"));
}

#[test]
fn defaults() {
    let d = DemoOptions::default();
    assert_eq!(d.rows, 1_000_000);
    assert_eq!(d.seed, 42);
    assert!(!d.progress);
    assert_eq!(d.out, PathBuf::from("data/demo"));
}

/// Manual timing run: `DEMO_ROWS=10000000 DEMO_OUT=/tmp/lake cargo test --release --lib demo::tests::timing -- --ignored --nocapture`.
#[test]
#[ignore]
fn timing() {
    let rows = std::env::var("DEMO_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let out = std::env::var("DEMO_OUT")
        .map(PathBuf::from)
        .unwrap_or_else(|_| temp_dir("timing"));
    let report = generate(&DemoOptions {
        out: out.clone(),
        rows,
        seed: 42,
        progress: true,
    })
    .expect("generate");
    eprintln!("{report:?} -> {}", out.display());
}
