//! Filling a scenario's templates with one issue's details.

use chrono::{Datelike, NaiveDate};

use super::Rng;
use super::scenarios::{CUSTOMERS, REGIONS, Scenario};

/// The details of one issue: what fills the slots of its scenario's templates.
pub struct Vars {
    x: &'static str,
    y: &'static str,
    region: &'static str,
    cust: &'static str,
    n: u32,
    m: u32,
    amt: String,
    pct: u32,
    /// The date the work is wanted by, as written: 10月30日.
    pub due: NaiveDate,
    /// The month before the registration: 9月.
    month: u32,
}

impl Vars {
    pub fn new(rng: &mut Rng, sc: &Scenario, proposed: NaiveDate, due: NaiveDate) -> Vars {
        let n = rng.between(sc.n.0, sc.n.1);
        let month = if proposed.month() == 1 { 12 } else { proposed.month() - 1 };
        let wan = rng.between(30, 3000);
        Vars {
            x: rng.word(sc.xs),
            y: if sc.ys.is_empty() { "" } else { rng.word(sc.ys) },
            region: rng.word(REGIONS),
            cust: rng.word(CUSTOMERS),
            n,
            m: (n * rng.between(30, 70) / 100).max(1),
            amt: format!("{}.{}万元", wan / 10, wan % 10),
            pct: rng.between(12, 45),
            due,
            month,
        }
    }

    /// The template with its slots filled.
    pub fn fill(&self, template: &str) -> String {
        let mut out = String::with_capacity(template.len() + 32);
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let Some(close) = rest[open..].find('}') else { break };
            let key = &rest[open + 1..open + close];
            match key {
                "x" => out.push_str(&self.fill(self.x)),
                "y" => out.push_str(self.y),
                "region" => out.push_str(self.region),
                "cust" => out.push_str(self.cust),
                "n" => out.push_str(&self.n.to_string()),
                "m" => out.push_str(&self.m.to_string()),
                "amt" => out.push_str(&self.amt),
                "pct" => out.push_str(&self.pct.to_string()),
                "due" => out.push_str(&format!("{}月{}日", self.due.month(), self.due.day())),
                "month" => out.push_str(&format!("{}月", self.month)),
                _ => out.push_str(&rest[open..=open + close]),
            }
            rest = &rest[open + close + 1..];
        }
        out.push_str(rest);
        out
    }
}
