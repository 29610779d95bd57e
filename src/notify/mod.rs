//! The sender (`liaison notify run`): takes due messages from the outbox under a lease, delivers
//! them, and records what each service answered. A separate process: no user's write waits on it.
//!
//! At least once: a message is marked sent only after the service said so; a sender killed in
//! between leaves its lease to run out, and the message is sent again with the same id
//! (`LN-N` in its text, its Message-ID, the webhook's `X-Liaison-Message-Id`).

pub mod mail;
pub mod wire;

use std::collections::HashSet;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use chrono::{NaiveDateTime, Timelike};

use crate::domain::ChannelKind;
use crate::domain::channel::{blot, secrets_of};
use crate::domain::notify::fold;
use crate::store::{Leased, Outcome, Store, StoreResult};
use wire::{Outgoing, Refused, message_id};

/// How the sender behaves; `notify run`'s options.
#[derive(Debug, Clone)]
pub struct SenderConfig {
    /// Deliver what is due, then stop (cron).
    pub once: bool,
    /// How long a leased message is this sender's alone.
    pub lease: Duration,
    /// The wait before the first retry; doubled each time, at most an hour.
    pub backoff: Duration,
    /// Tries before a message is marked failed.
    pub max_attempts: i64,
    /// This many messages or more for one channel (or person) at once are sent as one.
    pub fold_at: usize,
    /// The hour (local) from which the day's digests are queued; none: no digest.
    pub digest_hour: Option<u32>,
}

impl Default for SenderConfig {
    fn default() -> Self {
        SenderConfig {
            once: false,
            lease: Duration::from_secs(60),
            backoff: Duration::from_secs(30),
            max_attempts: 8,
            fold_at: 4,
            digest_hour: Some(9),
        }
    }
}

/// What a run did.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    pub sent: usize,
    pub retried: usize,
    pub failed: usize,
    pub requests: usize,
    pub digests: usize,
}

pub fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

fn local_now() -> NaiveDateTime {
    chrono::Local::now().naive_local()
}

/// Runs the sender until stopped (or, with `once`, until nothing is due). `log` gets one line
/// per delivery, secrets masked.
pub fn run(store: &mut Store, cfg: &SenderConfig, log: &mut dyn FnMut(&str)) -> StoreResult<Summary> {
    let owner = format!("{}:{}:{}", hostname(), std::process::id(), now_ms());
    let mut summary = Summary::default();
    // The day whose digests this process has queued (the outbox keeps them unique per day and
    // channel across processes; this only spares the queries every second).
    let mut digested: Option<chrono::NaiveDate> = None;
    loop {
        let now = local_now();
        if let Some(hour) = cfg.digest_hour
            && digested != Some(now.date())
            && now.hour() >= hour
        {
            summary.digests += queue_digests(store, hour, now)?;
            digested = Some(now.date());
        }
        let batch = store.lease_messages(&owner, now_ms(), cfg.lease.as_millis() as i64, 8)?;
        if batch.is_empty() {
            if cfg.once {
                return Ok(summary);
            }
            let wait = store.next_try_ms()?.map_or(1000, |at| (at - now_ms()).clamp(50, 1000));
            std::thread::sleep(Duration::from_millis(wait as u64));
            continue;
        }
        // A message of this batch may have gone out folded into an earlier one.
        let mine: HashSet<i64> = batch.iter().map(|m| m.id).collect();
        let mut settled = HashSet::new();
        let lease_ms = cfg.lease.as_millis() as i64;
        let mut leased_at = now_ms();
        for m in batch {
            if settled.contains(&m.id) {
                continue;
            }
            // Slow services (a 10 s timeout each) must not let the lease run out under the
            // rest of the batch: past half of it, it is renewed, and a message lost meanwhile
            // to another sender is left to that sender.
            if now_ms() - leased_at > lease_ms / 2 {
                let rest: Vec<i64> = mine.iter().copied().filter(|id| !settled.contains(id)).collect();
                let held: HashSet<i64> =
                    store.renew(&owner, &rest, now_ms() + lease_ms)?.into_iter().collect();
                leased_at = now_ms();
                settled.extend(rest.into_iter().filter(|id| !held.contains(id)));
                if !held.contains(&m.id) {
                    continue;
                }
            }
            settled.extend(deliver(store, cfg, &owner, m, &mine, &mut summary, log)?);
        }
    }
}

/// Sends one message now (a channel test), without folding; returns what became of it.
pub fn send_one(store: &mut Store, id: i64) -> StoreResult<Summary> {
    let owner = format!("{}:{}:test", hostname(), std::process::id());
    let cfg = SenderConfig { max_attempts: 1, fold_at: usize::MAX, ..SenderConfig::default() };
    let mut summary = Summary::default();
    if let Some(m) = store.lease_one(&owner, id, now_ms(), cfg.lease.as_millis() as i64)? {
        deliver(store, &cfg, &owner, m, &HashSet::new(), &mut summary, &mut |_| {})?;
    }
    Ok(summary)
}

/// Queues each department's digest once a working day, from `hour` on.
pub fn queue_digests(store: &mut Store, hour: u32, now: NaiveDateTime) -> StoreResult<usize> {
    if now.hour() < hour {
        return Ok(0);
    }
    let mut n = 0;
    for dept in store.digest_departments()? {
        if let Ok(queued) = store.queue_digest(&dept, now)? {
            n += queued;
        }
    }
    Ok(n)
}

#[allow(clippy::too_many_arguments)]
fn deliver(
    store: &mut Store,
    cfg: &SenderConfig,
    owner: &str,
    first: Leased,
    mine: &HashSet<i64>,
    summary: &mut Summary,
    log: &mut dyn FnMut(&str),
) -> StoreResult<Vec<i64>> {
    let lease_ms = cfg.lease.as_millis() as i64;
    let mut group = vec![first];
    if group[0].channel.kind != ChannelKind::Webhook && group[0].kind != "test" {
        let more = store.lease_companions(owner, &group[0], now_ms(), lease_ms)?;
        if more.len() + 1 >= cfg.fold_at {
            group.extend(more);
        } else {
            let ids: Vec<i64> = more.iter().map(|m| m.id).filter(|id| !mine.contains(id)).collect();
            if !ids.is_empty() {
                store.release(owner, &ids)?;
            }
        }
    }
    let c = group[0].channel.clone();
    let (subject, text) = if group.len() > 1 {
        let items: Vec<(i64, String)> = group.iter().map(|m| (m.id, m.subject.clone())).collect();
        let (subject, body) = fold(&items);
        (subject, format!("{body}\n\n消息编号 Message id：{}", message_id(group[0].id)))
    } else {
        let m = &group[0];
        (m.subject.clone(), format!("{}\n\n消息编号 Message id：{}", m.body, message_id(m.id)))
    };
    let out = Outgoing { first: &group[0], subject, text };
    if crate::store::rate_limit(c.kind).is_some() {
        store.count_request(c.id, now_ms())?;
    }
    let result = match c.kind {
        ChannelKind::Email => mail::send_mail(&c, &out),
        _ => wire::send_http(&c, &out, now_ms()),
    };
    summary.requests += 1;
    let secrets = secrets_of(&c.url, c.secret.as_deref());
    let attempts = group[0].attempts + 1;
    let outcome = match result {
        Ok(answer) => Outcome::Sent { answer: blot(&answer, &secrets) },
        Err(Refused { answer, retry }) => {
            let answer = blot(&answer, &secrets);
            if retry && attempts < cfg.max_attempts {
                let wait = cfg.backoff.as_millis() as i64 * (1i64 << (attempts - 1).clamp(0, 20));
                Outcome::Retry { answer, at_ms: now_ms() + wait.min(3_600_000) }
            } else {
                Outcome::Failed { answer }
            }
        }
    };
    let ids: Vec<i64> = group.iter().map(|m| m.id).collect();
    let held = store.settle(owner, &ids, &outcome, local_now())?;
    let (word, answer) = match &outcome {
        Outcome::Sent { answer } => {
            summary.sent += held;
            ("sent", answer)
        }
        Outcome::Retry { answer, .. } => {
            summary.retried += held;
            ("retry", answer)
        }
        Outcome::Failed { answer } => {
            summary.failed += held;
            ("failed", answer)
        }
    };
    let who = group[0].recipient.as_deref().unwrap_or("");
    log(&format!(
        "{word} {} ×{} → {} {} {who}: {answer}",
        message_id(group[0].id),
        group.len(),
        c.kind,
        c.name
    ));
    Ok(ids)
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_else(|_| "host".into())
}
