//! The registration form's side of the app: opening it, typing into it, its drafts, and
//! registering what was typed.

use super::app::App;
use super::draft::{self, Draft};
use super::form::{FormOutcome, RegisterDraft, RegisterForm};
use crate::domain::permission::{self, Scope};
use crate::domain::{Actor, status};

impl App {
    /// Opens the registration form, empty or from a draft, if this person may register at all.
    pub fn open_register(&mut self, draft: Option<&RegisterDraft>) {
        let s = &mut self.state;
        let scope = Scope {
            proposer_dept: &s.me.dept,
            involved: &[],
            target_dept: Some(&s.me.dept),
            target_person: None,
        };
        if let Err(denied) = permission::check(&s.me, status::Action::Register, &scope, s.lang) {
            s.message = Some(denied.message(s.lang));
            return;
        }
        s.form = Some(draft.map(RegisterForm::from_draft).unwrap_or_default());
        s.discard_armed = false;
    }

    /// The answer to the offer of an earlier draft: restore it, discard it, or leave it for later.
    pub fn answer_restore(&mut self, restore: Option<bool>) {
        let Some(draft) = self.state.restore.take() else {
            return;
        };
        match restore {
            Some(true) => self.open_register(Some(&draft.register)),
            Some(false) => draft::remove(&self.draft_path),
            None => {}
        }
    }

    /// A key in the open form.
    pub fn form_key(&mut self, key: crossterm::event::KeyEvent) {
        let Some(form) = self.state.form.as_mut() else {
            return;
        };
        let field = form.focus;
        match form.key(key) {
            FormOutcome::Editing { changed } => {
                self.state.discard_armed = false;
                self.draft_dirty |= changed;
                if changed {
                    self.remember_draft();
                }
                // Saved on every change of field, and by `tick` every few seconds.
                let moved = self.state.form.as_ref().is_some_and(|f| f.focus != field);
                if moved && self.draft_dirty {
                    self.save_draft();
                }
            }
            FormOutcome::Submit => self.submit_register(),
            FormOutcome::Cancel => {
                let empty = form.draft() == RegisterForm::new().draft();
                if empty || self.state.discard_armed {
                    self.state.form = None;
                    self.state.discard_armed = false;
                    draft::remove(&self.draft_path);
                    super::remember_draft(&self.draft_path, None);
                } else {
                    self.state.discard_armed = true;
                }
            }
        }
    }

    /// Pasted text in the open form.
    pub fn form_paste(&mut self, text: &str) {
        if self.state.form.as_mut().is_some_and(|f| f.paste(text)) {
            self.save_draft();
        }
    }

    /// Tells the watchdog what to save if the terminal hangs up mid-form.
    fn remember_draft(&self) {
        let draft = self.state.form.as_ref().map(|form| Draft {
            db: self.state.db.clone(),
            saved_at: self.state.now,
            register: form.draft(),
        });
        super::remember_draft(&self.draft_path, draft);
    }

    /// Writes the open form's draft if it has unsaved changes (on the way out).
    pub fn flush_draft(&mut self) {
        if self.draft_dirty {
            self.save_draft();
        }
    }

    pub(super) fn save_draft(&mut self) {
        let Some(form) = &self.state.form else {
            return;
        };
        self.draft_dirty = false;
        self.draft_saved = self.state.now;
        let draft = Draft { db: self.state.db.clone(), saved_at: self.state.now, register: form.draft() };
        if let Err(e) = draft::save(&self.draft_path, &draft) {
            let lang = self.state.lang;
            self.state.message = Some(format!(
                "{} {}: {e}",
                lang.pick("cannot save the draft to", "无法保存草稿到"),
                self.draft_path.display()
            ));
        }
    }

    fn submit_register(&mut self) {
        let Some(form) = &self.state.form else {
            return;
        };
        let lang = self.state.lang;
        let findings = form.findings();
        if crate::domain::lint::has_errors(&findings) {
            let errors: Vec<String> =
                findings.iter().filter(|f| f.is_error()).map(|f| f.message(lang)).collect();
            self.state.message = Some(errors.join(lang.pick("; ", ";")));
            return;
        }
        let ctx = crate::store::Ctx {
            actor: Actor { person: self.state.me.clone(), on_behalf_of: None },
            now: self.state.now,
            lang,
        };
        let registration = crate::store::Registration {
            proposer_dept: None,
            proposed_at: None,
            priority: form.priority,
            draft: form.issue_draft(),
        };
        match self.store.register(&ctx, &registration) {
            Ok((issue, _)) => {
                self.state.form = None;
                draft::remove(&self.draft_path);
                super::remember_draft(&self.draft_path, None);
                self.reload(Some(issue.number.clone()));
                self.state.message = Some(format!(
                    "{} {} — {} {}",
                    lang.pick("Registered", "已登记"),
                    issue.number,
                    lang.pick("response due", "响应时限"),
                    issue.response_due_at.format("%Y-%m-%d %H:%M")
                ));
            }
            // The form stays open with everything typed; the message says what to fix.
            Err(e) => self.state.message = Some(e.message(lang)),
        }
    }
}
