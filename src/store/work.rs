//! The work on an issue after it is registered: responses, meetings, tasks, progress, risks,
//! escalation, resolution, acceptance and archive. Each is one transaction through
//! `begin` → `authorize` → the change → `finish`.

use chrono::{NaiveDate, NaiveDateTime};
use rusqlite::{Transaction, named_params};
use serde_json::{Value, json};

use super::admin::{calendar, require_department, require_person};
use super::convert::{Day, Instant};
use super::issues::{begin, finish, load, not_in_future};
use super::search::{index, reindex};
use super::{Ctx, Store, StoreError, StoreResult};
use crate::domain::model::local_time::rfc3339;
use crate::domain::risk::alert_is_timely;
use crate::domain::rules::{self, Act, TaskChange};
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

    /// Records a meeting; returns its number within the issue. The recorder, if present, confirms
    /// at once; every other participant is asked to confirm.
    pub fn record_meeting(&mut self, ctx: &Ctx, number: &str, m: &MeetingInput) -> StoreResult<i64> {
        required(&m.summary, "the summary", "沟通内容摘要")?;
        required(&m.consensus, "the consensus", "达成共识")?;
        let held_at = m.held_at.unwrap_or(ctx.now);
        not_in_future(held_at, ctx.now)?;
        if m.participants.is_empty() {
            return Err(StoreError::invalid(
                "a meeting needs its participants: --participants login1,login2",
                "会议须有参会人：--participants 登录名1，登录名2",
            ));
        }
        self.change(|tx| {
            let (r, outcome) = begin(tx, ctx, number, None, &Act::RecordMeeting)?;
            let issue = &r.issue;
            let seq = next_seq(tx, "meetings", issue.id)?;
            tx.execute(
                "INSERT INTO meetings (issue_id, seq, held_at, mode, summary, disputes, consensus, recorder, version)
                 VALUES (:issue, :seq, :held_at, :mode, :summary, :disputes, :consensus, :recorder, 1)",
                named_params! {
                    ":issue": issue.id, ":seq": seq, ":held_at": Instant(held_at), ":mode": m.mode,
                    ":summary": m.summary, ":disputes": m.disputes, ":consensus": m.consensus,
                    ":recorder": ctx.actor.login(),
                },
            )?;
            let meeting_id = tx.last_insert_rowid();
            let mut people = Vec::new();
            for login in &m.participants {
                let person = require_person(tx, login)?;
                if people.iter().any(|p: &Person| p.login == person.login) {
                    continue;
                }
                let is_recorder = person.login == ctx.actor.login();
                tx.execute(
                    "INSERT INTO meeting_participants (meeting_id, login, dept, confirmation, answered_at)
                     VALUES (:meeting, :login, :dept, :confirmation, :answered_at)",
                    named_params! {
                        ":meeting": meeting_id, ":login": person.login, ":dept": person.dept,
                        ":confirmation": if is_recorder { Confirmation::Confirmed } else { Confirmation::Pending },
                        ":answered_at": is_recorder.then_some(Instant(ctx.now)),
                    },
                )?;
                people.push(person);
            }
            let text = format!("{}\n{}\n{}", m.summary, m.disputes, m.consensus);
            index(tx, issue.id, &format!("meeting:{meeting_id}"), &text)?;
            let participants: Vec<Value> =
                people.iter().map(|p| json!({"login": p.login, "dept": p.dept})).collect();
            let after = json!({
                "meeting": seq, "held_at": rfc3339(&held_at), "mode": m.mode, "participants": participants,
                "summary": m.summary, "disputes": m.disputes, "consensus": m.consensus,
            });
            let said = finish(tx, ctx, issue, &outcome, EventKind::MeetingRecorded, json!({}), after)?;
            Ok((seq, said))
        })
    }

    /// The recorder's answer to an objection: a new version of the minutes, which every
    /// participant but the recorder confirms again. The old version stays in the history (the
    /// event's before). Returns the new version's number.
    pub fn amend_minutes(
        &mut self,
        ctx: &Ctx,
        number: &str,
        meeting: i64,
        text: &MinutesText,
    ) -> StoreResult<i64> {
        required(&text.summary, "the summary", "沟通内容摘要")?;
        required(&text.consensus, "the consensus", "达成共识")?;
        self.change(|tx| {
            let (r, outcome) = begin(tx, ctx, number, None, &Act::AmendMinutes { meeting })?;
            let m = r.meetings.iter().find(|m| m.seq == meeting).expect("the rule book found the meeting");
            let version = m.version + 1;
            tx.execute(
                "UPDATE meetings SET summary = :summary, disputes = :disputes, consensus = :consensus,
                     version = :version WHERE id = :id",
                named_params! {
                    ":summary": text.summary, ":disputes": text.disputes, ":consensus": text.consensus,
                    ":version": version, ":id": m.id,
                },
            )?;
            tx.execute(
                "UPDATE meeting_participants SET confirmation = 'pending', note = NULL, answered_at = NULL,
                     proxy = NULL, proxy_reason = NULL
                 WHERE meeting_id = :m AND login != :recorder",
                named_params! {":m": m.id, ":recorder": m.recorder},
            )?;
            reindex(
                tx,
                r.issue.id,
                &format!("meeting:{}", m.id),
                &format!("{}\n{}\n{}", text.summary, text.disputes, text.consensus),
            )?;
            let objections: Vec<Value> =
                m.objections().map(|p| json!({"login": p.login, "note": p.note})).collect();
            let before = json!({
                "meeting": meeting, "version": m.version, "summary": m.summary, "disputes": m.disputes,
                "consensus": m.consensus, "objections": objections,
            });
            let after = json!({
                "meeting": meeting, "version": version, "summary": text.summary, "disputes": text.disputes,
                "consensus": text.consensus,
            });
            let said = finish(tx, ctx, &r.issue, &outcome, EventKind::MinutesAmended, before, after)?;
            Ok((version, said))
        })
    }

    /// A participant confirms the minutes of a meeting, or objects with a note. `on_behalf`
    /// (participant, reason): a coordinator answers for that participant.
    pub fn answer_minutes(
        &mut self,
        ctx: &Ctx,
        number: &str,
        meeting: i64,
        confirm: bool,
        note: Option<&str>,
        on_behalf: Option<(&str, &str)>,
    ) -> StoreResult<()> {
        if !confirm {
            required(note.unwrap_or(""), "the objection (what is wrong in the minutes)", "异议内容")?;
        }
        let participant = on_behalf.map_or(ctx.actor.login(), |(login, _)| login);
        let reason = on_behalf.map(|(_, reason)| reason);
        let act = Act::AnswerMinutes { meeting, participant, proxy_reason: reason };
        self.change(|tx| {
            let (r, outcome) = begin(tx, ctx, number, None, &act)?;
            let m = r.meetings.iter().find(|m| m.seq == meeting).expect("the rule book found the meeting");
            let proxy = proxy_of(ctx, participant, reason);
            let answer = if confirm { Confirmation::Confirmed } else { Confirmation::Objected };
            tx.execute(
                "UPDATE meeting_participants SET confirmation = :c, note = :note, answered_at = :now,
                     proxy = :proxy, proxy_reason = :reason
                 WHERE meeting_id = :m AND login = :login",
                named_params! {
                    ":c": answer, ":note": note, ":now": Instant(ctx.now), ":m": m.id, ":login": participant,
                    ":proxy": proxy.as_ref().map(|p| &p.by), ":reason": proxy.as_ref().and_then(|p| p.reason.as_ref()),
                },
            )?;
            let kind = if confirm { EventKind::MinutesConfirmed } else { EventKind::MinutesObjected };
            let before = json!({"meeting": meeting, "version": m.version, "confirmation": Confirmation::Pending});
            let mut after = json!({"meeting": meeting, "version": m.version, "confirmation": answer, "note": note});
            mark_proxy(&mut after, participant, ctx, reason);
            let said = finish(tx, ctx, &r.issue, &outcome, kind, before, after)?;
            Ok(((), said))
        })
    }

    /// Adds a task for one involved department (adding the department first when asked);
    /// returns its number within the issue.
    pub fn add_task(&mut self, ctx: &Ctx, number: &str, t: &TaskInput) -> StoreResult<i64> {
        required(&t.title, "the task", "任务内容")?;
        task_title_length(&t.title)?;
        let dept = t.dept.trim().to_ascii_uppercase();
        let act = Act::AddTask { dept: &dept, deadline: t.deadline, involve: t.involve };
        self.change(|tx| {
            require_department(tx, &dept)?;
            let (r, outcome) = begin(tx, ctx, number, None, &act)?;
            let issue = &r.issue;
            require_person(tx, &t.owner)?;
            if !rules::takes_tasks(issue, &dept) {
                tx.execute(
                    "INSERT INTO issue_departments (issue_id, dept) VALUES (:id, :dept)",
                    named_params! {":id": issue.id, ":dept": dept},
                )?;
                let mut now = issue.departments.clone();
                now.push(dept.clone());
                now.sort();
                let after = json!({"departments": now, "added": dept});
                super::events::record(
                    tx,
                    ctx,
                    Some(issue.id),
                    EventKind::DepartmentInvolved,
                    json!({"departments": issue.departments}),
                    after.clone(),
                )?;
                super::outbox::announce(tx, ctx, &issue.number, EventKind::DepartmentInvolved, &after)?;
            }
            let seq = next_seq(tx, "tasks", issue.id)?;
            tx.execute(
                "INSERT INTO tasks (issue_id, seq, dept, title, owner, deadline, state, percent)
                 VALUES (:issue, :seq, :dept, :title, :owner, :deadline, 'todo', 0)",
                named_params! {
                    ":issue": issue.id, ":seq": seq, ":dept": dept, ":title": t.title,
                    ":owner": t.owner, ":deadline": Day(t.deadline),
                },
            )?;
            let after = json!({"task": seq, "dept": dept, "title": t.title, "owner": t.owner, "deadline": t.deadline});
            let said = finish(tx, ctx, issue, &outcome, EventKind::TaskAdded, json!({}), after)?;
            Ok((seq, said))
        })
    }

    pub fn update_task(
        &mut self,
        ctx: &Ctx,
        number: &str,
        expected_version: Option<i64>,
        seq: i64,
        u: &TaskUpdate,
    ) -> StoreResult<Task> {
        if let Some(title) = &u.title {
            required(title, "the task", "任务内容")?;
            task_title_length(title)?;
        }
        let change = TaskChange { deadline: u.deadline, state: u.state, percent: u.percent };
        self.change(|tx| {
            let (r, outcome) =
                begin(tx, ctx, number, expected_version, &Act::UpdateTask { task: seq, change })?;
            let task = r.tasks.iter().find(|t| t.seq == seq).expect("the rule book found the task");
            if let Some(owner) = &u.owner {
                require_person(tx, owner)?;
            }
            let mut new = task.clone();
            apply_update(&mut new, u);
            write_task(tx, &new)?;
            let (before, after) = task_diff(task, &new);
            let said = finish(tx, ctx, &r.issue, &outcome, EventKind::TaskUpdated, before, after)?;
            Ok((new, said))
        })
    }

    /// Cancels an open task with a reason (the work is no longer needed, or moved elsewhere).
    pub fn cancel_task(&mut self, ctx: &Ctx, number: &str, seq: i64, reason: &str) -> StoreResult<Task> {
        required(reason, "the reason for cancelling", "取消原因")?;
        self.change(|tx| {
            let (r, outcome) = begin(tx, ctx, number, None, &Act::CancelTask { task: seq })?;
            let task = r.tasks.iter().find(|t| t.seq == seq).expect("the rule book found the task");
            let new = Task { state: TaskState::Cancelled, ..task.clone() };
            write_task(tx, &new)?;
            let before = json!({"task": seq, "state": task.state, "percent": task.percent});
            let after = json!({"task": seq, "state": new.state, "reason": reason});
            let said = finish(tx, ctx, &r.issue, &outcome, EventKind::TaskCancelled, before, after)?;
            Ok((new, said))
        })
    }

    /// A dated progress update, for the issue or one task (whose % done it then sets).
    pub fn add_progress(&mut self, ctx: &Ctx, number: &str, p: &ProgressInput) -> StoreResult<()> {
        required(&p.note, "the progress note", "进度说明")?;
        let at = p.at.unwrap_or(ctx.now);
        not_in_future(at, ctx.now)?;
        if let Some(help) = &p.help {
            required(&help.what, "what help is needed", "需协助事项")?;
        }
        let act = Act::AddProgress { task: p.task, percent: p.percent };
        self.change(|tx| {
            let (r, outcome) = begin(tx, ctx, number, None, &act)?;
            let issue = &r.issue;
            let task = p.task.and_then(|seq| r.tasks.iter().find(|t| t.seq == seq));
            if let Some(help) = &p.help {
                require_department(tx, &help.dept)?;
            }
            tx.execute(
                "INSERT INTO progress (issue_id, task_id, at, by_login, percent, note, help_dept, help_what)
                 VALUES (:issue, :task, :at, :by, :percent, :note, :help_dept, :help_what)",
                named_params! {
                    ":issue": issue.id, ":task": task.map(|t| t.id), ":at": Instant(at),
                    ":by": ctx.actor.login(), ":percent": p.percent, ":note": p.note,
                    ":help_dept": p.help.as_ref().map(|h| &h.dept), ":help_what": p.help.as_ref().map(|h| &h.what),
                },
            )?;
            let id = tx.last_insert_rowid();
            let help_text = p.help.as_ref().map(|h| format!("\n{}", h.what)).unwrap_or_default();
            index(tx, issue.id, &format!("progress:{id}"), &format!("{}{help_text}", p.note))?;
            let mut before = json!({});
            if let (Some(task), Some(percent)) = (task, p.percent) {
                let mut new = task.clone();
                apply_update(&mut new, &TaskUpdate { percent: Some(percent), ..TaskUpdate::default() });
                write_task(tx, &new)?;
                before = json!({"percent": task.percent, "state": task.state});
            }
            let after = json!({
                "task": p.task, "at": rfc3339(&at), "percent": p.percent, "note": p.note,
                "help": p.help.as_ref().map(|h| json!({"dept": h.dept, "what": h.what})),
            });
            let said = finish(tx, ctx, issue, &outcome, EventKind::ProgressAdded, before, after)?;
            Ok(((), said))
        })
    }

    /// A risk alert on an open task: reason, adjusted plan, maybe a new deadline. Returns whether
    /// it was timely (at least one working day before the task's deadline as it stood).
    pub fn raise_risk(&mut self, ctx: &Ctx, number: &str, r: &RiskInput) -> StoreResult<bool> {
        required(&r.reason, "the reason", "原因")?;
        required(&r.plan, "the adjusted plan", "调整方案")?;
        let act = Act::RaiseRisk { task: r.task, new_deadline: r.new_deadline };
        self.change(|tx| {
            let (record, outcome) = begin(tx, ctx, number, None, &act)?;
            let issue = &record.issue;
            let task = record.tasks.iter().find(|t| t.seq == r.task).expect("the rule book found the task");
            let timely = alert_is_timely(ctx.now, task.deadline, &calendar(tx)?);
            tx.execute(
                "INSERT INTO risks (issue_id, task_id, raised_at, by_login, reason, plan, new_deadline, timely)
                 VALUES (:issue, :task, :now, :by, :reason, :plan, :new_deadline, :timely)",
                named_params! {
                    ":issue": issue.id, ":task": task.id, ":now": Instant(ctx.now), ":by": ctx.actor.login(),
                    ":reason": r.reason, ":plan": r.plan, ":new_deadline": r.new_deadline.map(Day), ":timely": timely,
                },
            )?;
            let id = tx.last_insert_rowid();
            index(tx, issue.id, &format!("risk:{id}"), &format!("{}\n{}", r.reason, r.plan))?;
            if let Some(deadline) = r.new_deadline {
                write_task(tx, &Task { deadline, ..task.clone() })?;
            }
            let before = json!({"task": r.task, "deadline": task.deadline});
            let after = json!({
                "task": r.task, "reason": r.reason, "plan": r.plan, "new_deadline": r.new_deadline, "timely": timely,
            });
            let said = finish(tx, ctx, issue, &outcome, EventKind::RiskRaised, before, after)?;
            Ok((timely, said))
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
fn proxy_of(ctx: &Ctx, owner: &str, reason: Option<&str>) -> Option<Proxy> {
    if ctx.actor.login() != owner {
        return Some(Proxy { by: ctx.actor.login().to_string(), reason: reason.map(str::to_string) });
    }
    ctx.actor.on_behalf_of.as_ref().map(|admin| Proxy { by: admin.clone(), reason: None })
}

/// Notes in an event whose answer it was, when someone else gave it.
fn mark_proxy(after: &mut Value, owner: &str, ctx: &Ctx, reason: Option<&str>) {
    if ctx.actor.login() != owner {
        after["for"] = json!(owner);
        after["proxy_reason"] = json!(reason);
    }
}

fn required(text: &str, en: &str, zh: &str) -> StoreResult<()> {
    if text.trim().is_empty() {
        return Err(StoreError::invalid(format!("{en} must not be empty"), format!("{zh}不能为空")));
    }
    Ok(())
}

/// A task's title keeps within the limit of titles.
fn task_title_length(title: &str) -> StoreResult<()> {
    crate::domain::text::check_length(title, crate::domain::text::MAX_TITLE_CHARS, ("The task", "任务内容"))
        .map_err(|b| StoreError::invalid(b.en, b.zh))
}

fn insert_comment(tx: &Transaction, ctx: &Ctx, issue_id: i64, body: &str) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO comments (issue_id, at, by_login, body) VALUES (:issue, :at, :by, :body)",
        named_params! {":issue": issue_id, ":at": Instant(ctx.now), ":by": ctx.actor.login(), ":body": body},
    )?;
    let id = tx.last_insert_rowid();
    index(tx, issue_id, &format!("comment:{id}"), body)
}

/// The next number of a meeting or task within its issue.
fn next_seq(tx: &Transaction, table: &str, issue_id: i64) -> StoreResult<i64> {
    let sql = format!("SELECT coalesce(max(seq), 0) + 1 FROM {table} WHERE issue_id = :id");
    Ok(tx.prepare_cached(&sql)?.query_row(named_params! {":id": issue_id}, |r| r.get(0))?)
}

/// Applies an update; the state follows the percentage (`Task::set_progress`).
fn apply_update(task: &mut Task, u: &TaskUpdate) {
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

fn write_task(tx: &Transaction, t: &Task) -> StoreResult<()> {
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
fn task_diff(old: &Task, new: &Task) -> (Value, Value) {
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
