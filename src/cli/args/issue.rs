//! One issue's life: register, edit, list, show, answer, escalate, resolve, accept, archive, attach.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::parse::{dept_code, sort_key, vocab};
use crate::domain::Priority;
use crate::store::SortKey;

#[derive(Debug, Args)]
pub struct AddArgs {
    /// 标题
    #[arg(long)]
    pub title: String,
    /// 背景: why the issue arose
    #[arg(long)]
    pub background: String,
    /// 具体诉求: what the other departments should deliver, and by when
    #[arg(long)]
    pub request: String,
    /// 涉及部门: codes, comma-separated, e.g. RD,QA
    #[arg(long = "dept", value_delimiter = ',', required = true)]
    pub departments: Vec<String>,
    /// 优先级: high (24 h), medium (3 working days), low (5 working days)
    #[arg(long, value_parser = vocab::<Priority>, default_value = "medium")]
    pub priority: Priority,
    /// The proposing department [default: yours]
    #[arg(long, value_parser = dept_code)]
    pub proposer_dept: Option<String>,
    /// 提出时间, if not now, e.g. 10-25 09:30, yesterday 15:00, 9:30 (today)
    #[arg(long, value_name = "WHEN")]
    pub at: Option<String>,
}

#[derive(Debug, Args)]
pub struct EditArgs {
    /// The number, e.g. 20231025-RD-001 (`liaison list` shows them)
    pub number: String,
    /// New title (标题)
    #[arg(long)]
    pub title: Option<String>,
    /// New background (背景)
    #[arg(long)]
    pub background: Option<String>,
    /// New request (具体诉求)
    #[arg(long)]
    pub request: Option<String>,
    /// Departments involved, comma-separated codes, e.g. RD,QA (replaces the list)
    #[arg(long = "dept", value_delimiter = ',')]
    pub departments: Option<Vec<String>>,
    /// Refuse if the issue is no longer at this version (see `show`)
    #[arg(long)]
    pub if_version: Option<i64>,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub filters: ListFilters,
    /// CSV for Excel (UTF-8 with BOM)
    #[arg(long, conflicts_with_all = ["json", "xlsx"])]
    pub csv: bool,
    /// An Excel workbook: the issues, and their tasks on a second sheet
    #[arg(long, value_name = "FILE", conflicts_with = "json")]
    pub xlsx: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ListFilters {
    /// Only these stages (repeatable): registered, in_progress, awaiting_acceptance, resolved, archived, open
    #[arg(long, value_delimiter = ',')]
    pub status: Vec<String>,
    /// Proposed by or involving this department
    #[arg(long, value_parser = dept_code)]
    pub dept: Option<String>,
    /// Only this priority: high, medium or low
    #[arg(long, value_parser = vocab::<Priority>)]
    pub priority: Option<Priority>,
    /// Involving my department or naming me
    #[arg(long)]
    pub mine: bool,
    /// Response deadline breached or a task overdue
    #[arg(long)]
    pub overdue: bool,
    /// Response or a task due by the end of the next working day
    #[arg(long)]
    pub due_soon: bool,
    /// Escalated now: an escalation not yet closed, on an open issue (the 已升级 view)
    #[arg(long, conflicts_with = "ever_escalated")]
    pub escalated: bool,
    /// Escalated at any time, closed or not, in any stage
    #[arg(long)]
    pub ever_escalated: bool,
    /// Full-text search (Chinese substrings of 2+ characters match)
    #[arg(long)]
    pub text: Option<String>,
    /// deadline, priority, updated or number
    #[arg(long, value_parser = sort_key, default_value = "deadline")]
    pub sort: SortKey,
    /// At most this many rows
    #[arg(long)]
    pub limit: Option<u32>,
    /// Skip this many rows first (with --limit, for paging)
    #[arg(long, default_value_t = 0)]
    pub offset: u32,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The number, e.g. 20231025-RD-001 (`liaison list` shows them)
    pub number: String,
    /// The filled-in template as Markdown
    #[arg(long)]
    pub md: bool,
}

#[derive(Debug, Args)]
pub struct NumberArg {
    /// The number, e.g. 20231025-RD-001 (`liaison list` shows them)
    pub number: String,
}

#[derive(Debug, Args)]
pub struct AckArgs {
    /// The number, e.g. 20231025-RD-001 (`liaison list` shows them)
    pub number: String,
    /// An optional note, e.g. who will look at it and when
    #[arg(long)]
    pub note: Option<String>,
}

#[derive(Debug, Args)]
pub struct CommentArgs {
    /// The number, e.g. 20231025-RD-001 (`liaison list` shows them)
    pub number: String,
    /// The comment
    pub text: String,
}

#[derive(Debug, Args)]
pub struct EscalateArgs {
    /// The number, e.g. 20231025-RD-001 (`liaison list` shows them)
    pub number: String,
    /// Why it needs escalating (升级原因)
    #[arg(long)]
    pub reason: String,
    /// To whom, e.g. 分管副总 or a login
    #[arg(long)]
    pub to: String,
}

#[derive(Debug, Args)]
pub struct ResolveArgs {
    /// The number, e.g. 20231025-RD-001 (`liaison list` shows them)
    pub number: String,
    /// 解决方案
    #[arg(long)]
    pub solution: String,
    /// 负责人 (login)
    #[arg(long)]
    pub owner: String,
    /// 反馈人 (login) who accepts the result [default: the proposer]
    #[arg(long)]
    pub feedback: Option<String>,
    /// 解决时间, if not now, e.g. 10-25 14:00, today 9:30, 9:30 (today)
    #[arg(long, value_name = "WHEN")]
    pub at: Option<String>,
    /// Coordinators: why the solution goes ahead before any involved department responded
    #[arg(long, value_name = "REASON")]
    pub without_response: Option<String>,
}

#[derive(Debug, Args)]
pub struct AcceptArgs {
    /// The number, e.g. 20231025-RD-001 (`liaison list` shows them)
    pub number: String,
    /// Coordinators and admins accepting for the feedback person: why (e.g. 电话确认)
    #[arg(long, value_name = "REASON")]
    pub for_reason: Option<String>,
}

#[derive(Debug, Args)]
pub struct RefuseArgs {
    /// The number, e.g. 20231025-RD-001 (`liaison list` shows them)
    pub number: String,
    /// What is missing or wrong in the result
    #[arg(long)]
    pub reason: String,
    /// Coordinators and admins refusing for the feedback person: why (e.g. 电话确认)
    #[arg(long, value_name = "REASON")]
    pub for_reason: Option<String>,
}

#[derive(Debug, Args)]
pub struct DeescalateArgs {
    /// The number, e.g. 20231025-RD-001 (`liaison list` shows them)
    pub number: String,
    /// What was decided, e.g. 分管副总已协调资源
    #[arg(long)]
    pub note: String,
}

#[derive(Debug, Args)]
pub struct ArchiveArgs {
    /// The number, e.g. 20231025-RD-001 (`liaison list` shows them)
    pub number: String,
    /// 复盘: what went well, what to improve
    #[arg(long)]
    pub retro: String,
}

#[derive(Debug, Args)]
pub struct AttachArgs {
    /// The number, e.g. 20231025-RD-001
    pub number: String,
    /// The file to attach (at most the limit in `settings show`, 20 MiB by default)
    pub file: PathBuf,
    /// What the file is, e.g. 测试报告
    #[arg(long)]
    pub note: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum AttachmentCmd {
    /// Save attachment ID of the issue to OUT (a file or a directory; default: the current directory)
    Save {
        /// The number, e.g. 20231025-RD-001
        number: String,
        /// The attachment's id (`liaison attachments NUMBER` lists them)
        id: i64,
        /// Where to save it [default: the current directory, under its own name]
        out: Option<PathBuf>,
    },
}
