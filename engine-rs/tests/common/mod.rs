//! A host in memory for the engine tests: files in a map, and the persistence steps ABI.md asks of
//! the host (open order, WAL take + append + mark durable, checkpoint file dance).
#![allow(dead_code)]

use std::collections::BTreeMap;

use sochdb_engine::{CheckpointOutput, Engine, EngineConfig, Error};

pub const WAL_AND_VISIBLE: EngineConfig = EngineConfig { wal_enabled: true, visible_on_commit: true };

pub fn wal_name(generation: u64) -> String {
    format!("wal-{:016x}.log", generation)
}

pub fn segment_name(id: u64) -> String {
    format!("seg-{:016x}.sst", id)
}

/// Files of one database, and which WAL file commits append to.
#[derive(Clone, Default)]
pub struct Disk {
    pub files: BTreeMap<String, Vec<u8>>,
    pub wal_generation: u64,
}

impl Disk {
    pub fn wal_files(&self) -> Vec<String> {
        self.files.keys().filter(|name| name.starts_with("wal-")).cloned().collect()
    }

    pub fn current_wal(&mut self) -> &mut Vec<u8> {
        let name = wal_name(self.wal_generation);
        self.files.get_mut(&name).expect("the current WAL file exists")
    }
}

/// Opens the database on `disk` the way the host does, truncating a torn WAL tail.
pub fn open(disk: &mut Disk, config: EngineConfig) -> Result<Engine, Error> {
    let mut engine = Engine::new(config);
    if let Some(manifest) = disk.files.get("MANIFEST").cloned() {
        let plan = engine.load_manifest(&manifest)?;
        for name in plan.files {
            let bytes = disk.files.get(&name).cloned().expect("a file the manifest names exists");
            engine.load_file(&name, bytes)?;
        }
    }
    for name in disk.wal_files() {
        let bytes = disk.files[&name].clone();
        let replay = engine.replay_wal(&bytes)?;
        if replay.torn_tail {
            disk.files.get_mut(&name).unwrap().truncate(replay.valid_len);
        }
    }
    let finish = engine.open_finish()?;
    disk.wal_generation = finish.wal_generation;
    if finish.create_file {
        disk.files.insert(wal_name(finish.wal_generation), finish.wal_header.to_vec());
    }
    Ok(engine)
}

pub fn open_new(config: EngineConfig) -> (Disk, Engine) {
    let mut disk = Disk::default();
    let engine = open(&mut disk, config).unwrap();
    (disk, engine)
}

/// Takes the pending WAL records, appends them to the current WAL file, marks them durable.
pub fn persist(engine: &mut Engine, disk: &mut Disk) {
    let mut out = Vec::new();
    engine.wal_take(&mut out).unwrap();
    let last_seq = u64::from_le_bytes(out[..8].try_into().unwrap());
    disk.current_wal().extend_from_slice(&out[8..]);
    engine.wal_mark_durable(last_seq).unwrap();
}

/// Persists the WAL, checkpoints and writes the files in ABI.md's order. Returns whether a
/// checkpoint was made.
pub fn checkpoint(engine: &mut Engine, disk: &mut Disk, force: bool) -> bool {
    persist(engine, disk);
    let output = match engine.checkpoint(force).unwrap() {
        Some(output) => output,
        None => return false,
    };
    write_checkpoint_files(engine, disk, &output);
    disk.files.insert(wal_name(output.wal_generation), output.wal_header.to_vec());
    disk.files.insert("MANIFEST".to_string(), output.manifest.clone());
    for name in &output.remove_files {
        disk.files.remove(name);
    }
    for name in disk.wal_files() {
        if name < wal_name(output.wal_generation) {
            disk.files.remove(&name);
        }
    }
    disk.wal_generation = output.wal_generation;
    true
}

/// Writes every file a checkpoint lists (the step before the manifest swap).
pub fn write_checkpoint_files(engine: &Engine, disk: &mut Disk, output: &CheckpointOutput) {
    for name in &output.write_files {
        let bytes = engine.checkpoint_file_bytes(name).expect("a listed file is held").to_vec();
        disk.files.insert(name.clone(), bytes);
    }
}

/// Every live (key, value) at the cursor's snapshot, read in batches of `batch` entries.
pub fn scan_all(
    engine: &mut Engine,
    txn: u32,
    start: &[u8],
    end: Option<&[u8]>,
    batch: u32,
) -> Vec<(Vec<u8>, Vec<u8>)> {
    let cursor = engine.cursor_open(txn, start, end).unwrap();
    let mut entries = Vec::new();
    let mut out = Vec::new();
    loop {
        let count = engine.cursor_next(cursor, batch, u32::MAX, &mut out).unwrap();
        if count == 0 {
            break;
        }
        entries.extend(decode_batch(&out));
    }
    engine.cursor_close(cursor).unwrap();
    entries
}

/// Decodes `(klen u32 | vlen u32 | key | value)*`.
pub fn decode_batch(bytes: &[u8]) -> Vec<(Vec<u8>, Vec<u8>)> {
    let mut entries = Vec::new();
    let mut pos = 0;
    while pos < bytes.len() {
        let klen = u32::from_le_bytes(bytes[pos..pos + 4].try_into().unwrap()) as usize;
        let vlen = u32::from_le_bytes(bytes[pos + 4..pos + 8].try_into().unwrap()) as usize;
        pos += 8;
        entries.push((bytes[pos..pos + klen].to_vec(), bytes[pos + klen..pos + klen + vlen].to_vec()));
        pos += klen + vlen;
    }
    entries
}

pub fn get(engine: &Engine, key: &[u8]) -> Option<Vec<u8>> {
    engine.get(key).unwrap().map(|value| value.to_vec())
}

/// xorshift64*: a deterministic PRNG for seeded random tests.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}
