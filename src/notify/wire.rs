//! Each service's request, as its documentation gives it, and how its answer is read.
//!
//! - WeCom group robot: `POST …/cgi-bin/webhook/send?key=KEY`, `markdown` (≤ 4096 bytes, `<@userid>`
//!   mentions) or `text` (≤ 2048 bytes, `mentioned_list` / `mentioned_mobile_list`); `errcode` 0.
//! - DingTalk custom robot: `POST …/robot/send?access_token=T&timestamp=MS&sign=S`, S the
//!   URL-encoded Base64 of HMAC-SHA256 keyed with the secret over `timestamp + "\n" + secret`;
//!   `markdown` with `at.atMobiles` (the text names each `@mobile`); `errcode` 0.
//! - Feishu custom bot: `POST …/open-apis/bot/v2/hook/TOKEN`, `timestamp` (seconds) and `sign`
//!   (Base64 of HMAC-SHA256 keyed with `timestamp + "\n" + secret` over nothing) in the body;
//!   `post` messages; `code` 0 (older deployments answer `StatusCode` 0).
//! - Webhook: the event's JSON, signed `X-Liaison-Signature-256: sha256=HEX` (HMAC of the body).

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

use crate::domain::ChannelKind;
use crate::domain::notify::fit;
use crate::store::{ChannelSecret, Leased};

/// How long one request may take, connection included.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// A try that did not deliver: the service's answer, and whether trying again can help.
#[derive(Debug, Clone, PartialEq)]
pub struct Refused {
    pub answer: String,
    pub retry: bool,
}

/// What one request carries: the messages' ids (one, or a folded burst), subject and text.
pub struct Outgoing<'a> {
    pub first: &'a Leased,
    pub subject: String,
    /// The text with the message id line.
    pub text: String,
}

pub fn hmac_sha256(key: &[u8], msg: &[u8]) -> [u8; 32] {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes a key of any length");
    mac.update(msg);
    mac.finalize().into_bytes().into()
}

/// DingTalk's `sign` before URL encoding.
pub fn dingtalk_sign(secret: &str, timestamp_ms: i64) -> String {
    STANDARD.encode(hmac_sha256(secret.as_bytes(), format!("{timestamp_ms}\n{secret}").as_bytes()))
}

/// Feishu's `sign`.
pub fn feishu_sign(secret: &str, timestamp_s: i64) -> String {
    STANDARD.encode(hmac_sha256(format!("{timestamp_s}\n{secret}").as_bytes(), b""))
}

/// The webhook header's value for `body`.
pub fn webhook_signature(secret: &str, body: &[u8]) -> String {
    let mac = hmac_sha256(secret.as_bytes(), body);
    format!("sha256={}", mac.iter().map(|b| format!("{b:02x}")).collect::<String>())
}

pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// One agent for the process: it keeps connections to each service open between messages.
fn agent() -> &'static ureq::Agent {
    static AGENT: std::sync::OnceLock<ureq::Agent> = std::sync::OnceLock::new();
    AGENT.get_or_init(|| {
        ureq::Agent::config_builder()
            .timeout_global(Some(TIMEOUT))
            .http_status_as_error(false)
            .user_agent("liaison-notify")
            .build()
            .into()
    })
}

/// Sends one request to a chat service or a webhook; returns the service's answer.
pub fn send_http(c: &ChannelSecret, out: &Outgoing, now_ms: i64) -> Result<String, Refused> {
    let m = out.first;
    let (url, body, headers): (String, String, Vec<(&str, String)>) = match c.kind {
        ChannelKind::Wecom => (c.url.clone(), wecom_body(m, &out.text).to_string(), Vec::new()),
        ChannelKind::Dingtalk => {
            let mut url = c.url.clone();
            if let Some(secret) = c.secret.as_deref() {
                let sign = percent_encode(&dingtalk_sign(secret, now_ms));
                url.push_str(&format!("&timestamp={now_ms}&sign={sign}"));
            }
            (url, dingtalk_body(m, &out.subject, &out.text).to_string(), Vec::new())
        }
        ChannelKind::Feishu => {
            let mut body = feishu_body(m, &out.subject, &out.text);
            if let Some(secret) = c.secret.as_deref() {
                let ts = now_ms / 1000;
                body["timestamp"] = json!(ts.to_string());
                body["sign"] = json!(feishu_sign(secret, ts));
            }
            (c.url.clone(), body.to_string(), Vec::new())
        }
        ChannelKind::Webhook => {
            let mut doc = if m.payload.is_object() { m.payload.clone() } else { json!({}) };
            doc["message_id"] = json!(message_id(m.id));
            doc["subject"] = json!(out.subject);
            let body = doc.to_string();
            let mut headers = vec![("X-Liaison-Message-Id", message_id(m.id))];
            if let Some(secret) = c.secret.as_deref() {
                headers.push(("X-Liaison-Signature-256", webhook_signature(secret, body.as_bytes())));
            }
            (c.url.clone(), body, headers)
        }
        ChannelKind::Email => unreachable!("mail goes through SMTP"),
    };
    let mut req = agent().post(&url).header("Content-Type", "application/json; charset=utf-8");
    for (k, v) in &headers {
        req = req.header(*k, v);
    }
    let mut resp =
        req.send(body.as_str()).map_err(|e| Refused { answer: format!("network: {e}"), retry: true })?;
    let status = resp.status().as_u16();
    let text = resp.body_mut().with_config().limit(64 * 1024).read_to_string().unwrap_or_default();
    let text = text.trim().chars().take(500).collect::<String>();
    if !(200..300).contains(&status) {
        let retry = status >= 500 || status == 429 || status == 408;
        return Err(Refused { answer: format!("HTTP {status}: {text}"), retry });
    }
    if c.kind == ChannelKind::Webhook {
        return Ok(format!("HTTP {status}"));
    }
    read_answer(c.kind, &text)
}

/// Reads a chat service's JSON answer: code 0 is delivered; a rate limit or a busy system is
/// worth another try; anything else (a wrong key, a bad signature, a stale timestamp) is not.
pub fn read_answer(kind: ChannelKind, text: &str) -> Result<String, Refused> {
    let v: Value = serde_json::from_str(text)
        .map_err(|_| Refused { answer: format!("not the service's answer: {text}"), retry: true })?;
    let code = ["errcode", "code", "StatusCode"].iter().find_map(|k| v.get(*k).and_then(Value::as_i64));
    let msg = ["errmsg", "msg", "StatusMessage"]
        .iter()
        .find_map(|k| v.get(*k).and_then(Value::as_str))
        .unwrap_or("");
    match code {
        Some(0) => Ok(format!("{} 0 {msg}", code_name(kind))),
        Some(code) => {
            // WeCom 45009 and DingTalk 130101: too many messages; Feishu 9499 / 11232: busy
            // or rate limited; -1: system busy.
            let retry = matches!(code, -1 | 45009 | 130101 | 9499 | 11232 | 11233);
            Err(Refused { answer: format!("{} {code}: {msg}", code_name(kind)), retry })
        }
        None => Err(Refused { answer: format!("no code in the answer: {text}"), retry: true }),
    }
}

fn code_name(kind: ChannelKind) -> &'static str {
    if kind == ChannelKind::Feishu { "code" } else { "errcode" }
}

/// The stable id every message carries in its text.
pub fn message_id(id: i64) -> String {
    format!("LN-{id}")
}

fn wecom_body(m: &Leased, text: &str) -> Value {
    let all_ids = m.mentions.iter().all(|p| p.wecom_id.is_some());
    if all_ids {
        let at: Vec<String> =
            m.mentions.iter().filter_map(|p| p.wecom_id.as_ref()).map(|id| format!("<@{id}>")).collect();
        let tail = if at.is_empty() { String::new() } else { format!("\n{}", at.join(" ")) };
        let content = format!("{}{tail}", fit(text, 4096 - tail.len()));
        json!({"msgtype": "markdown", "markdown": {"content": content}})
    } else {
        let ids: Vec<&String> = m.mentions.iter().filter_map(|p| p.wecom_id.as_ref()).collect();
        let mobiles: Vec<&String> =
            m.mentions.iter().filter(|p| p.wecom_id.is_none()).filter_map(|p| p.mobile.as_ref()).collect();
        let plain = text.replace("**", "").replace("> ", "");
        json!({"msgtype": "text", "text": {
            "content": fit(&plain, 2048), "mentioned_list": ids, "mentioned_mobile_list": mobiles,
        }})
    }
}

fn dingtalk_body(m: &Leased, subject: &str, text: &str) -> Value {
    let mobiles: Vec<&String> = m.mentions.iter().filter_map(|p| p.mobile.as_ref()).collect();
    let names: Vec<String> = m
        .mentions
        .iter()
        .map(|p| p.mobile.as_ref().map_or(format!("@{}", p.name), |mobile| format!("@{mobile}")))
        .collect();
    let tail = if names.is_empty() { String::new() } else { format!("\n\n{}", names.join(" ")) };
    json!({
        "msgtype": "markdown",
        "markdown": {"title": fit(subject, 256), "text": format!("{}{tail}", fit(text, 18_000))},
        "at": {"atMobiles": mobiles, "isAtAll": false},
    })
}

fn feishu_body(m: &Leased, subject: &str, text: &str) -> Value {
    let plain = fit(&text.replace("**", ""), 18_000);
    let mut content: Vec<Value> = plain.lines().map(|l| json!([{"tag": "text", "text": l}])).collect();
    if !m.mentions.is_empty() {
        let names: Vec<String> = m.mentions.iter().map(|p| format!("@{}", p.name)).collect();
        content.push(json!([{"tag": "text", "text": names.join(" ")}]));
    }
    json!({
        "msg_type": "post",
        "content": {"post": {"zh_cn": {"title": fit(subject, 256), "content": content}}},
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_match_the_services_worked_examples() {
        // HMAC-SHA256 test vector (RFC 4231 case 2) through the helper.
        let mac = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(
            mac.iter().map(|b| format!("{b:02x}")).collect::<String>(),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert_eq!(dingtalk_sign("SECx", 1), STANDARD.encode(hmac_sha256(b"SECx", b"1\nSECx")));
        assert_eq!(feishu_sign("s", 2), STANDARD.encode(hmac_sha256(b"2\ns", b"")));
        assert_eq!(percent_encode("a+b/c="), "a%2Bb%2Fc%3D");
    }

    #[test]
    fn answers_are_read_as_each_service_gives_them() {
        assert!(read_answer(ChannelKind::Wecom, r#"{"errcode":0,"errmsg":"ok"}"#).is_ok());
        assert!(read_answer(ChannelKind::Feishu, r#"{"code":0,"msg":"success","data":{}}"#).is_ok());
        assert!(read_answer(ChannelKind::Feishu, r#"{"StatusCode":0,"StatusMessage":"success"}"#).is_ok());
        let e = read_answer(ChannelKind::Dingtalk, r#"{"errcode":310000,"errmsg":"sign not match"}"#)
            .unwrap_err();
        assert!(!e.retry && e.answer.contains("310000") && e.answer.contains("sign not match"));
        assert!(
            read_answer(ChannelKind::Wecom, r#"{"errcode":45009,"errmsg":"api freq out of limit"}"#)
                .unwrap_err()
                .retry
        );
    }
}
