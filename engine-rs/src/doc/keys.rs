//! Reserved keys of namespaces, collections and documents in the one ordered KV space.
//! This is a storage contract: changing it needs a format migration.
//!
//! ```text
//! PREFIX = 00 73 6f 63 68 00          ("\0soch\0", 6 bytes; user keys may not start with it)
//! namespace   PREFIX 'n' <ns>
//! collection  PREFIX 'c' <ns> 00 <col>
//! document    PREFIX 'd' <ns> 00 <col> 00 <id>
//! ```
//! The host also writes `PREFIX 'x' <start of a document range>` (empty value) while a drop
//! deletes that range's documents, so an open can finish a drop a crash cut short; the engine
//! indexes nothing for it. Kind bytes `n`, `c`, `d`, `x` are taken; other kinds (queues, caches, policies, memories, index
//! state) get their own byte under the same prefix. Namespace and collection names are 1..=128
//! bytes of `[A-Za-z0-9_.-]`; document ids 1..=512 bytes of UTF-8 without NUL. Names hold no NUL,
//! so a component ends exactly at its `00` separator: collection `a`'s documents start with
//! `a 00`, which `ab 00` does not, and every range below is exactly "keys with this prefix".
//! Within a collection, documents sort by id bytes.
//!
//! Ranges are half-open `[start, end)`; `end` is the prefix with its last byte incremented:
//! - all namespaces: `[PREFIX 'n', PREFIX 'o')`;
//! - collections of `ns`: `[PREFIX 'c' ns 00, PREFIX 'c' ns 01)`;
//! - documents of `ns`: `[PREFIX 'd' ns 00, PREFIX 'd' ns 01)`;
//! - documents of `ns`/`col`: `[PREFIX 'd' ns 00 col 00, PREFIX 'd' ns 00 col 01)`.

use super::limits::{DOC_ID_SIZE_MAX, NAME_SIZE_MAX};
use crate::error::{Error, Result};

/// Every reserved key starts with these bytes.
pub const RESERVED_PREFIX: &[u8] = b"\x00soch\x00";
pub const KIND_NAMESPACE: u8 = b'n';
pub const KIND_COLLECTION: u8 = b'c';
pub const KIND_DOCUMENT: u8 = b'd';
const SEPARATOR: u8 = 0;

/// A half-open key range `[start, end)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyRange {
    pub start: Vec<u8>,
    pub end: Vec<u8>,
}

impl KeyRange {
    pub fn contains(&self, key: &[u8]) -> bool {
        self.start.as_slice() <= key && key < self.end.as_slice()
    }

    /// All keys starting with `prefix` (which must not end in 0xff; ours end in a kind byte or 00).
    fn of_prefix(prefix: Vec<u8>) -> KeyRange {
        let mut end = prefix.clone();
        if let Some(last) = end.last_mut() {
            assert!(*last != 0xff, "reserved key prefixes never end in 0xff");
            *last += 1;
        }
        KeyRange { start: prefix, end }
    }
}

/// The parts of a document key, borrowed from it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DocumentKey<'a> {
    pub namespace: &'a str,
    pub collection: &'a str,
    pub id: &'a str,
}

/// Whether `key` lies in the reserved space; the write path refuses such user keys.
pub fn is_reserved(key: &[u8]) -> bool {
    key.starts_with(RESERVED_PREFIX)
}

/// The whole reserved space, for excluding it from user scans.
pub fn reserved_range() -> KeyRange {
    KeyRange::of_prefix(RESERVED_PREFIX.to_vec())
}

/// Checks a namespace or collection name (`what` names it in the error): 1..=128 bytes of
/// `[A-Za-z0-9_.-]`. Errors: `InvalidArgument`.
pub fn validate_name(what: &str, name: &str) -> Result<()> {
    if name.is_empty() || name.len() > NAME_SIZE_MAX {
        return Err(Error::invalid_argument(format!(
            "{} name is {} bytes: use 1 to {} bytes",
            what,
            name.len(),
            NAME_SIZE_MAX
        )));
    }
    if let Some(c) = name.chars().find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))) {
        return Err(Error::invalid_argument(format!(
            "{} name {:?} contains {:?}: use letters, digits, '_', '.' and '-'",
            what, name, c
        )));
    }
    Ok(())
}

/// Checks a document id: 1..=512 bytes of UTF-8 without NUL. Errors: `InvalidArgument`.
pub fn validate_doc_id(id: &str) -> Result<()> {
    if id.is_empty() || id.len() > DOC_ID_SIZE_MAX {
        return Err(Error::invalid_argument(format!(
            "document id is {} bytes: use 1 to {} bytes",
            id.len(),
            DOC_ID_SIZE_MAX
        )));
    }
    if id.as_bytes().contains(&0) {
        return Err(Error::invalid_argument("document id contains a NUL character"));
    }
    Ok(())
}

fn key_of(kind: u8, parts: &[&str], trailing_separator: bool) -> Vec<u8> {
    let len: usize = RESERVED_PREFIX.len() + 1 + parts.iter().map(|p| p.len() + 1).sum::<usize>();
    let mut key = Vec::with_capacity(len);
    key.extend_from_slice(RESERVED_PREFIX);
    key.push(kind);
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            key.push(SEPARATOR);
        }
        key.extend_from_slice(part.as_bytes());
    }
    if trailing_separator {
        key.push(SEPARATOR);
    }
    key
}

/// `PREFIX 'n' <ns>`. Errors: `InvalidArgument` for a bad name.
pub fn namespace_key(namespace: &str) -> Result<Vec<u8>> {
    validate_name("namespace", namespace)?;
    Ok(key_of(KIND_NAMESPACE, &[namespace], false))
}

/// `PREFIX 'c' <ns> 00 <col>`. Errors: `InvalidArgument` for a bad name.
pub fn collection_key(namespace: &str, collection: &str) -> Result<Vec<u8>> {
    validate_name("namespace", namespace)?;
    validate_name("collection", collection)?;
    Ok(key_of(KIND_COLLECTION, &[namespace, collection], false))
}

/// `PREFIX 'd' <ns> 00 <col> 00 <id>`. Errors: `InvalidArgument` for a bad name or id.
pub fn document_key(namespace: &str, collection: &str, id: &str) -> Result<Vec<u8>> {
    validate_name("namespace", namespace)?;
    validate_name("collection", collection)?;
    validate_doc_id(id)?;
    Ok(key_of(KIND_DOCUMENT, &[namespace, collection, id], false))
}

/// Every namespace key.
pub fn namespaces_range() -> KeyRange {
    KeyRange::of_prefix(key_of(KIND_NAMESPACE, &[], false))
}

/// Every collection key of `namespace`.
pub fn collections_range(namespace: &str) -> Result<KeyRange> {
    validate_name("namespace", namespace)?;
    Ok(KeyRange::of_prefix(key_of(KIND_COLLECTION, &[namespace], true)))
}

/// Every document key of every collection of `namespace`, for dropping a namespace.
pub fn namespace_documents_range(namespace: &str) -> Result<KeyRange> {
    validate_name("namespace", namespace)?;
    Ok(KeyRange::of_prefix(key_of(KIND_DOCUMENT, &[namespace], true)))
}

/// Every document key of `namespace`/`collection`.
pub fn documents_range(namespace: &str, collection: &str) -> Result<KeyRange> {
    validate_name("namespace", namespace)?;
    validate_name("collection", collection)?;
    Ok(KeyRange::of_prefix(key_of(KIND_DOCUMENT, &[namespace, collection], true)))
}

/// The components after `PREFIX kind`, or `InvalidArgument` when `key` is another kind of key.
fn components<'a>(key: &'a [u8], kind: u8, what: &str) -> Result<&'a [u8]> {
    if !is_reserved(key) || key.get(RESERVED_PREFIX.len()) != Some(&kind) {
        return Err(Error::invalid_argument(format!("key is not a {} key", what)));
    }
    Ok(&key[RESERVED_PREFIX.len() + 1..])
}

/// A reserved key that fails its own rules was not written by this engine: corruption.
fn component<'a>(bytes: &'a [u8], what: &str, check: fn(&str) -> Result<()>) -> Result<&'a str> {
    let text = std::str::from_utf8(bytes).map_err(|_| Error::corruption(format!("stored {} is not UTF-8", what)))?;
    check(text).map_err(|e| Error::corruption(format!("stored key holds a bad {}: {}", what, e.message)))?;
    Ok(text)
}

fn check_name(name: &str) -> Result<()> {
    validate_name("a", name)
}

/// Splits at the first separator; `None` when there is none.
fn split_at_separator(bytes: &[u8]) -> Option<(&[u8], &[u8])> {
    let i = bytes.iter().position(|&b| b == SEPARATOR)?;
    Some((&bytes[..i], &bytes[i + 1..]))
}

/// The namespace of a namespace key. Errors: `InvalidArgument` for another kind of key,
/// `Corruption` for a malformed one.
pub fn parse_namespace_key(key: &[u8]) -> Result<&str> {
    component(components(key, KIND_NAMESPACE, "namespace")?, "namespace name", check_name)
}

/// (namespace, collection) of a collection key. Errors as `parse_namespace_key`.
pub fn parse_collection_key(key: &[u8]) -> Result<(&str, &str)> {
    let rest = components(key, KIND_COLLECTION, "collection")?;
    let (ns, col) = split_at_separator(rest).ok_or_else(|| Error::corruption("collection key has no separator"))?;
    Ok((component(ns, "namespace name", check_name)?, component(col, "collection name", check_name)?))
}

/// The parts of a document key. Errors as `parse_namespace_key`.
pub fn parse_document_key(key: &[u8]) -> Result<DocumentKey<'_>> {
    let rest = components(key, KIND_DOCUMENT, "document")?;
    let missing = || Error::corruption("document key lacks a separator");
    let (ns, rest) = split_at_separator(rest).ok_or_else(missing)?;
    let (col, id) = split_at_separator(rest).ok_or_else(missing)?;
    Ok(DocumentKey {
        namespace: component(ns, "namespace name", check_name)?,
        collection: component(col, "collection name", check_name)?,
        id: component(id, "document id", validate_doc_id)?,
    })
}
