//! Exact top-k BM25 search with MaxScore (Turtle & Flood 1995, as Lucene runs it).
//!
//! Each query term has an upper bound `ub` on what it can add to any doc. Sorted by `ub`, the terms
//! whose bounds sum below the current k-th best score are "non-essential": a doc holding only them
//! cannot enter the top k. So candidates come from the essential terms' postings only, and the
//! non-essential postings are probed (skipping by block) only for candidates still in reach. Under a
//! Zipf vocabulary the frequent terms have tiny idf and fall out of the essential set after the
//! first few hits, leaving the rare terms' short lists to walk.
//!
//! Exactness: bounds are inflated by a small relative slack against f32 rounding, a candidate is
//! dropped only when its bound is strictly below the threshold (an equal score may still win on a
//! lower id), and every kept score is summed in ascending term-id order, as a brute-force scan does.

use std::cell::Cell;

use crate::text::bm25::{Bm25Index, ScoreParams, Term};
use crate::text::postings::{Cursor, END};
use crate::text::tokenizer::tokenize;
use crate::text::topk::{Hit, TopK};

/// Drift of avgdl from a term's bound reference beyond which the bound is recomputed exactly
/// rather than rescaled (a rescaled bound is looser).
const BOUND_DRIFT_MAX: f32 = 0.02;

struct QueryTerm<'a> {
    /// Position in ascending term-id order: where its contribution goes in the final sum.
    canon: usize,
    w: f32,
    ub: f32,
    /// `ub / max_f`: turns a block's saturation bound into a score bound.
    scale: f32,
    block_max: &'a [Cell<f32>],
    cursor: Cursor<'a>,
}

impl<'a> QueryTerm<'a> {
    /// Bound on what this term adds to any doc up to its cursor's current block end.
    #[inline]
    fn block_bound(&self) -> f32 {
        self.block_max.get(self.cursor.block()).map_or(0.0, |b| b.get() * self.scale)
    }
}

impl Bm25Index {
    /// The `k` best live docs for `query` as `(doc_id, score)`, best first, ties by lower id. Only
    /// docs holding at least one query term score; `filter`, if given, is asked about each doc
    /// that could still enter the top k and must return true to keep it.
    pub fn search(&self, query: &str, k: usize, filter: Option<&dyn Fn(u32) -> bool>) -> Vec<(u32, f32)> {
        if k == 0 || self.is_empty() {
            return Vec::new();
        }
        let mut ids: Vec<u32> = Vec::new();
        tokenize(query, |t| {
            if let Some(&id) = self.dict.get(t) {
                ids.push(id);
            }
        });
        ids.sort_unstable();
        ids.dedup();
        ids.retain(|&id| self.terms[id as usize].df > 0);
        if ids.is_empty() {
            return Vec::new();
        }
        let params = self.params();
        let slack = 1.0 + 1e-4 * (1.0 + ids.len() as f32 / 64.0);
        let mut qterms: Vec<QueryTerm> = ids
            .iter()
            .enumerate()
            .map(|(canon, &id)| {
                let term = &self.terms[id as usize];
                let w = params.weight(term.df);
                let scale = w * self.bound_scale(term, &params) * slack;
                let ub = term.max_f.get() * scale;
                QueryTerm { canon, w, ub, scale, block_max: &term.block_max, cursor: term.postings.cursor() }
            })
            .collect();
        qterms.sort_by(|a, b| a.ub.total_cmp(&b.ub).then(a.canon.cmp(&b.canon)));
        // prefix[j]: bound on what terms 0..j (by ascending ub) add together, rounded up by slack.
        let mut prefix = vec![0f32; qterms.len() + 1];
        let mut sum = 0f64;
        for (j, q) in qterms.iter().enumerate() {
            sum += q.ub as f64;
            prefix[j + 1] = (sum * slack as f64) as f32;
        }
        let mut top = TopK::new(k.min(self.len()));
        self.max_score(&mut qterms, &prefix, &params, filter, &mut top);
        top.into_sorted()
    }

    fn max_score(
        &self,
        qterms: &mut [QueryTerm],
        prefix: &[f32],
        params: &ScoreParams,
        filter: Option<&dyn Fn(u32) -> bool>,
        top: &mut TopK,
    ) {
        let m = qterms.len();
        let mut contrib = vec![0f32; m];
        let mut first_essential = 0;
        // Docs up to `window_end` passed the block-max check below.
        let mut window_end = 0u32;
        let mut have_window = false;
        loop {
            let mut doc = END;
            for q in &qterms[first_essential..] {
                doc = doc.min(q.cursor.doc);
            }
            if doc == END {
                return;
            }
            if let (Some(t), false) = (top.threshold(), have_window && doc <= window_end) {
                // Block-max: until the first essential block ends, no doc beats the sum of the
                // essential terms' current block bounds plus every non-essential term's bound.
                let (mut end, mut bound) = (END, prefix[first_essential]);
                for q in &qterms[first_essential..] {
                    if q.cursor.doc != END {
                        end = end.min(q.cursor.block_last());
                        bound += q.block_bound();
                    }
                }
                if bound < t {
                    for q in &mut qterms[first_essential..] {
                        q.cursor.advance(end.saturating_add(1));
                    }
                    have_window = false;
                    continue;
                }
                window_end = end;
                have_window = true;
            }
            let alive = self.is_alive(doc);
            let dl = self.doc_lens[doc as usize];
            let mut partial = 0f32;
            for q in &mut qterms[first_essential..] {
                if q.cursor.doc == doc {
                    if alive {
                        let c = params.contribution(q.w, q.cursor.tf(), dl);
                        contrib[q.canon] = c;
                        partial += c;
                    }
                    q.cursor.next();
                }
            }
            if !alive {
                continue;
            }
            let ext = self.ext_ids[doc as usize];
            let threshold = top.threshold();
            let in_reach = |partial: f32, j: usize| threshold.map_or(true, |t| partial + prefix[j] >= t);
            let mut keep = in_reach(partial, first_essential) && filter.map_or(true, |f| f(ext));
            // Probe non-essential terms, largest bound first, while the doc can still make it.
            let mut j = first_essential;
            while keep && j > 0 {
                j -= 1;
                let q = &mut qterms[j];
                q.cursor.advance(doc);
                if q.cursor.doc == doc {
                    let c = params.contribution(q.w, q.cursor.tf(), dl);
                    contrib[q.canon] = c;
                    partial += c;
                }
                keep = in_reach(partial, j);
            }
            if keep {
                let score = contrib.iter().fold(0f32, |s, &c| s + c);
                top.push(Hit { score, id: ext });
                if let Some(t) = top.threshold() {
                    while first_essential < m && prefix[first_essential + 1] < t {
                        first_essential += 1;
                    }
                }
            }
            for c in contrib.iter_mut() {
                *c = 0.0;
            }
        }
    }

    /// Factor turning `term.max_f` (and its block maxima) into bounds at the current avgdl. A bound
    /// kept at avgdl `a0` holds at `a` scaled by `max(1, a / a0)`: norm falls at most by that factor
    /// as avgdl grows and only rises as it shrinks. Past `BOUND_DRIFT_MAX` (or never computed: NaN)
    /// the bounds are recomputed exactly, which is O(postings) once per drift.
    fn bound_scale(&self, term: &Term, params: &ScoreParams) -> f32 {
        let ratio = params.avgdl / term.max_f_avgdl.get();
        if (ratio - 1.0).abs() <= BOUND_DRIFT_MAX {
            return ratio.max(1.0);
        }
        self.refresh_bounds(term, params);
        1.0
    }
}
