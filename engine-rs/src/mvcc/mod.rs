//! Owned by the engine core; see lib.rs.
