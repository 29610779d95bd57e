//! Meetings and their minutes: recorded, amended in versions, answered by each participant.

use rusqlite::named_params;
use serde_json::{Value, json};

use super::*;
use crate::domain::model::local_time::rfc3339;
use crate::domain::rules::Act;
use crate::domain::*;

impl Store {
    /// Records a meeting; returns its number within the issue. The recorder, if present, confirms
    /// at once; every other participant is asked to confirm.
    pub fn record_meeting(&mut self, ctx: &Ctx, number: &str, m: &MeetingInput) -> StoreResult<i64> {
        required(&m.summary, "the summary", "沟通内容摘要")?;
        required(&m.consensus, "the consensus", "达成共识")?;
        let held_at = m.held_at.unwrap_or(ctx.now);
        not_in_future(held_at, ctx.now)?;
        if m.participants.is_empty() {
            return Err(StoreError::invalid(
                "a meeting needs its participants: --participants login1,login2",
                "会议须有参会人：--participants 登录名1，登录名2",
            ));
        }
        self.change(|tx| {
            let (r, outcome) = begin(tx, ctx, number, None, &Act::RecordMeeting)?;
            let issue = &r.issue;
            let seq = next_seq(tx, "meetings", issue.id)?;
            tx.execute(
                "INSERT INTO meetings (issue_id, seq, held_at, mode, summary, disputes, consensus, recorder, version)
                 VALUES (:issue, :seq, :held_at, :mode, :summary, :disputes, :consensus, :recorder, 1)",
                named_params! {
                    ":issue": issue.id, ":seq": seq, ":held_at": Instant(held_at), ":mode": m.mode,
                    ":summary": m.summary, ":disputes": m.disputes, ":consensus": m.consensus,
                    ":recorder": ctx.actor.login(),
                },
            )?;
            let meeting_id = tx.last_insert_rowid();
            let mut people = Vec::new();
            for login in &m.participants {
                let person = require_person(tx, login)?;
                if people.iter().any(|p: &Person| p.login == person.login) {
                    continue;
                }
                let is_recorder = person.login == ctx.actor.login();
                tx.execute(
                    "INSERT INTO meeting_participants (meeting_id, login, dept, confirmation, answered_at)
                     VALUES (:meeting, :login, :dept, :confirmation, :answered_at)",
                    named_params! {
                        ":meeting": meeting_id, ":login": person.login, ":dept": person.dept,
                        ":confirmation": if is_recorder { Confirmation::Confirmed } else { Confirmation::Pending },
                        ":answered_at": is_recorder.then_some(Instant(ctx.now)),
                    },
                )?;
                people.push(person);
            }
            let text = format!("{}\n{}\n{}", m.summary, m.disputes, m.consensus);
            index(tx, issue.id, &format!("meeting:{meeting_id}"), &text)?;
            let participants: Vec<Value> =
                people.iter().map(|p| json!({"login": p.login, "dept": p.dept})).collect();
            let after = json!({
                "meeting": seq, "held_at": rfc3339(&held_at), "mode": m.mode, "participants": participants,
                "summary": m.summary, "disputes": m.disputes, "consensus": m.consensus,
            });
            let said = finish(tx, ctx, issue, &outcome, EventKind::MeetingRecorded, json!({}), after)?;
            Ok((seq, said))
        })
    }

    /// The recorder's answer to an objection: a new version of the minutes, which every
    /// participant but the recorder confirms again. The old version stays in the history (the
    /// event's before). Returns the new version's number.
    pub fn amend_minutes(
        &mut self,
        ctx: &Ctx,
        number: &str,
        meeting: i64,
        text: &MinutesText,
    ) -> StoreResult<i64> {
        required(&text.summary, "the summary", "沟通内容摘要")?;
        required(&text.consensus, "the consensus", "达成共识")?;
        self.change(|tx| {
            let (r, outcome) = begin(tx, ctx, number, None, &Act::AmendMinutes { meeting })?;
            let m = r.meetings.iter().find(|m| m.seq == meeting).expect("the rule book found the meeting");
            let version = m.version + 1;
            tx.execute(
                "UPDATE meetings SET summary = :summary, disputes = :disputes, consensus = :consensus,
                     version = :version WHERE id = :id",
                named_params! {
                    ":summary": text.summary, ":disputes": text.disputes, ":consensus": text.consensus,
                    ":version": version, ":id": m.id,
                },
            )?;
            tx.execute(
                "UPDATE meeting_participants SET confirmation = 'pending', note = NULL, answered_at = NULL,
                     proxy = NULL, proxy_reason = NULL
                 WHERE meeting_id = :m AND login != :recorder",
                named_params! {":m": m.id, ":recorder": m.recorder},
            )?;
            reindex(
                tx,
                r.issue.id,
                &format!("meeting:{}", m.id),
                &format!("{}\n{}\n{}", text.summary, text.disputes, text.consensus),
            )?;
            let objections: Vec<Value> =
                m.objections().map(|p| json!({"login": p.login, "note": p.note})).collect();
            let before = json!({
                "meeting": meeting, "version": m.version, "summary": m.summary, "disputes": m.disputes,
                "consensus": m.consensus, "objections": objections,
            });
            let after = json!({
                "meeting": meeting, "version": version, "summary": text.summary, "disputes": text.disputes,
                "consensus": text.consensus,
            });
            let said = finish(tx, ctx, &r.issue, &outcome, EventKind::MinutesAmended, before, after)?;
            Ok((version, said))
        })
    }

    /// A participant confirms the minutes of a meeting, or objects with a note. `on_behalf`
    /// (participant, reason): a coordinator answers for that participant.
    pub fn answer_minutes(
        &mut self,
        ctx: &Ctx,
        number: &str,
        meeting: i64,
        confirm: bool,
        note: Option<&str>,
        on_behalf: Option<(&str, &str)>,
    ) -> StoreResult<()> {
        if !confirm {
            required(note.unwrap_or(""), "the objection (what is wrong in the minutes)", "异议内容")?;
        }
        let participant = on_behalf.map_or(ctx.actor.login(), |(login, _)| login);
        let reason = on_behalf.map(|(_, reason)| reason);
        let act = Act::AnswerMinutes { meeting, participant, proxy_reason: reason };
        self.change(|tx| {
            let (r, outcome) = begin(tx, ctx, number, None, &act)?;
            let m = r.meetings.iter().find(|m| m.seq == meeting).expect("the rule book found the meeting");
            let proxy = proxy_of(ctx, participant, reason);
            let answer = if confirm { Confirmation::Confirmed } else { Confirmation::Objected };
            tx.execute(
                "UPDATE meeting_participants SET confirmation = :c, note = :note, answered_at = :now,
                     proxy = :proxy, proxy_reason = :reason
                 WHERE meeting_id = :m AND login = :login",
                named_params! {
                    ":c": answer, ":note": note, ":now": Instant(ctx.now), ":m": m.id, ":login": participant,
                    ":proxy": proxy.as_ref().map(|p| &p.by), ":reason": proxy.as_ref().and_then(|p| p.reason.as_ref()),
                },
            )?;
            let kind = if confirm { EventKind::MinutesConfirmed } else { EventKind::MinutesObjected };
            let before = json!({"meeting": meeting, "version": m.version, "confirmation": Confirmation::Pending});
            let mut after = json!({"meeting": meeting, "version": m.version, "confirmation": answer, "note": note});
            mark_proxy(&mut after, participant, ctx, reason);
            let said = finish(tx, ctx, &r.issue, &outcome, kind, before, after)?;
            Ok(((), said))
        })
    }
}
