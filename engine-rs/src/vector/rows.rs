//! The index's vectors: rows of `dim` values (f32, or bf16 bits) in chunks of about 1 MiB.
//!
//! One contiguous `Vec<f32>` grows by doubling: at 100k x 384-d its capacity reaches 268 MB for
//! 154 MB of rows, and each doubling leaves the old block behind as a hole in wasm memory, which
//! never shrinks. Chunks never move once full, so the slack is at most one chunk. A row is found
//! with a shift and a mask (chunks hold a power-of-two number of rows).
//!
//! Chunks start on a cache line (`Chunk`), so when a row is a whole number of lines (dim a
//! multiple of 16: 128, 384, 768...) it spans exactly that many: from the allocator's 8- or
//! 16-byte alignment, a 128-d row straddled 9 lines instead of 8, a ninth more misses per
//! distance in a walk bound by them.

/// Bytes of a full chunk (fewer rows per chunk for wide vectors, at least one).
const CHUNK_BYTES: usize = 1 << 20;
/// A chunk's first allocation, in rows: small collections stay small.
const FIRST_ROWS: usize = 16;

/// What a row holds: f32 values (the default), or the bits of bf16 values (`bf16.rs`).
pub trait RowValue: Copy + Default + std::fmt::Debug {}
impl RowValue for f32 {}
impl RowValue for u16 {}

#[derive(Clone, Debug)]
pub struct Rows<T: RowValue = f32> {
    dim: usize,
    /// log2 of the rows per chunk.
    shift: u32,
    chunks: Vec<Chunk<T>>,
    len: usize,
}

impl<T: RowValue> Rows<T> {
    pub fn new(dim: usize) -> Rows<T> {
        assert!(dim > 0, "rows have at least one value");
        let fit = (CHUNK_BYTES / (dim * size_of::<T>())).max(1);
        // The largest power of two not above `fit`.
        let shift = usize::BITS - 1 - fit.leading_zeros();
        Rows { dim, shift, chunks: Vec::new(), len: 0 }
    }

    pub fn dim(&self) -> usize {
        self.dim
    }

    pub fn len(&self) -> usize {
        self.len
    }

    fn chunk_values(&self) -> usize {
        (1usize << self.shift) * self.dim
    }

    /// Appends a row of `dim` values.
    pub fn push(&mut self, row: &[T]) {
        assert_eq!(row.len(), self.dim, "a row has dim values");
        let full = self.chunk_values();
        if self.chunks.last().map_or(true, |c| c.len() == full) {
            self.chunks.push(Chunk::with_capacity(full.min(FIRST_ROWS * self.dim)));
        }
        let last = self.chunks.last_mut().expect("a chunk was just ensured");
        if last.len() + self.dim > last.capacity() {
            // Doubling inside one chunk only: capped at the chunk's size.
            let want = full.min((last.capacity() * 2).max(last.len() + self.dim));
            last.reserve_exact(want - last.len());
        }
        last.extend_from_slice(row);
        self.len += 1;
    }

    /// `n` rows of zeros, each chunk allocated once at its size (rows to be written afterwards).
    pub fn zeroed(dim: usize, n: usize) -> Rows<T> {
        Rows::try_zeroed(dim, n).unwrap_or_else(|| panic!("memory for {} rows of {} values", n, dim))
    }

    /// `zeroed`, or None when memory cannot hold the rows: an index file sized by its node count
    /// (rows restored from documents) must not abort the engine when that count is more than
    /// memory holds, forged or not.
    pub fn try_zeroed(dim: usize, n: usize) -> Option<Rows<T>> {
        let mut rows = Rows::new(dim);
        let per_chunk = 1usize << rows.shift;
        while rows.len < n {
            let values = (n - rows.len).min(per_chunk) * dim;
            rows.chunks.push(Chunk::try_zeroed(values)?);
            rows.len += values / dim;
        }
        Some(rows)
    }

    /// Row `id` (panics when `id >= len`, like slice indexing).
    #[inline]
    pub fn row(&self, id: u32) -> &[T] {
        assert!((id as usize) < self.len, "row {} of {}", id, self.len);
        // SAFETY: checked just above.
        unsafe { std::slice::from_raw_parts(self.row_ptr(id), self.dim) }
    }

    /// Row `id`, to overwrite (panics when `id >= len`).
    pub fn row_mut(&mut self, id: u32) -> &mut [T] {
        let dim = self.dim;
        let p = self.row_ptr_mut(id as usize);
        // SAFETY: `row_ptr_mut` checked `id < len`; the row is `dim` values of a chunk we borrow
        // mutably.
        unsafe { std::slice::from_raw_parts_mut(p, dim) }
    }

    /// Start of row `id`, unchecked.
    ///
    /// # Safety
    /// `id < self.len()`.
    #[inline(always)]
    pub unsafe fn row_ptr(&self, id: u32) -> *const T {
        let id = id as usize;
        let chunk = self.chunks.get_unchecked(id >> self.shift);
        chunk.as_ptr().add((id & ((1usize << self.shift) - 1)) * self.dim)
    }

    /// Reorders the rows in place: new row `i` is old row `order[i]` (a permutation).
    pub fn permute(&mut self, order: &[u32]) {
        assert_eq!(order.len(), self.len, "a permutation of every row");
        let spare = vec![T::default(); self.dim];
        super::permute::permute_in_place(&mut RowMover { rows: self, spare }, order);
    }

    /// Keeps the rows `keep` accepts, in order, moving them down in place (no second copy of the
    /// vectors in wasm memory); emptied chunks are freed.
    pub fn retain_in_place(&mut self, keep: impl Fn(u32) -> bool) {
        let mut kept = 0usize;
        for id in 0..self.len {
            if !keep(id as u32) {
                continue;
            }
            if kept != id {
                self.copy_row(kept, id);
            }
            kept += 1;
        }
        self.len = kept;
        let per_chunk = 1usize << self.shift;
        let chunks = (kept + per_chunk - 1) / per_chunk;
        self.chunks.truncate(chunks);
        if let Some(last) = self.chunks.last_mut() {
            last.truncate((kept - (chunks - 1) * per_chunk) * self.dim);
        }
    }

    /// Copies row `from` over row `to` (`from != to`; they may sit in different chunks).
    fn copy_row(&mut self, to: usize, from: usize) {
        assert!(to != from, "a row copied over itself");
        let src = self.row_ptr_mut(from) as *const T;
        let dst = self.row_ptr_mut(to);
        // SAFETY: two distinct rows of `dim` values each, so the ranges do not overlap.
        unsafe { std::ptr::copy_nonoverlapping(src, dst, self.dim) };
    }

    fn row_ptr_mut(&mut self, id: usize) -> *mut T {
        assert!(id < self.len, "row {} of {}", id, self.len);
        let (shift, dim) = (self.shift, self.dim);
        let chunk = &mut self.chunks[id >> shift];
        // SAFETY: `id < len`, so its row lies inside its chunk.
        unsafe { chunk.as_mut_ptr().add((id & ((1usize << shift) - 1)) * dim) }
    }

    /// Every row, in id order.
    pub fn iter(&self) -> impl Iterator<Item = &[T]> + '_ {
        self.chunks.iter().flat_map(move |chunk| chunk.as_slice().chunks_exact(self.dim))
    }

    /// Every value, in id order, a chunk at a time.
    pub fn chunks(&self) -> impl Iterator<Item = &[T]> + '_ {
        self.chunks.iter().map(Chunk::as_slice)
    }
}

impl Rows<f32> {
    /// Reads `bytes` (little-endian f32s, whole rows). Errors when a value is NaN or infinite.
    pub fn from_le_bytes(dim: usize, bytes: &[u8]) -> Result<Rows, &'static str> {
        let mut rows = Rows::new(dim);
        let per_chunk = rows.chunk_values() * 4;
        for piece in bytes.chunks(per_chunk) {
            if piece.len() % (4 * dim) != 0 {
                return Err("the vectors do not fill whole rows");
            }
            let values = decode_le_f32s(piece);
            if first_non_finite(values.as_slice()).is_some() {
                return Err("a vector holds NaN or infinity");
            }
            rows.len += values.len() / dim;
            rows.chunks.push(values);
        }
        Ok(rows)
    }
}

impl Rows<u16> {
    /// Reads `bytes` (little-endian u16s, whole rows; any bits).
    pub fn from_le_u16_bytes(dim: usize, bytes: &[u8]) -> Result<Rows<u16>, &'static str> {
        if bytes.len() % (2 * dim) != 0 {
            return Err("the vectors do not fill whole rows");
        }
        let mut rows: Rows<u16> = Rows::zeroed(dim, bytes.len() / (2 * dim));
        let mut at = 0;
        for chunk in rows.chunks.iter_mut() {
            let n = chunk.len();
            let dst = chunk.as_mut_ptr();
            for (i, b) in bytes[at..at + 2 * n].chunks_exact(2).enumerate() {
                // SAFETY: `i < n`, the chunk's length.
                unsafe { dst.add(i).write(u16::from_le_bytes([b[0], b[1]])) };
            }
            at += 2 * n;
        }
        Ok(rows)
    }
}

/// Moves rows for `permute`: rows may sit in different chunks.
struct RowMover<'a, T: RowValue> {
    rows: &'a mut Rows<T>,
    spare: Vec<T>,
}

impl<'a, T: RowValue> super::permute::MoveRows for RowMover<'a, T> {
    fn save(&mut self, at: usize) {
        self.spare.copy_from_slice(self.rows.row(at as u32));
    }

    fn copy(&mut self, to: usize, from: usize) {
        self.rows.copy_row(to, from);
    }

    fn restore(&mut self, to: usize) {
        let dim = self.rows.dim;
        let dst = self.rows.row_ptr_mut(to);
        // SAFETY: row `to` holds `dim` values; `spare` is a separate buffer of `dim`.
        unsafe { std::ptr::copy_nonoverlapping(self.spare.as_ptr(), dst, dim) };
    }
}

/// `bytes` (a multiple of 4 long) as little-endian f32s: on little-endian hosts (wasm among
/// them) one copy, which runs as fast in every tier of the JIT.
fn decode_le_f32s(bytes: &[u8]) -> Chunk<f32> {
    let n = bytes.len() / 4;
    let mut values: Chunk<f32> = Chunk::with_capacity(n);
    if cfg!(target_endian = "little") {
        // SAFETY: the capacity holds n floats rounded up to whole lines; every bit pattern is an
        // f32; the rest of the last line is zeroed before the lines count as initialised.
        unsafe {
            let at = values.as_mut_ptr();
            std::ptr::copy_nonoverlapping(bytes.as_ptr(), at as *mut u8, 4 * n);
            std::ptr::write_bytes(at.add(n) as *mut u8, 0, lines_for::<f32>(n) * LINE_BYTES - 4 * n);
            values.set_len(n);
        }
    } else {
        let decoded: Vec<f32> = bytes.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect();
        values.extend_from_slice(&decoded);
    }
    values
}

/// One cache line: what a `Chunk` allocates in.
#[derive(Clone, Copy, Debug)]
#[repr(C, align(64))]
struct Line([u8; LINE_BYTES]);

impl Default for Line {
    fn default() -> Line {
        Line([0; LINE_BYTES])
    }
}

const LINE_BYTES: usize = 64;

use std::mem::size_of;

/// A chunk's values, starting on a cache line (a `Vec<T>` starts wherever the allocator says).
#[derive(Clone, Debug, Default)]
struct Chunk<T> {
    lines: Vec<Line>,
    /// Values in use (the last line may be partly used).
    len: usize,
    values: std::marker::PhantomData<T>,
}

impl<T: RowValue> Chunk<T> {
    fn with_capacity(values: usize) -> Chunk<T> {
        Chunk { lines: Vec::with_capacity(lines_for::<T>(values)), len: 0, values: std::marker::PhantomData }
    }

    fn try_zeroed(values: usize) -> Option<Chunk<T>> {
        let count = lines_for::<T>(values);
        let mut lines = Vec::new();
        lines.try_reserve_exact(count).ok()?;
        lines.resize(count, Line::default());
        Some(Chunk { lines, len: values, values: std::marker::PhantomData })
    }

    fn len(&self) -> usize {
        self.len
    }

    fn capacity(&self) -> usize {
        self.lines.capacity() * LINE_BYTES / size_of::<T>()
    }

    fn as_slice(&self) -> &[T] {
        // SAFETY: `len` values of initialised lines (zero bytes are a valid f32 and u16).
        unsafe { std::slice::from_raw_parts(self.as_ptr(), self.len) }
    }

    fn as_ptr(&self) -> *const T {
        self.lines.as_ptr() as *const T
    }

    fn as_mut_ptr(&mut self) -> *mut T {
        self.lines.as_mut_ptr() as *mut T
    }

    /// Room for `additional` more values, exactly.
    fn reserve_exact(&mut self, additional: usize) {
        let lines = lines_for::<T>(self.len + additional);
        self.lines.reserve_exact(lines.saturating_sub(self.lines.len()));
    }

    fn extend_from_slice(&mut self, values: &[T]) {
        let end = self.len + values.len();
        self.lines.resize(lines_for::<T>(end), Line::default());
        // SAFETY: the lines now hold `end` values; `values` is a separate buffer.
        unsafe { std::ptr::copy_nonoverlapping(values.as_ptr(), self.as_mut_ptr().add(self.len), values.len()) };
        self.len = end;
    }

    fn truncate(&mut self, values: usize) {
        self.len = self.len.min(values);
        self.lines.truncate(lines_for::<T>(self.len));
    }

    /// # Safety
    /// The capacity holds `values` values rounded up to whole lines, all written.
    unsafe fn set_len(&mut self, values: usize) {
        self.lines.set_len(lines_for::<T>(values));
        self.len = values;
    }
}

fn lines_for<T>(values: usize) -> usize {
    (values * size_of::<T>() + LINE_BYTES - 1) / LINE_BYTES
}

/// Where the first NaN or infinite value of `values` is. Out of line and called per chunk: a
/// loop inlined into the load, which runs once, stayed in V8's baseline code for the whole file
/// (a tenth of opening 100k x 384-d); a function called again and again gets optimised.
#[inline(never)]
pub fn first_non_finite(values: &[f32]) -> Option<usize> {
    values.iter().position(|x| !x.is_finite())
}

#[cfg(test)]
mod tests {
    use super::Rows;

    #[test]
    fn zeroed_rows_span_chunks_take_writes_and_grow_on() {
        for dim in [3usize, 384] {
            let n = (1usize << 20) / (dim * 4) * 2 + 5; // two full chunks and a part
            let mut rows = Rows::zeroed(dim, n);
            assert_eq!(rows.len(), n);
            assert!(rows.iter().all(|row| row.iter().all(|&x| x == 0.0)));
            rows.row_mut(n as u32 - 1).copy_from_slice(&vec![2.5; dim]);
            rows.push(&vec![1.0; dim]);
            assert_eq!((rows.row(n as u32 - 1)[0], rows.row(n as u32)[dim - 1], rows.len()), (2.5, 1.0, n + 1));
            assert_eq!(rows.chunks().map(|c| c.len()).sum::<usize>(), (n + 1) * dim);
        }
        assert_eq!(Rows::<f32>::zeroed(8, 0).len(), 0);
    }

    #[test]
    fn rows_keep_their_values_across_chunks_and_round_trip_through_bytes() {
        for dim in [1usize, 3, 384, 300_000] {
            let mut rows = Rows::new(dim);
            let count = ((3 << rows.shift) + 5).min(40);
            for i in 0..count {
                let row: Vec<f32> = (0..dim).map(|j| (i * 7 + j) as f32).collect();
                rows.push(&row);
            }
            assert_eq!(rows.len(), count);
            for i in [0, count / 2, count - 1] {
                assert_eq!(rows.row(i as u32)[0], (i * 7) as f32);
                assert_eq!(rows.row(i as u32)[dim - 1], (i * 7 + dim - 1) as f32);
            }
            assert_eq!(rows.iter().count(), count);
            let bytes: Vec<u8> = rows.chunks().flat_map(|c| c.iter().flat_map(|x| x.to_le_bytes())).collect();
            let back = Rows::from_le_bytes(dim, &bytes).unwrap();
            assert_eq!(back.len(), count);
            assert!(back.iter().eq(rows.iter()));
        }
        assert!(Rows::from_le_bytes(2, &f32::NAN.to_le_bytes().repeat(2)).is_err());
        assert!(Rows::from_le_bytes(2, &1f32.to_le_bytes().repeat(3)).is_err());
    }

    /// `n` rows of `dim` floats, each filled with its own id.
    fn rows_holding_their_ids(dim: usize, n: u32) -> Rows {
        let mut rows = Rows::new(dim);
        for i in 0..n {
            rows.push(&vec![i as f32; dim]);
        }
        rows
    }

    #[test]
    fn rows_of_a_multiple_of_16_floats_start_on_a_cache_line() {
        let dim = 128;
        // Past the first chunk's early growth steps and into a second chunk.
        let rows = rows_holding_their_ids(dim, 3000);
        let bytes: Vec<u8> = rows.chunks().flat_map(|c| c.iter().flat_map(|x| x.to_le_bytes())).collect();
        let loaded = Rows::from_le_bytes(dim, &bytes).unwrap();
        for r in [&rows, &loaded] {
            assert!(r.chunks().count() >= 2);
            for id in [0u32, 1, 17, 2047, 2048, 2999] {
                assert_eq!(r.row(id).as_ptr() as usize % 64, 0, "row {}", id);
                assert_eq!(r.row(id)[0], id as f32);
            }
        }
    }

    #[test]
    fn a_permutation_moves_rows_across_chunks() {
        // 64 rows of 4096 floats per chunk: 200 rows span four chunks.
        let (dim, n) = (4096usize, 200u32);
        let mut rows = rows_holding_their_ids(dim, n);
        assert!(rows.chunks().count() >= 4);
        let mut order: Vec<u32> = (0..n).collect();
        let mut rng = crate::vector::rng::Rng::new(8);
        for i in (1..n as usize).rev() {
            order.swap(i, rng.next_u32() as usize % (i + 1));
        }
        rows.permute(&order);
        for (new, &old) in order.iter().enumerate() {
            let row = rows.row(new as u32);
            assert!(row[0] == old as f32 && row[dim - 1] == old as f32, "row {} should hold old row {}", new, old);
        }
    }

    #[test]
    fn retaining_moves_kept_rows_down_across_chunks_and_frees_the_rest() {
        let (dim, n) = (4096usize, 200u32);
        let mut rows = rows_holding_their_ids(dim, n);
        rows.retain_in_place(|id| id % 3 != 0 && id < 150);
        let kept: Vec<u32> = (0..150).filter(|id| id % 3 != 0).collect();
        assert_eq!(rows.len(), kept.len());
        assert_eq!(rows.chunks().map(|c| c.len()).sum::<usize>(), kept.len() * dim, "no row past the end");
        for (new, &old) in kept.iter().enumerate() {
            assert!(rows.row(new as u32).iter().all(|&x| x == old as f32), "row {} holds old row {}", new, old);
        }
        rows.push(&vec![-1.0; dim]);
        assert_eq!(rows.row(kept.len() as u32)[0], -1.0);
        rows.retain_in_place(|_| false);
        assert_eq!((rows.len(), rows.chunks().count()), (0, 0));
    }

    #[test]
    #[should_panic]
    fn reading_past_the_end_panics() {
        let mut rows = Rows::new(4);
        rows.push(&[1.0; 4]);
        rows.row(1);
    }
}
