//! Meetings and their minutes, and the participants who confirm them.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use super::{Proxy, local_time};
use crate::i18n::Lang;

vocabulary! {
    /// 线上 / 线下.
    MeetingMode {
        Online => "online", "Online", "线上";
        Offline => "offline", "Offline", "线下";
    }
}

vocabulary! {
    /// A participant's answer to the minutes.
    Confirmation {
        Pending => "pending", "Pending", "待确认";
        Confirmed => "confirmed", "Confirmed", "已确认";
        Objected => "objected", "Objected", "有异议";
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Participant {
    pub login: String,
    pub dept: String,
    pub confirmation: Confirmation,
    pub note: Option<String>,
    #[serde(
        serialize_with = "local_time::serialize_opt",
        deserialize_with = "local_time::deserialize_opt",
        default
    )]
    pub answered_at: Option<NaiveDateTime>,
    /// Who answered for this participant, if not themselves.
    pub proxy: Option<Proxy>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meeting {
    pub id: i64,
    pub seq: i64,
    #[serde(serialize_with = "local_time::serialize", deserialize_with = "local_time::deserialize")]
    pub held_at: NaiveDateTime,
    pub mode: MeetingMode,
    pub participants: Vec<Participant>,
    pub summary: String,
    pub disputes: String,
    pub consensus: String,
    pub recorder: String,
    /// 1 for the minutes as first recorded; each amendment adds one and asks everyone again.
    pub version: i64,
}

impl Meeting {
    /// Participants whose objection has not been answered by an amendment yet.
    pub fn objections(&self) -> impl Iterator<Item = &Participant> {
        self.participants.iter().filter(|p| p.confirmation == Confirmation::Objected)
    }

    pub fn pending(&self) -> impl Iterator<Item = &Participant> {
        self.participants.iter().filter(|p| p.confirmation == Confirmation::Pending)
    }
}
