//! What a checkpoint persists besides segments: the manifest.

mod manifest;

pub use manifest::{Manifest, SegmentRef, MANIFEST_FORMAT_VERSION};
