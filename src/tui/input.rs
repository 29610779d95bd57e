//! Where a key goes: the context of what is open decides, and the keymap of that context says
//! what the key means there. Keys no context binds are typed, where something is typed.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::app::App;
use super::keymap::{Action, Context};
use super::overlay::{HelpView, Overlay};
use super::palette::Command;

/// A key that types a character: no Ctrl or Alt with it.
pub fn typed_char(key: KeyEvent) -> Option<char> {
    match key.code {
        KeyCode::Char(c) if !key.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) => Some(c),
        _ => None,
    }
}

impl App {
    /// One key, wherever it goes.
    pub fn key(&mut self, key: KeyEvent) {
        let context = self.state.context();
        let action = self.state.keymap.action(context, key);
        if action == Some(Action::Help) && context != Context::Main {
            self.state.help = Some(HelpView { from: context, scroll: 0 });
            return;
        }
        match context {
            Context::Main => {
                if let Some(action) = action {
                    self.handle(action);
                }
            }
            Context::Help => self.help_key(action),
            Context::Restore => match action {
                Some(Action::RestoreDraft) => self.answer_restore(Some(true)),
                Some(Action::DiscardDraft) => self.answer_restore(Some(false)),
                Some(Action::Later) => self.answer_restore(None),
                _ => {}
            },
            Context::Search => self.search_key(action, key),
            Context::Palette => self.palette_key(action, key),
            Context::Form | Context::Picker | Context::Conflict | Context::Confirm => {
                self.form_key(context, action, key)
            }
            // Never where keys go by itself: the contexts that type fall back to it.
            Context::Line => {}
        }
    }

    /// Pasted text goes where typing goes.
    pub fn paste(&mut self, text: &str) {
        match self.state.context() {
            Context::Form | Context::Picker => self.form_paste(text),
            Context::Search => {
                let line = crate::domain::text::clean_input(text).replace('\n', " ");
                self.state.list.query.insert_str(&line);
                self.query_changed();
            }
            Context::Palette => {
                let line = crate::domain::text::clean_input(text).replace('\n', " ");
                if let Some(p) = self.state.palette_mut() {
                    p.insert_str(line.trim());
                }
                self.find_issues();
            }
            _ => {}
        }
    }

    fn help_key(&mut self, action: Option<Action>) {
        let most = super::view::help_max_scroll(self.state.area, &self.state);
        let page = self.state.area.height.saturating_sub(4).max(1) as usize;
        let Some(help) = self.state.help.as_mut() else { return };
        match action {
            Some(Action::Down) => help.scroll += 1,
            Some(Action::Up) => help.scroll = help.scroll.saturating_sub(1),
            Some(Action::PageDown) => help.scroll += page,
            Some(Action::PageUp) => help.scroll = help.scroll.saturating_sub(page),
            Some(Action::Cancel) => self.state.help = None,
            _ => {}
        }
        if let Some(help) = self.state.help.as_mut() {
            help.scroll = help.scroll.min(most);
        }
    }

    /// The search line: the list follows every keystroke; ↑/↓ move in the list meanwhile.
    fn search_key(&mut self, action: Option<Action>, key: KeyEvent) {
        let changed = match action {
            Some(Action::Done) => {
                self.state.overlay = None;
                return;
            }
            Some(Action::Cancel) => {
                self.state.overlay = None;
                self.state.list.query.clear();
                true
            }
            Some(Action::Down) => {
                self.handle(Action::Down);
                false
            }
            Some(Action::Up) => {
                self.handle(Action::Up);
                false
            }
            Some(edit) => self.state.list.query.apply(edit),
            None => match (typed_char(key), key.code) {
                (Some(c), _) => {
                    self.state.list.query.insert(c);
                    true
                }
                (None, KeyCode::Backspace) => self.state.list.query.backspace(),
                (None, KeyCode::Delete) => self.state.list.query.delete(),
                _ => false,
            },
        };
        if changed {
            self.query_changed();
        }
    }

    /// The palette and its kin. In a menu (Space), a key an entry names runs that entry.
    fn palette_key(&mut self, action: Option<Action>, key: KeyEvent) {
        let Some(palette) = self.state.palette_mut() else { return };
        let changed = match action {
            Some(Action::Choose) => {
                let command = palette.selected_command();
                self.close_palette();
                if let Some(command) = command {
                    self.run(command);
                }
                return;
            }
            Some(Action::Cancel) => {
                self.close_palette();
                return;
            }
            Some(Action::Down) => {
                palette.step(1);
                false
            }
            Some(Action::Up) => {
                palette.step(-1);
                false
            }
            Some(edit) => palette.edit(edit),
            None => {
                if palette.menu
                    && let Some(named) = self.state.keymap.main_action(key)
                    && let Some(palette) = self.state.palette()
                    && palette.runs(named)
                {
                    self.close_palette();
                    self.run(Command::Run(named));
                    return;
                }
                let Some(palette) = self.state.palette_mut() else { return };
                match (typed_char(key), key.code) {
                    (Some(c), _) => {
                        palette.insert(c);
                        true
                    }
                    (None, KeyCode::Backspace) => palette.backspace(),
                    (None, KeyCode::Delete) => palette.delete(),
                    _ => false,
                }
            }
        };
        if changed {
            self.find_issues();
        }
    }

    fn close_palette(&mut self) {
        if matches!(self.state.overlay, Some(Overlay::Palette(_))) {
            self.state.overlay = None;
        }
        self.finder_numbers = Vec::new();
    }
}
