//! The manifest: the one file replaced atomically at each checkpoint. It names the live segments
//! and the first WAL generation still needed.
//!
//! Layout (E1 draws it byte by byte here): magic "SOCHMAN1", format version u32, checkpoint_seq u64,
//! wal_generation u64, next_segment_id u64, segment count u32, per segment (id u64, byte length u64,
//! crc32c of the whole segment file u32), then crc32c u32 of everything before it.

use crate::error::Result;

pub const MANIFEST_FORMAT_VERSION: u32 = 1;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Manifest {
    /// Every commit with seq <= checkpoint_seq is in the segments.
    pub checkpoint_seq: u64,
    /// WAL files with a generation below this one are obsolete; replay starts here.
    pub wal_generation: u64,
    /// The id the next new segment takes.
    pub next_segment_id: u64,
    /// Live segments, newest first.
    pub segments: Vec<SegmentRef>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SegmentRef {
    pub id: u64,
    pub len: u64,
    pub crc: u32,
}

impl Manifest {
    pub fn encode(&self) -> Vec<u8> {
        unimplemented!("E1")
    }
    /// Errors: `Truncated`, `Corruption` (magic or checksum), `UnsupportedFormat`.
    pub fn decode(bytes: &[u8]) -> Result<Manifest> {
        let _ = bytes;
        unimplemented!("E1")
    }
}
