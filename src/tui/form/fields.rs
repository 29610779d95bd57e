//! What each form asks for: its fields, the values they start from, and fields that follow
//! another (choosing the task to update loads its values).

use super::kinds::{Env, FormKind};
use super::picker::Item;
use super::{Field, Form, Kind, Spec};
use crate::domain::rules;
use crate::domain::status::Action;
use crate::domain::text::MAX_TITLE_CHARS;
use crate::domain::when::Ahead;
use crate::domain::*;
use crate::i18n::Lang;

fn priority_choices(lang: Lang) -> Kind {
    Kind::Choice(Priority::ALL.iter().map(|p| (p.code().to_string(), p.label(lang).to_string())).collect())
}

fn departments(env: &Env) -> Vec<Item> {
    env.departments.iter().map(Item::department).collect()
}

fn people(env: &Env) -> Vec<Item> {
    env.people.iter().map(Item::person).collect()
}

/// Everyone, the department's people first (a task's owner is usually one of them).
fn people_of_first(env: &Env, dept: &str) -> Vec<Item> {
    let mut all: Vec<&Person> = env.people.iter().collect();
    all.sort_by_key(|p| p.dept != dept);
    all.into_iter().map(Item::person).collect()
}

fn task_label(t: &Task, lang: Lang) -> String {
    format!("#{} {} {} · {} {}%", t.seq, t.dept, t.title, t.state.label(lang), t.percent)
}

/// The answers to minutes this person may give: their own pending ones, and (for coordinators)
/// everyone's, on their behalf. Keys are `meeting:login`.
fn answerable(record: &IssueRecord, me: &Person, env: &Env) -> Vec<(String, String)> {
    let coordinator = me.role >= Role::Coordinator;
    let names = crate::domain::names::Names::new(env.people, env.departments);
    let mut out = Vec::new();
    for m in &record.meetings {
        for p in m.pending().filter(|p| p.login == me.login || coordinator) {
            let whose =
                if p.login == me.login { String::new() } else { format!(" · {}", names.of(&p.login)) };
            let label =
                format!("#{} v{} {}{whose} {}", m.seq, m.version, m.held_at.format("%m-%d %H:%M"), m.summary);
            out.push((format!("{}:{}", m.seq, p.login), label));
        }
    }
    // My own answers first.
    out.sort_by_key(|(key, _)| !key.ends_with(&format!(":{}", me.login)));
    out
}

/// The field for the reason of acting on someone's behalf.
fn proxy_reason(required: bool) -> Spec {
    let spec = Spec::new("for_reason", "On their behalf, because", "代为操作原因", Kind::Line)
        .hint("e.g. confirmed by phone", "如“电话确认”");
    if required { spec.required() } else { spec }
}

pub(super) fn open_tasks(record: &IssueRecord) -> impl Iterator<Item = &Task> + Clone {
    record.tasks.iter().filter(|t| t.state.is_open())
}

/// The task a person most likely means: the first open one of their department.
fn likely_task<'a>(tasks: impl Iterator<Item = &'a Task> + Clone, me: &Person) -> Option<&'a Task> {
    tasks.clone().find(|t| t.dept == me.dept || t.owner == me.login).or_else(|| tasks.clone().next())
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
                    line("title", "Title", "标题").required().max_chars(MAX_TITLE_CHARS),
                    issue.map(|i| i.title.clone()).unwrap_or_default(),
                ),
                (
                    prose("background", "Background", "背景").required().hint(
                        "Why this came up, e.g. “Double 11 needs a points exchange”",
                        "简要说明问题产生的原因或背景，如“双十一活动需新增用户积分兑换功能”",
                    ),
                    issue.map(|i| i.background.clone()).unwrap_or_default(),
                ),
                (
                    prose("request", "Request", "具体诉求").required().hint(
                        "What the other departments must deliver, by when",
                        "明确需协作部门完成的事项，如“需技术部10月30日前开发积分兑换接口”",
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
                prose("note", "Note", "备注").hint("Optional: what you will do next", "可选：下一步安排"),
                String::new(),
            )]
        }
        FormKind::Comment => vec![(prose("body", "Comment", "评论").required(), String::new())],
        FormKind::Attach => vec![
            (
                Spec::new("path", "File", "文件", Kind::Path)
                    .required()
                    .hint("A path; {next} completes it", "文件路径；{next} 补全"),
                String::new(),
            ),
            (
                Spec::new("note", "Note", "说明", Kind::Line)
                    .hint("Optional, e.g. 测试报告", "可选，如 测试报告"),
                String::new(),
            ),
        ],
        FormKind::Meeting => {
            let modes =
                MeetingMode::ALL.iter().map(|m| (m.code().to_string(), m.label(lang).to_string())).collect();
            vec![
                (
                    Spec::new("held_at", "Held at", "沟通时间", Kind::Date(Ahead::Past)).hint(
                        "Empty: now; or 10-25 14:00, today 10:00",
                        "留空为现在；或如 10-25 14:00、今天 10:00",
                    ),
                    String::new(),
                ),
                (Spec::new("mode", "Mode", "方式", Kind::Choice(modes)), MeetingMode::Online.code().into()),
                (
                    Spec::new(
                        "participants",
                        "Participants",
                        "参与部门/人",
                        Kind::Pick { items: people(env), multi: true, free: false },
                    )
                    .required()
                    .hint(
                        "Type a name, login or pinyin initials (zs → 张三)",
                        "输入姓名、登录名或拼音首字母（zs → 张三）",
                    ),
                    me.login.clone(),
                ),
                (prose("summary", "Summary", "沟通内容摘要").required(), String::new()),
                (prose("disputes", "Disputes", "争议点"), String::new()),
                (
                    prose("consensus", "Consensus", "达成共识")
                        .required()
                        .hint("Who does what by when", "明确结论：谁在何时前完成什么"),
                    String::new(),
                ),
            ]
        }
        FormKind::Minutes => {
            let meetings = record.map(|r| answerable(r, me, env)).unwrap_or_default();
            let for_others = meetings.iter().any(|(key, _)| !key.ends_with(&format!(":{}", me.login)));
            let answers = vec![
                ("confirm".to_string(), lang.pick("Confirm", "确认无误").to_string()),
                ("object".to_string(), lang.pick("Object", "提出异议").to_string()),
            ];
            let mut fields = vec![
                (Spec::new("meeting", "Meeting", "会议", Kind::Choice(meetings)), String::new()),
                (Spec::new("answer", "Answer", "答复", Kind::Choice(answers)), "confirm".into()),
                (
                    prose("note", "Objection", "异议内容").hint(
                        "Needed when you object: what is wrong in the minutes",
                        "提出异议时必填：纪要哪里不对",
                    ),
                    String::new(),
                ),
            ];
            if for_others {
                fields.push((proxy_reason(false), String::new()));
            }
            fields
        }
        FormKind::AmendMinutes => {
            let mine: Vec<&Meeting> = record
                .map(|r| {
                    r.meetings
                        .iter()
                        .filter(|m| m.recorder == me.login || me.role >= Role::Coordinator)
                        .collect()
                })
                .unwrap_or_default();
            // The one objected to first, else the latest.
            let start = mine.iter().find(|m| m.objections().next().is_some()).or(mine.last()).copied();
            for m in mine.iter().filter(|m| m.objections().next().is_some()) {
                for p in m.objections() {
                    preamble.push(format!(
                        "#{} {} {}: {}",
                        m.seq,
                        p.login,
                        lang.pick("objects", "提出异议"),
                        p.note.as_deref().unwrap_or("")
                    ));
                }
            }
            let choices = mine
                .iter()
                .map(|m| {
                    (
                        m.seq.to_string(),
                        format!("#{} v{} {}", m.seq, m.version, m.held_at.format("%m-%d %H:%M")),
                    )
                })
                .collect();
            vec![
                (
                    Spec::new("meeting", "Meeting", "会议", Kind::Choice(choices)),
                    start.map(|m| m.seq.to_string()).unwrap_or_default(),
                ),
                (
                    prose("summary", "Summary", "沟通内容摘要").required(),
                    start.map(|m| m.summary.clone()).unwrap_or_default(),
                ),
                (
                    prose("disputes", "Disputes", "争议点"),
                    start.map(|m| m.disputes.clone()).unwrap_or_default(),
                ),
                (
                    prose("consensus", "Consensus", "达成共识").required(),
                    start.map(|m| m.consensus.clone()).unwrap_or_default(),
                ),
            ]
        }
        FormKind::CancelTask => {
            let tasks: Vec<(String, String)> = record
                .map(|r| open_tasks(r).map(|t| (t.seq.to_string(), task_label(t, lang))).collect())
                .unwrap_or_default();
            let start = record.and_then(|r| likely_task(open_tasks(r), me)).map(|t| t.seq.to_string());
            vec![
                (Spec::new("task", "Task", "任务", Kind::Choice(tasks)), start.unwrap_or_default()),
                (
                    prose("reason", "Reason", "取消原因").required().hint(
                        "e.g. “no longer needed: the campaign was dropped”",
                        "如“活动取消，该任务不再需要”",
                    ),
                    String::new(),
                ),
            ]
        }
        FormKind::CloseEscalation => {
            if let Some(e) = issue.and_then(|i| i.open_escalation()) {
                preamble.push(format!("#{} {} → {}: {}", e.seq, e.by, e.to, e.reason));
            }
            vec![(
                prose("note", "What was decided", "解除说明")
                    .required()
                    .hint("e.g. “the VP freed two testers”", "如“分管副总已协调两名测试人员”"),
                String::new(),
            )]
        }
        FormKind::AddTask => {
            let dept = issue
                .filter(|i| i.departments.contains(&me.dept) || i.proposer_dept == me.dept)
                .map(|_| me.dept.clone())
                .unwrap_or_default();
            let owners = people_of_first(env, &dept);
            vec![
                (
                    Spec::new("dept", "Department", "部门", pick_one(departments(env), false))
                        .required()
                        .hint(
                            "One not involved yet is added to the issue when you save",
                            "未涉及的部门会在保存时加入涉及部门",
                        ),
                    dept,
                ),
                (line("title", "What", "任务内容").required().max_chars(MAX_TITLE_CHARS), String::new()),
                (Spec::new("owner", "Owner", "负责人", pick_one(owners, false)).required(), me.login.clone()),
                (
                    Spec::new("deadline", "Deadline", "截止日期", Kind::Date(Ahead::Future)).required().hint(
                        "2026-10-30, 10-30, +3d or +2wd (working days)",
                        "如 2026-10-30、10-30、+3d 或 +2wd（工作日）",
                    ),
                    String::new(),
                ),
            ]
        }
        FormKind::EditTask => {
            let tasks: Vec<(String, String)> = record
                .map(|r| r.tasks.iter().map(|t| (t.seq.to_string(), task_label(t, lang))).collect())
                .unwrap_or_default();
            // Cancelling takes a reason: its own form (D), not a state here.
            let states = TaskState::ALL
                .iter()
                .filter(|s| **s != TaskState::Cancelled)
                .map(|s| (s.code().to_string(), s.label(lang).to_string()))
                .collect();
            let start = record.and_then(|r| likely_task(r.tasks.iter(), me).cloned());
            let task = start.as_ref();
            vec![
                (
                    Spec::new("task", "Task", "任务", Kind::Choice(tasks)),
                    task.map(|t| t.seq.to_string()).unwrap_or_default(),
                ),
                (
                    line("title", "What", "任务内容").required().max_chars(MAX_TITLE_CHARS),
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
                        "如“开发完成50%，待联调”",
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
                        .hint("e.g. “an urgent request jumped the queue”", "如“突发需求插队，原任务顺延2天”"),
                    String::new(),
                ),
                (prose("plan", "Adjusted plan", "调整方案").required(), String::new()),
                (
                    Spec::new("new_date", "New deadline", "新截止日期", Kind::Date(Ahead::Future))
                        .hint("Optional: 10-30, +2wd", "可选：如 10-30、+2wd"),
                    String::new(),
                ),
            ]
        }
        FormKind::Escalate => vec![
            (
                Spec::new("to", "Escalate to", "升级至", pick_one(people(env), true)).required().hint(
                    "A person, or a role typed as it is (总经理)",
                    "选择人员，或直接输入职务（如 总经理）",
                ),
                String::new(),
            ),
            (prose("reason", "Reason", "升级原因").required(), String::new()),
        ],
        FormKind::Resolve => {
            let mut fields = vec![
                (prose("solution", "Solution", "解决方案").required(), String::new()),
                (
                    Spec::new("owner", "Owner", "负责人", pick_one(people(env), false)).required(),
                    me.login.clone(),
                ),
                (
                    Spec::new("feedback", "Feedback person", "反馈人", pick_one(people(env), false))
                        .hint("Accepts the result; empty: the proposer", "负责验收；留空为提出人"),
                    issue.map(|i| i.proposer.clone()).unwrap_or_default(),
                ),
            ];
            // Before any response, the rule book asks a coordinator why it goes ahead.
            if let Some(i) = issue.filter(|i| {
                i.first_response_at.is_none() && !rules::counts_as_response(Action::Resolve, me, i)
            }) {
                preamble.push(format!(
                    "{} {}",
                    i.number,
                    lang.pick(
                        "has no response from an involved department yet: say why it goes ahead.",
                        "尚无涉及部门响应：请注明未经响应即提交解决方案的原因。"
                    )
                ));
                fields.push((
                    line("without_response", "Why without a response", "未经响应的原因").required(),
                    String::new(),
                ));
            }
            fields
        }
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
            let mut fields = if kind == FormKind::Accept {
                vec![(prose("note", "Note", "备注").hint("Optional", "可选"), String::new())]
            } else {
                vec![(prose("reason", "Reason", "不通过原因").required(), String::new())]
            };
            // Someone else answers only on the feedback person's behalf, with a reason.
            if let Some(feedback) = issue
                .map(|i| i.resolution.as_ref().map_or(i.proposer.as_str(), |r| r.feedback.as_str()))
                .filter(|f| *f != me.login)
            {
                preamble.push(match lang {
                    Lang::En => {
                        format!("You answer for the feedback person {feedback}: the record names both.")
                    }
                    Lang::Zh => format!("你将代反馈人 {feedback} 作答：记录中会同时写明双方。"),
                });
                fields.push((proxy_reason(true), String::new()));
            }
            fields
        }
        FormKind::Archive => {
            if let Some(i) = issue {
                preamble.push(format!("{} · {}", i.number, i.title));
            }
            vec![(
                prose("retrospective", "Retrospective", "复盘").required().hint(
                    "What went well, what to do earlier next time",
                    "如“本次沟通效率较高，但需求明确环节可提前，避免返工”",
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

pub(super) fn chosen_task<'a>(form: &Form, env: &Env<'a>) -> Option<&'a Task> {
    let seq: i64 = form.text("task").parse().ok()?;
    env.record?.tasks.iter().find(|t| t.seq == seq)
}
