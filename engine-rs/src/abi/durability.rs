//! WAL, durability, checkpoint and introspection exports.

use super::state::{call, peek};
use crate::error::{Error, ErrorCode, Result};

/// Largest integer an f64 holds exactly: seqs cross the boundary as f64.
const F64_INTEGER_MAX: f64 = 9_007_199_254_740_992.0;

/// Bytes of WAL records waiting for `soch_wal_take` (0 before `soch_init`).
#[no_mangle]
pub extern "C" fn soch_wal_pending() -> f64 {
    peek(|state| state.engine.as_ref().map_or(0, |engine| engine.wal_pending_bytes()) as f64)
}

/// Output: `last_seq u64 | records...`.
#[no_mangle]
pub extern "C" fn soch_wal_take() -> i32 {
    call(|engine, out| {
        engine.wal_take(out.buf())?;
        Ok(0)
    })
}

fn seq_from_f64(seq: f64) -> Result<u64> {
    if !((0.0..=F64_INTEGER_MAX).contains(&seq) && seq.fract() == 0.0) {
        return Err(Error::invalid_argument(format!("{} is not a sequence number", seq)));
    }
    Ok(seq as u64)
}

#[no_mangle]
pub extern "C" fn soch_wal_mark_durable(seq: f64) -> i32 {
    call(|engine, _| {
        engine.wal_mark_durable(seq_from_f64(seq)?)?;
        Ok(0)
    })
}

/// `0` nothing to do, `1` with output: `manifest_len u32 | manifest | write_count u32 |
/// (name_len u16 | name | data_ptr | data_len u32)* | remove_count u32 | (name_len u16 | name)* |
/// wal_generation u64 | wal_header (16)`. `data_ptr` is pointer-sized: u32 on wasm32.
#[no_mangle]
pub extern "C" fn soch_checkpoint(force: u32) -> i32 {
    call(|engine, out| {
        let checkpoint = match engine.checkpoint(force != 0)? {
            Some(checkpoint) => checkpoint,
            None => return Ok(0),
        };
        let buf = out.buf();
        buf.extend_from_slice(&(checkpoint.manifest.len() as u32).to_le_bytes());
        buf.extend_from_slice(&checkpoint.manifest);
        buf.extend_from_slice(&(checkpoint.write_files.len() as u32).to_le_bytes());
        for name in &checkpoint.write_files {
            let pieces = match engine.checkpoint_file_pieces(name)? {
                Some(pieces) => pieces,
                None => return Err(Error::new(ErrorCode::Internal, format!("checkpoint file {} is not held", name))),
            };
            put_name(buf, name);
            buf.extend_from_slice(&(pieces.len() as u32).to_le_bytes());
            for piece in pieces {
                buf.extend_from_slice(&(piece.as_ptr() as usize).to_le_bytes());
                buf.extend_from_slice(&(piece.len() as u32).to_le_bytes());
            }
        }
        buf.extend_from_slice(&(checkpoint.remove_files.len() as u32).to_le_bytes());
        for name in &checkpoint.remove_files {
            put_name(buf, name);
        }
        buf.extend_from_slice(&checkpoint.wal_generation.to_le_bytes());
        buf.extend_from_slice(&checkpoint.wal_header);
        Ok(1)
    })
}

/// The host has copied the last checkpoint's files: the engine forgets their parts.
#[no_mangle]
pub extern "C" fn soch_checkpoint_release() -> i32 {
    call(|engine, _| {
        engine.release_checkpoint_files();
        Ok(0)
    })
}

/// `name_len u16 | name`: file names are short ASCII.
pub(super) fn put_name(buf: &mut Vec<u8>, name: &str) {
    buf.extend_from_slice(&(name.len() as u16).to_le_bytes());
    buf.extend_from_slice(name.as_bytes());
}

/// Approximate bytes held by the memtable (0 before `soch_init`).
#[no_mangle]
pub extern "C" fn soch_memtable_bytes() -> f64 {
    peek(|state| state.engine.as_ref().map_or(0, |engine| engine.memtable_bytes()) as f64)
}

/// Output: 13 x u64 (see `EngineStats`).
#[no_mangle]
pub extern "C" fn soch_stats() -> i32 {
    call(|engine, out| {
        let buf = out.buf();
        for value in engine.stats().to_array() {
            buf.extend_from_slice(&value.to_le_bytes());
        }
        Ok(0)
    })
}

/// Commits that write a value fail with `OUT_OF_MEMORY` once the engine's data takes more than
/// `bytes` (default `MEMORY_LIMIT_DEFAULT`, 3.5 GiB on wasm32; a limit past the address space is
/// none). `INVALID_ARGUMENT` unless `bytes` is a positive integer.
#[no_mangle]
pub extern "C" fn soch_set_memory_limit(bytes: f64) -> i32 {
    call(|engine, _| {
        if !(bytes >= 1.0 && bytes.fract() == 0.0) {
            return Err(Error::invalid_argument(format!("a memory limit must be a positive whole number of bytes, got {}", bytes)));
        }
        // `as` saturates: a limit past usize is no limit.
        engine.set_memory_limit(bytes as usize);
        Ok(0)
    })
}
