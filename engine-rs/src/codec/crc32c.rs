//! CRC32C (Castagnoli), software, slicing-by-8, in three interleaved lanes for long inputs. Ours:
//! the engine has no dependencies.
//!
//! WebAssembly has no CRC instruction, so the tables do the work: eight 256-entry tables, built at
//! compile time, let the loop fold 8 input bytes per step.

/// Reflected Castagnoli polynomial.
const POLY: u32 = 0x82F6_3B78;

/// `TABLES[0]` is the classic byte table; `TABLES[k][b]` is the CRC of byte `b` followed by `k`
/// zero bytes, so eight lookups advance the CRC over eight bytes at once.
static TABLES: [[u32; 256]; 8] = build_tables();

const fn build_tables() -> [[u32; 256]; 8] {
    let mut tables = [[0u32; 256]; 8];
    let mut b = 0;
    while b < 256 {
        let mut crc = b as u32;
        let mut bit = 0;
        while bit < 8 {
            crc = if crc & 1 != 0 { (crc >> 1) ^ POLY } else { crc >> 1 };
            bit += 1;
        }
        tables[0][b] = crc;
        b += 1;
    }
    let mut k = 1;
    while k < 8 {
        let mut b = 0;
        while b < 256 {
            let prev = tables[k - 1][b];
            tables[k][b] = (prev >> 8) ^ tables[0][(prev & 0xFF) as usize];
            b += 1;
        }
        k += 1;
    }
    tables
}

/// CRC32C of `data`.
#[inline]
pub fn crc32c(data: &[u8]) -> u32 {
    crc32c_append(0, data)
}

/// Continues `crc` (the CRC32C of earlier bytes) over `data`, so that
/// `crc32c_append(crc32c(a), b) == crc32c(a ++ b)`.
pub fn crc32c_append(crc: u32, data: &[u8]) -> u32 {
    if data.len() < THREE_LANES_MIN {
        return append_serial(crc, data);
    }
    // Three lanes of equal length (whole 8-byte steps), folded together by `crc32c_combine`.
    let lane = data.len() / 24 * 8;
    let (a, rest) = data.split_at(lane);
    let (b, rest) = rest.split_at(lane);
    let (c, tail) = rest.split_at(lane);
    let (ca, cb, cc) = three_lanes(crc, a, b, c);
    append_serial(crc32c_combine(crc32c_combine(ca, cb, lane), cc, lane), tail)
}

/// Inputs from this long run in three interleaved lanes: one lane's steps each wait for the last
/// (the next lookups need the new CRC), three overlap (opening 100k x 384-d: a few percent faster).
const THREE_LANES_MIN: usize = 4096;

/// One slicing-by-8 step of an inverted CRC register over the 8 bytes of `c`.
#[inline(always)]
fn step8(crc: u32, c: &[u8]) -> u32 {
    let t = &TABLES;
    let lo = u32::from_le_bytes([c[0], c[1], c[2], c[3]]) ^ crc;
    let hi = u32::from_le_bytes([c[4], c[5], c[6], c[7]]);
    t[7][(lo & 0xFF) as usize]
        ^ t[6][((lo >> 8) & 0xFF) as usize]
        ^ t[5][((lo >> 16) & 0xFF) as usize]
        ^ t[4][(lo >> 24) as usize]
        ^ t[3][(hi & 0xFF) as usize]
        ^ t[2][((hi >> 8) & 0xFF) as usize]
        ^ t[1][((hi >> 16) & 0xFF) as usize]
        ^ t[0][(hi >> 24) as usize]
}

fn append_serial(crc: u32, data: &[u8]) -> u32 {
    let t = &TABLES;
    let mut crc = !crc;
    let mut chunks = data.chunks_exact(8);
    for c in &mut chunks {
        crc = step8(crc, c);
    }
    for &b in chunks.remainder() {
        crc = (crc >> 8) ^ t[0][((crc ^ b as u32) & 0xFF) as usize];
    }
    !crc
}

/// `(crc32c_append(crc, a), crc32c(b), crc32c(c))` for three slices of one length (a multiple of 8).
fn three_lanes(crc: u32, a: &[u8], b: &[u8], c: &[u8]) -> (u32, u32, u32) {
    let (mut x, mut y, mut z) = (!crc, !0u32, !0u32);
    for ((ca, cb), cc) in a.chunks_exact(8).zip(b.chunks_exact(8)).zip(c.chunks_exact(8)) {
        x = step8(x, ca);
        y = step8(y, cb);
        z = step8(z, cc);
    }
    (!x, !y, !z)
}

/// A linear operator on CRC registers, as 32 columns: the image of each bit.
pub type CrcShift = [u32; 32];

/// The operator that advances a CRC over `1 << log2_len` zero bytes, so that
/// `crc32c(a ++ b) == crc32c_shift(&op, crc32c(a)) ^ crc32c(b)` when `b.len() == 1 << log2_len`.
/// A `const fn`: callers build the operator for a fixed length (a segment chunk) at compile time.
pub const fn crc32c_shift_op(log2_len: u32) -> CrcShift {
    // One zero byte: eight zero bits through the reflected register.
    let mut op = [0u32; 32];
    let mut i = 0;
    while i < 32 {
        let mut crc = 1u32 << i;
        let mut bit = 0;
        while bit < 8 {
            crc = if crc & 1 != 0 { (crc >> 1) ^ POLY } else { crc >> 1 };
            bit += 1;
        }
        op[i] = crc;
        i += 1;
    }
    // Square it: 2^k zero bytes.
    let mut k = 0;
    while k < log2_len {
        let mut sq = [0u32; 32];
        let mut j = 0;
        while j < 32 {
            sq[j] = apply(&op, op[j]);
            j += 1;
        }
        op = sq;
        k += 1;
    }
    op
}

const fn apply(op: &CrcShift, mut v: u32) -> u32 {
    let mut out = 0;
    let mut i = 0;
    while v != 0 {
        if v & 1 != 0 {
            out ^= op[i];
        }
        v >>= 1;
        i += 1;
    }
    out
}

/// `SHIFT_OPS[k]` advances a CRC over `2^k` zero bytes (lengths up to 2^48 bytes).
static SHIFT_OPS: [CrcShift; 48] = build_shift_ops();

const fn build_shift_ops() -> [CrcShift; 48] {
    let mut ops = [[0u32; 32]; 48];
    ops[0] = crc32c_shift_op(0);
    let mut k = 1;
    while k < 48 {
        // Squaring the operator doubles the length it advances over.
        let mut j = 0;
        while j < 32 {
            ops[k][j] = apply(&ops[k - 1], ops[k - 1][j]);
            j += 1;
        }
        k += 1;
    }
    ops
}

/// `crc32c(a ++ b)` from `crc32c(a)`, `crc32c(b)` and `b.len()`, without reading the bytes
/// again: a file whose parts carry their own CRCs gets its whole-file CRC for free.
pub fn crc32c_combine(crc_a: u32, crc_b: u32, len_b: usize) -> u32 {
    let (mut crc, mut len, mut k) = (crc_a, len_b as u64, 0);
    while len != 0 {
        if len & 1 == 1 {
            crc = apply(&SHIFT_OPS[k], crc);
        }
        len >>= 1;
        k += 1;
    }
    crc ^ crc_b
}

/// Applies a shift operator from `crc32c_shift_op` to `crc`.
#[inline]
pub fn crc32c_shift(op: &CrcShift, crc: u32) -> u32 {
    apply(op, crc)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bitwise(data: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &b in data {
            crc ^= b as u32;
            for _ in 0..8 {
                crc = if crc & 1 != 0 { (crc >> 1) ^ POLY } else { crc >> 1 };
            }
        }
        !crc
    }

    fn sample(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i.wrapping_mul(31) ^ (i >> 3)) as u8).collect()
    }

    #[test]
    fn combine_equals_the_crc_of_the_concatenation() {
        let data = sample(70_000);
        for split in [0usize, 1, 7, 8, 9, 4096, 65_535, 69_999, 70_000] {
            let (a, b) = data.split_at(split);
            assert_eq!(crc32c_combine(crc32c(a), crc32c(b), b.len()), crc32c(&data), "split at {}", split);
        }
    }

    #[test]
    fn check_value_matches_the_standard() {
        assert_eq!(crc32c(b"123456789"), 0xE306_9283);
        assert_eq!(crc32c(b""), 0);
        // RFC 3720 B.4: 32 bytes of zeros.
        assert_eq!(crc32c(&[0u8; 32]), 0x8A91_36AA);
        assert_eq!(crc32c(&[0xFFu8; 32]), 0x62A8_AB43);
    }

    #[test]
    fn slicing_by_8_agrees_with_bitwise_at_every_length() {
        let data = sample(300);
        for len in 0..data.len() {
            assert_eq!(crc32c(&data[..len]), bitwise(&data[..len]), "len {}", len);
        }
    }

    #[test]
    fn three_lanes_agree_with_bitwise_around_their_threshold_and_in_long_inputs() {
        let data = sample(3 * THREE_LANES_MIN + 50);
        for len in (THREE_LANES_MIN - 30..THREE_LANES_MIN + 30).chain([2 * THREE_LANES_MIN + 7, data.len()]) {
            assert_eq!(crc32c(&data[..len]), bitwise(&data[..len]), "len {}", len);
            assert_eq!(crc32c_append(0x1234_5678, &data[..len]), append_serial(0x1234_5678, &data[..len]), "len {}", len);
        }
    }

    #[test]
    fn append_composes_at_every_split() {
        let data = sample(100);
        let whole = crc32c(&data);
        for split in 0..=data.len() {
            assert_eq!(crc32c_append(crc32c(&data[..split]), &data[split..]), whole);
        }
    }

    #[test]
    fn shift_operator_combines_crcs_of_adjacent_blocks() {
        let data = sample(64 + 37);
        let op = crc32c_shift_op(6);
        let (a, b) = data.split_at(data.len() - 64);
        assert_eq!(crc32c_shift(&op, crc32c(a)) ^ crc32c(b), crc32c(&data));
        assert_eq!(crc32c_shift(&op, 0) ^ crc32c(b), crc32c(b));
    }
}
