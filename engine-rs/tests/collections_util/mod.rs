//! Helpers for the collection tests: reserved keys and records built with the crate's own codecs,
//! `soch_search` requests and results, clustered vectors and a brute-force oracle.
#![allow(dead_code)]

use sochdb_engine::{collection_key, document_key, encode_record, Engine};

pub const NS: &str = "ns";

pub const HAS_VECTOR: u32 = 1;
pub const INCLUDE_VECTORS: u32 = 2;
pub const FUSION_RRF: u32 = 4;
pub const EXACT: u32 = 8;

pub fn col_key(name: &str) -> Vec<u8> {
    collection_key(NS, name).unwrap()
}

pub fn doc_key(collection: &str, id: &str) -> Vec<u8> {
    document_key(NS, collection, id).unwrap()
}

pub fn record(vector: &[f32], metadata: &str, content: Option<&str>) -> Vec<u8> {
    let mut out = Vec::new();
    encode_record(vector, metadata.as_bytes(), content, &mut out).unwrap();
    out
}

pub fn create(engine: &mut Engine, name: &str, json: &str) {
    engine.put(&col_key(name), json.as_bytes()).unwrap();
}

pub fn put_doc(engine: &mut Engine, collection: &str, id: &str, vector: &[f32], metadata: &str, content: Option<&str>) {
    engine.put(&doc_key(collection, id), &record(vector, metadata, content)).unwrap();
}

/// Inserts `vectors` as documents `d<i>` with metadata from `metadata(i)`, in transactions of 250.
pub fn fill(engine: &mut Engine, collection: &str, vectors: &[Vec<f32>], metadata: &dyn Fn(usize) -> String) {
    for (batch_index, batch) in vectors.chunks(250).enumerate() {
        let txn = engine.txn_begin().unwrap();
        for (j, vector) in batch.iter().enumerate() {
            let i = batch_index * 250 + j;
            let value = record(vector, &metadata(i), None);
            engine.txn_put(txn, &doc_key(collection, &format!("d{}", i)), &value).unwrap();
        }
        engine.txn_commit(txn).unwrap();
    }
}

/// A `soch_search` request.
#[derive(Clone, Default)]
pub struct Query {
    pub k: u32,
    pub ef_search: u32,
    pub flags: u32,
    pub alpha: f32,
    pub vector: Option<Vec<f32>>,
    pub text: String,
    pub filter: String,
}

impl Query {
    pub fn vector(k: u32, vector: &[f32]) -> Query {
        Query { k, flags: HAS_VECTOR, vector: Some(vector.to_vec()), ..Query::default() }
    }

    pub fn text(k: u32, text: &str) -> Query {
        Query { k, text: text.to_string(), ..Query::default() }
    }

    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        for v in [self.k, self.ef_search, self.flags, self.alpha.to_bits()] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        let vector = self.vector.clone().unwrap_or_default();
        out.extend_from_slice(&(vector.len() as u32).to_le_bytes());
        for x in vector {
            out.extend_from_slice(&x.to_le_bytes());
        }
        out.extend_from_slice(&(self.text.len() as u32).to_le_bytes());
        out.extend_from_slice(self.text.as_bytes());
        out.extend_from_slice(&(self.filter.len() as u32).to_le_bytes());
        out.extend_from_slice(self.filter.as_bytes());
        out
    }
}

/// One decoded result. Equal when bit-equal (an unused side's NaN equals itself).
#[derive(Clone, Debug)]
pub struct Found {
    pub score: f32,
    pub vector_score: f32,
    pub text_score: f32,
    pub id: String,
    pub metadata: String,
    pub content: Option<String>,
    pub vector: Vec<f32>,
}

impl PartialEq for Found {
    fn eq(&self, other: &Found) -> bool {
        let bits = |f: &Found| [f.score.to_bits(), f.vector_score.to_bits(), f.text_score.to_bits()];
        let vector_bits = |f: &Found| f.vector.iter().map(|x| x.to_bits()).collect::<Vec<u32>>();
        bits(self) == bits(other)
            && (&self.id, &self.metadata, &self.content) == (&other.id, &other.metadata, &other.content)
            && vector_bits(self) == vector_bits(other)
    }
}

pub fn search(engine: &Engine, collection: &str, query: &Query) -> Vec<Found> {
    let mut out = Vec::new();
    let count = engine.search(&col_key(collection), &query.encode(), &mut out).unwrap();
    let found = decode_results(&out);
    assert_eq!(found.len(), count as usize);
    found
}

pub fn ids(found: &[Found]) -> Vec<String> {
    found.iter().map(|f| f.id.clone()).collect()
}

struct Bytes<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Bytes<'a> {
    fn take(&mut self, n: usize) -> &'a [u8] {
        let out = &self.bytes[self.pos..self.pos + n];
        self.pos += n;
        out
    }
    fn u32(&mut self) -> u32 {
        u32::from_le_bytes(self.take(4).try_into().unwrap())
    }
    fn f32(&mut self) -> f32 {
        f32::from_bits(self.u32())
    }
    fn text(&mut self, n: usize) -> String {
        String::from_utf8(self.take(n).to_vec()).unwrap()
    }
}

/// Decodes ABI.md's result encoding.
pub fn decode_results(bytes: &[u8]) -> Vec<Found> {
    let mut r = Bytes { bytes, pos: 0 };
    let mut found = Vec::new();
    while r.pos < bytes.len() {
        let (score, vector_score, text_score) = (r.f32(), r.f32(), r.f32());
        let id_len = u16::from_le_bytes(r.take(2).try_into().unwrap()) as usize;
        let id = r.text(id_len);
        let metadata_len = r.u32() as usize;
        let metadata = r.text(metadata_len);
        let content = match r.u32() {
            u32::MAX => None,
            len => Some(r.text(len as usize)),
        };
        let dim = r.u32() as usize;
        let vector = (0..dim).map(|_| r.f32()).collect();
        found.push(Found { score, vector_score, text_score, id, metadata, content, vector });
    }
    found
}

/// xorshift64*, seeded.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// Uniform in [-1, 1).
    pub fn unit(&mut self) -> f32 {
        (self.next() >> 40) as f32 / (1u64 << 23) as f32 - 1.0
    }
}

/// `n` vectors of `dim` around `clusters` random centres (noise 0.5 per component, centres in [-1, 1)).
pub fn clustered(n: usize, dim: usize, clusters: usize, seed: u64) -> Vec<Vec<f32>> {
    let mut rng = Rng::new(seed);
    let centres: Vec<Vec<f32>> = (0..clusters).map(|_| (0..dim).map(|_| rng.unit()).collect()).collect();
    (0..n).map(|i| centres[i % clusters].iter().map(|c| c + 0.5 * rng.unit()).collect()).collect()
}

#[derive(Clone, Copy, PartialEq)]
pub enum Metric {
    Cosine,
    L2,
    Dot,
}

/// Higher is better, as the engine scores.
pub fn score(metric: Metric, a: &[f32], b: &[f32]) -> f32 {
    let dot: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    match metric {
        Metric::Dot => dot,
        Metric::L2 => -a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum::<f32>(),
        Metric::Cosine => {
            let na = a.iter().map(|x| x * x).sum::<f32>().sqrt();
            let nb = b.iter().map(|x| x * x).sum::<f32>().sqrt();
            dot / (na * nb)
        }
    }
}

/// Ids `d<i>` of the k best vectors passing `keep`, by brute force.
pub fn oracle(
    metric: Metric,
    vectors: &[Vec<f32>],
    query: &[f32],
    k: usize,
    keep: &dyn Fn(usize) -> bool,
) -> Vec<String> {
    let mut scored: Vec<(f32, usize)> =
        (0..vectors.len()).filter(|&i| keep(i)).map(|i| (score(metric, query, &vectors[i]), i)).collect();
    scored.sort_by(|a, b| b.0.partial_cmp(&a.0).unwrap().then(a.1.cmp(&b.1)));
    scored.into_iter().take(k).map(|(_, i)| format!("d{}", i)).collect()
}

/// Fraction of `expected` found in `got`.
pub fn recall(got: &[String], expected: &[String]) -> f64 {
    if expected.is_empty() {
        return 1.0;
    }
    expected.iter().filter(|id| got.contains(id)).count() as f64 / expected.len() as f64
}
