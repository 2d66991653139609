//! The `Engine`: memtable + live segments + MVCC, driven by the host through byte-in, byte-out
//! calls. One job per file:
//! - `config`: flags the host opens with.
//! - `state`: the `Engine` struct, its sequence numbers and stats.
//! - `open`: manifest, segments and WAL replay, in that order, then `open_finish`.
//! - `read`: point reads at a snapshot, conflict probes.
//! - `write`: autocommit writes, transactions, commit.
//! - `wal_buffer`: the pending WAL records and durability.
//! - `memory_budget`: commits that write values stop before the database is too large to reopen.
//! - `cursor` and `range_merge`: range scans in batches at a pinned snapshot.
//! - `checkpoint`, `merge_policy`: writing a new segment and folding old ones, and index files.
//! - `collections`: vector collections kept in step with the reserved keys, and search.

mod checkpoint;
mod collections;
mod config;
mod cursor;
mod memory_budget;
mod merge_policy;
mod open;
mod range_merge;
mod read;
mod state;
mod wal_buffer;
mod write;

pub use checkpoint::CheckpointOutput;
pub use config::EngineConfig;
pub use memory_budget::{MemoryMeter, MEMORY_LIMIT_DEFAULT};
pub use open::{OpenFinish, OpenPlan, WalReplay};
pub use read::TXN_LATEST;
pub use state::{Engine, EngineStats};
