//! A list of issues as an Excel workbook: typed cells (times as dates, percentages as numbers),
//! a frozen header, an auto-filter, widths fitted to Chinese text, and a second sheet with the
//! tasks of the listed issues.

use rust_xlsxwriter::{Color, Format, FormatAlign, Workbook, Worksheet, XlsxError};

use crate::domain::text::{sanitize_line, width};
use crate::domain::*;
use crate::i18n::Lang;

/// One cell of the workbook, typed.
enum Value {
    Text(String),
    Time(chrono::NaiveDateTime),
    Date(chrono::NaiveDate),
    Int(i64),
    Percent(f64),
    Empty,
}

struct Sheet {
    widths: Vec<usize>,
    row: u32,
}

impl Sheet {
    fn new(ws: &mut Worksheet, headers: &[&str], head: &Format) -> Result<Sheet, XlsxError> {
        for (c, h) in headers.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, *h, head)?;
        }
        ws.set_freeze_panes(1, 0)?;
        Ok(Sheet { widths: headers.iter().map(|h| width(h)).collect(), row: 0 })
    }

    fn push(&mut self, ws: &mut Worksheet, cells: Vec<Value>, f: &Formats) -> Result<(), XlsxError> {
        self.row += 1;
        let r = self.row;
        for (c, v) in cells.into_iter().enumerate() {
            let col = c as u16;
            let w = match v {
                Value::Text(t) => {
                    // Stored as text, never as a formula: "=1+1" stays "=1+1".
                    let t = sanitize_line(&t).into_owned();
                    ws.write_string(r, col, &t)?;
                    width(&t)
                }
                Value::Time(t) => {
                    ws.write_datetime_with_format(r, col, t, &f.time)?;
                    16
                }
                Value::Date(d) => {
                    ws.write_datetime_with_format(r, col, d, &f.date)?;
                    10
                }
                Value::Int(n) => {
                    ws.write_number(r, col, n as f64)?;
                    n.to_string().len()
                }
                Value::Percent(p) => {
                    ws.write_number_with_format(r, col, p, &f.percent)?;
                    4
                }
                Value::Empty => 0,
            };
            self.widths[c] = self.widths[c].max(w);
        }
        Ok(())
    }

    fn finish(&self, ws: &mut Worksheet) -> Result<(), XlsxError> {
        let last = self.widths.len().saturating_sub(1) as u16;
        ws.autofilter(0, 0, self.row.max(1), last)?;
        for (c, w) in self.widths.iter().enumerate() {
            // Display columns (a Chinese character counts two), plus room for the filter button.
            ws.set_column_width(c as u16, (*w).clamp(6, 60) as f64 + 3.0)?;
        }
        Ok(())
    }
}

struct Formats {
    time: Format,
    date: Format,
    percent: Format,
}

/// The workbook for these records, as bytes.
pub fn list_workbook(
    records: &[IssueRecord],
    people: &[Person],
    depts: &[Department],
    lang: Lang,
) -> Result<Vec<u8>, XlsxError> {
    let l = |zh: &'static str, en: &'static str| lang.pick(en, zh);
    let name = |login: &str| {
        people.iter().find(|p| p.login == login).map_or(login.to_string(), |p| p.display_name.clone())
    };
    let dept =
        |code: &str| depts.iter().find(|d| d.code == code).map_or(code.to_string(), |d| d.name.clone());
    let head =
        Format::new().set_bold().set_background_color(Color::RGB(0xE7E6E6)).set_align(FormatAlign::Center);
    let f = Formats {
        time: Format::new().set_num_format("yyyy-mm-dd hh:mm"),
        date: Format::new().set_num_format("yyyy-mm-dd"),
        percent: Format::new().set_num_format("0%"),
    };
    let mut book = Workbook::new();

    let issues = book.add_worksheet();
    issues.set_name(l("问题清单", "Issues"))?;
    let headers = [
        l("问题编号", "Number"),
        l("标题", "Title"),
        l("优先级", "Priority"),
        l("状态", "Status"),
        l("需升级", "Escalated"),
        l("提出部门", "Proposer dept"),
        l("提出人", "Proposer"),
        l("提出时间", "Proposed at"),
        l("响应时限", "Response due"),
        l("首次响应", "First response"),
        l("涉及部门", "Departments"),
        l("任务数", "Tasks"),
        l("完成率", "Done"),
        l("解决时间", "Resolved at"),
        l("负责人", "Owner"),
        l("反馈人", "Feedback person"),
    ];
    let mut sheet = Sheet::new(issues, &headers, &head)?;
    for r in records {
        let i = &r.issue;
        let done = if r.tasks.is_empty() {
            Value::Empty
        } else {
            let sum: u32 = r.tasks.iter().map(|t| u32::from(t.percent)).sum();
            Value::Percent(f64::from(sum) / r.tasks.len() as f64 / 100.0)
        };
        let res = i.resolution.as_ref();
        let cells = vec![
            Value::Text(i.number.clone()),
            Value::Text(i.title.clone()),
            Value::Text(i.priority.label(lang).into()),
            Value::Text(i.status.label(lang).into()),
            Value::Text(if i.escalated_now() { l("是", "yes").into() } else { String::new() }),
            Value::Text(dept(&i.proposer_dept)),
            Value::Text(name(&i.proposer)),
            Value::Time(i.proposed_at),
            Value::Time(i.response_due_at),
            i.first_response_at.map_or(Value::Empty, Value::Time),
            Value::Text(i.departments.iter().map(|c| dept(c)).collect::<Vec<_>>().join("、")),
            Value::Int(r.tasks.len() as i64),
            done,
            res.map_or(Value::Empty, |x| Value::Time(x.resolved_at)),
            res.map_or(Value::Empty, |x| Value::Text(name(&x.owner))),
            res.map_or(Value::Empty, |x| Value::Text(name(&x.feedback))),
        ];
        sheet.push(issues, cells, &f)?;
    }
    sheet.finish(issues)?;

    let tasks = book.add_worksheet();
    tasks.set_name(l("任务", "Tasks"))?;
    let headers = [
        l("问题编号", "Number"),
        l("序号", "Task"),
        l("部门", "Department"),
        l("任务", "Title"),
        l("负责人", "Owner"),
        l("截止", "Deadline"),
        l("状态", "State"),
        l("进度", "Done"),
    ];
    let mut sheet = Sheet::new(tasks, &headers, &head)?;
    for r in records {
        for t in &r.tasks {
            let cells = vec![
                Value::Text(r.issue.number.clone()),
                Value::Int(t.seq),
                Value::Text(dept(&t.dept)),
                Value::Text(t.title.clone()),
                Value::Text(name(&t.owner)),
                Value::Date(t.deadline),
                Value::Text(t.state.label(lang).into()),
                Value::Percent(f64::from(t.percent) / 100.0),
            ];
            sheet.push(tasks, cells, &f)?;
        }
    }
    sheet.finish(tasks)?;
    book.save_to_buffer()
}
