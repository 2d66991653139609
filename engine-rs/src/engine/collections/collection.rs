//! One collection's derived state: its HNSW graph, its optional BM25 index, and the table from
//! internal ids (the HNSW ids, also used as BM25 doc ids) to document ids and parsed metadata.
//!
//! Invariants: `slots.len() == hnsw.len()`; slot `i` is `Some` exactly when HNSW id `i` is live;
//! `ids` maps each live document id to its slot; BM25 holds only live ids.
//! An update is a delete and an insert under a new internal id, as `Hnsw::update` does.

use std::collections::HashMap;

use super::config::CollectionConfig;
use crate::doc::Metadata;
use crate::error::Result;
use crate::text::Bm25Index;
use crate::vector::Hnsw;

/// A live document as search needs it.
pub struct DocSlot {
    pub id: Box<str>,
    pub metadata: Metadata,
}

/// Where a collection's state was last saved (its index file).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IndexFileRef {
    pub id: u64,
    pub len: u64,
    pub crc: u32,
}

pub struct Collection {
    pub config: CollectionConfig,
    pub hnsw: Hnsw,
    /// Created with the first document that has text.
    pub bm25: Option<Bm25Index>,
    pub slots: Vec<Option<DocSlot>>,
    pub ids: HashMap<Box<str>, u32>,
    /// Changed since its index file was written (or never written).
    pub dirty: bool,
    pub file: Option<IndexFileRef>,
    /// HNSW inserts made by this engine instance: a loaded index starts at 0, so tests can tell
    /// that opening did not rebuild the graph.
    pub inserts: u64,
    /// Graph nodes added since the graph was last laid out for locality (`layout.rs`) or loaded.
    pub unordered: usize,
}

/// A checked document write, ready to apply.
pub struct DocPut {
    pub id: String,
    pub vector: Vec<f32>,
    pub metadata: Metadata,
    pub text: Option<String>,
}

impl Collection {
    pub fn new(config: CollectionConfig) -> Result<Collection> {
        let hnsw = Hnsw::new(config.hnsw.clone())?;
        Ok(Collection::from_parts(config, hnsw, None, Vec::new(), None))
    }

    /// A loaded collection (the index file has checked the parts agree).
    pub fn from_parts(
        config: CollectionConfig,
        hnsw: Hnsw,
        bm25: Option<Bm25Index>,
        slots: Vec<Option<DocSlot>>,
        file: Option<IndexFileRef>,
    ) -> Collection {
        let ids = slots
            .iter()
            .enumerate()
            .filter_map(|(internal, slot)| slot.as_ref().map(|slot| (slot.id.clone(), internal as u32)))
            .collect();
        Collection { config, hnsw, bm25, slots, ids, dirty: file.is_none(), file, inserts: 0, unordered: 0 }
    }

    /// Live documents.
    pub fn count(&self) -> usize {
        self.ids.len()
    }

    pub fn slot(&self, internal: u32) -> Option<&DocSlot> {
        self.slots.get(internal as usize).and_then(Option::as_ref)
    }

    /// Inserts or replaces a document. The write was validated (dimension, finite values, a
    /// direction under cosine), so the index accepts it.
    pub fn put(&mut self, doc: DocPut) -> Result<()> {
        // Inserted before the old version goes, so a refusal leaves the collection as it was.
        let internal = self.hnsw.insert(&doc.vector)?;
        self.remove(&doc.id)?;
        self.inserts += 1;
        self.unordered = self.unordered.saturating_add(1);
        debug_assert_eq!(internal as usize, self.slots.len(), "HNSW ids are dense, in insert order");
        if let Some(text) = &doc.text {
            self.bm25.get_or_insert_with(Bm25Index::new).add(internal, text)?;
        }
        let id: Box<str> = doc.id.into();
        self.ids.insert(id.clone(), internal);
        self.slots.push(Some(DocSlot { id, metadata: doc.metadata }));
        self.dirty = true;
        Ok(())
    }

    /// Removes a document if present (a delete of an absent one is not an error: the KV
    /// tombstone is written either way).
    pub fn remove(&mut self, id: &str) -> Result<()> {
        let internal = match self.ids.remove(id) {
            Some(internal) => internal,
            None => return Ok(()),
        };
        self.hnsw.delete(internal)?;
        if let Some(bm25) = &mut self.bm25 {
            bm25.remove(internal);
        }
        self.slots[internal as usize] = None;
        self.dirty = true;
        Ok(())
    }
}
