//! For `tests/observations.rs`: the working-day count as the database's calendar makes it, and
//! the console in a real terminal (a private tmux server) with its drafts kept in the test's home.

use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use chrono::{Datelike, NaiveDate, Weekday};

use crate::cli_support::Fixture;

/// Working days d with from < d <= to, by the calendar in the database (`calendar list`): the
/// count the console shows for an overdue deadline.
pub fn working_days_between(f: &Fixture, from: NaiveDate, to: NaiveDate) -> i64 {
    let mut exceptions = std::collections::BTreeMap::new();
    for year in from.year()..=to.year() {
        let year = year.to_string();
        let days = f.json(&["calendar", "list", "--year", &year]);
        for day in days.as_array().expect("calendar days") {
            let date =
                NaiveDate::parse_from_str(day["date"].as_str().expect("a date"), "%Y-%m-%d").expect("a date");
            exceptions.insert(date, day["kind"].as_str() == Some("workday"));
        }
    }
    let mut count = 0;
    let mut d = from;
    while d < to {
        d = d.succ_opt().expect("a next day");
        let weekday = !matches!(d.weekday(), Weekday::Sat | Weekday::Sun);
        if exceptions.get(&d).copied().unwrap_or(weekday) {
            count += 1;
        }
    }
    count
}

const WAIT: Duration = Duration::from_secs(10);

static NEXT: AtomicUsize = AtomicUsize::new(0);

/// `liaison --db DB --lang zh ARGS` in a 120×40 terminal of its own tmux server, with the test's
/// home and `$XDG_STATE_HOME` (where drafts go) inside the fixture's directory. Dropping it kills
/// the console and the server.
pub struct Console {
    socket: String,
    pid_file: PathBuf,
    state: PathBuf,
}

impl Console {
    pub fn start(f: &Fixture, args: &[&str]) -> Console {
        let k = NEXT.fetch_add(1, Ordering::SeqCst);
        let home = f.dir.path();
        let pid_file = home.join(format!("console-{k}.pid"));
        let state = home.join("state");
        let mut command = vec![
            quote(env!("CARGO_BIN_EXE_liaison")),
            "--db".into(),
            quote(&f.db.to_string_lossy()),
            "--lang".into(),
            "zh".into(),
        ];
        command.extend(args.iter().map(|a| quote(a)));
        let script = format!(
            "export HOME={home} XDG_CONFIG_HOME={config} XDG_DATA_HOME={data} XDG_STATE_HOME={state} LANG=C.UTF-8\n\
             unset LIAISON_DB LC_ALL LC_MESSAGES LANGUAGE\n\
             echo $$ > {pid}\n\
             exec {command}\n",
            home = quote(&home.to_string_lossy()),
            config = quote(&home.join("config").to_string_lossy()),
            data = quote(&home.join("data").to_string_lossy()),
            state = quote(&state.to_string_lossy()),
            pid = quote(&pid_file.to_string_lossy()),
            command = command.join(" "),
        );
        let console = Console { socket: format!("liaison-obs-{}-{k}", std::process::id()), pid_file, state };
        console.ok(&["new-session", "-d", "-s", "main", "-x", "120", "-y", "40", "sh", "-c", &script]);
        console
    }

    fn tmux(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .arg("-f")
            .arg("/dev/null")
            .args(args)
            .env("LANG", "C.UTF-8")
            .env_remove("LC_ALL")
            .env_remove("TMUX")
            .env_remove("TMUX_PANE")
            .output()
            .unwrap_or_else(|e| panic!("tmux {args:?} (these tests need tmux: apt-get install tmux): {e}"))
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.tmux(args);
        assert!(out.status.success(), "tmux {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub fn screen(&self) -> String {
        self.ok(&["capture-pane", "-p", "-t", "main"])
    }

    pub fn keys(&self, keys: &[&str]) {
        for key in keys {
            self.ok(&["send-keys", "-t", "main", key]);
        }
    }

    pub fn type_text(&self, text: &str) {
        self.ok(&["send-keys", "-t", "main", "-l", "--", text]);
    }

    /// Waits until the screen shows what `check` wants; fails with the screen after `WAIT`.
    pub fn wait_for(&self, what: &str, check: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if check(&screen) {
                return screen;
            }
            assert!(start.elapsed() < WAIT, "waited {WAIT:?} for {what}; the screen:\n{screen}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits until a draft file holds `text` (the console writes one every few seconds).
    pub fn wait_for_draft(&self, text: &str) {
        let start = Instant::now();
        loop {
            let found = std::fs::read_dir(self.state.join("liaison"))
                .into_iter()
                .flatten()
                .flatten()
                // A whole draft, not the temporary file it is written to first.
                .filter(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    name.starts_with("draft-") && name.ends_with(".json")
                })
                .any(|e| std::fs::read_to_string(e.path()).is_ok_and(|t| t.contains(text)));
            if found {
                return;
            }
            assert!(start.elapsed() < WAIT, "no draft holds {text:?} after {WAIT:?}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn pid(&self) -> Option<i32> {
        std::fs::read_to_string(&self.pid_file).ok()?.trim().parse().ok()
    }

    /// SIGKILL: nothing runs on the console's way out. Waits until it is gone.
    pub fn kill(&self) {
        let Some(pid) = self.pid() else { return };
        // SAFETY: kill(2) on the process this test started.
        unsafe {
            libc::kill(pid, libc::SIGKILL);
        }
        let start = Instant::now();
        while alive(pid) {
            assert!(start.elapsed() < WAIT, "the console (pid {pid}) outlived SIGKILL");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Console {
    fn drop(&mut self) {
        self.kill();
        let _ = self.tmux(&["kill-server"]);
    }
}

/// Whether the process runs (a zombie does not).
fn alive(pid: i32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => {
            let state = stat.rsplit_once(')').and_then(|(_, rest)| rest.trim_start().chars().next());
            !matches!(state, Some('Z' | 'X'))
        }
        Err(_) => false,
    }
}

fn quote(word: &str) -> String {
    format!("'{}'", word.replace('\'', r"'\''"))
}
