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

/// Where the first response stands.
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
}

impl ResponseState {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            ResponseState::Met => lang.pick("met", "按时响应"),
            ResponseState::MetLate => lang.pick("met late", "超时响应"),
            ResponseState::Pending => lang.pick("pending", "待响应"),
            ResponseState::DueSoon => lang.pick("due soon", "即将超时"),
            ResponseState::Breached => lang.pick("breached", "已超时"),
        }
    }

    pub fn is_breached(self) -> bool {
        matches!(self, ResponseState::MetLate | ResponseState::Breached)
    }
}

pub fn response_state(
    due: NaiveDateTime,
    first_response: Option<NaiveDateTime>,
    now: NaiveDateTime,
    cal: &Calendar,
) -> ResponseState {
    match first_response {
        Some(at) if at <= due => ResponseState::Met,
        Some(_) => ResponseState::MetLate,
        None if now > due => ResponseState::Breached,
        None if due.date() <= super::risk::within_one_working_day(now.date(), cal) => ResponseState::DueSoon,
        None => ResponseState::Pending,
    }
}

/// Time left until a deadline, in working time: whole working days while more than the rest of
/// today is left, hours on the last day, and how late once it has passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Countdown {
    /// Working days left after today.
    WorkingDays(i64),
    /// Due today (or within the next hours): hours left, at least 0.
    Hours(i64),
    /// Past due: working days late (0 on the same day) and hours late.
    Overdue { working_days: i64, hours: i64 },
}

pub fn countdown(now: NaiveDateTime, due: NaiveDateTime, cal: &Calendar) -> Countdown {
    if due < now {
        let working_days = cal.working_days_between(due.date(), now.date());
        return Countdown::Overdue { working_days, hours: (now - due).num_hours() };
    }
    let days = cal.working_days_between(now.date(), due.date());
    if days == 0 || (due - now).num_hours() < 24 {
        Countdown::Hours((due - now).num_hours())
    } else {
        Countdown::WorkingDays(days)
    }
}

impl Countdown {
    pub fn label(self, lang: Lang) -> String {
        match (self, lang) {
            (Countdown::WorkingDays(n), Lang::En) => format!("{n}wd left"),
            (Countdown::WorkingDays(n), Lang::Zh) => format!("剩{n}工作日"),
            (Countdown::Hours(h), Lang::En) => format!("{h}h left"),
            (Countdown::Hours(h), Lang::Zh) => format!("剩{h}小时"),
            (Countdown::Overdue { working_days: 0, hours }, Lang::En) => format!("{hours}h late"),
            (Countdown::Overdue { working_days: 0, hours }, Lang::Zh) => format!("超{hours}小时"),
            (Countdown::Overdue { working_days, .. }, Lang::En) => format!("{working_days}wd late"),
            (Countdown::Overdue { working_days, .. }, Lang::Zh) => format!("超{working_days}工作日"),
        }
    }

    pub fn is_overdue(self) -> bool {
        matches!(self, Countdown::Overdue { .. })
    }

    /// Due within the rest of today or the next working day.
    pub fn is_urgent(self) -> bool {
        matches!(self, Countdown::Hours(_) | Countdown::WorkingDays(1))
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
            assert_eq!(response_state(due, first.map(at), at(now), &cal), want, "{first:?} at {now}");
        }
    }

    #[test]
    fn countdowns_in_working_time() {
        let cal = Calendar::weekends_only();
        let cases = [
            // (now, due, want)
            ("2023-10-25 09:00", "2023-10-30 23:59", Countdown::WorkingDays(3)), // Wed → Mon: Thu, Fri, Mon
            ("2023-10-27 09:00", "2023-10-30 23:59", Countdown::WorkingDays(1)), // over the weekend
            ("2023-10-25 09:00", "2023-10-25 23:59", Countdown::Hours(14)),
            ("2023-10-25 09:00", "2023-10-26 08:00", Countdown::Hours(23)), // 24h rules count hours
            ("2023-10-26 10:00", "2023-10-25 23:59", Countdown::Overdue { working_days: 1, hours: 10 }),
            ("2023-10-30 10:00", "2023-10-27 23:59", Countdown::Overdue { working_days: 1, hours: 58 }),
            ("2023-10-25 23:00", "2023-10-25 18:00", Countdown::Overdue { working_days: 0, hours: 5 }),
        ];
        for (now, due, want) in cases {
            assert_eq!(countdown(at(now), at(due), &cal), want, "{now} → {due}");
        }
        assert_eq!(Countdown::WorkingDays(3).label(Lang::Zh), "剩3工作日");
        assert_eq!(Countdown::Overdue { working_days: 2, hours: 50 }.label(Lang::En), "2wd late");
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
