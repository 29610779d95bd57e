//! The palette's side of the app: running what is chosen, and the issue finder
//! (`#`), whose entries come from the store as the input changes.

use super::app::{App, Pane};
use super::keymap::View;
use super::overlay::Overlay;
use super::palette::{Command, Entry, Palette};
use crate::domain::Priority;

impl App {
    /// Opens the issue finder: every number is read once, then filtered as you type.
    pub(super) fn open_finder(&mut self) {
        self.state.overlay = Some(Overlay::Palette(Palette::issues(self.state.lang)));
        match self.store.issue_numbers() {
            Ok(numbers) => self.finder_numbers = numbers,
            Err(e) => self.state.message = Some(e.message(self.state.lang)),
        }
        self.find_issues();
    }

    /// Does what a palette entry says.
    pub(super) fn run(&mut self, command: Command) {
        match command {
            Command::Run(action) => self.handle(action),
            Command::Department(dept) => {
                self.state.list.dept_filter = dept.clone();
                if dept.is_none() {
                    self.state.list.priority_filter = None;
                }
                self.reset_list();
                self.reload_reports();
            }
            Command::Priority(priority) => {
                self.state.list.priority_filter = priority;
                self.reset_list();
                self.reload_reports();
            }
            Command::Goto(number) => {
                self.state.shown.pinned = Some(number);
                self.state.focus = Pane::Detail;
                if let Err(e) = self.load_record() {
                    self.state.shown.pinned = None;
                    self.state.message = Some(e.message(self.state.lang));
                }
            }
            Command::Saved(i) => {
                let Some(saved) = self.state.saved_filters.get(i).cloned() else {
                    return;
                };
                let s = &mut self.state;
                if let Some(view) = saved.view.as_deref() {
                    match View::ALL.iter().find(|v| format!("{v:?}").eq_ignore_ascii_case(view)) {
                        Some(v) => s.list.view = *v,
                        None => {
                            s.message = Some(format!("{}: view `{view}`?", saved.name));
                        }
                    }
                }
                s.list.dept_filter = saved.dept.map(|d| d.trim().to_ascii_uppercase());
                s.list.priority_filter = saved.priority.as_deref().and_then(Priority::parse);
                s.list.query.set(&saved.text.unwrap_or_default());
                self.reset_list();
            }
        }
    }

    /// Fills the issue finder from the store for what is typed so far.
    pub(super) fn find_issues(&mut self) {
        let Some(palette) = self.state.palette().filter(|p| p.finds_issues) else {
            return;
        };
        let lang = self.state.lang;
        match self.store.find_issues(&palette.input, &self.finder_numbers, 30, self.state.now) {
            Ok(found) => {
                let entries = found
                    .into_iter()
                    .map(|(number, title, status)| {
                        Entry::new(
                            format!("{number}  {title}"),
                            status.label(lang).to_string(),
                            String::new(),
                            Command::Goto(number),
                        )
                    })
                    .collect();
                if let Some(palette) = self.state.palette_mut() {
                    palette.set_entries(entries);
                }
            }
            Err(e) => self.state.message = Some(e.message(lang)),
        }
    }
}
