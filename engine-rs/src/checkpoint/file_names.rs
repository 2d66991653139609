//! Names of the files a checkpoint lists (ABI.md "File names"): the host stores each under its
//! name, and `soch_load_file` tells the kinds apart by them.

/// `seg-<id as 16 hex digits>.sst`
pub fn segment_file_name(id: u64) -> String {
    format!("seg-{:016x}.sst", id)
}

/// `idx-<id as 16 hex digits>.vix`
pub fn index_file_name(id: u64) -> String {
    format!("idx-{:016x}.vix", id)
}

/// What a file name names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileName {
    Segment(u64),
    Index(u64),
}

/// Parses a segment or index file name; `None` for any other name.
pub fn parse_file_name(name: &str) -> Option<FileName> {
    if let Some(id) = hex_id(name, "seg-", ".sst") {
        return Some(FileName::Segment(id));
    }
    hex_id(name, "idx-", ".vix").map(FileName::Index)
}

fn hex_id(name: &str, prefix: &str, suffix: &str) -> Option<u64> {
    let hex = name.strip_prefix(prefix)?.strip_suffix(suffix)?;
    if hex.len() != 16 || !hex.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
        return None;
    }
    u64::from_str_radix(hex, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_others_are_refused() {
        assert_eq!(parse_file_name(&segment_file_name(42)), Some(FileName::Segment(42)));
        assert_eq!(parse_file_name(&index_file_name(u64::MAX)), Some(FileName::Index(u64::MAX)));
        for other in ["MANIFEST", "seg-2a.sst", "idx-000000000000002A.vix", "wal-0000000000000001.log"] {
            assert_eq!(parse_file_name(other), None, "{}", other);
        }
    }
}
