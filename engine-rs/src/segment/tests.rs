//! Segment writer + reader tests: round trips, lookups against a model, damaged bytes.

use super::format::*;
use super::{Segment, SegmentEntry, SegmentWriter};
use crate::codec::crc32c;
use crate::error::ErrorCode;
use crate::limits::SEGMENT_CHUNK_SIZE;
use std::cmp::Reverse;
use std::collections::BTreeMap;

pub(crate) struct XorShift(pub u64);
impl XorShift {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

type Model = BTreeMap<(Vec<u8>, Reverse<u64>), Option<Vec<u8>>>;

fn build(id: u64, model: &Model) -> Vec<u8> {
    let mut w = SegmentWriter::new(id, 0);
    for ((k, Reverse(seq)), v) in model {
        w.add(k, *seq, v.as_deref());
    }
    w.finish()
}

fn small() -> Vec<u8> {
    let mut w = SegmentWriter::new(42, 0);
    w.add(b"apple", 9, Some(b"red"));
    w.add(b"apple", 4, None);
    w.add(b"apple", 2, Some(b"green"));
    w.add(b"kiwi", 5, Some(b""));
    w.add(b"plum", 7, None);
    w.finish()
}

fn random_model(rng: &mut XorShift, keys: u64, versions: usize, value_max: u64) -> Model {
    let mut model = Model::new();
    for _ in 0..versions {
        let key = format!("k{:05}", rng.below(keys)).into_bytes();
        let seq = 1 + rng.below(1_000_000);
        let value = if rng.below(5) == 0 { None } else { Some(vec![rng.below(256) as u8; rng.below(value_max) as usize]) };
        model.insert((key, Reverse(seq)), value);
    }
    model
}

/// Recomputes chunk and footer checksums after a test edits the bytes, so only structural checks
/// stand between the edit and the accessors.
fn reseal(bytes: &mut [u8]) {
    let f = bytes.len() - FOOTER_LEN;
    let crcs_offset = u64_at(bytes, f + CRCS_OFFSET_OFFSET) as usize;
    if crcs_offset <= f {
        let chunks = (f - crcs_offset) / 4;
        for i in 0..chunks.min((crcs_offset + SEGMENT_CHUNK_SIZE - 1) / SEGMENT_CHUNK_SIZE) {
            let end = crcs_offset.min((i + 1) * SEGMENT_CHUNK_SIZE);
            let crc = crc32c(&bytes[i * SEGMENT_CHUNK_SIZE..end]);
            bytes[crcs_offset + 4 * i..crcs_offset + 4 * i + 4].copy_from_slice(&crc.to_le_bytes());
        }
    }
    let crc = crc32c(&bytes[f..f + FOOTER_CRC_OFFSET]);
    bytes[f + FOOTER_CRC_OFFSET..].copy_from_slice(&crc.to_le_bytes());
}

fn touch_everything(seg: &Segment, rng: &mut XorShift) {
    for i in 0..seg.len() {
        let e = seg.entry(i);
        assert_eq!(seg.key(i), e.key);
        assert_eq!(seg.get(e.key, e.seq).map(|x| x.seq), Some(e.seq));
    }
    for _ in 0..20 {
        let key = [rng.below(256) as u8; 3];
        seg.get(&key, rng.next());
        seg.latest_seq(&key);
        seg.lower_bound(&key);
    }
}

#[test]
fn segment_round_trips_entries_in_order() {
    let bytes = small();
    let seg = Segment::from_bytes(bytes.clone()).unwrap();
    assert_eq!((seg.id(), seg.len(), seg.min_seq(), seg.max_seq()), (42, 5, 2, 9));
    assert_eq!(seg.bytes(), &bytes[..]);
    assert_eq!(seg.file_crc(), crc32c(&bytes));
    assert_eq!(seg.entry(0), SegmentEntry { key: b"apple", seq: 9, value: Some(b"red") });
    assert_eq!(seg.entry(1), SegmentEntry { key: b"apple", seq: 4, value: None });
    assert_eq!(seg.entry(3), SegmentEntry { key: b"kiwi", seq: 5, value: Some(b"") });
    assert_eq!(seg.entry(4).value, None);
}

#[test]
fn get_returns_newest_version_at_or_below_snapshot() {
    let seg = Segment::from_bytes(small()).unwrap();
    assert_eq!(seg.get(b"apple", 1), None);
    assert_eq!(seg.get(b"apple", 2).unwrap().value, Some(&b"green"[..]));
    assert_eq!(seg.get(b"apple", 3).unwrap().seq, 2);
    assert_eq!(seg.get(b"apple", 4).unwrap(), SegmentEntry { key: b"apple", seq: 4, value: None });
    assert_eq!(seg.get(b"apple", u64::MAX).unwrap().value, Some(&b"red"[..]));
    assert_eq!(seg.get(b"appl", 100), None);
    assert_eq!(seg.get(b"kiwi", 4), None);
    assert_eq!(seg.get(b"plum", 7).unwrap().value, None);
    assert_eq!(seg.get(b"zzz", 100), None);
    assert_eq!(seg.latest_seq(b"apple"), Some(9));
    assert_eq!(seg.latest_seq(b"plum"), Some(7));
    assert_eq!(seg.latest_seq(b"pear"), None);
    assert_eq!((seg.lower_bound(b"a"), seg.lower_bound(b"apple"), seg.lower_bound(b"b")), (0, 0, 3));
    assert_eq!((seg.lower_bound(b"kiwi"), seg.lower_bound(b"plum"), seg.lower_bound(b"q")), (3, 4, 5));
}

#[test]
fn empty_segment_loads_and_finds_nothing() {
    let bytes = SegmentWriter::new(1, 0).finish();
    assert_eq!(bytes.len(), FOOTER_LEN);
    let seg = Segment::from_bytes(bytes).unwrap();
    assert!(seg.is_empty());
    assert_eq!((seg.get(b"a", 9), seg.latest_seq(b"a"), seg.lower_bound(b"a")), (None, None, 0));
    assert_eq!(seg.file_crc(), crc32c(seg.bytes()));
}

#[test]
fn multi_chunk_segment_round_trips_and_derives_its_file_crc() {
    let mut rng = XorShift(7);
    let model = random_model(&mut rng, 5000, 8000, 100);
    let bytes = build(3, &model);
    assert!(bytes.len() > 4 * SEGMENT_CHUNK_SIZE);
    let seg = Segment::from_bytes(bytes.clone()).unwrap();
    assert_eq!(seg.file_crc(), crc32c(&bytes));
    for (i, ((k, Reverse(seq)), v)) in model.iter().enumerate() {
        assert_eq!(seg.entry(i), SegmentEntry { key: k, seq: *seq, value: v.as_deref() });
    }
    let mut w = SegmentWriter::new(3, 0);
    for ((k, Reverse(seq)), v) in &model {
        w.add(k, *seq, v.as_deref());
    }
    let built = w.finish_segment();
    assert_eq!(built.bytes(), &bytes[..]);
    assert_eq!((built.file_crc(), built.len(), built.max_seq()), (seg.file_crc(), seg.len(), seg.max_seq()));
}

#[test]
fn random_lookups_match_a_btreemap_model() {
    let mut rng = XorShift(0x5EED_1234);
    for round in 0..20 {
        let (keys, versions) = (1 + rng.below(300), rng.below(1500) as usize);
        let model = random_model(&mut rng, keys, versions, 40);
        let seg = Segment::from_bytes(build(round, &model)).unwrap();
        assert_eq!(seg.len(), model.len());
        // A prefetch is only a hint, but it walks real offsets: present, absent and deleted keys
        // must all be safe to give it.
        let batch: Vec<Vec<u8>> = (0..64).map(|_| format!("k{:05}", rng.below(320)).into_bytes()).collect();
        seg.prefetch_gets(batch.iter().map(|k| &k[..]));
        for _ in 0..500 {
            let key = format!("k{:05}", rng.below(320)).into_bytes();
            let snapshot = rng.below(1_100_000);
            let want = model.range((key.clone(), Reverse(snapshot))..).next().filter(|((k, _), _)| *k == key);
            let got = seg.get(&key, snapshot);
            assert_eq!(got.map(|e| (e.seq, e.value)), want.map(|((_, Reverse(s)), v)| (*s, v.as_deref())));
            let latest = model.range((key.clone(), Reverse(u64::MAX))..).next().filter(|((k, _), _)| *k == key);
            assert_eq!(seg.latest_seq(&key), latest.map(|((_, Reverse(s)), _)| *s));
            let below = model.range(..(key.clone(), Reverse(u64::MAX))).count();
            assert_eq!(seg.lower_bound(&key), below);
        }
    }
}

#[test]
fn truncated_segment_is_rejected() {
    let bytes = small();
    for cut in 0..bytes.len() {
        let err = Segment::from_bytes(bytes[..cut].to_vec()).err().expect("a cut segment must not load");
        if cut < FOOTER_LEN {
            assert_eq!(err.code, ErrorCode::Truncated);
        }
    }
}

#[test]
fn segment_with_flipped_byte_is_rejected() {
    let bytes = small();
    for i in 0..bytes.len() {
        for bit in 0..8 {
            let mut b = bytes.clone();
            b[i] ^= 1 << bit;
            assert!(Segment::from_bytes(b).is_err(), "byte {} bit {}", i, bit);
        }
    }
}

#[test]
fn newer_segment_version_is_unsupported() {
    let mut bytes = small();
    let f = bytes.len() - FOOTER_LEN;
    bytes[f + VERSION_OFFSET] = 2;
    reseal(&mut bytes);
    assert_eq!(Segment::from_bytes(bytes).err().unwrap().code, ErrorCode::UnsupportedFormat);
}

#[test]
fn resealed_damage_is_caught_by_structure_checks_or_harmless() {
    // Checksums recomputed after each edit: from_bytes must still refuse anything the accessors
    // could trip on, and whatever it accepts must be fully readable.
    let mut rng = XorShift(99);
    let model = random_model(&mut rng, 50, 120, 30);
    let bytes = build(5, &model);
    for _ in 0..5000 {
        let mut b = bytes.clone();
        for _ in 0..1 + rng.below(3) {
            let i = rng.below(b.len() as u64) as usize;
            b[i] ^= 1 << rng.below(8);
        }
        reseal(&mut b);
        if let Ok(seg) = Segment::from_bytes(b) {
            touch_everything(&seg, &mut rng);
        }
    }
}

#[test]
fn damaged_segment_bytes_never_panic() {
    let mut rng = XorShift(1234);
    let model = random_model(&mut rng, 3000, 4000, 60);
    let bytes = build(8, &model);
    for _ in 0..300 {
        let mut b = bytes.clone();
        let i = rng.below(b.len() as u64) as usize;
        b[i] ^= 1 << rng.below(8);
        b.truncate(b.len() - rng.below(2) as usize * rng.below(b.len() as u64) as usize);
        assert!(Segment::from_bytes(b).is_err());
    }
}

#[test]
#[should_panic(expected = "order")]
fn writer_rejects_out_of_order_entries() {
    let mut w = SegmentWriter::new(1, 0);
    w.add(b"b", 1, None);
    w.add(b"a", 2, None);
}

#[test]
#[should_panic(expected = "order")]
fn writer_rejects_a_repeated_version() {
    let mut w = SegmentWriter::new(1, 0);
    w.add(b"a", 3, None);
    w.add(b"a", 3, Some(b"x"));
}

#[test]
fn versions_spanning_many_index_samples_are_found() {
    let mut w = SegmentWriter::new(1, 0);
    w.add(b"a", 1, Some(b"a"));
    for seq in (1..=100u64).rev() {
        w.add(b"m", seq * 2, Some(&seq.to_le_bytes()));
    }
    w.add(b"z", 1, None);
    let seg = Segment::from_bytes(w.finish()).unwrap();
    for snapshot in 0..=201u64 {
        let got = seg.get(b"m", snapshot).map(|e| e.seq);
        let want = if snapshot < 2 { None } else { Some(snapshot.min(200) / 2 * 2) };
        assert_eq!(got, want, "snapshot {}", snapshot);
    }
    assert_eq!((seg.lower_bound(b"m"), seg.lower_bound(b"n"), seg.latest_seq(b"m")), (1, 101, Some(200)));
    assert_eq!((seg.get(b"a", 5).unwrap().seq, seg.get(b"z", 5).unwrap().value), (1, None));
}

#[test]
fn sample_that_disagrees_with_its_entry_is_corruption() {
    let mut w = SegmentWriter::new(1, 0);
    for i in 0..40u32 {
        w.add(format!("key{:03}", i).as_bytes(), 1, Some(b"v"));
    }
    let mut bytes = w.finish();
    let f = bytes.len() - FOOTER_LEN;
    let samples_offset = u64_at(&bytes, f + SAMPLES_OFFSET_OFFSET) as usize;
    bytes[samples_offset + 1 + 5] ^= 1; // a byte inside sample 0's key
    reseal(&mut bytes);
    assert_eq!(Segment::from_bytes(bytes).err().unwrap().code, ErrorCode::Corruption);
}
