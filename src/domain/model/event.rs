//! Events: one change each, as the timeline shows it.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use super::{Proxy, local_time};
use crate::i18n::Lang;

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
