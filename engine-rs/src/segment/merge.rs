//! K-way merge of sorted version streams into one segment, keeping only the versions some open
//! snapshot can still see.

use super::{Segment, SegmentEntry, SegmentWriter};
use std::cmp::Ordering;

/// A sorted source of versions: (key ascending, seq descending). Sources are given newest first;
/// the same (key, seq) never appears in two sources.
pub trait MergeSource<'a> {
    /// The current entry, or None when exhausted.
    fn peek(&self) -> Option<SegmentEntry<'a>>;
    fn advance(&mut self);
}

/// A `MergeSource` over a loaded segment, from entry `index` on.
pub struct SegmentSource<'a> {
    pub seg: &'a Segment,
    pub index: usize,
}

impl<'a> SegmentSource<'a> {
    pub fn new(seg: &'a Segment) -> SegmentSource<'a> {
        SegmentSource { seg, index: 0 }
    }
}

impl<'a> MergeSource<'a> for SegmentSource<'a> {
    #[inline]
    fn peek(&self) -> Option<SegmentEntry<'a>> {
        if self.index < self.seg.len() {
            Some(self.seg.entry(self.index))
        } else {
            None
        }
    }
    #[inline]
    fn advance(&mut self) {
        self.index += 1;
    }
}

/// (key asc, seq desc).
#[inline]
fn version_order(a: &SegmentEntry<'_>, b: &SegmentEntry<'_>) -> Ordering {
    a.key.cmp(b.key).then(b.seq.cmp(&a.seq))
}

/// Merges `sources` into `writer`. For each key it keeps every version with seq > `oldest_snapshot`
/// plus the newest version with seq <= `oldest_snapshot` (what the oldest open snapshot reads);
/// older versions are dropped. When `drop_tombstones` is true (the output becomes the oldest live
/// segment), a tombstone that would be the only kept version is dropped too. Returns entries written.
///
/// With `drop_tombstones`, the kept version at or below `oldest_snapshot` is dropped whenever it is
/// a tombstone, even under newer versions: below the oldest segment, "deleted" and "absent" read
/// the same at every open snapshot, and a conflict check only looks at seqs above a snapshot.
pub fn merge_sources<'a>(
    sources: &mut [&mut dyn MergeSource<'a>],
    writer: &mut SegmentWriter,
    oldest_snapshot: u64,
    drop_tombstones: bool,
) -> usize {
    // Heads cached so each source is peeked once per advance; k is small (live segments plus the
    // memtable), so a linear minimum beats a heap.
    let mut heads: Vec<Option<SegmentEntry<'a>>> = sources.iter().map(|s| s.peek()).collect();
    let mut written = 0;
    // The key being emitted and whether its version at or below oldest_snapshot was already seen.
    let mut current: Option<&'a [u8]> = None;
    let mut floor_seen = false;
    loop {
        let mut best: Option<(usize, SegmentEntry<'a>)> = None;
        for (i, h) in heads.iter().enumerate() {
            if let Some(e) = *h {
                let better = match best {
                    None => true,
                    Some((_, b)) => version_order(&e, &b) == Ordering::Less,
                };
                if better {
                    best = Some((i, e));
                }
            }
        }
        let (i, e) = match best {
            Some(b) => b,
            None => break,
        };
        sources[i].advance();
        heads[i] = sources[i].peek();
        if current != Some(e.key) {
            current = Some(e.key);
            floor_seen = false;
        }
        if e.seq > oldest_snapshot {
            writer.add(e.key, e.seq, e.value);
            written += 1;
        } else if !floor_seen {
            floor_seen = true;
            if !(drop_tombstones && e.value.is_none()) {
                writer.add(e.key, e.seq, e.value);
                written += 1;
            }
        }
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segment::tests::XorShift;
    use std::collections::BTreeMap;

    /// An in-memory source: versions already in (key asc, seq desc) order.
    struct VecSource<'a> {
        entries: Vec<SegmentEntry<'a>>,
        index: usize,
    }
    impl<'a> MergeSource<'a> for VecSource<'a> {
        fn peek(&self) -> Option<SegmentEntry<'a>> {
            self.entries.get(self.index).copied()
        }
        fn advance(&mut self) {
            self.index += 1;
        }
    }

    fn seg(id: u64, entries: &[(&[u8], u64, Option<&[u8]>)]) -> Segment {
        let mut w = SegmentWriter::new(id, 0);
        for &(k, s, v) in entries {
            w.add(k, s, v);
        }
        Segment::from_bytes(w.finish()).unwrap()
    }

    fn merged(sources: &mut [&mut dyn MergeSource<'_>], oldest: u64, drop: bool) -> Vec<(Vec<u8>, u64, Option<Vec<u8>>)> {
        let mut w = SegmentWriter::new(99, 0);
        let n = merge_sources(sources, &mut w, oldest, drop);
        let out = Segment::from_bytes(w.finish()).unwrap();
        assert_eq!(out.len(), n);
        (0..n).map(|i| out.entry(i)).map(|e| (e.key.to_vec(), e.seq, e.value.map(|v| v.to_vec()))).collect()
    }

    fn row(k: &str, s: u64, v: Option<&str>) -> (Vec<u8>, u64, Option<Vec<u8>>) {
        (k.as_bytes().to_vec(), s, v.map(|v| v.as_bytes().to_vec()))
    }

    #[test]
    fn merge_interleaves_sources_in_key_then_newest_first_order() {
        let newer = seg(2, &[(b"a", 5, Some(b"a5")), (b"c", 6, Some(b"c6"))]);
        let older = seg(1, &[(b"a", 1, Some(b"a1")), (b"b", 2, None), (b"c", 3, Some(b"c3"))]);
        let (mut s1, mut s2) = (SegmentSource::new(&newer), SegmentSource::new(&older));
        let out = merged(&mut [&mut s1, &mut s2], 0, false);
        let want = vec![
            row("a", 5, Some("a5")),
            row("a", 1, Some("a1")),
            row("b", 2, None),
            row("c", 6, Some("c6")),
            row("c", 3, Some("c3")),
        ];
        assert_eq!(out, want);
    }

    #[test]
    fn merge_keeps_versions_open_snapshots_need() {
        // Oldest open snapshot at 4: it reads a@3; versions above 4 stay for newer snapshots.
        let s = seg(1, &[(b"a", 9, Some(b"9")), (b"a", 5, None), (b"a", 3, Some(b"3")), (b"a", 1, Some(b"1"))]);
        let mut src = SegmentSource::new(&s);
        let out = merged(&mut [&mut src], 4, false);
        assert_eq!(out, vec![row("a", 9, Some("9")), row("a", 5, None), row("a", 3, Some("3"))]);
    }

    #[test]
    fn merge_keeps_only_the_newest_version_when_no_snapshot_is_older() {
        let s = seg(1, &[(b"a", 3, Some(b"3")), (b"a", 2, Some(b"2")), (b"b", 1, None)]);
        let mut src = SegmentSource::new(&s);
        assert_eq!(merged(&mut [&mut src], 10, false), vec![row("a", 3, Some("3")), row("b", 1, None)]);
    }

    #[test]
    fn merge_into_oldest_segment_drops_tombstones_no_snapshot_needs() {
        let s = seg(1, &[(b"a", 3, None), (b"a", 2, Some(b"2")), (b"b", 8, None), (b"b", 2, None), (b"c", 1, Some(b"1"))]);
        let mut src = SegmentSource::new(&s);
        // b@8 is above the oldest snapshot (5): someone between 5 and 8 must still see b deleted.
        let out = merged(&mut [&mut src], 5, true);
        assert_eq!(out, vec![row("b", 8, None), row("c", 1, Some("1"))]);
    }

    /// Reads `key` at `snapshot` from sources newest first, as the engine does.
    fn read<'a>(layers: &[Vec<SegmentEntry<'a>>], key: &[u8], snapshot: u64) -> Option<Option<&'a [u8]>> {
        layers.iter().flat_map(|l| l.iter()).filter(|e| e.key == key && e.seq <= snapshot).max_by_key(|e| e.seq).map(|e| e.value)
    }

    #[test]
    fn random_merges_read_the_same_at_every_open_snapshot() {
        let mut rng = XorShift(0xC0FF_EE11);
        for _ in 0..40 {
            // Disjoint seqs across sources, like real layers.
            let mut by_seq = BTreeMap::new();
            let layer_count = 1 + rng.below(4) as usize;
            let mut values: Vec<Vec<u8>> = Vec::new();
            for seq in 1..=200u64 {
                let key = vec![b'a' + rng.below(12) as u8];
                let value = if rng.below(4) == 0 { None } else { Some(values.len()) };
                values.push(seq.to_le_bytes().to_vec());
                by_seq.insert(seq, (key, value, rng.below(layer_count as u64) as usize));
            }
            let mut layers: Vec<Vec<SegmentEntry<'_>>> = vec![Vec::new(); layer_count];
            for (&seq, (key, value, layer)) in &by_seq {
                layers[*layer].push(SegmentEntry { key, seq, value: value.map(|i| &values[i][..]) });
            }
            for l in &mut layers {
                l.sort_by(version_order);
            }
            let oldest = rng.below(220);
            let drop = rng.below(2) == 0;
            let mut sources: Vec<VecSource<'_>> = layers.iter().map(|l| VecSource { entries: l.clone(), index: 0 }).collect();
            let mut refs: Vec<&mut dyn MergeSource<'_>> = sources.iter_mut().map(|s| s as &mut dyn MergeSource<'_>).collect();
            let mut w = SegmentWriter::new(1, 0);
            merge_sources(&mut refs, &mut w, oldest, drop);
            let out = Segment::from_bytes(w.finish()).unwrap();
            for snapshot in oldest..=210 {
                for k in b'a'..b'a' + 12 {
                    let want = read(&layers, &[k], snapshot).and_then(|v| v);
                    let got = out.get(&[k], snapshot).and_then(|e| e.value);
                    assert_eq!(got, want, "key {} snapshot {} oldest {}", k as char, snapshot, oldest);
                    if !drop {
                        let want_present = read(&layers, &[k], snapshot).is_some();
                        assert_eq!(out.get(&[k], snapshot).is_some(), want_present);
                    }
                }
            }
        }
    }
}
