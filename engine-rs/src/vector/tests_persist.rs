//! Saving and loading: identical answers after a round trip; damage is an error, never a panic.

use super::persist::HEADER_LEN;
use super::rng::Rng;
use super::testdata::{build, clustered, config};
use super::{Hnsw, Metric, Quantization};
use crate::codec::crc32c;
use crate::error::ErrorCode;

fn sample(metric: Metric, quantization: Quantization, n: usize) -> (Hnsw, Vec<Vec<f32>>) {
    let data = clustered(n + 20, 24, 8, 0.4, 5);
    let mut c = config(24, metric);
    c.quantization = quantization;
    c.m = 8;
    let mut index = build(c, &data[..n]);
    for id in (0..n as u32).step_by(7) {
        index.delete(id).unwrap();
    }
    (index, data[n..].to_vec())
}

#[test]
fn round_trip_gives_identical_results_and_later_inserts_match() {
    for (metric, q) in [(Metric::Cosine, Quantization::None), (Metric::L2, Quantization::Int8), (Metric::Dot, Quantization::None), (Metric::Cosine, Quantization::Bf16), (Metric::L2, Quantization::Bf16)] {
        let (mut index, queries) = sample(metric, q, 600);
        let bytes = index.to_bytes();
        let mut loaded = Hnsw::from_bytes(&bytes).unwrap();
        assert_eq!(loaded.to_bytes(), bytes);
        assert_eq!((loaded.len(), loaded.live_len()), (index.len(), index.live_len()));
        let odd = |id: u32| id % 2 == 1;
        for qv in &queries {
            assert_eq!(loaded.search(qv, 10, None, None, None).unwrap(), index.search(qv, 10, None, None, None).unwrap());
            assert_eq!(loaded.search(qv, 10, Some(20), Some(&odd), None).unwrap(), index.search(qv, 10, Some(20), Some(&odd), None).unwrap());
        }
        // The level PRNG state was saved: inserting into both keeps them identical.
        for qv in &queries[..5] {
            assert_eq!(loaded.insert(qv).unwrap(), index.insert(qv).unwrap());
        }
        assert_eq!(loaded.to_bytes(), index.to_bytes());
    }
    let empty = Hnsw::new(config(3, Metric::L2)).unwrap();
    let loaded = Hnsw::from_bytes(&empty.to_bytes()).unwrap();
    assert_eq!(loaded.len(), 0);
}

#[test]
fn every_truncation_is_an_error() {
    let (index, _) = sample(Metric::L2, Quantization::None, 150);
    let bytes = index.to_bytes();
    for len in 0..bytes.len() {
        let err = Hnsw::from_bytes(&bytes[..len]).unwrap_err();
        assert!(err.code == ErrorCode::Truncated || err.code == ErrorCode::Corruption, "len {}: {}", len, err);
    }
    let mut longer = bytes.clone();
    longer.push(0);
    assert_eq!(Hnsw::from_bytes(&longer).unwrap_err().code, ErrorCode::Corruption);
}

#[test]
fn random_bit_flips_are_errors() {
    let (index, _) = sample(Metric::Cosine, Quantization::Int8, 150);
    let bytes = index.to_bytes();
    let mut rng = Rng::new(77);
    for _ in 0..1500 {
        let mut bad = bytes.clone();
        for _ in 0..1 + rng.next_u32() % 3 {
            let bit = rng.next_u32() as usize % (bad.len() * 8);
            bad[bit / 8] ^= 1 << (bit % 8);
        }
        assert!(Hnsw::from_bytes(&bad).is_err());
    }
}

/// Rewrites the CRC so the structural checks, not the checksum, must catch the damage.
fn forge(bytes: &[u8], edit: &dyn Fn(&mut Vec<u8>)) -> Vec<u8> {
    let mut b = bytes.to_vec();
    edit(&mut b);
    let end = b.len() - 4;
    let crc = crc32c(&b[..end]);
    b[end..].copy_from_slice(&crc.to_le_bytes());
    b
}

type NamedEdit = (&'static str, Box<dyn Fn(&mut Vec<u8>)>);

#[test]
fn damage_under_a_valid_checksum_is_corruption_not_a_panic() {
    let (index, _) = sample(Metric::L2, Quantization::None, 150);
    let bytes = index.to_bytes();
    let (n, dim, m) = (150usize, 24usize, 8usize);
    let levels_at = HEADER_LEN + n * dim * 4;
    let level0_at = levels_at + (n + 3) / 4 * 4;
    let put = |b: &mut Vec<u8>, at: usize, v: u32| b[at..at + 4].copy_from_slice(&v.to_le_bytes());
    let cases: Vec<NamedEdit> = vec![
        ("neighbour id out of range", Box::new(move |b| put(b, level0_at + 4, n as u32 + 3))),
        ("neighbour count over capacity", Box::new(move |b| put(b, level0_at, 2 * m as u32 + 1))),
        ("self link", Box::new(move |b| put(b, level0_at + 4, 0))),
        ("entry out of range", Box::new(move |b| put(b, 52, n as u32))),
        ("level too high", Box::new(move |b| b[levels_at] = 200)),
        ("NaN vector", Box::new(move |b| put(b, HEADER_LEN, f32::NAN.to_bits()))),
        ("metric code", Box::new(|b| b[16] = 9)),
        ("m zero", Box::new(move |b| put(b, 20, 0))),
        ("tombstone count", Box::new(move |b| put(b, 60, 0))),
        ("huge node count", Box::new(move |b| put(b, 48, u32::MAX))),
        ("huge dimension", Box::new(move |b| put(b, 12, u32::MAX))),
    ];
    for (name, edit) in &cases {
        let err = Hnsw::from_bytes(&forge(&bytes, &**edit)).unwrap_err();
        assert!(err.code == ErrorCode::Corruption || err.code == ErrorCode::Truncated, "{}: {}", name, err);
    }
    let mut other = bytes.clone();
    other[0] = b'X';
    assert_eq!(Hnsw::from_bytes(&other).unwrap_err().code, ErrorCode::UnsupportedFormat);
}

#[test]
fn int8_rows_with_damaged_parameters_or_padding_are_corruption() {
    // dim 23: int8 rows of 39 bytes, so the vectors end with padding.
    let data = clustered(40, 23, 4, 0.4, 9);
    let mut c = config(23, Metric::L2);
    c.quantization = Quantization::Int8;
    let bytes = build(c, &data).to_bytes();
    let put = |b: &mut Vec<u8>, at: usize, v: u32| b[at..at + 4].copy_from_slice(&v.to_le_bytes());
    let padding_at = HEADER_LEN + 40 * 39;
    let cases: Vec<NamedEdit> = vec![
        ("NaN scale", Box::new(move |b| put(b, HEADER_LEN, f32::NAN.to_bits()))),
        ("infinite norm", Box::new(move |b| put(b, HEADER_LEN + 39 * 5 + 12, f32::INFINITY.to_bits()))),
        ("non-zero padding", Box::new(move |b| b[padding_at] = 1)),
    ];
    for (name, edit) in &cases {
        let err = Hnsw::from_bytes(&forge(&bytes, &**edit)).unwrap_err();
        assert_eq!(err.code, ErrorCode::Corruption, "{}: {}", name, err);
    }
}

#[test]
fn a_version_1_int8_file_with_f32_rows_loads_as_codes() {
    // Version 1 saved f32 rows whatever the quantization: an f32 file relabelled is one.
    let (index, queries) = sample(Metric::L2, Quantization::None, 300);
    let v1 = forge(&index.to_bytes(), &|b| {
        b[8..12].copy_from_slice(&1u32.to_le_bytes());
        b[17] = Quantization::Int8 as u8;
    });
    let loaded = Hnsw::from_bytes(&v1).unwrap();
    assert!(loaded.vector(0).is_none(), "loaded as codes");
    assert_eq!(loaded.config().quantization, Quantization::Int8);
    assert!(loaded.to_bytes().len() < v1.len(), "saved again as version 2 int8 rows");
    // Ranked by codes alone, it still finds what the f32 index finds.
    for q in &queries[..5] {
        let want = index.exact_search(q, 5, None, None).unwrap();
        let got = loaded.search(q, 5, Some(64), None, None).unwrap();
        assert!(got.iter().filter(|(id, _)| want.iter().any(|(w, _)| w == id)).count() >= 4);
    }
}

#[test]
fn f32_indexes_are_written_as_version_1_and_only_int8_as_version_2() {
    let version = |q: Quantization| {
        let (index, _) = sample(Metric::Cosine, q, 50);
        let bytes = index.to_bytes();
        u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]])
    };
    assert_eq!((version(Quantization::None), version(Quantization::Int8), version(Quantization::Bf16)), (1, 2, 4));
    // Only a version 1 file with int8 is in a format no longer written.
    let (f32_index, _) = sample(Metric::L2, Quantization::None, 50);
    let (int8_index, _) = sample(Metric::L2, Quantization::Int8, 50);
    let f32_bytes = f32_index.to_bytes();
    let v1_int8 = forge(&f32_bytes, &|b| b[17] = Quantization::Int8 as u8);
    assert!(Hnsw::saved_in_old_format(&v1_int8));
    assert!(!Hnsw::saved_in_old_format(&f32_bytes) && !Hnsw::saved_in_old_format(&int8_index.to_bytes()));
}

fn le_bytes(v: &[f32]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

/// An index of `n` vectors with every 7th deleted, saved without its live rows; the inserted
/// vectors as the documents would hold them.
fn saved_without_live_rows(metric: Metric, quantization: Quantization, n: usize) -> (Hnsw, Vec<u8>, Vec<Vec<u8>>, Vec<Vec<f32>>) {
    let data = clustered(n + 20, 24, 8, 0.4, 5);
    let mut c = config(24, metric);
    c.m = 8;
    c.quantization = quantization;
    let mut index = build(c, &data[..n]);
    for id in (0..n as u32).step_by(7) {
        index.delete(id).unwrap();
    }
    let parts = index.save_parts_without_live_rows();
    let bytes = index.pieces(&parts).concat();
    let documents = data[..n].iter().map(|v| le_bytes(v)).collect();
    (index, bytes, documents, data[n..].to_vec())
}

#[test]
fn saved_without_live_rows_it_is_whole_again_once_the_documents_give_them_back() {
    let cases = [
        (Metric::Cosine, Quantization::None),
        (Metric::L2, Quantization::None),
        (Metric::Dot, Quantization::None),
        (Metric::Cosine, Quantization::Int8),
        (Metric::L2, Quantization::Int8),
        (Metric::Cosine, Quantization::Bf16),
        (Metric::L2, Quantization::Bf16),
        (Metric::Dot, Quantization::Bf16),
    ];
    for (metric, quantization) in cases {
        let (index, bytes, documents, queries) = saved_without_live_rows(metric, quantization, 600);
        let whole = index.to_bytes();
        if quantization == Quantization::Int8 {
            assert_eq!(bytes, whole, "int8 codes are saved whole");
            continue;
        }
        let (row_bytes, version) = if quantization == Quantization::Bf16 { (24 * 2, 5) } else { (24 * 4, 3) };
        assert_eq!(bytes.len(), whole.len() - index.live_len() * row_bytes, "only the tombstones' rows are saved");
        assert_eq!(u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]), version);
        let mut loaded = Hnsw::from_bytes(&bytes).unwrap();
        assert!(loaded.rows_missing());
        loaded.restore_rows(&|id: u32| Some(&documents[id as usize][..])).unwrap();
        assert!(!loaded.rows_missing());
        // Bit for bit the rows that were saved (cosine ones normalised as at insert), tombstones' too.
        assert_eq!(loaded.to_bytes(), whole, "{:?} {:?}", metric, quantization);
        for q in &queries {
            assert_eq!(loaded.search(q, 10, None, None, None).unwrap(), index.search(q, 10, None, None, None).unwrap());
        }
    }
}

#[test]
fn a_file_whose_version_and_quantization_disagree_is_corruption() {
    let (f32_index, _) = sample(Metric::L2, Quantization::None, 40);
    let (bf16_index, _) = sample(Metric::L2, Quantization::Bf16, 40);
    let with = |bytes: &[u8], version: u32, quantization: Quantization| {
        forge(bytes, &|b| {
            b[8..12].copy_from_slice(&version.to_le_bytes());
            b[17] = quantization as u8;
        })
    };
    for bad in [
        with(&f32_index.to_bytes(), 1, Quantization::Bf16),
        with(&f32_index.to_bytes(), 3, Quantization::Int8),
        with(&bf16_index.to_bytes(), 4, Quantization::None),
        with(&bf16_index.to_bytes(), 5, Quantization::Int8),
    ] {
        assert_eq!(Hnsw::from_bytes(&bad).unwrap_err().code, ErrorCode::Corruption);
    }
    let future = with(&bf16_index.to_bytes(), 6, Quantization::Bf16);
    assert_eq!(Hnsw::from_bytes(&future).unwrap_err().code, ErrorCode::UnsupportedFormat);
    // A bf16 row holding infinity (exponent bits all ones) is refused.
    let inf_row = forge(&bf16_index.to_bytes(), &|b| b[HEADER_LEN..HEADER_LEN + 2].copy_from_slice(&0x7f80u16.to_le_bytes()));
    assert_eq!(Hnsw::from_bytes(&inf_row).unwrap_err().code, ErrorCode::Corruption);
    // 5-d rows are padded to 8 values with zeros; a nonzero pad would skew every distance.
    let mut c = super::testdata::config(5, Metric::L2);
    c.quantization = Quantization::Bf16;
    let narrow = super::testdata::build(c, &clustered(10, 5, 2, 0.4, 5));
    assert!(Hnsw::from_bytes(&narrow.to_bytes()).is_ok());
    let padded = forge(&narrow.to_bytes(), &|b| b[HEADER_LEN + 2 * 5 + 1] = 0x3f);
    assert_eq!(Hnsw::from_bytes(&padded).unwrap_err().code, ErrorCode::Corruption);
}

#[test]
fn restoring_rows_names_a_node_whose_document_is_missing_or_of_another_dimension() {
    let (_, bytes, documents, _) = saved_without_live_rows(Metric::Cosine, Quantization::None, 100);
    let mut loaded = Hnsw::from_bytes(&bytes).unwrap();
    let err = loaded.restore_rows(&|id: u32| if id == 5 { None } else { Some(&documents[id as usize][..]) }).unwrap_err();
    assert_eq!(err.code, ErrorCode::Corruption);
    assert!(err.message.contains("node 5"), "{}", err.message);
    assert!(loaded.rows_missing(), "still unusable");
    let short = documents[3][..20].to_vec();
    let err = loaded.restore_rows(&|id: u32| Some(if id == 3 { &short[..] } else { &documents[id as usize][..] })).unwrap_err();
    assert!(err.message.contains("node 3") && err.message.contains("dimension"), "{}", err.message);
}

#[test]
#[should_panic(expected = "before restore_rows")]
fn an_index_still_missing_its_rows_refuses_to_search() {
    let (_, bytes, _, queries) = saved_without_live_rows(Metric::L2, Quantization::None, 50);
    let loaded = Hnsw::from_bytes(&bytes).unwrap();
    let _ = loaded.search(&queries[0], 5, None, None, None);
}

#[test]
fn an_index_saved_without_rows_when_all_are_tombstones_needs_no_restore() {
    let data = clustered(10, 24, 2, 0.4, 5);
    let mut index = build(config(24, Metric::L2), &data);
    for id in 0..10 {
        index.delete(id).unwrap();
    }
    let parts = index.save_parts_without_live_rows();
    let loaded = Hnsw::from_bytes(&index.pieces(&parts).concat()).unwrap();
    assert!(!loaded.rows_missing());
    assert_eq!(loaded.to_bytes(), index.to_bytes());
}

#[test]
fn every_truncation_of_an_index_saved_without_rows_is_an_error() {
    let (_, bytes, _, _) = saved_without_live_rows(Metric::Cosine, Quantization::None, 150);
    for len in 0..bytes.len() {
        let err = Hnsw::from_bytes(&bytes[..len]).unwrap_err();
        assert!(err.code == ErrorCode::Truncated || err.code == ErrorCode::Corruption, "len {}: {}", len, err);
    }
}

#[test]
fn an_index_claiming_more_rows_than_memory_holds_is_refused_before_allocating_them() {
    // Versions 3 and 5 store only the tombstones' rows, so 13 MB of graph can claim 600k nodes of
    // 4096 values: 9.8 GB of f32 rows (4.9 GB of bf16) to restore, past WebAssembly's 4 GiB.
    for (version, quantization) in [(3u32, Quantization::None), (5, Quantization::Bf16)] {
        let (n, m) = (600_000usize, 2usize);
        let mut bytes = vec![0u8; HEADER_LEN];
        bytes[..8].copy_from_slice(b"SOCHHNSW");
        for (at, v) in [(8, version as usize), (12, 4096), (20, m), (24, 200), (28, 64), (48, n)] {
            bytes[at..at + 4].copy_from_slice(&(v as u32).to_le_bytes());
        }
        bytes[16] = Metric::L2 as u8;
        bytes[17] = quantization as u8;
        bytes.resize(HEADER_LEN + (n + 3) / 4 * 4 + n * (1 + 2 * m) * 4 + (n / 64 + 1) * 8, 0);
        let crc = crc32c(&bytes);
        bytes.extend_from_slice(&crc.to_le_bytes());
        let err = Hnsw::from_bytes(&bytes).unwrap_err();
        assert_eq!(err.code, ErrorCode::OutOfMemory, "version {}: {}", version, err);
        assert!(err.message.contains("600000 nodes"), "{}", err.message);
    }
}
