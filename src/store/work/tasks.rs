//! Tasks per department: added, updated, cancelled, their progress and risk alerts.

use rusqlite::named_params;
use serde_json::json;

use super::*;
use crate::domain::model::local_time::rfc3339;
use crate::domain::risk::alert_is_timely;
use crate::domain::rules::{self, Act, TaskChange};
use crate::domain::*;

impl Store {
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
                crate::store::events::record(
                    tx,
                    ctx,
                    Some(issue.id),
                    EventKind::DepartmentInvolved,
                    json!({"departments": issue.departments}),
                    after.clone(),
                )?;
                crate::store::outbox::announce(tx, ctx, &issue.number, EventKind::DepartmentInvolved, &after)?;
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
}
