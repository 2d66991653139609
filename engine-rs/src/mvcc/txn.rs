//! A transaction: a snapshot plus a private write set. Reads see the write set first, then the
//! snapshot; commit is the engine's (it checks conflicts against committed versions).

use std::collections::btree_map::{self, BTreeMap};
use std::ops::Bound;

use super::id_table::IdTable;
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
    /// key -> `Some(value)` (put) or `None` (delete); the last write of a key wins.
    writes: BTreeMap<Box<[u8]>, Option<Box<[u8]>>>,
    /// Size of the commit record payload these writes will make, to enforce `TXN_SIZE_MAX`.
    payload_bytes: usize,
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

impl Transaction {
    pub fn new(snapshot: u64) -> Transaction {
        Transaction { snapshot, writes: BTreeMap::new(), payload_bytes: PAYLOAD_HEADER_BYTES }
    }

    /// Records a put (`Some`) or delete (`None`) of `key`. Errors: `TxnTooLarge` when the commit
    /// record would pass `TXN_SIZE_MAX`; then nothing changes.
    pub fn write(&mut self, key: &[u8], value: Option<&[u8]>) -> Result<()> {
        let old_bytes = match self.writes.get(key) {
            Some(old) => op_bytes(key, old.as_deref()),
            None => 0,
        };
        let new_total = self.payload_bytes - old_bytes + op_bytes(key, value);
        if new_total > TXN_SIZE_MAX {
            let message = format!("the transaction's writes would take {} bytes (max {})", new_total, TXN_SIZE_MAX);
            return Err(Error::new(ErrorCode::TxnTooLarge, message));
        }
        self.payload_bytes = new_total;
        let value: Option<Box<[u8]>> = value.map(Box::from);
        match self.writes.get_mut(key) {
            Some(slot) => *slot = value,
            None => {
                self.writes.insert(key.into(), value);
            }
        }
        Ok(())
    }

    /// This transaction's own write of `key`: `Some(Some(v))` put, `Some(None)` deleted, `None` untouched.
    pub fn own_write(&self, key: &[u8]) -> Option<Option<&[u8]>> {
        self.writes.get(key).map(|value| value.as_deref())
    }

    pub fn writes(&self) -> &BTreeMap<Box<[u8]>, Option<Box<[u8]>>> {
        &self.writes
    }

    /// Writes with keys after `start`, in key order (for cursors).
    pub fn writes_from<'a>(&'a self, start: Bound<&[u8]>) -> btree_map::Range<'a, Box<[u8]>, Option<Box<[u8]>>> {
        self.writes.range::<[u8], _>((start, Bound::Unbounded))
    }

    pub fn into_writes(self) -> BTreeMap<Box<[u8]>, Option<Box<[u8]>>> {
        self.writes
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
    fn rewriting_a_key_does_not_inflate_the_size_account() {
        let mut txn = Transaction::new(0);
        txn.write(b"k", Some(b"1234")).unwrap();
        let once = txn.payload_bytes;
        txn.write(b"k", Some(b"5678")).unwrap();
        assert_eq!(txn.payload_bytes, once);
    }

    #[test]
    fn varint_len_matches_leb128_sizes() {
        assert_eq!(varint_len(0), 1);
        assert_eq!(varint_len(127), 1);
        assert_eq!(varint_len(128), 2);
        assert_eq!(varint_len(16_384), 3);
    }
}
