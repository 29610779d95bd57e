//! The template as data: departments, people, issues and every section of the form.
//!
//! Times are local wall-clock times (`NaiveDateTime`, server local time); the store converts
//! them to and from instants. Deadlines of tasks are calendar days, ending at 23:59:59.

/// Declares a closed set of words with a stable code (stored and typed on the command line)
/// and a label in each language.
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $code:literal, $en:literal, $zh:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable code: stored in the database, typed on the command line, used in JSON.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            pub fn label(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $(($name::$variant, Lang::En) => $en, ($name::$variant, Lang::Zh) => $zh,)+
                }
            }

            /// Parses a code, an English label or a Chinese label, ignoring case.
            pub fn parse(text: &str) -> Option<Self> {
                let text = text.trim();
                Self::ALL.iter().copied().find(|v| {
                    v.code().eq_ignore_ascii_case(text)
                        || v.label(Lang::En).eq_ignore_ascii_case(text)
                        || v.label(Lang::Zh) == text
                })
            }

            /// The accepted codes, for error messages: "high, medium, low".
            pub fn codes() -> String {
                Self::ALL.iter().map(|v| v.code()).collect::<Vec<_>>().join(", ")
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }
    };
}

mod event;
mod issue;
pub mod local_time;
mod meeting;
mod notification;
mod people;
mod settings;
mod task;

pub use event::{Event, EventKind};
pub use issue::{
    Acceptance, Closing, Comment, Escalation, Issue, IssueDraft, IssueRecord, Priority, Resolution, Status,
};
pub use meeting::{Confirmation, Meeting, MeetingMode, Participant};
pub use notification::{ChannelKind, Delivery};
pub use people::{Actor, Department, Person, Proxy, Role};
pub use settings::{NumberFormat, Settings};
pub use task::{HelpRequest, Progress, Risk, Task, TaskState};
