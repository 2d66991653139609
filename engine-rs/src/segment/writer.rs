//! Builds a segment file. See `reader.rs` for the layout.

use super::format::*;
use super::reader::Segment;
use crate::codec::crc32c;
use crate::limits::SEGMENT_CHUNK_SIZE;

/// Accumulates entries and produces the segment's bytes.
pub struct SegmentWriter {
    segment_id: u64,
    /// Entries, then (at `finish`) offsets, chunk checksums and footer: the file grows in place.
    buf: Vec<u8>,
    offsets: Vec<u32>,
    /// Every INDEX_STRIDE-th key (`key_len varint | key`) and where each starts in `samples`.
    samples: Vec<u8>,
    sample_starts: Vec<u32>,
    /// The previous entry's key, as a range of `buf`, and seq: for the order check without a copy.
    last_key: (usize, usize),
    last_seq: u64,
    min_seq: u64,
    max_seq: u64,
}

impl SegmentWriter {
    /// A writer for segment `segment_id`. `expected_bytes` (the entries' bytes, a hint) sizes the
    /// buffer with room for the offsets, samples and checksums after them, so a large segment is
    /// built in place: growing a full buffer would double it (for a moment, three times its size
    /// in wasm memory, which never shrinks).
    pub fn new(segment_id: u64, expected_bytes: usize) -> SegmentWriter {
        SegmentWriter {
            segment_id,
            buf: Vec::with_capacity(capacity_for(expected_bytes)),
            offsets: Vec::new(),
            samples: Vec::new(),
            sample_starts: Vec::new(),
            last_key: (0, 0),
            last_seq: 0,
            min_seq: u64::MAX,
            max_seq: 0,
        }
    }

    /// `new`, but a buffer the allocator cannot give is an `Err` of its size instead of an abort.
    pub fn try_new(segment_id: u64, expected_bytes: usize) -> Result<SegmentWriter, usize> {
        let capacity = capacity_for(expected_bytes);
        let mut buf = Vec::new();
        buf.try_reserve_exact(capacity).map_err(|_| capacity)?;
        Ok(SegmentWriter { buf, ..SegmentWriter::new(segment_id, 0) })
    }

    /// Adds one entry. Entries must come in (key ascending, seq descending) order; a key may repeat
    /// with strictly decreasing seqs (versions kept for open snapshots). Out of order is a bug in the
    /// caller: `assert!`.
    pub fn add(&mut self, key: &[u8], seq: u64, value: Option<&[u8]>) {
        assert!(!key.is_empty() && key.len() <= crate::limits::KEY_SIZE_MAX, "segment key length out of range");
        if let Some(v) = value {
            assert!(v.len() <= crate::limits::VALUE_SIZE_MAX, "segment value too large");
        }
        if !self.offsets.is_empty() {
            let prev = &self.buf[self.last_key.0..self.last_key.1];
            assert!(
                prev < key || (prev == key && self.last_seq > seq),
                "segment entries must come in (key ascending, seq descending) order"
            );
        }
        let start = self.buf.len();
        // Offsets are u32: one segment's entries stay under 4 GiB (wasm32's whole address space).
        assert!(start <= u32::MAX as usize, "segment data region over 4 GiB");
        if self.offsets.len() % INDEX_STRIDE == 0 {
            self.sample_starts.push(self.samples.len() as u32);
            crate::codec::put_varint(&mut self.samples, key.len() as u64);
            self.samples.extend_from_slice(key);
        }
        self.offsets.push(start as u32);
        put_entry(&mut self.buf, key, seq, value);
        let key_start = start + crate::codec::varint_len(key.len() as u64);
        self.last_key = (key_start, key_start + key.len());
        self.last_seq = seq;
        self.min_seq = self.min_seq.min(seq);
        self.max_seq = self.max_seq.max(seq);
    }

    /// Entries added so far.
    pub fn len(&self) -> usize {
        self.offsets.len()
    }

    pub fn is_empty(&self) -> bool {
        self.offsets.is_empty()
    }

    /// Bytes of entry data so far (the file will be a little larger).
    pub fn data_len(&self) -> usize {
        self.buf.len()
    }

    /// The finished file: data, entry offsets, chunk checksums, footer.
    pub fn finish(self) -> Vec<u8> {
        self.finish_with_crc().0
    }

    /// The finished file already loaded as a `Segment` (no re-validation: the writer built it), so a
    /// checkpoint keeps the bytes it hands the host without a second copy or pass.
    pub fn finish_segment(self) -> Segment {
        let (bytes, crc) = self.finish_with_crc();
        match Segment::from_written(bytes, crc) {
            Ok(seg) => seg,
            Err(e) => panic!("segment writer produced a bad footer: {}", e),
        }
    }

    fn finish_with_crc(mut self) -> (Vec<u8>, u32) {
        let count = self.offsets.len();
        let offsets_offset = self.buf.len();
        let samples_offset = offsets_offset + 4 * count;
        let sample_offsets_offset = samples_offset + self.samples.len();
        let crcs_offset = sample_offsets_offset + 4 * self.sample_starts.len();
        assert!(crcs_offset <= u32::MAX as usize, "segment body over 4 GiB");
        let chunk_count = (crcs_offset + SEGMENT_CHUNK_SIZE - 1) / SEGMENT_CHUNK_SIZE;
        // Exact: a short hint costs one copy here, not a doubled buffer.
        self.buf.reserve_exact(crcs_offset - offsets_offset + 4 * chunk_count + FOOTER_LEN);
        for &o in &self.offsets {
            self.buf.extend_from_slice(&o.to_le_bytes());
        }
        self.buf.extend_from_slice(&self.samples);
        for &o in &self.sample_starts {
            self.buf.extend_from_slice(&(samples_offset as u32 + o).to_le_bytes());
        }
        debug_assert_eq!(self.buf.len(), crcs_offset);
        for i in 0..chunk_count {
            let end = crcs_offset.min((i + 1) * SEGMENT_CHUNK_SIZE);
            let crc = crc32c(&self.buf[i * SEGMENT_CHUNK_SIZE..end]);
            self.buf.extend_from_slice(&crc.to_le_bytes());
        }
        let (min_seq, max_seq) = if count == 0 { (0, 0) } else { (self.min_seq, self.max_seq) };
        let footer_start = self.buf.len();
        let fields = [
            self.segment_id,
            count as u64,
            min_seq,
            max_seq,
            offsets_offset as u64,
            samples_offset as u64,
            sample_offsets_offset as u64,
            crcs_offset as u64,
            chunk_count as u64,
        ];
        for v in fields {
            self.buf.extend_from_slice(&v.to_le_bytes());
        }
        self.buf.extend_from_slice(&(INDEX_STRIDE as u32).to_le_bytes());
        self.buf.extend_from_slice(&SEGMENT_FORMAT_VERSION.to_le_bytes());
        self.buf.extend_from_slice(&SEGMENT_MAGIC);
        let footer_crc = crc32c(&self.buf[footer_start..]);
        self.buf.extend_from_slice(&footer_crc.to_le_bytes());
        debug_assert_eq!(self.buf.len() - footer_start, FOOTER_LEN);
        let file_crc = super::check::whole_file_crc(&self.buf, crcs_offset);
        // The capacity hint over-estimates (it counts memtable overhead); a live segment is kept
        // for a long time, so give the slack back to the allocator.
        self.buf.shrink_to_fit();
        (self.buf, file_crc)
    }
}

/// The buffer for a hint of `expected_bytes`.
fn capacity_for(expected_bytes: usize) -> usize {
    if expected_bytes == 0 {
        0
    } else {
        expected_bytes.saturating_add(trailer_room(expected_bytes))
    }
}

/// Room after a hint of `data_bytes` for the trailer: offsets and samples (hints count more per
/// entry than an entry takes here, the memtable's overhead or folded segments' own trailers, so an
/// eighth usually covers them; else `finish` copies once), chunk checksums and the footer.
fn trailer_room(data_bytes: usize) -> usize {
    data_bytes / 8 + 4 * (data_bytes / SEGMENT_CHUNK_SIZE + 1) + FOOTER_LEN + 4096
}

#[cfg(test)]
mod tests {
    use super::SegmentWriter;

    #[test]
    fn a_segment_hinted_its_data_size_is_finished_in_place() {
        // Large values and few entries: the trailer is all the hint leaves out.
        let value = vec![7u8; 1 << 20];
        let keys: Vec<Vec<u8>> = (0..8).map(|i| format!("key-{}", i).into_bytes()).collect();
        let data: usize = keys.iter().map(|k| k.len() + value.len()).sum();
        let mut writer = SegmentWriter::new(1, data);
        let start = writer.buf.as_ptr();
        for key in &keys {
            writer.add(key, 1, Some(&value));
        }
        assert_eq!(writer.buf.as_ptr(), start, "entries fit the hint");
        let capacity = writer.buf.capacity();
        let (bytes, _) = writer.finish_with_crc();
        assert!(bytes.len() <= capacity, "the trailer fit too: {} > {}", bytes.len(), capacity);
    }
}
