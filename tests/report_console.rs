//! The console's Reports view (key 9), headless: reviewed snapshots at 80×24 and 160×45 in both
//! languages, the keys (charts, departments, period), the issues behind a number, refreshing when
//! the data changes and only then, and an empty database.

mod console_support;

use liaison::domain::report::Figure;
use liaison::domain::{IssueDraft, Priority};
use liaison::i18n::Lang;
use liaison::store::Registration;
use liaison::tui::app::{App, Pane};
use liaison::tui::reports::Chart;

use console_support::*;

/// The Reports view's own caption: chart, department, drill-down.
fn caption(app: &App) -> String {
    let r = app.state.reports.as_ref().expect("the Reports view is open");
    let dept = r.departments().get(r.selected).map(|d| d.to_string()).unwrap_or_default();
    let drill = r.drill.as_ref().map_or("none".to_string(), |d| format!("{} issues", d.total));
    format!("reports · chart {:?} · department {dept} · drill {drill}", r.chart())
}

fn screen(app: &mut App, width: u16, height: u16) -> String {
    format!("{}\n{}", caption(app), screen_text(app, width, height))
}

#[test]
fn snapshots_at_80x24_and_160x45_in_both_languages() {
    let fx = Fixture::demo();
    for lang in [Lang::Zh, Lang::En] {
        let mut app = fx.app(&admin(), lang);
        press(&mut app, "9");
        // The view opens at once and says the figures are being computed.
        let opening = screen_text(&mut app, 80, 24);
        let computing = lang.pick("Computing the report", "正在计算报表");
        assert!(opening.contains(computing), "{opening}");
        app.wait_reports();
        for (w, h) in [(80, 24), (160, 45)] {
            let shot = screen(&mut app, w, h);
            assert!(!shot.contains("! not shown"), "{shot}");
            let name = format!("reports_{w}x{h}_{}", lang_name(lang));
            settings().bind(|| insta::assert_snapshot!(name, shot));
        }
        // The weekly trend, and the open load with the issues behind RD's bar, on a small screen.
        press(&mut app, "llllll");
        assert_eq!(app.state.reports.as_ref().map(|r| r.chart()), Some(Chart::Weekly));
        let name = format!("reports_weekly_80x24_{}", lang_name(lang));
        let shot = screen(&mut app, 80, 24);
        settings().bind(|| insta::assert_snapshot!(name, shot));
        press(&mut app, "llll");
        press(&mut app, "G");
        send(&mut app, [key(crossterm::event::KeyCode::Enter)]);
        let name = format!("reports_behind_80x24_{}", lang_name(lang));
        let shot = screen(&mut app, 80, 24);
        settings().bind(|| insta::assert_snapshot!(name, shot));
    }
}

#[test]
fn keys_move_between_charts_and_departments_and_the_issues_behind_a_bar_are_its_number() {
    let fx = Fixture::demo();
    let mut app = fx.app(&admin(), Lang::Zh);
    // Keys typed while the figures are computed are kept: Tab twice and back once, down twice.
    press(&mut app, "9llhjj");
    app.wait_reports();
    let r = app.state.reports.as_ref().expect("open");
    assert_eq!((r.chart(), r.selected), (Chart::Figure(Figure::Tasks), 2));
    press(&mut app, "hgk");
    let r = app.state.reports.as_ref().expect("open");
    assert_eq!(r.chart(), Chart::Figure(Figure::FirstResponse));
    assert_eq!(
        (r.scope.from.to_string(), r.scope.to.to_string()),
        ("2026-08-31".into(), "2026-11-20".into())
    );
    // Tab to the open load, down to RD.
    press(&mut app, "lll");
    let rd = app.state.reports.as_ref().and_then(|r| r.departments().iter().position(|d| *d == "RD"));
    let rd = rd.expect("RD is listed");
    for _ in 0..rd {
        press(&mut app, "j");
    }
    let r = app.state.reports.as_ref().expect("open");
    assert_eq!(r.chart(), Chart::Figure(Figure::OpenLoad));
    let number = r.report.open_load.by_dept.get("RD").map(|l| l.issues).expect("RD's load");
    assert!(number > 0, "RD has open issues in the demo");
    send(&mut app, [key(crossterm::event::KeyCode::Enter)]);
    let drill = app.state.reports.as_ref().and_then(|r| r.drill.clone()).expect("the issues behind the bar");
    assert_eq!(drill.total as u32, number, "as many issues as the bar says");
    assert!(
        drill.rows.iter().all(|(row, _)| row.departments.iter().any(|d| d == "RD") && row.status.is_open())
    );
    // Enter opens one: its record shows in the detail pane, the Reports view closes.
    press(&mut app, "j");
    let chosen = drill.rows[1].0.number.clone();
    send(&mut app, [key(crossterm::event::KeyCode::Enter)]);
    assert!(app.state.reports.is_none());
    assert_eq!(app.state.focus, Pane::Detail);
    assert_eq!(app.state.shown.record.as_ref().map(|r| r.issue.number.clone()), Some(chosen));

    // The period: [ goes twelve weeks back, P makes it 26 weeks, Esc leaves.
    press(&mut app, "9");
    app.wait_reports();
    press(&mut app, "[");
    app.wait_reports();
    let r = app.state.reports.as_ref().expect("open");
    assert_eq!(
        (r.scope.from.to_string(), r.scope.to.to_string()),
        ("2026-06-08".into(), "2026-08-28".into())
    );
    press(&mut app, "]");
    app.wait_reports();
    press(&mut app, "P");
    app.wait_reports();
    let r = app.state.reports.as_ref().expect("open");
    assert_eq!((r.weeks, r.scope.from.to_string()), (26, "2026-05-25".into()));
    send(&mut app, [key(crossterm::event::KeyCode::Esc)]);
    assert!(app.state.reports.is_none(), "back where the view was opened from");
}

#[test]
fn the_view_refreshes_when_the_data_changes_and_not_on_keys() {
    let fx = Fixture::demo();
    let mut app = fx.app(&admin(), Lang::Zh);
    press(&mut app, "9");
    app.wait_reports();
    let before = app.state.reports.as_ref().map(|r| r.report.registered).expect("open");
    let draft = IssueDraft {
        title: "会员积分兑换活动页面需增加库存提示".into(),
        background: "积分兑换活动上线后，用户在库存为零时仍可提交兑换，客服部每天收到约30条投诉。".into(),
        request: "需研发部在兑换页面增加库存提示，11月27日前上线测试环境。".into(),
        departments: vec!["RD".into()],
    };
    let registration =
        Registration { proposer_dept: None, proposed_at: None, priority: Priority::High, draft };
    fx.store().register(&ctx(&fx.member("MKT"), now()), &registration).expect("the issue registers");
    // Moving between charts and departments draws what was read: no new reading.
    press(&mut app, "ljlk");
    assert_eq!(app.state.reports.as_ref().map(|r| r.report.registered), Some(before));
    // The poll sees the change and reads again, keeping the chart.
    app.tick(now());
    assert!(app.reports_busy(), "the poll saw the change and reads again");
    app.wait_reports();
    let r = app.state.reports.as_ref().expect("still open");
    assert_eq!(r.report.registered, before + 1);
    assert_eq!(r.chart(), Chart::Figure(Figure::RiskAlerts));
}

#[test]
fn an_empty_database_says_no_data() {
    let fx = Fixture::empty();
    for lang in [Lang::Zh, Lang::En] {
        let mut app = fx.app(&admin(), lang);
        press(&mut app, "9");
        app.wait_reports();
        let shot = screen_text(&mut app, 80, 24);
        let want = lang.pick("No data: no issue was registered", "无数据：此期间没有登记的问题");
        assert!(shot.contains(want), "{shot}");
        // Every chart draws without data, and the issues behind a number are none.
        for _ in 0..Chart::all().len() {
            press(&mut app, "l");
            screen_text(&mut app, 80, 24);
            screen_text(&mut app, 160, 45);
        }
        send(&mut app, [key(crossterm::event::KeyCode::Enter)]);
        let drill = app.state.reports.as_ref().and_then(|r| r.drill.as_ref()).map(|d| d.total);
        assert_eq!(drill, Some(0));
    }
}
