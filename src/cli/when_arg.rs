//! Dates and times typed on the command line, read exactly as the console reads them
//! ([`crate::domain::when`]): `2026-10-30`, `10-30 17:00`, `today 10:00`, `10:00`, `+3d`, `+2wd`.
//! Working days need the store's calendar, so the arguments stay text until a command reads them.

use chrono::{NaiveDate, NaiveDateTime};

use super::args::ReportArgs;
use super::{CliError, CliResult, Session};
use crate::domain::when::{self, Ahead, When};

impl Session {
    fn read_when(&mut self, option: &str, text: &str, ahead: Ahead) -> CliResult<When> {
        let calendar = self.store.calendar()?;
        when::parse(text, self.now, &calendar, ahead)
            .map_err(|e| CliError::new(format!("{option} {}", e.en), format!("{option} {}", e.zh)))
    }

    /// A day (`--deadline`, `--from`…); a time of day typed with it is not kept.
    pub fn day_arg(&mut self, option: &str, text: &str, ahead: Ahead) -> CliResult<NaiveDate> {
        Ok(self.read_when(option, text, ahead)?.date)
    }

    /// [`Session::day_arg`] for an option that may be left out.
    pub fn day_opt(
        &mut self,
        option: &str,
        text: Option<&str>,
        ahead: Ahead,
    ) -> CliResult<Option<NaiveDate>> {
        text.map(|t| self.day_arg(option, t, ahead)).transpose()
    }

    /// A moment (`--at`): a day without a time is at the present time of day, as in the console.
    pub fn time_arg(&mut self, option: &str, text: &str, ahead: Ahead) -> CliResult<NaiveDateTime> {
        let now = self.now.time();
        Ok(self.read_when(option, text, ahead)?.at(now))
    }

    /// [`Session::time_arg`] for an option that may be left out.
    pub fn time_opt(
        &mut self,
        option: &str,
        text: Option<&str>,
        ahead: Ahead,
    ) -> CliResult<Option<NaiveDateTime>> {
        text.map(|t| self.time_arg(option, t, ahead)).transpose()
    }
}

impl ReportArgs {
    /// Reads `--from` and `--to` (days behind, like any period looked back on).
    pub fn read_dates(mut self, s: &mut Session) -> CliResult<ReportArgs> {
        self.from = s.day_opt("--from", self.from_text.as_deref(), Ahead::Past)?;
        self.to = s.day_opt("--to", self.to_text.as_deref(), Ahead::Past)?;
        Ok(self)
    }
}
