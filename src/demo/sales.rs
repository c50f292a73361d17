//! The sales fact table: how many lines each (year, month, region) partition gets, and the DuckDB
//! `COPY (SELECT ... FROM range(..)) TO parquet` statement that streams one partition to disk with
//! every column derived from `hash()` of the line/order index and the seed.

use std::path::PathBuf;

use chrono::{Datelike, NaiveDate, Weekday};

use super::dims::{Store, PICK_SLOTS, REGIONS};
use super::ANOMALY;

/// First and last year of sales.
pub(crate) const FIRST_YEAR: i32 = 2022;
pub(crate) const LAST_YEAR: i32 = 2024;

/// Relative volume by calendar month: November/December peak, January/February trough.
const SEASON: [f64; 12] = [
    0.84, 0.80, 0.91, 0.93, 0.97, 0.95, 0.98, 1.00, 0.94, 1.00, 1.28, 1.48,
];
/// Relative size of each region (order of [`REGIONS`]).
const REGION_BASE: [f64; 4] = [0.80, 1.05, 1.30, 0.95];
/// Yearly volume growth of each region.
const REGION_GROWTH: [f64; 4] = [1.08, 1.12, 1.10, 1.16];
/// Volume factor of the planted anomaly partition.
const ANOMALY_FACTOR: f64 = 0.40;

/// Lines per order repeat in blocks of 16 orders / 40 lines (average 2.5 lines per order).
const ORDER_PATTERN: [u64; 16] = [1, 3, 2, 5, 1, 2, 4, 3, 1, 2, 2, 4, 3, 1, 3, 3];
const BLOCK_LINES: u64 = 40;
const BLOCK_ORDERS: u64 = 16;
/// Resolution of the order-index → day-of-month mapping.
const DAY_SLOTS: usize = 1000;
/// Order ids start here.
const FIRST_ORDER_ID: u64 = 1_000_001;

/// One hive partition of the sales table and the slice of line and order ids it owns.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Partition {
    pub year: i32,
    pub month: u32,
    pub region_idx: usize,
    /// Sales lines in this partition.
    pub rows: u64,
    /// Global index of its first line.
    pub row0: u64,
    /// Its first order id; its orders are `order0 .. order0 + orders`.
    pub order0: u64,
    pub orders: u64,
}

impl Partition {
    /// Directory of this partition relative to the lake root.
    pub fn rel_dir(&self) -> PathBuf {
        PathBuf::from("sales")
            .join(format!("year={}", self.year))
            .join(format!("month={:02}", self.month))
            .join(format!("region={}", REGIONS[self.region_idx]))
    }
}

/// Offset of the order of each line within its 40-line block.
fn block_offsets() -> Vec<u64> {
    ORDER_PATTERN
        .iter()
        .enumerate()
        .flat_map(|(o, &n)| std::iter::repeat_n(o as u64, n as usize))
        .collect()
}

/// Orders needed for `rows` lines laid out by [`ORDER_PATTERN`].
fn orders_for(rows: u64) -> u64 {
    if rows == 0 {
        return 0;
    }
    let last = rows - 1;
    let offs = block_offsets();
    (last / BLOCK_LINES) * BLOCK_ORDERS + offs[(last % BLOCK_LINES) as usize] + 1
}

fn weight(year: i32, month: u32, region_idx: usize) -> f64 {
    let t = f64::from((year - FIRST_YEAR) * 12) + f64::from(month - 1);
    let mut w = REGION_BASE[region_idx]
        * REGION_GROWTH[region_idx].powf(t / 12.0)
        * SEASON[(month - 1) as usize];
    if (year, month, REGIONS[region_idx]) == ANOMALY {
        w *= ANOMALY_FACTOR;
    }
    w
}

/// Splits `rows` over all partitions by weight (largest remainder, so the total is exact).
pub(crate) fn plan(rows: u64) -> Vec<Partition> {
    let mut parts = Vec::new();
    for year in FIRST_YEAR..=LAST_YEAR {
        for month in 1..=12u32 {
            for region_idx in 0..REGIONS.len() {
                parts.push((year, month, region_idx, weight(year, month, region_idx)));
            }
        }
    }
    let total: f64 = parts.iter().map(|p| p.3).sum();
    let mut counts: Vec<(u64, f64)> = parts
        .iter()
        .map(|p| {
            let exact = p.3 / total * rows as f64;
            let whole = exact.floor();
            (whole as u64, exact - whole)
        })
        .collect();
    let used: u64 = counts.iter().map(|c| c.0).sum();
    let mut order: Vec<usize> = (0..counts.len()).collect();
    order.sort_by(|&a, &b| counts[b].1.total_cmp(&counts[a].1).then(a.cmp(&b)));
    let missing = rows.saturating_sub(used) as usize;
    for &i in order.iter().cycle().take(missing) {
        counts[i].0 += 1;
    }

    let mut row0 = 0;
    let mut order0 = FIRST_ORDER_ID;
    parts
        .iter()
        .zip(&counts)
        .map(|(&(year, month, region_idx, _), &(n, _))| {
            let orders = orders_for(n);
            let p = Partition {
                year,
                month,
                region_idx,
                rows: n,
                row0,
                order0,
                orders,
            };
            row0 += n;
            order0 += orders;
            p
        })
        .collect()
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

/// Relative order volume of one calendar day: weekends are busier, Black Friday and Cyber Monday
/// spike, December builds up to Christmas, Christmas Day itself is quiet.
fn day_weight(date: NaiveDate) -> f64 {
    let mut w = match date.weekday() {
        Weekday::Mon => 0.90,
        Weekday::Tue => 0.88,
        Weekday::Wed => 0.92,
        Weekday::Thu => 0.97,
        Weekday::Fri => 1.10,
        Weekday::Sat => 1.25,
        Weekday::Sun => 1.05,
    };
    let (month, day) = (date.month(), date.day());
    if month == 11 && date.weekday() == Weekday::Fri && (23..=29).contains(&day) {
        w *= 3.0; // Black Friday
    }
    if month == 11 && date.weekday() == Weekday::Mon && (26..=30).contains(&day) {
        w *= 2.2; // Cyber Monday
    }
    if month == 12 && date.weekday() == Weekday::Mon && day <= 2 {
        w *= 2.2; // Cyber Monday falling in December
    }
    if month == 12 {
        w *= match day {
            1..=23 => 0.8 + 0.03 * f64::from(day),
            24 => 1.3,
            25 => 0.3,
            26 => 1.6,
            _ => 0.9,
        };
    }
    w
}

/// Slots that map the order index of a partition onto its day of month (0-based offsets), in
/// proportion to [`day_weight`]; non-decreasing, so order ids follow dates.
fn day_slots(year: i32, month: u32) -> Vec<u64> {
    let days = days_in_month(year, month);
    let weights: Vec<f64> = (1..=days)
        .map(|d| NaiveDate::from_ymd_opt(year, month, d).map_or(1.0, day_weight))
        .collect();
    let total: f64 = weights.iter().sum();
    let mut slots = Vec::with_capacity(DAY_SLOTS);
    let mut acc = 0.0;
    for (d, w) in weights.iter().enumerate() {
        acc += w;
        let end = ((acc / total) * DAY_SLOTS as f64).round() as usize;
        while slots.len() < end.min(DAY_SLOTS) {
            slots.push(d as u64);
        }
    }
    while slots.len() < DAY_SLOTS {
        slots.push(u64::from(days - 1));
    }
    slots
}

fn int_list(items: impl IntoIterator<Item = u64>) -> String {
    let v: Vec<String> = items.into_iter().map(|i| i.to_string()).collect();
    format!("[{}]", v.join(","))
}

/// The `COPY` statement writing partition `p` to `path` (an SQL string literal).
pub(crate) fn copy_sql(
    p: &Partition,
    stores: &[Store],
    customers: u64,
    seed: u64,
    path: &str,
) -> String {
    let r = p.region_idx;
    let yi = (p.year - FIRST_YEAR) as usize;
    let s = format!("{seed}::UBIGINT");
    // Physical stores of the region, repeated by size (Flagship 4, Mall 3, Outlet 2).
    let physical: Vec<u64> = stores
        .iter()
        .filter(|st| st.region_idx == r && st.store_type != "Online")
        .flat_map(|st| {
            let n = match st.store_type {
                "Flagship" => 4,
                "Mall" => 3,
                _ => 2,
            };
            std::iter::repeat_n(st.id as u64, n)
        })
        .collect();
    let online = stores
        .iter()
        .find(|st| st.region_idx == r && st.store_type == "Online")
        .map_or(0, |st| st.id);
    // Channel mix drifts from stores to online/mobile.
    let store_pct = [58, 54, 50][yi.min(2)];
    let online_pct = [30, 31, 32][yi.min(2)];
    let inflation = ["1.00", "1.03", "1.05"][yi.min(2)];
    // Per-mille of lines without discount: more promotions in Nov/Dec, January and July sales.
    let no_discount = match p.month {
        11 => 560,
        12 => 600,
        1 => 640,
        7 => 660,
        _ => 720,
    };
    let pick = if p.month >= 11 { 1 } else { 0 };
    let per_region = customers / 4;
    let qty = int_list([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 3, 4]);
    format!(
        "COPY (
SELECT order_id, order_date, customer_id, product_id, store_id, channel, quantity, unit_price,
       discount,
       round(quantity * unit_price * (1 - discount), 2)::DECIMAL(12,2) AS revenue,
       (quantity * unit_cost)::DECIMAL(12,2) AS cost,
       returned, payment_method
FROM (
  SELECT o.order_id, o.order_date, o.customer_id, k.product_id, o.store_id, o.channel,
    CASE WHEN k.bulk THEN (1 + hash(o.i, {s}, 6) % 6)::INTEGER
         ELSE {qty}[1 + (hash(o.i, {s}, 6) % 20)::INTEGER] END AS quantity,
    round(k.list_price * {inflation}, 2)::DECIMAL(10,2) AS unit_price,
    k.unit_cost,
    (CAST(CASE WHEN hash(o.i, {s}, 7) % 1000 < {no_discount} THEN 0
               WHEN hash(o.i, {s}, 7) % 1000 < 965 THEN 5 * (1 + hash(o.i, {s}, 9) % 6)
               ELSE 35 + 5 * (hash(o.i, {s}, 9) % 4) END AS DECIMAL(4,0))
       * CAST(0.01 AS DECIMAL(3,2)))::DECIMAL(4,2) AS discount,
    (hash(o.i, {s}, 8) % 10000) < k.return_bp AS returned,
    o.payment_method
  FROM (
    SELECT i, order_id, order_date, channel,
      CASE WHEN channel = 'Store'
           THEN {physical}[1 + (hash(order_id, {s}, 2) % {n_physical})::INTEGER]
           ELSE {online} END::INTEGER AS store_id,
      CASE WHEN channel = 'Store' THEN
             CASE WHEN hash(order_id, {s}, 3) % 100 < 60 THEN 'Card'
                  WHEN hash(order_id, {s}, 3) % 100 < 85 THEN 'Cash' ELSE 'Wallet' END
           WHEN channel = 'Online' THEN
             CASE WHEN hash(order_id, {s}, 3) % 100 < 78 THEN 'Card' ELSE 'Wallet' END
           ELSE
             CASE WHEN hash(order_id, {s}, 3) % 100 < 35 THEN 'Card' ELSE 'Wallet' END
      END AS payment_method,
      (4 * floor(pow((hash(order_id, {s}, 4) % 1000000) / 1000000.0, 1.6) * {per_region})
        + {r1})::BIGINT AS customer_id
    FROM (
      SELECT i, ({order0} + lo)::BIGINT AS order_id,
        (DATE '{year}-{month:02}-01' + {day_slots}[1 + ((lo * {n_day_slots}) // {orders})::INTEGER]::INTEGER) AS order_date,
        CASE WHEN hash({order0} + lo, {s}, 1) % 100 < {store_pct} THEN 'Store'
             WHEN hash({order0} + lo, {s}, 1) % 100 < {online_cut} THEN 'Online'
             ELSE 'Mobile' END AS channel
      FROM (
        SELECT i, ((i - {row0}) // {bl}) * {bo} + {offs}[1 + ((i - {row0}) % {bl})::INTEGER] AS lo
        FROM range({row0}, {row1}) t(i)
      )
    )
  ) o
  JOIN pick_{pick} k ON k.slot = (hash(o.i, {s}, 5) % {slots})::INTEGER
)
) TO {path} (FORMAT parquet, COMPRESSION zstd);",
        physical = int_list(physical.iter().copied()),
        n_physical = physical.len().max(1),
        online_cut = store_pct + online_pct,
        r1 = r + 1,
        order0 = p.order0,
        year = p.year,
        month = p.month,
        day_slots = int_list(day_slots(p.year, p.month)),
        n_day_slots = DAY_SLOTS,
        orders = p.orders.max(1),
        bl = BLOCK_LINES,
        bo = BLOCK_ORDERS,
        offs = int_list(block_offsets()),
        row0 = p.row0,
        row1 = p.row0 + p.rows,
        slots = PICK_SLOTS,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_is_exact_and_contiguous() {
        for rows in [1, 7, 1_000, 123_457] {
            let parts = plan(rows);
            assert_eq!(parts.len(), 144);
            assert_eq!(parts.iter().map(|p| p.rows).sum::<u64>(), rows);
            let mut row0 = 0;
            let mut order0 = FIRST_ORDER_ID;
            for p in &parts {
                assert_eq!((p.row0, p.order0), (row0, order0));
                row0 += p.rows;
                order0 += p.orders;
            }
        }
    }

    #[test]
    fn day_slots_follow_the_calendar() {
        let slots = day_slots(2023, 11);
        assert_eq!(slots.len(), DAY_SLOTS);
        assert!(slots.windows(2).all(|w| w[0] <= w[1]));
        assert_eq!((slots[0], slots[DAY_SLOTS - 1]), (0, 29));
        let per_day = |d: u64| slots.iter().filter(|&&s| s == d).count();
        // Black Friday 2023 is November 24th (offset 23); the Tuesday before is the 21st.
        assert!(per_day(23) > 2 * per_day(20));
        assert_eq!(day_slots(2024, 2).last(), Some(&28));
    }
}
