//! A hash table from key to the index of its first (newest) entry, built when a segment is
//! loaded, so a point read costs a probe or two instead of a binary search whose every step is a
//! cache miss into a large file (a search result reads each hit's record this way: 13% of a
//! search's time went to those binary searches). Range reads still use the sample index.
//!
//! Open addressing with linear probing over a power-of-two table at most 2/3 full. A slot holds
//! an entry index and 32 more bits of the key's hash (`EMPTY` when free): a probe that meets
//! another key's slot is told apart by those bits, without reading that key from the file (two
//! more cache misses). 12 to 24 bytes per entry (versions included; 128 at the least), never
//! saved: rebuilt at load.

const EMPTY: u64 = u64::MAX;

pub struct KeyHash {
    /// `tag << 32 | index`, `tag` being the hash's high 32 bits.
    slots: Vec<u64>,
    mask: usize,
}

/// A word-at-a-time multiplicative hash (keys here share long prefixes, so every byte counts).
#[inline]
fn hash(key: &[u8]) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut h = (key.len() as u64).wrapping_mul(K);
    let mut chunks = key.chunks_exact(8);
    for c in &mut chunks {
        let w = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        h = (h ^ w).wrapping_mul(K).rotate_left(29);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut tail = [0u8; 8];
        tail[..rest.len()].copy_from_slice(rest);
        h = (h ^ u64::from_le_bytes(tail)).wrapping_mul(K).rotate_left(29);
    }
    // Final mix so the low bits (the slot) depend on every word.
    h ^= h >> 32;
    h.wrapping_mul(K) ^ (h >> 29)
}

/// The slot word of an entry: the hash's high half as the tag, the index in the low half.
#[inline]
fn slot_word(h: u64, index: u32) -> u64 {
    (h & 0xFFFF_FFFF_0000_0000) | index as u64
}

impl KeyHash {
    /// The table of `count` sorted entries whose keys `key(i)` gives; entries sharing a key
    /// (versions) map to the first of them.
    pub fn build<'a, F: Fn(usize) -> &'a [u8]>(count: usize, key: F) -> KeyHash {
        debug_assert!(count < u32::MAX as usize, "entry offsets are u32, so fewer entries than that");
        let mut size = 16usize;
        while size * 2 < count * 3 {
            size *= 2;
        }
        let mut table = KeyHash { slots: vec![EMPTY; size], mask: size - 1 };
        let mut previous: Option<&[u8]> = None;
        for i in 0..count {
            let k = key(i);
            if previous != Some(k) {
                table.insert(k, i as u32);
            }
            previous = Some(k);
        }
        table
    }

    fn insert(&mut self, key: &[u8], index: u32) {
        let h = hash(key);
        let mut slot = h as usize & self.mask;
        while self.slots[slot] != EMPTY {
            slot = (slot + 1) & self.mask;
        }
        self.slots[slot] = slot_word(h, index);
    }

    /// The first step of `find(key)` alone: hashes `key`, starts loading its slot, and returns
    /// the hash for `first_index` (batched lookups, `Segment::prefetch_gets`).
    #[inline]
    pub fn touch(&self, key: &[u8]) -> u64 {
        let h = hash(key);
        let slot: *const u64 = &self.slots[h as usize & self.mask];
        // SAFETY: a slot of the table, 8 readable bytes.
        unsafe { crate::cache_hint::touch_lines(slot as *const u8, 8) };
        h
    }

    /// The entry `find` would compare first for a key of hash `h`, if its home slot holds one
    /// with the same tag (the usual case: collisions are rare at a load of at most 2/3).
    #[inline]
    pub fn first_index(&self, h: u64) -> Option<usize> {
        let word = self.slots[h as usize & self.mask];
        if word != EMPTY && word & 0xFFFF_FFFF_0000_0000 == h & 0xFFFF_FFFF_0000_0000 {
            Some((word & 0xFFFF_FFFF) as usize)
        } else {
            None
        }
    }

    /// The index of `key`'s first entry, or None; `key_at(i)` reads entry i's key (only for
    /// slots whose tag matches).
    #[inline]
    pub fn find<'a, F: Fn(usize) -> &'a [u8]>(&self, key: &[u8], key_at: F) -> Option<usize> {
        let h = hash(key);
        let tag = h & 0xFFFF_FFFF_0000_0000;
        let mut slot = h as usize & self.mask;
        loop {
            let word = self.slots[slot];
            if word == EMPTY {
                return None;
            }
            let index = (word & 0xFFFF_FFFF) as usize;
            if word & 0xFFFF_FFFF_0000_0000 == tag && key_at(index) == key {
                return Some(index);
            }
            slot = (slot + 1) & self.mask;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::KeyHash;

    #[test]
    fn finds_the_first_version_of_every_key_and_nothing_else() {
        // Sorted keys with repeated versions, sharing a long prefix like document keys do.
        let mut keys: Vec<Vec<u8>> = Vec::new();
        for i in 0..5_000u32 {
            let k = format!("\0soch\0dnamespace\0collection\0{}", i * 7).into_bytes();
            for _ in 0..(1 + i % 3) {
                keys.push(k.clone());
            }
        }
        keys.sort();
        let table = KeyHash::build(keys.len(), |i| &keys[i]);
        for (i, k) in keys.iter().enumerate() {
            let first = keys.iter().position(|x| x == k).unwrap();
            if first == i {
                assert_eq!(table.find(k, |j| &keys[j]), Some(i));
            }
        }
        for missing in [&b""[..], b"\0soch\0dnamespace\0collection\03", b"zzz"] {
            assert_eq!(table.find(missing, |j| &keys[j]), None);
        }
        let empty = KeyHash::build(0, |_| &b""[..]);
        assert_eq!(empty.find(b"a", |_| &b""[..]), None);
    }
}
