//! Tombstone compaction at checkpoints: deleted and replaced documents leave the graph and the
//! text index once they pass the limit, and nothing a search returns changes, across reopen and
//! the WAL replayed after a compacting checkpoint.

mod collections_util;
mod common;

use collections_util::*;
use common::{checkpoint, open, open_new, persist, Disk, WAL_AND_VISIBLE};
use sochdb_engine::Engine;

const DIM: usize = 16;
const N: usize = 1500;
const CLUSTERS: usize = 15;
/// `limits.rs`: COLLECTION_TOMBSTONE_PERCENT_MAX and COLLECTION_TOMBSTONES_MIN_COMPACT.
const TOMBSTONE_PERCENT_MAX: usize = 20;
const TOMBSTONES_MIN_COMPACT: usize = 256;

/// Live documents by number (`d<i>`): vector and content.
type Model = Vec<Option<(Vec<f32>, String)>>;

fn content(i: usize, round: usize) -> String {
    format!("t{} t{} common r{}", i % 37, i % 11, round)
}

fn nodes(engine: &Engine) -> (usize, usize) {
    engine.collection_index_nodes(&col_key("c")).unwrap()
}

fn count(engine: &Engine) -> usize {
    engine.collection_count(&col_key("c")).unwrap()
}

/// Writes each `(i, Some(vector))` as a put of `d<i>` and each `(i, None)` as its delete, in
/// transactions of 250, and applies them to `model`.
fn write(engine: &mut Engine, model: &mut Model, round: usize, writes: Vec<(usize, Option<Vec<f32>>)>) {
    for batch in writes.chunks(250) {
        let txn = engine.txn_begin().unwrap();
        for (i, vector) in batch {
            if model.len() <= *i {
                model.resize(*i + 1, None);
            }
            let key = doc_key("c", &format!("d{}", i));
            match vector {
                Some(vector) => {
                    let text = content(*i, round);
                    engine.txn_put(txn, &key, &record(vector, &format!(r#"{{"cat": {}}}"#, i % 5), Some(&text))).unwrap();
                    model[*i] = Some((vector.clone(), text));
                }
                None => {
                    engine.txn_delete(txn, &key).unwrap();
                    model[*i] = None;
                }
            }
        }
        engine.txn_commit(txn).unwrap();
    }
}

/// A collection of N documents, checkpointed, then 20% deleted and 20% replaced (not yet
/// checkpointed). Returns the index file size of the first checkpoint too.
fn churned() -> (Disk, Engine, Model, usize) {
    let (mut disk, mut engine) = open_new(WAL_AND_VISIBLE);
    create(&mut engine, "c", r#"{"dimension": 16, "metric": "l2", "textField": null}"#);
    let mut model = Model::new();
    let vectors = clustered(N, DIM, CLUSTERS, 7);
    write(&mut engine, &mut model, 0, vectors.into_iter().map(Some).enumerate().collect());
    assert!(checkpoint(&mut engine, &mut disk, false));
    let first_file = index_file_len(&disk);
    let fresh = clustered(N, DIM, CLUSTERS, 8);
    let writes = (0..N).filter(|i| i % 5 < 2).map(|i| (i, if i % 5 == 0 { None } else { Some(fresh[i].clone()) }));
    write(&mut engine, &mut model, 1, writes.collect());
    persist(&mut engine, &mut disk);
    (disk, engine, model, first_file)
}

fn index_file_len(disk: &Disk) -> usize {
    let mut files = disk.files.iter().filter(|(name, _)| name.starts_with("idx-"));
    let (_, bytes) = files.next().expect("an index file");
    assert!(files.next().is_none(), "one collection, one index file");
    bytes.len()
}

/// Queries whose answers a compaction must not change at all: brute-force vector searches (plain,
/// filtered, hybrid) and text searches. Graph walks are approximate: `check_against_oracle`.
fn exact_queries() -> Vec<Query> {
    let mut list = Vec::new();
    for (i, q) in clustered(10, DIM, CLUSTERS, 99).iter().enumerate() {
        let exact = Query { flags: HAS_VECTOR | EXACT, ..Query::vector(10, q) };
        list.push(exact.clone());
        list.push(Query { filter: r#"{"cat": 2}"#.to_string(), ..exact.clone() });
        list.push(Query { text: format!("t{} common", i), alpha: 0.5, ..exact.clone() });
        list.push(Query { text: format!("t{} common", i), flags: HAS_VECTOR | EXACT | FUSION_RRF, ..exact });
    }
    for text in ["t3", "t5 t7", "r1", "r0 t2", "common"] {
        list.push(Query::text(20, text));
        list.push(Query { filter: r#"{"cat": 1}"#.to_string(), ..Query::text(20, text) });
    }
    list
}

/// Every kind of query, graph walks included: for comparing engines that hold the same index.
fn queries() -> Vec<Query> {
    let mut list = exact_queries();
    for (i, q) in clustered(10, DIM, CLUSTERS, 98).iter().enumerate() {
        list.push(Query::vector(10, q));
        list.push(Query { filter: r#"{"cat": 2}"#.to_string(), ..Query::vector(10, q) });
        list.push(Query { text: format!("t{} common", i), alpha: 0.5, ..Query::vector(10, q) });
    }
    list
}

fn answers(engine: &Engine) -> Vec<Vec<Found>> {
    queries().iter().map(|query| search(engine, "c", query)).collect()
}

fn exact_answers(engine: &Engine) -> Vec<Vec<Found>> {
    exact_queries().iter().map(|query| search(engine, "c", query)).collect()
}

/// Ids `d<i>` of the k nearest live documents (l2), by brute force.
fn oracle_ids(model: &Model, query: &[f32], k: usize) -> Vec<String> {
    let live: Vec<Vec<f32>> = model.iter().map(|doc| doc.as_ref().map_or(vec![1e9; DIM], |d| d.0.clone())).collect();
    oracle(Metric::L2, &live, query, k, &|i| model[i].is_some())
}

/// Mean recall@10 of graph searches against the live documents, and exact searches equal to the
/// oracle.
fn check_against_oracle(engine: &Engine, model: &Model) -> f64 {
    let mut total = 0.0;
    let queries = clustered(30, DIM, CLUSTERS, 99);
    for q in &queries {
        let want = oracle_ids(model, q, 10);
        total += recall(&ids(&search(engine, "c", &Query::vector(10, q))), &want);
        let exact = search(engine, "c", &Query { flags: HAS_VECTOR | EXACT, ..Query::vector(10, q) });
        assert_eq!(ids(&exact), want);
    }
    let mean = total / queries.len() as f64;
    assert!(mean >= 0.95, "recall@10 {}", mean);
    mean
}

#[test]
fn a_checkpoint_drops_tombstones_over_the_limit_and_every_result_stays_the_same() {
    let (mut disk, mut engine, model, first_file) = churned();
    let live = model.iter().filter(|doc| doc.is_some()).count();
    assert_eq!((count(&engine), nodes(&engine)), (live, (N + N / 5, 2 * N / 5)));
    let before = exact_answers(&engine);
    let recall_before = check_against_oracle(&engine, &model);
    assert!(checkpoint(&mut engine, &mut disk, false));
    assert_eq!((count(&engine), nodes(&engine)), (live, (live, 0)), "node count == live documents");
    assert!(index_file_len(&disk) < first_file * 9 / 10, "the index file holds live documents only");
    assert_eq!(exact_answers(&engine), before, "exact, filtered, hybrid and text results unchanged");
    // The repaired graph walks differently, but as well.
    let recall_after = check_against_oracle(&engine, &model);
    assert!(recall_after >= recall_before - 0.02, "recall@10 {} after, {} before", recall_after, recall_before);
    // The text side answers from the new content only.
    let r1 = search(&engine, "c", &Query::text(N as u32, "r1"));
    assert_eq!(r1.len(), model.iter().filter(|doc| doc.as_ref().map_or(false, |d| d.1.contains("r1"))).count());
    assert!(r1.iter().all(|found| found.content.as_deref().unwrap().ends_with("r1")));
}

#[test]
fn reopening_after_a_compacting_checkpoint_loads_the_compacted_index() {
    let (mut disk, mut engine, model, _) = churned();
    checkpoint(&mut engine, &mut disk, false);
    let expected = answers(&engine);
    let reopened = open(&mut disk, WAL_AND_VISIBLE).unwrap();
    assert_eq!(reopened.collection_index_inserts(&col_key("c")), Some(0), "loaded, not rebuilt");
    assert_eq!(nodes(&reopened), nodes(&engine));
    assert_eq!(answers(&reopened), expected);
    check_against_oracle(&reopened, &model);
}

#[test]
fn wal_writes_after_a_compacting_checkpoint_replay_onto_the_renumbered_index() {
    let (mut disk, mut engine, mut model, _) = churned();
    checkpoint(&mut engine, &mut disk, false);
    assert_eq!(nodes(&engine).1, 0);
    // Deletes, updates and inserts naming documents whose internal ids just moved.
    let fresh = clustered(N + 100, DIM, CLUSTERS, 9);
    let writes = (0..N + 100).filter(|i| i % 7 == 1 || *i >= N).map(|i| (i, if i % 2 == 0 { None } else { Some(fresh[i].clone()) }));
    write(&mut engine, &mut model, 2, writes.collect());
    persist(&mut engine, &mut disk);
    let expected = answers(&engine);
    let reopened = open(&mut disk, WAL_AND_VISIBLE).unwrap();
    assert_eq!(nodes(&reopened), nodes(&engine));
    assert_eq!(count(&reopened), model.iter().filter(|doc| doc.is_some()).count());
    assert_eq!(answers(&reopened), expected);
    check_against_oracle(&reopened, &model);
}

#[test]
fn a_forced_checkpoint_compacts_tombstones_under_the_limit() {
    let (mut disk, mut engine, mut model, _) = churned();
    checkpoint(&mut engine, &mut disk, false);
    write(&mut engine, &mut model, 2, (0..10).map(|i| (i * 5 + 2, None)).collect());
    assert!(checkpoint(&mut engine, &mut disk, false));
    assert_eq!(nodes(&engine).1, 10, "10 tombstones are under the limit");
    let before = exact_answers(&engine);
    assert!(checkpoint(&mut engine, &mut disk, true));
    assert_eq!(nodes(&engine), (count(&engine), 0));
    assert_eq!(exact_answers(&engine), before);
    let after = answers(&engine);
    assert_eq!(answers(&open(&mut disk, WAL_AND_VISIBLE).unwrap()), after);
}

#[test]
fn repeated_update_cycles_keep_the_graph_within_the_tombstone_limit() {
    let (mut disk, mut engine) = open_new(WAL_AND_VISIBLE);
    create(&mut engine, "c", r#"{"dimension": 16, "metric": "l2"}"#);
    let mut model = Model::new();
    write(&mut engine, &mut model, 0, clustered(N, DIM, CLUSTERS, 7).into_iter().map(Some).enumerate().collect());
    let mut rng = Rng::new(21);
    let mut compactions = 0;
    for round in 1..=8 {
        let fresh = clustered(N, DIM, CLUSTERS, 100 + round as u64);
        // A tenth of the documents replaced, a few deleted or brought back.
        let writes = (0..N / 10).map(|_| {
            let i = (rng.next() % N as u64) as usize;
            (i, if rng.next() % 8 == 0 { None } else { Some(fresh[i].clone()) })
        });
        write(&mut engine, &mut model, round, writes.collect());
        assert!(checkpoint(&mut engine, &mut disk, false));
        let (live, (graph, tombstones)) = (count(&engine), nodes(&engine));
        compactions += (tombstones == 0) as usize;
        let limit = std::cmp::max(live * TOMBSTONE_PERCENT_MAX / 100, TOMBSTONES_MIN_COMPACT);
        assert!(tombstones <= limit && graph == live + tombstones, "round {}: {} nodes, {} live", round, graph, live);
        check_against_oracle(&engine, &model);
    }
    assert!(compactions >= 2, "{} compactions in 8 rounds", compactions);
    let expected = answers(&engine);
    assert_eq!(answers(&open(&mut disk, WAL_AND_VISIBLE).unwrap()), expected);
}
