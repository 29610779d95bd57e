//! The status machine: which actions each stage allows, and where they lead.
//!
//! registered → in progress → awaiting acceptance → resolved → archived. The first response moves
//! a registered issue to in progress; refusing acceptance goes back to in progress; escalation is
//! a flag that any open stage may raise; archived is read-only.

use serde::Serialize;

use super::{Person, Status};
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
    AnswerMinutes,
    AddTask,
    UpdateTask,
    AddProgress,
    RaiseRisk,
    Escalate,
    Resolve,
    Accept,
    Refuse,
    Archive,
}

impl Action {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Action::Register => lang.pick("register", "登记"),
            Action::EditDescription => lang.pick("edit the description", "修改描述"),
            Action::Acknowledge => lang.pick("acknowledge", "确认收到"),
            Action::Comment => lang.pick("comment", "评论"),
            Action::RecordMeeting => lang.pick("record a meeting", "记录会议"),
            Action::AnswerMinutes => lang.pick("confirm or object to minutes", "确认纪要"),
            Action::AddTask => lang.pick("add a task", "新增任务"),
            Action::UpdateTask => lang.pick("update a task", "更新任务"),
            Action::AddProgress => lang.pick("add progress", "更新进度"),
            Action::RaiseRisk => lang.pick("raise a risk alert", "发起风险预警"),
            Action::Escalate => lang.pick("escalate", "升级"),
            Action::Resolve => lang.pick("enter the solution", "填写解决方案"),
            Action::Accept => lang.pick("accept", "验收通过"),
            Action::Refuse => lang.pick("refuse acceptance", "验收不通过"),
            Action::Archive => lang.pick("archive", "归档"),
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

/// Whether an action by this person counts as the response: they belong to an involved
/// department other than the proposing one (or, for an issue that involves only the proposing
/// department, they are someone other than the proposer).
pub fn counts_as_response(
    action: Action,
    actor: &Person,
    proposer: &str,
    proposer_dept: &str,
    involved: &[String],
) -> bool {
    if !action.is_response() || !involved.contains(&actor.dept) {
        return false;
    }
    let only_proposing_dept = involved.iter().all(|d| d == proposer_dept);
    if only_proposing_dept { actor.login != proposer } else { actor.dept != proposer_dept }
}

const WORK: &[Action] = &[
    Action::EditDescription,
    Action::Acknowledge,
    Action::Comment,
    Action::RecordMeeting,
    Action::AnswerMinutes,
    Action::AddTask,
    Action::UpdateTask,
    Action::AddProgress,
    Action::RaiseRisk,
    Action::Escalate,
];

/// Everything a stage allows, in the order a user would look for it.
pub fn allowed(status: Status) -> Vec<Action> {
    let mut actions = match status {
        Status::Registered | Status::InProgress => WORK.to_vec(),
        Status::AwaitingAcceptance => {
            let mut a = WORK.to_vec();
            a.extend([Action::Accept, Action::Refuse]);
            a
        }
        Status::Resolved => vec![Action::Comment, Action::Archive],
        Status::Archived => Vec::new(),
    };
    if matches!(status, Status::Registered | Status::InProgress) {
        actions.push(Action::Resolve);
    }
    actions
}

/// An action the stage does not allow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransitionError {
    pub status: Status,
    pub action: Action,
    pub allowed: Vec<Action>,
}

impl TransitionError {
    pub fn message(&self, lang: Lang) -> String {
        let allowed = if self.allowed.is_empty() {
            lang.pick("nothing: archived issues are read-only", "无:已归档的问题只读").to_string()
        } else {
            self.allowed.iter().map(|a| a.label(lang)).collect::<Vec<_>>().join(", ")
        };
        match lang {
            Lang::En => format!(
                "cannot {} while the issue is {}; allowed now: {allowed}",
                self.action.label(lang),
                self.status.label(lang).to_lowercase()
            ),
            Lang::Zh => format!(
                "问题当前状态为「{}」,不能{};现在可以:{allowed}",
                self.status.label(lang),
                self.action.label(lang)
            ),
        }
    }
}

impl std::fmt::Display for TransitionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for TransitionError {}

/// Checks the action against the stage and returns the stage it leads to.
/// `counts_as_first_response` is true when this action is the first response.
pub fn apply(
    status: Status,
    action: Action,
    counts_as_first_response: bool,
) -> Result<Status, TransitionError> {
    let allowed = allowed(status);
    if !allowed.contains(&action) {
        return Err(TransitionError { status, action, allowed });
    }
    Ok(match action {
        Action::Resolve => Status::AwaitingAcceptance,
        Action::Accept => Status::Resolved,
        Action::Refuse => Status::InProgress,
        Action::Archive => Status::Archived,
        _ if counts_as_first_response && status == Status::Registered => Status::InProgress,
        _ => status,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use Action::*;
    use Status::*;

    #[test]
    fn transitions() {
        let cases = [
            (Registered, Acknowledge, true, Ok(InProgress)),
            (Registered, Comment, false, Ok(Registered)), // the proposer's own comment
            (Registered, Resolve, true, Ok(AwaitingAcceptance)),
            (InProgress, AddTask, false, Ok(InProgress)),
            (InProgress, Escalate, false, Ok(InProgress)),
            (InProgress, Resolve, false, Ok(AwaitingAcceptance)),
            (AwaitingAcceptance, Accept, false, Ok(Resolved)),
            (AwaitingAcceptance, Refuse, false, Ok(InProgress)),
            (AwaitingAcceptance, Escalate, false, Ok(AwaitingAcceptance)),
            (Resolved, Archive, false, Ok(Archived)),
            (Resolved, Comment, false, Ok(Resolved)),
            (Registered, Accept, false, Err(())),
            (InProgress, Archive, false, Err(())),
            (AwaitingAcceptance, Resolve, false, Err(())),
            (Resolved, Escalate, false, Err(())),
            (Resolved, AddTask, false, Err(())),
            (Archived, Comment, false, Err(())),
            (Archived, Archive, false, Err(())),
        ];
        for (from, action, first, want) in cases {
            let got = apply(from, action, first).map_err(|_| ());
            assert_eq!(got, want, "{from:?} + {action:?}");
        }
    }

    #[test]
    fn refusal_names_the_stage_and_the_allowed_moves() {
        let err = apply(InProgress, Archive, false).unwrap_err();
        let en = err.message(Lang::En);
        assert!(en.contains("cannot archive while the issue is in progress"), "{en}");
        assert!(en.contains("enter the solution"), "{en}");
        let zh = err.message(Lang::Zh);
        assert!(zh.contains("进行中") && zh.contains("归档"), "{zh}");
        let archived = apply(Archived, Comment, false).unwrap_err().message(Lang::En);
        assert!(archived.contains("read-only"), "{archived}");
    }

    #[test]
    fn first_response_comes_from_another_involved_department() {
        let person = |login: &str, dept: &str| Person {
            login: login.into(),
            display_name: login.into(),
            dept: dept.into(),
            role: crate::domain::Role::Member,
        };
        let involved = ["RD".to_string(), "QA".to_string()];
        let internal = ["MKT".to_string()];
        let with_self = ["MKT".to_string(), "RD".to_string()];
        let cases = [
            (Acknowledge, person("wang", "RD"), &involved[..], true),
            (Comment, person("qian", "QA"), &involved[..], true),
            (Escalate, person("wang", "RD"), &involved[..], false), // not a response
            (AnswerMinutes, person("wang", "RD"), &involved[..], false),
            (Acknowledge, person("zhao", "OPS"), &involved[..], false), // not involved
            (Acknowledge, person("li2", "MKT"), &with_self[..], false), // the proposer's own department
            (Acknowledge, person("li2", "MKT"), &internal[..], true),   // internal issue: a colleague
            (Acknowledge, person("li", "MKT"), &internal[..], false),   // ...but not the proposer
        ];
        for (action, actor, depts, want) in cases {
            assert_eq!(
                counts_as_response(action, &actor, "li", "MKT", depts),
                want,
                "{action:?} by {actor:?}"
            );
        }
    }

    #[test]
    fn every_open_stage_can_escalate_and_no_closed_one_can() {
        for status in Status::ALL {
            assert_eq!(allowed(*status).contains(&Escalate), status.is_open(), "{status:?}");
        }
    }
}
