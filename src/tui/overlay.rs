//! What stands over the panes and takes the keys: one type, so which of them receives a key is
//! decided by what is open, not by the order of checks.

use super::draft::Draft;
use super::editing::Conflict;
use super::form::{Form, FormDraft};
use super::keymap::Context;
use super::palette::Palette;
use crate::domain::IssueRecord;

/// The one overlay open over the panes, if any (the help can stand over it).
pub enum Overlay {
    /// A draft left by an earlier run, offered back at start.
    Restore(Draft),
    /// The palette, the actions menu (Space), the filters (`f`) or the issue finder (`#`).
    Palette(Palette),
    /// The search line is being typed (the query itself belongs to the list).
    Search,
    /// A form being typed, with its dialogs.
    Form(Box<FormSession>),
}

/// A form and everything that belongs to typing it.
pub struct FormSession {
    pub form: Form,
    /// The form as it opened, to tell whether anything was typed.
    pub origin: FormDraft,
    /// The issue the form is about, as last read.
    pub record: Option<IssueRecord>,
    /// A question over the form: someone changed the issue meanwhile, or a confirmation.
    pub dialog: Option<Dialog>,
    /// Esc was pressed once with text in the form: a second Esc discards it.
    pub discard_armed: bool,
}

impl FormSession {
    /// A form that opened as `origin` (before a draft's values went in, if any).
    pub fn new(form: Form, origin: FormDraft, record: Option<IssueRecord>) -> FormSession {
        FormSession { form, origin, record, dialog: None, discard_armed: false }
    }

    /// Whether nothing was typed or chosen beyond what the form opened with.
    pub fn is_untouched(&self) -> bool {
        self.form.is_untouched(&self.origin)
    }

    pub fn context(&self) -> Context {
        match &self.dialog {
            Some(Dialog::Conflict(_)) => Context::Conflict,
            Some(Dialog::Confirm(_)) => Context::Confirm,
            None if self.form.picker.is_some() => Context::Picker,
            None => Context::Form,
        }
    }
}

/// A question asked over a form.
pub enum Dialog {
    /// Someone else changed the issue after the form opened: overwrite, keep as comment, discard.
    Conflict(Conflict),
    /// Asked before a change that cannot be taken back (archive, refusal).
    Confirm(String),
}

/// The help, open over whatever was on screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HelpView {
    /// Where it was opened: that context's keys come first.
    pub from: Context,
    /// The first line shown.
    pub scroll: usize,
}
