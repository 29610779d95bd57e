//! The full-text index: the searchable text of every issue, one row per source (`search`), and
//! per issue every character and every pair of adjacent characters it contains (`search_grams`).
//!
//! A search term matches an issue when one of its texts contains the term, ignoring the case of
//! ASCII letters (what `LIKE '%term%'` does). Terms of one or two characters are answered by the
//! grams alone, exactly. Longer terms take the issues holding all of the term's pairs as
//! candidates and confirm each candidate against its text.
//!
//! Grams are stored as tokens of hexadecimal code points (`79ef`, `79efx5206`), so that FTS5's
//! `ascii` tokenizer keeps every character, punctuation and symbols included, as it is.

use std::fmt::Write as _;

use std::collections::BTreeSet;

use rusqlite::{Transaction, named_params};

use super::StoreResult;
use super::narrow::IdSet;

/// The grams of one issue's texts, each packed into a number: a character's code point, or a
/// pair's two code points (21 bits each) above bit 21.
#[derive(Debug, Default)]
pub(super) struct Grams(Vec<u64>);

impl Grams {
    /// Adds the characters and the pairs of adjacent characters of `text`, ASCII lowercased;
    /// none with white space in it, as no search term holds any.
    pub(super) fn add(&mut self, text: &str) {
        let mut previous: Option<u64> = None;
        for c in text.chars() {
            if c.is_whitespace() {
                previous = None;
                continue;
            }
            let c = u64::from(u32::from(c.to_ascii_lowercase()));
            self.0.push(c);
            if let Some(p) = previous {
                self.0.push(((p + 1) << 21) | c);
            }
            previous = Some(c);
        }
    }

    /// The distinct tokens, separated by spaces, as the index takes them.
    fn document(&mut self) -> String {
        self.0.sort_unstable();
        self.0.dedup();
        let mut out = String::with_capacity(self.0.len() * 10);
        for (i, gram) in self.0.iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            match gram >> 21 {
                0 => write!(out, "{gram:x}"),
                first => write!(out, "{:x}x{:x}", first - 1, gram & 0x1F_FFFF),
            }
            .expect("writing to a String");
        }
        out
    }
}

/// One gram as a token: its code points in hexadecimal, joined by `x` (as `Grams` writes them).
fn token(chars: &[char]) -> String {
    let mut out = String::with_capacity(12);
    for (i, c) in chars.iter().enumerate() {
        if i > 0 {
            out.push('x');
        }
        write!(out, "{:x}", u32::from(*c)).expect("writing to a String");
    }
    out
}

/// How one search term is looked up.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct TermQuery {
    /// The FTS5 query for `search_grams`: the term itself when it is one or two characters,
    /// else every pair of adjacent characters in it.
    pub(super) grams: String,
    /// The ASCII-lowercased term, when the grams only name candidates that must be confirmed.
    pub(super) confirm: Option<String>,
}

/// The lookup of one term (no white space in it).
pub(super) fn term_query(term: &str) -> TermQuery {
    let chars: Vec<char> = term.chars().map(|c| c.to_ascii_lowercase()).collect();
    let quote = |t: String| format!("\"{t}\"");
    if chars.len() <= 2 {
        return TermQuery { grams: quote(token(&chars)), confirm: None };
    }
    let mut pairs: Vec<String> = chars.windows(2).map(token).collect();
    pairs.sort();
    pairs.dedup();
    let grams = pairs.into_iter().map(quote).collect::<Vec<_>>().join(" AND ");
    TermQuery { grams, confirm: Some(chars.into_iter().collect()) }
}

/// The terms of a search text: separated by white space, ASCII letters lowercased.
pub(super) fn search_terms(text: &str) -> Vec<String> {
    text.split_whitespace().map(str::to_ascii_lowercase).collect()
}

/// The issues among `within` whose texts contain every one of `terms` (as `search_terms` gives
/// them), when every issue in `within` is known to contain each of `known`: a term inside a known
/// one needs no look-up, and a longer term only the pairs of characters no known term inside it
/// holds. Longer terms are then confirmed against the texts.
pub(super) fn narrow(
    tx: &Transaction,
    terms: &[String],
    within: &IdSet,
    known: &[String],
) -> StoreResult<IdSet> {
    let mut set = within.clone();
    for term in terms {
        if set.is_empty() {
            break;
        }
        if known.iter().any(|k| k.contains(term.as_str())) {
            continue;
        }
        let chars: Vec<char> = term.chars().collect();
        let grams: BTreeSet<String> = if chars.len() <= 2 {
            BTreeSet::from([token(&chars)])
        } else {
            let covered: BTreeSet<String> = known
                .iter()
                .filter(|k| term.contains(k.as_str()))
                .flat_map(|k| k.chars().collect::<Vec<_>>().windows(2).map(token).collect::<Vec<_>>())
                .collect();
            chars.windows(2).map(token).filter(|p| !covered.contains(p)).collect()
        };
        if !grams.is_empty() {
            let query = grams.iter().map(|g| format!("\"{g}\"")).collect::<Vec<_>>().join(" AND ");
            let mut stmt = tx.prepare_cached("SELECT rowid FROM search_grams WHERE search_grams MATCH :q")?;
            let mut rows = stmt.query(named_params! {":q": query})?;
            let mut hits = IdSet::default();
            while let Some(row) = rows.next()? {
                let id: i64 = row.get(0)?;
                if set.contains(id) {
                    hits.insert(id);
                }
            }
            set = hits;
        }
        if chars.len() > 2 {
            set = confirm(tx, term, &set)?;
        }
    }
    Ok(set)
}

/// The issues of `set` one of whose texts contains `term` (ASCII lowercased), as
/// `instr(lower(body), term)` finds it.
fn confirm(tx: &Transaction, term: &str, set: &IdSet) -> StoreResult<IdSet> {
    let mut stmt = tx.prepare_cached("SELECT body FROM search WHERE issue_id = :id")?;
    let mut out = IdSet::default();
    for id in set.iter() {
        let mut rows = stmt.query(named_params! {":id": id})?;
        while let Some(row) = rows.next()? {
            let body = row.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?;
            if body.to_ascii_lowercase().contains(term) {
                out.insert(id);
                break;
            }
        }
    }
    Ok(out)
}

/// Adds text to the index under a source such as `issue` or `meeting:12`.
pub(super) fn index(tx: &Transaction, issue_id: i64, source: &str, body: &str) -> StoreResult<()> {
    insert_text(tx, issue_id, source, body)?;
    refresh_grams(tx, issue_id)
}

/// Replaces the indexed text of one source.
pub(super) fn reindex(tx: &Transaction, issue_id: i64, source: &str, body: &str) -> StoreResult<()> {
    tx.prepare_cached("DELETE FROM search WHERE issue_id = :id AND source = :source")?
        .execute(named_params! {":id": issue_id, ":source": source})?;
    index(tx, issue_id, source, body)
}

/// Stores one source's text, leaving the grams to the caller.
pub(super) fn insert_text(tx: &Transaction, issue_id: i64, source: &str, body: &str) -> StoreResult<()> {
    tx.prepare_cached("INSERT INTO search (issue_id, source, body) VALUES (:id, :source, :body)")?
        .execute(named_params! {":body": body, ":id": issue_id, ":source": source})?;
    Ok(())
}

/// Writes the grams of an issue that has none yet.
pub(super) fn insert_grams(tx: &Transaction, issue_id: i64, mut grams: Grams) -> StoreResult<()> {
    tx.prepare_cached("INSERT INTO search_grams (rowid, grams) VALUES (:id, :grams)")?
        .execute(named_params! {":id": issue_id, ":grams": grams.document()})?;
    Ok(())
}

/// Computes the grams of one issue again from all of its texts.
pub(super) fn refresh_grams(tx: &Transaction, issue_id: i64) -> StoreResult<()> {
    let mut grams = Grams::default();
    {
        let mut stmt = tx.prepare_cached("SELECT body FROM search WHERE issue_id = :id")?;
        let mut rows = stmt.query(named_params! {":id": issue_id})?;
        while let Some(row) = rows.next()? {
            grams.add(&row.get::<_, String>(0)?);
        }
    }
    tx.prepare_cached("DELETE FROM search_grams WHERE rowid = :id")?
        .execute(named_params! {":id": issue_id})?;
    insert_grams(tx, issue_id, grams)
}

/// Fills the grams of every issue from the stored texts (the migration that added them).
pub(super) fn fill_grams(tx: &Transaction) -> StoreResult<()> {
    let mut stmt = tx.prepare("SELECT issue_id, body FROM search ORDER BY issue_id")?;
    let mut rows = stmt.query([])?;
    let mut current: Option<(i64, Grams)> = None;
    while let Some(row) = rows.next()? {
        let id: i64 = row.get(0)?;
        if current.as_ref().is_some_and(|(c, _)| *c != id)
            && let Some((c, grams)) = current.take()
        {
            insert_grams(tx, c, grams)?;
        }
        current.get_or_insert_with(|| (id, Grams::default())).1.add(&row.get::<_, String>(1)?);
    }
    if let Some((c, grams)) = current {
        insert_grams(tx, c, grams)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grams(text: &str) -> Vec<String> {
        let mut g = Grams::default();
        g.add(text);
        let mut out: Vec<String> = g.document().split(' ').map(String::from).collect();
        out.sort();
        out
    }

    #[test]
    fn tokens_are_hexadecimal_code_points() {
        assert_eq!(token(&['积']), "79ef");
        assert_eq!(token(&['积', '分']), "79efx5206");
        assert_eq!(token(&['%', '_']), "25x5f");
    }

    #[test]
    fn grams_are_characters_and_pairs_lowercased_without_white_space() {
        assert_eq!(grams("Ab c"), vec!["61", "61x62", "62", "63"]);
        assert_eq!(grams("积分\n积"), vec!["5206", "79ef", "79efx5206"]);
    }

    #[test]
    fn short_terms_are_exact_and_long_ones_are_confirmed() {
        assert_eq!(term_query("积").grams, "\"79ef\"");
        assert_eq!(term_query("We"), TermQuery { grams: "\"77x65\"".into(), confirm: None });
        let q = term_query("ABab");
        assert_eq!(q.grams, "\"61x62\" AND \"62x61\"");
        assert_eq!(q.confirm.as_deref(), Some("abab"));
    }
}
