//! Collections through the `soch_*` exports, as the host drives them: reserved writes, the LATEST
//! sentinel, `soch_search` / `soch_collection_count`, and a checkpoint + reopen by file names.

mod collections_util;

use collections_util::{col_key, decode_results, doc_key, record, Found, Query};

extern "C" {
    fn soch_alloc(len: u32) -> usize;
    fn soch_scratch(len: u32) -> usize;
    fn soch_out_ptr() -> usize;
    fn soch_out_len() -> u32;
    fn soch_init(flags: u32) -> i32;
    fn soch_load_manifest(ptr: usize, len: u32) -> i32;
    fn soch_load_file(name_ptr: usize, name_len: u32, data_ptr: usize, data_len: u32) -> i32;
    fn soch_open_finish() -> i32;
    fn soch_get(kptr: usize, klen: u32) -> i32;
    fn soch_put(kptr: usize, klen: u32, vptr: usize, vlen: u32) -> i32;
    fn soch_txn_get(txn: u32, kptr: usize, klen: u32) -> i32;
    fn soch_wal_take() -> i32;
    fn soch_wal_mark_durable(seq: f64) -> i32;
    fn soch_checkpoint(force: u32) -> i32;
    fn soch_search(col_ptr: usize, col_len: u32, req_ptr: usize, req_len: u32) -> i32;
    fn soch_collection_count(col_ptr: usize, col_len: u32) -> i32;
}

const WAL_ENABLED: u32 = 1;
const LATEST: u32 = 0xFFFF_FFFF;

fn out() -> Vec<u8> {
    unsafe { std::slice::from_raw_parts(soch_out_ptr() as *const u8, soch_out_len() as usize).to_vec() }
}

fn scratch(parts: &[&[u8]]) -> Vec<(usize, u32)> {
    let total: usize = parts.iter().map(|part| part.len()).sum();
    let base = unsafe { soch_scratch(total as u32) };
    let mut offset = 0;
    let mut placed = Vec::new();
    for part in parts {
        unsafe { std::ptr::copy_nonoverlapping(part.as_ptr(), (base + offset) as *mut u8, part.len()) };
        placed.push((base + offset, part.len() as u32));
        offset += part.len();
    }
    placed
}

fn put(key: &[u8], value: &[u8]) -> i32 {
    let p = scratch(&[key, value]);
    unsafe { soch_put(p[0].0, p[0].1, p[1].0, p[1].1) }
}

fn search(collection: &str, query: &Query) -> Vec<Found> {
    let (key, request) = (col_key(collection), query.encode());
    let p = scratch(&[&key, &request]);
    let count = unsafe { soch_search(p[0].0, p[0].1, p[1].0, p[1].1) };
    assert!(count >= 0, "{}", String::from_utf8_lossy(&out()));
    let found = decode_results(&out());
    assert_eq!(found.len(), count as usize);
    found
}

fn count(collection: &str) -> i32 {
    let p = scratch(&[&col_key(collection)]);
    unsafe { soch_collection_count(p[0].0, p[0].1) }
}

fn make_durable() {
    assert_eq!(unsafe { soch_wal_take() }, 0);
    let last_seq = u64::from_le_bytes(out()[..8].try_into().unwrap());
    assert_eq!(unsafe { soch_wal_mark_durable(last_seq as f64) }, 0);
}

fn name_at(bytes: &[u8], pos: &mut usize) -> String {
    let len = u16::from_le_bytes([bytes[*pos], bytes[*pos + 1]]) as usize;
    let name = String::from_utf8(bytes[*pos + 2..*pos + 2 + len].to_vec()).unwrap();
    *pos += 2 + len;
    name
}

/// Decodes the checkpoint output: (manifest, files to write with their bytes, files to remove).
fn checkpoint_output() -> (Vec<u8>, Vec<(String, Vec<u8>)>, Vec<String>) {
    let output = out();
    let manifest_len = u32::from_le_bytes(output[..4].try_into().unwrap()) as usize;
    let manifest = output[4..4 + manifest_len].to_vec();
    let mut pos = 4 + manifest_len;
    let u32_at = |pos: usize| u32::from_le_bytes(output[pos..pos + 4].try_into().unwrap());
    let mut writes = Vec::new();
    let write_count = u32_at(pos);
    pos += 4;
    let ptr_size = std::mem::size_of::<usize>();
    for _ in 0..write_count {
        let name = name_at(&output, &mut pos);
        let pieces = u32_at(pos);
        pos += 4;
        let mut bytes = Vec::new();
        for _ in 0..pieces {
            let ptr = usize::from_le_bytes(output[pos..pos + ptr_size].try_into().unwrap());
            let len = u32_at(pos + ptr_size) as usize;
            pos += ptr_size + 4;
            bytes.extend_from_slice(unsafe { std::slice::from_raw_parts(ptr as *const u8, len) });
        }
        writes.push((name, bytes));
    }
    let remove_count = u32_at(pos);
    pos += 4;
    let removes = (0..remove_count).map(|_| name_at(&output, &mut pos)).collect();
    assert_eq!(output.len(), pos + 8 + 16, "wal_generation and header end the output");
    (manifest, writes, removes)
}

fn load_file(name: &str, bytes: &[u8]) -> i32 {
    let buffer = unsafe { soch_alloc(bytes.len() as u32) };
    unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), buffer as *mut u8, bytes.len()) };
    let p = scratch(&[name.as_bytes()]);
    unsafe { soch_load_file(p[0].0, p[0].1, buffer, bytes.len() as u32) }
}

#[test]
fn a_collection_is_created_searched_checkpointed_and_reopened_through_the_exports() {
    unsafe { assert_eq!(soch_init(WAL_ENABLED), 0) };
    unsafe { assert_eq!(soch_open_finish(), 0) };
    assert_eq!(put(&col_key("c"), br#"{"dimension": 2, "metric": "l2"}"#), 0);
    let key = col_key("c");
    let p = scratch(&[&key]);
    assert_eq!(unsafe { soch_get(p[0].0, p[0].1) }, 1, "not durable, not visible");
    assert_eq!(unsafe { soch_txn_get(LATEST, p[0].0, p[0].1) }, 0, "LATEST sees it");
    assert_eq!(put(&doc_key("c", "a"), &record(&[0.0, 0.0], r#"{"k": 1}"#, Some("hello"))), 0);
    assert_eq!(put(&doc_key("c", "b"), &record(&[3.0, 0.0], "{}", None)), 0);
    assert_eq!(put(&doc_key("c", "bad"), &record(&[3.0], "{}", None)), -2);
    make_durable();
    assert_eq!(count("c"), 2);
    assert_eq!(count("missing"), -2);
    let before = search("c", &Query::vector(2, &[1.0, 0.0]));
    assert_eq!(before.iter().map(|f| f.id.as_str()).collect::<Vec<_>>(), vec!["a", "b"]);
    assert_eq!((before[0].score, before[0].content.as_deref()), (-1.0, Some("hello")));

    assert_eq!(unsafe { soch_checkpoint(0) }, 1);
    let (manifest, writes, removes) = checkpoint_output();
    let names: Vec<&str> = writes.iter().map(|(name, _)| name.as_str()).collect();
    assert!(names[0].starts_with("seg-") && names[1].starts_with("idx-") && names.len() == 2, "{:?}", names);
    assert!(removes.is_empty());

    unsafe { assert_eq!(soch_init(WAL_ENABLED), 0) };
    let p = scratch(&[&manifest]);
    assert_eq!(unsafe { soch_load_manifest(p[0].0, p[0].1) }, 0);
    let plan = out();
    assert_eq!(u32::from_le_bytes(plan[8..12].try_into().unwrap()), 2);
    let mut pos = 12;
    let listed = vec![name_at(&plan, &mut pos), name_at(&plan, &mut pos)];
    assert_eq!(listed, vec![names[1], names[0]], "index files first, then segments");
    for (name, bytes) in &writes {
        assert_eq!(load_file(name, bytes), 0, "{}", String::from_utf8_lossy(&out()));
    }
    assert_eq!(load_file("idx-0000000000000063.vix", &writes[1].1), -2, "not named by the manifest");
    unsafe { assert_eq!(soch_open_finish(), 0) };
    assert_eq!(search("c", &Query::vector(2, &[1.0, 0.0])), before);
}
