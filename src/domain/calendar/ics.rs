//! Holiday feeds in iCalendar (.ics) format, parsed into calendar exceptions.

use std::fmt;

use chrono::NaiveDate;

use super::{CalendarDay, DayKind};

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
