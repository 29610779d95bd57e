//! Walking and verifying the chain: what a report names (`EventRef`, `Tamper`, `Unhashed`,
//! `KeyState`, `Verification`), the walk itself, and the classification of the first break.

use chrono::NaiveDateTime;
use rusqlite::{Connection, OptionalExtension, named_params};
use serde::Serialize;

use super::anchor::{Anchor, AnchorCheck, AnchorState};
use super::chain::{Row, batch, one};
use super::encode::GENESIS;
use crate::domain::EventKind;
use crate::i18n::Lang;
use crate::store::StoreResult;
use crate::store::audit_key::Keying;

/// An event as a report names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EventRef {
    pub id: i64,
    /// The issue's number, if the event is about an issue that still exists.
    pub issue: Option<String>,
    #[serde(serialize_with = "crate::domain::model::local_time::serialize")]
    pub at: NaiveDateTime,
    pub actor: String,
    pub kind: String,
}

impl EventRef {
    /// `event 12 (20231025-RD-001, 2023-10-25 09:30:00, wang, Comment)`.
    pub fn describe(&self, lang: Lang) -> String {
        let kind =
            EventKind::parse(&self.kind).map(|k| k.label(lang).to_string()).unwrap_or(self.kind.clone());
        let mut parts = Vec::new();
        if let Some(number) = &self.issue {
            parts.push(number.clone());
        }
        parts.push(self.at.format("%Y-%m-%d %H:%M:%S").to_string());
        parts.push(self.actor.clone());
        parts.push(kind);
        match lang {
            Lang::En => format!("event {} ({})", self.id, parts.join(", ")),
            Lang::Zh => format!("第 {} 条事件（{}）", self.id, parts.join(",")),
        }
    }
}

/// The first place where the chain shows that history was changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "tampering", rename_all = "snake_case")]
pub enum Tamper {
    /// The event's content changed after it was written. `hash_rewritten`: its hash was
    /// recomputed or erased too, so only the link from the next event shows it.
    Edited { event: EventRef, hash_rewritten: bool },
    /// Events between `before` and `after` are gone (`missing` is the range of their ids).
    Deleted { before: Option<EventRef>, after: EventRef, missing: Option<(i64, i64)> },
    /// The event was not part of the chain: it does not link to the event before it.
    Inserted { event: EventRef },
}

impl Tamper {
    pub fn event(&self) -> &EventRef {
        match self {
            Tamper::Edited { event, .. } | Tamper::Inserted { event } => event,
            Tamper::Deleted { after, .. } => after,
        }
    }

    /// One sentence: what happened, where.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (Tamper::Edited { event, hash_rewritten: false }, Lang::En) => format!(
                "{} was edited after it was written: its content no longer matches its hash",
                event.describe(lang)
            ),
            (Tamper::Edited { event, hash_rewritten: false }, Lang::Zh) => {
                format!("{}在写入后被修改：内容与其哈希不符", event.describe(lang))
            }
            (Tamper::Edited { event, hash_rewritten: true }, Lang::En) => format!(
                "{} was edited after it was written and its hash rewritten: the next event no longer links to it",
                event.describe(lang)
            ),
            (Tamper::Edited { event, hash_rewritten: true }, Lang::Zh) => {
                format!("{}在写入后被修改且哈希被改写：下一条事件已无法与它衔接", event.describe(lang))
            }
            (Tamper::Deleted { before, after, missing }, Lang::En) => {
                let gap = match missing {
                    Some((a, b)) if a == b => format!(" (event {a} is missing)"),
                    Some((a, b)) => format!(" (events {a}–{b} are missing)"),
                    None => String::new(),
                };
                let place = match before {
                    Some(b) => format!("between {} and {}", b.describe(lang), after.describe(lang)),
                    None => format!("before {}", after.describe(lang)),
                };
                format!("events were deleted {place}{gap}")
            }
            (Tamper::Deleted { before, after, missing }, Lang::Zh) => {
                let gap = match missing {
                    Some((a, b)) if a == b => format!("（缺少第 {a} 条）"),
                    Some((a, b)) => format!("（缺少第 {a}–{b} 条）"),
                    None => String::new(),
                };
                let place = match before {
                    Some(b) => format!("{}与{}之间", b.describe(lang), after.describe(lang)),
                    None => format!("{}之前", after.describe(lang)),
                };
                format!("{place}的事件被删除{gap}")
            }
            (Tamper::Inserted { event }, Lang::En) => format!(
                "{} was inserted afterwards: it does not link to the event before it",
                event.describe(lang)
            ),
            (Tamper::Inserted { event }, Lang::Zh) => {
                format!("{}是事后插入的：它与前一条事件无法衔接", event.describe(lang))
            }
        }
    }
}

/// Events that have no hash yet (written by a bulk import): not tampering, but not protected
/// until `liaison audit rehash` or the next ordinary write hashes them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unhashed {
    pub count: u64,
    pub first_id: i64,
    pub last_id: i64,
}

/// Whether the chain is keyed (see `audit_key`), and whether this program could check it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum KeyState {
    /// No key: plain SHA-256 throughout.
    Plain,
    /// Events from `from` on are HMACs, checked with the key.
    Keyed { from: i64 },
    /// A key file is there but the history does not use it yet (`admin setup-shared` enables it).
    NotEnabled,
    /// Events from `from` on are keyed, and this program cannot read the key: they were not checked.
    Missing { from: i64 },
    /// The key does not match the recorded boundary: another key, or the boundary was edited.
    Mismatch { from: i64 },
}

impl KeyState {
    /// Keyed events were left unchecked.
    pub fn unchecked(&self) -> bool {
        matches!(self, KeyState::Missing { .. } | KeyState::Mismatch { .. })
    }

    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (KeyState::Plain, Lang::En) => "the hashes have no key (plain SHA-256)".into(),
            (KeyState::Plain, Lang::Zh) => "哈希没有密钥（普通 SHA-256）".into(),
            (KeyState::Keyed { from }, Lang::En) => {
                format!("events from {from} on are HMAC-SHA256 with the audit key, checked with it")
            }
            (KeyState::Keyed { from }, Lang::Zh) => {
                format!("第 {from} 条起的事件使用审计密钥的 HMAC-SHA256，已用密钥校验")
            }
            (KeyState::NotEnabled, Lang::En) => {
                "an audit key is beside the database but the history does not use it yet; run `liaison admin setup-shared` again".into()
            }
            (KeyState::NotEnabled, Lang::Zh) => {
                "数据库旁有审计密钥，但历史记录尚未使用；请再次运行 `liaison admin setup-shared`".into()
            }
            (KeyState::Missing { from }, Lang::En) => format!(
                "events from {from} on are protected with the audit key, which this program cannot read: they were not checked; run the liaison installed for the database"
            ),
            (KeyState::Missing { from }, Lang::Zh) => format!(
                "第 {from} 条起的事件由审计密钥保护，本程序无法读取该密钥，因此未校验；请使用为该数据库安装的 liaison"
            ),
            (KeyState::Mismatch { from }, Lang::En) => format!(
                "the audit key does not match the history's record of it (events from {from} on): another key file, or the record was edited; those events were not checked"
            ),
            (KeyState::Mismatch { from }, Lang::Zh) => format!(
                "审计密钥与历史记录中的登记不符（第 {from} 条起）：密钥文件被更换，或登记被改动；这些事件未校验"
            ),
        }
    }
}

/// The outcome of walking the whole chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verification {
    /// Events checked (up to the first problem).
    pub events: u64,
    /// The last hashed event: what `liaison audit anchor` prints.
    pub head: Option<Anchor>,
    pub unhashed: Option<Unhashed>,
    pub tampering: Option<Tamper>,
    pub anchor: Option<AnchorCheck>,
    pub key: KeyState,
}

impl Verification {
    /// No tampering found, every event checked, and the anchor, if any, held.
    pub fn intact(&self) -> bool {
        self.tampering.is_none()
            && !self.key.unchecked()
            && self.anchor.as_ref().is_none_or(AnchorCheck::held)
    }
}

/// Walks every event in id order and stops at the first break in the chain, or at the first
/// keyed event when the key cannot be used.
pub(super) fn walk(conn: &Connection, anchor: Option<&Anchor>, keying: &Keying) -> StoreResult<Verification> {
    let key = match (keying.from, &keying.key, keying.mismatch) {
        (None, None, _) => KeyState::Plain,
        (None, Some(_), _) => KeyState::NotEnabled,
        (Some(from), None, _) => KeyState::Missing { from },
        (Some(from), Some(_), true) => KeyState::Mismatch { from },
        (Some(from), Some(_), false) => KeyState::Keyed { from },
    };
    let mut expected = GENESIS.to_string();
    let mut prev: Option<Row> = None;
    let mut events = 0u64;
    let mut head: Option<Anchor> = None;
    let mut unhashed: Option<Unhashed> = None;
    let mut tampering = None;
    let mut cursor = 0;
    'walk: loop {
        let rows = batch(conn, cursor)?;
        let Some(last) = rows.last() else { break };
        cursor = last.id;
        for (i, x) in rows.iter().enumerate() {
            if key.unchecked() && keying.keyed(x.id) {
                break 'walk;
            }
            let Some(hash) = &x.hash else {
                // Not hashed yet: go on with the hash it would have, so that the events after it
                // still verify if it was hashed once and is unchanged.
                let u = unhashed.get_or_insert(Unhashed { count: 0, first_id: x.id, last_id: x.id });
                u.count += 1;
                u.last_id = x.id;
                expected = x.hash_after(&expected, keying);
                events += 1;
                prev = Some(x.clone());
                continue;
            };
            let linked = x.prev_hash.as_deref() == Some(expected.as_str());
            if linked && x.self_consistent(keying) {
                expected = hash.clone();
                head = Some(Anchor { id: x.id, hash: hash.clone() });
                events += 1;
                prev = Some(x.clone());
                continue;
            }
            let next = match rows.get(i + 1) {
                Some(n) => Some(n.clone()),
                None => one(conn, "e.id > :id ORDER BY e.id", x.id)?,
            };
            tampering = Some(classify(conn, keying, prev.as_ref(), &expected, x, next.as_ref(), linked)?);
            break 'walk;
        }
    }
    let anchor = match anchor {
        None => None,
        Some(a) => {
            let found: Option<Option<String>> = conn
                .prepare_cached("SELECT hash FROM events WHERE id = :id")?
                .query_row(named_params! {":id": a.id}, |r| r.get(0))
                .optional()?;
            let state = match found {
                None => AnchorState::Missing,
                Some(Some(h)) if h == a.hash => AnchorState::Held,
                Some(found) => AnchorState::Changed { found },
            };
            Some(AnchorCheck { anchor: a.clone(), state })
        }
    };
    Ok(Verification { events, head, unhashed, tampering, anchor, key })
}

/// Names what happened at the first event `x` that does not verify. `prev` is the event before
/// it (if any) and `expected` the hash `x` should link to; `linked` says whether it does.
fn classify(
    conn: &Connection,
    keying: &Keying,
    prev: Option<&Row>,
    expected: &str,
    x: &Row,
    next: Option<&Row>,
    linked: bool,
) -> StoreResult<Tamper> {
    let next_links_to = |hash: &str| next.is_some_and(|n| n.prev_hash.as_deref() == Some(hash));
    if !x.self_consistent(keying) {
        // Its content no longer gives its hash. If the chain still runs through it (the next
        // event links to its hash, or it links to the previous one), it was edited; if the
        // chain passes it by, it was slipped in.
        if x.hash.as_deref().is_some_and(next_links_to) || linked {
            return Ok(Tamper::Edited { event: x.reference(), hash_rewritten: false });
        }
        return Ok(Tamper::Inserted { event: x.reference() });
    }
    // Consistent in itself, but it does not link to the event before it.
    if next_links_to(expected) {
        return Ok(Tamper::Inserted { event: x.reference() });
    }
    if let Some(claimed) = &x.prev_hash {
        let earlier: Option<i64> = conn
            .prepare_cached("SELECT id FROM events WHERE hash = :hash AND id < :id LIMIT 1")?
            .query_row(named_params! {":hash": claimed, ":id": x.id}, |r| r.get(0))
            .optional()?;
        if earlier.is_some() {
            return Ok(Tamper::Inserted { event: x.reference() });
        }
    }
    let prev_id = prev.map_or(0, |p| p.id);
    if x.id > prev_id + 1 {
        return Ok(Tamper::Deleted {
            before: prev.map(Row::reference),
            after: x.reference(),
            missing: Some((prev_id + 1, x.id - 1)),
        });
    }
    // No gap in the ids: the event before it was changed and its hash recomputed (or erased).
    match prev {
        Some(p) => Ok(Tamper::Edited { event: p.reference(), hash_rewritten: true }),
        None => Ok(Tamper::Edited { event: x.reference(), hash_rewritten: true }),
    }
}
