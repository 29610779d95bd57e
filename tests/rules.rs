//! The rule book, from both of its callers: the console's form preflight and the store.
//!
//! 1. A table over every form × stage × person × precondition: where the console opens a form,
//!    some way of filling it in is accepted by the store; where it refuses the form, the store
//!    refuses every way of filling it in, and leaves the issue as it was.
//! 2. A property test: random histories of actions by random people (coordinators answering for
//!    others, admins running commands as someone, past and future dates, cancelled tasks, amended
//!    minutes) through the store on a real file. After every step no record breaks an invariant
//!    (`rules::violations`), and a refused step leaves every record exactly as it was.

mod rules_support;
#[allow(dead_code)]
mod store_support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono::{Duration, NaiveDateTime};
use liaison::domain::rules::violations;
use liaison::domain::*;
use liaison::i18n::Lang;
use liaison::store::{Ctx, Registration, Store, StoreError};
use liaison::tui::form::FormKind;
use liaison::tui::form::kinds::{Env, preflight};
use proptest::prelude::*;
use rules_support::history::{Op, Step, step};
use rules_support::{Call, at, candidates, open_copy, scratch_dir, with_suffix};
use store_support::{ADMIN, BACKGROUND, PEOPLE, REQUEST, draft};

// ---------------------------------------------------------------------------------------------
// The world: one database file with an issue at each stage and precondition

/// "Now" for the table: Thursday 2023-10-26 10:00, the day after the issues were registered.
fn table_now() -> NaiveDateTime {
    at("2023-10-26 10:00")
}

fn everyone() -> Vec<Person> {
    let mut all = vec![Person {
        login: ADMIN.into(),
        display_name: "管理员".into(),
        dept: "OPS".into(),
        role: Role::Admin,
    }];
    for &(login, name, dept, role) in PEOPLE {
        all.push(Person { login: login.into(), display_name: name.into(), dept: dept.into(), role });
    }
    all
}

/// A database with OPS (the admin's), RD, MKT and QA and the people of `PEOPLE`; closed, so the
/// file alone holds it.
fn new_database(path: &Path) -> Vec<Person> {
    let people = everyone();
    let mut store = Store::open(path).expect("open a new database");
    let admin = &people[0];
    let ops = Department { code: "OPS".into(), name: "运营部".into(), head: None };
    store.init(at("2023-10-25 08:00"), &ops, admin).expect("init");
    let ctx = ctx_of(admin, at("2023-10-25 08:00"));
    for (code, name) in [("RD", "研发部"), ("MKT", "市场部"), ("QA", "测试部")] {
        let dept = Department { code: code.into(), name: name.into(), head: None };
        store.add_department(&ctx, &dept).expect("add a department");
    }
    for person in &people[1..] {
        store.add_person(&ctx, person).expect("add a person");
    }
    people
}

fn ctx_of(person: &Person, now: NaiveDateTime) -> Ctx {
    Ctx { actor: Actor { person: person.clone(), on_behalf_of: None }, now, lang: Lang::En }
}

/// Builds the issues of one precondition, as `login` at `time` did each step.
struct Builder<'a> {
    store: &'a mut Store,
    people: &'a [Person],
}

impl Builder<'_> {
    fn ctx(&self, login: &str, time: &str) -> Ctx {
        let person = self.people.iter().find(|p| p.login == login).expect("a person of the fixture");
        ctx_of(person, at(time))
    }

    fn register(&mut self, login: &str, depts: &[&str]) -> String {
        let ctx = self.ctx(login, "2023-10-25 09:00");
        let reg = Registration {
            proposer_dept: None,
            proposed_at: None,
            priority: Priority::Medium,
            draft: draft("积分兑换接口开发", BACKGROUND, REQUEST, depts),
        };
        self.store.register(&ctx, &reg).expect("register").0.number
    }

    fn step(&mut self, login: &str, time: &str, number: &str, call: Call) {
        let ctx = self.ctx(login, time);
        call.run(self.store, &ctx, number).unwrap_or_else(|e| panic!("{login} {call:?} on {number}: {e}"));
    }
}

fn task(dept: &str, owner: &str) -> Call {
    Call::AddTask {
        dept: dept.into(),
        owner: owner.into(),
        deadline: at("2023-10-31 00:00").date(),
        involve: false,
    }
}

fn done(task: i64) -> Call {
    Call::UpdateTask { task, percent: Some(100), state: None, deadline: None }
}

fn resolve(feedback: Option<&str>, without_response: Option<&str>) -> Call {
    Call::Resolve {
        owner: "wang".into(),
        feedback: feedback.map(str::to_string),
        without_response: without_response.map(str::to_string),
    }
}

fn meeting(participants: &[&str]) -> Call {
    Call::Meeting { participants: participants.iter().map(|p| p.to_string()).collect() }
}

/// The issues of the table: (what is special about it, its number). Proposed by 李雷 of MKT for
/// RD and QA unless said otherwise.
fn build_issues(store: &mut Store, people: &[Person]) -> Vec<(&'static str, String)> {
    let mut b = Builder { store, people };
    let mut all = Vec::new();

    let n = b.register("li", &["RD", "QA"]);
    all.push(("registered", n));

    let n = b.register("li", &["RD", "QA"]);
    b.step("li", "2023-10-25 09:10", &n, Call::Comment);
    all.push(("registered, the proposer commented", n));

    let n = b.register("wang", &["RD"]);
    all.push(("registered, internal to RD", n));

    let n = b.register("li", &["RD", "QA"]);
    b.step("wang", "2023-10-25 10:00", &n, Call::Acknowledge);
    all.push(("in progress, no task", n));

    let n = b.register("li", &["RD", "QA"]);
    b.step("wang", "2023-10-25 10:00", &n, Call::Acknowledge);
    b.step("wang", "2023-10-25 10:05", &n, task("RD", "wang"));
    b.step("qian", "2023-10-25 10:06", &n, task("QA", "qian"));
    b.step("qian", "2023-10-25 10:07", &n, done(2));
    b.step("wang", "2023-10-25 10:10", &n, meeting(&["wang", "wang2", "qian", "li"]));
    all.push(("in progress, an open RD task, a done QA task, minutes pending", n));

    let n = b.register("li", &["RD", "QA"]);
    b.step("wang", "2023-10-25 10:00", &n, Call::Acknowledge);
    b.step("wang", "2023-10-25 10:05", &n, task("RD", "wang"));
    b.step("wang", "2023-10-25 10:06", &n, done(1));
    b.step("wang", "2023-10-25 10:10", &n, meeting(&["wang", "qian"]));
    let object = Call::Answer { meeting: 1, confirm: false, for_login: None, reason: None };
    b.step("qian", "2023-10-25 10:20", &n, object);
    all.push(("in progress, tasks done, an objection unanswered", n));

    let n = b.register("li", &["RD", "QA"]);
    b.step("wang", "2023-10-25 10:00", &n, Call::Acknowledge);
    b.step("li", "2023-10-25 10:30", &n, Call::Escalate);
    all.push(("in progress, escalated", n));

    let n = b.register("li", &["RD", "QA"]);
    b.step("wang", "2023-10-25 10:00", &n, Call::Acknowledge);
    b.step("wang", "2023-10-25 10:05", &n, task("RD", "wang"));
    b.step("wang", "2023-10-25 10:06", &n, Call::CancelTask { task: 1 });
    b.step("li", "2023-10-25 10:30", &n, Call::Escalate);
    b.step("li", "2023-10-25 10:40", &n, Call::CloseEscalation);
    all.push(("in progress, escalation closed, the only task cancelled", n));

    let n = b.register("li", &["RD", "QA"]);
    b.step("wang", "2023-10-25 10:00", &n, Call::Acknowledge);
    b.step("wang", "2023-10-25 10:10", &n, meeting(&["wang", "wang2"]));
    b.step("wang", "2023-10-25 11:00", &n, resolve(Some("li2"), None));
    all.push(("awaiting acceptance by li2, minutes pending", n));

    let n = b.register("li", &["RD", "QA"]);
    b.step("zhou", "2023-10-25 11:00", &n, resolve(None, Some("紧急故障,电话沟通后直接处理")));
    all.push(("awaiting acceptance with no response (waived)", n));

    let n = b.register("li", &["RD", "QA"]);
    b.step("wang", "2023-10-25 10:00", &n, Call::Acknowledge);
    b.step("li", "2023-10-25 10:30", &n, Call::Escalate);
    b.step("wang", "2023-10-25 11:00", &n, resolve(None, None));
    all.push(("awaiting acceptance, escalated", n));

    let n = b.register("li", &["RD", "QA"]);
    b.step("wang", "2023-10-25 10:00", &n, Call::Acknowledge);
    b.step("wang", "2023-10-25 10:05", &n, task("RD", "wang"));
    b.step("wang", "2023-10-25 10:06", &n, done(1));
    b.step("wang", "2023-10-25 11:00", &n, resolve(None, None));
    b.step("li", "2023-10-25 12:00", &n, Call::Acceptance { accept: false, for_reason: None });
    all.push(("in progress again after a refusal", n));

    let n = b.register("li", &["RD", "QA"]);
    b.step("wang", "2023-10-25 10:00", &n, Call::Acknowledge);
    b.step("wang", "2023-10-25 11:00", &n, resolve(None, None));
    b.step("li", "2023-10-25 12:00", &n, Call::Acceptance { accept: true, for_reason: None });
    all.push(("resolved", n));

    let n = b.register("li", &["RD", "QA"]);
    b.step("wang", "2023-10-25 10:00", &n, Call::Acknowledge);
    b.step("wang", "2023-10-25 11:00", &n, resolve(None, None));
    b.step(
        "zhou",
        "2023-10-25 12:00",
        &n,
        Call::Acceptance { accept: true, for_reason: Some("电话确认".into()) },
    );
    b.step("li", "2023-10-25 13:00", &n, Call::Archive);
    all.push(("archived", n));

    all
}

// ---------------------------------------------------------------------------------------------
// 1. The table

/// A working copy of the world's file, copied again only after a call changed it.
struct Copy {
    path: PathBuf,
    store: Option<Store>,
}

impl Copy {
    fn store(&mut self, template: &Path) -> &mut Store {
        self.store.get_or_insert_with(|| open_copy(template, &self.path))
    }

    fn spoil(&mut self) {
        self.store = None;
    }
}

#[derive(Default)]
struct Tally {
    combinations: usize,
    allowed: usize,
    calls: usize,
    copies: usize,
    disagreements: BTreeMap<String, Vec<String>>,
}

impl Tally {
    fn disagree(&mut self, kind: &str, line: String) {
        self.disagreements.entry(kind.to_string()).or_default().push(line);
    }
}

#[test]
fn the_console_and_the_store_agree_on_every_form_stage_role_and_precondition() {
    let started = Instant::now();
    let dir = scratch_dir();
    let template = dir.path().join("world.db");
    let people = new_database(&template);
    let mut store = Store::open(&template).expect("open the world");
    let issues = build_issues(&mut store, &people);
    let departments = store.departments().expect("departments");
    let calendar = store.calendar().expect("calendar");
    let records: Vec<(&str, IssueRecord)> =
        issues.iter().map(|(what, n)| (*what, store.record(n).expect("the record"))).collect();
    drop(store);
    assert!(!with_suffix(&template, "-wal").exists(), "the world is closed, so one file holds it");

    let now = table_now();
    let mut copy = Copy { path: dir.path().join("work.db"), store: None };
    let mut tally = Tally::default();
    let kinds: Vec<FormKind> = FormKind::ALL.iter().copied().filter(|k| k.on_issue()).collect();

    // Registering: not about an issue, once per person.
    for me in &people {
        let env = Env {
            me,
            people: &people,
            departments: &departments,
            calendar: &calendar,
            now,
            lang: Lang::En,
            record: None,
        };
        let console = preflight(FormKind::Register, &env);
        let ctx = ctx_of(me, now);
        let reg = Registration {
            proposer_dept: None,
            proposed_at: None,
            priority: Priority::High,
            draft: draft("积分兑换接口开发", BACKGROUND, REQUEST, &["RD"]),
        };
        let store = copy.store(&template);
        let result = store.register(&ctx, &reg).map(drop);
        tally.combinations += 1;
        tally.calls += 1;
        match (&console, &result) {
            (Ok(()), Ok(_)) | (Err(_), Err(StoreError::Refused(_))) => {}
            _ => tally.disagree(
                "register",
                format!("{} ({:?}, {}): console {console:?}, store {result:?}", me.login, me.role, me.dept),
            ),
        }
        if result.is_ok() {
            copy.spoil();
        }
    }

    for (what, record) in &records {
        let number = record.issue.number.as_str();
        for &kind in &kinds {
            for me in &people {
                tally.combinations += 1;
                let env = Env {
                    me,
                    people: &people,
                    departments: &departments,
                    calendar: &calendar,
                    now,
                    lang: Lang::En,
                    record: Some(record),
                };
                let console = preflight(kind, &env);
                let who = format!("{} ({:?} of {})", me.login, me.role, me.dept);
                let ctx = ctx_of(me, now);
                let calls = candidates(kind, record, me, now.date());
                match console {
                    Ok(()) => {
                        tally.allowed += 1;
                        let mut answers = Vec::new();
                        let mut accepted = false;
                        for call in &calls {
                            if copy.store.is_none() {
                                tally.copies += 1;
                            }
                            let store = copy.store(&template);
                            tally.calls += 1;
                            match call.run(store, &ctx, number) {
                                Ok(()) => {
                                    copy.spoil();
                                    accepted = true;
                                    break;
                                }
                                Err(e) => {
                                    assert_untouched(store, record, &format!("{who} {call:?} on {what}"));
                                    answers.push(format!("{call:?}: {e}"));
                                }
                            }
                        }
                        if !accepted {
                            tally.disagree(
                                "the console opens the form, the store refuses every way of filling it in",
                                format!("{kind:?} by {who} on «{what}»: {}", answers.join(" | ")),
                            );
                        }
                    }
                    Err(refusal) => {
                        for call in &calls {
                            if copy.store.is_none() {
                                tally.copies += 1;
                            }
                            let store = copy.store(&template);
                            tally.calls += 1;
                            match call.run(store, &ctx, number) {
                                Err(StoreError::Refused(_)) => {
                                    assert_untouched(store, record, &format!("{who} {call:?} on {what}"));
                                }
                                Ok(()) => {
                                    copy.spoil();
                                    tally.disagree(
                                        "the console refuses the form, the store accepts it",
                                        format!(
                                            "{kind:?} by {who} on «{what}»: {call:?} (console: {refusal})"
                                        ),
                                    );
                                }
                                Err(e) => {
                                    assert_untouched(store, record, &format!("{who} {call:?} on {what}"));
                                    tally.disagree(
                                        "the console refuses the form, the store refuses it but not by the rule book",
                                        format!("{kind:?} by {who} on «{what}»: {call:?}: {e} (console: {refusal})"),
                                    );
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    eprintln!(
        "{} combinations ({} allowed by the console), {} store calls on {} copies, in {:?}",
        tally.combinations,
        tally.allowed,
        tally.calls,
        tally.copies,
        started.elapsed()
    );
    // Every stage and every form is exercised both ways somewhere.
    assert!(tally.allowed > 100 && tally.allowed < tally.combinations - 100, "{}", tally.allowed);
    if !tally.disagreements.is_empty() {
        let mut text = String::new();
        for (kind, lines) in &tally.disagreements {
            text.push_str(&format!("\n## {kind} ({})\n", lines.len()));
            for line in lines {
                text.push_str(&format!("- {line}\n"));
            }
        }
        panic!("the console and the store disagree:{text}");
    }
}

/// A refused call left the issue as the record shows it (the version moves with every change,
/// inside the change's transaction; the property test below compares whole records).
#[track_caller]
fn assert_untouched(store: &mut Store, record: &IssueRecord, what: &str) {
    let now = store.issue(&record.issue.number).expect("the issue");
    assert_eq!(now, record.issue, "{what} was refused but changed the issue");
}

// ---------------------------------------------------------------------------------------------
// 2. Random histories

#[derive(Default)]
struct Seen {
    steps: usize,
    accepted: usize,
    stages: BTreeMap<String, usize>,
}

/// Runs one history on a fresh copy of `template`; fails at the first step after which a record
/// breaks an invariant or a refused step changed something.
fn run_history(
    template: &Path,
    people: &[Person],
    steps: &[Step],
    seen: &mut Seen,
) -> Result<(), TestCaseError> {
    let dir = scratch_dir();
    let path = dir.path().join("history.db");
    let mut store = open_copy(template, &path);
    let mut now = at("2023-10-25 09:00");
    let numbers: Vec<String> =
        [("li", &["RD", "QA"][..]), ("wang", &["RD"][..]), ("zhao", &["MKT", "QA"][..])]
            .iter()
            .enumerate()
            .map(|(k, (login, depts))| {
                let me = people.iter().find(|p| p.login == *login).expect("a person");
                let reg = Registration {
                    proposer_dept: None,
                    proposed_at: None,
                    priority: [Priority::Medium, Priority::High, Priority::Low][k],
                    draft: draft("积分兑换接口开发", BACKGROUND, REQUEST, depts),
                };
                store.register(&ctx_of(me, now), &reg).expect("register").0.number
            })
            .collect();
    let admin = people.iter().find(|p| p.role == Role::Admin).expect("an admin").login.clone();
    for (k, s) in steps.iter().enumerate() {
        now += Duration::minutes(s.later_minutes);
        let me = &people[s.who % people.len()];
        let number = &numbers[s.issue % numbers.len()];
        // The call changes its own issue or nothing: the others' rows are compared, the issue
        // acted on is compared whole and checked against every invariant.
        let target = s.issue % numbers.len();
        let others = |store: &mut Store| -> Vec<Issue> {
            numbers
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != target)
                .map(|(_, n)| store.issue(n).expect("the issue"))
                .collect()
        };
        let before = store.record(number).expect("the record");
        let others_before = others(&mut store);
        let call = s.op.call(&before, people, me, now);
        let on_behalf_of = (s.as_admin && me.login != admin).then(|| admin.clone());
        let ctx = Ctx { actor: Actor { person: me.clone(), on_behalf_of }, now, lang: Lang::En };
        let result = call.run(&mut store, &ctx, number);
        let after = store.record(number).expect("the record");
        let what = || format!("step {k}: {} at {now} {call:?} on {number} → {result:?}", me.login);
        prop_assert!(others(&mut store) == others_before, "{} changed another issue", what());
        if result.is_err() {
            prop_assert!(before == after, "{} was refused but changed the record", what());
        } else {
            seen.accepted += 1;
        }
        let broken = violations(&after, people);
        let shown = IssueRecord { events: Vec::new(), ..after.clone() };
        prop_assert!(broken.is_empty(), "{}: {number} breaks {:?}\n{shown:#?}", what(), broken);
        seen.steps += 1;
    }
    for n in &numbers {
        let status = store.issue(n).expect("the issue").status;
        *seen.stages.entry(status.code().to_string()).or_default() += 1;
    }
    Ok(())
}

#[test]
fn random_histories_keep_every_invariant_and_refusals_change_nothing() {
    let started = Instant::now();
    let dir = scratch_dir();
    let template = dir.path().join("people.db");
    let people = new_database(&template);
    let cases = std::env::var("RULES_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(64);
    let config = ProptestConfig {
        cases,
        failure_persistence: None,
        max_shrink_iters: 128,
        ..ProptestConfig::default()
    };
    let mut runner = proptest::test_runner::TestRunner::new(config);
    let seen = std::cell::RefCell::new(Seen::default());
    let result = runner.run(&prop::collection::vec(step(), 60), |steps| {
        run_history(&template, &people, &steps, &mut seen.borrow_mut())
    });
    let seen = seen.into_inner();
    eprintln!(
        "{} steps ({} accepted) in {:?}; issues ended {:?}",
        seen.steps,
        seen.accepted,
        started.elapsed(),
        seen.stages
    );
    if let Err(e) = result {
        panic!("{e}");
    }
    assert!(seen.steps >= cases as usize * 60, "{} steps", seen.steps);
}

/// Histories the property test once found breaking an invariant, kept as fixed cases. Each step
/// may be accepted or refused; either way no record may break an invariant after it.
#[test]
fn histories_found_by_the_property_test_keep_every_invariant() {
    let dir = scratch_dir();
    let template = dir.path().join("people.db");
    let people = new_database(&template);
    // Indices into `everyone()`: 0 root, 1 li, 2 li2, 3 wang, 4 wang2, 5 qian, 6 zhao, 7 sun, 8 zhou.
    // Issues: 0 by li for RD and QA, 1 by wang for RD alone, 2 by zhao for MKT and QA.
    let step = |issue: usize, who: usize, op: Op| Step { issue, who, as_admin: false, later_minutes: 10, op };
    let histories: Vec<(&str, Vec<Step>)> = vec![
        (
            "an internal issue's first response, then another department involved by an edit",
            vec![step(1, 4, Op::Acknowledge), step(1, 3, Op::Edit { drop_dept: None, add_dept: Some(3) })],
        ),
        (
            "an internal issue's first response, then a task for another department with --involve",
            vec![
                step(1, 4, Op::Acknowledge),
                step(1, 8, Op::AddTask { dept: 3, owner: 5, days: 3, involve: true }),
            ],
        ),
        (
            "a participant objects to the minutes after the solution is entered",
            vec![
                step(0, 3, Op::Acknowledge),
                step(0, 3, Op::Meeting { with: vec![5] }),
                step(0, 3, Op::Resolve { owner: 3, feedback: None, waiver: false }),
                step(0, 5, Op::Answer { meeting: 1, participant: 0, confirm: false }),
            ],
        ),
    ];
    let mut failures = Vec::new();
    for (what, steps) in &histories {
        let mut seen = Seen::default();
        if let Err(e) = run_history(&template, &people, steps, &mut seen) {
            let first = e.to_string().lines().next().unwrap_or_default().to_string();
            failures.push(format!("{what}: {first}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
