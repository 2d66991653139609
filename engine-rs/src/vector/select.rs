//! Neighbour selection: the heuristic of the HNSW paper (algorithm 4), as hnswlib's
//! `getNeighborsByHeuristic2`.
//!
//! Taking the `m` nearest candidates would link a node only into its own cluster. The heuristic
//! keeps a candidate only if it is closer to the base than to every neighbour already kept, so
//! links spread over directions and bridge clusters, which keeps the graph navigable.

use super::heap::Cand;

/// Picks at most `m` ids from `sorted` (candidates nearest first, `dist` to the base node).
/// `pair(a, b)` is the distance between two stored nodes.
pub fn select_neighbours<P: Fn(u32, u32) -> f32>(sorted: &[Cand], m: usize, pair: &P) -> Vec<u32> {
    if sorted.len() <= m {
        return sorted.iter().map(|c| c.id).collect();
    }
    let mut kept: Vec<u32> = Vec::with_capacity(m);
    for c in sorted {
        if kept.len() >= m {
            break;
        }
        if kept.iter().all(|&r| pair(c.id, r) >= c.dist) {
            kept.push(c.id);
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heuristic_skips_a_candidate_hidden_behind_a_kept_neighbour() {
        // Points on a line: base at 0; 1 and 2 lie in the same direction, -3 in the other.
        let pos = [0.0f32, 1.0, 2.0, -3.0];
        let pair = |a: u32, b: u32| (pos[a as usize] - pos[b as usize]).abs();
        let sorted: Vec<Cand> = [1u32, 2, 3].iter().map(|&id| Cand::new(pos[id as usize].abs(), id)).collect();
        assert_eq!(select_neighbours(&sorted, 2, &pair), vec![1, 3]);
        assert_eq!(select_neighbours(&sorted, 3, &pair), vec![1, 2, 3], "fewer candidates than m: all kept");
    }
}
