//! The saved form of an index: flat arrays, so opening is a bulk copy with no graph construction.
//!
//! All integers and floats little-endian. `n` = ids (deleted included), `W0 = 1 + 2m` u32 per node
//! on layer 0, `U` = u32s of the upper layers (`sum(level_i) * (1 + m)`).
//!
//! ```text
//! offset  size            field
//! 0       8               magic "SOCHHNSW"
//! 8       4               version: 1 (f32 rows), 2 (int8 rows), or 3 (f32, only the tombstones'
//!                         rows: the live ones are their documents' vectors, which a collection
//!                         restores at open, `restore_rows`), 4 (bf16 rows) or 5 (bf16, only
//!                         the tombstones' rows)
//! 12      4               dim
//! 16      1               metric (distance.rs codes)
//! 17      1               quantization (0 none, 1 int8, 2 bf16, 3 auto: f32 or bf16 rows)
//! 18      2               zero
//! 20      4               m
//! 24      4               ef_construction
//! 28      4               ef_search
//! 32      8               seed
//! 40      8               level PRNG state (so later inserts draw as if never saved)
//! 48      4               n
//! 52      4               entry point (u32::MAX when n = 0)
//! 56      4               U
//! 60      4               tombstone count
//! 64      R, padded to 4  vectors, id order: f32 rows (R = n * dim * 4), or for int8 the rows of
//!                         `quant.rs` (R = n * (16 + dim): scale, offset, code sum, squared norm
//!                         as f32, then dim codes as i8); version 3: the tombstones' f32 rows
//!                         only (R = tombstones * dim * 4); versions 4 and 5: bf16 rows of
//!                         `bf16.rs`, dim rounded up to 8 u16s each, of every id or of the
//!                         tombstones only
//! ..      n, padded to 4  levels, u8 per id
//! ..      n * W0 * 4      layer 0 blocks [count, neighbours.., unused = 0]
//! ..      U * 4           upper blocks, per id of level L: L blocks [count, neighbours..]
//! ..      ceil(n/64) * 8  tombstone bitmap, u64 words, bit id % 64 of word id / 64
//! ..      4               CRC32C of every byte before it
//! ```
//!
//! Version 1 held f32 rows for int8 too (the codes were rebuilt at load); it loads as int8 by
//! coding them once.
//!
//! `from_bytes` checks the length, the CRC, then every field and id, so damage gives `Truncated`,
//! `Corruption` or `UnsupportedFormat`, never a panic.

use super::config::{HnswConfig, Quantization, HNSW_LEVEL_MAX, HNSW_NODES_MAX};
use super::distance::Metric;
use super::graph::{Graph, NONE};
use super::hnsw::Hnsw;
use super::bf16::Bf16Store;
use super::quant::Int8Store;
use super::rng::Rng;
use super::rows::Rows;
use super::exact::FULL_VECTOR_BATCH;
use super::store::{load_prepared, FullVectors, Store};
use crate::codec::{crc32c, crc32c_append};
use crate::error::{Error, ErrorCode, Result};

pub const MAGIC: &[u8; 8] = b"SOCHHNSW";
pub const VERSION: u32 = 2;
/// The first version: f32 rows whatever the quantization. Still written for self-contained f32
/// indexes (`save_parts`), so an engine that reads only version 1 opens them.
const VERSION_F32_ROWS: u32 = 1;
/// f32 rows of the tombstones only (`save_parts_without_live_rows`).
const VERSION_TOMBSTONE_ROWS: u32 = 3;
/// bf16 rows of every id (`save_parts` of a bf16 index).
const VERSION_BF16_ROWS: u32 = 4;
/// bf16 rows of the tombstones only (`save_parts_without_live_rows` of a bf16 index).
const VERSION_BF16_TOMBSTONE_ROWS: u32 = 5;
pub const HEADER_LEN: usize = 64;
const WHAT: &str = "the vector index";

fn le32(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

fn le64(b: &[u8], at: usize) -> u64 {
    (le32(b, at) as u64) | ((le32(b, at + 4) as u64) << 32)
}

/// Most bytes of rows an index restores at open: all of WebAssembly's memory. Versions 3 and 5
/// are sized by their node count without the live rows, so a file of a few MB can claim more.
const RESTORED_ROWS_BYTES_MAX: u64 = 4 << 30;

/// `n` zeroed rows of `row_bytes` for `restore_rows` to fill, or `OutOfMemory` when memory
/// cannot hold them (past the cap nothing is allocated; below it, the chunks allocated before
/// the failing one are freed): the node count may be forged, or come from an engine that had
/// more memory.
fn restored_rows<S>(n: usize, row_bytes: usize, zeroed: impl FnOnce() -> Option<S>) -> Result<S> {
    let bytes = n as u64 * row_bytes as u64;
    let rows = if bytes <= RESTORED_ROWS_BYTES_MAX { zeroed() } else { None };
    rows.ok_or_else(|| Error::out_of_memory(&format!("Opening {} of {} nodes", WHAT, n), bytes.min(usize::MAX as u64) as usize, "nothing was opened"))
}

fn corrupt(msg: impl std::fmt::Display) -> Error {
    Error::corruption(format!("{}: {}; the file is damaged", WHAT, msg))
}

/// Byte sizes of the sections after the header, from the header's counts.
struct Sizes {
    /// The vectors' bytes, padding excluded.
    vectors_raw: usize,
    vectors: usize,
    levels: usize,
    level0: usize,
    upper: usize,
    tombstones: usize,
}

/// What the vectors section holds.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum SavedRows {
    /// Every id's f32 row (version 1).
    F32,
    /// Every id's int8 row (version 2 with int8).
    Int8,
    /// The f32 rows of the tombstones only (version 3).
    F32Tombstones,
    /// Every id's bf16 row (version 4).
    Bf16,
    /// The bf16 rows of the tombstones only (version 5).
    Bf16Tombstones,
}

impl SavedRows {
    /// Whether live ids' rows are left out, for `restore_rows`.
    fn without_live_rows(self) -> bool {
        matches!(self, SavedRows::F32Tombstones | SavedRows::Bf16Tombstones)
    }
}

impl Sizes {
    fn new(n: usize, dim: usize, m: usize, upper_len: usize, rows: SavedRows, tombstones: usize) -> Option<Sizes> {
        let vectors_raw = match rows {
            SavedRows::F32 => n.checked_mul(dim.checked_mul(4)?)?,
            SavedRows::Int8 => n.checked_mul(Int8Store::row_bytes(dim))?,
            SavedRows::F32Tombstones => tombstones.checked_mul(dim.checked_mul(4)?)?,
            SavedRows::Bf16 => n.checked_mul(Bf16Store::bytes_per_row(dim))?,
            SavedRows::Bf16Tombstones => tombstones.checked_mul(Bf16Store::bytes_per_row(dim))?,
        };
        Some(Sizes {
            vectors_raw,
            vectors: vectors_raw.checked_add(3)? / 4 * 4,
            levels: n.checked_add(3)? / 4 * 4,
            level0: n.checked_mul(1 + 2 * m)?.checked_mul(4)?,
            upper: upper_len.checked_mul(4)?,
            tombstones: (n / 64 + 1).checked_mul(8)?,
        })
    }

    fn total(&self) -> Option<usize> {
        HEADER_LEN
            .checked_add(self.vectors)?
            .checked_add(self.levels)?
            .checked_add(self.level0)?
            .checked_add(self.upper)?
            .checked_add(self.tombstones)?
            .checked_add(4)
    }
}

// The saved form borrows the in-memory arrays as their little-endian bytes.
#[cfg(not(target_endian = "little"))]
compile_error!("the index writer borrows f32/u32 arrays as little-endian bytes");

fn f32_bytes(values: &[f32]) -> &[u8] {
    // SAFETY: any f32 is 4 plain bytes; the slice covers exactly `values`.
    unsafe { std::slice::from_raw_parts(values.as_ptr() as *const u8, values.len() * 4) }
}

fn u16_bytes(values: &[u16]) -> &[u8] {
    // SAFETY: as in `f32_bytes`.
    unsafe { std::slice::from_raw_parts(values.as_ptr() as *const u8, values.len() * 2) }
}

fn u32_bytes(values: &[u32]) -> &[u8] {
    // SAFETY: as in `f32_bytes`.
    unsafe { std::slice::from_raw_parts(values.as_ptr() as *const u8, values.len() * 4) }
}

/// The small parts of a saved index; the big arrays (vectors, graph) are borrowed from the index
/// where they live (`Hnsw::pieces`), so a checkpoint never copies them into one file buffer (at
/// 100k x 384-d that buffer was 170 MB of wasm memory, which never shrinks).
#[derive(Debug)]
pub struct SavedParts {
    rows: SavedRows,
    header: Vec<u8>,
    vectors_padding: Vec<u8>,
    levels_padding: Vec<u8>,
    bitmap: Vec<u8>,
    crc: [u8; 4],
    /// CRC32C of all the saved bytes, trailing CRC included (for a file embedding them).
    pub crc_of_all: u32,
    /// Length of all the saved bytes.
    pub len: usize,
}

fn words(n: usize) -> usize {
    n / 64 + 1
}

impl Hnsw {
    /// The index as bytes (layout in the module doc).
    pub fn to_bytes(&self) -> Vec<u8> {
        let parts = self.save_parts();
        let mut out = Vec::with_capacity(parts.len);
        self.pieces(&parts).iter().for_each(|piece| out.extend_from_slice(piece));
        out
    }

    /// Encodes the small parts and computes the CRC (one pass over the borrowed arrays).
    pub fn save_parts(&self) -> SavedParts {
        self.save_parts_as(false)
    }

    /// `save_parts` leaving out the f32 rows of live ids (version 3), for a collection whose
    /// records hold those vectors: its index file then takes a fraction of the bytes, and
    /// `restore_rows` puts them back after loading. int8 rows are saved whole: coding 100k
    /// vectors again at open took longer than reading their codes (a third of the f32 bytes).
    pub fn save_parts_without_live_rows(&self) -> SavedParts {
        self.save_parts_as(true)
    }

    fn save_parts_as(&self, without_live_rows: bool) -> SavedParts {
        let c = &self.config;
        let n = self.len();
        let upper = self.graph.upper_raw();
        let rows = match (&self.store, without_live_rows) {
            (Store::Int8(_), _) => SavedRows::Int8,
            (Store::F32(_), false) => SavedRows::F32,
            (Store::F32(_), true) => SavedRows::F32Tombstones,
            (Store::Bf16(_), false) => SavedRows::Bf16,
            (Store::Bf16(_), true) => SavedRows::Bf16Tombstones,
        };
        let sizes = Sizes::new(n, c.dim, c.m, upper.len(), rows, self.deleted_count).expect("an index in memory fits usize");
        let mut header = Vec::with_capacity(HEADER_LEN);
        header.extend_from_slice(MAGIC);
        let version = match rows {
            SavedRows::Int8 => VERSION,
            SavedRows::F32 => VERSION_F32_ROWS,
            SavedRows::F32Tombstones => VERSION_TOMBSTONE_ROWS,
            SavedRows::Bf16 => VERSION_BF16_ROWS,
            SavedRows::Bf16Tombstones => VERSION_BF16_TOMBSTONE_ROWS,
        };
        header.extend_from_slice(&version.to_le_bytes());
        header.extend_from_slice(&(c.dim as u32).to_le_bytes());
        header.extend_from_slice(&[c.metric as u8, c.quantization as u8, 0, 0]);
        for v in [c.m, c.ef_construction, c.ef_search] {
            header.extend_from_slice(&(v as u32).to_le_bytes());
        }
        header.extend_from_slice(&c.seed.to_le_bytes());
        header.extend_from_slice(&self.rng.state().to_le_bytes());
        for v in [n as u32, self.graph.entry(), upper.len() as u32, self.deleted_count as u32] {
            header.extend_from_slice(&v.to_le_bytes());
        }
        debug_assert_eq!(header.len(), HEADER_LEN);
        let mut bitmap = self.deleted.clone();
        bitmap.resize(words(n), 0);
        let mut parts = SavedParts {
            rows,
            header,
            vectors_padding: vec![0; sizes.vectors - sizes.vectors_raw],
            levels_padding: vec![0; sizes.levels - n],
            bitmap: bitmap.iter().flat_map(|w| w.to_le_bytes()).collect(),
            crc: [0; 4],
            crc_of_all: 0,
            len: sizes.total().expect("an index in memory fits usize"),
        };
        let pieces = self.pieces(&parts);
        let body = &pieces[..pieces.len() - 1];
        let crc = body.iter().fold(0, |crc, piece| crc32c_append(crc, piece));
        debug_assert_eq!(body.iter().map(|p| p.len()).sum::<usize>() + 4, parts.len);
        parts.crc = crc.to_le_bytes();
        parts.crc_of_all = crc32c_append(crc, &parts.crc);
        parts
    }

    /// The saved bytes in order, `parts` giving the small ones: valid while the index is unchanged
    /// since `save_parts` (the caller checks).
    pub fn pieces<'a>(&'a self, parts: &'a SavedParts) -> Vec<&'a [u8]> {
        let mut pieces: Vec<&[u8]> = vec![&parts.header];
        match (&self.store, parts.rows) {
            (Store::F32(rows), SavedRows::F32) => pieces.extend(rows.chunks().map(f32_bytes)),
            (Store::F32(rows), SavedRows::F32Tombstones) => {
                pieces.extend((0..self.len() as u32).filter(|&id| self.is_deleted(id)).map(|id| f32_bytes(rows.row(id))))
            }
            (Store::Int8(codes), SavedRows::Int8) => pieces.push(codes.bytes()),
            (Store::Bf16(rows), SavedRows::Bf16) => pieces.extend(rows.chunks().map(u16_bytes)),
            (Store::Bf16(rows), SavedRows::Bf16Tombstones) => {
                pieces.extend((0..self.len() as u32).filter(|&id| self.is_deleted(id)).map(|id| u16_bytes(rows.row(id))))
            }
            _ => unreachable!("parts saved from this index's own store"),
        }
        pieces.push(&parts.vectors_padding);
        pieces.push(self.graph.levels());
        pieces.push(&parts.levels_padding);
        pieces.push(u32_bytes(self.graph.level0_raw()));
        pieces.push(u32_bytes(self.graph.upper_raw()));
        pieces.push(&parts.bitmap);
        pieces.push(&parts.crc);
        pieces
    }

    /// Whether live ids' f32 rows wait for `restore_rows` (loaded from a version 3 file).
    pub fn rows_missing(&self) -> bool {
        self.rows_missing
    }

    /// Puts back the live ids' f32 rows of an index loaded without them: each from `full` (its
    /// document's vector as stored), prepared as an insert prepares it, so the rows are the ones
    /// that were saved. Errors: `Corruption` naming the id when `full` lacks its vector or holds
    /// one of another length; the index then stays unusable.
    pub fn restore_rows(&mut self, full: FullVectors<'_>) -> Result<()> {
        if !self.rows_missing {
            return Ok(());
        }
        let metric = self.config.metric;
        let live: Vec<u32> = (0..self.len() as u32).filter(|&id| !self.is_deleted(id)).collect();
        let mut prepared = vec![0f32; self.config.dim];
        for batch in live.chunks(FULL_VECTOR_BATCH) {
            full.prefetch(batch);
            for &id in batch {
                let bytes = full.vector(id).ok_or_else(|| corrupt(format!("node {} is live but its document holds no vector", id)))?;
                let loaded = match &mut self.store {
                    Store::F32(rows) => load_prepared(bytes, metric, rows.row_mut(id)),
                    Store::Bf16(rows) => load_prepared(bytes, metric, &mut prepared) && {
                        rows.set_row(id, &prepared);
                        true
                    },
                    Store::Int8(_) => unreachable!("int8 indexes are saved with their rows"),
                };
                if !loaded {
                    return Err(corrupt(format!("node {}'s document holds a vector of another dimension, or one without direction", id)));
                }
            }
        }
        self.rows_missing = false;
        Ok(())
    }

    /// Whether `bytes` (a saved index, already loaded) are in a format `to_bytes` no longer writes:
    /// version 1 with int8, whose f32 rows are coded again at every load.
    pub fn saved_in_old_format(bytes: &[u8]) -> bool {
        bytes.len() >= HEADER_LEN && le32(bytes, 8) == VERSION_F32_ROWS && Quantization::from_code(bytes[17]) == Some(Quantization::Int8)
    }

    /// Loads an index saved by `to_bytes`. Errors: `Truncated` (too short), `UnsupportedFormat`
    /// (other magic or version), `Corruption` (CRC mismatch, any field or id out of range).
    pub fn from_bytes(bytes: &[u8]) -> Result<Hnsw> {
        Hnsw::decode(bytes, true)
    }

    /// `from_bytes` for bytes a CRC of the caller's has just verified (an index file's): skips
    /// checking the CRC again (170 MB at 100k x 384-d); every field and id is still checked.
    pub fn from_bytes_covered(bytes: &[u8]) -> Result<Hnsw> {
        Hnsw::decode(bytes, false)
    }

    fn decode(bytes: &[u8], check_crc: bool) -> Result<Hnsw> {
        if bytes.len() < HEADER_LEN + 4 {
            return Err(Error::truncated(WHAT));
        }
        if &bytes[0..8] != MAGIC {
            return Err(Error::new(ErrorCode::UnsupportedFormat, format!("{}: not a vector index file (bad magic)", WHAT)));
        }
        let version = le32(bytes, 8);
        if !(VERSION_F32_ROWS..=VERSION_BF16_TOMBSTONE_ROWS).contains(&version) {
            return Err(Error::new(
                ErrorCode::UnsupportedFormat,
                format!("{}: format version {} is not supported (this engine reads 1 to 5): upgrade SochDB", WHAT, version),
            ));
        }
        let (dim, m) = (le32(bytes, 12) as usize, le32(bytes, 20) as usize);
        let (n, entry, upper_len, tombstones) =
            (le32(bytes, 48) as usize, le32(bytes, 52), le32(bytes, 56) as usize, le32(bytes, 60) as usize);
        let config = HnswConfig {
            dim,
            metric: Metric::from_code(bytes[16]).ok_or_else(|| corrupt("unknown metric code"))?,
            quantization: Quantization::from_code(bytes[17]).ok_or_else(|| corrupt("unknown quantization code"))?,
            m,
            ef_construction: le32(bytes, 24) as usize,
            ef_search: le32(bytes, 28) as usize,
            seed: le64(bytes, 32),
        };
        config.validate().map_err(|e| corrupt(e.message))?;
        if bytes[18] != 0 || bytes[19] != 0 || n > HNSW_NODES_MAX || tombstones > n {
            return Err(corrupt("header fields out of range"));
        }
        let rows = match (version, config.quantization) {
            // An `Auto` index holds either kind of rows.
            (VERSION_TOMBSTONE_ROWS, Quantization::None | Quantization::Auto) => SavedRows::F32Tombstones,
            (VERSION_BF16_ROWS, Quantization::Bf16 | Quantization::Auto) => SavedRows::Bf16,
            (VERSION_BF16_TOMBSTONE_ROWS, Quantization::Bf16 | Quantization::Auto) => SavedRows::Bf16Tombstones,
            (VERSION, Quantization::Int8) => SavedRows::Int8,
            (VERSION_F32_ROWS | VERSION, Quantization::None | Quantization::Int8 | Quantization::Auto) => SavedRows::F32,
            _ => return Err(corrupt(format!("format version {} does not hold {:?} rows", version, config.quantization))),
        };
        let sizes = Sizes::new(n, dim, m, upper_len, rows, tombstones).ok_or_else(|| corrupt("sizes overflow"))?;
        let total = sizes.total().ok_or_else(|| corrupt("sizes overflow"))?;
        if bytes.len() < total {
            return Err(Error::truncated(WHAT));
        }
        if bytes.len() > total {
            return Err(corrupt("bytes after the checksum"));
        }
        if check_crc && crc32c(&bytes[..total - 4]) != le32(bytes, total - 4) {
            return Err(corrupt("checksum mismatch"));
        }
        // The CRC matched; the checks below catch a writer bug or a forged file.
        let mut at = HEADER_LEN;
        let mut take = |len: usize| {
            let s = &bytes[at..at + len];
            at += len;
            s
        };
        let vector_bytes = take(sizes.vectors);
        if vector_bytes[sizes.vectors_raw..].iter().any(|&b| b != 0) {
            return Err(corrupt("the vectors' padding is not zero"));
        }
        let vector_bytes = &vector_bytes[..sizes.vectors_raw];
        // The tombstone bitmap comes last in the file, but version 3's rows need it: read ahead.
        let bitmap_at = bytes.len() - 4 - sizes.tombstones;
        let deleted: Vec<u64> = bytes[bitmap_at..bitmap_at + sizes.tombstones]
            .chunks_exact(8)
            .map(|c| u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
            .collect();
        let tail_bits = deleted[n / 64] >> (n % 64);
        let count: usize = deleted.iter().map(|w| w.count_ones() as usize).sum();
        if tail_bits != 0 || count != tombstones {
            return Err(corrupt("the tombstone bitmap does not match its count"));
        }
        let is_deleted = |id: usize| deleted[id / 64] & (1u64 << (id % 64)) != 0;
        let store = match rows {
            SavedRows::Int8 => Store::Int8(Int8Store::from_le_bytes(dim, vector_bytes).map_err(corrupt)?),
            SavedRows::F32 => {
                let rows = Rows::from_le_bytes(dim, vector_bytes).map_err(corrupt)?;
                match config.quantization {
                    Quantization::None | Quantization::Auto => Store::F32(rows),
                    // A version 1 file: code its rows once.
                    Quantization::Int8 => Store::Int8(Int8Store::of_rows(&rows)),
                    Quantization::Bf16 => unreachable!("version 1 never holds bf16 (checked above)"),
                }
            }
            SavedRows::F32Tombstones => {
                let saved = Rows::from_le_bytes(dim, vector_bytes).map_err(corrupt)?;
                // Live rows stay zero until `restore_rows` fills them. The bitmap's count is the
                // tombstone count the saved rows were sized by: one saved row per tombstone.
                let mut rows = restored_rows(n, dim * 4, || Rows::try_zeroed(dim, n))?;
                for (id, row) in (0..n).filter(|&id| is_deleted(id)).zip(saved.iter()) {
                    rows.row_mut(id as u32).copy_from_slice(row);
                }
                Store::F32(rows)
            }
            SavedRows::Bf16 => Store::Bf16(Bf16Store::from_le_bytes(dim, vector_bytes).map_err(corrupt)?),
            SavedRows::Bf16Tombstones => {
                let saved = Bf16Store::from_le_bytes(dim, vector_bytes).map_err(corrupt)?;
                let mut rows = restored_rows(n, Bf16Store::bytes_per_row(dim), || Bf16Store::try_zeroed(dim, n))?;
                for (id, from) in (0..n).filter(|&id| is_deleted(id)).zip(0u32..) {
                    rows.copy_row_from(id as u32, saved.row(from));
                }
                Store::Bf16(rows)
            }
        };
        let level_bytes = take(sizes.levels);
        let levels = level_bytes[..n].to_vec();
        if levels.iter().any(|&l| l as usize > HNSW_LEVEL_MAX) || level_bytes[n..].iter().any(|&b| b != 0) {
            return Err(corrupt("a node level is out of range"));
        }
        let u32s = |s: &[u8]| -> Vec<u32> { s.chunks_exact(4).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect() };
        let level0 = u32s(take(sizes.level0));
        let upper = u32s(take(sizes.upper));
        take(sizes.tombstones); // read above
        if (n == 0) != (entry == NONE) {
            return Err(corrupt("the entry point does not match the node count"));
        }
        let graph = Graph::from_parts(m, levels, level0, upper, entry).map_err(corrupt)?;
        let mut hnsw = Hnsw::from_parts(config, store, graph, deleted, Rng::new(le64(bytes, 40)));
        hnsw.rows_missing = rows.without_live_rows() && tombstones < n;
        Ok(hnsw)
    }
}
