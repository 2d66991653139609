//! The registry of collections, keyed by their `c` key, and the index files of dropped ones
//! waiting for the next checkpoint to be listed for removal.
//!
//! Namespaces are not tracked here: their records are only checked (see `plan.rs`), nothing is
//! derived from them.

use std::collections::BTreeMap;

use super::collection::{Collection, IndexFileRef};
use super::plan::CatalogOp;
use crate::error::{Error, ErrorCode, Result};

#[derive(Default)]
pub struct Registry {
    collections: BTreeMap<Vec<u8>, Collection>,
    /// Index files of collections dropped since the last checkpoint.
    dropped_files: Vec<IndexFileRef>,
    /// Bumped by every collection create, config change or drop, so a host can keep what it read
    /// of the catalog until this moves (a search then skips re-reading its collection's record).
    version: u64,
}

impl Registry {
    pub fn get(&self, key: &[u8]) -> Option<&Collection> {
        self.collections.get(key)
    }

    pub fn len(&self) -> usize {
        self.collections.len()
    }

    pub fn version(&self) -> u64 {
        self.version
    }

    pub fn iter(&self) -> impl Iterator<Item = (&Vec<u8>, &Collection)> {
        self.collections.iter()
    }

    pub fn iter_mut(&mut self) -> impl Iterator<Item = (&Vec<u8>, &mut Collection)> {
        self.collections.iter_mut()
    }

    /// A collection read from its index file at open. `InvalidArgument` if the key is taken.
    pub fn insert_loaded(&mut self, key: Vec<u8>, collection: Collection) -> Result<()> {
        if self.collections.contains_key(&key) {
            return Err(Error::invalid_argument("two index files hold the same collection"));
        }
        self.collections.insert(key, collection);
        Ok(())
    }

    /// The index files to remove at the next checkpoint, emptied.
    pub fn take_dropped_files(&mut self) -> Vec<IndexFileRef> {
        std::mem::take(&mut self.dropped_files)
    }

    /// Applies a commit's checked ops. An error here is a bug (the plan was checked), reported as
    /// `Internal`: the commit is already in the memtable.
    pub fn apply(&mut self, plan: Vec<CatalogOp>) -> Result<()> {
        for op in plan {
            self.apply_op(op)
                .map_err(|e| Error::new(ErrorCode::Internal, format!("applying a checked write: {}", e.message)))?;
        }
        Ok(())
    }

    fn apply_op(&mut self, op: CatalogOp) -> Result<()> {
        if matches!(op, CatalogOp::PutCollection { .. } | CatalogOp::DropCollection { .. }) {
            self.version += 1;
        }
        match op {
            CatalogOp::PutCollection { key, config } => match self.collections.get_mut(&key) {
                Some(collection) => {
                    // Only what `check_rewrite` allows changed (ef values).
                    collection.config = config;
                    collection.dirty = true;
                }
                None => {
                    self.collections.insert(key, Collection::new(config)?);
                }
            },
            CatalogOp::DropCollection { key } => {
                if let Some(file) = self.collections.remove(&key).and_then(|collection| collection.file) {
                    self.dropped_files.push(file);
                }
            }
            CatalogOp::PutDoc { collection, doc } => match self.collections.get_mut(&collection) {
                Some(target) => target.put(doc)?,
                None => return Err(Error::invalid_argument("a checked document lost its collection")),
            },
            CatalogOp::DeleteDoc { collection, id } => {
                if let Some(target) = self.collections.get_mut(&collection) {
                    target.remove(&id)?;
                }
            }
        }
        Ok(())
    }
}
