//! Every overlay and every form on screen, at 80×24 and 120×40, in Chinese and English: the help,
//! the palette and its kin, the search line, pickers, the dialogs and each action's form. And
//! every refusal a person meets, drawn at 80×24, is found on screen whole.

mod console_support;
mod forms_support;

use console_support::*;
use crossterm::event::KeyCode;
use forms_support::*;
use liaison::domain::*;
use liaison::i18n::Lang;
use liaison::tui::app::App;
use liaison::tui::form::{FormDraft, FormKind};
use liaison::tui::keymap::{Action, Context};
use liaison::tui::overlay::{Dialog, Overlay};

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

/// The screen at both sizes, in one snapshot per overlay and language.
fn both_sizes(app: &mut App) -> String {
    SIZES
        .iter()
        .map(|(w, h)| format!("── {w}×{h}\n{}", screen_text(app, *w, *h)))
        .collect::<Vec<_>>()
        .join("\n")
}

fn snapshot(name: &str, lang: Lang, app: &mut App) {
    let text = both_sizes(app);
    settings().bind(|| insta::assert_snapshot!(format!("overlay_{name}_{}", lang_name(lang)), text));
}

/// The overlays of the main screen, opened with their keys as a person would.
#[test]
fn every_overlay_on_screen() {
    let team = Team::new();
    let number = team.busy_issue();
    for lang in [Lang::Zh, Lang::En] {
        let cases: [(&str, &str); 6] = [
            ("help", "?"),
            ("palette", ":sj"),
            ("filter", "f"),
            ("menu", " "),
            ("finder", "#"),
            ("search", "/接口"),
        ];
        for (name, keys) in cases {
            let mut app = team.app_in(&team.zhangsan, lang);
            press(&mut app, keys);
            assert_ne!(app.state.context(), Context::Main, "{name} is open");
            snapshot(name, lang, &mut app);
        }

        // The help opened in a form, the form's keys first, scrolled a page.
        let mut app = team.app_in(&team.lisi, lang);
        press(&mut app, "a");
        send(&mut app, [key(KeyCode::F(1)), key(KeyCode::PageDown)]);
        snapshot("help_form_page2", lang, &mut app);

        // A picker over the registration form, narrowed by pinyin initials.
        let mut app = team.app_in(&team.lisi, lang);
        press(&mut app, "a");
        send(&mut app, std::iter::repeat_n(key(KeyCode::Tab), 3));
        press(&mut app, "yf");
        assert_eq!(app.state.context(), Context::Picker);
        snapshot("picker", lang, &mut app);

        // Someone changed the issue meanwhile.
        let mut app = team.app_in(&team.lisi, lang);
        press(&mut app, "c");
        type_text(&mut app, "补充说明");
        team.store().comment(&ctx(&team.zhangsan, now()), &number, "同时的评论").expect("comment");
        send(&mut app, [key(KeyCode::Tab)]);
        app.submit_form(false);
        assert_eq!(app.state.context(), Context::Conflict, "{:?}", app.state.message);
        snapshot("conflict", lang, &mut app);

        // The question before what cannot be taken back.
        let mut app = team.app_in(&team.lisi, lang);
        press(&mut app, "c");
        let question = FormKind::Archive.confirmation(&number, lang).expect("archiving asks");
        app.state.session_mut().expect("a form").dialog = Some(Dialog::Confirm(question));
        snapshot("confirm", lang, &mut app);

        // A draft left by a console that is gone.
        let mut app = team.app_in(&team.lisi, lang);
        let form = FormDraft {
            kind: FormKind::Comment,
            number: Some(number.clone()),
            base_version: None,
            base_event: None,
            values: vec![("body".into(), "昨天没写完的评论：接口联调推迟到周三".into())],
        };
        let draft =
            liaison::tui::draft::Draft { db: app.state.db.clone(), acting_as: None, saved_at: now(), form };
        app.state.overlay = Some(Overlay::Restore(draft));
        snapshot("restore", lang, &mut app);
    }
}

/// Every action's form, as the admin opens it on an issue far along (the solution once the task
/// is done; acceptance and archiving on a resolved issue).
#[test]
fn every_form_on_screen() {
    let team = Team::new();
    let number = team.busy_issue();
    let dev = ctx(&team.zhangsan, now());
    let mut kinds: Vec<FormKind> = FormKind::ALL
        .into_iter()
        .filter(|k| !matches!(k, FormKind::Resolve | FormKind::Accept | FormKind::Refuse | FormKind::Archive))
        .collect();
    kinds.extend([FormKind::Resolve, FormKind::Accept, FormKind::Refuse]);
    let mut opened = Vec::new();
    for kind in kinds {
        let mut store = team.store();
        if kind == FormKind::Resolve {
            let done = liaison::store::TaskUpdate { state: Some(TaskState::Done), ..Default::default() };
            store.update_task(&dev, &number, None, 1, &done).expect("the task is done");
            let lisi = ctx(&team.lisi, now());
            let record = team.record(&number);
            if let Some(meeting) = record.meetings.last() {
                let _ = store.answer_minutes(&lisi, &number, meeting.id, true, None, None);
                let _ = store.answer_minutes(&ctx(&admin(), now()), &number, meeting.id, true, None, None);
            }
            let _ = store.close_escalation(&dev, &number, "已协调");
        }
        if kind == FormKind::Accept {
            let resolve = liaison::store::ResolveInput {
                solution: "接口已上线".into(),
                owner: "zhangsan".into(),
                feedback: Some("lisi".into()),
                resolved_at: None,
                without_response: None,
            };
            store.resolve(&dev, &number, &resolve).expect("resolve");
        }
        // The feedback person accepts or refuses; the admin does everything else.
        let me =
            if matches!(kind, FormKind::Accept | FormKind::Refuse) { team.lisi.clone() } else { admin() };
        for lang in [Lang::Zh, Lang::En] {
            let mut app = team.app_in(&me, lang);
            let key = app.state.keymap.first_key(Action::Form(kind));
            press(&mut app, &key);
            if app.state.form().map(|f| f.kind) != Some(kind) {
                continue;
            }
            snapshot(&format!("form_{}", kind.name()), lang, &mut app);
            opened.push(kind);
        }
    }
    opened.dedup();
    assert!(opened.len() >= FormKind::ALL.len() - 1, "forms drawn: {opened:?}");
}

/// Joins a screen's rows without borders and spaces, so a message wrapped in a box reads as one.
fn flattened(rows: &[String]) -> String {
    rows.iter().flat_map(|r| r.chars()).filter(|c| !c.is_whitespace() && !"│┌┐└┘─".contains(*c)).collect()
}

/// Each refusal a person meets when pressing an action's key, on a new issue and on one far
/// along, as the proposer, the developer, a bystander and a viewer, is on screen whole at 80×24
/// (in the status bar, or in the box above it when longer).
#[test]
fn every_refusal_is_whole_at_80x24() {
    let team = Team::new();
    let fresh = team.issue();
    let busy = team.busy_issue();
    let mut seen = 0;
    for lang in [Lang::Zh, Lang::En] {
        for number in [&fresh, &busy] {
            for me in [&team.lisi, &team.zhangsan, &team.wangwu, &team.viewer] {
                for kind in FormKind::ALL.into_iter().filter(|k| k.on_issue()) {
                    let mut app = team.app_in(me, lang);
                    let at = app.state.list.rows.iter().position(|r| &r.number == number).expect("listed");
                    app.select(at);
                    let key = app.state.keymap.first_key(Action::Form(kind));
                    press(&mut app, &key);
                    if app.state.form().is_some() {
                        continue;
                    }
                    let message = app.state.message.clone().expect("a refusal says why");
                    let rows = lines(&draw(&mut app, 80, 24));
                    let want = flattened(std::slice::from_ref(&message));
                    assert!(
                        flattened(&rows).contains(&want),
                        "{kind:?} as {} on {number}: {message}\n{}",
                        me.login,
                        rows.join("\n")
                    );
                    seen += 1;
                }
            }
        }
    }
    assert!(seen > 50, "refusals checked: {seen}");
}

/// What a form says as you type (a date it cannot read lists every form it can) is whole at
/// 80×24, however long.
#[test]
fn a_forms_notes_are_whole_at_80x24() {
    let team = Team::new();
    team.busy_issue();
    for lang in [Lang::Zh, Lang::En] {
        let mut app = team.app_in(&team.zhangsan, lang);
        press(&mut app, "M");
        assert_eq!(app.state.form().map(|f| f.kind), Some(FormKind::Meeting), "{:?}", app.state.message);
        type_text(&mut app, "昨天 25:00");
        let rows = lines(&draw(&mut app, 80, 24));
        let screen = flattened(&rows);
        // The list of accepted forms ends with the last one, on screen.
        assert!(screen.contains("+2wd10:00"), "{}", rows.join("\n"));
    }
}
