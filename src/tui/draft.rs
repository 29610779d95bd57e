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
    /// The login a console started with `--as` acts as; none for a person's own console. A
    /// draft is offered back only to a console of the same identity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acting_as: Option<String>,
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

fn hash(db: &str) -> String {
    // FNV-1a: stable across runs and builds, unlike the standard library's hasher.
    let hash =
        db.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
    format!("{hash:016x}")
}

/// What a draft file's name is made from: the database, and the login a console acts as.
fn key(db: &str, acting_as: Option<&str>) -> String {
    match acting_as {
        Some(login) => format!("{db}\nas:{login}"),
        None => db.to_string(),
    }
}

/// This console's draft file for a database: one per running console (named after the
/// database's path, the identity and the process), so two consoles never write over each other.
pub fn path_for(db: &str, acting_as: Option<&str>) -> PathBuf {
    dir().join(format!("draft-{}-{}.json", hash(&key(db, acting_as)), std::process::id()))
}

/// Drafts for this database and identity left by consoles that no longer run (a crash, a kill, a
/// hang-up), newest first, with their files. A draft of a console still running is its own
/// business.
pub fn left_behind(db: &str, acting_as: Option<&str>) -> Vec<(PathBuf, Draft)> {
    crate::privilege::as_user(|| Ok(left_behind_in(&dir(), db, acting_as))).unwrap_or_default()
}

fn left_behind_in(dir: &Path, db: &str, acting_as: Option<&str>) -> Vec<(PathBuf, Draft)> {
    let prefix = format!("draft-{}", hash(&key(db, acting_as)));
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found: Vec<(PathBuf, Draft)> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|path| {
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let Some(rest) = name.strip_prefix(&prefix).and_then(|r| r.strip_suffix(".json")) else {
                return false;
            };
            // `draft-HASH.json` (one file per database, as earlier versions wrote) or
            // `draft-HASH-PID.json` of a process that is gone.
            match rest.strip_prefix('-').map(str::parse::<i32>) {
                None => rest.is_empty(),
                Some(Ok(pid)) => pid as u32 == std::process::id() || !running(pid),
                Some(Err(_)) => false,
            }
        })
        .filter_map(|path| load(&path, db).map(|d| (path, d)))
        .filter(|(_, d)| d.acting_as.as_deref() == acting_as)
        .collect();
    found.sort_by_key(|(_, d)| std::cmp::Reverse(d.saved_at));
    found
}

/// Whether a process with this id runs (it may belong to someone else). A zombie, dead but not
/// yet reaped by its parent, does not.
fn running(pid: i32) -> bool {
    if pid <= 0 {
        return false;
    }
    if let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        let state = stat.rsplit_once(')').and_then(|(_, rest)| rest.trim_start().chars().next());
        return !matches!(state, Some('Z' | 'X'));
    }
    if std::path::Path::new("/proc/self/stat").exists() {
        return false;
    }
    // SAFETY: signal 0 only asks whether the process exists; nothing is sent.
    let result = unsafe { libc::kill(pid, 0) };
    result == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

/// Writes the draft where only its owner can read it (0600), replacing the old one atomically.
/// The file is the user's, with the user's group, also when liaison runs setgid.
pub fn save(path: &Path, draft: &Draft) -> std::io::Result<()> {
    crate::privilege::as_user(|| save_as_user(path, draft))
}

fn save_as_user(path: &Path, draft: &Draft) -> std::io::Result<()> {
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
    let text = crate::privilege::as_user(|| std::fs::read_to_string(path)).ok()?;
    serde_json::from_str::<Draft>(&text).ok().filter(|d| d.db == db)
}

pub fn remove(path: &Path) {
    let _ = crate::privilege::as_user(|| std::fs::remove_file(path));
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
            acting_as: None,
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
        assert_eq!(load(&path, "/srv/liaison.db"), Some(draft.clone()));
        assert_eq!(load(&path, "/other.db"), None, "a draft belongs to its database");
        remove(&path);
        assert_eq!(load(&path, "/srv/liaison.db"), None);
        assert_ne!(path_for("/a.db", None), path_for("/b.db", None));
        assert_ne!(path_for("/a.db", None), path_for("/a.db", Some("sunmincs")));
        assert!(running(std::process::id() as i32));
        assert!(!running(i32::MAX - 1), "no such process");

        // Left behind: the draft of a process that is gone, and one in the old single-file
        // name; not the draft of a console still running (this test's parent, say).
        let db = "/srv/liaison.db";
        let named = |pid: Option<i64>| match pid {
            Some(pid) => dir.join(format!("draft-{}-{pid}.json", hash(db))),
            None => dir.join(format!("draft-{}.json", hash(db))),
        };
        let parent = i64::from(std::os::unix::process::parent_id());
        let at =
            |minute| Draft { saved_at: draft.saved_at + chrono::Duration::minutes(minute), ..draft.clone() };
        save(&named(Some(i64::from(i32::MAX - 1))), &at(2)).expect("save");
        save(&named(None), &at(1)).expect("save");
        save(&named(Some(parent)), &at(3)).expect("save");
        let left: Vec<PathBuf> = left_behind_in(&dir, db, None).into_iter().map(|(p, _)| p).collect();
        assert_eq!(left, vec![named(Some(i64::from(i32::MAX - 1))), named(None)], "newest first");
        assert!(path_for(db, None).to_string_lossy().ends_with(&format!("-{}.json", std::process::id())));

        // A console acting as someone else (`--as`) neither sees these nor leaves its own to them.
        assert!(left_behind_in(&dir, db, Some("sunmincs")).is_empty());
        let as_sun = dir.join(format!("draft-{}-{}.json", hash(&key(db, Some("sunmincs"))), i32::MAX - 2));
        save(&as_sun, &Draft { acting_as: Some("sunmincs".into()), ..at(4) }).expect("save");
        let mine: Vec<PathBuf> = left_behind_in(&dir, db, None).into_iter().map(|(p, _)| p).collect();
        assert!(!mine.contains(&as_sun), "the plain login is not offered the --as console's draft");
        let theirs: Vec<PathBuf> =
            left_behind_in(&dir, db, Some("sunmincs")).into_iter().map(|(p, _)| p).collect();
        assert_eq!(theirs, vec![as_sun]);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
