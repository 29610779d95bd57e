//! Integration tests of the store on real database files: migrations, numbering, concurrency,
//! stale writes, the whole life cycle of an issue, permissions, lists and bulk writes.

mod store_support;

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::{Arc, Barrier};
use std::thread;

use chrono::NaiveDateTime;
use liaison::demo::Demo;
use liaison::domain::calendar::CalendarDay;
use liaison::domain::deadline::ResponseRule;
use liaison::domain::lint;
use liaison::domain::risk::TaskFlag;
use liaison::domain::status::Action;
use liaison::domain::*;
use liaison::i18n::Lang;
use liaison::store::migrations;
use liaison::store::{
    IssueFilter, ListCache, MeetingInput, ProgressInput, Registration, RiskInput, SortKey, Store, StoreError,
    TaskInput, TaskUpdate,
};
use rusqlite::params;
use store_support::*;

// ---------------------------------------------------------------------------------------------
// Helpers local to these tests

/// The error `Store::open` gives; fails the test if the file opened.
fn open_error(path: &Path) -> StoreError {
    match Store::open(path) {
        Ok(_) => panic!("{} opened, but it should have been refused", path.display()),
        Err(e) => e,
    }
}

fn text(words: &str) -> IssueFilter {
    IssueFilter { text: Some(words.to_string()), ..IssueFilter::default() }
}

/// The numbers a filter lists, in the list's order. A search is answered alike (same issues,
/// same order) by the console's way, from the list without it kept in a cache.
fn numbers(store: &mut Store, filter: &IssueFilter, now: NaiveDateTime) -> Vec<String> {
    let rows = store.list(filter, now).expect("list");
    if filter.text.is_some() && filter.limit.is_none() && filter.offset == 0 {
        let cached = store.matching_ids_cached(filter, now, u32::MAX - 1, &mut ListCache::default());
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        assert_eq!(cached.expect("cached ids"), Some(ids), "{:?}", filter.text);
    }
    rows.into_iter().map(|s| s.number).collect()
}

/// The same, as a set, for filters whose order does not matter.
fn number_set(store: &mut Store, filter: &IssueFilter, now: NaiveDateTime) -> BTreeSet<String> {
    numbers(store, filter, now).into_iter().collect()
}

fn meeting(participants: &[&str]) -> MeetingInput {
    MeetingInput {
        held_at: None,
        mode: MeetingMode::Offline,
        participants: strings(participants),
        summary: "双方确认接口字段与联调排期".into(),
        disputes: "积分过期规则由哪个部门定义".into(),
        consensus: "研发部10月31日前交付接口,市场部11月1日前给出过期规则".into(),
    }
}

fn task(dept: &str, title: &str, owner: &str, deadline: &str) -> TaskInput {
    TaskInput {
        dept: dept.into(),
        title: title.into(),
        owner: owner.into(),
        deadline: day(deadline),
        involve: false,
    }
}

fn progress(task: Option<i64>, percent: Option<u8>, note: &str) -> ProgressInput {
    ProgressInput { task, at: None, percent, note: note.into(), help: None }
}

fn risk(task: i64, new_deadline: Option<&str>) -> RiskInput {
    RiskInput {
        task,
        reason: "第三方积分系统接口文档延迟提供".into(),
        plan: "先用模拟数据开发,文档到后补联调".into(),
        new_deadline: new_deadline.map(day),
    }
}

fn empty_record(issue: Issue) -> IssueRecord {
    IssueRecord {
        issue,
        meetings: vec![],
        tasks: vec![],
        progress: vec![],
        risks: vec![],
        comments: vec![],
        events: vec![],
    }
}

// ---------------------------------------------------------------------------------------------
// 1. Migrations

#[test]
fn a_new_file_is_created_with_its_directories_at_the_latest_schema() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("a").join("b").join("new.db");
    let store = Store::open(&path).expect("open");
    assert_eq!(store.schema_version().expect("version"), migrations::latest());
    assert_eq!(migrations::latest(), migrations::MIGRATIONS.len() as i64);
    assert_eq!(store.path(), path.as_path());
    drop(store);
    let conn = raw(&path);
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).expect("user_version");
    assert_eq!(version, migrations::latest());
    assert_eq!(count_rows(&conn, "SELECT count(*) FROM sqlite_master WHERE name = 'search'"), 1);
}

#[test]
fn a_schema_1_file_is_upgraded_and_its_issues_are_searchable() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("old.db");
    let proposed = at("2023-10-25 09:30");
    {
        let mut conn = raw(&path);
        migrations::migrate_to(&mut conn, 1).expect("migrate to 1");
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).expect("version");
        assert_eq!(version, 1);
        conn.execute_batch(
            "INSERT INTO departments (code, name) VALUES ('RD', '研发部'), ('MKT', '市场部');
             INSERT INTO people (login, display_name, dept, role) VALUES
                 ('li', '李雷', 'MKT', 'admin'), ('wang', '王强', 'RD', 'member');",
        )
        .expect("people");
        conn.execute(
            "INSERT INTO issues (id, number, proposer_dept, proposer, proposed_at, priority, title, background,
                 request, status, response_due_at, first_response_at, first_response_by, version, updated_at,
                 updated_by)
             VALUES (1, '20231025-MKT-001', 'MKT', 'li', ?1, 'medium', '积分兑换接口开发', ?2, ?3,
                 'in_progress', ?4, ?5, 'wang', 2, ?5, 'wang')",
            params![
                epoch(proposed),
                BACKGROUND,
                REQUEST,
                epoch(at_secs("2023-10-30 23:59:59")),
                epoch(at("2023-10-25 10:00"))
            ],
        )
        .expect("issue");
        conn.execute("INSERT INTO issue_departments (issue_id, dept) VALUES (1, 'RD')", []).expect("dept");
        conn.execute(
            "INSERT INTO meetings (issue_id, seq, held_at, mode, summary, disputes, consensus, recorder)
             VALUES (1, 1, ?1, 'offline', '双方确认接口字段与联调排期', '', '研发部提供联调环境', 'wang')",
            params![epoch(at("2023-10-25 14:00"))],
        )
        .expect("meeting");
        conn.execute(
            "INSERT INTO progress (issue_id, task_id, at, by_login, percent, note)
             VALUES (1, NULL, ?1, 'wang', NULL, '接口文档初稿已评审')",
            params![epoch(at("2023-10-26 10:00"))],
        )
        .expect("progress");
    }

    let mut store = Store::open(&path).expect("open and upgrade");
    assert_eq!(store.schema_version().expect("version"), migrations::latest());
    let now = at("2023-10-27 10:00");
    let found = |store: &mut Store, words: &str| numbers(store, &text(words), now);
    let old = vec!["20231025-MKT-001".to_string()];
    // A Chinese substring of the background (trigram MATCH) and a two-character term (LIKE).
    assert_eq!(found(&mut store, "积分兑换活动"), old);
    assert_eq!(found(&mut store, "上线"), old);
    // The meeting and the progress written before the upgrade are indexed too.
    assert_eq!(found(&mut store, "联调排期"), old);
    assert_eq!(found(&mut store, "初稿"), old);
    assert!(found(&mut store, "服务器扩容").is_empty());
    assert!(found(&mut store, "扩容").is_empty());

    let record = store.record("20231025-MKT-001").expect("record");
    assert_eq!(record.issue.proposed_at, proposed);
    assert_eq!(record.issue.departments, strings(&["RD"]));
    assert_eq!(record.issue.first_response_by.as_deref(), Some("wang"));
    assert_eq!(record.meetings.len(), 1);
    assert_eq!(record.progress[0].note, "接口文档初稿已评审");

    // The counter did not exist at schema 1: the next number skips the one already taken.
    let li = store.actor("li").expect("li").person;
    let reg = Registration {
        proposer_dept: None,
        proposed_at: None,
        priority: Priority::Low,
        draft: draft("会员积分规则页面改版", BACKGROUND, REQUEST, &["RD"]),
    };
    let (issue, _) = store.register(&ctx_for(&li, at("2023-10-25 16:00")), &reg).expect("register");
    assert_eq!(issue.number, "20231025-MKT-002");
    assert_eq!(found(&mut store, "规则页面改版"), vec!["20231025-MKT-002".to_string()]);
}

#[test]
fn a_file_from_a_newer_liaison_is_refused_and_left_unchanged() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("newer.db");
    drop(Store::open(&path).expect("create"));
    let newer = migrations::latest() + 1;
    raw(&path).pragma_update(None, "user_version", newer).expect("bump user_version");
    let before = std::fs::read(&path).expect("read the file");

    let err = open_error(&path);
    match &err {
        StoreError::NewerSchema { found, supported } => {
            assert_eq!((*found, *supported), (newer, migrations::latest()))
        }
        other => panic!("expected NewerSchema, got {other:?}"),
    }
    let message = err.message(Lang::En);
    assert!(message.contains(&format!("schema version {newer}")), "{message}");
    assert!(message.contains(&format!("({})", migrations::latest())), "{message}");
    assert_eq!(std::fs::read(&path).expect("read the file"), before, "the file was modified");
    let version: i64 = raw(&path).query_row("PRAGMA user_version", [], |r| r.get(0)).expect("version");
    assert_eq!(version, newer);
}

#[test]
fn a_newer_file_in_rollback_journal_mode_is_refused_without_writing_to_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("newer-delete-mode.db");
    let newer = migrations::latest() + 1;
    raw(&path)
        .execute_batch(&format!("CREATE TABLE future (x INTEGER); PRAGMA user_version = {newer};"))
        .expect("a newer file");
    let before = std::fs::read(&path).expect("read the file");

    assert!(matches!(open_error(&path), StoreError::NewerSchema { .. }));
    let mode: String = raw(&path).query_row("PRAGMA journal_mode", [], |r| r.get(0)).expect("mode");
    assert_eq!(mode, "delete", "the refused file was switched to another journal mode");
    assert_eq!(std::fs::read(&path).expect("read the file"), before, "the file was modified");
}

#[test]
fn a_file_that_is_not_a_database_gives_an_open_error_naming_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("notes.txt");
    let content = "这不是数据库,只是一份会议笔记。\n".repeat(200);
    std::fs::write(&path, &content).expect("write");

    let err = open_error(&path);
    let shown = path.display().to_string();
    match &err {
        StoreError::Open { path: p, reason } => {
            assert_eq!(p, &shown);
            assert!(reason.contains("not a database"), "{reason}");
        }
        other => panic!("expected Open, got {other:?}"),
    }
    for lang in [Lang::En, Lang::Zh] {
        let message = err.message(lang);
        assert!(message.contains(&shown), "{message}");
    }
    assert_eq!(std::fs::read_to_string(&path).expect("read"), content);
}

// ---------------------------------------------------------------------------------------------
// 2. Pragmas

#[test]
fn the_file_is_in_wal_mode_and_foreign_keys_are_enforced() {
    let mut fx = Fixture::new();
    let mode: String = fx.raw().query_row("PRAGMA journal_mode", [], |r| r.get(0)).expect("journal_mode");
    assert_eq!(mode, "wal");
    assert!(fx.path.with_extension("db-wal").exists(), "the WAL file exists while the store is open");

    // The store's own connection enforces foreign keys: a person of a department that does not
    // exist is refused by SQLite itself (the bulk writer checks nothing on its own).
    let admin = fx.person(ADMIN).clone();
    let people_before = fx.store.people().expect("people").len();
    {
        let mut writer = fx.store.bulk(&admin, Lang::En).expect("bulk");
        let ghost = Person {
            login: "ghost".into(),
            display_name: "幽灵".into(),
            dept: "NOPE".into(),
            role: Role::Member,
        };
        match writer.ensure_person(&ghost) {
            Err(StoreError::Sqlite(e)) => assert!(e.to_string().contains("FOREIGN KEY"), "{e}"),
            other => panic!("expected a foreign key violation, got {other:?}"),
        }
    }
    assert_eq!(fx.store.people().expect("people").len(), people_before);
}

// ---------------------------------------------------------------------------------------------
// 3. Numbering

#[test]
fn numbers_follow_the_format_per_department_and_day_and_are_never_reused() {
    let mut fx = Fixture::new();
    let wed = at("2023-10-25 09:00");
    let thu = at("2023-10-26 09:00");
    let mut got = Vec::new();
    let reg = |fx: &mut Fixture, got: &mut Vec<String>, login: &str, now| {
        let number = fx.register(login, now, &["QA"]).number;
        got.push(number.clone());
        number
    };
    assert_eq!(reg(&mut fx, &mut got, "wang", wed), "20231025-RD-001");
    assert_eq!(reg(&mut fx, &mut got, "wang2", wed), "20231025-RD-002");
    assert_eq!(reg(&mut fx, &mut got, "li", wed), "20231025-MKT-001");
    assert_eq!(reg(&mut fx, &mut got, "wang", thu), "20231026-RD-001");
    assert_eq!(reg(&mut fx, &mut got, "li", thu), "20231026-MKT-001");

    let admin = fx.ctx(ADMIN, thu);
    fx.store.set_number_format(&admin, NumberFormat::Running).expect("running");
    assert_eq!(fx.store.settings().expect("settings").number_format, NumberFormat::Running);
    assert_eq!(reg(&mut fx, &mut got, "wang", thu), "RD-001");
    assert_eq!(reg(&mut fx, &mut got, "wang", thu), "RD-002");
    assert_eq!(reg(&mut fx, &mut got, "li", thu), "MKT-001");

    // An imported record already holds RD-003: the counter skips it.
    let mut imported = fx.store.issue("RD-001").expect("RD-001");
    imported.number = "RD-003".into();
    let admin_person = fx.person(ADMIN).clone();
    let mut writer = fx.store.bulk(&admin_person, Lang::En).expect("bulk");
    writer.add_record(&empty_record(imported)).expect("import RD-003");
    writer.commit().expect("commit");
    got.push("RD-003".into());
    assert_eq!(reg(&mut fx, &mut got, "wang", thu), "RD-004");

    // Back to dated numbers: the day's counter goes on where it stopped.
    fx.store.set_number_format(&admin, NumberFormat::Dated).expect("dated");
    assert_eq!(reg(&mut fx, &mut got, "wang", thu), "20231026-RD-002");

    let distinct: BTreeSet<&String> = got.iter().collect();
    assert_eq!(distinct.len(), got.len(), "{got:?}");
    assert_eq!(fx.store.count(&IssueFilter::default(), thu).expect("count"), got.len() as i64);
}

// ---------------------------------------------------------------------------------------------
// 4. Concurrency

#[test]
fn eight_connections_registering_at_once_get_distinct_numbers() {
    const THREADS: usize = 8;
    const EACH: usize = 25;
    let mut fx = Fixture::new();
    let now = at("2023-10-25 10:00");
    let barrier = Arc::new(Barrier::new(THREADS));
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let path = fx.path.clone();
            let barrier = Arc::clone(&barrier);
            let wang = fx.person("wang").clone();
            thread::spawn(move || -> Vec<String> {
                let mut store = Store::open(&path).expect("open in a thread");
                barrier.wait();
                (0..EACH)
                    .map(|i| {
                        let reg = Registration {
                            proposer_dept: None,
                            proposed_at: None,
                            priority: Priority::Medium,
                            draft: draft(&format!("并发登记第{t}组第{i}条"), BACKGROUND, REQUEST, &["QA"]),
                        };
                        match store.register(&ctx_for(&wang, now), &reg) {
                            Ok((issue, _)) => issue.number,
                            Err(e) => panic!("thread {t}, issue {i}: {}", e.message(Lang::En)),
                        }
                    })
                    .collect()
            })
        })
        .collect();
    let got: Vec<String> = handles.into_iter().flat_map(|h| h.join().expect("a thread panicked")).collect();

    assert_eq!(got.len(), THREADS * EACH);
    let distinct: BTreeSet<String> = got.into_iter().collect();
    let expected: BTreeSet<String> = (1..=THREADS * EACH).map(|n| format!("20231025-RD-{n:03}")).collect();
    assert_eq!(distinct, expected);
    assert_eq!(fx.store.count(&IssueFilter::default(), now).expect("count"), (THREADS * EACH) as i64);
    let conn = fx.raw();
    let check: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).expect("integrity");
    assert_eq!(check, "ok");
    assert_eq!(
        count_rows(&conn, "SELECT count(*) FROM events WHERE kind = 'registered'"),
        (THREADS * EACH) as i64
    );
    assert_eq!(
        count_rows(&conn, "SELECT count(*) FROM search WHERE source = 'issue'"),
        (THREADS * EACH) as i64
    );
}

#[test]
fn eight_connections_opening_a_new_file_at_once_all_succeed() {
    const THREADS: usize = 8;
    for round in 0..30 {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("fresh.db");
        let barrier = Arc::new(Barrier::new(THREADS));
        let handles: Vec<_> = (0..THREADS)
            .map(|_| {
                let path = path.clone();
                let barrier = Arc::clone(&barrier);
                thread::spawn(move || {
                    barrier.wait();
                    let store = Store::open(&path).map_err(|e| e.message(Lang::En))?;
                    store.schema_version().map_err(|e| e.message(Lang::En))
                })
            })
            .collect();
        for h in handles {
            assert_eq!(h.join().expect("a thread panicked"), Ok(migrations::latest()), "round {round}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 5. Stale updates

#[test]
fn a_change_based_on_a_stale_version_is_refused_naming_who_changed_it() {
    let mut fx = Fixture::new();
    let number = fx.register("li", at("2023-10-25 09:30"), &["RD"]).number;
    let ctx = fx.ctx("wang", at("2023-10-25 09:40"));
    fx.store.add_task(&ctx, &number, &task("RD", "开发积分兑换接口", "wang2", "2023-10-31")).expect("task");

    let mut first = fx.reopen();
    let mut second = fx.reopen();
    let read = first.issue(&number).expect("read").version;
    assert_eq!(second.issue(&number).expect("read").version, read);

    let t1 = at("2023-10-25 10:00");
    let update = TaskUpdate { percent: Some(50), ..TaskUpdate::default() };
    let task1 =
        first.update_task(&fx.ctx("wang", t1), &number, Some(read), 1, &update).expect("first update");
    assert_eq!((task1.percent, task1.state), (50, TaskState::Doing));

    let rename = TaskUpdate { title: Some("改为开发积分查询接口".into()), ..TaskUpdate::default() };
    let err = second
        .update_task(&fx.ctx("wang2", at("2023-10-25 10:05")), &number, Some(read), 1, &rename)
        .expect_err("the second update is stale");
    match &err {
        StoreError::Conflict { number: n, version, by, at } => {
            assert_eq!((n.as_str(), *version, by.as_str(), *at), (number.as_str(), read + 1, "wang", t1));
        }
        other => panic!("expected Conflict, got {other:?}"),
    }
    let message = err.message(Lang::En);
    assert!(message.contains(&format!("{number} was changed by wang at 2023-10-25 10:00:00")), "{message}");
    assert!(message.contains(&format!("now version {}", read + 1)), "{message}");

    let record = second.record(&number).expect("record");
    assert_eq!(record.issue.version, read + 1);
    assert_eq!((record.tasks[0].title.as_str(), record.tasks[0].percent), ("开发积分兑换接口", 50));
    assert_eq!(record.events.last().map(|e| e.actor.as_str()), Some("wang"));

    // The same for the description.
    let v = read + 1;
    let mine = draft("积分兑换接口开发(第二版)", BACKGROUND, REQUEST, &["RD", "QA"]);
    first.edit_description(&fx.ctx("li", at("2023-10-25 11:00")), &number, Some(v), &mine).expect("edit");
    let theirs = draft("被覆盖的标题", BACKGROUND, REQUEST, &["RD"]);
    match second.edit_description(&fx.ctx("li2", at("2023-10-25 11:01")), &number, Some(v), &theirs) {
        Err(StoreError::Conflict { by, version, .. }) => assert_eq!((by.as_str(), version), ("li", v + 1)),
        other => panic!("expected Conflict, got {other:?}"),
    }
    let issue = fx.store.issue(&number).expect("issue");
    assert_eq!(issue.title, "积分兑换接口开发(第二版)");
    assert_eq!(issue.departments, strings(&["QA", "RD"]));
}

// ---------------------------------------------------------------------------------------------
// 6. The whole life cycle

#[test]
fn an_issue_goes_through_its_whole_life_cycle() {
    let mut fx = Fixture::new();
    let t = |s: &str| at(&format!("2023-{s}"));
    let (t_reg, t_ack, t_meet, t_conf, t_obj) =
        (t("10-25 09:30"), t("10-25 10:00"), t("10-25 14:00"), t("10-25 15:00"), t("10-25 15:10"));
    let (t_task, t_upd, t_prog) = (t("10-25 16:00"), t("10-26 09:00"), t("10-26 17:00"));
    let (t_risk1, t_risk2, t_risk3, t_done) =
        (t("10-27 10:00"), t("11-01 16:00"), t("11-02 09:00"), t("11-02 17:00"));
    let (t_esc, t_res1, t_ref, t_res2, t_acc, t_arch) = (
        t("11-03 09:00"),
        t("11-03 10:00"),
        t("11-03 15:00"),
        t("11-06 10:00"),
        t("11-06 15:00"),
        t("11-07 10:00"),
    );

    // Registered by marketing, involving R&D and QA.
    let issue = fx.register("li", t_reg, &["RD", "QA"]);
    let n = issue.number.clone();
    assert_eq!(n, "20231025-MKT-001");
    assert_eq!((issue.status, issue.version, issue.first_response_at), (Status::Registered, 1, None));
    assert_eq!(issue.departments, strings(&["QA", "RD"]));

    // R&D acknowledges: the first response.
    let c = fx.ctx("wang", t_ack);
    let issue = fx.store.acknowledge(&c, &n, Some("已收到,今天安排评估")).expect("acknowledge");
    assert_eq!(issue.status, Status::InProgress);
    assert_eq!((issue.first_response_at, issue.first_response_by.as_deref()), (Some(t_ack), Some("wang")));

    // A meeting: the recorder confirms at once, the others are asked.
    let c = fx.ctx("wang", t_meet);
    assert_eq!(fx.store.record_meeting(&c, &n, &meeting(&["wang", "li", "qian"])).expect("meeting"), 1);
    let c = fx.ctx("li", t_conf);
    fx.store.answer_minutes(&c, &n, 1, true, None, None).expect("confirm");
    let c = fx.ctx("qian", t_obj);
    fx.store.answer_minutes(&c, &n, 1, false, Some("交付日期应为10月30日"), None).expect("object");
    // An answer is given once; the recorder answers the objection by amending the minutes.
    assert!(fx.store.answer_minutes(&c, &n, 1, true, None, None).is_err(), "answered already");
    let minutes = liaison::store::MinutesText {
        summary: "评估积分兑换接口方案".into(),
        disputes: String::new(),
        consensus: "研发部10月30日前交付接口".into(),
    };
    let c = fx.ctx("wang", t_obj + chrono::Duration::minutes(30));
    assert_eq!(fx.store.amend_minutes(&c, &n, 1, &minutes).expect("amend"), 2);
    let c = fx.ctx("qian", t_obj + chrono::Duration::minutes(40));
    fx.store.answer_minutes(&c, &n, 1, true, None, None).expect("qian confirms the new version");

    // A task, updated with the version read, and progress that sets its percentage.
    let c = fx.ctx("wang", t_task);
    assert_eq!(
        fx.store.add_task(&c, &n, &task("RD", "开发积分兑换接口", "wang2", "2023-10-31")).expect("task"),
        1
    );
    let version = fx.store.issue(&n).expect("issue").version;
    let c = fx.ctx("wang2", t_upd);
    let update = TaskUpdate { percent: Some(30), ..TaskUpdate::default() };
    let updated = fx.store.update_task(&c, &n, Some(version), 1, &update).expect("update");
    assert_eq!((updated.percent, updated.state), (30, TaskState::Doing));
    let c = fx.ctx("wang2", t_prog);
    fx.store.add_progress(&c, &n, &progress(Some(1), Some(60), "接口主体完成")).expect("progress");
    let task1 = &fx.store.record(&n).expect("record").tasks[0];
    assert_eq!((task1.percent, task1.state), (60, TaskState::Doing));

    // Risk alerts: Friday for a Tuesday deadline is timely and moves the deadline; the day
    // before the new deadline is still timely; on the deadline itself it is late.
    let c = fx.ctx("wang2", t_risk1);
    assert!(fx.store.raise_risk(&c, &n, &risk(1, Some("2023-11-02"))).expect("risk 1"));
    assert_eq!(fx.store.record(&n).expect("record").tasks[0].deadline, day("2023-11-02"));
    let c = fx.ctx("wang2", t_risk2);
    assert!(fx.store.raise_risk(&c, &n, &risk(1, None)).expect("risk 2"));
    let c = fx.ctx("wang2", t_risk3);
    assert!(!fx.store.raise_risk(&c, &n, &risk(1, None)).expect("risk 3"));
    let c = fx.ctx("wang2", t_done);
    fx.store.add_progress(&c, &n, &progress(Some(1), Some(100), "接口已交付测试环境")).expect("done");

    // Escalated by the proposer, resolved, refused, resolved again, accepted, archived.
    let c = fx.ctx("li", t_esc);
    let issue = fx.store.escalate(&c, &n, "测试环境迟迟未就绪", "分管副总").expect("escalate");
    assert_eq!(issue.status, Status::InProgress);
    let c = fx.ctx("wang", t_res1);
    let issue = fx
        .store
        .resolve(
            &c,
            &n,
            &liaison::store::ResolveInput {
                solution: "接口已上线测试环境".into(),
                owner: "wang".into(),
                feedback: None,
                resolved_at: None,
                without_response: None,
            },
        )
        .expect("resolve");
    assert_eq!(issue.status, Status::AwaitingAcceptance);
    let resolution = issue.resolution.expect("a resolution");
    assert_eq!((resolution.feedback.as_str(), resolution.owner.as_str()), ("li", "wang"));
    let c = fx.ctx("li", t_ref);
    let issue =
        fx.store.answer_acceptance(&c, &n, false, Some("缺少兑换记录导出功能"), None).expect("refuse");
    assert_eq!(issue.status, Status::InProgress);
    let acceptance = issue.acceptance.expect("the refusal");
    assert_eq!(
        (acceptance.accepted, acceptance.by.as_str(), acceptance.reason.as_deref()),
        (false, "li", Some("缺少兑换记录导出功能"))
    );
    let c = fx.ctx("wang", t_res2);
    let solution = "接口与兑换记录导出均已上线,测试通过";
    let issue = fx
        .store
        .resolve(
            &c,
            &n,
            &liaison::store::ResolveInput {
                solution: solution.into(),
                owner: "wang".into(),
                feedback: None,
                resolved_at: None,
                without_response: None,
            },
        )
        .expect("resolve again");
    assert_eq!((issue.status, issue.acceptance), (Status::AwaitingAcceptance, None));
    let c = fx.ctx("li", t_acc);
    let issue = fx.store.answer_acceptance(&c, &n, true, None, None).expect("accept");
    assert_eq!(issue.status, Status::Resolved);
    let c = fx.ctx("li", t_arch);
    let retro = "接口需求提出及时;下次应提前确认导出需求";
    let issue = fx.store.archive(&c, &n, retro).expect("archive");
    assert_eq!((issue.status, issue.archived_at), (Status::Archived, Some(t_arch)));

    // Archived is read-only.
    let before = fx.footprint(&n);
    let c = fx.ctx("li", t("11-08 09:00"));
    match fx.store.comment(&c, &n, "补充一条说明") {
        Err(StoreError::Refused(e)) => {
            assert_eq!(e.action, Action::Comment);
            assert!(e.message(Lang::En).contains("read-only"), "{}", e.message(Lang::En));
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(fx.footprint(&n), before);

    // The record holds every section.
    let record = fx.store.record(&n).expect("record");
    let issue = &record.issue;
    assert_eq!(issue.status, Status::Archived);
    assert_eq!((issue.first_response_at, issue.first_response_by.as_deref()), (Some(t_ack), Some("wang")));
    assert_eq!(
        issue.escalations,
        vec![Escalation {
            seq: 1,
            reason: "测试环境迟迟未就绪".into(),
            to: "分管副总".into(),
            by: "li".into(),
            at: t_esc,
            closed: None,
        }]
    );
    assert_eq!(
        issue.resolution,
        Some(Resolution {
            solution: solution.into(),
            resolved_at: t_res2,
            owner: "wang".into(),
            feedback: "li".into()
        })
    );
    assert_eq!(
        issue.acceptance,
        Some(Acceptance { accepted: true, by: "li".into(), proxy: None, at: t_acc, reason: None })
    );
    assert_eq!(issue.retrospective.as_deref(), Some(retro));
    assert_eq!((issue.updated_at, issue.updated_by.as_str()), (t_arch, "li"));

    assert_eq!(record.comments.len(), 1);
    assert_eq!(
        (record.comments[0].by.as_str(), record.comments[0].body.as_str(), record.comments[0].at),
        ("wang", "已收到,今天安排评估", t_ack)
    );
    let m = &record.meetings[0];
    assert_eq!((m.seq, m.recorder.as_str(), m.held_at, m.mode), (1, "wang", t_meet, MeetingMode::Offline));
    let answers: Vec<_> = m
        .participants
        .iter()
        .map(|p| (p.login.as_str(), p.dept.as_str(), p.confirmation, p.note.as_deref(), p.answered_at))
        .collect();
    assert_eq!(
        answers,
        vec![
            // The amendment asked li again.
            ("li", "MKT", Confirmation::Pending, None, None),
            ("qian", "QA", Confirmation::Confirmed, None, Some(t_obj + chrono::Duration::minutes(40))),
            ("wang", "RD", Confirmation::Confirmed, None, Some(t_meet)),
        ]
    );
    let task1 = &record.tasks[0];
    assert_eq!(
        (task1.dept.as_str(), task1.owner.as_str(), task1.deadline, task1.state, task1.percent),
        ("RD", "wang2", day("2023-11-02"), TaskState::Done, 100)
    );
    let progress: Vec<_> =
        record.progress.iter().map(|p| (p.task_seq, p.percent, p.at, p.by.as_str())).collect();
    assert_eq!(progress, vec![(Some(1), Some(60), t_prog, "wang2"), (Some(1), Some(100), t_done, "wang2")]);
    let risks: Vec<_> = record.risks.iter().map(|r| (r.raised_at, r.timely, r.new_deadline)).collect();
    assert_eq!(
        risks,
        vec![(t_risk1, true, Some(day("2023-11-02"))), (t_risk2, true, None), (t_risk3, false, None)]
    );

    use EventKind as K;
    let events: Vec<_> = record.events.iter().map(|e| (e.kind, e.actor.as_str(), e.at)).collect();
    assert_eq!(
        events,
        vec![
            (K::Registered, "li", t_reg),
            (K::Acknowledged, "wang", t_ack),
            (K::MeetingRecorded, "wang", t_meet),
            (K::MinutesConfirmed, "li", t_conf),
            (K::MinutesObjected, "qian", t_obj),
            (K::MinutesAmended, "wang", t_obj + chrono::Duration::minutes(30)),
            (K::MinutesConfirmed, "qian", t_obj + chrono::Duration::minutes(40)),
            (K::TaskAdded, "wang", t_task),
            (K::TaskUpdated, "wang2", t_upd),
            (K::ProgressAdded, "wang2", t_prog),
            (K::RiskRaised, "wang2", t_risk1),
            (K::RiskRaised, "wang2", t_risk2),
            (K::RiskRaised, "wang2", t_risk3),
            (K::ProgressAdded, "wang2", t_done),
            (K::Escalated, "li", t_esc),
            (K::Resolved, "wang", t_res1),
            (K::Refused, "li", t_ref),
            (K::Resolved, "wang", t_res2),
            (K::Accepted, "li", t_acc),
            (K::Archived, "li", t_arch),
        ]
    );
    assert_eq!(issue.version, record.events.len() as i64, "every change bumps the version once");
    let ack = &record.events[1];
    assert_eq!(ack.after["first_response"], serde_json::json!(true));
    assert_eq!(
        (ack.before["status"].as_str(), ack.after["status"].as_str()),
        (Some("registered"), Some("in_progress"))
    );
    assert_eq!(record.events[12].after["timely"], serde_json::json!(false));
    assert_eq!(record.events[16].after["status"], serde_json::json!("in_progress"));
    assert!(record.events.iter().all(|e| e.issue_number.as_deref() == Some(n.as_str())));

    // The retrospective is searchable.
    assert_eq!(numbers(&mut fx.store, &text("提前确认导出"), t_arch), vec![n.clone()]);
}

// ---------------------------------------------------------------------------------------------
// 7. First response

#[test]
fn only_an_involved_department_gives_the_first_response() {
    let mut fx = Fixture::new();
    let n = fx.register("li", at("2023-10-25 09:30"), &["RD"]).number;

    // The proposer and a colleague of the proposing department do not count.
    let c = fx.ctx("li", at("2023-10-25 09:40"));
    fx.store.comment(&c, &n, "补充:活动预计11月10日上线").expect("proposer's comment");
    let c = fx.ctx("li2", at("2023-10-25 09:50"));
    fx.store.comment(&c, &n, "市场部这边已准备好物料清单").expect("colleague's comment");
    let issue = fx.store.issue(&n).expect("issue");
    assert_eq!((issue.status, issue.first_response_at, issue.version), (Status::Registered, None, 3));

    // Operations is not involved: refused, nothing written.
    let before = fx.footprint(&n);
    let c = fx.ctx("zhao", at("2023-10-25 10:00"));
    assert_denied(fx.store.acknowledge(&c, &n, None));
    assert_eq!(fx.footprint(&n), before);

    // R&D is: its acknowledgement is the first response, at the time of the action.
    let t_ack = at("2023-10-25 10:30");
    let c = fx.ctx("wang", t_ack);
    fx.store.acknowledge(&c, &n, None).expect("acknowledge");
    let c = fx.ctx("wang2", at("2023-10-25 11:00"));
    fx.store.comment(&c, &n, "评估中").expect("a later comment");
    let issue = fx.store.issue(&n).expect("issue");
    assert_eq!(issue.status, Status::InProgress);
    assert_eq!((issue.first_response_at, issue.first_response_by.as_deref()), (Some(t_ack), Some("wang")));
    let summary = &fx.store.list(&IssueFilter::default(), at("2023-10-25 12:00")).expect("list")[0];
    assert_eq!(summary.first_response_at, Some(t_ack));
    assert_eq!(fx.store.record(&n).expect("record").comments.len(), 3);

    // An issue inside one department: a colleague of the proposer answers it.
    let n2 = fx.register("li", at("2023-10-25 13:00"), &["MKT"]).number;
    let c = fx.ctx("li", at("2023-10-25 13:05"));
    let refused = fx.store.acknowledge(&c, &n2, None).expect_err("the proposer does not acknowledge");
    assert!(refused.message(Lang::En).contains("proposing side"), "{}", refused.message(Lang::En));
    // A comment by the proposer is fine, but it is not the response, and the store says so.
    fx.store.comment(&c, &n2, "补充:影响双十一活动").expect("comment");
    let note = fx.store.take_note().expect("a note for the proposer");
    assert!(note.get(Lang::Zh).contains("不计为首次响应"), "{}", note.get(Lang::Zh));
    assert_eq!(fx.store.issue(&n2).expect("issue").first_response_at, None);
    let c = fx.ctx("li2", at("2023-10-25 13:10"));
    fx.store.acknowledge(&c, &n2, None).expect("colleague acknowledges");
    let issue = fx.store.issue(&n2).expect("issue");
    assert_eq!((issue.first_response_by.as_deref(), issue.status), (Some("li2"), Status::InProgress));
}

// ---------------------------------------------------------------------------------------------
// 8. Permissions

#[test]
fn refusals_are_denied_and_write_nothing() {
    let mut fx = Fixture::new();
    let n = fx.register("li", at("2023-10-25 09:30"), &["RD", "QA"]).number;
    let c = fx.ctx("wang", at("2023-10-25 10:00"));
    fx.store.acknowledge(&c, &n, None).expect("acknowledge");
    let now = at("2023-10-25 11:00");

    // A viewer reads only.
    let before = fx.footprint(&n);
    assert_denied(fx.store.comment(&fx.ctx("sun", now), &n, "我也想评论"));
    assert_eq!(fx.footprint(&n), before);

    // A member of R&D adds tasks for R&D, not for QA; QA does not update R&D's task.
    assert_denied(fx.store.add_task(&fx.ctx("wang", now), &n, &task("QA", "回归测试", "qian", "2023-10-31")));
    assert_eq!(fx.footprint(&n), before);
    assert!(fx.store.record(&n).expect("record").tasks.is_empty());
    fx.store
        .add_task(&fx.ctx("wang", now), &n, &task("RD", "开发接口", "wang2", "2023-10-31"))
        .expect("RD task");
    let before = fx.footprint(&n);
    let update = TaskUpdate { percent: Some(90), ..TaskUpdate::default() };
    assert_denied(fx.store.update_task(&fx.ctx("qian", now), &n, None, 1, &update));
    assert_eq!(fx.footprint(&n), before);
    assert_eq!(fx.store.record(&n).expect("record").tasks[0].percent, 0);

    // Only the feedback person or a coordinator accepts.
    fx.finish_tasks(&n, now);
    fx.store
        .resolve(
            &fx.ctx("wang", now),
            &n,
            &liaison::store::ResolveInput {
                solution: "接口已上线".into(),
                owner: "wang".into(),
                feedback: None,
                resolved_at: None,
                without_response: None,
            },
        )
        .expect("resolve");
    let before = fx.footprint(&n);
    assert_denied(fx.store.answer_acceptance(&fx.ctx("wang", now), &n, true, None, None));
    assert_denied(fx.store.answer_acceptance(&fx.ctx("li2", now), &n, true, None, None));
    assert_denied(fx.store.answer_acceptance(&fx.ctx("qian", now), &n, false, Some("不行"), None));
    assert_eq!(fx.footprint(&n), before);
    let issue = fx.store.issue(&n).expect("issue");
    assert_eq!((issue.status, issue.acceptance), (Status::AwaitingAcceptance, None));
    // A coordinator answers only on the feedback person's behalf, with the reason; the answer
    // stays li's, and names zhou as who entered it.
    assert_denied(fx.store.answer_acceptance(&fx.ctx("zhou", now), &n, true, None, None));
    let issue = fx
        .store
        .answer_acceptance(&fx.ctx("zhou", now), &n, true, None, Some("电话确认"))
        .expect("coordinator accepts for li");
    assert_eq!(issue.status, Status::Resolved);
    let acceptance = issue.acceptance.expect("accepted");
    assert_eq!(acceptance.by, "li");
    assert_eq!(
        acceptance.proxy,
        Some(liaison::domain::Proxy { by: "zhou".into(), reason: Some("电话确认".into()) })
    );

    // Members register for their own department; a coordinator for any.
    let for_rd = Registration {
        proposer_dept: Some("RD".into()),
        proposed_at: None,
        priority: Priority::Low,
        draft: draft("研发部代登记的问题", BACKGROUND, REQUEST, &["QA"]),
    };
    assert_denied(fx.store.register(&fx.ctx("li", now), &for_rd));
    assert_eq!(fx.store.count(&IssueFilter::default(), now).expect("count"), 1);
    let (issue, _) = fx.store.register(&fx.ctx("zhou", now), &for_rd).expect("coordinator registers");
    assert_eq!((issue.number.as_str(), issue.proposer_dept.as_str()), ("20231025-RD-001", "RD"));

    // Administration is for admins only.
    let events_before = fx.store.recent_events(10_000).expect("events").len();
    let depts_before = fx.store.departments().expect("departments");
    let people_before = fx.store.people().expect("people");
    let hr = Department { code: "HR".into(), name: "人力资源部".into(), head: None };
    let new_person =
        Person { login: "chen".into(), display_name: "陈晨".into(), dept: "RD".into(), role: Role::Member };
    let holiday = [CalendarDay::holiday(day("2023-10-27"), "公司活动日")];
    for login in ["li", "zhou"] {
        let c = fx.ctx(login, now);
        assert_denied(fx.store.add_department(&c, &hr));
        assert_denied(fx.store.add_person(&c, &new_person));
        assert_denied(fx.store.set_calendar_days(&c, &holiday, "manual"));
        assert_denied(fx.store.set_number_format(&c, NumberFormat::Running));
        assert_denied(fx.store.set_role(&c, "wang", Role::Coordinator));
    }
    assert_eq!(fx.store.recent_events(10_000).expect("events").len(), events_before);
    assert_eq!(fx.store.departments().expect("departments"), depts_before);
    assert_eq!(fx.store.people().expect("people"), people_before);
    assert!(fx.store.calendar_days().expect("calendar").is_empty());
    assert_eq!(fx.store.settings().expect("settings").number_format, NumberFormat::Dated);
    // The admin may.
    let c = fx.ctx(ADMIN, now);
    fx.store.add_department(&c, &hr).expect("admin adds a department");
    fx.store.add_person(&c, &new_person).expect("admin adds a person");
    assert_eq!(fx.store.set_calendar_days(&c, &holiday, "manual").expect("admin sets the calendar"), 1);
    assert_eq!(fx.store.recent_events(10_000).expect("events").len(), events_before + 3);
}

// ---------------------------------------------------------------------------------------------
// 9. Nothing half-written

#[test]
fn a_failed_write_leaves_nothing_behind() {
    let mut fx = Fixture::new();
    let n = fx.register("li", at("2023-10-25 09:30"), &["RD"]).number;
    let before = fx.footprint(&n);

    let c = fx.ctx("wang", at("2023-10-25 10:00"));
    assert_not_found(fx.store.record_meeting(&c, &n, &meeting(&["wang", "ghost"])), "person", "ghost");
    assert_eq!(fx.footprint(&n), before);
    let issue = fx.store.issue(&n).expect("issue");
    assert_eq!((issue.status, issue.first_response_at), (Status::Registered, None));
    let conn = fx.raw();
    assert_eq!(count_rows(&conn, "SELECT count(*) FROM meetings"), 0);
    assert_eq!(count_rows(&conn, "SELECT count(*) FROM meeting_participants"), 0);
    assert_eq!(count_rows(&conn, "SELECT count(*) FROM search WHERE source LIKE 'meeting:%'"), 0);

    // An unknown department consumes no number.
    let c = fx.ctx("wang", at("2023-10-25 10:10"));
    let reg = Registration {
        proposer_dept: None,
        proposed_at: None,
        priority: Priority::High,
        draft: draft("测试服务器扩容", BACKGROUND, REQUEST, &["QA", "XYZ"]),
    };
    assert_not_found(fx.store.register(&c, &reg), "department", "XYZ");
    assert_eq!(count_rows(&conn, "SELECT count(*) FROM number_sequences WHERE scope = '20231025-RD'"), 0);
    assert_eq!(fx.register("wang", at("2023-10-25 10:20"), &["QA"]).number, "20231025-RD-001");
    assert_eq!(fx.store.count(&IssueFilter::default(), at("2023-10-25 10:30")).expect("count"), 2);
}

// ---------------------------------------------------------------------------------------------
// 10. Lint

#[test]
fn the_lint_blocks_missing_parts_and_warns_about_vague_ones() {
    let mut fx = Fixture::new();
    let c = fx.ctx("li", at("2023-10-25 09:30"));
    let reg =
        |d| Registration { proposer_dept: None, proposed_at: None, priority: Priority::Medium, draft: d };

    match fx.store.register(&c, &reg(draft("积分兑换接口开发", "  ", REQUEST, &["RD"]))) {
        Err(StoreError::Invalid(b)) => {
            assert!(b.en.contains("Background is required"), "{}", b.en);
            assert!(b.zh.contains("「背景」不能为空"), "{}", b.zh);
        }
        other => panic!("expected Invalid, got {other:?}"),
    }
    assert_eq!(fx.store.count(&IssueFilter::default(), c.now).expect("count"), 0);

    let (issue, findings) = fx
        .store
        .register(&c, &reg(draft("积分兑换接口开发", BACKGROUND, "尽快处理", &["RD"])))
        .expect("vague");
    assert_eq!(issue.number, "20231025-MKT-001");
    assert_eq!(issue.request, "尽快处理");
    assert!(!findings.is_empty() && findings.iter().all(|f| !f.is_error()), "{findings:?}");
    assert!(
        findings.iter().any(|f| f.code == lint::CODE_VAGUE
            && f.field == lint::Field::Request
            && f.phrase.as_deref() == Some("尽快")),
        "{findings:?}"
    );

    let (_, clean) =
        fx.store.register(&c, &reg(draft("积分兑换接口开发", BACKGROUND, REQUEST, &["RD"]))).expect("clean");
    assert!(clean.is_empty(), "{clean:?}");
}

// ---------------------------------------------------------------------------------------------
// 11. Response deadlines

#[test]
fn response_deadlines_follow_priority_calendar_and_rules() {
    let mut fx = Fixture::new();
    let now = at("2023-10-25 09:30"); // Wednesday
    let due = |fx: &mut Fixture, priority| {
        let d = draft("积分兑换接口开发", BACKGROUND, REQUEST, &["RD"]);
        let issue = fx.register_with("li", now, priority, None, d);
        (issue.number, issue.response_due_at)
    };
    let (high, high_due) = due(&mut fx, Priority::High);
    let (medium, medium_due) = due(&mut fx, Priority::Medium);
    let (low, low_due) = due(&mut fx, Priority::Low);
    assert_eq!(high_due, at("2023-10-26 09:30"));
    assert_eq!(medium_due, at_secs("2023-10-30 23:59:59")); // Thu, Fri, Mon
    assert_eq!(low_due, at_secs("2023-11-01 23:59:59"));

    // Friday becomes a holiday: the working-day deadlines move, the hours do not.
    let admin = fx.ctx(ADMIN, now);
    let holiday = [CalendarDay::holiday(day("2023-10-27"), "公司活动日")];
    fx.store.set_calendar_days(&admin, &holiday, "manual").expect("holiday");
    assert_eq!(due(&mut fx, Priority::High).1, at("2023-10-26 09:30"));
    assert_eq!(due(&mut fx, Priority::Medium).1, at_secs("2023-10-31 23:59:59"));
    assert_eq!(due(&mut fx, Priority::Low).1, at_secs("2023-11-02 23:59:59"));

    // A new rule applies to new registrations only.
    fx.store.set_response_rule(&admin, Priority::Medium, ResponseRule::WorkingDays(2)).expect("rule");
    assert_eq!(fx.store.settings().expect("settings").response.medium, ResponseRule::WorkingDays(2));
    assert_eq!(due(&mut fx, Priority::Medium).1, at_secs("2023-10-30 23:59:59")); // Thu, Mon
    for (number, want) in [(&high, high_due), (&medium, medium_due), (&low, low_due)] {
        assert_eq!(fx.store.issue(number).expect("issue").response_due_at, want, "{number}");
    }
}

// ---------------------------------------------------------------------------------------------
// 12. Lists and task alerts

/// Six issues, as of Wednesday 2023-10-25 10:00:
/// A high, registered Monday, response breached; B in progress with a task overdue and one due
/// tomorrow; C low, unanswered; D escalated; E high, response due tomorrow; F resolved.
struct ListData {
    fx: Fixture,
    a: String,
    b: String,
    c: String,
    d: String,
    e: String,
    f: String,
}

fn list_data() -> ListData {
    let mut fx = Fixture::new();
    let a = fx
        .register_with(
            "li",
            at("2023-10-25 08:30"),
            Priority::High,
            Some(at("2023-10-23 09:00")),
            draft("积分兑换接口开发", BACKGROUND, REQUEST, &["RD"]),
        )
        .number;
    let b = fx
        .register_with(
            "li",
            at("2023-10-25 08:40"),
            Priority::Medium,
            None,
            draft(
                "活动页面兼容性测试",
                "新版活动页面在部分安卓机型上显示错位,影响约两成用户。",
                "需测试部在10月27日前提交兼容性测试报告。",
                &["QA"],
            ),
        )
        .number;
    let qian = |fx: &Fixture, time: &str| fx.ctx("qian", at(time));
    let ctx = qian(&fx, "2023-10-25 08:50");
    fx.store.acknowledge(&ctx, &b, None).expect("acknowledge B");
    // Added when its deadline was still ahead (a past deadline is refused).
    let ctx = qian(&fx, "2023-10-24 08:51");
    fx.store.add_task(&ctx, &b, &task("QA", "兼容性测试报告", "qian", "2023-10-24")).expect("task 1");
    let ctx = qian(&fx, "2023-10-25 08:52");
    fx.store.add_task(&ctx, &b, &task("QA", "回归测试", "qian", "2023-10-26")).expect("task 2");
    let mut m = meeting(&["qian", "zhao"]);
    m.summary = "确认测试机型清单与分工".into();
    let ctx = qian(&fx, "2023-10-25 08:55");
    fx.store.record_meeting(&ctx, &b, &m).expect("meeting on B");
    let c = fx
        .register_with(
            "wang",
            at("2023-10-25 09:00"),
            Priority::Low,
            None,
            draft(
                "测试服务器扩容",
                "压测环境服务器磁盘容量不足,每次压测前需要人工清理日志。",
                "需运营部为压测服务器扩容至2TB,11月3日前完成。",
                &["OPS"],
            ),
        )
        .number;
    let d = fx
        .register_with(
            "qian",
            at("2023-10-25 09:10"),
            Priority::Medium,
            None,
            draft(
                "自动化构建失败率升高",
                "近两周每日构建失败率从5%升到30%,测试部每天人工重跑。",
                "需研发部一周内把构建失败率降到5%以下。",
                &["RD"],
            ),
        )
        .number;
    let ctx = qian(&fx, "2023-10-25 09:20");
    fx.store.escalate(&ctx, &d, "影响本周版本发布", "研发总监").expect("escalate D");
    let e = fx
        .register_with(
            "wang",
            at("2023-10-25 09:30"),
            Priority::High,
            None,
            draft(
                "发布说明文案审核",
                "新版本发布说明涉及对外宣传口径,需要市场部把关措辞。",
                "需市场部在10月26日中午前审核发布说明。",
                &["MKT"],
            ),
        )
        .number;
    let f = fx
        .register_with(
            "li",
            at("2023-10-25 09:40"),
            Priority::Medium,
            None,
            draft(
                "会员等级规则调整",
                "现行会员等级门槛过高,三级以上会员占比不足百分之二,运营活动难以覆盖。",
                "需研发部在11月10日前上线新的等级计算规则。",
                &["RD"],
            ),
        )
        .number;
    let ctx = fx.ctx("wang", at("2023-10-25 09:45"));
    fx.store.add_task(&ctx, &f, &task("RD", "等级规则开发", "wang2", "2023-10-26")).expect("task on F");
    fx.finish_tasks(&f, at("2023-10-25 09:46"));
    let ctx = fx.ctx("wang", at("2023-10-25 09:50"));
    fx.store
        .resolve(
            &ctx,
            &f,
            &liaison::store::ResolveInput {
                solution: "新规则已上线".into(),
                owner: "wang".into(),
                feedback: None,
                resolved_at: None,
                without_response: None,
            },
        )
        .expect("resolve F");
    let ctx = fx.ctx("li", at("2023-10-25 09:55"));
    fx.store.answer_acceptance(&ctx, &f, true, None, None).expect("accept F");
    let ctx = fx.ctx("li", at("2023-10-25 09:58"));
    fx.store.comment(&ctx, &a, "请研发部确认排期").expect("comment on A");
    ListData { fx, a, b, c, d, e, f }
}

#[test]
fn list_filters_select_the_right_issues() {
    let ListData { mut fx, a, b, c, d, e, f } = list_data();
    let now = at("2023-10-25 10:00");
    let s = &mut fx.store;
    let pick = |items: &[&String]| items.iter().map(|s| s.to_string()).collect::<BTreeSet<String>>();
    let all = IssueFilter::default();
    assert_eq!(number_set(s, &all, now), pick(&[&a, &b, &c, &d, &e, &f]));
    assert_eq!(a, "20231023-MKT-001", "the number takes the day the issue was proposed");

    let status = |statuses: &[Status]| IssueFilter { statuses: statuses.to_vec(), ..IssueFilter::default() };
    assert_eq!(number_set(s, &status(&[Status::Registered]), now), pick(&[&a, &c, &d, &e]));
    assert_eq!(number_set(s, &status(&[Status::InProgress]), now), pick(&[&b]));
    assert_eq!(number_set(s, &status(&[Status::Resolved, Status::Archived]), now), pick(&[&f]));
    assert_eq!(s.count(&status(&[Status::Registered, Status::InProgress]), now).expect("count"), 5);

    let dept = |code: &str| IssueFilter { dept: Some(code.into()), ..IssueFilter::default() };
    assert_eq!(number_set(s, &dept("QA"), now), pick(&[&b, &d]));
    assert_eq!(number_set(s, &dept("OPS"), now), pick(&[&c]));
    assert_eq!(number_set(s, &dept("RD"), now), pick(&[&a, &c, &d, &e, &f]));
    assert_eq!(s.count(&dept("RD"), now).expect("count"), 5);

    let priority = |p| IssueFilter { priority: Some(p), ..IssueFilter::default() };
    assert_eq!(number_set(s, &priority(Priority::High), now), pick(&[&a, &e]));
    assert_eq!(number_set(s, &priority(Priority::Low), now), pick(&[&c]));

    let involving = |login: &str, dept: &str| IssueFilter {
        involving: Some((login.into(), dept.into())),
        ..IssueFilter::default()
    };
    // zhao: C involves OPS, and zhao took part in B's meeting.
    assert_eq!(number_set(s, &involving("zhao", "OPS"), now), pick(&[&b, &c]));
    assert_eq!(number_set(s, &involving("qian", "QA"), now), pick(&[&b, &d]));
    // By name only (a department that matches nothing): proposer, feedback person, owners.
    assert_eq!(number_set(s, &involving("wang", "NONE"), now), pick(&[&c, &e, &f]));
    assert_eq!(number_set(s, &involving("li", "NONE"), now), pick(&[&a, &b, &f]));
    assert_eq!(number_set(s, &involving("wang2", "NONE"), now), pick(&[&f]));

    let overdue = IssueFilter { overdue: true, ..IssueFilter::default() };
    assert_eq!(number_set(s, &overdue, now), pick(&[&a, &b]));
    assert_eq!(s.count(&overdue, now).expect("count"), 2);
    let due_soon = IssueFilter { due_soon: true, ..IssueFilter::default() };
    assert_eq!(number_set(s, &due_soon, now), pick(&[&b, &e]));
    let either = IssueFilter { overdue: true, due_soon: true, ..IssueFilter::default() };
    assert_eq!(number_set(s, &either, now), pick(&[&a, &b, &e]));
    // On Monday noon nothing was overdue yet.
    assert_eq!(number_set(s, &overdue, at("2023-10-23 12:00")), BTreeSet::new());

    let escalated = IssueFilter { escalated: true, ..IssueFilter::default() };
    assert_eq!(number_set(s, &escalated, now), pick(&[&d]));

    assert_eq!(number_set(s, &text("积分兑换"), now), pick(&[&a]));
    assert_eq!(number_set(s, &text("扩容"), now), pick(&[&c]));
    assert_eq!(number_set(s, &text("测试机型"), now), pick(&[&b]), "meeting text");
    assert_eq!(number_set(s, &text("确认排期"), now), pick(&[&a]), "comment text");
    assert_eq!(number_set(s, &text("兼容性 报告"), now), pick(&[&b]), "every term must match");
    assert_eq!(number_set(s, &text("扩容 积分"), now), BTreeSet::new());
    assert_eq!(number_set(s, &text("%日"), now), BTreeSet::new(), "% is not a wildcard");
    assert_eq!(number_set(s, &text("5%"), now), pick(&[&d]));

    let sorted = |key| IssueFilter { sort: key, ..IssueFilter::default() };
    assert_eq!(numbers(s, &sorted(SortKey::Deadline), now), [&a, &b, &e, &d, &c, &f].map(String::clone));
    assert_eq!(numbers(s, &sorted(SortKey::Priority), now), [&a, &e, &b, &d, &f, &c].map(String::clone));
    assert_eq!(numbers(s, &sorted(SortKey::Number), now), [&f, &e, &d, &c, &b, &a].map(String::clone));
    assert_eq!(numbers(s, &sorted(SortKey::Updated), now), [&a, &f, &e, &d, &c, &b].map(String::clone));

    let window = IssueFilter { sort: SortKey::Number, limit: Some(2), offset: 1, ..IssueFilter::default() };
    assert_eq!(numbers(s, &window, now), [&e, &d].map(String::clone));
    assert_eq!(s.count(&window, now).expect("count"), 6, "count ignores the window");
    let last = IssueFilter { sort: SortKey::Number, limit: Some(10), offset: 5, ..IssueFilter::default() };
    assert_eq!(numbers(s, &last, now), [&a].map(String::clone));

    // The summaries carry what the list shows.
    let rows = s.list(&sorted(SortKey::Deadline), now).expect("list");
    let row = |number: &String| rows.iter().find(|r| &r.number == number).expect("a row");
    assert_eq!(row(&a).next_due_at, Some(at("2023-10-24 09:00")));
    assert_eq!(row(&b).next_due_at, Some(at_secs("2023-10-24 23:59:59")));
    assert_eq!(row(&f).next_due_at, None);
    assert_eq!((row(&b).overdue_tasks, row(&f).overdue_tasks), (1, 0));
    assert!(row(&d).escalated && !row(&a).escalated);
    assert_eq!(row(&b).departments, strings(&["QA"]));
}

#[test]
fn task_alerts_flag_overdue_and_silent_tasks() {
    let mut fx = Fixture::new();
    let n = fx.register("li", at("2023-10-20 08:30"), &["RD"]).number;
    // Added on the 20th, when every deadline was ahead.
    let ctx = fx.ctx("wang", at("2023-10-20 09:00"));
    let tasks = [
        ("接口联调", "wang2", "2023-10-25"), // 1: overdue tomorrow
        ("接口文档", "wang2", "2023-10-27"), // 2: due Friday, silent
        ("压力测试", "wang2", "2023-10-27"), // 3: has a risk alert
        ("灰度方案", "wang2", "2023-10-27"), // 4: progress yesterday
        ("上线检查", "wang2", "2023-10-30"), // 5: Monday, two working days away
        ("回滚演练", "wang2", "2023-10-20"), // 6: done
        ("发布公告", "wang", "2023-10-27"),  // 7: silent, another owner
    ];
    for (title, owner, deadline) in tasks {
        fx.store.add_task(&ctx, &n, &task("RD", title, owner, deadline)).expect("task");
    }
    let ctx = fx.ctx("wang2", at("2023-10-25 10:00"));
    assert!(fx.store.raise_risk(&ctx, &n, &risk(3, None)).expect("risk"));
    let ctx = fx.ctx("wang2", at("2023-10-25 15:00"));
    fx.store.add_progress(&ctx, &n, &progress(Some(4), Some(20), "方案初稿完成")).expect("progress");
    let done = TaskUpdate { state: Some(TaskState::Done), ..TaskUpdate::default() };
    fx.store.update_task(&ctx, &n, None, 6, &done).expect("done");

    let now = at("2023-10-26 10:00"); // Thursday
    let flags = |fx: &mut Fixture, who: Option<&str>| -> Vec<(i64, TaskFlag)> {
        fx.store.task_alerts(now, who).expect("alerts").into_iter().map(|a| (a.task.seq, a.flag)).collect()
    };
    let all = vec![(1, TaskFlag::Overdue), (2, TaskFlag::AlertDue), (7, TaskFlag::AlertDue)];
    assert_eq!(flags(&mut fx, None), all);
    assert_eq!(flags(&mut fx, Some("RD")), all);
    assert_eq!(flags(&mut fx, Some("wang")), vec![(7, TaskFlag::AlertDue)]);
    assert_eq!(flags(&mut fx, Some("QA")), vec![]);
    // The count the status bar shows agrees with the list, without loading it.
    for who in [None, Some("RD"), Some("wang"), Some("QA")] {
        let listed = flags(&mut fx, who).len();
        assert_eq!(fx.store.task_alert_count(now, who).expect("count"), listed, "{who:?}");
    }
    let alert = &fx.store.task_alerts(now, Some("wang")).expect("alerts")[0];
    assert_eq!((alert.number.as_str(), alert.issue_title.as_str()), (n.as_str(), "积分兑换接口开发"));

    // A solution waits for the work; tasks done or cancelled are no longer flagged.
    let ctx = fx.ctx("wang", at("2023-10-26 09:00"));
    let input = liaison::store::ResolveInput {
        solution: "接口已交付".into(),
        owner: "wang".into(),
        ..Default::default()
    };
    assert!(matches!(fx.store.resolve(&ctx, &n, &input), Err(StoreError::Refused(_))));
    fx.store.cancel_task(&ctx, &n, 1, "联调改由下个版本完成").expect("cancel");
    assert_eq!(flags(&mut fx, None), vec![(2, TaskFlag::AlertDue), (7, TaskFlag::AlertDue)]);
    fx.finish_tasks(&n, at("2023-10-26 09:05"));
    assert_eq!(flags(&mut fx, None), vec![]);
    fx.store.resolve(&ctx, &n, &input).expect("resolve");
    let ctx = fx.ctx("li", at("2023-10-26 09:30"));
    fx.store.answer_acceptance(&ctx, &n, true, None, None).expect("accept");
    assert_eq!(flags(&mut fx, None), vec![]);
}

fn flags_at(fx: &mut Fixture, now: NaiveDateTime) -> Vec<(i64, TaskFlag)> {
    fx.store.task_alerts(now, None).expect("alerts").into_iter().map(|a| (a.task.seq, a.flag)).collect()
}

#[test]
fn a_task_due_on_a_weekend_is_flagged_before_the_last_working_day() {
    let mut fx = Fixture::new();
    let n = fx.register("li", at("2023-10-25 08:30"), &["RD"]).number;
    let ctx = fx.ctx("wang", at("2023-10-25 09:00"));
    fx.store.add_task(&ctx, &n, &task("RD", "周末上线", "wang2", "2023-10-28")).expect("task");
    // Thursday: only Friday is left before the Saturday deadline.
    assert_eq!(flags_at(&mut fx, at("2023-10-26 10:00")), vec![(1, TaskFlag::AlertDue)]);
}

// ---------------------------------------------------------------------------------------------
// 13. Not registered

#[test]
fn an_unknown_login_is_told_whom_to_ask() {
    let mut fx = Fixture::new();
    match fx.store.actor("nobody") {
        Err(StoreError::NotRegistered { login, admins }) => {
            assert_eq!((login.as_str(), admins), ("nobody", strings(&[ADMIN])));
        }
        other => panic!("expected NotRegistered, got {other:?}"),
    }
    let message = fx.store.actor("nobody").expect_err("not registered").message(Lang::En);
    assert!(message.contains("ask an admin to add you: root"), "{message}");
    let actor = fx.store.actor("wang").expect("wang");
    assert_eq!(
        (actor.person.dept.as_str(), actor.person.role, actor.on_behalf_of),
        ("RD", Role::Member, None)
    );

    let dir = tempfile::tempdir().expect("tempdir");
    let mut empty = Store::open(&dir.path().join("empty.db")).expect("open");
    assert!(!empty.is_initialized().expect("initialized?"));
    match empty.actor("nobody") {
        Err(e @ StoreError::NotRegistered { .. }) => {
            assert!(e.message(Lang::En).contains("liaison init"), "{}", e.message(Lang::En));
        }
        other => panic!("expected NotRegistered, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// 14. Bulk writes and demo data

#[test]
fn demo_data_is_written_in_bulk_by_an_admin() {
    let mut fx = Fixture::new();
    let now = at("2023-10-25 10:00");
    let first = fx.register("li", at("2023-10-25 09:00"), &["RD"]).number;
    let cal = fx.store.calendar().expect("calendar");
    let rules = fx.store.settings().expect("settings").response;
    let demo = Demo::new(1);

    assert_denied(fx.store.bulk(fx.people.get("zhou").expect("zhou"), Lang::En).map(|_| ()));

    // Dropped without commit: nothing is written.
    {
        let mut writer = fx.store.bulk(fx.people.get(ADMIN).expect("admin"), Lang::En).expect("bulk");
        for d in &demo.departments {
            writer.ensure_department(d).expect("department");
        }
        for p in &demo.people {
            writer.ensure_person(p).expect("person");
        }
        writer.add_record(&demo.record(0, 300, now, &cal, &rules)).expect("record");
    }
    assert_eq!(fx.store.count(&IssueFilter::default(), now).expect("count"), 1);
    assert_eq!(fx.store.departments().expect("departments").len(), 4);

    let mut writer = fx.store.bulk(fx.people.get(ADMIN).expect("admin"), Lang::En).expect("bulk");
    let mut added_depts = 0;
    for d in &demo.departments {
        added_depts += usize::from(writer.ensure_department(d).expect("department"));
    }
    for p in &demo.people {
        assert!(writer.ensure_person(p).expect("person"), "{} added", p.login);
    }
    let mut drawn = Vec::new();
    for i in 0..300 {
        drawn.push(writer.add_record(&demo.record(i, 300, now, &cal, &rules)).expect("record"));
    }
    writer.commit().expect("commit");

    assert_eq!(added_depts, demo.departments.len() - 4, "RD, MKT, OPS and QA existed");
    assert_eq!(fx.store.count(&IssueFilter::default(), now).expect("count"), 301);
    let listed = number_set(&mut fx.store, &IssueFilter::default(), now);
    assert_eq!(listed.len(), 301, "numbers are distinct");
    assert!(listed.contains(&first));
    assert_eq!(drawn.iter().collect::<BTreeSet<_>>().len(), 300);
    assert!(!drawn.contains(&first));
    let conn = fx.raw();
    let check: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).expect("integrity");
    assert_eq!(check, "ok");
    assert_eq!(count_rows(&conn, "SELECT count(*) FROM search WHERE source = 'issue'"), 301);
    let record = fx.store.record(&drawn[0]).expect("a demo record");
    assert!(!record.events.is_empty());
    assert_eq!(record.events[0].kind, EventKind::Registered);
}

/// The inbox's point of view: what is new to me since I last looked, and what waits on me.
#[test]
fn the_viewer_sees_what_is_new_and_what_waits_on_them() {
    let mut fx = Fixture::new();
    let now = at("2023-10-25 10:00");
    let issue = fx.register("li", now, &["RD"]);
    let n = issue.number.clone();
    let row = |fx: &mut Fixture, viewer: &str, now: NaiveDateTime| {
        let filter = IssueFilter { viewer: Some(viewer.to_string()), ..IssueFilter::default() };
        fx.store.list(&filter, now).expect("list").into_iter().find(|r| r.number == n).expect("listed")
    };

    // Registered by li: new to wang, not to li (nobody else acted yet).
    assert!(row(&mut fx, "wang", now).unseen);
    assert!(!row(&mut fx, "li", now).unseen);
    fx.store.mark_seen("wang", &n).expect("mark seen");
    assert!(!row(&mut fx, "wang", now).unseen);
    let seen = fx.store.seen_upto("wang", &n).expect("seen").expect("a mark");

    // wang records a meeting with li and wang2: li must confirm; it is new to li.
    let t = at("2023-10-25 11:00");
    fx.store.record_meeting(&fx.ctx("wang", t), &n, &meeting(&["li", "wang", "wang2"])).expect("meeting");
    let li = row(&mut fx, "li", t);
    assert!(li.unseen, "wang's meeting is new to li");
    assert_eq!(li.minutes_to_confirm, 1);
    let wang = row(&mut fx, "wang", t);
    assert!(!wang.unseen, "wang's own change is not news to wang");
    assert_eq!(wang.minutes_to_confirm, 0, "the recorder confirmed by recording");
    fx.store.answer_minutes(&fx.ctx("li", t), &n, 1, true, None, None).expect("confirm");
    assert_eq!(row(&mut fx, "li", t).minutes_to_confirm, 0);

    // A task of wang2's due tomorrow waits on wang2; one due next week does not.
    let soon = TaskInput {
        dept: "RD".into(),
        title: "接口开发".into(),
        owner: "wang2".into(),
        deadline: day("2023-10-26"),
        involve: false,
    };
    let later = TaskInput { deadline: day("2023-11-03"), ..soon.clone() };
    fx.store.add_task(&fx.ctx("wang", t), &n, &soon).expect("task");
    fx.store.add_task(&fx.ctx("wang", t), &n, &later).expect("task");
    assert_eq!(row(&mut fx, "wang2", t).my_tasks_due, 1);
    // The work is done before a solution.
    for seq in [1, 2] {
        let done = liaison::store::TaskUpdate { state: Some(TaskState::Done), ..Default::default() };
        fx.store.update_task(&fx.ctx("wang", t), &n, None, seq, &done).expect("done");
    }

    // The solution waits on the feedback person, li.
    fx.store
        .resolve(
            &fx.ctx("wang", t),
            &n,
            &liaison::store::ResolveInput {
                solution: "接口已上线".into(),
                owner: "wang".into(),
                feedback: None,
                resolved_at: None,
                without_response: None,
            },
        )
        .expect("resolve");
    assert!(row(&mut fx, "li", t).acceptance_due);
    assert!(!row(&mut fx, "wang", t).acceptance_due);
    // wang's mark still holds what wang had seen; events since then are others' or wang's own.
    assert_eq!(fx.store.seen_upto("wang", &n).expect("seen"), Some(seen));
    assert_eq!(fx.store.seen_upto("nobody", &n).expect("seen"), None);
}

// ---------------------------------------------------------------------------------------------
// 11. Search terms of any length

/// Registers an issue by li (MKT) for RD with the given texts.
fn register_text(fx: &mut Fixture, title: &str, background: &str, request: &str) -> String {
    fx.register_with(
        "li",
        at("2023-10-25 09:00"),
        Priority::Medium,
        None,
        draft(title, background, request, &["RD"]),
    )
    .number
}

#[test]
fn search_finds_terms_of_one_and_two_characters_exactly() {
    let mut fx = Fixture::new();
    let now = at("2023-10-25 12:00");
    let a = register_text(&mut fx, "积分兑换接口开发", BACKGROUND, REQUEST);
    let b = register_text(
        &mut fx,
        "服务器扩容申请",
        "双十一大促前需要扩容订单服务,预计流量翻倍。",
        "运维部11月5日前完成扩容并压测。",
    );
    let found = |fx: &mut Fixture, words: &str| number_set(&mut fx.store, &text(words), now);
    let set = |items: &[&String]| items.iter().map(|s| s.to_string()).collect::<BTreeSet<String>>();
    // One Chinese character, two, and a pair that never stands side by side.
    assert_eq!(found(&mut fx, "积"), set(&[&a]));
    assert_eq!(found(&mut fx, "容"), set(&[&b]));
    assert_eq!(found(&mut fx, "前"), set(&[&a, &b]));
    assert_eq!(found(&mut fx, "扩容"), set(&[&b]));
    assert_eq!(found(&mut fx, "容扩"), BTreeSet::new());
    assert_eq!(found(&mut fx, "积 扩"), BTreeSet::new(), "every term must match");
    assert_eq!(found(&mut fx, "1"), set(&[&a, &b]));
    assert_eq!(fx.store.count(&text("积"), now).expect("count"), 1);
    assert_eq!(fx.store.count(&text("前"), now).expect("count"), 2);
}

#[test]
fn search_ignores_the_case_of_latin_letters_only() {
    let mut fx = Fixture::new();
    let now = at("2023-10-25 12:00");
    let a = register_text(
        &mut fx,
        "WebView 白屏问题排查",
        "安卓 WebView 在低版本系统打开活动页白屏。",
        "请研发部定位原因并给出修复版本。",
    );
    let b = register_text(
        &mut fx,
        "Étude 页面改版",
        "页面需要按新规范改版,影响注册流程。",
        "请研发部评估工作量。",
    );
    let found = |fx: &mut Fixture, words: &str| numbers(&mut fx.store, &text(words), now);
    for term in ["w", "W", "we", "WE", "web", "webview", "WEBVIEW", "wEbViEw"] {
        assert_eq!(found(&mut fx, term), vec![a.clone()], "{term}");
    }
    assert!(found(&mut fx, "webviews").is_empty());
    // As LIKE does: letters outside ASCII keep their case.
    assert_eq!(found(&mut fx, "Étude"), vec![b.clone()]);
    assert_eq!(found(&mut fx, "É"), vec![b.clone()]);
    assert!(found(&mut fx, "étude").is_empty());
    assert!(found(&mut fx, "é").is_empty());
}

#[test]
fn search_takes_percent_and_underscore_literally() {
    let mut fx = Fixture::new();
    let now = at("2023-10-25 12:00");
    let a = register_text(
        &mut fx,
        "转化率下降5%排查",
        "活动页转化率较上周下降5%,原因不明。",
        "请研发部排查埋点 user_id 是否丢失。",
    );
    let b =
        register_text(&mut fx, "日志字段整理", "userXid 字段命名不统一,影响报表。", "请研发部统一字段命名。");
    let found = |fx: &mut Fixture, words: &str| numbers(&mut fx.store, &text(words), now);
    for term in ["%", "5%", "降5%", "_", "r_", "_i", "user_id"] {
        assert_eq!(found(&mut fx, term), vec![a.clone()], "{term}");
    }
    assert!(found(&mut fx, "%降").is_empty());
    assert!(found(&mut fx, "%5").is_empty());
    assert!(found(&mut fx, "5_").is_empty());
    assert_eq!(found(&mut fx, "userXid"), vec![b.clone()]);
    assert!(found(&mut fx, "user%id").is_empty());
}

#[test]
fn a_term_must_lie_within_one_text() {
    let mut fx = Fixture::new();
    let now = at("2023-10-25 12:00");
    let a = register_text(
        &mut fx,
        "接口联调延期",
        "测试环境尚未就绪,联调无法开始。",
        "请运维部本周内提供测试环境。",
    );
    let found = |fx: &mut Fixture, words: &str| numbers(&mut fx.store, &text(words), now);
    // Terms from the title and the background together; each may lie in a different field.
    assert_eq!(found(&mut fx, "延期 就绪"), vec![a.clone()]);
    assert_eq!(found(&mut fx, "延期 本周内"), vec![a.clone()]);
    // The title's end and the background's start are not one text: no term spans them.
    assert!(found(&mut fx, "延期测").is_empty());
    assert!(found(&mut fx, "期测").is_empty());
    // A three-character term whose pairs all occur, but never together.
    assert!(found(&mut fx, "试环测").is_empty());
    assert_eq!(found(&mut fx, "测试环境"), vec![a.clone()]);
}

#[test]
fn search_follows_edits_comments_and_solutions() {
    let mut fx = Fixture::new();
    let now = at("2023-10-25 12:00");
    let n = register_text(&mut fx, "积分兑换接口开发", BACKGROUND, REQUEST);
    let found = |fx: &mut Fixture, words: &str| numbers(&mut fx.store, &text(words), now);
    assert!(found(&mut fx, "券").is_empty());

    let edit = draft(
        "优惠券核销接口开发",
        "优惠券核销需要新接口,现有接口无法区分渠道。",
        "需研发部开发核销接口,11月10日前交付。",
        &["RD"],
    );
    fx.store.edit_description(&fx.ctx("li", now), &n, None, &edit).expect("edit");
    assert_eq!(found(&mut fx, "券"), vec![n.clone()]);
    assert_eq!(found(&mut fx, "核销"), vec![n.clone()]);
    assert!(found(&mut fx, "积").is_empty(), "the old description is gone");
    assert!(found(&mut fx, "积分兑换").is_empty());

    fx.store.comment(&fx.ctx("wang", now), &n, "灰度方案已确认").expect("comment");
    assert_eq!(found(&mut fx, "灰"), vec![n.clone()]);
    assert_eq!(found(&mut fx, "灰度方案"), vec![n.clone()]);
    assert_eq!(found(&mut fx, "券"), vec![n.clone()], "the description is still found");

    fx.store
        .resolve(
            &fx.ctx("wang", now),
            &n,
            &liaison::store::ResolveInput {
                solution: "上线核销接口 v2".into(),
                owner: "wang".into(),
                feedback: Some("li".into()),
                resolved_at: None,
                without_response: None,
            },
        )
        .expect("resolve");
    assert_eq!(found(&mut fx, "v2"), vec![n.clone()]);
    assert_eq!(found(&mut fx, "V"), vec![n.clone()]);
    let conn = fx.raw();
    assert_eq!(count_rows(&conn, "SELECT count(*) FROM search_grams"), 1, "one entry per issue");
}

#[test]
fn a_schema_5_file_is_upgraded_with_its_search_index_filled() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("five.db");
    let now = at("2023-10-27 10:00");
    let (a, b);
    {
        let mut conn = raw(&path);
        migrations::migrate_to(&mut conn, 5).expect("migrate to 5");
        // Issues as the previous release wrote them, its trigram index included.
        conn.execute_batch(
            "INSERT INTO departments (code, name) VALUES ('RD', '研发部'), ('MKT', '市场部');
             INSERT INTO people (login, display_name, dept, role) VALUES
                 ('li', '李雷', 'MKT', 'admin'), ('wang', '王强', 'RD', 'member');",
        )
        .expect("people");
        for (id, number, title) in
            [(1, "20231025-MKT-001", "积分兑换接口开发"), (2, "20231025-MKT-002", "WebView 白屏")]
        {
            conn.execute(
                "INSERT INTO issues (id, number, proposer_dept, proposer, proposed_at, priority, title, background,
                     request, status, response_due_at, version, updated_at, updated_by)
                 VALUES (?1, ?2, 'MKT', 'li', ?3, 'medium', ?4, ?5, ?6, 'registered', ?7, 1, ?3, 'li')",
                params![id, number, epoch(at("2023-10-25 09:30")), title, BACKGROUND, REQUEST,
                    epoch(at_secs("2023-10-30 23:59:59"))],
            )
            .expect("issue");
            conn.execute(
                "INSERT INTO search (body, issue_id, source) VALUES (?1 || char(10) || ?2 || char(10) || ?3, ?4, 'issue')",
                params![title, BACKGROUND, REQUEST, id],
            )
            .expect("index");
        }
        conn.execute(
            "INSERT INTO search (body, issue_id, source) VALUES ('联调排期已确认', 2, 'comment:1')",
            [],
        )
        .expect("index a comment");
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).expect("version");
        assert_eq!(version, 5);
        (a, b) = ("20231025-MKT-001".to_string(), "20231025-MKT-002".to_string());
    }

    let mut store = Store::open(&path).expect("open and upgrade");
    assert_eq!(store.schema_version().expect("version"), migrations::latest());
    let found = |store: &mut Store, words: &str| number_set(store, &text(words), now);
    let set = |items: &[&String]| items.iter().map(|s| s.to_string()).collect::<BTreeSet<String>>();
    assert_eq!(found(&mut store, "积"), set(&[&a, &b]), "the background is shared");
    assert_eq!(found(&mut store, "白"), set(&[&b]));
    assert_eq!(found(&mut store, "webview"), set(&[&b]));
    assert_eq!(found(&mut store, "排期"), set(&[&b]), "the comment's text");
    assert_eq!(found(&mut store, "兑换接口开发"), set(&[&a]));
    assert!(found(&mut store, "扩容").is_empty());
    let conn = raw(&path);
    assert_eq!(count_rows(&conn, "SELECT count(*) FROM search_grams"), 2);
    assert_eq!(count_rows(&conn, "SELECT count(*) FROM search WHERE source = 'issue'"), 2);
}

// 15. Search as you type, from a cache

/// A store holding 300 demo issues, and the time they were made for.
fn demo_store(fx: &mut Fixture) -> NaiveDateTime {
    let now = at("2023-11-20 10:00");
    let cal = fx.store.calendar().expect("calendar");
    let rules = fx.store.settings().expect("settings").response;
    let demo = Demo::new(7);
    let admin = fx.person(ADMIN).clone();
    let mut writer = fx.store.bulk(&admin, Lang::En).expect("bulk");
    demo.departments.iter().for_each(|d| assert!(writer.ensure_department(d).is_ok()));
    demo.people.iter().for_each(|p| assert!(writer.ensure_person(p).is_ok()));
    for i in 0..300 {
        writer.add_record(&demo.record(i, 300, now, &cal, &rules)).expect("record");
    }
    writer.commit().expect("commit");
    now
}

/// Types `query` a character at a time (a `<` takes one back) and checks that every step's
/// answer from the cache is the list a fresh query gives. Returns how many steps found issues.
fn type_query(
    store: &mut Store,
    cache: &mut ListCache,
    filter: &IssueFilter,
    now: NaiveDateTime,
    query: &str,
) -> usize {
    let mut typed = String::new();
    let mut found = 0;
    for c in query.chars() {
        if c == '<' {
            typed.pop();
        } else {
            typed.push(c);
        }
        let trimmed = typed.trim();
        let f = IssueFilter { text: (!trimmed.is_empty()).then(|| trimmed.to_string()), ..filter.clone() };
        let fresh = store.matching_ids(&f, now, u32::MAX - 1).expect("fresh");
        let cached = store.matching_ids_cached(&f, now, u32::MAX - 1, cache).expect("cached");
        assert_eq!(cached, fresh, "{typed:?} in {filter:?}");
        found += usize::from(fresh.is_some_and(|ids| !ids.is_empty()));
    }
    found
}

#[test]
fn search_as_you_type_from_the_cache_lists_what_a_fresh_query_lists() {
    let mut fx = Fixture::new();
    let now = demo_store(&mut fx);
    let me = fx.person("zhou").clone();
    let open = vec![Status::Registered, Status::InProgress, Status::AwaitingAcceptance];
    let filters = [
        IssueFilter {
            involving: Some((me.login.clone(), me.dept.clone())),
            statuses: open.clone(),
            ..IssueFilter::default()
        },
        IssueFilter::default(),
        IssueFilter { statuses: open, sort: SortKey::Priority, ..IssueFilter::default() },
        IssueFilter { overdue: true, due_soon: true, sort: SortKey::Updated, ..IssueFilter::default() },
        IssueFilter { dept: Some("RD".into()), sort: SortKey::Number, ..IssueFilter::default() },
    ];
    let queries = [
        "积分兑换",
        "回款<<接口开发",
        "WebView",
        "webVIEW<<<<<<<WEB",
        "接口 开发 联调",
        "积分兑换<<<<回款",
        "量子纠缠",
        "接口开发 2",
        "兑换 积分兑换",
    ];
    let mut found = 0;
    for filter in &filters {
        // One cache through every query, as the console keeps it.
        let mut cache = ListCache::default();
        for query in queries {
            found += type_query(&mut fx.store, &mut cache, filter, now, query);
        }
    }
    assert!(found > 50, "the demo data should match most queries: {found}");
}

#[test]
fn a_change_by_another_connection_or_this_one_empties_the_cache() {
    let mut fx = Fixture::new();
    let now = demo_store(&mut fx);
    let filter = IssueFilter::default();
    let mut cache = ListCache::default();
    let with = |t: &str| IssueFilter { text: Some(t.into()), ..filter.clone() };
    let cached = |fx: &mut Fixture, cache: &mut ListCache, t: &str| {
        fx.store.matching_ids_cached(&with(t), now, u32::MAX - 1, cache).expect("cached").expect("ids")
    };
    assert_eq!(type_query(&mut fx.store, &mut cache, &filter, now, "灰度发"), 0, "not in the demo data");

    // Another program comments on an issue: its text is found at once.
    let first =
        fx.store.list(&IssueFilter { limit: Some(1), ..filter.clone() }, now).expect("list")[0].clone();
    let mut other = fx.reopen();
    other.comment(&fx.ctx("zhou", now), &first.number, "灰度发布方案已确认").expect("comment");
    assert_eq!(cached(&mut fx, &mut cache, "灰度发"), vec![first.id]);
    assert_eq!(cached(&mut fx, &mut cache, "灰度发布"), vec![first.id]);

    // This connection registers one: found too, and listed where a fresh query puts it.
    let n = register_text(&mut fx, "灰度发布回滚", BACKGROUND, REQUEST);
    let ids = cached(&mut fx, &mut cache, "灰度发布");
    assert_eq!(ids.len(), 2);
    assert_eq!(Some(ids), fx.store.matching_ids(&with("灰度发布"), now, 100).expect("fresh"));
    let ids = cached(&mut fx, &mut cache, "回滚");
    assert!(fx.store.summaries(&ids, None, now).expect("rows").iter().any(|r| r.number == n));

    // The list without the search changes too: the new issue is in All.
    let all =
        fx.store.matching_ids_cached(&filter, now, u32::MAX - 1, &mut cache).expect("all").expect("ids");
    assert_eq!(all.len(), 301);
    assert_eq!(Some(all), fx.store.matching_ids(&filter, now, 1_000).expect("fresh"));
}
