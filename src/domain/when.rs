//! Dates as people type them into a form: `2023-10-30`, `10-30 17:00`, `+3d` (calendar days),
//! `+2wd` (working days, by the calendar), `today`/`今天`, `tomorrow`/`明天`. A date without a
//! year is the nearest one in the direction the field looks (deadlines ahead, meetings behind).

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime};

use super::Calendar;
use crate::i18n::{Bilingual, Lang};

/// Which way a date without a year is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ahead {
    /// A deadline: `01-05` typed in December is next January.
    Future,
    /// Something that happened: `12-20` typed in January is last December.
    Past,
}

/// A typed date, and the time of day when one was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct When {
    pub date: NaiveDate,
    pub time: Option<NaiveTime>,
}

impl When {
    /// The moment, with `default` as the time of day when none was typed.
    pub fn at(self, default: NaiveTime) -> NaiveDateTime {
        self.date.and_time(self.time.unwrap_or(default))
    }

    /// `2023-10-30 周一` / `2023-10-30 Mon 17:00`, and whether it is a working day.
    pub fn describe(self, cal: &Calendar, lang: Lang) -> String {
        let mut text = format!("{} {}", self.date.format("%Y-%m-%d"), weekday(self.date, lang));
        if let Some(time) = self.time {
            text.push_str(&time.format(" %H:%M").to_string());
        }
        if !cal.is_working_day(self.date) {
            let name = cal.day(self.date).map(|d| d.name.clone()).filter(|n| !n.is_empty());
            let rest = match (lang, name) {
                (Lang::En, Some(name)) => format!(" — {name}, not a working day"),
                (Lang::En, None) => " — not a working day".to_string(),
                (Lang::Zh, Some(name)) => format!(" — {name}，非工作日"),
                (Lang::Zh, None) => " — 非工作日".to_string(),
            };
            text.push_str(&rest);
        } else if cal.day(self.date).is_some() {
            text.push_str(lang.pick(" — make-up working day", " — 调休上班"));
        }
        text
    }
}

pub fn weekday(date: NaiveDate, lang: Lang) -> &'static str {
    let i = date.weekday().num_days_from_monday() as usize;
    match lang {
        Lang::En => ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][i],
        Lang::Zh => ["周一", "周二", "周三", "周四", "周五", "周六", "周日"][i],
    }
}

fn invalid(text: &str) -> Bilingual {
    Bilingual::new(
        format!("cannot read `{text}` as a date: write 2026-10-30, 10-30 17:00, +3d or +2wd (working days)"),
        format!("无法识别日期「{text}」：请写成 2026-10-30、10-30 17:00、+3d 或 +2wd（工作日）"),
    )
}

/// Reads what was typed. `now` anchors relative dates; the calendar counts working days.
pub fn parse(text: &str, now: NaiveDateTime, cal: &Calendar, ahead: Ahead) -> Result<When, Bilingual> {
    let trimmed = text.trim();
    let lower = trimmed.to_lowercase().replace(['/', '.'], "-");
    let today = now.date();
    let named = match lower.as_str() {
        "today" | "今天" | "今日" => Some(today),
        "tomorrow" | "明天" | "明日" => today.succ_opt(),
        "yesterday" | "昨天" | "昨日" => today.pred_opt(),
        _ => None,
    };
    if let Some(date) = named {
        return Ok(When { date, time: None });
    }
    if let Some(rest) = lower.strip_prefix('+') {
        return relative(rest, today, cal).ok_or_else(|| invalid(trimmed));
    }
    let (date_part, time_part) = match lower.split_once([' ', 'T', 't']) {
        Some((d, t)) => (d.trim(), Some(t.trim())),
        None => (lower.as_str(), None),
    };
    let time = match time_part.filter(|t| !t.is_empty()) {
        Some(t) => Some(NaiveTime::parse_from_str(t, "%H:%M").map_err(|_| invalid(trimmed))?),
        None => None,
    };
    let date = absolute(date_part, today, ahead).ok_or_else(|| invalid(trimmed))?;
    Ok(When { date, time })
}

fn relative(rest: &str, today: NaiveDate, cal: &Calendar) -> Option<When> {
    let (digits, unit) = rest.split_at(rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len()));
    let n: u32 = digits.parse().ok().filter(|n| *n <= 3660)?;
    let date = match unit.trim() {
        "" | "d" | "天" => today.checked_add_days(chrono::Days::new(u64::from(n)))?,
        "wd" | "w" | "工作日" | "个工作日" => cal.add_working_days(today, n),
        _ => return None,
    };
    Some(When { date, time: None })
}

fn absolute(text: &str, today: NaiveDate, ahead: Ahead) -> Option<NaiveDate> {
    let parts: Vec<&str> = text.split('-').collect();
    let number = |s: &str| s.parse::<u32>().ok();
    match parts.as_slice() {
        [y, m, d] => NaiveDate::from_ymd_opt(y.parse().ok()?, number(m)?, number(d)?),
        [m, d] => {
            let (m, d) = (number(m)?, number(d)?);
            let this_year = NaiveDate::from_ymd_opt(today.year(), m, d);
            let other_year = match ahead {
                Ahead::Future => today.year() + 1,
                Ahead::Past => today.year() - 1,
            };
            match (this_year, ahead) {
                (Some(date), Ahead::Future) if date >= today => Some(date),
                (Some(date), Ahead::Past) if date <= today => Some(date),
                _ => NaiveDate::from_ymd_opt(other_year, m, d).or(this_year),
            }
        }
        [compact] if compact.len() == 8 => NaiveDate::parse_from_str(compact, "%Y%m%d").ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::calendar::CalendarDay;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    #[test]
    fn typed_dates() {
        // Wednesday 2026-09-30, the day before the National Day holiday.
        let now = day(2026, 9, 30).and_hms_opt(10, 0, 0).expect("time");
        let cal = Calendar::china();
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0);
        type Read = Option<(NaiveDate, Option<NaiveTime>)>;
        let cases: [(&str, Ahead, Read); 17] = [
            ("2023-10-30", Ahead::Future, Some((day(2023, 10, 30), None))),
            ("2026/10/30", Ahead::Future, Some((day(2026, 10, 30), None))),
            ("20261030", Ahead::Future, Some((day(2026, 10, 30), None))),
            ("10-30 17:00", Ahead::Future, Some((day(2026, 10, 30), t(17, 0)))),
            ("2026-10-30T09:30", Ahead::Future, Some((day(2026, 10, 30), t(9, 30)))),
            // No year: the next one ahead for deadlines, the last one behind for meetings.
            ("01-05", Ahead::Future, Some((day(2027, 1, 5), None))),
            ("12-20", Ahead::Past, Some((day(2025, 12, 20), None))),
            ("09-30", Ahead::Future, Some((day(2026, 9, 30), None))),
            ("+3d", Ahead::Future, Some((day(2026, 10, 3), None))),
            // Working days skip the National Day holiday (10-01..10-07) to Thursday 10-08.
            ("+1wd", Ahead::Future, Some((day(2026, 10, 8), None))),
            (" +2WD ", Ahead::Future, Some((day(2026, 10, 9), None))),
            ("今天", Ahead::Past, Some((day(2026, 9, 30), None))),
            ("tomorrow", Ahead::Future, Some((day(2026, 10, 1), None))),
            ("02-30", Ahead::Future, None),
            ("10-30 25:00", Ahead::Future, None),
            ("+3x", Ahead::Future, None),
            ("next week", Ahead::Future, None),
        ];
        for (text, ahead, want) in cases {
            let got = parse(text, now, &cal, ahead).ok().map(|w| (w.date, w.time));
            assert_eq!(got, want, "{text}");
        }
        let error = parse("soon", now, &cal, Ahead::Future).expect_err("unreadable");
        assert!(error.en.contains("+2wd") && error.zh.contains("工作日"), "{error:?}");
    }

    #[test]
    fn the_weekday_and_the_calendar_are_shown() {
        let cal = Calendar::from_days([
            CalendarDay::holiday(day(2026, 10, 1), "国庆节"),
            CalendarDay::workday(day(2026, 10, 10), "国庆节调休"),
        ]);
        let when = |d| When { date: d, time: None };
        assert_eq!(when(day(2026, 10, 30)).describe(&cal, Lang::En), "2026-10-30 Fri");
        assert_eq!(when(day(2026, 10, 30)).describe(&cal, Lang::Zh), "2026-10-30 周五");
        assert_eq!(when(day(2026, 10, 1)).describe(&cal, Lang::Zh), "2026-10-01 周四 — 国庆节，非工作日");
        assert_eq!(when(day(2026, 10, 4)).describe(&cal, Lang::En), "2026-10-04 Sun — not a working day");
        assert_eq!(when(day(2026, 10, 10)).describe(&cal, Lang::En), "2026-10-10 Sat — make-up working day");
        let with_time = When { date: day(2026, 10, 30), time: NaiveTime::from_hms_opt(17, 0, 0) };
        assert_eq!(with_time.describe(&cal, Lang::En), "2026-10-30 Fri 17:00");
    }
}
