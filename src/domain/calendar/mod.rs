//! The working-day calendar. Monday to Friday are working days unless the calendar holds an
//! exception for the date: a public holiday (法定节假日) makes a weekday a rest day, a make-up
//! working day (调休上班) makes a Saturday or Sunday a working day. All deadline arithmetic of the
//! product goes through [`Calendar`].
//!
//! Termination of the loops over days holds by construction, so no loop carries an iteration
//! cap: a weekday is a rest day only when the calendar holds a holiday exception for it, and the
//! exceptions are a finite map, so a run of rest days ends at the latest two days beyond the
//! outermost exception in the direction of travel (and is as long as the admin made it, not
//! longer). `add_working_days` jumps rather than steps, so even huge counts stay cheap. The one
//! failure left is leaving chrono's date range (around year 262000), which panics with a message
//! naming the date the arithmetic started from.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Bound::{Excluded, Included};

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

mod ics;
mod official;
#[cfg(test)]
mod tests;

pub use ics::{IcsError, parse_ics};
pub use official::{official_china_days, official_china_years};

/// What an exception does to its date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DayKind {
    /// A rest day, even on a weekday.
    Holiday,
    /// A working day, even on a weekend.
    Workday,
}

impl DayKind {
    pub fn code(self) -> &'static str {
        match self {
            DayKind::Holiday => "holiday",
            DayKind::Workday => "workday",
        }
    }

    /// The inverse of [`DayKind::code`], ignoring case and surrounding blanks.
    pub fn parse(s: &str) -> Option<DayKind> {
        match s.trim().to_ascii_lowercase().as_str() {
            "holiday" => Some(DayKind::Holiday),
            "workday" => Some(DayKind::Workday),
            _ => None,
        }
    }
}

impl fmt::Display for DayKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// One exception to the Monday–Friday rule. `name` is the festival, e.g. "国庆节".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarDay {
    /// Serialized as "YYYY-MM-DD" (chrono's own serde support is not needed).
    #[serde(with = "iso_date")]
    pub date: NaiveDate,
    pub kind: DayKind,
    pub name: String,
}

impl CalendarDay {
    pub fn holiday(date: NaiveDate, name: impl Into<String>) -> CalendarDay {
        CalendarDay { date, kind: DayKind::Holiday, name: name.into() }
    }

    pub fn workday(date: NaiveDate, name: impl Into<String>) -> CalendarDay {
        CalendarDay { date, kind: DayKind::Workday, name: name.into() }
    }
}

/// Monday–Friday plus a set of exceptions, at most one per date.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calendar {
    days: BTreeMap<NaiveDate, CalendarDay>,
}

impl Calendar {
    /// Monday to Friday, no exceptions.
    pub fn weekends_only() -> Calendar {
        Calendar::default()
    }

    /// The official mainland China schedule shipped with the product. Years outside
    /// [`official_china_years`] follow the plain Monday–Friday rule.
    pub fn china() -> Calendar {
        Calendar::from_days(official_china_days())
    }

    pub fn from_days(days: impl IntoIterator<Item = CalendarDay>) -> Calendar {
        let mut calendar = Calendar::default();
        calendar.extend(days);
        calendar
    }

    /// Adds or replaces the exception on `day.date`: a later call for the same date wins.
    pub fn set(&mut self, day: CalendarDay) {
        self.days.insert(day.date, day);
    }

    pub fn extend(&mut self, days: impl IntoIterator<Item = CalendarDay>) {
        for day in days {
            self.set(day);
        }
    }

    /// Removes the exception on `date`, which then follows the Monday–Friday rule again.
    pub fn remove(&mut self, date: NaiveDate) -> Option<CalendarDay> {
        self.days.remove(&date)
    }

    /// The exception on `date`, if any.
    pub fn day(&self, date: NaiveDate) -> Option<&CalendarDay> {
        self.days.get(&date)
    }

    /// All exceptions, in date order.
    pub fn days(&self) -> impl Iterator<Item = &CalendarDay> {
        self.days.values()
    }

    pub fn len(&self) -> usize {
        self.days.len()
    }

    pub fn is_empty(&self) -> bool {
        self.days.is_empty()
    }

    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        match self.days.get(&date) {
            Some(day) => day.kind == DayKind::Workday,
            None => is_weekday(date),
        }
    }

    /// The first working day strictly after `date`.
    pub fn next_working_day(&self, date: NaiveDate) -> NaiveDate {
        let mut day = date;
        loop {
            // Bounded: see the module documentation.
            day = day.succ_opt().unwrap_or_else(|| out_of_range(date));
            if self.is_working_day(day) {
                return day;
            }
        }
    }

    /// The last working day strictly before `date`.
    pub fn prev_working_day(&self, date: NaiveDate) -> NaiveDate {
        let mut day = date;
        loop {
            // Bounded: see the module documentation.
            day = day.pred_opt().unwrap_or_else(|| out_of_range(date));
            if self.is_working_day(day) {
                return day;
            }
        }
    }

    /// The n-th working day strictly after `date` (n >= 1). n = 0 returns `date` itself.
    ///
    /// Jumps instead of stepping: a day holds at most one working day, so the answer is never
    /// before `from + left`; counting the working days up to there either lands exactly or says
    /// how many are still missing. Each round advances at least one day and never overshoots, so
    /// the loop ends after O(log n) rounds plus the length of the holiday runs on the way.
    pub fn add_working_days(&self, date: NaiveDate, n: u32) -> NaiveDate {
        let mut from = date;
        let mut left = i64::from(n);
        while left > 0 {
            let to =
                from.checked_add_days(Days::new(left.unsigned_abs())).unwrap_or_else(|| out_of_range(date));
            let found = self.working_days_between(from, to);
            if found == left {
                return to;
            }
            from = to;
            left -= found;
        }
        from
    }

    /// Number of working days d with from < d <= to (0 if to <= from). Costs O(log size + the
    /// exceptions in the range), whatever the distance.
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        if to <= from {
            return 0;
        }
        let mut count = weekdays_through(to) - weekdays_through(from);
        for day in self.days.range((Excluded(from), Included(to))).map(|(_, day)| day) {
            match (day.kind, is_weekday(day.date)) {
                (DayKind::Holiday, true) => count -= 1,
                (DayKind::Workday, false) => count += 1,
                _ => {}
            }
        }
        count
    }
}

impl FromIterator<CalendarDay> for Calendar {
    fn from_iter<I: IntoIterator<Item = CalendarDay>>(iter: I) -> Calendar {
        Calendar::from_days(iter)
    }
}

/// Monday to Friday, whatever the calendar says.
pub fn is_weekday(date: NaiveDate) -> bool {
    !matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// A running count of Monday–Friday dates: `weekdays_through(b) - weekdays_through(a)` is the
/// number of weekdays d with a < d <= b. Counted from Monday 0001-01-01, negative before it.
fn weekdays_through(date: NaiveDate) -> i64 {
    let days = i64::from(date.num_days_from_ce()) - 1;
    days.div_euclid(7) * 5 + (days.rem_euclid(7) + 1).min(5)
}

fn out_of_range(date: NaiveDate) -> ! {
    panic!("working-day arithmetic from {date} left the supported date range")
}

/// "YYYY-MM-DD" for serde, independent of chrono's optional serde feature.
mod iso_date {
    use chrono::NaiveDate;
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub fn serialize<S: Serializer>(date: &NaiveDate, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&date.format("%Y-%m-%d"))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<NaiveDate, D::Error> {
        let text = String::deserialize(deserializer)?;
        NaiveDate::parse_from_str(&text, "%Y-%m-%d")
            .map_err(|_| D::Error::custom(format!("invalid date {text:?}, expected YYYY-MM-DD")))
    }
}
