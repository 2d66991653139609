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

const _: () = assert!(KEY_SIZE_MAX < VALUE_SIZE_MAX);
const _: () = assert!(VALUE_SIZE_MAX < TXN_SIZE_MAX);
const _: () = assert!(TXN_SIZE_MAX < u32::MAX as usize);
