//! Random histories for the property test in `tests/rules.rs`: a step is who acts, how much
//! later, on which issue, and what they do; the strategies that draw them; and the store call
//! each step makes on the record as it stands when it runs.

use chrono::{Duration, NaiveDateTime};
use liaison::domain::{IssueRecord, Person, TaskState};
use proptest::prelude::*;

use super::Call;

/// One step of a history: who acts (maybe with an admin running the command as them), how much
/// later than the step before, on which issue, and what they do. Indices are taken modulo what
/// the record holds when the step runs.
#[derive(Debug, Clone)]
pub struct Step {
    pub issue: usize,
    pub who: usize,
    pub as_admin: bool,
    pub later_minutes: i64,
    pub op: Op,
}

#[derive(Debug, Clone)]
pub enum Op {
    Edit { drop_dept: Option<usize>, add_dept: Option<usize> },
    Acknowledge,
    Comment,
    Meeting { with: Vec<usize> },
    Answer { meeting: i64, participant: usize, confirm: bool },
    Amend { meeting: i64 },
    AddTask { dept: usize, owner: usize, days: i64, involve: bool },
    UpdateTask { task: i64, percent: Option<u8>, state: Option<TaskState>, days: Option<i64> },
    CancelTask { task: i64 },
    Progress { task: Option<i64>, percent: Option<u8> },
    Risk { task: i64, days: Option<i64> },
    Escalate,
    CloseEscalation,
    Resolve { owner: usize, feedback: Option<usize>, waiver: bool },
    Acceptance { accept: bool, proxy: bool },
    Archive,
}

pub const DEPTS: [&str; 4] = ["OPS", "RD", "MKT", "QA"];

pub fn op() -> impl Strategy<Value = Op> {
    let task = 1..4i64;
    let percent = prop::option::of(prop::sample::select(vec![0u8, 30, 60, 100]));
    let state = prop::option::of(prop::sample::select(TaskState::ALL.to_vec()));
    prop_oneof![
        1 => (prop::option::of(0..4usize), prop::option::of(0..4usize))
            .prop_map(|(drop_dept, add_dept)| Op::Edit { drop_dept, add_dept }),
        4 => Just(Op::Acknowledge),
        2 => Just(Op::Comment),
        3 => prop::collection::vec(who(), 1..4).prop_map(|with| Op::Meeting { with }),
        5 => (1..3i64, 0..4usize, prop::bool::weighted(0.7))
            .prop_map(|(meeting, participant, confirm)| Op::Answer { meeting, participant, confirm }),
        2 => (1..3i64).prop_map(|meeting| Op::Amend { meeting }),
        5 => (0..4usize, who(), -3..15i64, any::<bool>())
            .prop_map(|(dept, owner, days, involve)| Op::AddTask { dept, owner, days, involve }),
        6 => (task.clone(), percent.clone(), state, prop::option::of(-3..15i64))
            .prop_map(|(task, percent, state, days)| Op::UpdateTask { task, percent, state, days }),
        2 => task.clone().prop_map(|task| Op::CancelTask { task }),
        3 => (prop::option::of(task.clone()), percent).prop_map(|(task, percent)| Op::Progress { task, percent }),
        2 => (task, prop::option::of(-3..15i64)).prop_map(|(task, days)| Op::Risk { task, days }),
        2 => Just(Op::Escalate),
        2 => Just(Op::CloseEscalation),
        5 => (who(), prop::option::weighted(0.2, who()), any::<bool>())
            .prop_map(|(owner, feedback, waiver)| Op::Resolve { owner, feedback, waiver }),
        8 => (prop::bool::weighted(0.7), any::<bool>()).prop_map(|(accept, proxy)| Op::Acceptance { accept, proxy }),
        4 => Just(Op::Archive),
    ]
}

/// Who acts, as an index into `everyone()` (root, li, li2, wang, wang2, qian, zhao, sun, zhou):
/// mostly the people of the issues, sometimes an outsider or the viewer.
pub fn who() -> impl Strategy<Value = usize> {
    prop_oneof![2 => Just(0), 3 => Just(1), 1 => Just(2), 3 => Just(3), 2 => Just(4), 2 => Just(5), 1 => Just(6), 1 => Just(7), 2 => Just(8)]
}

pub fn step() -> impl Strategy<Value = Step> {
    (0..3usize, who(), prop::bool::weighted(0.1), 0..(36 * 60i64), op()).prop_map(
        |(issue, who, as_admin, later_minutes, op)| Step { issue, who, as_admin, later_minutes, op },
    )
}

impl Op {
    /// The store call this step makes on the record as it stands now.
    pub fn call(&self, r: &IssueRecord, people: &[Person], me: &Person, now: NaiveDateTime) -> Call {
        let login = |i: usize| people[i % people.len()].login.clone();
        let day = |days: i64| now.date() + Duration::days(days);
        match self {
            Op::Edit { drop_dept, add_dept } => {
                let mut departments = r.issue.departments.clone();
                if let Some(i) = drop_dept
                    && departments.len() > 1
                {
                    departments.remove(i % departments.len());
                }
                if let Some(i) = add_dept
                    && !departments.iter().any(|d| d == DEPTS[i % 4])
                {
                    departments.push(DEPTS[i % 4].to_string());
                }
                Call::Edit { departments: Some(departments) }
            }
            Op::Acknowledge => Call::Acknowledge,
            Op::Comment => Call::Comment,
            Op::Meeting { with } => {
                let mut participants: Vec<String> = with.iter().map(|&i| login(i)).collect();
                participants.push(me.login.clone());
                Call::Meeting { participants }
            }
            Op::Answer { meeting, participant, confirm } => {
                let m = r.meetings.iter().find(|m| m.seq == *meeting);
                let who = m
                    .filter(|m| !m.participants.is_empty())
                    .map(|m| m.participants[participant % m.participants.len()].login.clone())
                    .unwrap_or_else(|| me.login.clone());
                if who == me.login {
                    Call::Answer { meeting: *meeting, confirm: *confirm, for_login: None, reason: None }
                } else {
                    // Without a reason half the time: the store must refuse that.
                    let reason = (participant % 2 == 0).then(|| "电话确认".to_string());
                    Call::Answer { meeting: *meeting, confirm: *confirm, for_login: Some(who), reason }
                }
            }
            Op::Amend { meeting } => Call::Amend { meeting: *meeting },
            Op::AddTask { dept, owner, days, involve } => Call::AddTask {
                dept: DEPTS[dept % 4].to_string(),
                owner: login(*owner),
                deadline: day(*days),
                involve: *involve,
            },
            Op::UpdateTask { task, percent, state, days } => {
                Call::UpdateTask { task: *task, percent: *percent, state: *state, deadline: days.map(day) }
            }
            Op::CancelTask { task } => Call::CancelTask { task: *task },
            Op::Progress { task, percent } => Call::Progress { task: *task, percent: *percent },
            Op::Risk { task, days } => Call::Risk { task: *task, new_deadline: days.map(day) },
            Op::Escalate => Call::Escalate,
            Op::CloseEscalation => Call::CloseEscalation,
            Op::Resolve { owner, feedback, waiver } => Call::Resolve {
                owner: login(*owner),
                feedback: feedback.map(login),
                without_response: waiver.then(|| "紧急故障,协调人电话确认后直接处理".to_string()),
            },
            Op::Acceptance { accept, proxy } => {
                Call::Acceptance { accept: *accept, for_reason: proxy.then(|| "电话确认".to_string()) }
            }
            Op::Archive => Call::Archive,
        }
    }
}
