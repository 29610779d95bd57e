//! The event log: every change, who made it, when (the real clock), before and after.

use rusqlite::{Transaction, named_params};
use serde_json::Value;

use super::convert::{Instant, event_row};
use super::{Ctx, StoreResult};
use crate::domain::{Event, EventKind};

/// Appends one event inside the caller's transaction.
pub(super) fn record(
    tx: &Transaction,
    ctx: &Ctx,
    issue_id: Option<i64>,
    kind: EventKind,
    before: Value,
    after: Value,
) -> StoreResult<()> {
    tx.prepare_cached(
        "INSERT INTO events (issue_id, at, actor, on_behalf_of, kind, before, after)
         VALUES (:issue_id, :at, :actor, :on_behalf_of, :kind, :before, :after)",
    )?
    .execute(named_params! {
        ":issue_id": issue_id,
        ":at": Instant(ctx.now),
        ":actor": ctx.actor.login(),
        ":on_behalf_of": ctx.actor.on_behalf_of,
        ":kind": kind,
        ":before": before.to_string(),
        ":after": after.to_string(),
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
