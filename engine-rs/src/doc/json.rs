//! Strict JSON (RFC 8259) parsing for metadata and filters sent by the host.
//!
//! Strict means: no comments, no trailing commas, no leading `+` or zeros, no NaN/Infinity, no
//! lone surrogates (`\uD800` alone cannot become a Rust `String`), no raw control characters in
//! strings, no duplicate keys in one object (which of the two would a filter see?), nothing after
//! the value but whitespace. Numbers are f64 and must be finite (`1e400` is refused rather than
//! silently becoming infinity). Errors name the byte offset. The parser never panics: recursion is
//! bounded by `JSON_DEPTH_MAX` and every index is checked. The serializer is in `json_write.rs`.

use super::json_write::write_json;
use super::limits::{JSON_DEPTH_MAX, JSON_SIZE_MAX};
use crate::error::{Error, ErrorCode, Result};

/// A parsed JSON value. Object members keep their text order.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    Array(Vec<Value>),
    Object(Vec<(String, Value)>),
}

impl Value {
    /// The member named `key` of an object; `None` for other values.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Object(members) => members.iter().find(|m| m.0 == key).map(|m| &m.1),
            _ => None,
        }
    }

    /// The JSON type name, for error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        }
    }

    /// Compact JSON text of this value.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        write_json(self, &mut out);
        out
    }
}

/// Parses JSON text of at most `JSON_SIZE_MAX` bytes.
///
/// Errors: `InvalidArgument` for malformed text (the message names the byte offset),
/// `LimitExceeded` for text over the size limit or nesting deeper than `JSON_DEPTH_MAX`.
pub fn parse(input: &[u8]) -> Result<Value> {
    parse_limited(input, JSON_SIZE_MAX)
}

/// Like `parse`, with a smaller size limit chosen by the caller (metadata, filters).
pub fn parse_limited(input: &[u8], size_max: usize) -> Result<Value> {
    if input.len() > size_max.min(JSON_SIZE_MAX) {
        return Err(Error::new(
            ErrorCode::LimitExceeded,
            format!("JSON text is {} bytes, over the limit of {}: send less", input.len(), size_max.min(JSON_SIZE_MAX)),
        ));
    }
    // Validating UTF-8 once up front lets strings be copied as `&str` runs later.
    let text = match std::str::from_utf8(input) {
        Ok(text) => text,
        Err(e) => return Err(syntax_error(e.valid_up_to(), "invalid UTF-8")),
    };
    let mut p = Parser { text, s: input, pos: 0, depth: 0 };
    let value = p.value()?;
    p.ws();
    if p.pos != p.s.len() {
        return Err(p.error("unexpected text after the JSON value"));
    }
    Ok(value)
}

fn syntax_error(offset: usize, what: &str) -> Error {
    Error::invalid_argument(format!("invalid JSON at byte {}: {}", offset, what))
}

struct Parser<'a> {
    text: &'a str,
    s: &'a [u8],
    pos: usize,
    depth: usize,
}

impl<'a> Parser<'a> {
    fn error(&self, what: &str) -> Error {
        syntax_error(self.pos, what)
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.peek() {
            self.pos += 1;
        }
    }

    fn value(&mut self) -> Result<Value> {
        self.ws();
        match self.peek() {
            None => Err(self.error("unexpected end of input, expected a value")),
            Some(b'{') => self.nested(Parser::object),
            Some(b'[') => self.nested(Parser::array),
            Some(b'"') => Ok(Value::String(self.string()?)),
            Some(b't') => self.literal("true", Value::Bool(true)),
            Some(b'f') => self.literal("false", Value::Bool(false)),
            Some(b'n') => self.literal("null", Value::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.error("unexpected character, expected a value")),
        }
    }

    /// Runs `f` one level deeper, refusing to go past `JSON_DEPTH_MAX` (the stack is small in wasm).
    fn nested(&mut self, f: fn(&mut Parser<'a>) -> Result<Value>) -> Result<Value> {
        if self.depth == JSON_DEPTH_MAX {
            return Err(Error::new(
                ErrorCode::LimitExceeded,
                format!("JSON nests deeper than {} levels at byte {}: flatten it", JSON_DEPTH_MAX, self.pos),
            ));
        }
        self.depth += 1;
        let value = f(self);
        self.depth -= 1;
        value
    }

    fn literal(&mut self, word: &str, value: Value) -> Result<Value> {
        if self.s[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(value)
        } else {
            Err(self.error("unknown literal, expected true, false or null"))
        }
    }

    fn eat(&mut self, byte: u8) -> bool {
        self.ws();
        if self.peek() == Some(byte) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn array(&mut self) -> Result<Value> {
        self.pos += 1; // '['
        let mut items = Vec::new();
        if self.eat(b']') {
            return Ok(Value::Array(items));
        }
        loop {
            items.push(self.value()?);
            if self.eat(b']') {
                return Ok(Value::Array(items));
            }
            if !self.eat(b',') {
                return Err(self.error("expected ',' or ']' in array"));
            }
        }
    }

    fn object(&mut self) -> Result<Value> {
        let start = self.pos;
        self.pos += 1; // '{'
        let mut members: Vec<(String, Value)> = Vec::new();
        if self.eat(b'}') {
            return Ok(Value::Object(members));
        }
        loop {
            self.ws();
            if self.peek() != Some(b'"') {
                return Err(self.error("expected a string key in object"));
            }
            let key = self.string()?;
            if !self.eat(b':') {
                return Err(self.error("expected ':' after object key"));
            }
            let value = self.value()?;
            members.push((key, value));
            if self.eat(b'}') {
                break;
            }
            if !self.eat(b',') {
                return Err(self.error("expected ',' or '}' in object"));
            }
        }
        if let Some(key) = duplicate_key(&members) {
            return Err(syntax_error(start, &format!("duplicate key {:?} in object", key)));
        }
        Ok(Value::Object(members))
    }

    fn string(&mut self) -> Result<String> {
        self.pos += 1; // '"'
        let mut out = String::new();
        loop {
            let run = self.pos;
            while let Some(b) = self.peek() {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            // Both ends sit next to ASCII bytes, so they are char boundaries.
            out.push_str(&self.text[run..self.pos]);
            match self.peek() {
                None => return Err(self.error("unterminated string")),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => self.escape(&mut out)?,
                Some(_) => return Err(self.error("control character in string: escape it")),
            }
        }
    }

    fn escape(&mut self, out: &mut String) -> Result<()> {
        self.pos += 1; // '\\'
        let c = match self.peek() {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => return self.unicode_escape(out),
            _ => return Err(self.error("invalid escape in string")),
        };
        self.pos += 1;
        out.push(c);
        Ok(())
    }

    /// `\uXXXX`, with a UTF-16 surrogate pair spelled as two escapes.
    fn unicode_escape(&mut self, out: &mut String) -> Result<()> {
        let at = self.pos - 1;
        self.pos += 1; // 'u'
        let high = self.hex4()?;
        let code = match high {
            0xD800..=0xDBFF => {
                if !self.s[self.pos..].starts_with(b"\\u") {
                    return Err(syntax_error(at, "high surrogate without a low surrogate"));
                }
                self.pos += 2;
                let low = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&low) {
                    return Err(syntax_error(at, "high surrogate without a low surrogate"));
                }
                0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
            }
            0xDC00..=0xDFFF => return Err(syntax_error(at, "lone low surrogate")),
            _ => high,
        };
        match char::from_u32(code) {
            Some(c) => {
                out.push(c);
                Ok(())
            }
            None => Err(syntax_error(at, "invalid code point")),
        }
    }

    fn hex4(&mut self) -> Result<u32> {
        let mut code = 0u32;
        for _ in 0..4 {
            let digit = match self.peek() {
                Some(b) => (b as char).to_digit(16),
                None => None,
            };
            match digit {
                Some(d) => code = code * 16 + d,
                None => return Err(self.error("expected 4 hex digits after \\u")),
            }
            self.pos += 1;
        }
        Ok(code)
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
        self.pos - start
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, checked here because Rust's
    /// `f64::from_str` accepts more (`+1`, `.5`, `inf`).
    fn number(&mut self) -> Result<Value> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => {
                self.pos += 1;
                if let Some(b'0'..=b'9') = self.peek() {
                    return Err(self.error("leading zero in number"));
                }
            }
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(self.error("expected a digit")),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                return Err(self.error("expected a digit after '.'"));
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err(self.error("expected a digit in exponent"));
            }
        }
        match self.text[start..self.pos].parse::<f64>() {
            Ok(x) if x.is_finite() => Ok(Value::Number(x)),
            _ => Err(syntax_error(start, "number out of the f64 range")),
        }
    }
}

/// The first key that appears twice, sorting only when a linear scan would be slow.
fn duplicate_key(members: &[(String, Value)]) -> Option<&str> {
    if members.len() <= 8 {
        for (i, a) in members.iter().enumerate() {
            if members[..i].iter().any(|b| b.0 == a.0) {
                return Some(&a.0);
            }
        }
        return None;
    }
    let mut keys: Vec<&str> = members.iter().map(|m| m.0.as_str()).collect();
    keys.sort_unstable();
    keys.windows(2).find(|w| w[0] == w[1]).map(|w| w[0])
}
