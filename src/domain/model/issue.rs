//! Issues: priority, status, the sections of one issue and the whole record.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use super::{Event, Meeting, Progress, Proxy, Risk, Task, local_time};
use crate::i18n::Lang;

vocabulary! {
    /// 优先级: decides the response deadline.
    Priority {
        High => "high", "High", "高";
        Medium => "medium", "Medium", "中";
        Low => "low", "Low", "低";
    }
}

vocabulary! {
    /// The stage an issue is in. Escalation is a flag beside the stage, not a stage.
    Status {
        Registered => "registered", "Registered", "已登记";
        InProgress => "in_progress", "In progress", "进行中";
        AwaitingAcceptance => "awaiting_acceptance", "Awaiting acceptance", "待验收";
        Resolved => "resolved", "Resolved", "已解决";
        Archived => "archived", "Archived", "已归档";
    }
}

impl Status {
    /// A label that fits a narrow list column (8 columns at most): the label itself, or the
    /// start of it, so that the list and the record use the same words.
    pub fn short(self, lang: Lang) -> &'static str {
        match self {
            Status::Registered => lang.pick("Regist.", "已登记"),
            Status::InProgress => lang.pick("In prog.", "进行中"),
            Status::AwaitingAcceptance => lang.pick("Awaiting", "待验收"),
            Status::Resolved => lang.pick("Resolved", "已解决"),
            Status::Archived => lang.pick("Archived", "已归档"),
        }
    }

    /// Open issues can still be worked on: the three boxes' 进行中 (or 需升级).
    pub fn is_open(self) -> bool {
        matches!(self, Status::Registered | Status::InProgress | Status::AwaitingAcceptance)
    }
}

impl Priority {
    /// A label that fits a narrow list column.
    pub fn short(self, lang: Lang) -> &'static str {
        match self {
            Priority::High => lang.pick("High", "高"),
            Priority::Medium => lang.pick("Med", "中"),
            Priority::Low => lang.pick("Low", "低"),
        }
    }

    /// Sort key: high first.
    pub fn rank(self) -> u8 {
        match self {
            Priority::High => 0,
            Priority::Medium => 1,
            Priority::Low => 2,
        }
    }
}

/// What the proposer writes when registering: 基本信息 and 问题描述与需求.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssueDraft {
    pub title: String,
    pub background: String,
    pub request: String,
    pub departments: Vec<String>,
}

/// One escalation (需升级): every one is kept, each with its own reason and target, and closed
/// with a note once it is dealt with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Escalation {
    pub seq: i64,
    pub reason: String,
    pub to: String,
    pub by: String,
    #[serde(serialize_with = "local_time::serialize", deserialize_with = "local_time::deserialize")]
    pub at: NaiveDateTime,
    pub closed: Option<Closing>,
}

/// How an escalation was closed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Closing {
    pub by: String,
    #[serde(serialize_with = "local_time::serialize", deserialize_with = "local_time::deserialize")]
    pub at: NaiveDateTime,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resolution {
    pub solution: String,
    #[serde(serialize_with = "local_time::serialize", deserialize_with = "local_time::deserialize")]
    pub resolved_at: NaiveDateTime,
    pub owner: String,
    pub feedback: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Acceptance {
    pub accepted: bool,
    /// Whose answer it is: always the feedback person.
    pub by: String,
    /// Who entered it for them, if not themselves.
    pub proxy: Option<Proxy>,
    #[serde(serialize_with = "local_time::serialize", deserialize_with = "local_time::deserialize")]
    pub at: NaiveDateTime,
    pub reason: Option<String>,
}

/// One issue's row: basic facts, description and where it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Issue {
    pub id: i64,
    pub number: String,
    pub proposer_dept: String,
    pub proposer: String,
    #[serde(serialize_with = "local_time::serialize", deserialize_with = "local_time::deserialize")]
    pub proposed_at: NaiveDateTime,
    pub priority: Priority,
    pub title: String,
    pub background: String,
    pub request: String,
    pub departments: Vec<String>,
    pub status: Status,
    #[serde(serialize_with = "local_time::serialize", deserialize_with = "local_time::deserialize")]
    pub response_due_at: NaiveDateTime,
    /// The response deadline is counted in clock hours (a rule like 24h), not working days.
    pub response_in_hours: bool,
    #[serde(
        serialize_with = "local_time::serialize_opt",
        deserialize_with = "local_time::deserialize_opt",
        default
    )]
    pub first_response_at: Option<NaiveDateTime>,
    pub first_response_by: Option<String>,
    /// Why the issue went to acceptance before any involved department responded (a
    /// coordinator's note); None otherwise.
    pub response_waived: Option<String>,
    /// Every escalation, oldest first.
    pub escalations: Vec<Escalation>,
    pub resolution: Option<Resolution>,
    pub acceptance: Option<Acceptance>,
    pub retrospective: Option<String>,
    #[serde(
        serialize_with = "local_time::serialize_opt",
        deserialize_with = "local_time::deserialize_opt",
        default
    )]
    pub archived_at: Option<NaiveDateTime>,
    pub version: i64,
    #[serde(serialize_with = "local_time::serialize", deserialize_with = "local_time::deserialize")]
    pub updated_at: NaiveDateTime,
    pub updated_by: String,
}

impl Issue {
    /// Resolved or archived: the record of its response is final.
    pub fn is_closed(&self) -> bool {
        !self.status.is_open()
    }

    pub fn response_state(
        &self,
        now: NaiveDateTime,
        cal: &crate::domain::Calendar,
    ) -> crate::domain::deadline::ResponseState {
        crate::domain::deadline::response_state(
            self.response_due_at,
            self.first_response_at,
            self.is_closed(),
            now,
            cal,
        )
    }

    /// The escalation not yet closed, if any (the newest).
    pub fn open_escalation(&self) -> Option<&Escalation> {
        self.escalations.iter().rev().find(|e| e.closed.is_none())
    }

    /// "Escalated" as the list, the 已升级 view and `show` mean it: an open issue with an
    /// escalation not yet closed. (`ever_escalated` is the other question.)
    pub fn escalated_now(&self) -> bool {
        self.status.is_open() && self.open_escalation().is_some()
    }

    pub fn ever_escalated(&self) -> bool {
        !self.escalations.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comment {
    pub id: i64,
    #[serde(serialize_with = "local_time::serialize", deserialize_with = "local_time::deserialize")]
    pub at: NaiveDateTime,
    pub by: String,
    pub body: String,
}

/// An issue with every section of the template.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IssueRecord {
    pub issue: Issue,
    pub meetings: Vec<Meeting>,
    pub tasks: Vec<Task>,
    pub progress: Vec<Progress>,
    pub risks: Vec<Risk>,
    pub comments: Vec<Comment>,
    pub events: Vec<Event>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The list's short labels are the record's words, cut: a reader never meets two names for
    /// one stage or priority.
    #[test]
    fn short_labels_are_the_labels_cut_short() {
        let cut = |short: &str, label: &str| {
            short == label || label.to_lowercase().starts_with(&short.trim_end_matches('.').to_lowercase())
        };
        for lang in [Lang::En, Lang::Zh] {
            for s in Status::ALL {
                let (short, label) = (s.short(lang), s.label(lang));
                assert!(cut(short, label), "{s:?}: {short:?} is not {label:?} cut short");
                assert!(crate::domain::text::width(short) <= 8, "{short:?} fits the list's column");
            }
            for p in Priority::ALL {
                let (short, label) = (p.short(lang), p.label(lang));
                assert!(cut(short, label), "{p:?}: {short:?} is not {label:?} cut short");
            }
        }
    }
}
