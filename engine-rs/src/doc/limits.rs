//! Limits of the document layer: they live in the crate's `limits.rs` with every other limit;
//! this module keeps the names the layer's files import.

pub use crate::limits::{
    CONTENT_SIZE_MAX, DOC_ID_SIZE_MAX, FILTER_SIZE_MAX, JSON_DEPTH_MAX, JSON_SIZE_MAX, METADATA_FLAT_SIZE_MAX,
    METADATA_SIZE_MAX, NAME_SIZE_MAX, RECORD_DIM_MAX,
};
