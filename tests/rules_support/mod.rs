//! Fixtures for `tests/rules.rs`: every store call the console's forms lead to, as data that can
//! be listed, printed and run again on a copy of a database file; copies of a database file made
//! cheaply (on tmpfs where there is one); and (`history`) the random steps of the property test.

pub mod history;

use std::path::{Path, PathBuf};

use chrono::{NaiveDate, NaiveDateTime};
use liaison::domain::{IssueDraft, IssueRecord, MeetingMode, Person, TaskState};
use liaison::store::{
    Ctx, MeetingInput, MinutesText, ProgressInput, ResolveInput, RiskInput, Store, StoreError, TaskInput,
    TaskUpdate,
};
use liaison::tui::form::FormKind;
use tempfile::TempDir;

/// One store call with its arguments: what a form, filled in, asks the store to do.
#[derive(Debug, Clone)]
pub enum Call {
    /// A small text file attached.
    Attach,
    /// The description with `(补充)` added to the title, and these departments if given.
    Edit {
        departments: Option<Vec<String>>,
    },
    Acknowledge,
    Comment,
    Meeting {
        participants: Vec<String>,
    },
    Answer {
        meeting: i64,
        confirm: bool,
        for_login: Option<String>,
        reason: Option<String>,
    },
    Amend {
        meeting: i64,
    },
    AddTask {
        dept: String,
        owner: String,
        deadline: NaiveDate,
        involve: bool,
    },
    UpdateTask {
        task: i64,
        percent: Option<u8>,
        state: Option<TaskState>,
        deadline: Option<NaiveDate>,
    },
    CancelTask {
        task: i64,
    },
    Progress {
        task: Option<i64>,
        percent: Option<u8>,
    },
    Risk {
        task: i64,
        new_deadline: Option<NaiveDate>,
    },
    Escalate,
    CloseEscalation,
    Resolve {
        owner: String,
        feedback: Option<String>,
        without_response: Option<String>,
    },
    Acceptance {
        accept: bool,
        for_reason: Option<String>,
    },
    Archive,
}

impl Call {
    /// Runs the call as `ctx` on issue `number`.
    pub fn run(&self, store: &mut Store, ctx: &Ctx, number: &str) -> Result<(), StoreError> {
        match self {
            Call::Edit { departments } => {
                let i = store.issue(number)?;
                let draft = IssueDraft {
                    title: format!("{}(补充)", i.title),
                    background: i.background.clone(),
                    request: i.request.clone(),
                    departments: departments.clone().unwrap_or_else(|| i.departments.clone()),
                };
                store.edit_description(ctx, number, None, &draft).map(drop)
            }
            Call::Acknowledge => store.acknowledge(ctx, number, None).map(drop),
            Call::Comment => store.comment(ctx, number, "已与研发部电话沟通,周五前给出排查结论").map(drop),
            Call::Meeting { participants } => {
                let m = MeetingInput {
                    held_at: None,
                    mode: MeetingMode::Online,
                    participants: participants.clone(),
                    summary: "确认接口字段与联调排期".into(),
                    disputes: String::new(),
                    consensus: "研发部周五前交付接口".into(),
                };
                store.record_meeting(ctx, number, &m).map(drop)
            }
            Call::Answer { meeting, confirm, for_login, reason } => {
                let note = (!confirm).then_some("纪要漏记了联调日期");
                let on_behalf = for_login.as_deref().map(|l| (l, reason.as_deref().unwrap_or("")));
                store.answer_minutes(ctx, number, *meeting, *confirm, note, on_behalf)
            }
            Call::Amend { meeting } => {
                let text = MinutesText {
                    summary: "确认接口字段与联调排期(补记联调日期)".into(),
                    disputes: String::new(),
                    consensus: "研发部周五前交付接口,下周一联调".into(),
                };
                store.amend_minutes(ctx, number, *meeting, &text).map(drop)
            }
            Call::AddTask { dept, owner, deadline, involve } => {
                let t = TaskInput {
                    dept: dept.clone(),
                    title: "开发积分兑换接口".into(),
                    owner: owner.clone(),
                    deadline: *deadline,
                    involve: *involve,
                };
                store.add_task(ctx, number, &t).map(drop)
            }
            Call::UpdateTask { task, percent, state, deadline } => {
                let u = TaskUpdate {
                    title: Some("开发并自测积分兑换接口".into()),
                    owner: None,
                    deadline: *deadline,
                    state: *state,
                    percent: *percent,
                };
                store.update_task(ctx, number, None, *task, &u).map(drop)
            }
            Call::CancelTask { task } => {
                store.cancel_task(ctx, number, *task, "需求合并到另一任务").map(drop)
            }
            Call::Progress { task, percent } => {
                let p = ProgressInput {
                    task: *task,
                    at: None,
                    percent: *percent,
                    note: "接口开发过半,联调环境已申请".into(),
                    help: None,
                };
                store.add_progress(ctx, number, &p)
            }
            Call::Risk { task, new_deadline } => {
                let r = RiskInput {
                    task: *task,
                    reason: "第三方接口文档延迟".into(),
                    plan: "先用模拟数据开发".into(),
                    new_deadline: *new_deadline,
                };
                store.raise_risk(ctx, number, &r).map(drop)
            }
            Call::Escalate => store.escalate(ctx, number, "超时未响应", "分管副总").map(drop),
            Call::CloseEscalation => store.close_escalation(ctx, number, "分管副总已协调资源").map(drop),
            Call::Resolve { owner, feedback, without_response } => {
                let input = ResolveInput {
                    solution: "接口已上线,兑换成功率恢复到99.9%".into(),
                    owner: owner.clone(),
                    feedback: feedback.clone(),
                    resolved_at: None,
                    without_response: without_response.clone(),
                };
                store.resolve(ctx, number, &input).map(drop)
            }
            Call::Acceptance { accept, for_reason } => {
                let reason = (!accept).then_some("报表仍缺少兑换明细");
                store.answer_acceptance(ctx, number, *accept, reason, for_reason.as_deref()).map(drop)
            }
            Call::Archive => store.archive(ctx, number, "响应及时;需改进:联调排期应更早确定").map(drop),
            Call::Attach => store
                .attach(ctx, number, "联调记录.txt", "接口联调记录".as_bytes(), Some("联调记录"))
                .map(drop),
        }
    }
}

/// Every reasonable way to fill in the form `kind` for `me` on this record: when the console
/// opens the form, one of them must be accepted by the store; when it refuses the form, the
/// store must refuse each of them.
pub fn candidates(kind: FormKind, r: &IssueRecord, me: &Person, today: NaiveDate) -> Vec<Call> {
    let i = &r.issue;
    let later = today + chrono::Duration::days(5);
    let meetings: Vec<i64> =
        if r.meetings.is_empty() { vec![1] } else { r.meetings.iter().map(|m| m.seq).collect() };
    let tasks: Vec<i64> = if r.tasks.is_empty() { vec![1] } else { r.tasks.iter().map(|t| t.seq).collect() };
    match kind {
        FormKind::Register => Vec::new(),
        FormKind::Edit => vec![Call::Edit { departments: None }],
        FormKind::Acknowledge => vec![Call::Acknowledge],
        FormKind::Comment => vec![Call::Comment],
        FormKind::Meeting => vec![Call::Meeting { participants: vec![me.login.clone(), "qian".into()] }],
        FormKind::Minutes => {
            let mut all = Vec::new();
            for m in &r.meetings {
                for p in &m.participants {
                    for confirm in [true, false] {
                        if p.login == me.login {
                            all.push(Call::Answer { meeting: m.seq, confirm, for_login: None, reason: None });
                        } else {
                            all.push(Call::Answer {
                                meeting: m.seq,
                                confirm,
                                for_login: Some(p.login.clone()),
                                reason: Some("电话确认".into()),
                            });
                        }
                    }
                }
            }
            if all.is_empty() {
                all.push(Call::Answer { meeting: 1, confirm: true, for_login: None, reason: None });
            }
            all
        }
        FormKind::AmendMinutes => meetings.iter().map(|&meeting| Call::Amend { meeting }).collect(),
        FormKind::AddTask => {
            let mut depts: Vec<String> = i.departments.clone();
            if !depts.contains(&me.dept) {
                depts.push(me.dept.clone());
            }
            let mut all = Vec::new();
            for dept in depts {
                for involve in [false, true] {
                    all.push(Call::AddTask {
                        dept: dept.clone(),
                        owner: me.login.clone(),
                        deadline: later,
                        involve,
                    });
                }
            }
            all
        }
        FormKind::EditTask => tasks
            .iter()
            .map(|&task| Call::UpdateTask { task, percent: Some(50), state: None, deadline: None })
            .collect(),
        FormKind::CancelTask => tasks.iter().map(|&task| Call::CancelTask { task }).collect(),
        FormKind::Progress => {
            let mut all = vec![Call::Progress { task: None, percent: None }];
            all.extend(r.tasks.iter().map(|t| Call::Progress { task: Some(t.seq), percent: Some(60) }));
            all
        }
        FormKind::Risk => tasks.iter().map(|&task| Call::Risk { task, new_deadline: Some(later) }).collect(),
        FormKind::Escalate => vec![Call::Escalate],
        FormKind::CloseEscalation => vec![Call::CloseEscalation],
        FormKind::Resolve => vec![
            Call::Resolve { owner: me.login.clone(), feedback: None, without_response: None },
            Call::Resolve {
                owner: me.login.clone(),
                feedback: None,
                without_response: Some("紧急故障,协调人电话确认后直接处理".into()),
            },
        ],
        FormKind::Accept => vec![
            Call::Acceptance { accept: true, for_reason: None },
            Call::Acceptance { accept: true, for_reason: Some("电话确认".into()) },
        ],
        FormKind::Refuse => vec![
            Call::Acceptance { accept: false, for_reason: None },
            Call::Acceptance { accept: false, for_reason: Some("电话确认".into()) },
        ],
        FormKind::Archive => vec![Call::Archive],
        FormKind::Attach => vec![Call::Attach],
    }
}

/// A directory for throw-away database files: on tmpfs when the machine has one (every commit
/// of a file on disk waits for the disk), else the usual temporary directory.
pub fn scratch_dir() -> TempDir {
    let shm = Path::new("/dev/shm");
    if shm.is_dir()
        && let Ok(dir) = tempfile::Builder::new().prefix("liaison-rules").tempdir_in(shm)
    {
        return dir;
    }
    tempfile::Builder::new().prefix("liaison-rules").tempdir().expect("a temporary directory")
}

/// Copies a closed database file (no WAL beside it) to `to` and opens the copy.
pub fn open_copy(from: &Path, to: &Path) -> Store {
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(with_suffix(to, suffix));
    }
    std::fs::copy(from, to).unwrap_or_else(|e| panic!("copy {} to {}: {e}", from.display(), to.display()));
    Store::open(to).expect("open the copy")
}

pub fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    PathBuf::from(format!("{}{suffix}", path.display()))
}

/// `2023-10-25 09:30` → a local time.
pub fn at(text: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap_or_else(|e| panic!("bad time `{text}`: {e}"))
}
