//! The command line's grammar: `Cli` and `Command` here, each family of commands in its own
//! file, and the parsers that turn typed text into domain values in `parse`.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

mod admin;
mod issue;
mod parse;
mod report;
mod setup;
mod work;

pub use admin::{AdminCmd, AuditCmd, BackupArgs, CompletionsArgs, RestoreArgs};
pub use issue::{
    AcceptArgs, AckArgs, AddArgs, ArchiveArgs, AttachArgs, AttachmentCmd, CommentArgs, DeescalateArgs,
    EditArgs, EscalateArgs, ListArgs, ListFilters, NumberArg, RefuseArgs, ResolveArgs, ShowArgs,
};
pub use parse::argument_lang;
pub use report::{AlertsArgs, ExportArgs, ImportArgs, ReportArgs};
pub use setup::{CalendarCmd, ContactArgs, DemoArgs, DeptCmd, InitArgs, SettingsCmd, UserCmd};
pub use work::{MeetingCmd, ProgressCmd, RiskCmd, TaskCmd};

#[derive(Debug, Parser)]
#[command(
    name = "liaison",
    version,
    about = "Cross-department collaboration records and issue feedback (多部门协作沟通记录与问题反馈)",
    long_about = "Cross-department collaboration records and issue feedback (多部门协作沟通记录与问题反馈).\n\n\
        Dates and times are local and read as the console reads them: 2026-10-30, 10-30, \
        10-30 17:00, today, tomorrow, yesterday, today 10:00, 10:00 (today), +3d, +2wd (working days), \
        +2wd 10:00. Exit code 2 means the input was refused and nothing was written."
)]
pub struct Cli {
    /// The database file [env: LIAISON_DB; default: $XDG_DATA_HOME/liaison/liaison.db]
    #[arg(long, global = true, value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// Language of the output: en or zh [default: from the configuration or LANG]
    #[arg(long, global = true, value_name = "LANG")]
    pub lang: Option<String>,
    /// Act for another person (admins only; recorded as on behalf)
    #[arg(long = "as", global = true, value_name = "LOGIN")]
    pub run_as: Option<String>,
    /// Print JSON instead of text
    #[arg(long, global = true)]
    pub json: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Set up a new database: the first department, and you as its first admin
    Init(InitArgs),
    /// Who you are in this database
    Whoami,
    /// Departments
    #[command(subcommand)]
    Dept(DeptCmd),
    /// People and roles
    #[command(subcommand)]
    User(UserCmd),
    /// The working-day calendar: holidays and make-up working days
    #[command(subcommand)]
    Calendar(CalendarCmd),
    /// Numbering and response deadlines
    #[command(subcommand)]
    Settings(SettingsCmd),
    /// Fill the database with realistic demo data in Chinese
    Demo(DemoArgs),
    /// Register an issue (登记问题/需求)
    Add(AddArgs),
    /// Edit an issue's description
    Edit(EditArgs),
    /// List issues
    List(ListArgs),
    /// Show one issue: every section of the template and its timeline
    Show(ShowArgs),
    /// Tasks that are overdue or need a risk alert
    Alerts(AlertsArgs),
    /// How well the departments keep the template's promises: responses, tasks, risk alerts,
    /// resolution, open load, escalations, minutes, weekly trend
    Report(ReportArgs),
    /// Acknowledge an issue (the first response of an involved department)
    Ack(AckArgs),
    /// Comment on an issue
    Comment(CommentArgs),
    /// Meetings and their minutes
    #[command(subcommand)]
    Meeting(MeetingCmd),
    /// Tasks per department
    #[command(subcommand)]
    Task(TaskCmd),
    /// Progress updates
    #[command(subcommand)]
    Progress(ProgressCmd),
    /// Risk alerts
    #[command(subcommand)]
    Risk(RiskCmd),
    /// Escalate an issue (需升级)
    Escalate(EscalateArgs),
    /// Enter the solution (解决方案); the issue then awaits acceptance
    Resolve(ResolveArgs),
    /// Close the issue's escalation with a note (解除升级)
    Deescalate(DeescalateArgs),
    /// Accept the result (as the feedback person)
    Accept(AcceptArgs),
    /// Refuse the result with a reason; the issue goes back to in progress
    Refuse(RefuseArgs),
    /// Archive a resolved issue with its retrospective (复盘)
    Archive(ArchiveArgs),
    /// Export: one issue as the filled-in form (--docx), many as one file each, or everything as JSON
    Export(ExportArgs),
    /// Import issues from .csv (UTF-8 or GBK), .xlsx/.xls or liaison's JSON; --dry-run first
    Import(ImportArgs),
    /// Attach a file to an issue (a test report, a screenshot, a signed acceptance)
    Attach(AttachArgs),
    /// List an issue's attachments
    Attachments(NumberArg),
    /// Save an attachment to a file
    #[command(subcommand)]
    Attachment(AttachmentCmd),
    /// The tamper-evident history: verify it, print its head to keep elsewhere, hash new events
    #[command(subcommand)]
    Audit(AuditCmd),
    /// Copy the database to FILE while others keep working (online backup)
    Backup(BackupArgs),
    /// Replace the database with a backup (admins only); the current one is kept beside it
    Restore(RestoreArgs),
    /// Check the database, its files, permissions and file system; say how to fix what is wrong
    Doctor,
    /// Print a shell completion script: bash, zsh, fish, elvish or powershell
    Completions(CompletionsArgs),
    /// Print the manual page (roff), e.g. `liaison man | gzip > /usr/local/share/man/man1/liaison.1.gz`
    Man,
    /// Server administration: a shared database for many logins
    #[command(subcommand)]
    Admin(AdminCmd),
    /// Notifications (同步): WeCom, DingTalk, Feishu, e-mail and webhooks
    #[command(subcommand)]
    Notify(crate::cli::notify::NotifyCmd),
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::Cli;

    /// Every option and argument of every command says what it is for in `--help`.
    #[test]
    fn every_argument_has_a_help_line() {
        fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
            for arg in cmd.get_arguments() {
                let id = arg.get_id().as_str();
                if matches!(id, "help" | "version") || arg.is_hide_set() {
                    continue;
                }
                if arg.get_help().is_none() && arg.get_long_help().is_none() {
                    missing.push(format!("{path} {id}"));
                }
            }
            for sub in cmd.get_subcommands() {
                if sub.get_about().is_none() && sub.get_name() != "help" {
                    missing.push(format!("{path} {} (the command itself)", sub.get_name()));
                }
                walk(sub, &format!("{path} {}", sub.get_name()), missing);
            }
        }
        let mut missing = Vec::new();
        walk(&Cli::command(), "liaison", &mut missing);
        assert!(missing.is_empty(), "no help line:\n{}", missing.join("\n"));
    }
}
