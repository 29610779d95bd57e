//! The stored chain: reading events as rows, and hashing the events that have no hash yet onto
//! the end of the chain (appends, bulk writes, the migration that backfills it).

use rusqlite::{Connection, OptionalExtension, Transaction, named_params};

use super::encode::{Fields, GENESIS, keyed_hash};
use super::verify::EventRef;
use crate::store::StoreResult;
use crate::store::audit_key::{Keying, keying};
use crate::store::convert::local;

/// How many rows the hashing walk reads and writes at a time.
const BATCH: i64 = 10_000;

/// One stored event, as the chain sees it.
#[derive(Debug, Clone)]
pub(super) struct Row {
    pub(super) id: i64,
    pub(super) issue_id: Option<i64>,
    pub(super) number: Option<String>,
    pub(super) at: i64,
    pub(super) actor: String,
    pub(super) on_behalf_of: Option<String>,
    pub(super) kind: String,
    pub(super) before: String,
    pub(super) after: String,
    pub(super) prev_hash: Option<String>,
    pub(super) hash: Option<String>,
}

impl Row {
    pub(super) fn fields(&self) -> Fields<'_> {
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
    pub(super) fn hash_after(&self, prev: &str, keying: &Keying) -> String {
        keyed_hash(prev, &self.fields(), keying.key_for(self.id).ok().flatten())
    }

    /// Whether the stored hash matches the stored previous hash and fields.
    pub(super) fn self_consistent(&self, keying: &Keying) -> bool {
        match &self.hash {
            Some(hash) => *hash == self.hash_after(self.prev_hash.as_deref().unwrap_or(""), keying),
            None => false,
        }
    }

    pub(super) fn reference(&self) -> EventRef {
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

pub(super) fn row(r: &rusqlite::Row) -> rusqlite::Result<Row> {
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
pub(super) fn batch(conn: &Connection, after_id: i64) -> StoreResult<Vec<Row>> {
    let sql = format!("{ROW_SELECT} WHERE e.id > :after ORDER BY e.id LIMIT :n");
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(named_params! {":after": after_id, ":n": BATCH}, row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub(super) fn one(conn: &Connection, condition: &str, id: i64) -> StoreResult<Option<Row>> {
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
