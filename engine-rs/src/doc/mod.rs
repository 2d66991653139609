//! The document layer of vector collections: what a document is in the KV space and how its
//! metadata is filtered during search.
//!
//! - `keys`: the reserved key layout of namespaces, collections and documents (a storage contract);
//! - `record`: the codec of the value stored under a document key (vector, metadata, content);
//! - `json`, `json_write`: strict JSON for metadata and filters sent by the host, and its compact
//!   serializer;
//! - `metadata`: a document's metadata flattened to sorted dotted paths for allocation-free lookups;
//! - `filter`: the filter language (`$eq`, `$in`, `$gt`, `$and`, ...) parsed once, evaluated per
//!   search candidate;
//! - `limits`: this layer's limits, re-exported from the crate's `limits.rs`.
#![allow(dead_code)]

mod filter;
mod json;
mod json_write;
mod keys;
mod limits;
mod metadata;
mod record;

#[cfg(test)]
mod filter_tests;
#[cfg(test)]
mod json_tests;
#[cfg(test)]
mod keys_tests;
#[cfg(test)]
mod metadata_tests;
#[cfg(test)]
mod record_tests;
#[cfg(test)]
mod test_rng;

// The module's surface (its format's constants and helpers): not every item has a caller
// outside tests yet.
#[allow(unused_imports)]
pub use filter::{Filter, Literal, Op};
#[allow(unused_imports)]
pub use json::{parse as parse_json, parse_limited as parse_json_limited, Value};
#[allow(unused_imports)]
pub use json_write::write_json;
#[allow(unused_imports)]
pub use keys::{
    collection_key, collections_range, document_key, documents_range, is_reserved, namespace_documents_range,
    namespace_key, namespaces_range, parse_collection_key, parse_document_key, parse_namespace_key, reserved_range,
    validate_doc_id, validate_name, DocumentKey, KeyRange, RESERVED_PREFIX,
};
#[allow(unused_imports)]
pub use limits::{
    CONTENT_SIZE_MAX, DOC_ID_SIZE_MAX, FILTER_SIZE_MAX, JSON_DEPTH_MAX, JSON_SIZE_MAX, METADATA_FLAT_SIZE_MAX,
    METADATA_SIZE_MAX, NAME_SIZE_MAX, RECORD_DIM_MAX,
};
#[allow(unused_imports)]
pub use metadata::{Elements, Field, Metadata, Scalar};
#[allow(unused_imports)]
pub use record::{
    decode_record, encode_record, encoded_len, record_parts, RecordParts, RecordView, FLAG_HAS_CONTENT, RECORD_FORMAT_VERSION,
};
