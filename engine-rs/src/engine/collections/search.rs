//! Search over one collection's indexes: vector (HNSW walk, or brute force with `EXACT` or a
//! selective filter, `Hnsw::search` decides), text (BM25), or hybrid (both lists fused with
//! `text::fusion`: min-max normalised `alpha` weighting, or RRF). The metadata filter runs inside
//! each search, on the parsed metadata of the candidate.
//!
//! Results are internal ids with their scores; `output.rs` turns them into documents.

use std::collections::HashMap;

use super::collection::Collection;
use super::request::{SearchRequest, FLAG_EXACT, FLAG_FUSION_RRF};
use crate::doc::Filter;
use crate::error::Result;
use crate::limits::SEARCH_K_MAX;
use crate::text::{fuse_linear, fuse_rrf};
use crate::vector::FullVectors;

/// Candidates each side brings to a hybrid fusion, per result asked for: a document ranked
/// modestly on both sides can still win.
const HYBRID_CANDIDATES_PER_RESULT: usize = 2;

/// One result: its fused score, and each side's own score (NaN: side not used, or it did not
/// list the document).
#[derive(Clone, Copy, Debug)]
pub struct Hit {
    pub internal: u32,
    pub score: f32,
    pub vector_score: f32,
    pub text_score: f32,
}

/// The best `n` documents for `request`, best first. `full` gives a document's vector by internal
/// id (an int8 index re-ranks with it).
pub fn search_collection(collection: &Collection, request: &SearchRequest, n: usize, full: FullVectors) -> Result<Vec<Hit>> {
    let accept = |id: u32| matches_filter(collection, request.filter.as_ref(), id);
    let filter: Option<&dyn Fn(u32) -> bool> = if request.filter.is_some() { Some(&accept) } else { None };
    match (&request.vector, &request.text) {
        (Some(query), None) => {
            let hits = vector_hits(collection, request, query, n, filter, full)?;
            Ok(hits
                .into_iter()
                .map(|(internal, s)| Hit { internal, score: s, vector_score: s, text_score: f32::NAN })
                .collect())
        }
        (None, Some(text)) => {
            let hits = text_hits(collection, text, n, filter);
            Ok(hits
                .into_iter()
                .map(|(internal, s)| Hit { internal, score: s, vector_score: f32::NAN, text_score: s })
                .collect())
        }
        (Some(query), Some(text)) => hybrid(collection, request, query, text, n, filter, full),
        (None, None) => Ok(Vec::new()),
    }
}

fn matches_filter(collection: &Collection, filter: Option<&Filter>, internal: u32) -> bool {
    match (filter, collection.slot(internal)) {
        (Some(filter), Some(slot)) => filter.matches(&slot.metadata),
        (None, Some(_)) => true,
        (_, None) => false,
    }
}

fn vector_hits(
    collection: &Collection,
    request: &SearchRequest,
    query: &[f32],
    n: usize,
    filter: Option<&dyn Fn(u32) -> bool>,
    full: FullVectors,
) -> Result<Vec<(u32, f32)>> {
    if request.has(FLAG_EXACT) {
        return collection.hnsw.exact_search(query, n, filter, Some(full));
    }
    // The record's efSearch, not the graph's: a rewritten record may have changed it.
    let ef = request.ef_search.unwrap_or(collection.config.hnsw.ef_search);
    collection.hnsw.search(query, n, Some(ef), filter, Some(full))
}

fn text_hits(collection: &Collection, text: &str, n: usize, filter: Option<&dyn Fn(u32) -> bool>) -> Vec<(u32, f32)> {
    match &collection.bm25 {
        Some(bm25) => bm25.search(text, n, filter),
        None => Vec::new(),
    }
}

fn hybrid(
    collection: &Collection,
    request: &SearchRequest,
    query: &[f32],
    text: &str,
    n: usize,
    filter: Option<&dyn Fn(u32) -> bool>,
    full: FullVectors,
) -> Result<Vec<Hit>> {
    let candidates = std::cmp::min(n.saturating_mul(HYBRID_CANDIDATES_PER_RESULT), SEARCH_K_MAX);
    let vector = vector_hits(collection, request, query, candidates, filter, full)?;
    let text_list = text_hits(collection, text, candidates, filter);
    let fused = if request.has(FLAG_FUSION_RRF) {
        fuse_rrf(&[&vector, &text_list], n)
    } else {
        fuse_linear(&vector, &text_list, request.alpha, n)
    };
    let vector_scores: HashMap<u32, f32> = vector.into_iter().collect();
    let text_scores: HashMap<u32, f32> = text_list.into_iter().collect();
    // A side that did not list the document gives NaN: its fused part was 0 (or no rank).
    let side = |scores: &HashMap<u32, f32>, internal: u32| scores.get(&internal).copied().unwrap_or(f32::NAN);
    let hits = fused.into_iter().map(|(internal, score)| Hit {
        internal,
        score,
        vector_score: side(&vector_scores, internal),
        text_score: side(&text_scores, internal),
    });
    Ok(hits.collect())
}
