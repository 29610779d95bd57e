//! Human output: aligned tables (by display width, so Chinese lines up), times, countdowns and
//! the issue record section by section. Every text from the database passes `sanitize`.

use chrono::{NaiveDate, NaiveDateTime};

use crate::domain::deadline::{Due, DueWhat, countdown};
use crate::domain::risk::{TaskFacts, task_flag};
use crate::domain::rules::suggests_escalation;
use crate::domain::text::{pad, sanitize, sanitize_line, truncate, width};
use crate::domain::*;
use crate::i18n::Lang;

pub fn time(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%d %H:%M").to_string()
}

pub fn date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// A table whose columns are as wide as their widest cell (capped), headers first.
pub fn table(headers: &[&str], rows: &[Vec<String>], caps: &[usize]) -> String {
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            r.iter()
                .enumerate()
                .map(|(i, c)| {
                    let clean = sanitize_line(c);
                    truncate(&clean, caps.get(i).copied().unwrap_or(usize::MAX)).into_owned()
                })
                .collect()
        })
        .collect();
    let mut widths: Vec<usize> = headers.iter().map(|h| width(h)).collect();
    for row in &cells {
        for (i, c) in row.iter().enumerate() {
            widths[i] = widths[i].max(width(c));
        }
    }
    let line = |row: &[String]| {
        let last = row.len().saturating_sub(1);
        row.iter()
            .enumerate()
            .map(|(i, c)| if i == last { c.clone() } else { pad(c, widths[i]) })
            .collect::<Vec<_>>()
            .join("  ")
    };
    let mut out = vec![line(&headers.iter().map(|h| h.to_string()).collect::<Vec<_>>())];
    out.extend(cells.iter().map(|r| line(r)));
    out.join("\n")
}

/// Shows a person by display name and login, e.g. 张伟 (zhangweird).
pub fn person(login: &str, people: &[Person]) -> String {
    match people.iter().find(|p| p.login == login) {
        Some(p) => format!("{} ({})", sanitize_line(&p.display_name), sanitize_line(&p.login)),
        None => sanitize_line(login).into_owned(),
    }
}

/// The department's name and code, e.g. 研发部 (RD).
pub fn dept(code: &str, depts: &[Department]) -> String {
    match depts.iter().find(|d| d.code == code) {
        Some(d) => format!("{} ({})", sanitize_line(&d.name), d.code),
        None => code.to_string(),
    }
}

/// Everything `show` prints for a person: the template's sections in order, then the timeline.
pub fn record(
    r: &IssueRecord,
    people: &[Person],
    depts: &[Department],
    cal: &Calendar,
    now: NaiveDateTime,
    lang: Lang,
) -> String {
    let i = &r.issue;
    let mut out = String::new();
    let mut line = |label: &str, value: &str| {
        out.push_str(&format!("  {}  {}\n", pad(label, 12), value));
    };
    let p = |login: &str| person(login, people);
    let text = |t: &str| indent(&sanitize(t));

    line(lang.pick("Number", "问题编号"), &i.number);
    line(
        lang.pick("Proposer", "提出部门/人"),
        &format!("{} / {}", dept(&i.proposer_dept, depts), p(&i.proposer)),
    );
    line(lang.pick("Proposed", "提出时间"), &time(i.proposed_at));
    line(lang.pick("Priority", "优先级"), i.priority.label(lang));
    let mut status = i.status.label(lang).to_string();
    if i.escalated_now() {
        status.push_str(&format!("  [{}]", lang.pick("escalated", "需升级")));
    }
    line(lang.pick("Status", "状态"), &status);
    line(lang.pick("Version", "版本"), &i.version.to_string());
    let state = i.response_state(now, cal);
    let mut response = match (&i.first_response_at, &i.first_response_by) {
        (Some(at), Some(by)) => format!(
            "{} {} {} ({} {})",
            lang.pick("responded", "已响应"),
            time(*at),
            p(by),
            state.label(lang),
            time(i.response_due_at)
        ),
        _ if i.is_closed() => {
            format!("{} ({} {})", state.label(lang), lang.pick("due", "时限"), time(i.response_due_at))
        }
        _ => {
            let due = Due { at: i.response_due_at, clock: i.response_in_hours, what: DueWhat::Response };
            format!(
                "{} {} ({}, {})",
                lang.pick("due", "响应时限"),
                time(i.response_due_at),
                state.label(lang),
                countdown(now, due, cal).label(lang)
            )
        }
    };
    if let Some(why) = &i.response_waived {
        response.push_str(&format!(
            "; {} {}",
            lang.pick("solution entered without a response:", "未经响应即提交解决方案："),
            sanitize_line(why)
        ));
    }
    line(lang.pick("Response", "首次响应"), &response);

    let mut out = format!("{}\n{out}", heading(lang.pick("Basic information", "基本信息")));
    out.push_str(&format!("\n{}\n", heading(lang.pick("Description and request", "问题描述与需求"))));
    out.push_str(&format!("  {}\n{}", lang.pick("Title", "标题"), text(&i.title)));
    out.push_str(&format!("  {}\n{}", lang.pick("Background", "背景"), text(&i.background)));
    out.push_str(&format!("  {}\n{}", lang.pick("Request", "具体诉求"), text(&i.request)));
    let involved: Vec<String> = i.departments.iter().map(|d| dept(d, depts)).collect();
    out.push_str(&format!("  {}  {}\n", lang.pick("Departments", "涉及部门"), involved.join(", ")));

    out.push_str(&format!("\n{}\n", heading(lang.pick("Communication", "沟通记录"))));
    if r.meetings.is_empty() {
        out.push_str(&format!("  {}\n", lang.pick("(no meeting yet)", "（暂无会议）")));
    }
    for m in &r.meetings {
        out.push_str(&format!(
            "  #{} {} {} · {} {}\n",
            m.seq,
            time(m.held_at),
            m.mode.label(lang),
            lang.pick("recorded by", "记录人"),
            p(&m.recorder)
        ));
        let who: Vec<String> = m
            .participants
            .iter()
            .map(|x| {
                let proxy = x.proxy.as_ref().map(|y| y.suffix(p, lang)).unwrap_or_default();
                format!("{}/{} {}{proxy}", x.dept, p(&x.login), x.confirmation.label(lang))
            })
            .collect();
        out.push_str(&format!("    {}  {}\n", lang.pick("Participants", "参与部门/人"), who.join(", ")));
        out.push_str(&format!(
            "    {}\n{}",
            lang.pick("Summary", "沟通内容摘要"),
            indent2(&sanitize(&m.summary))
        ));
        if !m.disputes.trim().is_empty() {
            out.push_str(&format!(
                "    {}\n{}",
                lang.pick("Disputes", "争议点"),
                indent2(&sanitize(&m.disputes))
            ));
        }
        out.push_str(&format!(
            "    {}\n{}",
            lang.pick("Consensus", "达成共识"),
            indent2(&sanitize(&m.consensus))
        ));
        for x in m.participants.iter().filter(|x| x.confirmation == Confirmation::Objected) {
            let note = x.note.as_deref().unwrap_or("");
            out.push_str(&format!(
                "    {} {}: {}\n",
                lang.pick("Objection by", "异议"),
                p(&x.login),
                sanitize_line(note)
            ));
        }
    }

    out.push_str(&format!("\n{}\n", heading(lang.pick("Execution and tracking", "执行与跟踪"))));
    if r.tasks.is_empty() {
        out.push_str(&format!("  {}\n", lang.pick("(no task yet)", "（暂无任务）")));
    }
    for t in &r.tasks {
        let last_progress = r.progress.iter().filter(|x| x.task_seq == Some(t.seq)).map(|x| x.at).max();
        let has_alert = r.risks.iter().any(|k| k.task_seq == t.seq);
        let facts = TaskFacts { state: t.state, deadline: t.deadline, last_progress, has_alert };
        let flag = task_flag(facts, now, cal).map(|f| format!("  [{}]", f.label(lang))).unwrap_or_default();
        out.push_str(&format!(
            "  {}. {}: {} ({} {}, {} {}) {} {}%{flag}\n",
            t.seq,
            dept(&t.dept, depts),
            sanitize_line(&t.title),
            lang.pick("owner", "负责人"),
            p(&t.owner),
            lang.pick("due", "截止"),
            date(t.deadline),
            t.state.label(lang),
            t.percent
        ));
    }
    if !r.progress.is_empty() {
        out.push_str(&format!("  {}\n", lang.pick("Progress", "进度更新")));
    }
    for x in &r.progress {
        let task = x.task_seq.map(|s| format!(" #{s}")).unwrap_or_default();
        let percent = x.percent.map(|v| format!(" {v}%")).unwrap_or_default();
        out.push_str(&format!(
            "    {}{task}{percent} {}: {}\n",
            time(x.at),
            p(&x.by),
            sanitize_line(&x.note)
        ));
        if let Some(h) = &x.help {
            out.push_str(&format!(
                "      {} {}: {}\n",
                lang.pick("needs help from", "需协助："),
                dept(&h.dept, depts),
                sanitize_line(&h.what)
            ));
        }
    }
    if !r.risks.is_empty() {
        out.push_str(&format!("  {}\n", lang.pick("Risks", "风险事项")));
    }
    for k in &r.risks {
        let timely = if k.timely { lang.pick("timely", "及时") } else { lang.pick("late", "不及时") };
        let new = k
            .new_deadline
            .map(|d| format!(", {} {}", lang.pick("new date", "新日期"), date(d)))
            .unwrap_or_default();
        out.push_str(&format!(
            "    {} #{} {} [{timely}]: {}; {} {}{new}\n",
            time(k.raised_at),
            k.task_seq,
            p(&k.by),
            sanitize_line(&k.reason),
            lang.pick("plan:", "调整方案："),
            sanitize_line(&k.plan)
        ));
    }
    for e in &i.escalations {
        out.push_str(&format!(
            "  {} #{} {} {} → {}: {}\n",
            lang.pick("Escalated", "已升级"),
            e.seq,
            time(e.at),
            p(&e.by),
            sanitize_line(&e.to),
            sanitize_line(&e.reason)
        ));
        if let Some(c) = &e.closed {
            out.push_str(&format!(
                "    {} {} {}: {}\n",
                lang.pick("closed", "已解除"),
                time(c.at),
                p(&c.by),
                sanitize_line(&c.note)
            ));
        }
    }
    if suggests_escalation(r, now, cal) {
        out.push_str(&format!(
            "  {}\n",
            lang.pick(
                "A deadline is breached: consider escalating (`liaison escalate`).",
                "已有时限被突破：建议升级（`liaison escalate`）。"
            )
        ));
    }

    out.push_str(&format!("\n{}\n", heading(lang.pick("Resolution", "解决结果"))));
    match &i.resolution {
        Some(res) => {
            out.push_str(&format!(
                "  {}\n{}",
                lang.pick("Solution", "解决方案"),
                indent(&sanitize(&res.solution))
            ));
            out.push_str(&format!(
                "  {}  {}\n",
                pad(lang.pick("Resolved", "解决时间"), 12),
                time(res.resolved_at)
            ));
            out.push_str(&format!("  {}  {}\n", pad(lang.pick("Owner", "负责人"), 12), p(&res.owner)));
            out.push_str(&format!("  {}  {}\n", pad(lang.pick("Feedback", "反馈人"), 12), p(&res.feedback)));
        }
        None => out.push_str(&format!("  {}\n", lang.pick("(not resolved yet)", "（尚未解决）"))),
    }
    if let Some(a) = &i.acceptance {
        let verdict = if a.accepted {
            lang.pick("accepted", "验收通过")
        } else {
            lang.pick("refused", "验收不通过")
        };
        let reason = a.reason.as_deref().map(|r| format!(": {}", sanitize_line(r))).unwrap_or_default();
        let proxy = a.proxy.as_ref().map(|x| x.suffix(p, lang)).unwrap_or_default();
        out.push_str(&format!(
            "  {}  {} {verdict}{proxy} {}{reason}\n",
            pad(lang.pick("Acceptance", "验收"), 12),
            p(&a.by),
            time(a.at)
        ));
    }

    if let Some(retro) = &i.retrospective {
        out.push_str(&format!("\n{}\n", heading(lang.pick("Archive and retrospective", "归档与复盘"))));
        out.push_str(&indent(&sanitize(retro)));
        if let Some(at) = i.archived_at {
            out.push_str(&format!("  {}  {}\n", pad(lang.pick("Archived", "归档时间"), 12), time(at)));
        }
    }

    out.push_str(&format!("\n{}\n", heading(lang.pick("Timeline", "进度时间线"))));
    for e in &r.events {
        let (who, proxy) = e.doer();
        let proxy = proxy.map(|x| x.suffix(p, lang)).unwrap_or_default();
        out.push_str(&format!("  {}  {} {}{proxy}\n", time(e.at), p(who), e.kind.label(lang)));
    }
    out
}

fn heading(text: &str) -> String {
    format!("■ {text}")
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("    {l}\n")).collect()
}

fn indent2(text: &str) -> String {
    text.lines().map(|l| format!("      {l}\n")).collect()
}
