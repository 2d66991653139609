//! One pass of a range scan: merges the memtable, every live segment and a transaction's writes
//! from a start key, yielding each key's newest version visible at a snapshot, tombstones skipped.
//!
//! Built afresh for each cursor batch (a re-seek), so it never outlives a checkpoint and never
//! materialises the range: each source is read in place from its position.

use std::collections::btree_map;
use std::iter::Peekable;
use std::ops::Bound;

use crate::kv::{MemKey, Memtable, VersionChain};
use crate::mvcc::{Transaction, Writes};
use crate::segment::{Segment, SegmentEntry};

type MemtableRange<'a> = Peekable<btree_map::Range<'a, MemKey, VersionChain>>;
type WritesRange<'a> = Peekable<Writes<'a>>;

/// A segment read from a position, one key (all its versions) at a time.
struct SegmentPosition<'a> {
    segment: &'a Segment,
    index: usize,
    current: Option<SegmentEntry<'a>>,
}

impl<'a> SegmentPosition<'a> {
    fn new(segment: &'a Segment, start: Bound<&[u8]>) -> SegmentPosition<'a> {
        let (key, exclusive) = match start {
            Bound::Included(key) => (key, false),
            Bound::Excluded(key) => (key, true),
            Bound::Unbounded => (&[][..], false),
        };
        let mut position = SegmentPosition { segment, index: segment.lower_bound(key), current: None };
        position.load();
        if exclusive {
            position.skip_key(key, 0);
        }
        position
    }

    fn load(&mut self) {
        self.current = if self.index < self.segment.len() { Some(self.segment.entry(self.index)) } else { None };
    }

    fn key(&self) -> Option<&'a [u8]> {
        self.current.map(|entry| entry.key)
    }

    /// Moves past every version of `key` (seq descending), returning the newest one with
    /// seq <= `snapshot`.
    fn skip_key(&mut self, key: &[u8], snapshot: u64) -> Option<SegmentEntry<'a>> {
        let mut visible = None;
        while let Some(entry) = self.current {
            if entry.key != key {
                break;
            }
            if visible.is_none() && entry.seq <= snapshot {
                visible = Some(entry);
            }
            self.index += 1;
            self.load();
        }
        visible
    }
}

pub(super) struct RangeMerge<'a> {
    snapshot: u64,
    end: Option<&'a [u8]>,
    memtable_values: &'a Memtable,
    memtable: MemtableRange<'a>,
    writes: Option<WritesRange<'a>>,
    segments: Vec<SegmentPosition<'a>>,
}

impl<'a> RangeMerge<'a> {
    pub(super) fn new(
        memtable: &'a Memtable,
        segments: &'a [Segment],
        transaction: Option<&'a Transaction>,
        start: Bound<&[u8]>,
        end: Option<&'a [u8]>,
        snapshot: u64,
    ) -> RangeMerge<'a> {
        RangeMerge {
            snapshot,
            end,
            memtable_values: memtable,
            memtable: memtable.range_from(start).peekable(),
            writes: transaction.map(|txn| txn.writes_from(start).peekable()),
            segments: segments.iter().map(|segment| SegmentPosition::new(segment, start)).collect(),
        }
    }

    /// The next live (key, value) before `end`, or None when the range is done.
    pub(super) fn next_entry(&mut self) -> Option<(&'a [u8], &'a [u8])> {
        loop {
            let key = self.smallest_key()?;
            if let Some(end) = self.end {
                if key >= end {
                    return None;
                }
            }
            if let Some(value) = self.resolve_and_advance(key) {
                return Some((key, value));
            }
        }
    }

    fn smallest_key(&mut self) -> Option<&'a [u8]> {
        let mut smallest: Option<&'a [u8]> = self.memtable.peek().map(|&(key, _)| &key[..]);
        if let Some(writes) = self.writes.as_mut() {
            smallest = min_key(smallest, writes.peek().map(|&(key, _)| key));
        }
        for position in &self.segments {
            smallest = min_key(smallest, position.key());
        }
        smallest
    }

    /// Moves every source past `key`; returns its value as the snapshot (and the transaction's own
    /// writes) see it, or None for a tombstone or no visible version. Priority: own writes, then
    /// the memtable, then segments newest first.
    fn resolve_and_advance(&mut self, key: &'a [u8]) -> Option<&'a [u8]> {
        let mut decided: Option<Option<&'a [u8]>> = None;
        if let Some(writes) = self.writes.as_mut() {
            if let Some(&(write_key, value)) = writes.peek() {
                if write_key == key {
                    decided = Some(value);
                    writes.next();
                }
            }
        }
        if let Some(&(memtable_key, chain)) = self.memtable.peek() {
            if &memtable_key[..] == key {
                if decided.is_none() {
                    let memtable = self.memtable_values;
                    decided = chain.visible(self.snapshot).map(|version| memtable.value(version));
                }
                self.memtable.next();
            }
        }
        for position in self.segments.iter_mut() {
            if position.key() == Some(key) {
                let visible = position.skip_key(key, self.snapshot);
                if decided.is_none() {
                    decided = visible.map(|entry| entry.value);
                }
            }
        }
        decided.flatten()
    }
}

fn min_key<'a>(a: Option<&'a [u8]>, b: Option<&'a [u8]>) -> Option<&'a [u8]> {
    match (a, b) {
        (Some(a), Some(b)) => Some(std::cmp::min(a, b)),
        (a, None) => a,
        (None, b) => b,
    }
}
