//! Notifications end to end: the real binary, stand-in services on 127.0.0.1, an SMTP server.
//! Who hears what, failures and retries, secrets, bursts, digests, the console.

#[allow(dead_code)]
mod cli_support;
mod console_support;
mod notify_support;

use std::collections::BTreeSet;

use cli_support::os_login;
use notify_support::world::*;
use serde_json::Value;

#[test]
fn a_whole_life_cycle_sends_exactly_the_expected_messages() {
    let w = world();
    let f = &w.f;
    let mut seen = Seen::default();
    let number = f.add("li", "积分兑换接口超时", "RD,QA", "high", None);
    send(f);
    // Registration: every involved department, its head @-mentioned; the heads by mail.
    assert_eq!(
        heard(&w, &mut seen),
        Heard {
            wecom: vec![v(&["wx-rdhead"])],
            ding: vec![v(&["13800000030"])],
            feishu: vec![],
            mail: mail(&["qahead", "rdhead"]),
            hooks: 1
        }
    );
    f.ok(&["--as", "wang", "ack", &number]);
    send(f);
    assert_eq!(
        heard(&w, &mut seen),
        Heard { hooks: 1, ..Heard::default() },
        "an acknowledgement: systems only"
    );

    f.ok(&[
        "--as",
        "zhou",
        "meeting",
        "add",
        &number,
        "--participants",
        "wang,li",
        "--summary",
        "排查超时原因",
        "--consensus",
        "研发部周五前修复",
    ]);
    send(f);
    // Minutes: each participant, asked to confirm.
    assert_eq!(
        heard(&w, &mut seen),
        Heard {
            wecom: vec![v(&["wx-wang"])],
            feishu: vec![v(&["@李经理"])],
            mail: mail(&["li", "wang"]),
            hooks: 1,
            ..Heard::default()
        }
    );

    let deadline = (chrono::Local::now().date_naive() + chrono::Duration::days(14)).to_string();
    f.ok(&[
        "--as",
        "zhou",
        "task",
        "add",
        &number,
        "--dept",
        "RD",
        "--title",
        "修复兑换接口",
        "--owner",
        "wang",
        "--deadline",
        &deadline,
    ]);
    send(f);
    // A task: its owner, @-mentioned.
    assert_eq!(
        heard(&w, &mut seen),
        Heard { wecom: vec![v(&["wx-wang"])], mail: mail(&["wang"]), hooks: 1, ..Heard::default() }
    );

    f.ok(&[
        "--as",
        "wang",
        "risk",
        "add",
        &number,
        "--task",
        "1",
        "--reason",
        "依赖的支付网关升级",
        "--plan",
        "先上线降级方案",
    ]);
    send(f);
    // A risk alert: every involved department.
    assert_eq!(
        heard(&w, &mut seen),
        Heard {
            wecom: vec![v(&["wx-rdhead"])],
            ding: vec![v(&["13800000030"])],
            mail: mail(&["qahead", "rdhead"]),
            hooks: 1,
            ..Heard::default()
        }
    );

    f.ok(&["--as", "wang", "escalate", &number, "--reason", "测试环境不可用", "--to", "QA"]);
    send(f);
    // An escalation: its target and the coordinators.
    assert_eq!(
        heard(&w, &mut seen),
        Heard {
            ding: vec![v(&["13800000030"])],
            mail: mail(&["qahead", "zhou"]),
            hooks: 1,
            ..Heard::default()
        }
    );

    f.ok(&["--as", "wang", "task", "update", &number, "1", "--state", "done", "--percent", "100"]);
    send(f);
    assert_eq!(heard(&w, &mut seen), Heard { hooks: 1, ..Heard::default() }, "a task update: systems only");

    f.ok(&[
        "--as",
        "wang",
        "resolve",
        &number,
        "--solution",
        "接口改为异步并加缓存",
        "--owner",
        "wang",
        "--feedback",
        "li",
    ]);
    send(f);
    // A solution: the feedback person, asked to accept.
    assert_eq!(
        heard(&w, &mut seen),
        Heard { feishu: vec![v(&["@李经理"])], mail: mail(&["li"]), hooks: 1, ..Heard::default() }
    );

    f.ok(&["--as", "li", "refuse", &number, "--reason", "高峰期仍然超时"]);
    send(f);
    // A refusal: the departments involved; their heads and the solution's owner.
    assert_eq!(
        heard(&w, &mut seen),
        Heard {
            wecom: vec![v(&["wx-rdhead", "wx-wang"])],
            ding: vec![v(&["13800000030"])],
            mail: mail(&["qahead", "rdhead", "wang"]),
            hooks: 1,
            ..Heard::default()
        }
    );

    f.ok(&[
        "--as",
        "wang",
        "resolve",
        &number,
        "--solution",
        "扩容后压测通过",
        "--owner",
        "wang",
        "--feedback",
        "li",
    ]);
    f.ok(&["--as", "li", "accept", &number]);
    f.ok(&["--as", "zhou", "archive", &number, "--retro", "做得好：响应快；需改进：提前压测"]);
    send(f);
    // The second solution, the acceptance (systems only) and the archive (departments, no one to act).
    assert_eq!(
        heard(&w, &mut seen),
        Heard {
            wecom: vec![vec![]],
            ding: vec![vec![]],
            feishu: vec![v(&["@李经理"])],
            mail: mail(&["li"]),
            hooks: 3
        }
    );
    assert!(w.wecom.rejected().is_empty() && w.ding.rejected().is_empty() && w.feishu.rejected().is_empty());
    assert!(w.hooks.rejected().is_empty(), "{:?}", w.hooks.rejected());

    // Every message names its stable id; the issue's list shows each one sent.
    let list = f.json(&["notify", "list", "--issue", &number]);
    let rows = list.as_array().expect("a list");
    assert!(rows.iter().all(|r| r["status"] == "sent"), "{list:#}");
    let ids: BTreeSet<i64> = rows.iter().map(|r| r["id"].as_i64().expect("an id")).collect();
    let mut named: BTreeSet<i64> = BTreeSet::new();
    for r in w
        .wecom
        .received()
        .iter()
        .chain(w.ding.received().iter())
        .chain(w.feishu.received().iter())
        .chain(w.hooks.received().iter())
    {
        named.extend(r.ids.iter().copied());
    }
    for m in w.smtp.mails() {
        named.extend(notify_support::ids_in(&m.data));
        assert!(m.auth.as_deref().is_some_and(|a| a.contains("liaison") && a.contains(SMTP_PASSWORD)));
    }
    assert_eq!(ids, named, "each message's id is in what was sent");
    // Webhook documents are the events.
    let doc = &w.hooks.received()[0].json;
    assert_eq!(doc["kind"], "registered");
    assert_eq!(doc["issue"]["number"], number.as_str());
}

#[test]
fn secrets_never_show_and_a_wrong_secret_is_a_failure_with_the_answer() {
    let w = world();
    let f = &w.f;
    let bad = w.ding.url();
    f.ok(&[
        "notify",
        "channel",
        "add",
        "qa-wrong",
        "--kind",
        "dingtalk",
        "--url",
        &bad,
        "--secret",
        "SECwrongwrongwrong",
        "--dept",
        "QA",
    ]);
    f.add("li", "积分兑换接口超时", "RD,QA", "high", None);
    let out = f.run(&["notify", "run", "--once", "--no-digest"]);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let list = f.ok(&["--json", "notify", "list"]);
    let channels = f.ok(&["notify", "channel", "list"]);
    let conn = rusqlite::Connection::open(&f.db).expect("the database");
    let events: String = conn
        .query_row("SELECT group_concat(before || after, ' ') FROM events", [], |r| r.get(0))
        .expect("events");
    let secrets = [
        DING_SECRET,
        FEISHU_SECRET,
        HOOK_SECRET,
        SMTP_PASSWORD,
        "SECwrongwrongwrong",
        w.wecom.token.as_str(),
        w.ding.token.as_str(),
        w.feishu.token.as_str(),
    ];
    for secret in secrets {
        for (what, text) in
            [("run", &stderr), ("list", &list), ("channel list", &channels), ("events", &events)]
        {
            assert!(!text.contains(secret), "{secret} shows in {what}: {text}");
        }
    }
    let wrong: Vec<Value> = serde_json::from_str::<Value>(&list)
        .expect("JSON")
        .as_array()
        .expect("a list")
        .iter()
        .filter(|r| r["channel"] == "qa-wrong")
        .cloned()
        .collect();
    assert_eq!(wrong[0]["status"], "failed");
    assert!(
        wrong[0]["answer"].as_str().is_some_and(|a| a.contains("310000") && a.contains("sign not match")),
        "{wrong:?}"
    );

    // A secret can come from standard input, out of the process list.
    let mut child = f
        .command(
            &["notify", "channel", "add", "qa-stdin", "--kind", "dingtalk", "--url", "-", "--secret", "-"],
            &[],
        )
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("liaison");
    std::io::Write::write_all(
        child.stdin.as_mut().expect("stdin"),
        format!("{bad}\n{DING_SECRET}\n").as_bytes(),
    )
    .expect("written");
    assert!(child.wait().expect("done").success());
    f.ok(&["notify", "channel", "test", "qa-stdin"]);

    // Malformed addresses and unknown kinds are refused with the form that works.
    let line = f.refused(
        &["notify", "channel", "add", "x", "--kind", "wecom", "--url", "https://qyapi.weixin.qq.com/send"],
        &["cgi-bin/webhook/send?key="],
    );
    assert!(!line.contains("Usage"));
    f.refused(
        &["notify", "channel", "add", "x", "--kind", "slack", "--url", "https://x.example.com"],
        &["wecom, dingtalk, feishu, email, webhook"],
    );
    f.refused(
        &["notify", "channel", "add", "x", "--kind", "email", "--url", "smtp://mail.example.com"],
        &["--from"],
    );
    let zh = f.fail(&[
        "--lang",
        "zh",
        "notify",
        "channel",
        "add",
        "x",
        "--kind",
        "feishu",
        "--url",
        "https://open.feishu.cn/hook",
    ]);
    assert!(zh.contains("正确格式") && zh.contains("/open-apis/bot/v2/hook/TOKEN"), "{zh}");
}

#[test]
fn channel_test_prints_the_answer_and_remove_fails_what_waits() {
    let w = world();
    let f = &w.f;
    let out = f.ok(&["notify", "channel", "test", "mkt-feishu"]);
    assert!(out.contains("code 0"), "{out}");
    assert_eq!(w.feishu.received().len(), 1);
    w.wecom.always(Some((200, r#"{"errcode":93000,"errmsg":"invalid webhook url"}"#)));
    let line = f.fail(&["notify", "channel", "test", "rd-wecom"]);
    assert!(line.contains("93000"), "{line}");
    f.add("li", "积分兑换接口超时", "RD", "high", None);
    let out = f.ok(&["notify", "channel", "remove", "rd-wecom"]);
    assert!(out.contains('1'), "{out}");
    assert!(!f.ok(&["notify", "channel", "list"]).contains("rd-wecom"));
}

#[test]
fn a_burst_folds_into_one_message_per_channel() {
    let w = world();
    let f = &w.f;
    for i in 0..6 {
        f.add("li", &format!("批量问题{i}：兑换接口超时"), "RD", "low", None);
    }
    send(f);
    let got = w.wecom.received();
    assert_eq!(got.len(), 1, "six registrations fold into one message");
    assert_eq!(got[0].ids.len(), 6, "{:?}", got[0].ids);
    assert_eq!(w.hooks.received().len(), 6, "systems get every event");
    // Demo data: one message per channel.
    f.ok(&["demo", "--issues", "40", "--seed", "3", "--append"]);
    send(f);
    assert_eq!(w.wecom.received().len(), 2);
    assert_eq!(w.hooks.received().len(), 7);
}

#[test]
fn a_failed_transaction_leaves_no_message_and_a_holiday_has_no_digest() {
    let w = world();
    let f = &w.f;
    let conn = rusqlite::Connection::open(&f.db).expect("the database");
    // The second message of one event fails to be written: the whole registration is undone.
    conn.execute_batch(
        "CREATE TRIGGER fail_second AFTER INSERT ON outbox
         WHEN (SELECT count(*) FROM outbox WHERE event_id = NEW.event_id) >= 2
         BEGIN SELECT RAISE(ABORT, 'disk full (test)'); END;",
    )
    .expect("a trigger");
    let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).expect("a count") };
    let events = count("SELECT count(*) FROM events");
    let out = f.run(&[
        "--as",
        "li",
        "add",
        "--title",
        "积分兑换接口超时",
        "--background",
        "上周起多名用户反馈该问题,影响日常业务处理",
        "--request",
        "请研发部3个工作日内给出原因分析和修复计划",
        "--dept",
        "RD",
    ]);
    assert!(!out.status.success());
    assert_eq!(count("SELECT count(*) FROM outbox"), 0);
    assert_eq!(count("SELECT count(*) FROM issues"), 0);
    assert_eq!(count("SELECT count(*) FROM events"), events);
    conn.execute_batch("DROP TRIGGER fail_second").expect("dropped");

    // 2026-10-01 is National Day; 2026-10-10, a Saturday, is a make-up working day.
    let line = f.fail(&["notify", "digest", "--dept", "RD", "--send", "--date", "2026-10-01"]);
    assert!(line.contains("not a working day"), "{line}");
    assert_eq!(count("SELECT count(*) FROM outbox"), 0);
    let v = f.json(&["notify", "digest", "--dept", "RD", "--send", "--date", "2026-10-10"]);
    assert_eq!(v["queued"], 1);
    let again = f.json(&["notify", "digest", "--dept", "RD", "--send", "--date", "2026-10-10"]);
    assert_eq!(again["queued"], 0, "once a day");
    let shown = f.ok(&["notify", "digest", "--dept", "RD"]);
    assert!(shown.contains("Daily digest") && shown.contains("每日提醒"), "{shown}");
    // What the digest lists: a task due that day, what waits on the department.
    let number = f.add("li", "积分兑换接口超时", "RD", "high", None);
    let due = (chrono::Local::now().date_naive() + chrono::Duration::days(14)).to_string();
    f.ok(&[
        "task",
        "add",
        &number,
        "--dept",
        "RD",
        "--title",
        "修复兑换接口",
        "--owner",
        "wang",
        "--deadline",
        &due,
    ]);
    let items = f.json(&["notify", "digest", "--dept", "RD", "--date", &due]);
    assert!(
        items["due_today"][0].as_str().is_some_and(|t| t.contains(&number) && t.contains("修复兑换接口")),
        "{items:#}"
    );
    assert_eq!(items["overdue"].as_array().map(Vec::len), Some(0));
    send(f);
    let got = w.wecom.received();
    let digests: Vec<_> = got
        .iter()
        .filter(|r| {
            r.json["markdown"]["content"]
                .as_str()
                .is_some_and(|c| c.contains("Daily digest") && c.contains("2026-10-10"))
        })
        .collect();
    assert_eq!(digests.len(), 1, "{got:?}");
}

#[test]
fn the_console_shows_coordinators_who_was_told_and_what_failed() {
    let w = world();
    let f = &w.f;
    w.wecom.always(Some((200, r#"{"errcode":93000,"errmsg":"invalid webhook url"}"#)));
    let number = f.add("li", "积分兑换接口超时", "RD", "high", None);
    send(f);
    let store = liaison::store::Store::open(&f.db).expect("the store");
    let mut reader = liaison::store::Store::open(&f.db).expect("the store");
    let me = reader.person(&os_login()).expect("the admin");
    let mut app = liaison::tui::app::App::new(store, me, liaison::i18n::Lang::En, cli_support::now())
        .expect("the console");
    console_support::press(&mut app, "8");
    let screen = console_support::screen_text(&mut app, 200, 80);
    assert!(screen.contains(&number), "{screen}");
    assert!(screen.contains("Notifications"), "{screen}");
    assert!(screen.contains("Failed → rd-wecom @rdhead"), "{screen}");
    assert!(screen.contains("93000"), "{screen}");
    assert!(screen.contains("Sent → hooks"), "{screen}");
    // A member sees no such section.
    let wang = reader.person("wang").expect("wang");
    let store = liaison::store::Store::open(&f.db).expect("the store");
    let mut app = liaison::tui::app::App::new(store, wang, liaison::i18n::Lang::En, cli_support::now())
        .expect("the console");
    console_support::press(&mut app, "8");
    let screen = console_support::screen_text(&mut app, 200, 80);
    assert!(screen.contains(&number) && !screen.contains("Notifications"), "{screen}");
}

#[test]
fn bad_input_is_kept_on_the_message_and_long_texts_are_cut_to_the_limit() {
    let w = world();
    let f = &w.f;
    // An unreachable address: a network error, retried, then failed with what happened.
    f.ok(&["notify", "channel", "add", "gone", "--kind", "webhook", "--url", "http://127.0.0.1:9/x"]);
    // A request longer than WeCom's 4096 bytes: cut with "…", the number kept.
    let long = "请研发部3个工作日内给出原因分析和修复计划。".repeat(120);
    let v = f.json(&[
        "--as",
        "li",
        "add",
        "--title",
        "积分兑换接口超时",
        "--background",
        "上周起多名用户反馈该问题,影响日常业务处理",
        "--request",
        &long,
        "--dept",
        "RD",
    ]);
    let number = v["issue"]["number"].as_str().expect("a number").to_string();
    f.json(&["notify", "run", "--once", "--no-digest", "--backoff", "0", "--max-attempts", "2"]);
    let got = w.wecom.received();
    assert_eq!(got.len(), 1, "{:?}", w.wecom.rejected());
    let content = got[0].json["markdown"]["content"].as_str().expect("markdown");
    assert!(content.len() <= 4096 && content.contains(&number) && content.contains('…'), "{}", content.len());
    let failed = f.json(&["notify", "list", "--failed"]);
    let gone: Vec<&Value> =
        failed.as_array().expect("a list").iter().filter(|r| r["channel"] == "gone").collect();
    assert_eq!(gone.len(), 1);
    assert_eq!(gone[0]["attempts"], 2);
    assert!(gone[0]["answer"].as_str().is_some_and(|a| a.starts_with("network")), "{gone:?}");
    // Contact details are checked; a person can mute kinds for themselves.
    f.refused(&["user", "set", "wang", "--email", "not-an-address"], &["name@example.com"]);
    f.refused(&["user", "set", "wang", "--mute", "everything"], &["registered"]);
    f.ok(&["user", "set", "qahead", "--mute", "registered"]);
    let before = (w.ding.received().len(), w.smtp.mails().len());
    f.add("li", "报表导出失败", "QA", "medium", None);
    send(f);
    let ding = w.ding.received();
    assert_eq!(ding.len(), before.0 + 1, "the group still hears it");
    assert!(ding.last().is_some_and(|r| r.json["at"]["atMobiles"].as_array().is_some_and(|a| a.is_empty())));
    assert_eq!(w.smtp.mails().len(), before.1, "no mail to the person who muted it");
}
