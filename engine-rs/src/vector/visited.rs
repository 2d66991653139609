//! The visited set of a graph walk: one `u32` stamp per node and a generation counter, so
//! clearing is `generation += 1` rather than touching every node (hnswlib's `VisitedList`).

#[derive(Clone, Debug, Default)]
pub struct Visited {
    stamps: Vec<u32>,
    generation: u32,
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
