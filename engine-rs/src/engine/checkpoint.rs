//! Checkpoint: one new segment made by merging the memtable with the newest few live segments
//! (see `merge_policy`), an index file per collection changed since the last checkpoint (after
//! dropping the tombstones of collections that hold too many: `collections/compact.rs`), a new
//! manifest, and a new WAL generation.
//!
//! The engine switches to the new state before returning; the host then persists it in the order
//! ABI.md gives (new files, new WAL file, manifest, then removals). Versions an open snapshot or
//! cursor can still read survive the merge, so reads in progress keep their view.

use super::merge_policy::{fold_min, segments_to_fold};
use super::state::Engine;
use crate::checkpoint::{index_file_name, segment_file_name, Manifest, SegmentRef};
use crate::error::{Error, Result};
use crate::segment::{merge_sources, MergeSource, Segment, SegmentSource, SegmentWriter};
use crate::wal::{wal_file_header, WAL_HEADER_LEN};

/// What the host persists after a checkpoint. The files' bytes are read, as pieces, with
/// `Engine::checkpoint_file_pieces(name)` right after the checkpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckpointOutput {
    /// The new segment (its file is the first of `write_files`).
    pub segment_id: u64,
    /// The encoded manifest, to replace `MANIFEST` atomically.
    pub manifest: Vec<u8>,
    /// Files to write (atomically) before replacing the manifest: the segment, then index files.
    pub write_files: Vec<String>,
    /// Files to remove once the manifest is replaced: folded segments, replaced or dropped
    /// collections' index files.
    pub remove_files: Vec<String>,
    /// Commits from now on append to this generation.
    pub wal_generation: u64,
    pub wal_header: [u8; WAL_HEADER_LEN],
}

impl Engine {
    /// Writes a checkpoint. `None` when nothing changed since the last one and `force` is false.
    /// `force` also folds every live segment into one (a full compaction). Collections over the
    /// tombstone limits (with `force`, any holding a tombstone) are compacted first, and large
    /// graphs with many new nodes laid out for locality (`collections/layout.rs`).
    /// Errors: `InvalidState` while WAL records are pending (take and persist them first).
    pub fn checkpoint(&mut self, force: bool) -> Result<Option<CheckpointOutput>> {
        self.require_open()?;
        if self.wal.pending_bytes() > 0 {
            let message = "WAL records are pending: take and persist them before a checkpoint";
            return Err(Error::invalid_state(message));
        }
        if self.memtable.is_empty() && !force {
            return Ok(None);
        }
        let segment_id = self.next_segment_id;
        // The new segment's buffer first, the largest allocation: when memory cannot hold it,
        // nothing has changed yet.
        let wanted = if force { self.segments.len() } else { self.fold_count() };
        let (fold, writer) = self.segment_writer(segment_id, wanted)?;
        // Dropping tombstones and laying graphs out change no count, id or exact result (but the
        // order of exact ties), so they may come first.
        self.compact_collections(force)?;
        self.lay_out_collections()?;
        // Then the one step that can fail: nothing else has changed yet.
        let index_files = self.encode_changed_indexes(segment_id + 1)?;
        let segment = self.merge_into_segment(writer, fold);
        let mut remove_files: Vec<String> =
            self.segments.drain(..fold).map(|segment| segment_file_name(segment.id())).collect();
        self.segments.insert(0, segment);
        self.memtable.clear();
        remove_files.extend(self.install_index_files(&index_files));
        let mut write_files = vec![segment_file_name(segment_id)];
        write_files.extend(index_files.iter().map(|new| index_file_name(new.file.id)));
        self.written_files = index_files.into_iter().map(|new| (index_file_name(new.file.id), new)).collect();
        self.next_segment_id += 1 + self.written_files.len() as u64;
        self.checkpoint_seq = self.last_seq;
        self.wal_generation += 1;
        Ok(Some(CheckpointOutput {
            segment_id,
            manifest: self.manifest().encode(),
            write_files,
            remove_files,
            wal_generation: self.wal_generation,
            wal_header: wal_file_header(self.wal_generation),
        }))
    }

    fn fold_count(&self) -> usize {
        let sizes: Vec<usize> = self.segments.iter().map(|segment| segment.bytes().len()).collect();
        segments_to_fold(self.memtable.bytes(), &sizes)
    }

    /// A writer sized for the memtable and the newest `fold` live segments, and the fold it is
    /// for. When memory cannot hold that merge, the smallest fold the live-segment limit allows
    /// (the memtable alone, usually): fewer bytes now, merged by a later checkpoint. Errors:
    /// `OutOfMemory` when even that does not fit.
    fn segment_writer(&self, segment_id: u64, fold: usize) -> Result<(usize, SegmentWriter)> {
        let expected_bytes = |fold: usize| self.memtable.bytes() + self.segments[..fold].iter().map(|segment| segment.bytes().len()).sum::<usize>();
        let mut wanted = SegmentWriter::try_new(segment_id, expected_bytes(fold)).map(|writer| (fold, writer));
        let smallest = fold_min(self.segments.len());
        if wanted.is_err() && smallest < fold {
            wanted = SegmentWriter::try_new(segment_id, expected_bytes(smallest)).map(|writer| (smallest, writer));
        }
        // Handled here (a smaller fold, or the error below): a later trap is not this failure's.
        crate::abi::memory::forget_alloc_failure();
        wanted.map_err(|bytes| {
            Error::out_of_memory("A checkpoint's new segment", bytes, "nothing changed, and committed writes are safe in the WAL")
        })
    }

    /// A segment holding the memtable and the newest `fold` live segments, written by `writer`.
    fn merge_into_segment(&self, mut writer: SegmentWriter, fold: usize) -> Segment {
        let folded = &self.segments[..fold];
        let mut memtable_source = self.memtable.source();
        let mut segment_sources: Vec<SegmentSource<'_>> = folded.iter().map(SegmentSource::new).collect();
        let mut sources: Vec<&mut dyn MergeSource<'_>> = Vec::with_capacity(fold + 1);
        sources.push(&mut memtable_source);
        for source in segment_sources.iter_mut() {
            sources.push(source);
        }
        // Only when nothing older remains can a tombstone go: no older version is left to hide.
        let drop_tombstones = fold == self.segments.len();
        merge_sources(&mut sources, &mut writer, self.read_horizon(), drop_tombstones);
        writer.finish_segment()
    }

    fn manifest(&self) -> Manifest {
        let segments = self.segments.iter().map(|segment| SegmentRef {
            id: segment.id(),
            len: segment.bytes().len() as u64,
            crc: segment.file_crc(),
        });
        Manifest {
            checkpoint_seq: self.checkpoint_seq,
            wal_generation: self.wal_generation,
            next_segment_id: self.next_segment_id,
            segments: segments.collect(),
            indexes: self.index_refs(),
        }
    }
}
