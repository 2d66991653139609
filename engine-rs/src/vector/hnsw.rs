//! The HNSW index: construction and graph search (Malkov & Yashunin; hnswlib's `HierarchicalNSW`).
//!
//! Ids are dense u32s in insert order. Vectors live in one contiguous `Vec<f32>` (`dim` floats per
//! id, unit length for cosine); neighbours in `graph.rs`. Deletes are tombstones (`maintain.rs`),
//! brute force and the filter planner are in `exact.rs`, the file format in `persist.rs`.

use std::cell::RefCell;

use super::config::{HnswConfig, Quantization, HNSW_EF_MAX, HNSW_LEVEL_MAX, HNSW_NODES_MAX, SEARCH_K_MAX};
use super::distance::{normalize, CosineKernel, DotKernel, Kernel, L2Kernel, Metric};
use super::graph::{Graph, NONE};
use super::heap::Cand;
use super::measure::{touch_lines, F32Rows, Measure};
use super::quant::{Int8Query, Int8Store};
use super::rng::Rng;
use super::rows::{first_non_finite, Rows};
use super::search::{greedy_closest, search_layer};
use super::select::select_neighbours;
use super::visited::Visited;
use crate::error::{Error, ErrorCode, Result};

/// A search filter: true keeps the id. Evaluated inside the graph walk.
pub type Filter<'a> = &'a dyn Fn(u32) -> bool;

#[derive(Debug)]
pub struct Hnsw {
    pub(super) config: HnswConfig,
    pub(super) vectors: Rows,
    pub(super) graph: Graph,
    /// Tombstones, one bit per id.
    pub(super) deleted: Vec<u64>,
    pub(super) deleted_count: usize,
    pub(super) rng: Rng,
    pub(super) int8: Option<Int8Store>,
    /// Reused by searches; a filter that searches this index again gets a fresh one.
    visited: RefCell<Visited>,
}

/// int8 walks re-rank this many candidates per result asked for (at least `RERANK_MIN`).
const RERANK_PER_RESULT: usize = 3;
const RERANK_MIN: usize = 30;

impl Hnsw {
    pub fn new(config: HnswConfig) -> Result<Hnsw> {
        config.validate()?;
        let int8 = match config.quantization {
            Quantization::None => None,
            Quantization::Int8 => Some(Int8Store::new(config.dim)),
        };
        Ok(Hnsw {
            rng: Rng::new(config.seed),
            graph: Graph::new(config.m),
            vectors: Rows::new(config.dim),
            config,
            deleted: Vec::new(),
            deleted_count: 0,
            int8,
            visited: RefCell::new(Visited::default()),
        })
    }

    /// Assembles a loaded index (`persist.rs` has validated every part).
    pub(super) fn from_parts(config: HnswConfig, vectors: Rows, graph: Graph, deleted: Vec<u64>, rng: Rng) -> Hnsw {
        // Codes are derived data: recomputing them costs one pass over the vectors.
        let int8 = match config.quantization {
            Quantization::None => None,
            Quantization::Int8 => Some(Int8Store::of_rows(&vectors)),
        };
        let deleted_count = deleted.iter().map(|w| w.count_ones() as usize).sum();
        Hnsw { config, vectors, graph, deleted, deleted_count, rng, int8, visited: RefCell::new(Visited::default()) }
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

    /// The stored vector of `id` (unit length for cosine), deleted ones included.
    pub fn vector(&self, id: u32) -> Option<&[f32]> {
        if (id as usize) < self.graph.len() {
            Some(self.vectors.row(id))
        } else {
            None
        }
    }

    /// Checks dimension and values, and normalises for cosine. Errors: `InvalidArgument`.
    pub(super) fn prepare(&self, vector: &[f32], what: &str) -> Result<Vec<f32>> {
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
        self.vectors.push(&v);
        if let Some(store) = &mut self.int8 {
            store.push(&v);
        }
        if self.deleted.len() * 64 < self.graph.len() {
            self.deleted.push(0);
        }
        if self.graph.entry() != id {
            self.link(id, level, &v);
        }
        Ok(id)
    }

    /// hnswlib's level draw: `floor(-ln(U) / ln(m))`, capped.
    fn random_level(&mut self) -> usize {
        let ml = 1.0 / (self.config.m as f64).ln();
        let level = (-self.rng.unit_open().ln() * ml) as usize;
        level.min(HNSW_LEVEL_MAX)
    }

    /// Connects new node `id` (vector `v`) on its layers, from the top down.
    fn link(&mut self, id: u32, level: usize, v: &[f32]) {
        match self.config.metric {
            Metric::Cosine => self.link_with::<CosineKernel>(id, level, v),
            Metric::L2 => self.link_with::<L2Kernel>(id, level, v),
            Metric::Dot => self.link_with::<DotKernel>(id, level, v),
        }
    }

    /// `link`, compiled once per metric so the kernel inlines into the construction walk.
    fn link_with<K: Kernel>(&mut self, id: u32, level: usize, v: &[f32]) {
        let (m, ef) = (self.config.m, self.config.ef_construction);
        let top = self.graph.max_level();
        let entry = self.graph.entry();
        let mut visited = self.visited.replace(Visited::default());
        let mut cur = {
            let measure = F32Rows::<K>::new(v, &self.vectors);
            let mut cur = Cand::new(measure.distance(entry), entry);
            for l in (level + 1..=top).rev() {
                cur = greedy_closest(&self.graph, cur, l, &measure);
            }
            cur
        };
        for l in (0..=level.min(top)).rev() {
            let found = {
                let measure = F32Rows::<K>::new(v, &self.vectors);
                search_layer(&self.graph, &mut visited, cur, ef, l, &measure, &|_| true, false)
            };
            let chosen = {
                let vectors = &self.vectors;
                let pair = |a: u32, b: u32| K::distance(vectors.row(a), vectors.row(b));
                select_neighbours(&found, m, &pair)
            };
            self.graph.set_neighbours(id, l, &chosen);
            for &nb in &chosen {
                self.add_link_with::<K>(nb, id, l);
            }
            cur = found[0];
        }
        self.visited.replace(visited);
        if level > top {
            self.graph.set_entry(id);
        }
    }

    /// Adds the back link `from -> to`; a full list is re-selected with the heuristic.
    pub(super) fn add_link(&mut self, from: u32, to: u32, level: usize) {
        match self.config.metric {
            Metric::Cosine => self.add_link_with::<CosineKernel>(from, to, level),
            Metric::L2 => self.add_link_with::<L2Kernel>(from, to, level),
            Metric::Dot => self.add_link_with::<DotKernel>(from, to, level),
        }
    }

    fn add_link_with<K: Kernel>(&mut self, from: u32, to: u32, level: usize) {
        if self.graph.push_neighbour(from, level, to) {
            return;
        }
        let vectors = &self.vectors;
        let base = vectors.row(from);
        let mut cands: Vec<Cand> = self.graph.neighbours(from, level).iter().chain(std::iter::once(&to))
            .map(|&x| Cand::new(K::distance(base, vectors.row(x)), x))
            .collect();
        cands.sort_unstable();
        let pair = |a: u32, b: u32| K::distance(vectors.row(a), vectors.row(b));
        let chosen = select_neighbours(&cands, self.config.capacity(level), &pair);
        self.graph.set_neighbours(from, level, &chosen);
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
    pub fn search_graph(&self, query: &[f32], k: usize, ef: Option<usize>, filter: Option<Filter>) -> Result<Vec<(u32, f32)>> {
        let ef = self.check_k_ef(k, ef)?;
        let q = self.prepare(query, "the query")?;
        Ok(self.walk(&q, k, ef, filter))
    }

    /// Graph search of a prepared query.
    pub(super) fn walk(&self, q: &[f32], k: usize, ef: usize, filter: Option<Filter>) -> Vec<(u32, f32)> {
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
        let mut found = match &self.int8 {
            None => match metric {
                Metric::Cosine => self.walk_f32::<CosineKernel, _>(q, visited, ef, &accept, filtered),
                Metric::L2 => self.walk_f32::<L2Kernel, _>(q, visited, ef, &accept, filtered),
                Metric::Dot => self.walk_f32::<DotKernel, _>(q, visited, ef, &accept, filtered),
            },
            Some(store) => {
                let measure = Int8Query::new(store, metric, q);
                let mut found = self.descend_and_walk(visited, ef, &measure, &accept, filtered);
                // Re-rank the walk's best candidates with the f32 vectors, all loading at once.
                // Only the best few per result: a true top-k row is hardly ever ranked past them
                // by its codes (recall@10 unchanged at 100k x 128-d, ef 32 and 64), and each full
                // row is a dozen cache misses.
                found.truncate(k.saturating_mul(RERANK_PER_RESULT).max(RERANK_MIN));
                for c in &found {
                    // SAFETY: walk results are graph ids, below the row count.
                    unsafe { touch_lines(self.vectors.row_ptr(c.id) as *const u8, self.config.dim * 4) }
                }
                for c in found.iter_mut() {
                    c.dist = metric.distance(q, self.vectors.row(c.id));
                }
                found.sort_unstable();
                found
            }
        };
        found.truncate(k);
        found.into_iter().map(|c| (c.id, metric.score(c.dist))).collect()
    }

    /// The f32 walk, compiled once per metric so the kernel inlines into it.
    fn walk_f32<K: Kernel, A: Fn(u32) -> bool>(&self, q: &[f32], visited: &mut Visited, ef: usize, accept: &A, filtered: bool) -> Vec<Cand> {
        let measure = F32Rows::<K>::new(q, &self.vectors);
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
