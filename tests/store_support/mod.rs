//! Fixtures for `tests/store.rs`: a database file in a temporary directory with four
//! departments and one person of each role, plus small helpers for times and registrations.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::{Local, NaiveDate, NaiveDateTime, TimeZone};
use liaison::domain::{Actor, Department, Issue, IssueDraft, Person, Priority, Role};
use liaison::i18n::Lang;
use liaison::store::{Ctx, Registration, Store, StoreError};
use tempfile::TempDir;

/// The admin created by `init`.
pub const ADMIN: &str = "root";

/// `2023-10-25 09:30` → a local time. 2023-10-25 is a Wednesday.
pub fn at(text: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M")
        .unwrap_or_else(|e| panic!("bad time `{text}` in a test: {e}"))
}

pub fn at_secs(text: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S")
        .unwrap_or_else(|e| panic!("bad time `{text}` in a test: {e}"))
}

pub fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap_or_else(|e| panic!("bad date `{text}` in a test: {e}"))
}

/// A local time as the store keeps it: seconds since the epoch, in this process's time zone.
pub fn epoch(t: NaiveDateTime) -> i64 {
    Local.from_local_datetime(&t).earliest().expect("a time that exists locally").timestamp()
}

pub fn ctx_for(person: &Person, now: NaiveDateTime) -> Ctx {
    Ctx { actor: Actor { person: person.clone(), on_behalf_of: None }, now, lang: Lang::En }
}

pub fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// A description that passes the lint without warnings.
pub fn draft(title: &str, background: &str, request: &str, departments: &[&str]) -> IssueDraft {
    IssueDraft {
        title: title.to_string(),
        background: background.to_string(),
        request: request.to_string(),
        departments: strings(departments),
    }
}

pub const BACKGROUND: &str = "会员积分兑换活动将于11月上线,目前兑换接口尚未开发,市场部无法准备推广物料。";
pub const REQUEST: &str = "需研发部开发积分兑换接口,10月31日前交付测试环境。";

/// The people of the fixture: login, name, department, role.
pub const PEOPLE: &[(&str, &str, &str, Role)] = &[
    ("li", "李雷", "MKT", Role::Member),
    ("li2", "李梅", "MKT", Role::Member),
    ("wang", "王强", "RD", Role::Member),
    ("wang2", "王芳", "RD", Role::Member),
    ("qian", "钱进", "QA", Role::Member),
    ("zhao", "赵敏", "OPS", Role::Member),
    ("sun", "孙悟", "RD", Role::Viewer),
    ("zhou", "周全", "OPS", Role::Coordinator),
];

pub struct Fixture {
    // Keeps the directory (and the database file) alive for the test.
    _dir: TempDir,
    pub path: PathBuf,
    pub store: Store,
    pub people: HashMap<String, Person>,
}

/// The start of every fixture: 2023-10-25 08:00, a Wednesday.
pub fn setup_time() -> NaiveDateTime {
    at("2023-10-25 08:00")
}

impl Fixture {
    /// A database with OPS (the admin's), RD, MKT and QA, and the people of [`PEOPLE`].
    pub fn new() -> Fixture {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path().join("liaison.db");
        let mut store = Store::open(&path).expect("open a new database");
        let admin = Person {
            login: ADMIN.to_string(),
            display_name: "管理员".to_string(),
            dept: "OPS".to_string(),
            role: Role::Admin,
        };
        let ops = Department { code: "OPS".into(), name: "运营部".into(), head: None };
        store.init(setup_time(), &ops, &admin).expect("init");
        let ctx = ctx_for(&admin, setup_time());
        for (code, name) in [("RD", "研发部"), ("MKT", "市场部"), ("QA", "测试部")] {
            store
                .add_department(&ctx, &Department { code: code.into(), name: name.into(), head: None })
                .expect("add a department");
        }
        let mut people = HashMap::from([(ADMIN.to_string(), admin)]);
        for &(login, name, dept, role) in PEOPLE {
            let person = Person { login: login.into(), display_name: name.into(), dept: dept.into(), role };
            store.add_person(&ctx, &person).expect("add a person");
            people.insert(login.to_string(), person);
        }
        Fixture { _dir: dir, path, store, people }
    }

    pub fn person(&self, login: &str) -> &Person {
        self.people.get(login).unwrap_or_else(|| panic!("no person `{login}` in the fixture"))
    }

    pub fn ctx(&self, login: &str, now: NaiveDateTime) -> Ctx {
        ctx_for(self.person(login), now)
    }

    /// Finishes every open task of the issue (as the coordinator), so that a solution may follow.
    pub fn finish_tasks(&mut self, number: &str, now: NaiveDateTime) {
        let record = self.store.record(number).expect("record");
        let done = liaison::store::TaskUpdate {
            state: Some(liaison::domain::TaskState::Done),
            ..Default::default()
        };
        for t in record.tasks.iter().filter(|t| t.state.is_open()) {
            let ctx = self.ctx("zhou", now);
            self.store.update_task(&ctx, number, None, t.seq, &done).expect("task done");
        }
    }

    /// A second, independent handle on the same file.
    pub fn reopen(&self) -> Store {
        Store::open(&self.path).expect("open the database again")
    }

    /// Registers a medium-priority issue by `login`, now, and returns it.
    pub fn register(&mut self, login: &str, now: NaiveDateTime, departments: &[&str]) -> Issue {
        self.register_with(
            login,
            now,
            Priority::Medium,
            None,
            draft("积分兑换接口开发", BACKGROUND, REQUEST, departments),
        )
    }

    pub fn register_with(
        &mut self,
        login: &str,
        now: NaiveDateTime,
        priority: Priority,
        proposed_at: Option<NaiveDateTime>,
        draft: IssueDraft,
    ) -> Issue {
        let ctx = self.ctx(login, now);
        let reg = Registration { proposer_dept: None, proposed_at, priority, draft };
        let (issue, _) = self.store.register(&ctx, &reg).expect("register an issue");
        issue
    }

    /// The issue's version and number of events: what a refused action must leave alone.
    pub fn footprint(&mut self, number: &str) -> (i64, usize) {
        let record = self.store.record(number).expect("read the record");
        (record.issue.version, record.events.len())
    }

    /// A raw connection to the file, for checks the public API does not offer.
    pub fn raw(&self) -> rusqlite::Connection {
        raw(&self.path)
    }
}

pub fn raw(path: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open(path).expect("open the file with rusqlite")
}

pub fn count_rows(conn: &rusqlite::Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).unwrap_or_else(|e| panic!("`{sql}`: {e}"))
}

/// Asserts that a result is a permission refusal.
#[track_caller]
pub fn assert_denied<T: std::fmt::Debug>(result: Result<T, StoreError>) {
    match result {
        Err(StoreError::Denied(_) | StoreError::Refused(_)) => {}
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// Asserts that a result is NotFound of this kind ("person", "department"…) and id.
#[track_caller]
pub fn assert_not_found<T: std::fmt::Debug>(result: Result<T, StoreError>, kind: &str, id: &str) {
    match result {
        Err(StoreError::NotFound { kind: k, id: i }) => {
            assert_eq!((k.to_string().as_str(), i.as_str()), (kind, id));
        }
        other => panic!("expected NotFound({kind} {id}), got {other:?}"),
    }
}
