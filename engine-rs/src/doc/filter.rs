//! Metadata filters: parsed once from the host's JSON, then evaluated per search candidate
//! without allocating.
//!
//! Syntax (MongoDB's, restricted):
//! - `{}` matches every document; several members in one object are ANDed;
//! - `{"field": scalar}` is `{"field": {"$eq": scalar}}`; `field` is a dotted path into nested
//!   metadata (`"a.b"`), never empty and never starting with `$`;
//! - `{"field": {"$op": operand, ...}}`: several operators on one field are ANDed. Operators:
//!   `$eq`, `$ne` (a scalar), `$gt`, `$gte`, `$lt`, `$lte` (a number or a string), `$in`, `$nin`
//!   (an array of scalars), `$exists` (a boolean), `$not` (an operator object);
//! - `{"$and": [filter, ...]}`, `{"$or": [filter, ...]}` (non-empty arrays), `{"$not": filter}`.
//!
//! Semantics:
//! - values compare only within one type: numbers with numbers (`-0 == 0`), strings with strings
//!   by bytes, booleans and null by equality only. `{"n": {"$gt": "5"}}` never matches `n: 7`;
//! - a missing field fails `$eq`, `$in` and the range operators, and passes `$ne`, `$nin`
//!   (they are the negations of `$eq` and `$in`);
//! - `null` matches only a field that is `null`, not a missing one (unlike MongoDB);
//! - an array field matches `$eq`, `$in` and a range operator when any element does, so
//!   `$ne`/`$nin` pass only when no element is equal; with several operators on one field each
//!   may be met by a different element, as in MongoDB;
//! - a non-empty object field matches only `$exists`: `{"a": {"$exists": true}}` holds when `a.b`
//!   does. Filters cannot compare whole objects or arrays.
//!
//! Errors: `InvalidArgument` naming the operator or path for unknown operators, wrong operand
//! types and malformed shapes; `LimitExceeded` for text over `FILTER_SIZE_MAX` or too deep.

use std::cmp::Ordering;

use super::json::{self, Value};
use super::limits::FILTER_SIZE_MAX;
use super::metadata::{Field, Metadata, Scalar};
use crate::error::{Error, Result};

/// A parsed filter.
#[derive(Clone, Debug, PartialEq)]
pub enum Filter {
    /// Every one matches; empty matches all documents.
    And(Vec<Filter>),
    /// At least one matches; never empty.
    Or(Vec<Filter>),
    Not(Box<Filter>),
    Field {
        path: Box<str>,
        op: Op,
    },
}

/// An operator applied to the value at one path.
#[derive(Clone, Debug, PartialEq)]
pub enum Op {
    Eq(Literal),
    Ne(Literal),
    In(Box<[Literal]>),
    Nin(Box<[Literal]>),
    Gt(Literal),
    Gte(Literal),
    Lt(Literal),
    Lte(Literal),
    Exists(bool),
}

/// A scalar operand of a filter.
#[derive(Clone, Debug, PartialEq)]
pub enum Literal {
    Null,
    Bool(bool),
    Number(f64),
    String(Box<str>),
}

impl Filter {
    /// Parses filter JSON of at most `FILTER_SIZE_MAX` bytes. Errors as described in the module doc.
    pub fn parse(json_text: &[u8]) -> Result<Filter> {
        Filter::from_value(&json::parse_limited(json_text, FILTER_SIZE_MAX)?)
    }

    /// Builds a filter from parsed JSON.
    pub fn from_value(value: &Value) -> Result<Filter> {
        parse_filter(value, "the filter")
    }

    /// Whether this filter matches every document, so a search can skip evaluating it.
    pub fn is_match_all(&self) -> bool {
        matches!(self, Filter::And(parts) if parts.iter().all(Filter::is_match_all))
    }

    /// Evaluates the filter against one document's metadata. Allocates nothing.
    pub fn matches(&self, metadata: &Metadata) -> bool {
        match self {
            Filter::And(parts) => parts.iter().all(|f| f.matches(metadata)),
            Filter::Or(parts) => parts.iter().any(|f| f.matches(metadata)),
            Filter::Not(inner) => !inner.matches(metadata),
            Filter::Field { path, op } => op.matches(metadata, path),
        }
    }
}

impl Op {
    fn matches(&self, metadata: &Metadata, path: &str) -> bool {
        let field = metadata.get(path);
        match self {
            Op::Eq(v) => any_scalar(field, |s| equal(s, v)),
            Op::Ne(v) => !any_scalar(field, |s| equal(s, v)),
            Op::In(vs) => any_scalar(field, |s| vs.iter().any(|v| equal(s, v))),
            Op::Nin(vs) => !any_scalar(field, |s| vs.iter().any(|v| equal(s, v))),
            Op::Gt(v) => any_scalar(field, |s| compare(s, v) == Some(Ordering::Greater)),
            Op::Gte(v) => any_scalar(field, |s| matches!(compare(s, v), Some(Ordering::Greater | Ordering::Equal))),
            Op::Lt(v) => any_scalar(field, |s| compare(s, v) == Some(Ordering::Less)),
            Op::Lte(v) => any_scalar(field, |s| matches!(compare(s, v), Some(Ordering::Less | Ordering::Equal))),
            Op::Exists(want) => metadata.exists(path) == *want,
        }
    }
}

/// Whether the scalar, or any element of the array, at a path satisfies `pred`.
fn any_scalar<F: Fn(Scalar<'_>) -> bool>(field: Option<Field<'_>>, pred: F) -> bool {
    match field {
        Some(Field::Scalar(s)) => pred(s),
        Some(Field::Array(elements)) => elements.iter().any(pred),
        Some(Field::EmptyObject) | None => false,
    }
}

/// Order between a value and an operand of the same type; `None` across types.
fn compare(s: Scalar<'_>, v: &Literal) -> Option<Ordering> {
    match (s, v) {
        (Scalar::Number(a), Literal::Number(b)) => a.partial_cmp(b),
        (Scalar::String(a), Literal::String(b)) => Some(a.as_bytes().cmp(b.as_bytes())),
        (Scalar::Bool(a), Literal::Bool(b)) => Some(a.cmp(b)),
        (Scalar::Null, Literal::Null) => Some(Ordering::Equal),
        _ => None,
    }
}

fn equal(s: Scalar<'_>, v: &Literal) -> bool {
    compare(s, v) == Some(Ordering::Equal)
}

fn parse_filter(value: &Value, at: &str) -> Result<Filter> {
    let members = match value {
        Value::Object(members) => members,
        other => return Err(Error::invalid_argument(format!("{} must be an object, not {}", at, other.type_name()))),
    };
    let mut parts = Vec::with_capacity(members.len());
    for (key, operand) in members {
        parts.push(match key.as_str() {
            "$and" => Filter::And(parse_list(operand, "$and")?),
            "$or" => Filter::Or(parse_list(operand, "$or")?),
            "$not" => Filter::Not(Box::new(parse_filter(operand, "the operand of $not")?)),
            k if k.starts_with('$') => {
                return Err(Error::invalid_argument(format!(
                    "unknown operator {:?} in {}: use $and, $or, $not or a field path",
                    k, at
                )))
            }
            path => parse_field(path, operand)?,
        });
    }
    Ok(single_or_and(parts))
}

fn single_or_and(mut parts: Vec<Filter>) -> Filter {
    if parts.len() == 1 {
        parts.pop().unwrap_or(Filter::And(Vec::new()))
    } else {
        Filter::And(parts)
    }
}

/// The operand of `$and` / `$or`: a non-empty array of filters.
fn parse_list(operand: &Value, name: &str) -> Result<Vec<Filter>> {
    match operand {
        Value::Array(items) if !items.is_empty() => {
            let at = format!("an element of {}", name);
            items.iter().map(|item| parse_filter(item, &at)).collect()
        }
        _ => Err(Error::invalid_argument(format!("{} takes a non-empty array of filters", name))),
    }
}

fn parse_field(path: &str, operand: &Value) -> Result<Filter> {
    if path.is_empty() {
        return Err(Error::invalid_argument("a filter field path is empty: name a metadata field"));
    }
    match operand {
        Value::Object(ops) => parse_ops(path, ops),
        Value::Array(_) => Err(Error::invalid_argument(format!(
            "filter on {:?} compares with an array: use {{\"$in\": [...]}} to match any of several values",
            path
        ))),
        scalar => Ok(Filter::Field { path: path.into(), op: Op::Eq(literal(path, "$eq", scalar)?) }),
    }
}

/// `{"$gt": 1, "$lt": 5}` on one path: the ANDed operators.
fn parse_ops(path: &str, ops: &[(String, Value)]) -> Result<Filter> {
    if ops.is_empty() {
        return Err(Error::invalid_argument(format!("filter on {:?} has an empty operator object", path)));
    }
    let mut parts = Vec::with_capacity(ops.len());
    for (name, operand) in ops {
        let op = match name.as_str() {
            "$eq" => Op::Eq(literal(path, name, operand)?),
            "$ne" => Op::Ne(literal(path, name, operand)?),
            "$gt" => Op::Gt(ordered_literal(path, name, operand)?),
            "$gte" => Op::Gte(ordered_literal(path, name, operand)?),
            "$lt" => Op::Lt(ordered_literal(path, name, operand)?),
            "$lte" => Op::Lte(ordered_literal(path, name, operand)?),
            "$in" => Op::In(literal_list(path, name, operand)?),
            "$nin" => Op::Nin(literal_list(path, name, operand)?),
            "$exists" => match operand {
                Value::Bool(b) => Op::Exists(*b),
                _ => return Err(operand_error(path, name, "a boolean", operand)),
            },
            "$not" => {
                match operand {
                    Value::Object(inner) => parts.push(Filter::Not(Box::new(parse_ops(path, inner)?))),
                    _ => return Err(operand_error(path, name, "an operator object", operand)),
                }
                continue;
            }
            n if n.starts_with('$') => {
                return Err(Error::invalid_argument(format!("unknown operator {:?} on filter path {:?}", n, path)))
            }
            n => {
                return Err(Error::invalid_argument(format!(
                    "filter on {:?} compares with an object (key {:?}): filters compare scalars; use the dotted path \"{}.{}\"",
                    path, n, path, n
                )))
            }
        };
        parts.push(Filter::Field { path: path.into(), op });
    }
    Ok(single_or_and(parts))
}

fn operand_error(path: &str, name: &str, wanted: &str, got: &Value) -> Error {
    Error::invalid_argument(format!("{} on filter path {:?} takes {}, not {}", name, path, wanted, got.type_name()))
}

fn literal(path: &str, name: &str, operand: &Value) -> Result<Literal> {
    match operand {
        Value::Null => Ok(Literal::Null),
        Value::Bool(b) => Ok(Literal::Bool(*b)),
        Value::Number(x) => Ok(Literal::Number(*x)),
        Value::String(s) => Ok(Literal::String(s.as_str().into())),
        _ => Err(operand_error(path, name, "a scalar (string, number, boolean or null)", operand)),
    }
}

/// Range operators order numbers and strings only: anything else could never match.
fn ordered_literal(path: &str, name: &str, operand: &Value) -> Result<Literal> {
    match operand {
        Value::Number(_) | Value::String(_) => literal(path, name, operand),
        _ => Err(operand_error(path, name, "a number or a string", operand)),
    }
}

fn literal_list(path: &str, name: &str, operand: &Value) -> Result<Box<[Literal]>> {
    match operand {
        Value::Array(items) => items.iter().map(|item| literal(path, name, item)).collect(),
        _ => Err(operand_error(path, name, "an array of scalars", operand)),
    }
}
