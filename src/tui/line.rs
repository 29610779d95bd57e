//! One line of text being typed, with a cursor: the search line, the palette's input and a
//! picker's query. It obeys the same text-editing actions as a form's fields.

use std::ops::Deref;

use ratatui_textarea::{CursorMove, TextArea};

use super::keymap::Action;
use crate::domain::text::width;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineInput {
    text: String,
    /// A byte offset into `text`, on a character boundary.
    cursor: usize,
    undo: Vec<(String, usize)>,
    redo: Vec<(String, usize)>,
}

impl Deref for LineInput {
    type Target = str;

    fn deref(&self) -> &str {
        &self.text
    }
}

impl PartialEq<&str> for LineInput {
    fn eq(&self, other: &&str) -> bool {
        self.text == *other
    }
}

impl std::fmt::Display for LineInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

impl LineInput {
    pub fn new(text: &str) -> LineInput {
        LineInput { text: text.to_string(), cursor: text.len(), ..LineInput::default() }
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// How many columns of text stand before the cursor (CJK characters take two).
    pub fn cursor_width(&self) -> usize {
        width(&self.text[..self.cursor])
    }

    fn remember(&mut self) {
        self.undo.push((self.text.clone(), self.cursor));
        self.redo.clear();
    }

    pub fn insert(&mut self, c: char) {
        self.remember();
        self.text.insert(self.cursor, c);
        self.cursor += c.len_utf8();
    }

    pub fn insert_str(&mut self, s: &str) {
        if s.is_empty() {
            return;
        }
        self.remember();
        self.text.insert_str(self.cursor, s);
        self.cursor += s.len();
    }

    /// Deletes the character before the cursor; whether there was one.
    pub fn backspace(&mut self) -> bool {
        let Some(c) = self.text[..self.cursor].chars().next_back() else { return false };
        self.remember();
        self.cursor -= c.len_utf8();
        self.text.remove(self.cursor);
        true
    }

    /// Deletes the character under the cursor; whether there was one.
    pub fn delete(&mut self) -> bool {
        if self.cursor >= self.text.len() {
            return false;
        }
        self.remember();
        self.text.remove(self.cursor);
        true
    }

    pub fn clear(&mut self) {
        if !self.text.is_empty() {
            self.remember();
        }
        self.text.clear();
        self.cursor = 0;
    }

    pub fn set(&mut self, text: &str) {
        self.remember();
        self.text = text.to_string();
        self.cursor = self.text.len();
    }

    /// The start of the word before the cursor (spaces before it skipped), bash's Ctrl-W.
    fn word_back(&self) -> usize {
        let before = &self.text[..self.cursor];
        let trimmed = before.trim_end();
        trimmed.rfind(char::is_whitespace).map_or(0, |i| i + 1)
    }

    /// The end of the word after the cursor.
    fn word_forward(&self) -> usize {
        let after = &self.text[self.cursor..];
        let start = after.len() - after.trim_start().len();
        let rest = &after[start..];
        self.cursor + start + rest.find(char::is_whitespace).unwrap_or(rest.len())
    }

    /// Applies a text-editing action; returns whether the text changed (a cursor that moved
    /// changes nothing to match against).
    pub fn apply(&mut self, action: Action) -> bool {
        let before = self.text.clone();
        match action {
            Action::CharLeft => {
                if let Some(c) = self.text[..self.cursor].chars().next_back() {
                    self.cursor -= c.len_utf8();
                }
            }
            Action::CharRight => {
                if let Some(c) = self.text[self.cursor..].chars().next() {
                    self.cursor += c.len_utf8();
                }
            }
            Action::WordLeft => self.cursor = self.word_back(),
            Action::WordRight => self.cursor = self.word_forward(),
            Action::LineStart => self.cursor = 0,
            Action::LineEnd => self.cursor = self.text.len(),
            Action::DeleteToStart if self.cursor > 0 => {
                self.remember();
                self.text.replace_range(..self.cursor, "");
                self.cursor = 0;
            }
            Action::DeleteToEnd if self.cursor < self.text.len() => {
                self.remember();
                self.text.truncate(self.cursor);
            }
            Action::DeleteWord => {
                let from = self.word_back();
                if from < self.cursor {
                    self.remember();
                    self.text.replace_range(from..self.cursor, "");
                    self.cursor = from;
                }
            }
            Action::EditUndo => {
                if let Some((text, cursor)) = self.undo.pop() {
                    self.redo.push((std::mem::replace(&mut self.text, text), self.cursor));
                    self.cursor = cursor;
                }
            }
            Action::EditRedo => {
                if let Some((text, cursor)) = self.redo.pop() {
                    self.undo.push((std::mem::replace(&mut self.text, text), self.cursor));
                    self.cursor = cursor;
                }
            }
            _ => {}
        }
        self.text != before
    }
}

/// Applies a text-editing action to a form field's text; returns whether the text changed.
pub fn apply_to_area(area: &mut TextArea<'static>, action: Action) -> bool {
    match action {
        Action::CharLeft => area.move_cursor(CursorMove::Back),
        Action::CharRight => area.move_cursor(CursorMove::Forward),
        Action::WordLeft => area.move_cursor(CursorMove::WordBack),
        Action::WordRight => area.move_cursor(CursorMove::WordForward),
        Action::LineStart => area.move_cursor(CursorMove::Head),
        Action::LineEnd => area.move_cursor(CursorMove::End),
        Action::DeleteToStart => return area.delete_line_by_head(),
        Action::DeleteToEnd => return area.delete_line_by_end(),
        Action::DeleteWord => return area.delete_word(),
        Action::EditUndo => return area.undo(),
        Action::EditRedo => return area.redo(),
        _ => {}
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(text: &str) -> LineInput {
        let mut line = LineInput::default();
        text.chars().for_each(|c| line.insert(c));
        line
    }

    #[test]
    fn line_editing_works_on_chinese_and_latin_text() {
        let mut line = typed("接口 超时 报错");
        assert!(line.apply(Action::DeleteWord));
        assert_eq!(line.as_str(), "接口 超时 ");
        assert!(line.apply(Action::DeleteWord));
        assert_eq!(line.as_str(), "接口 ");
        line.apply(Action::LineStart);
        assert_eq!(line.cursor_width(), 0);
        line.insert('新');
        assert_eq!(line.as_str(), "新接口 ");
        assert_eq!(line.cursor_width(), 2, "a Chinese character is two columns wide");
        line.apply(Action::LineEnd);
        assert!(line.apply(Action::DeleteToStart));
        assert!(line.is_empty(), "Ctrl-U clears to the start, not one character");
        assert!(line.apply(Action::EditUndo));
        assert_eq!(line.as_str(), "新接口 ");
        assert!(line.apply(Action::EditRedo));
        assert_eq!(line.as_str(), "");
    }

    #[test]
    fn moving_and_deleting_around_the_cursor() {
        let mut line = typed("abc def");
        line.apply(Action::WordLeft);
        line.apply(Action::CharLeft);
        assert!(line.apply(Action::DeleteToEnd));
        assert_eq!(line.as_str(), "abc");
        line.apply(Action::LineStart);
        line.apply(Action::WordRight);
        line.insert('!');
        assert_eq!(line.as_str(), "abc!");
        assert!(line.backspace());
        line.apply(Action::LineStart);
        assert!(!line.backspace(), "nothing before the start");
        assert!(line.delete());
        assert_eq!(line.as_str(), "bc");
    }

    #[test]
    fn a_text_area_obeys_the_same_actions() {
        let mut area = TextArea::new(vec!["接口 超时".to_string()]);
        area.move_cursor(CursorMove::End);
        assert!(apply_to_area(&mut area, Action::DeleteToStart));
        assert_eq!(area.lines(), [""]);
        assert!(apply_to_area(&mut area, Action::EditUndo));
        assert_eq!(area.lines(), ["接口 超时"]);
    }
}
