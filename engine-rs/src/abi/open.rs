//! Opening exports: `soch_init`, then the manifest, the files it names and WAL files, then
//! `soch_open_finish`.

use super::durability::put_name;
use super::memory::take_allocation;
use super::state::{call, call_state, input};
use crate::engine::{Engine, EngineConfig};
use crate::error::Error;

/// Starts an empty engine (dropping any previous one). Flags: bit 0 WAL_ENABLED, bit 1
/// VISIBLE_ON_COMMIT.
#[no_mangle]
pub extern "C" fn soch_init(flags: u32) -> i32 {
    call_state(|state| {
        let config = EngineConfig::from_flags(flags)?;
        state.engine = Some(Engine::new(config));
        Ok(0)
    })
}

/// Output: `wal_generation u64 | file_count u32 | (name_len u16 | name)*`: the files to load.
#[no_mangle]
pub extern "C" fn soch_load_manifest(ptr: usize, len: u32) -> i32 {
    call(|engine, out| {
        let plan = engine.load_manifest(input(ptr, len)?)?;
        let buf = out.buf();
        buf.extend_from_slice(&plan.wal_generation.to_le_bytes());
        buf.extend_from_slice(&(plan.files.len() as u32).to_le_bytes());
        for name in &plan.files {
            put_name(buf, name);
        }
        Ok(0)
    })
}

/// Takes ownership of a `soch_alloc(data_len)` buffer holding the file named by the manifest
/// `name`, even on error.
#[no_mangle]
pub extern "C" fn soch_load_file(name_ptr: usize, name_len: u32, data_ptr: usize, data_len: u32) -> i32 {
    // Owned from here on: dropped (freed) on every error path, including "no engine".
    let bytes = take_allocation(data_ptr, data_len);
    call(move |engine, _| {
        let name = std::str::from_utf8(input(name_ptr, name_len)?)
            .map_err(|_| Error::invalid_argument("a file name must be UTF-8"))?;
        engine.load_file(name, bytes)?;
        Ok(0)
    })
}

/// Version 1's way to load a segment (kept: a segment names itself). Takes ownership of a
/// `soch_alloc(len)` buffer holding a segment file, even on error.
#[no_mangle]
pub extern "C" fn soch_load_segment(ptr: usize, len: u32) -> i32 {
    // Owned from here on: dropped (freed) on every error path, including "no engine".
    let bytes = take_allocation(ptr, len);
    call(move |engine, _| {
        engine.load_segment(bytes)?;
        Ok(0)
    })
}

/// Output: `valid_len u32 | torn_tail u8 | records_applied u32 | generation u64`.
#[no_mangle]
pub extern "C" fn soch_replay_wal(ptr: usize, len: u32) -> i32 {
    call(|engine, out| {
        let replay = engine.replay_wal(input(ptr, len)?)?;
        let buf = out.buf();
        buf.extend_from_slice(&(replay.valid_len as u32).to_le_bytes());
        buf.push(replay.torn_tail as u8);
        buf.extend_from_slice(&replay.records_applied.to_le_bytes());
        buf.extend_from_slice(&replay.generation.to_le_bytes());
        Ok(0)
    })
}

/// Output: `wal_generation u64 | create_file u8 | header (16 bytes)`.
#[no_mangle]
pub extern "C" fn soch_open_finish() -> i32 {
    call(|engine, out| {
        let finish = engine.open_finish()?;
        let buf = out.buf();
        buf.extend_from_slice(&finish.wal_generation.to_le_bytes());
        buf.push(finish.create_file as u8);
        buf.extend_from_slice(&finish.wal_header);
        Ok(0)
    })
}
