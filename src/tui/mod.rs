//! The full-screen console: three panes over the same library the command line calls.
//!
//! The loop is generic over the terminal backend and the source of input events, so whole flows
//! run headless in tests on `TestBackend` with scripted keys.

pub mod app;
pub mod keymap;
pub mod view;

use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crossterm::event::{
    self, DisableBracketedPaste, EnableBracketedPaste, Event, KeyCode, KeyEventKind, KeyModifiers,
};
use ratatui::Terminal;
use ratatui::backend::Backend;

use app::{App, SearchEdit};
use view::Theme;

/// How often the console looks for other people's changes.
pub const POLL: Duration = Duration::from_millis(250);

/// Where input comes from: the terminal, or a script in tests.
pub trait Input {
    /// The next event, or `None` if none came within `timeout`. An error ends the console.
    fn next(&mut self, timeout: Duration) -> io::Result<Option<Event>>;
}

/// The real terminal.
pub struct Crossterm;

impl Input for Crossterm {
    fn next(&mut self, timeout: Duration) -> io::Result<Option<Event>> {
        if event::poll(timeout)? { event::read().map(Some) } else { Ok(None) }
    }
}

/// Set by SIGTERM and SIGHUP: the loop notices within one poll and restores the terminal.
static STOP: AtomicBool = AtomicBool::new(false);

extern "C" fn on_signal(_: libc::c_int) {
    STOP.store(true, Ordering::SeqCst);
}

fn install_signal_handlers() {
    for signal in [libc::SIGTERM, libc::SIGHUP] {
        // SAFETY: the handler only stores to an atomic, which is async-signal-safe.
        unsafe {
            libc::signal(signal, on_signal as *const () as libc::sighandler_t);
        }
    }
}

/// Runs the console on the real terminal until the user quits, then restores the terminal on
/// every path (ratatui's panic hook covers panics).
pub fn run(app: &mut App) -> io::Result<()> {
    install_signal_handlers();
    let mut terminal = ratatui::init();
    let _ = crossterm::execute!(io::stdout(), EnableBracketedPaste);
    let result = run_loop(&mut terminal, app, &mut Crossterm, &Theme::from_env(), crate::cli::now);
    let _ = crossterm::execute!(io::stdout(), DisableBracketedPaste);
    ratatui::restore();
    result
}

/// The loop: draw, wait for input or the next poll, update.
pub fn run_loop<B: Backend>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    input: &mut impl Input,
    theme: &Theme,
    clock: impl Fn() -> chrono::NaiveDateTime,
) -> io::Result<()>
where
    io::Error: From<B::Error>,
{
    let mut last_poll = Instant::now();
    while !app.state.quit && !STOP.load(Ordering::SeqCst) {
        terminal.draw(|frame| view::draw(frame, &app.state, theme))?;
        let wait = POLL.saturating_sub(last_poll.elapsed());
        if let Some(event) = input.next(wait)? {
            handle_event(app, event);
        }
        if last_poll.elapsed() >= POLL {
            app.tick(clock());
            last_poll = Instant::now();
        }
    }
    Ok(())
}

/// One input event: typed into the search line while searching, else through the keymap.
pub fn handle_event(app: &mut App, event: Event) {
    match event {
        Event::Key(key) if key.kind != KeyEventKind::Release => {
            if app.state.searching {
                let edit = match key.code {
                    KeyCode::Enter => Some(SearchEdit::Done),
                    KeyCode::Esc => Some(SearchEdit::Cancel),
                    KeyCode::Backspace => Some(SearchEdit::Backspace),
                    KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                        Some(SearchEdit::Clear)
                    }
                    KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                        Some(SearchEdit::Insert(c))
                    }
                    _ => None,
                };
                if let Some(edit) = edit {
                    app.search_input(edit);
                }
            } else if let Some(action) = app.state.keymap.action(key) {
                app.handle(action);
            }
        }
        Event::Paste(text) if app.state.searching => app.search_input(SearchEdit::Paste(text)),
        _ => {}
    }
}
