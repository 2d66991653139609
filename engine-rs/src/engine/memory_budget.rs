//! Writes stop while the database can still be opened again.
//!
//! An engine's memory is capped (WebAssembly: 4 GiB), and the allocator keeps free space it cannot
//! give back, so a running engine reaches the cap with less data than the cap. Were writes to go
//! on until the cap, the data would be too large to load in a fresh engine: committed, yet no open
//! could read it. So a commit that writes a value is refused (`OutOfMemory`, nothing written) once
//! the bytes the engine's data takes pass a limit below the cap. Deletes and empty values (markers
//! such as a collection drop's) always pass: they are how room is made.

use super::state::Engine;
use crate::error::{Error, ErrorCode, Result};

/// The default limit: room under wasm32's 4 GiB for an open's passing buffers and the allocator's
/// slack (a database filled to 3.5 GiB of live data reopens in a fresh engine).
#[cfg(target_arch = "wasm32")]
pub const MEMORY_LIMIT_DEFAULT: usize = 3584 << 20;
/// Natively nothing caps memory.
#[cfg(not(target_arch = "wasm32"))]
pub const MEMORY_LIMIT_DEFAULT: usize = usize::MAX;

/// Bytes the engine's data takes now.
pub type MemoryMeter = fn() -> usize;

#[cfg(target_arch = "wasm32")]
fn platform_meter() -> usize {
    crate::abi::heap::live_bytes()
}

#[cfg(not(target_arch = "wasm32"))]
fn platform_meter() -> usize {
    0
}

#[derive(Clone, Copy, Debug)]
pub struct MemoryBudget {
    limit: usize,
    meter: MemoryMeter,
}

impl Default for MemoryBudget {
    fn default() -> MemoryBudget {
        MemoryBudget { limit: MEMORY_LIMIT_DEFAULT, meter: platform_meter }
    }
}

impl Engine {
    /// Refuses commits that write a non-empty value once the engine's data passes `bytes`.
    pub fn set_memory_limit(&mut self, bytes: usize) {
        self.memory.limit = bytes;
    }

    /// Replaces what measures the engine's data (tests; wasm32 measures its heap).
    pub fn set_memory_meter(&mut self, meter: MemoryMeter) {
        self.memory.meter = meter;
    }

    /// Bytes the engine's data takes now.
    pub(super) fn memory_used(&self) -> usize {
        (self.memory.meter)()
    }

    /// `OutOfMemory` when a commit of `writes` would pass the limit: when the engine's data is
    /// past it and one of them writes a non-empty value.
    pub(super) fn check_room_to_write<'w>(&self, mut writes: impl Iterator<Item = (&'w [u8], Option<&'w [u8]>)>) -> Result<()> {
        let used = self.memory_used();
        if used <= self.memory.limit || !writes.any(|(_, value)| value.map_or(false, |v| !v.is_empty())) {
            return Ok(());
        }
        let message = format!(
            "the database's data takes {} MB of engine memory, past its limit of {} MB (an engine's memory is capped, \
             and a fuller database could not be opened again); nothing was written. Deletes still work",
            used >> 20,
            self.memory.limit >> 20
        );
        Err(Error::new(ErrorCode::OutOfMemory, message))
    }
}
