use super::*;

fn key(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
    KeyEvent::new(code, mods)
}

fn plain(code: KeyCode) -> KeyEvent {
    key(code, KeyModifiers::NONE)
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
        assert_eq!(map.main_action(event), want, "{event:?}");
    }
}

#[test]
fn each_context_has_its_own_keys_and_text_editing_comes_after() {
    let map = Keymap::default();
    let ctrl = |c| key(KeyCode::Char(c), KeyModifiers::CONTROL);
    assert_eq!(map.action(Context::Main, ctrl('u')), Some(Action::PageUp));
    assert_eq!(map.action(Context::Form, ctrl('u')), Some(Action::DeleteToStart));
    assert_eq!(map.action(Context::Search, ctrl('w')), Some(Action::DeleteWord));
    assert_eq!(map.action(Context::Palette, ctrl('a')), Some(Action::LineStart));
    assert_eq!(map.action(Context::Picker, plain(KeyCode::Enter)), Some(Action::Choose));
    assert_eq!(map.action(Context::Form, plain(KeyCode::Enter)), None, "Enter is typed into the field");
    assert_eq!(map.action(Context::Form, key(KeyCode::Char('q'), KeyModifiers::NONE)), None, "q is typed");
    assert_eq!(map.action(Context::Conflict, plain(KeyCode::Char('o'))), Some(Action::Overwrite));
    assert_eq!(map.action(Context::Conflict, ctrl('u')), None, "no text is typed in a dialog");
    assert_eq!(map.action(Context::Confirm, plain(KeyCode::Esc)), Some(Action::No));
    assert_eq!(map.action(Context::Form, key(KeyCode::Left, KeyModifiers::ALT)), Some(Action::WordLeft));
}

#[test]
fn help_has_a_section_per_context_with_every_key() {
    let help = Keymap::default().help(Context::Form, Lang::En);
    assert_eq!(help[0].context, Context::Form, "the section of where help was opened comes first");
    for context in Context::ALL {
        assert!(help.iter().any(|s| s.context == context), "{context:?} has a section");
    }
    let main = help.iter().find(|s| s.context == Context::Main).expect("main");
    assert!(main.entries.contains(&("k ↑".to_string(), "up")), "{main:?}");
    assert!(main.entries.contains(&("q Ctrl-C".to_string(), "quit")), "{main:?}");
    assert!(main.entries.iter().any(|(k, d)| k == "1" && *d == "My inbox"));
    let line = help.iter().find(|s| s.context == Context::Line).expect("line");
    assert!(line.entries.contains(&("Ctrl-U".to_string(), "delete to the start of the line")), "{line:?}");
    let conflict = help.iter().find(|s| s.context == Context::Conflict).expect("conflict");
    assert!(conflict.entries.contains(&("Esc".to_string(), "back to the form")), "{conflict:?}");
}

#[test]
fn overrides_replace_an_actions_keys_and_show_in_help_and_hints() {
    let mut overrides = BTreeMap::new();
    overrides.insert("quit".to_string(), vec!["x".to_string(), "ctrl-q".to_string()]);
    overrides.insert("search".to_string(), vec!["F3".to_string()]);
    overrides.insert("nonsense".to_string(), vec!["z".to_string()]);
    overrides.insert("help".to_string(), vec!["ctrl-".to_string(), "h".to_string()]);
    overrides.insert("form.submit".to_string(), vec!["ctrl-x".to_string()]);
    overrides.insert("conflict.overwrite".to_string(), vec!["w".to_string()]);
    overrides.insert("line.delete_word".to_string(), vec!["alt-d".to_string()]);
    overrides.insert("nowhere.submit".to_string(), vec!["x".to_string()]);
    overrides.insert("form.quit".to_string(), vec!["x".to_string()]);
    let (map, problems) = Keymap::default().with_overrides(&overrides);
    assert_eq!(map.main_action(plain(KeyCode::Char('x'))), Some(Action::Quit));
    assert_eq!(map.main_action(key(KeyCode::Char('q'), KeyModifiers::CONTROL)), Some(Action::Quit));
    assert_eq!(map.main_action(plain(KeyCode::Char('q'))), None, "the default is gone");
    assert_eq!(map.main_action(plain(KeyCode::F(3))), Some(Action::Search));
    // `h` moved from previous-pane to help.
    assert_eq!(map.main_action(plain(KeyCode::Char('h'))), Some(Action::Help));
    let ctrl = |c| key(KeyCode::Char(c), KeyModifiers::CONTROL);
    assert_eq!(map.action(Context::Form, ctrl('x')), Some(Action::Submit));
    assert_eq!(map.action(Context::Form, ctrl('s')), None);
    assert_eq!(map.action(Context::Conflict, plain(KeyCode::Char('w'))), Some(Action::Overwrite));
    assert_eq!(map.action(Context::Conflict, plain(KeyCode::Char('o'))), None);
    assert_eq!(
        map.action(Context::Search, key(KeyCode::Char('d'), KeyModifiers::ALT)),
        Some(Action::DeleteWord)
    );
    assert_eq!(map.action(Context::Search, ctrl('w')), None);
    let help = map.help(Context::Main, Lang::En);
    assert!(help[0].entries.contains(&("x Ctrl-Q".to_string(), "quit")), "{:?}", help[0]);
    assert!(map.hints(Context::Form, Lang::En).contains(&"Ctrl-X submit".to_string()));
    assert!(map.hints(Context::Conflict, Lang::Zh).contains(&"w 覆盖".to_string()));
    assert_eq!(problems.len(), 4, "{problems:?}");
    assert!(problems.iter().any(|p| p.contains("cannot read key `ctrl-`")));
    assert!(problems.iter().any(|p| p.contains("nonsense")));
    assert!(problems.iter().any(|p| p.contains("nowhere")));
    assert!(problems.iter().any(|p| p.contains("form.quit")));
}

#[test]
fn action_names_round_trip_in_every_context() {
    for context in Context::ALL {
        for action in context.actions() {
            let found = context.actions().into_iter().find(|a| a.name() == action.name());
            assert_eq!(found, Some(action), "{}.{}", context.name(), action.name());
        }
    }
    assert_eq!(Action::CycleSort.name(), "cycle_sort");
    assert_eq!(Action::View(3).name(), "view3");
    assert_eq!(Action::KeepAsComment.name(), "keep_as_comment");
}

#[test]
fn every_action_of_a_context_has_a_default_key() {
    let map = Keymap::default();
    for context in Context::ALL {
        for action in context.actions() {
            assert!(
                !map.keys_in(context, action).is_empty(),
                "{}.{} has no key",
                context.name(),
                action.name()
            );
        }
    }
}

#[test]
fn keys_read_and_print_alike() {
    for text in ["q", "Ctrl-R", "Alt-B", "Shift-Tab", "F5", "Space", "Backspace", "Alt-Backspace", "G"] {
        let key = Key::parse(text).unwrap_or_else(|| panic!("{text}"));
        assert_eq!(Key::parse(&key.name()), Some(key), "{text}");
    }
}
