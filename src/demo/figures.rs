//! What a reader of the demo would check, measured: when things happen, how varied the titles
//! are, whether the text agrees with the dates, whether the records obey the rule book, and how
//! old the open issues are. Used by the tests, on records generated or read back from the store.

use std::collections::{HashMap, HashSet};

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};

use crate::domain::*;

#[derive(Debug, Default)]
pub struct Figures {
    pub issues: usize,
    pub events: usize,
    /// Events before 08:00, from 20:00, or on a day off of the calendar.
    pub events_off_hours: usize,
    /// Events from 18:00 to 20:00 on a working day.
    pub events_evening: usize,
    pub distinct_titles: usize,
    pub open: usize,
    /// Open issues proposed more than 60 working days before "now".
    pub open_older_than_60wd: usize,
    pub escalated: usize,
    pub tasks: usize,
    /// Tasks with a risk alert.
    pub tasks_with_risk: usize,
    pub tasks_done: usize,
    /// Done by the deadline the task was first given.
    pub tasks_done_on_time: usize,
    /// Every contradiction found, one line each: rule-book violations, titles with a batch
    /// number, dates in the text that disagree with the issue's dates, events out of order.
    pub problems: Vec<String>,
}

impl Figures {
    pub fn of(records: &[IssueRecord], people: &[Person], now: NaiveDateTime, cal: &Calendar) -> Figures {
        let mut f = Figures { issues: records.len(), ..Figures::default() };
        let mut titles = HashSet::new();
        let dept_of: HashMap<&str, &str> =
            people.iter().map(|p| (p.login.as_str(), p.dept.as_str())).collect();
        for r in records {
            let i = &r.issue;
            let n = if i.number.is_empty() { i.title.as_str() } else { i.number.as_str() };
            titles.insert(i.title.clone());
            for v in crate::domain::rules::violations(r, people) {
                f.problems.push(format!("{n}: {}", v.text.zh));
            }
            if i.title.contains("批)") || i.title.contains("批）") {
                f.problems.push(format!("{n}: a batch number in the title {}", i.title));
            }
            for e in &r.events {
                f.events += 1;
                let h = e.at.hour();
                if !(8..20).contains(&h) || !cal.is_working_day(e.at.date()) {
                    f.events_off_hours += 1;
                } else if h >= 18 {
                    f.events_evening += 1;
                }
                if e.at > now {
                    f.problems.push(format!("{n}: an event after now"));
                }
            }
            if r.events.windows(2).any(|w| w[0].at > w[1].at) {
                f.problems.push(format!("{n}: events out of time order"));
            }
            // A date the text names lies after the registration, and no task was first given a
            // later deadline than the date asked for.
            let first_deadlines: Vec<NaiveDate> = r
                .events
                .iter()
                .filter(|e| e.kind == EventKind::TaskAdded)
                .filter_map(|e| e.after.get("deadline").and_then(|d| serde_json::from_value(d.clone()).ok()))
                .collect();
            for date in dates_in(&i.request, i.proposed_at.date()) {
                if date <= i.proposed_at.date() || first_deadlines.iter().any(|d| *d > date) {
                    f.problems.push(format!(
                        "{n}: the request names {date}, registered {}, deadlines {first_deadlines:?}",
                        i.proposed_at
                    ));
                }
            }
            for p in &r.progress {
                if let Some(t) = p.task_seq.and_then(|s| r.tasks.iter().find(|t| t.seq == s))
                    && t.owner != p.by
                {
                    f.problems.push(format!("{n}: progress on task #{} by {}, not its owner", t.seq, p.by));
                }
            }
            if let Some(by) = &i.first_response_by
                && dept_of.get(by.as_str()) == Some(&i.proposer_dept.as_str())
            {
                f.problems.push(format!("{n}: the first response is by the proposing department"));
            }
            if i.status.is_open() {
                f.open += 1;
                if cal.working_days_between(i.proposed_at.date(), now.date()) > 60 {
                    f.open_older_than_60wd += 1;
                }
            }
            f.escalated += usize::from(!i.escalations.is_empty());
            f.tasks += r.tasks.len();
            f.tasks_with_risk +=
                r.tasks.iter().filter(|t| r.risks.iter().any(|k| k.task_seq == t.seq)).count();
            for (t, first) in r.tasks.iter().zip(&first_deadlines) {
                let done = r.progress.iter().rfind(|p| p.task_seq == Some(t.seq) && p.percent == Some(100));
                if let (TaskState::Done, Some(done)) = (t.state, done) {
                    f.tasks_done += 1;
                    f.tasks_done_on_time += usize::from(done.at.date() <= *first);
                }
            }
        }
        f.distinct_titles = titles.len();
        f
    }
}

/// The dates written as 10月30日 in a text, in the year that puts them closest after `from`.
fn dates_in(text: &str, from: NaiveDate) -> Vec<NaiveDate> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let number = |s: &[char]| s.iter().collect::<String>().parse::<u32>().ok();
    for (k, c) in chars.iter().enumerate() {
        if *c != '月' {
            continue;
        }
        let mut a = k;
        while a > 0 && chars[a - 1].is_ascii_digit() {
            a -= 1;
        }
        let mut b = k + 1;
        while b < chars.len() && chars[b].is_ascii_digit() {
            b += 1;
        }
        if a == k || b == k + 1 || chars.get(b) != Some(&'日') {
            continue;
        }
        let (Some(m), Some(d)) = (number(&chars[a..k]), number(&chars[k + 1..b])) else { continue };
        let date = NaiveDate::from_ymd_opt(from.year(), m, d)
            .filter(|x| *x >= from - chrono::Duration::days(180))
            .or_else(|| NaiveDate::from_ymd_opt(from.year() + 1, m, d));
        out.extend(date);
    }
    out
}
