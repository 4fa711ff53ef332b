//! `claims/ID/card.png`: the verdict card's SVG rasterised with resvg, for
//! the social networks and messengers that do not show SVG previews.
//!
//! The fonts are compiled into the binary (subsets of Noto Sans and its
//! companions, SIL Open Font License: `fonts/` in the repository says which
//! and how they were made) and no system font is ever loaded, so the same
//! crosscheck binary makes the same bytes on every machine.
//!
//! What the fonts cover: Latin (with Vietnamese and the extended blocks),
//! Greek, Cyrillic, Arabic, Hebrew, general punctuation, currency and the
//! verdict and assessment icons. Any other character — CJK, Devanagari,
//! Thai, emoji… — has no glyph and is drawn as Noto Sans's "missing glyph"
//! box; `missing_glyphs` finds them so the build can say so. The SVG on
//! the page is drawn by the reader's browser with the reader's fonts, so it
//! shows those scripts.

use std::sync::{Arc, LazyLock};

use resvg::{tiny_skia, usvg};

/// The fonts, in the order fallback looks through them (see
/// [`fallback`]). The first family is every generic family's face.
const FONTS: &[&[u8]] = &[
    include_bytes!("../../../fonts/NotoSans-Regular.ttf"),
    include_bytes!("../../../fonts/NotoSans-Bold.ttf"),
    include_bytes!("../../../fonts/NotoSansArabic-Regular.ttf"),
    include_bytes!("../../../fonts/NotoSansArabic-Bold.ttf"),
    include_bytes!("../../../fonts/NotoSansHebrew-Regular.ttf"),
    include_bytes!("../../../fonts/NotoSansHebrew-Bold.ttf"),
    include_bytes!("../../../fonts/NotoSansSymbols2-Regular.ttf"),
    include_bytes!("../../../fonts/NotoSansMath-Regular.ttf"),
];

/// The family SVG's generic names (`sans-serif`, `serif`…) resolve to.
const FAMILY: &str = "Noto Sans";

#[derive(Debug, thiserror::Error)]
pub enum PngError {
    #[error("the card is not valid SVG: {0}")]
    Svg(#[from] usvg::Error),
    #[error("cannot allocate a {0}×{1} image")]
    Size(u32, u32),
    #[error("cannot encode the card as PNG: {0}")]
    Encode(#[from] png::EncodingError),
}

/// One embedded face: its id in the font database, its weight and the
/// characters it has glyphs for.
struct Face {
    id: usvg::fontdb::ID,
    weight: u16,
    charmap: skrifa::charmap::Charmap<'static>,
    /// Advances in ems.
    metrics: skrifa::metrics::GlyphMetrics<'static>,
}

impl Face {
    fn has(&self, c: char) -> bool {
        self.charmap.map(c).is_some()
    }

    /// The advance of `c` in ems, if the face has it.
    fn advance(&self, c: char) -> Option<f32> {
        self.metrics.advance_width(self.charmap.map(c)?)
    }
}

struct Fonts {
    /// The parsing options: the embedded fonts only, generic families
    /// mapped to Noto Sans.
    options: usvg::Options<'static>,
    faces: Arc<Vec<Face>>,
}

/// Built once; the font data is borrowed from the binary.
static FONTS_LOADED: LazyLock<Fonts> = LazyLock::new(|| {
    use skrifa::MetadataProvider;
    let mut db = usvg::fontdb::Database::new();
    let mut faces = Vec::new();
    for &font in FONTS {
        let ids = db.load_font_source(usvg::fontdb::Source::Binary(Arc::new(font)));
        for (index, id) in ids.into_iter().enumerate() {
            let weight = db.face(id).map_or(400, |f| f.weight.0);
            // The files are this crate's own, checked by the tests: one
            // that did not parse would only be left out of fallback.
            if let Ok(font) = skrifa::FontRef::from_index(font, index as u32) {
                faces.push(Face {
                    id,
                    weight,
                    charmap: font.charmap(),
                    metrics: font.glyph_metrics(
                        skrifa::instance::Size::new(1.0),
                        skrifa::instance::LocationRef::default(),
                    ),
                });
            }
        }
    }
    db.set_sans_serif_family(FAMILY);
    db.set_serif_family(FAMILY);
    db.set_monospace_family(FAMILY);
    db.set_cursive_family(FAMILY);
    db.set_fantasy_family(FAMILY);
    let faces = Arc::new(faces);
    let mut options = usvg::Options {
        fontdb: Arc::new(db),
        font_family: FAMILY.to_string(),
        ..usvg::Options::default()
    };
    let by_weight = faces.clone();
    options.font_resolver.select_fallback =
        Box::new(move |c, used, db| fallback(&by_weight, c, used, db));
    // The card never refers to files or images; nothing is fetched or read.
    options.image_href_resolver = usvg::ImageHrefResolver {
        resolve_data: Box::new(|_, _, _| None),
        resolve_string: Box::new(|_, _| None),
    };
    Fonts { options, faces }
});

/// For a character the chosen face lacks: the first face (in [`FONTS`]
/// order) that has it, of the nearest weight, so bold Arabic in a bold
/// line stays bold. usvg's own fallback takes the first face that has the
/// character whatever its weight.
fn fallback(
    faces: &[Face],
    c: char,
    used: &[usvg::fontdb::ID],
    db: &mut Arc<usvg::fontdb::Database>,
) -> Option<usvg::fontdb::ID> {
    let weight = used
        .first()
        .and_then(|&id| db.face(id))
        .map_or(400, |f| f.weight.0);
    faces
        .iter()
        .filter(|f| !used.contains(&f.id) && f.has(c))
        .min_by_key(|f| f.weight.abs_diff(weight))
        .map(|f| f.id)
}

/// Raise when the PNG made of the same SVG changes (drawing, encoding,
/// crates): a kept PNG is trusted only with the key it was made under.
const RASTER_REVISION: u32 = 1;

/// What [`rasterise`] makes a PNG from, as a key: the SVG's bytes, the
/// fonts, this crosscheck's version and [`RASTER_REVISION`]. Equal keys
/// give equal PNGs, so a build keeps the PNG of an unchanged card
/// (see `StagedSite::keep_derived`).
pub(crate) fn key(svg: &str) -> u64 {
    static MAKER: LazyLock<blake3::Hasher> = LazyLock::new(|| {
        let mut h = blake3::Hasher::new();
        h.update(env!("CARGO_PKG_VERSION").as_bytes());
        h.update(&RASTER_REVISION.to_le_bytes());
        for font in FONTS {
            h.update(&(font.len() as u64).to_le_bytes());
            h.update(font);
        }
        h
    });
    let mut h = MAKER.clone();
    h.update(svg.as_bytes());
    u64::from_le_bytes(
        h.finalize().as_bytes()[..8]
            .try_into()
            .expect("eight bytes"),
    )
}

/// The PNG of an SVG document, at the size the document gives, on an
/// opaque white ground.
///
/// A pure function of `svg`'s bytes (and of this binary's fonts): a card
/// whose SVG did not change need not be rasterised again.
pub fn rasterise(svg: &str) -> Result<Vec<u8>, PngError> {
    let tree = usvg::Tree::from_str(svg, &FONTS_LOADED.options)?;
    let size = tree.size().to_int_size();
    let (width, height) = (size.width(), size.height());
    // Each thread draws into the same pixmap card after card: a new one
    // is 3 MB of zeroed pages, a tenth of a card's time.
    thread_local! {
        static PIXMAP: std::cell::RefCell<Option<tiny_skia::Pixmap>> =
            const { std::cell::RefCell::new(None) };
    }
    PIXMAP.with_borrow_mut(|slot| {
        let pixmap = match slot {
            Some(p) if (p.width(), p.height()) == (width, height) => p,
            _ => slot.insert(
                tiny_skia::Pixmap::new(width, height).ok_or(PngError::Size(width, height))?,
            ),
        };
        pixmap.fill(tiny_skia::Color::WHITE);
        resvg::render(
            &tree,
            tiny_skia::Transform::identity(),
            &mut pixmap.as_mut(),
        );
        encode(width, height, pixmap.data())
    })
}

/// PNG of opaque RGBA pixels. A card is flat colours and the anti-aliased
/// edges between them, a hundred-odd colours in all: written with a
/// palette, losslessly, it is half the size of the same pixels as RGBA.
/// Past 256 colours (never seen on a card) it is written as RGBA.
fn encode(width: u32, height: u32, rgba: &[u8]) -> Result<Vec<u8>, PngError> {
    let mut out = Vec::with_capacity(32 * 1024);
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_depth(png::BitDepth::Eight);
    // Level 4 of 9: on the example's cards 4.7 ms and 26 KB a card,
    // against 8.1 ms and 24.6 KB at the default 6 (and 2.3 ms but 40 KB
    // at 1); deflating was half of a card's time.
    encoder.set_deflate_compression(png::DeflateCompression::Level(4));
    match palette(rgba) {
        Some((palette, indices)) => {
            encoder.set_color(png::ColorType::Indexed);
            encoder.set_filter(png::Filter::NoFilter);
            encoder.set_palette(palette);
            let mut writer = encoder.write_header()?;
            writer.write_image_data(&indices)?;
            writer.finish()?;
        }
        None => {
            // Opaque, so the premultiplied pixels are the plain ones.
            encoder.set_color(png::ColorType::Rgba);
            encoder.set_filter(png::Filter::Adaptive);
            let mut writer = encoder.write_header()?;
            writer.write_image_data(rgba)?;
            writer.finish()?;
        }
    }
    Ok(out)
}

/// The colours of `rgba` (every pixel opaque) in order of first
/// appearance, as a PNG palette (RGB triples), and each pixel's index in
/// it; `None` when there are more than 256.
fn palette(rgba: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
    let mut colours: rustc_hash::FxHashMap<u32, u8> = Default::default();
    let mut palette = Vec::with_capacity(3 * 256);
    let mut indices = vec![0u8; rgba.len() / 4];
    // Runs of one colour are most of a card: the map is consulted only
    // where the colour changes. (A plain loop: in the tests' unoptimised
    // builds an iterator chain here took longer than rendering the card.)
    let mut last = 0u32;
    let mut last_index = None;
    let mut i = 0;
    while i < indices.len() {
        let rgb = u32::from(rgba[4 * i])
            | u32::from(rgba[4 * i + 1]) << 8
            | u32::from(rgba[4 * i + 2]) << 16;
        let index = match last_index {
            Some(index) if rgb == last => index,
            _ => {
                let index = match colours.get(&rgb) {
                    Some(&index) => index,
                    None => {
                        let index = u8::try_from(colours.len()).ok()?;
                        colours.insert(rgb, index);
                        palette.extend_from_slice(&rgb.to_le_bytes()[..3]);
                        index
                    }
                };
                last = rgb;
                last_index = Some(index);
                index
            }
        };
        indices[i] = index;
        i += 1;
    }
    Some((palette, indices))
}

/// How wide a character is set in bold on the PNG card, in ems: its
/// advance in the first bold face that has it (as [`fallback`] picks
/// faces), the missing-glyph box's when no face has it. A text's width is
/// the sum over its characters: kerning and contextual forms are left out,
/// they change a line by a few per cent, which the card's margins absorb.
pub(crate) fn bold_advance_char(c: char) -> f32 {
    let faces = &FONTS_LOADED.faces;
    let bold = || faces.iter().filter(|f| f.weight >= 600);
    bold()
        .chain(faces.iter())
        .find_map(|f| f.advance(c))
        .or_else(|| {
            bold()
                .next()
                .and_then(|f| f.metrics.advance_width(skrifa::GlyphId::NOTDEF))
        })
        .unwrap_or(0.6)
}

/// The characters of `text` that no embedded font has a glyph for (white
/// space, controls and format characters such as zero-width joiners are
/// never drawn and are not counted), each once, in order of appearance.
pub(crate) fn missing_glyphs(text: &str) -> Vec<char> {
    let faces = &FONTS_LOADED.faces;
    let mut missing: Vec<char> = Vec::new();
    for c in text.chars() {
        if c.is_whitespace() || c.is_control() || is_invisible(c) || missing.contains(&c) {
            continue;
        }
        if !faces.iter().any(|f| f.has(c)) {
            missing.push(c);
        }
    }
    missing
}

/// Format characters, variation selectors and combining marks that shape
/// into their neighbours rather than being drawn on their own, where no
/// font needs a glyph of their own (combining marks are in the Latin
/// fonts; these are the ones that are not).
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{200b}'..='\u{200f}'
        | '\u{202a}'..='\u{202e}'
        | '\u{2060}'..='\u{206f}'
        | '\u{fe00}'..='\u{fe0f}'
        | '\u{feff}'
        | '\u{e0100}'..='\u{e01ef}')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compile(root: &std::path::Path) -> crate::pipeline::site::Site {
        let (site, diags) = crate::pipeline::site::compile(
            root,
            crate::pipeline::site::BuildOptions { drafts: true },
        );
        assert!(!diags.has_errors(), "{}", diags.render(false));
        site.unwrap()
    }

    /// Every text node's extent as laid out in the card's fonts, and the
    /// badge's rectangle.
    fn layout(svg: &str) -> (Vec<usvg::Rect>, usvg::Rect) {
        let tree = usvg::Tree::from_str(svg, &FONTS_LOADED.options).unwrap();
        let mut texts = Vec::new();
        let mut badge = None;
        for node in tree.root().children() {
            collect(node, &mut texts, &mut badge);
        }
        (texts, badge.expect("the badge is drawn"))
    }

    fn collect(node: &usvg::Node, texts: &mut Vec<usvg::Rect>, badge: &mut Option<usvg::Rect>) {
        match node {
            usvg::Node::Group(g) => {
                for n in g.children() {
                    collect(n, texts, badge);
                }
            }
            usvg::Node::Text(t) => texts.push(t.abs_bounding_box()),
            usvg::Node::Path(p) if (p.abs_bounding_box().top() - 450.0).abs() < 0.5 => {
                *badge = Some(p.abs_bounding_box());
            }
            _ => {}
        }
    }

    #[test]
    fn card_text_stays_inside_the_card_in_the_card_fonts() {
        let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut site = compile(repo);
        let hostile = compile(&repo.join("tests/fixtures/hostile"));
        // The widest letters of each script, in words and unbroken, and
        // every claim of the example and the hostile fixture.
        let mut texts: Vec<String> = vec![
            "WWWWWWW MMMMMMM WWWWWWW MMMMMMM WWWWWWW MMMMMMM WWWWWWW MMMMMMM WWW".into(),
            "ЖЖЖЖЖЖ ЩЩЩЩЩЩ ЮЮЮЮЮЮ ШШШШШШ ЖЖЖЖЖЖ ЩЩЩЩЩЩ ЮЮЮЮЮЮ ШШШШШШ ЖЖЖЖЖЖ".into(),
            "ΩΩΩΩΩΩ ΨΨΨΨΨΨ ΜΜΜΜΜΜ ΦΦΦΦΦΦ ΩΩΩΩΩΩ ΨΨΨΨΨΨ ΜΜΜΜΜΜ ΦΦΦΦΦΦ ΩΩΩΩΩΩ".into(),
            "ممممممم ششششش ضضضضض ممممممم ششششش ضضضضض ممممممم ششششش ضضضضض".into(),
            "W".repeat(300),
            "Ж".repeat(300),
            "mw ".repeat(120),
        ];
        texts.extend(site.claims.iter().map(|c| c.text.clone()));
        texts.extend(hostile.claims.iter().map(|c| c.text.clone()));
        site.config.title = "WWWW MMMM ЖЖЖЖ ΩΩΩΩ ".repeat(6);
        for text in &texts {
            site.claims[0].text = text.clone();
            for ci in 0..site.claims.len().min(8) {
                let svg = crate::render::card::verdict_card(&site, ci);
                let (boxes, badge) = layout(&svg);
                for b in &boxes {
                    assert!(
                        b.left() >= 40.0 && b.right() <= 1160.0 && b.bottom() <= 625.0,
                        "{text:?}: text at {b:?} leaves the card\n{svg}"
                    );
                }
                // The badge's label inside the badge.
                let label = boxes
                    .iter()
                    .find(|b| b.left() > 100.0 && (440.0..470.0).contains(&b.top()))
                    .unwrap_or_else(|| panic!("no badge label in {boxes:?} {badge:?}"));
                assert!(label.right() <= badge.right(), "{label:?} {badge:?}");
            }
        }
    }

    #[test]
    fn latin_greek_cyrillic_arabic_hebrew_and_icons_have_glyphs() {
        let text = "Façade ŁÓDŹ Tiếng Việt — “quoted” … € № \
                    Η συνάντηση κράτησε πέντε ώρες \
                    Переговоры длились пять часов, ґ є ї \
                    المحادثات استمرت خمس ساعات השיחות הסתיימו \
                    ✔ ◐ ⚠ ✘ ⇄ ? ▲ ▼ ◇ ○ · \u{200b}\u{200d}\u{202e}";
        assert_eq!(missing_glyphs(text), Vec::<char>::new());
    }

    #[test]
    fn cjk_and_emoji_are_reported_once_each() {
        assert_eq!(
            missing_glyphs("会谈 会谈 👍🏽 ok"),
            vec!['会', '谈', '👍', '🏽']
        );
    }
}
