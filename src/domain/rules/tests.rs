use chrono::{NaiveDate, NaiveDateTime};

use super::*;

fn at(text: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap()
}

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

fn person(login: &str, dept: &str, role: Role) -> Person {
    Person { login: login.into(), display_name: login.into(), dept: dept.into(), role }
}

/// An issue proposed by li of OPS, involving RD and QA, registered and unanswered.
fn record() -> IssueRecord {
    IssueRecord {
        issue: Issue {
            id: 1,
            number: "20261030-OPS-001".into(),
            proposer_dept: "OPS".into(),
            proposer: "li".into(),
            proposed_at: at("2026-10-26 09:00"),
            priority: Priority::Medium,
            title: "t".into(),
            background: "b".into(),
            request: "r".into(),
            departments: vec!["OPS".into(), "QA".into(), "RD".into()],
            status: Status::Registered,
            response_due_at: at("2026-10-29 23:59"),
            response_in_hours: false,
            first_response_at: None,
            first_response_by: None,
            response_waived: None,
            escalations: Vec::new(),
            resolution: None,
            acceptance: None,
            retrospective: None,
            archived_at: None,
            version: 1,
            updated_at: at("2026-10-26 09:00"),
            updated_by: "li".into(),
        },
        meetings: Vec::new(),
        tasks: Vec::new(),
        progress: Vec::new(),
        risks: Vec::new(),
        comments: Vec::new(),
        events: Vec::new(),
    }
}

fn task(seq: i64, dept: &str, state: TaskState, percent: u8) -> Task {
    Task {
        id: seq,
        seq,
        dept: dept.into(),
        title: "x".into(),
        owner: "wang".into(),
        deadline: day("2026-11-10"),
        state,
        percent,
    }
}

struct People {
    li: Person,
    ops2: Person,
    wang: Person,
    qian: Person,
    zhou: Person,
}

fn people() -> People {
    People {
        li: person("li", "OPS", Role::Member),
        ops2: person("zhao", "OPS", Role::Member),
        wang: person("wang", "RD", Role::Member),
        qian: person("qian", "QA", Role::Member),
        zhou: person("zhou", "MKT", Role::Coordinator),
    }
}

fn ask<'a>(me: &'a Person, cal: &'a Calendar) -> Ask<'a> {
    Ask { me, now: at("2026-10-27 10:00"), cal }
}

#[test]
fn the_proposing_side_does_not_respond() {
    let cal = Calendar::weekends_only();
    let p = people();
    let r = record();
    // Acknowledging one's own issue is refused, and says who can.
    let no = may(Action::Acknowledge, &r, ask(&p.li, &cal)).unwrap_err();
    assert!(no.message(Lang::Zh).contains("提出方"), "{}", no.message(Lang::Zh));
    assert!(may(Action::Acknowledge, &r, ask(&p.ops2, &cal)).is_err());
    // A comment is allowed but does not count, and the outcome says so.
    let comment = may(Action::Comment, &r, ask(&p.li, &cal)).unwrap();
    assert!(!comment.first_response && comment.note.is_some());
    assert_eq!(comment.status, Status::Registered);
    // RD's acknowledgement is the first response.
    let ack = may(Action::Acknowledge, &r, ask(&p.wang, &cal)).unwrap();
    assert!(ack.first_response && ack.note.is_none());
    assert_eq!(ack.status, Status::InProgress);
}

#[test]
fn a_solution_waits_for_a_response_or_a_coordinators_reason() {
    let cal = Calendar::weekends_only();
    let p = people();
    let r = record();
    // A member of the proposing side cannot go ahead without a response.
    assert!(may(Action::Resolve, &r, ask(&p.li, &cal)).is_err());
    // RD resolving is itself the response.
    let outcome = check(&Act::Resolve { waiver: None }, &r, ask(&p.wang, &cal)).unwrap();
    assert!(outcome.first_response);
    // A coordinator may, with a reason only.
    assert!(may(Action::Resolve, &r, ask(&p.zhou, &cal)).is_ok());
    let no = check(&Act::Resolve { waiver: None }, &r, ask(&p.zhou, &cal)).unwrap_err();
    assert!(no.message(Lang::En).contains("--without-response"), "{}", no.message(Lang::En));
    assert!(check(&Act::Resolve { waiver: Some("电话沟通已解决") }, &r, ask(&p.zhou, &cal)).is_ok());
}

#[test]
fn a_solution_needs_the_work_closed() {
    let cal = Calendar::weekends_only();
    let p = people();
    let mut r = record();
    r.issue.status = Status::InProgress;
    r.issue.first_response_at = Some(at("2026-10-26 10:00"));
    r.issue.first_response_by = Some("wang".into());
    r.tasks = vec![task(1, "RD", TaskState::Doing, 60), task(2, "QA", TaskState::Todo, 0)];
    let no = may(Action::Resolve, &r, ask(&p.wang, &cal)).unwrap_err();
    let zh = no.message(Lang::Zh);
    assert!(zh.contains("#1 RD 60%") && zh.contains("#2 QA 0%"), "{zh}");
    r.tasks[0].set_progress(Some(TaskState::Done), None);
    r.tasks[1].state = TaskState::Cancelled;
    assert!(may(Action::Resolve, &r, ask(&p.wang, &cal)).is_ok());
    // An objection to the minutes blocks it too, until the recorder amends them.
    r.meetings.push(Meeting {
        id: 1,
        seq: 1,
        held_at: at("2026-10-26 15:00"),
        mode: MeetingMode::Online,
        participants: vec![Participant {
            login: "qian".into(),
            dept: "QA".into(),
            confirmation: Confirmation::Objected,
            note: Some("范围不对".into()),
            answered_at: Some(at("2026-10-26 16:00")),
            proxy: None,
        }],
        summary: "s".into(),
        disputes: String::new(),
        consensus: "c".into(),
        recorder: "wang".into(),
        version: 1,
    });
    let no = may(Action::Resolve, &r, ask(&p.wang, &cal)).unwrap_err();
    assert!(no.message(Lang::En).contains("#1 qian"), "{}", no.message(Lang::En));
    // The objection cannot be answered again, only amended away.
    let again = Act::AnswerMinutes { meeting: 1, participant: "qian", proxy_reason: None };
    assert!(check(&again, &r, ask(&p.qian, &cal)).is_err());
    assert!(check(&Act::AmendMinutes { meeting: 1 }, &r, ask(&p.qian, &cal)).is_err());
    assert!(check(&Act::AmendMinutes { meeting: 1 }, &r, ask(&p.wang, &cal)).is_ok());
}

#[test]
fn acceptance_is_the_feedback_persons_or_on_their_behalf() {
    let cal = Calendar::weekends_only();
    let p = people();
    let mut r = record();
    r.issue.status = Status::AwaitingAcceptance;
    r.issue.first_response_at = Some(at("2026-10-26 10:00"));
    r.issue.resolution = Some(Resolution {
        solution: "s".into(),
        resolved_at: at("2026-10-27 09:00"),
        owner: "wang".into(),
        feedback: "li".into(),
    });
    assert!(check(&Act::Accept { proxy_reason: None }, &r, ask(&p.li, &cal)).is_ok());
    assert!(may(Action::Accept, &r, ask(&p.wang, &cal)).is_err());
    assert!(may(Action::Accept, &r, ask(&p.zhou, &cal)).is_ok());
    let no = check(&Act::Accept { proxy_reason: None }, &r, ask(&p.zhou, &cal)).unwrap_err();
    assert!(no.message(Lang::Zh).contains("注明原因"), "{}", no.message(Lang::Zh));
    assert!(check(&Act::Refuse { proxy_reason: Some("电话确认") }, &r, ask(&p.zhou, &cal)).is_ok());
}

#[test]
fn tasks_belong_to_involved_departments_and_start_from_today() {
    let cal = Calendar::weekends_only();
    let p = people();
    let mut r = record();
    r.issue.status = Status::InProgress;
    let past = Act::AddTask { dept: "RD", deadline: day("2026-10-17"), involve: false };
    assert!(check(&past, &r, ask(&p.wang, &cal)).unwrap_err().message(Lang::En).contains("already passed"));
    let today = Act::AddTask { dept: "RD", deadline: day("2026-10-27"), involve: false };
    assert!(check(&today, &r, ask(&p.wang, &cal)).is_ok());
    let outside = Act::AddTask { dept: "MKT", deadline: day("2026-11-02"), involve: false };
    let no = check(&outside, &r, ask(&p.zhou, &cal)).unwrap_err();
    assert!(no.message(Lang::En).contains("--involve"), "{}", no.message(Lang::En));
    let involve = Act::AddTask { dept: "MKT", deadline: day("2026-11-02"), involve: true };
    assert!(check(&involve, &r, ask(&p.zhou, &cal)).is_ok());
    // A member of RD may not pull another department in.
    let rd_involves = Act::AddTask { dept: "MKT", deadline: day("2026-11-02"), involve: true };
    assert!(check(&rd_involves, &r, ask(&p.wang, &cal)).is_err());
}

#[test]
fn risks_only_on_open_tasks() {
    let cal = Calendar::weekends_only();
    let p = people();
    let mut r = record();
    r.issue.status = Status::InProgress;
    r.tasks = vec![task(1, "RD", TaskState::Done, 100), task(2, "RD", TaskState::Doing, 10)];
    let done = Act::RaiseRisk { task: 1, new_deadline: None };
    assert!(check(&done, &r, ask(&p.wang, &cal)).unwrap_err().message(Lang::Zh).contains("已完成"));
    assert!(check(&Act::RaiseRisk { task: 2, new_deadline: None }, &r, ask(&p.wang, &cal)).is_ok());
    let past = Act::RaiseRisk { task: 2, new_deadline: Some(day("2026-10-20")) };
    assert!(check(&past, &r, ask(&p.wang, &cal)).is_err());
}

#[test]
fn escalations_can_be_raised_again_and_closed() {
    let cal = Calendar::weekends_only();
    let p = people();
    let mut r = record();
    r.issue.status = Status::InProgress;
    assert!(may(Action::Escalate, &r, ask(&p.wang, &cal)).is_ok());
    assert!(may(Action::CloseEscalation, &r, ask(&p.zhou, &cal)).is_err());
    r.issue.escalations.push(Escalation {
        seq: 1,
        reason: "一次".into(),
        to: "root".into(),
        by: "wang".into(),
        at: at("2026-10-26 10:00"),
        closed: None,
    });
    assert!(may(Action::Escalate, &r, ask(&p.wang, &cal)).is_ok());
    assert!(may(Action::CloseEscalation, &r, ask(&p.zhou, &cal)).is_ok());
    assert!(r.issue.escalated_now());
}

#[test]
fn undo_only_my_last_change() {
    let cal = Calendar::weekends_only();
    let p = people();
    let mut r = record();
    r.issue.status = Status::InProgress;
    r.issue.version = 5;
    r.issue.updated_by = "li".into();
    let undo = Act::Undo { of: Action::EditDescription, version: 5 };
    assert!(check(&undo, &r, ask(&p.li, &cal)).is_ok());
    r.issue.version = 6;
    r.issue.updated_by = "wang".into();
    assert!(check(&undo, &r, ask(&p.li, &cal)).unwrap_err().message(Lang::En).contains("wang changed"));
}

#[test]
fn task_state_follows_percent() {
    let mut t = task(1, "RD", TaskState::Todo, 0);
    t.set_progress(None, Some(40));
    assert_eq!((t.state, t.percent), (TaskState::Doing, 40));
    t.set_progress(None, Some(100));
    assert_eq!(t.state, TaskState::Done);
    t.set_progress(None, Some(80));
    assert_eq!(t.state, TaskState::Doing);
    t.set_progress(Some(TaskState::Blocked), Some(50));
    assert_eq!((t.state, t.percent), (TaskState::Blocked, 50));
    t.set_progress(Some(TaskState::Done), None);
    assert_eq!((t.state, t.percent), (TaskState::Done, 100));
    t.set_progress(Some(TaskState::Todo), None);
    assert_eq!((t.state, t.percent), (TaskState::Todo, 0));
}

#[test]
fn invariants_name_contradictions() {
    let p = people();
    let everyone = [p.li.clone(), p.wang.clone(), p.qian.clone(), p.zhou.clone()];
    let mut r = record();
    assert!(violations(&r, &everyone).is_empty());
    r.issue.status = Status::Archived;
    r.tasks = vec![task(1, "RD", TaskState::Doing, 60)];
    r.issue.first_response_at = Some(at("2026-10-26 10:00"));
    r.issue.first_response_by = Some("li".into());
    let rules: Vec<&str> = violations(&r, &everyone).iter().map(|v| v.rule).collect();
    for want in [
        "solution_missing",
        "closed_without_acceptance",
        "archived_without_retrospective",
        "open_task_under_solution",
        "first_response_by_proposer",
    ] {
        assert!(rules.contains(&want), "{want} not in {rules:?}");
    }
}
