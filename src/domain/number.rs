//! Issue numbers: `{date}-{dept}-{seq}` (20231025-RD-001) or `{dept}-{seq}` (RD-001).

use chrono::NaiveDate;

use super::NumberFormat;

/// The counter a number draws from: per department per day, or per department.
pub fn sequence_scope(format: NumberFormat, dept: &str, date: NaiveDate) -> String {
    match format {
        NumberFormat::Dated => format!("{}-{dept}", date.format("%Y%m%d")),
        NumberFormat::Running => dept.to_string(),
    }
}

/// The number itself; the sequence has at least three digits.
pub fn format_number(format: NumberFormat, dept: &str, date: NaiveDate, seq: u32) -> String {
    match format {
        NumberFormat::Dated => format!("{}-{dept}-{seq:03}", date.format("%Y%m%d")),
        NumberFormat::Running => format!("{dept}-{seq:03}"),
    }
}

/// The counter scope and sequence a number was drawn from, under the format its shape says:
/// `20231025-RD-007` → ("20231025-RD", 7), `RD-007` → ("RD", 7). None for any other shape.
pub fn parse_number(number: &str) -> Option<(String, u32)> {
    let parts: Vec<&str> = number.split('-').collect();
    let seq_ok = |s: &str| s.len() >= 3 && s.bytes().all(|b| b.is_ascii_digit());
    match parts.as_slice() {
        [date, dept, seq]
            if date.len() == 8
                && NaiveDate::parse_from_str(date, "%Y%m%d").is_ok()
                && is_valid_dept_code(dept)
                && seq_ok(seq) =>
        {
            Some((format!("{date}-{dept}"), seq.parse().ok()?))
        }
        [dept, seq] if is_valid_dept_code(dept) && seq_ok(seq) => Some((dept.to_string(), seq.parse().ok()?)),
        _ => None,
    }
}

/// A department code is 2–6 capital ASCII letters: RD, MKT, OPS, QA.
pub fn is_valid_dept_code(code: &str) -> bool {
    (2..=6).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_scopes() {
        let day = NaiveDate::from_ymd_opt(2023, 10, 25).unwrap();
        let cases = [
            (NumberFormat::Dated, "RD", 1, "20231025-RD-001", "20231025-RD"),
            (NumberFormat::Dated, "MKT", 42, "20231025-MKT-042", "20231025-MKT"),
            (NumberFormat::Dated, "QA", 1234, "20231025-QA-1234", "20231025-QA"),
            (NumberFormat::Running, "MKT", 3, "MKT-003", "MKT"),
            (NumberFormat::Running, "RD", 1000, "RD-1000", "RD"),
        ];
        for (format, dept, seq, number, scope) in cases {
            assert_eq!(format_number(format, dept, day, seq), number);
            assert_eq!(sequence_scope(format, dept, day), scope);
        }
    }

    #[test]
    fn numbers_parse_back() {
        assert_eq!(parse_number("20231025-RD-007"), Some(("20231025-RD".into(), 7)));
        assert_eq!(parse_number("MKT-1234"), Some(("MKT".into(), 1234)));
        for bad in ["", "RD", "RD-1", "20231399-RD-001", "rd-001", "X-RD-001-2"] {
            assert_eq!(parse_number(bad), None, "{bad}");
        }
    }

    #[test]
    fn department_codes() {
        for (code, ok) in [
            ("RD", true),
            ("MKT", true),
            ("ABCDEF", true),
            ("R", false),
            ("ABCDEFG", false),
            ("rd", false),
            ("R1", false),
            ("研发", false),
            ("", false),
        ] {
            assert_eq!(is_valid_dept_code(code), ok, "{code:?}");
        }
    }
}
