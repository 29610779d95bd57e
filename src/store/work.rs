//! The work on an issue after it is registered: responses, meetings, tasks, progress, risks,
//! escalation, resolution, acceptance and archive. Each is one transaction through
//! `begin` → `authorize` → the change → `finish`.

use chrono::{NaiveDate, NaiveDateTime};
use rusqlite::{OptionalExtension, Transaction, named_params};
use serde_json::{Value, json};

use super::admin::{calendar, require_department, require_person};
use super::convert::{Day, Instant, TASK_COLUMNS, task_row};
use super::error::Kind;
use super::issues::{authorize, begin, finish, load, not_in_future};
use super::search::{index, reindex};
use super::{Ctx, Store, StoreError, StoreResult};
use crate::domain::model::local_time::rfc3339;
use crate::domain::risk::alert_is_timely;
use crate::domain::status::Action;
use crate::domain::*;

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

#[derive(Debug, Clone)]
pub struct RiskInput {
    pub task: i64,
    pub reason: String,
    pub plan: String,
    pub new_deadline: Option<NaiveDate>,
}

impl Store {
    /// 确认收到: the involved department has seen the issue.
    pub fn acknowledge(&mut self, ctx: &Ctx, number: &str, note: Option<&str>) -> StoreResult<Issue> {
        self.write(|tx| {
            let issue = begin(tx, number, None, Action::Acknowledge)?;
            authorize(ctx, &issue, Action::Acknowledge, None, None)?;
            if let Some(note) = note.filter(|n| !n.trim().is_empty()) {
                insert_comment(tx, ctx, issue.id, note)?;
            }
            finish(
                tx,
                ctx,
                &issue,
                Action::Acknowledge,
                EventKind::Acknowledged,
                json!({}),
                json!({"note": note}),
            )?;
            load(tx, number)
        })
    }

    pub fn comment(&mut self, ctx: &Ctx, number: &str, body: &str) -> StoreResult<Issue> {
        required(body, "the comment", "评论内容")?;
        self.write(|tx| {
            let issue = begin(tx, number, None, Action::Comment)?;
            authorize(ctx, &issue, Action::Comment, None, None)?;
            insert_comment(tx, ctx, issue.id, body)?;
            finish(tx, ctx, &issue, Action::Comment, EventKind::Commented, json!({}), json!({"body": body}))?;
            load(tx, number)
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
                "会议须有参会人:--participants 登录名1,登录名2",
            ));
        }
        self.write(|tx| {
            let issue = begin(tx, number, None, Action::RecordMeeting)?;
            authorize(ctx, &issue, Action::RecordMeeting, None, None)?;
            let seq = next_seq(tx, "meetings", issue.id)?;
            tx.execute(
                "INSERT INTO meetings (issue_id, seq, held_at, mode, summary, disputes, consensus, recorder)
                 VALUES (:issue, :seq, :held_at, :mode, :summary, :disputes, :consensus, :recorder)",
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
            finish(tx, ctx, &issue, Action::RecordMeeting, EventKind::MeetingRecorded, json!({}), after)?;
            Ok(seq)
        })
    }

    /// A participant confirms the minutes of a meeting, or objects with a note.
    pub fn answer_minutes(
        &mut self,
        ctx: &Ctx,
        number: &str,
        meeting: i64,
        confirm: bool,
        note: Option<&str>,
    ) -> StoreResult<()> {
        if !confirm {
            required(note.unwrap_or(""), "the objection (what is wrong in the minutes)", "异议内容")?;
        }
        self.write(|tx| {
            let issue = begin(tx, number, None, Action::AnswerMinutes)?;
            let meeting_id: i64 = tx
                .query_row(
                    "SELECT id FROM meetings WHERE issue_id = :issue AND seq = :seq",
                    named_params! {":issue": issue.id, ":seq": meeting},
                    |r| r.get(0),
                )
                .optional()?
                .ok_or_else(|| StoreError::not_found(Kind::Meeting, format!("{number} #{meeting}")))?;
            let login = ctx.actor.login();
            let before: Confirmation = tx
                .query_row(
                    "SELECT confirmation FROM meeting_participants WHERE meeting_id = :m AND login = :login",
                    named_params! {":m": meeting_id, ":login": login},
                    |r| r.get(0),
                )
                .optional()?
                .ok_or_else(|| StoreError::not_found(Kind::Participant, format!("{login} @ {number} #{meeting}")))?;
            authorize(ctx, &issue, Action::AnswerMinutes, None, Some(login))?;
            let answer = if confirm { Confirmation::Confirmed } else { Confirmation::Objected };
            tx.execute(
                "UPDATE meeting_participants SET confirmation = :c, note = :note, answered_at = :now
                 WHERE meeting_id = :m AND login = :login",
                named_params! {":c": answer, ":note": note, ":now": Instant(ctx.now), ":m": meeting_id, ":login": login},
            )?;
            let kind = if confirm { EventKind::MinutesConfirmed } else { EventKind::MinutesObjected };
            let before = json!({"meeting": meeting, "confirmation": before});
            let after = json!({"meeting": meeting, "confirmation": answer, "note": note});
            finish(tx, ctx, &issue, Action::AnswerMinutes, kind, before, after)?;
            Ok(())
        })
    }

    /// Adds a task for one department; returns its number within the issue.
    pub fn add_task(&mut self, ctx: &Ctx, number: &str, t: &TaskInput) -> StoreResult<i64> {
        required(&t.title, "the task", "任务内容")?;
        self.write(|tx| {
            let issue = begin(tx, number, None, Action::AddTask)?;
            require_department(tx, &t.dept)?;
            authorize(ctx, &issue, Action::AddTask, Some(&t.dept), None)?;
            require_person(tx, &t.owner)?;
            let seq = next_seq(tx, "tasks", issue.id)?;
            tx.execute(
                "INSERT INTO tasks (issue_id, seq, dept, title, owner, deadline, state, percent)
                 VALUES (:issue, :seq, :dept, :title, :owner, :deadline, 'todo', 0)",
                named_params! {
                    ":issue": issue.id, ":seq": seq, ":dept": t.dept, ":title": t.title,
                    ":owner": t.owner, ":deadline": Day(t.deadline),
                },
            )?;
            let after = json!({"task": seq, "dept": t.dept, "title": t.title, "owner": t.owner, "deadline": t.deadline});
            finish(tx, ctx, &issue, Action::AddTask, EventKind::TaskAdded, json!({}), after)?;
            Ok(seq)
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
        }
        check_percent(u.percent)?;
        self.write(|tx| {
            let issue = begin(tx, number, expected_version, Action::UpdateTask)?;
            let task = task(tx, issue.id, number, seq)?;
            authorize(ctx, &issue, Action::UpdateTask, Some(&task.dept), None)?;
            if let Some(owner) = &u.owner {
                require_person(tx, owner)?;
            }
            let mut new = task.clone();
            apply_update(&mut new, u);
            write_task(tx, &new)?;
            let (before, after) = task_diff(&task, &new);
            finish(tx, ctx, &issue, Action::UpdateTask, EventKind::TaskUpdated, before, after)?;
            Ok(new)
        })
    }

    /// A dated progress update, for the issue or one task (whose % done it then sets).
    pub fn add_progress(&mut self, ctx: &Ctx, number: &str, p: &ProgressInput) -> StoreResult<()> {
        required(&p.note, "the progress note", "进度说明")?;
        check_percent(p.percent)?;
        let at = p.at.unwrap_or(ctx.now);
        not_in_future(at, ctx.now)?;
        if let Some(help) = &p.help {
            required(&help.what, "what help is needed", "需协助事项")?;
        }
        self.write(|tx| {
            let issue = begin(tx, number, None, Action::AddProgress)?;
            let task = p.task.map(|seq| task(tx, issue.id, number, seq)).transpose()?;
            authorize(ctx, &issue, Action::AddProgress, task.as_ref().map(|t| t.dept.as_str()), None)?;
            if let Some(help) = &p.help {
                require_department(tx, &help.dept)?;
            }
            tx.execute(
                "INSERT INTO progress (issue_id, task_id, at, by_login, percent, note, help_dept, help_what)
                 VALUES (:issue, :task, :at, :by, :percent, :note, :help_dept, :help_what)",
                named_params! {
                    ":issue": issue.id, ":task": task.as_ref().map(|t| t.id), ":at": Instant(at),
                    ":by": ctx.actor.login(), ":percent": p.percent, ":note": p.note,
                    ":help_dept": p.help.as_ref().map(|h| &h.dept), ":help_what": p.help.as_ref().map(|h| &h.what),
                },
            )?;
            let id = tx.last_insert_rowid();
            let help_text = p.help.as_ref().map(|h| format!("\n{}", h.what)).unwrap_or_default();
            index(tx, issue.id, &format!("progress:{id}"), &format!("{}{help_text}", p.note))?;
            let mut before = json!({});
            if let (Some(task), Some(percent)) = (&task, p.percent) {
                let mut new = task.clone();
                apply_update(&mut new, &TaskUpdate { percent: Some(percent), ..TaskUpdate::default() });
                write_task(tx, &new)?;
                before = json!({"percent": task.percent, "state": task.state});
            }
            let after = json!({
                "task": p.task, "at": rfc3339(&at), "percent": p.percent, "note": p.note,
                "help": p.help.as_ref().map(|h| json!({"dept": h.dept, "what": h.what})),
            });
            finish(tx, ctx, &issue, Action::AddProgress, EventKind::ProgressAdded, before, after)?;
            Ok(())
        })
    }

    /// A risk alert on a task: reason, adjusted plan, maybe a new deadline. Returns whether it was
    /// timely (at least one working day before the task's deadline as it stood).
    pub fn raise_risk(&mut self, ctx: &Ctx, number: &str, r: &RiskInput) -> StoreResult<bool> {
        required(&r.reason, "the reason", "原因")?;
        required(&r.plan, "the adjusted plan", "调整方案")?;
        self.write(|tx| {
            let issue = begin(tx, number, None, Action::RaiseRisk)?;
            let task = task(tx, issue.id, number, r.task)?;
            authorize(ctx, &issue, Action::RaiseRisk, Some(&task.dept), None)?;
            if let Some(new) = r.new_deadline
                && new < ctx.now.date()
            {
                return Err(StoreError::invalid(
                    format!("the new deadline {new} has already passed; give a date from today on"),
                    format!("新的截止日期 {new} 已过;请填写今天或之后的日期"),
                ));
            }
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
            finish(tx, ctx, &issue, Action::RaiseRisk, EventKind::RiskRaised, before, after)?;
            Ok(timely)
        })
    }

    /// 需升级: raises the issue to someone with more authority.
    pub fn escalate(&mut self, ctx: &Ctx, number: &str, reason: &str, to: &str) -> StoreResult<Issue> {
        required(reason, "the reason", "升级原因")?;
        required(to, "to whom it is escalated", "升级对象")?;
        self.write(|tx| {
            let issue = begin(tx, number, None, Action::Escalate)?;
            authorize(ctx, &issue, Action::Escalate, None, None)?;
            tx.execute(
                "UPDATE issues SET escalated_at = :now, escalated_by = :by, escalated_to = :to,
                     escalation_reason = :reason WHERE id = :id",
                named_params! {":now": Instant(ctx.now), ":by": ctx.actor.login(), ":to": to, ":reason": reason, ":id": issue.id},
            )?;
            let before = json!({"escalation": issue.escalation});
            let after = json!({"escalation": {"reason": reason, "to": to}});
            finish(tx, ctx, &issue, Action::Escalate, EventKind::Escalated, before, after)?;
            load(tx, number)
        })
    }

    /// 解决结果: the solution, who owns it, and who accepts it (the requester's contact).
    pub fn resolve(
        &mut self,
        ctx: &Ctx,
        number: &str,
        solution: &str,
        owner: &str,
        feedback: Option<&str>,
        resolved_at: Option<NaiveDateTime>,
    ) -> StoreResult<Issue> {
        required(solution, "the solution", "解决方案")?;
        let resolved_at = resolved_at.unwrap_or(ctx.now);
        not_in_future(resolved_at, ctx.now)?;
        self.write(|tx| {
            let issue = begin(tx, number, None, Action::Resolve)?;
            authorize(ctx, &issue, Action::Resolve, None, None)?;
            require_person(tx, owner)?;
            let feedback = feedback.unwrap_or(&issue.proposer);
            require_person(tx, feedback)?;
            tx.execute(
                "UPDATE issues SET solution = :solution, resolved_at = :at, resolution_owner = :owner,
                     feedback_person = :feedback, accepted = NULL, accepted_by = NULL, accepted_at = NULL,
                     acceptance_reason = NULL
                 WHERE id = :id",
                named_params! {
                    ":solution": solution, ":at": Instant(resolved_at), ":owner": owner,
                    ":feedback": feedback, ":id": issue.id,
                },
            )?;
            reindex(tx, issue.id, "solution", solution)?;
            let before = json!({"resolution": issue.resolution});
            let after = json!({"solution": solution, "resolved_at": rfc3339(&resolved_at), "owner": owner, "feedback": feedback});
            finish(tx, ctx, &issue, Action::Resolve, EventKind::Resolved, before, after)?;
            load(tx, number)
        })
    }

    /// The feedback person accepts the result, or refuses it with a reason (back to in progress).
    pub fn answer_acceptance(
        &mut self,
        ctx: &Ctx,
        number: &str,
        accept: bool,
        reason: Option<&str>,
    ) -> StoreResult<Issue> {
        if !accept {
            required(reason.unwrap_or(""), "the reason for refusing", "验收不通过的原因")?;
        }
        let action = if accept { Action::Accept } else { Action::Refuse };
        self.write(|tx| {
            let issue = begin(tx, number, None, action)?;
            let feedback = issue.resolution.as_ref().map(|r| r.feedback.as_str());
            authorize(ctx, &issue, action, None, feedback)?;
            tx.execute(
                "UPDATE issues SET accepted = :accepted, accepted_by = :by, accepted_at = :now,
                     acceptance_reason = :reason WHERE id = :id",
                named_params! {":accepted": accept, ":by": ctx.actor.login(), ":now": Instant(ctx.now), ":reason": reason, ":id": issue.id},
            )?;
            let kind = if accept { EventKind::Accepted } else { EventKind::Refused };
            finish(tx, ctx, &issue, action, kind, json!({}), json!({"reason": reason}))?;
            load(tx, number)
        })
    }

    /// 归档与复盘: archives a resolved issue with its retrospective. The issue is read-only after.
    pub fn archive(&mut self, ctx: &Ctx, number: &str, retrospective: &str) -> StoreResult<Issue> {
        required(
            retrospective,
            "the retrospective (what went well, what to improve)",
            "复盘(做得好的、需改进的)",
        )?;
        self.write(|tx| {
            let issue = begin(tx, number, None, Action::Archive)?;
            authorize(ctx, &issue, Action::Archive, None, None)?;
            tx.execute(
                "UPDATE issues SET retrospective = :retro, archived_at = :now WHERE id = :id",
                named_params! {":retro": retrospective, ":now": Instant(ctx.now), ":id": issue.id},
            )?;
            index(tx, issue.id, "retrospective", retrospective)?;
            finish(
                tx,
                ctx,
                &issue,
                Action::Archive,
                EventKind::Archived,
                json!({}),
                json!({"retrospective": retrospective}),
            )?;
            load(tx, number)
        })
    }
}

fn required(text: &str, en: &str, zh: &str) -> StoreResult<()> {
    if text.trim().is_empty() {
        return Err(StoreError::invalid(format!("{en} must not be empty"), format!("{zh}不能为空")));
    }
    Ok(())
}

fn check_percent(percent: Option<u8>) -> StoreResult<()> {
    match percent {
        Some(p) if p > 100 => Err(StoreError::invalid(
            format!("{p}% is not a percentage: give 0 to 100"),
            format!("{p}% 不是有效进度:请填写 0 到 100"),
        )),
        _ => Ok(()),
    }
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

fn task(tx: &Transaction, issue_id: i64, number: &str, seq: i64) -> StoreResult<Task> {
    let sql = format!("SELECT {TASK_COLUMNS} FROM tasks WHERE issue_id = :issue AND seq = :seq");
    tx.prepare_cached(&sql)?
        .query_row(named_params! {":issue": issue_id, ":seq": seq}, task_row)
        .optional()?
        .ok_or_else(|| StoreError::not_found(Kind::Task, format!("{number} #{seq}")))
}

/// Applies an update; the state follows the percentage where the two would disagree.
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
    if let Some(percent) = u.percent {
        task.percent = percent;
        if u.state.is_none() {
            task.state = match percent {
                100 => TaskState::Done,
                0 if task.state == TaskState::Todo => TaskState::Todo,
                _ if task.state == TaskState::Blocked => TaskState::Blocked,
                _ => TaskState::Doing,
            };
        }
    }
    if let Some(state) = u.state {
        task.state = state;
        if state == TaskState::Done {
            task.percent = 100;
        }
    }
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
