//! The index file of one collection (`idx-<id as 16 hex>.vix`): everything derived from its
//! documents, so opening loads the graph and the postings instead of rebuilding them.
//!
//! Layout (integers little-endian; each part starts where the one before ends):
//!
//! ```text
//! offset  size        field
//! 0       8           magic "SOCHVIX1"
//! 8       4           format version u32                 INDEX_FORMAT_VERSION (2; 1 is read)
//! 12      4           K: collection key length u32
//! 16      K           collection key (the `c` key)
//! ..      18 + T      config (`config.rs`): dim u32 | metric u8 | quantization u8 | m u32 |
//!                     ef_construction u32 | ef_search u32 | T u32 (u32::MAX: no textField) | T bytes
//! ..      8           H: HNSW length u64
//! ..      H           HNSW (`vector/persist.rs`, its own CRC)
//! ..      8           B: BM25 length u64 (0: no BM25 index)
//! ..      B           BM25 (`text/persist.rs`, its own CRC)
//! ..      4           S: slots u32, one per HNSW id (deleted ones included)
//! ..      ..          S × slot: live u8 (0: deleted, nothing follows) |
//!                         id_len u16 | document id | M u32 | metadata JSON (M bytes)
//! ..      8           nodes added since the graph's last layout u64 (version 2 on)
//! end-4   4           crc32c of every byte before it
//! ```
//! Version 2 added the count of nodes added since the graph's last layout (`layout.rs`), so it
//! goes on across opens. A version 1 file loads with a count of 0.
//! Metadata is saved as the document's JSON text and parsed again at load: one parse per
//! document, far cheaper than rebuilding the graph, and it keeps this format independent of
//! `Metadata`'s in-memory layout. (A compact binary form could replace it later.)

use super::collection::{Collection, DocSlot, IndexFileRef};
use super::config::CollectionConfig;
use crate::codec::{crc32c, crc32c_combine, Reader};
use crate::doc::Metadata;
use crate::error::{Error, ErrorCode, Result};
use crate::text::Bm25Index;
use crate::vector::{Hnsw, SavedParts};

/// The newest format this engine reads and writes.
pub const INDEX_FORMAT_VERSION: u32 = 2;
const INDEX_MAGIC: [u8; 8] = *b"SOCHVIX1";
const WHAT: &str = "collection index file";
const CRC_LEN: usize = 4;

/// An encoded index file, held as its small parts: the graph's big arrays stay in the collection
/// and are borrowed when the host copies the file (`pieces`), so the whole file never exists in
/// engine memory. Valid while the collection is unchanged since it was encoded.
#[derive(Debug)]
pub struct EncodedIndex {
    head: Vec<u8>,
    hnsw: SavedParts,
    /// Ends with the file's CRC.
    tail: Vec<u8>,
}

impl EncodedIndex {
    /// Length of the whole file (the manifest records it).
    pub fn len(&self) -> u64 {
        (self.head.len() + self.hnsw.len + self.tail.len()) as u64
    }

    /// The file's trailing CRC (the manifest records it).
    pub fn crc(&self) -> u32 {
        index_file_crc(&self.tail).expect("the tail ends with the CRC")
    }

    /// The file's bytes in order, the graph's borrowed from `collection` (the one encoded).
    pub fn pieces<'a>(&'a self, collection: &'a Collection) -> Vec<&'a [u8]> {
        let mut pieces: Vec<&[u8]> = vec![&self.head];
        pieces.extend(collection.hnsw.pieces(&self.hnsw));
        pieces.push(&self.tail);
        pieces
    }
}

/// Encodes `collection`; `metadata_json` gives each live document's metadata text (by id).
pub fn encode_index_file(
    key: &[u8],
    collection: &Collection,
    metadata_json: &mut dyn FnMut(&str) -> Result<Vec<u8>>,
) -> Result<EncodedIndex> {
    // f32 rows live in the documents too: the file keeps only the tombstones' (`restore_rows.rs`).
    let hnsw = collection.hnsw.save_parts_without_live_rows();
    let mut head = Vec::new();
    head.extend_from_slice(&INDEX_MAGIC);
    head.extend_from_slice(&INDEX_FORMAT_VERSION.to_le_bytes());
    head.extend_from_slice(&(key.len() as u32).to_le_bytes());
    head.extend_from_slice(key);
    collection.config.encode(&mut head);
    head.extend_from_slice(&(hnsw.len as u64).to_le_bytes());
    let mut tail = Vec::new();
    let bm25 = collection.bm25.as_ref().map_or(Vec::new(), Bm25Index::to_bytes);
    tail.extend_from_slice(&(bm25.len() as u64).to_le_bytes());
    tail.extend_from_slice(&bm25);
    tail.extend_from_slice(&(collection.slots.len() as u32).to_le_bytes());
    for slot in &collection.slots {
        encode_slot(slot.as_ref(), metadata_json, &mut tail)?;
    }
    tail.extend_from_slice(&(collection.unordered as u64).to_le_bytes());
    // The graph's bytes carry their own CRC: combined into the file's, not read a second time.
    let body_crc = crc32c_combine(crc32c_combine(crc32c(&head), hnsw.crc_of_all, hnsw.len), crc32c(&tail), tail.len());
    tail.extend_from_slice(&body_crc.to_le_bytes());
    Ok(EncodedIndex { head, hnsw, tail })
}

fn encode_slot(
    slot: Option<&DocSlot>,
    metadata_json: &mut dyn FnMut(&str) -> Result<Vec<u8>>,
    out: &mut Vec<u8>,
) -> Result<()> {
    let slot = match slot {
        Some(slot) => slot,
        None => {
            out.push(0);
            return Ok(());
        }
    };
    out.push(1);
    // Document ids are at most DOC_ID_SIZE_MAX (512) bytes, metadata at most METADATA_SIZE_MAX.
    out.extend_from_slice(&(slot.id.len() as u16).to_le_bytes());
    out.extend_from_slice(slot.id.as_bytes());
    let json = metadata_json(&slot.id)?;
    out.extend_from_slice(&(json.len() as u32).to_le_bytes());
    out.extend_from_slice(&json);
    Ok(())
}

/// The trailing CRC of an index file (what the manifest records), `None` if too short.
pub fn index_file_crc(bytes: &[u8]) -> Option<u32> {
    let tail = bytes.len().checked_sub(CRC_LEN)?;
    Some(u32::from_le_bytes([bytes[tail], bytes[tail + 1], bytes[tail + 2], bytes[tail + 3]]))
}

fn corrupt(message: &str) -> Error {
    Error::corruption(format!("{}: {}; the file is damaged", WHAT, message))
}

/// Decodes an index file into its collection key and collection. Errors: `Corruption`,
/// `Truncated`, `UnsupportedFormat`.
pub fn decode_index_file(bytes: &[u8], file: IndexFileRef) -> Result<(Vec<u8>, Collection)> {
    let stored = index_file_crc(bytes).ok_or_else(|| Error::truncated(WHAT))?;
    let body = &bytes[..bytes.len() - CRC_LEN];
    let mut r = Reader::new(body, WHAT);
    if r.bytes(INDEX_MAGIC.len())? != INDEX_MAGIC {
        return Err(corrupt("bad magic"));
    }
    let version = r.u32_le()?;
    if version > INDEX_FORMAT_VERSION {
        let message = format!(
            "index file format {} is newer than this engine's {}; upgrade SochDB",
            version, INDEX_FORMAT_VERSION
        );
        return Err(Error::new(ErrorCode::UnsupportedFormat, message));
    }
    if crc32c(body) != stored || version == 0 {
        return Err(corrupt("checksum mismatch"));
    }
    let key_len = r.u32_le()? as usize;
    let key = r.bytes(key_len)?.to_vec();
    let config = CollectionConfig::decode(&mut r)?;
    // The file's CRC, checked above, covers the graph's bytes.
    let graph_bytes = sized_part(&mut r)?;
    let hnsw = Hnsw::from_bytes_covered(graph_bytes)?;
    if hnsw.config().dim != config.hnsw.dim || hnsw.config().metric != config.hnsw.metric {
        return Err(corrupt("the graph does not match the config"));
    }
    let bm25 = match sized_part(&mut r)? {
        bytes if bytes.is_empty() => None,
        bytes => Some(Bm25Index::from_bytes(bytes)?),
    };
    let slots = decode_slots(&mut r, &hnsw)?;
    let unordered = if version >= 2 { usize::try_from(r.u64_le()?).unwrap_or(usize::MAX) } else { 0 };
    if r.remaining() != 0 {
        return Err(corrupt("bytes follow the last slot"));
    }
    let mut collection = Collection::from_parts(config, hnsw, bm25, slots, Some(file));
    collection.unordered = unordered;
    // A format this engine no longer writes is rewritten at the next checkpoint, not upgraded
    // again at every open.
    collection.dirty = Hnsw::saved_in_old_format(graph_bytes);
    let live = collection.slots.iter().filter(|slot| slot.is_some()).count();
    if collection.count() != live || collection.bm25.as_ref().map_or(false, |bm25| bm25.len() > live) {
        return Err(corrupt("document ids repeat or the text index holds dead documents"));
    }
    Ok((key, collection))
}

fn sized_part<'a>(r: &mut Reader<'a>) -> Result<&'a [u8]> {
    let len = r.u64_le()?;
    if len > r.remaining() as u64 {
        return Err(Error::truncated(WHAT));
    }
    r.bytes(len as usize)
}

fn decode_slots(r: &mut Reader<'_>, hnsw: &Hnsw) -> Result<Vec<Option<DocSlot>>> {
    let count = r.u32_le()? as usize;
    if count != hnsw.len() {
        return Err(corrupt("the document table does not match the graph"));
    }
    let mut slots = Vec::with_capacity(count);
    for internal in 0..count as u32 {
        let slot = decode_slot(r)?;
        if slot.is_some() == hnsw.is_deleted(internal) {
            return Err(corrupt("a document's liveness differs from the graph's"));
        }
        slots.push(slot);
    }
    Ok(slots)
}

fn decode_slot(r: &mut Reader<'_>) -> Result<Option<DocSlot>> {
    match r.u8()? {
        0 => return Ok(None),
        1 => {}
        _ => return Err(corrupt("bad slot marker")),
    }
    let id_len = u16::from_le_bytes([r.u8()?, r.u8()?]) as usize;
    let id = std::str::from_utf8(r.bytes(id_len)?).map_err(|_| corrupt("a document id is not UTF-8"))?;
    let json_len = r.u32_le()? as usize;
    let json = r.bytes(json_len)?;
    let metadata =
        if json.is_empty() { Metadata::empty() } else { Metadata::parse(json).map_err(|e| corrupt(&e.message))? };
    Ok(Some(DocSlot { id: id.into(), metadata }))
}
