//! Tamper-evident history: every event carries `prev_hash`, the hash of the event before it (in
//! id order), and `hash`, the SHA-256 of that previous hash and its own fields. Editing, deleting
//! or inserting an event breaks the chain at that point, and `verify` names the event.
//!
//! The hash has no key (every user runs the same binary, so there is nowhere to keep a secret):
//! someone who can write the file can recompute the whole chain after a change. What they cannot
//! do is keep a head that was written down elsewhere (`liaison audit anchor`) inside the chain
//! while rewriting anything before it, which `verify --anchor` checks.
//!
//! SHA-256 comes from the RustCrypto `sha2` crate: the maintained, widely reviewed pure-Rust
//! implementation (no C toolchain or system library needed, like the bundled SQLite), and
//! already in the dependency tree.

use chrono::NaiveDateTime;
use rusqlite::{Connection, OptionalExtension, Transaction, named_params};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::audit_key::{AuditKey, Keying, keying};
use super::convert::local;
use super::{Ctx, Store, StoreError, StoreResult};
use crate::domain::permission::Denied;
use crate::domain::{EventKind, Role};
use crate::i18n::Lang;

/// The `prev_hash` of the first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// How many rows the hashing walk reads and writes at a time.
const BATCH: i64 = 10_000;

/// The fields of an event that its hash covers: everything but its id, which the order of the
/// chain already fixes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields<'a> {
    pub issue_id: Option<i64>,
    /// Seconds since the epoch, exactly as stored.
    pub at: i64,
    pub actor: &'a str,
    pub on_behalf_of: Option<&'a str>,
    /// The kind's code, as stored.
    pub kind: &'a str,
    pub before: &'a str,
    pub after: &'a str,
}

/// The hash of an event: SHA-256 over a version tag, the previous hash and the fields, each
/// field tagged and length-prefixed so that no two different events encode alike. Lower-case hex.
pub(crate) fn event_hash(prev_hash: &str, f: &Fields) -> String {
    let mut h = Sha256::new();
    h.update(b"liaison event v1\n");
    encode(&mut |bytes| h.update(bytes), prev_hash, f);
    hex(&h.finalize())
}

/// The hash of an event under `key`: an HMAC-SHA256 of the same encoding with its own tag, or
/// [`event_hash`] without a key.
pub(crate) fn keyed_hash(prev_hash: &str, f: &Fields, key: Option<&AuditKey>) -> String {
    let Some(key) = key else {
        return event_hash(prev_hash, f);
    };
    let mut mac = key.mac();
    mac.update(b"liaison event v1 keyed\n");
    encode(&mut |bytes| mac.update(bytes), prev_hash, f);
    hex(&mac.finalize())
}

fn encode(update: &mut dyn FnMut(&[u8]), prev_hash: &str, f: &Fields) {
    let text = |update: &mut dyn FnMut(&[u8]), s: &str| {
        update(b"T");
        update(&(s.len() as u64).to_be_bytes());
        update(s.as_bytes());
    };
    let int = |update: &mut dyn FnMut(&[u8]), v: i64| {
        update(b"I");
        update(&v.to_be_bytes());
    };
    text(update, prev_hash);
    match f.issue_id {
        Some(id) => int(update, id),
        None => update(b"N"),
    }
    int(update, f.at);
    text(update, f.actor);
    match f.on_behalf_of {
        Some(login) => text(update, login),
        None => update(b"N"),
    }
    text(update, f.kind);
    text(update, f.before);
    text(update, f.after);
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 15)] as char);
    }
    out
}

/// One stored event, as the chain sees it.
#[derive(Debug, Clone)]
struct Row {
    id: i64,
    issue_id: Option<i64>,
    number: Option<String>,
    at: i64,
    actor: String,
    on_behalf_of: Option<String>,
    kind: String,
    before: String,
    after: String,
    prev_hash: Option<String>,
    hash: Option<String>,
}

impl Row {
    fn fields(&self) -> Fields<'_> {
        Fields {
            issue_id: self.issue_id,
            at: self.at,
            actor: &self.actor,
            on_behalf_of: self.on_behalf_of.as_deref(),
            kind: &self.kind,
            before: &self.before,
            after: &self.after,
        }
    }

    /// The hash this row has if it follows an event with hash `prev` (with the key, if it is
    /// keyed: the caller makes sure the key is there).
    fn hash_after(&self, prev: &str, keying: &Keying) -> String {
        keyed_hash(prev, &self.fields(), keying.key_for(self.id).ok().flatten())
    }

    /// Whether the stored hash matches the stored previous hash and fields.
    fn self_consistent(&self, keying: &Keying) -> bool {
        match &self.hash {
            Some(hash) => *hash == self.hash_after(self.prev_hash.as_deref().unwrap_or(""), keying),
            None => false,
        }
    }

    fn reference(&self) -> EventRef {
        EventRef {
            id: self.id,
            issue: self.number.clone(),
            at: local(self.at),
            actor: self.actor.clone(),
            kind: self.kind.clone(),
        }
    }
}

const ROW_SELECT: &str = "SELECT e.id, e.issue_id, i.number, e.at, e.actor, e.on_behalf_of, e.kind, e.before,
        e.after, e.prev_hash, e.hash
     FROM events e LEFT JOIN issues i ON i.id = e.issue_id";

fn row(r: &rusqlite::Row) -> rusqlite::Result<Row> {
    Ok(Row {
        id: r.get(0)?,
        issue_id: r.get(1)?,
        number: r.get(2)?,
        at: r.get(3)?,
        actor: r.get(4)?,
        on_behalf_of: r.get(5)?,
        kind: r.get(6)?,
        before: r.get(7)?,
        after: r.get(8)?,
        prev_hash: r.get(9)?,
        hash: r.get(10)?,
    })
}

/// Up to `BATCH` events with an id above `after_id`, in id order.
fn batch(conn: &Connection, after_id: i64) -> StoreResult<Vec<Row>> {
    let sql = format!("{ROW_SELECT} WHERE e.id > :after ORDER BY e.id LIMIT :n");
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(named_params! {":after": after_id, ":n": BATCH}, row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn one(conn: &Connection, condition: &str, id: i64) -> StoreResult<Option<Row>> {
    let sql = format!("{ROW_SELECT} WHERE {condition} LIMIT 1");
    Ok(conn.prepare_cached(&sql)?.query_row(named_params! {":id": id}, row).optional()?)
}

/// The hash the next event links to: the last event's, hashing first any unhashed events at the
/// end of the chain (rows a bulk write inserted directly). Call inside the writing transaction.
pub(crate) fn head_for_append(tx: &Transaction) -> StoreResult<String> {
    let last: Option<(i64, Option<String>)> = tx
        .prepare_cached("SELECT id, hash FROM events ORDER BY id DESC LIMIT 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    match last {
        None => Ok(GENESIS.to_string()),
        Some((_, Some(hash))) => Ok(hash),
        Some((_, None)) => {
            let last_hashed: Option<i64> = tx
                .prepare_cached("SELECT id FROM events WHERE hash IS NOT NULL ORDER BY id DESC LIMIT 1")?
                .query_row([], |r| r.get(0))
                .optional()?;
            Ok(hash_unhashed(tx, last_hashed.unwrap_or(0) + 1)?.1)
        }
    }
}

/// The hash of the next event appended after `prev`: keyed when the chain is.
pub(crate) fn append_hash(tx: &Transaction, prev: &str, f: &Fields) -> StoreResult<String> {
    Ok(keyed_hash(prev, f, keying(tx)?.key_for_append()?))
}

/// Hashes, in id order, every event from `first_id` on whose hash is NULL (and any unhashed event
/// before it that they depend on), each linked to the event before it. Events that already have
/// a hash are never rewritten. Returns how many events were hashed.
///
/// A writer that inserts events without `events::record` (the bulk writer) calls this before it
/// commits, with the id of its first event.
pub(crate) fn rehash_from(tx: &Transaction, first_id: i64) -> StoreResult<usize> {
    Ok(hash_unhashed(tx, first_id)?.0)
}

/// Fills the chain of a database that had none: run by migration 4 in its transaction.
pub(crate) fn backfill_hashes(tx: &Transaction) -> StoreResult<usize> {
    rehash_from(tx, 1)
}

/// [`rehash_from`], also returning the hash of the last event.
fn hash_unhashed(tx: &Transaction, first_id: i64) -> StoreResult<(usize, String)> {
    let mut from = first_id.max(1);
    // The event the walk starts after must itself be hashed; if it is not, start at the first
    // unhashed event before it.
    loop {
        let before: Option<Option<String>> = tx
            .prepare_cached("SELECT hash FROM events WHERE id < :id ORDER BY id DESC LIMIT 1")?
            .query_row(named_params! {":id": from}, |r| r.get(0))
            .optional()?;
        match before {
            Some(None) => {
                let first: Option<i64> = tx
                    .prepare_cached("SELECT min(id) FROM events WHERE hash IS NULL AND id < :id")?
                    .query_row(named_params! {":id": from}, |r| r.get(0))?;
                match first {
                    Some(id) if id < from => from = id,
                    _ => break,
                }
            }
            _ => break,
        }
    }
    let keying = keying(tx)?;
    let mut prev: String = tx
        .prepare_cached("SELECT hash FROM events WHERE id < :id ORDER BY id DESC LIMIT 1")?
        .query_row(named_params! {":id": from}, |r| r.get::<_, Option<String>>(0))
        .optional()?
        .flatten()
        .unwrap_or_else(|| GENESIS.to_string());
    let mut hashed = 0;
    let mut cursor = from - 1;
    loop {
        let rows = batch(tx, cursor)?;
        let Some(last) = rows.last() else { break };
        cursor = last.id;
        let mut update =
            tx.prepare_cached("UPDATE events SET prev_hash = :prev, hash = :hash WHERE id = :id")?;
        for r in &rows {
            match &r.hash {
                Some(hash) => prev = hash.clone(),
                None => {
                    let hash = keyed_hash(&prev, &r.fields(), keying.key_for(r.id)?);
                    update.execute(named_params! {":prev": prev, ":hash": hash, ":id": r.id})?;
                    prev = hash;
                    hashed += 1;
                }
            }
        }
    }
    Ok((hashed, prev))
}

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

/// A chain head written down elsewhere: `ID:HASH`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Anchor {
    pub id: i64,
    pub hash: String,
}

impl Anchor {
    pub fn parse(text: &str) -> Option<Anchor> {
        let (id, hash) = text.trim().split_once(':')?;
        let id: i64 = id.trim().parse().ok().filter(|id| *id > 0)?;
        let hash = hash.trim().to_ascii_lowercase();
        (hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit())).then_some(Anchor { id, hash })
    }
}

impl std::fmt::Display for Anchor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.id, self.hash)
    }
}

/// What became of an anchored head.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum AnchorState {
    /// The event is there with the same hash, and the chain up to it verifies.
    Held,
    /// The anchored event is gone.
    Missing,
    /// The anchored event has another hash now (or none): history up to it was rewritten.
    Changed { found: Option<String> },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AnchorCheck {
    pub anchor: Anchor,
    #[serde(flatten)]
    pub state: AnchorState,
}

impl AnchorCheck {
    pub fn held(&self) -> bool {
        self.state == AnchorState::Held
    }

    pub fn message(&self, lang: Lang) -> String {
        let id = self.anchor.id;
        let short = &self.anchor.hash[..12];
        match (&self.state, lang) {
            (AnchorState::Held, Lang::En) => format!("the chain still contains the anchor {id}:{short}…"),
            (AnchorState::Held, Lang::Zh) => format!("历史链仍包含锚点 {id}：{short}…"),
            (AnchorState::Missing, Lang::En) => {
                format!("the anchored event {id} no longer exists: history up to the anchor was deleted")
            }
            (AnchorState::Missing, Lang::Zh) => format!("锚定的第 {id} 条事件已不存在：锚点之前的历史被删除"),
            (AnchorState::Changed { found }, Lang::En) => format!(
                "event {id} no longer has the anchored hash {short}… (now {}): history up to the anchor was rewritten",
                found.as_deref().map(|h| format!("{}…", &h[..h.len().min(12)])).unwrap_or("none".into())
            ),
            (AnchorState::Changed { found }, Lang::Zh) => format!(
                "第 {id} 条事件的哈希已不是锚定的 {short}…（现为 {}）：锚点之前的历史被改写",
                found.as_deref().map(|h| format!("{}…", &h[..h.len().min(12)])).unwrap_or("空".into())
            ),
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
fn walk(conn: &Connection, anchor: Option<&Anchor>, keying: &Keying) -> StoreResult<Verification> {
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

/// What `liaison audit rehash` did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rehash {
    pub hashed: usize,
    pub head: Option<Anchor>,
}

impl Store {
    /// Keys the history from the next event on with the key file beside the database (see
    /// `audit_key`); returns the first keyed event's id. Kept when already enabled with this key.
    pub fn enable_audit_key(&mut self) -> StoreResult<i64> {
        super::audit_key::load(&self.conn, &self.path);
        self.write(super::audit_key::enable)
    }

    /// Walks the whole history chain; with an anchor, also checks that the chain still holds it.
    pub fn verify_history(&mut self, anchor: Option<&Anchor>) -> StoreResult<Verification> {
        self.read(|tx| walk(tx, anchor, &keying(tx)?))
    }

    /// The current head of the chain and how many events are not hashed yet.
    pub fn history_head(&mut self) -> StoreResult<(Option<Anchor>, u64)> {
        self.read(|tx| {
            let head = tx
                .query_row(
                    "SELECT id, hash FROM events WHERE hash IS NOT NULL ORDER BY id DESC LIMIT 1",
                    [],
                    |r| Ok(Anchor { id: r.get(0)?, hash: r.get(1)? }),
                )
                .optional()?;
            let after = head.as_ref().map_or(0, |h| h.id);
            let newer: i64 =
                tx.query_row("SELECT count(*) FROM events WHERE id > ?1", [after], |r| r.get(0))?;
            Ok((head, newer.max(0) as u64))
        })
    }

    /// Hashes every event that has no hash, in order (admins only). Refused, with nothing
    /// written, when the hashed history already fails verification.
    pub fn rehash_history(&mut self, ctx: &Ctx) -> StoreResult<Rehash> {
        if ctx.actor.person.role != Role::Admin {
            return Err(StoreError::Denied(Denied {
                action: ctx.lang.pick("hash the history", "为历史记录计算哈希"),
                who_can: ctx.lang.pick("only an admin can", "只有管理员可以操作").into(),
            }));
        }
        self.write(|tx| {
            let check = walk(tx, None, &keying(tx)?)?;
            if let Some(t) = &check.tampering {
                return Err(StoreError::invalid(
                    format!(
                        "refusing to hash: the history fails verification: {}; nothing was changed",
                        t.message(Lang::En)
                    ),
                    format!("拒绝计算哈希：历史记录校验未通过：{}；未做任何修改", t.message(Lang::Zh)),
                ));
            }
            let hashed = match &check.unhashed {
                Some(u) => rehash_from(tx, u.first_id)?,
                None => 0,
            };
            let head = tx
                .query_row(
                    "SELECT id, hash FROM events WHERE hash IS NOT NULL ORDER BY id DESC LIMIT 1",
                    [],
                    |r| Ok(Anchor { id: r.get(0)?, hash: r.get(1)? }),
                )
                .optional()?;
            Ok(Rehash { hashed, head })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields<'a>(after: &'a str) -> Fields<'a> {
        Fields {
            issue_id: Some(3),
            at: 1_700_000_000,
            actor: "wang",
            on_behalf_of: None,
            kind: "commented",
            before: "null",
            after,
        }
    }

    #[test]
    fn hashes_are_hex_sha256_and_cover_every_field() {
        let h = event_hash(GENESIS, &fields("{}"));
        assert_eq!(h.len(), 64);
        assert!(h.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
        assert_eq!(h, event_hash(GENESIS, &fields("{}")), "deterministic");
        assert_ne!(h, event_hash(&h, &fields("{}")), "the previous hash counts");
        assert_ne!(h, event_hash(GENESIS, &fields("{ }")));
        let mut f = fields("{}");
        f.on_behalf_of = Some("");
        assert_ne!(h, event_hash(GENESIS, &f), "NULL and empty differ");
        let mut f = fields("{}");
        f.issue_id = None;
        assert_ne!(h, event_hash(GENESIS, &f));
        // Moving text between neighbouring fields changes the hash (lengths are encoded).
        let a = Fields { before: "ab", after: "c", ..fields("") };
        let b = Fields { before: "a", after: "bc", ..fields("") };
        assert_ne!(event_hash(GENESIS, &a), event_hash(GENESIS, &b));
    }

    #[test]
    fn anchors_parse_and_print() {
        let text = format!("42:{}", "AB".repeat(32));
        let a = Anchor::parse(&text).expect("an anchor");
        assert_eq!(a.id, 42);
        assert_eq!(a.to_string(), format!("42:{}", "ab".repeat(32)));
        assert!(Anchor::parse("42").is_none());
        assert!(Anchor::parse("x:00").is_none());
        assert!(Anchor::parse(&format!("0:{GENESIS}")).is_none());
        assert!(Anchor::parse(&format!("7:{}", "g".repeat(64))).is_none());
    }

    fn chain(n: i64) -> Connection {
        chain_in(Connection::open_in_memory().expect("memory"), n)
    }

    fn chain_in(conn: Connection, n: i64) -> Connection {
        conn.execute_batch(
            "CREATE TABLE issues (id INTEGER PRIMARY KEY, number TEXT);
             CREATE TABLE events (id INTEGER PRIMARY KEY, issue_id INTEGER, at INTEGER NOT NULL,
                 actor TEXT NOT NULL, on_behalf_of TEXT, kind TEXT NOT NULL, before TEXT NOT NULL,
                 after TEXT NOT NULL, prev_hash TEXT, hash TEXT);
             CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
             INSERT INTO issues VALUES (1, 'RD-001');",
        )
        .expect("schema");
        for i in 1..=n {
            conn.execute(
                "INSERT INTO events (issue_id, at, actor, kind, before, after) VALUES (1, ?1, 'wang', 'commented', 'null', ?2)",
                rusqlite::params![1_700_000_000 + i, format!("{{\"n\":{i}}}")],
            )
            .expect("insert");
        }
        conn
    }

    fn append(conn: &mut Connection, n: i64) {
        for i in 0..n {
            conn.execute(
                "INSERT INTO events (issue_id, at, actor, kind, before, after) VALUES (1, ?1, 'li', 'commented', 'null', '{}')",
                [1_800_000_000 + i],
            )
            .expect("insert");
        }
        let tx = conn.transaction().expect("tx");
        head_for_append(&tx).expect("hash what was appended");
        tx.commit().expect("commit");
    }

    #[test]
    fn a_keyed_chain_cannot_be_rechained_without_the_key() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("keyed.db");
        let key = AuditKey::generate().expect("key");
        std::fs::write(super::super::audit_key::key_path(&db), key.to_file_text()).expect("key file");
        let mut conn = hashed(chain_in(Connection::open(&db).expect("file"), 10));
        super::super::audit_key::load(&conn, &db);
        // Before it is enabled, the key is not used: the events stay plain and verify.
        assert_eq!(
            walk(&conn, None, &keying(&conn).expect("keying")).expect("walk").key,
            KeyState::NotEnabled
        );
        let tx = conn.transaction().expect("tx");
        assert_eq!(super::super::audit_key::enable(&tx).expect("enable"), 11);
        tx.commit().expect("commit");
        append(&mut conn, 5);
        let k = keying(&conn).expect("keying");
        let v = walk(&conn, None, &k).expect("walk");
        assert_eq!((v.events, v.key.clone(), v.tampering.clone()), (15, KeyState::Keyed { from: 11 }, None));
        assert!(v.intact());
        // Keyed events are not plain SHA-256: with the key gone they are not checked.
        let plain = walk(&conn, None, &Keying { key: None, ..k.clone() }).expect("walk");
        assert_eq!((plain.events, plain.key.clone()), (10, KeyState::Missing { from: 11 }));
        assert!(!plain.intact());

        // Someone with a copy edits event 13 and recomputes the chain from there as the program
        // without the key would: the keyed walk names event 13.
        let copy = dir.path().join("copy.db");
        conn.execute("VACUUM INTO ?1", [copy.to_string_lossy()]).expect("copy");
        let forged = Connection::open(&copy).expect("copy");
        forged
            .execute(
                "UPDATE events SET after = '{\"forged\":1}', hash = NULL, prev_hash = NULL WHERE id >= 13",
                [],
            )
            .expect("edit");
        let mut prev: String =
            forged.query_row("SELECT hash FROM events WHERE id = 12", [], |r| r.get(0)).expect("h");
        for id in 13..=15 {
            let r = one(&forged, "e.id = :id", id).expect("row").expect("exists");
            let hash = event_hash(&prev, &r.fields());
            forged
                .execute(
                    "UPDATE events SET prev_hash = ?1, hash = ?2 WHERE id = ?3",
                    rusqlite::params![prev, hash, id],
                )
                .expect("rechain");
            prev = hash;
        }
        let v = walk(&forged, None, &Keying { from: Some(11), ..k.clone() }).expect("walk");
        assert!(matches!(&v.tampering, Some(Tamper::Edited { event, .. }) if event.id == 13), "{v:?}");
        // Moving the boundary past the forgery is caught by its check.
        forged.execute("UPDATE settings SET value = '16:00' WHERE key = 'audit_key'", []).expect("move");
        std::fs::write(super::super::audit_key::key_path(&copy), key.to_file_text()).expect("key file");
        super::super::audit_key::load(&forged, &copy);
        let v = walk(&forged, None, &keying(&forged).expect("keying")).expect("walk");
        assert_eq!(v.key, KeyState::Mismatch { from: 16 });
        assert!(!v.intact());
    }

    fn hashed(mut conn: Connection) -> Connection {
        let tx = conn.transaction().expect("tx");
        backfill_hashes(&tx).expect("backfill");
        tx.commit().expect("commit");
        conn
    }

    #[test]
    fn a_backfilled_chain_verifies_and_rehash_touches_only_unhashed_rows() {
        let mut conn = hashed(chain(30));
        let v = walk(&conn, None, &Keying::default()).expect("walk");
        assert_eq!((v.events, v.tampering.clone(), v.unhashed.clone()), (30, None, None));
        assert_eq!(v.head.as_ref().map(|h| h.id), Some(30));
        // Rows written without hashes at the end are reported, then hashed onto the chain.
        conn.execute(
            "INSERT INTO events (at, actor, kind, before, after) VALUES (1, 'x', 'k', '1', '2')",
            [],
        )
        .expect("insert");
        let v = walk(&conn, None, &Keying::default()).expect("walk");
        assert_eq!(v.unhashed, Some(Unhashed { count: 1, first_id: 31, last_id: 31 }));
        assert!(v.intact());
        let tx = conn.transaction().expect("tx");
        assert_eq!(head_for_append(&tx).expect("head").len(), 64);
        tx.commit().expect("commit");
        let v = walk(&conn, None, &Keying::default()).expect("walk");
        assert_eq!((v.events, v.unhashed, v.tampering), (31, None, None));
        // An erased hash on an unchanged event is only "unhashed", and rehash restores it.
        let h5: String = conn.query_row("SELECT hash FROM events WHERE id = 5", [], |r| r.get(0)).expect("h");
        conn.execute("UPDATE events SET hash = NULL WHERE id = 5", []).expect("erase");
        let v = walk(&conn, None, &Keying::default()).expect("walk");
        assert!(v.tampering.is_none() && v.unhashed.is_some(), "{v:?}");
        let tx = conn.transaction().expect("tx");
        assert_eq!(rehash_from(&tx, 5).expect("rehash"), 1);
        tx.commit().expect("commit");
        let again: String =
            conn.query_row("SELECT hash FROM events WHERE id = 5", [], |r| r.get(0)).expect("h");
        assert_eq!(again, h5);
    }

    #[test]
    fn edits_deletions_and_insertions_are_named() {
        let kind_at = |conn: &Connection| {
            walk(conn, None, &Keying::default()).expect("walk").tampering.expect("tampering")
        };

        let conn = hashed(chain(10));
        conn.execute("UPDATE events SET after = '{\"n\":99}' WHERE id = 4", []).expect("edit");
        assert!(matches!(kind_at(&conn), Tamper::Edited { event, hash_rewritten: false } if event.id == 4));

        let conn = hashed(chain(10));
        conn.execute("UPDATE events SET after = '{}' WHERE id = 10", []).expect("edit the last");
        assert!(matches!(kind_at(&conn), Tamper::Edited { event, .. } if event.id == 10));

        // Edited, with its hash recomputed: only the next event's link shows it.
        let conn = hashed(chain(10));
        let prev: String =
            conn.query_row("SELECT hash FROM events WHERE id = 3", [], |r| r.get(0)).expect("h");
        let f = Fields { after: "{\"n\":0}", ..fields("") };
        let f = Fields { issue_id: Some(1), at: 1_700_000_004, kind: "commented", actor: "wang", ..f };
        conn.execute(
            "UPDATE events SET after = ?1, hash = ?2 WHERE id = 4",
            rusqlite::params![f.after, event_hash(&prev, &f)],
        )
        .expect("rewrite");
        assert!(matches!(kind_at(&conn), Tamper::Edited { event, hash_rewritten: true } if event.id == 4));

        let conn = hashed(chain(10));
        conn.execute("DELETE FROM events WHERE id IN (5, 6)", []).expect("delete");
        match kind_at(&conn) {
            Tamper::Deleted { before, after, missing } => {
                assert_eq!((before.map(|b| b.id), after.id, missing), (Some(4), 7, Some((5, 6))));
            }
            other => panic!("{other:?}"),
        }

        let conn = hashed(chain(10));
        conn.execute("DELETE FROM events WHERE id = 1", []).expect("delete the first");
        assert!(matches!(kind_at(&conn), Tamper::Deleted { before: None, after, .. } if after.id == 2));

        // A forged copy of event 5 with other content, appended.
        let conn = hashed(chain(10));
        conn.execute(
            "INSERT INTO events (issue_id, at, actor, kind, before, after, prev_hash, hash)
             SELECT issue_id, at, 'mallory', kind, before, '{\"n\":0}', prev_hash, hash FROM events WHERE id = 5",
            [],
        )
        .expect("forge");
        assert!(
            matches!(kind_at(&conn), Tamper::Inserted { event } if event.id == 11 && event.actor == "mallory")
        );

        // A forged event in a gap, self-consistent, linking to the event before the gap.
        let conn = hashed(chain(10));
        conn.execute("DELETE FROM events WHERE id = 6", []).expect("delete");
        let prev: String =
            conn.query_row("SELECT hash FROM events WHERE id = 5", [], |r| r.get(0)).expect("h");
        let f = Fields { actor: "mallory", ..fields("{}") };
        conn.execute(
            "INSERT INTO events (id, issue_id, at, actor, kind, before, after, prev_hash, hash)
             VALUES (6, 3, ?1, 'mallory', 'commented', 'null', '{}', ?2, ?3)",
            rusqlite::params![f.at, prev, event_hash(&prev, &f)],
        )
        .expect("forge");
        assert!(matches!(kind_at(&conn), Tamper::Edited { event, hash_rewritten: true } if event.id == 6));
    }

    #[test]
    fn anchors_catch_a_recomputed_chain() {
        let mut conn = hashed(chain(10));
        let head = walk(&conn, None, &Keying::default()).expect("walk").head.expect("head");
        conn.execute("UPDATE events SET after = '{}', prev_hash = NULL, hash = NULL WHERE id >= 3", [])
            .expect("rewrite");
        let tx = conn.transaction().expect("tx");
        rehash_from(&tx, 3).expect("recompute");
        tx.commit().expect("commit");
        let v = walk(&conn, Some(&head), &Keying::default()).expect("walk");
        assert!(v.tampering.is_none());
        assert!(matches!(v.anchor.as_ref().map(|a| &a.state), Some(AnchorState::Changed { .. })), "{v:?}");
        assert!(!v.intact());
        conn.execute("DELETE FROM events WHERE id = 10", []).expect("truncate");
        let v = walk(&conn, Some(&head), &Keying::default()).expect("walk");
        assert_eq!(v.anchor.map(|a| a.state), Some(AnchorState::Missing));
    }
}
