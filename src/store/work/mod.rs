//! The work on an issue after it is registered: responses, meetings, tasks, progress, risks,
//! escalation, resolution, acceptance and archive. Each is one transaction through
//! `begin` → the rule book → the change → `finish`. Meetings and tasks have files of their own;
//! the issue's own steps (response, comment, escalation, solution, acceptance, archive) are here.

mod meetings;
mod tasks;

use chrono::{NaiveDate, NaiveDateTime};
use rusqlite::{Transaction, named_params};
use serde_json::{Value, json};

use super::admin::{calendar, require_department, require_person};
use super::convert::{Day, Instant};
use super::issues::{begin, finish, load, not_in_future};
use super::search::{index, reindex};
use super::{Ctx, Store, StoreError, StoreResult};
use crate::domain::model::local_time::rfc3339;
use crate::domain::rules::Act;
use crate::domain::*;
use crate::i18n::Bilingual;

#[derive(Debug, Clone)]
pub struct MeetingInput {
    /// Defaults to now.
    pub held_at: Option<NaiveDateTime>,
    pub mode: MeetingMode,
    /// Logins; each participant's department is their own.
    pub participants: Vec<String>,
    pub summary: String,
    pub disputes: String,
    pub consensus: String,
}

#[derive(Debug, Clone)]
pub struct TaskInput {
    pub dept: String,
    pub title: String,
    pub owner: String,
    pub deadline: NaiveDate,
    /// Add the department to the issue first if it is not involved yet (recorded as its own event).
    pub involve: bool,
}

#[derive(Debug, Clone, Default)]
pub struct TaskUpdate {
    pub title: Option<String>,
    pub owner: Option<String>,
    pub deadline: Option<NaiveDate>,
    pub state: Option<TaskState>,
    pub percent: Option<u8>,
}

#[derive(Debug, Clone)]
pub struct ProgressInput {
    /// The task's number within the issue (1, 2, …), if the update is about one task.
    pub task: Option<i64>,
    /// Defaults to now.
    pub at: Option<NaiveDateTime>,
    pub percent: Option<u8>,
    pub note: String,
    pub help: Option<HelpRequest>,
}

/// 解决结果 as entered: the solution, who owns it, who accepts it.
#[derive(Debug, Clone, Default)]
pub struct ResolveInput {
    pub solution: String,
    pub owner: String,
    /// Defaults to the proposer.
    pub feedback: Option<String>,
    /// Defaults to now; may be earlier, never later.
    pub resolved_at: Option<NaiveDateTime>,
    /// A coordinator's reason for going ahead before any involved department responded.
    pub without_response: Option<String>,
}

/// The minutes' texts, as recorded or amended.
#[derive(Debug, Clone)]
pub struct MinutesText {
    pub summary: String,
    pub disputes: String,
    pub consensus: String,
}

#[derive(Debug, Clone)]
pub struct RiskInput {
    pub task: i64,
    pub reason: String,
    pub plan: String,
    pub new_deadline: Option<NaiveDate>,
}

impl Store {
    /// Runs one change to an issue and keeps the rule book's note for the person.
    pub(super) fn change<T>(
        &mut self,
        f: impl FnMut(&Transaction) -> StoreResult<(T, Option<Bilingual>)>,
    ) -> StoreResult<T> {
        let (value, note) = self.write(f)?;
        self.note = note;
        Ok(value)
    }

    /// 确认收到: the involved department has seen the issue.
    pub fn acknowledge(&mut self, ctx: &Ctx, number: &str, note: Option<&str>) -> StoreResult<Issue> {
        self.change(|tx| {
            let (r, outcome) = begin(tx, ctx, number, None, &Act::Acknowledge)?;
            if let Some(note) = note.filter(|n| !n.trim().is_empty()) {
                insert_comment(tx, ctx, r.issue.id, note)?;
            }
            let after = json!({"note": note});
            let said = finish(tx, ctx, &r.issue, &outcome, EventKind::Acknowledged, json!({}), after)?;
            Ok((load(tx, number)?, said))
        })
    }

    pub fn comment(&mut self, ctx: &Ctx, number: &str, body: &str) -> StoreResult<Issue> {
        required(body, "the comment", "评论内容")?;
        self.change(|tx| {
            let (r, outcome) = begin(tx, ctx, number, None, &Act::Comment)?;
            insert_comment(tx, ctx, r.issue.id, body)?;
            let after = json!({"body": body});
            let said = finish(tx, ctx, &r.issue, &outcome, EventKind::Commented, json!({}), after)?;
            Ok((load(tx, number)?, said))
        })
    }

    /// 需升级: raises the issue to someone with more authority. Every escalation is kept; one may
    /// be raised again while another is open (a new reason, a higher target).
    pub fn escalate(&mut self, ctx: &Ctx, number: &str, reason: &str, to: &str) -> StoreResult<Issue> {
        required(reason, "the reason", "升级原因")?;
        required(to, "to whom it is escalated", "升级对象")?;
        self.change(|tx| {
            let (r, outcome) = begin(tx, ctx, number, None, &Act::Escalate)?;
            let issue = &r.issue;
            let seq = next_seq(tx, "escalations", issue.id)?;
            tx.execute(
                "INSERT INTO escalations (issue_id, seq, at, by_login, to_whom, reason)
                 VALUES (:issue, :seq, :now, :by, :to, :reason)",
                named_params! {
                    ":issue": issue.id, ":seq": seq, ":now": Instant(ctx.now), ":by": ctx.actor.login(),
                    ":to": to, ":reason": reason,
                },
            )?;
            let before = json!({"open_escalation": issue.open_escalation().map(|e| e.seq)});
            let after = json!({"escalation": seq, "reason": reason, "to": to});
            let said = finish(tx, ctx, issue, &outcome, EventKind::Escalated, before, after)?;
            Ok((load(tx, number)?, said))
        })
    }

    /// Closes every open escalation of the issue with a note (what was decided).
    pub fn close_escalation(&mut self, ctx: &Ctx, number: &str, note: &str) -> StoreResult<Issue> {
        required(note, "the note (what was decided)", "解除说明")?;
        self.change(|tx| {
            let (r, outcome) = begin(tx, ctx, number, None, &Act::CloseEscalation)?;
            let issue = &r.issue;
            let open: Vec<i64> = issue.escalations.iter().filter(|e| e.closed.is_none()).map(|e| e.seq).collect();
            tx.execute(
                "UPDATE escalations SET closed_at = :now, closed_by = :by, close_note = :note
                 WHERE issue_id = :issue AND closed_at IS NULL",
                named_params! {":now": Instant(ctx.now), ":by": ctx.actor.login(), ":note": note, ":issue": issue.id},
            )?;
            let after = json!({"escalations": open, "note": note});
            let said = finish(tx, ctx, issue, &outcome, EventKind::EscalationClosed, json!({}), after)?;
            Ok((load(tx, number)?, said))
        })
    }

    /// 解决结果: the solution, who owns it, and who accepts it (the requester's contact).
    pub fn resolve(&mut self, ctx: &Ctx, number: &str, input: &ResolveInput) -> StoreResult<Issue> {
        required(&input.solution, "the solution", "解决方案")?;
        let resolved_at = input.resolved_at.unwrap_or(ctx.now);
        not_in_future(resolved_at, ctx.now)?;
        let waiver = input.without_response.as_deref().map(str::trim).filter(|w| !w.is_empty());
        self.change(|tx| {
            let (r, outcome) = begin(tx, ctx, number, None, &Act::Resolve { waiver })?;
            let issue = &r.issue;
            require_person(tx, &input.owner)?;
            let feedback = input.feedback.as_deref().unwrap_or(&issue.proposer);
            require_person(tx, feedback)?;
            // The reason is kept only where it was needed: no response before this one.
            let waived =
                (issue.first_response_at.is_none() && !outcome.first_response).then_some(waiver).flatten();
            tx.execute(
                "UPDATE issues SET solution = :solution, resolved_at = :at, resolution_owner = :owner,
                     feedback_person = :feedback, accepted = NULL, accepted_by = NULL, accepted_at = NULL,
                     acceptance_reason = NULL, accepted_proxy = NULL, accepted_proxy_reason = NULL,
                     response_waived = coalesce(:waived, response_waived)
                 WHERE id = :id",
                named_params! {
                    ":solution": input.solution, ":at": Instant(resolved_at), ":owner": input.owner,
                    ":feedback": feedback, ":waived": waived, ":id": issue.id,
                },
            )?;
            reindex(tx, issue.id, "solution", &input.solution)?;
            let before = json!({"resolution": issue.resolution});
            let after = json!({
                "solution": input.solution, "resolved_at": rfc3339(&resolved_at), "owner": input.owner,
                "feedback": feedback, "without_response": waived,
            });
            let said = finish(tx, ctx, issue, &outcome, EventKind::Resolved, before, after)?;
            Ok((load(tx, number)?, said))
        })
    }

    /// The feedback person accepts the result, or refuses it with a reason (back to in progress).
    /// `on_behalf`: a coordinator's reason for answering for the feedback person ("电话确认").
    pub fn answer_acceptance(
        &mut self,
        ctx: &Ctx,
        number: &str,
        accept: bool,
        reason: Option<&str>,
        on_behalf: Option<&str>,
    ) -> StoreResult<Issue> {
        if !accept {
            required(reason.unwrap_or(""), "the reason for refusing", "验收不通过的原因")?;
        }
        let act = if accept {
            Act::Accept { proxy_reason: on_behalf }
        } else {
            Act::Refuse { proxy_reason: on_behalf }
        };
        self.change(|tx| {
            let (r, outcome) = begin(tx, ctx, number, None, &act)?;
            let issue = &r.issue;
            let feedback = issue.resolution.as_ref().map_or(issue.proposer.as_str(), |x| x.feedback.as_str());
            let proxy = proxy_of(ctx, feedback, on_behalf);
            tx.execute(
                "UPDATE issues SET accepted = :accepted, accepted_by = :by, accepted_at = :now,
                     acceptance_reason = :reason, accepted_proxy = :proxy, accepted_proxy_reason = :proxy_reason
                 WHERE id = :id",
                named_params! {
                    ":accepted": accept, ":by": feedback, ":now": Instant(ctx.now), ":reason": reason,
                    ":proxy": proxy.as_ref().map(|p| &p.by),
                    ":proxy_reason": proxy.as_ref().and_then(|p| p.reason.as_ref()), ":id": issue.id,
                },
            )?;
            let kind = if accept { EventKind::Accepted } else { EventKind::Refused };
            let mut after = json!({"reason": reason});
            mark_proxy(&mut after, feedback, ctx, on_behalf);
            let said = finish(tx, ctx, issue, &outcome, kind, json!({}), after)?;
            Ok((load(tx, number)?, said))
        })
    }

    /// 归档与复盘: archives a resolved issue with its retrospective. The issue is read-only after.
    pub fn archive(&mut self, ctx: &Ctx, number: &str, retrospective: &str) -> StoreResult<Issue> {
        required(
            retrospective,
            "the retrospective (what went well, what to improve)",
            "复盘（做得好的、需改进的）",
        )?;
        self.change(|tx| {
            let (r, outcome) = begin(tx, ctx, number, None, &Act::Archive)?;
            let issue = &r.issue;
            tx.execute(
                "UPDATE issues SET retrospective = :retro, archived_at = :now WHERE id = :id",
                named_params! {":retro": retrospective, ":now": Instant(ctx.now), ":id": issue.id},
            )?;
            index(tx, issue.id, "retrospective", retrospective)?;
            let after = json!({"retrospective": retrospective});
            let said = finish(tx, ctx, issue, &outcome, EventKind::Archived, json!({}), after)?;
            Ok((load(tx, number)?, said))
        })
    }
}

/// Who answered for `owner`, if not they themselves: an admin running the command as them
/// (`--as`), or someone acting on their behalf with a reason.
pub(super) fn proxy_of(ctx: &Ctx, owner: &str, reason: Option<&str>) -> Option<Proxy> {
    if ctx.actor.login() != owner {
        return Some(Proxy { by: ctx.actor.login().to_string(), reason: reason.map(str::to_string) });
    }
    ctx.actor.on_behalf_of.as_ref().map(|admin| Proxy { by: admin.clone(), reason: None })
}

/// Notes in an event whose answer it was, when someone else gave it.
pub(super) fn mark_proxy(after: &mut Value, owner: &str, ctx: &Ctx, reason: Option<&str>) {
    if ctx.actor.login() != owner {
        after["for"] = json!(owner);
        after["proxy_reason"] = json!(reason);
    }
}

pub(super) fn required(text: &str, en: &str, zh: &str) -> StoreResult<()> {
    if text.trim().is_empty() {
        return Err(StoreError::invalid(format!("{en} must not be empty"), format!("{zh}不能为空")));
    }
    Ok(())
}

/// A task's title keeps within the limit of titles.
pub(super) fn task_title_length(title: &str) -> StoreResult<()> {
    crate::domain::text::check_length(title, crate::domain::text::MAX_TITLE_CHARS, ("The task", "任务内容"))
        .map_err(|b| StoreError::invalid(b.en, b.zh))
}

pub(super) fn insert_comment(tx: &Transaction, ctx: &Ctx, issue_id: i64, body: &str) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO comments (issue_id, at, by_login, body) VALUES (:issue, :at, :by, :body)",
        named_params! {":issue": issue_id, ":at": Instant(ctx.now), ":by": ctx.actor.login(), ":body": body},
    )?;
    let id = tx.last_insert_rowid();
    index(tx, issue_id, &format!("comment:{id}"), body)
}

/// The next number of a meeting or task within its issue.
pub(super) fn next_seq(tx: &Transaction, table: &str, issue_id: i64) -> StoreResult<i64> {
    let sql = format!("SELECT coalesce(max(seq), 0) + 1 FROM {table} WHERE issue_id = :id");
    Ok(tx.prepare_cached(&sql)?.query_row(named_params! {":id": issue_id}, |r| r.get(0))?)
}

/// Applies an update; the state follows the percentage (`Task::set_progress`).
pub(super) fn apply_update(task: &mut Task, u: &TaskUpdate) {
    if let Some(title) = &u.title {
        task.title = title.clone();
    }
    if let Some(owner) = &u.owner {
        task.owner = owner.clone();
    }
    if let Some(deadline) = u.deadline {
        task.deadline = deadline;
    }
    task.set_progress(u.state, u.percent);
}

pub(super) fn write_task(tx: &Transaction, t: &Task) -> StoreResult<()> {
    tx.prepare_cached(
        "UPDATE tasks SET title = :title, owner = :owner, deadline = :deadline, state = :state,
             percent = :percent WHERE id = :id",
    )?
    .execute(named_params! {
        ":title": t.title, ":owner": t.owner, ":deadline": Day(t.deadline), ":state": t.state,
        ":percent": t.percent, ":id": t.id,
    })?;
    Ok(())
}

/// The fields that changed, before and after.
pub(super) fn task_diff(old: &Task, new: &Task) -> (Value, Value) {
    let (mut before, mut after) = (json!({"task": old.seq}), json!({"task": new.seq}));
    let mut field = |name: &str, a: Value, b: Value| {
        if a != b {
            before[name] = a;
            after[name] = b;
        }
    };
    field("title", json!(old.title), json!(new.title));
    field("owner", json!(old.owner), json!(new.owner));
    field("deadline", json!(old.deadline), json!(new.deadline));
    field("state", json!(old.state), json!(new.state));
    field("percent", json!(old.percent), json!(new.percent));
    (before, after)
}
