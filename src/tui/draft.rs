//! Drafts: what is typed into a form is written to a private file on every change, so that a
//! crash, a kill or a dropped SSH connection loses nothing; the next start offers it back.

use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use super::form::FormDraft;

/// A draft on disk, with the database it belongs to and when it was last written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    pub db: String,
    pub saved_at: NaiveDateTime,
    pub form: FormDraft,
}

/// `$XDG_STATE_HOME/liaison/` (by default `~/.local/state/liaison/`).
pub fn dir() -> PathBuf {
    std::env::var_os("XDG_STATE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/state")))
        .unwrap_or_else(|| PathBuf::from("."))
        .join("liaison")
}

/// One draft file per database, named after a hash of its path.
pub fn path_for(db: &str) -> PathBuf {
    // FNV-1a: stable across runs and builds, unlike the standard library's hasher.
    let hash =
        db.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
    dir().join(format!("draft-{hash:016x}.json"))
}

/// Writes the draft where only its owner can read it (0600), replacing the old one atomically.
pub fn save(path: &Path, draft: &Draft) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
        let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
    }
    let text = serde_json::to_string(draft).map_err(std::io::Error::other)?;
    let tmp = path.with_extension("json.tmp");
    let mut file =
        std::fs::OpenOptions::new().write(true).create(true).truncate(true).mode(0o600).open(&tmp)?;
    file.write_all(text.as_bytes())?;
    file.sync_data()?;
    std::fs::rename(&tmp, path)
}

/// The draft left for this database, if any (an unreadable file counts as none).
pub fn load(path: &Path, db: &str) -> Option<Draft> {
    let text = std::fs::read_to_string(path).ok()?;
    serde_json::from_str::<Draft>(&text).ok().filter(|d| d.db == db)
}

pub fn remove(path: &Path) {
    let _ = std::fs::remove_file(path);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::form::FormKind;

    #[test]
    fn drafts_are_private_and_come_back() {
        let dir = std::env::temp_dir().join(format!("liaison-draft-test-{}", std::process::id()));
        let path = dir.join("draft.json");
        let draft = Draft {
            db: "/srv/liaison.db".into(),
            saved_at: chrono::NaiveDate::from_ymd_opt(2026, 11, 20)
                .and_then(|d| d.and_hms_opt(10, 0, 0))
                .expect("time"),
            form: FormDraft {
                kind: FormKind::Comment,
                number: Some("20261120-RD-001".into()),
                base_version: Some(3),
                base_event: Some(12),
                values: vec![("body".into(), "积分兑换\n双十一".into())],
            },
        };
        save(&path, &draft).expect("save");
        let mode = std::fs::metadata(&path).expect("exists").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert_eq!(load(&path, "/srv/liaison.db"), Some(draft));
        assert_eq!(load(&path, "/other.db"), None, "a draft belongs to its database");
        remove(&path);
        assert_eq!(load(&path, "/srv/liaison.db"), None);
        let _ = std::fs::remove_dir_all(dir);
        assert_ne!(path_for("/a.db"), path_for("/b.db"));
    }
}
