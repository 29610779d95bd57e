//! The store's errors: typed, with the context a person needs to fix the cause.

use std::path::Path;

use chrono::NaiveDateTime;

use crate::domain::permission::Denied;
use crate::domain::rules::Refusal;
use crate::i18n::{Bilingual, Lang};

pub type StoreResult<T> = Result<T, StoreError>;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A look-up found nothing: `kind` is "issue", "department", "person"…
    #[error("{kind} `{id}` not found")]
    NotFound { kind: Kind, id: String },
    /// Somebody else changed the issue since the caller read it.
    #[error("issue {number} was changed by {by} at {at} (now version {version})")]
    Conflict { number: String, version: i64, by: String, at: NaiveDateTime },
    /// Another writer held the database longer than the busy timeout.
    #[error("the database is busy")]
    Busy,
    #[error("{}", .0.message(Lang::En))]
    Denied(Denied),
    /// The rule book does not allow the action now: why, and who can.
    #[error("{}", .0.message(Lang::En))]
    Refused(Refusal),
    /// Input that breaks a rule of the template.
    #[error("{0}")]
    Invalid(Bilingual),
    /// The login running the program is not registered.
    #[error("`{login}` is not registered")]
    NotRegistered { login: String, admins: Vec<String> },
    /// The file was written by a newer liaison.
    #[error("database schema {found} is newer than this program ({supported})")]
    NewerSchema { found: i64, supported: i64 },
    /// The file could not be opened or is not a database.
    #[error("cannot open {path}: {reason}")]
    Open { path: String, reason: String },
    #[error(transparent)]
    Sqlite(rusqlite::Error),
}

/// What a look-up was for, in both languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Issue,
    Department,
    Person,
    Meeting,
    Task,
    Participant,
    Message,
    Channel,
    Attachment,
}

impl Kind {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Kind::Issue => lang.pick("issue", "问题"),
            Kind::Department => lang.pick("department", "部门"),
            Kind::Person => lang.pick("person", "人员"),
            Kind::Meeting => lang.pick("meeting", "会议"),
            Kind::Task => lang.pick("task", "任务"),
            Kind::Participant => lang.pick("participant", "参会人"),
            Kind::Message => lang.pick("message", "消息"),
            Kind::Channel => lang.pick("channel", "通知渠道"),
            Kind::Attachment => lang.pick("attachment", "附件"),
        }
    }

    fn hint(self, lang: Lang) -> &'static str {
        match self {
            Kind::Issue => lang.pick("`liaison list` shows the numbers", "可用 `liaison list` 查看编号"),
            Kind::Department => {
                lang.pick("`liaison dept list` shows the codes", "可用 `liaison dept list` 查看部门代码")
            }
            Kind::Person => {
                lang.pick("`liaison user list` shows the logins", "可用 `liaison user list` 查看登录名")
            }
            Kind::Meeting => {
                lang.pick("`liaison show NUMBER` lists its meetings", "可用 `liaison show 编号` 查看会议")
            }
            Kind::Task => {
                lang.pick("`liaison show NUMBER` lists its tasks", "可用 `liaison show 编号` 查看任务")
            }
            Kind::Participant => {
                lang.pick("only listed participants answer the minutes", "只有参会人可以确认纪要")
            }
            Kind::Message => {
                lang.pick("`liaison notify list` shows the messages", "可用 `liaison notify list` 查看消息")
            }
            Kind::Channel => lang.pick(
                "`liaison notify channel list` shows the channels",
                "可用 `liaison notify channel list` 查看渠道",
            ),
            Kind::Attachment => lang
                .pick("`liaison attachments NUMBER` lists them", "可用 `liaison attachments 编号` 查看附件"),
        }
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label(Lang::En))
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode::{DatabaseBusy, DatabaseLocked};
        match e.sqlite_error_code() {
            Some(DatabaseBusy | DatabaseLocked) => StoreError::Busy,
            _ => StoreError::Sqlite(e),
        }
    }
}

impl StoreError {
    pub fn not_found(kind: Kind, id: impl Into<String>) -> Self {
        StoreError::NotFound { kind, id: id.into() }
    }

    pub fn invalid(en: impl Into<String>, zh: impl Into<String>) -> Self {
        StoreError::Invalid(Bilingual::new(en, zh))
    }

    pub(crate) fn io(path: &Path, e: &std::io::Error) -> Self {
        StoreError::Open { path: path.display().to_string(), reason: e.to_string() }
    }

    pub(crate) fn open(path: &Path, e: rusqlite::Error) -> Self {
        StoreError::Open { path: path.display().to_string(), reason: e.to_string() }
    }

    /// Errors while opening a file that is not a database become `Open` errors naming the file.
    pub(crate) fn at_open(self, path: &Path) -> Self {
        match self {
            StoreError::Sqlite(e) => StoreError::open(path, e),
            other => other,
        }
    }

    /// One line saying what is wrong and what to do, in the chosen language.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (StoreError::NotFound { kind, id }, Lang::En) => {
                format!("no {} `{id}`; {}", kind.label(lang), kind.hint(lang))
            }
            (StoreError::NotFound { kind, id }, Lang::Zh) => {
                format!("找不到{}「{id}」；{}", kind.label(lang), kind.hint(lang))
            }
            (StoreError::Conflict { number, version, by, at }, Lang::En) => format!(
                "{number} was changed by {by} at {} (now version {version}) after you read it; \
                 look at it again (`liaison show {number}`) and repeat your change",
                at.format("%Y-%m-%d %H:%M:%S")
            ),
            (StoreError::Conflict { number, version, by, at }, Lang::Zh) => format!(
                "{number} 在你读取之后已被 {by} 于 {} 修改（当前版本 {version}）；请重新查看（`liaison show {number}`）后再修改",
                at.format("%Y-%m-%d %H:%M:%S")
            ),
            (StoreError::Busy, _) => lang
                .pick(
                    "the database is busy: other liaison programs kept it locked for more than 20 seconds; try again in a moment",
                    "数据库正忙：其他 liaison 进程占用超过 20 秒；请稍后重试",
                )
                .to_string(),
            (StoreError::Denied(denied), _) => denied.message(lang),
            (StoreError::Refused(refusal), _) => refusal.message(lang),
            (StoreError::Invalid(text), _) => text.get(lang).to_string(),
            (StoreError::NotRegistered { login, admins }, Lang::En) => {
                let who = if admins.is_empty() {
                    "nobody is registered yet: run `liaison init` to become the first admin".to_string()
                } else {
                    format!("ask an admin to add you: {} (`liaison user add {login} …`)", admins.join(", "))
                };
                format!("your login `{login}` is not registered in this database; {who}")
            }
            (StoreError::NotRegistered { login, admins }, Lang::Zh) => {
                let who = if admins.is_empty() {
                    "尚无任何用户：运行 `liaison init` 成为第一个管理员".to_string()
                } else {
                    format!("请联系管理员添加：{}（`liaison user add {login} …`）", admins.join("、"))
                };
                format!("你的登录名 `{login}` 尚未在此数据库中登记；{who}")
            }
            (StoreError::NewerSchema { found, supported }, Lang::En) => format!(
                "this database has schema version {found}, newer than this liaison understands ({supported}); \
                 use the newer liaison that wrote it"
            ),
            (StoreError::NewerSchema { found, supported }, Lang::Zh) => format!(
                "数据库结构版本为 {found}，高于本程序支持的 {supported}；请使用写入它的新版 liaison"
            ),
            (StoreError::Open { path, reason }, Lang::En) => format!(
                "cannot open the database {path}: {reason}; check the path (--db or LIAISON_DB) and its permissions"
            ),
            (StoreError::Open { path, reason }, Lang::Zh) => {
                format!("无法打开数据库 {path}：{reason}；请检查路径（--db 或 LIAISON_DB）及其权限")
            }
            (StoreError::Sqlite(e), _) => format!("{}: {e}", lang.pick("database error", "数据库错误")),
        }
    }
}
