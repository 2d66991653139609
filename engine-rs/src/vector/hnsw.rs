//! The HNSW index: construction and graph search (Malkov & Yashunin; hnswlib's `HierarchicalNSW`).
//!
//! Ids are dense u32s in insert order. Vectors live in `store.rs` (f32 rows, unit length for
//! cosine, or int8 codes alone); neighbours in `graph.rs`. Deletes are tombstones (`maintain.rs`),
//! brute force and the filter planner are in `exact.rs`, the file format in `persist.rs`.

use std::cell::RefCell;

use super::config::{HnswConfig, Quantization, AUTO_F32_ROW_BYTES_MAX, HNSW_EF_MAX, HNSW_LEVEL_MAX, HNSW_NODES_MAX, SEARCH_K_MAX};
use super::distance::{normalize, CosineKernel, DotKernel, Kernel, L2Kernel, Metric};
use super::graph::{Graph, NONE};
use super::heap::Cand;
use super::measure::{F32Rows, Measure};
use crate::cache_hint::touch_slice;
use super::bf16::{Bf16Query, Bf16Store};
use super::quant::{Int8Query, Int8Store};
use super::rng::Rng;
use super::rows::{first_non_finite, Rows};
use super::search::{greedy_closest, search_layer};
use super::select::select_neighbours;
use super::store::{load_prepared, FullVectors, Store};
use super::visited::Visited;
use crate::error::{Error, ErrorCode, Result};

/// A search filter: true keeps the id. Evaluated inside the graph walk.
pub type Filter<'a> = &'a dyn Fn(u32) -> bool;

#[derive(Debug)]
pub struct Hnsw {
    pub(super) config: HnswConfig,
    pub(super) store: Store,
    pub(super) graph: Graph,
    /// Tombstones, one bit per id.
    pub(super) deleted: Vec<u64>,
    pub(super) deleted_count: usize,
    pub(super) rng: Rng,
    /// Reused by searches; a filter that searches this index again gets a fresh one.
    visited: RefCell<Visited>,
    /// Loaded without its live f32 rows (a version 3 file): no search or insert until
    /// `restore_rows` (`persist.rs`).
    pub(super) rows_missing: bool,
}

/// int8 walks re-rank this many candidates per result asked for (at least `RERANK_MIN`).
const RERANK_PER_RESULT: usize = 3;
const RERANK_MIN: usize = 30;
/// bf16 distances are within about 0.4% of the exact ones: half again as many as asked suffice.
const BF16_RERANK_MIN: usize = 12;

impl Hnsw {
    pub fn new(config: HnswConfig) -> Result<Hnsw> {
        config.validate()?;
        let store = match config.quantization {
            Quantization::None | Quantization::Auto => Store::F32(Rows::new(config.dim)),
            Quantization::Int8 => Store::Int8(Int8Store::new(config.dim)),
            Quantization::Bf16 => Store::Bf16(Bf16Store::new(config.dim)),
        };
        Ok(Hnsw {
            rng: Rng::new(config.seed),
            graph: Graph::new(config.m),
            store,
            config,
            deleted: Vec::new(),
            deleted_count: 0,
            visited: RefCell::new(Visited::default()),
            rows_missing: false,
        })
    }

    /// Assembles a loaded index (`persist.rs` has validated every part).
    pub(super) fn from_parts(config: HnswConfig, store: Store, graph: Graph, deleted: Vec<u64>, rng: Rng) -> Hnsw {
        let deleted_count = deleted.iter().map(|w| w.count_ones() as usize).sum();
        Hnsw { config, store, graph, deleted, deleted_count, rng, visited: RefCell::new(Visited::default()), rows_missing: false }
    }

    pub fn config(&self) -> &HnswConfig {
        &self.config
    }

    /// Ids ever assigned, deleted ones included.
    pub fn len(&self) -> usize {
        self.graph.len()
    }

    pub fn live_len(&self) -> usize {
        self.graph.len() - self.deleted_count
    }

    pub fn is_deleted(&self, id: u32) -> bool {
        (id as usize) < self.graph.len() && self.deleted[id as usize / 64] >> (id % 64) & 1 == 1
    }

    /// The stored vector of `id` (unit length for cosine), deleted ones included; None for an
    /// int8 index, which keeps no f32 copy.
    pub fn vector(&self, id: u32) -> Option<&[f32]> {
        match &self.store {
            Store::F32(rows) if (id as usize) < self.graph.len() => Some(rows.row(id)),
            _ => None,
        }
    }

    /// Checks dimension and values, and normalises for cosine. Errors: `InvalidArgument`.
    pub(super) fn prepare(&self, vector: &[f32], what: &str) -> Result<Vec<f32>> {
        // Every search and insert starts here: none may measure rows not restored yet.
        assert!(!self.rows_missing, "an index loaded without its rows was used before restore_rows");
        if vector.len() != self.config.dim {
            return Err(Error::invalid_argument(format!(
                "{} has dimension {}, the index expects {}",
                what,
                vector.len(),
                self.config.dim
            )));
        }
        if let Some(i) = first_non_finite(vector) {
            return Err(Error::invalid_argument(format!("{} has a NaN or infinite value at index {}", what, i)));
        }
        let mut v = vector.to_vec();
        if self.config.metric == Metric::Cosine && !normalize(&mut v) {
            return Err(Error::invalid_argument(format!(
                "{} is all zeros (or too large to normalise): cosine needs a direction",
                what
            )));
        }
        Ok(v)
    }

    /// Adds a vector and returns its id. Errors: `InvalidArgument` (dimension, NaN/inf, zero
    /// vector under cosine; nothing is inserted), `LimitExceeded` when the id space is full.
    pub fn insert(&mut self, vector: &[f32]) -> Result<u32> {
        let v = self.prepare(vector, "the vector")?;
        if self.graph.len() >= HNSW_NODES_MAX {
            return Err(Error::new(ErrorCode::LimitExceeded, "the vector index is full: split the collection"));
        }
        let level = self.random_level();
        let id = self.graph.add_node(level);
        self.store.push(&v);
        if self.deleted.len() * 64 < self.graph.len() {
            self.deleted.push(0);
        }
        if self.graph.entry() != id {
            self.link(id, level, &v);
        }
        self.settle_auto_rows();
        Ok(id)
    }

    /// An `Auto` index whose f32 rows have outgrown `AUTO_F32_ROW_BYTES_MAX` turns them into bf16
    /// rows, once: the same rows a bf16 index would hold (both round the prepared vectors).
    pub(super) fn settle_auto_rows(&mut self) {
        if self.config.quantization != Quantization::Auto {
            return;
        }
        if let Store::F32(rows) = &self.store {
            if rows.len() * rows.dim() * 4 > AUTO_F32_ROW_BYTES_MAX {
                self.store = Store::Bf16(Bf16Store::of_rows(rows));
            }
        }
    }

    /// hnswlib's level draw: `floor(-ln(U) / ln(m))`, capped.
    fn random_level(&mut self) -> usize {
        let ml = 1.0 / (self.config.m as f64).ln();
        let level = (-self.rng.unit_open().ln() * ml) as usize;
        level.min(HNSW_LEVEL_MAX)
    }

    /// Connects new node `id` (vector `v`) on its layers, from the top down.
    fn link(&mut self, id: u32, level: usize, v: &[f32]) {
        let mut visited = self.visited.replace(Visited::default());
        let metric = self.config.metric;
        let (config, graph) = (&self.config, &mut self.graph);
        match &self.store {
            Store::F32(rows) => match metric {
                Metric::Cosine => link_f32::<CosineKernel>(graph, &mut visited, config, id, level, v, rows),
                Metric::L2 => link_f32::<L2Kernel>(graph, &mut visited, config, id, level, v, rows),
                Metric::Dot => link_f32::<DotKernel>(graph, &mut visited, config, id, level, v, rows),
            },
            Store::Int8(codes) => {
                let measure = Int8Query::new(codes, metric, v);
                let pair = |a: u32, b: u32| codes.pair_distance(metric, a, b);
                link_using(graph, &mut visited, config, id, level, &measure, &pair);
            }
            Store::Bf16(rows) => match metric {
                Metric::Cosine => link_bf16::<CosineKernel>(graph, &mut visited, config, id, level, v, rows),
                Metric::L2 => link_bf16::<L2Kernel>(graph, &mut visited, config, id, level, v, rows),
                Metric::Dot => link_bf16::<DotKernel>(graph, &mut visited, config, id, level, v, rows),
            },
        }
        self.visited.replace(visited);
    }

    /// Adds the back link `from -> to`; a full list is re-selected with the heuristic.
    pub(super) fn add_link(&mut self, from: u32, to: u32, level: usize) {
        let metric = self.config.metric;
        let store = &self.store;
        add_link_using(&mut self.graph, &self.config, from, to, level, &|a: u32, b: u32| store.distance(metric, a, b));
    }

    /// Checks k and ef and returns the effective ef (at least k).
    pub(super) fn check_k_ef(&self, k: usize, ef: Option<usize>) -> Result<usize> {
        if k > SEARCH_K_MAX {
            return Err(Error::invalid_argument(format!("k = {} is over the limit of {}", k, SEARCH_K_MAX)));
        }
        let ef = ef.unwrap_or(self.config.ef_search);
        if ef == 0 || ef > HNSW_EF_MAX {
            return Err(Error::invalid_argument(format!("ef = {} is out of range: use 1 to {}", ef, HNSW_EF_MAX)));
        }
        Ok(ef.max(k))
    }

    /// The k best live ids by graph walk, best first, as `(id, score)`; ignores the exact-scan
    /// planner (`search` is the usual entry). `ef: None` takes the config's `ef_search`.
    pub fn search_graph(&self, query: &[f32], k: usize, ef: Option<usize>, filter: Option<Filter>, full: Option<FullVectors>) -> Result<Vec<(u32, f32)>> {
        let ef = self.check_k_ef(k, ef)?;
        let q = self.prepare(query, "the query")?;
        Ok(self.walk(&q, k, ef, filter, full))
    }

    /// Re-measures int8 or bf16 candidates with their full vectors, best first. A candidate whose full
    /// vector `full` lacks keeps its code distance (never dropped).
    fn rerank(&self, q: &[f32], found: &mut Vec<Cand>, full: FullVectors) {
        let metric = self.config.metric;
        let ids: Vec<u32> = found.iter().map(|c| c.id).collect();
        full.prefetch(&ids);
        let rows: Vec<Option<&[u8]>> = ids.iter().map(|&id| full.vector(id)).collect();
        // Every row starts loading before any is measured, so their cache misses overlap.
        for row in rows.iter().flatten() {
            touch_slice(row);
        }
        let mut v = vec![0f32; self.config.dim];
        for (c, row) in found.iter_mut().zip(&rows) {
            debug_assert!(row.map_or(false, |r| r.len() == v.len() * 4), "the caller lacks the full vector of live node {}", c.id);
            if matches!(row, Some(bytes) if load_prepared(bytes, metric, &mut v)) {
                c.dist = metric.distance(q, &v);
            }
        }
        found.sort_unstable();
    }

    /// Graph search of a prepared query; an int8 or bf16 index re-ranks with `full` (its own
    /// approximate distances without it).
    pub(super) fn walk(&self, q: &[f32], k: usize, ef: usize, filter: Option<Filter>, full: Option<FullVectors>) -> Vec<(u32, f32)> {
        let entry = self.graph.entry();
        if k == 0 || entry == NONE {
            return Vec::new();
        }
        let mut fresh = Visited::default();
        let mut pooled = self.visited.try_borrow_mut();
        let visited = match pooled {
            Ok(ref mut v) => &mut **v,
            Err(_) => &mut fresh,
        };
        let filtered = filter.is_some() || self.deleted_count > 0;
        let accept = |id: u32| !self.is_deleted(id) && filter.map_or(true, |f| f(id));
        let metric = self.config.metric;
        let mut found = match &self.store {
            Store::F32(rows) => match metric {
                Metric::Cosine => self.walk_f32::<CosineKernel, _>(rows, q, visited, ef, &accept, filtered),
                Metric::L2 => self.walk_f32::<L2Kernel, _>(rows, q, visited, ef, &accept, filtered),
                Metric::Dot => self.walk_f32::<DotKernel, _>(rows, q, visited, ef, &accept, filtered),
            },
            Store::Int8(codes) => {
                let measure = Int8Query::new(codes, metric, q);
                self.descend_and_walk(visited, ef, &measure, &accept, filtered)
            }
            Store::Bf16(rows) => match metric {
                Metric::Cosine => self.descend_and_walk(visited, ef, &Bf16Query::<CosineKernel>::new(q, rows), &accept, filtered),
                Metric::L2 => self.descend_and_walk(visited, ef, &Bf16Query::<L2Kernel>::new(q, rows), &accept, filtered),
                Metric::Dot => self.descend_and_walk(visited, ef, &Bf16Query::<DotKernel>::new(q, rows), &accept, filtered),
            },
        };
        if !self.store.is_exact() {
            // Only the best few per result are re-ranked: a true top-k row is hardly ever ranked
            // past them by its approximate distance (recall@10 unchanged at 100k x 128-d, ef 32
            // and 64), and each full vector is a record read.
            let keep = match self.store {
                Store::Bf16(_) => k.saturating_add(k / 2).max(BF16_RERANK_MIN),
                _ => k.saturating_mul(RERANK_PER_RESULT).max(RERANK_MIN),
            };
            found.truncate(keep);
            if let Some(full) = full {
                self.rerank(q, &mut found, full);
            }
        }
        found.truncate(k);
        found.into_iter().map(|c| (c.id, metric.score(c.dist))).collect()
    }

    /// The f32 walk, compiled once per metric so the kernel inlines into it.
    fn walk_f32<K: Kernel, A: Fn(u32) -> bool>(&self, rows: &Rows, q: &[f32], visited: &mut Visited, ef: usize, accept: &A, filtered: bool) -> Vec<Cand> {
        let measure = F32Rows::<K>::new(q, rows);
        self.descend_and_walk(visited, ef, &measure, accept, filtered)
    }

    pub(super) fn descend_and_walk<M, A>(&self, visited: &mut Visited, ef: usize, measure: &M, accept: &A, filtered: bool) -> Vec<Cand>
    where
        M: Measure,
        A: Fn(u32) -> bool,
    {
        let entry = self.graph.entry();
        let mut cur = Cand::new(measure.distance(entry), entry);
        for l in (1..=self.graph.max_level()).rev() {
            cur = greedy_closest(&self.graph, cur, l, measure);
        }
        search_layer(&self.graph, visited, cur, ef, 0, measure, accept, filtered)
    }
}

/// `link_using` with f32 rows and kernel `K`, compiled once per metric so the kernel inlines into
/// the construction walk.
fn link_f32<K: Kernel>(graph: &mut Graph, visited: &mut Visited, config: &HnswConfig, id: u32, level: usize, v: &[f32], rows: &Rows) {
    let measure = F32Rows::<K>::new(v, rows);
    let pair = |a: u32, b: u32| K::distance(rows.row(a), rows.row(b));
    link_using(graph, visited, config, id, level, &measure, &pair);
}

/// `link_using` with bf16 rows, compiled once per metric like `link_f32`.
fn link_bf16<K: Kernel>(graph: &mut Graph, visited: &mut Visited, config: &HnswConfig, id: u32, level: usize, v: &[f32], rows: &Bf16Store) {
    let measure = Bf16Query::<K>::new(v, rows);
    let pair = |a: u32, b: u32| rows.pair_distance(K::METRIC, a, b);
    link_using(graph, visited, config, id, level, &measure, &pair);
}

/// Connects new node `id` on its layers, from the top down: `measure` gives distances from its
/// vector, `pair` between stored nodes.
fn link_using<M, P>(graph: &mut Graph, visited: &mut Visited, config: &HnswConfig, id: u32, level: usize, measure: &M, pair: &P)
where
    M: Measure,
    P: Fn(u32, u32) -> f32,
{
    let (m, ef) = (config.m, config.ef_construction);
    let top = graph.max_level();
    let entry = graph.entry();
    let mut cur = Cand::new(measure.distance(entry), entry);
    for l in (level + 1..=top).rev() {
        cur = greedy_closest(graph, cur, l, measure);
    }
    for l in (0..=level.min(top)).rev() {
        let found = search_layer(graph, visited, cur, ef, l, measure, &|_| true, false);
        let chosen = select_neighbours(&found, m, pair);
        graph.set_neighbours(id, l, &chosen);
        for &nb in &chosen {
            add_link_using(graph, config, nb, id, l, pair);
        }
        cur = found[0];
    }
    if level > top {
        graph.set_entry(id);
    }
}

/// Adds the back link `from -> to`; a full list is re-selected with the heuristic.
fn add_link_using<P: Fn(u32, u32) -> f32>(graph: &mut Graph, config: &HnswConfig, from: u32, to: u32, level: usize, pair: &P) {
    if graph.push_neighbour(from, level, to) {
        return;
    }
    let mut cands: Vec<Cand> =
        graph.neighbours(from, level).iter().chain(std::iter::once(&to)).map(|&x| Cand::new(pair(from, x), x)).collect();
    cands.sort_unstable();
    let chosen = select_neighbours(&cands, config.capacity(level), pair);
    graph.set_neighbours(from, level, &chosen);
}
