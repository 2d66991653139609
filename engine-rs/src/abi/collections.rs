//! Collection exports: search and counts (the collections themselves are written as reserved
//! keys with the ordinary write exports).

use super::state::{call, input, peek};

/// Live documents of the collection whose `c` key is given.
#[no_mangle]
pub extern "C" fn soch_collection_count(col_ptr: usize, col_len: u32) -> i32 {
    // At most HNSW_NODES_MAX documents, but i32 is the status: saturate rather than wrap.
    call(|engine, _| Ok(std::cmp::min(engine.collection_count(input(col_ptr, col_len)?)?, i32::MAX as usize) as i32))
}

/// The catalog version: it moves whenever a collection is created, reconfigured or dropped.
#[no_mangle]
pub extern "C" fn soch_catalog_version() -> f64 {
    peek(|state| state.engine.as_ref().map_or(0, |engine| engine.catalog_version()) as f64)
}

/// Returns the number of results; output: the results as ABI.md encodes them.
#[no_mangle]
pub extern "C" fn soch_search(col_ptr: usize, col_len: u32, req_ptr: usize, req_len: u32) -> i32 {
    call(|engine, out| {
        let count = engine.search(input(col_ptr, col_len)?, input(req_ptr, req_len)?, out.buf())?;
        Ok(count as i32)
    })
}
