//! Memory layout for locality, run by checkpoints: the graph's nodes are renumbered in
//! breadth-first order from the entry point (`Hnsw::locality_order`), so nodes a walk meets
//! together sit near each other in memory. Ids in insert order scatter a neighbourhood over the
//! whole index; laid out, a walk touches fewer pages and cache lines (native, 100k clustered
//! vectors, ef 64: +14-17% QPS at 128 and 384 dims, the same recall).
//!
//! Nothing a user sees changes but the order of exact ties (ties break by internal id). A graph
//! is laid out once it has `COLLECTION_LAYOUT_NODES_MIN` nodes and again whenever the nodes added
//! since reach `COLLECTION_LAYOUT_PERCENT_NEW` of all. The index file keeps that count, so a
//! collection that grows a little in each session is laid out again once the growth adds up.

use super::collection::Collection;
use crate::engine::state::Engine;
use crate::error::{Error, ErrorCode, Result};
use crate::limits::{COLLECTION_LAYOUT_NODES_MIN, COLLECTION_LAYOUT_PERCENT_NEW};

impl Collection {
    /// Large enough, with enough nodes added since the last layout.
    pub fn needs_layout(&self) -> bool {
        let nodes = self.hnsw.len();
        // `unordered` counts puts, which may outnumber the nodes left after compactions.
        let new = self.unordered.min(nodes);
        nodes >= COLLECTION_LAYOUT_NODES_MIN && new.saturating_mul(100) >= nodes.saturating_mul(COLLECTION_LAYOUT_PERCENT_NEW)
    }

    /// Renumbers every node (graph, text index, document table) in locality order. Errors:
    /// `Internal` if the parts disagree (a bug); the graph is only touched after the text index
    /// accepted the new ids.
    pub fn lay_out(&mut self) -> Result<()> {
        let order = self.hnsw.locality_order();
        let mut remap = vec![0u32; order.len()];
        for (new, &old) in order.iter().enumerate() {
            remap[old as usize] = new as u32;
        }
        if let Some(bm25) = &mut self.bm25 {
            bm25.renumber(&remap).map_err(|e| Error::new(ErrorCode::Internal, e.message))?;
        }
        let permuted = self.hnsw.permute(&order);
        assert!(permuted == remap, "the graph renumbered its nodes differently");
        let mut slots: Vec<_> = std::mem::take(&mut self.slots).into_iter().map(Some).collect();
        self.slots = order.iter().map(|&old| slots[old as usize].take().expect("each id once")).collect();
        for internal in self.ids.values_mut() {
            *internal = remap[*internal as usize];
        }
        self.unordered = 0;
        self.dirty = true;
        Ok(())
    }
}

impl Engine {
    /// Lays out each collection that needs it. Returns how many were.
    pub(in crate::engine) fn lay_out_collections(&mut self) -> Result<usize> {
        let mut laid_out = 0;
        for (_, collection) in self.collections.iter_mut() {
            if collection.needs_layout() {
                collection.lay_out()?;
                laid_out += 1;
            }
        }
        Ok(laid_out)
    }

    /// Graph nodes of collection `key` added since its last layout (0 right after one; kept by
    /// the index file across opens): tells tests and tools whether a checkpoint laid it out.
    pub fn collection_unordered_nodes(&self, key: &[u8]) -> Option<usize> {
        self.collections.get(key).map(|collection| collection.unordered)
    }
}
