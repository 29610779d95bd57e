//! liaison's own JSON: what `export --json` writes (departments, people and every issue as
//! `show --json` prints it), read back for an import — the way records move between servers.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Problem, bi};
use crate::domain::*;

pub const FORMAT: &str = "liaison-export";

/// The file `export --json` writes.
#[derive(Debug, Serialize, Deserialize)]
pub struct ExportFile {
    pub format: String,
    pub version: u32,
    #[serde(default)]
    pub departments: Vec<Department>,
    #[serde(default)]
    pub people: Vec<Person>,
    pub issues: Vec<Value>,
}

/// The sections of a record beside the issue's own fields.
#[derive(Debug, Deserialize)]
struct Sections {
    #[serde(default)]
    meetings: Vec<Meeting>,
    #[serde(default)]
    tasks: Vec<Task>,
    #[serde(default)]
    progress: Vec<Progress>,
    #[serde(default)]
    risks: Vec<Risk>,
    #[serde(default)]
    comments: Vec<Comment>,
    #[serde(default)]
    events: Vec<Event>,
}

/// What a JSON file holds: departments and people to add where missing, and the records.
#[derive(Debug, Default)]
pub struct Parsed {
    pub departments: Vec<Department>,
    pub people: Vec<Person>,
    pub records: Vec<(usize, IssueRecord)>,
    pub problems: Vec<Problem>,
}

/// One record from its `show --json` form.
pub fn record(value: &Value) -> Result<IssueRecord, serde_json::Error> {
    let issue = Issue::deserialize(value)?;
    let s = Sections::deserialize(value)?;
    Ok(IssueRecord {
        issue,
        meetings: s.meetings,
        tasks: s.tasks,
        progress: s.progress,
        risks: s.risks,
        comments: s.comments,
        events: s.events,
    })
}

/// Reads an export file, a list of `show --json` objects or a single one.
pub fn parse(text: &str) -> Parsed {
    let mut out = Parsed::default();
    let value: Value = match serde_json::from_str(text.trim_start_matches('\u{FEFF}')) {
        Ok(v) => v,
        Err(e) => {
            out.problems.push(Problem::file(
                bi(
                    format!("not valid JSON (line {}, column {}): {e}", e.line(), e.column()),
                    format!("不是有效的 JSON（第 {} 行第 {} 列）：{e}", e.line(), e.column()),
                ),
                bi(
                    "give the file `liaison export --json` wrote, unchanged",
                    "请使用 `liaison export --json` 导出的原文件",
                ),
            ));
            return out;
        }
    };
    let issues = if value.get("format").is_some() {
        match ExportFile::deserialize(&value) {
            Ok(f) if f.format == FORMAT && f.version == 1 => {
                out.departments = f.departments;
                out.people = f.people;
                f.issues
            }
            Ok(f) => {
                out.problems.push(Problem::file(
                    bi(
                        format!("unknown export format {} version {}", f.format, f.version),
                        format!("未知的导出格式 {} 版本 {}", f.format, f.version),
                    ),
                    bi("export it again with this version of liaison", "请用当前版本的 liaison 重新导出"),
                ));
                return out;
            }
            Err(e) => {
                out.problems.push(Problem::file(
                    bi(format!("not a liaison export: {e}"), format!("不是 liaison 导出文件：{e}")),
                    bi("", ""),
                ));
                return out;
            }
        }
    } else if let Value::Array(items) = value {
        items
    } else {
        vec![value]
    };
    for (n, item) in issues.iter().enumerate() {
        match record(item) {
            Ok(r) => out.records.push((n + 1, r)),
            Err(e) => {
                let number = item.get("number").and_then(Value::as_str).unwrap_or("?");
                out.problems.push(Problem::new(
                    Some(n + 1),
                    Some(number),
                    bi(format!("issue {number} cannot be read: {e}"), format!("问题 {number} 无法读取：{e}")),
                    bi(
                        "give the file `liaison export --json` wrote, unchanged",
                        "请使用 `liaison export --json` 导出的原文件",
                    ),
                ));
            }
        }
    }
    out
}
