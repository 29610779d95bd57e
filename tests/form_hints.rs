//! What the console's date fields show as examples under their labels is what they read: every
//! example in every hint of every date field, in both languages, through `when::parse`.

use chrono::NaiveDate;
use liaison::domain::when;
use liaison::domain::*;
use liaison::i18n::Lang;
use liaison::tui::form::fields::build;
use liaison::tui::form::kinds::Env;
use liaison::tui::form::{FormKind, Kind};

const NAMED_DAYS: [&str; 9] =
    ["today", "tomorrow", "yesterday", "今天", "明天", "昨天", "今日", "明日", "昨日"];

/// `Empty: now; or 10-25 14:00, today 10:00` → `10-25 14:00`, `today 10:00`: the pieces between
/// the separators that start like a date (a digit, `+` or a named day), parentheses left out.
fn examples(hint: &str) -> Vec<String> {
    let mut text = String::new();
    let mut depth = 0;
    for c in hint.chars() {
        match c {
            '(' | '（' => depth += 1,
            ')' | '）' if depth > 0 => depth -= 1,
            _ if depth == 0 => text.push(c),
            _ => {}
        }
    }
    let text = text.replace(" or ", ",").replace(" 或 ", ",").replace(": ", ",");
    text.split([',', ';', '、', '；', '：'])
        .map(|piece| {
            let mut piece = piece.trim();
            while let Some(rest) =
                ["or ", "e.g. ", "如", "或"].iter().find_map(|lead| piece.strip_prefix(lead))
            {
                piece = rest.trim();
            }
            piece.to_string()
        })
        .filter(|piece| {
            let first = piece.split_whitespace().next().unwrap_or("").to_lowercase();
            piece.starts_with(|c: char| c.is_ascii_digit() || c == '+')
                || NAMED_DAYS.contains(&first.as_str())
        })
        .collect()
}

#[test]
fn the_examples_are_split_out_of_a_hint() {
    assert_eq!(examples("Empty: now; or 10-25 14:00, today 10:00"), ["10-25 14:00", "today 10:00"]);
    assert_eq!(examples("留空为现在；或如 10-25 14:00、今天 10:00"), ["10-25 14:00", "今天 10:00"]);
    assert_eq!(
        examples("2026-10-30, 10-30, +3d or +2wd (working days)"),
        ["2026-10-30", "10-30", "+3d", "+2wd"]
    );
    assert_eq!(examples("可选：如 10-30、+2wd"), ["10-30", "+2wd"]);
}

#[test]
fn every_example_a_date_field_shows_is_read() {
    let me =
        Person {
            login: "li".into(), display_name: "李经理".into(), dept: "MKT".into(), role: Role::Admin
        };
    let people = vec![me.clone()];
    let departments = vec![Department { code: "MKT".into(), name: "市场部".into(), head: None }];
    let calendar = Calendar::china();
    let now = NaiveDate::from_ymd_opt(2026, 9, 30).and_then(|d| d.and_hms_opt(10, 0, 0)).expect("a time");
    let mut read = 0;
    for lang in [Lang::En, Lang::Zh] {
        let env = Env {
            me: &me,
            people: &people,
            departments: &departments,
            calendar: &calendar,
            now,
            lang,
            record: None,
        };
        for kind in FormKind::ALL {
            for field in build(kind, &env).fields {
                let (Kind::Date(ahead), Some((en, zh))) = (&field.spec.kind, field.spec.hint) else {
                    continue;
                };
                let hint = lang.pick(en, zh);
                let shown = examples(hint);
                assert!(!shown.is_empty(), "{kind:?} {}: no example found in {hint:?}", field.spec.id);
                for example in shown {
                    let got = when::parse(&example, now, &calendar, *ahead);
                    assert!(
                        got.is_ok(),
                        "{kind:?} {}: the hint shows {example:?}, which is refused",
                        field.spec.id
                    );
                    read += 1;
                }
            }
        }
    }
    assert!(read >= 10, "only {read} examples were found in the hints");
}
