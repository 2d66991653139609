//! Walking one layer of the graph (hnswlib's `searchBaseLayerST`).
//!
//! `measure` gives a node's distance to the query (f32 or int8, the caller decides); `accept(id)`
//! says whether a node may be returned. Rejected nodes (tombstones, filtered out) are still
//! expanded, so they keep routing; while fewer than `ef` nodes are accepted the walk does not stop
//! at the distance bound, which is what lets a filtered search still fill its results.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::graph::Graph;
use super::heap::Cand;
use super::measure::Measure;
use super::pool::Pool;
use super::visited::Visited;

/// Largest ef walked with one sorted list (`pool.rs`): an insert moves up to ef entries, which
/// beyond this costs more than the heaps' log(ef) steps.
const POOL_EF_MAX: usize = 128;

/// Greedy descent on an upper layer: moves to the closest neighbour until none is closer.
pub fn greedy_closest<M: Measure>(graph: &Graph, mut cur: Cand, level: usize, measure: &M) -> Cand {
    loop {
        let mut moved = false;
        let neighbours = graph.neighbours(cur.id, level);
        for &nb in neighbours {
            measure.prefetch(nb);
        }
        for &nb in neighbours {
            let d = measure.distance(nb);
            if d < cur.dist {
                cur = Cand::new(d, nb);
                moved = true;
            }
        }
        if !moved {
            return cur;
        }
    }
}

/// The best `ef` accepted nodes reachable on `level` from `entry`, nearest first.
/// `filtered` tells whether `accept` can say no (tombstones or a filter): then the walk only stops
/// early once `ef` nodes are accepted.
#[allow(clippy::too_many_arguments)]
pub fn search_layer<M, A>(
    graph: &Graph,
    visited: &mut Visited,
    entry: Cand,
    ef: usize,
    level: usize,
    measure: &M,
    accept: &A,
    filtered: bool,
) -> Vec<Cand>
where
    M: Measure,
    A: Fn(u32) -> bool,
{
    visited.reset(graph.len());
    if !filtered && ef <= POOL_EF_MAX {
        return search_layer_unfiltered(graph, visited, entry, ef, level, measure);
    }
    let mut top: BinaryHeap<Cand> = BinaryHeap::with_capacity(ef + 1);
    let mut candidates: BinaryHeap<Reverse<Cand>> = BinaryHeap::with_capacity(ef * 2);
    let mut bound = f32::INFINITY;
    if accept(entry.id) {
        top.push(entry);
        bound = entry.dist;
    }
    candidates.push(Reverse(entry));
    visited.insert(entry.id);
    let mut fresh: Vec<u32> = Vec::with_capacity(graph.max_neighbours());

    while let Some(Reverse(c)) = candidates.pop() {
        if c.dist > bound && (top.len() >= ef || !filtered) {
            break;
        }
        // The likely next node to expand: start loading its neighbour list.
        if let Some(Reverse(next)) = candidates.peek() {
            graph.prefetch_neighbours(next.id, level);
        }
        unseen_neighbours(graph, visited, c.id, level, measure, &mut fresh);
        for &nb in &fresh {
            let d = measure.distance(nb);
            if top.len() < ef || d < bound {
                candidates.push(Reverse(Cand::new(d, nb)));
                if accept(nb) {
                    top.push(Cand::new(d, nb));
                    if top.len() > ef {
                        top.pop();
                    }
                }
                if let Some(worst) = top.peek() {
                    bound = worst.dist;
                }
            }
        }
    }
    top.into_sorted_vec()
}

/// `search_layer` when every node is accepted: one sorted candidate list (`pool.rs`) instead of
/// two heaps.
fn search_layer_unfiltered<M: Measure>(graph: &Graph, visited: &mut Visited, entry: Cand, ef: usize, level: usize, measure: &M) -> Vec<Cand> {
    let mut pool = Pool::new(ef);
    pool.insert(entry);
    visited.insert(entry.id);
    let mut fresh: Vec<u32> = Vec::with_capacity(graph.max_neighbours());
    while let Some(c) = pool.next() {
        if let Some(next) = pool.peek_after_cursor() {
            graph.prefetch_neighbours(next, level);
        }
        unseen_neighbours(graph, visited, c.id, level, measure, &mut fresh);
        for &nb in &fresh {
            let cand = Cand::new(measure.distance(nb), nb);
            if pool.admits(cand) {
                pool.insert(cand);
            }
        }
    }
    pool.into_sorted()
}

/// Replaces `fresh` with the neighbours of `id` not visited yet, marking them visited and
/// starting to load their vectors: all are prefetched before any is measured, so their cache
/// misses overlap (see `measure.rs`).
#[inline(always)]
fn unseen_neighbours<M: Measure>(graph: &Graph, visited: &mut Visited, id: u32, level: usize, measure: &M, fresh: &mut Vec<u32>) {
    fresh.clear();
    for &nb in graph.neighbours(id, level) {
        if visited.insert(nb) {
            measure.prefetch(nb);
            fresh.push(nb);
        }
    }
}
