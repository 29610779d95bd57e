//! The forms' side of the app: opening a form once the rules allow it, typing into it, its
//! drafts, submitting it (with the conflict and confirmation dialogs), undo and the clipboard.

use crossterm::event::KeyEvent;

use super::app::{App, Effect, State};
use super::draft::{self, Draft};
use super::form::fields;
use super::form::kinds::{self, Env};
use super::form::submit::{self, Problem};
use super::form::{FormDraft, FormKind, Outcome};
use super::keymap::{Action, Context};
use super::overlay::{Dialog, FormSession, Overlay};
use crate::domain::rules;
use crate::domain::text::sanitize_line;
use crate::domain::{Actor, Event, IssueRecord};
use crate::store::{Ctx, StoreError};

/// Someone else changed the issue after the form opened: what they did, and the version now.
#[derive(Debug, Clone)]
pub struct Conflict {
    pub version: i64,
    pub last_event: Option<i64>,
    pub events: Vec<Event>,
}

impl App {
    fn ctx(&self) -> Ctx {
        Ctx {
            actor: Actor { person: self.state.me.clone(), on_behalf_of: self.state.on_behalf_of.clone() },
            now: self.state.now,
            lang: self.state.lang,
        }
    }

    /// Opens an action's form on the selected issue (or the registration form), if the issue's
    /// stage and this person's role allow the action; otherwise says why and who can.
    pub fn open_form(&mut self, kind: FormKind) {
        let record = if kind.on_issue() { self.state.shown.record.clone() } else { None };
        if let Err(why) = self.try_open(kind, record, None) {
            self.state.message = Some(why);
        }
    }

    fn try_open(
        &mut self,
        kind: FormKind,
        record: Option<IssueRecord>,
        draft: Option<&FormDraft>,
    ) -> Result<(), String> {
        let s = &self.state;
        let env = env(s, record.as_ref());
        kinds::preflight(kind, &env)?;
        let mut form = fields::build(kind, &env);
        let origin = form.draft();
        if let Some(d) = draft {
            form.fill(&d.values);
            form.base_version = d.base_version;
            form.base_event = d.base_event;
        }
        let session = FormSession::new(form, origin, record);
        self.state.overlay = Some(Overlay::Form(Box::new(session)));
        Ok(())
    }

    /// The answer to the offer of an earlier draft: restore it, discard it, or leave it for later.
    /// A draft whose form can no longer open (the issue moved on) comes back as a comment.
    pub fn answer_restore(&mut self, restore: Option<bool>) {
        let Some(Overlay::Restore(draft)) = self.state.overlay.take() else {
            return;
        };
        match restore {
            Some(true) => {
                let d = draft.form;
                let record = match &d.number {
                    Some(n) => match self.store.record(n) {
                        Ok(r) => Some(r),
                        Err(e) => {
                            self.state.message = Some(e.message(self.state.lang));
                            return;
                        }
                    },
                    None => None,
                };
                if let Err(why) = self.try_open(d.kind, record.clone(), Some(&d)) {
                    self.reopen_as_comment(&d, record, &why);
                }
                // The draft moves to this console's own file before the old one goes; if no form
                // could open, the old file stays to be offered again.
                if self.state.form().is_some() {
                    self.save_draft();
                    if let Some(old) = self.restore_from.take().filter(|old| *old != self.draft_path) {
                        draft::remove(&old);
                    }
                }
            }
            Some(false) => draft::remove(self.restore_from.as_ref().unwrap_or(&self.draft_path)),
            None => {}
        }
    }

    /// Puts what a draft held into a comment form, for a form that cannot open any more.
    fn reopen_as_comment(&mut self, d: &FormDraft, record: Option<IssueRecord>, why: &str) {
        let lang = self.state.lang;
        let text = {
            let s = &self.state;
            let env = env(s, record.as_ref());
            let mut old = fields::build(d.kind, &env);
            old.fill(&d.values);
            submit::as_comment(&old, lang)
        };
        let values = [("body".to_string(), text)];
        let comment = FormDraft {
            kind: FormKind::Comment,
            number: d.number.clone(),
            base_version: None,
            base_event: None,
            values: values.to_vec(),
        };
        match self.try_open(FormKind::Comment, record, Some(&comment)) {
            Ok(()) => {
                self.state.message = Some(format!(
                    "{why} — {}",
                    lang.pick("what you typed is kept in this comment", "已将草稿内容放入评论")
                ))
            }
            // Not even a comment: the draft stays on disk, offered again at the next start.
            Err(also) => self.state.message = Some(format!("{why}; {also}")),
        }
    }

    /// A key in the open form, its picker, its conflict dialog or its confirmation.
    pub(super) fn form_key(&mut self, context: Context, action: Option<Action>, key: KeyEvent) {
        match context {
            Context::Conflict => match action {
                Some(Action::Overwrite) => self.overwrite(),
                Some(Action::KeepAsComment) => self.keep_as_comment(),
                Some(Action::Discard) => self.close_form(),
                Some(Action::Cancel) => self.set_dialog(None),
                _ => {}
            },
            Context::Confirm => match action {
                Some(Action::Yes) => {
                    self.set_dialog(None);
                    self.submit_form(true);
                }
                Some(Action::No) => self.set_dialog(None),
                _ => {}
            },
            _ if action == Some(Action::ExternalEditor) => self.open_editor(),
            _ => self.type_into_form(action, key),
        }
    }

    fn set_dialog(&mut self, dialog: Option<Dialog>) {
        if let Some(session) = self.state.session_mut() {
            session.dialog = dialog;
        }
    }

    /// Asks the loop to open the focused text field in `$VISUAL`/`$EDITOR`.
    fn open_editor(&mut self) {
        let text =
            self.state.form().and_then(|f| f.focused().filter(|f| f.spec.is_text()).map(|f| f.value()));
        match text {
            Some(text) => self.state.effects.push(Effect::Edit(text)),
            None => {
                self.state.message = Some(
                    self.state
                        .lang
                        .pick("Only text fields open in the editor.", "只有文字字段可用编辑器打开。")
                        .into(),
                )
            }
        }
    }

    fn type_into_form(&mut self, action: Option<Action>, key: KeyEvent) {
        let Some(session) = self.state.session_mut() else {
            return;
        };
        let form = &mut session.form;
        let field = form.focused().map(|f| f.spec.id);
        let focus = form.focus;
        match form.key(action, key) {
            Outcome::Editing { changed } => {
                session.discard_armed = false;
                let moved = session.form.focus != focus;
                if changed {
                    self.state.message = None;
                    self.after_change(field);
                }
                // Saved on every change of field, and by `tick` every few seconds.
                if moved && self.draft_dirty {
                    self.save_draft();
                }
            }
            Outcome::Submit => self.submit_form(false),
            Outcome::Cancel => {
                if session.is_untouched() || session.discard_armed {
                    self.close_form();
                } else {
                    session.discard_armed = true;
                }
            }
        }
    }

    /// A value changed: fields that follow it are refilled and the draft is due.
    fn after_change(&mut self, field: Option<&'static str>) {
        if let Some(field) = field
            && let Some(Overlay::Form(mut session)) = self.state.overlay.take()
        {
            fields::follow(&mut session.form, field, &env(&self.state, session.record.as_ref()));
            self.state.overlay = Some(Overlay::Form(session));
        }
        self.draft_dirty = true;
        self.remember_draft();
    }

    /// Pasted text in the open form.
    pub fn form_paste(&mut self, text: &str) {
        if self.state.dialog().is_some() {
            return;
        }
        if self.state.form_mut().is_some_and(|f| f.paste(text)) {
            self.draft_dirty = true;
            self.save_draft();
        }
    }

    /// What came back from `$VISUAL`/`$EDITOR`: the focused field's new text, or why not.
    pub fn edited(&mut self, result: std::io::Result<Option<String>>) {
        let lang = self.state.lang;
        match result {
            Ok(Some(text)) => {
                let field = self.state.form().and_then(|f| f.focused()).map(|f| f.spec.id);
                if self.state.form_mut().is_some_and(|f| f.replace_focused(&text)) {
                    self.after_change(field);
                    self.save_draft();
                }
            }
            Ok(None) => {}
            Err(e) => {
                self.state.message =
                    Some(format!("{}: {e}", lang.pick("the editor did not run", "外部编辑器未能运行")))
            }
        }
    }

    fn close_form(&mut self) {
        if matches!(self.state.overlay, Some(Overlay::Form(_))) {
            self.state.overlay = None;
        }
        self.draft_dirty = false;
        draft::remove(&self.draft_path);
        super::remember_draft(&self.draft_path, None);
    }

    /// Submits the form: fields first, then whether someone changed the issue meanwhile, then the
    /// confirmation for changes that cannot be taken back, then the store.
    pub fn submit_form(&mut self, confirmed: bool) {
        let lang = self.state.lang;
        let number = self.state.form().and_then(|f| f.number.clone());
        if let Some(n) = &number {
            match self.store.record(n) {
                Ok(fresh) => {
                    let base = self.state.form().and_then(|f| f.base_version);
                    let changed = base.is_some_and(|v| v != fresh.issue.version);
                    let conflict = changed && self.show_conflict(&fresh);
                    if let Some(session) = self.state.session_mut() {
                        session.record = Some(fresh);
                    }
                    if conflict {
                        return;
                    }
                }
                Err(e) => {
                    self.state.message = Some(e.message(lang));
                    return;
                }
            }
        }
        if let Err(problem) = self.check_form() {
            self.report(problem);
            return;
        }
        if !confirmed
            && let Some(form) = self.state.form()
            && let Some(question) = form.kind.confirmation(number.as_deref().unwrap_or(""), lang)
        {
            self.set_dialog(Some(Dialog::Confirm(question)));
            return;
        }
        let ctx = self.ctx();
        let App { store, state, .. } = self;
        let Some(session) = state.session() else { return };
        let env = env(state, session.record.as_ref());
        match submit::submit(&session.form, store, &ctx, &env) {
            Ok(done) => {
                self.close_form();
                let keep =
                    done.select.or(number).or_else(|| self.state.selected_row().map(|r| r.number.clone()));
                self.after_write(keep);
                self.state.message = Some(done.message);
                if done.undo.is_some() {
                    self.state.undo = done.undo;
                }
            }
            Err(Problem::Store(StoreError::Conflict { number, .. })) => match self.store.record(&number) {
                Ok(fresh) => {
                    self.show_conflict(&fresh);
                    if let Some(session) = self.state.session_mut() {
                        session.record = Some(fresh);
                    }
                }
                Err(e) => self.state.message = Some(e.message(lang)),
            },
            Err(problem) => self.report(problem),
        }
    }

    fn check_form(&self) -> Result<(), Problem> {
        let s = &self.state;
        let Some(session) = s.session() else { return Ok(()) };
        let env = env(s, session.record.as_ref());
        submit::check(&session.form, &env)
    }

    /// A field to fix gets the focus; the store's refusal is said as it is. The form stays open
    /// with everything typed.
    fn report(&mut self, problem: Problem) {
        match problem {
            Problem::Field(index, text) => {
                if let Some(form) = self.state.form_mut() {
                    form.focus = index.min(form.fields.len().saturating_sub(1));
                    form.picker = None;
                }
                self.state.message = Some(text);
            }
            Problem::Store(e) => self.state.message = Some(e.message(self.state.lang)),
        }
    }

    /// Shows what changed since the form opened. Returns false when nothing was recorded since
    /// (the version moved without an event: nothing to show, nothing to lose).
    fn show_conflict(&mut self, fresh: &IssueRecord) -> bool {
        let since = self.state.form().and_then(|f| f.base_event).unwrap_or(0);
        let events: Vec<Event> = fresh.events.iter().filter(|e| e.id > since).cloned().collect();
        if events.is_empty() {
            if let Some(form) = self.state.form_mut() {
                form.base_version = Some(fresh.issue.version);
            }
            return false;
        }
        self.set_dialog(Some(Dialog::Conflict(Conflict {
            version: fresh.issue.version,
            last_event: fresh.events.iter().map(|e| e.id).max(),
            events,
        })));
        true
    }

    /// Mine goes in on top of theirs: the form now stands on the version just seen.
    fn overwrite(&mut self) {
        let Some(session) = self.state.session_mut() else { return };
        let Some(Dialog::Conflict(conflict)) = session.dialog.take() else { return };
        session.form.base_version = Some(conflict.version);
        session.form.base_event = conflict.last_event;
        self.submit_form(false);
    }

    /// Keeps what I typed as a comment on the issue, and closes the form.
    fn keep_as_comment(&mut self) {
        let lang = self.state.lang;
        let Some(form) = self.state.form() else { return };
        let Some(number) = form.number.clone() else { return };
        let text = submit::as_comment(form, lang);
        let ctx = self.ctx();
        match self.store.comment(&ctx, &number, &text) {
            Ok(_) => {
                self.close_form();
                self.after_write(Some(number.clone()));
                self.state.message = Some(format!(
                    "{number} {}",
                    lang.pick("yours is kept as a comment", "你的内容已保存为评论")
                ));
            }
            Err(e) => {
                self.set_dialog(None);
                self.state.message = Some(e.message(lang));
            }
        }
    }

    /// Takes back the last change, if it can be (a description edit or a task update) and no
    /// one changed the issue since.
    pub fn undo(&mut self) {
        let lang = self.state.lang;
        let Some(undo) = self.state.undo.take() else {
            self.state.message = Some(
                lang.pick(
                    "Nothing to undo: description edits and task updates can be taken back; other changes stay on the record (add a comment to correct them).",
                    "没有可撤销的操作：可撤销描述修改和任务更新；其他操作留在记录中（可追加评论更正）。",
                )
                .into(),
            );
            return;
        };
        let ctx = self.ctx();
        // The rule book says whether it may be taken back now, on the record as it stands.
        let (number, of, version) = undo.what();
        if let Ok(record) = self.store.record(number) {
            let ask = rules::Ask { me: &self.state.me, now: self.state.now, cal: &self.state.calendar };
            if let Err(refusal) = rules::check(&rules::Act::Undo { of, version }, &record, ask) {
                self.state.message = Some(refusal.message(lang));
                return;
            }
        }
        match undo.apply(&mut self.store, &ctx) {
            Ok(message) => {
                let keep = self.state.selected_row().map(|r| r.number.clone());
                self.after_write(keep);
                self.state.message = Some(message);
            }
            Err(e) => self.state.message = Some(e.message(lang)),
        }
    }

    /// Copies the selected issue's number, or a one-line summary of it, to the clipboard (OSC 52:
    /// the terminal on the user's side takes it, over SSH too).
    pub fn copy(&mut self, summary: bool) {
        let lang = self.state.lang;
        let Some(r) = &self.state.shown.record else {
            self.state.message = Some(lang.pick("Select an issue first.", "请先选择一个问题。").into());
            return;
        };
        let i = &r.issue;
        let text = if summary {
            format!(
                "{} [{}] {} — {} · {}",
                i.number,
                i.priority.label(lang),
                sanitize_line(&i.title),
                i.status.label(lang),
                i.departments.join(",")
            )
        } else {
            i.number.clone()
        };
        self.state.message = Some(format!("{} {text}", lang.pick("Copied:", "已复制：")));
        self.state.effects.push(Effect::Copy(text));
    }

    /// Saves every attachment of the record into `save_dir`, under names cleaned of paths and
    /// control characters, never over an existing file.
    pub fn save_attachments(&mut self) {
        let lang = self.state.lang;
        let Some(number) = self.state.shown.record.as_ref().map(|r| r.issue.number.clone()) else {
            self.state.message = Some(lang.pick("Select an issue first.", "请先选择一个问题。").into());
            return;
        };
        let ids: Vec<i64> = self.state.shown.attachments.iter().map(|a| a.id).collect();
        if ids.is_empty() {
            self.state.message = Some(lang.pick("No attachment to save.", "没有可保存的附件。").into());
            return;
        }
        let (mut saved, mut kept) = (0, 0);
        for id in ids {
            let result =
                self.store.attachment(&number, id).map_err(|e| e.message(lang)).and_then(|(a, bytes)| {
                    let path = self.save_dir.join(crate::domain::attachment::safe_file_name(&a.name));
                    crate::privilege::as_user(|| {
                        use std::io::Write;
                        let mut f = std::fs::OpenOptions::new().write(true).create_new(true).open(&path)?;
                        f.write_all(&bytes)
                    })
                    .map_err(|e| e.to_string())
                });
            match result {
                Ok(()) => saved += 1,
                Err(_) => kept += 1,
            }
        }
        let dir = sanitize_line(&self.save_dir.display().to_string()).into_owned();
        self.state.message = Some(match lang {
            crate::i18n::Lang::Zh if kept > 0 => {
                format!("已保存 {saved} 个附件到 {dir}；{kept} 个未保存（同名文件已存在或无法写入）")
            }
            crate::i18n::Lang::Zh => format!("已保存 {saved} 个附件到 {dir}"),
            crate::i18n::Lang::En if kept > 0 => format!(
                "{saved} attachments saved to {dir}; {kept} not (a file of that name exists or cannot be written)"
            ),
            crate::i18n::Lang::En => format!("{saved} attachments saved to {dir}"),
        });
    }

    /// Tells the watchdog what to save if the terminal hangs up mid-form.
    fn remember_draft(&self) {
        super::remember_draft(&self.draft_path, self.current_draft());
    }

    fn current_draft(&self) -> Option<Draft> {
        self.state.form().map(|form| Draft {
            db: self.state.db.clone(),
            acting_as: self.state.acting_as().map(str::to_string),
            saved_at: self.state.now,
            form: form.draft(),
        })
    }

    /// Writes the open form's draft if it has unsaved changes (on the way out).
    pub fn flush_draft(&mut self) {
        if self.draft_dirty {
            self.save_draft();
        }
    }

    pub(super) fn save_draft(&mut self) {
        let Some(draft) = self.current_draft() else {
            return;
        };
        self.draft_dirty = false;
        self.draft_saved = self.state.now;
        if let Err(e) = draft::save(&self.draft_path, &draft) {
            let lang = self.state.lang;
            self.state.message = Some(format!(
                "{} {}: {e}",
                lang.pick("cannot save the draft to", "无法保存草稿到"),
                self.draft_path.display()
            ));
        }
    }
}

/// The forms the selected issue lets this person open now (the status machine and permissions).
pub fn allowed_forms(state: &State) -> Vec<FormKind> {
    let Some(record) = state.shown.record.as_ref() else { return Vec::new() };
    let env = env(state, Some(record));
    FormKind::ALL.into_iter().filter(|k| k.on_issue() && kinds::preflight(*k, &env).is_ok()).collect()
}

/// What the open form needs besides its fields (for the view: its notes).
pub fn form_env(state: &State) -> Env<'_> {
    env(state, state.session().and_then(|s| s.record.as_ref()))
}

fn env<'a>(s: &'a State, record: Option<&'a IssueRecord>) -> Env<'a> {
    Env {
        me: &s.me,
        people: &s.people,
        departments: &s.departments,
        calendar: &s.calendar,
        now: s.now,
        lang: s.lang,
        record,
    }
}
