//! Segment constants and the entry codec shared by the writer and the reader (layout in
//! `reader.rs`).

use crate::codec::{get_varint, put_varint, VARINT_LEN_MAX};
use crate::error::{Error, Result};

pub const SEGMENT_MAGIC: [u8; 8] = *b"SOCHSEG1";
pub const SEGMENT_FORMAT_VERSION: u32 = 1;

/// Every `INDEX_STRIDE`-th entry's key is copied into the compact sample index, so the first
/// binary search stays in a small, cache-friendly region and only the last few probes touch data.
pub const INDEX_STRIDE: usize = 16;
/// Largest stride a reader accepts (a damaged footer must not make a lookup scan the whole file).
pub const INDEX_STRIDE_MAX: u64 = 4096;

// Footer fields, each offset derived from the one before (relative to the footer's start).
pub const SEGMENT_ID_OFFSET: usize = 0;
pub const ENTRY_COUNT_OFFSET: usize = SEGMENT_ID_OFFSET + 8;
pub const MIN_SEQ_OFFSET: usize = ENTRY_COUNT_OFFSET + 8;
pub const MAX_SEQ_OFFSET: usize = MIN_SEQ_OFFSET + 8;
pub const OFFSETS_OFFSET_OFFSET: usize = MAX_SEQ_OFFSET + 8;
pub const SAMPLES_OFFSET_OFFSET: usize = OFFSETS_OFFSET_OFFSET + 8;
pub const SAMPLE_OFFSETS_OFFSET_OFFSET: usize = SAMPLES_OFFSET_OFFSET + 8;
pub const CRCS_OFFSET_OFFSET: usize = SAMPLE_OFFSETS_OFFSET_OFFSET + 8;
pub const CHUNK_COUNT_OFFSET: usize = CRCS_OFFSET_OFFSET + 8;
pub const INDEX_STRIDE_OFFSET: usize = CHUNK_COUNT_OFFSET + 8;
pub const VERSION_OFFSET: usize = INDEX_STRIDE_OFFSET + 4;
pub const MAGIC_OFFSET: usize = VERSION_OFFSET + 4;
pub const FOOTER_CRC_OFFSET: usize = MAGIC_OFFSET + 8;
pub const FOOTER_LEN: usize = FOOTER_CRC_OFFSET + 4;
const _: () = assert!(FOOTER_LEN == 92);

/// Entry flag bit 0: a tombstone (no value_len, no value follow).
pub const FLAG_TOMBSTONE: u8 = 1;

/// Appends one entry: `key_len varint | key | seq varint | flags u8 | [value_len varint | value]`.
#[inline]
pub fn put_entry(out: &mut Vec<u8>, key: &[u8], seq: u64, value: Option<&[u8]>) {
    put_varint(out, key.len() as u64);
    out.extend_from_slice(key);
    put_varint(out, seq);
    match value {
        None => out.push(FLAG_TOMBSTONE),
        Some(v) => {
            out.push(0);
            put_varint(out, v.len() as u64);
            out.extend_from_slice(v);
        }
    }
}

/// One decoded entry, as positions in `data`, checked. Used once per entry at load.
pub struct CheckedEntry {
    pub key_start: usize,
    pub key_end: usize,
    pub seq: u64,
    pub end: usize,
}

/// Decodes the entry at `pos`, which must end at or before `limit`. Never panics.
pub fn check_entry(data: &[u8], pos: usize, limit: usize) -> Result<CheckedEntry> {
    let data = match data.get(..limit) {
        Some(d) => d,
        None => return Err(Error::corruption("a segment region runs past the end of the file")),
    };
    let mut p = pos;
    let key_len = get_varint(data, &mut p, "segment entry")?;
    if key_len == 0 || key_len > crate::limits::KEY_SIZE_MAX as u64 {
        return Err(Error::corruption(format!("segment entry at byte {} has a bad key length {}", pos, key_len)));
    }
    let key_start = p;
    let key_end = end_of(data, p, key_len)?;
    p = key_end;
    let seq = get_varint(data, &mut p, "segment entry")?;
    let flags = match data.get(p) {
        Some(&f) => f,
        None => return Err(Error::truncated("segment entry")),
    };
    p += 1;
    if flags & !FLAG_TOMBSTONE != 0 {
        return Err(Error::corruption(format!("segment entry at byte {} has unknown flags {:#x}", pos, flags)));
    }
    let tombstone = flags & FLAG_TOMBSTONE != 0;
    if !tombstone {
        let value_len = get_varint(data, &mut p, "segment entry")?;
        if value_len > crate::limits::VALUE_SIZE_MAX as u64 {
            return Err(Error::corruption(format!("segment entry at byte {} has a bad value length", pos)));
        }
        p = end_of(data, p, value_len)?;
    }
    Ok(CheckedEntry { key_start, key_end, seq, end: p })
}

fn end_of(data: &[u8], start: usize, len: u64) -> Result<usize> {
    if len > (data.len() - start) as u64 {
        return Err(Error::truncated("segment entry"));
    }
    Ok(start + len as usize)
}

/// Reads a varint from bytes already validated by `check_entry`: no error path.
#[inline(always)]
pub fn varint_at(data: &[u8], pos: &mut usize) -> u64 {
    let b = data[*pos];
    *pos += 1;
    if b < 0x80 {
        return b as u64;
    }
    let mut value = (b & 0x7F) as u64;
    let mut shift = 7;
    while shift < 7 * VARINT_LEN_MAX as u32 {
        let b = data[*pos];
        *pos += 1;
        value |= ((b & 0x7F) as u64) << shift;
        if b < 0x80 {
            break;
        }
        shift += 7;
    }
    value
}

#[inline(always)]
pub fn u32_at(bytes: &[u8], pos: usize) -> u32 {
    let b = &bytes[pos..pos + 4];
    u32::from_le_bytes([b[0], b[1], b[2], b[3]])
}

#[inline(always)]
pub fn u64_at(bytes: &[u8], pos: usize) -> u64 {
    let b = &bytes[pos..pos + 8];
    u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]])
}
