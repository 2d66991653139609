//! SochDB's storage engine.
//!
//! The engine does no I/O. It is a state machine over bytes: a commit appends its WAL record to a
//! pending buffer the host drains and persists; `checkpoint` hands the host a new immutable segment
//! and a manifest; `open` takes the manifest, its segments and the WAL tail back. The host (the
//! TypeScript package) owns files, fsync, locks and time. This keeps the engine testable natively
//! with `cargo test` and lets one `.wasm` serve Node and browsers.
//!
//! Modules:
//! - `codec`: CRC32C and varints, shared by every on-disk format.
//! - `wal`: WAL file header and record framing (length + CRC32C salted with the generation).
//! - `segment`: immutable sorted segment files: writer, reader, k-way merge.
//! - `checkpoint`: the manifest naming the live segments and collection index files.
//! - `kv`: the memtable and the commit-record payload codec.
//! - `mvcc`: snapshots registry and transactions (snapshot isolation, first committer wins).
//! - `engine`: the `Engine` tying them together: open, reads, commits, cursors, checkpoints, and
//!   vector collections (indexes kept in step with the reserved keys, search).
//! - `doc`: the reserved key layout, document records, metadata and filters.
//! - `vector`: distance kernels and HNSW; `text`: tokenizer and BM25.
//! - `abi`: the `extern "C"` boundary described in `ABI.md`; `cache_hint`: early loads.

mod abi;
mod cache_hint;
mod checkpoint;
mod codec;
mod doc;
mod engine;
mod error;
mod kv;
mod limits;
mod mvcc;
mod segment;
mod text;
mod vector;
mod wal;

pub use checkpoint::{index_file_name, segment_file_name, Manifest};
pub use doc::{collection_key, document_key, encode_record, namespace_key};
pub use engine::{CheckpointOutput, Engine, EngineConfig, EngineStats, MemoryMeter, OpenFinish, OpenPlan, WalReplay, MEMORY_LIMIT_DEFAULT, TXN_LATEST};
pub use error::{Error, ErrorCode};
pub use segment::{Segment, SegmentEntry, SegmentWriter};
pub use wal::{WalFileScan, WAL_HEADER_LEN};
