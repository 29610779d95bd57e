//! Commands on issues: register, list, show, and every step of the life cycle.

use chrono::Datelike;
use serde_json::json;

use super::args::*;
use super::fit::{self, Cell, Column};
use super::render;
use super::{CliError, CliResult, Session, csv, markdown};
use crate::domain::deadline::countdown;
use crate::domain::lint::Finding;
use crate::domain::rules::{next_due as record_next_due, suggests_escalation};
use crate::domain::text::{clean_input, sanitize_line};
use crate::domain::when::Ahead;
use crate::domain::*;
use crate::store::{
    IssueFilter, Kind, MeetingInput, MinutesText, ProgressInput, ResolveInput, RiskInput, StoreError,
    TaskInput, TaskUpdate,
};

fn clean_opt(text: &Option<String>) -> Option<String> {
    text.as_deref().map(clean_input)
}

/// Prints the lint's warnings (they never block), each with its suggestion.
fn warn(s: &Session, findings: &[Finding]) {
    for f in findings.iter().filter(|f| !f.is_error()) {
        eprintln!("{} {} — {}", s.pick("warning:", "提示："), f.message(s.lang), f.suggestion(s.lang));
    }
}

/// After a change: the issue as JSON, or one line for a person.
fn done(s: &mut Session, issue: &Issue, en: &str, zh: &str) -> CliResult {
    noted(s);
    if s.json {
        return s.print_json(issue);
    }
    let line = format!("{} {} — {}", issue.number, s.pick(en, zh), issue.status.label(s.lang));
    s.say(&line)
}

/// What the rule book said about the change just made, on stderr (the output stays clean).
fn noted(s: &mut Session) {
    if let Some(note) = s.store.take_note() {
        eprintln!("{}{}", s.pick("note: ", "注意："), note.get(s.lang));
    }
}

pub fn add(s: &mut Session, a: AddArgs) -> CliResult {
    let ctx = s.ctx()?;
    let proposed_at = s.time_opt("--at", a.at.as_deref(), Ahead::Past)?;
    let reg = crate::store::Registration {
        proposer_dept: a.proposer_dept,
        proposed_at,
        priority: a.priority,
        draft: IssueDraft {
            title: clean_input(&a.title),
            background: clean_input(&a.background),
            request: clean_input(&a.request),
            departments: a.departments,
        },
    };
    let (issue, findings) = s.store.register(&ctx, &reg)?;
    warn(s, &findings);
    if s.json {
        return s.print_json(&json!({"issue": issue, "warnings": findings}));
    }
    let line = format!(
        "{} {} — {} {}",
        s.pick("Registered", "已登记"),
        issue.number,
        s.pick("response due", "响应时限"),
        render::time(issue.response_due_at)
    );
    s.say(&line)
}

pub fn edit(s: &mut Session, a: EditArgs) -> CliResult {
    let ctx = s.ctx()?;
    let current = s.store.issue(&a.number)?;
    let draft = IssueDraft {
        title: clean_opt(&a.title).unwrap_or(current.title),
        background: clean_opt(&a.background).unwrap_or(current.background),
        request: clean_opt(&a.request).unwrap_or(current.request),
        departments: a.departments.unwrap_or(current.departments),
    };
    let (issue, findings) = s.store.edit_description(&ctx, &a.number, a.if_version, &draft)?;
    warn(s, &findings);
    done(s, &issue, "description saved", "描述已保存")
}

/// The list's filters as the store takes them.
pub fn issue_filter(s: &mut Session, a: ListFilters) -> CliResult<IssueFilter> {
    let ctx = s.require_reader()?;
    let mut statuses = Vec::new();
    for word in &a.status {
        if word.eq_ignore_ascii_case("open") {
            statuses.extend([Status::Registered, Status::InProgress, Status::AwaitingAcceptance]);
        } else {
            statuses.push(Status::parse(word).ok_or_else(|| {
                CliError::new(
                    format!("--status {word}: choose open or one of {}", Status::codes()),
                    format!("--status {word}：请选择 open 或 {}", Status::codes()),
                )
            })?);
        }
    }
    Ok(IssueFilter {
        statuses,
        dept: a.dept,
        priority: a.priority,
        involving: a.mine.then(|| (ctx.actor.login().to_string(), ctx.actor.dept().to_string())),
        overdue: a.overdue,
        due_soon: a.due_soon,
        escalated: a.escalated,
        ever_escalated: a.ever_escalated,
        text: a.text.map(|t| clean_input(&t)).filter(|t| !t.is_empty()),
        sort: a.sort,
        viewer: Some(ctx.actor.login().to_string()),
        limit: a.limit,
        offset: a.offset,
    })
}

pub fn list(s: &mut Session, a: ListArgs) -> CliResult {
    let filter = issue_filter(s, a.filters)?;
    if let Some(path) = &a.xlsx {
        return super::export::list_xlsx(s, &filter, path);
    }
    let rows = s.store.list(&filter, s.now)?;
    if s.json {
        return s.print_json(&rows);
    }
    let cal = s.store.calendar()?;
    let lang = s.lang;
    if a.csv {
        let head = [
            lang.pick("Number", "编号"),
            lang.pick("Priority", "优先级"),
            lang.pick("Status", "状态"),
            lang.pick("Escalated", "需升级"),
            lang.pick("Proposer dept", "提出部门"),
            lang.pick("Proposer", "提出人"),
            lang.pick("Proposed", "提出时间"),
            lang.pick("Response due", "响应时限"),
            lang.pick("First response", "首次响应"),
            lang.pick("Next deadline", "下一时限"),
            lang.pick("Departments", "涉及部门"),
            lang.pick("Title", "标题"),
        ];
        let people = s.store.people()?;
        let names = crate::domain::names::Names::new(&people, &[]);
        let mut out = csv::Writer::new();
        out.row(head)?;
        for r in &rows {
            let proposer = names.with_login(&r.proposer);
            out.row([
                r.number.as_str(),
                r.priority.label(lang),
                r.status.label(lang),
                if r.escalated { lang.pick("yes", "是") } else { "" },
                &r.proposer_dept,
                &proposer,
                &render::time(r.proposed_at),
                &render::time(r.response_due_at),
                &r.first_response_at.map(render::time).unwrap_or_default(),
                &r.next_due.map(|d| render::time(d.at)).unwrap_or_default(),
                &r.departments.join(" "),
                &r.title,
            ])?;
        }
        return s.write_raw(&out.finish()?);
    }
    let table_rows: Vec<Vec<Cell>> = rows
        .iter()
        .map(|r| {
            let up = if r.escalated { "↑" } else { "" };
            let next = match r.next_due {
                Some(due) => countdown(s.now, due, &cal).label(lang),
                None => String::from("—"),
            };
            vec![
                r.number.as_str().into(),
                Cell::with_short(r.priority.label(lang), r.priority.short(lang)),
                Cell::with_short(
                    format!("{}{up}", r.status.label(lang)),
                    format!("{}{up}", r.status.short(lang)),
                ),
                next.into(),
                r.departments.join(",").into(),
                r.title.as_str().into(),
            ]
        })
        .collect();
    if rows.is_empty() && filter.escalated && filter.statuses.iter().any(|st| !st.is_open()) {
        return s.say(lang.pick(
            "No issue matches: --escalated means escalated now, which only open issues are; --ever-escalated lists every issue that was escalated.",
            "没有符合条件的问题：--escalated 指当前处于升级状态，只有未结问题才会如此；曾经升级过的问题请用 --ever-escalated。",
        ));
    }
    if rows.is_empty() {
        return s.say(lang.pick("No issue matches.", "没有符合条件的问题。"));
    }
    let total = s.store.count(&filter, s.now)?;
    // On a narrow terminal the title is cut first, then the short forms the console uses, then
    // the departments are left out.
    let columns = [
        Column::new(lang.pick("Number", "编号")),
        Column::new(lang.pick("Pri", "优先级")).short(lang.pick("Pri", "优先")),
        Column::new(lang.pick("Status", "状态")),
        Column::new(lang.pick("Next deadline", "下一时限")).short(lang.pick("Deadline", "时限")),
        Column::new(lang.pick("Depts", "部门")).cut(1, 5).drop(0),
        Column::new(lang.pick("Title", "标题")).cut(0, 16),
    ];
    let mut out = fit::table(&columns, &table_rows, fit::terminal_width());
    if (rows.len() as i64) < total {
        out.push_str(&format!("\n({} / {total}; --limit/--offset)", rows.len()));
    }
    s.say(&out)
}

/// One record as `show --json` prints it (and `export --json` writes it): the issue's fields at
/// the top level, its sections beside them, and what the rule book derives from them.
pub fn record_json(
    record: &IssueRecord,
    now: chrono::NaiveDateTime,
    cal: &Calendar,
) -> CliResult<serde_json::Value> {
    let i = &record.issue;
    let state = i.response_state(now, cal);
    let mut value = serde_json::to_value(record)
        .map_err(|e| CliError::new(format!("cannot encode JSON: {e}"), format!("无法生成 JSON：{e}")))?;
    if let Some(issue) = value.get("issue").cloned().and_then(|v| v.as_object().cloned()) {
        for (k, v) in issue {
            value[k.as_str()] = v;
        }
        if let Some(obj) = value.as_object_mut() {
            obj.remove("issue");
        }
    }
    value["response_state"] = json!(state);
    value["escalated"] = json!(i.escalated_now());
    value["ever_escalated"] = json!(i.ever_escalated());
    value["next_due"] = json!(record_next_due(record));
    value["suggest_escalation"] = json!(suggests_escalation(record, now, cal));
    Ok(value)
}

pub fn show(s: &mut Session, a: ShowArgs) -> CliResult {
    s.require_reader()?;
    let record = s.store.record(&a.number)?;
    let people = s.store.people()?;
    let depts = s.store.departments()?;
    let cal = s.store.calendar()?;
    if s.json {
        let value = record_json(&record, s.now, &cal)?;
        return s.print_json(&value);
    }
    let text = if a.md {
        markdown::record(&record, &people, &depts, s.lang)
    } else {
        render::record(&record, &people, &depts, &cal, s.now, s.lang)
    };
    s.say(text.trim_end())
}

pub fn alerts(s: &mut Session, a: AlertsArgs) -> CliResult {
    let ctx = s.require_reader()?;
    let who = if a.mine { Some(ctx.actor.login().to_string()) } else { a.dept };
    let alerts = s.store.task_alerts(s.now, who.as_deref())?;
    if s.json {
        return s.print_json(&alerts);
    }
    if alerts.is_empty() {
        return s.say(s.pick("No task is overdue or needs a risk alert.", "没有逾期或应预警的任务。"));
    }
    let lang = s.lang;
    let people = s.store.people()?;
    let names = crate::domain::names::Names::new(&people, &[]);
    let this_year = s.now.year();
    let rows: Vec<Vec<Cell>> = alerts
        .iter()
        .map(|x| {
            let deadline = render::date(x.task.deadline);
            // This year's deadlines without the year when space is short.
            let short = if x.task.deadline.year() == this_year {
                x.task.deadline.format("%m-%d").to_string()
            } else {
                deadline.clone()
            };
            vec![
                x.flag.label(lang).into(),
                format!("{} #{}", x.number, x.task.seq).into(),
                Cell::with_short(deadline, short),
                x.task.dept.as_str().into(),
                names.with_login(&x.task.owner).into(),
                format!("{}%", x.task.percent).into(),
                x.task.title.as_str().into(),
            ]
        })
        .collect();
    // On a narrow terminal the title is cut first, then the owner; then the department and the
    // percentage are left out.
    let columns = [
        Column::new(lang.pick("Flag", "标记")),
        Column::new(lang.pick("Task", "任务")),
        Column::new(lang.pick("Deadline", "截止")).short(lang.pick("Due", "截止")),
        Column::new(lang.pick("Dept", "部门")).drop(0),
        Column::new(lang.pick("Owner", "负责人")).cut(1, 6),
        Column::new("%").drop(1),
        Column::new(lang.pick("Title", "内容")).cut(0, 16),
    ];
    s.say(&fit::table(&columns, &rows, fit::terminal_width()))
}

pub fn ack(s: &mut Session, a: AckArgs) -> CliResult {
    let ctx = s.ctx()?;
    let issue = s.store.acknowledge(&ctx, &a.number, clean_opt(&a.note).as_deref())?;
    done(s, &issue, "acknowledged", "已确认收到")
}

pub fn comment(s: &mut Session, a: CommentArgs) -> CliResult {
    let ctx = s.ctx()?;
    let issue = s.store.comment(&ctx, &a.number, &clean_input(&a.text))?;
    done(s, &issue, "comment added", "已评论")
}

pub fn meeting(s: &mut Session, cmd: MeetingCmd) -> CliResult {
    let ctx = s.ctx()?;
    match cmd {
        MeetingCmd::Add { number, participants, summary, disputes, consensus, mode, at } => {
            let input = MeetingInput {
                held_at: s.time_opt("--at", at.as_deref(), Ahead::Past)?,
                mode,
                participants: participants
                    .iter()
                    .map(|p| p.trim().to_string())
                    .filter(|p| !p.is_empty())
                    .collect(),
                summary: clean_input(&summary),
                disputes: clean_input(&disputes),
                consensus: clean_input(&consensus),
            };
            let seq = s.store.record_meeting(&ctx, &number, &input)?;
            noted(s);
            if s.json {
                return s.print_json(&json!({"number": number, "meeting": seq}));
            }
            let line = format!(
                "{number} {} #{seq}; {}",
                s.pick("meeting recorded", "已记录会议"),
                s.pick("participants are asked to confirm the minutes", "已通知参会人确认纪要")
            );
            s.say(&line)
        }
        MeetingCmd::Confirm { number, meeting, object, for_login, for_reason } => {
            let note = clean_opt(&object);
            let reason = clean_opt(&for_reason);
            let on_behalf = for_login.as_deref().zip(reason.as_deref());
            s.store.answer_minutes(&ctx, &number, meeting, note.is_none(), note.as_deref(), on_behalf)?;
            if s.json {
                return s
                    .print_json(&json!({"number": number, "meeting": meeting, "confirmed": note.is_none()}));
            }
            let what = if note.is_none() {
                s.pick("minutes confirmed", "已确认纪要")
            } else {
                s.pick("objection recorded", "已记录异议")
            };
            s.say(&format!("{number} #{meeting} {what}"))
        }
        MeetingCmd::Amend { number, meeting, summary, disputes, consensus } => {
            let record = s.store.record(&number)?;
            let Some(m) = record.meetings.iter().find(|m| m.seq == meeting) else {
                return Err(StoreError::not_found(Kind::Meeting, format!("{number} #{meeting}")).into());
            };
            let pick = |new: &Option<String>, old: &str| new.as_deref().map_or(old.to_string(), clean_input);
            let text = MinutesText {
                summary: pick(&summary, &m.summary),
                disputes: pick(&disputes, &m.disputes),
                consensus: pick(&consensus, &m.consensus),
            };
            let version = s.store.amend_minutes(&ctx, &number, meeting, &text)?;
            if s.json {
                return s.print_json(&json!({"number": number, "meeting": meeting, "version": version}));
            }
            let line = format!(
                "{number} #{meeting} {} {version}; {}",
                s.pick("minutes amended to version", "纪要已修订为第"),
                s.pick("participants are asked to confirm again", "已请参会人重新确认")
            );
            s.say(&line)
        }
    }
}

pub fn task(s: &mut Session, cmd: TaskCmd) -> CliResult {
    let ctx = s.ctx()?;
    match cmd {
        TaskCmd::Add { number, dept, title, owner, deadline, involve } => {
            let deadline = s.day_arg("--deadline", &deadline, Ahead::Future)?;
            let input = TaskInput { dept, title: clean_input(&title), owner, deadline, involve };
            let seq = s.store.add_task(&ctx, &number, &input)?;
            noted(s);
            if s.json {
                return s.print_json(&json!({"number": number, "task": seq}));
            }
            s.say(&format!("{number} {} #{seq}", s.pick("task added", "已新增任务")))
        }
        TaskCmd::Update { number, task, state, percent, owner, deadline, title, if_version } => {
            let deadline = s.day_opt("--deadline", deadline.as_deref(), Ahead::Future)?;
            let update = TaskUpdate { title: clean_opt(&title), owner, deadline, state, percent };
            let t = s.store.update_task(&ctx, &number, if_version, task, &update)?;
            if s.json {
                return s.print_json(&t);
            }
            s.say(&format!("{number} #{task}: {} {}%", t.state.label(s.lang), t.percent))
        }
        TaskCmd::Cancel { number, task, reason } => {
            let t = s.store.cancel_task(&ctx, &number, task, &clean_input(&reason))?;
            if s.json {
                return s.print_json(&t);
            }
            s.say(&format!("{number} #{task}: {}", t.state.label(s.lang)))
        }
    }
}

pub fn progress(s: &mut Session, cmd: ProgressCmd) -> CliResult {
    let ctx = s.ctx()?;
    let ProgressCmd::Add { number, note, task, percent, help_dept, help_what, at } = cmd;
    let help =
        help_dept.map(|dept| HelpRequest { dept, what: clean_input(help_what.as_deref().unwrap_or("")) });
    let at = s.time_opt("--at", at.as_deref(), Ahead::Past)?;
    let input = ProgressInput { task, at, percent, note: clean_input(&note), help };
    s.store.add_progress(&ctx, &number, &input)?;
    noted(s);
    if s.json {
        return s.print_json(&json!({"number": number, "task": task, "percent": percent}));
    }
    s.say(&format!("{number} {}", s.pick("progress recorded", "已更新进度")))
}

pub fn risk(s: &mut Session, cmd: RiskCmd) -> CliResult {
    let ctx = s.ctx()?;
    let RiskCmd::Add { number, task, reason, plan, new_date } = cmd;
    let new_date = s.day_opt("--new-date", new_date.as_deref(), Ahead::Future)?;
    let input =
        RiskInput { task, reason: clean_input(&reason), plan: clean_input(&plan), new_deadline: new_date };
    let timely = s.store.raise_risk(&ctx, &number, &input)?;
    if s.json {
        return s.print_json(&json!({"number": number, "task": task, "timely": timely}));
    }
    let verdict = if timely {
        s.pick("timely (at least one working day before the deadline)", "预警及时（提前至少1个工作日）")
    } else {
        s.pick("LATE: less than one working day before the deadline", "预警不及时：距截止不足1个工作日")
    };
    s.say(&format!("{number} #{task} {}: {verdict}", s.pick("risk alert raised", "已发起风险预警")))
}

pub fn escalate(s: &mut Session, a: EscalateArgs) -> CliResult {
    let ctx = s.ctx()?;
    let issue = s.store.escalate(&ctx, &a.number, &clean_input(&a.reason), &clean_input(&a.to))?;
    done(s, &issue, "escalated", "已升级")
}

pub fn deescalate(s: &mut Session, a: DeescalateArgs) -> CliResult {
    let ctx = s.ctx()?;
    let issue = s.store.close_escalation(&ctx, &a.number, &clean_input(&a.note))?;
    done(s, &issue, "escalation closed", "已解除升级")
}

pub fn resolve(s: &mut Session, a: ResolveArgs) -> CliResult {
    let ctx = s.ctx()?;
    let resolved_at = s.time_opt("--at", a.at.as_deref(), Ahead::Past)?;
    let input = ResolveInput {
        solution: clean_input(&a.solution),
        owner: a.owner,
        feedback: a.feedback,
        resolved_at,
        without_response: clean_opt(&a.without_response),
    };
    let issue = s.store.resolve(&ctx, &a.number, &input)?;
    let feedback = issue.resolution.as_ref().map(|r| r.feedback.clone()).unwrap_or_default();
    if s.json {
        return s.print_json(&issue);
    }
    let line = format!(
        "{} {} — {} {}",
        issue.number,
        s.pick("solution entered", "已填写解决方案"),
        s.pick("awaiting acceptance by", "等待验收："),
        sanitize_line(&feedback)
    );
    s.say(&line)
}

pub fn accept(s: &mut Session, a: AcceptArgs) -> CliResult {
    let ctx = s.ctx()?;
    let reason = clean_opt(&a.for_reason);
    let issue = s.store.answer_acceptance(&ctx, &a.number, true, None, reason.as_deref())?;
    done(s, &issue, "accepted", "验收通过")
}

pub fn refuse(s: &mut Session, a: RefuseArgs) -> CliResult {
    let ctx = s.ctx()?;
    let reason = clean_opt(&a.for_reason);
    let issue = s.store.answer_acceptance(
        &ctx,
        &a.number,
        false,
        Some(&clean_input(&a.reason)),
        reason.as_deref(),
    )?;
    done(s, &issue, "acceptance refused", "验收不通过")
}

pub fn archive(s: &mut Session, a: ArchiveArgs) -> CliResult {
    let ctx = s.ctx()?;
    let issue = s.store.archive(&ctx, &a.number, &clean_input(&a.retro))?;
    done(s, &issue, "archived", "已归档")
}
