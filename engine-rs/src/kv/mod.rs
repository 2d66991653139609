//! The memtable (recent writes, every version an open snapshot may still read) and the codec of a
//! commit record's payload (what one WAL record carries).

mod arena;
mod batch;
mod mem_key;
mod memtable;
mod version_chain;

pub use arena::{Arena, Span};
pub use batch::{decode_commit, encode_commit, CommitRecord};
pub use mem_key::MemKey;
pub use memtable::Memtable;
pub use version_chain::VersionChain;
