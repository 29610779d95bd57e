use chrono::NaiveDateTime;
use serde_json::json;

use super::*;
use crate::domain::*;

fn at(text: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").expect("a time")
}

fn contact(login: &str, dept: &str, role: Role) -> Contact {
    Contact {
        login: login.into(),
        name: format!("{login}-name"),
        dept: dept.into(),
        role: Some(role),
        email: Some(format!("{login}@example.com")),
        mobile: Some("13800000000".into()),
        wecom_id: Some(format!("wx-{login}")),
        muted: Vec::new(),
    }
}

fn record() -> IssueRecord {
    IssueRecord {
        issue: Issue {
            id: 1,
            number: "20261030-OPS-001".into(),
            proposer_dept: "OPS".into(),
            proposer: "li".into(),
            proposed_at: at("2026-10-26 09:00"),
            priority: Priority::High,
            title: "报表导出超时".into(),
            background: "b".into(),
            request: "r".into(),
            departments: vec!["QA".into(), "RD".into()],
            status: Status::Registered,
            response_due_at: at("2026-10-27 09:00"),
            response_in_hours: true,
            first_response_at: None,
            first_response_by: None,
            response_waived: None,
            escalations: Vec::new(),
            resolution: Some(Resolution {
                solution: "s".into(),
                resolved_at: at("2026-10-28 09:00"),
                owner: "wang".into(),
                feedback: "li".into(),
            }),
            acceptance: None,
            retrospective: None,
            archived_at: None,
            version: 1,
            updated_at: at("2026-10-26 09:00"),
            updated_by: "li".into(),
        },
        meetings: vec![Meeting {
            id: 1,
            seq: 1,
            held_at: at("2026-10-26 10:00"),
            mode: MeetingMode::Online,
            participants: vec![
                Participant {
                    login: "wang".into(),
                    dept: "RD".into(),
                    confirmation: Confirmation::Pending,
                    note: None,
                    answered_at: None,
                    proxy: None,
                },
                Participant {
                    login: "zhou".into(),
                    dept: "OPS".into(),
                    confirmation: Confirmation::Confirmed,
                    note: None,
                    answered_at: None,
                    proxy: None,
                },
            ],
            summary: "s".into(),
            disputes: String::new(),
            consensus: "c".into(),
            recorder: "zhou".into(),
            version: 1,
        }],
        tasks: Vec::new(),
        progress: Vec::new(),
        risks: Vec::new(),
        comments: Vec::new(),
        events: Vec::new(),
    }
}

struct World {
    people: Vec<Contact>,
    departments: Vec<Department>,
    routes: Vec<Route>,
}

fn world() -> World {
    let dept = |code: &str, head: Option<&str>| Department {
        code: code.into(),
        name: code.into(),
        head: head.map(str::to_string),
    };
    World {
        people: vec![
            contact("li", "OPS", Role::Member),
            contact("zhou", "OPS", Role::Coordinator),
            contact("wang", "RD", Role::Member),
            contact("qian", "QA", Role::Member),
            contact("boss", "RD", Role::Member),
        ],
        departments: vec![dept("OPS", None), dept("RD", Some("boss")), dept("QA", Some("qian"))],
        routes: vec![
            Route { id: 1, kind: ChannelKind::Wecom, depts: vec!["RD".into()] },
            Route { id: 2, kind: ChannelKind::Dingtalk, depts: vec!["QA".into()] },
            Route { id: 3, kind: ChannelKind::Feishu, depts: vec!["OPS".into()] },
            Route { id: 4, kind: ChannelKind::Email, depts: Vec::new() },
            Route { id: 5, kind: ChannelKind::Webhook, depts: Vec::new() },
            Route { id: 6, kind: ChannelKind::Wecom, depts: Vec::new() },
        ],
    }
}

/// (channel, recipient or mentioned logins) of each message.
fn sent(kind: EventKind, after: serde_json::Value, actor: &str, w: &World) -> Vec<(i64, String)> {
    let r = record();
    let h = Happening { kind, record: &r, actor, after: &after, at: at("2026-10-26 11:00"), event_id: 7 };
    let dir = Directory { people: &w.people, departments: &w.departments, routes: &w.routes };
    messages(&h, &dir)
        .into_iter()
        .map(|m| {
            let who = m
                .recipient
                .clone()
                .unwrap_or_else(|| m.mentions.iter().map(|x| x.login.as_str()).collect::<Vec<_>>().join(","));
            (m.channel, who)
        })
        .collect()
}

fn pairs(list: &[(i64, &str)]) -> Vec<(i64, String)> {
    list.iter().map(|(c, w)| (*c, w.to_string())).collect()
}

/// An event, what it records, who did it, and (channel, who) of each message it causes.
type Case = (EventKind, serde_json::Value, &'static str, Vec<(i64, &'static str)>);

#[test]
fn each_event_reaches_the_channels_and_people_it_concerns() {
    use EventKind::*;
    let w = world();
    let cases: Vec<Case> = vec![
        // Registration: every involved department (RD, QA) and their heads; the coordinators' group.
        (
            Registered,
            json!({}),
            "li",
            vec![(5, ""), (1, "boss"), (2, "qian"), (4, "qian"), (4, "boss"), (6, "qian,boss")],
        ),
        // Minutes: each participant but the recorder, asked to confirm.
        (
            MeetingRecorded,
            json!({"meeting": 1}),
            "zhou",
            vec![(5, ""), (1, "wang"), (4, "wang"), (6, "wang")],
        ),
        // A task: its owner, @-mentioned in their department's group.
        (
            TaskAdded,
            json!({"task": 1, "dept": "RD", "owner": "wang", "title": "t", "deadline": "2026-10-30"}),
            "zhou",
            vec![(5, ""), (1, "wang"), (4, "wang"), (6, "wang")],
        ),
        // An escalation: its target and the coordinators.
        (
            Escalated,
            json!({"to": "RD", "reason": "r"}),
            "li",
            vec![(5, ""), (1, "boss"), (4, "boss"), (4, "zhou"), (6, "boss")],
        ),
        // A solution: the feedback person, asked to accept.
        (
            Resolved,
            json!({"feedback": "li", "solution": "s"}),
            "wang",
            vec![(5, ""), (3, "li"), (4, "li"), (6, "li")],
        ),
        // A comment: only the company's systems.
        (Commented, json!({"body": "x"}), "wang", vec![(5, "")]),
        // Archive: the departments involved, nobody to act.
        (Archived, json!({}), "zhou", vec![(5, ""), (1, ""), (2, ""), (6, "")]),
    ];
    for (kind, after, actor, expected) in cases {
        assert_eq!(sent(kind, after, actor, &w), pairs(&expected), "{kind}");
    }
}

#[test]
fn the_actor_and_those_who_muted_a_kind_are_not_told() {
    let mut w = world();
    w.people.iter_mut().find(|p| p.login == "qian").expect("qian").muted = vec!["registered".into()];
    let got = sent(EventKind::Registered, json!({}), "boss", &w);
    assert_eq!(got, pairs(&[(5, ""), (1, ""), (2, ""), (6, "")]));
}

#[test]
fn texts_are_bilingual_and_cut_at_a_character_boundary() {
    let w = world();
    let r = record();
    let after =
        json!({"task": 1, "dept": "RD", "owner": "wang", "title": "修复导出", "deadline": "2026-10-30"});
    let h = Happening {
        kind: EventKind::TaskAdded,
        record: &r,
        actor: "zhou",
        after: &after,
        at: at("2026-10-26 11:00"),
        event_id: 7,
    };
    let dir = Directory { people: &w.people, departments: &w.departments, routes: &w.routes };
    let m = &messages(&h, &dir)[1];
    assert!(
        m.subject.contains("20261030-OPS-001")
            && m.subject.contains("新任务")
            && m.subject.contains("New task")
    );
    assert!(
        m.body.contains("修复导出") && m.body.contains("Owner") && m.body.contains("负责人"),
        "{}",
        m.body
    );
    let cut = fit(&"问题".repeat(100), 31);
    assert!(cut.len() <= 31 && cut.ends_with('…'), "{cut}");
    assert_eq!(fit("short", 10), "short");
}

#[test]
fn a_digest_lists_each_section_and_a_burst_is_one_message_per_channel() {
    let d = Department { code: "RD".into(), name: "研发部".into(), head: None };
    let items = DigestItems { overdue: vec!["A-1 t：#1".into()], ..DigestItems::default() };
    let (subject, body) = digest(&d, chrono::NaiveDate::from_ymd_opt(2026, 11, 30).expect("a day"), &items);
    assert!(subject.contains("RD") && subject.contains("2026-11-30"));
    assert!(body.contains("已逾期 Overdue（1）") && body.contains("A-1 t"), "{body}");
    let w = world();
    let issues: Vec<(String, Vec<String>)> =
        (0..30).map(|i| (format!("N-{i}"), vec![if i % 2 == 0 { "RD" } else { "QA" }.to_string()])).collect();
    let out = burst(&w.routes, &issues, "import");
    let channels: Vec<i64> = out.iter().map(|m| m.channel).collect();
    assert_eq!(channels, vec![1, 2, 3, 5, 6].into_iter().filter(|c| *c != 3).collect::<Vec<_>>());
    assert!(out[0].body.contains("15 条问题"), "{}", out[0].body);
}
