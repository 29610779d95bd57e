//! Keeping the database safe: online backups while others work, and restoring one.

use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};

use super::{Ctx, Store, StoreError, StoreResult, WRITE_PATIENCE, migrations};
use crate::domain::Role;
use crate::domain::permission::Denied;
use crate::i18n::Lang;

/// Pages copied per step of an online backup (1 MiB at the default page size), with a pause
/// between steps so that other programs' reads and writes go on meanwhile.
const PAGES_PER_STEP: i32 = 256;
const PAUSE: Duration = Duration::from_millis(5);
/// A write by another program restarts an online backup from the first page. After this many
/// restarts the rest is copied in one step: in WAL mode that step only holds a read snapshot,
/// which never blocks writers, so a busy database still gets backed up.
const MAX_RESTARTS: u32 = 3;

/// What `liaison backup` wrote.
#[derive(Debug, Clone, serde::Serialize)]
pub struct BackupReport {
    pub file: PathBuf,
    pub pages: i64,
    pub bytes: u64,
    pub schema_version: i64,
    /// `ok`, from `PRAGMA integrity_check` on the copy.
    pub integrity: String,
    /// How often writes by others made the copy start over.
    pub restarts: u32,
    pub seconds: f64,
}

/// What `liaison restore` did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RestoreReport {
    pub from: PathBuf,
    /// The schema version of the file restored from (the database is now at the latest).
    pub schema_version: i64,
    pub pages: i64,
    /// The copy of the database as it was before, kept next to it.
    pub previous: PathBuf,
}

fn refuse(en: impl Into<String>, zh: impl Into<String>) -> StoreError {
    StoreError::invalid(en, zh)
}

/// The file and the names SQLite keeps beside it.
fn companions(db: &Path) -> Vec<PathBuf> {
    let mut all = vec![db.to_path_buf()];
    for suffix in ["-wal", "-shm", "-journal"] {
        let mut name = db.as_os_str().to_os_string();
        name.push(suffix);
        all.push(PathBuf::from(name));
    }
    all
}

/// `path` with its directory resolved, whether or not the file exists.
fn resolved(path: &Path) -> PathBuf {
    if let Ok(p) = path.canonicalize() {
        return p;
    }
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    match (dir.canonicalize(), path.file_name()) {
        (Ok(dir), Some(name)) => dir.join(name),
        _ => path.to_path_buf(),
    }
}

/// Whether `file` is the live database or one of its companion files.
fn is_live(file: &Path, db: &Path) -> bool {
    let file = resolved(file);
    companions(&resolved(db)).contains(&file)
}

/// Every line of `PRAGMA integrity_check`: `["ok"]` when the file is sound.
pub(super) fn integrity(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare("PRAGMA integrity_check")?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    rows.collect()
}

pub(super) fn is_ok(lines: &[String]) -> bool {
    lines.len() == 1 && lines[0] == "ok"
}

/// Copies `src` into `dst` with the online backup API. Returns the pages copied and restarts.
fn copy_online(src: &Connection, dst: &mut Connection, pages_per_step: i32) -> StoreResult<(i64, u32)> {
    let backup = Backup::new(src, dst)?;
    let started = Instant::now();
    let mut restarts = 0;
    let mut remaining: Option<i32> = None;
    let mut step = pages_per_step;
    loop {
        match backup.step(step)? {
            StepResult::Done => break,
            StepResult::More => {
                let now = backup.progress().remaining;
                if remaining.is_some_and(|before| now > before) {
                    restarts += 1;
                    if restarts >= MAX_RESTARTS {
                        step = -1;
                    }
                }
                remaining = Some(now);
                std::thread::sleep(PAUSE);
            }
            // Busy, Locked, or anything a newer rusqlite adds: wait and try again, for a while.
            _ => {
                if started.elapsed() > WRITE_PATIENCE {
                    return Err(StoreError::Busy);
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        }
    }
    Ok((i64::from(backup.progress().pagecount), restarts))
}

/// Removes a half-written file (and its journal) unless the work succeeded.
struct Partial(Option<PathBuf>);

impl Drop for Partial {
    fn drop(&mut self) {
        if let Some(path) = self.0.take() {
            for c in companions(&path) {
                let _ = std::fs::remove_file(c);
            }
        }
    }
}

fn sync_dir(dir: &Path) {
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

impl Store {
    /// Copies the database to `file` while others keep working: page by page with short pauses
    /// (online backup API), into a temporary file beside `file` that is checked with
    /// `PRAGMA integrity_check` and only then given its name. An existing `file` is refused unless
    /// `force`.
    pub fn backup_to(&mut self, file: &Path, force: bool) -> StoreResult<BackupReport> {
        self.backup_with(file, force, PAGES_PER_STEP)
    }

    fn backup_with(&mut self, file: &Path, force: bool, pages_per_step: i32) -> StoreResult<BackupReport> {
        let started = Instant::now();
        let shown = file.display();
        if is_live(file, &self.path) {
            return Err(refuse(
                format!("{shown} is the database itself; back it up to another file"),
                format!("{shown} 就是数据库本身；请备份到另一个文件"),
            ));
        }
        if file.is_dir() {
            return Err(refuse(
                format!("{shown} is a directory; name the backup file, e.g. {shown}/liaison.db"),
                format!("{shown} 是目录；请写出备份文件名，例如 {shown}/liaison.db"),
            ));
        }
        if file.exists() && !force {
            return Err(refuse(
                format!("{shown} already exists; choose another name, or add --force to replace it"),
                format!("{shown} 已存在；请换一个文件名，或加 --force 覆盖"),
            ));
        }
        let dir = file.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let Some(name) = file.file_name() else {
            return Err(refuse(format!("{shown} is not a file name"), format!("{shown} 不是文件名")));
        };
        if !dir.is_dir() {
            let d = dir.display();
            return Err(refuse(
                format!("the directory {d} does not exist; create it first (mkdir -p {d})"),
                format!("目录 {d} 不存在；请先创建（mkdir -p {d}）"),
            ));
        }
        let mut tmp_name = std::ffi::OsString::from(".");
        tmp_name.push(name);
        tmp_name.push(format!(".{}.partial", std::process::id()));
        let tmp = dir.join(tmp_name);
        // The copy gets the permission bits of the database: the same people may read it.
        let mode = std::fs::metadata(&self.path).map(|m| m.mode() & 0o666).unwrap_or(0o600);
        let cannot_write = |e: std::io::Error| {
            refuse(format!("cannot write {shown}: {e}"), format!("无法写入 {shown}：{e}"))
        };
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(mode)
            .open(&tmp)
            .map_err(cannot_write)?;
        let mut partial = Partial(Some(tmp.clone()));

        let mut dst = Connection::open_with_flags(
            &tmp,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| refuse(format!("cannot write {shown}: {e}"), format!("无法写入 {shown}：{e}")))?;
        let (pages, restarts) = copy_online(&self.conn, &mut dst, pages_per_step)?;
        // A backup is one self-contained file: no -wal beside it.
        dst.query_row("PRAGMA journal_mode = DELETE", [], |r| r.get::<_, String>(0))?;
        let lines = integrity(&dst)?;
        if !is_ok(&lines) {
            return Err(refuse(
                format!(
                    "the copy failed its integrity check ({}); {shown} was not written",
                    lines.join("; ")
                ),
                format!("备份副本未通过完整性检查（{}）；未写入 {shown}", lines.join(";")),
            ));
        }
        let schema_version: i64 = dst.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        dst.close().map_err(|(_, e)| StoreError::from(e))?;
        std::fs::File::open(&tmp).and_then(|f| f.sync_all()).map_err(cannot_write)?;
        if force {
            std::fs::rename(&tmp, file).map_err(cannot_write)?;
        } else {
            // A hard link never replaces a file that appeared meanwhile.
            match std::fs::hard_link(&tmp, file) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    return Err(refuse(
                        format!("{shown} already exists; choose another name, or add --force to replace it"),
                        format!("{shown} 已存在；请换一个文件名，或加 --force 覆盖"),
                    ));
                }
                // A file system without hard links: check once more and rename.
                Err(_) if !file.exists() => std::fs::rename(&tmp, file).map_err(cannot_write)?,
                Err(e) => return Err(cannot_write(e)),
            }
        }
        drop(partial.0.take());
        let _ = std::fs::remove_file(&tmp);
        sync_dir(dir);
        let bytes = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
        Ok(BackupReport {
            file: file.to_path_buf(),
            pages,
            bytes,
            schema_version,
            integrity: "ok".into(),
            restarts,
            seconds: started.elapsed().as_secs_f64(),
        })
    }

    /// Replaces the database with the backup in `file` (admins only). The file must open, pass
    /// `PRAGMA integrity_check`, be a liaison database and have a schema this program knows; only
    /// then is the database as it was copied beside it and overwritten, through the backup API
    /// into the live file in one transaction, so that other programs' WAL and shared memory stay
    /// consistent. Nothing is touched if a check fails.
    pub fn restore_from(&mut self, ctx: &Ctx, file: &Path) -> StoreResult<RestoreReport> {
        let lang = ctx.lang;
        if ctx.actor.person.role != Role::Admin {
            return Err(StoreError::Denied(Denied {
                action: lang.pick("restore the database", "恢复数据库"),
                who_can: lang.pick("only an admin can", "只有管理员可以操作").into(),
            }));
        }
        let shown = file.display();
        let nothing = |en: String, zh: String| {
            refuse(format!("{en}; nothing was changed"), format!("{zh}；数据库未做任何改动"))
        };
        if is_live(file, &self.path) {
            return Err(nothing(
                format!("{shown} is the database itself"),
                format!("{shown} 就是数据库本身"),
            ));
        }
        if !file.is_file() {
            return Err(nothing(format!("there is no file {shown}"), format!("文件 {shown} 不存在")));
        }
        // The backup is opened as the user (SQLite opens the file here and keeps it): a setgid
        // liaison must not read a file of its group's on the user's behalf.
        let src = crate::privilege::as_user(|| {
            Connection::open_with_flags(
                file,
                OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )
            .map_err(std::io::Error::other)
        })
        .map_err(|e| nothing(format!("cannot open {shown}: {e}"), format!("无法打开 {shown}：{e}")))?;
        src.busy_timeout(super::BUSY_TIMEOUT)?;
        match integrity(&src) {
            Ok(lines) if is_ok(&lines) => {}
            Ok(lines) => {
                let first: Vec<&str> = lines.iter().take(3).map(String::as_str).collect();
                return Err(nothing(
                    format!("{shown} fails the integrity check ({})", first.join("; ")),
                    format!("{shown} 未通过完整性检查（{}）", first.join(";")),
                ));
            }
            Err(e) => {
                return Err(nothing(
                    format!("{shown} is not a usable database ({e})"),
                    format!("{shown} 不是可用的数据库（{e}）"),
                ));
            }
        }
        let version: i64 = src.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if version > migrations::latest() {
            return Err(nothing(
                format!(
                    "{shown} has schema version {version}, newer than this program understands ({}); restore it with the newer liaison that wrote it",
                    migrations::latest()
                ),
                format!(
                    "{shown} 的结构版本为 {version}，高于本程序支持的 {}；请用写入它的新版 liaison 恢复",
                    migrations::latest()
                ),
            ));
        }
        let tables: i64 = src.query_row(
            "SELECT count(*) FROM sqlite_schema WHERE type = 'table'
               AND name IN ('settings', 'departments', 'people', 'issues', 'events')",
            [],
            |r| r.get(0),
        )?;
        if version < 1 || tables < 5 {
            return Err(nothing(
                format!("{shown} is not a liaison database"),
                format!("{shown} 不是 liaison 数据库"),
            ));
        }
        let page_size = |c: &Connection| c.query_row("PRAGMA page_size", [], |r| r.get::<_, i64>(0));
        let (theirs, ours) = (page_size(&src)?, page_size(&self.conn)?);
        if theirs != ours {
            return Err(nothing(
                format!(
                    "{shown} uses pages of {theirs} bytes and the database {ours}; a WAL database cannot take it"
                ),
                format!(
                    "{shown} 的页大小为 {theirs} 字节，数据库为 {ours} 字节；WAL 模式的数据库无法直接恢复"
                ),
            ));
        }
        // Keep the database as it is now beside it, before anything is overwritten.
        let previous = self.keep_previous(ctx)?;
        let (pages, _) = copy_online(&src, &mut self.conn, -1)?;
        drop(src);
        migrations::check_version(&self.conn)?;
        migrations::migrate(&mut self.conn)?;
        Ok(RestoreReport { from: file.to_path_buf(), schema_version: version, pages, previous })
    }

    /// Backs the live database up to `NAME.before-restore-YYYYMMDD-HHMMSS` beside it.
    fn keep_previous(&mut self, ctx: &Ctx) -> StoreResult<PathBuf> {
        let stamp = ctx.now.format("%Y%m%d-%H%M%S");
        let base =
            self.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or("liaison.db".into());
        for n in 1..100 {
            let suffix = if n == 1 { String::new() } else { format!("-{n}") };
            let keep = self.path.with_file_name(format!("{base}.before-restore-{stamp}{suffix}"));
            if keep.exists() {
                continue;
            }
            return match self.backup_to(&keep, false) {
                Ok(_) => Ok(keep),
                Err(e) => Err(refuse(
                    format!(
                        "cannot keep a copy of the current database as {} ({}); nothing was changed",
                        keep.display(),
                        e.message(Lang::En)
                    ),
                    format!(
                        "无法将当前数据库保存为 {}（{}）；数据库未做任何改动",
                        keep.display(),
                        e.message(Lang::Zh)
                    ),
                )),
            };
        }
        Err(refuse(
            "too many copies from earlier restores lie beside the database; move some away; nothing was changed",
            "数据库旁已有过多恢复前的副本；请先移走一些；数据库未做任何改动",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_live_file_and_its_companions_are_recognised() {
        let dir = std::env::temp_dir();
        let db = dir.join("liaison-maint-test.db");
        assert!(is_live(&db, &db));
        assert!(is_live(&dir.join("liaison-maint-test.db-wal"), &db));
        assert!(!is_live(&dir.join("other.db"), &db));
    }
}
