//! The saved form of an index: flat arrays, so opening is a bulk copy with no graph construction.
//!
//! All integers and floats little-endian. `n` = ids (deleted included), `W0 = 1 + 2m` u32 per node
//! on layer 0, `U` = u32s of the upper layers (`sum(level_i) * (1 + m)`).
//!
//! ```text
//! offset  size            field
//! 0       8               magic "SOCHHNSW"
//! 8       4               version (1)
//! 12      4               dim
//! 16      1               metric (distance.rs codes)
//! 17      1               quantization (0 none, 1 int8; codes are rebuilt from the vectors)
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
//! 64      n * dim * 4     vectors, f32, id order
//! ..      n, padded to 4  levels, u8 per id
//! ..      n * W0 * 4      layer 0 blocks [count, neighbours.., unused = 0]
//! ..      U * 4           upper blocks, per id of level L: L blocks [count, neighbours..]
//! ..      ceil(n/64) * 8  tombstone bitmap, u64 words, bit id % 64 of word id / 64
//! ..      4               CRC32C of every byte before it
//! ```
//!
//! `from_bytes` checks the length, the CRC, then every field and id, so damage gives `Truncated`,
//! `Corruption` or `UnsupportedFormat`, never a panic.

use super::config::{HnswConfig, Quantization, HNSW_LEVEL_MAX, HNSW_NODES_MAX};
use super::distance::Metric;
use super::graph::{Graph, NONE};
use super::hnsw::Hnsw;
use super::rng::Rng;
use super::rows::Rows;
use crate::codec::{crc32c, crc32c_append};
use crate::error::{Error, ErrorCode, Result};

pub const MAGIC: &[u8; 8] = b"SOCHHNSW";
pub const VERSION: u32 = 1;
pub const HEADER_LEN: usize = 64;
const WHAT: &str = "the vector index";

fn le32(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

fn le64(b: &[u8], at: usize) -> u64 {
    (le32(b, at) as u64) | ((le32(b, at + 4) as u64) << 32)
}

fn corrupt(msg: impl std::fmt::Display) -> Error {
    Error::corruption(format!("{}: {}; the file is damaged", WHAT, msg))
}

/// Byte sizes of the sections after the header, from the header's counts.
struct Sizes {
    vectors: usize,
    levels: usize,
    level0: usize,
    upper: usize,
    tombstones: usize,
}

impl Sizes {
    fn new(n: usize, dim: usize, m: usize, upper_len: usize) -> Option<Sizes> {
        Some(Sizes {
            vectors: n.checked_mul(dim)?.checked_mul(4)?,
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

/// Appends floats as little-endian bytes: one copy on little-endian targets (wasm32, x86, arm).
fn extend_f32s(out: &mut Vec<u8>, values: &[f32]) {
    if cfg!(target_endian = "little") {
        // SAFETY: any f32 is 4 plain bytes; the slice covers exactly `values`.
        out.extend_from_slice(unsafe { std::slice::from_raw_parts(values.as_ptr() as *const u8, values.len() * 4) });
    } else {
        values.iter().for_each(|x| out.extend_from_slice(&x.to_le_bytes()));
    }
}

/// Appends u32s as little-endian bytes, like `extend_f32s`.
fn extend_u32s(out: &mut Vec<u8>, values: &[u32]) {
    if cfg!(target_endian = "little") {
        // SAFETY: as in `extend_f32s`.
        out.extend_from_slice(unsafe { std::slice::from_raw_parts(values.as_ptr() as *const u8, values.len() * 4) });
    } else {
        values.iter().for_each(|x| out.extend_from_slice(&x.to_le_bytes()));
    }
}

fn words(n: usize) -> usize {
    n / 64 + 1
}

impl Hnsw {
    /// The index as bytes (layout in the module doc).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.encoded_len());
        self.write_to(&mut out);
        out
    }

    /// Length of `to_bytes`, so a caller can size its buffer once (at 100k x 384-d the index is
    /// 170 MB: a growing buffer would double past that, in wasm memory that never shrinks).
    pub fn encoded_len(&self) -> usize {
        let sizes = Sizes::new(self.len(), self.config.dim, self.config.m, self.graph.upper_raw().len());
        sizes.and_then(|s| s.total()).expect("an index in memory fits usize")
    }

    /// Appends `to_bytes` to `out`; returns the CRC of what it appended (trailing CRC included),
    /// so a file embedding it can combine that into its own CRC instead of reading it again.
    pub fn write_to(&self, out: &mut Vec<u8>) -> u32 {
        let start = out.len();
        let c = &self.config;
        let n = self.len();
        let (level0, upper) = (self.graph.level0_raw(), self.graph.upper_raw());
        let sizes = Sizes::new(n, c.dim, c.m, upper.len()).expect("an index in memory fits usize");
        out.reserve(self.encoded_len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&VERSION.to_le_bytes());
        out.extend_from_slice(&(c.dim as u32).to_le_bytes());
        out.extend_from_slice(&[c.metric as u8, c.quantization as u8, 0, 0]);
        for v in [c.m, c.ef_construction, c.ef_search] {
            out.extend_from_slice(&(v as u32).to_le_bytes());
        }
        out.extend_from_slice(&c.seed.to_le_bytes());
        out.extend_from_slice(&self.rng.state().to_le_bytes());
        for v in [n as u32, self.graph.entry(), upper.len() as u32, self.deleted_count as u32] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        debug_assert_eq!(out.len() - start, HEADER_LEN);
        for chunk in self.vectors.chunks() {
            extend_f32s(out, chunk);
        }
        out.extend_from_slice(self.graph.levels());
        out.resize(out.len() + (sizes.levels - n), 0);
        extend_u32s(out, level0);
        extend_u32s(out, upper);
        let mut bitmap = self.deleted.clone();
        bitmap.resize(words(n), 0);
        bitmap.iter().for_each(|w| out.extend_from_slice(&w.to_le_bytes()));
        let crc = crc32c(&out[start..]);
        out.extend_from_slice(&crc.to_le_bytes());
        crc32c_append(crc, &crc.to_le_bytes())
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
        if version != VERSION {
            return Err(Error::new(
                ErrorCode::UnsupportedFormat,
                format!("{}: format version {} is not supported (this engine reads {})", WHAT, version, VERSION),
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
        let sizes = Sizes::new(n, dim, m, upper_len).ok_or_else(|| corrupt("sizes overflow"))?;
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
        let vectors = Rows::from_le_bytes(dim, take(sizes.vectors)).map_err(corrupt)?;
        let level_bytes = take(sizes.levels);
        let levels = level_bytes[..n].to_vec();
        if levels.iter().any(|&l| l as usize > HNSW_LEVEL_MAX) || level_bytes[n..].iter().any(|&b| b != 0) {
            return Err(corrupt("a node level is out of range"));
        }
        let u32s = |s: &[u8]| -> Vec<u32> { s.chunks_exact(4).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect() };
        let level0 = u32s(take(sizes.level0));
        let upper = u32s(take(sizes.upper));
        let deleted: Vec<u64> = take(sizes.tombstones)
            .chunks_exact(8)
            .map(|c| u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
            .collect();
        let tail_bits = deleted[n / 64] >> (n % 64);
        let count: usize = deleted.iter().map(|w| w.count_ones() as usize).sum();
        if tail_bits != 0 || count != tombstones {
            return Err(corrupt("the tombstone bitmap does not match its count"));
        }
        if (n == 0) != (entry == NONE) {
            return Err(corrupt("the entry point does not match the node count"));
        }
        let graph = Graph::from_parts(m, levels, level0, upper, entry).map_err(corrupt)?;
        Ok(Hnsw::from_parts(config, vectors, graph, deleted, Rng::new(le64(bytes, 40))))
    }
}
