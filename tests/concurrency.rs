//! Many processes on one database file: concurrent writers, writers killed mid-transaction,
//! version conflicts, hostile text in the file, and two OS users sharing one directory.

use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use tempfile::TempDir;

const BIN: &str = env!("CARGO_BIN_EXE_liaison");
const BUSY: &str = "the database is busy";
const BACKGROUND: &str = "上周起多名用户反馈该问题,影响日常业务处理,需要跨部门协同排查";
const REQUEST: &str = "请研发部3个工作日内给出原因分析和修复计划";

/// A temporary home holding one database; every command gets `--db` and a clean environment.
struct Env {
    dir: TempDir,
    db: PathBuf,
}

impl Env {
    fn new() -> Env {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let db = dir.path().join("l.db");
        Env { dir, db }
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(BIN);
        prepare(&mut cmd, self.dir.path(), &self.db, args);
        cmd
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("the liaison binary runs")
    }

    fn ok(&self, args: &[&str]) -> String {
        ok(args, self.run(args))
    }

    fn json(&self, args: &[&str]) -> Value {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        let out = self.ok(&all);
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}):\n{out}"))
    }

    /// `init` (department OPS, this OS user its admin), department RD with member wang.
    fn org(&self) {
        self.ok(&["init", "--dept", "OPS", "--dept-name", "运营部", "--name", "管理员"]);
        self.ok(&["dept", "add", "RD", "研发部"]);
        self.ok(&["user", "add", "wang", "--name", "王工", "--dept", "RD"]);
    }

    fn add(&self, title: &str) -> String {
        let v = self.json(&[
            "add",
            "--title",
            title,
            "--background",
            BACKGROUND,
            "--request",
            REQUEST,
            "--dept",
            "RD",
        ]);
        v["issue"]["number"].as_str().expect("a number").to_string()
    }

    fn conn(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(&self.db).expect("the database opens")
    }
}

fn prepare(cmd: &mut Command, home: &Path, db: &Path, args: &[&str]) {
    cmd.arg("--db")
        .arg(db)
        .args(args)
        .env_remove("LIAISON_DB")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("LANGUAGE")
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("LANG", "C.UTF-8");
}

fn ok(args: &[&str], out: Output) -> String {
    let stdout = String::from_utf8(out.stdout).expect("stdout is UTF-8");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{args:?} failed ({}):\n{stderr}\n{stdout}", out.status);
    stdout
}

/// The number in `Registered NUMBER — …`.
fn registered_number(stdout: &str) -> Option<String> {
    let line = stdout.lines().find(|l| l.starts_with("Registered "))?;
    line.split_whitespace().nth(1).map(str::to_string)
}

fn integrity(conn: &rusqlite::Connection) -> String {
    conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).expect("integrity_check runs")
}

fn count(conn: &rusqlite::Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).unwrap_or_else(|e| panic!("{sql}: {e}"))
}

fn audit_verifies(env: &Env) {
    let out = env.run(&["audit", "verify"]);
    assert!(
        out.status.success(),
        "audit verify failed: {}\n{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
}

/// A small deterministic generator: no extra dependency for picking kill moments.
struct Rng(u64);

impl Rng {
    fn seeded() -> Rng {
        let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        Rng(t.as_nanos() as u64 | 1)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

// ---------------------------------------------------------------------------------------------
// a: eight writers at once

#[test]
fn eight_concurrent_writers_lose_nothing() {
    let env = Env::new();
    env.org();
    let started = Instant::now();
    let (numbers, busy, other) = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..8)
            .map(|w| {
                let env = &env;
                scope.spawn(move || {
                    let mut numbers = Vec::new();
                    let mut busy = 0;
                    let mut other = Vec::new();
                    let mut note = |out: &Output| {
                        if !out.status.success() {
                            let err = String::from_utf8_lossy(&out.stderr).to_string();
                            if err.contains(BUSY) {
                                busy += 1;
                            } else {
                                other.push(err);
                            }
                        }
                    };
                    let until = Instant::now() + Duration::from_secs(8);
                    for i in 0..40 {
                        if Instant::now() > until {
                            break;
                        }
                        let title = format!("并发写入 {w}-{i}");
                        let args = [
                            "add",
                            "--title",
                            &title,
                            "--background",
                            BACKGROUND,
                            "--request",
                            REQUEST,
                            "--dept",
                            "RD",
                        ];
                        let out = env.run(&args);
                        note(&out);
                        let Some(n) = registered_number(&String::from_utf8_lossy(&out.stdout)) else {
                            continue;
                        };
                        numbers.push(n.clone());
                        note(&env.run(&["comment", &n, &format!("进程 {w} 的第 {i} 条评论")]));
                        if i % 2 == 0 {
                            note(&env.run(&["--as", "wang", "ack", &n]));
                        }
                    }
                    (numbers, busy, other)
                })
            })
            .collect();
        let mut all = (Vec::new(), 0, Vec::new());
        for w in workers {
            let (n, b, o) = w.join().expect("a worker thread");
            all.0.extend(n);
            all.1 += b;
            all.2.extend(o);
        }
        all
    });
    eprintln!(
        "8 writers: {} issues registered, {busy} busy refusals, {:.1} s",
        numbers.len(),
        started.elapsed().as_secs_f64()
    );
    assert!(other.is_empty(), "failures other than busy: {other:#?}");
    let distinct: HashSet<_> = numbers.iter().collect();
    assert_eq!(distinct.len(), numbers.len(), "a number was printed twice: {numbers:?}");
    let listed: HashSet<String> = env
        .json(&["list"])
        .as_array()
        .expect("an array")
        .iter()
        .map(|r| r["number"].as_str().expect("a number").to_string())
        .collect();
    for n in &numbers {
        assert!(listed.contains(n), "{n} was reported registered but is not listed");
    }
    assert_eq!(integrity(&env.conn()), "ok");
    audit_verifies(&env);
}

// ---------------------------------------------------------------------------------------------
// b: writers killed with SIGKILL at random moments

#[test]
fn writers_killed_mid_transaction_leave_a_consistent_database() {
    let env = Env::new();
    env.org();
    env.add("先登记一条");
    let mut rng = Rng::seeded();
    let spawn = |i: usize| -> Child {
        let title = format!("被杀的写入 {i}");
        env.command(&[
            "add",
            "--title",
            &title,
            "--background",
            BACKGROUND,
            "--request",
            REQUEST,
            "--dept",
            "RD",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts")
    };
    let started = Instant::now();
    let mut spawned = 0;
    let mut slots: Vec<(Child, Instant)> = (0..4)
        .map(|_| {
            spawned += 1;
            (spawn(spawned), Instant::now())
        })
        .collect();
    let (mut kills, mut finished) = (0, 0);
    while kills < 200 && started.elapsed() < Duration::from_secs(40) {
        std::thread::sleep(Duration::from_millis(rng.below(8)));
        let k = rng.below(slots.len() as u64) as usize;
        // Kill the chosen process somewhere between its start and a typical `add`'s end.
        let age = slots[k].1.elapsed();
        if age >= Duration::from_millis(rng.below(60)) {
            let child = &mut slots[k].0;
            if child.try_wait().expect("wait").is_none() {
                child.kill().expect("SIGKILL");
                kills += 1;
            }
            child.wait().expect("reap");
            spawned += 1;
            slots[k] = (spawn(spawned), Instant::now());
        }
        for slot in slots.iter_mut() {
            if slot.0.try_wait().expect("wait").is_some() {
                finished += 1;
                spawned += 1;
                *slot = (spawn(spawned), Instant::now());
            }
        }
    }
    for (mut child, _) in slots {
        let _ = child.kill();
        let _ = child.wait();
    }
    eprintln!(
        "kill -9: {kills} kills, {finished} runs finished, {spawned} started, {:.1} s",
        started.elapsed().as_secs_f64()
    );
    assert!(kills >= 200, "only {kills} kills in 40 s");

    let conn = env.conn();
    assert_eq!(integrity(&conn), "ok");
    let issues = count(&conn, "SELECT count(*) FROM issues");
    let orphans = count(
        &conn,
        "SELECT count(*) FROM issues i LEFT JOIN events e ON e.issue_id = i.id AND e.kind = 'registered'
         WHERE e.id IS NULL",
    );
    assert_eq!(orphans, 0, "issues without their registered event");
    let no_dept = count(
        &conn,
        "SELECT count(*) FROM issues i WHERE NOT EXISTS (SELECT 1 FROM issue_departments d WHERE d.issue_id = i.id)",
    );
    assert_eq!(no_dept, 0, "issues without their departments");
    let no_search = count(
        &conn,
        "SELECT count(*) FROM issues i WHERE NOT EXISTS (SELECT 1 FROM search s WHERE s.issue_id = i.id)",
    );
    assert_eq!(no_search, 0, "issues missing from the search index");
    drop(conn);
    eprintln!("kill -9: {issues} issues survive");
    audit_verifies(&env);
    env.json(&["list"]);
}

// ---------------------------------------------------------------------------------------------
// c: two edits from the same version

#[test]
fn the_second_edit_from_the_same_version_is_refused() {
    let env = Env::new();
    env.org();
    let n = env.add("同一版本的两次修改");
    let version = env.json(&["show", &n])["version"].as_i64().expect("a version").to_string();
    env.ok(&["edit", &n, "--title", "第一次修改的标题", "--if-version", &version]);
    let out = env.run(&["edit", &n, "--title", "第二次修改的标题", "--if-version", &version]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    let login = env.json(&["whoami"])["person"]["login"].as_str().expect("a login").to_string();
    assert!(err.contains(&login), "the conflict should name who changed it: {err}");
    assert!(err.contains(&n), "{err}");
    let issue = env.json(&["show", &n]);
    assert_eq!(issue["title"], "第一次修改的标题");
    assert_eq!(issue["version"].as_i64(), Some(version.parse::<i64>().unwrap() + 1));
}

// ---------------------------------------------------------------------------------------------
// d: hostile text written straight into the file

const PAYLOAD: &str =
    "A\x1b[2JB\x1b]0;pwned\x07C\x1bPq#0\x1b\\D\u{9b}31mE\rF\u{202e}G\u{2066}H\u{200f}I\u{61c}J";

fn forbidden(c: char) -> bool {
    matches!(c, '\x1b' | '\x07' | '\r' | '\u{80}'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{61c}')
}

#[test]
fn control_characters_in_the_database_never_reach_the_terminal() {
    let env = Env::new();
    env.org();
    let n = env.add("将被篡改的问题");
    env.ok(&["comment", &n, "正常评论"]);
    let deadline =
        (chrono::Local::now().date_naive() - chrono::Duration::days(3)).format("%Y-%m-%d").to_string();
    let login = env.json(&["whoami"])["person"]["login"].as_str().expect("a login").to_string();
    env.ok(&["--as", "wang", "ack", &n]);
    let today = chrono::Local::now().date_naive().format("%Y-%m-%d").to_string();
    env.ok(&["task", "add", &n, "--dept", "RD", "--title", "任务", "--owner", "wang", "--deadline", &today]);
    let conn = env.conn();
    let p = PAYLOAD;
    conn.execute("UPDATE issues SET title = ?1, background = ?1, request = ?1", [p]).expect("issues");
    conn.execute("UPDATE comments SET body = ?1", [p]).expect("comments");
    conn.execute("UPDATE tasks SET title = ?1, deadline = ?2", [p, &deadline]).expect("tasks");
    conn.execute("UPDATE departments SET name = ?1 || code", [p]).expect("departments");
    conn.execute("UPDATE people SET display_name = ?1 || login", [p]).expect("people");
    drop(conn);
    let _ = login;
    for args in [
        vec!["list"],
        vec!["show", &n],
        vec!["show", &n, "--md"],
        vec!["alerts"],
        vec!["list", "--status", "open"],
    ] {
        let out = env.ok(&args);
        if let Some(bad) = out.chars().find(|c| forbidden(*c)) {
            panic!("{args:?} printed U+{:04X}:\n{out:?}", bad as u32);
        }
        if args == ["alerts"] {
            assert!(
                out.contains("A") && !out.trim().is_empty(),
                "alerts should show the overdue task: {out}"
            );
        }
    }
    let v = env.json(&["show", &n]);
    assert!(v["title"].is_string());
}

// ---------------------------------------------------------------------------------------------
// f: the environment does not choose the actor

#[test]
fn user_and_logname_do_not_change_the_actor() {
    let env = Env::new();
    env.org();
    let login = env.json(&["whoami"])["person"]["login"].as_str().expect("a login").to_string();
    let out = env
        .command(&[
            "add",
            "--title",
            "冒名登记",
            "--background",
            BACKGROUND,
            "--request",
            REQUEST,
            "--dept",
            "RD",
        ])
        .env("USER", "somebody-else")
        .env("LOGNAME", "somebody-else")
        .output()
        .expect("runs");
    let stdout = ok(&["add"], out);
    let n = registered_number(&stdout).expect("a number");
    let issue = env.json(&["show", &n]);
    assert_eq!(issue["proposer"], login.as_str());
    for e in issue["events"].as_array().expect("events") {
        assert_eq!(e["actor"], login.as_str(), "{e}");
    }
}

// ---------------------------------------------------------------------------------------------
// e: two OS users in one group (only as root, with useradd and setpriv)

/// Removes the users and the group created for the test, whatever happens.
struct Accounts {
    users: Vec<String>,
    group: Option<String>,
}

impl Drop for Accounts {
    fn drop(&mut self) {
        for u in &self.users {
            let _ = Command::new("userdel").arg(u).output();
        }
        if let Some(g) = &self.group {
            let _ = Command::new("groupdel").arg(g).output();
        }
    }
}

fn have(tool: &str) -> bool {
    Command::new("sh").args(["-c", &format!("command -v {tool}")]).output().is_ok_and(|o| o.status.success())
}

fn as_user(user: &str, home: &Path, db: &Path, args: &[&str]) -> Output {
    let mut cmd = Command::new("setpriv");
    cmd.args(["--reuid", user, "--regid", "users", "--init-groups", BIN]);
    prepare(&mut cmd, home, db, args);
    cmd.output().expect("setpriv runs")
}

fn companions(db: &Path) -> [PathBuf; 2] {
    ["-wal", "-shm"].map(|s| {
        let mut name = db.as_os_str().to_os_string();
        name.push(s);
        PathBuf::from(name)
    })
}

/// The -wal and -shm files, when they exist, are group-readable and -writable and in `gid`.
fn companions_shared(db: &Path, gid: u32) -> usize {
    let mut seen = 0;
    for path in companions(db) {
        if let Ok(m) = std::fs::metadata(&path) {
            seen += 1;
            assert_eq!(m.mode() & 0o060, 0o060, "{} is mode {:o}", path.display(), m.mode() & 0o7777);
            assert_eq!(m.gid(), gid, "{} is in group {}", path.display(), m.gid());
        }
    }
    seen
}

/// Not a test of its own: run by `two_users_share_one_database` as another user, it keeps the
/// database open (so that its -wal and -shm exist, created by that user) until stdin closes.
#[test]
fn hold_open_helper() {
    let Some(db) = std::env::var_os("LIAISON_HOLD_DB") else {
        return;
    };
    let conn = rusqlite::Connection::open(db).expect("opens");
    let _: i64 = conn.query_row("SELECT count(*) FROM issues", [], |r| r.get(0)).expect("reads");
    println!("holding-open-ready");
    let mut line = String::new();
    let _ = std::io::stdin().read_line(&mut line);
}

#[test]
fn two_users_share_one_database() {
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("skipped: creating OS users needs root");
        return;
    }
    for tool in ["useradd", "userdel", "groupadd", "groupdel", "setpriv", "unshare"] {
        if !have(tool) {
            eprintln!("skipped: {tool} is not installed");
            return;
        }
    }
    let tag = std::process::id() % 1_000_000;
    let group = format!("lzg{tag}");
    let (a, b) = (format!("lza{tag}"), format!("lzb{tag}"));
    let mut accounts = Accounts { users: vec![], group: None };
    let made = Command::new("groupadd").arg(&group).output().expect("groupadd runs");
    if !made.status.success() {
        eprintln!("skipped: groupadd failed: {}", String::from_utf8_lossy(&made.stderr));
        return;
    }
    accounts.group = Some(group.clone());
    for u in [&a, &b] {
        let made = Command::new("useradd")
            .args(["-M", "-N", "-G", &group, "-s", "/bin/sh", u])
            .output()
            .expect("useradd");
        if !made.status.success() {
            eprintln!("skipped: useradd failed: {}", String::from_utf8_lossy(&made.stderr));
            return;
        }
        accounts.users.push(u.clone());
    }
    let env = Env::new();
    let home = env.dir.path();
    std::fs::set_permissions(home, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let shared = home.join("shared");
    // setup-shared also installs a setgid binary and writes /etc/liaison/config.toml: here into
    // a directory of the test's own, mounted over /etc/liaison in a private mount namespace.
    // The users below are in the group and run the ordinary binary with --db (no setgid).
    let etc = home.join("etc");
    std::fs::create_dir_all(&etc).expect("etc");
    std::fs::create_dir_all("/etc/liaison").expect("a mount point");
    let setup = Command::new("unshare")
        .args(["-m", "sh", "-c", "mount --bind \"$0\" /etc/liaison && exec \"$@\""])
        .arg(&etc)
        .arg(BIN)
        .args(["admin", "setup-shared"])
        .arg(&shared)
        .args(["--group", &group, "--binary"])
        .arg(home.join("bin").join("liaison"))
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .output()
        .expect("runs");
    let text = ok(&["admin", "setup-shared"], setup);
    let db = shared.join("liaison.db");
    assert!(text.contains(&format!("db = \"{}\"", db.display())), "{text}");
    let gid = std::fs::metadata(&shared).expect("the directory").gid();
    assert_eq!(std::fs::metadata(&shared).unwrap().mode() & 0o7777, 0o2770);
    assert_eq!(std::fs::metadata(&db).unwrap().mode() & 0o7777, 0o660);

    let run = |user: &str, args: &[&str]| ok(args, as_user(user, home, &db, args));
    run(&a, &["init", "--dept", "OPS", "--dept-name", "运营部", "--name", "甲"]);
    run(&a, &["dept", "add", "RD", "研发部"]);
    run(&a, &["user", "add", &b, "--name", "乙", "--dept", "OPS"]);
    let add = [
        "add",
        "--title",
        "共享目录里的问题",
        "--background",
        BACKGROUND,
        "--request",
        REQUEST,
        "--dept",
        "RD",
    ];
    for (first, second) in [(&a, &b), (&b, &a)] {
        for path in companions(&db) {
            let _ = std::fs::remove_file(path);
        }
        for user in [first, second] {
            run(user, &["list"]);
            run(user, &add);
        }
        companions_shared(&db, gid);
        // The first user keeps the database open, so its -wal and -shm stay: the second must
        // still be able to write through them.
        let mut holder = Command::new("setpriv")
            .args(["--reuid", first, "--regid", "users", "--init-groups"])
            .arg(std::env::current_exe().expect("the test binary"))
            .args(["--exact", "hold_open_helper", "--nocapture", "--test-threads", "1"])
            .env("LIAISON_HOLD_DB", &db)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("the helper starts");
        let mut lines = BufReader::new(holder.stdout.take().expect("stdout")).lines();
        let ready = lines.by_ref().map_while(Result::ok).any(|l| l.contains("holding-open-ready"));
        assert!(ready, "the helper did not open the database as {first}");
        let seen = companions_shared(&db, gid);
        assert_eq!(seen, 2, "-wal and -shm exist while {first} has the database open");
        run(second, &add);
        run(second, &["list"]);
        companions_shared(&db, gid);
        drop(holder.stdin.take());
        assert!(holder.wait().expect("the helper ends").success());
    }
    let listed = run(&a, &["--json", "list"]);
    let v: Value = serde_json::from_str(&listed).expect("JSON");
    assert_eq!(v.as_array().map(Vec::len), Some(6));
    drop(accounts);
}

#[test]
fn the_wal_stays_bounded_with_a_console_open() {
    use liaison::domain::{Department, IssueDraft, Person, Priority, Role};
    use liaison::i18n::Lang;
    use liaison::store::{Ctx, Registration, Store};

    let dir = tempfile::tempdir().expect("a temporary directory");
    let db = dir.path().join("l.db");
    let now = chrono::NaiveDate::from_ymd_opt(2026, 11, 20)
        .and_then(|d| d.and_hms_opt(10, 0, 0))
        .expect("a valid date");
    let me =
        Person {
            login: "zhou".into(), display_name: "周协调".into(), dept: "OPS".into(), role: Role::Admin
        };
    let ctx =
        Ctx { actor: liaison::domain::Actor { person: me.clone(), on_behalf_of: None }, now, lang: Lang::Zh };
    let mut writer = Store::open(&db).expect("the database opens");
    writer
        .init(now, &Department { code: "OPS".into(), name: "运营部".into(), head: None }, &me)
        .expect("init");
    writer
        .add_department(&ctx, &Department { code: "RD".into(), name: "研发部".into(), head: None })
        .expect("RD is added");

    // The console stays open the whole time, looking at the database between batches.
    let mut app =
        liaison::tui::app::App::new(Store::open(&db).expect("the database opens"), me.clone(), Lang::En, now)
            .expect("the console opens");
    let wal = PathBuf::from(format!("{}-wal", db.display()));
    let mut largest = 0;
    for i in 0..300 {
        let draft = IssueDraft {
            title: format!("第{i}个批量登记的问题:会员积分兑换页面需要增加库存提示"),
            background: BACKGROUND.into(),
            request: REQUEST.into(),
            departments: vec!["RD".into()],
        };
        let registration =
            Registration { proposer_dept: None, proposed_at: None, priority: Priority::Medium, draft };
        writer.register(&ctx, &registration).unwrap_or_else(|e| panic!("registration {i}: {e}"));
        if i % 10 == 9 {
            app.tick(now);
            largest = largest.max(std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0));
        }
    }
    app.tick(now);
    assert_eq!(app.state.list.total, 300, "the console sees every registration");
    let size = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
    eprintln!("the WAL: {size} bytes at the end, {largest} at most");
    assert!(size < 8 << 20, "the WAL grew to {size} bytes with a console open");
    assert!(largest < 8 << 20, "the WAL reached {largest} bytes with a console open");
}
