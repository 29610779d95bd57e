//! Fixtures for `tests/console.rs`: a demo database at a fixed moment, the console opened on it,
//! scripted key and mouse events, and the screen drawn on `TestBackend` as plain text.

// Each test binary that includes this module uses part of it.
#![allow(dead_code)]

use std::path::PathBuf;

use chrono::{NaiveDate, NaiveDateTime};
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use liaison::demo::Demo;
use liaison::domain::{Actor, Department, Person, Role};
use liaison::i18n::Lang;
use liaison::store::{Ctx, Store};
use liaison::tui::app::App;
use liaison::tui::view::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::{Buffer, CellDiffOption};
use ratatui::layout::{Position, Rect};
use tempfile::TempDir;
use unicode_width::UnicodeWidthStr;

/// How many demo issues the fixture holds, and the demo's seed.
pub const ISSUES: usize = 60;
pub const SEED: u64 = 7;

/// The fixed "now" of every test: Friday 2026-11-20 10:00 (never the wall clock).
pub fn now() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, 20).and_then(|d| d.and_hms_opt(10, 0, 0)).expect("a valid date")
}

/// The admin `init` creates: 周协调 of 运营部.
pub fn admin() -> Person {
    Person { login: "zhou".into(), display_name: "周协调".into(), dept: "OPS".into(), role: Role::Admin }
}

pub fn ctx(person: &Person, now: NaiveDateTime) -> Ctx {
    Ctx { actor: Actor { person: person.clone(), on_behalf_of: None }, now, lang: Lang::Zh }
}

/// A database file in a temporary directory, set up with or without the demo data.
pub struct Fixture {
    _dir: TempDir,
    pub path: PathBuf,
    pub demo: Demo,
}

impl Fixture {
    /// `init` plus the demo: 8 departments, 40 people, `ISSUES` issues.
    pub fn demo() -> Fixture {
        Fixture::new(true)
    }

    /// `init` only: one department, one admin, no issue.
    pub fn empty() -> Fixture {
        Fixture::new(false)
    }

    fn new(with_demo: bool) -> Fixture {
        let dir = tempfile::Builder::new().prefix("console").tempdir().expect("a temporary directory");
        let path = dir.path().join("liaison.db");
        let mut store = Store::open(&path).expect("the database opens");
        let ops = Department { code: "OPS".into(), name: "运营部".into(), head: None };
        store.init(now(), &ops, &admin()).expect("init");
        if with_demo {
            liaison::demo::load(&mut store, &admin(), Lang::Zh, ISSUES, SEED, now()).expect("the demo loads");
        }
        Fixture { _dir: dir, path, demo: Demo::new(SEED) }
    }

    /// A second, independent connection to the same file: "another person's" program.
    pub fn store(&self) -> Store {
        Store::open(&self.path).expect("the database opens")
    }

    /// The console as `me`, at the fixed now.
    pub fn app(&self, me: &Person, lang: Lang) -> App {
        App::new(self.store(), me.clone(), lang, now()).expect("the console opens")
    }

    /// The first member of a demo department.
    pub fn member(&self, dept: &str) -> Person {
        self.demo
            .people
            .iter()
            .find(|p| p.dept == dept && p.role == Role::Member)
            .cloned()
            .unwrap_or_else(|| panic!("a member of {dept}"))
    }

    /// The first member of 研发部: involved in many demo issues, so the inbox has content.
    pub fn rd_member(&self) -> Person {
        self.member("RD")
    }
}

// ---------------------------------------------------------------------------------------------
// Input

pub fn key(code: KeyCode) -> Event {
    Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

pub fn ch(c: char) -> Event {
    // Typed capitals and symbols arrive with Shift, as crossterm reports them.
    let mods =
        if c.is_ascii_uppercase() || "?:".contains(c) { KeyModifiers::SHIFT } else { KeyModifiers::NONE };
    Event::Key(KeyEvent::new(KeyCode::Char(c), mods))
}

/// Sends each event through `handle_event`, as the loop would.
pub fn send(app: &mut App, events: impl IntoIterator<Item = Event>) {
    for event in events {
        liaison::tui::handle_event(app, event);
    }
}

/// Types text one character at a time.
pub fn type_text(app: &mut App, text: &str) {
    send(app, text.chars().map(ch));
}

/// Presses the keys written as characters: `"8jj"` is view 8, then down twice.
pub fn press(app: &mut App, keys: &str) {
    type_text(app, keys);
}

pub fn mouse(kind: MouseEventKind, column: u16, row: u16) -> Event {
    Event::Mouse(MouseEvent { kind, column, row, modifiers: KeyModifiers::NONE })
}

pub fn click(column: u16, row: u16) -> Event {
    mouse(MouseEventKind::Down(MouseButton::Left), column, row)
}

// ---------------------------------------------------------------------------------------------
// The screen

/// One drawing of the console.
pub struct Drawn {
    /// What the terminal shows: the test backend's cells after ratatui's diff, which never
    /// writes a cell covered by the wide character before it.
    pub screen: Buffer,
    /// What the widgets drew into the frame, before the diff: a cell written under a wide
    /// character (a border drawn over half of a Chinese character) is still there.
    pub frame: Buffer,
    /// Where the frame put the terminal's cursor (`None`: hidden at the fresh terminal's origin).
    pub cursor: Option<Position>,
}

/// Draws the console once on a `width`×`height` test terminal (monochrome theme), as `run_loop`
/// does: the state learns the terminal's area first, for mouse hit-testing.
pub fn draw_all(app: &mut App, width: u16, height: u16) -> Drawn {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("a test terminal");
    app.state.area = Rect::new(0, 0, width, height);
    let frame = terminal
        .draw(|f| liaison::tui::view::draw(f, &app.state, &Theme::monochrome()))
        .expect("the screen draws")
        .buffer
        .clone();
    let cursor = terminal.get_cursor_position().expect("the cursor position");
    let screen = terminal.backend().buffer().clone();
    Drawn { screen, frame, cursor: (cursor != Position::ORIGIN).then_some(cursor) }
}

/// What the terminal shows.
pub fn draw(app: &mut App, width: u16, height: u16) -> Buffer {
    draw_all(app, width, height).screen
}

/// The cells of one row that are drawn: a cell hidden behind a wide character is left out.
fn visible_cells(buffer: &Buffer, y: u16) -> Vec<(u16, &str)> {
    let mut out = Vec::new();
    let mut hidden = 0usize;
    for x in 0..buffer.area.width {
        let cell = &buffer[(x, y)];
        if hidden > 0 {
            hidden -= 1;
            continue;
        }
        if cell.diff_option == CellDiffOption::Skip {
            continue;
        }
        out.push((x, cell.symbol()));
        hidden = cell.symbol().width().saturating_sub(1);
    }
    out
}

/// The screen as text, one line per row, as the terminal shows it.
pub fn lines(buffer: &Buffer) -> Vec<String> {
    (0..buffer.area.height).map(|y| visible_cells(buffer, y).iter().map(|(_, s)| *s).collect()).collect()
}

/// Problems with the width of each row: a row that is not exactly the terminal's width in
/// display columns, a wide character cut at the right edge, or a cell hidden behind a wide
/// character that still holds something (half of a character overwritten).
pub fn width_problems(buffer: &Buffer) -> Vec<String> {
    let mut problems = Vec::new();
    let width = usize::from(buffer.area.width);
    for y in 0..buffer.area.height {
        let cells = visible_cells(buffer, y);
        let used: usize = cells.iter().map(|(_, s)| s.width()).sum();
        let text: String = cells.iter().map(|(_, s)| *s).collect();
        if used != width {
            problems.push(format!("row {y} is {used} columns wide, not {width}: {text:?}"));
        }
        if let Some((x, s)) = cells.last()
            && usize::from(*x) + s.width() > width
        {
            problems.push(format!("row {y} ends with half of {s:?} at column {x}: {text:?}"));
        }
        if text.width() != width {
            problems.push(format!("row {y} displays {} columns, not {width}: {text:?}", text.width()));
        }
        let mut hidden = 0usize;
        for x in 0..buffer.area.width {
            let cell = &buffer[(x, y)];
            if hidden > 0 {
                if cell.symbol() != " " && !cell.symbol().is_empty() {
                    problems.push(format!(
                        "row {y} column {x}: {:?} is hidden behind a wide character: {text:?}",
                        cell.symbol()
                    ));
                }
                hidden -= 1;
                continue;
            }
            hidden = cell.symbol().width().saturating_sub(1);
        }
    }
    problems
}

/// What a reviewer needs besides the picture: where the selection is and what is focused.
pub fn caption(app: &App) -> String {
    let s = &app.state;
    let selected = match s.selected_row() {
        Some(row) => format!("{}/{} {}", s.list.selected + 1, s.list.total, row.number),
        None => format!("none of {}", s.list.total),
    };
    format!(
        "view {:?} · focus {:?} · sort {:?} · selected {selected} · query {:?}",
        s.list.view,
        s.focus,
        s.list.sort,
        s.list.query.as_str()
    )
}

/// The screen for a snapshot: the caption, then every row between quotes (so trailing blanks
/// show), then anything drawn that the terminal cannot show.
pub fn screen_text(app: &mut App, width: u16, height: u16) -> String {
    let Drawn { screen: buffer, frame, cursor } = draw_all(app, width, height);
    let mut out = caption(app);
    if let Some(Position { x, y }) = cursor {
        out.push_str(&format!(" · cursor at column {x}, row {y}"));
    }
    out.push('\n');
    for line in lines(&buffer) {
        out.push('"');
        out.push_str(&line);
        out.push_str("\"\n");
    }
    // Anything the widgets drew that the terminal cannot show (under half of a wide character).
    for problem in width_problems(&frame) {
        out.push_str(&format!("! not shown: {problem}\n"));
    }
    out
}

/// Insta settings for screens: the database path (a temporary directory) in the status bar,
/// whole or cut short, becomes `[DB]`.
pub fn settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(r#"│ /[^"\n]*"#, "│ [DB]");
    // Where an overlay leaves only the end of the database's temporary path.
    settings.add_filter(r"\S*liaison\.db", "[DB]");
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings
}

/// The list of every view's key and name, for loops over the eight lists.
pub const VIEWS: [(char, &str); 8] = [
    ('1', "inbox"),
    ('2', "open"),
    ('3', "department"),
    ('4', "deadlines"),
    ('5', "escalated"),
    ('6', "awaiting"),
    ('7', "archived"),
    ('8', "all"),
];

pub fn lang_name(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "zh",
        Lang::En => "en",
    }
}
