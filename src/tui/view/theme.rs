//! Named styles. Sixteen colours only, so any terminal shows them; none at all with NO_COLOR.

use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone)]
pub struct Theme {
    pub base: Style,
    pub border: Style,
    pub focus: Style,
    pub tab: Style,
    pub tab_active: Style,
    pub heading: Style,
    pub label: Style,
    pub selected: Style,
    pub urgent: Style,
    pub late: Style,
    pub done: Style,
    pub hint: Style,
    pub key: Style,
    pub search: Style,
    pub error: Style,
    pub status: Style,
    pub status_me: Style,
    pub status_counts: Style,
    pub meeting: Style,
    pub progress: Style,
    pub risk: Style,
    pub stage: Style,
}

impl Theme {
    pub fn colored() -> Theme {
        let fg = |c: Color| Style::new().fg(c);
        Theme {
            base: Style::new(),
            border: fg(Color::DarkGray),
            focus: fg(Color::Cyan).add_modifier(Modifier::BOLD),
            tab: fg(Color::Gray),
            tab_active: Style::new().fg(Color::Black).bg(Color::Cyan).add_modifier(Modifier::BOLD),
            heading: fg(Color::Yellow).add_modifier(Modifier::BOLD),
            label: fg(Color::Cyan),
            selected: Style::new().add_modifier(Modifier::REVERSED),
            urgent: fg(Color::Yellow).add_modifier(Modifier::BOLD),
            late: fg(Color::Red).add_modifier(Modifier::BOLD),
            done: fg(Color::Green),
            hint: fg(Color::DarkGray),
            key: fg(Color::Cyan).add_modifier(Modifier::BOLD),
            search: fg(Color::Yellow).add_modifier(Modifier::BOLD),
            error: fg(Color::Red).add_modifier(Modifier::BOLD),
            status: Style::new().bg(Color::Black),
            status_me: Style::new().fg(Color::Black).bg(Color::Cyan),
            status_counts: Style::new().fg(Color::Black).bg(Color::Yellow),
            meeting: fg(Color::Blue).add_modifier(Modifier::BOLD),
            progress: fg(Color::Green),
            risk: fg(Color::Red),
            stage: fg(Color::Magenta).add_modifier(Modifier::BOLD),
        }
    }

    /// No colour at all: emphasis by bold, underline and reverse video only.
    pub fn monochrome() -> Theme {
        let plain = Style::new();
        let bold = plain.add_modifier(Modifier::BOLD);
        let reversed = plain.add_modifier(Modifier::REVERSED);
        Theme {
            base: plain,
            border: plain,
            focus: bold,
            tab: plain,
            tab_active: reversed,
            heading: bold.add_modifier(Modifier::UNDERLINED),
            label: plain,
            selected: reversed,
            urgent: bold,
            late: bold.add_modifier(Modifier::UNDERLINED),
            done: plain,
            hint: plain,
            key: bold,
            search: bold,
            error: bold,
            status: reversed,
            status_me: reversed.add_modifier(Modifier::BOLD),
            status_counts: reversed,
            meeting: bold,
            progress: plain,
            risk: bold,
            stage: bold,
        }
    }

    /// `NO_COLOR` set to anything non-empty turns colour off (no-color.org).
    pub fn from_env() -> Theme {
        match std::env::var_os("NO_COLOR") {
            Some(v) if !v.is_empty() => Theme::monochrome(),
            _ => Theme::colored(),
        }
    }
}
