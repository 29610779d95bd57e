//! The questions asked over a form (someone changed the issue meanwhile; a change that cannot be
//! taken back) and the offer of a draft left by an earlier run. Every key they name comes from
//! the keymap of their context.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::{Theme, pane_block};
use crate::domain::text::{pad, sanitize_line, truncate, width, wrap};
use crate::tui::app::State;
use crate::tui::editing::Conflict;
use crate::tui::keymap::Context;

/// The lines naming a context's keys: `  o   overwrite: save mine on top of theirs`, each
/// description wrapped (never cut) to `room` columns.
fn key_lines(state: &State, context: Context, room: usize, theme: &Theme) -> Vec<Line<'static>> {
    let lang = state.lang;
    let rows: Vec<(String, &str)> = context
        .hinted()
        .iter()
        .map(|a| (state.keymap.keys_in(context, *a).join(" "), a.describe_in(context, lang)))
        .filter(|(k, _)| !k.is_empty())
        .collect();
    let key_width = rows.iter().map(|(k, _)| width(k)).max().unwrap_or(0);
    let what_room = room.saturating_sub(key_width + 3).max(10);
    let mut lines = Vec::new();
    for (keys, what) in rows {
        for (i, part) in wrap(what, what_room).into_iter().enumerate() {
            let key = if i == 0 { pad(&keys, key_width) } else { " ".repeat(key_width) };
            lines.push(Line::from(vec![Span::styled(format!("  {key} "), theme.key), Span::raw(part)]));
        }
    }
    lines
}

/// Someone changed the issue after the form opened: what they did, and the ways on.
pub fn draw_conflict(frame: &mut Frame, area: Rect, conflict: &Conflict, state: &State, theme: &Theme) {
    let lang = state.lang;
    let w = area.width.min(90);
    let room = w.saturating_sub(4) as usize;
    let mut lines = vec![Line::styled(
        lang.pick(
            "Someone changed this issue after you opened the form:",
            "你打开表单之后，有人修改了这个问题：",
        ),
        theme.urgent,
    )];
    let names = crate::domain::names::Names::new(&state.people, &state.departments);
    let name = |login: &str| names.of(login);
    let keys = key_lines(state, Context::Conflict, room, theme);
    let shown = conflict.events.len().min((area.height as usize).saturating_sub(5 + keys.len())).max(1);
    for e in conflict.events.iter().rev().take(shown).rev() {
        let head = format!("{} {} {}", e.at.format("%m-%d %H:%M"), name(&e.actor), e.kind.label(lang));
        let detail = super::timeline::detail(e, lang);
        let text = if detail.is_empty() { head } else { format!("{head}{}{detail}", lang.pick(": ", "：")) };
        lines.push(Line::raw(truncate(&format!("  {}", sanitize_line(&text)), room).into_owned()));
    }
    if conflict.events.len() > shown {
        lines.push(Line::styled(format!("  … +{}", conflict.events.len() - shown), theme.hint));
    }
    lines.push(Line::raw(""));
    lines.extend(keys);
    let popup = super::centre(area, w, lines.len() as u16 + 2);
    super::clear_under(frame, popup);
    let block = pane_block(format!(" {} ", Context::Conflict.title(lang)), true, theme);
    frame.render_widget(Paragraph::new(lines).block(block).style(theme.base), popup);
}

/// The question before a change that cannot be taken back, with its answers' keys.
pub fn draw_confirm(frame: &mut Frame, area: Rect, question: &str, state: &State, theme: &Theme) {
    let answers = state.keymap.hints(Context::Confirm, state.lang).join(" · ");
    let w = (width(question).max(width(&answers)) as u16 + 4).min(area.width).max(24);
    let room = w.saturating_sub(2).max(1) as usize;
    let mut lines: Vec<Line> =
        wrap(question, room).into_iter().map(|l| Line::styled(l, theme.error)).collect();
    lines.push(Line::styled(answers, theme.key));
    let popup = super::centre(area, w, lines.len() as u16 + 2);
    super::clear_under(frame, popup);
    let block = pane_block(format!(" {} ", Context::Confirm.title(state.lang)), true, theme);
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }).block(block), popup);
}

/// The offer of a draft left by an earlier run (a crash, a kill, a dropped connection).
pub fn draw_restore(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    let Some(draft) = state.restore() else { return };
    let lang = state.lang;
    let d = &draft.form;
    let what = match &d.number {
        Some(n) => format!("{} · {n}", d.kind.title(lang)),
        None => d.kind.title(lang).to_string(),
    };
    // The longest value is the one worth recognising (a choice or a picker holds a code).
    let first = d.values.iter().map(|(_, v)| v.trim()).max_by_key(|v| v.chars().count()).unwrap_or("—");
    let first = first.lines().next().unwrap_or("—");
    let w = area.width.min(76);
    let room = w.saturating_sub(4) as usize;
    let mut lines = vec![
        Line::from(format!(
            "{}{}",
            lang.pick("A form you were typing was left unsaved at ", "发现一份未保存的表单草稿，保存于 "),
            draft.saved_at.format("%Y-%m-%d %H:%M")
        )),
        Line::from(format!("{}{what}", lang.pick("Form: ", "表单："))),
        Line::from(truncate(&sanitize_line(first), room).into_owned()),
        Line::from(""),
    ];
    lines.extend(key_lines(state, Context::Restore, room, theme));
    let popup = super::centre(area, w, lines.len() as u16 + 2);
    super::clear_under(frame, popup);
    let block = pane_block(format!(" {} ", Context::Restore.title(lang)), true, theme);
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }).block(block), popup);
}
