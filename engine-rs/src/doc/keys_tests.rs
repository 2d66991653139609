//! Key layout: exact bytes, range containment over names that prefix each other, parsing, names.

use super::keys::*;
use super::limits::{DOC_ID_SIZE_MAX, NAME_SIZE_MAX};
use crate::error::ErrorCode;

#[test]
fn keys_are_the_documented_bytes() {
    assert_eq!(namespace_key("ns").unwrap(), b"\x00soch\x00nns");
    assert_eq!(collection_key("ns", "col").unwrap(), b"\x00soch\x00cns\x00col");
    assert_eq!(document_key("ns", "col", "id 1").unwrap(), b"\x00soch\x00dns\x00col\x00id 1");
    assert_eq!(
        documents_range("ns", "col").unwrap(),
        KeyRange { start: b"\x00soch\x00dns\x00col\x00".to_vec(), end: b"\x00soch\x00dns\x00col\x01".to_vec() }
    );
    assert_eq!(namespaces_range(), KeyRange { start: b"\x00soch\x00n".to_vec(), end: b"\x00soch\x00o".to_vec() });
}

/// Names chosen to prefix each other and to hold the allowed punctuation, which sorts below letters.
const NAMES: [&str; 8] = ["a", "ab", "a-", "a.b", "a_", "b", "A", "a0"];
const IDS: [&str; 6] = ["x", "x\u{1}", "xy", "é", "a\u{ff}b", "x/y"];

#[test]
fn each_collection_range_holds_exactly_its_own_documents() {
    for ns in NAMES {
        for col in NAMES {
            let range = documents_range(ns, col).unwrap();
            let ns_range = namespace_documents_range(ns).unwrap();
            for other_ns in NAMES {
                for other_col in NAMES {
                    for id in IDS {
                        let key = document_key(other_ns, other_col, id).unwrap();
                        let own = other_ns == ns && other_col == col;
                        assert_eq!(range.contains(&key), own, "{} {} vs {} {} {:?}", ns, col, other_ns, other_col, id);
                        assert_eq!(ns_range.contains(&key), other_ns == ns);
                        assert!(!collections_range(ns).unwrap().contains(&key));
                        assert!(!namespaces_range().contains(&key));
                        assert!(reserved_range().contains(&key) && is_reserved(&key));
                    }
                }
            }
        }
    }
}

#[test]
fn each_namespace_range_holds_exactly_its_own_collections() {
    for ns in NAMES {
        let range = collections_range(ns).unwrap();
        for other_ns in NAMES {
            for col in NAMES {
                let key = collection_key(other_ns, col).unwrap();
                assert_eq!(range.contains(&key), other_ns == ns, "{} vs {} {}", ns, other_ns, col);
                assert!(!namespaces_range().contains(&key));
            }
            let ns_key = namespace_key(other_ns).unwrap();
            assert!(namespaces_range().contains(&ns_key));
            assert!(!range.contains(&ns_key));
        }
    }
}

#[test]
fn user_keys_outside_the_prefix_are_not_reserved() {
    for key in [&b""[..], b"\x00", b"\x00soch", b"\x00soch\x01", b"soch", b"\xff"] {
        assert!(!is_reserved(key) && !reserved_range().contains(key), "{:?}", key);
    }
}

#[test]
fn keys_parse_back_into_their_parts() {
    for id in IDS {
        let key = document_key("ns-1", "c.2", id).unwrap();
        let parts = parse_document_key(&key).unwrap();
        assert_eq!((parts.namespace, parts.collection, parts.id), ("ns-1", "c.2", id));
    }
    assert_eq!(parse_collection_key(&collection_key("n", "c").unwrap()).unwrap(), ("n", "c"));
    assert_eq!(parse_namespace_key(&namespace_key("n_1").unwrap()).unwrap(), "n_1");
}

#[test]
fn parsing_another_kind_of_key_is_invalid_and_a_malformed_one_is_corruption() {
    let code = |k: &[u8]| parse_document_key(k).unwrap_err().code;
    assert_eq!(code(b"user key"), ErrorCode::InvalidArgument);
    assert_eq!(code(&collection_key("n", "c").unwrap()), ErrorCode::InvalidArgument);
    assert_eq!(code(b"\x00soch\x00dns"), ErrorCode::Corruption);
    assert_eq!(code(b"\x00soch\x00dns\x00col"), ErrorCode::Corruption);
    assert_eq!(code(b"\x00soch\x00dns\x00col\x00"), ErrorCode::Corruption);
    assert_eq!(code(b"\x00soch\x00dn s\x00col\x00id"), ErrorCode::Corruption);
    assert_eq!(code(b"\x00soch\x00dns\x00col\x00i\x00d"), ErrorCode::Corruption);
    assert_eq!(code(b"\x00soch\x00dns\x00col\x00\xff"), ErrorCode::Corruption);
    assert_eq!(parse_collection_key(b"\x00soch\x00cns").unwrap_err().code, ErrorCode::Corruption);
}

#[test]
fn names_and_ids_outside_their_rules_are_refused() {
    let long_name = "n".repeat(NAME_SIZE_MAX);
    assert!(namespace_key(&long_name).is_ok());
    let long_id = "é".repeat(DOC_ID_SIZE_MAX / 2);
    assert!(document_key("n", "c", &long_id).is_ok());
    let too_long = "n".repeat(NAME_SIZE_MAX + 1);
    let too_long_id = "i".repeat(DOC_ID_SIZE_MAX + 1);
    let bad: Vec<crate::error::Result<Vec<u8>>> = vec![
        namespace_key(""),
        namespace_key(&too_long),
        namespace_key("a b"),
        namespace_key("a/b"),
        namespace_key("é"),
        namespace_key("a\0"),
        collection_key("ns", ""),
        collection_key("ns", "c:1"),
        document_key("ns", "c", ""),
        document_key("ns", "c", "a\0b"),
        document_key("ns", "c", &too_long_id),
    ];
    for result in bad {
        let e = result.unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidArgument, "{}", e);
    }
    assert!(namespace_key("a b").unwrap_err().message.contains("' '"));
}
