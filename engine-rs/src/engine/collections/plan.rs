//! The validation pass of a commit's reserved writes, run before anything is applied (not even
//! the WAL record): it turns each `n`, `c` and `d` write into a checked `CatalogOp`, or refuses
//! the whole commit with `InvalidArgument` naming the key. Applying the ops afterwards cannot fail
//! on the documents' account.
//!
//! Writes come in key order, and `c` keys sort before `d` keys, so a document may belong to a
//! collection created (or dropped) by an earlier write of the same commit: `Overlay` tracks those.
//! Keys outside the reserved prefix cost one prefix check.

use super::collection::DocPut;
use super::config::CollectionConfig;
use super::registry::Registry;
use crate::doc::{
    collection_key, decode_record, is_reserved, parse_collection_key, parse_document_key, parse_json,
    parse_namespace_key, Field, Metadata, Scalar, Value, RESERVED_PREFIX,
};
use crate::error::{Error, Result};
use crate::vector::{has_direction, Metric};

const KIND_NAMESPACE: u8 = b'n';
const KIND_COLLECTION: u8 = b'c';
const KIND_DOCUMENT: u8 = b'd';

/// One checked reserved write.
pub enum CatalogOp {
    PutCollection { key: Vec<u8>, config: CollectionConfig },
    DropCollection { key: Vec<u8> },
    PutDoc { collection: Vec<u8>, doc: DocPut },
    DeleteDoc { collection: Vec<u8>, id: String },
}

/// Collections created or dropped by earlier writes of the commit being checked.
#[derive(Default)]
struct Overlay {
    changes: Vec<(Vec<u8>, Option<CollectionConfig>)>,
}

impl Overlay {
    fn config<'a>(&'a self, registry: &'a Registry, key: &[u8]) -> Option<&'a CollectionConfig> {
        match self.changes.iter().rev().find(|(k, _)| k.as_slice() == key) {
            Some((_, change)) => change.as_ref(),
            None => registry.get(key).map(|collection| &collection.config),
        }
    }
}

/// Checks every reserved write of `ops`; returns what to apply (empty for a commit without one).
pub fn plan_commit<'a, I>(registry: &Registry, ops: I) -> Result<Vec<CatalogOp>>
where
    I: Iterator<Item = (&'a [u8], Option<&'a [u8]>)>,
{
    let mut plan = Vec::new();
    let mut overlay = Overlay::default();
    for (key, value) in ops {
        if !is_reserved(key) {
            continue;
        }
        let op = plan_write(registry, &mut overlay, key, value).map_err(|e| name_key(key, e))?;
        plan.extend(op);
    }
    Ok(plan)
}

fn name_key(key: &[u8], error: Error) -> Error {
    Error::invalid_argument(format!("reserved key {:?}: {}", String::from_utf8_lossy(key), error.message))
}

fn plan_write(
    registry: &Registry,
    overlay: &mut Overlay,
    key: &[u8],
    value: Option<&[u8]>,
) -> Result<Option<CatalogOp>> {
    match key.get(RESERVED_PREFIX.len()) {
        Some(&KIND_NAMESPACE) => plan_namespace(key, value),
        Some(&KIND_COLLECTION) => plan_collection(registry, overlay, key, value).map(Some),
        Some(&KIND_DOCUMENT) => plan_document(registry, overlay, key, value),
        // Other kinds (queues, caches, ...) are the host's: nothing to index.
        _ => Ok(None),
    }
}

fn plan_namespace(key: &[u8], value: Option<&[u8]>) -> Result<Option<CatalogOp>> {
    parse_namespace_key(key)?;
    if let Some(value) = value {
        if !matches!(parse_json(value)?, Value::Object(_)) {
            return Err(Error::invalid_argument("a namespace record must be a JSON object"));
        }
    }
    Ok(None)
}

fn plan_collection(registry: &Registry, overlay: &mut Overlay, key: &[u8], value: Option<&[u8]>) -> Result<CatalogOp> {
    parse_collection_key(key)?;
    let value = match value {
        Some(value) => value,
        None => {
            overlay.changes.push((key.to_vec(), None));
            return Ok(CatalogOp::DropCollection { key: key.to_vec() });
        }
    };
    let config = CollectionConfig::parse(value)?;
    if let Some(existing) = overlay.config(registry, key) {
        existing.check_rewrite(&config)?;
    }
    overlay.changes.push((key.to_vec(), Some(config.clone())));
    Ok(CatalogOp::PutCollection { key: key.to_vec(), config })
}

fn plan_document(
    registry: &Registry,
    overlay: &Overlay,
    key: &[u8],
    value: Option<&[u8]>,
) -> Result<Option<CatalogOp>> {
    let parts = parse_document_key(key)?;
    let collection = collection_key(parts.namespace, parts.collection)?;
    let config = overlay.config(registry, &collection);
    let value = match value {
        Some(value) => value,
        None => return Ok(Some(CatalogOp::DeleteDoc { collection, id: parts.id.to_string() })),
    };
    let config = match config {
        Some(config) => config,
        None => return Err(Error::invalid_argument("the document's collection does not exist")),
    };
    let doc = check_document(config, parts.id, value)?;
    Ok(Some(CatalogOp::PutDoc { collection, doc }))
}

/// Decodes a document record and checks it against its collection.
fn check_document(config: &CollectionConfig, id: &str, value: &[u8]) -> Result<DocPut> {
    let record = decode_record(value)?;
    if record.dimension() != config.hnsw.dim {
        let message = format!("the vector has dimension {}, the collection {}", record.dimension(), config.hnsw.dim);
        return Err(Error::invalid_argument(message));
    }
    let vector = record.vector();
    if config.hnsw.metric == Metric::Cosine && !has_direction(&vector) {
        return Err(Error::invalid_argument("the vector is all zeros (or too large): cosine needs a direction"));
    }
    let metadata =
        if record.metadata_json.is_empty() { Metadata::empty() } else { Metadata::parse(record.metadata_json)? };
    let text = match &config.text_field {
        Some(field) => match metadata.get(field) {
            Some(Field::Scalar(Scalar::String(text))) => Some(text.to_string()),
            _ => None,
        },
        None => record.content.map(str::to_string),
    };
    Ok(DocPut { id: id.to_string(), vector, metadata, text })
}
