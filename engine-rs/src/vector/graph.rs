//! Neighbour storage of the HNSW graph, flat so it saves and loads as a few bulk arrays.
//!
//! Layer 0 (every node) is one `Vec<u32>` with a fixed block per node, as hnswlib's
//! `data_level0_memory_`: `[count, n_0, .., n_{2m-1}]`. Upper layers are sparse (a node reaches
//! layer `l` with probability `m^-l`): a node of level `L > 0` owns `L` blocks of `[count, n_0 ..
//! n_{m-1}]` in `upper`, in level order, starting at `upper_offset[id]`, which is derived from the
//! levels (a prefix sum) and so never stored.

use super::permute::{permute_in_place, Strided};

/// No node: the entry point of an empty graph.
pub const NONE: u32 = u32::MAX;

#[derive(Clone, Debug)]
pub struct Graph {
    m: usize,
    levels: Vec<u8>,
    level0: Vec<u32>,
    upper_offset: Vec<usize>,
    upper: Vec<u32>,
    entry: u32,
    max_level: usize,
}

impl Graph {
    pub fn new(m: usize) -> Graph {
        Graph { m, levels: Vec::new(), level0: Vec::new(), upper_offset: Vec::new(), upper: Vec::new(), entry: NONE, max_level: 0 }
    }

    /// Rebuilds a graph from its saved arrays. The caller (`persist.rs`) has checked the sizes;
    /// this checks every count and id, so a damaged file cannot index out of bounds later.
    pub fn from_parts(m: usize, levels: Vec<u8>, level0: Vec<u32>, upper: Vec<u32>, entry: u32) -> Result<Graph, String> {
        let n = levels.len();
        let mut upper_offset = Vec::with_capacity(n);
        let mut at = 0usize;
        for &l in &levels {
            upper_offset.push(at);
            at += l as usize * (1 + m);
        }
        if level0.len() != n * (1 + 2 * m) || upper.len() != at {
            return Err("neighbour arrays do not match the node levels".into());
        }
        if n == 0 {
            if entry != NONE {
                return Err("an empty graph has an entry point".into());
            }
            return Ok(Graph::new(m));
        }
        if entry as usize >= n {
            return Err("the entry point is not a node".into());
        }
        // Nodes above the entry's level can only be unlinked tombstones (after `repair`).
        let max_level = levels[entry as usize] as usize;
        let g = Graph { m, levels, level0, upper_offset, upper, entry, max_level };
        for id in 0..n as u32 {
            for level in 0..=g.level(id) {
                let block = g.block(id, level);
                let count = block[0] as usize;
                if count > block.len() - 1 {
                    return Err(format!("node {} has {} neighbours on layer {}", id, count, level));
                }
                for &nb in &block[1..1 + count] {
                    // A neighbour on layer `level` must exist and reach that layer.
                    if nb as usize >= n || g.level(nb) < level || nb == id {
                        return Err(format!("node {} links to a bad neighbour {} on layer {}", id, nb, level));
                    }
                }
            }
        }
        Ok(g)
    }

    #[inline]
    pub fn len(&self) -> usize {
        self.levels.len()
    }

    #[inline]
    pub fn m(&self) -> usize {
        self.m
    }

    #[inline]
    pub fn entry(&self) -> u32 {
        self.entry
    }

    #[inline]
    pub fn max_level(&self) -> usize {
        self.max_level
    }

    pub fn set_entry(&mut self, id: u32) {
        self.entry = id;
        self.max_level = if id == NONE { 0 } else { self.level(id) };
    }

    #[inline]
    pub fn level(&self, id: u32) -> usize {
        self.levels[id as usize] as usize
    }

    pub fn levels(&self) -> &[u8] {
        &self.levels
    }

    pub fn level0_raw(&self) -> &[u32] {
        &self.level0
    }

    pub fn upper_raw(&self) -> &[u32] {
        &self.upper
    }

    /// Renumbers every node in place: new id `i` is old id `order[i]`, and `remap` its inverse
    /// (old id -> new id). Layer 0, the bulk, moves through one spare block; the upper layers
    /// (about 1/16 of the nodes) are rebuilt.
    pub fn permute(&mut self, order: &[u32], remap: &[u32]) {
        let m = self.m;
        let mut upper = Vec::with_capacity(self.upper.len());
        for &old in order {
            let at = self.upper_offset[old as usize];
            upper.extend_from_slice(&self.upper[at..at + self.levels[old as usize] as usize * (1 + m)]);
        }
        permute_in_place(&mut Strided::new(&mut self.level0, 1 + 2 * m), order);
        permute_in_place(&mut Strided::new(&mut self.levels, 1), order);
        self.upper = upper;
        let mut at = 0;
        for (offset, &l) in self.upper_offset.iter_mut().zip(&self.levels) {
            *offset = at;
            at += l as usize * (1 + m);
        }
        for (blocks, width) in [(&mut self.level0, 1 + 2 * m), (&mut self.upper, 1 + m)] {
            for block in blocks.chunks_exact_mut(width) {
                let count = block[0] as usize;
                block[1..1 + count].iter_mut().for_each(|nb| *nb = remap[*nb as usize]);
            }
        }
        if self.entry != NONE {
            self.set_entry(remap[self.entry as usize]);
        }
    }

    /// Adds a node with no links; the first node becomes the entry point.
    pub fn add_node(&mut self, level: usize) -> u32 {
        let id = self.levels.len() as u32;
        self.levels.push(level as u8);
        self.level0.resize(self.level0.len() + 1 + 2 * self.m, 0);
        self.upper_offset.push(self.upper.len());
        self.upper.resize(self.upper.len() + level * (1 + self.m), 0);
        if self.entry == NONE {
            self.set_entry(id);
        }
        id
    }

    #[inline]
    fn block(&self, id: u32, level: usize) -> &[u32] {
        if level == 0 {
            let w = 1 + 2 * self.m;
            &self.level0[id as usize * w..(id as usize + 1) * w]
        } else {
            let at = self.upper_offset[id as usize] + (level - 1) * (1 + self.m);
            &self.upper[at..at + 1 + self.m]
        }
    }

    #[inline]
    fn block_mut(&mut self, id: u32, level: usize) -> &mut [u32] {
        if level == 0 {
            let w = 1 + 2 * self.m;
            &mut self.level0[id as usize * w..(id as usize + 1) * w]
        } else {
            let at = self.upper_offset[id as usize] + (level - 1) * (1 + self.m);
            &mut self.upper[at..at + 1 + self.m]
        }
    }

    /// Most neighbours a node can have on any layer (layer 0's capacity).
    pub fn max_neighbours(&self) -> usize {
        2 * self.m
    }

    /// Starts loading the neighbour list of `id` on `level` (a hint, see `measure.rs`).
    #[inline(always)]
    pub fn prefetch_neighbours(&self, id: u32, level: usize) {
        let b = self.block(id, level);
        // SAFETY: the block is a live slice of this graph.
        unsafe { super::measure::touch_lines(b.as_ptr() as *const u8, b.len() * 4) }
    }

    /// The neighbours of `id` on `level` (`level <= self.level(id)`).
    #[inline]
    pub fn neighbours(&self, id: u32, level: usize) -> &[u32] {
        let b = self.block(id, level);
        &b[1..1 + b[0] as usize]
    }

    /// Replaces the neighbours of `id` on `level`; `nbs` fits the layer's capacity.
    pub fn set_neighbours(&mut self, id: u32, level: usize, nbs: &[u32]) {
        let b = self.block_mut(id, level);
        assert!(nbs.len() < b.len(), "neighbour list over capacity");
        b[0] = nbs.len() as u32;
        b[1..1 + nbs.len()].copy_from_slice(nbs);
    }

    /// Appends `nb` to the list of `id` on `level`; false when the list is full.
    pub fn push_neighbour(&mut self, id: u32, level: usize, nb: u32) -> bool {
        let b = self.block_mut(id, level);
        let count = b[0] as usize;
        if count + 1 >= b.len() {
            return false;
        }
        b[1 + count] = nb;
        b[0] += 1;
        true
    }
}
