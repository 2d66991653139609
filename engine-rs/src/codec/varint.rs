//! LEB128 varints and little-endian fixed integers, with a bounds-checked `Reader`.

use crate::error::{Error, Result};

/// Appends `value` as an unsigned LEB128 varint (1 to 10 bytes).
pub fn put_varint(out: &mut Vec<u8>, value: u64) {
    let _ = (out, value);
    unimplemented!("E1")
}

/// Reads a varint at `*pos`, advancing it. `what` names the structure for the truncation error.
pub fn get_varint(bytes: &[u8], pos: &mut usize, what: &str) -> Result<u64> {
    let _ = (bytes, pos, what);
    unimplemented!("E1")
}

pub fn get_u32_le(bytes: &[u8], pos: &mut usize, what: &str) -> Result<u32> {
    let _ = (bytes, pos, what);
    unimplemented!("E1")
}

pub fn get_u64_le(bytes: &[u8], pos: &mut usize, what: &str) -> Result<u64> {
    let _ = (bytes, pos, what);
    unimplemented!("E1")
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
        self.bytes.len() - self.pos
    }
    pub fn u8(&mut self) -> Result<u8> {
        unimplemented!("E1")
    }
    pub fn u32_le(&mut self) -> Result<u32> {
        unimplemented!("E1")
    }
    pub fn u64_le(&mut self) -> Result<u64> {
        unimplemented!("E1")
    }
    pub fn varint(&mut self) -> Result<u64> {
        unimplemented!("E1")
    }
    /// The next `len` bytes, borrowed.
    pub fn bytes(&mut self, len: usize) -> Result<&'a [u8]> {
        let _ = len;
        unimplemented!("E1")
    }
    /// A varint length followed by that many bytes.
    pub fn len_prefixed(&mut self) -> Result<&'a [u8]> {
        unimplemented!("E1")
    }
}

#[allow(dead_code)]
fn _uses(_: Error) {}
