//! Risk rules: an alert must come at least one working day before the deadline; open tasks that
//! are about to slip silently, or have slipped, are flagged.

use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;

use super::{Calendar, TaskState};
use crate::i18n::Lang;

/// An alert is timely when at least one working day lies after the day it was raised, up to and
/// including the deadline: raised on Tuesday for a Wednesday deadline is timely, on Wednesday not.
pub fn alert_is_timely(raised_at: NaiveDateTime, deadline: NaiveDate, cal: &Calendar) -> bool {
    cal.working_days_between(raised_at.date(), deadline) >= 1
}

/// The last day whose deadline is "within one working day" of `today`: the day before the second
/// working day after today. A deadline on the weekend after a Thursday counts (only Friday is left).
pub fn within_one_working_day(today: NaiveDate, cal: &Calendar) -> NaiveDate {
    cal.add_working_days(today, 2).pred_opt().unwrap_or(today)
}

/// What the system flags on its own about an open task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskFlag {
    /// The deadline has passed and the task is not done.
    Overdue,
    /// Due within one working day, no progress in the last working day, and no risk alert.
    AlertDue,
}

impl TaskFlag {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            TaskFlag::Overdue => lang.pick("overdue", "已逾期"),
            TaskFlag::AlertDue => lang.pick("alert due", "应预警"),
        }
    }
}

/// The facts about one task that its flag depends on.
#[derive(Debug, Clone, Copy)]
pub struct TaskFacts {
    pub state: TaskState,
    pub deadline: NaiveDate,
    pub last_progress: Option<NaiveDateTime>,
    pub has_alert: bool,
}

pub fn task_flag(task: TaskFacts, now: NaiveDateTime, cal: &Calendar) -> Option<TaskFlag> {
    if !task.state.is_open() {
        return None;
    }
    let today = now.date();
    if today > task.deadline {
        return Some(TaskFlag::Overdue);
    }
    let due_within_one_working_day = task.deadline <= within_one_working_day(today, cal);
    // "The last working day" starts at the beginning of the working day before today.
    let recent_since = cal.prev_working_day(today);
    let recent_progress = task.last_progress.is_some_and(|at| at.date() >= recent_since);
    (due_within_one_working_day && !recent_progress && !task.has_alert).then_some(TaskFlag::AlertDue)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap()
    }

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn timeliness_of_alerts() {
        let cal = Calendar::weekends_only();
        let cases = [
            // (raised, deadline, timely)
            ("2023-10-24 17:00", "2023-10-25", true),  // Tue for Wed
            ("2023-10-25 08:00", "2023-10-25", false), // on the day
            ("2023-10-26 09:00", "2023-10-25", false), // after
            ("2023-10-27 09:00", "2023-10-30", true),  // Fri for Mon
            ("2023-10-28 09:00", "2023-10-30", true),  // Sat for Mon: Monday itself is the working day left
            ("2023-10-27 09:00", "2023-10-28", false), // Fri for a Saturday deadline: no working day between
            ("2023-10-26 09:00", "2023-10-28", true),
        ];
        for (raised, deadline, timely) in cases {
            assert_eq!(alert_is_timely(at(raised), day(deadline), &cal), timely, "{raised} for {deadline}");
        }
    }

    #[test]
    fn task_flags() {
        let cal = Calendar::weekends_only();
        let facts = |state, deadline: &str, last: Option<&str>, has_alert| TaskFacts {
            state,
            deadline: day(deadline),
            last_progress: last.map(at),
            has_alert,
        };
        use TaskState::*;
        let now = at("2023-10-26 10:00"); // Thursday
        let cases = [
            (facts(Doing, "2023-10-25", None, false), Some(TaskFlag::Overdue)),
            (facts(Doing, "2023-10-25", None, true), Some(TaskFlag::Overdue)), // alerts don't excuse lateness
            (facts(Done, "2023-10-20", None, false), None),
            (facts(Doing, "2023-10-27", None, false), Some(TaskFlag::AlertDue)), // due tomorrow, silent
            (facts(Todo, "2023-10-26", Some("2023-10-20 10:00"), false), Some(TaskFlag::AlertDue)),
            (facts(Doing, "2023-10-27", Some("2023-10-25 09:00"), false), None), // progress yesterday
            (facts(Doing, "2023-10-27", Some("2023-10-24 18:00"), false), Some(TaskFlag::AlertDue)),
            (facts(Doing, "2023-10-27", None, true), None), // alert raised
            (facts(Doing, "2023-10-30", None, false), None), // Monday: two working days away
            (facts(Blocked, "2023-10-26", None, false), Some(TaskFlag::AlertDue)),
        ];
        for (task, want) in cases {
            assert_eq!(task_flag(task, now, &cal), want, "{task:?}");
        }
        // A Saturday deadline seen on Thursday: only Friday is left.
        assert_eq!(task_flag(facts(Doing, "2023-10-28", None, false), now, &cal), Some(TaskFlag::AlertDue));
        assert_eq!(within_one_working_day(day("2023-10-26"), &cal), day("2023-10-29"));
        assert_eq!(within_one_working_day(day("2023-10-27"), &cal), day("2023-10-30"));
        // On a Monday, Friday's progress counts as the last working day's.
        let monday = at("2023-10-30 09:00");
        assert_eq!(
            task_flag(facts(Doing, "2023-10-31", Some("2023-10-27 16:00"), false), monday, &cal),
            None
        );
    }
}
