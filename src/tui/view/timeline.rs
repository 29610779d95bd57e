//! The progress timeline: every event in time order, who, when and what, told apart by colour.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::search::Terms;
use super::{Theme, pane_block};
use crate::domain::names::Names;
use crate::domain::text::{sanitize_line, truncate};
use crate::domain::*;
use crate::tui::app::{Pane, State};

pub fn draw(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    let lang = state.lang;
    let block = pane_block(format!(" {} ", Pane::Timeline.label(lang)), state.focus == Pane::Timeline, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(record) = &state.shown.record else {
        return;
    };
    let names = Names::new(&state.people, &state.departments);
    let name = |login: &str| names.of(login);
    let terms = Terms::new(&state.list.query, theme);
    let mut lines = Vec::new();
    for e in &record.events {
        let (mark, style) = match e.kind {
            EventKind::MeetingRecorded | EventKind::MinutesConfirmed | EventKind::MinutesObjected => {
                ("◆", theme.meeting)
            }
            EventKind::ProgressAdded | EventKind::TaskAdded | EventKind::TaskUpdated => ("●", theme.progress),
            EventKind::RiskRaised | EventKind::Escalated | EventKind::Refused => ("▲", theme.risk),
            EventKind::Registered | EventKind::Resolved | EventKind::Accepted | EventKind::Archived => {
                ("■", theme.stage)
            }
            _ => ("·", Style::new()),
        };
        let detail = detail(e, lang);
        let (who, proxy) = e.doer();
        let proxy = proxy.map(|p| p.suffix(|l| name(l).to_string(), lang)).unwrap_or_default();
        let head = format!("{} {} {}{proxy}", e.at.format("%m-%d %H:%M"), name(who), e.kind.label(lang));
        let head = truncate(&head, (inner.width as usize).saturating_sub(2)).into_owned();
        // What others did since I last looked.
        let new = state.shown.seen_upto.is_some_and(|seen| e.id > seen) && e.actor != state.me.login;
        let mut spans = vec![Span::styled(format!("{mark} "), style)];
        spans.extend(terms.spans(&head, style));
        if new {
            spans.push(Span::styled(format!(" {}", lang.pick("new", "新")), theme.urgent));
        }
        lines.push(Line::from(spans));
        if !detail.is_empty() {
            let room = (inner.width as usize).saturating_sub(4);
            let mut spans = vec![Span::styled("    ", theme.hint)];
            spans.extend(terms.spans(&truncate(&sanitize_line(&detail), room), theme.hint));
            lines.push(Line::from(spans));
        }
    }
    // Newest at the bottom; by default the view follows the newest entries.
    let height = inner.height as usize;
    let bottom = lines.len().saturating_sub(height);
    let scroll = bottom.saturating_sub(state.shown.timeline_scroll as usize);
    frame.render_widget(Paragraph::new(lines).scroll((scroll as u16, 0)), inner);
}

/// The one line under an event that says what changed.
pub(super) fn detail(e: &Event, lang: crate::i18n::Lang) -> String {
    let text = |key: &str| e.after.get(key).and_then(|v| v.as_str()).map(str::to_string);
    let number = |key: &str| e.after.get(key).and_then(|v| v.as_u64());
    match e.kind {
        EventKind::ProgressAdded => {
            let percent = number("percent").map(|p| format!("{p}% ")).unwrap_or_default();
            format!("{percent}{}", text("note").unwrap_or_default())
        }
        EventKind::RiskRaised => text("reason").unwrap_or_default(),
        EventKind::TaskAdded => text("title").unwrap_or_default(),
        EventKind::MeetingRecorded => text("consensus").unwrap_or_default(),
        EventKind::Escalated => text("reason").unwrap_or_default(),
        EventKind::Refused => text("reason").unwrap_or_default(),
        EventKind::Commented => text("body").unwrap_or_default(),
        EventKind::MinutesObjected => text("note").unwrap_or_default(),
        EventKind::DescriptionEdited | EventKind::TaskUpdated => changes(e, lang),
        _ => match (e.before.get("status").and_then(|v| v.as_str()), text("status")) {
            (Some(from), Some(to)) => format!(
                "{} → {}",
                Status::parse(from).map_or(from, |s| s.label(lang)),
                Status::parse(&to).map_or(to.as_str(), |s| s.label(lang))
            ),
            _ => String::new(),
        },
    }
}

/// What an edit changed, field by field: `#1 % 0 → 50; 负责人 zhangsan → lisi`.
fn changes(e: &Event, lang: crate::i18n::Lang) -> String {
    let Some(after) = e.after.as_object() else { return String::new() };
    let show = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(items) => {
            items.iter().map(|i| i.as_str().unwrap_or_default().to_string()).collect::<Vec<_>>().join(",")
        }
        serde_json::Value::Null => "—".to_string(),
        other => other.to_string(),
    };
    let mut parts = Vec::new();
    if let Some(task) = after.get("task") {
        parts.push(format!("#{task}"));
    }
    for (key, new) in after.iter().filter(|(k, _)| k.as_str() != "task") {
        let old = e.before.get(key);
        if old == Some(new) {
            continue;
        }
        let label = match key.as_str() {
            "title" => lang.pick("title", "标题"),
            "background" => lang.pick("background", "背景"),
            "request" => lang.pick("request", "具体诉求"),
            "departments" => lang.pick("departments", "涉及部门"),
            "owner" => lang.pick("owner", "负责人"),
            "deadline" => lang.pick("deadline", "截止"),
            "state" => lang.pick("state", "状态"),
            "percent" => "%",
            other => other,
        };
        match old {
            Some(old) => parts.push(format!("{label} {} → {}", show(old), show(new))),
            None => parts.push(format!("{label} {}", show(new))),
        }
    }
    parts.join("; ")
}
