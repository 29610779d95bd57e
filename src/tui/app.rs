//! The console's state and its update step: actions come in, the store is read, state changes.
//! Views only read this state.

use chrono::NaiveDateTime;

use super::keymap::{Action, Keymap, View};
use crate::domain::*;
use crate::i18n::Lang;
use crate::store::{IssueFilter, IssueSummary, SortKey, Store, StoreError};

/// How many list rows are loaded around the selection: the list never loads the whole table.
pub const WINDOW: u32 = 400;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    List,
    Detail,
    Timeline,
}

impl Pane {
    pub const ALL: [Pane; 3] = [Pane::List, Pane::Detail, Pane::Timeline];

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Pane::List => lang.pick("Issues", "问题列表"),
            Pane::Detail => lang.pick("Detail", "详情"),
            Pane::Timeline => lang.pick("Timeline", "进度时间线"),
        }
    }
}

/// Everything the screen shows, loaded in the update step.
pub struct State {
    pub lang: Lang,
    pub me: Person,
    pub db: String,
    pub now: NaiveDateTime,
    pub calendar: Calendar,
    pub people: Vec<Person>,
    pub departments: Vec<Department>,
    pub view: View,
    pub sort: SortKey,
    pub focus: Pane,
    /// Rows `window_start..window_start + rows.len()` of the current list.
    pub rows: Vec<IssueSummary>,
    pub window_start: u32,
    pub total: i64,
    /// Absolute index of the selected row in the list.
    pub selected: usize,
    pub record: Option<IssueRecord>,
    pub detail_scroll: u16,
    pub timeline_scroll: u16,
    /// The search text, and whether it is being typed.
    pub query: String,
    pub searching: bool,
    pub help: bool,
    pub message: Option<String>,
    pub inbox_count: i64,
    pub alert_count: usize,
    pub keymap: Keymap,
    pub quit: bool,
}

impl State {
    pub fn selected_row(&self) -> Option<&IssueSummary> {
        let index = self.selected.checked_sub(self.window_start as usize)?;
        self.rows.get(index)
    }
}

/// The state with the store it is loaded from.
pub struct App {
    pub store: Store,
    pub state: State,
    data_version: i64,
}

impl App {
    pub fn new(mut store: Store, me: Person, lang: Lang, now: NaiveDateTime) -> Result<App, StoreError> {
        let state = State {
            lang,
            db: store.path().display().to_string(),
            now,
            calendar: store.calendar()?,
            people: store.people()?,
            departments: store.departments()?,
            me,
            view: View::Inbox,
            sort: SortKey::Deadline,
            focus: Pane::List,
            rows: Vec::new(),
            window_start: 0,
            total: 0,
            selected: 0,
            record: None,
            detail_scroll: 0,
            timeline_scroll: 0,
            query: String::new(),
            searching: false,
            help: false,
            message: None,
            inbox_count: 0,
            alert_count: 0,
            keymap: Keymap::default(),
            quit: false,
        };
        let data_version = store.data_version()?;
        let mut app = App { store, state, data_version };
        app.reload(None);
        Ok(app)
    }

    fn filter(&self) -> IssueFilter {
        let s = &self.state;
        let open = vec![Status::Registered, Status::InProgress, Status::AwaitingAcceptance];
        let mut f = IssueFilter { sort: s.sort, ..IssueFilter::default() };
        match s.view {
            View::Inbox => {
                f.involving = Some((s.me.login.clone(), s.me.dept.clone()));
                f.statuses = open;
            }
            View::Open => f.statuses = open,
            View::Deadlines => {
                f.overdue = true;
                f.due_soon = true;
            }
            View::Escalated => f.escalated = true,
            View::Awaiting => f.statuses = vec![Status::AwaitingAcceptance],
            View::Archived => f.statuses = vec![Status::Archived],
            View::All => {}
        }
        let query = s.query.trim();
        if !query.is_empty() {
            f.text = Some(query.to_string());
        }
        f
    }

    /// Loads the list window around the selection, the counts and the selected record. Keeps the
    /// selection on the same issue when `keep` names one that is still in the list.
    pub fn reload(&mut self, keep: Option<String>) {
        if let Err(e) = self.try_reload(keep) {
            self.state.message = Some(e.message(self.state.lang));
        }
    }

    fn try_reload(&mut self, keep: Option<String>) -> Result<(), StoreError> {
        let now = self.state.now;
        let filter = self.filter();
        self.state.total = self.store.count(&filter, now)?;
        let total = self.state.total.max(0) as usize;
        self.state.selected = self.state.selected.min(total.saturating_sub(1));
        self.load_window(&filter, true)?;
        if let Some(number) = keep
            && self.state.selected_row().map(|r| r.number.as_str()) != Some(number.as_str())
            && let Some(i) = self.state.rows.iter().position(|r| r.number == number)
        {
            self.state.selected = self.state.window_start as usize + i;
        }
        let me = &self.state.me;
        let inbox = IssueFilter {
            involving: Some((me.login.clone(), me.dept.clone())),
            statuses: vec![Status::Registered, Status::InProgress, Status::AwaitingAcceptance],
            ..IssueFilter::default()
        };
        self.state.inbox_count = self.store.count(&inbox, now)?;
        self.state.alert_count = self.store.task_alerts(now, Some(&me.dept))?.len();
        self.load_record()
    }

    /// Loads the rows around the selection if it left the loaded window (or when forced).
    fn load_window(&mut self, filter: &IssueFilter, force: bool) -> Result<(), StoreError> {
        let s = &self.state;
        let inside =
            s.selected >= s.window_start as usize && s.selected < s.window_start as usize + s.rows.len();
        if inside && !force {
            return Ok(());
        }
        let start = (s.selected as u32).saturating_sub(WINDOW / 2);
        let window = IssueFilter { limit: Some(WINDOW), offset: start, ..filter.clone() };
        self.state.rows = self.store.list(&window, self.state.now)?;
        self.state.window_start = start;
        Ok(())
    }

    fn load_record(&mut self) -> Result<(), StoreError> {
        let number = self.state.selected_row().map(|r| r.number.clone());
        let same = self.state.record.as_ref().map(|r| &r.issue.number) == number.as_ref();
        self.state.record = match number {
            Some(n) => Some(self.store.record(&n)?),
            None => None,
        };
        if !same {
            self.state.detail_scroll = 0;
            self.state.timeline_scroll = 0;
        }
        Ok(())
    }

    /// Checks for changes by anyone (`PRAGMA data_version`, no transaction held) and reloads.
    pub fn tick(&mut self, now: NaiveDateTime) {
        self.state.now = now;
        match self.store.data_version() {
            Ok(v) if v != self.data_version => {
                self.data_version = v;
                let keep = self.state.selected_row().map(|r| r.number.clone());
                self.reload(keep);
            }
            Ok(_) => {}
            Err(e) => self.state.message = Some(e.message(self.state.lang)),
        }
    }

    pub fn handle(&mut self, action: Action) {
        let s = &mut self.state;
        s.message = None;
        if s.help {
            // Any key closes the help; quit still quits.
            s.help = false;
            s.quit = action == Action::Quit;
            return;
        }
        match action {
            Action::Quit => s.quit = true,
            Action::Help => s.help = true,
            Action::Up => self.scroll(-1),
            Action::Down => self.scroll(1),
            Action::PageUp => self.scroll(-20),
            Action::PageDown => self.scroll(20),
            Action::Top => self.scroll(i64::MIN / 2),
            Action::Bottom => self.scroll(i64::MAX / 2),
            Action::NextPane => s.focus = cycle(s.focus, 1),
            Action::PrevPane => s.focus = cycle(s.focus, -1),
            Action::Open => {
                if s.focus == Pane::List && s.record.is_some() {
                    s.focus = Pane::Detail;
                }
            }
            Action::Back => {
                if s.focus != Pane::List {
                    s.focus = Pane::List;
                } else if !s.query.is_empty() {
                    s.query.clear();
                    self.reset_list();
                }
            }
            Action::Search => {
                s.searching = true;
                s.focus = Pane::List;
            }
            Action::CycleSort => {
                s.sort = match s.sort {
                    SortKey::Deadline => SortKey::Priority,
                    SortKey::Priority => SortKey::Updated,
                    SortKey::Updated => SortKey::Number,
                    SortKey::Number => SortKey::Deadline,
                };
                let keep = s.selected_row().map(|r| r.number.clone());
                self.reload(keep);
            }
            Action::Refresh => {
                let keep = s.selected_row().map(|r| r.number.clone());
                self.reload(keep);
            }
            Action::View(n) => {
                if let Some(view) = View::from_key(n) {
                    s.view = view;
                    s.focus = Pane::List;
                    self.reset_list();
                }
            }
        }
    }

    /// Typing into the search line: the list follows every keystroke.
    pub fn search_input(&mut self, edit: SearchEdit) {
        match edit {
            SearchEdit::Insert(c) => self.state.query.push(c),
            SearchEdit::Paste(text) => {
                self.state.query.push_str(&crate::domain::text::clean_input(&text).replace('\n', " "))
            }
            SearchEdit::Backspace => {
                self.state.query.pop();
            }
            SearchEdit::Clear => self.state.query.clear(),
            SearchEdit::Done => {
                self.state.searching = false;
                return;
            }
            SearchEdit::Cancel => {
                self.state.searching = false;
                self.state.query.clear();
            }
        }
        self.reset_list();
    }

    fn reset_list(&mut self) {
        self.state.selected = 0;
        self.state.window_start = 0;
        self.state.rows.clear();
        self.reload(None);
    }

    fn scroll(&mut self, delta: i64) {
        let s = &mut self.state;
        match s.focus {
            Pane::List => {
                let last = s.total.max(1) - 1;
                let next = (s.selected as i64).saturating_add(delta).clamp(0, last) as usize;
                if next == s.selected {
                    return;
                }
                s.selected = next;
                let filter = self.filter();
                let result = self.load_window(&filter, false).and_then(|()| self.load_record());
                if let Err(e) = result {
                    self.state.message = Some(e.message(self.state.lang));
                }
            }
            Pane::Detail => s.detail_scroll = offset(s.detail_scroll, delta),
            Pane::Timeline => s.timeline_scroll = offset(s.timeline_scroll, delta),
        }
    }
}

/// An edit of the search line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SearchEdit {
    Insert(char),
    Paste(String),
    Backspace,
    Clear,
    Done,
    Cancel,
}

fn cycle(pane: Pane, step: i32) -> Pane {
    let i = Pane::ALL.iter().position(|p| *p == pane).unwrap_or(0) as i32;
    Pane::ALL[(i + step).rem_euclid(Pane::ALL.len() as i32) as usize]
}

fn offset(value: u16, delta: i64) -> u16 {
    (i64::from(value) + delta).clamp(0, i64::from(u16::MAX)) as u16
}
