//! Decodes `$n` parameter values from Bind messages (text or binary) into engine values. Text values are passed
//! as text and cast by the engine to the type the statement expects; binary values are decoded by their type.

use pgwire::api::Type;

use crate::engine::ParamValue;

/// Decodes one parameter. `ty` is the type the client declared, or the one we described.
pub fn decode(raw: Option<&[u8]>, ty: &Type, binary: bool) -> Result<ParamValue, String> {
    let Some(b) = raw else {
        return Ok(ParamValue::Null);
    };
    if !binary {
        let s = std::str::from_utf8(b).map_err(|_| "parameter is not valid UTF-8".to_owned())?;
        return Ok(ParamValue::Text(s.to_owned()));
    }
    let need = |n: usize| -> Result<(), String> {
        if b.len() == n {
            Ok(())
        } else {
            Err(format!(
                "binary {} parameter must be {n} bytes, got {}",
                ty.name(),
                b.len()
            ))
        }
    };
    Ok(match *ty {
        Type::BOOL => {
            need(1)?;
            ParamValue::Bool(b[0] != 0)
        }
        Type::INT2 => {
            need(2)?;
            ParamValue::Int(i16::from_be_bytes([b[0], b[1]]).into())
        }
        Type::INT4 => {
            need(4)?;
            ParamValue::Int(i32::from_be_bytes([b[0], b[1], b[2], b[3]]).into())
        }
        Type::INT8 => {
            need(8)?;
            ParamValue::Int(i64::from_be_bytes(b.try_into().map_err(|_| "bad int8")?))
        }
        Type::FLOAT4 => {
            need(4)?;
            ParamValue::Float(f32::from_be_bytes([b[0], b[1], b[2], b[3]]).into())
        }
        Type::FLOAT8 => {
            need(8)?;
            ParamValue::Float(f64::from_be_bytes(b.try_into().map_err(|_| "bad float8")?))
        }
        Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN | Type::JSON => {
            ParamValue::Text(
                String::from_utf8(b.to_vec()).map_err(|_| "parameter is not valid UTF-8")?,
            )
        }
        Type::BYTEA => ParamValue::Bytes(b.to_vec()),
        Type::DATE => {
            need(4)?;
            let days = i32::from_be_bytes([b[0], b[1], b[2], b[3]]);
            let d = chrono::NaiveDate::from_ymd_opt(2000, 1, 1)
                .and_then(|e| e.checked_add_signed(chrono::Duration::days(days.into())))
                .ok_or("date out of range")?;
            ParamValue::Text(d.format("%Y-%m-%d").to_string())
        }
        Type::TIMESTAMP | Type::TIMESTAMPTZ => {
            need(8)?;
            let us = i64::from_be_bytes(b.try_into().map_err(|_| "bad timestamp")?);
            let t = chrono::DateTime::from_timestamp_micros(us + 946_684_800_000_000)
                .ok_or("timestamp out of range")?;
            let s = t.naive_utc().format("%Y-%m-%d %H:%M:%S%.6f").to_string();
            ParamValue::Text(if *ty == Type::TIMESTAMPTZ {
                format!("{s}+00")
            } else {
                s
            })
        }
        Type::NUMERIC => ParamValue::Text(numeric_text(b)?),
        Type::UUID => {
            need(16)?;
            let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
            ParamValue::Text(format!(
                "{}-{}-{}-{}-{}",
                &h[0..8],
                &h[8..12],
                &h[12..16],
                &h[16..20],
                &h[20..32]
            ))
        }
        _ => {
            return Err(format!(
                "binary parameters of type {} are not supported; send text",
                ty.name()
            ))
        }
    })
}

/// PostgreSQL binary numeric → decimal text.
fn numeric_text(b: &[u8]) -> Result<String, String> {
    if b.len() < 8 {
        return Err("numeric parameter too short".into());
    }
    let rd = |i: usize| i16::from_be_bytes([b[i], b[i + 1]]);
    let ndigits = rd(0).max(0) as usize;
    let weight = rd(2) as i32;
    let sign = u16::from_be_bytes([b[4], b[5]]);
    let dscale = rd(6).max(0) as usize;
    if sign == 0xC000 {
        return Ok("NaN".into());
    }
    if b.len() < 8 + 2 * ndigits {
        return Err("numeric parameter truncated".into());
    }
    let digits: Vec<i16> = (0..ndigits).map(|i| rd(8 + 2 * i)).collect();
    let mut int_part = String::new();
    for w in 0..=weight.max(-1) {
        let d = digits.get(w as usize).copied().unwrap_or(0);
        if int_part.is_empty() {
            int_part = d.to_string();
        } else {
            int_part.push_str(&format!("{d:04}"));
        }
    }
    if int_part.is_empty() {
        int_part.push('0');
    }
    let mut frac = String::new();
    let mut idx = weight + 1;
    while frac.len() < dscale {
        let d = if idx < 0 {
            0
        } else {
            digits.get(idx as usize).copied().unwrap_or(0)
        };
        frac.push_str(&format!("{d:04}"));
        idx += 1;
    }
    frac.truncate(dscale);
    let mut s = if sign == 0x4000 {
        "-".to_owned()
    } else {
        String::new()
    };
    s.push_str(&int_part);
    if !frac.is_empty() {
        s.push('.');
        s.push_str(&frac);
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_binary_values() {
        assert_eq!(
            decode(Some(&7i32.to_be_bytes()), &Type::INT4, true).unwrap(),
            ParamValue::Int(7)
        );
        assert_eq!(decode(None, &Type::INT4, true).unwrap(), ParamValue::Null);
        assert_eq!(
            decode(Some(b"abc"), &Type::INT4, false).unwrap(),
            ParamValue::Text("abc".into())
        );
        assert!(decode(Some(&[1, 2]), &Type::INT4, true).is_err());
        // 123.45: ndigits 2, weight 0, sign 0, dscale 2, digits 123, 4500
        let n = [0u8, 2, 0, 0, 0, 0, 0, 2, 0, 123, 0x11, 0x94];
        assert_eq!(
            decode(Some(&n), &Type::NUMERIC, true).unwrap(),
            ParamValue::Text("123.45".into())
        );
        assert_eq!(
            decode(Some(&0i32.to_be_bytes()), &Type::DATE, true).unwrap(),
            ParamValue::Text("2000-01-01".into())
        );
    }
}
