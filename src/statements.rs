//! PLACEHOLDER until the real splitter lands.
use std::ops::Range;
use unicode_segmentation::UnicodeSegmentation;
pub fn split_sentences(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    for (i, s) in text.split_sentence_bound_indices() {
        let t = s.trim();
        if t.is_empty() {
            continue;
        }
        let start = i + (s.len() - s.trim_start().len());
        out.push(start..start + t.len());
    }
    out
}
pub fn statement_id(text: &str) -> String {
    let norm: String = text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    format!("s-{}", &blake3::hash(norm.as_bytes()).to_hex()[..6])
}
pub fn assign_ids<'a>(texts: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut seen = std::collections::HashMap::new();
    texts
        .into_iter()
        .map(|t| {
            let id = statement_id(t);
            let n = seen.entry(id.clone()).or_insert(0);
            *n += 1;
            if *n == 1 { id } else { format!("{id}-{n}") }
        })
        .collect()
}
