//! Encodes Arrow record batches as PostgreSQL DataRow messages, column by column in text or binary format.
//! The PostgreSQL type of each column was fixed by Describe ([`SqlType`]); this file writes the Arrow value in
//! that type's wire form, so a TINYINT arrives as int2 and a DECIMAL(12,2) as numeric, NULLs everywhere.

use std::fmt::Write as _;

use bytes::{BufMut, BytesMut};
use chrono::{DateTime, NaiveDate, NaiveTime};
use duckdb::arrow::array::{
    Array, ArrayRef, AsArray, BooleanArray, Decimal128Array, FixedSizeBinaryArray,
    GenericListArray, OffsetSizeTrait,
};
use duckdb::arrow::datatypes::{
    DataType, Date32Type, Date64Type, Float16Type, Float32Type, Float64Type, Int16Type, Int32Type,
    Int64Type, Int8Type, IntervalDayTime, IntervalMonthDayNano, IntervalUnit,
    Time32MillisecondType, Time32SecondType, Time64MicrosecondType, Time64NanosecondType, TimeUnit,
    TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType,
    TimestampSecondType, UInt16Type, UInt32Type, UInt64Type, UInt8Type,
};
use duckdb::arrow::util::display::{ArrayFormatter, FormatOptions};
use pgwire::messages::data::DataRow;

use crate::engine::{RecordBatch, SqlType};
use crate::wire::types::pg_type;

/// Days between 1970-01-01 and 2000-01-01 (PostgreSQL's binary epoch).
const PG_EPOCH_DAYS: i64 = 10_957;
const PG_EPOCH_MICROS: i64 = PG_EPOCH_DAYS * 86_400_000_000;

/// A value that cannot be encoded (an Arrow type we do not know how to send in binary, say).
#[derive(Debug, thiserror::Error)]
#[error("cannot encode column {column}: {why}")]
pub struct EncodeError {
    pub column: String,
    pub why: String,
}

/// How one result column is sent.
#[derive(Debug, Clone)]
pub struct ColumnPlan {
    pub name: String,
    pub ty: SqlType,
    pub binary: bool,
}

/// Encodes every row of `batch`.
pub fn encode_batch(batch: &RecordBatch, plan: &[ColumnPlan]) -> Result<Vec<DataRow>, EncodeError> {
    let cols: Vec<Col<'_>> = batch
        .columns()
        .iter()
        .zip(plan)
        .map(|(a, p)| Col::new(a, p))
        .collect::<Result<_, _>>()?;
    let mut rows = Vec::with_capacity(batch.num_rows());
    let mut buf = BytesMut::with_capacity(64 * batch.num_rows().max(1));
    for r in 0..batch.num_rows() {
        for c in &cols {
            c.write(r, &mut buf)?;
        }
        rows.push(DataRow::new(buf.split(), cols.len() as i16));
    }
    Ok(rows)
}

/// One column of a batch, downcast once.
struct Col<'a> {
    array: &'a ArrayRef,
    plan: &'a ColumnPlan,
    /// Generic text rendering for types without a dedicated encoder.
    fallback: Option<ArrayFormatter<'a>>,
}

impl<'a> Col<'a> {
    fn new(array: &'a ArrayRef, plan: &'a ColumnPlan) -> Result<Self, EncodeError> {
        let fallback = if needs_fallback(array.data_type()) {
            Some(
                ArrayFormatter::try_new(array.as_ref(), &FORMAT_OPTIONS).map_err(|e| {
                    EncodeError {
                        column: plan.name.clone(),
                        why: e.to_string(),
                    }
                })?,
            )
        } else {
            None
        };
        Ok(Self {
            array,
            plan,
            fallback,
        })
    }

    fn write(&self, row: usize, out: &mut BytesMut) -> Result<(), EncodeError> {
        if self.array.is_null(row) {
            out.put_i32(-1);
            return Ok(());
        }
        let at = out.len();
        out.put_i32(0);
        if let Some(f) = &self.fallback {
            let _ = write!(Writer(out), "{}", f.value(row));
        } else {
            write_value(
                self.array.as_ref(),
                row,
                &self.plan.ty,
                self.plan.binary,
                out,
            )
            .map_err(|why| EncodeError {
                column: self.plan.name.clone(),
                why,
            })?;
        }
        let len = (out.len() - at - 4) as i32;
        out[at..at + 4].copy_from_slice(&len.to_be_bytes());
        Ok(())
    }
}

static FORMAT_OPTIONS: FormatOptions<'static> = FormatOptions::new();

/// Types sent as generic text (PostgreSQL type `text` in both formats).
fn needs_fallback(dt: &DataType) -> bool {
    matches!(
        dt,
        DataType::Struct(_)
            | DataType::Map(_, _)
            | DataType::Union(_, _)
            | DataType::Decimal256(_, _)
            | DataType::Duration(_)
    ) || matches!(dt, DataType::List(f) | DataType::LargeList(f) | DataType::FixedSizeList(f, _)
        if matches!(f.data_type(), DataType::List(_) | DataType::LargeList(_) | DataType::Struct(_) | DataType::Map(_, _)))
}

/// `fmt::Write` over a BytesMut.
struct Writer<'b>(&'b mut BytesMut);

impl std::fmt::Write for Writer<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.extend_from_slice(s.as_bytes());
        Ok(())
    }
}

/// Writes the value at `row` (known not NULL) without its length prefix.
fn write_value(
    a: &dyn Array,
    row: usize,
    ty: &SqlType,
    binary: bool,
    out: &mut BytesMut,
) -> Result<(), String> {
    match a.data_type() {
        DataType::Boolean => {
            let v = a
                .as_any()
                .downcast_ref::<BooleanArray>()
                .map(|b| b.value(row));
            let v = v.ok_or("bad boolean array")?;
            if binary {
                out.put_u8(u8::from(v));
            } else {
                out.put_u8(if v { b't' } else { b'f' });
            }
        }
        DataType::Int8 => int(
            a.as_primitive::<Int8Type>().value(row).into(),
            ty,
            binary,
            out,
        ),
        DataType::Int16 => int(
            a.as_primitive::<Int16Type>().value(row).into(),
            ty,
            binary,
            out,
        ),
        DataType::Int32 => int(
            a.as_primitive::<Int32Type>().value(row).into(),
            ty,
            binary,
            out,
        ),
        DataType::Int64 => int(
            a.as_primitive::<Int64Type>().value(row).into(),
            ty,
            binary,
            out,
        ),
        DataType::UInt8 => int(
            a.as_primitive::<UInt8Type>().value(row).into(),
            ty,
            binary,
            out,
        ),
        DataType::UInt16 => int(
            a.as_primitive::<UInt16Type>().value(row).into(),
            ty,
            binary,
            out,
        ),
        DataType::UInt32 => int(
            a.as_primitive::<UInt32Type>().value(row).into(),
            ty,
            binary,
            out,
        ),
        DataType::UInt64 => int(
            a.as_primitive::<UInt64Type>().value(row).into(),
            ty,
            binary,
            out,
        ),
        DataType::Float16 => float(
            f64::from(a.as_primitive::<Float16Type>().value(row).to_f32()),
            ty,
            binary,
            out,
        ),
        DataType::Float32 => float(
            f64::from(a.as_primitive::<Float32Type>().value(row)),
            ty,
            binary,
            out,
        ),
        DataType::Float64 => float(a.as_primitive::<Float64Type>().value(row), ty, binary, out),
        DataType::Decimal128(_, scale) => {
            let arr = a
                .as_any()
                .downcast_ref::<Decimal128Array>()
                .ok_or("bad decimal array")?;
            decimal(arr.value(row), *scale, ty, binary, out)
        }
        DataType::Utf8 => text(a.as_string::<i32>().value(row), ty, binary, out)?,
        DataType::LargeUtf8 => text(a.as_string::<i64>().value(row), ty, binary, out)?,
        DataType::Utf8View => text(a.as_string_view().value(row), ty, binary, out)?,
        DataType::Binary => bytes(a.as_binary::<i32>().value(row), binary, out),
        DataType::LargeBinary => bytes(a.as_binary::<i64>().value(row), binary, out),
        DataType::BinaryView => bytes(a.as_binary_view().value(row), binary, out),
        DataType::FixedSizeBinary(16) if *ty == SqlType::Uuid => {
            let arr = a
                .as_any()
                .downcast_ref::<FixedSizeBinaryArray>()
                .ok_or("bad uuid array")?;
            let v = arr.value(row);
            if binary {
                out.extend_from_slice(v);
            } else {
                write_uuid_text(v, out);
            }
        }
        DataType::FixedSizeBinary(_) => {
            let arr = a
                .as_any()
                .downcast_ref::<FixedSizeBinaryArray>()
                .ok_or("bad binary array")?;
            bytes(arr.value(row), binary, out)
        }
        DataType::Date32 => date(
            a.as_primitive::<Date32Type>().value(row).into(),
            binary,
            out,
        ),
        DataType::Date64 => date(
            a.as_primitive::<Date64Type>().value(row) / 86_400_000,
            binary,
            out,
        ),
        DataType::Timestamp(unit, tz) => {
            let v = match unit {
                TimeUnit::Second => a.as_primitive::<TimestampSecondType>().value(row) * 1_000_000,
                TimeUnit::Millisecond => {
                    a.as_primitive::<TimestampMillisecondType>().value(row) * 1_000
                }
                TimeUnit::Microsecond => a.as_primitive::<TimestampMicrosecondType>().value(row),
                TimeUnit::Nanosecond => {
                    a.as_primitive::<TimestampNanosecondType>().value(row) / 1_000
                }
            };
            timestamp(v, tz.is_some(), binary, out)
        }
        DataType::Time32(unit) => {
            let micros = match unit {
                TimeUnit::Second => {
                    i64::from(a.as_primitive::<Time32SecondType>().value(row)) * 1_000_000
                }
                _ => i64::from(a.as_primitive::<Time32MillisecondType>().value(row)) * 1_000,
            };
            time(micros, binary, out)
        }
        DataType::Time64(unit) => {
            let micros = match unit {
                TimeUnit::Nanosecond => a.as_primitive::<Time64NanosecondType>().value(row) / 1_000,
                _ => a.as_primitive::<Time64MicrosecondType>().value(row),
            };
            time(micros, binary, out)
        }
        DataType::Interval(IntervalUnit::MonthDayNano) => {
            let IntervalMonthDayNano {
                months,
                days,
                nanoseconds,
            } = a
                .as_primitive::<duckdb::arrow::datatypes::IntervalMonthDayNanoType>()
                .value(row);
            interval(months, days, nanoseconds / 1_000, binary, out)
        }
        DataType::Interval(IntervalUnit::DayTime) => {
            let IntervalDayTime { days, milliseconds } = a
                .as_primitive::<duckdb::arrow::datatypes::IntervalDayTimeType>()
                .value(row);
            interval(0, days, i64::from(milliseconds) * 1_000, binary, out)
        }
        DataType::Interval(IntervalUnit::YearMonth) => {
            let months = a
                .as_primitive::<duckdb::arrow::datatypes::IntervalYearMonthType>()
                .value(row);
            interval(months, 0, 0, binary, out)
        }
        DataType::List(_) => list(a.as_list::<i32>(), row, ty, binary, out)?,
        DataType::LargeList(_) => list(a.as_list::<i64>(), row, ty, binary, out)?,
        DataType::Dictionary(_, _) => {
            let values = duckdb::arrow::compute::cast(&a.slice(row, 1), &DataType::Utf8)
                .map_err(|e| e.to_string())?;
            text(values.as_string::<i32>().value(0), ty, binary, out)?
        }
        DataType::Null => {}
        other => return Err(format!("unsupported Arrow type {other}")),
    }
    Ok(())
}

fn int(v: i128, ty: &SqlType, binary: bool, out: &mut BytesMut) {
    if !binary {
        let _ = write!(Writer(out), "{v}");
        return;
    }
    match ty {
        SqlType::Int2 => out.put_i16(v as i16),
        SqlType::Int4 => out.put_i32(v as i32),
        SqlType::Int8 => out.put_i64(v as i64),
        SqlType::Float4 => out.put_f32(v as f32),
        SqlType::Float8 => out.put_f64(v as f64),
        SqlType::Numeric(_) => numeric_binary(v, 0, out),
        SqlType::Bool => out.put_u8(u8::from(v != 0)),
        _ => {
            let _ = write!(Writer(out), "{v}");
        }
    }
}

fn float(v: f64, ty: &SqlType, binary: bool, out: &mut BytesMut) {
    if binary {
        match ty {
            SqlType::Float4 => out.put_f32(v as f32),
            _ => out.put_f64(v),
        }
        return;
    }
    if v.is_nan() {
        out.extend_from_slice(b"NaN");
    } else if v.is_infinite() {
        out.extend_from_slice(if v > 0.0 { b"Infinity" } else { b"-Infinity" });
    } else if matches!(ty, SqlType::Float4) {
        let _ = write!(Writer(out), "{}", v as f32);
    } else {
        let _ = write!(Writer(out), "{v}");
    }
}

/// Writes `unscaled × 10^-scale` as numeric text, e.g. (12345, 2) → "123.45".
fn decimal_text(unscaled: i128, scale: i8, out: &mut BytesMut) {
    if scale <= 0 {
        let _ = write!(
            Writer(out),
            "{}",
            unscaled * 10i128.pow(scale.unsigned_abs() as u32)
        );
        return;
    }
    let scale = scale as u32;
    let neg = unscaled < 0;
    let abs = unscaled.unsigned_abs();
    let pow = 10u128.pow(scale);
    if neg {
        out.put_u8(b'-');
    }
    let _ = write!(
        Writer(out),
        "{}.{:0width$}",
        abs / pow,
        abs % pow,
        width = scale as usize
    );
}

fn decimal(unscaled: i128, scale: i8, ty: &SqlType, binary: bool, out: &mut BytesMut) {
    if !binary {
        decimal_text(unscaled, scale, out);
        return;
    }
    match ty {
        SqlType::Float8 => out.put_f64(unscaled as f64 / 10f64.powi(i32::from(scale))),
        SqlType::Float4 => out.put_f32((unscaled as f64 / 10f64.powi(i32::from(scale))) as f32),
        _ => numeric_binary(unscaled, scale.max(0) as u16, out),
    }
}

/// PostgreSQL's binary numeric: base-10000 digits with a weight, a sign and a display scale.
pub fn numeric_binary(unscaled: i128, scale: u16, out: &mut BytesMut) {
    let neg = unscaled < 0;
    let mut abs = unscaled.unsigned_abs();
    // Pad the fraction to a multiple of 4 decimal digits so it splits into whole base-10000 digits.
    let pad = (4 - scale % 4) % 4;
    abs *= 10u128.pow(u32::from(pad));
    let frac_groups = (scale + pad) / 4;
    let mut groups: Vec<i16> = Vec::new();
    while abs > 0 {
        groups.push((abs % 10_000) as i16);
        abs /= 10_000;
    }
    // groups are least significant first; make sure all fractional groups exist.
    while groups.len() < frac_groups as usize {
        groups.push(0);
    }
    groups.reverse();
    let mut weight = groups.len() as i16 - frac_groups as i16 - 1;
    // Strip leading and trailing zero groups (PostgreSQL does).
    while groups.first() == Some(&0) {
        groups.remove(0);
        weight -= 1;
    }
    while groups.last() == Some(&0) {
        groups.pop();
    }
    if groups.is_empty() {
        weight = 0;
    }
    out.put_i16(groups.len() as i16);
    out.put_i16(weight);
    out.put_u16(if neg && !groups.is_empty() { 0x4000 } else { 0 });
    out.put_u16(scale);
    for g in groups {
        out.put_i16(g);
    }
}

fn text(s: &str, ty: &SqlType, binary: bool, out: &mut BytesMut) -> Result<(), String> {
    if binary && *ty == SqlType::Uuid {
        let hex: String = s.chars().filter(|c| *c != '-').collect();
        if hex.len() != 32 {
            return Err(format!("invalid uuid {s}"));
        }
        for i in 0..16 {
            let b = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).map_err(|e| e.to_string())?;
            out.put_u8(b);
        }
        return Ok(());
    }
    out.extend_from_slice(s.as_bytes());
    Ok(())
}

fn bytes(v: &[u8], binary: bool, out: &mut BytesMut) {
    if binary {
        out.extend_from_slice(v);
    } else {
        out.extend_from_slice(b"\\x");
        for b in v {
            let _ = write!(Writer(out), "{b:02x}");
        }
    }
}

fn write_uuid_text(v: &[u8], out: &mut BytesMut) {
    for (i, b) in v.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.put_u8(b'-');
        }
        let _ = write!(Writer(out), "{b:02x}");
    }
}

fn date(days: i64, binary: bool, out: &mut BytesMut) {
    if binary {
        out.put_i32((days - PG_EPOCH_DAYS) as i32);
        return;
    }
    match NaiveDate::from_num_days_from_ce_opt((days + 719_163) as i32) {
        Some(d) => {
            let _ = write!(Writer(out), "{}", d.format("%Y-%m-%d"));
        }
        None => out.extend_from_slice(if days > 0 { b"infinity" } else { b"-infinity" }),
    }
}

fn timestamp(micros: i64, tz: bool, binary: bool, out: &mut BytesMut) {
    if binary {
        out.put_i64(micros - PG_EPOCH_MICROS);
        return;
    }
    match DateTime::from_timestamp_micros(micros) {
        Some(t) => {
            let _ = write!(Writer(out), "{}", t.naive_utc().format("%Y-%m-%d %H:%M:%S"));
            let frac = micros.rem_euclid(1_000_000);
            if frac != 0 {
                let s = format!("{frac:06}");
                let _ = write!(Writer(out), ".{}", s.trim_end_matches('0'));
            }
            if tz {
                out.extend_from_slice(b"+00");
            }
        }
        None => out.extend_from_slice(if micros > 0 {
            b"infinity"
        } else {
            b"-infinity"
        }),
    }
}

fn time(micros: i64, binary: bool, out: &mut BytesMut) {
    if binary {
        out.put_i64(micros);
        return;
    }
    let secs = micros.div_euclid(1_000_000);
    let frac = micros.rem_euclid(1_000_000);
    match NaiveTime::from_num_seconds_from_midnight_opt(secs as u32, 0) {
        Some(t) => {
            let _ = write!(Writer(out), "{}", t.format("%H:%M:%S"));
            if frac != 0 {
                let s = format!("{frac:06}");
                let _ = write!(Writer(out), ".{}", s.trim_end_matches('0'));
            }
        }
        None => out.extend_from_slice(b"24:00:00"),
    }
}

/// PostgreSQL's default interval style: `1 year 2 mons 3 days 04:05:06.5`.
fn interval(months: i32, days: i32, micros: i64, binary: bool, out: &mut BytesMut) {
    if binary {
        out.put_i64(micros);
        out.put_i32(days);
        out.put_i32(months);
        return;
    }
    let mut parts: Vec<String> = Vec::new();
    let (y, m) = (months / 12, months % 12);
    let unit = |n: i32, one: &str, many: &str| {
        format!("{n} {}", if n == 1 || n == -1 { one } else { many })
    };
    if y != 0 {
        parts.push(unit(y, "year", "years"));
    }
    if m != 0 {
        parts.push(unit(m, "mon", "mons"));
    }
    if days != 0 {
        parts.push(unit(days, "day", "days"));
    }
    if micros != 0 || parts.is_empty() {
        let neg = micros < 0;
        let a = micros.unsigned_abs();
        let (h, rem) = (a / 3_600_000_000, a % 3_600_000_000);
        let (mi, rem) = (rem / 60_000_000, rem % 60_000_000);
        let (s, us) = (rem / 1_000_000, rem % 1_000_000);
        let mut t = format!("{}{h:02}:{mi:02}:{s:02}", if neg { "-" } else { "" });
        if us != 0 {
            let f = format!("{us:06}");
            t.push('.');
            t.push_str(f.trim_end_matches('0'));
        }
        parts.push(t);
    }
    out.extend_from_slice(parts.join(" ").as_bytes());
}

fn list<O: OffsetSizeTrait>(
    arr: &GenericListArray<O>,
    row: usize,
    ty: &SqlType,
    binary: bool,
    out: &mut BytesMut,
) -> Result<(), String> {
    let values = arr.value(row);
    let elem_ty = match ty {
        SqlType::List(inner) => inner.as_ref().clone(),
        _ => SqlType::Text,
    };
    if binary {
        let has_null = (0..values.len()).any(|i| values.is_null(i));
        out.put_i32(1);
        out.put_i32(i32::from(has_null));
        out.put_u32(pg_type(&elem_ty).oid());
        out.put_i32(values.len() as i32);
        out.put_i32(1);
        for i in 0..values.len() {
            if values.is_null(i) {
                out.put_i32(-1);
                continue;
            }
            let at = out.len();
            out.put_i32(0);
            write_value(values.as_ref(), i, &elem_ty, true, out)?;
            let len = (out.len() - at - 4) as i32;
            out[at..at + 4].copy_from_slice(&len.to_be_bytes());
        }
        return Ok(());
    }
    out.put_u8(b'{');
    for i in 0..values.len() {
        if i > 0 {
            out.put_u8(b',');
        }
        if values.is_null(i) {
            out.extend_from_slice(b"NULL");
            continue;
        }
        let mut elem = BytesMut::new();
        write_value(values.as_ref(), i, &elem_ty, false, &mut elem)?;
        let needs_quotes = elem.is_empty()
            || elem.eq_ignore_ascii_case(b"null")
            || elem
                .iter()
                .any(|b| matches!(b, b'{' | b'}' | b',' | b'"' | b'\\' | b' ' | b'\t' | b'\n'));
        if needs_quotes {
            out.put_u8(b'"');
            for b in elem.iter() {
                if matches!(b, b'"' | b'\\') {
                    out.put_u8(b'\\');
                }
                out.put_u8(*b);
            }
            out.put_u8(b'"');
        } else {
            out.extend_from_slice(&elem);
        }
    }
    out.put_u8(b'}');
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num_text(v: i128, s: i8) -> String {
        let mut b = BytesMut::new();
        decimal_text(v, s, &mut b);
        String::from_utf8(b.to_vec()).unwrap()
    }

    #[test]
    fn decimals_render_with_their_scale() {
        assert_eq!(num_text(12345, 2), "123.45");
        assert_eq!(num_text(-5, 2), "-0.05");
        assert_eq!(num_text(7, 0), "7");
        assert_eq!(num_text(100, 3), "0.100");
    }

    #[test]
    fn numeric_binary_matches_postgres_layout() {
        // 123.45 → digits [123, 4500], weight 0, dscale 2.
        let mut b = BytesMut::new();
        numeric_binary(12345, 2, &mut b);
        assert_eq!(b.to_vec(), vec![0, 2, 0, 0, 0, 0, 0, 2, 0, 123, 0x11, 0x94]);
        // -1000000 → digits [100], weight 1, negative.
        let mut b = BytesMut::new();
        numeric_binary(-1_000_000, 0, &mut b);
        assert_eq!(b.to_vec(), vec![0, 1, 0, 1, 0x40, 0, 0, 0, 0, 100]);
        // zero
        let mut b = BytesMut::new();
        numeric_binary(0, 2, &mut b);
        assert_eq!(b.to_vec(), vec![0, 0, 0, 0, 0, 0, 0, 2]);
    }

    #[test]
    fn intervals_use_postgres_style() {
        let mut b = BytesMut::new();
        interval(
            14,
            3,
            4 * 3_600_000_000 + 5 * 60_000_000 + 6_500_000,
            false,
            &mut b,
        );
        assert_eq!(&b[..], b"1 year 2 mons 3 days 04:05:06.5");
    }

    #[test]
    fn dates_and_timestamps() {
        let mut b = BytesMut::new();
        date(19_723, false, &mut b); // 2024-01-01
        assert_eq!(&b[..], b"2024-01-01");
        let mut b = BytesMut::new();
        timestamp(1_704_067_200_000_000 + 1_500_000, false, false, &mut b);
        assert_eq!(&b[..], b"2024-01-01 00:00:01.5");
    }
}
