//! Snapshot isolation: snapshots, read-your-writes, first committer wins, no lost update.

mod common;

use common::{checkpoint, get, open_new, Rng, WAL_AND_VISIBLE};
use sochdb_engine::{EngineConfig, ErrorCode};

#[test]
fn a_transaction_does_not_see_commits_made_after_its_snapshot() {
    let (_, mut engine) = open_new(WAL_AND_VISIBLE);
    engine.put(b"k", b"old").unwrap();
    let txn = engine.txn_begin().unwrap();
    engine.put(b"k", b"new").unwrap();
    engine.put(b"other", b"x").unwrap();
    assert_eq!(engine.txn_get(txn, b"k").unwrap(), Some(&b"old"[..]));
    assert_eq!(engine.txn_get(txn, b"other").unwrap(), None);
    assert_eq!(get(&engine, b"k").as_deref(), Some(&b"new"[..]));
}

#[test]
fn a_snapshot_survives_a_checkpoint_that_overwrites_its_versions() {
    let (mut disk, mut engine) = open_new(WAL_AND_VISIBLE);
    engine.put(b"k", b"old").unwrap();
    engine.delete(b"gone").unwrap();
    engine.put(b"gone", b"was here").unwrap();
    let txn = engine.txn_begin().unwrap();
    engine.put(b"k", b"new").unwrap();
    engine.delete(b"gone").unwrap();
    checkpoint(&mut engine, &mut disk, false);
    checkpoint(&mut engine, &mut disk, true);
    assert_eq!(engine.txn_get(txn, b"k").unwrap(), Some(&b"old"[..]));
    assert_eq!(engine.txn_get(txn, b"gone").unwrap(), Some(&b"was here"[..]));
    assert_eq!(get(&engine, b"gone"), None);
}

#[test]
fn a_transaction_reads_its_own_writes_and_deletes() {
    let (_, mut engine) = open_new(WAL_AND_VISIBLE);
    engine.put(b"a", b"1").unwrap();
    let txn = engine.txn_begin().unwrap();
    engine.txn_put(txn, b"b", b"2").unwrap();
    engine.txn_delete(txn, b"a").unwrap();
    assert_eq!(engine.txn_get(txn, b"b").unwrap(), Some(&b"2"[..]));
    assert_eq!(engine.txn_get(txn, b"a").unwrap(), None);
    assert_eq!(get(&engine, b"a").as_deref(), Some(&b"1"[..]), "uncommitted writes stay private");
    assert_eq!(get(&engine, b"b"), None);
    engine.txn_commit(txn).unwrap();
    assert_eq!(get(&engine, b"a"), None);
    assert_eq!(get(&engine, b"b").as_deref(), Some(&b"2"[..]));
}

#[test]
fn of_two_transactions_writing_one_key_exactly_the_first_committer_wins() {
    let (_, mut engine) = open_new(WAL_AND_VISIBLE);
    let first = engine.txn_begin().unwrap();
    let second = engine.txn_begin().unwrap();
    engine.txn_put(first, b"k", b"first").unwrap();
    engine.txn_put(second, b"k", b"second").unwrap();
    engine.txn_put(second, b"unrelated", b"x").unwrap();
    engine.txn_commit(first).unwrap();
    let error = engine.txn_commit(second).unwrap_err();
    assert_eq!(error.code, ErrorCode::TxnConflict);
    assert_eq!(get(&engine, b"k").as_deref(), Some(&b"first"[..]));
    assert_eq!(get(&engine, b"unrelated"), None, "a conflicting transaction applies nothing");
    assert_eq!(engine.txn_commit(second).unwrap_err().code, ErrorCode::TxnNotFound);
}

#[test]
fn a_conflict_is_detected_against_a_version_already_in_a_segment() {
    let (mut disk, mut engine) = open_new(WAL_AND_VISIBLE);
    let txn = engine.txn_begin().unwrap();
    engine.put(b"k", b"autocommit").unwrap();
    checkpoint(&mut engine, &mut disk, false);
    engine.txn_put(txn, b"k", b"late").unwrap();
    assert_eq!(engine.txn_commit(txn).unwrap_err().code, ErrorCode::TxnConflict);
}

#[test]
fn disjoint_write_sets_both_commit() {
    let (_, mut engine) = open_new(WAL_AND_VISIBLE);
    let a = engine.txn_begin().unwrap();
    let b = engine.txn_begin().unwrap();
    engine.txn_put(a, b"a", b"1").unwrap();
    engine.txn_put(b, b"b", b"2").unwrap();
    engine.txn_commit(b).unwrap();
    engine.txn_commit(a).unwrap();
    assert_eq!(engine.last_seq(), 2);
}

/// Clients increment one counter with read-modify-write transactions, interleaved at random. Each
/// successful commit must add exactly one: a lost update would leave the counter short.
#[test]
fn random_interleavings_of_increments_never_lose_an_update() {
    for seed in 1..=20 {
        let (mut disk, mut engine) = open_new(WAL_AND_VISIBLE);
        engine.put(b"counter", &0u64.to_le_bytes()).unwrap();
        let mut rng = Rng::new(seed);
        let mut open: Vec<(u32, u64)> = Vec::new();
        let mut committed = 0u64;
        for _ in 0..400 {
            match rng.below(4) {
                0 | 1 if open.len() < 8 => {
                    let txn = engine.txn_begin().unwrap();
                    let value = engine.txn_get(txn, b"counter").unwrap().unwrap();
                    let counter = u64::from_le_bytes(value.try_into().unwrap());
                    engine.txn_put(txn, b"counter", &(counter + 1).to_le_bytes()).unwrap();
                    open.push((txn, counter));
                }
                2 if !open.is_empty() => {
                    let (txn, _) = open.remove(rng.below(open.len() as u64) as usize);
                    match engine.txn_commit(txn) {
                        Ok(()) => committed += 1,
                        Err(error) => assert_eq!(error.code, ErrorCode::TxnConflict),
                    }
                }
                3 if rng.chance(10) => {
                    checkpoint(&mut engine, &mut disk, false);
                }
                _ => {}
            }
        }
        let counter = u64::from_le_bytes(get(&engine, b"counter").unwrap().try_into().unwrap());
        assert_eq!(counter, committed, "seed {}", seed);
        assert!(committed > 10, "seed {}: the test must commit something", seed);
    }
}

#[test]
fn without_visible_on_commit_a_commit_waits_for_durability() {
    let config = EngineConfig { wal_enabled: true, visible_on_commit: false };
    let (_, mut engine) = open_new(config);
    engine.put(b"k", b"v1").unwrap();
    assert_eq!(get(&engine, b"k"), None);
    let early = engine.txn_begin().unwrap();
    engine.wal_mark_durable(1).unwrap();
    assert_eq!(get(&engine, b"k").as_deref(), Some(&b"v1"[..]));
    assert_eq!(engine.txn_get(early, b"k").unwrap(), None, "its snapshot predates durability");
    engine.put(b"k", b"v2").unwrap();
    assert_eq!(get(&engine, b"k").as_deref(), Some(&b"v1"[..]));
    assert_eq!(engine.wal_mark_durable(5).unwrap_err().code, ErrorCode::InvalidArgument);
}

#[test]
fn a_commit_not_yet_durable_still_conflicts() {
    let config = EngineConfig { wal_enabled: true, visible_on_commit: false };
    let (_, mut engine) = open_new(config);
    let txn = engine.txn_begin().unwrap();
    engine.put(b"k", b"pending").unwrap();
    engine.txn_put(txn, b"k", b"mine").unwrap();
    assert_eq!(engine.txn_commit(txn).unwrap_err().code, ErrorCode::TxnConflict);
}

#[test]
fn oversized_or_empty_keys_and_values_are_typed_errors_that_apply_nothing() {
    let (_, mut engine) = open_new(WAL_AND_VISIBLE);
    let long_key = vec![b'k'; 16 * 1024 + 1];
    assert_eq!(engine.put(&long_key, b"v").unwrap_err().code, ErrorCode::KeyTooLarge);
    assert_eq!(engine.put(b"", b"v").unwrap_err().code, ErrorCode::InvalidArgument);
    let huge_value = vec![0u8; 64 * 1024 * 1024 + 1];
    assert_eq!(engine.put(b"k", &huge_value).unwrap_err().code, ErrorCode::ValueTooLarge);
    let txn = engine.txn_begin().unwrap();
    assert_eq!(engine.txn_put(txn, b"k", &huge_value).unwrap_err().code, ErrorCode::ValueTooLarge);
    assert_eq!(engine.last_seq(), 0);
    assert_eq!(engine.wal_pending_bytes(), 0);
    engine.txn_commit(txn).unwrap();
    assert_eq!(engine.last_seq(), 0, "an empty transaction takes no seq");
}

#[test]
fn a_transaction_over_txn_size_max_is_refused() {
    let (_, mut engine) = open_new(WAL_AND_VISIBLE);
    let txn = engine.txn_begin().unwrap();
    let value = vec![7u8; 60 * 1024 * 1024];
    for i in 0..4u8 {
        engine.txn_put(txn, &[i], &value).unwrap();
    }
    assert_eq!(engine.txn_put(txn, b"last", &value).unwrap_err().code, ErrorCode::TxnTooLarge);
    engine.txn_abort(txn).unwrap();
}
