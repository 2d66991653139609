//! Open snapshots, counted per sequence number. A version with seq <= S that is the newest such
//! version of its key must survive while a snapshot S is open; the oldest open snapshot bounds
//! what memtable pruning and segment merges may drop.

use std::collections::BTreeMap;

#[derive(Default)]
pub struct SnapshotRegistry {
    /// snapshot seq -> how many transactions and cursors hold it.
    counts: BTreeMap<u64, u32>,
}

impl SnapshotRegistry {
    pub fn new() -> SnapshotRegistry {
        SnapshotRegistry::default()
    }

    pub fn acquire(&mut self, seq: u64) {
        *self.counts.entry(seq).or_insert(0) += 1;
    }

    /// Releases one hold on `seq`, which must be held (a bug otherwise).
    pub fn release(&mut self, seq: u64) {
        let count = self.counts.get_mut(&seq).expect("released a snapshot that was not acquired");
        assert!(*count > 0);
        *count -= 1;
        if *count == 0 {
            self.counts.remove(&seq);
        }
    }

    /// The oldest snapshot held, if any.
    pub fn oldest(&self) -> Option<u64> {
        self.counts.keys().next().copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_oldest_snapshot_stays_until_its_last_holder_releases_it() {
        let mut registry = SnapshotRegistry::new();
        registry.acquire(5);
        registry.acquire(3);
        registry.acquire(3);
        assert_eq!(registry.oldest(), Some(3));
        registry.release(3);
        assert_eq!(registry.oldest(), Some(3));
        registry.release(3);
        assert_eq!(registry.oldest(), Some(5));
        registry.release(5);
        assert_eq!(registry.oldest(), None);
    }
}
