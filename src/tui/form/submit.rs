//! What a form says as you type, what it checks, and the one store call it makes; the undo of
//! a change that can be taken back.

use super::fields::chosen_task;
use super::kinds::{Env, FormKind};
use super::{Field, Form, Kind};
use crate::domain::when::{self, When};
use crate::domain::*;
use crate::i18n::Lang;
use crate::store::{
    Ctx, MeetingInput, MinutesText, ProgressInput, Registration, ResolveInput, RiskInput, Store, StoreError,
    TaskInput, TaskUpdate,
};

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
        let mut named_missing = false;
        for f in lint::lint(&draft.title, &draft.background, &draft.request, &draft.departments) {
            if f.code == lint::CODE_REQUIRED {
                // The fields left empty, all in one line: each field's hint says what it wants.
                if let (false, Some(Problem::Field(_, text))) = (named_missing, missing(form, lang)) {
                    notes.push(Note { level: Level::Error, text });
                }
                named_missing = true;
                continue;
            }
            let level = if f.is_error() { Level::Error } else { Level::Warning };
            notes.push(Note { level, text: format!("{} — {}", f.message(lang), f.suggestion(lang)) });
        }
    }
    for field in &form.fields {
        let label = lang.pick(field.spec.label.0, field.spec.label.1);
        match (&field.spec.kind, date(form, field.spec.id, env)) {
            (Kind::Date(_), Some(Ok(when))) => {
                let level = if env.calendar.is_working_day(when.date) { Level::Info } else { Level::Warning };
                notes.push(Note {
                    level,
                    text: format!("{label}{}{}", colon(lang), when.describe(env.calendar, lang)),
                });
            }
            (Kind::Date(_), Some(Err(e))) => {
                notes.push(Note { level: Level::Error, text: format!("{label}{}{e}", colon(lang)) })
            }
            (Kind::Percent, _) if percent(field).is_err() => notes.push(Note {
                level: Level::Error,
                text: format!("{label}{}{}", colon(lang), lang.pick("0 to 100", "0 到 100")),
            }),
            // The description's lint above says it for the issue's title.
            _ if !matches!(form.kind, FormKind::Register | FormKind::Edit) => {
                if let Err(e) = too_long(field) {
                    notes.push(Note { level: Level::Error, text: e.get(lang).to_string() });
                }
            }
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
                    (false, Lang::Zh) if overdue => format!("预警不及时：截止日期 {} 已过", task.deadline),
                    (true, Lang::En) => {
                        format!("Timely: at least one working day before the deadline {}", task.deadline)
                    }
                    (true, Lang::Zh) => format!("预警及时：距截止 {} 至少1个工作日", task.deadline),
                    (false, Lang::En) => {
                        format!("LATE: less than one working day before the deadline {}", task.deadline)
                    }
                    (false, Lang::Zh) => format!("预警不及时：距截止 {} 不足1个工作日", task.deadline),
                };
                notes.push(Note { level: if timely { Level::Info } else { Level::Warning }, text });
            }
        }
        FormKind::Minutes => {
            let seq: Option<i64> = form.text("meeting").parse().ok();
            if let Some(m) = env.record.and_then(|r| r.meetings.iter().find(|m| Some(m.seq) == seq)) {
                notes.push(Note {
                    level: Level::Info,
                    text: format!("{}{}{}", lang.pick("Consensus", "达成共识"), colon(lang), m.consensus),
                });
            }
        }
        _ => {}
    }
    notes
}

/// After a label: a colon, full-width in Chinese.
fn colon(lang: Lang) -> &'static str {
    lang.pick(": ", "：")
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

/// Whether a field keeps within its most characters.
fn too_long(field: &Field) -> Result<(), crate::i18n::Bilingual> {
    match field.spec.max_chars {
        Some(max) => crate::domain::text::check_length(&field.clean(), max, field.spec.label),
        None => Ok(()),
    }
}

/// The required fields left empty, all named at once: "Summary and Consensus are required".
fn missing(form: &Form, lang: Lang) -> Option<Problem> {
    let empty: Vec<usize> = (0..form.fields.len())
        .filter(|i| {
            let field = &form.fields[*i];
            let empty_choice = matches!(&field.spec.kind, Kind::Choice(o) if o.is_empty());
            field.spec.required && (field.is_empty() || empty_choice)
        })
        .collect();
    let first = *empty.first()?;
    let labels: Vec<&str> =
        empty.iter().map(|i| lang.pick(form.fields[*i].spec.label.0, form.fields[*i].spec.label.1)).collect();
    let text = match (lang, labels.as_slice()) {
        (Lang::En, [one]) => format!("{one} is required"),
        (Lang::En, [most @ .., last]) => format!("{} and {last} are required", most.join(", ")),
        (Lang::Zh, _) => format!("请填写{}", labels.iter().map(|l| format!("「{l}」")).collect::<String>()),
        (Lang::En, []) => String::new(),
    };
    Some(Problem::Field(first, text))
}

/// The first problem with what is typed: the required fields left empty (all of them named,
/// the first focused), a date or percentage that cannot be read, a text too long, an objection
/// without its reason.
pub fn check(form: &Form, env: &Env) -> Result<(), Problem> {
    let lang = env.lang;
    let at = |id: &str| form.index_of(id).unwrap_or(0);
    if let Some(problem) = missing(form, lang) {
        return Err(problem);
    }
    for (i, field) in form.fields.iter().enumerate() {
        let label = lang.pick(field.spec.label.0, field.spec.label.1);
        if let Err(e) = too_long(field) {
            return Err(Problem::Field(i, e.get(lang).to_string()));
        }
        if let Some(Err(e)) = date(form, field.spec.id, env) {
            return Err(Problem::Field(i, format!("{label}{}{e}", colon(lang))));
        }
        if matches!(field.spec.kind, Kind::Percent) && percent(field).is_err() {
            return Err(Problem::Field(
                i,
                format!(
                    "{label}{}{}",
                    colon(lang),
                    lang.pick("a number from 0 to 100", "请填写 0 到 100 的数字")
                ),
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
    let mut finished = match form.kind {
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
                message: said("description saved (u undoes)", "描述已保存（u 撤销）"), select: None, undo
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
        FormKind::Attach => {
            let path = super::path::expand(form.text("path").trim());
            let bytes = crate::privilege::as_user(|| std::fs::read(&path)).map_err(|e| {
                let p = path.display();
                StoreError::invalid(format!("cannot read {p}: {e}"), format!("无法读取 {p}：{e}"))
            })?;
            let name =
                path.file_name().map_or_else(|| "attachment".into(), |n| n.to_string_lossy().into_owned());
            let a = store.attach(ctx, n, &name, &bytes, optional("note").as_deref())?;
            done(format!(
                "{n} {} #{} {}",
                lang.pick("attached", "已添加附件"),
                a.id,
                crate::domain::text::sanitize_line(&a.name)
            ))
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
                "{n} {} #{seq}{}{}",
                lang.pick("meeting recorded", "已记录会议"),
                lang.pick("; ", "；"),
                lang.pick("participants are asked to confirm the minutes", "已通知参会人确认纪要")
            ))
        }
        FormKind::Minutes => {
            let key = form.text("meeting");
            let (seq, login) = key.split_once(':').unwrap_or((&key, ""));
            let seq: i64 = seq.parse().unwrap_or(0);
            let confirm = form.text("answer") != "object";
            let note = optional("note");
            let reason = optional("for_reason").unwrap_or_default();
            let on_behalf =
                (!login.is_empty() && login != ctx.actor.login()).then_some((login, reason.as_str()));
            store.answer_minutes(ctx, n, seq, confirm, note.as_deref(), on_behalf)?;
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
                // The department field says a department not involved yet is added on saving.
                involve: true,
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
                "{n} #{}{}{} {}% {}",
                t.seq,
                colon(lang),
                t.state.label(lang),
                t.percent,
                lang.pick("(u undoes)", "（u 撤销）")
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
                    "预警不及时：距截止不足1个工作日",
                )
            };
            done(format!("{n} {}{}{verdict}", lang.pick("risk alert raised", "已发起风险预警"), colon(lang)))
        }
        FormKind::Escalate => {
            store.escalate(ctx, n, &form.text("reason"), &form.text("to"))?;
            done(said("escalated", "已升级"))
        }
        FormKind::AmendMinutes => {
            let seq: i64 = form.text("meeting").parse().unwrap_or(0);
            let text = MinutesText {
                summary: form.text("summary"),
                disputes: form.text("disputes"),
                consensus: form.text("consensus"),
            };
            let version = store.amend_minutes(ctx, n, seq, &text)?;
            done(match lang {
                Lang::En => {
                    format!("{n} #{seq}: minutes amended to version {version}; participants confirm again")
                }
                Lang::Zh => format!("{n} #{seq}：纪要已修订为第 {version} 版，已请参会人重新确认"),
            })
        }
        FormKind::CancelTask => {
            let seq: i64 = form.text("task").parse().unwrap_or(0);
            store.cancel_task(ctx, n, seq, &form.text("reason"))?;
            done(format!("{n} #{seq} {}", lang.pick("cancelled", "已取消")))
        }
        FormKind::CloseEscalation => {
            store.close_escalation(ctx, n, &form.text("note"))?;
            done(said("escalation closed", "已解除升级"))
        }
        FormKind::Resolve => {
            let input = ResolveInput {
                solution: form.text("solution"),
                owner: form.text("owner"),
                feedback: optional("feedback"),
                resolved_at: None,
                without_response: optional("without_response"),
            };
            let issue = store.resolve(ctx, n, &input)?;
            let by = issue.resolution.map(|r| r.feedback).unwrap_or_default();
            done(format!(
                "{n} {} {by}",
                lang.pick("solution entered — awaiting acceptance by", "已填写解决方案，等待验收：")
            ))
        }
        FormKind::Accept => {
            let reason = optional("for_reason");
            store.answer_acceptance(ctx, n, true, optional("note").as_deref(), reason.as_deref())?;
            done(said("accepted", "验收通过"))
        }
        FormKind::Refuse => {
            let reason = optional("for_reason");
            store.answer_acceptance(ctx, n, false, Some(&form.text("reason")), reason.as_deref())?;
            done(said("acceptance refused — back in progress", "验收不通过，已退回进行中"))
        }
        FormKind::Archive => {
            store.archive(ctx, n, &form.text("retrospective"))?;
            done(said("archived", "已归档"))
        }
    };
    // What the rule book said about it (the proposing side's own action does not count as the
    // first response…), so the person knows.
    if let Some(note) = store.take_note() {
        finished.message =
            format!("{}{}{}", finished.message, lang.pick(" — note: ", "。注意："), note.get(lang));
    }
    Ok(finished)
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
    /// The issue, the action taken back, and the version the change made.
    pub fn what(&self) -> (&str, crate::domain::status::Action, i64) {
        use crate::domain::status::Action;
        match self {
            Undo::Description { number, version, .. } => (number, Action::EditDescription, *version),
            Undo::Task { number, version, .. } => (number, Action::UpdateTask, *version),
        }
    }

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
