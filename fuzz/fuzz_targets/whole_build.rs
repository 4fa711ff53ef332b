//! The whole build on a generated content folder: site.toml, a few
//! articles and a claims file written from structured fuzz input into a
//! temporary folder, then `Project::compile` + `render::render_site`. Must
//! never panic; a valid project must produce a site whose links resolve.
#![no_main]
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;

#[path = "../checks.rs"]
mod checks;

#[derive(Arbitrary, Debug)]
struct Input {
    title: String,
    base_url: Option<String>,
    description: Option<String>,
    publisher: Option<String>,
    /// Replaces the generated site.toml when present.
    raw_site: Option<String>,
    articles: Vec<ArticleIn>,
    claims: Vec<ClaimIn>,
    /// Appended to the generated claims file.
    raw_claims: Option<String>,
}

#[derive(Arbitrary, Debug)]
struct ArticleIn {
    id: u8,
    title: String,
    outlet: String,
    url: Option<String>,
    author: Option<String>,
    published: Option<(u16, u8, u8)>,
    body: String,
}

#[derive(Arbitrary, Debug)]
struct ClaimIn {
    id: u8,
    text: String,
    verdict: u8,
    status: u8,
    summary: Option<String>,
    evidence: Vec<EvidenceIn>,
}

#[derive(Arbitrary, Debug)]
struct EvidenceIn {
    article: u8,
    quote: QuoteIn,
    stance: u8,
    note: Option<String>,
    occurrence: Option<u8>,
}

#[derive(Arbitrary, Debug)]
enum QuoteIn {
    Raw(String),
    /// A slice of the article's body (start, length), snapped to chars.
    Slice(u16, u16),
}

const IDS: &[&str] = &["a", "b-2", "the-third", "Bad_Id", "x"];
const VERDICTS: &[&str] = &[
    "accurate",
    "mostly-accurate",
    "misleading",
    "inaccurate",
    "disputed",
    "unverified",
    "maybe",
];
const STANCES: &[&str] = &["supports", "contradicts", "mentions", "agrees"];

fn pick<'a>(list: &[&'a str], i: u8) -> &'a str {
    list[i as usize % list.len()]
}

fn slice(body: &str, start: u16, len: u16) -> String {
    if body.is_empty() {
        return String::new();
    }
    let start = start as usize % body.len();
    let len = len as usize % (body.len() - start + 1);
    let mut s = start;
    while !body.is_char_boundary(s) {
        s -= 1;
    }
    let mut e = start + len;
    while !body.is_char_boundary(e) {
        e += 1;
    }
    body[s..e].to_string()
}

fuzz_target!(|input: Input| {
    use checks::toml_string as q;
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    std::fs::create_dir_all(content.join("articles")).unwrap();
    let site = match &input.raw_site {
        Some(raw) => raw.clone(),
        None => {
            let mut s = format!("title = {}\n", q(&input.title));
            for (k, v) in [
                ("base_url", &input.base_url),
                ("description", &input.description),
                ("publisher", &input.publisher),
            ] {
                if let Some(v) = v {
                    s.push_str(&format!("{k} = {}\n", q(v)));
                }
            }
            s
        }
    };
    std::fs::write(content.join("site.toml"), site).unwrap();
    let mut bodies: Vec<(&str, &str)> = Vec::new();
    for a in input.articles.iter().take(6) {
        let id = pick(IDS, a.id);
        let mut fm = format!("+++\ntitle = {}\noutlet = {}\n", q(&a.title), q(&a.outlet));
        if let Some(u) = &a.url {
            fm.push_str(&format!("url = {}\n", q(u)));
        }
        if let Some(au) = &a.author {
            fm.push_str(&format!("author = {}\n", q(au)));
        }
        if let Some((y, m, d)) = a.published {
            fm.push_str(&format!(
                "published = \"{:04}-{:02}-{:02}\"\n",
                y % 10000,
                m % 13,
                d % 32
            ));
        }
        fm.push_str("+++\n");
        fm.push_str(&a.body);
        std::fs::write(content.join("articles").join(format!("{id}.md")), fm).unwrap();
        bodies.push((id, &a.body));
    }
    let mut claims = String::new();
    for c in input.claims.iter().take(6) {
        claims.push_str(&format!(
            "[[claim]]\nid = {}\ntext = {}\nverdict = \"{}\"\nstatus = \"{}\"\n",
            q(&format!("c{}", c.id % 8)),
            q(&c.text),
            pick(VERDICTS, c.verdict),
            if c.status % 3 == 0 {
                "approved"
            } else if c.status % 3 == 1 {
                "draft"
            } else {
                "in-review"
            },
        ));
        if c.status % 3 == 0 {
            claims.push_str("reviewer = \"R\"\nreviewed = 2026-01-01\n");
        }
        if let Some(s) = &c.summary {
            claims.push_str(&format!("summary = {}\n", q(s)));
        }
        for e in c.evidence.iter().take(8) {
            let article = if bodies.is_empty() {
                pick(IDS, e.article)
            } else {
                bodies[e.article as usize % bodies.len()].0
            };
            let quote = match &e.quote {
                QuoteIn::Raw(s) => s.clone(),
                QuoteIn::Slice(s, l) => {
                    let body = bodies
                        .iter()
                        .find(|(id, _)| *id == article)
                        .map(|(_, b)| *b)
                        .unwrap_or("");
                    slice(body, *s, *l)
                }
            };
            claims.push_str(&format!(
                "\n  [[claim.evidence]]\n  article = {}\n  quote = {}\n  stance = \"{}\"\n",
                q(article),
                q(&quote),
                pick(STANCES, e.stance)
            ));
            if let Some(n) = &e.note {
                claims.push_str(&format!("  note = {}\n", q(n)));
            }
            if let Some(o) = e.occurrence {
                claims.push_str(&format!("  occurrence = {}\n", o % 4));
            }
        }
        claims.push('\n');
    }
    if let Some(raw) = &input.raw_claims {
        claims.push_str(raw);
    }
    std::fs::write(content.join("claims.toml"), claims).unwrap();
    checks::check_build(dir.path());
});
