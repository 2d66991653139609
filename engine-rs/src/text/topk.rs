//! Exact top-k selection: best score first, ties broken by the lower doc id, so results are the
//! same whatever order candidates arrive in.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Hit {
    pub score: f32,
    pub id: u32,
}

impl Eq for Hit {}

impl Ord for Hit {
    /// "Greater" means worse: a lower score, or an equal score and a higher id. The max-heap's top
    /// is then the worst kept hit, the one a better candidate evicts.
    fn cmp(&self, other: &Hit) -> Ordering {
        other.score.total_cmp(&self.score).then(self.id.cmp(&other.id))
    }
}

impl PartialOrd for Hit {
    fn partial_cmp(&self, other: &Hit) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

pub struct TopK {
    k: usize,
    heap: BinaryHeap<Hit>,
}

impl TopK {
    pub fn new(k: usize) -> TopK {
        // Capacity k + 1 at most: a huge k must not allocate up front.
        TopK { k, heap: BinaryHeap::with_capacity(k.min(1024) + 1) }
    }

    /// The score a candidate must reach to enter (a tie enters only with a lower id than the worst
    /// kept), or `None` while fewer than k hits are kept.
    #[inline]
    pub fn threshold(&self) -> Option<f32> {
        if self.heap.len() < self.k {
            None
        } else {
            self.heap.peek().map(|h| h.score)
        }
    }

    /// Keeps `hit` if it is among the best k seen.
    #[inline]
    pub fn push(&mut self, hit: Hit) {
        if self.k == 0 {
            return;
        }
        if self.heap.len() < self.k {
            self.heap.push(hit);
        } else if let Some(mut worst) = self.heap.peek_mut() {
            if hit < *worst {
                *worst = hit;
            }
        }
    }

    /// The kept hits, best first.
    pub fn into_sorted(self) -> Vec<(u32, f32)> {
        self.heap.into_sorted_vec().into_iter().map(|h| (h.id, h.score)).collect()
    }
}

/// Sorts `(id, score)` pairs best first with the same order as `TopK` and keeps `k`.
pub fn sort_hits(hits: &mut Vec<(u32, f32)>, k: usize) {
    hits.sort_by(|a, b| Hit { score: a.1, id: a.0 }.cmp(&Hit { score: b.1, id: b.0 }));
    hits.truncate(k);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_best_k_with_lower_ids_winning_ties() {
        let mut top = TopK::new(3);
        for (id, score) in [(5, 1.0f32), (9, 2.0), (1, 1.0), (7, 2.0), (3, 1.0), (8, 0.5), (2, 2.0)] {
            top.push(Hit { id, score });
        }
        assert_eq!(top.threshold(), Some(2.0));
        assert_eq!(top.into_sorted(), vec![(2, 2.0), (7, 2.0), (9, 2.0)]);
        let mut few = TopK::new(10);
        few.push(Hit { id: 4, score: 0.1 });
        assert_eq!(few.threshold(), None);
        assert_eq!(few.into_sorted(), vec![(4, 0.1)]);
    }

    #[test]
    fn sort_hits_matches_top_k_order() {
        let mut hits = vec![(3, 1.0), (1, 1.0), (2, 3.0), (0, 0.0)];
        sort_hits(&mut hits, 3);
        assert_eq!(hits, vec![(2, 3.0), (1, 1.0), (3, 1.0)]);
    }
}
