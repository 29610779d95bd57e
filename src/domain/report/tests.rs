//! Every figure on a small hand-built dataset whose answers are worked out by hand (see the
//! comments), with the National Day holidays 2026-10-01..07 and the make-up Saturday 2026-10-10.

use chrono::{NaiveDate, NaiveDateTime};

use super::*;
use crate::domain::calendar::CalendarDay;

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("a date")
}

fn t(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("a time")
}

pub(crate) fn cal() -> Calendar {
    let mut days: Vec<CalendarDay> =
        (1..=7).map(|d| CalendarDay::holiday(day(&format!("2026-10-0{d}")), "国庆节")).collect();
    days.push(CalendarDay::workday(day("2026-10-10"), "国庆节调休"));
    Calendar::from_days(days)
}

#[test]
fn working_hours_count_only_working_days() {
    let cal = cal();
    let cases = [
        ("2026-09-28 09:00", "2026-09-28 17:00", 8.0, "same working day"),
        ("2026-09-25 16:00", "2026-09-28 10:00", 18.0, "over a weekend: Fri 8 h + Mon 10 h"),
        ("2026-09-30 20:00", "2026-10-08 02:00", 6.0, "over the holidays: Wed 4 h + Thu 2 h"),
        ("2026-10-09 22:00", "2026-10-11 12:00", 26.0, "调休 Saturday counts: Fri 2 h + Sat 24 h, Sun none"),
        ("2026-10-04 12:00", "2026-10-08 06:00", 6.0, "starting on a holiday"),
        ("2026-10-03 09:00", "2026-10-03 17:00", 0.0, "inside a holiday"),
        ("2026-09-28 10:00", "2026-09-28 10:00", 0.0, "no time"),
        ("2026-09-29 10:00", "2026-09-28 10:00", 0.0, "backwards"),
        (
            "2026-09-28 00:00",
            "2026-10-12 00:00",
            24.0 * 6.0,
            "two weeks: Mon–Wed, 10-08, 10-09, 10-10 (调休)",
        ),
    ];
    for (from, to, want, why) in cases {
        assert_eq!(working_hours(t(from), t(to), &cal), want, "{why}");
    }
}

#[test]
fn response_states() {
    let due = t("2026-10-13 23:59");
    let now = t("2026-10-12 10:00");
    let later = t("2026-10-16 10:00");
    let cases = [
        (Some(t("2026-10-13 23:59")), Status::InProgress, now, Kept::Met),
        (Some(t("2026-10-14 00:00")), Status::Archived, later, Kept::MetLate),
        (None, Status::Registered, now, Kept::Pending),
        (None, Status::Registered, later, Kept::Missed),
        // Closed without a response: missed at once, and for good.
        (None, Status::Resolved, now, Kept::Missed),
        (None, Status::Archived, now, Kept::Missed),
    ];
    for (first, status, now, want) in cases {
        assert_eq!(response_kept(due, first, status, now), want, "{first:?} {status:?} {now}");
    }
}

#[test]
fn percentiles_are_nearest_rank() {
    let cases: [(&[f64], u32, Option<f64>); 7] = [
        (&[], 50, None),
        (&[5.0], 50, Some(5.0)),
        (&[5.0], 90, Some(5.0)),
        (&[4.0, 1.0, 3.0, 2.0], 50, Some(2.0)),
        (&[4.0, 1.0, 3.0, 2.0], 90, Some(4.0)),
        (&[10.0, 9.0, 8.0, 7.0, 6.0, 5.0, 4.0, 3.0, 2.0, 1.0], 90, Some(9.0)),
        (&[3.0, 1.0, 2.0], 100, Some(3.0)),
    ];
    for (values, p, want) in cases {
        assert_eq!(percentile(&mut values.to_vec(), p), want, "p{p} of {values:?}");
    }
}

#[test]
fn task_outcomes_and_ages() {
    let now = t("2026-10-16 12:00");
    let task = |deadline: &str, done: Option<&str>| TaskFact {
        issue: 0,
        dept: "RD".into(),
        deadline: day(deadline),
        done_at: done.map(t),
    };
    assert_eq!(task_outcome(&task("2026-10-09", Some("2026-10-09 23:00")), now), TaskOutcome::OnTime);
    assert_eq!(task_outcome(&task("2026-10-09", Some("2026-10-10 00:10")), now), TaskOutcome::Late);
    assert_eq!(task_outcome(&task("2026-10-15", None), now), TaskOutcome::Overdue);
    assert_eq!(task_outcome(&task("2026-10-16", None), now), TaskOutcome::Open);
    let cal = cal();
    // 09-30 → 10-16: 10-08, 10-09, 10-10 (调休), 10-12..16: 8 working days.
    assert_eq!(age(t("2026-09-30 20:00"), now, &cal), Age::From4To10);
    assert_eq!(age(t("2026-10-13 09:00"), now, &cal), Age::UpTo3);
    assert_eq!(age(t("2026-10-12 09:00"), now, &cal), Age::From4To10);
    assert_eq!(age(t("2026-09-25 09:00"), now, &cal), Age::Over10);
}

#[test]
fn weeks_and_default_period() {
    assert_eq!(week_label(day("2026-11-20")), "2026-W47");
    assert_eq!(week_label(day("2027-01-01")), "2026-W53");
    let scope = Scope::last_weeks(day("2026-11-20"), 12);
    assert_eq!((scope.from, scope.to), (day("2026-08-31"), day("2026-11-20")));
}

/// The dataset: departments MKT (no issue at all), QA, RD; period 2026-09-28..10-16, now
/// Friday 2026-10-16 12:00.
pub(crate) fn facts() -> Facts {
    let issue =
        |id: i64, priority, status, proposed: &str, due: &str, first: Option<&str>, depts: &[&str]| {
            IssueFact {
                id,
                number: format!("N{id}"),
                priority,
                status,
                proposed_at: t(proposed),
                response_due_at: t(due),
                first_response_at: first.map(t),
                accepted_at: None,
                escalation_reason: None,
                refusals: 0,
                departments: depts.iter().map(|d| d.to_string()).collect(),
            }
        };
    use Priority::*;
    use Status::*;
    let mut issues = vec![
        // 0: met after 4 working hours; accepted two days later (48 h), refused once before.
        issue(0, High, Resolved, "2026-09-28 09:00", "2026-09-29 09:00", Some("2026-09-28 13:00"), &["RD"]),
        // 1: answered after the holidays: late, 6 working hours. Escalated.
        issue(
            1,
            High,
            InProgress,
            "2026-09-30 20:00",
            "2026-10-01 20:00",
            Some("2026-10-08 02:00"),
            &["RD", "QA"],
        ),
        // 2: due at the end of the third working day after Friday (Sat 调休, Mon, Tue): missed now.
        issue(2, Medium, Registered, "2026-10-09 22:00", "2026-10-13 23:59", None, &["QA"]),
        // 3: pending.
        issue(3, Low, Registered, "2026-10-15 10:00", "2026-10-22 23:59", None, &["RD"]),
        // 4: registered before the period, still open: open load only.
        issue(
            4,
            Medium,
            InProgress,
            "2026-09-01 10:00",
            "2026-09-04 23:59",
            Some("2026-09-01 11:00"),
            &["QA"],
        ),
        // 5: registered before the period, accepted inside it: the weekly trend only.
        issue(5, Low, Archived, "2026-09-10 10:00", "2026-09-17 23:59", Some("2026-09-10 11:00"), &["RD"]),
    ];
    issues[0].accepted_at = Some(t("2026-09-30 09:00"));
    issues[0].refusals = 1;
    issues[1].escalation_reason = Some("slow".into());
    issues[2].escalation_reason = Some(" slow ".into());
    issues[4].escalation_reason = Some("other".into());
    issues[5].accepted_at = Some(t("2026-10-12 10:00"));
    let task = |issue: usize, dept: &str, deadline: &str, done: Option<&str>| TaskFact {
        issue,
        dept: dept.into(),
        deadline: day(deadline),
        done_at: done.map(t),
    };
    let tasks = vec![
        task(0, "RD", "2026-09-29", Some("2026-09-29 18:00")), // on time
        task(1, "QA", "2026-10-09", Some("2026-10-10 09:00")), // late
        task(1, "RD", "2026-10-14", None),                     // overdue now
        task(4, "QA", "2026-10-15", None),                     // overdue now (an older issue)
        task(3, "RD", "2026-10-20", None),                     // open, not due
    ];
    let risks = vec![
        RiskFact { issue: 1, dept: "QA".into(), timely: true },
        RiskFact { issue: 1, dept: "RD".into(), timely: false },
        RiskFact { issue: 4, dept: "QA".into(), timely: false }, // outside the period
    ];
    let minutes = vec![
        WaitingMinutes { issue: 1, dept: "RD".into(), held_at: t("2026-10-15 12:00") }, // 24 h
        WaitingMinutes { issue: 2, dept: "RD".into(), held_at: t("2026-10-09 12:00") }, // 12+24+96+12
        WaitingMinutes { issue: 0, dept: "QA".into(), held_at: t("2026-09-28 12:00") }, // closed issue
    ];
    Facts { departments: vec!["MKT".into(), "QA".into(), "RD".into()], issues, tasks, risks, minutes }
}

pub(crate) fn now() -> NaiveDateTime {
    t("2026-10-16 12:00")
}

pub(crate) fn scope() -> Scope {
    Scope { from: day("2026-09-28"), to: day("2026-10-16"), dept: None, priority: None }
}

fn rf(
    met: u32,
    met_late: u32,
    missed: u32,
    pending: u32,
    median: Option<f64>,
    p90: Option<f64>,
) -> ResponseFigures {
    ResponseFigures { met, met_late, missed, pending, median_hours: median, p90_hours: p90 }
}

#[test]
fn every_figure_on_the_hand_built_dataset() {
    let r = Report::compute(&facts(), &scope(), now(), &cal());
    assert_eq!(r.registered, 4);
    let fr = &r.first_response;
    assert_eq!(fr.by_priority.get("high"), Some(&rf(1, 1, 0, 0, Some(4.0), Some(6.0))));
    assert_eq!(fr.by_priority.get("medium"), Some(&rf(0, 0, 1, 0, None, None)));
    assert_eq!(fr.by_priority.get("low"), Some(&rf(0, 0, 0, 1, None, None)));
    assert_eq!(fr.by_dept.get("RD"), Some(&rf(1, 1, 0, 1, Some(4.0), Some(6.0))));
    assert_eq!(fr.by_dept.get("QA"), Some(&rf(0, 1, 1, 0, Some(6.0), Some(6.0))));
    assert_eq!(fr.by_dept.get("MKT"), Some(&rf(0, 0, 0, 0, None, None)));
    assert_eq!(fr.by_dept.get("MKT").and_then(ResponseFigures::met_share), None, "no data, no division");
    assert_eq!(fr.all, rf(1, 1, 1, 1, Some(4.0), Some(6.0)));

    let tasks = &r.tasks.by_dept;
    assert_eq!(tasks.get("RD"), Some(&TaskFigures { on_time: 1, late: 0, overdue_now: 1 }));
    assert_eq!(tasks.get("QA"), Some(&TaskFigures { on_time: 0, late: 1, overdue_now: 1 }));
    assert_eq!(tasks.get("MKT").and_then(TaskFigures::on_time_share), None);

    let risks = &r.risk_alerts.by_dept;
    assert_eq!(risks.get("RD"), Some(&RiskFigures { timely: 0, late: 1 }));
    assert_eq!(risks.get("QA"), Some(&RiskFigures { timely: 1, late: 0 }));

    let res = &r.resolution.by_priority;
    let high =
        ResolutionFigures { accepted: 1, median_hours: Some(48.0), p90_hours: Some(48.0), refusals: 1 };
    assert_eq!(res.get("high"), Some(&high));
    assert_eq!(
        res.get("low"),
        Some(&ResolutionFigures::default()),
        "accepted in the period, registered before"
    );

    let load = &r.open_load.by_dept;
    let rd =
        LoadFigures { issues: 2, tasks: 2, overdue: 1, age: AgeBuckets { le3: 1, from4to10: 1, gt10: 0 } };
    let qa =
        LoadFigures { issues: 3, tasks: 1, overdue: 3, age: AgeBuckets { le3: 0, from4to10: 2, gt10: 1 } };
    assert_eq!(load.get("RD"), Some(&rd));
    assert_eq!(load.get("QA"), Some(&qa));
    assert_eq!(load.get("MKT"), Some(&LoadFigures::default()));

    assert_eq!(r.escalations.by_dept.0, vec![("MKT".into(), 0), ("QA".into(), 2), ("RD".into(), 1)]);
    assert_eq!(r.escalations.by_reason.0, vec![("slow".to_string(), 2)]);

    let minutes = &r.minutes_waiting.by_dept;
    let rd = MinutesFigures { waiting: 2, median_hours: Some(24.0), max_hours: Some(144.0) };
    assert_eq!(minutes.get("RD"), Some(&rd));
    assert_eq!(minutes.get("QA"), Some(&MinutesFigures::default()));

    let weeks: Vec<_> = r
        .weekly
        .iter()
        .map(|w| (w.week.as_str(), w.registered, w.accepted, w.first_response_met_share))
        .collect();
    assert_eq!(
        weeks,
        vec![("2026-W40", 2, 1, Some(0.5)), ("2026-W41", 1, 0, Some(0.0)), ("2026-W42", 1, 1, None)]
    );
    assert!(!r.is_empty());
}

#[test]
fn filters_narrow_every_figure() {
    let qa = Scope { dept: Some("QA".into()), ..scope() };
    let r = Report::compute(&facts(), &qa, now(), &cal());
    assert_eq!(r.registered, 2, "issues 1 and 2 involve QA");
    assert_eq!(r.first_response.by_dept.0.len(), 1);
    assert_eq!(r.first_response.by_priority.get("high"), Some(&rf(0, 1, 0, 0, Some(6.0), Some(6.0))));
    assert_eq!(r.tasks.by_dept.0, vec![("QA".into(), TaskFigures { on_time: 0, late: 1, overdue_now: 1 })]);
    assert_eq!(r.escalations.by_dept.0, vec![("QA".into(), 2)]);
    assert_eq!(r.weekly.iter().map(|w| w.registered).collect::<Vec<_>>(), vec![1, 1, 0]);

    let high = Scope { priority: Some(Priority::High), ..scope() };
    let r = Report::compute(&facts(), &high, now(), &cal());
    assert_eq!(r.registered, 2);
    assert_eq!(r.first_response.by_priority.get("medium"), Some(&rf(0, 0, 0, 0, None, None)));
    assert_eq!(r.open_load.by_dept.get("QA").map(|l| l.issues), Some(1), "only issue 1 is high");
    assert_eq!(r.tasks.by_dept.get("QA").map(|t| t.overdue_now), Some(0), "issue 4 is medium");
}

#[test]
fn empty_period_and_empty_database_have_no_data_and_no_division() {
    let later = Scope { from: day("2027-01-04"), to: day("2027-01-10"), dept: None, priority: None };
    let r = Report::compute(&facts(), &later, now(), &cal());
    assert_eq!(r.registered, 0);
    assert!(r.first_response.by_dept.0.iter().all(|(_, f)| f.decided() == 0 && f.median_hours.is_none()));
    assert!(r.weekly.iter().all(|w| w.first_response_met_share.is_none()));
    assert!(!r.is_empty(), "the open load is as of now, whatever the period");

    let nothing = Facts { departments: vec!["RD".into()], ..Facts::default() };
    let r = Report::compute(&nothing, &scope(), now(), &cal());
    assert!(r.is_empty());
    assert_eq!(r.weekly.len(), 3);
    let json = serde_json::to_value(&r).expect("json");
    assert!(json["first_response"]["by_dept"]["RD"]["median_hours"].is_null());
}

#[test]
fn a_single_issue() {
    let mut one = facts();
    one.issues.truncate(1);
    one.tasks.truncate(1);
    one.risks.clear();
    one.minutes.clear();
    let r = Report::compute(&one, &scope(), now(), &cal());
    assert_eq!(r.first_response.all, rf(1, 0, 0, 0, Some(4.0), Some(4.0)));
    assert_eq!(r.weekly[0].first_response_met_share, Some(1.0));
}

#[test]
fn json_has_the_promised_shape() {
    let r = Report::compute(&facts(), &scope(), now(), &cal());
    let json = serde_json::to_value(&r).expect("json");
    assert_eq!(json["period"]["from"], "2026-09-28");
    for key in ["met", "met_late", "missed", "median_hours", "p90_hours"] {
        assert!(json["first_response"]["by_priority"]["high"].get(key).is_some(), "{key}");
        assert!(json["first_response"]["by_dept"]["RD"].get(key).is_some(), "{key}");
    }
    assert_eq!(json["tasks"]["by_dept"]["QA"]["overdue_now"], 1);
    assert_eq!(json["risk_alerts"]["by_dept"]["QA"]["timely"], 1);
    assert_eq!(json["resolution"]["by_priority"]["high"]["refusals"], 1);
    assert_eq!(json["open_load"]["by_dept"]["QA"]["age"]["4to10"], 2);
    assert_eq!(json["escalations"]["by_dept"]["QA"], 2);
    assert_eq!(json["weekly"][0]["week"], "2026-W40");
    assert_eq!(json["weekly"][0]["first_response_met_share"], 0.5);
}

#[test]
fn behind_names_the_issues_of_a_number_worst_first() {
    let (f, s, n, c) = (facts(), scope(), now(), cal());
    let numbers = |figure, dept| -> Vec<String> {
        behind(&f, &s, figure, dept, n, &c).into_iter().map(|b| f.issues[b.issue].number.clone()).collect()
    };
    assert_eq!(numbers(Figure::FirstResponse, Some("QA")), ["N2", "N1"], "missed, then late");
    assert_eq!(numbers(Figure::FirstResponse, Some("MKT")), Vec::<String>::new());
    assert_eq!(numbers(Figure::Tasks, Some("QA")), ["N4", "N1"], "overdue, then late");
    assert_eq!(numbers(Figure::RiskAlerts, Some("RD")), ["N1"]);
    assert_eq!(numbers(Figure::OpenLoad, Some("QA")), ["N4", "N1", "N2"], "all overdue, oldest first");
    assert_eq!(numbers(Figure::Escalations, None), ["N1", "N2"]);
    assert_eq!(numbers(Figure::Minutes, Some("RD")), ["N1", "N2"]);
    // The count behind each department's bar is the bar's number.
    let r = Report::compute(&f, &s, n, &c);
    for (dept, load) in &r.open_load.by_dept.0 {
        assert_eq!(numbers(Figure::OpenLoad, Some(dept)).len() as u32, load.issues, "{dept}");
    }
}

/// The dataset's departments with their names.
pub(crate) fn departments() -> Vec<crate::domain::Department> {
    [("MKT", "市场部"), ("QA", "测试部"), ("RD", "研发部")]
        .iter()
        .map(|(code, name)| crate::domain::Department {
            code: code.to_string(),
            name: name.to_string(),
            head: None,
        })
        .collect()
}

#[test]
fn tables_have_a_cell_per_column_and_rows_traced_to_their_issues() {
    use super::table::{Tables, Trace};
    let (f, s, n, c) = (facts(), scope(), now(), cal());
    let r = Report::compute(&f, &s, n, &c);
    let depts = departments();
    for lang in [Lang::En, Lang::Zh] {
        let tables = Tables::new(&r, &depts, lang);
        for table in tables.all().into_iter().chain([tables.by_priority()]) {
            for row in &table.rows {
                assert_eq!(row.cells.len(), table.columns.len(), "{}: {row:?}", table.title);
            }
        }
        for figure in Figure::ALL {
            let table = tables.figure(figure);
            let codes: Vec<_> = table.rows.iter().filter_map(|row| row.cells[0].short.clone()).collect();
            assert_eq!(codes, ["MKT", "QA", "RD"], "{figure:?}: a row per department, named by its code");
            for (row, code) in table.rows.iter().zip(&codes) {
                let want = Trace { figure, dept: Some(code.clone()) };
                assert_eq!(row.drill.as_ref(), Some(&want));
            }
        }
        // The numbers of a count figure are the issues behind its rows.
        for row in &tables.open_load().rows {
            let trace = row.drill.as_ref().expect("traced");
            let found = behind(&f, &s, trace.figure, trace.dept.as_deref(), n, &c);
            assert_eq!(found.len().to_string(), row.cells[1].text, "{trace:?}");
        }
        // How numbers read: shares, hours, nothing counted.
        let response = tables.response_by_dept();
        let cells = |code: &str| -> Vec<String> {
            let row = response.rows.iter().find(|row| row.cells[0].short.as_deref() == Some(code));
            row.expect("a row").cells.iter().map(|c| c.text.clone()).collect()
        };
        let none = lang.pick("no data", "无数据");
        assert_eq!(cells("MKT"), ["MKT 市场部", "0", "0", "0", "0", none, "—", "—"]);
        assert_eq!(cells("RD"), ["RD 研发部", "1", "1", "0", "1", "50%", "4.0", "6.0"]);
        assert_eq!(response.rows[2].cells[5].bar, Some(0.5), "a share's bar is the share");
    }
}

#[test]
fn chinese_in_the_tables_uses_full_width_punctuation() {
    use super::table::Tables;
    let r = Report::compute(&facts(), &scope(), now(), &cal());
    let depts = departments();
    let tables = Tables::new(&r, &depts, Lang::Zh);
    let cjk = |c: char| ('\u{4e00}'..='\u{9fff}').contains(&c);
    let mut texts = Vec::new();
    for table in tables.all().into_iter().chain([tables.by_priority()]) {
        texts.push(table.title.clone());
        for column in &table.columns {
            texts.extend([column.label.clone()].into_iter().chain(column.short.clone()));
        }
        for row in &table.rows {
            texts.extend(row.cells.iter().map(|c| c.text.clone()));
        }
    }
    for figure in Figure::ALL {
        texts.push(figure.label(Lang::Zh).to_string());
        for b in behind(&facts(), &scope(), figure, None, now(), &cal()) {
            texts.push(b.note.zh);
        }
    }
    for text in texts.iter().filter(|t| t.chars().any(cjk)) {
        assert!(!text.contains([',', ':', ';', '(', ')', '?', '!']), "ASCII punctuation in {text:?}");
    }
}
