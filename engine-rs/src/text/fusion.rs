//! Hybrid search helpers: pure functions over `(doc_id, score)` lists, higher score = better. A
//! vector side must pass similarities (e.g. `1 - cosine distance`, `-l2`), not raw distances.
//!
//! - `normalize_min_max`: rescales one list to [0, 1] so BM25 scores (unbounded) and vector
//!   similarities become comparable.
//! - `fuse_linear`: `alpha * vector + (1 - alpha) * bm25` over the min-max normalised lists, a doc
//!   missing from one list scoring 0 there.
//! - `fuse_rrf`: Reciprocal Rank Fusion, `sum over lists of 1 / (RRF_K + rank)`, rank from 1; it
//!   ignores score scales altogether.
//!
//! All return best first with ties broken by the lower id (as `search` does) and keep `k`.

use std::collections::HashMap;

use crate::text::topk::sort_hits;

/// RRF's rank offset, as in Cormack et al. (2009) and most engines.
pub const RRF_K: f32 = 60.0;

/// Min-max normalisation over the list itself: the best gets 1, the worst 0; if all scores are
/// equal (or there is one) each gets 1, since none is worse than another. Order is kept.
pub fn normalize_min_max(hits: &[(u32, f32)]) -> Vec<(u32, f32)> {
    let min = hits.iter().map(|h| h.1).fold(f32::INFINITY, f32::min);
    let max = hits.iter().map(|h| h.1).fold(f32::NEG_INFINITY, f32::max);
    let range = max - min;
    hits.iter()
        .map(|&(id, s)| (id, if range > 0.0 && range.is_finite() { (s - min) / range } else { 1.0 }))
        .collect()
}

/// `alpha * vector + (1 - alpha) * bm25` after min-max normalising each list; `alpha` is clamped to
/// [0, 1]. A doc in only one list gets 0 from the other.
pub fn fuse_linear(vector: &[(u32, f32)], bm25: &[(u32, f32)], alpha: f32, k: usize) -> Vec<(u32, f32)> {
    let alpha = if alpha.is_nan() { 0.5 } else { alpha.clamp(0.0, 1.0) };
    let mut fused: HashMap<u32, f32> = HashMap::with_capacity(vector.len() + bm25.len());
    for (id, s) in normalize_min_max(vector) {
        *fused.entry(id).or_insert(0.0) += alpha * s;
    }
    for (id, s) in normalize_min_max(bm25) {
        *fused.entry(id).or_insert(0.0) += (1.0 - alpha) * s;
    }
    let mut out: Vec<(u32, f32)> = fused.into_iter().collect();
    sort_hits(&mut out, k);
    out
}

/// Reciprocal Rank Fusion of ranked lists (each best first; scores unused): a doc's score is the
/// sum over the lists holding it of `1 / (RRF_K + rank)`, rank counted from 1.
pub fn fuse_rrf(lists: &[&[(u32, f32)]], k: usize) -> Vec<(u32, f32)> {
    let mut fused: HashMap<u32, f32> = HashMap::new();
    for list in lists {
        for (rank0, &(id, _)) in list.iter().enumerate() {
            *fused.entry(id).or_insert(0.0) += 1.0 / (RRF_K + (rank0 + 1) as f32);
        }
    }
    let mut out: Vec<(u32, f32)> = fused.into_iter().collect();
    sort_hits(&mut out, k);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: &[(u32, f32)], b: &[(u32, f32)]) -> bool {
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.0 == y.0 && (x.1 - y.1).abs() < 1e-6)
    }

    #[test]
    fn min_max_maps_best_to_one_and_worst_to_zero() {
        let got = normalize_min_max(&[(1, 10.0), (2, 5.0), (3, 7.5)]);
        assert!(close(&got, &[(1, 1.0), (2, 0.0), (3, 0.5)]), "{:?}", got);
        assert_eq!(normalize_min_max(&[(4, 3.0), (5, 3.0)]), vec![(4, 1.0), (5, 1.0)]);
        assert!(normalize_min_max(&[]).is_empty());
    }

    #[test]
    fn linear_fusion_weights_normalised_scores_and_fills_missing_with_zero() {
        let vector = [(1, 0.9), (2, 0.5), (3, 0.1)]; // normalised: 1, 0.5, 0
        let bm25 = [(3, 12.0), (4, 6.0), (2, 0.0)]; // normalised: 1, 0.5, 0
        let got = fuse_linear(&vector, &bm25, 0.7, 10);
        // 1: .7*1 = .7; 2: .7*.5 + .3*0 = .35; 3: .7*0 + .3*1 = .3; 4: .3*.5 = .15
        assert!(close(&got, &[(1, 0.7), (2, 0.35), (3, 0.3), (4, 0.15)]), "{:?}", got);
        assert!(close(&fuse_linear(&vector, &bm25, 0.7, 2), &[(1, 0.7), (2, 0.35)]));
        let only_bm25 = fuse_linear(&vector, &bm25, 0.0, 10);
        assert_eq!(only_bm25[0].0, 3);
        assert!(close(&only_bm25[..2], &[(3, 1.0), (4, 0.5)]), "{:?}", only_bm25);
    }

    #[test]
    fn rrf_sums_reciprocal_ranks_and_breaks_ties_by_id() {
        let a = [(10, 0.0), (20, 0.0), (30, 0.0)];
        let b = [(20, 0.0), (40, 0.0)];
        let got = fuse_rrf(&[&a, &b], 10);
        let r = |rank: f32| 1.0 / (60.0 + rank);
        let want = [(20, r(2.0) + r(1.0)), (10, r(1.0)), (40, r(2.0)), (30, r(3.0))];
        assert!(close(&got, &want), "{:?}", got);
        let tie = fuse_rrf(&[&[(9, 1.0)], &[(3, 1.0)]], 10);
        assert_eq!(tie, vec![(3, r(1.0)), (9, r(1.0))]);
    }
}
