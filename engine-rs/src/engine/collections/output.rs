//! `Engine::search` and `Engine::collection_count`: the search runs on the indexes (which follow
//! every commit, `last_seq`), then each result's document is read at `visible_seq`, skipping one
//! not visible there, and encoded as ABI.md gives:
//!
//! ```text
//! (score f32 | vector_score f32 | text_score f32 | id_len u16 | id | metadata_len u32 | metadata |
//!  content_len u32 (0xFFFFFFFF: none) | content | vector_dim u32 | f32 * vector_dim)*
//! ```

use super::collection::Collection;
use super::request::{SearchRequest, FLAG_INCLUDE_VECTORS};
use super::search::{search_collection, Hit};
use crate::doc::{decode_record, document_key, parse_collection_key, FLAG_HAS_CONTENT, RECORD_FORMAT_VERSION};
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
        let hits = search_collection(collection, &request, std::cmp::min(wanted, SEARCH_K_MAX))?;
        let (namespace, name) = parse_collection_key(key)?;
        // Every document key is this prefix plus the id (`PREFIX 'd' ns 00 col 00 id`): built
        // once, so each result skips re-validating the names and a fresh allocation.
        let mut doc_key = document_key(namespace, name, "_")?;
        doc_key.pop();
        let prefix_len = doc_key.len();
        let mut count = 0;
        for hit in hits {
            if count as usize == request.k {
                break;
            }
            let slot = match collection.slot(hit.internal) {
                Some(slot) => slot,
                None => continue,
            };
            doc_key.truncate(prefix_len);
            // Slot ids were validated when the document was written.
            doc_key.extend_from_slice(slot.id.as_bytes());
            if let Some(record) = self.read_at(&doc_key, self.visible_seq) {
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

/// The parts of a stored record a result copies out.
struct RecordParts<'a> {
    vector_bytes: &'a [u8],
    metadata_json: &'a [u8],
    content: Option<&'a [u8]>,
}

/// Splits a record (`doc::encode_record`'s layout: version | dim u32 | vector | metadata_len u32 |
/// metadata | content_len u32 | content | flags) without `decode_record`'s value checks (finite
/// vector, UTF-8 content): they ran when the record was written, and on every result they cost
/// as much as the search. The lengths are still checked, so a bad record is an error, not a panic.
fn record_parts(bytes: &[u8]) -> Result<RecordParts<'_>> {
    let bad = || Error::corruption("document record is malformed");
    let u32_at = |at: usize| -> Result<usize> {
        let b = bytes.get(at..at + 4).ok_or_else(bad)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
    };
    if bytes.first() != Some(&RECORD_FORMAT_VERSION) {
        // Another version (or no bytes): `decode_record`'s error says what to do.
        decode_record(bytes)?;
        return Err(bad());
    }
    let dim = u32_at(1)?;
    let vector_end = 5usize.checked_add(dim.checked_mul(4).ok_or_else(bad)?).ok_or_else(bad)?;
    let metadata_len = u32_at(vector_end)?;
    let metadata_end = (vector_end + 4).checked_add(metadata_len).ok_or_else(bad)?;
    let content_len = u32_at(metadata_end)?;
    let content_end = (metadata_end + 4).checked_add(content_len).ok_or_else(bad)?;
    if content_end.checked_add(1) != Some(bytes.len()) {
        return Err(bad());
    }
    let content = if bytes[content_end] & FLAG_HAS_CONTENT != 0 { Some(&bytes[metadata_end + 4..content_end]) } else { None };
    Ok(RecordParts {
        vector_bytes: &bytes[5..vector_end],
        metadata_json: &bytes[vector_end + 4..metadata_end],
        content,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::encode_record;

    #[test]
    fn record_parts_agree_with_decode_record_and_reject_truncation() {
        for content in [None, Some(""), Some("text é")] {
            let mut bytes = Vec::new();
            encode_record(&[1.0, -2.5, 3.0], br#"{"a":1}"#, content, &mut bytes).unwrap();
            let (parts, view) = (record_parts(&bytes).unwrap(), decode_record(&bytes).unwrap());
            assert_eq!(parts.vector_bytes, view.vector_bytes());
            assert_eq!(parts.metadata_json, view.metadata_json);
            assert_eq!(parts.content, view.content.map(str::as_bytes));
            for cut in 0..bytes.len() {
                assert!(record_parts(&bytes[..cut]).is_err(), "cut at {}", cut);
            }
        }
    }
}
