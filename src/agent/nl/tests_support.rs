//! Test fixtures: the shipped demo catalog enriched with a synthetic lake snapshot (values and ranges
//! like the demo generator's), so unit tests run without data files.

use crate::catalog::schema::{ColumnInfo, LakeSnapshot, TableInfo};
use crate::catalog::semantic::SemanticModel;

/// A column with its known values (and their count) as discovery would report them.
pub(crate) fn col(name: &str, ty: &str, values: &[&str]) -> ColumnInfo {
    ColumnInfo {
        name: name.into(),
        data_type: ty.into(),
        distinct_count: (!values.is_empty()).then_some(values.len() as u64),
        sample_values: values.iter().map(|s| s.to_string()).collect(),
        ..Default::default()
    }
}

/// A lake snapshot shaped like the demo lake.
pub fn demo_lake() -> LakeSnapshot {
    let regions = ["NORTH", "SOUTH", "EAST", "WEST"];
    let mut order_date = col("order_date", "DATE", &[]);
    order_date.min = Some("2022-01-01".into());
    order_date.max = Some("2024-12-31".into());
    LakeSnapshot {
        tables: vec![
            TableInfo {
                name: "sales".into(),
                columns: vec![
                    col("order_id", "BIGINT", &[]),
                    order_date,
                    col("customer_id", "BIGINT", &[]),
                    col("product_id", "INTEGER", &[]),
                    col("store_id", "INTEGER", &[]),
                    col("channel", "VARCHAR", &["Online", "Store", "Mobile"]),
                    col("quantity", "INTEGER", &[]),
                    col("unit_price", "DECIMAL(10,2)", &[]),
                    col("discount", "DECIMAL(4,2)", &[]),
                    col("revenue", "DECIMAL(12,2)", &[]),
                    col("cost", "DECIMAL(12,2)", &[]),
                    col("returned", "BOOLEAN", &[]),
                    col("payment_method", "VARCHAR", &["Card", "Cash", "Wallet"]),
                    col("year", "BIGINT", &[]),
                    col("month", "BIGINT", &[]),
                    col("region", "VARCHAR", &regions),
                ],
                row_count: Some(1_000_000),
            },
            TableInfo {
                name: "products".into(),
                columns: vec![
                    col("product_id", "INTEGER", &[]),
                    col("product_name", "VARCHAR", &[]),
                    col(
                        "category",
                        "VARCHAR",
                        &[
                            "Electronics",
                            "Apparel",
                            "Home & Kitchen",
                            "Grocery",
                            "Beauty",
                            "Sports & Outdoors",
                            "Toys",
                            "Books",
                        ],
                    ),
                    col(
                        "subcategory",
                        "VARCHAR",
                        &["Laptops", "Phones", "Audio", "Shoes", "Skincare"],
                    ),
                    col("brand", "VARCHAR", &["Brand A", "Brand B", "Brand C"]),
                    col("unit_cost", "DECIMAL(10,2)", &[]),
                    col("list_price", "DECIMAL(10,2)", &[]),
                ],
                row_count: Some(200),
            },
            TableInfo {
                name: "stores".into(),
                columns: vec![
                    col("store_id", "INTEGER", &[]),
                    col("store_name", "VARCHAR", &[]),
                    col("city", "VARCHAR", &["Springfield", "Riverton"]),
                    col("state", "VARCHAR", &["CA", "NY"]),
                    col("region", "VARCHAR", &regions),
                    col(
                        "store_type",
                        "VARCHAR",
                        &["Flagship", "Mall", "Outlet", "Online"],
                    ),
                ],
                row_count: Some(40),
            },
            TableInfo {
                name: "customers".into(),
                columns: vec![
                    col("customer_id", "BIGINT", &[]),
                    col("customer_name", "VARCHAR", &[]),
                    col(
                        "segment",
                        "VARCHAR",
                        &["Consumer", "Corporate", "Small Business"],
                    ),
                    col("city", "VARCHAR", &[]),
                    col("state", "VARCHAR", &[]),
                    col("region", "VARCHAR", &regions),
                    col("signup_date", "DATE", &[]),
                    col(
                        "loyalty_tier",
                        "VARCHAR",
                        &["Bronze", "Silver", "Gold", "Platinum"],
                    ),
                ],
                row_count: Some(50_000),
            },
        ],
    }
}

/// The shipped demo catalog, enriched with [`demo_lake`].
pub fn demo_model() -> SemanticModel {
    let text = include_str!("../../../catalog/retail_demo.yaml");
    let mut m = match SemanticModel::from_yaml_str(text) {
        Ok(m) => m,
        Err(e) => panic!("demo catalog: {e}"),
    };
    m.enrich(&demo_lake());
    m
}
