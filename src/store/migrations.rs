//! Append-only schema migrations, tracked by `PRAGMA user_version`.
//!
//! Never edit a migration that has shipped: add a new one at the end.

use rusqlite::Connection;

use super::{StoreError, StoreResult};

/// Migration N (1-based) brings the schema from version N-1 to N.
pub const MIGRATIONS: &[&str] = &[
    // 1: the template as tables.
    r#"
    CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    ) STRICT;

    CREATE TABLE departments (
        code TEXT PRIMARY KEY CHECK (length(code) BETWEEN 2 AND 6 AND code NOT GLOB '*[^A-Z]*'),
        name TEXT NOT NULL UNIQUE,
        head TEXT
    ) STRICT;

    CREATE TABLE people (
        login        TEXT PRIMARY KEY,
        display_name TEXT NOT NULL,
        dept         TEXT NOT NULL REFERENCES departments(code),
        role         TEXT NOT NULL CHECK (role IN ('viewer', 'member', 'coordinator', 'admin'))
    ) STRICT;

    CREATE TABLE calendar_days (
        day    TEXT PRIMARY KEY,
        kind   TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
        name   TEXT NOT NULL,
        source TEXT NOT NULL
    ) STRICT;

    CREATE TABLE number_sequences (
        scope TEXT PRIMARY KEY,
        last  INTEGER NOT NULL
    ) STRICT;

    CREATE TABLE issues (
        id                  INTEGER PRIMARY KEY,
        number              TEXT NOT NULL UNIQUE,
        proposer_dept       TEXT NOT NULL REFERENCES departments(code),
        proposer            TEXT NOT NULL REFERENCES people(login),
        proposed_at         INTEGER NOT NULL,
        priority            TEXT NOT NULL CHECK (priority IN ('high', 'medium', 'low')),
        title               TEXT NOT NULL,
        background          TEXT NOT NULL,
        request             TEXT NOT NULL,
        status              TEXT NOT NULL CHECK (status IN
                              ('registered', 'in_progress', 'awaiting_acceptance', 'resolved', 'archived')),
        response_due_at     INTEGER NOT NULL,
        first_response_at   INTEGER,
        first_response_by   TEXT,
        escalated_at        INTEGER,
        escalated_by        TEXT,
        escalated_to        TEXT,
        escalation_reason   TEXT,
        solution            TEXT,
        resolved_at         INTEGER,
        resolution_owner    TEXT REFERENCES people(login),
        feedback_person     TEXT REFERENCES people(login),
        accepted            INTEGER,
        accepted_by         TEXT,
        accepted_at         INTEGER,
        acceptance_reason   TEXT,
        retrospective       TEXT,
        archived_at         INTEGER,
        version             INTEGER NOT NULL DEFAULT 1,
        updated_at          INTEGER NOT NULL,
        updated_by          TEXT NOT NULL
    ) STRICT;
    CREATE INDEX issues_status ON issues (status, response_due_at);
    CREATE INDEX issues_updated ON issues (updated_at);
    CREATE INDEX issues_proposer ON issues (proposer);

    CREATE TABLE issue_departments (
        issue_id INTEGER NOT NULL REFERENCES issues(id),
        dept     TEXT NOT NULL REFERENCES departments(code),
        PRIMARY KEY (issue_id, dept)
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX issue_departments_dept ON issue_departments (dept, issue_id);

    CREATE TABLE meetings (
        id        INTEGER PRIMARY KEY,
        issue_id  INTEGER NOT NULL REFERENCES issues(id),
        seq       INTEGER NOT NULL,
        held_at   INTEGER NOT NULL,
        mode      TEXT NOT NULL CHECK (mode IN ('online', 'offline')),
        summary   TEXT NOT NULL,
        disputes  TEXT NOT NULL,
        consensus TEXT NOT NULL,
        recorder  TEXT NOT NULL REFERENCES people(login),
        UNIQUE (issue_id, seq)
    ) STRICT;

    CREATE TABLE meeting_participants (
        meeting_id   INTEGER NOT NULL REFERENCES meetings(id),
        login        TEXT NOT NULL REFERENCES people(login),
        dept         TEXT NOT NULL REFERENCES departments(code),
        confirmation TEXT NOT NULL CHECK (confirmation IN ('pending', 'confirmed', 'objected')),
        note         TEXT,
        answered_at  INTEGER,
        PRIMARY KEY (meeting_id, login)
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX meeting_participants_login ON meeting_participants (login, confirmation);

    CREATE TABLE tasks (
        id       INTEGER PRIMARY KEY,
        issue_id INTEGER NOT NULL REFERENCES issues(id),
        seq      INTEGER NOT NULL,
        dept     TEXT NOT NULL REFERENCES departments(code),
        title    TEXT NOT NULL,
        owner    TEXT NOT NULL REFERENCES people(login),
        deadline TEXT NOT NULL,
        state    TEXT NOT NULL CHECK (state IN ('todo', 'doing', 'blocked', 'done')),
        percent  INTEGER NOT NULL CHECK (percent BETWEEN 0 AND 100),
        UNIQUE (issue_id, seq)
    ) STRICT;
    CREATE INDEX tasks_owner ON tasks (owner, state);
    CREATE INDEX tasks_open ON tasks (state, deadline);

    CREATE TABLE progress (
        id        INTEGER PRIMARY KEY,
        issue_id  INTEGER NOT NULL REFERENCES issues(id),
        task_id   INTEGER REFERENCES tasks(id),
        at        INTEGER NOT NULL,
        by_login  TEXT NOT NULL REFERENCES people(login),
        percent   INTEGER CHECK (percent BETWEEN 0 AND 100),
        note      TEXT NOT NULL,
        help_dept TEXT REFERENCES departments(code),
        help_what TEXT
    ) STRICT;
    CREATE INDEX progress_issue ON progress (issue_id, at);
    CREATE INDEX progress_task ON progress (task_id, at);

    CREATE TABLE risks (
        id           INTEGER PRIMARY KEY,
        issue_id     INTEGER NOT NULL REFERENCES issues(id),
        task_id      INTEGER NOT NULL REFERENCES tasks(id),
        raised_at    INTEGER NOT NULL,
        by_login     TEXT NOT NULL REFERENCES people(login),
        reason       TEXT NOT NULL,
        plan         TEXT NOT NULL,
        new_deadline TEXT,
        timely       INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX risks_issue ON risks (issue_id);
    CREATE INDEX risks_task ON risks (task_id);

    CREATE TABLE comments (
        id       INTEGER PRIMARY KEY,
        issue_id INTEGER NOT NULL REFERENCES issues(id),
        at       INTEGER NOT NULL,
        by_login TEXT NOT NULL REFERENCES people(login),
        body     TEXT NOT NULL
    ) STRICT;
    CREATE INDEX comments_issue ON comments (issue_id);

    CREATE TABLE events (
        id           INTEGER PRIMARY KEY,
        issue_id     INTEGER REFERENCES issues(id),
        at           INTEGER NOT NULL,
        actor        TEXT NOT NULL,
        on_behalf_of TEXT,
        kind         TEXT NOT NULL,
        before       TEXT NOT NULL,
        after        TEXT NOT NULL
    ) STRICT;
    CREATE INDEX events_issue ON events (issue_id, id);
    "#,
    // 2: full-text search that finds Chinese substrings (trigram tokens), filled from what exists.
    r#"
    -- detail=none keeps no positions: the index is a third of the size and builds faster, and
    -- substring queries go through LIKE, which FTS5 answers from the trigram index and then
    -- checks against the text.
    CREATE VIRTUAL TABLE search USING fts5 (
        body, issue_id UNINDEXED, source UNINDEXED, tokenize = 'trigram', detail = none
    );
    INSERT INTO search (body, issue_id, source)
        SELECT title || char(10) || background || char(10) || request, id, 'issue' FROM issues;
    INSERT INTO search (body, issue_id, source)
        SELECT summary || char(10) || disputes || char(10) || consensus, issue_id, 'meeting:' || id FROM meetings;
    INSERT INTO search (body, issue_id, source)
        SELECT note || coalesce(char(10) || help_what, ''), issue_id, 'progress:' || id FROM progress;
    INSERT INTO search (body, issue_id, source)
        SELECT reason || char(10) || plan, issue_id, 'risk:' || id FROM risks;
    INSERT INTO search (body, issue_id, source)
        SELECT body, issue_id, 'comment:' || id FROM comments;
    INSERT INTO search (body, issue_id, source)
        SELECT solution, id, 'solution' FROM issues WHERE solution IS NOT NULL;
    INSERT INTO search (body, issue_id, source)
        SELECT retrospective, id, 'retrospective' FROM issues WHERE retrospective IS NOT NULL;
    "#,
    // 3: what each person has seen of each issue, for "changed since I last looked".
    r#"
    CREATE TABLE seen (
        login    TEXT NOT NULL REFERENCES people(login),
        issue_id INTEGER NOT NULL REFERENCES issues(id),
        event_id INTEGER NOT NULL,
        PRIMARY KEY (login, issue_id)
    ) STRICT, WITHOUT ROWID;
    "#,
    // 4: tamper-evident history: each event carries the hash of the one before it and its own
    // (see `audit`). Existing events are hashed in id order right after, in this transaction.
    r#"
    ALTER TABLE events ADD COLUMN prev_hash TEXT;
    ALTER TABLE events ADD COLUMN hash TEXT;
    "#,
    // 5: the deadline that matters next, kept on the issue so that lists sort by an index
    //    (no deadline sorts last). Kept up to date by every write (`issues::refresh_next_due`).
    r#"
    ALTER TABLE issues ADD COLUMN next_due_at INTEGER NOT NULL DEFAULT 9223372036854775807;
    UPDATE issues SET next_due_at = coalesce(
        CASE WHEN status = 'registered' AND first_response_at IS NULL THEN response_due_at
             WHEN status IN ('registered', 'in_progress', 'awaiting_acceptance') THEN
                 (SELECT unixepoch(min(t.deadline), '+1 day', 'utc') - 1 FROM tasks t
                  WHERE t.issue_id = issues.id AND t.state != 'done')
        END, 9223372036854775807);
    CREATE INDEX issues_next_due ON issues (next_due_at, id);
    "#,
    // 6: search that answers terms of one and two characters from an index (see `search`): the
    //    texts move to a plain table read by issue, and every issue gets its characters and pairs
    //    of characters in `search_grams` (filled right after, in this transaction). The trigram
    //    index goes: its LIKE read every candidate's text, the grams name far fewer.
    r#"
    CREATE TABLE search_text (
        id       INTEGER PRIMARY KEY,
        issue_id INTEGER NOT NULL REFERENCES issues(id),
        source   TEXT NOT NULL,
        body     TEXT NOT NULL
    ) STRICT;
    INSERT INTO search_text (issue_id, source, body)
        SELECT CAST(issue_id AS INTEGER), source, coalesce(body, '') FROM search ORDER BY issue_id, rowid;
    DROP TABLE search;
    ALTER TABLE search_text RENAME TO search;
    CREATE INDEX search_issue ON search (issue_id, source);
    CREATE VIRTUAL TABLE search_grams USING fts5 (
        grams, content = '', contentless_delete = 1, detail = none, tokenize = 'ascii'
    );
    "#,
    // 7. The rule book: every escalation kept (and closed with a note), tasks that can be
    //    cancelled, minutes that are amended in versions, answers given on someone's behalf, the
    //    reason a solution went ahead without a response, and whether the response deadline is
    //    counted in clock hours. `tasks` is rebuilt for its new state (foreign keys are off for
    //    this migration, see `migrate_to`); next deadlines are recomputed by the rule book.
    r#"
    CREATE TABLE escalations (
        id         INTEGER PRIMARY KEY,
        issue_id   INTEGER NOT NULL REFERENCES issues(id),
        seq        INTEGER NOT NULL,
        at         INTEGER NOT NULL,
        by_login   TEXT NOT NULL,
        to_whom    TEXT NOT NULL,
        reason     TEXT NOT NULL,
        closed_at  INTEGER,
        closed_by  TEXT,
        close_note TEXT,
        UNIQUE (issue_id, seq)
    ) STRICT;
    CREATE INDEX escalations_open ON escalations (issue_id) WHERE closed_at IS NULL;
    INSERT INTO escalations (issue_id, seq, at, by_login, to_whom, reason)
        SELECT id, 1, escalated_at, escalated_by, escalated_to, escalation_reason
        FROM issues WHERE escalated_at IS NOT NULL;
    ALTER TABLE issues DROP COLUMN escalated_at;
    ALTER TABLE issues DROP COLUMN escalated_by;
    ALTER TABLE issues DROP COLUMN escalated_to;
    ALTER TABLE issues DROP COLUMN escalation_reason;

    ALTER TABLE issues ADD COLUMN response_in_hours INTEGER NOT NULL DEFAULT 0;
    UPDATE issues SET response_in_hours =
        (strftime('%H:%M:%S', response_due_at, 'unixepoch', 'localtime') != '23:59:59');
    ALTER TABLE issues ADD COLUMN response_waived TEXT;
    ALTER TABLE issues ADD COLUMN accepted_proxy TEXT;
    ALTER TABLE issues ADD COLUMN accepted_proxy_reason TEXT;
    ALTER TABLE meetings ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
    ALTER TABLE meeting_participants ADD COLUMN proxy TEXT;
    ALTER TABLE meeting_participants ADD COLUMN proxy_reason TEXT;

    CREATE TABLE tasks_new (
        id       INTEGER PRIMARY KEY,
        issue_id INTEGER NOT NULL REFERENCES issues(id),
        seq      INTEGER NOT NULL,
        dept     TEXT NOT NULL REFERENCES departments(code),
        title    TEXT NOT NULL,
        owner    TEXT NOT NULL REFERENCES people(login),
        deadline TEXT NOT NULL,
        state    TEXT NOT NULL CHECK (state IN ('todo', 'doing', 'blocked', 'done', 'cancelled')),
        percent  INTEGER NOT NULL CHECK (percent BETWEEN 0 AND 100),
        UNIQUE (issue_id, seq)
    ) STRICT;
    INSERT INTO tasks_new (id, issue_id, seq, dept, title, owner, deadline, state, percent)
        SELECT id, issue_id, seq, dept, title, owner, deadline, state, percent FROM tasks;
    DROP TABLE tasks;
    ALTER TABLE tasks_new RENAME TO tasks;
    CREATE INDEX tasks_owner ON tasks (owner, state);
    CREATE INDEX tasks_open ON tasks (state, deadline);
    CREATE INDEX tasks_issue ON tasks (issue_id, state);
    "#,
    // 8: the few events the report reads (acceptance refused, a task updated), by issue: a
    //    partial index, so a report does not read every event of its period.
    r#"
    CREATE INDEX events_report ON events (issue_id) WHERE kind IN ('refused', 'task_updated');
    "#,
    // 9. Notifications (同步): people's contact details and muted kinds, channels and the
    //    departments each serves (removed channels are kept for the messages that name them),
    //    the outbox written with each action, and the requests each channel took (rate limits).
    r#"
    ALTER TABLE people ADD COLUMN email TEXT;
    ALTER TABLE people ADD COLUMN mobile TEXT;
    ALTER TABLE people ADD COLUMN wecom_id TEXT;
    ALTER TABLE people ADD COLUMN muted TEXT NOT NULL DEFAULT '';

    CREATE TABLE channels (
        id         INTEGER PRIMARY KEY,
        name       TEXT NOT NULL,
        kind       TEXT NOT NULL CHECK (kind IN ('wecom', 'dingtalk', 'feishu', 'email', 'webhook')),
        url        TEXT NOT NULL,
        secret     TEXT,
        sender     TEXT,
        created_at INTEGER NOT NULL,
        created_by TEXT NOT NULL,
        removed_at INTEGER
    ) STRICT;
    CREATE UNIQUE INDEX channels_live_name ON channels (name) WHERE removed_at IS NULL;

    CREATE TABLE channel_departments (
        channel_id INTEGER NOT NULL REFERENCES channels(id),
        dept       TEXT NOT NULL REFERENCES departments(code),
        PRIMARY KEY (channel_id, dept)
    ) STRICT, WITHOUT ROWID;

    CREATE TABLE outbox (
        id             INTEGER PRIMARY KEY,
        issue_id       INTEGER REFERENCES issues(id),
        event_id       INTEGER REFERENCES events(id),
        kind           TEXT NOT NULL,
        topic          TEXT,
        channel_id     INTEGER NOT NULL REFERENCES channels(id),
        recipient      TEXT,
        address        TEXT,
        mentions       TEXT NOT NULL DEFAULT '[]',
        subject        TEXT NOT NULL,
        body           TEXT NOT NULL,
        payload        TEXT NOT NULL DEFAULT 'null',
        status         TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
        created_at     INTEGER NOT NULL,
        next_try_ms    INTEGER NOT NULL,
        attempts       INTEGER NOT NULL,
        lease_until_ms INTEGER,
        lease_by       TEXT,
        answer         TEXT,
        sent_at        INTEGER,
        folded_into    INTEGER
    ) STRICT;
    CREATE INDEX outbox_pending ON outbox (next_try_ms, id) WHERE status = 'pending';
    CREATE INDEX outbox_channel_pending ON outbox (channel_id, recipient) WHERE status = 'pending';
    CREATE INDEX outbox_failed ON outbox (id) WHERE status = 'failed';
    CREATE INDEX outbox_issue ON outbox (issue_id, id);
    CREATE UNIQUE INDEX outbox_topic ON outbox (topic, channel_id) WHERE topic IS NOT NULL;

    CREATE TABLE channel_sends (
        channel_id INTEGER NOT NULL,
        at_ms      INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX channel_sends_at ON channel_sends (channel_id, at_ms);
    "#,
    // 10: attachments, with their bytes; the event that adds one carries its SHA-256.
    r#"
    CREATE TABLE attachments (
        id       INTEGER PRIMARY KEY,
        issue_id INTEGER NOT NULL REFERENCES issues(id),
        name     TEXT NOT NULL,
        size     INTEGER NOT NULL CHECK (size >= 0),
        mime     TEXT NOT NULL,
        at       INTEGER NOT NULL,
        by_login TEXT NOT NULL REFERENCES people(login),
        sha256   TEXT NOT NULL,
        note     TEXT,
        content  BLOB NOT NULL
    ) STRICT;
    CREATE INDEX attachments_issue ON attachments (issue_id);
    "#,
];

/// The schema version this program writes.
pub fn latest() -> i64 {
    MIGRATIONS.len() as i64
}

/// Brings the database to the latest version; refuses one written by a newer program.
pub fn migrate(conn: &mut Connection) -> StoreResult<()> {
    migrate_to(conn, latest())
}

/// Refuses a database written by a newer liaison. Reads only.
pub fn check_version(conn: &Connection) -> StoreResult<()> {
    let current: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if current > latest() {
        return Err(StoreError::NewerSchema { found: current, supported: latest() });
    }
    Ok(())
}

/// Applies migrations up to `target`, each in its own transaction with its version bump.
pub fn migrate_to(conn: &mut Connection, target: i64) -> StoreResult<()> {
    let current: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if current > latest() {
        return Err(StoreError::NewerSchema { found: current, supported: latest() });
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().take(target as usize).skip(current as usize) {
        let version = index as i64 + 1;
        // A migration that rebuilds a table others refer to runs with foreign keys off (they
        // cannot be switched inside a transaction) and checks them itself before committing.
        let rebuilds = REBUILDS.contains(&version);
        if rebuilds {
            conn.pragma_update(None, "foreign_keys", false)?;
        }
        let result = apply(conn, sql, version, rebuilds);
        if rebuilds {
            conn.pragma_update(None, "foreign_keys", true)?;
        }
        result?;
    }
    Ok(())
}

/// The migrations that rebuild a table.
const REBUILDS: &[i64] = &[7];

fn apply(conn: &mut Connection, sql: &str, version: i64, rebuilds: bool) -> StoreResult<()> {
    {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        // Another process may have migrated while we waited for the lock.
        let now: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if now >= version {
            return Ok(());
        }
        tx.execute_batch(sql)?;
        after_migration(&tx, version)?;
        if rebuilds {
            let broken: i64 =
                tx.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0))?;
            if broken > 0 {
                return Err(StoreError::invalid(
                    format!(
                        "migration {version} would leave {broken} rows pointing at nothing; nothing was changed"
                    ),
                    format!("迁移 {version} 会留下 {broken} 条无效引用；未做任何修改"),
                ));
            }
        }
        tx.pragma_update(None, "user_version", version)?;
        tx.commit()?;
    }
    Ok(())
}

/// What a migration needs beyond SQL, done in the migration's own transaction.
fn after_migration(tx: &rusqlite::Transaction, version: i64) -> StoreResult<()> {
    if version == 4 {
        super::audit::backfill_hashes(tx)?;
    }
    if version == 6 {
        super::search::fill_grams(tx)?;
    }
    if version == 7 {
        super::issues::refresh_all_next_due(tx)?;
    }
    Ok(())
}
