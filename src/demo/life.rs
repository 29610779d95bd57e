//! One issue's life, planned from its registration on and cut at "now": registration, the first
//! response (an escalation if it is long in coming), a meeting a day or two later with its
//! tasks and confirmations (an objection answered by amended minutes), work over the following
//! days (progress by each task's owner, risk alerts, a long-missed deadline escalated), the
//! solution, acceptance by the feedback person and the archive.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde_json::{Value, json};

use super::phrases::*;
use super::scenarios::*;
use super::text::Vars;
use super::{Demo, Rng, clock};
use crate::domain::deadline::{ResponseRule, ResponseRules, response_due};
use crate::domain::model::local_time::rfc3339;
use crate::domain::*;

pub struct Life<'a> {
    pub(super) demo: &'a Demo,
    pub(super) rng: Rng,
    pub(super) cal: &'a Calendar,
    pub(super) now: NaiveDateTime,
    pub(super) clock: NaiveDateTime,
    pub(super) sc: &'static Scenario,
    pub(super) v: Vars,
    pub(super) proposer: Person,
    pub(super) responder: Person,
    pub(super) r: IssueRecord,
}

impl<'a> Life<'a> {
    pub fn new(
        demo: &'a Demo,
        mut rng: Rng,
        proposed_at: NaiveDateTime,
        now: NaiveDateTime,
        cal: &'a Calendar,
        rules: &ResponseRules,
    ) -> Life<'a> {
        let sc = rng.pick(SCENARIOS);
        let priority = *rng.pick(&[Priority::High, Priority::Medium, Priority::Medium, Priority::Low]);
        let rule = rules.rule(priority);
        let due = response_due(proposed_at, rule, cal);
        // The date wanted leaves room for a late response, a meeting and the tasks before it.
        let response_days = match rule {
            ResponseRule::Hours(h) => h.div_ceil(24).max(1),
            ResponseRule::WorkingDays(d) => d,
        };
        let wanted = clock::plus(cal, proposed_at.date(), response_days + 7 + rng.below(8) as u32);
        let v = Vars::new(&mut rng, sc, proposed_at.date(), wanted);
        let proposer = demo.member(&mut rng, sc.proposer).clone();
        let responder = demo.member(&mut rng, sc.involved[0]).clone();
        let issue = Issue {
            id: 0,
            number: String::new(),
            proposer_dept: sc.proposer.to_string(),
            proposer: proposer.login.clone(),
            proposed_at,
            priority,
            title: v.fill(sc.title),
            background: v.fill(sc.background),
            request: v.fill(sc.request),
            departments: sc.involved.iter().map(|d| d.to_string()).collect(),
            status: Status::Registered,
            response_due_at: due,
            response_in_hours: matches!(rule, ResponseRule::Hours(_)),
            first_response_at: None,
            first_response_by: None,
            response_waived: None,
            escalations: Vec::new(),
            resolution: None,
            acceptance: None,
            retrospective: None,
            archived_at: None,
            version: 1,
            updated_at: proposed_at,
            updated_by: proposer.login.clone(),
        };
        let r = IssueRecord {
            issue,
            meetings: Vec::new(),
            tasks: Vec::new(),
            progress: Vec::new(),
            risks: Vec::new(),
            comments: Vec::new(),
            events: Vec::new(),
        };
        Life { demo, rng, cal, now, clock: proposed_at, sc, v, proposer, responder, r }
    }

    /// The record as it stands at "now".
    pub fn run(mut self) -> IssueRecord {
        let _ = self.live();
        let i = &mut self.r.issue;
        i.version = self.r.events.len() as i64;
        if let Some(last) = self.r.events.last() {
            i.updated_at = last.at;
            i.updated_by = last.actor.clone();
        }
        self.r
    }

    /// Each stage in turn; `None` where the next step lies after "now".
    fn live(&mut self) -> Option<()> {
        let i = &self.r.issue;
        let after = json!({
            "number": "", "priority": i.priority, "title": i.title, "departments": i.departments,
            "proposed_at": rfc3339(&i.proposed_at), "response_due_at": rfc3339(&i.response_due_at),
        });
        let by = self.proposer.login.clone();
        self.event(&by, EventKind::Registered, Value::Null, after);
        self.respond()?;
        self.meet()?;
        self.work()?;
        self.close()
    }

    /// Moves the clock to `t` (never back); `None` if that is after "now".
    pub(super) fn go(&mut self, t: NaiveDateTime) -> Option<()> {
        let t = t.max(self.clock);
        if t > self.now {
            return None;
        }
        self.clock = t;
        Some(())
    }

    pub(super) fn later(&mut self, lo: u32, hi: u32) -> NaiveDateTime {
        let mins = self.rng.between(lo, hi);
        clock::later(self.cal, self.clock, mins)
    }

    pub(super) fn event(&mut self, actor: &str, kind: EventKind, before: Value, after: Value) {
        self.r.events.push(Event {
            id: 0,
            issue_number: None,
            at: self.clock,
            actor: actor.to_string(),
            on_behalf_of: None,
            kind,
            before,
            after,
        });
    }

    /// The first response by the main involved department, late now and then; when it is long
    /// in coming the proposer escalates, and closes the escalation once it comes.
    fn respond(&mut self) -> Option<()> {
        let (cal, proposed, due) = (self.cal, self.r.issue.proposed_at, self.r.issue.response_due_at);
        let late = self.rng.chance(8);
        let mut ack = if late {
            let m = self.rng.between(60, 1200);
            clock::later(cal, due, m)
        } else {
            self.later(15, 240)
        };
        if !late && ack > due {
            ack = clock::soon_after(proposed, self.rng.between(10, 40) as i64).unwrap_or(ack);
        }
        // The proposer escalates when a working day has gone by without an answer.
        let reminder = clock::later(cal, due, self.rng.between(360, 540));
        let escalated = reminder < ack;
        if escalated {
            self.go(reminder)?;
            let reason = "超过响应时限仍无人响应，需协调涉及部门尽快确认".to_string();
            self.escalate(reason);
        }
        self.go(ack)?;
        let note = self.rng.word(ACK_NOTES);
        let by = self.responder.login.clone();
        self.r.comments.push(Comment { id: 0, at: self.clock, by: by.clone(), body: note.into() });
        let i = &mut self.r.issue;
        i.first_response_at = Some(self.clock);
        i.first_response_by = Some(by.clone());
        i.status = Status::InProgress;
        self.event(
            &by,
            EventKind::Acknowledged,
            json!({"status": Status::Registered}),
            json!({"note": note, "first_response": true, "status": Status::InProgress}),
        );
        if escalated {
            let t = self.later(30, 240);
            self.go(t)?;
            let note = format!("{}已确认收到并安排跟进", self.demo.name(&by));
            self.close_escalation(note);
        }
        Some(())
    }

    /// A meeting a day or two after the response, its tasks, and the participants' answers.
    fn meet(&mut self) -> Option<()> {
        let cal = self.cal;
        let day = clock::plus(cal, self.clock.date(), self.rng.between(1, 2));
        let slot = *self.rng.pick(&[(10, 0), (10, 30), (14, 0), (14, 30), (15, 0), (16, 0)]);
        let held = day.and_time(NaiveTime::from_hms_opt(slot.0, slot.1, 0).unwrap_or_default());
        let recorded = clock::later(cal, held, self.rng.between(60, 150));
        self.go(recorded)?;
        let recorder = self.proposer.login.clone();
        let mut participants = vec![participant(&self.proposer, Some(self.clock))];
        for (k, d) in self.sc.involved.iter().enumerate() {
            let p = if k == 0 { self.responder.clone() } else { self.demo.member(&mut self.rng, d).clone() };
            participants.push(participant(&p, None));
        }
        let mode = *self.rng.pick(&[MeetingMode::Online, MeetingMode::Offline, MeetingMode::Offline]);
        let (summary, disputes, consensus) =
            (self.v.fill(self.sc.summary), self.v.fill(self.sc.disputes), self.v.fill(self.sc.consensus));
        let listed: Vec<Value> =
            participants.iter().map(|p| json!({"login": p.login, "dept": p.dept})).collect();
        self.event(
            &recorder,
            EventKind::MeetingRecorded,
            json!({}),
            json!({
                "meeting": 1, "held_at": rfc3339(&held), "mode": mode, "participants": listed,
                "summary": summary, "disputes": disputes, "consensus": consensus,
            }),
        );
        self.r.meetings.push(Meeting {
            id: 0,
            seq: 1,
            held_at: held,
            mode,
            participants,
            summary,
            disputes,
            consensus,
            recorder: recorder.clone(),
            version: 1,
        });
        // Each department adds its own task, due by the date the request names.
        // Deadlines follow the order of the tasks, which is the order the work depends on.
        let earliest = clock::plus(cal, day, 2);
        let mut deadlines: Vec<NaiveDate> = (0..self.sc.tasks.len())
            .map(|_| clock::plus(cal, day, self.rng.between(3, 8)).min(self.v.due).max(earliest))
            .collect();
        deadlines.sort();
        for (k, plan) in self.sc.tasks.iter().enumerate() {
            let owner = self.demo.member(&mut self.rng, plan.dept).login.clone();
            let deadline = deadlines[k];
            let t = self.later(5, 90);
            self.go(t)?;
            let title = self.v.fill(plan.title);
            self.event(
                &owner,
                EventKind::TaskAdded,
                json!({}),
                json!({
                    "task": k + 1, "dept": plan.dept, "title": title, "owner": owner, "deadline": deadline,
                }),
            );
            let task = Task {
                id: 0,
                seq: k as i64 + 1,
                dept: plan.dept.to_string(),
                title,
                owner,
                deadline,
                state: TaskState::Todo,
                percent: 0,
            };
            self.r.tasks.push(task);
        }
        let count = self.r.meetings[0].participants.len();
        // Now and then a participant objects, and the recorder corrects what was objected to.
        let objector = (self.rng.chance(7)).then(|| 1 + self.rng.below(count - 1));
        let which = self.rng.below(OBJECTIONS.len());
        for k in 1..count {
            self.answer(k, (objector == Some(k)).then_some(which))?;
        }
        if objector.is_some() {
            self.amend(which)?;
            for k in 1..count {
                self.answer(k, None)?;
            }
        }
        Some(())
    }

    /// The `k`-th participant confirms the minutes, or objects (with the `which`-th objection).
    fn answer(&mut self, k: usize, which: Option<usize>) -> Option<()> {
        let t = self.later(10, 300);
        self.go(t)?;
        let object = which.is_some();
        let note = which.map(|w| OBJECTIONS[w].to_string());
        let at = self.clock;
        let m = &mut self.r.meetings[0];
        let answer = if object { Confirmation::Objected } else { Confirmation::Confirmed };
        let p = &mut m.participants[k];
        p.confirmation = answer;
        p.note = note.clone();
        p.answered_at = Some(at);
        let (login, version) = (p.login.clone(), m.version);
        let kind = if object { EventKind::MinutesObjected } else { EventKind::MinutesConfirmed };
        self.event(
            &login,
            kind,
            json!({"meeting": 1, "version": version, "confirmation": Confirmation::Pending}),
            json!({"meeting": 1, "version": version, "confirmation": answer, "note": note}),
        );
        Some(())
    }

    /// The recorder answers the `which`-th objection with a new version of the minutes.
    fn amend(&mut self, which: usize) -> Option<()> {
        let t = self.later(60, 400);
        self.go(t)?;
        let correction = self.v.fill(CORRECTIONS[which]);
        let m = &mut self.r.meetings[0];
        let objections: Vec<Value> =
            m.objections().map(|p| json!({"login": p.login, "note": p.note})).collect();
        let before = json!({
            "meeting": 1, "version": m.version, "summary": m.summary, "disputes": m.disputes,
            "consensus": m.consensus, "objections": objections,
        });
        m.consensus = format!("{}{correction}", m.consensus);
        m.version += 1;
        for p in m.participants.iter_mut().skip(1) {
            p.confirmation = Confirmation::Pending;
            p.note = None;
            p.answered_at = None;
        }
        let after = json!({
            "meeting": 1, "version": m.version, "summary": m.summary, "disputes": m.disputes,
            "consensus": m.consensus,
        });
        let recorder = m.recorder.clone();
        self.event(&recorder, EventKind::MinutesAmended, before, after);
        Some(())
    }

    pub(super) fn escalate(&mut self, reason: String) {
        let i = &mut self.r.issue;
        let seq = i.escalations.len() as i64 + 1;
        let to = self.rng.pick(ESCALATE_TO).to_string();
        let open = i.escalations.iter().rfind(|e| e.closed.is_none()).map(|e| e.seq);
        i.escalations.push(Escalation {
            seq,
            reason: reason.clone(),
            to: to.clone(),
            by: self.proposer.login.clone(),
            at: self.clock,
            closed: None,
        });
        let by = self.proposer.login.clone();
        self.event(
            &by,
            EventKind::Escalated,
            json!({"open_escalation": open}),
            json!({"escalation": seq, "reason": reason, "to": to}),
        );
    }

    pub(super) fn close_escalation(&mut self, note: String) {
        let by = self.proposer.login.clone();
        let mut open = Vec::new();
        for e in self.r.issue.escalations.iter_mut().filter(|e| e.closed.is_none()) {
            open.push(e.seq);
            e.closed = Some(Closing { by: by.clone(), at: self.clock, note: note.clone() });
        }
        self.event(&by, EventKind::EscalationClosed, json!({}), json!({"escalations": open, "note": note}));
    }
}

fn participant(p: &Person, answered: Option<NaiveDateTime>) -> Participant {
    Participant {
        login: p.login.clone(),
        dept: p.dept.clone(),
        confirmation: if answered.is_some() { Confirmation::Confirmed } else { Confirmation::Pending },
        note: None,
        answered_at: answered,
        proxy: None,
    }
}
