//! Multi-version concurrency control: the registry of open snapshots (what pruning and merges must
//! keep), transactions (snapshot isolation, first committer wins) and the id tables that hold open
//! transactions and cursors.

mod id_table;
mod snapshots;
mod txn;
mod write_log;

pub use id_table::IdTable;
pub use snapshots::SnapshotRegistry;
pub use txn::{Transaction, TxnTable};
pub use write_log::{WriteLog, Writes};
