//! The organisation: init, departments, people and their contacts, calendar, settings, demo data.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::parse::{dept_code, rule, size, vocab};
use crate::domain::deadline::ResponseRule;
use crate::domain::{NumberFormat, Priority, Role};

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Your display name, e.g. 张三 [default: from the passwd entry]
    #[arg(long)]
    pub name: Option<String>,
    /// Code of your department (2–6 capital letters), e.g. OPS
    #[arg(long, value_parser = dept_code)]
    pub dept: String,
    /// Name of your department, e.g. 运营部
    #[arg(long)]
    pub dept_name: String,
    /// How issues are numbered: dated (20231025-RD-001) or running (RD-001)
    #[arg(long, value_parser = vocab::<NumberFormat>)]
    pub number_format: Option<NumberFormat>,
}

#[derive(Debug, Subcommand)]
pub enum DeptCmd {
    /// Add a department
    Add {
        /// Department code: 2–6 capital letters, e.g. RD
        #[arg(value_parser = dept_code)]
        code: String,
        /// Department name, e.g. 研发部
        name: String,
        /// The department head's login
        #[arg(long)]
        head: Option<String>,
    },
    /// List departments
    List,
}

#[derive(Debug, Subcommand)]
pub enum UserCmd {
    /// Register a person by their OS login
    Add {
        /// The person's OS login (what `whoami` prints when they run liaison)
        login: String,
        /// Display name, e.g. 张三
        #[arg(long)]
        name: String,
        /// Their department's code, e.g. RD
        #[arg(long, value_parser = dept_code)]
        dept: String,
        /// viewer, member, coordinator or admin
        #[arg(long, value_parser = vocab::<Role>, default_value = "member")]
        role: Role,
        #[command(flatten)]
        contact: ContactArgs,
    },
    /// Set a person's e-mail, mobile, WeCom id and muted kinds (yourself, or admins for anyone)
    Set {
        /// The person's login
        login: String,
        #[command(flatten)]
        contact: ContactArgs,
    },
    /// List people
    List,
    /// Change a person's role: viewer, member, coordinator, admin
    SetRole {
        /// The person's login
        login: String,
        /// viewer, member, coordinator or admin
        #[arg(value_parser = vocab::<Role>)]
        role: Role,
    },
}

/// How notifications reach a person; an empty value clears one.
#[derive(Debug, Args, Default)]
pub struct ContactArgs {
    /// E-mail address, for mail notifications
    #[arg(long)]
    pub email: Option<String>,
    /// Mobile number, for DingTalk and WeCom @-mentions
    #[arg(long)]
    pub mobile: Option<String>,
    /// WeCom user id, for WeCom @-mentions
    #[arg(long)]
    pub wecom_id: Option<String>,
    /// Kinds of messages not to receive: all, or event kinds (registered, task_added, …); "" clears
    #[arg(long, value_delimiter = ',')]
    pub mute: Option<Vec<String>>,
}

#[derive(Debug, Subcommand)]
pub enum CalendarCmd {
    /// Mark a day (or a range with --to) as a public holiday
    AddHoliday {
        /// The first day off, e.g. 2026-10-01 or 10-01 (the next one)
        #[arg(value_name = "DATE")]
        date: String,
        /// The last day off, for a holiday of several days
        #[arg(long, value_name = "DATE")]
        to: Option<String>,
        /// The holiday's name, e.g. 国庆节
        #[arg(long, default_value = "假日")]
        name: String,
    },
    /// Mark a Saturday or Sunday as a make-up working day (调休上班)
    AddWorkday {
        /// A Saturday or Sunday worked, e.g. 2026-10-10 or 10-10 (the next one)
        #[arg(value_name = "DATE")]
        date: String,
        /// What it makes up for, e.g. 国庆节调休
        #[arg(long, default_value = "调休上班")]
        name: String,
    },
    /// Import an iCalendar (.ics) holiday feed
    Import {
        /// The .ics file, e.g. one published by a holiday calendar service
        file: PathBuf,
    },
    /// List the holidays and make-up days of a year
    List {
        /// The year [default: this year]
        #[arg(long)]
        year: Option<i32>,
    },
    /// The response deadline of an issue proposed at a time with a priority
    Due {
        /// When the issue is proposed, e.g. 2026-10-25 09:30, 10-25 17:00, tomorrow 9:30
        #[arg(long, value_name = "WHEN")]
        from: String,
        /// high, medium or low
        #[arg(long, value_parser = vocab::<Priority>)]
        priority: Priority,
    },
}

#[derive(Debug, Subcommand)]
pub enum SettingsCmd {
    /// Show the settings
    Show,
    /// Choose how issues are numbered: dated or running
    NumberFormat {
        /// dated (20231025-RD-001) or running (RD-001)
        #[arg(value_parser = vocab::<NumberFormat>)]
        format: NumberFormat,
    },
    /// Set the response deadline of a priority, e.g. `high 24h` or `medium 3wd`
    Response {
        /// high, medium or low
        #[arg(value_parser = vocab::<Priority>)]
        priority: Priority,
        /// Clock hours like 24h, or working days like 3wd
        #[arg(value_parser = rule)]
        rule: ResponseRule,
    },
    /// The largest attachment accepted, e.g. `20MiB`, `500KiB` or bytes
    AttachmentLimit {
        /// Bytes, or with KiB/MiB/GiB, e.g. 20MiB
        #[arg(value_parser = size)]
        size: u64,
    },
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// How many issues to create
    #[arg(long, default_value_t = 200)]
    pub issues: usize,
    /// Seed of the generator: the same seed gives the same data
    #[arg(long, default_value_t = 20231025)]
    pub seed: u64,
    /// Add the demo's issues to a database that already holds issues
    #[arg(long)]
    pub append: bool,
}
