//! Opening puts back the f32 vectors index files leave out. A collection's documents already hold
//! its vectors, so its index file keeps only the graph and the tombstones' rows (`persist.rs`,
//! version 3): a third of the bytes at 384-d, and opening never holds a second copy of the rows in
//! a file buffer. Once every segment is in, and before the WAL replays writes into the graphs,
//! each live node's row is read from its document's record, prepared as its insert prepared it.

use super::doc_reads::DocReader;
use crate::doc::parse_collection_key;
use crate::engine::state::Engine;
use crate::error::{Error, Result};
use crate::vector::Hnsw;

impl Engine {
    /// Restores the rows of every collection loaded without them. Errors: `Corruption` naming the
    /// collection when a live node's document is missing or holds a vector of another dimension.
    pub(in crate::engine) fn restore_collection_rows(&mut self) -> Result<()> {
        // The readers borrow the engine's key space while the graphs change: lift the
        // collections out meanwhile (reads of documents never touch them).
        let mut collections = std::mem::take(&mut self.collections);
        let mut result = Ok(());
        for (key, collection) in collections.iter_mut() {
            if !collection.hnsw.rows_missing() {
                continue;
            }
            let placeholder = Hnsw::new(collection.hnsw.config().clone()).expect("a loaded config is valid");
            let mut hnsw = std::mem::replace(&mut collection.hnsw, placeholder);
            let restored = DocReader::new(self, collection, key, self.last_seq).and_then(|reader| hnsw.restore_rows(&reader));
            collection.hnsw = hnsw;
            if let Err(e) = restored {
                let name = parse_collection_key(key).map_or_else(|_| String::from_utf8_lossy(key).into_owned(), |(ns, name)| format!("{}/{}", ns, name));
                result = Err(Error::new(e.code, format!("collection {}: {}", name, e.message)));
                break;
            }
        }
        self.collections = collections;
        result
    }
}
