//! The pieces refusals are made of: finding a meeting or a task, dates, percentages, the stage,
//! permissions, and the people a refusal names.

use chrono::NaiveDate;

use super::super::permission::{self, Scope};
use super::super::status::Action;
use super::super::*;
use super::Refusal;
use crate::i18n::Lang;

pub(super) fn blank(text: Option<&str>) -> bool {
    text.is_none_or(|t| t.trim().is_empty())
}

pub(super) fn meeting_of(r: &IssueRecord, seq: i64, action: Action) -> Result<&Meeting, Refusal> {
    r.meetings.iter().find(|m| m.seq == seq).ok_or_else(|| {
        Refusal::new(action, format!("the issue has no meeting #{seq}"), format!("该问题没有会议 #{seq}"))
            .who("`liaison show NUMBER` lists its meetings", "可用 `liaison show 编号` 查看会议")
    })
}

pub(super) fn task_of(r: &IssueRecord, seq: i64, action: Action) -> Result<&Task, Refusal> {
    r.tasks.iter().find(|t| t.seq == seq).ok_or_else(|| {
        Refusal::new(action, format!("the issue has no task #{seq}"), format!("该问题没有任务 #{seq}"))
            .who("`liaison show NUMBER` lists its tasks", "可用 `liaison show 编号` 查看任务")
    })
}

pub(super) fn closed_task(action: Action, t: &Task) -> Refusal {
    Refusal::new(
        action,
        format!("task #{} is {}", t.seq, t.state.label(Lang::En).to_lowercase()),
        format!("任务 #{} {}", t.seq, t.state.label(Lang::Zh)),
    )
    .who("only open tasks take progress, risks and cancellation", "只有未完成的任务可以更新进度、预警或取消")
}

pub(super) fn past_date(action: Action, date: NaiveDate, today: NaiveDate) -> Refusal {
    Refusal::new(action, format!("{date} has already passed"), format!("{date} 已经过去"))
        .who(format!("give a date from today ({today}) on"), format!("请填写今天（{today}）或之后的日期"))
}

pub(super) fn percent_in_range(action: Action, percent: Option<u8>) -> Result<(), Refusal> {
    match percent {
        Some(p) if p > 100 => {
            Err(Refusal::new(action, format!("{p}% is not a percentage"), format!("{p}% 不是有效进度"))
                .who("give 0 to 100", "请填写 0 到 100"))
        }
        _ => Ok(()),
    }
}

pub(super) fn stage_refusal(status: Status, action: Action, allowed: &[Action]) -> Refusal {
    let list = |lang: Lang| {
        if allowed.is_empty() {
            lang.pick("nothing: archived issues are read-only", "无：已归档的问题只读").to_string()
        } else {
            allowed.iter().map(|a| a.label(lang)).collect::<Vec<_>>().join(lang.pick(", ", "、"))
        }
    };
    Refusal::new(
        action,
        format!("the issue is {}", status.label(Lang::En).to_lowercase()),
        format!("问题当前状态为「{}」", status.label(Lang::Zh)),
    )
    .who(format!("allowed now: {}", list(Lang::En)), format!("现在可以：{}", list(Lang::Zh)))
}

pub(super) fn denied(action: Action, d: permission::NotYours) -> Refusal {
    Refusal { action, why: d.why, who_can: Some(d.who_can) }
}

pub(super) fn scope<'a>(i: &'a Issue, target_dept: Option<&'a str>) -> Scope<'a> {
    Scope { proposer_dept: &i.proposer_dept, involved: &i.departments, target_dept }
}

/// The involved departments other than the proposing one (or all, for an internal issue).
pub(super) fn others(i: &Issue) -> String {
    let others: Vec<&str> =
        i.departments.iter().filter(|d| **d != i.proposer_dept).map(String::as_str).collect();
    if others.is_empty() { i.departments.join(", ") } else { others.join(", ") }
}

pub(super) fn recorders(r: &IssueRecord) -> String {
    let mut all: Vec<&str> = r.meetings.iter().map(|m| m.recorder.as_str()).collect();
    all.dedup();
    all.join(", ")
}
