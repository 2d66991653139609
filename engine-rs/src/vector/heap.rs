//! Candidates ordered by distance for `std::collections::BinaryHeap` (a max-heap: the farthest
//! on top; wrap in `Reverse` for the nearest on top). Ties break on id so runs are deterministic.

use std::cmp::Ordering;

#[derive(Clone, Copy, Debug)]
pub struct Cand {
    pub dist: f32,
    pub id: u32,
}

impl Cand {
    #[inline]
    pub fn new(dist: f32, id: u32) -> Cand {
        Cand { dist, id }
    }
}

impl PartialEq for Cand {
    fn eq(&self, other: &Cand) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Cand {}

impl PartialOrd for Cand {
    fn partial_cmp(&self, other: &Cand) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Cand {
    #[inline]
    fn cmp(&self, other: &Cand) -> Ordering {
        self.dist.total_cmp(&other.dist).then(self.id.cmp(&other.id))
    }
}
