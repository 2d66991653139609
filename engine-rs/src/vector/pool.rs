//! The candidate list of an unfiltered walk: the best `ef` nodes seen so far, sorted nearest
//! first, with a cursor at the nearest one not yet expanded (the "linear pool" of NSG and glass).
//!
//! It replaces hnswlib's two heaps (candidates and results) with one array: an insert moves the
//! farther entries up by one, inside a few cache lines; the next node to expand is found by
//! moving the cursor; the results come out already sorted. A node pushed out of the best `ef` is
//! never expanded, which is hnswlib's stopping rule (it stops at the first candidate farther
//! than its `ef`-th result), and a node enters under hnswlib's test (strictly nearer than the
//! `ef`-th), so both keep the same nodes, ties included.

use super::heap::Cand;

#[derive(Clone, Copy)]
struct Item {
    cand: Cand,
    expanded: bool,
}

pub struct Pool {
    items: Vec<Item>,
    ef: usize,
    /// Every item before it is expanded.
    cursor: usize,
}

impl Pool {
    pub fn new(ef: usize) -> Pool {
        debug_assert!(ef > 0, "an empty pool would never drop a node");
        Pool { items: Vec::with_capacity(ef + 1), ef, cursor: 0 }
    }

    /// Whether `cand` enters the best `ef`: while not full, or when strictly nearer than the
    /// farthest (by distance alone, as hnswlib: an equal distance does not displace it).
    #[inline(always)]
    pub fn admits(&self, cand: Cand) -> bool {
        self.items.len() < self.ef || cand.dist < self.items[self.items.len() - 1].cand.dist
    }

    /// Adds `cand`, dropping the farthest when full; `admits(cand)` must hold.
    #[inline(always)]
    pub fn insert(&mut self, cand: Cand) {
        debug_assert!(self.admits(cand));
        if self.items.len() == self.ef {
            self.items.pop();
        }
        // Shift the farther items up one by one from the end: new candidates mostly land near
        // the end, and in wasm this loop beats a binary search plus `memmove`.
        self.items.push(Item { cand, expanded: false });
        let items = &mut self.items[..];
        let mut at = items.len() - 1;
        while at > 0 && cand < items[at - 1].cand {
            items[at] = items[at - 1];
            at -= 1;
        }
        items[at] = Item { cand, expanded: false };
        if at < self.cursor {
            self.cursor = at;
        }
    }

    /// The nearest node not yet expanded, now marked expanded; None when every one is.
    #[inline(always)]
    pub fn next(&mut self) -> Option<Cand> {
        while self.cursor < self.items.len() && self.items[self.cursor].expanded {
            self.cursor += 1;
        }
        let item = self.items.get_mut(self.cursor)?;
        item.expanded = true;
        Some(item.cand)
    }

    /// The node `next` will most likely return after the current one (for prefetching).
    #[inline(always)]
    pub fn peek_after_cursor(&self) -> Option<u32> {
        self.items[self.cursor.min(self.items.len())..].iter().find(|item| !item.expanded).map(|item| item.cand.id)
    }

    /// The candidates, nearest first.
    pub fn into_sorted(self) -> Vec<Cand> {
        self.items.into_iter().map(|item| item.cand).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::{Cand, Pool};

    #[test]
    fn keeps_the_best_ef_sorted_and_expands_nearest_first() {
        let mut pool = Pool::new(3);
        for (d, id) in [(5.0, 1), (1.0, 2), (3.0, 3)] {
            assert!(pool.admits(Cand::new(d, id)));
            pool.insert(Cand::new(d, id));
        }
        assert_eq!(pool.next().map(|c| c.id), Some(2));
        assert_eq!(pool.next().map(|c| c.id), Some(3));
        assert!(!pool.admits(Cand::new(6.0, 4)), "farther than the third best");
        assert!(!pool.admits(Cand::new(5.0, 0)), "as far as the third best: it stays out, as in hnswlib");
        // A nearer node arriving before the cursor (now past two expanded nodes) is expanded next.
        pool.insert(Cand::new(0.5, 5));
        assert_eq!(pool.next().map(|c| c.id), Some(5));
        assert_eq!(pool.next().map(|c| c.id), None, "node 1 was pushed out of the best 3");
        let ids: Vec<u32> = pool.into_sorted().iter().map(|c| c.id).collect();
        assert_eq!(ids, vec![5, 2, 3]);
    }
}
