//! The forms, one per thing a person does to an issue: their names and titles, and what is
//! checked before one opens (the status machine and the permissions).

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use crate::domain::rules;
use crate::domain::status::Action;
use crate::domain::*;
use crate::i18n::Lang;

/// The forms, one per thing a person does to an issue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FormKind {
    Register,
    Edit,
    Acknowledge,
    Comment,
    Meeting,
    Minutes,
    AmendMinutes,
    AddTask,
    EditTask,
    CancelTask,
    Progress,
    Risk,
    Escalate,
    CloseEscalation,
    Resolve,
    Accept,
    Refuse,
    Archive,
    Attach,
}

/// What a form needs to know besides what is typed.
pub struct Env<'a> {
    pub me: &'a Person,
    pub people: &'a [Person],
    pub departments: &'a [Department],
    pub calendar: &'a Calendar,
    pub now: NaiveDateTime,
    pub lang: Lang,
    /// The issue the form is about (none when registering).
    pub record: Option<&'a IssueRecord>,
}

impl FormKind {
    pub const ALL: [FormKind; 19] = [
        FormKind::Register,
        FormKind::Edit,
        FormKind::Acknowledge,
        FormKind::Comment,
        FormKind::Meeting,
        FormKind::Minutes,
        FormKind::AmendMinutes,
        FormKind::AddTask,
        FormKind::EditTask,
        FormKind::CancelTask,
        FormKind::Progress,
        FormKind::Risk,
        FormKind::Escalate,
        FormKind::CloseEscalation,
        FormKind::Resolve,
        FormKind::Accept,
        FormKind::Refuse,
        FormKind::Archive,
        FormKind::Attach,
    ];

    pub fn action(self) -> Action {
        match self {
            FormKind::Register => Action::Register,
            FormKind::Edit => Action::EditDescription,
            FormKind::Acknowledge => Action::Acknowledge,
            FormKind::Comment => Action::Comment,
            FormKind::Meeting => Action::RecordMeeting,
            FormKind::Minutes => Action::AnswerMinutes,
            FormKind::AmendMinutes => Action::AmendMinutes,
            FormKind::AddTask => Action::AddTask,
            FormKind::EditTask => Action::UpdateTask,
            FormKind::CancelTask => Action::CancelTask,
            FormKind::CloseEscalation => Action::CloseEscalation,
            FormKind::Progress => Action::AddProgress,
            FormKind::Risk => Action::RaiseRisk,
            FormKind::Escalate => Action::Escalate,
            FormKind::Resolve => Action::Resolve,
            FormKind::Accept => Action::Accept,
            FormKind::Refuse => Action::Refuse,
            FormKind::Archive => Action::Archive,
            FormKind::Attach => Action::Attach,
        }
    }

    /// The form's title, and how the keymap and palette name it.
    pub fn title(self, lang: Lang) -> &'static str {
        match self {
            FormKind::Register => lang.pick("Register an issue", "登记问题"),
            FormKind::Edit => lang.pick("Edit the description", "修改问题描述"),
            FormKind::Acknowledge => lang.pick("Acknowledge (received)", "确认收到"),
            FormKind::Comment => lang.pick("Comment", "评论"),
            FormKind::Meeting => lang.pick("Record a meeting", "记录沟通会议"),
            FormKind::Minutes => lang.pick("Confirm or object to minutes", "确认会议纪要"),
            FormKind::AmendMinutes => lang.pick("Amend the minutes", "修订会议纪要"),
            FormKind::CancelTask => lang.pick("Cancel a task", "取消任务"),
            FormKind::CloseEscalation => lang.pick("Close the escalation", "解除升级"),
            FormKind::AddTask => lang.pick("Add a task", "新增任务"),
            FormKind::EditTask => lang.pick("Update a task", "更新任务"),
            FormKind::Progress => lang.pick("Progress update", "更新进度"),
            FormKind::Risk => lang.pick("Risk alert", "风险预警"),
            FormKind::Escalate => lang.pick("Escalate", "升级"),
            FormKind::Resolve => lang.pick("Enter the solution", "填写解决结果"),
            FormKind::Accept => lang.pick("Accept the result", "验收通过"),
            FormKind::Refuse => lang.pick("Refuse acceptance", "验收不通过"),
            FormKind::Archive => lang.pick("Archive with a retrospective", "归档与复盘"),
            FormKind::Attach => lang.pick("Attach a file", "添加附件"),
        }
    }

    /// The name in the configuration's `[keys]` table.
    pub fn name(self) -> &'static str {
        match self {
            FormKind::Register => "register",
            FormKind::Edit => "edit",
            FormKind::Acknowledge => "acknowledge",
            FormKind::Comment => "comment",
            FormKind::Meeting => "meeting",
            FormKind::Minutes => "minutes",
            FormKind::AmendMinutes => "amend_minutes",
            FormKind::CancelTask => "cancel_task",
            FormKind::CloseEscalation => "close_escalation",
            FormKind::AddTask => "add_task",
            FormKind::EditTask => "edit_task",
            FormKind::Progress => "progress",
            FormKind::Risk => "risk",
            FormKind::Escalate => "escalate",
            FormKind::Resolve => "resolve",
            FormKind::Accept => "accept",
            FormKind::Refuse => "refuse",
            FormKind::Archive => "archive",
            FormKind::Attach => "attach",
        }
    }

    /// The word on the submit key: `Ctrl-S register`.
    pub fn verb(self, lang: Lang) -> &'static str {
        match self {
            FormKind::Register => lang.pick("register", "登记"),
            FormKind::Accept => lang.pick("accept", "验收通过"),
            FormKind::Refuse => lang.pick("refuse", "不通过"),
            FormKind::Archive => lang.pick("archive", "归档"),
            FormKind::Attach => lang.pick("attach", "添加"),
            _ => lang.pick("save", "保存"),
        }
    }

    /// The question asked before the change is made, for the ones that cannot be taken back.
    pub fn confirmation(self, number: &str, lang: Lang) -> Option<String> {
        match (self, lang) {
            (FormKind::Archive, Lang::En) => Some(format!(
                "Archive {number}? It becomes read-only for everyone. y archive · n keep editing"
            )),
            (FormKind::Archive, Lang::Zh) => {
                Some(format!("确定归档 {number}？归档后所有人只读。y 归档 · n 继续编辑"))
            }
            (FormKind::Refuse, Lang::En) => Some(format!(
                "Refuse acceptance of {number}? It goes back to in progress. y refuse · n keep editing"
            )),
            (FormKind::Refuse, Lang::Zh) => {
                Some(format!("确定 {number} 验收不通过？问题将退回进行中。y 确定 · n 继续编辑"))
            }
            _ => None,
        }
    }

    /// Whether the form is about an existing issue.
    pub fn on_issue(self) -> bool {
        self != FormKind::Register
    }
}

/// Asks the rule book whether the form may open: the same function the store asks inside its
/// transaction. The refusal says why and who can.
pub fn preflight(kind: FormKind, env: &Env) -> Result<(), String> {
    let lang = env.lang;
    let Some(record) = env.record.filter(|_| kind.on_issue()) else {
        return match kind {
            FormKind::Register => rules::may_register(env.me, &env.me.dept).map_err(|r| r.message(lang)),
            _ => Err(lang.pick("Select an issue first.", "请先选择一个问题。").to_string()),
        };
    };
    let ask = rules::Ask { me: env.me, now: env.now, cal: env.calendar };
    rules::may(kind.action(), record, ask).map(|_| ()).map_err(|r| r.message(lang))
}
