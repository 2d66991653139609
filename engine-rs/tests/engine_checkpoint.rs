//! Checkpoints: when they happen, what they keep, and how merges bound the segment count.

mod common;

use common::{checkpoint, get, open, open_new, persist, scan_all, Rng, WAL_AND_VISIBLE};
use sochdb_engine::ErrorCode;

#[test]
fn a_checkpoint_is_refused_while_wal_records_are_pending() {
    let (_, mut engine) = open_new(WAL_AND_VISIBLE);
    engine.put(b"k", b"v").unwrap();
    assert_eq!(engine.checkpoint(false).unwrap_err().code, ErrorCode::InvalidState);
}

#[test]
fn nothing_changed_means_no_checkpoint_unless_forced() {
    let (mut disk, mut engine) = open_new(WAL_AND_VISIBLE);
    assert!(!checkpoint(&mut engine, &mut disk, false));
    engine.put(b"k", b"v").unwrap();
    assert!(checkpoint(&mut engine, &mut disk, false));
    assert!(!checkpoint(&mut engine, &mut disk, false));
    assert!(checkpoint(&mut engine, &mut disk, true));
    assert_eq!(engine.stats().segment_count, 1);
}

#[test]
fn a_checkpoint_moves_the_memtable_into_a_segment_and_bumps_the_wal_generation() {
    let (mut disk, mut engine) = open_new(WAL_AND_VISIBLE);
    engine.put(b"a", b"1").unwrap();
    engine.put(b"b", b"2").unwrap();
    let generation = engine.stats().wal_generation;
    checkpoint(&mut engine, &mut disk, false);
    let stats = engine.stats();
    assert_eq!((stats.memtable_entries, stats.memtable_bytes), (0, 0));
    assert_eq!((stats.segment_count, stats.segment_entries), (1, 2));
    assert_eq!(stats.checkpoint_seq, 2);
    assert_eq!(stats.wal_generation, generation + 1);
    assert_eq!(get(&engine, b"b").as_deref(), Some(&b"2"[..]));
}

#[test]
fn folding_into_the_oldest_segment_drops_tombstones() {
    let (mut disk, mut engine) = open_new(WAL_AND_VISIBLE);
    for i in 0..100u32 {
        engine.put(&i.to_be_bytes(), b"value").unwrap();
    }
    checkpoint(&mut engine, &mut disk, false);
    for i in 0..100u32 {
        engine.delete(&i.to_be_bytes()).unwrap();
    }
    checkpoint(&mut engine, &mut disk, true);
    assert_eq!(engine.stats().segment_entries, 0);
    assert!(scan_all(&mut engine, 0, b"", None, 10).is_empty());
}

#[test]
fn two_hundred_checkpoints_keep_the_segment_count_bounded_and_the_data_whole() {
    let (mut disk, mut engine) = open_new(WAL_AND_VISIBLE);
    let mut rng = Rng::new(7);
    let mut max_segments = 0;
    for round in 0..200u32 {
        for _ in 0..20 {
            let key = format!("key{:05}", rng.below(3000));
            engine.put(key.as_bytes(), &round.to_le_bytes()).unwrap();
        }
        checkpoint(&mut engine, &mut disk, false);
        max_segments = std::cmp::max(max_segments, engine.stats().segment_count);
    }
    assert!(max_segments <= 10, "segments grew to {}", max_segments);
    let segment_files = disk.files.keys().filter(|name| name.starts_with("seg-")).count() as u64;
    assert_eq!(segment_files, engine.stats().segment_count, "obsolete segments were all named");
    let before = scan_all(&mut engine, 0, b"", None, 50);
    let mut reopened = open(&mut disk, WAL_AND_VISIBLE).unwrap();
    assert_eq!(scan_all(&mut reopened, 0, b"", None, 50), before);
}

#[test]
fn the_live_count_never_exceeds_segments_live_max() {
    let (mut disk, mut engine) = open_new(WAL_AND_VISIBLE);
    // Each checkpoint a third the size of the one before defeats the size rule: only the hard
    // maximum keeps the count down.
    let mut value_len = 3usize.pow(15);
    let mut max_segments = 0;
    for round in 0..24u32 {
        engine.put(&round.to_be_bytes(), &vec![1u8; value_len]).unwrap();
        checkpoint(&mut engine, &mut disk, false);
        max_segments = std::cmp::max(max_segments, engine.stats().segment_count);
        value_len = std::cmp::max(value_len / 3, 1);
    }
    assert_eq!(max_segments, 12);
}

#[test]
fn a_cursor_batched_across_a_checkpoint_still_reads_its_snapshot() {
    let (mut disk, mut engine) = open_new(WAL_AND_VISIBLE);
    for i in 0..100u32 {
        engine.put(format!("k{:03}", i).as_bytes(), b"old").unwrap();
    }
    checkpoint(&mut engine, &mut disk, false);
    for i in 0..100u32 {
        engine.put(format!("k{:03}", i).as_bytes(), b"mid").unwrap();
    }
    let cursor = engine.cursor_open(0, b"", None).unwrap();
    let mut out = Vec::new();
    let mut seen = Vec::new();
    let mut batch = 0;
    loop {
        let count = engine.cursor_next(cursor, 7, u32::MAX, &mut out).unwrap();
        if count == 0 {
            break;
        }
        seen.extend(common::decode_batch(&out));
        batch += 1;
        // Between batches: overwrite, delete, insert, and checkpoint (sometimes a full fold).
        engine.put(format!("k{:03}", batch * 3).as_bytes(), b"new").unwrap();
        engine.delete(format!("k{:03}", batch * 5).as_bytes()).unwrap();
        engine.put(format!("k{:03}-extra", batch).as_bytes(), b"new").unwrap();
        persist(&mut engine, &mut disk);
        checkpoint(&mut engine, &mut disk, batch % 4 == 0);
    }
    engine.cursor_close(cursor).unwrap();
    let expected: Vec<(Vec<u8>, Vec<u8>)> =
        (0..100u32).map(|i| (format!("k{:03}", i).into_bytes(), b"mid".to_vec())).collect();
    assert_eq!(seen, expected);
    assert_eq!(get(&engine, b"k003").as_deref(), Some(&b"new"[..]));
}
