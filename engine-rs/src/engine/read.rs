//! Point reads at a snapshot, and the probe commit uses to detect write-write conflicts.
//!
//! A read looks in the memtable first (the newest data), then in each segment newest first; the
//! first version with seq <= snapshot decides, and a tombstone means absent. Values are returned
//! borrowed from where they are stored: the memtable's arena or the segment files' bytes.

use super::state::Engine;
use crate::error::{Error, ErrorCode, Result};
use crate::limits::KEY_SIZE_MAX;

/// `InvalidArgument` for an empty key, `KeyTooLarge` for one over `KEY_SIZE_MAX`: no such key can
/// be stored.
pub(super) fn validate_key(key: &[u8]) -> Result<()> {
    if key.is_empty() {
        return Err(Error::invalid_argument("keys must not be empty: give a key of at least one byte"));
    }
    if key.len() > KEY_SIZE_MAX {
        let message = format!("a key of {} bytes is over the {} byte limit", key.len(), KEY_SIZE_MAX);
        return Err(Error::new(ErrorCode::KeyTooLarge, message));
    }
    Ok(())
}

/// The transaction id that reads the latest commit (`last_seq`, durable or not) instead of a
/// transaction's snapshot: for catalog checks right after a write, before group commit.
pub const TXN_LATEST: u32 = u32::MAX;

pub(super) fn txn_not_found(txn: u32) -> Error {
    Error::new(ErrorCode::TxnNotFound, format!("transaction {} is unknown, committed or aborted", txn))
}

impl Engine {
    /// The value of `key` at `visible_seq`, borrowed until the next mutation.
    pub fn get(&self, key: &[u8]) -> Result<Option<&[u8]>> {
        self.require_open()?;
        validate_key(key)?;
        Ok(self.read_at(key, self.visible_seq))
    }

    /// The value of `key` as transaction `txn` sees it: its own writes, then its snapshot.
    /// `TXN_LATEST` reads at `last_seq`.
    pub fn txn_get(&mut self, txn: u32, key: &[u8]) -> Result<Option<&[u8]>> {
        self.require_open()?;
        validate_key(key)?;
        if txn == TXN_LATEST {
            return Ok(self.read_at(key, self.last_seq));
        }
        self.txns.get_mut(txn).ok_or_else(|| txn_not_found(txn))?.prepare_reads();
        let transaction = self.txns.get(txn).ok_or_else(|| txn_not_found(txn))?;
        match transaction.own_write(key) {
            Some(own) => Ok(own),
            None => Ok(self.read_at(key, transaction.snapshot)),
        }
    }

    /// The newest version of `key` with seq <= `snapshot`; `None` if absent or deleted.
    pub(super) fn read_at(&self, key: &[u8], snapshot: u64) -> Option<&[u8]> {
        if let Some(chain) = self.memtable.chain(key) {
            if let Some(version) = chain.visible(snapshot) {
                return self.memtable.value(version);
            }
        }
        for segment in &self.segments {
            if let Some(entry) = segment.get(key, snapshot) {
                return entry.value;
            }
        }
        None
    }

    /// Starts loading what `read_at` will read in the segments for each of `keys` (a hint for a
    /// batch of point reads: their cache misses overlap; see `Segment::prefetch_gets`).
    pub(super) fn prefetch_reads<'k>(&self, keys: impl Iterator<Item = &'k [u8]> + Clone) {
        for segment in &self.segments {
            segment.prefetch_gets(keys.clone());
        }
    }

    /// True when some commit after `snapshot` wrote `key` (committed, durable or not).
    pub(super) fn written_since(&self, key: &[u8], snapshot: u64) -> bool {
        if let Some(chain) = self.memtable.chain(key) {
            // The memtable holds the newest versions: its head decides.
            return chain.head().seq > snapshot;
        }
        for segment in &self.segments {
            if segment.max_seq() <= snapshot {
                // This segment and every older one hold only versions the snapshot already saw.
                return false;
            }
            if let Some(seq) = segment.latest_seq(key) {
                return seq > snapshot;
            }
        }
        false
    }
}
