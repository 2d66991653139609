//! Seeded random operations (puts, deletes, transactions, scans, checkpoints, clean reopens and
//! crashes with torn WAL appends) checked against a `BTreeMap` model.

mod common;

use std::collections::BTreeMap;

use common::{checkpoint, open, open_new, persist, scan_all, Disk, Rng, WAL_AND_VISIBLE};
use sochdb_engine::{Engine, ErrorCode};

type Map = BTreeMap<Vec<u8>, Vec<u8>>;
type Writes = BTreeMap<Vec<u8>, Option<Vec<u8>>>;

#[derive(Clone, Default)]
struct Committed {
    map: Map,
    /// key -> seq of its last commit, to predict conflicts.
    last_write: BTreeMap<Vec<u8>, u64>,
    seq: u64,
}

impl Committed {
    fn apply(&mut self, writes: &Writes) {
        self.seq += 1;
        for (key, value) in writes {
            match value {
                Some(value) => self.map.insert(key.clone(), value.clone()),
                None => self.map.remove(key),
            };
            self.last_write.insert(key.clone(), self.seq);
        }
    }
}

struct Txn {
    id: u32,
    snapshot: Committed,
    writes: Writes,
}

struct Model {
    now: Committed,
    /// State as of the last persist, and the commits since (what a crash may lose).
    durable: Committed,
    since_durable: Vec<Writes>,
    txns: Vec<Txn>,
}

fn random_key(rng: &mut Rng) -> Vec<u8> {
    format!("key{:02}", rng.below(48)).into_bytes()
}

fn random_value(rng: &mut Rng) -> Vec<u8> {
    let len = if rng.chance(5) { 2000 } else { rng.below(24) as usize };
    (0..len).map(|_| rng.below(256) as u8).collect()
}

fn view(base: &Map, writes: &Writes) -> Map {
    let mut map = base.clone();
    for (key, value) in writes {
        match value {
            Some(value) => map.insert(key.clone(), value.clone()),
            None => map.remove(key),
        };
    }
    map
}

fn in_range(map: &Map, start: &[u8], end: Option<&[u8]>) -> Vec<(Vec<u8>, Vec<u8>)> {
    let end_ok = |key: &Vec<u8>| end.map_or(true, |end| &key[..] < end);
    map.iter().filter(|(key, _)| &key[..] >= start && end_ok(key)).map(|(k, v)| (k.clone(), v.clone())).collect()
}

fn autocommit(engine: &mut Engine, model: &mut Model, rng: &mut Rng) {
    let key = random_key(rng);
    let value = if rng.chance(70) { Some(random_value(rng)) } else { None };
    match &value {
        Some(value) => engine.put(&key, value).unwrap(),
        None => engine.delete(&key).unwrap(),
    }
    let writes: Writes = std::iter::once((key, value)).collect();
    model.now.apply(&writes);
    model.since_durable.push(writes);
}

fn txn_step(engine: &mut Engine, model: &mut Model, rng: &mut Rng) {
    if model.txns.is_empty() || (model.txns.len() < 4 && rng.chance(30)) {
        let id = engine.txn_begin().unwrap();
        model.txns.push(Txn { id, snapshot: model.now.clone(), writes: Writes::new() });
        return;
    }
    let index = rng.below(model.txns.len() as u64) as usize;
    let key = random_key(rng);
    match rng.below(10) {
        0..=3 => {
            let value = random_value(rng);
            engine.txn_put(model.txns[index].id, &key, &value).unwrap();
            model.txns[index].writes.insert(key, Some(value));
        }
        4 => {
            engine.txn_delete(model.txns[index].id, &key).unwrap();
            model.txns[index].writes.insert(key, None);
        }
        5..=6 => {
            let txn = &model.txns[index];
            let expected = view(&txn.snapshot.map, &txn.writes).get(&key).cloned();
            assert_eq!(engine.txn_get(txn.id, &key).unwrap().map(|v| v.to_vec()), expected);
        }
        7 => {
            let txn = model.txns.remove(index);
            engine.txn_abort(txn.id).unwrap();
        }
        _ => commit(engine, model, index),
    }
}

fn commit(engine: &mut Engine, model: &mut Model, index: usize) {
    let txn = model.txns.remove(index);
    let snapshot_seq = txn.snapshot.seq;
    let conflicts = txn.writes.keys().any(|key| model.now.last_write.get(key).map_or(false, |&seq| seq > snapshot_seq));
    match engine.txn_commit(txn.id) {
        Ok(()) => {
            assert!(!conflicts, "a conflicting transaction committed");
            if !txn.writes.is_empty() {
                model.now.apply(&txn.writes);
                model.since_durable.push(txn.writes);
            }
        }
        Err(error) => {
            assert_eq!(error.code, ErrorCode::TxnConflict);
            assert!(conflicts, "a transaction without conflict was refused");
        }
    }
}

fn check_reads(engine: &mut Engine, model: &Model, rng: &mut Rng) {
    let key = random_key(rng);
    assert_eq!(engine.get(&key).unwrap().map(|v| v.to_vec()), model.now.map.get(&key).cloned());
    let start = random_key(rng);
    let end = if rng.chance(50) { Some(random_key(rng)) } else { None };
    let end = end.filter(|end| end >= &start);
    let batch = 1 + rng.below(7) as u32;
    let expected = in_range(&model.now.map, &start, end.as_deref());
    assert_eq!(scan_all(engine, 0, &start, end.as_deref(), batch), expected);
    if let Some(txn) = model.txns.first() {
        let expected = in_range(&view(&txn.snapshot.map, &txn.writes), b"", None);
        assert_eq!(scan_all(engine, txn.id, b"", None, batch), expected);
    }
}

fn persist_model(engine: &mut Engine, disk: &mut Disk, model: &mut Model) {
    persist(engine, disk);
    model.durable = model.now.clone();
    model.since_durable.clear();
}

/// Record boundaries (end offsets) in `pending` (the records after the 8-byte seq prefix).
fn record_ends(records: &[u8]) -> Vec<usize> {
    let mut ends = Vec::new();
    let mut pos = 0;
    while pos < records.len() {
        let len = u32::from_le_bytes(records[pos..pos + 4].try_into().unwrap()) as usize;
        pos += 8 + len;
        ends.push(pos);
    }
    ends
}

/// Dies while appending: only some records reach the file, the next maybe half-written.
fn crash(engine: Engine, disk: &mut Disk, model: &mut Model, rng: &mut Rng) -> Engine {
    let mut engine = engine;
    let mut out = Vec::new();
    engine.wal_take(&mut out).unwrap();
    drop(engine);
    let records = &out[8..];
    let ends = record_ends(records);
    let kept = rng.below(ends.len() as u64 + 1) as usize;
    let mut cut = if kept == 0 { 0 } else { ends[kept - 1] };
    if kept < ends.len() && rng.chance(50) {
        cut += 1 + rng.below((ends[kept] - cut - 1) as u64) as usize; // a torn record
    }
    disk.current_wal().extend_from_slice(&records[..cut]);
    let mut durable = model.durable.clone();
    for writes in &model.since_durable[..kept] {
        durable.apply(writes);
    }
    model.now = durable.clone();
    model.durable = durable;
    model.since_durable.clear();
    model.txns.clear();
    open(disk, WAL_AND_VISIBLE).unwrap()
}

fn run(seed: u64, steps: usize) {
    let mut rng = Rng::new(seed);
    let (mut disk, mut engine) = open_new(WAL_AND_VISIBLE);
    let mut model =
        Model { now: Committed::default(), durable: Committed::default(), since_durable: vec![], txns: vec![] };
    for _ in 0..steps {
        match rng.below(100) {
            0..=39 => autocommit(&mut engine, &mut model, &mut rng),
            40..=74 => txn_step(&mut engine, &mut model, &mut rng),
            75..=84 => check_reads(&mut engine, &model, &mut rng),
            85..=89 => persist_model(&mut engine, &mut disk, &mut model),
            90..=94 => {
                persist_model(&mut engine, &mut disk, &mut model);
                checkpoint(&mut engine, &mut disk, rng.chance(20));
            }
            95..=97 => {
                persist_model(&mut engine, &mut disk, &mut model);
                drop(engine);
                model.txns.clear();
                engine = open(&mut disk, WAL_AND_VISIBLE).unwrap();
            }
            _ => engine = crash(engine, &mut disk, &mut model, &mut rng),
        }
        assert_eq!(engine.last_seq(), model.now.seq, "seed {}", seed);
    }
    let everything = scan_all(&mut engine, 0, b"", None, 5);
    assert_eq!(everything, in_range(&model.now.map, b"", None), "seed {}", seed);
}

#[test]
fn random_operations_match_a_btreemap_model() {
    for seed in 1..=40 {
        run(seed, 1500);
    }
}
