//! The template as data: departments, people, issues and every section of the form.
//!
//! Times are local wall-clock times (`NaiveDateTime`, server local time); the store converts
//! them to and from instants. Deadlines of tasks are calendar days, ending at 23:59:59.

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use crate::i18n::Lang;

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

vocabulary! {
    /// 优先级: decides the response deadline.
    Priority {
        High => "high", "High", "高";
        Medium => "medium", "Medium", "中";
        Low => "low", "Low", "低";
    }
}

vocabulary! {
    /// What a person may do; each role includes the ones before it.
    Role {
        Viewer => "viewer", "Viewer", "只读";
        Member => "member", "Member", "成员";
        Coordinator => "coordinator", "Coordinator", "协调人";
        Admin => "admin", "Admin", "管理员";
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

vocabulary! {
    TaskState {
        Todo => "todo", "To do", "未开始";
        Doing => "doing", "Doing", "进行中";
        Blocked => "blocked", "Blocked", "受阻";
        Done => "done", "Done", "已完成";
        Cancelled => "cancelled", "Cancelled", "已取消";
    }
}

vocabulary! {
    /// How an issue's number is made.
    NumberFormat {
        Dated => "dated", "{date}-{dept}-{seq}", "{日期}-{部门}-{序号}";
        Running => "running", "{dept}-{seq}", "{部门}-{序号}";
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

impl TaskState {
    /// Work still to do: not done and not cancelled.
    pub fn is_open(self) -> bool {
        !matches!(self, TaskState::Done | TaskState::Cancelled)
    }
}

impl Task {
    /// Sets the state and the percentage; the state follows the percentage where the two would
    /// disagree: 100% is done and done is 100%, work started is no longer "to do", and a task
    /// taken below 100% is no longer done.
    pub fn set_progress(&mut self, state: Option<TaskState>, percent: Option<u8>) {
        if let Some(p) = percent {
            self.percent = p.min(100);
        }
        match state {
            Some(TaskState::Done) => {
                self.state = TaskState::Done;
                self.percent = 100;
                return;
            }
            Some(TaskState::Todo) if percent.is_none() => self.percent = 0,
            Some(s) => self.state = s,
            None => {}
        }
        if let Some(TaskState::Todo) = state {
            self.state = TaskState::Todo;
        }
        if self.state == TaskState::Cancelled {
            return;
        }
        self.state = match (self.state, self.percent) {
            (_, 100) => TaskState::Done,
            (TaskState::Done, _) => TaskState::Doing,
            (TaskState::Todo, p) if p > 0 => TaskState::Doing,
            (s, _) => s,
        };
    }
}

impl Issue {
    /// Resolved or archived: the record of its response is final.
    pub fn is_closed(&self) -> bool {
        !self.status.is_open()
    }

    pub fn response_state(
        &self,
        now: NaiveDateTime,
        cal: &super::Calendar,
    ) -> super::deadline::ResponseState {
        super::deadline::response_state(
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

impl Meeting {
    /// Participants whose objection has not been answered by an amendment yet.
    pub fn objections(&self) -> impl Iterator<Item = &Participant> {
        self.participants.iter().filter(|p| p.confirmation == Confirmation::Objected)
    }

    pub fn pending(&self) -> impl Iterator<Item = &Participant> {
        self.participants.iter().filter(|p| p.confirmation == Confirmation::Pending)
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

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Department {
    pub code: String,
    pub name: String,
    pub head: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub login: String,
    pub display_name: String,
    pub dept: String,
    pub role: Role,
}

/// Who performs an action: the person, and the admin acting on their behalf if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Actor {
    pub person: Person,
    pub on_behalf_of: Option<String>,
}

impl Actor {
    pub fn login(&self) -> &str {
        &self.person.login
    }
    pub fn dept(&self) -> &str {
        &self.person.dept
    }
    pub fn role(&self) -> Role {
        self.person.role
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

/// Someone who acted for the person an answer belongs to (a coordinator who took the feedback
/// person's acceptance on the phone, say), and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proxy {
    pub by: String,
    /// Why they acted for the person ("电话确认"); none when an admin ran the command as that
    /// person (`--as`).
    pub reason: Option<String>,
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

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Task {
    pub id: i64,
    pub seq: i64,
    pub dept: String,
    pub title: String,
    pub owner: String,
    pub deadline: NaiveDate,
    pub state: TaskState,
    pub percent: u8,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HelpRequest {
    pub dept: String,
    pub what: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    pub id: i64,
    pub task_seq: Option<i64>,
    #[serde(serialize_with = "local_time::serialize", deserialize_with = "local_time::deserialize")]
    pub at: NaiveDateTime,
    pub by: String,
    pub percent: Option<u8>,
    pub note: String,
    pub help: Option<HelpRequest>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Risk {
    pub id: i64,
    pub task_seq: i64,
    #[serde(serialize_with = "local_time::serialize", deserialize_with = "local_time::deserialize")]
    pub raised_at: NaiveDateTime,
    pub by: String,
    pub reason: String,
    pub plan: String,
    pub new_deadline: Option<NaiveDate>,
    pub timely: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comment {
    pub id: i64,
    #[serde(serialize_with = "local_time::serialize", deserialize_with = "local_time::deserialize")]
    pub at: NaiveDateTime,
    pub by: String,
    pub body: String,
}

/// One change, as the timeline shows it: who, when, what, before and after.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub id: i64,
    pub issue_number: Option<String>,
    #[serde(serialize_with = "local_time::serialize", deserialize_with = "local_time::deserialize")]
    pub at: NaiveDateTime,
    pub actor: String,
    pub on_behalf_of: Option<String>,
    pub kind: EventKind,
    pub before: serde_json::Value,
    pub after: serde_json::Value,
}

impl Event {
    /// Whose act the event records, and who entered it for them if someone else did: an answer
    /// given on someone's behalf (`for` in the event), or a command run as them (`--as`).
    pub fn doer(&self) -> (&str, Option<Proxy>) {
        if let Some(owner) = self.after.get("for").and_then(|v| v.as_str()) {
            let reason = self.after.get("proxy_reason").and_then(|v| v.as_str()).map(str::to_string);
            return (owner, Some(Proxy { by: self.actor.clone(), reason }));
        }
        let proxy = self.on_behalf_of.as_ref().map(|admin| Proxy { by: admin.clone(), reason: None });
        (&self.actor, proxy)
    }
}

impl Proxy {
    /// "（root 代为操作：电话确认）" after the name of the person whose act it was; `name` shows a
    /// login as the reader knows it.
    pub fn suffix(&self, name: impl Fn(&str) -> String, lang: Lang) -> String {
        let by = name(&self.by);
        match (lang, self.reason.as_deref().filter(|r| !r.trim().is_empty())) {
            (Lang::Zh, Some(reason)) => format!("（{by} 代为操作：{reason}）"),
            (Lang::Zh, None) => format!("（{by} 代为操作）"),
            (Lang::En, Some(reason)) => format!(" (entered by {by} on their behalf: {reason})"),
            (Lang::En, None) => format!(" (entered by {by} on their behalf)"),
        }
    }
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

vocabulary! {
    /// What an event records. The timeline tells these apart.
    EventKind {
        Registered => "registered", "Registered", "登记";
        DescriptionEdited => "description_edited", "Description edited", "修改描述";
        Acknowledged => "acknowledged", "Acknowledged", "确认收到";
        Commented => "commented", "Comment", "评论";
        MeetingRecorded => "meeting_recorded", "Meeting recorded", "记录会议";
        MinutesConfirmed => "minutes_confirmed", "Minutes confirmed", "确认纪要";
        MinutesObjected => "minutes_objected", "Objection to minutes", "纪要异议";
        MinutesAmended => "minutes_amended", "Minutes amended", "修订纪要";
        TaskAdded => "task_added", "Task added", "新增任务";
        TaskUpdated => "task_updated", "Task updated", "更新任务";
        TaskCancelled => "task_cancelled", "Task cancelled", "取消任务";
        DepartmentInvolved => "department_involved", "Department involved", "新增涉及部门";
        ProgressAdded => "progress_added", "Progress", "进度更新";
        RiskRaised => "risk_raised", "Risk alert", "风险预警";
        Escalated => "escalated", "Escalated", "升级";
        EscalationClosed => "escalation_closed", "Escalation closed", "解除升级";
        Resolved => "resolved", "Solution entered", "填写解决方案";
        Accepted => "accepted", "Accepted", "验收通过";
        Refused => "refused", "Acceptance refused", "验收不通过";
        Archived => "archived", "Archived", "归档";
        DepartmentAdded => "department_added", "Department added", "新增部门";
        PersonAdded => "person_added", "Person added", "新增人员";
        RoleChanged => "role_changed", "Role changed", "角色变更";
        CalendarChanged => "calendar_changed", "Calendar changed", "日历变更";
        SettingChanged => "setting_changed", "Setting changed", "设置变更";
        ChannelChanged => "channel_changed", "Channel changed", "通知渠道变更";
        ContactChanged => "contact_changed", "Contact changed", "联系方式变更";
        Imported => "imported", "Imported", "导入";
        AttachmentAdded => "attachment_added", "Attachment added", "添加附件";
    }
}

vocabulary! {
    /// Where a notification goes: a group robot, mail, or another system.
    ChannelKind {
        Wecom => "wecom", "WeCom group robot", "企业微信群机器人";
        Dingtalk => "dingtalk", "DingTalk robot", "钉钉机器人";
        Feishu => "feishu", "Feishu bot", "飞书机器人";
        Email => "email", "E-mail", "电子邮件";
        Webhook => "webhook", "Webhook", "Webhook";
    }
}

vocabulary! {
    /// Where a notification is on its way.
    Delivery {
        Pending => "pending", "Pending", "待发送";
        Sent => "sent", "Sent", "已发送";
        Failed => "failed", "Failed", "失败";
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
    pub response: super::deadline::ResponseRules,
    /// The largest attachment accepted, in bytes; None for the default (20 MiB).
    #[serde(default)]
    pub attachment_limit: Option<u64>,
}

impl Settings {
    pub fn attachment_limit(&self) -> u64 {
        self.attachment_limit.unwrap_or(super::attachment::DEFAULT_LIMIT)
    }
}

/// JSON shows times as RFC 3339 with the server's offset: `2023-10-25T09:30:00+08:00`.
pub mod local_time {
    use chrono::{DateTime, Local, NaiveDateTime, TimeZone};
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn rfc3339(t: &NaiveDateTime) -> String {
        match Local.from_local_datetime(t).earliest() {
            Some(t) => t.to_rfc3339(),
            None => t.and_utc().to_rfc3339(),
        }
    }

    pub fn serialize<S: Serializer>(t: &NaiveDateTime, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&rfc3339(t))
    }

    /// Reads RFC 3339 (any offset, shown in local time) or a plain local `YYYY-MM-DD HH:MM[:SS]`.
    pub fn parse(text: &str) -> Option<NaiveDateTime> {
        if let Ok(t) = DateTime::parse_from_rfc3339(text.trim()) {
            return Some(t.with_timezone(&Local).naive_local());
        }
        ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]
            .iter()
            .find_map(|f| NaiveDateTime::parse_from_str(text.trim(), f).ok())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDateTime, D::Error> {
        let text = String::deserialize(d)?;
        parse(&text).ok_or_else(|| serde::de::Error::custom(format!("`{text}` is not a time (RFC 3339)")))
    }

    pub fn deserialize_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDateTime>, D::Error> {
        match Option::<String>::deserialize(d)? {
            None => Ok(None),
            Some(text) => parse(&text)
                .map(Some)
                .ok_or_else(|| serde::de::Error::custom(format!("`{text}` is not a time (RFC 3339)"))),
        }
    }

    pub fn serialize_opt<S: Serializer>(t: &Option<NaiveDateTime>, s: S) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => s.serialize_str(&rfc3339(t)),
            None => s.serialize_none(),
        }
    }
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
