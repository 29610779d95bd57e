//! Who acts: roles, departments, people, actors and proxies.

use serde::{Deserialize, Serialize};

use crate::i18n::Lang;

vocabulary! {
    /// What a person may do; each role includes the ones before it.
    Role {
        Viewer => "viewer", "Viewer", "只读";
        Member => "member", "Member", "成员";
        Coordinator => "coordinator", "Coordinator", "协调人";
        Admin => "admin", "Admin", "管理员";
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Department {
    pub code: String,
    pub name: String,
    pub head: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub login: String,
    pub display_name: String,
    pub dept: String,
    pub role: Role,
}

/// Who performs an action: the person, and the admin acting on their behalf if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Actor {
    pub person: Person,
    pub on_behalf_of: Option<String>,
}

impl Actor {
    pub fn login(&self) -> &str {
        &self.person.login
    }
    pub fn dept(&self) -> &str {
        &self.person.dept
    }
    pub fn role(&self) -> Role {
        self.person.role
    }
}

/// Someone who acted for the person an answer belongs to (a coordinator who took the feedback
/// person's acceptance on the phone, say), and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proxy {
    pub by: String,
    /// Why they acted for the person ("电话确认"); none when an admin ran the command as that
    /// person (`--as`).
    pub reason: Option<String>,
}

impl Proxy {
    /// "（root 代为操作：电话确认）" after the name of the person whose act it was; `name` shows a
    /// login as the reader knows it.
    pub fn suffix(&self, name: impl Fn(&str) -> String, lang: Lang) -> String {
        let by = name(&self.by);
        match (lang, self.reason.as_deref().filter(|r| !r.trim().is_empty())) {
            (Lang::Zh, Some(reason)) => format!("（{by} 代为操作：{reason}）"),
            (Lang::Zh, None) => format!("（{by} 代为操作）"),
            (Lang::En, Some(reason)) => format!(" (entered by {by} on their behalf: {reason})"),
            (Lang::En, None) => format!(" (entered by {by} on their behalf)"),
        }
    }
}
