//! Fixtures for the console's form tests: a small company on an empty database, an issue of
//! 李四's, and the keys a person types into forms.

// Each test binary that includes this module uses part of it.
#![allow(dead_code)]

use super::console_support::*;
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use liaison::domain::*;
use liaison::i18n::Lang;
use liaison::store::{Registration, Store};
use liaison::tui::app::App;
use liaison::tui::form::FormKind;
use tempfile::TempDir;

/// A small company: the proposer in 市场部, a developer in 研发部, a tester in 质量部 who is not
/// involved, and a viewer.
pub struct Team {
    pub fx: Fixture,
    pub drafts: TempDir,
    pub lisi: Person,
    pub zhangsan: Person,
    pub wangwu: Person,
    pub viewer: Person,
}

pub fn person(login: &str, name: &str, dept: &str, role: Role) -> Person {
    Person { login: login.into(), display_name: name.into(), dept: dept.into(), role }
}

impl Team {
    pub fn new() -> Team {
        let fx = Fixture::empty();
        let mut store = fx.store();
        let admin_ctx = ctx(&admin(), now());
        for (code, name) in [("RD", "研发部"), ("MKT", "市场部"), ("QA", "质量部")] {
            let dept = Department { code: code.into(), name: name.into(), head: None };
            store.add_department(&admin_ctx, &dept).expect("the department is added");
        }
        let team = Team {
            fx,
            drafts: tempfile::tempdir().expect("a directory for drafts"),
            lisi: person("lisi", "李四", "MKT", Role::Member),
            zhangsan: person("zhangsan", "张三", "RD", Role::Member),
            wangwu: person("wangwu", "王五", "QA", Role::Member),
            viewer: person("zhaoliu", "赵六", "QA", Role::Viewer),
        };
        for p in [&team.lisi, &team.zhangsan, &team.wangwu, &team.viewer] {
            store.add_person(&admin_ctx, p).expect("the person is added");
        }
        team
    }

    /// The console as `me`, on the list of all issues, with drafts kept in the test's directory.
    pub fn app(&self, me: &Person) -> App {
        let mut app = self.fx.app(me, Lang::Zh);
        app.draft_path = self.drafts.path().join("draft.json");
        app.state.overlay = None;
        press(&mut app, "8");
        app
    }

    pub fn store(&self) -> Store {
        self.fx.store()
    }

    /// An issue registered by 李四 for 研发部, straight through the store.
    pub fn issue(&self) -> String {
        let draft = IssueDraft {
            title: "积分兑换接口开发".into(),
            background: "双十一活动需新增用户积分兑换功能".into(),
            request: "需研发部10月30日前完成积分兑换接口开发".into(),
            departments: vec!["RD".into()],
        };
        let reg = Registration { proposer_dept: None, proposed_at: None, priority: Priority::High, draft };
        let (issue, _) = self.store().register(&ctx(&self.lisi, now()), &reg).expect("the issue registers");
        issue.number
    }

    /// An issue far along: acknowledged by 研发部, a task of 张三's, a meeting whose minutes wait
    /// on 李四 and the admin, and an escalation.
    pub fn busy_issue(&self) -> String {
        let number = self.issue();
        let mut store = self.store();
        let dev = ctx(&self.zhangsan, now());
        store.acknowledge(&dev, &number, None).expect("ack");
        let input = liaison::store::TaskInput {
            dept: "RD".into(),
            title: "接口开发".into(),
            owner: "zhangsan".into(),
            deadline: chrono::NaiveDate::from_ymd_opt(2026, 11, 24).expect("date"),
            involve: false,
        };
        store.add_task(&dev, &number, &input).expect("task");
        let meeting = liaison::store::MeetingInput {
            held_at: None,
            mode: MeetingMode::Online,
            participants: vec!["zhangsan".into(), "lisi".into(), admin().login],
            summary: "讨论".into(),
            disputes: String::new(),
            consensus: "按期完成".into(),
        };
        store.record_meeting(&dev, &number, &meeting).expect("meeting");
        store.escalate(&dev, &number, "资源冲突", "总经理").expect("escalate");
        number
    }

    /// The console as `me` in a language, on the list of all issues.
    pub fn app_in(&self, me: &Person, lang: Lang) -> App {
        let mut app = self.fx.app(me, lang);
        app.draft_path = self.drafts.path().join("draft.json");
        app.state.overlay = None;
        press(&mut app, "8");
        app
    }

    pub fn record(&self, number: &str) -> IssueRecord {
        self.store().record(number).expect("the issue reads back")
    }
}

pub fn ctrl(c: char) -> Event {
    Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

pub fn tab(app: &mut App, times: usize) {
    send(app, std::iter::repeat_n(key(KeyCode::Tab), times));
}

pub fn save(app: &mut App) {
    send(app, [ctrl('s')]);
}

pub fn message(app: &App) -> String {
    app.state.message.clone().unwrap_or_default()
}

pub fn form_kind(app: &App) -> Option<FormKind> {
    app.state.form().map(|f| f.kind)
}

pub fn focused_field(app: &App) -> &'static str {
    app.state.form().and_then(|f| f.focused()).map(|f| f.spec.id).unwrap_or("")
}

/// Clears the focused text field (it opened with a value).
pub fn focused_value(app: &App) -> String {
    app.state.form().and_then(|f| f.focused()).map(|f| f.value()).unwrap_or_default()
}

pub fn clear_field(app: &mut App) {
    let value = app.state.form().and_then(|f| f.focused()).map(|f| f.value()).unwrap_or_default();
    send(app, value.chars().map(|_| key(KeyCode::Backspace)));
}

pub fn screen(app: &mut App) -> String {
    lines(&draw(app, 100, 34)).join("\n")
}

/// 张三 edits the description while 李四 changes it from another program.
pub fn conflict_setup(team: &Team, number: &str) -> App {
    let colleague = person("liuqi", "刘七", "MKT", Role::Member);
    team.store().add_person(&ctx(&admin(), now()), &colleague).expect("add");
    let mut app = team.app(&team.lisi);
    press(&mut app, "e");
    tab(&mut app, 2);
    clear_field(&mut app);
    type_text(&mut app, "需研发部11月30日前完成接口开发并联调");
    // Meanwhile, another program (another proposer-department member) changes the title.
    let mut other = team.store();
    let current = other.issue(number).expect("read");
    let draft = IssueDraft { title: "积分兑换接口(加急)".into(), ..issue_draft(&current) };
    other.edit_description(&ctx(&colleague, now()), number, Some(current.version), &draft).expect("edit");
    save(&mut app);
    app
}

pub fn issue_draft(i: &Issue) -> IssueDraft {
    IssueDraft {
        title: i.title.clone(),
        background: i.background.clone(),
        request: i.request.clone(),
        departments: i.departments.clone(),
    }
}
