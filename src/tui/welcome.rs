//! The first start on an empty database: what to do, and one key to set up with demo data.

use std::io;

use crossterm::event::{Event, KeyCode, KeyEventKind};
use ratatui::Terminal;
use ratatui::backend::Backend;
use ratatui::layout::{Constraint, Layout};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use super::Input;
use super::view::{Theme, pane_block};
use crate::i18n::Lang;

/// What the person chose on the welcome screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    /// Set the database up with example data and open the console.
    Demo,
    Quit,
}

pub fn lines(lang: Lang, login: &str, db: &str) -> Vec<Line<'static>> {
    let text = match lang {
        Lang::En => format!(
            "Welcome to liaison: cross-department collaboration records and issue feedback.\n\n\
             This database is empty: {db}\n\n\
             Press d to set it up with example data: 8 departments, 40 people and 200 issues in Chinese, \
             and you ({login}) as the admin of 运营部 (OPS).\n\n\
             Or press q and set it up for real:\n  liaison init --dept OPS --dept-name 运营部 --name 你的名字\n  \
             liaison dept add RD 研发部\n  liaison user add LOGIN --name 张三 --dept RD"
        ),
        Lang::Zh => format!(
            "欢迎使用 liaison:多部门协作沟通记录与问题反馈。\n\n\
             数据库为空:{db}\n\n\
             按 d 载入示例数据:8 个部门、40 名人员、200 个问题,并由你({login})担任运营部(OPS)的管理员。\n\n\
             或按 q 退出,正式初始化:\n  liaison init --dept OPS --dept-name 运营部 --name 你的名字\n  \
             liaison dept add RD 研发部\n  liaison user add 登录名 --name 张三 --dept RD"
        ),
    };
    text.lines().map(|l| Line::from(l.to_string())).collect()
}

/// Shows the welcome screen until the person chooses.
pub fn run<B: Backend>(
    terminal: &mut Terminal<B>,
    input: &mut impl Input,
    theme: &Theme,
    lang: Lang,
    login: &str,
    db: &str,
) -> io::Result<Choice>
where
    io::Error: From<B::Error>,
{
    loop {
        terminal.draw(|frame| {
            let [_, middle, _] = Layout::vertical([
                Constraint::Percentage(15),
                Constraint::Min(10),
                Constraint::Percentage(15),
            ])
            .areas(frame.area());
            let [_, area, _] = Layout::horizontal([
                Constraint::Percentage(10),
                Constraint::Min(40),
                Constraint::Percentage(10),
            ])
            .areas(middle);
            let block = pane_block(" liaison ".to_string(), true, theme);
            frame.render_widget(
                Paragraph::new(lines(lang, login, db)).wrap(Wrap { trim: false }).block(block),
                area,
            );
        })?;
        if super::STOP.load(std::sync::atomic::Ordering::SeqCst) {
            return Ok(Choice::Quit);
        }
        if let Some(Event::Key(key)) = input.next(super::POLL)?
            && key.kind != KeyEventKind::Release
        {
            match key.code {
                KeyCode::Char('d' | 'D') => return Ok(Choice::Demo),
                KeyCode::Char('q') | KeyCode::Esc => return Ok(Choice::Quit),
                _ => {}
            }
        }
    }
}
