//! Document record codec: exact layout, round trips, truncation and damage.

use super::limits::{METADATA_SIZE_MAX, RECORD_DIM_MAX};
use super::record::{decode_record, encode_record, encoded_len, FLAG_HAS_CONTENT, RECORD_FORMAT_VERSION};
use crate::error::ErrorCode;

fn encode(vector: &[f32], metadata: &str, content: Option<&str>) -> Vec<u8> {
    let mut out = Vec::new();
    encode_record(vector, metadata.as_bytes(), content, &mut out).unwrap();
    assert_eq!(out.len(), encoded_len(vector.len(), metadata.len(), content.map_or(0, str::len)));
    out
}

#[test]
fn the_layout_is_the_documented_byte_sequence() {
    let bytes = encode(&[1.0, -2.5], "{}", Some("hi"));
    let mut expected = vec![RECORD_FORMAT_VERSION, 2, 0, 0, 0];
    expected.extend_from_slice(&1.0f32.to_le_bytes());
    expected.extend_from_slice(&(-2.5f32).to_le_bytes());
    expected.extend_from_slice(&[2, 0, 0, 0, b'{', b'}', 2, 0, 0, 0, b'h', b'i', FLAG_HAS_CONTENT]);
    assert_eq!(bytes, expected);
}

#[test]
fn records_round_trip_with_content_empty_content_and_none() {
    let vector = [0.5f32, -0.0, 3.25e-8, f32::MAX, -1.0];
    for content in [Some("some text é"), Some(""), None] {
        let bytes = encode(&vector, r#"{"a":1}"#, content);
        let view = decode_record(&bytes).unwrap();
        assert_eq!(view.dimension(), 5);
        assert_eq!(view.vector(), vector.to_vec());
        assert_eq!(view.vector_at(3), f32::MAX);
        assert_eq!(view.metadata_json, br#"{"a":1}"#);
        assert_eq!(view.content, content);
    }
}

#[test]
fn the_vector_decodes_from_unaligned_bytes_into_a_caller_buffer() {
    let bytes = encode(&[1.0, 2.0, 3.0], "{}", None);
    let mut shifted = vec![0xAA];
    shifted.extend_from_slice(&bytes);
    let view = decode_record(&shifted[1..]).unwrap();
    let mut out = [0f32; 3];
    view.vector_into(&mut out).unwrap();
    assert_eq!(out, [1.0, 2.0, 3.0]);
    assert_eq!(view.vector_into(&mut [0f32; 2]).unwrap_err().code, ErrorCode::InvalidArgument);
}

#[test]
fn every_truncation_is_reported_as_truncated() {
    let bytes = encode(&[1.0, 2.0], r#"{"k":"v"}"#, Some("body"));
    for end in 0..bytes.len() {
        let e = decode_record(&bytes[..end]).unwrap_err();
        assert_eq!(e.code, ErrorCode::Truncated, "at {}: {}", end, e);
    }
}

#[test]
fn damaged_records_are_reported_as_corruption() {
    let good = encode(&[1.0, 2.0], "{}", Some("x"));
    let damage = |f: &dyn Fn(&mut Vec<u8>)| {
        let mut bytes = good.clone();
        f(&mut bytes);
        decode_record(&bytes).unwrap_err().code
    };
    assert_eq!(damage(&|b| b[5..9].copy_from_slice(&f32::NAN.to_le_bytes())), ErrorCode::Corruption);
    assert_eq!(damage(&|b| b[9..13].copy_from_slice(&f32::INFINITY.to_le_bytes())), ErrorCode::Corruption);
    assert_eq!(damage(&|b| b.push(0)), ErrorCode::Corruption);
    assert_eq!(damage(&|b| *b.last_mut().unwrap() = 0x02), ErrorCode::Corruption);
    // Content bytes present but the flag says there is none.
    assert_eq!(damage(&|b| *b.last_mut().unwrap() = 0), ErrorCode::Corruption);
    assert_eq!(damage(&|b| b[1..5].copy_from_slice(&0u32.to_le_bytes())), ErrorCode::Corruption);
    assert_eq!(damage(&|b| b[1..5].copy_from_slice(&u32::MAX.to_le_bytes())), ErrorCode::Corruption);
    assert_eq!(damage(&|b| b[13..17].copy_from_slice(&u32::MAX.to_le_bytes())), ErrorCode::Corruption);
    let content_at = good.len() - 2;
    assert_eq!(damage(&|b| b[content_at] = 0xff), ErrorCode::Corruption);
    assert_eq!(damage(&|b| b[0] = 2), ErrorCode::UnsupportedFormat);
}

#[test]
fn encoding_refuses_bad_vectors_and_oversized_parts_without_writing() {
    let mut out = vec![7u8];
    let code = |r: crate::error::Result<()>| r.unwrap_err().code;
    assert_eq!(code(encode_record(&[], b"{}", None, &mut out)), ErrorCode::InvalidArgument);
    assert_eq!(code(encode_record(&vec![0.0; RECORD_DIM_MAX + 1], b"{}", None, &mut out)), ErrorCode::InvalidArgument);
    assert_eq!(code(encode_record(&[1.0, f32::NAN], b"{}", None, &mut out)), ErrorCode::InvalidArgument);
    assert_eq!(code(encode_record(&[f32::NEG_INFINITY], b"{}", None, &mut out)), ErrorCode::InvalidArgument);
    let big = vec![b' '; METADATA_SIZE_MAX + 1];
    assert_eq!(code(encode_record(&[1.0], &big, None, &mut out)), ErrorCode::LimitExceeded);
    assert_eq!(out, [7u8]);
    encode_record(&vec![0.25; RECORD_DIM_MAX], b"{}", None, &mut out).unwrap();
    assert_eq!(decode_record(&out[1..]).unwrap().dimension(), RECORD_DIM_MAX);
}

// The unchecked splitter used for search results.
mod parts {
    use crate::doc::record::record_parts;
    use crate::doc::{decode_record, encode_record};

    #[test]
    fn record_parts_agree_with_decode_record_and_reject_truncation() {
        for content in [None, Some(""), Some("text é")] {
            let mut bytes = Vec::new();
            encode_record(&[1.0, -2.5, 3.0], br#"{"a":1}"#, content, &mut bytes).unwrap();
            let (parts, view) = (record_parts(&bytes).unwrap(), decode_record(&bytes).unwrap());
            assert_eq!(parts.vector_bytes, view.vector_bytes());
            assert_eq!(parts.metadata_json, view.metadata_json);
            assert_eq!(parts.content, view.content.map(str::as_bytes));
            for cut in 0..bytes.len() {
                assert!(record_parts(&bytes[..cut]).is_err(), "cut at {}", cut);
            }
        }
    }
}
