//! The checks of who is asking and of the permissions around the database (the `user`,
//! `directory` and `file` checks), with the commands that fix them.

use std::os::unix::fs::MetadataExt;
use std::path::Path;

use super::os::{can, group_name, my_groups, user_name};
use super::{CheckStatus, Diagnosis};
use crate::domain::Role;
use crate::i18n::{Bilingual, Lang};

/// Quotes a path for a shell command when it needs it.
pub(in crate::store) fn sh(path: &Path) -> String {
    let text = path.display().to_string();
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_alphanumeric() || b"/._-+,:@%".contains(&b)) {
        text
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

/// The `user` check: who is asking, and whether the database knows them.
pub(super) fn check_user(
    d: &mut Diagnosis,
    login: Option<&str>,
    people: Option<i64>,
    admins: &[String],
    lz: &str,
) {
    use CheckStatus::*;
    match (login, &d.role) {
        (None, _) => d.push(
            "user",
            Problem,
            "the current user id has no entry in the passwd database, so it has no login".into(),
            "当前用户 ID 在 passwd 数据库中没有条目，因此没有登录名".into(),
            Some("getent passwd $(id -u)".into()),
        ),
        (Some(login), Some(role)) => {
            let label = Role::parse(role).map(|r| r.label(Lang::Zh)).unwrap_or(role.as_str());
            d.push(
                "user",
                Ok,
                format!("you are {login} ({role})"),
                format!("当前用户 {login}（{label}）"),
                None,
            )
        }
        (Some(login), None) if d.exists && people.unwrap_or(0) > 0 => {
            let who = if admins.is_empty() { "an admin".to_string() } else { admins.join(", ") };
            d.push(
                "user",
                Problem,
                format!("you ({login}) are not registered in this database; ask {who} to run the command"),
                format!("你（{login}）尚未在此数据库中登记；请 {who} 运行该命令"),
                Some(format!("{lz} user add {login} --name NAME --dept CODE")),
            )
        }
        (Some(login), None) if d.exists => d.push(
            "user",
            Problem,
            format!("nobody is registered yet ({login}: not registered); set the database up"),
            format!("尚无任何人登记（{login}：未登记）；请先初始化数据库"),
            Some(format!("{lz} init --dept OPS --dept-name 运营部")),
        ),
        (Some(login), None) => d.push(
            "user",
            Info,
            format!("you are {login} (not registered)"),
            format!("当前用户 {login}（未登记）"),
            None,
        ),
    }
}

/// The `directory` and `file` checks: ownership and permissions, with group access and a setgid
/// directory required when the database is shared.
pub(super) fn check_permissions(
    d: &mut Diagnosis,
    (db, wal, shm): (&Path, &Path, &Path),
    dir: &Path,
    people: Option<i64>,
    me: &str,
) {
    use CheckStatus::*;
    // SAFETY: getuid never fails.
    let uid = unsafe { libc::getuid() };
    let groups = my_groups();
    let file_meta = std::fs::metadata(db).ok();
    let owner = file_meta.as_ref().map(|m| m.uid()).filter(|o| *o != uid);
    d.shared = people.unwrap_or(0) > 1 || owner.is_some();
    let why = match owner {
        Some(o) => Bilingual::new(
            format!("shared use (the file belongs to {})", user_name(o)),
            format!("多人共用（文件属于 {}）", user_name(o)),
        ),
        None => Bilingual::new(
            format!("shared use ({} people are registered)", people.unwrap_or(0)),
            format!("多人共用（已登记 {} 人）", people.unwrap_or(0)),
        ),
    };
    let dir_meta = std::fs::metadata(dir).ok();
    if let Some(dm) = &dir_meta {
        let mode = dm.mode() & 0o7777;
        let (owner, group) = (user_name(dm.uid()), group_name(dm.gid()));
        let ds = sh(dir);
        let what = format!("{} ({owner}:{group}, {mode:04o})", dir.display());
        let usable = can(dir, libc::R_OK | libc::W_OK | libc::X_OK);
        if !usable {
            let fix =
                if d.setgid_elsewhere { use_installed() } else { grant(dir, dm, uid, &groups, me, true) };
            d.push(
                "directory",
                Problem,
                format!("the directory {what} is not writable by {me}: SQLite creates the -wal and -shm files there"),
                format!("{me} 无法写入目录 {what}：SQLite 需要在其中创建 -wal 和 -shm 文件"),
                Some(fix),
            );
        } else {
            d.push("directory", Ok, format!("directory {what}"), format!("目录 {what}"), None);
        }
        if d.shared {
            let missing = missing_bits(mode >> 3, "rwx") + if mode & 0o2000 == 0 { "s" } else { "" };
            if !missing.is_empty() {
                d.push(
                    "directory",
                    Problem,
                    format!("{} needs the directory {what} group-writable and setgid, so that the -wal and -shm files anyone creates belong to group {group}", why.en),
                    format!("{}时目录 {what} 须组可写并设置 setgid，使任何人创建的 -wal、-shm 文件都属于组 {group}", why.zh),
                    Some(format!("chmod g+{missing} {ds}")),
                );
            }
        }
        if mode & 0o002 != 0 && mode & 0o1000 == 0 {
            d.push(
                "directory",
                Warning,
                format!("anyone may create and delete files in {what}"),
                format!("任何人都可以在 {what} 中创建和删除文件"),
                Some(format!("chmod o-w {ds}")),
            );
        }
        for (path, required) in [(db, true), (wal, false), (shm, false)] {
            let Some(m) = std::fs::metadata(path).ok() else {
                continue;
            };
            check_file(d, path, &m, dm, (uid, &groups, me), &why, required);
        }
    }
}

/// The fix for someone who cannot reach a database that a setgid installation serves: use that
/// liaison; joining the group would let them bypass it.
fn use_installed() -> String {
    "ls -l \"$(command -v liaison)\"   # run the liaison installed setgid by `liaison admin setup-shared` (-rwxr-sr-x root liaison); do not join the group".into()
}

/// The letters of `wanted` (`rwx` order) whose bit is missing from the three bits in `bits`.
fn missing_bits(bits: u32, wanted: &str) -> String {
    wanted
        .chars()
        .filter(|c| match c {
            'r' => bits & 4 == 0,
            'w' => bits & 2 == 0,
            'x' => bits & 1 == 0,
            _ => false,
        })
        .collect()
}

/// The command that lets `me` read and write `path` (and enter it, for a directory).
fn grant(path: &Path, m: &std::fs::Metadata, uid: u32, groups: &[u32], me: &str, dir: bool) -> String {
    let wanted = if dir { "rwx" } else { "rw" };
    let mode = m.mode();
    let p = sh(path);
    if let Some(group) = crate::privilege::group() {
        // Setgid: the group reaches the files, never the user.
        let setgid = if dir { "s" } else { "" };
        return format!("chgrp {} {p} && chmod g+{wanted}{setgid} {p}", group_name(group));
    }
    let or_all = |missing: String| if missing.is_empty() { wanted.to_string() } else { missing };
    if m.uid() == uid {
        return format!("chmod u+{} {p}", or_all(missing_bits(mode >> 6, wanted)));
    }
    if m.gid() == 0 {
        // Never hand out the root group: share through a group of its own.
        let setgid = if dir { "s" } else { "" };
        return format!(
            "groupadd -f liaison && chgrp liaison {p} && chmod g+{wanted}{setgid} {p} && usermod -aG liaison {me}"
        );
    }
    let missing = missing_bits(mode >> 3, wanted);
    if groups.contains(&m.gid()) {
        return format!("chmod g+{} {p}", or_all(missing));
    }
    let join = format!("usermod -aG {} {me}", group_name(m.gid()));
    if missing.is_empty() { join } else { format!("chmod g+{missing} {p} && {join}") }
}

/// The checks of the database file or one of its companions. `who`: uid, groups and login.
fn check_file(
    d: &mut Diagnosis,
    path: &Path,
    m: &std::fs::Metadata,
    dir: &std::fs::Metadata,
    who: (u32, &[u32], &str),
    why: &Bilingual,
    main: bool,
) {
    let (uid, groups, me) = who;
    use CheckStatus::*;
    let mode = m.mode() & 0o7777;
    let (owner, group) = (user_name(m.uid()), group_name(m.gid()));
    let what = format!("{} ({owner}:{group}, {mode:04o})", path.display());
    let p = sh(path);
    let mut fine = true;
    if !can(path, libc::R_OK | libc::W_OK) {
        fine = false;
        d.push(
            "file",
            Problem,
            format!("{what} is not readable and writable by {me}"),
            format!("{me} 无法读写 {what}"),
            Some(if d.setgid_elsewhere { use_installed() } else { grant(path, m, uid, groups, me, false) }),
        );
    }
    if d.shared {
        let missing = missing_bits(mode >> 3, "rw");
        if !missing.is_empty() {
            fine = false;
            d.push(
                "file",
                Problem,
                format!("{} needs {what} group-readable and -writable", why.en),
                format!("{}时 {what} 须组可读写", why.zh),
                Some(format!("chmod g+{missing} {p}")),
            );
        }
        if m.gid() != dir.gid() {
            fine = false;
            let dir_group = group_name(dir.gid());
            d.push(
                "file",
                Problem,
                format!("{what} belongs to group {group}, not to the directory's group {dir_group} that the users share"),
                format!("{what} 属于组 {group}，而非目录所属、用户共用的组 {dir_group}"),
                Some(format!("chgrp {dir_group} {p}")),
            );
        }
    }
    if mode & 0o002 != 0 {
        fine = false;
        d.push(
            "file",
            Warning,
            format!("anyone on the machine may change {what}, history included"),
            format!("本机任何人都可以修改 {what}（包括历史记录）"),
            Some(format!("chmod o-w {p}")),
        );
    }
    if fine && main {
        d.push("file", Ok, format!("file {what}"), format!("文件 {what}"), None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_quoting_and_missing_bits() {
        assert_eq!(sh(Path::new("/srv/liaison/l.db")), "/srv/liaison/l.db");
        assert_eq!(sh(Path::new("/srv/my db/x'y")), r"'/srv/my db/x'\''y'");
        assert_eq!(missing_bits(0o5, "rwx"), "w");
        assert_eq!(missing_bits(0o7, "rw"), "");
        assert_eq!(missing_bits(0, "rw"), "rw");
    }
}
