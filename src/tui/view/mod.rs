//! Drawing: one function per pane, each reading `State` and nothing else.

mod detail;
mod dialogs;
mod form;
mod help;
mod list;
mod reports;
mod search;
mod theme;
mod timeline;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

pub use theme::Theme;

use super::app::{Pane, State};
use super::keymap::{Action, Context, View};
use super::overlay::Overlay;
use super::palette::Palette;
use crate::domain::text::{sanitize_line, width};

/// At this width and wider all three panes are on screen: the list beside the detail and the
/// timeline, which stand one above the other.
pub const WIDE: u16 = 120;

/// At this width and wider the three panes stand side by side.
pub const VERY_WIDE: u16 = 160;

/// Where everything goes on a screen of a given size.
pub struct Areas {
    pub header: Rect,
    pub status: Rect,
    /// The panes on screen: all three when wide, the focused one otherwise.
    pub panes: Vec<(Pane, Rect)>,
}

pub fn layout(area: Rect, state: &State) -> Areas {
    let [header, body, status] =
        Layout::vertical([Constraint::Length(2), Constraint::Min(3), Constraint::Length(1)]).areas(area);
    let panes = if area.width >= VERY_WIDE {
        let [l, d, t] = Layout::horizontal([
            Constraint::Percentage(52),
            Constraint::Percentage(28),
            Constraint::Percentage(20),
        ])
        .areas(body);
        vec![(Pane::List, l), (Pane::Detail, d), (Pane::Timeline, t)]
    } else if area.width >= WIDE {
        // The list keeps its columns; the detail sits above the timeline beside it.
        let [l, right] =
            Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(body);
        let [d, t] = Layout::vertical([Constraint::Percentage(62), Constraint::Percentage(38)]).areas(right);
        vec![(Pane::List, l), (Pane::Detail, d), (Pane::Timeline, t)]
    } else {
        vec![(state.focus, body)]
    };
    Areas { header, status, panes }
}

/// The furthest the help scrolls on a screen of this size.
pub fn help_max_scroll(area: Rect, state: &State) -> usize {
    state.help.as_ref().map_or(0, |view| help::max_scroll(area, view, state))
}

/// The list row (absolute index) drawn at screen row `y` of the list pane, if any.
pub fn list_row_at(pane: Rect, state: &State, y: u16) -> Option<usize> {
    list::row_at(pane, state, y)
}

pub fn draw(frame: &mut Frame, state: &State, theme: &Theme) {
    let area = frame.area();
    let areas = layout(area, state);
    draw_header(frame, areas.header, state, theme);
    if let Some(r) = &state.reports {
        let body = Rect { y: areas.header.bottom(), height: areas.status.y - areas.header.bottom(), ..area };
        reports::draw(frame, body, state, r, theme);
    } else if state.reports_pending.is_some() {
        let body = Rect { y: areas.header.bottom(), height: areas.status.y - areas.header.bottom(), ..area };
        reports::draw_pending(frame, body, state, theme);
    } else {
        for (pane, rect) in &areas.panes {
            match pane {
                Pane::List => list::draw(frame, *rect, state, theme),
                Pane::Detail => detail::draw(frame, *rect, state, theme),
                Pane::Timeline => timeline::draw(frame, *rect, state, theme),
            }
        }
    }
    draw_status(frame, areas.status, state, theme);
    draw_long_message(frame, area, areas.status, state, theme);
    match &state.overlay {
        Some(Overlay::Palette(palette)) => draw_palette(frame, area, palette, state, theme),
        Some(Overlay::Form(session)) => form::draw(frame, area, &session.form, state, theme),
        Some(Overlay::Restore(_)) => dialogs::draw_restore(frame, area, state, theme),
        Some(Overlay::Search) | None => {}
    }
    if let Some(view) = &state.help {
        help::draw(frame, area, view, state, theme);
    }
}

fn draw_palette(frame: &mut Frame, area: Rect, palette: &Palette, state: &State, theme: &Theme) {
    let lang = state.lang;
    let w = area.width.saturating_sub(4).min(70);
    let h = area.height.saturating_sub(4).min(18);
    let popup = Rect { x: area.x + (area.width - w) / 2, y: area.y + 2, width: w, height: h };
    clear_under(frame, popup);
    let title = match &palette.title {
        Some(title) => format!(" {} ", sanitize_line(title)),
        None => lang.pick(" Commands ", " 命令 ").to_string(),
    };
    let block = pane_block(title, true, theme);
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let prompt = format!(": {}", sanitize_line(&palette.input));
    let mut lines = vec![Line::styled(prompt, theme.search)];
    let room = inner.height.saturating_sub(2) as usize;
    let first = palette.selected.saturating_sub(room.saturating_sub(1));
    for (row, index) in palette.matches.iter().enumerate().skip(first).take(room) {
        let entry = palette.entry(*index);
        let keys_width = width(&entry.keys);
        let label_room = (inner.width as usize).saturating_sub(keys_width + 2);
        let label = crate::domain::text::pad(&sanitize_line(&entry.label), label_room);
        let style = if row == palette.selected { theme.selected } else { theme.base };
        lines.push(Line::from(vec![
            Span::styled(format!("{label} "), style),
            Span::styled(
                entry.keys.clone(),
                if row == palette.selected { theme.selected } else { theme.key },
            ),
        ]));
    }
    if palette.matches.is_empty() {
        lines.push(Line::styled(lang.pick("(nothing matches)", "（没有匹配项）"), theme.hint));
    }
    frame.render_widget(Paragraph::new(lines), inner);
    // Its keys on the last line: in a menu, the listed keys run their entries at once.
    let mut hints = state.keymap.hints(Context::Palette, lang);
    if palette.menu {
        hints.insert(0, lang.pick("a listed key runs it", "按所列按键直接执行").to_string());
    }
    let footer = Rect { y: inner.bottom().saturating_sub(1), height: 1, ..inner };
    frame.render_widget(Line::styled(fit(&hints, inner.width as usize, "  "), theme.hint), footer);
    let x = inner.x as usize + 2 + palette.input.cursor_width();
    if state.help.is_none() {
        frame.set_cursor_position((x.min(inner.right().saturating_sub(1) as usize) as u16, inner.y));
    }
}

/// A pane's frame: highlighted when it has the focus.
pub fn pane_block<'a>(title: String, focused: bool, theme: &Theme) -> Block<'a> {
    let style = if focused { theme.focus } else { theme.border };
    Block::bordered().border_style(style).title(Span::styled(title, style))
}

fn draw_header(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    let lang = state.lang;
    let in_reports = state.reports.is_some() || state.reports_pending.is_some();
    let reports_tab = in_reports
        .then(|| format!(" {} {} ", state.keymap.first_key(Action::Reports), Action::Reports.describe(lang)));
    let room = (area.width as usize).saturating_sub(reports_tab.as_deref().map_or(0, width));
    let mut views: Vec<Span> = view_tabs(state.list.view, lang, room)
        .into_iter()
        .map(|(view, label)| {
            let active = view == state.list.view && !in_reports;
            Span::styled(label, if active { theme.tab_active } else { theme.tab })
        })
        .collect();
    let mut second = Vec::new();
    if let Some(tab) = reports_tab {
        views.push(Span::styled(tab, theme.tab_active));
        let mut line = state.reports.as_ref().map(|r| reports::header_line(r, lang)).unwrap_or_default();
        if state.reports_pending.is_some() {
            line.push_str(lang.pick("  (computing…)", "  (计算中…)"));
        }
        second.push(Span::styled(line, theme.heading));
    } else if area.width < WIDE {
        for pane in Pane::ALL {
            let style = if pane == state.focus { theme.tab_active } else { theme.tab };
            second.push(Span::styled(format!(" {} ", pane.label(lang)), style));
        }
        second.push(Span::styled(
            format!("  {} {}  ", state.keymap.first_key(Action::NextPane), lang.pick("switch", "切换")),
            theme.hint,
        ));
    }
    if state.searching() || !state.list.query.is_empty() {
        let prompt = format!("/{}", sanitize_line(&state.list.query));
        second.push(Span::styled(prompt, theme.search));
    }
    frame.render_widget(Paragraph::new(vec![Line::from(views), Line::from(second)]), area);
    if state.searching() && state.help.is_none() {
        // The terminal's own cursor sits where the next character goes, so an input method's
        // candidate window appears there.
        let used: usize = if area.width < WIDE {
            Pane::ALL.iter().map(|p| width(p.label(lang)) + 2).sum::<usize>()
                + width(&format!(
                    "  {} {}  ",
                    state.keymap.first_key(Action::NextPane),
                    lang.pick("switch", "切换")
                ))
        } else {
            0
        };
        let x = area.x as usize + used + 1 + state.list.query.cursor_width();
        frame.set_cursor_position((x.min(area.right().saturating_sub(1) as usize) as u16, area.y + 1));
    }
}

/// The view bar's tabs, each with its number key: every view by its full name when they all
/// fit in `room` columns; else the current one in full and the others by their short names;
/// else all short; else the current one short and the others by their key alone.
fn view_tabs(current: View, lang: crate::i18n::Lang, room: usize) -> Vec<(View, String)> {
    let tab = |view: View, name: Option<&str>| match name {
        Some(name) => format!(" {} {name} ", view.key()),
        None => format!(" {} ", view.key()),
    };
    let full = |v: View| Some(v.label(lang));
    let short = |v: View| Some(v.short_label(lang));
    let levels: [&dyn Fn(View) -> Option<&'static str>; 4] =
        [&full, &|v| if v == current { full(v) } else { short(v) }, &short, &|v| {
            if v == current { short(v) } else { None }
        }];
    let tabs_at = |name: &dyn Fn(View) -> Option<&'static str>| -> Vec<(View, String)> {
        View::ALL.iter().map(|v| (*v, tab(*v, name(*v)))).collect()
    };
    for name in &levels[..3] {
        let mut tabs = tabs_at(*name);
        let used = tabs.iter().map(|(_, t)| width(t)).sum::<usize>();
        if used <= room {
            return tabs;
        }
        // The last tab's closing space only matters when it is highlighted.
        if let Some((view, last)) = tabs.last_mut()
            && used == room + 1
            && *view != current
        {
            last.pop();
            return tabs;
        }
    }
    tabs_at(levels[3])
}

fn draw_status(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    let lang = state.lang;
    let (who, counts) = status_parts(state);
    // The hints follow the focused pane.
    let actions: &[Action] = match state.focus {
        _ if state.reports.as_ref().is_some_and(|r| r.drill.is_some()) => {
            &[Action::Open, Action::Back, Action::Quit]
        }
        _ if state.reports.is_some() || state.reports_pending.is_some() => &[
            Action::Help,
            Action::NextPane,
            Action::Down,
            Action::Open,
            Action::PeriodEarlier,
            Action::PeriodLater,
            Action::PeriodLength,
            Action::Filter,
            Action::Back,
        ],
        Pane::List => &[
            Action::Help,
            Action::Actions,
            Action::Search,
            Action::Filter,
            Action::Open,
            Action::CycleSort,
            Action::Palette,
            Action::Quit,
        ],
        Pane::Detail | Pane::Timeline => {
            &[Action::Help, Action::Down, Action::Up, Action::NextPane, Action::Back, Action::Quit]
        }
    };
    let short = |a: Action| match a {
        // In the Reports view Tab moves between charts.
        Action::NextPane if state.reports.is_some() => lang.pick("chart", "图表"),
        Action::Open if state.reports.as_ref().is_some_and(|r| r.drill.is_none()) => {
            lang.pick("issues", "问题")
        }
        other => other.short(lang),
    };
    let context = state.context();
    let hints: Vec<String> = match context {
        Context::Main => {
            actions.iter().map(|a| format!("{} {}", state.keymap.first_key(*a), short(*a))).collect()
        }
        // The search line has no room of its own for its keys; every other overlay names its
        // keys itself, in the words it uses (a form's submit key says 登记, 保存, 验收…).
        Context::Search => state.keymap.hints(Context::Search, lang),
        _ => Vec::new(),
    };
    let mut spans = vec![Span::styled(who, theme.status_me), Span::styled(counts, theme.status_counts)];
    let used = spans.iter().map(|s| width(&s.content)).sum::<usize>();
    let rest = (area.width as usize).saturating_sub(used);
    let tail = match state.message.as_deref().filter(|m| fits(m, rest)) {
        Some(message) => Span::styled(format!(" {}", sanitize_line(message)), theme.error),
        None => {
            let db = format!(" {} ", state.db);
            // Whole hints only, as many as fit; the database's path after them if there is room.
            let hints = fit(&hints, rest.saturating_sub(1), "  ");
            let hints = if hints.is_empty() { hints } else { format!(" {hints}") };
            let with_db = format!("{hints}  │{db}");
            let text = if width(&with_db) <= rest { with_db } else { hints };
            Span::styled(text, theme.hint)
        }
    };
    spans.push(tail);
    frame.render_widget(Paragraph::new(Line::from(spans)).style(theme.status), area);
}

/// The status bar's left part: who I am, and my inbox and alert counts.
fn status_parts(state: &State) -> (String, String) {
    let lang = state.lang;
    let me = &state.me;
    let who =
        format!(" {} ({}) {} {} ", sanitize_line(&me.display_name), me.login, me.dept, me.role.label(lang));
    let counts = format!(
        " {} {}  {} {} ",
        lang.pick("inbox", "待办"),
        state.inbox_count,
        lang.pick("alerts", "预警"),
        state.alert_count
    );
    (who, counts)
}

/// The space a message has in the status bar after who I am and my counts.
fn status_room(state: &State, width_total: u16) -> usize {
    let (who, counts) = status_parts(state);
    (width_total as usize).saturating_sub(width(&who) + width(&counts))
}

fn fits(message: &str, room: usize) -> bool {
    width(&format!(" {}", sanitize_line(message))) <= room
}

/// A message too long for the status bar (a refusal that says why and who can, say) is shown
/// whole, wrapped in a box just above it, rather than cut.
fn draw_long_message(frame: &mut Frame, area: Rect, status: Rect, state: &State, theme: &Theme) {
    let Some(message) = state.message.as_deref() else { return };
    if fits(message, status_room(state, status.width)) || area.width < 10 {
        return;
    }
    let inner = area.width.saturating_sub(2) as usize;
    let lines = crate::domain::text::wrap(&sanitize_line(message), inner);
    let height = (lines.len() as u16 + 2).min(area.height.saturating_sub(status.height + 1)).max(3);
    let rect = Rect { x: area.x, y: status.y.saturating_sub(height), width: area.width, height };
    let block = Block::bordered().border_style(theme.error);
    frame.render_widget(Clear, rect);
    let text: Vec<Line> = lines.into_iter().map(|l| Line::styled(l, theme.error)).collect();
    frame.render_widget(Paragraph::new(text).block(block), rect);
}

/// As many hints as fit whole in `room` columns, in their order, `between` them.
fn fit(hints: &[String], room: usize, between: &str) -> String {
    let mut text = String::new();
    for hint in hints {
        let next = if text.is_empty() { hint.clone() } else { format!("{text}{between}{hint}") };
        if width(&next) > room {
            break;
        }
        text = next;
    }
    text
}

/// A rectangle of at most `w`×`h`, centred in `area`.
pub fn centre(area: Rect, w: u16, h: u16) -> Rect {
    let (w, h) = (w.min(area.width), h.min(area.height));
    Rect { x: area.x + (area.width - w) / 2, y: area.y + (area.height - h) / 2, width: w, height: h }
}

/// Clears the cells under a popup, and one more column on each side: a popup's border that lands
/// on the second half of a wide character would otherwise not be shown by the terminal.
pub fn clear_under(frame: &mut Frame, popup: Rect) {
    let screen = frame.area();
    let x = popup.x.saturating_sub(1).max(screen.x);
    let right = (popup.right() + 1).min(screen.right());
    frame.render_widget(Clear, Rect { x, y: popup.y, width: right - x, height: popup.height });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;
    use crate::tui::keymap::Keymap;

    /// A hint is shown whole or not at all, in every context, at every width.
    #[test]
    fn hints_are_never_cut() {
        let keymap = Keymap::default();
        for lang in [Lang::Zh, Lang::En] {
            for context in Context::ALL {
                let hints = keymap.hints(context, lang);
                for room in 0..100 {
                    let shown = fit(&hints, room, "  ");
                    assert!(width(&shown) <= room, "{shown:?} in {room}");
                    if shown.is_empty() {
                        continue;
                    }
                    for part in shown.split("  ") {
                        assert!(
                            hints.iter().any(|h| h == part),
                            "{context:?} {room}: {part:?} is not a whole hint"
                        );
                    }
                }
            }
        }
    }
}
