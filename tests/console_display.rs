//! What the console's screens say, as a reader at 80×24 and 160×45 checks it: every view named
//! in the view bar, the list's order in its title, one word for each stage, the search picked
//! out in the record and the timeline, people who share a name told apart, form labels that
//! keep their required mark, every missing field named at once, and the limit of a title.
//!
//! Every test has its own demo database (seed 7, 60 issues) made at a fixed moment, Friday
//! 2026-11-20 10:00, and draws with the monochrome theme: the search and the counter past its
//! limit are bold, the current view is in reverse video.

mod console_support;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use liaison::domain::text::MAX_TITLE_CHARS;
use liaison::domain::*;
use liaison::i18n::Lang;
use liaison::store::{IssueFilter, Registration, SortKey, TaskInput};
use liaison::tui::app::{App, Pane};
use liaison::tui::keymap::View;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;

use console_support::*;

const SIZES: [(u16, u16); 2] = [(80, 24), (160, 45)];

fn ctrl(c: char) -> Event {
    Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

/// The cells of `rect` on row `y` that hold `c`, with whether each is drawn bold.
fn bold_of(buffer: &Buffer, rect: Rect, y: u16, c: char) -> Vec<bool> {
    (rect.x..rect.right())
        .filter(|x| buffer[(*x, y)].symbol() == c.to_string())
        .map(|x| buffer[(x, y)].modifier.contains(Modifier::BOLD))
        .collect()
}

/// The text of row `y` from column `from` up to (not including) column `to`, as the terminal
/// shows it: a cell behind a wide character is left out.
fn text_between(buffer: &Buffer, y: u16, from: u16, to: u16, keep: impl Fn(u16) -> bool) -> String {
    let mut out = String::new();
    let mut x = from;
    while x < to {
        let symbol = buffer[(x, y)].symbol();
        if keep(x) {
            out.push_str(symbol);
        }
        x += unicode_width::UnicodeWidthStr::width(symbol).max(1) as u16;
    }
    out
}

/// Where each pane is on a screen of this size.
fn pane_rect(app: &App, pane: Pane, width: u16, height: u16) -> Rect {
    let areas = liaison::tui::view::layout(Rect::new(0, 0, width, height), &app.state);
    areas
        .panes
        .iter()
        .find(|(p, _)| *p == pane)
        .map(|(_, r)| *r)
        .unwrap_or_else(|| panic!("{pane:?} on screen"))
}

/// An issue registered straight through the store.
fn register(fx: &Fixture, by: &Person, title: &str, depts: &[&str]) -> String {
    let draft = IssueDraft {
        title: title.into(),
        background: format!("{title}：上线前需要多个部门配合，目前没有人牵头"),
        request: "需研发部12月10日前完成开发并提交测试".into(),
        departments: depts.iter().map(|d| d.to_string()).collect(),
    };
    let reg = Registration { proposer_dept: None, proposed_at: None, priority: Priority::High, draft };
    fx.store().register(&ctx(by, now()), &reg).expect("the issue registers").0.number
}

// ---------------------------------------------------------------------------------------------
// The view bar

#[test]
fn every_view_is_named_in_the_view_bar_and_the_current_one_is_highlighted() {
    let fx = Fixture::demo();
    for lang in [Lang::Zh, Lang::En] {
        let mut app = fx.app(&fx.rd_member(), lang);
        for view in View::ALL {
            press(&mut app, &view.key().to_string());
            assert_eq!(app.state.list.view, view);
            for (w, h) in SIZES {
                let screen = draw(&mut app, w, h);
                let bar = &lines(&screen)[0];
                for other in View::ALL {
                    // Full names when there is room; short ones at 80 columns.
                    let name = if w >= 160 { other.label(lang) } else { other.short_label(lang) };
                    let shown = bar.contains(&format!("{} {name}", other.key()))
                        || bar.contains(&format!("{} {}", other.key(), other.label(lang)));
                    assert!(shown, "{lang:?} {w}x{h} on {view:?}: {other:?} is named in {bar:?}");
                }
                // The current view's tab is in reverse video, and only it.
                let reversed =
                    text_between(&screen, 0, 0, w, |x| screen[(x, 0)].modifier.contains(Modifier::REVERSED));
                let label =
                    if bar.contains(view.label(lang)) { view.label(lang) } else { view.short_label(lang) };
                assert_eq!(reversed.trim(), format!("{} {label}", view.key()), "{lang:?} {w}x{h}: {bar:?}");
                assert!(width_problems(&screen).is_empty(), "{:?}", width_problems(&screen));
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The list

#[test]
fn the_list_title_says_how_it_is_sorted() {
    let fx = Fixture::demo();
    for (lang, words) in [
        (Lang::En, ["by deadline", "by priority", "by last change", "by number"]),
        (Lang::Zh, ["按时限排序", "按优先级排序", "按更新时间排序", "按编号排序"]),
    ] {
        let mut app = fx.app(&fx.rd_member(), lang);
        press(&mut app, "8");
        for (i, sort) in
            [SortKey::Deadline, SortKey::Priority, SortKey::Updated, SortKey::Number].iter().enumerate()
        {
            assert_eq!(app.state.list.sort, *sort);
            for (w, h) in SIZES {
                let title = &lines(&draw(&mut app, w, h))[2];
                assert!(title.contains(words[i]), "{lang:?} {w}x{h} sorted {sort:?}: {title:?}");
                assert!(
                    title.contains(&format!("{}/{}", app.state.list.selected + 1, app.state.list.total)),
                    "{title:?}"
                );
            }
            press(&mut app, "s");
        }
    }
}

#[test]
fn a_stage_has_one_name_in_the_list_and_in_the_record() {
    let fx = Fixture::demo();
    let mut app = fx.app(&fx.rd_member(), Lang::En);
    press(&mut app, "8");
    let mut seen = Vec::new();
    for _ in 0..app.state.list.total {
        let row = app.state.selected_row().cloned().expect("a selected row");
        if !seen.contains(&row.status) {
            seen.push(row.status);
            let screen = lines(&draw(&mut app, 160, 45));
            let list_line = screen
                .iter()
                .find(|l| {
                    l.contains(&format!("│●{}", row.number)) || l.contains(&format!("│ {}", row.number))
                })
                .expect("the row on screen");
            let short = row.status.short(Lang::En);
            assert!(list_line.contains(&format!(" {short}")), "{short:?} in {list_line:?}");
            let label = row.status.label(Lang::En);
            assert!(label.starts_with(short.trim_end_matches('.')), "{short:?} is {label:?} cut short");
            assert!(
                screen.iter().any(|l| l.contains(&format!("Status: {label}"))),
                "the record says {label:?}"
            );
            for old in ["Working", "To accept", " New "] {
                assert!(!list_line.contains(old), "{old:?} is not a stage's name: {list_line:?}");
            }
        }
        press(&mut app, "j");
    }
    assert!(seen.len() >= 4, "the demo has most stages: {seen:?}");
}

// ---------------------------------------------------------------------------------------------
// The search, picked out everywhere

#[test]
fn the_search_is_picked_out_in_the_record_and_the_timeline() {
    let fx = Fixture::demo();
    let proposer = fx.member("MKT");
    let number = register(&fx, &proposer, "鲲鹏加密接口开发", &["RD"]);
    let dev = fx.rd_member();
    fx.store().comment(&ctx(&dev, now()), &number, "鲲鹏方案已评审，下周开发").expect("a comment");

    for lang in [Lang::Zh, Lang::En] {
        let mut app = fx.app(&dev, lang);
        press(&mut app, "8/");
        type_text(&mut app, "鲲鹏");
        send(&mut app, [key(KeyCode::Enter)]);
        assert_eq!(app.state.list.total, 1, "only the new issue holds 鲲鹏");
        // Wide: the three panes side by side; narrow: the detail, then the timeline.
        for (w, h, panes) in [(160, 45, vec![Pane::Detail]), (80, 24, vec![Pane::Detail, Pane::Timeline])] {
            for pane in panes {
                while app.state.focus != pane {
                    send(&mut app, [key(KeyCode::Tab)]);
                }
                let screen = draw(&mut app, w, h);
                let rows: Vec<u16> = (0..h).collect();
                let checks: &[Pane] = if w >= 160 { &[Pane::Detail, Pane::Timeline] } else { &[pane] };
                for check in checks {
                    let rect = pane_rect(&app, *check, w, h);
                    let mut found = 0;
                    for y in rows.iter().copied().filter(|y| rect.y < *y && *y + 1 < rect.bottom()) {
                        for c in ['鲲', '鹏'] {
                            let marks = bold_of(&screen, rect, y, c);
                            found += marks.len();
                            let row = text_between(&screen, y, rect.x, rect.right(), |_| true);
                            assert!(
                                marks.iter().all(|b| *b),
                                "{lang:?} {w}x{h} {check:?} row {y}: {c} is picked out: {row:?}"
                            );
                        }
                        // The text around it is not.
                        for c in ['加', '方'] {
                            let marks = bold_of(&screen, rect, y, c);
                            assert!(
                                marks.iter().all(|b| !*b),
                                "{lang:?} {w}x{h} {check:?} row {y}: {c} is plain"
                            );
                        }
                    }
                    assert!(found >= 2, "{lang:?} {w}x{h}: 鲲鹏 is shown in the {check:?}");
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// People who share a name

#[test]
fn people_who_share_a_name_are_told_apart_by_their_department() {
    let fx = Fixture::demo();
    let mut store = fx.store();
    let admin_ctx = ctx(&admin(), now());
    let wang_rd = Person {
        login: "wangyanrd".into(),
        display_name: "王艳".into(),
        dept: "RD".into(),
        role: Role::Member,
    };
    let wang_ops = Person {
        login: "wangyanops".into(),
        display_name: "王艳".into(),
        dept: "OPS".into(),
        role: Role::Member,
    };
    for p in [&wang_rd, &wang_ops] {
        store.add_person(&admin_ctx, p).expect("the person is added");
    }
    let number = register(&fx, &wang_rd, "门店会员积分同步接口", &["OPS"]);
    store.acknowledge(&ctx(&wang_ops, now()), &number, None).expect("the other 王艳 answers");

    for lang in [Lang::Zh, Lang::En] {
        let mut app = fx.app(&admin(), lang);
        press(&mut app, "8/");
        type_text(&mut app, "门店会员积分同步");
        send(&mut app, [key(KeyCode::Enter)]);
        assert_eq!(app.state.selected_row().map(|r| r.number.clone()), Some(number.clone()));
        let buffer = draw(&mut app, 160, 45);
        let screen = lines(&buffer).join("\n");
        let detail = pane_rect(&app, Pane::Detail, 160, 45);
        let timeline = pane_rect(&app, Pane::Timeline, 160, 45);
        let column = |rect: Rect| -> String {
            (rect.y..rect.bottom())
                .map(|y| text_between(&buffer, y, rect.x, rect.right(), |_| true))
                .collect::<Vec<_>>()
                .join("\n")
        };
        assert!(column(detail).contains("王艳·研发部"), "the proposer, in the record:\n{screen}");
        assert!(column(detail).contains("王艳·运营部"), "the first response, in the record:\n{screen}");
        assert!(column(timeline).contains("王艳·研发部"), "the registration, in the timeline:\n{screen}");
        assert!(column(timeline).contains("王艳·运营部"), "the acknowledgement, in the timeline:\n{screen}");
        // Everyone else keeps their name alone.
        assert!(!screen.contains("周协调·"), "{screen}");
    }
}

// ---------------------------------------------------------------------------------------------
// Forms

/// The label column of each row of an open form, as shown: from the focused field's mark ▸ to
/// the bar before the values.
fn form_labels(screen: &Buffer) -> Vec<String> {
    let area = screen.area;
    let cells = |y: u16| (0..area.width).map(move |x| (x, screen[(x, y)].symbol()));
    let Some(left) = (0..area.height).find_map(|y| cells(y).find(|(_, s)| *s == "▸").map(|(x, _)| x))
    else {
        return Vec::new();
    };
    (0..area.height)
        .filter_map(|y| {
            let bar = cells(y).skip(left as usize + 1).find(|(_, s)| *s == "│").map(|(x, _)| x)?;
            Some(text_between(screen, y, left, bar, |_| true))
        })
        .collect()
}

#[test]
fn form_labels_keep_their_required_mark_at_any_width() {
    let fx = Fixture::demo();
    for lang in [Lang::Zh, Lang::En] {
        for kind in [liaison::tui::form::FormKind::Meeting, liaison::tui::form::FormKind::Register] {
            let mut app = fx.app(&admin(), lang);
            app.state.overlay = None;
            press(&mut app, "8");
            app.open_form(kind);
            let form = app.state.form().expect("the form opens");
            let required: Vec<String> = form
                .fields
                .iter()
                .filter(|f| f.spec.required)
                .map(|f| lang.pick(f.spec.label.0, f.spec.label.1).to_string())
                .collect();
            for (w, h) in [(80, 24), (60, 24), (160, 45)] {
                let labels = form_labels(&draw(&mut app, w, h));
                let starred = labels.iter().filter(|l| l.contains(" *")).count();
                assert_eq!(starred, required.len(), "{lang:?} {kind:?} {w}x{h}: {labels:#?}");
                if w >= 80 {
                    for name in &required {
                        assert!(
                            labels.iter().any(|l| l.contains(&format!("{name} *"))),
                            "{lang:?} {kind:?} {w}x{h}: {name} * in full: {labels:#?}"
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn submitting_a_form_names_every_required_field_left_empty() {
    let fx = Fixture::demo();
    for (lang, said) in
        [(Lang::En, "Summary and Consensus are required"), (Lang::Zh, "请填写「沟通内容摘要」「达成共识」")]
    {
        let mut app = fx.app(&admin(), lang);
        app.state.overlay = None;
        press(&mut app, "8");
        app.open_form(liaison::tui::form::FormKind::Meeting);
        send(&mut app, [ctrl('s')]);
        let form = app.state.form().expect("the form stays open");
        assert_eq!(form.focused().map(|f| f.spec.id), Some("summary"), "the first one left empty");
        assert_eq!(app.state.message.as_deref(), Some(said));
        // At 80×24 the form covers most of the screen: it says so itself.
        let screen = lines(&draw(&mut app, 80, 24)).join("\n");
        assert!(screen.contains(said), "{screen}");
    }
    // Registering with nothing typed: all four at once, in one line of the form.
    let mut app = fx.app(&admin(), Lang::En);
    app.state.overlay = None;
    app.open_form(liaison::tui::form::FormKind::Register);
    send(&mut app, [ctrl('s')]);
    let screen = lines(&draw(&mut app, 80, 24)).join("\n");
    assert!(screen.contains("Title, Background, Request and Departments involved are required"), "{screen}");
}

#[test]
fn a_title_counts_its_characters_and_is_refused_past_the_limit() {
    let fx = Fixture::demo();
    let me = fx.member("MKT");
    for lang in [Lang::Zh, Lang::En] {
        let mut app = fx.app(&me, lang);
        app.state.overlay = None;
        press(&mut app, "8");
        let count = || fx.store().count(&IssueFilter::default(), now()).expect("the count");
        let before = count();
        app.open_form(liaison::tui::form::FormKind::Register);
        type_text(&mut app, "积分兑换接口开发");
        let screen = lines(&draw(&mut app, 80, 24));
        let title = lang.pick("Title *", "标题 *");
        let row = screen.iter().find(|l| l.contains(title)).expect("the title's label");
        assert!(row.contains(&format!("8/{MAX_TITLE_CHARS}")), "{row:?}");

        type_text(&mut app, &"积".repeat(MAX_TITLE_CHARS - 8 + 1));
        let screen = draw(&mut app, 80, 24);
        let text = lines(&screen);
        let y = text.iter().position(|l| l.contains(title)).expect("the title's label");
        let counter = format!("{}/{MAX_TITLE_CHARS}", MAX_TITLE_CHARS + 1);
        assert!(text[y].contains(&counter), "{:?}", text[y]);
        let x = text[y]
            .find(&counter)
            .map(|i| unicode_width::UnicodeWidthStr::width(&text[y][..i]))
            .expect("the counter");
        assert!(
            screen[(x as u16, y as u16)].modifier.contains(Modifier::BOLD),
            "past the limit it stands out"
        );
        let said = lang.pick("at most 80", "最多 80 个字");
        assert!(text.join("\n").contains(said), "the form says the limit:\n{}", text.join("\n"));

        tab(&mut app);
        type_text(&mut app, "双十一活动需新增用户积分兑换功能，目前没有接口");
        tab(&mut app);
        type_text(&mut app, "需研发部10月30日前完成积分兑换接口开发");
        tab(&mut app);
        type_text(&mut app, "rd");
        send(&mut app, [key(KeyCode::Enter), key(KeyCode::Enter), ctrl('s')]);
        let form = app.state.form().expect("the form stays open");
        assert_eq!(form.focused().map(|f| f.spec.id), Some("title"), "{:?}", app.state.message);
        assert_eq!(count(), before, "nothing is registered");
        // Back to 80 characters: it goes through.
        send(&mut app, [key(KeyCode::End), key(KeyCode::Backspace)]);
        send(&mut app, [ctrl('s')]);
        assert!(app.state.form().is_none(), "{:?}", app.state.message);
        assert_eq!(count(), before + 1);
    }
}

fn tab(app: &mut App) {
    send(app, [key(KeyCode::Tab)]);
}

#[test]
fn the_store_refuses_titles_past_the_limit_on_every_way_in() {
    let fx = Fixture::demo();
    let me = fx.member("MKT");
    let long = "积".repeat(MAX_TITLE_CHARS + 1);
    let draft = IssueDraft {
        title: long.clone(),
        background: "双十一活动需新增用户积分兑换功能，目前没有接口".into(),
        request: "需研发部10月30日前完成积分兑换接口开发".into(),
        departments: vec!["RD".into()],
    };
    let reg = Registration {
        proposer_dept: None,
        proposed_at: None,
        priority: Priority::High,
        draft: draft.clone(),
    };
    let mut store = fx.store();
    let refused = store.register(&ctx(&me, now()), &reg).expect_err("a title of 81 characters");
    assert!(refused.message(Lang::En).contains("at most 80"), "{}", refused.message(Lang::En));
    assert!(refused.message(Lang::Zh).contains("最多 80 个字"), "{}", refused.message(Lang::Zh));

    let fine = IssueDraft { title: "积".repeat(MAX_TITLE_CHARS), ..draft.clone() };
    let reg = Registration { draft: fine.clone(), ..reg };
    let (issue, _) = store.register(&ctx(&me, now()), &reg).expect("80 characters are fine");
    let edited = IssueDraft { title: long.clone(), ..fine };
    assert!(
        store.edit_description(&ctx(&me, now()), &issue.number, None, &edited).is_err(),
        "nor by editing"
    );

    let dev = fx.rd_member();
    let task = TaskInput {
        dept: "RD".into(),
        title: long,
        owner: dev.login.clone(),
        deadline: chrono::NaiveDate::from_ymd_opt(2026, 11, 27).expect("a date"),
        involve: false,
    };
    let refused = store.add_task(&ctx(&dev, now()), &issue.number, &task).expect_err("nor a task's title");
    assert!(refused.message(Lang::Zh).contains("最多 80 个字"), "{}", refused.message(Lang::Zh));
}
