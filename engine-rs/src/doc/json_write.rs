//! Compact JSON text of a `Value`: no whitespace, shortest round-tripping numbers, only the
//! escapes JSON requires. `json::parse` of the output gives back an equal value.

use std::fmt::Write;

use super::json::Value;

/// Appends the compact JSON text of `value` to `out`. Non-finite numbers (only possible in values
/// built by hand) are written as `null`, as `JSON.stringify` does.
pub fn write_json(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(x) => write_number(*x, out),
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(item, out);
            }
            out.push(']');
        }
        Value::Object(members) => {
            out.push('{');
            for (i, (key, item)) in members.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(key, out);
                out.push(':');
                write_json(item, out);
            }
            out.push('}');
        }
    }
}

/// Shortest text that parses back to the same f64; exponent form only for very large or small
/// magnitudes, where `Display` would print hundreds of zeros.
pub fn write_number(x: f64, out: &mut String) {
    if !x.is_finite() {
        out.push_str("null");
        return;
    }
    let magnitude = x.abs();
    let _ = if magnitude != 0.0 && !(1e-6..1e21).contains(&magnitude) {
        write!(out, "{:e}", x)
    } else {
        write!(out, "{}", x)
    };
}

/// A JSON string literal: escapes quote, backslash and control characters; other text as is.
pub fn write_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}
