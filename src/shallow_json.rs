//! The layout of the big JSON outputs (`data.json`, `annotations.jsonld`):
//! pretty-printed down to a set depth, one line per record below it.
//!
//! Fully pretty-printed, a 10,000-article `data.json` was 124 MB, a quarter
//! of it indentation and line breaks around each statement's three short
//! fields; compact, a change to one statement would show in `git diff` as a
//! change to one 90 MB line. One statement (or piece of evidence, or
//! annotation) per line keeps both the size of compact JSON and diffs a
//! reader can follow.

use rayon::prelude::*;
use serde::Serialize;
use serde_json::ser::Formatter;
use std::io;

/// A `serde_json` formatter that lays out containers nested at most `max`
/// levels deep as `serde_json::to_string_pretty` does, and anything deeper
/// on one line as `serde_json::to_string` does.
struct Shallow {
    /// Nesting level of the innermost open container (1 for the top one).
    level: usize,
    max: usize,
    has_value: bool,
}

impl Shallow {
    fn pretty(&self) -> bool {
        self.level <= self.max
    }

    fn newline_indent<W: ?Sized + io::Write>(w: &mut W, level: usize) -> io::Result<()> {
        w.write_all(b"\n")?;
        for _ in 0..level {
            w.write_all(b"  ")?;
        }
        Ok(())
    }

    fn begin_item<W: ?Sized + io::Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        if !first {
            w.write_all(b",")?;
        }
        if self.pretty() {
            Self::newline_indent(w, self.level)?;
        }
        Ok(())
    }

    fn end_container<W: ?Sized + io::Write>(&mut self, w: &mut W, close: &[u8]) -> io::Result<()> {
        let pretty = self.pretty();
        self.level -= 1;
        if pretty && self.has_value {
            Self::newline_indent(w, self.level)?;
        }
        w.write_all(close)
    }
}

impl Formatter for Shallow {
    fn begin_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.level += 1;
        self.has_value = false;
        w.write_all(b"[")
    }

    fn end_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.end_container(w, b"]")
    }

    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.begin_item(w, first)
    }

    fn end_array_value<W: ?Sized + io::Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.level += 1;
        self.has_value = false;
        w.write_all(b"{")
    }

    fn end_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.end_container(w, b"}")
    }

    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.begin_item(w, first)
    }

    fn begin_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(if self.pretty() { b": " } else { b":" })
    }

    fn end_object_value<W: ?Sized + io::Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// Appends `s` to `out` as a JSON string, quotes included, with exactly
/// the bytes `serde_json` writes for it: `"` and `\` escaped, control
/// chars as `\n`, `\t`, … or `\u00xx`, everything else as it is.
///
/// `serde_json` looks each byte up in a table; this tests eight at a time
/// and copies the runs between escapes whole. It exists for the statement
/// texts of `data.json` (most of the file): written through `serde_json`,
/// that file took 7 % of a build's instructions.
pub(crate) fn write_str(out: &mut Vec<u8>, s: &str) {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    // The high bit of a byte of the result is set for the lowest byte of
    // `word` that is below 0x20, '"' or '\' (bytes above it may be set by a
    // borrow, which is why only the lowest is trusted).
    fn specials(word: u64) -> u64 {
        let quote = word ^ u64::from_ne_bytes([b'"'; 8]);
        let backslash = word ^ u64::from_ne_bytes([b'\\'; 8]);
        ((word.wrapping_sub(ONES * 0x20) & !word)
            | (quote.wrapping_sub(ONES) & !quote)
            | (backslash.wrapping_sub(ONES) & !backslash))
            & HIGHS
    }
    let bytes = s.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    let mut run = 0; // start of the bytes not yet copied
    let mut i = 0;
    while i < bytes.len() {
        if let Some(word) = bytes.get(i..i + 8) {
            let mask = specials(u64::from_le_bytes(word.try_into().expect("eight bytes")));
            if mask == 0 {
                i += 8;
                continue;
            }
            i += (mask.trailing_zeros() / 8) as usize;
        } else if !matches!(bytes[i], 0..0x20 | b'"' | b'\\') {
            i += 1;
            continue;
        }
        out.extend_from_slice(&bytes[run..i]);
        let b = bytes[i];
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x0C => out.extend_from_slice(b"\\f"),
            _ => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(b"\\u00");
                out.push(HEX[usize::from(b >> 4)]);
                out.push(HEX[usize::from(b & 0xF)]);
            }
        }
        i += 1;
        run = i;
    }
    out.extend_from_slice(&bytes[run..]);
    out.push(b'"');
}

/// A JSON object written on one line, as `serde_json::to_string` writes a
/// struct: for outputs written by hand (see [`write_str`]). Keys are
/// written as given, so they must need no escaping.
pub(crate) struct Object<'o> {
    out: &'o mut Vec<u8>,
    first: bool,
}

impl<'o> Object<'o> {
    pub(crate) fn new(out: &'o mut Vec<u8>) -> Self {
        out.push(b'{');
        Object { out, first: true }
    }

    /// Writes `"key":` and returns the buffer for the value.
    pub(crate) fn key(&mut self, key: &str) -> &mut Vec<u8> {
        if !self.first {
            self.out.push(b',');
        }
        self.first = false;
        self.out.push(b'"');
        self.out.extend_from_slice(key.as_bytes());
        self.out.extend_from_slice(b"\":");
        self.out
    }

    pub(crate) fn str(&mut self, key: &str, value: &str) -> &mut Self {
        write_str(self.key(key), value);
        self
    }

    /// Leaves the key out when there is no value (`skip_serializing_if =
    /// "Option::is_none"`).
    pub(crate) fn opt_str(&mut self, key: &str, value: Option<&str>) -> &mut Self {
        if let Some(value) = value {
            self.str(key, value);
        }
        self
    }

    pub(crate) fn num(&mut self, key: &str, value: usize) -> &mut Self {
        let out = self.key(key);
        out.extend_from_slice(value.to_string().as_bytes());
        self
    }

    pub(crate) fn end(&mut self) {
        self.out.push(b'}');
    }
}

/// Appends `value` laid out as it would be inside a document written with
/// [`to_string`]`(doc, max)`, where `value` is an element of an array (or
/// the value of a key) that sits `level` levels deep. Its first line is
/// not indented: the caller writes the line break and indentation before
/// it, as serde_json does. Lets the big arrays be serialised in parallel,
/// an element at a time, with the same bytes as the whole document.
pub(crate) fn write_item<T: Serialize + ?Sized>(
    out: &mut Vec<u8>,
    value: &T,
    level: usize,
    max: usize,
) -> serde_json::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(
        out,
        Shallow {
            level,
            max,
            has_value: false,
        },
    );
    value.serialize(&mut ser)
}

/// [`write_item`] into a new buffer.
pub(crate) fn item<T: Serialize + ?Sized>(value: &T, level: usize, max: usize) -> Vec<u8> {
    let mut out = Vec::new();
    write_item(&mut out, value, level, max).expect("values serialise");
    out
}

/// Writes an array of `len` items as it sits `level` levels deep in a
/// document pretty-printed at least that deep, rendering `item(i)` (from
/// [`item`] at `level`) a few hundred at a time in parallel: the array
/// never needs to be in memory whole.
pub(crate) fn write_array(
    w: &mut impl io::Write,
    len: usize,
    level: usize,
    item: impl Fn(usize) -> Vec<u8> + Sync,
) -> io::Result<()> {
    const BATCH: usize = 256;
    if len == 0 {
        return w.write_all(b"[]");
    }
    for start in (0..len).step_by(BATCH) {
        let items: Vec<Vec<u8>> = (start..(start + BATCH).min(len))
            .into_par_iter()
            .map(&item)
            .collect();
        for (i, text) in items.iter().enumerate() {
            w.write_all(if start + i == 0 { b"[" } else { b"," })?;
            Shallow::newline_indent(w, level)?;
            w.write_all(text)?;
        }
    }
    Shallow::newline_indent(w, level - 1)?;
    w.write_all(b"]")
}

/// `value` pretty-printed down to `max` levels of nesting, one line per
/// container below that.
pub(crate) fn to_string<T: Serialize + ?Sized>(value: &T, max: usize) -> String {
    let mut out = Vec::new();
    write_item(&mut out, value, 0, max).expect("values serialise");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn strings_are_escaped_eight_bytes_at_a_time_as_serde_json_does() {
        // Every byte that needs an escape, and bytes around the edges of the
        // tests (0x1F/0x20, 0x21/0x23 beside '"', 0x5B/0x5D beside '\\',
        // 0x7F, bytes above 0x80), at every offset against the words, alone
        // and after an escape (whose borrow must not hide the next).
        let mut hazards: Vec<String> = (0u8..0x20).map(|b| char::from(b).to_string()).collect();
        hazards.extend(
            [
                "\"", "\\", " ", "!", "#", "[", "]", "\x7f", "é", "✔", "\u{2028}", "\"\x01",
                "\x01\"", "\\\\",
            ]
            .map(String::from),
        );
        for hazard in &hazards {
            for before in 0..=17 {
                for after in [0, 1, 7, 8, 9] {
                    for text in [
                        format!("{}{hazard}{}", "a".repeat(before), "b".repeat(after)),
                        format!(
                            "{}{hazard}{hazard}{}",
                            "é".repeat(before),
                            "\\".repeat(after)
                        ),
                    ] {
                        let mut out = b"x".to_vec();
                        write_str(&mut out, &text);
                        let want = format!("x{}", serde_json::to_string(&text).unwrap());
                        assert_eq!(String::from_utf8(out).unwrap(), want, "{text:?}");
                    }
                }
            }
        }
    }

    fn sample() -> serde_json::Value {
        json!({
            "articles": [
                {"id": "a", "statements": [
                    {"id": "s-1", "text": "line\nbreak \"q\" ✔", "claims": []},
                    {"id": "s-2", "text": "", "claims": [{"claim": "c", "stance": "supports"}]}
                ], "empty": {}},
                {"id": "b", "statements": []}
            ],
            "claims": [],
            "n": [1, 2.5, null, true]
        })
    }

    #[test]
    fn deep_enough_it_is_serde_json_pretty_and_at_zero_compact() {
        let v = sample();
        assert_eq!(to_string(&v, 99), serde_json::to_string_pretty(&v).unwrap());
        assert_eq!(to_string(&v, 0), serde_json::to_string(&v).unwrap());
    }

    #[test]
    fn below_the_depth_each_record_is_one_line() {
        let v = sample();
        let text = to_string(&v, 4);
        let lines: Vec<&str> = text.lines().collect();
        assert!(
            lines.contains(&r#"        {"claims":[],"id":"s-1","text":"line\nbreak \"q\" ✔"},"#),
            "{text}"
        );
        assert!(lines.contains(
            &r#"        {"claims":[{"claim":"c","stance":"supports"}],"id":"s-2","text":""}"#
        ));
        assert!(text.contains("\n      \"statements\": []\n"), "{text}");
        assert_eq!(serde_json::from_str::<serde_json::Value>(&text).unwrap(), v);
    }

    #[test]
    fn arrays_streamed_item_by_item_equal_the_whole_document() {
        let v = sample();
        let whole = to_string(&v, 4);
        for (len, key) in [(2, "articles"), (0, "claims")] {
            let mut streamed = Vec::new();
            write_array(&mut streamed, len, 2, |i| item(&v[key][i], 2, 4)).unwrap();
            let text = String::from_utf8(streamed).unwrap();
            assert!(
                whole.contains(&format!("\"{key}\": {text}")),
                "{key}: {text}"
            );
        }
    }

    #[test]
    fn items_written_alone_join_into_the_whole_document() {
        let v = sample();
        for max in [0, 1, 2, 3, 4, 99] {
            let items = v["articles"].as_array().unwrap();
            let mut ours = Vec::new();
            for (i, item) in items.iter().enumerate() {
                ours.extend_from_slice(if i == 0 { b"[" } else { b"," });
                if max >= 1 {
                    ours.extend_from_slice(b"\n  ");
                }
                write_item(&mut ours, item, 1, max).unwrap();
            }
            if max >= 1 {
                ours.extend_from_slice(b"\n");
            }
            ours.extend_from_slice(b"]");
            let whole = to_string(&v["articles"], max);
            assert_eq!(String::from_utf8(ours).unwrap(), whole, "max {max}");
        }
    }
}
