//! `liaison notify …`: channels, the outbox, the sender and the morning digest.

use std::time::Duration;

use clap::Subcommand;
use serde_json::json;

use super::render::table;
use super::{CliError, CliResult, Session};
use crate::domain::ChannelKind;
use crate::domain::when::Ahead;
use crate::notify::{self, SenderConfig};
use crate::store::{ChannelInput, OutboxFilter};

#[derive(Debug, Subcommand)]
pub enum NotifyCmd {
    /// Deliver queued messages (a long-running sender; --once for cron)
    Run {
        /// Deliver what is due now, then stop
        #[arg(long)]
        once: bool,
        /// Seconds a message stays this sender's while it delivers it
        #[arg(long, default_value_t = 60, value_name = "SECS")]
        lease: u64,
        /// Seconds before the first retry, doubled each time (at most an hour)
        #[arg(long, default_value_t = 30.0, value_name = "SECS")]
        backoff: f64,
        /// Tries before a message is marked failed
        #[arg(long, default_value_t = 8)]
        max_attempts: i64,
        /// Hour (0–23, local) from which each working day's digests are queued
        #[arg(long, default_value_t = 9, value_parser = clap::value_parser!(u32).range(0..24))]
        digest_hour: u32,
        /// Queue no digests
        #[arg(long)]
        no_digest: bool,
    },
    /// Messages: what went to whom, when, and what each service answered
    List {
        /// Only the failed ones
        #[arg(long)]
        failed: bool,
        /// Only one issue's
        #[arg(long, value_name = "NUMBER")]
        issue: Option<String>,
        /// At most this many messages, newest first
        #[arg(long, default_value_t = 100)]
        limit: u32,
    },
    /// Send a failed message again (or every failed one)
    Retry {
        /// The message's id, e.g. LN-42 (`notify list --failed` shows them)
        id: Option<String>,
        /// Every failed message
        #[arg(long, conflicts_with = "id")]
        failed: bool,
    },
    /// A department's morning digest: shown, or queued with --send
    Digest {
        /// The department, e.g. RD
        #[arg(long, value_name = "CODE")]
        dept: String,
        /// The day (default today); a day off of the calendar has no digest
        #[arg(long, value_name = "DATE")]
        date: Option<String>,
        /// Queue it for its channels instead of showing it
        #[arg(long)]
        send: bool,
    },
    /// Where messages go: group robots, mail, webhooks
    #[command(subcommand)]
    Channel(ChannelCmd),
}

#[derive(Debug, Subcommand)]
pub enum ChannelCmd {
    /// Add a channel (admins)
    Add {
        /// A name for the channel, e.g. 研发部群
        name: String,
        /// wecom, dingtalk, feishu, email or webhook
        #[arg(long)]
        kind: String,
        /// The robot's webhook address; smtp://user@host:port or smtps://… for mail; `-` reads it
        /// from standard input (robot keys and tokens are in the address)
        #[arg(long)]
        url: String,
        /// Signing secret (DingTalk SEC…, Feishu, webhook) or the SMTP password; `-` reads it from
        /// standard input (keeps it out of the process list on a shared server)
        #[arg(long)]
        secret: Option<String>,
        /// The sender's address (mail)
        #[arg(long)]
        from: Option<String>,
        /// Departments it serves (none: every issue, e.g. the coordinators' group)
        #[arg(long, value_delimiter = ',')]
        dept: Vec<String>,
    },
    /// List channels (secrets masked)
    List,
    /// Send a test message now and print the service's answer
    Test {
        /// The channel's name
        name: String,
    },
    /// Remove a channel; its waiting messages are marked failed
    Remove {
        /// The channel's name
        name: String,
    },
}

pub fn notify(s: &mut Session, cmd: NotifyCmd) -> CliResult {
    match cmd {
        NotifyCmd::Run { once, lease, backoff, max_attempts, digest_hour, no_digest } => {
            let ctx = s.ctx()?;
            crate::store::require_coordinator_ctx(&ctx)?;
            let cfg = SenderConfig {
                once,
                lease: Duration::from_secs(lease.max(1)),
                backoff: Duration::from_secs_f64(backoff.max(0.0)),
                max_attempts: max_attempts.max(1),
                digest_hour: (!no_digest).then_some(digest_hour),
                ..SenderConfig::default()
            };
            let json = s.json;
            let summary = notify::run(&mut s.store, &cfg, &mut |line| {
                if !json {
                    eprintln!("{line}");
                }
            })?;
            if s.json {
                s.print_json(&summary)
            } else {
                s.say(&format!(
                    "{} {} · {} {} · {} {} · {} {}",
                    s.pick("sent", "已发送"),
                    summary.sent,
                    s.pick("to retry", "待重试"),
                    summary.retried,
                    s.pick("failed", "失败"),
                    summary.failed,
                    s.pick("digests queued", "已排入日报"),
                    summary.digests
                ))
            }
        }
        NotifyCmd::List { failed, issue, limit } => {
            let ctx = s.ctx()?;
            crate::store::require_coordinator_ctx(&ctx)?;
            let rows = s.store.outbox(&OutboxFilter { failed_only: failed, issue, limit: Some(limit) })?;
            if s.json {
                return s.print_json(&rows);
            }
            let lang = s.lang;
            let cells: Vec<Vec<String>> = rows
                .iter()
                .map(|r| {
                    let to = r.recipient.clone().unwrap_or_else(|| {
                        r.mentions.iter().map(|m| format!("@{m}")).collect::<Vec<_>>().join(" ")
                    });
                    vec![
                        notify::wire::message_id(r.id),
                        r.created_at.format("%m-%d %H:%M").to_string(),
                        r.issue.clone().unwrap_or_else(|| r.kind.clone()),
                        format!("{} ({})", r.channel, r.channel_kind),
                        to,
                        format!("{} ×{}", r.status.label(lang), r.attempts),
                        r.answer.clone().unwrap_or_default(),
                    ]
                })
                .collect();
            let headers = [
                s.pick("Id", "编号"),
                s.pick("Queued", "生成"),
                s.pick("Issue", "问题"),
                s.pick("Channel", "渠道"),
                s.pick("To", "对象"),
                s.pick("Status", "状态"),
                s.pick("Answer", "服务应答"),
            ];
            if cells.is_empty() {
                return s.say(s.pick("No messages.", "没有消息。"));
            }
            s.say(&table(&headers, &cells, &[10, 11, 20, 24, 20, 12, 60]))
        }
        NotifyCmd::Retry { id, failed } => {
            let ctx = s.ctx()?;
            let id = match (id, failed) {
                (Some(id), _) => Some(parse_id(&id)?),
                (None, true) => None,
                (None, false) => {
                    return Err(CliError::new(
                        "say which message: `liaison notify retry LN-12`, or every failed one: --failed",
                        "请指定消息：`liaison notify retry LN-12`，或用 --failed 重试全部失败消息",
                    ));
                }
            };
            let n = s.store.retry_messages(&ctx, id)?;
            if s.json {
                return s.print_json(&json!({"requeued": n}));
            }
            s.say(&format!("{} {n}", s.pick("Queued again:", "已重新排队：")))
        }
        NotifyCmd::Digest { dept, date, send } => {
            let ctx = s.ctx()?;
            let dept = dept.trim().to_ascii_uppercase();
            let date = s.day_opt("--date", date.as_deref(), Ahead::Past)?;
            let now = match date {
                Some(d) => d.and_hms_opt(9, 0, 0).unwrap_or(s.now),
                None => s.now,
            };
            if send {
                crate::store::require_coordinator_ctx(&ctx)?;
                return match s.store.queue_digest(&dept, now)? {
                    Ok(n) if s.json => s.print_json(&json!({"queued": n, "day": now.date()})),
                    Ok(n) => s.say(&format!("{} {n}", s.pick("Digest messages queued:", "已排入日报消息："))),
                    Err(day) => Err(CliError::new(
                        format!("{day} is not a working day of the calendar: no digest is sent"),
                        format!("{day} 不是工作日（按工作日历），不发送日报"),
                    )),
                };
            }
            let items = s.store.digest_items(&dept, now)?;
            if s.json {
                return s.print_json(&items);
            }
            let d = s.store.departments()?.into_iter().find(|d| d.code == dept);
            let Some(d) = d else {
                return Err(crate::store::StoreError::not_found(crate::store::Kind::Department, &dept).into());
            };
            let (subject, body) = crate::domain::notify::digest(&d, now.date(), &items);
            s.say(&format!("{subject}\n{body}"))
        }
        NotifyCmd::Channel(c) => channel(s, c),
    }
}

fn channel(s: &mut Session, cmd: ChannelCmd) -> CliResult {
    match cmd {
        ChannelCmd::Add { name, kind, url, secret, from, dept } => {
            let ctx = s.ctx()?;
            let Some(kind) = ChannelKind::parse(&kind) else {
                return Err(CliError::new(
                    format!(
                        "unknown kind `{kind}`: choose {} (e.g. --kind wecom --url https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY)",
                        ChannelKind::codes()
                    ),
                    format!(
                        "未知渠道类型「{kind}」：可选 {}（例如 --kind wecom --url https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY）",
                        ChannelKind::codes()
                    ),
                ));
            };
            // `-` reads from standard input, a line each: the address first, then the secret.
            let read_line = || -> CliResult<String> {
                let mut line = String::new();
                std::io::stdin().read_line(&mut line)?;
                Ok(line.trim_end_matches(['\r', '\n']).to_string())
            };
            let url = if url == "-" { read_line()? } else { url };
            let secret = match secret.as_deref() {
                Some("-") => Some(read_line()?),
                _ => secret,
            };
            let input = ChannelInput { name, kind, url, secret, sender: from, depts: dept };
            let info = s.store.add_channel(&ctx, &input)?;
            if s.json {
                return s.print_json(&info);
            }
            s.say(&format!("{} {} ({}) {}", s.pick("Added", "已添加"), info.name, info.kind, info.url))
        }
        ChannelCmd::List => {
            let ctx = s.ctx()?;
            crate::store::require_coordinator_ctx(&ctx)?;
            let list = s.store.channels()?;
            if s.json {
                return s.print_json(&list);
            }
            if list.is_empty() {
                return s.say(s.pick(
                    "No channels. Add one: liaison notify channel add NAME --kind wecom --url URL --dept CODE",
                    "还没有通知渠道。添加：liaison notify channel add 名称 --kind wecom --url 地址 --dept 部门代码",
                ));
            }
            let all = s.pick("(every issue)", "（全部问题）").to_string();
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|c| {
                    vec![
                        c.name.clone(),
                        c.kind.label(s.lang).to_string(),
                        if c.depts.is_empty() { all.clone() } else { c.depts.join(",") },
                        c.url.clone(),
                        if c.has_secret { "****".into() } else { "-".into() },
                    ]
                })
                .collect();
            let headers = [
                s.pick("Name", "名称"),
                s.pick("Kind", "类型"),
                s.pick("Depts", "部门"),
                s.pick("Address", "地址"),
                s.pick("Secret", "密钥"),
            ];
            s.say(&table(&headers, &rows, &[20, 16, 20, 70, 6]))
        }
        ChannelCmd::Test { name } => {
            let ctx = s.ctx()?;
            let id = s.store.queue_test(&ctx, &name)?;
            let summary = crate::notify::send_one(&mut s.store, id)?;
            let row = s
                .store
                .outbox(&OutboxFilter { limit: Some(50), ..Default::default() })?
                .into_iter()
                .find(|r| r.id == id);
            let answer = row.as_ref().and_then(|r| r.answer.clone()).unwrap_or_default();
            if s.json {
                return s.print_json(&json!({"message": id, "sent": summary.sent == 1, "answer": answer}));
            }
            if summary.sent == 1 {
                s.say(&format!("{} {answer}", s.pick("Delivered:", "发送成功：")))
            } else {
                Err(CliError::new(
                    format!(
                        "the test message was not delivered: {answer} (see `liaison notify list --failed`)"
                    ),
                    format!("测试消息未送达：{answer}（见 `liaison notify list --failed`）"),
                ))
            }
        }
        ChannelCmd::Remove { name } => {
            let ctx = s.ctx()?;
            let dropped = s.store.remove_channel(&ctx, &name)?;
            s.say(&format!(
                "{} {name} ({} {dropped})",
                s.pick("Removed", "已删除"),
                s.pick("waiting messages marked failed:", "待发消息标记为失败：")
            ))
        }
    }
}

/// `LN-12` or `12`.
fn parse_id(text: &str) -> CliResult<i64> {
    let t = text.trim();
    let digits = t.strip_prefix("LN-").or_else(|| t.strip_prefix("ln-")).unwrap_or(t);
    digits.parse().map_err(|_| {
        CliError::new(
            format!("`{text}` is not a message id; ids look like LN-12 (see `liaison notify list`)"),
            format!("「{text}」不是消息编号；编号形如 LN-12（见 `liaison notify list`）"),
        )
    })
}
