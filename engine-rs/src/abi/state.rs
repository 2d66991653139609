//! The instance's state: its engine and its output buffer. Wasm instances are single-threaded, so
//! it lives in a `thread_local` (a plain static on wasm32; one per test thread natively).
//!
//! The output buffer is either the engine-owned `Vec` below (reused across calls: cleared, then
//! written) or, for `soch_get` / `soch_txn_get`, a pointer straight at the stored value (memtable
//! box or segment bytes), so a read copies nothing. Both stay valid until the next `soch_*` call
//! other than `soch_out_ptr` / `soch_out_len`.

use std::cell::RefCell;

use crate::engine::Engine;
use crate::error::{Error, Result};

pub(super) struct Output {
    buf: Vec<u8>,
    /// Set when the output is borrowed engine memory instead of `buf`.
    borrowed: Option<(*const u8, usize)>,
}

impl Output {
    fn reset(&mut self) {
        self.buf.clear();
        self.borrowed = None;
    }

    /// The output buffer, empty, for a call to fill.
    pub(super) fn buf(&mut self) -> &mut Vec<u8> {
        &mut self.buf
    }

    /// Makes the output `bytes` themselves (engine memory that outlives the call).
    pub(super) fn point_at(&mut self, bytes: &[u8]) {
        self.borrowed = Some((bytes.as_ptr(), bytes.len()));
    }

    pub(super) fn ptr(&self) -> usize {
        match self.borrowed {
            Some((ptr, _)) => ptr as usize,
            None => self.buf.as_ptr() as usize,
        }
    }

    pub(super) fn len(&self) -> usize {
        match self.borrowed {
            Some((_, len)) => len,
            None => self.buf.len(),
        }
    }

    fn set_error(&mut self, error: &Error) {
        self.reset();
        self.buf.extend_from_slice(error.message.as_bytes());
    }
}

pub(super) struct AbiState {
    pub(super) engine: Option<Engine>,
    pub(super) out: Output,
}

thread_local! {
    static STATE: RefCell<AbiState> = const {
        RefCell::new(AbiState { engine: None, out: Output { buf: Vec::new(), borrowed: None } })
    };
}

/// Runs an export on the whole state: clears the output, turns an error into `-code` with its
/// message in the output.
pub(super) fn call_state<F>(f: F) -> i32
where
    F: FnOnce(&mut AbiState) -> Result<i32>,
{
    super::memory::forget_alloc_failure();
    STATE.with(|cell| {
        let mut state = cell.borrow_mut();
        state.out.reset();
        match f(&mut state) {
            Ok(status) => status,
            Err(error) => {
                state.out.set_error(&error);
                -(error.code as i32)
            }
        }
    })
}

/// Runs an export that needs the engine: `InvalidState` before `soch_init`.
pub(super) fn call<F>(f: F) -> i32
where
    F: FnOnce(&mut Engine, &mut Output) -> Result<i32>,
{
    call_state(|state| match state.engine.as_mut() {
        Some(engine) => f(engine, &mut state.out),
        None => Err(Error::invalid_state("no engine: call soch_init first")),
    })
}

/// Reads the state without touching the output (for getters returning numbers).
pub(super) fn peek<T>(f: impl FnOnce(&AbiState) -> T) -> T {
    STATE.with(|cell| f(&cell.borrow()))
}

/// The host's `(ptr, len)` input as a slice, borrowed for the call.
///
/// Contract (ABI.md): `ptr..ptr+len` is memory the host filled (scratch or a `soch_alloc`
/// buffer), not the output buffer, and it is not freed during the call.
pub(super) fn input<'a>(ptr: usize, len: u32) -> Result<&'a [u8]> {
    if len == 0 {
        return Ok(&[]);
    }
    if ptr == 0 {
        return Err(Error::invalid_argument("a null pointer was passed with a non-zero length"));
    }
    // SAFETY: the host's contract above; the engine never frees host input.
    Ok(unsafe { std::slice::from_raw_parts(ptr as *const u8, len as usize) })
}
