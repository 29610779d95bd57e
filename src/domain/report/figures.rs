//! The figures themselves: `Report::compute` walks the facts once per section, and `behind` names
//! the issues behind one department's number, classified by the same functions.

use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use super::*;

/// Entries in a fixed order (priorities high to low, departments by code), written as a JSON
/// object.
#[derive(Debug, Clone, PartialEq)]
pub struct Keyed<T>(pub Vec<(String, T)>);

impl<T> Default for Keyed<T> {
    fn default() -> Self {
        Keyed(Vec::new())
    }
}

impl<T: Serialize> Serialize for Keyed<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl<T> Keyed<T> {
    pub fn get(&self, key: &str) -> Option<&T> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ResponseFigures {
    pub met: u32,
    pub met_late: u32,
    pub missed: u32,
    pub pending: u32,
    /// Working hours from registration to the first response (met and met late).
    pub median_hours: Option<f64>,
    pub p90_hours: Option<f64>,
}

impl ResponseFigures {
    /// Issues whose state is decided: met, met late or missed.
    pub fn decided(&self) -> u32 {
        self.met + self.met_late + self.missed
    }

    pub fn met_share(&self) -> Option<f64> {
        share(self.met, self.decided())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct TaskFigures {
    pub on_time: u32,
    pub late: u32,
    /// As of now, over every open issue.
    pub overdue_now: u32,
}

impl TaskFigures {
    pub fn on_time_share(&self) -> Option<f64> {
        share(self.on_time, self.on_time + self.late)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RiskFigures {
    pub timely: u32,
    pub late: u32,
}

impl RiskFigures {
    pub fn timely_share(&self) -> Option<f64> {
        share(self.timely, self.timely + self.late)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ResolutionFigures {
    /// Accepted issues: their time from registration to acceptance, in working hours.
    pub accepted: u32,
    pub median_hours: Option<f64>,
    pub p90_hours: Option<f64>,
    /// Acceptance refusals.
    pub refusals: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct AgeBuckets {
    pub le3: u32,
    #[serde(rename = "4to10")]
    pub from4to10: u32,
    pub gt10: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct LoadFigures {
    /// Open issues the department is involved in.
    pub issues: u32,
    /// Open tasks of the department (on open issues).
    pub tasks: u32,
    /// Open issues it is involved in that are past a deadline: no first response by the response
    /// deadline, or an open task past its deadline.
    pub overdue: u32,
    pub age: AgeBuckets,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct MinutesFigures {
    /// Confirmations of minutes still pending, as of now, on open issues.
    pub waiting: u32,
    /// How long they have waited, in working hours since the meeting.
    pub median_hours: Option<f64>,
    pub max_hours: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Week {
    pub week: String,
    /// The Monday of the week.
    pub from: NaiveDate,
    pub registered: u32,
    pub accepted: u32,
    /// Met among the week's registrations whose response is decided; null when none is.
    pub first_response_met_share: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct FirstResponse {
    pub by_priority: Keyed<ResponseFigures>,
    pub by_dept: Keyed<ResponseFigures>,
    pub all: ResponseFigures,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ByDept<T> {
    pub by_dept: Keyed<T>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ByPriority<T> {
    pub by_priority: Keyed<T>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Escalations {
    pub by_dept: Keyed<u32>,
    /// The reasons as written, most frequent first.
    pub by_reason: Keyed<u32>,
}

/// Every figure of one report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub period: Period,
    pub dept: Option<String>,
    pub priority: Option<Priority>,
    /// The moment "now" figures are taken at.
    #[serde(serialize_with = "crate::domain::model::local_time::serialize")]
    pub as_of: NaiveDateTime,
    /// Issues registered in the period (after the filters).
    pub registered: u32,
    pub first_response: FirstResponse,
    pub tasks: ByDept<TaskFigures>,
    pub risk_alerts: ByDept<RiskFigures>,
    pub resolution: ByPriority<ResolutionFigures>,
    pub open_load: ByDept<LoadFigures>,
    pub escalations: Escalations,
    pub minutes_waiting: ByDept<MinutesFigures>,
    pub weekly: Vec<Week>,
}

fn keyed<T>(depts: &[String], values: Vec<T>) -> Keyed<T> {
    Keyed(depts.iter().cloned().zip(values).collect())
}

/// The departments a report shows, in order.
fn depts<'a>(facts: &'a Facts, scope: &'a Scope) -> impl Iterator<Item = &'a String> {
    facts.departments.iter().filter(|d| scope.shows_dept(d))
}

fn position(facts: &Facts, scope: &Scope, dept: &str) -> Option<usize> {
    depts(facts, scope).position(|d| d == dept)
}

/// An issue's first-response state and, when it was answered, the working hours it took.
pub(super) fn response(issue: &IssueFact, now: NaiveDateTime, cal: &Calendar) -> (Kept, Option<f64>) {
    let kept = response_kept(issue.response_due_at, issue.first_response_at, issue.status, now);
    let hours = issue.first_response_at.map(|at| working_hours(issue.proposed_at, at, cal));
    (kept, hours)
}

/// Counts and hours of first responses, before the percentiles are taken.
#[derive(Default)]
struct Tally {
    figures: ResponseFigures,
    hours: Vec<f64>,
}

impl Tally {
    fn add(&mut self, kept: Kept, hours: Option<f64>) {
        match kept {
            Kept::Met => self.figures.met += 1,
            Kept::MetLate => self.figures.met_late += 1,
            Kept::Missed => self.figures.missed += 1,
            Kept::Pending => self.figures.pending += 1,
        }
        self.hours.extend(hours);
    }

    fn finish(mut self) -> ResponseFigures {
        self.figures.median_hours = percentile(&mut self.hours, 50).map(round1);
        self.figures.p90_hours = percentile(&mut self.hours, 90).map(round1);
        self.figures
    }
}

/// Whether an open issue is past a deadline now: its response, or one of its open tasks.
pub(super) fn overdue_issue(
    facts: &Facts,
    index: usize,
    tasks_of: &[Vec<usize>],
    now: NaiveDateTime,
) -> bool {
    let issue = &facts.issues[index];
    (issue.first_response_at.is_none() && now > issue.response_due_at)
        || tasks_of[index].iter().any(|&t| task_outcome(&facts.tasks[t], now) == TaskOutcome::Overdue)
}

impl Report {
    pub fn compute(facts: &Facts, scope: &Scope, now: NaiveDateTime, cal: &Calendar) -> Report {
        let dept_list: Vec<String> = depts(facts, scope).cloned().collect();
        let n = dept_list.len();
        let in_period: Vec<bool> = facts.issues.iter().map(|i| scope.counts(i)).collect();
        let mut tasks_of = vec![Vec::new(); facts.issues.len()];
        for (t, task) in facts.tasks.iter().enumerate() {
            tasks_of[task.issue].push(t);
        }

        // First response, resolution, escalations: issues registered in the period.
        let mut by_priority: Vec<Tally> = Priority::ALL.iter().map(|_| Tally::default()).collect();
        let mut by_dept: Vec<Tally> = (0..n).map(|_| Tally::default()).collect();
        let mut all = Tally::default();
        let mut resolution: Vec<(ResolutionFigures, Vec<f64>)> =
            Priority::ALL.iter().map(|_| Default::default()).collect();
        let mut escalated = vec![0u32; n];
        let mut reasons: Vec<(String, u32)> = Vec::new();
        let mut registered = 0;
        for (issue, _) in facts.issues.iter().zip(&in_period).filter(|(_, inside)| **inside) {
            registered += 1;
            let (kept, hours) = response(issue, now, cal);
            let p = issue.priority.rank() as usize;
            by_priority[p].add(kept, hours);
            all.add(kept, hours);
            for d in issue.departments.iter().filter_map(|d| position(facts, scope, d)) {
                by_dept[d].add(kept, hours);
                if issue.escalation_reason.is_some() {
                    escalated[d] += 1;
                }
            }
            let (figures, hours) = &mut resolution[p];
            figures.refusals += issue.refusals;
            if let Some(at) = issue.accepted_at {
                figures.accepted += 1;
                hours.push(working_hours(issue.proposed_at, at, cal));
            }
            if let Some(reason) = &issue.escalation_reason {
                let reason = reason.trim();
                match reasons.iter_mut().find(|(r, _)| r == reason) {
                    Some((_, count)) => *count += 1,
                    None => reasons.push((reason.to_string(), 1)),
                }
            }
        }
        reasons.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));

        // Tasks and risk alerts: by the task's department. Finished tasks of the period's issues;
        // overdue ones of every open issue, now.
        let mut tasks = vec![TaskFigures::default(); n];
        for task in &facts.tasks {
            let issue = &facts.issues[task.issue];
            let Some(d) = position(facts, scope, &task.dept) else { continue };
            if scope.priority.is_some_and(|p| p != issue.priority) {
                continue;
            }
            match task_outcome(task, now) {
                TaskOutcome::OnTime if in_period_task(scope, issue) => tasks[d].on_time += 1,
                TaskOutcome::Late if in_period_task(scope, issue) => tasks[d].late += 1,
                TaskOutcome::Overdue if issue.status.is_open() => tasks[d].overdue_now += 1,
                _ => {}
            }
        }
        let mut risks = vec![RiskFigures::default(); n];
        for risk in &facts.risks {
            let issue = &facts.issues[risk.issue];
            let Some(d) = position(facts, scope, &risk.dept) else { continue };
            if !in_period_task(scope, issue) || scope.priority.is_some_and(|p| p != issue.priority) {
                continue;
            }
            if risk.timely {
                risks[d].timely += 1;
            } else {
                risks[d].late += 1;
            }
        }

        // Open load, now.
        let mut load = vec![LoadFigures::default(); n];
        for (index, issue) in facts.issues.iter().enumerate() {
            if !issue.status.is_open() || scope.priority.is_some_and(|p| p != issue.priority) {
                continue;
            }
            let overdue = overdue_issue(facts, index, &tasks_of, now);
            let bucket = age(issue.proposed_at, now, cal);
            for d in issue.departments.iter().filter_map(|d| position(facts, scope, d)) {
                let l = &mut load[d];
                l.issues += 1;
                l.overdue += u32::from(overdue);
                match bucket {
                    Age::UpTo3 => l.age.le3 += 1,
                    Age::From4To10 => l.age.from4to10 += 1,
                    Age::Over10 => l.age.gt10 += 1,
                }
            }
            for &t in &tasks_of[index] {
                let task = &facts.tasks[t];
                if task.done_at.is_none()
                    && let Some(d) = position(facts, scope, &task.dept)
                {
                    load[d].tasks += 1;
                }
            }
        }

        // Minutes waiting for confirmation, now, on open issues.
        let mut waiting: Vec<Vec<f64>> = vec![Vec::new(); n];
        for m in &facts.minutes {
            let issue = &facts.issues[m.issue];
            if issue.status.is_open()
                && scope.priority.is_none_or(|p| p == issue.priority)
                && let Some(d) = position(facts, scope, &m.dept)
            {
                waiting[d].push(working_hours(m.held_at, now, cal));
            }
        }
        let minutes = waiting
            .into_iter()
            .map(|mut hours| MinutesFigures {
                waiting: hours.len() as u32,
                median_hours: percentile(&mut hours, 50).map(round1),
                max_hours: percentile(&mut hours, 100).map(round1),
            })
            .collect();

        Report {
            period: Period { from: scope.from, to: scope.to },
            dept: scope.dept.clone(),
            priority: scope.priority,
            as_of: now,
            registered,
            first_response: FirstResponse {
                by_priority: Keyed(
                    Priority::ALL
                        .iter()
                        .map(|p| p.code().to_string())
                        .zip(by_priority.into_iter().map(Tally::finish))
                        .collect(),
                ),
                by_dept: keyed(&dept_list, by_dept.into_iter().map(Tally::finish).collect()),
                all: all.finish(),
            },
            tasks: ByDept { by_dept: keyed(&dept_list, tasks) },
            risk_alerts: ByDept { by_dept: keyed(&dept_list, risks) },
            resolution: ByPriority {
                by_priority: Keyed(
                    Priority::ALL
                        .iter()
                        .map(|p| p.code().to_string())
                        .zip(resolution.into_iter().map(|(mut f, mut hours)| {
                            f.median_hours = percentile(&mut hours, 50).map(round1);
                            f.p90_hours = percentile(&mut hours, 90).map(round1);
                            f
                        }))
                        .collect(),
                ),
            },
            open_load: ByDept { by_dept: keyed(&dept_list, load) },
            escalations: Escalations { by_dept: keyed(&dept_list, escalated), by_reason: Keyed(reasons) },
            minutes_waiting: ByDept { by_dept: keyed(&dept_list, minutes) },
            weekly: weekly(facts, scope, &in_period, now),
        }
    }

    /// Whether the report holds anything at all: issues in the period or open load now.
    pub fn is_empty(&self) -> bool {
        self.registered == 0
            && self.open_load.by_dept.0.iter().all(|(_, l)| l.issues == 0)
            && self.tasks.by_dept.0.iter().all(|(_, t)| t.overdue_now == 0)
    }
}

/// Tasks count in the period by their issue's registration day (the department filter is the
/// task's own department, already applied).
pub(super) fn in_period_task(scope: &Scope, issue: &IssueFact) -> bool {
    scope.contains(issue.proposed_at.date())
}

fn weekly(facts: &Facts, scope: &Scope, in_period: &[bool], now: NaiveDateTime) -> Vec<Week> {
    let first = week_start(scope.from);
    if scope.to < scope.from {
        return Vec::new();
    }
    let count = ((week_start(scope.to) - first).num_days() / 7 + 1) as usize;
    let mut weeks: Vec<(Week, u32, u32)> = (0..count)
        .map(|k| {
            let from = first + chrono::Duration::weeks(k as i64);
            let week = Week {
                week: week_label(from),
                from,
                registered: 0,
                accepted: 0,
                first_response_met_share: None,
            };
            (week, 0, 0)
        })
        .collect();
    let slot = |day: NaiveDate| ((week_start(day) - first).num_days() / 7) as usize;
    for (issue, inside) in facts.issues.iter().zip(in_period) {
        if *inside {
            let (week, met, decided) = &mut weeks[slot(issue.proposed_at.date())];
            week.registered += 1;
            match response_kept(issue.response_due_at, issue.first_response_at, issue.status, now) {
                Kept::Met => (*met += 1, *decided += 1),
                Kept::MetLate | Kept::Missed => ((), *decided += 1),
                Kept::Pending => ((), ()),
            };
        }
        if let Some(at) = issue.accepted_at
            && scope.contains(at.date())
            && scope.selects(issue)
        {
            weeks[slot(at.date())].0.accepted += 1;
        }
    }
    weeks
        .into_iter()
        .map(|(mut week, met, decided)| {
            week.first_response_met_share = share(met, decided).map(|s| (s * 1000.0).round() / 1000.0);
            week
        })
        .collect()
}
