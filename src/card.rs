//! The verdict card, `claims/ID/card.svg`: a 1200×630 image (the Open
//! Graph size) with the claim wrapped over a few lines, the verdict as a
//! coloured badge with its icon and name, and how many sources support,
//! contradict or mention the claim. Every piece of text is XML-escaped.
//!
//! Text is wrapped by an estimate of glyph widths (no font is embedded, so
//! the output stays small and deterministic); long claims get a smaller
//! size and, past the last line, an ellipsis.

use crate::content::{Stance, Verdict};
use crate::feeds::xml_escape;
use crate::site::Site;

pub const WIDTH: u32 = 1200;
pub const HEIGHT: u32 = 630;
const MARGIN: f32 = 80.0;
const FONT: &str = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, 'DejaVu Sans', sans-serif";

/// Badge colours (the light theme's verdict colours; white text on each
/// has a contrast ratio above 4.5:1).
fn verdict_colour(v: Verdict) -> &'static str {
    match v {
        Verdict::Accurate => "#1e7b34",
        Verdict::MostlyAccurate => "#2c6e63",
        Verdict::Misleading => "#8a4b00",
        Verdict::Inaccurate => "#b3261e",
        Verdict::Disputed => "#6a3fa0",
        Verdict::Unverified => "#55576b",
    }
}

/// Approximate advance of a character in ems for a sans-serif face.
fn char_width(c: char) -> f32 {
    match c {
        'i' | 'j' | 'l' | '.' | ',' | '\'' | '!' | '|' | ':' | ';' | '’' | '‘' => 0.28,
        'f' | 't' | 'r' | 'I' | '(' | ')' | '[' | ']' | '"' | '“' | '”' | '-' | ' ' => 0.36,
        'm' | 'w' | 'M' | 'W' | '—' | '@' | '%' => 0.86,
        c if c.is_ascii_uppercase() => 0.68,
        c if c.is_ascii_digit() => 0.56,
        c if c.is_ascii() => 0.54,
        c if ('\u{1100}'..='\u{ffdc}').contains(&c) && !c.is_alphabetic() => 1.0,
        c if ('\u{2e80}'..='\u{ffdc}').contains(&c) => 1.0,
        _ => 0.6,
    }
}

/// Bold faces run wider; wide fallbacks (DejaVu Sans, common on Linux)
/// wider still. Overestimating only leaves a margin on narrower faces.
const BOLD_FACTOR: f32 = 1.2;

fn text_width(s: &str) -> f32 {
    s.chars().map(char_width).sum::<f32>() * BOLD_FACTOR
}

/// Greedy word wrap into lines at most `max_em` wide; words longer than a
/// line are broken. Returns the lines and whether everything fitted in
/// `max_lines` (if not, the last line ends with an ellipsis).
pub fn wrap(text: &str, max_em: f32, max_lines: usize) -> (Vec<String>, bool) {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if text_width(&candidate) <= max_em {
            line = candidate;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        // A word wider than a line: break it by characters.
        let mut piece = String::new();
        for c in word.chars() {
            if text_width(&piece) + char_width(c) > max_em && !piece.is_empty() {
                lines.push(std::mem::take(&mut piece));
            }
            piece.push(c);
        }
        line = piece;
    }
    if !line.is_empty() {
        lines.push(line);
    }
    if lines.len() <= max_lines {
        return (lines, true);
    }
    lines.truncate(max_lines);
    let last = lines.last_mut().expect("max_lines > 0");
    while !last.is_empty() && text_width(last) + char_width('…') > max_em {
        last.pop();
    }
    let trimmed = last.trim_end().to_string();
    *last = format!("{trimmed}…");
    (lines, false)
}

/// How many distinct sources take each stance on claim `ci`.
pub fn source_counts(site: &Site, ci: usize) -> [usize; 3] {
    let mut out = [0; 3];
    for (k, &stance) in Stance::ALL.iter().enumerate() {
        let mut articles: Vec<usize> = site.graph.evidence[ci]
            .iter()
            .filter(|r| r.stance == stance)
            .map(|r| r.article)
            .collect();
        articles.sort_unstable();
        articles.dedup();
        out[k] = articles.len();
    }
    out
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The one-line description of the counts, used on the card and as part
/// of its alternative text.
pub fn counts_line(counts: [usize; 3]) -> String {
    let [s, c, m] = counts;
    format!(
        "Supported by {} · contradicted by {c} · mentioned by {m}",
        plural(s, "source", "sources")
    )
}

/// Alternative text for the card image.
pub fn alt_text(site: &Site, ci: usize) -> String {
    let c = &site.claims[ci];
    format!(
        "Verdict card: “{}” rated {}; {}.",
        c.text,
        c.verdict.label(),
        counts_line(source_counts(site, ci))
    )
}

/// The card for claim `ci` as a standalone SVG document.
pub fn verdict_card(site: &Site, ci: usize) -> String {
    let c = &site.claims[ci];
    let counts = source_counts(site, ci);
    let width = WIDTH as f32 - 2.0 * MARGIN;
    // Largest size at which the claim fits in the space above the badge.
    let (size, lines) = [(56.0f32, 4usize), (48.0, 5), (40.0, 6)]
        .iter()
        .map(|&(size, max_lines)| (size, wrap(&c.text, width / size, max_lines)))
        .find(|(_, (_, fits))| *fits)
        .unwrap_or_else(|| (40.0, wrap(&c.text, width / 40.0, 6)));
    let lines = lines.0;
    let colour = verdict_colour(c.verdict);
    let badge_text = format!("{} {}", c.verdict.icon(), c.verdict.label());
    let badge_w = (text_width(&badge_text) * 44.0 + 64.0).ceil();
    let mut svg = String::with_capacity(2048);
    svg.push_str(&format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{HEIGHT}\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\" aria-labelledby=\"card-title\">\n"
    ));
    svg.push_str(&format!(
        "<title id=\"card-title\">{}</title>\n",
        xml_escape(&alt_text(site, ci))
    ));
    svg.push_str(&format!(
        "<rect width=\"{WIDTH}\" height=\"{HEIGHT}\" fill=\"#fdfdfc\"/>\n<rect width=\"24\" height=\"{HEIGHT}\" fill=\"{colour}\"/>\n"
    ));
    svg.push_str(&format!(
        "<g font-family=\"{}\" fill=\"#1d1d1f\">\n",
        xml_escape(FONT)
    ));
    svg.push_str(&format!(
        "<text x=\"{MARGIN}\" y=\"86\" font-size=\"28\" fill=\"#5b5b66\" letter-spacing=\"1\">{}</text>\n",
        xml_escape(&format!("FACT-CHECK · {}", site.config.title))
    ));
    let line_height = size * 1.2;
    let top = 150.0 + size * 0.8;
    svg.push_str(&format!(
        "<text x=\"{MARGIN}\" y=\"{top}\" font-size=\"{size}\" font-weight=\"700\">"
    ));
    for (i, line) in lines.iter().enumerate() {
        let dy = if i == 0 { 0.0 } else { line_height };
        svg.push_str(&format!(
            "<tspan x=\"{MARGIN}\" dy=\"{dy}\">{}</tspan>",
            xml_escape(line)
        ));
    }
    svg.push_str("</text>\n");
    svg.push_str(&format!(
        "<rect x=\"{MARGIN}\" y=\"450\" width=\"{badge_w}\" height=\"72\" rx=\"12\" fill=\"{colour}\"/>\n"
    ));
    svg.push_str(&format!(
        "<text x=\"{}\" y=\"501\" font-size=\"44\" font-weight=\"700\" fill=\"#ffffff\">{}</text>\n",
        MARGIN + 32.0,
        xml_escape(&badge_text)
    ));
    svg.push_str(&format!(
        "<text x=\"{MARGIN}\" y=\"580\" font-size=\"30\" fill=\"#3d3d46\">{}</text>\n",
        xml_escape(&counts_line(counts))
    ));
    svg.push_str("</g>\n</svg>\n");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_keeps_words_and_marks_overflow() {
        let (lines, fits) = wrap("one two three four five six", 8.0, 5);
        assert!(fits);
        assert_eq!(lines.join(" "), "one two three four five six");
        assert!(lines.iter().all(|l| text_width(l) <= 8.0), "{lines:?}");
        let (lines, fits) = wrap(&"word ".repeat(100), 8.0, 2);
        assert!(!fits);
        assert_eq!(lines.len(), 2);
        assert!(lines[1].ends_with('…'));
        let (lines, _) = wrap(&"x".repeat(50), 8.0, 10);
        assert!(lines.len() > 1 && lines.iter().all(|l| text_width(l) <= 8.0));
    }

    #[test]
    fn counts_line_pluralises_sources() {
        assert_eq!(
            counts_line([1, 0, 2]),
            "Supported by 1 source · contradicted by 0 · mentioned by 2"
        );
        assert_eq!(
            counts_line([3, 1, 0]),
            "Supported by 3 sources · contradicted by 1 · mentioned by 0"
        );
    }
}
