//! Saving and loading a `Bm25Index` as one flat byte string, so opening a database restores the
//! postings instead of re-tokenizing every document.
//!
//! Layout (integers little-endian; `varint` is LEB128):
//! ```text
//! offset      size        field
//! 0           8           magic "SOCHBM25"
//! 8           4           format version (1)
//! 12          4           k1, f32 bits (must be 1.2)
//! 16          4           b,  f32 bits (must be 0.75)
//! 20          4           O: ordinals (docs added since the last compaction, removed ones included)
//! 24          4           T: terms
//! 28          8           total length of the live docs, in tokens
//! 36          4*O         doc ids, u32 by ordinal
//! ..          4*O         doc lengths, u32 by ordinal
//! ..          8*ceil(O/64) live bitset, u64 words, bit o = ordinal o is live
//! ..          4*O         end offset of each ordinal's term list in the arena, u32
//! ..          4           A: arena length
//! ..          A           arena: per ordinal, ascending term ids as varint gaps
//! ..          T times     term: varint key length | key (UTF-8) | varint df | varint postings |
//!                         varint data length | data (postings.rs)
//! end-4       4           CRC32C of every byte before it
//! ```
//! `from_bytes` checks the CRC first, then every count against the bytes and against each other
//! (df = live postings, doc length = sum of its tfs, unique keys and doc ids), so a damaged or forged
//! input gives `Corruption` or `Truncated`, never a panic or an index that later misbehaves.
//! Score bounds are not saved: loading recomputes them (one pass over the postings, which the checks
//! walk anyway), so they are exact at the loaded avgdl.

use crate::codec::{crc32c, put_varint, Reader};
use crate::error::{Error, ErrorCode, Result};
use crate::text::bm25::{for_each_term_id, Bm25Index, Term, B, K1};
use crate::text::postings::{Postings, END};

pub const BM25_MAGIC: [u8; 8] = *b"SOCHBM25";
pub const BM25_FORMAT_VERSION: u32 = 1;
const HEADER_LEN: usize = 36;
const WHAT: &str = "BM25 index";

impl Bm25Index {
    /// The index as bytes for `from_bytes` (layout above).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.heap_bytes() / 2);
        out.extend_from_slice(&BM25_MAGIC);
        for v in [BM25_FORMAT_VERSION, K1.to_bits(), B.to_bits(), self.ext_ids.len() as u32, self.terms.len() as u32] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        out.extend_from_slice(&self.total_len.to_le_bytes());
        for arr in [&self.ext_ids, &self.doc_lens] {
            arr.iter().for_each(|v| out.extend_from_slice(&v.to_le_bytes()));
        }
        self.alive.iter().for_each(|w| out.extend_from_slice(&w.to_le_bytes()));
        self.doc_terms_end.iter().for_each(|v| out.extend_from_slice(&v.to_le_bytes()));
        out.extend_from_slice(&(self.doc_terms.len() as u32).to_le_bytes());
        out.extend_from_slice(&self.doc_terms);
        let mut keys: Vec<&str> = vec![""; self.terms.len()];
        for (k, &id) in &self.dict {
            keys[id as usize] = k;
        }
        for (key, term) in keys.iter().zip(&self.terms) {
            put_varint(&mut out, key.len() as u64);
            out.extend_from_slice(key.as_bytes());
            put_varint(&mut out, term.df as u64);
            put_varint(&mut out, term.postings.len() as u64);
            put_varint(&mut out, term.postings.data().len() as u64);
            out.extend_from_slice(term.postings.data());
        }
        let crc = crc32c(&out);
        out.extend_from_slice(&crc.to_le_bytes());
        out
    }

    /// Loads bytes made by `to_bytes`. Errors: `Truncated` when too short for a header,
    /// `Corruption` on a checksum mismatch or inconsistent content, `UnsupportedFormat` for another
    /// version or other BM25 parameters.
    pub fn from_bytes(bytes: &[u8]) -> Result<Bm25Index> {
        if bytes.len() < HEADER_LEN + 4 {
            return Err(Error::truncated(WHAT));
        }
        let (body, crc) = bytes.split_at(bytes.len() - 4);
        if crc32c(body).to_le_bytes() != crc {
            return Err(Error::corruption("BM25 index: checksum mismatch; the bytes are damaged"));
        }
        let mut r = Reader::new(body, WHAT);
        if r.bytes(8)? != BM25_MAGIC {
            return Err(Error::corruption("BM25 index: bad magic; these bytes are not a BM25 index"));
        }
        let version = r.u32_le()?;
        let (k1, b) = (f32::from_bits(r.u32_le()?), f32::from_bits(r.u32_le()?));
        if version != BM25_FORMAT_VERSION || k1 != K1 || b != B {
            let msg = format!("BM25 index: format {} with k1 {} b {} is not supported by this engine", version, k1, b);
            return Err(Error::new(ErrorCode::UnsupportedFormat, msg));
        }
        let (ordinals, term_count) = (r.u32_le()?, r.u32_le()?);
        let total_len = r.u64_le()?;
        // Every ordinal takes 12+ bytes and every term 4+: check before allocating.
        if ordinals as u64 * 12 + term_count as u64 * 4 > r.remaining() as u64 || ordinals == END {
            return Err(Error::truncated(WHAT));
        }
        let mut ix = Bm25Index::new();
        ix.ext_ids = read_u32s(&mut r, ordinals)?;
        ix.doc_lens = read_u32s(&mut r, ordinals)?;
        ix.alive = (0..(ordinals as usize + 63) / 64).map(|_| r.u64_le()).collect::<Result<_>>()?;
        ix.doc_terms_end = read_u32s(&mut r, ordinals)?;
        let arena_len = r.u32_le()?;
        ix.doc_terms = r.bytes(arena_len as usize)?.to_vec();
        ix.total_len = total_len;
        for _ in 0..term_count {
            read_term(&mut r, &mut ix, ordinals)?;
        }
        if r.remaining() != 0 {
            return Err(Error::corruption("BM25 index: bytes left over after the last term"));
        }
        check_docs(&mut ix)?;
        let params = ix.params();
        for term in &ix.terms {
            ix.refresh_bounds(term, &params);
        }
        Ok(ix)
    }
}

fn read_u32s(r: &mut Reader, n: u32) -> Result<Vec<u32>> {
    (0..n).map(|_| r.u32_le()).collect()
}

fn read_term(r: &mut Reader, ix: &mut Bm25Index, ordinals: u32) -> Result<()> {
    let key = std::str::from_utf8(r.len_prefixed()?)
        .map_err(|_| Error::corruption("BM25 index: a term is not UTF-8"))?;
    let df = r.varint()?;
    let len = r.varint()?;
    let data = r.len_prefixed()?.to_vec();
    if df > len || len > u32::MAX as u64 {
        return Err(Error::corruption(format!("BM25 index: term {:?} has inconsistent counts", key)));
    }
    let postings = Postings::from_data(data, len as u32, ordinals)?;
    let id = ix.terms.len() as u32;
    if ix.dict.insert(key.into(), id).is_some() {
        return Err(Error::corruption(format!("BM25 index: term {:?} appears twice", key)));
    }
    ix.terms.push(Term::new(postings, df as u32));
    Ok(())
}

/// Cross-checks docs against postings: live doc ids unique, lengths summing to the total and to
/// each doc's tfs, dfs equal to live postings, each live doc's term list ascending and matching its
/// postings in count and in sum of term ids (so `remove` decrements the right dfs).
fn check_docs(ix: &mut Bm25Index) -> Result<()> {
    let bad = |what: &str| Error::corruption(format!("BM25 index: {}; the bytes are damaged", what));
    let ordinals = ix.ext_ids.len();
    if ix.alive.last().map_or(false, |&w| ordinals % 64 != 0 && w >> (ordinals % 64) != 0) {
        return Err(bad("live bits set past the last ordinal"));
    }
    let (mut tf_sums, mut id_sums, mut term_counts) = (vec![0u64; ordinals], vec![0u64; ordinals], vec![0u32; ordinals]);
    for (id, term) in ix.terms.iter().enumerate() {
        let mut live = 0u32;
        let mut c = term.postings.cursor();
        while c.doc != END {
            if ix.is_alive(c.doc) {
                live += 1;
                tf_sums[c.doc as usize] += c.tf() as u64;
                term_counts[c.doc as usize] += 1;
                id_sums[c.doc as usize] += id as u64;
            }
            c.next();
        }
        if live != term.df {
            return Err(bad("a term's df differs from its live postings"));
        }
    }
    let mut total = 0u64;
    let mut prev_end = 0u32;
    for o in 0..ordinals {
        let end = ix.doc_terms_end[o];
        if end < prev_end || end as usize > ix.doc_terms.len() {
            return Err(bad("doc term lists overlap or overrun"));
        }
        let (mut count, mut id_sum, mut ascending, mut prev) = (0u32, 0u64, true, None);
        for_each_term_id(&ix.doc_terms[prev_end as usize..end as usize], |t| {
            ascending &= (t as usize) < ix.terms.len() && prev.map_or(true, |p| t > p);
            prev = Some(t);
            count += 1;
            id_sum += t as u64;
        });
        prev_end = end;
        if !ix.is_alive(o as u32) {
            continue;
        }
        if !ascending || count != term_counts[o] || id_sum != id_sums[o] || tf_sums[o] != ix.doc_lens[o] as u64 {
            return Err(bad("a doc's term list or length differs from the postings"));
        }
        total += ix.doc_lens[o] as u64;
        if ix.ordinal_of.insert(ix.ext_ids[o], o as u32).is_some() {
            return Err(bad("a doc id is live twice"));
        }
    }
    if prev_end as usize != ix.doc_terms.len() || total != ix.total_len {
        return Err(bad("doc lengths or term lists do not add up"));
    }
    Ok(())
}
