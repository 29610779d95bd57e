//! A sheet of rows from a CSV file or an Excel workbook, with each cell's type kept (text,
//! number, date, formula, error) and each row's number as the spreadsheet program shows it.

use std::io::Cursor;

use calamine::{Data, Reader, Xls, Xlsx, open_workbook_from_rs};
use chrono::NaiveDateTime;

use super::{Kind, Problem, bi};

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Empty,
    Text(String),
    Number(f64),
    Time(NaiveDateTime),
    Bool(bool),
    /// A cell that holds a formula: its text.
    Formula(String),
    /// A cell showing an error (#REF!, #N/A…).
    Error(String),
}

impl Value {
    pub fn is_empty(&self) -> bool {
        match self {
            Value::Empty => true,
            Value::Text(t) => t.trim().is_empty(),
            _ => false,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Table {
    pub headers: Vec<String>,
    /// (row number, cells) for every row after the header that is not blank.
    pub rows: Vec<(usize, Vec<Value>)>,
    /// Problems with the table's shape: rows of the wrong length, merged cells.
    pub problems: Vec<Problem>,
}

/// Reads a CSV or Excel file's bytes into a table. `sheet` picks a worksheet by name.
pub fn read(kind: Kind, bytes: &[u8], sheet: Option<&str>) -> Result<Table, Problem> {
    match kind {
        Kind::Csv => read_csv(bytes),
        Kind::Xlsx | Kind::Xls => read_workbook(kind, bytes, sheet),
        Kind::Json => Err(Problem::file(bi("not a table", "不是表格"), bi("", ""))),
    }
}

/// The text of a CSV file: UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030 (which
/// GBK and GB2312 are subsets of). Anything else is refused rather than guessed.
pub fn decode(bytes: &[u8]) -> Result<String, Problem> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return std::str::from_utf8(rest).map(str::to_string).map_err(|e| bad_encoding(e.valid_up_to() + 3));
    }
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, bad) = enc.decode_without_bom_handling(&bytes[bom..]);
        if !bad {
            return Ok(text.into_owned());
        }
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(text.to_string());
    }
    if bytes.contains(&0) {
        return Err(Problem::file(
            bi("the file is binary, not text", "文件是二进制内容，不是文本"),
            bi(
                "export the sheet as CSV (UTF-8) or give the .xlsx itself",
                "请将表格另存为 CSV（UTF-8），或直接导入 .xlsx",
            ),
        ));
    }
    match encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(bytes) {
        Some(text)
            if !text
                .chars()
                .any(|c| crate::domain::text::is_control(c) && !matches!(c, '\r' | '\n' | '\t')) =>
        {
            Ok(text.into_owned())
        }
        _ => Err(bad_encoding(std::str::from_utf8(bytes).err().map_or(0, |e| e.valid_up_to()))),
    }
}

fn bad_encoding(at: usize) -> Problem {
    Problem::file(
        bi(
            format!("unknown text encoding (byte {at} is neither UTF-8 nor GB18030/GBK)"),
            format!("无法识别的文本编码（第 {at} 字节既不是 UTF-8 也不是 GB18030/GBK）"),
        ),
        bi(
            "save the file as \"CSV UTF-8\" (Excel: Save As → CSV UTF-8; WPS: 另存为 → CSV, UTF-8)",
            "请另存为「CSV UTF-8」（Excel：另存为 → CSV UTF-8；WPS：另存为 → CSV，编码选 UTF-8）",
        ),
    )
}

fn read_csv(bytes: &[u8]) -> Result<Table, Problem> {
    let text = decode(bytes)?;
    let first = text.lines().next().unwrap_or("");
    // Excel's "Unicode text" is tab-separated; some locales use semicolons.
    let delimiter =
        [b',', b'\t', b';'].into_iter().max_by_key(|d| first.matches(*d as char).count()).unwrap_or(b',');
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut table = Table::default();
    let mut header_len = 0;
    for (n, record) in reader.records().enumerate() {
        let record = record.map_err(|e| {
            let row = e.position().map(|p| p.line() as usize);
            Problem::new(
                row,
                None,
                bi(format!("the CSV cannot be read: {e}"), format!("CSV 无法读取：{e}")),
                bi("check the quotes on that line", "请检查该行的引号是否成对"),
            )
        })?;
        let row = record.position().map_or(n + 1, |p| p.line() as usize);
        let cells: Vec<String> = record.iter().map(str::to_string).collect();
        if n == 0 {
            header_len = cells.len();
            table.headers = cells;
            continue;
        }
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if cells.len() != header_len {
            table.problems.push(Problem::new(
                Some(row),
                None,
                bi(
                    format!("{} columns, but the header has {header_len}", cells.len()),
                    format!("有 {} 列，但表头有 {header_len} 列", cells.len()),
                ),
                bi(
                    "put text with commas in quotes, and give every row the header's columns",
                    "含逗号的内容请用英文双引号括起，每行的列数须与表头一致",
                ),
            ));
            continue;
        }
        table.rows.push((row, cells.into_iter().map(Value::Text).collect()));
    }
    Ok(table)
}

fn damaged(e: impl std::fmt::Display) -> Problem {
    Problem::file(
        bi(
            format!("the workbook cannot be read (damaged or truncated?): {e}"),
            format!("工作簿无法读取（文件损坏或不完整？）：{e}"),
        ),
        bi("open it in Excel or WPS and save it again", "请用 Excel 或 WPS 打开后重新保存"),
    )
}

fn read_workbook(kind: Kind, bytes: &[u8], sheet: Option<&str>) -> Result<Table, Problem> {
    let cursor = Cursor::new(bytes.to_vec());
    let mut merges = Vec::new();
    let (names, range, formulas) = if kind == Kind::Xlsx {
        let mut book: Xlsx<_> = open_workbook_from_rs(cursor).map_err(damaged)?;
        let name = pick_sheet(book.sheet_names(), sheet)?;
        merges = book.merge_cells_by_sheet_name(&name).map_err(damaged)?;
        let range = book.worksheet_range(&name).map_err(damaged)?;
        let formulas = book.worksheet_formula(&name).ok();
        (name, range, formulas)
    } else {
        let mut book: Xls<_> = open_workbook_from_rs(cursor).map_err(damaged)?;
        let name = pick_sheet(book.sheet_names(), sheet)?;
        let range = book.worksheet_range(&name).map_err(damaged)?;
        let formulas = book.worksheet_formula(&name).ok();
        (name, range, formulas)
    };
    let _ = names;
    let mut table = Table::default();
    for m in &merges {
        let (r0, c0) = m.start;
        let (r1, c1) = m.end;
        table.problems.push(Problem::new(
            Some(r0 as usize + 1),
            Some(&format!("{}{}:{}{}", column_name(c0), r0 + 1, column_name(c1), r1 + 1)),
            bi("merged cells", "合并单元格"),
            bi(
                "unmerge them and fill in every cell (Excel: Merge & Center → Unmerge)",
                "请取消合并并在每个单元格中填写内容",
            ),
        ));
    }
    let Some((top, left)) = range.start() else {
        return Ok(table);
    };
    let formula_at = |r: u32, c: u32| -> Option<String> {
        let f = formulas.as_ref()?.get_value((r, c))?;
        (!f.is_empty()).then(|| f.clone())
    };
    let mut header_seen = false;
    for (i, row) in range.rows().enumerate() {
        let r = top + i as u32;
        let cells: Vec<Value> = row
            .iter()
            .enumerate()
            .map(|(j, d)| {
                let c = left + j as u32;
                match formula_at(r, c) {
                    Some(f) => Value::Formula(f),
                    None => value(d),
                }
            })
            .collect();
        if cells.iter().all(Value::is_empty) {
            continue;
        }
        if !header_seen {
            header_seen = true;
            // Columns left of the range are empty; keep positions as the sheet has them.
            let mut headers = vec![String::new(); left as usize];
            headers.extend(cells.iter().map(|v| match v {
                Value::Text(t) => t.clone(),
                Value::Number(n) => n.to_string(),
                _ => String::new(),
            }));
            table.headers = headers;
            continue;
        }
        let mut full = vec![Value::Empty; left as usize];
        full.extend(cells);
        table.rows.push((r as usize + 1, full));
    }
    Ok(table)
}

fn pick_sheet(names: Vec<String>, wanted: Option<&str>) -> Result<String, Problem> {
    match wanted {
        None => names.into_iter().next().ok_or_else(|| damaged("no worksheet")),
        Some(w) => names.iter().find(|n| n.as_str() == w).cloned().ok_or_else(|| {
            Problem::file(
                bi(format!("no worksheet named \"{w}\""), format!("没有名为「{w}」的工作表")),
                bi(format!("choose one of: {}", names.join(", ")), format!("可选：{}", names.join("、"))),
            )
        }),
    }
}

fn value(d: &Data) -> Value {
    match d {
        Data::Empty => Value::Empty,
        Data::String(s) => Value::Text(s.clone()),
        Data::Int(i) => Value::Number(*i as f64),
        Data::Float(f) => Value::Number(*f),
        Data::Bool(b) => Value::Bool(*b),
        Data::DateTime(t) => t.as_datetime().map_or(Value::Number(t.as_f64()), Value::Time),
        Data::DateTimeIso(s) | Data::DurationIso(s) => Value::Text(s.clone()),
        Data::Error(e) => Value::Error(e.to_string()),
    }
}

/// A spreadsheet column's letters: 0 → A, 26 → AA.
pub fn column_name(mut c: u32) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (c % 26) as u8);
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}
