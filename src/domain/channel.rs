//! A notification channel's address: what each kind accepts, how it is shown with its secrets
//! masked, and the form that works when it is wrong.

use super::ChannelKind;
use super::notify::mask;
use crate::i18n::Bilingual;

/// An address taken apart: `scheme://[user@]host[:port][/path][?query]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    pub scheme: String,
    pub user: Option<String>,
    pub host: String,
    pub port: Option<u16>,
    pub path: String,
    pub query: Vec<(String, String)>,
}

impl Address {
    pub fn parse(url: &str) -> Option<Address> {
        let (scheme, rest) = url.trim().split_once("://")?;
        let scheme = scheme.to_ascii_lowercase();
        let (authority, tail) = match rest.find(['/', '?']) {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, ""),
        };
        let (user, hostport) = match authority.rsplit_once('@') {
            Some((u, h)) => (Some(u.to_string()), h),
            None => (None, authority),
        };
        let (host, port) = match hostport.rsplit_once(':') {
            Some((h, p)) if !h.ends_with(']') || h.starts_with('[') => (h, Some(p.parse::<u16>().ok()?)),
            _ => (hostport, None),
        };
        if host.is_empty() || host.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return None;
        }
        let (path, query) = match tail.split_once('?') {
            Some((p, q)) => (p, q),
            None => (tail, ""),
        };
        let query = query
            .split('&')
            .filter(|kv| !kv.is_empty())
            .map(|kv| match kv.split_once('=') {
                Some((k, v)) => (k.to_string(), v.to_string()),
                None => (kv.to_string(), String::new()),
            })
            .collect();
        Some(Address { scheme, user, host: host.to_string(), port, path: path.to_string(), query })
    }

    pub fn param(&self, key: &str) -> Option<&str> {
        self.query.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str()).filter(|v| !v.is_empty())
    }

    /// Loopback hosts: where plain HTTP and SMTP without TLS are allowed (tests, a local relay).
    pub fn is_loopback(&self) -> bool {
        matches!(self.host.as_str(), "localhost" | "127.0.0.1" | "[::1]" | "::1")
            || self.host.starts_with("127.")
    }
}

/// The form that works for each kind, shown when an address is refused.
pub fn example(kind: ChannelKind) -> &'static str {
    match kind {
        ChannelKind::Wecom => "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY",
        ChannelKind::Dingtalk => "https://oapi.dingtalk.com/robot/send?access_token=TOKEN (--secret SEC…)",
        ChannelKind::Feishu => "https://open.feishu.cn/open-apis/bot/v2/hook/TOKEN (--secret S)",
        ChannelKind::Email => {
            "smtp://user@smtp.example.com:587 or smtps://user@smtp.example.com:465 (--secret PASSWORD --from liaison@example.com)"
        }
        ChannelKind::Webhook => "https://hooks.example.com/liaison (--secret S signs the body)",
    }
}

/// Checks an address for its kind; the refusal names the form that works.
pub fn validate(kind: ChannelKind, url: &str, sender: Option<&str>) -> Result<Address, Bilingual> {
    let refuse = |en: &str, zh: &str| {
        let ex = example(kind);
        Bilingual::new(
            format!("{} address `{}`: {en}; use {ex}", kind.code(), masked_url(kind, url)),
            format!("{} 地址「{}」：{zh}；正确格式：{ex}", kind.code(), masked_url(kind, url)),
        )
    };
    let Some(a) = Address::parse(url) else {
        return Err(refuse("not a URL", "不是有效的网址"));
    };
    let https_or_local = a.scheme == "https" || (a.scheme == "http" && a.is_loopback());
    match kind {
        ChannelKind::Email => {
            if a.scheme != "smtp" && a.scheme != "smtps" {
                return Err(refuse(
                    "e-mail goes through smtp:// (STARTTLS) or smtps:// (TLS)",
                    "邮件须使用 smtp://（STARTTLS）或 smtps://（TLS）",
                ));
            }
            let from = sender.unwrap_or("");
            if !is_email(from) {
                return Err(refuse("--from must be the sender's address", "须用 --from 给出发件地址"));
            }
        }
        _ if !https_or_local => {
            return Err(refuse(
                "must be https:// (http:// only to this machine)",
                "须为 https://（http:// 仅限本机）",
            ));
        }
        ChannelKind::Wecom => {
            if !a.path.ends_with("/cgi-bin/webhook/send") || a.param("key").is_none() {
                return Err(refuse(
                    "the path is /cgi-bin/webhook/send with ?key=",
                    "路径须为 /cgi-bin/webhook/send 并带 ?key=",
                ));
            }
        }
        ChannelKind::Dingtalk => {
            if !a.path.ends_with("/robot/send") || a.param("access_token").is_none() {
                return Err(refuse(
                    "the path is /robot/send with ?access_token=",
                    "路径须为 /robot/send 并带 ?access_token=",
                ));
            }
        }
        ChannelKind::Feishu => {
            let token = a.path.split("/open-apis/bot/v2/hook/").nth(1).unwrap_or("");
            if token.is_empty() || token.contains('/') {
                return Err(refuse(
                    "the path is /open-apis/bot/v2/hook/TOKEN",
                    "路径须为 /open-apis/bot/v2/hook/TOKEN",
                ));
            }
        }
        ChannelKind::Webhook => {}
    }
    Ok(a)
}

pub fn is_email(s: &str) -> bool {
    let s = s.trim();
    match s.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !s.chars().any(|c| c.is_whitespace() || c.is_control() || c == '<' || c == '>')
                && !domain.contains('@')
        }
        None => false,
    }
}

/// The address as people may see it: robot keys, tokens and the Feishu hook token masked.
pub fn masked_url(kind: ChannelKind, url: &str) -> String {
    let Some(a) = Address::parse(url) else {
        return "****".to_string();
    };
    let mut path = a.path.clone();
    if kind == ChannelKind::Feishu
        && let Some((head, token)) = a.path.split_once("/open-apis/bot/v2/hook/")
    {
        path = format!("{head}/open-apis/bot/v2/hook/{}", mask(token));
    }
    let query: Vec<String> = a
        .query
        .iter()
        .map(|(k, v)| {
            if SECRET_PARAMS.contains(&k.as_str()) { format!("{k}={}", mask(v)) } else { format!("{k}={v}") }
        })
        .collect();
    let user = a.user.as_ref().map(|u| format!("{u}@")).unwrap_or_default();
    let port = a.port.map(|p| format!(":{p}")).unwrap_or_default();
    let query = if query.is_empty() { String::new() } else { format!("?{}", query.join("&")) };
    format!("{}://{user}{}{port}{path}{query}", a.scheme, a.host)
}

const SECRET_PARAMS: &[&str] = &["key", "access_token", "token", "sign", "secret", "password"];

/// Every secret an address and a channel hold, to be blotted out of any text shown or stored
/// (a service's error that echoes the URL).
pub fn secrets_of(url: &str, secret: Option<&str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    if let Some(a) = Address::parse(url) {
        for (k, v) in &a.query {
            if SECRET_PARAMS.contains(&k.as_str()) && !v.is_empty() {
                out.push(v.clone());
            }
        }
        if let Some((_, token)) = a.path.split_once("/open-apis/bot/v2/hook/") {
            out.push(token.to_string());
        }
    }
    if let Some(s) = secret.filter(|s| !s.is_empty()) {
        out.push(s.to_string());
    }
    out.retain(|s| s.len() >= 4);
    out
}

/// `text` with every one of `secrets` replaced by "****".
pub fn blot(text: &str, secrets: &[String]) -> String {
    let mut out = text.to_string();
    for s in secrets {
        out = out.replace(s.as_str(), "****");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_accepts_its_form_and_refuses_others_with_the_form_that_works() {
        use ChannelKind::*;
        let ok = [
            (Wecom, "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abcd-1234"),
            (Wecom, "http://127.0.0.1:9999/cgi-bin/webhook/send?key=k123"),
            (Dingtalk, "https://oapi.dingtalk.com/robot/send?access_token=tok123"),
            (Feishu, "https://open.feishu.cn/open-apis/bot/v2/hook/0f1e2d3c"),
            (Webhook, "https://hooks.example.com/liaison"),
        ];
        for (kind, url) in ok {
            assert!(validate(kind, url, None).is_ok(), "{kind} {url}");
        }
        assert!(validate(Email, "smtp://u@mail.example.com:587", Some("l@example.com")).is_ok());
        let bad = [
            (Wecom, "http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abcd"),
            (Wecom, "https://qyapi.weixin.qq.com/cgi-bin/webhook/send"),
            (Dingtalk, "https://oapi.dingtalk.com/robot/send"),
            (Feishu, "https://open.feishu.cn/open-apis/bot/v2/hook/"),
            (Webhook, "not a url"),
            (Email, "https://mail.example.com"),
        ];
        for (kind, url) in bad {
            let e = validate(kind, url, Some("l@example.com")).expect_err(url);
            assert!(e.en.contains(example(kind)), "{}", e.en);
            assert!(e.zh.contains("正确格式"), "{}", e.zh);
        }
        assert!(validate(Email, "smtp://mail.example.com", None).is_err());
    }

    #[test]
    fn secrets_are_masked_in_addresses_and_blotted_from_text() {
        let url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa";
        let shown = masked_url(ChannelKind::Wecom, url);
        assert!(!shown.contains("693a91f6"), "{shown}");
        assert!(shown.ends_with("key=****5aaa"), "{shown}");
        let feishu =
            masked_url(ChannelKind::Feishu, "https://open.feishu.cn/open-apis/bot/v2/hook/abcdef123456");
        assert_eq!(feishu, "https://open.feishu.cn/open-apis/bot/v2/hook/****3456");
        let secrets = secrets_of(url, Some("SECabcdef"));
        let text = format!("error sending to {url} with SECabcdef");
        let clean = blot(&text, &secrets);
        assert!(!clean.contains("693a91f6") && !clean.contains("SECabcdef"), "{clean}");
    }
}
