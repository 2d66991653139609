//! The visited set of a graph walk: one `u16` stamp per node and a generation counter, so
//! clearing is `generation += 1` rather than touching every node (hnswlib's `VisitedList`).
//! Stamps are 16-bit so the array stays small enough for the cache (200 KB at 100k nodes); every
//! 65,535 walks the wrap-around costs one clear.

#[derive(Clone, Debug, Default)]
pub struct Visited {
    stamps: Vec<u16>,
    generation: u16,
}

impl Visited {
    /// Starts a new walk over `n` nodes.
    pub fn reset(&mut self, n: usize) {
        if self.stamps.len() < n {
            self.stamps.resize(n, 0);
        }
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            // Wrapped: old stamps could collide with the new generation.
            self.stamps.iter_mut().for_each(|s| *s = 0);
            self.generation = 1;
        }
    }

    /// Marks `id`; true if it was not visited yet in this walk.
    #[inline]
    pub fn insert(&mut self, id: u32) -> bool {
        let s = &mut self.stamps[id as usize];
        if *s == self.generation {
            false
        } else {
            *s = self.generation;
            true
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Visited;

    #[test]
    fn a_new_walk_forgets_the_last_one_even_across_the_wrap() {
        let mut v = Visited::default();
        for _ in 0..70_000 {
            v.reset(4);
            assert!(v.insert(2), "each walk starts with nothing visited");
            assert!(!v.insert(2));
        }
    }
}
