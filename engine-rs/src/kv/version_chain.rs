//! The versions of one key held by the memtable, newest first.
//!
//! Most keys have exactly one version, so `One` stores it inline (no second allocation); a key
//! rewritten while an old snapshot is open grows into `Many`. Values live in the memtable's arena.

use super::arena::Span;

/// One committed version. `value == None` is a tombstone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Version {
    pub seq: u64,
    pub value: Option<Span>,
}

/// Bytes the memtable counts for one version besides its value (the arena counts values, dead
/// ones included): seq, span, slack.
pub const VERSION_OVERHEAD_BYTES: usize = 32;

impl Version {
    /// Heap bytes this version holds outside the arena, for `Memtable::bytes`.
    pub fn approx_bytes(&self) -> usize {
        VERSION_OVERHEAD_BYTES
    }
}

/// Versions of one key, seqs strictly decreasing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VersionChain {
    One(Version),
    Many(Vec<Version>),
}

impl VersionChain {
    pub fn new(version: Version) -> VersionChain {
        VersionChain::One(version)
    }

    pub fn versions(&self) -> &[Version] {
        match self {
            VersionChain::One(version) => std::slice::from_ref(version),
            VersionChain::Many(versions) => versions,
        }
    }

    /// The newest version (the chain is never empty).
    pub fn head(&self) -> &Version {
        &self.versions()[0]
    }

    /// The newest version with seq <= `snapshot`, tombstones included.
    pub fn visible(&self, snapshot: u64) -> Option<&Version> {
        self.versions().iter().find(|version| version.seq <= snapshot)
    }

    /// Adds `version` as the newest and drops the versions no reader can see any more: every
    /// version with seq > `horizon` stays, plus the newest one with seq <= `horizon` (what a reader
    /// at `horizon`, the oldest snapshot anyone may read at, sees). Returns (bytes added, bytes
    /// freed) for the memtable's accounting.
    pub fn push(&mut self, version: Version, horizon: u64) -> (usize, usize) {
        assert!(version.seq > self.head().seq, "versions of a key must come in commit order");
        let added = version.approx_bytes();
        if version.seq <= horizon {
            // The new version is the one every reader sees: the old ones are all dead.
            let old = std::mem::replace(self, VersionChain::One(version));
            let freed = old.versions().iter().map(Version::approx_bytes).sum();
            return (added, freed);
        }
        let mut versions = match std::mem::replace(self, VersionChain::Many(Vec::new())) {
            VersionChain::One(old) => vec![old],
            VersionChain::Many(versions) => versions,
        };
        versions.insert(0, version);
        let freed = prune_below_horizon(&mut versions, horizon);
        *self = VersionChain::Many(versions);
        (added, freed)
    }
}

/// Truncates `versions` (newest first) after the first one with seq <= `horizon`.
fn prune_below_horizon(versions: &mut Vec<Version>, horizon: u64) -> usize {
    let keep = match versions.iter().position(|version| version.seq <= horizon) {
        Some(index) => index + 1,
        None => versions.len(),
    };
    let freed = versions[keep..].iter().map(Version::approx_bytes).sum();
    versions.truncate(keep);
    freed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kv::arena::Arena;

    fn version(seq: u64, value: &[u8]) -> Version {
        Version { seq, value: Some(Arena::default().push(value)) }
    }

    fn seqs(chain: &VersionChain) -> Vec<u64> {
        chain.versions().iter().map(|v| v.seq).collect()
    }

    #[test]
    fn a_new_version_visible_to_everyone_replaces_the_chain() {
        let mut chain = VersionChain::new(version(1, b"a"));
        chain.push(version(2, b"b"), 5);
        assert_eq!(chain, VersionChain::One(version(2, b"b")));
    }

    #[test]
    fn versions_above_the_horizon_and_the_one_at_it_are_kept() {
        let mut chain = VersionChain::new(version(1, b"a"));
        chain.push(version(3, b"b"), 2);
        chain.push(version(4, b"c"), 2);
        assert_eq!(seqs(&chain), vec![4, 3, 1]);
        chain.push(version(6, b"d"), 4);
        assert_eq!(seqs(&chain), vec![6, 4]);
    }

    #[test]
    fn visible_returns_the_newest_version_at_or_below_the_snapshot() {
        let mut chain = VersionChain::new(version(2, b"a"));
        chain.push(version(5, b"b"), 1);
        assert_eq!(chain.visible(1), None);
        assert_eq!(chain.visible(4).unwrap().seq, 2);
        assert_eq!(chain.visible(9).unwrap().seq, 5);
    }
}
