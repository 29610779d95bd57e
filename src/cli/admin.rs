//! Setting up and administering: init, whoami, departments, people, the calendar, settings, demo.

use chrono::Datelike;
use serde_json::json;

use super::args::{CalendarCmd, DemoArgs, DeptCmd, InitArgs, SettingsCmd, UserCmd};
use super::render::{self, table};
use super::{CliError, CliResult, Session};
use crate::domain::calendar::{CalendarDay, DayKind, parse_ics};
use crate::domain::deadline::{response_due, response_state};
use crate::domain::text::{clean_input, sanitize_line};
use crate::domain::when::Ahead;
use crate::domain::*;
use crate::i18n::Lang;

/// `liaison` with no command: where things stand, and what to do next.
pub fn overview(s: &mut Session) -> CliResult {
    if !s.store.is_initialized()? {
        let text = s.pick(
            "This database is empty. Set it up with\n  liaison init --dept OPS --dept-name 运营部 --name 你的名字\nthen try `liaison demo --issues 200` for example data, or `liaison --help`.",
            "数据库为空。请先初始化：\n  liaison init --dept OPS --dept-name 运营部 --name 你的名字\n然后可运行 `liaison demo --issues 200` 生成示例数据，或查看 `liaison --help`。",
        );
        let path = s.store.path().display().to_string();
        return s.say(&format!("{text}\n{}: {path}", s.pick("database", "数据库")));
    }
    let ctx = s.require_reader()?;
    let open = IssueFilter {
        statuses: vec![Status::Registered, Status::InProgress, Status::AwaitingAcceptance],
        ..Default::default()
    };
    let n_open = s.store.count(&open, s.now)?;
    let n_overdue = s.store.count(&IssueFilter { overdue: true, ..Default::default() }, s.now)?;
    let n_mine = s.store.count(
        &IssueFilter { involving: Some((ctx.actor.login().into(), ctx.actor.dept().into())), ..open.clone() },
        s.now,
    )?;
    let alerts = s.store.task_alerts(s.now, None)?.len();
    let lang = s.lang;
    s.say(&format!(
        "{} {} ({}, {})\n{}: {n_open}  {}: {n_mine}  {}: {n_overdue}  {}: {alerts}\n{}",
        lang.pick("Signed in as", "当前用户"),
        sanitize_line(&ctx.actor.person.display_name),
        ctx.actor.dept(),
        ctx.actor.role().label(lang),
        lang.pick("open", "未结"),
        lang.pick("mine", "与我相关"),
        lang.pick("overdue", "已超时"),
        lang.pick("task alerts", "任务预警"),
        lang.pick(
            "`liaison list --mine`, `liaison alerts`, `liaison --help`",
            "可用 `liaison list --mine`、`liaison alerts`、`liaison --help`"
        ),
    ))
}

use crate::store::IssueFilter;

/// The first admin when the console sets up an empty database: the OS user, in 运营部 (OPS).
pub fn first_admin(login: &str) -> Person {
    let name = crate::identity::os_display_name().unwrap_or_else(|| login.to_string());
    Person { login: login.to_string(), display_name: name, dept: "OPS".into(), role: Role::Admin }
}

pub fn first_department(login: &str) -> Department {
    Department { code: "OPS".into(), name: "运营部".into(), head: Some(login.to_string()) }
}

pub fn init(s: &mut Session, a: InitArgs) -> CliResult {
    let login = crate::identity::os_login().map_err(|e| CliError::new(e.clone(), e))?;
    let name = a
        .name
        .map(|n| clean_input(&n))
        .or_else(crate::identity::os_display_name)
        .unwrap_or_else(|| login.clone());
    let dept =
        Department { code: a.dept.clone(), name: clean_input(&a.dept_name), head: Some(login.clone()) };
    let admin = Person { login: login.clone(), display_name: name, dept: a.dept, role: Role::Admin };
    s.store.init(s.now, &dept, &admin)?;
    if let Some(format) = a.number_format {
        let ctx = s.ctx()?;
        s.store.set_number_format(&ctx, format)?;
    }
    if s.json {
        return s.print_json(&json!({"admin": admin, "department": dept, "database": s.store.path()}));
    }
    let text = match s.lang {
        Lang::En => format!(
            "Set up {}: {} is the admin of {} ({}).\nNext: add departments (`liaison dept add RD 研发部`) and people (`liaison user add LOGIN --name 张三 --dept RD`).",
            s.store.path().display(),
            admin.login,
            dept.name,
            dept.code
        ),
        Lang::Zh => format!(
            "已初始化 {}：{} 为 {}（{}）的管理员。\n下一步：添加部门（`liaison dept add RD 研发部`）和人员（`liaison user add 登录名 --name 张三 --dept RD`）。",
            s.store.path().display(),
            admin.login,
            dept.name,
            dept.code
        ),
    };
    s.say(&text)
}

pub fn whoami(s: &mut Session) -> CliResult {
    let ctx = s.ctx()?;
    if s.json {
        return s.print_json(&json!({"person": ctx.actor.person, "on_behalf_of": ctx.actor.on_behalf_of, "database": s.store.path()}));
    }
    let p = &ctx.actor.person;
    let behalf = ctx
        .actor
        .on_behalf_of
        .as_deref()
        .map(|a| format!(" ({} {a})", s.pick("acting for them:", "代理人：")))
        .unwrap_or_default();
    let line = format!(
        "{} ({})  {}  {}{behalf}\n{}: {}",
        sanitize_line(&p.display_name),
        sanitize_line(&p.login),
        p.dept,
        p.role.label(s.lang),
        s.pick("database", "数据库"),
        s.store.path().display()
    );
    s.say(&line)
}

pub fn dept(s: &mut Session, cmd: DeptCmd) -> CliResult {
    match cmd {
        DeptCmd::Add { code, name, head } => {
            let ctx = s.ctx()?;
            let d = Department { code, name: clean_input(&name), head };
            s.store.add_department(&ctx, &d)?;
            if s.json {
                s.print_json(&d)
            } else {
                s.say(&format!("{} {} {}", s.pick("Added", "已添加部门"), d.code, d.name))
            }
        }
        DeptCmd::List => {
            s.require_reader()?;
            let depts = s.store.departments()?;
            if s.json {
                return s.print_json(&depts);
            }
            let rows: Vec<Vec<String>> = depts
                .iter()
                .map(|d| vec![d.code.clone(), d.name.clone(), d.head.clone().unwrap_or_default()])
                .collect();
            let headers = [s.pick("Code", "代码"), s.pick("Name", "名称"), s.pick("Head", "负责人")];
            s.say(&table(&headers, &rows, &[6, 30, 30]))
        }
    }
}

pub fn user(s: &mut Session, cmd: UserCmd) -> CliResult {
    match cmd {
        UserCmd::Add { login, name, dept, role, contact } => {
            let ctx = s.ctx()?;
            let p = Person { login, display_name: clean_input(&name), dept, role };
            let update = contact_update(contact);
            if update.email.is_some()
                || update.mobile.is_some()
                || update.wecom_id.is_some()
                || update.muted.is_some()
            {
                s.store.add_person_with_contact(&ctx, &p, &update)?;
            } else {
                s.store.add_person(&ctx, &p)?;
            }
            if s.json {
                s.print_json(&p)
            } else {
                s.say(&format!(
                    "{} {} ({}, {})",
                    s.pick("Added", "已添加"),
                    p.login,
                    p.dept,
                    p.role.label(s.lang)
                ))
            }
        }
        UserCmd::List => {
            s.require_reader()?;
            let people = s.store.people()?;
            if s.json {
                return s.print_json(&people);
            }
            let rows: Vec<Vec<String>> = people
                .iter()
                .map(|p| {
                    vec![
                        p.login.clone(),
                        p.display_name.clone(),
                        p.dept.clone(),
                        p.role.label(s.lang).to_string(),
                    ]
                })
                .collect();
            let headers = [
                s.pick("Login", "登录名"),
                s.pick("Name", "姓名"),
                s.pick("Dept", "部门"),
                s.pick("Role", "角色"),
            ];
            s.say(&table(&headers, &rows, &[24, 20, 6, 12]))
        }
        UserCmd::Set { login, contact } => {
            let ctx = s.ctx()?;
            let c = s.store.set_contact(&ctx, &login, &contact_update(contact))?;
            if s.json {
                return s.print_json(&c);
            }
            let none = || "-".to_string();
            s.say(&format!(
                "{login}: {} {} · {} {} · WeCom {} · {} {}",
                s.pick("e-mail", "邮箱"),
                c.email.clone().unwrap_or_else(none),
                s.pick("mobile", "手机"),
                c.mobile.clone().unwrap_or_else(none),
                c.wecom_id.clone().unwrap_or_else(none),
                s.pick("muted", "屏蔽"),
                if c.muted.is_empty() { none() } else { c.muted.join(",") }
            ))
        }
        UserCmd::SetRole { login, role } => {
            let ctx = s.ctx()?;
            s.store.set_role(&ctx, &login, role)?;
            s.say(&format!("{login}: {}", role.label(s.lang)))
        }
    }
}

pub fn calendar(s: &mut Session, cmd: CalendarCmd) -> CliResult {
    match cmd {
        CalendarCmd::AddHoliday { date, to, name } => {
            let date = s.day_arg("DATE", &date, Ahead::Future)?;
            let to = s.day_opt("--to", to.as_deref(), Ahead::Future)?.unwrap_or(date);
            if to < date {
                return Err(CliError::new(
                    format!("--to {to} is before {date}"),
                    format!("--to {to} 早于 {date}"),
                ));
            }
            let days: Vec<CalendarDay> = date
                .iter_days()
                .take_while(|d| *d <= to)
                .map(|d| CalendarDay::holiday(d, clean_input(&name)))
                .collect();
            if days.len() > 60 {
                return Err(CliError::new(
                    "a holiday of more than 60 days is surely a typo; check --to",
                    "假期超过 60 天，请检查 --to",
                ));
            }
            let ctx = s.ctx()?;
            let n = s.store.set_calendar_days(&ctx, &days, "admin")?;
            s.say(&format!("{} {n} {}", s.pick("Marked", "已标记"), s.pick("holiday(s)", "天假日")))
        }
        CalendarCmd::AddWorkday { date, name } => {
            let date = s.day_arg("DATE", &date, Ahead::Future)?;
            if !matches!(date.weekday(), chrono::Weekday::Sat | chrono::Weekday::Sun) {
                return Err(CliError::new(
                    format!(
                        "{date} is a {}, a working day already; make-up days are Saturdays or Sundays",
                        date.weekday()
                    ),
                    format!("{date} 本就是工作日；调休上班日只能是周六或周日"),
                ));
            }
            let ctx = s.ctx()?;
            s.store.set_calendar_days(&ctx, &[CalendarDay::workday(date, clean_input(&name))], "admin")?;
            s.say(&format!("{} {date}", s.pick("Make-up working day:", "调休上班日：")))
        }
        CalendarCmd::Import { file } => {
            // Read as the user: a setgid liaison must not read the group's files for them.
            let text = crate::privilege::as_user(|| std::fs::read_to_string(&file)).map_err(|e| {
                CliError::new(
                    format!("cannot read {}: {e}", file.display()),
                    format!("无法读取 {}：{e}", file.display()),
                )
            })?;
            let days = parse_ics(&text).map_err(|e| {
                CliError::new(
                    format!("{} line {}: {}; nothing was imported", file.display(), e.line, e.message),
                    format!("{} 第 {} 行：{}；未导入任何内容", file.display(), e.line, e.message),
                )
            })?;
            let ctx = s.ctx()?;
            let source = format!(
                "ics:{}",
                file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
            );
            let n = s.store.set_calendar_days(&ctx, &days, &source)?;
            let holidays = days.iter().filter(|d| d.kind == DayKind::Holiday).count();
            s.say(&format!(
                "{} {n} {} ({} {holidays}, {} {})",
                s.pick("Imported", "已导入"),
                s.pick("days", "天"),
                s.pick("holidays", "假日"),
                s.pick("make-up working days", "调休上班"),
                n - holidays
            ))
        }
        CalendarCmd::List { year } => {
            s.require_reader()?;
            let year = year.unwrap_or(s.now.year());
            let cal = s.store.calendar()?;
            let days: Vec<&CalendarDay> = cal.days().filter(|d| d.date.year() == year).collect();
            if s.json {
                return s.print_json(&days);
            }
            let lang = s.lang;
            let rows: Vec<Vec<String>> = days
                .iter()
                .map(|d| {
                    let kind = match d.kind {
                        DayKind::Holiday => lang.pick("holiday", "放假"),
                        DayKind::Workday => lang.pick("working day", "调休上班"),
                    };
                    vec![render::date(d.date), weekday(d.date, lang).into(), kind.into(), d.name.clone()]
                })
                .collect();
            let headers = [
                s.pick("Date", "日期"),
                s.pick("Day", "星期"),
                s.pick("Kind", "类型"),
                s.pick("Name", "名称"),
            ];
            let mut out = table(&headers, &rows, &[10, 4, 12, 20]);
            if rows.is_empty() {
                out.push_str(&format!(
                    "\n{}",
                    s.pick(
                        "(no exceptions: Monday to Friday are working days)",
                        "（无特殊安排：周一至周五为工作日）"
                    )
                ));
            }
            s.say(&out)
        }
        CalendarCmd::Due { from, priority } => {
            s.require_reader()?;
            let from = s.time_arg("--from", &from, Ahead::Future)?;
            let cal = s.store.calendar()?;
            let settings = s.store.settings()?;
            let rule = settings.response.rule(priority);
            let due = response_due(from, rule, &cal);
            if s.json {
                let state = response_state(due, None, false, s.now, &cal);
                return s.print_json(&json!({
                    "from": model::local_time::rfc3339(&from), "priority": priority, "rule": rule,
                    "due_at": model::local_time::rfc3339(&due), "state_now": state,
                }));
            }
            let lang = s.lang;
            s.say(&format!(
                "{} {} ({}, {})",
                render::time(due),
                weekday(due.date(), lang),
                priority.label(lang),
                rule.describe(lang)
            ))
        }
    }
}

pub fn settings(s: &mut Session, cmd: SettingsCmd) -> CliResult {
    match cmd {
        SettingsCmd::Show => {
            s.require_reader()?;
            let settings = s.store.settings()?;
            if s.json {
                return s.print_json(&settings);
            }
            let lang = s.lang;
            let mut out = format!(
                "{}: {} ({})\n",
                lang.pick("Numbering", "编号格式"),
                settings.number_format.label(lang),
                settings.number_format
            );
            for p in Priority::ALL {
                out.push_str(&format!(
                    "{} {}: {}\n",
                    lang.pick("Response", "响应时限"),
                    p.label(lang),
                    settings.response.rule(*p).describe(lang)
                ));
            }
            out.push_str(&format!(
                "{}: {}\n",
                lang.pick("Attachment limit", "附件大小上限"),
                crate::docs::form::human_size(settings.attachment_limit())
            ));
            s.say(out.trim_end())
        }
        SettingsCmd::NumberFormat { format } => {
            let ctx = s.ctx()?;
            s.store.set_number_format(&ctx, format)?;
            s.say(&format!("{}: {}", s.pick("Numbering", "编号格式"), format.label(s.lang)))
        }
        SettingsCmd::AttachmentLimit { size } => {
            let ctx = s.ctx()?;
            s.store.set_attachment_limit(&ctx, size)?;
            let text = crate::docs::form::human_size(size);
            s.say(&format!("{}: {text}", s.pick("Attachment limit", "附件大小上限")))
        }
        SettingsCmd::Response { priority, rule } => {
            let ctx = s.ctx()?;
            s.store.set_response_rule(&ctx, priority, rule)?;
            s.say(&format!("{}: {}", priority.label(s.lang), rule.describe(s.lang)))
        }
    }
}

pub fn demo(s: &mut Session, a: DemoArgs) -> CliResult {
    let ctx = s.ctx()?;
    let held = s.store.count(&crate::store::IssueFilter::default(), s.now)?;
    if held > 0 && !a.append {
        return Err(CliError::new(
            format!(
                "This database already holds {held} issue{}. To add demo data to them, add --append \
                 (liaison demo --issues {n} --append); for a separate demo, use --db with a new file.",
                if held == 1 { "" } else { "s" },
                n = a.issues
            ),
            format!(
                "该数据库已有 {held} 个问题。如要在其中追加示例数据，请加 --append\
                 （liaison demo --issues {n} --append）；如要单独演示，请用 --db 指定一个新文件。",
                n = a.issues
            ),
        ));
    }
    let started = std::time::Instant::now();
    let demo = crate::demo::load(&mut s.store, &ctx.actor.person, ctx.lang, a.issues, a.seed, s.now)?;
    let secs = started.elapsed().as_secs_f64();
    if s.json {
        return s.print_json(&json!({"issues": a.issues, "departments": demo.departments.len(), "people": demo.people.len(), "seconds": secs}));
    }
    s.say(&format!(
        "{} {} {} ({} {}, {} {}) {:.1}s",
        s.pick("Created", "已生成"),
        a.issues,
        s.pick("issues", "个问题"),
        demo.departments.len(),
        s.pick("departments", "个部门"),
        demo.people.len(),
        s.pick("people", "名人员"),
        secs
    ))
}

pub fn weekday(d: chrono::NaiveDate, lang: Lang) -> &'static str {
    use chrono::Weekday::*;
    let (en, zh) = match d.weekday() {
        Mon => ("Mon", "周一"),
        Tue => ("Tue", "周二"),
        Wed => ("Wed", "周三"),
        Thu => ("Thu", "周四"),
        Fri => ("Fri", "周五"),
        Sat => ("Sat", "周六"),
        Sun => ("Sun", "周日"),
    };
    lang.pick(en, zh)
}

fn contact_update(c: super::args::ContactArgs) -> crate::store::ContactUpdate {
    let muted =
        c.mute.map(|m| m.into_iter().map(|k| k.trim().to_string()).filter(|k| !k.is_empty()).collect());
    crate::store::ContactUpdate { email: c.email, mobile: c.mobile, wecom_id: c.wecom_id, muted }
}
