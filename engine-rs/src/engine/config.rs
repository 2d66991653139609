//! What the host chooses when it starts an engine (`soch_init` flags).

use crate::error::{Error, Result};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EngineConfig {
    /// Commits append WAL records to the pending buffer (off for a purely in-memory database).
    pub wal_enabled: bool,
    /// A commit is visible to new reads at once; otherwise only once `wal_mark_durable` covers it.
    pub visible_on_commit: bool,
}

impl EngineConfig {
    pub const FLAG_WAL_ENABLED: u32 = 1;
    pub const FLAG_VISIBLE_ON_COMMIT: u32 = 2;
    const FLAGS_KNOWN: u32 = EngineConfig::FLAG_WAL_ENABLED | EngineConfig::FLAG_VISIBLE_ON_COMMIT;

    /// Decodes `soch_init` flags. Errors: `InvalidArgument` for a bit this engine does not know
    /// (a newer host), rather than silently ignoring what it asked for.
    pub fn from_flags(flags: u32) -> Result<EngineConfig> {
        if flags & !EngineConfig::FLAGS_KNOWN != 0 {
            return Err(Error::invalid_argument(format!("unknown engine flags {:#x}", flags)));
        }
        Ok(EngineConfig {
            wal_enabled: flags & EngineConfig::FLAG_WAL_ENABLED != 0,
            visible_on_commit: flags & EngineConfig::FLAG_VISIBLE_ON_COMMIT != 0,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_decode_bit_by_bit_and_unknown_bits_are_refused() {
        let config = EngineConfig::from_flags(3).unwrap();
        assert!(config.wal_enabled && config.visible_on_commit);
        assert!(!EngineConfig::from_flags(2).unwrap().wal_enabled);
        assert!(EngineConfig::from_flags(4).is_err());
    }
}
