//! Delivery that loses nothing: retries, failures kept until retried, leases between senders,
//! and the sender killed with SIGKILL fifty times.

#[allow(dead_code)]
mod cli_support;
mod notify_support;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use cli_support::{Fixture, os_login};
use notify_support::world::*;
use serde_json::Value;

#[test]
fn a_failing_service_is_retried_and_a_permanent_failure_is_kept_until_retried() {
    let w = world();
    let f = &w.f;
    w.wecom.script(&[(500, "upstream busy")]);
    f.add("li", "积分兑换接口超时", "RD", "high", None);
    send(f);
    let wecom_rows = |f: &Fixture| -> Vec<Value> {
        let list = f.json(&["notify", "list"]);
        list.as_array().expect("a list").iter().filter(|r| r["channel"] == "rd-wecom").cloned().collect()
    };
    let rows = wecom_rows(f);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["status"], "sent");
    assert_eq!(rows[0]["attempts"], 2, "500 then 200: {rows:?}");
    assert_eq!(w.wecom.received().len(), 1);

    // Permanently failing: a wrong key is not worth retrying; a 500 is, up to the last try.
    w.wecom.always(Some((200, r#"{"errcode":93000,"errmsg":"invalid webhook url"}"#)));
    let second = f.add("li", "报表导出失败", "RD", "medium", None);
    f.json(&["notify", "run", "--once", "--no-digest", "--backoff", "0", "--max-attempts", "3"]);
    let failed = f.json(&["notify", "list", "--failed", "--issue", &second]);
    let failed = failed.as_array().expect("a list");
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert_eq!(failed[0]["attempts"], 1);
    assert!(
        failed[0]["answer"]
            .as_str()
            .is_some_and(|a| a.contains("93000") && a.contains("invalid webhook url"))
    );
    let text = f.ok(&["notify", "list", "--failed"]);
    assert!(text.contains("93000"), "{text}");
    // The doctor tells an administrator, and what to do.
    let out = f.run(&["--json", "doctor"]);
    let doctor: Value = serde_json::from_slice(&out.stdout).expect("the doctor's JSON");
    let check =
        doctor["checks"].as_array().and_then(|c| c.iter().find(|c| c["check"] == "notifications")).cloned();
    let check = check.expect("a notifications check");
    assert_eq!(check["status"], "warning");
    assert!(check["fix"].as_str().is_some_and(|f| f.contains("notify retry --failed")), "{check}");

    w.wecom.always(Some((500, "down")));
    let third = f.add("li", "短信验证码延迟", "RD", "low", None);
    f.json(&["notify", "run", "--once", "--no-digest", "--backoff", "0", "--max-attempts", "3"]);
    let failed = f.json(&["notify", "list", "--failed", "--issue", &third]);
    assert_eq!(failed[0]["attempts"], 3, "{failed:#}");
    assert!(failed[0]["answer"].as_str().is_some_and(|a| a.contains("HTTP 500")));

    w.wecom.always(None);
    let id = format!("LN-{}", failed[0]["id"]);
    f.ok(&["notify", "retry", &id]);
    let before = w.wecom.received().len();
    send(f);
    assert_eq!(w.wecom.received().len(), before + 1);
    f.ok(&["notify", "retry", "--failed"]);
    send(f);
    assert!(f.json(&["notify", "list", "--failed"]).as_array().expect("a list").is_empty());
    let line = f.fail(&["notify", "retry", &id]);
    assert!(line.contains("not failed"), "{line}");
}

#[test]
fn killing_the_sender_fifty_times_loses_no_message() {
    let w = world();
    let f = &w.f;
    w.hooks.delay(Duration::from_millis(15));
    // 120 registrations by the library: 120 webhook documents (and one folded chat message each).
    {
        use liaison::store::{Ctx, Registration, Store};
        let mut store = Store::open(&f.db).expect("the store");
        let me = store.person(&os_login()).expect("the admin");
        let ctx = Ctx {
            actor: liaison::domain::Actor { person: me, on_behalf_of: None },
            now: cli_support::now(),
            lang: liaison::i18n::Lang::En,
        };
        for i in 0..120 {
            let reg = Registration {
                proposer_dept: None,
                proposed_at: None,
                priority: liaison::domain::Priority::Low,
                draft: liaison::domain::IssueDraft {
                    title: format!("第{i}个接口超时问题"),
                    background: "上周起多名用户反馈该问题,影响日常业务处理".into(),
                    request: "请研发部3个工作日内给出原因分析和修复计划".into(),
                    departments: vec!["RD".into()],
                },
            };
            store.register(&ctx, &reg).expect("registered");
        }
    }
    let started = Instant::now();
    let mut rng = 7u64;
    for _ in 0..50 {
        let mut child = f
            .command(&["notify", "run", "--lease", "1", "--no-digest", "--backoff", "0"], &[])
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("a sender");
        rng = rng.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        std::thread::sleep(Duration::from_millis(40 + (rng >> 33) % 80));
        child.kill().expect("SIGKILL");
        child.wait().expect("reaped");
    }
    std::thread::sleep(Duration::from_millis(1100));
    send(f);
    let list = f.json(&["notify", "list", "--limit", "10000"]);
    let rows = list.as_array().expect("a list");
    assert!(rows.iter().all(|r| r["status"] == "sent"), "every message is marked sent");
    let hook_ids: BTreeSet<i64> =
        rows.iter().filter(|r| r["channel"] == "hooks").map(|r| r["id"].as_i64().expect("an id")).collect();
    assert_eq!(hook_ids.len(), 120);
    let received: Vec<i64> = w.hooks.received().iter().flat_map(|r| r.ids.clone()).collect();
    let unique: BTreeSet<i64> = received.iter().copied().collect();
    assert_eq!(unique, hook_ids, "every message delivered at least once");
    eprintln!(
        "50 kills: {} deliveries for {} messages in {:?}",
        received.len(),
        unique.len(),
        started.elapsed()
    );
    assert!(started.elapsed() < Duration::from_secs(45));
}

#[test]
fn two_senders_never_send_one_message_twice() {
    let w = world();
    let f = &w.f;
    w.hooks.delay(Duration::from_millis(5));
    for i in 0..30 {
        f.add("li", &format!("第{i}个并发发送问题：兑换接口超时"), "RD", "low", None);
    }
    let spawn = || {
        f.command(&["--json", "notify", "run", "--once", "--no-digest"], &[])
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("a sender")
    };
    let (a, b) = (spawn(), spawn());
    assert!(a.wait_with_output().expect("a").status.success());
    assert!(b.wait_with_output().expect("b").status.success());
    send(f);
    let received: Vec<i64> = w.hooks.received().iter().flat_map(|r| r.ids.clone()).collect();
    let unique: BTreeSet<i64> = received.iter().copied().collect();
    assert_eq!(unique.len(), 30);
    assert_eq!(received.len(), 30, "no message went out twice");
}

#[test]
fn a_slow_service_does_not_let_a_lease_run_out_under_a_batch() {
    let w = world();
    let f = &w.f;
    f.ok(&["notify", "channel", "remove", "rd-wecom"]);
    f.ok(&["notify", "channel", "remove", "mail"]);
    w.hooks.delay(Duration::from_millis(600));
    for i in 0..4 {
        f.add("li", &format!("第{i}个慢服务问题：兑换接口超时"), "RD", "low", None);
    }
    let spawn = || {
        f.command(&["--json", "notify", "run", "--once", "--no-digest", "--lease", "1"], &[])
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("a sender")
    };
    let first = spawn();
    // The second comes when the first's lease (1 s) would have run out without renewal.
    std::thread::sleep(Duration::from_millis(1300));
    let second = spawn();
    assert!(first.wait_with_output().expect("first").status.success());
    assert!(second.wait_with_output().expect("second").status.success());
    let received: Vec<i64> = w.hooks.received().iter().flat_map(|r| r.ids.clone()).collect();
    assert_eq!(received.len(), 4, "each message once: {received:?}");
}
