//! The command line's grammar, and the parsers that turn typed text into domain values.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};

use crate::domain::deadline::ResponseRule;
use crate::domain::*;
use crate::i18n::Lang;
use crate::store::SortKey;

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
    Notify(super::notify::NotifyCmd),
}

#[derive(Debug, Subcommand)]
pub enum AdminCmd {
    /// Root: install liaison setgid at PATH (root:GROUP, 2755), make DIR the group's directory
    /// (2770) holding DIR/liaison.db (0660) and its audit key (0640), name it in
    /// /etc/liaison/config.toml, and check it all like `doctor`
    SetupShared {
        /// The shared directory, e.g. /srv/liaison (created if needed)
        dir: PathBuf,
        /// The group that owns the database; the people who use liaison are NOT in it
        #[arg(long)]
        group: String,
        /// Where the setgid binary is installed, e.g. /usr/local/bin/liaison
        #[arg(long, value_name = "PATH")]
        binary: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCmd {
    /// Walk the history chain and report the first event that was edited, deleted or inserted
    Verify {
        /// Also check that the chain still holds this head, as printed by `audit anchor` (ID:HASH)
        #[arg(long, value_name = "ID:HASH")]
        anchor: Option<String>,
    },
    /// Print the current head of the chain as ID:HASH, for an admin to keep elsewhere
    Anchor,
    /// Hash events written without a hash (by a bulk import), in order (admins only)
    Rehash,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell: bash, zsh, fish, elvish or powershell
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// Where to write the copy (a new file)
    pub file: PathBuf,
    /// Replace FILE if it exists
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// A backup written by `liaison backup`
    pub file: PathBuf,
}

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

/// A size: bytes, or with KiB/MiB/GiB (K, M, G, KB, MB and GB mean the same).
pub fn size(text: &str) -> Result<u64, String> {
    let t = text.trim().to_ascii_lowercase();
    let digits: String = t.chars().take_while(|c| c.is_ascii_digit()).collect();
    let unit = t[digits.len()..].trim();
    let shift = match unit {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        _ => return Err(format!("`{text}` is not a size: write e.g. 20MiB / 大小应写成 20MiB")),
    };
    let n: u64 =
        digits.parse().map_err(|_| format!("`{text}` is not a size: write e.g. 20MiB / 大小应写成 20MiB"))?;
    n.checked_shl(shift)
        .filter(|v| *v > 0 && v >> shift == n)
        .ok_or_else(|| format!("`{text}` is out of range / 超出范围"))
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
    /// The issue's number, e.g. 20231025-RD-001 (`liaison list` shows them)
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
    /// The issue's number, e.g. 20231025-RD-001 (`liaison list` shows them)
    pub number: String,
    /// The filled-in template as Markdown
    #[arg(long)]
    pub md: bool,
}

#[derive(Debug, Args)]
pub struct AlertsArgs {
    /// Only my tasks
    #[arg(long)]
    pub mine: bool,
    /// Only this department's tasks
    #[arg(long, value_parser = dept_code)]
    pub dept: Option<String>,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// First day of the period (registration day) [default: the Monday eleven weeks before this week's]
    #[arg(long = "from", value_name = "DATE")]
    pub from_text: Option<String>,
    /// Last day of the period [default: today]
    #[arg(long = "to", value_name = "DATE")]
    pub to_text: Option<String>,
    /// `--from` as read with the store's calendar (see [`ReportArgs::read_dates`]).
    #[arg(skip)]
    pub from: Option<NaiveDate>,
    /// `--to` as read with the store's calendar.
    #[arg(skip)]
    pub to: Option<NaiveDate>,
    /// Only this department: the issues it is involved in, the tasks it owns
    #[arg(long, value_parser = dept_code)]
    pub dept: Option<String>,
    /// Only issues of this priority: high, medium or low
    #[arg(long, value_parser = vocab::<Priority>)]
    pub priority: Option<Priority>,
    /// Every figure as CSV rows (section, group, key, measure, value), UTF-8 with BOM
    #[arg(long, conflicts_with_all = ["json", "html"])]
    pub csv: bool,
    /// Write one self-contained HTML page with charts (prints on A4) to FILE
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct NumberArg {
    /// The issue's number, e.g. 20231025-RD-001 (`liaison list` shows them)
    pub number: String,
}

#[derive(Debug, Args)]
pub struct AckArgs {
    /// The issue's number, e.g. 20231025-RD-001 (`liaison list` shows them)
    pub number: String,
    /// An optional note, e.g. who will look at it and when
    #[arg(long)]
    pub note: Option<String>,
}

#[derive(Debug, Args)]
pub struct CommentArgs {
    /// The issue's number, e.g. 20231025-RD-001 (`liaison list` shows them)
    pub number: String,
    /// The comment
    pub text: String,
}

#[derive(Debug, Subcommand)]
pub enum MeetingCmd {
    /// Record a meeting (沟通记录)
    Add {
        /// The issue's number, e.g. 20231025-RD-001 (`liaison list` shows them)
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
        /// The issue's number, e.g. 20231025-RD-001 (`liaison list` shows them)
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
        /// The issue's number, e.g. 20231025-RD-001 (`liaison list` shows them)
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
        /// The issue's number, e.g. 20231025-RD-001 (`liaison list` shows them)
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
        /// Add the department to the issue's departments if it is not involved yet
        #[arg(long)]
        involve: bool,
    },
    /// Cancel an open task, with the reason (the work is no longer needed, or done elsewhere)
    Cancel {
        /// The issue's number, e.g. 20231025-RD-001 (`liaison list` shows them)
        number: String,
        /// The task's number within the issue (1, 2, …)
        task: i64,
        /// Why it is no longer needed, e.g. 需求取消
        #[arg(long)]
        reason: String,
    },
    /// Update a task: state, % done, owner, deadline, title
    Update {
        /// The issue's number, e.g. 20231025-RD-001 (`liaison list` shows them)
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
        /// The issue's number, e.g. 20231025-RD-001 (`liaison list` shows them)
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
        /// The issue's number, e.g. 20231025-RD-001 (`liaison list` shows them)
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

#[derive(Debug, Args)]
pub struct EscalateArgs {
    /// The issue's number, e.g. 20231025-RD-001 (`liaison list` shows them)
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
    /// The issue's number, e.g. 20231025-RD-001 (`liaison list` shows them)
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
    /// The issue's number, e.g. 20231025-RD-001 (`liaison list` shows them)
    pub number: String,
    /// Coordinators and admins accepting for the feedback person: why (e.g. 电话确认)
    #[arg(long, value_name = "REASON")]
    pub for_reason: Option<String>,
}

#[derive(Debug, Args)]
pub struct RefuseArgs {
    /// The issue's number, e.g. 20231025-RD-001 (`liaison list` shows them)
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
    /// The issue's number, e.g. 20231025-RD-001 (`liaison list` shows them)
    pub number: String,
    /// What was decided, e.g. 分管副总已协调资源
    #[arg(long)]
    pub note: String,
}

#[derive(Debug, Args)]
pub struct ArchiveArgs {
    /// The issue's number, e.g. 20231025-RD-001 (`liaison list` shows them)
    pub number: String,
    /// 复盘: what went well, what to improve
    #[arg(long)]
    pub retro: String,
}

/// The language argument errors are written in: `--lang` if given, else the environment's.
/// Value parsers run before `Cli` exists, so `--lang` is read from the raw arguments.
pub fn argument_lang() -> Lang {
    static LANG: std::sync::OnceLock<Lang> = std::sync::OnceLock::new();
    *LANG.get_or_init(|| {
        let args: Vec<String> = std::env::args().collect();
        let flag = args.iter().enumerate().find_map(|(i, a)| match a.strip_prefix("--lang") {
            Some("") => args.get(i + 1).cloned(),
            Some(rest) => rest.strip_prefix('=').map(str::to_string),
            None => None,
        });
        flag.as_deref().and_then(Lang::parse).or_else(Lang::from_env).unwrap_or_default()
    })
}

fn env_lang() -> Lang {
    argument_lang()
}

fn dept_code(text: &str) -> Result<String, String> {
    let code = text.trim().to_ascii_uppercase();
    if crate::domain::number::is_valid_dept_code(&code) {
        Ok(code)
    } else {
        Err(env_lang()
            .pick(
                "is not a department code: 2 to 6 letters, e.g. RD, MKT",
                "不是部门代码：应为 2 到 6 个字母，如 RD、MKT",
            )
            .to_string())
    }
}

/// Any closed vocabulary of the domain (priority, role, state…), by code or label.
trait Vocabulary: Sized + Copy + Send + Sync + 'static {
    fn parse_word(text: &str) -> Option<Self>;
    fn all_codes() -> String;
}

macro_rules! vocabulary_arg {
    ($($t:ty),+) => {$(
        impl Vocabulary for $t {
            fn parse_word(text: &str) -> Option<Self> { <$t>::parse(text) }
            fn all_codes() -> String { <$t>::codes() }
        }
    )+};
}

vocabulary_arg!(Priority, Role, NumberFormat, MeetingMode, TaskState, Status);

fn vocab<T: Vocabulary>(text: &str) -> Result<T, String> {
    T::parse_word(text)
        .ok_or_else(|| format!("{} {}", env_lang().pick("choose one of:", "可选："), T::all_codes()))
}

/// A whole percentage, 0 to 100.
fn percent(text: &str) -> Result<u8, String> {
    text.trim().parse::<u8>().ok().filter(|p| *p <= 100).ok_or_else(|| {
        env_lang().pick("give a whole number from 0 to 100", "请填写 0 到 100 的整数").to_string()
    })
}

fn rule(text: &str) -> Result<ResponseRule, String> {
    ResponseRule::parse(text).ok_or_else(|| {
        env_lang()
            .pick("write hours like 24h or working days like 3wd", "请写成小时（如 24h）或工作日（如 3wd）")
            .to_string()
    })
}

fn sort_key(text: &str) -> Result<SortKey, String> {
    SortKey::parse(text).ok_or_else(|| {
        format!("{} deadline, priority, updated, number", env_lang().pick("choose one of:", "可选："))
    })
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// With --docx: the issue's number (or none for every issue the filters select, into a
    /// directory). With --json: the output file (`-` for standard output), after the number if one.
    pub items: Vec<String>,
    /// The filled-in form as a Word document: a file for one issue, a directory for many
    #[arg(long, value_name = "PATH")]
    pub docx: Option<PathBuf>,
    /// Every issue (with --json); without it the list filters select
    #[arg(long)]
    pub all: bool,
    #[command(flatten)]
    pub filters: ListFilters,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// A .csv, .xlsx, .xls or .json file
    pub file: PathBuf,
    /// Check every row and list what is wrong; write nothing
    #[arg(long)]
    pub dry_run: bool,
    /// The worksheet to read (default: the first)
    #[arg(long)]
    pub sheet: Option<String>,
}

#[derive(Debug, Args)]
pub struct AttachArgs {
    /// The issue's number, e.g. 20231025-RD-001
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
        /// The issue's number, e.g. 20231025-RD-001
        number: String,
        /// The attachment's id (`liaison attachments NUMBER` lists them)
        id: i64,
        /// Where to save it [default: the current directory, under its own name]
        out: Option<PathBuf>,
    },
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
