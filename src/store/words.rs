//! The domain's words as SQL, made once from the domain's own definitions so that no stage, state
//! or order is written twice: the open stages (`Status::is_open`), the open task states
//! (`TaskState::is_open`), the priority order (`Priority::rank`).

use std::sync::LazyLock;

use crate::domain::{Priority, Status, TaskState};

/// A piece of SQL made once from the domain's words.
pub(super) struct Sql(LazyLock<String>);

impl Sql {
    pub(super) fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Sql {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn codes<T: Copy>(all: &[T], keep: impl Fn(T) -> bool, code: impl Fn(T) -> &'static str) -> String {
    let list: Vec<String> =
        all.iter().copied().filter(|v| keep(*v)).map(|v| format!("'{}'", code(v))).collect();
    format!("({})", list.join(", "))
}

/// `('registered', 'in_progress', 'awaiting_acceptance')`.
pub(super) static OPEN_STAGES: Sql = Sql(LazyLock::new(|| codes(Status::ALL, Status::is_open, Status::code)));

/// An open issue, for queries over `issues i`.
pub(super) static OPEN: Sql = Sql(LazyLock::new(|| format!("i.status IN {OPEN_STAGES}")));

/// An open task, for queries over `tasks t`.
pub(super) static OPEN_TASK: Sql = Sql(LazyLock::new(|| {
    format!("t.state IN {}", codes(TaskState::ALL, TaskState::is_open, TaskState::code))
}));

/// High priority first, then by the next deadline.
pub(super) static BY_PRIORITY: Sql = Sql(LazyLock::new(|| {
    let whens: Vec<String> =
        Priority::ALL.iter().map(|p| format!("WHEN '{}' THEN {}", p.code(), p.rank())).collect();
    format!("CASE i.priority {} END, i.next_due_at, i.id", whens.join(" "))
}));
