//! The registration form (登记问题): title, background, request, departments and priority, with
//! the description lint's warnings as you type. Its text is kept as a draft on every change.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui_textarea::{TextArea, WrapMode};
use serde::{Deserialize, Serialize};

use crate::domain::lint::{self, Finding};
use crate::domain::text::clean_input;
use crate::domain::{IssueDraft, Priority};
use crate::i18n::Lang;

/// The fields, in the order Tab visits them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Field {
    Title,
    Background,
    Request,
    Departments,
    Priority,
}

impl Field {
    pub const ALL: [Field; 5] =
        [Field::Title, Field::Background, Field::Request, Field::Departments, Field::Priority];

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Field::Title => lang.pick("Title *", "标题 *"),
            Field::Background => lang.pick("Background *", "背景 *"),
            Field::Request => lang.pick("Request *", "具体诉求 *"),
            Field::Departments => {
                lang.pick("Departments involved * (codes, e.g. RD,QA)", "涉及部门 *(代码,如 RD,QA)")
            }
            Field::Priority => lang.pick("Priority (←/→)", "优先级(←/→)"),
        }
    }

    fn multiline(self) -> bool {
        matches!(self, Field::Background | Field::Request)
    }
}

/// What is kept of a form between runs: enough to rebuild it exactly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterDraft {
    pub title: String,
    pub background: String,
    pub request: String,
    pub departments: String,
    pub priority: Priority,
}

/// What a key did to the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormOutcome {
    /// Still editing; `changed` when the text changed (time to save the draft).
    Editing {
        changed: bool,
    },
    Submit,
    Cancel,
}

pub struct RegisterForm {
    pub focus: Field,
    pub title: TextArea<'static>,
    pub background: TextArea<'static>,
    pub request: TextArea<'static>,
    pub departments: TextArea<'static>,
    pub priority: Priority,
}

fn area(text: &str, multiline: bool) -> TextArea<'static> {
    let lines: Vec<String> =
        if text.is_empty() { vec![String::new()] } else { text.lines().map(String::from).collect() };
    let mut area = TextArea::new(lines);
    if multiline {
        area.set_wrap_mode(WrapMode::Glyph);
    }
    area.set_cursor_line_style(ratatui::style::Style::new());
    area
}

impl RegisterForm {
    pub fn new() -> RegisterForm {
        RegisterForm::from_draft(&RegisterDraft {
            title: String::new(),
            background: String::new(),
            request: String::new(),
            departments: String::new(),
            priority: Priority::Medium,
        })
    }

    pub fn from_draft(d: &RegisterDraft) -> RegisterForm {
        RegisterForm {
            focus: Field::Title,
            title: area(&d.title, false),
            background: area(&d.background, true),
            request: area(&d.request, true),
            departments: area(&d.departments, false),
            priority: d.priority,
        }
    }

    pub fn draft(&self) -> RegisterDraft {
        RegisterDraft {
            title: self.title.lines().join("\n"),
            background: self.background.lines().join("\n"),
            request: self.request.lines().join("\n"),
            departments: self.departments.lines().join(""),
            priority: self.priority,
        }
    }

    /// The description as the store takes it: cleaned, departments split and upper-cased.
    pub fn issue_draft(&self) -> IssueDraft {
        let d = self.draft();
        IssueDraft {
            title: clean_input(&d.title),
            background: clean_input(&d.background),
            request: clean_input(&d.request),
            departments: d
                .departments
                .split([',', ',', ' ', '、'])
                .map(|c| c.trim().to_ascii_uppercase())
                .filter(|c| !c.is_empty())
                .collect(),
        }
    }

    /// The lint's findings for what is typed so far.
    pub fn findings(&self) -> Vec<Finding> {
        let d = self.issue_draft();
        lint::lint(&d.title, &d.background, &d.request, &d.departments)
    }

    pub fn field(&self, field: Field) -> Option<&TextArea<'static>> {
        match field {
            Field::Title => Some(&self.title),
            Field::Background => Some(&self.background),
            Field::Request => Some(&self.request),
            Field::Departments => Some(&self.departments),
            Field::Priority => None,
        }
    }

    fn field_mut(&mut self, field: Field) -> Option<&mut TextArea<'static>> {
        match field {
            Field::Title => Some(&mut self.title),
            Field::Background => Some(&mut self.background),
            Field::Request => Some(&mut self.request),
            Field::Departments => Some(&mut self.departments),
            Field::Priority => None,
        }
    }

    fn step(&mut self, delta: i32) {
        let i = Field::ALL.iter().position(|f| *f == self.focus).unwrap_or(0) as i32;
        self.focus = Field::ALL[(i + delta).rem_euclid(Field::ALL.len() as i32) as usize];
    }

    /// One key: Tab/Shift-Tab move between fields, Ctrl-S submits, Esc cancels, Enter starts a
    /// new line in the prose fields and moves on in the others; everything else edits the field.
    pub fn key(&mut self, key: KeyEvent) -> FormOutcome {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Esc => return FormOutcome::Cancel,
            KeyCode::Char('s') if ctrl => return FormOutcome::Submit,
            KeyCode::Tab => self.step(1),
            KeyCode::BackTab => self.step(-1),
            KeyCode::Enter if !self.focus.multiline() => self.step(1),
            KeyCode::Left | KeyCode::Right if self.focus == Field::Priority => {
                let i = Priority::ALL.iter().position(|p| *p == self.priority).unwrap_or(1) as i32;
                let delta = if key.code == KeyCode::Left { -1 } else { 1 };
                self.priority = Priority::ALL[(i + delta).clamp(0, Priority::ALL.len() as i32 - 1) as usize];
                return FormOutcome::Editing { changed: true };
            }
            _ => {
                if let Some(area) = self.field_mut(self.focus) {
                    return FormOutcome::Editing { changed: area.input(key) };
                }
            }
        }
        FormOutcome::Editing { changed: false }
    }

    /// Pasted text goes into the focused field as typed (bracketed paste).
    pub fn paste(&mut self, text: &str) -> bool {
        let focus = self.focus;
        let text = if focus.multiline() { clean_input(text) } else { clean_input(text).replace('\n', " ") };
        self.field_mut(focus).is_some_and(|area| area.insert_str(text))
    }
}

impl Default for RegisterForm {
    fn default() -> Self {
        RegisterForm::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(form: &mut RegisterForm, code: KeyCode) -> FormOutcome {
        form.key(KeyEvent::new(code, KeyModifiers::NONE))
    }

    fn typed(form: &mut RegisterForm, text: &str) {
        for c in text.chars() {
            press(form, KeyCode::Char(c));
        }
    }

    #[test]
    fn typing_moves_through_the_fields_and_builds_a_draft() {
        let mut form = RegisterForm::new();
        typed(&mut form, "积分兑换接口");
        press(&mut form, KeyCode::Tab);
        typed(&mut form, "双十一活动需新增积分兑换功能");
        press(&mut form, KeyCode::Enter);
        typed(&mut form, "第二行");
        press(&mut form, KeyCode::Tab);
        typed(&mut form, "需研发部10月30日前完成接口开发");
        press(&mut form, KeyCode::Tab);
        typed(&mut form, "rd, qa");
        press(&mut form, KeyCode::Tab);
        press(&mut form, KeyCode::Left);
        let d = form.issue_draft();
        assert_eq!(d.title, "积分兑换接口");
        assert_eq!(d.background, "双十一活动需新增积分兑换功能\n第二行");
        assert_eq!(d.departments, vec!["RD".to_string(), "QA".to_string()]);
        assert_eq!(form.priority, Priority::High);
        assert!(form.findings().iter().all(|f| !f.is_error()), "{:?}", form.findings());
        assert_eq!(
            RegisterForm::from_draft(&form.draft()).draft(),
            form.draft(),
            "a draft rebuilds the form"
        );
        assert_eq!(form.key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)), FormOutcome::Submit);
        assert_eq!(press(&mut form, KeyCode::Esc), FormOutcome::Cancel);
    }

    #[test]
    fn the_lint_speaks_while_typing() {
        let mut form = RegisterForm::new();
        assert!(lint::has_errors(&form.findings()), "an empty form has errors");
        typed(&mut form, "系统有问题");
        let findings = form.findings();
        assert!(findings.iter().any(|f| f.code == "vague"), "{findings:?}");
        assert!(form.paste("粘贴\n的文字"));
        assert_eq!(form.issue_draft().title, "系统有问题粘贴 的文字");
    }
}
