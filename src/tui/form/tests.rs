//! The form engine driven by keys: every kind of field, line editing, paste and the external editor.

use super::*;

use crossterm::event::KeyModifiers;

fn press(form: &mut Form, code: KeyCode) -> Outcome {
    form.press(&Keymap::default(), KeyEvent::new(code, KeyModifiers::NONE))
}

fn ctrl(form: &mut Form, c: char) -> Outcome {
    form.press(&Keymap::default(), KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

fn typed(form: &mut Form, text: &str) {
    for c in text.chars() {
        press(form, KeyCode::Char(c));
    }
}

fn sample() -> Form {
    let people = vec![
        Item::new("zhangsan", "张三 zhangsan · RD", &["张三"]),
        Item::new("lisi", "李四 lisi · QA", &["李四"]),
    ];
    let fields = vec![
        Field::new(Spec::new("title", "Title", "标题", Kind::Line).required(), ""),
        Field::new(Spec::new("body", "Body", "内容", Kind::Prose), ""),
        Field::new(
            Spec::new(
                "state",
                "State",
                "状态",
                Kind::Choice(vec![("a".into(), "A".into()), ("b".into(), "B".into())]),
            ),
            "b",
        ),
        Field::new(Spec::new("pct", "Percent", "进度", Kind::Percent), ""),
        Field::new(Spec::new("who", "Who", "谁", Kind::Pick { items: people, multi: true, free: false }), ""),
    ];
    Form {
        kind: FormKind::Comment,
        number: Some("X-1".into()),
        base_version: Some(3),
        base_event: Some(10),
        preamble: Vec::new(),
        fields,
        focus: 0,
        picker: None,
    }
}

#[test]
fn keys_fill_every_kind_of_field() {
    let mut form = sample();
    typed(&mut form, "标题");
    press(&mut form, KeyCode::Enter);
    typed(&mut form, "第一行");
    press(&mut form, KeyCode::Enter);
    typed(&mut form, "第二行");
    press(&mut form, KeyCode::Tab);
    assert_eq!(form.field("state").map(Field::value).as_deref(), Some("b"));
    press(&mut form, KeyCode::Left);
    press(&mut form, KeyCode::Tab);
    typed(&mut form, "5x0");
    press(&mut form, KeyCode::Tab);
    // The picker: initials find 张三, Space takes him, Enter on an empty query closes it.
    typed(&mut form, "zs");
    assert!(form.picker.is_some());
    press(&mut form, KeyCode::Char(' '));
    typed(&mut form, "li");
    press(&mut form, KeyCode::Enter);
    press(&mut form, KeyCode::Enter);
    assert!(form.picker.is_none());
    let values = form.draft().values;
    assert_eq!(
        values,
        vec![
            ("title".to_string(), "标题".to_string()),
            ("body".into(), "第一行\n第二行".into()),
            ("state".into(), "a".into()),
            ("pct".into(), "50".into()),
            ("who".into(), "zhangsan,lisi".into()),
        ]
    );
    assert_eq!(
        form.field("who").map(Field::picked_labels).as_deref(),
        Some("张三 zhangsan · RD, 李四 lisi · QA")
    );
    let mut again = sample();
    again.fill(&values);
    assert_eq!(again.draft(), form.draft(), "a draft rebuilds the form");
    assert_eq!(ctrl(&mut form, 's'), Outcome::Submit);
    assert_eq!(press(&mut form, KeyCode::Esc), Outcome::Cancel);
}

#[test]
fn line_editing_keys_work_in_fields_and_choices_stop_at_their_ends() {
    let mut form = sample();
    typed(&mut form, "接口 超时 报错");
    assert_eq!(ctrl(&mut form, 'w'), Outcome::Editing { changed: true });
    assert_eq!(form.text("title"), "接口 超时");
    ctrl(&mut form, 'a');
    typed(&mut form, "新");
    ctrl(&mut form, 'e');
    typed(&mut form, "!");
    assert_eq!(form.text("title"), "新接口 超时 !");
    assert_eq!(ctrl(&mut form, 'u'), Outcome::Editing { changed: true });
    assert_eq!(form.text("title"), "", "Ctrl-U clears the line, not one character");
    ctrl(&mut form, 'z');
    assert_eq!(form.text("title"), "新接口 超时 !");
    // The choice opened on its second value: ← goes to the first and stops there.
    press(&mut form, KeyCode::Tab);
    press(&mut form, KeyCode::Tab);
    assert_eq!(form.focused().map(|f| f.spec.id), Some("state"));
    press(&mut form, KeyCode::Left);
    press(&mut form, KeyCode::Left);
    assert_eq!(form.field("state").map(Field::value).as_deref(), Some("a"), "no wrap to the last");
    press(&mut form, KeyCode::Right);
    press(&mut form, KeyCode::Right);
    assert_eq!(form.field("state").map(Field::value).as_deref(), Some("b"));
}

#[test]
fn paste_and_the_external_editor_replace_text() {
    let mut form = sample();
    assert!(form.paste("粘贴\n的文字"));
    assert_eq!(form.text("title"), "粘贴 的文字", "one line stays one line");
    press(&mut form, KeyCode::Tab);
    assert!(form.replace_focused("写在编辑器里\n第二行\n"));
    assert_eq!(form.text("body"), "写在编辑器里\n第二行");
    assert!(!form.replace_focused("写在编辑器里\n第二行"), "nothing changed");
}
