//! Office hours for the demo: times on working days of the calendar, mostly 09:00–18:00 with a
//! lunch break, now and then an evening entry before 20:00, never at night.

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime, Timelike};

use super::Rng;
use crate::domain::Calendar;

const OPEN: u32 = 9 * 60;
const CLOSE: u32 = 18 * 60;
const LUNCH: (u32, u32) = (12 * 60, 13 * 60 + 30);

fn minutes(m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(m / 60, m % 60, 0).unwrap_or_default()
}

fn of_day(t: NaiveDateTime) -> u32 {
    t.hour() * 60 + t.minute()
}

/// The day itself if it is a working day, else the working day after it.
pub fn forward(cal: &Calendar, day: NaiveDate) -> NaiveDate {
    if cal.is_working_day(day) { day } else { cal.next_working_day(day) }
}

/// The day itself if it is a working day, else the working day before it.
pub fn back(cal: &Calendar, day: NaiveDate) -> NaiveDate {
    if cal.is_working_day(day) { day } else { cal.prev_working_day(day) }
}

/// The `n`-th working day after `day` (the day itself, moved to a working day, for 0).
pub fn plus(cal: &Calendar, day: NaiveDate, n: u32) -> NaiveDate {
    if n == 0 { forward(cal, day) } else { cal.add_working_days(day, n) }
}

/// A time of work on `day`: office hours outside lunch, or (`evening_percent` of the time) an
/// evening entry between 18:00 and 19:50.
pub fn on(rng: &mut Rng, day: NaiveDate, evening_percent: u64) -> NaiveDateTime {
    if rng.chance(evening_percent) {
        return day.and_time(minutes(CLOSE + rng.below(110) as u32));
    }
    let span = (CLOSE - OPEN) - (LUNCH.1 - LUNCH.0) - 10;
    let mut m = OPEN + rng.below(span as usize) as u32;
    if m >= LUNCH.0 {
        m += LUNCH.1 - LUNCH.0;
    }
    day.and_time(minutes(m))
}

/// `mins` minutes of office time after `t`: what does not fit in the day moves to the next
/// working day's morning.
pub fn later(cal: &Calendar, t: NaiveDateTime, mins: u32) -> NaiveDateTime {
    let mut day = t.date();
    let mut at = of_day(t).max(OPEN);
    if at >= CLOSE || !cal.is_working_day(day) {
        day = cal.next_working_day(day);
        at = OPEN;
    }
    let mut left = mins;
    loop {
        if at >= LUNCH.0 && at < LUNCH.1 {
            at = LUNCH.1;
        }
        let stop = if at < LUNCH.0 { LUNCH.0 } else { CLOSE };
        if at + left < stop {
            return day.and_time(minutes(at + left));
        }
        left -= stop - at;
        if stop == CLOSE {
            day = cal.next_working_day(day);
            at = OPEN;
        } else {
            at = LUNCH.1;
        }
    }
}

/// The last moment of work at or before `now`: now itself in office hours (or the evening) of a
/// working day, else the close of the last working day.
pub fn latest(cal: &Calendar, now: NaiveDateTime) -> NaiveDateTime {
    let m = of_day(now);
    if cal.is_working_day(now.date()) && m >= OPEN {
        return now.min(now.date().and_time(minutes(CLOSE + 110)));
    }
    cal.prev_working_day(now.date()).and_time(minutes(CLOSE - 1))
}

/// A few minutes after `t` on the same evening, if that is still before 20:00.
pub fn soon_after(t: NaiveDateTime, mins: i64) -> Option<NaiveDateTime> {
    let u = t + Duration::minutes(mins);
    (u.date() == t.date() && u.hour() < 20 && of_day(t) >= OPEN).then_some(u)
}
