//! The checks of `liaison doctor`: the file, its surroundings and who is asking. Reads only.

use std::ffi::{CStr, CString};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, OptionalExtension};

use super::backup::{integrity, is_ok};
use super::migrations;
use crate::domain::Role;
use crate::i18n::{Bilingual, Lang};

/// How a check came out. Only problems make `doctor` exit with 2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CheckStatus {
    Ok,
    Info,
    Warning,
    Problem,
}

impl CheckStatus {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            CheckStatus::Ok => lang.pick("ok", "正常"),
            CheckStatus::Info => lang.pick("info", "信息"),
            CheckStatus::Warning => lang.pick("warning", "警告"),
            CheckStatus::Problem => lang.pick("PROBLEM", "问题"),
        }
    }
}

/// One finding, with the command that fixes it when it is not ok.
#[derive(Debug, Clone)]
pub struct Check {
    /// A stable name: `database`, `schema`, `integrity`, `wal`, `journal`, `user`, `directory`,
    /// `file`, `filesystem`, `program`; for a setgid installation also `binary`, `install`,
    /// `key` and `group`.
    pub check: &'static str,
    pub status: CheckStatus,
    pub message: Bilingual,
    pub fix: Option<String>,
}

/// Everything `liaison doctor` found.
#[derive(Debug, Clone, Default)]
pub struct Diagnosis {
    pub database: PathBuf,
    pub exists: bool,
    pub schema_version: Option<i64>,
    pub supported_version: i64,
    pub integrity: Option<String>,
    pub journal_mode: Option<String>,
    pub wal_bytes: Option<u64>,
    pub login: Option<String>,
    /// The role in the database; `None` when not registered.
    pub role: Option<String>,
    /// More than one person uses the file (or someone else owns it): group permissions matter.
    pub shared: bool,
    pub filesystem: Option<String>,
    /// The system configuration names this database but this liaison does not run setgid: the
    /// files are meant to be reached through the installed setgid liaison, never by joining the
    /// group, and fixes say so.
    pub setgid_elsewhere: bool,
    pub checks: Vec<Check>,
}

impl Diagnosis {
    pub fn count(&self, status: CheckStatus) -> usize {
        self.checks.iter().filter(|c| c.status == status).count()
    }

    pub fn healthy(&self) -> bool {
        self.count(CheckStatus::Problem) == 0
    }

    pub(super) fn push(
        &mut self,
        check: &'static str,
        status: CheckStatus,
        en: String,
        zh: String,
        fix: Option<String>,
    ) {
        self.checks.push(Check { check, status, message: Bilingual::new(en, zh), fix });
    }
}

/// Quotes a path for a shell command when it needs it.
pub(super) fn sh(path: &Path) -> String {
    let text = path.display().to_string();
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_alphanumeric() || b"/._-+,:@%".contains(&b)) {
        text
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

fn c_path(path: &Path) -> Option<CString> {
    CString::new(path.as_os_str().as_bytes()).ok()
}

/// `access(2)`: checks with the real uid, the one whose login identifies the user. While setgid,
/// with the effective ids instead: liaison reaches the files through its group, the user does not.
fn can(path: &Path, mode: libc::c_int) -> bool {
    let flags = if crate::privilege::is_setgid() { libc::AT_EACCESS } else { 0 };
    // SAFETY: a NUL-terminated path we own.
    c_path(path).is_some_and(|p| unsafe { libc::faccessat(libc::AT_FDCWD, p.as_ptr(), mode, flags) } == 0)
}

pub(super) fn user_name(uid: u32) -> String {
    let mut buf = vec![0u8; 16384];
    // SAFETY: getpwuid_r writes only into the buffers we own and pass.
    let mut pwd: libc::passwd = unsafe { std::mem::zeroed() };
    let mut result: *mut libc::passwd = std::ptr::null_mut();
    let rc = unsafe { libc::getpwuid_r(uid, &mut pwd, buf.as_mut_ptr().cast(), buf.len(), &mut result) };
    if rc != 0 || result.is_null() {
        return uid.to_string();
    }
    // SAFETY: on success pw_name points at a NUL-terminated string inside `buf`.
    unsafe { CStr::from_ptr(pwd.pw_name) }.to_string_lossy().into_owned()
}

pub(super) fn group_name(gid: u32) -> String {
    let mut buf = vec![0u8; 65536];
    // SAFETY: getgrgid_r writes only into the buffers we own and pass.
    let mut grp: libc::group = unsafe { std::mem::zeroed() };
    let mut result: *mut libc::group = std::ptr::null_mut();
    let rc = unsafe { libc::getgrgid_r(gid, &mut grp, buf.as_mut_ptr().cast(), buf.len(), &mut result) };
    if rc != 0 || result.is_null() {
        return gid.to_string();
    }
    // SAFETY: on success gr_name points at a NUL-terminated string inside `buf`.
    unsafe { CStr::from_ptr(grp.gr_name) }.to_string_lossy().into_owned()
}

/// The groups of the running process.
fn my_groups() -> Vec<u32> {
    // SAFETY: the first call asks for the count, the second fills a buffer of that size.
    let n = unsafe { libc::getgroups(0, std::ptr::null_mut()) };
    let mut groups = vec![0 as libc::gid_t; n.max(0) as usize];
    let n = unsafe { libc::getgroups(groups.len() as libc::c_int, groups.as_mut_ptr()) };
    groups.truncate(n.max(0) as usize);
    // SAFETY: getegid never fails.
    groups.push(unsafe { libc::getegid() });
    groups
}

/// The kind of file system a directory is on, and whether SQLite is unsafe there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fs {
    Local(&'static str),
    Network(&'static str),
    Fuse,
    Unknown(u32),
}

#[cfg(target_os = "linux")]
fn filesystem(dir: &Path) -> Option<Fs> {
    let p = c_path(dir)?;
    // SAFETY: statfs fills the struct we own.
    let mut st: libc::statfs = unsafe { std::mem::zeroed() };
    if unsafe { libc::statfs(p.as_ptr(), &mut st) } != 0 {
        return None;
    }
    // f_type is a signed word whose width differs between targets; its low 32 bits are the magic.
    #[allow(clippy::unnecessary_cast)]
    let magic = st.f_type as u32;
    Some(match magic {
        0x6969 => Fs::Network("NFS"),
        0x517B => Fs::Network("SMB"),
        0xFF53_4D42 => Fs::Network("CIFS"),
        0xFE53_4D42 => Fs::Network("SMB2"),
        0x6573_5546 => Fs::Fuse,
        0xEF53 => Fs::Local("ext4"),
        0x5846_5342 => Fs::Local("xfs"),
        0x9123_683E => Fs::Local("btrfs"),
        0x0102_1994 => Fs::Local("tmpfs"),
        0x794C_7630 => Fs::Local("overlayfs"),
        0x2FC1_2FC1 => Fs::Local("zfs"),
        other => Fs::Unknown(other),
    })
}

#[cfg(not(target_os = "linux"))]
fn filesystem(_dir: &Path) -> Option<Fs> {
    None
}

/// The journal mode and schema version from the file's 100-byte header, without SQLite.
fn header(path: &Path) -> Option<(bool, i64)> {
    use std::io::Read;
    let mut bytes = [0u8; 100];
    std::fs::File::open(path).ok()?.read_exact(&mut bytes).ok()?;
    if &bytes[..16] != b"SQLite format 3\0" {
        return None;
    }
    let wal = bytes[18] == 2 && bytes[19] == 2;
    let version = i32::from_be_bytes([bytes[60], bytes[61], bytes[62], bytes[63]]);
    Some((wal, i64::from(version)))
}

/// A read-only connection that creates no file: through the live WAL when others have it open,
/// else on the file alone (`immutable`), which is then complete.
fn open_for_checks(db: &Path, wal: &Path, shm: &Path) -> rusqlite::Result<Connection> {
    let flags =
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI;
    let conn = if wal.exists() && shm.exists() {
        Connection::open_with_flags(db, flags)?
    } else {
        let mut uri = String::from("file:");
        for b in db.as_os_str().as_bytes() {
            if b.is_ascii_alphanumeric() || b"/._-~".contains(b) {
                uri.push(*b as char);
            } else {
                uri.push_str(&format!("%{b:02X}"));
            }
        }
        uri.push_str("?immutable=1");
        Connection::open_with_flags(uri, flags)?
    };
    conn.busy_timeout(super::BUSY_TIMEOUT)?;
    Ok(conn)
}

/// Checks the database at `db` for `liaison doctor`, reading only: it creates and changes no file.
/// While liaison runs setgid, the installation it runs from is checked too.
pub fn diagnose(db: &Path) -> Diagnosis {
    diagnose_install(db, super::install::Install::current().as_ref())
}

/// [`diagnose`], with the checks of a setgid installation when `install` names one.
pub fn diagnose_install(db: &Path, install: Option<&super::install::Install>) -> Diagnosis {
    use CheckStatus::*;
    let db = if db.is_absolute() {
        db.to_path_buf()
    } else {
        std::env::current_dir().map(|d| d.join(db)).unwrap_or(db.to_path_buf())
    };
    let mut d =
        Diagnosis { database: db.clone(), supported_version: migrations::latest(), ..Default::default() };
    let companion = |suffix: &str| {
        let mut name = db.as_os_str().to_os_string();
        name.push(suffix);
        PathBuf::from(name)
    };
    let (wal, shm) = (companion("-wal"), companion("-shm"));
    let dir = db.parent().map(Path::to_path_buf).unwrap_or(PathBuf::from("/"));
    let p = sh(&db);
    // The command in fixes: a setgid installation takes its database from the system
    // configuration only, and refuses --db.
    let lz = if install.is_some() { "liaison".to_string() } else { format!("liaison --db {p}") };
    let system_db =
        crate::config::FileConfig::load(Path::new(crate::config::SYSTEM_CONFIG)).ok().and_then(|c| c.db);
    d.setgid_elsewhere = install.is_none() && system_db.as_deref() == Some(db.as_path());
    let login = crate::identity::os_login().ok();
    d.login = login.clone();
    let me = login.clone().unwrap_or_else(|| "?".into());

    d.exists = db.is_file();
    if d.exists {
        d.push(
            "database",
            Ok,
            format!("database {}", db.display()),
            format!("数据库 {}", db.display()),
            None,
        );
    } else {
        d.push(
            "database",
            Problem,
            format!("there is no database at {}", db.display()),
            format!("{} 处没有数据库", db.display()),
            Some(format!("{lz} init --dept OPS --dept-name 运营部")),
        );
    }

    // What the file says about itself, through SQLite when it can be read.
    let conn = if d.exists { Some(open_for_checks(&db, &wal, &shm)) } else { None };
    let head = if d.exists { header(&db) } else { None };
    let mut people: Option<i64> = None;
    let mut admins: Vec<String> = Vec::new();
    if let Some(conn) = &conn {
        let conn = conn.as_ref().ok();
        let version = conn
            .and_then(|c| c.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0)).ok())
            .or(head.map(|h| h.1));
        d.schema_version = version;
        let latest = migrations::latest();
        match version {
            Some(v) if v == latest => d.push(
                "schema",
                Ok,
                format!("schema version {v} (this program: {latest})"),
                format!("结构版本 {v}（本程序：{latest}）"),
                None,
            ),
            Some(v) if v > latest => d.push(
                "schema",
                Problem,
                format!("schema version {v} is newer than this program understands ({latest}): use the newer liaison that wrote it"),
                format!("结构版本 {v} 高于本程序支持的 {latest}：请使用写入它的新版 liaison"),
                Some("liaison --version".into()),
            ),
            Some(0) => d.push(
                "schema",
                Problem,
                format!("the database is empty (schema version 0, this program: {latest})"),
                format!("数据库为空（结构版本 0，本程序：{latest}）"),
                Some(format!("{lz} init --dept OPS --dept-name 运营部")),
            ),
            Some(v) => d.push(
                "schema",
                Info,
                format!("schema version {v}, older than this program's ({latest}): the next liaison command upgrades it"),
                format!("结构版本 {v} 低于本程序的 {latest}：下一条 liaison 命令会自动升级"),
                None,
            ),
            None => {}
        }

        match conn.map(integrity) {
            Some(Result::Ok(lines)) if is_ok(&lines) => {
                d.integrity = Some("ok".into());
                d.push("integrity", Ok, "integrity check: ok".into(), "完整性检查：正常".into(), None);
            }
            Some(Result::Ok(lines)) => {
                let first: Vec<&str> = lines.iter().take(3).map(String::as_str).collect();
                d.integrity = Some(first.join("; "));
                d.push(
                    "integrity",
                    Problem,
                    format!("the integrity check found damage: {}", first.join("; ")),
                    format!("完整性检查发现损坏：{}", first.join(";")),
                    Some(format!("{lz} restore BACKUP-FILE")),
                );
            }
            other => {
                let reason = match other {
                    Some(Err(e)) => e.to_string(),
                    _ => match open_for_checks(&db, &wal, &shm) {
                        Err(e) => e.to_string(),
                        Result::Ok(_) => "unknown".into(),
                    },
                };
                d.integrity = Some(reason.clone());
                d.push(
                    "integrity",
                    Problem,
                    format!("the database cannot be read: {reason}"),
                    format!("无法读取数据库：{reason}"),
                    Some(format!("{lz} restore BACKUP-FILE")),
                );
            }
        }

        if let Some(c) = conn
            && version == Some(latest)
            && d.integrity.as_deref() == Some("ok")
        {
            records(&mut d, c, &p);
            notifications(&mut d, c, &lz);
        }

        if let Some(c) = conn {
            people = c.query_row("SELECT count(*) FROM people", [], |r| r.get(0)).ok();
            admins = c
                .prepare("SELECT login FROM people WHERE role = 'admin' ORDER BY login")
                .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
                .unwrap_or_default();
            if let Some(login) = &login {
                d.role = c
                    .query_row("SELECT role FROM people WHERE login = ?1", [login], |r| r.get(0))
                    .optional()
                    .ok()
                    .flatten();
            }
        }
    }

    // The write-ahead log.
    if d.exists {
        let bytes = std::fs::metadata(&wal).map(|m| m.len()).ok();
        d.wal_bytes = bytes;
        const BIG: u64 = 256 << 20;
        match bytes {
            None => d.push(
                "wal",
                Ok,
                "no WAL file (nobody has the database open)".into(),
                "无 WAL 文件（当前无人打开数据库）".into(),
                None,
            ),
            Some(n) if n > BIG => d.push(
                "wal",
                Warning,
                format!("the WAL file is {} MiB: a program holding an old read (a console left open for days?) keeps it from being reset", n >> 20),
                format!("WAL 文件有 {} MiB：可能有程序长期持有旧的读取（例如长时间未关闭的控制台），使其无法重置", n >> 20),
                Some(format!("sqlite3 {p} 'PRAGMA wal_checkpoint(TRUNCATE);'")),
            ),
            Some(n) => d.push(
                "wal",
                Ok,
                format!("WAL file {} KiB", n.div_ceil(1024)),
                format!("WAL 文件 {} KiB", n.div_ceil(1024)),
                None,
            ),
        }
        let mode = conn
            .as_ref()
            .and_then(|c| c.as_ref().ok())
            .filter(|_| wal.exists())
            .and_then(|c| c.query_row("PRAGMA journal_mode", [], |r| r.get::<_, String>(0)).ok())
            .or(head.map(|h| if h.0 { "wal".to_string() } else { "delete".to_string() }));
        d.journal_mode = mode.clone();
        match mode.as_deref() {
            Some("wal") => d.push("journal", Ok, "journal mode: wal".into(), "日志模式：wal".into(), None),
            Some(m) => d.push(
                "journal",
                Warning,
                format!("journal mode: {m}; liaison needs WAL so that readers and writers do not block each other: any liaison command switches it"),
                format!("日志模式：{m}；liaison 需要 WAL 模式以免读写互相阻塞：任意 liaison 命令都会切换"),
                Some(format!("{lz} whoami")),
            ),
            None => {}
        }
    }

    // Who is asking.
    match (&login, &d.role) {
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

    // Ownership and permissions.
    // SAFETY: getuid never fails.
    let uid = unsafe { libc::getuid() };
    let groups = my_groups();
    let file_meta = std::fs::metadata(&db).ok();
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
    let dir_meta = std::fs::metadata(&dir).ok();
    if let Some(dm) = &dir_meta {
        let mode = dm.mode() & 0o7777;
        let (owner, group) = (user_name(dm.uid()), group_name(dm.gid()));
        let ds = sh(&dir);
        let what = format!("{} ({owner}:{group}, {mode:04o})", dir.display());
        let usable = can(&dir, libc::R_OK | libc::W_OK | libc::X_OK);
        if !usable {
            let fix =
                if d.setgid_elsewhere { use_installed() } else { grant(&dir, dm, uid, &groups, &me, true) };
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
        for (path, required) in [(&db, true), (&wal, false), (&shm, false)] {
            let Some(m) = std::fs::metadata(path).ok() else {
                continue;
            };
            check_file(&mut d, path, &m, dm, (uid, &groups, &me), &why, required);
        }
    }

    if let Some(install) = install {
        let conn = conn.as_ref().and_then(|c| c.as_ref().ok());
        super::install::check(&mut d, conn, &db, install);
    }

    // Where the directory lives.
    match filesystem(&dir) {
        Some(Fs::Network(name)) => {
            d.filesystem = Some(name.into());
            d.push(
                "filesystem",
                Problem,
                format!("{} is on a network file system ({name}): SQLite's locks and WAL shared memory do not work across machines there, which corrupts databases; keep it on a local disk", dir.display()),
                format!("{} 位于网络文件系统（{name}）上：SQLite 的锁和 WAL 共享内存在此无法跨机器工作，会损坏数据库；请放在本地磁盘", dir.display()),
                Some(format!("{lz} backup /var/lib/liaison/liaison.db")),
            );
        }
        Some(Fs::Fuse) => {
            d.filesystem = Some("fuse".into());
            d.push(
                "filesystem",
                Warning,
                format!("{} is on a FUSE file system (sshfs, a cloud drive…): locking may not work there; keep the database on a local disk", dir.display()),
                format!("{} 位于 FUSE 文件系统（sshfs、网盘等）上：锁可能无效；请把数据库放在本地磁盘", dir.display()),
                Some(format!("{lz} backup /var/lib/liaison/liaison.db")),
            );
        }
        Some(Fs::Local(name)) => {
            d.filesystem = Some(name.into());
            d.push(
                "filesystem",
                Ok,
                format!("local file system ({name})"),
                format!("本地文件系统（{name}）"),
                None,
            );
        }
        Some(Fs::Unknown(magic)) => {
            d.filesystem = Some(format!("0x{magic:X}"));
            d.push(
                "filesystem",
                Ok,
                format!("file system type 0x{magic:X} (not a network one)"),
                format!("文件系统类型 0x{magic:X}（非网络文件系统）"),
                None,
            );
        }
        None => {}
    }
    d.push(
        "program",
        Info,
        format!("liaison {}, SQLite {}", env!("CARGO_PKG_VERSION"), rusqlite::version()),
        format!("liaison {},SQLite {}", env!("CARGO_PKG_VERSION"), rusqlite::version()),
        None,
    );
    d
}

/// The fix for someone who cannot reach a database that a setgid installation serves: use that
/// liaison; joining the group would let them bypass it.
fn use_installed() -> String {
    "ls -l \"$(command -v liaison)\"   # run the liaison installed setgid by `liaison admin setup-shared` (-rwxr-sr-x root liaison); do not join the group".into()
}

/// The letters of `wanted` (`rwx` order) whose bit is missing from the three bits in `bits`.
/// Every record checked against the rule book; each issue that contradicts it is named.
fn records(d: &mut Diagnosis, conn: &Connection, p: &str) {
    use CheckStatus::*;
    match super::consistency::contradictions(conn) {
        Result::Ok((checked, found)) if found.is_empty() => d.push(
            "records",
            Ok,
            format!("{checked} issues agree with the rule book"),
            format!("{checked} 个问题的记录均符合规则"),
            None,
        ),
        Result::Ok((checked, found)) => {
            const SHOWN: usize = 10;
            let list = |lang: Lang| {
                let mut lines: Vec<String> = found
                    .iter()
                    .take(SHOWN)
                    .map(|(number, broken)| {
                        let what: Vec<&str> = broken.iter().map(|v| v.text.get(lang)).collect();
                        format!("{number}: {}", what.join(lang.pick("; ", ";")))
                    })
                    .collect();
                if found.len() > SHOWN {
                    lines.push(match lang {
                        Lang::En => format!("… and {} more", found.len() - SHOWN),
                        Lang::Zh => format!("……另有 {} 个", found.len() - SHOWN),
                    });
                }
                lines.join(lang.pick(" | ", " | "))
            };
            d.push(
                "records",
                Problem,
                format!(
                    "{} of {checked} issues contradict the rule book (written by hand or by an older program?): {}",
                    found.len(),
                    list(Lang::En)
                ),
                format!(
                    "{checked} 个问题中有 {} 个与规则矛盾（可能被直接修改或由旧版程序写入）：{}",
                    found.len(),
                    list(Lang::Zh)
                ),
                Some(format!("liaison --db {p} audit verify")),
            );
        }
        Err(e) => d.push(
            "records",
            Warning,
            format!("the records could not be checked: {}", e.message(Lang::En)),
            format!("无法检查记录：{}", e.message(Lang::Zh)),
            None,
        ),
    }
}

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

/// Messages waiting and failed: an administrator sees that none was lost, and what to do.
fn notifications(d: &mut Diagnosis, c: &Connection, lz: &str) {
    use CheckStatus::*;
    let counts = c.query_row(
        "SELECT count(*) FILTER (WHERE status = 'pending'), count(*) FILTER (WHERE status = 'failed'),
             min(created_at) FILTER (WHERE status = 'pending'), (SELECT count(*) FROM channels WHERE removed_at IS NULL)
         FROM outbox",
        [],
        |r| Result::Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, Option<i64>>(2)?, r.get::<_, i64>(3)?)),
    );
    let Result::Ok((pending, failed, oldest, channels)) = counts else { return };
    if channels == 0 && pending == 0 && failed == 0 {
        return;
    }
    let now = chrono::Local::now().timestamp();
    let stale = oldest.is_some_and(|t| now - t > 3600);
    if failed > 0 {
        d.push(
            "notifications",
            Warning,
            format!("{failed} notification(s) failed, {pending} waiting"),
            format!("{failed} 条通知发送失败，{pending} 条待发送"),
            Some(format!("{lz} notify list --failed; {lz} notify retry --failed")),
        );
    } else if stale {
        d.push(
            "notifications",
            Warning,
            format!("{pending} notification(s) waiting for over an hour: is a sender running?"),
            format!("{pending} 条通知等待超过一小时：发送进程是否在运行？"),
            Some(format!("{lz} notify run --once")),
        );
    } else {
        d.push(
            "notifications",
            Ok,
            format!("notifications: {pending} waiting, none failed"),
            format!("通知：{pending} 条待发送，无失败"),
            None,
        );
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
