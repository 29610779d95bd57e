//! Editing in the console: every action's form driven by keys, as a person types them, on a real
//! database file; validation, refusals before a form opens, conflicts with a colleague's change,
//! confirmations, undo, drafts that outlive the program, the external editor and the clipboard.

mod console_support;
mod forms_support;

use chrono::NaiveDateTime;
use console_support::*;
use crossterm::event::{Event, KeyCode};
use forms_support::*;
use liaison::domain::*;
use liaison::i18n::Lang;
use liaison::tui::app::Effect;
use liaison::tui::form::FormKind;

#[test]
fn a_whole_life_cycle_in_the_console() {
    let team = Team::new();

    // 李四 registers: title, background, request, 研发部 from the picker by its pinyin initials,
    // priority high.
    let mut app = team.app(&team.lisi);
    press(&mut app, "a");
    assert_eq!(form_kind(&app), Some(FormKind::Register));
    type_text(&mut app, "积分兑换接口开发");
    tab(&mut app, 1);
    type_text(&mut app, "双十一活动需新增用户积分兑换功能");
    tab(&mut app, 1);
    type_text(&mut app, "需研发部10月30日前完成积分兑换接口开发");
    tab(&mut app, 1);
    type_text(&mut app, "yfb");
    send(&mut app, [key(KeyCode::Enter), key(KeyCode::Enter)]);
    assert_eq!(focused_field(&app), "priority", "Enter on an empty query closes the picker and moves on");
    send(&mut app, [key(KeyCode::Left)]);
    save(&mut app);
    assert_eq!(form_kind(&app), None, "the form closes: {}", message(&app));
    assert!(message(&app).contains("已登记"), "{}", message(&app));
    assert_eq!(app.state.inbox_count, 1, "the status bar counts my new issue at once, not a poll later");
    let number = app.state.selected_row().map(|r| r.number.clone()).expect("the new issue is selected");
    let r = team.record(&number);
    assert_eq!(r.issue.title, "积分兑换接口开发");
    assert_eq!(r.issue.departments, vec!["RD".to_string()]);
    assert_eq!(r.issue.priority, Priority::High);
    assert_eq!(r.issue.proposer, "lisi");

    // 李四 edits the title, and takes it back with u.
    press(&mut app, "e");
    clear_field(&mut app);
    type_text(&mut app, "积分兑换接口开发与联调");
    save(&mut app);
    assert_eq!(team.record(&number).issue.title, "积分兑换接口开发与联调", "{}", message(&app));
    press(&mut app, "u");
    assert_eq!(team.record(&number).issue.title, "积分兑换接口开发", "{}", message(&app));

    // 张三 of 研发部 acknowledges with a note; the issue is in progress.
    let mut app = team.app(&team.zhangsan);
    press(&mut app, "o");
    type_text(&mut app, "已收到,今天评估工作量");
    save(&mut app);
    let r = team.record(&number);
    assert_eq!(r.issue.status, Status::InProgress, "{}", message(&app));
    assert_eq!(r.issue.first_response_by.as_deref(), Some("zhangsan"));

    // 张三 records a meeting with 李四, picked by initials; 李四 is asked to confirm.
    press(&mut app, "M");
    tab(&mut app, 2);
    assert_eq!(focused_field(&app), "participants");
    type_text(&mut app, "ls");
    send(&mut app, [key(KeyCode::Enter), key(KeyCode::Enter)]);
    type_text(&mut app, "技术部提出接口开发需5个工作日");
    tab(&mut app, 2);
    type_text(&mut app, "技术部10月30日前完成接口开发");
    save(&mut app);
    let r = team.record(&number);
    assert_eq!(r.meetings.len(), 1, "{}", message(&app));
    let logins: Vec<&str> = r.meetings[0].participants.iter().map(|p| p.login.as_str()).collect();
    assert_eq!(logins.len(), 2, "{logins:?}");
    assert!(logins.contains(&"zhangsan") && logins.contains(&"lisi"), "{logins:?}");

    // 李四 confirms the minutes.
    let mut app = team.app(&team.lisi);
    press(&mut app, "C");
    assert_eq!(form_kind(&app), Some(FormKind::Minutes), "{}", message(&app));
    save(&mut app);
    let lisi = |r: &IssueRecord| r.meetings[0].participants.iter().find(|p| p.login == "lisi").cloned();
    assert_eq!(lisi(&team.record(&number)).map(|p| p.confirmation), Some(Confirmation::Confirmed));

    // 张三 adds a task due in two working days (Friday → Tuesday), updates it, and undoes that.
    let mut app = team.app(&team.zhangsan);
    press(&mut app, "t");
    tab(&mut app, 1);
    type_text(&mut app, "积分兑换接口开发");
    tab(&mut app, 2);
    type_text(&mut app, "+2wd");
    assert!(screen(&mut app).contains("2026-11-24 周二"), "the date is read back with its weekday");
    save(&mut app);
    let task = team.record(&number).tasks.first().cloned().expect("the task is added");
    assert_eq!(task.dept, "RD");
    assert_eq!(task.owner, "zhangsan");
    assert_eq!(task.deadline, chrono::NaiveDate::from_ymd_opt(2026, 11, 24).expect("date"));

    press(&mut app, "T");
    tab(&mut app, 5);
    assert_eq!(focused_field(&app), "percent");
    clear_field(&mut app);
    type_text(&mut app, "50");
    save(&mut app);
    assert_eq!(team.record(&number).tasks[0].percent, 50, "{}", message(&app));
    press(&mut app, "u");
    assert_eq!(team.record(&number).tasks[0].percent, 0, "undo puts it back: {}", message(&app));

    // Progress with a help request to 质量部.
    press(&mut app, "p");
    tab(&mut app, 1);
    type_text(&mut app, "60");
    tab(&mut app, 1);
    type_text(&mut app, "开发完成60%,待联调");
    tab(&mut app, 1);
    type_text(&mut app, "QA");
    send(&mut app, [key(KeyCode::Enter)]);
    type_text(&mut app, "准备测试用例");
    save(&mut app);
    let r = team.record(&number);
    assert_eq!(r.progress.len(), 1, "{}", message(&app));
    assert_eq!(r.tasks[0].percent, 60);
    assert_eq!(r.progress[0].help.as_ref().map(|h| h.dept.as_str()), Some("QA"));

    // A risk alert, timely: two working days before the deadline.
    press(&mut app, "w");
    assert!(screen(&mut app).contains("预警及时"), "the form says whether the alert is timely");
    tab(&mut app, 1);
    type_text(&mut app, "突发需求插队");
    tab(&mut app, 1);
    type_text(&mut app, "原任务顺延2天");
    tab(&mut app, 1);
    type_text(&mut app, "11-26");
    save(&mut app);
    let r = team.record(&number);
    assert_eq!(r.risks.len(), 1, "{}", message(&app));
    assert!(r.risks[0].timely);

    // Escalation to a role typed as it is.
    press(&mut app, "!");
    type_text(&mut app, "总经理");
    send(&mut app, [key(KeyCode::Enter)]);
    assert_eq!(focused_field(&app), "reason");
    type_text(&mut app, "资源冲突需协调");
    save(&mut app);
    let escalation = team.record(&number).issue.escalations.pop().expect("escalated");
    assert_eq!(escalation.to, "总经理");

    // No solution while a task is open: the form does not open, and says what is open.
    press(&mut app, "R");
    assert_eq!(form_kind(&app), None);
    assert!(message(&app).contains("#1 RD 60%"), "{}", message(&app));
    press(&mut app, "p");
    tab(&mut app, 1);
    type_text(&mut app, "100");
    tab(&mut app, 1);
    type_text(&mut app, "开发完成,联调通过");
    save(&mut app);
    assert_eq!(team.record(&number).tasks[0].state, TaskState::Done, "{}", message(&app));

    // The solution; 李四 (the proposer) is the feedback person by default.
    press(&mut app, "R");
    type_text(&mut app, "完成接口开发,通过所有测试用例");
    save(&mut app);
    let r = team.record(&number);
    assert_eq!(r.issue.status, Status::AwaitingAcceptance, "{}", message(&app));
    assert_eq!(r.issue.resolution.as_ref().map(|x| x.feedback.as_str()), Some("lisi"));

    // 李四 refuses, after a confirmation; `n` first keeps the form.
    let mut app = team.app(&team.lisi);
    press(&mut app, "X");
    type_text(&mut app, "缺少导出功能");
    save(&mut app);
    assert!(
        matches!(app.state.dialog(), Some(liaison::tui::overlay::Dialog::Confirm(_))),
        "refusal asks first"
    );
    press(&mut app, "n");
    assert_eq!(team.record(&number).issue.status, Status::AwaitingAcceptance);
    assert_eq!(form_kind(&app), Some(FormKind::Refuse), "n goes back to the form");
    save(&mut app);
    press(&mut app, "y");
    assert_eq!(team.record(&number).issue.status, Status::InProgress, "{}", message(&app));

    // Resolved again, accepted, archived with a retrospective (after a confirmation).
    let mut app = team.app(&team.zhangsan);
    press(&mut app, "R");
    type_text(&mut app, "补充导出功能");
    save(&mut app);
    let mut app = team.app(&team.lisi);
    press(&mut app, "A");
    save(&mut app);
    assert_eq!(team.record(&number).issue.status, Status::Resolved, "{}", message(&app));
    press(&mut app, "Z");
    type_text(&mut app, "本次沟通效率较高,但需求明确环节可提前");
    save(&mut app);
    assert!(
        matches!(app.state.dialog(), Some(liaison::tui::overlay::Dialog::Confirm(q)) if q.contains("归档"))
    );
    press(&mut app, "y");
    let r = team.record(&number);
    assert_eq!(r.issue.status, Status::Archived, "{}", message(&app));
    assert_eq!(r.issue.retrospective.as_deref(), Some("本次沟通效率较高,但需求明确环节可提前"));
    assert!(!team.drafts.path().join("draft.json").exists(), "no draft is left after saving");
}

#[test]
fn validation_errors_keep_the_form_and_point_at_the_field() {
    let team = Team::new();
    let number = team.issue();
    let mut app = team.app(&team.lisi);

    // Registration with nothing typed: the title is asked for, the form stays open.
    press(&mut app, "a");
    save(&mut app);
    assert_eq!(form_kind(&app), Some(FormKind::Register));
    assert!(message(&app).contains("标题"), "{}", message(&app));
    assert_eq!(focused_field(&app), "title");
    // Title typed, the rest missing: the focus goes to the background.
    type_text(&mut app, "积分兑换");
    save(&mut app);
    assert_eq!(focused_field(&app), "background", "{}", message(&app));
    send(&mut app, [key(KeyCode::Esc), key(KeyCode::Esc)]);
    assert_eq!(form_kind(&app), None, "Esc twice discards");

    // A task with a date that cannot be read, then a percentage over 100 in an update.
    let mut app = team.app(&team.zhangsan);
    press(&mut app, "t");
    tab(&mut app, 1);
    type_text(&mut app, "接口开发");
    tab(&mut app, 2);
    type_text(&mut app, "下周");
    save(&mut app);
    assert_eq!(focused_field(&app), "deadline");
    assert!(message(&app).contains("+2wd"), "the message says how to write a date: {}", message(&app));
    assert!(team.record(&number).tasks.is_empty(), "nothing is written");
    clear_field(&mut app);
    type_text(&mut app, "2026-12-01");
    save(&mut app);
    assert_eq!(team.record(&number).tasks.len(), 1, "{}", message(&app));
    press(&mut app, "T");
    tab(&mut app, 5);
    clear_field(&mut app);
    type_text(&mut app, "150");
    save(&mut app);
    assert_eq!(focused_field(&app), "percent", "{}", message(&app));
    assert_eq!(team.record(&number).tasks[0].percent, 0);

    // An objection to minutes needs its reason.
    send(&mut app, [key(KeyCode::Esc), key(KeyCode::Esc)]);
    press(&mut app, "M");
    tab(&mut app, 2);
    type_text(&mut app, "ls");
    send(&mut app, [key(KeyCode::Enter), key(KeyCode::Enter)]);
    type_text(&mut app, "讨论接口方案");
    tab(&mut app, 2);
    type_text(&mut app, "按方案开发");
    save(&mut app);
    let mut app = team.app(&team.lisi);
    press(&mut app, "C");
    tab(&mut app, 1);
    send(&mut app, [key(KeyCode::Right)]);
    save(&mut app);
    assert_eq!(focused_field(&app), "note", "{}", message(&app));
    assert!(message(&app).contains("异议"), "{}", message(&app));
    type_text(&mut app, "时间写错了");
    save(&mut app);
    let answer = team.record(&number).meetings[0].participants.iter().find(|p| p.login == "lisi").cloned();
    assert_eq!(answer.map(|p| p.confirmation), Some(Confirmation::Objected), "{}", message(&app));
}

#[test]
fn forms_are_refused_before_they_open_and_say_who_can() {
    let team = Team::new();
    let number = team.issue();

    // 王五 of 质量部 is not involved: no editing, no comment.
    let mut app = team.app(&team.wangwu);
    press(&mut app, "e");
    assert_eq!(form_kind(&app), None);
    assert!(message(&app).contains("不能修改描述"), "{}", message(&app));
    assert!(message(&app).contains("MKT"), "the refusal says who can: {}", message(&app));
    press(&mut app, "c");
    assert_eq!(form_kind(&app), None);

    // A viewer only reads.
    let mut app = team.app(&team.viewer);
    press(&mut app, "a");
    assert_eq!(form_kind(&app), None);
    assert!(message(&app).contains("只读"), "{}", message(&app));

    // The stage decides too: nothing to accept yet; no minutes wait on anyone; no task to update.
    let mut app = team.app(&team.lisi);
    press(&mut app, "A");
    assert!(message(&app).contains("不能验收通过"), "{}", message(&app));
    press(&mut app, "C");
    assert!(message(&app).contains("没有等待你确认"), "{}", message(&app));
    let mut app = team.app(&team.zhangsan);
    press(&mut app, "T");
    assert!(message(&app).contains("还没有任务"), "{}", message(&app));
    press(&mut app, "w");
    assert_eq!(form_kind(&app), None, "{}", message(&app));

    // Space lists only what this person may do now.
    press(&mut app, " ");
    let palette = app.state.palette().expect("the actions of the issue");
    let labels: Vec<String> = palette.matches.iter().map(|i| palette.entry(*i).label.clone()).collect();
    assert!(labels.contains(&"确认收到".to_string()), "{labels:?}");
    assert!(!labels.iter().any(|l| l.contains("验收")), "{labels:?}");
    assert!(!labels.iter().any(|l| l.contains("归档")), "{labels:?}");

    // Archived issues are read-only for everyone.
    let mut store = team.store();
    let admin_ctx = ctx(&admin(), now());
    store
        .resolve(
            &admin_ctx,
            &number,
            &liaison::store::ResolveInput {
                solution: "已完成".into(),
                owner: "zhangsan".into(),
                feedback: Some("lisi".into()),
                resolved_at: None,
                without_response: Some("电话确认已处理".into()),
            },
        )
        .expect("resolve");
    store.answer_acceptance(&ctx(&team.lisi, now()), &number, true, None, None).expect("accept");
    store.archive(&ctx(&team.lisi, now()), &number, "复盘").expect("archive");
    let mut app = team.app(&team.lisi);
    press(&mut app, "c");
    assert_eq!(form_kind(&app), None);
    assert!(message(&app).contains("已归档的问题只读"), "{}", message(&app));
}

#[test]
fn a_conflict_shows_their_change_and_loses_nothing() {
    // Keep mine as a comment: their title stays, my request is in a comment.
    let team = Team::new();
    let number = team.issue();
    let mut app = conflict_setup(&team, &number);
    let Some(liaison::tui::overlay::Dialog::Conflict(conflict)) = app.state.dialog() else {
        panic!("the conflict dialog")
    };
    assert_eq!(conflict.events.len(), 1);
    assert_eq!(conflict.events[0].actor, "liuqi");
    let shown = screen(&mut app);
    assert!(shown.contains("刘七") && shown.contains("修改描述"), "who changed what:\n{shown}");
    assert!(shown.contains("保留为评论"), "{shown}");
    press(&mut app, "c");
    let r = team.record(&number);
    assert_eq!(r.issue.title, "积分兑换接口(加急)");
    assert_eq!(r.issue.request, "需研发部10月30日前完成积分兑换接口开发");
    let comment = r.comments.last().expect("mine is kept as a comment");
    assert!(comment.body.contains("需研发部11月30日前完成接口开发并联调"), "{}", comment.body);
    assert_eq!(form_kind(&app), None);

    // Overwrite: mine goes in on top of theirs (the title they typed is what my form holds).
    let team = Team::new();
    let number = team.issue();
    let mut app = conflict_setup(&team, &number);
    press(&mut app, "o");
    let r = team.record(&number);
    assert_eq!(r.issue.request, "需研发部11月30日前完成接口开发并联调", "{}", message(&app));
    assert_eq!(form_kind(&app), None);

    // Discard: theirs stays, mine is gone, and so is the draft.
    let team = Team::new();
    let number = team.issue();
    let mut app = conflict_setup(&team, &number);
    app.flush_draft();
    press(&mut app, "d");
    let r = team.record(&number);
    assert_eq!(r.issue.request, "需研发部10月30日前完成积分兑换接口开发");
    assert_eq!(form_kind(&app), None);
    assert!(!app.draft_path.exists());

    // Esc goes back to the form with everything typed; saving again asks again.
    let team = Team::new();
    let number = team.issue();
    let mut app = conflict_setup(&team, &number);
    send(&mut app, [key(KeyCode::Esc)]);
    assert!(app.state.dialog().is_none());
    assert_eq!(form_kind(&app), Some(FormKind::Edit));
    save(&mut app);
    assert!(app.state.dialog().is_some());
}

#[test]
fn undo_is_refused_once_someone_changed_the_issue_since() {
    let team = Team::new();
    let number = team.issue();
    let mut app = team.app(&team.lisi);
    press(&mut app, "e");
    clear_field(&mut app);
    type_text(&mut app, "新标题");
    save(&mut app);
    team.store().comment(&ctx(&team.zhangsan, now()), &number, "看过了").expect("comment");
    press(&mut app, "u");
    assert_eq!(team.record(&number).issue.title, "新标题", "their change is not undone with mine");
    assert!(message(&app).contains("张三") || message(&app).contains("zhangsan"), "{}", message(&app));
    press(&mut app, "u");
    assert!(message(&app).contains("没有可撤销"), "{}", message(&app));
}

#[test]
fn a_draft_outlives_the_program_and_comes_back() {
    let team = Team::new();
    let number = team.issue();
    let mut app = team.app(&team.zhangsan);
    press(&mut app, "c");
    type_text(&mut app, "写了一半的评论");
    // The draft is written every few seconds while typing.
    app.tick(now() + chrono::Duration::seconds(3));
    let path = app.draft_path.clone();
    assert!(path.exists(), "the draft is on disk");
    // The program is gone without saving (a kill): nothing runs on the way out.
    std::mem::forget(app);

    let mut app = team.fx.app(&team.zhangsan, Lang::Zh);
    app.draft_path = path.clone();
    app.state.overlay =
        liaison::tui::draft::load(&path, &app.state.db).map(liaison::tui::overlay::Overlay::Restore);
    assert!(screen(&mut app).contains("写了一半的评论"), "the offer shows what was typed");
    press(&mut app, "r");
    assert_eq!(form_kind(&app), Some(FormKind::Comment));
    assert_eq!(app.state.form().and_then(|f| f.number.clone()), Some(number.clone()));
    type_text(&mut app, ",补完");
    save(&mut app);
    let r = team.record(&number);
    assert_eq!(r.comments.last().map(|c| c.body.as_str()), Some("写了一半的评论,补完"), "{}", message(&app));
    assert!(!path.exists(), "the draft is gone once saved");
}

#[test]
fn a_draft_whose_form_cannot_open_any_more_comes_back_as_a_comment() {
    let team = Team::new();
    let number = team.issue();
    let mut app = team.app(&team.zhangsan);
    press(&mut app, "R");
    type_text(&mut app, "方案写到一半");
    app.flush_draft();
    let path = app.draft_path.clone();
    std::mem::forget(app);
    // Meanwhile the issue was resolved by someone else: the resolve form cannot open again.
    team.store()
        .resolve(
            &ctx(&admin(), now()),
            &number,
            &liaison::store::ResolveInput {
                solution: "已解决".into(),
                owner: "zhangsan".into(),
                feedback: None,
                resolved_at: None,
                without_response: Some("电话沟通后已处理".into()),
            },
        )
        .expect("resolve");
    let mut app = team.fx.app(&team.zhangsan, Lang::Zh);
    app.draft_path = path.clone();
    app.state.overlay =
        liaison::tui::draft::load(&path, &app.state.db).map(liaison::tui::overlay::Overlay::Restore);
    press(&mut app, "r");
    assert_eq!(form_kind(&app), Some(FormKind::Comment), "{}", message(&app));
    let body = app.state.form().map(|f| f.text("body")).unwrap_or_default();
    assert!(body.contains("方案写到一半"), "{body}");
}

/// Input that types a script and answers the editor and the clipboard.
struct Scripted {
    events: std::collections::VecDeque<Event>,
    edited: String,
    copied: Vec<String>,
    editor_saw: Vec<String>,
}

impl liaison::tui::Input for Scripted {
    fn next(&mut self, _: std::time::Duration) -> std::io::Result<Option<Event>> {
        match self.events.pop_front() {
            Some(event) => Ok(Some(event)),
            None => Err(std::io::Error::other("the script is over and the console did not quit")),
        }
    }

    fn copy(&mut self, text: &str) -> std::io::Result<()> {
        self.copied.push(text.to_string());
        Ok(())
    }

    fn edit(&mut self, text: &str) -> std::io::Result<Option<String>> {
        self.editor_saw.push(text.to_string());
        Ok(Some(self.edited.clone()))
    }
}

fn fixed_now() -> NaiveDateTime {
    now()
}

#[test]
fn the_external_editor_and_the_clipboard_go_through_the_terminal() {
    let team = Team::new();
    let number = team.issue();
    let mut app = team.app(&team.zhangsan);
    let mut events = vec![ch('c')];
    events.extend("开头".chars().map(ch));
    events.push(ctrl('g'));
    events.push(ctrl('s'));
    events.extend([ch('y'), ch('Y'), ch('q')]);
    let mut input = Scripted {
        events: events.into(),
        edited: "在编辑器里写的\n第二行\n".into(),
        copied: Vec::new(),
        editor_saw: Vec::new(),
    };
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(100, 30)).expect("terminal");
    let theme = liaison::tui::view::Theme::monochrome();
    let result = liaison::tui::run_loop(&mut terminal, &mut app, &mut input, &theme, fixed_now);
    assert!(
        result.is_ok(),
        "{result:?}: {} {:?} {:?} {:?}",
        message(&app),
        form_kind(&app),
        input.copied,
        input.editor_saw
    );
    assert_eq!(input.editor_saw, vec!["开头".to_string()], "the editor opens on the field's text");
    let r = team.record(&number);
    assert_eq!(r.comments.last().map(|c| c.body.as_str()), Some("在编辑器里写的\n第二行"));
    assert_eq!(input.copied.first(), Some(&number));
    let summary = input.copied.get(1).cloned().unwrap_or_default();
    assert!(summary.starts_with(&number) && summary.contains("积分兑换接口开发"), "{summary}");
    assert!(app.state.effects.is_empty());
    let _ = Effect::Copy(String::new());
}

#[test]
fn the_cursor_sits_where_the_next_character_goes() {
    let team = Team::new();
    let _ = team.issue();
    let mut app = team.app(&team.lisi);
    press(&mut app, "a");
    // Wide characters, an emoji and a combining accent: 2+2+2+1 columns, then ASCII.
    type_text(&mut app, "积分😀e\u{301}ab");
    let drawn = draw_all(&mut app, 100, 34);
    let cursor = drawn.cursor.expect("the cursor is shown in the form");
    let rows = lines(&drawn.screen);
    let row = &rows[usize::from(cursor.y)];
    let start = row.find("积分").expect("the title is on the cursor's row");
    let before = unicode_width::UnicodeWidthStr::width(&row[..start]);
    assert_eq!(usize::from(cursor.x), before + 2 + 2 + 2 + 1 + 2, "{row}");

    // A bracketed paste lands at the cursor as typed.
    send(&mut app, [Event::Paste("贴入\n的文字".into())]);
    assert_eq!(app.state.form().map(|f| f.text("title")).as_deref(), Some("积分😀e\u{301}ab贴入 的文字"));
}

#[test]
fn every_form_opens_and_draws_at_80x24_in_both_languages() {
    let team = Team::new();
    let number = team.busy_issue();
    let mut store = team.store();
    let dev = ctx(&team.zhangsan, now());
    let mut problems = Vec::new();
    // The work forms first, on the open task; the solution once the task is done.
    let mut kinds: Vec<FormKind> = FormKind::ALL.into_iter().filter(|k| *k != FormKind::Resolve).collect();
    kinds.push(FormKind::Resolve);
    for kind in kinds {
        if kind == FormKind::Resolve {
            let done = liaison::store::TaskUpdate { state: Some(TaskState::Done), ..Default::default() };
            store.update_task(&dev, &number, None, 1, &done).expect("task done");
        }
        for lang in [Lang::Zh, Lang::En] {
            // The admin may do everything; the minutes wait on the admin too.
            let mut app = team.fx.app(&admin(), lang);
            app.draft_path = team.drafts.path().join("draft.json");
            app.state.overlay = None;
            press(&mut app, "8");
            if kind == FormKind::Accept || kind == FormKind::Refuse || kind == FormKind::Archive {
                continue;
            }
            app.open_form(kind);
            assert_eq!(form_kind(&app), Some(kind), "{kind:?}: {}", message(&app));
            // Tiny terminals must not break anything either.
            for (w, h) in [(20, 6), (40, 12)] {
                draw_all(&mut app, w, h);
            }
            for (w, h) in [(80, 24), (120, 40)] {
                let drawn = draw_all(&mut app, w, h);
                for p in width_problems(&drawn.frame) {
                    problems.push(format!("{kind:?} {w}x{h}: {p}"));
                }
                let text = lines(&drawn.screen).join("\n");
                if !text.contains("Ctrl-S") {
                    problems.push(format!("{kind:?} {w}x{h}: no hint line\n{text}"));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn an_issue_named_by_its_number_is_found_and_acted_on() {
    let team = Team::new();
    let first = team.issue();
    let second = team.issue();
    let mut app = team.app(&team.zhangsan);
    let selected = app.state.selected_row().map(|r| r.number.clone()).expect("a selection");
    let other = if selected == first { second.clone() } else { first.clone() };
    // `#`, the end of the number, Enter: that issue's record, whatever the list shows.
    press(&mut app, "#");
    type_text(&mut app, &other[other.len() - 3..]);
    let palette = app.state.palette().expect("the issue finder");
    assert_eq!(palette.matches.len(), 1, "only one number ends so");
    send(&mut app, [key(KeyCode::Enter)]);
    assert_eq!(app.state.shown.record.as_ref().map(|r| r.issue.number.clone()), Some(other.clone()));
    // A form opens on the issue found, not on the list's selection.
    press(&mut app, "c");
    type_text(&mut app, "找到了");
    save(&mut app);
    assert_eq!(team.record(&other).comments.len(), 1, "{}", message(&app));
    assert!(team.record(&selected).comments.is_empty());
    // Titles are found too; Esc goes back to the list's own selection.
    press(&mut app, "#");
    type_text(&mut app, "积分兑换");
    assert_eq!(app.state.palette().map(|p| p.matches.len()), Some(2));
    send(&mut app, [key(KeyCode::Esc), key(KeyCode::Esc)]);
    assert!(app.state.shown.pinned.is_none());
    let row = app.state.selected_row().map(|r| r.number.clone());
    assert_eq!(app.state.shown.record.as_ref().map(|r| r.issue.number.clone()), row);
}

/// The registration form half filled, with the lint speaking and a picker open, and the
/// conflict dialog: reviewed pictures at 80×24 in both languages.
#[test]
fn forms_on_screen() {
    for lang in [Lang::Zh, Lang::En] {
        let team = Team::new();
        let mut app = team.fx.app(&team.lisi, lang);
        app.draft_path = team.drafts.path().join("draft.json");
        app.state.overlay = None;
        press(&mut app, "a");
        type_text(&mut app, "系统有问题");
        tab(&mut app, 1);
        type_text(&mut app, "双十一活动需新增用户积分兑换功能");
        tab(&mut app, 2);
        type_text(&mut app, "y");
        settings().bind(|| {
            let name = format!("form_register_80x24_{}", lang_name(lang));
            insta::assert_snapshot!(name, screen_text(&mut app, 80, 24));
        });

        let number = team.issue();
        let mut app = conflict_setup(&team, &number);
        app.state.lang = lang;
        settings().bind(|| {
            let name = format!("form_conflict_80x24_{}", lang_name(lang));
            insta::assert_snapshot!(name, screen_text(&mut app, 80, 24));
        });
    }
}

#[test]
fn a_file_is_attached_by_typing_its_path_with_tab_completion() {
    let team = Team::new();
    let number = team.issue();
    let dir = tempfile::tempdir().expect("a directory");
    std::fs::write(dir.path().join("测试报告.pdf"), b"%PDF-1.4 report").expect("a file");
    std::fs::write(dir.path().join("other.txt"), b"x").expect("a file");
    let mut app = team.app(&team.zhangsan);
    press(&mut app, "F");
    assert_eq!(form_kind(&app), Some(FormKind::Attach), "{}", message(&app));
    assert_eq!(focused_field(&app), "path");
    type_text(&mut app, &format!("{}/测", dir.path().display()));
    tab(&mut app, 1);
    // Tab completed the name instead of moving on; the next Tab moves to the note.
    assert_eq!(focused_field(&app), "path");
    let typed = app.state.form().and_then(|f| f.focused()).map(|f| f.value()).unwrap_or_default();
    assert!(typed.ends_with("测试报告.pdf"), "{typed}");
    tab(&mut app, 1);
    assert_eq!(focused_field(&app), "note");
    type_text(&mut app, "测试报告");
    save(&mut app);
    assert_eq!(form_kind(&app), None, "{}", message(&app));
    let attached = team.store().attachments(&number).expect("the attachments");
    assert_eq!(attached.len(), 1);
    assert_eq!(attached[0].name, "测试报告.pdf");
    assert_eq!(attached[0].note.as_deref(), Some("测试报告"));
    // The record's detail lists it, under its own heading.
    assert_eq!(app.state.shown.attachments.len(), 1);
    let wide = lines(&draw(&mut app, 160, 45)).join("\n");
    assert!(wide.contains("■ 附件") && wide.contains("#1 测试报告.pdf"), "{wide}");
    // S saves it back into the directory liaison was started in, never over a file.
    let out = tempfile::tempdir().expect("a directory");
    app.save_dir = out.path().to_path_buf();
    press(&mut app, "S");
    assert_eq!(std::fs::read(out.path().join("测试报告.pdf")).expect("saved"), b"%PDF-1.4 report");
    press(&mut app, "S");
    assert!(message(&app).contains("1 个未保存"), "{}", message(&app));
}

/// The `Space` menu names a key beside each action; typing that key in the menu runs it (it does
/// not filter the menu by the letter).
#[test]
fn the_space_menu_runs_the_keys_it_lists() {
    let team = Team::new();
    team.issue();
    let mut app = team.app(&team.zhangsan);
    press(&mut app, " ");
    let palette = app.state.palette().expect("the actions of the issue");
    let ack = palette.matches.iter().map(|i| palette.entry(*i)).find(|e| e.label == "确认收到");
    assert_eq!(ack.map(|e| e.keys.as_str()), Some("o"));
    let shown = screen(&mut app);
    assert!(shown.contains("按所列按键直接执行"), "the menu says so:\n{shown}");
    press(&mut app, "o");
    assert_eq!(form_kind(&app), Some(FormKind::Acknowledge), "{}", message(&app));
}

/// Keys changed in the configuration for a form, for text editing and for a dialog work there,
/// and the hints name them instead of the defaults.
#[test]
fn key_overrides_take_effect_in_forms_and_dialogs_and_show_in_their_hints() {
    use liaison::tui::keymap::Keymap;
    let team = Team::new();
    let number = team.issue();
    let colleague = person("liuqi", "刘七", "MKT", Role::Member);
    team.store().add_person(&ctx(&admin(), now()), &colleague).expect("add");
    let mut app = team.app(&team.lisi);
    let overrides: std::collections::BTreeMap<String, Vec<String>> =
        [("form.submit", "ctrl-x"), ("conflict.overwrite", "w"), ("line.delete_to_start", "ctrl-b")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), vec![v.to_string()]))
            .collect();
    let (keymap, problems) = Keymap::default().with_overrides(&overrides);
    assert!(problems.is_empty(), "{problems:?}");
    app.state.keymap = keymap;

    press(&mut app, "e");
    tab(&mut app, 2);
    assert_eq!(focused_field(&app), "request");
    send(&mut app, [ctrl('b')]);
    assert_eq!(focused_value(&app), "", "Ctrl-B now clears to the start of the line");
    send(&mut app, [ctrl('u')]);
    type_text(&mut app, "需研发部11月30日前完成接口开发并联调");
    let shown = lines(&draw(&mut app, 80, 24)).join("\n");
    assert!(shown.contains("Ctrl-X") && !shown.contains("Ctrl-S"), "the hint names the new key:\n{shown}");

    let mut other = team.store();
    let current = other.issue(&number).expect("read");
    let draft = IssueDraft { title: "积分兑换接口(加急)".into(), ..issue_draft(&current) };
    other.edit_description(&ctx(&colleague, now()), &number, Some(current.version), &draft).expect("edit");
    save(&mut app);
    assert!(app.state.dialog().is_none(), "Ctrl-S no longer submits");
    assert_eq!(form_kind(&app), Some(FormKind::Edit));
    send(&mut app, [ctrl('x')]);
    assert!(app.state.dialog().is_some(), "Ctrl-X submits, and finds their change");
    let shown = lines(&draw(&mut app, 80, 24)).join("\n");
    assert!(shown.lines().any(|l| l.contains(" w ") && l.contains("覆盖")), "{shown}");
    press(&mut app, "o");
    assert!(app.state.dialog().is_some(), "o is no longer overwrite");
    press(&mut app, "w");
    assert_eq!(form_kind(&app), None, "{}", message(&app));
    assert_eq!(team.record(&number).issue.request, "需研发部11月30日前完成接口开发并联调");
}
