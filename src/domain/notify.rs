//! Who hears what (同步): from what happened to an issue, the people and the channels, the
//! messages to send, each with its recipients, its @-mentions and its text in Chinese and English.
//!
//! Plain data in, plain data out: the store writes exactly what this module says, in the
//! transaction of the change, and the sender only delivers it.

use std::collections::BTreeSet;

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::model::local_time::rfc3339;
use super::{ChannelKind, Department, EventKind, IssueRecord, Role};

/// A channel as routing sees it (its address and secret stay in the store and the sender).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub id: i64,
    pub kind: ChannelKind,
    /// The departments it serves; none: every issue (the coordinators' group, a company system).
    pub depts: Vec<String>,
}

impl Route {
    fn serves(&self, dept: &str) -> bool {
        self.depts.is_empty() || self.depts.iter().any(|d| d == dept)
    }
    fn serves_any(&self, depts: &[String]) -> bool {
        self.depts.is_empty() || depts.iter().any(|d| self.serves(d))
    }
}

/// A person as notifications reach them.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Contact {
    pub login: String,
    pub name: String,
    pub dept: String,
    pub role: Option<Role>,
    pub email: Option<String>,
    pub mobile: Option<String>,
    pub wecom_id: Option<String>,
    /// Event kinds (codes) this person does not want to hear of.
    pub muted: Vec<String>,
}

impl Contact {
    fn mutes(&self, kind: &str) -> bool {
        self.muted.iter().any(|m| m == kind || m == "all")
    }
}

/// Someone @-mentioned in a group message: how each service names them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mention {
    pub login: String,
    pub name: String,
    pub mobile: Option<String>,
    pub wecom_id: Option<String>,
}

/// One message to write to the outbox.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub channel: i64,
    /// The person an e-mail goes to (login); none for a group or a system.
    pub recipient: Option<String>,
    pub address: Option<String>,
    pub mentions: Vec<Mention>,
    pub subject: String,
    /// Markdown, Chinese then English.
    pub body: String,
    /// The event as a JSON document, for webhooks.
    pub payload: Value,
}

/// What happened: the event, and the issue as it stands after it.
pub struct Happening<'a> {
    pub kind: EventKind,
    pub record: &'a IssueRecord,
    pub actor: &'a str,
    pub after: &'a Value,
    pub at: NaiveDateTime,
    /// The event's id, for the webhook document.
    pub event_id: i64,
}

/// Everyone and everything a message may go to.
pub struct Directory<'a> {
    pub people: &'a [Contact],
    pub departments: &'a [Department],
    pub routes: &'a [Route],
}

impl Directory<'_> {
    fn person(&self, login: &str) -> Option<&Contact> {
        self.people.iter().find(|p| p.login == login)
    }
    fn head(&self, dept: &str) -> Option<&str> {
        self.departments.iter().find(|d| d.code == dept).and_then(|d| d.head.as_deref())
    }
}

/// Who an event concerns: the departments whose channels hear it, the people who must act
/// (@-mentioned, mailed), and whether the coordinators hear it too.
#[derive(Debug, Default, PartialEq)]
pub struct Audience {
    pub depts: Vec<String>,
    pub people: Vec<String>,
    pub coordinators: bool,
}

/// The kinds chat and mail announce; webhooks hear every event of an issue.
pub fn announced(kind: EventKind) -> bool {
    use EventKind::*;
    matches!(
        kind,
        Registered
            | MeetingRecorded
            | MinutesAmended
            | TaskAdded
            | DepartmentInvolved
            | RiskRaised
            | Escalated
            | Resolved
            | Refused
            | Archived
    )
}

pub fn audience(h: &Happening, dir: &Directory) -> Audience {
    use EventKind::*;
    let issue = &h.record.issue;
    let text = |key: &str| h.after.get(key).and_then(Value::as_str).unwrap_or("").to_string();
    let heads = |depts: &[String]| depts.iter().filter_map(|d| dir.head(d)).map(str::to_string).collect();
    let mut a = Audience::default();
    match h.kind {
        Registered | RiskRaised | Refused | Archived => {
            a.depts = issue.departments.clone();
            a.people = heads(&issue.departments);
            if h.kind == Refused
                && let Some(r) = &issue.resolution
            {
                a.people.push(r.owner.clone());
            }
            if h.kind == Archived {
                a.people.clear();
            }
        }
        MeetingRecorded | MinutesAmended => {
            let seq = h.after.get("meeting").and_then(Value::as_i64).unwrap_or(0);
            if let Some(m) = h.record.meetings.iter().find(|m| m.seq == seq) {
                for p in m.participants.iter().filter(|p| p.login != m.recorder) {
                    a.people.push(p.login.clone());
                    a.depts.push(p.dept.clone());
                }
            }
        }
        TaskAdded => {
            a.depts.push(text("dept"));
            a.people.push(text("owner"));
        }
        DepartmentInvolved => {
            let added = text("added");
            a.people = heads(std::slice::from_ref(&added));
            a.depts.push(added);
        }
        Escalated => {
            let to = text("to");
            if let Some(p) = dir.person(&to) {
                a.people.push(p.login.clone());
                a.depts.push(p.dept.clone());
            } else if dir.departments.iter().any(|d| d.code == to) {
                a.people = heads(std::slice::from_ref(&to));
                a.depts.push(to);
            }
            a.coordinators = true;
        }
        Resolved => {
            let feedback = text("feedback");
            if let Some(p) = dir.person(&feedback) {
                a.depts.push(p.dept.clone());
            }
            a.people.push(feedback);
        }
        _ => {}
    }
    dedup(&mut a.depts);
    dedup(&mut a.people);
    a
}

/// Every message an event causes, one per group channel that hears it and one per person per
/// e-mail channel; the actor is never told of their own act.
pub fn messages(h: &Happening, dir: &Directory) -> Vec<Message> {
    let mut out = Vec::new();
    let issue = &h.record.issue;
    let code = h.kind.code();
    let payload = webhook_document(h);
    for route in dir.routes.iter().filter(|r| r.kind == ChannelKind::Webhook) {
        if route.serves_any(&issue.departments) {
            out.push(Message {
                channel: route.id,
                recipient: None,
                address: None,
                mentions: Vec::new(),
                subject: subject(h),
                body: String::new(),
                payload: payload.clone(),
            });
        }
    }
    if !announced(h.kind) {
        return out;
    }
    let who = audience(h, dir);
    let (subject, body) = (subject(h), body(h, dir));
    let hears = |c: &Contact| c.login != h.actor && !c.mutes(code);
    let acting: Vec<&Contact> =
        who.people.iter().filter_map(|l| dir.person(l)).filter(|c| hears(c)).collect();
    for route in dir.routes {
        match route.kind {
            ChannelKind::Webhook => {}
            ChannelKind::Email => {
                let mut to: Vec<&Contact> = acting.clone();
                if who.coordinators {
                    to.extend(dir.people.iter().filter(|c| c.role == Some(Role::Coordinator) && hears(c)));
                }
                let mut seen = BTreeSet::new();
                for c in to {
                    let Some(address) = c.email.as_deref().filter(|e| !e.is_empty()) else { continue };
                    if route.serves(&c.dept) && seen.insert(c.login.clone()) {
                        out.push(Message {
                            channel: route.id,
                            recipient: Some(c.login.clone()),
                            address: Some(address.to_string()),
                            mentions: Vec::new(),
                            subject: subject.clone(),
                            body: body.clone(),
                            payload: Value::Null,
                        });
                    }
                }
            }
            _ => {
                let concerned = route.serves_any(&who.depts) || (who.coordinators && route.depts.is_empty());
                if !concerned {
                    continue;
                }
                let mentions = acting
                    .iter()
                    .filter(|c| route.serves(&c.dept))
                    .map(|c| Mention {
                        login: c.login.clone(),
                        name: c.name.clone(),
                        mobile: c.mobile.clone(),
                        wecom_id: c.wecom_id.clone(),
                    })
                    .collect();
                out.push(Message {
                    channel: route.id,
                    recipient: None,
                    address: None,
                    mentions,
                    subject: subject.clone(),
                    body: body.clone(),
                    payload: Value::Null,
                });
            }
        }
    }
    out
}

fn dedup(v: &mut Vec<String>) {
    let mut seen = BTreeSet::new();
    v.retain(|x| !x.is_empty() && seen.insert(x.clone()));
}

fn subject(h: &Happening) -> String {
    let issue = &h.record.issue;
    let (zh, en) = headline(h.kind);
    format!("[{}] {zh} {en}: {}", issue.number, issue.title)
}

/// The headline of each kind, Chinese and English.
fn headline(kind: EventKind) -> (&'static str, &'static str) {
    use EventKind::*;
    match kind {
        Registered => ("新问题登记", "New issue"),
        MeetingRecorded => ("会议纪要待确认", "Minutes to confirm"),
        MinutesAmended => ("纪要已修订，请重新确认", "Minutes amended, confirm again"),
        TaskAdded => ("新任务", "New task"),
        DepartmentInvolved => ("贵部门已加入协作", "Your department is now involved"),
        RiskRaised => ("风险预警", "Risk alert"),
        Escalated => ("问题升级", "Escalated"),
        Resolved => ("解决方案待验收", "Solution to accept"),
        Refused => ("验收不通过", "Acceptance refused"),
        Archived => ("已归档", "Archived"),
        other => (other.label(crate::i18n::Lang::Zh), other.label(crate::i18n::Lang::En)),
    }
}

fn body(h: &Happening, dir: &Directory) -> String {
    use EventKind::*;
    let issue = &h.record.issue;
    let name =
        |login: &str| dir.person(login).map_or(login.to_string(), |p| format!("{}（{login}）", p.name));
    let text = |key: &str| h.after.get(key).and_then(Value::as_str).unwrap_or("").to_string();
    let (zh, en) = headline(h.kind);
    let mut lines = vec![
        format!("**【{zh} {en}】{} {}**", issue.number, issue.title),
        format!(
            "> 优先级 Priority：{} {} · 提出 From：{} {}",
            issue.priority.label(crate::i18n::Lang::Zh),
            issue.priority.label(crate::i18n::Lang::En),
            issue.proposer_dept,
            name(&issue.proposer)
        ),
        format!("> 涉及部门 Departments：{}", issue.departments.join("、")),
    ];
    let ask = match h.kind {
        Registered => {
            lines.push(format!("> 诉求 Request：{}", issue.request));
            lines.push(format!(
                "> 首次响应截止 Respond by：{}",
                issue.response_due_at.format("%Y-%m-%d %H:%M")
            ));
            Some("请确认收到并安排跟进。Please acknowledge and plan the work.")
        }
        MeetingRecorded | MinutesAmended => {
            lines.push(format!("> 共识 Consensus：{}", text("consensus")));
            Some("请确认或提出异议：liaison meeting confirm。Please confirm the minutes or object.")
        }
        TaskAdded => {
            lines.push(format!("> 任务 Task #{}：{}（{}）", h.after["task"], text("title"), text("dept")));
            lines.push(format!("> 负责人 Owner：{} · 截止 Due：{}", name(&text("owner")), text("deadline")));
            Some(
                "请按期完成，可能延期时至少提前一个工作日预警。Finish on time; raise a risk alert at least one working day ahead if it may slip.",
            )
        }
        DepartmentInvolved => Some("请查看问题并确认收到。Please read the issue and acknowledge it."),
        RiskRaised => {
            let seq = h.after.get("task").and_then(Value::as_i64).unwrap_or(0);
            let title = h.record.tasks.iter().find(|t| t.seq == seq).map_or("", |t| t.title.as_str());
            lines.push(format!("> 任务 Task #{seq}：{title}"));
            lines.push(format!("> 原因 Reason：{}", text("reason")));
            lines.push(format!("> 调整方案 Plan：{}", text("plan")));
            if let Some(d) = h.after.get("new_deadline").and_then(Value::as_str) {
                lines.push(format!("> 新截止 New date：{d}"));
            }
            None
        }
        Escalated => {
            lines.push(format!("> 升级至 To：{} · 原因 Reason：{}", text("to"), text("reason")));
            Some("请协调决策。Please decide and unblock.")
        }
        Resolved => {
            lines.push(format!("> 解决方案 Solution：{}", text("solution")));
            Some("请验收：liaison accept / refuse。Please accept or refuse the result.")
        }
        Refused => {
            lines.push(format!("> 原因 Reason：{}", text("reason")));
            Some("请继续处理。The work goes on.")
        }
        Archived => None,
        _ => None,
    };
    lines.push(format!("> {} · {}", name(h.actor), h.at.format("%Y-%m-%d %H:%M")));
    if let Some(ask) = ask {
        lines.push(ask.to_string());
    }
    lines.join("\n")
}

/// The JSON document a webhook receives for an event.
fn webhook_document(h: &Happening) -> Value {
    let issue = &h.record.issue;
    json!({
        "event": h.event_id,
        "kind": h.kind.code(),
        "at": rfc3339(&h.at),
        "actor": h.actor,
        "issue": {
            "number": issue.number, "title": issue.title, "status": issue.status,
            "priority": issue.priority, "departments": issue.departments,
        },
        "after": h.after,
    })
}

/// A digest's lines for one department, each "number title: what".
#[derive(Debug, Default, Clone, PartialEq, Serialize)]
pub struct DigestItems {
    pub due_today: Vec<String>,
    pub overdue: Vec<String>,
    pub alert_due: Vec<String>,
    pub waiting: Vec<String>,
}

impl DigestItems {
    pub fn is_empty(&self) -> bool {
        self.due_today.is_empty()
            && self.overdue.is_empty()
            && self.alert_due.is_empty()
            && self.waiting.is_empty()
    }
}

/// The morning digest of one department: subject and body.
pub fn digest(dept: &Department, day: NaiveDate, items: &DigestItems) -> (String, String) {
    let subject = format!("[{}] 每日提醒 Daily digest {}", dept.code, day.format("%Y-%m-%d"));
    let mut lines = vec![format!("**【每日提醒 Daily digest】{} {} · {}**", dept.code, dept.name, day)];
    let sections = [
        ("今日到期 Due today", &items.due_today),
        ("已逾期 Overdue", &items.overdue),
        ("需风险预警 Alert due", &items.alert_due),
        ("等待贵部门 Waiting on you", &items.waiting),
    ];
    for (title, list) in sections {
        lines.push(format!("**{title}（{}）**", list.len()));
        for item in list.iter().take(20) {
            lines.push(format!("- {item}"));
        }
        if list.len() > 20 {
            lines.push(format!("- … 另 {} 项 {} more", list.len() - 20, list.len() - 20));
        }
    }
    if items.is_empty() {
        lines.push("今日无待办。Nothing due today.".to_string());
    }
    (subject, lines.join("\n"))
}

/// Many messages for one channel (or one person) folded into one: a burst of registrations, an
/// import. Each folded message keeps its id in the list.
pub fn fold(items: &[(i64, String)]) -> (String, String) {
    let subject = format!("liaison：{} 条通知 {} notices", items.len(), items.len());
    let mut lines = vec![format!("**【汇总 Summary】{} 条通知 {} notices**", items.len(), items.len())];
    for (id, subject) in items.iter().take(50) {
        lines.push(format!("- {subject}（#{id}）"));
    }
    if items.len() > 50 {
        lines.push(format!("- … 另 {} 条 {} more", items.len() - 50, items.len() - 50));
    }
    (subject, lines.join("\n"))
}

/// An import or a demo: one message per channel, naming how many issues concern it.
pub fn burst(routes: &[Route], issues: &[(String, Vec<String>)], source: &str) -> Vec<Message> {
    let mut out = Vec::new();
    for route in routes.iter().filter(|r| r.kind != ChannelKind::Email) {
        let mine: Vec<&String> =
            issues.iter().filter(|(_, depts)| route.serves_any(depts)).map(|(n, _)| n).collect();
        if mine.is_empty() {
            continue;
        }
        let subject = format!("liaison：{source} {} 条问题 {} issues", mine.len(), mine.len());
        let mut body = format!("**【批量导入 Bulk {source}】{} 条问题 {} issues**", mine.len(), mine.len());
        for n in mine.iter().take(20) {
            body.push_str(&format!("\n- {n}"));
        }
        if mine.len() > 20 {
            body.push_str(&format!("\n- … 另 {} 条 {} more", mine.len() - 20, mine.len() - 20));
        }
        let payload = if route.kind == ChannelKind::Webhook {
            json!({"kind": "bulk", "source": source, "issues": mine})
        } else {
            Value::Null
        };
        out.push(Message {
            channel: route.id,
            recipient: None,
            address: None,
            mentions: Vec::new(),
            subject,
            body,
            payload,
        });
    }
    out
}

/// Cuts `text` to at most `max` bytes at a character boundary, ending with "…"; the first line
/// (which holds the issue number) is never cut unless it alone is too long.
pub fn fit(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    let ellipsis = "…";
    let mut end = max.saturating_sub(ellipsis.len());
    while end > 0 && !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}{ellipsis}", &text[..end])
}

/// A secret shown to people: its last four characters at most.
pub fn mask(secret: &str) -> String {
    let n = secret.chars().count();
    if n <= 8 {
        return "****".to_string();
    }
    let tail: String = secret.chars().skip(n - 4).collect();
    format!("****{tail}")
}

#[cfg(test)]
#[path = "notify_tests.rs"]
mod tests;
