//! The doctor's checks of a setgid installation: the binary belongs to root and the group with
//! mode 2755; the directory, the database and its companions belong to the group and are closed
//! to others; the audit key is readable by the group only; the system configuration is root's;
//! and nobody registered is in the group (they could open the file with any SQLite program and
//! bypass every rule).

use std::ffi::CString;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use rusqlite::Connection;

use super::doctor::{CheckStatus, Diagnosis, group_name, sh, user_name};
use crate::config::SYSTEM_CONFIG;

/// What a setgid installation is made of.
#[derive(Debug, Clone)]
pub struct Install {
    /// The installed binary.
    pub binary: PathBuf,
    /// The group that owns the database.
    pub gid: u32,
}

impl Install {
    /// The installation this process runs from, when it runs setgid.
    pub fn current() -> Option<Install> {
        let gid = crate::privilege::group()?;
        let binary = std::env::current_exe().ok()?;
        Some(Install { binary, gid })
    }
}

/// The mode of the installed binary: setgid, executable by all, writable by root only.
pub const BINARY_MODE: u32 = 0o2755;

/// The groups `login` is in (its primary group and every supplementary one), from the group
/// database; `None` when there is no such user.
pub fn groups_of(login: &str) -> Option<Vec<u32>> {
    let name = CString::new(login).ok()?;
    let primary = primary_gid(&name)?;
    let mut n: libc::c_int = 64;
    loop {
        let mut groups = vec![0 as libc::gid_t; n as usize];
        let mut count = n;
        // SAFETY: getgrouplist writes at most `count` entries into `groups` and updates `count`.
        let rc = unsafe { libc::getgrouplist(name.as_ptr(), primary, groups.as_mut_ptr(), &mut count) };
        if rc >= 0 {
            groups.truncate(count.max(0) as usize);
            return Some(groups);
        }
        if count <= n || n > 1 << 16 {
            return Some(vec![primary]);
        }
        n = count;
    }
}

fn primary_gid(name: &CString) -> Option<u32> {
    let mut buf = vec![0u8; 16384];
    // SAFETY: getpwnam_r writes only into the buffers we own and pass.
    let mut pwd: libc::passwd = unsafe { std::mem::zeroed() };
    let mut result: *mut libc::passwd = std::ptr::null_mut();
    let rc =
        unsafe { libc::getpwnam_r(name.as_ptr(), &mut pwd, buf.as_mut_ptr().cast(), buf.len(), &mut result) };
    (rc == 0 && !result.is_null()).then_some(pwd.pw_gid)
}

/// Adds the checks of the installation `install` for the database `db` to `d`.
pub(super) fn check(d: &mut Diagnosis, conn: Option<&Connection>, db: &Path, install: &Install) {
    use CheckStatus::*;
    let gid = install.gid;
    let group = group_name(gid);

    // The binary.
    let bin = &install.binary;
    let b = sh(bin);
    let fix = format!("chown root:{group} {b} && chmod {BINARY_MODE:04o} {b}");
    match std::fs::metadata(bin) {
        Err(e) => d.push(
            "binary",
            Problem,
            format!("the installed binary {} cannot be read: {e}", bin.display()),
            format!("无法读取已安装的程序 {}：{e}", bin.display()),
            Some(fix),
        ),
        Result::Ok(m) => {
            let mode = m.mode() & 0o7777;
            let what =
                format!("{} ({}:{}, {mode:04o})", bin.display(), user_name(m.uid()), group_name(m.gid()));
            if m.uid() == 0 && m.gid() == gid && mode == BINARY_MODE {
                d.push(
                    "binary",
                    Ok,
                    format!("binary {what}, setgid"),
                    format!("程序 {what}，已设置 setgid"),
                    None,
                );
            } else {
                d.push(
                    "binary",
                    Problem,
                    format!("the binary {what} must belong to root and group {group} with mode {BINARY_MODE:04o} (setgid, writable by root only)"),
                    format!("程序 {what} 必须属于 root 和组 {group}，权限为 {BINARY_MODE:04o}（setgid，仅 root 可写）"),
                    Some(fix),
                );
            }
        }
    }

    // The directory and the files: the group's, closed to everybody else.
    let dir = db.parent().map(Path::to_path_buf).unwrap_or(PathBuf::from("/"));
    let key = super::audit_key::key_path(db);
    let companions = ["-wal", "-shm"].map(|suffix| {
        let mut name = db.as_os_str().to_os_string();
        name.push(suffix);
        PathBuf::from(name)
    });
    let mut paths: Vec<(PathBuf, u32, bool)> =
        vec![(dir.clone(), 0o2770, true), (db.to_path_buf(), 0o660, true)];
    paths.extend(companions.iter().map(|p| (p.clone(), 0o660, false)));
    for (path, wanted, must_exist) in paths {
        let p = sh(&path);
        let Result::Ok(m) = std::fs::metadata(&path) else {
            if must_exist {
                d.push(
                    "install",
                    Problem,
                    format!("{} is missing", path.display()),
                    format!("缺少 {}", path.display()),
                    Some(format!("liaison admin setup-shared {} --group {group} --binary {b}", sh(&dir))),
                );
            }
            continue;
        };
        let mode = m.mode() & 0o7777;
        let what = format!("{} ({}:{}, {mode:04o})", path.display(), user_name(m.uid()), group_name(m.gid()));
        if m.gid() != gid || mode & 0o007 != 0 {
            d.push(
                "install",
                Problem,
                format!("{what} must belong to group {group} and be closed to others ({wanted:04o}): anyone else could read or change it without liaison"),
                format!("{what} 必须属于组 {group} 且对其他人关闭（{wanted:04o}）：否则他人可绕过 liaison 读取或修改"),
                Some(format!("chgrp {group} {p} && chmod {wanted:04o} {p}")),
            );
        } else if path == dir && m.uid() != 0 {
            d.push(
                "install",
                Problem,
                format!(
                    "the directory {what} belongs to {}, who can open it to anyone: it must belong to root",
                    user_name(m.uid())
                ),
                format!("目录 {what} 属于 {}，此人可将其开放给任何人：必须属于 root", user_name(m.uid())),
                Some(format!("chown root {p}")),
            );
        }
    }

    // The audit key.
    let k = sh(&key);
    match std::fs::metadata(&key) {
        Err(_) => d.push(
            "key",
            Warning,
            format!("there is no audit key {}: the history's hashes have no key, so a copy of the file could be re-chained by hand", key.display()),
            format!("没有审计密钥 {}：历史记录的哈希没有密钥，文件副本可被人手工重新计算哈希链", key.display()),
            Some(format!("liaison admin setup-shared {} --group {group} --binary {b}", sh(&dir))),
        ),
        Result::Ok(m) => {
            let mode = m.mode() & 0o7777;
            let what = format!("{} ({}:{}, {mode:04o})", key.display(), user_name(m.uid()), group_name(m.gid()));
            if m.uid() == 0 && m.gid() == gid && mode & 0o117 == 0 {
                d.push("key", Ok, format!("audit key {what}"), format!("审计密钥 {what}"), None);
                key_in_use(d, conn, db, &format!("liaison admin setup-shared {} --group {group} --binary {b}", sh(&dir)));
            } else {
                d.push(
                    "key",
                    Problem,
                    format!("the audit key {what} must belong to root and group {group}, readable by the group only (0640)"),
                    format!("审计密钥 {what} 必须属于 root 和组 {group}，仅组可读（0640）"),
                    Some(format!("chown root:{group} {k} && chmod 0640 {k}")),
                );
            }
        }
    }

    // The system configuration names the database: only root may change it.
    if let Result::Ok(m) = std::fs::metadata(SYSTEM_CONFIG)
        && (m.uid() != 0 || m.mode() & 0o022 != 0)
    {
        let mode = m.mode() & 0o7777;
        d.push(
            "install",
            Problem,
            format!("{SYSTEM_CONFIG} ({}, {mode:04o}) must belong to root and be writable by root only: it names the database", user_name(m.uid())),
            format!("{SYSTEM_CONFIG}（{}，{mode:04o}）必须属于 root 且仅 root 可写：它指定数据库", user_name(m.uid())),
            Some(format!("chown root:root {SYSTEM_CONFIG} && chmod 0644 {SYSTEM_CONFIG}")),
        );
    }

    // Registered people in the group.
    let logins: Vec<String> = conn
        .and_then(|c| {
            c.prepare("SELECT login FROM people ORDER BY login")
                .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
                .ok()
        })
        .unwrap_or_default();
    let mut members = 0;
    for login in &logins {
        let Some(groups) = groups_of(login) else { continue };
        if !groups.contains(&gid) {
            continue;
        }
        members += 1;
        let primary = CString::new(login.as_str()).ok().and_then(|n| primary_gid(&n));
        let fix = if primary == Some(gid) {
            format!("usermod -g {login} {login}   # give {login} a primary group of their own")
        } else {
            format!("gpasswd -d {login} {group}")
        };
        d.push(
            "group",
            Problem,
            format!("{login} is registered and in group {group}: they can open the database with any SQLite program and bypass the rules; take them out of the group (they log in again)"),
            format!("{login} 已登记且属于组 {group}：可用任何 SQLite 程序直接打开数据库、绕过规则；请将其移出该组（需重新登录）"),
            Some(fix),
        );
    }
    if members == 0 && !logins.is_empty() {
        d.push(
            "group",
            Ok,
            format!("none of the {} registered people is in group {group}", logins.len()),
            format!("已登记的 {} 人都不在组 {group} 中", logins.len()),
            None,
        );
    }
}

/// Whether the history uses the key beside the database: a key the history does not use
/// protects nothing, and one that does not match what the history recorded means the key file
/// was replaced (or the record edited), so keyed events can no longer be checked.
fn key_in_use(d: &mut Diagnosis, conn: Option<&Connection>, db: &Path, fix: &str) {
    let Some(conn) = conn else { return };
    super::audit_key::load(conn, db);
    let Ok(keying) = super::audit_key::keying(conn) else { return };
    match (keying.from, keying.mismatch) {
        (None, _) => d.push(
            "key",
            CheckStatus::Warning,
            "the history does not use the audit key yet: its hashes have no key".into(),
            "历史记录尚未使用审计密钥：其哈希没有密钥".into(),
            Some(fix.to_string()),
        ),
        (Some(from), true) => d.push(
            "key",
            CheckStatus::Problem,
            format!("the audit key does not match the one the history recorded (events from {from} on): was the key file replaced? Put the original back; `liaison audit verify` cannot check those events"),
            format!("审计密钥与历史记录登记的密钥不符（第 {from} 条起）：密钥文件是否被更换？请放回原密钥；否则 `liaison audit verify` 无法校验这些事件"),
            Some("liaison audit verify".into()),
        ),
        (Some(from), false) => d.push(
            "key",
            CheckStatus::Ok,
            format!("the history is keyed from event {from} on"),
            format!("历史记录自第 {from} 条事件起使用密钥"),
            None,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_groups_of_a_login_come_from_the_group_database() {
        let root = groups_of("root").expect("root has a passwd entry");
        assert!(root.contains(&0), "root's primary group is in {root:?}");
        assert_eq!(groups_of("no-such-login-for-liaison"), None);
    }
}
