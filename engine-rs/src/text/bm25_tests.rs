//! BM25 index tests: scores against a naive f64 reference, top-k against brute force over a model
//! through random adds / removes / updates, filters, persistence and damage, and the ignored bench.

use std::collections::{BTreeMap, HashSet};

use crate::error::ErrorCode;
use crate::text::bm25::{Bm25Index, ScoreParams};
use crate::text::postings::END;
use crate::text::tokenizer::tokens;
use crate::text::topk::sort_hits;

/// splitmix64: seeded, so every run sees the same corpus.
pub struct Rng(u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    pub fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Word ranks drawn with P(rank r) proportional to 1 / r^s.
pub struct Zipf(Vec<f64>);

impl Zipf {
    pub fn new(vocab: usize, s: f64) -> Zipf {
        let mut cdf = Vec::with_capacity(vocab);
        let mut sum = 0.0;
        for r in 1..=vocab {
            sum += 1.0 / (r as f64).powf(s);
            cdf.push(sum);
        }
        cdf.iter_mut().for_each(|c| *c /= sum);
        Zipf(cdf)
    }
    pub fn word(&self, rng: &mut Rng) -> String {
        let u = rng.unit();
        format!("w{}", self.0.partition_point(|&c| c < u).min(self.0.len() - 1))
    }
    pub fn text(&self, rng: &mut Rng, words: usize) -> String {
        (0..words).map(|_| self.word(rng)).collect::<Vec<_>>().join(" ")
    }
}

type Model = BTreeMap<u32, Vec<String>>;

/// Scores every model doc with the index's own f32 formula and term order: the exact answer.
fn brute(ix: &Bm25Index, model: &Model, query: &str, k: usize, filter: Option<&dyn Fn(u32) -> bool>) -> Vec<(u32, f32)> {
    let total: u64 = model.values().map(|t| t.len() as u64).sum();
    let p = ScoreParams::new(model.len() as u32, total);
    let mut terms: Vec<(u32, String)> = tokens(query).into_iter().filter_map(|t| ix.dict.get(t.as_str()).map(|&id| (id, t))).collect();
    terms.sort();
    terms.dedup();
    let dfs: Vec<u32> = terms.iter().map(|(_, t)| model.values().filter(|d| d.contains(t)).count() as u32).collect();
    let mut hits = Vec::new();
    for (&id, doc) in model {
        let mut score = 0f32;
        let mut matched = false;
        for ((_, t), &df) in terms.iter().zip(&dfs) {
            let tf = doc.iter().filter(|x| *x == t).count() as u32;
            if tf > 0 {
                matched = true;
                score += p.contribution(p.weight(df), tf, doc.len() as u32);
            }
        }
        if matched && filter.map_or(true, |f| f(id)) {
            hits.push((id, score));
        }
    }
    sort_hits(&mut hits, k);
    hits
}

/// Textbook BM25 in f64 over the model, independent of the index's code.
fn naive(model: &Model, query: &str) -> BTreeMap<u32, f64> {
    let n = model.len() as f64;
    let avgdl = model.values().map(|d| d.len()).sum::<usize>() as f64 / n;
    let q: HashSet<String> = tokens(query).into_iter().collect();
    let mut out = BTreeMap::new();
    for t in &q {
        let df = model.values().filter(|d| d.contains(t)).count() as f64;
        let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
        for (&id, d) in model {
            let tf = d.iter().filter(|x| *x == t).count() as f64;
            if tf > 0.0 {
                let s = idf * tf * 2.2 / (tf + 1.2 * (1.0 - 0.75 + 0.75 * d.len() as f64 / avgdl));
                *out.entry(id).or_insert(0.0) += s;
            }
        }
    }
    out
}

fn add(ix: &mut Bm25Index, model: &mut Model, id: u32, text: &str) {
    ix.update(id, text).unwrap();
    model.insert(id, tokens(text));
}

fn zipf_corpus(seed: u64, docs: u32, vocab: usize) -> (Bm25Index, Model, Zipf, Rng) {
    let mut rng = Rng(seed);
    let zipf = Zipf::new(vocab, 1.0);
    let (mut ix, mut model) = (Bm25Index::new(), Model::new());
    for _ in 0..docs {
        let id = rng.below(docs as u64 * 3) as u32; // sparse ids, some repeated (updates)
        let len = 1 + rng.below(30) as usize;
        add(&mut ix, &mut model, id, &zipf.text(&mut rng, len));
    }
    (ix, model, zipf, rng)
}

fn check_queries(ix: &Bm25Index, model: &Model, zipf: &Zipf, rng: &mut Rng, count: usize) {
    for _ in 0..count {
        let words = 1 + rng.below(4) as usize;
        let q = zipf.text(rng, words);
        let all = brute(ix, model, &q, usize::MAX, None); // a total order: top k is a prefix
        for &k in &[1usize, 3, 10, 50] {
            assert_eq!(ix.search(&q, k, None), &all[..k.min(all.len())], "query {:?} k {}", q, k);
        }
    }
}

#[test]
fn scores_match_a_naive_f64_reference() {
    let texts = [
        "the cat sat on the mat",
        "the dog chased the cat around the garden",
        "a quick brown fox",
        "cats and dogs and cats again",
        "the the the the the",
        "",
        "mat mat cat",
        "Der Hund und die Katze",
    ];
    let (mut ix, mut model) = (Bm25Index::new(), Model::new());
    for (i, t) in texts.iter().enumerate() {
        add(&mut ix, &mut model, 100 + i as u32 * 7, t);
    }
    for q in ["cat", "the cat", "cat the cat", "mat dog fox", "cats", "hund katze", "absent", "the"] {
        let want = naive(&model, q);
        let got = ix.search(q, 100, None);
        assert_eq!(got.len(), want.len(), "query {:?}", q);
        for (id, score) in &got {
            let w = want[id];
            assert!((*score as f64 - w).abs() <= 1e-5 * w.max(1.0), "query {:?} doc {}: {} vs {}", q, id, score, w);
        }
        assert!(got.windows(2).all(|w| w[0].1 > w[1].1 || (w[0].1 == w[1].1 && w[0].0 < w[1].0)));
    }
    assert_eq!(ix.search("the cat", 2, None), ix.search("cat the", 2, None));
}

#[test]
fn top_k_equals_brute_force_on_a_zipf_corpus_through_removes_and_updates() {
    let (mut ix, mut model, zipf, mut rng) = zipf_corpus(7, 3000, 1500);
    check_queries(&ix, &model, &zipf, &mut rng, 60);
    for round in 0..4 {
        for _ in 0..400 {
            let id = rng.below(9000) as u32;
            if rng.below(3) == 0 {
                assert_eq!(ix.remove(id), model.remove(&id).is_some());
            } else {
                let len = rng.below(25) as usize;
                add(&mut ix, &mut model, id, &zipf.text(&mut rng, len));
            }
        }
        assert_eq!(ix.len(), model.len(), "round {}", round);
        check_queries(&ix, &model, &zipf, &mut rng, 40);
    }
}

#[test]
fn removing_most_docs_compacts_and_keeps_results_exact() {
    let (mut ix, mut model, zipf, mut rng) = zipf_corpus(11, 5000, 800);
    let before = ix.heap_bytes();
    let ids: Vec<u32> = model.keys().copied().collect();
    for id in ids.iter().filter(|&&id| id % 5 != 0) {
        assert!(ix.remove(*id));
        model.remove(id);
    }
    assert!(ix.ext_ids.len() < ids.len(), "a compaction ran: {} ordinals", ix.ext_ids.len());
    assert!(ix.heap_bytes() < before);
    check_queries(&ix, &model, &zipf, &mut rng, 40);
    ix.compact();
    assert_eq!(ix.ext_ids.len(), model.len());
    assert!(ix.terms.iter().all(|t| t.df > 0 && t.postings.len() == t.df));
    check_queries(&ix, &model, &zipf, &mut rng, 40);
    for id in model.keys() {
        ix.remove(*id);
    }
    assert!(ix.is_empty() && ix.search("w0 w1", 10, None).is_empty());
    assert_eq!(ix.total_len, 0);
}

#[test]
fn renumber_moves_every_live_doc_to_its_new_id_and_keeps_results_exact() {
    let (mut ix, model, zipf, mut rng) = zipf_corpus(13, 2000, 600);
    ix.remove(*model.keys().next().unwrap());
    let model: Model = model.into_iter().skip(1).collect();
    // An order-keeping map onto dense ids, as `Hnsw::purge` gives; removed ids map to END.
    let mut map = vec![END; 6000];
    for (new, id) in model.keys().enumerate() {
        map[*id as usize] = new as u32;
    }
    let renumbered: Model = model.iter().map(|(id, t)| (map[*id as usize], t.clone())).collect();
    let queries: Vec<String> = (0..30).map(|_| zipf.text(&mut rng, 2)).collect();
    let before: Vec<Vec<(u32, f32)>> = queries.iter().map(|q| ix.search(q, 10, None)).collect();
    ix.renumber(&map).unwrap();
    assert_eq!((ix.len(), ix.ext_ids.len()), (model.len(), model.len()));
    for (q, before) in queries.iter().zip(&before) {
        let want: Vec<(u32, f32)> = before.iter().map(|&(id, s)| (map[id as usize], s)).collect();
        assert_eq!(ix.search(q, 10, None), want, "query {:?}", q);
    }
    check_queries(&ix, &renumbered, &zipf, &mut rng, 20);
    let mut short = map.clone();
    short.truncate(1);
    assert_eq!(ix.renumber(&short).unwrap_err().code, ErrorCode::InvalidArgument);
}

#[test]
fn filter_keeps_only_accepted_docs_and_still_fills_k() {
    let (ix, model, zipf, mut rng) = zipf_corpus(3, 2000, 500);
    let even = |id: u32| id % 2 == 0;
    let none = |_: u32| false;
    for _ in 0..40 {
        let q = zipf.text(&mut rng, 3);
        let got = ix.search(&q, 10, Some(&even));
        assert!(got.iter().all(|h| h.0 % 2 == 0));
        assert_eq!(got, brute(&ix, &model, &q, 10, Some(&even)), "query {:?}", q);
        assert!(ix.search(&q, 10, Some(&none)).is_empty());
    }
}

#[test]
fn add_rejects_a_known_id_and_update_replaces_the_text() {
    let mut ix = Bm25Index::new();
    ix.add(1, "red apple").unwrap();
    assert_eq!(ix.add(1, "green pear").unwrap_err().code, ErrorCode::InvalidArgument);
    ix.update(1, "green pear").unwrap();
    ix.update(2, "red wine").unwrap();
    assert_eq!(ix.search("apple", 10, None), vec![]);
    assert_eq!(ix.search("pear", 10, None).iter().map(|h| h.0).collect::<Vec<_>>(), vec![1]);
    assert_eq!(ix.doc_freq("red"), 1);
    assert!(!ix.remove(3) && ix.remove(2) && !ix.remove(2));
    assert_eq!(ix.doc_freq("red"), 0);
    assert!(ix.search("", 10, None).is_empty() && ix.search("pear", 0, None).is_empty());
}

#[test]
fn bytes_round_trip_to_an_identical_index() {
    let (mut ix, model, zipf, mut rng) = zipf_corpus(5, 1500, 600);
    for id in model.keys().take(200) {
        ix.remove(*id); // removed ordinals and their postings are saved too
    }
    let bytes = ix.to_bytes();
    let back = Bm25Index::from_bytes(&bytes).unwrap();
    assert_eq!(back.to_bytes(), bytes);
    assert_eq!(back.len(), ix.len());
    for _ in 0..50 {
        let q = zipf.text(&mut rng, 3);
        assert_eq!(back.search(&q, 10, None), ix.search(&q, 10, None));
    }
    assert!(Bm25Index::from_bytes(&Bm25Index::new().to_bytes()).unwrap().is_empty());
}

#[test]
fn truncated_or_damaged_bytes_are_errors_never_panics() {
    let (ix, _, _, _) = zipf_corpus(9, 40, 60);
    let bytes = ix.to_bytes();
    for cut in 0..bytes.len() {
        let code = Bm25Index::from_bytes(&bytes[..cut]).unwrap_err().code;
        assert!(code == ErrorCode::Truncated || code == ErrorCode::Corruption, "cut {}", cut);
    }
    for bit in 0..bytes.len() * 8 {
        let mut bad = bytes.clone();
        bad[bit / 8] ^= 1 << (bit % 8);
        assert_eq!(Bm25Index::from_bytes(&bad).unwrap_err().code, ErrorCode::Corruption, "bit {}", bit);
    }
    // Forged: every byte of the body changed with a valid checksum must still load or fail cleanly.
    for i in 0..bytes.len() - 4 {
        for &v in &[0u8, 1, 0x7F, 0x80, 0xFF] {
            let mut bad = bytes[..bytes.len() - 4].to_vec();
            bad[i] = v;
            let crc = crate::codec::crc32c(&bad);
            bad.extend_from_slice(&crc.to_le_bytes());
            if let Ok(loaded) = Bm25Index::from_bytes(&bad) {
                let _ = loaded.search("w0 w1 w2 w3", 5, None);
            }
        }
    }
}

/// Reference exhaustive term-at-a-time scorer over the postings (dense accumulator), in ascending
/// term-id order: bit-equal to `search`, and the baseline the bench compares MaxScore with.
fn taat(ix: &Bm25Index, query: &str, k: usize, acc: &mut Vec<f32>, touched: &mut Vec<u32>) -> Vec<(u32, f32)> {
    let p = ix.params();
    let mut ids: Vec<u32> = tokens(query).iter().filter_map(|t| ix.dict.get(t.as_str()).copied()).collect();
    ids.sort_unstable();
    ids.dedup();
    acc.resize(ix.ext_ids.len(), -1.0);
    for &id in &ids {
        let term = &ix.terms[id as usize];
        let w = p.weight(term.df);
        let mut c = term.postings.cursor();
        while c.doc != END {
            if ix.is_alive(c.doc) {
                let slot = &mut acc[c.doc as usize];
                if *slot < 0.0 {
                    *slot = 0.0;
                    touched.push(c.doc);
                }
                *slot += p.contribution(w, c.tf(), ix.doc_lens[c.doc as usize]);
            }
            c.next();
        }
    }
    let mut top = crate::text::topk::TopK::new(k);
    for &d in touched.iter() {
        top.push(crate::text::topk::Hit { score: acc[d as usize], id: ix.ext_ids[d as usize] });
        acc[d as usize] = -1.0;
    }
    touched.clear();
    top.into_sorted()
}

#[test]
#[ignore]
fn bench_100k_zipf_docs() {
    use std::time::Instant;
    let (docs, vocab) = (100_000u32, 50_000usize);
    let mut rng = Rng(42);
    let zipf = Zipf::new(vocab, 1.0);
    let texts: Vec<String> = (0..docs).map(|_| { let n = 20 + rng.below(81) as usize; zipf.text(&mut rng, n) }).collect();
    let t = Instant::now();
    let mut ix = Bm25Index::new();
    for (i, text) in texts.iter().enumerate() {
        ix.add(i as u32, text).unwrap();
    }
    let build = t.elapsed();
    let queries: Vec<String> = (0..5000).map(|_| { let n = 2 + rng.below(3) as usize; zipf.text(&mut rng, n) }).collect();
    let (mut acc, mut touched) = (Vec::new(), Vec::new());
    for q in queries.iter().take(300) {
        assert_eq!(ix.search(q, 10, None), taat(&ix, q, 10, &mut acc, &mut touched), "query {:?}", q);
    }
    let t = Instant::now();
    let mut sink = 0usize;
    for q in &queries {
        sink += ix.search(q, 10, None).len();
    }
    let maxscore_qps = queries.len() as f64 / t.elapsed().as_secs_f64();
    let mut lat: Vec<(f64, &String)> = queries.iter().take(1000).map(|q| { let t = Instant::now(); sink += ix.search(q, 10, None).len(); (t.elapsed().as_secs_f64() * 1e6, q) }).collect();
    lat.sort_by(|a, b| a.0.total_cmp(&b.0));
    println!("latency us p50 {:.0} p90 {:.0} p99 {:.0} max {:.0} ({:?})", lat[500].0, lat[900].0, lat[990].0, lat[999].0, lat[999].1);
    let t = Instant::now();
    for q in queries.iter().take(1000) {
        sink += taat(&ix, q, 10, &mut acc, &mut touched).len();
    }
    let taat_qps = 1000.0 / t.elapsed().as_secs_f64();
    let t = Instant::now();
    let bytes = ix.to_bytes();
    let save = t.elapsed();
    let t = Instant::now();
    let back = Bm25Index::from_bytes(&bytes).unwrap();
    let load = t.elapsed();
    let postings: u64 = ix.terms.iter().map(|t| t.postings.len() as u64).sum();
    println!("docs {} vocab(seen) {} tokens {} postings {} (sink {})", docs, ix.terms.len(), ix.total_len, postings, sink);
    println!("build {:?} ({:.0} docs/s)", build, docs as f64 / build.as_secs_f64());
    println!("top-10 MaxScore {:.0} QPS; exhaustive TAAT {:.0} QPS", maxscore_qps, taat_qps);
    println!("heap {:.1} MiB, bytes {:.1} MiB, save {:?}, load+validate {:?}", ix.heap_bytes() as f64 / 1048576.0, bytes.len() as f64 / 1048576.0, save, load);
    assert_eq!(back.len(), ix.len());
}
