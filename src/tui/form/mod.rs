//! Forms: one engine for every action's form. A form is a list of fields (single-line text,
//! prose, a choice, a date, a percentage, a picker); Tab moves between them, Ctrl-S submits,
//! Esc cancels. What each action asks for, checks and does lives in `kinds`.

pub mod fields;
pub mod kinds;
pub mod path;
pub mod picker;
pub mod submit;

use crossterm::event::{KeyCode, KeyEvent};
use ratatui_textarea::{TextArea, WrapMode};
use serde::{Deserialize, Serialize};

use crate::domain::text::clean_input;
use crate::domain::when::Ahead;
use crate::i18n::Lang;
use crate::tui::input::typed_char;
use crate::tui::keymap::{Action, Context, Keymap};
pub use kinds::FormKind;
use picker::{Item, Picker};

/// What a field holds and how it is edited.
#[derive(Debug, Clone)]
pub enum Kind {
    /// One line of text.
    Line,
    /// A file path: one line, and Tab completes it from the file system before moving on.
    Path,
    /// Several lines: Enter starts a new one.
    Prose,
    /// One of a few values, cycled with ←/→: (value, label).
    Choice(Vec<(String, String)>),
    /// A date (and maybe a time) typed as 2026-10-30, 10-30 17:00, +3d or +2wd.
    Date(Ahead),
    /// 0 to 100.
    Percent,
    /// Departments, people or issues chosen from a list.
    Pick { items: Vec<Item>, multi: bool, free: bool },
}

/// One field as the form's kind declares it.
#[derive(Debug, Clone)]
pub struct Spec {
    pub id: &'static str,
    pub label: (&'static str, &'static str),
    pub required: bool,
    pub kind: Kind,
    /// Shown under the label while the field is empty: an example or what empty means.
    pub hint: Option<(&'static str, &'static str)>,
    /// The most characters the field takes: the form counts them as they are typed.
    pub max_chars: Option<usize>,
}

impl Spec {
    pub fn new(id: &'static str, en: &'static str, zh: &'static str, kind: Kind) -> Spec {
        Spec { id, label: (en, zh), required: false, kind, hint: None, max_chars: None }
    }

    pub fn required(mut self) -> Spec {
        self.required = true;
        self
    }

    pub fn max_chars(mut self, max: usize) -> Spec {
        self.max_chars = Some(max);
        self
    }

    pub fn hint(mut self, en: &'static str, zh: &'static str) -> Spec {
        self.hint = Some((en, zh));
        self
    }

    pub fn label(&self, lang: Lang) -> String {
        let label = lang.pick(self.label.0, self.label.1);
        if self.required { format!("{label} *") } else { label.to_string() }
    }

    pub fn is_prose(&self) -> bool {
        matches!(self.kind, Kind::Prose)
    }

    /// Whether the field is typed into (its text is a text area).
    pub fn is_text(&self) -> bool {
        matches!(self.kind, Kind::Line | Kind::Path | Kind::Prose | Kind::Date(_) | Kind::Percent)
    }
}

/// One field and what it holds now.
pub struct Field {
    pub spec: Spec,
    pub text: TextArea<'static>,
    pub choice: usize,
    pub picked: Vec<String>,
}

fn text_area(text: &str, prose: bool) -> TextArea<'static> {
    let lines: Vec<String> =
        if text.is_empty() { vec![String::new()] } else { text.lines().map(String::from).collect() };
    let mut area = TextArea::new(lines);
    if prose {
        area.set_wrap_mode(WrapMode::Glyph);
    }
    area.set_cursor_line_style(ratatui::style::Style::new());
    area.move_cursor(ratatui_textarea::CursorMove::Bottom);
    area.move_cursor(ratatui_textarea::CursorMove::End);
    area
}

impl Field {
    pub fn new(spec: Spec, value: &str) -> Field {
        let mut field = Field { text: text_area("", spec.is_prose()), spec, choice: 0, picked: Vec::new() };
        field.set(value);
        field
    }

    /// The value as the draft keeps it: text, a choice's value, or picked values joined by commas.
    pub fn value(&self) -> String {
        match &self.spec.kind {
            Kind::Choice(options) => options.get(self.choice).map(|o| o.0.clone()).unwrap_or_default(),
            Kind::Pick { .. } => self.picked.join(","),
            Kind::Prose => self.text.lines().join("\n"),
            _ => self.text.lines().join(" "),
        }
    }

    /// The value cleaned for the store: control characters out, line ends normalised.
    pub fn clean(&self) -> String {
        clean_input(&self.value()).trim().to_string()
    }

    pub fn set(&mut self, value: &str) {
        match &self.spec.kind {
            Kind::Choice(options) => {
                self.choice = options.iter().position(|o| o.0 == value).unwrap_or(0);
            }
            Kind::Pick { .. } => {
                self.picked =
                    value.split(',').map(str::trim).filter(|v| !v.is_empty()).map(String::from).collect();
            }
            _ => self.text = text_area(value, self.spec.is_prose()),
        }
    }

    pub fn is_empty(&self) -> bool {
        match &self.spec.kind {
            Kind::Choice(_) => false,
            Kind::Pick { .. } => self.picked.is_empty(),
            _ => self.value().trim().is_empty(),
        }
    }

    /// The picked values as people read them: `RD 研发部, QA 质量部`.
    pub fn picked_labels(&self) -> String {
        let Kind::Pick { items, .. } = &self.spec.kind else {
            return String::new();
        };
        let label = |v: &String| items.iter().find(|i| i.value == *v).map_or(v.clone(), |i| i.label.clone());
        self.picked.iter().map(label).collect::<Vec<_>>().join(", ")
    }
}

/// What is kept of a form between runs: enough to open it again exactly where it was.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormDraft {
    pub kind: FormKind,
    /// The issue the form is about (none when registering).
    pub number: Option<String>,
    /// The version and last event when the form was opened: changes after them are
    /// someone else's, shown as a conflict on submit.
    pub base_version: Option<i64>,
    pub base_event: Option<i64>,
    pub values: Vec<(String, String)>,
}

/// What a key did to the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Still editing; `changed` when a value changed (time to save the draft).
    Editing {
        changed: bool,
    },
    Submit,
    Cancel,
}

pub struct Form {
    pub kind: FormKind,
    pub number: Option<String>,
    pub base_version: Option<i64>,
    pub base_event: Option<i64>,
    /// Read-only lines above the fields: what is being accepted, which task is at risk.
    pub preamble: Vec<String>,
    pub fields: Vec<Field>,
    pub focus: usize,
    pub picker: Option<Picker>,
}

impl Form {
    pub fn draft(&self) -> FormDraft {
        FormDraft {
            kind: self.kind,
            number: self.number.clone(),
            base_version: self.base_version,
            base_event: self.base_event,
            values: self.fields.iter().map(|f| (f.spec.id.to_string(), f.value())).collect(),
        }
    }

    /// Puts a draft's values back into the fields it names.
    pub fn fill(&mut self, values: &[(String, String)]) {
        for (id, value) in values {
            if let Some(field) = self.fields.iter_mut().find(|f| f.spec.id == id) {
                field.set(value);
            }
        }
    }

    pub fn field(&self, id: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.spec.id == id)
    }

    pub fn field_mut(&mut self, id: &str) -> Option<&mut Field> {
        self.fields.iter_mut().find(|f| f.spec.id == id)
    }

    /// The cleaned text of a field ("" when the form has no such field).
    pub fn text(&self, id: &str) -> String {
        self.field(id).map(Field::clean).unwrap_or_default()
    }

    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.spec.id == id)
    }

    pub fn focused(&self) -> Option<&Field> {
        self.fields.get(self.focus)
    }

    /// Whether nothing was typed or chosen beyond what the form opened with.
    pub fn is_untouched(&self, opened: &FormDraft) -> bool {
        self.draft().values == opened.values
    }

    fn step(&mut self, delta: i64) {
        if self.fields.is_empty() {
            return;
        }
        let n = self.fields.len() as i64;
        self.focus = (self.focus as i64 + delta).rem_euclid(n) as usize;
    }

    /// Opens the picker of the focused field, starting with `query`.
    fn open_picker(&mut self, query: &str) {
        let Some(field) = self.fields.get(self.focus) else { return };
        let Kind::Pick { items, multi, free } = &field.spec.kind else { return };
        let mut picker = Picker::new(items.clone(), *multi, *free, field.picked.clone());
        picker.push_str(query);
        self.picker = Some(picker);
    }

    /// Where keys go in this form: its picker when one is open.
    pub fn context(&self) -> Context {
        if self.picker.is_some() { Context::Picker } else { Context::Form }
    }

    /// One key, read through the keymap of where it goes.
    pub fn press(&mut self, keymap: &Keymap, key: KeyEvent) -> Outcome {
        let action = keymap.action(self.context(), key);
        self.key(action, key)
    }

    /// One key, and what the keymap made of it. The picker, when open, takes keys first; keys
    /// the keymap does not bind are typed.
    pub fn key(&mut self, action: Option<Action>, key: KeyEvent) -> Outcome {
        if action == Some(Action::Submit) {
            self.close_picker();
            return Outcome::Submit;
        }
        if self.picker.is_some() {
            return self.picker_key(action, key);
        }
        let Some(field) = self.fields.get_mut(self.focus) else {
            return if action == Some(Action::Cancel) {
                Outcome::Cancel
            } else {
                Outcome::Editing { changed: false }
            };
        };
        let prose = field.spec.is_prose();
        let unchanged = Outcome::Editing { changed: false };
        match action {
            Some(Action::Cancel) => return Outcome::Cancel,
            Some(Action::NextField) => match &field.spec.kind {
                Kind::Path => match path::complete(&field.value()) {
                    Some(done) => {
                        field.set(&done);
                        return Outcome::Editing { changed: true };
                    }
                    None => self.step(1),
                },
                _ => self.step(1),
            },
            Some(Action::PrevField) => self.step(-1),
            // In text of several lines ↓ and ↑ move between its lines, and out at either end.
            Some(Action::Down) => {
                let last = field.text.lines().len().saturating_sub(1);
                if prose && field.text.cursor().0 < last {
                    field.text.move_cursor(ratatui_textarea::CursorMove::Down);
                } else {
                    self.step(1);
                }
            }
            Some(Action::Up) => {
                if prose && field.text.cursor().0 > 0 {
                    field.text.move_cursor(ratatui_textarea::CursorMove::Up);
                } else {
                    self.step(-1);
                }
            }
            Some(edit) => match &field.spec.kind {
                // ← and → choose among a few values, stopping at either end.
                Kind::Choice(options) => {
                    let last = options.len().saturating_sub(1);
                    let before = field.choice;
                    match edit {
                        Action::CharLeft | Action::WordLeft | Action::LineStart => {
                            field.choice =
                                if edit == Action::LineStart { 0 } else { before.saturating_sub(1) }
                        }
                        Action::CharRight | Action::WordRight | Action::LineEnd => {
                            field.choice = if edit == Action::LineEnd { last } else { (before + 1).min(last) }
                        }
                        _ => {}
                    }
                    return Outcome::Editing { changed: field.choice != before };
                }
                Kind::Pick { .. } => {
                    if edit == Action::DeleteToStart || edit == Action::DeleteWord {
                        let changed = !field.picked.is_empty();
                        field.picked.clear();
                        return Outcome::Editing { changed };
                    }
                }
                _ => {
                    return Outcome::Editing {
                        changed: crate::tui::line::apply_to_area(&mut field.text, edit),
                    };
                }
            },
            None => {
                let ch = typed_char(key);
                match (&field.spec.kind, key.code) {
                    // Space cycles a choice round.
                    (Kind::Choice(options), KeyCode::Char(' ')) => {
                        let n = options.len().max(1);
                        field.choice = (field.choice + 1) % n;
                        return Outcome::Editing { changed: true };
                    }
                    (Kind::Pick { .. }, KeyCode::Enter | KeyCode::Char(' ')) => self.open_picker(""),
                    (Kind::Pick { .. }, KeyCode::Backspace | KeyCode::Delete) => {
                        return Outcome::Editing { changed: field.picked.pop().is_some() };
                    }
                    (Kind::Pick { .. }, _) if ch.is_some() => {
                        self.open_picker(&ch.map(String::from).unwrap_or_default())
                    }
                    (_, KeyCode::Enter) if !prose => self.step(1),
                    (Kind::Choice(_) | Kind::Pick { .. }, _) => {}
                    (Kind::Percent, KeyCode::Char(c)) if !c.is_ascii_digit() => {}
                    (_, KeyCode::Char(_)) if ch.is_none() => {}
                    (_, KeyCode::Enter | KeyCode::Char(_) | KeyCode::Backspace | KeyCode::Delete) => {
                        return Outcome::Editing { changed: field.text.input_without_shortcuts(key) };
                    }
                    _ => {}
                }
            }
        }
        unchanged
    }

    fn picker_key(&mut self, action: Option<Action>, key: KeyEvent) -> Outcome {
        let Some(picker) = self.picker.as_mut() else {
            return Outcome::Editing { changed: false };
        };
        match action {
            Some(Action::Cancel) => self.close_picker(),
            Some(Action::NextField) => {
                self.close_picker();
                self.step(1);
            }
            Some(Action::PrevField) => {
                self.close_picker();
                self.step(-1);
            }
            Some(Action::Up) => picker.step(-1),
            Some(Action::Down) => picker.step(1),
            Some(Action::Toggle) if picker.multi => return self.choose(false),
            // In a list of one, the key of a toggle is typed (a space in a name).
            Some(Action::Toggle) => {
                if let Some(c) = typed_char(key) {
                    picker.push(c);
                }
            }
            Some(Action::Choose) => return self.choose(true),
            Some(edit) => picker.edit(edit),
            None => match (typed_char(key), key.code) {
                (Some(c), _) => picker.push(c),
                (None, KeyCode::Backspace) => picker.pop(),
                (None, KeyCode::Delete) => picker.delete(),
                _ => {}
            },
        }
        Outcome::Editing { changed: false }
    }

    /// Takes the highlighted entry into the field. A single choice closes the picker and moves on;
    /// in a multi picker Enter on an empty query closes it.
    fn choose(&mut self, enter: bool) -> Outcome {
        let Some(picker) = self.picker.as_mut() else {
            return Outcome::Editing { changed: false };
        };
        if enter && picker.multi && picker.query.is_empty() {
            self.close_picker();
            self.step(1);
            return Outcome::Editing { changed: false };
        }
        let changed = picker.toggle();
        let chosen = picker.chosen.clone();
        let single = !picker.multi;
        if let Some(field) = self.fields.get_mut(self.focus) {
            field.picked = chosen;
        }
        if single && changed {
            self.picker = None;
            self.step(1);
        }
        Outcome::Editing { changed }
    }

    fn close_picker(&mut self) {
        self.picker = None;
    }

    /// Pasted text goes into the focused field as typed (bracketed paste), or into the picker.
    pub fn paste(&mut self, text: &str) -> bool {
        let one_line = clean_input(text).replace('\n', " ");
        if let Some(picker) = self.picker.as_mut() {
            picker.push_str(one_line.trim());
            return false;
        }
        let Some(field) = self.fields.get_mut(self.focus) else { return false };
        match field.spec.kind {
            Kind::Prose => field.text.insert_str(clean_input(text)),
            Kind::Line | Kind::Path | Kind::Date(_) | Kind::Percent => field.text.insert_str(one_line),
            Kind::Pick { .. } => {
                self.open_picker(one_line.trim());
                false
            }
            Kind::Choice(_) => false,
        }
    }

    /// Replaces the focused field's text with what came back from the external editor.
    pub fn replace_focused(&mut self, text: &str) -> bool {
        let Some(field) = self.fields.get_mut(self.focus) else { return false };
        if !field.spec.is_text() {
            return false;
        }
        let text = clean_input(text);
        let text = text.trim_end_matches('\n');
        let text = if field.spec.is_prose() { text.to_string() } else { text.replace('\n', " ") };
        if field.value() == text {
            return false;
        }
        field.set(&text);
        true
    }
}

#[cfg(test)]
mod tests;
