//! The index configuration, its defaults (hnswlib's names) and the vector limits.
//! The limits belong in `limits.rs` once the index is wired to the ABI.

use super::distance::Metric;
use crate::error::{Error, Result};

/// Largest vector dimension.
pub const VECTOR_DIM_MAX: usize = 4096;
/// Largest `m` (layer 0 keeps `2 * m` neighbours per node).
pub const HNSW_M_MAX: usize = 128;
/// Smallest `m`: fewer links cannot keep the graph navigable.
pub const HNSW_M_MIN: usize = 2;
/// Largest `ef_construction` and search `ef`.
pub const HNSW_EF_MAX: usize = 8192;
/// Largest `k` of one search.
pub const SEARCH_K_MAX: usize = 8192;
/// Highest layer a node may get (the draw is capped; 16 layers of m=2 cover 2^16+ nodes each).
pub const HNSW_LEVEL_MAX: usize = 16;
/// Most nodes (deleted included) of one index: ids are u32 and `u32::MAX` means "none".
pub const HNSW_NODES_MAX: usize = (u32::MAX - 1) as usize;

/// hnswlib's defaults: `M = 16`, `ef_construction = 200`. `ef_search = 64` measured recall@10 of
/// 0.98-0.99 on 10k clustered vectors (see the recall tests).
pub const DEFAULT_M: usize = 16;
pub const DEFAULT_EF_CONSTRUCTION: usize = 200;
pub const DEFAULT_EF_SEARCH: usize = 64;

/// How the graph walk measures distance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Quantization {
    /// Full f32 vectors everywhere.
    None = 0,
    /// The walk uses int8 codes (per-vector scale/offset); the final candidates are re-ranked
    /// with the f32 vectors, which are kept.
    Int8 = 1,
    /// The walk uses bf16 rows (each value's top 16 bits, `bf16.rs`); the final candidates are
    /// re-ranked with the f32 vectors, which are kept.
    Bf16 = 2,
    /// f32 rows while they take at most `AUTO_F32_ROW_BYTES_MAX`, then bf16 rows: a small index
    /// sits in the CPU caches, where f32 rows are measured a little faster and need no re-rank;
    /// past that the walk waits on memory, and half the bytes is 1.1-1.3x the speed.
    Auto = 3,
}

/// Bytes of f32 rows past which an `Auto` index turns them into bf16 (`hnsw.rs`): 16k vectors
/// of 128-d, 5.4k of 384-d.
pub const AUTO_F32_ROW_BYTES_MAX: usize = 8 << 20;

impl Quantization {
    pub fn from_code(code: u8) -> Option<Quantization> {
        match code {
            0 => Some(Quantization::None),
            1 => Some(Quantization::Int8),
            2 => Some(Quantization::Bf16),
            3 => Some(Quantization::Auto),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct HnswConfig {
    pub dim: usize,
    pub metric: Metric,
    /// Links per node on upper layers; layer 0 keeps `2 * m`.
    pub m: usize,
    /// Candidate list size while inserting.
    pub ef_construction: usize,
    /// Default candidate list size of `search` (the effective ef is at least k).
    pub ef_search: usize,
    /// Seeds the level draws: the same seed and inserts give the same graph.
    pub seed: u64,
    pub quantization: Quantization,
}

impl HnswConfig {
    pub fn new(dim: usize, metric: Metric) -> HnswConfig {
        HnswConfig {
            dim,
            metric,
            m: DEFAULT_M,
            ef_construction: DEFAULT_EF_CONSTRUCTION,
            ef_search: DEFAULT_EF_SEARCH,
            seed: 0x5EED_50C4_DB00_0001,
            quantization: Quantization::None,
        }
    }

    pub fn validate(&self) -> Result<()> {
        if self.dim == 0 || self.dim > VECTOR_DIM_MAX {
            return Err(Error::invalid_argument(format!(
                "vector dimension {} is out of range: use 1 to {}",
                self.dim, VECTOR_DIM_MAX
            )));
        }
        if self.m < HNSW_M_MIN || self.m > HNSW_M_MAX {
            return Err(Error::invalid_argument(format!(
                "HNSW m = {} is out of range: use {} to {} (16 is a good default)",
                self.m, HNSW_M_MIN, HNSW_M_MAX
            )));
        }
        for (name, ef) in [("ef_construction", self.ef_construction), ("ef_search", self.ef_search)] {
            if ef == 0 || ef > HNSW_EF_MAX {
                return Err(Error::invalid_argument(format!(
                    "HNSW {} = {} is out of range: use 1 to {}",
                    name, ef, HNSW_EF_MAX
                )));
            }
        }
        Ok(())
    }

    /// Neighbour slots of a node on `level` (hnswlib's `maxM0_` on layer 0, `maxM_` above).
    #[inline]
    pub fn capacity(&self, level: usize) -> usize {
        if level == 0 {
            2 * self.m
        } else {
            self.m
        }
    }
}
