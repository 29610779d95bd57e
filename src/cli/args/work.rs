//! The work on an issue: meetings and minutes, tasks, progress updates and risk alerts.

use clap::Subcommand;

use super::parse::{dept_code, percent, vocab};
use crate::domain::{MeetingMode, TaskState};

#[derive(Debug, Subcommand)]
pub enum MeetingCmd {
    /// Record a meeting (沟通记录)
    Add {
        /// The number, e.g. 20231025-RD-001 (`liaison list` shows them)
        number: String,
        /// Participants' logins, comma-separated; their departments are their own
        #[arg(long, value_delimiter = ',', required = true)]
        participants: Vec<String>,
        /// 沟通内容摘要
        #[arg(long)]
        summary: String,
        /// 争议点
        #[arg(long, default_value = "")]
        disputes: String,
        /// 达成共识
        #[arg(long)]
        consensus: String,
        /// online or offline (线上/线下)
        #[arg(long, value_parser = vocab::<MeetingMode>, default_value = "offline")]
        mode: MeetingMode,
        /// 沟通时间, if not now, e.g. 10-25 14:00, 今天 10:00, 14:00 (today)
        #[arg(long, value_name = "WHEN")]
        at: Option<String>,
    },
    /// Confirm the minutes of a meeting you took part in, or object with --object REASON
    Confirm {
        /// The number, e.g. 20231025-RD-001 (`liaison list` shows them)
        number: String,
        /// The meeting's number within the issue (1, 2, …)
        meeting: i64,
        /// Object instead of confirming: what is wrong in the minutes
        #[arg(long, value_name = "REASON")]
        object: Option<String>,
        /// Answer for this participant (coordinators and admins, with --for-reason)
        #[arg(long = "for", value_name = "LOGIN", requires = "for_reason")]
        for_login: Option<String>,
        /// Why you answer for them, e.g. 电话确认
        #[arg(long, value_name = "REASON", requires = "for_login")]
        for_reason: Option<String>,
    },
    /// Amend the minutes (the recorder's answer to an objection): every participant confirms
    /// the new version again; the old one stays in the history
    Amend {
        /// The number, e.g. 20231025-RD-001 (`liaison list` shows them)
        number: String,
        /// The meeting's number within the issue (1, 2, …)
        meeting: i64,
        /// 沟通内容摘要 [default: unchanged]
        #[arg(long)]
        summary: Option<String>,
        /// 争议点 [default: unchanged]
        #[arg(long)]
        disputes: Option<String>,
        /// 达成共识 [default: unchanged]
        #[arg(long)]
        consensus: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum TaskCmd {
    /// Add a task for a department
    Add {
        /// The number, e.g. 20231025-RD-001 (`liaison list` shows them)
        number: String,
        /// The department doing the task, e.g. RD
        #[arg(long, value_parser = dept_code)]
        dept: String,
        /// What is to be done (任务内容)
        #[arg(long)]
        title: String,
        /// Who does it (a login)
        #[arg(long)]
        owner: String,
        /// Today or later: 2026-10-30, 10-30, +3d, +2wd (working days)
        #[arg(long, value_name = "DATE")]
        deadline: String,
        /// Add the department to the departments if it is not involved yet
        #[arg(long)]
        involve: bool,
    },
    /// Cancel an open task, with the reason (the work is no longer needed, or done elsewhere)
    Cancel {
        /// The number, e.g. 20231025-RD-001 (`liaison list` shows them)
        number: String,
        /// The task's number within the issue (1, 2, …)
        task: i64,
        /// Why it is no longer needed, e.g. 需求取消
        #[arg(long)]
        reason: String,
    },
    /// Update a task: state, % done, owner, deadline, title
    Update {
        /// The number, e.g. 20231025-RD-001 (`liaison list` shows them)
        number: String,
        /// The task's number within the issue (1, 2, …)
        task: i64,
        /// todo, doing, blocked or done (cancel with `task cancel`)
        #[arg(long, value_parser = vocab::<TaskState>)]
        state: Option<TaskState>,
        /// Percent done, 0 to 100; 100 marks it done
        #[arg(long, value_parser = percent)]
        percent: Option<u8>,
        /// New owner (a login)
        #[arg(long)]
        owner: Option<String>,
        /// New deadline, today or later: 2026-10-30, 10-30, +3d, +2wd (working days)
        #[arg(long, value_name = "DATE")]
        deadline: Option<String>,
        /// New title
        #[arg(long)]
        title: Option<String>,
        /// Refuse if the issue is no longer at this version (see `show`)
        #[arg(long)]
        if_version: Option<i64>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ProgressCmd {
    /// Add a dated progress update (进度更新)
    Add {
        /// The number, e.g. 20231025-RD-001 (`liaison list` shows them)
        number: String,
        /// What was done (当前进度)
        #[arg(long)]
        note: String,
        /// The task it is about (its number within the issue)
        #[arg(long)]
        task: Option<i64>,
        /// The task's percent done after this update, 0 to 100
        #[arg(long, value_parser = percent)]
        percent: Option<u8>,
        /// Needs help from this department…
        #[arg(long, value_parser = dept_code, requires = "help_what")]
        help_dept: Option<String>,
        /// …with this
        #[arg(long, requires = "help_dept")]
        help_what: Option<String>,
        /// When it happened, if not now, e.g. 10-25 14:00, yesterday 17:00, 9:30 (today)
        #[arg(long, value_name = "WHEN")]
        at: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum RiskCmd {
    /// Raise a risk alert on a task, at least one working day before its deadline (风险预警)
    Add {
        /// The number, e.g. 20231025-RD-001 (`liaison list` shows them)
        number: String,
        /// The task at risk (its number within the issue)
        #[arg(long)]
        task: i64,
        /// Why the deadline is at risk (原因)
        #[arg(long)]
        reason: String,
        /// The adjusted plan
        #[arg(long)]
        plan: String,
        /// The new deadline, if any: 2026-10-30, 10-30, +3d, +2wd (working days)
        #[arg(long, value_name = "DATE")]
        new_date: Option<String>,
    },
}
