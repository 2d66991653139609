//! The memory budget: past its limit, commits that write a value are refused with nothing
//! written, and deletes still pass (they are how room is made).

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};

use common::{get, open_new, WAL_AND_VISIBLE};
use sochdb_engine::{ErrorCode, MEMORY_LIMIT_DEFAULT};

/// What the engine is told its data takes (tests in this file run one at a time on it).
static USED: AtomicUsize = AtomicUsize::new(0);

fn used() -> usize {
    USED.load(Ordering::Relaxed)
}

#[test]
fn past_the_limit_writes_are_refused_with_nothing_written_and_deletes_pass() {
    let (_, mut engine) = open_new(WAL_AND_VISIBLE);
    engine.set_memory_meter(used);
    engine.set_memory_limit(1000);
    USED.store(1000, Ordering::Relaxed);
    engine.put(b"kept", b"1").unwrap();
    let txn = engine.txn_begin().unwrap();
    engine.txn_put(txn, b"in-txn", b"2").unwrap();
    engine.txn_commit(txn).unwrap();

    USED.store(1001, Ordering::Relaxed);
    let (before, pending) = (engine.stats().last_seq, engine.wal_pending_bytes());
    let err = engine.put(b"refused", b"3").unwrap_err();
    assert_eq!(err.code, ErrorCode::OutOfMemory);
    assert!(err.message.contains("nothing was written") && err.message.contains("Deletes still work"), "{}", err.message);
    let txn = engine.txn_begin().unwrap();
    engine.txn_put(txn, b"refused-too", b"4").unwrap();
    engine.txn_delete(txn, b"kept").unwrap();
    assert_eq!(engine.txn_commit(txn).unwrap_err().code, ErrorCode::OutOfMemory);
    assert_eq!(engine.stats().last_seq, before, "no commit, no WAL record");
    assert_eq!(engine.wal_pending_bytes(), pending);
    assert_eq!(get(&engine, b"refused"), None);
    assert_eq!(get(&engine, b"kept"), Some(b"1".to_vec()), "the refused transaction's delete did not apply");

    engine.delete(b"kept").unwrap();
    // Empty values are markers (a collection drop writes one), not data: they pass too.
    engine.put(b"marker", b"").unwrap();
    let txn = engine.txn_begin().unwrap();
    engine.txn_delete(txn, b"in-txn").unwrap();
    engine.txn_commit(txn).unwrap();
    assert_eq!((get(&engine, b"kept"), get(&engine, b"in-txn")), (None, None));

    USED.store(10, Ordering::Relaxed);
    engine.put(b"room-again", b"5").unwrap();
}

#[test]
fn natively_the_default_limit_is_none() {
    assert_eq!(MEMORY_LIMIT_DEFAULT, usize::MAX);
}
