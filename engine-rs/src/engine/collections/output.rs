//! `Engine::search` and `Engine::collection_count`: the search runs on the indexes (which follow
//! every commit, `last_seq`), then each result's document is read at `visible_seq`, skipping one
//! not visible there, and encoded as ABI.md gives:
//!
//! ```text
//! (score f32 | vector_score f32 | text_score f32 | id_len u16 | id | metadata_len u32 | metadata |
//!  content_len u32 (0xFFFFFFFF: none) | content | vector_dim u32 | f32 * vector_dim)*
//! ```

use super::collection::Collection;
use super::doc_reads::DocReader;
use super::request::{SearchRequest, FLAG_INCLUDE_VECTORS};
use super::search::{search_collection, Hit};
use crate::doc::record_parts;
use crate::engine::state::Engine;
use crate::error::{Error, Result};
use crate::limits::SEARCH_K_MAX;

const NO_CONTENT: u32 = u32::MAX;

fn no_such_collection(key: &[u8]) -> Error {
    Error::invalid_argument(format!("no collection has the key {:?}", String::from_utf8_lossy(key)))
}

impl Engine {
    /// Live documents of the collection with `c` key `key`, at `last_seq`.
    /// Errors: `InvalidArgument` (no such collection), `InvalidState`.
    pub fn collection_count(&self, key: &[u8]) -> Result<usize> {
        self.require_open()?;
        self.collections.get(key).map(Collection::count).ok_or_else(|| no_such_collection(key))
    }

    /// Moves whenever a collection is created, reconfigured or dropped (any commit, durable or not).
    pub fn catalog_version(&self) -> u64 {
        self.collections.version()
    }

    /// HNSW inserts this engine made into the collection since it was created or loaded (0 right
    /// after an open that replayed no document writes: the graph was loaded, not rebuilt).
    pub fn collection_index_inserts(&self, key: &[u8]) -> Option<u64> {
        self.collections.get(key).map(|collection| collection.inserts)
    }

    /// Runs the `soch_search` request `request` on collection `key`, replaces `out` with the
    /// results and returns their number. Errors: `InvalidArgument` (no such collection, a
    /// malformed request, a query of the wrong dimension), `InvalidState`.
    pub fn search(&self, key: &[u8], request: &[u8], out: &mut Vec<u8>) -> Result<u32> {
        self.require_open()?;
        out.clear();
        let collection = self.collections.get(key).ok_or_else(|| no_such_collection(key))?;
        let request = SearchRequest::decode(request)?;
        // Documents committed but not yet visible are skipped: ask for more when some may be.
        let wanted = if self.last_seq > self.visible_seq { request.k.saturating_mul(2) } else { request.k };
        // An int8 index keeps no f32 vectors: it re-ranks with its documents' own, read at the
        // state the indexes follow (`last_seq`).
        let full = DocReader::new(self, collection, key, self.last_seq)?;
        let hits = search_collection(collection, &request, std::cmp::min(wanted, SEARCH_K_MAX), &full)?;
        let documents = full.at(self.visible_seq);
        let shown: Vec<u32> = hits.iter().take(wanted).map(|hit| hit.internal).collect();
        documents.prefetch(&shown);
        let mut count = 0;
        for hit in hits {
            if count as usize == request.k {
                break;
            }
            let slot = match collection.slot(hit.internal) {
                Some(slot) => slot,
                None => continue,
            };
            if let Some(record) = documents.read(slot) {
                encode_result(&hit, &slot.id, record, request.has(FLAG_INCLUDE_VECTORS), out)?;
                count += 1;
            }
        }
        Ok(count)
    }
}

fn encode_result(hit: &Hit, id: &str, record: &[u8], include_vector: bool, out: &mut Vec<u8>) -> Result<()> {
    let record = record_parts(record)?;
    for score in [hit.score, hit.vector_score, hit.text_score] {
        out.extend_from_slice(&score.to_le_bytes());
    }
    // Ids are at most DOC_ID_SIZE_MAX (512) bytes.
    out.extend_from_slice(&(id.len() as u16).to_le_bytes());
    out.extend_from_slice(id.as_bytes());
    out.extend_from_slice(&(record.metadata_json.len() as u32).to_le_bytes());
    out.extend_from_slice(record.metadata_json);
    match record.content {
        Some(content) => {
            out.extend_from_slice(&(content.len() as u32).to_le_bytes());
            out.extend_from_slice(content);
        }
        None => out.extend_from_slice(&NO_CONTENT.to_le_bytes()),
    }
    if include_vector {
        out.extend_from_slice(&((record.vector_bytes.len() / 4) as u32).to_le_bytes());
        out.extend_from_slice(record.vector_bytes);
    } else {
        out.extend_from_slice(&0u32.to_le_bytes());
    }
    Ok(())
}
