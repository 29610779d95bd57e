//! The console's state and its update step: actions come in, the store is read, state changes.
//! Views only read this state.

use chrono::NaiveDateTime;

use super::draft;
use super::form::Form;
use super::form::submit::Undo;
use super::keymap::{Action, Context, Keymap, View};
use super::list::ListState;
use super::overlay::{Dialog, FormSession, HelpView, Overlay};
use super::palette::Palette;
use crate::config::{ConsoleConfig, SavedFilter};
use crate::domain::*;
use crate::i18n::Lang;
use crate::store::{IssueSummary, ListCache, SortKey, Store, StoreError};

/// How many list rows are loaded around the selection: the list never loads the whole table.
pub const WINDOW: u32 = 400;

/// How many rows are loaded when a list starts again from the top (another view, search or
/// narrowing): a screenful and some; the selection moving on loads a whole window.
pub const FIRST_WINDOW: u32 = WINDOW / 4;

/// A list of at most this many issues is read as ids once per reload, which gives its count, and
/// its windows are then loaded by id; a longer one is counted and read a window at a time.
pub const IDS_AT_MOST: u32 = 50 * WINDOW;

/// How often a form being typed is written to its draft file (besides on every change of field).
pub const DRAFT_EVERY_SECONDS: i64 = 2;

/// How long the selection rests on an issue before it counts as read.
pub const READ_AFTER_SECONDS: i64 = 2;

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

/// The record the detail and the timeline show, with what is read beside it.
#[derive(Default)]
pub struct Shown {
    pub record: Option<IssueRecord>,
    /// Who was told of the open record, when, and what failed (coordinators and admins only).
    pub notices: Vec<crate::store::OutboxEntry>,
    /// The attachments of the record shown (names, sizes, hashes; not their bytes).
    pub attachments: Vec<crate::domain::Attachment>,
    /// An issue found with `#`: its record shows instead of the selected row's until the list
    /// is moved.
    pub pinned: Option<String>,
    /// The last event of the open record I had seen before this visit.
    pub seen_upto: Option<i64>,
    pub detail_scroll: u16,
    pub timeline_scroll: u16,
}

/// Everything the screen shows, loaded in the update step.
pub struct State {
    pub lang: Lang,
    pub me: Person,
    /// The admin running this console as `me` (`--as`), if any: recorded on every change.
    pub on_behalf_of: Option<String>,
    pub db: String,
    pub now: NaiveDateTime,
    pub calendar: Calendar,
    pub people: Vec<Person>,
    pub departments: Vec<Department>,
    pub saved_filters: Vec<SavedFilter>,
    pub focus: Pane,
    /// The list: which issues, in which order, the rows loaded and the selection.
    pub list: ListState,
    /// The record shown in the detail and the timeline.
    pub shown: Shown,
    /// What stands over the panes and takes the keys.
    pub overlay: Option<Overlay>,
    /// The last change, while it can still be taken back.
    pub undo: Option<Undo>,
    /// What the loop does for the app on the terminal: run the editor, set the clipboard.
    pub effects: Vec<Effect>,
    /// The help, over everything else.
    pub help: Option<HelpView>,
    /// The Reports view (key 9), while it shows instead of the panes.
    pub reports: Option<super::reports::Reports>,
    /// A report is being computed for the Reports view.
    pub reports_pending: Option<super::reports::Pending>,
    pub message: Option<String>,
    pub inbox_count: i64,
    pub alert_count: usize,
    /// Whether the database holds any issue at all (an empty one gets instructions).
    pub has_issues: bool,
    pub keymap: Keymap,
    pub mouse: bool,
    /// The terminal's size at the last draw, for mouse hit-testing.
    pub area: ratatui::layout::Rect,
    pub quit: bool,
}

impl State {
    /// Where the next key goes.
    pub fn context(&self) -> Context {
        if self.help.is_some() {
            return Context::Help;
        }
        match &self.overlay {
            None => Context::Main,
            Some(Overlay::Restore(_)) => Context::Restore,
            Some(Overlay::Palette(_)) => Context::Palette,
            Some(Overlay::Search) => Context::Search,
            Some(Overlay::Form(session)) => session.context(),
        }
    }

    pub fn session(&self) -> Option<&FormSession> {
        match &self.overlay {
            Some(Overlay::Form(session)) => Some(session),
            _ => None,
        }
    }

    pub fn session_mut(&mut self) -> Option<&mut FormSession> {
        match &mut self.overlay {
            Some(Overlay::Form(session)) => Some(session),
            _ => None,
        }
    }

    /// The form being typed, while one is open.
    pub fn form(&self) -> Option<&Form> {
        self.session().map(|s| &s.form)
    }

    pub fn form_mut(&mut self) -> Option<&mut Form> {
        self.session_mut().map(|s| &mut s.form)
    }

    /// The question over the form, if one is asked.
    pub fn dialog(&self) -> Option<&Dialog> {
        self.session().and_then(|s| s.dialog.as_ref())
    }

    pub fn palette(&self) -> Option<&Palette> {
        match &self.overlay {
            Some(Overlay::Palette(p)) => Some(p),
            _ => None,
        }
    }

    pub fn palette_mut(&mut self) -> Option<&mut Palette> {
        match &mut self.overlay {
            Some(Overlay::Palette(p)) => Some(p),
            _ => None,
        }
    }

    /// Whether the search line is being typed.
    pub fn searching(&self) -> bool {
        matches!(self.overlay, Some(Overlay::Search))
    }

    /// The draft offered back at start, while the offer stands.
    pub fn restore(&self) -> Option<&super::draft::Draft> {
        match &self.overlay {
            Some(Overlay::Restore(d)) => Some(d),
            _ => None,
        }
    }

    pub fn selected_row(&self) -> Option<&IssueSummary> {
        self.list.selected_row()
    }

    /// The department the "by department" view shows.
    pub fn view_dept(&self) -> &str {
        self.list.dept_filter.as_deref().unwrap_or(&self.me.dept)
    }
}

/// The state with the store it is loaded from.
pub struct App {
    pub store: Store,
    pub state: State,
    pub(super) data_version: i64,
    /// The issue the selection rests on, and since when: it counts as read after a moment.
    pub(super) resting: Option<(String, NaiveDateTime)>,
    /// Where this database's form drafts are kept.
    pub draft_path: std::path::PathBuf,
    /// Where `S` saves the record's attachments: the directory liaison was started in.
    pub save_dir: std::path::PathBuf,
    /// The issue finder's numbers, read when it opens.
    pub(super) finder_numbers: Vec<(i64, String)>,
    /// The file of the draft offered back at start (left by a console that is gone).
    pub restore_from: Option<std::path::PathBuf>,
    /// The form changed since the draft was last written, which was at `draft_saved`.
    pub(super) draft_dirty: bool,
    pub(super) draft_saved: NaiveDateTime,
    /// The status bar's counts need loading (at start, and when the data changed).
    pub(super) counts_stale: bool,
    /// Reloads asked for while input arrives in a burst, done once by `settle`.
    pub(super) defer: bool,
    pub(super) pending_reset: bool,
    /// The whole list's ids in order, as of the last reload, when it is short enough.
    pub(super) ids: Option<Vec<i64>>,
    /// The list without its search and recent searches within it, for search as you type.
    pub(super) cache: ListCache,
    /// The report being computed for the Reports view.
    pub(super) reports_job: Option<super::reports::Job>,
}

impl State {
    /// The login this console acts as when an admin started it with `--as`.
    pub fn acting_as(&self) -> Option<&str> {
        self.on_behalf_of.as_ref().map(|_| self.me.login.as_str())
    }
}

impl App {
    /// The console with default keys and the mouse on.
    pub fn new(store: Store, me: Person, lang: Lang, now: NaiveDateTime) -> Result<App, StoreError> {
        let actor = Actor { person: me, on_behalf_of: None };
        App::with_config(store, actor, lang, now, ConsoleConfig { mouse: true, ..Default::default() })
    }

    /// Opens the console's state with the user's keys, saved filters and mouse setting. Key
    /// bindings the configuration gets wrong are reported in the status line.
    pub fn with_config(
        mut store: Store,
        actor: Actor,
        lang: Lang,
        now: NaiveDateTime,
        config: ConsoleConfig,
    ) -> Result<App, StoreError> {
        let (keymap, problems) = Keymap::default().with_overrides(&config.keys);
        let state = State {
            lang,
            db: store.path().display().to_string(),
            now,
            calendar: store.calendar()?,
            people: store.people()?,
            departments: store.departments()?,
            me: actor.person,
            on_behalf_of: actor.on_behalf_of,
            saved_filters: config.filters,
            focus: Pane::List,
            list: ListState { view: View::Inbox, sort: SortKey::Deadline, ..ListState::default() },
            shown: Shown::default(),
            overlay: None,
            undo: None,
            effects: Vec::new(),
            help: None,
            reports: None,
            reports_pending: None,
            message: None,
            inbox_count: 0,
            alert_count: 0,
            has_issues: false,
            keymap,
            mouse: config.mouse,
            area: ratatui::layout::Rect::default(),
            quit: false,
        };
        let data_version = store.data_version()?;
        let acting_as = state.acting_as();
        let draft_path = draft::path_for(&state.db, acting_as);
        let mut app = App {
            store,
            state,
            data_version,
            resting: None,
            draft_path,
            save_dir: std::env::current_dir().unwrap_or_else(|_| ".".into()),
            restore_from: None,
            finder_numbers: Vec::new(),
            draft_dirty: false,
            draft_saved: now,
            counts_stale: true,
            defer: false,
            pending_reset: false,
            ids: None,
            cache: ListCache::default(),
            reports_job: None,
        };
        let left_behind = draft::left_behind(&app.state.db, app.state.acting_as());
        if let Some((path, left)) = left_behind.into_iter().next() {
            app.state.overlay = Some(Overlay::Restore(left));
            app.restore_from = Some(path);
        }
        app.reload(None);
        if !problems.is_empty() {
            app.state.message = Some(problems.join("; "));
        }
        Ok(app)
    }

    /// Looks for changes by anyone (`PRAGMA data_version`, no transaction held) and reloads;
    /// marks the issue the selection rests on as read.
    pub fn tick(&mut self, now: NaiveDateTime) {
        self.state.now = now;
        self.poll_reports();
        if self.draft_dirty && (now - self.draft_saved).num_seconds() >= DRAFT_EVERY_SECONDS {
            self.save_draft();
        }
        if let Some((number, since)) = self.resting.clone()
            && (now - since).num_seconds() >= READ_AFTER_SECONDS
        {
            self.resting = None;
            if self.state.selected_row().is_some_and(|r| r.unseen && r.number == number) {
                match self.store.mark_seen(&self.state.me.login, &number) {
                    Ok(()) => {
                        if let Some(i) =
                            self.state.list.selected.checked_sub(self.state.list.window_start as usize)
                            && let Some(row) = self.state.list.rows.get_mut(i)
                        {
                            row.unseen = false;
                        }
                    }
                    Err(e) => self.state.message = Some(e.message(self.state.lang)),
                }
            }
        }
        match self.store.data_version() {
            Ok(v) if v != self.data_version => {
                self.data_version = v;
                self.counts_stale = true;
                // People and departments change rarely; reading them is cheap.
                if let (Ok(people), Ok(departments)) = (self.store.people(), self.store.departments()) {
                    self.state.people = people;
                    self.state.departments = departments;
                }
                let keep = self.state.selected_row().map(|r| r.number.clone());
                self.reload(keep);
                self.reload_reports();
            }
            Ok(_) => {}
            Err(e) => self.state.message = Some(e.message(self.state.lang)),
        }
    }

    pub fn handle(&mut self, action: Action) {
        let s = &mut self.state;
        s.message = None;
        if (s.reports.is_some() || s.reports_pending.is_some()) && self.reports_key(action) {
            return;
        }
        let s = &mut self.state;
        match action {
            Action::Quit => s.quit = true,
            Action::Help => s.help = Some(HelpView { from: Context::Main, scroll: 0 }),
            Action::Up => self.scroll(-1),
            Action::Down => self.scroll(1),
            Action::PageUp => self.scroll(-20),
            Action::PageDown => self.scroll(20),
            Action::Top => self.scroll(i64::MIN / 2),
            Action::Bottom => self.scroll(i64::MAX / 2),
            Action::NextPane => s.focus = cycle(s.focus, 1),
            Action::PrevPane => s.focus = cycle(s.focus, -1),
            Action::Open => {
                if s.focus == Pane::List && s.shown.record.is_some() {
                    s.focus = Pane::Detail;
                }
            }
            Action::Back => {
                if s.focus != Pane::List {
                    s.focus = Pane::List;
                    if s.shown.pinned.take().is_some() {
                        let keep = s.selected_row().map(|r| r.number.clone());
                        self.reload(keep);
                    }
                } else if !s.list.query.is_empty() {
                    s.list.query.clear();
                    self.reset_list();
                }
            }
            Action::Search => {
                s.overlay = Some(Overlay::Search);
                s.focus = Pane::List;
            }
            Action::CycleSort => {
                s.list.sort = match s.list.sort {
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
            Action::Palette => {
                let palette = Palette::commands(&s.keymap, &s.departments, &s.saved_filters, s.lang);
                s.overlay = Some(Overlay::Palette(palette));
            }
            Action::Form(kind) => self.open_form(kind),
            Action::Undo => self.undo(),
            Action::Copy => self.copy(false),
            Action::CopySummary => self.copy(true),
            Action::SaveAttachments => self.save_attachments(),
            Action::Actions => {
                let kinds = super::editing::allowed_forms(s);
                if kinds.is_empty() {
                    s.message = Some(match &s.shown.record {
                        Some(r) => format!(
                            "{} {}",
                            r.issue.number,
                            s.lang.pick("allows you no action now.", "当前没有你可以执行的操作。")
                        ),
                        None => s.lang.pick("Select an issue first.", "请先选择一个问题。").to_string(),
                    });
                } else if let Some(r) = &s.shown.record {
                    let title = format!("{} · {}", r.issue.number, s.lang.pick("actions", "操作"));
                    s.overlay = Some(Overlay::Palette(Palette::actions(title, &s.keymap, &kinds, s.lang)));
                }
            }
            Action::GoTo => self.open_finder(),
            Action::Filter => {
                s.overlay =
                    Some(Overlay::Palette(Palette::filters(&s.departments, &s.saved_filters, s.lang)));
            }
            Action::ToggleMouse => {
                s.mouse = !s.mouse;
                s.message = Some(
                    if s.mouse {
                        s.lang.pick(
                            "Mouse on: wheel scrolls, click selects.",
                            "鼠标已开启：滚轮滚动，点击选择。",
                        )
                    } else {
                        s.lang.pick(
                            "Mouse off: the terminal selects text again.",
                            "鼠标已关闭：可用终端自带的文本选择。",
                        )
                    }
                    .to_string(),
                );
            }
            Action::Reports => self.open_reports(),
            // Only in the Reports view.
            Action::PeriodEarlier | Action::PeriodLater | Action::PeriodLength => {}
            // The overlays' own actions mean nothing on the main screen.
            Action::Submit
            | Action::Cancel
            | Action::NextField
            | Action::PrevField
            | Action::ExternalEditor
            | Action::Choose
            | Action::Toggle
            | Action::Done
            | Action::Overwrite
            | Action::KeepAsComment
            | Action::Discard
            | Action::Yes
            | Action::No
            | Action::RestoreDraft
            | Action::DiscardDraft
            | Action::Later
            | Action::CharLeft
            | Action::CharRight
            | Action::WordLeft
            | Action::WordRight
            | Action::LineStart
            | Action::LineEnd
            | Action::DeleteToStart
            | Action::DeleteToEnd
            | Action::DeleteWord
            | Action::EditUndo
            | Action::EditRedo => {}
            Action::View(n) => {
                s.reports = None;
                s.reports_pending = None;
                self.reports_job = None;
                let s = &mut self.state;
                if let Some(view) = View::from_key(n) {
                    s.list.view = view;
                    s.focus = Pane::List;
                    self.reset_list();
                }
            }
        }
    }
}

/// Something only the terminal can do, asked of the loop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Open `$VISUAL`/`$EDITOR` on this text; the result goes to `App::edited`.
    Edit(String),
    /// Put this text on the clipboard (OSC 52).
    Copy(String),
}

fn cycle(pane: Pane, step: i32) -> Pane {
    let i = Pane::ALL.iter().position(|p| *p == pane).unwrap_or(0) as i32;
    Pane::ALL[(i + step).rem_euclid(Pane::ALL.len() as i32) as usize]
}

pub(super) fn offset(value: u16, delta: i64) -> u16 {
    (i64::from(value) + delta).clamp(0, i64::from(u16::MAX)) as u16
}
