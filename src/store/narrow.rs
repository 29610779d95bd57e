//! Search as you type, answered from what the list already found: the list's ids in order without
//! the search (its base), and the issues each recent search matched within it. One more character
//! narrows the last result instead of searching every issue again (whatever contains "积分" also
//! contains "积"), and the base is filtered in memory, so the list's other conditions are not
//! evaluated again per keystroke. Anything written to the database, by this connection or by
//! another, empties the cache.

use chrono::NaiveDateTime;

use super::list::IssueFilter;
use super::search::{narrow, search_terms};
use super::{Store, StoreResult};

/// How many recent searches are kept.
const KEEP_SEARCHES: usize = 32;

/// A set of issue ids, one bit each.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct IdSet {
    words: Vec<u64>,
}

impl IdSet {
    pub(super) fn insert(&mut self, id: i64) {
        let Ok(id) = usize::try_from(id) else {
            return;
        };
        let word = id / 64;
        if word >= self.words.len() {
            self.words.resize(word + 1, 0);
        }
        self.words[word] |= 1 << (id % 64);
    }

    pub(super) fn contains(&self, id: i64) -> bool {
        usize::try_from(id).is_ok_and(|id| self.words.get(id / 64).is_some_and(|w| w & (1 << (id % 64)) != 0))
    }

    pub(super) fn len(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    pub(super) fn is_empty(&self) -> bool {
        self.words.iter().all(|w| *w == 0)
    }

    /// The ids in ascending order.
    pub(super) fn iter(&self) -> impl Iterator<Item = i64> + '_ {
        self.words.iter().enumerate().flat_map(|(i, &word)| {
            let mut rest = word;
            std::iter::from_fn(move || {
                (rest != 0).then(|| {
                    let bit = rest.trailing_zeros();
                    rest &= rest - 1;
                    (i * 64 + bit as usize) as i64
                })
            })
        })
    }
}

impl FromIterator<i64> for IdSet {
    fn from_iter<I: IntoIterator<Item = i64>>(ids: I) -> IdSet {
        let mut set = IdSet::default();
        ids.into_iter().for_each(|id| set.insert(id));
        set
    }
}

/// What one list was last found to hold; see the module's documentation. Owned by its reader
/// (the console keeps one) and passed to `Store::matching_ids_cached`.
#[derive(Debug, Default)]
pub struct ListCache {
    /// The database as the cache saw it: `PRAGMA data_version` (others' commits) and this
    /// connection's count of changed rows (its own).
    changes: Option<(i64, u64)>,
    /// Which list the base is (its conditions other than the search), and its ids in order.
    base: Option<(String, Vec<i64>)>,
    base_set: IdSet,
    /// Recent searches within the base, the latest last: their terms and the issues matched.
    found: Vec<(Vec<String>, IdSet)>,
}

impl ListCache {
    /// The smallest set known to hold every match of `terms`, and the terms it was found for.
    fn narrowest(&self, terms: &[String]) -> (&IdSet, &[String]) {
        // A result holds every match of `terms` when each of its terms occurs inside one of them.
        let implied = |found: &[String]| found.iter().all(|f| terms.iter().any(|t| t.contains(f.as_str())));
        // Of results as small, the latest: its terms are the longest typed so far.
        self.found
            .iter()
            .enumerate()
            .filter(|(_, (found, _))| implied(found))
            .min_by_key(|(i, (_, set))| (set.len(), std::cmp::Reverse(*i)))
            .map_or((&self.base_set, &[][..]), |(_, (found, set))| (set, found.as_slice()))
    }

    fn remember(&mut self, terms: Vec<String>, set: IdSet) {
        self.found.retain(|(found, _)| *found != terms);
        if self.found.len() >= KEEP_SEARCHES {
            self.found.remove(0);
        }
        self.found.push((terms, set));
    }
}

/// Names the list a filter gives without its search and window: its other conditions, and the
/// time when a condition depends on it.
fn base_key(f: &IssueFilter, now: NaiveDateTime) -> String {
    let when = (f.overdue || f.due_soon).then_some(now);
    format!(
        "{:?}",
        (&f.statuses, &f.dept, f.priority, &f.involving, f.overdue, f.due_soon, f.escalated, f.sort, when)
    )
}

impl Store {
    /// What `matching_ids` answers (the ids of every issue the filter matches, in the list's
    /// order; None when there are more than `at_most`), reusing what `cache` holds while
    /// nothing has been written since.
    pub fn matching_ids_cached(
        &mut self,
        filter: &IssueFilter,
        now: NaiveDateTime,
        at_most: u32,
        cache: &mut ListCache,
    ) -> StoreResult<Option<Vec<i64>>> {
        let changes = (self.data_version()?, self.conn.total_changes());
        if cache.changes != Some(changes) {
            *cache = ListCache { changes: Some(changes), ..ListCache::default() };
        }
        let terms = search_terms(filter.text.as_deref().unwrap_or_default());
        let key = base_key(filter, now);
        if cache.base.as_ref().is_none_or(|(k, _)| *k != key) {
            cache.base = None;
            cache.found.clear();
            // A search needs the whole list to narrow, however long.
            let limit = if terms.is_empty() { at_most } else { u32::MAX - 1 };
            let plain = IssueFilter { text: None, ..filter.clone() };
            let Some(ids) = self.matching_ids(&plain, now, limit)? else {
                return Ok(None);
            };
            cache.base_set = ids.iter().copied().collect();
            cache.base = Some((key, ids));
        }
        let base = cache.base.as_ref().map_or(&[][..], |(_, ids)| ids.as_slice());
        let ids: Vec<i64> = if terms.is_empty() {
            base.to_vec()
        } else {
            let (within, known) = cache.narrowest(&terms);
            let matched = if known == terms.as_slice() {
                within.clone()
            } else {
                self.read(|tx| narrow(tx, &terms, within, known))?
            };
            let ids = base.iter().copied().filter(|id| matched.contains(*id)).collect();
            cache.remember(terms, matched);
            ids
        };
        Ok((ids.len() <= at_most as usize).then_some(ids))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_sets_hold_ids_in_order() {
        let set: IdSet = [130, 3, 64, 63, 3].into_iter().collect();
        assert_eq!(set.iter().collect::<Vec<_>>(), vec![3, 63, 64, 130]);
        assert_eq!(set.len(), 4);
        assert!(set.contains(64) && !set.contains(65) && !set.contains(1_000) && !set.contains(-1));
        assert!(IdSet::default().is_empty() && !set.is_empty());
    }

    #[test]
    fn a_search_narrows_the_smallest_result_that_holds_it() {
        let terms = |t: &str| search_terms(t);
        let mut cache = ListCache { base_set: (1..=10).collect(), ..ListCache::default() };
        cache.remember(terms("积"), [1, 2, 3, 4].into_iter().collect());
        cache.remember(terms("积分"), [2, 3].into_iter().collect());
        cache.remember(terms("ab"), [5].into_iter().collect());
        let narrowest = |cache: &ListCache, t: &str| {
            let (set, known) = cache.narrowest(&terms(t));
            (set.iter().collect::<Vec<_>>(), known.join(" "))
        };
        assert_eq!(narrowest(&cache, "积分兑"), (vec![2, 3], "积分".into()));
        // Of two results as small, the later one, whose terms tell more.
        cache.remember(terms("积分兑"), [2, 3].into_iter().collect());
        assert_eq!(narrowest(&cache, "积分兑换"), (vec![2, 3], "积分兑".into()));
        assert_eq!(narrowest(&cache, "积 兑"), (vec![1, 2, 3, 4], "积".into()));
        assert_eq!(narrowest(&cache, "AB 积分"), (vec![5], "ab".into()));
        assert_eq!(narrowest(&cache, "分"), ((1..=10).collect(), String::new()));
        // Seen again, a search moves to the end; the oldest go first.
        cache.remember(terms("积"), [1, 2, 3, 4].into_iter().collect());
        assert_eq!(cache.found.last().map(|(t, _)| t.join(" ")), Some("积".into()));
        for i in 0..KEEP_SEARCHES {
            cache.remember(vec![format!("t{i}")], IdSet::default());
        }
        assert_eq!(cache.found.len(), KEEP_SEARCHES);
        assert!(cache.found.iter().all(|(t, _)| t[0].starts_with('t')));
    }
}
