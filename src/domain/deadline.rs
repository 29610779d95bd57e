//! Response deadlines by priority, and where an issue stands against its deadline.

use std::fmt;

use chrono::{Duration, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};

use super::{Calendar, Priority};
use crate::i18n::Lang;

/// How long the involved departments have to respond: clock hours, or whole working days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum ResponseRule {
    Hours(u32),
    WorkingDays(u32),
}

impl ResponseRule {
    /// Parses `24h` or `3wd` (also `3d`, which means working days too).
    pub fn parse(text: &str) -> Option<ResponseRule> {
        let text = text.trim().to_ascii_lowercase();
        if let Some(n) = text.strip_suffix("wd").or_else(|| text.strip_suffix('d')) {
            n.trim().parse().ok().filter(|n| *n > 0).map(ResponseRule::WorkingDays)
        } else if let Some(n) = text.strip_suffix('h') {
            n.trim().parse().ok().filter(|n| *n > 0).map(ResponseRule::Hours)
        } else {
            None
        }
    }

    pub fn describe(self, lang: Lang) -> String {
        match (self, lang) {
            (ResponseRule::Hours(n), Lang::En) => format!("within {n} hours"),
            (ResponseRule::Hours(n), Lang::Zh) => format!("{n}小时内响应"),
            (ResponseRule::WorkingDays(n), Lang::En) => format!("within {n} working days"),
            (ResponseRule::WorkingDays(n), Lang::Zh) => format!("{n}个工作日内响应"),
        }
    }
}

impl fmt::Display for ResponseRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ResponseRule::Hours(n) => write!(f, "{n}h"),
            ResponseRule::WorkingDays(n) => write!(f, "{n}wd"),
        }
    }
}

impl TryFrom<String> for ResponseRule {
    type Error = String;
    fn try_from(text: String) -> Result<Self, String> {
        ResponseRule::parse(&text)
            .ok_or_else(|| format!("`{text}` is not a response rule: write e.g. `24h` or `3wd`"))
    }
}

impl From<ResponseRule> for String {
    fn from(rule: ResponseRule) -> String {
        rule.to_string()
    }
}

/// The response rule of each priority. The template's defaults: 24 hours, 3 and 5 working days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResponseRules {
    pub high: ResponseRule,
    pub medium: ResponseRule,
    pub low: ResponseRule,
}

impl Default for ResponseRules {
    fn default() -> Self {
        ResponseRules {
            high: ResponseRule::Hours(24),
            medium: ResponseRule::WorkingDays(3),
            low: ResponseRule::WorkingDays(5),
        }
    }
}

impl ResponseRules {
    pub fn rule(&self, priority: Priority) -> ResponseRule {
        match priority {
            Priority::High => self.high,
            Priority::Medium => self.medium,
            Priority::Low => self.low,
        }
    }

    pub fn set(&mut self, priority: Priority, rule: ResponseRule) {
        match priority {
            Priority::High => self.high = rule,
            Priority::Medium => self.medium = rule,
            Priority::Low => self.low = rule,
        }
    }
}

/// The last second of a day: deadlines in days end at 23:59:59 local time.
pub fn end_of_day(date: chrono::NaiveDate) -> NaiveDateTime {
    date.and_time(NaiveTime::from_hms_opt(23, 59, 59).expect("valid time"))
}

/// When the first response is due. Hours are clock time; N working days end at 23:59:59 of the
/// N-th working day after the day of submission.
pub fn response_due(proposed_at: NaiveDateTime, rule: ResponseRule, cal: &Calendar) -> NaiveDateTime {
    match rule {
        ResponseRule::Hours(hours) => proposed_at + Duration::hours(i64::from(hours)),
        ResponseRule::WorkingDays(days) => end_of_day(cal.add_working_days(proposed_at.date(), days)),
    }
}

/// Where the first response stands. An open issue's response may still be pending; once the
/// issue is closed (resolved or archived) its state is final: met, met late, or missed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ResponseState {
    /// Responded in time.
    Met,
    /// Responded, but after the deadline.
    MetLate,
    /// Waiting, with more than one working day left.
    Pending,
    /// Waiting, due within one working day (by the end of the next working day, or on the
    /// non-working days just after it).
    DueSoon,
    /// Waiting, and the deadline has passed.
    Breached,
    /// Closed without any response from an involved department.
    Missed,
}

impl ResponseState {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            ResponseState::Met => lang.pick("met", "按时响应"),
            ResponseState::MetLate => lang.pick("met late", "超时响应"),
            ResponseState::Pending => lang.pick("pending", "待响应"),
            ResponseState::DueSoon => lang.pick("due soon", "即将超时"),
            ResponseState::Breached => lang.pick("breached", "已超时"),
            ResponseState::Missed => lang.pick("missed", "未响应"),
        }
    }

    pub fn is_breached(self) -> bool {
        matches!(self, ResponseState::MetLate | ResponseState::Breached | ResponseState::Missed)
    }

    /// Still waiting for the first response.
    pub fn is_waiting(self) -> bool {
        matches!(self, ResponseState::Pending | ResponseState::DueSoon | ResponseState::Breached)
    }
}

/// The response state of an issue; `closed` is true once it is resolved or archived.
pub fn response_state(
    due: NaiveDateTime,
    first_response: Option<NaiveDateTime>,
    closed: bool,
    now: NaiveDateTime,
    cal: &Calendar,
) -> ResponseState {
    match response_outcome(due, first_response, closed, now) {
        ResponseState::Pending if due.date() <= super::risk::within_one_working_day(now.date(), cal) => {
            ResponseState::DueSoon
        }
        state => state,
    }
}

/// The same without telling "due soon" from "pending" (which needs the calendar): met, met late,
/// missed (closed without a response), breached (open and past due) or pending.
pub fn response_outcome(
    due: NaiveDateTime,
    first_response: Option<NaiveDateTime>,
    closed: bool,
    now: NaiveDateTime,
) -> ResponseState {
    match first_response {
        Some(at) if at <= due => ResponseState::Met,
        Some(_) => ResponseState::MetLate,
        None if closed => ResponseState::Missed,
        None if now > due => ResponseState::Breached,
        None => ResponseState::Pending,
    }
}

/// A deadline and how it is counted: clock hours for a response rule in hours (the 24-hour
/// rule), working days for everything else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Due {
    #[serde(serialize_with = "super::model::local_time::serialize")]
    pub at: NaiveDateTime,
    /// Counted in clock hours.
    pub clock: bool,
    /// Which deadline it is.
    pub what: DueWhat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "task")]
pub enum DueWhat {
    /// The first response.
    Response,
    /// A task, by its number within the issue.
    Task(i64),
}

/// The deadline that matters next for an issue: the earliest of the pending response deadline
/// and every open task's deadline (so an overdue one comes first); none once the issue is closed.
/// `tasks` gives each task's number, state and deadline.
pub fn next_due(
    status: super::Status,
    response_due: NaiveDateTime,
    first_response: Option<NaiveDateTime>,
    response_in_hours: bool,
    tasks: impl IntoIterator<Item = (i64, super::TaskState, chrono::NaiveDate)>,
) -> Option<Due> {
    if !status.is_open() {
        return None;
    }
    let response = first_response.is_none().then_some(Due {
        at: response_due,
        clock: response_in_hours,
        what: DueWhat::Response,
    });
    let tasks = tasks.into_iter().filter(|(_, state, _)| state.is_open()).map(|(seq, _, deadline)| Due {
        at: end_of_day(deadline),
        clock: false,
        what: DueWhat::Task(seq),
    });
    response.into_iter().chain(tasks).min_by_key(|d| (d.at, d.what != DueWhat::Response))
}

/// Time left until a deadline, counted the one way the command line and the console share:
/// working days, and clock hours only for a deadline in hours (the 24-hour rule) while less than
/// a day is left or late.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Countdown {
    /// Working days left after today.
    WorkingDays(i64),
    /// Due by the end of today.
    Today,
    /// A clock deadline less than a day away: hours left, at least 0.
    Hours(i64),
    /// A clock deadline passed less than a day ago: hours late.
    HoursLate(i64),
    /// Past due: working days late (0 when no working day has passed since).
    Overdue(i64),
}

pub fn countdown(now: NaiveDateTime, due: Due, cal: &Calendar) -> Countdown {
    let at = due.at;
    if at < now {
        if due.clock && (now - at) < Duration::hours(24) {
            return Countdown::HoursLate((now - at).num_hours());
        }
        return Countdown::Overdue(cal.working_days_between(at.date(), now.date()));
    }
    if due.clock && (at - now) < Duration::hours(24) {
        return Countdown::Hours((at - now).num_hours());
    }
    match cal.working_days_between(now.date(), at.date()) {
        0 if at.date() == now.date() => Countdown::Today,
        days => Countdown::WorkingDays(days),
    }
}

impl Countdown {
    pub fn label(self, lang: Lang) -> String {
        match (self, lang) {
            (Countdown::WorkingDays(n), Lang::En) => format!("{n}wd left"),
            (Countdown::WorkingDays(n), Lang::Zh) => format!("剩{n}工作日"),
            (Countdown::Today, _) => lang.pick("due today", "今天到期").to_string(),
            (Countdown::Hours(h), Lang::En) => format!("{h}h left"),
            (Countdown::Hours(h), Lang::Zh) => format!("剩{h}小时"),
            (Countdown::HoursLate(h), Lang::En) => format!("{h}h late"),
            (Countdown::HoursLate(h), Lang::Zh) => format!("超{h}小时"),
            (Countdown::Overdue(0), _) => lang.pick("overdue", "已逾期").to_string(),
            (Countdown::Overdue(n), Lang::En) => format!("{n}wd late"),
            (Countdown::Overdue(n), Lang::Zh) => format!("超{n}工作日"),
        }
    }

    pub fn is_overdue(self) -> bool {
        matches!(self, Countdown::Overdue(_) | Countdown::HoursLate(_))
    }

    /// Due within the rest of today or the next working day.
    pub fn is_urgent(self) -> bool {
        matches!(self, Countdown::Hours(_) | Countdown::Today | Countdown::WorkingDays(0 | 1))
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::domain::calendar::{CalendarDay, DayKind};

    fn at(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap()
    }

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    /// Mid-autumn/National Day 2023 as announced: 09-29..10-06 off, 10-07 and 10-08 worked.
    fn cal_2023() -> Calendar {
        let mut days: Vec<CalendarDay> = (29..=30)
            .map(|d| day(&format!("2023-09-{d}")))
            .chain((1..=6).map(|d| day(&format!("2023-10-{d:02}"))))
            .map(|date| CalendarDay { date, kind: DayKind::Holiday, name: "国庆节".into() })
            .collect();
        for d in ["2023-10-07", "2023-10-08"] {
            days.push(CalendarDay { date: day(d), kind: DayKind::Workday, name: "国庆节".into() });
        }
        Calendar::from_days(days)
    }

    #[test]
    fn response_due_by_rule() {
        let cal = cal_2023();
        let cases = [
            // (proposed, rule, due)
            ("2023-10-25 09:30", "24h", "2023-10-26 09:30:00"),
            ("2023-10-25 09:30", "3wd", "2023-10-30 23:59:59"), // Wed + 3 = Mon
            ("2023-10-25 09:30", "5wd", "2023-11-01 23:59:59"),
            ("2023-10-27 18:00", "1wd", "2023-10-30 23:59:59"), // Friday evening
            ("2023-10-28 10:00", "1wd", "2023-10-30 23:59:59"), // submitted on a Saturday
            ("2023-09-28 10:00", "1wd", "2023-10-07 23:59:59"), // over the holiday to a make-up Saturday
            ("2023-09-28 10:00", "3wd", "2023-10-09 23:59:59"),
            ("2023-09-30 10:00", "24h", "2023-10-01 10:00:00"), // hours ignore the calendar
        ];
        for (proposed, rule, due) in cases {
            let rule = ResponseRule::parse(rule).unwrap();
            let got = response_due(at(proposed), rule, &cal);
            let want = NaiveDateTime::parse_from_str(due, "%Y-%m-%d %H:%M:%S").unwrap();
            assert_eq!(got, want, "{proposed} + {rule}");
        }
    }

    #[test]
    fn response_states() {
        let cal = Calendar::weekends_only();
        let due = at("2023-10-30 23:59"); // a Monday
        let cases = [
            (Some("2023-10-26 10:00"), "2023-10-27 10:00", ResponseState::Met),
            (Some("2023-10-31 08:00"), "2023-11-02 10:00", ResponseState::MetLate),
            (None, "2023-10-25 10:00", ResponseState::Pending),
            (None, "2023-10-27 10:00", ResponseState::DueSoon), // Friday: Monday is the next working day
            (None, "2023-10-30 23:00", ResponseState::DueSoon),
            (None, "2023-10-31 00:00", ResponseState::Breached),
        ];
        for (first, now, want) in cases {
            assert_eq!(response_state(due, first.map(at), false, at(now), &cal), want, "{first:?} at {now}");
        }
        // Closed: final, never pending.
        for (first, want) in [
            (None, ResponseState::Missed),
            (Some("2023-10-26 10:00"), ResponseState::Met),
            (Some("2023-10-31 08:00"), ResponseState::MetLate),
        ] {
            for now in ["2023-10-25 10:00", "2023-10-30 23:00", "2023-12-01 10:00"] {
                assert_eq!(response_state(due, first.map(at), true, at(now), &cal), want, "closed {first:?}");
            }
        }
    }

    #[test]
    fn countdowns_in_working_time() {
        let cal = Calendar::weekends_only();
        let days = |t: &str| Due { at: at(t), clock: false, what: DueWhat::Task(1) };
        let clock = |t: &str| Due { at: at(t), clock: true, what: DueWhat::Response };
        let cases = [
            // (now, due, want)
            ("2023-10-25 09:00", days("2023-10-30 23:59"), Countdown::WorkingDays(3)), // Wed → Mon
            ("2023-10-27 09:00", days("2023-10-30 23:59"), Countdown::WorkingDays(1)), // over the weekend
            ("2023-10-25 09:00", days("2023-10-25 23:59"), Countdown::Today),
            ("2023-10-27 09:00", days("2023-10-28 23:59"), Countdown::WorkingDays(0)), // a Saturday
            ("2023-10-25 09:00", clock("2023-10-26 08:00"), Countdown::Hours(23)),     // the 24-hour rule
            ("2023-10-25 09:00", clock("2023-10-27 08:00"), Countdown::WorkingDays(2)),
            ("2023-10-25 23:00", clock("2023-10-25 18:00"), Countdown::HoursLate(5)),
            ("2023-10-26 10:00", days("2023-10-25 23:59"), Countdown::Overdue(1)),
            ("2023-10-30 10:00", days("2023-10-27 23:59"), Countdown::Overdue(1)), // Fri → Mon
            ("2023-10-28 10:00", days("2023-10-27 23:59"), Countdown::Overdue(0)), // Saturday
            ("2023-11-08 10:00", clock("2023-10-27 10:00"), Countdown::Overdue(8)),
        ];
        for (now, due, want) in cases {
            assert_eq!(countdown(at(now), due, &cal), want, "{now} → {due:?}");
        }
        assert_eq!(Countdown::WorkingDays(3).label(Lang::Zh), "剩3工作日");
        assert_eq!(Countdown::Overdue(2).label(Lang::En), "2wd late");
        assert_eq!(Countdown::Overdue(228).label(Lang::Zh), "超228工作日");
    }

    #[test]
    fn the_next_deadline_is_the_earliest_open_one() {
        let response = at("2023-10-26 09:30");
        let task = |seq, state, d: &str| (seq, state, day(d));
        use crate::domain::{Status, TaskState::*};
        // A task ten days overdue comes before the pending response deadline.
        let due = next_due(Status::Registered, response, None, true, [task(1, Doing, "2023-10-16")]);
        assert_eq!(due.map(|d| d.what), Some(DueWhat::Task(1)));
        // Once responded, only open tasks count; done and cancelled ones do not.
        let tasks =
            [task(1, Done, "2023-10-01"), task(2, Cancelled, "2023-10-02"), task(3, Todo, "2023-11-01")];
        let due = next_due(Status::InProgress, response, Some(at("2023-10-25 10:00")), true, tasks).unwrap();
        assert_eq!(
            (due.what, due.at, due.clock),
            (DueWhat::Task(3), at("2023-11-01 23:59") + Duration::seconds(59), false)
        );
        // The response deadline while unanswered, counted in hours under the 24-hour rule.
        let due = next_due(Status::Registered, response, None, true, []).unwrap();
        assert_eq!((due.what, due.clock), (DueWhat::Response, true));
        // Closed: nothing is due.
        assert_eq!(next_due(Status::Resolved, response, None, true, [task(1, Doing, "2023-10-16")]), None);
    }

    #[test]
    fn rules_parse_and_print() {
        for (text, want) in [
            ("24h", Some(ResponseRule::Hours(24))),
            ("3wd", Some(ResponseRule::WorkingDays(3))),
            (" 5D ", Some(ResponseRule::WorkingDays(5))),
            ("0wd", None),
            ("soon", None),
            ("", None),
        ] {
            assert_eq!(ResponseRule::parse(text), want, "{text:?}");
        }
        assert_eq!(ResponseRule::WorkingDays(3).to_string(), "3wd");
        assert_eq!(ResponseRules::default().rule(Priority::Low), ResponseRule::WorkingDays(5));
    }
}
