//! The `extern "C"` boundary described in `ABI.md`: one engine per wasm instance, byte strings in
//! as `(ptr, len)`, results in one output buffer, errors as negative codes with the message in that
//! buffer.
//!
//! Pointers are `usize`: `u32` on wasm32 (what ABI.md says), the host's own pointers natively, so
//! `cargo test` drives the very same exports (`tests/engine_abi.rs`).
//!
//! - `state`: the instance's engine and output buffer, and `call`, which every export goes through.
//! - `memory`: alloc/free, scratch, output location, ABI version.
//! - `open`, `kv`, `scan`, `durability`, `collections`: the exports, grouped as ABI.md groups
//!   them.
//! - `heap` (wasm32 only): makes linear memory grow geometrically.
//! - `mem_builtins` (wasm32 only): word-at-a-time `memcmp`/`bcmp` for key comparisons, a wide
//!   `memcpy`.

mod collections;
mod durability;
#[cfg(target_arch = "wasm32")]
pub(crate) mod heap;
#[cfg(target_arch = "wasm32")]
mod mem_builtins;
mod kv;
pub(crate) mod memory;
mod open;
mod scan;
mod state;

/// Bumped whenever an export or an encoding changes (mirrored in `pkg-ts/src/engine/abi.ts`).
pub const SOCH_ABI_VERSION: u32 = 4;
