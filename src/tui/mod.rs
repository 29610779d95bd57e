//! The full-screen console: three panes over the same library the command line calls.
//!
//! The loop is generic over the terminal backend and the source of input events, so whole flows
//! run headless in tests on `TestBackend` with scripted keys.

pub mod app;
mod commands;
pub mod draft;
pub mod editing;
mod external;
pub mod form;
mod input;
pub mod keymap;
pub mod line;
pub mod list;
pub mod overlay;
pub mod palette;
pub mod reports;
pub mod view;
pub mod welcome;

use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crossterm::event::{
    self, DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture, Event,
    KeyEventKind, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::Terminal;
use ratatui::backend::Backend;

use app::{App, Effect};
use view::Theme;

use crate::i18n::Lang;

/// How often the console looks for other people's changes.
pub const POLL: Duration = Duration::from_millis(250);

/// How often the console looks for a report being computed.
pub const REPORT_POLL: Duration = Duration::from_millis(20);

/// Where input comes from: the terminal, or a script in tests.
pub trait Input {
    /// The next event, or `None` if none came within `timeout`. An error ends the console.
    fn next(&mut self, timeout: Duration) -> io::Result<Option<Event>>;

    /// Takes the mouse from the terminal, or gives it back for the terminal's own selection.
    fn capture_mouse(&mut self, _on: bool) {}

    /// Puts text on the clipboard of the user's terminal.
    fn copy(&mut self, _text: &str) -> io::Result<()> {
        Ok(())
    }

    /// Lets the user edit `text` in their own editor; `None` when it cannot run here.
    fn edit(&mut self, _text: &str) -> io::Result<Option<String>> {
        Ok(None)
    }
}

/// The real terminal.
#[derive(Default)]
pub struct Crossterm {
    mouse: bool,
}

impl Input for Crossterm {
    fn next(&mut self, timeout: Duration) -> io::Result<Option<Event>> {
        if event::poll(timeout)? { event::read().map(Some) } else { Ok(None) }
    }

    fn capture_mouse(&mut self, on: bool) {
        self.mouse = on;
        let _ = if on {
            crossterm::execute!(io::stdout(), EnableMouseCapture)
        } else {
            crossterm::execute!(io::stdout(), DisableMouseCapture)
        };
    }

    fn copy(&mut self, text: &str) -> io::Result<()> {
        use std::io::Write;
        let mut out = io::stdout();
        out.write_all(external::osc52(text).as_bytes())?;
        out.flush()
    }

    fn edit(&mut self, text: &str) -> io::Result<Option<String>> {
        let mouse = self.mouse;
        let _ = crossterm::execute!(io::stdout(), DisableMouseCapture, DisableBracketedPaste);
        ratatui::restore();
        let result = external::edit(text);
        // Back to the console whatever the editor did.
        let _ = crossterm::terminal::enable_raw_mode();
        let _ = crossterm::execute!(
            io::stdout(),
            crossterm::terminal::EnterAlternateScreen,
            EnableBracketedPaste
        );
        if mouse {
            let _ = crossterm::execute!(io::stdout(), EnableMouseCapture);
        }
        result.map(Some)
    }
}

/// Set by SIGTERM and SIGHUP: the loop notices within one poll and restores the terminal.
static STOP: AtomicBool = AtomicBool::new(false);

extern "C" fn on_signal(_: libc::c_int) {
    STOP.store(true, Ordering::SeqCst);
}

/// The draft of the form being typed, as last changed: a hang-up can leave the main thread inside
/// a terminal read that never returns, so the watchdog writes it out from here.
static LAST_DRAFT: std::sync::Mutex<Option<(std::path::PathBuf, draft::Draft)>> = std::sync::Mutex::new(None);

/// Records the latest draft for the watchdog (cheap: no I/O).
pub fn remember_draft(path: &std::path::Path, d: Option<draft::Draft>) {
    if let Ok(mut last) = LAST_DRAFT.lock() {
        *last = d.map(|d| (path.to_path_buf(), d));
    }
}

/// After SIGTERM or SIGHUP the loop normally ends within one poll. If the terminal is gone the
/// main thread may never come back from reading it; then this thread saves the draft and ends
/// the process, so nothing spins on a dead terminal.
fn start_watchdog() {
    std::thread::spawn(|| {
        while !STOP.load(Ordering::SeqCst) {
            std::thread::sleep(Duration::from_millis(100));
        }
        std::thread::sleep(Duration::from_millis(1500));
        if let Ok(last) = LAST_DRAFT.lock()
            && let Some((path, d)) = last.as_ref()
        {
            let _ = draft::save(path, d);
        }
        // SAFETY: _exit ends the process at once; nothing is left to restore on a dead terminal.
        unsafe { libc::_exit(129) };
    });
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
/// every path (ratatui's panic hook covers panics). `open` makes the app once the terminal is
/// ready: on an empty database it runs after the welcome screen.
pub fn run(
    lang: Lang,
    login: &str,
    db: &str,
    initialized: bool,
    open: impl FnOnce(bool) -> Result<App, String>,
) -> Result<(), String> {
    install_signal_handlers();
    start_watchdog();
    let mut terminal = ratatui::init();
    let _ = crossterm::execute!(io::stdout(), EnableBracketedPaste);
    let theme = Theme::from_env();
    let result = (|| {
        let with_demo = if initialized {
            false
        } else {
            match welcome::run(&mut terminal, &mut Crossterm::default(), &theme, lang, login, db)
                .map_err(|e| e.to_string())?
            {
                welcome::Choice::Demo => true,
                welcome::Choice::Quit => return Ok(()),
            }
        };
        let mut app = open(with_demo)?;
        run_loop(&mut terminal, &mut app, &mut Crossterm::default(), &theme, crate::cli::now)
            .map_err(|e| e.to_string())
    })();
    let _ = crossterm::execute!(io::stdout(), DisableMouseCapture, DisableBracketedPaste);
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
    B::Error: std::error::Error + Send + Sync + 'static,
{
    let result = event_loop(terminal, app, input, theme, clock);
    // Quitting, a signal, a hang-up or a terminal that fails: whatever is typed stays as a draft.
    app.flush_draft();
    result
}

fn event_loop<B: Backend>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    input: &mut impl Input,
    theme: &Theme,
    clock: impl Fn() -> chrono::NaiveDateTime,
) -> io::Result<()>
where
    B::Error: std::error::Error + Send + Sync + 'static,
{
    let mut last_poll = Instant::now();
    let mut mouse = None;
    while !app.state.quit && !STOP.load(Ordering::SeqCst) {
        if mouse != Some(app.state.mouse) {
            input.capture_mouse(app.state.mouse);
            mouse = Some(app.state.mouse);
        }
        let size = terminal.size().map_err(io::Error::other)?;
        app.state.area = ratatui::layout::Rect::new(0, 0, size.width, size.height);
        app.poll_reports();
        terminal.draw(|frame| view::draw(frame, &app.state, theme)).map_err(io::Error::other)?;
        // While a report is computed, look for it often enough to show it as soon as it is ready.
        let mut wait = POLL.saturating_sub(last_poll.elapsed());
        if app.reports_busy() {
            wait = wait.min(REPORT_POLL);
        }
        if let Some(event) = input.next(wait)? {
            handle_event(app, event);
            // Whatever else is already waiting (a pasted word, an input method's burst) is handled
            // before the list is loaded and the screen drawn again.
            app.defer_reloads(true);
            // An editor to run or a clipboard to set comes first: keys typed after the editor key belong
            // to the console once the editor is done.
            while app.state.effects.is_empty()
                && !app.state.quit
                && let Some(event) = input.next(Duration::ZERO)?
            {
                handle_event(app, event);
            }
            app.defer_reloads(false);
            app.settle();
            for effect in std::mem::take(&mut app.state.effects) {
                match effect {
                    Effect::Copy(text) => {
                        if let Err(e) = input.copy(&text) {
                            app.state.message = Some(e.to_string());
                        }
                    }
                    Effect::Edit(text) => {
                        let result = input.edit(&text);
                        // The editor drew over the screen: draw all of it again.
                        terminal.clear().map_err(io::Error::other)?;
                        app.edited(result);
                    }
                }
            }
        }
        if last_poll.elapsed() >= POLL {
            app.tick(clock());
            last_poll = Instant::now();
        }
    }
    Ok(())
}

/// One input event: a key goes where the open overlay's context says (see `App::key`), pasted
/// text where typing goes, mouse events to the panes when the mouse is on.
pub fn handle_event(app: &mut App, event: Event) {
    match event {
        Event::Key(key) if key.kind != KeyEventKind::Release => app.key(key),
        Event::Paste(text) => app.paste(&text),
        // Over a form, a palette or a dialog the panes do not take the mouse.
        Event::Mouse(mouse)
            if app.state.mouse
                && app.state.help.is_none()
                && matches!(app.state.overlay, None | Some(overlay::Overlay::Search)) =>
        {
            handle_mouse(app, mouse)
        }
        _ => {}
    }
}

/// Wheel scrolls the pane under the pointer; a click focuses a pane or selects a list row.
fn handle_mouse(app: &mut App, mouse: MouseEvent) {
    let areas = view::layout(app.state.area, &app.state);
    let Some((pane, area)) =
        areas.panes.iter().copied().find(|(_, a)| a.contains((mouse.column, mouse.row).into()))
    else {
        return;
    };
    match mouse.kind {
        MouseEventKind::ScrollDown => app.wheel(pane, 3),
        MouseEventKind::ScrollUp => app.wheel(pane, -3),
        MouseEventKind::Down(MouseButton::Left) => match pane {
            app::Pane::List => {
                if let Some(index) = view::list_row_at(area, &app.state, mouse.row) {
                    app.select(index);
                }
            }
            other => app.state.focus = other,
        },
        _ => {}
    }
}
