//! Every limit of the engine, in one place. Input over a limit is an error, never a panic.

/// Longest key accepted, in bytes.
pub const KEY_SIZE_MAX: usize = 16 * 1024;
/// Longest value accepted, in bytes.
pub const VALUE_SIZE_MAX: usize = 64 * 1024 * 1024;
/// Largest commit record payload (one transaction's writes), in bytes.
pub const TXN_SIZE_MAX: usize = 256 * 1024 * 1024;
/// Transactions open at once.
pub const TXNS_OPEN_MAX: usize = 65_536;
/// Cursors open at once.
pub const CURSORS_OPEN_MAX: usize = 65_536;
/// Size of one checksummed chunk of a segment file.
pub const SEGMENT_CHUNK_SIZE: usize = 64 * 1024;
/// Segments kept live before a checkpoint must fold more of them into its new segment.
pub const SEGMENTS_LIVE_MAX: usize = 12;
/// Largest `k` of one `soch_search` (the vector index's own `SEARCH_K_MAX`).
pub const SEARCH_K_MAX: usize = 8192;
/// Longest query text of one `soch_search`, in bytes.
pub const SEARCH_TEXT_SIZE_MAX: usize = 64 * 1024;

// Documents of vector collections (`doc/`).

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
/// Tombstones (deleted or replaced documents) a collection may hold after a checkpoint, as a
/// percentage of its live documents: over it, the checkpoint compacts the collection, so its graph
/// keeps at most `live * (100 + this) / 100` nodes (or `live + COLLECTION_TOMBSTONES_MIN_COMPACT`).
pub const COLLECTION_TOMBSTONE_PERCENT_MAX: usize = 20;
/// Fewest tombstones worth a compaction: spares small collections a renumbering at every checkpoint.
pub const COLLECTION_TOMBSTONES_MIN_COMPACT: usize = 256;
/// Fewest graph nodes worth laying out for locality at a checkpoint: smaller graphs sit in the
/// CPU caches anyway.
pub const COLLECTION_LAYOUT_NODES_MIN: usize = 8192;
/// Nodes added since the last layout, as a percentage of all, over which a checkpoint lays the
/// graph out again: each node is moved O(1) times on average as a collection grows.
pub const COLLECTION_LAYOUT_PERCENT_NEW: usize = 25;
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
// Index files and search results store a document id's length as u16.
const _: () = assert!(DOC_ID_SIZE_MAX <= u16::MAX as usize);

// Compaction compares `tombstones * 100` with `live * percent`; 0 would compact at every delete.
const _: () = assert!(COLLECTION_TOMBSTONE_PERCENT_MAX > 0 && COLLECTION_TOMBSTONE_PERCENT_MAX <= 100);
const _: () = assert!(COLLECTION_TOMBSTONES_MIN_COMPACT > 0);

const _: () = assert!(KEY_SIZE_MAX < VALUE_SIZE_MAX);
const _: () = assert!(VALUE_SIZE_MAX < TXN_SIZE_MAX);
const _: () = assert!(TXN_SIZE_MAX < u32::MAX as usize);
