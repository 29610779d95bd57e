use chrono::NaiveDate;

use super::figures::Figures;
use super::*;

fn now() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, 20).and_then(|d| d.and_hms_opt(10, 0, 0)).expect("date")
}

fn records(demo: &Demo, total: usize) -> Vec<IssueRecord> {
    let (cal, rules) = (Calendar::china(), ResponseRules::default());
    (0..total).map(|i| demo.record(i, total, now(), &cal, &rules)).collect()
}

#[test]
fn demo_people_cover_every_department_and_role_with_unique_names() {
    let demo = Demo::new(7);
    assert_eq!(demo.departments.len(), 8);
    for d in &demo.departments {
        assert!(demo.people.iter().any(|p| p.dept == d.code && p.role == Role::Member), "{}", d.code);
    }
    assert!(demo.people.iter().any(|p| p.role == Role::Coordinator));
    let logins: HashSet<_> = demo.people.iter().map(|p| &p.login).collect();
    assert_eq!(logins.len(), demo.people.len(), "logins are unique");
    let names: HashSet<_> = demo.people.iter().map(|p| &p.display_name).collect();
    assert_eq!(names.len(), demo.people.len(), "display names are unique in the company");
    assert!(demo.people.iter().all(|p| p.display_name.chars().count() >= 2));
}

use std::collections::HashSet;

#[test]
fn a_thousand_issues_read_like_a_working_company() {
    let demo = Demo::new(7);
    let rs = records(&demo, 1000);
    let f = Figures::of(&rs, &demo.people, now(), &Calendar::china());
    eprintln!("{f:#?}");
    assert!(f.problems.is_empty(), "{:#?}", &f.problems[..f.problems.len().min(20)]);
    assert_eq!(f.events_off_hours, 0, "no night or holiday work");
    assert!(f.events_evening > 0, "a few evening entries");
    assert!(f.distinct_titles >= 400, "{} distinct titles", f.distinct_titles);
    assert!(
        f.open_older_than_60wd * 10 <= f.open,
        "{} of {} open issues are old",
        f.open_older_than_60wd,
        f.open
    );
    assert!(f.escalated > 0);
    let stages: HashSet<Status> = rs.iter().map(|r| r.issue.status).collect();
    assert_eq!(stages.len(), Status::ALL.len(), "every stage appears: {stages:?}");
}

#[test]
fn records_are_deterministic_for_a_seed() {
    let (a, b) = (Demo::new(3), Demo::new(3));
    assert_eq!(records(&a, 50), records(&b, 50));
}

/// The figures of a large demo, with the age of its open issues: `cargo test --lib demo -- --ignored --nocapture`.
#[test]
#[ignore = "prints figures; takes a few seconds"]
fn figures_at_ten_thousand() {
    let demo = Demo::new(20231025);
    let rs = records(&demo, 10_000);
    let cal = Calendar::china();
    let f = Figures::of(&rs, &demo.people, now(), &cal);
    eprintln!("{f:#?}");
    let mut ages = [0usize; 5];
    for r in rs.iter().filter(|r| r.issue.status.is_open()) {
        let age = cal.working_days_between(r.issue.proposed_at.date(), now().date());
        ages[match age {
            0..=5 => 0,
            6..=20 => 1,
            21..=40 => 2,
            41..=60 => 3,
            _ => 4,
        }] += 1;
    }
    eprintln!(
        "open issues by age in working days: ≤5 {}, 6–20 {}, 21–40 {}, 41–60 {}, >60 {}",
        ages[0], ages[1], ages[2], ages[3], ages[4]
    );
    assert!(f.problems.is_empty(), "{:#?}", &f.problems[..f.problems.len().min(20)]);
}
