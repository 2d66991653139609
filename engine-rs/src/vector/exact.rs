//! Brute-force search, and the planner choosing between it and the graph walk for a filter.
//!
//! Cost model, in distance evaluations: an unfiltered walk costs about `GRAPH_COST_PER_EF * ef`;
//! with a filter keeping a fraction `f`, the walk must see up to `1/f` times more nodes (never
//! more than all of them). An exact scan calls the filter on every live node but computes
//! distances only for the `f * live` matches. So the scan wins when
//! `f * live + live / FILTER_CALLS_PER_DISTANCE < min(live, GRAPH_COST_PER_EF * ef / f)`; an int8
//! index's scan reads each match's full vector from the caller, `FULL_VECTOR_READ_COST` times dearer.
//! `f` is estimated on an evenly spaced sample of ids.

use std::collections::BinaryHeap;

use super::distance::{CosineKernel, DotKernel, Kernel, L2Kernel, Metric};
use super::hnsw::{Filter, Hnsw};
use super::heap::Cand;
use super::measure::Measure;
use super::bf16::{Bf16Query, Bf16Store};
use super::quant::Int8Query;
use super::rows::Rows;
use super::store::{fetch_prepared, FullVectors, Store};
use crate::error::Result;

/// Distance evaluations of an unfiltered walk per unit of ef. Measured on 10k x 128-d clustered,
/// m 16, ef 64: 440-570 per query unfiltered, 2,200-3,400 at f = 1/10, 6,700-8,700 at f = 1/50
/// (`tests_bench.rs`), so `8 * ef / f` errs towards the scan, which is exact.
pub const GRAPH_COST_PER_EF: f64 = 8.0;
/// Filter calls costing as much as one distance evaluation (a filter is a bitmap or a small lookup).
pub const FILTER_CALLS_PER_DISTANCE: f64 = 8.0;
/// Full vectors an int8 scan asks for at a time (`FullSource::prefetch`).
pub(super) const FULL_VECTOR_BATCH: usize = 64;

/// Distance evaluations one match of an int8 index's scan costs: it reads the document's full
/// vector (a record lookup and a copy) rather than a row in place. Measured through wasm at
/// 20k x 384-d: 0.9-1.2M rows/s against 12-19M for the f32 scan.
pub const FULL_VECTOR_READ_COST: f64 = 15.0;
/// Ids sampled to estimate a filter's match fraction.
pub const FILTER_SAMPLE_SIZE: usize = 256;

/// Full vectors the bf16 scan re-measures at a time: few, as it stops once the rest are farther.
const RERANK_BATCH: usize = 16;

/// Rows whose distances `scan_top_dense` computes per kernel call (a 1 KiB buffer on the stack).
const SCAN_BLOCK_ROWS: usize = 256;

/// `out[i]` = the distance from `q` to the i-th row of `rows`; kept out of line so the loop holds
/// only the kernel.
#[inline(never)]
fn score_block<K: Kernel>(q: &[f32], rows: &[f32], out: &mut [f32]) {
    for (row, d) in rows.chunks_exact(q.len()).zip(out.iter_mut()) {
        *d = K::distance(q, row);
    }
}

/// Distances the dense scan checks against its bound at once.
const SELECT_GROUP: usize = 8;

/// Whether some value of `group` is below `bound` (or equal to it, when `INCLUSIVE`): two SIMD
/// compares for a full group.
#[inline(always)]
fn any_below<const INCLUSIVE: bool>(group: &[f32], bound: f32) -> bool {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    if group.len() == SELECT_GROUP {
        use core::arch::wasm32::*;
        // SAFETY: the group holds 8 floats, read as two unaligned v128s.
        unsafe {
            let (a, b) = ((group.as_ptr() as *const v128).read_unaligned(), (group.as_ptr() as *const v128).add(1).read_unaligned());
            let at = f32x4_splat(bound);
            let below = if INCLUSIVE { v128_or(f32x4_le(a, at), f32x4_le(b, at)) } else { v128_or(f32x4_lt(a, at), f32x4_lt(b, at)) };
            return v128_any_true(below);
        }
    }
    group.iter().any(|&d| d < bound || (INCLUSIVE && d == bound))
}

/// Keeps `c` in `top`, the k best so far, if it belongs there; `bound` follows the k-th best
/// distance (infinity until k are kept, so every row counts until then, even one whose distance
/// overflowed to +inf). Equal distances are settled by id, so rows offered in any order end as
/// rows offered in id order do.
#[inline(always)]
fn offer(top: &mut BinaryHeap<Cand>, k: usize, bound: &mut f32, c: Cand) {
    if top.len() < k || c.dist < *bound || (c.dist == *bound && top.peek().map_or(false, |worst| c < *worst)) {
        if top.len() == k {
            top.pop();
        }
        top.push(c);
        if top.len() == k {
            *bound = top.peek().map_or(f32::INFINITY, |w| w.dist);
        }
    }
}

impl Hnsw {
    /// The k best live ids that pass `filter`, by scanning every vector; best first, `(id, score)`.
    /// Exact: the oracle of the recall tests, and the plan for selective filters. An int8 index
    /// measures the full vectors `full` gives (the codes of any it lacks).
    pub fn exact_search(&self, query: &[f32], k: usize, filter: Option<Filter>, full: Option<FullVectors>) -> Result<Vec<(u32, f32)>> {
        self.check_k_ef(k, None)?;
        let q = self.prepare(query, "the query")?;
        Ok(self.scan(&q, k, filter, full))
    }

    pub(super) fn scan(&self, q: &[f32], k: usize, filter: Option<Filter>, full: Option<FullVectors>) -> Vec<(u32, f32)> {
        if k == 0 {
            return Vec::new();
        }
        let metric = self.config.metric;
        let top = match &self.store {
            Store::F32(rows) => match metric {
                Metric::Cosine => self.scan_top::<CosineKernel>(rows, q, k, filter),
                Metric::L2 => self.scan_top::<L2Kernel>(rows, q, k, filter),
                Metric::Dot => self.scan_top::<DotKernel>(rows, q, k, filter),
            },
            Store::Int8(codes) => self.scan_full(&Int8Query::new(codes, metric, q), q, k, filter, full),
            Store::Bf16(rows) => match metric {
                Metric::Cosine => self.scan_bf16::<CosineKernel>(rows, q, k, filter, full),
                Metric::L2 => self.scan_bf16::<L2Kernel>(rows, q, k, filter, full),
                Metric::Dot => self.scan_bf16::<DotKernel>(rows, q, k, filter, full),
            },
        };
        top.into_sorted_vec().into_iter().map(|c| (c.id, metric.score(c.dist))).collect()
    }

    /// An int8 or bf16 index's scan: each live row that passes is measured with its full vector,
    /// fetched from `full` (by `approx`, the index's own rows, when `full` lacks it).
    fn scan_full<M: Measure>(&self, approx: &M, q: &[f32], k: usize, filter: Option<Filter>, full: Option<FullVectors>) -> BinaryHeap<Cand> {
        let mut v = vec![0f32; self.config.dim];
        let mut top: BinaryHeap<Cand> = BinaryHeap::with_capacity(k + 1);
        let mut bound = f32::INFINITY;
        let mut matches = (0..self.len() as u32).filter(|&id| !self.is_deleted(id) && filter.map_or(true, |f| f(id)));
        // In batches, so each batch's record reads start loading together.
        let mut batch: Vec<u32> = Vec::with_capacity(FULL_VECTOR_BATCH);
        loop {
            batch.clear();
            batch.extend(matches.by_ref().take(FULL_VECTOR_BATCH));
            if batch.is_empty() {
                return top;
            }
            if let Some(full) = full {
                full.prefetch(&batch);
            }
            for &id in &batch {
                let dist = full.and_then(|full| self.full_distance(full, q, id, &mut v)).unwrap_or_else(|| approx.distance(id));
                offer(&mut top, k, &mut bound, Cand::new(dist, id));
            }
        }
    }

    /// The distance from the prepared query `q` to node `id`'s full vector, loaded into `v`; None
    /// when `full` lacks it.
    fn full_distance(&self, full: FullVectors, q: &[f32], id: u32, v: &mut [f32]) -> Option<f32> {
        let metric = self.config.metric;
        fetch_prepared(full, metric, id, v).then(|| metric.distance(q, v))
    }

    /// A bf16 index's scan, exact all the same: every row that passes is measured on its bf16 row,
    /// then each row whose distance is within twice the rounding bound `e` of the k-th best is
    /// measured again with its full vector from `full`. No true top-k row is missed: the k rows
    /// found are truly within `d'k + e`, so the true k-th distance is too, and a true top-k row
    /// measures at most `e` more on its bf16 row, `d'k + 2e`. Without `full`, the bf16 distances.
    fn scan_bf16<K: Kernel>(&self, rows: &Bf16Store, q: &[f32], k: usize, filter: Option<Filter>, full: Option<FullVectors>) -> BinaryHeap<Cand> {
        let measure = Bf16Query::<K>::new(q, rows);
        let margin = 2.0 * rows.error_bound(K::METRIC, q);
        if !margin.is_finite() {
            // Values near f32::MAX: bf16 sums may overflow, so every row is measured in full.
            return self.scan_full(&measure, q, k, filter, full);
        }
        let (mut top, mut near) = self.scan_bf16_rows(&measure, k, filter, margin);
        let full = match full {
            Some(full) => full,
            None => return top,
        };
        let cut = top.peek().filter(|_| top.len() == k).map_or(f32::INFINITY, |worst| worst.dist + margin);
        near.retain(|c| !(c.dist > cut));
        // Nearest first, so the re-measuring can stop once a row's bf16 distance, less the bound,
        // passes the k-th exact distance so far: it and every later row are truly farther.
        near.sort_unstable();
        let slack = margin / 2.0;
        top.clear();
        let mut bound = f32::INFINITY;
        let mut v = vec![0f32; self.config.dim];
        for batch in near.chunks(RERANK_BATCH) {
            if batch[0].dist - slack > bound {
                break;
            }
            let ids: Vec<u32> = batch.iter().map(|c| c.id).collect();
            full.prefetch(&ids);
            for c in batch {
                let dist = self.full_distance(full, q, c.id, &mut v).unwrap_or(c.dist);
                offer(&mut top, k, &mut bound, Cand::new(dist, c.id));
            }
        }
        top
    }

    /// The bf16 pass of `scan_bf16`: the k best by bf16 distance, and every row within `margin` of
    /// the k-th best when it was measured (a superset of those within `margin` of the final k-th).
    fn scan_bf16_rows<K: Kernel>(&self, measure: &Bf16Query<K>, k: usize, filter: Option<Filter>, margin: f32) -> (BinaryHeap<Cand>, Vec<Cand>) {
        let mut top: BinaryHeap<Cand> = BinaryHeap::with_capacity(k + 1);
        let mut near: Vec<Cand> = Vec::new();
        let mut bound = f32::INFINITY;
        // Pruned when it doubles, so rows that all stay near (duplicates) cost O(n), not O(n^2).
        let mut prune_at = 4 * k + 1024;
        let mut keep = |top: &mut BinaryHeap<Cand>, near: &mut Vec<Cand>, bound: &mut f32, c: Cand| {
            offer(top, k, bound, c);
            if !(c.dist > *bound + margin) {
                near.push(c);
                if near.len() >= prune_at {
                    let cut = *bound + margin;
                    near.retain(|x| !(x.dist > cut));
                    prune_at = prune_at.max(2 * near.len());
                }
            }
        };
        let stride = measure.stride();
        if filter.is_none() && self.deleted_count == 0 {
            // Distances of a block first, then its selection (see `scan_top_dense`).
            let mut distances = [0f32; SCAN_BLOCK_ROWS];
            let mut id = 0u32;
            for chunk in measure.chunks() {
                for block in chunk.chunks(SCAN_BLOCK_ROWS * stride) {
                    let scored = &mut distances[..block.len() / stride];
                    measure.score_block(block, scored);
                    for group in scored.chunks(SELECT_GROUP) {
                        if top.len() == k && !any_below::<true>(group, bound + margin) {
                            id += group.len() as u32;
                            continue;
                        }
                        for &d in group {
                            keep(&mut top, &mut near, &mut bound, Cand::new(d, id));
                            id += 1;
                        }
                    }
                }
            }
        } else {
            for id in 0..self.len() as u32 {
                if !self.is_deleted(id) && filter.map_or(true, |f| f(id)) {
                    keep(&mut top, &mut near, &mut bound, Cand::new(measure.distance(id), id));
                }
            }
        }
        (top, near)
    }

    /// The scan's heap of the k best, compiled once per metric so the kernel inlines.
    fn scan_top<K: Kernel>(&self, rows: &Rows, q: &[f32], k: usize, filter: Option<Filter>) -> BinaryHeap<Cand> {
        if filter.is_none() && self.deleted_count == 0 {
            return self.scan_top_dense::<K>(rows, q, k);
        }
        let mut top: BinaryHeap<Cand> = BinaryHeap::with_capacity(k + 1);
        let check_deleted = self.deleted_count > 0;
        // The k-th best distance so far: most rows lose to it, and reading it from a local keeps
        // the loop's compare off the heap.
        let mut bound = f32::INFINITY;
        let mut id = 0u32;
        let dim = self.config.dim;
        // Chunk by chunk: a flattened iterator over the chunks cost the scan a tenth of its speed.
        for chunk in rows.chunks() {
            for v in chunk.chunks_exact(dim) {
                let this = id;
                id += 1;
                if (check_deleted && self.is_deleted(this)) || !filter.map_or(true, |f| f(this)) {
                    continue;
                }
                offer(&mut top, k, &mut bound, Cand::new(K::distance(q, v), this));
            }
        }
        top
    }

    /// `scan_top` when every row counts: distances of a block of rows first, by a loop with
    /// nothing else in it, then the block's selection. With the heap in the same loop, V8 spilled
    /// the kernel's registers on every row and the scan ran at 57% of the bare kernel's speed.
    fn scan_top_dense<K: Kernel>(&self, rows: &Rows, q: &[f32], k: usize) -> BinaryHeap<Cand> {
        let mut top: BinaryHeap<Cand> = BinaryHeap::with_capacity(k + 1);
        let mut bound = f32::INFINITY;
        let mut distances = [0f32; SCAN_BLOCK_ROWS];
        let mut id = 0u32;
        let dim = self.config.dim;
        for chunk in rows.chunks() {
            for block in chunk.chunks(SCAN_BLOCK_ROWS * dim) {
                let scored = &mut distances[..block.len() / dim];
                score_block::<K>(q, block, scored);
                for group in scored.chunks(SELECT_GROUP) {
                    // Once the heap is full, most groups hold no row that beats it.
                    if top.len() == k && !any_below::<false>(group, bound) {
                        id += group.len() as u32;
                        continue;
                    }
                    for &d in group {
                        offer(&mut top, k, &mut bound, Cand::new(d, id));
                        id += 1;
                    }
                }
            }
        }
        top
    }

    /// Estimated fraction of live ids `filter` keeps (1.0 on an empty index).
    pub fn estimate_filter_fraction(&self, filter: Filter) -> f64 {
        let n = self.len();
        let step = (n / FILTER_SAMPLE_SIZE).max(1);
        let (mut live, mut kept) = (0usize, 0usize);
        let mut id = step / 2;
        while id < n {
            if !self.is_deleted(id as u32) {
                live += 1;
                if filter(id as u32) {
                    kept += 1;
                }
            }
            id += step;
        }
        if live == 0 {
            1.0
        } else {
            kept as f64 / live as f64
        }
    }

    /// Whether an exact scan is cheaper than a walk at this match fraction (module doc).
    pub fn filter_prefers_exact(&self, fraction: f64, ef: usize) -> bool {
        let live = self.live_len() as f64;
        if fraction <= 0.0 {
            return true;
        }
        let per_match = match self.store {
            // A bf16 scan measures rows in place and re-reads only the few nearest.
            Store::F32(_) | Store::Bf16(_) => 1.0,
            Store::Int8(_) => FULL_VECTOR_READ_COST,
        };
        let scan = fraction * live * per_match + live / FILTER_CALLS_PER_DISTANCE;
        let walk = (GRAPH_COST_PER_EF * ef as f64 / fraction).min(live);
        scan < walk
    }

    /// The k best live ids, best first, as `(id, score)` (scores: `distance.rs`). A filter is
    /// applied inside the walk; a selective one is answered by an exact scan instead. Whenever k
    /// live ids pass the filter, k are returned: a walk that falls short is redone exactly.
    /// `ef: None` takes the config's `ef_search`. An int8 index re-ranks (and scans) with the
    /// full vectors `full` gives. Errors: `InvalidArgument` (query dimension, NaN/inf, zero under
    /// cosine; k or ef over its limit).
    pub fn search(&self, query: &[f32], k: usize, ef: Option<usize>, filter: Option<Filter>, full: Option<FullVectors>) -> Result<Vec<(u32, f32)>> {
        let ef = self.check_k_ef(k, ef)?;
        let q = self.prepare(query, "the query")?;
        if let Some(f) = filter {
            if self.filter_prefers_exact(self.estimate_filter_fraction(f), ef) {
                return Ok(self.scan(&q, k, filter, full));
            }
        }
        let found = self.walk(&q, k, ef, filter, full);
        if found.len() < k && found.len() < self.live_len() {
            // Short: the filter was rarer than sampled, or tombstones cut a region off.
            return Ok(self.scan(&q, k, filter, full));
        }
        Ok(found)
    }
}
