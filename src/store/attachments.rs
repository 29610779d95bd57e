//! Attachments: the bytes in the database beside their name, size, type, time, uploader and
//! SHA-256. The event that adds one carries the hash, so the audit chain covers the content, and
//! `verify` re-hashes every attachment against its event.

use rusqlite::{OptionalExtension, Transaction, named_params};
use serde_json::json;
use sha2::{Digest, Sha256};

use super::admin::settings;
use super::convert::Instant;
use super::issues::{begin, finish, load};
use super::{Ctx, Kind, Store, StoreError, StoreResult};
use crate::domain::attachment::sniff_mime;
use crate::domain::rules::Act;
use crate::domain::*;

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

const COLUMNS: &str = "a.id, a.name, a.size, a.mime, a.at, a.by_login, a.sha256, a.note";

fn row(r: &rusqlite::Row) -> rusqlite::Result<Attachment> {
    Ok(Attachment {
        id: r.get(0)?,
        name: r.get(1)?,
        size: r.get::<_, i64>(2)?.max(0) as u64,
        mime: r.get(3)?,
        at: r.get::<_, Instant>(4)?.0,
        by: r.get(5)?,
        sha256: r.get(6)?,
        note: r.get(7)?,
    })
}

/// An attachment whose bytes no longer match the hash its event recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentMismatch {
    pub id: i64,
    pub number: String,
    pub name: String,
    /// The hash in the event (None: no event records this attachment).
    pub recorded: Option<String>,
    pub actual: String,
}

/// Re-hashes every attachment and compares it with the hash its event carries.
pub(super) fn check_all(tx: &Transaction) -> StoreResult<Vec<AttachmentMismatch>> {
    let mut stmt = tx.prepare(
        "SELECT a.id, i.number, a.name, a.content,
            (SELECT json_extract(e.after, '$.sha256') FROM events e
              WHERE e.issue_id = a.issue_id AND e.kind = 'attachment_added'
                AND json_extract(e.after, '$.attachment') = a.id)
         FROM attachments a JOIN issues i ON i.id = a.issue_id ORDER BY a.id",
    )?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let content: Vec<u8> = r.get(3)?;
        let actual = sha256_hex(&content);
        let recorded: Option<String> = r.get(4)?;
        if recorded.as_deref() != Some(actual.as_str()) {
            out.push(AttachmentMismatch {
                id: r.get(0)?,
                number: r.get(1)?,
                name: r.get(2)?,
                recorded,
                actual,
            });
        }
    }
    Ok(out)
}

impl Store {
    /// Attaches a file to an issue, if the rule book allows it (archived issues are read-only)
    /// and it is within the size limit.
    pub fn attach(
        &mut self,
        ctx: &Ctx,
        number: &str,
        name: &str,
        bytes: &[u8],
        note: Option<&str>,
    ) -> StoreResult<Attachment> {
        self.change(|tx| {
            let limit = settings(tx)?.attachment_limit();
            if bytes.len() as u64 > limit {
                let (size, max) = (crate::docs::form::human_size(bytes.len() as u64), crate::docs::form::human_size(limit));
                return Err(StoreError::invalid(
                    format!("{name} is {size}; attachments are limited to {max} (an admin sets it: liaison settings attachment-limit)"),
                    format!("{name} 大小为 {size}，附件上限为 {max}（管理员可用 liaison settings attachment-limit 调整）"),
                ));
            }
            let (r, outcome) = begin(tx, ctx, number, None, &Act::Attach)?;
            let sha256 = sha256_hex(bytes);
            let mime = sniff_mime(name, &bytes[..bytes.len().min(512)]);
            tx.execute(
                "INSERT INTO attachments (issue_id, name, size, mime, at, by_login, sha256, note, content)
                 VALUES (:issue, :name, :size, :mime, :at, :by, :sha, :note, :content)",
                named_params! {
                    ":issue": r.issue.id, ":name": name, ":size": bytes.len() as i64, ":mime": mime,
                    ":at": Instant(ctx.now), ":by": ctx.actor.login(), ":sha": sha256, ":note": note, ":content": bytes,
                },
            )?;
            let id = tx.last_insert_rowid();
            let after = json!({"attachment": id, "name": name, "size": bytes.len(), "mime": mime, "sha256": sha256, "note": note});
            let said = finish(tx, ctx, &r.issue, &outcome, EventKind::AttachmentAdded, json!({}), after)?;
            let a = Attachment {
                id,
                name: name.to_string(),
                size: bytes.len() as u64,
                mime: mime.to_string(),
                at: ctx.now,
                by: ctx.actor.login().to_string(),
                sha256,
                note: note.map(str::to_string),
            };
            Ok((a, said))
        })
    }

    /// An issue's attachments, oldest first, without their bytes.
    pub fn attachments(&mut self, number: &str) -> StoreResult<Vec<Attachment>> {
        self.read(|tx| {
            let issue = load(tx, number)?;
            let mut stmt = tx.prepare(&format!(
                "SELECT {COLUMNS} FROM attachments a WHERE a.issue_id = :id ORDER BY a.id"
            ))?;
            let rows = stmt.query_map(named_params! {":id": issue.id}, row)?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    /// One attachment with its bytes, checked against its hash.
    pub fn attachment(&mut self, number: &str, id: i64) -> StoreResult<(Attachment, Vec<u8>)> {
        self.read(|tx| {
            let issue = load(tx, number)?;
            let found = tx
                .query_row(
                    &format!("SELECT {COLUMNS}, a.content FROM attachments a WHERE a.issue_id = :issue AND a.id = :id"),
                    named_params! {":issue": issue.id, ":id": id},
                    |r| Ok((row(r)?, r.get::<_, Vec<u8>>(8)?)),
                )
                .optional()?;
            let (a, bytes) = found.ok_or_else(|| StoreError::not_found(Kind::Attachment, format!("{number} #{id}")))?;
            if sha256_hex(&bytes) != a.sha256 {
                return Err(StoreError::invalid(
                    format!("attachment #{id} of {number} does not match its SHA-256: it was changed outside liaison (run liaison audit verify)"),
                    format!("{number} 的附件 #{id} 与其 SHA-256 不符：已在 liaison 之外被改动（请运行 liaison audit verify）"),
                ));
            }
            Ok((a, bytes))
        })
    }

    /// Attachments whose bytes no longer match their events.
    pub fn verify_attachments(&mut self) -> StoreResult<Vec<AttachmentMismatch>> {
        self.read(check_all)
    }
}
