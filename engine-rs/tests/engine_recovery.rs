//! Opening from files: checkpoint + WAL tail replay, torn tails, corruption, gaps, call order.

mod common;

use common::{
    checkpoint, get, open, open_new, persist, scan_all, wal_name, write_checkpoint_files, Disk, WAL_AND_VISIBLE,
};
use sochdb_engine::{Engine, ErrorCode};

fn take_records(engine: &mut Engine) -> Vec<u8> {
    let mut out = Vec::new();
    engine.wal_take(&mut out).unwrap();
    out[8..].to_vec()
}

fn filled_disk() -> (Disk, Engine) {
    let (mut disk, mut engine) = open_new(WAL_AND_VISIBLE);
    for i in 0..50u32 {
        engine.put(format!("k{:03}", i).as_bytes(), &i.to_le_bytes()).unwrap();
    }
    checkpoint(&mut engine, &mut disk, false);
    for i in 0..50u32 {
        if i % 3 == 0 {
            engine.delete(format!("k{:03}", i).as_bytes()).unwrap();
        } else if i % 3 == 1 {
            engine.put(format!("k{:03}", i).as_bytes(), b"rewritten").unwrap();
        }
    }
    let txn = engine.txn_begin().unwrap();
    engine.txn_put(txn, b"txn-key", b"txn-value").unwrap();
    engine.txn_delete(txn, b"k002").unwrap();
    engine.txn_commit(txn).unwrap();
    persist(&mut engine, &mut disk);
    (disk, engine)
}

#[test]
fn a_checkpoint_plus_its_wal_tail_reopens_to_the_same_state() {
    let (mut disk, mut engine) = filled_disk();
    let before = scan_all(&mut engine, 0, b"", None, 7);
    let last_seq = engine.last_seq();
    let mut reopened = open(&mut disk, WAL_AND_VISIBLE).unwrap();
    assert_eq!(scan_all(&mut reopened, 0, b"", None, 3), before);
    assert_eq!(reopened.last_seq(), last_seq);
    assert_eq!(get(&reopened, b"k002"), None);
    assert_eq!(get(&reopened, b"txn-key").as_deref(), Some(&b"txn-value"[..]));
    reopened.put(b"after", b"reopen").unwrap();
    assert_eq!(reopened.last_seq(), last_seq + 1, "commits continue the seq");
}

#[test]
fn a_torn_tail_is_ignored_and_truncated_and_appends_continue_after_it() {
    let (mut disk, mut engine) = filled_disk();
    let before = scan_all(&mut engine, 0, b"", None, 100);
    engine.put(b"torn", b"never durable").unwrap();
    let record = take_records(&mut engine);
    let good_len = disk.current_wal().len();
    disk.current_wal().extend_from_slice(&record[..record.len() - 3]);
    let mut reopened = open(&mut disk, WAL_AND_VISIBLE).unwrap();
    assert_eq!(scan_all(&mut reopened, 0, b"", None, 100), before);
    assert_eq!(disk.current_wal().len(), good_len, "the host truncated to valid_len");
    reopened.put(b"next", b"value").unwrap();
    persist(&mut reopened, &mut disk);
    let again = open(&mut disk, WAL_AND_VISIBLE).unwrap();
    assert_eq!(get(&again, b"next").as_deref(), Some(&b"value"[..]));
    assert_eq!(get(&again, b"torn"), None);
}

#[test]
fn replay_reports_the_torn_tail_and_valid_length() {
    let (mut disk, mut engine) = open_new(WAL_AND_VISIBLE);
    engine.put(b"a", b"1").unwrap();
    engine.put(b"b", b"2").unwrap();
    let records = take_records(&mut engine);
    let mut file = disk.current_wal().clone();
    let header_len = file.len();
    file.extend_from_slice(&records[..records.len() - 1]);
    let mut fresh = Engine::new(WAL_AND_VISIBLE);
    let replay = fresh.replay_wal(&file).unwrap();
    assert!(replay.torn_tail);
    assert_eq!(replay.records_applied, 1);
    assert!(replay.valid_len > header_len && replay.valid_len < file.len());
    assert_eq!(fresh.replay_wal(&file).unwrap_err().code, ErrorCode::Corruption, "nothing may follow a torn file");
}

#[test]
fn a_bad_checksum_before_the_tail_is_corruption() {
    let (mut disk, mut engine) = open_new(WAL_AND_VISIBLE);
    engine.put(b"a", b"first record").unwrap();
    engine.put(b"b", b"second record").unwrap();
    persist(&mut engine, &mut disk);
    let wal = disk.current_wal();
    let inside_first_payload = 16 + 8 + 12;
    wal[inside_first_payload] ^= 0x40;
    assert_eq!(open(&mut disk, WAL_AND_VISIBLE).unwrap_err().code, ErrorCode::Corruption);
}

#[test]
fn a_gap_in_wal_seqs_is_corruption() {
    let (mut disk, mut engine) = open_new(WAL_AND_VISIBLE);
    engine.put(b"a", b"1").unwrap();
    let first = take_records(&mut engine);
    engine.put(b"b", b"2").unwrap();
    take_records(&mut engine);
    engine.put(b"c", b"3").unwrap();
    let third = take_records(&mut engine);
    disk.current_wal().extend_from_slice(&first);
    disk.current_wal().extend_from_slice(&third);
    let error = open(&mut disk, WAL_AND_VISIBLE).unwrap_err();
    assert_eq!(error.code, ErrorCode::Corruption);
    assert!(error.message.contains("missing"), "{}", error.message);
}

#[test]
fn wal_files_out_of_generation_order_are_corruption() {
    let (mut disk, mut engine) = filled_disk();
    checkpoint(&mut engine, &mut disk, false);
    let manifest = disk.files["MANIFEST"].clone();
    let mut fresh = Engine::new(WAL_AND_VISIBLE);
    let plan = fresh.load_manifest(&manifest).unwrap();
    for name in plan.files {
        fresh.load_file(&name, disk.files[&name].clone()).unwrap();
    }
    let old_generation = plan.wal_generation - 1;
    let stale = sochdb_engine_test_header(old_generation);
    assert_eq!(fresh.replay_wal(&stale).unwrap_err().code, ErrorCode::Corruption);
}

/// A WAL file holding only the header of `generation`, made the way the engine makes them.
fn sochdb_engine_test_header(generation: u64) -> Vec<u8> {
    let mut disk = Disk::default();
    let mut engine = open(&mut disk, WAL_AND_VISIBLE).unwrap();
    while disk.wal_generation < generation {
        engine.put(b"x", b"y").unwrap();
        checkpoint(&mut engine, &mut disk, false);
    }
    disk.files[&wal_name(generation)].clone()
}

#[test]
fn a_segment_that_does_not_match_the_manifest_is_corruption() {
    let (mut disk, _) = filled_disk();
    let name = disk.files.keys().find(|name| name.starts_with("seg-")).unwrap().clone();
    let len = disk.files[&name].len();
    disk.files.get_mut(&name).unwrap()[len / 2] ^= 1;
    let code = open(&mut disk, WAL_AND_VISIBLE).unwrap_err().code;
    assert_eq!(code, ErrorCode::Corruption);
}

#[test]
fn a_segment_the_manifest_names_must_arrive_before_open_finish() {
    let (disk, _) = filled_disk();
    let mut fresh = Engine::new(WAL_AND_VISIBLE);
    fresh.load_manifest(&disk.files["MANIFEST"]).unwrap();
    assert_eq!(fresh.open_finish().unwrap_err().code, ErrorCode::InvalidState);
}

#[test]
fn calls_before_open_finish_are_invalid_state() {
    let mut engine = Engine::new(WAL_AND_VISIBLE);
    assert_eq!(engine.put(b"k", b"v").unwrap_err().code, ErrorCode::InvalidState);
    assert_eq!(engine.get(b"k").unwrap_err().code, ErrorCode::InvalidState);
    assert_eq!(engine.checkpoint(true).unwrap_err().code, ErrorCode::InvalidState);
    engine.open_finish().unwrap();
    assert_eq!(engine.load_manifest(b"").unwrap_err().code, ErrorCode::InvalidState);
}

#[test]
fn a_crash_before_the_manifest_swap_reopens_from_the_old_manifest_and_both_wal_files() {
    let (mut disk, mut engine) = filled_disk();
    engine.put(b"late", b"commit").unwrap();
    persist(&mut engine, &mut disk);
    let expected = scan_all(&mut engine, 0, b"", None, 100);
    let output = engine.checkpoint(false).unwrap().unwrap();
    // The host wrote the segment and the new WAL file, then died before replacing MANIFEST.
    write_checkpoint_files(&engine, &mut disk, &output);
    disk.files.insert(wal_name(output.wal_generation), output.wal_header.to_vec());
    let mut reopened = open(&mut disk, WAL_AND_VISIBLE).unwrap();
    assert_eq!(scan_all(&mut reopened, 0, b"", None, 100), expected);
    assert_eq!(disk.wal_generation, output.wal_generation, "appends go to the newest file");
    reopened.put(b"after", b"crash").unwrap();
    persist(&mut reopened, &mut disk);
    let again = open(&mut disk, WAL_AND_VISIBLE).unwrap();
    assert_eq!(get(&again, b"after").as_deref(), Some(&b"crash"[..]));
}

#[test]
fn an_engine_without_wal_writes_no_records() {
    let config = sochdb_engine::EngineConfig { wal_enabled: false, visible_on_commit: true };
    let (_, mut engine) = open_new(config);
    engine.put(b"k", b"v").unwrap();
    assert_eq!(engine.wal_pending_bytes(), 0);
    assert_eq!(get(&engine, b"k").as_deref(), Some(&b"v"[..]));
}
