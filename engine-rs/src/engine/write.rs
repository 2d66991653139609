//! Writes: autocommit put/delete (one-write transactions that never conflict) and transactions
//! (snapshot isolation; at commit, first committer wins).
//!
//! A commit takes seq = last_seq + 1, appends its record to the pending WAL (when enabled), then
//! applies its writes to the memtable, then its reserved writes to the collections. Everything that
//! can fail is checked before any of it happens (`collections::plan_commit` checks documents), so a
//! failed call changes nothing.
//!
//! A transaction's values move into the memtable without a copy when its arena is mostly live:
//! the memtable adopts the arena whole.

use std::iter;

use super::collections::{plan_commit, CatalogOp};
use super::read::{txn_not_found, validate_key};
use super::state::Engine;
use crate::error::{Error, ErrorCode, Result};
use crate::kv::encode_commit;
use crate::limits::VALUE_SIZE_MAX;
use crate::mvcc::{Transaction, WriteLog};
use crate::wal::append_record_with;

fn validate_value(value: &[u8]) -> Result<()> {
    if value.len() > VALUE_SIZE_MAX {
        let message = format!("a value of {} bytes is over the {} byte limit", value.len(), VALUE_SIZE_MAX);
        return Err(Error::new(ErrorCode::ValueTooLarge, message));
    }
    Ok(())
}

impl Engine {
    /// Commits `key = value` on its own.
    pub fn put(&mut self, key: &[u8], value: &[u8]) -> Result<()> {
        validate_value(value)?;
        self.autocommit(key, Some(value))
    }

    /// Commits the deletion of `key` on its own (a tombstone, even if the key is absent).
    pub fn delete(&mut self, key: &[u8]) -> Result<()> {
        self.autocommit(key, None)
    }

    fn autocommit(&mut self, key: &[u8], value: Option<&[u8]>) -> Result<()> {
        self.require_open()?;
        validate_key(key)?;
        self.check_room_to_write(iter::once((key, value)))?;
        let catalog = plan_commit(&self.collections, iter::once((key, value)))?;
        let seq = self.last_seq + 1;
        self.log_commit(seq, iter::once((key, value)));
        let horizon = self.prune_horizon(seq);
        self.memtable.insert(key, seq, value, horizon);
        self.publish(seq);
        self.apply_catalog(catalog)
    }

    /// A new transaction reading at `visible_seq`. Errors: `LimitExceeded`.
    pub fn txn_begin(&mut self) -> Result<u32> {
        self.require_open()?;
        let snapshot = self.visible_seq;
        let id = self.txns.insert(Transaction::new(snapshot))?;
        self.snapshots.acquire(snapshot);
        Ok(id)
    }

    pub fn txn_put(&mut self, txn: u32, key: &[u8], value: &[u8]) -> Result<()> {
        validate_value(value)?;
        self.txn_write(txn, key, Some(value))
    }

    pub fn txn_delete(&mut self, txn: u32, key: &[u8]) -> Result<()> {
        self.txn_write(txn, key, None)
    }

    fn txn_write(&mut self, txn: u32, key: &[u8], value: Option<&[u8]>) -> Result<()> {
        self.require_open()?;
        validate_key(key)?;
        let transaction = self.txns.get_mut(txn).ok_or_else(|| txn_not_found(txn))?;
        transaction.write(key, value)
    }

    /// Commits `txn`: `TxnConflict` if another commit wrote one of its keys after its snapshot,
    /// `InvalidArgument` if a reserved write is invalid (then nothing is applied). The transaction
    /// is gone either way. An empty transaction commits without a seq or a record.
    pub fn txn_commit(&mut self, txn: u32) -> Result<()> {
        self.require_open()?;
        let mut transaction = self.txns.remove(txn).ok_or_else(|| txn_not_found(txn))?;
        self.snapshots.release(transaction.snapshot);
        if transaction.is_empty() {
            return Ok(());
        }
        transaction.prepare_scan();
        if let Some(key) = self.first_conflict(&transaction) {
            let message = format!(
                "key {:?} was committed by another transaction after this one's snapshot {}; retry",
                String::from_utf8_lossy(key),
                transaction.snapshot
            );
            return Err(Error::new(ErrorCode::TxnConflict, message));
        }
        self.check_room_to_write(transaction.writes())?;
        let catalog = plan_commit(&self.collections, transaction.writes())?;
        let seq = self.last_seq + 1;
        self.log_commit(seq, transaction.writes());
        let horizon = self.prune_horizon(seq);
        self.apply_log(transaction.into_log(), seq, horizon);
        self.publish(seq);
        self.apply_catalog(catalog)
    }

    /// Applies a commit's checked reserved writes to the collections, after the memtable.
    pub(super) fn apply_catalog(&mut self, catalog: Vec<CatalogOp>) -> Result<()> {
        if catalog.is_empty() {
            return Ok(());
        }
        self.collections.apply(catalog)
    }

    /// Inserts a sorted log's writes as version `seq`: adopting its value arena when at least half
    /// of it is live (so a transaction that rewrote its keys many times leaves no pile of dead
    /// values behind), copying the values otherwise.
    fn apply_log(&mut self, mut log: WriteLog, seq: u64, horizon: u64) {
        let live: usize = log.iter().map(|(_, value)| value.map_or(0, <[u8]>::len)).sum();
        if live * 2 < log.value_bytes() {
            for (key, value) in log.iter() {
                self.memtable.insert(key, seq, value, horizon);
            }
            return;
        }
        let base = self.memtable.adopt(log.take_values());
        for (key, value) in log.spans() {
            self.memtable.insert_span(key, seq, value.map(|span| span.rebased(base)), horizon);
        }
    }

    /// Drops `txn` and its writes.
    pub fn txn_abort(&mut self, txn: u32) -> Result<()> {
        self.require_open()?;
        let transaction = self.txns.remove(txn).ok_or_else(|| txn_not_found(txn))?;
        self.snapshots.release(transaction.snapshot);
        Ok(())
    }

    fn first_conflict<'t>(&self, transaction: &'t Transaction) -> Option<&'t [u8]> {
        if self.last_seq <= transaction.snapshot {
            // Nothing committed since the snapshot: no key can conflict (the common single-writer
            // case, where probing every written key would double the cost of a commit).
            return None;
        }
        let mut keys = transaction.writes().map(|(key, _)| key);
        keys.find(|key| self.written_since(key, transaction.snapshot))
    }

    /// Frames commit `seq` into the pending WAL, when the WAL is on.
    fn log_commit<'a, I>(&mut self, seq: u64, ops: I)
    where
        I: ExactSizeIterator<Item = (&'a [u8], Option<&'a [u8]>)>,
    {
        if !self.config.wal_enabled {
            return;
        }
        append_record_with(self.wal.records_mut(), self.wal_generation, |out| encode_commit(out, seq, ops));
    }

    /// The horizon for memtable pruning once commit `seq` is applied: with visible-on-commit, new
    /// reads will see `seq` itself, so an overwritten version only open snapshots need can go.
    fn prune_horizon(&self, seq: u64) -> u64 {
        let visible_after = if self.config.visible_on_commit { seq } else { self.visible_seq };
        let oldest_open = self.snapshots.oldest().unwrap_or(u64::MAX);
        std::cmp::min(oldest_open, visible_after)
    }

    fn publish(&mut self, seq: u64) {
        assert_eq!(seq, self.last_seq + 1, "commits take consecutive seqs");
        self.last_seq = seq;
        if self.config.visible_on_commit {
            self.visible_seq = seq;
        }
    }
}
