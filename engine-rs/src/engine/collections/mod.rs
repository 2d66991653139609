//! Vector collections: derived state (HNSW graph, BM25 index, parsed metadata) kept in step with
//! the reserved `c` and `d` keys of every commit, saved in index files at checkpoints.
//!
//! - `config`: a collection record's JSON and its binary form;
//! - `collection`: one collection's indexes and document table;
//! - `registry`: every collection by its `c` key;
//! - `plan`: the validation pass over a commit's reserved writes (before anything is applied);
//! - `compact`: dropping tombstones at checkpoints; `layout`: renumbering graphs for memory
//!   locality at checkpoints;
//! - `index_file`: the index file format; `checkpoint_files`: which index files a checkpoint
//!   writes and removes;
//! - `request`, `search`, `output`: `soch_search` decoding, execution, and result encoding;
//!   `doc_reads`: documents read by internal id, in batches;
//! - `restore_rows`: the f32 vectors index files leave out, put back from the documents at open.

mod checkpoint_files;
mod collection;
mod compact;
mod config;
mod doc_reads;
mod index_file;
mod layout;
mod output;
mod plan;
mod registry;
mod request;
mod restore_rows;
mod search;

pub(super) use checkpoint_files::NewIndexFile;
pub(super) use collection::IndexFileRef;
pub(super) use index_file::{decode_index_file, index_file_crc};
pub(super) use plan::{plan_commit, CatalogOp};
pub(super) use registry::Registry;
