//! Unit tests of the audit chain: hashing, anchors, keyed chains, backfill and rehash, and the
//! classification of edits, deletions and insertions.

use rusqlite::Connection;

use super::anchor::{Anchor, AnchorState};
use super::chain::{backfill_hashes, head_for_append, one, rehash_from};
use super::encode::{Fields, GENESIS, event_hash};
use super::verify::{KeyState, Tamper, Unhashed, walk};
use crate::store::audit_key::{AuditKey, Keying, keying};

fn fields<'a>(after: &'a str) -> Fields<'a> {
    Fields {
        issue_id: Some(3),
        at: 1_700_000_000,
        actor: "wang",
        on_behalf_of: None,
        kind: "commented",
        before: "null",
        after,
    }
}

#[test]
fn hashes_are_hex_sha256_and_cover_every_field() {
    let h = event_hash(GENESIS, &fields("{}"));
    assert_eq!(h.len(), 64);
    assert!(h.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
    assert_eq!(h, event_hash(GENESIS, &fields("{}")), "deterministic");
    assert_ne!(h, event_hash(&h, &fields("{}")), "the previous hash counts");
    assert_ne!(h, event_hash(GENESIS, &fields("{ }")));
    let mut f = fields("{}");
    f.on_behalf_of = Some("");
    assert_ne!(h, event_hash(GENESIS, &f), "NULL and empty differ");
    let mut f = fields("{}");
    f.issue_id = None;
    assert_ne!(h, event_hash(GENESIS, &f));
    // Moving text between neighbouring fields changes the hash (lengths are encoded).
    let a = Fields { before: "ab", after: "c", ..fields("") };
    let b = Fields { before: "a", after: "bc", ..fields("") };
    assert_ne!(event_hash(GENESIS, &a), event_hash(GENESIS, &b));
}

#[test]
fn anchors_parse_and_print() {
    let text = format!("42:{}", "AB".repeat(32));
    let a = Anchor::parse(&text).expect("an anchor");
    assert_eq!(a.id, 42);
    assert_eq!(a.to_string(), format!("42:{}", "ab".repeat(32)));
    assert!(Anchor::parse("42").is_none());
    assert!(Anchor::parse("x:00").is_none());
    assert!(Anchor::parse(&format!("0:{GENESIS}")).is_none());
    assert!(Anchor::parse(&format!("7:{}", "g".repeat(64))).is_none());
}

fn chain(n: i64) -> Connection {
    chain_in(Connection::open_in_memory().expect("memory"), n)
}

fn chain_in(conn: Connection, n: i64) -> Connection {
    conn.execute_batch(
        "CREATE TABLE issues (id INTEGER PRIMARY KEY, number TEXT);
         CREATE TABLE events (id INTEGER PRIMARY KEY, issue_id INTEGER, at INTEGER NOT NULL,
             actor TEXT NOT NULL, on_behalf_of TEXT, kind TEXT NOT NULL, before TEXT NOT NULL,
             after TEXT NOT NULL, prev_hash TEXT, hash TEXT);
         CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
         INSERT INTO issues VALUES (1, 'RD-001');",
    )
    .expect("schema");
    for i in 1..=n {
        conn.execute(
            "INSERT INTO events (issue_id, at, actor, kind, before, after) VALUES (1, ?1, 'wang', 'commented', 'null', ?2)",
            rusqlite::params![1_700_000_000 + i, format!("{{\"n\":{i}}}")],
        )
        .expect("insert");
    }
    conn
}

fn append(conn: &mut Connection, n: i64) {
    for i in 0..n {
        conn.execute(
            "INSERT INTO events (issue_id, at, actor, kind, before, after) VALUES (1, ?1, 'li', 'commented', 'null', '{}')",
            [1_800_000_000 + i],
        )
        .expect("insert");
    }
    let tx = conn.transaction().expect("tx");
    head_for_append(&tx).expect("hash what was appended");
    tx.commit().expect("commit");
}

#[test]
fn a_keyed_chain_cannot_be_rechained_without_the_key() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("keyed.db");
    let key = AuditKey::generate().expect("key");
    std::fs::write(super::super::audit_key::key_path(&db), key.to_file_text()).expect("key file");
    let mut conn = hashed(chain_in(Connection::open(&db).expect("file"), 10));
    super::super::audit_key::load(&conn, &db);
    // Before it is enabled, the key is not used: the events stay plain and verify.
    assert_eq!(walk(&conn, None, &keying(&conn).expect("keying")).expect("walk").key, KeyState::NotEnabled);
    let tx = conn.transaction().expect("tx");
    assert_eq!(super::super::audit_key::enable(&tx).expect("enable"), 11);
    tx.commit().expect("commit");
    append(&mut conn, 5);
    let k = keying(&conn).expect("keying");
    let v = walk(&conn, None, &k).expect("walk");
    assert_eq!((v.events, v.key.clone(), v.tampering.clone()), (15, KeyState::Keyed { from: 11 }, None));
    assert!(v.intact());
    // Keyed events are not plain SHA-256: with the key gone they are not checked.
    let plain = walk(&conn, None, &Keying { key: None, ..k.clone() }).expect("walk");
    assert_eq!((plain.events, plain.key.clone()), (10, KeyState::Missing { from: 11 }));
    assert!(!plain.intact());

    // Someone with a copy edits event 13 and recomputes the chain from there as the program
    // without the key would: the keyed walk names event 13.
    let copy = dir.path().join("copy.db");
    conn.execute("VACUUM INTO ?1", [copy.to_string_lossy()]).expect("copy");
    let forged = Connection::open(&copy).expect("copy");
    forged
        .execute(
            "UPDATE events SET after = '{\"forged\":1}', hash = NULL, prev_hash = NULL WHERE id >= 13",
            [],
        )
        .expect("edit");
    let mut prev: String =
        forged.query_row("SELECT hash FROM events WHERE id = 12", [], |r| r.get(0)).expect("h");
    for id in 13..=15 {
        let r = one(&forged, "e.id = :id", id).expect("row").expect("exists");
        let hash = event_hash(&prev, &r.fields());
        forged
            .execute(
                "UPDATE events SET prev_hash = ?1, hash = ?2 WHERE id = ?3",
                rusqlite::params![prev, hash, id],
            )
            .expect("rechain");
        prev = hash;
    }
    let v = walk(&forged, None, &Keying { from: Some(11), ..k.clone() }).expect("walk");
    assert!(matches!(&v.tampering, Some(Tamper::Edited { event, .. }) if event.id == 13), "{v:?}");
    // Moving the boundary past the forgery is caught by its check.
    forged.execute("UPDATE settings SET value = '16:00' WHERE key = 'audit_key'", []).expect("move");
    std::fs::write(super::super::audit_key::key_path(&copy), key.to_file_text()).expect("key file");
    super::super::audit_key::load(&forged, &copy);
    let v = walk(&forged, None, &keying(&forged).expect("keying")).expect("walk");
    assert_eq!(v.key, KeyState::Mismatch { from: 16 });
    assert!(!v.intact());
}

fn hashed(mut conn: Connection) -> Connection {
    let tx = conn.transaction().expect("tx");
    backfill_hashes(&tx).expect("backfill");
    tx.commit().expect("commit");
    conn
}

#[test]
fn a_backfilled_chain_verifies_and_rehash_touches_only_unhashed_rows() {
    let mut conn = hashed(chain(30));
    let v = walk(&conn, None, &Keying::default()).expect("walk");
    assert_eq!((v.events, v.tampering.clone(), v.unhashed.clone()), (30, None, None));
    assert_eq!(v.head.as_ref().map(|h| h.id), Some(30));
    // Rows written without hashes at the end are reported, then hashed onto the chain.
    conn.execute("INSERT INTO events (at, actor, kind, before, after) VALUES (1, 'x', 'k', '1', '2')", [])
        .expect("insert");
    let v = walk(&conn, None, &Keying::default()).expect("walk");
    assert_eq!(v.unhashed, Some(Unhashed { count: 1, first_id: 31, last_id: 31 }));
    assert!(v.intact());
    let tx = conn.transaction().expect("tx");
    assert_eq!(head_for_append(&tx).expect("head").len(), 64);
    tx.commit().expect("commit");
    let v = walk(&conn, None, &Keying::default()).expect("walk");
    assert_eq!((v.events, v.unhashed, v.tampering), (31, None, None));
    // An erased hash on an unchanged event is only "unhashed", and rehash restores it.
    let h5: String = conn.query_row("SELECT hash FROM events WHERE id = 5", [], |r| r.get(0)).expect("h");
    conn.execute("UPDATE events SET hash = NULL WHERE id = 5", []).expect("erase");
    let v = walk(&conn, None, &Keying::default()).expect("walk");
    assert!(v.tampering.is_none() && v.unhashed.is_some(), "{v:?}");
    let tx = conn.transaction().expect("tx");
    assert_eq!(rehash_from(&tx, 5).expect("rehash"), 1);
    tx.commit().expect("commit");
    let again: String = conn.query_row("SELECT hash FROM events WHERE id = 5", [], |r| r.get(0)).expect("h");
    assert_eq!(again, h5);
}

#[test]
fn edits_deletions_and_insertions_are_named() {
    let kind_at =
        |conn: &Connection| walk(conn, None, &Keying::default()).expect("walk").tampering.expect("tampering");

    let conn = hashed(chain(10));
    conn.execute("UPDATE events SET after = '{\"n\":99}' WHERE id = 4", []).expect("edit");
    assert!(matches!(kind_at(&conn), Tamper::Edited { event, hash_rewritten: false } if event.id == 4));

    let conn = hashed(chain(10));
    conn.execute("UPDATE events SET after = '{}' WHERE id = 10", []).expect("edit the last");
    assert!(matches!(kind_at(&conn), Tamper::Edited { event, .. } if event.id == 10));

    // Edited, with its hash recomputed: only the next event's link shows it.
    let conn = hashed(chain(10));
    let prev: String = conn.query_row("SELECT hash FROM events WHERE id = 3", [], |r| r.get(0)).expect("h");
    let f = Fields { after: "{\"n\":0}", ..fields("") };
    let f = Fields { issue_id: Some(1), at: 1_700_000_004, kind: "commented", actor: "wang", ..f };
    conn.execute(
        "UPDATE events SET after = ?1, hash = ?2 WHERE id = 4",
        rusqlite::params![f.after, event_hash(&prev, &f)],
    )
    .expect("rewrite");
    assert!(matches!(kind_at(&conn), Tamper::Edited { event, hash_rewritten: true } if event.id == 4));

    let conn = hashed(chain(10));
    conn.execute("DELETE FROM events WHERE id IN (5, 6)", []).expect("delete");
    match kind_at(&conn) {
        Tamper::Deleted { before, after, missing } => {
            assert_eq!((before.map(|b| b.id), after.id, missing), (Some(4), 7, Some((5, 6))));
        }
        other => panic!("{other:?}"),
    }

    let conn = hashed(chain(10));
    conn.execute("DELETE FROM events WHERE id = 1", []).expect("delete the first");
    assert!(matches!(kind_at(&conn), Tamper::Deleted { before: None, after, .. } if after.id == 2));

    // A forged copy of event 5 with other content, appended.
    let conn = hashed(chain(10));
    conn.execute(
        "INSERT INTO events (issue_id, at, actor, kind, before, after, prev_hash, hash)
         SELECT issue_id, at, 'mallory', kind, before, '{\"n\":0}', prev_hash, hash FROM events WHERE id = 5",
        [],
    )
    .expect("forge");
    assert!(
        matches!(kind_at(&conn), Tamper::Inserted { event } if event.id == 11 && event.actor == "mallory")
    );

    // A forged event in a gap, self-consistent, linking to the event before the gap.
    let conn = hashed(chain(10));
    conn.execute("DELETE FROM events WHERE id = 6", []).expect("delete");
    let prev: String = conn.query_row("SELECT hash FROM events WHERE id = 5", [], |r| r.get(0)).expect("h");
    let f = Fields { actor: "mallory", ..fields("{}") };
    conn.execute(
        "INSERT INTO events (id, issue_id, at, actor, kind, before, after, prev_hash, hash)
         VALUES (6, 3, ?1, 'mallory', 'commented', 'null', '{}', ?2, ?3)",
        rusqlite::params![f.at, prev, event_hash(&prev, &f)],
    )
    .expect("forge");
    assert!(matches!(kind_at(&conn), Tamper::Edited { event, hash_rewritten: true } if event.id == 6));
}

#[test]
fn anchors_catch_a_recomputed_chain() {
    let mut conn = hashed(chain(10));
    let head = walk(&conn, None, &Keying::default()).expect("walk").head.expect("head");
    conn.execute("UPDATE events SET after = '{}', prev_hash = NULL, hash = NULL WHERE id >= 3", [])
        .expect("rewrite");
    let tx = conn.transaction().expect("tx");
    rehash_from(&tx, 3).expect("recompute");
    tx.commit().expect("commit");
    let v = walk(&conn, Some(&head), &Keying::default()).expect("walk");
    assert!(v.tampering.is_none());
    assert!(matches!(v.anchor.as_ref().map(|a| &a.state), Some(AnchorState::Changed { .. })), "{v:?}");
    assert!(!v.intact());
    conn.execute("DELETE FROM events WHERE id = 10", []).expect("truncate");
    let v = walk(&conn, Some(&head), &Keying::default()).expect("walk");
    assert_eq!(v.anchor.map(|a| a.state), Some(AnchorState::Missing));
}
