//! Row mapping in one place: instants, dates, vocabularies and whole rows.

use chrono::{DateTime, Local, NaiveDate, NaiveDateTime, TimeZone};
use rusqlite::Row;
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};

use crate::domain::*;

/// Local wall-clock time → seconds since the epoch.
pub fn instant(t: NaiveDateTime) -> i64 {
    Local
        .from_local_datetime(&t)
        .earliest()
        // A time inside a daylight-saving gap does not exist locally; take the hour after.
        .or_else(|| Local.from_local_datetime(&(t + chrono::Duration::hours(1))).earliest())
        .map(|t| t.timestamp())
        .unwrap_or_else(|| t.and_utc().timestamp())
}

/// Seconds since the epoch → local wall-clock time.
pub fn local(secs: i64) -> NaiveDateTime {
    DateTime::from_timestamp(secs, 0).unwrap_or_default().with_timezone(&Local).naive_local()
}

pub fn date_text(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

pub fn parse_date(text: &str) -> FromSqlResult<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|e| FromSqlError::Other(Box::new(e)))
}

/// A local time as a column: stored as seconds since the epoch.
#[derive(Debug, Clone, Copy)]
pub struct Instant(pub NaiveDateTime);

impl ToSql for Instant {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(instant(self.0)))
    }
}

impl FromSql for Instant {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        i64::column_result(value).map(|s| Instant(local(s)))
    }
}

/// A calendar day as a column: `YYYY-MM-DD`, which sorts as text.
#[derive(Debug, Clone, Copy)]
pub struct Day(pub NaiveDate);

impl ToSql for Day {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(date_text(self.0)))
    }
}

impl FromSql for Day {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        parse_date(value.as_str()?).map(Day)
    }
}

macro_rules! vocabulary_sql {
    ($($name:ident),+) => {$(
        impl ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::from(self.code()))
            }
        }
        impl FromSql for $name {
            fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
                let text = value.as_str()?;
                $name::parse(text).ok_or_else(|| {
                    FromSqlError::Other(format!("unknown {} `{text}`", stringify!($name)).into())
                })
            }
        }
    )+};
}

vocabulary_sql!(
    Priority,
    Role,
    Status,
    MeetingMode,
    Confirmation,
    TaskState,
    EventKind,
    NumberFormat,
    ChannelKind,
    Delivery
);

fn at(row: &Row, column: &str) -> rusqlite::Result<NaiveDateTime> {
    Ok(row.get::<_, Instant>(column)?.0)
}

fn at_opt(row: &Row, column: &str) -> rusqlite::Result<Option<NaiveDateTime>> {
    Ok(row.get::<_, Option<Instant>>(column)?.map(|i| i.0))
}

/// The columns `issue_row` reads, for `SELECT {ISSUE_COLUMNS} FROM issues i`.
pub const ISSUE_COLUMNS: &str = "i.id, i.number, i.proposer_dept, i.proposer, i.proposed_at, i.priority, \
    i.title, i.background, i.request, i.status, i.response_due_at, i.response_in_hours, \
    i.first_response_at, i.first_response_by, i.response_waived, \
    i.solution, i.resolved_at, i.resolution_owner, i.feedback_person, i.accepted, i.accepted_by, \
    i.accepted_at, i.acceptance_reason, i.accepted_proxy, i.accepted_proxy_reason, i.retrospective, i.archived_at, i.version, i.updated_at, \
    i.updated_by, (SELECT group_concat(dept, ',') FROM (SELECT dept FROM issue_departments d \
    WHERE d.issue_id = i.id ORDER BY dept)) AS departments";

/// An issue's row; its escalations are read separately (`escalation_row`).
pub fn issue_row(row: &Row) -> rusqlite::Result<Issue> {
    let resolution = match at_opt(row, "resolved_at")? {
        Some(resolved_at) => Some(Resolution {
            solution: row.get("solution")?,
            resolved_at,
            owner: row.get("resolution_owner")?,
            feedback: row.get("feedback_person")?,
        }),
        None => None,
    };
    let acceptance = match at_opt(row, "accepted_at")? {
        Some(at) => Some(Acceptance {
            accepted: row.get("accepted")?,
            by: row.get("accepted_by")?,
            proxy: proxy(row, "accepted_proxy", "accepted_proxy_reason")?,
            at,
            reason: row.get("acceptance_reason")?,
        }),
        None => None,
    };
    let departments: Option<String> = row.get("departments")?;
    Ok(Issue {
        id: row.get("id")?,
        number: row.get("number")?,
        proposer_dept: row.get("proposer_dept")?,
        proposer: row.get("proposer")?,
        proposed_at: at(row, "proposed_at")?,
        priority: row.get("priority")?,
        title: row.get("title")?,
        background: row.get("background")?,
        request: row.get("request")?,
        departments: split_list(departments),
        status: row.get("status")?,
        response_due_at: at(row, "response_due_at")?,
        response_in_hours: row.get("response_in_hours")?,
        first_response_at: at_opt(row, "first_response_at")?,
        first_response_by: row.get("first_response_by")?,
        response_waived: row.get("response_waived")?,
        escalations: Vec::new(),
        resolution,
        acceptance,
        retrospective: row.get("retrospective")?,
        archived_at: at_opt(row, "archived_at")?,
        version: row.get("version")?,
        updated_at: at(row, "updated_at")?,
        updated_by: row.get("updated_by")?,
    })
}

fn proxy(row: &Row, by: &str, reason: &str) -> rusqlite::Result<Option<Proxy>> {
    Ok(row.get::<_, Option<String>>(by)?.map(|by| Proxy { by, reason: row.get(reason).ok().flatten() }))
}

pub const ESCALATION_COLUMNS: &str = "seq, at, by_login, to_whom, reason, closed_at, closed_by, close_note";

pub fn escalation_row(row: &Row) -> rusqlite::Result<Escalation> {
    let closed = match at_opt(row, "closed_at")? {
        Some(at) => Some(Closing {
            by: row.get::<_, Option<String>>("closed_by")?.unwrap_or_default(),
            at,
            note: row.get::<_, Option<String>>("close_note")?.unwrap_or_default(),
        }),
        None => None,
    };
    Ok(Escalation {
        seq: row.get("seq")?,
        reason: row.get("reason")?,
        to: row.get("to_whom")?,
        by: row.get("by_login")?,
        at: at(row, "at")?,
        closed,
    })
}

pub fn split_list(text: Option<String>) -> Vec<String> {
    text.map(|t| t.split(',').filter(|s| !s.is_empty()).map(str::to_string).collect()).unwrap_or_default()
}

pub const PERSON_COLUMNS: &str = "login, display_name, dept, role";

pub fn person_row(row: &Row) -> rusqlite::Result<Person> {
    Ok(Person {
        login: row.get("login")?,
        display_name: row.get("display_name")?,
        dept: row.get("dept")?,
        role: row.get("role")?,
    })
}

pub fn department_row(row: &Row) -> rusqlite::Result<Department> {
    Ok(Department { code: row.get("code")?, name: row.get("name")?, head: row.get("head")? })
}

pub fn calendar_day_row(row: &Row) -> rusqlite::Result<crate::domain::calendar::CalendarDay> {
    use crate::domain::calendar::{CalendarDay, DayKind};
    let kind: String = row.get("kind")?;
    Ok(CalendarDay {
        date: row.get::<_, Day>("day")?.0,
        kind: DayKind::parse(&kind)
            .ok_or_else(|| FromSqlError::Other(format!("unknown calendar day kind `{kind}`").into()))
            .map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
            })?,
        name: row.get("name")?,
    })
}

pub const TASK_COLUMNS: &str = "id, seq, dept, title, owner, deadline, state, percent";

pub fn task_row(row: &Row) -> rusqlite::Result<Task> {
    Ok(Task {
        id: row.get("id")?,
        seq: row.get("seq")?,
        dept: row.get("dept")?,
        title: row.get("title")?,
        owner: row.get("owner")?,
        deadline: row.get::<_, Day>("deadline")?.0,
        state: row.get("state")?,
        percent: row.get("percent")?,
    })
}

pub fn meeting_row(row: &Row) -> rusqlite::Result<Meeting> {
    Ok(Meeting {
        id: row.get("id")?,
        seq: row.get("seq")?,
        held_at: at(row, "held_at")?,
        mode: row.get("mode")?,
        participants: Vec::new(),
        summary: row.get("summary")?,
        disputes: row.get("disputes")?,
        consensus: row.get("consensus")?,
        recorder: row.get("recorder")?,
        version: row.get("version")?,
    })
}

pub fn participant_row(row: &Row) -> rusqlite::Result<Participant> {
    Ok(Participant {
        login: row.get("login")?,
        dept: row.get("dept")?,
        confirmation: row.get("confirmation")?,
        note: row.get("note")?,
        answered_at: at_opt(row, "answered_at")?,
        proxy: proxy(row, "proxy", "proxy_reason")?,
    })
}

pub fn progress_row(row: &Row) -> rusqlite::Result<Progress> {
    let help = match row.get::<_, Option<String>>("help_dept")? {
        Some(dept) => {
            Some(HelpRequest { dept, what: row.get::<_, Option<String>>("help_what")?.unwrap_or_default() })
        }
        None => None,
    };
    Ok(Progress {
        id: row.get("id")?,
        task_seq: row.get("task_seq")?,
        at: at(row, "at")?,
        by: row.get("by_login")?,
        percent: row.get("percent")?,
        note: row.get("note")?,
        help,
    })
}

pub fn risk_row(row: &Row) -> rusqlite::Result<Risk> {
    Ok(Risk {
        id: row.get("id")?,
        task_seq: row.get("task_seq")?,
        raised_at: at(row, "raised_at")?,
        by: row.get("by_login")?,
        reason: row.get("reason")?,
        plan: row.get("plan")?,
        new_deadline: row.get::<_, Option<Day>>("new_deadline")?.map(|d| d.0),
        timely: row.get("timely")?,
    })
}

pub fn comment_row(row: &Row) -> rusqlite::Result<Comment> {
    Ok(Comment { id: row.get("id")?, at: at(row, "at")?, by: row.get("by_login")?, body: row.get("body")? })
}

pub fn event_row(row: &Row) -> rusqlite::Result<Event> {
    let json = |column: &str| -> rusqlite::Result<serde_json::Value> {
        let text: String = row.get(column)?;
        Ok(serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text)))
    };
    Ok(Event {
        id: row.get("id")?,
        issue_number: row.get("number")?,
        at: at(row, "at")?,
        actor: row.get("actor")?,
        on_behalf_of: row.get("on_behalf_of")?,
        kind: row.get("kind")?,
        before: json("before")?,
        after: json("after")?,
    })
}
