//! Vector collections through the Rust engine API: documents written as reserved keys, searched
//! against a brute-force oracle, with filters, text and hybrid queries, deletes and updates.

mod collections_util;
mod common;

use collections_util::*;
use common::{open_new, WAL_AND_VISIBLE};
use sochdb_engine::{Engine, ErrorCode};

const DIM: usize = 16;

fn engine_with(name: &str, json: &str) -> Engine {
    let (_, mut engine) = open_new(WAL_AND_VISIBLE);
    create(&mut engine, name, json);
    engine
}

/// `ef_search` 0 is the collection's default (64).
fn check_recall(metric: Metric, metric_name: &str, ef_search: u32) {
    let json = format!(r#"{{"dimension": {}, "metric": "{}"}}"#, DIM, metric_name);
    let mut engine = engine_with("c", &json);
    let vectors = clustered(1500, DIM, 15, 7);
    fill(&mut engine, "c", &vectors, &|_| "{}".to_string());
    assert_eq!(engine.collection_count(&col_key("c")).unwrap(), 1500);
    let queries = clustered(40, DIM, 15, 99);
    let mut total = 0.0;
    for query in &queries {
        let got = ids(&search(&engine, "c", &Query { ef_search, ..Query::vector(10, query) }));
        total += recall(&got, &oracle(metric, &vectors, query, 10, &|_| true));
    }
    let mean = total / queries.len() as f64;
    println!("{} recall@10 = {:.4}", metric_name, mean);
    assert!(mean >= 0.95, "{} recall@10 = {}", metric_name, mean);
}

#[test]
fn vector_search_finds_the_brute_force_neighbours_for_cosine() {
    check_recall(Metric::Cosine, "cosine", 0);
}

#[test]
fn vector_search_finds_the_brute_force_neighbours_for_l2() {
    check_recall(Metric::L2, "l2", 0);
}

#[test]
fn vector_search_finds_the_brute_force_neighbours_for_dot() {
    // Inner product is not a metric: the graph routes less well (0.95 at ef 64 on this set), so
    // this asks for a wider search, as a dot collection would be configured.
    check_recall(Metric::Dot, "dot", 128);
}

#[test]
fn scores_are_the_metric_scores_and_exact_mode_is_the_oracle() {
    let mut engine = engine_with("c", r#"{"dimension": 16, "metric": "l2"}"#);
    let vectors = clustered(300, DIM, 5, 3);
    fill(&mut engine, "c", &vectors, &|i| format!(r#"{{"i": {}}}"#, i));
    let query = &clustered(1, DIM, 5, 4)[0];
    let found = search(&engine, "c", &Query { flags: HAS_VECTOR | EXACT | INCLUDE_VECTORS, ..Query::vector(5, query) });
    assert_eq!(ids(&found), oracle(Metric::L2, &vectors, query, 5, &|_| true));
    let first = &found[0];
    let i: usize = first.id[1..].parse().unwrap();
    assert!((first.score - score(Metric::L2, query, &vectors[i])).abs() < 1e-3, "{:?}", first);
    assert_eq!((first.vector.clone(), first.metadata.clone()), (vectors[i].clone(), format!(r#"{{"i": {}}}"#, i)));
    assert!(first.text_score.is_nan() && first.content.is_none());
}

#[test]
fn a_selective_filter_returns_k_matching_documents_as_the_oracle_does() {
    let mut engine = engine_with("c", r#"{"dimension": 16}"#);
    let vectors = clustered(2000, DIM, 20, 11);
    fill(&mut engine, "c", &vectors, &|i| format!(r#"{{"cat": {}, "even": {}}}"#, i % 100, i % 2 == 0));
    for query in clustered(10, DIM, 20, 12) {
        let rare = Query { filter: r#"{"cat": 7}"#.to_string(), ..Query::vector(10, &query) };
        let got = ids(&search(&engine, "c", &rare));
        assert_eq!(got, oracle(Metric::Cosine, &vectors, &query, 10, &|i| i % 100 == 7), "20 match, 10 asked");
        let broad = Query { filter: r#"{"even": true}"#.to_string(), ..Query::vector(10, &query) };
        let got = ids(&search(&engine, "c", &broad));
        assert_eq!(got.len(), 10);
        assert!(got.iter().all(|id| id[1..].parse::<usize>().unwrap() % 2 == 0), "{:?}", got);
        assert!(recall(&got, &oracle(Metric::Cosine, &vectors, &query, 10, &|i| i % 2 == 0)) >= 0.8);
    }
    let none = Query { filter: r#"{"cat": 1000}"#.to_string(), ..Query::vector(10, &vectors[0]) };
    assert!(search(&engine, "c", &none).is_empty());
}

fn text_engine() -> Engine {
    let mut engine = engine_with("t", r#"{"dimension": 2, "metric": "l2"}"#);
    put_doc(&mut engine, "t", "apple", &[0.0, 0.0], "{}", Some("apple pie with cinnamon"));
    put_doc(&mut engine, "t", "banana", &[1.0, 0.0], "{}", Some("banana bread"));
    put_doc(&mut engine, "t", "both", &[5.0, 5.0], "{}", Some("quantum apple computing"));
    put_doc(&mut engine, "t", "near", &[5.1, 5.0], "{}", Some("nothing relevant here"));
    put_doc(&mut engine, "t", "silent", &[9.0, 9.0], "{}", None);
    engine
}

#[test]
fn text_search_ranks_by_bm25_and_ignores_documents_without_the_terms() {
    let engine = text_engine();
    let found = search(&engine, "t", &Query::text(10, "quantum computing"));
    assert_eq!(ids(&found), vec!["both"]);
    assert!(found[0].vector_score.is_nan() && found[0].text_score > 0.0);
    assert_eq!(found[0].content.as_deref(), Some("quantum apple computing"));
    let apples = ids(&search(&engine, "t", &Query::text(10, "apple")));
    assert_eq!(apples.len(), 2);
    assert!(apples.contains(&"apple".to_string()) && apples.contains(&"both".to_string()));
}

#[test]
fn hybrid_search_ranks_a_document_matching_both_sides_first() {
    let engine = text_engine();
    let query = Query { text: "quantum".to_string(), alpha: 0.5, ..Query::vector(3, &[5.05, 5.0]) };
    let found = search(&engine, "t", &query);
    assert_eq!(found[0].id, "both", "{:?}", found);
    assert!(found[0].text_score > 0.0 && !found[0].vector_score.is_nan());
    let vector_only = found.iter().find(|f| f.id == "near").expect("the nearest vector is a candidate");
    assert!(vector_only.text_score.is_nan() && vector_only.vector_score < 0.0, "{:?}", vector_only);
    let rrf = Query { flags: HAS_VECTOR | FUSION_RRF, ..query };
    assert_eq!(search(&engine, "t", &rrf)[0].id, "both");
}

#[test]
fn text_field_indexes_a_metadata_string_instead_of_the_content() {
    let mut engine = engine_with("f", r#"{"dimension": 2, "textField": "title"}"#);
    put_doc(&mut engine, "f", "a", &[1.0, 0.0], r#"{"title": "red fox"}"#, Some("blue whale"));
    assert_eq!(ids(&search(&engine, "f", &Query::text(5, "fox"))), vec!["a"]);
    assert!(search(&engine, "f", &Query::text(5, "whale")).is_empty());
}

#[test]
fn deleted_and_updated_documents_never_come_back_stale() {
    let mut engine = engine_with("c", r#"{"dimension": 2, "metric": "l2"}"#);
    for i in 0..50 {
        put_doc(&mut engine, "c", &format!("d{}", i), &[i as f32, 0.0], &format!(r#"{{"v": {}}}"#, i), None);
    }
    engine.delete(&doc_key("c", "d10")).unwrap();
    put_doc(&mut engine, "c", "d20", &[100.0, 0.0], r#"{"v": "moved"}"#, None);
    assert_eq!(engine.collection_count(&col_key("c")).unwrap(), 49);
    let near_ten = ids(&search(&engine, "c", &Query::vector(2, &[10.0, 0.0])));
    assert_eq!(near_ten, vec!["d9", "d11"], "ties go to the older document; d10 is gone");
    let moved = search(&engine, "c", &Query::vector(1, &[100.0, 0.0]));
    assert_eq!((moved[0].id.as_str(), moved[0].metadata.as_str()), ("d20", r#"{"v": "moved"}"#));
    let near_twenty = ids(&search(&engine, "c", &Query::vector(50, &[20.0, 0.0])));
    assert_eq!(near_twenty.iter().filter(|id| *id == "d20").count(), 1, "one d20, at its new place");
    assert!(!near_twenty.contains(&"d10".to_string()));
    assert_eq!(near_twenty.len(), 49);
}

#[test]
fn an_invalid_document_rejects_the_whole_transaction_and_nothing_is_applied() {
    let mut engine = engine_with("c", r#"{"dimension": 3}"#);
    let before = (engine.stats(), engine.wal_pending_bytes());
    let mut nan_record = record(&[1.0, 2.0, 3.0], "{}", None);
    nan_record[5..9].copy_from_slice(&f32::NAN.to_le_bytes());
    let bad_values = [record(&[1.0, 2.0], "{}", None), nan_record, record(&[0.0, 0.0, 0.0], "{}", None)];
    for bad in &bad_values {
        let txn = engine.txn_begin().unwrap();
        engine.txn_put(txn, &doc_key("c", "good"), &record(&[1.0, 0.0, 0.0], "{}", None)).unwrap();
        engine.txn_put(txn, b"plain user key", b"v").unwrap();
        engine.txn_put(txn, &doc_key("c", "zbad"), bad).unwrap();
        let error = engine.txn_commit(txn).unwrap_err();
        assert_eq!(error.code, ErrorCode::InvalidArgument);
        assert!(error.message.contains("zbad"), "{}", error.message);
        assert_eq!(engine.get(&doc_key("c", "good")).unwrap(), None);
        assert_eq!(engine.get(b"plain user key").unwrap(), None);
        assert_eq!(engine.collection_count(&col_key("c")).unwrap(), 0);
        assert_eq!((engine.stats(), engine.wal_pending_bytes()), before, "no seq, no WAL record");
    }
}

#[test]
fn documents_of_unknown_collections_and_bad_collection_records_are_refused() {
    let mut engine = engine_with("c", r#"{"dimension": 3, "metric": "dot"}"#);
    let error = engine.put(&doc_key("nope", "a"), &record(&[1.0], "{}", None)).unwrap_err();
    assert_eq!(error.code, ErrorCode::InvalidArgument);
    assert_eq!(engine.put(&col_key("bad"), b"{\"dimension\": -1}").unwrap_err().code, ErrorCode::InvalidArgument);
    let changed = engine.put(&col_key("c"), br#"{"dimension": 4, "metric": "dot"}"#).unwrap_err();
    assert!(changed.message.contains("dimension"), "{}", changed.message);
    engine.put(&col_key("c"), br#"{"dimension": 3, "metric": "dot", "efSearch": 10}"#).unwrap();
    // A collection created earlier in the same transaction takes documents at once.
    let txn = engine.txn_begin().unwrap();
    engine.txn_put(txn, &doc_key("fresh", "a"), &record(&[1.0, 1.0], "{}", None)).unwrap();
    engine.txn_put(txn, &col_key("fresh"), br#"{"dimension": 2}"#).unwrap();
    engine.txn_commit(txn).unwrap();
    assert_eq!(engine.collection_count(&col_key("fresh")).unwrap(), 1);
    assert_eq!(engine.collection_count(&col_key("nope")).unwrap_err().code, ErrorCode::InvalidArgument);
}

#[test]
fn dropping_a_collection_removes_its_index_and_searches_fail() {
    let mut engine = engine_with("c", r#"{"dimension": 2}"#);
    put_doc(&mut engine, "c", "a", &[1.0, 0.0], "{}", None);
    engine.delete(&col_key("c")).unwrap();
    let mut out = Vec::new();
    let error = engine.search(&col_key("c"), &Query::vector(1, &[1.0, 0.0]).encode(), &mut out).unwrap_err();
    assert_eq!(error.code, ErrorCode::InvalidArgument);
    create(&mut engine, "c", r#"{"dimension": 5}"#);
    assert_eq!(engine.collection_count(&col_key("c")).unwrap(), 0, "a new, empty index");
}

#[test]
fn malformed_requests_are_invalid_arguments() {
    let engine = engine_with("c", r#"{"dimension": 2}"#);
    let mut out = Vec::new();
    let key = col_key("c");
    let cases = [
        Query::vector(1, &[1.0, 0.0, 0.0]).encode(),
        Query::vector(100_000, &[1.0, 0.0]).encode(),
        Query { k: 1, ..Query::default() }.encode(),
        Query { filter: "{\"$bad\": 1}".to_string(), ..Query::vector(1, &[1.0, 0.0]) }.encode(),
        Query::vector(1, &[1.0, 0.0]).encode()[..10].to_vec(),
    ];
    for request in &cases {
        assert_eq!(engine.search(&key, request, &mut out).unwrap_err().code, ErrorCode::InvalidArgument);
    }
}

#[test]
fn the_catalog_version_moves_on_collection_creates_and_drops_only() {
    let (_, mut engine) = open_new(WAL_AND_VISIBLE);
    let start = engine.catalog_version();
    create(&mut engine, "a", r#"{"dimension": 2}"#);
    let created = engine.catalog_version();
    assert!(created > start);
    put_doc(&mut engine, "a", "d", &[1.0, 0.0], "{}", None);
    engine.delete(&doc_key("a", "d")).unwrap();
    assert_eq!(engine.catalog_version(), created, "documents do not move it");
    engine.delete(&col_key("a")).unwrap();
    assert!(engine.catalog_version() > created, "a drop moves it");
}

#[test]
fn a_cosine_vector_whose_norm_overflows_is_refused_at_commit_and_the_database_reopens() {
    use common::{open, open_new, persist, WAL_AND_VISIBLE};
    let (mut disk, mut engine) = open_new(WAL_AND_VISIBLE);
    create(&mut engine, "c", r#"{"dimension": 34, "metric": "cosine"}"#);
    put_doc(&mut engine, "c", "a", &[1.0; 34], "{}", None);
    // Squares near f32::MAX / 34: summed in one order the norm is finite, in the index's order
    // (16 lanes) it overflows. Such a vector must fail the commit's check, not the index later.
    let base = (f32::MAX / 34.0).sqrt();
    let mut s = 7u64;
    let overflowing = (0..10_000)
        .map(|_| {
            (0..34)
                .map(|_| {
                    s = s.wrapping_mul(6364136223846793005).wrapping_add(1);
                    base * (1.0 + (((s >> 40) as f32 / (1u64 << 24) as f32) - 0.5) * 1e-6)
                })
                .collect::<Vec<f32>>()
        })
        .find(|v| v.iter().map(|x| x * x).sum::<f32>().is_finite() && !lane_order_norm2(v).is_finite());
    let v = overflowing.expect("a vector finite in sequential order, infinite in lane order");
    let err = engine.put(&doc_key("c", "a"), &record(&v, "{}", None)).unwrap_err();
    assert_eq!(err.code, sochdb_engine::ErrorCode::InvalidArgument, "{}", err.message);
    assert_eq!(engine.collection_count(&col_key("c")).unwrap(), 1, "the old version stays");
    persist(&mut engine, &mut disk);
    let reopened = open(&mut disk, WAL_AND_VISIBLE).unwrap();
    assert_eq!(reopened.collection_count(&col_key("c")).unwrap(), 1);
}

/// A squared norm summed as the engine's kernels sum (16 lanes, paired, then the tail).
fn lane_order_norm2(v: &[f32]) -> f32 {
    let body = v.len() / 16 * 16;
    let mut acc = [0f32; 16];
    for (i, x) in v[..body].iter().enumerate() {
        acc[i % 16] += x * x;
    }
    let mut q = [0f32; 4];
    for (l, slot) in q.iter_mut().enumerate() {
        *slot = (acc[l] + acc[4 + l]) + (acc[8 + l] + acc[12 + l]);
    }
    v[body..].iter().fold((q[0] + q[1]) + (q[2] + q[3]), |sum, x| sum + x * x)
}
