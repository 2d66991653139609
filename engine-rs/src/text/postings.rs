//! One term's postings: the (doc ordinal, term frequency) pairs of the docs holding the term, in
//! ascending ordinal order, compressed, with a skip entry per block so a cursor can jump.
//!
//! Ordinals are the index's internal dense doc numbers, handed out in insertion order, so a new
//! posting is always an append (see `bm25.rs`).
//!
//! Encoding of `data`: blocks of `BLOCK_LEN` postings (the last one may be shorter). Each posting is
//! one varint `gap << 1 | (tf == 1)`, followed by a varint `tf` only when `tf != 1` (most tfs are 1).
//! `gap` is the distance to the previous posting minus one (consecutive ordinals give 0); a block's
//! first gap counts from its base, `0` for block 0 and the previous block's last ordinal + 1 after.
//! So each block decodes on its own, and `blocks[i] = { last ordinal, end byte }` is its skip entry.
//! A common term (gaps under 64, tf 1) costs one byte per posting.

use crate::codec::{get_varint, put_varint};
use crate::error::{Error, Result};

/// Postings per block: the unit of decoding and of skipping.
pub const BLOCK_LEN: usize = 128;
/// Cursor position past the last posting. Ordinals stay below it (`bm25.rs` checks).
pub const END: u32 = u32::MAX;

/// Skip entry of one block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BlockMeta {
    pub last_doc: u32,
    /// Byte offset in `data` one past the block's last posting.
    pub end: u32,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Postings {
    data: Vec<u8>,
    blocks: Vec<BlockMeta>,
    len: u32,
}

impl Postings {
    pub fn new() -> Postings {
        Postings::default()
    }

    /// Postings held, removed docs' included until the index compacts.
    pub fn len(&self) -> u32 {
        self.len
    }

    pub fn block_count(&self) -> usize {
        self.blocks.len()
    }

    pub fn data(&self) -> &[u8] {
        &self.data
    }

    pub fn heap_bytes(&self) -> usize {
        self.data.capacity() + self.blocks.capacity() * std::mem::size_of::<BlockMeta>()
    }

    pub fn shrink_to_fit(&mut self) {
        self.data.shrink_to_fit();
        self.blocks.shrink_to_fit();
    }

    /// Appends a posting. `doc` must be above every ordinal already held and below `END`, `tf >= 1`.
    pub fn push(&mut self, doc: u32, tf: u32) {
        assert!(doc < END && tf >= 1, "posting out of range");
        let starts_block = self.len as usize % BLOCK_LEN == 0;
        // The last skip entry holds the previous posting's ordinal (its block may still be filling).
        let base = self.blocks.last().map_or(0, |b| b.last_doc + 1);
        assert!(doc >= base, "postings must be appended in ordinal order");
        let gap = (doc - base) as u64;
        put_varint(&mut self.data, gap << 1 | (tf == 1) as u64);
        if tf != 1 {
            put_varint(&mut self.data, tf as u64);
        }
        let meta = BlockMeta { last_doc: doc, end: self.data.len() as u32 };
        if starts_block {
            self.blocks.push(meta);
        } else if let Some(last) = self.blocks.last_mut() {
            *last = meta;
        }
        self.len += 1;
    }

    /// Rebuilds postings from persisted `data` holding `len` postings, checking every one: gaps and
    /// tfs in range, ordinals below `doc_count`, exactly `len` postings filling `data`.
    pub fn from_data(data: Vec<u8>, len: u32, doc_count: u32) -> Result<Postings> {
        const WHAT: &str = "BM25 postings";
        if len as usize > data.len() {
            // Every posting takes at least a byte; also bounds the allocation below.
            return Err(Error::corruption("BM25 postings: more postings claimed than bytes"));
        }
        let mut blocks = Vec::with_capacity((len as usize + BLOCK_LEN - 1) / BLOCK_LEN);
        let (mut pos, mut base) = (0usize, 0u64);
        for i in 0..len as usize {
            let v = get_varint(&data, &mut pos, WHAT)?;
            let tf = if v & 1 == 1 { 1 } else { get_varint(&data, &mut pos, WHAT)? };
            let last = base + (v >> 1);
            if last >= doc_count as u64 || tf == 0 || tf > u32::MAX as u64 {
                return Err(Error::corruption("BM25 postings: an ordinal or a term frequency is out of range"));
            }
            base = last + 1;
            if (i + 1) % BLOCK_LEN == 0 || i + 1 == len as usize {
                blocks.push(BlockMeta { last_doc: last as u32, end: pos as u32 });
            }
        }
        if pos != data.len() || data.len() > u32::MAX as usize {
            return Err(Error::corruption("BM25 postings: bytes left over after the last posting"));
        }
        Ok(Postings { data, blocks, len })
    }

    pub fn cursor(&self) -> Cursor<'_> {
        let mut c = Cursor { p: self, block: 0, docs: [0; BLOCK_LEN], tfs: [0; BLOCK_LEN], n: 0, i: 0, doc: END };
        c.load_block(0);
        c
    }
}

/// Reads postings in order: `doc` is the current ordinal (`END` when done), `tf()` its frequency.
pub struct Cursor<'a> {
    p: &'a Postings,
    block: usize,
    docs: [u32; BLOCK_LEN],
    tfs: [u32; BLOCK_LEN],
    n: usize,
    i: usize,
    pub doc: u32,
}

impl<'a> Cursor<'a> {
    #[inline]
    pub fn tf(&self) -> u32 {
        self.tfs[self.i]
    }

    /// Index of the block holding the current posting.
    #[inline]
    pub fn block(&self) -> usize {
        self.block
    }

    /// Last ordinal of the current block (`END` when done): no posting of this cursor lies between
    /// `doc` and it outside this block.
    #[inline]
    pub fn block_last(&self) -> u32 {
        self.p.blocks.get(self.block).map_or(END, |b| b.last_doc)
    }

    /// Moves to the next posting.
    #[inline]
    pub fn next(&mut self) {
        self.i += 1;
        if self.i < self.n {
            self.doc = self.docs[self.i];
        } else {
            self.load_block(self.block + 1);
        }
    }

    /// Moves to the first posting with ordinal `>= target` (never backwards).
    pub fn advance(&mut self, target: u32) {
        if self.doc >= target {
            return;
        }
        let blocks = &self.p.blocks;
        if blocks[self.block].last_doc < target {
            // Skip whole blocks: binary search the skip entries after the current one.
            let from = self.block + 1;
            let skip = blocks[from..].partition_point(|b| b.last_doc < target);
            self.load_block(from + skip);
            if self.doc == END {
                return;
            }
        }
        while self.docs[self.i] < target {
            self.i += 1; // the block's last ordinal is >= target, so this stops inside the block
        }
        self.doc = self.docs[self.i];
    }

    /// Decodes block `b` (or sets `END` past the last one). Data was checked on push or load, so a
    /// malformed byte cannot occur; it would end the block early rather than panic.
    fn load_block(&mut self, b: usize) {
        self.block = b;
        self.i = 0;
        self.n = 0;
        let meta = match self.p.blocks.get(b) {
            Some(m) => *m,
            None => {
                self.doc = END;
                return;
            }
        };
        let start = if b == 0 { 0 } else { self.p.blocks[b - 1].end as usize };
        let mut base = if b == 0 { 0 } else { self.p.blocks[b - 1].last_doc.wrapping_add(1) };
        let data = &self.p.data[..meta.end as usize];
        let mut pos = start;
        let want = (self.p.len as usize - b * BLOCK_LEN).min(BLOCK_LEN);
        while self.n < want {
            let v = read_varint(data, &mut pos);
            let tf = if v & 1 == 1 { 1 } else { read_varint(data, &mut pos) as u32 };
            let doc = base.wrapping_add((v >> 1) as u32);
            self.docs[self.n] = doc;
            self.tfs[self.n] = tf;
            self.n += 1;
            base = doc.wrapping_add(1);
        }
        self.doc = self.docs[0];
    }
}

/// Varint decode on checked data; stops at the end of `data` instead of failing.
#[inline]
fn read_varint(data: &[u8], pos: &mut usize) -> u64 {
    let mut value = 0u64;
    let mut shift = 0;
    while let Some(&b) = data.get(*pos) {
        *pos += 1;
        value |= ((b & 0x7F) as u64) << (shift & 63);
        if b < 0x80 {
            break;
        }
        shift += 7;
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(n: u32) -> (Postings, Vec<(u32, u32)>) {
        let mut p = Postings::new();
        let mut want = Vec::new();
        let mut doc = 0u32;
        for i in 0..n {
            doc += 1 + (i * 7919) % 300; // gaps of every width
            let tf = 1 + (i % 5) * (i % 3) * 400;
            p.push(doc, tf);
            want.push((doc, tf));
        }
        (p, want)
    }

    #[test]
    fn cursor_walks_every_posting_across_blocks() {
        for &n in &[0u32, 1, 127, 128, 129, 1000] {
            let (p, want) = sample(n);
            let mut c = p.cursor();
            let mut got = Vec::new();
            while c.doc != END {
                got.push((c.doc, c.tf()));
                c.next();
            }
            assert_eq!(got, want, "n = {}", n);
        }
    }

    #[test]
    fn advance_lands_on_the_first_ordinal_at_or_after_the_target() {
        let (p, want) = sample(1000);
        for target in (0..want.last().unwrap().0 + 5).step_by(37) {
            let mut c = p.cursor();
            c.advance(target);
            let expect = want.iter().find(|&&(d, _)| d >= target);
            assert_eq!(expect.map(|&(d, _)| d).unwrap_or(END), c.doc, "target {}", target);
            if let Some(&(_, tf)) = expect {
                assert_eq!(c.tf(), tf);
            }
        }
    }

    #[test]
    fn from_data_round_trips_and_rejects_damage() {
        let (p, _) = sample(300);
        let back = Postings::from_data(p.data().to_vec(), p.len(), 1 << 20).unwrap();
        assert_eq!(back, p);
        assert!(Postings::from_data(p.data().to_vec(), p.len() + 1, 1 << 20).is_err());
        assert!(Postings::from_data(p.data().to_vec(), p.len() - 1, 1 << 20).is_err());
        assert!(Postings::from_data(p.data().to_vec(), p.len(), 10).is_err());
        assert!(Postings::from_data(p.data()[..p.data().len() - 1].to_vec(), p.len(), 1 << 20).is_err());
    }
}
