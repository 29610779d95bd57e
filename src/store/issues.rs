//! Registering and reading issues, and the steps every change to an issue goes through.

use chrono::{NaiveDate, NaiveDateTime};
use rusqlite::{OptionalExtension, Transaction, named_params};
use serde_json::{Value, json};

use super::admin::{calendar, require_department, settings};
use super::convert::*;
use super::error::Kind;
use super::search::{index, reindex};
use super::{Ctx, Store, StoreError, StoreResult, events, outbox};
use crate::domain::deadline::{Due, ResponseRule, next_due, response_due};
use crate::domain::lint::{self, Finding};
use crate::domain::model::local_time::rfc3339;
use crate::domain::number::{format_number, sequence_scope};
use crate::domain::rules::{self, Act, Outcome};
use crate::domain::*;
use crate::i18n::{Bilingual, Lang};

/// What registering an issue needs besides the description.
#[derive(Debug, Clone)]
pub struct Registration {
    /// Defaults to the actor's department.
    pub proposer_dept: Option<String>,
    /// Defaults to now; may be earlier (the template records it by hand), never later.
    pub proposed_at: Option<NaiveDateTime>,
    pub priority: Priority,
    pub draft: IssueDraft,
}

impl Store {
    /// Registers an issue and gives it its number. Returns it with the lint's warnings.
    pub fn register(&mut self, ctx: &Ctx, reg: &Registration) -> StoreResult<(Issue, Vec<Finding>)> {
        let draft = &reg.draft;
        let findings = lint::lint(&draft.title, &draft.background, &draft.request, &draft.departments);
        if lint::has_errors(&findings) {
            return Err(lint_error(&findings));
        }
        let proposed_at = reg.proposed_at.unwrap_or(ctx.now);
        not_in_future(proposed_at, ctx.now)?;
        let dept = reg.proposer_dept.clone().unwrap_or_else(|| ctx.actor.dept().to_string());
        let issue = self.write(|tx| {
            require_department(tx, &dept)?;
            let involved = distinct(&draft.departments);
            for code in &involved {
                require_department(tx, code)?;
            }
            rules::may_register(&ctx.actor.person, &dept).map_err(StoreError::Refused)?;
            let settings = settings(tx)?;
            let rule = settings.response.rule(reg.priority);
            let due = response_due(proposed_at, rule, &calendar(tx)?);
            let number = next_number(tx, settings.number_format, &dept, proposed_at)?;
            tx.prepare_cached(
                "INSERT INTO issues (number, proposer_dept, proposer, proposed_at, priority, title, background,
                     request, status, response_due_at, response_in_hours, updated_at, updated_by)
                 VALUES (:number, :dept, :proposer, :proposed_at, :priority, :title, :background,
                     :request, 'registered', :due, :in_hours, :now, :proposer)",
            )?
            .execute(named_params! {
                ":number": number, ":dept": dept, ":proposer": ctx.actor.login(),
                ":proposed_at": Instant(proposed_at), ":priority": reg.priority, ":title": draft.title,
                ":background": draft.background, ":request": draft.request, ":due": Instant(due),
                ":in_hours": matches!(rule, ResponseRule::Hours(_)), ":now": Instant(ctx.now),
            })?;
            let id = tx.last_insert_rowid();
            set_departments(tx, id, &involved)?;
            refresh_next_due(tx, id)?;
            index(tx, id, "issue", &description_text(&draft.title, &draft.background, &draft.request))?;
            let issue = load(tx, &number)?;
            let after = json!({
                "number": number, "priority": reg.priority, "title": draft.title, "departments": involved,
                "proposed_at": rfc3339(&proposed_at), "response_due_at": rfc3339(&due),
            });
            events::record(tx, ctx, Some(id), EventKind::Registered, Value::Null, after.clone())?;
            outbox::announce(tx, ctx, &number, EventKind::Registered, &after)?;
            Ok(issue)
        })?;
        Ok((issue, findings))
    }

    /// Changes title, background, request and departments. The proposing department or a coordinator.
    pub fn edit_description(
        &mut self,
        ctx: &Ctx,
        number: &str,
        expected_version: Option<i64>,
        draft: &IssueDraft,
    ) -> StoreResult<(Issue, Vec<Finding>)> {
        let findings = lint::lint(&draft.title, &draft.background, &draft.request, &draft.departments);
        if lint::has_errors(&findings) {
            return Err(lint_error(&findings));
        }
        let issue = self.write(|tx| {
            let (record, outcome) = begin(tx, ctx, number, expected_version, &Act::EditDescription)?;
            let issue = &record.issue;
            let involved = distinct(&draft.departments);
            if let Some(by) = &issue.first_response_by
                && let Some(dept) = super::admin::person(tx, by)?.map(|p| p.dept)
                && !involved.contains(&dept)
            {
                return Err(StoreError::invalid(
                    format!("{dept} gave the first response ({by}): it stays among the departments involved"),
                    format!("{dept} 已作出首次响应（{by}），该部门须保留在涉及部门中"),
                ));
            }
            if let Some(task) =
                record.tasks.iter().find(|t| t.dept != issue.proposer_dept && !involved.contains(&t.dept))
            {
                return Err(StoreError::invalid(
                    format!("task #{} belongs to {}: it stays among the departments involved", task.seq, task.dept),
                    format!("任务 #{} 属于 {}，该部门须保留在涉及部门中", task.seq, task.dept),
                ));
            }
            for code in &involved {
                require_department(tx, code)?;
            }
            tx.execute(
                "UPDATE issues SET title = :title, background = :background, request = :request WHERE id = :id",
                named_params! {":title": draft.title, ":background": draft.background, ":request": draft.request, ":id": issue.id},
            )?;
            tx.execute("DELETE FROM issue_departments WHERE issue_id = :id", named_params! {":id": issue.id})?;
            set_departments(tx, issue.id, &involved)?;
            reindex(tx, issue.id, "issue", &description_text(&draft.title, &draft.background, &draft.request))?;
            let before = json!({"title": issue.title, "background": issue.background, "request": issue.request, "departments": issue.departments});
            let after = json!({"title": draft.title, "background": draft.background, "request": draft.request, "departments": involved});
            finish(tx, ctx, issue, &outcome, EventKind::DescriptionEdited, before, after)?;
            load(tx, number)
        })?;
        Ok((issue, findings))
    }

    /// One issue's row.
    pub fn issue(&mut self, number: &str) -> StoreResult<Issue> {
        self.read(|tx| load(tx, number))
    }

    /// One issue with every section of the template and its timeline.
    pub fn record(&mut self, number: &str) -> StoreResult<IssueRecord> {
        self.read(|tx| load_record(tx, number, true))
    }

    /// Every issue's id and number (lowercased), newest first: what the issue finder filters in
    /// memory as you type, read once when it opens (about 2 MB at 100 000 issues).
    pub fn issue_numbers(&mut self) -> StoreResult<Vec<(i64, String)>> {
        self.read(|tx| {
            // From the numbers' unique index alone, never from the rows.
            let mut stmt = tx.prepare_cached("SELECT id, lower(number) FROM issues")?;
            let mut all: Vec<(i64, String)> =
                stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
            all.sort_unstable_by_key(|(id, _)| std::cmp::Reverse(*id));
            Ok(all)
        })
    }

    /// Issues someone named: those whose number holds `term` (ignoring ASCII case; `numbers` as
    /// `issue_numbers` gave them), newest first, then those whose texts hold it (the search
    /// index), at most `limit` in all. With no term, the newest issues.
    pub fn find_issues(
        &mut self,
        term: &str,
        numbers: &[(i64, String)],
        limit: u32,
        now: chrono::NaiveDateTime,
    ) -> StoreResult<Vec<(String, String, Status)>> {
        let term = term.trim();
        let cap = limit as usize;
        let lower = term.to_lowercase();
        let mut ids: Vec<i64> =
            numbers.iter().filter(|(_, n)| n.contains(&lower)).map(|(id, _)| *id).take(cap).collect();
        if !term.is_empty() && ids.len() < cap {
            let filter = super::IssueFilter {
                text: Some(term.to_string()),
                sort: super::SortKey::Number,
                limit: Some(limit),
                ..Default::default()
            };
            for row in self.list(&filter, now)? {
                if ids.len() < cap && !ids.contains(&row.id) {
                    ids.push(row.id);
                }
            }
        }
        self.read(|tx| {
            let mut stmt = tx.prepare_cached("SELECT number, title, status FROM issues WHERE id = :id")?;
            let mut found = Vec::with_capacity(ids.len());
            for id in &ids {
                let row =
                    stmt.query_row(named_params! {":id": id}, |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)));
                match row.optional()? {
                    Some(row) => found.push(row),
                    // Gone since the numbers were read (a restore): not offered.
                    None => continue,
                }
            }
            Ok(found)
        })
    }

    /// The latest changes in the whole database, newest first.
    pub fn recent_events(&mut self, limit: u32) -> StoreResult<Vec<Event>> {
        self.read(|tx| events::recent(tx, limit))
    }
}

fn query<T>(
    tx: &Transaction,
    sql: &str,
    id: i64,
    map: impl FnMut(&rusqlite::Row) -> rusqlite::Result<T>,
) -> StoreResult<Vec<T>> {
    let mut stmt = tx.prepare_cached(sql)?;
    let rows = stmt.query_map(named_params! {":id": id}, map)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// One issue with every section of the template; its timeline only `with_events` (the rule book
/// never looks at it, so writes skip it).
pub(super) fn load_record(tx: &Transaction, number: &str, with_events: bool) -> StoreResult<IssueRecord> {
    let issue = load(tx, number)?;
    let id = issue.id;
    let mut meetings = query(
        tx,
        "SELECT id, seq, held_at, mode, summary, disputes, consensus, recorder, version
             FROM meetings WHERE issue_id = :id ORDER BY held_at, seq",
        id,
        meeting_row,
    )?;
    let mut stmt = tx.prepare_cached(
        "SELECT login, dept, confirmation, note, answered_at, proxy, proxy_reason FROM meeting_participants
             WHERE meeting_id = :id ORDER BY dept, login",
    )?;
    for meeting in &mut meetings {
        let rows = stmt.query_map(named_params! {":id": meeting.id}, participant_row)?;
        meeting.participants = rows.collect::<Result<_, _>>()?;
    }
    let tasks_sql = format!("SELECT {TASK_COLUMNS} FROM tasks WHERE issue_id = :id ORDER BY seq");
    Ok(IssueRecord {
            meetings,
            tasks: query(tx, &tasks_sql, id, task_row)?,
            progress: query(
                tx,
                "SELECT p.id, t.seq AS task_seq, p.at, p.by_login, p.percent, p.note, p.help_dept, p.help_what
                 FROM progress p LEFT JOIN tasks t ON t.id = p.task_id
                 WHERE p.issue_id = :id ORDER BY p.at, p.id",
                id,
                progress_row,
            )?,
            risks: query(
                tx,
                "SELECT r.id, t.seq AS task_seq, r.raised_at, r.by_login, r.reason, r.plan, r.new_deadline, r.timely
                 FROM risks r JOIN tasks t ON t.id = r.task_id WHERE r.issue_id = :id ORDER BY r.raised_at, r.id",
                id,
                risk_row,
            )?,
            comments: query(
                tx,
                "SELECT id, at, by_login, body FROM comments WHERE issue_id = :id ORDER BY at, id",
                id,
                comment_row,
            )?,
            events: if with_events { events::for_issue(tx, id)? } else { Vec::new() },
            issue,
        })
}

/// The issue's row by number (with its escalations), or NotFound.
pub(super) fn load(tx: &Transaction, number: &str) -> StoreResult<Issue> {
    let sql = format!("SELECT {ISSUE_COLUMNS} FROM issues i WHERE i.number = :number");
    let mut issue = tx
        .prepare_cached(&sql)?
        .query_row(named_params! {":number": number.trim()}, issue_row)
        .optional()?
        .ok_or_else(|| StoreError::not_found(Kind::Issue, number.trim()))?;
    let sql = format!("SELECT {ESCALATION_COLUMNS} FROM escalations WHERE issue_id = :id ORDER BY seq");
    issue.escalations = query(tx, &sql, issue.id, escalation_row)?;
    Ok(issue)
}

/// The first step of every change to an issue: the issue exists, is at the version the caller
/// read, and the rule book allows this act by this person now, on the record as it stands inside
/// the transaction.
pub(super) fn begin(
    tx: &Transaction,
    ctx: &Ctx,
    number: &str,
    expected_version: Option<i64>,
    act: &Act,
) -> StoreResult<(IssueRecord, Outcome)> {
    let record = load_record(tx, number, false)?;
    let issue = &record.issue;
    if let Some(expected) = expected_version
        && expected != issue.version
    {
        return Err(StoreError::Conflict {
            number: issue.number.clone(),
            version: issue.version,
            by: issue.updated_by.clone(),
            at: issue.updated_at,
        });
    }
    let cal = calendar(tx)?;
    let ask = rules::Ask { me: &ctx.actor.person, now: ctx.now, cal: &cal };
    let outcome = rules::check(act, &record, ask).map_err(StoreError::Refused)?;
    Ok((record, outcome))
}

/// The last step of every change: records the first response, moves the stage, bumps the
/// version, recomputes the next deadline and writes the event (with the stage change, if any, in
/// before/after). Returns the rule book's note for the person, if any.
pub(super) fn finish(
    tx: &Transaction,
    ctx: &Ctx,
    issue: &Issue,
    outcome: &Outcome,
    kind: EventKind,
    mut before: Value,
    mut after: Value,
) -> StoreResult<Option<Bilingual>> {
    if outcome.first_response {
        tx.execute(
            "UPDATE issues SET first_response_at = :now, first_response_by = :by WHERE id = :id",
            named_params! {":now": Instant(ctx.now), ":by": ctx.actor.login(), ":id": issue.id},
        )?;
        after["first_response"] = json!(true);
    }
    if outcome.status != issue.status {
        before["status"] = json!(issue.status);
        after["status"] = json!(outcome.status);
    }
    tx.prepare_cached(
        "UPDATE issues SET status = :status, version = version + 1, updated_at = :now, updated_by = :by
         WHERE id = :id",
    )?
    .execute(named_params! {
        ":status": outcome.status, ":now": Instant(ctx.now), ":by": ctx.actor.login(), ":id": issue.id,
    })?;
    refresh_next_due(tx, issue.id)?;
    events::record(tx, ctx, Some(issue.id), kind, before, after.clone())?;
    outbox::announce(tx, ctx, &issue.number, kind, &after)?;
    Ok(outcome.note.clone())
}

/// "No deadline" in `issues.next_due_at`: sorts after every real one.
pub(super) const NO_DEADLINE: i64 = i64::MAX;

/// Writes the deadline that matters next for one issue, as the rule book defines it
/// (`deadline::next_due`), into the column the list sorts by.
pub(super) fn refresh_next_due(tx: &Transaction, id: i64) -> StoreResult<()> {
    let (status, due, first, in_hours): (Status, Instant, Option<Instant>, bool) = tx
        .prepare_cached(
            "SELECT status, response_due_at, first_response_at, response_in_hours FROM issues WHERE id = :id",
        )?
        .query_row(named_params! {":id": id}, |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
    let mut stmt = tx.prepare_cached("SELECT seq, state, deadline FROM tasks WHERE issue_id = :id")?;
    let tasks: Vec<(i64, TaskState, NaiveDate)> = stmt
        .query_map(named_params! {":id": id}, |r| Ok((r.get(0)?, r.get(1)?, r.get::<_, Day>(2)?.0)))?
        .collect::<Result<_, _>>()?;
    let next = next_due(status, due.0, first.map(|f| f.0), in_hours, tasks);
    write_next_due(tx, id, next)
}

pub(super) fn write_next_due(tx: &Transaction, id: i64, next: Option<Due>) -> StoreResult<()> {
    tx.prepare_cached("UPDATE issues SET next_due_at = :due WHERE id = :id")?
        .execute(named_params! {":due": next.map_or(NO_DEADLINE, |d| instant(d.at)), ":id": id})?;
    Ok(())
}

/// Every issue's next deadline, recomputed (after a migration).
pub(super) fn refresh_all_next_due(tx: &Transaction) -> StoreResult<()> {
    let ids: Vec<i64> =
        tx.prepare("SELECT id FROM issues")?.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
    for id in ids {
        refresh_next_due(tx, id)?;
    }
    Ok(())
}

/// Draws the next number from the department's counter. The IMMEDIATE transaction around it makes
/// the read-and-increment atomic across processes; counters only grow, so numbers are never reused.
pub(super) fn next_number(
    tx: &Transaction,
    format: NumberFormat,
    dept: &str,
    proposed_at: NaiveDateTime,
) -> StoreResult<String> {
    let date = proposed_at.date();
    let scope = sequence_scope(format, dept, date);
    loop {
        let seq: u32 = tx
            .prepare_cached(
                "INSERT INTO number_sequences (scope, last) VALUES (:scope, 1)
                 ON CONFLICT (scope) DO UPDATE SET last = last + 1 RETURNING last",
            )?
            .query_row(named_params! {":scope": scope}, |r| r.get(0))?;
        let number = format_number(format, dept, date, seq);
        // A number imported or made under another format may already hold this one: skip it.
        let taken: bool = tx
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM issues WHERE number = :number)")?
            .query_row(named_params! {":number": number}, |r| r.get(0))?;
        if !taken {
            return Ok(number);
        }
    }
}

pub(super) fn set_departments(tx: &Transaction, id: i64, depts: &[String]) -> StoreResult<()> {
    let mut stmt = tx.prepare_cached("INSERT INTO issue_departments (issue_id, dept) VALUES (:id, :dept)")?;
    for dept in depts {
        stmt.execute(named_params! {":id": id, ":dept": dept})?;
    }
    Ok(())
}

pub(super) fn description_text(title: &str, background: &str, request: &str) -> String {
    format!("{title}\n{background}\n{request}")
}

/// Facts recorded by hand may be back-dated, but not put in the future (a minute of clock skew is fine).
pub(super) fn not_in_future(at: NaiveDateTime, now: NaiveDateTime) -> StoreResult<()> {
    if at > now + chrono::Duration::minutes(1) {
        return Err(StoreError::invalid(
            format!("{} is in the future; give the time it actually happened", at.format("%Y-%m-%d %H:%M")),
            format!("{} 晚于当前时间；请填写实际发生的时间", at.format("%Y-%m-%d %H:%M")),
        ));
    }
    Ok(())
}

fn distinct(codes: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for code in codes {
        let code = code.trim().to_ascii_uppercase();
        if !code.is_empty() && !out.contains(&code) {
            out.push(code);
        }
    }
    out
}

fn lint_error(findings: &[Finding]) -> StoreError {
    let errors: Vec<&Finding> = findings.iter().filter(|f| f.severity == lint::Severity::Error).collect();
    let join =
        |lang: Lang| errors.iter().map(|f| f.message(lang)).collect::<Vec<_>>().join(lang.pick("; ", ";"));
    StoreError::invalid(join(Lang::En), join(Lang::Zh))
}
