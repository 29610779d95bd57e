//! Drawing: one function per pane, each reading `State` and nothing else.

mod detail;
mod form;
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
use super::keymap::{Action, View};
use super::palette::Palette;
use crate::domain::text::{sanitize_line, truncate, width};

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
    if let Some(palette) = &state.palette {
        draw_palette(frame, area, palette, state, theme);
    }
    if let Some(form) = &state.form {
        form::draw(frame, area, form, state, theme);
    }
    if state.restore.is_some() {
        form::draw_restore(frame, area, state, theme);
    }
    if state.help {
        draw_help(frame, area, state, theme);
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
    let mut lines = vec![Line::styled(prompt.clone(), theme.search)];
    let room = inner.height.saturating_sub(1) as usize;
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
    let x = inner.x as usize + width(&prompt);
    frame.set_cursor_position((x.min(inner.right().saturating_sub(1) as usize) as u16, inner.y));
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
    let mut views: Vec<Span> = view_tabs(state.view, lang, room)
        .into_iter()
        .map(|(view, label)| {
            let active = view == state.view && !in_reports;
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
    if state.searching || !state.query.is_empty() {
        let prompt = format!("/{}", sanitize_line(&state.query));
        second.push(Span::styled(prompt, theme.search));
    }
    frame.render_widget(Paragraph::new(vec![Line::from(views), Line::from(second)]), area);
    if state.searching {
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
        let x = area.x as usize + used + 1 + width(&sanitize_line(&state.query));
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
    let hints: Vec<String> =
        actions.iter().map(|a| format!("{} {}", state.keymap.first_key(*a), short(*a))).collect();
    let mut spans = vec![Span::styled(who, theme.status_me), Span::styled(counts, theme.status_counts)];
    let used = spans.iter().map(|s| width(&s.content)).sum::<usize>();
    let rest = (area.width as usize).saturating_sub(used);
    let tail = match state.message.as_deref().filter(|m| fits(m, rest)) {
        Some(message) => Span::styled(format!(" {}", sanitize_line(message)), theme.error),
        None => {
            let db = format!(" {} ", state.db);
            let text = format!(" {}  │{db}", hints.join("  "));
            Span::styled(truncate(&text, rest).into_owned(), theme.hint)
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

fn draw_help(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    let lang = state.lang;
    let entries = state.keymap.help(lang);
    // As many columns as the screen's height needs; descriptions are cut to fit its width.
    let rows_available = area.height.saturating_sub(3).max(1) as usize;
    let columns = entries.len().div_ceil(rows_available).max(1);
    let rows = entries.len().div_ceil(columns);
    let gap = 2;
    let column = |c: usize| entries.iter().skip(c * rows).take(rows);
    let key_widths: Vec<usize> =
        (0..columns).map(|c| column(c).map(|(k, _)| width(k)).max().unwrap_or(0).min(12)).collect();
    let natural: Vec<usize> =
        (0..columns).map(|c| column(c).map(|(_, w)| width(w)).max().unwrap_or(0)).collect();
    let room = (area.width.saturating_sub(2) as usize)
        .saturating_sub(gap * (columns - 1) + key_widths.iter().map(|k| k + 1).sum::<usize>());
    let what_widths = share(&natural, room);
    let cell = |i: usize, c: usize| -> Vec<Span<'static>> {
        match entries.get(i) {
            Some((keys, what)) => vec![
                Span::styled(
                    crate::domain::text::pad(&truncate(keys, key_widths[c]), key_widths[c] + 1),
                    theme.key,
                ),
                Span::raw(crate::domain::text::pad(&truncate(what, what_widths[c]), what_widths[c])),
            ],
            None => Vec::new(),
        }
    };
    let mut lines: Vec<Line> = (0..rows)
        .map(|r| {
            let mut spans = Vec::new();
            for c in 0..columns {
                if c > 0 {
                    spans.push(Span::raw(" ".repeat(gap)));
                }
                spans.extend(cell(r + c * rows, c));
            }
            Line::from(spans)
        })
        .collect();
    lines.push(Line::styled(lang.pick("Any key closes this help.", "按任意键关闭帮助。"), theme.hint));
    let used: usize =
        key_widths.iter().zip(&what_widths).map(|(k, w)| k + 1 + w).sum::<usize>() + gap * (columns - 1);
    let h = (lines.len() as u16 + 2).min(area.height);
    let w = (used as u16 + 2).min(area.width);
    let popup = centre(area, w, h);
    clear_under(frame, popup);
    let block = pane_block(lang.pick(" Keys ", " 按键 ").to_string(), true, theme);
    frame.render_widget(Paragraph::new(lines).block(block).style(theme.base), popup);
}

/// Shares `room` among columns that want `natural` widths: a column that wants less than an
/// equal share gets what it wants, the rest split what is left.
fn share(natural: &[usize], room: usize) -> Vec<usize> {
    let mut widths = vec![0; natural.len()];
    let mut open: Vec<usize> = (0..natural.len()).collect();
    let mut left = room;
    while !open.is_empty() {
        let even = left / open.len();
        let (fits, wide): (Vec<usize>, Vec<usize>) = open.iter().partition(|&&c| natural[c] <= even);
        if fits.is_empty() {
            for c in &wide {
                widths[*c] = even;
            }
            break;
        }
        for c in fits {
            widths[c] = natural[c];
            left -= natural[c];
        }
        open = wide;
    }
    widths
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
