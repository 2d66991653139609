//! Byte-level helpers shared by every on-disk format.

mod crc32c;
mod varint;

pub use crc32c::{crc32c, crc32c_append};
pub use varint::{get_u32_le, get_u64_le, get_varint, put_varint, Reader};
