//! The issue list: number, priority, status, the next deadline in working time, departments, title.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Cell, Paragraph, Row, Table};

use super::search::Terms;
use super::{Theme, pane_block};
use crate::domain::deadline::countdown;
use crate::domain::text::{sanitize_line, truncate};
use crate::domain::*;
use crate::i18n::Lang;
use crate::store::SortKey;
use crate::tui::app::{Pane, State};
use crate::tui::keymap::Action;

pub fn draw(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    let lang = state.lang;
    let block =
        pane_block(title(state, area.width.saturating_sub(2) as usize), state.focus == Pane::List, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if state.list.rows.is_empty() {
        let key = |a: Action| state.keymap.first_key(a);
        let (help, quit, back) = (key(Action::Help), key(Action::Quit), key(Action::Back));
        let text = if !state.has_issues {
            match lang {
                Lang::En => format!(
                    "No issue has been registered yet.\n\nRegister one:  liaison add --title … --background … --request … --dept RD\nExample data:  liaison demo --issues 200\n\n{help} shows the keys, {quit} quits."
                ),
                Lang::Zh => format!(
                    "还没有登记任何问题。\n\n登记问题：liaison add --title … --background … --request … --dept RD\n示例数据：liaison demo --issues 200\n\n{help} 查看按键，{quit} 退出。"
                ),
            }
        } else if state.list.query.trim().is_empty() {
            match lang {
                Lang::En => format!("No issue here. Number keys switch lists; {help} shows the keys."),
                Lang::Zh => format!("此列表为空。数字键切换列表，{help} 查看按键。"),
            }
        } else {
            match lang {
                Lang::En => format!("No issue matches the search. {back} clears it."),
                Lang::Zh => format!("没有匹配的问题。按 {back} 清除搜索。"),
            }
        };
        let lines: Vec<Line> = text.lines().map(|l| Line::styled(l.to_string(), theme.hint)).collect();
        frame.render_widget(Paragraph::new(lines).wrap(ratatui::widgets::Wrap { trim: false }), inner);
        return;
    }
    let visible = visible_rows(inner);
    let first = first_visible(inner, state);
    let start = first.saturating_sub(state.list.window_start as usize);
    let slice = state.list.rows.iter().skip(start).take(visible);

    // Number, priority, status, deadline, departments; the title takes the rest.
    let widths_fixed: [u16; 5] = match inner.width {
        w if w >= 96 => [19, 4, 10, 13, 14],
        w if w >= 68 => [19, 4, 9, 11, 8],
        // Narrow: the detail pane shows the status; the title needs the room.
        _ => [19, 4, 0, 11, 8],
    };
    let fixed: u16 = widths_fixed.iter().sum::<u16>() + 5;
    let title_width = inner.width.saturating_sub(fixed).max(8) as usize;
    // In my inbox the departments column tells what waits on me instead.
    let inbox = state.list.view == crate::tui::keymap::View::Inbox;
    let header = Row::new(
        [
            lang.pick("Number", "编号"),
            lang.pick("Pri", "优先"),
            lang.pick("Status", "状态"),
            lang.pick("Deadline", "时限"),
            if inbox { lang.pick("For me", "待我处理") } else { lang.pick("Depts", "部门") },
            lang.pick("Title", "标题"),
        ]
        .map(|h| Cell::from(h).style(theme.label)),
    );
    let terms = Terms::new(&state.list.query, theme);
    let mut rows = Vec::new();
    for (i, r) in slice.enumerate() {
        let absolute = first + i;
        let (due_text, due_style) = match r.next_due {
            Some(due) => {
                let c = countdown(state.now, due, &state.calendar);
                let style = if c.is_overdue() {
                    theme.late
                } else if c.is_urgent() {
                    theme.urgent
                } else {
                    Style::new()
                };
                (c.label(lang), style)
            }
            None => (String::from("—"), theme.hint),
        };
        let mut status = r.status.short(lang).to_string();
        if r.escalated {
            status.push('↑');
        }
        let status_style = match r.status {
            Status::Resolved | Status::Archived => theme.done,
            _ if r.escalated => theme.late,
            _ => Style::new(),
        };
        let priority_style = if r.priority == Priority::High { theme.urgent } else { Style::new() };
        let cell = |text: &str, w: u16| Cell::from(truncate(&sanitize_line(text), w as usize).into_owned());
        let fourth = if inbox { waits(r, lang) } else { r.departments.join(",") };
        let number = format!("{}{}", if r.unseen { "●" } else { " " }, r.number);
        let number_style = if r.unseen { theme.urgent } else { Style::new() };
        let row = Row::new(vec![
            cell(&number, widths_fixed[0]).style(number_style),
            cell(r.priority.short(lang), widths_fixed[1]).style(priority_style),
            cell(&status, widths_fixed[2]).style(status_style),
            cell(&due_text, widths_fixed[3]).style(due_style),
            cell(&fourth, widths_fixed[4]).style(if inbox { theme.urgent } else { Style::new() }),
            Cell::from(terms.line(&truncate(&sanitize_line(&r.title), title_width), Style::new())),
        ]);
        rows.push(if absolute == state.list.selected { row.style(theme.selected) } else { row });
    }
    let widths = [
        Constraint::Length(widths_fixed[0]),
        Constraint::Length(widths_fixed[1]),
        Constraint::Length(widths_fixed[2]),
        Constraint::Length(widths_fixed[3]),
        Constraint::Length(widths_fixed[4]),
        Constraint::Min(8),
    ];
    frame.render_widget(Table::new(rows, widths).header(header).column_spacing(1), inner);
}

/// The pane's title: the list, its narrowing and its order, and where the selection is, e.g.
/// ` Issues · My inbox · by deadline 3/27 `. Shorter names when the pane is narrow.
fn title(state: &State, room: usize) -> String {
    let lang = state.lang;
    let position = if state.list.total > 0 {
        format!(" {}/{} ", state.list.selected + 1, state.list.total)
    } else {
        " ".into()
    };
    let mut narrowing = String::new();
    if state.list.view == crate::tui::keymap::View::Department || state.list.dept_filter.is_some() {
        narrowing.push_str(&format!(" · {}", sanitize_line(state.view_dept())));
    }
    if let Some(p) = state.list.priority_filter {
        narrowing.push_str(&format!(" · {}", p.label(lang)));
    }
    let sort = sort_label(state.list.sort, lang);
    let pane = Pane::List.label(lang);
    let candidates = [
        format!(" {pane} · {}{narrowing} · {sort}{position}", state.list.view.label(lang)),
        format!(" {pane} · {}{narrowing} · {sort}{position}", state.list.view.short_label(lang)),
        format!(" {}{narrowing} · {sort}{position}", state.list.view.short_label(lang)),
    ];
    let fits = |t: &&String| crate::domain::text::width(t) <= room;
    candidates.iter().find(fits).unwrap_or(&candidates[2]).clone()
}

/// The order of the list as its title says it.
pub fn sort_label(sort: SortKey, lang: crate::i18n::Lang) -> &'static str {
    match sort {
        SortKey::Deadline => lang.pick("by deadline", "按时限排序"),
        SortKey::Priority => lang.pick("by priority", "按优先级排序"),
        SortKey::Updated => lang.pick("by last change", "按更新时间排序"),
        SortKey::Number => lang.pick("by number", "按编号排序"),
    }
}

fn visible_rows(inner: Rect) -> usize {
    inner.height.saturating_sub(1).max(1) as usize
}

/// The first row on screen: the list scrolls to keep the selection in the middle.
fn first_visible(inner: Rect, state: &State) -> usize {
    let visible = visible_rows(inner);
    let total = state.list.total.max(0) as usize;
    state.list.selected.saturating_sub(visible / 2).min(total.saturating_sub(visible))
}

/// Which row (absolute index) is drawn at screen row `y` of the pane `area`.
pub fn row_at(area: Rect, state: &State, y: u16) -> Option<usize> {
    let inner = Rect {
        x: area.x + 1,
        y: area.y + 1,
        width: area.width.saturating_sub(2),
        height: area.height.saturating_sub(2),
    };
    let first_row_y = inner.y + 1; // below the header
    if y < first_row_y || y >= inner.bottom() {
        return None;
    }
    let index = first_visible(inner, state) + (y - first_row_y) as usize;
    (index < state.list.total.max(0) as usize).then_some(index)
}

/// What waits on me in one issue, in a few words: minutes to confirm, acceptance, tasks due.
fn waits(r: &crate::store::IssueSummary, lang: crate::i18n::Lang) -> String {
    let mut words = Vec::new();
    if r.minutes_to_confirm > 0 {
        words.push(lang.pick("minutes", "纪要").to_string());
    }
    if r.acceptance_due {
        words.push(lang.pick("accept", "验收").to_string());
    }
    if r.my_tasks_due > 0 {
        words.push(format!("{}{}", lang.pick("task×", "任务×"), r.my_tasks_due));
    }
    words.join(" ")
}
