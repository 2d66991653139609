//! A document's metadata in the form filters read: immutable, compact, and looked up without
//! allocating, because the HNSW search evaluates a filter on every candidate it visits.
//!
//! Nested objects are flattened to dotted paths (`{"a":{"b":1}}` holds `a.b`), sorted by path
//! bytes, so `get` is a binary search. All path and string bytes live in one arena; array elements
//! in one slice. A `Metadata` is three boxed slices (at most three allocations) and 24 bytes per
//! field, since one is held for every document of a collection.
//!
//! What is kept:
//! - scalars (null, booleans, numbers, strings) at their path;
//! - arrays, as their scalar elements; nested arrays and objects inside arrays are dropped
//!   (filters cannot reach into them), so `[1, [2], {"a": 3}]` holds `[1]`;
//! - an empty object, as a marker so `$exists` sees it; non-empty objects exist through their
//!   children (`exists("a")` is true when `a.b` is held).
//! A key containing `.` is reachable by its dotted spelling; when two fields flatten to the same
//! path (`{"a.b":1,"a":{"b":2}}`) the metadata is refused rather than one silently winning.

use std::cmp::Ordering;

use super::json::{self, Value};
use super::limits::{METADATA_FLAT_SIZE_MAX, METADATA_SIZE_MAX};
use crate::error::{Error, ErrorCode, Result};

/// One scalar value, borrowed from the metadata.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Scalar<'a> {
    Null,
    Bool(bool),
    Number(f64),
    String(&'a str),
}

/// The value held at a path.
#[derive(Clone, Copy, Debug)]
pub enum Field<'a> {
    Scalar(Scalar<'a>),
    Array(Elements<'a>),
    /// An empty object (non-empty ones are flattened into their children).
    EmptyObject,
}

/// The scalar elements of an array field.
#[derive(Clone, Copy, Debug)]
pub struct Elements<'a> {
    cells: &'a [Cell],
    arena: &'a str,
}

impl<'a> Elements<'a> {
    pub fn len(&self) -> usize {
        self.cells.len()
    }

    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = Scalar<'a>> + 'a {
        let arena = self.arena;
        self.cells.iter().map(move |cell| cell.scalar(arena))
    }
}

#[derive(Clone, Copy, Debug)]
struct Span {
    start: u32,
    len: u32,
}

impl Span {
    fn of(self, arena: &str) -> &str {
        &arena[self.start as usize..(self.start + self.len) as usize]
    }
}

#[derive(Clone, Copy, Debug)]
enum Cell {
    Null,
    Bool(bool),
    Number(f64),
    /// Bytes in the arena.
    Str(Span),
    /// Cells in `elements` (start, len).
    Array(Span),
    EmptyObject,
}

impl Cell {
    /// Only called on scalar cells: arrays hold scalars alone, entries check first.
    fn scalar(self, arena: &str) -> Scalar<'_> {
        match self {
            Cell::Bool(b) => Scalar::Bool(b),
            Cell::Number(x) => Scalar::Number(x),
            Cell::Str(span) => Scalar::String(span.of(arena)),
            Cell::Null | Cell::Array(_) | Cell::EmptyObject => Scalar::Null,
        }
    }
}

#[derive(Clone, Debug)]
struct Entry {
    path: Span,
    cell: Cell,
}

/// A document's metadata, flattened for filtering. Invariant: `entries` sorted by path, paths unique.
#[derive(Clone, Debug)]
pub struct Metadata {
    entries: Box<[Entry]>,
    elements: Box<[Cell]>,
    arena: Box<str>,
}

impl Metadata {
    /// No fields: what a document without metadata holds.
    pub fn empty() -> Metadata {
        Metadata { entries: Box::new([]), elements: Box::new([]), arena: String::new().into_boxed_str() }
    }

    /// Parses metadata JSON (an object, at most `METADATA_SIZE_MAX` bytes).
    /// Errors: `InvalidArgument` (malformed, not an object, two fields on one path),
    /// `LimitExceeded` (too large, too deep, or flattening to over `METADATA_FLAT_SIZE_MAX`).
    pub fn parse(json_text: &[u8]) -> Result<Metadata> {
        Metadata::from_value(&json::parse_limited(json_text, METADATA_SIZE_MAX)?)
    }

    /// Flattens a parsed JSON object. Errors as `parse`.
    pub fn from_value(value: &Value) -> Result<Metadata> {
        let members = match value {
            Value::Object(members) => members,
            other => {
                return Err(Error::invalid_argument(format!(
                    "metadata must be a JSON object, not {}",
                    other.type_name()
                )))
            }
        };
        let mut leaves: Vec<(String, &Value)> = Vec::new();
        let mut flat_size = 0usize;
        flatten(members, &mut String::new(), &mut leaves, &mut flat_size)?;
        leaves.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        if let Some(w) = leaves.windows(2).find(|w| w[0].0 == w[1].0) {
            return Err(Error::invalid_argument(format!("metadata has two fields at path {:?}", w[0].0)));
        }
        Ok(build(&leaves, flat_size))
    }

    /// The value at a dotted path, found by binary search without allocating.
    pub fn get(&self, path: &str) -> Option<Field<'_>> {
        let arena = &*self.arena;
        let i = self.entries.binary_search_by(|e| e.path.of(arena).cmp(path)).ok()?;
        Some(self.field(self.entries[i].cell))
    }

    fn field(&self, cell: Cell) -> Field<'_> {
        match cell {
            Cell::Array(span) => {
                let cells = &self.elements[span.start as usize..(span.start + span.len) as usize];
                Field::Array(Elements { cells, arena: &self.arena })
            }
            Cell::EmptyObject => Field::EmptyObject,
            cell => Field::Scalar(cell.scalar(&self.arena)),
        }
    }

    /// Whether anything is held at `path` or below it (`a` exists when `a.b` does).
    pub fn exists(&self, path: &str) -> bool {
        if self.get(path).is_some() {
            return true;
        }
        // Paths under `path.` are contiguous in sorted order: find the first one at or after it.
        let arena = &*self.arena;
        let i = self
            .entries
            .partition_point(|e| cmp_with_dotted(e.path.of(arena).as_bytes(), path.as_bytes()) == Ordering::Less);
        match self.entries.get(i) {
            Some(e) => is_under(e.path.of(arena).as_bytes(), path.as_bytes()),
            None => false,
        }
    }

    /// Number of paths held.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Every (path, value) in path order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, Field<'_>)> + '_ {
        self.entries.iter().map(move |e| (e.path.of(&self.arena), self.field(e.cell)))
    }

    /// Heap bytes held, for the collection's memory accounting.
    pub fn heap_bytes(&self) -> usize {
        self.entries.len() * std::mem::size_of::<Entry>()
            + self.elements.len() * std::mem::size_of::<Cell>()
            + self.arena.len()
    }
}

/// Compares `a` with the bytes of `path` followed by `.`, without building that string.
fn cmp_with_dotted(a: &[u8], path: &[u8]) -> Ordering {
    let n = a.len().min(path.len());
    match a[..n].cmp(&path[..n]) {
        Ordering::Equal => {}
        other => return other,
    }
    if a.len() <= path.len() {
        return Ordering::Less; // a is a prefix of `path.`
    }
    match a[path.len()].cmp(&b'.') {
        Ordering::Equal if a.len() == path.len() + 1 => Ordering::Equal,
        Ordering::Equal => Ordering::Greater,
        other => other,
    }
}

fn is_under(a: &[u8], path: &[u8]) -> bool {
    a.len() > path.len() && a.starts_with(path) && a[path.len()] == b'.'
}

/// Collects (dotted path, leaf value) pairs, counting the bytes the arena will need so that deep
/// paths repeated over many leaves cannot blow up memory.
fn flatten<'v>(
    members: &'v [(String, Value)],
    prefix: &mut String,
    leaves: &mut Vec<(String, &'v Value)>,
    flat_size: &mut usize,
) -> Result<()> {
    for (key, value) in members {
        let restore = prefix.len();
        if restore > 0 {
            prefix.push('.');
        }
        prefix.push_str(key);
        match value {
            Value::Object(children) if !children.is_empty() => flatten(children, prefix, leaves, flat_size)?,
            _ => {
                *flat_size += prefix.len() + leaf_string_bytes(value);
                if *flat_size > METADATA_FLAT_SIZE_MAX {
                    return Err(Error::new(
                        ErrorCode::LimitExceeded,
                        format!(
                            "metadata flattens to over {} bytes of paths and strings: use shorter keys or less nesting",
                            METADATA_FLAT_SIZE_MAX
                        ),
                    ));
                }
                leaves.push((prefix.clone(), value));
            }
        }
        prefix.truncate(restore);
    }
    Ok(())
}

fn leaf_string_bytes(value: &Value) -> usize {
    match value {
        Value::String(s) => s.len(),
        Value::Array(items) => items.iter().map(|v| if let Value::String(s) = v { s.len() } else { 0 }).sum(),
        _ => 0,
    }
}

/// Lays sorted, unique leaves out in the arena. `flat_size` is the exact arena length.
fn build(leaves: &[(String, &Value)], flat_size: usize) -> Metadata {
    let mut arena = String::with_capacity(flat_size);
    let mut entries = Vec::with_capacity(leaves.len());
    let mut elements = Vec::new();
    for (path, value) in leaves {
        let path = push_str(&mut arena, path);
        let cell = match value {
            Value::Array(items) => {
                let start = elements.len() as u32;
                for item in items {
                    match item {
                        Value::Null => elements.push(Cell::Null),
                        Value::Bool(b) => elements.push(Cell::Bool(*b)),
                        Value::Number(x) => elements.push(Cell::Number(*x)),
                        Value::String(s) => elements.push(Cell::Str(push_str(&mut arena, s))),
                        Value::Array(_) | Value::Object(_) => {} // out of a filter's reach
                    }
                }
                Cell::Array(Span { start, len: elements.len() as u32 - start })
            }
            Value::Object(_) => Cell::EmptyObject,
            Value::Null => Cell::Null,
            Value::Bool(b) => Cell::Bool(*b),
            Value::Number(x) => Cell::Number(*x),
            Value::String(s) => Cell::Str(push_str(&mut arena, s)),
        };
        entries.push(Entry { path, cell });
    }
    assert_eq!(arena.len(), flat_size, "metadata arena size was miscounted");
    Metadata {
        entries: entries.into_boxed_slice(),
        elements: elements.into_boxed_slice(),
        arena: arena.into_boxed_str(),
    }
}

/// Spans are u32: the arena is bounded by `METADATA_FLAT_SIZE_MAX`, far below `u32::MAX`.
fn push_str(arena: &mut String, s: &str) -> Span {
    let span = Span { start: arena.len() as u32, len: s.len() as u32 };
    arena.push_str(s);
    span
}
