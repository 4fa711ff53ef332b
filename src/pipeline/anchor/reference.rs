//! The plain definition of [`Normalized::new`], a char at a time with a
//! map entry per byte, which the piece map is checked against. Test-only,
//! so a build carries none of it.

use super::{Normalized, fold};

impl Normalized {
    /// The normalised text of `original` and, for each of its bytes, the
    /// original byte range of the char it came from (starts and ends).
    pub(super) fn reference(original: &str) -> (String, Vec<u32>, Vec<u32>) {
        let (mut text, mut starts, mut ends) = (String::new(), Vec::new(), Vec::new());
        let mut in_space = false;
        for (i, c) in original.char_indices() {
            let end = (i + c.len_utf8()) as u32;
            if c.is_whitespace() {
                if in_space {
                    if let Some(e) = ends.last_mut() {
                        *e = end;
                    }
                } else {
                    text.push(' ');
                    starts.push(i as u32);
                    ends.push(end);
                    in_space = true;
                }
                continue;
            }
            if let Some(f) = fold(c) {
                text.push(f);
                for _ in 0..f.len_utf8() {
                    starts.push(i as u32);
                    ends.push(end);
                }
                in_space = false;
            }
        }
        (text, starts, ends)
    }
}
