//! Departments, people, the calendar and settings: what an admin manages.

use rusqlite::{OptionalExtension, Transaction, named_params};
use serde_json::json;

use super::convert::{Day, PERSON_COLUMNS, calendar_day_row, department_row, person_row};
use super::error::Kind;
use super::{Ctx, Store, StoreError, StoreResult, events};
use crate::domain::calendar::CalendarDay;
use crate::domain::deadline::ResponseRule;
use crate::domain::number::is_valid_dept_code;
use crate::domain::permission::{AdminAction, check_admin};
use crate::domain::*;

impl Store {
    /// True once somebody has run `init`.
    pub fn is_initialized(&mut self) -> StoreResult<bool> {
        Ok(self.conn.query_row("SELECT EXISTS (SELECT 1 FROM people)", [], |r| r.get(0))?)
    }

    /// Makes the first department and its first person, an admin. Refused once anybody exists.
    pub fn init(&mut self, now: chrono::NaiveDateTime, dept: &Department, admin: &Person) -> StoreResult<()> {
        self.write(|tx| {
            let existing: Vec<String> = admins(tx)?;
            if tx.query_row("SELECT EXISTS (SELECT 1 FROM people)", [], |r| r.get(0))? {
                return Err(StoreError::invalid(
                    format!("this database is already set up; its admins are: {}", existing.join(", ")),
                    format!("此数据库已初始化；管理员：{}", existing.join("、")),
                ));
            }
            let ctx = Ctx {
                actor: Actor { person: admin.clone(), on_behalf_of: None },
                now,
                lang: crate::i18n::Lang::En,
            };
            insert_department(tx, &ctx, dept)?;
            insert_person(tx, &ctx, admin)?;
            Ok(())
        })
    }

    /// The person behind a login, as an actor; `on_behalf_of` names the admin acting for them.
    pub fn actor(&mut self, login: &str) -> StoreResult<Actor> {
        let person = self.read(|tx| person(tx, login))?;
        match person {
            Some(person) => Ok(Actor { person, on_behalf_of: None }),
            None => Err(StoreError::NotRegistered { login: login.to_string(), admins: self.read(admins)? }),
        }
    }

    pub fn person(&mut self, login: &str) -> StoreResult<Person> {
        self.read(|tx| person(tx, login))?.ok_or_else(|| StoreError::not_found(Kind::Person, login))
    }

    pub fn people(&mut self) -> StoreResult<Vec<Person>> {
        self.read(|tx| {
            let sql = format!("SELECT {PERSON_COLUMNS} FROM people ORDER BY dept, login");
            let mut stmt = tx.prepare(&sql)?;
            let rows = stmt.query_map([], person_row)?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    /// Adds a person with their contact details, in one transaction.
    pub fn add_person_with_contact(
        &mut self,
        ctx: &Ctx,
        person: &Person,
        contact: &super::ContactUpdate,
    ) -> StoreResult<()> {
        check_admin(&ctx.actor.person, AdminAction::ManagePeople, ctx.lang).map_err(StoreError::Denied)?;
        super::channels::check_contact(contact)?;
        self.write(|tx| {
            insert_person(tx, ctx, person)?;
            super::channels::write_contact(tx, ctx, &person.login, contact).map(|_| ())
        })
    }

    pub fn add_person(&mut self, ctx: &Ctx, person: &Person) -> StoreResult<()> {
        check_admin(&ctx.actor.person, AdminAction::ManagePeople, ctx.lang).map_err(StoreError::Denied)?;
        self.write(|tx| insert_person(tx, ctx, person))
    }

    pub fn set_role(&mut self, ctx: &Ctx, login: &str, role: Role) -> StoreResult<()> {
        check_admin(&ctx.actor.person, AdminAction::ManagePeople, ctx.lang).map_err(StoreError::Denied)?;
        self.write(|tx| {
            let before = person(tx, login)?.ok_or_else(|| StoreError::not_found(Kind::Person, login))?;
            if before.role == Role::Admin && role != Role::Admin && admins(tx)?.len() == 1 {
                return Err(StoreError::invalid(
                    format!("{login} is the last admin; make someone else admin first"),
                    format!("{login} 是最后一位管理员；请先指定其他管理员"),
                ));
            }
            tx.execute(
                "UPDATE people SET role = :role WHERE login = :login",
                named_params! {":role": role, ":login": login},
            )?;
            events::record(
                tx,
                ctx,
                None,
                EventKind::RoleChanged,
                json!({"login": login, "role": before.role}),
                json!({"login": login, "role": role}),
            )
        })
    }

    pub fn departments(&mut self) -> StoreResult<Vec<Department>> {
        self.read(|tx| {
            let mut stmt = tx.prepare("SELECT code, name, head FROM departments ORDER BY code")?;
            let rows = stmt.query_map([], department_row)?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    pub fn add_department(&mut self, ctx: &Ctx, dept: &Department) -> StoreResult<()> {
        check_admin(&ctx.actor.person, AdminAction::ManageDepartments, ctx.lang)
            .map_err(StoreError::Denied)?;
        self.write(|tx| insert_department(tx, ctx, dept))
    }

    /// The working-day calendar: the official schedule, overridden by what admins added.
    pub fn calendar(&mut self) -> StoreResult<Calendar> {
        self.read(calendar)
    }

    /// The days admins added or imported.
    pub fn calendar_days(&mut self) -> StoreResult<Vec<(CalendarDay, String)>> {
        self.read(|tx| {
            let mut stmt = tx.prepare("SELECT day, kind, name, source FROM calendar_days ORDER BY day")?;
            let rows = stmt.query_map([], |r| Ok((calendar_day_row(r)?, r.get("source")?)))?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    /// Adds or replaces days of the calendar, all in one transaction.
    pub fn set_calendar_days(&mut self, ctx: &Ctx, days: &[CalendarDay], source: &str) -> StoreResult<usize> {
        check_admin(&ctx.actor.person, AdminAction::ManageCalendar, ctx.lang).map_err(StoreError::Denied)?;
        self.write(|tx| {
            let mut stmt = tx.prepare_cached(
                "INSERT INTO calendar_days (day, kind, name, source) VALUES (:day, :kind, :name, :source)
                 ON CONFLICT (day) DO UPDATE SET kind = excluded.kind, name = excluded.name, source = excluded.source",
            )?;
            for day in days {
                stmt.execute(named_params! {
                    ":day": Day(day.date), ":kind": day.kind.code(), ":name": day.name, ":source": source,
                })?;
            }
            events::record(tx, ctx, None, EventKind::CalendarChanged, json!(null), json!({"source": source, "days": days}))?;
            Ok(days.len())
        })
    }

    pub fn settings(&mut self) -> StoreResult<Settings> {
        self.read(settings)
    }

    pub fn set_number_format(&mut self, ctx: &Ctx, format: NumberFormat) -> StoreResult<()> {
        self.set_setting(ctx, "number_format", format.code())
    }

    pub fn set_response_rule(
        &mut self,
        ctx: &Ctx,
        priority: Priority,
        rule: ResponseRule,
    ) -> StoreResult<()> {
        self.set_setting(ctx, &format!("response.{}", priority.code()), &rule.to_string())
    }

    /// The largest attachment accepted, in bytes.
    pub fn set_attachment_limit(&mut self, ctx: &Ctx, bytes: u64) -> StoreResult<()> {
        self.set_setting(ctx, "attachment_limit", &bytes.to_string())
    }

    fn set_setting(&mut self, ctx: &Ctx, key: &str, value: &str) -> StoreResult<()> {
        check_admin(&ctx.actor.person, AdminAction::ManageSettings, ctx.lang).map_err(StoreError::Denied)?;
        self.write(|tx| {
            let before: Option<String> = tx
                .query_row("SELECT value FROM settings WHERE key = :key", named_params! {":key": key}, |r| {
                    r.get(0)
                })
                .optional()?;
            tx.execute(
                "INSERT INTO settings (key, value) VALUES (:key, :value)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                named_params! {":key": key, ":value": value},
            )?;
            events::record(
                tx,
                ctx,
                None,
                EventKind::SettingChanged,
                json!({key: before}),
                json!({key: value}),
            )
        })
    }
}

pub(super) fn person(tx: &Transaction, login: &str) -> StoreResult<Option<Person>> {
    let sql = format!("SELECT {PERSON_COLUMNS} FROM people WHERE login = :login");
    Ok(tx.prepare_cached(&sql)?.query_row(named_params! {":login": login}, person_row).optional()?)
}

/// The person behind a login, or a NotFound error that says how to list people.
pub(super) fn require_person(tx: &Transaction, login: &str) -> StoreResult<Person> {
    person(tx, login)?.ok_or_else(|| StoreError::not_found(Kind::Person, login))
}

pub(super) fn require_department(tx: &Transaction, code: &str) -> StoreResult<()> {
    let exists: bool = tx
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM departments WHERE code = :code)")?
        .query_row(named_params! {":code": code}, |r| r.get(0))?;
    if exists { Ok(()) } else { Err(StoreError::not_found(Kind::Department, code)) }
}

fn admins(tx: &Transaction) -> StoreResult<Vec<String>> {
    let mut stmt = tx.prepare("SELECT login FROM people WHERE role = 'admin' ORDER BY login")?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn insert_department(tx: &Transaction, ctx: &Ctx, dept: &Department) -> StoreResult<()> {
    if !is_valid_dept_code(&dept.code) {
        return Err(StoreError::invalid(
            format!("department code `{}` must be 2 to 6 capital letters, e.g. RD, MKT, OPS", dept.code),
            format!("部门代码「{}」须为 2 到 6 个大写字母，如 RD、MKT、OPS", dept.code),
        ));
    }
    if dept.name.trim().is_empty() {
        return Err(StoreError::invalid(
            "a department needs a name, e.g. 研发部",
            "部门名称不能为空，例如：研发部",
        ));
    }
    let taken: Option<String> = tx
        .query_row(
            "SELECT code FROM departments WHERE code = :code OR name = :name",
            named_params! {":code": dept.code, ":name": dept.name},
            |r| r.get(0),
        )
        .optional()?;
    if let Some(code) = taken {
        return Err(StoreError::invalid(
            format!("department {code} already exists with that code or name"),
            format!("部门 {code} 已存在（代码或名称重复）"),
        ));
    }
    tx.execute(
        "INSERT INTO departments (code, name, head) VALUES (:code, :name, :head)",
        named_params! {":code": dept.code, ":name": dept.name, ":head": dept.head},
    )?;
    events::record(tx, ctx, None, EventKind::DepartmentAdded, json!(null), json!(dept))
}

fn insert_person(tx: &Transaction, ctx: &Ctx, p: &Person) -> StoreResult<()> {
    if p.login.trim().is_empty()
        || p.login.chars().any(|c| c.is_whitespace() || crate::domain::text::is_control(c))
    {
        return Err(StoreError::invalid(
            format!("login `{}` must be the person's OS login: no spaces", p.login),
            format!("登录名「{}」须为系统登录名，不能含空格", p.login),
        ));
    }
    if p.display_name.trim().is_empty() {
        return Err(StoreError::invalid(
            "a person needs a display name, e.g. 张三",
            "姓名不能为空，例如：张三",
        ));
    }
    require_department(tx, &p.dept)?;
    if person(tx, &p.login)?.is_some() {
        return Err(StoreError::invalid(
            format!("{} is already registered; use `liaison user set-role` to change the role", p.login),
            format!("{} 已登记；如需修改角色请用 `liaison user set-role`", p.login),
        ));
    }
    tx.execute(
        "INSERT INTO people (login, display_name, dept, role) VALUES (:login, :name, :dept, :role)",
        named_params! {":login": p.login, ":name": p.display_name, ":dept": p.dept, ":role": p.role},
    )?;
    events::record(tx, ctx, None, EventKind::PersonAdded, json!(null), json!(p))
}

pub(super) fn calendar(tx: &Transaction) -> StoreResult<Calendar> {
    let mut cal = Calendar::china();
    let mut stmt = tx.prepare_cached("SELECT day, kind, name FROM calendar_days")?;
    let rows = stmt.query_map([], calendar_day_row)?;
    for day in rows {
        cal.set(day?);
    }
    Ok(cal)
}

pub(super) fn settings(tx: &Transaction) -> StoreResult<Settings> {
    let mut settings = Settings::default();
    let mut stmt = tx.prepare_cached("SELECT key, value FROM settings")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    for row in rows {
        let (key, value) = row?;
        match key.as_str() {
            "number_format" => settings.number_format = NumberFormat::parse(&value).unwrap_or_default(),
            "attachment_limit" => settings.attachment_limit = value.parse().ok(),
            _ => {
                let priority = key.strip_prefix("response.").and_then(Priority::parse);
                if let (Some(priority), Some(rule)) = (priority, ResponseRule::parse(&value)) {
                    settings.response.set(priority, rule);
                }
            }
        }
    }
    Ok(settings)
}
