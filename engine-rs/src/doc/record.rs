//! The document record: the KV value stored under a document's key (see `keys.rs`).
//!
//! ```text
//! offset         size    field
//! 0              1       format version, u8 = RECORD_FORMAT_VERSION
//! 1              4       dimension d, u32 LE, 1..=RECORD_DIM_MAX
//! 5              4*d     vector: d × f32 LE, each finite
//! 5+4d           4       metadata length m, u32 LE, <= METADATA_SIZE_MAX
//! 9+4d           m       metadata: compact JSON object text (UTF-8)
//! 9+4d+m         4       content length c, u32 LE, <= CONTENT_SIZE_MAX
//! 13+4d+m        c       content: UTF-8 text for BM25
//! 13+4d+m+c      1       flags: bit 0 FLAG_HAS_CONTENT; other bits zero
//! 14+4d+m+c              end: no trailing bytes
//! ```
//! `FLAG_HAS_CONTENT` tells "no content" (c = 0, flag clear) from empty content (flag set).
//! The decoder borrows from the input and checks every length before reading; the vector's bytes
//! are not 4-aligned inside a record, so they are copied out (`vector`, `vector_into`) rather than
//! cast to `&[f32]`.

use super::limits::{CONTENT_SIZE_MAX, METADATA_SIZE_MAX, RECORD_DIM_MAX};
use crate::error::{Error, ErrorCode, Result};

/// The version written in byte 0. Bump it when the layout changes; decoders refuse others.
pub const RECORD_FORMAT_VERSION: u8 = 1;
/// Flags bit: the document has content (possibly empty).
pub const FLAG_HAS_CONTENT: u8 = 1;
const FLAGS_KNOWN: u8 = FLAG_HAS_CONTENT;

/// A decoded record, borrowing the bytes it was decoded from.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RecordView<'a> {
    vector_bytes: &'a [u8],
    /// Metadata JSON text as stored; `Metadata::parse` validates it.
    pub metadata_json: &'a [u8],
    pub content: Option<&'a str>,
}

impl<'a> RecordView<'a> {
    pub fn dimension(&self) -> usize {
        self.vector_bytes.len() / 4
    }

    /// The raw little-endian vector bytes (4 × dimension).
    pub fn vector_bytes(&self) -> &'a [u8] {
        self.vector_bytes
    }

    /// Component `i`; panics if `i >= dimension()`, like slice indexing.
    pub fn vector_at(&self, i: usize) -> f32 {
        let b = &self.vector_bytes[4 * i..4 * i + 4];
        f32::from_le_bytes([b[0], b[1], b[2], b[3]])
    }

    /// The vector, copied into a new `Vec`.
    pub fn vector(&self) -> Vec<f32> {
        self.vector_bytes.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect()
    }

    /// Copies the vector into `out`, which must be exactly `dimension()` long (`InvalidArgument`).
    pub fn vector_into(&self, out: &mut [f32]) -> Result<()> {
        if out.len() != self.dimension() {
            return Err(Error::invalid_argument(format!(
                "vector buffer holds {} values, the record has dimension {}",
                out.len(),
                self.dimension()
            )));
        }
        for (slot, b) in out.iter_mut().zip(self.vector_bytes.chunks_exact(4)) {
            *slot = f32::from_le_bytes([b[0], b[1], b[2], b[3]]);
        }
        Ok(())
    }
}

/// Bytes `encode_record` appends for these part sizes.
pub fn encoded_len(dimension: usize, metadata_len: usize, content_len: usize) -> usize {
    1 + 4 + 4 * dimension + 4 + metadata_len + 4 + content_len + 1
}

/// Appends the record to `out`, after checking every part (nothing is appended on error).
/// Errors: `InvalidArgument` for a dimension outside 1..=RECORD_DIM_MAX or a non-finite value,
/// `LimitExceeded` for metadata or content over their limits.
pub fn encode_record(vector: &[f32], metadata_json: &[u8], content: Option<&str>, out: &mut Vec<u8>) -> Result<()> {
    if vector.is_empty() || vector.len() > RECORD_DIM_MAX {
        return Err(Error::invalid_argument(format!(
            "vector dimension {} is out of range: use 1 to {}",
            vector.len(),
            RECORD_DIM_MAX
        )));
    }
    if let Some(i) = vector.iter().position(|x| !x.is_finite()) {
        return Err(Error::invalid_argument(format!("vector value {} is {}: vectors must be finite", i, vector[i])));
    }
    let content_bytes = content.map_or(&[][..], str::as_bytes);
    check_size("metadata", metadata_json.len(), METADATA_SIZE_MAX)?;
    check_size("content", content_bytes.len(), CONTENT_SIZE_MAX)?;
    out.reserve(encoded_len(vector.len(), metadata_json.len(), content_bytes.len()));
    out.push(RECORD_FORMAT_VERSION);
    // Lengths fit in u32: each is bounded by a limit checked above.
    out.extend_from_slice(&(vector.len() as u32).to_le_bytes());
    for x in vector {
        out.extend_from_slice(&x.to_le_bytes());
    }
    out.extend_from_slice(&(metadata_json.len() as u32).to_le_bytes());
    out.extend_from_slice(metadata_json);
    out.extend_from_slice(&(content_bytes.len() as u32).to_le_bytes());
    out.extend_from_slice(content_bytes);
    out.push(if content.is_some() { FLAG_HAS_CONTENT } else { 0 });
    Ok(())
}

fn check_size(what: &str, len: usize, max: usize) -> Result<()> {
    if len > max {
        return Err(Error::new(
            ErrorCode::LimitExceeded,
            format!("document {} is {} bytes, over the limit of {}", what, len, max),
        ));
    }
    Ok(())
}

/// Decodes a record, borrowing from `bytes`.
/// Errors: `Truncated` when the bytes end inside a field, `UnsupportedFormat` for another format
/// version, `Corruption` for out-of-range lengths, non-finite values, invalid UTF-8 content,
/// unknown flags or trailing bytes.
pub fn decode_record(bytes: &[u8]) -> Result<RecordView<'_>> {
    let mut r = Reader { bytes, pos: 0 };
    let version = r.take(1)?[0];
    if version != RECORD_FORMAT_VERSION {
        return Err(Error::new(
            ErrorCode::UnsupportedFormat,
            format!(
                "document record has format version {}, this engine reads {}: upgrade the engine",
                version, RECORD_FORMAT_VERSION
            ),
        ));
    }
    let dimension = r.u32()? as usize;
    if dimension == 0 || dimension > RECORD_DIM_MAX {
        return Err(Error::corruption(format!(
            "document record has dimension {}, outside 1..={}",
            dimension, RECORD_DIM_MAX
        )));
    }
    let vector_bytes = r.take(4 * dimension)?;
    let metadata_len = r.u32()? as usize;
    if metadata_len > METADATA_SIZE_MAX {
        return Err(Error::corruption(format!("document record metadata length {} is over the limit", metadata_len)));
    }
    let metadata_json = r.take(metadata_len)?;
    let content_len = r.u32()? as usize;
    if content_len > CONTENT_SIZE_MAX {
        return Err(Error::corruption(format!("document record content length {} is over the limit", content_len)));
    }
    let content_bytes = r.take(content_len)?;
    let flags = r.take(1)?[0];
    if r.pos != bytes.len() {
        return Err(Error::corruption(format!("document record has {} trailing bytes", bytes.len() - r.pos)));
    }
    if flags & !FLAGS_KNOWN != 0 || (flags & FLAG_HAS_CONTENT == 0 && content_len != 0) {
        return Err(Error::corruption(format!("document record has invalid flags 0x{:02x}", flags)));
    }
    let content = if flags & FLAG_HAS_CONTENT != 0 {
        match std::str::from_utf8(content_bytes) {
            Ok(text) => Some(text),
            Err(_) => return Err(Error::corruption("document record content is not UTF-8")),
        }
    } else {
        None
    };
    let view = RecordView { vector_bytes, metadata_json, content };
    if (0..dimension).any(|i| !view.vector_at(i).is_finite()) {
        return Err(Error::corruption("document record vector holds a non-finite value"));
    }
    Ok(view)
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    /// The next `n` bytes; compares against what is left, so `pos + n` cannot overflow on wasm32.
    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        if self.bytes.len() - self.pos < n {
            return Err(Error::truncated("document record"));
        }
        let out = &self.bytes[self.pos..self.pos + n];
        self.pos += n;
        Ok(out)
    }

    fn u32(&mut self) -> Result<u32> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
}

/// The parts of a stored record a result copies out.
pub struct RecordParts<'a> {
    pub vector_bytes: &'a [u8],
    pub metadata_json: &'a [u8],
    pub content: Option<&'a [u8]>,
}

/// Splits a record (`doc::encode_record`'s layout: version | dim u32 | vector | metadata_len u32 |
/// metadata | content_len u32 | content | flags) without `decode_record`'s value checks (finite
/// vector, UTF-8 content): they ran when the record was written, and on every result they cost
/// as much as the search. The lengths are still checked, so a bad record is an error, not a panic.
pub fn record_parts(bytes: &[u8]) -> Result<RecordParts<'_>> {
    let bad = || Error::corruption("document record is malformed");
    let u32_at = |at: usize| -> Result<usize> {
        let b = bytes.get(at..at + 4).ok_or_else(bad)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
    };
    if bytes.first() != Some(&RECORD_FORMAT_VERSION) {
        // Another version (or no bytes): `decode_record`'s error says what to do.
        decode_record(bytes)?;
        return Err(bad());
    }
    let dim = u32_at(1)?;
    let vector_end = 5usize.checked_add(dim.checked_mul(4).ok_or_else(bad)?).ok_or_else(bad)?;
    let metadata_len = u32_at(vector_end)?;
    let metadata_end = (vector_end + 4).checked_add(metadata_len).ok_or_else(bad)?;
    let content_len = u32_at(metadata_end)?;
    let content_end = (metadata_end + 4).checked_add(content_len).ok_or_else(bad)?;
    if content_end.checked_add(1) != Some(bytes.len()) {
        return Err(bad());
    }
    let content = if bytes[content_end] & FLAG_HAS_CONTENT != 0 { Some(&bytes[metadata_end + 4..content_end]) } else { None };
    Ok(RecordParts {
        vector_bytes: &bytes[5..vector_end],
        metadata_json: &bytes[vector_end + 4..metadata_end],
        content,
    })
}
