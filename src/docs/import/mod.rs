//! Reading the files companies already keep: CSV (UTF-8 with or without BOM, GB18030/GBK),
//! Excel (.xlsx, .xls) and liaison's own JSON export. Every problem is collected with its row,
//! its column, what is wrong and what to write instead; nothing here touches the database.

// A problem carries its text in both languages; it is returned once per file, never in a loop.
#![allow(clippy::result_large_err)]

pub mod dates;
pub mod json;
pub mod rows;
pub mod table;

use crate::i18n::{Bilingual, Lang};

/// Files larger than this are refused before they are read: split them.
pub const MAX_FILE: u64 = 32 << 20;

/// One thing wrong with the input, where it is and how to put it right.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The row as the spreadsheet program numbers it (the header is row 1); for JSON the
    /// position of the issue in the file (1-based).
    pub row: Option<usize>,
    pub column: Option<String>,
    pub what: Bilingual,
    pub fix: Bilingual,
}

impl Problem {
    pub fn new(row: Option<usize>, column: Option<&str>, what: Bilingual, fix: Bilingual) -> Problem {
        Problem { row, column: column.map(str::to_string), what, fix }
    }

    /// A problem with the file as a whole.
    pub fn file(what: Bilingual, fix: Bilingual) -> Problem {
        Problem::new(None, None, what, fix)
    }

    /// "row 7, column 提出时间: … — write …" in the chosen language.
    pub fn line(&self, lang: Lang) -> String {
        let mut out = String::new();
        if let Some(row) = self.row {
            out.push_str(&match lang {
                Lang::Zh => format!("第 {row} 行"),
                Lang::En => format!("row {row}"),
            });
        }
        if let Some(col) = &self.column {
            if !out.is_empty() {
                out.push_str(lang.pick(", ", "，"));
            }
            out.push_str(&match lang {
                Lang::Zh => format!("列「{col}」"),
                Lang::En => format!("column \"{col}\""),
            });
        }
        if !out.is_empty() {
            out.push_str(lang.pick(": ", "："));
        }
        out.push_str(self.what.get(lang));
        let fix = self.fix.get(lang);
        if !fix.is_empty() {
            out.push_str(lang.pick(" — ", "——"));
            out.push_str(fix);
        }
        crate::domain::text::sanitize_line(&out).into_owned()
    }
}

pub fn bi(en: impl Into<String>, zh: impl Into<String>) -> Bilingual {
    Bilingual::new(en, zh)
}

/// What a file is by its first bytes, whatever its name says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Csv,
    Xlsx,
    Xls,
    Json,
}

impl Kind {
    fn describe(self) -> (&'static str, &'static str) {
        match self {
            Kind::Csv => ("text (CSV)", "文本（CSV）"),
            Kind::Xlsx => {
                ("an Excel workbook (.xlsx) or another zip file", "Excel 工作簿（.xlsx）或其他 zip 文件")
            }
            Kind::Xls => ("an old Excel or Word file (.xls/.doc)", "旧版 Excel 或 Word 文件（.xls/.doc）"),
            Kind::Json => ("JSON", "JSON"),
        }
    }
}

/// Decides what to read the file as: its name and its content must agree.
pub fn kind_of(name: &str, bytes: &[u8]) -> Result<Kind, Problem> {
    let ext =
        std::path::Path::new(name).extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    let by_name = match ext.as_str() {
        "csv" | "txt" => Kind::Csv,
        "xlsx" | "xlsm" => Kind::Xlsx,
        "xls" => Kind::Xls,
        "json" => Kind::Json,
        _ => {
            return Err(Problem::file(
                bi(format!("cannot import a .{ext} file"), format!("不能导入 .{ext} 文件")),
                bi("give a .csv, .xlsx, .xls or .json file", "请提供 .csv、.xlsx、.xls 或 .json 文件"),
            ));
        }
    };
    let by_content = if bytes.starts_with(b"PK\x03\x04") {
        Kind::Xlsx
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        Kind::Xls
    } else if bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes).trim_ascii_start().starts_with(b"{") {
        Kind::Json
    } else {
        Kind::Csv
    };
    // A JSON file is text too: a .csv holding JSON is still not a table.
    if by_name == by_content {
        return Ok(by_name);
    }
    let (want_en, want_zh) = by_name.describe();
    let (is_en, is_zh) = by_content.describe();
    Err(Problem::file(
        bi(
            format!("the file is named .{ext}, which should be {want_en}, but its content is {is_en}"),
            format!("文件扩展名为 .{ext}，应为{want_zh}，但内容是{is_zh}"),
        ),
        bi(
            "save it again from the program that made it, in the format its name says",
            "请在原程序中按扩展名对应的格式重新保存",
        ),
    ))
}

#[cfg(test)]
mod tests;
