//! The status machine: which actions each stage allows, and where they lead.
//!
//! registered → in progress → awaiting acceptance → resolved → archived. The first response moves
//! a registered issue to in progress; refusing acceptance goes back to in progress; escalation is
//! a flag that any open stage may raise; archived is read-only.

use serde::Serialize;

use super::Status;
use crate::i18n::Lang;

/// Something a person does to an issue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Register,
    EditDescription,
    Acknowledge,
    Comment,
    RecordMeeting,
    AmendMinutes,
    AnswerMinutes,
    AddTask,
    UpdateTask,
    CancelTask,
    AddProgress,
    RaiseRisk,
    Escalate,
    CloseEscalation,
    Resolve,
    Accept,
    Refuse,
    Archive,
    Undo,
    /// Attach a file (a test report, a screenshot, a signed acceptance).
    Attach,
}

impl Action {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Action::Register => lang.pick("register", "登记"),
            Action::EditDescription => lang.pick("edit the description", "修改描述"),
            Action::Acknowledge => lang.pick("acknowledge", "确认收到"),
            Action::Comment => lang.pick("comment", "评论"),
            Action::RecordMeeting => lang.pick("record a meeting", "记录会议"),
            Action::AmendMinutes => lang.pick("amend the minutes", "修订纪要"),
            Action::AnswerMinutes => lang.pick("confirm or object to minutes", "确认纪要"),
            Action::AddTask => lang.pick("add a task", "新增任务"),
            Action::UpdateTask => lang.pick("update a task", "更新任务"),
            Action::CancelTask => lang.pick("cancel a task", "取消任务"),
            Action::AddProgress => lang.pick("add progress", "更新进度"),
            Action::RaiseRisk => lang.pick("raise a risk alert", "发起风险预警"),
            Action::Escalate => lang.pick("escalate", "升级"),
            Action::CloseEscalation => lang.pick("close the escalation", "解除升级"),
            Action::Resolve => lang.pick("enter the solution", "填写解决方案"),
            Action::Accept => lang.pick("accept", "验收通过"),
            Action::Refuse => lang.pick("refuse acceptance", "验收不通过"),
            Action::Archive => lang.pick("archive", "归档"),
            Action::Undo => lang.pick("undo", "撤销"),
            Action::Attach => lang.pick("attach a file", "添加附件"),
        }
    }

    /// Actions that count as a response from an involved department.
    pub fn is_response(self) -> bool {
        matches!(
            self,
            Action::Acknowledge
                | Action::Comment
                | Action::RecordMeeting
                | Action::AddTask
                | Action::AddProgress
                | Action::Resolve
        )
    }
}

/// The work of an open issue: what any open stage allows.
const WORK: &[Action] = &[
    Action::EditDescription,
    Action::Acknowledge,
    Action::Comment,
    Action::RecordMeeting,
    Action::AmendMinutes,
    Action::AnswerMinutes,
    Action::AddTask,
    Action::UpdateTask,
    Action::CancelTask,
    Action::AddProgress,
    Action::RaiseRisk,
    Action::Escalate,
    Action::CloseEscalation,
    Action::Undo,
    Action::Attach,
];

/// What waiting for acceptance allows: the work is done (tasks closed), so no task changes; the
/// minutes, comments and escalation go on, and the feedback person answers.
const AWAITING: &[Action] = &[
    Action::EditDescription,
    Action::Comment,
    Action::RecordMeeting,
    Action::AmendMinutes,
    Action::AnswerMinutes,
    Action::AddProgress,
    Action::Escalate,
    Action::CloseEscalation,
    Action::Undo,
    Action::Accept,
    Action::Refuse,
    Action::Attach,
];

/// Everything a stage allows, in the order a user would look for it.
pub fn allowed(status: Status) -> Vec<Action> {
    match status {
        Status::Registered | Status::InProgress => {
            let mut a = WORK.to_vec();
            a.push(Action::Resolve);
            a
        }
        Status::AwaitingAcceptance => AWAITING.to_vec(),
        // A signed acceptance may still be filed before archiving.
        Status::Resolved => vec![Action::Comment, Action::Attach, Action::Archive],
        Status::Archived => Vec::new(),
    }
}

/// The stage an allowed action leads to. `first_response` is true when the action is the issue's
/// first response.
pub fn next(status: Status, action: Action, first_response: bool) -> Status {
    match action {
        Action::Resolve => Status::AwaitingAcceptance,
        Action::Accept => Status::Resolved,
        Action::Refuse => Status::InProgress,
        Action::Archive => Status::Archived,
        _ if first_response && status == Status::Registered => Status::InProgress,
        _ => status,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Action::*;
    use Status::*;

    #[test]
    fn transitions() {
        let cases = [
            (Registered, Acknowledge, true, Some(InProgress)),
            (Registered, Comment, false, Some(Registered)), // the proposer's own comment
            (Registered, Resolve, true, Some(AwaitingAcceptance)),
            (InProgress, AddTask, false, Some(InProgress)),
            (InProgress, Escalate, false, Some(InProgress)),
            (InProgress, Resolve, false, Some(AwaitingAcceptance)),
            (AwaitingAcceptance, Accept, false, Some(Resolved)),
            (AwaitingAcceptance, Refuse, false, Some(InProgress)),
            (AwaitingAcceptance, Escalate, false, Some(AwaitingAcceptance)),
            (Resolved, Archive, false, Some(Archived)),
            (Resolved, Comment, false, Some(Resolved)),
            (Registered, Accept, false, None),
            (InProgress, Archive, false, None),
            (AwaitingAcceptance, Resolve, false, None),
            (AwaitingAcceptance, AddTask, false, None),
            (AwaitingAcceptance, RaiseRisk, false, None),
            (Resolved, Escalate, false, None),
            (Resolved, AddTask, false, None),
            (Archived, Comment, false, None),
            (Archived, Archive, false, None),
            (InProgress, Attach, false, Some(InProgress)),
            (AwaitingAcceptance, Attach, false, Some(AwaitingAcceptance)),
            (Resolved, Attach, false, Some(Resolved)),
            (Archived, Attach, false, None),
        ];
        for (from, action, first, want) in cases {
            let got = allowed(from).contains(&action).then(|| next(from, action, first));
            assert_eq!(got, want, "{from:?} + {action:?}");
        }
    }

    #[test]
    fn every_open_stage_can_escalate_and_no_closed_one_can() {
        for status in Status::ALL {
            assert_eq!(allowed(*status).contains(&Escalate), status.is_open(), "{status:?}");
        }
    }
}
