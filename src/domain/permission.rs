//! Who may do what. A viewer reads; a member acts within their department; a coordinator does
//! everything on issues; an admin also manages departments, people and the calendar.

use serde::Serialize;

use super::status::Action;
use super::{Person, Role};
use crate::i18n::Lang;

/// The facts about an issue that decide who may act on it.
#[derive(Debug, Clone, Default)]
pub struct Scope<'a> {
    /// The proposing department.
    pub proposer_dept: &'a str,
    /// The departments involved.
    pub involved: &'a [String],
    /// The department the action is about: the task's department, or the department registering.
    pub target_dept: Option<&'a str>,
    /// The one person the action belongs to: the minutes' participant, or the feedback person.
    pub target_person: Option<&'a str>,
}

/// Administration outside issues.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum AdminAction {
    ManageDepartments,
    ManagePeople,
    ManageCalendar,
    ManageSettings,
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
            Lang::Zh => format!("你没有权限{}:{}", self.action, self.who_can),
        }
    }
}

/// Checks an action on an issue. `lang` only shapes the message.
pub fn check(person: &Person, action: Action, scope: &Scope, lang: Lang) -> Result<(), Denied> {
    if person.role >= Role::Coordinator {
        return Ok(());
    }
    let deny = |who: String| Denied { action: action.label(lang), who_can: who };
    if person.role == Role::Viewer {
        return Err(deny(
            lang.pick(
                "viewers can only read; ask an admin for the member role",
                "只读用户只能查看;请管理员授予成员角色",
            )
            .into(),
        ));
    }
    let mine = |dept: &str| person.dept == dept;
    let in_issue = mine(scope.proposer_dept) || scope.involved.iter().any(|d| mine(d));
    let depts = || {
        let mut all = vec![scope.proposer_dept.to_string()];
        all.extend(scope.involved.iter().filter(|d| *d != scope.proposer_dept).cloned());
        all.join(", ")
    };
    let coordinators = lang.pick("a coordinator or an admin", "协调人或管理员");
    match action {
        Action::Register => match scope.target_dept {
            Some(dept) if mine(dept) => Ok(()),
            Some(dept) => Err(deny(match lang {
                Lang::En => format!(
                    "members register for their own department only; {dept} is registered by its members or {coordinators}"
                ),
                Lang::Zh => format!("成员只能为本部门登记;{dept} 的问题由该部门成员或{coordinators}登记"),
            })),
            None => Ok(()),
        },
        Action::EditDescription | Action::Archive => {
            if mine(scope.proposer_dept) {
                Ok(())
            } else {
                Err(deny(by_members(lang, scope.proposer_dept, coordinators)))
            }
        }
        Action::AnswerMinutes | Action::Accept | Action::Refuse => match scope.target_person {
            Some(login) if login == person.login => Ok(()),
            Some(login) => Err(deny(match lang {
                Lang::En => format!("only {login} (or {coordinators}) can"),
                Lang::Zh => format!("只有 {login}(或{coordinators})可以操作"),
            })),
            None => Err(deny(coordinators.to_string())),
        },
        Action::AddTask | Action::UpdateTask | Action::RaiseRisk => match scope.target_dept {
            Some(dept) if mine(dept) => Ok(()),
            Some(dept) => Err(deny(by_members(lang, dept, coordinators))),
            None if in_issue => Ok(()),
            None => Err(deny(by_members(lang, &depts(), coordinators))),
        },
        Action::AddProgress => match scope.target_dept {
            Some(dept) if mine(dept) => Ok(()),
            Some(dept) => Err(deny(by_members(lang, dept, coordinators))),
            None if in_issue => Ok(()),
            None => Err(deny(by_members(lang, &depts(), coordinators))),
        },
        Action::Acknowledge
        | Action::Comment
        | Action::RecordMeeting
        | Action::Escalate
        | Action::Resolve => {
            if in_issue {
                Ok(())
            } else {
                Err(deny(by_members(lang, &depts(), coordinators)))
            }
        }
    }
}

fn by_members(lang: Lang, depts: &str, coordinators: &str) -> String {
    match lang {
        Lang::En => format!("only members of {depts} or {coordinators} can"),
        Lang::Zh => format!("只有 {depts} 的成员或{coordinators}可以操作"),
    }
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
        let scope = |target_dept: Option<&'static str>, target_person: Option<&'static str>| Scope {
            proposer_dept: "MKT",
            involved: &involved,
            target_dept,
            target_person,
        };
        let mkt = person(Role::Member, "MKT", "li");
        let rd = person(Role::Member, "RD", "wang");
        let ops = person(Role::Member, "OPS", "zhao");
        let viewer = person(Role::Viewer, "RD", "sun");
        let coord = person(Role::Coordinator, "OPS", "zhou");
        let admin = person(Role::Admin, "OPS", "root");
        let cases = [
            (&mkt, Action::Register, scope(Some("MKT"), None), true),
            (&mkt, Action::Register, scope(Some("RD"), None), false),
            (&coord, Action::Register, scope(Some("RD"), None), true),
            (&viewer, Action::Comment, scope(None, None), false),
            (&viewer, Action::Register, scope(Some("RD"), None), false),
            (&rd, Action::Acknowledge, scope(None, None), true),
            (&ops, Action::Acknowledge, scope(None, None), false),
            (&ops, Action::Comment, scope(None, None), false),
            (&rd, Action::AddTask, scope(Some("RD"), None), true),
            (&rd, Action::AddTask, scope(Some("QA"), None), false),
            (&rd, Action::UpdateTask, scope(Some("RD"), None), true),
            (&mkt, Action::RaiseRisk, scope(Some("RD"), None), false),
            (&rd, Action::AddProgress, scope(None, None), true),
            (&rd, Action::AnswerMinutes, scope(None, Some("wang")), true),
            (&rd, Action::AnswerMinutes, scope(None, Some("li")), false),
            (&mkt, Action::Accept, scope(None, Some("li")), true),
            (&rd, Action::Accept, scope(None, Some("li")), false),
            (&coord, Action::Accept, scope(None, Some("li")), true),
            (&mkt, Action::Archive, scope(None, None), true),
            (&rd, Action::Archive, scope(None, None), false),
            (&rd, Action::EditDescription, scope(None, None), false),
            (&rd, Action::Resolve, scope(None, None), true),
            (&ops, Action::Escalate, scope(None, None), false),
            (&coord, Action::Archive, scope(None, None), true),
            (&admin, Action::UpdateTask, scope(Some("QA"), None), true),
        ];
        for (who, action, scope, ok) in cases {
            let got = check(who, action, &scope, Lang::En);
            assert_eq!(got.is_ok(), ok, "{} ({:?} of {}) {action:?}: {got:?}", who.login, who.role, who.dept);
        }
    }

    #[test]
    fn refusals_say_who_can() {
        let involved = vec!["RD".to_string()];
        let scope =
            Scope { proposer_dept: "MKT", involved: &involved, target_dept: Some("RD"), target_person: None };
        let qa = person(Role::Member, "QA", "qian");
        let denied = check(&qa, Action::AddTask, &scope, Lang::En).unwrap_err();
        assert_eq!(
            denied.message(Lang::En),
            "you may not add a task: only members of RD or a coordinator or an admin can"
        );
        let zh = check(&qa, Action::AddTask, &scope, Lang::Zh).unwrap_err().message(Lang::Zh);
        assert!(zh.contains("RD") && zh.contains("协调人"), "{zh}");
    }

    #[test]
    fn administration_is_for_admins() {
        for role in Role::ALL {
            let got = check_admin(&person(*role, "OPS", "x"), AdminAction::ManageCalendar, Lang::En);
            assert_eq!(got.is_ok(), *role == Role::Admin, "{role:?}");
        }
    }
}
