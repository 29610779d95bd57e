//! The audit chain's key. On a shared server liaison runs setgid, and a key file beside the
//! database (`liaison.db.key`, mode 0640, group `liaison`) is readable only through it. With the
//! key, each new event's hash is an HMAC-SHA256 instead of a plain SHA-256, so that someone holding
//! a copy of the file cannot recompute the chain after changing it.
//!
//! Which events are keyed is recorded in the settings as `audit_key = FROM:CHECK`: events from id
//! FROM on are HMACs, earlier ones (written before the key existed) stay plain SHA-256 and keep
//! verifying. CHECK is an HMAC of FROM itself, so the boundary cannot be moved without the key.
//!
//! HMAC (RFC 2104) is built here on the `sha2` crate already in use: two SHA-256 passes over the
//! key padded with the standard constants; the test below checks it against RFC 4231.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rusqlite::{Connection, OptionalExtension};
use sha2::{Digest, Sha256};

use super::{StoreError, StoreResult};

/// The settings key that records from which event on the chain is keyed.
const SETTING: &str = "audit_key";

/// 32 secret bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct AuditKey([u8; 32]);

impl std::fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AuditKey(…)")
    }
}

impl AuditKey {
    /// A new key from the kernel's random source.
    pub fn generate() -> std::io::Result<AuditKey> {
        let mut bytes = [0u8; 32];
        let mut filled = 0;
        while filled < bytes.len() {
            // SAFETY: getrandom writes at most the given length into the buffer we own.
            let n = unsafe { libc::getrandom(bytes[filled..].as_mut_ptr().cast(), bytes.len() - filled, 0) };
            if n < 0 {
                let e = std::io::Error::last_os_error();
                if e.kind() == std::io::ErrorKind::Interrupted {
                    continue;
                }
                return Err(e);
            }
            filled += n as usize;
        }
        Ok(AuditKey(bytes))
    }

    /// The key file's text: 64 hex digits and a newline.
    pub fn to_file_text(&self) -> String {
        format!("{}\n", super::audit::hex(&self.0))
    }

    pub fn parse(text: &str) -> Option<AuditKey> {
        let text = text.trim();
        if text.len() != 64 {
            return None;
        }
        let mut bytes = [0u8; 32];
        for (i, byte) in bytes.iter_mut().enumerate() {
            *byte = u8::from_str_radix(text.get(2 * i..2 * i + 2)?, 16).ok()?;
        }
        Some(AuditKey(bytes))
    }

    /// Reads the key file; a missing one is no key.
    pub fn read(path: &Path) -> std::io::Result<Option<AuditKey>> {
        match std::fs::read_to_string(path) {
            Ok(text) => AuditKey::parse(&text).map(Some).ok_or_else(|| {
                std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!("{} does not hold a key (64 hex digits)", path.display()),
                )
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// An HMAC keyed with this key.
    pub(crate) fn mac(&self) -> Mac {
        Mac::new(&self.0)
    }

    /// The value that proves the boundary `from` was set with this key.
    fn check(&self, from: i64) -> String {
        let mut mac = Mac::new(&self.0);
        mac.update(format!("liaison audit key from {from}").as_bytes());
        super::audit::hex(&mac.finalize())
    }
}

/// The key file of a database: its path with `.key` appended.
pub fn key_path(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_os_string();
    name.push(".key");
    PathBuf::from(name)
}

/// HMAC-SHA256 (RFC 2104), fed in pieces like a hash.
pub(crate) struct Mac {
    inner: Sha256,
    outer_key: [u8; 64],
}

impl Mac {
    /// Keys longer than the block are not needed here: ours are 32 bytes.
    pub(crate) fn new(key: &[u8]) -> Mac {
        let mut block = [0u8; 64];
        if key.len() > block.len() {
            block[..32].copy_from_slice(&Sha256::digest(key));
        } else {
            block[..key.len()].copy_from_slice(key);
        }
        let mut inner = Sha256::new();
        inner.update(block.map(|b| b ^ 0x36));
        Mac { inner, outer_key: block.map(|b| b ^ 0x5c) }
    }

    pub(crate) fn update(&mut self, data: &[u8]) {
        self.inner.update(data);
    }

    pub(crate) fn finalize(self) -> [u8; 32] {
        let inner = self.inner.finalize();
        let mut outer = Sha256::new();
        outer.update(self.outer_key);
        outer.update(inner);
        outer.finalize().into()
    }
}

/// Keys of the databases this process opened, by the path SQLite reports for the connection.
static KEYS: Mutex<BTreeMap<String, AuditKey>> = Mutex::new(BTreeMap::new());

fn conn_path(conn: &Connection) -> Option<String> {
    conn.path().filter(|p| !p.is_empty()).map(str::to_string)
}

/// Reads the key file beside the database `db` (if there is one that this process may read)
/// and keeps it for the connection. An unreadable key is no key: writes to a keyed chain are
/// then refused, and verification says which events it could not check.
pub(crate) fn load(conn: &Connection, db: &Path) {
    let Some(name) = conn_path(conn) else { return };
    let key = AuditKey::read(&key_path(db)).ok().flatten();
    let mut keys = KEYS.lock().unwrap_or_else(|p| p.into_inner());
    match key {
        Some(key) => keys.insert(name, key),
        None => keys.remove(&name),
    };
}

fn key_of(conn: &Connection) -> Option<AuditKey> {
    let name = conn_path(conn)?;
    KEYS.lock().unwrap_or_else(|p| p.into_inner()).get(&name).cloned()
}

/// How the chain's hashes are made in one database.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Keying {
    /// Events from this id on are keyed.
    pub from: Option<i64>,
    pub key: Option<AuditKey>,
    /// The recorded boundary does not match the key (another key, or the boundary was edited).
    pub mismatch: bool,
}

impl Keying {
    /// Whether event `id` is keyed.
    pub(crate) fn keyed(&self, id: i64) -> bool {
        self.from.is_some_and(|from| id >= from)
    }

    /// The key for event `id`: `Ok(None)` for a plain one, an error when it is keyed and the
    /// key cannot be used.
    pub(crate) fn key_for(&self, id: i64) -> StoreResult<Option<&AuditKey>> {
        if !self.keyed(id) {
            return Ok(None);
        }
        match (&self.key, self.mismatch) {
            (Some(key), false) => Ok(Some(key)),
            _ => Err(unusable()),
        }
    }

    /// The key for the next event appended (always after the boundary, if there is one).
    pub(crate) fn key_for_append(&self) -> StoreResult<Option<&AuditKey>> {
        self.key_for(i64::MAX)
    }
}

fn unusable() -> StoreError {
    StoreError::invalid(
        "the history is protected with a key that this liaison cannot read or that does not match \
         (the .key file beside the database); run the liaison installed for the shared database, \
         or ask the administrator to run `liaison doctor`",
        "历史记录由密钥保护，但本 liaison 无法读取该密钥或密钥不匹配（数据库旁的 .key 文件）；\
         请使用为共享数据库安装的 liaison，或请管理员运行 `liaison doctor`",
    )
}

/// This database's keying: the recorded boundary and the key this process holds for it.
pub(crate) fn keying(conn: &Connection) -> StoreResult<Keying> {
    let recorded: Option<String> = conn
        .prepare_cached("SELECT value FROM settings WHERE key = :key")?
        .query_row(rusqlite::named_params! {":key": SETTING}, |r| r.get(0))
        .optional()?;
    let key = key_of(conn);
    let Some(recorded) = recorded else {
        return Ok(Keying { from: None, key, mismatch: false });
    };
    let (from, check) = recorded.split_once(':').unwrap_or((recorded.as_str(), ""));
    // A boundary that does not parse is kept at 1 (everything keyed) and reported as a mismatch.
    let parsed = from.trim().parse::<i64>().ok().filter(|f| *f >= 1);
    let from = parsed.unwrap_or(1);
    let mismatch = parsed.is_none() || key.as_ref().is_some_and(|k| k.check(from) != check.trim());
    Ok(Keying { from: Some(from), key, mismatch })
}

/// Keys the chain from the next event on, with the key this process holds for the database.
/// Returns the boundary; an existing boundary set with this key is kept. Refused when there is
/// no key, or when the recorded boundary belongs to another key.
pub(crate) fn enable(tx: &rusqlite::Transaction) -> StoreResult<i64> {
    let current = keying(tx)?;
    let Some(key) = current.key.clone() else {
        return Err(StoreError::invalid(
            "there is no audit key beside the database to protect the history with",
            "数据库旁没有可用于保护历史记录的审计密钥",
        ));
    };
    if let Some(from) = current.from {
        if current.mismatch {
            return Err(unusable());
        }
        return Ok(from);
    }
    let from: i64 = tx.query_row("SELECT coalesce(max(id), 0) + 1 FROM events", [], |r| r.get(0))?;
    tx.execute(
        "INSERT INTO settings (key, value) VALUES (:key, :value)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        rusqlite::named_params! {":key": SETTING, ":value": format!("{from}:{}", key.check(from))},
    )?;
    Ok(from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc_4231() {
        // Test case 2: key "Jefe".
        let mut mac = Mac::new(b"Jefe");
        mac.update(b"what do ya ");
        mac.update(b"want for nothing?");
        assert_eq!(
            super::super::audit::hex(&mac.finalize()),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        // Test case 1: twenty 0x0b bytes.
        let mut mac = Mac::new(&[0x0b; 20]);
        mac.update(b"Hi There");
        assert_eq!(
            super::super::audit::hex(&mac.finalize()),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
        );
    }

    #[test]
    fn keys_round_trip_and_prove_their_boundary() {
        let key = AuditKey::generate().expect("random bytes");
        assert_eq!(AuditKey::parse(&key.to_file_text()), Some(key.clone()));
        assert_ne!(AuditKey::generate().expect("random bytes"), key);
        assert!(AuditKey::parse("abc").is_none());
        assert_ne!(key.check(5), key.check(6));
        assert_eq!(key_path(Path::new("/srv/l/liaison.db")), PathBuf::from("/srv/l/liaison.db.key"));
        assert!(!format!("{key:?}").contains(&key.to_file_text()[..8]), "Debug shows no key");
    }
}
