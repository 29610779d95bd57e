//! The demo at 1 000 issues, written through the store to a real file and read back: it reads
//! like the records of a working company (issue 10).

use chrono::{NaiveDate, NaiveDateTime};
use liaison::demo::figures::Figures;
use liaison::domain::*;
use liaison::i18n::Lang;
use liaison::store::{IssueFilter, Store};

fn now() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 10, 9).and_then(|d| d.and_hms_opt(16, 30, 0)).expect("a date")
}

fn admin() -> Person {
    Person { login: "root".into(), display_name: "管理员".into(), dept: "OPS".into(), role: Role::Admin }
}

#[test]
fn a_thousand_demo_issues_read_like_real_records() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("demo.db");
    let mut store = Store::open(&path).expect("the database opens");
    let ops = Department { code: "OPS".into(), name: "运营部".into(), head: None };
    store.init(now(), &ops, &admin()).expect("init");
    liaison::demo::load(&mut store, &admin(), Lang::Zh, 1000, 20231025, now()).expect("the demo loads");

    let mut store = Store::open(&path).expect("the database opens again");
    let filter = IssueFilter { limit: Some(5000), ..IssueFilter::default() };
    let rows = store.list(&filter, now()).expect("the list");
    assert_eq!(rows.len(), 1000);
    let records: Vec<IssueRecord> =
        rows.iter().map(|row| store.record(&row.number).expect("the record")).collect();
    let people = store.people().expect("people");
    let cal = store.calendar().expect("the calendar");
    let f = Figures::of(&records, &people, now(), &cal);
    eprintln!("{f:#?}");

    // Office hours on working days of the calendar (holidays and 调休 included): under 2% outside.
    assert!(f.events_off_hours * 50 < f.events, "{} of {} events off hours", f.events_off_hours, f.events);
    assert!(
        f.events_evening > 0 && f.events_evening * 20 < f.events,
        "a few evening entries: {}",
        f.events_evening
    );
    assert!(f.distinct_titles >= 150, "{} distinct titles", f.distinct_titles);
    // Every record passes the rule book's invariants; no batch numbers in titles; dates in the
    // text agree with the issue's own dates; progress by the task's owner.
    assert!(f.problems.is_empty(), "{:#?}", &f.problems[..f.problems.len().min(20)]);
    // Most old issues are closed, and the open ones mostly recent: at most 10% of open issues are
    // older than 60 working days.
    assert!(f.open > 0 && f.open * 5 < f.issues, "{} open of {}", f.open, f.issues);
    assert!(
        f.open_older_than_60wd * 10 <= f.open,
        "{} of {} open issues older than 60 working days",
        f.open_older_than_60wd,
        f.open
    );
    assert!(f.escalated > 0, "long-missed deadlines are escalated");

    // Display names are unique within each department.
    let mut seen = std::collections::HashSet::new();
    for p in people.iter().filter(|p| p.login != "root") {
        assert!(
            seen.insert((p.dept.clone(), p.display_name.clone())),
            "{} twice in {}",
            p.display_name,
            p.dept
        );
    }
    // The timeline reads as the store writes it: the registration names the issue's number.
    let first = &records[0];
    assert_eq!(first.events[0].after["number"], first.issue.number.as_str());
}
