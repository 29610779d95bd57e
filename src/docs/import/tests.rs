//! Property tests of the CSV and JSON readers: whatever the bytes, no panic, and either a clean
//! refusal (problems with a row or the file named) or records that keep the rule book.

use chrono::NaiveDate;
use proptest::prelude::*;

use super::rows::{RowContext, records};
use super::{Kind, json, kind_of, table};
use crate::domain::rules::violations;
use crate::domain::*;

fn people() -> Vec<Person> {
    [("li", "李经理", "MKT"), ("wang", "王工", "RD"), ("root", "管理员", "OPS")]
        .iter()
        .map(|(l, n, d)| Person {
            login: l.to_string(),
            display_name: n.to_string(),
            dept: d.to_string(),
            role: Role::Member,
        })
        .collect()
}

fn depts() -> Vec<Department> {
    [("MKT", "市场部"), ("RD", "研发部"), ("OPS", "运营部")]
        .iter()
        .map(|(c, n)| Department { code: c.to_string(), name: n.to_string(), head: None })
        .collect()
}

/// Reads CSV bytes as an import would; checks what comes out.
fn check_csv(bytes: &[u8]) {
    let (people, depts, cal) = (people(), depts(), Calendar::weekends_only());
    let now = NaiveDate::from_ymd_opt(2026, 1, 5).and_then(|d| d.and_hms_opt(12, 0, 0)).expect("a time");
    let cx = RowContext {
        people: &people,
        depts: &depts,
        settings: Settings::default(),
        calendar: &cal,
        importer: "root",
        now,
        file: "p.csv",
    };
    let Ok(kind) = kind_of("p.csv", bytes) else { return };
    if kind != Kind::Csv {
        return;
    }
    let Ok(t) = table::read(kind, bytes, None) else { return };
    let (recs, problems) = records(&t, &cx);
    for p in &problems {
        assert!(!p.line(crate::i18n::Lang::En).is_empty());
    }
    for (row, r) in recs {
        let broken = violations(&r, &people);
        assert!(
            broken.is_empty(),
            "row {row} passes the reader but breaks {:?}",
            broken.iter().map(|v| v.rule).collect::<Vec<_>>()
        );
    }
}

const HEADER: &str = "问题编号,标题,背景,具体诉求,涉及部门,提出部门,提出人,提出时间,优先级,状态,解决方案,解决时间,负责人,反馈人,复盘,归档时间";

fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("研发部".to_string()),
        Just("RD、MKT".to_string()),
        Just("李经理".to_string()),
        Just("wang".to_string()),
        Just("2023-10-25 09:30".to_string()),
        Just("2023年10月26日".to_string()),
        Just("2027-01-01".to_string()),
        Just("高".to_string()),
        Just("已解决".to_string()),
        Just("已归档".to_string()),
        Just("进行中".to_string()),
        Just("待验收".to_string()),
        Just("20231025-MKT-001".to_string()),
        Just("=1+1".to_string()),
        Just("\"引号,逗号\"".to_string()),
        "[\\PC]{0,12}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn any_bytes_as_csv_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        check_csv(&bytes);
    }

    #[test]
    fn template_rows_import_cleanly_or_are_refused(rows in proptest::collection::vec(proptest::collection::vec(cell(), 16), 1..6)) {
        let mut text = String::from(HEADER);
        for row in rows {
            text.push('\n');
            text.push_str(&row.join(","));
        }
        check_csv(text.as_bytes());
    }

    #[test]
    fn any_text_as_json_never_panics(text in "[\\PC{}\\[\\]\":,0-9a-z]{0,300}") {
        let parsed = json::parse(&text);
        for p in &parsed.problems {
            prop_assert!(!p.line(crate::i18n::Lang::Zh).is_empty());
        }
    }

    #[test]
    fn a_cut_export_never_panics(cut in 0usize..2000) {
        let text = sample_export();
        let end = (0..=cut.min(text.len())).rev().find(|i| text.is_char_boundary(*i)).unwrap_or(0);
        let parsed = json::parse(&text[..end]);
        let people = people();
        for (_, r) in &parsed.records {
            // What parses is checked by the store against the rule book; here: no panic.
            let _ = violations(r, &people);
        }
    }
}

fn sample_export() -> String {
    serde_json::json!({
        "format": "liaison-export", "version": 1, "departments": [], "people": [],
        "issues": [{
            "id": 1, "number": "20231025-MKT-001", "proposer_dept": "MKT", "proposer": "li",
            "proposed_at": "2023-10-25T09:30:00+08:00", "priority": "high", "title": "积分兑换",
            "background": "背景", "request": "诉求", "departments": ["RD"], "status": "registered",
            "response_due_at": "2023-10-26T09:30:00+08:00", "response_in_hours": true,
            "first_response_at": null, "first_response_by": null, "response_waived": null,
            "escalations": [], "resolution": null, "acceptance": null, "retrospective": null,
            "archived_at": null, "version": 1, "updated_at": "2023-10-25T09:30:00+08:00", "updated_by": "li",
            "meetings": [], "tasks": [], "progress": [], "risks": [], "comments": [], "events": []
        }]
    })
    .to_string()
}

#[test]
fn the_sample_export_reads_whole() {
    let parsed = json::parse(&sample_export());
    assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
    assert_eq!(parsed.records.len(), 1);
}
