//! CSV that Excel opens correctly: UTF-8 with a byte-order mark, CRLF, quoted where needed, and
//! cells that Excel would run as formulas neutralised.

/// The byte-order mark Excel needs to read UTF-8.
pub const BOM: &str = "\u{FEFF}";

pub fn cell(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if text.contains([',', '"', '\n', '\r']) { format!("\"{}\"", text.replace('"', "\"\"")) } else { text }
}

pub fn row(cells: &[String]) -> String {
    let mut line = cells.iter().map(|c| cell(c)).collect::<Vec<_>>().join(",");
    line.push_str("\r\n");
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells() {
        for (text, want) in [
            ("plain", "plain"),
            ("积分兑换", "积分兑换"),
            ("a,b", "\"a,b\""),
            ("say \"hi\"", "\"say \"\"hi\"\"\""),
            ("two\nlines", "\"two\nlines\""),
            ("=1+1", "'=1+1"),
            ("-3", "'-3"),
            ("", ""),
        ] {
            assert_eq!(cell(text), want, "{text:?}");
        }
        assert_eq!(row(&["a".into(), "b,c".into()]), "a,\"b,c\"\r\n");
    }
}
