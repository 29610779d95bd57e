//! The Reports view: a bar chart per department for one figure, its table beside or below, the
//! weekly trends as sparklines, and the issues behind a number over it. Narrow screens show one
//! chart at a time (Tab switches); from 120 columns the trends and the figures by priority stand
//! beside the chart. The tables are `domain::report::table`'s, as the text output and the HTML page
//! show them; this view only fits them to its panes.

use ratatui::Frame;
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Paragraph, Sparkline};

use super::{Theme, WIDE, centre, clear_under, pane_block};
use crate::domain::Department;
use crate::domain::report::table::{Align, Row, Table, Tables, no_data, share_text};
use crate::domain::report::{Figure, Report};
use crate::domain::text::{pad, pad_left, sanitize_line, truncate, width};
use crate::i18n::Lang;
use crate::tui::app::State;
use crate::tui::keymap::Action;
use crate::tui::reports::{Chart, Reports};

/// The header's second line: period, filters, and which chart of how many.
pub fn header_line(r: &Reports, lang: Lang) -> String {
    let all = lang.pick("all", "全部");
    let dept = r.scope.dept.as_deref().unwrap_or(all);
    let priority = r.scope.priority.map_or(all, |p| p.label(lang));
    let weeks = match lang {
        Lang::En => format!(" ({} wk)", r.weeks),
        Lang::Zh => format!("（{}周）", r.weeks),
    };
    format!(
        " {}–{}{weeks} · {} · {} · {}/{} {}",
        r.scope.from,
        r.scope.to.format("%m-%d"),
        dept,
        priority,
        r.chart + 1,
        Chart::all().len(),
        r.chart().label(lang),
    )
}

pub fn draw(frame: &mut Frame, area: Rect, state: &State, r: &Reports, theme: &Theme) {
    let lang = state.lang;
    if area.width >= WIDE {
        let [left, right] =
            Layout::horizontal([Constraint::Percentage(58), Constraint::Percentage(42)]).areas(area);
        let chart = match r.chart() {
            Chart::Weekly => Chart::Figure(Figure::FirstResponse),
            other => other,
        };
        // The chart and its table, then the escalations' reasons in what is left.
        let n = r.departments().len() as u16;
        let used = (2 * n.max(1) - 1 + 2) + (n + 3) + 1;
        let [figure, reasons] =
            Layout::vertical([Constraint::Length(used.min(left.height)), Constraint::Min(0)]).areas(left);
        draw_figure(frame, figure, state, r, chart, true, theme);
        draw_reasons(frame, reasons, &r.report, lang, theme);
        let [trend, priorities, weeks] =
            Layout::vertical([Constraint::Percentage(45), Constraint::Length(7), Constraint::Min(3)])
                .areas(right);
        draw_trend(frame, trend, &r.report, lang, theme, r.chart() == Chart::Weekly);
        draw_priorities(frame, priorities, &r.report, lang, theme);
        draw_weeks(frame, weeks, &r.report, lang, theme);
    } else {
        match r.chart() {
            Chart::Weekly => {
                let [trend, priorities] =
                    Layout::vertical([Constraint::Length(13), Constraint::Min(4)]).areas(area);
                draw_trend(frame, trend, &r.report, lang, theme, true);
                draw_priorities(frame, priorities, &r.report, lang, theme);
            }
            chart => draw_figure(frame, area, state, r, chart, false, theme),
        }
    }
    if r.report.is_empty() {
        let text = lang.pick(
            "No data: no issue was registered in this period and none is open. [ ] change the period.",
            "无数据：此期间没有登记的问题，也没有未结的问题。按 [ ] 切换期间。",
        );
        let w = (width(text) as u16 + 4).min(area.width);
        let popup = centre(area, w, 3);
        clear_under(frame, popup);
        frame.render_widget(Paragraph::new(text).block(pane_block(String::new(), true, theme)), popup);
    }
    if let Some(drill) = &r.drill {
        draw_drill(frame, area, state, drill, theme);
    }
}

/// The view while its first figures are computed.
pub fn draw_pending(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    let back = state.keymap.first_key(Action::Back);
    let text = match state.lang {
        Lang::En => format!("Computing the report…  {back} goes back."),
        Lang::Zh => format!("正在计算报表…  按 {back} 返回。"),
    };
    let block = pane_block(format!(" {} ", state.lang.pick("Reports", "报表")), true, theme);
    frame.render_widget(Paragraph::new(Line::styled(text, theme.hint)).block(block), area);
}

/// One department's bar: its value, the text on the bar, and "no data".
fn bar_of(report: &Report, figure: Figure, index: usize, lang: Lang) -> (u64, String) {
    let share = |s: Option<f64>, n: u32| match s {
        Some(s) => ((s * 100.0).round() as u64, format!("{} ({n})", share_text(Some(s), lang))),
        None => (0, no_data(lang).to_string()),
    };
    let count = |n: u32| (u64::from(n), n.to_string());
    match figure {
        Figure::FirstResponse => {
            let f = &report.first_response.by_dept.0[index].1;
            share(f.met_share(), f.decided())
        }
        Figure::Tasks => {
            let f = &report.tasks.by_dept.0[index].1;
            share(f.on_time_share(), f.on_time + f.late)
        }
        Figure::RiskAlerts => {
            let f = &report.risk_alerts.by_dept.0[index].1;
            share(f.timely_share(), f.timely + f.late)
        }
        Figure::OpenLoad => count(report.open_load.by_dept.0[index].1.issues),
        Figure::Escalations => count(report.escalations.by_dept.0[index].1),
        Figure::Minutes => count(report.minutes_waiting.by_dept.0[index].1.waiting),
    }
}

fn is_share(figure: Figure) -> bool {
    matches!(figure, Figure::FirstResponse | Figure::Tasks | Figure::RiskAlerts)
}

fn dept_label(code: &str, departments: &[Department], wide: bool) -> String {
    match departments.iter().find(|d| d.code == code) {
        Some(d) if wide => format!("{code} {}", sanitize_line(&d.name)),
        _ => code.to_string(),
    }
}

/// A figure's chart by department and its table under it; `reasons_beside` when the escalations'
/// reasons have a pane of their own.
fn draw_figure(
    frame: &mut Frame,
    area: Rect,
    state: &State,
    r: &Reports,
    chart: Chart,
    reasons_beside: bool,
    theme: &Theme,
) {
    let lang = state.lang;
    let Chart::Figure(figure) = chart else { return };
    let depts = r.departments();
    let wide = area.width >= 90;
    let unit = if is_share(figure) {
        lang.pick("share kept, %", "达标率 %")
    } else {
        lang.pick("count", "数量")
    };
    let title = format!(" {} · {unit} ", figure.label(lang));
    // A blank row between bars when the table still fits under them.
    let n = depts.len().max(1) as u16;
    let gap = u16::from(area.height > (2 * n - 1) + 2 + n + 3);
    let chart_rows = n * (1 + gap) - gap + 2;
    let [top, bottom] = Layout::vertical([Constraint::Length(chart_rows), Constraint::Min(3)]).areas(area);
    let bars: Vec<Bar> = depts
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let (value, text) = bar_of(&r.report, figure, i, lang);
            let style = if i == r.selected { theme.selected } else { theme.progress };
            Bar::default()
                .value(value)
                .text_value(text)
                .label(Line::from(dept_label(d, &state.departments, wide)))
                .style(style)
                .value_style(theme.selected)
        })
        .collect();
    let max = if is_share(figure) { 100 } else { 0 };
    let mut barchart = BarChart::default()
        .direction(Direction::Horizontal)
        .block(pane_block(title, true, theme))
        .data(BarGroup::default().bars(&bars))
        .bar_width(1)
        .bar_gap(gap);
    if max > 0 {
        barchart = barchart.max(max);
    }
    frame.render_widget(barchart, top);
    let tables = Tables::new(&r.report, &state.departments, lang);
    let table = tables.figure(figure);
    let room = bottom.width.saturating_sub(2) as usize;
    let mut lines = table_lines(&table, &table.rows, Some(r.selected), room, theme);
    if figure == Figure::Escalations && !reasons_beside {
        // The reasons have no pane of their own on a narrow screen: the first few, under the table.
        let reasons = tables.escalation_reasons();
        let shown = &reasons.rows[..reasons.rows.len().min(5)];
        if !shown.is_empty() {
            lines.extend(table_lines(&reasons, shown, None, room, theme));
        }
    }
    let open = state.keymap.first_key(Action::Open);
    let title = match lang {
        Lang::En => format!(" Figures · {open}: the issues behind the selected row "),
        Lang::Zh => format!(" 数据 · {open} 查看所选部门背后的问题 "),
    };
    let block = pane_block(title, false, theme);
    frame.render_widget(Paragraph::new(lines).block(block), bottom);
}

/// A table's lines: the labels, then a line a row (the selected one highlighted), names left and
/// numbers right. Full labels and names when they fit in `room`, else the short ones.
fn table_lines<'a>(
    table: &Table,
    rows: &[Row],
    selected: Option<usize>,
    room: usize,
    theme: &Theme,
) -> Vec<Line<'a>> {
    let layout = |short_labels: bool, short_names: bool| {
        let head: Vec<String> = table.columns.iter().map(|c| c.fitted(short_labels).to_string()).collect();
        let body: Vec<Vec<String>> = rows
            .iter()
            .map(|row| row.cells.iter().map(|c| sanitize_line(c.fitted(short_names)).into_owned()).collect())
            .collect();
        let mut widths: Vec<usize> = head.iter().map(|h| width(h)).collect();
        for row in &body {
            for (i, c) in row.iter().enumerate() {
                widths[i] = widths[i].max(width(c));
            }
        }
        (head, body, widths)
    };
    let fits = |widths: &[usize]| widths.iter().sum::<usize>() + widths.len().saturating_sub(1) <= room;
    let (head, body, widths) = [(false, false), (true, false)]
        .into_iter()
        .map(|(labels, names)| layout(labels, names))
        .find(|(_, _, widths)| fits(widths))
        .unwrap_or_else(|| layout(true, true));
    let line = |cells: &[String]| {
        let text = cells
            .iter()
            .zip(&table.columns)
            .zip(&widths)
            .map(|((c, column), w)| match column.align {
                Align::Left => pad(c, *w),
                Align::Right => pad_left(c, *w),
            })
            .collect::<Vec<_>>()
            .join(" ");
        truncate(&text, room).into_owned()
    };
    let mut lines = vec![Line::styled(line(&head), theme.label)];
    for (i, row) in body.iter().enumerate() {
        let style = if Some(i) == selected { theme.selected } else { theme.base };
        lines.push(Line::styled(line(row), style));
    }
    lines
}

fn draw_trend(frame: &mut Frame, area: Rect, report: &Report, lang: Lang, theme: &Theme, focused: bool) {
    let title = format!(" {} ", lang.pick("Weekly trend", "每周趋势"));
    let block = pane_block(title, focused, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let weeks = &report.weekly;
    // The most recent weeks that fit, each as wide as the room allows.
    let fit = (inner.width as usize).min(weeks.len());
    let shown = &weeks[weeks.len() - fit..];
    let each = (inner.width as usize / fit.max(1)).clamp(1, 6);
    let widen = |v: Vec<Option<u64>>| -> Vec<Option<u64>> {
        v.into_iter().flat_map(|x| std::iter::repeat_n(x, each)).collect()
    };
    let last = |v: Option<String>| v.unwrap_or_else(|| "—".into());
    let series: [(String, Vec<Option<u64>>, Option<u64>); 3] = [
        (
            format!(
                "{}{}",
                lang.pick("registered, last week: ", "登记，最近一周："),
                last(shown.last().map(|w| w.registered.to_string()))
            ),
            shown.iter().map(|w| Some(u64::from(w.registered))).collect(),
            None,
        ),
        (
            format!(
                "{}{}",
                lang.pick("accepted, last week: ", "验收，最近一周："),
                last(shown.last().map(|w| w.accepted.to_string()))
            ),
            shown.iter().map(|w| Some(u64::from(w.accepted))).collect(),
            None,
        ),
        (
            format!(
                "{}{}",
                lang.pick("first response met, last week: ", "按时响应率，最近一周："),
                shown.last().map_or("—".into(), |w| share_text(w.first_response_met_share, lang))
            ),
            shown.iter().map(|w| w.first_response_met_share.map(|s| (s * 100.0).round() as u64)).collect(),
            Some(100),
        ),
    ];
    let rows = Layout::vertical([Constraint::Ratio(1, 3); 3]).split(inner);
    for ((label, data, max), row) in series.into_iter().zip(rows.iter()) {
        let [head, spark] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(*row);
        frame.render_widget(Paragraph::new(Line::styled(label, theme.label)), head);
        let mut sparkline =
            Sparkline::default().data(widen(data)).style(theme.progress).absent_value_symbol("·");
        if let Some(max) = max {
            sparkline = sparkline.max(max);
        }
        frame.render_widget(sparkline, spark);
    }
    if shown.is_empty() {
        frame.render_widget(Paragraph::new(no_data(lang)).style(theme.hint), inner);
    }
}

fn draw_priorities(frame: &mut Frame, area: Rect, report: &Report, lang: Lang, theme: &Theme) {
    let table = Tables::new(report, &[], lang).by_priority();
    let mut lines = table_lines(&table, &table.rows, None, area.width.saturating_sub(2) as usize, theme);
    lines.push(Line::styled(
        format!("{}{}", lang.pick("Issues registered in the period: ", "期间登记问题："), report.registered),
        theme.hint,
    ));
    frame.render_widget(
        Paragraph::new(lines).block(pane_block(format!(" {} ", table.title), false, theme)),
        area,
    );
}

fn draw_reasons(frame: &mut Frame, area: Rect, report: &Report, lang: Lang, theme: &Theme) {
    if area.height < 3 {
        return;
    }
    let table = Tables::new(report, &[], lang).escalation_reasons();
    let lines = if table.rows.is_empty() {
        vec![Line::styled(lang.pick("no escalation in the period", "期间没有升级"), theme.hint)]
    } else {
        table_lines(&table, &table.rows, None, area.width.saturating_sub(2) as usize, theme)
    };
    frame.render_widget(
        Paragraph::new(lines).block(pane_block(format!(" {} ", table.title), false, theme)),
        area,
    );
}

/// The weekly table, the most recent weeks that fit.
fn draw_weeks(frame: &mut Frame, area: Rect, report: &Report, lang: Lang, theme: &Theme) {
    if area.height < 4 {
        return;
    }
    let table = Tables::new(report, &[], lang).weekly();
    let room = area.height.saturating_sub(3) as usize;
    let rows = &table.rows[table.rows.len().saturating_sub(room)..];
    let lines = table_lines(&table, rows, None, area.width.saturating_sub(2) as usize, theme);
    // The pane beside the trend's sparklines: "Weeks", not the table's "Weekly trend" again.
    let title = format!(" {} ", lang.pick("Weeks", "各周"));
    frame.render_widget(Paragraph::new(lines).block(pane_block(title, false, theme)), area);
}

fn draw_drill(
    frame: &mut Frame,
    area: Rect,
    state: &State,
    drill: &crate::tui::reports::Drill,
    theme: &Theme,
) {
    let lang = state.lang;
    let w = area.width.saturating_sub(4).min(110);
    let h = area.height.saturating_sub(2).min(drill.rows.len() as u16 + 4).max(5);
    let popup = centre(area, w, h);
    clear_under(frame, popup);
    let shown = if drill.total > drill.rows.len() {
        format!(" {} {} ", lang.pick("showing", "显示"), drill.rows.len())
    } else {
        String::new()
    };
    let block = pane_block(format!(" {}{shown} ", sanitize_line(&drill.title)), true, theme);
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let room = inner.height.saturating_sub(1) as usize;
    let first = drill.selected.saturating_sub(room.saturating_sub(1));
    let mut lines: Vec<Line> = drill
        .rows
        .iter()
        .enumerate()
        .skip(first)
        .take(room)
        .map(|(i, (row, note))| {
            let style = if i == drill.selected { theme.selected } else { theme.base };
            let text = format!(
                "{} {} {} {} {}",
                pad(&row.number, 19),
                pad(row.priority.short(lang), 4),
                pad(row.status.short(lang), 9),
                pad(&sanitize_line(note), 22),
                sanitize_line(&row.title)
            );
            Line::from(Span::styled(truncate(&text, inner.width as usize).into_owned(), style))
        })
        .collect();
    if drill.rows.is_empty() {
        lines.push(Line::styled(
            lang.pick("No issue behind this number.", "这个数字背后没有问题。"),
            theme.hint,
        ));
    }
    let (open, back) = (state.keymap.first_key(Action::Open), state.keymap.first_key(Action::Back));
    let keys = match lang {
        Lang::En => format!("{open} opens the issue · {back} closes"),
        Lang::Zh => format!("{open} 打开问题 · {back} 关闭"),
    };
    lines.push(Line::styled(keys, theme.hint));
    frame.render_widget(Paragraph::new(lines), inner);
}
