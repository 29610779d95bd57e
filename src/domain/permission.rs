//! Who may do what. A viewer reads; a member acts within their department; a coordinator does
//! everything on issues; an admin also manages departments, people and the calendar.

use serde::Serialize;

use super::status::Action;
use super::{Person, Role};
use crate::i18n::{Bilingual, Lang};

/// The facts about an issue that decide who may act on it.
#[derive(Debug, Clone, Default)]
pub struct Scope<'a> {
    /// The proposing department.
    pub proposer_dept: &'a str,
    /// The departments involved.
    pub involved: &'a [String],
    /// The department the action is about: the task's department, or the department registering.
    pub target_dept: Option<&'a str>,
}

/// Administration outside issues.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum AdminAction {
    ManageDepartments,
    ManagePeople,
    ManageCalendar,
    ManageSettings,
    ManageChannels,
}

/// Why an action is refused, and who could do it instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Denied {
    pub action: &'static str,
    pub who_can: String,
}

impl Denied {
    pub fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::En => format!("you may not {}: {}", self.action, self.who_can),
            Lang::Zh => format!("你没有权限{}：{}", self.action, self.who_can),
        }
    }
}

/// Why an action on an issue is not this person's to do, and who can, in both languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotYours {
    pub why: Bilingual,
    pub who_can: Bilingual,
}

/// Checks the role and the department for an action on an issue. The rule book
/// (`domain::rules`) asks this; everything else asks the rule book.
pub fn check(person: &Person, action: Action, scope: &Scope) -> Result<(), NotYours> {
    if person.role >= Role::Coordinator {
        return Ok(());
    }
    if person.role == Role::Viewer {
        return Err(NotYours {
            why: Bilingual::new("viewers can only read", "只读用户只能查看"),
            who_can: Bilingual::new("ask an admin for the member role", "请管理员授予成员角色"),
        });
    }
    let mine = |dept: &str| person.dept == dept;
    let in_issue = mine(scope.proposer_dept) || scope.involved.iter().any(|d| mine(d));
    let depts = || {
        let mut all = vec![scope.proposer_dept.to_string()];
        all.extend(scope.involved.iter().filter(|d| *d != scope.proposer_dept).cloned());
        all.join(", ")
    };
    let not_in = |depts: &str| NotYours {
        why: Bilingual::new(
            format!("you ({}) are not in {depts}", person.dept),
            format!("你（{}）不属于 {depts}", person.dept),
        ),
        who_can: by_members(depts),
    };
    match action {
        Action::Register => match scope.target_dept {
            Some(dept) if !mine(dept) => Err(NotYours {
                why: Bilingual::new("members register for their own department only", "成员只能为本部门登记"),
                who_can: by_members(dept),
            }),
            _ => Ok(()),
        },
        Action::EditDescription | Action::Archive | Action::CloseEscalation if !mine(scope.proposer_dept) => {
            Err(not_in(scope.proposer_dept))
        }
        Action::EditDescription | Action::Archive | Action::CloseEscalation => Ok(()),
        Action::AddTask
        | Action::UpdateTask
        | Action::CancelTask
        | Action::RaiseRisk
        | Action::AddProgress => match scope.target_dept {
            Some(dept) if mine(dept) => Ok(()),
            Some(dept) => Err(not_in(dept)),
            None if in_issue => Ok(()),
            None => Err(not_in(&depts())),
        },
        _ if in_issue => Ok(()),
        _ => Err(not_in(&depts())),
    }
}

fn by_members(depts: &str) -> Bilingual {
    Bilingual::new(
        format!("members of {depts} or a coordinator or an admin can"),
        format!("{depts} 的成员或协调人、管理员可以操作"),
    )
}

/// Checks an administrative action: admins only.
pub fn check_admin(person: &Person, action: AdminAction, lang: Lang) -> Result<(), Denied> {
    if person.role == Role::Admin {
        return Ok(());
    }
    let label = match action {
        AdminAction::ManageDepartments => lang.pick("manage departments", "管理部门"),
        AdminAction::ManagePeople => lang.pick("manage people", "管理人员"),
        AdminAction::ManageCalendar => lang.pick("change the calendar", "修改工作日历"),
        AdminAction::ManageSettings => lang.pick("change settings", "修改设置"),
        AdminAction::ManageChannels => lang.pick("manage notification channels", "管理通知渠道"),
    };
    Err(Denied {
        action: label, who_can: lang.pick("only an admin can", "只有管理员可以操作").into()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(role: Role, dept: &str, login: &str) -> Person {
        Person { login: login.into(), display_name: login.into(), dept: dept.into(), role }
    }

    #[test]
    fn issue_actions_by_role_and_department() {
        let involved = vec!["RD".to_string(), "QA".to_string()];
        let scope = |target_dept: Option<&'static str>| Scope {
            proposer_dept: "MKT",
            involved: &involved,
            target_dept,
        };
        let mkt = person(Role::Member, "MKT", "li");
        let rd = person(Role::Member, "RD", "wang");
        let ops = person(Role::Member, "OPS", "zhao");
        let viewer = person(Role::Viewer, "RD", "sun");
        let coord = person(Role::Coordinator, "OPS", "zhou");
        let admin = person(Role::Admin, "OPS", "root");
        let cases = [
            (&mkt, Action::Register, scope(Some("MKT")), true),
            (&mkt, Action::Register, scope(Some("RD")), false),
            (&coord, Action::Register, scope(Some("RD")), true),
            (&viewer, Action::Comment, scope(None), false),
            (&viewer, Action::Register, scope(Some("RD")), false),
            (&rd, Action::Acknowledge, scope(None), true),
            (&ops, Action::Acknowledge, scope(None), false),
            (&ops, Action::Comment, scope(None), false),
            (&rd, Action::AddTask, scope(Some("RD")), true),
            (&rd, Action::AddTask, scope(Some("QA")), false),
            (&rd, Action::UpdateTask, scope(Some("RD")), true),
            (&rd, Action::CancelTask, scope(Some("QA")), false),
            (&mkt, Action::RaiseRisk, scope(Some("RD")), false),
            (&rd, Action::AddProgress, scope(None), true),
            (&mkt, Action::Archive, scope(None), true),
            (&rd, Action::Archive, scope(None), false),
            (&rd, Action::EditDescription, scope(None), false),
            (&rd, Action::Resolve, scope(None), true),
            (&ops, Action::Escalate, scope(None), false),
            (&rd, Action::CloseEscalation, scope(None), false),
            (&coord, Action::Archive, scope(None), true),
            (&admin, Action::UpdateTask, scope(Some("QA")), true),
        ];
        for (who, action, scope, ok) in cases {
            let got = check(who, action, &scope);
            assert_eq!(got.is_ok(), ok, "{} ({:?} of {}) {action:?}: {got:?}", who.login, who.role, who.dept);
        }
    }

    #[test]
    fn refusals_say_who_can() {
        let involved = vec!["RD".to_string()];
        let scope = Scope { proposer_dept: "MKT", involved: &involved, target_dept: Some("RD") };
        let qa = person(Role::Member, "QA", "qian");
        let no = check(&qa, Action::AddTask, &scope).unwrap_err();
        assert_eq!(no.who_can.get(Lang::En), "members of RD or a coordinator or an admin can");
        assert!(no.who_can.get(Lang::Zh).contains("RD") && no.who_can.get(Lang::Zh).contains("协调人"));
    }

    #[test]
    fn administration_is_for_admins() {
        for role in Role::ALL {
            let got = check_admin(&person(*role, "OPS", "x"), AdminAction::ManageCalendar, Lang::En);
            assert_eq!(got.is_ok(), *role == Role::Admin, "{role:?}");
        }
    }
}
