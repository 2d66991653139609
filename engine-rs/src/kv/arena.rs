//! A byte arena: values packed into a few large chunks instead of one allocation each.
//!
//! Bytes are never freed one by one: an overwritten value stays as dead space until the owner drops
//! the whole arena (a transaction at its end, the memtable at a checkpoint). `Span`s are chunk
//! indices, not pointers, so growing the arena never invalidates them. A transaction's arena can be
//! handed to the memtable whole (`adopt`): its values then need no copy.

/// Where one byte string lives in an `Arena`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    chunk: u32,
    offset: u32,
    len: u32,
}

impl Span {
    pub fn len(&self) -> usize {
        self.len as usize
    }

    /// The same bytes after their arena's chunks were appended behind `base` others (`adopt`).
    pub fn rebased(self, base: u32) -> Span {
        Span { chunk: self.chunk + base, ..self }
    }
}

/// The first chunk of an arena; each new chunk doubles, up to `CHUNK_BYTES_MAX`, so a one-write
/// transaction holds a small chunk and a large one few big ones.
const CHUNK_BYTES_MIN: usize = 1024;
const CHUNK_BYTES_MAX: usize = 64 * 1024;

#[derive(Default)]
pub struct Arena {
    chunks: Vec<Vec<u8>>,
    /// The chunk small strings go to; a large string gets a chunk of its own and leaves it be.
    current: Option<usize>,
    /// Bytes stored, live and dead.
    used: usize,
}

impl Arena {
    /// Bytes stored (dead ones included): what the owner's accounting counts.
    pub fn used(&self) -> usize {
        self.used
    }

    pub fn get(&self, span: Span) -> &[u8] {
        let start = span.offset as usize;
        &self.chunks[span.chunk as usize][start..start + span.len as usize]
    }

    /// Copies `bytes` in. Strings are at most `TXN_SIZE_MAX` bytes, so offsets fit a `u32`.
    pub fn push(&mut self, bytes: &[u8]) -> Span {
        self.used += bytes.len();
        if let Some(index) = self.current {
            let chunk = &mut self.chunks[index];
            if chunk.capacity() - chunk.len() >= bytes.len() {
                return store(chunk, index, bytes);
            }
        }
        let next_size = match self.current {
            Some(index) => std::cmp::min(self.chunks[index].capacity() * 2, CHUNK_BYTES_MAX),
            None => CHUNK_BYTES_MIN,
        };
        let index = self.chunks.len();
        if bytes.len() > next_size / 2 {
            // Too big to share a chunk: its own, exactly sized, and the current chunk stays current.
            self.chunks.push(Vec::with_capacity(bytes.len()));
            return store(&mut self.chunks[index], index, bytes);
        }
        self.chunks.push(Vec::with_capacity(next_size));
        self.current = Some(index);
        store(&mut self.chunks[index], index, bytes)
    }

    /// Moves every chunk of `other` behind this arena's; returns the base its spans are rebased by.
    /// The last chunk is trimmed to its length first (a shrink in place), so no slack is kept.
    pub fn adopt(&mut self, mut other: Arena) -> u32 {
        let base = self.chunks.len() as u32;
        if let Some(last) = other.chunks.last_mut() {
            last.shrink_to_fit();
        }
        self.used += other.used;
        self.chunks.append(&mut other.chunks);
        // `current` still names our own chunk: small strings keep filling it.
        base
    }

    pub fn clear(&mut self) {
        self.chunks.clear();
        self.current = None;
        self.used = 0;
    }
}

fn store(chunk: &mut Vec<u8>, index: usize, bytes: &[u8]) -> Span {
    let offset = chunk.len();
    chunk.extend_from_slice(bytes);
    Span { chunk: index as u32, offset: offset as u32, len: bytes.len() as u32 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_read_back_what_was_pushed_across_chunks() {
        let mut arena = Arena::default();
        let small: Vec<Span> = (0..3000u32).map(|i| arena.push(&i.to_le_bytes())).collect();
        let big = arena.push(&[7; 100_000]);
        let after = arena.push(b"after");
        for (i, span) in small.iter().enumerate() {
            assert_eq!(arena.get(*span), &(i as u32).to_le_bytes());
        }
        assert_eq!(arena.get(big), &[7; 100_000][..]);
        assert_eq!(arena.get(after), b"after");
        assert_eq!(arena.used(), 3000 * 4 + 100_000 + 5);
    }

    #[test]
    fn adopted_spans_are_rebased_and_counted() {
        let mut memtable = Arena::default();
        let own = memtable.push(b"own");
        let mut txn = Arena::default();
        let theirs = txn.push(b"theirs");
        let base = memtable.adopt(txn);
        assert_eq!(memtable.get(theirs.rebased(base)), b"theirs");
        assert_eq!(memtable.get(own), b"own");
        let later = memtable.push(b"later");
        assert_eq!(memtable.get(later), b"later");
        assert_eq!(memtable.used(), 3 + 6 + 5);
    }
}
