//! The work phase of an issue's life (progress, risks, cancellations, comments, an escalation
//! where a deadline is long missed) and its close (solution, acceptance, archive).

use chrono::{NaiveDate, NaiveDateTime};
use serde_json::{Value, json};

use super::clock;
use super::life::Life;
use super::phrases::*;
use crate::domain::model::local_time::rfc3339;
use crate::domain::risk::alert_is_timely;
use crate::domain::*;

/// A step of the work phase, at its time.
enum Step {
    Progress { task: usize, percent: u8, note: String, help: Option<HelpRequest> },
    Risk { task: usize, reason: &'static str, plan: &'static str, new_deadline: NaiveDate },
    Cancel { task: usize, reason: &'static str },
    Comment { by: String, body: &'static str },
    Escalate { reason: String },
    CloseEscalation { note: &'static str },
}

impl Life<'_> {
    /// Plans each task's work from the day it was added, then lets the steps happen in time order.
    pub(super) fn work(&mut self) -> Option<()> {
        let cal = self.cal;
        let start = self.clock;
        let added = start.date();
        let count = self.r.tasks.len();
        // Now and then one task drags on for weeks and is escalated.
        // Now and then one task of another department than the proposer's drags on for weeks,
        // and the proposer escalates it.
        let others: Vec<usize> =
            (0..count).filter(|k| self.r.tasks[*k].dept != self.r.issue.proposer_dept).collect();
        let stalled = (self.rng.chance(3) && !others.is_empty()).then(|| *self.rng.pick(&others));
        let mut previous = added;
        let mut steps: Vec<(NaiveDateTime, Step)> = Vec::new();
        for k in 0..count {
            let plan = &self.sc.tasks[k];
            let deadline = self.r.tasks[k].deadline;
            if count > 1 && k > 0 && stalled != Some(k) && self.rng.chance(3) {
                let t = clock::later(cal, start, self.rng.between(120, 1200));
                steps.push((t, Step::Cancel { task: k, reason: self.rng.word(CANCEL_REASONS) }));
                continue;
            }
            let room = cal.working_days_between(added, deadline).max(1) as u32;
            let mut finish_day = if stalled == Some(k) {
                clock::plus(cal, deadline, self.rng.between(12, 40))
            } else if self.rng.chance(85) {
                clock::plus(cal, added, self.rng.between(1, room))
            } else {
                clock::plus(cal, deadline, self.rng.between(1, 4))
            };
            // Tasks are listed in the order the work depends on: none ends before the one above.
            finish_day = finish_day.max(previous);
            let late = finish_day > deadline;
            if late && (stalled == Some(k) || self.rng.chance(65)) {
                // A risk alert, mostly a working day or more before the deadline.
                let day = if self.rng.chance(80) { cal.prev_working_day(deadline) } else { deadline };
                let raised = clock::on(&mut self.rng, day, 3);
                if raised > start {
                    let new_deadline =
                        if stalled == Some(k) { clock::plus(cal, deadline, 3) } else { finish_day };
                    let risks: Vec<_> = RISKS.iter().filter(|r| r.0.is_empty() || r.0 == plan.dept).collect();
                    let (_, reason, plan) = **self.rng.pick(&risks);
                    steps.push((raised, Step::Risk { task: k, reason, plan, new_deadline }));
                }
            }
            if stalled == Some(k) {
                let missed = self.rng.between(5, 8);
                // Counted from the deadline as a risk alert may have moved it.
                let moved = steps.iter().rev().find_map(|(_, s)| match s {
                    Step::Risk { task, new_deadline, .. } if *task == k => Some(*new_deadline),
                    _ => None,
                });
                let day = clock::plus(cal, moved.unwrap_or(deadline), missed);
                let dept = super::people::dept_name(plan.dept);
                let reason = format!(
                    "任务 #{}（{}）已超期{missed}个工作日，{dept}人力不足，需协调资源",
                    k + 1,
                    self.r.tasks[k].title
                );
                steps.push((clock::on(&mut self.rng, day, 0), Step::Escalate { reason }));
                let closed = clock::plus(cal, day, self.rng.between(2, 6));
                steps.push((
                    clock::on(&mut self.rng, closed, 0),
                    Step::CloseEscalation { note: self.rng.word(ESCALATION_NOTES) },
                ));
                finish_day = finish_day.max(clock::plus(cal, closed, 3));
                // Work picks up once the escalation has found the people.
                let resumed = clock::plus(cal, closed, self.rng.between(1, 2));
                let note = "已按协调结果增派人手，按新计划推进".to_string();
                let t = clock::on(&mut self.rng, resumed, 0);
                steps.push((t, Step::Progress { task: k, percent: 80, note, help: None }));
            }
            // The midway note comes before the deadline where the task stalled.
            let until = if stalled == Some(k) { deadline } else { finish_day };
            let gap = cal.working_days_between(added, until) as u32;
            if gap >= 2 && (stalled == Some(k) || self.rng.chance(50)) {
                let day = clock::plus(cal, added, self.rng.between(1, gap - 1));
                let percent = 10 * self.rng.between(3, 7) as u8;
                let help = self.rng.chance(15).then(|| self.help_for(plan.dept)).flatten();
                let note = self.v.fill(plan.doing);
                let t = clock::on(&mut self.rng, day, 4);
                steps.push((t, Step::Progress { task: k, percent, note, help }));
            }
            previous = finish_day;
            let mut done = clock::on(&mut self.rng, finish_day, 5);
            if done <= start {
                done = clock::later(cal, start, self.rng.between(60, 240));
            }
            steps.push((
                done,
                Step::Progress { task: k, percent: 100, note: self.v.fill(plan.done), help: None },
            ));
        }
        if self.rng.chance(35) {
            let people = &self.r.meetings[0].participants;
            let who = &people[self.rng.below(people.len())];
            let (by, dept) = (who.login.clone(), who.dept.clone());
            let theirs: Vec<&str> =
                COMMENTS.iter().filter(|(d, _)| d.is_empty() || *d == dept).map(|(_, c)| *c).collect();
            let body = self.rng.word(&theirs);
            let day = clock::plus(cal, added, self.rng.between(1, 3));
            let t = clock::on(&mut self.rng, day, 5);
            steps.push((t, Step::Comment { by, body }));
        }
        steps.sort_by_key(|(t, _)| *t);
        for (t, step) in steps {
            self.go(t)?;
            self.step(step);
        }
        Some(())
    }

    /// Help asked of another department of the issue than the task's own.
    fn help_for(&mut self, dept: &str) -> Option<HelpRequest> {
        let i = &self.r.issue;
        let others: Vec<&String> =
            i.departments.iter().chain([&i.proposer_dept]).filter(|d| *d != dept).collect();
        let d = (*others.get(self.rng.below(others.len().max(1)))?).clone();
        Some(HelpRequest { what: self.rng.pick(HELP).to_string(), dept: d })
    }

    fn step(&mut self, step: Step) {
        let cal = self.cal;
        match step {
            Step::Progress { task, percent, note, help } => {
                let t = &mut self.r.tasks[task];
                let before = json!({"percent": t.percent, "state": t.state});
                t.set_progress(None, Some(percent));
                let (seq, owner) = (t.seq, t.owner.clone());
                let after = json!({
                    "task": seq, "at": rfc3339(&self.clock), "percent": percent, "note": note,
                    "help": help.as_ref().map(|h| json!({"dept": h.dept, "what": h.what})),
                });
                self.r.progress.push(Progress {
                    id: 0,
                    task_seq: Some(seq),
                    at: self.clock,
                    by: owner.clone(),
                    percent: Some(percent),
                    note,
                    help,
                });
                self.event(&owner, EventKind::ProgressAdded, before, after);
            }
            Step::Risk { task, reason, plan, new_deadline } => {
                let t = &mut self.r.tasks[task];
                let timely = alert_is_timely(self.clock, t.deadline, cal);
                let before = json!({"task": t.seq, "deadline": t.deadline});
                let (seq, owner) = (t.seq, t.owner.clone());
                t.deadline = new_deadline;
                self.r.risks.push(Risk {
                    id: 0,
                    task_seq: seq,
                    raised_at: self.clock,
                    by: owner.clone(),
                    reason: reason.into(),
                    plan: plan.into(),
                    new_deadline: Some(new_deadline),
                    timely,
                });
                self.event(&owner, EventKind::RiskRaised, before, json!({
                    "task": seq, "reason": reason, "plan": plan, "new_deadline": new_deadline, "timely": timely,
                }));
            }
            Step::Cancel { task, reason } => {
                let t = &mut self.r.tasks[task];
                let before = json!({"task": t.seq, "state": t.state, "percent": t.percent});
                t.state = TaskState::Cancelled;
                let (seq, owner) = (t.seq, t.owner.clone());
                let after = json!({"task": seq, "state": TaskState::Cancelled, "reason": reason});
                self.event(&owner, EventKind::TaskCancelled, before, after);
            }
            Step::Comment { by, body } => {
                self.r.comments.push(Comment { id: 0, at: self.clock, by: by.clone(), body: body.into() });
                self.event(&by, EventKind::Commented, json!({}), json!({"body": body}));
            }
            Step::Escalate { reason } => self.escalate(reason),
            Step::CloseEscalation { note } => self.close_escalation(note.to_string()),
        }
    }

    /// The solution a little after the last task is done, acceptance by the feedback person a
    /// day or two later (now and then refused first), and mostly the archive after that.
    pub(super) fn close(&mut self) -> Option<()> {
        let t = self.later(60, 900);
        self.go(t)?;
        self.resolve();
        if self.rng.chance(6) {
            let day = clock::plus(self.cal, self.clock.date(), 1);
            let t = clock::on(&mut self.rng, day, 3);
            self.go(t)?;
            let reason = "验收时发现仍有遗留问题，请补充处理后再提交";
            self.r.issue.acceptance = Some(Acceptance {
                accepted: false,
                by: self.proposer.login.clone(),
                proxy: None,
                at: self.clock,
                reason: Some(reason.into()),
            });
            self.r.issue.status = Status::InProgress;
            let by = self.proposer.login.clone();
            self.event(
                &by,
                EventKind::Refused,
                json!({"status": Status::AwaitingAcceptance}),
                json!({"reason": reason, "status": Status::InProgress}),
            );
            let t = self.later(120, 900);
            self.go(t)?;
            let note = "已按验收意见补充处理遗留问题";
            let by = self.responder.login.clone();
            self.r.progress.push(Progress {
                id: 0,
                task_seq: None,
                at: self.clock,
                by: by.clone(),
                percent: None,
                note: note.into(),
                help: None,
            });
            let after = json!({"task": Value::Null, "at": rfc3339(&self.clock), "percent": Value::Null, "note": note, "help": Value::Null});
            self.event(&by, EventKind::ProgressAdded, json!({}), after);
            let t = self.later(30, 300);
            self.go(t)?;
            self.resolve();
        }
        let day = clock::plus(self.cal, self.clock.date(), self.rng.between(1, 2));
        let t = clock::on(&mut self.rng, day, 3);
        self.go(t)?;
        self.r.issue.acceptance = Some(Acceptance {
            accepted: true,
            by: self.proposer.login.clone(),
            proxy: None,
            at: self.clock,
            reason: None,
        });
        self.r.issue.status = Status::Resolved;
        let by = self.proposer.login.clone();
        self.event(
            &by,
            EventKind::Accepted,
            json!({"status": Status::AwaitingAcceptance}),
            json!({"reason": Value::Null, "status": Status::Resolved}),
        );
        if self.rng.chance(12) {
            return Some(()); // resolved, the retrospective not written
        }
        let day = clock::plus(self.cal, self.clock.date(), self.rng.between(1, 4));
        let t = clock::on(&mut self.rng, day, 0);
        self.go(t)?;
        let retro = format!("{}{}", self.v.fill(self.sc.retro), self.retro_extra());
        self.r.issue.retrospective = Some(retro.clone());
        self.r.issue.archived_at = Some(self.clock);
        self.r.issue.status = Status::Archived;
        self.event(
            &by,
            EventKind::Archived,
            json!({"status": Status::Resolved}),
            json!({"retrospective": retro, "status": Status::Archived}),
        );
        Some(())
    }

    /// A second thought for the retrospective, from what happened.
    fn retro_extra(&mut self) -> &'static str {
        let r = &self.r;
        if !r.issue.escalations.is_empty() {
            "资源冲突应更早上报，升级后协调效率明显提高。"
        } else if r.meetings.iter().any(|m| m.version > 1) {
            "会议纪要当天确认、及时修订，避免了分工误解。"
        } else if r.risks.iter().any(|k| k.timely) {
            "风险预警及时，调整计划得到各方认可。"
        } else if !r.risks.is_empty() {
            "风险预警偏晚，下次应至少提前一个工作日提出。"
        } else {
            self.rng.word(RETRO_EXTRA)
        }
    }

    fn resolve(&mut self) {
        let i = &mut self.r.issue;
        let before = json!({"resolution": i.resolution, "status": Status::InProgress});
        let solution = self.v.fill(self.sc.solution);
        let res = Resolution {
            solution: solution.clone(),
            resolved_at: self.clock,
            owner: self.responder.login.clone(),
            feedback: self.proposer.login.clone(),
        };
        i.resolution = Some(res);
        i.acceptance = None;
        i.status = Status::AwaitingAcceptance;
        let after = json!({
            "solution": solution, "resolved_at": rfc3339(&self.clock), "owner": self.responder.login,
            "feedback": self.proposer.login, "without_response": Value::Null, "status": Status::AwaitingAcceptance,
        });
        let by = self.responder.login.clone();
        self.event(&by, EventKind::Resolved, before, after);
    }
}
