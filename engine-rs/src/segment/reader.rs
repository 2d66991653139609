//! A loaded segment: the file's bytes, kept as they are, searched in place.
//!
//! Layout (integers little-endian; `n` entries, `m = ceil(n / stride)` index samples, `c` chunks;
//! each region starts where the one before ends):
//!
//! ```text
//! offset                                  size       region
//! 0                                       data_len   data: n entries, by (key asc, seq desc)
//! offsets_offset = data_len               4n         entry offsets: u32 start of entry i
//! samples_offset = offsets_offset + 4n    samples    index samples: the key of every stride-th
//!                                                    entry (0, stride, 2 stride...) as
//!                                                    key_len varint | key
//! sample_offsets_offset                   4m         sample offsets: u32 file offset of sample j
//!   = samples_offset + samples
//! crcs_offset = sample_offsets_offset+4m  4c         chunk crcs: u32 crc32c of each
//!                                                    SEGMENT_CHUNK_SIZE chunk of [0, crcs_offset),
//!                                                    the last may be shorter;
//!                                                    c = ceil(crcs_offset / SEGMENT_CHUNK_SIZE)
//! footer_offset = crcs_offset + 4c        92         footer, ending the file
//!
//! entry  = key_len varint | key | seq varint | flags u8 (bit 0: tombstone)
//!          | value_len varint | value          -- value_len and value only when not a tombstone
//!
//! footer (offsets from its start; the `*_OFFSET` constants of `format.rs`):
//! 0   segment_id u64
//! 8   entry_count u64                 n
//! 16  min_seq u64                     0 when n == 0
//! 24  max_seq u64                     0 when n == 0
//! 32  offsets_offset u64
//! 40  samples_offset u64
//! 48  sample_offsets_offset u64
//! 56  crcs_offset u64
//! 64  chunk_count u64                 c
//! 72  index_stride u32                INDEX_STRIDE (16) when written; 1..=4096 accepted
//! 76  format_version u32              SEGMENT_FORMAT_VERSION (1)
//! 80  magic "SOCHSEG1" (8)
//! 88  footer_crc u32                  crc32c of footer bytes [0, 88)
//! 92  end of file
//! ```
//! Every byte is under a checksum: the body by its chunk crcs, the crcs by comparison with the
//! body, the footer by its own. Magic and version end the file, so any reader finds them.
//! `from_bytes` also checks every entry's bounds and order and every sample (`check.rs`), so the
//! accessors below have no error paths. A lookup binary-searches the small sample index, then the
//! offsets of one stride of entries (one cache line of offsets, contiguous data): no parsing at
//! load, few cache misses per lookup.

use super::check;
use super::format::*;
use super::key_hash::KeyHash;
use super::SegmentEntry;
use crate::error::Result;
use std::cmp::Ordering;

/// Bytes of a value `prefetch_gets` starts loading from its start.
const PREFETCH_VALUE_HEAD: usize = 4096;

pub struct Segment {
    pub(super) bytes: Vec<u8>,
    pub(super) id: u64,
    pub(super) count: usize,
    pub(super) offsets_offset: usize,
    pub(super) samples_offset: usize,
    pub(super) sample_offsets_offset: usize,
    pub(super) sample_count: usize,
    pub(super) stride: usize,
    pub(super) min_seq: u64,
    pub(super) max_seq: u64,
    pub(super) file_crc: u32,
    /// Point reads' index; `None` only inside `check`, before the segment is complete.
    pub(super) keys: Option<KeyHash>,
}

impl Segment {
    /// Takes ownership of a file's bytes, checks the footer and every chunk checksum.
    /// Errors: `Truncated` (too short), `Corruption` (bad magic or checksum, offsets out of range),
    /// `UnsupportedFormat` (a newer format version).
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Segment> {
        let seg = check::parse_footer(bytes)?;
        let crcs_offset = seg.sample_offsets_offset + 4 * seg.sample_count;
        check::verify_chunks(&seg.bytes, crcs_offset)?;
        check::verify_entries(&seg)?;
        check::verify_samples(&seg)?;
        let file_crc = check::whole_file_crc(&seg.bytes, crcs_offset);
        Ok(Segment { file_crc, ..seg }.with_key_hash())
    }

    /// A segment the writer just built: footer parsed, the rest trusted.
    pub(super) fn from_written(bytes: Vec<u8>, file_crc: u32) -> Result<Segment> {
        let seg = check::parse_footer(bytes)?;
        Ok(Segment { file_crc, ..seg }.with_key_hash())
    }

    fn with_key_hash(mut self) -> Segment {
        self.keys = Some(KeyHash::build(self.count, |i| self.key(i)));
        self
    }

    pub fn id(&self) -> u64 {
        self.id
    }
    /// Number of entries (versions), tombstones included.
    pub fn len(&self) -> usize {
        self.count
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The whole file.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }
    pub fn max_seq(&self) -> u64 {
        self.max_seq
    }
    /// Smallest seq of any entry (0 when empty).
    pub fn min_seq(&self) -> u64 {
        self.min_seq
    }
    /// crc32c of the whole file, as the manifest records it; derived from the chunk checksums at
    /// load, so checking it against the manifest costs no second pass over the file.
    pub fn file_crc(&self) -> u32 {
        self.file_crc
    }

    /// Key of entry `index` (< len()).
    #[inline]
    pub fn key(&self, index: usize) -> &[u8] {
        let mut p = u32_at(&self.bytes, self.offsets_offset + 4 * index) as usize;
        let len = varint_at(&self.bytes, &mut p) as usize;
        &self.bytes[p..p + len]
    }

    /// Entry `index` (< len()).
    #[inline]
    pub fn entry(&self, index: usize) -> SegmentEntry<'_> {
        self.entry_at(u32_at(&self.bytes, self.offsets_offset + 4 * index) as usize)
    }

    /// The entry that starts at byte `p` (an entry offset).
    #[inline]
    fn entry_at(&self, mut p: usize) -> SegmentEntry<'_> {
        let b = &self.bytes[..];
        let key_len = varint_at(b, &mut p) as usize;
        let key = &b[p..p + key_len];
        p += key_len;
        let seq = varint_at(b, &mut p);
        let flags = b[p];
        p += 1;
        let value = if flags & FLAG_TOMBSTONE != 0 {
            None
        } else {
            let len = varint_at(b, &mut p) as usize;
            Some(&b[p..p + len])
        };
        SegmentEntry { key, seq, value }
    }

    /// Seq of entry `index`, whose key is `key_len` bytes long.
    #[inline]
    fn seq_after_key(&self, index: usize, key_len: usize) -> u64 {
        let mut p = u32_at(&self.bytes, self.offsets_offset + 4 * index) as usize;
        varint_at(&self.bytes, &mut p);
        p += key_len;
        varint_at(&self.bytes, &mut p)
    }

    #[inline]
    fn sample(&self, j: usize) -> &[u8] {
        let mut p = u32_at(&self.bytes, self.sample_offsets_offset + 4 * j) as usize;
        let len = varint_at(&self.bytes, &mut p) as usize;
        &self.bytes[p..p + len]
    }

    /// The entry range `[lo, hi)` that holds every version of `key` and the first entry past it:
    /// entries before `lo` have smaller keys, the entry at `hi` (if any) a larger one.
    #[inline]
    fn narrow(&self, key: &[u8]) -> (usize, usize) {
        let below = partition(self.sample_count, |j| self.sample(j) < key);
        let mut above = below;
        if above < self.sample_count && self.sample(above) == key {
            // Versions of `key` span samples: find the first sample past them.
            above += partition(self.sample_count - above, |j| self.sample(above + j) <= key);
        }
        let lo = below.saturating_sub(1) * self.stride;
        let hi = (above * self.stride).min(self.count);
        (lo, hi)
    }

    /// Index of the first entry whose key is >= `key` (len() if none).
    pub fn lower_bound(&self, key: &[u8]) -> usize {
        let (lo, hi) = self.narrow(key);
        lo + partition(hi - lo, |i| self.key(lo + i) < key)
    }

    /// Index of the first entry at or after (`key`, `snapshot`) in (key asc, seq desc) order: the
    /// newest version of `key` visible at `snapshot` when that entry has `key`.
    pub fn seek(&self, key: &[u8], snapshot: u64) -> usize {
        let (lo, hi) = self.narrow(key);
        lo + partition(hi - lo, |i| match self.key(lo + i).cmp(key) {
            Ordering::Less => true,
            Ordering::Greater => false,
            Ordering::Equal => self.seq_after_key(lo + i, key.len()) > snapshot,
        })
    }

    /// The newest version of `key` with seq <= `snapshot`, tombstones included; None if this
    /// segment has no such version.
    #[inline]
    pub fn get(&self, key: &[u8], snapshot: u64) -> Option<SegmentEntry<'_>> {
        let mut i = self.first_version(key)?;
        // Versions of a key follow one another, newest first.
        while i < self.count {
            let entry = self.entry(i);
            if entry.key != key {
                return None;
            }
            if entry.seq <= snapshot {
                return Some(entry);
            }
            i += 1;
        }
        None
    }

    /// Starts loading what `get` will read for each of `keys`: a lookup is three dependent
    /// cache misses (hash slot, entry offset, entry), so a batch goes through them in passes, each
    /// pass touching the next level for every key, and the misses of different keys overlap.
    /// Only a hint: keys this segment lacks cost a hash each.
    pub fn prefetch_gets<'k>(&self, keys: impl Iterator<Item = &'k [u8]>) {
        let table = match &self.keys {
            Some(table) => table,
            None => return,
        };
        let hashes: Vec<u64> = keys.map(|key| table.touch(key)).collect();
        let offsets: Vec<usize> = hashes
            .iter()
            .filter_map(|&h| table.first_index(h))
            .map(|index| {
                let at = self.offsets_offset + 4 * index;
                crate::cache_hint::touch_slice(&self.bytes[at..at + 4]);
                at
            })
            .collect();
        let starts: Vec<usize> = offsets
            .iter()
            .map(|&at| {
                let p = u32_at(&self.bytes, at) as usize;
                crate::cache_hint::touch_slice(&self.bytes[p..p + 1]);
                p
            })
            .collect();
        for p in starts {
            if let Some(value) = self.entry_at(p).value {
                // Its head (a document's vector and metadata) and its last byte (a record's
                // flags); a long content is read in full only by whoever needs it.
                crate::cache_hint::touch_slice(&value[..value.len().min(PREFETCH_VALUE_HEAD)]);
                crate::cache_hint::touch_slice(&value[value.len().saturating_sub(1)..]);
            }
        }
    }

    /// The newest version of `key` regardless of snapshot (for write-conflict checks).
    pub fn latest_seq(&self, key: &[u8]) -> Option<u64> {
        let i = self.first_version(key)?;
        if i < self.count && self.key(i) == key {
            Some(self.seq_after_key(i, key.len()))
        } else {
            None
        }
    }

    /// Where `key`'s newest version is (or would be): the key hash's answer, `None` when the
    /// segment lacks the key; before the hash exists (inside `check`), the binary search's.
    #[inline]
    fn first_version(&self, key: &[u8]) -> Option<usize> {
        match &self.keys {
            Some(keys) => keys.find(key, |j| self.key(j)),
            None => Some(self.lower_bound(key)),
        }
    }
}

/// The number of leading items in `0..len` for which `before` holds (it must hold on a prefix).
#[inline(always)]
fn partition(len: usize, before: impl Fn(usize) -> bool) -> usize {
    let (mut lo, mut hi) = (0, len);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if before(mid) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}
