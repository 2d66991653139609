//! The manifest: the one file replaced atomically at each checkpoint. It names the live segments,
//! the collections' index files, and the first WAL generation still needed.
//!
//! Layout (integers little-endian; `n` segments, `x` index files; each part starts where the one
//! before ends):
//!
//! ```text
//! offset        size    field
//! 0             8       magic "SOCHMAN1"
//! 8             4       format_version u32                 MANIFEST_FORMAT_VERSION (2)
//! 12            8       checkpoint_seq u64
//! 20            8       wal_generation u64
//! 28            8       next_segment_id u64                (ids of segments and index files)
//! 36            4       segment_count u32                  = n
//! 40            20 * n  segments, newest first: id u64 | byte length u64 | crc32c of the file u32
//! 40 + 20n      4       index_count u32                    = x (version 2 only)
//! ..            ..      x index files: id u64 | byte length u64 | crc32c u32 (the file's own
//!                       trailing one) | key_len u32 | collection key
//! ..            4       crc32c u32 of every byte before it
//! ```
//! Version 1 (no index section) is still read. Magic and version are read before the checksum,
//! so a file from a newer format is reported as such rather than as damage.

use crate::codec::{crc32c, Reader};
use crate::error::{Error, ErrorCode, Result};
use crate::limits::KEY_SIZE_MAX;

pub const MANIFEST_FORMAT_VERSION: u32 = 2;
/// The first version listing index files.
const MANIFEST_VERSION_WITH_INDEXES: u32 = 2;

const MANIFEST_MAGIC: [u8; 8] = *b"SOCHMAN1";
const SEGMENT_REF_LEN: usize = 8 + 8 + 4;
const INDEX_REF_LEN_MIN: usize = 8 + 8 + 4 + 4;
const CRC_LEN: usize = 4;
const WHAT: &str = "manifest";

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Manifest {
    /// Every commit with seq <= checkpoint_seq is in the segments and index files.
    pub checkpoint_seq: u64,
    /// WAL files with a generation below this one are obsolete; replay starts here.
    pub wal_generation: u64,
    /// The id the next new segment or index file takes.
    pub next_segment_id: u64,
    /// Live segments, newest first.
    pub segments: Vec<SegmentRef>,
    /// One index file per live collection.
    pub indexes: Vec<IndexRef>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SegmentRef {
    pub id: u64,
    pub len: u64,
    pub crc: u32,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IndexRef {
    pub id: u64,
    pub len: u64,
    pub crc: u32,
    /// The collection's `c` key.
    pub collection_key: Vec<u8>,
}

fn corrupt(message: &str) -> Error {
    Error::corruption(format!("manifest {}; restore it from a backup", message))
}

impl Manifest {
    pub fn encode(&self) -> Vec<u8> {
        assert!(self.segments.len() <= u32::MAX as usize && self.indexes.len() <= u32::MAX as usize);
        let mut out = Vec::with_capacity(44 + SEGMENT_REF_LEN * self.segments.len() + 64 * self.indexes.len());
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
        out.extend_from_slice(&(self.indexes.len() as u32).to_le_bytes());
        for index in &self.indexes {
            out.extend_from_slice(&index.id.to_le_bytes());
            out.extend_from_slice(&index.len.to_le_bytes());
            out.extend_from_slice(&index.crc.to_le_bytes());
            out.extend_from_slice(&(index.collection_key.len() as u32).to_le_bytes());
            out.extend_from_slice(&index.collection_key);
        }
        let crc = crc32c(&out);
        out.extend_from_slice(&crc.to_le_bytes());
        out
    }

    /// Errors: `Truncated`, `Corruption` (magic, checksum, trailing bytes, a file named twice),
    /// `UnsupportedFormat`.
    pub fn decode(bytes: &[u8]) -> Result<Manifest> {
        let mut r = Reader::new(bytes, WHAT);
        if r.bytes(MANIFEST_MAGIC.len())? != MANIFEST_MAGIC {
            return Err(corrupt("is not a SochDB manifest (bad magic)"));
        }
        let version = r.u32_le()?;
        if version > MANIFEST_FORMAT_VERSION {
            return Err(Error::new(
                ErrorCode::UnsupportedFormat,
                format!(
                    "manifest format version {} is newer than this engine's {}; upgrade SochDB",
                    version, MANIFEST_FORMAT_VERSION
                ),
            ));
        }
        let mut manifest = Manifest {
            checkpoint_seq: r.u64_le()?,
            wal_generation: r.u64_le()?,
            next_segment_id: r.u64_le()?,
            segments: decode_segments(&mut r)?,
            indexes: Vec::new(),
        };
        if version >= MANIFEST_VERSION_WITH_INDEXES {
            manifest.indexes = decode_indexes(&mut r)?;
        }
        let body_len = r.pos;
        let stored = r.u32_le()?;
        debug_assert_eq!(r.pos, body_len + CRC_LEN);
        if crc32c(&bytes[..body_len]) != stored || version == 0 {
            return Err(corrupt("fails its checksum"));
        }
        if r.remaining() != 0 {
            return Err(corrupt("has bytes after its checksum"));
        }
        manifest.check_unique()?;
        Ok(manifest)
    }

    fn check_unique(&self) -> Result<()> {
        for (i, s) in self.segments.iter().enumerate() {
            if self.segments[..i].iter().any(|o| o.id == s.id) {
                return Err(corrupt(&format!("names segment {} twice", s.id)));
            }
        }
        for (i, index) in self.indexes.iter().enumerate() {
            let earlier = &self.indexes[..i];
            if earlier.iter().any(|o| o.id == index.id || o.collection_key == index.collection_key) {
                return Err(corrupt(&format!("names index file {} or its collection twice", index.id)));
            }
        }
        Ok(())
    }
}

fn decode_segments(r: &mut Reader<'_>) -> Result<Vec<SegmentRef>> {
    let count = r.u32_le()? as usize;
    if count > r.remaining() / SEGMENT_REF_LEN {
        return Err(Error::truncated(WHAT));
    }
    let mut segments = Vec::with_capacity(count);
    for _ in 0..count {
        segments.push(SegmentRef { id: r.u64_le()?, len: r.u64_le()?, crc: r.u32_le()? });
    }
    Ok(segments)
}

fn decode_indexes(r: &mut Reader<'_>) -> Result<Vec<IndexRef>> {
    let count = r.u32_le()? as usize;
    if count > r.remaining() / INDEX_REF_LEN_MIN {
        return Err(Error::truncated(WHAT));
    }
    let mut indexes = Vec::with_capacity(count);
    for _ in 0..count {
        let (id, len, crc) = (r.u64_le()?, r.u64_le()?, r.u32_le()?);
        let key_len = r.u32_le()? as usize;
        if key_len == 0 || key_len > KEY_SIZE_MAX {
            return Err(corrupt("holds a collection key of a bad length"));
        }
        let collection_key = r.bytes(key_len)?.to_vec();
        indexes.push(IndexRef { id, len, crc, collection_key });
    }
    Ok(indexes)
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
            indexes: vec![IndexRef { id: 10, len: 77, crc: 5, collection_key: b"\0soch\0cns\0col".to_vec() }],
        }
    }

    #[test]
    fn manifest_round_trips() {
        let m = sample();
        let bytes = m.encode();
        assert_eq!(bytes.len(), 48 + 40 + 24 + 13);
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
        bytes[8] = 3;
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
        let mut m = sample();
        m.indexes.push(IndexRef { id: 12, ..m.indexes[0].clone() });
        assert_eq!(Manifest::decode(&m.encode()).unwrap_err().code, ErrorCode::Corruption);
    }

    /// A version 1 manifest: no index section.
    fn encode_v1(m: &Manifest) -> Vec<u8> {
        let mut out = m.encode();
        out[8] = 1;
        let index_section = 4 + m.indexes.iter().map(|i| 24 + i.collection_key.len()).sum::<usize>();
        out.truncate(out.len() - CRC_LEN - index_section);
        let crc = crc32c(&out);
        out.extend_from_slice(&crc.to_le_bytes());
        out
    }

    #[test]
    fn a_version_1_manifest_is_still_read() {
        let m = Manifest { indexes: Vec::new(), ..sample() };
        let bytes = encode_v1(&sample());
        assert_eq!(bytes.len(), 44 + 40);
        assert_eq!(Manifest::decode(&bytes).unwrap(), m);
    }
}
