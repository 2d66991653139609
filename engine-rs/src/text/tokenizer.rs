//! The one tokenizer of the product: documents and queries go through it, here and (mirrored, checked
//! by `tests/fixtures/tokenizer.json`) on the TypeScript side.
//!
//! Rules, in order:
//! 1. A token is a maximal run of word chars: `char::is_alphanumeric` (Unicode Alphabetic or Numeric,
//!    every script, so `42`, `٣` and `²` are tokens), continued by combining marks (General Category
//!    M, `marks.rs`) so a virama, a Thai tone mark or a decomposed accent does not split a word. A mark
//!    never starts a token (after a separator it is dropped).
//! 2. An apostrophe (`'` or `’`), an underscore, ZWNJ or ZWJ joins two word chars into one token, as
//!    Unicode word boundaries (UAX #29) and Lucene's standard tokenizer do: `don't`, `o'neil`,
//!    `snake_case`. Elsewhere (leading, trailing, doubled) they separate. `’` is stored as `'`.
//! 3. Han, Hiragana and Katakana chars are each a token of their own (unigrams): those scripts do not
//!    put spaces between words and a dictionary segmenter is out of scope; a query for `東京` then
//!    matches both chars. Hangul keeps its space-separated words. Thai, Lao, Khmer and Myanmar runs
//!    stay whole (no segmenter) and are cut by rule 5.
//! 4. Lower-casing is `char::to_lowercase` (full Unicode mapping, `İ` gives two chars) plus one fold:
//!    final sigma `ς` becomes `σ`, so `ΟΔΟΣ` and `οδος` agree. No NFC/NFKC normalisation (no tables in
//!    a zero-dependency crate): hosts that mix normal forms should normalise to NFC first.
//! 5. A token longer than `TOKEN_BYTES_MAX` UTF-8 bytes is truncated at the last char boundary within
//!    it (not dropped): the same long word in a query is truncated the same way and still matches,
//!    while hashes and base64 blobs stop costing dictionary space.
//! 6. Everything else (spaces, punctuation, symbols, emoji) separates and is dropped.
//!
//! No stemming and no stopwords: both are per-language, and one predictable rule for every script
//! beats better recall in English only. BM25's idf already makes very common words cheap.

use crate::text::marks::is_mark;

/// Longest token kept, in UTF-8 bytes; longer tokens are truncated to it (rule 5).
pub const TOKEN_BYTES_MAX: usize = 64;

/// Calls `emit` with each token of `text`, in order. `emit` borrows a buffer reused for every token,
/// so tokenizing allocates nothing per token.
pub fn tokenize(text: &str, mut emit: impl FnMut(&str)) {
    let mut token = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if is_mark(c) {
            if !token.is_empty() {
                push_lower(&mut token, c);
            }
        } else if is_unigram_char(c) {
            flush(&mut token, &mut emit);
            push_lower(&mut token, c);
            flush(&mut token, &mut emit);
        } else if c.is_alphanumeric() {
            push_lower(&mut token, c);
        } else if is_joiner(c) && !token.is_empty() && chars.peek().map_or(false, |&n| joins_next(n)) {
            // An in-word apostrophe or underscore: keep it, the next char continues the token.
            token.push(if c == '\u{2019}' { '\'' } else { c });
        } else {
            flush(&mut token, &mut emit);
        }
    }
    flush(&mut token, &mut emit);
}

/// The tokens of `text`, owned: for tests and for small inputs such as queries.
pub fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    tokenize(text, |t| out.push(t.to_string()));
    out
}

/// Emits the pending token (truncated to `TOKEN_BYTES_MAX`) and clears the buffer.
fn flush(token: &mut String, emit: &mut impl FnMut(&str)) {
    if token.is_empty() {
        return;
    }
    if token.len() > TOKEN_BYTES_MAX {
        let mut end = TOKEN_BYTES_MAX;
        while !token.is_char_boundary(end) {
            end -= 1;
        }
        token.truncate(end);
    }
    emit(token);
    token.clear();
}

fn push_lower(token: &mut String, c: char) {
    if c.is_ascii() {
        token.push(c.to_ascii_lowercase());
        return;
    }
    for l in c.to_lowercase() {
        token.push(if l == 'ς' { 'σ' } else { l });
    }
}

/// A char after an apostrophe or underscore that lets it join: a word char that is not a unigram
/// (a `'` before a Han char separates, as the Han char is a token of its own anyway).
fn joins_next(c: char) -> bool {
    c.is_alphanumeric() && !is_unigram_char(c) && !is_mark(c)
}

fn is_joiner(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '_' | '\u{200C}' | '\u{200D}')
}

/// Han (CJK ideographs and their extensions), Hiragana, Katakana: one token per char (rule 3).
fn is_unigram_char(c: char) -> bool {
    matches!(c,
        '\u{3005}'..='\u{3007}'     // 々 〆 〇
        | '\u{3040}'..='\u{309F}'   // Hiragana
        | '\u{30A0}'..='\u{30FF}'   // Katakana
        | '\u{31F0}'..='\u{31FF}'   // Katakana Phonetic Extensions
        | '\u{3400}'..='\u{4DBF}'   // CJK Extension A
        | '\u{4E00}'..='\u{9FFF}'   // CJK Unified Ideographs
        | '\u{F900}'..='\u{FAFF}'   // CJK Compatibility Ideographs
        | '\u{FF66}'..='\u{FF9F}'   // Halfwidth Katakana
        | '\u{20000}'..='\u{3134F}' // CJK Extensions B..G and compatibility supplement
    ) && c.is_alphanumeric()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::fixture_json::parse_fixture;

    const FIXTURE: &str = include_str!("../../../tests/fixtures/tokenizer.json");

    #[test]
    fn tokenizer_matches_the_shared_fixture() {
        let cases = parse_fixture(FIXTURE).expect("tokenizer.json parses");
        assert!(cases.len() >= 20, "fixture has {} cases", cases.len());
        for (text, want) in &cases {
            assert_eq!(&tokens(text), want, "text: {:?}", text);
        }
    }

    #[test]
    fn long_tokens_are_cut_at_a_char_boundary() {
        let word = "é".repeat(40); // 80 bytes
        let got = tokens(&word);
        assert_eq!(got, vec!["é".repeat(32)]);
        let odd = format!("a{}", "é".repeat(40)); // cut falls inside a char: back off to 63 bytes
        assert_eq!(tokens(&odd)[0].len(), 63);
        assert_eq!(tokens(&"x".repeat(64))[0].len(), 64);
    }

    #[test]
    fn tokens_never_hold_separators_or_start_with_joiners() {
        let text = "'a' _b_ c''d e__f ’g’ 'h'i' j_'k";
        for t in tokens(text) {
            assert!(!t.starts_with('\'') && !t.ends_with('\'') && !t.starts_with('_') && !t.ends_with('_'), "{:?}", t);
            assert!(!t.contains("''") && !t.contains("__") && !t.contains(' '), "{:?}", t);
        }
        assert_eq!(tokens(text), vec!["a", "b", "c", "d", "e", "f", "g", "h'i", "j", "k"]);
    }

    #[test]
    fn empty_and_separator_only_text_has_no_tokens() {
        assert!(tokens("").is_empty());
        assert!(tokens("  ,.;!? 🙂 — '' __ ").is_empty());
    }
}
