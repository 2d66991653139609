//! A hash table from key to the index of its first (newest) entry, built when a segment is
//! loaded, so a point read costs a probe or two instead of a binary search whose every step is a
//! cache miss into a large file (a search result reads each hit's record this way: 13% of a
//! search's time went to those binary searches). Range reads still use the sample index.
//!
//! Open addressing with linear probing over a power-of-two table at most 2/3 full; a slot holds
//! an entry index (`EMPTY` when free). 4 to 8 bytes per distinct key, never saved: rebuilt from
//! the keys at load (one hash per key).

const EMPTY: u32 = u32::MAX;

pub struct KeyHash {
    slots: Vec<u32>,
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

impl KeyHash {
    /// Indexes `count` entries sorted by key (versions of one key adjacent); `key(i)` is entry i's key.
    pub fn build<'a, F: Fn(usize) -> &'a [u8]>(count: usize, key: F) -> KeyHash {
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
        let mut slot = hash(key) as usize & self.mask;
        while self.slots[slot] != EMPTY {
            slot = (slot + 1) & self.mask;
        }
        self.slots[slot] = index;
    }

    /// The index of the first entry with `key`, if any; `key_at(i)` reads entry i's key.
    #[inline]
    pub fn find<'a, F: Fn(usize) -> &'a [u8]>(&self, key: &[u8], key_at: F) -> Option<usize> {
        let mut slot = hash(key) as usize & self.mask;
        loop {
            let index = self.slots[slot];
            if index == EMPTY {
                return None;
            }
            if key_at(index as usize) == key {
                return Some(index as usize);
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
