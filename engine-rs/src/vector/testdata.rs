//! Test data: seeded Gaussian clusters, and recall against the exact scan.

use super::hnsw::Hnsw;
use super::store::FullVectors;
use super::rng::Rng;
use super::{HnswConfig, Metric};

/// `n` vectors of `dim` floats around `clusters` random centres (spread 1, noise `sigma`).
pub fn clustered(n: usize, dim: usize, clusters: usize, sigma: f32, seed: u64) -> Vec<Vec<f32>> {
    let mut rng = Rng::new(seed);
    let centres: Vec<Vec<f32>> = (0..clusters).map(|_| (0..dim).map(|_| rng.gaussian()).collect()).collect();
    (0..n)
        .map(|_| {
            let c = &centres[rng.next_u32() as usize % clusters];
            c.iter().map(|x| x + sigma * rng.gaussian()).collect()
        })
        .collect()
}

/// Queries from the same distribution as `clustered(.., seed)` (same centres, fresh noise).
pub fn queries(count: usize, dim: usize, clusters: usize, sigma: f32, seed: u64) -> Vec<Vec<f32>> {
    let mut rng = Rng::new(seed);
    let centres: Vec<Vec<f32>> = (0..clusters).map(|_| (0..dim).map(|_| rng.gaussian()).collect()).collect();
    let mut rng = Rng::new(seed ^ 0xABCD_EF01);
    (0..count)
        .map(|_| {
            let c = &centres[rng.next_u32() as usize % clusters];
            c.iter().map(|x| x + sigma * rng.gaussian()).collect()
        })
        .collect()
}

pub fn build(config: HnswConfig, data: &[Vec<f32>]) -> Hnsw {
    let mut index = Hnsw::new(config).unwrap();
    for v in data {
        index.insert(v).unwrap();
    }
    index
}

pub fn config(dim: usize, metric: Metric) -> HnswConfig {
    HnswConfig::new(dim, metric)
}

/// The test data as little-endian bytes, the form `FullVectors` gives: a test's `full` is
/// `|id| rows.get(id as usize).map(|r| &r[..])` (ids are in insert order).
pub fn le_rows(data: &[Vec<f32>]) -> Vec<Vec<u8>> {
    data.iter().map(|v| v.iter().flat_map(|x| x.to_le_bytes()).collect()).collect()
}

/// Mean recall@k of `search` (the planner on) against the exact scan.
pub fn recall(index: &Hnsw, queries: &[Vec<f32>], k: usize, ef: Option<usize>) -> f64 {
    recall_full(index, queries, k, ef, None)
}

/// `recall`, both searches given the full vectors (an int8 index re-ranks with them).
pub fn recall_full(index: &Hnsw, queries: &[Vec<f32>], k: usize, ef: Option<usize>, full: Option<FullVectors>) -> f64 {
    let mut hits = 0usize;
    let mut total = 0usize;
    for q in queries {
        let exact = index.exact_search(q, k, None, full).unwrap();
        let got = index.search(q, k, ef, None, full).unwrap();
        total += exact.len();
        hits += got.iter().filter(|(id, _)| exact.iter().any(|(e, _)| e == id)).count();
    }
    hits as f64 / total.max(1) as f64
}
