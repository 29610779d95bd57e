//! The detail pane: the template's sections in order, wrapped by display width, scrollable.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::search::Terms;
use super::{Theme, pane_block};
use crate::domain::names::Names;
use crate::domain::risk::{TaskFacts, task_flag};
use crate::domain::text::{sanitize, sanitize_line, wrap};
use crate::domain::*;
use crate::tui::app::{Pane, State};

pub fn draw(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    let lang = state.lang;
    let number = state.shown.record.as_ref().map(|r| format!(" {}", r.issue.number)).unwrap_or_default();
    let block =
        pane_block(format!(" {}{number} ", Pane::Detail.label(lang)), state.focus == Pane::Detail, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(record) = &state.shown.record else {
        let text = lang.pick("Select an issue in the list.", "请在列表中选择一个问题。");
        frame.render_widget(Paragraph::new(Line::styled(text, theme.hint)), inner);
        return;
    };
    let lines = lines(record, state, theme, inner.width.max(10) as usize);
    // Lines are wrapped to the pane as they are built; Wrap is the safety net for the few built
    // of several styled pieces (participants), so scrolling may go a little past the end.
    let max_scroll = lines.len().saturating_sub(inner.height as usize / 2) as u16;
    let paragraph = Paragraph::new(lines).wrap(ratatui::widgets::Wrap { trim: false });
    frame.render_widget(paragraph.scroll((state.shown.detail_scroll.min(max_scroll), 0)), inner);
}

/// Builds the pane's lines; long text wraps at `width` columns; the search terms are picked out.
pub fn lines(r: &IssueRecord, state: &State, theme: &Theme, width: usize) -> Vec<Line<'static>> {
    let lang = state.lang;
    let i = &r.issue;
    let names = Names::new(&state.people, &state.departments);
    let name = |login: &str| names.of(login);
    let terms = Terms::new(&state.list.query, theme);
    // Chinese takes full-width punctuation.
    let colon = lang.pick(": ", "：");
    let aside = |text: &str| match lang {
        crate::i18n::Lang::En => format!(" ({text})"),
        crate::i18n::Lang::Zh => format!("（{text}）"),
    };
    // Text wrapped to the pane in a style, the search terms picked out.
    let wrapped = |text: &str, indent: &str, style: Style| {
        terms.wrapped(text, width.saturating_sub(crate::domain::text::width(indent)), indent, style)
    };
    let mut out: Vec<Line<'static>> = Vec::new();
    let heading = |out: &mut Vec<Line<'static>>, text: &str| {
        if !out.is_empty() {
            out.push(Line::from(""));
        }
        out.push(Line::styled(format!("■ {text}"), theme.heading));
    };
    let field = |out: &mut Vec<Line<'static>>, label: &str, value: String, style: Style| {
        let label = format!("{label}{colon}");
        if crate::domain::text::width(&label) + crate::domain::text::width(&value) <= width {
            let mut spans = vec![Span::styled(label, theme.label)];
            spans.extend(terms.spans(&value, style));
            out.push(Line::from(spans));
        } else {
            // Too long for the pane: the value wraps below its label.
            out.push(Line::styled(label, theme.label));
            out.extend(wrapped(&value, "  ", style));
        }
    };
    let prose = |out: &mut Vec<Line<'static>>, label: &str, text: &str| {
        out.push(Line::styled(format!("{label}{}", colon.trim_end()), theme.label));
        out.extend(wrapped(&sanitize(text), "  ", Style::new()));
    };
    let time = |t: chrono::NaiveDateTime| t.format("%Y-%m-%d %H:%M").to_string();

    heading(&mut out, lang.pick("Basic information", "基本信息"));
    field(&mut out, lang.pick("Number", "问题编号"), i.number.clone(), Style::new());
    field(
        &mut out,
        lang.pick("Proposer", "提出部门/人"),
        format!("{} / {}", i.proposer_dept, name(&i.proposer)),
        Style::new(),
    );
    field(&mut out, lang.pick("Proposed", "提出时间"), time(i.proposed_at), Style::new());
    let pstyle = if i.priority == Priority::High { theme.urgent } else { Style::new() };
    field(&mut out, lang.pick("Priority", "优先级"), i.priority.label(lang).to_string(), pstyle);
    let mut status = i.status.label(lang).to_string();
    if i.escalated_now() {
        status.push_str(lang.pick(" · needs escalation", " · 需升级"));
    }
    field(&mut out, lang.pick("Status", "状态"), status, theme.stage);
    let state_now = i.response_state(state.now, &state.calendar);
    let rstyle = if state_now.is_breached() { theme.late } else { Style::new() };
    let mut response = match (&i.first_response_at, &i.first_response_by) {
        (Some(at), Some(by)) => format!("{} {}{}", time(*at), name(by), aside(state_now.label(lang))),
        _ => format!(
            "{} {}{}",
            lang.pick("due", "时限"),
            time(i.response_due_at),
            aside(state_now.label(lang))
        ),
    };
    if let Some(why) = &i.response_waived {
        response.push_str(&format!(
            " · {}{}",
            lang.pick("went ahead without: ", "未经响应："),
            sanitize_line(why)
        ));
    }
    field(&mut out, lang.pick("First response", "首次响应"), response, rstyle);

    heading(&mut out, lang.pick("Description and request", "问题描述与需求"));
    prose(&mut out, lang.pick("Title", "标题"), &i.title);
    prose(&mut out, lang.pick("Background", "背景"), &i.background);
    prose(&mut out, lang.pick("Request", "具体诉求"), &i.request);
    field(
        &mut out,
        lang.pick("Departments", "涉及部门"),
        i.departments.join(lang.pick(", ", "、")),
        Style::new(),
    );

    heading(&mut out, lang.pick("Communication", "沟通记录"));
    if r.meetings.is_empty() {
        out.push(Line::styled(lang.pick("(no meeting yet)", "（暂无会议）"), theme.hint));
    }
    for m in &r.meetings {
        let version = if m.version > 1 {
            format!(
                " · {}",
                match lang {
                    crate::i18n::Lang::En => format!("amended, version {}", m.version),
                    crate::i18n::Lang::Zh => format!("已修订，第 {} 版", m.version),
                }
            )
        } else {
            String::new()
        };
        out.push(Line::styled(
            format!("#{} {} {}{version}", m.seq, time(m.held_at), m.mode.label(lang)),
            theme.meeting,
        ));
        let mut who =
            vec![Span::styled(format!("{}{colon}", lang.pick("Participants", "参与部门/人")), theme.label)];
        for p in &m.participants {
            let (mark, style) = match p.confirmation {
                Confirmation::Confirmed => ("✓", theme.done),
                Confirmation::Pending => ("…", theme.urgent),
                Confirmation::Objected => ("✗", theme.late),
            };
            let proxy = p.proxy.as_ref().map(|x| x.suffix(|l| name(l).to_string(), lang)).unwrap_or_default();
            who.push(Span::styled(format!("{}/{}{mark}{proxy} ", p.dept, name(&p.login)), style));
        }
        out.push(Line::from(who));
        for p in m.objections() {
            let text = format!("✗ {}{colon}{}", name(&p.login), p.note.as_deref().unwrap_or(""));
            out.extend(wrapped(&sanitize(&text), "", theme.late));
        }
        prose(&mut out, lang.pick("Summary", "沟通内容摘要"), &m.summary);
        if !m.disputes.trim().is_empty() {
            prose(&mut out, lang.pick("Disputes", "争议点"), &m.disputes);
        }
        prose(&mut out, lang.pick("Consensus", "达成共识"), &m.consensus);
    }

    heading(&mut out, lang.pick("Execution and tracking", "执行与跟踪"));
    if r.tasks.is_empty() {
        out.push(Line::styled(lang.pick("(no task yet)", "（暂无任务）"), theme.hint));
    }
    for t in &r.tasks {
        let last_progress = r.progress.iter().filter(|p| p.task_seq == Some(t.seq)).map(|p| p.at).max();
        let has_alert = r.risks.iter().any(|k| k.task_seq == t.seq);
        let facts = TaskFacts { state: t.state, deadline: t.deadline, last_progress, has_alert };
        let flag = task_flag(facts, state.now, &state.calendar);
        let mark = flag.map(|f| format!("[{}] ", f.label(lang))).unwrap_or_default();
        let text = format!(
            "{}. {mark}{} {} · {} · {} {} · {} {}%",
            t.seq,
            t.dept,
            sanitize_line(&t.title),
            name(&t.owner),
            lang.pick("due", "截止"),
            t.deadline.format("%m-%d"),
            t.state.label(lang),
            t.percent
        );
        let style = match flag {
            Some(_) => theme.late,
            None if !t.state.is_open() => theme.done,
            None => Style::new(),
        };
        out.extend(wrapped(&text, "", style));
    }
    for k in &r.risks {
        let timely = if k.timely { lang.pick("timely", "及时") } else { lang.pick("late", "不及时") };
        let text = format!(
            "⚠ #{} {}{colon}{} → {}{}",
            k.task_seq,
            time(k.raised_at),
            k.reason,
            k.plan,
            aside(timely)
        );
        out.extend(wrapped(&sanitize(&text), "", theme.risk));
    }

    for e in &i.escalations {
        let closed = e
            .closed
            .as_ref()
            .map(|c| {
                format!(
                    " · {} {} {}{colon}{}",
                    lang.pick("closed", "已解除"),
                    time(c.at),
                    name(&c.by),
                    c.note
                )
            })
            .unwrap_or_default();
        let text =
            format!("↑ #{} {} {} → {}{colon}{}{closed}", e.seq, time(e.at), name(&e.by), e.to, e.reason);
        let style = if e.closed.is_some() { theme.hint } else { theme.late };
        out.extend(wrapped(&sanitize(&text), "", style));
    }

    heading(&mut out, lang.pick("Resolution", "解决结果"));
    match &i.resolution {
        Some(res) => {
            prose(&mut out, lang.pick("Solution", "解决方案"), &res.solution);
            field(&mut out, lang.pick("Resolved", "解决时间"), time(res.resolved_at), Style::new());
            field(&mut out, lang.pick("Owner", "负责人"), name(&res.owner), Style::new());
            field(&mut out, lang.pick("Feedback", "反馈人"), name(&res.feedback), Style::new());
        }
        None => out.push(Line::styled(lang.pick("(not resolved yet)", "（尚未解决）"), theme.hint)),
    }
    if let Some(a) = &i.acceptance {
        let verdict = if a.accepted {
            lang.pick("accepted", "验收通过")
        } else {
            lang.pick("refused", "验收不通过")
        };
        let reason = a.reason.as_deref().map(|x| format!("{colon}{}", sanitize_line(x))).unwrap_or_default();
        let proxy = a.proxy.as_ref().map(|x| x.suffix(|l| name(l).to_string(), lang)).unwrap_or_default();
        field(
            &mut out,
            lang.pick("Acceptance", "验收"),
            format!("{} {verdict}{proxy} {}{reason}", name(&a.by), time(a.at)),
            Style::new(),
        );
    }
    if let Some(retro) = &i.retrospective {
        heading(&mut out, lang.pick("Archive and retrospective", "归档与复盘"));
        prose(&mut out, lang.pick("Retrospective", "复盘"), retro);
    }
    if !state.shown.notices.is_empty() {
        heading(&mut out, lang.pick("Notifications", "通知记录"));
        notices(&mut out, state, theme, width);
    }
    if !state.shown.attachments.is_empty() {
        heading(&mut out, lang.pick("Attachments", "附件"));
        for a in &state.shown.attachments {
            let note = a.note.as_deref().map(|n| format!(" · {}", sanitize_line(n))).unwrap_or_default();
            let text = format!(
                "{} · {} · {} {}{note}",
                crate::docs::form::human_size(a.size),
                time(a.at),
                name(&a.by),
                &a.sha256[..8.min(a.sha256.len())]
            );
            field(&mut out, &format!("#{} {}", a.id, sanitize_line(&a.name)), text, Style::new());
        }
    }
    out
}

/// Who was told of what, when, and what failed: newest first, one line each (coordinators and
/// admins see this; the list is empty for others).
fn notices(out: &mut Vec<Line<'static>>, state: &State, theme: &Theme, width: usize) {
    let lang = state.lang;
    for n in &state.shown.notices {
        let to = match &n.recipient {
            Some(login) => login.clone(),
            None if n.mentions.is_empty() => n.channel.clone(),
            None => format!("{} @{}", n.channel, n.mentions.join(" @")),
        };
        let when = n.sent_at.unwrap_or(n.created_at).format("%m-%d %H:%M");
        let kind = EventKind::parse(&n.kind).map_or(n.kind.clone(), |k| k.label(lang).to_string());
        let mut text = format!("LN-{} {when} {} → {to} · {kind}", n.id, n.status.label(lang));
        let style = match n.status {
            Delivery::Sent => theme.done,
            Delivery::Pending => theme.hint,
            Delivery::Failed => theme.late,
        };
        if n.status != Delivery::Sent
            && let Some(answer) = &n.answer
        {
            text.push_str(&format!(" · {} ×{}: {answer}", lang.pick("tries", "次"), n.attempts));
        }
        for l in wrap(&sanitize(&text), width) {
            out.push(Line::styled(l, style));
        }
    }
}
