//! Byte-level helpers shared by every on-disk format.

mod crc32c;
mod varint;

pub use crc32c::{crc32c, crc32c_append, crc32c_combine, crc32c_shift, crc32c_shift_op, CrcShift};
#[allow(unused_imports)] // some items are for tests and tools only
pub use varint::{get_u32_le, get_u64_le, get_varint, put_varint, varint_len, Reader, VARINT_LEN_MAX};
