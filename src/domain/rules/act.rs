//! What the rule book is asked and what it answers: an act with its arguments, who asks and
//! when, and an outcome or a refusal that says why and who can.

use chrono::{NaiveDate, NaiveDateTime};

use super::super::status::Action;
use super::super::*;
use crate::i18n::{Bilingual, Lang};

/// Why an action is refused, and who could do it instead, in both languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub action: Action,
    pub why: Bilingual,
    pub who_can: Option<Bilingual>,
}

impl Refusal {
    pub(super) fn new(action: Action, en: impl Into<String>, zh: impl Into<String>) -> Refusal {
        Refusal { action, why: Bilingual::new(en, zh), who_can: None }
    }

    pub(super) fn who(mut self, en: impl Into<String>, zh: impl Into<String>) -> Refusal {
        self.who_can = Some(Bilingual::new(en, zh));
        self
    }

    /// One sentence: what cannot be done, why, and who can.
    pub fn message(&self, lang: Lang) -> String {
        let who = self.who_can.as_ref().map(|w| w.get(lang).to_string());
        match (lang, who) {
            (Lang::En, Some(who)) => {
                format!("cannot {}: {}; {who}", self.action.label(lang), self.why.get(lang))
            }
            (Lang::En, None) => format!("cannot {}: {}", self.action.label(lang), self.why.get(lang)),
            (Lang::Zh, Some(who)) => {
                format!("不能{}：{}；{who}", self.action.label(lang), self.why.get(lang))
            }
            (Lang::Zh, None) => format!("不能{}：{}", self.action.label(lang), self.why.get(lang)),
        }
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for Refusal {}

/// What an allowed action leads to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The stage after the action.
    pub status: Status,
    /// The action is the first response.
    pub first_response: bool,
    /// Something the person should know (their action does not count as the first response…).
    pub note: Option<Bilingual>,
}

/// A change to a task, as far as the rules look at it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TaskChange {
    pub deadline: Option<NaiveDate>,
    pub state: Option<TaskState>,
    pub percent: Option<u8>,
}

/// One concrete act, with the arguments the rules look at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act<'a> {
    EditDescription,
    Acknowledge,
    Comment,
    RecordMeeting,
    /// The recorder's new version of the minutes (the answer to an objection).
    AmendMinutes {
        meeting: i64,
    },
    /// `participant` confirms or objects; someone else may do it for them with a reason.
    AnswerMinutes {
        meeting: i64,
        participant: &'a str,
        proxy_reason: Option<&'a str>,
    },
    /// `involve`: add the department to the issue if it is not involved yet.
    AddTask {
        dept: &'a str,
        deadline: NaiveDate,
        involve: bool,
    },
    UpdateTask {
        task: i64,
        change: TaskChange,
    },
    CancelTask {
        task: i64,
    },
    AddProgress {
        task: Option<i64>,
        percent: Option<u8>,
    },
    RaiseRisk {
        task: i64,
        new_deadline: Option<NaiveDate>,
    },
    Escalate,
    CloseEscalation,
    /// `waiver`: a coordinator's reason for a solution before any involved department responded.
    Resolve {
        waiver: Option<&'a str>,
    },
    Accept {
        proxy_reason: Option<&'a str>,
    },
    Refuse {
        proxy_reason: Option<&'a str>,
    },
    Archive,
    Attach,
    /// Taking back my own last change (`of`), made when the issue was at `version`.
    Undo {
        of: Action,
        version: i64,
    },
}

impl Act<'_> {
    pub fn action(&self) -> Action {
        match self {
            Act::EditDescription => Action::EditDescription,
            Act::Acknowledge => Action::Acknowledge,
            Act::Comment => Action::Comment,
            Act::RecordMeeting => Action::RecordMeeting,
            Act::AmendMinutes { .. } => Action::AmendMinutes,
            Act::AnswerMinutes { .. } => Action::AnswerMinutes,
            Act::AddTask { .. } => Action::AddTask,
            Act::UpdateTask { .. } => Action::UpdateTask,
            Act::CancelTask { .. } => Action::CancelTask,
            Act::AddProgress { .. } => Action::AddProgress,
            Act::RaiseRisk { .. } => Action::RaiseRisk,
            Act::Escalate => Action::Escalate,
            Act::CloseEscalation => Action::CloseEscalation,
            Act::Resolve { .. } => Action::Resolve,
            Act::Accept { .. } => Action::Accept,
            Act::Refuse { .. } => Action::Refuse,
            Act::Archive => Action::Archive,
            Act::Attach => Action::Attach,
            Act::Undo { .. } => Action::Undo,
        }
    }
}

/// What the rules need besides the record: the person and the clock.
#[derive(Clone, Copy)]
pub struct Ask<'a> {
    pub me: &'a Person,
    pub now: NaiveDateTime,
    pub cal: &'a Calendar,
}
