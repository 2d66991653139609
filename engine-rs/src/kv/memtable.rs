//! The memtable: committed writes since the last checkpoint, every version some reader may still
//! need, in key order. A checkpoint merges it into a segment and clears it.
//!
//! Values live in an arena (no allocation per value; a committed transaction's arena is adopted
//! whole), short keys inline in the tree. Space of overwritten values is reclaimed only when a
//! checkpoint clears the memtable, so `bytes` counts it: auto-checkpoints still trigger.

use std::collections::btree_map::{self, BTreeMap};
use std::ops::Bound;

use super::arena::{Arena, Span};
use super::mem_key::MemKey;
use super::version_chain::{Version, VersionChain};
use crate::segment::{MergeSource, SegmentEntry};

/// Bytes counted per key besides its bytes: the B-tree slot, the chain.
const KEY_OVERHEAD_BYTES: usize = 48;

#[derive(Default)]
pub struct Memtable {
    map: BTreeMap<MemKey, VersionChain>,
    values: Arena,
    /// Approximate heap bytes held outside the arena (keys, per-entry overhead).
    bytes: usize,
    /// Versions held, tombstones included.
    versions: usize,
}

impl Memtable {
    pub fn new() -> Memtable {
        Memtable::default()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Keys held.
    pub fn key_count(&self) -> usize {
        self.map.len()
    }

    /// Approximate bytes held, dead values included.
    pub fn bytes(&self) -> usize {
        self.bytes + self.values.used()
    }

    /// The value of `version` (`None`: a tombstone).
    pub fn value(&self, version: &Version) -> Option<&[u8]> {
        version.value.map(|span| self.values.get(span))
    }

    /// Records version `seq` of `key`, copying the value (`None`: a tombstone). `horizon` is the
    /// oldest snapshot any reader may use: older versions no reader can see are dropped.
    pub fn insert(&mut self, key: &[u8], seq: u64, value: Option<&[u8]>, horizon: u64) {
        let value = value.map(|value| self.values.push(value));
        self.insert_span(key, seq, value, horizon);
    }

    /// Takes a transaction's value arena whole; its spans, `rebased` by the result, then go to
    /// `insert_span`.
    pub fn adopt(&mut self, values: Arena) -> u32 {
        self.values.adopt(values)
    }

    /// `insert` for a value already in the arena. One descent of the tree.
    pub fn insert_span(&mut self, key: &[u8], seq: u64, value: Option<Span>, horizon: u64) {
        let version = Version { seq, value };
        match self.map.entry(MemKey::from(key)) {
            btree_map::Entry::Occupied(mut slot) => {
                let chain = slot.get_mut();
                let versions_before = chain.versions().len();
                let (added, freed) = chain.push(version, horizon);
                self.versions = self.versions + chain.versions().len() - versions_before;
                self.bytes = self.bytes + added - freed;
            }
            btree_map::Entry::Vacant(slot) => {
                self.bytes += KEY_OVERHEAD_BYTES + key.len() + version.approx_bytes();
                self.versions += 1;
                slot.insert(VersionChain::new(version));
            }
        }
    }

    /// The versions of `key`, newest first.
    pub fn chain(&self, key: &[u8]) -> Option<&VersionChain> {
        // As an inline `MemKey`, the search uses its fast comparison.
        match MemKey::inline(key) {
            Some(key) => self.map.get(&key),
            None => self.map.get(key),
        }
    }

    /// Keys after `start` (inclusive or exclusive), in order, with their chains.
    pub fn range_from<'a>(&'a self, start: Bound<&[u8]>) -> btree_map::Range<'a, MemKey, VersionChain> {
        self.map.range::<[u8], _>((start, Bound::Unbounded))
    }

    pub fn clear(&mut self) {
        self.map.clear();
        self.values.clear();
        self.bytes = 0;
        self.versions = 0;
    }

    /// Every version in merge order (key ascending, seq descending), for a checkpoint.
    pub fn source(&self) -> MemtableSource<'_> {
        let mut iter = self.map.iter();
        let current = iter.next().map(|(key, chain)| (&key[..], chain));
        MemtableSource { iter, values: &self.values, current, version_index: 0 }
    }
}

/// The memtable as a `MergeSource`: each key's versions newest first, keys ascending.
pub struct MemtableSource<'a> {
    iter: btree_map::Iter<'a, MemKey, VersionChain>,
    values: &'a Arena,
    current: Option<(&'a [u8], &'a VersionChain)>,
    version_index: usize,
}

impl<'a> MergeSource<'a> for MemtableSource<'a> {
    fn peek(&self) -> Option<SegmentEntry<'a>> {
        let (key, chain) = self.current?;
        let version = &chain.versions()[self.version_index];
        Some(SegmentEntry { key, seq: version.seq, value: version.value.map(|span| self.values.get(span)) })
    }

    fn advance(&mut self) {
        let chain_len = match self.current {
            Some((_, chain)) => chain.versions().len(),
            None => return,
        };
        self.version_index += 1;
        if self.version_index == chain_len {
            self.current = self.iter.next().map(|(key, chain)| (&key[..], chain));
            self.version_index = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(bytes: &[u8]) -> Option<&[u8]> {
        Some(bytes)
    }

    #[test]
    fn rewriting_a_key_with_no_reader_behind_keeps_one_version_but_counts_the_dead_value() {
        let mut memtable = Memtable::new();
        memtable.insert(b"k", 1, value(b"aaaa"), 0);
        let bytes_after_first = memtable.bytes();
        memtable.insert(b"k", 2, value(b"bbbb"), 2);
        assert_eq!(memtable.versions, 1);
        // The old value's space is reclaimed at the next checkpoint, not before: it still counts.
        assert_eq!(memtable.bytes(), bytes_after_first + 4);
        assert_eq!(memtable.value(memtable.chain(b"k").unwrap().head()), Some(&b"bbbb"[..]));
    }

    #[test]
    fn adopted_values_read_back_through_rebased_spans() {
        let mut memtable = Memtable::new();
        memtable.insert(b"a", 1, value(b"own"), 0);
        let mut txn_values = Arena::default();
        let span = txn_values.push(b"adopted");
        let base = memtable.adopt(txn_values);
        memtable.insert_span(b"b", 2, Some(span.rebased(base)), 0);
        assert_eq!(memtable.value(memtable.chain(b"a").unwrap().head()), Some(&b"own"[..]));
        assert_eq!(memtable.value(memtable.chain(b"b").unwrap().head()), Some(&b"adopted"[..]));
    }

    #[test]
    fn source_yields_keys_ascending_and_versions_newest_first() {
        let mut memtable = Memtable::new();
        memtable.insert(b"b", 1, value(b"b1"), 0);
        memtable.insert(b"a", 2, value(b"a2"), 0);
        memtable.insert(b"b", 3, None, 0);
        let mut source = memtable.source();
        let mut seen = Vec::new();
        while let Some(entry) = source.peek() {
            seen.push((entry.key.to_vec(), entry.seq, entry.value.is_some()));
            source.advance();
        }
        let expected = vec![(b"a".to_vec(), 2, true), (b"b".to_vec(), 3, false), (b"b".to_vec(), 1, true)];
        assert_eq!(seen, expected);
    }

    #[test]
    fn clear_resets_the_accounting() {
        let mut memtable = Memtable::new();
        memtable.insert(b"x", 1, value(b"1"), 0);
        memtable.clear();
        assert!(memtable.is_empty());
        assert_eq!((memtable.bytes(), memtable.versions), (0, 0));
    }
}
