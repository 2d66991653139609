//! Where an index keeps its vectors: f32 rows; bf16 rows (`bf16.rs`: `quantization: bf16`, and
//! `auto` past its size limit); or, with `quantization: int8`, the int8 codes alone. A bf16 or
//! int8 index holds no f32 copy: it builds and walks on its own rows, and the caller hands it the
//! full vectors of the best candidates to re-rank (`FullVectors`), read from where the caller
//! keeps them anyway (the engine: the document records). So int8 costs about a quarter of the f32
//! rows' memory (16 + dim bytes a row against 4 * dim), bf16 half. (On disk f32 and bf16 indexes
//! save no live rows at all: the engine restores them from the records, `persist.rs`.)

use super::distance::{normalize, Metric};
use super::bf16::Bf16Store;
use super::quant::Int8Store;
use super::rows::Rows;

/// Where an int8 index reads full vectors from (the engine: its document records).
/// A closure `Fn(u32) -> Option<&[u8]>` is one, without prefetch.
pub trait FullSource<'a> {
    /// The full vector of node `id` as the caller keeps it: `dim` little-endian f32s, as
    /// inserted (not normalised); None when the caller does not have it. Borrowed, not copied,
    /// so a re-rank can start loading every candidate's bytes before it measures any.
    fn vector(&self, id: u32) -> Option<&'a [u8]>;

    /// Starts loading what `vector` will read for each of `ids` (a hint, before a batch).
    fn prefetch(&self, _ids: &[u32]) {}
}

impl<'a, F: Fn(u32) -> Option<&'a [u8]>> FullSource<'a> for F {
    fn vector(&self, id: u32) -> Option<&'a [u8]> {
        self(id)
    }
}

pub type FullVectors<'a> = &'a dyn FullSource<'a>;

#[derive(Clone, Debug)]
pub enum Store {
    F32(Rows),
    Int8(Int8Store),
    Bf16(Bf16Store),
}

impl Store {
    /// Whether the store holds the exact f32 vectors (else the walk re-ranks with the caller's).
    pub fn is_exact(&self) -> bool {
        matches!(self, Store::F32(_))
    }

    pub fn len(&self) -> usize {
        match self {
            Store::F32(rows) => rows.len(),
            Store::Int8(codes) => codes.len(),
            Store::Bf16(rows) => rows.len(),
        }
    }

    /// Appends a prepared vector (unit length for cosine).
    pub fn push(&mut self, v: &[f32]) {
        match self {
            Store::F32(rows) => rows.push(v),
            Store::Int8(codes) => codes.push(v),
            Store::Bf16(rows) => rows.push(v),
        }
    }

    /// The distance between stored nodes `a` and `b` (approximate for int8). Dispatches on every
    /// call: for maintenance, not for the walks.
    pub fn distance(&self, metric: Metric, a: u32, b: u32) -> f32 {
        match self {
            Store::F32(rows) => metric.distance(rows.row(a), rows.row(b)),
            Store::Int8(codes) => codes.pair_distance(metric, a, b),
            Store::Bf16(rows) => rows.pair_distance(metric, a, b),
        }
    }

    /// Reorders the rows in place: new row `i` is old row `order[i]` (a permutation).
    pub fn permute(&mut self, order: &[u32]) {
        match self {
            Store::F32(rows) => rows.permute(order),
            Store::Int8(codes) => codes.permute(order),
            Store::Bf16(rows) => rows.permute(order),
        }
    }

    /// Keeps the rows of the ids `keep` accepts, in id order, in place: a copy would stay as wasm
    /// memory's high-water mark.
    pub fn retain(&mut self, keep: impl Fn(u32) -> bool) {
        match self {
            Store::F32(rows) => rows.retain_in_place(keep),
            Store::Int8(codes) => codes.retain_in_place(keep),
            Store::Bf16(rows) => rows.retain_in_place(keep),
        }
    }
}

/// Fetches node `id`'s full vector into `out` and prepares it as an insert would have (unit
/// length for cosine): false when `full` lacks it.
pub fn fetch_prepared(full: FullVectors, metric: Metric, id: u32, out: &mut [f32]) -> bool {
    full.vector(id).map_or(false, |bytes| load_prepared(bytes, metric, out))
}

/// Reads little-endian f32 `bytes` into `out` and prepares them as an insert would have: false
/// when the length is not `out`'s.
pub fn load_prepared(bytes: &[u8], metric: Metric, out: &mut [f32]) -> bool {
    if bytes.len() != out.len() * 4 {
        return false;
    }
    if cfg!(target_endian = "little") {
        // SAFETY: `out` holds exactly `bytes.len()` bytes and every bit pattern is an f32.
        unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), out.as_mut_ptr() as *mut u8, bytes.len()) };
    } else {
        for (slot, b) in out.iter_mut().zip(bytes.chunks_exact(4)) {
            *slot = f32::from_le_bytes([b[0], b[1], b[2], b[3]]);
        }
    }
    metric != Metric::Cosine || normalize(out)
}
