//! The world the notification tests share: an organisation, a stand-in for every service and a
//! channel of each kind, and what each service heard.

use cli_support::Fixture;
use serde_json::Value;

use super::{Mail, Service, Smtp, Standin};
use crate::cli_support;

pub const DING_SECRET: &str = "SECding0123456789";
pub const FEISHU_SECRET: &str = "feishu-secret-42";
pub const HOOK_SECRET: &str = "hook-secret-7";
pub const SMTP_PASSWORD: &str = "smtp-pass-99";

pub struct World {
    pub f: Fixture,
    pub wecom: Standin,
    pub ding: Standin,
    pub feishu: Standin,
    pub hooks: Standin,
    pub smtp: Smtp,
}

/// OPS (the admin), RD with head rdhead and member wang, MKT with head li, QA with head qahead,
/// coordinator zhou; a channel of each kind.
pub fn world() -> World {
    let f = Fixture::new();
    f.init();
    f.ok(&["dept", "add", "RD", "研发部", "--head", "rdhead"]);
    f.ok(&["dept", "add", "MKT", "市场部", "--head", "li"]);
    f.ok(&["dept", "add", "QA", "测试部", "--head", "qahead"]);
    let people = [
        ("rdhead", "研发经理", "RD", "member", "--wecom-id", "wx-rdhead", "13800000010"),
        ("wang", "王工", "RD", "member", "--wecom-id", "wx-wang", "13800000011"),
        ("li", "李经理", "MKT", "member", "--mobile", "13800000020", "13800000020"),
        ("qahead", "钱测试", "QA", "member", "--mobile", "13800000030", "13800000030"),
        ("zhou", "周协调", "OPS", "coordinator", "--mobile", "13800000040", "13800000040"),
    ];
    for (login, name, dept, role, flag, value, mobile) in people {
        let email = format!("{login}@example.com");
        f.ok(&[
            "user", "add", login, "--name", name, "--dept", dept, "--role", role, "--email", &email, flag,
            value,
        ]);
        f.ok(&["user", "set", login, "--mobile", mobile]);
    }
    let w = World {
        wecom: Standin::start(Service::Wecom, ""),
        ding: Standin::start(Service::Dingtalk, DING_SECRET),
        feishu: Standin::start(Service::Feishu, FEISHU_SECRET),
        hooks: Standin::start(Service::Webhook, HOOK_SECRET),
        smtp: Smtp::start(),
        f,
    };
    let smtp_url = format!("smtp://liaison@127.0.0.1:{}", w.smtp.port);
    let channels: [(&str, &str, String, Option<&str>, &str); 5] = [
        ("rd-wecom", "wecom", w.wecom.url(), None, "RD"),
        ("qa-ding", "dingtalk", w.ding.url(), Some(DING_SECRET), "QA"),
        ("mkt-feishu", "feishu", w.feishu.url(), Some(FEISHU_SECRET), "MKT"),
        ("mail", "email", smtp_url, Some(SMTP_PASSWORD), ""),
        ("hooks", "webhook", w.hooks.url(), Some(HOOK_SECRET), ""),
    ];
    for (name, kind, url, secret, dept) in channels {
        let mut args = vec!["notify", "channel", "add", name, "--kind", kind, "--url", &url];
        if let Some(secret) = secret {
            args.extend(["--secret", secret]);
        }
        if !dept.is_empty() {
            args.extend(["--dept", dept]);
        }
        if kind == "email" {
            args.extend(["--from", "liaison@example.com"]);
        }
        w.f.ok(&args);
    }
    w
}

pub fn send(f: &Fixture) -> Value {
    f.json(&["notify", "run", "--once", "--no-digest", "--backoff", "0"])
}

/// What each service received since the counts in `seen`: WeCom mentions, DingTalk atMobiles,
/// Feishu @names, mail recipients, webhook documents.
#[derive(Debug, Default, PartialEq)]
pub struct Heard {
    pub wecom: Vec<Vec<String>>,
    pub ding: Vec<Vec<String>>,
    pub feishu: Vec<Vec<String>>,
    pub mail: Vec<String>,
    pub hooks: usize,
}

#[derive(Default)]
pub struct Seen {
    pub wecom: usize,
    pub ding: usize,
    pub feishu: usize,
    pub mail: usize,
    pub hooks: usize,
}

pub fn heard(w: &World, seen: &mut Seen) -> Heard {
    let wecom = w.wecom.received();
    let ding = w.ding.received();
    let feishu = w.feishu.received();
    let mails = w.smtp.mails();
    let hooks = w.hooks.received();
    let words = |text: &str, open: &str, close: &str| -> Vec<String> {
        text.split(open).skip(1).filter_map(|s| s.split(close).next()).map(str::to_string).collect()
    };
    let h = Heard {
        wecom: wecom[seen.wecom..]
            .iter()
            .map(|r| words(r.json["markdown"]["content"].as_str().unwrap_or(""), "<@", ">"))
            .collect(),
        ding: ding[seen.ding..]
            .iter()
            .map(|r| {
                let list = r.json["at"]["atMobiles"].as_array().cloned().unwrap_or_default();
                list.iter().filter_map(|m| m.as_str().map(str::to_string)).collect()
            })
            .collect(),
        feishu: feishu[seen.feishu..]
            .iter()
            .map(|r| {
                let last =
                    r.json["content"]["post"]["zh_cn"]["content"].as_array().and_then(|c| c.last().cloned());
                let text = last.map(|l| l[0]["text"].as_str().unwrap_or("").to_string()).unwrap_or_default();
                if text.starts_with('@') { text.split(' ').map(str::to_string).collect() } else { Vec::new() }
            })
            .collect(),
        mail: mails[seen.mail..].iter().flat_map(|m: &Mail| m.to.clone()).collect(),
        hooks: hooks.len() - seen.hooks,
    };
    *seen = Seen {
        wecom: wecom.len(),
        ding: ding.len(),
        feishu: feishu.len(),
        mail: mails.len(),
        hooks: hooks.len(),
    };
    h
}

pub fn v(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

pub fn mail(logins: &[&str]) -> Vec<String> {
    logins.iter().map(|l| format!("<{l}@example.com>")).collect()
}
