//! HNSW behaviour against the exact scan: recall, filters, deletes, updates, bad input.

use super::graph::NONE;
use super::rng::Rng;
use super::testdata::{build, clustered, config, le_rows, queries, recall, recall_full};
use super::{Hnsw, HnswConfig, Metric, Quantization};
use crate::error::ErrorCode;

/// Debug builds run the kernels ~50x slower: they test a smaller set.
const N: usize = if cfg!(debug_assertions) { 1000 } else { 2000 };
const DIM: usize = 32;
const CLUSTERS: usize = 20;
const SIGMA: f32 = 1.0;

fn data() -> Vec<Vec<f32>> {
    clustered(N, DIM, CLUSTERS, SIGMA, 42)
}

fn qs(count: usize) -> Vec<Vec<f32>> {
    queries(count, DIM, CLUSTERS, SIGMA, 42)
}

#[test]
fn recall_at_10_reaches_0_95_at_default_ef_and_0_99_at_ef_256_for_every_metric() {
    let (data, qs) = (data(), qs(100));
    for metric in [Metric::Cosine, Metric::L2, Metric::Dot] {
        let index = build(config(DIM, metric), &data);
        let r = recall(&index, &qs, 10, None);
        let r_wide = recall(&index, &qs, 10, Some(256));
        // At ef = k the walk has no slack: a graph with weak links (no back links, no
        // heuristic) falls well below this, while at ef 64 it would still look fine.
        let r_narrow = recall(&index, &qs, 10, Some(10));
        println!("{:?}: recall@10 {:.4} at default ef, {:.4} at ef 256, {:.4} at ef 10", metric, r, r_wide, r_narrow);
        assert!(r >= 0.95, "{:?} recall {}", metric, r);
        assert!(r_narrow >= 0.85, "{:?} recall at ef 10 {}", metric, r_narrow);
        assert!(r_wide >= 0.99, "{:?} recall at ef 256 {}", metric, r_wide);
    }
}

#[test]
fn int8_walk_with_f32_rerank_keeps_recall_and_scores_and_a_quarter_of_the_memory() {
    let (data, qs) = (data(), qs(100));
    let rows = le_rows(&data);
    let full = |id: u32| rows.get(id as usize).map(|r| &r[..]);
    for metric in [Metric::Cosine, Metric::L2, Metric::Dot] {
        let mut c = config(DIM, metric);
        c.quantization = Quantization::Int8;
        let index = build(c, &data);
        let r = recall_full(&index, &qs, 10, None, Some(&full));
        println!("{:?} int8: recall@10 {:.4}", metric, r);
        assert!(r >= 0.95, "{:?} int8 recall {}", metric, r);
        // Scores are the exact f32 ones after re-ranking: those of an f32 index's exact scan.
        let f32_index = build(config(DIM, metric), &data);
        for q in &qs[..10] {
            let got = index.search(q, 3, None, None, Some(&full)).unwrap();
            assert_eq!(got, f32_index.exact_search(q, 3, None, None).unwrap(), "{:?}", metric);
            assert_eq!(index.exact_search(q, 3, None, Some(&full)).unwrap(), got, "{:?}", metric);
        }
        // No f32 copy: the index holds 16 + dim bytes a row, not 4 * dim.
        assert!(index.vector(0).is_none());
        let saved = f32_index.to_bytes().len() - index.to_bytes().len();
        assert_eq!(saved, data.len() * (4 * DIM - (16 + DIM)), "{:?}", metric);
        // Filtered: only matches, k of them, scored by the full vectors, by walk or by scan.
        for modulo in [3u32, 97] {
            let keep = move |id: u32| id % modulo == 1;
            let got = index.search(&qs[1], 10, None, Some(&keep), Some(&full)).unwrap();
            assert_eq!(got.len(), 10);
            assert!(got.iter().all(|&(id, _)| keep(id)));
            let want = f32_index.exact_search(&qs[1], 10, Some(&keep), None).unwrap();
            let found = got.iter().filter(|g| want.contains(g)).count();
            assert!(found >= 8, "{:?} 1/{}: {} of 10", metric, modulo, found);
        }
        // Its scan reads documents, so the planner keeps walking at fractions where f32 scans.
        assert!(f32_index.filter_prefers_exact(0.2, 64) && !index.filter_prefers_exact(0.2, 64));
        // Without the full vectors it still answers, ranked by the codes.
        let coded = index.search(&qs[0], 10, None, None, None).unwrap();
        assert_eq!(coded.len(), 10);
        let overlap = coded.iter().filter(|(id, _)| f32_index.exact_search(&qs[0], 10, None, None).unwrap().iter().any(|(e, _)| e == id)).count();
        assert!(overlap >= 7, "{:?}: {} of 10 by codes alone", metric, overlap);
    }
}

#[test]
fn bf16_walk_with_f32_rerank_keeps_recall_and_exact_scores_and_half_the_memory() {
    let (data, qs) = (data(), qs(100));
    let rows = le_rows(&data);
    let full = |id: u32| rows.get(id as usize).map(|r| &r[..]);
    for metric in [Metric::Cosine, Metric::L2, Metric::Dot] {
        let mut c = config(DIM, metric);
        c.quantization = Quantization::Bf16;
        let mut index = build(c, &data);
        let r = recall_full(&index, &qs, 10, None, Some(&full));
        println!("{:?} bf16: recall@10 {:.4}", metric, r);
        assert!(r >= 0.95, "{:?} bf16 recall {}", metric, r);
        let mut f32_index = build(config(DIM, metric), &data);
        // No f32 copy: 2 bytes a value (dim 32 is a whole number of 8-value blocks).
        assert!(index.vector(0).is_none());
        assert_eq!(f32_index.to_bytes().len() - index.to_bytes().len(), data.len() * 2 * DIM, "{:?}", metric);
        for round in 0..2 {
            for q in &qs[..20] {
                // Walk results carry the exact f32 scores of the rows they found.
                for (id, score) in index.search(q, 10, None, None, Some(&full)).unwrap() {
                    let exact = f32_index.exact_search(q, N, None, None).unwrap();
                    assert_eq!(exact.iter().find(|e| e.0 == id).map(|e| e.1), Some(score), "{:?}", metric);
                }
                // The exact scan is exact: the f32 index's, ids and scores, for every k.
                for k in [1usize, 10, 100] {
                    let want = f32_index.exact_search(q, k, None, None).unwrap();
                    assert_eq!(index.exact_search(q, k, None, Some(&full)).unwrap(), want, "{:?} k {} round {}", metric, k, round);
                }
                let keep = |id: u32| id % 7 == 2;
                assert_eq!(
                    index.exact_search(q, 10, Some(&keep), Some(&full)).unwrap(),
                    f32_index.exact_search(q, 10, Some(&keep), None).unwrap(),
                    "{:?} filtered",
                    metric
                );
            }
            // Again with tombstones (the scan's per-row path).
            for id in (0..N as u32).step_by(5) {
                index.delete(id).unwrap();
                f32_index.delete(id).unwrap();
            }
        }
        // The scan measures rows in place: the planner treats it as the f32 one.
        assert_eq!(index.filter_prefers_exact(0.2, 64), f32_index.filter_prefers_exact(0.2, 64));
        // Without the full vectors it still answers, ranked by the bf16 rows.
        let approx = index.search(&qs[0], 10, None, None, None).unwrap();
        let exact = f32_index.exact_search(&qs[0], 10, None, None).unwrap();
        let overlap = approx.iter().filter(|(id, _)| exact.iter().any(|(e, _)| e == id)).count();
        assert!(overlap >= 8, "{:?}: {} of 10 by bf16 rows alone", metric, overlap);
    }
}

#[test]
fn an_auto_index_keeps_f32_rows_while_small_then_turns_them_into_bf16_once() {
    use super::config::AUTO_F32_ROW_BYTES_MAX;
    // 4096-d: 512 rows fill the f32 budget, so the 513th insert turns the rows into bf16.
    let dim = 4096;
    let limit = AUTO_F32_ROW_BYTES_MAX / (dim * 4);
    let data = clustered(limit + 40, dim, 6, 1.0, 9);
    let rows = le_rows(&data);
    let full = |id: u32| rows.get(id as usize).map(|r| &r[..]);
    let mut c = config(dim, Metric::Cosine);
    c.quantization = Quantization::Auto;
    c.ef_construction = 32;
    let mut index = build(c.clone(), &data[..limit]);
    let mut f32_config = c.clone();
    f32_config.quantization = Quantization::None;
    let f32_index = build(f32_config, &data[..limit]);
    assert!(index.vector(0).is_some(), "f32 rows while they fit");
    let q = &data[3];
    assert_eq!(index.search(q, 10, None, None, Some(&full)).unwrap(), f32_index.search(q, 10, None, None, None).unwrap());
    // Saved and loaded as f32 rows, without and with the live ones.
    let saved = Hnsw::from_bytes(&index.to_bytes()).unwrap();
    assert!(saved.vector(0).is_some() && saved.config().quantization == Quantization::Auto);
    for v in &data[limit..] {
        index.insert(v).unwrap();
    }
    assert!(index.vector(0).is_none(), "bf16 rows past the budget");
    let exact = index.exact_search(q, 10, None, Some(&full)).unwrap();
    let mut f32_all = config(dim, Metric::Cosine);
    f32_all.ef_construction = 32;
    assert_eq!(exact, build(f32_all, &data).exact_search(q, 10, None, None).unwrap(), "exact after the switch");
    assert!(index.search(q, 10, None, None, Some(&full)).unwrap().iter().filter(|r| exact.contains(r)).count() >= 9);
    let parts = index.save_parts_without_live_rows();
    let bytes = index.pieces(&parts).concat();
    assert_eq!(u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]), 5);
    let mut loaded = Hnsw::from_bytes(&bytes).unwrap();
    loaded.restore_rows(&full).unwrap();
    assert_eq!(loaded.to_bytes(), index.to_bytes());
}

#[test]
fn a_bf16_exact_scan_over_many_equal_rows_breaks_ties_as_the_f32_one_does() {
    // Every row within the rounding bound of the best: all are re-measured, ties by id.
    let base = clustered(3, 16, 3, 1.0, 4);
    let data: Vec<Vec<f32>> = (0..3000).map(|i| base[i % 3].clone()).collect();
    let rows = le_rows(&data);
    let full = |id: u32| rows.get(id as usize).map(|r| &r[..]);
    for metric in [Metric::Cosine, Metric::L2] {
        let mut c = config(16, metric);
        c.quantization = Quantization::Bf16;
        c.ef_construction = 16;
        let index = build(c, &data);
        let mut f32_config = config(16, metric);
        f32_config.ef_construction = 16;
        let f32_index = build(f32_config, &data);
        for k in [1usize, 50, 1200] {
            assert_eq!(index.exact_search(&base[1], k, None, Some(&full)).unwrap(), f32_index.exact_search(&base[1], k, None, None).unwrap(), "{:?} k {}", metric, k);
        }
    }
}

/// Exact scans of a bf16 index and of an f32 index over `data`.
fn bf16_and_f32_exact(metric: Metric, data: &[Vec<f32>], q: &[f32], k: usize) -> (Vec<(u32, f32)>, Vec<(u32, f32)>) {
    let rows = le_rows(data);
    let full = |id: u32| rows.get(id as usize).map(|r| &r[..]);
    let mut c = config(data[0].len(), metric);
    c.quantization = Quantization::Bf16;
    let bf16 = build(c, data).exact_search(q, k, None, Some(&full)).unwrap();
    (bf16, build(config(data[0].len(), metric), data).exact_search(q, k, None, None).unwrap())
}

#[test]
fn a_bf16_exact_scan_is_exact_at_ties_underflow_and_overflow() {
    let bits = f32::from_bits;
    // Both score exactly 2.0 in f32 but differ in bf16: the lower id wins, as in the f32 scan.
    let tie = vec![vec![1.5f32 + 1.0 / 512.0, 0.5 - 1.0 / 512.0], vec![1.0, 1.0]];
    // Subnormal values: bf16 rounds them by an absolute step, not a relative one.
    let subnormal = vec![vec![bits(0x7fff), bits(0x7fff)], vec![bits(0x8001), 0.0]];
    // Values near f32::MAX: a bf16 sum overflows (to NaN) where the f32 one does not.
    let mut huge = vec![vec![1.0f32, 0.0]];
    huge.extend((0..20).map(|_| vec![-1e36f32, -1e36]));
    huge.push(vec![bits(0x7eff_ffff), -bits(0x7eff_fffe)]);
    for (name, data, q) in [("tie", tie, [1.0f32, 1.0]), ("subnormal", subnormal, [1.0, 1.0]), ("overflow", huge, [2.0, 2.0])] {
        for k in [1usize, 2] {
            let (bf16, f32) = bf16_and_f32_exact(Metric::Dot, &data, &q, k);
            assert_eq!(bf16, f32, "{} k {}", name, k);
        }
    }
}

#[test]
fn bf16_rounding_stays_within_the_bound_the_exact_scan_relies_on() {
    use super::bf16::{arrange, Bf16Store};
    let mut rng = Rng::new(21);
    for metric in [Metric::Cosine, Metric::L2, Metric::Dot] {
        for dim in [3usize, 32, 384] {
            let scale = [1e-3f32, 1.0, 40.0][dim % 3];
            let data: Vec<Vec<f32>> = (0..200).map(|_| (0..dim).map(|_| scale * rng.gaussian()).collect()).collect();
            let prepared: Vec<Vec<f32>> = data
                .iter()
                .map(|v| {
                    let mut v = v.clone();
                    if metric == Metric::Cosine {
                        super::distance::normalize(&mut v);
                    }
                    v
                })
                .collect();
            let mut store = Bf16Store::new(dim);
            prepared.iter().for_each(|v| store.push(v));
            let q = &prepared[0];
            let bound = store.error_bound(metric, q);
            let norm = |v: &[f32]| v.iter().map(|x| x * x).sum::<f32>().sqrt();
            let largest_norm = prepared.iter().map(|v| norm(v)).fold(0f32, f32::max);
            let worst = (1..prepared.len() as u32)
                .map(|id| {
                    let approx = match metric {
                        Metric::Cosine => 1.0 - super::bf16::dot(&arrange(q), store.row(id)),
                        Metric::L2 => super::bf16::l2(&arrange(q), store.row(id)),
                        Metric::Dot => -super::bf16::dot(&arrange(q), store.row(id)),
                    };
                    (approx - metric.distance(q, &prepared[id as usize])).abs()
                })
                .fold(0f32, f32::max);
            assert!(worst <= bound, "{:?} dim {}: error {} over the bound {}", metric, dim, worst, bound);
            // And it is about bf16's 1/256 of the norms, not looser.
            let scale = norm(q) * largest_norm;
            assert!(bound <= 0.025 * scale, "{:?} dim {}: bound {} against norms {}", metric, dim, bound, scale);
        }
    }
}

type NamedFilter = (&'static str, Box<dyn Fn(u32) -> bool>);

#[test]
fn filtered_search_returns_only_matches_and_k_of_them_whenever_k_exist() {
    let (data, qs) = (data(), qs(30));
    let index = build(config(DIM, Metric::L2), &data);
    // From half the ids down to 3 ids, and one filter correlated with position (a cluster).
    let cluster_of_first: Vec<bool> = {
        let first = index.exact_search(&qs[0], 150, None, None).unwrap();
        let mut keep = vec![false; N];
        first.iter().for_each(|(id, _)| keep[*id as usize] = true);
        keep
    };
    let filters: Vec<NamedFilter> = vec![
        ("half", Box::new(|id: u32| id % 2 == 0)),
        ("tenth", Box::new(|id: u32| id % 10 == 3)),
        ("1%", Box::new(|id: u32| id % 100 == 7)),
        ("3 ids", Box::new(|id: u32| id == 5 || id == 500 || id == 999)),
        ("none", Box::new(|_: u32| false)),
        ("near q0", Box::new(move |id: u32| cluster_of_first[id as usize])),
    ];
    for (name, f) in &filters {
        let f: &dyn Fn(u32) -> bool = &**f;
        let matches = (0..N as u32).filter(|&id| f(id)).count();
        // Planned search (exact scan or walk) and the walk alone, both against the oracle.
        let (mut hits, mut walk_hits, mut total) = (0, 0, 0);
        for q in &qs {
            let exact = index.exact_search(q, 10, Some(f), None).unwrap();
            let got = index.search(q, 10, None, Some(f), None).unwrap();
            let walked = index.search_graph(q, 10, None, Some(f), None).unwrap();
            for (label, res) in [("search", &got), ("walk", &walked)] {
                assert!(res.iter().all(|(id, _)| f(*id)), "{} {}: a result fails the filter", label, name);
                assert!(res.windows(2).all(|w| w[0].1 >= w[1].1), "{} {}: not best first", label, name);
            }
            assert_eq!(got.len(), matches.min(10), "{}: result count", name);
            hits += got.iter().filter(|(id, _)| exact.iter().any(|(e, _)| e == id)).count();
            walk_hits += walked.iter().filter(|(id, _)| exact.iter().any(|(e, _)| e == id)).count();
            total += exact.len();
        }
        let (r, rw) = (hits as f64 / total.max(1) as f64, walk_hits as f64 / total.max(1) as f64);
        println!("filter {}: {} matches, recall {:.4}, walk alone {:.4}", name, matches, r, rw);
        assert!(total == 0 || r >= 0.95, "{}: filtered recall {}", name, r);
        assert!(total == 0 || rw >= 0.9, "{}: filtered walk recall {}", name, rw);
    }
    assert!(index.filter_prefers_exact(0.001, 64) && !index.filter_prefers_exact(1.0, 64));
}

#[test]
fn deleted_ids_are_never_returned_and_recall_holds_after_20_percent_deletes_and_repair() {
    let (data, qs) = (data(), qs(100));
    let mut index = build(config(DIM, Metric::Cosine), &data);
    let mut rng = Rng::new(9);
    let mut dead = vec![false; N];
    while dead.iter().filter(|d| **d).count() < N / 5 {
        let id = rng.next_u32() % N as u32;
        assert_eq!(index.delete(id).unwrap(), !dead[id as usize]);
        dead[id as usize] = true;
    }
    // The entry point is likely to have been deleted too: make sure.
    let entry = index.graph.entry();
    if !dead[entry as usize] {
        index.delete(entry).unwrap();
        dead[entry as usize] = true;
    }
    assert_eq!(index.live_len(), N - dead.iter().filter(|d| **d).count());
    let check = |index: &Hnsw, stage: &str| {
        for q in &qs {
            for (id, _) in index.search(q, 10, None, None, None).unwrap() {
                assert!(!dead[id as usize], "{}: deleted id {} returned", stage, id);
            }
        }
        let (r, r_narrow) = (recall(index, &qs, 10, None), recall(index, &qs, 10, Some(10)));
        println!("after deletes, {}: recall@10 {:.4}, {:.4} at ef 10", stage, r, r_narrow);
        assert!(r >= 0.95 && r_narrow >= 0.85, "{}: recall {} / {}", stage, r, r_narrow);
    };
    check(&index, "before repair");
    assert!(index.repair() > 0);
    check(&index, "after repair");
    // No live list points at a tombstone, and the entry point is live.
    for id in 0..N as u32 {
        for level in 0..=index.graph.level(id) {
            assert!(index.graph.neighbours(id, level).iter().all(|&nb| !dead[nb as usize]));
        }
    }
    assert!(!dead[index.graph.entry() as usize]);
    // Inserting after repair keeps working; compacting renumbers the live ids densely.
    let extra = index.insert(&qs[0]).unwrap();
    assert_eq!(index.search(&qs[0], 1, None, None, None).unwrap()[0].0, extra);
    let (compact, remap) = index.compact(None).unwrap();
    assert_eq!(compact.len(), index.live_len());
    assert!(remap.iter().enumerate().all(|(old, &new)| (new == NONE) == index.is_deleted(old as u32)));
    assert_eq!(compact.search(&qs[0], 1, None, None, None).unwrap()[0].0, remap[extra as usize]);
}

#[test]
fn update_moves_a_vector_to_a_new_id_and_the_old_one_is_gone() {
    let data = data();
    let mut index = build(config(DIM, Metric::L2), &data[..500]);
    let new_id = index.update(7, &data[900]).unwrap();
    assert_eq!(new_id, 500);
    let got = index.search(&data[900], 3, None, None, None).unwrap();
    assert_eq!(got[0], (500, -0.0));
    assert!(index.search(&data[7], 50, None, None, None).unwrap().iter().all(|(id, _)| *id != 7));
    assert_eq!(index.update(7, &data[1]).unwrap_err().code, ErrorCode::InvalidArgument);
    assert_eq!(index.update(8, &[1.0]).unwrap_err().code, ErrorCode::InvalidArgument);
    assert!(!index.is_deleted(8), "a failed update leaves the old vector");
    assert_eq!((index.len(), index.live_len()), (501, 500));
}

#[test]
fn bad_vectors_are_rejected_and_nothing_is_inserted() {
    let mut index = Hnsw::new(config(4, Metric::Cosine)).unwrap();
    index.insert(&[1.0, 0.0, 0.0, 0.0]).unwrap();
    let bad: [&[f32]; 6] = [
        &[1.0, 2.0, 3.0],
        &[1.0, 2.0, 3.0, 4.0, 5.0],
        &[1.0, f32::NAN, 0.0, 0.0],
        &[f32::INFINITY, 0.0, 0.0, 0.0],
        &[0.0, 0.0, f32::NEG_INFINITY, 0.0],
        &[0.0, 0.0, 0.0, 0.0],
    ];
    for v in bad {
        assert_eq!(index.insert(v).unwrap_err().code, ErrorCode::InvalidArgument, "{:?}", v);
        assert_eq!(index.search(v, 1, None, None, None).unwrap_err().code, ErrorCode::InvalidArgument);
    }
    assert_eq!(index.len(), 1);
    assert_eq!(index.store.len(), 1, "no row of a rejected vector");
    assert_eq!(index.search(&[1.0, 0.0, 0.0, 0.0], 100_000, None, None, None).unwrap_err().code, ErrorCode::InvalidArgument);
    assert_eq!(index.search(&[1.0, 0.0, 0.0, 0.0], 1, Some(0), None, None).unwrap_err().code, ErrorCode::InvalidArgument);
    let mut c = config(4, Metric::L2);
    c.m = 1;
    assert_eq!(Hnsw::new(c).unwrap_err().code, ErrorCode::InvalidArgument);
    assert_eq!(Hnsw::new(config(0, Metric::L2)).unwrap_err().code, ErrorCode::InvalidArgument);
}

#[test]
fn small_and_empty_indexes_answer_exactly() {
    let mut index = Hnsw::new(config(2, Metric::Dot)).unwrap();
    assert!(index.search(&[1.0, 1.0], 5, None, None, None).unwrap().is_empty());
    for v in [[1.0f32, 0.0], [0.0, 2.0], [3.0, 3.0]] {
        index.insert(&v).unwrap();
    }
    assert_eq!(index.search(&[1.0, 1.0], 0, None, None, None).unwrap(), vec![]);
    assert_eq!(index.search(&[1.0, 1.0], 5, None, None, None).unwrap(), vec![(2, 6.0), (1, 2.0), (0, 1.0)]);
}

#[test]
fn exact_search_equals_a_sort_of_every_distance_across_scan_blocks_and_chunks() {
    // 700 rows: several 256-row scan blocks and a partial one; at 1,100-d a chunk holds 128 rows,
    // so blocks end at chunk ends too. (Native builds run the scalar kernels; the SIMD ones are
    // checked through wasm by the TS exact-search test.)
    for dim in [48usize, 20, 1100] {
        let data = clustered(700, dim, 7, 1.0, 5);
        for metric in [Metric::Cosine, Metric::L2, Metric::Dot] {
            let index = build(config(dim, metric), &data);
            for q in queries(5, dim, 7, 1.0, 5) {
                let mut stored = q.clone();
                if metric == Metric::Cosine {
                    super::distance::normalize(&mut stored);
                }
                let mut all: Vec<(u32, f32)> = (0..data.len() as u32)
                    .map(|id| (id, metric.score(metric.distance(&stored, index.vector(id).unwrap()))))
                    .collect();
                all.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
                for k in [1usize, 10, 300, 800] {
                    let want: Vec<(u32, f32)> = all.iter().take(k).cloned().collect();
                    assert_eq!(index.exact_search(&q, k, None, None).unwrap(), want, "{:?} dim {} k {}", metric, dim, k);
                }
            }
        }
    }
}

#[test]
fn exact_search_returns_k_rows_even_when_distances_overflow_to_infinity() {
    for metric in [Metric::L2, Metric::Dot] {
        let mut index = Hnsw::new(config(2, metric)).unwrap();
        for v in [[1e30f32, 1e30], [2e30, 2e30], [3e30, 3e30]] {
            index.insert(&v).unwrap();
        }
        // L2: (1e30 + 1e30)^2 overflows; dot: -(-1e30 * 1e30 * 2) overflows.
        let found = index.exact_search(&[-1e30, -1e30], 3, None, None).unwrap();
        assert_eq!(found.len(), 3, "{:?}: {:?}", metric, found);
    }
}

#[test]
fn same_seed_and_inserts_build_the_same_graph() {
    let data = &data()[..400];
    let a = build(config(DIM, Metric::L2), data);
    let b = build(config(DIM, Metric::L2), data);
    assert_eq!(a.to_bytes(), b.to_bytes());
    let mut other = config(DIM, Metric::L2);
    other.seed = 1;
    assert_ne!(build(other, data).to_bytes(), a.to_bytes());
}

#[test]
fn a_filter_that_searches_the_same_index_does_not_panic() {
    let data = &data()[..300];
    let index = build(HnswConfig::new(DIM, Metric::L2), data);
    let inner = |id: u32| index.search(&data[0], 1, None, None, None).map(|r| r[0].0 != id).unwrap_or(false);
    let got = index.search_graph(&data[0], 5, None, Some(&inner), None).unwrap();
    assert!(got.len() == 5 && got.iter().all(|(id, _)| *id != 0));
}

#[test]
fn purge_drops_tombstones_renumbers_in_order_and_keeps_exact_results_and_recall() {
    let (data, qs) = (data(), qs(50));
    for quantization in [Quantization::None, Quantization::Int8, Quantization::Bf16] {
        let mut c = config(DIM, Metric::L2);
        c.quantization = quantization;
        let mut index = build(c, &data);
        let mut rng = Rng::new(17);
        while index.live_len() > N * 6 / 10 {
            index.delete(rng.next_u32() % N as u32).unwrap();
        }
        index.delete(index.graph.entry()).unwrap();
        let rows = le_rows(&data);
        let full = |id: u32| rows.get(id as usize).map(|r| &r[..]);
        let before: Vec<Vec<(u32, f32)>> = qs.iter().map(|q| index.exact_search(q, 10, None, Some(&full)).unwrap()).collect();
        let live = index.live_len();
        let remap = index.purge();
        assert_eq!((index.len(), index.live_len()), (live, live), "{:?}", quantization);
        // Old order kept: the live old ids map to 0, 1, 2, ...
        let kept: Vec<u32> = remap.iter().copied().filter(|&new| new != NONE).collect();
        assert_eq!(kept, (0..live as u32).collect::<Vec<u32>>());
        // The caller's vectors, renumbered as the index was, plus the one inserted below.
        let mut live_data: Vec<Vec<f32>> = data.iter().zip(&remap).filter(|(_, &new)| new != NONE).map(|(v, _)| v.clone()).collect();
        live_data.push(qs[0].clone());
        let live_rows = le_rows(&live_data);
        let full = |id: u32| live_rows.get(id as usize).map(|r| &r[..]);
        for (q, before) in qs.iter().zip(&before) {
            let renumbered: Vec<(u32, f32)> = before.iter().map(|&(id, s)| (remap[id as usize], s)).collect();
            assert_eq!(index.exact_search(q, 10, None, Some(&full)).unwrap(), renumbered);
        }
        let r = recall_full(&index, &qs, 10, None, Some(&full));
        assert!(r >= 0.95, "{:?}: recall {} after purge", quantization, r);
        // Still a working index: a new vector is found first, and the bytes round-trip.
        let extra = index.insert(&qs[0]).unwrap();
        assert_eq!(extra as usize, live);
        assert_eq!(index.search(&qs[0], 1, None, None, Some(&full)).unwrap()[0].0, extra);
        let loaded = Hnsw::from_bytes(&index.to_bytes()).unwrap();
        assert_eq!(loaded.search(&qs[1], 10, None, None, Some(&full)).unwrap(), index.search(&qs[1], 10, None, None, Some(&full)).unwrap());
    }
}

#[test]
fn permuting_into_locality_order_renames_ids_and_changes_no_walk() {
    let (data, qs) = (data(), qs(30));
    for quantization in [Quantization::None, Quantization::Int8, Quantization::Bf16] {
        let mut c = config(DIM, Metric::Cosine);
        c.quantization = quantization;
        let mut index = build(c, &data);
        index.delete(7).unwrap();
        let before: Vec<Vec<(u32, f32)>> = qs.iter().map(|q| index.search(q, 10, Some(40), None, None).unwrap()).collect();
        let order = index.locality_order();
        assert_eq!(order[0], index.graph.entry(), "starts at the entry point");
        let mut sorted = order.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..N as u32).collect::<Vec<u32>>(), "a permutation");
        assert_ne!(order, sorted, "not the identity on this data");
        let remap = index.permute(&order);
        assert_eq!(index.graph.entry(), 0);
        assert!(index.is_deleted(remap[7]) && index.live_len() == N - 1);
        for (q, before) in qs.iter().zip(&before) {
            let renamed: Vec<(u32, f32)> = before.iter().map(|&(id, s)| (remap[id as usize], s)).collect();
            assert_eq!(index.search(q, 10, Some(40), None, None).unwrap(), renamed, "{:?}", quantization);
        }
        // New inserts append after the permuted ids.
        assert_eq!(index.insert(&qs[0]).unwrap() as usize, N);
    }
}

#[test]
fn the_sorted_list_walk_keeps_the_same_nodes_as_the_heap_walk_ties_included() {
    use super::measure::F32Rows;
    use super::search::search_layer;
    use super::store::Store;
    use super::visited::Visited;
    // Every vector four times over: equal distances everywhere, the case where the two could
    // disagree on which node enters the best ef.
    let base = clustered(N / 4, DIM, CLUSTERS, SIGMA, 7);
    let data: Vec<Vec<f32>> = base.iter().flat_map(|v| std::iter::repeat(v.clone()).take(4)).collect();
    let index = build(config(DIM, Metric::L2), &data);
    let rows = match &index.store {
        Store::F32(rows) => rows,
        _ => unreachable!("an f32 config"),
    };
    let mut visited = Visited::default();
    for q in qs(50) {
        let measure = F32Rows::<super::distance::L2Kernel>::new(&q, rows);
        let entry = super::heap::Cand::new(super::measure::Measure::distance(&measure, index.graph.entry()), index.graph.entry());
        for ef in [1, 10, 40, 128] {
            // `filtered` with every node accepted takes the heaps; unfiltered, the sorted list.
            let heaps = search_layer(&index.graph, &mut visited, entry, ef, 0, &measure, &|_| true, true);
            let list = search_layer(&index.graph, &mut visited, entry, ef, 0, &measure, &|_| true, false);
            let key = |found: &[super::heap::Cand]| found.iter().map(|c| (c.id, c.dist.to_bits())).collect::<Vec<_>>();
            assert_eq!(key(&list), key(&heaps), "ef {}", ef);
        }
    }
}
