//! Notification channels, people's contact details, rate-limit bookkeeping and the morning
//! digest's facts.

use chrono::{NaiveDate, NaiveDateTime};
use rusqlite::{OptionalExtension, Transaction, named_params};
use serde::Serialize;
use serde_json::json;

use super::admin::{calendar, require_department, require_person};
use super::convert::{Day, Instant, split_list};
use super::outbox::insert;
use super::{Ctx, Kind, Store, StoreError, StoreResult, events};
use crate::domain::channel::{masked_url, validate};
use crate::domain::notify::{self, Contact, DigestItems, Message, Route};
use crate::domain::permission::{AdminAction, check_admin};
use crate::domain::{ChannelKind, EventKind, Role, Status, TaskState};

/// What `notify channel add` gives.
#[derive(Debug, Clone)]
pub struct ChannelInput {
    pub name: String,
    pub kind: ChannelKind,
    pub url: String,
    pub secret: Option<String>,
    pub sender: Option<String>,
    pub depts: Vec<String>,
}

/// A channel as people see it: the address masked, the secret only said to exist.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChannelInfo {
    pub name: String,
    pub kind: ChannelKind,
    pub url: String,
    pub has_secret: bool,
    pub sender: Option<String>,
    pub depts: Vec<String>,
}

/// A channel as the sender needs it, secrets included: never printed, never stored elsewhere.
#[derive(Clone)]
pub struct ChannelSecret {
    pub id: i64,
    pub name: String,
    pub kind: ChannelKind,
    pub url: String,
    pub secret: Option<String>,
    pub sender: Option<String>,
}

impl std::fmt::Debug for ChannelSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ChannelSecret({} {} {})", self.name, self.kind, masked_url(self.kind, &self.url))
    }
}

/// Contact details of one person; `None` leaves a field as it is, `Some("")` clears it.
#[derive(Debug, Clone, Default)]
pub struct ContactUpdate {
    pub email: Option<String>,
    pub mobile: Option<String>,
    pub wecom_id: Option<String>,
    pub muted: Option<Vec<String>>,
}

/// Requests a service takes per window: (requests, window in ms).
pub fn rate_limit(kind: ChannelKind) -> Option<(i64, i64)> {
    match kind {
        ChannelKind::Wecom | ChannelKind::Dingtalk => Some((20, 60_000)),
        ChannelKind::Feishu => Some((5, 1_000)),
        ChannelKind::Email | ChannelKind::Webhook => None,
    }
}

pub fn require_coordinator(ctx: &Ctx) -> StoreResult<()> {
    if ctx.actor.role() >= Role::Coordinator {
        return Ok(());
    }
    Err(StoreError::invalid(
        "only coordinators and admins manage notifications",
        "只有协调人和管理员可以管理通知",
    ))
}

impl Store {
    pub fn add_channel(&mut self, ctx: &Ctx, c: &ChannelInput) -> StoreResult<ChannelInfo> {
        check_admin(&ctx.actor.person, AdminAction::ManageChannels, ctx.lang).map_err(StoreError::Denied)?;
        let name = c.name.trim();
        if name.is_empty() || name.chars().any(|ch| ch.is_whitespace() || ch.is_control()) {
            return Err(StoreError::invalid(
                "a channel needs a name without spaces, e.g. rd-wecom",
                "渠道名称不能为空且不含空格，例如：rd-wecom",
            ));
        }
        validate(c.kind, &c.url, c.sender.as_deref()).map_err(|b| StoreError::invalid(b.en, b.zh))?;
        let depts: Vec<String> =
            c.depts.iter().map(|d| d.trim().to_ascii_uppercase()).filter(|d| !d.is_empty()).collect();
        self.write(|tx| {
            for d in &depts {
                require_department(tx, d)?;
            }
            let taken: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM channels WHERE name = :name AND removed_at IS NULL)",
                named_params! {":name": name},
                |r| r.get(0),
            )?;
            if taken {
                return Err(StoreError::invalid(
                    format!("a channel named {name} exists; remove it first or choose another name"),
                    format!("已有名为 {name} 的渠道；请先删除或另取名称"),
                ));
            }
            tx.execute(
                "INSERT INTO channels (name, kind, url, secret, sender, created_at, created_by)
                 VALUES (:name, :kind, :url, :secret, :sender, :now, :by)",
                named_params! {
                    ":name": name, ":kind": c.kind, ":url": c.url.trim(), ":secret": c.secret.as_deref().filter(|s| !s.is_empty()),
                    ":sender": c.sender, ":now": Instant(ctx.now), ":by": ctx.actor.login(),
                },
            )?;
            let id = tx.last_insert_rowid();
            for d in &depts {
                tx.execute(
                    "INSERT INTO channel_departments (channel_id, dept) VALUES (:id, :dept)",
                    named_params! {":id": id, ":dept": d},
                )?;
            }
            let info = info(tx, id)?;
            events::record(tx, ctx, None, EventKind::ChannelChanged, json!(null), json!(info))?;
            Ok(info)
        })
    }

    pub fn remove_channel(&mut self, ctx: &Ctx, name: &str) -> StoreResult<usize> {
        check_admin(&ctx.actor.person, AdminAction::ManageChannels, ctx.lang).map_err(StoreError::Denied)?;
        self.write(|tx| {
            let id = channel_id(tx, name)?;
            let before = info(tx, id)?;
            tx.execute("UPDATE channels SET removed_at = :now WHERE id = :id", named_params! {":now": Instant(ctx.now), ":id": id})?;
            let dropped = tx.execute(
                "UPDATE outbox SET status = 'failed', answer = 'channel removed / 渠道已删除', lease_by = NULL,
                     lease_until_ms = NULL
                 WHERE channel_id = :id AND status = 'pending'",
                named_params! {":id": id},
            )?;
            events::record(tx, ctx, None, EventKind::ChannelChanged, json!(before), json!(null))?;
            Ok(dropped)
        })
    }

    pub fn channels(&mut self) -> StoreResult<Vec<ChannelInfo>> {
        self.read(|tx| {
            let ids: Vec<i64> = tx
                .prepare("SELECT id FROM channels WHERE removed_at IS NULL ORDER BY name")?
                .query_map([], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            ids.into_iter().map(|id| info(tx, id)).collect()
        })
    }

    /// A channel with its secrets, for the sender and `channel test` (coordinators and admins).
    pub fn channel_secret(&mut self, name: &str) -> StoreResult<ChannelSecret> {
        self.read(|tx| channel_secret(tx, channel_id(tx, name)?))
    }

    /// Queues a test message on one channel, to be sent at once by `channel test`.
    pub fn queue_test(&mut self, ctx: &Ctx, name: &str) -> StoreResult<i64> {
        require_coordinator(ctx)?;
        self.write(|tx| {
            let c = channel_secret(tx, channel_id(tx, name)?)?;
            let me = super::admin::person(tx, ctx.actor.login())?;
            let recipient = (c.kind == ChannelKind::Email).then(|| ctx.actor.login().to_string());
            let address = if c.kind == ChannelKind::Email {
                let email =
                    contacts(tx)?.into_iter().find(|p| p.login == ctx.actor.login()).and_then(|p| p.email);
                Some(email.ok_or_else(|| {
                    StoreError::invalid(
                        "the test mail goes to you: set your address with `liaison user set LOGIN --email E`",
                        "测试邮件发给您本人：请先用 `liaison user set 登录名 --email 地址` 设置邮箱",
                    )
                })?)
            } else {
                None
            };
            let name = me.map_or(ctx.actor.login().to_string(), |p| p.display_name);
            let m = Message {
                channel: c.id,
                recipient,
                address,
                mentions: Vec::new(),
                subject: format!("liaison 测试消息 test message ({})", c.name),
                body: format!(
                    "**liaison 测试消息 Test message**\n> 渠道 Channel：{}\n> {name} · {}",
                    c.name,
                    ctx.now.format("%Y-%m-%d %H:%M")
                ),
                payload: json!({"kind": "test", "channel": c.name}),
            };
            insert(tx, &m, None, None, "test", None, ctx.now)?;
            Ok(tx.last_insert_rowid())
        })
    }

    /// Sets a person's e-mail, mobile, WeCom id and muted kinds: the person themselves, or an admin.
    pub fn set_contact(&mut self, ctx: &Ctx, login: &str, u: &ContactUpdate) -> StoreResult<Contact> {
        if ctx.actor.login() != login {
            check_admin(&ctx.actor.person, AdminAction::ManagePeople, ctx.lang)
                .map_err(StoreError::Denied)?;
        }
        check_contact(u)?;
        self.write(|tx| write_contact(tx, ctx, login, u))
    }

    pub fn contacts(&mut self) -> StoreResult<Vec<Contact>> {
        self.read(contacts)
    }

    /// What the morning digest of a department lists on `day` (at `now`).
    pub fn digest_items(&mut self, dept: &str, now: NaiveDateTime) -> StoreResult<DigestItems> {
        let alerts = self.task_alerts(now, Some(dept))?;
        self.read(|tx| {
            require_department(tx, dept)?;
            let mut items = DigestItems::default();
            let line = |n: &str, t: &str, what: String| format!("{n} {t}：{what}");
            for a in alerts {
                let what = format!("#{} {}（{}，{}）", a.task.seq, a.task.title, a.task.owner, a.task.deadline);
                match a.flag {
                    crate::domain::risk::TaskFlag::Overdue => items.overdue.push(line(&a.number, &a.issue_title, what)),
                    crate::domain::risk::TaskFlag::AlertDue => items.alert_due.push(line(&a.number, &a.issue_title, what)),
                }
            }
            let codes = |open: Vec<&str>| open.iter().map(|c| format!("'{c}'")).collect::<Vec<_>>().join(", ");
            let open_tasks = codes(TaskState::ALL.iter().filter(|t| t.is_open()).map(|t| t.code()).collect());
            let open_issues = codes(Status::ALL.iter().filter(|s| s.is_open()).map(|s| s.code()).collect());
            let sql = format!(
                "SELECT i.number, i.title, t.seq, t.title, t.owner FROM tasks t JOIN issues i ON i.id = t.issue_id
                 WHERE t.dept = :dept AND t.deadline = :today AND t.state IN ({open_tasks})
                     AND i.status IN ({open_issues})
                 ORDER BY i.number, t.seq"
            );
            let mut stmt = tx.prepare(&sql)?;
            let rows = stmt.query_map(named_params! {":dept": dept, ":today": Day(now.date())}, |r| {
                let what = format!("#{} {}（{}）", r.get::<_, i64>(2)?, r.get::<_, String>(3)?, r.get::<_, String>(4)?);
                Ok(line(&r.get::<_, String>(0)?, &r.get::<_, String>(1)?, what))
            })?;
            items.due_today = rows.collect::<Result<_, _>>()?;
            let waiting_sql = "
                SELECT i.number, i.title, '纪要待确认 minutes to confirm: ' || p.login FROM meeting_participants p
                    JOIN meetings m ON m.id = p.meeting_id JOIN issues i ON i.id = m.issue_id
                    WHERE p.dept = :dept AND p.confirmation = 'pending' AND i.status NOT IN ('resolved', 'archived')
                UNION ALL
                SELECT i.number, i.title, '待验收 acceptance: ' || i.feedback_person FROM issues i
                    JOIN people f ON f.login = i.feedback_person
                    WHERE i.status = 'awaiting_acceptance' AND f.dept = :dept
                UNION ALL
                SELECT i.number, i.title, '待首次响应 first response' FROM issues i
                    JOIN issue_departments d ON d.issue_id = i.id
                    WHERE d.dept = :dept AND i.status = 'registered' AND i.first_response_at IS NULL
                        AND i.proposer_dept != :dept";
            let mut stmt = tx.prepare_cached(waiting_sql)?;
            let rows = stmt.query_map(named_params! {":dept": dept}, |r| {
                Ok(line(&r.get::<_, String>(0)?, &r.get::<_, String>(1)?, r.get(2)?))
            })?;
            items.waiting = rows.collect::<Result<_, _>>()?;
            Ok(items)
        })
    }

    /// Queues a department's digest for `day` on each of its channels, once per day and
    /// channel; nothing on a day off of the calendar. Returns how many messages were queued.
    pub fn queue_digest(&mut self, dept: &str, now: NaiveDateTime) -> StoreResult<Result<usize, NaiveDate>> {
        let day = now.date();
        let items = self.digest_items(dept, now)?;
        self.write(|tx| {
            if !calendar(tx)?.is_working_day(day) {
                return Ok(Err(day));
            }
            let departments = super::outbox::departments(tx)?;
            let Some(d) = departments.iter().find(|d| d.code == dept) else {
                return Err(StoreError::not_found(Kind::Department, dept));
            };
            let (subject, body) = notify::digest(d, day, &items);
            let topic = format!("digest:{dept}:{day}");
            let mut n = 0;
            for route in routes(tx)?
                .iter()
                .filter(|r| r.depts.iter().any(|x| x == dept) && r.kind != ChannelKind::Email)
            {
                let m = Message {
                    channel: route.id,
                    recipient: None,
                    address: None,
                    mentions: Vec::new(),
                    subject: subject.clone(),
                    body: body.clone(),
                    payload: if route.kind == ChannelKind::Webhook {
                        json!({"kind": "digest", "dept": dept, "day": day, "items": items})
                    } else {
                        json!(null)
                    },
                };
                n += insert(tx, &m, None, None, "digest", Some(&topic), now)? as usize;
            }
            Ok(Ok(n))
        })
    }

    /// Departments that have a channel of their own (those a digest goes to).
    pub fn digest_departments(&mut self) -> StoreResult<Vec<String>> {
        self.read(|tx| {
            let mut stmt = tx.prepare_cached(
                "SELECT DISTINCT d.dept FROM channel_departments d JOIN channels c ON c.id = d.channel_id
                 WHERE c.removed_at IS NULL ORDER BY d.dept",
            )?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }
}

fn muteable() -> String {
    [
        "registered",
        "meeting_recorded",
        "task_added",
        "risk_raised",
        "escalated",
        "resolved",
        "refused",
        "archived",
    ]
    .join(", ")
}

fn channel_id(tx: &Transaction, name: &str) -> StoreResult<i64> {
    tx.prepare_cached("SELECT id FROM channels WHERE name = :name AND removed_at IS NULL")?
        .query_row(named_params! {":name": name.trim()}, |r| r.get(0))
        .optional()?
        .ok_or_else(|| StoreError::not_found(Kind::Channel, name))
}

fn info(tx: &Transaction, id: i64) -> StoreResult<ChannelInfo> {
    let c = channel_secret(tx, id)?;
    Ok(ChannelInfo {
        url: masked_url(c.kind, &c.url),
        has_secret: c.secret.is_some(),
        sender: c.sender,
        depts: channel_depts(tx, id)?,
        name: c.name,
        kind: c.kind,
    })
}

fn channel_depts(tx: &Transaction, id: i64) -> StoreResult<Vec<String>> {
    let mut stmt =
        tx.prepare_cached("SELECT dept FROM channel_departments WHERE channel_id = :id ORDER BY dept")?;
    let rows = stmt.query_map(named_params! {":id": id}, |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub(super) fn channel_secret(tx: &Transaction, id: i64) -> StoreResult<ChannelSecret> {
    Ok(tx
        .prepare_cached("SELECT id, name, kind, url, secret, sender FROM channels WHERE id = :id")?
        .query_row(named_params! {":id": id}, |r| {
            Ok(ChannelSecret {
                id: r.get(0)?,
                name: r.get(1)?,
                kind: r.get(2)?,
                url: r.get(3)?,
                secret: r.get(4)?,
                sender: r.get(5)?,
            })
        })?)
}

/// The live channels and the departments each serves.
pub(super) fn routes(tx: &Transaction) -> StoreResult<Vec<Route>> {
    let mut stmt = tx.prepare_cached(
        "SELECT c.id, c.kind, group_concat(d.dept) FROM channels c
             LEFT JOIN channel_departments d ON d.channel_id = c.id
         WHERE c.removed_at IS NULL GROUP BY c.id ORDER BY c.id",
    )?;
    let rows =
        stmt.query_map([], |r| Ok(Route { id: r.get(0)?, kind: r.get(1)?, depts: split_list(r.get(2)?) }))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub(super) fn contacts(tx: &Transaction) -> StoreResult<Vec<Contact>> {
    let mut stmt = tx.prepare_cached(
        "SELECT login, display_name, dept, role, email, mobile, wecom_id, muted FROM people ORDER BY login",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(Contact {
            login: r.get(0)?,
            name: r.get(1)?,
            dept: r.get(2)?,
            role: Some(r.get(3)?),
            email: r.get(4)?,
            mobile: r.get(5)?,
            wecom_id: r.get(6)?,
            muted: split_list(r.get(7)?),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// How many more requests a channel takes now, counting every sender's recent requests and the
/// messages leased to senders right now.
pub(super) fn room(tx: &Transaction, channel: i64, kind: ChannelKind, now_ms: i64) -> StoreResult<i64> {
    let Some((limit, window)) = rate_limit(kind) else {
        return Ok(i64::MAX);
    };
    let used: i64 = tx
        .prepare_cached("SELECT count(*) FROM channel_sends WHERE channel_id = :c AND at_ms > :since")?
        .query_row(named_params! {":c": channel, ":since": now_ms - window}, |r| r.get(0))?;
    let leased: i64 = tx
        .prepare_cached(
            "SELECT count(*) FROM outbox WHERE channel_id = :c AND status = 'pending' AND lease_until_ms >= :now",
        )?
        .query_row(named_params! {":c": channel, ":now": now_ms}, |r| r.get(0))?;
    Ok(limit - used - leased)
}

pub(super) fn check_contact(u: &ContactUpdate) -> StoreResult<()> {
    if let Some(e) = u.email.as_deref().filter(|e| !e.is_empty())
        && !crate::domain::channel::is_email(e)
    {
        return Err(StoreError::invalid(
            format!("`{e}` is not an e-mail address; use name@example.com"),
            format!("「{e}」不是有效的邮箱地址；格式：name@example.com"),
        ));
    }
    if let Some(m) = u.mobile.as_deref().filter(|m| !m.is_empty())
        && !(m.len() >= 5 && m.len() <= 20 && m.trim_start_matches('+').chars().all(|c| c.is_ascii_digit()))
    {
        return Err(StoreError::invalid(
            format!("`{m}` is not a mobile number; use digits, e.g. 13800138000"),
            format!("「{m}」不是有效的手机号；只含数字，例如：13800138000"),
        ));
    }
    if let Some(kinds) = &u.muted {
        for k in kinds.iter().filter(|k| k.as_str() != "all") {
            if EventKind::parse(k).is_none() {
                return Err(StoreError::invalid(
                    format!("cannot mute `{k}`: use all or event kinds such as {}", muteable()),
                    format!("无法屏蔽「{k}」：请用 all 或这些事件类型：{}", muteable()),
                ));
            }
        }
    }
    Ok(())
}

pub(super) fn write_contact(
    tx: &Transaction,
    ctx: &Ctx,
    login: &str,
    u: &ContactUpdate,
) -> StoreResult<Contact> {
    require_person(tx, login)?;
    let before = contacts(tx)?.into_iter().find(|c| c.login == login).unwrap_or_default();
    let pick = |new: &Option<String>, old: &Option<String>| match new {
        Some(v) if v.trim().is_empty() => None,
        Some(v) => Some(v.trim().to_string()),
        None => old.clone(),
    };
    let muted = u
        .muted
        .as_ref()
        .map(|m| m.iter().map(|k| EventKind::parse(k).map_or(k.clone(), |e| e.code().to_string())).collect())
        .unwrap_or_else(|| before.muted.clone());
    let after = Contact {
        email: pick(&u.email, &before.email),
        mobile: pick(&u.mobile, &before.mobile),
        wecom_id: pick(&u.wecom_id, &before.wecom_id),
        muted,
        ..before.clone()
    };
    tx.execute(
        "UPDATE people SET email = :email, mobile = :mobile, wecom_id = :wecom, muted = :muted WHERE login = :login",
        named_params! {
            ":email": after.email, ":mobile": after.mobile, ":wecom": after.wecom_id,
            ":muted": after.muted.join(","), ":login": login,
        },
    )?;
    let show = |c: &Contact| json!({"login": c.login, "email": c.email, "mobile": c.mobile, "wecom_id": c.wecom_id, "muted": c.muted});
    events::record(tx, ctx, None, EventKind::ContactChanged, show(&before), show(&after))?;
    Ok(after)
}
