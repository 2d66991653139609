//! Keyword search: the tokenizer, the BM25 index and hybrid fusion helpers.
//! Not wired to the ABI yet: the vector-collections work connects it to keys, WAL and checkpoints.
#![allow(dead_code, unused_imports)] // re-exports wait for the ABI wiring

mod bm25;
#[cfg(test)]
mod bm25_tests;
mod compact;
#[cfg(test)]
mod fixture_json;
mod fusion;
mod marks;
mod persist;
mod postings;
mod search;
mod tokenizer;
mod topk;

pub use bm25::{Bm25Index, ScoreParams, B, K1};
pub use fusion::{fuse_linear, fuse_rrf, normalize_min_max, RRF_K};
pub use persist::{BM25_FORMAT_VERSION, BM25_MAGIC};
pub use tokenizer::{tokenize, tokens, TOKEN_BYTES_MAX};
