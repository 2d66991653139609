//! Open objects (transactions, cursors) by id. Ids fit the ABI's positive `i32`, start at 1 and
//! are not reused while the counter lasts: after `ID_MAX` ids it wraps to 1, skipping ids still
//! open, so a stale id can only alias a new object after two billion allocations.

use std::collections::BTreeMap;

use crate::error::{Error, ErrorCode, Result};

const ID_MAX: u32 = i32::MAX as u32;

pub struct IdTable<T> {
    items: BTreeMap<u32, T>,
    next_id: u32,
    /// Open items allowed at once.
    open_max: usize,
    /// Names the object in errors ("transactions", "cursors").
    what: &'static str,
}

impl<T> IdTable<T> {
    pub fn new(open_max: usize, what: &'static str) -> IdTable<T> {
        IdTable { items: BTreeMap::new(), next_id: 1, open_max, what }
    }

    /// Stores `item` under a fresh id. Errors: `LimitExceeded` when `open_max` are open.
    pub fn insert(&mut self, item: T) -> Result<u32> {
        if self.items.len() >= self.open_max {
            let message = format!("{} {} are open: close some first", self.items.len(), self.what);
            return Err(Error::new(ErrorCode::LimitExceeded, message));
        }
        let id = self.fresh_id();
        self.items.insert(id, item);
        Ok(id)
    }

    fn fresh_id(&mut self) -> u32 {
        loop {
            let id = self.next_id;
            self.next_id = if id == ID_MAX { 1 } else { id + 1 };
            if !self.items.contains_key(&id) {
                return id;
            }
        }
    }

    pub fn get(&self, id: u32) -> Option<&T> {
        self.items.get(&id)
    }

    pub fn get_mut(&mut self, id: u32) -> Option<&mut T> {
        self.items.get_mut(&id)
    }

    pub fn remove(&mut self, id: u32) -> Option<T> {
        self.items.remove(&id)
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_start_at_one_and_are_not_reused_after_removal() {
        let mut table = IdTable::new(4, "things");
        let a = table.insert('a').unwrap();
        table.remove(a);
        let b = table.insert('b').unwrap();
        assert_eq!((a, b), (1, 2));
    }

    #[test]
    fn the_open_limit_is_an_error_not_a_panic() {
        let mut table = IdTable::new(1, "things");
        table.insert(()).unwrap();
        assert_eq!(table.insert(()).unwrap_err().code, ErrorCode::LimitExceeded);
    }

    #[test]
    fn a_wrapped_counter_skips_ids_still_open() {
        let mut table = IdTable::new(4, "things");
        table.insert('a').unwrap();
        table.next_id = ID_MAX;
        assert_eq!(table.insert('b').unwrap(), ID_MAX);
        assert_eq!(table.insert('c').unwrap(), 2);
    }
}
