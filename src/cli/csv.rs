//! CSV that Excel and WPS open correctly: UTF-8 with a byte-order mark, CRLF, quoted where
//! needed (by the csv crate), and cells that a spreadsheet would run as formulas neutralised.

use super::{CliError, CliResult};

/// The byte-order mark Excel needs to read UTF-8.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A cell a spreadsheet would take for a formula gets a leading apostrophe.
pub fn cell(text: &str) -> std::borrow::Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{text}").into() } else { text.into() }
}

pub struct Writer {
    inner: csv::Writer<Vec<u8>>,
}

fn failed(e: impl std::fmt::Display) -> CliError {
    CliError::new(format!("cannot write the CSV: {e}"), format!("无法写出 CSV：{e}"))
}

impl Writer {
    pub fn new() -> Writer {
        let inner = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(BOM.to_vec());
        Writer { inner }
    }

    pub fn row<'a>(&mut self, cells: impl IntoIterator<Item = &'a str>) -> CliResult {
        self.inner.write_record(cells.into_iter().map(|c| cell(c).into_owned())).map_err(failed)
    }

    pub fn finish(self) -> CliResult<Vec<u8>> {
        self.inner.into_inner().map_err(failed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_and_rows() -> CliResult {
        let mut w = Writer::new();
        w.row(["plain", "积分兑换", "a,b", "say \"hi\"", "two\nlines", "=1+1", "-3", ""])?;
        let bytes = w.finish()?;
        let text = String::from_utf8(bytes[3..].to_vec()).map_err(failed)?;
        assert!(bytes.starts_with(BOM));
        assert_eq!(text, "plain,积分兑换,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",'=1+1,'-3,\r\n");
        Ok(())
    }
}
