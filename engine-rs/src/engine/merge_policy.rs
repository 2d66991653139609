//! Which segments a checkpoint folds into its new segment (size-tiered).
//!
//! Walking from the newest live segment, fold the next one while it is at most twice the size
//! gathered so far. Sizes then grow geometrically from newest to oldest, so n bytes of data sit in
//! O(log n) segments and each byte is rewritten O(log n) times. Then fold at least enough to keep
//! the live count within `SEGMENTS_LIVE_MAX`.

use crate::limits::SEGMENTS_LIVE_MAX;

/// How many of the newest live segments (sizes in bytes, newest first) to fold together with
/// `new_bytes` of memtable data.
pub(super) fn segments_to_fold(new_bytes: usize, live_sizes: &[usize]) -> usize {
    let mut gathered = std::cmp::max(new_bytes, 1);
    let mut folded = 0;
    while folded < live_sizes.len() && live_sizes[folded] <= gathered.saturating_mul(2) {
        gathered = gathered.saturating_add(live_sizes[folded]);
        folded += 1;
    }
    std::cmp::max(folded, fold_min(live_sizes.len()))
}

/// The fewest segments a checkpoint may fold with `live` live segments: after it, live = live -
/// folded + 1 must stay within `SEGMENTS_LIVE_MAX`.
pub(super) fn fold_min(live: usize) -> usize {
    (live + 1).saturating_sub(SEGMENTS_LIVE_MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs `checkpoints` checkpoints of `new_bytes` each (no overwrites) and returns the largest
    /// live count seen.
    fn simulate(checkpoints: usize, new_bytes: usize) -> (usize, Vec<usize>) {
        let mut live: Vec<usize> = Vec::new();
        let mut max_live = 0;
        for _ in 0..checkpoints {
            let folded = segments_to_fold(new_bytes, &live);
            let merged: usize = new_bytes + live[..folded].iter().sum::<usize>();
            live.drain(..folded);
            live.insert(0, merged);
            max_live = std::cmp::max(max_live, live.len());
        }
        (max_live, live)
    }

    #[test]
    fn equal_checkpoints_keep_the_live_count_logarithmic() {
        let (max_live, live) = simulate(1000, 100);
        // 1000 checkpoints: log2(1000) is about 10.
        assert!(max_live <= 11, "max live {}", max_live);
        assert_eq!(live.iter().sum::<usize>(), 100_000);
    }

    #[test]
    fn live_sizes_grow_from_newest_to_oldest() {
        let (_, live) = simulate(300, 10);
        assert!(live.windows(2).all(|pair| pair[0] <= pair[1]), "{:?}", live);
    }

    #[test]
    fn a_full_live_set_folds_at_least_one_segment() {
        let sizes: Vec<usize> = (0..SEGMENTS_LIVE_MAX).map(|i| 1000 << i).collect();
        assert_eq!(segments_to_fold(1, &sizes), 1);
    }

    #[test]
    fn a_small_new_segment_does_not_fold_a_much_larger_one() {
        assert_eq!(segments_to_fold(10, &[1000]), 0);
        assert_eq!(segments_to_fold(10, &[20, 1000]), 1);
    }
}
