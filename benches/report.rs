//! How fast the reports answer at 100 000 demo issues: `liaison report` (read the facts, compute
//! every figure, write the JSON) and the console's Reports view (key `9` to the drawn screen).
//!
//! `cargo bench --bench report` (add sizes to pick them: `-- 10000`). The dataset is the one
//! `cargo bench --bench console` builds under `target/bench-data/` (same seed, same now, same
//! file); it is built here too when missing.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::{NaiveDate, NaiveDateTime};
use liaison::domain::report::{Report, Scope};
use liaison::domain::{Department, Person, Role};
use liaison::i18n::Lang;
use liaison::store::{IssueFilter, Store, migrations};
use liaison::tui::app::App;
use liaison::tui::keymap::Action;
use liaison::tui::view::{self, Theme};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const SEED: u64 = 20231025;

fn now() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, 20).and_then(|d| d.and_hms_opt(10, 0, 0)).expect("a valid time")
}

fn me() -> Person {
    Person { login: "bench".into(), display_name: "基准".into(), dept: "OPS".into(), role: Role::Admin }
}

fn data_file(issues: usize) -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"), PathBuf::from);
    target.join("bench-data").join(format!("issues-{issues}-schema{}.db", migrations::latest()))
}

/// The console bench's dataset, built the same way when it is not there yet.
fn dataset(n: usize) -> PathBuf {
    let path = data_file(n);
    if path.exists() {
        let mut store = Store::open(&path).expect("open the dataset");
        if store.count(&IssueFilter::default(), now()).unwrap_or(-1) == n as i64 {
            return path;
        }
        drop(store);
        for ext in ["db", "db-wal", "db-shm"] {
            let _ = std::fs::remove_file(path.with_extension(ext));
        }
    }
    eprintln!("generating {n} issues into {} …", path.display());
    let mut store = Store::open(&path).expect("create the dataset");
    let ops = Department { code: "OPS".into(), name: "运营部".into(), head: None };
    store.init(now(), &ops, &me()).expect("init");
    liaison::demo::load(&mut store, &me(), Lang::Zh, n, SEED, now()).expect("the demo");
    path
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn report_once(path: &Path) -> [f64; 4] {
    let t0 = Instant::now();
    let mut store = Store::open(path).expect("open");
    let cal = store.calendar().expect("calendar");
    let scope = Scope::last_weeks(now().date(), 12);
    let t1 = Instant::now();
    let facts = store.report_facts(&scope).expect("facts");
    let t2 = Instant::now();
    let report = Report::compute(&facts, &scope, now(), &cal);
    let json = serde_json::to_string_pretty(&report).expect("json");
    let t3 = Instant::now();
    assert!(json.len() > 100);
    [ms(t1 - t0), ms(t2 - t1), ms(t3 - t2), ms(t3 - t0)]
}

/// Key 9 to the drawn screen (the view opens at once, saying it computes), and to the screen
/// drawn with the figures.
fn view_once(path: &Path, width: u16, height: u16) -> (f64, f64) {
    let store = Store::open(path).expect("open");
    let mut app = App::new(store, me(), Lang::Zh, now()).expect("the app");
    let mut term = Terminal::new(TestBackend::new(width, height)).expect("a terminal");
    term.draw(|f| view::draw(f, &app.state, &Theme::colored())).expect("draw");
    let started = Instant::now();
    app.handle(Action::Reports);
    term.draw(|f| view::draw(f, &app.state, &Theme::colored())).expect("draw");
    let opened = started.elapsed();
    app.wait_reports();
    term.draw(|f| view::draw(f, &app.state, &Theme::colored())).expect("draw");
    let figures = started.elapsed();
    assert!(app.state.reports.is_some(), "the figures arrived");
    // Moving between charts draws from what is kept: no reading.
    let started = Instant::now();
    for _ in 0..10 {
        app.handle(Action::NextPane);
        term.draw(|f| view::draw(f, &app.state, &Theme::colored())).expect("draw");
    }
    eprintln!("    (chart switch at {width}×{height}: {:.2} ms per key)", ms(started.elapsed()) / 10.0);
    (ms(opened), ms(figures))
}

fn main() {
    let sizes: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let sizes = if sizes.is_empty() { vec![100_000] } else { sizes };
    println!("| what | issues | median of 5 | target |");
    println!("|---|---:|---:|---|");
    for n in sizes {
        let path = dataset(n);
        // Once to warm the file into the page cache (and upgrade an older dataset).
        report_once(&path);
        let runs: Vec<[f64; 4]> = (0..5).map(|_| report_once(&path)).collect();
        let pick = |k: usize| median(runs.iter().map(|r| r[k]).collect());
        println!(
            "| `report` (open {:.0} + read facts {:.0} + compute and JSON {:.0} ms) | {n} | {:.0} ms | < 300 ms |",
            pick(0),
            pick(1),
            pick(2),
            pick(3)
        );
        for (w, h) in [(80, 24), (160, 45)] {
            let runs: Vec<(f64, f64)> = (0..5).map(|_| view_once(&path, w, h)).collect();
            let open = median(runs.iter().map(|r| r.0).collect());
            let figures = median(runs.iter().map(|r| r.1).collect());
            println!(
                "| Reports view opens (key 9 to drawn screen), {w}×{h} | {n} | {open:.1} ms | < 100 ms |"
            );
            println!(
                "| … and shows the figures (computed beside the console), {w}×{h} | {n} | {figures:.0} ms | |"
            );
        }
        let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
        println!("\nLoad average (2 cores shared with other work): {}", load.trim());
    }
}
