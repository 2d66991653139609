//! The `soch_search` request, decoded (ABI.md "Search and counts"):
//!
//! ```text
//! k u32 | ef_search u32 (0: the collection's) | flags u32 | alpha f32 | dim u32 | f32 * dim |
//! text_len u32 | text (UTF-8) | filter_len u32 | filter JSON (0: none)
//! ```

use crate::codec::Reader;
use crate::doc::{Filter, FILTER_SIZE_MAX};
use crate::error::{Error, Result};
use crate::limits::{SEARCH_K_MAX, SEARCH_TEXT_SIZE_MAX};

pub const FLAG_HAS_VECTOR: u32 = 1;
pub const FLAG_INCLUDE_VECTORS: u32 = 2;
pub const FLAG_FUSION_RRF: u32 = 4;
pub const FLAG_EXACT: u32 = 8;
const FLAGS_KNOWN: u32 = FLAG_HAS_VECTOR | FLAG_INCLUDE_VECTORS | FLAG_FUSION_RRF | FLAG_EXACT;
const WHAT: &str = "search request";

pub struct SearchRequest {
    pub k: usize,
    /// `None`: the collection's `efSearch`.
    pub ef_search: Option<usize>,
    pub flags: u32,
    pub alpha: f32,
    pub vector: Option<Vec<f32>>,
    pub text: Option<String>,
    pub filter: Option<Filter>,
}

impl SearchRequest {
    /// Errors: `InvalidArgument` for a malformed request, an unknown flag, k over `SEARCH_K_MAX`,
    /// no query at all, or a filter that does not parse.
    pub fn decode(bytes: &[u8]) -> Result<SearchRequest> {
        let mut r = Reader::new(bytes, WHAT);
        decode_parts(&mut r).map_err(|e| Error::invalid_argument(format!("search request: {}", e.message)))
    }

    pub fn has(&self, flag: u32) -> bool {
        self.flags & flag != 0
    }
}

fn decode_parts(r: &mut Reader<'_>) -> Result<SearchRequest> {
    let k = r.u32_le()? as usize;
    if k > SEARCH_K_MAX {
        return Err(Error::invalid_argument(format!("k = {} is over the limit of {}", k, SEARCH_K_MAX)));
    }
    let ef_search = match r.u32_le()? {
        0 => None,
        ef => Some(ef as usize),
    };
    let flags = r.u32_le()?;
    if flags & !FLAGS_KNOWN != 0 {
        return Err(Error::invalid_argument(format!("unknown search flags {:#x}", flags)));
    }
    let alpha = f32::from_bits(r.u32_le()?);
    let vector = decode_vector(r, flags & FLAG_HAS_VECTOR != 0)?;
    let text = decode_text(r)?;
    let filter = decode_filter(r)?;
    if r.remaining() != 0 {
        return Err(Error::invalid_argument("bytes follow the filter"));
    }
    if vector.is_none() && text.is_none() {
        return Err(Error::invalid_argument("give a vector (HAS_VECTOR), a text, or both"));
    }
    Ok(SearchRequest { k, ef_search, flags, alpha, vector, text, filter })
}

fn decode_vector(r: &mut Reader<'_>, has_vector: bool) -> Result<Option<Vec<f32>>> {
    let dim = r.u32_le()? as usize;
    if !has_vector {
        if dim != 0 {
            return Err(Error::invalid_argument("a vector was sent without the HAS_VECTOR flag"));
        }
        return Ok(None);
    }
    if dim > r.remaining() / 4 {
        return Err(Error::truncated(WHAT));
    }
    let bytes = r.bytes(dim * 4)?;
    Ok(Some(bytes.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect()))
}

fn decode_text(r: &mut Reader<'_>) -> Result<Option<String>> {
    let len = r.u32_le()? as usize;
    if len > SEARCH_TEXT_SIZE_MAX {
        return Err(Error::invalid_argument(format!("the query text is over {} bytes", SEARCH_TEXT_SIZE_MAX)));
    }
    let bytes = r.bytes(len)?;
    if bytes.is_empty() {
        return Ok(None);
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(Some(text.to_string())),
        Err(_) => Err(Error::invalid_argument("the query text is not UTF-8")),
    }
}

fn decode_filter(r: &mut Reader<'_>) -> Result<Option<Filter>> {
    let len = r.u32_le()? as usize;
    if len > FILTER_SIZE_MAX {
        return Err(Error::invalid_argument(format!("the filter is over {} bytes", FILTER_SIZE_MAX)));
    }
    let bytes = r.bytes(len)?;
    if bytes.is_empty() {
        return Ok(None);
    }
    let filter = Filter::parse(bytes)?;
    Ok(if filter.is_match_all() { None } else { Some(filter) })
}
