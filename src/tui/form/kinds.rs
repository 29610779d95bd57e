//! Every action's form: which fields it asks for, what it checks before opening (the status
//! machine and permissions), what it shows as you type, and the one store call it makes.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use super::picker::Item;
use super::{Field, Form, Kind, Spec};
use crate::domain::permission::{self, Scope};
use crate::domain::status::{self, Action, TransitionError};
use crate::domain::when::{self, Ahead, When};
use crate::domain::*;
use crate::i18n::Lang;
use crate::store::{
    Ctx, MeetingInput, ProgressInput, Registration, RiskInput, Store, StoreError, TaskInput, TaskUpdate,
};

/// The forms, one per thing a person does to an issue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FormKind {
    Register,
    Edit,
    Acknowledge,
    Comment,
    Meeting,
    Minutes,
    AddTask,
    EditTask,
    Progress,
    Risk,
    Escalate,
    Resolve,
    Accept,
    Refuse,
    Archive,
}

/// What a form needs to know besides what is typed.
pub struct Env<'a> {
    pub me: &'a Person,
    pub people: &'a [Person],
    pub departments: &'a [Department],
    pub calendar: &'a Calendar,
    pub now: NaiveDateTime,
    pub lang: Lang,
    /// The issue the form is about (none when registering).
    pub record: Option<&'a IssueRecord>,
}

/// A line under the fields, said as you type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub level: Level,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Warning,
    Error,
}

/// Why a submission did not go through: a field to fix, or the store's refusal.
#[derive(Debug)]
pub enum Problem {
    Field(usize, String),
    Store(StoreError),
}

impl From<StoreError> for Problem {
    fn from(e: StoreError) -> Problem {
        Problem::Store(e)
    }
}

/// A change that can be taken back: the values before it, and the version it made. Taking it
/// back is refused when anyone changed the issue since.
#[derive(Debug, Clone)]
pub enum Undo {
    Description { number: String, version: i64, before: IssueDraft },
    Task { number: String, version: i64, seq: i64, before: TaskUpdate },
}

/// A submission that went through.
pub struct Done {
    pub message: String,
    /// The issue to select afterwards (a new registration).
    pub select: Option<String>,
    pub undo: Option<Undo>,
}

impl FormKind {
    pub const ALL: [FormKind; 15] = [
        FormKind::Register,
        FormKind::Edit,
        FormKind::Acknowledge,
        FormKind::Comment,
        FormKind::Meeting,
        FormKind::Minutes,
        FormKind::AddTask,
        FormKind::EditTask,
        FormKind::Progress,
        FormKind::Risk,
        FormKind::Escalate,
        FormKind::Resolve,
        FormKind::Accept,
        FormKind::Refuse,
        FormKind::Archive,
    ];

    pub fn action(self) -> Action {
        match self {
            FormKind::Register => Action::Register,
            FormKind::Edit => Action::EditDescription,
            FormKind::Acknowledge => Action::Acknowledge,
            FormKind::Comment => Action::Comment,
            FormKind::Meeting => Action::RecordMeeting,
            FormKind::Minutes => Action::AnswerMinutes,
            FormKind::AddTask => Action::AddTask,
            FormKind::EditTask => Action::UpdateTask,
            FormKind::Progress => Action::AddProgress,
            FormKind::Risk => Action::RaiseRisk,
            FormKind::Escalate => Action::Escalate,
            FormKind::Resolve => Action::Resolve,
            FormKind::Accept => Action::Accept,
            FormKind::Refuse => Action::Refuse,
            FormKind::Archive => Action::Archive,
        }
    }

    /// The form's title, and how the keymap and palette name it.
    pub fn title(self, lang: Lang) -> &'static str {
        match self {
            FormKind::Register => lang.pick("Register an issue", "登记问题"),
            FormKind::Edit => lang.pick("Edit the description", "修改问题描述"),
            FormKind::Acknowledge => lang.pick("Acknowledge (received)", "确认收到"),
            FormKind::Comment => lang.pick("Comment", "评论"),
            FormKind::Meeting => lang.pick("Record a meeting", "记录沟通会议"),
            FormKind::Minutes => lang.pick("Confirm or object to minutes", "确认会议纪要"),
            FormKind::AddTask => lang.pick("Add a task", "新增任务"),
            FormKind::EditTask => lang.pick("Update a task", "更新任务"),
            FormKind::Progress => lang.pick("Progress update", "更新进度"),
            FormKind::Risk => lang.pick("Risk alert", "风险预警"),
            FormKind::Escalate => lang.pick("Escalate", "升级"),
            FormKind::Resolve => lang.pick("Enter the solution", "填写解决结果"),
            FormKind::Accept => lang.pick("Accept the result", "验收通过"),
            FormKind::Refuse => lang.pick("Refuse acceptance", "验收不通过"),
            FormKind::Archive => lang.pick("Archive with a retrospective", "归档与复盘"),
        }
    }

    /// The name in the configuration's `[keys]` table.
    pub fn name(self) -> &'static str {
        match self {
            FormKind::Register => "register",
            FormKind::Edit => "edit",
            FormKind::Acknowledge => "acknowledge",
            FormKind::Comment => "comment",
            FormKind::Meeting => "meeting",
            FormKind::Minutes => "minutes",
            FormKind::AddTask => "add_task",
            FormKind::EditTask => "edit_task",
            FormKind::Progress => "progress",
            FormKind::Risk => "risk",
            FormKind::Escalate => "escalate",
            FormKind::Resolve => "resolve",
            FormKind::Accept => "accept",
            FormKind::Refuse => "refuse",
            FormKind::Archive => "archive",
        }
    }

    /// The word on the submit key: `Ctrl-S register`.
    pub fn verb(self, lang: Lang) -> &'static str {
        match self {
            FormKind::Register => lang.pick("register", "登记"),
            FormKind::Accept => lang.pick("accept", "验收通过"),
            FormKind::Refuse => lang.pick("refuse", "不通过"),
            FormKind::Archive => lang.pick("archive", "归档"),
            _ => lang.pick("save", "保存"),
        }
    }

    /// The question asked before the change is made, for the ones that cannot be taken back.
    pub fn confirmation(self, number: &str, lang: Lang) -> Option<String> {
        match (self, lang) {
            (FormKind::Archive, Lang::En) => Some(format!(
                "Archive {number}? It becomes read-only for everyone. y archive · n keep editing"
            )),
            (FormKind::Archive, Lang::Zh) => {
                Some(format!("确定归档 {number}?归档后所有人只读。y 归档 · n 继续编辑"))
            }
            (FormKind::Refuse, Lang::En) => Some(format!(
                "Refuse acceptance of {number}? It goes back to in progress. y refuse · n keep editing"
            )),
            (FormKind::Refuse, Lang::Zh) => {
                Some(format!("确定 {number} 验收不通过?问题将退回进行中。y 确定 · n 继续编辑"))
            }
            _ => None,
        }
    }

    /// Whether the form is about an existing issue.
    pub fn on_issue(self) -> bool {
        self != FormKind::Register
    }
}

fn priority_choices(lang: Lang) -> Kind {
    Kind::Choice(Priority::ALL.iter().map(|p| (p.code().to_string(), p.label(lang).to_string())).collect())
}

fn departments(env: &Env) -> Vec<Item> {
    env.departments.iter().map(Item::department).collect()
}

fn people(env: &Env) -> Vec<Item> {
    env.people.iter().map(Item::person).collect()
}

fn task_label(t: &Task, lang: Lang) -> String {
    format!("#{} {} {} · {} {}%", t.seq, t.dept, t.title, t.state.label(lang), t.percent)
}

fn is_pending_for(m: &Meeting, login: &str) -> bool {
    m.participants.iter().any(|p| p.login == login && p.confirmation == Confirmation::Pending)
}

fn open_tasks(record: &IssueRecord) -> impl Iterator<Item = &Task> + Clone {
    record.tasks.iter().filter(|t| t.state != TaskState::Done)
}

/// The task a person most likely means: the first open one of their department.
fn likely_task<'a>(tasks: impl Iterator<Item = &'a Task> + Clone, me: &Person) -> Option<&'a Task> {
    tasks.clone().find(|t| t.dept == me.dept || t.owner == me.login).or_else(|| tasks.clone().next())
}

/// Checks the status machine and the permissions before a form opens. The refusal says why and
/// who can.
pub fn preflight(kind: FormKind, env: &Env) -> Result<(), String> {
    let lang = env.lang;
    let me = env.me;
    let Some(record) = env.record.filter(|_| kind.on_issue()) else {
        let scope = Scope {
            proposer_dept: &me.dept,
            involved: &[],
            target_dept: Some(&me.dept),
            target_person: None,
        };
        return match kind {
            FormKind::Register => {
                permission::check(me, Action::Register, &scope, lang).map_err(|d| d.message(lang))
            }
            _ => Err(lang.pick("Select an issue first.", "请先选择一个问题。").to_string()),
        };
    };
    let issue = &record.issue;
    let action = kind.action();
    let allowed = status::allowed(issue.status);
    if !allowed.contains(&action) {
        return Err(TransitionError { status: issue.status, action, allowed }.message(lang));
    }
    let feedback = issue.resolution.as_ref().map(|r| r.feedback.as_str());
    let target_person = match kind {
        FormKind::Minutes => Some(me.login.as_str()),
        FormKind::Accept | FormKind::Refuse => feedback,
        _ => None,
    };
    let scope = Scope {
        proposer_dept: &issue.proposer_dept,
        involved: &issue.departments,
        target_dept: None,
        target_person,
    };
    permission::check(me, action, &scope, lang).map_err(|d| d.message(lang))?;
    match kind {
        FormKind::Minutes if !record.meetings.iter().any(|m| is_pending_for(m, &me.login)) => Err(lang
            .pick(
                "No minutes wait on your confirmation: only pending participants confirm or object.",
                "没有等待你确认的会议纪要:只有待确认的参会人可以确认或提出异议。",
            )
            .to_string()),
        FormKind::EditTask if record.tasks.is_empty() => Err(lang
            .pick("This issue has no task yet: add one first (t).", "该问题还没有任务:请先新增任务(t)。")
            .into()),
        FormKind::Risk if open_tasks(record).next().is_none() => Err(lang
            .pick(
                "A risk alert is about an open task, and this issue has none.",
                "风险预警针对未完成的任务,该问题没有未完成的任务。",
            )
            .into()),
        FormKind::Escalate if issue.escalation.is_some() => {
            let e = issue.escalation.as_ref().map(|e| (e.by.clone(), e.to.clone())).unwrap_or_default();
            Err(match lang {
                Lang::En => format!("Already escalated by {} to {}.", e.0, e.1),
                Lang::Zh => format!("已由 {} 升级至 {}。", e.0, e.1),
            })
        }
        _ => Ok(()),
    }
}

/// Builds the form with the values it starts from (the description being edited, the task
/// being updated, the likely owner).
pub fn build(kind: FormKind, env: &Env) -> Form {
    let lang = env.lang;
    let record = env.record.filter(|_| kind.on_issue());
    let issue = record.map(|r| &r.issue);
    let me = env.me;
    let mut preamble = Vec::new();
    let prose = |id, en, zh| Spec::new(id, en, zh, Kind::Prose);
    let line = |id, en, zh| Spec::new(id, en, zh, Kind::Line);
    let pick_one = |items, free| Kind::Pick { items, multi: false, free };
    let specs: Vec<(Spec, String)> = match kind {
        FormKind::Register | FormKind::Edit => {
            let mut fields = vec![
                (
                    line("title", "Title", "标题").required(),
                    issue.map(|i| i.title.clone()).unwrap_or_default(),
                ),
                (
                    prose("background", "Background", "背景").required().hint(
                        "Why this came up, e.g. “Double 11 needs a points exchange”",
                        "简要说明问题产生的原因或背景,如“双十一活动需新增用户积分兑换功能”",
                    ),
                    issue.map(|i| i.background.clone()).unwrap_or_default(),
                ),
                (
                    prose("request", "Request", "具体诉求").required().hint(
                        "What the other departments must deliver, by when",
                        "明确需协作部门完成的事项,如“需技术部10月30日前开发积分兑换接口”",
                    ),
                    issue.map(|i| i.request.clone()).unwrap_or_default(),
                ),
                (
                    Spec::new(
                        "departments",
                        "Departments involved",
                        "涉及部门",
                        Kind::Pick { items: departments(env), multi: true, free: false },
                    )
                    .required()
                    .hint("Type a name, code or pinyin initials", "输入名称、代码或拼音首字母"),
                    issue.map(|i| i.departments.join(",")).unwrap_or_default(),
                ),
            ];
            if kind == FormKind::Register {
                fields.push((
                    Spec::new("priority", "Priority", "优先级", priority_choices(lang)),
                    Priority::Medium.code().to_string(),
                ));
            }
            fields
        }
        FormKind::Acknowledge => {
            vec![(
                prose("note", "Note", "备注").hint("Optional: what you will do next", "可选:下一步安排"),
                String::new(),
            )]
        }
        FormKind::Comment => vec![(prose("body", "Comment", "评论").required(), String::new())],
        FormKind::Meeting => {
            let modes =
                MeetingMode::ALL.iter().map(|m| (m.code().to_string(), m.label(lang).to_string())).collect();
            vec![
                (
                    Spec::new("held_at", "Held at", "沟通时间", Kind::Date(Ahead::Past))
                        .hint("Empty: now; or 10-25 14:00, today", "留空为现在;或如 10-25 14:00、今天"),
                    String::new(),
                ),
                (Spec::new("mode", "Mode", "方式", Kind::Choice(modes)), MeetingMode::Online.code().into()),
                (
                    Spec::new(
                        "participants",
                        "Participants (with their departments)",
                        "参与部门/人",
                        Kind::Pick { items: people(env), multi: true, free: false },
                    )
                    .required()
                    .hint(
                        "Type a name, login or pinyin initials (zs → 张三)",
                        "输入姓名、登录名或拼音首字母(zs → 张三)",
                    ),
                    me.login.clone(),
                ),
                (prose("summary", "Summary", "沟通内容摘要").required(), String::new()),
                (prose("disputes", "Disputes", "争议点"), String::new()),
                (
                    prose("consensus", "Consensus", "达成共识")
                        .required()
                        .hint("Who does what by when", "明确结论:谁在何时前完成什么"),
                    String::new(),
                ),
            ]
        }
        FormKind::Minutes => {
            let meetings: Vec<(String, String)> = record
                .map(|r| {
                    r.meetings
                        .iter()
                        .filter(|m| is_pending_for(m, &me.login))
                        .map(|m| {
                            (
                                m.seq.to_string(),
                                format!("#{} {} {}", m.seq, m.held_at.format("%m-%d %H:%M"), m.summary),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            let answers = vec![
                ("confirm".to_string(), lang.pick("Confirm", "确认无误").to_string()),
                ("object".to_string(), lang.pick("Object", "提出异议").to_string()),
            ];
            vec![
                (Spec::new("meeting", "Meeting", "会议", Kind::Choice(meetings)), String::new()),
                (Spec::new("answer", "Answer", "答复", Kind::Choice(answers)), "confirm".into()),
                (
                    prose("note", "Objection", "异议内容").hint(
                        "Needed when you object: what is wrong in the minutes",
                        "提出异议时必填:纪要哪里不对",
                    ),
                    String::new(),
                ),
            ]
        }
        FormKind::AddTask => {
            let dept = issue
                .filter(|i| i.departments.contains(&me.dept) || i.proposer_dept == me.dept)
                .map(|_| me.dept.clone())
                .unwrap_or_default();
            vec![
                (Spec::new("dept", "Department", "部门", pick_one(departments(env), false)).required(), dept),
                (line("title", "What", "任务内容").required(), String::new()),
                (
                    Spec::new("owner", "Owner", "负责人", pick_one(people(env), false)).required(),
                    me.login.clone(),
                ),
                (
                    Spec::new("deadline", "Deadline", "截止日期", Kind::Date(Ahead::Future)).required().hint(
                        "2026-10-30, 10-30, +3d or +2wd (working days)",
                        "如 2026-10-30、10-30、+3d 或 +2wd(工作日)",
                    ),
                    String::new(),
                ),
            ]
        }
        FormKind::EditTask => {
            let tasks: Vec<(String, String)> = record
                .map(|r| r.tasks.iter().map(|t| (t.seq.to_string(), task_label(t, lang))).collect())
                .unwrap_or_default();
            let states =
                TaskState::ALL.iter().map(|s| (s.code().to_string(), s.label(lang).to_string())).collect();
            let start = record.and_then(|r| likely_task(r.tasks.iter(), me).cloned());
            let task = start.as_ref();
            vec![
                (
                    Spec::new("task", "Task", "任务", Kind::Choice(tasks)),
                    task.map(|t| t.seq.to_string()).unwrap_or_default(),
                ),
                (
                    line("title", "What", "任务内容").required(),
                    task.map(|t| t.title.clone()).unwrap_or_default(),
                ),
                (
                    Spec::new("owner", "Owner", "负责人", pick_one(people(env), false)).required(),
                    task.map(|t| t.owner.clone()).unwrap_or_default(),
                ),
                (
                    Spec::new("deadline", "Deadline", "截止日期", Kind::Date(Ahead::Future)).required(),
                    task.map(|t| t.deadline.format("%Y-%m-%d").to_string()).unwrap_or_default(),
                ),
                (
                    Spec::new("state", "State", "状态", Kind::Choice(states)),
                    task.map(|t| t.state.code().to_string()).unwrap_or_default(),
                ),
                (
                    Spec::new("percent", "% done", "完成%", Kind::Percent),
                    task.map(|t| t.percent.to_string()).unwrap_or_default(),
                ),
            ]
        }
        FormKind::Progress => {
            let mut tasks = vec![(String::new(), lang.pick("— the whole issue", "— 整个问题").to_string())];
            let mut start = String::new();
            if let Some(r) = record {
                tasks.extend(r.tasks.iter().map(|t| (t.seq.to_string(), task_label(t, lang))));
                start = likely_task(open_tasks(r), me).map(|t| t.seq.to_string()).unwrap_or_default();
            }
            vec![
                (Spec::new("task", "Task", "任务", Kind::Choice(tasks)), start),
                (
                    Spec::new("percent", "% done", "完成%", Kind::Percent).hint("Optional", "可选"),
                    String::new(),
                ),
                (
                    prose("note", "Progress", "当前进度").required().hint(
                        "e.g. “development 50% done, waiting for integration”",
                        "如“开发完成50%,待联调”",
                    ),
                    String::new(),
                ),
                (
                    Spec::new(
                        "help_dept",
                        "Help needed from",
                        "需协助部门",
                        pick_one(departments(env), false),
                    )
                    .hint("Optional", "可选"),
                    String::new(),
                ),
                (line("help_what", "Help needed", "需协助事项"), String::new()),
            ]
        }
        FormKind::Risk => {
            let tasks: Vec<(String, String)> = record
                .map(|r| open_tasks(r).map(|t| (t.seq.to_string(), task_label(t, lang))).collect())
                .unwrap_or_default();
            let start = record.and_then(|r| likely_task(open_tasks(r), me)).map(|t| t.seq.to_string());
            vec![
                (
                    Spec::new("task", "Task at risk", "风险任务", Kind::Choice(tasks)),
                    start.unwrap_or_default(),
                ),
                (
                    prose("reason", "Reason", "原因")
                        .required()
                        .hint("e.g. “an urgent request jumped the queue”", "如“突发需求插队,原任务顺延2天”"),
                    String::new(),
                ),
                (prose("plan", "Adjusted plan", "调整方案").required(), String::new()),
                (
                    Spec::new("new_date", "New deadline", "新截止日期", Kind::Date(Ahead::Future))
                        .hint("Optional: 10-30, +2wd", "可选:如 10-30、+2wd"),
                    String::new(),
                ),
            ]
        }
        FormKind::Escalate => vec![
            (
                Spec::new("to", "Escalate to", "升级至", pick_one(people(env), true)).required().hint(
                    "A person, or a role typed as it is (总经理)",
                    "选择人员,或直接输入职务(如 总经理)",
                ),
                String::new(),
            ),
            (prose("reason", "Reason", "升级原因").required(), String::new()),
        ],
        FormKind::Resolve => vec![
            (prose("solution", "Solution", "解决方案").required(), String::new()),
            (
                Spec::new("owner", "Owner", "负责人", pick_one(people(env), false)).required(),
                me.login.clone(),
            ),
            (
                Spec::new("feedback", "Feedback person", "反馈人", pick_one(people(env), false))
                    .hint("Accepts the result; empty: the proposer", "负责验收;留空为提出人"),
                issue.map(|i| i.proposer.clone()).unwrap_or_default(),
            ),
        ],
        FormKind::Accept | FormKind::Refuse => {
            if let Some(r) = issue.and_then(|i| i.resolution.as_ref()) {
                preamble.push(format!("{}: {}", lang.pick("Solution", "解决方案"), r.solution));
                preamble.push(format!(
                    "{}: {} · {}",
                    lang.pick("Owner", "负责人"),
                    r.owner,
                    r.resolved_at.format("%Y-%m-%d %H:%M")
                ));
            }
            if kind == FormKind::Accept {
                vec![(prose("note", "Note", "备注").hint("Optional", "可选"), String::new())]
            } else {
                vec![(prose("reason", "Reason", "不通过原因").required(), String::new())]
            }
        }
        FormKind::Archive => {
            if let Some(i) = issue {
                preamble.push(format!("{} · {}", i.number, i.title));
            }
            vec![(
                prose("retrospective", "Retrospective", "复盘").required().hint(
                    "What went well, what to do earlier next time",
                    "如“本次沟通效率较高,但需求明确环节可提前,避免返工”",
                ),
                String::new(),
            )]
        }
    };
    Form {
        kind,
        number: issue.map(|i| i.number.clone()),
        base_version: issue.map(|i| i.version),
        base_event: record.and_then(|r| r.events.iter().map(|e| e.id).max()),
        preamble,
        fields: specs.into_iter().map(|(spec, value)| Field::new(spec, &value)).collect(),
        focus: 0,
        picker: None,
    }
}

/// After a field changed: a form whose other fields follow it (choosing another task to update
/// loads that task's values).
pub fn follow(form: &mut Form, changed: &str, env: &Env) {
    if form.kind != FormKind::EditTask || changed != "task" {
        return;
    }
    let Some(task) = chosen_task(form, env) else { return };
    let values = [
        ("title", task.title.clone()),
        ("owner", task.owner.clone()),
        ("deadline", task.deadline.format("%Y-%m-%d").to_string()),
        ("state", task.state.code().to_string()),
        ("percent", task.percent.to_string()),
    ];
    for (id, value) in values {
        if let Some(field) = form.field_mut(id) {
            field.set(&value);
        }
    }
}

fn chosen_task<'a>(form: &Form, env: &Env<'a>) -> Option<&'a Task> {
    let seq: i64 = form.text("task").parse().ok()?;
    env.record?.tasks.iter().find(|t| t.seq == seq)
}

fn date(form: &Form, id: &str, env: &Env) -> Option<Result<When, String>> {
    let field = form.field(id)?;
    let Kind::Date(ahead) = field.spec.kind else { return None };
    let text = field.clean();
    if text.is_empty() {
        return None;
    }
    Some(when::parse(&text, env.now, env.calendar, ahead).map_err(|e| e.get(env.lang).to_string()))
}

/// What the form says as you type: the description lint, each date read back with its weekday,
/// whether a risk alert is timely, what the chosen minutes said.
pub fn notes(form: &Form, env: &Env) -> Vec<Note> {
    let lang = env.lang;
    let mut notes = Vec::new();
    if matches!(form.kind, FormKind::Register | FormKind::Edit) {
        let draft = issue_draft(form);
        for f in lint::lint(&draft.title, &draft.background, &draft.request, &draft.departments) {
            let level = if f.is_error() { Level::Error } else { Level::Warning };
            notes.push(Note { level, text: format!("{} — {}", f.message(lang), f.suggestion(lang)) });
        }
    }
    for field in &form.fields {
        let label = lang.pick(field.spec.label.0, field.spec.label.1);
        match (&field.spec.kind, date(form, field.spec.id, env)) {
            (Kind::Date(_), Some(Ok(when))) => {
                let level = if env.calendar.is_working_day(when.date) { Level::Info } else { Level::Warning };
                notes.push(Note { level, text: format!("{label}: {}", when.describe(env.calendar, lang)) });
            }
            (Kind::Date(_), Some(Err(e))) => {
                notes.push(Note { level: Level::Error, text: format!("{label}: {e}") })
            }
            (Kind::Percent, _) if percent(field).is_err() => notes.push(Note {
                level: Level::Error,
                text: format!("{label}: {}", lang.pick("0 to 100", "0 到 100")),
            }),
            _ => {}
        }
    }
    match form.kind {
        FormKind::Risk => {
            if let Some(task) = chosen_task(form, env) {
                let timely = risk::alert_is_timely(env.now, task.deadline, env.calendar);
                let overdue = task.deadline < env.now.date();
                let text = match (timely, lang) {
                    (false, Lang::En) if overdue => {
                        format!("LATE: the deadline {} has already passed", task.deadline)
                    }
                    (false, Lang::Zh) if overdue => format!("预警不及时:截止日期 {} 已过", task.deadline),
                    (true, Lang::En) => {
                        format!("Timely: at least one working day before the deadline {}", task.deadline)
                    }
                    (true, Lang::Zh) => format!("预警及时:距截止 {} 至少1个工作日", task.deadline),
                    (false, Lang::En) => {
                        format!("LATE: less than one working day before the deadline {}", task.deadline)
                    }
                    (false, Lang::Zh) => format!("预警不及时:距截止 {} 不足1个工作日", task.deadline),
                };
                notes.push(Note { level: if timely { Level::Info } else { Level::Warning }, text });
            }
        }
        FormKind::Minutes => {
            let seq: Option<i64> = form.text("meeting").parse().ok();
            if let Some(m) = env.record.and_then(|r| r.meetings.iter().find(|m| Some(m.seq) == seq)) {
                notes.push(Note {
                    level: Level::Info,
                    text: format!("{}: {}", lang.pick("Consensus", "达成共识"), m.consensus),
                });
            }
        }
        _ => {}
    }
    notes
}

fn percent(field: &Field) -> Result<Option<u8>, ()> {
    let text = field.clean();
    if text.is_empty() {
        return Ok(None);
    }
    text.parse::<u8>().ok().filter(|p| *p <= 100).map(Some).ok_or(())
}

fn issue_draft(form: &Form) -> IssueDraft {
    IssueDraft {
        title: form.text("title"),
        background: form.text("background"),
        request: form.text("request"),
        departments: form.field("departments").map(|f| f.picked.clone()).unwrap_or_default(),
    }
}

/// The first problem with what is typed: a required field left empty, a date or percentage
/// that cannot be read, an objection without its reason.
pub fn check(form: &Form, env: &Env) -> Result<(), Problem> {
    let lang = env.lang;
    let at = |id: &str| form.index_of(id).unwrap_or(0);
    for (i, field) in form.fields.iter().enumerate() {
        let label = lang.pick(field.spec.label.0, field.spec.label.1);
        let empty_choice = matches!(&field.spec.kind, Kind::Choice(o) if o.is_empty());
        if field.spec.required && (field.is_empty() || empty_choice) {
            let text = match lang {
                Lang::En => format!("{label} is required"),
                Lang::Zh => format!("请填写「{label}」"),
            };
            return Err(Problem::Field(i, text));
        }
        if let Some(Err(e)) = date(form, field.spec.id, env) {
            return Err(Problem::Field(i, format!("{label}: {e}")));
        }
        if matches!(field.spec.kind, Kind::Percent) && percent(field).is_err() {
            return Err(Problem::Field(
                i,
                format!("{label}: {}", lang.pick("a number from 0 to 100", "请填写 0 到 100 的数字")),
            ));
        }
    }
    match form.kind {
        FormKind::Register | FormKind::Edit => {
            let d = issue_draft(form);
            let findings = lint::lint(&d.title, &d.background, &d.request, &d.departments);
            if let Some(f) = findings.iter().find(|f| f.is_error()) {
                let id = match f.field {
                    lint::Field::Title => "title",
                    lint::Field::Background => "background",
                    lint::Field::Request => "request",
                    lint::Field::Departments => "departments",
                };
                return Err(Problem::Field(at(id), f.message(lang)));
            }
        }
        FormKind::Minutes if form.text("answer") == "object" && form.text("note").is_empty() => {
            return Err(Problem::Field(
                at("note"),
                lang.pick("Say what is wrong in the minutes to object", "提出异议时请写明纪要哪里不对")
                    .into(),
            ));
        }
        FormKind::Progress if !form.text("help_dept").is_empty() && form.text("help_what").is_empty() => {
            return Err(Problem::Field(
                at("help_what"),
                lang.pick("Say what help is needed from that department", "请写明需要该部门协助的事项")
                    .into(),
            ));
        }
        _ => {}
    }
    Ok(())
}

fn when_of(form: &Form, id: &str, env: &Env) -> Option<When> {
    date(form, id, env).and_then(Result::ok)
}

/// The text of everything typed, for keeping it as a comment when someone else changed the
/// issue meanwhile.
pub fn as_comment(form: &Form, lang: Lang) -> String {
    let mut text = format!("[{}]", form.kind.title(lang));
    for field in form.fields.iter().filter(|f| !f.is_empty()) {
        let value = match &field.spec.kind {
            Kind::Pick { .. } => field.picked_labels(),
            Kind::Choice(options) => options.get(field.choice).map(|o| o.1.clone()).unwrap_or_default(),
            _ => field.clean(),
        };
        let label = lang.pick(field.spec.label.0, field.spec.label.1);
        if value.contains('\n') {
            text.push_str(&format!("\n{label}:\n{value}"));
        } else {
            text.push_str(&format!("\n{label}: {value}"));
        }
    }
    text
}

/// Checks what is typed and makes the one store call the form stands for.
pub fn submit(form: &Form, store: &mut Store, ctx: &Ctx, env: &Env) -> Result<Done, Problem> {
    check(form, env)?;
    let lang = env.lang;
    let number = form.number.clone().unwrap_or_default();
    let n = number.as_str();
    let done = |message: String| Done { message, select: None, undo: None };
    let said = |en: &str, zh: &str| format!("{n} {}", lang.pick(en, zh));
    let optional = |id: &str| Some(form.text(id)).filter(|t| !t.is_empty());
    Ok(match form.kind {
        FormKind::Register => {
            let priority = Priority::parse(&form.text("priority")).unwrap_or(Priority::Medium);
            let reg =
                Registration { proposer_dept: None, proposed_at: None, priority, draft: issue_draft(form) };
            let (issue, _) = store.register(ctx, &reg)?;
            let message = format!(
                "{} {} — {} {}",
                lang.pick("Registered", "已登记"),
                issue.number,
                lang.pick("response due", "响应时限"),
                issue.response_due_at.format("%Y-%m-%d %H:%M")
            );
            Done { message, select: Some(issue.number), undo: None }
        }
        FormKind::Edit => {
            let before = env.record.map(|r| IssueDraft {
                title: r.issue.title.clone(),
                background: r.issue.background.clone(),
                request: r.issue.request.clone(),
                departments: r.issue.departments.clone(),
            });
            let (issue, _) = store.edit_description(ctx, n, form.base_version, &issue_draft(form))?;
            let undo = before.map(|before| Undo::Description {
                number: number.clone(),
                version: issue.version,
                before,
            });
            Done {
                message: said("description saved (u undoes)", "描述已保存(u 撤销)"), select: None, undo
            }
        }
        FormKind::Acknowledge => {
            store.acknowledge(ctx, n, optional("note").as_deref())?;
            done(said("acknowledged", "已确认收到"))
        }
        FormKind::Comment => {
            store.comment(ctx, n, &form.text("body"))?;
            done(said("comment added", "已评论"))
        }
        FormKind::Meeting => {
            let input = MeetingInput {
                held_at: when_of(form, "held_at", env).map(|w| w.at(env.now.time())),
                mode: MeetingMode::parse(&form.text("mode")).unwrap_or(MeetingMode::Online),
                participants: form.field("participants").map(|f| f.picked.clone()).unwrap_or_default(),
                summary: form.text("summary"),
                disputes: form.text("disputes"),
                consensus: form.text("consensus"),
            };
            let seq = store.record_meeting(ctx, n, &input)?;
            done(format!(
                "{n} {} #{seq}; {}",
                lang.pick("meeting recorded", "已记录会议"),
                lang.pick("participants are asked to confirm the minutes", "已通知参会人确认纪要")
            ))
        }
        FormKind::Minutes => {
            let seq: i64 = form.text("meeting").parse().unwrap_or(0);
            let confirm = form.text("answer") != "object";
            let note = optional("note");
            store.answer_minutes(ctx, n, seq, confirm, note.as_deref())?;
            done(if confirm {
                said("minutes confirmed", "已确认纪要")
            } else {
                said("objection recorded", "已记录异议")
            })
        }
        FormKind::AddTask => {
            let deadline = when_of(form, "deadline", env).map(|w| w.date).unwrap_or(env.now.date());
            let input = TaskInput {
                dept: form.text("dept"),
                title: form.text("title"),
                owner: form.text("owner"),
                deadline,
            };
            let seq = store.add_task(ctx, n, &input)?;
            done(format!("{n} {} #{seq}", lang.pick("task added", "已新增任务")))
        }
        FormKind::EditTask => {
            let task = chosen_task(form, env).cloned().ok_or_else(|| {
                Problem::Field(0, lang.pick("Choose the task to update", "请选择要更新的任务").into())
            })?;
            let deadline = when_of(form, "deadline", env).map(|w| w.date);
            let state = TaskState::parse(&form.text("state"));
            let percent = form.field("percent").and_then(|f| percent(f).ok().flatten());
            let changed = |new: bool| new.then_some(());
            let update = TaskUpdate {
                title: changed(form.text("title") != task.title).map(|()| form.text("title")),
                owner: changed(form.text("owner") != task.owner).map(|()| form.text("owner")),
                deadline: deadline.filter(|d| *d != task.deadline),
                state: state.filter(|s| *s != task.state),
                percent: percent.filter(|p| *p != task.percent),
            };
            let before = TaskUpdate {
                title: update.title.as_ref().map(|_| task.title.clone()),
                owner: update.owner.as_ref().map(|_| task.owner.clone()),
                deadline: update.deadline.map(|_| task.deadline),
                state: update.state.map(|_| task.state),
                percent: update.percent.map(|_| task.percent),
            };
            let t = store.update_task(ctx, n, form.base_version, task.seq, &update)?;
            let version = store.issue(n)?.version;
            let undo = Some(Undo::Task { number: number.clone(), version, seq: task.seq, before });
            done(format!(
                "{n} #{}: {} {}% {}",
                t.seq,
                t.state.label(lang),
                t.percent,
                lang.pick("(u undoes)", "(u 撤销)")
            ))
            .with_undo(undo)
        }
        FormKind::Progress => {
            let help = optional("help_dept").map(|dept| HelpRequest { dept, what: form.text("help_what") });
            let input = ProgressInput {
                task: form.text("task").parse().ok(),
                at: None,
                percent: form.field("percent").and_then(|f| percent(f).ok().flatten()),
                note: form.text("note"),
                help,
            };
            store.add_progress(ctx, n, &input)?;
            done(said("progress recorded", "已更新进度"))
        }
        FormKind::Risk => {
            let input = RiskInput {
                task: form.text("task").parse().unwrap_or(0),
                reason: form.text("reason"),
                plan: form.text("plan"),
                new_deadline: when_of(form, "new_date", env).map(|w| w.date),
            };
            let timely = store.raise_risk(ctx, n, &input)?;
            let verdict = if timely {
                lang.pick("timely", "预警及时")
            } else {
                lang.pick(
                    "LATE: less than one working day before the deadline",
                    "预警不及时:距截止不足1个工作日",
                )
            };
            done(format!("{n} {}: {verdict}", lang.pick("risk alert raised", "已发起风险预警")))
        }
        FormKind::Escalate => {
            store.escalate(ctx, n, &form.text("reason"), &form.text("to"))?;
            done(said("escalated", "已升级"))
        }
        FormKind::Resolve => {
            let feedback = optional("feedback");
            let issue = store.resolve(
                ctx,
                n,
                &form.text("solution"),
                &form.text("owner"),
                feedback.as_deref(),
                None,
            )?;
            let by = issue.resolution.map(|r| r.feedback).unwrap_or_default();
            done(format!(
                "{n} {} {by}",
                lang.pick("solution entered — awaiting acceptance by", "已填写解决方案,等待验收:")
            ))
        }
        FormKind::Accept => {
            store.answer_acceptance(ctx, n, true, optional("note").as_deref())?;
            done(said("accepted", "验收通过"))
        }
        FormKind::Refuse => {
            store.answer_acceptance(ctx, n, false, Some(&form.text("reason")))?;
            done(said("acceptance refused — back in progress", "验收不通过,已退回进行中"))
        }
        FormKind::Archive => {
            store.archive(ctx, n, &form.text("retrospective"))?;
            done(said("archived", "已归档"))
        }
    })
}

impl Done {
    fn with_undo(mut self, undo: Option<Undo>) -> Done {
        self.undo = undo;
        self
    }
}

impl Undo {
    /// Takes the change back, unless anyone changed the issue since (then the store's conflict
    /// says who).
    pub fn apply(&self, store: &mut Store, ctx: &Ctx) -> Result<String, StoreError> {
        let lang = ctx.lang;
        match self {
            Undo::Description { number, version, before } => {
                store.edit_description(ctx, number, Some(*version), before)?;
                Ok(format!("{number} {}", lang.pick("description put back", "描述已恢复")))
            }
            Undo::Task { number, version, seq, before } => {
                store.update_task(ctx, number, Some(*version), *seq, before)?;
                Ok(format!("{number} #{seq} {}", lang.pick("task put back", "任务已恢复")))
            }
        }
    }
}
