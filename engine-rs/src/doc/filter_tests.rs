//! Filters: the documented semantics case by case, refusals naming the culprit, and random
//! filters over random metadata against a naive evaluator that reads the JSON directly.

use std::cmp::Ordering;

use super::filter::Filter;
use super::json::{parse, Value};
use super::metadata::Metadata;
use super::test_rng::Rng;
use crate::error::ErrorCode;

fn matches(filter: &str, metadata: &str) -> bool {
    let f = Filter::parse(filter.as_bytes()).unwrap_or_else(|e| panic!("{}: {}", filter, e));
    f.matches(&Metadata::parse(metadata.as_bytes()).unwrap())
}

fn refusal(filter: &str) -> String {
    let e = Filter::parse(filter.as_bytes()).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidArgument, "{}: {}", filter, e);
    e.message
}

const DOC: &str = r#"{"source":"web","page":3,"score":0.5,"draft":false,"none":null,
    "tags":["ai","db"],"nums":[1,5],"author":{"name":"ann","age":41},"empty":{}}"#;

#[test]
fn shorthand_means_eq_and_several_fields_mean_and() {
    assert!(matches(r#"{"source":"web"}"#, DOC));
    assert!(!matches(r#"{"source":"blog"}"#, DOC));
    assert!(matches(r#"{"source":"web","page":3}"#, DOC));
    assert!(!matches(r#"{"source":"web","page":4}"#, DOC));
    assert!(matches(r#"{"page":{"$gte":3,"$lt":4}}"#, DOC));
    assert!(matches("{}", DOC) && Filter::parse(b"{}").unwrap().is_match_all());
    assert!(!Filter::parse(br#"{"a":1}"#).unwrap().is_match_all());
}

#[test]
fn dotted_paths_reach_nested_metadata() {
    assert!(matches(r#"{"author.name":"ann"}"#, DOC));
    assert!(matches(r#"{"author.age":{"$gt":40}}"#, DOC));
    assert!(!matches(r#"{"author":"ann"}"#, DOC));
    assert!(matches(r#"{"author":{"$exists":true},"empty":{"$exists":true}}"#, DOC));
    assert!(matches(r#"{"author.nick":{"$exists":false}}"#, DOC));
}

#[test]
fn an_array_field_matches_when_any_element_does() {
    assert!(matches(r#"{"tags":"db"}"#, DOC));
    assert!(matches(r#"{"tags":{"$in":["x","ai"]}}"#, DOC));
    assert!(!matches(r#"{"tags":{"$ne":"ai"}}"#, DOC));
    assert!(matches(r#"{"tags":{"$nin":["x","y"]}}"#, DOC));
    // Each operator may be met by a different element, as in MongoDB.
    assert!(matches(r#"{"nums":{"$gt":4,"$lt":2}}"#, DOC));
    assert!(!matches(r#"{"nums":{"$gt":5}}"#, DOC));
}

#[test]
fn values_compare_only_within_one_type() {
    assert!(!matches(r#"{"page":"3"}"#, DOC));
    assert!(matches(r#"{"page":{"$ne":"3"}}"#, DOC));
    assert!(!matches(r#"{"page":{"$gt":"1"}}"#, DOC));
    assert!(!matches(r#"{"source":{"$lt":10}}"#, DOC));
    assert!(matches(r#"{"source":{"$gt":"Web","$lt":"webs"}}"#, DOC));
    assert!(!matches(r#"{"draft":0}"#, DOC) && matches(r#"{"draft":false}"#, DOC));
    assert!(matches(r#"{"score":{"$in":[1,"0.5",0.5]}}"#, DOC));
    assert!(matches(r#"{"x":-0}"#, r#"{"x":0}"#));
    // Strings order by bytes: "Z" (0x5a) < "a" (0x61) < "é" (0xc3 0xa9).
    assert!(matches(r#"{"s":{"$gt":"Z","$lt":"é"}}"#, r#"{"s":"a"}"#));
}

#[test]
fn a_missing_field_fails_eq_in_and_ranges_and_passes_ne_and_nin() {
    for f in [
        r#"{"nope":1}"#,
        r#"{"nope":{"$in":[1]}}"#,
        r#"{"nope":{"$gt":0}}"#,
        r#"{"nope":{"$lte":0}}"#,
        r#"{"nope":null}"#,
    ] {
        assert!(!matches(f, DOC), "{}", f);
    }
    for f in [r#"{"nope":{"$ne":1}}"#, r#"{"nope":{"$nin":[1]}}"#, r#"{"nope":{"$not":{"$gt":0}}}"#] {
        assert!(matches(f, DOC), "{}", f);
    }
    assert!(matches(r#"{"none":null}"#, DOC));
}

#[test]
fn and_or_and_not_combine_filters() {
    assert!(matches(r#"{"$or":[{"source":"blog"},{"page":3}]}"#, DOC));
    assert!(!matches(r#"{"$or":[{"source":"blog"},{"page":4}]}"#, DOC));
    assert!(matches(r#"{"$and":[{"source":"web"},{"$not":{"page":4}}]}"#, DOC));
    assert!(!matches(r#"{"$not":{"source":"web"}}"#, DOC));
    assert!(matches(r#"{"page":{"$not":{"$gt":5}}}"#, DOC));
}

#[test]
fn malformed_filters_are_refused_naming_the_operator_or_path() {
    assert!(refusal(r#"{"title":{"$regex":"a"}}"#).contains("$regex"));
    assert!(refusal(r#"{"title":{"$regex":"a"}}"#).contains("title"));
    assert!(refusal(r#"{"$nor":[{"a":1}]}"#).contains("$nor"));
    assert!(refusal(r#"{"page":{"$in":3}}"#).contains("$in"));
    assert!(refusal(r#"{"page":{"$gt":true}}"#).contains("page"));
    assert!(refusal(r#"{"page":{"$eq":[1]}}"#).contains("$eq"));
    assert!(refusal(r#"{"page":{"$exists":1}}"#).contains("$exists"));
    assert!(refusal(r#"{"page":{"$in":[{"a":1}]}}"#).contains("page"));
    assert!(refusal(r#"{"author":{"name":"ann"}}"#).contains("author.name"));
    assert!(refusal(r#"{"tags":["ai"]}"#).contains("$in"));
    assert!(refusal(r#"{"page":{}}"#).contains("page"));
    assert!(refusal(r#"{"$and":[]}"#).contains("$and"));
    assert!(refusal(r#"{"$or":{}}"#).contains("$or"));
    assert!(refusal(r#"{"$and":[1]}"#).contains("$and"));
    assert!(refusal(r#"{"page":{"$not":3}}"#).contains("$not"));
    refusal(r#"{"":1}"#);
    refusal("[]");
    refusal("{");
}

// ---- random filters against a naive evaluator of the filter JSON over the metadata JSON ----

fn resolve<'a>(md: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(md, |v, seg| v.get(seg))
}

fn scalars(v: Option<&Value>) -> Vec<&Value> {
    match v {
        Some(Value::Array(items)) => {
            items.iter().filter(|i| !matches!(i, Value::Array(_) | Value::Object(_))).collect()
        }
        Some(Value::Object(_)) | None => vec![],
        Some(s) => vec![s],
    }
}

fn ref_cmp(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.partial_cmp(y),
        (Value::String(x), Value::String(y)) => Some(x.as_bytes().cmp(y.as_bytes())),
        (Value::Bool(x), Value::Bool(y)) if x == y => Some(Ordering::Equal),
        (Value::Null, Value::Null) => Some(Ordering::Equal),
        _ => None,
    }
}

fn ref_op(md: &Value, path: &str, op: &str, arg: &Value) -> bool {
    let vals = scalars(resolve(md, path));
    let eq = |a: &Value, b: &Value| ref_cmp(a, b) == Some(Ordering::Equal);
    let list = |a: &Value| match arg {
        Value::Array(items) => items.iter().any(|b| eq(a, b)),
        _ => unreachable!(),
    };
    let range = |want: &[Ordering]| vals.iter().any(|a| ref_cmp(a, arg).map_or(false, |o| want.contains(&o)));
    match op {
        "$eq" => vals.iter().any(|a| eq(a, arg)),
        "$ne" => !vals.iter().any(|a| eq(a, arg)),
        "$in" => vals.iter().any(|a| list(a)),
        "$nin" => !vals.iter().any(|a| list(a)),
        "$gt" => range(&[Ordering::Greater]),
        "$gte" => range(&[Ordering::Greater, Ordering::Equal]),
        "$lt" => range(&[Ordering::Less]),
        "$lte" => range(&[Ordering::Less, Ordering::Equal]),
        "$exists" => resolve(md, path).is_some() == (arg == &Value::Bool(true)),
        "$not" => !ref_field(md, path, arg),
        _ => unreachable!(),
    }
}

fn ref_field(md: &Value, path: &str, arg: &Value) -> bool {
    match arg {
        Value::Object(ops) => ops.iter().all(|(op, a)| ref_op(md, path, op, a)),
        scalar => ref_op(md, path, "$eq", scalar),
    }
}

fn ref_filter(md: &Value, filter: &Value) -> bool {
    let members = match filter {
        Value::Object(m) => m,
        _ => unreachable!(),
    };
    members.iter().all(|(k, v)| match (k.as_str(), v) {
        ("$and", Value::Array(fs)) => fs.iter().all(|f| ref_filter(md, f)),
        ("$or", Value::Array(fs)) => fs.iter().any(|f| ref_filter(md, f)),
        ("$not", f) => !ref_filter(md, f),
        (path, arg) => ref_field(md, path, arg),
    })
}

const KEYS: [&str; 3] = ["a", "b", "c"];
const PATHS: [&str; 8] = ["a", "b", "c", "a.a", "a.b", "b.c", "c.a.b", "d"];
const OPS: [&str; 10] = ["$eq", "$ne", "$in", "$nin", "$gt", "$gte", "$lt", "$lte", "$exists", "$not"];

fn random_scalar(rng: &mut Rng) -> Value {
    match rng.below(9) {
        0 => Value::Null,
        1 => Value::Bool(rng.chance(2)),
        2 => Value::Number(-0.0),
        3 => Value::Number(1.5),
        4..=5 => Value::Number(rng.below(4) as f64),
        _ => Value::String(["", "x", "xy", "y", "Y"][rng.below(5) as usize].into()),
    }
}

fn random_metadata(rng: &mut Rng, depth: u32) -> Value {
    let mut members = Vec::new();
    for key in KEYS {
        let value = match rng.below(6) {
            0 => continue,
            1 => Value::Array((0..rng.below(4)).map(|_| random_scalar(rng)).collect()),
            2 if depth < 2 => random_metadata(rng, depth + 1),
            _ => random_scalar(rng),
        };
        members.push((key.to_string(), value));
    }
    Value::Object(members)
}

fn random_operand(rng: &mut Rng, op: &str) -> Value {
    match op {
        "$in" | "$nin" => Value::Array((0..rng.below(4)).map(|_| random_scalar(rng)).collect()),
        "$gt" | "$gte" | "$lt" | "$lte" => loop {
            let v = random_scalar(rng);
            if matches!(v, Value::Number(_) | Value::String(_)) {
                break v;
            }
        },
        "$exists" => Value::Bool(rng.chance(2)),
        "$not" => random_ops(rng, 1),
        _ => random_scalar(rng),
    }
}

fn random_ops(rng: &mut Rng, n_max: u64) -> Value {
    let mut ops: Vec<(String, Value)> = Vec::new();
    for _ in 0..=rng.below(n_max) {
        let op = OPS[rng.below(OPS.len() as u64) as usize];
        if ops.iter().all(|o| o.0 != op) {
            ops.push((op.to_string(), random_operand(rng, op)));
        }
    }
    Value::Object(ops)
}

fn random_filter(rng: &mut Rng, depth: u32) -> Value {
    let choice = if depth >= 3 { 3 + rng.below(2) } else { rng.below(5) };
    let members = match choice {
        0 | 1 => {
            let parts = (0..=rng.below(3)).map(|_| random_filter(rng, depth + 1)).collect();
            vec![([&"$and", &"$or"][choice as usize].to_string(), Value::Array(parts))]
        }
        2 => vec![("$not".to_string(), random_filter(rng, depth + 1))],
        _ => {
            let mut fields: Vec<(String, Value)> = Vec::new();
            for _ in 0..=rng.below(2) {
                let path = PATHS[rng.below(PATHS.len() as u64) as usize];
                let arg = if rng.chance(3) { random_scalar(rng) } else { random_ops(rng, 3) };
                if fields.iter().all(|f| f.0 != path) {
                    fields.push((path.to_string(), arg));
                }
            }
            fields
        }
    };
    Value::Object(members)
}

#[test]
fn random_filters_agree_with_a_naive_evaluator_of_the_json() {
    let mut rng = Rng::new(42);
    let docs: Vec<(Value, Metadata)> = (0..150)
        .map(|_| {
            let v = random_metadata(&mut rng, 0);
            let m = Metadata::parse(v.to_json().as_bytes()).unwrap();
            (v, m)
        })
        .collect();
    let (mut hits, mut total) = (0usize, 0usize);
    for _ in 0..1500 {
        let f = random_filter(&mut rng, 0);
        let text = f.to_json();
        let filter = Filter::parse(text.as_bytes()).unwrap_or_else(|e| panic!("{}: {}", text, e));
        let f = parse(text.as_bytes()).unwrap();
        for (value, metadata) in &docs {
            let expected = ref_filter(value, &f);
            assert_eq!(filter.matches(metadata), expected, "filter {} on {}", text, value.to_json());
            hits += expected as usize;
            total += 1;
        }
    }
    // Both outcomes must be common, or the comparison proves little.
    assert!(hits > total / 10 && hits < total * 9 / 10, "{} of {}", hits, total);
}

#[test]
fn every_operator_alone_both_matches_and_rejects_random_metadata() {
    let mut rng = Rng::new(9);
    let docs: Vec<Metadata> =
        (0..200).map(|_| Metadata::parse(random_metadata(&mut rng, 0).to_json().as_bytes()).unwrap()).collect();
    for op in OPS {
        let (mut yes, mut no) = (0, 0);
        for _ in 0..50 {
            let path = PATHS[rng.below(4) as usize];
            let text = format!("{{\"{}\":{{\"{}\":{}}}}}", path, op, random_operand(&mut rng, op).to_json());
            let filter = Filter::parse(text.as_bytes()).unwrap();
            for m in &docs {
                if filter.matches(m) {
                    yes += 1
                } else {
                    no += 1
                }
            }
        }
        assert!(yes > 0 && no > 0, "{}: {} matches, {} misses", op, yes, no);
    }
}
