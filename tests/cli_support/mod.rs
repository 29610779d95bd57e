//! Runs the real `liaison` binary against a throw-away database, with no user configuration.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use chrono::{Local, NaiveDateTime, Timelike};
use serde_json::Value;
use tempfile::TempDir;

/// One temporary home with one database file; every command runs with `--db` pointing at it.
pub struct Fixture {
    pub dir: TempDir,
    pub db: PathBuf,
}

impl Fixture {
    pub fn new() -> Fixture {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let db = dir.path().join("l.db");
        Fixture { dir, db }
    }

    /// The command with a clean environment: no LIAISON_DB, no COLUMNS, no locale but `LANG=C.UTF-8`,
    /// HOME and the XDG directories inside the temporary directory.
    pub fn command(&self, args: &[&str], env: &[(&str, &str)]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_liaison"));
        let home = self.dir.path();
        cmd.arg("--db")
            .arg(&self.db)
            .args(args)
            .env_remove("LIAISON_DB")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env_remove("LANGUAGE")
            .env_remove("COLUMNS")
            .env("HOME", home)
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_DATA_HOME", home.join("data"))
            .env("LANG", "C.UTF-8");
        for (key, value) in env {
            cmd.env(key, value);
        }
        cmd
    }

    pub fn run_env(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        self.command(args, env).output().expect("the liaison binary runs")
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.run_env(args, &[])
    }

    /// Runs a command that must succeed; returns its stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        checked_ok(args, self.run(args))
    }

    pub fn ok_env(&self, args: &[&str], env: &[(&str, &str)]) -> String {
        checked_ok(args, self.run_env(args, env))
    }

    /// Runs a command that must be refused: exit code 2, nothing on stdout, exactly one line
    /// on stderr and no usage block. Returns that line.
    pub fn fail(&self, args: &[&str]) -> String {
        checked_fail(args, self.run(args))
    }

    pub fn fail_env(&self, args: &[&str], env: &[(&str, &str)]) -> String {
        checked_fail(args, self.run_env(args, env))
    }

    /// Runs a command with `--json` that must succeed; returns the parsed output.
    pub fn json(&self, args: &[&str]) -> Value {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        let out = self.ok(&all);
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}):\n{out}"))
    }

    /// `init` with department OPS; returns the admin's login (the OS user).
    pub fn init(&self) -> String {
        self.ok(&["init", "--dept", "OPS", "--dept-name", "运营部", "--name", "管理员"]);
        self.json(&["whoami"])["person"]["login"].as_str().expect("a login").to_string()
    }

    /// `init`, then departments RD, MKT, QA and members wang (RD), li (MKT), qian (QA).
    pub fn org(&self) -> String {
        let admin = self.init();
        for (code, name) in [("RD", "研发部"), ("MKT", "市场部"), ("QA", "测试部")] {
            self.ok(&["dept", "add", code, name]);
        }
        for (login, name, dept) in [("wang", "王工", "RD"), ("li", "李经理", "MKT"), ("qian", "钱测试", "QA")]
        {
            self.ok(&["user", "add", login, "--name", name, "--dept", dept]);
        }
        admin
    }

    /// Registers an issue as `who`; returns its number.
    pub fn add(&self, who: &str, title: &str, depts: &str, priority: &str, at: Option<&str>) -> String {
        let mut args = vec![
            "--as",
            who,
            "add",
            "--title",
            title,
            "--background",
            "上周起多名用户反馈该问题,影响日常业务处理,需要跨部门协同排查",
            "--request",
            "请相关部门3个工作日内给出原因分析和修复计划",
            "--dept",
            depts,
            "--priority",
            priority,
        ];
        if let Some(at) = at {
            args.extend(["--at", at]);
        }
        let v = self.json(&args);
        v["issue"]["number"].as_str().expect("a number").to_string()
    }

    /// What a refused command must leave untouched: the issue list, the departments, the
    /// people, and the number and last id of the events in the database.
    pub fn snapshot(&self) -> (Value, Value, Value, (i64, i64)) {
        let conn = rusqlite::Connection::open(&self.db).expect("the database opens");
        let events = conn
            .query_row("SELECT count(*), coalesce(max(id), 0) FROM events", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .expect("events can be counted");
        drop(conn);
        (self.json(&["list"]), self.json(&["dept", "list"]), self.json(&["user", "list"]), events)
    }

    /// [`Fixture::fail`], checking also that nothing was written and that the message holds
    /// every one of `needles`.
    pub fn refused(&self, args: &[&str], needles: &[&str]) -> String {
        let before = self.snapshot();
        let line = self.fail(args);
        for needle in needles {
            assert!(line.contains(needle), "{args:?}: the message should mention {needle:?}: {line}");
        }
        assert_eq!(self.snapshot(), before, "{args:?} was refused but changed the database");
        line
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
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
    assert!(stdout.is_empty(), "{args:?} was refused but printed: {stdout}");
    assert_eq!(stderr.lines().count(), 1, "{args:?}: the refusal should be one line:\n{stderr}");
    assert!(stderr.ends_with('\n'), "{args:?}: {stderr:?}");
    assert!(!stderr.contains("Usage:"), "{args:?}: no usage block expected:\n{stderr}");
    assert!(stderr.starts_with("liaison: "), "{args:?}: {stderr}");
    stderr.trim_end().to_string()
}

/// The login of the user running the tests, from `id -un` (not from the environment).
pub fn os_login() -> String {
    let out = Command::new("id").arg("-un").output().expect("`id -un` runs");
    assert!(out.status.success());
    String::from_utf8(out.stdout).expect("UTF-8").trim().to_string()
}

/// The clock as the command line writes it: `YYYY-MM-DD HH:MM`.
pub fn minute(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%d %H:%M").to_string()
}

pub fn now() -> NaiveDateTime {
    let now = Local::now().naive_local();
    now.with_nanosecond(0).unwrap_or(now)
}

/// An RFC 3339 time with an explicit offset, to the second.
pub fn is_rfc3339(value: &Value) -> bool {
    let Some(text) = value.as_str() else {
        return false;
    };
    let b = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| range.clone().all(|i| b[i].is_ascii_digit());
    b.len() == 25
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && b[10] == b'T'
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19)
        && (b[19] == b'+' || b[19] == b'-')
        && digits(20..22)
        && b[22] == b':'
        && digits(23..25)
}

/// Whether the file still has exactly these bytes.
pub fn same_bytes(path: &Path, bytes: &[u8]) -> bool {
    std::fs::read(path).map(|b| b == bytes).unwrap_or(false)
}
