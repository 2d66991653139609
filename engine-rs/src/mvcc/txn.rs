//! A transaction: a snapshot plus a private write set. Reads see the write set first, then the
//! snapshot; commit is the engine's (it checks conflicts against committed versions).

use std::ops::Bound;

use super::id_table::IdTable;
use super::write_log::{WriteLog, Writes};
use crate::error::{Error, ErrorCode, Result};
use crate::limits::{TXNS_OPEN_MAX, TXN_SIZE_MAX};

pub type TxnTable = IdTable<Transaction>;

impl TxnTable {
    pub fn with_default_limit() -> TxnTable {
        IdTable::new(TXNS_OPEN_MAX, "transactions")
    }
}

pub struct Transaction {
    /// Reads see commits with seq <= snapshot (held in the snapshot registry until the end).
    pub snapshot: u64,
    /// Writes in the order made; the last write of a key wins.
    log: WriteLog,
    /// Commit record bytes of every write logged, rewrites of a key counted each time: an upper
    /// bound of the record's size, made exact (`compact`) before it may pass the limit.
    payload_bytes: usize,
    /// `TXN_SIZE_MAX`, smaller in tests.
    size_max: usize,
    /// The log is compacted when it reaches this many entries, so rewrites cannot grow it forever.
    compact_at: usize,
}

/// Commit record bytes for one op besides key and value: kind and two length varints.
fn op_bytes(key: &[u8], value: Option<&[u8]>) -> usize {
    1 + varint_len(key.len()) + key.len() + value.map_or(0, |v| varint_len(v.len()) + v.len())
}

fn varint_len(n: usize) -> usize {
    let bits = usize::BITS - n.leading_zeros();
    std::cmp::max(1, ((bits + 6) / 7) as usize)
}

/// seq u64 and an op count varint.
const PAYLOAD_HEADER_BYTES: usize = 8 + 10;

/// The first `compact_at`: small transactions never compact.
const COMPACT_AT_MIN: usize = 4096;

impl Transaction {
    pub fn new(snapshot: u64) -> Transaction {
        Transaction::with_size_max(snapshot, TXN_SIZE_MAX)
    }

    fn with_size_max(snapshot: u64, size_max: usize) -> Transaction {
        Transaction {
            snapshot,
            log: WriteLog::default(),
            payload_bytes: PAYLOAD_HEADER_BYTES,
            size_max,
            compact_at: COMPACT_AT_MIN,
        }
    }

    /// Records a put (`Some`) or delete (`None`) of `key`. Errors: `TxnTooLarge` when the commit
    /// record would pass `TXN_SIZE_MAX`; then no write is added.
    pub fn write(&mut self, key: &[u8], value: Option<&[u8]>) -> Result<()> {
        let op = op_bytes(key, value);
        if self.payload_bytes + op > self.size_max {
            // The bound counts rewrites: drop them and check the exact size.
            self.compact();
            let old = self.log.get(key).map_or(0, |old| op_bytes(key, old));
            let new_total = self.payload_bytes - old + op;
            if new_total > self.size_max {
                let message = format!("the transaction's writes would take {} bytes (max {})", new_total, self.size_max);
                return Err(Error::new(ErrorCode::TxnTooLarge, message));
            }
        }
        self.payload_bytes += op;
        self.log.push(key, value);
        if self.log.len() >= self.compact_at {
            self.compact();
            self.compact_at = std::cmp::max(COMPACT_AT_MIN, 2 * self.log.len());
        }
        Ok(())
    }

    fn compact(&mut self) {
        self.log.compact();
        self.payload_bytes = PAYLOAD_HEADER_BYTES + self.log.iter().map(|(key, value)| op_bytes(key, value)).sum::<usize>();
    }

    /// This transaction's own write of `key`: `Some(Some(v))` put, `Some(None)` deleted, `None`
    /// untouched. Call `prepare_reads` first when writes came since the last read.
    pub fn own_write(&self, key: &[u8]) -> Option<Option<&[u8]>> {
        self.log.get(key)
    }

    /// Keeps `own_write` cheap: sorts the writes when many came since the last sort.
    pub fn prepare_reads(&mut self) {
        self.log.prepare_reads();
    }

    /// Puts the writes in key order, one per key, for `writes` and `writes_from`.
    pub fn prepare_scan(&mut self) {
        self.log.normalize();
    }

    pub fn is_empty(&self) -> bool {
        self.log.is_empty()
    }

    /// Every write in key order (after `prepare_scan`).
    pub fn writes(&self) -> Writes<'_> {
        self.log.iter()
    }

    /// Writes with keys after `start`, in key order (after `prepare_scan`; for cursors).
    pub fn writes_from(&self, start: Bound<&[u8]>) -> Writes<'_> {
        self.log.from(start)
    }

    /// The write log, sorted, for the commit to apply.
    pub fn into_log(mut self) -> WriteLog {
        self.log.normalize();
        self.log
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_write_of_a_key_wins() {
        let mut txn = Transaction::new(0);
        txn.write(b"k", Some(b"1")).unwrap();
        txn.write(b"k", None).unwrap();
        assert_eq!(txn.own_write(b"k"), Some(None));
        txn.write(b"k", Some(b"2")).unwrap();
        assert_eq!(txn.own_write(b"k"), Some(Some(&b"2"[..])));
        assert_eq!(txn.own_write(b"other"), None);
    }

    #[test]
    fn rewriting_a_key_does_not_count_against_the_size_limit() {
        let one_write = PAYLOAD_HEADER_BYTES + op_bytes(b"k", Some(b"1234"));
        let mut txn = Transaction::with_size_max(0, one_write);
        for _ in 0..10 {
            txn.write(b"k", Some(b"5678")).unwrap();
        }
        assert_eq!(txn.own_write(b"k"), Some(Some(&b"5678"[..])));
        let error = txn.write(b"other", None).unwrap_err();
        assert_eq!(error.code, ErrorCode::TxnTooLarge);
        assert_eq!(txn.own_write(b"other"), None, "a rejected write changes nothing");
    }

    #[test]
    fn many_rewrites_keep_the_log_small() {
        let mut txn = Transaction::new(0);
        for i in 0..100_000u32 {
            txn.write(&(i % 10).to_le_bytes(), Some(&[0; 64])).unwrap();
        }
        assert!(txn.log.len() < 2 * COMPACT_AT_MIN);
        assert!(txn.log.value_bytes() < 2 * COMPACT_AT_MIN * 64);
    }

    #[test]
    fn varint_len_matches_leb128_sizes() {
        assert_eq!(varint_len(0), 1);
        assert_eq!(varint_len(127), 1);
        assert_eq!(varint_len(128), 2);
        assert_eq!(varint_len(16_384), 3);
    }
}
