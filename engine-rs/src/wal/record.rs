//! WAL file layout (all integers little-endian):
//!
//! ```text
//! file   = header record*
//! header = magic "SOCHWAL1" (8) | generation u64 (8)                       -- WAL_HEADER_LEN = 16
//! record = payload_len u32 (4) | crc u32 (4) | payload (payload_len)       -- WAL_RECORD_OVERHEAD = 8
//! crc    = crc32c(generation u64 LE ++ payload_len u32 LE ++ payload)
//! ```
//! The generation salts the checksum, so a record left over from another generation never verifies
//! and is never replayed.
//!
//! Reading a file classifies what follows the last good record:
//! - nothing: a clean end;
//! - a torn tail: an incomplete header or payload that reaches end of file, a record whose bytes
//!   are all zero to the end of file, or a record with a bad checksum that is the last thing in the
//!   file (its end is exactly end of file, or it claims to run past it). The writer died mid-append;
//!   `valid_len` tells the host where to truncate.
//! - corruption: a bad checksum (or a zero length) followed by more bytes. `Error::corruption`
//!   with the byte offset.

use crate::error::Result;

pub const WAL_HEADER_LEN: usize = 16;
pub const WAL_RECORD_OVERHEAD: usize = 8;

/// The 16-byte header that starts the WAL file of `generation`.
pub fn wal_file_header(generation: u64) -> [u8; WAL_HEADER_LEN] {
    let _ = generation;
    unimplemented!("E1")
}

/// Appends one framed record (`payload_len`, `crc`, `payload`) to `out`.
pub fn append_record(out: &mut Vec<u8>, generation: u64, payload: &[u8]) {
    let _ = (out, generation, payload);
    unimplemented!("E1")
}

/// What reading a whole WAL file found.
#[derive(Debug, PartialEq, Eq)]
pub struct WalFileScan<'a> {
    /// The generation from the header.
    pub generation: u64,
    /// Payloads of the good records, in file order.
    pub records: Vec<&'a [u8]>,
    /// Length of the file up to the end of the last good record (at least WAL_HEADER_LEN).
    pub valid_len: usize,
    /// True when bytes after `valid_len` were a torn tail (see the module doc).
    pub torn_tail: bool,
}

/// Reads a WAL file. Errors: `Truncated`/`Corruption` for a missing or bad header (wrong magic),
/// `Corruption` for a bad record that is not the tail.
pub fn scan_wal_file(bytes: &[u8]) -> Result<WalFileScan<'_>> {
    let _ = bytes;
    unimplemented!("E1")
}
