//! Documents out: the filled-in form as Word, lists as Excel, everything as JSON; and in: imports.

use std::path::{Path, PathBuf};

use super::args::{ExportArgs, ImportArgs};
use super::issue::{issue_filter, record_json};
use super::{CliError, CliResult, Session};
use crate::docs::form::{FormContext, form};
use crate::docs::import::{self, Kind, Problem, json::ExportFile, rows::RowContext};
use crate::domain::*;
use crate::i18n::Lang;
use crate::store::{ImportBatch, IssueFilter};

fn cannot_write(path: &Path, e: impl std::fmt::Display) -> CliError {
    let p = path.display();
    CliError::new(format!("cannot write {p}: {e}"), format!("无法写入 {p}：{e}"))
}

/// Writes a file of the user's, as the user (see `privilege::as_user`): to a temporary name
/// beside it first, then renamed, so a reader never sees half a file.
pub fn write_file(path: &Path, bytes: &[u8]) -> CliResult {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    crate::privilege::as_user(|| {
        std::fs::write(&tmp, bytes)?;
        std::fs::rename(&tmp, path).inspect_err(|_| {
            let _ = std::fs::remove_file(&tmp);
        })
    })
    .map_err(|e| cannot_write(path, e))
}

fn docx_bytes(
    s: &mut Session,
    record: &IssueRecord,
    people: &[Person],
    depts: &[Department],
) -> CliResult<Vec<u8>> {
    let settings = s.store.settings()?;
    let attachments = s.store.attachments(&record.issue.number)?;
    let cx = FormContext { people, depts, rules: settings.response, attachments: &attachments, lang: s.lang };
    let doc = form(record, &cx);
    let header = match s.lang {
        Lang::Zh => format!("问题编号：{}", record.issue.number),
        Lang::En => format!("Issue {}", record.issue.number),
    };
    let footer = match s.lang {
        Lang::Zh => ("第 ", " 页，共 ", " 页"),
        Lang::En => ("Page ", " of ", ""),
    };
    let title = format!("{} {}", record.issue.number, record.issue.title);
    let cursor = doc.write(std::io::Cursor::new(Vec::new()), &header, footer, &title).map_err(|e| {
        CliError::new(format!("cannot build the document: {e}"), format!("无法生成文档：{e}"))
    })?;
    Ok(cursor.into_inner())
}

/// The numbers the list filters select, every one (no window unless --limit).
fn selected(s: &mut Session, filter: &IssueFilter) -> CliResult<Vec<String>> {
    Ok(s.store.list(filter, s.now)?.into_iter().map(|r| r.number).collect())
}

pub fn export(s: &mut Session, a: ExportArgs) -> CliResult {
    s.require_reader()?;
    let filter = issue_filter(s, a.filters)?;
    if let Some(path) = &a.docx {
        let people = s.store.people()?;
        let depts = s.store.departments()?;
        return match a.items.as_slice() {
            [number] => {
                let record = s.store.record(number)?;
                let bytes = docx_bytes(s, &record, &people, &depts)?;
                write_file(path, &bytes)?;
                let p = path.display();
                s.say(&match s.lang {
                    Lang::Zh => format!("已写出：{p}"),
                    Lang::En => format!("Written: {p}"),
                })
            }
            [] => {
                crate::privilege::as_user(|| std::fs::create_dir_all(path))
                    .map_err(|e| cannot_write(path, e))?;
                let numbers = selected(s, &filter)?;
                for number in &numbers {
                    let record = s.store.record(number)?;
                    let bytes = docx_bytes(s, &record, &people, &depts)?;
                    let name = crate::domain::attachment::safe_file_name(&format!("{number}.docx"));
                    write_file(&path.join(name), &bytes)?;
                }
                let (n, p) = (numbers.len(), path.display());
                s.say(&match s.lang {
                    Lang::Zh => format!("已写出 {n} 份表单到 {p}"),
                    Lang::En => format!("{n} forms written to {p}"),
                })
            }
            _ => Err(usage()),
        };
    }
    if s.json {
        let (number, file) = match a.items.as_slice() {
            [file] => (None, file),
            [number, file] => (Some(number.clone()), file),
            _ => return Err(usage()),
        };
        let numbers = match number {
            Some(n) => vec![n],
            None if a.all => selected(s, &IssueFilter { limit: None, ..IssueFilter::default() })?,
            None => selected(s, &filter)?,
        };
        let cal = s.store.calendar()?;
        let mut issues = Vec::with_capacity(numbers.len());
        for number in &numbers {
            issues.push(record_json(&s.store.record(number)?, s.now, &cal)?);
        }
        let file_value = ExportFile {
            format: import::json::FORMAT.into(),
            version: 1,
            departments: s.store.departments()?,
            people: s.store.people()?,
            issues,
        };
        let text = serde_json::to_string_pretty(&file_value)
            .map_err(|e| CliError::new(format!("cannot encode JSON: {e}"), format!("无法生成 JSON：{e}")))?;
        if file == "-" {
            return s.say(&text);
        }
        let path = PathBuf::from(file);
        write_file(&path, text.as_bytes())?;
        let n = numbers.len();
        eprintln!(
            "{}",
            s.pick(&format!("{n} issues written to {file}"), &format!("已导出 {n} 个问题到 {file}"))
        );
        return Ok(());
    }
    Err(usage())
}

fn usage() -> CliError {
    CliError::new(
        "export NUMBER --docx FILE · export --docx DIR [list filters] · export --json --all FILE · export --json [NUMBER] FILE",
        "用法：export 编号 --docx 文件 · export --docx 目录 [列表筛选] · export --json --all 文件 · export --json [编号] 文件",
    )
}

pub fn list_xlsx(s: &mut Session, filter: &IssueFilter, path: &Path) -> CliResult {
    let numbers = selected(s, filter)?;
    let mut records = Vec::with_capacity(numbers.len());
    for n in &numbers {
        records.push(s.store.record(n)?);
    }
    let people = s.store.people()?;
    let depts = s.store.departments()?;
    let bytes = crate::docs::xlsx::list_workbook(&records, &people, &depts, s.lang).map_err(|e| {
        CliError::new(format!("cannot build the workbook: {e}"), format!("无法生成工作簿：{e}"))
    })?;
    write_file(path, &bytes)?;
    let n = records.len();
    s.say(&match s.lang {
        Lang::Zh => format!("已写出 {n} 个问题到 {}", path.display()),
        Lang::En => format!("{n} issues written to {}", path.display()),
    })
}

/// Every problem on standard output (one a line, or JSON), and one line of refusal: a problem
/// with the file as a whole is that line itself.
fn refuse_problems(s: &mut Session, problems: &[Problem], total: usize) -> CliError {
    let lang = s.lang;
    if let [only] = problems
        && only.row.is_none()
    {
        return CliError::new(only.line(Lang::En), only.line(Lang::Zh));
    }
    let listed = if s.json {
        let items: Vec<serde_json::Value> = problems
            .iter()
            .map(|p| {
                serde_json::json!({"row": p.row, "column": p.column, "what": p.what.get(lang), "fix": p.fix.get(lang)})
            })
            .collect();
        s.print_json(&serde_json::json!({"problems": items}))
    } else {
        let text: Vec<String> = problems.iter().map(|p| p.line(lang)).collect();
        s.say(&text.join("\n"))
    };
    if let Err(e) = listed {
        return e;
    }
    let n = problems.len();
    CliError::new(
        format!(
            "{n} problems in {total} rows (listed above); nothing was written: correct them and run again (--dry-run checks without writing)"
        ),
        format!(
            "{total} 行中有 {n} 处问题（见上）；未写入任何内容：请修正后重新导入（--dry-run 只检查不写入）"
        ),
    )
}

pub fn import(s: &mut Session, a: ImportArgs) -> CliResult {
    let ctx = s.ctx()?;
    let lang = s.lang;
    let name = a.file.display().to_string();
    let size = crate::privilege::as_user(|| std::fs::metadata(&a.file).map(|m| m.len()))
        .map_err(|e| CliError::new(format!("cannot read {name}: {e}"), format!("无法读取 {name}：{e}")))?;
    if size > import::MAX_FILE {
        let (got, max) =
            (crate::docs::form::human_size(size), crate::docs::form::human_size(import::MAX_FILE));
        return Err(CliError::new(
            format!("{name} is {got}; an import takes at most {max}: split it into several files"),
            format!("{name} 大小为 {got}，单次导入最多 {max}：请拆分为多个文件"),
        ));
    }
    let bytes = crate::privilege::as_user(|| std::fs::read(&a.file))
        .map_err(|e| CliError::new(format!("cannot read {name}: {e}"), format!("无法读取 {name}：{e}")))?;
    let one = |p: Problem| CliError::new(p.line(Lang::En), p.line(Lang::Zh));
    let kind = import::kind_of(&name, &bytes).map_err(one)?;
    let source = a.file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or(name.clone());
    let (batch, mut problems, total) = if kind == Kind::Json {
        let text = import::table::decode(&bytes).map_err(one)?;
        let parsed = import::json::parse(&text);
        let total = parsed.records.len() + parsed.problems.len();
        let batch = ImportBatch {
            departments: parsed.departments,
            people: parsed.people,
            records: parsed.records,
            source,
        };
        (batch, parsed.problems, total)
    } else {
        let table = import::table::read(kind, &bytes, a.sheet.as_deref()).map_err(one)?;
        let people = s.store.people()?;
        let depts = s.store.departments()?;
        let calendar = s.store.calendar()?;
        let cx = RowContext {
            people: &people,
            depts: &depts,
            settings: s.store.settings()?,
            calendar: &calendar,
            importer: ctx.actor.login(),
            now: s.now,
            file: &source,
        };
        let (records, problems) = import::rows::records(&table, &cx);
        let total = table.rows.len();
        (
            ImportBatch { departments: vec![], people: vec![], records, source: source.clone() },
            problems,
            total,
        )
    };
    // Problems in the file come first; the rule book's refusals are checked against the database
    // (a dry run too), so the list names everything at once.
    let outcome = s.store.import(&ctx.actor, &batch, true, s.now, lang)?;
    for r in &outcome.refused {
        let rule = format!("{} [{}]", r.text.get(lang), r.rule);
        problems.push(Problem::new(
            Some(r.row),
            Some(if r.number.is_empty() { "—" } else { &r.number }),
            crate::i18n::Bilingual::new(rule.clone(), rule),
            crate::i18n::Bilingual::new(
                "correct the record so that it agrees with the rule book (liaison doctor lists the rules)",
                "请修正该记录，使其符合规则（规则见 liaison doctor）",
            ),
        ));
    }
    problems.sort_by_key(|p| p.row.unwrap_or(0));
    if !problems.is_empty() {
        return Err(refuse_problems(s, &problems, total));
    }
    let already = outcome.already.len();
    if a.dry_run {
        if s.json {
            return s.print_json(
                &serde_json::json!({"dry_run": true, "would_add": outcome.would_add, "already": already}),
            );
        }
        return s.say(&match lang {
            Lang::Zh => format!(
                "试运行：{} 条可以导入，{already} 条已存在（跳过）；未写入任何内容。",
                outcome.would_add
            ),
            Lang::En => format!(
                "Dry run: {} to import, {already} already there (skipped); nothing was written.",
                outcome.would_add
            ),
        });
    }
    let done = s.store.import(&ctx.actor, &batch, false, s.now, lang)?;
    if !done.refused.is_empty() {
        let r = &done.refused[0];
        return Err(CliError::new(
            format!("row {}: {}; nothing was written", r.row, r.text.get(Lang::En)),
            format!("第 {} 行：{}；未写入任何内容", r.row, r.text.get(Lang::Zh)),
        ));
    }
    if s.json {
        return s.print_json(&serde_json::json!({"added": done.added, "already": done.already.len(),
            "people_added": done.people_added, "departments_added": done.departments_added}));
    }
    let n = done.added.len();
    s.say(&match lang {
        Lang::Zh => format!("已导入 {n} 个问题，{} 个已存在（跳过）。", done.already.len()),
        Lang::En => format!("Imported {n} issues; {} already there (skipped).", done.already.len()),
    })
}
