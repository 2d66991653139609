//! Cursors: range scans streamed in batches at a pinned snapshot.
//!
//! A cursor stores only where to resume (the last key it returned), never an iterator: each batch
//! re-seeks every source (`RangeMerge`) strictly after that key. So a checkpoint between batches is
//! harmless (the snapshot is pinned in the registry, the merge keeps what it reads), and a batch
//! costs one seek per source plus the entries it returns.

use std::ops::Bound;

use super::range_merge::RangeMerge;
use super::read::{txn_not_found, TXN_LATEST};
use super::state::Engine;
use crate::error::{Error, ErrorCode, Result};
use crate::limits::KEY_SIZE_MAX;

/// Bytes a batch entry takes besides key and value: `klen u32 | vlen u32`.
const BATCH_ENTRY_HEADER_BYTES: usize = 8;

enum Resume {
    /// No batch yet: start at this key, inclusive.
    From(Box<[u8]>),
    /// Continue strictly after this key (the last one returned).
    After(Vec<u8>),
    Done,
}

pub(super) struct Cursor {
    snapshot: u64,
    /// The transaction whose writes the cursor merges, 0 for none.
    txn: u32,
    end: Option<Box<[u8]>>,
    resume: Resume,
}

fn validate_bound(bound: &[u8]) -> Result<()> {
    if bound.len() > KEY_SIZE_MAX {
        let message = format!("a range bound of {} bytes is longer than any key ({} max)", bound.len(), KEY_SIZE_MAX);
        return Err(Error::new(ErrorCode::KeyTooLarge, message));
    }
    Ok(())
}

fn cursor_not_found(cursor: u32) -> Error {
    Error::new(ErrorCode::CursorNotFound, format!("cursor {} is unknown or closed", cursor))
}

impl Engine {
    /// A cursor over keys in `[start, end)` (`end == None`: to the last key) at `txn`'s snapshot
    /// merged with its writes, at `visible_seq` when `txn == 0`, at `last_seq` for `TXN_LATEST`.
    /// Errors: `InvalidArgument` (end before start), `KeyTooLarge`, `TxnNotFound`, `LimitExceeded`.
    pub fn cursor_open(&mut self, txn: u32, start: &[u8], end: Option<&[u8]>) -> Result<u32> {
        self.require_open()?;
        validate_bound(start)?;
        if let Some(end) = end {
            validate_bound(end)?;
            if end < start {
                return Err(Error::invalid_argument("the range ends before it starts"));
            }
        }
        let (snapshot, txn) = match txn {
            0 => (self.visible_seq, 0),
            // Every commit, durable or not; no transaction's writes.
            TXN_LATEST => (self.last_seq, 0),
            _ => (self.txns.get(txn).ok_or_else(|| txn_not_found(txn))?.snapshot, txn),
        };
        let cursor = Cursor { snapshot, txn, end: end.map(Box::from), resume: Resume::From(start.into()) };
        let id = self.cursors.insert(cursor)?;
        self.snapshots.acquire(snapshot);
        Ok(id)
    }

    /// Replaces `out` with the next batch, `(klen u32 | vlen u32 | key | value) * n`, and returns n
    /// (0: exhausted). At most `max_entries` entries and `max_bytes` bytes, but at least one entry
    /// while one remains. Errors: `CursorNotFound`, `InvalidArgument` (`max_entries == 0`),
    /// `TxnNotFound` (the cursor's transaction ended: close the cursor).
    pub fn cursor_next(&mut self, cursor: u32, max_entries: u32, max_bytes: u32, out: &mut Vec<u8>) -> Result<u32> {
        self.require_open()?;
        out.clear();
        if max_entries == 0 {
            return Err(Error::invalid_argument("a batch of zero entries was asked for"));
        }
        let txn = self.cursors.get(cursor).ok_or_else(|| cursor_not_found(cursor))?.txn;
        if txn != 0 {
            // The merge reads the writes in key order.
            self.txns.get_mut(txn).ok_or_else(|| txn_not_found(txn))?.prepare_scan();
        }
        let state = self.cursors.get_mut(cursor).ok_or_else(|| cursor_not_found(cursor))?;
        let transaction = match state.txn {
            0 => None,
            txn => Some(self.txns.get(txn).ok_or_else(|| txn_not_found(txn))?),
        };
        let start = match &state.resume {
            Resume::Done => return Ok(0),
            Resume::From(key) => Bound::Included(&key[..]),
            Resume::After(key) => Bound::Excluded(&key[..]),
        };
        let end = state.end.as_deref();
        let mut merge = RangeMerge::new(&self.memtable, &self.segments, transaction, start, end, state.snapshot);
        let limits = BatchLimits { entries_max: max_entries, bytes_max: max_bytes as usize };
        let batch = fill_batch(&mut merge, limits, out);
        state.resume = match (batch.exhausted, batch.last_key) {
            (false, Some(last_key)) => resume_after(std::mem::replace(&mut state.resume, Resume::Done), last_key),
            // A batch that is not exhausted always holds an entry (max_entries >= 1).
            _ => Resume::Done,
        };
        Ok(batch.count)
    }

    /// Closes `cursor` and releases its snapshot. Errors: `CursorNotFound`.
    pub fn cursor_close(&mut self, cursor: u32) -> Result<()> {
        self.require_open()?;
        let state = self.cursors.remove(cursor).ok_or_else(|| cursor_not_found(cursor))?;
        self.snapshots.release(state.snapshot);
        Ok(())
    }
}

/// Reuses the previous resume key's buffer for the new one.
fn resume_after(previous: Resume, last_key: &[u8]) -> Resume {
    let mut buffer = match previous {
        Resume::After(buffer) => buffer,
        _ => Vec::with_capacity(last_key.len()),
    };
    buffer.clear();
    buffer.extend_from_slice(last_key);
    Resume::After(buffer)
}

#[derive(Clone, Copy)]
struct BatchLimits {
    entries_max: u32,
    bytes_max: usize,
}

struct Batch<'a> {
    count: u32,
    last_key: Option<&'a [u8]>,
    /// No entry remains after this batch.
    exhausted: bool,
}

fn fill_batch<'a>(merge: &mut RangeMerge<'a>, limits: BatchLimits, out: &mut Vec<u8>) -> Batch<'a> {
    let mut batch = Batch { count: 0, last_key: None, exhausted: false };
    while batch.count < limits.entries_max {
        let (key, value) = match merge.next_entry() {
            Some(entry) => entry,
            None => {
                batch.exhausted = true;
                break;
            }
        };
        let entry_bytes = BATCH_ENTRY_HEADER_BYTES + key.len() + value.len();
        if batch.count > 0 && out.len() + entry_bytes > limits.bytes_max {
            // Not returned: the next batch re-seeks after the last key and finds it again.
            break;
        }
        out.extend_from_slice(&(key.len() as u32).to_le_bytes());
        out.extend_from_slice(&(value.len() as u32).to_le_bytes());
        out.extend_from_slice(key);
        out.extend_from_slice(value);
        batch.count += 1;
        batch.last_key = Some(key);
    }
    batch
}
