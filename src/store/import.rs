//! Imports: whole records written in one bulk transaction, held to the rule book's invariants,
//! numbers kept and counters moved past them, and nothing written twice.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDateTime;
use rusqlite::Transaction;
use serde_json::json;

use super::convert::{Instant, PERSON_COLUMNS, department_row, person_row};
use super::{Store, StoreResult};
use crate::domain::rules::violations;
use crate::domain::text::{MAX_TITLE_CHARS, check_length};
use crate::domain::*;
use crate::i18n::{Bilingual, Lang};

/// What a file holds, ready to write.
#[derive(Debug, Default)]
pub struct ImportBatch {
    /// Departments and people to add where missing (from a JSON export).
    pub departments: Vec<Department>,
    pub people: Vec<Person>,
    /// (row, record): the row as the file numbers it.
    pub records: Vec<(usize, IssueRecord)>,
    /// The file's name, for the events.
    pub source: String,
}

/// A record the import cannot take, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub row: usize,
    pub number: String,
    /// The rule broken (`closed_without_acceptance`…) or `duplicate`.
    pub rule: String,
    pub text: Bilingual,
}

#[derive(Debug, Default)]
pub struct ImportOutcome {
    /// Numbers written (none for a dry run or a refusal).
    pub added: Vec<String>,
    /// Records that would be added (a dry run) or were.
    pub would_add: usize,
    /// (row, number): already in the database, left alone.
    pub already: Vec<(usize, String)>,
    pub refused: Vec<Refusal>,
    pub people_added: usize,
    pub departments_added: usize,
    pub written: bool,
}

/// Who is known once the batch's people and departments are in.
fn known(tx: &Transaction, batch: &ImportBatch) -> StoreResult<(Vec<Person>, Vec<Department>)> {
    let mut people: Vec<Person> = tx
        .prepare(&format!("SELECT {PERSON_COLUMNS} FROM people"))?
        .query_map([], person_row)?
        .collect::<Result<_, _>>()?;
    let mut depts: Vec<Department> = tx
        .prepare("SELECT code, name, head FROM departments")?
        .query_map([], department_row)?
        .collect::<Result<_, _>>()?;
    for p in &batch.people {
        if !people.iter().any(|x| x.login == p.login) {
            people.push(p.clone());
        }
    }
    for d in &batch.departments {
        if !depts.iter().any(|x| x.code == d.code) {
            depts.push(d.clone());
        }
    }
    Ok((people, depts))
}

/// Decides, for every record, whether it is new, already there, or refused.
fn plan(tx: &Transaction, batch: &ImportBatch, lang: Lang) -> StoreResult<(Vec<usize>, ImportOutcome)> {
    let (people, depts) = known(tx, batch)?;
    let mut numbers = HashSet::new();
    let mut keys = HashMap::new();
    {
        let mut stmt = tx.prepare("SELECT number, proposer_dept, proposed_at, title FROM issues")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let number: String = r.get(0)?;
            let at: Instant = r.get(2)?;
            keys.insert((r.get::<_, String>(1)?, at.0, r.get::<_, String>(3)?), number.clone());
            numbers.insert(number);
        }
    }
    // Rows imported before without a number, by the id column of their sheet.
    let mut ids = HashMap::new();
    {
        let mut stmt = tx.prepare(
            "SELECT json_extract(e.after, '$.imported.id'), i.number FROM events e JOIN issues i ON i.id = e.issue_id
             WHERE e.kind = 'registered' AND json_extract(e.after, '$.imported.id') IS NOT NULL",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let id: rusqlite::types::Value = r.get(0)?;
            let key = match id {
                rusqlite::types::Value::Text(t) => t,
                rusqlite::types::Value::Integer(n) => n.to_string(),
                rusqlite::types::Value::Real(x) => x.to_string(),
                _ => continue,
            };
            ids.insert(key, r.get::<_, String>(1)?);
        }
    }
    let mut out = ImportOutcome::default();
    let mut take = Vec::new();
    let mut in_file: HashMap<String, usize> = HashMap::new();
    for (n, (row, r)) in batch.records.iter().enumerate() {
        let i = &r.issue;
        let refuse = |rule: &str, text: Bilingual| Refusal {
            row: *row,
            number: i.number.clone(),
            rule: rule.into(),
            text,
        };
        if !i.number.is_empty() {
            if numbers.contains(&i.number) {
                out.already.push((*row, i.number.clone()));
                continue;
            }
            if let Some(first) = in_file.insert(i.number.clone(), *row) {
                out.refused.push(refuse(
                    "duplicate",
                    Bilingual::new(
                        format!("number {} is also on row {first}", i.number),
                        format!("编号 {} 与第 {first} 行重复", i.number),
                    ),
                ));
                continue;
            }
        } else if let Some(number) = source_id(r).and_then(|id| ids.get(&id)) {
            out.already.push((*row, number.clone()));
            continue;
        } else if let Some(number) = keys.get(&(i.proposer_dept.clone(), i.proposed_at, i.title.clone())) {
            // A row without a number that matches one already imported: same department, time
            // and title.
            out.already.push((*row, number.clone()));
            continue;
        }
        for code in
            std::iter::once(&i.proposer_dept).chain(&i.departments).chain(r.tasks.iter().map(|t| &t.dept))
        {
            if !depts.iter().any(|d| d.code == *code) {
                out.refused.push(refuse(
                    "unknown_department",
                    Bilingual::new(format!("unknown department {code}"), format!("未知部门 {code}")),
                ));
            }
        }
        let mut logins: Vec<&String> = vec![&i.proposer];
        logins.extend(r.tasks.iter().map(|t| &t.owner));
        logins.extend(r.meetings.iter().flat_map(|m| m.participants.iter().map(|p| &p.login)));
        logins.extend(i.resolution.iter().flat_map(|x| [&x.owner, &x.feedback]));
        for login in logins {
            if !people.iter().any(|p| p.login == *login) {
                out.refused.push(refuse(
                    "unknown_person",
                    Bilingual::new(format!("{login} is not registered"), format!("{login} 未登记")),
                ));
            }
        }
        for v in violations(r, &people) {
            out.refused.push(refuse(v.rule, v.text));
        }
        // The limits every other way in keeps to.
        let titles = std::iter::once((&i.title, ("Title", "标题")))
            .chain(r.tasks.iter().map(|t| (&t.title, ("The task", "任务内容"))));
        for (title, label) in titles {
            if let Err(text) = check_length(title, MAX_TITLE_CHARS, label) {
                out.refused.push(refuse("too_long", text));
            }
        }
        if out.refused.last().is_none_or(|x| x.row != *row) {
            take.push(n);
        }
    }
    let _ = lang;
    out.would_add = take.len();
    Ok((take, out))
}

/// The id column's value a sheet row was imported with, if any.
fn source_id(r: &IssueRecord) -> Option<String> {
    let e = r.events.first().filter(|e| e.kind == EventKind::Registered)?;
    e.after.get("imported")?.get("id")?.as_str().map(str::to_string)
}

impl Store {
    /// Imports a batch as `admin`: all of it or nothing. With `dry_run` it only checks.
    pub fn import(
        &mut self,
        admin: &Actor,
        batch: &ImportBatch,
        dry_run: bool,
        now: NaiveDateTime,
        lang: Lang,
    ) -> StoreResult<ImportOutcome> {
        crate::domain::permission::check_admin(
            &admin.person,
            crate::domain::permission::AdminAction::ManagePeople,
            lang,
        )
        .map_err(super::StoreError::Denied)?;
        if dry_run {
            return self.read(|tx| Ok(plan(tx, batch, lang)?.1));
        }
        let mut bulk = self.bulk(&admin.person, lang)?;
        let (take, mut out) = plan(bulk.tx(), batch, lang)?;
        if !out.refused.is_empty() || take.is_empty() {
            return Ok(out);
        }
        for d in &batch.departments {
            out.departments_added += usize::from(bulk.ensure_department(d)?);
        }
        for p in &batch.people {
            out.people_added += usize::from(bulk.ensure_person(p)?);
        }
        // Every kept number first: a number drawn for a row without one then never meets a
        // number that a later row of the same file keeps.
        for n in &take {
            let number = &batch.records[*n].1.issue.number;
            if !number.is_empty() {
                bulk.keep_number(number)?;
            }
        }
        for n in &take {
            out.added.push(bulk.add_record(&batch.records[*n].1)?);
        }
        let event = Event {
            id: 0,
            issue_number: None,
            at: now,
            actor: admin.person.login.clone(),
            on_behalf_of: admin.on_behalf_of.clone(),
            kind: EventKind::Imported,
            before: serde_json::Value::Null,
            after: json!({"file": batch.source, "issues": out.added.len(), "already": out.already.len(),
                "first": out.added.first(), "last": out.added.last()}),
        };
        bulk.add_event(None, &event)?;
        bulk.commit()?;
        out.written = true;
        Ok(out)
    }
}
