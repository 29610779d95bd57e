//! The facts the report is computed from (`domain::report`): every issue registered or accepted
//! in the period and every open issue, with their departments, tasks (and when each was finished),
//! risk alerts, refusals and minutes still waiting for confirmation. One read transaction; the
//! figures themselves are defined in the domain.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use rusqlite::{Transaction, named_params};

use super::convert::{Day, instant, local};
use super::{Store, StoreResult};
use crate::domain::deadline::end_of_day;
use crate::domain::report::{Facts, IssueFact, RiskFact, Scope, TaskFact, WaitingMinutes};
use crate::domain::{Priority, Status};

/// The issues a report reads, with `:from`, `:to` (instants) and `:priority` bound.
const ISSUES_READ: &str = "(i.proposed_at BETWEEN :from AND :to
        OR i.status IN ('registered', 'in_progress', 'awaiting_acceptance')
        OR (i.accepted = 1 AND i.accepted_at BETWEEN :from AND :to))
    AND (:priority IS NULL OR i.priority = :priority)";

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
    let params = named_params! {":from": from, ":to": to, ":priority": priority};

    let departments = {
        let mut stmt = tx.prepare_cached("SELECT code FROM departments ORDER BY code")?;
        stmt.query_map([], |r| r.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>()?
    };

    let mut issues = Vec::new();
    let mut index: HashMap<i64, usize> = HashMap::new();
    let mut resolved: Vec<i64> = Vec::new();
    {
        let sql = format!(
            "SELECT i.id, i.number, i.priority, i.status, i.proposed_at, i.response_due_at,
                    i.first_response_at, CASE WHEN i.accepted = 1 THEN i.accepted_at END,
                    i.escalation_reason, i.resolved_at, i.updated_at
             FROM issues i WHERE {ISSUES_READ} ORDER BY i.id"
        );
        let mut stmt = tx.prepare_cached(&sql)?;
        let mut rows = stmt.query(params)?;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            let status: Status = r.get(3)?;
            let accepted: Option<i64> = r.get(7)?;
            index.insert(id, issues.len());
            // The time tasks closed without their own record were finished: the solution, else
            // the issue's last change.
            resolved.push(r.get::<_, Option<i64>>(9)?.unwrap_or(r.get::<_, i64>(10)?));
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

    {
        let mut stmt =
            tx.prepare_cached("SELECT issue_id, dept FROM issue_departments ORDER BY issue_id, dept")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            if let Some(&i) = index.get(&r.get::<_, i64>(0)?) {
                issues[i].departments.push(r.get(1)?);
            }
        }
    }

    // Refusals, and tasks set done by an update: from the events of the issues read. Events are
    // appended in time order and an issue's events all come after its registration, so those of
    // issues from the lowest id read on start at that issue's first event.
    let mut done_by_update: HashMap<(usize, i64), i64> = HashMap::new();
    if let Some(first) = issues.first() {
        let start: Option<i64> = tx
            .prepare_cached("SELECT min(id) FROM events WHERE issue_id = :id")?
            .query_row(named_params! {":id": first.id}, |r| r.get(0))?;
        let mut stmt = tx.prepare_cached(
            "SELECT issue_id, at, kind, json_extract(after, '$.task'), json_extract(after, '$.state')
             FROM events WHERE id >= :start AND kind IN ('refused', 'task_updated')",
        )?;
        let mut rows = stmt.query(named_params! {":start": start.unwrap_or(i64::MAX)})?;
        while let Some(r) = rows.next()? {
            let Some(&i) = r.get::<_, Option<i64>>(0)?.and_then(|id| index.get(&id)) else { continue };
            let kind: String = r.get(2)?;
            if kind == "refused" {
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

    let mut tasks = Vec::new();
    let mut task_dept: HashMap<i64, (usize, String)> = HashMap::new();
    {
        let sql = format!(
            "SELECT t.id, t.issue_id, t.seq, t.dept, t.deadline, t.state = 'done',
                    CASE WHEN t.state = 'done' THEN
                        (SELECT max(p.at) FROM progress p WHERE p.task_id = t.id AND p.percent = 100) END
             FROM issues i JOIN tasks t ON t.issue_id = i.id WHERE {ISSUES_READ}"
        );
        let mut stmt = tx.prepare_cached(&sql)?;
        let mut rows = stmt.query(params)?;
        while let Some(r) = rows.next()? {
            let Some(&i) = index.get(&r.get::<_, i64>(1)?) else { continue };
            let (id, seq, dept): (i64, i64, String) = (r.get(0)?, r.get(2)?, r.get(3)?);
            let done: bool = r.get(5)?;
            let by_progress: Option<i64> = r.get(6)?;
            let by_update = done_by_update.get(&(i, seq)).copied();
            let done_at = done.then(|| local(by_progress.max(by_update).unwrap_or(resolved[i])));
            task_dept.insert(id, (i, dept.clone()));
            tasks.push(TaskFact { issue: i, dept, deadline: r.get::<_, Day>(4)?.0, done_at });
        }
    }

    let mut risks = Vec::new();
    {
        let mut stmt = tx.prepare_cached("SELECT task_id, timely FROM risks")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            if let Some((issue, dept)) = task_dept.get(&r.get::<_, i64>(0)?) {
                risks.push(RiskFact { issue: *issue, dept: dept.clone(), timely: r.get(1)? });
            }
        }
    }

    let mut minutes = Vec::new();
    {
        let mut stmt = tx.prepare_cached(
            "SELECT m.issue_id, p.dept, m.held_at
             FROM issues i JOIN meetings m ON m.issue_id = i.id
                  JOIN meeting_participants p ON p.meeting_id = m.id
             WHERE i.status IN ('registered', 'in_progress', 'awaiting_acceptance')
               AND p.confirmation = 'pending'",
        )?;
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
