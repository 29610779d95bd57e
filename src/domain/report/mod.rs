//! Reports: how well the departments keep the template's promises. Every figure is defined here,
//! once, over plain facts the store reads (`store::report`); the caller passes "now" and the
//! calendar. The command line, the HTML page and the console's Reports view all show `Report`,
//! through the same tables (`table`): each of them only lays the rows out.
//!
//! Definitions (README "Reports" says the same in prose):
//! - **Working hours** between two instants: the clock time between them that falls on working
//!   days of the calendar (whole days of 24 hours; weekends and holidays count nothing, 调休
//!   make-up days count in full). See [`working_hours`].
//! - **Response kept**: *met* when the first response came at or before the response deadline,
//!   *met late* after it, *missed* when there is none and the deadline has passed or the issue was
//!   closed (resolved or archived) without one, *pending* otherwise. Pending issues are counted
//!   neither as met nor as missed. See [`response_kept`].
//! - **Percentiles** are nearest-rank: the p-th percentile of n sorted values is the value at rank
//!   ⌈p·n/100⌉ (the median of an even count is the lower middle value). See [`percentile`].
//! - **The period** selects issues by the day they were registered (both ends included); "now"
//!   figures (open load, overdue tasks, minutes waiting) count every open issue as of now.

mod behind;
mod figures;
pub mod table;
/// The hand-built dataset, also used by the renderers' tests.
#[cfg(test)]
pub(crate) mod tests;

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime};
use serde::Serialize;

pub use behind::*;
pub use figures::*;

use super::{Calendar, Priority, Status};
use crate::i18n::Lang;

/// What the report is about: a period of registration days, optionally one department (the
/// issues it is involved in, the tasks it owns) and one priority.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub dept: Option<String>,
    pub priority: Option<Priority>,
}

/// How many weeks the default period spans (the current week included).
pub const DEFAULT_WEEKS: i64 = 12;

impl Scope {
    /// The last twelve ISO weeks up to today: from the Monday eleven weeks before this week's.
    pub fn last_weeks(today: NaiveDate, weeks: i64) -> Scope {
        let monday = week_start(today) - Duration::weeks(weeks.max(1) - 1);
        Scope { from: monday, to: today, dept: None, priority: None }
    }

    pub fn contains(&self, day: NaiveDate) -> bool {
        self.from <= day && day <= self.to
    }

    /// The issue passes the priority filter and, with a department filter, involves it.
    pub fn selects(&self, issue: &IssueFact) -> bool {
        self.priority.is_none_or(|p| p == issue.priority)
            && self.dept.as_ref().is_none_or(|d| issue.departments.iter().any(|x| x == d))
    }

    /// The issue was registered in the period and passes the filters.
    pub fn counts(&self, issue: &IssueFact) -> bool {
        self.contains(issue.proposed_at.date()) && self.selects(issue)
    }

    /// The department is shown: every one without a department filter, else only that one.
    pub fn shows_dept(&self, dept: &str) -> bool {
        self.dept.as_deref().is_none_or(|d| d == dept)
    }
}

/// One issue, as far as the report needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct IssueFact {
    pub id: i64,
    pub number: String,
    pub priority: Priority,
    pub status: Status,
    pub proposed_at: NaiveDateTime,
    pub response_due_at: NaiveDateTime,
    pub first_response_at: Option<NaiveDateTime>,
    /// When the feedback person accepted the result (resolved and archived issues).
    pub accepted_at: Option<NaiveDateTime>,
    pub escalation_reason: Option<String>,
    /// How many times acceptance was refused.
    pub refusals: u32,
    /// 涉及部门: the departments involved.
    pub departments: Vec<String>,
}

/// One task: its department, its deadline (as it stands, after any new date of a risk alert) and
/// when it was finished (`None` while not done).
#[derive(Debug, Clone, PartialEq)]
pub struct TaskFact {
    /// Index into `Facts::issues`.
    pub issue: usize,
    pub dept: String,
    pub deadline: NaiveDate,
    pub done_at: Option<NaiveDateTime>,
}

/// One risk alert, by the department of its task, and whether it was raised in time (at least one
/// working day before the task's deadline as it stood, as recorded when it was raised).
#[derive(Debug, Clone, PartialEq)]
pub struct RiskFact {
    pub issue: usize,
    pub dept: String,
    pub timely: bool,
}

/// One participant's confirmation of minutes that is still pending.
#[derive(Debug, Clone, PartialEq)]
pub struct WaitingMinutes {
    pub issue: usize,
    /// The participant's department.
    pub dept: String,
    pub held_at: NaiveDateTime,
}

/// Everything the report is computed from. The store reads every issue registered in the period,
/// every open issue, and every issue accepted in the period, with their tasks, risks and pending
/// minutes; the filters are applied here.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facts {
    /// Every department code, in order: a department with no issue still shows (as "no data").
    pub departments: Vec<String>,
    pub issues: Vec<IssueFact>,
    pub tasks: Vec<TaskFact>,
    pub risks: Vec<RiskFact>,
    pub minutes: Vec<WaitingMinutes>,
}

/// Working hours from `from` to `to`: the clock time between them that falls on working days.
/// Zero when `to` is not after `from`.
pub fn working_hours(from: NaiveDateTime, to: NaiveDateTime, cal: &Calendar) -> f64 {
    working_seconds(from, to, cal) as f64 / 3600.0
}

pub fn working_seconds(from: NaiveDateTime, to: NaiveDateTime, cal: &Calendar) -> i64 {
    if to <= from {
        return 0;
    }
    let (first, last) = (from.date(), to.date());
    let on = |day: NaiveDate, seconds: i64| if cal.is_working_day(day) { seconds } else { 0 };
    if first == last {
        return on(first, (to - from).num_seconds());
    }
    let midnight = |day: NaiveDate| day.and_hms_opt(0, 0, 0).unwrap_or_default();
    let head = on(first, (midnight(first) + Duration::days(1) - from).num_seconds());
    let tail = on(last, (to - midnight(last)).num_seconds());
    // The whole days strictly between the first and the last.
    let between = last.pred_opt().map_or(0, |before_last| cal.working_days_between(first, before_last));
    head + between * 86_400 + tail
}

/// Where an issue's first response stands, for the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kept {
    Met,
    MetLate,
    Missed,
    Pending,
}

impl Kept {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Kept::Met => lang.pick("met", "按时"),
            Kept::MetLate => lang.pick("met late", "超时响应"),
            Kept::Missed => lang.pick("missed", "未响应"),
            Kept::Pending => lang.pick("pending", "待响应"),
        }
    }
}

/// The first-response state of an issue (see the module documentation). A closed issue's state is
/// final: it never turns from pending into missed later, because closing without a response is
/// already missed.
pub fn response_kept(
    due: NaiveDateTime,
    first_response: Option<NaiveDateTime>,
    status: Status,
    now: NaiveDateTime,
) -> Kept {
    use crate::domain::deadline::{ResponseState, response_outcome};
    // The rule book's response state; a deadline passed unanswered counts as missed here.
    match response_outcome(due, first_response, !status.is_open(), now) {
        ResponseState::Met => Kept::Met,
        ResponseState::MetLate => Kept::MetLate,
        ResponseState::Missed | ResponseState::Breached => Kept::Missed,
        ResponseState::Pending | ResponseState::DueSoon => Kept::Pending,
    }
}

/// How a task stands against its deadline: finished on the deadline day or before, finished after
/// it, not finished and past it (overdue now), or not finished and not yet due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskOutcome {
    OnTime,
    Late,
    Overdue,
    Open,
}

pub fn task_outcome(task: &TaskFact, now: NaiveDateTime) -> TaskOutcome {
    match task.done_at {
        Some(done) if done.date() <= task.deadline => TaskOutcome::OnTime,
        Some(_) => TaskOutcome::Late,
        None if now.date() > task.deadline => TaskOutcome::Overdue,
        None => TaskOutcome::Open,
    }
}

/// Age buckets of open issues, in working days since the day of registration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Age {
    UpTo3,
    From4To10,
    Over10,
}

pub fn age(proposed_at: NaiveDateTime, now: NaiveDateTime, cal: &Calendar) -> Age {
    match cal.working_days_between(proposed_at.date(), now.date()) {
        ..=3 => Age::UpTo3,
        4..=10 => Age::From4To10,
        _ => Age::Over10,
    }
}

/// The nearest-rank percentile of `values` (any order), `None` when there are none.
pub fn percentile(values: &mut [f64], p: u32) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let rank = (u64::from(p) * values.len() as u64).div_ceil(100).max(1) as usize;
    Some(values[rank.min(values.len()) - 1])
}

/// Hours rounded to one decimal, as every figure shows them.
pub fn round1(hours: f64) -> f64 {
    (hours * 10.0).round() / 10.0
}

/// The Monday of the ISO week of `day`.
pub fn week_start(day: NaiveDate) -> NaiveDate {
    day - Duration::days(i64::from(day.weekday().num_days_from_monday()))
}

/// The ISO week of a day as `2026-W47`.
pub fn week_label(day: NaiveDate) -> String {
    let week = day.iso_week();
    format!("{}-W{:02}", week.year(), week.week())
}

/// A share as a whole percentage, `None` when nothing was counted.
pub fn share(part: u32, whole: u32) -> Option<f64> {
    (whole > 0).then(|| f64::from(part) / f64::from(whole))
}
