//! Roles that hold on a shared server: liaison installed setgid to a group nobody is in, set up by
//! `admin setup-shared`, and ordinary users trying, with the tools an ordinary user has, to get
//! around it.
//!
//! Each test creates a group and users (`groupadd`, `useradd`), installs a copy of the built
//! binary setgid in a directory under /tmp, and runs commands as those users with `setpriv`. The
//! system configuration, which the setgid binary reads from /etc/liaison/config.toml only, is a
//! file of the test's own, bind-mounted over /etc/liaison in a private mount namespace
//! (`unshare -m`), so the machine's own configuration is never touched.
//!
//! This needs root; as anyone else every test is skipped with a message saying why. Users,
//! groups and directories are removed when a test ends, and those left by an earlier run that
//! was killed are removed at the start of the next.

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_liaison");

/// How long the screen may take to show what a step expects.
const WAIT: Duration = Duration::from_secs(10);

/// Every name this file creates starts with this, then the test process's id.
const PREFIX: &str = "lzr";

const BACKGROUND: &str = "会员积分兑换页面在双十一活动期间需要显示实时库存，目前库存只在后台可见";
const REQUEST: &str = "请在11月10日前在兑换页面增加库存数量显示，并在库存不足时提示用户";

static NEXT: AtomicUsize = AtomicUsize::new(0);

// ---------------------------------------------------------------------------------------------
// Whether this can run here

/// Why these tests cannot run here, if they cannot.
fn cannot_run(need_tmux: bool) -> Option<String> {
    // SAFETY: geteuid never fails.
    if unsafe { libc::geteuid() } != 0 {
        return Some(
            "these tests need root: they create a group and users and install a setgid binary".into(),
        );
    }
    let mut tools =
        vec!["useradd", "userdel", "groupadd", "groupdel", "setpriv", "unshare", "mount", "python3"];
    if need_tmux {
        tools.push("tmux");
    }
    for tool in tools {
        if !have(tool) {
            return Some(format!(
                "`{tool}` is not installed (apt-get install util-linux passwd python3 tmux)"
            ));
        }
    }
    let probe = Command::new("unshare").args(["-m", "true"]).output();
    if !probe.is_ok_and(|o| o.status.success()) {
        return Some("`unshare -m` does not work here (no private mount namespaces)".into());
    }
    None
}

fn have(tool: &str) -> bool {
    Command::new("sh").arg("-c").arg(format!("command -v {tool}")).output().is_ok_and(|o| o.status.success())
}

macro_rules! require {
    ($tmux:expr) => {
        if let Some(why) = cannot_run($tmux) {
            eprintln!("skipped: {why}");
            return;
        }
    };
}

// ---------------------------------------------------------------------------------------------
// A shared server in miniature

/// A group, users, a setgid binary and a shared directory, all removed on drop.
struct Site {
    base: PathBuf,
    group: String,
    gid: u32,
    users: Vec<String>,
    /// The installed setgid binary.
    bin: PathBuf,
    db: PathBuf,
    /// Bind-mounted over /etc/liaison.
    etc: PathBuf,
}

/// Whether a process with this id runs.
fn alive(pid: i32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
}

/// Removes users, groups and directories that a run of this file left behind when it was killed:
/// their names carry the id of a process that no longer runs.
fn remove_leftovers() {
    let dead = |name: &str| {
        let digits: String =
            name.strip_prefix(PREFIX).unwrap_or("").chars().take_while(char::is_ascii_digit).collect();
        digits.parse::<i32>().is_ok_and(|pid| !alive(pid))
    };
    let names = |file: &str| -> Vec<String> {
        std::fs::read_to_string(file)
            .unwrap_or_default()
            .lines()
            .filter_map(|l| l.split(':').next())
            .filter(|n| n.starts_with(PREFIX))
            .map(str::to_string)
            .collect()
    };
    for user in names("/etc/passwd").into_iter().filter(|n| dead(n)) {
        let _ = Command::new("userdel").arg(&user).output();
    }
    for group in names("/etc/group").into_iter().filter(|n| dead(n)) {
        let _ = Command::new("groupdel").arg(&group).output();
    }
    if let Ok(entries) = std::fs::read_dir("/tmp") {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if let Some(rest) = name.strip_prefix("liaison-roles-")
                && dead(&format!("{PREFIX}{rest}"))
            {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
}

fn must(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(out.status.success(), "{cmd:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

impl Site {
    /// Users named by `letters` (`a`, `b`…); those listed in `members` are put in the group, as
    /// they must not be.
    fn new(letters: &[&str], members: &[&str]) -> Site {
        remove_leftovers();
        let tag = format!("{PREFIX}{}x{}", std::process::id(), NEXT.fetch_add(1, Ordering::SeqCst));
        let base = PathBuf::from(format!("/tmp/liaison-roles-{}", &tag[PREFIX.len()..]));
        let _ = std::fs::remove_dir_all(&base);
        let group = format!("{tag}g");
        let mut site = Site {
            bin: base.join("bin").join("liaison"),
            db: base.join("srv").join("liaison.db"),
            etc: base.join("etc"),
            base,
            group: group.clone(),
            gid: 0,
            users: Vec::new(),
        };
        must(Command::new("groupadd").arg(&group));
        site.gid = group_gid(&group);
        // Every directory on the way must let the users through: /tmp/… with mode 0755.
        for dir in [site.base.clone(), site.etc.clone(), site.base.join("home")] {
            std::fs::create_dir_all(&dir).expect("a directory");
            std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        }
        for letter in letters {
            let user = format!("{tag}{letter}");
            let mut add = Command::new("useradd");
            add.args(["-M", "-N", "-g", "users", "-s", "/bin/sh"]);
            if members.contains(letter) {
                add.args(["-G", &group]);
            }
            must(add.arg(&user));
            site.users.push(user.clone());
            let home = site.home(letter);
            std::fs::create_dir_all(&home).expect("a home");
            must(Command::new("chown").arg(format!("{user}:users")).arg(&home));
            std::fs::set_permissions(&home, std::fs::Permissions::from_mode(0o700)).expect("chmod");
        }
        std::fs::create_dir_all("/etc/liaison").expect("a mount point at /etc/liaison");
        let out = site
            .in_namespace(Command::new(BIN).args(["admin", "setup-shared"]))
            .arg(site.db.parent().expect("a directory"))
            .args(["--group", &group, "--binary"])
            .arg(&site.bin)
            .output()
            .expect("setup-shared runs");
        assert!(
            out.status.success(),
            "setup-shared failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        site
    }

    fn user(&self, letter: &str) -> String {
        let user = format!("{}{letter}", self.group.trim_end_matches('g'));
        assert!(self.users.contains(&user), "no user {letter}");
        user
    }

    fn home(&self, letter: &str) -> PathBuf {
        self.base.join("home").join(letter)
    }

    /// `command` run in a private mount namespace where /etc/liaison is this site's `etc`.
    fn in_namespace(&self, command: &Command) -> Command {
        let mut cmd = Command::new("unshare");
        cmd.args(["-m", "sh", "-c", "mount --bind \"$0\" /etc/liaison && exec \"$@\""]).arg(&self.etc);
        cmd.arg(command.get_program()).args(command.get_args());
        cmd
    }

    /// `program args` as user `letter` (real uid and gid theirs, their groups), in the namespace,
    /// with a clean environment plus `env`.
    fn as_user(&self, letter: &str, env: &[(&str, &str)], program: &str, args: &[&str]) -> Command {
        let home = self.home(letter);
        let mut inner = Command::new("setpriv");
        inner.args(["--reuid", &self.user(letter), "--regid", "users", "--init-groups", "env", "-i"]);
        inner.arg(format!("HOME={}", home.display()));
        inner.arg(format!("XDG_STATE_HOME={}", home.join("state").display()));
        inner.args(["PATH=/usr/bin:/bin", "LANG=C.UTF-8"]);
        for (k, v) in env {
            inner.arg(format!("{k}={v}"));
        }
        inner.arg(program).args(args);
        let mut cmd = self.in_namespace(&inner);
        cmd.current_dir(&home);
        cmd
    }

    /// The installed liaison as user `letter`.
    fn run(&self, letter: &str, args: &[&str]) -> Output {
        self.run_env(letter, &[], args)
    }

    fn run_env(&self, letter: &str, env: &[(&str, &str)], args: &[&str]) -> Output {
        let bin = self.bin.to_string_lossy().into_owned();
        self.as_user(letter, env, &bin, args).output().expect("liaison runs")
    }

    /// The installed liaison as user `letter`; it must succeed. Returns its stdout.
    fn ok(&self, letter: &str, args: &[&str]) -> String {
        let out = self.run(letter, args);
        assert!(
            out.status.success(),
            "liaison {args:?} as {letter} failed ({}):\n{}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// The installed liaison as user `letter`; it must be refused (exit 2). Returns its stderr.
    fn refused(&self, letter: &str, env: &[(&str, &str)], args: &[&str]) -> String {
        let out = self.run_env(letter, env, args);
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(2), "liaison {args:?} as {letter} was not refused:\n{stderr}");
        stderr
    }

    /// An ordinary program as user `letter`: (success, stdout + stderr).
    fn tool(&self, letter: &str, program: &str, args: &[&str]) -> (bool, String) {
        let out = self.as_user(letter, &[], program, args).output().expect("the tool runs");
        let text =
            format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        (out.status.success(), text)
    }

    /// The first admin `a`, department RD, and the others registered as members of RD.
    fn populate(&self, letters: &[&str]) {
        self.ok("a", &["init", "--dept", "OPS", "--dept-name", "运营部", "--name", "甲"]);
        self.ok("a", &["dept", "add", "RD", "研发部"]);
        for letter in letters {
            let user = self.user(letter);
            self.ok("a", &["user", "add", &user, "--name", &format!("用户{letter}"), "--dept", "RD"]);
        }
    }

    fn register(&self, letter: &str, title: &str) -> String {
        let out = self.ok(
            letter,
            &[
                "--json",
                "add",
                "--title",
                title,
                "--background",
                BACKGROUND,
                "--request",
                REQUEST,
                "--dept",
                "RD",
            ],
        );
        let v: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("not JSON ({e}): {out}"));
        v["issue"]["number"].as_str().unwrap_or_else(|| panic!("no number in {v}")).to_string()
    }

    fn titles(&self, letter: &str) -> Vec<String> {
        let out = self.ok(letter, &["--json", "list", "--status", "open"]);
        let v: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("not JSON ({e}): {out}"));
        v.as_array().expect("a list").iter().filter_map(|r| r["title"].as_str().map(str::to_string)).collect()
    }

    fn companion(&self, suffix: &str) -> PathBuf {
        PathBuf::from(format!("{}{suffix}", self.db.display()))
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        // A console that was just hung up may take a moment to end; userdel refuses meanwhile.
        for user in &self.users {
            let start = Instant::now();
            while !Command::new("userdel").arg(user).output().is_ok_and(|o| o.status.success())
                && start.elapsed() < Duration::from_secs(5)
            {
                std::thread::sleep(Duration::from_millis(100));
            }
        }
        let _ = Command::new("groupdel").arg(&self.group).output();
        let _ = std::fs::remove_dir_all(&self.base);
    }
}

fn group_gid(name: &str) -> u32 {
    let line = must(Command::new("getent").args(["group", name]));
    line.split(':').nth(2).and_then(|g| g.trim().parse().ok()).unwrap_or_else(|| panic!("no gid in {line}"))
}

fn user_ids(name: &str) -> (u32, u32) {
    let uid = must(Command::new("id").args(["-u", name])).trim().parse().expect("a uid");
    let gid = must(Command::new("id").args(["-g", name])).trim().parse().expect("a gid");
    (uid, gid)
}

/// What Python's sqlite3 says when a user opens the database and tries to read, then to write.
const PYTHON_TRY: &str = "import sqlite3, sys
try:
    c = sqlite3.connect(sys.argv[1])
    print('read', c.execute('select count(*) from people').fetchone())
    c.execute(\"update people set role = 'admin'\")
    c.commit()
    print('WROTE')
except Exception as e:
    print('refused:', e)
    sys.exit(1)
";

/// Holds the database open as root (so its -wal and -shm exist) until dropped.
struct Holder(Child);

impl Holder {
    fn start(db: &Path) -> Holder {
        let mut child = Command::new("/usr/bin/python3")
            .args([
                "-c",
                "import sqlite3, sys\nc = sqlite3.connect(sys.argv[1])\nc.execute('select count(*) from people').fetchone()\nprint('open', flush=True)\nsys.stdin.read()",
            ])
            .arg(db)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 runs");
        let mut line = String::new();
        use std::io::BufRead;
        std::io::BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("a line");
        assert_eq!(line.trim(), "open", "the holder opened the database");
        Holder(child)
    }
}

impl Drop for Holder {
    fn drop(&mut self) {
        drop(self.0.stdin.take());
        let _ = self.0.wait();
    }
}

// ---------------------------------------------------------------------------------------------
// The tests

#[test]
fn an_outsider_works_only_through_liaison() {
    require!(false);
    let site = Site::new(&["a", "b"], &[]);
    site.populate(&["b"]);
    let b = site.user("b");

    // b registers through liaison, and a sees it: the shared file works both ways.
    let number = site.register("b", "乙通过 liaison 登记的问题");
    assert!(site.titles("a").contains(&"乙通过 liaison 登记的问题".to_string()));
    site.register("a", "甲登记的问题");
    assert!(site.titles("b").contains(&"甲登记的问题".to_string()));

    // The file itself is out of reach, -wal included (held open so that it exists).
    let holder = Holder::start(&site.db);
    for path in [site.db.clone(), site.companion("-wal"), site.companion("-shm")] {
        assert!(path.exists(), "{} exists while the database is open", path.display());
        let (read, text) = site.tool("b", "cat", &[&path.to_string_lossy()]);
        assert!(!read && text.contains("Permission denied"), "cat {}: {text}", path.display());
        let (wrote, text) = site.tool("b", "sh", &["-c", &format!("echo x >> '{}'", path.display())]);
        assert!(!wrote && text.contains("Permission denied"), "append to {}: {text}", path.display());
    }
    let db = site.db.to_string_lossy().into_owned();
    let (ok, text) = site.tool("b", "/usr/bin/python3", &["-c", PYTHON_TRY, &db]);
    assert!(!ok && text.contains("refused") && !text.contains("WROTE"), "python3 sqlite3: {text}");
    // As a check of the check: root, in the group's place, can.
    let root = Command::new("/usr/bin/python3").args(["-c", "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from people').fetchone()[0])", &db]).output().expect("python3");
    assert_eq!(String::from_utf8_lossy(&root.stdout).trim(), "2");
    drop(holder);

    // b cannot make themselves admin, directly or acting for a.
    let why = site.refused("b", &[], &["user", "set-role", &b, "admin"]);
    assert!(why.contains("admin"), "{why}");
    site.refused("b", &[], &["--as", &site.user("a"), "user", "set-role", &b, "admin"]);
    let people: Value = serde_json::from_str(&site.ok("a", &["--json", "user", "list"])).expect("JSON");
    let role =
        people.as_array().expect("people").iter().find(|p| p["login"] == b.as_str()).expect("b")["role"]
            .clone();
    assert_eq!(role, "member", "{people}");

    // A backup to b's own directory is b's file, with b's group, readable by b alone.
    let copy = site.home("b").join("copy.db");
    site.ok("b", &["backup", &copy.to_string_lossy()]);
    let m = std::fs::metadata(&copy).expect("the backup");
    assert_eq!((m.uid(), m.gid(), m.mode() & 0o777), (user_ids(&b).0, user_ids(&b).1, 0o600));
    // b can read their copy, but the history in it is keyed: re-chaining it needs the key.
    let (ok, text) = site.tool("b", "/usr/bin/python3", &["-c", PYTHON_TRY, &copy.to_string_lossy()]);
    assert!(ok && text.contains("WROTE"), "the copy is b's to change: {text}");

    // The history is HMAC-chained with the key only liaison reads, and verifies; the anchor too.
    let key = site.companion(".key");
    let m = std::fs::metadata(&key).expect("the audit key");
    assert_eq!((m.uid(), m.gid(), m.mode() & 0o777), (0, site.gid, 0o640));
    let (read, text) = site.tool("b", "cat", &[&key.to_string_lossy()]);
    assert!(!read && text.contains("Permission denied"), "{text}");
    // Bulk writes (demo data) are chained with the key too.
    site.ok("a", &["demo", "--issues", "5", "--append"]);
    let verified = site.ok("b", &["audit", "verify"]);
    assert!(verified.contains("HMAC"), "{verified}");
    let anchor = site.ok("a", &["audit", "anchor"]);
    site.ok("b", &["audit", "verify", "--anchor", anchor.trim()]);
    site.ok("b", &["comment", &number, "锚点之后的评论"]);
    site.ok("b", &["audit", "verify", "--anchor", anchor.trim()]);

    // The same program without the setgid bit reaches nothing, and its doctor says to use the
    // installed one, never to join the group.
    let plain = site.base.join("plain-liaison");
    std::fs::copy(BIN, &plain).expect("a plain copy");
    let (ok, text) = site.tool("b", &plain.to_string_lossy(), &["doctor"]);
    assert!(!ok && text.contains("do not join the group") && !text.contains("usermod"), "{text}");
    let (ok, text) = site.tool("b", &plain.to_string_lossy(), &["list"]);
    assert!(!ok && text.contains("cannot open the database"), "{text}");

    // A healthy installation: doctor agrees.
    let report = site.ok("a", &["doctor"]);
    assert!(report.contains("setgid") && report.contains("audit key"), "{report}");
    assert!(report.contains("the history is keyed from event 1 on"), "{report}");
}

#[test]
fn the_database_comes_only_from_the_system_configuration_while_setgid() {
    require!(false);
    let site = Site::new(&["a"], &[]);
    site.populate(&[]);
    let elsewhere = site.home("a").join("mine.db");
    let elsewhere = elsewhere.to_string_lossy();

    let why = site.refused("a", &[], &["--db", &elsewhere, "whoami"]);
    assert!(why.contains("--db") && why.contains("/etc/liaison/config.toml"), "{why}");
    let why = site.refused("a", &[], &["--lang", "zh", "--db", &elsewhere, "whoami"]);
    assert!(why.contains("拒绝使用 --db") && why.contains("/etc/liaison/config.toml"), "{why}");
    let why = site.refused("a", &[("LIAISON_DB", &elsewhere)], &["whoami"]);
    assert!(why.contains("LIAISON_DB"), "{why}");

    let config = site.home("a").join(".config").join("liaison");
    let (made, text) = site.tool("a", "mkdir", &["-p", &config.to_string_lossy()]);
    assert!(made, "{text}");
    let file = config.join("config.toml");
    let (made, text) =
        site.tool("a", "sh", &["-c", &format!("echo 'db = \"{elsewhere}\"' > '{}'", file.display())]);
    assert!(made, "{text}");
    let why = site.refused("a", &[], &["whoami"]);
    assert!(why.contains("`db =`") && why.contains(&file.to_string_lossy().into_owned()), "{why}");
    assert!(!Path::new(&*elsewhere).exists(), "no database was made at {elsewhere}");

    // A configuration that is a link to the key: liaison reads it as the user, so it cannot,
    // and the key does not show up in the message.
    std::fs::remove_file(&file).expect("remove the configuration");
    std::os::unix::fs::symlink(site.companion(".key"), &file).expect("a link");
    let key = std::fs::read_to_string(site.companion(".key")).expect("the key");
    let why = site.refused("a", &[], &["whoami"]);
    assert!(why.contains("Permission denied") && !why.contains(key.trim()), "{why}");
    std::fs::remove_file(&file).expect("remove the link");

    // Nor does liaison open, for an admin, a database only its group can read.
    let other = site.db.with_file_name("other.db");
    std::fs::copy(&site.db, &other).expect("a copy in the group's directory");
    must(Command::new("chgrp").arg(&site.group).arg(&other));
    let why = site.refused("a", &[], &["restore", &other.to_string_lossy()]);
    assert!(why.contains("cannot open"), "{why}");

    // SQLite's and liaison's environment changes nothing; the system's database is used.
    let out =
        site.run_env("a", &[("SQLITE_TMPDIR", "/nonexistent"), ("TMPDIR", "/nonexistent")], &["whoami"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && text.contains(&*site.db.to_string_lossy()), "{text}");
}

#[test]
fn doctor_names_registered_people_who_are_in_the_group() {
    require!(false);
    let site = Site::new(&["a", "c"], &["c"]);
    site.populate(&["c"]);
    let c = site.user("c");
    let out = site.run("a", &["doctor"]);
    let report = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "{report}");
    assert!(
        report.contains(&format!("{c} is registered and in group {}", site.group)),
        "doctor names {c}:\n{report}"
    );
    assert!(report.contains(&format!("gpasswd -d {c} {}", site.group)), "with the fix:\n{report}");
    // A replaced key file: doctor says so, verification cannot check the keyed events, and
    // nothing more is written to a history that could not be verified.
    let key = site.companion(".key");
    let original = std::fs::read(&key).expect("the key");
    std::fs::write(&key, format!("{}\n", "ab".repeat(32))).expect("another key");
    let out = site.run("a", &["doctor"]);
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(report.contains("does not match the one the history recorded"), "{report}");
    let why = site.refused("a", &[], &["audit", "verify"]);
    assert!(why.contains("could not be checked whole"), "{why}");
    let why = site.refused("a", &[], &["dept", "add", "QA", "质量部"]);
    assert!(why.contains("key"), "{why}");
    std::fs::write(&key, original).expect("the key back");
    site.ok("a", &["audit", "verify"]);
    site.ok("a", &["dept", "add", "QA", "质量部"]);

    // The member really could bypass liaison: that is what doctor warns about.
    let (ok, text) = site.tool("c", "/usr/bin/python3", &["-c", PYTHON_TRY, &site.db.to_string_lossy()]);
    assert!(ok && text.contains("WROTE"), "{text}");
}

// ---------------------------------------------------------------------------------------------
// The console in a pseudo-terminal (tmux, as in tests/pty.rs)

/// A private tmux server whose one pane runs a shell command; killed on drop.
struct Tmux {
    socket: String,
    /// The socket's file, removed with the server (tmux leaves it behind).
    socket_path: Option<PathBuf>,
}

impl Tmux {
    fn start(command: &str) -> Tmux {
        let socket = format!("liaison-roles-{}-{}", std::process::id(), NEXT.fetch_add(1, Ordering::SeqCst));
        let mut tmux = Tmux { socket, socket_path: None };
        tmux.ok(&[
            "new-session",
            "-d",
            "-s",
            "main",
            "-x",
            "120",
            "-y",
            "40",
            "sh",
            "-c",
            command,
            ";",
            "set-option",
            "-g",
            "status",
            "off",
            ";",
            "set-option",
            "-g",
            "remain-on-exit",
            "on",
        ]);
        let path = tmux.ok(&["display-message", "-p", "-t", "main", "#{socket_path}"]);
        tmux.socket_path = Some(PathBuf::from(path.trim()));
        tmux
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .arg("-f")
            .arg("/dev/null")
            .args(args)
            .env("LANG", "C.UTF-8")
            .env_remove("TMUX")
            .output()
            .expect("tmux runs");
        assert!(out.status.success(), "tmux {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn screen(&self) -> String {
        self.ok(&["capture-pane", "-p", "-t", "main"])
    }

    fn keys(&self, keys: &[&str]) {
        for key in keys {
            self.ok(&["send-keys", "-t", "main", key]);
        }
    }

    fn type_text(&self, text: &str) {
        self.ok(&["send-keys", "-t", "main", "-l", "--", text]);
    }

    fn wait_text(&self, text: &str) -> String {
        wait_for(&format!("{text:?} on the screen"), || {
            let screen = self.screen();
            screen.contains(text).then_some(screen)
        })
        .unwrap_or_else(|| panic!("waited {WAIT:?} for {text:?}; the screen:\n{}", self.screen()))
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux").arg("-L").arg(&self.socket).arg("kill-server").output();
        if let Some(path) = &self.socket_path {
            let _ = std::fs::remove_file(path);
        }
    }
}

fn wait_for<T>(_what: &str, mut check: impl FnMut() -> Option<T>) -> Option<T> {
    let start = Instant::now();
    loop {
        if let Some(found) = check() {
            return Some(found);
        }
        if start.elapsed() > WAIT {
            return None;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn quote(word: &str) -> String {
    format!("'{}'", word.replace('\'', r"'\''"))
}

#[test]
fn the_console_keeps_the_group_and_the_open_database_to_itself() {
    require!(true);
    let site = Site::new(&["a", "b"], &[]);
    site.populate(&["b"]);
    let b = site.user("b");
    let (b_uid, b_gid) = user_ids(&b);
    site.register("a", "请乙评论的问题");
    let home = site.home("b");

    // The editor notes its groups and its open files, then writes a line into the text.
    let ids = home.join("editor-ids");
    let editor = site.base.join("editor.sh");
    std::fs::write(
        &editor,
        format!(
            "#!/bin/sh\n{{ id -G; echo ids; grep -E '^(Name|Gid)' /proc/$$/status /proc/$PPID/status; echo fds; ls -l /proc/$$/fd; }} > {} 2>&1\necho 编辑器写的 > \"$1\"\n",
            quote(&ids.to_string_lossy())
        ),
    )
    .expect("the editor");
    std::fs::set_permissions(&editor, std::fs::Permissions::from_mode(0o755)).expect("chmod");

    // The console as b, its pid written by the shell that becomes it.
    let pid_file = home.join("pid");
    let bin = site.bin.to_string_lossy().into_owned();
    let env = [("EDITOR", editor.to_str().expect("a path")), ("TERM", "xterm-256color")];
    let console = site.as_user(
        "b",
        &env,
        "sh",
        &["-c", "echo $$ > \"$0\"; exec \"$@\"", &pid_file.to_string_lossy(), &bin, "--lang", "zh"],
    );
    let mut words: Vec<String> = vec![console.get_program().to_string_lossy().into_owned()];
    words.extend(console.get_args().map(|a| a.to_string_lossy().into_owned()));
    let command = format!(
        "cd {} && {}",
        quote(&home.to_string_lossy()),
        words.iter().map(|w| quote(w)).collect::<Vec<_>>().join(" ")
    );
    let tmux = Tmux::start(&command);
    tmux.wait_text("请乙评论的问题");
    let pid: i32 = wait_for("the pid", || std::fs::read_to_string(&pid_file).ok()?.trim().parse().ok())
        .expect("the console's pid");
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("the console runs");
    assert!(status.contains(&format!("Uid:\t{b_uid}")), "the console runs as b:\n{status}");

    // Its open files cannot be listed, nor the database taken from them: it is not dumpable.
    let fd_dir = format!("/proc/{pid}/fd");
    let (listed, text) = site.tool("b", "ls", &[&fd_dir]);
    assert!(!listed && text.contains("Permission denied"), "ls {fd_dir} as b: {text}");
    let (listed, text) = site.tool("b", "ls", &["-l", "/proc/self/fd"]);
    assert!(listed, "b lists the open files of their own ordinary programs: {text}");
    assert!(site.companion("-wal").exists(), "the console holds the database open");
    let (read, text) = site.tool("b", "cat", &[&site.companion("-wal").to_string_lossy()]);
    assert!(!read && text.contains("Permission denied"), "{text}");

    // A comment form: what is typed goes to b's draft, b's file with b's group, 0600.
    tmux.keys(&["c"]);
    tmux.wait_text("Ctrl-S");
    tmux.type_text("先写几个字");
    tmux.wait_text("先写几个字");
    let drafts = home.join("state").join("liaison");
    let draft = wait_for("the draft", || {
        std::fs::read_dir(&drafts).ok()?.flatten().map(|e| e.path()).find(|p| {
            p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("draft-"))
                && std::fs::read_to_string(p).is_ok_and(|t| t.contains("先写几个字"))
        })
    })
    .unwrap_or_else(|| panic!("no draft under {}; the screen:\n{}", drafts.display(), tmux.screen()));
    let m = std::fs::metadata(&draft).expect("the draft");
    assert_eq!((m.uid(), m.gid(), m.mode() & 0o777), (b_uid, b_gid, 0o600), "{}", draft.display());

    // Ctrl-G: the editor runs without the group, and none of the console's files are open in it.
    tmux.keys(&["C-g"]);
    tmux.wait_text("编辑器写的");
    let noted = std::fs::read_to_string(&ids).expect("the editor wrote its ids");
    let (groups, rest) = noted.split_once("ids").expect("groups, then ids");
    let (statuses, fds) = rest.split_once("fds").expect("ids, then files");
    // Real, effective, saved and file-system group of the editor and of the shell liaison
    // started for it: all b's own. A saved group of liaison's would let a program take it back
    // (a shell that drops only the effective group leaves it there).
    let gid_lines: Vec<Vec<u32>> = statuses
        .lines()
        .filter_map(|l| l.split_once("Gid:"))
        .map(|(_, ids)| ids.split_whitespace().map(|g| g.parse().expect("a gid")).collect())
        .collect();
    assert_eq!(gid_lines, vec![vec![b_gid; 4]; 2], "the editor and its shell:\n{noted}");
    let groups: Vec<u32> = groups.split_whitespace().map(|g| g.parse().expect("a gid")).collect();
    assert!(
        !groups.is_empty() && !groups.contains(&site.gid),
        "the editor's groups {groups:?} include {}",
        site.gid
    );
    assert!(groups.contains(&b_gid), "{groups:?}");
    assert!(!fds.contains("liaison.db"), "the editor inherited the database:\n{fds}");

    // Another user's change shows on b's screen without a restart.
    site.register("a", "甲的新问题");
    tmux.keys(&["Escape", "Escape"]);
    tmux.wait_text("甲的新问题");
    tmux.keys(&["q"]);
    let gone = wait_for("the console to end", || (!alive(pid)).then_some(()));
    assert!(gone.is_some(), "the console still runs after q");
}
