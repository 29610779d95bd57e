//! Issue 9's twelve observations, each through the real binary: every test here failed on the
//! main before the rule book (commit 3fb5550) and passes with it.
//!
//! The binary reads the real clock, so dates are relative to today. A deadline that has passed is
//! made, where the rules no longer let anyone enter one (observation 7), by moving a task's date
//! back in the file with SQL and letting the next change recompute the issue's next deadline.

#[allow(dead_code)]
mod cli_support;
mod observations_support;

use chrono::{Duration, NaiveDate, NaiveDateTime};
use cli_support::{Fixture, minute, now};
use observations_support::{Console, working_days_between};
use serde_json::Value;

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

fn date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn in_days(days: i64) -> String {
    date(now().date() + Duration::days(days))
}

/// `org()` (the OS user is the admin of OPS; wang of RD, li of MKT, qian of QA are members)
/// and one issue proposed by li of 市场部 for 研发部.
fn one_issue(priority: &str) -> (Fixture, String, String) {
    let f = Fixture::new();
    let admin = f.org();
    let n = f.add("li", "积分兑换接口超时", "RD", priority, None);
    (f, admin, n)
}

fn show(f: &Fixture, n: &str) -> Value {
    f.json(&["show", n])
}

/// Runs a command that must succeed; returns (stdout, stderr).
fn ok_with_stderr(f: &Fixture, args: &[&str]) -> (String, String) {
    let out = f.run(args);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{args:?} failed ({}):\n{stderr}\n{stdout}", out.status);
    (stdout, stderr)
}

/// The line of `text` that holds `label`.
fn line_with<'a>(text: &'a str, label: &str) -> &'a str {
    text.lines().find(|l| l.contains(label)).unwrap_or_else(|| panic!("no line with {label:?} in:\n{text}"))
}

/// RD acknowledges, adds task #1 (owner wang) due in five days.
fn rd_responds_with_a_task(f: &Fixture, n: &str) {
    f.ok(&["--as", "wang", "ack", n]);
    let deadline = in_days(5);
    f.ok(&[
        "--as",
        "wang",
        "task",
        "add",
        n,
        "--dept",
        "RD",
        "--title",
        "修复接口超时",
        "--owner",
        "wang",
        "--deadline",
        &deadline,
    ]);
}

// ---------------------------------------------------------------------------------------------

/// Observation 1: A second escalation is kept beside the first, each with its reason and target.
#[test]
fn observation_01_a_second_escalation_keeps_the_first() {
    let (f, admin, n) = one_issue("medium");
    f.ok(&["escalate", &n, "--reason", "一次", "--to", &admin]);
    f.ok(&["escalate", &n, "--reason", "两次", "--to", "分管副总"]);
    let v = show(&f, &n);
    let escalations = v["escalations"].as_array().unwrap_or_else(|| panic!("no escalations in {v:#}"));
    let reasons: Vec<&str> = escalations.iter().filter_map(|e| e["reason"].as_str()).collect();
    let targets: Vec<&str> = escalations.iter().filter_map(|e| e["to"].as_str()).collect();
    assert_eq!(reasons, ["一次", "两次"], "{v:#}");
    assert_eq!(targets, [admin.as_str(), "分管副总"], "{v:#}");
    assert_eq!(v["escalated"], Value::Bool(true));

    // Closing takes every open one with a note.
    f.ok(&["deescalate", &n, "--note", "分管副总已协调资源"]);
    let v = show(&f, &n);
    assert_eq!(v["escalated"], Value::Bool(false), "{v:#}");
    assert_eq!(v["ever_escalated"], Value::Bool(true), "{v:#}");
    for e in v["escalations"].as_array().expect("escalations") {
        assert_eq!(e["closed"]["note"], "分管副总已协调资源", "{e:#}");
    }
}

/// Observation 2: A risk alert on a task that is done is refused, and says why.
#[test]
fn observation_02_no_risk_alert_on_a_done_task() {
    let (f, _admin, n) = one_issue("medium");
    rd_responds_with_a_task(&f, &n);
    f.ok(&["--as", "wang", "task", "update", &n, "1", "--percent", "100"]);
    let risk = |task: &'static str| -> Vec<String> {
        [
            "--as",
            "wang",
            "risk",
            "add",
            &n,
            "--task",
            task,
            "--reason",
            "接口文档延迟",
            "--plan",
            "先用模拟数据",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    };
    f.refused(&strs(&risk("1")), &["risk", "no open task"]);
    // With another task open, the done one is still refused, by its number.
    let deadline = in_days(3);
    f.ok(&[
        "--as",
        "wang",
        "task",
        "add",
        &n,
        "--dept",
        "RD",
        "--title",
        "压测",
        "--owner",
        "wang",
        "--deadline",
        &deadline,
    ]);
    f.refused(&strs(&risk("1")), &["risk", "task #1", "done"]);
    f.ok(&strs(&risk("2")));
}

/// Observation 3: A participant answers the minutes once; answering again is refused.
#[test]
fn observation_03_minutes_are_answered_once() {
    let (f, _admin, n) = one_issue("medium");
    let meeting = [
        "--as",
        "wang",
        "meeting",
        "add",
        &n,
        "--participants",
        "wang,qian",
        "--summary",
        "确认接口字段",
        "--consensus",
        "周五前交付",
    ];
    f.ok(&meeting);
    f.ok(&["--as", "qian", "meeting", "confirm", &n, "1"]);
    f.refused(&["--as", "qian", "meeting", "confirm", &n, "1"], &["minutes"]);
    f.refused(&["--as", "qian", "meeting", "confirm", &n, "1", "--object", "漏记联调日期"], &["minutes"]);
    // With other minutes waiting on qian, the answered ones are still refused, by number.
    f.ok(&meeting);
    let line =
        f.refused(&["--as", "qian", "meeting", "confirm", &n, "1"], &["qian", "already answered", "#1"]);
    assert!(line.contains("confirmed"), "{line}");
    f.ok(&["--as", "qian", "meeting", "confirm", &n, "2"]);
    let v = show(&f, &n);
    let qian = v["meetings"][0]["participants"]
        .as_array()
        .and_then(|ps| ps.iter().find(|p| p["login"] == "qian"))
        .unwrap_or_else(|| panic!("qian among the participants: {v:#}"));
    assert_eq!(qian["confirmation"], "confirmed", "{qian:#}");
    assert_eq!(qian["note"], Value::Null, "the refused objection left no note: {qian:#}");
}

/// Observation 4: The proposer's own actions are not a response (the screen says so); nothing reaches 待验收
/// without a response unless a coordinator says why; a closed issue's response state is final.
#[test]
fn observation_04_no_solution_without_a_response_and_a_final_response_state() {
    let (f, admin, n) = one_issue("medium");

    let line = f.refused(&["--as", "li", "ack", &n], &["involved department"]);
    assert!(line.contains("RD"), "the refusal names who can: {line}");
    let (_, stderr) = ok_with_stderr(&f, &["--as", "li", "comment", &n, "已补充接口日志"]);
    assert!(stderr.contains("first response"), "the proposer is told the comment does not count: {stderr:?}");
    let v = show(&f, &n);
    assert_eq!(v["status"], "registered", "{v:#}");
    assert_eq!(v["first_response_at"], Value::Null, "{v:#}");

    let solve = ["resolve", &n, "--solution", "已扩容接口服务器", "--owner", "wang"];
    let as_li: Vec<&str> = ["--as", "li"].iter().chain(solve.iter()).copied().collect();
    f.refused(&as_li, &["responded"]);
    f.refused(&solve, &["--without-response"]);
    let mut waived = solve.to_vec();
    waived.extend(["--without-response", "紧急故障,电话沟通后直接处理"]);
    f.ok(&waived);
    assert_eq!(show(&f, &n)["status"], "awaiting_acceptance");
    f.ok(&["--as", "li", "accept", &n]);

    for step in ["resolved", "archived"] {
        if step == "archived" {
            f.ok(&["--as", "li", "archive", &n, "--retro", "响应太慢,下次应先确认收到"]);
        }
        let v = show(&f, &n);
        assert_eq!(v["status"], step, "{v:#}");
        let state = v["response_state"].as_str().unwrap_or_default();
        assert!(["missed", "met", "met_late"].contains(&state), "{step}: response_state {state:?}");
        assert_eq!(state, "missed", "closed with no response from RD");
        let md = f.ok(&["--lang", "zh", "show", "--md", &n]);
        assert!(!md.contains("尚未响应"), "{step}: the filled-in form still waits for a response:\n{md}");
        let text = f.ok(&["--lang", "zh", "show", &n]);
        let response = line_with(&text, "首次响应");
        assert!(response.contains("未响应"), "{step}: {response}");
        assert!(!response.contains("即将超时") && !response.contains("待响应"), "{step}: {response}");
    }
    let _ = admin;
}

/// Observation 5: A solution waits for every task to be done or cancelled and every objection answered; the
/// refusal names what is still open.
#[test]
fn observation_05_no_solution_over_open_tasks_or_an_unanswered_objection() {
    let (f, _admin, n) = one_issue("medium");
    rd_responds_with_a_task(&f, &n);
    f.ok(&["--as", "li", "edit", &n, "--dept", "RD,QA"]);
    let deadline = in_days(6);
    f.ok(&[
        "--as",
        "qian",
        "task",
        "add",
        &n,
        "--dept",
        "QA",
        "--title",
        "回归测试",
        "--owner",
        "qian",
        "--deadline",
        &deadline,
    ]);
    f.ok(&["--as", "qian", "task", "update", &n, "2", "--percent", "60"]);
    f.ok(&[
        "--as",
        "wang",
        "meeting",
        "add",
        &n,
        "--participants",
        "wang,qian",
        "--summary",
        "确认接口字段",
        "--consensus",
        "周五前交付",
    ]);
    f.ok(&["--as", "qian", "meeting", "confirm", &n, "1", "--object", "漏记联调日期"]);

    let solve = ["--as", "wang", "resolve", &n, "--solution", "已扩容接口服务器", "--owner", "wang"];
    f.refused(&solve, &["#1 RD 0%", "#2 QA 60%", "#1 qian"]);

    f.ok(&["--as", "wang", "task", "cancel", &n, "1", "--reason", "改由扩容解决,无需改代码"]);
    f.ok(&["--as", "qian", "task", "update", &n, "2", "--percent", "100"]);
    let line = f.refused(&solve, &["#1 qian"]);
    assert!(!line.contains("#2 QA"), "task #2 is done: {line}");
    f.ok(&["--as", "wang", "meeting", "amend", &n, "1", "--consensus", "周五前交付,下周一联调"]);
    f.ok(&["--as", "qian", "meeting", "confirm", &n, "1"]);
    f.ok(&solve);
    f.ok(&["--as", "li", "accept", &n]);
    f.ok(&["--as", "li", "archive", &n, "--retro", "联调日期应写进纪要"]);
    let v = show(&f, &n);
    let states: Vec<&str> =
        v["tasks"].as_array().expect("tasks").iter().filter_map(|t| t["state"].as_str()).collect();
    assert_eq!(states, ["cancelled", "done"], "{v:#}");
}

/// Observation 6: Acceptance is the feedback person's; an admin gives it only on their behalf with a reason,
/// and every view names both the right way round.
#[test]
fn observation_06_acceptance_on_behalf_names_both_people() {
    let (f, admin, n) = one_issue("medium");
    f.ok(&["--as", "wang", "ack", &n]);
    f.ok(&["--as", "wang", "resolve", &n, "--solution", "已扩容接口服务器", "--owner", "wang"]);
    f.refused(&["accept", &n], &["li"]);
    f.refused(&["refuse", &n, "--reason", "还缺报表"], &["li"]);
    f.ok(&["accept", &n, "--for-reason", "电话确认"]);

    let v = show(&f, &n);
    assert_eq!(v["acceptance"]["by"], "li", "{v:#}");
    assert_eq!(v["acceptance"]["proxy"]["by"], admin.as_str(), "{v:#}");
    assert_eq!(v["acceptance"]["proxy"]["reason"], "电话确认", "{v:#}");
    let expected = format!("李经理 (li) 验收通过（管理员 ({admin}) 代为操作：电话确认）");
    let md = f.ok(&["--lang", "zh", "show", "--md", &n]);
    assert!(md.contains(&expected), "show --md should read {expected:?}:\n{md}");
    let text = f.ok(&["--lang", "zh", "show", &n]);
    assert!(line_with(&text, "验收  ").contains(&expected), "show should read {expected:?}:\n{text}");
    let timeline = &text[text.find("进度时间线").expect("the timeline")..];
    assert!(timeline.contains(&expected), "the timeline should read {expected:?}:\n{timeline}");
}

/// Observation 7: A new task's deadline is today or later, and its department is involved (or is added to
/// the issue, as an event, with --involve).
#[test]
fn observation_07_task_deadlines_from_today_and_departments_involved() {
    let (f, admin, n) = one_issue("medium");
    f.ok(&["--as", "wang", "ack", &n]);
    let past = in_days(-10);
    let add = |dept: &str, owner: &str, deadline: &str| -> Vec<String> {
        ["task", "add", &n, "--dept", dept, "--title", "回归测试", "--owner", owner, "--deadline", deadline]
            .iter()
            .map(|s| s.to_string())
            .collect()
    };
    let mut as_wang = vec!["--as".to_string(), "wang".to_string()];
    as_wang.extend(add("RD", "wang", &past));
    f.refused(&strs(&as_wang), &[&past, "passed"]);

    let today = in_days(0);
    let qa = add("QA", "qian", &today);
    f.refused(&strs(&qa), &["QA", "not involved", "--involve"]);
    let mut involve = qa.clone();
    involve.push("--involve".into());
    f.ok(&strs(&involve));
    let v = show(&f, &n);
    let depts: Vec<&str> =
        v["departments"].as_array().expect("departments").iter().filter_map(|d| d.as_str()).collect();
    assert!(depts.contains(&"QA") && depts.contains(&"RD"), "{depts:?}");
    let kinds: Vec<&str> =
        v["events"].as_array().expect("events").iter().filter_map(|e| e["kind"].as_str()).collect();
    assert!(kinds.contains(&"department_involved"), "{kinds:?}");
    let _ = admin;
}

/// Observation 8: The next deadline is the earliest of the pending response and every open task, overdue
/// first: not the response deadline beside an overdue task.
#[test]
fn observation_08_next_due_is_the_overdue_task() {
    let (f, _admin, n) = one_issue("high");
    // The admin (OPS, not involved) adds a task: no response yet, the 24-hour clock runs.
    let today = in_days(0);
    f.ok(&[
        "task",
        "add",
        &n,
        "--dept",
        "RD",
        "--title",
        "修复接口超时",
        "--owner",
        "wang",
        "--deadline",
        &today,
    ]);
    let overdue = now().date() - Duration::days(10);
    let conn = rusqlite::Connection::open(&f.db).expect("the database opens");
    let moved = conn
        .execute("UPDATE tasks SET deadline = ?1 WHERE seq = 1", [date(overdue)])
        .expect("move the task's deadline back");
    assert_eq!(moved, 1);
    drop(conn);
    f.ok(&["comment", &n, "请研发部尽快排期"]);

    let list = f.json(&["list"]);
    let row = list
        .as_array()
        .and_then(|rows| rows.iter().find(|r| r["number"] == n.as_str()))
        .unwrap_or_else(|| panic!("{n} in {list:#}"));
    assert_eq!(row["overdue_tasks"], 1, "{row:#}");
    assert_eq!(row["first_response_at"], Value::Null, "{row:#}");
    let next = row["next_due_at"].as_str().unwrap_or_default();
    assert!(
        next.starts_with(&format!("{}T23:59:59", date(overdue))),
        "next_due_at {next:?} should be the overdue task's deadline, not the response deadline {}",
        row["response_due_at"]
    );
    let text = f.ok(&["--lang", "zh", "list"]);
    let cell = line_with(&text, &n);
    assert!(cell.contains("超") && cell.contains("工作日") && !cell.contains("剩"), "{cell}");
}

/// Observation 9: The command line counts an overdue deadline in working days like the console, and in hours
/// only for the 24-hour rule.
#[test]
fn observation_09_overdue_in_working_days_hours_only_for_24_hours() {
    let f = Fixture::new();
    f.org();
    let month_ago = minute(now() - Duration::days(30));
    let medium = f.add("li", "积分兑换接口超时", "RD", "medium", Some(&month_ago));
    let hours_ago = minute(now() - Duration::hours(30));
    let high = f.add("li", "支付回调丢失", "RD", "high", Some(&hours_ago));

    let due: NaiveDateTime = chrono::DateTime::parse_from_rfc3339(
        show(&f, &medium)["response_due_at"].as_str().expect("a deadline"),
    )
    .expect("RFC 3339")
    .naive_local();
    let days = working_days_between(&f, due.date(), now().date());
    assert!(days > 5, "a month ago: {days}");
    let expected = format!("超{days}工作日");
    let list = f.ok(&["--lang", "zh", "list"]);
    let row = line_with(&list, &medium);
    assert!(row.contains(&expected), "the list should say {expected}: {row}");
    assert!(!row.contains("天") && !row.contains("逾期"), "{row}");
    let text = f.ok(&["--lang", "zh", "show", &medium]);
    let response = line_with(&text, "首次响应");
    assert!(response.contains(&expected), "show should say {expected}: {response}");

    let row = line_with(&list, &high);
    assert!(row.contains("超6小时"), "24 hours are clock time: {row}");
    let text = f.ok(&["--lang", "zh", "show", &high]);
    assert!(line_with(&text, "首次响应").contains("超6小时"), "{text}");
}

/// Observation 10: "Escalated" means escalated now (an open escalation on an open issue) everywhere; ever
/// escalated is its own question.
#[test]
fn observation_10_escalated_means_the_same_in_every_list() {
    let (f, admin, resolved) = one_issue("medium");
    let open = f.add("li", "支付回调丢失", "RD", "medium", None);
    let closed_escalation = f.add("li", "报表导出乱码", "RD", "medium", None);
    for n in [&resolved, &open, &closed_escalation] {
        f.ok(&["--as", "wang", "ack", n]);
        f.ok(&["escalate", n, "--reason", "超时未处理", "--to", &admin]);
    }
    f.ok(&["--as", "wang", "resolve", &resolved, "--solution", "已修复", "--owner", "wang"]);
    f.ok(&["--as", "li", "accept", &resolved]);

    // The words the command line uses agree with the JSON and with `show`, before and after an
    // escalation is closed.
    let numbers = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["list"];
        all.extend_from_slice(args);
        f.json(&all)
            .as_array()
            .expect("rows")
            .iter()
            .filter_map(|r| r["number"].as_str().map(str::to_string))
            .collect()
    };
    let agree = |escalated_now: &[&String]| {
        let all = f.json(&["list"]);
        let now_escalated = numbers(&["--escalated"]);
        for row in all.as_array().expect("rows") {
            let n = row["number"].as_str().expect("a number").to_string();
            assert_eq!(row["escalated"].as_bool(), Some(now_escalated.contains(&n)), "{n}: {row:#}");
            assert_eq!(show(&f, &n)["escalated"], row["escalated"], "{n}: show and list");
        }
        let mut expected: Vec<String> = escalated_now.iter().map(|n| n.to_string()).collect();
        expected.sort();
        let mut got = now_escalated.clone();
        got.sort();
        assert_eq!(got, expected, "escalated now");
        assert_eq!(numbers(&["--escalated", "--status", "resolved"]), Vec::<String>::new());
        let text = f.ok(&["list", "--escalated", "--status", "resolved"]);
        assert!(text.contains("No issue matches"), "{text}");
    };
    agree(&[&open, &closed_escalation]);
    f.ok(&["deescalate", &closed_escalation, "--note", "已协调"]);
    agree(&[&open]);

    let ever = numbers(&["--ever-escalated"]);
    for row in f.json(&["list"]).as_array().expect("rows") {
        let n = row["number"].as_str().expect("a number").to_string();
        assert_eq!(row["ever_escalated"].as_bool(), Some(ever.contains(&n)), "{n}: {row:#}");
        assert_eq!(row["ever_escalated"].as_bool(), Some(true), "{n}: {row:#}");
    }
    assert_eq!(numbers(&["--ever-escalated", "--status", "resolved"]), std::slice::from_ref(&resolved));
}

/// Observation 11: Someone acting for a participant comes after the participant's name, not before.
#[test]
fn observation_11_the_timeline_names_the_person_first_and_who_acted_after() {
    let (f, admin, n) = one_issue("medium");
    f.ok(&[
        "--as",
        "wang",
        "meeting",
        "add",
        &n,
        "--participants",
        "wang,qian",
        "--summary",
        "确认接口字段",
        "--consensus",
        "周五前交付",
    ]);
    f.ok(&["--as", "qian", "meeting", "confirm", &n, "1"]);
    let text = f.ok(&["--lang", "zh", "show", &n]);
    let timeline = &text[text.find("进度时间线").expect("the timeline")..];
    let expected = format!("钱测试 (qian) 确认纪要（管理员 ({admin}) 代为操作）");
    assert!(timeline.contains(&expected), "the timeline should read {expected:?}:\n{timeline}");
    assert!(!timeline.contains("(代 "), "{timeline}");
}

/// Observation 12: A form typed in a console started with `--as wang` and left behind by a kill is offered
/// to the next `--as wang` console, never to the plain login's.
#[test]
fn observation_12_a_draft_typed_as_someone_stays_theirs() {
    let (f, _admin, n) = one_issue("medium");
    let typed = "已联系研发部值班同学排查接口日志";

    let console = Console::start(&f, &["--as", "wang"]);
    console.wait_for("the console with the issue", |s| s.contains(&n));
    console.keys(&["c"]);
    console.wait_for("the comment form", |s| s.contains(&format!("评论 · {n}")));
    console.type_text(typed);
    console.wait_for_draft(typed);
    console.kill();

    let plain = Console::start(&f, &[]);
    plain.wait_for("the plain console", |s| s.contains("问题列表"));
    std::thread::sleep(std::time::Duration::from_millis(800));
    let screen = plain.screen();
    assert!(
        !screen.contains("r 恢复") && !screen.contains(typed),
        "the plain login's console is offered the draft typed as wang:\n{screen}"
    );
    plain.kill();

    let again = Console::start(&f, &["--as", "wang"]);
    again.wait_for("the offer of wang's draft", |s| s.contains("r 恢复") && s.contains(typed));
    again.kill();
}
