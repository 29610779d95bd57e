//! The command line: every action of the template, headless, for people, scripts and cron jobs.
//!
//! Human output by default (in the chosen language), `--json` for scripts. Any refusal is one line
//! on stderr saying what is wrong and what to do, with exit code 2; nothing is written.

mod admin;
pub mod argerror;
mod args;
mod attach;
mod csv;
mod export;
mod fit;
mod issue;
mod markdown;
mod notify;
mod ops;
mod render;
mod report;
mod report_html;
mod shared;
mod when_arg;

use std::io::Write;
use std::process::ExitCode;

use chrono::{Local, NaiveDateTime, Timelike};

pub use args::{Cli, Command, argument_lang};

use crate::config;
use crate::domain::Actor;
use crate::i18n::{Bilingual, Lang};
use crate::store::{Ctx, Store, StoreError};

/// A refusal: one line, exit code 2.
#[derive(Debug)]
pub struct CliError(pub Bilingual);

impl CliError {
    pub fn new(en: impl Into<String>, zh: impl Into<String>) -> CliError {
        CliError(Bilingual::new(en, zh))
    }
}

impl From<StoreError> for CliError {
    fn from(e: StoreError) -> Self {
        CliError(Bilingual::new(e.message(Lang::En), e.message(Lang::Zh)))
    }
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> Self {
        CliError::new(format!("cannot write the output: {e}"), format!("无法写出结果：{e}"))
    }
}

pub type CliResult<T = ()> = Result<T, CliError>;

/// What every command has at hand: the store, the language, the clock and the output mode.
pub struct Session {
    pub store: Store,
    /// Keys, saved filters and mouse for the console.
    pub console: config::ConsoleConfig,
    pub lang: Lang,
    pub json: bool,
    pub now: NaiveDateTime,
    run_as: Option<String>,
    out: std::io::StdoutLock<'static>,
}

impl Session {
    /// The person acting: the OS login, or with `--as` (admins only) the person they act for.
    pub fn ctx(&mut self) -> CliResult<Ctx> {
        let login = crate::identity::os_login().map_err(|e| CliError::new(e.clone(), e))?;
        let me = self.store.actor(&login)?;
        let actor = match self.run_as.clone() {
            None => me,
            Some(other) if other == login => me,
            Some(other) => {
                if me.role() != crate::domain::Role::Admin {
                    return Err(CliError::new(
                        format!("--as is for admins only; {login} is {}", me.role()),
                        format!("只有管理员可以使用 --as；{login} 的角色是{}", me.role().label(Lang::Zh)),
                    ));
                }
                let person = self.store.person(&other)?;
                Actor { person, on_behalf_of: Some(login) }
            }
        };
        Ok(Ctx { actor, now: self.now, lang: self.lang })
    }

    /// Reading also needs a registered login.
    pub fn require_reader(&mut self) -> CliResult<Ctx> {
        self.ctx()
    }

    pub fn say(&mut self, text: &str) -> CliResult {
        let written = writeln!(self.out, "{text}");
        quiet_on_closed_pipe(written)
    }

    pub fn print_json(&mut self, value: &impl serde::Serialize) -> CliResult {
        let text = serde_json::to_string_pretty(value)
            .map_err(|e| CliError::new(format!("cannot encode JSON: {e}"), format!("无法生成 JSON：{e}")))?;
        self.say(&text)
    }

    pub fn write_raw(&mut self, bytes: &[u8]) -> CliResult {
        let written = self.out.write_all(bytes);
        quiet_on_closed_pipe(written)
    }

    pub fn pick<'a>(&self, en: &'a str, zh: &'a str) -> &'a str {
        self.lang.pick(en, zh)
    }
}

/// A reader that stopped reading (`liaison list | head`) is not an error: everything asked of
/// the database is done by the time anything is printed, so the program ends quietly.
fn quiet_on_closed_pipe(written: std::io::Result<()>) -> CliResult {
    match written {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(0),
        other => Ok(other?),
    }
}

/// The clock, to the second.
pub fn now() -> NaiveDateTime {
    let now = Local::now().naive_local();
    now.with_nanosecond(0).unwrap_or(now)
}

pub fn run(cli: Cli) -> ExitCode {
    let lang_flag = cli.lang.as_deref().and_then(Lang::parse);
    let fallback_lang = lang_flag.or_else(Lang::from_env).unwrap_or_default();
    match run_inner(cli, lang_flag) {
        Ok(()) => ExitCode::SUCCESS,
        Err((e, lang)) => {
            let lang = lang.unwrap_or(fallback_lang);
            eprintln!("liaison: {}", crate::domain::text::sanitize_line(e.0.get(lang)));
            ExitCode::from(2)
        }
    }
}

fn run_inner(cli: Cli, lang_flag: Option<Lang>) -> Result<(), (CliError, Option<Lang>)> {
    if let Some(text) = &cli.lang
        && lang_flag.is_none()
    {
        let e = CliError::new(
            format!("--lang {text}: choose en or zh"),
            format!("--lang {text}：请选择 en 或 zh"),
        );
        return Err((e, None));
    }
    // `admin setup-shared` works on its own directory and writes the system configuration: it
    // needs neither the configured database nor a valid configuration.
    if let Some(Command::Admin(args::AdminCmd::SetupShared { dir, group, binary })) = &cli.command {
        let lang = lang_flag.or_else(Lang::from_env).unwrap_or_default();
        return shared::setup(dir, group, binary, lang).map_err(|e| (e, Some(lang)));
    }
    // Completions and the manual page come from the grammar alone: no database, no configuration.
    let grammar = || <Cli as clap::CommandFactory>::command();
    let text = match &cli.command {
        Some(Command::Completions(a)) => {
            let mut out = Vec::new();
            clap_complete::generate(a.shell, &mut grammar(), "liaison", &mut out);
            Some(Ok(out))
        }
        Some(Command::Man) => {
            let mut out = Vec::new();
            Some(clap_mangen::Man::new(grammar()).render(&mut out).map(|()| out))
        }
        _ => None,
    };
    if let Some(text) = text {
        let lang = lang_flag.or_else(Lang::from_env).unwrap_or_default();
        let written = text.and_then(|out| std::io::Write::write_all(&mut std::io::stdout(), &out));
        return quiet_on_closed_pipe(written).map_err(|e| (e, Some(lang)));
    }
    let resolved = config::resolve(cli.db.clone(), lang_flag).map_err(|e| (CliError(e), None))?;
    let lang = resolved.lang;
    let fail = |e: CliError| (e, Some(lang));
    // `doctor` reads the files itself: it must work when opening the store does not.
    if let Some(Command::Doctor) = &cli.command {
        return ops::doctor(&resolved.db, lang, cli.json).map_err(fail);
    }
    let store = open(&resolved.db).map_err(fail)?;
    let mut session = Session {
        store,
        console: resolved.console,
        lang,
        json: cli.json,
        now: now(),
        run_as: cli.run_as.clone(),
        out: std::io::stdout().lock(),
    };
    dispatch(&mut session, cli.command).map_err(fail)
}

fn open(path: &std::path::Path) -> CliResult<Store> {
    Ok(Store::open(path)?)
}

/// `liaison` alone: the console on a terminal, an overview when piped.
fn console(s: &mut Session) -> CliResult {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        return admin::overview(s);
    }
    let login = crate::identity::os_login().map_err(|e| CliError::new(e.clone(), e))?;
    let initialized = s.store.is_initialized()?;
    let me = if initialized { Some(s.ctx()?.actor) } else { None };
    let path = s.store.path().to_path_buf();
    let (lang, now, config) = (s.lang, s.now, s.console.clone());
    let db = path.display().to_string();
    let open = |with_demo: bool| -> Result<crate::tui::app::App, String> {
        let mut store = Store::open(&path).map_err(|e| e.message(lang))?;
        let me = match me {
            Some(me) => me,
            None => {
                let admin = admin::first_admin(&login);
                store.init(now, &admin::first_department(&login), &admin).map_err(|e| e.message(lang))?;
                if with_demo {
                    crate::demo::load(&mut store, &admin, lang, 200, 20231025, now)
                        .map_err(|e| e.message(lang))?;
                }
                crate::domain::Actor { person: admin, on_behalf_of: None }
            }
        };
        crate::tui::app::App::with_config(store, me, lang, now, config).map_err(|e| e.message(lang))
    };
    crate::tui::run(lang, &login, &db, initialized, open).map_err(|e| CliError::new(e.clone(), e))
}

fn dispatch(s: &mut Session, command: Option<Command>) -> CliResult {
    use Command::*;
    match command {
        None => console(s),
        Some(Init(a)) => admin::init(s, a),
        Some(Whoami) => admin::whoami(s),
        Some(Dept(a)) => admin::dept(s, a),
        Some(User(a)) => admin::user(s, a),
        Some(Calendar(a)) => admin::calendar(s, a),
        Some(Settings(a)) => admin::settings(s, a),
        Some(Demo(a)) => admin::demo(s, a),
        Some(Add(a)) => issue::add(s, a),
        Some(Edit(a)) => issue::edit(s, a),
        Some(List(a)) => issue::list(s, a),
        Some(Show(a)) => issue::show(s, a),
        Some(Alerts(a)) => issue::alerts(s, a),
        Some(Report(a)) => {
            let a = a.read_dates(s)?;
            report::report(s, a)
        }
        Some(Ack(a)) => issue::ack(s, a),
        Some(Comment(a)) => issue::comment(s, a),
        Some(Meeting(a)) => issue::meeting(s, a),
        Some(Task(a)) => issue::task(s, a),
        Some(Progress(a)) => issue::progress(s, a),
        Some(Risk(a)) => issue::risk(s, a),
        Some(Escalate(a)) => issue::escalate(s, a),
        Some(Deescalate(a)) => issue::deescalate(s, a),
        Some(Resolve(a)) => issue::resolve(s, a),
        Some(Accept(a)) => issue::accept(s, a),
        Some(Refuse(a)) => issue::refuse(s, a),
        Some(Archive(a)) => issue::archive(s, a),
        Some(Export(a)) => export::export(s, a),
        Some(Import(a)) => export::import(s, a),
        Some(Attach(a)) => attach::attach(s, a),
        Some(Attachments(a)) => attach::list(s, a),
        Some(Attachment(a)) => attach::attachment(s, a),
        Some(Audit(a)) => ops::audit(s, a),
        Some(Backup(a)) => ops::backup(s, a),
        Some(Restore(a)) => ops::restore(s, a),
        Some(Doctor) => ops::doctor(s.store.path(), s.lang, s.json),
        // Answered before the database is opened (`run_inner`).
        Some(Completions(_) | Man) => Ok(()),
        Some(Admin(args::AdminCmd::SetupShared { dir, group, binary })) => {
            shared::setup(&dir, &group, &binary, s.lang)
        }
        Some(Notify(a)) => notify::notify(s, a),
    }
}
