//! Unit tests of the working-day calendar, the official schedule and the iCalendar parser.

use std::collections::{BTreeMap, BTreeSet};

use super::official::{CN_ASSET, parse_asset};
use super::*;

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

fn holiday(date: &str, name: &str) -> CalendarDay {
    CalendarDay::holiday(day(date), name)
}

fn workday(date: &str, name: &str) -> CalendarDay {
    CalendarDay::workday(day(date), name)
}

#[test]
fn asset_is_well_formed() {
    let years = parse_asset(CN_ASSET).expect("asset parses");
    let numbers: Vec<i32> = years.iter().map(|y| y.year).collect();
    let range = official_china_years();
    assert_eq!(numbers, range.clone().collect::<Vec<_>>(), "years are contiguous and in order");
    assert!(*range.start() <= 2020 && *range.end() >= 2026, "{range:?}");

    let mut seen: BTreeMap<NaiveDate, DayKind> = BTreeMap::new();
    for year in &years {
        let y = year.year;
        for festival in ["元旦", "春节"] {
            assert!(year.holidays.iter().any(|r| r.name == festival), "{y} has {festival}");
        }
        for range in &year.holidays {
            let len = range.to.signed_duration_since(range.from).num_days() + 1;
            assert!((1..=10).contains(&len), "{y} {}: {len} days", range.name);
        }
        for d in &year.workdays {
            assert!(!is_weekday(d.date), "{y} {}: make-up day {} is a weekday", d.name, d.date);
        }
        let earliest = NaiveDate::from_ymd_opt(y - 1, 12, 1).unwrap();
        let latest = NaiveDate::from_ymd_opt(y, 12, 31).unwrap();
        for d in year.days() {
            assert!(!d.name.is_empty(), "{y}: unnamed day {}", d.date);
            assert!((earliest..=latest).contains(&d.date), "{y}: {} is outside the year", d.date);
            if let Some(kind) = seen.insert(d.date, d.kind) {
                panic!("{} listed twice ({kind} and {})", d.date, d.kind);
            }
        }
    }
    assert_eq!(official_china_days().len(), seen.len());
    assert!(official_china_days().windows(2).all(|w| w[0].date < w[1].date), "in date order");
}

/// Weekday rest days minus worked weekend days of each notice equals the statutory holidays of
/// that year (a holiday on a weekend is made up on a weekday, swaps cancel out): 11 until
/// 2024, 13 from 2025 (除夕 and 5月2日 added), plus one-off changes.
#[test]
fn asset_nets_to_the_statutory_holidays() {
    let expected = |year: i32| match year {
        2015 => 12, // + 抗战胜利70周年纪念日 (09-03)
        2020 => 13, // 春节 extended to 02-02: 01-31 off and 02-01 no longer worked
        y if y >= 2025 => 13,
        _ => 11,
    };
    for year in parse_asset(CN_ASSET).unwrap() {
        let net: i64 = year
            .days()
            .map(|d| match (d.kind, is_weekday(d.date)) {
                (DayKind::Holiday, true) => 1,
                (DayKind::Workday, false) => -1,
                _ => 0,
            })
            .sum();
        assert_eq!(net, expected(year.year), "{}", year.year);
    }
}

#[test]
fn china_calendar_spot_checks() {
    let cal = Calendar::china();
    let cases = [
        // (date, working?, name of the exception)
        ("2025-01-01", false, Some("元旦")),
        ("2025-01-26", true, Some("春节")),  // Sunday, make-up
        ("2025-01-28", false, Some("春节")), // 除夕
        ("2025-02-04", false, Some("春节")),
        ("2025-02-05", true, None),
        ("2025-02-08", true, Some("春节")), // Saturday, make-up
        ("2025-04-27", true, Some("劳动节")),
        ("2025-05-05", false, Some("劳动节")),
        ("2025-06-02", false, Some("端午节")),
        ("2025-09-28", true, Some("国庆节、中秋节")),
        ("2025-10-08", false, Some("国庆节、中秋节")),
        ("2025-10-11", true, Some("国庆节、中秋节")),
        ("2025-10-12", false, None),        // an ordinary Sunday
        ("2018-12-29", true, Some("元旦")), // 2019 元旦 make-up day
        ("2018-12-31", false, Some("元旦")),
        ("2019-05-02", false, Some("劳动节")), // the 2019 amendment
        ("2020-01-31", false, Some("春节")),   // the 2020 extension
        ("2020-02-01", false, Some("春节")),   // was a make-up day before the extension
        ("2020-02-03", true, None),
        ("2026-01-04", true, Some("元旦")),
        ("2026-02-23", false, Some("春节")),
        ("2026-02-28", true, Some("春节")),
        ("2026-09-20", true, Some("国庆节")),
    ];
    for (date, working, name) in cases {
        assert_eq!(cal.is_working_day(day(date)), working, "{date}");
        assert_eq!(cal.day(day(date)).map(|d| d.name.as_str()), name, "{date}");
    }
}

#[test]
fn weekday_count_matches_stepping() {
    for start in ["2024-12-25", "0001-01-01", "-0003-12-28"] {
        let from = day(start);
        let mut stepped = 0;
        for to in from.iter_days().skip(1).take(40) {
            stepped += i64::from(is_weekday(to));
            assert_eq!(weekdays_through(to) - weekdays_through(from), stepped, "{from}..{to}");
        }
    }
}

#[test]
fn working_day_arithmetic() {
    let plain = Calendar::weekends_only();
    let china = Calendar::china();
    let next = [
        // (calendar, date, next working day, previous working day)
        (&plain, "2025-09-26", "2025-09-29", "2025-09-25"), // Fri -> Mon
        (&plain, "2025-09-27", "2025-09-29", "2025-09-26"), // Sat
        (&china, "2025-09-26", "2025-09-28", "2025-09-25"), // Fri -> make-up Sunday
        (&china, "2025-09-30", "2025-10-09", "2025-09-29"), // over 国庆节
        (&china, "2025-10-09", "2025-10-10", "2025-09-30"), // back over the holiday
        (&china, "2025-10-10", "2025-10-11", "2025-10-09"), // make-up Saturday
        (&china, "2025-01-27", "2025-02-05", "2025-01-26"), // 春节, make-up Sunday before
    ];
    for (cal, date, want_next, want_prev) in next {
        assert_eq!(cal.next_working_day(day(date)), day(want_next), "next after {date}");
        assert_eq!(cal.prev_working_day(day(date)), day(want_prev), "prev before {date}");
    }

    let add = [
        // (calendar, date, n, result)
        (&plain, "2025-09-26", 1, "2025-09-29"), // Fri + 1 = Mon
        (&plain, "2025-09-27", 1, "2025-09-29"), // Sat + 1 = Mon
        (&plain, "2025-09-26", 0, "2025-09-26"),
        (&plain, "2025-09-27", 0, "2025-09-27"), // 0 keeps even a weekend day
        (&plain, "2025-09-22", 10, "2025-10-06"),
        (&plain, "2024-01-01", 1_000_000, "5857-01-26"), // 200,000 weeks later, without stepping
        (&china, "2025-09-30", 1, "2025-10-09"),
        (&china, "2025-09-26", 1, "2025-09-28"),
        (&china, "2025-09-26", 2, "2025-09-29"),
        (&china, "2025-09-26", 3, "2025-09-30"),
        (&china, "2025-09-26", 4, "2025-10-09"),
        (&china, "2025-09-26", 6, "2025-10-11"),
        (&china, "2025-10-01", 1, "2025-10-09"), // from inside the holiday
    ];
    for (cal, date, n, want) in add {
        assert_eq!(cal.add_working_days(day(date), n), day(want), "{date} + {n}");
    }

    let between = [
        // (calendar, from, to, count)
        (&plain, "2025-09-26", "2025-09-26", 0), // equal
        (&plain, "2025-09-29", "2025-09-26", 0), // reversed
        (&plain, "2025-09-26", "2025-09-29", 1), // Fri -> Mon: only Monday
        (&plain, "2025-09-25", "2025-09-26", 1),
        (&plain, "2025-09-27", "2025-09-28", 0),   // weekend only
        (&plain, "2025-01-01", "2025-12-31", 260), // 261 weekdays in 2025, 01-01 excluded
        (&china, "2025-09-30", "2025-10-09", 1),
        (&china, "2025-09-26", "2025-10-12", 6), // 28, 29, 30, 9, 10, 11
        (&china, "2024-12-31", "2025-12-31", 248), // 261 weekdays - 13 statutory holidays
    ];
    for (cal, from, to, want) in between {
        assert_eq!(cal.working_days_between(day(from), day(to)), want, "{from}..{to}");
    }
}

/// The jumping `add_working_days` agrees with stepping one working day at a time, and with
/// `working_days_between`, over two years of the China calendar.
#[test]
fn add_working_days_agrees_with_stepping() {
    let cal = Calendar::china();
    for start in day("2025-01-01").iter_days().take(730).step_by(3) {
        let mut stepped = start;
        for n in 1..=25 {
            stepped = cal.next_working_day(stepped);
            let jumped = cal.add_working_days(start, n);
            assert_eq!(jumped, stepped, "{start} + {n}");
            assert_eq!(cal.working_days_between(start, jumped), i64::from(n), "{start} + {n}");
        }
    }
}

#[test]
fn long_rest_runs_are_crossed() {
    // An admin closes the office for 60 days: the loops still end, right after the run.
    let cal: Calendar =
        day("2030-03-01").iter_days().take(60).map(|d| CalendarDay::holiday(d, "closure")).collect();
    assert_eq!(cal.next_working_day(day("2030-02-28")), day("2030-04-30"));
    assert_eq!(cal.prev_working_day(day("2030-04-30")), day("2030-02-28"));
    assert_eq!(cal.add_working_days(day("2030-02-28"), 2), day("2030-05-01"));
}

#[test]
fn admin_edits() {
    // Start from plain weekends; an admin adds a company holiday and a make-up Saturday.
    let mut cal = Calendar::from_days([
        holiday("2025-11-14", "公司年会"), // Friday
        workday("2025-11-22", "公司年会"), // Saturday
    ]);
    assert_eq!(cal.len(), 2);
    assert!(!cal.is_working_day(day("2025-11-14")));
    assert!(cal.is_working_day(day("2025-11-22")));
    assert_eq!(cal.add_working_days(day("2025-11-13"), 1), day("2025-11-17"));
    assert_eq!(cal.add_working_days(day("2025-11-21"), 1), day("2025-11-22"));
    assert_eq!(cal.working_days_between(day("2025-11-09"), day("2025-11-23")), 10);

    // Setting the same date again replaces the entry, kind and name.
    cal.set(workday("2025-11-14", "改回上班"));
    assert!(cal.is_working_day(day("2025-11-14")));
    assert_eq!(cal.day(day("2025-11-14")).unwrap().name, "改回上班");
    cal.extend([holiday("2025-11-22", "again"), holiday("2025-11-22", "last wins")]);
    assert_eq!(cal.day(day("2025-11-22")), Some(&holiday("2025-11-22", "last wins")));
    assert_eq!(cal.len(), 2);

    cal.extend([holiday("2025-11-01", "earlier")]);
    let dates: Vec<String> = cal.days().map(|d| d.date.to_string()).collect();
    assert_eq!(dates, ["2025-11-01", "2025-11-14", "2025-11-22"]);

    assert_eq!(cal.remove(day("2025-11-14")).map(|d| d.kind), Some(DayKind::Workday));
    assert!(cal.day(day("2025-11-14")).is_none());
    assert!(cal.is_working_day(day("2025-11-14"))); // a Friday again
    assert!(Calendar::weekends_only().is_empty());
}

#[test]
fn day_kinds_and_serde() {
    for kind in [DayKind::Holiday, DayKind::Workday] {
        assert_eq!(DayKind::parse(kind.code()), Some(kind));
        assert_eq!(kind.to_string(), kind.code());
    }
    assert_eq!(DayKind::parse(" Holiday "), Some(DayKind::Holiday));
    assert_eq!(DayKind::parse("weekend"), None);

    let original = holiday("2025-10-01", "国庆节");
    let text = toml::to_string(&original).unwrap();
    assert!(text.contains("date = \"2025-10-01\"") && text.contains("kind = \"holiday\""), "{text}");
    assert_eq!(toml::from_str::<CalendarDay>(&text).unwrap(), original);
    assert!(
        toml::from_str::<CalendarDay>("date = \"2025-13-01\"\nkind = \"holiday\"\nname = \"x\"").is_err()
    );
}

const FEED: &str = "BEGIN:VCALENDAR\r\n\
    VERSION:2.0\r\n\
    X-WR-CALNAME:中国节假日\r\n\
    BEGIN:VTIMEZONE\r\n\
    TZID:Asia/Shanghai\r\n\
    BEGIN:STANDARD\r\n\
    DTSTART:19700101T000000\r\n\
    END:STANDARD\r\n\
    END:VTIMEZONE\r\n\
    BEGIN:VEVENT\r\n\
    UID:1\r\n\
    DTSTART;VALUE=DATE:20251001\r\n\
    DTEND;VALUE=DATE:20251009\r\n\
    SUMMARY:国庆节、中秋节 假期\r\n\
    BEGIN:VALARM\r\n\
    TRIGGER:-PT60M\r\n\
    SUMMARY:上班提醒\r\n\
    END:VALARM\r\n\
    END:VEVENT\r\n\
    BEGIN:VEVENT\r\n\
    DTSTART;TZID=Asia/Shanghai:20250928T090000\r\n\
    DTEND;TZID=Asia/Shanghai:20250928T180000\r\n\
    SUMMARY:国庆节 补班 第1天/共2天\r\n\
    END:VEVENT\r\n\
    BEGIN:VEVENT\r\n\
    DTSTART;VALUE=DATE:20251011\r\n\
    SUMMARY:中秋节\r\n  调休上班\r\n\
    X-APPLE-SPECIAL-DAY:ALTERNATE-WORKDAY\r\n\
    END:VEVENT\r\n\
    BEGIN:VEVENT\r\n\
    DTSTART:20260101T000000Z\r\n\
    DTEND:20260102T000000Z\r\n\
    SUMMARY:元旦（休）\r\n\
    END:VEVENT\r\n\
    BEGIN:VEVENT\r\n\
    DTSTART;VALUE=DATE:20260215\r\n\
    DTEND;VALUE=DATE:20260217\r\n\
    SUMMARY:Holiday\r\n\
    END:VEVENT\r\n\
    BEGIN:VEVENT\r\n\
    DTSTART;VALUE=DATE:20260214\r\n\
    SUMMARY:Working Day\r\n\
    END:VEVENT\r\n\
    END:VCALENDAR\r\n";

#[test]
fn parse_ics_feed() {
    let days = parse_ics(FEED).unwrap();
    let mut want: Vec<CalendarDay> =
        day("2025-10-01").iter_days().take(8).map(|d| CalendarDay::holiday(d, "国庆节、中秋节")).collect();
    want.extend([
        workday("2025-09-28", "国庆节"),
        workday("2025-10-11", "中秋节"), // folded line, and the kind words are trimmed
        holiday("2026-01-01", "元旦"),   // date-time at midnight: DTEND is exclusive
        holiday("2026-02-15", "Holiday"),
        holiday("2026-02-16", "Holiday"),
        workday("2026-02-14", "Working Day"),
    ]);
    assert_eq!(days, want);

    // The feed drives a calendar like the asset does.
    let cal = Calendar::from_days(days);
    assert_eq!(cal.add_working_days(day("2025-09-30"), 1), day("2025-10-09"));
    assert_eq!(cal.add_working_days(day("2025-09-26"), 1), day("2025-09-28"));
    assert_eq!(parse_ics("").unwrap(), Vec::new());
}

#[test]
fn parse_ics_names() {
    let cases = [
        ("国庆节 假期", "国庆节", DayKind::Holiday),
        ("国庆节 补班", "国庆节", DayKind::Workday),
        ("中秋节 调休上班", "中秋节", DayKind::Workday),
        ("国庆节（调休上班）", "国庆节", DayKind::Workday),
        ("春节 假期 第1天/共9天", "春节", DayKind::Holiday),
        ("元旦假期", "元旦", DayKind::Holiday),
        ("劳动节放假", "劳动节", DayKind::Holiday),
        ("国庆节（班）", "国庆节", DayKind::Workday),
        ("休", "休", DayKind::Holiday),
        ("WORKDAY", "WORKDAY", DayKind::Workday),
        ("National Day", "National Day", DayKind::Holiday),
        ("a\\, b", "a, b", DayKind::Holiday),
    ];
    for (summary, name, kind) in cases {
        let feed = format!("BEGIN:VEVENT\nDTSTART;VALUE=DATE:20251001\nSUMMARY:{summary}\nEND:VEVENT\n");
        let days = parse_ics(&feed).unwrap();
        assert_eq!(days, [CalendarDay { date: day("2025-10-01"), kind, name: name.into() }], "{summary}");
    }
}

#[test]
fn parse_ics_errors() {
    let cases = [
        ("BEGIN:VEVENT\nSUMMARY:国庆节\nEND:VEVENT\n", 1, "without DTSTART"),
        ("BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:2025-10-01\nEND:VEVENT\n", 3, "unparsable date"),
        ("BEGIN:VEVENT\nDTSTART:20251301\nEND:VEVENT\n", 2, "unparsable date"),
        ("BEGIN:VEVENT\nDTSTART:20251001\nDTEND:20251002T9\nEND:VEVENT\n", 3, "unparsable date"),
        ("BEGIN:VCALENDAR\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", 2, "without BEGIN"),
        ("BEGIN:VEVENT\nDTSTART:20251001\n", 1, "without END"),
        ("BEGIN:VEVENT\nBEGIN:VEVENT\n", 2, "inside another"),
        ("BEGIN:VEVENT\nDTSTART:20251001\nDTEND:20250901\nEND:VEVENT\n", 3, "before DTSTART"),
        ("BEGIN:VEVENT\nDTSTART:20251001\nDTEND:20301001\nEND:VEVENT\n", 1, "spans"),
        // Folded lines count from where the logical line starts.
        ("BEGIN:VEVENT\nSUMMARY:a\n b\nDTSTART:x\nEND:VEVENT\n", 4, "unparsable date"),
    ];
    for (text, line, needle) in cases {
        let err = parse_ics(text).unwrap_err();
        assert_eq!(err.line, line, "{text:?}: {err}");
        assert!(err.message.contains(needle), "{text:?}: {err}");
        assert!(err.to_string().starts_with(&format!("line {line}: ")));
    }
}

#[test]
fn official_days_cover_every_listed_year() {
    let years: BTreeSet<i32> = official_china_days().iter().map(|d| d.date.year()).collect();
    for year in official_china_years() {
        assert!(years.contains(&year), "{year}");
    }
}
