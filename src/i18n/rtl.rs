//! Right-to-left languages: which they are, and the stylesheet mirrored
//! for them.

use super::primary;

/// Languages written right to left: pages get `dir="rtl"`.
const RTL: &[&str] = &["ar", "he", "fa", "ur", "ps", "sd", "yi", "dv", "ckb"];

/// Whether `lang` is written right to left.
pub(crate) fn is_rtl(lang: &str) -> bool {
    RTL.contains(&primary(lang).as_str())
}

/// The stylesheet mirrored for a right-to-left page: `left` and `right`
/// swapped in property names and values, the second and fourth of a
/// four-value `margin` / `padding` swapped, and a `box-shadow`'s horizontal
/// offset negated (what CSSJanus does, for the CSS our templates use).
/// Left-to-right pages keep the stylesheet as written, byte for byte, and
/// a project's own `templates/style.css` is mirrored the same way.
/// Comments are copied unchanged.
pub(crate) fn mirror_css(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut rest = css;
    while !rest.is_empty() {
        match rest.find("/*") {
            Some(0) => {
                let end = rest.find("*/").map_or(rest.len(), |e| e + 2);
                out.push_str(&rest[..end]);
                rest = &rest[end..];
            }
            Some(start) => {
                mirror_code(&rest[..start], &mut out);
                rest = &rest[start..];
            }
            None => {
                mirror_code(rest, &mut out);
                rest = "";
            }
        }
    }
    out
}

/// Mirrors CSS without comments, one declaration (up to `;`, `{` or `}`)
/// at a time.
fn mirror_code(code: &str, out: &mut String) {
    for piece in code.split_inclusive([';', '{', '}']) {
        let Some((name, value)) = piece.split_once(':') else {
            out.push_str(piece);
            continue;
        };
        // A selector such as `a:focus` has no declaration to mirror; it
        // ends with `{`.
        if piece.ends_with('{') {
            out.push_str(piece);
            continue;
        }
        let prop = name.trim();
        out.push_str(&swap_sides(name));
        out.push(':');
        let (body, end) = match value.char_indices().last() {
            Some((i, ';' | '}')) => (&value[..i], &value[i..]),
            _ => (value, ""),
        };
        let mirrored = match prop {
            "margin" | "padding" | "border-width" | "border-style" | "border-color" => {
                swap_four(body)
            }
            "box-shadow" => negate_first(body),
            _ => swap_sides(body),
        };
        out.push_str(&mirrored);
        out.push_str(end);
    }
}

/// `left` ↔ `right` as whole words (`margin-left`, `text-align: left`).
fn swap_sides(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        out.push_str(match word.as_str() {
            "left" => "right",
            "right" => "left",
            w => w,
        });
        word.clear();
    };
    for c in s.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// `a b c d` → `a d c b`; other counts are symmetric already.
fn swap_four(body: &str) -> String {
    let parts: Vec<&str> = body.split_whitespace().collect();
    if parts.len() != 4 || body.contains('!') {
        return body.to_string();
    }
    let lead = &body[..body.len() - body.trim_start().len()];
    format!("{lead}{} {} {} {}", parts[0], parts[3], parts[2], parts[1])
}

/// The horizontal offset of each shadow negated: `1px 0 0 red` →
/// `-1px 0 0 red`; `none` and zero offsets stay.
fn negate_first(body: &str) -> String {
    body.split(',')
        .map(|shadow| {
            let trimmed = shadow.trim_start();
            let lead = &shadow[..shadow.len() - trimmed.len()];
            let first = trimmed.split_whitespace().next().unwrap_or("");
            let starts_number = first.starts_with(|c: char| c.is_ascii_digit() || c == '.');
            let zero = first
                .trim_end_matches(|c: char| c.is_ascii_alphabetic())
                .trim_matches(['0', '.'])
                .is_empty();
            if let Some(neg) = first.strip_prefix('-') {
                format!("{lead}{neg}{}", &trimmed[first.len()..])
            } else if starts_number && !zero {
                format!("{lead}-{trimmed}")
            } else {
                shadow.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mirrored_stylesheet_swaps_sides_and_keeps_comments() {
        let css = "/* the right edge */\n.brand { margin-right: auto; }\n\
                   .skip:focus { left: 1rem; z-index: 10; }\n\
                   .m th { text-align: left; box-shadow: 1px 0 0 var(--line); }\n\
                   .n { padding: .1rem .4rem .3rem .9rem; border-left-color: red }\n\
                   .o { box-shadow: 0 0 0 5px var(--bg); margin: 0 auto; }";
        assert_eq!(
            mirror_css(css),
            "/* the right edge */\n.brand { margin-left: auto; }\n\
             .skip:focus { right: 1rem; z-index: 10; }\n\
             .m th { text-align: right; box-shadow: -1px 0 0 var(--line); }\n\
             .n { padding: .1rem .9rem .3rem .4rem; border-right-color: red }\n\
             .o { box-shadow: 0 0 0 5px var(--bg); margin: 0 auto; }"
        );
    }

    #[test]
    fn mirrored_builtin_stylesheet_has_no_physical_side_left_unswapped() {
        let css = include_str!("../../templates/style.css");
        let mirrored = mirror_css(css);
        assert_eq!(
            mirror_css(&mirrored),
            css,
            "mirroring twice gives the original"
        );
        assert_eq!(
            css.matches("margin-right").count(),
            mirrored.matches("margin-left").count()
        );
        assert!(mirrored.contains(".brand { font-weight: 700; color: var(--fg); text-decoration: none; margin-left: auto; }"));
    }
}
