//! Writing whole records at once (demo data and imports): one transaction, prepared statements,
//! numbers drawn from the same counters as registration.

use std::collections::HashMap;

use rusqlite::{OptionalExtension, Transaction, TransactionBehavior, named_params};

use super::admin::settings;
use super::audit::{Fields, head_for_append, keyed_hash};
use super::audit_key::{AuditKey, keying};
use super::convert::{Day, Instant};
use super::issues::description_text;
use super::search::{Grams, insert_grams, insert_text};
use super::{Store, StoreResult};
use crate::domain::number::{format_number, sequence_scope};
use crate::domain::permission::{AdminAction, check_admin};
use crate::domain::*;
use crate::i18n::Lang;

/// An open bulk write. Nothing is visible to others until `commit`; dropping it rolls back.
pub struct BulkWriter<'a> {
    tx: Transaction<'a>,
    format: NumberFormat,
    /// The number counters this write drew from, written back once at commit: an upsert per
    /// issue would open a statement savepoint, which makes FTS5 flush its pending index each time.
    counters: HashMap<String, u32>,
    /// Secondary indexes dropped for the write, rebuilt (sorted, in one pass) at commit.
    indexes: Vec<String>,
    /// The hash the next event links to.
    head: String,
    /// The key of the chain, when it is keyed.
    key: Option<AuditKey>,
    /// The issues written (number, departments), announced as one burst at commit.
    written: Vec<(String, Vec<String>)>,
    /// What the burst is called in its message ("demo", "import") and when it happened; none: silent.
    burst: Option<(String, chrono::NaiveDateTime)>,
}

impl Store {
    /// Starts a bulk write as an admin.
    pub fn bulk(&mut self, admin: &Person, lang: Lang) -> StoreResult<BulkWriter<'_>> {
        check_admin(admin, AdminAction::ManagePeople, lang).map_err(super::StoreError::Denied)?;
        // A larger page cache for this connection keeps the indexes of a big write in memory.
        self.conn.pragma_update(None, "cache_size", -131_072)?;
        // Rebuilding the indexes at commit sorts in memory rather than through temporary files.
        self.conn.pragma_update(None, "temp_store", "MEMORY")?;
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let format = settings(&tx)?.number_format;
        // Keep the full-text index's pending terms in memory longer and merge once at the end:
        // far fewer small segments to write and merge again.
        tx.execute("INSERT INTO search_grams (search_grams, rank) VALUES ('hashsize', 67108864)", [])?;
        tx.execute("INSERT INTO search_grams (search_grams, rank) VALUES ('automerge', 0)", [])?;
        // Maintaining every secondary index row by row costs more than building each once at
        // the end. Their definitions come from the schema itself and go back at commit.
        let indexes: Vec<(String, String)> = {
            let mut stmt = tx.prepare(
                "SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL ORDER BY name",
            )?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<Result<_, _>>()?
        };
        for (name, _) in &indexes {
            tx.execute_batch(&format!("DROP INDEX \"{name}\""))?;
        }
        let indexes = indexes.into_iter().map(|(_, sql)| sql).collect();
        // Any events left unhashed at the end of the chain are hashed first.
        let head = head_for_append(&tx)?;
        let key = keying(&tx)?.key_for_append()?.cloned();
        Ok(BulkWriter {
            tx,
            format,
            counters: HashMap::new(),
            indexes,
            head,
            key,
            written: Vec::new(),
            burst: None,
        })
    }
}

impl BulkWriter<'_> {
    /// Adds a department unless one with that code exists. Returns whether it was added.
    pub fn ensure_department(&mut self, dept: &Department) -> StoreResult<bool> {
        let n = self.tx.execute(
            "INSERT INTO departments (code, name, head) VALUES (:code, :name, :head) ON CONFLICT DO NOTHING",
            named_params! {":code": dept.code, ":name": dept.name, ":head": dept.head},
        )?;
        Ok(n > 0)
    }

    /// Adds a person unless that login exists. Returns whether they were added.
    pub fn ensure_person(&mut self, p: &Person) -> StoreResult<bool> {
        let n = self.tx.execute(
            "INSERT INTO people (login, display_name, dept, role) VALUES (:login, :name, :dept, :role)
             ON CONFLICT DO NOTHING",
            named_params! {":login": p.login, ":name": p.display_name, ":dept": p.dept, ":role": p.role},
        )?;
        Ok(n > 0)
    }

    /// Writes one whole record with its history. An empty number is drawn from the counters.
    /// Returns the number.
    pub fn add_record(&mut self, r: &IssueRecord) -> StoreResult<String> {
        let i = &r.issue;
        let number = if i.number.is_empty() {
            self.draw_number(&i.proposer_dept, i.proposed_at)?
        } else {
            i.number.clone()
        };
        let tx = &self.tx;
        let res = i.resolution.as_ref();
        let acc = i.acceptance.as_ref();
        let proxy = acc.and_then(|a| a.proxy.as_ref());
        // The next deadline as the rule book defines it, from the record itself.
        let next_due = crate::domain::rules::next_due(r);
        tx.prepare_cached(
            "INSERT INTO issues (number, proposer_dept, proposer, proposed_at, priority, title, background,
                 request, status, response_due_at, response_in_hours, first_response_at, first_response_by,
                 response_waived, solution, resolved_at, resolution_owner, feedback_person, accepted,
                 accepted_by, accepted_at, acceptance_reason, accepted_proxy, accepted_proxy_reason,
                 retrospective, archived_at, version, updated_at, updated_by, next_due_at)
             VALUES (:number, :dept, :proposer, :proposed_at, :priority, :title, :background, :request,
                 :status, :due, :in_hours, :first_at, :first_by, :waived, :solution, :resolved_at, :owner,
                 :feedback, :accepted, :accepted_by, :accepted_at, :acc_reason, :proxy, :proxy_reason,
                 :retro, :archived_at, :version, :updated_at, :updated_by, :next_due)",
        )?
        .execute(named_params! {
            ":number": number, ":dept": i.proposer_dept, ":proposer": i.proposer,
            ":proposed_at": Instant(i.proposed_at), ":priority": i.priority, ":title": i.title,
            ":background": i.background, ":request": i.request, ":status": i.status,
            ":due": Instant(i.response_due_at), ":in_hours": i.response_in_hours,
            ":first_at": i.first_response_at.map(Instant), ":first_by": i.first_response_by,
            ":waived": i.response_waived,
            ":solution": res.map(|r| &r.solution), ":resolved_at": res.map(|r| Instant(r.resolved_at)),
            ":owner": res.map(|r| &r.owner), ":feedback": res.map(|r| &r.feedback),
            ":accepted": acc.map(|a| a.accepted), ":accepted_by": acc.map(|a| &a.by),
            ":accepted_at": acc.map(|a| Instant(a.at)), ":acc_reason": acc.and_then(|a| a.reason.as_ref()),
            ":proxy": proxy.map(|p| &p.by), ":proxy_reason": proxy.and_then(|p| p.reason.as_ref()),
            ":retro": i.retrospective, ":archived_at": i.archived_at.map(Instant),
            ":version": i.version.max(1), ":updated_at": Instant(i.updated_at), ":updated_by": i.updated_by,
            ":next_due": next_due.map_or(super::issues::NO_DEADLINE, |d| super::convert::instant(d.at)),
        })?;
        let id = tx.last_insert_rowid();
        super::issues::set_departments(tx, id, &i.departments)?;
        // The record's texts, and their grams once for the whole record.
        let mut grams = Grams::default();
        let mut index = |source: &str, body: &str| {
            grams.add(body);
            insert_text(tx, id, source, body)
        };
        index("issue", &description_text(&i.title, &i.background, &i.request))?;
        if let Some(res) = res {
            index("solution", &res.solution)?;
        }
        if let Some(retro) = &i.retrospective {
            index("retrospective", retro)?;
        }
        for m in &r.meetings {
            tx.prepare_cached(
                "INSERT INTO meetings (issue_id, seq, held_at, mode, summary, disputes, consensus, recorder, version)
                 VALUES (:issue, :seq, :held_at, :mode, :summary, :disputes, :consensus, :recorder, :version)",
            )?
            .execute(named_params! {
                ":issue": id, ":seq": m.seq, ":held_at": Instant(m.held_at), ":mode": m.mode,
                ":summary": m.summary, ":disputes": m.disputes, ":consensus": m.consensus, ":recorder": m.recorder,
                ":version": m.version.max(1),
            })?;
            let meeting_id = tx.last_insert_rowid();
            for p in &m.participants {
                tx.prepare_cached(
                    "INSERT INTO meeting_participants (meeting_id, login, dept, confirmation, note, answered_at,
                         proxy, proxy_reason)
                     VALUES (:m, :login, :dept, :c, :note, :at, :proxy, :proxy_reason)",
                )?
                .execute(named_params! {
                    ":m": meeting_id, ":login": p.login, ":dept": p.dept, ":c": p.confirmation,
                    ":note": p.note, ":at": p.answered_at.map(Instant), ":proxy": p.proxy.as_ref().map(|x| &x.by),
                    ":proxy_reason": p.proxy.as_ref().and_then(|x| x.reason.as_ref()),
                })?;
            }
            index(
                &format!("meeting:{meeting_id}"),
                &format!("{}\n{}\n{}", m.summary, m.disputes, m.consensus),
            )?;
        }
        for e in &i.escalations {
            tx.prepare_cached(
                "INSERT INTO escalations (issue_id, seq, at, by_login, to_whom, reason, closed_at, closed_by, close_note)
                 VALUES (:issue, :seq, :at, :by, :to, :reason, :closed_at, :closed_by, :note)",
            )?
            .execute(named_params! {
                ":issue": id, ":seq": e.seq, ":at": Instant(e.at), ":by": e.by, ":to": e.to, ":reason": e.reason,
                ":closed_at": e.closed.as_ref().map(|c| Instant(c.at)), ":closed_by": e.closed.as_ref().map(|c| &c.by),
                ":note": e.closed.as_ref().map(|c| &c.note),
            })?;
        }
        let mut task_ids = HashMap::new();
        for t in &r.tasks {
            tx.prepare_cached(
                "INSERT INTO tasks (issue_id, seq, dept, title, owner, deadline, state, percent)
                 VALUES (:issue, :seq, :dept, :title, :owner, :deadline, :state, :percent)",
            )?
            .execute(named_params! {
                ":issue": id, ":seq": t.seq, ":dept": t.dept, ":title": t.title, ":owner": t.owner,
                ":deadline": Day(t.deadline), ":state": t.state, ":percent": t.percent,
            })?;
            task_ids.insert(t.seq, tx.last_insert_rowid());
        }
        for p in &r.progress {
            tx.prepare_cached(
                "INSERT INTO progress (issue_id, task_id, at, by_login, percent, note, help_dept, help_what)
                 VALUES (:issue, :task, :at, :by, :percent, :note, :help_dept, :help_what)",
            )?
            .execute(named_params! {
                ":issue": id, ":task": p.task_seq.and_then(|s| task_ids.get(&s)), ":at": Instant(p.at),
                ":by": p.by, ":percent": p.percent, ":note": p.note,
                ":help_dept": p.help.as_ref().map(|h| &h.dept), ":help_what": p.help.as_ref().map(|h| &h.what),
            })?;
            let pid = tx.last_insert_rowid();
            index(&format!("progress:{pid}"), &p.note)?;
        }
        for k in &r.risks {
            tx.prepare_cached(
                "INSERT INTO risks (issue_id, task_id, raised_at, by_login, reason, plan, new_deadline, timely)
                 VALUES (:issue, :task, :at, :by, :reason, :plan, :new_deadline, :timely)",
            )?
            .execute(named_params! {
                ":issue": id, ":task": task_ids.get(&k.task_seq), ":at": Instant(k.raised_at), ":by": k.by,
                ":reason": k.reason, ":plan": k.plan, ":new_deadline": k.new_deadline.map(Day), ":timely": k.timely,
            })?;
            let rid = tx.last_insert_rowid();
            index(&format!("risk:{rid}"), &format!("{}\n{}", k.reason, k.plan))?;
        }
        for c in &r.comments {
            tx.prepare_cached(
                "INSERT INTO comments (issue_id, at, by_login, body) VALUES (:issue, :at, :by, :body)",
            )?
            .execute(named_params! {":issue": id, ":at": Instant(c.at), ":by": c.by, ":body": c.body})?;
            let cid = tx.last_insert_rowid();
            index(&format!("comment:{cid}"), &c.body)?;
        }
        insert_grams(tx, id, grams)?;
        for e in &r.events {
            // A registration written before its number was drawn names it now, as `register` does.
            if e.kind == EventKind::Registered && e.after.get("number").is_some_and(|n| n == "") {
                let mut named = e.clone();
                named.after["number"] = serde_json::json!(number);
                self.add_event(Some(id), &named)?;
            } else {
                self.add_event(Some(id), e)?;
            }
        }
        if self.burst.is_some() {
            self.written.push((number.clone(), i.departments.clone()));
        }
        Ok(number)
    }

    /// Chains one event onto the tamper-evident history as it is written.
    pub fn add_event(&mut self, issue_id: Option<i64>, e: &Event) -> StoreResult<()> {
        let (before, after) = (e.before.to_string(), e.after.to_string());
        let fields = Fields {
            issue_id,
            at: super::convert::instant(e.at),
            actor: &e.actor,
            on_behalf_of: e.on_behalf_of.as_deref(),
            kind: e.kind.code(),
            before: &before,
            after: &after,
        };
        let hash = keyed_hash(&self.head, &fields, self.key.as_ref());
        self.tx
            .prepare_cached(
                "INSERT INTO events (issue_id, at, actor, on_behalf_of, kind, before, after, prev_hash, hash)
                 VALUES (:issue, :at, :actor, :behalf, :kind, :before, :after, :prev_hash, :hash)",
            )?
            .execute(named_params! {
                ":issue": issue_id, ":at": fields.at, ":actor": fields.actor, ":behalf": fields.on_behalf_of,
                ":kind": fields.kind, ":before": before, ":after": after, ":prev_hash": self.head, ":hash": hash,
            })?;
        self.head = hash;
        Ok(())
    }

    /// A number kept from an imported file: its counter moves past it, so that numbers drawn
    /// later never meet it.
    pub fn keep_number(&mut self, number: &str) -> StoreResult<()> {
        if let Some((scope, seq)) = crate::domain::number::parse_number(number) {
            let last = self.last_drawn(&scope)?;
            self.counters.insert(scope, last.max(seq));
        }
        Ok(())
    }

    /// The counter's value: as drawn in this write, else as stored.
    fn last_drawn(&mut self, scope: &str) -> StoreResult<u32> {
        Ok(match self.counters.get(scope) {
            Some(last) => *last,
            None => self
                .tx
                .prepare_cached("SELECT last FROM number_sequences WHERE scope = :scope")?
                .query_row(named_params! {":scope": scope}, |r| r.get(0))
                .optional()?
                .unwrap_or(0),
        })
    }

    pub(super) fn tx(&self) -> &Transaction<'_> {
        &self.tx
    }

    /// The next free number from the department's counter, counted in memory (see `counters`).
    fn draw_number(&mut self, dept: &str, proposed_at: chrono::NaiveDateTime) -> StoreResult<String> {
        let date = proposed_at.date();
        let scope = sequence_scope(self.format, dept, date);
        let mut seq = self.last_drawn(&scope)?;
        loop {
            seq += 1;
            let number = format_number(self.format, dept, date, seq);
            // A number imported or made under another format may already hold this one: skip it.
            let taken: bool = self
                .tx
                .prepare_cached("SELECT EXISTS (SELECT 1 FROM issues WHERE number = :number)")?
                .query_row(named_params! {":number": number}, |r| r.get(0))?;
            if !taken {
                self.counters.insert(scope, seq);
                return Ok(number);
            }
        }
    }

    /// Announces what this write adds as one message per channel at commit (a burst folds).
    pub fn announce_as(&mut self, source: &str, now: chrono::NaiveDateTime) {
        self.burst = Some((source.to_string(), now));
    }

    pub fn commit(self) -> StoreResult<()> {
        if let Some((source, now)) = &self.burst
            && !self.written.is_empty()
        {
            let routes = super::channels::routes(&self.tx)?;
            for m in crate::domain::notify::burst(&routes, &self.written, source) {
                super::outbox::insert(&self.tx, &m, None, None, "bulk", None, *now)?;
            }
        }
        let mut stmt = self.tx.prepare_cached(
            "INSERT INTO number_sequences (scope, last) VALUES (:scope, :last)
             ON CONFLICT (scope) DO UPDATE SET last = max(last, excluded.last)",
        )?;
        for (scope, last) in &self.counters {
            stmt.execute(named_params! {":scope": scope, ":last": last})?;
        }
        drop(stmt);
        for sql in &self.indexes {
            self.tx.execute_batch(sql)?;
        }
        // Back to FTS5's defaults for ordinary writes, with the index merged into one segment.
        self.tx.execute("INSERT INTO search_grams (search_grams, rank) VALUES ('hashsize', 1048576)", [])?;
        self.tx.execute("INSERT INTO search_grams (search_grams, rank) VALUES ('automerge', 4)", [])?;
        self.tx.execute("INSERT INTO search_grams (search_grams) VALUES ('optimize')", [])?;
        self.tx.commit()?;
        Ok(())
    }
}
