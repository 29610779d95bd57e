//! How many registrations per second one database file takes from 1, 4 and 8 writer processes at
//! once, how many writes give up as busy, and how long a console's reload (list of 400 + count)
//! takes meanwhile.
//!
//! `cargo bench --bench writers` (add writer counts to run only those: `-- 4`). Every writer is
//! this binary re-executed with `--writer`; each opens its own `Store`, registers issues for
//! `WRITE_TIME`, and prints its counts. The database `target/bench-data/writers.db` is made fresh
//! for every writer count. The output ends with a Markdown table for README.md.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use chrono::{Local, NaiveDateTime};
use liaison::domain::{Actor, Department, IssueDraft, Person, Priority, Role};
use liaison::i18n::Lang;
use liaison::store::{Ctx, IssueFilter, Registration, Store, StoreError};

const WRITERS: [usize; 3] = [1, 4, 8];
/// How long every writer keeps registering.
const WRITE_TIME: Duration = Duration::from_secs(5);
const BACKGROUND: &str = "会员积分兑换活动将于11月上线,目前兑换接口尚未开发,市场部无法准备推广物料。";
const REQUEST: &str = "需研发部开发积分兑换接口,10月31日前交付测试环境。";

fn now() -> NaiveDateTime {
    Local::now().naive_local()
}

fn data_file() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"), PathBuf::from);
    target.join("bench-data").join("writers.db")
}

fn member() -> Person {
    Person { login: "wang".into(), display_name: "王强".into(), dept: "RD".into(), role: Role::Member }
}

fn ctx(person: &Person) -> Ctx {
    Ctx { actor: Actor { person: person.clone(), on_behalf_of: None }, now: now(), lang: Lang::En }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--writer") {
        writer();
        return;
    }
    // `cargo bench` adds `--bench`; numbers pick the writer counts.
    let picked: Vec<usize> = args.iter().filter_map(|a| a.parse().ok()).collect();
    let counts = if picked.is_empty() { WRITERS.to_vec() } else { picked };
    let rows: Vec<String> = counts.iter().map(|&n| run(n)).collect();
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!("\nLoad average at the end (2 cores, shared with other work): {}", load.trim());
    println!(
        "Each writer registers for {} s; the reader lists 400 issues and counts them, in a loop.\n",
        WRITE_TIME.as_secs()
    );
    println!("| writers | registrations/s | busy refusals | read median / p95 / max (ms) |");
    println!("|---:|---:|---:|---:|");
    for row in rows {
        println!("{row}");
    }
}

/// A fresh database with OPS (the admin's) and RD, and one member of RD.
fn prepare(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        match std::fs::remove_file(&name) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => panic!("remove {name:?}: {e}"),
            _ => {}
        }
    }
    let mut store = Store::open(path).expect("create the database");
    let admin =
        Person {
            login: "root".into(), display_name: "管理员".into(), dept: "OPS".into(), role: Role::Admin
        };
    let ops = Department { code: "OPS".into(), name: "运营部".into(), head: None };
    store.init(now(), &ops, &admin).expect("init");
    let ctx = ctx(&admin);
    let rd = Department { code: "RD".into(), name: "研发部".into(), head: None };
    store.add_department(&ctx, &rd).expect("add RD");
    store.add_person(&ctx, &member()).expect("add the member");
}

/// One measurement: `n` writer processes, and this process reading as a console would.
fn run(n: usize) -> String {
    let path = data_file();
    prepare(&path);
    let mut reader = Store::open(&path).expect("open the reader");
    let exe = std::env::current_exe().expect("the bench binary");
    let mut children: Vec<Child> = (0..n)
        .map(|_| {
            Command::new(&exe)
                .arg("--writer")
                .arg(&path)
                .stdout(Stdio::piped())
                .stderr(Stdio::inherit())
                .spawn()
                .expect("start a writer")
        })
        .collect();
    let filter = IssueFilter { limit: Some(400), ..Default::default() };
    let mut latencies: Vec<Duration> = Vec::new();
    let mut read_errors = 0usize;
    loop {
        let started = Instant::now();
        let at = now();
        let ok = reader.list(&filter, at).is_ok() & reader.count(&filter, at).is_ok();
        latencies.push(started.elapsed());
        read_errors += usize::from(!ok);
        let running = children.iter_mut().any(|c| c.try_wait().expect("poll a writer").is_none());
        if !running {
            break;
        }
    }
    let (mut registered, mut busy, mut failed) = (0u64, 0u64, 0u64);
    for child in children {
        let out = child.wait_with_output().expect("wait for a writer");
        assert!(out.status.success(), "a writer failed");
        let text = String::from_utf8_lossy(&out.stdout);
        let line = text.lines().find_map(|l| l.strip_prefix("COUNT\t")).expect("a writer's counts");
        let f: Vec<u64> = line.split('\t').map(|s| s.parse().expect("a number")).collect();
        registered += f[0];
        busy += f[1];
        failed += f[2];
    }
    assert_eq!(failed, 0, "writes failed for reasons other than busy");
    assert_eq!(read_errors, 0, "reads failed");
    let total = reader.count(&IssueFilter::default(), now()).expect("count at the end");
    assert_eq!(total as u64, registered, "the file holds every registration the writers reported");
    latencies.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let pick = |q: f64| ms(latencies[((latencies.len() - 1) as f64 * q).round() as usize]);
    let rate = registered as f64 / WRITE_TIME.as_secs_f64();
    eprintln!("{n} writers: {registered} registrations, {busy} busy, {} reads", latencies.len());
    format!("| {n} | {rate:.0} | {busy} | {:.1} / {:.1} / {:.1} |", pick(0.5), pick(0.95), pick(1.0))
}

/// A writer child: registers issues as a member of RD until `WRITE_TIME` has passed.
fn writer() {
    let path = std::env::args().nth(2).expect("the database path");
    let mut store = Store::open(Path::new(&path)).expect("open the database");
    let person = member();
    let draft = IssueDraft {
        title: "积分兑换接口开发".into(),
        background: BACKGROUND.into(),
        request: REQUEST.into(),
        departments: vec!["OPS".into()],
    };
    let reg = Registration { proposer_dept: None, proposed_at: None, priority: Priority::Medium, draft };
    let (mut registered, mut busy, mut failed) = (0u64, 0u64, 0u64);
    let started = Instant::now();
    while started.elapsed() < WRITE_TIME {
        match store.register(&ctx(&person), &reg) {
            Ok(_) => registered += 1,
            Err(StoreError::Busy) => busy += 1,
            Err(e) => {
                eprintln!("writer: {e}");
                failed += 1;
            }
        }
    }
    println!("COUNT\t{registered}\t{busy}\t{failed}");
}
