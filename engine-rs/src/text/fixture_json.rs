//! Test-only reader for `tests/fixtures/tokenizer.json`: an array of `{"text": "...", "tokens": [...]}`.
//! No serde here (zero dependencies), so this parses just that shape: strings with the JSON escapes
//! (`\uXXXX` with surrogate pairs included), arrays and objects of strings, whitespace.

pub type Case = (String, Vec<String>);

pub fn parse_fixture(json: &str) -> Result<Vec<Case>, String> {
    let mut p = Parser { s: json.as_bytes(), pos: 0 };
    let mut cases = Vec::new();
    p.expect(b'[')?;
    if !p.eat(b']') {
        loop {
            cases.push(p.case()?);
            if p.eat(b']') {
                break;
            }
            p.expect(b',')?;
        }
    }
    p.ws();
    if p.pos != p.s.len() {
        return Err(format!("trailing bytes at {}", p.pos));
    }
    Ok(cases)
}

struct Parser<'a> {
    s: &'a [u8],
    pos: usize,
}

impl<'a> Parser<'a> {
    fn ws(&mut self) {
        while self.pos < self.s.len() && matches!(self.s[self.pos], b' ' | b'\n' | b'\r' | b'\t') {
            self.pos += 1;
        }
    }

    fn eat(&mut self, b: u8) -> bool {
        self.ws();
        if self.s.get(self.pos) == Some(&b) {
            self.pos += 1;
            return true;
        }
        false
    }

    fn expect(&mut self, b: u8) -> Result<(), String> {
        if self.eat(b) {
            Ok(())
        } else {
            Err(format!("expected {:?} at byte {}", b as char, self.pos))
        }
    }

    /// `{"text": string, "tokens": [string, ...]}` with the keys in any order.
    fn case(&mut self) -> Result<Case, String> {
        self.expect(b'{')?;
        let (mut text, mut toks) = (None, None);
        loop {
            let key = self.string()?;
            self.expect(b':')?;
            match key.as_str() {
                "text" => text = Some(self.string()?),
                "tokens" => toks = Some(self.strings()?),
                other => return Err(format!("unknown key {:?}", other)),
            }
            if self.eat(b'}') {
                break;
            }
            self.expect(b',')?;
        }
        match (text, toks) {
            (Some(t), Some(k)) => Ok((t, k)),
            _ => Err(format!("case before byte {} lacks text or tokens", self.pos)),
        }
    }

    fn strings(&mut self) -> Result<Vec<String>, String> {
        self.expect(b'[')?;
        let mut out = Vec::new();
        if self.eat(b']') {
            return Ok(out);
        }
        loop {
            out.push(self.string()?);
            if self.eat(b']') {
                return Ok(out);
            }
            self.expect(b',')?;
        }
    }

    fn string(&mut self) -> Result<String, String> {
        self.expect(b'"')?;
        let mut out: Vec<u8> = Vec::new();
        loop {
            let b = *self.s.get(self.pos).ok_or("unterminated string")?;
            self.pos += 1;
            match b {
                b'"' => return String::from_utf8(out).map_err(|e| e.to_string()),
                b'\\' => {
                    let e = *self.s.get(self.pos).ok_or("unterminated escape")?;
                    self.pos += 1;
                    let c = match e {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'n' => '\n',
                        b't' => '\t',
                        b'r' => '\r',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'u' => self.unicode_escape()?,
                        _ => return Err(format!("bad escape at {}", self.pos)),
                    };
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                }
                _ => out.push(b),
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, String> {
        let h = self.s.get(self.pos..self.pos + 4).ok_or("short \\u escape")?;
        self.pos += 4;
        let h = std::str::from_utf8(h).map_err(|e| e.to_string())?;
        u32::from_str_radix(h, 16).map_err(|e| e.to_string())
    }

    fn unicode_escape(&mut self) -> Result<char, String> {
        let hi = self.hex4()?;
        let code = if (0xD800..0xDC00).contains(&hi) {
            if self.s.get(self.pos..self.pos + 2) != Some(b"\\u") {
                return Err("lone high surrogate".into());
            }
            self.pos += 2;
            let lo = self.hex4()?;
            0x10000 + ((hi - 0xD800) << 10) + (lo.wrapping_sub(0xDC00) & 0x3FF)
        } else {
            hi
        };
        char::from_u32(code).ok_or_else(|| format!("bad code point {:x}", code))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_escapes_and_surrogate_pairs() {
        let got = parse_fixture(r#"[ {"text": "a\"b\\c\u00e9\ud83d\ude00", "tokens": ["x", ""]}, {"tokens": [], "text": ""} ]"#);
        let want = vec![("a\"b\\cé😀".to_string(), vec!["x".to_string(), String::new()]), (String::new(), vec![])];
        assert_eq!(got.unwrap(), want);
        assert!(parse_fixture(r#"[{"text": "a"}]"#).is_err());
        assert!(parse_fixture(r#"[{"text": "a", "tokens": []}"#).is_err());
    }
}
