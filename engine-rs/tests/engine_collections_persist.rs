//! Collections across checkpoints and reopen: index files are written for changed collections
//! only, loaded without rebuilding the graph, caught up by WAL replay, and removed when dropped.

mod collections_util;
mod common;

use collections_util::*;
use common::{checkpoint, get, open, open_new, persist, Disk, WAL_AND_VISIBLE};
use sochdb_engine::{Engine, EngineConfig, ErrorCode, TXN_LATEST};

const DIM: usize = 8;

fn index_files(disk: &Disk) -> Vec<String> {
    disk.files.keys().filter(|name| name.starts_with("idx-")).cloned().collect()
}

fn filled() -> (Disk, Engine, Vec<Vec<f32>>) {
    let (mut disk, mut engine) = open_new(WAL_AND_VISIBLE);
    create(&mut engine, "a", r#"{"dimension": 8, "metric": "l2"}"#);
    let vectors = clustered(400, DIM, 8, 5);
    fill(&mut engine, "a", &vectors, &|i| format!(r#"{{"cat": {}}}"#, i % 10));
    put_doc(&mut engine, "a", "text", &vectors[0], r#"{"cat": 99}"#, Some("a lone quantum word"));
    persist(&mut engine, &mut disk);
    (disk, engine, vectors)
}

fn queries() -> Vec<Query> {
    let q = clustered(3, DIM, 8, 6);
    vec![
        Query::vector(10, &q[0]),
        Query { filter: r#"{"cat": 3}"#.to_string(), ..Query::vector(5, &q[1]) },
        Query::text(3, "quantum"),
        Query { text: "quantum".to_string(), alpha: 0.3, ..Query::vector(4, &q[2]) },
    ]
}

fn answers(engine: &Engine) -> Vec<Vec<Found>> {
    queries().iter().map(|query| search(engine, "a", query)).collect()
}

#[test]
fn reopening_from_a_checkpoint_loads_the_index_without_rebuilding_it() {
    let (mut disk, mut engine, _) = filled();
    let before = answers(&engine);
    assert!(checkpoint(&mut engine, &mut disk, false));
    assert_eq!(index_files(&disk).len(), 1);
    let reopened = open(&mut disk, WAL_AND_VISIBLE).unwrap();
    assert_eq!(reopened.collection_index_inserts(&col_key("a")), Some(0), "no HNSW insert at open");
    assert_eq!(reopened.collection_count(&col_key("a")).unwrap(), 401);
    assert_eq!(answers(&reopened), before);
}

#[test]
fn wal_replay_after_a_checkpoint_applies_later_writes_to_the_loaded_index() {
    let (mut disk, mut engine, vectors) = filled();
    checkpoint(&mut engine, &mut disk, false);
    engine.delete(&doc_key("a", "d0")).unwrap();
    put_doc(&mut engine, "a", "late", &[50.0; DIM], r#"{"cat": 3}"#, Some("late quantum"));
    persist(&mut engine, &mut disk);
    let expected = answers(&engine);
    let reopened = open(&mut disk, WAL_AND_VISIBLE).unwrap();
    assert_eq!(reopened.collection_index_inserts(&col_key("a")), Some(1), "only the late document");
    assert_eq!(answers(&reopened), expected);
    let near_d0 = ids(&search(&reopened, "a", &Query::vector(500, &vectors[0])));
    assert_eq!(near_d0.len(), 401, "every live document");
    assert!(!near_d0.contains(&"d0".to_string()) && near_d0.contains(&"late".to_string()));
}

#[test]
fn only_changed_collections_get_new_index_files_and_replaced_ones_are_removed() {
    let (mut disk, mut engine, _) = filled();
    create(&mut engine, "b", r#"{"dimension": 2}"#);
    put_doc(&mut engine, "b", "x", &[1.0, 2.0], "{}", None);
    checkpoint(&mut engine, &mut disk, false);
    let first = index_files(&disk);
    assert_eq!(first.len(), 2);
    put_doc(&mut engine, "b", "y", &[2.0, 1.0], "{}", None);
    persist(&mut engine, &mut disk);
    let output = engine.checkpoint(false).unwrap().unwrap();
    let new_indexes: Vec<&String> = output.write_files.iter().filter(|name| name.starts_with("idx-")).collect();
    assert_eq!(new_indexes.len(), 1, "only b changed: {:?}", output.write_files);
    let removed: Vec<&String> = output.remove_files.iter().filter(|name| name.starts_with("idx-")).collect();
    assert_eq!(removed.len(), 1, "b's previous file: {:?}", output.remove_files);
    assert!(first.contains(removed[0]) && !first.contains(new_indexes[0]));
}

#[test]
fn dropping_a_collection_removes_its_index_file_at_the_next_checkpoint() {
    let (mut disk, mut engine, _) = filled();
    checkpoint(&mut engine, &mut disk, false);
    let file = index_files(&disk);
    engine.delete(&col_key("a")).unwrap();
    checkpoint(&mut engine, &mut disk, false);
    assert!(index_files(&disk).is_empty(), "{:?} was listed for removal", file);
    let reopened = open(&mut disk, WAL_AND_VISIBLE).unwrap();
    assert_eq!(reopened.collection_count(&col_key("a")).unwrap_err().code, ErrorCode::InvalidArgument);
}

#[test]
fn a_reopen_without_any_checkpoint_rebuilds_the_index_from_the_wal() {
    let (mut disk, engine, _) = filled();
    let expected = answers(&engine);
    let reopened = open(&mut disk, WAL_AND_VISIBLE).unwrap();
    assert_eq!(reopened.collection_index_inserts(&col_key("a")), Some(401));
    assert_eq!(answers(&reopened), expected);
}

#[test]
fn a_damaged_or_missing_index_file_fails_the_open() {
    let (mut disk, mut engine, _) = filled();
    checkpoint(&mut engine, &mut disk, false);
    let name = index_files(&disk)[0].clone();
    let mut damaged = disk.clone();
    let bytes = damaged.files.get_mut(&name).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x40;
    assert_eq!(open(&mut damaged, WAL_AND_VISIBLE).unwrap_err().code, ErrorCode::Corruption);
    let mut fresh = Engine::new(WAL_AND_VISIBLE);
    let plan = fresh.load_manifest(&disk.files["MANIFEST"]).unwrap();
    assert!(plan.files.contains(&name));
    for file in plan.files.iter().filter(|file| file.starts_with("seg-")) {
        fresh.load_file(file, disk.files[file].clone()).unwrap();
    }
    assert_eq!(fresh.open_finish().unwrap_err().code, ErrorCode::InvalidState);
}

#[test]
fn the_latest_sentinel_reads_a_commit_before_it_is_durable() {
    let config = EngineConfig { wal_enabled: true, visible_on_commit: false };
    let (mut disk, mut engine) = open_new(config);
    create(&mut engine, "a", r#"{"dimension": 2}"#);
    let key = col_key("a");
    assert_eq!(get(&engine, &key), None, "not durable yet");
    assert!(engine.txn_get(TXN_LATEST, &key).unwrap().is_some());
    let cursor = engine.cursor_open(TXN_LATEST, &key, None).unwrap();
    let mut out = Vec::new();
    assert_eq!(engine.cursor_next(cursor, 10, u32::MAX, &mut out).unwrap(), 1);
    engine.cursor_close(cursor).unwrap();
    // The index follows every commit; search reads documents only once they are visible.
    put_doc(&mut engine, "a", "x", &[1.0, 0.0], "{}", None);
    assert_eq!(engine.collection_count(&key).unwrap(), 1);
    assert!(search(&engine, "a", &Query::vector(1, &[1.0, 0.0])).is_empty());
    persist(&mut engine, &mut disk);
    assert_eq!(ids(&search(&engine, "a", &Query::vector(1, &[1.0, 0.0]))), vec!["x"]);
}

#[test]
fn released_checkpoint_files_are_freed_but_the_segment_stays_readable() {
    let (mut disk, mut engine, _) = filled();
    assert!(checkpoint(&mut engine, &mut disk, false));
    let index = index_files(&disk).pop().unwrap();
    let segment = disk.files.keys().find(|name| name.starts_with("seg-")).cloned().unwrap();
    assert!(engine.checkpoint_file_bytes(&index).is_some(), "held until the host copies it");
    engine.release_checkpoint_files();
    assert!(engine.checkpoint_file_bytes(&index).is_none(), "freed once released");
    assert!(engine.checkpoint_file_bytes(&segment).is_some(), "the live segment is not a copy");
    let reopened = open(&mut disk, WAL_AND_VISIBLE).unwrap();
    assert_eq!(answers(&reopened), answers(&engine));
}

#[test]
fn an_index_file_is_refused_once_its_collection_changed_after_the_checkpoint() {
    let (mut disk, mut engine, vectors) = filled();
    let output = engine.checkpoint(false).unwrap().unwrap();
    let index = output.write_files.iter().find(|name| name.starts_with("idx-")).unwrap().clone();
    let whole = engine.checkpoint_file_bytes(&index).unwrap();
    assert_eq!(whole.len(), engine.checkpoint_file_pieces(&index).unwrap().unwrap().iter().map(|p| p.len()).sum::<usize>());
    // The graph is borrowed, not copied: a write to the collection makes the pieces stale.
    put_doc(&mut engine, "a", "late", &vectors[1], "{}", None);
    assert_eq!(engine.checkpoint_file_pieces(&index).unwrap_err().code, ErrorCode::Internal);
    let _ = &mut disk;
}

#[test]
fn an_index_file_leaves_out_live_vectors_and_reopening_takes_them_from_the_documents() {
    for (metric, quantization) in [("cosine", "none"), ("l2", "none"), ("dot", "none"), ("cosine", "int8"), ("l2", "int8")] {
        let (mut disk, mut engine) = open_new(WAL_AND_VISIBLE);
        create(&mut engine, "a", &format!(r#"{{"dimension": 8, "metric": "{}", "quantization": "{}"}}"#, metric, quantization));
        let vectors = clustered(300, DIM, 6, 7);
        fill(&mut engine, "a", &vectors, &|i| format!(r#"{{"cat": {}}}"#, i % 10));
        // Tombstones keep routing with their old vectors: deleted documents, and replaced ones
        // whose records now hold another vector.
        for i in (0..300).step_by(29) {
            engine.delete(&doc_key("a", &format!("d{}", i))).unwrap();
        }
        for i in (3..300).step_by(31) {
            put_doc(&mut engine, "a", &format!("d{}", i), &vectors[(i * 7) % 300], r#"{"cat": 1}"#, None);
        }
        persist(&mut engine, &mut disk);
        let probes: Vec<Query> = clustered(6, DIM, 6, 8).iter().map(|q| Query::vector(40, q)).collect();
        let before: Vec<Vec<Found>> = probes.iter().map(|q| search(&engine, "a", q)).collect();
        assert!(checkpoint(&mut engine, &mut disk, false));
        if metric != "cosine" && quantization == "none" {
            // Rows are the vectors as given (cosine keeps them normalised): look for their bytes.
            let file = &disk.files[&index_files(&disk)[0]];
            let holds = |v: &[f32]| {
                let bytes: Vec<u8> = v.iter().flat_map(|x| x.to_le_bytes()).collect();
                file.windows(bytes.len()).any(|w| w == &bytes[..])
            };
            assert!(!holds(&vectors[1]) && !holds(&vectors[299]), "{}: a live row was saved", metric);
            assert!(holds(&vectors[29]) && holds(&vectors[3]), "{}: a tombstone's row (deleted, replaced) was not", metric);
        }
        let reopened = open(&mut disk, WAL_AND_VISIBLE).unwrap();
        assert_eq!(reopened.collection_index_inserts(&col_key("a")), Some(0));
        for (query, expected) in probes.iter().zip(&before) {
            assert_eq!(&search(&reopened, "a", query), expected, "{}", metric);
        }
    }
}

#[test]
fn the_wal_waits_for_every_segment_and_no_segment_comes_after_it() {
    let (mut disk, mut engine, _) = filled();
    checkpoint(&mut engine, &mut disk, false);
    put_doc(&mut engine, "a", "late", &[1.0; DIM], "{}", None);
    persist(&mut engine, &mut disk);
    let load = |skip_segments: bool| {
        let mut fresh = Engine::new(WAL_AND_VISIBLE);
        let plan = fresh.load_manifest(&disk.files["MANIFEST"]).unwrap();
        let segments: Vec<String> = plan.files.iter().filter(|f| f.starts_with("seg-")).cloned().collect();
        for file in plan.files.iter().filter(|f| !skip_segments || !f.starts_with("seg-")) {
            fresh.load_file(file, disk.files[file].clone()).unwrap();
        }
        (fresh, segments)
    };
    let wal = disk.files[&disk.wal_files()[0]].clone();
    // Replay restores the graphs' vectors from the documents: every segment must be in.
    let (mut early, segments) = load(true);
    assert_eq!(early.replay_wal(&wal).unwrap_err().code, ErrorCode::InvalidState);
    let (mut complete, _) = load(false);
    complete.replay_wal(&wal).unwrap();
    let late = complete.load_file(&segments[0], disk.files[&segments[0]].clone()).unwrap_err();
    assert_eq!(late.code, ErrorCode::InvalidState, "{}", late.message);
    complete.open_finish().unwrap();
    assert_eq!(complete.collection_count(&col_key("a")).unwrap(), 402);
}
