//! The help: one section per context (where it was opened first), every action with all its
//! keys, generated from the keymap. Nothing is cut: descriptions wrap, and the help scrolls.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{Theme, pane_block};
use crate::domain::text::{pad, width, wrap};
use crate::tui::app::State;
use crate::tui::keymap::Context;
use crate::tui::overlay::HelpView;

const GAP: usize = 3;

/// The help laid out for a screen: its lines, how many columns, and rows per column.
struct Layout {
    lines: Vec<Line<'static>>,
    columns: usize,
    rows: usize,
    column_width: usize,
    popup: Rect,
}

fn layout(area: Rect, view: &HelpView, state: &State, theme: &Theme) -> Layout {
    let lang = state.lang;
    let sections = state.keymap.help(view.from, lang);
    let key_width = sections.iter().flat_map(|s| &s.entries).map(|(k, _)| width(k)).max().unwrap_or(4);
    let natural = sections
        .iter()
        .flat_map(|s| s.entries.iter().map(|(_, d)| key_width + 3 + width(d)).chain([width(s.title)]))
        .max()
        .unwrap_or(40);
    let inner_width = area.width.saturating_sub(2) as usize;
    let columns = if inner_width >= 2 * natural + GAP { 2 } else { 1 };
    let column_width = if columns == 2 { natural } else { natural.min(inner_width) };
    let what_room = column_width.saturating_sub(key_width + 3).max(8);
    let mut lines = Vec::new();
    for (i, section) in sections.iter().enumerate() {
        if i > 0 {
            lines.push(Line::raw(""));
        }
        lines.push(Line::styled(section.title.to_string(), theme.heading));
        for (keys, what) in &section.entries {
            for (j, part) in wrap(what, what_room).into_iter().enumerate() {
                let key = if j == 0 { pad(keys, key_width) } else { " ".repeat(key_width) };
                lines.push(Line::from(vec![
                    Span::styled(format!("  {key} "), theme.key),
                    Span::raw(pad(&part, what_room)),
                ]));
            }
        }
    }
    let rows = (area.height.saturating_sub(3) as usize).max(1);
    let rows = rows.min(lines.len().div_ceil(columns));
    let w = (columns * column_width + (columns - 1) * GAP + 2) as u16;
    let popup = super::centre(area, w, rows as u16 + 3);
    Layout { lines, columns, rows, column_width, popup }
}

/// The furthest the help scrolls on this screen.
pub fn max_scroll(area: Rect, view: &HelpView, state: &State) -> usize {
    let l = layout(area, view, state, &super::Theme::monochrome());
    l.lines.len().saturating_sub(l.rows * l.columns)
}

pub fn draw(frame: &mut Frame, area: Rect, view: &HelpView, state: &State, theme: &Theme) {
    let lang = state.lang;
    let l = layout(area, view, state, theme);
    let first = view.scroll.min(l.lines.len().saturating_sub(l.rows * l.columns));
    let shown: Vec<&Line> = l.lines.iter().skip(first).take(l.rows * l.columns).collect();
    let mut out: Vec<Line> = Vec::new();
    for r in 0..l.rows {
        let mut spans = Vec::new();
        for c in 0..l.columns {
            let Some(line) = shown.get(c * l.rows + r) else { continue };
            if c > 0 {
                spans.push(Span::raw(" ".repeat(GAP)));
            }
            let used: usize = line.spans.iter().map(|s| width(&s.content)).sum();
            spans.extend(line.spans.iter().cloned());
            if c + 1 < l.columns {
                spans.push(Span::raw(" ".repeat(l.column_width.saturating_sub(used))));
            }
        }
        out.push(Line::from(spans));
    }
    let last = (first + shown.len()).min(l.lines.len());
    let position = format!("{}–{} / {}", first + 1, last, l.lines.len());
    let hints = state.keymap.hints(Context::Help, lang).join(" · ");
    out.push(Line::styled(format!("{hints}  {position}"), theme.hint));
    super::clear_under(frame, l.popup);
    let block = pane_block(lang.pick(" Keys ", " 按键 ").to_string(), true, theme);
    frame.render_widget(Paragraph::new(out).block(block).style(theme.base), l.popup);
}
