//! The issues behind a number: for the console's drill-down (and anyone tracing a figure), named
//! by the same classification functions the figures count with.

use chrono::NaiveDateTime;

use super::figures::{in_period_task, overdue_issue, response};
use super::*;
use crate::i18n::Bilingual;

/// The figures a department's number can be traced back from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Figure {
    FirstResponse,
    Tasks,
    RiskAlerts,
    OpenLoad,
    Escalations,
    Minutes,
}

impl Figure {
    pub const ALL: [Figure; 6] = [
        Figure::FirstResponse,
        Figure::Tasks,
        Figure::RiskAlerts,
        Figure::OpenLoad,
        Figure::Escalations,
        Figure::Minutes,
    ];

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Figure::FirstResponse => lang.pick("First response", "首次响应"),
            Figure::Tasks => lang.pick("Tasks by deadline", "任务按期完成"),
            Figure::RiskAlerts => lang.pick("Risk alerts in time", "风险提前预警"),
            Figure::OpenLoad => lang.pick("Open load", "未结负荷"),
            Figure::Escalations => lang.pick("Escalations", "升级"),
            Figure::Minutes => lang.pick("Minutes to confirm", "待确认纪要"),
        }
    }
}

/// One issue behind a number, with what it counted as.
#[derive(Debug, Clone, PartialEq)]
pub struct Behind {
    pub issue: usize,
    pub note: Bilingual,
}

/// The issues behind a department's number of one figure (or of all departments when `dept` is
/// None), the worst first: what counts against the promise, then what keeps it.
pub fn behind(
    facts: &Facts,
    scope: &Scope,
    figure: Figure,
    dept: Option<&str>,
    now: NaiveDateTime,
    cal: &Calendar,
) -> Vec<Behind> {
    let shows = |d: &str| scope.shows_dept(d) && dept.is_none_or(|x| x == d);
    let involves = |issue: &IssueFact| issue.departments.iter().any(|d| shows(d));
    let priority_ok = |issue: &IssueFact| scope.priority.is_none_or(|p| p == issue.priority);
    let mut out: Vec<(u8, Behind)> = Vec::new();
    let mut push = |rank: u8, issue: usize, en: String, zh: String| {
        if !out.iter().any(|(_, b)| b.issue == issue) {
            out.push((rank, Behind { issue, note: Bilingual::new(en, zh) }));
        }
    };
    match figure {
        Figure::FirstResponse | Figure::Escalations => {
            for (i, issue) in facts.issues.iter().enumerate() {
                if !scope.counts(issue) || !involves(issue) {
                    continue;
                }
                if figure == Figure::Escalations {
                    if let Some(reason) = &issue.escalation_reason {
                        push(0, i, reason.clone(), reason.clone());
                    }
                    continue;
                }
                let (kept, hours) = response(issue, now, cal);
                let rank = match kept {
                    Kept::Missed => 0,
                    Kept::MetLate => 1,
                    Kept::Pending => 2,
                    Kept::Met => 3,
                };
                let h = hours.map(|h| format!(" {:.1}h", round1(h))).unwrap_or_default();
                push(rank, i, format!("{}{h}", kept.label(Lang::En)), format!("{}{h}", kept.label(Lang::Zh)));
            }
        }
        Figure::Tasks | Figure::RiskAlerts => {
            if figure == Figure::RiskAlerts {
                for r in &facts.risks {
                    let issue = &facts.issues[r.issue];
                    if shows(&r.dept) && in_period_task(scope, issue) && priority_ok(issue) {
                        let (en, zh) = if r.timely { ("timely", "及时") } else { ("late", "不及时") };
                        push(
                            u8::from(r.timely),
                            r.issue,
                            format!("{} {en}", r.dept),
                            format!("{} {zh}", r.dept),
                        );
                    }
                }
            } else {
                for t in &facts.tasks {
                    let issue = &facts.issues[t.issue];
                    if !shows(&t.dept) || !priority_ok(issue) {
                        continue;
                    }
                    let outcome = task_outcome(t, now);
                    let (rank, en, zh) = match outcome {
                        TaskOutcome::Overdue if issue.status.is_open() => (0, "overdue", "已逾期"),
                        TaskOutcome::Late if in_period_task(scope, issue) => (1, "late", "逾期完成"),
                        TaskOutcome::OnTime if in_period_task(scope, issue) => (2, "on time", "按期完成"),
                        _ => continue,
                    };
                    let due = t.deadline.format("%m-%d");
                    push(
                        rank,
                        t.issue,
                        format!("{} {en} ({due})", t.dept),
                        format!("{} {zh}（{due}）", t.dept),
                    );
                }
            }
        }
        Figure::OpenLoad | Figure::Minutes => {
            let mut tasks_of = vec![Vec::new(); facts.issues.len()];
            for (t, task) in facts.tasks.iter().enumerate() {
                tasks_of[task.issue].push(t);
            }
            if figure == Figure::Minutes {
                for m in &facts.minutes {
                    let issue = &facts.issues[m.issue];
                    if shows(&m.dept) && issue.status.is_open() && priority_ok(issue) {
                        let h = round1(working_hours(m.held_at, now, cal));
                        push(
                            0,
                            m.issue,
                            format!("{} waiting {h:.1}h", m.dept),
                            format!("{} 已等 {h:.1} 小时", m.dept),
                        );
                    }
                }
            } else {
                for (i, issue) in facts.issues.iter().enumerate() {
                    if issue.status.is_open() && priority_ok(issue) && involves(issue) {
                        let days = cal.working_days_between(issue.proposed_at.date(), now.date());
                        let overdue = overdue_issue(facts, i, &tasks_of, now);
                        let (en, zh) = if overdue { ("overdue, ", "已逾期，") } else { ("", "") };
                        push(
                            u8::from(!overdue),
                            i,
                            format!("{en}{days} wd old"),
                            format!("{zh}已 {days} 个工作日"),
                        );
                    }
                }
            }
        }
    }
    // Worst first; within a rank, the oldest registration first.
    out.sort_by(|(ra, a), (rb, b)| {
        ra.cmp(rb).then_with(|| facts.issues[a.issue].proposed_at.cmp(&facts.issues[b.issue].proposed_at))
    });
    out.into_iter().map(|(_, b)| b).collect()
}
