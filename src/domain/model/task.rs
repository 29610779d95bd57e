//! Departments' tasks, their progress reports and risk alerts.

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use super::local_time;
use crate::i18n::Lang;

vocabulary! {
    TaskState {
        Todo => "todo", "To do", "未开始";
        Doing => "doing", "Doing", "进行中";
        Blocked => "blocked", "Blocked", "受阻";
        Done => "done", "Done", "已完成";
        Cancelled => "cancelled", "Cancelled", "已取消";
    }
}

impl TaskState {
    /// Work still to do: not done and not cancelled.
    pub fn is_open(self) -> bool {
        !matches!(self, TaskState::Done | TaskState::Cancelled)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Task {
    pub id: i64,
    pub seq: i64,
    pub dept: String,
    pub title: String,
    pub owner: String,
    pub deadline: NaiveDate,
    pub state: TaskState,
    pub percent: u8,
}

impl Task {
    /// Sets the state and the percentage; the state follows the percentage where the two would
    /// disagree: 100% is done and done is 100%, work started is no longer "to do", and a task
    /// taken below 100% is no longer done.
    pub fn set_progress(&mut self, state: Option<TaskState>, percent: Option<u8>) {
        if let Some(p) = percent {
            self.percent = p.min(100);
        }
        match state {
            Some(TaskState::Done) => {
                self.state = TaskState::Done;
                self.percent = 100;
                return;
            }
            Some(TaskState::Todo) if percent.is_none() => self.percent = 0,
            Some(s) => self.state = s,
            None => {}
        }
        if let Some(TaskState::Todo) = state {
            self.state = TaskState::Todo;
        }
        if self.state == TaskState::Cancelled {
            return;
        }
        self.state = match (self.state, self.percent) {
            (_, 100) => TaskState::Done,
            (TaskState::Done, _) => TaskState::Doing,
            (TaskState::Todo, p) if p > 0 => TaskState::Doing,
            (s, _) => s,
        };
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HelpRequest {
    pub dept: String,
    pub what: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    pub id: i64,
    pub task_seq: Option<i64>,
    #[serde(serialize_with = "local_time::serialize", deserialize_with = "local_time::deserialize")]
    pub at: NaiveDateTime,
    pub by: String,
    pub percent: Option<u8>,
    pub note: String,
    pub help: Option<HelpRequest>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Risk {
    pub id: i64,
    pub task_seq: i64,
    #[serde(serialize_with = "local_time::serialize", deserialize_with = "local_time::deserialize")]
    pub raised_at: NaiveDateTime,
    pub by: String,
    pub reason: String,
    pub plan: String,
    pub new_deadline: Option<NaiveDate>,
    pub timely: bool,
}
