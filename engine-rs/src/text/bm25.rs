//! The BM25 inverted index: documents with caller-chosen `u32` ids, add / remove / update, exact
//! statistics. Search is in `search.rs`, persistence in `persist.rs`, compaction in `compact.rs`.
//!
//! Scoring (Robertson / Lucene BM25): for each query term t in doc d,
//! `idf(t) * tf * (k1 + 1) / (tf + k1 * (1 - b + b * dl / avgdl))`, `k1 = 1.2`, `b = 0.75`,
//! `idf(t) = ln(1 + (N - df + 0.5) / (df + 0.5))`; N, df and avgdl count live docs only, so a remove
//! or an update gives the scores a fresh index would give. A term repeated in a query counts once.
//!
//! Storage: a doc gets an internal ordinal (dense, in insertion order) so every posting is an
//! append; removing marks the ordinal dead, decrements the df of the doc's terms (kept per doc as a
//! compressed term-id list) and leaves its postings to be skipped until `compact` drops them.

use std::cell::Cell;
use std::collections::HashMap;

use crate::codec::put_varint;
use crate::error::{Error, ErrorCode, Result};
use crate::text::postings::{Postings, BLOCK_LEN, END};
use crate::text::tokenizer::tokenize;

pub const K1: f32 = 1.2;
pub const B: f32 = 0.75;
/// Removed ordinals tolerated before a remove compacts: at least this many and more than live docs.
pub const DEAD_ORDINALS_MIN_COMPACT: u32 = 1024;

/// One term of the dictionary.
#[derive(Clone, Debug)]
pub struct Term {
    pub postings: Postings,
    /// Live docs holding the term.
    pub df: u32,
    /// Upper bound of `tf / (tf + k1 * (1 - b + b * dl / max_f_avgdl))` over the postings: the
    /// term's best score per unit of weight, at the avgdl it was computed for. A search rescales it
    /// or recomputes it (hence `Cell`: searches take `&self`) when avgdl has moved; see `search.rs`.
    pub max_f: Cell<f32>,
    pub max_f_avgdl: Cell<f32>,
    /// The same bound per postings block (block-max), at the same avgdl, so a search can skip a
    /// whole block that cannot reach the top k.
    pub block_max: Vec<Cell<f32>>,
}

impl Term {
    /// A term whose bounds are unknown: the NaN reference makes the first search that needs them
    /// compute them (`refresh_bounds`).
    pub fn new(postings: Postings, df: u32) -> Term {
        let block_max = (0..postings.block_count()).map(|_| Cell::new(0.0)).collect();
        Term { postings, df, max_f: Cell::new(0.0), max_f_avgdl: Cell::new(f32::NAN), block_max }
    }
}

/// Per-query constants: `contribution(w, tf, dl)` with `w = idf * (k1 + 1)`.
#[derive(Clone, Copy, Debug)]
pub struct ScoreParams {
    pub live: u32,
    pub avgdl: f32,
    c1: f32,
    c2: f32,
}

impl ScoreParams {
    pub fn new(live: u32, total_len: u64) -> ScoreParams {
        let avgdl = if live == 0 || total_len == 0 { 1.0 } else { (total_len as f64 / live as f64) as f32 };
        ScoreParams { live, avgdl, c1: K1 * (1.0 - B), c2: K1 * B / avgdl }
    }

    /// `idf * (k1 + 1)` for a term in `df` of the live docs.
    pub fn weight(&self, df: u32) -> f32 {
        let (n, df) = (self.live as f64, df as f64);
        let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
        (idf * (K1 as f64 + 1.0)) as f32
    }

    /// The score a term of weight `w` adds to a doc of length `dl` holding it `tf` times. Every
    /// caller sums these in ascending term-id order, so equal inputs give bit-equal scores.
    #[inline]
    pub fn contribution(&self, w: f32, tf: u32, dl: u32) -> f32 {
        let tf = tf as f32;
        w * tf / (tf + (self.c1 + self.c2 * dl as f32))
    }

    /// The same constants at another avgdl (a term's bound reference).
    pub fn with_avgdl(&self, avgdl: f32) -> ScoreParams {
        ScoreParams { avgdl, c2: K1 * B / avgdl, ..*self }
    }

    /// `contribution / w`: what `Term::max_f` bounds.
    #[inline]
    pub fn saturation(&self, tf: u32, dl: u32) -> f32 {
        let tf = tf as f32;
        tf / (tf + (self.c1 + self.c2 * dl as f32))
    }
}

#[derive(Clone, Debug, Default)]
pub struct Bm25Index {
    pub(crate) dict: HashMap<Box<str>, u32>,
    pub(crate) terms: Vec<Term>,
    /// By ordinal: the caller's doc id, the doc's token count, and where its term list ends.
    pub(crate) ext_ids: Vec<u32>,
    pub(crate) doc_lens: Vec<u32>,
    pub(crate) doc_terms_end: Vec<u32>,
    /// Ascending term ids of each ordinal's doc as varint gaps (`first`, then `id - prev - 1`).
    pub(crate) doc_terms: Vec<u8>,
    /// Bit per ordinal: set while the doc is live.
    pub(crate) alive: Vec<u64>,
    /// Live doc id -> ordinal.
    pub(crate) ordinal_of: HashMap<u32, u32>,
    /// Sum of live docs' lengths.
    pub(crate) total_len: u64,
}

impl Bm25Index {
    pub fn new() -> Bm25Index {
        Bm25Index::default()
    }

    /// Live docs.
    pub fn len(&self) -> usize {
        self.ordinal_of.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ordinal_of.is_empty()
    }

    pub fn contains(&self, doc_id: u32) -> bool {
        self.ordinal_of.contains_key(&doc_id)
    }

    /// Live docs holding `term` (already tokenized), 0 if unknown.
    pub fn doc_freq(&self, term: &str) -> u32 {
        self.dict.get(term).map_or(0, |&t| self.terms[t as usize].df)
    }

    pub fn params(&self) -> ScoreParams {
        ScoreParams::new(self.len() as u32, self.total_len)
    }

    #[inline]
    pub(crate) fn is_alive(&self, ordinal: u32) -> bool {
        let o = ordinal as usize;
        self.alive.get(o / 64).map_or(false, |w| w >> (o % 64) & 1 == 1)
    }

    /// Indexes `text` under `doc_id`. Errors: `InvalidArgument` if `doc_id` is already indexed (use
    /// `update`), `LimitExceeded` when ordinals run out even after compacting.
    pub fn add(&mut self, doc_id: u32, text: &str) -> Result<()> {
        if self.contains(doc_id) {
            return Err(Error::invalid_argument(format!("doc {} is already in the text index; use update", doc_id)));
        }
        if self.ext_ids.len() >= (END - 1) as usize {
            self.compact();
            if self.ext_ids.len() >= (END - 1) as usize {
                return Err(Error::new(ErrorCode::LimitExceeded, "the text index holds the most docs it can"));
            }
        }
        // Term ids of every token, then (term, tf) runs.
        let mut ids: Vec<u32> = Vec::new();
        tokenize(text, |tok| ids.push(self.term_id(tok)));
        let dl = ids.len().min(u32::MAX as usize) as u32;
        ids.sort_unstable();
        let ordinal = self.ext_ids.len() as u32;
        self.ext_ids.push(doc_id);
        self.doc_lens.push(dl);
        if ordinal as usize / 64 >= self.alive.len() {
            self.alive.push(0);
        }
        self.alive[ordinal as usize / 64] |= 1 << (ordinal % 64);
        self.ordinal_of.insert(doc_id, ordinal);
        self.total_len += dl as u64;
        let params = self.params();

        let mut prev: Option<u32> = None;
        let mut i = 0;
        while i < ids.len() {
            let t = ids[i];
            let run = ids[i..].iter().take_while(|&&x| x == t).count();
            i += run;
            let gap = prev.map_or(t, |p| t - p - 1);
            put_varint(&mut self.doc_terms, gap as u64);
            prev = Some(t);
            let term = &mut self.terms[t as usize];
            let tf = run.min(u32::MAX as usize) as u32;
            if term.postings.len() == 0 {
                term.max_f.set(0.0);
                term.max_f_avgdl.set(params.avgdl);
            }
            term.postings.push(ordinal, tf);
            term.df += 1;
            // Bound at the term's own reference avgdl, so the maxima stay consistent.
            let f = params.with_avgdl(term.max_f_avgdl.get()).saturation(tf, dl);
            if f > term.max_f.get() {
                term.max_f.set(f);
            }
            let block = (term.postings.len() as usize - 1) / BLOCK_LEN;
            if block == term.block_max.len() {
                term.block_max.push(Cell::new(f));
            } else if f > term.block_max[block].get() {
                term.block_max[block].set(f);
            }
        }
        self.doc_terms_end.push(self.doc_terms.len() as u32);
        Ok(())
    }

    /// Removes `doc_id`; false if it was not indexed. Compacts when removed ordinals pile up.
    pub fn remove(&mut self, doc_id: u32) -> bool {
        let ordinal = match self.ordinal_of.remove(&doc_id) {
            Some(o) => o,
            None => return false,
        };
        let o = ordinal as usize;
        self.alive[o / 64] &= !(1u64 << (o % 64));
        self.total_len -= self.doc_lens[o] as u64;
        let (start, end) = self.doc_terms_range(ordinal);
        let terms = &mut self.terms;
        for_each_term_id(&self.doc_terms[start..end], |t| {
            if let Some(term) = terms.get_mut(t as usize) {
                term.df = term.df.saturating_sub(1);
            }
        });
        let dead = self.ext_ids.len() - self.len();
        if dead >= DEAD_ORDINALS_MIN_COMPACT as usize && dead > self.len() {
            self.compact();
        }
        true
    }

    /// Replaces `doc_id`'s text (adds it if absent).
    pub fn update(&mut self, doc_id: u32, text: &str) -> Result<()> {
        self.remove(doc_id);
        self.add(doc_id, text)
    }

    /// Recomputes `term`'s bounds exactly at `params.avgdl` over its live postings. O(postings).
    pub(crate) fn refresh_bounds(&self, term: &Term, params: &ScoreParams) {
        term.block_max.iter().for_each(|b| b.set(0.0));
        let mut max_f = 0f32;
        let mut c = term.postings.cursor();
        while c.doc != END {
            if self.is_alive(c.doc) {
                let f = params.saturation(c.tf(), self.doc_lens[c.doc as usize]);
                max_f = max_f.max(f);
                if let Some(b) = term.block_max.get(c.block()) {
                    b.set(b.get().max(f));
                }
            }
            c.next();
        }
        term.max_f.set(max_f);
        term.max_f_avgdl.set(params.avgdl);
    }

    /// Byte range of `ordinal`'s term list in `doc_terms`.
    pub(crate) fn doc_terms_range(&self, ordinal: u32) -> (usize, usize) {
        let o = ordinal as usize;
        let start = if o == 0 { 0 } else { self.doc_terms_end[o - 1] as usize };
        (start, self.doc_terms_end[o] as usize)
    }

    /// The id of `token`, adding it to the dictionary if new.
    fn term_id(&mut self, token: &str) -> u32 {
        if let Some(&id) = self.dict.get(token) {
            return id;
        }
        let id = self.terms.len() as u32;
        self.dict.insert(token.into(), id);
        self.terms.push(Term::new(Postings::new(), 0));
        id
    }

    /// Approximate heap bytes held: dictionary, postings, per-doc arrays and maps.
    pub fn heap_bytes(&self) -> usize {
        // A std HashMap slot is the entry plus a control byte, at up to 7/8 load.
        let dict = self.dict.capacity() * (std::mem::size_of::<(Box<str>, u32)>() + 1)
            + self.dict.keys().map(|k| k.len()).sum::<usize>();
        let terms = self.terms.capacity() * std::mem::size_of::<Term>()
            + self.terms.iter().map(|t| t.postings.heap_bytes()).sum::<usize>();
        let docs = (self.ext_ids.capacity() + self.doc_lens.capacity() + self.doc_terms_end.capacity()) * 4
            + self.doc_terms.capacity()
            + self.alive.capacity() * 8
            + self.ordinal_of.capacity() * (std::mem::size_of::<(u32, u32)>() + 1);
        dict + terms + docs
    }
}

/// Calls `f` with each term id of an encoded doc term list (checked on push or load).
pub(crate) fn for_each_term_id(mut bytes: &[u8], mut f: impl FnMut(u32)) {
    let mut prev: Option<u32> = None;
    while !bytes.is_empty() {
        let mut pos = 0;
        let gap = match crate::codec::get_varint(bytes, &mut pos, "BM25 doc terms") {
            Ok(g) => g as u32,
            Err(_) => return,
        };
        bytes = &bytes[pos..];
        let id = prev.map_or(gap, |p| p.wrapping_add(gap).wrapping_add(1));
        f(id);
        prev = Some(id);
    }
}
