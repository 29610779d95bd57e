//! The checks of `liaison doctor`: the file, its surroundings and who is asking. Reads only.
//!
//! The checks come in families: `database` reads the file (schema, integrity, records,
//! notifications, WAL and journal), `access` checks who is asking and the permissions of the
//! directory and files, and `os` asks the system (access(2), names, the file system).

mod access;
mod database;
mod os;

use std::path::{Path, PathBuf};

use super::migrations;
use crate::i18n::{Bilingual, Lang};

pub(super) use access::sh;
pub(super) use os::{group_name, user_name};

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
    database::check_exists(&mut d, &db, &lz);

    // What the file says about itself, through SQLite when it can be read.
    let conn = if d.exists { Some(database::open_for_checks(&db, &wal, &shm)) } else { None };
    let head = if d.exists { database::header(&db) } else { None };
    let mut people: Option<i64> = None;
    let mut admins: Vec<String> = Vec::new();
    if let Some(conn) = &conn {
        let conn = conn.as_ref().ok();
        let version = database::check_schema(&mut d, conn, head, &lz);
        database::check_integrity(&mut d, conn, (&db, &wal, &shm), &lz);

        if let Some(c) = conn
            && version == Some(migrations::latest())
            && d.integrity.as_deref() == Some("ok")
        {
            database::records(&mut d, c, &p);
            database::notifications(&mut d, c, &lz);
        }

        if let Some(c) = conn {
            (people, admins) = database::registered(c);
            if let Some(login) = &login {
                d.role = database::role_of(c, login);
            }
        }
    }

    // The write-ahead log.
    if d.exists {
        let conn = conn.as_ref().and_then(|c| c.as_ref().ok());
        database::check_wal_and_journal(&mut d, conn, head, &wal, &p, &lz);
    }

    // Who is asking.
    access::check_user(&mut d, login.as_deref(), people, &admins, &lz);

    // Ownership and permissions.
    access::check_permissions(&mut d, (&db, &wal, &shm), &dir, people, &me);

    if let Some(install) = install {
        let conn = conn.as_ref().and_then(|c| c.as_ref().ok());
        super::install::check(&mut d, conn, &db, install);
    }

    // Where the directory lives.
    os::check_filesystem(&mut d, &dir, &lz);
    d.push(
        "program",
        Info,
        format!("liaison {}, SQLite {}", env!("CARGO_PKG_VERSION"), rusqlite::version()),
        format!("liaison {},SQLite {}", env!("CARGO_PKG_VERSION"), rusqlite::version()),
        None,
    );
    d
}
