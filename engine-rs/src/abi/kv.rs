//! Point reads, autocommit writes and transactions. Reads return `0` found (output: the value,
//! pointing straight at engine memory) or `1` not found.

use super::state::{call, input, Output};
use crate::error::Result;

const FOUND: i32 = 0;
const NOT_FOUND: i32 = 1;

fn found(value: Option<&[u8]>, out: &mut Output) -> Result<i32> {
    match value {
        Some(value) => {
            out.point_at(value);
            Ok(FOUND)
        }
        None => Ok(NOT_FOUND),
    }
}

#[no_mangle]
pub extern "C" fn soch_get(kptr: usize, klen: u32) -> i32 {
    call(|engine, out| found(engine.get(input(kptr, klen)?)?, out))
}

#[no_mangle]
pub extern "C" fn soch_put(kptr: usize, klen: u32, vptr: usize, vlen: u32) -> i32 {
    call(|engine, _| {
        engine.put(input(kptr, klen)?, input(vptr, vlen)?)?;
        Ok(0)
    })
}

#[no_mangle]
pub extern "C" fn soch_delete(kptr: usize, klen: u32) -> i32 {
    call(|engine, _| {
        engine.delete(input(kptr, klen)?)?;
        Ok(0)
    })
}

/// Returns a new transaction id (> 0).
#[no_mangle]
pub extern "C" fn soch_txn_begin() -> i32 {
    call(|engine, _| Ok(engine.txn_begin()? as i32))
}

#[no_mangle]
pub extern "C" fn soch_txn_get(txn: u32, kptr: usize, klen: u32) -> i32 {
    call(|engine, out| found(engine.txn_get(txn, input(kptr, klen)?)?, out))
}

#[no_mangle]
pub extern "C" fn soch_txn_put(txn: u32, kptr: usize, klen: u32, vptr: usize, vlen: u32) -> i32 {
    call(|engine, _| {
        engine.txn_put(txn, input(kptr, klen)?, input(vptr, vlen)?)?;
        Ok(0)
    })
}

#[no_mangle]
pub extern "C" fn soch_txn_delete(txn: u32, kptr: usize, klen: u32) -> i32 {
    call(|engine, _| {
        engine.txn_delete(txn, input(kptr, klen)?)?;
        Ok(0)
    })
}

#[no_mangle]
pub extern "C" fn soch_txn_commit(txn: u32) -> i32 {
    call(|engine, _| {
        engine.txn_commit(txn)?;
        Ok(0)
    })
}

#[no_mangle]
pub extern "C" fn soch_txn_abort(txn: u32) -> i32 {
    call(|engine, _| {
        engine.txn_abort(txn)?;
        Ok(0)
    })
}
