//! A loaded segment: the file's bytes, kept as they are, searched in place.
//!
//! Layout (integers little-endian; the authoritative drawing is E1's to write here):
//! data region of entries, then an array of u32 entry offsets (for binary search without parsing),
//! then one CRC32C per SEGMENT_CHUNK_SIZE chunk of everything before the footer, then a fixed
//! footer (magic, format version, segment id, entry count, min/max seq, region offsets, footer crc).

use super::SegmentEntry;
use crate::error::Result;

pub struct Segment {
    _private: (),
}

impl Segment {
    /// Takes ownership of a file's bytes, checks the footer and every chunk checksum.
    /// Errors: `Truncated` (too short), `Corruption` (bad magic or checksum, offsets out of range),
    /// `UnsupportedFormat` (a newer format version).
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Segment> {
        let _ = bytes;
        unimplemented!("E1")
    }
    pub fn id(&self) -> u64 {
        unimplemented!("E1")
    }
    /// Number of entries (versions), tombstones included.
    pub fn len(&self) -> usize {
        unimplemented!("E1")
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The whole file.
    pub fn bytes(&self) -> &[u8] {
        unimplemented!("E1")
    }
    pub fn max_seq(&self) -> u64 {
        unimplemented!("E1")
    }
    /// Entry `index` (< len()).
    pub fn entry(&self, index: usize) -> SegmentEntry<'_> {
        let _ = index;
        unimplemented!("E1")
    }
    /// Index of the first entry whose key is >= `key` (len() if none).
    pub fn lower_bound(&self, key: &[u8]) -> usize {
        let _ = key;
        unimplemented!("E1")
    }
    /// The newest version of `key` with seq <= `snapshot`, tombstones included; None if this
    /// segment has no such version.
    pub fn get(&self, key: &[u8], snapshot: u64) -> Option<SegmentEntry<'_>> {
        let _ = (key, snapshot);
        unimplemented!("E1")
    }
    /// The newest version of `key` regardless of snapshot (for write-conflict checks).
    pub fn latest_seq(&self, key: &[u8]) -> Option<u64> {
        let _ = key;
        unimplemented!("E1")
    }
}
