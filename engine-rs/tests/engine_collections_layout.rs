//! Locality layout at checkpoints: a large graph with many new nodes is renumbered in
//! breadth-first order; every answer stays the same (up to the order of exact ties), across
//! reopen and the WAL replayed after the layout, and int8 collections too.

mod collections_util;
mod common;

use collections_util::*;
use common::{checkpoint, open, open_new, persist, Disk, WAL_AND_VISIBLE};
use sochdb_engine::Engine;

const DIM: usize = 16;
/// Over `limits.rs`'s COLLECTION_LAYOUT_NODES_MIN (8192).
const N: usize = 9000;
const CLUSTERS: usize = 30;

fn unordered(engine: &Engine) -> usize {
    engine.collection_unordered_nodes(&col_key("c")).unwrap()
}

fn content(i: usize) -> String {
    format!("w{} w{} common", i % 97, i % 89)
}

fn write(engine: &mut Engine, vectors: &[Vec<f32>], from: usize) {
    for (b, batch) in vectors.chunks(500).enumerate() {
        let txn = engine.txn_begin().unwrap();
        for (j, v) in batch.iter().enumerate() {
            let i = from + b * 500 + j;
            let key = doc_key("c", &format!("d{}", i));
            engine.txn_put(txn, &key, &record(v, &format!(r#"{{"cat": {}}}"#, i % 5), Some(&content(i)))).unwrap();
        }
        engine.txn_commit(txn).unwrap();
    }
}

fn built(options: &str) -> (Disk, Engine, Vec<Vec<f32>>) {
    let (disk, mut engine) = open_new(WAL_AND_VISIBLE);
    create(&mut engine, "c", &format!(r#"{{"dimension": 16, "metric": "l2"{}}}"#, options));
    let vectors = clustered(N, DIM, CLUSTERS, 21);
    write(&mut engine, &vectors, 0);
    (disk, engine, vectors)
}

/// Answers a layout must not change, each sorted by id: exact vector searches (plain and
/// filtered) and text searches asking for every match, so ties cannot straddle the cut.
fn exact_answers(engine: &Engine) -> Vec<Vec<(String, u32)>> {
    let mut queries = Vec::new();
    for q in clustered(10, DIM, CLUSTERS, 99) {
        let exact = Query { flags: HAS_VECTOR | EXACT, ..Query::vector(10, &q) };
        queries.push(Query { filter: r#"{"cat": 2}"#.to_string(), ..exact.clone() });
        queries.push(exact);
    }
    // Each matches a few hundred documents at most (a term is in about 1 in 89 or 97).
    for text in ["w3", "w5 w7", "w11 w2"] {
        queries.push(Query::text(1000, text));
    }
    let mut answers = Vec::new();
    for query in &queries {
        let mut found: Vec<(String, u32)> = search(engine, "c", query).into_iter().map(|f| (f.id, f.score.to_bits())).collect();
        found.sort();
        answers.push(found);
    }
    answers
}

/// Mean recall@10 of graph searches against brute force over `vectors` (d<i> = vectors[i]).
fn walk_recall(engine: &Engine, vectors: &[Vec<f32>]) -> f64 {
    let queries = clustered(50, DIM, CLUSTERS, 98);
    let total: f64 = queries
        .iter()
        .map(|q| recall(&ids(&search(engine, "c", &Query::vector(10, q))), &oracle(Metric::L2, vectors, q, 10, &|_| true)))
        .sum();
    total / queries.len() as f64
}

fn walks(engine: &Engine) -> Vec<Vec<Found>> {
    clustered(20, DIM, CLUSTERS, 97).iter().map(|q| search(engine, "c", &Query::vector(10, q))).collect()
}

#[test]
fn a_checkpoint_lays_out_a_large_new_graph_and_no_answer_changes() {
    for options in ["", r#", "quantization": "int8""#] {
        let (mut disk, mut engine, vectors) = built(options);
        assert_eq!(unordered(&engine), N);
        let before = exact_answers(&engine);
        let recall_before = walk_recall(&engine, &vectors);
        assert!(checkpoint(&mut engine, &mut disk, false));
        assert_eq!(unordered(&engine), 0, "laid out{}", options);
        assert_eq!(exact_answers(&engine), before, "exact, filtered and text answers unchanged{}", options);
        let recall_after = walk_recall(&engine, &vectors);
        assert!(recall_after >= 0.95 && recall_after >= recall_before - 0.01, "recall {} -> {}{}", recall_before, recall_after, options);
        // Reopened: the laid-out index is loaded as saved.
        let expected = walks(&engine);
        let reopened = open(&mut disk, WAL_AND_VISIBLE).unwrap();
        assert_eq!(reopened.collection_index_inserts(&col_key("c")), Some(0), "loaded, not rebuilt");
        assert_eq!(unordered(&reopened), 0);
        assert_eq!(walks(&reopened), expected);
        assert_eq!(exact_answers(&reopened), before);
    }
}

#[test]
fn small_graphs_and_few_new_nodes_are_left_as_they_are() {
    let (mut disk, mut engine) = open_new(WAL_AND_VISIBLE);
    create(&mut engine, "c", r#"{"dimension": 16, "metric": "l2"}"#);
    write(&mut engine, &clustered(500, DIM, CLUSTERS, 3), 0);
    assert!(checkpoint(&mut engine, &mut disk, false));
    assert_eq!(unordered(&engine), 500, "under the size worth a layout");

    let (mut disk, mut engine, vectors) = built("");
    checkpoint(&mut engine, &mut disk, false);
    // 2,000 new nodes are under a quarter of 11,000: no layout yet.
    let more = clustered(2000, DIM, CLUSTERS, 22);
    write(&mut engine, &more, N);
    assert!(checkpoint(&mut engine, &mut disk, false));
    assert_eq!(unordered(&engine), 2000);
    // 1,700 more make 3,700 of 12,700: laid out again.
    let last = clustered(1700, DIM, CLUSTERS, 23);
    write(&mut engine, &last, N + 2000);
    assert!(checkpoint(&mut engine, &mut disk, false));
    assert_eq!(unordered(&engine), 0);
    let all: Vec<Vec<f32>> = vectors.into_iter().chain(more).chain(last).collect();
    assert!(walk_recall(&engine, &all) >= 0.95);
}

#[test]
fn wal_writes_after_a_layout_replay_onto_the_renumbered_index() {
    let (mut disk, mut engine, mut vectors) = built("");
    checkpoint(&mut engine, &mut disk, false);
    // Updates, deletes and inserts naming documents whose internal ids just moved.
    let fresh = clustered(200, DIM, CLUSTERS, 24);
    write(&mut engine, &fresh[..100], 0);
    vectors[..100].clone_from_slice(&fresh[..100]);
    let txn = engine.txn_begin().unwrap();
    for i in 100..150 {
        engine.txn_delete(txn, &doc_key("c", &format!("d{}", i))).unwrap();
    }
    engine.txn_commit(txn).unwrap();
    write(&mut engine, &fresh[100..], N);
    persist(&mut engine, &mut disk);
    let expected = (walks(&engine), exact_answers(&engine));
    let reopened = open(&mut disk, WAL_AND_VISIBLE).unwrap();
    assert_eq!(reopened.collection_count(&col_key("c")).unwrap(), N - 50 + 100);
    assert_eq!((walks(&reopened), exact_answers(&reopened)), expected);
    // The deleted ones are gone; the updated ones answer with their new vectors.
    let live: Vec<Vec<f32>> = vectors.iter().enumerate().map(|(i, v)| if (100..150).contains(&i) { vec![1e9; DIM] } else { v.clone() }).chain(fresh[100..].iter().cloned()).collect();
    assert!(walk_recall(&reopened, &live) >= 0.95);
}

#[test]
fn nodes_added_since_the_last_layout_are_counted_across_opens() {
    let (mut disk, mut engine, _) = built("");
    checkpoint(&mut engine, &mut disk, false);
    assert_eq!(unordered(&engine), 0);
    // Each session adds under a quarter; together they pass it.
    write(&mut engine, &clustered(2000, DIM, CLUSTERS, 22), N);
    assert!(checkpoint(&mut engine, &mut disk, false));
    let mut engine = open(&mut disk, WAL_AND_VISIBLE).unwrap();
    assert_eq!(unordered(&engine), 2000, "the index file kept the count");
    write(&mut engine, &clustered(1700, DIM, CLUSTERS, 23), N + 2000);
    assert!(checkpoint(&mut engine, &mut disk, false));
    assert_eq!(unordered(&engine), 0, "3,700 of 12,700 new over two sessions: laid out");
    let engine = open(&mut disk, WAL_AND_VISIBLE).unwrap();
    assert_eq!(unordered(&engine), 0);
}
