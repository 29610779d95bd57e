//! Times as people type them in spreadsheets.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

use crate::domain::local_time;

/// A time in any of the ways people write one: 2023-10-25 09:30, 2023/10/25 9:30,
/// 2023年10月25日09:30, 2023.10.25, 20231025, RFC 3339. A date alone is its start.
pub fn parse_time(text: &str) -> Option<NaiveDateTime> {
    let t = text.trim();
    if let Some(x) = local_time::parse(t) {
        return Some(x);
    }
    let normal = t
        .replace(['年', '月', '/', '.'], "-")
        .replace('日', " ")
        .replace('时', ":")
        .replace('分', "")
        .replace('T', " ");
    let normal = normal.split_whitespace().collect::<Vec<_>>().join(" ");
    for f in ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y%m%d %H:%M"] {
        if let Ok(x) = NaiveDateTime::parse_from_str(&normal, f) {
            return Some(x);
        }
    }
    for f in ["%Y-%m-%d", "%Y%m%d"] {
        if let Ok(d) = NaiveDate::parse_from_str(&normal, f) {
            return Some(d.and_time(NaiveTime::MIN));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_ways_to_write_a_date() {
        let want = NaiveDate::from_ymd_opt(2023, 10, 25).and_then(|d| d.and_hms_opt(9, 30, 0));
        for text in [
            "2023-10-25 09:30",
            "2023/10/25 9:30",
            "2023年10月25日09:30",
            "2023年10月25日 09:30",
            "2023.10.25 09:30",
        ] {
            assert_eq!(parse_time(text), want, "{text}");
        }
        let day = NaiveDate::from_ymd_opt(2023, 10, 25).map(|d| d.and_time(NaiveTime::MIN));
        for text in ["2023-10-25", "20231025", "2023.10.25", "2023年10月25日"] {
            assert_eq!(parse_time(text), day, "{text}");
        }
        for bad in ["", "25/10/2023", "yesterday", "2023-13-01", "10月25日"] {
            assert_eq!(parse_time(bad), None, "{bad}");
        }
    }
}
