//! The registration form over the panes, and the offer of an earlier draft.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::{Theme, pane_block};
use crate::domain::Priority;
use crate::domain::text::width;
use crate::tui::app::State;
use crate::tui::form::{Field, RegisterForm};

pub fn draw(frame: &mut Frame, area: Rect, form: &RegisterForm, state: &State, theme: &Theme) {
    let lang = state.lang;
    let popup = super::centre(area, 100, 34);
    super::clear_under(frame, popup);
    let block = pane_block(lang.pick(" Register an issue ", " 登记问题 ").to_string(), true, theme);
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let prose = if inner.height >= 28 { 6 } else { 3 };
    let [title, background, request, departments, priority, findings, hint] = Layout::vertical([
        Constraint::Length(3),
        Constraint::Length(prose),
        Constraint::Length(prose),
        Constraint::Length(3),
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(inner);
    for (field, rect) in [
        (Field::Title, title),
        (Field::Background, background),
        (Field::Request, request),
        (Field::Departments, departments),
    ] {
        let Some(text) = form.field(field) else { continue };
        let focused = form.focus == field;
        let block = pane_block(format!(" {} ", field.label(lang)), focused, theme);
        let text_area = block.inner(rect);
        frame.render_widget(block, rect);
        frame.render_widget(text, text_area);
        if focused {
            // The terminal's own cursor at the insertion point: an input method's candidate
            // window follows it.
            let cursor = text.screen_cursor();
            let (top, left) = text.scroll_offset();
            let x = text_area.x + (cursor.col as u16).saturating_sub(left);
            let y = text_area.y + (cursor.row as u16).saturating_sub(top);
            frame.set_cursor_position((
                x.min(text_area.right().saturating_sub(1)),
                y.min(text_area.bottom().saturating_sub(1)),
            ));
        }
    }
    let mut spans = vec![Span::styled(format!("{}: ", Field::Priority.label(lang)), theme.label)];
    for p in Priority::ALL {
        let style = if *p == form.priority { theme.tab_active } else { theme.tab };
        spans.push(Span::styled(format!(" {} ", p.label(lang)), style));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), priority);

    let mut lines = Vec::new();
    for f in form.findings() {
        let style = if f.is_error() { theme.late } else { theme.urgent };
        let mark = if f.is_error() { "✗" } else { "!" };
        lines.push(Line::styled(format!("{mark} {} — {}", f.message(lang), f.suggestion(lang)), style));
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), findings);
    let hint_text = if state.discard_armed {
        lang.pick(
            "Esc again discards what you typed; any other key keeps editing.",
            "再按 Esc 将丢弃已输入内容;按其他键继续编辑。",
        )
    } else {
        lang.pick(
            "Tab next field · Enter new line · Ctrl-S register · Esc cancel · saved as a draft as you type",
            "Tab 下一项 · Enter 换行 · Ctrl-S 登记 · Esc 取消 · 输入内容随时存为草稿",
        )
    };
    let style = if state.discard_armed { theme.error } else { theme.hint };
    frame.render_widget(Paragraph::new(Line::styled(hint_text, style)), hint);
}

/// The offer of a draft left by an earlier run (a crash, a kill, a dropped connection).
pub fn draw_restore(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    let Some(draft) = &state.restore else { return };
    let lang = state.lang;
    let title =
        if draft.register.title.trim().is_empty() { "—".to_string() } else { draft.register.title.clone() };
    let lines = vec![
        Line::from(format!(
            "{} {}",
            lang.pick(
                "A registration you were typing was left unsaved at",
                "发现一份未保存的登记草稿,保存于"
            ),
            draft.saved_at.format("%Y-%m-%d %H:%M")
        )),
        Line::from(format!("{}: {}", lang.pick("Title", "标题"), crate::domain::text::sanitize_line(&title))),
        Line::from(""),
        Line::styled(
            lang.pick("r restore it · x discard it · Esc decide later", "r 恢复 · x 丢弃 · Esc 稍后再说"),
            theme.key,
        ),
    ];
    let w = lines.iter().map(|l| width(&l.to_string())).max().unwrap_or(40) as u16 + 4;
    let popup = super::centre(area, w, lines.len() as u16 + 2);
    super::clear_under(frame, popup);
    let block = pane_block(lang.pick(" Draft ", " 草稿 ").to_string(), true, theme);
    frame.render_widget(Paragraph::new(lines).block(block), popup);
}
