//! Dates as people type them into a form or on the command line: `2023-10-30`, `10-30 17:00`,
//! `+3d` (calendar days), `+2wd` (working days, by the calendar), `today`/`今天`,
//! `tomorrow 9:30`/`明天 9:30`, a bare time `10:00` (today). A date without a year is the nearest
//! one in the direction the field looks (deadlines ahead, meetings behind).

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

/// Every form [`parse`] reads, one example each, in English and in Chinese. A refusal lists them
/// all; a test reads each one back, so the list cannot promise what is refused. (Spellings of the
/// same form are read too: `2026/10/30`, `20261030`, `2026-10-30T09:30`, `9：30`, `今天10:00`.)
pub const FORMS: [(&str, &str); 11] = [
    ("2026-10-30", "2026-10-30"),
    ("10-30", "10-30"),
    ("10-30 17:00", "10-30 17:00"),
    ("today", "今天"),
    ("tomorrow", "明天"),
    ("yesterday", "昨天"),
    ("today 10:00", "今天 10:00"),
    ("10:00", "10:00"),
    ("+3d", "+3d"),
    ("+2wd (working days)", "+2wd（工作日）"),
    ("+2wd 10:00", "+2wd 10:00"),
];

/// The accepted forms as one list: `2026-10-30, 10-30, …` / `2026-10-30、10-30、…`.
pub fn forms(lang: Lang) -> String {
    let examples: Vec<&str> = FORMS.iter().map(|&(en, zh)| lang.pick(en, zh)).collect();
    examples.join(lang.pick(", ", "、"))
}

fn invalid(text: &str) -> Bilingual {
    Bilingual::new(
        format!("`{text}` is not a date; write one of: {}", forms(Lang::En)),
        format!("「{text}」不是有效日期；可写成：{}", forms(Lang::Zh)),
    )
}

/// Today, tomorrow and yesterday by name, in both languages.
const NAMED_DAYS: [(&str, i64); 9] = [
    ("today", 0),
    ("tomorrow", 1),
    ("yesterday", -1),
    ("今天", 0),
    ("明天", 1),
    ("昨天", -1),
    ("今日", 0),
    ("明日", 1),
    ("昨日", -1),
];

/// Reads what was typed. `now` anchors relative dates and a bare time; the calendar counts
/// working days.
pub fn parse(text: &str, now: NaiveDateTime, cal: &Calendar, ahead: Ahead) -> Result<When, Bilingual> {
    let trimmed = text.trim();
    let normal: String = trimmed
        .to_lowercase()
        .chars()
        .map(|c| match c {
            '：' => ':',
            '＋' => '+',
            '/' | '.' => '-',
            c if c.is_whitespace() => ' ',
            c => c,
        })
        .collect();
    let today = now.date();
    if let Some(time) = clock(&normal) {
        return Ok(When { date: today, time: Some(time) });
    }
    let with_time = split_time(&normal).and_then(|(date, time)| {
        Some(When { date: day(date, today, cal, ahead)?, time: Some(clock(time)?) })
    });
    with_time
        .or_else(|| day(&normal, today, cal, ahead).map(|date| When { date, time: None }))
        .ok_or_else(|| invalid(trimmed))
}

/// `10-30 17:00`, `today 10:00`, `今天10:00`, `2026-10-30t09:30` → the day and the time.
fn split_time(text: &str) -> Option<(&str, &str)> {
    if let Some((date, time)) = text.split_once(' ') {
        return Some((date.trim(), time.trim()));
    }
    let named = NAMED_DAYS.iter().find_map(|(name, _)| {
        let rest = text.strip_prefix(name)?;
        (!name.is_ascii() && !rest.is_empty()).then(|| text.split_at(name.len()))
    });
    named.or_else(|| {
        let at = text.find('t')?;
        let (date, time) = (&text[..at], &text[at + 1..]);
        let digits_around =
            date.ends_with(|c: char| c.is_ascii_digit()) && time.starts_with(|c: char| c.is_ascii_digit());
        digits_around.then_some((date, time))
    })
}

/// `17:00`, `9:30`, `09:30:15`.
fn clock(text: &str) -> Option<NaiveTime> {
    let text = text.trim();
    let (hour, rest) = text.split_once(':')?;
    let well_formed = (1..=2).contains(&hour.len())
        && hour.chars().all(|c| c.is_ascii_digit())
        && rest.split(':').all(|part| part.len() == 2 && part.chars().all(|c| c.is_ascii_digit()));
    if !well_formed {
        return None;
    }
    ["%H:%M", "%H:%M:%S"].iter().find_map(|f| NaiveTime::parse_from_str(text, f).ok())
}

/// The day part: a named day, `+3d`/`+2wd`, or a date with or without its year.
fn day(text: &str, today: NaiveDate, cal: &Calendar, ahead: Ahead) -> Option<NaiveDate> {
    let text = text.trim();
    if let Some(&(_, offset)) = NAMED_DAYS.iter().find(|(name, _)| *name == text) {
        return today.checked_add_signed(chrono::Duration::days(offset));
    }
    if let Some(rest) = text.strip_prefix('+') {
        return relative(rest, today, cal);
    }
    absolute(text, today, ahead)
}

fn relative(rest: &str, today: NaiveDate, cal: &Calendar) -> Option<NaiveDate> {
    let (digits, unit) = rest.split_at(rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len()));
    let n: u32 = digits.parse().ok().filter(|n| *n <= 3660)?;
    match unit.trim() {
        "" | "d" | "天" => today.checked_add_days(chrono::Days::new(u64::from(n))),
        "wd" | "w" | "工作日" | "个工作日" => Some(cal.add_working_days(today, n)),
        _ => None,
    }
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

    type Read = Option<(NaiveDate, Option<NaiveTime>)>;

    fn t(h: u32, m: u32) -> Option<NaiveTime> {
        NaiveTime::from_hms_opt(h, m, 0)
    }

    /// Wednesday 2026-09-30 10:00, the day before the National Day holiday.
    fn now() -> NaiveDateTime {
        day(2026, 9, 30).and_hms_opt(10, 0, 0).expect("time")
    }

    fn check(cases: &[(&str, Ahead, Read)]) {
        let cal = Calendar::china();
        for &(text, ahead, want) in cases {
            let got = parse(text, now(), &cal, ahead).ok().map(|w| (w.date, w.time));
            assert_eq!(got, want, "{text}");
        }
    }

    #[test]
    fn typed_dates() {
        check(&[
            ("2023-10-30", Ahead::Future, Some((day(2023, 10, 30), None))),
            ("2026/10/30", Ahead::Future, Some((day(2026, 10, 30), None))),
            ("20261030", Ahead::Future, Some((day(2026, 10, 30), None))),
            ("10-30 17:00", Ahead::Future, Some((day(2026, 10, 30), t(17, 0)))),
            ("2026-10-30T09:30", Ahead::Future, Some((day(2026, 10, 30), t(9, 30)))),
            (
                "2026-10-30 09:30:15",
                Ahead::Past,
                Some((day(2026, 10, 30), NaiveTime::from_hms_opt(9, 30, 15))),
            ),
            // No year: the next one ahead for deadlines, the last one behind for meetings.
            ("01-05", Ahead::Future, Some((day(2027, 1, 5), None))),
            ("12-20", Ahead::Past, Some((day(2025, 12, 20), None))),
            ("09-30", Ahead::Future, Some((day(2026, 9, 30), None))),
            ("+3d", Ahead::Future, Some((day(2026, 10, 3), None))),
            ("+3 天", Ahead::Future, Some((day(2026, 10, 3), None))),
            // Working days skip the National Day holiday (10-01..10-07) to Thursday 10-08.
            ("+1wd", Ahead::Future, Some((day(2026, 10, 8), None))),
            (" +2WD ", Ahead::Future, Some((day(2026, 10, 9), None))),
            ("+2工作日", Ahead::Future, Some((day(2026, 10, 9), None))),
            ("今天", Ahead::Past, Some((day(2026, 9, 30), None))),
            ("tomorrow", Ahead::Future, Some((day(2026, 10, 1), None))),
            ("02-30", Ahead::Future, None),
            ("10-30 25:00", Ahead::Future, None),
            ("+3x", Ahead::Future, None),
            ("next week", Ahead::Future, None),
        ]);
    }

    #[test]
    fn named_days_with_a_time() {
        check(&[
            ("today 10:00", Ahead::Past, Some((day(2026, 9, 30), t(10, 0)))),
            ("Today 10:00", Ahead::Future, Some((day(2026, 9, 30), t(10, 0)))),
            ("tomorrow 9:30", Ahead::Future, Some((day(2026, 10, 1), t(9, 30)))),
            ("yesterday 15:00", Ahead::Past, Some((day(2026, 9, 29), t(15, 0)))),
            ("yesterday", Ahead::Past, Some((day(2026, 9, 29), None))),
            ("今天 10:00", Ahead::Past, Some((day(2026, 9, 30), t(10, 0)))),
            ("明天 9:30", Ahead::Future, Some((day(2026, 10, 1), t(9, 30)))),
            ("昨天 15:00", Ahead::Past, Some((day(2026, 9, 29), t(15, 0)))),
            ("今日 08:05", Ahead::Past, Some((day(2026, 9, 30), t(8, 5)))),
            ("明日", Ahead::Future, Some((day(2026, 10, 1), None))),
            ("昨日 9：30", Ahead::Past, Some((day(2026, 9, 29), t(9, 30)))),
            // Typed without the space, and with a full-width one.
            ("今天10:00", Ahead::Past, Some((day(2026, 9, 30), t(10, 0)))),
            ("明天\u{3000}14:00", Ahead::Future, Some((day(2026, 10, 1), t(14, 0)))),
            ("today 25:00", Ahead::Past, None),
            ("tomorrow 9", Ahead::Future, None),
            ("today soon", Ahead::Past, None),
            ("todayy", Ahead::Past, None),
        ]);
    }

    #[test]
    fn a_bare_time_is_today() {
        check(&[
            ("10:00", Ahead::Past, Some((day(2026, 9, 30), t(10, 0)))),
            ("9:30", Ahead::Future, Some((day(2026, 9, 30), t(9, 30)))),
            ("09:30", Ahead::Past, Some((day(2026, 9, 30), t(9, 30)))),
            ("14：00", Ahead::Past, Some((day(2026, 9, 30), t(14, 0)))),
            ("23:59", Ahead::Future, Some((day(2026, 9, 30), t(23, 59)))),
            ("24:00", Ahead::Past, None),
            ("9:5", Ahead::Past, None),
            ("930", Ahead::Past, None),
        ]);
    }

    #[test]
    fn relative_days_with_a_time() {
        check(&[
            ("+3d 14:00", Ahead::Future, Some((day(2026, 10, 3), t(14, 0)))),
            ("+2wd 9:30", Ahead::Future, Some((day(2026, 10, 9), t(9, 30)))),
            ("+1wd 17：00", Ahead::Future, Some((day(2026, 10, 8), t(17, 0)))),
            ("+0d 8:00", Ahead::Future, Some((day(2026, 9, 30), t(8, 0)))),
            ("+2wd 9", Ahead::Future, None),
        ]);
    }

    #[test]
    fn a_refusal_lists_every_form_in_the_language_asked() {
        let cal = Calendar::china();
        let error = parse("soon", now(), &cal, Ahead::Future).expect_err("unreadable");
        assert_eq!(
            error.en,
            "`soon` is not a date; write one of: 2026-10-30, 10-30, 10-30 17:00, today, tomorrow, \
             yesterday, today 10:00, 10:00, +3d, +2wd (working days), +2wd 10:00"
        );
        assert_eq!(
            error.zh,
            "「soon」不是有效日期；可写成：2026-10-30、10-30、10-30 17:00、今天、明天、昨天、今天 10:00、\
             10:00、+3d、+2wd（工作日）、+2wd 10:00"
        );
        // Chinese punctuation only, but for the colons inside the times.
        let prose = error.zh.replace("10:00", "").replace("17:00", "");
        assert!(!prose.contains([',', ';', ':', '(', ')']), "{}", error.zh);
        // Every example the refusal gives is read, in both languages.
        for (en, zh) in FORMS {
            for example in [en, zh] {
                let example = example.split(['(', '（']).next().unwrap_or(example);
                for ahead in [Ahead::Future, Ahead::Past] {
                    assert!(parse(example, now(), &cal, ahead).is_ok(), "{example} is listed but refused");
                }
            }
        }
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
