//! Facts the rule book derives from a record: who is on the proposing side, what counts as the
//! response, which deadline comes next, when escalation is suggested.

use chrono::NaiveDateTime;

use crate::domain::status::Action;
use crate::domain::*;

/// The deadline that matters next for this record (`deadline::next_due`).
pub fn next_due(r: &IssueRecord) -> Option<crate::domain::deadline::Due> {
    let i = &r.issue;
    crate::domain::deadline::next_due(
        i.status,
        i.response_due_at,
        i.first_response_at,
        i.response_in_hours,
        r.tasks.iter().map(|t| (t.seq, t.state, t.deadline)),
    )
}

/// Escalation is suggested for an open issue not escalated now whose response deadline passed
/// unanswered or one of whose open tasks is overdue.
pub fn suggests_escalation(r: &IssueRecord, now: NaiveDateTime, cal: &Calendar) -> bool {
    let i = &r.issue;
    if !i.status.is_open() || i.escalated_now() {
        return false;
    }
    let unanswered = i.response_state(now, cal) == crate::domain::deadline::ResponseState::Breached;
    unanswered || r.tasks.iter().any(|t| t.state.is_open() && now.date() > t.deadline)
}

/// A task belongs to an involved department, or to the proposing one (its own part of the work).
pub fn takes_tasks(i: &Issue, dept: &str) -> bool {
    i.proposer_dept == dept || i.departments.iter().any(|d| d == dept)
}

/// Whether this person's action counts as the issue's response: an action that responds, by
/// someone of an involved department other than the proposing one (for an issue that involves
/// only the proposing department: anyone but the proposer).
pub fn counts_as_response(action: Action, me: &Person, i: &Issue) -> bool {
    action.is_response() && i.departments.contains(&me.dept) && !is_proposing_side(me, i)
}

/// The proposer, or (when other departments are involved) anyone of the proposing department.
pub fn is_proposing_side(me: &Person, i: &Issue) -> bool {
    let only_proposing_dept = i.departments.iter().all(|d| *d == i.proposer_dept);
    if only_proposing_dept { me.login == i.proposer } else { me.dept == i.proposer_dept }
}
