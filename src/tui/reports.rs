//! The Reports view's side of the app (key `9`): the figures of `domain::report` for a period,
//! one chart at a time, and the issues behind a department's number. The facts are read when the
//! view opens, when the period or the filters change and when the data changes (the poll), never
//! on a key that only moves between charts or departments.

use std::sync::mpsc::{self, Receiver, TryRecvError};

use chrono::Duration;

use super::app::{App, Pane};
use super::keymap::Action;
use crate::domain::report::table::{Tables, Trace};
use crate::domain::report::{Behind, Facts, Figure, Report, Scope, behind};
use crate::store::{IssueSummary, Store};

/// Period lengths `P` cycles through, in weeks.
pub const PERIODS: [i64; 4] = [4, 12, 26, 52];

/// How many issues behind a number are listed (the count says how many there are).
pub const BEHIND_AT_MOST: usize = 200;

/// A report on its way: the view opens at once and says so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pending {
    /// Nothing to show yet.
    Opening,
    /// The figures shown are being read again (data, period or filters changed).
    Refreshing,
}

/// The scope a report was computed for.
fn report_scope(report: &Report) -> Scope {
    Scope {
        from: report.period.from,
        to: report.period.to,
        dept: report.dept.clone(),
        priority: report.priority,
    }
}

/// What the Reports view shows in turn: the figures by department, then the weekly trend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chart {
    Figure(Figure),
    Weekly,
}

impl Chart {
    pub fn all() -> Vec<Chart> {
        let mut all: Vec<Chart> = Figure::ALL.iter().map(|f| Chart::Figure(*f)).collect();
        all.push(Chart::Weekly);
        all
    }

    pub fn label(self, lang: crate::i18n::Lang) -> &'static str {
        match self {
            Chart::Figure(f) => f.label(lang),
            Chart::Weekly => lang.pick("Weekly trend", "每周趋势"),
        }
    }
}

/// The issues behind one number, listed over the view.
#[derive(Debug, Clone)]
pub struct Drill {
    pub title: String,
    /// How many issues there are in all (at most `BEHIND_AT_MOST` are listed).
    pub total: usize,
    pub rows: Vec<(IssueSummary, String)>,
    pub selected: usize,
}

/// Everything the Reports view draws.
#[derive(Debug, Clone)]
pub struct Reports {
    pub weeks: i64,
    pub scope: Scope,
    pub facts: Facts,
    pub report: Report,
    pub chart: usize,
    /// The selected department: an index into the report's departments.
    pub selected: usize,
    pub drill: Option<Drill>,
}

impl Reports {
    pub fn chart(&self) -> Chart {
        Chart::all()[self.chart % Chart::all().len()]
    }

    /// The department codes the charts show, in order.
    pub fn departments(&self) -> Vec<&str> {
        self.report.open_load.by_dept.0.iter().map(|(d, _)| d.as_str()).collect()
    }
}

/// A report being computed in the background: its own connection reads the facts, so the
/// console keeps answering keys (at 100 000 issues reading them takes a few hundred ms).
pub struct Job {
    weeks: i64,
    chart: usize,
    selected: usize,
    drill: bool,
    result: Receiver<Result<(Facts, Report), String>>,
}

impl App {
    /// Opens the Reports view on the default period (the last twelve weeks), with the lists'
    /// department and priority filters.
    pub(super) fn open_reports(&mut self) {
        let scope = Scope::last_weeks(self.state.now.date(), 12);
        self.load_reports(scope, 12, 0, 0, false);
    }

    /// Starts reading the facts for `scope` (with the lists' filters). The view shows what it
    /// had, or "computing", until `poll_reports` brings the result.
    fn load_reports(&mut self, mut scope: Scope, weeks: i64, chart: usize, selected: usize, drill: bool) {
        scope.dept = self.state.list.dept_filter.clone();
        scope.priority = self.state.list.priority_filter;
        let (send, result) = mpsc::channel();
        let path = self.store.path().to_path_buf();
        let (now, cal, lang) = (self.state.now, self.state.calendar.clone(), self.state.lang);
        std::thread::spawn(move || {
            let computed = Store::open(&path).and_then(|mut store| store.report_facts(&scope)).map(|facts| {
                let report = Report::compute(&facts, &scope, now, &cal);
                (facts, report)
            });
            let _ = send.send(computed.map_err(|e| e.message(lang)));
        });
        self.state.reports_pending =
            Some(if self.state.reports.is_some() { Pending::Refreshing } else { Pending::Opening });
        self.reports_job = Some(Job { weeks, chart, selected, drill, result });
    }

    /// Whether a report is being computed: the loop then looks for it more often.
    pub fn reports_busy(&self) -> bool {
        self.reports_job.is_some()
    }

    /// Takes the computed report if it is ready.
    pub fn poll_reports(&mut self) {
        self.take_reports(false);
    }

    /// Waits for the report being computed (tests and benchmarks).
    pub fn wait_reports(&mut self) {
        self.take_reports(true);
    }

    fn take_reports(&mut self, wait: bool) {
        let Some(job) = self.reports_job.as_ref() else { return };
        let received = if wait {
            job.result.recv().map_err(|_| TryRecvError::Disconnected)
        } else {
            job.result.try_recv()
        };
        let outcome = match received {
            Err(TryRecvError::Empty) => return,
            Err(TryRecvError::Disconnected) => Err("the report stopped".to_string()),
            Ok(outcome) => outcome,
        };
        let Some(job) = self.reports_job.take() else { return };
        self.state.reports_pending = None;
        match outcome {
            Ok((facts, report)) => {
                let count = report.open_load.by_dept.0.len();
                self.state.reports = Some(Reports {
                    weeks: job.weeks,
                    scope: report_scope(&report),
                    facts,
                    report,
                    chart: job.chart,
                    selected: job.selected.min(count.saturating_sub(1)),
                    drill: None,
                });
                if job.drill {
                    self.open_drill();
                }
            }
            Err(message) => self.state.message = Some(message),
        }
    }

    /// Reads the facts again for the same period and chart: the data changed, or the filters.
    pub(super) fn reload_reports(&mut self) {
        if let Some(r) = self.state.reports.as_ref() {
            let (scope, weeks, chart, selected, drill) =
                (r.scope.clone(), r.weeks, r.chart, r.selected, r.drill.is_some());
            self.load_reports(scope, weeks, chart, selected, drill);
        }
    }

    /// A key while the Reports view shows. Returns false for keys it leaves to the app (quit,
    /// help, the palette and the filters, another view).
    pub(super) fn reports_key(&mut self, action: Action) -> bool {
        let Some(r) = self.state.reports.as_mut() else {
            // Still opening: Esc gives up; moves between charts and departments are kept for
            // when the figures arrive.
            let charts = Chart::all().len();
            if let Some(job) = self.reports_job.as_mut() {
                match action {
                    Action::NextPane => job.chart = (job.chart + 1) % charts,
                    Action::PrevPane => job.chart = (job.chart + charts - 1) % charts,
                    Action::Down => job.selected += 1,
                    Action::Up => job.selected = job.selected.saturating_sub(1),
                    _ => {}
                }
            }
            return match action {
                Action::Back | Action::Reports => {
                    self.state.reports_pending = None;
                    self.reports_job = None;
                    true
                }
                Action::Quit | Action::Help | Action::Palette | Action::Filter | Action::View(_) => false,
                _ => true,
            };
        };
        if let Some(drill) = r.drill.as_mut() {
            let last = drill.rows.len().saturating_sub(1);
            match action {
                Action::Up => drill.selected = drill.selected.saturating_sub(1),
                Action::Down => drill.selected = (drill.selected + 1).min(last),
                Action::PageUp => drill.selected = drill.selected.saturating_sub(10),
                Action::PageDown => drill.selected = (drill.selected + 10).min(last),
                Action::Top => drill.selected = 0,
                Action::Bottom => drill.selected = last,
                Action::Back => r.drill = None,
                Action::Open => {
                    if let Some((row, _)) = drill.rows.get(drill.selected) {
                        let number = row.number.clone();
                        self.state.reports = None;
                        self.state.shown.pinned = Some(number);
                        self.state.focus = Pane::Detail;
                        if let Err(e) = self.load_record() {
                            self.state.shown.pinned = None;
                            self.state.message = Some(e.message(self.state.lang));
                        }
                    }
                }
                Action::Quit | Action::Help => return false,
                _ => {}
            }
            return true;
        }
        let charts = Chart::all().len();
        let depts = r.departments().len();
        match action {
            Action::NextPane => r.chart = (r.chart + 1) % charts,
            Action::PrevPane => r.chart = (r.chart + charts - 1) % charts,
            Action::Up => r.selected = r.selected.saturating_sub(1),
            Action::Down => r.selected = (r.selected + 1).min(depts.saturating_sub(1)),
            Action::Top => r.selected = 0,
            Action::Bottom => r.selected = depts.saturating_sub(1),
            Action::Open => self.open_drill(),
            Action::Back | Action::Reports => {
                self.state.reports = None;
                self.state.reports_pending = None;
                self.reports_job = None;
            }
            Action::PeriodEarlier | Action::PeriodLater => {
                let step = Duration::weeks(r.weeks);
                let sign = if action == Action::PeriodEarlier { -1 } else { 1 };
                let to = r.scope.to + step * sign;
                // Never past today: a later period stops at this week.
                let to = to.min(self.state.now.date());
                let scope = Scope::last_weeks(to, r.weeks);
                let (weeks, chart, selected) = (r.weeks, r.chart, r.selected);
                self.load_reports(scope, weeks, chart, selected, false);
            }
            Action::PeriodLength => {
                let next = PERIODS.iter().position(|w| *w == r.weeks).map_or(1, |i| (i + 1) % PERIODS.len());
                let weeks = PERIODS[next];
                let scope = Scope::last_weeks(r.scope.to, weeks);
                let (chart, selected) = (r.chart, r.selected);
                self.load_reports(scope, weeks, chart, selected, false);
            }
            Action::Refresh => self.reload_reports(),
            Action::Quit
            | Action::Help
            | Action::Palette
            | Action::Filter
            | Action::View(_)
            | Action::GoTo => {
                return false;
            }
            _ => {
                let back = self.state.keymap.first_key(Action::Back);
                self.state.message = Some(match self.state.lang {
                    crate::i18n::Lang::En => format!("Reports: {back} goes back to the lists."),
                    crate::i18n::Lang::Zh => format!("报表视图：按 {back} 返回问题列表。"),
                });
            }
        }
        true
    }

    /// Lists the issues behind the selected department's number of the current chart.
    fn open_drill(&mut self) {
        let lang = self.state.lang;
        let Some(r) = self.state.reports.as_ref() else { return };
        let Trace { figure, dept } = match r.chart() {
            // The selected row of the figure's table, as the view shows it.
            Chart::Figure(f) => Tables::new(&r.report, &self.state.departments, lang)
                .figure(f)
                .rows
                .get(r.selected)
                .and_then(|row| row.drill.clone())
                .unwrap_or(Trace { figure: f, dept: None }),
            // The weekly trend: the first responses of the period, all departments.
            Chart::Weekly => Trace { figure: Figure::FirstResponse, dept: None },
        };
        let found: Vec<Behind> =
            behind(&r.facts, &r.scope, figure, dept.as_deref(), self.state.now, &self.state.calendar);
        let total = found.len();
        let listed = &found[..total.min(BEHIND_AT_MOST)];
        let ids: Vec<i64> = listed.iter().map(|b| r.facts.issues[b.issue].id).collect();
        let title = format!(
            "{} · {} · {total}",
            figure.label(lang),
            dept.as_deref().unwrap_or(lang.pick("all departments", "全部部门"))
        );
        let notes: Vec<(i64, String)> =
            listed.iter().map(|b| (r.facts.issues[b.issue].id, b.note.get(lang).to_string())).collect();
        let viewer = self.state.me.login.clone();
        match self.store.summaries(&ids, Some(&viewer), self.state.now) {
            Ok(summaries) => {
                let rows = notes
                    .into_iter()
                    .filter_map(|(id, note)| summaries.iter().find(|s| s.id == id).map(|s| (s.clone(), note)))
                    .collect();
                if let Some(r) = self.state.reports.as_mut() {
                    r.drill = Some(Drill { title, total, rows, selected: 0 });
                }
            }
            Err(e) => self.state.message = Some(e.message(lang)),
        }
    }
}
