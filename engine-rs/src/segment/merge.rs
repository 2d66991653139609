//! K-way merge of sorted version streams into one segment, keeping only the versions some open
//! snapshot can still see.

use super::{SegmentEntry, SegmentWriter};

/// A sorted source of versions: (key ascending, seq descending). Sources are given newest first;
/// the same (key, seq) never appears in two sources.
pub trait MergeSource<'a> {
    /// The current entry, or None when exhausted.
    fn peek(&self) -> Option<SegmentEntry<'a>>;
    fn advance(&mut self);
}

/// Merges `sources` into `writer`. For each key it keeps every version with seq > `oldest_snapshot`
/// plus the newest version with seq <= `oldest_snapshot` (what the oldest open snapshot reads);
/// older versions are dropped. When `drop_tombstones` is true (the output becomes the oldest live
/// segment), a tombstone that would be the only kept version is dropped too. Returns entries written.
pub fn merge_sources<'a>(
    sources: &mut [&mut dyn MergeSource<'a>],
    writer: &mut SegmentWriter,
    oldest_snapshot: u64,
    drop_tombstones: bool,
) -> usize {
    let _ = (sources, writer, oldest_snapshot, drop_tombstones);
    unimplemented!("E1")
}
