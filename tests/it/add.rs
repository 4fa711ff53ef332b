//! `crosscheck add`: saved pages become articles (snapshots of the file
//! written, cruft gone, structure kept), and URLs are fetched from a local
//! server on 127.0.0.1 that redirects, loops, fails, stalls, sends too
//! much or sends a PDF. Every failure names the URL and writes nothing.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::Output;
use std::time::Duration;

use crate::support::{self, Project, crosscheck, fixture, snapshot, stderr};

fn add(root: &Path, args: &[&str]) -> Output {
    add_env(root, args, &[])
}

fn add_env(root: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = crosscheck();
    cmd.arg("add")
        .arg("--root")
        .arg(root)
        .args(args)
        .env_remove("CROSSCHECK_ADD_TIMEOUT");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn articles(root: &Path) -> BTreeMap<String, Vec<u8>> {
    snapshot(&root.join("content/articles"))
}

fn fixture_page(name: &str) -> String {
    fixture("add").join(name).to_str().unwrap().to_string()
}

/// The file `add --dry-run` prints for a fixture: what it would write.
fn dry_run(name: &str) -> String {
    let dir = Project::init();
    let before = articles(dir.path());
    let out = add(dir.path(), &["--dry-run", &fixture_page(name)]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(articles(dir.path()), before, "--dry-run wrote something");
    String::from_utf8(out.stdout).unwrap()
}

fn assert_gone(text: &str, cruft: &[&str]) {
    for c in cruft {
        assert!(
            !text.to_lowercase().contains(&c.to_lowercase()),
            "`{c}` survived:\n{text}"
        );
    }
}

fn assert_kept(text: &str, lines: &[&str]) {
    for l in lines {
        assert!(text.lines().any(|x| x == *l), "line `{l}` missing:\n{text}");
    }
}

#[test]
fn news_article_with_json_ld_loses_its_cruft_and_keeps_its_structure() {
    let text = dry_run("news-jsonld.html");
    insta::assert_snapshot!("news_jsonld", text);
    assert_gone(
        &text,
        &[
            "cookie",
            "Accept all",
            "4 min read",
            "11 Views",
            "Facebook",
            "WhatsApp",
            "Advertisement",
            "Related",
            "envoys arrive",
            "More stories",
            "Oil prices",
            "morning briefing",
            "Sign up",
            "Home",
            "Opinion",
            "Business",
            "All rights reserved",
            "Photo: Archive",
            "By Maria",
            "dataLayer",
        ],
    );
    assert_kept(
        &text,
        &[
            "title = \"Moscow talks end without a deal, Kremlin says\"",
            "outlet = \"The Daily Ledger\"",
            "url = \"https://dailyledger.example/world/2025/12/03/moscow-talks-no-deal\"",
            "author = \"Maria Kowalska\"",
            "published = 2025-12-03",
            "## What was discussed",
            "## Reaction in Kyiv",
            "- security guarantees for Ukraine;",
        ],
    );
    assert!(
        text.contains("[state news agency](https://tass.example/politics/123)"),
        "{text}"
    );
}

#[test]
fn open_graph_only_page_takes_title_outlet_url_and_date_from_it() {
    let text = dry_run("og-only.html");
    insta::assert_snapshot!("og_only", text);
    assert_gone(
        &text,
        &["3 min read", "1,204 views", "Telegram", "Share", "Sport"],
    );
    assert_kept(
        &text,
        &[
            "title = 'Kremlin cites \"lack of progress\" after five-hour meeting'",
            "outlet = \"Metro Wire\"",
            "url = \"https://metrowire.example/news/kremlin-lack-of-progress\"",
            "published = 2025-12-03",
        ],
    );
    assert!(!text.contains("author ="), "{text}");
}

#[test]
fn wayback_snapshot_gives_the_original_url_and_the_snapshot() {
    let text = dry_run("wayback.html");
    insta::assert_snapshot!("wayback", text);
    assert_kept(
        &text,
        &[
            "url = \"https://kyivherald.example/post/61234\"",
            "archived = \"https://web.archive.org/web/20251203184512/https://kyivherald.example/post/61234\"",
            "outlet = \"Kyiv Herald\"",
            "### Kyiv waits for a signal",
        ],
    );
    // The toolbar, and links back into the archive, are gone: links point
    // at the pages the article linked to.
    assert_gone(
        &text,
        &[
            "Wayback Machine",
            "capture",
            "donate",
            "web.archive.org/web/20251203184512/https://www",
            "6 min read",
            "Facebook",
            "Breadcrumb",
        ],
    );
    assert!(
        text.contains("[Reuters](https://www.reuters.example/world/europe/zelensky-signal)"),
        "{text}"
    );
    assert!(
        text.contains("[revised peace plan](https://kyivherald.example/post/61001)"),
        "{text}"
    );
}

#[test]
fn nested_lists_and_block_quotes_survive_as_markdown() {
    let text = dry_run("lists-quote.html");
    insta::assert_snapshot!("lists_quote", text);
    assert_kept(
        &text,
        &[
            "outlet = \"policyreview.example\"",
            "author = \"Daniel Okafor\"",
            "published = 2025-11-28",
            "## Main provisions",
            "1. Security",
            "    - Ukraine would cap its armed forces at 600,000 troops.",
            "2. Territory",
            "3. Sanctions would be lifted in stages.",
            "> The plan asks the victim to make the concessions.",
            "> That is not a basis for a lasting peace.",
        ],
    );
    // A link that leads nowhere outside the page becomes its text; a
    // relative one is resolved against the canonical URL.
    assert!(
        text.contains("See the full text and the notes for details"),
        "{text}"
    );
    assert!(
        text.contains("(https://www.policyreview.example/analysis/leaked-text)"),
        "{text}"
    );
    assert_gone(&text, &["javascript:", "Popular", "Another analysis"]);
}

#[test]
fn mhtml_page_is_read_from_its_html_part() {
    let text = dry_run("saved.mhtml");
    insta::assert_snapshot!("mhtml", text);
    assert_kept(&text, &["url = \"https://wire.example/story/talks\""]);
    assert!(
        text.contains("“useful”"),
        "quoted-printable decoded: {text}"
    );
}

#[test]
fn an_added_article_passes_check_without_warnings() {
    let dir = Project::init();
    let pages: Vec<String> = [
        "news-jsonld.html",
        "og-only.html",
        "wayback.html",
        "lists-quote.html",
        "saved.mhtml",
    ]
    .iter()
    .map(|p| fixture_page(p))
    .collect();
    let mut args: Vec<&str> = pages.iter().map(String::as_str).collect();
    args.insert(0, "-q");
    let out = add(dir.path(), &args);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(articles(dir.path()).len(), 1 + pages.len());
    let check = support::check(dir.path());
    let err = stderr(&check);
    assert!(check.status.success(), "{err}");
    assert!(
        err.contains("check passed: 0 error(s), 0 warning(s)"),
        "{err}"
    );
    let coverage = String::from_utf8_lossy(&check.stdout);
    assert!(
        coverage.contains("kyiv-herald-putin-rejects-deal-without-donbas"),
        "{coverage}"
    );
}

#[test]
fn what_was_written_and_what_was_missing_are_reported() {
    let dir = Project::init();
    let out = add(dir.path(), &[&fixture_page("og-only.html")]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(
            "wrote content/articles/metro-wire-kremlin-cites-lack-of-progress-after-five-hour.md"
        ),
        "{err}"
    );
    assert!(err.contains("no author in the page's metadata"), "{err}");
    let written = std::fs::read_to_string(
        dir.path()
            .join("content/articles/metro-wire-kremlin-cites-lack-of-progress-after-five-hour.md"),
    )
    .unwrap();
    assert!(written.starts_with("+++\ntitle = "), "{written}");
}

#[test]
fn an_existing_article_is_never_overwritten() {
    let dir = Project::init();
    let page = fixture_page("og-only.html");
    assert!(add(dir.path(), &["--id", "metro", &page]).status.success());
    let before = articles(dir.path());
    // The same id, chosen or derived: refused, naming the file.
    let out = add(dir.path(), &["--id", "metro", &page]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("content/articles/metro.md already exists"),
        "{err}"
    );
    assert!(err.contains("--id metro-2"), "{err}");
    // init's own article, by its id.
    let out = add(dir.path(), &["--id", "harbour-gazette-bridge", &page]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("harbour-gazette-bridge.md already exists"));
    assert_eq!(articles(dir.path()), before);
    // Two sources that would land on one id in the same run.
    let out = add(dir.path(), &["--dry-run", &page, &page]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("already exists"), "{}", stderr(&out));
}

#[test]
fn bad_arguments_are_usage_errors() {
    let dir = Project::init();
    let page = fixture_page("og-only.html");
    let out = add(dir.path(), &["--id", "Not An Id", &page]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("`not-an-id`"), "{}", stderr(&out));
    let out = add(dir.path(), &["--id", "x", &page, &page]);
    assert_eq!(out.status.code(), Some(2));
    let out = add(dir.path(), &["ftp://127.0.0.1/page.html"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("ftp://127.0.0.1/page.html: only http:// and https://"),
        "{}",
        stderr(&out)
    );
    let notes = dir.path().join("notes.txt");
    std::fs::write(&notes, "plain text").unwrap();
    let out = add(dir.path(), &[notes.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("not a saved web page"),
        "{}",
        stderr(&out)
    );
    let out = add_env(
        dir.path(),
        &["http://127.0.0.1:9/"],
        &[("CROSSCHECK_ADD_TIMEOUT", "soon")],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("CROSSCHECK_ADD_TIMEOUT"));
}

// ---------------------------------------------------------------------------
// The URL path, against a server on 127.0.0.1.

const PLAIN_PAGE: &str = r#"<!doctype html><html><head><meta charset="utf-8">
<title>Talks end in Moscow</title></head><body><article><h1>Talks end in Moscow</h1>
<p>The talks in Moscow ended on Tuesday without an agreement on the peace plan, officials from both delegations said after the meeting.</p>
<p>Both sides called the meeting useful and said that contacts would continue at the level of advisers in the coming weeks.</p>
</article></body></html>"#;

/// Serves a few fixed routes on 127.0.0.1, one thread per connection, for
/// at most `MAX_CONNECTIONS` connections (the test process ends it).
struct Server {
    base: String,
}

const MAX_CONNECTIONS: usize = 64;

impl Server {
    fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        std::thread::spawn(move || {
            for stream in listener.incoming().take(MAX_CONNECTIONS).flatten() {
                std::thread::spawn(move || serve(stream));
            }
        });
        Server { base }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

fn serve(mut stream: TcpStream) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    loop {
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => break,
            Ok(_) if line == "\r\n" => break,
            Ok(_) => {}
        }
    }
    let path = request_line
        .split_whitespace()
        .nth(1)
        .unwrap_or("/")
        .to_string();
    let respond = |stream: &mut TcpStream, status: &str, headers: &[(&str, &str)], body: &[u8]| {
        let mut head = format!("HTTP/1.1 {status}\r\nConnection: close\r\n");
        for (k, v) in headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
        let _ = stream.write_all(head.as_bytes());
        let _ = stream.write_all(body);
    };
    let html = [("Content-Type", "text/html; charset=utf-8")];
    match path.as_str() {
        "/article" => respond(&mut stream, "200 OK", &html, PLAIN_PAGE.as_bytes()),
        "/moved" => respond(
            &mut stream,
            "301 Moved Permanently",
            &[("Location", "/hop")],
            b"",
        ),
        "/hop" => respond(&mut stream, "302 Found", &[("Location", "article")], b""),
        "/loop-a" => respond(&mut stream, "302 Found", &[("Location", "/loop-b")], b""),
        "/loop-b" => respond(&mut stream, "302 Found", &[("Location", "/loop-a")], b""),
        "/to-ftp" => respond(
            &mut stream,
            "302 Found",
            &[("Location", "ftp://127.0.0.1/article.html")],
            b"",
        ),
        "/to-file" => respond(
            &mut stream,
            "307 Temporary Redirect",
            &[("Location", "file:///etc/passwd")],
            b"",
        ),
        "/slow" => {
            std::thread::sleep(Duration::from_secs(5));
            respond(&mut stream, "200 OK", &html, PLAIN_PAGE.as_bytes());
        }
        "/slow-body" => {
            // Headers at once, then the body trickles: the limit covers
            // the whole exchange, not just the wait for headers.
            let _ = stream.write_all(
                b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n<html><body><p>",
            );
            for _ in 0..50 {
                std::thread::sleep(Duration::from_millis(100));
                if stream.write_all(b"slow ").is_err() {
                    return;
                }
            }
        }
        "/huge" => {
            // Declared too large: refused before the body is read.
            let _ = stream.write_all(
                b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 52428800\r\nConnection: close\r\n\r\n<html>",
            );
        }
        "/huge-stream" => {
            // No length: read until the limit, then refused.
            let _ = stream.write_all(
                b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n<html><body>",
            );
            let chunk = vec![b'a'; 64 * 1024];
            for _ in 0..(11 * 16) {
                if stream.write_all(&chunk).is_err() {
                    return;
                }
            }
        }
        "/report.pdf" => respond(
            &mut stream,
            "200 OK",
            &[("Content-Type", "application/pdf")],
            b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n",
        ),
        "/pdf-as-html" => respond(&mut stream, "200 OK", &html, b"%PDF-1.7\n%%EOF\n"),
        "/gone" => respond(
            &mut stream,
            "410 Gone",
            &html,
            b"<html><body>gone</body></html>",
        ),
        "/broken" => respond(
            &mut stream,
            "500 Internal Server Error",
            &html,
            b"<html><body>oops</body></html>",
        ),
        _ => respond(
            &mut stream,
            "404 Not Found",
            &html,
            b"<html><body>not found</body></html>",
        ),
    }
}

/// Runs `add URL` and checks it failed with `code`, naming `named` and
/// saying `says`, and wrote nothing.
fn fails(
    root: &Path,
    url: &str,
    env: &[(&str, &str)],
    code: i32,
    named: &str,
    says: &str,
) -> String {
    let before = articles(root);
    let out = add_env(root, &[url], env);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(code), "{url}: {err}");
    assert!(err.contains(named), "{url}: not named in: {err}");
    assert!(err.contains(says), "{url}: `{says}` not in: {err}");
    assert_eq!(articles(root), before, "{url}: wrote something");
    let leftovers: Vec<_> = std::fs::read_dir(root.join("content/articles"))
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
    err
}

#[test]
fn a_url_is_fetched_through_redirects_and_written() {
    let server = Server::start();
    let dir = Project::init();
    let out = add(dir.path(), &[&server.url("/moved")]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    let path = dir
        .path()
        .join("content/articles/127-0-0-1-talks-end-in-moscow.md");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}: {err}"));
    // No canonical link: `url` is where the page was finally found.
    assert!(
        text.contains(&format!("url = \"{}\"", server.url("/article"))),
        "{text}"
    );
    assert!(
        text.contains("The talks in Moscow ended on Tuesday"),
        "{text}"
    );
    assert!(err.contains("no canonical link in the page"), "{err}");
    assert!(err.contains("outlet is the host name `127.0.0.1`"), "{err}");
    let check = support::check(dir.path());
    assert!(
        stderr(&check).contains("0 error(s), 0 warning(s)"),
        "{}",
        stderr(&check)
    );
}

#[test]
fn redirect_loops_and_other_schemes_are_refused() {
    let server = Server::start();
    let dir = Project::init();
    let err = fails(
        dir.path(),
        &server.url("/loop-a"),
        &[],
        3,
        &server.url("/loop-a"),
        "redirect loop",
    );
    assert!(
        err.contains(&server.url("/loop-b")),
        "the chain is shown: {err}"
    );
    fails(
        dir.path(),
        &server.url("/to-ftp"),
        &[],
        3,
        &server.url("/to-ftp"),
        "redirects to `ftp://127.0.0.1/article.html`, which is not followed",
    );
    fails(
        dir.path(),
        &server.url("/to-file"),
        &[],
        3,
        "file:///etc/passwd",
        "only http:// and https://",
    );
}

#[test]
fn http_errors_name_the_url_and_the_status() {
    let server = Server::start();
    let dir = Project::init();
    fails(
        dir.path(),
        &server.url("/nowhere"),
        &[],
        3,
        &server.url("/nowhere"),
        "HTTP 404 Not Found",
    );
    fails(
        dir.path(),
        &server.url("/gone"),
        &[],
        3,
        &server.url("/gone"),
        "HTTP 410 Gone",
    );
    fails(
        dir.path(),
        &server.url("/broken"),
        &[],
        3,
        &server.url("/broken"),
        "HTTP 500 Internal Server Error",
    );
}

#[test]
fn a_slow_server_hits_the_timeout() {
    let server = Server::start();
    let dir = Project::init();
    let fast = [("CROSSCHECK_ADD_TIMEOUT", "0.5")];
    let started = std::time::Instant::now();
    fails(
        dir.path(),
        &server.url("/slow"),
        &fast,
        3,
        &server.url("/slow"),
        "no complete answer within",
    );
    fails(
        dir.path(),
        &server.url("/slow-body"),
        &fast,
        3,
        &server.url("/slow-body"),
        "CROSSCHECK_ADD_TIMEOUT",
    );
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn an_oversized_body_is_refused() {
    let server = Server::start();
    let dir = Project::init();
    fails(
        dir.path(),
        &server.url("/huge"),
        &[],
        3,
        &server.url("/huge"),
        "larger than 10 MiB",
    );
    fails(
        dir.path(),
        &server.url("/huge-stream"),
        &[],
        3,
        &server.url("/huge-stream"),
        "larger than 10 MiB",
    );
}

#[test]
fn a_pdf_is_not_a_page() {
    let server = Server::start();
    let dir = Project::init();
    fails(
        dir.path(),
        &server.url("/report.pdf"),
        &[],
        1,
        &server.url("/report.pdf"),
        "not an HTML page: it is a PDF document",
    );
    fails(
        dir.path(),
        &server.url("/pdf-as-html"),
        &[],
        1,
        &server.url("/pdf-as-html"),
        "PDF",
    );
}

#[test]
fn a_refused_connection_names_the_url() {
    // A port that was just free on loopback: nothing listens there. (Name
    // resolution failures are unit-tested in src/add/fetch.rs: a test
    // here would send a DNS query off the machine.)
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/article", listener.local_addr().unwrap());
    drop(listener);
    let dir = Project::init();
    fails(dir.path(), &url, &[], 3, &url, "cannot connect");
}

#[test]
fn every_source_is_tried_and_every_failure_reported() {
    let server = Server::start();
    let dir = Project::init();
    let out = add(
        dir.path(),
        &[
            &server.url("/nowhere"),
            &fixture_page("og-only.html"),
            &server.url("/report.pdf"),
        ],
    );
    let err = stderr(&out);
    // The first failure's code (HTTP: I/O).
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(err.contains("HTTP 404"), "{err}");
    assert!(err.contains("PDF"), "{err}");
    assert!(err.contains("2 of 3 sources failed"), "{err}");
    assert!(
        dir.path()
            .join("content/articles/metro-wire-kremlin-cites-lack-of-progress-after-five-hour.md")
            .is_file()
    );
}
