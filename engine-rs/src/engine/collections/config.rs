//! A collection's configuration: parsed from its record (the JSON value of its `c` key, ABI.md
//! "Collection record JSON") and saved in binary in its index file.
//!
//! Unknown members are the host's own and are ignored; a known member of the wrong type or out of
//! range is refused, so a typo in `"metric"` never silently gives cosine.

use crate::codec::Reader;
use crate::doc::{parse_json, Value};
use crate::error::{Error, Result};
use crate::vector::{HnswConfig, Metric, Quantization};

/// Defaults of a member the record leaves out (hnswlib's, as `vector::config` has them).
const DEFAULT_M: usize = 16;
const DEFAULT_EF_CONSTRUCTION: usize = 200;
const DEFAULT_EF_SEARCH: usize = 64;
/// Longest `textField` name, in bytes: a metadata path.
const TEXT_FIELD_SIZE_MAX: usize = 1024;

#[derive(Clone, Debug, PartialEq)]
pub struct CollectionConfig {
    pub hnsw: HnswConfig,
    /// The metadata string field BM25 indexes instead of the document's content.
    pub text_field: Option<String>,
}

impl CollectionConfig {
    /// Parses a collection record. Errors: `InvalidArgument` naming the member at fault.
    pub fn parse(record: &[u8]) -> Result<CollectionConfig> {
        let value = parse_json(record)?;
        if !matches!(value, Value::Object(_)) {
            return Err(Error::invalid_argument("a collection record must be a JSON object"));
        }
        let dimension = match value.get("dimension") {
            Some(member) => whole_number("dimension", member)?,
            None => return Err(Error::invalid_argument("a collection record needs a \"dimension\"")),
        };
        let mut hnsw = HnswConfig::new(dimension, metric(value.get("metric"))?);
        hnsw.m = optional_number("m", value.get("m"), DEFAULT_M)?;
        hnsw.ef_construction = optional_number("efConstruction", value.get("efConstruction"), DEFAULT_EF_CONSTRUCTION)?;
        hnsw.ef_search = optional_number("efSearch", value.get("efSearch"), DEFAULT_EF_SEARCH)?;
        hnsw.quantization = quantization(value.get("quantization"))?;
        hnsw.validate()?;
        let text_field = text_field(value.get("textField"))?;
        Ok(CollectionConfig { hnsw, text_field })
    }

    /// `InvalidArgument` when `next` changes what the built index depends on: dimension, metric,
    /// m or quantization (ef values and the text field may change).
    pub fn check_rewrite(&self, next: &CollectionConfig) -> Result<()> {
        let (a, b) = (&self.hnsw, &next.hnsw);
        if a.dim != b.dim || a.metric != b.metric || a.m != b.m || a.quantization != b.quantization {
            let message =
                "a collection record may not change dimension, metric, m or quantization; create a new collection";
            return Err(Error::invalid_argument(message));
        }
        if self.text_field != next.text_field {
            return Err(Error::invalid_argument("a collection record may not change textField"));
        }
        Ok(())
    }

    /// Binary form for the index file: `dim u32 | metric u8 | quantization u8 | m u32 |
    /// ef_construction u32 | ef_search u32 | text_field_len u32 (u32::MAX: none) | text_field`.
    pub fn encode(&self, out: &mut Vec<u8>) {
        let h = &self.hnsw;
        out.extend_from_slice(&(h.dim as u32).to_le_bytes());
        out.push(h.metric as u8);
        out.push(h.quantization as u8);
        for v in [h.m, h.ef_construction, h.ef_search] {
            out.extend_from_slice(&(v as u32).to_le_bytes());
        }
        match &self.text_field {
            Some(name) => {
                out.extend_from_slice(&(name.len() as u32).to_le_bytes());
                out.extend_from_slice(name.as_bytes());
            }
            None => out.extend_from_slice(&u32::MAX.to_le_bytes()),
        }
    }

    /// Reads `encode`'s form. Errors: `Truncated`, `Corruption`.
    pub fn decode(r: &mut Reader<'_>) -> Result<CollectionConfig> {
        let dim = r.u32_le()? as usize;
        let metric = Metric::from_code(r.u8()?).ok_or_else(|| Error::corruption("index file: unknown metric"))?;
        let quantization =
            Quantization::from_code(r.u8()?).ok_or_else(|| Error::corruption("index file: unknown quantization"))?;
        let mut hnsw = HnswConfig::new(dim, metric);
        hnsw.quantization = quantization;
        hnsw.m = r.u32_le()? as usize;
        hnsw.ef_construction = r.u32_le()? as usize;
        hnsw.ef_search = r.u32_le()? as usize;
        hnsw.validate().map_err(|e| Error::corruption(format!("index file: {}", e.message)))?;
        let text_field = match r.u32_le()? {
            u32::MAX => None,
            len if len as usize <= TEXT_FIELD_SIZE_MAX => {
                let bytes = r.bytes(len as usize)?;
                let name =
                    std::str::from_utf8(bytes).map_err(|_| Error::corruption("index file: textField is not UTF-8"))?;
                Some(name.to_string())
            }
            _ => return Err(Error::corruption("index file: textField is too long")),
        };
        Ok(CollectionConfig { hnsw, text_field })
    }
}

fn whole_number(name: &str, value: &Value) -> Result<usize> {
    match value {
        Value::Number(x) if *x >= 1.0 && *x <= u32::MAX as f64 && x.fract() == 0.0 => Ok(*x as usize),
        _ => Err(Error::invalid_argument(format!("collection record member {:?} must be a positive integer", name))),
    }
}

fn optional_number(name: &str, value: Option<&Value>, default: usize) -> Result<usize> {
    match value {
        None | Some(Value::Null) => Ok(default),
        Some(value) => whole_number(name, value),
    }
}

fn metric(value: Option<&Value>) -> Result<Metric> {
    match value {
        None | Some(Value::Null) => Ok(Metric::Cosine),
        Some(Value::String(name)) if name == "cosine" => Ok(Metric::Cosine),
        Some(Value::String(name)) if name == "l2" => Ok(Metric::L2),
        Some(Value::String(name)) if name == "dot" => Ok(Metric::Dot),
        Some(_) => {
            Err(Error::invalid_argument("collection record member \"metric\" must be \"cosine\", \"l2\" or \"dot\""))
        }
    }
}

fn quantization(value: Option<&Value>) -> Result<Quantization> {
    match value {
        None | Some(Value::Null) => Ok(Quantization::None),
        Some(Value::String(name)) if name == "none" => Ok(Quantization::None),
        Some(Value::String(name)) if name == "int8" => Ok(Quantization::Int8),
        Some(Value::String(name)) if name == "bf16" => Ok(Quantization::Bf16),
        Some(Value::String(name)) if name == "auto" => Ok(Quantization::Auto),
        Some(_) => Err(Error::invalid_argument(
            "collection record member \"quantization\" must be \"none\", \"int8\", \"bf16\" or \"auto\"",
        )),
    }
}

fn text_field(value: Option<&Value>) -> Result<Option<String>> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(name)) if !name.is_empty() && name.len() <= TEXT_FIELD_SIZE_MAX => Ok(Some(name.clone())),
        Some(_) => Err(Error::invalid_argument("collection record member \"textField\" must be null or a field name")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_members_take_the_documented_defaults() {
        let config = CollectionConfig::parse(br#"{"dimension": 8, "owner": "host"}"#).unwrap();
        assert_eq!((config.hnsw.dim, config.hnsw.metric, config.hnsw.m), (8, Metric::Cosine, 16));
        assert_eq!((config.hnsw.ef_construction, config.hnsw.ef_search), (200, 64));
        assert_eq!((config.hnsw.quantization, config.text_field), (Quantization::None, None));
    }

    #[test]
    fn bad_members_are_refused() {
        for bad in [&br#"{"metric": "l2"}"#[..], br#"{"dimension": 0}"#, br#"{"dimension": 4, "metric": "L1"}"#, b"[1]"]
        {
            assert!(CollectionConfig::parse(bad).is_err(), "{}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn the_binary_form_round_trips() {
        let json = br#"{"dimension": 3, "metric": "dot", "m": 8, "efSearch": 99, "quantization": "int8", "textField": "title"}"#;
        let config = CollectionConfig::parse(json).unwrap();
        let mut bytes = Vec::new();
        config.encode(&mut bytes);
        assert_eq!(CollectionConfig::decode(&mut Reader::new(&bytes, "config")).unwrap(), config);
    }
}
