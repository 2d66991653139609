//! Limits of the document layer. They belong in the crate's `limits.rs`; they sit here until the
//! lead moves them, so this module can land without touching shared files.

use crate::limits::{KEY_SIZE_MAX, VALUE_SIZE_MAX};

/// Deepest nesting of arrays and objects accepted in JSON text: bounds the parser's recursion.
pub const JSON_DEPTH_MAX: usize = 64;
/// Longest JSON text accepted by `json::parse`, in bytes.
pub const JSON_SIZE_MAX: usize = 1024 * 1024;
/// Longest metadata JSON of one document, in bytes.
pub const METADATA_SIZE_MAX: usize = 64 * 1024;
/// Most bytes of flattened paths plus strings one document's metadata may hold: paths repeat
/// their prefixes, so deep keys over many leaves could otherwise grow far beyond the JSON text.
pub const METADATA_FLAT_SIZE_MAX: usize = 256 * 1024;
/// Longest filter JSON, in bytes.
pub const FILTER_SIZE_MAX: usize = 64 * 1024;
/// Longest content text of one document, in bytes.
pub const CONTENT_SIZE_MAX: usize = 16 * 1024 * 1024;
/// Largest vector dimension a record may carry; equals `vector::VECTOR_DIM_MAX`.
pub const RECORD_DIM_MAX: usize = 4096;
/// Namespace and collection names: bytes, at least 1.
pub const NAME_SIZE_MAX: usize = 128;
/// Document ids: bytes of UTF-8, at least 1.
pub const DOC_ID_SIZE_MAX: usize = 512;

const _: () = assert!(METADATA_SIZE_MAX <= JSON_SIZE_MAX);
const _: () = assert!(METADATA_FLAT_SIZE_MAX < u32::MAX as usize);
const _: () = assert!(FILTER_SIZE_MAX <= JSON_SIZE_MAX);
// The whole record must fit in one KV value, whatever its parts.
const _: () = assert!(1 + 4 + 4 * RECORD_DIM_MAX + 4 + METADATA_SIZE_MAX + 4 + CONTENT_SIZE_MAX + 1 <= VALUE_SIZE_MAX);
// A document key (prefix, kind, two names, two separators, id) must fit in one KV key.
const _: () = assert!(8 + 2 * NAME_SIZE_MAX + 2 + DOC_ID_SIZE_MAX <= KEY_SIZE_MAX);
