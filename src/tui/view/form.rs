//! A form over the panes: labels on the left, what is typed on the right, what the form says
//! as you type below; its picker over it (its dialogs are in `dialogs`).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::{Theme, pane_block};
use crate::domain::text::{pad, sanitize_line, truncate, width, wrap};
use crate::i18n::Lang;
use crate::tui::app::State;
use crate::tui::editing::form_env;
use crate::tui::form::picker::Picker;
use crate::tui::form::submit::{self, Level};
use crate::tui::form::{Field, Form, Kind};
use crate::tui::keymap::{Action, Context};
use crate::tui::overlay::Dialog;

/// Rows a prose field gets at least, and at most when there is room.
const PROSE_MIN: u16 = 2;
const PROSE_MAX: u16 = 6;

pub fn draw(frame: &mut Frame, area: Rect, form: &Form, state: &State, theme: &Theme) {
    let lang = state.lang;
    let env = form_env(state);
    let mut notes = submit::notes(form, &env);
    // What the last key or Ctrl-S said (every required field left empty, a refusal) shows in
    // the form itself: at a small size the form covers the status bar's long-message box.
    if let Some(message) = state.message.as_ref().filter(|m| !notes.iter().any(|n| n.text == **m)) {
        notes.insert(0, submit::Note { level: Level::Error, text: message.clone() });
    }
    // As tall as the form wants (prose at its fullest, room for three notes), at most the screen.
    let inner_width = area.width.min(104).saturating_sub(2);
    let prose_count = form.fields.iter().filter(|f| f.spec.is_prose()).count() as u16;
    let wanted = 2
        + wrapped_rows(&form.preamble, inner_width).min(4)
        + form.fields.len() as u16
        + prose_count * (PROSE_MAX - 1)
        + 3
        + 1;
    let popup = super::centre(area, 104, wanted.min(area.height.saturating_sub(2)).max(10));
    super::clear_under(frame, popup);
    let title = match &form.number {
        Some(n) => format!(" {} · {n} ", form.kind.title(lang)),
        None => format!(" {} ", form.kind.title(lang)),
    };
    let block = pane_block(title, true, theme);
    let inner = block.inner(popup);
    frame.render_widget(block, popup);

    // The labels' column: the mark, the longest label with its counter, a space.
    let label_width =
        form.fields.iter().map(|f| label_room(f, lang)).max().unwrap_or(8).min(inner.width as usize / 3)
            as u16
            + 2;
    let preamble: Vec<Line> =
        form.preamble.iter().map(|p| Line::styled(sanitize_line(p).into_owned(), theme.hint)).collect();
    let preamble_rows = wrapped_rows(&form.preamble, inner.width).min(4);
    // Every note whole, wrapped to the form's width: up to six rows, taken from prose fields.
    let note_lines: Vec<Line> = notes
        .iter()
        .flat_map(|n| {
            let (mark, style) = match n.level {
                Level::Error => ("✗", theme.late),
                Level::Warning => ("!", theme.urgent),
                Level::Info => ("·", theme.hint),
            };
            let text = format!("{mark} {}", sanitize_line(&n.text));
            wrap(&text, inner.width as usize).into_iter().map(move |l| Line::styled(l, style))
        })
        .collect();
    let note_rows = (note_lines.len() as u16).min(6);
    let fixed: u16 = form.fields.iter().filter(|f| !f.spec.is_prose()).count() as u16;
    let prose: Vec<usize> = (0..form.fields.len()).filter(|i| form.fields[*i].spec.is_prose()).collect();
    let room = inner.height.saturating_sub(preamble_rows + fixed + note_rows + 1);
    let rows = prose_rows(room, &prose, form.focus);
    let mut constraints = vec![Constraint::Length(preamble_rows)];
    for (i, field) in form.fields.iter().enumerate() {
        let h = if field.spec.is_prose() { rows.get(&i).copied().unwrap_or(1) } else { 1 };
        constraints.push(Constraint::Length(h));
    }
    // The notes take what is left: at a small size the fields keep their rows.
    constraints.push(Constraint::Fill(1));
    constraints.push(Constraint::Length(1));
    let areas = Layout::vertical(constraints).split(inner);
    frame.render_widget(Paragraph::new(preamble).wrap(Wrap { trim: false }), areas[0]);

    let mut cursor = None;
    for (i, field) in form.fields.iter().enumerate() {
        let rect = areas[i + 1];
        let focused = i == form.focus;
        let [label_area, value_area] =
            Layout::horizontal([Constraint::Length(label_width), Constraint::Min(1)]).areas(rect);
        let label = label_lines(field, label_width as usize - 2, rect.height as usize, focused, lang, theme);
        frame.render_widget(Paragraph::new(label), label_area);
        // A bar beside the value shows how far each field reaches.
        let bar =
            vec![Line::styled("│", if focused { theme.focus } else { theme.border }); rect.height as usize];
        frame.render_widget(Paragraph::new(bar), Rect { x: value_area.x, width: 1, ..value_area });
        let value_area =
            Rect { x: value_area.x + 1, width: value_area.width.saturating_sub(1), ..value_area };
        if let Some(at) = draw_value(frame, value_area, field, focused && form.picker.is_none(), state, theme)
        {
            cursor = Some(at);
        }
    }

    let notes_area = areas[form.fields.len() + 1];
    frame.render_widget(Paragraph::new(note_lines), notes_area);
    draw_hint(frame, areas[form.fields.len() + 2], form, state, theme);

    if let Some(picker) = &form.picker {
        let field_area = areas[form.focus + 1];
        let anchor = Rect {
            x: field_area.x + label_width,
            width: field_area.width.saturating_sub(label_width),
            ..field_area
        };
        cursor = Some(draw_picker(frame, popup, anchor, picker, state, theme));
    }
    match state.dialog() {
        Some(Dialog::Conflict(conflict)) => {
            super::dialogs::draw_conflict(frame, area, conflict, state, theme);
            cursor = None;
        }
        Some(Dialog::Confirm(question)) => {
            super::dialogs::draw_confirm(frame, area, question, state, theme);
            cursor = None;
        }
        None => {}
    }
    if let Some(at) = cursor.filter(|_| state.help.is_none()) {
        // The terminal's own cursor at the insertion point: an input method's candidate window
        // follows it.
        frame.set_cursor_position(at);
    }
}

/// The characters typed against the most the field takes: `23/80`, padded on the left to the
/// width of the full count so that the column does not move as one types.
fn counter(field: &Field) -> Option<String> {
    let max = field.spec.max_chars?;
    let count = format!("{}/{max}", crate::domain::text::char_count(&field.value()));
    Some(crate::domain::text::pad_left(&count, width(&count).max(width(&format!("{max}/{max}")))))
}

/// The columns a field's label wants: its name, the required mark, and its counter.
fn label_room(field: &Field, lang: crate::i18n::Lang) -> usize {
    width(&field.spec.label(lang)) + counter(field).map_or(0, |c| width(&c) + 1)
}

/// A field's label in `room` columns after the focus mark: the name with its required `*`,
/// which is never cut off (a long name wraps over the field's rows, or is shortened before the
/// star), and the counter at the right, a warning near the limit and an error past it.
fn label_lines(
    field: &Field,
    room: usize,
    rows: usize,
    focused: bool,
    lang: crate::i18n::Lang,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let (mark, style) = if focused { ("▸", theme.tab_active) } else { (" ", theme.label) };
    let name = lang.pick(field.spec.label.0, field.spec.label.1);
    let star = if field.spec.required { " *" } else { "" };
    let counter = counter(field);
    let name_room = room.saturating_sub(counter.as_ref().map_or(0, |c| width(c) + 1));
    let whole = format!("{name}{star}");
    let wrapped = crate::domain::text::wrap(&whole, name_room.max(1));
    let mut names = if width(&whole) <= name_room {
        vec![whole]
    } else if wrapped.len() <= rows {
        wrapped
    } else {
        vec![format!("{}{star}", truncate(name, name_room.saturating_sub(width(star))))]
    };
    let first = names.remove(0);
    let mut spans = vec![Span::styled(format!("{mark}{}", pad(&first, name_room)), style)];
    if let (Some(c), Some(max)) = (counter, field.spec.max_chars) {
        let n = crate::domain::text::char_count(&field.value());
        let level = if n > max {
            theme.late
        } else if n * 10 >= max * 9 {
            theme.urgent
        } else {
            theme.hint
        };
        spans.push(Span::styled(format!(" {c}"), style.patch(level)));
    }
    let mut lines = vec![Line::from(spans)];
    lines.extend(names.into_iter().map(|n| Line::styled(format!(" {n}"), theme.label)));
    lines
}

/// How many rows each prose field gets: the focused one more when room is short.
fn prose_rows(room: u16, prose: &[usize], focus: usize) -> std::collections::HashMap<usize, u16> {
    let mut rows = std::collections::HashMap::new();
    if prose.is_empty() {
        return rows;
    }
    let n = prose.len() as u16;
    let each = (room / n).clamp(1, PROSE_MAX);
    if each >= PROSE_MIN || !prose.contains(&focus) {
        for i in prose {
            rows.insert(*i, each.max(1));
        }
    } else {
        // Too little room for all: the focused field takes what the others leave.
        let others = n - 1;
        for i in prose {
            rows.insert(*i, if *i == focus { room.saturating_sub(others).clamp(1, PROSE_MAX) } else { 1 });
        }
    }
    rows
}

fn wrapped_rows(lines: &[String], w: u16) -> u16 {
    let w = w.max(1) as usize;
    lines.iter().map(|l| width(l).div_ceil(w).max(1) as u16).sum()
}

/// Draws one field's value; returns where the cursor goes when it is the focused text field.
fn draw_value(
    frame: &mut Frame,
    area: Rect,
    field: &Field,
    focused: bool,
    state: &State,
    theme: &Theme,
) -> Option<(u16, u16)> {
    let lang = state.lang;
    match &field.spec.kind {
        Kind::Choice(options) => {
            let mut spans = Vec::new();
            if options.is_empty() {
                spans.push(Span::styled(lang.pick("(nothing to choose)", "（无可选项）"), theme.hint));
            }
            for (i, (_, label)) in options.iter().enumerate() {
                let style = if i == field.choice { theme.tab_active } else { theme.tab };
                spans.push(Span::styled(format!(" {} ", sanitize_line(label)), style));
            }
            if focused && options.len() > 1 {
                spans.push(Span::styled(" ←/→", theme.hint));
            }
            let line = Line::from(spans);
            // A long list of choices (tasks) shows only the chosen one.
            if width(&line.to_string()) > area.width as usize {
                let chosen = options.get(field.choice).map(|o| o.1.as_str()).unwrap_or("");
                let text = format!(" {} {}/{} ←/→", sanitize_line(chosen), field.choice + 1, options.len());
                frame.render_widget(
                    Paragraph::new(Line::styled(
                        truncate(&text, area.width as usize).into_owned(),
                        theme.tab_active,
                    )),
                    area,
                );
            } else {
                frame.render_widget(Paragraph::new(line), area);
            }
            None
        }
        Kind::Pick { .. } => {
            let text = if field.picked.is_empty() {
                Span::styled(placeholder(field, state, focused), theme.hint)
            } else {
                Span::styled(sanitize_line(&field.picked_labels()).into_owned(), theme.base)
            };
            let shown = truncate(&text.content, area.width as usize).into_owned();
            frame.render_widget(Paragraph::new(Line::from(Span::styled(shown, text.style))), area);
            None
        }
        _ => {
            if field.is_empty() {
                // The hint stands in the empty field; the cursor waits at its start.
                let hint = truncate(&hint_text(field, state), area.width as usize).into_owned();
                frame.render_widget(Paragraph::new(Line::styled(hint, theme.hint)), area);
                return focused.then_some((area.x, area.y));
            }
            frame.render_widget(&field.text, area);
            if !focused {
                return None;
            }
            let cursor = field.text.screen_cursor();
            let (top, left) = field.text.scroll_offset();
            let x = area.x + (cursor.col as u16).saturating_sub(left);
            let y = area.y + (cursor.row as u16).saturating_sub(top);
            Some((x.min(area.right().saturating_sub(1)), y.min(area.bottom().saturating_sub(1))))
        }
    }
}

/// A field's hint in the user's language. A hint may name the key that moves on: `{next}`
/// stands for it.
fn hint_text(field: &Field, state: &State) -> String {
    let next = state.keymap.first_key_in(Context::Form, Action::NextField);
    field.spec.hint.map(|(en, zh)| state.lang.pick(en, zh)).unwrap_or("").replace("{next}", &next)
}

fn placeholder(field: &Field, state: &State, focused: bool) -> String {
    let lang = state.lang;
    let hint = hint_text(field, state);
    if focused {
        format!("{} {hint}", lang.pick("Enter or type to choose —", "按 Enter 或直接输入以选择 —"))
    } else {
        hint.to_string()
    }
}

fn draw_hint(frame: &mut Frame, area: Rect, form: &Form, state: &State, theme: &Theme) {
    let lang = state.lang;
    let keys = &state.keymap;
    let (text, style) = if state.session().is_some_and(|s| s.discard_armed) {
        let esc = keys.first_key_in(Context::Form, Action::Cancel);
        let text = match lang {
            Lang::En => format!("{esc} again discards what you typed; any other key keeps editing."),
            Lang::Zh => format!("再按 {esc} 将丢弃已输入内容；按其他键继续编辑。"),
        };
        (text, theme.error)
    } else {
        let mut hints = Vec::new();
        match form.focused().map(|f| &f.spec.kind) {
            Some(Kind::Prose) => hints.push(format!("Enter {}", lang.pick("new line", "换行"))),
            Some(Kind::Choice(_)) => hints.push(format!(
                "{}/{} {}",
                keys.first_key_in(Context::Form, Action::CharLeft),
                keys.first_key_in(Context::Form, Action::CharRight),
                lang.pick("choose", "选择")
            )),
            _ => {}
        }
        for action in Context::Form.hinted() {
            let hint = match action {
                // The submit hint says what submitting does: 登记, 提交, 验收….
                Action::Submit => {
                    format!("{} {}", keys.first_key_in(Context::Form, *action), form.kind.verb(lang))
                }
                _ => keys.hint(Context::Form, *action, lang),
            };
            if !hint.is_empty() {
                hints.push(hint);
            }
        }
        hints.push(lang.pick("kept as a draft as you type", "输入内容随时存为草稿").to_string());
        (super::fit(&hints, area.width as usize, " · "), theme.hint)
    };
    frame.render_widget(
        Paragraph::new(Line::styled(truncate(&text, area.width as usize).into_owned(), style)),
        area,
    );
}

/// The picker under (or over) its field; returns where the cursor goes (the end of the query).
fn draw_picker(
    frame: &mut Frame,
    bounds: Rect,
    anchor: Rect,
    picker: &Picker,
    state: &State,
    theme: &Theme,
) -> (u16, u16) {
    let lang = state.lang;
    let shown = picker.matches.len().min(8) as u16;
    let h = shown.max(1) + 3;
    let w = anchor.width.clamp(20, 60).min(bounds.width);
    let below = anchor.y + 1;
    let y = if below + h <= bounds.bottom() { below } else { anchor.y.saturating_sub(h).max(bounds.y) };
    let rect =
        Rect { x: anchor.x.min(bounds.right().saturating_sub(w)), y, width: w, height: h.min(bounds.height) };
    super::clear_under(frame, rect);
    let keys = &state.keymap;
    let hints: Vec<String> = if picker.multi {
        state.keymap.hints(Context::Picker, lang)
    } else {
        [
            format!("{} {}", keys.first_key_in(Context::Picker, Action::Choose), lang.pick("choose", "选择")),
            keys.hint(Context::Picker, Action::Cancel, lang),
        ]
        .to_vec()
    };
    let title = format!(" {} ", super::fit(&hints, w.saturating_sub(4) as usize, " · "));
    let block = pane_block(title, true, theme);
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let room = inner.width as usize;
    let mut lines =
        vec![Line::styled(truncate(&format!("› {}", picker.query), room).into_owned(), theme.search)];
    let start = picker.selected.saturating_sub(shown.saturating_sub(1) as usize);
    for (row, index) in picker.matches.iter().enumerate().skip(start).take(shown as usize) {
        let item = picker.item(*index);
        let chosen = if picker.chosen.contains(&item.value) { "✓ " } else { "  " };
        let style = if row == picker.selected { theme.selected } else { theme.base };
        let text = pad(&truncate(&format!("{chosen}{}", sanitize_line(&item.label)), room), room);
        lines.push(Line::styled(text, style));
    }
    if picker.matches.is_empty() {
        let text = if picker.free && !picker.query.trim().is_empty() {
            let key = keys.first_key_in(Context::Picker, Action::Choose);
            match lang {
                Lang::En => format!("{key} keeps what you typed"),
                Lang::Zh => format!("按 {key} 保留所输入的文字"),
            }
        } else {
            lang.pick("nothing matches", "没有匹配项").to_string()
        };
        lines.push(Line::styled(text, theme.hint));
    }
    frame.render_widget(Paragraph::new(lines), inner);
    let x = inner.x + (2 + picker.query.cursor_width() as u16).min(inner.width.saturating_sub(1));
    (x, inner.y)
}
