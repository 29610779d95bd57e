//! How long an import of 10 000 rows takes (the target: under 10 s), from a CSV and from an
//! Excel workbook: reading and checking every row, the dry run, the write in one transaction,
//! and the second run that adds nothing.
//!
//! `cargo bench --bench import`. The database `target/bench-data/import.db` is made fresh. The
//! output ends with a Markdown table for README.md.

use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono::{Duration, Local, NaiveDateTime};
use liaison::docs::import::rows::{RowContext, records};
use liaison::docs::import::{Kind, table};
use liaison::domain::{Actor, Department, Person, Role};
use liaison::i18n::Lang;
use liaison::store::{ImportBatch, Store};

const ROWS: usize = 10_000;

fn now() -> NaiveDateTime {
    Local::now().naive_local()
}

fn data_file(name: &str) -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"), PathBuf::from);
    target.join("bench-data").join(name)
}

const HEADER: [&str; 12] = [
    "问题编号",
    "标题",
    "背景",
    "具体诉求",
    "涉及部门",
    "提出部门",
    "提出人",
    "提出时间",
    "优先级",
    "状态",
    "解决方案",
    "解决时间",
];

/// One year of issues as companies keep them: a third resolved, the rest open.
fn rows() -> Vec<Vec<String>> {
    let start = now() - Duration::days(400);
    (0..ROWS)
        .map(|i| {
            let at = start + Duration::minutes(i as i64 * 53);
            let resolved = i % 3 == 0;
            vec![
                if i % 2 == 0 {
                    format!("{}-MKT-{:03}", at.format("%Y%m%d"), i % 1000 + 1)
                } else {
                    String::new()
                },
                format!("双十一活动积分兑换功能第{i}项需求"),
                "双十一活动需新增用户积分兑换功能，运营部需提前准备兑换规则".into(),
                "需技术部开发积分兑换接口，运营部提供兑换规则，10月30日前交付测试".into(),
                "研发部、测试部".into(),
                "市场部".into(),
                "李经理".into(),
                at.format("%Y年%m月%d日 %H:%M").to_string(),
                ["高", "中", "低"][i % 3].into(),
                if resolved { "已解决".into() } else { "进行中".into() },
                if resolved { "完成接口开发，通过所有测试用例".into() } else { String::new() },
                if resolved {
                    (at + Duration::days(3)).format("%Y/%m/%d %H:%M").to_string()
                } else {
                    String::new()
                },
            ]
        })
        .collect()
}

fn csv_bytes(rows: &[Vec<String>]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    w.write_record(HEADER).expect("a header");
    for r in rows {
        w.write_record(r).expect("a row");
    }
    w.into_inner().expect("bytes")
}

fn xlsx_bytes(rows: &[Vec<String>]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    for (c, h) in HEADER.iter().enumerate() {
        ws.write_string(0, c as u16, *h).expect("a header");
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            if !cell.is_empty() {
                ws.write_string(r as u32 + 1, c as u16, cell).expect("a cell");
            }
        }
    }
    book.save_to_buffer().expect("bytes")
}

fn fresh(name: &str) -> (Store, Actor) {
    let path = data_file(name);
    std::fs::create_dir_all(path.parent().expect("a directory")).expect("bench-data");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let mut store = Store::open(&path).expect("the store");
    let admin =
        Person {
            login: "root".into(), display_name: "管理员".into(), dept: "OPS".into(), role: Role::Admin
        };
    store
        .init(now(), &Department { code: "OPS".into(), name: "运营部".into(), head: None }, &admin)
        .expect("init");
    let mut bulk = store.bulk(&admin, Lang::Zh).expect("bulk");
    for (code, name) in [("MKT", "市场部"), ("RD", "研发部"), ("QA", "测试部")] {
        bulk.ensure_department(&Department { code: code.into(), name: name.into(), head: None })
            .expect("a department");
    }
    bulk.ensure_person(&Person {
        login: "li".into(),
        display_name: "李经理".into(),
        dept: "MKT".into(),
        role: Role::Member,
    })
    .expect("a person");
    bulk.commit().expect("commit");
    (store, Actor { person: admin, on_behalf_of: None })
}

fn run(label: &str, kind: Kind, bytes: &[u8]) -> String {
    let (mut store, admin) = fresh("import.db");
    let t = Instant::now();
    let table = table::read(kind, bytes, None).expect("the table");
    let read = t.elapsed();
    let (people, depts, cal, settings) = (
        store.people().expect("people"),
        store.departments().expect("depts"),
        store.calendar().expect("cal"),
        store.settings().expect("settings"),
    );
    let cx = RowContext {
        people: &people,
        depts: &depts,
        settings,
        calendar: &cal,
        importer: "root",
        now: now(),
        file: label,
    };
    let t = Instant::now();
    let (recs, problems) = records(&table, &cx);
    let check = t.elapsed();
    assert!(problems.is_empty(), "{:?}", problems.first().map(|p| p.line(Lang::En)));
    let batch = ImportBatch { records: recs, source: label.into(), ..ImportBatch::default() };
    let t = Instant::now();
    let dry = store.import(&admin, &batch, true, now(), Lang::En).expect("dry run");
    let dry_time = t.elapsed();
    assert_eq!(dry.would_add, ROWS);
    let t = Instant::now();
    let done = store.import(&admin, &batch, false, now(), Lang::En).expect("import");
    let write = t.elapsed();
    assert_eq!(done.added.len(), ROWS, "{:?}", done.refused.first());
    let t = Instant::now();
    let again = store.import(&admin, &batch, false, now(), Lang::En).expect("again");
    let again_time = t.elapsed();
    assert_eq!(again.already.len(), ROWS);
    let total = read + check + dry_time + write;
    let ms = |d: std::time::Duration| format!("{:.0}", d.as_secs_f64() * 1000.0);
    println!(
        "{label}: read {} ms, rows {} ms, dry run {} ms, write {} ms, again {} ms",
        ms(read),
        ms(check),
        ms(dry_time),
        ms(write),
        ms(again_time)
    );
    format!(
        "| {label} | {} | {} | {} | {} | {:.1} s | {} |",
        ms(read),
        ms(check),
        ms(dry_time),
        ms(write),
        total.as_secs_f64(),
        ms(again_time)
    )
}

fn main() {
    let rows = rows();
    let csv = csv_bytes(&rows);
    let xlsx = xlsx_bytes(&rows);
    let lines = [run("CSV (UTF-8 with BOM)", Kind::Csv, &csv), run(".xlsx", Kind::Xlsx, &xlsx)];
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!("\nLoad average at the end (2 cores, shared with other work): {}", load.trim());
    println!("\n{ROWS} rows; times in ms. Total = read + rows + dry run + write (target < 10 s).\n");
    println!(
        "| file | read | rows checked | dry run | write (one transaction) | total | second run (adds nothing) |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for l in lines {
        println!("{l}");
    }
}
