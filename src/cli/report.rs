//! `liaison report`: the tables of `domain::report::table` as aligned text with small bars, `--json`,
//! `--csv` (one row per number) and `--html FILE` (see `report_html`).

use crate::domain::Department;
use crate::domain::report::table::{Align, Table, Tables, dept_name};
use crate::domain::report::{Report, Scope};
use crate::domain::text::{pad, pad_left, sanitize_line, truncate, width};
use crate::i18n::Lang;

use super::args::ReportArgs;
use super::{CliError, CliResult, Session, csv, report_html};

pub fn report(s: &mut Session, a: ReportArgs) -> CliResult {
    s.require_reader()?;
    let today = s.now.date();
    let default = Scope::last_weeks(today, crate::domain::report::DEFAULT_WEEKS);
    let scope = Scope {
        from: a.from.unwrap_or(if a.to.is_some_and(|to| to < default.from) {
            a.to.unwrap_or(today) - chrono::Duration::weeks(12) + chrono::Duration::days(1)
        } else {
            default.from
        }),
        to: a.to.unwrap_or(today),
        dept: a.dept.clone(),
        priority: a.priority,
    };
    if scope.to < scope.from {
        return Err(CliError::new(
            format!("--from {} is after --to {}", scope.from, scope.to),
            format!("--from {} 晚于 --to {}", scope.from, scope.to),
        ));
    }
    let departments = s.store.departments()?;
    if let Some(code) = &scope.dept
        && !departments.iter().any(|d| &d.code == code)
    {
        let known = departments.iter().map(|d| d.code.as_str()).collect::<Vec<_>>().join(", ");
        return Err(CliError::new(
            format!("no department {code}; known: {known}"),
            format!("没有部门 {code}；现有：{known}"),
        ));
    }
    let cal = s.store.calendar()?;
    let facts = s.store.report_facts(&scope)?;
    let report = Report::compute(&facts, &scope, s.now, &cal);
    if let Some(path) = &a.html {
        let page = report_html::page(&report, &departments, s.lang);
        std::fs::write(path, page).map_err(|e| {
            CliError::new(
                format!("cannot write {}: {e}", path.display()),
                format!("无法写入 {}：{e}", path.display()),
            )
        })?;
        if !s.json {
            let text = format!("{} {}", s.pick("Wrote", "已写入"), path.display());
            return s.say(&text);
        }
    }
    if s.json {
        return s.print_json(&report);
    }
    if a.csv {
        return s.write_raw(&csv_rows(&report)?);
    }
    let text = text(&report, &departments, s.lang);
    s.say(&text)
}

/// A bar of `width` cells: `███████░░░`, or blanks when there is no value.
fn bar(value: Option<f64>, width: usize) -> String {
    match value {
        Some(v) => {
            let full = (v * width as f64).round().clamp(0.0, width as f64) as usize;
            format!("{}{}", "█".repeat(full), "░".repeat(width - full))
        }
        None => " ".repeat(width),
    }
}

/// How wide the bars of the text output are.
const BAR: usize = 10;

/// Free text (an escalation's reason) is cut to this many columns.
const CELL_AT_MOST: usize = 60;

/// The report's heading: period, filters, as of when, how many issues.
pub fn heading(r: &Report, departments: &[Department], lang: Lang) -> String {
    let all = lang.pick("all", "全部");
    let dept = r.dept.as_deref().map_or(all.to_string(), |d| dept_name(d, departments));
    let priority = r.priority.map_or(all, |p| p.label(lang));
    match lang {
        Lang::En => format!(
            "Report {} to {} (registration days; now figures as of {})  department: {dept}  priority: {priority}\n\
             {} issues registered in the period; h: working hours (weekends and holidays count nothing)",
            r.period.from,
            r.period.to,
            r.as_of.format("%Y-%m-%d %H:%M"),
            r.registered
        ),
        Lang::Zh => format!(
            "报表 {} 至 {}（按登记日；当前数字截至 {}）  部门：{dept}  优先级：{priority}\n期间登记问题 {} 个；工时：只计工作日的小时数（周末和节假日不计）",
            r.period.from,
            r.period.to,
            r.as_of.format("%Y-%m-%d %H:%M"),
            r.registered
        ),
    }
}

/// One table as aligned text: names left, numbers right, with a bar before each number that has
/// one (the number stays under its label).
pub fn text_table(table: &Table) -> String {
    let barred: Vec<bool> =
        (0..table.columns.len()).map(|i| table.rows.iter().any(|row| row.cells[i].bar.is_some())).collect();
    let texts: Vec<Vec<String>> = table
        .rows
        .iter()
        .map(|row| {
            row.cells.iter().map(|c| truncate(&sanitize_line(&c.text), CELL_AT_MOST).into_owned()).collect()
        })
        .collect();
    // The widest text of each column, then the column with its bars.
    let mut inner: Vec<usize> = vec![0; table.columns.len()];
    for row in &texts {
        for (i, c) in row.iter().enumerate() {
            inner[i] = inner[i].max(width(c));
        }
    }
    let cells: Vec<Vec<String>> = table
        .rows
        .iter()
        .zip(&texts)
        .map(|(row, texts)| {
            texts
                .iter()
                .enumerate()
                .map(|(i, text)| match barred[i] {
                    true => format!("{} {}", bar(row.cells[i].bar, BAR), pad_left(text, inner[i])),
                    false => text.clone(),
                })
                .collect()
        })
        .collect();
    let mut widths: Vec<usize> = table.columns.iter().map(|c| width(&c.label)).collect();
    for row in &cells {
        for (i, c) in row.iter().enumerate() {
            widths[i] = widths[i].max(width(c));
        }
    }
    let line = |texts: Vec<&str>| {
        let parts: Vec<String> = texts
            .iter()
            .enumerate()
            .map(|(i, text)| match table.columns[i].align {
                Align::Left => pad(text, widths[i]),
                Align::Right => pad_left(text, widths[i]),
            })
            .collect();
        parts.join("  ").trim_end().to_string()
    };
    let mut out = vec![line(table.columns.iter().map(|c| c.label.as_str()).collect())];
    out.extend(cells.iter().map(|row| line(row.iter().map(String::as_str).collect())));
    out.join("\n")
}

/// The text output: the heading, then every table with its title (a table without rows is left
/// out).
pub(crate) fn text(r: &Report, departments: &[Department], lang: Lang) -> String {
    let mut out = vec![heading(r, departments, lang)];
    for table in Tables::new(r, departments, lang).all() {
        if !table.rows.is_empty() {
            out.push(format!("\n{}\n{}", table.title, text_table(&table)));
        }
    }
    if r.is_empty() {
        out.push(format!(
            "\n{}",
            lang.pick(
                "No data: no issue was registered in this period and none is open.",
                "无数据：此期间没有登记的问题，也没有未结的问题。"
            )
        ));
    }
    out.join("\n")
}

/// Every number as one CSV row: section, group (by_priority, by_dept…), key, measure, value.
fn csv_rows(r: &Report) -> CliResult<Vec<u8>> {
    let mut rows: Vec<[String; 5]> = Vec::new();
    let value = serde_json::to_value(r).unwrap_or_default();
    let mut push = |section: &str, group: &str, key: &str, measure: &str, v: &serde_json::Value| {
        let text = match v {
            serde_json::Value::Null => String::new(),
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        rows.push([section, group, key, measure, &text].map(String::from));
    };
    push("period", "", "", "from", &value["period"]["from"]);
    push("period", "", "", "to", &value["period"]["to"]);
    push("period", "", "", "registered", &value["registered"]);
    for section in [
        "first_response",
        "tasks",
        "risk_alerts",
        "resolution",
        "open_load",
        "escalations",
        "minutes_waiting",
    ] {
        let Some(groups) = value[section].as_object() else { continue };
        for (group, entries) in groups {
            let Some(entries) = entries.as_object() else { continue };
            if group == "all" {
                for (measure, v) in entries {
                    push(section, group, "", measure, v);
                }
                continue;
            }
            for (key, figures) in entries {
                match figures.as_object() {
                    Some(measures) => {
                        for (measure, v) in measures {
                            match v.as_object() {
                                Some(inner) => {
                                    for (sub, v) in inner {
                                        push(section, group, key, &format!("{measure}.{sub}"), v);
                                    }
                                }
                                None => push(section, group, key, measure, v),
                            }
                        }
                    }
                    None => push(section, group, key, "count", figures),
                }
            }
        }
    }
    if let Some(weeks) = value["weekly"].as_array() {
        for w in weeks {
            let key = w["week"].as_str().unwrap_or_default();
            for measure in ["registered", "accepted", "first_response_met_share"] {
                push("weekly", "", key, measure, &w[measure]);
            }
        }
    }
    let mut out = csv::Writer::new();
    out.row(["section", "group", "key", "measure", "value"])?;
    for row in &rows {
        out.row(row.iter().map(String::as_str))?;
    }
    out.finish()
}

#[cfg(test)]
mod tests {
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    use ratatui::buffer::Buffer;

    use super::super::report_html::{esc, page};
    use super::*;
    use crate::domain::report::table::Row;
    use crate::domain::report::tests::{cal, departments, facts, now, scope};
    use crate::domain::{Person, Role};
    use crate::store::Store;
    use crate::tui::app::App;
    use crate::tui::reports::{Chart, Reports};
    use crate::tui::view::{Theme, WIDE, draw};

    /// What the terminal shows, a line a row, each wide character once.
    fn lines(buffer: &Buffer) -> Vec<String> {
        (0..buffer.area.height)
            .map(|y| {
                let mut line = String::new();
                let mut x = 0;
                while x < buffer.area.width {
                    let symbol = buffer[(x, y)].symbol();
                    line.push_str(symbol);
                    x += width(symbol).max(1) as u16;
                }
                line
            })
            .collect()
    }

    /// Whether one of the lines holds the texts in this order.
    fn has_row(lines: &[&str], texts: &[&str]) -> bool {
        lines.iter().any(|line| {
            let mut rest = *line;
            texts.iter().all(|t| match rest.find(t) {
                Some(at) => {
                    rest = &rest[at + t.len()..];
                    true
                }
                None => false,
            })
        })
    }

    /// A row's texts as a terminal may show them: a department by its code (which its full name
    /// starts with).
    fn texts(row: &Row) -> Vec<&str> {
        row.cells.iter().map(|c| c.fitted(true)).collect()
    }

    /// The three renderers of `domain::report::table` on the hand-built dataset: every row of the
    /// tables each shows, in both languages.
    #[test]
    fn the_text_the_page_and_the_console_show_the_same_rows() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let (f, s) = (facts(), scope());
        let report = Report::compute(&f, &s, now(), &cal());
        let depts = departments();
        for lang in [Lang::En, Lang::Zh] {
            let tables = Tables::new(&report, &depts, lang);
            let all = tables.all();

            // The text output: every row of every table on one line, in order.
            let out = text(&report, &depts, lang);
            let out: Vec<&str> = out.lines().collect();
            for table in &all {
                assert!(out.contains(&table.title.as_str()), "text: {}", table.title);
                for row in &table.rows {
                    let cells: Vec<&str> = row.cells.iter().map(|c| c.text.as_str()).collect();
                    assert!(has_row(&out, &cells), "text, {}: {cells:?}\n{}", table.title, out.join("\n"));
                }
            }

            // The page: every row of every table as a table row.
            let html = page(&report, &depts, lang);
            for table in &all {
                for row in &table.rows {
                    let mut want = String::from("<tr>");
                    for (cell, column) in row.cells.iter().zip(&table.columns) {
                        let class = if column.align == Align::Right { " class=\"num\"" } else { "" };
                        want.push_str(&format!("<td{class}>{}</td>", esc(&cell.text)));
                    }
                    want.push_str("</tr>");
                    assert!(html.contains(&want), "page, {}: {want}", table.title);
                }
            }

            // The console: each figure's table under its chart, on a narrow and a wide screen;
            // beside them on the wide one, the weeks, the reasons and the summary by priority.
            let store = Store::open(&dir.path().join(format!("{lang:?}.db"))).expect("a database");
            let me = Person {
                login: "zhou".into(),
                display_name: "周协调".into(),
                dept: "QA".into(),
                role: Role::Admin,
            };
            let mut app = App::new(store, me, lang, now()).expect("the console");
            app.state.departments = depts.clone();
            let reports = Reports {
                weeks: 3,
                scope: s.clone(),
                facts: f.clone(),
                report: report.clone(),
                chart: 0,
                selected: 0,
                drill: None,
            };
            let beside = [tables.weekly(), tables.escalation_reasons(), tables.by_priority()];
            for (index, chart) in Chart::all().into_iter().enumerate() {
                app.state.reports = Some(Reports { chart: index, ..reports.clone() });
                for (w, h) in [(80, 24), (160, 45)] {
                    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("a test terminal");
                    terminal
                        .draw(|frame| draw(frame, &app.state, &Theme::monochrome()))
                        .expect("the view draws");
                    let screen = lines(terminal.backend().buffer());
                    let screen: Vec<&str> = screen.iter().map(String::as_str).collect();
                    let mut shown: Vec<Table> = Vec::new();
                    match chart {
                        Chart::Figure(figure) => shown.push(tables.figure(figure)),
                        Chart::Weekly if w >= WIDE => shown.push(tables.response_by_dept()),
                        Chart::Weekly => shown.push(tables.by_priority()),
                    }
                    if w >= WIDE {
                        shown.extend(beside.iter().cloned());
                    }
                    for table in &shown {
                        for row in &table.rows {
                            let cells = texts(row);
                            assert!(
                                has_row(&screen, &cells),
                                "console {w}×{h} {chart:?}, {}: {cells:?}\n{}",
                                table.title,
                                screen.join("\n")
                            );
                        }
                    }
                }
            }
            // The figures a console table shows by priority are the text's and the page's.
            for row in &tables.by_priority().rows {
                for cell in &row.cells {
                    assert!(out.iter().any(|line| line.contains(&cell.text)), "{}", cell.text);
                }
            }
        }
    }
}
