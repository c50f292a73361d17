//! Size caps checked on the raw text before DuckDB's parser runs: statement length and bracket nesting depth
//! (DuckDB's parser has known crashes on very deep nesting, so such text must never reach it).

use super::scan::Scan;
use super::GuardError;

/// Refuses text longer than `max_len` bytes.
pub fn check_length(sql: &str, max_len: usize) -> Result<(), GuardError> {
    if sql.len() > max_len {
        return Err(GuardError::TooLong {
            len: sql.len(),
            max: max_len,
        });
    }
    Ok(())
}

/// Refuses bracket nesting deeper than `max_depth` (literals and comments do not count).
pub fn check_depth(scan: &Scan, max_depth: usize) -> Result<(), GuardError> {
    if scan.max_depth > max_depth {
        return Err(GuardError::TooDeep(format!(
            "brackets nest {} deep, the limit is {max_depth}",
            scan.max_depth
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::scan::scan;
    use super::*;

    #[test]
    fn caps() {
        assert!(check_length("SELECT 1", 8).is_ok());
        assert_eq!(
            check_length("SELECT 1", 7).map_err(|e| e.sqlstate()),
            Err("54000")
        );
        let s = scan("SELECT ((((1))))");
        assert!(check_depth(&s, 4).is_ok());
        assert_eq!(check_depth(&s, 3).map_err(|e| e.sqlstate()), Err("54000"));
    }
}
