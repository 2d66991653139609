//! LEB128 varints and little-endian fixed integers, with a bounds-checked `Reader`.

use crate::error::{Error, Result};

/// Longest LEB128 encoding of a u64.
pub const VARINT_LEN_MAX: usize = 10;

/// Appends `value` as an unsigned LEB128 varint (1 to 10 bytes).
#[inline]
pub fn put_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// Bytes `put_varint` would write for `value`.
#[inline]
pub fn varint_len(value: u64) -> usize {
    // 1 byte per started group of 7 significant bits; 0 still takes one byte.
    let bits = 64 - (value | 1).leading_zeros() as usize;
    (bits + 6) / 7
}

/// Reads a varint at `*pos`, advancing it. `what` names the structure for the truncation error.
/// Errors: `Truncated` when the bytes end inside it, `Corruption` when it is longer than 10 bytes
/// or overflows a u64.
#[inline]
pub fn get_varint(bytes: &[u8], pos: &mut usize, what: &str) -> Result<u64> {
    // Fast path: one byte (lengths under 128, small seqs).
    if let Some(&b) = bytes.get(*pos) {
        if b < 0x80 {
            *pos += 1;
            return Ok(b as u64);
        }
    }
    get_varint_slow(bytes, pos, what)
}

fn get_varint_slow(bytes: &[u8], pos: &mut usize, what: &str) -> Result<u64> {
    let mut value = 0u64;
    let mut i = 0;
    loop {
        let b = match pos.checked_add(i).and_then(|p| bytes.get(p)) {
            Some(&b) => b,
            None => return Err(Error::truncated(what)),
        };
        if i == VARINT_LEN_MAX - 1 && b > 1 {
            // The 10th byte holds bit 63 only: anything more overflows or continues.
            return Err(Error::corruption(format!(
                "{}: a varint at byte {} is longer than 10 bytes or overflows 64 bits; the file is damaged",
                what, *pos
            )));
        }
        value |= ((b & 0x7F) as u64) << (7 * i);
        i += 1;
        if b < 0x80 {
            *pos += i;
            return Ok(value);
        }
    }
}

/// Reads a little-endian u32 at `*pos`, advancing it.
#[inline]
pub fn get_u32_le(bytes: &[u8], pos: &mut usize, what: &str) -> Result<u32> {
    match bytes.get(*pos..).and_then(|rest| rest.get(..4)) {
        Some(b) => {
            *pos += 4;
            Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        }
        None => Err(Error::truncated(what)),
    }
}

/// Reads a little-endian u64 at `*pos`, advancing it.
#[inline]
pub fn get_u64_le(bytes: &[u8], pos: &mut usize, what: &str) -> Result<u64> {
    match bytes.get(*pos..).and_then(|rest| rest.get(..8)) {
        Some(b) => {
            *pos += 8;
            Ok(u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]))
        }
        None => Err(Error::truncated(what)),
    }
}

/// A cursor over a byte slice whose every read is bounds-checked and returns `Error::truncated(what)`
/// when the bytes run out.
pub struct Reader<'a> {
    pub bytes: &'a [u8],
    pub pos: usize,
    pub what: &'static str,
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8], what: &'static str) -> Reader<'a> {
        Reader { bytes, pos: 0, what }
    }
    pub fn remaining(&self) -> usize {
        self.bytes.len().saturating_sub(self.pos)
    }
    #[inline]
    pub fn u8(&mut self) -> Result<u8> {
        match self.bytes.get(self.pos) {
            Some(&b) => {
                self.pos += 1;
                Ok(b)
            }
            None => Err(Error::truncated(self.what)),
        }
    }
    #[inline]
    pub fn u32_le(&mut self) -> Result<u32> {
        get_u32_le(self.bytes, &mut self.pos, self.what)
    }
    #[inline]
    pub fn u64_le(&mut self) -> Result<u64> {
        get_u64_le(self.bytes, &mut self.pos, self.what)
    }
    #[inline]
    pub fn varint(&mut self) -> Result<u64> {
        get_varint(self.bytes, &mut self.pos, self.what)
    }
    /// The next `len` bytes, borrowed.
    #[inline]
    pub fn bytes(&mut self, len: usize) -> Result<&'a [u8]> {
        if len > self.remaining() {
            return Err(Error::truncated(self.what));
        }
        let out = &self.bytes[self.pos..self.pos + len];
        self.pos += len;
        Ok(out)
    }
    /// A varint length followed by that many bytes.
    #[inline]
    pub fn len_prefixed(&mut self) -> Result<&'a [u8]> {
        let len = self.varint()?;
        if len > self.remaining() as u64 {
            return Err(Error::truncated(self.what));
        }
        self.bytes(len as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    #[test]
    fn varints_round_trip_at_every_width() {
        let mut values = vec![0u64, 1, 127, 128, 255, 300, 16_383, 16_384, u32::MAX as u64, u64::MAX - 1, u64::MAX];
        values.extend((0..64).map(|s| 1u64 << s));
        for &v in &values {
            let mut out = Vec::new();
            put_varint(&mut out, v);
            assert_eq!(out.len(), varint_len(v), "len of {}", v);
            let mut pos = 0;
            assert_eq!(get_varint(&out, &mut pos, "test").unwrap(), v);
            assert_eq!(pos, out.len());
        }
        let mut out = Vec::new();
        put_varint(&mut out, u64::MAX);
        assert_eq!(out.len(), 10);
    }

    #[test]
    fn varint_cut_short_is_truncated() {
        let mut out = Vec::new();
        put_varint(&mut out, 1 << 40);
        for cut in 0..out.len() {
            let mut pos = 0;
            let err = get_varint(&out[..cut], &mut pos, "entry").unwrap_err();
            assert_eq!(err.code, ErrorCode::Truncated);
            assert!(err.message.contains("entry"));
            assert_eq!(pos, 0);
        }
    }

    #[test]
    fn varint_over_ten_bytes_or_64_bits_is_corruption() {
        let eleven = [0x80u8; 11];
        let mut pos = 0;
        assert_eq!(get_varint(&eleven, &mut pos, "t").unwrap_err().code, ErrorCode::Corruption);
        let mut overflow = vec![0xFFu8; 9];
        overflow.push(0x02); // bit 64
        let mut pos = 0;
        assert_eq!(get_varint(&overflow, &mut pos, "t").unwrap_err().code, ErrorCode::Corruption);
    }

    #[test]
    fn fixed_ints_are_little_endian_and_bounds_checked() {
        let bytes = [1u8, 2, 3, 4, 5, 6, 7, 8, 9];
        let mut pos = 1;
        assert_eq!(get_u32_le(&bytes, &mut pos, "t").unwrap(), 0x0504_0302);
        assert_eq!(pos, 5);
        assert_eq!(get_u64_le(&bytes, &mut pos, "t").unwrap_err().code, ErrorCode::Truncated);
        assert_eq!(pos, 5);
        let mut pos = 1;
        assert_eq!(get_u64_le(&bytes, &mut pos, "t").unwrap(), 0x0908_0706_0504_0302);
        let mut pos = 100;
        assert_eq!(get_u32_le(&bytes, &mut pos, "t").unwrap_err().code, ErrorCode::Truncated);
    }

    #[test]
    fn reader_reads_in_order_and_reports_truncation() {
        let mut buf = vec![7u8];
        buf.extend_from_slice(&9u32.to_le_bytes());
        buf.extend_from_slice(&10u64.to_le_bytes());
        put_varint(&mut buf, 3);
        buf.extend_from_slice(b"abc");
        put_varint(&mut buf, 5);
        buf.extend_from_slice(b"xy");
        let mut r = Reader::new(&buf, "record");
        assert_eq!(r.u8().unwrap(), 7);
        assert_eq!(r.u32_le().unwrap(), 9);
        assert_eq!(r.u64_le().unwrap(), 10);
        assert_eq!(r.len_prefixed().unwrap(), b"abc");
        let err = r.len_prefixed().unwrap_err();
        assert_eq!(err.code, ErrorCode::Truncated);
        assert!(err.message.starts_with("record"));
        assert_eq!(r.bytes(usize::MAX).unwrap_err().code, ErrorCode::Truncated);
        assert_eq!(r.bytes(2).unwrap(), b"xy");
        assert_eq!(r.remaining(), 0);
        assert_eq!(r.u8().unwrap_err().code, ErrorCode::Truncated);
    }
}
