//! Metadata flattening: dotted paths, arrays, empty objects, `exists` on parents, refusals.

use super::limits::METADATA_FLAT_SIZE_MAX;
use super::metadata::{Field, Metadata, Scalar};
use crate::error::ErrorCode;

fn md(text: &str) -> Metadata {
    Metadata::parse(text.as_bytes()).unwrap()
}

fn scalar<'a>(m: &'a Metadata, path: &str) -> Option<Scalar<'a>> {
    match m.get(path) {
        Some(Field::Scalar(s)) => Some(s),
        _ => None,
    }
}

#[test]
fn nested_objects_are_found_by_dotted_path() {
    let m = md(r#"{"source":"web","page":3,"a":{"b":{"c":true},"d":null}}"#);
    assert_eq!(scalar(&m, "source"), Some(Scalar::String("web")));
    assert_eq!(scalar(&m, "page"), Some(Scalar::Number(3.0)));
    assert_eq!(scalar(&m, "a.b.c"), Some(Scalar::Bool(true)));
    assert_eq!(scalar(&m, "a.d"), Some(Scalar::Null));
    assert!(m.get("a").is_none() && m.get("a.b").is_none() && m.get("nope").is_none());
    let paths: Vec<&str> = m.iter().map(|(p, _)| p).collect();
    assert_eq!(paths, ["a.b.c", "a.d", "page", "source"]);
}

#[test]
fn arrays_keep_their_scalar_elements_only() {
    let m = md(r#"{"tags":["x",2,[3],{"k":4},null,false],"empty":[]}"#);
    match m.get("tags") {
        Some(Field::Array(e)) => {
            let items: Vec<Scalar> = e.iter().collect();
            assert_eq!(items, [Scalar::String("x"), Scalar::Number(2.0), Scalar::Null, Scalar::Bool(false)]);
        }
        other => panic!("{:?}", other),
    }
    assert!(matches!(m.get("empty"), Some(Field::Array(e)) if e.is_empty()));
    assert!(m.get("tags.k").is_none());
}

#[test]
fn parents_of_held_paths_exist_and_neighbours_sorting_between_do_not_confuse_it() {
    // "a-b" and "a+" sort between "a" and "a.x" ('+' and '-' are below '.'); "a/" sorts after.
    let m = md(r#"{"a-b":1,"a+":2,"a":{"x":{"y":3}},"a/":4,"e":{}}"#);
    for path in ["a", "a.x", "a.x.y", "a-b", "a+", "a/", "e"] {
        assert!(m.exists(path), "{}", path);
    }
    for path in ["a.", "a.x.", "a.y", "a-", "ab", "b", "e.f", "", "a.x.y.z"] {
        assert!(!m.exists(path), "{}", path);
    }
    assert!(matches!(m.get("e"), Some(Field::EmptyObject)));
}

#[test]
fn a_dotted_key_is_reachable_and_a_clash_with_a_nested_path_is_refused() {
    let m = md(r#"{"file.name":"x.txt"}"#);
    assert_eq!(scalar(&m, "file.name"), Some(Scalar::String("x.txt")));
    let e = Metadata::parse(br#"{"a.b":1,"a":{"b":2}}"#).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidArgument);
    assert!(e.message.contains("\"a.b\""), "{}", e.message);
}

#[test]
fn metadata_that_is_not_an_object_is_refused() {
    for text in ["[]", "1", "\"s\"", "null", "{", ""] {
        assert_eq!(Metadata::parse(text.as_bytes()).unwrap_err().code, ErrorCode::InvalidArgument, "{}", text);
    }
    assert!(Metadata::parse(b"{}").unwrap().is_empty());
    assert!(Metadata::empty().get("a").is_none());
}

#[test]
fn long_paths_repeated_over_many_leaves_hit_the_flattened_size_limit() {
    // ~60 KiB of JSON whose paths would flatten to megabytes.
    let key = "k".repeat(2000);
    let leaves: Vec<String> = (0..2000).map(|i| format!("\"{}\":1", i)).collect();
    let text = format!("{{\"{}\":{{{}}}}}", key, leaves.join(","));
    assert!(text.len() < 64 * 1024);
    let e = Metadata::parse(text.as_bytes()).unwrap_err();
    assert_eq!(e.code, ErrorCode::LimitExceeded, "{}", e);
    assert!(e.message.contains(&METADATA_FLAT_SIZE_MAX.to_string()));
}

#[test]
fn memory_is_24_bytes_per_field_plus_the_string_bytes() {
    let m = md(r#"{"a":1,"b":true,"c":"xyz","d":[1,2]}"#);
    // Arena: paths "a" "b" "c" "d" (4 bytes) + "xyz" (3 bytes); entries 4 × 24; elements 2 × 16.
    assert!(m.heap_bytes() <= 4 * 24 + 2 * 16 + 7, "{}", m.heap_bytes());
    assert_eq!(m.len(), 4);
}
