//! WAL records waiting for the host, and durability.
//!
//! The pending buffer keeps 8 spare bytes in front of its records, so `wal_take` writes `last_seq`
//! there and hands the whole buffer over by swapping it with the caller's: no copy of the records,
//! and the two buffers' allocations are reused turn about.

use super::state::Engine;
use crate::error::{Error, Result};

const SEQ_PREFIX_LEN: usize = 8;
/// A pending buffer grown past this (one huge transaction) is shrunk back after a take.
const PENDING_CAPACITY_KEEP_MAX: usize = 16 * 1024 * 1024;

pub(super) struct PendingWal {
    /// `SEQ_PREFIX_LEN` spare bytes, then framed records.
    buf: Vec<u8>,
}

impl PendingWal {
    pub(super) fn new() -> PendingWal {
        PendingWal { buf: vec![0; SEQ_PREFIX_LEN] }
    }

    pub(super) fn pending_bytes(&self) -> usize {
        self.buf.len() - SEQ_PREFIX_LEN
    }

    /// Where commit records are appended.
    pub(super) fn records_mut(&mut self) -> &mut Vec<u8> {
        &mut self.buf
    }

    /// Moves `last_seq | records` into `out` (replacing its contents) and starts an empty buffer.
    fn take(&mut self, last_seq: u64, out: &mut Vec<u8>) {
        std::mem::swap(&mut self.buf, out);
        out[..SEQ_PREFIX_LEN].copy_from_slice(&last_seq.to_le_bytes());
        if self.buf.capacity() > PENDING_CAPACITY_KEEP_MAX {
            self.buf = Vec::new();
        }
        self.buf.clear();
        self.buf.extend_from_slice(&[0; SEQ_PREFIX_LEN]);
    }
}

impl Engine {
    /// Bytes of WAL records waiting for `wal_take`.
    pub fn wal_pending_bytes(&self) -> usize {
        self.wal.pending_bytes()
    }

    /// Replaces `out` with `last_seq u64 LE | records...` and empties the pending buffer.
    pub fn wal_take(&mut self, out: &mut Vec<u8>) -> Result<()> {
        self.require_open()?;
        self.wal.take(self.last_seq, out);
        Ok(())
    }

    /// The host made every record up to `seq` durable: `visible_seq` advances to it (never back).
    /// Errors: `InvalidArgument` for a seq not committed yet.
    pub fn wal_mark_durable(&mut self, seq: u64) -> Result<()> {
        self.require_open()?;
        if seq > self.last_seq {
            let message = format!("seq {} marked durable but the last commit is {}", seq, self.last_seq);
            return Err(Error::invalid_argument(message));
        }
        self.visible_seq = std::cmp::max(self.visible_seq, seq);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn take_prefixes_last_seq_and_leaves_an_empty_buffer() {
        let mut wal = PendingWal::new();
        wal.records_mut().extend_from_slice(b"rec");
        assert_eq!(wal.pending_bytes(), 3);
        let mut out = b"stale".to_vec();
        wal.take(9, &mut out);
        assert_eq!(&out[..8], &9u64.to_le_bytes());
        assert_eq!(&out[8..], b"rec");
        assert_eq!(wal.pending_bytes(), 0);
    }
}
