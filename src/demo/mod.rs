//! A realistic dataset in Chinese: eight departments, their people, and issues with whole
//! histories (meetings, tasks, progress, risks, escalations, resolutions, archives) that happen
//! in office hours on working days of the calendar and obey the rule book.
//!
//! Each issue's life is planned from its registration on; what would happen after "now" has not
//! happened yet, so old issues are mostly closed and the open ones mostly recent. Deterministic
//! for a seed, and generated one record at a time so that 100 000 issues never sit in memory
//! together.

mod clock;
pub mod figures;
mod life;
mod people;
mod phrases;
mod scenarios;
mod text;
mod work;

use chrono::{Duration, NaiveDateTime};

use crate::domain::deadline::ResponseRules;
use crate::domain::*;

pub use people::DEPARTMENTS;

/// SplitMix64: small, fast, and good enough to vary demo data.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in 0..n (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// A number in lo..=hi.
    pub fn between(&mut self, lo: u32, hi: u32) -> u32 {
        lo + self.below((hi.saturating_sub(lo) + 1) as usize) as u32
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// One of a list of words.
    pub fn word(&mut self, items: &[&'static str]) -> &'static str {
        items[self.below(items.len())]
    }
}

/// The people and departments of the demo, and the recipe for each issue.
pub struct Demo {
    pub departments: Vec<Department>,
    pub people: Vec<Person>,
    /// Per department code, the people who work on issues (not viewers).
    members: Vec<(String, Vec<usize>)>,
    seed: u64,
}

impl Demo {
    pub fn new(seed: u64) -> Demo {
        let mut rng = Rng::new(seed);
        let (departments, people) = people::company(&mut rng);
        let members = departments
            .iter()
            .map(|d| {
                let at =
                    people.iter().enumerate().filter(|(_, p)| p.dept == d.code && p.role != Role::Viewer);
                (d.code.clone(), at.map(|(k, _)| k).collect())
            })
            .collect();
        Demo { departments, people, members, seed }
    }

    /// Someone of `dept` who works on issues (not a viewer).
    fn member(&self, rng: &mut Rng, dept: &str) -> &Person {
        let (_, at) = self.members.iter().find(|(code, _)| code == dept).expect("a department of the demo");
        &self.people[at[rng.below(at.len())]]
    }

    fn name<'a>(&'a self, login: &'a str) -> &'a str {
        self.people.iter().find(|p| p.login == login).map_or(login, |p| p.display_name.as_str())
    }

    /// The `index`-th issue of `total`, proposed within the months before `now` (newest last), with
    /// the part of its life that has happened by `now`. The number is left empty for the store
    /// to draw.
    pub fn record(
        &self,
        index: usize,
        total: usize,
        now: NaiveDateTime,
        cal: &Calendar,
        rules: &ResponseRules,
    ) -> IssueRecord {
        let mut rng = Rng::new(self.seed ^ (index as u64 + 1).wrapping_mul(0x2545_F491_4F6C_DD1D));
        let latest = clock::latest(cal, now);
        // A thousand issues or more fill the last year; fewer, the last months (at least six
        // weeks), so that a small demo still has work in every stage.
        let span = (total * 365 / 1000).clamp(45, 365);
        let age_days = (span * (total - index) / total.max(1)) as i64;
        let day = clock::back(cal, latest.date() - Duration::days(age_days));
        let mut proposed_at = clock::on(&mut rng, day, 3);
        if proposed_at > latest {
            proposed_at = clock::on(&mut rng, cal.prev_working_day(latest.date()), 0);
        }
        life::Life::new(self, rng, proposed_at, now, cal, rules).run()
    }
}

/// Writes the demo's departments, people and `total` issues in one transaction, as `admin`.
pub fn load(
    store: &mut crate::store::Store,
    admin: &Person,
    lang: crate::i18n::Lang,
    total: usize,
    seed: u64,
    now: NaiveDateTime,
) -> crate::store::StoreResult<Demo> {
    let cal = store.calendar()?;
    let rules = store.settings()?.response;
    let demo = Demo::new(seed);
    let mut writer = store.bulk(admin, lang)?;
    writer.announce_as("demo", now);
    for d in &demo.departments {
        writer.ensure_department(d)?;
    }
    for p in &demo.people {
        writer.ensure_person(p)?;
    }
    // One core makes the records while the other writes them, handed over in batches so that
    // the two threads seldom wait on each other.
    const BATCH: usize = 64;
    std::thread::scope(|scope| -> crate::store::StoreResult<()> {
        let (send, receive) = std::sync::mpsc::sync_channel::<Vec<IssueRecord>>(8);
        let (demo, cal, rules) = (&demo, &cal, &rules);
        scope.spawn(move || {
            for start in (0..total).step_by(BATCH) {
                let batch =
                    (start..(start + BATCH).min(total)).map(|i| demo.record(i, total, now, cal, rules));
                if send.send(batch.collect()).is_err() {
                    break; // the writer stopped on an error
                }
            }
        });
        for batch in receive {
            for record in &batch {
                writer.add_record(record)?;
            }
        }
        Ok(())
    })?;
    writer.commit()?;
    Ok(demo)
}

#[cfg(test)]
mod tests;
