//! The manifest: the one file replaced atomically at each checkpoint. It names the live segments
//! and the first WAL generation still needed.
//!
//! Layout (integers little-endian; `n` segments; each offset derives from the one before):
//!
//! ```text
//! offset        size    field
//! 0             8       magic "SOCHMAN1"
//! 8             4       format_version u32                 MANIFEST_FORMAT_VERSION (1)
//! 12            8       checkpoint_seq u64
//! 20            8       wal_generation u64
//! 28            8       next_segment_id u64
//! 36            4       segment_count u32                  = n
//! 40            20 * n  segments, newest first: id u64 | byte length u64 | crc32c of the file u32
//! 40 + 20n      4       crc32c u32 of bytes [0, 40 + 20n)
//! 44 + 20n              end of file
//! ```
//! Magic and version are read before the checksum, so a file from a newer format is reported as
//! such rather than as damage.

use crate::codec::{crc32c, Reader};
use crate::error::{Error, ErrorCode, Result};

pub const MANIFEST_FORMAT_VERSION: u32 = 1;

const MANIFEST_MAGIC: [u8; 8] = *b"SOCHMAN1";
const VERSION_OFFSET: usize = MANIFEST_MAGIC.len();
const CHECKPOINT_SEQ_OFFSET: usize = VERSION_OFFSET + 4;
const WAL_GENERATION_OFFSET: usize = CHECKPOINT_SEQ_OFFSET + 8;
const NEXT_SEGMENT_ID_OFFSET: usize = WAL_GENERATION_OFFSET + 8;
const SEGMENT_COUNT_OFFSET: usize = NEXT_SEGMENT_ID_OFFSET + 8;
const SEGMENTS_OFFSET: usize = SEGMENT_COUNT_OFFSET + 4;
const SEGMENT_REF_LEN: usize = 8 + 8 + 4;
const CRC_LEN: usize = 4;
const _: () = assert!(SEGMENTS_OFFSET == 40);

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
        assert!(self.segments.len() <= u32::MAX as usize);
        let mut out = Vec::with_capacity(SEGMENTS_OFFSET + SEGMENT_REF_LEN * self.segments.len() + CRC_LEN);
        out.extend_from_slice(&MANIFEST_MAGIC);
        out.extend_from_slice(&MANIFEST_FORMAT_VERSION.to_le_bytes());
        out.extend_from_slice(&self.checkpoint_seq.to_le_bytes());
        out.extend_from_slice(&self.wal_generation.to_le_bytes());
        out.extend_from_slice(&self.next_segment_id.to_le_bytes());
        out.extend_from_slice(&(self.segments.len() as u32).to_le_bytes());
        for s in &self.segments {
            out.extend_from_slice(&s.id.to_le_bytes());
            out.extend_from_slice(&s.len.to_le_bytes());
            out.extend_from_slice(&s.crc.to_le_bytes());
        }
        let crc = crc32c(&out);
        out.extend_from_slice(&crc.to_le_bytes());
        out
    }

    /// Errors: `Truncated`, `Corruption` (magic, checksum, trailing bytes, a segment named twice),
    /// `UnsupportedFormat`.
    pub fn decode(bytes: &[u8]) -> Result<Manifest> {
        let mut r = Reader::new(bytes, "manifest");
        if r.bytes(MANIFEST_MAGIC.len())? != MANIFEST_MAGIC {
            return Err(Error::corruption("this is not a SochDB manifest (bad magic); restore it from a backup"));
        }
        let version = r.u32_le()?;
        if version > MANIFEST_FORMAT_VERSION {
            return Err(Error::new(
                ErrorCode::UnsupportedFormat,
                format!("manifest format version {} is newer than this engine's {}; upgrade SochDB", version, MANIFEST_FORMAT_VERSION),
            ));
        }
        r.pos = SEGMENT_COUNT_OFFSET;
        let count = r.u32_le()? as usize;
        let body_len = (count as u64) * SEGMENT_REF_LEN as u64 + SEGMENTS_OFFSET as u64;
        if (bytes.len() as u64) < body_len + CRC_LEN as u64 {
            return Err(Error::truncated("manifest"));
        }
        if (bytes.len() as u64) > body_len + CRC_LEN as u64 {
            return Err(Error::corruption("manifest has bytes after its checksum; restore it from a backup"));
        }
        let body_len = body_len as usize;
        let mut crc_pos = body_len;
        let stored = crate::codec::get_u32_le(bytes, &mut crc_pos, "manifest")?;
        if crc32c(&bytes[..body_len]) != stored || version == 0 {
            return Err(Error::corruption("manifest fails its checksum; restore it from a backup"));
        }
        r.pos = CHECKPOINT_SEQ_OFFSET;
        let checkpoint_seq = r.u64_le()?;
        let wal_generation = r.u64_le()?;
        let next_segment_id = r.u64_le()?;
        r.pos = SEGMENTS_OFFSET;
        let mut segments = Vec::with_capacity(count);
        for _ in 0..count {
            let s = SegmentRef { id: r.u64_le()?, len: r.u64_le()?, crc: r.u32_le()? };
            if segments.iter().any(|o: &SegmentRef| o.id == s.id) {
                return Err(Error::corruption(format!("manifest names segment {} twice; restore it from a backup", s.id)));
            }
            segments.push(s);
        }
        Ok(Manifest { checkpoint_seq, wal_generation, next_segment_id, segments })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Manifest {
        Manifest {
            checkpoint_seq: 1234,
            wal_generation: 7,
            next_segment_id: 12,
            segments: vec![
                SegmentRef { id: 11, len: 4096, crc: 0xDEAD_BEEF },
                SegmentRef { id: 3, len: 1 << 33, crc: 1 },
            ],
        }
    }

    #[test]
    fn manifest_round_trips() {
        let m = sample();
        let bytes = m.encode();
        assert_eq!(bytes.len(), 44 + 40);
        assert_eq!(Manifest::decode(&bytes).unwrap(), m);
        let empty = Manifest::default();
        assert_eq!(Manifest::decode(&empty.encode()).unwrap(), empty);
    }

    #[test]
    fn manifest_cut_anywhere_is_truncated() {
        let bytes = sample().encode();
        for cut in 0..bytes.len() {
            assert_eq!(Manifest::decode(&bytes[..cut]).unwrap_err().code, ErrorCode::Truncated, "cut {}", cut);
        }
    }

    #[test]
    fn manifest_with_flipped_bit_is_rejected() {
        let bytes = sample().encode();
        for i in 0..bytes.len() {
            for bit in 0..8 {
                let mut b = bytes.clone();
                b[i] ^= 1 << bit;
                assert!(Manifest::decode(&b).is_err(), "byte {} bit {}", i, bit);
            }
        }
    }

    #[test]
    fn newer_manifest_version_is_unsupported() {
        let mut bytes = sample().encode();
        bytes[8] = 2;
        assert_eq!(Manifest::decode(&bytes).unwrap_err().code, ErrorCode::UnsupportedFormat);
    }

    #[test]
    fn manifest_with_trailing_bytes_or_duplicate_segment_is_corruption() {
        let mut bytes = sample().encode();
        bytes.push(0);
        assert_eq!(Manifest::decode(&bytes).unwrap_err().code, ErrorCode::Corruption);
        let mut m = sample();
        m.segments[1].id = 11;
        assert_eq!(Manifest::decode(&m.encode()).unwrap_err().code, ErrorCode::Corruption);
    }
}
