//! The collections' part of a checkpoint: an index file for each collection changed since the
//! last one, and the files that become obsolete (a rewritten collection's previous file, a dropped
//! collection's file). The host removes those only after the new manifest is in place, so a crash
//! at any step leaves a manifest whose files all exist.

use super::collection::IndexFileRef;
use super::index_file::{encode_index_file, EncodedIndex};
use crate::checkpoint::{index_file_name, IndexRef};
use crate::doc::{document_key, parse_collection_key, record_parts};
use crate::engine::state::Engine;
use crate::error::{Error, ErrorCode, Result};

/// An index file a checkpoint writes.
pub struct NewIndexFile {
    pub collection_key: Vec<u8>,
    pub file: IndexFileRef,
    pub encoded: EncodedIndex,
}

impl Engine {
    /// Encodes the index file of every changed collection, ids from `first_id` up. Reads each
    /// document's metadata text at `last_seq` (every commit). Changes nothing.
    pub(in crate::engine) fn encode_changed_indexes(&self, first_id: u64) -> Result<Vec<NewIndexFile>> {
        let mut files = Vec::new();
        for (key, collection) in self.collections.iter().filter(|(_, collection)| collection.dirty) {
            let (namespace, name) = parse_collection_key(key)?;
            let mut metadata_json = |id: &str| -> Result<Vec<u8>> {
                let doc_key = document_key(namespace, name, id)?;
                match self.read_at(&doc_key, self.last_seq) {
                    // The record's values were checked when it was written: split, not decoded.
                    Some(record) => Ok(record_parts(record)?.metadata_json.to_vec()),
                    None => Err(Error::new(ErrorCode::Internal, format!("indexed document {:?} has no record", id))),
                }
            };
            let encoded = encode_index_file(key, collection, &mut metadata_json)?;
            let id = first_id + files.len() as u64;
            let file = IndexFileRef { id, len: encoded.len(), crc: encoded.crc() };
            files.push(NewIndexFile { collection_key: key.clone(), file, encoded });
        }
        Ok(files)
    }

    /// The bytes of a new index file, as pieces borrowed from its collection. `Internal` if the
    /// collection changed since the file was encoded (its bytes would no longer match the CRC the
    /// manifest records): the host copies right after the checkpoint.
    pub(in crate::engine) fn index_file_pieces<'a>(&'a self, new: &'a NewIndexFile) -> Result<Vec<&'a [u8]>> {
        match self.collections.get(&new.collection_key) {
            Some(collection) if !collection.dirty && collection.file == Some(new.file) => Ok(new.encoded.pieces(collection)),
            _ => Err(Error::new(ErrorCode::Internal, "a collection changed before its index file was copied out")),
        }
    }

    /// Records the new files in their collections and returns the names of the files they
    /// replace, with the files of collections dropped since the last checkpoint.
    pub(in crate::engine) fn install_index_files(&mut self, files: &[NewIndexFile]) -> Vec<String> {
        let mut obsolete: Vec<String> =
            self.collections.take_dropped_files().iter().map(|f| index_file_name(f.id)).collect();
        for (key, collection) in self.collections.iter_mut() {
            let new = match files.iter().find(|new| &new.collection_key == key) {
                Some(new) => new,
                None => continue,
            };
            if let Some(old) = collection.file.replace(new.file) {
                obsolete.push(index_file_name(old.id));
            }
            collection.dirty = false;
        }
        obsolete
    }

    /// The manifest's list of index files: one per collection (each has one after a checkpoint).
    pub(in crate::engine) fn index_refs(&self) -> Vec<IndexRef> {
        let refs = self.collections.iter().filter_map(|(key, collection)| {
            let file = collection.file?;
            Some(IndexRef { id: file.id, len: file.len, crc: file.crc, collection_key: key.clone() })
        });
        refs.collect()
    }
}
