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
//!
//! A zero `payload_len` is never written (an empty transaction has no record), so it counts as a
//! bad record.

use crate::codec::{crc32c, crc32c_append};
use crate::error::{Error, Result};

pub const WAL_HEADER_LEN: usize = 16;
pub const WAL_RECORD_OVERHEAD: usize = 8;

const WAL_MAGIC: [u8; 8] = *b"SOCHWAL1";

/// The 16-byte header that starts the WAL file of `generation`.
pub fn wal_file_header(generation: u64) -> [u8; WAL_HEADER_LEN] {
    let mut h = [0u8; WAL_HEADER_LEN];
    h[..8].copy_from_slice(&WAL_MAGIC);
    h[8..].copy_from_slice(&generation.to_le_bytes());
    h
}

#[inline]
fn record_crc(generation: u64, payload: &[u8]) -> u32 {
    let mut salt = [0u8; 12];
    salt[..8].copy_from_slice(&generation.to_le_bytes());
    salt[8..].copy_from_slice(&(payload.len() as u32).to_le_bytes());
    crc32c_append(crc32c(&salt), payload)
}

/// Appends one framed record (`payload_len`, `crc`, `payload`) to `out`.
/// The payload must be non-empty and at most `TXN_SIZE_MAX` bytes (the caller checks the limit).
#[cfg(test)]
pub fn append_record(out: &mut Vec<u8>, generation: u64, payload: &[u8]) {
    out.reserve(WAL_RECORD_OVERHEAD + payload.len());
    append_record_with(out, generation, |out| out.extend_from_slice(payload));
}

/// `append_record` for a payload that `encode` appends to `out` in place, so the payload is
/// written once, straight into the WAL buffer.
pub fn append_record_with<F: FnOnce(&mut Vec<u8>)>(out: &mut Vec<u8>, generation: u64, encode: F) {
    let start = out.len();
    out.extend_from_slice(&[0; WAL_RECORD_OVERHEAD]);
    encode(out);
    let payload_len = out.len() - start - WAL_RECORD_OVERHEAD;
    assert!(payload_len != 0, "an empty transaction has no WAL record");
    assert!(payload_len <= crate::limits::TXN_SIZE_MAX);
    let crc = record_crc(generation, &out[start + WAL_RECORD_OVERHEAD..]);
    out[start..start + 4].copy_from_slice(&(payload_len as u32).to_le_bytes());
    out[start + 4..start + WAL_RECORD_OVERHEAD].copy_from_slice(&crc.to_le_bytes());
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
    let generation = read_header(bytes)?;
    let mut scan = WalFileScan { generation, records: Vec::new(), valid_len: WAL_HEADER_LEN, torn_tail: false };
    let mut pos = WAL_HEADER_LEN;
    while pos < bytes.len() {
        let rest = &bytes[pos..];
        if rest.len() < WAL_RECORD_OVERHEAD {
            scan.torn_tail = true; // a record header cut by end of file
            break;
        }
        let payload_len = u32::from_le_bytes([rest[0], rest[1], rest[2], rest[3]]) as usize;
        let crc = u32::from_le_bytes([rest[4], rest[5], rest[6], rest[7]]);
        let body = &rest[WAL_RECORD_OVERHEAD..];
        if payload_len > body.len() {
            scan.torn_tail = true; // claims to run past end of file
            break;
        }
        let payload = &body[..payload_len];
        if payload_len != 0 && record_crc(generation, payload) == crc {
            scan.records.push(payload);
            pos += WAL_RECORD_OVERHEAD + payload_len;
            scan.valid_len = pos;
            continue;
        }
        // A bad record: the tail if nothing follows it or only zeros do (space the file system
        // allocated before the write landed); otherwise a damaged record in the middle.
        let ends_at_eof = payload_len == body.len();
        if ends_at_eof || rest.iter().all(|&b| b == 0) {
            scan.torn_tail = true;
            break;
        }
        return Err(Error::corruption(format!(
            "WAL generation {}: the record at byte {} fails its checksum and is not the last one; \
             the log is damaged (restore from a backup)",
            generation, pos
        )));
    }
    Ok(scan)
}

fn read_header(bytes: &[u8]) -> Result<u64> {
    if bytes.len() < WAL_HEADER_LEN {
        return Err(Error::truncated("WAL file header"));
    }
    if bytes[..8] != WAL_MAGIC {
        return Err(Error::corruption("this is not a SochDB WAL file (bad magic); remove or restore it"));
    }
    let mut g = [0u8; 8];
    g.copy_from_slice(&bytes[8..16]);
    Ok(u64::from_le_bytes(g))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    fn wal(generation: u64, payloads: &[&[u8]]) -> Vec<u8> {
        let mut out = wal_file_header(generation).to_vec();
        for p in payloads {
            append_record(&mut out, generation, p);
        }
        out
    }

    #[test]
    fn records_round_trip_with_a_clean_end() {
        let file = wal(7, &[b"one", b"two", &[9u8; 1000]]);
        let scan = scan_wal_file(&file).unwrap();
        assert_eq!(scan.generation, 7);
        assert_eq!(scan.records, vec![&b"one"[..], &b"two"[..], &[9u8; 1000][..]]);
        assert_eq!(scan.valid_len, file.len());
        assert!(!scan.torn_tail);
    }

    #[test]
    fn header_only_file_is_empty_and_clean() {
        let header = wal_file_header(3);
        let scan = scan_wal_file(&header).unwrap();
        assert_eq!((scan.records.len(), scan.valid_len, scan.torn_tail), (0, WAL_HEADER_LEN, false));
    }

    #[test]
    fn short_header_is_truncated_and_wrong_magic_is_corruption() {
        let h = wal_file_header(1);
        assert_eq!(scan_wal_file(&h[..15]).unwrap_err().code, ErrorCode::Truncated);
        let mut bad = h.to_vec();
        bad[0] ^= 1;
        assert_eq!(scan_wal_file(&bad).unwrap_err().code, ErrorCode::Corruption);
    }

    #[test]
    fn torn_wal_tail_is_ignored_at_every_cut() {
        let full = wal(2, &[b"first", b"second record"]);
        let first_end = WAL_HEADER_LEN + WAL_RECORD_OVERHEAD + 5;
        for cut in first_end + 1..full.len() {
            let scan = scan_wal_file(&full[..cut]).unwrap();
            assert_eq!(scan.records, vec![&b"first"[..]], "cut {}", cut);
            assert_eq!(scan.valid_len, first_end);
            assert!(scan.torn_tail);
        }
    }

    #[test]
    fn bad_checksum_in_last_record_is_a_torn_tail() {
        let mut file = wal(2, &[b"first", b"second"]);
        let last = file.len() - 1;
        file[last] ^= 0x40;
        let scan = scan_wal_file(&file).unwrap();
        assert_eq!(scan.records, vec![&b"first"[..]]);
        assert!(scan.torn_tail);
    }

    #[test]
    fn bad_checksum_before_tail_is_corruption() {
        let mut file = wal(2, &[b"first", b"second"]);
        file[WAL_HEADER_LEN + WAL_RECORD_OVERHEAD] ^= 1;
        let err = scan_wal_file(&file).unwrap_err();
        assert_eq!(err.code, ErrorCode::Corruption);
        assert!(err.message.contains("byte 16"), "{}", err.message);
    }

    #[test]
    fn zero_length_record_followed_by_data_is_corruption() {
        let mut file = wal_file_header(2).to_vec();
        file.extend_from_slice(&[0u8; 8]);
        append_record(&mut file, 2, b"after");
        assert_eq!(scan_wal_file(&file).unwrap_err().code, ErrorCode::Corruption);
    }

    #[test]
    fn zero_filled_tail_is_torn_not_corrupt() {
        let mut file = wal(5, &[b"kept"]);
        let good = file.len();
        file.extend_from_slice(&[0u8; 4096]);
        let scan = scan_wal_file(&file).unwrap();
        assert_eq!((scan.records.len(), scan.valid_len, scan.torn_tail), (1, good, true));
    }

    #[test]
    fn record_from_another_generation_never_verifies() {
        let mut file = wal_file_header(9).to_vec();
        append_record(&mut file, 8, b"stale");
        let scan = scan_wal_file(&file).unwrap();
        assert!(scan.records.is_empty());
        assert!(scan.torn_tail);
        assert_eq!(scan.valid_len, WAL_HEADER_LEN);
    }

    #[test]
    fn length_past_end_of_file_is_torn() {
        let mut file = wal(1, &[b"ok"]);
        file.extend_from_slice(&u32::MAX.to_le_bytes());
        file.extend_from_slice(&[1, 2, 3, 4, 5, 6]);
        let scan = scan_wal_file(&file).unwrap();
        assert_eq!(scan.records.len(), 1);
        assert!(scan.torn_tail);
    }

    #[test]
    fn damaged_wal_bytes_never_panic() {
        let file = wal(3, &[b"alpha", b"beta", &[7u8; 300], b"gamma"]);
        let mut rng = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..2000 {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            let mut f = file.clone();
            let i = (rng as usize) % f.len();
            f[i] ^= 1 << ((rng >> 32) % 8);
            f.truncate(((rng >> 40) as usize) % (file.len() + 1));
            if let Ok(scan) = scan_wal_file(&f) {
                // Whatever survives is a prefix of what was written.
                assert!(scan.valid_len <= f.len());
                assert!(scan.records.len() <= 4);
            }
        }
    }
}
