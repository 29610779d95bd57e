//! The `Store` methods behind `liaison audit`: verify, head, rehash, and enabling the key.

use rusqlite::OptionalExtension;
use serde::Serialize;

use super::anchor::Anchor;
use super::chain::rehash_from;
use super::verify::{Verification, walk};
use crate::domain::Role;
use crate::domain::permission::Denied;
use crate::i18n::Lang;
use crate::store::audit_key::keying;
use crate::store::{Ctx, Store, StoreError, StoreResult};

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
        crate::store::audit_key::load(&self.conn, &self.path);
        self.write(crate::store::audit_key::enable)
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
