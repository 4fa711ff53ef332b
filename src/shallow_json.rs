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

/// Appends `value` laid out as it would be inside a document written with
/// [`to_string`]`(doc, max)`, where `value` is an element of an array (or
/// the value of a key) that sits `level` levels deep. Its first line is
/// not indented: the caller writes the line break and indentation before
/// it, as serde_json does. Lets the big arrays be serialised in parallel,
/// an element at a time, with the same bytes as the whole document.
pub fn write_item<T: Serialize + ?Sized>(
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
pub fn item<T: Serialize + ?Sized>(value: &T, level: usize, max: usize) -> Vec<u8> {
    let mut out = Vec::new();
    write_item(&mut out, value, level, max).expect("values serialise");
    out
}

/// Writes an array of `len` items as it sits `level` levels deep in a
/// document pretty-printed at least that deep, rendering `item(i)` (from
/// [`item`] at `level`) a few hundred at a time in parallel: the array
/// never needs to be in memory whole.
pub fn write_array(
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
pub fn to_string<T: Serialize + ?Sized>(value: &T, max: usize) -> String {
    let mut out = Vec::new();
    write_item(&mut out, value, 0, max).expect("values serialise");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
