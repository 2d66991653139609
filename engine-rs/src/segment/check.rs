//! Loading a segment: the footer, the regions it names, every checksum, every entry and sample.
//! What passes here is what `reader.rs` relies on to read without error paths.

use super::format::*;
use super::reader::Segment;
use crate::codec::{crc32c, crc32c_append, crc32c_shift, crc32c_shift_op, get_varint, CrcShift};
use crate::error::{Error, ErrorCode, Result};
use crate::limits::SEGMENT_CHUNK_SIZE;
use std::cmp::Ordering;

const _: () = assert!(SEGMENT_CHUNK_SIZE.is_power_of_two());
/// Advances a CRC over one whole chunk, to derive the file's CRC from the chunk CRCs.
static CHUNK_SHIFT: CrcShift = crc32c_shift_op(SEGMENT_CHUNK_SIZE.trailing_zeros());

/// Parses and checks the footer and that the regions it names tile the file exactly.
pub(super) fn parse_footer(bytes: Vec<u8>) -> Result<Segment> {
    if bytes.len() < FOOTER_LEN {
        return Err(Error::truncated("segment footer"));
    }
    let f = bytes.len() - FOOTER_LEN;
    if bytes[f + MAGIC_OFFSET..f + MAGIC_OFFSET + 8] != SEGMENT_MAGIC {
        return Err(Error::corruption("this is not a SochDB segment file (bad magic); restore it from a backup"));
    }
    let version = u32_at(&bytes, f + VERSION_OFFSET);
    if version > SEGMENT_FORMAT_VERSION {
        return Err(Error::new(
            ErrorCode::UnsupportedFormat,
            format!("segment format version {} is newer than this engine's {}; upgrade SochDB", version, SEGMENT_FORMAT_VERSION),
        ));
    }
    if crc32c(&bytes[f..f + FOOTER_CRC_OFFSET]) != u32_at(&bytes, f + FOOTER_CRC_OFFSET) || version == 0 {
        return Err(Error::corruption("segment footer fails its checksum; restore the segment from a backup"));
    }
    let field = |at: usize| u64_at(&bytes, f + at);
    let count = field(ENTRY_COUNT_OFFSET);
    let offsets_offset = field(OFFSETS_OFFSET_OFFSET);
    let samples_offset = field(SAMPLES_OFFSET_OFFSET);
    let sample_offsets_offset = field(SAMPLE_OFFSETS_OFFSET_OFFSET);
    let crcs_offset = field(CRCS_OFFSET_OFFSET);
    let chunk_count = field(CHUNK_COUNT_OFFSET);
    let stride = u32_at(&bytes, f + INDEX_STRIDE_OFFSET) as u64;
    // u64 arithmetic with checks: a damaged footer must neither overflow nor point outside.
    let fits = (|| {
        if stride == 0 || stride > INDEX_STRIDE_MAX || crcs_offset > u32::MAX as u64 {
            return None;
        }
        let sample_count = count / stride + (count % stride != 0) as u64;
        let ok = offsets_offset.checked_add(count.checked_mul(4)?)? == samples_offset
            && samples_offset <= sample_offsets_offset
            && sample_offsets_offset.checked_add(sample_count * 4)? == crcs_offset
            && crcs_offset.checked_add(chunk_count.checked_mul(4)?)? == f as u64
            && chunk_count == (crcs_offset + SEGMENT_CHUNK_SIZE as u64 - 1) / SEGMENT_CHUNK_SIZE as u64;
        Some(ok)
    })();
    if fits != Some(true) {
        return Err(Error::corruption("segment footer names regions that do not fit the file; restore it from a backup"));
    }
    Ok(Segment {
        id: field(SEGMENT_ID_OFFSET),
        count: count as usize,
        offsets_offset: offsets_offset as usize,
        samples_offset: samples_offset as usize,
        sample_offsets_offset: sample_offsets_offset as usize,
        sample_count: (crcs_offset - sample_offsets_offset) as usize / 4,
        stride: stride as usize,
        min_seq: field(MIN_SEQ_OFFSET),
        max_seq: field(MAX_SEQ_OFFSET),
        file_crc: 0,
        keys: None,
        bytes,
    })
}

/// Every entry decodes inside the data region, starts where the one before ends, and follows
/// (key asc, seq desc); min/max seq match the footer.
pub(super) fn verify_entries(seg: &Segment) -> Result<()> {
    let (bytes, data_len) = (seg.bytes(), seg.offsets_offset);
    let (mut pos, mut min_seq, mut max_seq) = (0usize, u64::MAX, 0u64);
    let mut prev: Option<(usize, usize, u64)> = None;
    for i in 0..seg.count {
        if u32_at(bytes, seg.offsets_offset + 4 * i) as usize != pos {
            return Err(bad(format!("entry {} does not start where the previous entry ends", i)));
        }
        let e = check_entry(bytes, pos, data_len)?;
        if let Some((ks, ke, seq)) = prev {
            let ordered = match bytes[ks..ke].cmp(&bytes[e.key_start..e.key_end]) {
                Ordering::Less => true,
                Ordering::Equal => seq > e.seq,
                Ordering::Greater => false,
            };
            if !ordered {
                return Err(bad(format!("entry {} is out of (key, seq) order", i)));
            }
        }
        prev = Some((e.key_start, e.key_end, e.seq));
        min_seq = min_seq.min(e.seq);
        max_seq = max_seq.max(e.seq);
        pos = e.end;
    }
    if pos != data_len {
        return Err(bad("data region has bytes after its last entry".to_string()));
    }
    if seg.count == 0 {
        min_seq = 0;
    }
    if (min_seq, max_seq) != (seg.min_seq, seg.max_seq) {
        return Err(bad("footer seq range does not match the entries".to_string()));
    }
    Ok(())
}

/// Sample `j` is contiguous with the one before and holds the key of entry `j * stride`.
/// Runs after `verify_entries`, so entry keys can be read.
pub(super) fn verify_samples(seg: &Segment) -> Result<()> {
    let bytes = seg.bytes();
    let mut pos = seg.samples_offset;
    for j in 0..seg.sample_count {
        if u32_at(bytes, seg.sample_offsets_offset + 4 * j) as usize != pos {
            return Err(bad(format!("index sample {} does not start where the previous one ends", j)));
        }
        let region = &bytes[..seg.sample_offsets_offset];
        let len = get_varint(region, &mut pos, "segment index sample")?;
        if len > (region.len() - pos) as u64 || region[pos..pos + len as usize] != *seg.key(j * seg.stride) {
            return Err(bad(format!("index sample {} does not match its entry", j)));
        }
        pos += len as usize;
    }
    if pos != seg.sample_offsets_offset {
        return Err(bad("index region has bytes after its last sample".to_string()));
    }
    Ok(())
}

fn bad(what: String) -> Error {
    Error::corruption(format!("segment {}; restore the segment from a backup", what))
}

/// Checks each chunk of `[0, crcs_offset)` against its stored crc (the region after it).
pub(super) fn verify_chunks(bytes: &[u8], crcs_offset: usize) -> Result<()> {
    for (i, chunk) in bytes[..crcs_offset].chunks(SEGMENT_CHUNK_SIZE).enumerate() {
        if crc32c(chunk) != u32_at(bytes, crcs_offset + 4 * i) {
            return Err(bad(format!("chunk {} (bytes {}..) fails its checksum", i, i * SEGMENT_CHUNK_SIZE)));
        }
    }
    Ok(())
}

/// crc32c of the whole file from its (verified) chunk crcs: whole chunks are folded with a shift
/// operator; only the last partial chunk and the small tail are read again.
pub(super) fn whole_file_crc(bytes: &[u8], crcs_offset: usize) -> u32 {
    let full = crcs_offset / SEGMENT_CHUNK_SIZE;
    let mut crc = 0;
    for i in 0..full {
        crc = crc32c_shift(&CHUNK_SHIFT, crc) ^ u32_at(bytes, crcs_offset + 4 * i);
    }
    crc32c_append(crc, &bytes[full * SEGMENT_CHUNK_SIZE..])
}
