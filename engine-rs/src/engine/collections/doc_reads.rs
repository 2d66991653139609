//! A collection's document records read by internal id, in batches: search results, and the full
//! vectors an int8 index re-ranks with. One point read is three dependent cache misses in a
//! segment (hash slot, entry offset, entry); `prefetch` starts them for a whole batch first, so
//! they overlap (see `Segment::prefetch_gets`).

use std::cell::RefCell;

use super::collection::{Collection, DocSlot};
use crate::doc::{document_key, parse_collection_key, record_parts};
use crate::engine::state::Engine;
use crate::error::Result;
use crate::vector::FullSource;

pub(super) struct DocReader<'e> {
    engine: &'e Engine,
    collection: &'e Collection,
    /// `PREFIX 'd' ns 00 col 00`: every document key of the collection is this plus the id.
    prefix: Vec<u8>,
    snapshot: u64,
    /// The key being read, reused.
    key: RefCell<Vec<u8>>,
}

impl<'e> DocReader<'e> {
    /// Reads the documents of the collection with `c` key `collection_key` at `snapshot`.
    pub fn new(engine: &'e Engine, collection: &'e Collection, collection_key: &[u8], snapshot: u64) -> Result<DocReader<'e>> {
        let (namespace, name) = parse_collection_key(collection_key)?;
        let mut prefix = document_key(namespace, name, "_")?;
        prefix.pop();
        Ok(DocReader { engine, collection, prefix, snapshot, key: RefCell::new(Vec::new()) })
    }

    /// The same documents read at another snapshot.
    pub fn at(&self, snapshot: u64) -> DocReader<'e> {
        DocReader { snapshot, prefix: self.prefix.clone(), key: RefCell::new(Vec::new()), ..*self }
    }

    /// The record of document `internal`; None when it has no slot or no record at the snapshot.
    pub fn record(&self, internal: u32) -> Option<&'e [u8]> {
        self.read(self.collection.slot(internal)?)
    }

    /// The record of the document in `slot`; None when it has none at the snapshot.
    pub fn read(&self, slot: &DocSlot) -> Option<&'e [u8]> {
        let mut key = self.key.borrow_mut();
        key.clear();
        self.push_key(slot, &mut key);
        self.engine.read_at(&key, self.snapshot)
    }

    /// Appends the document key of `slot` to `out`.
    fn push_key(&self, slot: &DocSlot, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.prefix);
        // Slot ids were validated when the document was written.
        out.extend_from_slice(slot.id.as_bytes());
    }

    /// Starts loading the records of `ids` (a hint).
    pub fn prefetch(&self, ids: &[u32]) {
        let mut keys = Vec::with_capacity(ids.len() * (self.prefix.len() + 16));
        let mut ends = Vec::with_capacity(ids.len());
        for slot in ids.iter().filter_map(|&id| self.collection.slot(id)) {
            self.push_key(slot, &mut keys);
            ends.push(keys.len());
        }
        let starts = std::iter::once(0).chain(ends.iter().copied());
        self.engine.prefetch_reads(starts.zip(ends.iter().copied()).map(|(start, end)| &keys[start..end]));
    }
}

impl<'e> FullSource<'e> for DocReader<'e> {
    fn vector(&self, id: u32) -> Option<&'e [u8]> {
        record_parts(self.record(id)?).ok().map(|parts| parts.vector_bytes)
    }

    fn prefetch(&self, ids: &[u32]) {
        DocReader::prefetch(self, ids)
    }
}
