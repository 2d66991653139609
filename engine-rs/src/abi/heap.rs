//! The wasm32 heap grows geometrically.
//!
//! std's wasm32 allocator asks for more linear memory (`memory.grow`) in small steps, just enough
//! for the allocation at hand, so a heap of n bytes takes about n / 64 KiB grows. Some engines make
//! each grow cost time proportional to the memory's size (measured in Node 20: 4,000 one-page
//! grows take seconds), which makes filling a large memtable quadratic. So whenever an allocation
//! grew memory, this wrapper at once allocates and frees a block of an eighth of the memory: the
//! allocator grows once by that much and keeps the block as free space (wasm memory never shrinks),
//! and the number of grows becomes logarithmic in the heap size.
//!
//! A failed allocation is remembered (`last_failure`): wasm32's std aborts with a bare
//! `unreachable` trap when a collection cannot grow, and the host asks afterwards whether running
//! out of memory was the cause, to say so instead of reporting a bug. Each export call starts by
//! forgetting earlier failures (`forget_failure`), so the answer speaks of the call that trapped.
//!
//! An allocation at least as large as that step (a segment file handed over at open, a checkpoint's
//! output buffer) grew memory by enough on its own: growing ahead after it would only leave up to an
//! eighth of the memory idle behind one big buffer, so it does not. Untouched pages cost no RSS,
//! but they do count in `memory.buffer.byteLength`, which never shrinks.

use std::alloc::{GlobalAlloc, Layout, System};
use std::arch::wasm32::memory_size;
use std::sync::atomic::{AtomicUsize, Ordering};

const PAGE_BYTES: usize = 64 * 1024;
/// Smallest step to grow by: an empty engine stays near 2 MiB of linear memory, and filling the
/// first 8 MiB takes a handful of grows.
const GROW_BYTES_MIN: usize = 1024 * 1024;

pub struct GeometricHeap;

/// Bytes of the last allocation that failed (0: none yet).
static LAST_FAILURE: AtomicUsize = AtomicUsize::new(0);
/// Bytes allocated and not yet freed (what the engine's data takes, without the allocator's free
/// space): the engine's write budget reads it (`engine/memory_budget.rs`).
static LIVE: AtomicUsize = AtomicUsize::new(0);

/// Bytes allocated and not freed.
pub fn live_bytes() -> usize {
    LIVE.load(Ordering::Relaxed)
}

fn memory_pages() -> usize {
    memory_size(0)
}

/// Bytes of the last allocation the heap could not satisfy, 0 if none has failed.
pub fn last_failure() -> usize {
    LAST_FAILURE.load(Ordering::Relaxed)
}

/// Forgets earlier failures (those were handled, or the engine would have stopped).
pub fn forget_failure() {
    LAST_FAILURE.store(0, Ordering::Relaxed);
}

/// Linear memory's current size in bytes.
pub fn memory_bytes() -> usize {
    memory_pages() * PAGE_BYTES
}

/// Passes `ptr` through, remembering `size` when it is null and counting it as live when not.
fn noting_failure(ptr: *mut u8, size: usize) -> *mut u8 {
    if ptr.is_null() {
        LAST_FAILURE.store(size, Ordering::Relaxed);
    } else {
        LIVE.fetch_add(size, Ordering::Relaxed);
    }
    ptr
}

impl GeometricHeap {
    /// Called after an allocation of `size` bytes: if it grew memory, grow ahead by an eighth of
    /// the memory, unless the allocation itself was at least that large.
    fn grow_ahead_if_grown(&self, pages_before: usize, size: usize) {
        if memory_pages() == pages_before {
            return;
        }
        let ahead = std::cmp::max(memory_pages() * PAGE_BYTES / 8, GROW_BYTES_MIN);
        if size >= ahead {
            return;
        }
        if let Ok(layout) = Layout::from_size_align(ahead, 16) {
            // SAFETY: a plain allocation and its immediate release; a null result (out of memory)
            // just means no growing ahead.
            unsafe {
                let block = System.alloc(layout);
                if !block.is_null() {
                    System.dealloc(block, layout);
                }
            }
        }
    }
}

unsafe impl GlobalAlloc for GeometricHeap {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let pages_before = memory_pages();
        let ptr = System.alloc(layout);
        self.grow_ahead_if_grown(pages_before, layout.size());
        noting_failure(ptr, layout.size())
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let pages_before = memory_pages();
        let ptr = System.alloc_zeroed(layout);
        self.grow_ahead_if_grown(pages_before, layout.size());
        noting_failure(ptr, layout.size())
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        System.dealloc(ptr, layout)
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let pages_before = memory_pages();
        let new_ptr = System.realloc(ptr, layout, new_size);
        self.grow_ahead_if_grown(pages_before, new_size);
        if !new_ptr.is_null() {
            // The old block is gone; noting_failure counts the new one.
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        }
        noting_failure(new_ptr, new_size)
    }
}

#[global_allocator]
static HEAP: GeometricHeap = GeometricHeap;
