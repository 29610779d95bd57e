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
use std::ops::RangeInclusive;
use std::sync::OnceLock;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

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

// ---------------------------------------------------------------------------------------------
// The official schedule

const CN_ASSET: &str = include_str!("../../assets/calendar/cn.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Asset {
    year: Vec<AssetYear>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AssetYear {
    year: i32,
    holidays: Vec<AssetRange>,
    #[serde(default)]
    workdays: Vec<AssetDay>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AssetRange {
    name: String,
    #[serde(with = "iso_date")]
    from: NaiveDate,
    #[serde(with = "iso_date")]
    to: NaiveDate,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AssetDay {
    name: String,
    #[serde(with = "iso_date")]
    date: NaiveDate,
}

impl AssetYear {
    /// Every day of the year's notice: each holiday range day by day, then the make-up days.
    fn days(&self) -> impl Iterator<Item = CalendarDay> + '_ {
        let holidays = self.holidays.iter().flat_map(|range| {
            range
                .from
                .iter_days()
                .take_while(|d| *d <= range.to)
                .map(|d| CalendarDay::holiday(d, &range.name))
        });
        holidays.chain(self.workdays.iter().map(|day| CalendarDay::workday(day.date, &day.name)))
    }
}

fn parse_asset(text: &str) -> Result<Vec<AssetYear>, String> {
    let asset: Asset = toml::from_str(text).map_err(|e| e.to_string())?;
    if asset.year.is_empty() {
        return Err("no [[year]] entries".into());
    }
    for year in &asset.year {
        if let Some(range) = year.holidays.iter().find(|r| r.from > r.to) {
            return Err(format!("{}: {} ends before it starts", year.year, range.name));
        }
    }
    Ok(asset.year)
}

struct Official {
    years: RangeInclusive<i32>,
    days: Vec<CalendarDay>,
}

fn official() -> &'static Official {
    static OFFICIAL: OnceLock<Official> = OnceLock::new();
    OFFICIAL.get_or_init(|| {
        let years =
            parse_asset(CN_ASSET).unwrap_or_else(|e| panic!("assets/calendar/cn.toml is malformed: {e}"));
        let first = years.iter().map(|y| y.year).min().unwrap_or_default();
        let last = years.iter().map(|y| y.year).max().unwrap_or_default();
        let mut days: Vec<CalendarDay> = years.iter().flat_map(AssetYear::days).collect();
        days.sort_by_key(|day| day.date);
        Official { years: first..=last, days }
    })
}

/// The official schedule shipped with the product, parsed from the asset (panics only if the
/// compiled-in asset is malformed, which a test guards). In date order.
pub fn official_china_days() -> Vec<CalendarDay> {
    official().days.clone()
}

/// The years the asset covers, e.g. 2015..=2026.
pub fn official_china_years() -> RangeInclusive<i32> {
    official().years.clone()
}

// ---------------------------------------------------------------------------------------------
// iCalendar feeds

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IcsError {
    /// 1-based line of the text where the problem is.
    pub line: usize,
    pub message: String,
}

impl fmt::Display for IcsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for IcsError {}

/// Longest event accepted, in days; guards against a typo in DTEND producing years of holidays.
const MAX_EVENT_DAYS: u64 = 366;

/// Parses an iCalendar (.ics) holiday feed into days.
///
/// Each VEVENT covers DTSTART up to DTEND, exclusive (one day without DTEND); date-time values
/// count by their date as written, without time-zone conversion, and a DTEND with a time other
/// than midnight includes its day. An event whose SUMMARY contains "班" or "work" (any case) is a
/// make-up working day, any other a holiday; the name is the SUMMARY without words such as
/// 假期/放假/补班/调休/上班/休 and counters like "第1天/共8天". Folded lines and CRLF are
/// handled; other properties and components (VTIMEZONE, VALARM, ...) are ignored.
pub fn parse_ics(text: &str) -> Result<Vec<CalendarDay>, IcsError> {
    let mut days = Vec::new();
    let mut event: Option<IcsEvent> = None;
    for (line, content) in unfold(text) {
        let Some((name, value)) = split_property(&content) else {
            continue;
        };
        let err = |message: String| IcsError { line, message };
        match (name.as_str(), event.as_mut()) {
            ("BEGIN", None) if value.eq_ignore_ascii_case("VEVENT") => {
                event = Some(IcsEvent { begin: line, ..IcsEvent::default() });
            }
            ("BEGIN", Some(_)) if value.eq_ignore_ascii_case("VEVENT") => {
                return Err(err("BEGIN:VEVENT inside another VEVENT".into()));
            }
            ("BEGIN", Some(open)) => open.depth += 1,
            ("END", _) if value.eq_ignore_ascii_case("VEVENT") => match event.take() {
                Some(open) => days.extend(open.finish()?),
                None => return Err(err("END:VEVENT without BEGIN:VEVENT".into())),
            },
            ("END", Some(open)) => open.depth = open.depth.saturating_sub(1),
            ("DTSTART", Some(open)) if open.depth == 0 => {
                open.start = Some(parse_ics_date(value).ok_or_else(|| err(bad_date("DTSTART", value)))?.0);
            }
            ("DTEND", Some(open)) if open.depth == 0 => {
                let (date, timed) = parse_ics_date(value).ok_or_else(|| err(bad_date("DTEND", value)))?;
                open.end = Some((date, timed, line));
            }
            ("SUMMARY", Some(open)) if open.depth == 0 => open.summary = unescape(value),
            _ => {}
        }
    }
    match event {
        Some(open) => Err(IcsError { line: open.begin, message: "VEVENT without END:VEVENT".into() }),
        None => Ok(days),
    }
}

#[derive(Default)]
struct IcsEvent {
    begin: usize,
    /// Nesting inside the event (e.g. a VALARM), whose properties are not the event's.
    depth: usize,
    start: Option<NaiveDate>,
    /// The date, whether it had a time other than midnight, and its line.
    end: Option<(NaiveDate, bool, usize)>,
    summary: String,
}

impl IcsEvent {
    fn finish(self) -> Result<Vec<CalendarDay>, IcsError> {
        let start =
            self.start.ok_or(IcsError { line: self.begin, message: "VEVENT without DTSTART".into() })?;
        let last = match self.end {
            None => start,
            Some((end, _, line)) if end < start => {
                return Err(IcsError { line, message: format!("DTEND {end} is before DTSTART {start}") });
            }
            Some((end, true, _)) => end,
            Some((end, false, _)) => end.pred_opt().unwrap_or(end).max(start),
        };
        let span = last.signed_duration_since(start).num_days().unsigned_abs() + 1;
        if span > MAX_EVENT_DAYS {
            let message = format!("VEVENT spans {span} days, more than {MAX_EVENT_DAYS}");
            return Err(IcsError { line: self.begin, message });
        }
        let lower = self.summary.to_lowercase();
        let kind =
            if lower.contains('班') || lower.contains("work") { DayKind::Workday } else { DayKind::Holiday };
        let name = clean_name(&self.summary);
        Ok(start
            .iter_days()
            .take_while(|d| *d <= last)
            .map(|date| CalendarDay { date, kind, name: name.clone() })
            .collect())
    }
}

/// Logical lines with the 1-based number of their first physical line: CR is dropped, a line
/// starting with a space or tab continues the previous one.
fn unfold(text: &str) -> Vec<(usize, String)> {
    let mut lines: Vec<(usize, String)> = Vec::new();
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for (index, raw) in text.split('\n').enumerate() {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        match (raw.strip_prefix([' ', '\t']), lines.last_mut()) {
            (Some(rest), Some((_, previous))) => previous.push_str(rest),
            _ => lines.push((index + 1, raw.to_string())),
        }
    }
    lines
}

/// `NAME;PARAM=...:VALUE` into the upper-cased name and the value; `None` for a line that is
/// not a property. A colon inside a quoted parameter value does not end the parameters.
fn split_property(line: &str) -> Option<(String, &str)> {
    let mut quoted = false;
    let colon = line.char_indices().find_map(|(i, c)| match c {
        '"' => {
            quoted = !quoted;
            None
        }
        ':' if !quoted => Some(i),
        _ => None,
    })?;
    let head = &line[..colon];
    let name = head.split(';').next().unwrap_or(head).trim().to_ascii_uppercase();
    (!name.is_empty()).then_some((name, line[colon + 1..].trim()))
}

/// `20251001`, `20251001T090000` or `20251001T090000Z`: the date, and whether a time other than
/// midnight was given.
fn parse_ics_date(value: &str) -> Option<(NaiveDate, bool)> {
    let (date, time) = match value.split_once(['T', 't']) {
        Some((date, time)) => (date, Some(time.strip_suffix(['Z', 'z']).unwrap_or(time))),
        None => (value, None),
    };
    if date.len() != 8 || !date.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let date = NaiveDate::parse_from_str(date, "%Y%m%d").ok()?;
    match time {
        None => Some((date, false)),
        Some(t) if t.len() == 6 && t.bytes().all(|b| b.is_ascii_digit()) => Some((date, t != "000000")),
        Some(_) => None,
    }
}

fn bad_date(property: &str, value: &str) -> String {
    format!("{property} has an unparsable date {value:?}")
}

/// Undoes the iCalendar TEXT escapes; an escaped newline becomes a space.
fn unescape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n' | 'N') => out.push(' '),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// Words that say what kind of day an event is, not which festival; longest first.
const KIND_WORDS: [&str; 9] = ["调休上班", "上班", "补班", "调休", "假期", "放假", "休息", "休", "班"];
const FILLER: &[char] = &['(', ')', '（', '）', '[', ']', '【', '】', ':', '：', '-', '—', '·', ',', '，'];

/// The festival name in a SUMMARY: "国庆节 假期 第1天/共8天", "国庆节（调休上班）" → "国庆节".
/// Falls back to the trimmed summary when nothing would be left (e.g. a bare "休").
fn clean_name(summary: &str) -> String {
    // "第1天", "共8天", "第1天/共8天"
    let is_counter =
        |t: &str| t.split('/').all(|p| (p.starts_with('第') || p.starts_with('共')) && p.ends_with('天'));
    let kept: Vec<&str> = summary
        .split_whitespace()
        .filter(|token| {
            let bare = token.trim_matches(FILLER);
            !KIND_WORDS.contains(&bare) && !is_counter(bare)
        })
        .collect();
    let mut name = kept.join(" ");
    loop {
        let trimmed = name.trim_end_matches(|c: char| c.is_whitespace() || FILLER.contains(&c));
        let stripped = KIND_WORDS.iter().find_map(|word| trimmed.strip_suffix(word)).unwrap_or(trimmed);
        if stripped.len() == name.len() {
            break;
        }
        name = stripped.to_string();
    }
    let name = name.trim_start_matches(|c: char| c.is_whitespace() || FILLER.contains(&c));
    if name.is_empty() { summary.trim().to_string() } else { name.to_string() }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

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
        let mut want: Vec<CalendarDay> = day("2025-10-01")
            .iter_days()
            .take(8)
            .map(|d| CalendarDay::holiday(d, "国庆节、中秋节"))
            .collect();
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
            (
                "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:2025-10-01\nEND:VEVENT\n",
                3,
                "unparsable date",
            ),
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
}
