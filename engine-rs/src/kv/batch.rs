//! The payload of one commit record (one WAL record), little-endian:
//!
//! ```text
//! payload = seq u64 | op_count varint | op*
//! op      = kind u8 (1 = put, 2 = delete) | key_len varint | key | (value_len varint | value if put)
//! ```
//! A record is applied whole or not at all: `decode_commit` checks every op before anyone applies
//! one, so a damaged payload never leaves half a transaction behind.

use crate::codec::{put_varint, Reader};
use crate::error::{Error, Result};
use crate::limits::KEY_SIZE_MAX;

pub const OP_PUT: u8 = 1;
pub const OP_DELETE: u8 = 2;

const WHAT: &str = "commit record";

/// Appends the payload of commit `seq` holding `ops` (key, `Some(value)` put / `None` delete).
pub fn encode_commit<'a, I>(out: &mut Vec<u8>, seq: u64, ops: I)
where
    I: ExactSizeIterator<Item = (&'a [u8], Option<&'a [u8]>)>,
{
    out.extend_from_slice(&seq.to_le_bytes());
    put_varint(out, ops.len() as u64);
    for (key, value) in ops {
        out.push(if value.is_some() { OP_PUT } else { OP_DELETE });
        put_varint(out, key.len() as u64);
        out.extend_from_slice(key);
        if let Some(value) = value {
            put_varint(out, value.len() as u64);
            out.extend_from_slice(value);
        }
    }
}

/// A checked commit payload.
#[derive(Clone, Copy, Debug)]
pub struct CommitRecord<'a> {
    pub seq: u64,
    pub op_count: u64,
    ops: &'a [u8],
}

impl<'a> CommitRecord<'a> {
    /// The ops in the order they were written. Already checked by `decode_commit`.
    pub fn ops(&self) -> CommitOps<'a> {
        CommitOps { reader: Reader::new(self.ops, WHAT), remaining: self.op_count }
    }
}

/// Decodes and checks a whole payload. Errors: `Truncated` or `Corruption` (unknown op, empty or
/// oversized key, bytes after the last op).
pub fn decode_commit(payload: &[u8]) -> Result<CommitRecord<'_>> {
    let mut reader = Reader::new(payload, WHAT);
    let seq = reader.u64_le()?;
    let op_count = reader.varint()?;
    let ops_start = reader.pos;
    for _ in 0..op_count {
        read_op(&mut reader)?;
    }
    if reader.remaining() != 0 {
        return Err(Error::corruption(format!("{} bytes follow the last op of commit {}", reader.remaining(), seq)));
    }
    Ok(CommitRecord { seq, op_count, ops: &payload[ops_start..] })
}

fn read_op<'a>(reader: &mut Reader<'a>) -> Result<(&'a [u8], Option<&'a [u8]>)> {
    let kind = reader.u8()?;
    if kind != OP_PUT && kind != OP_DELETE {
        return Err(Error::corruption(format!("unknown op kind {} in a commit record", kind)));
    }
    let key = reader.len_prefixed()?;
    if key.is_empty() || key.len() > KEY_SIZE_MAX {
        return Err(Error::corruption(format!("a commit record holds a key of {} bytes", key.len())));
    }
    let value = if kind == OP_PUT { Some(reader.len_prefixed()?) } else { None };
    Ok((key, value))
}

/// Iterator over a checked record's ops: (key, `Some(value)` put / `None` delete).
pub struct CommitOps<'a> {
    reader: Reader<'a>,
    remaining: u64,
}

impl<'a> Iterator for CommitOps<'a> {
    type Item = (&'a [u8], Option<&'a [u8]>);

    fn next(&mut self) -> Option<Self::Item> {
        if self.remaining == 0 {
            return None;
        }
        self.remaining -= 1;
        // decode_commit already read these very bytes successfully.
        read_op(&mut self.reader).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    fn encode(seq: u64, ops: &[(&[u8], Option<&[u8]>)]) -> Vec<u8> {
        let mut out = Vec::new();
        encode_commit(&mut out, seq, ops.iter().copied());
        out
    }

    #[test]
    fn a_commit_round_trips_puts_and_deletes_in_order() {
        let ops: Vec<(&[u8], Option<&[u8]>)> = vec![(b"a", Some(b"1")), (b"b", None), (b"c", Some(b""))];
        let payload = encode(42, &ops);
        let record = decode_commit(&payload).unwrap();
        assert_eq!(record.seq, 42);
        assert_eq!(record.ops().collect::<Vec<_>>(), ops);
    }

    #[test]
    fn a_payload_cut_short_is_truncated_not_applied() {
        let payload = encode(7, &[(b"key", Some(b"value"))]);
        let error = decode_commit(&payload[..payload.len() - 1]).unwrap_err();
        assert_eq!(error.code, ErrorCode::Truncated);
    }

    #[test]
    fn an_unknown_op_kind_is_corruption() {
        let mut payload = encode(7, &[(b"key", None)]);
        payload[9] = 9;
        assert_eq!(decode_commit(&payload).unwrap_err().code, ErrorCode::Corruption);
    }

    #[test]
    fn trailing_bytes_after_the_last_op_are_corruption() {
        let mut payload = encode(7, &[(b"key", None)]);
        payload.push(0);
        assert_eq!(decode_commit(&payload).unwrap_err().code, ErrorCode::Corruption);
    }
}
