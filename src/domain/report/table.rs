//! The report's tables, built once from the figures for one language. The text output
//! (`cli::report`), the HTML page (`cli::report_html`) and the console's Reports view all lay out
//! these rows; each renderer only pads, fits, escapes or draws bars, so the three never disagree on
//! a title, a column, a row or how a number is written.

use super::*;
use crate::domain::Department;

/// How a column's cells line up: names and text to the left, numbers to the right.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub label: String,
    /// A shorter label for where room is tight (the console's panes).
    pub short: Option<String>,
    pub align: Align,
}

impl Column {
    fn left(label: &str) -> Column {
        Column { label: label.to_string(), short: None, align: Align::Left }
    }

    fn right(label: &str) -> Column {
        Column { label: label.to_string(), short: None, align: Align::Right }
    }

    fn or_short(mut self, short: &str) -> Column {
        self.short = Some(short.to_string());
        self
    }

    /// The label, or its short form when `narrow`.
    pub fn fitted(&self, narrow: bool) -> &str {
        self.short.as_deref().filter(|_| narrow).unwrap_or(&self.label)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// As every renderer shows it: `RD 研发部`, `12`, `93%`, `4.6`, `—`, `no data`.
    pub text: String,
    /// A shorter form for where room is tight: a department's code without its name.
    pub short: Option<String>,
    /// How far a bar for this number reaches, from 0 to 1 (a share itself, a count against the
    /// largest of its column), for renderers that draw bars.
    pub bar: Option<f64>,
}

impl Cell {
    pub fn new(text: impl Into<String>) -> Cell {
        Cell { text: text.into(), short: None, bar: None }
    }

    fn count(n: u32) -> Cell {
        Cell::new(n.to_string())
    }

    fn share(share: Option<f64>, lang: Lang) -> Cell {
        Cell { bar: share, ..Cell::new(share_text(share, lang)) }
    }

    fn hours(h: Option<f64>) -> Cell {
        Cell::new(hours_text(h))
    }

    /// A count with a bar against the largest count of its column.
    fn count_of(n: u32, max: u32) -> Cell {
        let bar = (max > 0).then(|| f64::from(n) / f64::from(max));
        Cell { bar, ..Cell::count(n) }
    }

    /// The text, or its short form when `narrow`.
    pub fn fitted(&self, narrow: bool) -> &str {
        self.short.as_deref().filter(|_| narrow).unwrap_or(&self.text)
    }
}

/// Which issues are behind a row's numbers: what [`behind`] is asked for them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trace {
    pub figure: Figure,
    /// One department's issues, or every department's.
    pub dept: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// One per column; the first names the row.
    pub cells: Vec<Cell>,
    pub drill: Option<Trace>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub title: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
}

/// A share as `75%`, or "no data" when nothing was counted.
pub fn share_text(share: Option<f64>, lang: Lang) -> String {
    share.map_or_else(|| no_data(lang).to_string(), |s| format!("{:.0}%", s * 100.0))
}

/// Hours to one decimal, or `—` when there are none.
pub fn hours_text(h: Option<f64>) -> String {
    h.map_or_else(|| "—".to_string(), |h| format!("{:.1}", round1(h)))
}

pub fn no_data(lang: Lang) -> &'static str {
    lang.pick("no data", "无数据")
}

/// A department as people read it: `RD 研发部`.
pub fn dept_name(code: &str, departments: &[Department]) -> String {
    match departments.iter().find(|d| d.code == code) {
        Some(d) => format!("{code} {}", d.name),
        None => code.to_string(),
    }
}

pub fn priority_name(code: &str, lang: Lang) -> String {
    Priority::parse(code).map_or(code.to_string(), |p| p.label(lang).to_string())
}

/// What the tables are built from: the figures, the departments' names and the language.
#[derive(Debug, Clone, Copy)]
pub struct Tables<'a> {
    pub report: &'a Report,
    pub departments: &'a [Department],
    pub lang: Lang,
}

impl<'a> Tables<'a> {
    pub fn new(report: &'a Report, departments: &'a [Department], lang: Lang) -> Tables<'a> {
        Tables { report, departments, lang }
    }

    fn t(&self, en: &'static str, zh: &'static str) -> &'static str {
        self.lang.pick(en, zh)
    }

    /// A department's row: its name (its code where room is tight), traced to `figure`.
    fn dept_row(&self, code: &str, figure: Figure, mut cells: Vec<Cell>) -> Row {
        let name = Cell { short: Some(code.to_string()), ..Cell::new(dept_name(code, self.departments)) };
        cells.insert(0, name);
        Row { cells, drill: Some(Trace { figure, dept: Some(code.to_string()) }) }
    }

    fn priority_row(&self, code: &str, mut cells: Vec<Cell>) -> Row {
        cells.insert(0, Cell::new(priority_name(code, self.lang)));
        Row { cells, drill: None }
    }

    /// Every table the text and the page show, in order.
    pub fn all(&self) -> Vec<Table> {
        vec![
            self.response_by_priority(),
            self.response_by_dept(),
            self.tasks(),
            self.risk_alerts(),
            self.resolution(),
            self.open_load(),
            self.escalations(),
            self.escalation_reasons(),
            self.minutes(),
            self.weekly(),
        ]
    }

    /// The table of a figure by department, as the console shows it under the figure's chart.
    pub fn figure(&self, figure: Figure) -> Table {
        match figure {
            Figure::FirstResponse => self.response_by_dept(),
            Figure::Tasks => self.tasks(),
            Figure::RiskAlerts => self.risk_alerts(),
            Figure::OpenLoad => self.open_load(),
            Figure::Escalations => self.escalations(),
            Figure::Minutes => self.minutes(),
        }
    }

    fn response_columns(&self) -> Vec<Column> {
        vec![
            Column::left(""),
            Column::right(self.t("met", "按时")),
            Column::right(self.t("met late", "超时")),
            Column::right(self.t("missed", "未响应")),
            Column::right(self.t("pending", "待响应")).or_short(self.t("pend.", "待响应")),
            Column::right(self.t("met share", "按时率")).or_short(self.t("share", "按时率")),
            Column::right(self.t("median h", "中位（工时）")).or_short(self.t("med h", "中位")),
            Column::right(self.t("p90 h", "P90（工时）")).or_short(self.t("p90 h", "P90")),
        ]
    }

    fn response_cells(&self, f: &ResponseFigures) -> Vec<Cell> {
        vec![
            Cell::count(f.met),
            Cell::count(f.met_late),
            Cell::count(f.missed),
            Cell::count(f.pending),
            Cell::share(f.met_share(), self.lang),
            Cell::hours(f.median_hours),
            Cell::hours(f.p90_hours),
        ]
    }

    pub fn response_by_priority(&self) -> Table {
        Table {
            title: self.t("First response by priority", "首次响应（按优先级）").into(),
            columns: self.response_columns(),
            rows: self
                .report
                .first_response
                .by_priority
                .0
                .iter()
                .map(|(p, f)| self.priority_row(p, self.response_cells(f)))
                .collect(),
        }
    }

    pub fn response_by_dept(&self) -> Table {
        Table {
            title: self
                .t("First response by department (issues it is involved in)", "首次响应（按涉及部门）")
                .into(),
            columns: self.response_columns(),
            rows: self
                .report
                .first_response
                .by_dept
                .0
                .iter()
                .map(|(d, f)| self.dept_row(d, Figure::FirstResponse, self.response_cells(f)))
                .collect(),
        }
    }

    pub fn tasks(&self) -> Table {
        Table {
            title: self
                .t("Tasks by their deadline (by the task's department)", "任务按期完成（按任务所属部门）")
                .into(),
            columns: vec![
                Column::left(""),
                Column::right(self.t("on time", "按期")),
                Column::right(self.t("late", "逾期完成")),
                Column::right(self.t("on-time share", "按期率")).or_short(self.t("share", "按期率")),
                Column::right(self.t("overdue now", "当前逾期")),
            ],
            rows: self
                .report
                .tasks
                .by_dept
                .0
                .iter()
                .map(|(d, f)| {
                    let cells = vec![
                        Cell::count(f.on_time),
                        Cell::count(f.late),
                        Cell::share(f.on_time_share(), self.lang),
                        Cell::count(f.overdue_now),
                    ];
                    self.dept_row(d, Figure::Tasks, cells)
                })
                .collect(),
        }
    }

    pub fn risk_alerts(&self) -> Table {
        Table {
            title: self
                .t("Risk alerts at least one working day ahead", "风险预警（至少提前一个工作日）")
                .into(),
            columns: vec![
                Column::left(""),
                Column::right(self.t("timely", "及时")),
                Column::right(self.t("late", "不及时")),
                Column::right(self.t("timely share", "及时率")).or_short(self.t("share", "及时率")),
            ],
            rows: self
                .report
                .risk_alerts
                .by_dept
                .0
                .iter()
                .map(|(d, f)| {
                    let cells = vec![
                        Cell::count(f.timely),
                        Cell::count(f.late),
                        Cell::share(f.timely_share(), self.lang),
                    ];
                    self.dept_row(d, Figure::RiskAlerts, cells)
                })
                .collect(),
        }
    }

    pub fn resolution(&self) -> Table {
        Table {
            title: self.t("Resolution: registration to acceptance", "解决时长（登记至验收通过）").into(),
            columns: vec![
                Column::left(""),
                Column::right(self.t("accepted", "已验收")),
                Column::right(self.t("median h", "中位（工时）")),
                Column::right(self.t("p90 h", "P90（工时）")),
                Column::right(self.t("refusals", "验收不通过")),
            ],
            rows: self
                .report
                .resolution
                .by_priority
                .0
                .iter()
                .map(|(p, f)| {
                    let cells = vec![
                        Cell::count(f.accepted),
                        Cell::hours(f.median_hours),
                        Cell::hours(f.p90_hours),
                        Cell::count(f.refusals),
                    ];
                    self.priority_row(p, cells)
                })
                .collect(),
        }
    }

    pub fn open_load(&self) -> Table {
        let load = &self.report.open_load.by_dept.0;
        let max = load.iter().map(|(_, l)| l.issues).max().unwrap_or(0);
        Table {
            title: self.t("Open load now (age in working days)", "当前未结负荷（账龄按工作日）").into(),
            columns: vec![
                Column::left(""),
                Column::right(self.t("issues", "问题")),
                Column::right(self.t("tasks", "任务")),
                Column::right(self.t("overdue", "逾期")),
                Column::right("≤3"),
                Column::right("4–10"),
                Column::right(">10"),
            ],
            rows: load
                .iter()
                .map(|(d, l)| {
                    let cells = vec![
                        Cell::count_of(l.issues, max),
                        Cell::count(l.tasks),
                        Cell::count(l.overdue),
                        Cell::count(l.age.le3),
                        Cell::count(l.age.from4to10),
                        Cell::count(l.age.gt10),
                    ];
                    self.dept_row(d, Figure::OpenLoad, cells)
                })
                .collect(),
        }
    }

    pub fn escalations(&self) -> Table {
        let by_dept = &self.report.escalations.by_dept.0;
        let max = by_dept.iter().map(|(_, n)| *n).max().unwrap_or(0);
        Table {
            title: self.t("Escalations", "升级").into(),
            columns: vec![Column::left(""), Column::right(self.t("escalated issues", "升级问题数"))],
            rows: by_dept
                .iter()
                .map(|(d, n)| self.dept_row(d, Figure::Escalations, vec![Cell::count_of(*n, max)]))
                .collect(),
        }
    }

    /// The reasons escalations gave, as written, most frequent first.
    pub fn escalation_reasons(&self) -> Table {
        Table {
            title: self.t("Escalations: reasons", "升级原因").into(),
            columns: vec![Column::right(self.t("times", "次数")), Column::left(self.t("reason", "原因"))],
            rows: self
                .report
                .escalations
                .by_reason
                .0
                .iter()
                .map(|(reason, n)| Row {
                    cells: vec![Cell::count(*n), Cell::new(reason.clone())],
                    drill: None,
                })
                .collect(),
        }
    }

    pub fn minutes(&self) -> Table {
        Table {
            title: self.t("Minutes waiting for confirmation now", "当前待确认的会议纪要").into(),
            columns: vec![
                Column::left(""),
                Column::right(self.t("waiting", "待确认")),
                Column::right(self.t("median h", "中位（工时）")),
                Column::right(self.t("longest h", "最长（工时）")),
            ],
            rows: self
                .report
                .minutes_waiting
                .by_dept
                .0
                .iter()
                .map(|(d, m)| {
                    let cells =
                        vec![Cell::count(m.waiting), Cell::hours(m.median_hours), Cell::hours(m.max_hours)];
                    self.dept_row(d, Figure::Minutes, cells)
                })
                .collect(),
        }
    }

    /// One row a week, oldest first; registered and accepted share one scale for their bars.
    pub fn weekly(&self) -> Table {
        let weeks = &self.report.weekly;
        let max = weeks.iter().map(|w| w.registered.max(w.accepted)).max().unwrap_or(0);
        Table {
            title: self.t("Weekly trend", "每周趋势").into(),
            columns: vec![
                Column::left(self.t("week", "周")),
                Column::right(self.t("registered", "登记")),
                Column::right(self.t("accepted", "验收")),
                Column::right(self.t("response met", "按时响应率")),
            ],
            rows: weeks
                .iter()
                .map(|w| Row {
                    cells: vec![
                        Cell::new(w.week.clone()),
                        Cell::count_of(w.registered, max),
                        Cell::count_of(w.accepted, max),
                        Cell::new(share_text(w.first_response_met_share, self.lang)),
                    ],
                    drill: None,
                })
                .collect(),
        }
    }

    /// First response and resolution side by side, a row per priority: the console's summary
    /// beside the charts.
    pub fn by_priority(&self) -> Table {
        let r = self.report;
        Table {
            title: self.t("By priority: response · resolution", "按优先级：响应 · 解决").into(),
            columns: vec![
                Column::left(""),
                Column::right(self.t("met", "按时")),
                Column::right(self.t("met late", "超时")).or_short(self.t("late", "超时")),
                Column::right(self.t("missed", "未响应")),
                Column::right(self.t("met share", "按时率")).or_short(self.t("share", "按时率")),
                Column::right(self.t("median h", "中位（工时）")).or_short(self.t("med h", "中位")),
                Column::right(self.t("resolution median h", "解决中位（工时）"))
                    .or_short(self.t("resolved med h", "解决中位")),
                Column::right(self.t("refusals", "验收不通过")).or_short(self.t("refused", "拒收")),
            ],
            rows: Priority::ALL
                .iter()
                .map(|p| {
                    let f = r.first_response.by_priority.get(p.code()).cloned().unwrap_or_default();
                    let res = r.resolution.by_priority.get(p.code()).cloned().unwrap_or_default();
                    let cells = vec![
                        Cell::count(f.met),
                        Cell::count(f.met_late),
                        Cell::count(f.missed),
                        Cell::share(f.met_share(), self.lang),
                        Cell::hours(f.median_hours),
                        Cell::hours(res.median_hours),
                        Cell::count(res.refusals),
                    ];
                    self.priority_row(p.code(), cells)
                })
                .collect(),
        }
    }
}
