//! The verdict card, `claims/ID/card.svg`: a 1200×630 image (the Open
//! Graph size) with the claim wrapped over a few lines, the verdict as a
//! coloured badge with its icon and name, and how the reports line up
//! ("Asserted by 3 reports (2 independent) · contradicted by 1"). Every
//! piece of text is XML-escaped. [`png`] rasterises the same SVG into
//! `card.png` for the networks that do not show SVG.
//!
//! Text is wrapped by width: the wider of an estimate for the reader's
//! fonts (the SVG on the page is drawn by the browser) and the exact
//! advances of the PNG's bold font, so a line fits in both. Long claims get
//! a smaller size and, past the last line, an ellipsis.

use crate::diag::{Diagnostic, Diagnostics};
use crate::i18n::{Strings, fill};
use crate::pipeline::content::{Stance, Verdict};
use crate::pipeline::findings::Side;
use crate::pipeline::site::Site;
use crate::text::xml_escape;

pub mod png;

pub(crate) const WIDTH: u32 = 1200;
pub(crate) const HEIGHT: u32 = 630;
const MARGIN: f32 = 80.0;
/// The size of the line saying how the reports line up.
const SIDES_SIZE: f32 = 28.0;
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
        // Combining marks and format characters take no room of their own.
        '\u{300}'..='\u{36f}'
        | '\u{1ab0}'..='\u{1aff}'
        | '\u{1dc0}'..='\u{1dff}'
        | '\u{20d0}'..='\u{20ff}'
        | '\u{fe20}'..='\u{fe2f}'
        | '\u{200b}'..='\u{200f}'
        | '\u{202a}'..='\u{202e}'
        | '\u{2060}'..='\u{206f}'
        | '\u{fe00}'..='\u{fe0f}'
        | '\u{feff}' => 0.0,
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

/// How wide `s` is, in ems: the wider of the estimate for the reader's
/// own fonts (the SVG on the page) and its exact width in the PNG card's
/// bold font, so a line fits in both.
fn text_width(s: &str) -> f32 {
    Width::of(s).em()
}

/// [`text_width`] kept as a text grows a character at a time, so wrapping
/// measures each character once rather than every candidate line from its
/// start. Both sums are added up in the text's order, as measuring the
/// whole text would, so the result is the same to the bit.
#[derive(Debug, Clone, Copy, Default)]
struct Width {
    estimate: f32,
    exact: f32,
}

impl Width {
    fn of(s: &str) -> Width {
        let mut w = Width::default();
        w.push_str(s);
        w
    }

    fn push(&mut self, c: char) {
        self.estimate += char_width(c);
        self.exact += png::bold_advance_char(c);
    }

    fn push_str(&mut self, s: &str) {
        for c in s.chars() {
            self.push(c);
        }
    }

    fn with(mut self, c: char) -> Width {
        self.push(c);
        self
    }

    fn em(&self) -> f32 {
        (self.estimate * BOLD_FACTOR).max(self.exact)
    }
}

/// Greedy word wrap into lines at most `max_em` wide; words longer than a
/// line are broken. Returns the lines and whether everything fitted in
/// `max_lines` (if not, the last line ends with an ellipsis).
pub(crate) fn wrap(text: &str, max_em: f32, max_lines: usize) -> (Vec<String>, bool) {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    let mut line_width = Width::default();
    for word in text.split_whitespace() {
        let mut candidate = line_width;
        if !line.is_empty() {
            candidate.push(' ');
        }
        candidate.push_str(word);
        if candidate.em() <= max_em {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
            line_width = candidate;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        // A word wider than a line: break it by characters.
        let mut piece = String::new();
        let mut piece_width = Width::default();
        for c in word.chars() {
            if !piece.is_empty() && piece_width.with(c).em() > max_em {
                lines.push(std::mem::take(&mut piece));
                piece_width = Width::default();
            }
            piece.push(c);
            piece_width.push(c);
        }
        line = piece;
        line_width = piece_width;
    }
    if !line.is_empty() {
        lines.push(line);
    }
    if lines.len() <= max_lines {
        return (lines, true);
    }
    lines.truncate(max_lines);
    let last = lines.last_mut().expect("max_lines > 0");
    while !last.is_empty() && text_width(&format!("{last}…")) > max_em {
        last.pop();
    }
    let trimmed = last.trim_end().to_string();
    *last = format!("{trimmed}…");
    (lines, false)
}

/// How the reports line up on claim `ci`, one phrase per stance that has
/// any, in the wording of the pages' `sides` macro: "Asserted by 3
/// reports (2 independent)", "contradicted by 1", "reported by 2". The
/// first phrase names what is counted and starts with a capital; the
/// independence figure is given when some reports derive from others.
/// Empty when no report bears on the claim.
pub fn sides_phrases(site: &Site, ci: usize) -> Vec<String> {
    let sides = &site.findings.claims[ci];
    let mut out = Vec::new();
    for &stance in Stance::ALL {
        let side = sides.side(stance);
        if !side.articles.is_empty() {
            out.push(side_phrase(
                &site.config.strings,
                stance,
                side,
                out.is_empty(),
            ));
        }
    }
    out
}

/// One side of a claim in words: "Asserted by 3 reports (2 independent)"
/// when `first` (it starts a sentence and names what is counted), else
/// "contradicted by 1".
pub(crate) fn side_phrase(strings: &Strings, stance: Stance, side: &Side, first: bool) -> String {
    let n = side.articles.len();
    let mut phrase = if first {
        fill(
            strings.get2("sides", stance.as_str()),
            &[("reports", &strings.plural("count.reports", n))],
        )
    } else {
        fill(
            strings.get(&format!("sides.{}_short", stance.as_str())),
            &[("n", &n.to_string())],
        )
    };
    if side.independent < n {
        phrase.push_str(&fill(
            strings.get("sides.independent"),
            &[("n", &side.independent.to_string())],
        ));
    }
    phrase
}

/// What is shown when no report bears on a claim.
fn no_evidence(site: &Site) -> String {
    site.config.strings.get("card.no_evidence").to_string()
}

/// Alternative text for the card image.
pub(crate) fn alt_text(site: &Site, ci: usize) -> String {
    let c = &site.claims[ci];
    let phrases = sides_phrases(site, ci);
    let strings = &site.config.strings;
    let sides = if phrases.is_empty() {
        no_evidence(site)
    } else {
        phrases.join(strings.get("common.list_sep"))
    };
    fill(
        strings.get("card.alt"),
        &[
            ("claim", &c.text),
            ("verdict", strings.get2("verdict", c.verdict.as_str())),
            ("sides", &sides),
        ],
    )
}

/// The phrases of [`sides_phrases`] packed into at most `max_lines`
/// lines `max_em` wide, breaking between phrases where possible.
fn pack_phrases(phrases: &[String], max_em: f32, max_lines: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for phrase in phrases {
        match lines.last_mut() {
            Some(line) if text_width(&format!("{line} · {phrase}")) <= max_em => {
                line.push_str(" · ");
                line.push_str(phrase);
            }
            Some(line) => {
                line.push_str(" ·");
                lines.push(phrase.clone());
            }
            None => lines.push(phrase.clone()),
        }
    }
    // A phrase too wide for a line on its own (a narrow card font size
    // never needs this for the English phrases) is wrapped by words.
    let text = lines.join(" ");
    if lines.iter().all(|l| text_width(l) <= max_em) && lines.len() <= max_lines {
        return lines;
    }
    wrap(&text, max_em, max_lines).0
}

/// The card for claim `ci` as a standalone SVG document.
pub(crate) fn verdict_card(site: &Site, ci: usize) -> String {
    let c = &site.claims[ci];
    let width = WIDTH as f32 - 2.0 * MARGIN;
    // Largest size at which the claim fits in the space above the badge.
    let (size, lines) = [(56.0f32, 4usize), (48.0, 5), (40.0, 6)]
        .iter()
        .map(|&(size, max_lines)| (size, wrap(&c.text, width / size, max_lines)))
        .find(|(_, (_, fits))| *fits)
        .unwrap_or_else(|| (40.0, wrap(&c.text, width / 40.0, 6)));
    let lines = lines.0;
    let colour = verdict_colour(c.verdict);
    let badge_text = format!(
        "{} {}",
        c.verdict.icon(),
        site.config.strings.get2("verdict", c.verdict.as_str())
    );
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
    // One line: a long site title ends in an ellipsis (letter spacing
    // adds 1/28 em a character).
    let kicker = fill(
        site.config.strings.get("card.kicker"),
        &[("site", &site.config.title)],
    );
    let (kicker, _) = wrap(&kicker, width / 28.0 * 0.95, 1);
    svg.push_str(&format!(
        "<text x=\"{MARGIN}\" y=\"86\" font-size=\"28\" fill=\"#5b5b66\" letter-spacing=\"1\">{}</text>\n",
        xml_escape(&kicker.concat())
    ));
    let line_height = size * 1.2;
    let top = 150.0 + size * 0.8;
    // A claim written right to left (its first strong character is, as
    // HTML's dir="auto" decides) is set flush right, each line embedded
    // right to left (RLE … PDF): resvg lays out every text left to right
    // and ignores `direction`, which would put a closing full stop at the
    // wrong end.
    let rtl = unicode_bidi::get_base_direction(c.text.as_str()) == unicode_bidi::Direction::Rtl;
    let (x, anchor) = if rtl {
        (WIDTH as f32 - MARGIN, " text-anchor=\"end\"")
    } else {
        (MARGIN, "")
    };
    svg.push_str(&format!(
        "<text x=\"{x}\" y=\"{top}\" font-size=\"{size}\" font-weight=\"700\"{anchor}>"
    ));
    for (i, line) in lines.iter().enumerate() {
        let dy = if i == 0 { 0.0 } else { line_height };
        let line = if rtl {
            format!("\u{202b}{line}\u{202c}")
        } else {
            line.clone()
        };
        svg.push_str(&format!(
            "<tspan x=\"{x}\" dy=\"{dy}\">{}</tspan>",
            xml_escape(&line)
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
    // How the reports line up, on one line below the badge or on two.
    let phrases = sides_phrases(site, ci);
    let sides = if phrases.is_empty() {
        vec![no_evidence(site)]
    } else {
        pack_phrases(&phrases, width / SIDES_SIZE, 2)
    };
    let first = if sides.len() == 1 { 580.0 } else { 568.0 };
    for (i, line) in sides.iter().enumerate() {
        svg.push_str(&format!(
            "<text x=\"{MARGIN}\" y=\"{}\" font-size=\"{SIDES_SIZE}\" fill=\"#3d3d46\">{}</text>\n",
            first + i as f32 * SIDES_SIZE * 1.2,
            xml_escape(line)
        ));
    }
    svg.push_str("</g>\n</svg>\n");
    svg
}

/// Warnings for text on the cards that `card.png` cannot draw (see
/// [`png`]: the fonts cover Latin, Greek, Cyrillic, Arabic and Hebrew): one
/// per claim whose text has such characters, at the claim, and one for the
/// site's title, which every card shows.
pub(crate) fn glyph_warnings(site: &Site) -> Diagnostics {
    const SHOWN: usize = 8;
    let list = |missing: &[char]| {
        let mut s: String = missing
            .iter()
            .take(SHOWN)
            .map(|c| format!("{c} (U+{:04X})", u32::from(*c)))
            .collect::<Vec<_>>()
            .join(", ");
        if missing.len() > SHOWN {
            s.push_str(&format!(" and {} more", missing.len() - SHOWN));
        }
        s
    };
    let help = "the PNG card's fonts cover Latin, Greek, Cyrillic, Arabic and Hebrew \
                (README → Sharing); the SVG card and the pages use the reader's fonts";
    let mut diags = Diagnostics::default();
    let missing = png::missing_glyphs(&site.config.title);
    if !missing.is_empty() {
        diags.push(
            Diagnostic::warning(format!(
                "site.toml: the title has characters every card.png shows as a box: {}",
                list(&missing)
            ))
            .help(help),
        );
    }
    for c in &site.claims {
        let missing = png::missing_glyphs(&c.text);
        if !missing.is_empty() {
            diags.push(
                Diagnostic::warning(format!(
                    "claim `{}`: its text has characters claims/{}/card.png shows as a box: {}",
                    c.id,
                    c.id,
                    list(&missing)
                ))
                .at(&c.file, c.span.clone())
                .help(help),
            );
        }
    }
    diags
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
    fn phrases_pack_between_phrases() {
        let phrases: Vec<String> = [
            "Asserted by 3 reports (2 independent)",
            "contradicted by 1",
            "reported by 2",
        ]
        .map(String::from)
        .to_vec();
        assert_eq!(
            pack_phrases(&phrases, 100.0, 2),
            vec!["Asserted by 3 reports (2 independent) · contradicted by 1 · reported by 2"]
        );
        assert_eq!(
            pack_phrases(&phrases, 30.0, 2),
            vec![
                "Asserted by 3 reports (2 independent) ·",
                "contradicted by 1 · reported by 2"
            ]
        );
    }
}
