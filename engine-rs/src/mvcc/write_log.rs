//! A transaction's write set as an append-only log: a write appends its key to one buffer and its
//! value to an arena, with no tree to keep balanced. Sorting by key (the last write of a key wins)
//! waits until something needs key order: a scan, the commit, or a point read facing a long
//! unsorted tail. Writes in ascending key order stay sorted as they come and never need a sort.
//!
//! Invariant: `entries[..sorted]` is in strictly ascending key order (each key once); the tail
//! after it is in write order, newest last, and may repeat keys.

use std::ops::Bound;

use crate::kv::{Arena, Span};

#[derive(Clone, Copy)]
struct Entry {
    key_offset: u32,
    key_len: u32,
    /// `None`: a delete.
    value: Option<Span>,
}

/// Point reads scan an unsorted tail up to this long (or the square root of the sorted part, if
/// larger) before sorting: read-modify-write loops then sort every few writes, not every read.
const TAIL_SCAN_MIN: usize = 32;

/// Below this many bytes, dead space is not worth a compaction.
const COMPACT_SLACK_BYTES: usize = 4096;

#[derive(Default)]
pub struct WriteLog {
    keys: Vec<u8>,
    values: Arena,
    entries: Vec<Entry>,
    sorted: usize,
}

fn key_of<'a>(keys: &'a [u8], entry: &Entry) -> &'a [u8] {
    let start = entry.key_offset as usize;
    &keys[start..start + entry.key_len as usize]
}

impl WriteLog {
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Entries held, rewrites of a key not yet merged included.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Appends a put (`Some`) or delete (`None`) of `key`. Offsets fit a `u32`: the owner keeps
    /// the log under `TXN_SIZE_MAX` by compacting it.
    pub fn push(&mut self, key: &[u8], value: Option<&[u8]>) {
        let in_order = self.sorted == self.entries.len()
            && self.entries.last().map_or(true, |last| key_of(&self.keys, last) < key);
        let entry = Entry {
            key_offset: self.keys.len() as u32,
            key_len: key.len() as u32,
            value: value.map(|value| self.values.push(value)),
        };
        self.keys.extend_from_slice(key);
        self.entries.push(entry);
        if in_order {
            self.sorted += 1;
        }
    }

    /// The last write of `key`: `Some(Some(v))` put, `Some(None)` delete, `None` untouched.
    pub fn get(&self, key: &[u8]) -> Option<Option<&[u8]>> {
        let (sorted, tail) = self.entries.split_at(self.sorted);
        let entry = match tail.iter().rev().find(|entry| key_of(&self.keys, entry) == key) {
            Some(entry) => entry,
            None => {
                let index = sorted.binary_search_by(|entry| key_of(&self.keys, entry).cmp(key)).ok()?;
                &sorted[index]
            }
        };
        Some(entry.value.map(|span| self.values.get(span)))
    }

    /// Sorts when the unsorted tail is too long for `get` to scan cheaply.
    pub fn prepare_reads(&mut self) {
        let tail = self.entries.len() - self.sorted;
        let scan_max = std::cmp::max(TAIL_SCAN_MIN, (self.sorted as f64).sqrt() as usize);
        if tail > scan_max {
            self.normalize();
        }
    }

    /// Sorts the log by key, keeping only the last write of each key: sorts the tail, then merges
    /// it into the sorted part with one binary search per tail entry and block copies between
    /// them (no comparison per sorted entry, which a long sorted part would make the cost).
    pub fn normalize(&mut self) {
        if self.sorted == self.entries.len() {
            return;
        }
        let keys = &self.keys;
        let mut tail = self.entries.split_off(self.sorted);
        // Stable: the writes of one key stay in write order, so the last of each run is the newest.
        tail.sort_by(|a, b| key_of(keys, a).cmp(key_of(keys, b)));
        tail.dedup_by(|later, kept| {
            if key_of(keys, later) != key_of(keys, kept) {
                return false;
            }
            std::mem::swap(later, kept);
            true
        });
        if self.entries.is_empty() {
            self.entries = tail;
        } else {
            let sorted = std::mem::take(&mut self.entries);
            let mut merged = Vec::with_capacity(sorted.len() + tail.len());
            let mut from = 0;
            for entry in tail {
                let key = key_of(keys, &entry);
                let at = from + sorted[from..].partition_point(|e| key_of(keys, e) < key);
                merged.extend_from_slice(&sorted[from..at]);
                from = at;
                if from < sorted.len() && key_of(keys, &sorted[from]) == key {
                    from += 1; // overwritten by the tail's write
                }
                merged.push(entry);
            }
            merged.extend_from_slice(&sorted[from..]);
            self.entries = merged;
        }
        self.sorted = self.entries.len();
    }

    /// Normalizes, then drops the bytes of overwritten writes when they are most of the log.
    pub fn compact(&mut self) {
        self.normalize();
        let live: usize = self.entries.iter().map(|e| e.key_len as usize + e.value.map_or(0, |v| v.len())).sum();
        let held = self.keys.len() + self.values.used();
        if held - live <= std::cmp::max(live, COMPACT_SLACK_BYTES) {
            return;
        }
        let mut compacted = WriteLog::default();
        for (key, value) in self.iter() {
            compacted.push(key, value);
        }
        *self = compacted;
    }

    /// Every write in key order, one per key. The log must be normalized.
    pub fn iter(&self) -> Writes<'_> {
        self.from(Bound::Unbounded)
    }

    /// The writes with keys after `start`, in key order. The log must be normalized.
    pub fn from(&self, start: Bound<&[u8]>) -> Writes<'_> {
        assert_eq!(self.sorted, self.entries.len(), "the write log is read in order only once sorted");
        let keys = &self.keys;
        let first = match start {
            Bound::Unbounded => 0,
            Bound::Included(start) => self.entries.partition_point(|e| key_of(keys, e) < start),
            Bound::Excluded(start) => self.entries.partition_point(|e| key_of(keys, e) <= start),
        };
        Writes { log: self, entries: self.entries[first..].iter() }
    }

    /// Moves the value arena out (for the memtable to adopt); `spans` still names the values.
    pub fn take_values(&mut self) -> Arena {
        std::mem::take(&mut self.values)
    }

    /// Bytes of values held, overwritten ones included.
    pub fn value_bytes(&self) -> usize {
        self.values.used()
    }

    /// Every write in key order as (key, value span). The log must be normalized.
    pub fn spans(&self) -> impl Iterator<Item = (&[u8], Option<Span>)> + '_ {
        assert_eq!(self.sorted, self.entries.len(), "the write log is read in order only once sorted");
        self.entries.iter().map(move |entry| (key_of(&self.keys, entry), entry.value))
    }
}

/// A normalized log's writes: (key, `Some(value)` put / `None` delete).
#[derive(Clone)]
pub struct Writes<'a> {
    log: &'a WriteLog,
    entries: std::slice::Iter<'a, Entry>,
}

impl<'a> Iterator for Writes<'a> {
    type Item = (&'a [u8], Option<&'a [u8]>);

    fn next(&mut self) -> Option<Self::Item> {
        let entry = self.entries.next()?;
        Some((key_of(&self.log.keys, entry), entry.value.map(|span| self.log.values.get(span))))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.entries.size_hint()
    }
}

impl ExactSizeIterator for Writes<'_> {}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(log: &WriteLog) -> Vec<(Vec<u8>, Option<Vec<u8>>)> {
        log.iter().map(|(k, v)| (k.to_vec(), v.map(<[u8]>::to_vec))).collect()
    }

    #[test]
    fn ascending_writes_stay_sorted_without_a_sort() {
        let mut log = WriteLog::default();
        log.push(b"a", Some(b"1"));
        log.push(b"b", None);
        assert_eq!(log.sorted, 2);
        log.push(b"b", Some(b"2"));
        assert_eq!(log.sorted, 2, "a repeated key is not in strictly ascending order");
    }

    #[test]
    fn normalize_sorts_and_keeps_the_last_write_of_each_key() {
        let mut log = WriteLog::default();
        for (key, value) in [(&b"c"[..], Some(&b"1"[..])), (b"a", Some(b"2")), (b"c", None), (b"b", Some(b"3")), (b"a", Some(b"4"))] {
            log.push(key, value);
        }
        assert_eq!(log.get(b"a"), Some(Some(&b"4"[..])));
        assert_eq!(log.get(b"c"), Some(None));
        log.normalize();
        let want = vec![(b"a".to_vec(), Some(b"4".to_vec())), (b"b".to_vec(), Some(b"3".to_vec())), (b"c".to_vec(), None)];
        assert_eq!(collect(&log), want);
        assert_eq!(log.get(b"b"), Some(Some(&b"3"[..])));
        assert_eq!(log.get(b"d"), None);
    }

    #[test]
    fn reads_see_the_tail_over_the_sorted_part() {
        let mut log = WriteLog::default();
        log.push(b"a", Some(b"old"));
        log.push(b"b", Some(b"x"));
        log.push(b"a", Some(b"new"));
        log.prepare_reads(); // a short tail stays unsorted
        assert_eq!((log.sorted, log.get(b"a")), (2, Some(Some(&b"new"[..]))));
    }

    #[test]
    fn from_starts_after_or_at_a_bound() {
        let mut log = WriteLog::default();
        for key in [&b"a"[..], b"b", b"c"] {
            log.push(key, None);
        }
        let keys = |start| log.from(start).map(|(k, _)| k.to_vec()).collect::<Vec<_>>();
        assert_eq!(keys(Bound::Included(&b"b"[..])), vec![b"b".to_vec(), b"c".to_vec()]);
        assert_eq!(keys(Bound::Excluded(&b"b"[..])), vec![b"c".to_vec()]);
    }

    #[test]
    fn compaction_drops_overwritten_bytes() {
        let mut log = WriteLog::default();
        for _ in 0..1000 {
            log.push(b"k", Some(&[1; 100]));
        }
        log.compact();
        assert_eq!((log.len(), log.value_bytes()), (1, 100));
        assert_eq!(log.get(b"k"), Some(Some(&[1; 100][..])));
    }

    #[test]
    fn random_writes_and_reads_match_a_map() {
        use std::collections::BTreeMap;
        let mut log = WriteLog::default();
        let mut model: BTreeMap<Vec<u8>, Option<Vec<u8>>> = BTreeMap::new();
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let mut next = move |n: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % n
        };
        for step in 0..20_000u64 {
            let key = next(300).to_be_bytes()[6..].to_vec();
            match next(10) {
                0..=5 => {
                    let value = if next(5) == 0 { None } else { Some(step.to_le_bytes().to_vec()) };
                    log.push(&key, value.as_deref());
                    model.insert(key, value);
                }
                6..=8 => {
                    log.prepare_reads();
                    assert_eq!(log.get(&key), model.get(&key).map(|v| v.as_deref()));
                }
                _ => {
                    log.compact();
                    let want: Vec<_> = model.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
                    assert_eq!(collect(&log), want);
                }
            }
        }
    }
}
