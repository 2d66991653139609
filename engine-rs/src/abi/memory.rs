//! Memory exports: buffers whose ownership passes to the engine, the scratch input area, and
//! where the output is.

use std::alloc::{alloc, dealloc, Layout};
use std::cell::RefCell;

use super::state::peek;
use super::SOCH_ABI_VERSION;

thread_local! {
    /// The reusable input area. Only `soch_scratch` touches it, so a pointer it returned stays
    /// valid until the next `soch_scratch`.
    static SCRATCH: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

#[no_mangle]
pub extern "C" fn soch_abi_version() -> u32 {
    SOCH_ABI_VERSION
}

/// Bytes of the last allocation that failed for want of memory, 0 if none has: after a trap,
/// the host asks whether the engine ran out of memory.
#[no_mangle]
pub extern "C" fn soch_alloc_failure() -> f64 {
    #[cfg(target_arch = "wasm32")]
    return super::heap::last_failure() as f64;
    #[cfg(not(target_arch = "wasm32"))]
    return 0.0;
}

/// Forgets allocation failures so far: at the start of an export call, and once the engine has
/// handled one (see `heap.rs`), so a later trap is not blamed on it.
#[inline]
pub(crate) fn forget_alloc_failure() {
    #[cfg(target_arch = "wasm32")]
    super::heap::forget_failure();
}

/// `len` bytes (align 1) for a buffer whose ownership may pass to the engine; 0 if `len == 0`
/// or memory is exhausted.
#[no_mangle]
pub extern "C" fn soch_alloc(len: u32) -> usize {
    let layout = match Layout::from_size_align(len as usize, 1) {
        Ok(layout) if len > 0 => layout,
        _ => return 0,
    };
    forget_alloc_failure();
    // SAFETY: the layout has a non-zero size.
    unsafe { alloc(layout) as usize }
}

/// Frees a `soch_alloc(len)` buffer the engine did not take.
#[no_mangle]
pub extern "C" fn soch_free(ptr: usize, len: u32) {
    if ptr == 0 || len == 0 {
        return;
    }
    // SAFETY: the host passes back a pointer and length `soch_alloc` gave it.
    unsafe { dealloc(ptr as *mut u8, Layout::from_size_align_unchecked(len as usize, 1)) }
}

/// Rebuilds a `soch_alloc(len)` buffer as a `Vec` the engine owns (and frees).
pub(super) fn take_allocation(ptr: usize, len: u32) -> Vec<u8> {
    if ptr == 0 || len == 0 {
        return Vec::new();
    }
    // SAFETY: `soch_alloc(len)` allocated exactly `len` bytes with align 1, as `Vec<u8>` would.
    unsafe { Vec::from_raw_parts(ptr as *mut u8, len as usize, len as usize) }
}

/// A pointer to at least `len` engine-owned bytes, valid until the next `soch_scratch`.
#[no_mangle]
pub extern "C" fn soch_scratch(len: u32) -> usize {
    forget_alloc_failure();
    SCRATCH.with(|cell| {
        let mut scratch = cell.borrow_mut();
        if scratch.len() < len as usize {
            scratch.resize(len as usize, 0);
        }
        scratch.as_mut_ptr() as usize
    })
}

#[no_mangle]
pub extern "C" fn soch_out_ptr() -> usize {
    peek(|state| state.out.ptr())
}

#[no_mangle]
pub extern "C" fn soch_out_len() -> u32 {
    peek(|state| state.out.len() as u32)
}
