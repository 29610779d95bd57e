//! The canonical encoding of an event's fields and its hash: plain SHA-256, or HMAC-SHA256 with
//! the audit key.

use sha2::{Digest, Sha256};

use crate::store::audit_key::AuditKey;

/// The `prev_hash` of the first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

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
