//! What notifications cost: the outbox's share of a registration (median and p95, with no
//! channel and with three: a WeCom robot for RD, mail to everyone, a webhook), and the sender's
//! throughput against a local stand-in webhook that answers at once.
//!
//! `cargo bench --bench notify`. Databases under `target/bench-data/`. The output ends with a
//! Markdown table for README.md.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono::{Local, NaiveDateTime};
use liaison::domain::{Actor, ChannelKind, Department, IssueDraft, Person, Priority, Role};
use liaison::i18n::Lang;
use liaison::notify::{SenderConfig, run};
use liaison::store::{ChannelInput, ContactUpdate, Ctx, Registration, Store};

const REGISTRATIONS: usize = 400;
const MESSAGES: usize = 2000;

fn now() -> NaiveDateTime {
    Local::now().naive_local()
}

fn data_file(name: &str) -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"), PathBuf::from);
    let dir = target.join("bench-data");
    std::fs::create_dir_all(&dir).expect("the bench directory");
    dir.join(name)
}

fn ctx(person: &Person) -> Ctx {
    Ctx { actor: Actor { person: person.clone(), on_behalf_of: None }, now: now(), lang: Lang::En }
}

fn admin() -> Person {
    Person { login: "root".into(), display_name: "管理员".into(), dept: "OPS".into(), role: Role::Admin }
}

fn fresh(name: &str) -> Store {
    let path = data_file(name);
    for suffix in ["", "-wal", "-shm"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(&p);
    }
    let mut store = Store::open(&path).expect("create the database");
    store
        .init(now(), &Department { code: "OPS".into(), name: "运营部".into(), head: None }, &admin())
        .expect("init");
    let c = ctx(&admin());
    for (code, name, head) in [("RD", "研发部", "rdhead"), ("QA", "测试部", "qahead")] {
        store
            .add_department(&c, &Department { code: code.into(), name: name.into(), head: Some(head.into()) })
            .expect("a department");
        let p =
            Person { login: head.into(), display_name: head.into(), dept: code.into(), role: Role::Member };
        let contact = ContactUpdate {
            email: Some(format!("{head}@example.com")),
            mobile: Some("13800000000".into()),
            wecom_id: Some(format!("wx-{head}")),
            muted: None,
        };
        store.add_person_with_contact(&c, &p, &contact).expect("a person");
    }
    store
}

fn channel(store: &mut Store, name: &str, kind: ChannelKind, url: &str, depts: &[&str]) {
    let input = ChannelInput {
        name: name.into(),
        kind,
        url: url.into(),
        secret: Some("bench-secret".into()),
        sender: Some("liaison@example.com".into()),
        depts: depts.iter().map(|d| d.to_string()).collect(),
    };
    store.add_channel(&ctx(&admin()), &input).expect("a channel");
}

fn registrations(store: &mut Store) -> Vec<f64> {
    let c = ctx(&admin());
    let mut times = Vec::with_capacity(REGISTRATIONS);
    for i in 0..REGISTRATIONS {
        let reg = Registration {
            proposer_dept: None,
            proposed_at: None,
            priority: Priority::Medium,
            draft: IssueDraft {
                title: format!("积分兑换接口超时 {i}"),
                background: "会员积分兑换活动将于11月上线,目前兑换接口尚未开发,市场部无法准备推广物料。"
                    .into(),
                request: "需研发部开发积分兑换接口,10月31日前交付测试环境。".into(),
                departments: vec!["RD".into(), "QA".into()],
            },
        };
        let started = Instant::now();
        store.register(&c, &reg).expect("registered");
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    times
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// A webhook receiver that answers 200 at once, keeping connections open.
fn standin() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a port");
    let port = listener.local_addr().expect("an address").port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || {
                let mut out = stream.try_clone().expect("a stream");
                let mut reader = BufReader::new(stream);
                loop {
                    let mut len = 0usize;
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    loop {
                        let mut h = String::new();
                        if reader.read_line(&mut h).unwrap_or(0) == 0 {
                            return;
                        }
                        let h = h.trim_end().to_ascii_lowercase();
                        if h.is_empty() {
                            break;
                        }
                        if let Some(v) = h.strip_prefix("content-length:") {
                            len = v.trim().parse().unwrap_or(0);
                        }
                    }
                    let mut body = vec![0; len];
                    if reader.read_exact(&mut body).is_err() {
                        return;
                    }
                    let answer = "{\"ok\":true}";
                    let reply =
                        format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{answer}", answer.len());
                    if out.write_all(reply.as_bytes()).is_err() {
                        return;
                    }
                }
            });
        }
    });
    port
}

fn main() {
    let mut plain = fresh("notify-plain.db");
    let without = registrations(&mut plain);
    let mut with = fresh("notify-channels.db");
    channel(
        &mut with,
        "rd",
        ChannelKind::Wecom,
        "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k-bench",
        &["RD"],
    );
    channel(&mut with, "mail", ChannelKind::Email, "smtp://liaison@127.0.0.1:2525", &[]);
    channel(&mut with, "hooks", ChannelKind::Webhook, "https://hooks.example.com/liaison", &[]);
    let with_times = registrations(&mut with);

    // Throughput: MESSAGES webhook documents to a local receiver.
    let port = standin();
    let mut sender = fresh("notify-sender.db");
    channel(&mut sender, "hooks", ChannelKind::Webhook, &format!("http://127.0.0.1:{port}/hook"), &[]);
    let c = ctx(&admin());
    for i in 0..MESSAGES {
        let reg = Registration {
            proposer_dept: None,
            proposed_at: None,
            priority: Priority::Low,
            draft: IssueDraft {
                title: format!("接口超时 {i}"),
                background: "会员积分兑换活动将于11月上线,目前兑换接口尚未开发,市场部无法准备推广物料。"
                    .into(),
                request: "需研发部开发积分兑换接口,10月31日前交付测试环境。".into(),
                departments: vec!["RD".into()],
            },
        };
        sender.register(&c, &reg).expect("registered");
    }
    let cfg = SenderConfig { once: true, digest_hour: None, ..SenderConfig::default() };
    let started = Instant::now();
    let summary = run(&mut sender, &cfg, &mut |_| {}).expect("the sender runs");
    let secs = started.elapsed().as_secs_f64();
    assert_eq!(summary.sent, MESSAGES);

    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!("\nLoad average at the end (2 cores, shared with other work): {}", load.trim());
    println!("{REGISTRATIONS} registrations involving RD and QA each; {MESSAGES} webhook messages sent.\n");
    println!("| measure | median | p95 | mean |");
    println!("|---|---:|---:|---:|");
    for (what, t) in
        [("registration, no channel", &without), ("registration, three channels (4 messages)", &with_times)]
    {
        println!("| {what} | {:.2} ms | {:.2} ms | {:.2} ms |", pct(t, 0.5), pct(t, 0.95), mean(t));
    }
    println!(
        "| sender, local webhook | {:.0} messages/s | | {MESSAGES} in {:.1} s |",
        MESSAGES as f64 / secs,
        secs
    );
}
