//! Pickers for departments, people and issues: type to narrow by name, code or login, or by the
//! pinyin initials of a Chinese name (`zs` finds 张三).

use pinyin::ToPinyinMulti;

use crate::domain::{Department, Person};
use crate::tui::keymap::Action;
use crate::tui::line::LineInput;
use crate::tui::palette::fuzzy_score;

/// One choice: the value the form keeps, what is shown, and what else matches it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub value: String,
    pub label: String,
    pub terms: Vec<String>,
}

impl Item {
    pub fn new(value: impl Into<String>, label: impl Into<String>, extra: &[&str]) -> Item {
        let value = value.into();
        let label = label.into();
        let mut terms = vec![value.to_lowercase(), label.clone()];
        for text in std::iter::once(label.as_str()).chain(extra.iter().copied()) {
            terms.extend(initials(text));
            if !extra.is_empty() && !terms.iter().any(|t| t == text) {
                terms.push(text.to_string());
            }
        }
        terms.dedup();
        Item { value, label, terms }
    }

    pub fn department(d: &Department) -> Item {
        Item::new(&d.code, format!("{} {}", d.code, d.name), &[&d.name])
    }

    pub fn person(p: &Person) -> Item {
        Item::new(&p.login, format!("{} {} · {}", p.display_name, p.login, p.dept), &[&p.display_name])
    }

    fn score(&self, query: &str) -> Option<i64> {
        let query = query.trim().to_lowercase();
        if query.is_empty() {
            return Some(0);
        }
        if self.value.to_lowercase() == query {
            return Some(1000);
        }
        self.terms
            .iter()
            .filter_map(|t| {
                if t.starts_with(&query) {
                    Some(500 - t.chars().count() as i64)
                } else {
                    fuzzy_score(&query, t)
                }
            })
            .max()
    }
}

/// The pinyin initials of the Chinese characters in `text`, every reading of a character with
/// several (曾 is zeng or ceng): `张三` → `zs`. Empty when the text has no Chinese.
pub fn initials(text: &str) -> Vec<String> {
    let mut readings: Vec<String> = vec![String::new()];
    let mut any = false;
    for (c, multi) in text.chars().zip(text.to_pinyin_multi()) {
        let Some(multi) = multi else {
            if c.is_ascii_alphanumeric() {
                readings.iter_mut().for_each(|r| r.push(c.to_ascii_lowercase()));
            }
            continue;
        };
        any = true;
        let mut firsts: Vec<char> =
            multi.into_iter().filter_map(|p| p.first_letter().chars().next()).collect();
        firsts.dedup();
        firsts.truncate(3);
        if readings.len() * firsts.len() > 16 {
            firsts.truncate(1);
        }
        readings = readings.iter().flat_map(|r| firsts.iter().map(move |f| format!("{r}{f}"))).collect();
    }
    if any { readings } else { Vec::new() }
}

/// A picker open over a form field.
#[derive(Debug, Clone)]
pub struct Picker {
    pub query: LineInput,
    items: Vec<Item>,
    /// Indexes into `items` that match, best first.
    pub matches: Vec<usize>,
    pub selected: usize,
    /// Several values may be chosen (Space toggles, Enter closes).
    pub multi: bool,
    /// Chosen values, in the order chosen.
    pub chosen: Vec<String>,
    /// Text that matches nothing may be kept as it is (an escalation to "总经理").
    pub free: bool,
}

impl Picker {
    pub fn new(items: Vec<Item>, multi: bool, free: bool, chosen: Vec<String>) -> Picker {
        let mut picker = Picker {
            query: LineInput::default(),
            matches: Vec::new(),
            items,
            selected: 0,
            multi,
            chosen,
            free,
        };
        picker.refilter();
        picker
    }

    pub fn item(&self, index: usize) -> &Item {
        &self.items[index]
    }

    pub fn current(&self) -> Option<&Item> {
        self.matches.get(self.selected).map(|i| &self.items[*i])
    }

    pub fn push(&mut self, c: char) {
        self.query.insert(c);
        self.refilter();
    }

    pub fn push_str(&mut self, text: &str) {
        self.query.insert_str(text);
        self.refilter();
    }

    pub fn pop(&mut self) {
        if self.query.backspace() {
            self.refilter();
        }
    }

    pub fn delete(&mut self) {
        if self.query.delete() {
            self.refilter();
        }
    }

    /// A text-editing action on the query.
    pub fn edit(&mut self, action: Action) {
        if self.query.apply(action) {
            self.refilter();
        }
    }

    pub fn step(&mut self, delta: i64) {
        if !self.matches.is_empty() {
            let last = self.matches.len() as i64 - 1;
            self.selected = (self.selected as i64 + delta).clamp(0, last) as usize;
        }
    }

    /// Chooses (or, in a multi picker, un-chooses) the highlighted item; with nothing matching,
    /// a free picker takes the typed text. Returns whether anything changed.
    pub fn toggle(&mut self) -> bool {
        let value = match self.current() {
            Some(item) => item.value.clone(),
            None if self.free && !self.query.trim().is_empty() => self.query.trim().to_string(),
            None => return false,
        };
        if let Some(at) = self.chosen.iter().position(|v| *v == value) {
            if self.multi {
                self.chosen.remove(at);
            }
        } else if self.multi {
            self.chosen.push(value);
        } else {
            self.chosen = vec![value];
        }
        self.query.clear();
        self.refilter();
        true
    }

    fn refilter(&mut self) {
        let mut scored: Vec<(i64, usize)> = self
            .items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| Some((item.score(&self.query)?, i)))
            .collect();
        scored.sort_by_key(|(score, i)| (-score, *i));
        self.matches = scored.into_iter().map(|(_, i)| i).collect();
        self.selected = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Role;

    fn person(login: &str, name: &str, dept: &str) -> Person {
        Person { login: login.into(), display_name: name.into(), dept: dept.into(), role: Role::Member }
    }

    fn found(picker: &mut Picker, query: &str) -> Option<String> {
        picker.query.clear();
        picker.push_str(query);
        picker.current().map(|i| i.value.clone())
    }

    #[test]
    fn pinyin_initials() {
        assert_eq!(initials("张三"), vec!["zs"]);
        assert_eq!(initials("研发部").first().map(String::as_str), Some("yfb"), "the common reading first");
        assert!(initials("曾伟").contains(&"zw".to_string()) && initials("曾伟").contains(&"cw".to_string()));
        assert_eq!(initials("QA 测试"), vec!["qacs"]);
        assert!(initials("RD").is_empty(), "no Chinese, no initials");
    }

    #[test]
    fn people_are_found_by_initials_name_or_login() {
        let people = [
            person("zhangsan", "张三", "RD"),
            person("lisi", "李四", "MKT"),
            person("zhaosi", "赵四", "QA"),
            person("wang", "王五", "OPS"),
        ];
        let mut picker = Picker::new(people.iter().map(Item::person).collect(), false, false, Vec::new());
        assert_eq!(picker.matches.len(), 4, "an empty query shows everyone");
        assert_eq!(found(&mut picker, "zs").as_deref(), Some("zhangsan"));
        assert_eq!(found(&mut picker, "李").as_deref(), Some("lisi"));
        assert_eq!(found(&mut picker, "wang").as_deref(), Some("wang"));
        assert_eq!(found(&mut picker, "ZHAO").as_deref(), Some("zhaosi"));
        assert_eq!(found(&mut picker, "qqq"), None);
        assert!(!picker.toggle(), "nothing to choose");
    }

    #[test]
    fn multi_pickers_toggle_and_free_pickers_keep_text() {
        let depts = [
            Department { code: "RD".into(), name: "研发部".into(), head: None },
            Department { code: "QA".into(), name: "质量部".into(), head: None },
        ];
        let items: Vec<Item> = depts.iter().map(Item::department).collect();
        let mut picker = Picker::new(items.clone(), true, false, vec!["RD".into()]);
        assert_eq!(found(&mut picker, "zlb").as_deref(), Some("QA"));
        assert!(picker.toggle());
        assert_eq!(picker.chosen, vec!["RD", "QA"]);
        found(&mut picker, "rd");
        assert!(picker.toggle());
        assert_eq!(picker.chosen, vec!["QA"], "choosing again takes it away");

        let mut free = Picker::new(items, false, true, Vec::new());
        found(&mut free, "总经理");
        assert!(free.toggle());
        assert_eq!(free.chosen, vec!["总经理"]);
    }
}
