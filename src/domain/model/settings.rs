//! Settings each organisation chooses: how issues are numbered and timed.

use serde::{Deserialize, Serialize};

use crate::i18n::Lang;

vocabulary! {
    /// How an issue's number is made.
    NumberFormat {
        Dated => "dated", "{date}-{dept}-{seq}", "{日期}-{部门}-{序号}";
        Running => "running", "{dept}-{seq}", "{部门}-{序号}";
    }
}

// The vocabulary macro derives no Default, so the one enum that needs it says so here.
#[allow(clippy::derivable_impls)]
impl Default for NumberFormat {
    fn default() -> Self {
        NumberFormat::Dated
    }
}

/// Configuration the template leaves to each organisation, kept in the database so that every
/// user of one file numbers and times issues alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Settings {
    pub number_format: NumberFormat,
    pub response: crate::domain::deadline::ResponseRules,
    /// The largest attachment accepted, in bytes; None for the default (20 MiB).
    #[serde(default)]
    pub attachment_limit: Option<u64>,
}

impl Settings {
    pub fn attachment_limit(&self) -> u64 {
        self.attachment_limit.unwrap_or(crate::domain::attachment::DEFAULT_LIMIT)
    }
}
