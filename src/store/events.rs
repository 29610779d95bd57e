//! The event log: every change, who made it, when (the real clock), before and after.

use rusqlite::{Transaction, named_params};
use serde_json::Value;

use super::audit::{self, Fields};
use super::convert::{event_row, instant};
use super::{Ctx, StoreResult};
use crate::domain::{Event, EventKind};

/// Appends one event inside the caller's transaction, chained to the one before it: its
/// `prev_hash` is the last event's hash, read inside the same IMMEDIATE transaction, so that
/// concurrent writers take turns and the chain never forks (see `audit`).
pub(super) fn record(
    tx: &Transaction,
    ctx: &Ctx,
    issue_id: Option<i64>,
    kind: EventKind,
    before: Value,
    after: Value,
) -> StoreResult<()> {
    let (before, after) = (before.to_string(), after.to_string());
    let fields = Fields {
        issue_id,
        at: instant(ctx.now),
        actor: ctx.actor.login(),
        on_behalf_of: ctx.actor.on_behalf_of.as_deref(),
        kind: kind.code(),
        before: &before,
        after: &after,
    };
    let prev_hash = audit::head_for_append(tx)?;
    let hash = audit::append_hash(tx, &prev_hash, &fields)?;
    // The row is written from the very values that were hashed.
    tx.prepare_cached(
        "INSERT INTO events (issue_id, at, actor, on_behalf_of, kind, before, after, prev_hash, hash)
         VALUES (:issue_id, :at, :actor, :on_behalf_of, :kind, :before, :after, :prev_hash, :hash)",
    )?
    .execute(named_params! {
        ":issue_id": fields.issue_id,
        ":at": fields.at,
        ":actor": fields.actor,
        ":on_behalf_of": fields.on_behalf_of,
        ":kind": fields.kind,
        ":before": fields.before,
        ":after": fields.after,
        ":prev_hash": prev_hash,
        ":hash": hash,
    })?;
    Ok(())
}

const EVENT_SELECT: &str = "SELECT e.id, i.number, e.at, e.actor, e.on_behalf_of, e.kind, e.before, e.after
     FROM events e LEFT JOIN issues i ON i.id = e.issue_id";

/// An issue's events, oldest first: the progress timeline.
pub(super) fn for_issue(tx: &Transaction, issue_id: i64) -> StoreResult<Vec<Event>> {
    let sql = format!("{EVENT_SELECT} WHERE e.issue_id = :id ORDER BY e.at, e.id");
    let mut stmt = tx.prepare_cached(&sql)?;
    let rows = stmt.query_map(named_params! {":id": issue_id}, event_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The latest events of the whole database, newest first.
pub(super) fn recent(tx: &Transaction, limit: u32) -> StoreResult<Vec<Event>> {
    let sql = format!("{EVENT_SELECT} ORDER BY e.id DESC LIMIT :limit");
    let mut stmt = tx.prepare_cached(&sql)?;
    let rows = stmt.query_map(named_params! {":limit": limit}, event_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}
