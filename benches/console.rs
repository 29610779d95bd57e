//! How fast the console answers on big demo databases: first screen, key-to-screen, search as you
//! type, and peak memory, at 10 000 and 100 000 issues.
//!
//! `cargo bench --bench console` (add sizes to run only those: `-- 10000`). Each dataset is built
//! once into `target/bench-data/` and reused. Every size is generated and measured in its own
//! child process (this binary, re-executed), so one run's memory never counts against another.
//! The output ends with a Markdown table for README.md.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use chrono::{NaiveDate, NaiveDateTime};
use liaison::demo::Demo;
use liaison::domain::{Department, Person, Role, Status};
use liaison::i18n::Lang;
use liaison::store::{IssueFilter, SortKey, Store, migrations};
use liaison::tui::app::App;
use liaison::tui::keymap::{Action, View};
use liaison::tui::view::{self, Theme};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const SIZES: [usize; 2] = [10_000, 100_000];
/// The seed `liaison demo` uses by default.
const SEED: u64 = 20231025;
const QUERIES: [&str; 5] = ["积分兑换", "回款", "接口开发", "WebView", "量子纠缠"];

fn now() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, 20).and_then(|d| d.and_hms_opt(10, 0, 0)).expect("a valid time")
}

fn me() -> Person {
    Person { login: "bench".into(), display_name: "基准".into(), dept: "OPS".into(), role: Role::Admin }
}

fn data_file(issues: usize) -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"), PathBuf::from);
    // A dataset is kept per schema version: a file of an older schema would be migrated on open
    // and measure the migration's layout rather than what `liaison demo` writes.
    target.join("bench-data").join(format!("issues-{issues}-schema{}.db", migrations::latest()))
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["--generate", n] => generate(n.parse().expect("a size")),
        ["--measure", n] => measure(n.parse().expect("a size")),
        _ => {
            // `cargo bench` adds `--bench`; numbers pick the sizes.
            let picked: Vec<usize> = args.iter().filter_map(|a| a.parse().ok()).collect();
            parent(if picked.is_empty() { SIZES.to_vec() } else { picked })
        }
    }
}

// ---- the parent: one child per step, then the table ----

/// One line of the table as a child reports it: label, cell, and (value, limit, target text).
struct Row {
    label: String,
    cell: String,
    judged: Option<(f64, f64, String)>,
}

fn parent(sizes: Vec<usize>) {
    let mut columns: Vec<Vec<Row>> = Vec::new();
    for &n in &sizes {
        let mut rows = child("--generate", n);
        rows.extend(child("--measure", n));
        columns.push(rows);
    }
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!("\nLoad average at the end (2 cores, shared with other work): {}", load.trim());
    let heads: Vec<String> = sizes.iter().map(|n| format!("{n} issues")).collect();
    let last = sizes.iter().enumerate().max_by_key(|(_, n)| **n).map_or(0, |(i, _)| i);
    for breakdown in [false, true] {
        let title = if breakdown { "Where one reload's time goes" } else { "Measurement" };
        let target = if breakdown { String::new() } else { format!(" Target at {} | |", sizes[last]) };
        println!("\n| {title} | {} |{target}", heads.join(" | "));
        println!("|---|{}{}", "---:|".repeat(sizes.len()), if breakdown { "" } else { "---|---|" });
        let tables: Vec<Vec<&Row>> = columns
            .iter()
            .map(|c| c.iter().filter(|r| r.label.starts_with('·') == breakdown).collect())
            .collect();
        for (k, first) in tables[0].iter().enumerate() {
            let cells: Vec<&str> = tables.iter().map(|t| t.get(k).map_or("?", |r| r.cell.as_str())).collect();
            let verdict = match tables[last].get(k).and_then(|r| r.judged.as_ref()) {
                Some((value, limit, text)) => {
                    format!(" {text} | {} |", if value < limit { "PASS" } else { "MISS" })
                }
                None if breakdown => String::new(),
                None => " | |".into(),
            };
            println!("| {} | {} |{verdict}", first.label.trim_start_matches("· "), cells.join(" | "));
        }
    }
}

/// Runs this binary again for one step and reads the rows it prints; its stderr shows through.
fn child(step: &str, n: usize) -> Vec<Row> {
    let exe = std::env::current_exe().expect("the bench binary");
    let out = Command::new(exe)
        .args([step, &n.to_string()])
        .stderr(Stdio::inherit())
        .output()
        .expect("run the bench child");
    assert!(out.status.success(), "`{step} {n}` failed");
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .filter_map(|l| l.strip_prefix("ROW\t"))
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            let num = |s: &str| s.parse::<f64>().expect("a number");
            let judged = (f.len() == 5).then(|| (num(f[2]), num(f[3]), f[4].to_string()));
            Row { label: f[0].into(), cell: f[1].into(), judged }
        })
        .collect()
}

/// Prints one row for the parent (and for a person reading the child's output).
fn row(label: &str, cell: String, target: Option<(f64, f64, &str)>) {
    match target {
        Some((value, limit, text)) => println!("ROW\t{label}\t{cell}\t{value}\t{limit}\t{text}"),
        None => println!("ROW\t{label}\t{cell}"),
    }
}

// ---- child 1: the dataset ----

fn generate(n: usize) {
    let path = data_file(n);
    let seconds_file = path.with_extension("seconds");
    if path.exists() {
        let mut store = Store::open(&path).expect("open the dataset");
        let count = store.count(&IssueFilter::default(), now()).unwrap_or(-1);
        if count == n as i64 {
            let seconds = std::fs::read_to_string(&seconds_file).unwrap_or_default();
            let cell = seconds.trim().parse::<f64>().map_or("reused".into(), |s| format!("{s:.1} s"));
            row("Dataset generation (once, then reused)", cell, None);
            return file_size(&path);
        }
        drop(store);
        for ext in ["db", "db-wal", "db-shm"] {
            let _ = std::fs::remove_file(path.with_extension(ext));
        }
    }
    eprintln!("generating {n} issues into {} …", path.display());
    let started = Instant::now();
    let mut store = Store::open(&path).expect("create the dataset");
    let ops = Department { code: "OPS".into(), name: "运营部".into(), head: None };
    store.init(now(), &ops, &me()).expect("init");
    let cal = store.calendar().expect("calendar");
    let rules = store.settings().expect("settings").response;
    let demo = Demo::new(SEED);
    let mut writer = store.bulk(&me(), Lang::Zh).expect("a bulk write");
    demo.departments.iter().for_each(|d| assert!(writer.ensure_department(d).is_ok()));
    demo.people.iter().for_each(|p| assert!(writer.ensure_person(p).is_ok()));
    // As `liaison demo` does: one core makes the records while the other writes them.
    std::thread::scope(|scope| {
        let (send, receive) = std::sync::mpsc::sync_channel(256);
        let (demo, cal, rules) = (&demo, &cal, &rules);
        scope.spawn(move || {
            for i in 0..n {
                if send.send(demo.record(i, n, now(), cal, rules)).is_err() {
                    break;
                }
            }
        });
        for record in receive {
            writer.add_record(&record).expect("write a record");
        }
    });
    writer.commit().expect("commit");
    let seconds = started.elapsed().as_secs_f64();
    std::fs::write(&seconds_file, format!("{seconds}\n")).expect("write the generation time");
    row("Dataset generation (once, then reused)", format!("{seconds:.1} s"), None);
    file_size(&path);
}

fn file_size(path: &Path) {
    let mib = std::fs::metadata(path).map_or(0, |m| m.len()) as f64 / 1048576.0;
    row("Database file", format!("{mib:.0} MiB"), None);
}

// ---- child 2: the measurements ----

type Term = Terminal<TestBackend>;

fn terminal(width: u16, height: u16) -> Term {
    Terminal::new(TestBackend::new(width, height)).expect("a test terminal")
}

fn draw(terminal: &mut Term, app: &App) {
    terminal.draw(|f| view::draw(f, &app.state, &Theme::colored())).expect("draw");
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Median, p95 and max of a series, in milliseconds.
fn stats(mut times: Vec<Duration>) -> (f64, f64, f64) {
    times.sort();
    let at = |q: f64| ms(times[((times.len() as f64 * q).ceil() as usize).clamp(1, times.len()) - 1]);
    (at(0.5), at(0.95), at(1.0))
}

/// A series as a cell, judged by its p95 against `limit` milliseconds.
fn series(label: &str, times: Vec<Duration>, limit: f64) {
    let n = times.len();
    let (median, p95, max) = stats(times);
    let cell = format!("{median:.2} / {p95:.2} / {max:.1} ms ({n}×)");
    row(label, cell, Some((p95, limit, &format!("p95 < {limit} ms"))));
}

/// One key press and the screen after it.
fn key(app: &mut App, term: &mut Term, action: Action) -> Duration {
    let started = Instant::now();
    app.handle(action);
    draw(term, app);
    started.elapsed()
}

/// Store::open + App::new + the first draw, five times on a cold connection; the median run.
fn first_screen(path: &Path, width: u16, height: u16) -> App {
    let mut runs = Vec::new();
    let mut kept = None;
    for _ in 0..5 {
        drop(kept.take());
        let t0 = Instant::now();
        let store = Store::open(path).expect("open");
        let t1 = Instant::now();
        let app = App::new(store, me(), Lang::Zh, now()).expect("the app");
        let t2 = Instant::now();
        draw(&mut terminal(width, height), &app);
        let t3 = Instant::now();
        runs.push([t1 - t0, t2 - t1, t3 - t2, t3 - t0]);
        kept = Some(app);
    }
    runs.sort_by_key(|r| r[3]);
    let [open, new, paint, total] = runs[runs.len() / 2].map(ms);
    let cell = format!("{total:.1} ms (open {open:.1} + App::new {new:.1} + draw {paint:.1})");
    let label = format!("First screen {width}×{height}, median of 5");
    row(&label, cell, Some((total, 150.0, "< 150 ms")));
    kept.expect("an app")
}

fn measure(n: usize) {
    let path = data_file(n);
    first_screen(&path, 80, 24);
    let mut app = first_screen(&path, 160, 45);
    let mut term = terminal(160, 45);
    draw(&mut term, &app);
    let down: Vec<Duration> = (0..500).map(|_| key(&mut app, &mut term, Action::Down)).collect();
    series("Down ×500 from the top of the inbox: median / p95 / max", down, 16.0);
    key(&mut app, &mut term, Action::Top);
    let presses = (app.state.list.total as usize).div_ceil(20).min(1000);
    let pages: Vec<Duration> = (0..presses).map(|_| key(&mut app, &mut term, Action::PageDown)).collect();
    series("PageDown through the inbox (at most 1000 presses)", pages, 16.0);
    let mut every = Vec::new();
    for query in QUERIES {
        key(&mut app, &mut term, Action::Search);
        let mut times = Vec::new();
        for c in query.chars() {
            let started = Instant::now();
            app.key(typed(c));
            draw(&mut term, &app);
            times.push(started.elapsed());
        }
        every.extend(&times);
        let hits = app.state.list.total;
        let each: Vec<String> = times.iter().map(|t| format!("{:.0}", ms(*t))).collect();
        let (_, _, max) = stats(times);
        let cell = format!("{max:.1} ms (keys: {} ms; {hits} hits)", each.join(", "));
        row(&format!("Search {query}, per keystroke: max"), cell, Some((max, 30.0, "< 30 ms")));
        app.key(esc());
    }
    series("Search, all the keystrokes above: median / p95 / max", every, 30.0);
    // The issue finder (#): numbers from their index, then texts from the search index.
    let (mut finds, mut opens) = (Vec::new(), Vec::new());
    for text in ["SALES-0", "1208", "积分兑换"] {
        opens.push(key(&mut app, &mut term, Action::GoTo));
        for c in text.chars() {
            let started = Instant::now();
            app.key(typed(c));
            draw(&mut term, &app);
            finds.push(started.elapsed());
        }
        app.key(esc());
    }
    series("Open the issue finder (#), reading every number", opens, 150.0);
    series("Go to an issue (#) by number or title, per keystroke", finds, 30.0);
    let all = ms(key(&mut app, &mut term, Action::View(View::All.key())));
    row("Switch to the All list (one key)", format!("{all:.1} ms"), Some((all, 16.0, "< 16 ms")));
    let pages: Vec<Duration> = (0..300).map(|_| key(&mut app, &mut term, Action::PageDown)).collect();
    series("PageDown ×300 in the All list", pages, 16.0);
    long_history(&path, &mut app, &mut term);
    breakdown(&mut app, &mut term);

    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let hwm = status.lines().find_map(|l| l.strip_prefix("VmHWM:")).expect("VmHWM");
    let mib = hwm.trim().trim_end_matches(" kB").parse::<f64>().expect("kB") / 1024.0;
    row("Peak RSS (VmHWM) after all of the above", format!("{mib:.1} MiB"), Some((mib, 60.0, "< 60 MiB")));
}

/// Selects the issue with the most events (in the All list sorted by number, where its place is
/// a count) from its neighbour, and draws: the record load and the busiest timeline.
fn long_history(path: &Path, app: &mut App, term: &mut Term) {
    let db = rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .expect("open read-only");
    // Its place in the All list sorted by number (newest first) is how many issues are newer.
    let sql = "SELECT i.number, e.n, (SELECT count(*) FROM issues j WHERE j.id > i.id) FROM issues i
               JOIN (SELECT issue_id, count(*) AS n FROM events GROUP BY issue_id) e ON e.issue_id = i.id
               ORDER BY e.n DESC, i.id LIMIT 1";
    let (number, events, place): (String, i64, i64) =
        db.query_row(sql, [], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).expect("the longest history");
    drop(db);
    let place = place as usize;
    app.state.list.sort = SortKey::Number;
    let neighbour = if place > 0 { place - 1 } else { 1 };
    app.state.list.selected = neighbour;
    app.reload(None);
    let mut times = Vec::new();
    for _ in 0..50 {
        // `select` is what a click on the row does; the record loads and the screen follows.
        let started = Instant::now();
        app.select(place);
        draw(term, app);
        times.push(started.elapsed());
        assert_eq!(app.state.shown.record.as_ref().map(|r| r.issue.number.as_str()), Some(number.as_str()));
        app.select(neighbour);
    }
    series(&format!("Select the issue with the longest history ({events} events) + draw"), times, 16.0);
}

/// The store calls one reload makes (App::try_reload), each timed alone, median of 3; rows whose
/// label starts with `·` go to the second table.
fn breakdown(app: &mut App, term: &mut Term) {
    app.state.list.sort = SortKey::Deadline;
    key(app, term, Action::View(View::Inbox.key()));
    let me = me();
    let open = vec![Status::Registered, Status::InProgress, Status::AwaitingAcceptance];
    let inbox = IssueFilter {
        involving: Some((me.login.clone(), me.dept.clone())),
        statuses: open,
        viewer: Some(me.login.clone()),
        ..IssueFilter::default()
    };
    let all = IssueFilter { viewer: Some(me.login.clone()), ..IssueFilter::default() };
    let window = |f: &IssueFilter, offset| IssueFilter { limit: Some(400), offset, ..f.clone() };
    let text = |f: &IssueFilter, t: &str| IssueFilter { text: Some(t.into()), ..f.clone() };
    let number = app.state.shown.record.as_ref().map(|r| r.issue.number.clone()).unwrap_or_default();
    let t = now();
    let mid_inbox = window(&inbox, app.state.list.total as u32 / 2);
    let mid_all = window(&all, app.store.count(&all, t).expect("count") as u32 / 2);
    let store = &mut app.store;
    // Each call's median of 3, and what it returned (a count, or how many rows).
    let mut time = |label: &str, f: &mut dyn FnMut(&mut Store) -> usize| {
        let mut runs: Vec<(Duration, usize)> = (0..3)
            .map(|_| {
                let started = Instant::now();
                let n = f(&mut *store);
                (started.elapsed(), n)
            })
            .collect();
        runs.sort();
        row(&format!("· {label}"), format!("{:.1} ms → {}", ms(runs[1].0), runs[1].1), None);
    };
    time("count(inbox); a reload does it twice (view, badge)", &mut |s| {
        s.count(&inbox, t).expect("c") as usize
    });
    time("list(inbox), window at the top", &mut |s| s.list(&window(&inbox, 0), t).expect("l").len());
    time("list(inbox), window in the middle", &mut |s| s.list(&mid_inbox, t).expect("l").len());
    time("task_alerts(OPS); only len() is used", &mut |s| s.task_alerts(t, Some("OPS")).expect("a").len());
    time("list(all), window at the top", &mut |s| s.list(&window(&all, 0), t).expect("l").len());
    time("list(all), window in the middle", &mut |s| s.list(&mid_all, t).expect("l").len());
    for q in ["积", "积分兑"] {
        let f = text(&inbox, q);
        time(&format!("count(inbox + search {q})"), &mut |s| s.count(&f, t).expect("c") as usize);
        time(&format!("list(inbox + search {q})"), &mut |s| s.list(&window(&f, 0), t).expect("l").len());
    }
    time("record(selected) + seen_upto: events", &mut |s| {
        s.seen_upto(&me.login, &number).expect("seen");
        s.record(&number).expect("record").events.len()
    });
    let draws = (0..20).map(|_| key(app, term, Action::Refresh)).collect();
    let (median, _, _) = stats(draws);
    row("· Refresh key: whole reload + draw 160×45", format!("{median:.1} ms"), None);
}

/// A character typed.
fn typed(c: char) -> crossterm::event::KeyEvent {
    crossterm::event::KeyEvent::new(crossterm::event::KeyCode::Char(c), crossterm::event::KeyModifiers::NONE)
}

fn esc() -> crossterm::event::KeyEvent {
    crossterm::event::KeyEvent::new(crossterm::event::KeyCode::Esc, crossterm::event::KeyModifiers::NONE)
}
