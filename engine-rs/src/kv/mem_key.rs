//! A memtable key: short keys (most of them) are stored inline in the tree node, so inserting one
//! allocates nothing; longer keys are boxed.

use std::borrow::Borrow;
use std::cmp::Ordering;
use std::ops::Deref;

/// Inline capacity: with the length byte and the tag, a key takes 24 bytes, a boxed key's size on
/// 64-bit hosts.
const INLINE_MAX: usize = 22;

#[derive(Clone)]
pub enum MemKey {
    Inline { len: u8, bytes: [u8; INLINE_MAX] },
    Boxed(Box<[u8]>),
}

impl MemKey {
    /// `key` stored inline, if it is short enough (never allocates).
    pub fn inline(key: &[u8]) -> Option<MemKey> {
        if key.len() > INLINE_MAX {
            return None;
        }
        let mut bytes = [0u8; INLINE_MAX];
        bytes[..key.len()].copy_from_slice(key);
        Some(MemKey::Inline { len: key.len() as u8, bytes })
    }
}

impl From<&[u8]> for MemKey {
    fn from(key: &[u8]) -> MemKey {
        MemKey::inline(key).unwrap_or_else(|| MemKey::Boxed(key.into()))
    }
}

impl Deref for MemKey {
    type Target = [u8];

    #[inline]
    fn deref(&self) -> &[u8] {
        match self {
            MemKey::Inline { len, bytes } => &bytes[..*len as usize],
            MemKey::Boxed(bytes) => bytes,
        }
    }
}

// Ordering, equality and `Borrow` all go through the bytes, so `BTreeMap<MemKey, _>` can be
// searched with a `&[u8]`.
impl Borrow<[u8]> for MemKey {
    fn borrow(&self) -> &[u8] {
        self
    }
}

impl PartialEq for MemKey {
    fn eq(&self, other: &MemKey) -> bool {
        **self == **other
    }
}

impl Eq for MemKey {}

impl PartialOrd for MemKey {
    fn partial_cmp(&self, other: &MemKey) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for MemKey {
    /// Two inline keys compare as three words, no `memcmp` call: the tree's searches are mostly
    /// this. Padding is zeros, so where the padded bytes first differ the shorter key is either
    /// really different there or a prefix of the other, and slice order agrees; if all are equal,
    /// one key is a prefix of the other and the length decides.
    #[inline]
    fn cmp(&self, other: &MemKey) -> Ordering {
        match (self, other) {
            (MemKey::Inline { len: a_len, bytes: a }, MemKey::Inline { len: b_len, bytes: b }) => {
                for offset in [0, 8, INLINE_MAX - 8] {
                    let (x, y) = (word(a, offset), word(b, offset));
                    if x != y {
                        // Little-endian words: the lowest differing byte is the first one.
                        let shift = (x ^ y).trailing_zeros() & !7;
                        return ((x >> shift) as u8).cmp(&((y >> shift) as u8));
                    }
                }
                a_len.cmp(b_len)
            }
            _ => cmp_slices(self, other),
        }
    }
}

#[inline(never)]
fn cmp_slices(a: &[u8], b: &[u8]) -> Ordering {
    a.cmp(b)
}

/// The 8 bytes at `offset`, little-endian (one load, no byte swap on wasm32).
#[inline]
fn word(bytes: &[u8; INLINE_MAX], offset: usize) -> u64 {
    let mut word = [0u8; 8];
    word.copy_from_slice(&bytes[offset..offset + 8]);
    u64::from_le_bytes(word)
}

impl std::fmt::Debug for MemKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        (**self).fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_and_long_keys_compare_as_their_bytes() {
        let long = vec![b'a'; 40];
        let keys: Vec<MemKey> = vec![MemKey::from(&b"b"[..]), MemKey::from(&long[..]), MemKey::from(&b""[..])];
        assert!(matches!(keys[0], MemKey::Inline { .. }) && matches!(keys[1], MemKey::Boxed(_)));
        assert_eq!(&keys[1][..], &long[..]);
        let mut sorted = keys.clone();
        sorted.sort();
        let bytes: Vec<&[u8]> = sorted.iter().map(|key| &key[..]).collect();
        assert_eq!(bytes, vec![&b""[..], &long[..], &b"b"[..]]);
    }

    #[test]
    fn inline_order_matches_slice_order_with_zero_bytes_and_prefixes() {
        let samples: Vec<Vec<u8>> = vec![
            vec![],
            vec![0],
            vec![0, 0],
            vec![0, 5],
            vec![1],
            vec![0; 22],
            vec![0; 21],
            [vec![0; 15], vec![1]].concat(),
            [vec![0; 21], vec![1]].concat(),
            [vec![7; 9], vec![0; 13]].concat(),
            vec![255; 22],
            vec![255; 23],
        ];
        for a in &samples {
            for b in &samples {
                let (x, y) = (MemKey::from(&a[..]), MemKey::from(&b[..]));
                assert_eq!(x.cmp(&y), a.cmp(b), "{:?} vs {:?}", a, b);
            }
        }
    }
}
