//! Records checked against the rule book: every contradiction in the file, issue by issue. The
//! doctor reports them; the property tests assert there are none.

use rusqlite::{Connection, Transaction};

use super::StoreResult;
use super::convert::{PERSON_COLUMNS, person_row};
use super::issues::load_record;
use crate::domain::rules::{Violation, violations};

/// How many issues were checked, and each one that breaks a rule with what it breaks.
pub type Contradictions = (usize, Vec<(String, Vec<Violation>)>);

/// Every issue whose record breaks a rule, with what it breaks, in number order. Reads one
/// snapshot (a read transaction on `conn`); writes nothing.
pub fn contradictions(conn: &Connection) -> StoreResult<Contradictions> {
    let tx = conn.unchecked_transaction()?;
    let found = in_transaction(&tx)?;
    tx.finish()?;
    Ok(found)
}

fn in_transaction(tx: &Transaction) -> StoreResult<Contradictions> {
    let people = {
        let mut stmt = tx.prepare(&format!("SELECT {PERSON_COLUMNS} FROM people"))?;
        stmt.query_map([], person_row)?.collect::<Result<Vec<_>, _>>()?
    };
    let numbers: Vec<String> = {
        let mut stmt = tx.prepare("SELECT number FROM issues ORDER BY number")?;
        stmt.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?
    };
    let mut found = Vec::new();
    for number in &numbers {
        let record = load_record(tx, number, false)?;
        let broken = violations(&record, &people);
        if !broken.is_empty() {
            found.push((number.clone(), broken));
        }
    }
    Ok((numbers.len(), found))
}

impl super::Store {
    /// Every issue whose record contradicts the rule book (see `contradictions`).
    pub fn contradictions(&mut self) -> StoreResult<Contradictions> {
        contradictions(&self.conn)
    }
}
