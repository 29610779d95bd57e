//! The only place with SQL: the connection, migrations, and every read and write of the template.
//!
//! `Store` is the repository interface the command line and the console call. Every write is one
//! short IMMEDIATE transaction that checks permissions and the status machine, writes the change
//! and its event, and commits; no transaction waits for a person.

mod admin;
mod attachments;
mod audit;
mod audit_key;
mod backup;
mod bulk;
mod channels;
mod consistency;
mod convert;
mod doctor;
mod error;
mod events;
mod import;
mod install;
mod issues;
mod list;
pub mod migrations;
mod narrow;
mod outbox;
mod report;
mod search;
mod words;
mod work;

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::NaiveDateTime;
use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};

pub use attachments::{AttachmentMismatch, sha256_hex};
pub use audit::{
    Anchor, AnchorCheck, AnchorState, EventRef, KeyState, Rehash, Tamper, Unhashed, Verification,
};
pub use audit_key::{AuditKey, key_path};
pub use backup::{BackupReport, RestoreReport};
pub use bulk::BulkWriter;
pub use channels::{
    ChannelInfo, ChannelInput, ChannelSecret, ContactUpdate, rate_limit,
    require_coordinator as require_coordinator_ctx,
};
pub use doctor::{Check, CheckStatus, Diagnosis, diagnose, diagnose_install};
pub use error::{Kind, StoreError, StoreResult};
pub use import::{ImportBatch, ImportOutcome, Refusal};
pub use install::{BINARY_MODE, Install, groups_of};
pub use issues::Registration;
pub use list::{IssueFilter, IssueSummary, SortKey, TaskAlert};
pub use narrow::ListCache;
pub use outbox::{Leased, OutboxEntry, OutboxFilter, Outcome};
pub use work::{MeetingInput, MinutesText, ProgressInput, ResolveInput, RiskInput, TaskInput, TaskUpdate};

use crate::domain::Actor;
use crate::i18n::{Bilingual, Lang};

/// How long SQLite waits for another writer before answering busy.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// How long a write keeps trying before the database is reported busy.
pub const WRITE_PATIENCE: Duration = Duration::from_secs(20);

/// Who acts, when, and in which language refusals are worded.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub actor: Actor,
    /// The real clock: events carry this time.
    pub now: NaiveDateTime,
    pub lang: Lang,
}

pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// What the rule book said about the last change, for the person who made it.
    note: Option<Bilingual>,
}

impl Store {
    /// Opens (creating if needed) the database file and brings its schema up to date.
    pub fn open(path: &Path) -> StoreResult<Store> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| StoreError::io(path, &e))?;
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI;
        let conn = Connection::open_with_flags(path, flags).map_err(|e| StoreError::open(path, e))?;
        let mut store = Store { conn, path: path.to_path_buf(), note: None };
        // Refuse a newer file before anything (even the journal mode) is written to it.
        migrations::check_version(&store.conn).map_err(|e| e.at_open(path))?;
        store.configure().map_err(|e| e.at_open(path))?;
        audit_key::load(&store.conn, path);
        migrations::migrate(&mut store.conn).map_err(|e| e.at_open(path))?;
        Ok(store)
    }

    fn configure(&self) -> StoreResult<()> {
        self.conn.busy_timeout(BUSY_TIMEOUT)?;
        // Every statement the store runs fits, so none is prepared twice.
        self.conn.set_prepared_statement_cache_capacity(128);
        let mode = self.switch_to_wal()?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::invalid(
                format!("the database could not switch to WAL mode (it reports `{mode}`)"),
                format!("数据库无法切换到 WAL 模式（当前为 `{mode}`）"),
            ));
        }
        self.conn.pragma_update(None, "synchronous", "FULL")?;
        self.conn.pragma_update(None, "foreign_keys", true)?;
        self.conn.pragma_update(None, "cache_size", -16_384)?;
        if crate::privilege::is_setgid() {
            // SQLite would put temporary files in the user's SQLITE_TMPDIR or TMPDIR, or in a
            // directory that passes access(2), which checks the real group, never liaison's:
            // keep them in memory, where the user can neither choose nor read them.
            self.conn.pragma_update(None, "temp_store", "MEMORY")?;
        }
        // `rarray(?)`: a list of ids bound as one parameter (the report's joins).
        rusqlite::vtab::array::load_module(&self.conn)?;
        Ok(())
    }

    /// Switches the file to WAL unless it is already. SQLite does not wait on its busy handler
    /// for this switch, so when several programs create the file at once it is retried here.
    fn switch_to_wal(&self) -> StoreResult<String> {
        let current: String = self.conn.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
        if current.eq_ignore_ascii_case("wal") {
            return Ok(current);
        }
        let started = std::time::Instant::now();
        loop {
            match self.conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0)) {
                Err(e)
                    if matches!(
                        e.sqlite_error_code(),
                        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
                    ) && started.elapsed() < BUSY_TIMEOUT =>
                {
                    std::thread::sleep(Duration::from_millis(10));
                }
                other => return Ok(other?),
            }
        }
    }

    /// What the rule book said about the last change, if anything (the proposing side's own
    /// actions do not count as the first response…). Taken once.
    pub fn take_note(&mut self) -> Option<Bilingual> {
        self.note.take()
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The schema version this database is at.
    pub fn schema_version(&self) -> StoreResult<i64> {
        Ok(self.conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    /// Changes whenever another connection commits: poll this to refresh a screen.
    pub fn data_version(&self) -> StoreResult<i64> {
        Ok(self.conn.query_row("PRAGMA data_version", [], |r| r.get(0))?)
    }

    /// Runs `f` in one IMMEDIATE transaction: it takes the write lock at once, so two writers
    /// never deadlock on an upgrade, and everything `f` wrote is committed or nothing is. While
    /// other writers hold the lock, SQLite waits up to `BUSY_TIMEOUT` a time and the whole
    /// transaction is tried again until `WRITE_PATIENCE` has passed; then it is reported busy.
    fn write<T>(&mut self, mut f: impl FnMut(&Transaction) -> StoreResult<T>) -> StoreResult<T> {
        let started = std::time::Instant::now();
        loop {
            let attempt = (|| {
                let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
                let value = f(&tx)?;
                tx.commit()?;
                Ok(value)
            })();
            match attempt {
                Err(StoreError::Busy) if started.elapsed() < WRITE_PATIENCE => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                other => return other,
            }
        }
    }

    /// Runs `f` in one read transaction, so that what it reads is one consistent snapshot.
    fn read<T>(&mut self, f: impl FnOnce(&Transaction) -> StoreResult<T>) -> StoreResult<T> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Deferred)?;
        let value = f(&tx)?;
        tx.finish()?;
        Ok(value)
    }
}
