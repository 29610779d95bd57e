//! The command palette (`:`): every action, list filter and saved filter, found by fuzzy typing.

use super::form::picker::initials;
use super::keymap::{Action, Keymap};
use super::line::LineInput;
use crate::config::SavedFilter;
use crate::domain::{Department, Priority};
use crate::i18n::Lang;

/// What choosing an entry does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Run(Action),
    /// Narrow the lists to a department (None: all departments).
    Department(Option<String>),
    Priority(Option<Priority>),
    Saved(usize),
    /// Show this issue's record (the issue finder).
    Goto(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub label: String,
    /// The keys that do the same, shown beside the label.
    pub keys: String,
    /// Extra words that match (English names, codes) without being shown.
    pub aliases: String,
    /// The pinyin initials of the label's Chinese words (`sj` finds 升级), computed once.
    initials: String,
    pub command: Command,
}

impl Entry {
    pub fn new(label: String, keys: String, aliases: String, command: Command) -> Entry {
        // Each run of Chinese gets its initials; `按部门或优先级筛选` is found by `abm` or `sx`.
        let initials = label
            .split(|c: char| !is_chinese(c))
            .filter(|w| !w.is_empty())
            .filter_map(|w| initials(w).into_iter().next())
            .collect::<Vec<_>>()
            .join(" ");
        Entry { label, keys, aliases, initials, command }
    }
}

fn is_chinese(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}

#[derive(Debug, Clone)]
pub struct Palette {
    /// Shown on the frame instead of "Commands".
    pub title: Option<String>,
    /// The issue finder: its entries come from the store as the input changes, already in order.
    pub finds_issues: bool,
    /// A menu (Space): a key an entry names runs it at once.
    pub menu: bool,
    pub input: LineInput,
    entries: Vec<Entry>,
    /// Indexes into `entries` that match the input, best first.
    pub matches: Vec<usize>,
    pub selected: usize,
}

impl Palette {
    /// Every action and every filter.
    pub fn commands(keymap: &Keymap, depts: &[Department], saved: &[SavedFilter], lang: Lang) -> Palette {
        let mut entries: Vec<Entry> = Action::all()
            .into_iter()
            .filter(|a| !matches!(a, Action::Palette | Action::ExternalEditor))
            .map(|a| {
                Entry::new(
                    a.describe(lang).to_string(),
                    keymap.keys(a).join(" "),
                    format!("{} {}", a.describe(Lang::En), a.name()),
                    Command::Run(a),
                )
            })
            .collect();
        entries.extend(Palette::filters(depts, saved, lang).entries);
        Palette::new(entries)
    }

    /// The forms the selected issue allows this person now, each with its key (Space).
    pub fn actions(title: String, keymap: &Keymap, kinds: &[super::form::FormKind], lang: Lang) -> Palette {
        let entries = kinds
            .iter()
            .map(|kind| {
                let action = Action::Form(*kind);
                Entry::new(
                    kind.title(lang).to_string(),
                    keymap.keys(action).join(" "),
                    format!("{} {}", kind.title(Lang::En), kind.name()),
                    Command::Run(action),
                )
            })
            .collect();
        Palette { title: Some(title), menu: true, ..Palette::new(entries) }
    }

    /// Whether an entry runs this action (a menu's keys run only what it lists).
    pub fn runs(&self, action: Action) -> bool {
        self.entries.iter().any(|e| e.command == Command::Run(action))
    }

    /// The issue finder (`#`): issues by number or title, filled by the app from the store.
    pub fn issues(lang: Lang) -> Palette {
        let title =
            lang.pick("Go to an issue: its number or title", "跳转到问题：输入编号或标题").to_string();
        Palette { title: Some(title), finds_issues: true, ..Palette::new(Vec::new()) }
    }

    /// Replaces the entries (the issue finder's, as found in the store).
    pub fn set_entries(&mut self, entries: Vec<Entry>) {
        self.entries = entries;
        self.matches = (0..self.entries.len()).collect();
        self.selected = 0;
    }

    /// Only the filters (the `f` key).
    pub fn filters(depts: &[Department], saved: &[SavedFilter], lang: Lang) -> Palette {
        let dept = lang.pick("Department", "部门");
        let mut entries = vec![Entry::new(
            lang.pick("All departments and priorities", "全部部门和优先级").to_string(),
            String::new(),
            "clear all".into(),
            Command::Department(None),
        )];
        entries.extend(depts.iter().map(|d| {
            Entry::new(
                match lang {
                    Lang::En => format!("{dept}: {} ({})", d.name, d.code),
                    Lang::Zh => format!("{dept}：{}（{}）", d.name, d.code),
                },
                String::new(),
                format!("department {}", d.code.to_lowercase()),
                Command::Department(Some(d.code.clone())),
            )
        }));
        let prio = lang.pick("Priority", "优先级");
        entries.extend(Priority::ALL.iter().map(|p| {
            Entry::new(
                format!("{prio}{}{}", lang.pick(": ", "："), p.label(lang)),
                String::new(),
                format!("priority {}", p.code()),
                Command::Priority(Some(*p)),
            )
        }));
        let saved_label = lang.pick("Saved filter", "已存筛选");
        entries.extend(saved.iter().enumerate().map(|(i, f)| {
            Entry::new(
                format!("{saved_label}{}{}", lang.pick(": ", "："), f.name),
                String::new(),
                "saved filter".into(),
                Command::Saved(i),
            )
        }));
        let title = lang.pick("Filter the lists", "筛选列表").to_string();
        Palette { title: Some(title), ..Palette::new(entries) }
    }

    fn new(entries: Vec<Entry>) -> Palette {
        let mut palette = Palette {
            title: None,
            finds_issues: false,
            menu: false,
            input: LineInput::default(),
            matches: Vec::new(),
            entries,
            selected: 0,
        };
        palette.refilter();
        palette
    }

    pub fn entry(&self, index: usize) -> &Entry {
        &self.entries[index]
    }

    pub fn selected_command(&self) -> Option<Command> {
        self.matches.get(self.selected).map(|i| self.entries[*i].command.clone())
    }

    pub fn insert(&mut self, c: char) {
        self.input.insert(c);
        self.refilter();
    }

    pub fn insert_str(&mut self, text: &str) {
        self.input.insert_str(text);
        self.refilter();
    }

    /// Deletes the character before the cursor; whether the input changed.
    pub fn backspace(&mut self) -> bool {
        let changed = self.input.backspace();
        self.refilter_if(changed)
    }

    pub fn delete(&mut self) -> bool {
        let changed = self.input.delete();
        self.refilter_if(changed)
    }

    /// A text-editing action on the input; whether it changed.
    pub fn edit(&mut self, action: Action) -> bool {
        let changed = self.input.apply(action);
        self.refilter_if(changed)
    }

    fn refilter_if(&mut self, changed: bool) -> bool {
        if changed {
            self.refilter();
        }
        changed
    }

    pub fn step(&mut self, delta: i64) {
        if !self.matches.is_empty() {
            let last = self.matches.len() as i64 - 1;
            self.selected = (self.selected as i64 + delta).clamp(0, last) as usize;
        }
    }

    fn refilter(&mut self) {
        let mut scored: Vec<(i64, usize)> = self
            .entries
            .iter()
            .enumerate()
            .filter_map(|(i, e)| {
                let best = [&e.label, &e.aliases, &e.initials]
                    .iter()
                    .filter_map(|t| fuzzy_score(&self.input, t))
                    .max()?;
                Some((best, i))
            })
            .collect();
        // Best score first; equal scores keep the table's order.
        scored.sort_by_key(|(score, i)| (-score, *i));
        self.matches = scored.into_iter().map(|(_, i)| i).collect();
        self.selected = 0;
    }
}

/// Scores `text` against `pattern` typed as a subsequence, ignoring case: consecutive letters and
/// letters at the start of words score higher. `None` when the pattern is not in the text.
pub fn fuzzy_score(pattern: &str, text: &str) -> Option<i64> {
    let pattern: Vec<char> =
        pattern.chars().filter(|c| !c.is_whitespace()).flat_map(char::to_lowercase).collect();
    if pattern.is_empty() {
        return Some(0);
    }
    let text: Vec<char> = text.chars().flat_map(char::to_lowercase).collect();
    let mut score = 0;
    let mut next = 0;
    let mut previous: Option<usize> = None;
    for (i, c) in text.iter().enumerate() {
        if next < pattern.len() && *c == pattern[next] {
            score += 1;
            if previous == Some(i.wrapping_sub(1)) {
                score += 5;
            }
            if i == 0 || !text[i - 1].is_alphanumeric() {
                score += 3;
            }
            previous = Some(i);
            next += 1;
        }
    }
    (next == pattern.len()).then(|| score - text.len() as i64 / 8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fuzzy_matching() {
        assert!(fuzzy_score("srch", "search").is_some());
        assert!(fuzzy_score("hcr", "search").is_none());
        assert!(fuzzy_score("搜索", "搜索").is_some());
        assert!(fuzzy_score("部门", "按部门或优先级筛选").is_some());
        assert!(fuzzy_score("", "anything") == Some(0));
        // Consecutive letters beat scattered ones.
        assert!(fuzzy_score("sort", "sort") > fuzzy_score("sort", "s o r t"));
    }

    #[test]
    fn the_palette_finds_actions_in_either_language() {
        let depts = vec![Department { code: "RD".into(), name: "研发部".into(), head: None }];
        let mut palette = Palette::commands(&Keymap::default(), &depts, &[], Lang::Zh);
        let mut find = |text: &str| {
            palette.edit(Action::DeleteToStart);
            palette.insert_str(text);
            palette.selected_command()
        };
        assert_eq!(find("help"), Some(Command::Run(Action::Help)));
        assert_eq!(find("研发"), Some(Command::Department(Some("RD".into()))));
        assert_eq!(find("zzz"), None);
        // Pinyin initials of the Chinese words: 升级 (escalate), 排序 (sort), 搜索 (search).
        assert_eq!(find("sj"), Some(Command::Run(Action::Form(crate::tui::form::FormKind::Escalate))));
        assert_eq!(find("px"), Some(Command::Run(Action::CycleSort)));
        assert_eq!(find("ss"), Some(Command::Run(Action::Search)));
    }
}
