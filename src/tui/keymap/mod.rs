//! Keys become actions here, once, for every place a key can go (the main screen, forms,
//! pickers, the palette, the search line, dialogs, the help). The help and every hint are
//! generated from this table, so they never disagree with what the keys do, and the
//! configuration's `[keys]` tables change it everywhere at once.

mod action;

use std::collections::BTreeMap;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::form::FormKind;
use crate::i18n::Lang;
pub use action::{Action, Context};

/// The lists the number keys switch between.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum View {
    #[default]
    Inbox,
    Open,
    Department,
    Deadlines,
    Escalated,
    Awaiting,
    Archived,
    All,
}

impl View {
    pub const ALL: [View; 8] = [
        View::Inbox,
        View::Open,
        View::Department,
        View::Deadlines,
        View::Escalated,
        View::Awaiting,
        View::Archived,
        View::All,
    ];

    pub fn from_key(n: u8) -> Option<View> {
        View::ALL.get(usize::from(n).checked_sub(1)?).copied()
    }

    pub fn key(self) -> u8 {
        View::ALL.iter().position(|v| *v == self).map_or(0, |i| i as u8 + 1)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            View::Inbox => lang.pick("My inbox", "我的待办"),
            View::Open => lang.pick("All open", "全部未结"),
            View::Department => lang.pick("By department", "按部门"),
            View::Deadlines => lang.pick("Deadlines", "时限预警"),
            View::Escalated => lang.pick("Escalated", "已升级"),
            View::Awaiting => lang.pick("Awaiting acceptance", "待验收"),
            View::Archived => lang.pick("Archived", "已归档"),
            View::All => lang.pick("All", "全部"),
        }
    }

    /// A word or two for the view bar when the full names do not fit.
    pub fn short_label(self, lang: Lang) -> &'static str {
        match self {
            View::Inbox => lang.pick("Inbox", "待办"),
            View::Open => lang.pick("Open", "未结"),
            View::Department => lang.pick("Dept", "部门"),
            View::Deadlines => lang.pick("Due", "时限"),
            View::Escalated => lang.pick("Escal.", "升级"),
            View::Awaiting => lang.pick("Accept", "验收"),
            View::Archived => lang.pick("Arch.", "归档"),
            View::All => lang.pick("All", "全部"),
        }
    }
}

/// One key, as typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

impl Key {
    const fn plain(code: KeyCode) -> Key {
        Key { code, mods: KeyModifiers::NONE }
    }

    const fn ch(c: char) -> Key {
        Key::plain(KeyCode::Char(c))
    }

    const fn ctrl(c: char) -> Key {
        Key { code: KeyCode::Char(c), mods: KeyModifiers::CONTROL }
    }

    const fn alt(code: KeyCode) -> Key {
        Key { code, mods: KeyModifiers::ALT }
    }

    /// Whether a key as typed is this key. Shift is part of the character for letters and symbols
    /// (`G`, `?`) and of Shift-Tab.
    fn matches(self, key: KeyEvent) -> bool {
        self.code == key.code && self.mods == key.modifiers - KeyModifiers::SHIFT
    }

    /// How the help shows the key: `j`, `↓`, `Tab`, `Ctrl-r`.
    pub fn name(self) -> String {
        let modified = self.mods.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
        let base = match self.code {
            KeyCode::Char(' ') => "Space".to_string(),
            // With Ctrl or Alt a letter is written as a capital, as keyboards and manuals do.
            KeyCode::Char(c) if modified => c.to_ascii_uppercase().to_string(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Up => "↑".into(),
            KeyCode::Down => "↓".into(),
            KeyCode::Left => "←".into(),
            KeyCode::Right => "→".into(),
            KeyCode::Enter => "Enter".into(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::BackTab => "Shift-Tab".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            KeyCode::Home => "Home".into(),
            KeyCode::End => "End".into(),
            KeyCode::Backspace => "Backspace".into(),
            KeyCode::Delete => "Delete".into(),
            KeyCode::F(n) => format!("F{n}"),
            other => format!("{other:?}"),
        };
        let mut name = String::new();
        if self.mods.contains(KeyModifiers::CONTROL) {
            name.push_str("Ctrl-");
        }
        if self.mods.contains(KeyModifiers::ALT) {
            name.push_str("Alt-");
        }
        name + &base
    }
}

impl Key {
    /// Reads a key as written in the configuration: `q`, `ctrl-r`, `Ctrl-R`, `alt-b`, `tab`,
    /// `shift-tab`, `up`, `pgdn`, `f5`, `space`, `esc`, `enter`, `home`, `end`, `backspace`.
    pub fn parse(text: &str) -> Option<Key> {
        let mut lower = text.trim().to_ascii_lowercase();
        let mut mods = KeyModifiers::NONE;
        loop {
            if let Some(rest) = lower.strip_prefix("ctrl-").or_else(|| lower.strip_prefix("c-")) {
                mods |= KeyModifiers::CONTROL;
                lower = rest.to_string();
            } else if let Some(rest) = lower.strip_prefix("alt-").or_else(|| lower.strip_prefix("m-")) {
                mods |= KeyModifiers::ALT;
                lower = rest.to_string();
            } else {
                break;
            }
        }
        let name = lower;
        let code = match name.as_str() {
            "backspace" => KeyCode::Backspace,
            "delete" | "del" => KeyCode::Delete,
            "tab" => KeyCode::Tab,
            "shift-tab" | "backtab" => KeyCode::BackTab,
            "enter" | "return" => KeyCode::Enter,
            "esc" | "escape" => KeyCode::Esc,
            "space" => KeyCode::Char(' '),
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "pgup" | "pageup" => KeyCode::PageUp,
            "pgdn" | "pagedown" => KeyCode::PageDown,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            f if f.starts_with('f') && f.len() > 1 => KeyCode::F(f[1..].parse().ok()?),
            _ => {
                // A single character keeps its case: `G` is not `g`.
                let original = text.trim();
                let original = original.rsplit_once('-').map_or(original, |(_, c)| c);
                let mut chars = original.chars();
                let c = chars.next()?;
                if chars.next().is_some() {
                    return None;
                }
                KeyCode::Char(if mods.is_empty() { c } else { c.to_ascii_lowercase() })
            }
        };
        Some(Key { code, mods })
    }
}

/// One key of one context, and what it does there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Binding {
    context: Context,
    key: Key,
    action: Action,
}

/// The table from keys to actions, context by context.
#[derive(Debug, Clone)]
pub struct Keymap {
    bindings: Vec<Binding>,
}

/// One section of the help: a context's title and its actions with their keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelpSection {
    pub context: Context,
    pub title: &'static str,
    pub entries: Vec<(String, &'static str)>,
}

impl Default for Keymap {
    fn default() -> Self {
        use Action::*;
        use KeyCode::{BackTab, Backspace, End, Enter, Esc, F, Home, Left, Right, Tab};
        let main = [
            (Key::ch('q'), Quit),
            (Key::ctrl('c'), Quit),
            (Key::ch('k'), Up),
            (Key::plain(KeyCode::Up), Up),
            (Key::ch('j'), Down),
            (Key::plain(KeyCode::Down), Down),
            (Key::plain(KeyCode::PageUp), PageUp),
            (Key::ctrl('u'), PageUp),
            (Key::plain(KeyCode::PageDown), PageDown),
            (Key::ctrl('d'), PageDown),
            (Key::ch('g'), Top),
            (Key::plain(Home), Top),
            (Key::ch('G'), Bottom),
            (Key::plain(End), Bottom),
            (Key::plain(Tab), NextPane),
            (Key::ch('l'), NextPane),
            (Key::plain(Right), NextPane),
            (Key::plain(BackTab), PrevPane),
            (Key::ch('h'), PrevPane),
            (Key::plain(Left), PrevPane),
            (Key::plain(Enter), Open),
            (Key::plain(Esc), Back),
            (Key::ch('/'), Search),
            (Key::ch('s'), CycleSort),
            (Key::ch('?'), Help),
            (Key::plain(F(1)), Help),
            (Key::ctrl('r'), Refresh),
            (Key::ch(':'), Palette),
            (Key::ch('f'), Filter),
            (Key::ch('m'), ToggleMouse),
            (Key::ch(' '), Actions),
            (Key::ch('#'), GoTo),
            (Key::ch('a'), Form(FormKind::Register)),
            (Key::ch('e'), Form(FormKind::Edit)),
            (Key::ch('o'), Form(FormKind::Acknowledge)),
            (Key::ch('c'), Form(FormKind::Comment)),
            (Key::ch('F'), Form(FormKind::Attach)),
            (Key::ch('S'), SaveAttachments),
            (Key::ch('M'), Form(FormKind::Meeting)),
            (Key::ch('C'), Form(FormKind::Minutes)),
            (Key::ch('E'), Form(FormKind::AmendMinutes)),
            (Key::ch('D'), Form(FormKind::CancelTask)),
            (Key::ch('U'), Form(FormKind::CloseEscalation)),
            (Key::ch('t'), Form(FormKind::AddTask)),
            (Key::ch('T'), Form(FormKind::EditTask)),
            (Key::ch('p'), Form(FormKind::Progress)),
            (Key::ch('w'), Form(FormKind::Risk)),
            (Key::ch('!'), Form(FormKind::Escalate)),
            (Key::ch('R'), Form(FormKind::Resolve)),
            (Key::ch('A'), Form(FormKind::Accept)),
            (Key::ch('X'), Form(FormKind::Refuse)),
            (Key::ch('Z'), Form(FormKind::Archive)),
            (Key::ch('u'), Undo),
            (Key::ch('y'), Copy),
            (Key::ch('Y'), CopySummary),
        ];
        let views =
            (1..=self::View::ALL.len() as u8).map(|n| (Key::ch(char::from(b'0' + n)), Action::View(n)));
        let reports = [
            (Key::ch('9'), Reports),
            (Key::ch('['), PeriodEarlier),
            (Key::ch(']'), PeriodLater),
            (Key::ch('P'), PeriodLength),
        ];
        let form = [
            (Key::ctrl('s'), Submit),
            (Key::plain(Tab), NextField),
            (Key::plain(BackTab), PrevField),
            (Key::plain(KeyCode::Down), Down),
            (Key::plain(KeyCode::Up), Up),
            (Key::ctrl('g'), ExternalEditor),
            (Key::plain(Esc), Cancel),
            (Key::plain(F(1)), Help),
        ];
        let picker = [
            (Key::plain(Enter), Choose),
            (Key::ch(' '), Toggle),
            (Key::plain(KeyCode::Down), Down),
            (Key::ctrl('n'), Down),
            (Key::plain(KeyCode::Up), Up),
            (Key::ctrl('p'), Up),
            (Key::plain(Tab), NextField),
            (Key::plain(BackTab), PrevField),
            (Key::plain(Esc), Cancel),
            (Key::plain(F(1)), Help),
        ];
        let palette = [
            (Key::plain(Enter), Choose),
            (Key::plain(KeyCode::Down), Down),
            (Key::plain(Tab), Down),
            (Key::ctrl('n'), Down),
            (Key::plain(KeyCode::Up), Up),
            (Key::plain(BackTab), Up),
            (Key::ctrl('p'), Up),
            (Key::plain(Esc), Cancel),
            (Key::plain(F(1)), Help),
        ];
        let search = [
            (Key::plain(Enter), Done),
            (Key::plain(KeyCode::Down), Down),
            (Key::plain(KeyCode::Up), Up),
            (Key::plain(Esc), Cancel),
            (Key::plain(F(1)), Help),
        ];
        let line = [
            (Key::plain(Left), CharLeft),
            (Key::plain(Right), CharRight),
            (Key::alt(Left), WordLeft),
            (Key::alt(KeyCode::Char('b')), WordLeft),
            (Key::alt(Right), WordRight),
            (Key::alt(KeyCode::Char('f')), WordRight),
            (Key::plain(Home), LineStart),
            (Key::ctrl('a'), LineStart),
            (Key::plain(End), LineEnd),
            (Key::ctrl('e'), LineEnd),
            (Key::ctrl('u'), DeleteToStart),
            (Key::ctrl('k'), DeleteToEnd),
            (Key::ctrl('w'), DeleteWord),
            (Key::alt(Backspace), DeleteWord),
            (Key::ctrl('z'), EditUndo),
            (Key::ctrl('y'), EditRedo),
        ];
        let conflict = [
            (Key::ch('o'), Overwrite),
            (Key::ch('c'), KeepAsComment),
            (Key::ch('d'), Discard),
            (Key::plain(Esc), Cancel),
            (Key::plain(F(1)), Help),
        ];
        let confirm = [(Key::ch('y'), Yes), (Key::ch('n'), No), (Key::plain(Esc), No)];
        let restore = [
            (Key::ch('r'), RestoreDraft),
            (Key::plain(Enter), RestoreDraft),
            (Key::ch('x'), DiscardDraft),
            (Key::plain(Esc), Later),
        ];
        let help = [
            (Key::plain(KeyCode::Down), Down),
            (Key::ch('j'), Down),
            (Key::plain(KeyCode::Up), Up),
            (Key::ch('k'), Up),
            (Key::plain(KeyCode::PageDown), PageDown),
            (Key::ch(' '), PageDown),
            (Key::plain(KeyCode::PageUp), PageUp),
            (Key::plain(Esc), Cancel),
            (Key::ch('q'), Cancel),
            (Key::ch('?'), Cancel),
            (Key::plain(F(1)), Cancel),
        ];
        let of = |context: Context, table: Vec<(Key, Action)>| {
            table.into_iter().map(move |(key, action)| Binding { context, key, action })
        };
        let bindings = of(Context::Main, main.into_iter().chain(views).chain(reports).collect())
            .chain(of(Context::Form, form.to_vec()))
            .chain(of(Context::Picker, picker.to_vec()))
            .chain(of(Context::Palette, palette.to_vec()))
            .chain(of(Context::Search, search.to_vec()))
            .chain(of(Context::Line, line.to_vec()))
            .chain(of(Context::Conflict, conflict.to_vec()))
            .chain(of(Context::Confirm, confirm.to_vec()))
            .chain(of(Context::Restore, restore.to_vec()))
            .chain(of(Context::Help, help.to_vec()))
            .collect();
        Keymap { bindings }
    }
}

impl Keymap {
    /// Applies the configuration's `[keys]` tables: each named action gets exactly the keys
    /// listed (replacing its defaults, and taken away from any other action of its context).
    /// Main-screen actions are named directly (`quit`), the others by context (`form.submit`, or
    /// `submit` in a `[keys.form]` table). Returns what it could not read, for the user to fix.
    pub fn with_overrides(mut self, overrides: &BTreeMap<String, Vec<String>>) -> (Keymap, Vec<String>) {
        let mut problems = Vec::new();
        for (name, keys) in overrides {
            let (context, action_name) = match name.split_once('.') {
                Some((context, action)) => match Context::from_name(context) {
                    Some(context) => (context, action),
                    None => {
                        let names: Vec<&str> = Context::ALL.iter().map(|c| c.name()).collect();
                        problems.push(format!("[keys.{context}]: no such place ({})", names.join(", ")));
                        continue;
                    }
                },
                None => (Context::Main, name.as_str()),
            };
            let wanted = action_name.trim().to_ascii_lowercase();
            let Some(action) = context.actions().into_iter().find(|a| a.name() == wanted) else {
                let names: Vec<String> = context.actions().into_iter().map(Action::name).collect();
                problems.push(format!("[keys] {name}: no such action ({})", names.join(", ")));
                continue;
            };
            let parsed: Vec<Key> = keys
                .iter()
                .filter_map(|k| {
                    let key = Key::parse(k);
                    if key.is_none() {
                        problems.push(format!("[keys] {name}: cannot read key `{k}`"));
                    }
                    key
                })
                .collect();
            self.bindings
                .retain(|b| b.context != context || (b.action != action && !parsed.contains(&b.key)));
            self.bindings.extend(parsed.into_iter().map(|key| Binding { context, key, action }));
        }
        (self, problems)
    }

    /// What a key does in a context; where text is typed, the text-editing keys come after the
    /// context's own.
    pub fn action(&self, context: Context, key: KeyEvent) -> Option<Action> {
        let find = |context: Context| {
            self.bindings.iter().find(|b| b.context == context && b.key.matches(key)).map(|b| b.action)
        };
        find(context).or_else(|| if context.edits_text() { find(Context::Line) } else { None })
    }

    /// What a key does on the main screen.
    pub fn main_action(&self, key: KeyEvent) -> Option<Action> {
        self.action(Context::Main, key)
    }

    /// The keys bound to an action in a context (text-editing keys included where text is
    /// typed), as shown to people: `j ↓`.
    pub fn keys_in(&self, context: Context, action: Action) -> Vec<String> {
        let keys = self.own_keys(context, action);
        if keys.is_empty() && context.edits_text() { self.own_keys(Context::Line, action) } else { keys }
    }

    /// The keys a context's own table binds to an action.
    fn own_keys(&self, context: Context, action: Action) -> Vec<String> {
        self.bindings
            .iter()
            .filter(|b| b.context == context && b.action == action)
            .map(|b| b.key.name())
            .collect()
    }

    /// The first key bound to an action in a context, for hints.
    pub fn first_key_in(&self, context: Context, action: Action) -> String {
        self.keys_in(context, action).into_iter().next().unwrap_or_default()
    }

    /// The keys of a main-screen action.
    pub fn keys(&self, action: Action) -> Vec<String> {
        self.keys_in(Context::Main, action)
    }

    /// The first key of a main-screen action, for hints: `j`.
    pub fn first_key(&self, action: Action) -> String {
        self.first_key_in(Context::Main, action)
    }

    /// A hint for one action in a context: `Ctrl-s submit`. Empty when no key is bound to it.
    pub fn hint(&self, context: Context, action: Action, lang: Lang) -> String {
        let key = self.first_key_in(context, action);
        if key.is_empty() { String::new() } else { format!("{key} {}", action.short_in(context, lang)) }
    }

    /// The hints of a context, as its status line shows them.
    pub fn hints(&self, context: Context, lang: Lang) -> Vec<String> {
        context.hinted().iter().map(|a| self.hint(context, *a, lang)).filter(|h| !h.is_empty()).collect()
    }

    /// The help: one section per context, `first` first; in each, every action that has a key,
    /// with all its keys.
    pub fn help(&self, first: Context, lang: Lang) -> Vec<HelpSection> {
        let order = std::iter::once(first).chain(Context::ALL.into_iter().filter(|c| *c != first));
        order
            .map(|context| HelpSection {
                context,
                title: context.title(lang),
                entries: context
                    .actions()
                    .into_iter()
                    .filter_map(|a| {
                        let keys = self.own_keys(context, a);
                        (!keys.is_empty()).then(|| (keys.join(" "), a.describe_in(context, lang)))
                    })
                    .collect(),
            })
            .filter(|s| !s.entries.is_empty())
            .collect()
    }
}

#[cfg(test)]
mod tests;
