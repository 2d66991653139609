//! Where an index keeps its vectors: f32 rows (the default), or, with `quantization: int8`, the
//! int8 codes alone. An int8 index holds no f32 copy: it builds and walks on the codes, and the
//! caller hands it the full vectors of the best candidates to re-rank (`FullVectors`), read from
//! where the caller keeps them anyway (the engine: the document records). So int8 costs about a
//! quarter of the f32 rows' memory (16 + dim bytes a row against 4 * dim), and its index file
//! shrinks as much.

use super::distance::{normalize, Metric};
use super::quant::Int8Store;
use super::rows::Rows;

/// Writes the full vector of node `id` into `out` (`dim` long), as it was inserted (not
/// normalised). Returns false when the caller does not have it.
pub type FullVectors<'a> = &'a dyn Fn(u32, &mut [f32]) -> bool;

#[derive(Clone, Debug)]
pub enum Store {
    F32(Rows),
    Int8(Int8Store),
}

impl Store {
    pub fn len(&self) -> usize {
        match self {
            Store::F32(rows) => rows.len(),
            Store::Int8(codes) => codes.len(),
        }
    }

    /// Appends a prepared vector (unit length for cosine).
    pub fn push(&mut self, v: &[f32]) {
        match self {
            Store::F32(rows) => rows.push(v),
            Store::Int8(codes) => codes.push(v),
        }
    }

    /// The distance between stored nodes `a` and `b` (approximate for int8). Dispatches on every
    /// call: for maintenance, not for the walks.
    pub fn distance(&self, metric: Metric, a: u32, b: u32) -> f32 {
        match self {
            Store::F32(rows) => metric.distance(rows.row(a), rows.row(b)),
            Store::Int8(codes) => codes.pair_distance(metric, a, b),
        }
    }

    /// The rows of the ids `keep` accepts, in id order.
    pub fn retain(&self, keep: impl Fn(u32) -> bool) -> Store {
        let ids = (0..self.len() as u32).filter(|&id| keep(id));
        match self {
            Store::F32(rows) => {
                let mut out = Rows::new(rows.dim());
                ids.for_each(|id| out.push(rows.row(id)));
                Store::F32(out)
            }
            Store::Int8(codes) => {
                let mut out = Int8Store::new(codes.dim());
                ids.for_each(|id| out.push_row_of(codes, id));
                Store::Int8(out)
            }
        }
    }
}

/// Fetches node `id`'s full vector into `out` and prepares it as an insert would have (unit
/// length for cosine): false when `full` lacks it.
pub fn fetch_prepared(full: FullVectors, metric: Metric, id: u32, out: &mut [f32]) -> bool {
    full(id, out) && (metric != Metric::Cosine || normalize(out))
}
