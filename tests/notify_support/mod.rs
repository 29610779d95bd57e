//! Stand-ins for the services on 127.0.0.1, each checking a request as the real service does
//! (path, query, JSON shape, signature, timestamp skew) and answering like it; and a tiny SMTP
//! server. The signatures are computed here from the services' documented formulas, not with
//! liaison's code.

#![allow(dead_code)]

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

pub mod world;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    Wecom,
    Dingtalk,
    Feishu,
    Webhook,
}

/// One request the stand-in accepted.
#[derive(Debug, Clone)]
pub struct Received {
    pub path: String,
    pub json: Value,
    /// The LN-N ids its text names.
    pub ids: Vec<i64>,
}

#[derive(Default)]
struct State {
    received: Vec<Received>,
    rejected: Vec<String>,
    /// Forced answers for the next requests: (HTTP status, body).
    script: VecDeque<(u16, String)>,
    /// Answer every request with this (a permanently failing service).
    always: Option<(u16, String)>,
    delay: Duration,
}

/// A stand-in HTTP service.
pub struct Standin {
    pub service: Service,
    pub port: u16,
    pub token: String,
    pub secret: String,
    state: Arc<Mutex<State>>,
}

fn hmac(key: &[u8], msg: &[u8]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("any key");
    mac.update(msg);
    mac.finalize().into_bytes().to_vec()
}

fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).expect("after 1970").as_millis() as i64
}

fn url_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(if b[i] == b'+' { b' ' } else { b[i] });
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

pub fn ids_in(text: &str) -> Vec<i64> {
    let mut ids = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("LN-") {
        let digits: String = rest[i + 3..].chars().take_while(|c| c.is_ascii_digit()).collect();
        if let Ok(n) = digits.parse() {
            ids.push(n);
        }
        rest = &rest[i + 3..];
    }
    // A folded message lists each message as (#N).
    let mut rest = text;
    while let Some(i) = rest.find("（#") {
        let digits: String = rest[i + "（#".len()..].chars().take_while(|c| c.is_ascii_digit()).collect();
        if let Ok(n) = digits.parse() {
            ids.push(n);
        }
        rest = &rest[i + "（#".len()..];
    }
    ids.sort_unstable();
    ids.dedup();
    ids
}

impl Standin {
    pub fn start(service: Service, secret: &str) -> Standin {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
        let port = listener.local_addr().expect("an address").port();
        let token = format!("tok{port}x");
        let state = Arc::new(Mutex::new(State::default()));
        let s =
            Standin { service, port, token: token.clone(), secret: secret.to_string(), state: state.clone() };
        let secret = secret.to_string();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (state, token, secret) = (state.clone(), token.clone(), secret.clone());
                std::thread::spawn(move || {
                    let _ = serve(stream, service, &token, &secret, &state);
                });
            }
        });
        s
    }

    /// The address liaison is given for this stand-in.
    pub fn url(&self) -> String {
        let base = format!("http://127.0.0.1:{}", self.port);
        match self.service {
            Service::Wecom => format!("{base}/cgi-bin/webhook/send?key={}", self.token),
            Service::Dingtalk => format!("{base}/robot/send?access_token={}", self.token),
            Service::Feishu => format!("{base}/open-apis/bot/v2/hook/{}", self.token),
            Service::Webhook => format!("{base}/hooks/liaison"),
        }
    }

    pub fn received(&self) -> Vec<Received> {
        self.state.lock().expect("state").received.clone()
    }
    pub fn rejected(&self) -> Vec<String> {
        self.state.lock().expect("state").rejected.clone()
    }
    pub fn script(&self, answers: &[(u16, &str)]) {
        let mut st = self.state.lock().expect("state");
        st.script.extend(answers.iter().map(|(s, b)| (*s, b.to_string())));
    }
    pub fn always(&self, answer: Option<(u16, &str)>) {
        self.state.lock().expect("state").always = answer.map(|(s, b)| (s, b.to_string()));
    }
    pub fn delay(&self, d: Duration) {
        self.state.lock().expect("state").delay = d;
    }
}

fn serve(
    stream: TcpStream,
    service: Service,
    token: &str,
    secret: &str,
    state: &Mutex<State>,
) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let mut parts = line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or("").to_string());
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        reader.read_line(&mut h)?;
        let h = h.trim_end().to_string();
        if h.is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    let header = |k: &str| headers.iter().find(|(h, _)| h == k).map(|(_, v)| v.clone());
    let len: usize = header("content-length").and_then(|v| v.parse().ok()).unwrap_or(0);
    let mut body = vec![0; len];
    reader.read_exact(&mut body)?;
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    let param = |k: &str| {
        query
            .split('&')
            .find_map(|kv| kv.split_once('=').filter(|(key, _)| *key == k).map(|(_, v)| url_decode(v)))
    };
    let (delay, forced) = {
        let mut st = state.lock().expect("state");
        (st.delay, st.always.clone().or_else(|| st.script.pop_front()))
    };
    std::thread::sleep(delay);
    let json: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let verdict: Result<(), (u16, Value)> = (|| {
        if method != "POST" {
            return Err((405, json!({"errcode": 40001, "errmsg": "POST only"})));
        }
        match service {
            Service::Wecom => check_wecom(path, param("key"), token, &json),
            Service::Dingtalk => check_dingtalk(
                path,
                param("access_token"),
                param("timestamp"),
                param("sign"),
                token,
                secret,
                &json,
            ),
            Service::Feishu => check_feishu(path, token, secret, &json),
            Service::Webhook => check_webhook(path, header("x-liaison-signature-256"), secret, &body),
        }
    })();
    let (status, answer) = match (verdict, forced) {
        (Err((status, answer)), _) => {
            state.lock().expect("state").rejected.push(answer.to_string());
            (status, answer.to_string())
        }
        (Ok(()), Some(forced)) => forced,
        (Ok(()), None) => {
            let text = String::from_utf8_lossy(&body).into_owned();
            let decoded: String =
                serde_json::from_slice::<Value>(&body).map(|v| v.to_string()).unwrap_or(text);
            state.lock().expect("state").received.push(Received {
                path: path.to_string(),
                ids: ids_in(&decoded),
                json,
            });
            let ok = match service {
                Service::Feishu => json!({"code": 0, "msg": "success", "data": {}}),
                Service::Webhook => json!({"ok": true}),
                _ => json!({"errcode": 0, "errmsg": "ok"}),
            };
            (200, ok.to_string())
        }
    };
    let mut stream = stream;
    write!(
        stream,
        "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
        answer.len()
    )?;
    stream.flush()
}

fn bad(code: i64, msg: &str) -> Result<(), (u16, Value)> {
    Err((200, json!({"errcode": code, "errmsg": msg})))
}

fn check_wecom(path: &str, key: Option<String>, token: &str, v: &Value) -> Result<(), (u16, Value)> {
    if path != "/cgi-bin/webhook/send" {
        return Err((404, json!({"errcode": 404, "errmsg": "not found"})));
    }
    if key.as_deref() != Some(token) {
        return bad(93000, "invalid webhook url");
    }
    match v["msgtype"].as_str() {
        Some("markdown") if v["markdown"]["content"].as_str().is_some_and(|c| c.len() <= 4096) => Ok(()),
        Some("text") if v["text"]["content"].as_str().is_some_and(|c| c.len() <= 2048) => {
            if v["text"].get("mentioned_mobile_list").is_some_and(|m| !m.is_array()) {
                return bad(40058, "mentioned_mobile_list must be a list");
            }
            Ok(())
        }
        _ => bad(40008, "invalid message type or content exceeds limit"),
    }
}

fn check_dingtalk(
    path: &str,
    access_token: Option<String>,
    timestamp: Option<String>,
    sign: Option<String>,
    token: &str,
    secret: &str,
    v: &Value,
) -> Result<(), (u16, Value)> {
    if path != "/robot/send" {
        return Err((404, json!({"errcode": 404, "errmsg": "not found"})));
    }
    if access_token.as_deref() != Some(token) {
        return bad(300001, "token is not exist");
    }
    let ts: i64 = timestamp
        .and_then(|t| t.parse().ok())
        .ok_or((200, json!({"errcode": 310000, "errmsg": "timestamp missing"})))?;
    if (now_ms() - ts).abs() > 3_600_000 {
        return bad(310000, "timestamp is not within one hour");
    }
    let expected = STANDARD.encode(hmac(secret.as_bytes(), format!("{ts}\n{secret}").as_bytes()));
    if sign.as_deref() != Some(expected.as_str()) {
        return bad(310000, "sign not match");
    }
    let ok = v["msgtype"] == "markdown"
        && v["markdown"]["title"].is_string()
        && v["markdown"]["text"].is_string()
        && v["at"]["atMobiles"].is_array();
    if !ok {
        return bad(40035, "missing or invalid markdown/at");
    }
    Ok(())
}

fn check_feishu(path: &str, token: &str, secret: &str, v: &Value) -> Result<(), (u16, Value)> {
    let fail = |code: i64, msg: &str| Err((200, json!({"code": code, "msg": msg, "data": {}})));
    if path != format!("/open-apis/bot/v2/hook/{token}") {
        return fail(19001, "param invalid: incoming webhook access token invalid");
    }
    let ts: i64 = v["timestamp"].as_str().and_then(|t| t.parse().ok()).unwrap_or(0);
    if (now_ms() / 1000 - ts).abs() > 3600 {
        return fail(19021, "sign match fail or timestamp is not within one hour from current time");
    }
    let expected = STANDARD.encode(hmac(format!("{ts}\n{secret}").as_bytes(), b""));
    if v["sign"].as_str() != Some(expected.as_str()) {
        return fail(19021, "sign match fail or timestamp is not within one hour from current time");
    }
    let post = &v["content"]["post"]["zh_cn"];
    if v["msg_type"] != "post" || !post["title"].is_string() || !post["content"].is_array() {
        return fail(9499, "Bad Request");
    }
    Ok(())
}

fn check_webhook(
    path: &str,
    signature: Option<String>,
    secret: &str,
    body: &[u8],
) -> Result<(), (u16, Value)> {
    if path != "/hooks/liaison" {
        return Err((404, json!({"error": "not found"})));
    }
    let mac = hmac(secret.as_bytes(), body);
    let expected = format!("sha256={}", mac.iter().map(|b| format!("{b:02x}")).collect::<String>());
    if signature.as_deref() != Some(expected.as_str()) {
        return Err((401, json!({"error": "bad signature"})));
    }
    Ok(())
}

/// One mail the SMTP stand-in took.
#[derive(Debug, Clone)]
pub struct Mail {
    pub from: String,
    pub to: Vec<String>,
    pub data: String,
    pub auth: Option<String>,
}

/// A tiny SMTP server: EHLO, AUTH PLAIN/LOGIN, MAIL, RCPT, DATA, QUIT.
pub struct Smtp {
    pub port: u16,
    mails: Arc<Mutex<Vec<Mail>>>,
}

impl Smtp {
    pub fn start() -> Smtp {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
        let port = listener.local_addr().expect("an address").port();
        let mails = Arc::new(Mutex::new(Vec::new()));
        let keep = mails.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let mails = keep.clone();
                std::thread::spawn(move || {
                    let _ = smtp_session(stream, &mails);
                });
            }
        });
        Smtp { port, mails }
    }
    pub fn mails(&self) -> Vec<Mail> {
        self.mails.lock().expect("mails").clone()
    }
}

fn smtp_session(stream: TcpStream, mails: &Mutex<Vec<Mail>>) -> std::io::Result<()> {
    let mut out = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    let mut say = |text: &str| -> std::io::Result<()> { out.write_all(format!("{text}\r\n").as_bytes()) };
    say("220 standin ESMTP")?;
    let mut mail = Mail { from: String::new(), to: Vec::new(), data: String::new(), auth: None };
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let cmd = line.trim_end().to_string();
        let upper = cmd.to_ascii_uppercase();
        if upper.starts_with("EHLO") || upper.starts_with("HELO") {
            say("250-standin")?;
            say("250-AUTH PLAIN LOGIN")?;
            say("250 8BITMIME")?;
        } else if upper.starts_with("AUTH PLAIN") {
            let arg = cmd.split_whitespace().nth(2).unwrap_or("").to_string();
            let decoded = STANDARD.decode(arg).unwrap_or_default();
            mail.auth = Some(String::from_utf8_lossy(&decoded).replace('\0', " ").trim().to_string());
            say("235 2.7.0 Authentication successful")?;
        } else if upper.starts_with("MAIL FROM:") {
            mail.from = cmd[10..].trim().to_string();
            say("250 OK")?;
        } else if upper.starts_with("RCPT TO:") {
            mail.to.push(cmd[8..].trim().to_string());
            say("250 OK")?;
        } else if upper == "DATA" {
            say("354 End data with <CR><LF>.<CR><LF>")?;
            let mut data = String::new();
            loop {
                let mut l = String::new();
                if reader.read_line(&mut l)? == 0 {
                    return Ok(());
                }
                if l == ".\r\n" {
                    break;
                }
                data.push_str(&l);
            }
            mail.data = data;
            mails.lock().expect("mails").push(mail.clone());
            mail = Mail { auth: mail.auth.clone(), from: String::new(), to: Vec::new(), data: String::new() };
            say("250 2.0.0 queued as standin")?;
        } else if upper == "QUIT" {
            say("221 bye")?;
            return Ok(());
        } else if upper == "RSET" || upper == "NOOP" {
            say("250 OK")?;
        } else {
            say("502 command not implemented")?;
        }
    }
}
