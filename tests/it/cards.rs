//! What is shared outside the site: the PNG verdict cards social networks
//! show, and the embeddable verdict (`embed.html`, `oembed.json`).

use std::path::Path;

use scraper::Html;
use serde_json::Value;

use crate::support::{self, compile, example, render, repo, sel, text};

const BASE: &str = "https://example.org/checks/";

/// A decoded PNG as RGB pixels.
struct Image {
    width: u32,
    height: u32,
    rgb: Vec<u8>,
}

impl Image {
    fn decode(bytes: &[u8]) -> Image {
        let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        decoder.set_transformations(png::Transformations::EXPAND);
        let mut reader = decoder.read_info().expect("a PNG header");
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).expect("PNG image data");
        let channels = info.color_type.samples();
        assert!(channels >= 3, "{:?}", info.color_type);
        let rgb = buf[..info.buffer_size()]
            .chunks_exact(channels)
            .flat_map(|p| [p[0], p[1], p[2]])
            .collect();
        Image {
            width: info.width,
            height: info.height,
            rgb,
        }
    }

    fn pixel(&self, x: u32, y: u32) -> [u8; 3] {
        let i = 3 * (y * self.width + x) as usize;
        [self.rgb[i], self.rgb[i + 1], self.rgb[i + 2]]
    }

    /// Pixels darker than mid-grey in the rectangle: ink.
    fn ink(&self, x: std::ops::Range<u32>, y: std::ops::Range<u32>) -> usize {
        y.flat_map(|y| x.clone().map(move |x| (x, y)))
            .filter(|&(x, y)| {
                let [r, g, b] = self.pixel(x, y);
                u32::from(r) + u32::from(g) + u32::from(b) < 3 * 100
            })
            .count()
    }
}

fn hex(colour: &str) -> [u8; 3] {
    let v = u32::from_str_radix(colour.trim_start_matches('#'), 16).unwrap();
    [(v >> 16) as u8, (v >> 8) as u8, v as u8]
}

#[test]
fn png_cards_are_1200_by_630_drawn_from_the_svg_and_identical_build_to_build() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    for out in [&a, &b] {
        let o = support::build(repo(), out);
        assert!(o.status.success(), "{}", support::stderr(&o));
    }
    let site = compile(repo());
    assert!(!site.claims.is_empty());
    for c in &site.claims {
        let path = format!("claims/{}/card.png", c.id);
        let png = std::fs::read(a.join(&path)).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert_eq!(png, std::fs::read(b.join(&path)).unwrap(), "{path} differs");
        // The same card as the SVG beside it, rasterised.
        let svg = std::fs::read_to_string(a.join(format!("claims/{}/card.svg", c.id))).unwrap();
        assert_eq!(
            crosscheck::render::card::png::rasterise(&svg).unwrap(),
            png,
            "{path} is not card.svg rasterised"
        );
        let image = Image::decode(&png);
        assert_eq!((image.width, image.height), (1200, 630), "{path}");
        // The verdict's colour down the left edge, the page colour at
        // the top right, and the claim drawn in dark ink.
        let colour = match c.verdict.as_str() {
            "accurate" => "#1e7b34",
            "mostly-accurate" => "#2c6e63",
            "misleading" => "#8a4b00",
            "inaccurate" => "#b3261e",
            "disputed" => "#6a3fa0",
            _ => "#55576b",
        };
        assert_eq!(image.pixel(10, 300), hex(colour), "{path}");
        assert_eq!(image.pixel(1190, 10), hex("#fdfdfc"), "{path}");
        assert!(
            image.ink(80..1120, 130..440) > 2000,
            "{path}: no claim text"
        );
    }
}

/// A project whose claims are written in `texts`, one claim each, all
/// quoting the one article.
fn project_with_claims(dir: &Path, texts: &[(&str, &str)]) {
    std::fs::create_dir_all(dir.join("content/articles")).unwrap();
    std::fs::write(
        dir.join("content/site.toml"),
        "title = \"Перевірка фактів · Έλεγχος\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("content/articles/wire.md"),
        "+++\ntitle = \"Wire\"\noutlet = \"Wire\"\n+++\nThe talks lasted five hours.\n",
    )
    .unwrap();
    let mut claims = String::new();
    for (id, text) in texts {
        claims.push_str(&format!(
            "[[claim]]\nid = \"{id}\"\ntext = \"{text}\"\nverdict = \"accurate\"\n\
             status = \"approved\"\nreviewer = \"R\"\nreviewed = 2026-01-01\n\n\
             [[claim.evidence]]\narticle = \"wire\"\nquote = \"The talks lasted five hours.\"\n\
             stance = \"supports\"\n\n"
        ));
    }
    std::fs::write(dir.join("content/claims.toml"), claims).unwrap();
}

#[test]
fn cards_draw_cyrillic_greek_arabic_and_hebrew_and_name_what_they_cannot() {
    let dir = tempfile::tempdir().unwrap();
    let texts = [
        (
            "ukrainian",
            "Переговори тривали п’ять годин, заявив Ушаков.",
        ),
        ("russian", "Встреча в Кремле длилась около пяти часов."),
        (
            "greek",
            "Η συνάντηση στο Κρεμλίνο κράτησε περίπου πέντε ώρες.",
        ),
        ("arabic", "استمر الاجتماع في الكرملين نحو خمس ساعات."),
        ("hebrew", "הפגישה בקרמלין נמשכה כחמש שעות."),
        (
            "vietnamese",
            "Cuộc họp ở Điện Kremlin kéo dài khoảng năm giờ.",
        ),
        ("chinese-and-emoji", "👍 克里姆林宫会谈持续了五个小时"),
    ];
    project_with_claims(dir.path(), &texts);
    let out = dir.path().join("site");
    let o = support::build(dir.path(), &out);
    let err = support::stderr(&o);
    assert!(o.status.success(), "{err}");
    // Only the claim in a script the card's fonts lack is named, at its
    // place in the claims file, with the characters.
    assert!(
        err.contains("claim `chinese-and-emoji`") && err.contains("claims.toml:"),
        "{err}"
    );
    assert!(
        err.contains("👍 (U+1F44D)") && err.contains("克 (U+514B)"),
        "{err}"
    );
    for (id, _) in &texts[..texts.len() - 1] {
        assert!(!err.contains(&format!("claim `{id}`")), "{id}: {err}");
    }
    assert!(!err.contains("site.toml: the title"), "{err}");
    assert!(err.contains("1 warning"), "{err}");
    for (id, _) in &texts {
        let png = std::fs::read(out.join(format!("claims/{id}/card.png"))).unwrap();
        let image = Image::decode(&png);
        assert_eq!((image.width, image.height), (1200, 630));
        assert!(image.ink(80..1120, 130..440) > 2000, "{id}: no claim text");
        // The kicker (the site's title, Cyrillic and Greek) is drawn too.
        assert!(image.ink(80..1120, 60..95) > 200, "{id}: no kicker");
    }
    // `check` says the same.
    let o = support::check(dir.path());
    let err = support::stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(err.contains("claim `chinese-and-emoji`"), "{err}");
}

#[test]
fn the_hostile_fixtures_give_cards_that_decode() {
    for name in ["hostile", "hostile-article"] {
        let dir = tempfile::tempdir().unwrap();
        let o = support::build(&support::fixture(name), dir.path());
        let err = support::stderr(&o);
        assert!(o.status.success(), "{name}: {err}");
        assert!(!err.contains("panicked"), "{name}: {err}");
        let site = compile(&support::fixture(name));
        for c in &site.claims {
            let png = std::fs::read(dir.path().join(format!("claims/{}/card.png", c.id))).unwrap();
            let image = Image::decode(&png);
            assert_eq!((image.width, image.height), (1200, 630));
            assert!(
                image.ink(80..1120, 130..440) > 500,
                "{}: no claim text",
                c.id
            );
        }
    }
}

#[test]
fn embeds_are_self_contained_and_oembed_describes_them() {
    let (site, pages) = example(Some(BASE));
    for (ci, c) in site.claims.iter().enumerate() {
        let dir = format!("claims/{}/", c.id);
        let embed = text(&pages, &format!("{dir}embed.html"));
        let doc = Html::parse_document(&embed);
        // Nothing runs and nothing else is loaded: no script, no
        // stylesheet, image or frame, no element that fetches.
        assert!(!embed.contains("<script"), "{dir}");
        assert!(
            doc.select(&sel("script, link, img, iframe, object, embed, [src]"))
                .next()
                .is_none()
        );
        assert!(doc.select(&sel("style")).next().is_some(), "inline CSS");
        assert_eq!(
            doc.select(&sel("h1"))
                .next()
                .unwrap()
                .text()
                .collect::<String>(),
            c.text
        );
        let body: String = doc.root_element().text().collect();
        assert!(body.contains(c.verdict.label()), "{dir}");
        for phrase in crosscheck::render::card::sides_phrases(&site, ci) {
            // The embed gives each side in full: "Contradicted by 1 report".
            let head = phrase.split(' ').take(2).collect::<Vec<_>>().join(" ");
            assert!(
                body.to_lowercase().contains(&head.to_lowercase()),
                "{head}: {body}"
            );
        }
        // Every link leads back to the claim page, in a new tab.
        let links: Vec<_> = doc.select(&sel("a")).collect();
        assert!(!links.is_empty());
        for a in links {
            assert_eq!(a.value().attr("href"), Some("./"));
            assert_eq!(a.value().attr("target"), Some("_blank"));
        }

        let json: Value =
            serde_json::from_str(&text(&pages, &format!("{dir}oembed.json"))).unwrap();
        assert_eq!(json["version"], "1.0");
        assert_eq!(json["type"], "rich");
        assert_eq!(json["title"], c.text.as_str());
        assert_eq!(json["provider_name"], "crosscheck example desk");
        assert_eq!(json["provider_url"], BASE);
        assert_eq!(json["width"], 560);
        let height = json["height"].as_u64().unwrap();
        assert!((200..600).contains(&height), "{height}");
        assert_eq!(
            json["thumbnail_url"],
            format!("{BASE}{dir}card.png").as_str()
        );
        let html = json["html"].as_str().unwrap();
        let frame = Html::parse_fragment(html);
        let iframe = frame.select(&sel("iframe")).next().expect("an iframe");
        assert_eq!(
            iframe.value().attr("src"),
            Some(format!("{BASE}{dir}embed.html").as_str())
        );
        assert_eq!(iframe.value().attr("width"), Some("560"));
        assert_eq!(
            iframe.value().attr("height"),
            Some(height.to_string().as_str())
        );
        assert_eq!(
            iframe.value().attr("title"),
            Some(format!("Fact-check: {}", c.text).as_str())
        );

        // The claim page: discovery link, and the same code to copy.
        let page = Html::parse_document(&text(&pages, &format!("{dir}index.html")));
        let discovery = page
            .select(&sel(
                "link[rel=alternate][type=\"application/json+oembed\"]",
            ))
            .next()
            .expect("oEmbed discovery link");
        assert_eq!(
            discovery.value().attr("href"),
            Some(format!("{BASE}{dir}oembed.json").as_str())
        );
        let code: String = page
            .select(&sel("details.embed-code pre code"))
            .next()
            .expect("the embed code on the claim page")
            .text()
            .collect();
        assert_eq!(code, html);
    }
    // The feed's enclosure is the PNG too.
    let feed = text(&pages, "feed.xml");
    assert!(feed.contains("type=\"image/png\""), "{feed}");
    assert!(!feed.contains("card.svg"), "{feed}");
}

#[test]
fn without_an_absolute_base_url_there_is_no_oembed_and_the_code_is_for_this_host() {
    let (site, pages) = example(None);
    assert_eq!(site.config.base_url, "/");
    assert!(!pages.keys().any(|p| p.ends_with("oembed.json")));
    for c in &site.claims {
        let dir = format!("claims/{}/", c.id);
        assert!(pages.contains_key(&format!("{dir}embed.html")));
        let page = Html::parse_document(&text(&pages, &format!("{dir}index.html")));
        assert!(
            page.select(&sel("link[type=\"application/json+oembed\"]"))
                .next()
                .is_none()
        );
        let details: String = page
            .select(&sel("details.embed-code"))
            .next()
            .expect("the embed code")
            .text()
            .collect();
        assert!(
            details.contains(&format!("<iframe src=\"/{dir}embed.html\"")),
            "{details}"
        );
        assert!(details.contains("this site's own host"), "{details}");
    }
    // A relative base_url says nothing about where the site is: no code.
    let mut site = site;
    site.config.base_url = "checks/".into();
    let pages = render(&site, repo());
    let page = text(&pages, &format!("claims/{}/index.html", site.claims[0].id));
    assert!(!page.contains("embed-code"), "{page}");
}

#[test]
fn hostile_text_stays_text_in_the_embed_and_its_code() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("content/articles")).unwrap();
    std::fs::write(
        dir.path().join("content/site.toml"),
        format!("title = \"T </title><script>alert(1)</script>\"\nbase_url = \"{BASE}\"\n"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("content/articles/evil.md"),
        "+++\ntitle = \"E\"\noutlet = \"Outlet <svg onload=alert(1)>\"\n+++\nThe mayor left.\n",
    )
    .unwrap();
    let claim = "The mayor said \\\"</iframe><script>alert('x')</script>\\\" & left";
    std::fs::write(
        dir.path().join("content/claims.toml"),
        format!(
            "[[claim]]\nid = \"evil\"\ntext = \"{claim}\"\nverdict = \"inaccurate\"\n\
             status = \"approved\"\nreviewer = \"R\"\nreviewed = 2026-01-01\n\n\
             [[claim.evidence]]\narticle = \"evil\"\nquote = \"The mayor left.\"\nstance = \"supports\"\n"
        ),
    )
    .unwrap();
    let site = compile(dir.path());
    let pages = render(&site, dir.path());
    let text_of_claim = &site.claims[0].text;
    let embed = Html::parse_document(&text(&pages, "claims/evil/embed.html"));
    assert!(
        embed
            .select(&sel("script, svg, iframe, [onload]"))
            .next()
            .is_none()
    );
    assert_eq!(
        embed
            .select(&sel("h1"))
            .next()
            .unwrap()
            .text()
            .collect::<String>(),
        *text_of_claim
    );
    let json: Value = serde_json::from_str(&text(&pages, "claims/evil/oembed.json")).unwrap();
    let frame = Html::parse_fragment(json["html"].as_str().unwrap());
    assert_eq!(frame.select(&sel("*")).count(), 2, "html and one iframe");
    assert!(frame.select(&sel("script")).next().is_none());
    assert_eq!(
        frame
            .select(&sel("iframe"))
            .next()
            .unwrap()
            .value()
            .attr("title"),
        Some(format!("Fact-check: {text_of_claim}").as_str())
    );
}
