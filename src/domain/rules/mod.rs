//! The rule book: may this person do this action on this record now, and if not, why and who can.
//!
//! One function decides each action, from the record, the person and the clock. The store calls
//! `check` inside its write transaction on the record it has just read, so every caller (command
//! line, console, import) is held to the same rules; the console calls `may` on the record it
//! shows to build its action menu, to open or refuse a form, and for its hints. Nothing here
//! reads a database or a terminal.
//!
//! `may` answers for the action in general (can this person enter a solution at all?); `check`
//! answers for one concrete act with its arguments (this task, this date, on whose behalf), and
//! always asks `may` first, so the two cannot disagree.

mod act;
mod facts;
mod invariants;
mod refusals;

pub use act::{Act, Ask, Outcome, Refusal, TaskChange};
pub use facts::{counts_as_response, is_proposing_side, next_due, suggests_escalation, takes_tasks};
pub use invariants::{Violation, violations};
use refusals::*;

use super::permission::{self, Scope};
use super::status::{self, Action};
use super::*;
use crate::i18n::{Bilingual, Lang};

const COORDINATORS: (&str, &str) = ("a coordinator or an admin can", "协调人或管理员可以操作");

/// Whether `me` may register an issue for `dept`.
pub fn may_register(me: &Person, dept: &str) -> Result<(), Refusal> {
    let scope = Scope { proposer_dept: dept, involved: &[], target_dept: Some(dept) };
    permission::check(me, Action::Register, &scope).map_err(|d| denied(Action::Register, d))
}

/// Whether `me` may do `action` on this record now, in general: the stage, the role and the
/// record's state. The console's menus, form preflight and hints ask this.
pub fn may(action: Action, r: &IssueRecord, ask: Ask) -> Result<Outcome, Refusal> {
    let i = &r.issue;
    let me = ask.me;
    let allowed = status::allowed(i.status);
    if !allowed.contains(&action) {
        return Err(stage_refusal(i.status, action, &allowed));
    }
    let coordinator = me.role >= Role::Coordinator;
    // Who may: the role and the department. Answers that belong to one person are decided below.
    if !matches!(action, Action::AnswerMinutes | Action::Accept | Action::Refuse | Action::Undo) {
        let scope = scope(i, None);
        permission::check(me, action, &scope).map_err(|d| denied(action, d))?;
    } else if me.role == Role::Viewer {
        let scope = scope(i, None);
        permission::check(me, action, &scope).map_err(|d| denied(action, d))?;
    }
    let proposing_side = is_proposing_side(me, i);
    match action {
        Action::Acknowledge if proposing_side => {
            return Err(Refusal::new(
                action,
                "the proposing side does not acknowledge its own issue; an involved department does",
                "提出方不能确认收到自己的问题，应由涉及部门确认",
            )
            .who(format!("members of {}", others(i)), format!("{} 的成员可以操作", others(i))));
        }
        Action::AmendMinutes => {
            let mine = r.meetings.iter().any(|m| m.recorder == me.login);
            if r.meetings.is_empty() {
                return Err(Refusal::new(action, "no meeting is recorded yet", "尚未记录会议"));
            }
            if !mine && !coordinator {
                return Err(Refusal::new(
                    action,
                    "only the recorder amends the minutes",
                    "只有记录人可以修订纪要",
                )
                .who(
                    format!("the recorder ({}) or {}", recorders(r), COORDINATORS.0),
                    format!("记录人（{}）或{}", recorders(r), COORDINATORS.1),
                ));
            }
        }
        Action::AnswerMinutes => {
            let mine = r.meetings.iter().any(|m| m.pending().any(|p| p.login == me.login));
            let anyone = r.meetings.iter().any(|m| m.pending().next().is_some());
            if !(mine || coordinator && anyone) {
                return Err(Refusal::new(
                    action,
                    "no minutes wait on your answer: only a pending participant confirms or objects",
                    "没有等待你确认的会议纪要：只有待确认的参会人可以确认或提出异议",
                ));
            }
        }
        Action::UpdateTask if !r.tasks.iter().any(|t| t.state != TaskState::Cancelled) => {
            return Err(Refusal::new(action, "the issue has no task yet", "该问题还没有任务")
                .who("add one first (t)", "请先新增任务（t）"));
        }
        Action::CancelTask | Action::RaiseRisk if !r.tasks.iter().any(|t| t.state.is_open()) => {
            return Err(Refusal::new(
                action,
                "the issue has no open task (every task is done or cancelled)",
                "该问题没有未完成的任务（均已完成或已取消）",
            ));
        }
        Action::UpdateTask | Action::CancelTask | Action::RaiseRisk => {
            // Some task this person may work on: its department's, or any for a coordinator.
            let workable = |t: &&Task| match action {
                Action::UpdateTask => t.state != TaskState::Cancelled,
                _ => t.state.is_open(),
            };
            let mut theirs = r.tasks.iter().filter(workable);
            if !theirs.any(|t| permission::check(me, action, &scope(i, Some(&t.dept))).is_ok()) {
                let depts: Vec<&str> = {
                    let mut d: Vec<&str> = r.tasks.iter().filter(workable).map(|t| t.dept.as_str()).collect();
                    d.sort_unstable();
                    d.dedup();
                    d
                };
                return Err(Refusal::new(
                    action,
                    format!("no task here is your department's ({})", me.dept),
                    format!("该问题没有属于你部门（{}）的任务", me.dept),
                )
                .who(
                    format!("members of {} or {}", depts.join(", "), COORDINATORS.0),
                    format!("{} 的成员或{}", depts.join("、"), COORDINATORS.1),
                ));
            }
        }
        Action::CloseEscalation if i.open_escalation().is_none() => {
            return Err(Refusal::new(action, "the issue is not escalated now", "该问题当前未升级"));
        }
        Action::Resolve | Action::Accept => {
            work_is_closed(action, r)?;
        }
        _ => {}
    }
    if matches!(action, Action::Accept | Action::Refuse) {
        let feedback = i.resolution.as_ref().map(|x| x.feedback.as_str()).unwrap_or(&i.proposer);
        if feedback != me.login && !coordinator {
            return Err(Refusal::new(
                action,
                format!("acceptance is the feedback person's ({feedback})"),
                format!("验收由反馈人（{feedback}）进行"),
            )
            .who(
                format!(
                    "{feedback}, or {} on their behalf with a reason",
                    COORDINATORS.0.trim_end_matches(" can")
                ),
                format!("{feedback}，或协调人、管理员注明原因后代为操作"),
            ));
        }
    }
    if action == Action::Resolve
        && i.first_response_at.is_none()
        && !counts_as_response(action, me, i)
        && !coordinator
    {
        return Err(Refusal::new(
            action,
            "no involved department has responded yet",
            "尚无涉及部门响应",
        )
        .who(
            format!(
                "members of {} respond first (acknowledge, comment, meeting, task), or {} record why it goes ahead",
                others(i),
                "a coordinator or an admin"
            ),
            format!("请 {} 的成员先响应（确认收到、评论、会议、任务），或由协调人、管理员注明原因", others(i)),
        ));
    }
    Ok(outcome(action, r, me))
}

/// Whether `me` may do this concrete act now. The store calls it inside its transaction.
pub fn check(act: &Act, r: &IssueRecord, ask: Ask) -> Result<Outcome, Refusal> {
    let action = act.action();
    if let Act::Undo { of, version } = act {
        return check_undo(*of, *version, r, ask);
    }
    let outcome = may(action, r, ask)?;
    let i = &r.issue;
    let me = ask.me;
    let today = ask.now.date();
    let coordinator = me.role >= Role::Coordinator;
    let on_task =
        |dept: &str| permission::check(me, action, &scope(i, Some(dept))).map_err(|d| denied(action, d));
    match *act {
        Act::AmendMinutes { meeting } => {
            let m = meeting_of(r, meeting, action)?;
            if m.recorder != me.login && !coordinator {
                return Err(Refusal::new(
                    action,
                    format!("meeting #{meeting} was recorded by {}", m.recorder),
                    format!("会议 #{meeting} 由 {} 记录", m.recorder),
                )
                .who(
                    format!("{} or {}", m.recorder, COORDINATORS.0),
                    format!("{} 或{}", m.recorder, COORDINATORS.1),
                ));
            }
        }
        Act::AnswerMinutes { meeting, participant, proxy_reason } => {
            let m = meeting_of(r, meeting, action)?;
            let Some(p) = m.participants.iter().find(|p| p.login == participant) else {
                return Err(Refusal::new(
                    action,
                    format!("{participant} is not a participant of meeting #{meeting}"),
                    format!("{participant} 不是会议 #{meeting} 的参会人"),
                ));
            };
            if p.confirmation != Confirmation::Pending {
                return Err(Refusal::new(
                    action,
                    format!(
                        "{participant} has already answered the minutes of meeting #{meeting} ({})",
                        p.confirmation.label(Lang::En).to_lowercase()
                    ),
                    format!(
                        "{participant} 已答复会议 #{meeting} 的纪要（{}）",
                        p.confirmation.label(Lang::Zh)
                    ),
                )
                .who(
                    "an objection is answered by the recorder amending the minutes; each new version is asked again",
                    "异议由记录人修订纪要来答复，修订后的新版本需重新确认",
                ));
            }
            proxy(action, participant, me, proxy_reason)?;
        }
        Act::AddTask { dept, deadline, involve } => {
            if deadline < today {
                return Err(past_date(action, deadline, today));
            }
            if !takes_tasks(i, dept) {
                if !involve {
                    return Err(Refusal::new(
                        action,
                        format!(
                            "{dept} is not involved in the issue (involved: {})",
                            i.departments.join(", ")
                        ),
                        format!("{dept} 不是该问题的涉及部门（涉及部门：{}）", i.departments.join("、")),
                    )
                    .who(
                        format!("add {dept} to the issue first (--involve, or say yes in the form)"),
                        format!("请先将 {dept} 加入涉及部门（--involve，或在表单中确认加入）"),
                    ));
                }
                permission::check(me, Action::EditDescription, &scope(i, None))
                    .map_err(|d| denied(Action::EditDescription, d))?;
            }
            on_task(dept)?;
        }
        Act::UpdateTask { task, change } => {
            let t = task_of(r, task, action)?;
            if t.state == TaskState::Cancelled {
                return Err(Refusal::new(
                    action,
                    format!("task #{task} is cancelled"),
                    format!("任务 #{task} 已取消"),
                )
                .who("add a new task instead", "请新增任务"));
            }
            on_task(&t.dept)?;
            if let Some(deadline) = change.deadline.filter(|d| *d != t.deadline && *d < today) {
                return Err(past_date(action, deadline, today));
            }
            if change.state == Some(TaskState::Cancelled) {
                return Err(Refusal::new(
                    action,
                    "a task is cancelled with a reason, not by changing its state",
                    "取消任务须说明原因，不能直接修改状态",
                )
                .who("cancel it (liaison task cancel)", "请使用取消任务（liaison task cancel）"));
            }
            percent_in_range(action, change.percent)?;
        }
        Act::CancelTask { task } => {
            let t = task_of(r, task, action)?;
            if !t.state.is_open() {
                return Err(closed_task(action, t));
            }
            on_task(&t.dept)?;
        }
        Act::AddProgress { task, percent } => {
            percent_in_range(action, percent)?;
            if let Some(seq) = task {
                let t = task_of(r, seq, action)?;
                if !t.state.is_open() && percent.is_some() {
                    return Err(closed_task(action, t));
                }
                on_task(&t.dept)?;
            }
        }
        Act::RaiseRisk { task, new_deadline } => {
            let t = task_of(r, task, action)?;
            if !t.state.is_open() {
                return Err(closed_task(action, t));
            }
            on_task(&t.dept)?;
            if let Some(d) = new_deadline.filter(|d| *d < today) {
                return Err(past_date(action, d, today));
            }
        }
        Act::Resolve { waiver }
            if i.first_response_at.is_none() && !counts_as_response(action, me, i) && blank(waiver) =>
        {
            return Err(Refusal::new(action, "no involved department has responded yet", "尚无涉及部门响应")
                .who(
                    "say why it goes ahead without a response (--without-response REASON)",
                    "请注明未经响应即提交解决方案的原因（--without-response 原因）",
                ));
        }
        Act::Accept { proxy_reason } | Act::Refuse { proxy_reason } => {
            let feedback = i.resolution.as_ref().map(|x| x.feedback.as_str()).unwrap_or(&i.proposer);
            proxy(action, feedback, me, proxy_reason)?;
        }
        _ => {}
    }
    Ok(outcome)
}

/// Undo takes back my own last change, and only while nobody has changed the issue since.
fn check_undo(of: Action, version: i64, r: &IssueRecord, ask: Ask) -> Result<Outcome, Refusal> {
    let i = &r.issue;
    if i.version != version || i.updated_by != ask.me.login {
        return Err(Refusal::new(
            Action::Undo,
            format!(
                "{} changed the issue at {} after your change",
                i.updated_by,
                i.updated_at.format("%m-%d %H:%M")
            ),
            format!("{} 于 {} 在你之后修改了该问题", i.updated_by, i.updated_at.format("%m-%d %H:%M")),
        )
        .who("correct it with a comment instead", "请用评论更正"));
    }
    if !matches!(of, Action::EditDescription | Action::UpdateTask) {
        return Err(Refusal::new(
            Action::Undo,
            "only description edits and task updates can be taken back; other changes stay on the record",
            "只有修改描述和更新任务可以撤销；其他操作保留在记录中",
        )
        .who("add a comment to correct it", "请添加评论更正"));
    }
    may(of, r, ask)
}

fn outcome(action: Action, r: &IssueRecord, me: &Person) -> Outcome {
    let i = &r.issue;
    let first_response = i.first_response_at.is_none() && counts_as_response(action, me, i);
    let note = (i.first_response_at.is_none()
        && action.is_response()
        && !first_response
        && is_proposing_side(me, i))
    .then(|| {
        Bilingual::new(
            "the proposing side's own actions do not count as the first response; it still waits for an involved department",
            "提出方自己的操作不计为首次响应，仍在等待涉及部门响应",
        )
    });
    Outcome { status: status::next(i.status, action, first_response), first_response, note }
}

/// A solution needs every task done or cancelled and no objection to the minutes unanswered.
fn work_is_closed(action: Action, r: &IssueRecord) -> Result<(), Refusal> {
    let open: Vec<String> = r
        .tasks
        .iter()
        .filter(|t| t.state.is_open())
        .map(|t| format!("#{} {} {}%", t.seq, t.dept, t.percent))
        .collect();
    let objections: Vec<String> = r
        .meetings
        .iter()
        .flat_map(|m| m.objections().map(move |p| format!("#{} {}", m.seq, p.login)))
        .collect();
    if open.is_empty() && objections.is_empty() {
        return Ok(());
    }
    let mut en = Vec::new();
    let mut zh = Vec::new();
    if !open.is_empty() {
        en.push(format!("tasks still open: {}", open.join(", ")));
        zh.push(format!("仍有未完成的任务：{}", open.join("、")));
    }
    if !objections.is_empty() {
        en.push(format!("objections to the minutes unanswered: {}", objections.join(", ")));
        zh.push(format!("纪要异议尚未答复：{}", objections.join("、")));
    }
    let (who_en, who_zh) = match (open.is_empty(), objections.is_empty()) {
        (false, false) => (
            "finish or cancel each task (with a reason), and let the recorder amend the minutes objected to",
            "请完成或取消（注明原因）每项任务，并由记录人修订有异议的纪要",
        ),
        (false, true) => ("finish or cancel each task (with a reason)", "请完成或取消（注明原因）每项任务"),
        _ => ("let the recorder amend the minutes objected to", "请由记录人修订有异议的纪要"),
    };
    Err(Refusal::new(action, en.join("; "), zh.join("；")).who(who_en, who_zh))
}

/// An answer that belongs to `owner`: theirs, or a coordinator's on their behalf with a reason.
fn proxy(action: Action, owner: &str, me: &Person, reason: Option<&str>) -> Result<(), Refusal> {
    if owner == me.login {
        return Ok(());
    }
    if me.role < Role::Coordinator {
        return Err(Refusal::new(action, format!("this answer is {owner}'s"), format!("该答复属于 {owner}"))
            .who(
                format!("{owner}, or a coordinator or an admin on their behalf with a reason"),
                format!("{owner}，或协调人、管理员注明原因后代为操作"),
            ));
    }
    if blank(reason) {
        return Err(Refusal::new(
            action,
            format!("this answer is {owner}'s; you may give it on their behalf, with the reason"),
            format!("该答复属于 {owner}；你可以代为操作，但须注明原因"),
        )
        .who(
            "say why, e.g. --for-reason \"confirmed by phone\" (in the console: the reason field)",
            "请注明原因，如 --for-reason 电话确认（控制台中填写代为操作原因）",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
