//! Operations on real files through the real binary: the tamper-evident history (`audit`),
//! `backup` while others write, `restore`, and `doctor`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use rusqlite::Connection;
use serde_json::Value;
use tempfile::TempDir;

/// A temporary home with one database; every command runs with `--db` pointing at it.
struct Fixture {
    dir: TempDir,
    db: PathBuf,
}

impl Fixture {
    fn new() -> Fixture {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let db = dir.path().join("data").join("l.db");
        std::fs::create_dir_all(db.parent().expect("a parent")).expect("the data directory");
        Fixture { dir, db }
    }

    fn command_on(&self, db: &Path, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_liaison"));
        let home = self.dir.path();
        cmd.arg("--db")
            .arg(db)
            .args(args)
            .env_remove("LIAISON_DB")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env_remove("LANGUAGE")
            .env("HOME", home)
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_DATA_HOME", home.join("share"))
            .env("LANG", "C.UTF-8");
        cmd
    }

    fn run_on(&self, db: &Path, args: &[&str]) -> Output {
        self.command_on(db, args).output().expect("the liaison binary runs")
    }

    fn run(&self, args: &[&str]) -> Output {
        self.run_on(&self.db, args)
    }

    fn ok(&self, args: &[&str]) -> String {
        checked_ok(args, self.run(args))
    }

    fn json(&self, args: &[&str]) -> Value {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        let out = self.ok(&all);
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}):\n{out}"))
    }

    /// A command that must be refused: exit 2, one line on stderr. Returns that line.
    fn fail(&self, args: &[&str]) -> String {
        checked_fail(args, self.run(args))
    }

    /// `init`, a department RD with member wang, and one issue for RD that wang acknowledged
    /// and both commented on. Returns the issue's number.
    fn setup(&self) -> String {
        self.ok(&["init", "--dept", "OPS", "--dept-name", "运营部", "--name", "管理员"]);
        self.ok(&["dept", "add", "RD", "研发部"]);
        self.ok(&["user", "add", "wang", "--name", "王工", "--dept", "RD"]);
        let number = self.add("积分兑换接口超时");
        self.ok(&["--as", "wang", "ack", &number, "--note", "今天下午排查"]);
        self.ok(&["comment", &number, "请先给出原因分析"]);
        self.ok(&["--as", "wang", "comment", &number, "已定位到缓存配置"]);
        number
    }

    fn add(&self, title: &str) -> String {
        let v = self.json(&[
            "add",
            "--title",
            title,
            "--background",
            "上周起多名用户反馈该问题,影响日常业务处理,需要跨部门协同排查",
            "--request",
            "请研发部3个工作日内给出原因分析和修复计划",
            "--dept",
            "RD",
            "--priority",
            "high",
        ]);
        v["issue"]["number"].as_str().expect("a number").to_string()
    }

    fn sql(&self) -> Connection {
        Connection::open(&self.db).expect("the database opens")
    }

    /// Events as (id, actor, kind), in id order.
    fn events(&self) -> Vec<(i64, String, String)> {
        let conn = self.sql();
        let mut stmt = conn.prepare("SELECT id, actor, kind FROM events ORDER BY id").expect("prepare");
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).expect("query");
        rows.collect::<Result<_, _>>().expect("rows")
    }

    fn event_id(&self, kind: &str, actor: &str) -> i64 {
        self.events()
            .into_iter()
            .find(|(_, a, k)| k == kind && a == actor)
            .unwrap_or_else(|| panic!("no {kind} event by {actor}"))
            .0
    }

    fn verify(&self, extra: &[&str]) -> Output {
        let mut args = vec!["audit", "verify"];
        args.extend_from_slice(extra);
        self.run(&args)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.db.with_file_name(name)
    }
}

fn checked_ok(args: &[&str], out: Output) -> String {
    let stdout = String::from_utf8(out.stdout).expect("stdout is UTF-8");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{args:?} failed ({}):\n{stderr}\n{stdout}", out.status);
    stdout
}

fn checked_fail(args: &[&str], out: Output) -> String {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8(out.stderr).expect("stderr is UTF-8");
    assert_eq!(out.status.code(), Some(2), "{args:?} should exit 2:\nstdout: {stdout}\nstderr: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "{args:?}: the refusal should be one line:\n{stderr}");
    assert!(stderr.starts_with("liaison: "), "{args:?}: {stderr}");
    stderr.trim_end().to_string()
}

fn os_login() -> String {
    let out = Command::new("id").arg("-un").output().expect("`id -un` runs");
    String::from_utf8(out.stdout).expect("UTF-8").trim().to_string()
}

#[test]
fn an_untouched_chain_verifies_and_its_head_is_the_anchor() {
    let f = Fixture::new();
    f.setup();
    let out = f.ok(&["audit", "verify"]);
    let n = f.events().len();
    assert!(out.contains(&format!("History intact: {n} events checked")), "{out}");
    let v = f.json(&["audit", "verify"]);
    assert_eq!(v["status"], "ok");
    assert_eq!(v["events"], n);
    assert!(v["tampering"].is_null() && v["unhashed"].is_null(), "{v}");
    let anchor = f.ok(&["audit", "anchor"]).trim().to_string();
    assert_eq!(v["head"], anchor.as_str());
    let (id, hash) = anchor.split_once(':').expect("ID:HASH");
    assert_eq!(id.parse::<usize>().expect("an id"), f.events().last().expect("events").0 as usize);
    assert_eq!(hash.len(), 64);
    // Every event is chained: the first links to the genesis, each later one to its predecessor.
    let conn = f.sql();
    let mut stmt = conn.prepare("SELECT prev_hash, hash FROM events ORDER BY id").expect("prepare");
    let chain: Vec<(String, String)> =
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).expect("q").collect::<Result<_, _>>().expect("r");
    assert_eq!(chain[0].0, "0".repeat(64));
    for pair in chain.windows(2) {
        assert_eq!(pair[1].0, pair[0].1);
    }
    let json = f.json(&["audit", "anchor"]);
    assert_eq!(json["anchor"], anchor.as_str());
    assert_eq!(json["unhashed_after"], 0);
}

#[test]
fn events_of_a_bulk_import_are_unhashed_until_rehash() {
    let f = Fixture::new();
    f.ok(&["init", "--dept", "OPS", "--dept-name", "运营部"]);
    f.ok(&["demo", "--issues", "50"]);
    f.ok(&["user", "add", "wang", "--name", "王工", "--dept", "OPS"]);
    let v = f.json(&["audit", "verify"]);
    // The demo's events were written by the bulk writer without hashes: reported, not tampering.
    if v["status"] == "unhashed" {
        assert!(v["unhashed"]["count"].as_u64().expect("a count") > 0, "{v}");
        assert_eq!(v["fix"], "liaison audit rehash");
        let text = f.ok(&["audit", "verify"]);
        assert!(text.contains("liaison audit rehash"), "{text}");
        // Only admins hash them.
        let line = f.fail(&["--as", "wang", "audit", "rehash"]);
        assert!(line.contains("admin"), "{line}");
        let out = f.ok(&["audit", "rehash"]);
        assert!(out.starts_with("Hashed "), "{out}");
    } else {
        assert_eq!(v["status"], "ok", "{v}");
    }
    let v = f.json(&["audit", "verify"]);
    assert_eq!(v["status"], "ok", "{v}");
    assert_eq!(v["events"], f.events().len());
    assert_eq!(f.json(&["audit", "rehash"])["hashed"], 0);
}

#[test]
fn an_edited_event_is_found_and_named() {
    let f = Fixture::new();
    let number = f.setup();
    let id = f.event_id("commented", "wang");
    f.sql()
        .execute("UPDATE events SET after = '{\"body\":\"从未说过这句话\"}' WHERE id = ?1", [id])
        .expect("edit");
    let line = checked_fail(&["audit", "verify"], f.verify(&[]));
    for needle in [&format!("event {id} "), number.as_str(), "wang", "Comment", "edited"] {
        assert!(line.contains(needle), "should mention {needle:?}: {line}");
    }
    let zh = checked_fail(&["audit", "verify"], f.run(&["--lang", "zh", "audit", "verify"]));
    assert!(zh.contains(&format!("第 {id} 条事件")) && zh.contains("被修改"), "{zh}");
    let out = f.run(&["--json", "audit", "verify"]);
    assert_eq!(out.status.code(), Some(2));
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v["status"], "tampered");
    assert_eq!(v["tampering"]["tampering"], "edited");
    assert_eq!(v["tampering"]["event"]["id"], id);
    assert_eq!(v["tampering"]["event"]["issue"], number.as_str());
    assert_eq!(v["tampering"]["event"]["actor"], "wang");
    assert_eq!(v["tampering"]["event"]["kind"], "commented");
    // Until the event is put back, rehash refuses.
    let line = f.fail(&["audit", "rehash"]);
    assert!(line.contains("refusing") && line.contains(&format!("event {id} ")), "{line}");
}

#[test]
fn a_deleted_event_is_found() {
    let f = Fixture::new();
    let number = f.setup();
    let id = f.event_id("acknowledged", "wang");
    f.sql().execute("DELETE FROM events WHERE id = ?1", [id]).expect("delete");
    let line = checked_fail(&["audit", "verify"], f.verify(&[]));
    assert!(line.contains("deleted"), "{line}");
    assert!(line.contains(&format!("event {id} is missing")), "{line}");
    assert!(line.contains(&format!("event {} ", id + 1)) && line.contains(&number), "{line}");
    let out = f.run(&["--json", "audit", "verify"]);
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v["tampering"]["tampering"], "deleted");
    assert_eq!(v["tampering"]["missing"], serde_json::json!([id, id]));
}

#[test]
fn an_inserted_event_is_found() {
    let f = Fixture::new();
    let number = f.setup();
    // A forged comment, made from a real event's row (hashes included) with other words.
    let copy = f.event_id("commented", "wang");
    f.sql()
        .execute(
            "INSERT INTO events (issue_id, at, actor, on_behalf_of, kind, before, after, prev_hash, hash)
             SELECT issue_id, at, 'wang', NULL, kind, before, '{\"body\":\"同意取消需求\"}', prev_hash, hash
             FROM events WHERE id = ?1",
            [copy],
        )
        .expect("forge");
    let forged = f.events().last().expect("events").0;
    let line = checked_fail(&["audit", "verify"], f.verify(&[]));
    assert!(line.contains("inserted") && line.contains(&format!("event {forged} ")), "{line}");
    assert!(line.contains(&number), "{line}");
    // Later writes chain onto the forged row, which stays reported.
    f.ok(&["comment", &number, "继续跟进"]);
    let line = checked_fail(&["audit", "verify"], f.verify(&[]));
    assert!(line.contains(&format!("event {forged} ")), "{line}");
}

#[test]
fn an_anchor_holds_through_new_events_and_catches_rewritten_history() {
    let f = Fixture::new();
    let number = f.setup();
    let anchor = f.ok(&["audit", "anchor"]).trim().to_string();
    f.ok(&["comment", &number, "周五前给出修复计划"]);
    f.add("报表导出乱码");
    let out = f.ok(&["audit", "verify", "--anchor", &anchor]);
    assert!(out.contains("still contains the anchor"), "{out}");
    assert_eq!(f.json(&["audit", "verify", "--anchor", &anchor])["anchor"]["state"], "held");

    // Rewrite an event before the anchor and recompute every hash after it: the chain is
    // consistent again, and only the anchor shows that history changed.
    let conn = f.sql();
    let id = f.event_id("acknowledged", "wang");
    conn.execute(
        "UPDATE events SET after = '{\"note\":\"不予处理\"}', prev_hash = NULL, hash = NULL WHERE id = ?1",
        [id],
    )
    .expect("rewrite");
    conn.execute("UPDATE events SET prev_hash = NULL, hash = NULL WHERE id > ?1", [id]).expect("unhash");
    drop(conn);
    f.ok(&["audit", "rehash"]);
    assert_eq!(f.json(&["audit", "verify"])["status"], "ok");
    let line = checked_fail(&["audit", "verify"], f.verify(&["--anchor", &anchor]));
    assert!(line.contains("anchor") && line.contains("rewritten"), "{line}");
    let out = f.run(&["--json", "audit", "verify", "--anchor", &anchor]);
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!((v["status"].as_str(), v["anchor"]["state"].as_str()), (Some("tampered"), Some("changed")));

    // A malformed anchor is refused.
    let line = f.fail(&["audit", "verify", "--anchor", "12"]);
    assert!(line.contains("ID:HASH"), "{line}");
}

#[test]
fn history_cut_at_the_end_is_caught_by_the_anchor() {
    let f = Fixture::new();
    f.setup();
    let anchor = f.ok(&["audit", "anchor"]).trim().to_string();
    let last = f.events().last().expect("events").0;
    f.sql().execute("DELETE FROM events WHERE id = ?1", [last]).expect("cut");
    f.ok(&["audit", "verify"]);
    let line = checked_fail(&["audit", "verify"], f.verify(&["--anchor", &anchor]));
    assert!(line.contains(&format!("event {last} no longer exists")), "{line}");
}

#[test]
fn a_backup_while_another_process_writes_is_sound() {
    let f = Fixture::new();
    let number = f.setup();
    f.ok(&["demo", "--issues", "200", "--append"]);
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (stop, db, home) = (stop.clone(), f.db.clone(), f.dir.path().to_path_buf());
        let number = number.clone();
        std::thread::spawn(move || {
            let mut written = 0;
            let started = Instant::now();
            while !stop.load(Ordering::Relaxed) && started.elapsed() < Duration::from_secs(60) {
                let out = Command::new(env!("CARGO_BIN_EXE_liaison"))
                    .arg("--db")
                    .arg(&db)
                    .args(["comment", &number, &format!("备份期间的评论 {written}")])
                    .env_remove("LIAISON_DB")
                    .env("HOME", &home)
                    .env("XDG_CONFIG_HOME", home.join("config"))
                    .env("XDG_DATA_HOME", home.join("share"))
                    .env("LANG", "C.UTF-8")
                    .output()
                    .expect("liaison runs");
                assert!(out.status.success(), "a write failed: {}", String::from_utf8_lossy(&out.stderr));
                written += 1;
            }
            written
        })
    };
    // Let the writer get going, then back up (three times) while it writes.
    let started = Instant::now();
    while f.events().iter().filter(|(_, _, k)| k == "commented").count() < 5 {
        assert!(started.elapsed() < Duration::from_secs(30), "the writer does not write");
        std::thread::sleep(Duration::from_millis(20));
    }
    let mut backups = Vec::new();
    for i in 0..3 {
        let file = f.path(&format!("backup-{i}.db"));
        let v = f.json(&["backup", file.to_str().expect("UTF-8")]);
        assert_eq!(v["integrity"], "ok");
        backups.push((file, v));
    }
    stop.store(true, Ordering::Relaxed);
    let written = writer.join().expect("the writer thread");
    assert!(written >= 5, "only {written} writes");

    let live_version: i64 = f.sql().query_row("PRAGMA user_version", [], |r| r.get(0)).expect("version");
    let live_events = f.events().len() as i64;
    for (file, report) in backups {
        let conn = Connection::open(&file).expect("the backup opens");
        let check: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).expect("check");
        assert_eq!(check, "ok", "{}", file.display());
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).expect("version");
        assert_eq!(version, live_version);
        assert_eq!(report["schema_version"], live_version);
        let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).expect("mode");
        assert_eq!(mode, "delete", "a backup is one self-contained file");
        let n: i64 = conn.query_row("SELECT count(*) FROM events", [], |r| r.get(0)).expect("count");
        assert!(n > 0 && n <= live_events);
        drop(conn);
        assert!(!PathBuf::from(format!("{}-wal", file.display())).exists());
        // One consistent moment: its history chain verifies.
        let copy = f.path("verify-copy.db");
        std::fs::copy(&file, &copy).expect("copy");
        let v: Value =
            serde_json::from_str(&checked_ok(&["audit"], f.run_on(&copy, &["--json", "audit", "verify"])))
                .expect("JSON");
        assert_ne!(v["status"], "tampered", "{v}");
        std::fs::remove_file(&copy).expect("remove");
    }
    let leftovers: Vec<_> = std::fs::read_dir(f.db.parent().expect("dir"))
        .expect("list")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".partial"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

#[test]
fn backup_refuses_to_overwrite_without_force_and_never_targets_the_database() {
    let f = Fixture::new();
    f.setup();
    let file = f.path("b.db");
    std::fs::write(&file, b"keep me").expect("write");
    let line = f.fail(&["backup", file.to_str().expect("UTF-8")]);
    assert!(line.contains("already exists") && line.contains("--force"), "{line}");
    assert_eq!(std::fs::read(&file).expect("read"), b"keep me");
    f.ok(&["backup", "--force", file.to_str().expect("UTF-8")]);
    assert_ne!(std::fs::read(&file).expect("read"), b"keep me");
    let line = f.fail(&["backup", "--force", f.db.to_str().expect("UTF-8")]);
    assert!(line.contains("the database itself"), "{line}");
    let zh = checked_fail(&[], f.run(&["--lang", "zh", "backup", file.to_str().expect("UTF-8")]));
    assert!(zh.contains("已存在"), "{zh}");
}

/// What a refused restore must leave alone: the issues, the events, the bytes of the file.
fn state(f: &Fixture) -> (Value, Vec<(i64, String, String)>) {
    (f.json(&["list"]), f.events())
}

#[test]
fn restore_refuses_a_corrupt_or_foreign_file_and_changes_nothing() {
    let f = Fixture::new();
    f.setup();
    let before = state(&f);
    let siblings = || {
        let mut names: Vec<String> = std::fs::read_dir(f.db.parent().expect("dir"))
            .expect("list")
            .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
            .collect();
        names.sort();
        names
    };

    let garbage = f.dir.path().join("garbage.db");
    let bytes: Vec<u8> = (0..64 * 1024u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    std::fs::write(&garbage, &bytes).expect("garbage");
    let files_before = siblings();
    let line = f.fail(&["restore", garbage.to_str().expect("UTF-8")]);
    assert!(line.contains("nothing was changed"), "{line}");

    // A real backup with a page damaged.
    let good = f.dir.path().join("good.db");
    f.ok(&["backup", good.to_str().expect("UTF-8")]);
    let mut damaged = std::fs::read(&good).expect("read");
    // Every b-tree page after the first loses its header.
    for page in damaged.chunks_mut(4096).skip(1) {
        page[..12].fill(0xA5);
    }
    let broken = f.dir.path().join("broken.db");
    std::fs::write(&broken, &damaged).expect("write");
    let line = f.fail(&["restore", broken.to_str().expect("UTF-8")]);
    assert!(line.contains("nothing was changed"), "{line}");

    // An SQLite file that is not liaison's, and one from a newer liaison.
    let foreign = f.dir.path().join("foreign.db");
    Connection::open(&foreign)
        .expect("create")
        .execute_batch("CREATE TABLE t (x); PRAGMA user_version = 2;")
        .expect("t");
    let line = f.fail(&["restore", foreign.to_str().expect("UTF-8")]);
    assert!(line.contains("not a liaison database"), "{line}");
    let newer = f.dir.path().join("newer.db");
    std::fs::copy(&good, &newer).expect("copy");
    Connection::open(&newer).expect("open").execute_batch("PRAGMA user_version = 99;").expect("bump");
    let line = f.fail(&["restore", newer.to_str().expect("UTF-8")]);
    assert!(line.contains("schema version 99") && line.contains("newer"), "{line}");
    let line = f.fail(&["restore", f.dir.path().join("missing.db").to_str().expect("UTF-8")]);
    assert!(line.contains("no file"), "{line}");

    assert_eq!(state(&f), before, "a refused restore changed the database");
    assert_eq!(siblings(), files_before, "a refused restore left files beside the database");
}

#[test]
fn restore_from_a_good_backup_brings_it_back_and_keeps_the_replaced_one() {
    let f = Fixture::new();
    let number = f.setup();
    let backup = f.dir.path().join("monday.db");
    f.ok(&["backup", backup.to_str().expect("UTF-8")]);
    let at_backup = state(&f);
    let later = f.add("下单页面白屏");
    f.ok(&["comment", &number, "备份之后的评论"]);
    assert_ne!(state(&f), at_backup);

    let line = f.fail(&["--as", "wang", "restore", backup.to_str().expect("UTF-8")]);
    assert!(line.contains("admin"), "{line}");

    let v = f.json(&["restore", backup.to_str().expect("UTF-8")]);
    assert_eq!(state(&f), at_backup);
    let previous = PathBuf::from(v["previous"].as_str().expect("the kept copy"));
    assert!(previous.exists() && previous.parent() == f.db.parent(), "{v}");
    let kept = Connection::open(&previous).expect("the kept copy opens");
    let n: i64 = kept
        .query_row("SELECT count(*) FROM issues WHERE number = ?1", [&later], |r| r.get(0))
        .expect("count");
    assert_eq!(n, 1, "the replaced database is kept with what was written after the backup");
    drop(kept);
    assert_eq!(f.json(&["audit", "verify"])["status"], "ok");
    // Work goes on.
    f.ok(&["comment", &number, "恢复之后的评论"]);
    assert_eq!(f.json(&["audit", "verify"])["status"], "ok");
}

#[test]
fn doctor_on_a_healthy_database() {
    let f = Fixture::new();
    f.ok(&["init", "--dept", "OPS", "--dept-name", "运营部", "--name", "管理员"]);
    f.ok(&["dept", "add", "RD", "研发部"]);
    f.add("积分兑换接口超时");
    let out = f.ok(&["doctor"]);
    assert!(out.contains("schema version"), "{out}");
    assert!(out.contains(&f.db.display().to_string()), "{out}");
    assert!(out.contains("integrity check: ok"), "{out}");
    let v = f.json(&["doctor"]);
    assert_eq!(v["healthy"], true, "{v}");
    assert_eq!(v["schema_version"], v["supported_schema_version"]);
    assert!(v["schema_version"].as_i64().expect("a version") >= 4);
    assert_eq!(v["integrity"], "ok");
    assert_eq!(v["journal_mode"], "wal");
    assert_eq!(v["user"]["login"], os_login().as_str());
    assert_eq!(v["user"]["role"], "admin");
    assert_eq!(v["shared"], false);
    // doctor reads only: no -wal or -shm left behind.
    assert!(!f.path("l.db-wal").exists() && !f.path("l.db-shm").exists());
    let zh = checked_ok(&[], f.run(&["--lang", "zh", "doctor"]));
    assert!(zh.contains("结构版本"), "{zh}");
}

#[test]
fn doctor_names_the_commands_that_make_a_shared_setup_work() {
    use std::os::unix::fs::PermissionsExt;
    let f = Fixture::new();
    f.setup();
    let dir = f.db.parent().expect("dir").to_path_buf();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    std::fs::set_permissions(&f.db, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    // Two people use the file: the directory must be group-writable and setgid, the file
    // group-writable.
    let out = f.run(&["--json", "doctor"]);
    assert_eq!(out.status.code(), Some(2));
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v["shared"], true, "{v}");
    let fixes: Vec<String> = v["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .filter(|c| c["status"] == "problem")
        .map(|c| c["fix"].as_str().expect("every problem has a fix").to_string())
        .collect();
    assert!(fixes.contains(&format!("chmod g+ws {}", dir.display())), "{fixes:?}");
    assert!(fixes.contains(&format!("chmod g+w {}", f.db.display())), "{fixes:?}");
    // Running exactly those commands makes the database healthy.
    for fix in &fixes {
        let status = Command::new("sh").args(["-c", fix]).status().expect("sh runs");
        assert!(status.success(), "{fix}");
    }
    let v = f.json(&["doctor"]);
    assert_eq!(v["healthy"], true, "{v}");
}

#[test]
fn doctor_reports_a_missing_database_with_the_command_that_makes_it() {
    let f = Fixture::new();
    let out = f.run(&["doctor"]);
    assert_eq!(out.status.code(), Some(2));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("there is no database") && stdout.contains("init --dept"), "{stdout}");
    assert!(!f.db.exists(), "doctor must not create the database");
}

#[test]
fn doctor_reports_a_directory_that_is_not_writable() {
    let f = Fixture::new();
    f.setup();
    let dir = f.db.parent().expect("dir").to_path_buf();
    let chmod = |mode: u32| {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(mode)).expect("chmod");
    };
    // SAFETY: geteuid never fails.
    let root = unsafe { libc::geteuid() } == 0;
    let out = if !root {
        chmod(0o555);
        let out = f.run(&["doctor"]);
        chmod(0o755);
        out
    } else {
        // Root bypasses permissions: ask as an unprivileged user, if the machine has the tool.
        let setpriv = ["/usr/bin/setpriv", "/bin/setpriv"].into_iter().find(|p| Path::new(p).exists());
        let Some(setpriv) = setpriv else {
            eprintln!("skipped: running as root, which bypasses permissions, and setpriv is not installed");
            return;
        };
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(f.dir.path(), std::fs::Permissions::from_mode(0o755)).expect("chmod");
        std::fs::set_permissions(&f.db, std::fs::Permissions::from_mode(0o666)).expect("chmod");
        chmod(0o555);
        let mut cmd = f.command_on(&f.db, &["doctor"]);
        let program = cmd.get_program().to_owned();
        let args: Vec<_> = cmd.get_args().map(|a| a.to_owned()).collect();
        let envs: Vec<_> = cmd.get_envs().map(|(k, v)| (k.to_owned(), v.map(|v| v.to_owned()))).collect();
        cmd = Command::new(setpriv);
        cmd.args(["--reuid=65534", "--regid=65534", "--clear-groups"]).arg(program).args(args);
        for (k, v) in envs {
            match v {
                Some(v) => cmd.env(k, v),
                None => cmd.env_remove(k),
            };
        }
        let out = cmd.output().expect("setpriv runs");
        chmod(0o755);
        out
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stdout}\n{stderr}");
    assert!(stdout.contains(&format!("the directory {}", dir.display())), "{stdout}");
    assert!(stdout.contains("is not writable by"), "{stdout}");
    assert!(
        stdout.contains("fix: chmod u+w") || stdout.contains("fix: groupadd") || stdout.contains("usermod"),
        "{stdout}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    // Nothing was created in the directory.
    assert!(!f.path("l.db-wal").exists() && !f.path("l.db-shm").exists());
}

#[test]
fn doctor_finds_records_that_contradict_the_rule_book() {
    let f = Fixture::new();
    f.ok(&["init", "--dept", "OPS", "--dept-name", "运营部", "--name", "管理员"]);
    f.ok(&["demo", "--issues", "120", "--seed", "7"]);
    // The demo registers 40 people: set the file up for shared use, so that only records matter.
    use std::os::unix::fs::PermissionsExt;
    let dir = f.db.parent().expect("dir").to_path_buf();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o2775)).expect("chmod");
    std::fs::set_permissions(&f.db, std::fs::Permissions::from_mode(0o664)).expect("chmod");
    let v = f.json(&["doctor"]);
    let records = |v: &Value| {
        v["checks"]
            .as_array()
            .expect("checks")
            .iter()
            .find(|c| c["check"] == "records")
            .cloned()
            .expect("records")
    };
    assert_eq!(records(&v)["status"], "ok", "the demo obeys the rule book: {}", records(&v));

    // Planted by hand: an archived issue whose first task is back at 40%, and one accepted by
    // someone other than its feedback person.
    let list = f.json(&["list", "--status", "archived", "--sort", "number"]);
    let numbers: Vec<&str> =
        list.as_array().expect("rows").iter().filter_map(|r| r["number"].as_str()).collect();
    let (a, b) = (numbers[0], numbers[1]);
    let conn = Connection::open(&f.db).expect("sqlite");
    conn.execute(
        "UPDATE tasks SET state = 'doing', percent = 40
         WHERE issue_id = (SELECT id FROM issues WHERE number = ?1) AND seq = 1",
        [a],
    )
    .expect("plant an open task");
    conn.execute("UPDATE issues SET accepted_by = 'nobody' WHERE number = ?1", [b]).expect("plant");
    drop(conn);

    let out = f.run(&["--json", "doctor"]);
    assert_eq!(out.status.code(), Some(2), "a contradiction is a problem");
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let check = records(&v);
    assert_eq!(check["status"], "problem");
    let message = check["message"].as_str().expect("message");
    assert!(message.starts_with("2 of 120 issues contradict the rule book"), "{message}");
    assert!(message.contains(&format!("{a}: task #1 is still doing (40%) under a solution")), "{message}");
    assert!(
        message.contains(&format!("{b}: answered by nobody, who is not the feedback person")),
        "{message}"
    );
    let zh = f.run(&["--lang", "zh", "doctor"]);
    let zh = String::from_utf8_lossy(&zh.stdout);
    assert!(zh.contains("个与规则矛盾") && zh.contains(a), "{zh}");
}
