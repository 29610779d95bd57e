//! Tables that fit the terminal: on a narrow one a row must stay one line, so columns give way
//! in a fixed order instead of letting the terminal wrap rows mid-word. First the least
//! important column (the title) is cut with `…`, then short forms are used (`Working` for
//! `In progress`, `Deadline` for `Next deadline`), then the gaps narrow, then optional columns
//! are left out. Widths are display widths: a Chinese character takes two columns.
//! Output to a pipe or a file, with no `$COLUMNS`, is never cut: scripts and `grep` see it all.

use std::io::IsTerminal;

use crate::domain::text::{pad, sanitize_line, truncate, width};

/// The columns to fit output in: the terminal's when stdout is one, else `$COLUMNS`, else none.
pub fn terminal_width() -> Option<usize> {
    let terminal = std::io::stdout()
        .is_terminal()
        .then(crossterm::terminal::size)
        .and_then(Result::ok)
        .map(|(columns, _)| usize::from(columns));
    let env = || std::env::var("COLUMNS").ok()?.trim().parse::<usize>().ok();
    terminal.filter(|w| *w > 0).or_else(env).filter(|w| *w > 0)
}

/// One column of a fitted table, and how it gives way.
#[derive(Debug, Clone, Copy)]
pub struct Column<'a> {
    header: &'a str,
    short_header: &'a str,
    /// Cut with `…` down to `min` columns, the lowest order first; never cut when `None`.
    cut: Option<(u8, usize)>,
    /// Left out when cutting is not enough, the lowest order first; always shown when `None`.
    drop: Option<u8>,
}

impl<'a> Column<'a> {
    /// A column as wide as its widest cell, never cut nor left out.
    pub fn new(header: &'a str) -> Column<'a> {
        Column { header, short_header: header, cut: None, drop: None }
    }

    /// The header when space is short.
    pub fn short(mut self, header: &'a str) -> Column<'a> {
        self.short_header = header;
        self
    }

    /// May be cut down to `min` columns; the lowest `order` is cut first.
    pub fn cut(mut self, order: u8, min: usize) -> Column<'a> {
        self.cut = Some((order, min));
        self
    }

    /// May be left out; the lowest `order` goes first.
    pub fn drop(mut self, order: u8) -> Column<'a> {
        self.drop = Some(order);
        self
    }
}

/// A cell, with the short form it takes when space is short.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    full: String,
    short: Option<String>,
}

impl Cell {
    pub fn with_short(full: impl Into<String>, short: impl Into<String>) -> Cell {
        Cell {
            full: sanitize_line(&full.into()).into_owned(),
            short: Some(sanitize_line(&short.into()).into_owned()),
        }
    }

    fn text(&self, short: bool) -> &str {
        match (&self.short, short) {
            (Some(s), true) => s,
            _ => &self.full,
        }
    }
}

impl From<String> for Cell {
    fn from(full: String) -> Cell {
        Cell { full: sanitize_line(&full).into_owned(), short: None }
    }
}

impl From<&str> for Cell {
    fn from(full: &str) -> Cell {
        Cell::from(full.to_string())
    }
}

/// One way of laying the table out: full or short forms, the gap, how many optional columns
/// are left out.
#[derive(Debug, Clone, Copy)]
struct Plan {
    short: bool,
    gap: usize,
    dropped: usize,
}

/// The table, headers first, each row on one line no wider than `width` when it can be done
/// (see the module's documentation for the order things give way in).
pub fn table(columns: &[Column], rows: &[Vec<Cell>], width: Option<usize>) -> String {
    let droppable = columns.iter().filter(|c| c.drop.is_some()).count();
    let mut plans = vec![Plan { short: false, gap: 2, dropped: 0 }, Plan { short: true, gap: 2, dropped: 0 }];
    plans.extend((0..=droppable).map(|dropped| Plan { short: true, gap: 1, dropped }));
    let Some(limit) = width else {
        return render(columns, rows, plans[0], &natural(columns, rows, plans[0]));
    };
    for &plan in &plans {
        let mut widths = natural(columns, rows, plan);
        if cut(columns, &mut widths, plan.gap, limit, false) {
            return render(columns, rows, plan, &widths);
        }
    }
    // Nothing fits with the columns at their least: cut further, down to the ellipsis alone.
    let last = plans[plans.len() - 1];
    let mut widths = natural(columns, rows, last);
    cut(columns, &mut widths, last.gap, limit, true);
    render(columns, rows, last, &widths)
}

/// Each column as wide as its header and widest cell; `None` when left out.
fn natural(columns: &[Column], rows: &[Vec<Cell>], plan: Plan) -> Vec<Option<usize>> {
    let mut drop_order: Vec<(u8, usize)> =
        columns.iter().enumerate().filter_map(|(i, c)| c.drop.map(|o| (o, i))).collect();
    drop_order.sort_unstable();
    let dropped: Vec<usize> = drop_order.iter().take(plan.dropped).map(|&(_, i)| i).collect();
    columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if dropped.contains(&i) {
                return None;
            }
            let header = if plan.short { c.short_header } else { c.header };
            let widest = rows.iter().filter_map(|r| r.get(i)).map(|cell| width(cell.text(plan.short))).max();
            Some(width(header).max(widest.unwrap_or(0)))
        })
        .collect()
}

/// Narrows the columns that may be cut, in their order, until the line fits `limit`: down to
/// their least width, or with `all_the_way` down to one column. Whether the line fits.
fn cut(
    columns: &[Column],
    widths: &mut [Option<usize>],
    gap: usize,
    limit: usize,
    all_the_way: bool,
) -> bool {
    let shown = widths.iter().flatten().count();
    let total = widths.iter().flatten().sum::<usize>() + gap * shown.saturating_sub(1);
    let mut excess = total.saturating_sub(limit);
    let mut order: Vec<(u8, usize, usize)> = columns
        .iter()
        .enumerate()
        .filter_map(|(i, c)| c.cut.map(|(o, min)| (o, i, if all_the_way { 1 } else { min })))
        .collect();
    order.sort_unstable();
    for (_, i, min) in order {
        let Some(w) = widths[i].as_mut() else { continue };
        let take = excess.min(w.saturating_sub(min));
        *w -= take;
        excess -= take;
    }
    excess == 0
}

fn render(columns: &[Column], rows: &[Vec<Cell>], plan: Plan, widths: &[Option<usize>]) -> String {
    let gap = " ".repeat(plan.gap);
    let line = |cells: Vec<&str>| {
        let shown: Vec<(&str, usize)> =
            cells.into_iter().zip(widths).filter_map(|(text, w)| w.map(|w| (text, w))).collect();
        let last = shown.len().saturating_sub(1);
        let parts: Vec<String> = shown
            .iter()
            .enumerate()
            .map(|(i, &(text, w))| if i == last { truncate(text, w).into_owned() } else { pad(text, w) })
            .collect();
        parts.join(&gap)
    };
    let headers = columns.iter().map(|c| if plan.short { c.short_header } else { c.header }).collect();
    let mut out = vec![line(headers)];
    out.extend(
        rows.iter()
            .map(|r| line((0..columns.len()).map(|i| r.get(i).map_or("", |c| c.text(plan.short))).collect())),
    );
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn columns() -> Vec<Column<'static>> {
        vec![
            Column::new("Number"),
            Column::new("Status"),
            Column::new("Depts").cut(1, 5).drop(0),
            Column::new("Title").cut(0, 12),
        ]
    }

    fn rows() -> Vec<Vec<Cell>> {
        vec![
            vec![
                "20261116-RD-001".into(),
                Cell::with_short("Awaiting acceptance", "To accept"),
                "FIN,RD,QA".into(),
                "绿源农业年框协议价无法在下单系统中录入".into(),
            ],
            vec![
                "20261116-RD-002".into(),
                Cell::with_short("In progress", "Working"),
                "RD".into(),
                "short".into(),
            ],
        ]
    }

    fn widest(text: &str) -> usize {
        text.lines().map(width).max().unwrap_or(0)
    }

    #[test]
    fn without_a_width_nothing_is_cut() {
        let text = table(&columns(), &rows(), None);
        assert!(
            text.contains("Awaiting acceptance") && text.contains("绿源农业年框协议价无法在下单系统中录入"),
            "{text}"
        );
        assert!(!text.contains('…'), "{text}");
        assert_eq!(table(&columns(), &rows(), Some(200)), text);
    }

    #[test]
    fn the_title_goes_first_then_short_forms_then_optional_columns() {
        // Wide enough with the title cut: the statuses stay whole.
        let text = table(&columns(), &rows(), Some(64));
        assert!(widest(&text) <= 64 && text.contains("Awaiting acceptance") && text.contains('…'), "{text}");
        // Narrower: the short status.
        let text = table(&columns(), &rows(), Some(50));
        assert!(widest(&text) <= 50 && text.contains("To accept") && text.contains("FIN,RD"), "{text}");
        // Narrower still: the departments are left out, the title keeps its least width.
        let text = table(&columns(), &rows(), Some(40));
        assert!(widest(&text) <= 40 && !text.contains("Depts") && text.contains("绿源农业年"), "{text}");
        for line in text.lines() {
            assert!(!line.ends_with(' '), "{line:?}");
        }
        // Too narrow for anything: still one line per row, as narrow as can be.
        let text = table(&columns(), &rows(), Some(10));
        assert_eq!(text.lines().count(), 3, "{text}");
    }

    #[test]
    fn chinese_is_measured_in_display_columns() {
        let cols = [Column::new("编号"), Column::new("标题").cut(0, 6)];
        let rows = vec![vec![Cell::from("RD-001"), Cell::from("积分商城兑换失败需要研发排查")]];
        let text = table(&cols, &rows, Some(20));
        assert_eq!(text.lines().nth(1), Some("RD-001  积分商城兑…"), "{text}");
        assert!(widest(&text) <= 20, "{text}");
    }
}
