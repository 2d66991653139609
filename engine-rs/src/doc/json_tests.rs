//! JSON conformance: valid and invalid texts, escapes, numbers, limits, round trips, and random
//! bytes and truncations that must be refused without panicking.

use super::json::{parse, parse_limited, Value};
use super::limits::JSON_DEPTH_MAX;
use super::test_rng::Rng;
use crate::error::ErrorCode;

fn ok(text: &str) -> Value {
    match parse(text.as_bytes()) {
        Ok(v) => v,
        Err(e) => panic!("{:?} should parse: {}", text, e),
    }
}

fn refused(text: &[u8]) -> String {
    match parse(text) {
        Ok(v) => panic!("{:?} should be refused, parsed {:?}", String::from_utf8_lossy(text), v),
        Err(e) => {
            assert_eq!(e.code, ErrorCode::InvalidArgument, "{}", e);
            e.message
        }
    }
}

#[test]
fn valid_texts_parse_to_the_expected_values() {
    assert_eq!(ok("null"), Value::Null);
    assert_eq!(ok(" true "), Value::Bool(true));
    assert_eq!(ok("\t\r\nfalse"), Value::Bool(false));
    assert_eq!(ok("[]"), Value::Array(vec![]));
    assert_eq!(ok("{}"), Value::Object(vec![]));
    assert_eq!(
        ok(r#"{"a": [1, "x", null], "b": {"c": false}}"#),
        Value::Object(vec![
            ("a".into(), Value::Array(vec![Value::Number(1.0), Value::String("x".into()), Value::Null])),
            ("b".into(), Value::Object(vec![("c".into(), Value::Bool(false))])),
        ])
    );
}

#[test]
fn numbers_follow_the_json_grammar_including_exponents_and_negative_zero() {
    let cases: &[(&str, f64)] = &[
        ("0", 0.0),
        ("-1", -1.0),
        ("12.5", 12.5),
        ("1e3", 1000.0),
        ("1E+3", 1000.0),
        ("25e-1", 2.5),
        ("-0.000123", -0.000123),
        ("1.7976931348623157e308", f64::MAX),
        ("5e-324", 5e-324),
        ("123456789012345678901234567890", 1.2345678901234568e29),
    ];
    for (text, expected) in cases {
        assert_eq!(ok(text), Value::Number(*expected), "{}", text);
    }
    match ok("-0") {
        Value::Number(x) => assert!(x == 0.0 && x.is_sign_negative()),
        v => panic!("{:?}", v),
    }
    assert_eq!(ok("-0").to_json(), "-0");
    for bad in ["01", "-", "+1", ".5", "1.", "1e", "1e+", "0x10", "NaN", "Infinity", "-Infinity", "1e400", "--1"] {
        refused(bad.as_bytes());
    }
}

#[test]
fn strings_decode_every_escape_and_surrogate_pairs() {
    assert_eq!(ok(r#""\" \\ \/ \b \f \n \r \t""#), Value::String("\" \\ / \u{8} \u{c} \n \r \t".into()));
    assert_eq!(ok(r#""\u0041\u00e9\u4e2D""#), Value::String("Aé中".into()));
    assert_eq!(ok(r#""\uD83D\uDE00""#), Value::String("😀".into()));
    assert_eq!(ok("\"😀 raw é\""), Value::String("😀 raw é".into()));
    for bad in [
        r#""\uD83D""#,
        r#""\uD83Dx""#,
        r#""\uD83D\u0041""#,
        r#""\uDE00""#,
        r#""\u12G4""#,
        r#""\x""#,
        "\"tab\there\"",
        "\"unterminated",
        "'single'",
    ] {
        refused(bad.as_bytes());
    }
    refused(b"\"\xff\"");
}

#[test]
fn malformed_structures_are_refused_with_the_byte_offset() {
    for bad in [
        "",
        " ",
        "[",
        "[1,]",
        "[,1]",
        "{\"a\":1,}",
        "{\"a\" 1}",
        "{a:1}",
        "{\"a\":}",
        "[1 2]",
        "tru",
        "nul",
        "true false",
        "{} x",
        "/* c */ 1",
        "{\"a\":1}}",
    ] {
        refused(bad.as_bytes());
    }
    let message = refused(b"[1, 2, x]");
    assert!(message.contains("byte 7"), "{}", message);
}

#[test]
fn duplicate_keys_in_one_object_are_refused() {
    let message = refused(br#"{"a":1,"b":2,"a":3}"#);
    assert!(message.contains("\"a\""), "{}", message);
    let many: Vec<String> = (0..20).map(|i| format!("\"k{}\":{}", i % 19, i)).collect();
    refused(format!("{{{}}}", many.join(",")).as_bytes());
    ok(r#"{"a":{"a":1},"b":{"a":2}}"#);
}

#[test]
fn nesting_up_to_the_depth_limit_parses_and_deeper_is_refused() {
    let depth_ok = format!("{}{}", "[".repeat(JSON_DEPTH_MAX), "]".repeat(JSON_DEPTH_MAX));
    ok(&depth_ok);
    let too_deep = format!("{}{}", "[".repeat(JSON_DEPTH_MAX + 1), "]".repeat(JSON_DEPTH_MAX + 1));
    assert_eq!(parse(too_deep.as_bytes()).unwrap_err().code, ErrorCode::LimitExceeded);
    // Far deeper than any stack could recurse: still a clean error.
    let hostile = "[{\"a\":".repeat(100_000);
    assert_eq!(parse(hostile.as_bytes()).unwrap_err().code, ErrorCode::LimitExceeded);
}

#[test]
fn text_over_the_size_limit_is_refused() {
    assert_eq!(parse_limited(b"[1,2,3]", 6).unwrap_err().code, ErrorCode::LimitExceeded);
    assert!(parse_limited(b"[1,2,3]", 7).is_ok());
}

#[test]
fn serializing_then_parsing_gives_back_the_same_value() {
    let texts = [
        r#"{"s":"a\"b\\c\n\u0001é😀","n":[0,-0,1.5,-2e-7,1e21,123456789,0.1,1e300,5e-324],"t":[true,false,null],"o":{}}"#,
        r#"[[[]],{"":""}]"#,
    ];
    for text in texts {
        let value = ok(text);
        let compact = value.to_json();
        assert_eq!(ok(&compact), value, "{}", compact);
        assert_eq!(ok(&compact).to_json(), compact);
    }
    assert_eq!(ok(r#"{ "a" : [ 1 , 2.50 ] }"#).to_json(), r#"{"a":[1,2.5]}"#);
    assert_eq!(ok("\"\\u001f\\/\"").to_json(), "\"\\u001f/\"");
    assert_eq!(ok("1e21").to_json(), "1e21");
    assert_eq!(ok("1e-7").to_json(), "1e-7");
    assert_eq!(ok("100").to_json(), "100");
}

#[test]
fn random_bytes_and_truncations_never_panic() {
    let mut rng = Rng::new(7);
    let alphabet = b"{}[]\":,.-+eE0123456789truefalsnl\\u \t\nDdA\xc3\xa9\xff";
    for _ in 0..20_000 {
        let len = rng.below(40) as usize;
        let bytes: Vec<u8> = (0..len).map(|_| alphabet[rng.below(alphabet.len() as u64) as usize]).collect();
        if let Ok(v) = parse(&bytes) {
            assert_eq!(parse(v.to_json().as_bytes()).unwrap(), v);
        }
    }
    let full = br#"{"a":[1,-2.5e3,"x\u00e9\uD83D\uDE00",{"b":null}],"c":true}"#;
    for end in 0..full.len() {
        assert!(parse(&full[..end]).is_err(), "prefix {} parsed", end);
    }
    assert!(parse(full).is_ok());
}
