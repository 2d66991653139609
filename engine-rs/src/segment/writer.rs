//! Builds a segment file. See `reader.rs` for the layout.

/// Accumulates entries and produces the segment's bytes.
pub struct SegmentWriter {
    _private: (),
}

impl SegmentWriter {
    /// A writer for segment `segment_id`. `expected_bytes` is a capacity hint.
    pub fn new(segment_id: u64, expected_bytes: usize) -> SegmentWriter {
        let _ = (segment_id, expected_bytes);
        unimplemented!("E1")
    }

    /// Adds one entry. Entries must come in (key ascending, seq descending) order; a key may repeat
    /// with strictly decreasing seqs (versions kept for open snapshots). Out of order is a bug in the
    /// caller: `assert!`.
    pub fn add(&mut self, key: &[u8], seq: u64, value: Option<&[u8]>) {
        let _ = (key, seq, value);
        unimplemented!("E1")
    }

    /// Entries added so far.
    pub fn len(&self) -> usize {
        unimplemented!("E1")
    }

    /// The finished file: data, entry offsets, chunk checksums, footer.
    pub fn finish(self) -> Vec<u8> {
        unimplemented!("E1")
    }
}
