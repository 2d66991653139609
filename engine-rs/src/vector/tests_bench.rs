//! Timings on 10k x 128-d clustered vectors. Ignored by default; run in release:
//! `cargo test --release --lib vector::tests_bench -- --ignored --nocapture`.

use std::cell::Cell;
use std::time::Instant;

use super::testdata::{build, clustered, queries, recall};
use super::measure::ByFn;
use super::visited::Visited;
use super::{HnswConfig, Metric, Quantization};

fn run(metric: Metric, quantization: Quantization, sigma: f32) {
    let (n, dim, clusters) = (10_000, 128, 30);
    let data = clustered(n, dim, clusters, sigma, 11);
    let qs = queries(200, dim, clusters, sigma, 11);
    let mut c = HnswConfig::new(dim, metric);
    c.quantization = quantization;
    let t = Instant::now();
    let index = build(c, &data);
    let secs = t.elapsed().as_secs_f64();
    println!("{:?} {:?} sigma {}: build {:.0} vectors/s ({:.2}s)", metric, quantization, sigma, n as f64 / secs, secs);
    for ef in [10, 16, 32, 64, 128, 256] {
        let r = recall(&index, &qs, 10, Some(ef));
        let t = Instant::now();
        let rounds = 5;
        for _ in 0..rounds {
            for q in &qs {
                index.search(q, 10, Some(ef), None, None).unwrap();
            }
        }
        let qps = (rounds * qs.len()) as f64 / t.elapsed().as_secs_f64();
        println!("  ef {:>3}: recall@10 {:.4}, {:>7.0} QPS", ef, r, qps);
    }
    // Distance evaluations per walk, to calibrate the filter planner (`exact.rs`).
    for (ef, modulo) in [(64u32, 1u32), (64, 2), (64, 10), (64, 50), (16, 1), (128, 1)] {
        let count = Cell::new(0usize);
        for q in &qs {
            let q = index.prepare(q, "q").unwrap();
            let dist = ByFn(|x: u32| {
                count.set(count.get() + 1);
                metric.distance(&q, index.vector(x).unwrap())
            });
            let accept = |x: u32| x % modulo == 0;
            index.descend_and_walk(&mut Visited::default(), ef as usize, &dist, &accept, modulo > 1);
        }
        println!("  ef {} filter 1/{}: {} distances per query", ef, modulo, count.get() / qs.len());
    }
    let t = Instant::now();
    for q in &qs {
        index.exact_search(q, 10, None, None).unwrap();
    }
    println!("  exact: {:.0} QPS", qs.len() as f64 / t.elapsed().as_secs_f64());
    let t = Instant::now();
    let bytes = index.to_bytes();
    let save = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let loaded = super::Hnsw::from_bytes(&bytes).unwrap();
    println!(
        "  save {:.1} ms, load {:.1} ms for {:.1} MB ({} ids)",
        save * 1e3,
        t.elapsed().as_secs_f64() * 1e3,
        bytes.len() as f64 / 1e6,
        loaded.len()
    );
}

#[test]
#[ignore]
fn bench_10k_128d_clustered() {
    for sigma in [0.5f32, 1.0] {
        for metric in [Metric::Cosine, Metric::L2, Metric::Dot] {
            run(metric, Quantization::None, sigma);
        }
    }
    run(Metric::L2, Quantization::Int8, 1.0);
}

/// Compaction cost: `purge` (repair, drop tombstones) against `compact` (rebuild), 100k x 128-d
/// with 30% deleted: `cargo test --release --lib bench_compact -- --ignored --nocapture`.
#[test]
#[ignore]
fn bench_compact_100k_128d_30_percent_deleted() {
    let n = std::env::var("BENCH_N").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let (dim, clusters, sigma) = (128, 30, 1.0);
    let data = clustered(n, dim, clusters, sigma, 11);
    let qs = queries(200, dim, clusters, sigma, 11);
    let t = Instant::now();
    let mut index = build(HnswConfig::new(dim, Metric::Cosine), &data);
    println!("build {:.2}s", t.elapsed().as_secs_f64());
    let mut rng = super::rng::Rng::new(5);
    while index.live_len() > n * 7 / 10 {
        index.delete(rng.next_u32() % n as u32).unwrap();
    }
    println!("with 30% tombstones: recall@10 {:.4}", recall(&index, &qs, 10, None));
    let t = Instant::now();
    let (rebuilt, _) = index.compact(None).unwrap();
    println!("compact (rebuild): {:.2}s, recall@10 {:.4}", t.elapsed().as_secs_f64(), recall(&rebuilt, &qs, 10, None));
    let t = Instant::now();
    index.purge();
    println!("purge (repair + drop): {:.2}s, recall@10 {:.4}", t.elapsed().as_secs_f64(), recall(&index, &qs, 10, None));
    assert_eq!(index.len(), rebuilt.len());
}

/// Walk speed before and after renumbering nodes in breadth-first order (memory locality):
/// `cargo test --release --lib bench_locality -- --ignored --nocapture`.
#[test]
#[ignore]
fn bench_locality_order() {
    let n = std::env::var("BENCH_N").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let dim = std::env::var("BENCH_DIM").ok().and_then(|v| v.parse().ok()).unwrap_or(128);
    let sigma = std::env::var("BENCH_SIGMA").ok().and_then(|v| v.parse().ok()).unwrap_or(0.5);
    let clusters = 100;
    let data = clustered(n, dim, clusters, sigma, 11);
    let qs = queries(1000, dim, clusters, sigma, 11);
    let mut index = build(HnswConfig::new(dim, Metric::Cosine), &data);
    let time = |index: &super::Hnsw| {
        let mut best = 0f64;
        for _ in 0..5 {
            let t = Instant::now();
            for q in &qs {
                index.search(q, 10, Some(64), None, None).unwrap();
            }
            best = best.max(qs.len() as f64 / t.elapsed().as_secs_f64());
        }
        best
    };
    let r0 = recall(&index, &qs[..200], 10, Some(64));
    let before = time(&index);
    let t = Instant::now();
    let order = index.locality_order();
    index.permute(&order);
    println!("reorder {:.0} ms", t.elapsed().as_secs_f64() * 1e3);
    let after = time(&index);
    let r1 = recall(&index, &qs[..200], 10, Some(64));
    let again = time(&index);
    println!("{} x {}: before {:.0} QPS (recall {:.4}), after {:.0} / {:.0} QPS (recall {:.4})", n, dim, before, r0, after, again, r1);
}
