//! `liaison admin setup-shared DIR --group GROUP`: one database for many logins on one server.
//!
//! The directory belongs to the shared group and is setgid and group-writable (2770), so that
//! the `-wal` and `-shm` files whoever opens the database first creates belong to that group; the
//! database and those files are group-readable and -writable (0660), whatever anyone's umask.

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
        format!("无法{action_zh} {}:{e}", what.display()),
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
                format!("{};请以 root(sudo)或组 {group} 成员的身份运行", err.0.get(Lang::Zh)),
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

/// Only root or an admin of an existing database may (re)configure it.
fn authorize(db: &Path) -> CliResult {
    // SAFETY: geteuid never fails.
    if unsafe { libc::geteuid() } == 0 {
        return Ok(());
    }
    let login = crate::identity::os_login().map_err(|e| CliError::new(e.clone(), e))?;
    let refuse = || {
        CliError::new(
            format!(
                "setting up a shared database is for root (sudo) or an admin of {}; {login} is neither",
                db.display()
            ),
            format!("只有 root(sudo)或 {} 的管理员可以设置共享数据库;{login} 两者都不是", db.display()),
        )
    };
    if !db.is_file() {
        return Err(refuse());
    }
    let mut store = Store::open(db)?;
    if !store.is_initialized()? {
        return Err(refuse());
    }
    match store.actor(&login) {
        Ok(actor) if actor.role() == crate::domain::Role::Admin => Ok(()),
        _ => Err(refuse()),
    }
}

pub fn setup(dir: &Path, group: &str, lang: Lang) -> CliResult {
    let gid = group_id(group)
        .map_err(|e| {
            CliError::new(format!("cannot look up group {group}: {e}"), format!("无法查询组 {group}:{e}"))
        })?
        .ok_or_else(|| {
            CliError::new(
                format!("there is no group {group}: create it first with `groupadd {group}`"),
                format!("没有名为 {group} 的组:请先运行 `groupadd {group}` 创建"),
            )
        })?;
    let dir = if dir.is_absolute() {
        dir.to_path_buf()
    } else {
        std::env::current_dir().map_err(|e| io_error(dir, "resolve", "解析路径", &e))?.join(dir)
    };
    let db = dir.join(DB_NAME);
    authorize(&db)?;

    std::fs::create_dir_all(&dir).map_err(|e| io_error(&dir, "create", "创建目录", &e))?;
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
    drop(Store::open(&db)?);
    for suffix in ["-wal", "-shm"] {
        let path = companion(&db, suffix);
        if path.exists() {
            own(&path, gid, FILE_MODE, group)?;
        }
    }

    // The doctor's report, printed as `liaison doctor` prints it. Whoever runs this (root, as a
    // rule) need not be registered in the database, so the `user` check does not fail the setup.
    let _ = super::ops::doctor(&db, lang, false);
    let problems: Vec<_> = crate::store::diagnose(&db)
        .checks
        .into_iter()
        .filter(|c| c.status == crate::store::CheckStatus::Problem && c.check != "user")
        .collect();
    let line = format!("db = \"{}\"", db.display());
    let d = dir.display();
    let text = match lang {
        Lang::En => format!(
            "\nShared database ready: {db} (directory {d} group {group} mode 2770, files mode 0660).\n\
             Put this line in /etc/liaison/config.toml:\n\n    {line}\n\n\
             Step by step:\n\
             1. groupadd {group}                      (done: the group exists)\n\
             2. usermod -aG {group} LOGIN             for every user; they log in again\n\
             3. liaison admin setup-shared {d} --group {group}   (done)\n\
             4. mkdir -p /etc/liaison && echo '{line}' > /etc/liaison/config.toml\n\
             5. as the first admin (not root): liaison init --dept OPS --dept-name 运营部\n\
             6. that admin adds the others: liaison user add LOGIN --name NAME --dept CODE\n\
             7. liaison doctor",
            db = db.display()
        ),
        Lang::Zh => format!(
            "\n共享数据库已就绪:{db}(目录 {d} 属于组 {group},权限 2770;文件权限 0660)。\n\
             请将下面一行写入 /etc/liaison/config.toml:\n\n    {line}\n\n\
             步骤:\n\
             1. groupadd {group}                      (已完成:该组已存在)\n\
             2. usermod -aG {group} 登录名            每个用户执行一次;用户需重新登录\n\
             3. liaison admin setup-shared {d} --group {group}   (已完成)\n\
             4. mkdir -p /etc/liaison && echo '{line}' > /etc/liaison/config.toml\n\
             5. 由第一位管理员(不是 root)运行:liaison init --dept OPS --dept-name 运营部\n\
             6. 该管理员添加其他人:liaison user add 登录名 --name 姓名 --dept 部门代码\n\
             7. liaison doctor",
            db = db.display()
        ),
    };
    println!("{text}");
    match problems.first() {
        None => Ok(()),
        Some(first) => Err(CliError::new(
            format!("the shared database has {} problem(s); the first: {}", problems.len(), first.message.en),
            format!("共享数据库有 {} 个问题;第一个:{}", problems.len(), first.message.zh),
        )),
    }
}
