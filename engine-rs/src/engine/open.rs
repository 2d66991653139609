//! Opening: the manifest, then each file it names (collection index files and segments), then each
//! WAL file in generation order, then `open_finish`. Every other call waits for `open_finish`
//! (`InvalidState`).
//!
//! Once every file is in (at the first WAL file, or at `open_finish` when there is none), the
//! segments are installed and collections loaded without their f32 rows get them back from their
//! documents (`collections/restore_rows.rs`), so replay finds complete graphs.
//!
//! Replay applies each record with seq > checkpoint_seq, requiring seq == last_seq + 1 (a gap means
//! a lost record: `Corruption`). A torn tail may end only the last file replayed. Replay applies
//! reserved writes to the collections as commits do, so the loaded indexes catch up with the log.

use super::collections::{decode_index_file, index_file_crc, plan_commit, IndexFileRef};
use super::state::{Engine, Phase};
use crate::checkpoint::{index_file_name, parse_file_name, segment_file_name, FileName, Manifest};
use crate::error::{Error, Result};
use crate::kv::{decode_commit, CommitRecord};
use crate::segment::Segment;
use crate::wal::{scan_wal_file, wal_file_header, WAL_HEADER_LEN};

/// What the manifest asks the host to load.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenPlan {
    /// Replay WAL files with a generation >= this one.
    pub wal_generation: u64,
    /// Files to load with `load_file`: index files, then segments newest first. Index files come
    /// first because a loaded index keeps only its decoded arrays: the file's buffer is freed and
    /// the segments that follow reuse that memory (wasm memory never shrinks, so the other order
    /// kept both at once as the process's peak: 100k x 384-d reopened with 160 MB less).
    pub files: Vec<String>,
}

/// What replaying one WAL file found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WalReplay {
    /// The host truncates the file to this length before appending to it.
    pub valid_len: usize,
    pub torn_tail: bool,
    pub records_applied: u32,
    pub generation: u64,
}

/// Where commits go once open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OpenFinish {
    pub wal_generation: u64,
    /// The host must create `wal-<generation>` holding exactly `wal_header` before appending.
    pub create_file: bool,
    pub wal_header: [u8; WAL_HEADER_LEN],
}

/// Progress of an open.
#[derive(Default)]
pub(super) struct OpenState {
    manifest: Option<Manifest>,
    /// Aligned with `manifest.segments`.
    arrived: Vec<Option<Segment>>,
    /// Aligned with `manifest.indexes`.
    indexes_arrived: Vec<bool>,
    last_generation: Option<u64>,
    torn_tail_seen: bool,
    /// The arrived segments are the engine's now, and loaded collections complete.
    files_installed: bool,
    /// Why restoring collections' rows failed: every later open call fails with it.
    install_failure: Option<Error>,
}

fn opening_state(phase: &mut Phase) -> Result<&mut OpenState> {
    match phase {
        Phase::Opening(state) => Ok(state),
        Phase::Open => Err(Error::invalid_state("the engine is already open")),
    }
}

impl Engine {
    /// Reads the manifest. Errors: those of `Manifest::decode`; `InvalidState` after a segment or
    /// WAL file, or a second manifest.
    pub fn load_manifest(&mut self, bytes: &[u8]) -> Result<OpenPlan> {
        let state = opening_state(&mut self.phase)?;
        if state.manifest.is_some() || state.last_generation.is_some() {
            return Err(Error::invalid_state("the manifest must come first, and once"));
        }
        let manifest = Manifest::decode(bytes)?;
        let segments = manifest.segments.iter().map(|segment| segment_file_name(segment.id));
        let indexes = manifest.indexes.iter().map(|index| index_file_name(index.id));
        let plan = OpenPlan { wal_generation: manifest.wal_generation, files: indexes.chain(segments).collect() };
        state.arrived = manifest.segments.iter().map(|_| None).collect();
        state.indexes_arrived = vec![false; manifest.indexes.len()];
        self.checkpoint_seq = manifest.checkpoint_seq;
        self.last_seq = manifest.checkpoint_seq;
        self.wal_generation = manifest.wal_generation;
        // Never reuse the id of a live file, even if the manifest's counter lags.
        let segment_ids = manifest.segments.iter().map(|segment| segment.id);
        let newest_id = segment_ids.chain(manifest.indexes.iter().map(|index| index.id)).max().unwrap_or(0);
        self.next_segment_id = std::cmp::max(manifest.next_segment_id, newest_id + 1);
        state.manifest = Some(manifest);
        Ok(plan)
    }

    /// Takes one file named by the manifest (`OpenPlan::files`): a segment or a collection index
    /// file, told apart by `name`. Errors: those of `load_segment`, and `InvalidArgument` for a
    /// name that is neither or does not match the segment's own id.
    pub fn load_file(&mut self, name: &str, bytes: Vec<u8>) -> Result<()> {
        match parse_file_name(name) {
            Some(FileName::Segment(id)) => self.load_segment_named(bytes, Some(id)).map(drop),
            Some(FileName::Index(id)) => self.load_index_file(id, &bytes),
            None => Err(Error::invalid_argument(format!("{:?} is not a segment or index file name", name))),
        }
    }

    /// Loads index file `id` (named by the manifest) into the collections: no graph is rebuilt.
    fn load_index_file(&mut self, id: u64, bytes: &[u8]) -> Result<()> {
        let state = opening_state(&mut self.phase)?;
        let manifest = match &state.manifest {
            Some(manifest) => manifest,
            None => return Err(Error::invalid_state("load the manifest before its files")),
        };
        let index = match manifest.indexes.iter().position(|expected| expected.id == id) {
            Some(index) => index,
            None => return Err(Error::invalid_argument(format!("index file {} is not named by the manifest", id))),
        };
        let expected = &manifest.indexes[index];
        if expected.len != bytes.len() as u64 || Some(expected.crc) != index_file_crc(bytes) {
            let message =
                format!("index file {} does not match the manifest (length {} vs {})", id, bytes.len(), expected.len);
            return Err(Error::corruption(message));
        }
        if state.indexes_arrived[index] {
            return Err(Error::invalid_argument(format!("index file {} was loaded twice", id)));
        }
        let file = IndexFileRef { id, len: expected.len, crc: expected.crc };
        let (key, collection) = decode_index_file(bytes, file)?;
        if key != expected.collection_key {
            return Err(Error::corruption(format!(
                "index file {} holds another collection than the manifest says",
                id
            )));
        }
        state.indexes_arrived[index] = true;
        self.collections.insert_loaded(key, collection)
    }

    /// Takes one segment file named by the manifest and checks it (every chunk checksum, and id,
    /// length and CRC against the manifest). Errors: `Corruption`, `Truncated`,
    /// `UnsupportedFormat`, `InvalidArgument` (not named, or loaded twice), `InvalidState`.
    /// Returns the segment's id.
    pub fn load_segment(&mut self, bytes: Vec<u8>) -> Result<u64> {
        self.load_segment_named(bytes, None)
    }

    /// `load_segment`, checking the segment's id against its file name's when there is one.
    fn load_segment_named(&mut self, bytes: Vec<u8>, name_id: Option<u64>) -> Result<u64> {
        let state = opening_state(&mut self.phase)?;
        let manifest = match &state.manifest {
            Some(manifest) => manifest,
            None => return Err(Error::invalid_state("load the manifest before its segments")),
        };
        if state.files_installed {
            return Err(Error::invalid_state("load every segment the manifest names before the WAL"));
        }
        let len = bytes.len() as u64;
        let segment = Segment::from_bytes(bytes)?;
        let crc = segment.file_crc();
        let id = segment.id();
        if name_id.map_or(false, |name_id| name_id != id) {
            return Err(Error::invalid_argument(format!(
                "the file named as segment {:?} holds segment {}",
                name_id, id
            )));
        }
        let index = match manifest.segments.iter().position(|expected| expected.id == id) {
            Some(index) => index,
            None => return Err(Error::invalid_argument(format!("segment {} is not named by the manifest", id))),
        };
        let expected = manifest.segments[index];
        if expected.len != len || expected.crc != crc {
            let message = format!("segment {} does not match the manifest (length {} vs {})", id, len, expected.len);
            return Err(Error::corruption(message));
        }
        if state.arrived[index].is_some() {
            return Err(Error::invalid_argument(format!("segment {} was loaded twice", id)));
        }
        state.arrived[index] = Some(segment);
        Ok(id)
    }

    /// Replays one WAL file (borrowed). Errors: `Corruption` (bad record before the tail, a
    /// generation out of order, a file after a torn tail, a gap in seqs), `Truncated`.
    pub fn replay_wal(&mut self, bytes: &[u8]) -> Result<WalReplay> {
        let min_generation = {
            let state = opening_state(&mut self.phase)?;
            if state.torn_tail_seen {
                return Err(Error::corruption("a WAL file follows one that ended in a torn tail"));
            }
            if state.indexes_arrived.contains(&false) {
                // Replay applies document writes to the collections: they must be loaded first.
                return Err(Error::invalid_state("load every index file the manifest names before the WAL"));
            }
            match (state.last_generation, &state.manifest) {
                (Some(last), _) => last + 1,
                (None, Some(manifest)) => manifest.wal_generation,
                (None, None) => 0,
            }
        };
        self.install_loaded_files()?;
        let scan = scan_wal_file(bytes)?;
        if scan.generation < min_generation {
            let message =
                format!("WAL generation {} is out of order (expected >= {})", scan.generation, min_generation);
            return Err(Error::corruption(message));
        }
        let mut records_applied = 0;
        for payload in &scan.records {
            let record = decode_commit(payload)?;
            if self.replay_record(record)? {
                records_applied += 1;
            }
        }
        let state = opening_state(&mut self.phase)?;
        state.last_generation = Some(scan.generation);
        state.torn_tail_seen = scan.torn_tail;
        let replay = WalReplay {
            valid_len: scan.valid_len,
            torn_tail: scan.torn_tail,
            records_applied,
            generation: scan.generation,
        };
        Ok(replay)
    }

    /// Applies `record` unless the segments already hold it. Returns whether it was applied.
    fn replay_record(&mut self, record: CommitRecord<'_>) -> Result<bool> {
        if record.seq <= self.checkpoint_seq {
            return Ok(false);
        }
        if record.seq != self.last_seq + 1 {
            let message = format!("WAL record seq {} follows seq {}: records are missing", record.seq, self.last_seq);
            return Err(Error::corruption(message));
        }
        let catalog = plan_commit(&self.collections, record.ops()).map_err(|e| {
            // It was checked before it was logged: the log or the loaded indexes are damaged.
            Error::corruption(format!("WAL record seq {} fails its collection checks: {}", record.seq, e.message))
        })?;
        for (key, value) in record.ops() {
            // No reader exists yet: only the newest version of each key matters.
            self.memtable.insert(key, record.seq, value, record.seq);
        }
        self.last_seq = record.seq;
        self.apply_catalog(catalog)?;
        Ok(true)
    }

    /// Once every file the manifest names is in: makes the segments the engine's and restores
    /// the rows collections were loaded without. Runs once. Errors: `InvalidState` when a file
    /// never arrived; `Corruption` from restoring rows.
    fn install_loaded_files(&mut self) -> Result<()> {
        let state = opening_state(&mut self.phase)?;
        if let Some(failure) = &state.install_failure {
            return Err(failure.clone());
        }
        if state.files_installed {
            return Ok(());
        }
        if let Some(missing) = state.arrived.iter().position(Option::is_none) {
            let id = state.manifest.as_ref().map_or(0, |manifest| manifest.segments[missing].id);
            return Err(Error::invalid_state(format!("segment {} named by the manifest was not loaded", id)));
        }
        if let Some(missing) = state.indexes_arrived.iter().position(|arrived| !arrived) {
            let id = state.manifest.as_ref().map_or(0, |manifest| manifest.indexes[missing].id);
            return Err(Error::invalid_state(format!("index file {} named by the manifest was not loaded", id)));
        }
        state.files_installed = true;
        self.segments = state.arrived.drain(..).flatten().collect();
        let restored = self.restore_collection_rows();
        if let Err(failure) = &restored {
            opening_state(&mut self.phase)?.install_failure = Some(failure.clone());
        }
        restored
    }

    /// Ends the open. Errors: `InvalidState` when a file named by the manifest never arrived;
    /// `Corruption` when a collection's rows could not be restored from its documents.
    pub fn open_finish(&mut self) -> Result<OpenFinish> {
        self.install_loaded_files()?;
        let state = opening_state(&mut self.phase)?;
        let (wal_generation, create_file) = match (state.last_generation, &state.manifest) {
            (Some(generation), _) => (generation, false),
            (None, Some(manifest)) => (std::cmp::max(manifest.wal_generation, 1), true),
            (None, None) => (1, true),
        };
        self.wal_generation = wal_generation;
        self.visible_seq = self.last_seq;
        self.phase = Phase::Open;
        Ok(OpenFinish { wal_generation, create_file, wal_header: wal_file_header(wal_generation) })
    }
}
