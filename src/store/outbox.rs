//! The outbox: the messages an action causes, written in the action's own transaction, and the
//! sender's side of them (leases, outcomes, retries). Nothing here touches the network.

use chrono::NaiveDateTime;
use rusqlite::{OptionalExtension, Transaction, named_params};
use serde::Serialize;
use serde_json::Value;

use super::channels::{ChannelSecret, contacts, routes};
use super::convert::{Instant, department_row};
use super::issues::load_record;
use super::{Ctx, Store, StoreError, StoreResult};
use crate::domain::notify::{self, Directory, Happening, Mention, Message};
use crate::domain::{ChannelKind, Delivery, EventKind};

/// One message as `notify list` and the console show it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutboxEntry {
    pub id: i64,
    pub issue: Option<String>,
    pub kind: String,
    pub channel: String,
    pub channel_kind: ChannelKind,
    pub recipient: Option<String>,
    pub mentions: Vec<String>,
    pub subject: String,
    pub status: Delivery,
    pub attempts: i64,
    #[serde(serialize_with = "crate::domain::model::local_time::serialize")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "crate::domain::model::local_time::serialize_opt")]
    pub sent_at: Option<NaiveDateTime>,
    /// The service's answer to the last try (its error when it failed).
    pub answer: Option<String>,
    /// Folded into this message when it was sent with others.
    pub folded_into: Option<i64>,
}

/// What `notify list` asks for.
#[derive(Debug, Clone, Default)]
pub struct OutboxFilter {
    pub failed_only: bool,
    pub issue: Option<String>,
    pub limit: Option<u32>,
}

/// A message leased to a sender, with what it needs to deliver it.
#[derive(Debug, Clone)]
pub struct Leased {
    pub id: i64,
    pub issue: Option<String>,
    pub kind: String,
    pub channel: ChannelSecret,
    pub recipient: Option<String>,
    pub address: Option<String>,
    pub mentions: Vec<Mention>,
    pub subject: String,
    pub body: String,
    pub payload: Value,
    pub attempts: i64,
}

/// Writes the messages an event on an issue causes, beside the event (the caller's transaction).
pub(super) fn announce(
    tx: &Transaction,
    ctx: &Ctx,
    number: &str,
    kind: EventKind,
    after: &Value,
) -> StoreResult<()> {
    let event_id = tx.last_insert_rowid();
    let routes = routes(tx)?;
    if routes.is_empty() {
        return Ok(());
    }
    let record = load_record(tx, number, false)?;
    let people = contacts(tx)?;
    let departments = departments(tx)?;
    let dir = Directory { people: &people, departments: &departments, routes: &routes };
    let h = Happening { kind, record: &record, actor: ctx.actor.login(), after, at: ctx.now, event_id };
    for m in notify::messages(&h, &dir) {
        insert(tx, &m, Some(record.issue.id), Some(event_id), kind.code(), None, ctx.now)?;
    }
    Ok(())
}

pub(super) fn departments(tx: &Transaction) -> StoreResult<Vec<crate::domain::Department>> {
    let mut stmt = tx.prepare_cached("SELECT code, name, head FROM departments ORDER BY code")?;
    let rows = stmt.query_map([], department_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Writes one message. `topic` makes it unique per channel (a day's digest); returns whether it
/// was written (a topic already queued is not).
pub(super) fn insert(
    tx: &Transaction,
    m: &Message,
    issue_id: Option<i64>,
    event_id: Option<i64>,
    kind: &str,
    topic: Option<&str>,
    now: NaiveDateTime,
) -> StoreResult<bool> {
    let mentions = serde_json::to_string(&m.mentions).unwrap_or_else(|_| "[]".into());
    let n = tx
        .prepare_cached(
            "INSERT INTO outbox (issue_id, event_id, kind, topic, channel_id, recipient, address, mentions,
                 subject, body, payload, status, created_at, next_try_ms, attempts)
             VALUES (:issue, :event, :kind, :topic, :channel, :recipient, :address, :mentions,
                 :subject, :body, :payload, 'pending', :now, 0, 0)
             ON CONFLICT DO NOTHING",
        )?
        .execute(named_params! {
            ":issue": issue_id, ":event": event_id, ":kind": kind, ":topic": topic, ":channel": m.channel,
            ":recipient": m.recipient, ":address": m.address, ":mentions": mentions, ":subject": m.subject,
            ":body": m.body, ":payload": m.payload.to_string(), ":now": Instant(now),
        })?;
    Ok(n > 0)
}

const ENTRY_SELECT: &str =
    "SELECT o.id, i.number, o.kind, c.name, c.kind AS channel_kind, o.recipient, o.mentions,
        o.subject, o.status, o.attempts, o.created_at, o.sent_at, o.answer, o.folded_into
     FROM outbox o JOIN channels c ON c.id = o.channel_id LEFT JOIN issues i ON i.id = o.issue_id";

fn entry_row(r: &rusqlite::Row) -> rusqlite::Result<OutboxEntry> {
    let mentions: String = r.get(6)?;
    let mentions: Vec<Mention> = serde_json::from_str(&mentions).unwrap_or_default();
    Ok(OutboxEntry {
        id: r.get(0)?,
        issue: r.get(1)?,
        kind: r.get(2)?,
        channel: r.get(3)?,
        channel_kind: r.get(4)?,
        recipient: r.get(5)?,
        mentions: mentions.into_iter().map(|m| m.login).collect(),
        subject: r.get(7)?,
        status: r.get(8)?,
        attempts: r.get(9)?,
        created_at: r.get::<_, Instant>(10)?.0,
        sent_at: r.get::<_, Option<Instant>>(11)?.map(|i| i.0),
        answer: r.get(12)?,
        folded_into: r.get(13)?,
    })
}

impl Store {
    /// Messages, newest first: all, the failed ones, or one issue's.
    pub fn outbox(&mut self, f: &OutboxFilter) -> StoreResult<Vec<OutboxEntry>> {
        self.read(|tx| {
            let sql = format!(
                "{ENTRY_SELECT} WHERE (:failed = 0 OR o.status = 'failed') AND (:issue IS NULL OR i.number = :issue)
                 ORDER BY o.id DESC LIMIT :limit"
            );
            let mut stmt = tx.prepare_cached(&sql)?;
            let rows = stmt.query_map(
                named_params! {":failed": f.failed_only, ":issue": f.issue, ":limit": f.limit.unwrap_or(u32::MAX)},
                entry_row,
            )?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    /// Puts failed messages back in the queue (one, or every failed one); returns how many.
    pub fn retry_messages(&mut self, ctx: &Ctx, id: Option<i64>) -> StoreResult<usize> {
        super::channels::require_coordinator(ctx)?;
        self.write(|tx| {
            if let Some(id) = id {
                let status: Option<Delivery> = tx
                    .query_row("SELECT status FROM outbox WHERE id = :id", named_params! {":id": id}, |r| {
                        r.get(0)
                    })
                    .optional()?;
                match status {
                    None => return Err(StoreError::not_found(super::Kind::Message, id.to_string())),
                    Some(Delivery::Failed) => {}
                    Some(other) => {
                        return Err(StoreError::invalid(
                            format!(
                                "message {id} is {}, not failed: nothing to retry",
                                other.label(crate::i18n::Lang::En)
                            ),
                            format!(
                                "消息 {id} 的状态是{}，不是失败，无需重试",
                                other.label(crate::i18n::Lang::Zh)
                            ),
                        ));
                    }
                }
            }
            let n = tx.execute(
                "UPDATE outbox SET status = 'pending', attempts = 0, next_try_ms = 0, lease_until_ms = NULL,
                     lease_by = NULL
                 WHERE status = 'failed' AND (:id IS NULL OR id = :id)",
                named_params! {":id": id},
            )?;
            Ok(n)
        })
    }

    /// Leases up to `limit` due messages to `owner` until `now_ms + lease_ms`: no other sender
    /// takes them meanwhile; a sender that dies leaves them to be taken again when the lease ends.
    /// Each channel gets no more than its rate limit allows, counting every sender's requests.
    pub fn lease_messages(
        &mut self,
        owner: &str,
        now_ms: i64,
        lease_ms: i64,
        limit: usize,
    ) -> StoreResult<Vec<Leased>> {
        self.write(|tx| {
            let due: Vec<(i64, i64, ChannelKind)> = {
                let mut stmt = tx.prepare_cached(
                    "SELECT o.id, o.channel_id, c.kind FROM outbox o JOIN channels c ON c.id = o.channel_id
                     WHERE o.status = 'pending' AND o.next_try_ms <= :now
                         AND (o.lease_until_ms IS NULL OR o.lease_until_ms < :now)
                     ORDER BY o.next_try_ms, o.id LIMIT :scan",
                )?;
                let rows = stmt
                    .query_map(named_params! {":now": now_ms, ":scan": (limit * 20) as i64}, |r| {
                        Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                    })?;
                rows.collect::<Result<_, _>>()?
            };
            let mut room: std::collections::HashMap<i64, i64> = std::collections::HashMap::new();
            let mut taken = Vec::new();
            for (id, channel, kind) in due {
                if taken.len() >= limit {
                    break;
                }
                let left = match room.get(&channel) {
                    Some(left) => *left,
                    None => {
                        let left = super::channels::room(tx, channel, kind, now_ms)?;
                        room.insert(channel, left);
                        left
                    }
                };
                if left <= 0 {
                    continue;
                }
                room.insert(channel, left - 1);
                taken.push(id);
            }
            let mut out = Vec::with_capacity(taken.len());
            for id in taken {
                tx.prepare_cached(
                    "UPDATE outbox SET lease_until_ms = :until, lease_by = :owner WHERE id = :id",
                )?
                .execute(named_params! {":until": now_ms + lease_ms, ":owner": owner, ":id": id})?;
                out.push(leased(tx, id)?);
            }
            Ok(out)
        })
    }

    /// Takes the lease of more pending messages of one channel and recipient, to fold them into
    /// one message with `first` (a burst). Only those due and not leased by another sender.
    pub fn lease_companions(
        &mut self,
        owner: &str,
        first: &Leased,
        now_ms: i64,
        lease_ms: i64,
    ) -> StoreResult<Vec<Leased>> {
        self.write(|tx| {
            let ids: Vec<i64> = {
                let mut stmt = tx.prepare_cached(
                    "SELECT id FROM outbox WHERE status = 'pending' AND channel_id = :channel
                         AND recipient IS :recipient AND id != :first AND next_try_ms <= :now
                         AND (lease_until_ms IS NULL OR lease_until_ms < :now OR lease_by = :owner)
                         AND kind != 'test'
                     ORDER BY id LIMIT 500",
                )?;
                let rows = stmt.query_map(
                    named_params! {
                        ":channel": first.channel.id, ":recipient": first.recipient, ":first": first.id,
                        ":now": now_ms, ":owner": owner,
                    },
                    |r| r.get(0),
                )?;
                rows.collect::<Result<_, _>>()?
            };
            let mut out = Vec::with_capacity(ids.len());
            for id in ids {
                tx.prepare_cached(
                    "UPDATE outbox SET lease_until_ms = :until, lease_by = :owner WHERE id = :id",
                )?
                .execute(named_params! {":until": now_ms + lease_ms, ":owner": owner, ":id": id})?;
                out.push(leased(tx, id)?);
            }
            Ok(out)
        })
    }

    /// Leases one given message (pending, not leased by another sender) to `owner`.
    pub fn lease_one(
        &mut self,
        owner: &str,
        id: i64,
        now_ms: i64,
        lease_ms: i64,
    ) -> StoreResult<Option<Leased>> {
        self.write(|tx| {
            let n = tx.execute(
                "UPDATE outbox SET lease_until_ms = :until, lease_by = :owner
                 WHERE id = :id AND status = 'pending' AND (lease_until_ms IS NULL OR lease_until_ms < :now)",
                named_params! {":until": now_ms + lease_ms, ":owner": owner, ":id": id, ":now": now_ms},
            )?;
            if n == 0 { Ok(None) } else { Ok(Some(leased(tx, id)?)) }
        })
    }

    /// Extends this sender's lease on `ids` to `until_ms`; returns those it still held.
    pub fn renew(&mut self, owner: &str, ids: &[i64], until_ms: i64) -> StoreResult<Vec<i64>> {
        self.write(|tx| {
            let mut held = Vec::new();
            for id in ids {
                let n = tx
                    .prepare_cached(
                        "UPDATE outbox SET lease_until_ms = :until
                         WHERE id = :id AND lease_by = :owner AND status = 'pending'",
                    )?
                    .execute(named_params! {":until": until_ms, ":id": id, ":owner": owner})?;
                if n > 0 {
                    held.push(*id);
                }
            }
            Ok(held)
        })
    }

    /// Gives back messages this sender leased but will not send now.
    pub fn release(&mut self, owner: &str, ids: &[i64]) -> StoreResult<()> {
        self.write(|tx| {
            for id in ids {
                tx.prepare_cached("UPDATE outbox SET lease_until_ms = NULL, lease_by = NULL WHERE id = :id AND lease_by = :owner")?
                    .execute(named_params! {":id": id, ":owner": owner})?;
            }
            Ok(())
        })
    }

    /// Counts one request to a channel against its rate limit.
    pub fn count_request(&mut self, channel: i64, now_ms: i64) -> StoreResult<()> {
        self.write(|tx| {
            tx.prepare_cached("INSERT INTO channel_sends (channel_id, at_ms) VALUES (:c, :at)")?
                .execute(named_params! {":c": channel, ":at": now_ms})?;
            tx.prepare_cached("DELETE FROM channel_sends WHERE at_ms < :old")?
                .execute(named_params! {":old": now_ms - 3_600_000})?;
            Ok(())
        })
    }

    /// Records the outcome of a try of the messages `ids` (one, or a folded burst whose first id
    /// names the delivery): sent, to be tried again at `retry_at_ms`, or failed for good. Only
    /// while `owner` holds the lease; returns how many it still held.
    pub fn settle(
        &mut self,
        owner: &str,
        ids: &[i64],
        outcome: &Outcome,
        now: NaiveDateTime,
    ) -> StoreResult<usize> {
        self.write(|tx| {
            let mut held = 0;
            let first = ids.first().copied();
            for id in ids {
                let folded = first.filter(|f| f != id);
                let n = match outcome {
                    Outcome::Sent { answer } => tx.prepare_cached(
                        "UPDATE outbox SET status = 'sent', sent_at = :now, answer = :answer, attempts = attempts + 1,
                             lease_until_ms = NULL, lease_by = NULL, folded_into = :folded
                         WHERE id = :id AND lease_by = :owner AND status = 'pending'",
                    )?
                    .execute(named_params! {":now": Instant(now), ":answer": answer, ":folded": folded, ":id": id, ":owner": owner})?,
                    Outcome::Retry { answer, at_ms } => tx.prepare_cached(
                        "UPDATE outbox SET answer = :answer, attempts = attempts + 1, next_try_ms = :at,
                             lease_until_ms = NULL, lease_by = NULL
                         WHERE id = :id AND lease_by = :owner AND status = 'pending'",
                    )?
                    .execute(named_params! {":answer": answer, ":at": at_ms, ":id": id, ":owner": owner})?,
                    Outcome::Failed { answer } => tx.prepare_cached(
                        "UPDATE outbox SET status = 'failed', answer = :answer, attempts = attempts + 1,
                             lease_until_ms = NULL, lease_by = NULL
                         WHERE id = :id AND lease_by = :owner AND status = 'pending'",
                    )?
                    .execute(named_params! {":answer": answer, ":id": id, ":owner": owner})?,
                };
                held += n;
            }
            Ok(held)
        })
    }

    /// How many messages wait, and how many failed: for `doctor`, the status bar and the sender.
    pub fn outbox_counts(&mut self) -> StoreResult<(i64, i64)> {
        self.read(|tx| {
            Ok(tx.query_row(
                "SELECT count(*) FILTER (WHERE status = 'pending'), count(*) FILTER (WHERE status = 'failed') FROM outbox",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?)
        })
    }

    /// The earliest time a pending message may be tried, in ms (none when nothing waits).
    pub fn next_try_ms(&mut self) -> StoreResult<Option<i64>> {
        self.read(|tx| {
            Ok(tx.query_row(
                "SELECT min(max(next_try_ms, coalesce(lease_until_ms, 0))) FROM outbox WHERE status = 'pending'",
                [],
                |r| r.get(0),
            )?)
        })
    }
}

/// What became of one try.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Sent { answer: String },
    Retry { answer: String, at_ms: i64 },
    Failed { answer: String },
}

fn leased(tx: &Transaction, id: i64) -> StoreResult<Leased> {
    let channel_id: i64 = tx
        .prepare_cached("SELECT channel_id FROM outbox WHERE id = :id")?
        .query_row(named_params! {":id": id}, |r| r.get(0))?;
    let channel = super::channels::channel_secret(tx, channel_id)?;
    Ok(tx
        .prepare_cached(
            "SELECT o.id, i.number, o.kind, o.recipient, o.address, o.mentions, o.subject, o.body, o.payload,
                 o.attempts
             FROM outbox o LEFT JOIN issues i ON i.id = o.issue_id WHERE o.id = :id",
        )?
        .query_row(named_params! {":id": id}, |r| {
            let mentions: String = r.get(5)?;
            let payload: String = r.get(8)?;
            Ok(Leased {
                id: r.get(0)?,
                issue: r.get(1)?,
                kind: r.get(2)?,
                channel,
                recipient: r.get(3)?,
                address: r.get(4)?,
                mentions: serde_json::from_str(&mentions).unwrap_or_default(),
                subject: r.get(6)?,
                body: r.get(7)?,
                payload: serde_json::from_str(&payload).unwrap_or(Value::Null),
                attempts: r.get(9)?,
            })
        })?)
}
