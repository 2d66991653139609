//! Compaction: renumbers live docs to dense ordinals, drops removed docs' postings and terms no live
//! doc holds, and recomputes every term's score bound at the current avgdl. Scores do not change
//! (they depend on live docs only); memory and search time do.

use crate::codec::put_varint;
use crate::error::{Error, Result};
use crate::text::bm25::{for_each_term_id, Bm25Index, Term};
use crate::text::postings::{Postings, END};

impl Bm25Index {
    /// Rewrites the index without removed docs. O(postings); `remove` calls it when removed
    /// ordinals outnumber live ones, so its cost is amortised over those removes.
    pub fn compact(&mut self) {
        let params = self.params();
        // Old ordinal -> new ordinal (END if removed); old term id -> new (END if no live doc).
        let mut doc_map = vec![END; self.ext_ids.len()];
        let mut next = 0u32;
        for (o, slot) in doc_map.iter_mut().enumerate() {
            if self.is_alive(o as u32) {
                *slot = next;
                next += 1;
            }
        }
        let mut term_map = vec![END; self.terms.len()];
        let mut terms = Vec::with_capacity(self.terms.iter().filter(|t| t.df > 0).count());
        for (t, term) in self.terms.iter().enumerate() {
            if term.df == 0 {
                continue;
            }
            term_map[t] = terms.len() as u32;
            let mut postings = Postings::new();
            let mut c = term.postings.cursor();
            while c.doc != END {
                let new = doc_map[c.doc as usize];
                if new != END {
                    postings.push(new, c.tf());
                }
                c.next();
            }
            postings.shrink_to_fit();
            debug_assert_eq!(postings.len(), term.df);
            terms.push(Term::new(postings, term.df));
        }
        self.dict.retain(|_, id| term_map[*id as usize] != END);
        for id in self.dict.values_mut() {
            *id = term_map[*id as usize];
        }
        self.dict.shrink_to_fit();
        self.terms = terms;
        // Bounds at the current avgdl (renumbering keeps it); the whole doc set is live now.

        let live = next as usize;
        let (mut ext_ids, mut doc_lens, mut ends) = (Vec::with_capacity(live), Vec::with_capacity(live), Vec::with_capacity(live));
        let mut doc_terms = Vec::new();
        for (o, &new) in doc_map.iter().enumerate() {
            if new == END {
                continue;
            }
            ext_ids.push(self.ext_ids[o]);
            doc_lens.push(self.doc_lens[o]);
            // Term ids are renumbered in order, so the list stays ascending.
            let (start, end) = self.doc_terms_range(o as u32);
            let mut prev: Option<u32> = None;
            for_each_term_id(&self.doc_terms[start..end], |t| {
                let id = term_map[t as usize];
                put_varint(&mut doc_terms, prev.map_or(id, |p| id - p - 1) as u64);
                prev = Some(id);
            });
            ends.push(doc_terms.len() as u32);
        }
        doc_terms.shrink_to_fit();
        for (new, &ext) in ext_ids.iter().enumerate() {
            self.ordinal_of.insert(ext, new as u32);
        }
        self.ordinal_of.shrink_to_fit();
        self.alive = vec![0u64; (live + 63) / 64];
        for o in 0..live {
            self.alive[o / 64] |= 1 << (o % 64);
        }
        self.ext_ids = ext_ids;
        self.doc_lens = doc_lens;
        self.doc_terms_end = ends;
        self.doc_terms = doc_terms;
        for term in &self.terms {
            self.refresh_bounds(term, &params);
        }
    }

    /// Drops removed docs, then gives every live doc the id `map[id]` (a caller that renumbered
    /// its own ids, as `Hnsw::purge` does). Scores do not change; ties break by id, so an
    /// order-keeping map keeps result order too. Errors: `InvalidArgument` if a live doc's id is
    /// outside `map` or maps to `END` (nothing changes then but the compaction).
    pub fn renumber(&mut self, map: &[u32]) -> Result<()> {
        if self.ext_ids.len() > self.len() {
            self.compact();
        }
        let mapped = |id: u32| map.get(id as usize).copied().filter(|&new| new != END);
        if let Some(&lost) = self.ext_ids.iter().find(|&&id| mapped(id).is_none()) {
            return Err(Error::invalid_argument(format!("renumbering drops live text doc {}", lost)));
        }
        self.ordinal_of.clear();
        for (o, ext) in self.ext_ids.iter_mut().enumerate() {
            *ext = map[*ext as usize];
            self.ordinal_of.insert(*ext, o as u32);
        }
        Ok(())
    }
}
