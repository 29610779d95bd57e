//! What a record must never say: the invariants behind the rule book. Every write that passes
//! `rules::check` keeps them; `doctor` and the property tests look for records that break them
//! (written by an older program, a bulk import, or by hand with SQL).

use crate::domain::*;
use crate::i18n::Bilingual;

/// One contradiction in a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// A stable name for the rule broken, e.g. `open_task_under_solution`.
    pub rule: &'static str,
    pub text: Bilingual,
}

/// Every contradiction in this record. `people` gives each login's department.
pub fn violations(r: &IssueRecord, people: &[Person]) -> Vec<Violation> {
    let i = &r.issue;
    let mut out = Vec::new();
    let mut flag = |rule: &'static str, en: String, zh: String| {
        out.push(Violation { rule, text: Bilingual::new(en, zh) })
    };
    let solved = matches!(i.status, Status::AwaitingAcceptance | Status::Resolved | Status::Archived);
    let accepted = i.acceptance.as_ref().is_some_and(|a| a.accepted);
    let closed = i.is_closed();

    if solved && i.resolution.is_none() {
        flag(
            "solution_missing",
            format!("{} without a solution", i.status.label(crate::i18n::Lang::En).to_lowercase()),
            format!("状态为「{}」却没有解决方案", i.status.label(crate::i18n::Lang::Zh)),
        );
    }
    if closed && !accepted {
        flag(
            "closed_without_acceptance",
            "closed without the feedback person's acceptance".into(),
            "已关闭却没有反馈人的验收通过".into(),
        );
    }
    if !closed && accepted {
        flag("accepted_but_open", "accepted but still open".into(), "已验收通过却仍未关闭".into());
    }
    if i.status == Status::AwaitingAcceptance && i.acceptance.is_some() {
        flag(
            "answered_while_awaiting",
            "awaiting acceptance, yet an answer is recorded".into(),
            "待验收却已记录验收结果".into(),
        );
    }
    if i.status == Status::Archived && (i.retrospective.is_none() || i.archived_at.is_none()) {
        flag(
            "archived_without_retrospective",
            "archived without a retrospective".into(),
            "已归档却没有复盘".into(),
        );
    }
    if i.status != Status::Archived && i.archived_at.is_some() {
        flag(
            "archive_time_on_open",
            "an archive time on an issue not archived".into(),
            "未归档的问题有归档时间".into(),
        );
    }
    if solved {
        for t in r.tasks.iter().filter(|t| t.state.is_open()) {
            flag(
                "open_task_under_solution",
                format!("task #{} is still {} ({}%) under a solution", t.seq, t.state.code(), t.percent),
                format!(
                    "已有解决方案，任务 #{} 仍为{}（{}%）",
                    t.seq,
                    t.state.label(crate::i18n::Lang::Zh),
                    t.percent
                ),
            );
        }
        if i.first_response_at.is_none() && i.response_waived.is_none() {
            flag(
                "solution_without_response",
                "a solution with no response from an involved department and no reason recorded".into(),
                "没有涉及部门响应、也未注明原因就提交了解决方案".into(),
            );
        }
    }
    // While waiting for acceptance a participant may still object (acceptance then waits for the
    // amendment); once closed, no objection may stand.
    if closed {
        for m in &r.meetings {
            for p in m.objections() {
                flag(
                    "objection_under_solution",
                    format!("{}'s objection to meeting #{} is unanswered under a solution", p.login, m.seq),
                    format!("已有解决方案，{} 对会议 #{} 纪要的异议尚未答复", p.login, m.seq),
                );
            }
        }
    }
    if let (Some(a), Some(res)) = (&i.acceptance, &i.resolution)
        && a.by != res.feedback
    {
        flag(
            "acceptance_by_other",
            format!("answered by {}, who is not the feedback person {}", a.by, res.feedback),
            format!("验收由 {} 作出，但反馈人是 {}", a.by, res.feedback),
        );
    }
    if i.status == Status::Registered && i.first_response_at.is_some() {
        flag(
            "responded_but_registered",
            "responded to, yet still registered".into(),
            "已有响应却仍为已登记".into(),
        );
    }
    // The first response is never the proposer's own, and comes from an involved department
    // (an edit keeps the responding department among them).
    if let Some(by) = &i.first_response_by {
        let person = people.iter().find(|p| p.login == *by);
        if *by == i.proposer {
            flag(
                "first_response_by_proposer",
                format!("the first response is by the proposer {by}"),
                format!("首次响应由提出人 {by} 本人作出"),
            );
        } else if !person.is_some_and(|p| i.departments.contains(&p.dept)) {
            flag(
                "first_response_outside",
                format!("the first response is by {by}, who is not of an involved department"),
                format!("首次响应由 {by} 作出，其不属于涉及部门"),
            );
        }
    }
    if i.first_response_at.is_some() != i.first_response_by.is_some() {
        flag(
            "response_half_written",
            "a first response without its time or person".into(),
            "首次响应缺少时间或人员".into(),
        );
    }
    for t in &r.tasks {
        let consistent = match t.state {
            TaskState::Done => t.percent == 100,
            TaskState::Todo => t.percent == 0,
            TaskState::Doing | TaskState::Blocked => t.percent < 100,
            TaskState::Cancelled => true,
        };
        if !consistent {
            flag(
                "task_state_percent",
                format!("task #{} is {} at {}%", t.seq, t.state.code(), t.percent),
                format!("任务 #{} 为{}但进度为 {}%", t.seq, t.state.label(crate::i18n::Lang::Zh), t.percent),
            );
        }
        if !super::takes_tasks(i, &t.dept) {
            flag(
                "task_outside_departments",
                format!("task #{} belongs to {}, which is not involved", t.seq, t.dept),
                format!("任务 #{} 属于 {}，该部门不在涉及部门中", t.seq, t.dept),
            );
        }
    }
    out
}
