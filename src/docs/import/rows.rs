//! Rows of a sheet as issue records: columns found by their header (the template's Chinese field
//! names or English), each cell checked, every problem collected with its row and column.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

pub use super::dates::parse_time;
use serde_json::json;

use super::table::{Table, Value};
use super::{Problem, bi};
use crate::domain::deadline::{ResponseRule, response_due};
use crate::domain::*;

/// The fields a sheet may hold, and the headers each is known by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Number,
    /// The sheet's own row identifier: a row without a number is matched by it on a second run.
    SourceId,
    Title,
    Background,
    Request,
    Departments,
    ProposerDept,
    Proposer,
    ProposerBoth,
    ProposedAt,
    Priority,
    Status,
    FirstResponseAt,
    FirstResponseBy,
    Solution,
    ResolvedAt,
    Owner,
    Feedback,
    Retrospective,
    ArchivedAt,
}

const HEADERS: &[(Field, &[&str])] = &[
    (Field::Number, &["问题编号", "编号", "number", "issue number", "issue no"]),
    (Field::SourceId, &["id", "外部编号", "原编号", "source id"]),
    (Field::Title, &["标题", "问题标题", "title"]),
    (Field::Background, &["背景", "background"]),
    (Field::Request, &["具体诉求", "诉求", "request"]),
    (Field::Departments, &["涉及部门", "departments", "departments involved", "involved"]),
    (Field::ProposerDept, &["提出部门", "proposer dept", "proposer department", "proposing department"]),
    (Field::Proposer, &["提出人", "proposer", "proposed by"]),
    (Field::ProposerBoth, &["提出部门/人", "提出部门人"]),
    (Field::ProposedAt, &["提出时间", "proposed at", "proposed", "proposed time"]),
    (Field::Priority, &["优先级", "priority"]),
    (Field::Status, &["状态", "status"]),
    (Field::FirstResponseAt, &["首次响应时间", "首次响应", "first response", "first response at"]),
    (Field::FirstResponseBy, &["首次响应人", "first response by"]),
    (Field::Solution, &["解决方案", "solution"]),
    (Field::ResolvedAt, &["解决时间", "resolved at", "resolved"]),
    (Field::Owner, &["负责人", "owner"]),
    (Field::Feedback, &["反馈人", "feedback", "feedback person"]),
    (Field::Retrospective, &["复盘", "retrospective", "retro"]),
    (Field::ArchivedAt, &["归档时间", "archived at", "archived"]),
];

fn normal(header: &str) -> String {
    header
        .trim()
        .trim_start_matches('\u{FEFF}')
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('_', " ")
}

/// What rows are read against: the people and departments known (in the database, or about to
/// be), the response rules and calendar, who imports, when, and from which file.
pub struct RowContext<'a> {
    pub people: &'a [Person],
    pub depts: &'a [Department],
    pub settings: Settings,
    pub calendar: &'a Calendar,
    pub importer: &'a str,
    pub now: NaiveDateTime,
    pub file: &'a str,
}

/// Every row as a record (with its row number), or the problems found.
pub fn records(table: &Table, cx: &RowContext) -> (Vec<(usize, IssueRecord)>, Vec<Problem>) {
    let mut problems = table.problems.clone();
    let mut columns: Vec<(Field, usize)> = Vec::new();
    for (i, h) in table.headers.iter().enumerate() {
        let n = normal(h);
        if let Some((field, _)) = HEADERS.iter().find(|(_, names)| names.iter().any(|x| normal(x) == n)) {
            if columns.iter().any(|(f, _)| f == field) {
                problems.push(Problem::new(
                    Some(1),
                    Some(h),
                    bi("a second column for the same field", "同一字段出现了两列"),
                    bi("delete one of them", "请删除其中一列"),
                ));
            } else {
                columns.push((*field, i));
            }
        }
    }
    let has = |f: Field| columns.iter().any(|(x, _)| *x == f);
    let mut required = vec![
        (Field::Title, "标题 / title"),
        (Field::Background, "背景 / background"),
        (Field::Request, "具体诉求 / request"),
        (Field::Departments, "涉及部门 / departments"),
        (Field::ProposedAt, "提出时间 / proposed at"),
    ];
    if !has(Field::ProposerBoth) {
        required.push((Field::ProposerDept, "提出部门 / proposer dept"));
        required.push((Field::Proposer, "提出人 / proposer"));
    }
    for (f, name) in required {
        if !has(f) {
            problems.push(Problem::new(
                Some(1),
                Some(name),
                bi("this column is missing", "缺少这一列"),
                bi(
                    format!("add a column headed \"{}\"", name.split(" / ").nth(1).unwrap_or(name)),
                    format!("请添加表头为「{}」的列", name.split(" / ").next().unwrap_or(name)),
                ),
            ));
        }
    }
    if problems.iter().any(|p| p.row == Some(1)) {
        return (Vec::new(), problems);
    }
    let mut out = Vec::new();
    for (row, cells) in &table.rows {
        let mut reader = RowReader {
            row: *row,
            cells,
            columns: &columns,
            headers: &table.headers,
            problems: &mut problems,
        };
        if let Some(record) = reader.record(cx) {
            out.push((*row, record));
        }
    }
    (out, problems)
}

struct RowReader<'a> {
    row: usize,
    cells: &'a [Value],
    columns: &'a [(Field, usize)],
    headers: &'a [String],
    problems: &'a mut Vec<Problem>,
}

impl RowReader<'_> {
    fn cell(&self, f: Field) -> Option<(&Value, &str)> {
        let (_, i) = self.columns.iter().find(|(x, _)| *x == f)?;
        Some((self.cells.get(*i).unwrap_or(&Value::Empty), self.headers[*i].as_str()))
    }

    fn flag(&mut self, col: &str, what: (String, String), fix: (String, String)) {
        self.problems.push(Problem::new(Some(self.row), Some(col), bi(what.0, what.1), bi(fix.0, fix.1)));
    }

    /// The cell as text, or None when blank; a formula or an error cell is a problem.
    fn text(&mut self, f: Field) -> Option<String> {
        let (v, col) = self.cell(f)?;
        let col = col.to_string();
        match v.clone() {
            Value::Empty => None,
            Value::Text(t) => Some(crate::domain::text::clean_input(&t)).filter(|t| !t.is_empty()),
            Value::Number(n) if n.fract() == 0.0 => Some(format!("{}", n as i64)),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Time(t) => Some(t.format("%Y-%m-%d %H:%M").to_string()),
            Value::Formula(formula) => {
                self.flag(
                    &col,
                    (
                        format!("a formula (={formula}), not a value"),
                        format!("单元格是公式（={formula}），不是值"),
                    ),
                    (
                        "copy the column and paste it as values".into(),
                        "请复制该列并「选择性粘贴 → 数值」".into(),
                    ),
                );
                None
            }
            Value::Error(e) => {
                self.flag(
                    &col,
                    (format!("an error cell ({e})"), format!("单元格显示错误（{e}）")),
                    ("put the value itself in the cell".into(), "请填写实际内容".into()),
                );
                None
            }
        }
    }

    fn required(&mut self, f: Field, name: (&str, &str)) -> Option<String> {
        let got = self.text(f);
        if got.is_none()
            && self.cell(f).is_some_and(|(v, _)| !matches!(v, Value::Formula(_) | Value::Error(_)))
        {
            let col = self.cell(f).map(|(_, c)| c.to_string()).unwrap_or_default();
            self.flag(
                &col,
                (format!("{} is empty", name.0), format!("{}为空", name.1)),
                (format!("write the {}", name.0), format!("请填写{}", name.1)),
            );
        }
        got
    }

    fn time(&mut self, f: Field) -> Option<NaiveDateTime> {
        let (v, col) = self.cell(f)?;
        let col = col.to_string();
        match v.clone() {
            Value::Time(t) => Some(t),
            Value::Number(n) if (1.0..2_958_466.0).contains(&n) => {
                // An Excel serial date (days since 1899-12-30).
                let base = NaiveDate::from_ymd_opt(1899, 12, 30)?.and_time(NaiveTime::MIN);
                Some(base + chrono::Duration::seconds((n * 86_400.0).round() as i64))
            }
            _ => {
                let text = self.text(f)?;
                let parsed = parse_time(&text);
                if parsed.is_none() {
                    self.flag(
                        &col,
                        (format!("\"{text}\" is not a date"), format!("「{text}」不是日期")),
                        (
                            "write e.g. 2023-10-25 09:30, 2023/10/25 9:30, 2023年10月25日 09:30, 2023.10.25 or 20231025".into(),
                            "请写成 2023-10-25 09:30、2023/10/25 9:30、2023年10月25日 09:30、2023.10.25 或 20231025".into(),
                        ),
                    );
                }
                parsed
            }
        }
    }

    fn person(&mut self, f: Field, cx: &RowContext, text: Option<String>) -> Option<String> {
        let text = text.or_else(|| self.text(f))?;
        let col = self.cell(f).map(|(_, c)| c.to_string()).unwrap_or_default();
        if let Some(p) = cx.people.iter().find(|p| p.login == text) {
            return Some(p.login.clone());
        }
        let by_name: Vec<&Person> = cx.people.iter().filter(|p| p.display_name == text).collect();
        match by_name.as_slice() {
            [one] => Some(one.login.clone()),
            [] => {
                self.flag(
                    &col,
                    (
                        format!("nobody named \"{text}\" is registered"),
                        format!("没有登记名为「{text}」的人员"),
                    ),
                    (
                        "register them first (liaison user add), or write their login".into(),
                        "请先登记该人员（liaison user add），或填写其登录名".into(),
                    ),
                );
                None
            }
            many => {
                let logins: Vec<&str> = many.iter().map(|p| p.login.as_str()).collect();
                self.flag(
                    &col,
                    (format!("several people are named \"{text}\""), format!("有多人名为「{text}」")),
                    (
                        format!("write the login instead: {}", logins.join(", ")),
                        format!("请改填登录名：{}", logins.join("、")),
                    ),
                );
                None
            }
        }
    }

    fn dept(&mut self, col: &str, cx: &RowContext, text: &str) -> Option<String> {
        let t = text.trim();
        if let Some(d) = cx.depts.iter().find(|d| d.code.eq_ignore_ascii_case(t) || d.name == t) {
            return Some(d.code.clone());
        }
        let known: Vec<String> = cx.depts.iter().map(|d| format!("{} ({})", d.name, d.code)).collect();
        self.flag(
            col,
            (format!("unknown department \"{t}\""), format!("未知部门「{t}」")),
            (format!("write one of: {}", known.join(", ")), format!("请填写：{}", known.join("、"))),
        );
        None
    }

    fn record(&mut self, cx: &RowContext) -> Option<IssueRecord> {
        let before = self.problems.len();
        let number = self.text(Field::Number).unwrap_or_default();
        let source_id = self.text(Field::SourceId);
        if !number.is_empty() && crate::domain::number::parse_number(&number).is_none() {
            self.flag(
                "问题编号 / number",
                (format!("\"{number}\" is not an issue number"), format!("「{number}」不是问题编号")),
                (
                    "write e.g. 20231025-RD-001 or RD-001, or leave it empty for a new number".into(),
                    "请写成 20231025-RD-001 或 RD-001，或留空以自动编号".into(),
                ),
            );
        }
        let title = self.required(Field::Title, ("title", "标题"));
        let background = self.required(Field::Background, ("background", "背景"));
        let request = self.required(Field::Request, ("request", "具体诉求"));
        let (mut dept_text, mut proposer_text) = (None, None);
        if self.cell(Field::ProposerBoth).is_some() {
            if let Some(both) = self.required(Field::ProposerBoth, ("proposer", "提出部门/人")) {
                let mut parts = both.splitn(2, ['/', '／']);
                dept_text = parts.next().map(|s| s.trim().to_string());
                proposer_text = parts.next().map(|s| s.trim().to_string());
            }
        } else {
            dept_text = self.required(Field::ProposerDept, ("proposer department", "提出部门"));
            proposer_text = self.required(Field::Proposer, ("proposer", "提出人"));
        }
        let dept_col = self
            .cell(Field::ProposerDept)
            .or(self.cell(Field::ProposerBoth))
            .map(|(_, c)| c.to_string())
            .unwrap_or_default();
        let proposer_dept = dept_text.and_then(|t| self.dept(&dept_col, cx, &t));
        let proposer_field =
            if self.cell(Field::ProposerBoth).is_some() { Field::ProposerBoth } else { Field::Proposer };
        let proposer = proposer_text.and_then(|t| self.person(proposer_field, cx, Some(t)));
        let mut departments = Vec::new();
        if let Some(list) = self.required(Field::Departments, ("departments involved", "涉及部门")) {
            let col = self.cell(Field::Departments).map(|(_, c)| c.to_string()).unwrap_or_default();
            for part in list.split([',', '，', '、', ';', '；', '/', ' ']).filter(|s| !s.trim().is_empty())
            {
                if let Some(code) = self.dept(&col, cx, part)
                    && !departments.contains(&code)
                {
                    departments.push(code);
                }
            }
        }
        let proposed_at = self.time(Field::ProposedAt);
        if self.cell(Field::ProposedAt).is_some() && proposed_at.is_none() && self.problems.len() == before {
            self.flag(
                "提出时间 / proposed at",
                ("the time is empty".into(), "提出时间为空".into()),
                ("write when the issue was raised".into(), "请填写提出时间".into()),
            );
        }
        let priority = match self.text(Field::Priority) {
            None => Priority::Medium,
            Some(t) => {
                let t2 = t.trim_start_matches(['□', '☑', '■']).to_string();
                Priority::parse(&t2).or_else(|| Priority::parse(&t2.replace("优先", ""))).or_else(|| {
                    let col = self.cell(Field::Priority).map(|(_, c)| c.to_string()).unwrap_or_default();
                    self.flag(
                        &col,
                        (format!("\"{t}\" is not a priority"), format!("「{t}」不是优先级")),
                        ("write 高, 中 or 低 (high, medium, low)".into(), "请填写 高、中 或 低".into()),
                    );
                    None
                })?
            }
        };
        let solution = self.text(Field::Solution);
        let resolved_at = self.time(Field::ResolvedAt);
        let retrospective = self.text(Field::Retrospective);
        let archived_at = self.time(Field::ArchivedAt);
        let status = match self.text(Field::Status) {
            None if retrospective.is_some() => Status::Archived,
            None if solution.is_some() => Status::Resolved,
            None => Status::Registered,
            Some(t) => match Status::parse(&t).or_else(|| template_status(&t)) {
                Some(s) => s,
                None => {
                    let col = self.cell(Field::Status).map(|(_, c)| c.to_string()).unwrap_or_default();
                    self.flag(
                        &col,
                        (format!("\"{t}\" is not a status"), format!("「{t}」不是状态")),
                        (
                            format!("write one of: {}", Status::codes()),
                            "请填写：已登记、进行中、待验收、已解决、已归档".into(),
                        ),
                    );
                    return None;
                }
            },
        };
        let first_at = self.time(Field::FirstResponseAt);
        let first_by = self.person(Field::FirstResponseBy, cx, None);
        let owner = self.person(Field::Owner, cx, None);
        let feedback = self.person(Field::Feedback, cx, None);
        if self.problems.len() > before {
            return None;
        }
        let (title, background, request, proposer_dept, proposer, proposed_at) =
            (title?, background?, request?, proposer_dept?, proposer?, proposed_at?);
        if proposed_at > cx.now {
            self.flag(
                "提出时间 / proposed at",
                ("the time is in the future".into(), "提出时间晚于现在".into()),
                ("write when the issue was really raised".into(), "请填写实际提出时间".into()),
            );
            return None;
        }
        let solved = matches!(status, Status::AwaitingAcceptance | Status::Resolved | Status::Archived);
        let resolution = if solved {
            let Some(solution) = solution else {
                self.flag(
                    "解决方案 / solution",
                    (
                        format!("a {} issue needs its solution", status.code()),
                        format!("状态为「{}」需要填写解决方案", status.label(crate::i18n::Lang::Zh)),
                    ),
                    (
                        "fill in 解决方案, or set the status to 进行中".into(),
                        "请填写解决方案，或将状态改为进行中".into(),
                    ),
                );
                return None;
            };
            let Some(resolved_at) = resolved_at else {
                self.flag(
                    "解决时间 / resolved at",
                    ("the resolution time is missing".into(), "缺少解决时间".into()),
                    ("add a 解决时间 column and fill it in".into(), "请添加「解决时间」列并填写".into()),
                );
                return None;
            };
            if resolved_at < proposed_at || resolved_at > cx.now {
                self.flag(
                    "解决时间 / resolved at",
                    (
                        "resolved before it was raised, or in the future".into(),
                        "解决时间早于提出时间或晚于现在".into(),
                    ),
                    ("check the two dates".into(), "请核对两个时间".into()),
                );
                return None;
            }
            Some(Resolution {
                solution,
                resolved_at,
                owner: owner.unwrap_or_else(|| proposer.clone()),
                feedback: feedback.unwrap_or_else(|| proposer.clone()),
            })
        } else {
            None
        };
        let imported = cx.lang_pick("imported historical record", "导入的历史记录");
        let acceptance = match (&resolution, status) {
            (Some(res), Status::Resolved | Status::Archived) => Some(Acceptance {
                accepted: true,
                by: res.feedback.clone(),
                proxy: Some(Proxy { by: cx.importer.to_string(), reason: Some(imported.clone()) }),
                at: res.resolved_at,
                reason: None,
            }),
            _ => None,
        };
        let archived_at = if status == Status::Archived {
            archived_at.or(resolution.as_ref().map(|r| r.resolved_at))
        } else {
            None
        };
        let (first_response_at, first_response_by) = match (first_at, first_by) {
            (Some(a), Some(b)) if status != Status::Registered => (Some(a), Some(b)),
            _ => (None, None),
        };
        let response_waived = (solved && first_response_at.is_none()).then(|| imported.clone());
        let rule = cx.settings.response.rule(priority);
        let latest = [Some(proposed_at), resolution.as_ref().map(|r| r.resolved_at), archived_at]
            .into_iter()
            .flatten()
            .max()
            .unwrap_or(proposed_at);
        let issue = Issue {
            id: 0,
            number,
            proposer_dept,
            proposer,
            proposed_at,
            priority,
            title,
            background,
            request,
            departments,
            status,
            response_due_at: response_due(proposed_at, rule, cx.calendar),
            response_in_hours: matches!(rule, ResponseRule::Hours(_)),
            first_response_at,
            first_response_by,
            response_waived,
            escalations: Vec::new(),
            resolution,
            acceptance,
            retrospective: if status == Status::Archived { retrospective } else { None },
            archived_at,
            version: 1,
            updated_at: latest,
            updated_by: cx.importer.to_string(),
        };
        let event = Event {
            id: 0,
            issue_number: None,
            at: cx.now,
            actor: cx.importer.to_string(),
            on_behalf_of: None,
            kind: EventKind::Registered,
            before: serde_json::Value::Null,
            after: json!({
                "imported": {"file": cx.file, "row": self.row, "id": source_id},
                "title": issue.title, "priority": issue.priority, "status": issue.status,
                "proposed_at": local_time::rfc3339(&issue.proposed_at),
            }),
        };
        Some(IssueRecord {
            issue,
            meetings: vec![],
            tasks: vec![],
            progress: vec![],
            risks: vec![],
            comments: vec![],
            events: vec![event],
        })
    }
}

impl RowContext<'_> {
    fn lang_pick(&self, en: &str, zh: &str) -> String {
        // Stored text follows the data's language: the template is Chinese.
        let _ = en;
        zh.to_string()
    }
}

/// The template's three boxes as statuses: 进行中, 已解决, 需升级 (an escalation is not imported).
fn template_status(text: &str) -> Option<Status> {
    match text.trim().trim_start_matches(['□', '☑', '■']) {
        "进行中" | "需升级" => Some(Status::InProgress),
        "已解决" | "已完成" | "已关闭" => Some(Status::Resolved),
        "待验收" => Some(Status::AwaitingAcceptance),
        "已归档" => Some(Status::Archived),
        "已登记" | "新建" => Some(Status::Registered),
        _ => None,
    }
}
