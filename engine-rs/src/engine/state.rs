//! The `Engine` struct: what it holds, its sequence numbers and its stats.
//!
//! Methods, by file (quinn-proto style: inputs, mutators, outputs):
//! - opening (`open.rs`): `new`, `load_manifest`, `load_segment`, `replay_wal`, `open_finish`;
//! - reads (`read.rs`): `get`, `txn_get`; cursors (`cursor.rs`): `cursor_open`, `cursor_next`,
//!   `cursor_close`;
//! - writes (`write.rs`): `put`, `delete`, `txn_begin`, `txn_put`, `txn_delete`, `txn_commit`,
//!   `txn_abort`;
//! - outputs: `wal_take` and `wal_mark_durable` (`wal_buffer.rs`), `checkpoint` (`checkpoint.rs`);
//! - collections (`collections/`): `search`, `collection_count`;
//! - getters: `stats`, `memtable_bytes`, `wal_pending_bytes`, `segment_bytes`,
//!   `checkpoint_file_pieces`.
//!
//! Invariants: `checkpoint_seq <= visible_seq <= last_seq`; every commit with seq <= checkpoint_seq
//! is in the segments, every later one in the memtable; segments are newest first and hold disjoint
//! seq ranges, newer segments newer seqs.

use super::memory_budget::MemoryBudget;
use super::collections::{NewIndexFile, Registry};
use super::config::EngineConfig;
use super::cursor::Cursor;
use super::open::OpenState;
use super::wal_buffer::PendingWal;
use crate::checkpoint::segment_file_name;
use crate::error::{Error, Result};
use crate::kv::Memtable;
use crate::limits::CURSORS_OPEN_MAX;
use crate::mvcc::{IdTable, SnapshotRegistry, TxnTable};
use crate::segment::Segment;

pub(super) enum Phase {
    Opening(Box<OpenState>),
    Open,
}

pub struct Engine {
    pub(super) config: EngineConfig,
    pub(super) phase: Phase,
    pub(super) memtable: Memtable,
    /// Newest first.
    pub(super) segments: Vec<Segment>,
    pub(super) snapshots: SnapshotRegistry,
    pub(super) txns: TxnTable,
    pub(super) cursors: IdTable<Cursor>,
    /// The last committed seq.
    pub(super) last_seq: u64,
    /// What new reads and snapshots see.
    pub(super) visible_seq: u64,
    /// Every commit up to here is in the segments.
    pub(super) checkpoint_seq: u64,
    /// The WAL generation commits append to (salts their checksums).
    pub(super) wal_generation: u64,
    /// The id the next segment or index file takes (one counter for both kinds of file).
    pub(super) next_segment_id: u64,
    pub(super) wal: PendingWal,
    /// Every collection's indexes, following every commit (`last_seq`).
    pub(super) collections: Registry,
    /// Index files the last checkpoint asked the host to write, by name: their small parts stay
    /// here until the host has copied them (their big arrays are the collections' own).
    pub(super) written_files: Vec<(String, NewIndexFile)>,
    /// When commits that write values stop (`memory_budget.rs`).
    pub(super) memory: MemoryBudget,
}

/// Counters for `soch_stats`, in its order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EngineStats {
    pub last_seq: u64,
    pub visible_seq: u64,
    pub checkpoint_seq: u64,
    /// Keys in the memtable.
    pub memtable_entries: u64,
    pub memtable_bytes: u64,
    pub segment_count: u64,
    pub segment_bytes: u64,
    /// Versions (tombstones included) in all live segments.
    pub segment_entries: u64,
    pub wal_pending_bytes: u64,
    pub open_txns: u64,
    pub open_cursors: u64,
    pub wal_generation: u64,
    /// Bytes the engine's data takes (its live allocations; 0 natively), which the memory budget
    /// limits (`memory_budget.rs`).
    pub data_bytes: u64,
}

impl EngineStats {
    pub fn to_array(&self) -> [u64; 13] {
        [
            self.last_seq,
            self.visible_seq,
            self.checkpoint_seq,
            self.memtable_entries,
            self.memtable_bytes,
            self.segment_count,
            self.segment_bytes,
            self.segment_entries,
            self.wal_pending_bytes,
            self.open_txns,
            self.open_cursors,
            self.wal_generation,
            self.data_bytes,
        ]
    }
}

/// A summary (the stats), not the data.
impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine").field("config", &self.config).field("stats", &self.stats()).finish()
    }
}

impl Engine {
    /// An empty engine waiting for its files (see `open.rs`); `open_finish` makes it usable.
    pub fn new(config: EngineConfig) -> Engine {
        Engine {
            config,
            phase: Phase::Opening(Box::default()),
            memtable: Memtable::new(),
            segments: Vec::new(),
            snapshots: SnapshotRegistry::new(),
            txns: TxnTable::with_default_limit(),
            cursors: IdTable::new(CURSORS_OPEN_MAX, "cursors"),
            last_seq: 0,
            visible_seq: 0,
            checkpoint_seq: 0,
            wal_generation: 0,
            next_segment_id: 1,
            wal: PendingWal::new(),
            collections: Registry::default(),
            written_files: Vec::new(),
            memory: MemoryBudget::default(),
        }
    }

    pub fn config(&self) -> EngineConfig {
        self.config
    }

    /// Errors with `InvalidState` until `open_finish` has run.
    pub(super) fn require_open(&self) -> Result<()> {
        match self.phase {
            Phase::Open => Ok(()),
            Phase::Opening(_) => Err(Error::invalid_state("the engine is still opening: call open_finish first")),
        }
    }

    /// The oldest snapshot any reader can use now: open transactions and cursors, and new reads at
    /// `visible_seq`. Versions a reader at this seq sees must be kept.
    pub(super) fn read_horizon(&self) -> u64 {
        let oldest_open = self.snapshots.oldest().unwrap_or(u64::MAX);
        std::cmp::min(oldest_open, self.visible_seq)
    }

    pub fn memtable_bytes(&self) -> usize {
        self.memtable.bytes()
    }

    pub fn last_seq(&self) -> u64 {
        self.last_seq
    }

    pub fn visible_seq(&self) -> u64 {
        self.visible_seq
    }

    /// The bytes of live segment `id` (the one a checkpoint just made, for the host to write).
    pub fn segment_bytes(&self, id: u64) -> Option<&[u8]> {
        let segment = self.segments.iter().find(|segment| segment.id() == id)?;
        Some(segment.bytes())
    }

    /// Forgets the last checkpoint's index files once the host has copied them.
    pub fn release_checkpoint_files(&mut self) {
        self.written_files = Vec::new();
    }

    /// The bytes of a file the last checkpoint listed for writing (a segment or an index file),
    /// as pieces in file order, borrowed: copy them before any other call. An index file can be
    /// read until `release_checkpoint_files` or the next checkpoint, and only while its
    /// collection is unchanged (else `Internal`): its graph and vectors are borrowed, not copied.
    pub fn checkpoint_file_pieces(&self, name: &str) -> Result<Option<Vec<&[u8]>>> {
        if let Some((_, new)) = self.written_files.iter().find(|(written, _)| written == name) {
            return self.index_file_pieces(new).map(Some);
        }
        let segment = self.segments.iter().find(|segment| segment_file_name(segment.id()) == name);
        Ok(segment.map(|segment| vec![segment.bytes()]))
    }

    /// `checkpoint_file_pieces` joined into one buffer.
    pub fn checkpoint_file_bytes(&self, name: &str) -> Option<Vec<u8>> {
        self.checkpoint_file_pieces(name).ok().flatten().map(|pieces| pieces.concat())
    }

    /// Collections that exist at `last_seq`.
    pub fn collection_count_total(&self) -> usize {
        self.collections.len()
    }

    pub fn stats(&self) -> EngineStats {
        let segments = self.segments.iter();
        EngineStats {
            last_seq: self.last_seq,
            visible_seq: self.visible_seq,
            checkpoint_seq: self.checkpoint_seq,
            memtable_entries: self.memtable.key_count() as u64,
            memtable_bytes: self.memtable.bytes() as u64,
            segment_count: self.segments.len() as u64,
            segment_bytes: segments.clone().map(|segment| segment.bytes().len() as u64).sum(),
            segment_entries: segments.map(|segment| segment.len() as u64).sum(),
            wal_pending_bytes: self.wal.pending_bytes() as u64,
            open_txns: self.txns.len() as u64,
            open_cursors: self.cursors.len() as u64,
            wal_generation: self.wal_generation,
            data_bytes: self.memory_used() as u64,
        }
    }
}
