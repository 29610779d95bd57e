//! Attachments on the command line: attach a file, list them, save one.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::args::{AttachArgs, AttachmentCmd, NumberArg};
use super::render::{table, time};
use super::{CliError, CliResult, Session};
use crate::docs::form::human_size;
use crate::domain::attachment::safe_file_name;
use crate::domain::text::{clean_input, sanitize_line};

pub fn attach(s: &mut Session, a: AttachArgs) -> CliResult {
    let ctx = s.ctx()?;
    let shown = a.file.display().to_string();
    let limit = s.store.settings()?.attachment_limit();
    let size = crate::privilege::as_user(|| std::fs::metadata(&a.file).map(|m| m.len()))
        .map_err(|e| CliError::new(format!("cannot read {shown}: {e}"), format!("无法读取 {shown}：{e}")))?;
    if size > limit {
        let (got, max) = (human_size(size), human_size(limit));
        return Err(CliError::new(
            format!(
                "{shown} is {got}; attachments are limited to {max} (an admin sets it: liaison settings attachment-limit)"
            ),
            format!(
                "{shown} 大小为 {got}，附件上限为 {max}（管理员可用 liaison settings attachment-limit 调整）"
            ),
        ));
    }
    let bytes = crate::privilege::as_user(|| std::fs::read(&a.file))
        .map_err(|e| CliError::new(format!("cannot read {shown}: {e}"), format!("无法读取 {shown}：{e}")))?;
    let name =
        a.file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "attachment".into());
    let note = a.note.as_deref().map(clean_input).filter(|n| !n.is_empty());
    let att = s.store.attach(&ctx, &a.number, &name, &bytes, note.as_deref())?;
    if s.json {
        return s.print_json(&att);
    }
    let line = format!(
        "{} #{} {} ({}, SHA-256 {})",
        s.pick("Attached", "已添加附件"),
        att.id,
        sanitize_line(&att.name),
        human_size(att.size),
        &att.sha256[..16]
    );
    s.say(&line)
}

pub fn list(s: &mut Session, a: NumberArg) -> CliResult {
    s.require_reader()?;
    let all = s.store.attachments(&a.number)?;
    if s.json {
        return s.print_json(&all);
    }
    if all.is_empty() {
        return s.say(s.pick("No attachment.", "没有附件。"));
    }
    let lang = s.lang;
    let headers = [
        "ID",
        lang.pick("Name", "文件名"),
        lang.pick("Size", "大小"),
        lang.pick("Type", "类型"),
        lang.pick("Added", "时间"),
        lang.pick("By", "上传人"),
        "SHA-256",
        lang.pick("Note", "说明"),
    ];
    let rows: Vec<Vec<String>> = all
        .iter()
        .map(|x| {
            vec![
                x.id.to_string(),
                x.name.clone(),
                human_size(x.size),
                x.mime.clone(),
                time(x.at),
                x.by.clone(),
                x.sha256[..16].to_string(),
                x.note.clone().unwrap_or_default(),
            ]
        })
        .collect();
    s.say(&table(&headers, &rows, &[6, 40, 10, 24, 16, 12, 16, 40]))
}

pub fn attachment(s: &mut Session, cmd: AttachmentCmd) -> CliResult {
    let AttachmentCmd::Save { number, id, out } = cmd;
    s.require_reader()?;
    let (att, bytes) = s.store.attachment(&number, id)?;
    let path = target(out.as_deref(), &att.name);
    let shown = path.display().to_string();
    crate::privilege::as_user(|| {
        // Never through an existing file or a link planted there: a new file or nothing.
        let mut f = std::fs::OpenOptions::new().write(true).create_new(true).open(&path)?;
        f.write_all(&bytes)?;
        f.sync_all()
    })
    .map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            CliError::new(
                format!("{shown} exists; choose another name: liaison attachment save {number} {id} OUT"),
                format!("{shown} 已存在；请另选文件名：liaison attachment save {number} {id} 输出路径"),
            )
        } else {
            CliError::new(format!("cannot write {shown}: {e}"), format!("无法写入 {shown}：{e}"))
        }
    })?;
    if s.json {
        return s.print_json(&serde_json::json!({"saved": shown, "sha256": att.sha256, "size": att.size}));
    }
    let shown = sanitize_line(&shown);
    let line = match s.lang {
        crate::i18n::Lang::Zh => format!("已保存：{shown}"),
        crate::i18n::Lang::En => format!("Saved: {shown}"),
    };
    s.say(&line)
}

/// Where to save: into OUT if it is a directory (default: the current one), under the stored
/// name cleaned of paths and control characters; else OUT itself, as the user typed it.
pub fn target(out: Option<&Path>, name: &str) -> PathBuf {
    let clean = safe_file_name(name);
    match out {
        None => PathBuf::from(".").join(clean),
        Some(dir) if dir.is_dir() => dir.join(clean),
        Some(file) => file.to_path_buf(),
    }
}
