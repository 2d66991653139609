//! Renumbering in place: rows move along the permutation's cycles through one spare row, so a
//! layout never holds two copies of the vectors. (wasm memory never shrinks: a second copy would
//! stay in the process as the index's high-water mark, 154 MB at 100k x 384-d.)

/// Fixed-size rows that can be moved one at a time.
pub trait MoveRows {
    /// Copies row `at` to the spare row.
    fn save(&mut self, at: usize);
    /// Copies row `from` over row `to` (`from != to`).
    fn copy(&mut self, to: usize, from: usize);
    /// Copies the spare row over row `to`.
    fn restore(&mut self, to: usize);
}

/// Reorders the rows of `target` so that new row `i` is old row `order[i]` (`order` a
/// permutation of `0..order.len()`): each cycle moves through the spare row once.
pub fn permute_in_place<T: MoveRows>(target: &mut T, order: &[u32]) {
    let mut done = vec![false; order.len()];
    for start in 0..order.len() {
        if done[start] {
            continue;
        }
        done[start] = true;
        if order[start] as usize == start {
            continue;
        }
        target.save(start);
        let mut to = start;
        loop {
            let from = order[to] as usize;
            if from == start {
                target.restore(to);
                break;
            }
            target.copy(to, from);
            done[from] = true;
            to = from;
        }
    }
}

/// Rows of `stride` values in one slice.
pub struct Strided<'a, T: Copy> {
    data: &'a mut [T],
    stride: usize,
    spare: Vec<T>,
}

impl<'a, T: Copy + Default> Strided<'a, T> {
    pub fn new(data: &'a mut [T], stride: usize) -> Strided<'a, T> {
        Strided { data, stride, spare: vec![T::default(); stride] }
    }
}

impl<'a, T: Copy> MoveRows for Strided<'a, T> {
    fn save(&mut self, at: usize) {
        let s = self.stride;
        self.spare.copy_from_slice(&self.data[at * s..(at + 1) * s]);
    }

    fn copy(&mut self, to: usize, from: usize) {
        let s = self.stride;
        self.data.copy_within(from * s..(from + 1) * s, to * s);
    }

    fn restore(&mut self, to: usize) {
        let s = self.stride;
        self.data[to * s..(to + 1) * s].copy_from_slice(&self.spare);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vector::rng::Rng;

    #[test]
    fn rows_end_where_the_order_says() {
        let mut rng = Rng::new(4);
        for n in [0usize, 1, 2, 7, 100] {
            let mut order: Vec<u32> = (0..n as u32).collect();
            for i in (1..n).rev() {
                order.swap(i, rng.next_u32() as usize % (i + 1));
            }
            let mut data: Vec<u32> = (0..n as u32).flat_map(|i| [i, 1000 + i, 2000 + i]).collect();
            permute_in_place(&mut Strided::new(&mut data, 3), &order);
            let want: Vec<u32> = order.iter().flat_map(|&i| [i, 1000 + i, 2000 + i]).collect();
            assert_eq!(data, want, "n {}", n);
        }
    }
}
