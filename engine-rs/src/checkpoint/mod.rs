//! What a checkpoint persists besides segments and index files: the manifest naming them, and
//! the file names both sides agree on.

mod file_names;
mod manifest;

pub use file_names::{index_file_name, parse_file_name, segment_file_name, FileName};
#[allow(unused_imports)] // some items are for tests and tools only
pub use manifest::{IndexRef, Manifest, SegmentRef, MANIFEST_FORMAT_VERSION};
