//! The facts the report is computed from (`domain::report`): every issue registered or accepted
//! in the period and every open issue, with their departments, tasks (and when each was finished),
//! risk alerts, refusals and minutes still waiting for confirmation. One read transaction; the
//! figures themselves are defined in the domain.

use std::collections::HashMap;
use std::rc::Rc;
use std::sync::LazyLock;

use chrono::NaiveDateTime;
use rusqlite::types::Value;
use rusqlite::vtab::array::Array;
use rusqlite::{Transaction, named_params};

use super::convert::{Day, instant, local};
use super::words::{OPEN, OPEN_STAGES};
use super::{Store, StoreResult};
use crate::domain::deadline::end_of_day;
use crate::domain::report::{Facts, IssueFact, RiskFact, Scope, TaskFact, WaitingMinutes};
use crate::domain::{Priority, Status, TaskState};

/// The issues a report reads, with `:from`, `:to` (instants) and `:priority` bound. The first
/// line finds candidates from two indexes (open issues by status; issues changed since the period
/// began, which holds every issue registered or accepted in it); the rest decides.
static ISSUES_READ: LazyLock<String> = LazyLock::new(|| {
    format!(
        "i.id IN (SELECT id FROM issues WHERE status IN {OPEN_STAGES}
                 UNION SELECT id FROM issues WHERE updated_at >= :from)
    AND (i.proposed_at BETWEEN :from AND :to
        OR {OPEN}
        OR (i.accepted = 1 AND i.accepted_at BETWEEN :from AND :to))
    AND (:priority IS NULL OR i.priority = :priority)"
    )
});

impl Store {
    /// Reads the facts for `scope`'s period and priority, as one consistent snapshot. The
    /// department filter is the domain's to apply (it needs each issue's departments).
    pub fn report_facts(&mut self, scope: &Scope) -> StoreResult<Facts> {
        self.read(|tx| read_facts(tx, scope))
    }
}

fn read_facts(tx: &Transaction, scope: &Scope) -> StoreResult<Facts> {
    let from = instant(scope.from.and_hms_opt(0, 0, 0).unwrap_or_default());
    let to = instant(end_of_day(scope.to));
    let priority = scope.priority.map(Priority::code);

    let departments = {
        let mut stmt = tx.prepare_cached("SELECT code FROM departments ORDER BY code")?;
        stmt.query_map([], |r| r.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>()?
    };

    let mut issues = Vec::new();
    let mut index: HashMap<i64, usize> = HashMap::new();
    // When tasks closed without their own record were finished: the solution, else the last change.
    let mut resolved: Vec<i64> = Vec::new();
    {
        let sql = format!(
            "SELECT i.id, i.number, i.priority, i.status, i.proposed_at, i.response_due_at,
                    i.first_response_at, CASE WHEN i.accepted = 1 THEN i.accepted_at END,
                    (SELECT x.reason FROM escalations x WHERE x.issue_id = i.id ORDER BY x.seq LIMIT 1),
                    coalesce(i.resolved_at, i.updated_at)
             FROM issues i WHERE {} ORDER BY i.id",
            *ISSUES_READ
        );
        let mut stmt = tx.prepare_cached(&sql)?;
        let mut rows = stmt.query(named_params! {":from": from, ":to": to, ":priority": priority})?;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            let status: Status = r.get(3)?;
            let accepted: Option<i64> = r.get(7)?;
            index.insert(id, issues.len());
            resolved.push(r.get(9)?);
            issues.push(IssueFact {
                id,
                number: r.get(1)?,
                priority: r.get(2)?,
                status,
                proposed_at: local(r.get(4)?),
                response_due_at: local(r.get(5)?),
                first_response_at: r.get::<_, Option<i64>>(6)?.map(local),
                accepted_at: accepted.filter(|_| !status.is_open()).map(local),
                escalation_reason: r.get(8)?,
                refusals: 0,
                departments: Vec::new(),
            });
        }
    }
    // Ids as one parameter: every issue read, and those registered in the period (whose finished
    // tasks, risk alerts and refusals count).
    let ids: Array = Rc::new(issues.iter().map(|i| Value::from(i.id)).collect());
    let period: Array = Rc::new(
        issues.iter().filter(|i| scope.contains(i.proposed_at.date())).map(|i| Value::from(i.id)).collect(),
    );
    // Tasks count for the period's issues and, now, for the open ones.
    let with_tasks: Array = Rc::new(
        issues
            .iter()
            .filter(|i| i.status.is_open() || scope.contains(i.proposed_at.date()))
            .map(|i| Value::from(i.id))
            .collect(),
    );

    {
        let mut stmt = tx.prepare_cached(
            "SELECT d.issue_id, d.dept FROM rarray(:ids) a CROSS JOIN issue_departments d ON d.issue_id = a.value",
        )?;
        let mut rows = stmt.query(named_params! {":ids": ids})?;
        while let Some(r) = rows.next()? {
            if let Some(&i) = index.get(&r.get::<_, i64>(0)?) {
                issues[i].departments.push(r.get(1)?);
            }
        }
    }
    for issue in &mut issues {
        issue.departments.sort();
    }

    // Refusals, and tasks set done by an update, from the period's events.
    let mut done_by_update: HashMap<(usize, i64), i64> = HashMap::new();
    {
        let mut stmt = tx.prepare_cached(
            "SELECT e.issue_id, e.at, e.kind, json_extract(e.after, '$.task'), json_extract(e.after, '$.state')
             FROM rarray(:ids) a CROSS JOIN events e INDEXED BY events_report ON e.issue_id = a.value
             WHERE e.kind IN ('refused', 'task_updated')",
        )?;
        let mut rows = stmt.query(named_params! {":ids": period})?;
        while let Some(r) = rows.next()? {
            let Some(&i) = index.get(&r.get::<_, i64>(0)?) else { continue };
            if r.get::<_, String>(2)? == "refused" {
                issues[i].refusals += 1;
            } else if r.get::<_, Option<String>>(4)?.as_deref() == Some("done")
                && let Some(seq) = r.get::<_, Option<i64>>(3)?
            {
                let at: i64 = r.get(1)?;
                let slot = done_by_update.entry((i, seq)).or_insert(at);
                *slot = (*slot).max(at);
            }
        }
    }
    // Tasks brought to 100 % by a progress update, and when.
    let mut done_by_progress: HashMap<i64, i64> = HashMap::new();
    {
        let mut stmt = tx.prepare_cached(
            "SELECT p.task_id, max(p.at) FROM rarray(:ids) a CROSS JOIN progress p ON p.issue_id = a.value
             WHERE p.percent = 100 AND p.task_id IS NOT NULL GROUP BY p.task_id",
        )?;
        let mut rows = stmt.query(named_params! {":ids": period})?;
        while let Some(r) = rows.next()? {
            done_by_progress.insert(r.get(0)?, r.get(1)?);
        }
    }

    let mut tasks = Vec::new();
    // Task id → its index in `tasks`, for the risk alerts.
    let mut task_at: HashMap<i64, usize> = HashMap::new();
    let mut cancelled: HashMap<i64, (usize, String)> = HashMap::new();
    {
        let mut stmt = tx.prepare_cached(
            "SELECT t.id, t.issue_id, t.seq, t.dept, t.deadline, t.state
             FROM rarray(:ids) a CROSS JOIN tasks t ON t.issue_id = a.value",
        )?;
        let mut rows = stmt.query(named_params! {":ids": with_tasks})?;
        while let Some(r) = rows.next()? {
            let Some(&i) = index.get(&r.get::<_, i64>(1)?) else { continue };
            let (id, seq, dept): (i64, i64, String) = (r.get(0)?, r.get(2)?, r.get(3)?);
            let state: TaskState = r.get(5)?;
            if state == TaskState::Cancelled {
                // Neither on time nor late; its risk alerts still count for its department.
                cancelled.insert(id, (i, dept));
                continue;
            }
            let done = state == TaskState::Done;
            let recorded = done_by_progress.get(&id).copied().max(done_by_update.get(&(i, seq)).copied());
            let done_at = done.then(|| local(recorded.unwrap_or(resolved[i])));
            task_at.insert(id, tasks.len());
            // `str::parse` reads `YYYY-MM-DD` several times faster than a format string.
            let deadline = match r.get_ref(4)?.as_str().ok().and_then(|t| t.parse().ok()) {
                Some(day) => day,
                None => r.get::<_, Day>(4)?.0,
            };
            tasks.push(TaskFact { issue: i, dept, deadline, done_at });
        }
    }

    let mut risks = Vec::new();
    {
        let mut stmt = tx.prepare_cached(
            "SELECT r.task_id, r.timely FROM rarray(:ids) a CROSS JOIN risks r ON r.issue_id = a.value",
        )?;
        let mut rows = stmt.query(named_params! {":ids": period})?;
        while let Some(r) = rows.next()? {
            let task_id: i64 = r.get(0)?;
            let owner = match task_at.get(&task_id) {
                Some(&t) => Some((tasks[t].issue, tasks[t].dept.clone())),
                None => cancelled.get(&task_id).cloned(),
            };
            if let Some((issue, dept)) = owner {
                risks.push(RiskFact { issue, dept, timely: r.get(1)? });
            }
        }
    }

    let mut minutes = Vec::new();
    {
        let sql = format!(
            "SELECT m.issue_id, p.dept, m.held_at
             FROM issues i JOIN meetings m ON m.issue_id = i.id
                  JOIN meeting_participants p ON p.meeting_id = m.id
             WHERE {OPEN} AND p.confirmation = 'pending'"
        );
        let mut stmt = tx.prepare_cached(&sql)?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            if let Some(&issue) = index.get(&r.get::<_, i64>(0)?) {
                let held_at: NaiveDateTime = local(r.get(2)?);
                minutes.push(WaitingMinutes { issue, dept: r.get(1)?, held_at });
            }
        }
    }

    Ok(Facts { departments, issues, tasks, risks, minutes })
}
