//! Immutable sorted segment files: what a checkpoint writes and `open` loads back.

mod check;
mod format;
mod key_hash;
mod merge;
mod reader;
#[cfg(test)]
mod tests;
mod writer;

pub use merge::{merge_sources, MergeSource, SegmentSource};
pub use reader::Segment;
pub use writer::SegmentWriter;

/// One version of one key as a segment holds it. `value == None` is a tombstone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SegmentEntry<'a> {
    pub key: &'a [u8],
    pub seq: u64,
    pub value: Option<&'a [u8]>,
}
