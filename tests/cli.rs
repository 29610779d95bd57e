//! The command line end to end: the real binary, a fresh database per test.

mod cli_support;

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use cli_support::{Fixture, is_rfc3339, minute, now, os_login, same_bytes};
use serde_json::Value;

fn numbers(list: &Value) -> Vec<String> {
    list.as_array()
        .expect("a JSON array")
        .iter()
        .map(|row| row["number"].as_str().expect("a number").to_string())
        .collect()
}

fn date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

// ---------------------------------------------------------------------------------------------
// 1–2: an empty database, init, whoami

#[test]
fn an_empty_database_asks_for_init() {
    let f = Fixture::new();
    let out = f.ok(&[]);
    assert!(out.contains("This database is empty"), "{out}");
    assert!(out.contains("liaison init --dept"), "{out}");

    let line = f.fail(&["list"]);
    assert!(line.contains("run `liaison init`"), "{line}");
    let line = f.fail(&["whoami"]);
    assert!(line.contains("liaison init"), "{line}");
}

#[test]
fn init_makes_the_os_user_the_admin_once() {
    let f = Fixture::new();
    let out = f.ok(&["init", "--dept", "OPS", "--dept-name", "运营部", "--name", "管理员"]);
    let login = os_login();
    assert!(out.contains(&format!("{login} is the admin of 运营部 (OPS)")), "{out}");

    let me = f.json(&["whoami"]);
    assert_eq!(me["person"]["login"], login.as_str());
    assert_eq!(me["person"]["role"], "admin");
    assert_eq!(me["person"]["dept"], "OPS");
    assert_eq!(me["person"]["display_name"], "管理员");
    assert_eq!(me["on_behalf_of"], Value::Null);

    let line = f.refused(&["init", "--dept", "RD", "--dept-name", "研发部"], &["already set up", &login]);
    assert!(line.contains("admins are: "), "{line}");
    assert_eq!(f.json(&["dept", "list"]).as_array().map(Vec::len), Some(1));
}

// ---------------------------------------------------------------------------------------------
// 3: the whole life cycle

/// The last Monday–Friday strictly before today.
fn recent_weekday() -> NaiveDate {
    let mut day = now().date() - Duration::days(1);
    while matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
        day -= Duration::days(1);
    }
    day
}

#[test]
fn an_issue_goes_through_its_whole_life_cycle() {
    let f = Fixture::new();
    let admin = f.org();
    let proposed_day = recent_weekday();
    let proposed = format!("{} 09:30", date(proposed_day));
    let title = "积分商城兑换失败,需要研发排查";
    let background = "双十一活动期间大量用户反馈积分兑换失败,客服工单一天超过两百单";
    let request = "请研发部3个工作日内定位原因并修复,测试部配合回归测试";
    let out = f.ok(&[
        "--as",
        "li",
        "add",
        "--title",
        title,
        "--background",
        background,
        "--request",
        request,
        "--dept",
        "RD,QA",
        "--priority",
        "medium",
        "--at",
        &proposed,
    ]);
    let n = out
        .split_whitespace()
        .nth(1)
        .unwrap_or_else(|| panic!("`Registered NUMBER — …` expected: {out}"))
        .to_string();
    let (day_part, rest) = n.split_at(8);
    assert!(day_part.bytes().all(|b| b.is_ascii_digit()) && rest == "-MKT-001", "{n}");
    assert_eq!(day_part, proposed_day.format("%Y%m%d").to_string(), "dated by the proposed day");
    let show = |args: &[&str]| {
        let mut all = vec!["show", n.as_str()];
        all.extend_from_slice(args);
        f.json(&all)
    };
    let issue = show(&[]);
    assert_eq!(issue["status"], "registered");
    assert_eq!(issue["proposer"], "li");
    assert_eq!(issue["proposer_dept"], "MKT");
    let expected_due = f.json(&["calendar", "due", "--from", &proposed, "--priority", "medium"]);
    assert_eq!(issue["response_due_at"], expected_due["due_at"]);

    let out = f.ok(&["--as", "wang", "ack", &n]);
    assert!(out.contains("acknowledged — In progress"), "{out}");
    let issue = show(&[]);
    assert_eq!(issue["status"], "in_progress");
    assert_eq!(issue["first_response_by"], "wang");
    assert!(is_rfc3339(&issue["first_response_at"]), "{}", issue["first_response_at"]);

    let summary = "研发确认是库存服务超时导致兑换失败";
    let consensus = "研发部今天修复,测试部明天完成回归";
    let out = f.ok(&[
        "--as",
        "li",
        "meeting",
        "add",
        &n,
        "--participants",
        "li,wang,qian",
        "--summary",
        summary,
        "--consensus",
        consensus,
    ]);
    assert!(out.contains("meeting recorded #1"), "{out}");
    assert!(f.ok(&["--as", "wang", "meeting", "confirm", &n, "1"]).contains("minutes confirmed"));
    let objection = "回归时间太紧,需要多一天";
    let out = f.ok(&["--as", "qian", "meeting", "confirm", &n, "1", "--object", objection]);
    assert!(out.contains("objection recorded"), "{out}");
    let meeting = &show(&[])["meetings"][0];
    assert_eq!(meeting["summary"], summary);
    let answer = |login: &str| {
        meeting["participants"]
            .as_array()
            .and_then(|ps| ps.iter().find(|p| p["login"] == login))
            .cloned()
            .unwrap_or_else(|| panic!("{login} took part: {meeting}"))
    };
    assert_eq!(answer("wang")["confirmation"], "confirmed");
    assert_eq!(answer("wang")["dept"], "RD");
    assert_eq!(answer("qian")["confirmation"], "objected");
    assert_eq!(answer("qian")["note"], objection);

    // Two weeks ahead is at least two working days away, whatever the holidays.
    let deadline = now().date() + Duration::days(14);
    let task_title = "修复库存服务超时";
    let out = f.ok(&[
        "--as",
        "wang",
        "task",
        "add",
        &n,
        "--dept",
        "RD",
        "--title",
        task_title,
        "--owner",
        "wang",
        "--deadline",
        &date(deadline),
    ]);
    assert!(out.contains("task added #1"), "{out}");
    let out = f.ok(&["--as", "wang", "task", "update", &n, "1", "--percent", "50"]);
    assert!(out.contains("#1: Doing 50%"), "{out}");
    let note = "已定位并提交修复代码";
    f.ok(&[
        "--as",
        "wang",
        "progress",
        "add",
        &n,
        "--task",
        "1",
        "--percent",
        "80",
        "--note",
        note,
        "--help-dept",
        "QA",
        "--help-what",
        "协助回归测试",
    ]);
    let issue = show(&[]);
    assert_eq!(issue["tasks"][0]["percent"], 80);
    assert_eq!(issue["tasks"][0]["state"], "doing");
    assert_eq!(issue["progress"][0]["note"], note);
    assert_eq!(issue["progress"][0]["help"]["dept"], "QA");

    let new_date = deadline + Duration::days(2);
    let reason = "依赖第三方支付接口升级";
    let out = f.ok(&[
        "--as",
        "wang",
        "risk",
        "add",
        &n,
        "--task",
        "1",
        "--reason",
        reason,
        "--plan",
        "先上线降级方案",
        "--new-date",
        &date(new_date),
    ]);
    assert!(out.contains("risk alert raised: timely"), "{out}");
    let issue = show(&[]);
    assert_eq!(issue["risks"][0]["timely"], true);
    assert_eq!(issue["risks"][0]["reason"], reason);
    assert_eq!(issue["tasks"][0]["deadline"], date(new_date).as_str(), "the new date moves the task");

    // A task due today: an alert now is late.
    f.ok(&[
        "--as",
        "wang",
        "task",
        "add",
        &n,
        "--dept",
        "RD",
        "--title",
        "补发积分",
        "--owner",
        "wang",
        "--deadline",
        &date(now().date()),
    ]);
    let late =
        f.json(&["--as", "wang", "risk", "add", &n, "--task", "2", "--reason", "人手不足", "--plan", "加班"]);
    assert_eq!(late["timely"], false);
    let out =
        f.ok(&["--as", "wang", "risk", "add", &n, "--task", "2", "--reason", "人手不足", "--plan", "加班"]);
    assert!(out.contains("LATE"), "{out}");
    f.ok(&["--as", "wang", "task", "update", &n, "2", "--state", "done"]);

    let out = f.ok(&["--as", "li", "escalate", &n, "--reason", "影响活动收入", "--to", "分管副总"]);
    assert!(out.contains("escalated — In progress"), "{out}");
    assert_eq!(show(&[])["escalations"][0]["to"], "分管副总");
    assert_eq!(show(&[])["escalated"], true);

    // No solution while a task is open and an objection to the minutes is unanswered.
    let solution = "修复库存服务超时并增加重试";
    let line = f.refused(
        &["--as", "wang", "resolve", &n, "--solution", solution, "--owner", "wang"],
        &["cannot enter the solution", "#1 RD 80%", "#1 qian"],
    );
    assert!(line.contains("amend the minutes"), "{line}");
    f.ok(&["--as", "wang", "task", "update", &n, "1", "--state", "done"]);
    // The recorder answers the objection with a new version, which qian confirms again.
    let amended = "研发部今天修复,测试部后天完成回归";
    let out = f.ok(&["--as", "li", "meeting", "amend", &n, "1", "--consensus", amended]);
    assert!(out.contains("version 2"), "{out}");
    assert_eq!(show(&[])["meetings"][0]["version"], 2);
    f.ok(&["--as", "qian", "meeting", "confirm", &n, "1"]);
    let out = f.ok(&["--as", "wang", "resolve", &n, "--solution", solution, "--owner", "wang"]);
    assert!(out.contains("awaiting acceptance by li"), "{out}");
    let issue = show(&[]);
    assert_eq!(issue["status"], "awaiting_acceptance");
    assert_eq!(issue["resolution"]["feedback"], "li");
    assert_eq!(issue["resolution"]["owner"], "wang");

    f.refused(&["--as", "wang", "accept", &n], &["cannot accept", "li"]);
    assert_eq!(show(&[])["status"], "awaiting_acceptance");

    let out = f.ok(&["--as", "li", "refuse", &n, "--reason", "部分用户仍兑换失败"]);
    assert!(out.contains("acceptance refused — In progress"), "{out}");
    let issue = show(&[]);
    assert_eq!(issue["status"], "in_progress");
    assert_eq!(issue["acceptance"]["accepted"], false);

    let solution = "修复库存服务超时并增加重试,为失败用户补发积分";
    f.ok(&["--as", "wang", "resolve", &n, "--solution", solution, "--owner", "wang"]);
    assert_eq!(show(&[])["status"], "awaiting_acceptance");
    assert!(f.ok(&["--as", "li", "accept", &n]).contains("accepted — Resolved"));
    assert_eq!(show(&[])["status"], "resolved");
    let retro = "大促前应对库存服务做压测";
    assert!(f.ok(&["--as", "li", "archive", &n, "--retro", retro]).contains("archived — Archived"));
    let line = f.refused(&["--as", "li", "comment", &n, "x"], &["archived"]);
    assert!(line.contains("read-only"), "{line}");

    let issue = show(&[]);
    for key in [
        "number",
        "status",
        "priority",
        "proposed_at",
        "response_due_at",
        "first_response_at",
        "departments",
        "meetings",
        "tasks",
        "progress",
        "risks",
        "events",
    ] {
        assert!(issue.get(key).is_some(), "show --json lacks {key}");
    }
    assert_eq!(issue["number"], n.as_str());
    assert_eq!(issue["status"], "archived");
    assert_eq!(issue["priority"], "medium");
    assert_eq!(issue["retrospective"], retro);
    assert_eq!(issue["resolution"]["solution"], solution);
    let mut depts: Vec<&str> =
        issue["departments"].as_array().unwrap().iter().map(|d| d.as_str().unwrap()).collect();
    depts.sort_unstable();
    assert_eq!(depts, ["QA", "RD"]);
    for key in ["proposed_at", "response_due_at", "first_response_at", "archived_at"] {
        assert!(is_rfc3339(&issue[key]), "{key}: {}", issue[key]);
    }
    assert!(issue["proposed_at"].as_str().unwrap().starts_with(&format!("{}T09:30:00", date(proposed_day))));
    let events = issue["events"].as_array().expect("events");
    let kinds: Vec<&str> = events.iter().map(|e| e["kind"].as_str().unwrap()).collect();
    for kind in [
        "registered",
        "acknowledged",
        "meeting_recorded",
        "risk_raised",
        "escalated",
        "refused",
        "accepted",
        "archived",
    ] {
        assert!(kinds.contains(&kind), "no {kind} event: {kinds:?}");
    }
    assert_eq!(kinds.first(), Some(&"registered"));
    assert_eq!(kinds.last(), Some(&"archived"));
    for e in events {
        assert!(is_rfc3339(&e["at"]), "event time {}", e["at"]);
        assert_eq!(e["on_behalf_of"], admin.as_str(), "every step was done with --as: {e}");
    }
    // Events carry the real clock, not the back-dated proposal time.
    assert!(events[0]["at"].as_str().unwrap() >= issue["proposed_at"].as_str().unwrap());
    assert_eq!(events[0]["actor"], "li");

    let md = f.ok(&["--lang", "zh", "show", &n, "--md"]);
    for heading in ["基本信息", "问题描述与需求", "沟通记录", "执行与跟踪", "解决结果", "归档与复盘"]
    {
        assert!(md.contains(&format!("## {heading}")), "no {heading} in:\n{md}");
    }
    let amended = "研发部今天修复,测试部后天完成回归";
    for text in [title, background, request, summary, amended, task_title, note, reason, solution, retro] {
        assert!(md.contains(text), "{text} missing from:\n{md}");
    }
    // The first version and the objection to it stay in the history.
    let objected = events.iter().find(|e| e["kind"] == "minutes_objected").expect("the objection's event");
    assert_eq!(objected["after"]["note"], objection);
    let amendment = events.iter().find(|e| e["kind"] == "minutes_amended").expect("the amendment's event");
    assert_eq!(amendment["before"]["consensus"], consensus);
    assert_eq!(amendment["before"]["objections"][0]["login"], "qian");
    assert!(md.contains("☑中"), "the priority box is ticked:\n{md}");

    let zh = f.ok(&["--lang", "zh", "show", &n]);
    for heading in
        ["基本信息", "问题描述与需求", "沟通记录", "执行与跟踪", "解决结果", "归档与复盘", "进度时间线"]
    {
        assert!(zh.contains(&format!("■ {heading}")), "no {heading} in:\n{zh}");
    }
    assert!(zh.contains(title) && zh.contains(retro), "{zh}");
    let en = f.ok(&["--lang", "en", "show", &n]);
    for heading in [
        "Basic information",
        "Description and request",
        "Communication",
        "Execution and tracking",
        "Resolution",
        "Archive and retrospective",
        "Timeline",
    ] {
        assert!(en.contains(&format!("■ {heading}")), "no {heading} in:\n{en}");
    }
    assert!(!en.contains("■ 基本信息"), "{en}");
    assert!(
        en.contains(&format!("李经理 (li) Archived (entered by 管理员 ({admin}) on their behalf)")),
        "the person first, who entered it for them after:\n{en}"
    );
    let zh = f.ok(&["--lang", "zh", "show", &n]);
    assert!(zh.contains(&format!("李经理 (li) 归档（管理员 ({admin}) 代为操作）")), "{zh}");
}

// ---------------------------------------------------------------------------------------------
// 4: the calendar

#[test]
fn response_deadlines_follow_priority_and_the_official_calendar() {
    let f = Fixture::new();
    f.init();
    // Wednesday 2023-10-25 + 3 working days = Monday 2023-10-30, to the end of the day.
    let out = f.ok(&["calendar", "due", "--from", "2023-10-25 09:30", "--priority", "medium"]);
    assert!(out.starts_with("2023-10-30 23:59 Mon"), "{out}");
    let due = f.json(&["calendar", "due", "--from", "2023-10-25 09:30", "--priority", "medium"]);
    let due_at = due["due_at"].as_str().unwrap();
    assert!(is_rfc3339(&due["due_at"]) && due_at.starts_with("2023-10-30T23:59:59"), "{due}");
    assert_eq!(due["rule"], "3wd");
    // High: 24 clock hours.
    let out = f.ok(&["calendar", "due", "--from", "2023-10-25 09:30", "--priority", "high"]);
    assert!(out.starts_with("2023-10-26 09:30 Thu"), "{out}");
    // National Day 2023: Fri 09-29 to Fri 10-06 off; Sat 10-07 and Sun 10-08 worked (调休).
    // Low = 5 working days after Thu 09-28: 10-07 (1), 10-08 (2), Mon 10-09 (3), 10-10 (4),
    // Wed 10-11 (5). Without the calendar it would be Thu 10-05.
    let out = f.ok(&["calendar", "due", "--from", "2023-09-28 10:00", "--priority", "low"]);
    assert!(out.starts_with("2023-10-11 23:59 Wed"), "{out}");
    // Medium = 3 working days: 10-07, 10-08, 10-09.
    let out = f.ok(&["calendar", "due", "--from", "2023-09-28 10:00", "--priority", "medium"]);
    assert!(out.starts_with("2023-10-09 23:59 Mon"), "{out}");
    // A make-up Saturday counts as the first working day: 1 working day after 09-28 is 10-07.
    f.ok(&["settings", "response", "low", "1wd"]);
    let out = f.ok(&["calendar", "due", "--from", "2023-09-28 10:00", "--priority", "low"]);
    assert!(out.starts_with("2023-10-07 23:59 Sat"), "{out}");
}

#[test]
fn admins_add_holidays_and_make_up_days() {
    let f = Fixture::new();
    f.init();
    let due =
        |from: &str| f.json(&["calendar", "due", "--from", from, "--priority", "medium"])["due_at"].clone();
    // Tue 2030-01-01 + 3 working days: Wed 2, Thu 3, Fri 4 (2030 is beyond the shipped schedule).
    assert!(due("2030-01-01 10:00").as_str().unwrap().starts_with("2030-01-04T23:59:59"));
    assert!(f.ok(&["calendar", "add-holiday", "2030-01-02"]).contains("Marked 1 holiday"));
    // Wednesday off: Thu 3, Fri 4, Mon 7.
    assert!(due("2030-01-01 10:00").as_str().unwrap().starts_with("2030-01-07T23:59:59"));
    let line = f.refused(&["calendar", "add-workday", "2030-01-03"], &["2030-01-03", "Saturdays or Sundays"]);
    assert!(line.contains("working day already"), "{line}");
    // Saturday the 5th worked: Thu 3, Fri 4, Sat 5.
    f.ok(&["calendar", "add-workday", "2030-01-05", "--name", "调休上班"]);
    assert!(due("2030-01-01 10:00").as_str().unwrap().starts_with("2030-01-05T23:59:59"));
    let days = f.json(&["calendar", "list", "--year", "2030"]);
    assert_eq!(
        days,
        serde_json::json!([
            {"date": "2030-01-02", "kind": "holiday", "name": "假日"},
            {"date": "2030-01-05", "kind": "workday", "name": "调休上班"},
        ])
    );
}

#[test]
fn calendar_import_reads_ics_feeds_all_or_nothing() {
    let f = Fixture::new();
    f.init();
    let good = f.path("2031.ics");
    // DTEND is exclusive: 春节 covers Wed 01-22 to Fri 01-24; the make-up day is Sat 01-18.
    std::fs::write(
        &good,
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//CN\r\n\
         BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20310122\r\nDTEND;VALUE=DATE:20310125\r\nSUMMARY:春节\r\nEND:VEVENT\r\n\
         BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20310118\r\nDTEND;VALUE=DATE:20310119\r\nSUMMARY:春节 补班\r\nEND:VEVENT\r\n\
         END:VCALENDAR\r\n",
    )
    .unwrap();
    let out = f.ok(&["calendar", "import", good.to_str().unwrap()]);
    assert!(out.contains("Imported 4 days (holidays 3, make-up working days 1)"), "{out}");
    assert_eq!(
        f.json(&["calendar", "list", "--year", "2031"]),
        serde_json::json!([
            {"date": "2031-01-18", "kind": "workday", "name": "春节"},
            {"date": "2031-01-22", "kind": "holiday", "name": "春节"},
            {"date": "2031-01-23", "kind": "holiday", "name": "春节"},
            {"date": "2031-01-24", "kind": "holiday", "name": "春节"},
        ])
    );
    // Tue 2031-01-21 + 3 working days skips the three days off: Mon 27, Tue 28, Wed 29.
    let due = f.json(&["calendar", "due", "--from", "2031-01-21 10:00", "--priority", "medium"]);
    assert!(due["due_at"].as_str().unwrap().starts_with("2031-01-29T23:59:59"), "{due}");

    let bad = f.path("2032.ics");
    std::fs::write(
        &bad,
        "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20320101\nSUMMARY:元旦\nEND:VEVENT\n\
         BEGIN:VEVENT\nDTSTART;VALUE=DATE:2032XX02\nSUMMARY:坏日期\nEND:VEVENT\nEND:VCALENDAR\n",
    )
    .unwrap();
    let line = f.fail(&["calendar", "import", bad.to_str().unwrap()]);
    assert!(line.contains("line 7"), "{line}");
    assert!(line.contains("nothing was imported"), "{line}");
    assert_eq!(f.json(&["calendar", "list", "--year", "2032"]), serde_json::json!([]));
}

// ---------------------------------------------------------------------------------------------
// 5: numbering

#[test]
fn running_numbers_after_switching_the_format() {
    let f = Fixture::new();
    f.org();
    assert!(f.ok(&["settings", "number-format", "running"]).contains("Numbering"));
    assert_eq!(f.json(&["settings", "show"])["number_format"], "running");
    assert_eq!(f.add("li", "新品上市需要准备宣传物料", "RD", "medium", None), "MKT-001");
    assert_eq!(f.add("li", "新品发布会需要技术支持", "RD", "low", None), "MKT-002");
    assert_eq!(f.add("wang", "测试环境数据库需要扩容", "QA", "low", None), "RD-001");
}

// ---------------------------------------------------------------------------------------------
// 6: the issue list

/// Four issues: an overdue one, a fresh one, an escalated one in progress, one due soon.
struct Listed {
    f: Fixture,
    overdue: String,
    fresh: String,
    escalated: String,
    soon: String,
}

fn listed() -> Listed {
    let f = Fixture::new();
    f.org();
    let now = now();
    // High priority is 24 clock hours: three days ago is overdue, two hours ago is due soon.
    let overdue =
        f.add("li", "积分商城兑换失败,需要研发排查", "RD", "high", Some(&minute(now - Duration::days(3))));
    let fresh = f.add("li", "=SUM(A1:A2)报表导出错误", "QA", "medium", None);
    let escalated = f.add("wang", "测试环境, 数据库需要扩容", "QA", "low", None);
    f.ok(&["--as", "qian", "ack", &escalated]);
    f.ok(&["--as", "wang", "escalate", &escalated, "--reason", "资源冲突", "--to", "分管副总"]);
    let soon = f.add("qian", "回归测试环境账号过期", "RD", "high", Some(&minute(now - Duration::hours(2))));
    Listed { f, overdue, fresh, escalated, soon }
}

#[test]
fn list_filters_sorts_and_pages() {
    let Listed { f, overdue, fresh, escalated, soon } = listed();
    let (overdue, fresh, escalated, soon) =
        (overdue.as_str(), fresh.as_str(), escalated.as_str(), soon.as_str());
    let list = |args: &[&str]| {
        let mut all = vec!["list"];
        all.extend_from_slice(args);
        numbers(&f.json(&all))
    };
    // The default order is the next deadline; an issue without one comes last.
    assert_eq!(list(&[]), [overdue, soon, fresh, escalated]);
    assert_eq!(list(&["--status", "in_progress"]), [escalated]);
    assert_eq!(list(&["--status", "registered"]), [overdue, soon, fresh]);
    assert_eq!(list(&["--status", "open"]).len(), 4);
    assert_eq!(list(&["--status", "archived"]), Vec::<String>::new());
    assert_eq!(list(&["--dept", "MKT"]), [overdue, fresh]);
    assert_eq!(list(&["--dept", "QA"]), [soon, fresh, escalated], "proposed by or involving QA");
    assert_eq!(list(&["--priority", "high"]), [overdue, soon]);
    assert_eq!(list(&["--priority", "low"]), [escalated]);
    assert_eq!(list(&["--as", "wang", "--mine"]), [overdue, soon, escalated]);
    assert_eq!(list(&["--mine"]), Vec::<String>::new(), "nothing involves OPS");
    assert_eq!(list(&["--overdue"]), [overdue]);
    assert_eq!(list(&["--due-soon"]), [soon]);
    assert_eq!(list(&["--escalated"]), [escalated]);
    assert_eq!(list(&["--text", "扩容"]), [escalated], "two Chinese characters");
    assert_eq!(list(&["--text", "积分商城"]), [overdue], "four Chinese characters");
    assert_eq!(list(&["--text", "兑换失败"]), [overdue]);
    assert_eq!(list(&["--text", "资源冲突"]), Vec::<String>::new(), "the escalation reason is not searched");
    assert_eq!(list(&["--text", "账号 过期"]), [soon], "every term must match");
    assert_eq!(list(&["--sort", "number"]), [soon, escalated, fresh, overdue]);
    assert_eq!(list(&["--sort", "priority"]), [overdue, soon, fresh, escalated]);
    assert_eq!(list(&["--sort", "number", "--limit", "2", "--offset", "1"]), [escalated, fresh]);
    assert_eq!(list(&["--sort", "number", "--offset", "3"]), [overdue]);

    let rows = f.json(&["list", "--escalated"]);
    let row = &rows[0];
    assert_eq!(row["escalated"], true);
    assert_eq!(row["status"], "in_progress");
    assert_eq!(row["proposer"], "wang");
    assert_eq!(row["departments"], serde_json::json!(["QA"]));
    assert!(is_rfc3339(&row["proposed_at"]) && is_rfc3339(&row["response_due_at"]), "{row}");

    let out = f.ok(&["list", "--sort", "number", "--limit", "2"]);
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("Number"), "{out}");
    assert!(lines[1].starts_with(soon) && lines[2].starts_with(escalated), "{out}");
    assert!(out.contains("(2 / 4; --limit/--offset)"), "{out}");
    assert!(lines[2].contains("In progress↑"), "escalated is marked: {out}");
    assert!(f.ok(&["list", "--text", "不存在的词"]).contains("No issue matches."));
}

#[test]
fn list_csv_opens_in_excel() {
    let Listed { f, overdue, fresh, escalated, soon } = listed();
    let out = f.run(&["list", "--csv", "--sort", "number"]);
    assert!(out.status.success());
    let bytes = out.stdout;
    assert_eq!(&bytes[..3], [0xEF, 0xBB, 0xBF], "UTF-8 byte-order mark");
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    assert!(text.ends_with("\r\n"), "{text:?}");
    assert_eq!(text.matches('\n').count(), text.matches("\r\n").count(), "CRLF only: {text:?}");
    let lines: Vec<&str> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), 5, "{text}");
    assert!(lines[0].starts_with("Number,Priority,Status,"), "{}", lines[0]);
    assert!(lines[0].ends_with(",Departments,Title"), "{}", lines[0]);
    let row = |n: &str| *lines.iter().find(|l| l.starts_with(n)).unwrap_or_else(|| panic!("{n}: {text}"));
    assert!(row(&escalated).ends_with(",\"测试环境, 数据库需要扩容\""), "{}", row(&escalated));
    assert!(row(&escalated).contains(",yes,"), "escalated column: {}", row(&escalated));
    assert!(row(&fresh).ends_with(",'=SUM(A1:A2)报表导出错误"), "{}", row(&fresh));
    assert!(row(&overdue).ends_with(",RD,\"积分商城兑换失败,需要研发排查\""), "{}", row(&overdue));
    assert!(row(&soon).starts_with(&format!("{soon},High,Registered,")), "{}", row(&soon));
    f.fail(&["list", "--csv", "--json"]);
}

// ---------------------------------------------------------------------------------------------
// 7: demo data

#[test]
fn demo_fills_the_database_with_realistic_work() {
    let f = Fixture::new();
    f.init();
    let out = f.ok(&["demo", "--issues", "1000"]);
    assert!(out.starts_with("Created 1000 issues"), "{out}");
    assert_eq!(f.json(&["list", "--limit", "5"]).as_array().map(Vec::len), Some(5));
    assert_eq!(f.json(&["list", "--limit", "5", "--offset", "999"]).as_array().map(Vec::len), Some(1));
    assert_eq!(f.json(&["list", "--limit", "5", "--offset", "1000"]).as_array().map(Vec::len), Some(0));
    assert!(f.ok(&["list", "--limit", "3"]).contains("(3 / 1000; --limit/--offset)"));
    let depts = f.json(&["dept", "list"]);
    assert!(depts.as_array().unwrap().len() >= 6, "{depts}");
    assert!(f.json(&["user", "list"]).as_array().unwrap().len() >= 12);
    let mut statuses: Vec<String> = Vec::new();
    for status in ["registered", "in_progress", "awaiting_acceptance", "resolved", "archived"] {
        if !f.json(&["list", "--status", status, "--limit", "1"]).as_array().unwrap().is_empty() {
            statuses.push(status.into());
        }
    }
    assert!(statuses.len() >= 4, "the demo covers the life cycle: {statuses:?}");

    let archived = numbers(&f.json(&["list", "--status", "archived", "--limit", "1"]));
    let md = f.ok(&["--lang", "zh", "show", &archived[0], "--md"]);
    assert!(md.contains("## 沟通记录") && md.contains("### 会议 1"), "{md}");
    let summary = md.lines().find(|l| l.starts_with("| 沟通内容摘要 |")).unwrap_or_else(|| panic!("{md}"));
    let cjk = summary.chars().filter(|c| ('\u{4E00}'..='\u{9FFF}').contains(c)).count();
    assert!(cjk >= 10, "a Chinese summary: {summary}");
    assert!(md.contains("## 归档与复盘"), "{md}");
    let issue = f.json(&["show", &archived[0]]);
    assert!(!issue["tasks"].as_array().unwrap().is_empty(), "{issue}");
    assert!(issue["events"].as_array().unwrap().len() >= 5, "{issue}");
}

// ---------------------------------------------------------------------------------------------
// 7b: a narrow terminal

/// Lines wider than `columns` display columns (a Chinese character takes two).
fn too_wide(text: &str, columns: usize) -> Vec<String> {
    text.lines().filter(|l| liaison::domain::text::width(l) > columns).map(|l| format!("{l:?}")).collect()
}

/// Demo work and one issue whose title no narrow terminal holds; the open issues (as `list
/// --json` gives them) and the alerts (as `alerts --json` gives them).
fn narrow_fixture() -> (Fixture, Vec<Value>, Vec<Value>) {
    let f = Fixture::new();
    f.org();
    f.ok(&["demo", "--issues", "40"]);
    let n = f.add(
        "li",
        "Checkout fails for customers paying with gift cards in the mobile app",
        "RD",
        "high",
        None,
    );
    // Due today without a risk alert: an alert.
    let title = "Find why gift card payments time out and fix the retry logic";
    let task = ["--as", "wang", "task", "add", &n, "--dept", "RD", "--title", title, "--owner", "wang"];
    f.ok(&[&task[..], &["--deadline", "today"]].concat());
    let issues = f.json(&["list", "--limit", "100"]).as_array().expect("issues").clone();
    let alerts = f.json(&["alerts"]).as_array().expect("alerts").clone();
    assert!(issues.len() >= 10 && alerts.len() >= 2, "{} issues, {} alerts", issues.len(), alerts.len());
    assert!(alerts.iter().any(|a| a["task"]["title"] == title), "{alerts:?}");
    (f, issues, alerts)
}

/// One line per row, in order: line i + 1 begins with what `starts[i]` says.
fn one_line_per_row(out: &str, starts: &[String], what: &str) {
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), starts.len() + 1, "{what}: a row took more than one line:\n{out}");
    for (line, start) in lines[1..].iter().zip(starts) {
        assert!(line.starts_with(start.as_str()), "{what}: {line:?} should begin with {start}\n{out}");
    }
}

#[test]
fn list_and_alerts_fit_a_narrow_terminal() {
    let (f, issues, alerts) = narrow_fixture();
    let numbers: Vec<String> = issues.iter().map(|r| r["number"].as_str().unwrap().to_string()).collect();
    let flags = |lang: &str| -> Vec<String> {
        let en_zh = |v: &Value| match v["flag"].as_str().unwrap() {
            "overdue" => ("overdue", "已逾期"),
            _ => ("alert due", "应预警"),
        };
        alerts.iter().map(|a| if lang == "en" { en_zh(a).0 } else { en_zh(a).1 }.to_string()).collect()
    };
    let list = ["list", "--limit", "100"];
    for lang in ["en", "zh"] {
        let narrow = [("COLUMNS", "60")];
        let out = f.ok_env(&[&["--lang", lang][..], &list].concat(), &narrow);
        assert_eq!(too_wide(&out, 60), Vec::<String>::new(), "list --lang {lang} at 60 columns:\n{out}");
        one_line_per_row(&out, &numbers, &format!("list --lang {lang}"));
        assert!(out.contains('…'), "the long titles are cut with an ellipsis:\n{out}");
        // The console's short forms (the start of the record's own word), not words cut short.
        let short_status = if lang == "en" { "In prog." } else { "进行中" };
        assert!(out.contains(short_status) && !out.contains("In progress"), "{out}");
        assert!(!out.contains("In prog…") && !out.contains("Awaiting acc"), "{out}");

        let out = f.ok_env(&["--lang", lang, "alerts"], &narrow);
        assert_eq!(too_wide(&out, 60), Vec::<String>::new(), "alerts --lang {lang} at 60 columns:\n{out}");
        one_line_per_row(&out, &flags(lang), &format!("alerts --lang {lang}"));
        assert!(out.contains('…'), "{out}");
    }

    // A wide terminal, or output to a pipe: nothing is cut.
    for env in [&[("COLUMNS", "200")][..], &[]] {
        let out = f.ok_env(&list, env);
        assert!(!out.contains('…'), "{env:?}:\n{out}");
        one_line_per_row(&out, &numbers, "list, wide");
        for issue in &issues {
            assert!(
                out.contains(issue["title"].as_str().unwrap()),
                "{env:?}: {} is whole\n{out}",
                issue["title"]
            );
        }
        assert!(out.contains("In progress") && out.contains("Next deadline"), "{out}");
        let out = f.ok_env(&["alerts"], env);
        assert!(!out.contains('…'), "{env:?}:\n{out}");
        one_line_per_row(&out, &flags("en"), "alerts, wide");
        for alert in &alerts {
            assert!(out.contains(alert["task"]["title"].as_str().unwrap()), "{env:?}\n{out}");
            assert!(out.contains(alert["task"]["deadline"].as_str().unwrap()), "{env:?}\n{out}");
        }
    }
    assert_eq!(f.ok_env(&list, &[("COLUMNS", "200")]), f.ok(&list), "nothing to fit at 200 columns");
}

#[test]
fn help_is_wrapped_to_the_terminal() {
    let f = Fixture::new();
    // clap writes a usage line as long as it needs; the descriptions wrap.
    let help = |columns: &str| f.ok_env(&["task", "add", "--help"], &[("COLUMNS", columns)]);
    let narrow = help("60");
    let wide: Vec<String> =
        too_wide(&narrow, 60).into_iter().filter(|l| !l.starts_with("\"Usage:")).collect();
    assert_eq!(wide, Vec::<String>::new(), "{narrow}");
    assert!(narrow.contains("--deadline <DATE>") && narrow.contains("+2wd"), "{narrow}");
    let deadline = "Today or later: 2026-10-30, 10-30, +3d, +2wd (working days)";
    assert!(!narrow.contains(deadline) && help("200").contains(deadline), "{narrow}");
}

#[test]
fn demo_refuses_a_database_with_issues_unless_appending() {
    let f = Fixture::new();
    f.init();
    f.ok(&["demo", "--issues", "20"]);
    let err = f.fail(&["--lang", "zh", "demo", "--issues", "20"]);
    assert!(err.contains("已有 20 个问题") && err.contains("--append") && err.contains("--db"), "{err}");
    let err = f.fail(&["--lang", "en", "demo", "--issues", "20"]);
    assert!(err.contains("already holds 20 issues") && err.contains("--append"), "{err}");
    assert_eq!(f.json(&["list", "--limit", "100"]).as_array().map(Vec::len), Some(20));
    f.ok(&["demo", "--issues", "20", "--append", "--seed", "9"]);
    assert_eq!(f.json(&["list", "--limit", "100"]).as_array().map(Vec::len), Some(40));
}

#[test]
fn demo_help_requests_go_to_another_department() {
    let f = Fixture::new();
    f.init();
    f.ok(&["demo", "--issues", "120"]);
    let people = f.json(&["user", "list"]);
    let dept_of = |login: &str| {
        people.as_array().unwrap().iter().find(|p| p["login"] == login).unwrap()["dept"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let mut own = Vec::new();
    for n in numbers(&f.json(&["list"])) {
        let issue = f.json(&["show", &n]);
        for p in issue["progress"].as_array().unwrap() {
            if let Some(help) = p["help"]["dept"].as_str()
                && help == dept_of(p["by"].as_str().unwrap())
            {
                own.push(format!("{n}: {} asks {help}", p["by"]));
            }
        }
    }
    assert!(own.is_empty(), "{} help requests name the reporter's own department: {own:?}", own.len());
}

// ---------------------------------------------------------------------------------------------
// 8: refusals

/// The organisation with one registered issue of li's, acknowledged by wang (in progress).
fn one_issue() -> (Fixture, String, String) {
    let f = Fixture::new();
    let admin = f.org();
    let n = f.add("li", "积分商城兑换失败,需要研发排查", "RD,QA", "medium", None);
    f.ok(&["--as", "wang", "ack", &n]);
    (f, admin, n)
}

fn in_a_week() -> String {
    date(now().date() + Duration::days(7))
}

#[test]
fn refused_unknown_department_person_and_issue() {
    let (f, _, n) = one_issue();
    let add = |dept: &'static str| {
        vec![
            "--as",
            "li",
            "add",
            "--title",
            "新品发布会需要技术支持",
            "--background",
            "新品下周发布,需要研发部现场支持演示环境",
            "--request",
            "请研发部下周三前安排两名工程师",
            "--dept",
            dept,
        ]
    };
    f.refused(&add("ZZ"), &["no department `ZZ`", "dept list"]);
    f.refused(&add("RD,ZZ"), &["ZZ"]);
    let week = in_a_week();
    f.refused(
        &[
            "--as",
            "wang",
            "task",
            "add",
            &n,
            "--dept",
            "RD",
            "--title",
            "修复",
            "--owner",
            "nobody",
            "--deadline",
            &week,
        ],
        &["no person `nobody`"],
    );
    f.refused(&["show", "NOPE-001"], &["no issue `NOPE-001`"]);
    f.refused(&["--as", "li", "comment", "NOPE-001", "hello"], &["NOPE-001"]);
    f.refused(&["--as", "nobody", "list"], &["nobody"]);
}

#[test]
fn refused_bad_dates_times_and_numbers() {
    let (f, _, n) = one_issue();
    let task = |deadline: &'static str| {
        vec![
            "--as",
            "wang",
            "task",
            "add",
            n.as_str(),
            "--dept",
            "RD",
            "--title",
            "修复",
            "--owner",
            "wang",
            "--deadline",
            deadline,
        ]
    };
    f.refused(&task("2023-13-45"), &["2023-13-45", "--deadline", "is not a date"]);
    f.refused(&task("next week"), &["next week", "10-30 17:00", "today 10:00", "+2wd"]);
    f.refused(
        &[
            "--as",
            "li",
            "add",
            "--title",
            "标题",
            "--background",
            "背景足够长的说明文字",
            "--request",
            "请研发部三天内处理",
            "--dept",
            "RD",
            "--at",
            "yesterday 25:00",
        ],
        &["yesterday 25:00", "--at", "is not a date"],
    );
    let future = minute(now() + Duration::days(2));
    f.refused(
        &[
            "--as",
            "li",
            "add",
            "--title",
            "标题",
            "--background",
            "背景足够长的说明文字",
            "--request",
            "请研发部三天内处理",
            "--dept",
            "RD",
            "--at",
            &future,
        ],
        &["is in the future"],
    );
    f.ok(&task("2030-01-01"));
    f.refused(&["--as", "wang", "task", "update", &n, "1", "--percent", "150"], &["150", "--percent"]);
    f.refused(
        &["--as", "wang", "progress", "add", &n, "--task", "1", "--percent", "101", "--note", "x"],
        &["101"],
    );
    f.refused(&["--as", "wang", "task", "update", &n, "9", "--percent", "10"], &["no task", "#9"]);
    f.refused(&["--lang", "fr", "list"], &["--lang fr", "en or zh"]);
    f.refused(&["list", "--status", "bogus"], &["--status bogus"]);
    f.refused(&["list", "--sort", "size"], &["size", "deadline, priority"]);
}

/// The day `n` working days after `from` by the store's calendar as `calendar list` shows it:
/// Monday to Friday but its holidays, and its make-up days.
fn working_days_after(f: &Fixture, from: NaiveDate, n: u32) -> NaiveDate {
    let mut kinds = std::collections::HashMap::new();
    for year in [from.year(), from.year() + 1] {
        let days = f.json(&["calendar", "list", "--year", &year.to_string()]);
        for d in days.as_array().expect("calendar days") {
            kinds.insert(
                d["date"].as_str().expect("a date").to_string(),
                d["kind"].as_str().expect("a kind").to_string(),
            );
        }
    }
    let working = |d: NaiveDate| match kinds.get(&date(d)).map(String::as_str) {
        Some("holiday") => false,
        Some("workday") => true,
        _ => !matches!(d.weekday(), Weekday::Sat | Weekday::Sun),
    };
    let (mut day, mut left) = (from, n);
    while left > 0 {
        day += Duration::days(1);
        if working(day) {
            left -= 1;
        }
    }
    day
}

#[test]
fn dates_are_read_as_the_console_reads_them() {
    let (f, _, n) = one_issue();
    let today = now().date();
    // The next two days off: two working days on is at least four days away.
    let (first, last) = (today + Duration::days(1), today + Duration::days(2));
    f.ok(&["calendar", "add-holiday", &date(first), "--to", &date(last), "--name", "测试假"]);
    let expected = working_days_after(&f, today, 2);
    assert!(expected > last + Duration::days(1), "{expected}");
    let task = |deadline: &str| {
        let args = [
            "--as",
            "wang",
            "task",
            "add",
            &n,
            "--dept",
            "RD",
            "--title",
            "修复",
            "--owner",
            "wang",
            "--deadline",
            deadline,
        ];
        f.ok(&args);
    };
    task("+2wd");
    let deadline = |seq: usize| {
        f.json(&["show", &n])["tasks"][seq]["deadline"].as_str().expect("a deadline").to_string()
    };
    assert_eq!(deadline(0), date(expected), "+2wd skips the weekend and the store's holidays");
    task("+3d");
    assert_eq!(deadline(1), date(today + Duration::days(3)));
    f.ok(&["--as", "wang", "task", "update", &n, "1", "--deadline", "+2WD 17:00"]);
    assert_eq!(deadline(0), date(expected));
    // A date without its year is the next one for a deadline.
    let ahead = today + Duration::days(10);
    task(&ahead.format("%m-%d").to_string());
    assert_eq!(deadline(2), date(ahead));
    // A time is a moment in the past: named days with a time, read with the calendar at hand.
    let yesterday = today - Duration::days(1);
    let issue = f.add("li", "报表导出超时,需要研发优化查询", "RD", "low", Some("yesterday 10:00"));
    let shown = f.json(&["show", &issue]);
    let proposed = shown["proposed_at"].as_str().expect("proposed_at");
    assert!(proposed.starts_with(&format!("{}T10:00:00", date(yesterday))), "{proposed}");
    let issue = f.add("li", "报表导出超时,需要研发再次优化", "RD", "low", Some("昨天 9：30"));
    let proposed = f.json(&["show", &issue])["proposed_at"].as_str().expect("proposed_at").to_string();
    assert!(proposed.starts_with(&format!("{}T09:30:00", date(yesterday))), "{proposed}");
}

#[test]
fn a_date_not_understood_lists_every_form_in_the_users_language() {
    let (f, _, n) = one_issue();
    let args = |deadline: &'static str| {
        vec![
            "task",
            "add",
            n.as_str(),
            "--dept",
            "RD",
            "--title",
            "t",
            "--owner",
            "wang",
            "--deadline",
            deadline,
        ]
    };
    let line = f.refused(&args("下周"), &[]);
    assert!(
        line.ends_with(
            "--deadline `下周` is not a date; write one of: 2026-10-30, 10-30, 10-30 17:00, today, tomorrow, \
             yesterday, today 10:00, 10:00, +3d, +2wd (working days), +2wd 10:00"
        ),
        "{line}"
    );
    let zh = "--deadline 「下周」不是有效日期；可写成：2026-10-30、10-30、10-30 17:00、今天、明天、昨天、\
              今天 10:00、10:00、+3d、+2wd（工作日）、+2wd 10:00";
    let line = f.fail_env(&args("下周"), &[("LANG", "zh_CN.UTF-8")]);
    assert!(line.ends_with(zh), "LANG=zh_CN: {line}");
    let mut flagged = vec!["--lang", "zh"];
    flagged.extend(args("下周"));
    let line = f.fail(&flagged);
    assert!(line.ends_with(zh), "--lang zh: {line}");
    // The same list for a moment (`--at`) and for the report's period.
    f.refused(
        &["--as", "li", "progress", "add", &n, "--note", "x", "--at", "soon"],
        &["--at `soon`", "today 10:00"],
    );
    let line = f.fail(&["report", "--from", "last year"]);
    assert!(line.contains("--from `last year` is not a date") && line.contains("+2wd"), "{line}");
}

#[test]
fn refused_empty_text() {
    let (f, _, n) = one_issue();
    f.refused(
        &[
            "--as",
            "li",
            "add",
            "--title",
            "  ",
            "--background",
            "背景足够长的说明文字",
            "--request",
            "请研发部三天内处理",
            "--dept",
            "RD",
        ],
        &["Title is required"],
    );
    f.refused(&["--as", "li", "edit", &n, "--title", " \t "], &["Title"]);
    f.refused(&["--as", "li", "comment", &n, "   "], &["must not be empty"]);
    f.refused(&["--as", "li", "escalate", &n, "--reason", " ", "--to", "分管副总"], &["reason"]);
}

#[test]
fn refused_titles_past_the_limit() {
    let (f, _, n) = one_issue();
    let long = "积".repeat(81);
    let add = |title: &str| {
        vec![
            "--as".to_string(),
            "li".into(),
            "add".into(),
            "--title".into(),
            title.into(),
            "--background".into(),
            "背景足够长的说明文字".into(),
            "--request".into(),
            "请研发部三天内处理".into(),
            "--dept".into(),
            "RD".into(),
        ]
    };
    let args = add(&long);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    f.refused(&args, &["Title is too long: 81 characters, at most 80"]);
    f.refused(&["--as", "li", "edit", &n, "--title", &long], &["at most 80"]);
    let deadline = date(now().date() + Duration::days(14));
    let task = ["--as", "wang", "task", "add", &n, "--dept", "RD", "--title", &long, "--owner", "wang"];
    f.refused(&[&task[..], &["--deadline", &deadline]].concat(), &["at most 80"]);
    let args = add(&"积".repeat(80));
    f.ok(&args.iter().map(String::as_str).collect::<Vec<_>>());
}

#[test]
fn refused_illegal_transitions_name_the_state_and_the_moves() {
    let (f, _, n) = one_issue();
    let line = f.refused(&["--as", "li", "accept", &n], &["cannot accept", "in progress", "allowed now:"]);
    assert!(line.contains("enter the solution") && line.contains("escalate"), "{line}");
    f.refused(&["--as", "li", "archive", &n, "--retro", "复盘"], &["cannot archive", "in progress"]);
    f.refused(&["--as", "li", "refuse", &n, "--reason", "不行"], &["in progress"]);
    assert_eq!(f.json(&["show", &n])["status"], "in_progress");
}

#[test]
fn refused_without_permission() {
    let (f, admin, n) = one_issue();
    f.ok(&["user", "add", "zhao", "--name", "赵观察", "--dept", "QA", "--role", "viewer"]);
    f.refused(&["--as", "zhao", "comment", &n, "我来看看"], &["cannot comment", "viewers can only read"]);
    f.refused(&["--as", "li", "dept", "add", "HR", "人力资源部"], &["may not manage departments", "admin"]);
    // Make someone else admin, who demotes the OS user: it may no longer use --as.
    f.ok(&["user", "add", "boss", "--name", "老板", "--dept", "OPS", "--role", "admin"]);
    f.ok(&["--as", "boss", "user", "set-role", &admin, "member"]);
    assert_eq!(f.json(&["whoami"])["person"]["role"], "member");
    f.refused(&["--as", "li", "comment", &n, "代人评论"], &["--as is for admins only", &admin]);
    f.refused(&["--as", "li", "list"], &["--as is for admins only"]);
    // Acting as oneself is not acting for someone else.
    f.ok(&["--as", &admin, "list"]);
}

#[test]
fn refused_unusable_database() {
    let mut f = Fixture::new();
    f.db = "/proc/nonexistent/x.db".into();
    let line = f.fail(&["list"]);
    assert!(line.contains("cannot open the database /proc/nonexistent/x.db"), "{line}");

    let dir = f.path("dir.db");
    std::fs::create_dir(&dir).unwrap();
    f.db = dir.clone();
    let line = f.fail(&["list"]);
    assert!(line.contains("cannot open the database") && line.contains("dir.db"), "{line}");
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0, "nothing written into the directory");

    let garbage = f.path("garbage.db");
    let bytes: Vec<u8> = (0..8192u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    std::fs::write(&garbage, &bytes).unwrap();
    f.db = garbage.clone();
    for args in [&["list"][..], &["init", "--dept", "OPS", "--dept-name", "运营部"], &[]] {
        let line = f.fail(args);
        assert!(line.contains("file is not a database"), "{line}");
        assert!(line.contains("--db or LIAISON_DB"), "{line}");
    }
    assert!(same_bytes(&garbage, &bytes), "the garbage file was modified");

    let text = f.path("notes.db");
    std::fs::write(&text, "这不是数据库,只是一段文字。\n".repeat(300)).unwrap();
    f.db = text;
    let line = f.fail(&["whoami"]);
    assert!(line.contains("file is not a database"), "{line}");
}

// ---------------------------------------------------------------------------------------------
// 9: identity

#[test]
fn identity_comes_from_the_os_not_the_environment() {
    let f = Fixture::new();
    f.org();
    let login = os_login();
    let env = [("USER", "somebody-else"), ("LOGNAME", "somebody-else")];
    let me: Value = serde_json::from_str(&f.ok_env(&["--json", "whoami"], &env)).unwrap();
    assert_eq!(me["person"]["login"], login.as_str());
    assert_eq!(me["on_behalf_of"], Value::Null);
    let out = f.ok_env(&["whoami"], &env);
    assert!(out.contains(&format!("({login})")) && !out.contains("somebody-else"), "{out}");

    let out = f.ok_env(
        &[
            "--json",
            "add",
            "--title",
            "办公网络频繁掉线",
            "--background",
            "三楼办公区本周多次断网,影响视频会议",
            "--request",
            "请研发部两天内排查交换机",
            "--dept",
            "RD",
        ],
        &[("USER", "li"), ("LOGNAME", "li")],
    );
    let n: Value = serde_json::from_str(&out).unwrap();
    let n = n["issue"]["number"].as_str().unwrap();
    assert!(n.ends_with("-OPS-001"), "proposed by the admin's department: {n}");
    let issue = f.json(&["show", n]);
    assert_eq!(issue["proposer"], login.as_str());
    assert_eq!(issue["events"][0]["actor"], login.as_str());
    assert_eq!(issue["events"][0]["on_behalf_of"], Value::Null);

    // --as is recorded as on behalf.
    let me = f.json(&["--as", "li", "whoami"]);
    assert_eq!(me["person"]["login"], "li");
    assert_eq!(me["on_behalf_of"], login.as_str());
}

// ---------------------------------------------------------------------------------------------
// 10: terminal safety

fn has_terminal_controls(text: &str) -> bool {
    text.chars().any(|c| matches!(c, '\u{1b}' | '\u{07}' | '\r' | '\u{202E}'))
}

#[test]
fn human_output_never_carries_terminal_controls() {
    let (f, _, _) = one_issue();
    let title = "Red \u{1b}[31mALERT\u{1b}]0;x\u{07} \u{202E}abc\rdef 报表";
    let n = f.add("li", title, "RD", "high", None);
    f.ok(&["--as", "li", "comment", &n, "注意\u{1b}[2J清屏"]);
    for args in [
        vec!["list"],
        vec!["--lang", "zh", "list"],
        vec!["show", &n],
        vec!["--lang", "zh", "show", &n],
        vec!["show", &n, "--md"],
    ] {
        let out = f.run(&args);
        assert!(out.status.success());
        assert!(!out.stdout.iter().any(|b| matches!(b, 0x1b | 0x07 | b'\r')), "{args:?}: {:?}", out.stdout);
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(!has_terminal_controls(&text), "{args:?}: {text:?}");
        assert!(text.contains("ALERT") && text.contains("[31m"), "{args:?}: the visible text stays: {text}");
    }
    // The JSON keeps the printable text; the controls were dropped when it was stored
    // (src/domain/text.rs clean_input: a CR becomes a newline).
    let issue = f.json(&["show", &n]);
    assert_eq!(issue["title"], "Red [31mALERT]0;x abc\ndef 报表");
    let raw = f.ok(&["--json", "show", &n]);
    assert!(!has_terminal_controls(&raw), "{raw:?}");
}

#[test]
fn logins_with_bidi_controls_never_reach_the_terminal() {
    let (f, _, _) = one_issue();
    let login = "evil\u{202E}nam";
    let out = f.run(&["user", "add", login, "--name", "坏人", "--dept", "QA"]);
    if out.status.code() == Some(2) {
        return; // Refusing such a login is fine too.
    }
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!has_terminal_controls(&text), "user add: {text:?}");
    let n = f.add(login, "测试环境账号过期需要重置", "RD", "low", None);
    for args in [vec!["show", n.as_str()], vec!["--as", login, "whoami"], vec!["user", "list"], vec!["list"]]
    {
        let text = f.ok(&args);
        assert!(!has_terminal_controls(&text), "{args:?}: {text:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// 11: language

#[test]
fn the_language_follows_the_flag_then_lang() {
    let (f, _, _) = one_issue();
    let header = |out: String| out.lines().next().unwrap_or_default().to_string();
    let zh = header(f.ok(&["--lang", "zh", "list"]));
    for word in ["编号", "优先级", "状态", "下一时限", "部门", "标题"] {
        assert!(zh.contains(word), "{zh}");
    }
    let env_zh = [("LANG", "zh_CN.UTF-8")];
    assert_eq!(header(f.ok_env(&["list"], &env_zh)), zh);
    assert_eq!(header(f.ok_env(&["--lang", "zh-CN", "list"], &[])), zh);
    let en = header(f.ok_env(&["--lang", "en", "list"], &env_zh));
    assert!(en.starts_with("Number") && en.contains("Title"), "{en}");
    assert_eq!(header(f.ok(&["list"])), en);
    // LC_ALL wins over LANG.
    assert_eq!(header(f.ok_env(&["list"], &[("LANG", "zh_CN.UTF-8"), ("LC_ALL", "en_US.UTF-8")])), en);
    assert!(f.ok(&["--lang", "zh", "list", "--text", "不存在"]).contains("没有符合条件的问题"));

    // Refusals come in the chosen language too.
    let line = f.fail(&["--lang", "zh", "show", "NOPE-001"]);
    assert!(line.contains("找不到问题") && line.contains("NOPE-001"), "{line}");
    let line = f.fail_env(&["show", "NOPE-001"], &env_zh);
    assert!(line.contains("找不到问题"), "{line}");
    let line = f.fail_env(&["--lang", "en", "show", "NOPE-001"], &env_zh);
    assert!(line.contains("no issue `NOPE-001`"), "{line}");
    let line = f.fail(&["--lang", "zh", "--as", "li", "accept", "NOPE-001"]);
    assert!(line.contains("找不到问题"), "{line}");
    let (g, _, n) = one_issue();
    let line = g.fail(&["--lang", "zh", "--as", "li", "accept", &n]);
    assert!(line.contains("进行中") && line.contains("现在可以"), "{line}");
    let line = f.fail_env(&["list", "--status", "bogus"], &env_zh);
    assert!(line.contains("请选择"), "{line}");
}

#[test]
fn argument_errors_follow_the_lang_flag() {
    let (f, _, n) = one_issue();
    let args = |lang: &'static str| {
        vec![
            "--lang",
            lang,
            "task",
            "add",
            n.as_str(),
            "--dept",
            "RD",
            "--title",
            "t",
            "--owner",
            "wang",
            "--deadline",
            "2023-13-45",
        ]
    };
    let line = f.fail(&args("zh"));
    assert!(line.contains("不是有效日期"), "--lang zh with LANG=C.UTF-8: {line}");
    let line = f.fail_env(&args("en"), &[("LANG", "zh_CN.UTF-8")]);
    assert!(
        line.contains("is not a date") && !line.contains("不是有效日期"),
        "--lang en with LANG=zh: {line}"
    );
}

#[test]
fn completions_and_the_manual_come_from_the_grammar_without_a_database() {
    let mut f = Fixture::new();
    // No database is opened, nor even looked for.
    f.db = "/proc/nonexistent/x.db".into();
    let bash = f.ok(&["completions", "bash"]);
    assert!(bash.contains("_liaison()") && bash.contains("deescalate"), "{}", &bash[..200.min(bash.len())]);
    for shell in ["zsh", "fish"] {
        assert!(f.ok(&["completions", shell]).contains("liaison"), "{shell}");
    }
    let man = f.ok(&["man"]);
    assert!(man.contains(".TH liaison 1") && man.contains("deescalate"), "{}", &man[..200.min(man.len())]);
    let err = f.fail(&["--lang", "zh", "completions", "tcsh"]);
    assert!(err.contains("参数有误") && err.contains("bash"), "{err}");
}

#[test]
fn a_reader_that_stops_early_ends_the_output_quietly() {
    use std::io::Read;
    let f = Fixture::new();
    f.init();
    f.ok(&["demo", "--issues", "800"]);
    // Each of these writes more than a pipe holds (64 KiB), so the writer meets the closed pipe.
    for args in [
        &["list", "--status", "open,resolved,archived"][..],
        &["completions", "bash"][..],
        &["completions", "fish"][..],
    ] {
        let mut child = f
            .command(args, &[])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("liaison runs");
        // Like `| head -c 1`: read a byte, then close the pipe.
        let mut stdout = child.stdout.take().expect("stdout");
        let mut first = [0u8; 1];
        let _ = stdout.read(&mut first);
        drop(stdout);
        let mut err = String::new();
        child.stderr.take().expect("stderr").read_to_string(&mut err).expect("stderr");
        let status = child.wait().expect("it ends");
        assert!(status.success(), "{args:?}: {status:?} {err}");
        assert!(!err.contains("Broken pipe") && !err.contains("panicked"), "{args:?}: {err}");
    }
}

#[test]
fn alerts_and_csv_show_names_with_the_login_only_where_names_collide() {
    let (f, _, n) = one_issue();
    // Two people called 王艳, in different departments.
    f.ok(&["user", "add", "wangyanrd", "--name", "王艳", "--dept", "RD"]);
    f.ok(&["user", "add", "wangyanqa", "--name", "王艳", "--dept", "QA"]);
    let today = date(now().date());
    for (dept, owner) in [("RD", "wangyanrd"), ("QA", "wangyanqa"), ("RD", "wang")] {
        f.ok(&[
            "task",
            "add",
            &n,
            "--dept",
            dept,
            "--title",
            "接口联调",
            "--owner",
            owner,
            "--deadline",
            &today,
        ]);
    }
    let alerts = f.ok(&["alerts"]);
    assert!(alerts.contains("王艳 (wangyanrd)") && alerts.contains("王艳 (wangyanqa)"), "{alerts}");
    let wang = f.json(&["user", "list"]);
    let wang = wang.as_array().expect("people").iter().find(|p| p["login"] == "wang").expect("wang");
    let name = wang["display_name"].as_str().expect("a name");
    assert!(
        alerts.contains(name) && !alerts.contains(&format!("{name} (wang)")),
        "a unique name alone:\n{alerts}"
    );
    let csv = String::from_utf8(f.run(&["list", "--csv"]).stdout).expect("UTF-8");
    let li = f.json(&["user", "list"]);
    let li = li.as_array().expect("people").iter().find(|p| p["login"] == "li").expect("li");
    let li_name = li["display_name"].as_str().expect("a name");
    assert!(csv.contains(&format!(",{li_name},")) && !csv.contains(",li,"), "the proposer by name:\n{csv}");
}
