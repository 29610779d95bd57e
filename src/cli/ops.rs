//! Operations: the tamper-evident history (`audit`), `backup`, `restore` and `doctor`.

use std::io::Write;
use std::path::Path;

use serde_json::{Value, json};
use unicode_width::UnicodeWidthStr;

use super::args::{AuditCmd, BackupArgs, RestoreArgs};
use super::{CliError, CliResult, Session};
use crate::i18n::Lang;
use crate::store::{Anchor, CheckStatus, Diagnosis, Verification, diagnose};

pub fn audit(s: &mut Session, cmd: AuditCmd) -> CliResult {
    match cmd {
        AuditCmd::Verify { anchor } => verify(s, anchor.as_deref()),
        AuditCmd::Anchor => anchor(s),
        AuditCmd::Rehash => rehash(s),
    }
}

fn verify(s: &mut Session, anchor: Option<&str>) -> CliResult {
    s.require_reader()?;
    let anchor = match anchor {
        None => None,
        Some(text) => Some(Anchor::parse(text).ok_or_else(|| {
            CliError::new(
                format!("--anchor {text}: write ID:HASH as `liaison audit anchor` prints it"),
                format!("--anchor {text}：请按 `liaison audit anchor` 的输出写成 编号：哈希"),
            )
        })?),
    };
    let v = s.store.verify_history(anchor.as_ref())?;
    // Each attachment's bytes, hashed again, against the hash its (chained) event recorded.
    let mismatched = s.store.verify_attachments()?;
    if s.json {
        let mut value = verification_json(&v, s.lang);
        value["attachments_tampered"] = serde_json::json!(
            mismatched
                .iter()
                .map(|m| serde_json::json!({"id": m.id, "number": m.number, "name": m.name,
                "recorded": m.recorded, "actual": m.actual}))
                .collect::<Vec<_>>()
        );
        s.print_json(&value)?;
    } else if v.intact() && mismatched.is_empty() {
        let text = verification_text(&v, s.lang);
        s.say(&text)?;
    }
    if let Some(t) = &v.tampering {
        return Err(CliError::new(
            format!(
                "the history was tampered with: {}; compare with a backup (`liaison restore FILE`)",
                t.message(Lang::En)
            ),
            format!("历史记录被篡改：{}；请与备份核对（`liaison restore 文件`）", t.message(Lang::Zh)),
        ));
    }
    if v.key.unchecked() {
        return Err(CliError::new(
            format!("the history could not be checked whole: {}", v.key.message(Lang::En)),
            format!("历史记录未能全部校验：{}", v.key.message(Lang::Zh)),
        ));
    }
    if let Some(a) = v.anchor.as_ref().filter(|a| !a.held()) {
        return Err(CliError::new(
            format!("the history fails the anchor: {}", a.message(Lang::En)),
            format!("历史记录与锚点不符：{}", a.message(Lang::Zh)),
        ));
    }
    if let Some(m) = mismatched.first() {
        let name = crate::domain::text::sanitize_line(&m.name).into_owned();
        let (n, id) = (&m.number, m.id);
        let more = mismatched.len() - 1;
        return Err(CliError::new(
            format!(
                "attachment #{id} ({name}) of {n} was changed: its bytes no longer match the SHA-256 its event recorded{}; compare with a backup",
                if more > 0 { format!(" (and {more} more)") } else { String::new() }
            ),
            format!(
                "{n} 的附件 #{id}（{name}）被改动：内容与事件记录的 SHA-256 不符{}；请与备份核对",
                if more > 0 { format!("（另有 {more} 个）") } else { String::new() }
            ),
        ));
    }
    Ok(())
}

fn status(v: &Verification) -> &'static str {
    if v.tampering.is_none() && v.key.unchecked() {
        "unchecked"
    } else if !v.intact() {
        "tampered"
    } else if v.unhashed.is_some() {
        "unhashed"
    } else {
        "ok"
    }
}

fn verification_json(v: &Verification, lang: Lang) -> Value {
    let mut out = json!({
        "status": status(v),
        "events": v.events,
        "head": v.head.as_ref().map(ToString::to_string),
        "unhashed": v.unhashed,
        "tampering": v.tampering,
        "anchor": v.anchor,
        "key": v.key,
    });
    out["key"]["message"] = json!(v.key.message(lang));
    if let Some(t) = &v.tampering {
        out["tampering"]["message"] = json!(t.message(lang));
    }
    if let Some(a) = &v.anchor {
        out["anchor"]["message"] = json!(a.message(lang));
    }
    if v.unhashed.is_some() {
        out["fix"] = json!("liaison audit rehash");
    }
    out
}

fn verification_text(v: &Verification, lang: Lang) -> String {
    let mut lines = vec![match lang {
        Lang::En => format!("History intact: {} events checked, none edited, deleted or inserted.", v.events),
        Lang::Zh => format!("历史记录完好：已校验 {} 条事件，没有修改、删除或插入。", v.events),
    }];
    if let Some(head) = &v.head {
        lines.push(format!("{}: {head}", lang.pick("head", "链头")));
    }
    if v.key != crate::store::KeyState::Plain {
        lines.push(v.key.message(lang));
    }
    if let Some(u) = &v.unhashed {
        lines.push(match lang {
            Lang::En => format!(
                "{} events (ids {}–{}) are not hashed yet: a bulk import wrote them; protect them with `liaison audit rehash`",
                u.count, u.first_id, u.last_id
            ),
            Lang::Zh => format!(
                "{} 条事件（编号 {}–{}）尚未计算哈希：由批量导入写入；请运行 `liaison audit rehash` 纳入保护",
                u.count, u.first_id, u.last_id
            ),
        });
    }
    if let Some(a) = &v.anchor {
        lines.push(a.message(lang));
    }
    lines.join("\n")
}

fn anchor(s: &mut Session) -> CliResult {
    s.require_reader()?;
    let (head, newer) = s.store.history_head()?;
    let Some(head) = head else {
        return Err(CliError::new(
            "the history has no hashed events yet; run `liaison audit rehash` first",
            "历史记录中尚无已计算哈希的事件；请先运行 `liaison audit rehash`",
        ));
    };
    if s.json {
        return s.print_json(&json!({
            "anchor": head.to_string(), "id": head.id, "hash": head.hash, "unhashed_after": newer,
        }));
    }
    if newer > 0 {
        // A note for the person; stdout stays the anchor alone, for scripts.
        let note = match s.lang {
            Lang::En => format!(
                "liaison: note: {newer} newer events are not hashed yet and not covered by this anchor; run `liaison audit rehash`, then anchor again"
            ),
            Lang::Zh => format!(
                "liaison: 提示：有 {newer} 条更新的事件尚未计算哈希，不在此锚点保护之内；请运行 `liaison audit rehash` 后重新生成锚点"
            ),
        };
        eprintln!("{note}");
    }
    s.say(&head.to_string())
}

fn rehash(s: &mut Session) -> CliResult {
    let ctx = s.ctx()?;
    let r = s.store.rehash_history(&ctx)?;
    if s.json {
        return s.print_json(&json!({
            "hashed": r.hashed, "head": r.head.as_ref().map(ToString::to_string),
        }));
    }
    let head = r.head.map(|h| h.to_string()).unwrap_or_default();
    let text = match s.lang {
        Lang::En => format!("Hashed {} events; the chain's head is now {head}", r.hashed),
        Lang::Zh => format!("已为 {} 条事件计算哈希；链头现为 {head}", r.hashed),
    };
    s.say(&text)
}

fn size(bytes: u64) -> String {
    if bytes >= 1 << 20 {
        format!("{:.1} MiB", bytes as f64 / f64::from(1 << 20))
    } else {
        format!("{} KiB", bytes.div_ceil(1024))
    }
}

pub fn backup(s: &mut Session, a: BackupArgs) -> CliResult {
    s.require_reader()?;
    // The copy goes where the user says, as the user: with their group, and only where they
    // may write themselves (see `privilege::as_user`).
    let mut done = None;
    crate::privilege::as_user(|| {
        done = Some(s.store.backup_to(&a.file, a.force));
        Ok(())
    })
    .map_err(|e| {
        CliError::new(
            format!("cannot switch to your own group to write {}: {e}", a.file.display()),
            format!("无法切换到你自己的组以写入 {}：{e}", a.file.display()),
        )
    })?;
    let r = done.expect("as_user ran the backup")?;
    if s.json {
        return s.print_json(&r);
    }
    let text = match s.lang {
        Lang::En => format!(
            "Backed up to {}: {}, schema version {}, integrity ok ({:.1} s)",
            r.file.display(),
            size(r.bytes),
            r.schema_version,
            r.seconds
        ),
        Lang::Zh => format!(
            "已备份到 {}：{}，结构版本 {}，完整性检查正常（用时 {:.1} 秒）",
            r.file.display(),
            size(r.bytes),
            r.schema_version,
            r.seconds
        ),
    };
    s.say(&text)
}

pub fn restore(s: &mut Session, a: RestoreArgs) -> CliResult {
    let ctx = s.ctx()?;
    let r = s.store.restore_from(&ctx, &a.file)?;
    if s.json {
        return s.print_json(&r);
    }
    let text = match s.lang {
        Lang::En => format!(
            "Restored the database from {} (schema version {}).\nThe database as it was is kept as {}.\nCheck its history: liaison audit verify",
            r.from.display(),
            r.schema_version,
            r.previous.display()
        ),
        Lang::Zh => format!(
            "已从 {} 恢复数据库（结构版本 {}）。\n恢复前的数据库已保存为 {}。\n请校验历史记录：liaison audit verify",
            r.from.display(),
            r.schema_version,
            r.previous.display()
        ),
    };
    s.say(&text)
}

/// `liaison doctor`: runs before (and without) opening the store, so that it also works when
/// opening fails. Exit code 2 when a problem was found.
pub fn doctor(db: &Path, lang: Lang, json: bool) -> CliResult {
    let d = diagnose(db);
    print_diagnosis(&d, lang, json)
}

/// Prints what the doctor found; refuses (exit 2) when it found a problem.
pub fn print_diagnosis(d: &Diagnosis, lang: Lang, json: bool) -> CliResult {
    let text = if json {
        let value = doctor_json(d, lang);
        serde_json::to_string_pretty(&value)
            .map_err(|e| CliError::new(format!("cannot encode JSON: {e}"), format!("无法生成 JSON：{e}")))?
    } else {
        doctor_text(d, lang)
    };
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}")?;
    out.flush()?;
    let problems: Vec<_> = d.checks.iter().filter(|c| c.status == CheckStatus::Problem).collect();
    match problems.first() {
        None => Ok(()),
        Some(first) => {
            let fix = |en: bool| match &first.fix {
                Some(cmd) if en => format!("; fix: {cmd}"),
                Some(cmd) => format!("；修复：{cmd}"),
                None => String::new(),
            };
            Err(CliError::new(
                format!(
                    "doctor found {} problem(s); the first: {}{}",
                    problems.len(),
                    first.message.en,
                    fix(true)
                ),
                format!("检查发现 {} 个问题；第一个：{}{}", problems.len(), first.message.zh, fix(false)),
            ))
        }
    }
}

fn doctor_json(d: &Diagnosis, lang: Lang) -> Value {
    let checks: Vec<Value> = d
        .checks
        .iter()
        .map(|c| json!({"check": c.check, "status": c.status, "message": c.message.get(lang), "fix": c.fix}))
        .collect();
    json!({
        "database": d.database,
        "exists": d.exists,
        "healthy": d.healthy(),
        "problems": d.count(CheckStatus::Problem),
        "warnings": d.count(CheckStatus::Warning),
        "schema_version": d.schema_version,
        "supported_schema_version": d.supported_version,
        "integrity": d.integrity,
        "journal_mode": d.journal_mode,
        "wal_bytes": d.wal_bytes,
        "user": {"login": d.login, "role": d.role.clone().unwrap_or_else(|| "not registered".into())},
        "shared": d.shared,
        "filesystem": d.filesystem,
        "checks": checks,
    })
}

fn pad(text: &str, width: usize) -> String {
    let w = text.width();
    format!("{text}{}", " ".repeat(width.saturating_sub(w)))
}

fn doctor_text(d: &Diagnosis, lang: Lang) -> String {
    let mut lines = vec![format!("liaison doctor: {}", d.database.display())];
    for c in &d.checks {
        lines.push(format!(
            "  {} {}",
            pad(c.status.label(lang), 8),
            crate::domain::text::sanitize_line(c.message.get(lang))
        ));
        if let Some(fix) = &c.fix {
            lines.push(format!("  {} {} {fix}", pad("", 8), lang.pick("fix:", "修复：")));
        }
    }
    let (p, w) = (d.count(CheckStatus::Problem), d.count(CheckStatus::Warning));
    lines.push(match (lang, p) {
        (Lang::En, 0) => format!("Healthy ({w} warning(s))."),
        (Lang::Zh, 0) => format!("状态良好（警告 {w} 个）。"),
        (Lang::En, _) => format!("{p} problem(s), {w} warning(s)."),
        (Lang::Zh, _) => format!("问题 {p} 个，警告 {w} 个。"),
    });
    lines.join("\n")
}
