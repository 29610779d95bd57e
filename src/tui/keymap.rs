//! Keys become actions here, once. The help overlay and the status-bar hints are generated from
//! this table, so they never disagree with what the keys do.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::form::FormKind;
use crate::i18n::Lang;

/// Everything the console does in response to a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Quit,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    NextPane,
    PrevPane,
    Open,
    Back,
    Search,
    CycleSort,
    Help,
    Refresh,
    Palette,
    Filter,
    ToggleMouse,
    /// Opens an action's form on the selected issue (or the registration form).
    Form(FormKind),
    /// The actions the selected issue allows now, each with its key.
    Actions,
    /// Find an issue by its number or title and show its record.
    GoTo,
    Undo,
    Copy,
    CopySummary,
    /// Saves the record's attachments into the directory liaison was started in.
    SaveAttachments,
    /// Inside a form: edit the focused field in `$VISUAL`/`$EDITOR`.
    ExternalEditor,
    View(u8),
    /// The Reports view: how well the departments keep the template's promises.
    Reports,
    /// In the Reports view: the period before or after the one shown, or another length.
    PeriodEarlier,
    PeriodLater,
    PeriodLength,
}

impl Action {
    pub fn describe(self, lang: Lang) -> &'static str {
        match self {
            Action::Quit => lang.pick("quit", "退出"),
            Action::Up => lang.pick("up", "上移"),
            Action::Down => lang.pick("down", "下移"),
            Action::PageUp => lang.pick("page up", "上翻页"),
            Action::PageDown => lang.pick("page down", "下翻页"),
            Action::Top => lang.pick("first", "首项"),
            Action::Bottom => lang.pick("last", "末项"),
            Action::NextPane => lang.pick("next pane", "下一窗格"),
            Action::PrevPane => lang.pick("previous pane", "上一窗格"),
            Action::Open => lang.pick("open", "打开"),
            Action::Back => lang.pick("back", "返回"),
            Action::Search => lang.pick("search", "搜索"),
            Action::CycleSort => lang.pick("sort", "排序"),
            Action::Help => lang.pick("help", "帮助"),
            Action::Refresh => lang.pick("refresh", "刷新"),
            Action::Palette => lang.pick("command palette", "命令面板"),
            Action::Filter => lang.pick("filter by department or priority", "按部门或优先级筛选"),
            Action::ToggleMouse => lang.pick("mouse on/off", "开关鼠标"),
            Action::Form(kind) => kind.action().label(lang),
            Action::Actions => lang.pick("actions on this issue", "对此问题的操作"),
            Action::GoTo => lang.pick("go to an issue by number or title", "按编号或标题跳转"),
            Action::Undo => lang.pick("undo the last change", "撤销上一次修改"),
            Action::Copy => lang.pick("copy the issue number", "复制问题编号"),
            Action::CopySummary => lang.pick("copy a one-line summary", "复制一行摘要"),
            Action::SaveAttachments => lang.pick("save the attachments here", "保存附件到当前目录"),
            Action::ExternalEditor => {
                lang.pick("edit the field in $EDITOR (in a form)", "在 $EDITOR 中编辑字段（表单内）")
            }
            Action::View(n) => View::from_key(n).map_or("", |v| v.label(lang)),
            Action::Reports => lang.pick("Reports", "报表"),
            Action::PeriodEarlier => lang.pick("reports: earlier period", "报表:上一期间"),
            Action::PeriodLater => lang.pick("reports: later period", "报表:下一期间"),
            Action::PeriodLength => {
                lang.pick("reports: period of 4/12/26/52 weeks", "报表:期间 4/12/26/52 周")
            }
        }
    }
}

impl Action {
    /// One or two words for the status bar's hints.
    pub fn short(self, lang: Lang) -> &'static str {
        match self {
            Action::Actions => lang.pick("actions", "操作"),
            Action::Filter => lang.pick("filter", "筛选"),
            Action::Palette => lang.pick("commands", "命令"),
            Action::NextPane => lang.pick("pane", "窗格"),
            Action::PeriodEarlier => lang.pick("earlier", "上期"),
            Action::PeriodLater => lang.pick("later", "下期"),
            Action::PeriodLength => lang.pick("weeks", "周数"),
            other => other.describe(lang),
        }
    }

    /// The name used in the configuration file's `[keys]` table.
    pub fn name(self) -> String {
        match self {
            Action::View(n) => format!("view{n}"),
            Action::Form(kind) => kind.name().to_string(),
            other => {
                let debug = format!("{other:?}");
                let mut name = String::new();
                for (i, c) in debug.chars().enumerate() {
                    if c.is_ascii_uppercase() && i > 0 {
                        name.push('_');
                    }
                    name.push(c.to_ascii_lowercase());
                }
                name
            }
        }
    }

    /// Every action, views included, in the order help and the palette show them.
    pub fn all() -> Vec<Action> {
        use Action::*;
        let mut all = vec![
            Quit, Up, Down, PageUp, PageDown, Top, Bottom, NextPane, PrevPane, Open, Back, Search, CycleSort,
            Filter, Actions,
        ];
        all.extend(FormKind::ALL.into_iter().map(Action::Form));
        all.extend([
            Undo,
            Copy,
            CopySummary,
            SaveAttachments,
            ExternalEditor,
            Palette,
            Help,
            Refresh,
            ToggleMouse,
        ]);
        all.extend((1..=self::View::ALL.len() as u8).map(Action::View));
        all.extend([Reports, PeriodEarlier, PeriodLater, PeriodLength]);
        all
    }

    pub fn from_name(name: &str) -> Option<Action> {
        Action::all().into_iter().find(|a| a.name() == name.trim().to_ascii_lowercase())
    }

    pub fn names() -> Vec<String> {
        Action::all().into_iter().map(Action::name).collect()
    }
}

/// The lists the number keys switch between.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum View {
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

    /// How the help shows the key: `j`, `↓`, `Tab`, `Ctrl-r`.
    pub fn name(self) -> String {
        let base = match self.code {
            KeyCode::Char(' ') => "Space".to_string(),
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
            KeyCode::F(n) => format!("F{n}"),
            other => format!("{other:?}"),
        };
        if self.mods.contains(KeyModifiers::CONTROL) { format!("Ctrl-{base}") } else { base }
    }
}

impl Key {
    /// Reads a key as written in the configuration: `q`, `ctrl-r`, `Ctrl-R`, `tab`, `shift-tab`,
    /// `up`, `pgdn`, `f5`, `space`, `esc`, `enter`, `home`, `end`.
    pub fn parse(text: &str) -> Option<Key> {
        let lower = text.trim().to_ascii_lowercase();
        let (mods, name) = match lower.strip_prefix("ctrl-").or_else(|| lower.strip_prefix("c-")) {
            Some(rest) => (KeyModifiers::CONTROL, rest.to_string()),
            None => (KeyModifiers::NONE, lower.clone()),
        };
        let code = match name.as_str() {
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
                KeyCode::Char(if mods == KeyModifiers::CONTROL { c.to_ascii_lowercase() } else { c })
            }
        };
        Some(Key { code, mods })
    }
}

/// The table from keys to actions.
#[derive(Debug, Clone)]
pub struct Keymap {
    bindings: Vec<(Key, Action)>,
}

impl Default for Keymap {
    fn default() -> Self {
        use Action::*;
        let mut bindings = vec![
            (Key::ch('q'), Quit),
            (Key { code: KeyCode::Char('c'), mods: KeyModifiers::CONTROL }, Quit),
            (Key::ch('k'), Up),
            (Key::plain(KeyCode::Up), Up),
            (Key::ch('j'), Down),
            (Key::plain(KeyCode::Down), Down),
            (Key::plain(KeyCode::PageUp), PageUp),
            (Key { code: KeyCode::Char('u'), mods: KeyModifiers::CONTROL }, PageUp),
            (Key::plain(KeyCode::PageDown), PageDown),
            (Key { code: KeyCode::Char('d'), mods: KeyModifiers::CONTROL }, PageDown),
            (Key::ch('g'), Top),
            (Key::plain(KeyCode::Home), Top),
            (Key::ch('G'), Bottom),
            (Key::plain(KeyCode::End), Bottom),
            (Key::plain(KeyCode::Tab), NextPane),
            (Key::ch('l'), NextPane),
            (Key::plain(KeyCode::Right), NextPane),
            (Key::plain(KeyCode::BackTab), PrevPane),
            (Key::ch('h'), PrevPane),
            (Key::plain(KeyCode::Left), PrevPane),
            (Key::plain(KeyCode::Enter), Open),
            (Key::plain(KeyCode::Esc), Back),
            (Key::ch('/'), Search),
            (Key::ch('s'), CycleSort),
            (Key::ch('?'), Help),
            (Key { code: KeyCode::Char('r'), mods: KeyModifiers::CONTROL }, Refresh),
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
            (Key { code: KeyCode::Char('e'), mods: KeyModifiers::CONTROL }, ExternalEditor),
        ];
        for n in 1..=self::View::ALL.len() as u8 {
            bindings.push((Key::ch(char::from(b'0' + n)), View(n)));
        }
        bindings.push((Key::ch('9'), Reports));
        bindings.push((Key::ch('['), PeriodEarlier));
        bindings.push((Key::ch(']'), PeriodLater));
        bindings.push((Key::ch('P'), PeriodLength));
        Keymap { bindings }
    }
}

impl Keymap {
    /// Applies the configuration's `[keys]` table: each named action gets exactly the keys listed
    /// (replacing its defaults, and taken away from any other action). Returns what it could not
    /// read, for the user to fix.
    pub fn with_overrides(
        mut self,
        overrides: &std::collections::BTreeMap<String, Vec<String>>,
    ) -> (Keymap, Vec<String>) {
        let mut problems = Vec::new();
        for (name, keys) in overrides {
            let Some(action) = Action::from_name(name) else {
                problems.push(format!("[keys] {name}: no such action ({})", Action::names().join(", ")));
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
            self.bindings.retain(|(k, a)| *a != action && !parsed.contains(k));
            self.bindings.extend(parsed.into_iter().map(|k| (k, action)));
        }
        (self, problems)
    }

    pub fn action(&self, key: KeyEvent) -> Option<Action> {
        // Shift is part of the character for letters and symbols ('G', '?').
        let mods = key.modifiers - KeyModifiers::SHIFT;
        self.bindings.iter().find(|(k, _)| k.code == key.code && k.mods == mods).map(|(_, a)| *a)
    }

    /// The keys bound to an action, as shown to people: `j ↓`.
    pub fn keys(&self, action: Action) -> Vec<String> {
        self.bindings.iter().filter(|(_, a)| *a == action).map(|(k, _)| k.name()).collect()
    }

    /// The first key bound to an action, for hints: `j`.
    pub fn first_key(&self, action: Action) -> String {
        self.keys(action).into_iter().next().unwrap_or_default()
    }

    /// Every action once, in table order, with its keys: the help overlay.
    pub fn help(&self, lang: Lang) -> Vec<(String, &'static str)> {
        let mut seen = Vec::new();
        let mut lines = Vec::new();
        for (_, action) in &self.bindings {
            if !seen.contains(action) {
                seen.push(*action);
                lines.push((self.keys(*action).join(" "), action.describe(lang)));
            }
        }
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    #[test]
    fn keys_map_to_actions() {
        let map = Keymap::default();
        let cases = [
            (key(KeyCode::Char('j'), KeyModifiers::NONE), Some(Action::Down)),
            (key(KeyCode::Down, KeyModifiers::NONE), Some(Action::Down)),
            (key(KeyCode::Char('G'), KeyModifiers::SHIFT), Some(Action::Bottom)),
            (key(KeyCode::Char('?'), KeyModifiers::SHIFT), Some(Action::Help)),
            (key(KeyCode::BackTab, KeyModifiers::SHIFT), Some(Action::PrevPane)),
            (key(KeyCode::Char('c'), KeyModifiers::CONTROL), Some(Action::Quit)),
            (key(KeyCode::Char('3'), KeyModifiers::NONE), Some(Action::View(3))),
            (key(KeyCode::Char('z'), KeyModifiers::NONE), None),
        ];
        for (event, want) in cases {
            assert_eq!(map.action(event), want, "{event:?}");
        }
    }

    #[test]
    fn help_lists_every_action_with_all_its_keys() {
        let help = Keymap::default().help(Lang::En);
        assert!(help.contains(&("k ↑".to_string(), "up")), "{help:?}");
        assert!(help.contains(&("q Ctrl-c".to_string(), "quit")), "{help:?}");
        assert!(help.contains(&("/".to_string(), "search")), "{help:?}");
        assert!(help.iter().any(|(k, d)| k == "1" && *d == "My inbox"));
    }

    #[test]
    fn overrides_replace_an_actions_keys_and_show_in_help() {
        let mut overrides = std::collections::BTreeMap::new();
        overrides.insert("quit".to_string(), vec!["x".to_string(), "ctrl-q".to_string()]);
        overrides.insert("search".to_string(), vec!["F3".to_string()]);
        overrides.insert("nonsense".to_string(), vec!["z".to_string()]);
        overrides.insert("help".to_string(), vec!["ctrl-".to_string(), "h".to_string()]);
        let (map, problems) = Keymap::default().with_overrides(&overrides);
        assert_eq!(map.action(key(KeyCode::Char('x'), KeyModifiers::NONE)), Some(Action::Quit));
        assert_eq!(map.action(key(KeyCode::Char('q'), KeyModifiers::CONTROL)), Some(Action::Quit));
        assert_eq!(map.action(key(KeyCode::Char('q'), KeyModifiers::NONE)), None, "the default is gone");
        assert_eq!(map.action(key(KeyCode::F(3), KeyModifiers::NONE)), Some(Action::Search));
        // `h` moved from previous-pane to help.
        assert_eq!(map.action(key(KeyCode::Char('h'), KeyModifiers::NONE)), Some(Action::Help));
        let help = map.help(Lang::En);
        assert!(help.contains(&("x Ctrl-q".to_string(), "quit")), "{help:?}");
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].contains("cannot read key `ctrl-`") || problems[1].contains("cannot read key"));
        assert!(problems.iter().any(|p| p.contains("nonsense")));
    }

    #[test]
    fn action_names_round_trip() {
        for action in Action::all() {
            assert_eq!(Action::from_name(&action.name()), Some(action), "{}", action.name());
        }
        assert_eq!(Action::CycleSort.name(), "cycle_sort");
        assert_eq!(Action::View(3).name(), "view3");
    }
}
