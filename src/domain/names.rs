//! People as a screen names them: by their display name, told apart where two share it.
//!
//! Two people may carry the same name (王艳 of 研发部 and 王艳 of 运营部). Where a name is shared,
//! the department's name follows it: 王艳·运营部; where even that is shared, the login too:
//! 王艳·运营部 (wangyan2). Everyone else is their name alone.

use std::collections::{HashMap, HashSet};

use super::text::sanitize_line;
use super::{Department, Person};

/// The names of a list of people, with the shared ones found once.
pub struct Names<'a> {
    people: HashMap<&'a str, &'a Person>,
    depts: &'a [Department],
    /// Display names two or more people carry.
    shared: HashSet<&'a str>,
    /// (display name, department) pairs two or more people carry.
    shared_in_dept: HashSet<(&'a str, &'a str)>,
}

impl<'a> Names<'a> {
    pub fn new(people: &'a [Person], depts: &'a [Department]) -> Names<'a> {
        let mut seen = HashSet::new();
        let mut seen_in_dept = HashSet::new();
        let mut shared = HashSet::new();
        let mut shared_in_dept = HashSet::new();
        for p in people {
            let name = p.display_name.as_str();
            if !seen.insert(name) {
                shared.insert(name);
            }
            if !seen_in_dept.insert((name, p.dept.as_str())) {
                shared_in_dept.insert((name, p.dept.as_str()));
            }
        }
        let people = people.iter().map(|p| (p.login.as_str(), p)).collect();
        Names { people, depts, shared, shared_in_dept }
    }

    /// How the person with this login is shown; an unknown login is shown as it is.
    pub fn of(&self, login: &str) -> String {
        let Some(p) = self.people.get(login) else {
            return sanitize_line(login).into_owned();
        };
        let name = sanitize_line(&p.display_name);
        if !self.shared.contains(p.display_name.as_str()) {
            return name.into_owned();
        }
        let dept = self.depts.iter().find(|d| d.code == p.dept).map_or(p.dept.as_str(), |d| d.name.as_str());
        let mut shown = format!("{name}·{}", sanitize_line(dept));
        if self.shared_in_dept.contains(&(p.display_name.as_str(), p.dept.as_str())) {
            shown.push_str(&format!(" ({})", sanitize_line(&p.login)));
        }
        shown
    }
}

impl Names<'_> {
    /// How a list on the command line shows a person: the name, with the login where two people
    /// share the name: 王艳 (wangyanops) beside 王艳 (wangyanrd).
    pub fn with_login(&self, login: &str) -> String {
        match self.people.get(login) {
            Some(p) if self.shared.contains(p.display_name.as_str()) => {
                format!("{} ({})", sanitize_line(&p.display_name), sanitize_line(&p.login))
            }
            Some(p) => sanitize_line(&p.display_name).into_owned(),
            None => sanitize_line(login).into_owned(),
        }
    }
}

/// One person's name as shown among `people` (for many names, build [`Names`] once).
pub fn display_name(login: &str, people: &[Person], depts: &[Department]) -> String {
    Names::new(people, depts).of(login)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Role;

    fn person(login: &str, name: &str, dept: &str) -> Person {
        Person { login: login.into(), display_name: name.into(), dept: dept.into(), role: Role::Member }
    }

    fn dept(code: &str, name: &str) -> Department {
        Department { code: code.into(), name: name.into(), head: None }
    }

    #[test]
    fn shared_names_carry_their_department_and_if_need_be_their_login() {
        let people = [
            person("wangyanrd", "王艳", "RD"),
            person("wangyanops", "王艳", "OPS"),
            person("wangyan2", "王艳", "OPS"),
            person("zhangsan", "张三", "RD"),
            person("lisi", "李四", "QA"),
        ];
        let depts = [dept("RD", "研发部"), dept("OPS", "运营部")];
        let names = Names::new(&people, &depts);
        #[rustfmt::skip]
        let cases = [
            ("zhangsan", "张三"), ("wangyanrd", "王艳·研发部"),
            ("wangyanops", "王艳·运营部 (wangyanops)"), ("wangyan2", "王艳·运营部 (wangyan2)"),
            ("lisi", "李四"), ("nobody", "nobody"),
        ];
        for (login, shown) in cases {
            assert_eq!(names.of(login), shown, "{login}");
        }
        // A department missing from the list is shown by its code.
        assert_eq!(display_name("wangyanrd", &people, &[]), "王艳·RD");
        assert_eq!(display_name("wangyanrd", &people[..1], &depts), "王艳", "nobody else is 王艳");
    }

    #[test]
    fn names_reach_the_screen_without_controls() {
        let people = [person("x", "王\u{1b}[2J艳", "RD"), person("y", "王\u{1b}[2J艳", "QA")];
        let depts = [dept("RD", "研发\u{7}部")];
        assert_eq!(display_name("x", &people, &depts), "王␛[2J艳·研发␇部");
        assert_eq!(display_name("y", &people, &depts), "王␛[2J艳·QA");
    }
}
