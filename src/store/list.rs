//! Lists of issues (filtered, sorted, a window at a time), full-text search and task alerts.

use chrono::{NaiveDate, NaiveDateTime};
use rusqlite::types::Value as SqlValue;
use rusqlite::{OptionalExtension, Row, Transaction, params_from_iter};
use serde::Serialize;

use super::admin::calendar;
use super::convert::{Day, Instant, TASK_COLUMNS, split_list, task_row};
use super::issues::NO_DEADLINE;
use super::search::term_query;
use super::words::{BY_PRIORITY, OPEN, OPEN_TASK};
use super::{Store, StoreResult};
use crate::domain::deadline::{Due, DueWhat, end_of_day};
use crate::domain::model::local_time;
use crate::domain::risk::{TaskFacts, TaskFlag, task_flag, within_one_working_day};
use crate::domain::*;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SortKey {
    /// The next deadline first: the response deadline while unanswered, then the earliest open task.
    #[default]
    Deadline,
    /// High priority first, then by deadline.
    Priority,
    /// Most recently changed first.
    Updated,
    /// By number, newest first.
    Number,
}

impl SortKey {
    pub fn parse(text: &str) -> Option<SortKey> {
        match text.trim().to_ascii_lowercase().as_str() {
            "deadline" | "due" => Some(SortKey::Deadline),
            "priority" => Some(SortKey::Priority),
            "updated" => Some(SortKey::Updated),
            "number" => Some(SortKey::Number),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct IssueFilter {
    /// Any of these stages; empty means any stage.
    pub statuses: Vec<Status>,
    /// Proposed by or involving this department.
    pub dept: Option<String>,
    pub priority: Option<Priority>,
    /// Involving this person's department, or naming this person (proposer, owner, participant,
    /// feedback person): (login, department).
    pub involving: Option<(String, String)>,
    /// Response deadline breached, or an open task past its deadline.
    pub overdue: bool,
    /// Response or an open task due by the end of the next working day.
    pub due_soon: bool,
    /// Escalated now: an escalation not yet closed, on an open issue.
    pub escalated: bool,
    /// Escalated at any time.
    pub ever_escalated: bool,
    /// Full-text search: every whitespace-separated term must occur in one of the issue's texts
    /// (ASCII letters in either case); a single Chinese character is a term too.
    pub text: Option<String>,
    pub sort: SortKey,
    /// Whose point of view the rows take: what is new to them and what waits on them.
    pub viewer: Option<String>,
    pub limit: Option<u32>,
    pub offset: u32,
}

/// One row of the issue list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IssueSummary {
    pub id: i64,
    pub number: String,
    pub priority: Priority,
    pub title: String,
    pub status: Status,
    /// Escalated now (`Issue::escalated_now`).
    pub escalated: bool,
    /// Escalated at any time (`Issue::ever_escalated`).
    pub ever_escalated: bool,
    pub proposer_dept: String,
    pub proposer: String,
    pub departments: Vec<String>,
    #[serde(serialize_with = "local_time::serialize")]
    pub proposed_at: NaiveDateTime,
    #[serde(serialize_with = "local_time::serialize")]
    pub response_due_at: NaiveDateTime,
    #[serde(serialize_with = "local_time::serialize_opt")]
    pub first_response_at: Option<NaiveDateTime>,
    /// The deadline that matters next (`deadline::next_due`), if any.
    #[serde(serialize_with = "local_time::serialize_opt")]
    pub next_due_at: Option<NaiveDateTime>,
    /// The same, with which deadline it is and how it is counted.
    pub next_due: Option<Due>,
    pub overdue_tasks: i64,
    /// Others changed it since the viewer last opened it.
    pub unseen: bool,
    /// Meetings whose minutes the viewer has yet to confirm.
    pub minutes_to_confirm: i64,
    /// The viewer is the feedback person and the solution waits for acceptance.
    pub acceptance_due: bool,
    /// The viewer's open tasks due within one working day or overdue.
    pub my_tasks_due: i64,
    #[serde(serialize_with = "local_time::serialize")]
    pub updated_at: NaiveDateTime,
}

/// An open task the system flags on its own.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaskAlert {
    pub number: String,
    pub issue_title: String,
    pub task: Task,
    pub flag: TaskFlag,
}

impl Store {
    /// A window of the issue list.
    pub fn list(&mut self, filter: &IssueFilter, now: NaiveDateTime) -> StoreResult<Vec<IssueSummary>> {
        self.read(|tx| {
            let (clause, mut params) = where_clause(tx, filter, now)?;
            let order = order_by(filter.sort);
            // Two steps: pick the window's rows (computing only what the order needs), then
            // fill in the columns for those rows alone.
            let page = format!(
                "SELECT i.id FROM issues i {clause} ORDER BY {order} LIMIT {} OFFSET {}",
                filter.limit.map_or(-1, i64::from),
                filter.offset,
            );
            params.push(filter.viewer.clone().map_or(SqlValue::Null, SqlValue::Text));
            let sql = summaries_sql(&page, params.len(), order);
            let mut stmt = tx.prepare_cached(&sql)?;
            let rows = stmt.query_map(params_from_iter(params), summary_row)?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    /// The ids of every issue the filter matches (ignoring its window), in the list's order; None
    /// when there are more than `at_most`. A list can then be counted and paged through by id.
    pub fn matching_ids(
        &mut self,
        filter: &IssueFilter,
        now: NaiveDateTime,
        at_most: u32,
    ) -> StoreResult<Option<Vec<i64>>> {
        self.read(|tx| {
            let (clause, params) = where_clause(tx, filter, now)?;
            let order = order_by(filter.sort);
            let sql = format!(
                "SELECT i.id FROM issues i {clause} ORDER BY {order} LIMIT {}",
                i64::from(at_most) + 1
            );
            let mut stmt = tx.prepare_cached(&sql)?;
            let used = stmt.parameter_count();
            let ids: Vec<i64> = stmt
                .query_map(params_from_iter(params.into_iter().take(used)), |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            Ok((ids.len() <= at_most as usize).then_some(ids))
        })
    }

    /// The rows of these issues, in this order, from the viewer's point of view.
    pub fn summaries(
        &mut self,
        ids: &[i64],
        viewer: Option<&str>,
        now: NaiveDateTime,
    ) -> StoreResult<Vec<IssueSummary>> {
        self.read(|tx| {
            let soon_day = within_one_working_day(now.date(), &calendar(tx)?);
            let list = format!("[{}]", ids.iter().map(i64::to_string).collect::<Vec<_>>().join(","));
            let params = vec![
                SqlValue::Text(day(now.date())),
                SqlValue::Text(day(soon_day)),
                SqlValue::Text(list),
                viewer.map_or(SqlValue::Null, |v| SqlValue::Text(v.to_string())),
            ];
            let page = "SELECT value AS id, key AS place FROM json_each(?3)";
            let sql = summaries_sql(page, 4, "page.place");
            let mut stmt = tx.prepare_cached(&sql)?;
            let rows = stmt.query_map(params_from_iter(params), summary_row)?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    /// Notes that `login` has seen everything on the issue so far (no event: it is personal).
    pub fn mark_seen(&mut self, login: &str, number: &str) -> StoreResult<()> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO seen (login, issue_id, event_id)
                 SELECT :login, i.id, coalesce((SELECT max(e.id) FROM events e WHERE e.issue_id = i.id), 0)
                 FROM issues i WHERE i.number = :number
                 ON CONFLICT (login, issue_id) DO UPDATE SET event_id = excluded.event_id",
                rusqlite::named_params! {":login": login, ":number": number},
            )?;
            Ok(())
        })
    }

    /// The last event of the issue that `login` had seen, if they ever opened it.
    pub fn seen_upto(&mut self, login: &str, number: &str) -> StoreResult<Option<i64>> {
        self.read(|tx| {
            Ok(tx
                .query_row(
                    "SELECT s.event_id FROM seen s JOIN issues i ON i.id = s.issue_id
                     WHERE s.login = :login AND i.number = :number",
                    rusqlite::named_params! {":login": login, ":number": number},
                    |r| r.get(0),
                )
                .optional()?)
        })
    }

    /// How many issues the filter matches (ignoring its window).
    pub fn count(&mut self, filter: &IssueFilter, now: NaiveDateTime) -> StoreResult<i64> {
        self.read(|tx| {
            let (clause, params) = where_clause(tx, filter, now)?;
            let sql = format!("SELECT count(*) FROM issues i {clause}");
            let mut stmt = tx.prepare_cached(&sql)?;
            // Today (?1) is bound for every query; this one may not use it.
            let used = stmt.parameter_count();
            Ok(stmt.query_row(params_from_iter(params.into_iter().take(used)), |r| r.get(0))?)
        })
    }

    /// Whether any issue has been registered at all.
    pub fn has_issues(&mut self) -> StoreResult<bool> {
        self.read(|tx| Ok(tx.query_row("SELECT EXISTS (SELECT 1 FROM issues)", [], |r| r.get(0))?))
    }

    /// How many tasks `task_alerts` would list, without loading them: overdue tasks are counted
    /// in SQL; only those due within one working day are looked at one by one.
    pub fn task_alert_count(
        &mut self,
        now: NaiveDateTime,
        owner_or_dept: Option<&str>,
    ) -> StoreResult<usize> {
        let overdue: i64 = self.read(|tx| {
            let sql = format!(
                "SELECT count(*) FROM tasks t JOIN issues i ON i.id = t.issue_id
                 WHERE {OPEN_TASK} AND t.deadline < :today AND {OPEN}
                     AND (:who IS NULL OR t.owner = :who OR t.dept = :who)"
            );
            Ok(tx.prepare_cached(&sql)?.query_row(
                rusqlite::named_params! {":today": Day(now.date()), ":who": owner_or_dept},
                |r| r.get(0),
            )?)
        })?;
        let due_soon = self.alerts(now, owner_or_dept, Some(now.date()))?.len();
        Ok(overdue as usize + due_soon)
    }

    /// Open tasks of open issues that are overdue or need a risk alert, most urgent first.
    /// `owner_or_dept` narrows them to one person's tasks or one department's.
    pub fn task_alerts(
        &mut self,
        now: NaiveDateTime,
        owner_or_dept: Option<&str>,
    ) -> StoreResult<Vec<TaskAlert>> {
        self.alerts(now, owner_or_dept, None)
    }

    /// The alerts among tasks due from `from` (if given) to within one working day of `now`.
    fn alerts(
        &mut self,
        now: NaiveDateTime,
        owner_or_dept: Option<&str>,
        from: Option<NaiveDate>,
    ) -> StoreResult<Vec<TaskAlert>> {
        self.read(|tx| {
            let cal = calendar(tx)?;
            let horizon = within_one_working_day(now.date(), &cal);
            let columns = TASK_COLUMNS.split(", ").map(|c| format!("t.{c}")).collect::<Vec<_>>().join(", ");
            let sql = format!(
                "SELECT {columns}, i.number, i.title AS issue_title,
                     (SELECT max(p.at) FROM progress p WHERE p.task_id = t.id) AS last_progress,
                     EXISTS (SELECT 1 FROM risks r WHERE r.task_id = t.id) AS has_alert
                 FROM tasks t JOIN issues i ON i.id = t.issue_id
                 WHERE {OPEN_TASK} AND t.deadline <= :horizon AND {OPEN}
                     AND (:from IS NULL OR t.deadline >= :from)
                     AND (:who IS NULL OR t.owner = :who OR t.dept = :who)
                 ORDER BY t.deadline, i.id, t.seq"
            );
            let mut stmt = tx.prepare_cached(&sql)?;
            let rows = stmt.query_map(
                rusqlite::named_params! {":horizon": Day(horizon), ":who": owner_or_dept, ":from": from.map(Day)},
                |r| {
                    Ok((
                        task_row(r)?,
                        r.get::<_, String>("number")?,
                        r.get::<_, String>("issue_title")?,
                        r.get::<_, Option<Instant>>("last_progress")?.map(|i| i.0),
                        r.get::<_, bool>("has_alert")?,
                    ))
                },
            )?;
            let mut alerts = Vec::new();
            for row in rows {
                let (task, number, issue_title, last_progress, has_alert) = row?;
                let facts =
                    TaskFacts { state: task.state, deadline: task.deadline, last_progress, has_alert };
                if let Some(flag) = task_flag(facts, now, &cal) {
                    alerts.push(TaskAlert { number, issue_title, task, flag });
                }
            }
            Ok(alerts)
        })
    }
}

fn order_by(sort: SortKey) -> &'static str {
    match sort {
        SortKey::Deadline => "i.next_due_at, i.id",
        SortKey::Priority => BY_PRIORITY.as_str(),
        SortKey::Updated => "i.updated_at DESC, i.id DESC",
        SortKey::Number => "i.id DESC",
    }
}

/// The list's columns for the issues `page` selects (a query with an `id` column), in `order`.
/// ?1 is today, ?2 the last day within one working day, and ?{viewer} the viewer's login.
fn summaries_sql(page: &str, viewer: usize, order: &str) -> String {
    let viewer = format!("?{viewer}");
    format!(
        "WITH page AS ({page})
         SELECT i.id, i.number, i.priority, i.title, i.status,
             {OPEN} AND EXISTS (SELECT 1 FROM escalations x WHERE x.issue_id = i.id AND x.closed_at IS NULL)
                 AS escalated,
             EXISTS (SELECT 1 FROM escalations x WHERE x.issue_id = i.id) AS ever_escalated,
             i.response_in_hours,
             (SELECT t.seq FROM tasks t WHERE t.issue_id = i.id AND {OPEN_TASK}
                  ORDER BY t.deadline, t.seq LIMIT 1) AS next_task,
             i.proposer_dept, i.proposer, i.proposed_at, i.response_due_at, i.first_response_at, i.updated_at,
             (SELECT group_concat(dept, ',') FROM issue_departments d WHERE d.issue_id = i.id) AS departments,
             nullif(i.next_due_at, {NO_DEADLINE}) AS next_due,
             (SELECT count(*) FROM tasks t WHERE t.issue_id = i.id AND {OPEN_TASK}
                  AND t.deadline < ?1 AND {OPEN}) AS overdue_tasks,
             {viewer} IS NOT NULL AND EXISTS (SELECT 1 FROM events e WHERE e.issue_id = i.id
                  AND e.actor != {viewer} AND e.id > coalesce((SELECT s.event_id FROM seen s
                      WHERE s.login = {viewer} AND s.issue_id = i.id), 0)) AS unseen,
             (SELECT count(*) FROM meetings m JOIN meeting_participants mp ON mp.meeting_id = m.id
                  WHERE m.issue_id = i.id AND mp.login = {viewer} AND mp.confirmation = 'pending'
                  AND {OPEN}) AS minutes_to_confirm,
             coalesce(i.status = 'awaiting_acceptance' AND i.feedback_person = {viewer}, 0) AS acceptance_due,
             (SELECT count(*) FROM tasks t WHERE t.issue_id = i.id AND t.owner = {viewer}
                  AND {OPEN_TASK} AND t.deadline <= ?2 AND {OPEN}) AS my_tasks_due
         FROM page JOIN issues i ON i.id = page.id
         ORDER BY {order}"
    )
}

fn summary_row(row: &Row) -> rusqlite::Result<IssueSummary> {
    // `next_due_at` was written by the rule book (`issues::refresh_next_due`); which deadline it
    // is follows from it: the pending response deadline if it is that one, else the open task
    // due first.
    let next_due_at = row.get::<_, Option<Instant>>("next_due")?.map(|i| i.0);
    let response_due_at = row.get::<_, Instant>("response_due_at")?.0;
    let first_response_at = row.get::<_, Option<Instant>>("first_response_at")?.map(|i| i.0);
    let next_due = next_due_at.map(|at| {
        let response = first_response_at.is_none() && at == response_due_at;
        let task: Option<i64> = row.get("next_task").ok().flatten();
        match (response, task) {
            (false, Some(seq)) => Due { at, clock: false, what: DueWhat::Task(seq) },
            _ => Due { at, clock: row.get("response_in_hours").unwrap_or(false), what: DueWhat::Response },
        }
    });
    Ok(IssueSummary {
        id: row.get("id")?,
        number: row.get("number")?,
        priority: row.get("priority")?,
        title: row.get("title")?,
        status: row.get("status")?,
        escalated: row.get("escalated")?,
        ever_escalated: row.get("ever_escalated")?,
        proposer_dept: row.get("proposer_dept")?,
        proposer: row.get("proposer")?,
        departments: split_list(row.get("departments")?),
        proposed_at: row.get::<_, Instant>("proposed_at")?.0,
        response_due_at,
        first_response_at,
        next_due_at,
        next_due,
        overdue_tasks: row.get("overdue_tasks")?,
        unseen: row.get("unseen")?,
        minutes_to_confirm: row.get("minutes_to_confirm")?,
        acceptance_due: row.get("acceptance_due")?,
        my_tasks_due: row.get("my_tasks_due")?,
        updated_at: row.get::<_, Instant>("updated_at")?.0,
    })
}

/// Builds the WHERE clause; parameter 1 is always today's date (used by the select list too).
fn where_clause(
    tx: &Transaction,
    f: &IssueFilter,
    now: NaiveDateTime,
) -> StoreResult<(String, Vec<SqlValue>)> {
    let today = now.date();
    let cal = calendar(tx)?;
    let soon_day = within_one_working_day(today, &cal);
    // ?1 is today and ?2 the last day "within one working day", for every query.
    let mut params: Vec<SqlValue> = vec![SqlValue::Text(day(today)), SqlValue::Text(day(soon_day))];
    let mut conds: Vec<String> = Vec::new();
    let push = |params: &mut Vec<SqlValue>, value: SqlValue| {
        params.push(value);
        format!("?{}", params.len())
    };
    if !f.statuses.is_empty() {
        let list: Vec<String> = f.statuses.iter().map(|s| format!("'{}'", s.code())).collect();
        conds.push(format!("i.status IN ({})", list.join(", ")));
    }
    if let Some(dept) = &f.dept {
        let p = push(&mut params, SqlValue::Text(dept.clone()));
        conds.push(format!(
            "(i.proposer_dept = {p} OR EXISTS (SELECT 1 FROM issue_departments d WHERE d.issue_id = i.id AND d.dept = {p}))"
        ));
    }
    if let Some(priority) = f.priority {
        conds.push(format!("i.priority = '{}'", priority.code()));
    }
    if let Some((login, dept)) = &f.involving {
        let l = push(&mut params, SqlValue::Text(login.clone()));
        let d = push(&mut params, SqlValue::Text(dept.clone()));
        conds.push(format!(
            "(i.proposer = {l} OR i.feedback_person = {l} OR i.resolution_owner = {l} OR i.proposer_dept = {d}
              OR EXISTS (SELECT 1 FROM issue_departments x WHERE x.issue_id = i.id AND x.dept = {d})
              OR EXISTS (SELECT 1 FROM tasks t WHERE t.issue_id = i.id AND t.owner = {l})
              OR EXISTS (SELECT 1 FROM meetings m JOIN meeting_participants mp ON mp.meeting_id = m.id
                         WHERE m.issue_id = i.id AND mp.login = {l}))"
        ));
    }
    if f.overdue || f.due_soon {
        let n = push(&mut params, SqlValue::Integer(super::convert::instant(now)));
        let mut either = Vec::new();
        if f.overdue {
            either.push(format!(
                "({OPEN} AND ((i.first_response_at IS NULL AND i.response_due_at < {n})
                  OR EXISTS (SELECT 1 FROM tasks t WHERE t.issue_id = i.id
                             AND {OPEN_TASK} AND t.deadline < ?1)))"
            ));
        }
        if f.due_soon {
            let s = push(&mut params, SqlValue::Integer(super::convert::instant(end_of_day(soon_day))));
            either.push(format!(
                "({OPEN} AND ((i.first_response_at IS NULL AND i.response_due_at BETWEEN {n} AND {s})
                  OR EXISTS (SELECT 1 FROM tasks t WHERE t.issue_id = i.id
                             AND {OPEN_TASK} AND t.deadline BETWEEN ?1 AND ?2)))"
            ));
        }
        conds.push(format!("({})", either.join(" OR ")));
    }
    if f.escalated {
        conds.push(format!(
            "{OPEN} AND EXISTS (SELECT 1 FROM escalations x WHERE x.issue_id = i.id AND x.closed_at IS NULL)"
        ));
    }
    if f.ever_escalated {
        conds.push("EXISTS (SELECT 1 FROM escalations x WHERE x.issue_id = i.id)".to_string());
    }
    // Search terms: the grams narrow the issues first; a term longer than two characters is then
    // confirmed against the texts of the issues every other condition let through (last).
    let mut confirm = Vec::new();
    if let Some(text) = f.text.as_deref() {
        for term in text.split_whitespace() {
            let query = term_query(term);
            let g = push(&mut params, SqlValue::Text(query.grams));
            conds.insert(0, format!("i.id IN (SELECT rowid FROM search_grams WHERE search_grams MATCH {g})"));
            if let Some(term) = query.confirm {
                let p = push(&mut params, SqlValue::Text(term));
                confirm.push(format!(
                    "EXISTS (SELECT 1 FROM search s WHERE s.issue_id = i.id AND instr(lower(s.body), {p}) > 0)"
                ));
            }
        }
    }
    conds.extend(confirm);
    let clause = if conds.is_empty() { String::new() } else { format!("WHERE {}", conds.join(" AND ")) };
    Ok((clause, params))
}

fn day(d: NaiveDate) -> String {
    super::convert::date_text(d)
}
