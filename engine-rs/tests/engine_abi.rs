//! The `soch_*` exports, called as the host calls them (natively, pointers are this process's).
//! Each test runs on its own thread, and so gets its own engine instance.

use sochdb_engine as _;

extern "C" {
    fn soch_abi_version() -> u32;
    fn soch_alloc_failure() -> f64;
    fn soch_alloc(len: u32) -> usize;
    fn soch_free(ptr: usize, len: u32);
    fn soch_scratch(len: u32) -> usize;
    fn soch_out_ptr() -> usize;
    fn soch_out_len() -> u32;
    fn soch_init(flags: u32) -> i32;
    fn soch_load_manifest(ptr: usize, len: u32) -> i32;
    fn soch_load_segment(ptr: usize, len: u32) -> i32;
    fn soch_load_file(name_ptr: usize, name_len: u32, data_ptr: usize, data_len: u32) -> i32;
    fn soch_replay_wal(ptr: usize, len: u32) -> i32;
    fn soch_open_finish() -> i32;
    fn soch_get(kptr: usize, klen: u32) -> i32;
    fn soch_put(kptr: usize, klen: u32, vptr: usize, vlen: u32) -> i32;
    fn soch_delete(kptr: usize, klen: u32) -> i32;
    fn soch_txn_begin() -> i32;
    fn soch_txn_get(txn: u32, kptr: usize, klen: u32) -> i32;
    fn soch_txn_put(txn: u32, kptr: usize, klen: u32, vptr: usize, vlen: u32) -> i32;
    fn soch_txn_commit(txn: u32) -> i32;
    fn soch_cursor_open(txn: u32, sptr: usize, slen: u32, eptr: usize, elen: u32) -> i32;
    fn soch_cursor_next(cursor: u32, max_entries: u32, max_bytes: u32) -> i32;
    fn soch_cursor_close(cursor: u32) -> i32;
    fn soch_wal_pending() -> f64;
    fn soch_wal_take() -> i32;
    fn soch_wal_mark_durable(seq: f64) -> i32;
    fn soch_checkpoint(force: u32) -> i32;
    fn soch_memtable_bytes() -> f64;
    fn soch_stats() -> i32;
}

const WAL_ENABLED: u32 = 1;
const VISIBLE_ON_COMMIT: u32 = 2;

fn out() -> Vec<u8> {
    unsafe { std::slice::from_raw_parts(soch_out_ptr() as *const u8, soch_out_len() as usize).to_vec() }
}

fn message() -> String {
    String::from_utf8(out()).unwrap()
}

/// Copies `parts` into the scratch area, returning each one's (ptr, len).
fn scratch(parts: &[&[u8]]) -> Vec<(usize, u32)> {
    let total: usize = parts.iter().map(|part| part.len()).sum();
    let base = unsafe { soch_scratch(total as u32) };
    let mut offset = 0;
    parts
        .iter()
        .map(|part| {
            let ptr = base + offset;
            unsafe { std::ptr::copy_nonoverlapping(part.as_ptr(), ptr as *mut u8, part.len()) };
            offset += part.len();
            (ptr, part.len() as u32)
        })
        .collect()
}

fn put(key: &[u8], value: &[u8]) -> i32 {
    let parts = scratch(&[key, value]);
    unsafe { soch_put(parts[0].0, parts[0].1, parts[1].0, parts[1].1) }
}

fn get(key: &[u8]) -> Option<Vec<u8>> {
    let parts = scratch(&[key]);
    match unsafe { soch_get(parts[0].0, parts[0].1) } {
        0 => Some(out()),
        1 => None,
        status => panic!("get failed: {} {}", status, message()),
    }
}

fn u64_at(bytes: &[u8], pos: usize) -> u64 {
    u64::from_le_bytes(bytes[pos..pos + 8].try_into().unwrap())
}

fn u32_at(bytes: &[u8], pos: usize) -> u32 {
    u32::from_le_bytes(bytes[pos..pos + 4].try_into().unwrap())
}

/// Opens an empty database; returns the WAL file the host would create.
fn init_empty() -> Vec<u8> {
    unsafe {
        assert_eq!(soch_init(WAL_ENABLED | VISIBLE_ON_COMMIT), 0);
        assert_eq!(soch_open_finish(), 0);
    }
    let finish = out();
    assert_eq!(finish.len(), 8 + 1 + 16);
    assert_eq!((u64_at(&finish, 0), finish[8]), (1, 1), "generation 1, create the file");
    finish[9..].to_vec()
}

#[test]
fn the_abi_version_is_four() {
    assert_eq!(unsafe { soch_abi_version() }, 4);
}

#[test]
fn no_allocation_has_failed_natively() {
    assert_eq!(unsafe { soch_alloc_failure() }, 0.0);
}

#[test]
fn calls_before_init_are_invalid_state_with_a_message() {
    assert_eq!(put(b"k", b"v"), -11);
    assert!(message().contains("soch_init"), "{}", message());
    assert_eq!(unsafe { soch_wal_pending() }, 0.0);
}

#[test]
fn put_get_delete_round_trip_and_get_points_at_the_stored_value() {
    init_empty();
    assert_eq!(put(b"key", b"value"), 0);
    assert_eq!(get(b"key").as_deref(), Some(&b"value"[..]));
    let first_ptr = unsafe { soch_out_ptr() };
    get(b"key");
    assert_eq!(unsafe { soch_out_ptr() }, first_ptr, "no copy: the same stored bytes");
    let parts = scratch(&[b"key"]);
    assert_eq!(unsafe { soch_delete(parts[0].0, parts[0].1) }, 0);
    assert_eq!(get(b"key"), None);
    assert_eq!(put(b"", b"v"), -2); // INVALID_ARGUMENT: keys must not be empty
}

#[test]
fn wal_take_returns_last_seq_then_records_that_replay_into_a_new_instance() {
    let mut wal_file = init_empty();
    put(b"a", b"1");
    put(b"b", b"2");
    assert!(unsafe { soch_wal_pending() } > 0.0);
    assert_eq!(unsafe { soch_wal_take() }, 0);
    let taken = out();
    assert_eq!(u64_at(&taken, 0), 2);
    wal_file.extend_from_slice(&taken[8..]);
    assert_eq!(unsafe { soch_wal_pending() }, 0.0);
    assert_eq!(unsafe { soch_wal_mark_durable(2.0) }, 0);
    assert_eq!(unsafe { soch_wal_mark_durable(0.5) }, -2);

    unsafe { assert_eq!(soch_init(WAL_ENABLED | VISIBLE_ON_COMMIT), 0) };
    let parts = scratch(&[&wal_file]);
    assert_eq!(unsafe { soch_replay_wal(parts[0].0, parts[0].1) }, 0);
    let replay = out();
    assert_eq!(u32_at(&replay, 0) as usize, wal_file.len());
    assert_eq!((replay[4], u32_at(&replay, 5), u64_at(&replay, 9)), (0, 2, 1));
    assert_eq!(unsafe { soch_open_finish() }, 0);
    assert_eq!(out()[8], 0, "the replayed file is appended to");
    assert_eq!(get(b"b").as_deref(), Some(&b"2"[..]));
}

/// Reads `name_len u16 | name` at `pos`.
fn name_at(bytes: &[u8], pos: &mut usize) -> String {
    let len = u16::from_le_bytes([bytes[*pos], bytes[*pos + 1]]) as usize;
    let name = String::from_utf8(bytes[*pos + 2..*pos + 2 + len].to_vec()).unwrap();
    *pos += 2 + len;
    name
}

#[test]
fn a_checkpoint_hands_over_a_segment_and_manifest_that_reopen() {
    init_empty();
    put(b"a", b"1");
    assert_eq!(unsafe { soch_checkpoint(0) }, -11, "pending WAL first");
    unsafe { soch_wal_take() };
    assert_eq!(unsafe { soch_checkpoint(0) }, 1);
    let output = out();
    let manifest_len = u32_at(&output, 0) as usize;
    let manifest = output[4..4 + manifest_len].to_vec();
    let mut pos = 4 + manifest_len;
    assert_eq!(u32_at(&output, pos), 1, "one file to write: the segment");
    pos += 4;
    let segment_name = name_at(&output, &mut pos);
    assert!(segment_name.starts_with("seg-") && segment_name.ends_with(".sst"), "{}", segment_name);
    assert_eq!(u32_at(&output, pos), 1, "a segment is one piece");
    pos += 4;
    let ptr_size = std::mem::size_of::<usize>();
    let segment_ptr = usize::from_le_bytes(output[pos..pos + ptr_size].try_into().unwrap());
    let segment_len = u32_at(&output, pos + ptr_size) as usize;
    pos += ptr_size + 4;
    assert_eq!(u32_at(&output, pos), 0, "nothing to remove");
    assert_eq!(u64_at(&output, pos + 4), 2, "the next WAL generation");
    assert_eq!(output.len(), pos + 4 + 8 + 16);
    let segment = unsafe { std::slice::from_raw_parts(segment_ptr as *const u8, segment_len).to_vec() };
    assert_eq!(unsafe { soch_checkpoint(0) }, 0, "nothing changed since");

    unsafe { soch_init(WAL_ENABLED | VISIBLE_ON_COMMIT) };
    let parts = scratch(&[&manifest]);
    assert_eq!(unsafe { soch_load_manifest(parts[0].0, parts[0].1) }, 0);
    let plan = out();
    assert_eq!((u64_at(&plan, 0), u32_at(&plan, 8)), (2, 1));
    assert_eq!(name_at(&plan, &mut 12), segment_name);
    let buffer = unsafe { soch_alloc(segment_len as u32) };
    unsafe { std::ptr::copy_nonoverlapping(segment.as_ptr(), buffer as *mut u8, segment_len) };
    let parts = scratch(&[segment_name.as_bytes()]);
    assert_eq!(unsafe { soch_load_file(parts[0].0, parts[0].1, buffer, segment_len as u32) }, 0, "{}", message());
    assert_eq!(unsafe { soch_open_finish() }, 0);
    assert_eq!((u64_at(&out(), 0), out()[8]), (2, 1));
    assert_eq!(get(b"a").as_deref(), Some(&b"1"[..]));
}

#[test]
fn a_load_segment_error_still_takes_the_buffer() {
    unsafe { soch_init(WAL_ENABLED) };
    let buffer = unsafe { soch_alloc(64) };
    assert_eq!(unsafe { soch_load_segment(buffer, 64) }, -11, "no manifest yet");
    let other = unsafe { soch_alloc(16) };
    unsafe { soch_free(other, 16) };
    assert_eq!(unsafe { soch_alloc(0) }, 0);
}

#[test]
fn transactions_and_cursors_work_through_the_abi() {
    init_empty();
    put(b"a", b"1");
    let txn = unsafe { soch_txn_begin() };
    assert!(txn > 0);
    let parts = scratch(&[b"b", b"2"]);
    assert_eq!(unsafe { soch_txn_put(txn as u32, parts[0].0, parts[0].1, parts[1].0, parts[1].1) }, 0);
    let parts = scratch(&[b"b"]);
    assert_eq!(unsafe { soch_txn_get(txn as u32, parts[0].0, parts[0].1) }, 0);
    assert_eq!(out(), b"2");
    let cursor = unsafe { soch_cursor_open(txn as u32, 0, 0, 0, u32::MAX) };
    assert!(cursor > 0, "{}", message());
    assert_eq!(unsafe { soch_cursor_next(cursor as u32, 10, 1 << 20) }, 2);
    let batch = out();
    assert_eq!(
        batch,
        [
            &1u32.to_le_bytes()[..],
            &1u32.to_le_bytes(),
            b"a",
            b"1",
            &1u32.to_le_bytes(),
            &1u32.to_le_bytes(),
            b"b",
            b"2"
        ]
        .concat()
    );
    assert_eq!(unsafe { soch_cursor_next(cursor as u32, 10, 1 << 20) }, 0);
    assert_eq!(unsafe { soch_cursor_close(cursor as u32) }, 0);
    assert_eq!(unsafe { soch_cursor_close(cursor as u32) }, -8);
    assert_eq!(unsafe { soch_txn_commit(txn as u32) }, 0);
    assert_eq!(unsafe { soch_txn_commit(txn as u32) }, -7);
    assert!(unsafe { soch_memtable_bytes() } > 0.0);
    assert_eq!(unsafe { soch_stats() }, 0);
    let stats = out();
    assert_eq!(stats.len(), 13 * 8);
    assert_eq!((u64_at(&stats, 0), u64_at(&stats, 8), u64_at(&stats, 24)), (2, 2, 2));
}
