//! `liaison admin setup-shared DIR --group GROUP --binary PATH`: one database for many logins on
//! one server, reached only through liaison.
//!
//! The binary is installed at PATH as root:GROUP with mode 2755 (setgid); the people who use it
//! are not in GROUP. The directory belongs to root and GROUP and is setgid and group-writable
//! (2770), so that the `-wal` and `-shm` files liaison creates belong to the group; the database
//! and those files are group-readable and -writable (0660), whatever anyone's umask, and closed
//! to everybody else. The audit key beside the database is root:GROUP 0640, and the system
//! configuration names the database.

use std::ffi::CString;
use std::fs::{OpenOptions, Permissions};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt, chown};
use std::path::{Path, PathBuf};

use super::{CliError, CliResult};
use crate::i18n::Lang;
use crate::store::Store;

/// The database's file name inside the shared directory.
pub const DB_NAME: &str = "liaison.db";

const DIR_MODE: u32 = 0o2770;
const FILE_MODE: u32 = 0o660;

/// The group id of `name`, or `None` when there is no such group.
fn group_id(name: &str) -> Result<Option<u32>, String> {
    let cname = CString::new(name).map_err(|_| format!("{name:?} contains a NUL byte"))?;
    let mut buf = vec![0u8; 4096];
    loop {
        // SAFETY: getgrnam_r writes only into `grp` and `buf`, which we own and size correctly.
        let mut grp: libc::group = unsafe { std::mem::zeroed() };
        let mut result: *mut libc::group = std::ptr::null_mut();
        let rc = unsafe {
            libc::getgrnam_r(cname.as_ptr(), &mut grp, buf.as_mut_ptr().cast(), buf.len(), &mut result)
        };
        if rc == libc::ERANGE && buf.len() < 1 << 20 {
            buf.resize(buf.len() * 2, 0);
            continue;
        }
        if rc != 0 {
            return Err(std::io::Error::from_raw_os_error(rc).to_string());
        }
        return Ok((!result.is_null()).then_some(grp.gr_gid));
    }
}

fn companion(db: &Path, suffix: &str) -> PathBuf {
    let mut name = db.as_os_str().to_os_string();
    name.push(suffix);
    PathBuf::from(name)
}

fn io_error(what: &Path, action_en: &str, action_zh: &str, e: &std::io::Error) -> CliError {
    CliError::new(
        format!("cannot {action_en} {}: {e}", what.display()),
        format!("无法{action_zh} {}：{e}", what.display()),
    )
}

/// Gives `path` to group `gid` and sets its mode exactly (not through the umask), then checks it:
/// the kernel silently drops setgid for someone outside the group.
fn own(path: &Path, gid: u32, mode: u32, group: &str) -> CliResult {
    chown(path, None, Some(gid)).map_err(|e| {
        let mut err = io_error(path, &format!("give group {group}"), &format!("将组 {group} 赋予"), &e);
        if e.raw_os_error() == Some(libc::EPERM) {
            err = CliError::new(
                format!("{}; run this as root (sudo) or as a member of group {group}", err.0.get(Lang::En)),
                format!("{}；请以 root（sudo）或组 {group} 成员的身份运行", err.0.get(Lang::Zh)),
            );
        }
        err
    })?;
    std::fs::set_permissions(path, Permissions::from_mode(mode))
        .map_err(|e| io_error(path, "set the mode of", "设置权限", &e))?;
    let meta = std::fs::metadata(path).map_err(|e| io_error(path, "read", "读取", &e))?;
    let got = meta.mode() & 0o7777;
    if got != mode || meta.gid() != gid {
        return Err(CliError::new(
            format!(
                "{} is mode {got:04o} group {} after setting {mode:04o} group {group}",
                path.display(),
                meta.gid()
            ),
            format!("{} 设置为 {mode:04o}、组 {group} 后实际为 {got:04o}、组 {}", path.display(), meta.gid()),
        ));
    }
    Ok(())
}

/// Setting up a setgid installation changes owners to root: only root may.
fn authorize() -> CliResult {
    // SAFETY: geteuid never fails.
    if unsafe { libc::geteuid() } == 0 {
        return Ok(());
    }
    Err(CliError::new(
        "setting up a shared database gives files to root and a group, and installs a setgid \
         binary: run it as root (sudo)",
        "设置共享数据库需要把文件交给 root 和指定的组，并安装 setgid 程序：请以 root（sudo）身份运行",
    ))
}

fn absolute(path: &Path) -> CliResult<PathBuf> {
    if path.is_absolute() {
        return Ok(path.to_path_buf());
    }
    Ok(std::env::current_dir().map_err(|e| io_error(path, "resolve", "解析路径", &e))?.join(path))
}

/// A sibling of `path` to write first and rename over it.
fn sibling(path: &Path, tag: &str) -> PathBuf {
    let mut name = std::ffi::OsString::from(".");
    name.push(path.file_name().unwrap_or_default());
    name.push(format!(".{tag}.{}", std::process::id()));
    path.with_file_name(name)
}

/// Installs this program at `binary` (unless it is that very file) as root:GROUP, mode 2755.
/// The copy is written beside it and renamed over it, so a running copy is never overwritten.
fn install_binary(binary: &Path, gid: u32, group: &str) -> CliResult {
    let me = std::env::current_exe()
        .map_err(|e| io_error(binary, "find this program for", "定位本程序以安装到", &e))?;
    let same = match (std::fs::metadata(&me), std::fs::metadata(binary)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    };
    if !same {
        if let Some(dir) = binary.parent() {
            std::fs::create_dir_all(dir).map_err(|e| io_error(dir, "create", "创建目录", &e))?;
        }
        let tmp = sibling(binary, "install");
        let _ = std::fs::remove_file(&tmp);
        std::fs::copy(&me, &tmp).map_err(|e| io_error(&tmp, "write", "写入", &e))?;
        // Owner and group first: chown clears the setgid bit.
        chown(&tmp, Some(0), Some(gid)).map_err(|e| io_error(&tmp, "give to root", "交给 root", &e))?;
        std::fs::set_permissions(&tmp, Permissions::from_mode(crate::store::BINARY_MODE))
            .map_err(|e| io_error(&tmp, "set the mode of", "设置权限", &e))?;
        std::fs::rename(&tmp, binary).map_err(|e| io_error(binary, "install", "安装", &e))?;
    }
    chown(binary, Some(0), None).map_err(|e| io_error(binary, "give to root", "交给 root", &e))?;
    own(binary, gid, crate::store::BINARY_MODE, group)
}

/// Creates the audit key beside the database, unless there is one: replacing a key would leave
/// the events it protects unverifiable. Mode 0640, root and the group: only liaison reads it.
fn install_key(db: &Path, gid: u32, group: &str) -> CliResult<bool> {
    let key = crate::store::key_path(db);
    let created = match crate::store::AuditKey::read(&key) {
        Ok(Some(_)) => false,
        Ok(None) => {
            let new = crate::store::AuditKey::generate()
                .map_err(|e| io_error(&key, "make random bytes for", "生成随机数据用于", &e))?;
            let tmp = sibling(&key, "new");
            let _ = std::fs::remove_file(&tmp);
            let mut file = OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(&tmp)
                .map_err(|e| io_error(&tmp, "create", "创建", &e))?;
            use std::io::Write;
            file.write_all(new.to_file_text().as_bytes())
                .and_then(|()| file.sync_all())
                .map_err(|e| io_error(&tmp, "write", "写入", &e))?;
            own(&tmp, gid, KEY_MODE, group)?;
            std::fs::hard_link(&tmp, &key).map_err(|e| io_error(&key, "create", "创建", &e))?;
            let _ = std::fs::remove_file(&tmp);
            true
        }
        Err(e) => return Err(io_error(&key, "read", "读取", &e)),
    };
    chown(&key, Some(0), None).map_err(|e| io_error(&key, "give to root", "交给 root", &e))?;
    own(&key, gid, KEY_MODE, group)?;
    Ok(created)
}

const KEY_MODE: u32 = 0o640;

/// Makes the system configuration name `db`: creates it, or adds the line to one without `db`.
/// One that names another database is left alone and refused: the administrator decides.
fn write_system_config(db: &Path) -> CliResult {
    let path = Path::new(crate::config::SYSTEM_CONFIG);
    let line = format!("db = \"{}\"\n", db.display().to_string().replace('\\', "\\\\").replace('"', "\\\""));
    let current = crate::config::FileConfig::load(path).map_err(|e| CliError::new(e.clone(), e))?;
    match current.db {
        Some(existing) if existing == db => return Ok(()),
        Some(existing) => {
            return Err(CliError::new(
                format!(
                    "{} names another database ({}); change its `db =` line to \"{}\" yourself",
                    path.display(),
                    existing.display(),
                    db.display()
                ),
                format!(
                    "{} 指定了另一个数据库（{}）；请自行将其中的 `db =` 改为 \"{}\"",
                    path.display(),
                    existing.display(),
                    db.display()
                ),
            ));
        }
        None => {}
    }
    let old = std::fs::read_to_string(path).unwrap_or_default();
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| io_error(dir, "create", "创建目录", &e))?;
    }
    // Top-level keys come before any table in TOML: the line goes first.
    let tmp = sibling(path, "new");
    let _ = std::fs::remove_file(&tmp);
    std::fs::write(&tmp, format!("{line}{old}")).map_err(|e| io_error(&tmp, "write", "写入", &e))?;
    std::fs::set_permissions(&tmp, Permissions::from_mode(0o644))
        .map_err(|e| io_error(&tmp, "set the mode of", "设置权限", &e))?;
    std::fs::rename(&tmp, path).map_err(|e| io_error(path, "write", "写入", &e))
}

pub fn setup(dir: &Path, group: &str, binary: &Path, lang: Lang) -> CliResult {
    authorize()?;
    let gid = group_id(group)
        .map_err(|e| {
            CliError::new(format!("cannot look up group {group}: {e}"), format!("无法查询组 {group}：{e}"))
        })?
        .ok_or_else(|| {
            CliError::new(
                format!("there is no group {group}: create it first with `groupadd --system {group}`"),
                format!("没有名为 {group} 的组：请先运行 `groupadd --system {group}` 创建"),
            )
        })?;
    let dir = absolute(dir)?;
    let binary = absolute(binary)?;
    let db = dir.join(DB_NAME);

    install_binary(&binary, gid, group)?;

    std::fs::create_dir_all(&dir).map_err(|e| io_error(&dir, "create", "创建目录", &e))?;
    chown(&dir, Some(0), None).map_err(|e| io_error(&dir, "give to root", "交给 root", &e))?;
    own(&dir, gid, DIR_MODE, group)?;

    // Create the file with its final group and mode before SQLite opens it: SQLite gives the
    // -wal and -shm files it creates the database's mode.
    if !db.exists() {
        OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(FILE_MODE)
            .open(&db)
            .map_err(|e| io_error(&db, "create", "创建", &e))?;
    }
    own(&db, gid, FILE_MODE, group)?;
    let key_created = install_key(&db, gid, group)?;
    let keyed_from = Store::open(&db)?.enable_audit_key()?;
    for suffix in ["-wal", "-shm"] {
        let path = companion(&db, suffix);
        if path.exists() {
            own(&path, gid, FILE_MODE, group)?;
        }
    }
    write_system_config(&db)?;

    // The doctor's report for this installation. Whoever runs this (root) need not be
    // registered in the database, so the `user` check does not fail the setup.
    let install = crate::store::Install { binary: binary.clone(), gid };
    let d = crate::store::diagnose_install(&db, Some(&install));
    let _ = super::ops::print_diagnosis(&d, lang, false);
    let problems: Vec<_> = d
        .checks
        .into_iter()
        .filter(|c| c.status == crate::store::CheckStatus::Problem && c.check != "user")
        .collect();
    let (b, d, key) = (binary.display(), dir.display(), crate::store::key_path(&db).display().to_string());
    let key_note = match (key_created, lang) {
        (true, Lang::En) => "created",
        (false, Lang::En) => "kept",
        (true, Lang::Zh) => "已创建",
        (false, Lang::Zh) => "已保留",
    };
    let text = match lang {
        Lang::En => format!(
            "\nShared database ready: {db}.\n\
             - {b}: root:{group}, mode 2755 (setgid): liaison reaches the database through group {group}\n\
             - {d}: root:{group}, mode 2770; the database and its -wal/-shm: mode 0660\n\
             - audit key {key} ({key_note}): root:{group}, mode 0640; events from {keyed_from} on are HMACs\n\
             - {cfg}: db = \"{db}\"\n\n\
             Next:\n\
             1. keep people OUT of group {group} (`liaison doctor` names any registered member)\n\
             2. as the first admin (an ordinary login): {b} init --dept OPS --dept-name 运营部\n\
             3. that admin adds the others: {b} user add LOGIN --name NAME --dept CODE\n\
             4. {b} doctor",
            db = db.display(),
            cfg = crate::config::SYSTEM_CONFIG,
        ),
        Lang::Zh => format!(
            "\n共享数据库已就绪：{db}。\n\
             - {b}：root:{group}，权限 2755（setgid）：liaison 通过组 {group} 访问数据库\n\
             - {d}：root:{group}，权限 2770；数据库及其 -wal/-shm：权限 0660\n\
             - 审计密钥 {key}（{key_note}）：root:{group}，权限 0640；第 {keyed_from} 条起的事件使用 HMAC\n\
             - {cfg}：db = \"{db}\"\n\n\
             接下来：\n\
             1. 不要把任何人加入组 {group}（`liaison doctor` 会指出已登记的组成员）\n\
             2. 由第一位管理员（普通登录，不是 root）运行：{b} init --dept OPS --dept-name 运营部\n\
             3. 该管理员添加其他人：{b} user add 登录名 --name 姓名 --dept 部门代码\n\
             4. {b} doctor",
            db = db.display(),
            cfg = crate::config::SYSTEM_CONFIG,
        ),
    };
    println!("{text}");
    match problems.first() {
        None => Ok(()),
        Some(first) => Err(CliError::new(
            format!("the shared database has {} problem(s); the first: {}", problems.len(), first.message.en),
            format!("共享数据库有 {} 个问题；第一个：{}", problems.len(), first.message.zh),
        )),
    }
}
