//! The checks of what the database file says about itself: that it is there, its schema version,
//! its integrity, its records against the rule book, its notifications, the WAL and the journal
//! mode.

use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use rusqlite::{Connection, OpenFlags, OptionalExtension};

use super::{CheckStatus, Diagnosis};
use crate::i18n::Lang;
use crate::store::backup::{integrity, is_ok};
use crate::store::migrations;

/// The journal mode and schema version from the file's 100-byte header, without SQLite.
pub(super) fn header(path: &Path) -> Option<(bool, i64)> {
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
pub(super) fn open_for_checks(db: &Path, wal: &Path, shm: &Path) -> rusqlite::Result<Connection> {
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
    conn.busy_timeout(crate::store::BUSY_TIMEOUT)?;
    Ok(conn)
}

/// The `database` check: whether there is a database file at all.
pub(super) fn check_exists(d: &mut Diagnosis, db: &Path, lz: &str) {
    use CheckStatus::*;
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
}

/// The `schema` check: the version from SQLite, or else from the header, against this
/// program's. Returns the version found.
pub(super) fn check_schema(
    d: &mut Diagnosis,
    conn: Option<&Connection>,
    head: Option<(bool, i64)>,
    lz: &str,
) -> Option<i64> {
    use CheckStatus::*;
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
    version
}

/// The `integrity` check: SQLite's integrity check, or why the database cannot be read.
pub(super) fn check_integrity(
    d: &mut Diagnosis,
    conn: Option<&Connection>,
    (db, wal, shm): (&Path, &Path, &Path),
    lz: &str,
) {
    use CheckStatus::*;
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
                _ => match open_for_checks(db, wal, shm) {
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
}

/// Who is registered: how many people, and the admins' logins.
pub(super) fn registered(c: &Connection) -> (Option<i64>, Vec<String>) {
    let people = c.query_row("SELECT count(*) FROM people", [], |r| r.get(0)).ok();
    let admins = c
        .prepare("SELECT login FROM people WHERE role = 'admin' ORDER BY login")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .unwrap_or_default();
    (people, admins)
}

/// The role of `login` in the database; `None` when not registered.
pub(super) fn role_of(c: &Connection, login: &str) -> Option<String> {
    c.query_row("SELECT role FROM people WHERE login = ?1", [login], |r| r.get(0)).optional().ok().flatten()
}

/// The `wal` and `journal` checks: the size of the write-ahead log, and the journal mode.
pub(super) fn check_wal_and_journal(
    d: &mut Diagnosis,
    conn: Option<&Connection>,
    head: Option<(bool, i64)>,
    wal: &Path,
    p: &str,
    lz: &str,
) {
    use CheckStatus::*;
    let bytes = std::fs::metadata(wal).map(|m| m.len()).ok();
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

/// Every record checked against the rule book; each issue that contradicts it is named.
pub(super) fn records(d: &mut Diagnosis, conn: &Connection, p: &str) {
    use CheckStatus::*;
    match crate::store::consistency::contradictions(conn) {
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

/// Messages waiting and failed: an administrator sees that none was lost, and what to do.
pub(super) fn notifications(d: &mut Diagnosis, c: &Connection, lz: &str) {
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
