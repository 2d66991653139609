//! Cursors: ranges, batch limits, transaction writes, lifecycle errors.

mod common;

use common::{decode_batch, open_new, scan_all, WAL_AND_VISIBLE};
use sochdb_engine::{Engine, ErrorCode};

fn engine_with(keys: &[&str]) -> Engine {
    let (_, mut engine) = open_new(WAL_AND_VISIBLE);
    for key in keys {
        engine.put(key.as_bytes(), format!("v-{}", key).as_bytes()).unwrap();
    }
    engine
}

fn keys(entries: &[(Vec<u8>, Vec<u8>)]) -> Vec<String> {
    entries.iter().map(|(key, _)| String::from_utf8(key.clone()).unwrap()).collect()
}

#[test]
fn a_cursor_returns_keys_in_start_inclusive_end_exclusive_order() {
    let mut engine = engine_with(&["d", "a", "c", "b", "e"]);
    assert_eq!(keys(&scan_all(&mut engine, 0, b"b", Some(b"d"), 1)), vec!["b", "c"]);
    assert_eq!(keys(&scan_all(&mut engine, 0, b"", None, 2)), vec!["a", "b", "c", "d", "e"]);
    assert_eq!(keys(&scan_all(&mut engine, 0, b"bb", Some(b"bb"), 2)), Vec::<String>::new());
}

#[test]
fn an_end_before_the_start_is_an_invalid_argument() {
    let mut engine = engine_with(&["a"]);
    assert_eq!(engine.cursor_open(0, b"b", Some(b"a")).unwrap_err().code, ErrorCode::InvalidArgument);
}

#[test]
fn a_batch_respects_max_bytes_but_always_holds_one_entry() {
    let mut engine = engine_with(&["a", "b", "c"]);
    let cursor = engine.cursor_open(0, b"", None).unwrap();
    let mut out = Vec::new();
    // Each entry is 8 + 1 + 3 = 12 bytes.
    assert_eq!(engine.cursor_next(cursor, 100, 1, &mut out).unwrap(), 1);
    assert_eq!(decode_batch(&out), vec![(b"a".to_vec(), b"v-a".to_vec())]);
    assert_eq!(engine.cursor_next(cursor, 100, 24, &mut out).unwrap(), 2);
    assert_eq!(engine.cursor_next(cursor, 100, 24, &mut out).unwrap(), 0);
    assert!(out.is_empty());
    assert_eq!(engine.cursor_next(cursor, 0, 24, &mut out).unwrap_err().code, ErrorCode::InvalidArgument);
}

#[test]
fn a_transaction_cursor_merges_its_writes_and_hides_its_deletes() {
    let mut engine = engine_with(&["a", "b", "c"]);
    let txn = engine.txn_begin().unwrap();
    engine.txn_put(txn, b"bb", b"mine").unwrap();
    engine.txn_put(txn, b"c", b"changed").unwrap();
    engine.txn_delete(txn, b"a").unwrap();
    engine.put(b"later", b"invisible").unwrap();
    let entries = scan_all(&mut engine, txn, b"", None, 2);
    let expected = vec![
        (b"b".to_vec(), b"v-b".to_vec()),
        (b"bb".to_vec(), b"mine".to_vec()),
        (b"c".to_vec(), b"changed".to_vec()),
    ];
    assert_eq!(entries, expected);
}

#[test]
fn deleted_keys_are_skipped_and_a_fresh_cursor_sees_the_visible_state() {
    let mut engine = engine_with(&["a", "b", "c"]);
    engine.delete(b"b").unwrap();
    engine.put(b"a", b"new").unwrap();
    let entries = scan_all(&mut engine, 0, b"", None, 10);
    assert_eq!(entries, vec![(b"a".to_vec(), b"new".to_vec()), (b"c".to_vec(), b"v-c".to_vec())]);
}

#[test]
fn a_cursor_keeps_its_snapshot_while_writes_continue() {
    let mut engine = engine_with(&["a", "b", "c", "d"]);
    let cursor = engine.cursor_open(0, b"", None).unwrap();
    let mut out = Vec::new();
    engine.cursor_next(cursor, 1, u32::MAX, &mut out).unwrap();
    engine.put(b"b", b"changed").unwrap();
    engine.put(b"bb", b"inserted").unwrap();
    engine.delete(b"c").unwrap();
    let mut rest = Vec::new();
    while engine.cursor_next(cursor, 1, u32::MAX, &mut out).unwrap() > 0 {
        rest.extend(decode_batch(&out));
    }
    assert_eq!(keys(&rest), vec!["b", "c", "d"]);
    assert_eq!(rest[0].1, b"v-b".to_vec());
}

#[test]
fn closed_cursors_and_ended_transactions_are_reported() {
    let mut engine = engine_with(&["a"]);
    let txn = engine.txn_begin().unwrap();
    let cursor = engine.cursor_open(txn, b"", None).unwrap();
    engine.txn_abort(txn).unwrap();
    let mut out = Vec::new();
    assert_eq!(engine.cursor_next(cursor, 1, 100, &mut out).unwrap_err().code, ErrorCode::TxnNotFound);
    engine.cursor_close(cursor).unwrap();
    assert_eq!(engine.cursor_close(cursor).unwrap_err().code, ErrorCode::CursorNotFound);
    assert_eq!(engine.cursor_open(999, b"", None).unwrap_err().code, ErrorCode::TxnNotFound);
    assert_eq!(engine.stats().open_cursors, 0);
}
