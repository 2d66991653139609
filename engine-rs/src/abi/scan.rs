//! Cursor exports: range scans streamed in batches.

use super::state::{call, input};

/// `elen == NO_END` means the range has no end.
const NO_END: u32 = u32::MAX;

#[no_mangle]
pub extern "C" fn soch_cursor_open(txn: u32, sptr: usize, slen: u32, eptr: usize, elen: u32) -> i32 {
    call(|engine, _| {
        let start = input(sptr, slen)?;
        let end = if elen == NO_END { None } else { Some(input(eptr, elen)?) };
        Ok(engine.cursor_open(txn, start, end)? as i32)
    })
}

/// Returns the entry count (0: exhausted); output `(klen u32 | vlen u32 | key | value) * n`.
#[no_mangle]
pub extern "C" fn soch_cursor_next(cursor: u32, max_entries: u32, max_bytes: u32) -> i32 {
    // The count is returned as a positive i32.
    let max_entries = std::cmp::min(max_entries, i32::MAX as u32);
    call(|engine, out| Ok(engine.cursor_next(cursor, max_entries, max_bytes, out.buf())? as i32))
}

#[no_mangle]
pub extern "C" fn soch_cursor_close(cursor: u32) -> i32 {
    call(|engine, _| {
        engine.cursor_close(cursor)?;
        Ok(0)
    })
}
