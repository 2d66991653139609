//! Vector search: distance kernels (scalar reference + wasm SIMD128) and the HNSW index.
//!
//! - `distance` / `distance_simd`: metrics, kernels, user-facing scores; `quant`: int8 codes.
//! - `hnsw`: the index, insert and graph search; `graph` neighbour storage; `search` one-layer
//!   walk, `measure` what it measures nodes with (and prefetches); `select` the neighbour
//!   heuristic; `store` where the vectors live (`rows`: f32 in chunks, or int8 codes alone);
//!   `permute` in-place renumbering for layouts; `visited`, `heap`, `rng` their helpers.
//! - `exact`: brute force and the filter planner; `maintain`: delete, update, repair, compact, purge;
//!   `persist`: the flat file format; `config`: parameters, defaults and limits.
#![allow(dead_code)]

pub(super) mod bf16;
mod config;
mod distance;
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod distance_simd;
mod exact;
mod graph;
mod heap;
mod hnsw;
mod maintain;
mod measure;
mod permute;
mod persist;
mod pool;
mod quant;
mod rng;
mod rows;
mod search;
mod select;
mod store;
mod visited;

#[cfg(test)]
mod testdata;
#[cfg(test)]
mod tests_bench;
#[cfg(test)]
mod tests_hnsw;
#[cfg(test)]
mod tests_persist;

// The collections (engine/collections) use these; some are for tests only.
#[allow(unused_imports)]
pub use config::{HnswConfig, Quantization};
#[allow(unused_imports)]
pub use distance::{has_direction, Metric};
#[allow(unused_imports)]
pub use hnsw::{Filter, Hnsw};
pub use store::{FullSource, FullVectors};
pub use persist::SavedParts;
