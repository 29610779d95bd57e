//! The list pane's side of the app: which issues the view, its narrowing and the search
//! select, the window of rows loaded around the selection, moving it, and the record it rests
//! on. The list never loads the whole table.

use super::app::{App, FIRST_WINDOW, IDS_AT_MOST, Pane, WINDOW, offset};
use super::keymap::View;
use super::line::LineInput;
use crate::domain::{Priority, Status};
use crate::store::{IssueFilter, IssueSummary, SortKey, StoreError};

/// The list pane: the view and its narrowing, and the window of rows loaded around the selection.
#[derive(Default)]
pub struct ListState {
    pub view: View,
    pub sort: SortKey,
    /// Narrowing chosen with `f` or the palette, on top of the view.
    pub dept_filter: Option<String>,
    pub priority_filter: Option<Priority>,
    /// The search text (typed on the search line, kept when it closes).
    pub query: LineInput,
    /// Rows `window_start..window_start + rows.len()` of the current list.
    pub rows: Vec<IssueSummary>,
    pub window_start: u32,
    pub total: i64,
    /// Absolute index of the selected row in the list.
    pub selected: usize,
}

impl ListState {
    pub fn selected_row(&self) -> Option<&IssueSummary> {
        let index = self.selected.checked_sub(self.window_start as usize)?;
        self.rows.get(index)
    }
}

impl App {
    pub(super) fn filter(&self) -> IssueFilter {
        let s = &self.state;
        let open = vec![Status::Registered, Status::InProgress, Status::AwaitingAcceptance];
        let mut f = IssueFilter {
            sort: s.list.sort,
            dept: s.list.dept_filter.clone(),
            priority: s.list.priority_filter,
            viewer: Some(s.me.login.clone()),
            ..IssueFilter::default()
        };
        match s.list.view {
            View::Inbox => {
                f.involving = Some((s.me.login.clone(), s.me.dept.clone()));
                f.statuses = open;
            }
            View::Open => f.statuses = open,
            View::Department => {
                f.dept = Some(s.view_dept().to_string());
                f.statuses = open;
            }
            View::Deadlines => {
                f.overdue = true;
                f.due_soon = true;
            }
            View::Escalated => f.escalated = true,
            View::Awaiting => f.statuses = vec![Status::AwaitingAcceptance],
            View::Archived => {
                f.statuses = vec![Status::Archived];
                f.sort = if s.list.sort == SortKey::Deadline { SortKey::Updated } else { s.list.sort };
            }
            View::All => {}
        }
        let query = s.list.query.trim();
        if !query.is_empty() {
            f.text = Some(query.to_string());
        }
        f
    }

    /// Loads the list window around the selection, the counts and the selected record. Keeps the
    /// selection on the same issue when `keep` names one that is still in the list.
    pub fn reload(&mut self, keep: Option<String>) {
        self.reload_rows(keep, WINDOW);
    }

    /// After a change of my own: this connection's writes do not move `data_version`, so the
    /// status bar's counts are marked stale here, and everything is loaded again.
    pub(super) fn after_write(&mut self, keep: Option<String>) {
        self.counts_stale = true;
        self.reload(keep);
    }

    /// `reload`, loading `rows` rows around the selection.
    pub(super) fn reload_rows(&mut self, keep: Option<String>, rows: u32) {
        if let Err(e) = self.try_reload(keep, rows) {
            self.state.message = Some(e.message(self.state.lang));
        }
    }

    pub(super) fn try_reload(&mut self, keep: Option<String>, rows: u32) -> Result<(), StoreError> {
        let now = self.state.now;
        let filter = self.filter();
        // One pass over the list gives both its count and its order. A search is answered from
        // the list without it, kept in memory, however long.
        let at_most = if filter.text.is_some() { u32::MAX - 1 } else { IDS_AT_MOST };
        self.ids = self.store.matching_ids_cached(&filter, now, at_most, &mut self.cache)?;
        self.state.list.total = match &self.ids {
            Some(ids) => ids.len() as i64,
            None => self.store.count(&filter, now)?,
        };
        let total = self.state.list.total.max(0) as usize;
        self.state.list.selected = self.state.list.selected.min(total.saturating_sub(1));
        self.load_window(&filter, true, rows)?;
        if let Some(number) = keep
            && self.state.selected_row().map(|r| r.number.as_str()) != Some(number.as_str())
            && let Some(i) = self.state.list.rows.iter().position(|r| r.number == number)
        {
            self.state.list.selected = self.state.list.window_start as usize + i;
        }
        // The status bar's counts change only with the data, not with what the list shows.
        if self.counts_stale {
            self.load_counts()?;
        }
        self.load_record()
    }

    pub(super) fn load_counts(&mut self) -> Result<(), StoreError> {
        let now = self.state.now;
        let me = &self.state.me;
        let inbox = IssueFilter {
            involving: Some((me.login.clone(), me.dept.clone())),
            statuses: vec![Status::Registered, Status::InProgress, Status::AwaitingAcceptance],
            ..IssueFilter::default()
        };
        // The inbox as the view shows it, unnarrowed, is the count itself.
        let unnarrowed = self.state.list.query.trim().is_empty()
            && self.state.list.dept_filter.is_none()
            && self.state.list.priority_filter.is_none();
        self.state.inbox_count = if self.state.list.view == View::Inbox && unnarrowed {
            self.state.list.total
        } else {
            self.store.count(&inbox, now)?
        };
        self.state.alert_count = self.store.task_alert_count(now, Some(&self.state.me.dept))?;
        self.state.has_issues = self.state.list.total > 0 || self.store.has_issues()?;
        self.counts_stale = false;
        Ok(())
    }

    /// While set, typing into the search line only notes that the list must be loaded again;
    /// `settle` loads it once for the whole burst (an input method sends a word as many keys).
    pub fn defer_reloads(&mut self, defer: bool) {
        self.defer = defer;
    }

    /// Loads the list if typing asked for it while reloads were deferred.
    pub fn settle(&mut self) {
        if std::mem::take(&mut self.pending_reset) {
            self.reset_list();
        }
    }

    /// Loads `size` rows around the selection if it left the loaded window (or when forced).
    pub(super) fn load_window(
        &mut self,
        filter: &IssueFilter,
        force: bool,
        size: u32,
    ) -> Result<(), StoreError> {
        let s = &self.state;
        let inside = s.list.selected >= s.list.window_start as usize
            && s.list.selected < s.list.window_start as usize + s.list.rows.len();
        if inside && !force {
            return Ok(());
        }
        let start = (s.list.selected as u32).saturating_sub(size / 2);
        self.state.list.rows = match &self.ids {
            Some(ids) => {
                let from = (start as usize).min(ids.len());
                let to = (from + size as usize).min(ids.len());
                self.store.summaries(&ids[from..to], filter.viewer.as_deref(), self.state.now)?
            }
            None => {
                let window = IssueFilter { limit: Some(size), offset: start, ..filter.clone() };
                self.store.list(&window, self.state.now)?
            }
        };
        self.state.list.window_start = start;
        Ok(())
    }

    pub(super) fn load_record(&mut self) -> Result<(), StoreError> {
        let number =
            self.state.shown.pinned.clone().or_else(|| self.state.selected_row().map(|r| r.number.clone()));
        let same = self.state.shown.record.as_ref().map(|r| &r.issue.number) == number.as_ref();
        self.state.shown.record = match &number {
            Some(n) => Some(self.store.record(n)?),
            None => None,
        };
        self.state.shown.notices = match &number {
            Some(n) if self.state.me.role >= crate::domain::Role::Coordinator => {
                let filter = crate::store::OutboxFilter {
                    issue: Some(n.clone()),
                    limit: Some(50),
                    ..Default::default()
                };
                self.store.outbox(&filter)?
            }
            _ => Vec::new(),
        };
        self.state.shown.attachments = match &number {
            Some(n) => self.store.attachments(n)?,
            None => Vec::new(),
        };
        if !same {
            self.state.shown.detail_scroll = 0;
            self.state.shown.timeline_scroll = 0;
            self.state.shown.seen_upto = match &number {
                Some(n) => self.store.seen_upto(&self.state.me.login, n)?,
                None => None,
            };
            self.resting = number.map(|n| (n, self.state.now));
        }
        Ok(())
    }

    /// The search text changed: the list follows every keystroke (once per burst of input).
    pub(super) fn query_changed(&mut self) {
        if self.defer {
            self.pending_reset = true;
        } else {
            self.reset_list();
        }
    }

    /// A click on a list row (its absolute index) selects it.
    pub fn select(&mut self, index: usize) {
        let delta = index as i64 - self.state.list.selected as i64;
        self.state.focus = Pane::List;
        self.scroll(delta);
    }

    /// The wheel scrolls whichever pane is focused.
    pub fn wheel(&mut self, pane: Pane, delta: i64) {
        self.state.focus = pane;
        self.scroll(delta);
    }

    pub(super) fn reset_list(&mut self) {
        self.state.shown.pinned = None;
        self.state.list.selected = 0;
        self.state.list.window_start = 0;
        self.state.list.rows.clear();
        self.reload_rows(None, FIRST_WINDOW);
    }

    pub(super) fn scroll(&mut self, delta: i64) {
        let s = &mut self.state;
        match s.focus {
            Pane::List => {
                s.shown.pinned = None;
                let last = s.list.total.max(1) - 1;
                let next = (s.list.selected as i64).saturating_add(delta).clamp(0, last) as usize;
                if next == s.list.selected {
                    return;
                }
                s.list.selected = next;
                let filter = self.filter();
                let result = self.load_window(&filter, false, WINDOW).and_then(|()| self.load_record());
                if let Err(e) = result {
                    self.state.message = Some(e.message(self.state.lang));
                }
            }
            Pane::Detail => s.shown.detail_scroll = offset(s.shown.detail_scroll, delta),
            // The timeline is held from its newest end: down goes toward the newest entry.
            Pane::Timeline => s.shown.timeline_scroll = offset(s.shown.timeline_scroll, -delta),
        }
    }
}
