//! The write-ahead log: file header and record framing. The payload of a record (a transaction's
//! writes) is `kv::batch`'s business; this module only frames, checks and finds the tail.

mod record;

#[allow(unused_imports)] // some items are for tests and tools only
pub use record::{append_record_with, scan_wal_file, wal_file_header, WalFileScan, WAL_HEADER_LEN, WAL_RECORD_OVERHEAD};
