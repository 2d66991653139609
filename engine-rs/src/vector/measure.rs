//! What a graph walk measures nodes with: the distance from the query to a node, and a hint to
//! start loading a node's data before it is measured.
//!
//! A walk at 100k vectors is bound by memory latency: profiles showed half its time stalled on
//! the first load of each neighbour's row. `prefetch` touches every cache line of the row
//! (`cache_hint.rs`); issued for all fresh neighbours before any distance, the misses overlap
//! instead of following one another (+33% QPS at 100k x 128-d).

use std::marker::PhantomData;

use super::distance::Kernel;
use super::rows::Rows;

pub use crate::cache_hint::touch_lines;

pub trait Measure {
    /// Distance from the query to node `id` (smaller is nearer).
    fn distance(&self, id: u32) -> f32;
    /// Starts loading what `distance(id)` will read. Only a hint.
    #[inline(always)]
    fn prefetch(&self, _id: u32) {}
}

/// A closure as a measure, without prefetch (maintenance walks and tests).
pub struct ByFn<F>(pub F);

impl<F: Fn(u32) -> f32> Measure for ByFn<F> {
    #[inline(always)]
    fn distance(&self, id: u32) -> f32 {
        (self.0)(id)
    }
}

/// The query against the index's f32 rows with kernel `K` (inlined: one walk is compiled per metric).
pub struct F32Rows<'a, K> {
    query: &'a [f32],
    rows: &'a Rows,
    kernel: PhantomData<K>,
}

impl<'a, K: Kernel> F32Rows<'a, K> {
    /// The walk asks only for graph ids, which are below `rows.len()` (checked at insert and load).
    pub fn new(query: &'a [f32], rows: &'a Rows) -> F32Rows<'a, K> {
        debug_assert!(query.len() == rows.dim());
        F32Rows { query, rows, kernel: PhantomData }
    }

    #[inline(always)]
    fn row_ptr(&self, id: u32) -> *const f32 {
        debug_assert!((id as usize) < self.rows.len());
        // SAFETY: graph ids are < the row count (see `new`).
        unsafe { self.rows.row_ptr(id) }
    }
}

impl<'a, K: Kernel> Measure for F32Rows<'a, K> {
    #[inline(always)]
    fn distance(&self, id: u32) -> f32 {
        // SAFETY: see `row_ptr`.
        let row = unsafe { std::slice::from_raw_parts(self.row_ptr(id), self.rows.dim()) };
        K::distance(self.query, row)
    }

    #[inline(always)]
    fn prefetch(&self, id: u32) {
        // SAFETY: see `row_ptr`.
        unsafe { touch_lines(self.row_ptr(id) as *const u8, self.rows.dim() * 4) }
    }
}
