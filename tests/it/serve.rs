//! `crosscheck serve` end to end: the real binary on an ephemeral port
//! against a temp copy of tests/fixtures/serve-basic, talked to over plain
//! TCP (a tiny HTTP/1.1 and server-sent-events client below). Every wait
//! polls against a deadline; the only fixed waits are the windows in which
//! something must *not* happen.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::support::{self, BIN, Project};

/// Generous: the machine may be busy; waits end as soon as the thing seen.
const PATIENCE: Duration = Duration::from_secs(30);
/// How long something that must not happen is watched for.
const QUIET: Duration = Duration::from_millis(1500);

/// Overrides serve's default port (documented in the README).
const DEFAULT_PORT_ENV: &str = "CROSSCHECK_SERVE_DEFAULT_PORT";

const ARTICLE: &str = "content/articles/harbour-times-strike.md";
const ARTICLE_URL: &str = "/articles/harbour-times-strike/";

/// A running `crosscheck serve`; killed on drop.
struct Serve {
    child: Child,
    addr: SocketAddr,
    output: Arc<Mutex<String>>,
}

impl Serve {
    fn start(root: &Path, args: &[&str]) -> Serve {
        Serve::start_with(root, args, &[])
            .unwrap_or_else(|out| panic!("serve did not start:\n{out}"))
    }

    /// Starts serve; `Err` with its output if it exits or never says where
    /// it listens.
    fn start_with(root: &Path, args: &[&str], env: &[(&str, &str)]) -> Result<Serve, String> {
        let mut cmd = Command::new(BIN);
        cmd.arg("serve").arg("--root").arg(root);
        let default_port_set = env.iter().any(|(k, _)| *k == DEFAULT_PORT_ENV);
        if !args.contains(&"--port") && !default_port_set {
            cmd.args(["--port", "0"]);
        }
        cmd.args(args)
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().unwrap();
        let output = Arc::new(Mutex::new(String::new()));
        for stream in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn Read + Send>,
            Box::new(child.stderr.take().unwrap()),
        ] {
            let output = output.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    let mut o = output.lock().unwrap();
                    o.push_str(&line);
                    o.push('\n');
                }
            });
        }
        let deadline = Instant::now() + PATIENCE;
        loop {
            let text = output.lock().unwrap().clone();
            if let Some(url) = text.split_whitespace().find(|w| w.starts_with("http://")) {
                let host = url
                    .trim_start_matches("http://")
                    .trim_end_matches('/')
                    .to_string();
                let addr: SocketAddr = host.parse().expect("URL names an IP and port");
                return Ok(Serve {
                    child,
                    addr,
                    output,
                });
            }
            if let Ok(Some(status)) = child.try_wait() {
                std::thread::sleep(Duration::from_millis(100));
                return Err(format!("{status}\n{}", output.lock().unwrap()));
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                return Err(text);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn output(&self) -> String {
        self.output.lock().unwrap().clone()
    }

    fn get(&self, path: &str) -> Response {
        request(
            self.addr,
            &format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"),
        )
    }

    /// Waits for the first build to finish (pages stop saying "building").
    fn ready(&self) {
        let deadline = Instant::now() + PATIENCE;
        while self.get("/").status == 503 {
            assert!(
                Instant::now() < deadline,
                "first build never finished\n{}",
                self.output()
            );
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    /// An open page's event stream, after its `hello`.
    fn events(&self) -> Events {
        let mut e = Events::connect(self.addr);
        let (name, _) = e.next(PATIENCE).expect("hello");
        assert_eq!(name, "hello");
        e
    }

    /// The first output line containing `text`, waiting for it.
    fn wait_line(&self, text: &str) -> String {
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(line) = self.output().lines().find(|l| l.contains(text)) {
                return line.to_string();
            }
            assert!(
                Instant::now() < deadline,
                "no line with {text:?}\n{}",
                self.output()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn rebuild_lines(&self) -> usize {
        self.output()
            .lines()
            .filter(|l| l.contains("rebuilt in") || l.contains("rebuild failed"))
            .count()
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Debug)]
struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Sends a raw request and reads the whole response.
fn request(addr: SocketAddr, raw: &str) -> Response {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(PATIENCE)).unwrap();
    s.write_all(raw.as_bytes()).unwrap();
    let mut bytes = Vec::new();
    s.read_to_end(&mut bytes).unwrap();
    let split = find(&bytes, b"\r\n\r\n").expect("response head");
    let head = String::from_utf8_lossy(&bytes[..split]).to_string();
    let mut lines = head.split("\r\n");
    let status: u16 = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let mut body = bytes[split + 4..].to_vec();
    let chunked = headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    if chunked {
        let mut d = Dechunker::default();
        body = d.feed(&body);
    }
    Response {
        status,
        headers,
        body: String::from_utf8_lossy(&body).to_string(),
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Decodes `Transfer-Encoding: chunked` as bytes arrive.
#[derive(Default)]
struct Dechunker {
    raw: Vec<u8>,
}

impl Dechunker {
    fn feed(&mut self, bytes: &[u8]) -> Vec<u8> {
        self.raw.extend_from_slice(bytes);
        let mut out = Vec::new();
        while let Some(eol) = find(&self.raw, b"\r\n") {
            let size_text = String::from_utf8_lossy(&self.raw[..eol]).to_string();
            let size = usize::from_str_radix(size_text.split(';').next().unwrap().trim(), 16)
                .expect("chunk size");
            if self.raw.len() < eol + 2 + size + 2 {
                break;
            }
            out.extend_from_slice(&self.raw[eol + 2..eol + 2 + size]);
            self.raw.drain(..eol + 2 + size + 2);
        }
        out
    }
}

/// A server-sent-events client, as an open page has.
struct Events {
    stream: TcpStream,
    chunks: Dechunker,
    text: String,
}

impl Events {
    fn connect(addr: SocketAddr) -> Events {
        let mut stream = TcpStream::connect(addr).unwrap();
        stream
            .write_all(b"GET /__crosscheck/events HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n")
            .unwrap();
        // Read the head byte by byte, so no event is swallowed with it.
        let mut head = Vec::new();
        let mut byte = [0u8];
        stream.set_read_timeout(Some(PATIENCE)).unwrap();
        while !head.ends_with(b"\r\n\r\n") {
            stream.read_exact(&mut byte).unwrap();
            head.push(byte[0]);
        }
        let head = String::from_utf8_lossy(&head).to_lowercase();
        assert!(head.starts_with("http/1.1 200"), "{head}");
        assert!(head.contains("text/event-stream"), "{head}");
        assert!(head.contains("chunked"), "{head}");
        Events {
            stream,
            chunks: Dechunker::default(),
            text: String::new(),
        }
    }

    /// The next event (name, data) within `wait`, skipping keep-alives.
    fn next(&mut self, wait: Duration) -> Option<(String, String)> {
        let deadline = Instant::now() + wait;
        loop {
            if let Some(end) = self.text.find("\n\n") {
                let block: String = self.text.drain(..end + 2).collect();
                let mut name = String::from("message");
                let mut data = Vec::new();
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("event:") {
                        name = v.trim().to_string();
                    } else if let Some(v) = line.strip_prefix("data:") {
                        data.push(v.trim().to_string());
                    }
                }
                if data.is_empty() {
                    continue; // a comment (keep-alive)
                }
                return Some((name, data.join("\n")));
            }
            let left = deadline.checked_duration_since(Instant::now())?;
            self.stream
                .set_read_timeout(Some(left.max(Duration::from_millis(1))))
                .unwrap();
            let mut buf = [0u8; 4096];
            match self.stream.read(&mut buf) {
                Ok(0) => return None,
                Ok(n) => {
                    let decoded = self.chunks.feed(&buf[..n]);
                    self.text.push_str(&String::from_utf8_lossy(&decoded));
                }
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) =>
                {
                    return None;
                }
                Err(e) => panic!("event stream: {e}"),
            }
        }
    }

    fn expect_reload(&mut self, serve: &Serve) -> String {
        match self.next(PATIENCE) {
            Some((name, data)) if name == "reload" => data,
            other => panic!("expected a reload, got {other:?}\n{}", serve.output()),
        }
    }

    fn expect_quiet(&mut self, serve: &Serve) {
        if let Some(e) = self.next(QUIET) {
            panic!("unexpected event {e:?}\n{}", serve.output());
        }
    }
}

/// A page of a good build: no error overlay.
fn clean(serve: &Serve, url: &str) -> String {
    let r = serve.get(url);
    assert_eq!(r.status, 200, "{url}");
    assert!(
        !r.body.contains("crosscheck-error-overlay"),
        "{url} shows errors: {}\n{}",
        r.body,
        serve.output()
    );
    r.body
}

/// Polls `url` until `ok` holds for its response.
fn wait_for(serve: &Serve, url: &str, what: &str, ok: impl Fn(&Response) -> bool) -> Response {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let r = serve.get(url);
        if ok(&r) {
            return r;
        }
        assert!(
            Instant::now() < deadline,
            "{url} never showed {what}; last: {} {}\n{}",
            r.status,
            r.body,
            serve.output()
        );
        std::thread::sleep(Duration::from_millis(25));
    }
}

#[test]
fn an_edit_reloads_open_pages_and_serves_the_new_text() {
    let dir = Project::fixture("serve-basic");
    let serve = Serve::start(dir.path(), &[]);
    serve.ready();
    let page = serve.get(ARTICLE_URL);
    assert_eq!(page.status, 200);
    assert!(page.body.contains("for a third day on Monday"));
    assert!(
        page.body.contains("/__crosscheck/live.js"),
        "reload script injected"
    );
    let mut events = serve.events();
    dir.edit(
        ARTICLE,
        "Ships waited outside the breakwater.",
        "Ships waited outside the breakwater. Fishing boats were let through.",
    );
    let build = events.expect_reload(&serve);
    // The reload is sent once the new page is in place: no polling needed.
    let page = clean(&serve, ARTICLE_URL);
    assert!(page.contains("Fishing boats were let through."), "{page}");
    assert!(page.contains(&format!("data-build=\"{build}\"")));
    // One line for the rebuild: what changed, what was rendered, how long.
    let line = serve.wait_line("rebuilt in");
    assert!(
        line.contains("content/articles/harbour-times-strike.md"),
        "{line}"
    );
    assert!(line.contains(" ms") && line.contains("article"), "{line}");
    // Serving never writes an output folder.
    assert!(!dir.path().join("site").exists());
}

#[test]
fn a_save_by_rename_is_seen() {
    let dir = Project::fixture("serve-basic");
    let serve = Serve::start(dir.path(), &[]);
    serve.ready();
    let mut events = serve.events();
    // As vim, JetBrains and atomic writers save: a temp file renamed over.
    let path = dir.path().join(ARTICLE);
    let temp = path.with_file_name(".harbour-times-strike.md.tmp.1234");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&temp, text.replace("Dock workers at", "Dockers at")).unwrap();
    std::fs::rename(&temp, &path).unwrap();
    events.expect_reload(&serve);
    assert!(clean(&serve, ARTICLE_URL).contains("Dockers at the northern harbour"));
}

#[test]
fn a_burst_of_five_saves_makes_one_rebuild_and_one_reload() {
    let dir = Project::fixture("serve-basic");
    let root = dir.path();
    let serve = Serve::start(root, &[]);
    serve.ready();
    let mut events = serve.events();
    let rebuilds_before = serve.rebuild_lines();
    // Five files changed at once, as by `git checkout` or "save all":
    // prepared aside, then renamed into place back to back.
    let staging = root.join(".staging");
    std::fs::create_dir(&staging).unwrap();
    let edits: [(&str, &str, &str); 5] = [
        (ARTICLE, "Dock workers at", "Dockers at"),
        (
            "content/articles/daily-ledger-port.md",
            "according to the port authority",
            "the port authority said",
        ),
        (
            "content/articles/coastal-gazette-talks.md",
            "last Saturday",
            "last Friday",
        ),
        (
            "content/claims.toml",
            "About 1,200 workers joined",
            "Roughly 1,200 workers joined",
        ),
        ("content/site.toml", "three reports", "three news reports"),
    ];
    let mut staged = Vec::new();
    for (i, (rel, from, to)) in edits.iter().enumerate() {
        let text = std::fs::read_to_string(root.join(rel)).unwrap();
        assert!(text.contains(from), "{rel}");
        let tmp = staging.join(i.to_string());
        std::fs::write(&tmp, text.replacen(from, to, 1)).unwrap();
        staged.push((tmp, root.join(rel)));
    }
    for (tmp, dest) in &staged {
        std::fs::rename(tmp, dest).unwrap();
    }
    events.expect_reload(&serve);
    events.expect_quiet(&serve);
    assert_eq!(
        serve.rebuild_lines(),
        rebuilds_before + 1,
        "{}",
        serve.output()
    );
    let page = clean(&serve, ARTICLE_URL);
    assert!(page.contains("Dockers at"), "{page}");
    assert!(page.contains("three news reports"), "{page}");
    assert!(clean(&serve, "/articles/daily-ledger-port/").contains("the port authority said"));
    assert!(clean(&serve, "/articles/coastal-gazette-talks/").contains("last Friday"));
    assert!(clean(&serve, "/claims/strikers-number-1200/").contains("Roughly 1,200"));
}

#[test]
fn a_broken_edit_shows_the_errors_over_the_last_good_page_until_fixed() {
    let dir = Project::fixture("serve-basic");
    let root = dir.path();
    let serve = Serve::start(root, &[]);
    serve.ready();
    let mut events = serve.events();
    dir.edit(
        "content/claims.toml",
        "verdict = \"disputed\"",
        "verdict = \"disputd\"",
    );
    events.expect_reload(&serve);
    for url in [ARTICLE_URL, "/", "/claims/strike-third-day/"] {
        let page = serve.get(url);
        assert_eq!(page.status, 200, "{url}");
        assert!(
            page.body.contains("crosscheck-error-overlay"),
            "{url}: {}",
            page.body
        );
    }
    let page = serve.get(ARTICLE_URL).body;
    // The same diagnostic `check` prints: file, line, column, excerpt.
    assert!(page.contains("content/claims.toml:25:11"), "{page}");
    assert!(page.contains("unknown verdict `disputd`"), "{page}");
    assert!(page.contains("did you mean `disputed`?"), "{page}");
    // Over the last good version of the page.
    assert!(page.contains("for a third day on Monday"));
    let check = support::crosscheck()
        .args(["check", "--root"])
        .arg(root)
        .output()
        .unwrap();
    let check_out = String::from_utf8_lossy(&check.stderr);
    let first_line = check_out.lines().next().unwrap();
    assert!(
        page.contains(&crosscheck::text::escape_html(first_line)),
        "{first_line}"
    );

    // A second breaking edit: still serving, the overlay follows.
    dir.edit(ARTICLE, "+++\ntitle", "+++\ntitle = = ");
    events.expect_reload(&serve);
    let page = serve.get(ARTICLE_URL).body;
    assert!(
        page.contains("content/articles/harbour-times-strike.md:2:"),
        "{page}"
    );

    // Fixed: the overlay goes, and the pages are current.
    dir.edit(ARTICLE, "+++\ntitle = = ", "+++\ntitle");
    dir.edit(
        "content/claims.toml",
        "verdict = \"disputd\"",
        "verdict = \"inaccurate\"",
    );
    let page = wait_for(&serve, "/claims/strikers-number-1200/", "the fix", |r| {
        !r.body.contains("crosscheck-error-overlay") && r.body.contains("Inaccurate")
    });
    assert_eq!(page.status, 200);
    assert!(
        !serve
            .get(ARTICLE_URL)
            .body
            .contains("crosscheck-error-overlay")
    );
}

#[test]
fn a_template_folder_made_after_start_is_watched_and_its_errors_shown() {
    let dir = Project::fixture("serve-basic");
    let root = dir.path();
    let serve = Serve::start(root, &[]);
    serve.ready();
    let mut events = serve.events();
    std::fs::create_dir(root.join("templates")).unwrap();
    std::fs::write(
        root.join("templates/article.html"),
        "{% extends \"base.html\" %}\n{% block main %}\n<h1>{{ article.title }</h1>\n{% endblock main %}\n",
    )
    .unwrap();
    let page = wait_for(&serve, ARTICLE_URL, "the template error", |r| {
        r.body.contains("crosscheck-error-overlay")
    });
    assert!(
        page.body.contains("templates/article.html:3:"),
        "{}",
        page.body
    );
    std::fs::write(
        root.join("templates/article.html"),
        "{% extends \"base.html\" %}\n{% block main %}\n<h1 class=\"custom\">{{ article.title }} (custom)</h1>\n{% endblock main %}\n",
    )
    .unwrap();
    let page = wait_for(&serve, ARTICLE_URL, "the new template", |r| {
        r.body.contains("(custom)")
    });
    assert!(!page.body.contains("crosscheck-error-overlay"));
    // At least one reload was announced for these changes.
    assert_eq!(events.next(PATIENCE).unwrap().0, "reload");
}

#[test]
fn a_failed_first_build_serves_an_error_page_then_recovers() {
    let dir = Project::fixture("serve-basic");
    let root = dir.path();
    dir.edit("content/site.toml", "title = ", "title = [");
    let serve = Serve::start(root, &[]);
    serve.ready();
    for url in ["/", ARTICLE_URL, "/no/such/page"] {
        let page = serve.get(url);
        assert_eq!(page.status, 500, "{url}");
        assert!(page.body.contains("crosscheck-error-overlay"), "{url}");
        assert!(page.body.contains("content/site.toml:2:1"), "{}", page.body);
        assert!(page.body.contains("invalid TOML"), "{}", page.body);
        assert!(
            page.body.contains("/__crosscheck/live.js"),
            "it reloads when fixed"
        );
    }
    let mut events = serve.events();
    dir.edit("content/site.toml", "title = [", "title = ");
    events.expect_reload(&serve);
    assert!(clean(&serve, ARTICLE_URL).contains("for a third day on Monday"));
}

#[test]
fn requests_outside_the_site_get_404() {
    let dir = Project::fixture("serve-basic");
    // Something a traversal would find if anything were read from disk.
    std::fs::write(dir.path().join("secret.txt"), "do not serve").unwrap();
    let serve = Serve::start(&dir.path().join("."), &[]);
    serve.ready();
    for target in [
        "/../Cargo.toml",
        "/../secret.txt",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/%2e%2e/secret.txt",
        "/articles/..%5c..%5cCargo.toml",
        "/articles/%2e%2e/%2e%2e/secret.txt",
        "//etc/passwd",
        "/content/site.toml",
        "/secret.txt",
        "/articles/..\\..\\secret.txt",
        "/index.html%00.txt",
    ] {
        let r = request(
            serve.addr,
            &format!("GET {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"),
        );
        assert_eq!(r.status, 404, "{target} answered {}", r.body);
        assert!(
            !r.body.contains("do not serve") && !r.body.contains("root:"),
            "{target}"
        );
    }
    // Absolute-form targets name a path too; still only the site.
    let r = request(
        serve.addr,
        "GET http://localhost/../secret.txt HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(r.status, 404);
}

#[test]
fn folders_redirect_and_files_have_their_types() {
    let dir = Project::fixture("serve-basic");
    let serve = Serve::start(dir.path(), &[]);
    serve.ready();
    let r = serve.get("/articles/harbour-times-strike");
    assert_eq!(r.status, 307);
    assert_eq!(r.header("location"), Some(ARTICLE_URL));
    let r = serve.get("/articles/harbour-times-strike?x=1");
    assert_eq!(
        r.header("location"),
        Some("/articles/harbour-times-strike/?x=1")
    );
    for (url, ty) in [
        ("/", "text/html; charset=utf-8"),
        ("/index.html", "text/html; charset=utf-8"),
        (ARTICLE_URL, "text/html; charset=utf-8"),
        ("/style.css", "text/css; charset=utf-8"),
        ("/data.json", "application/json"),
        ("/__crosscheck/live.js", "text/javascript; charset=utf-8"),
    ] {
        let r = serve.get(url);
        assert_eq!(r.status, 200, "{url}");
        assert_eq!(r.header("content-type"), Some(ty), "{url}");
    }
    let data: serde_json::Value = serde_json::from_str(&serve.get("/data.json").body).unwrap();
    assert_eq!(data["articles"].as_array().unwrap().len(), 3);
    assert!(!serve.get("/data.json").body.contains("__crosscheck"));
    let r = serve.get("/no/such/page/");
    assert_eq!(r.status, 404);
    assert!(r.body.contains("/__crosscheck/live.js"));
    let head = request(
        serve.addr,
        "HEAD /style.css HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    let post = request(
        serve.addr,
        "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(post.status, 405);
}

#[test]
fn drafts_are_served_marked_as_not_reviewed() {
    let dir = Project::fixture("serve-basic");
    let root = dir.path();
    let serve = Serve::start(root, &[]);
    serve.ready();
    // A draft claim and an in-review one: served, and marked.
    for url in ["/claims/walkout-unlawful/", "/claims/strikers-number-1200/"] {
        let page = serve.get(url);
        assert_eq!(page.status, 200, "{url}");
        assert!(
            page.body.contains("Draft — not reviewed"),
            "{url}: {}",
            page.body
        );
    }
    assert!(serve.get("/").body.contains("Draft — not reviewed"));
    assert!(
        !serve
            .get("/claims/strike-third-day/")
            .body
            .contains("Draft — not reviewed")
    );

    // A claims folder made after start, with a new draft claim.
    let mut events = serve.events();
    std::fs::create_dir(root.join("content/claims")).unwrap();
    std::fs::write(
        root.join("content/claims/extra.toml"),
        "[[claim]]\nid = \"eleven-ships\"\ntext = \"Eleven ships waited.\"\n\n  [[claim.evidence]]\n  article = \"daily-ledger-port\"\n  quote = \"Eleven ships were waiting to unload.\"\n  stance = \"supports\"\n",
    )
    .unwrap();
    events.expect_reload(&serve);
    assert!(clean(&serve, "/claims/eleven-ships/").contains("Draft — not reviewed"));
}

#[test]
fn editor_temp_files_cause_no_rebuild() {
    let dir = Project::fixture("serve-basic");
    let root = dir.path();
    let serve = Serve::start(root, &[]);
    serve.ready();
    let mut events = serve.events();
    let articles = root.join("content/articles");
    for name in [
        ".harbour-times-strike.md.swp",
        "harbour-times-strike.md~",
        "#harbour-times-strike.md#",
        ".#harbour-times-strike.md",
        "harbour-times-strike.md___jb_tmp___",
        "4913",
    ] {
        std::fs::write(articles.join(name), "+++\nnot = \"an article\"\n").unwrap();
    }
    events.expect_quiet(&serve);
    // A real save still gets through.
    dir.edit(ARTICLE, "Dock workers at", "Dockers at");
    events.expect_reload(&serve);
    assert!(clean(&serve, ARTICLE_URL).contains("Dockers at"));
}

#[test]
fn a_busy_default_port_falls_back_to_the_next_free_one() {
    let dir = Project::fixture("serve-basic");
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    // No --port: the default, made busy through the documented variable.
    let serve = Serve::start_with(dir.path(), &[], &[(DEFAULT_PORT_ENV, &port)])
        .unwrap_or_else(|out| panic!("{out}"));
    assert_ne!(serve.addr.port().to_string(), port);
    assert!(
        serve.output().contains(&format!("port {port} is busy")),
        "{}",
        serve.output()
    );
    serve.ready();
    assert_eq!(serve.get(ARTICLE_URL).status, 200);
    drop(taken);
}

#[test]
fn an_explicit_busy_port_is_a_clear_error_and_opens_nothing() {
    let dir = Project::fixture("serve-basic");
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let (path_env, opened) = fake_browser(dir.path());
    let out = support::crosscheck()
        .args(["serve", "--open", "--port", &port, "--root"])
        .arg(dir.path())
        .env("PATH", &path_env)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("port {port} on 127.0.0.1 is already in use")),
        "{err}"
    );
    assert!(err.contains("--port"), "{err}");
    assert!(
        !opened.exists(),
        "a browser was opened on someone else's port"
    );
    drop(taken);
}

/// A fake `xdg-open` first on PATH that records the URL it was given.
fn fake_browser(dir: &Path) -> (String, PathBuf) {
    let bin = dir.join("fake-bin");
    std::fs::create_dir_all(&bin).unwrap();
    let opened = dir.join("opened.txt");
    let script = bin.join("xdg-open");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nprintf '%s' \"$1\" > '{}.tmp' && mv '{0}.tmp' '{0}'\n",
            opened.display()
        ),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    (path, opened)
}

#[cfg(target_os = "linux")]
#[test]
fn open_opens_our_own_url() {
    let dir = Project::fixture("serve-basic");
    let (path_env, opened) = fake_browser(dir.path());
    let serve = Serve::start_with(dir.path(), &["--open"], &[("PATH", &path_env)]).unwrap();
    let deadline = Instant::now() + PATIENCE;
    while !opened.exists() {
        assert!(
            Instant::now() < deadline,
            "no browser opened\n{}",
            serve.output()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let url = std::fs::read_to_string(&opened).unwrap();
    assert_eq!(url, format!("http://{}/", serve.addr));
}

#[test]
fn ipv6_works_when_the_machine_has_it() {
    if TcpListener::bind("[::1]:0").is_err() {
        eprintln!("skipped: no IPv6 loopback on this machine");
        return;
    }
    let dir = Project::fixture("serve-basic");
    let serve = Serve::start(dir.path(), &["--bind", "::1"]);
    assert!(serve.addr.is_ipv6());
    assert!(
        serve
            .output()
            .contains(&format!("http://[::1]:{}/", serve.addr.port())),
        "{}",
        serve.output()
    );
    serve.ready();
    assert_eq!(serve.get(ARTICLE_URL).status, 200);
    let mut events = serve.events();
    dir.edit(ARTICLE, "Dock workers at", "Dockers at");
    events.expect_reload(&serve);
    assert!(clean(&serve, ARTICLE_URL).contains("Dockers at"));
}

#[test]
fn stopping_closes_open_event_streams() {
    let dir = Project::fixture("serve-basic");
    let mut serve = Serve::start(dir.path(), &[]);
    serve.ready();
    let mut events = serve.events();
    let stopped = Command::new("kill")
        .args(["-TERM", &serve.child.id().to_string()])
        .status()
        .unwrap();
    assert!(stopped.success());
    let deadline = Instant::now() + PATIENCE;
    let status = loop {
        if let Some(s) = serve.child.try_wait().unwrap() {
            break s;
        }
        assert!(Instant::now() < deadline, "serve did not stop");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "{status}");
    assert!(events.next(Duration::from_secs(5)).is_none());
}

#[test]
fn build_output_has_no_reload_script() {
    let dir = Project::fixture("serve-basic");
    let out = dir.path().join("out");
    let status = Command::new(BIN)
        .args(["build", "--drafts", "--root"])
        .arg(dir.path())
        .arg("--out")
        .arg(&out)
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let mut files = 0;
    for entry in walkdir::WalkDir::new(&out) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            files += 1;
            let bytes = std::fs::read(entry.path()).unwrap();
            assert!(
                find(&bytes, b"__crosscheck").is_none(),
                "{} has serve's script",
                entry.path().display()
            );
        }
    }
    assert!(files > 5);
}

// ---------------------------------------------------------------------------
// Hardening (issue 19): Host check, limits, recursion and FIFOs at runtime
// ---------------------------------------------------------------------------

fn get_as(addr: SocketAddr, path: &str, host: &str) -> Response {
    request(
        addr,
        &format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"),
    )
}

#[test]
fn requests_for_another_host_are_refused_pages_included() {
    let dir = Project::fixture("serve-basic");
    let serve = Serve::start(dir.path(), &[]);
    serve.ready();
    let port = serve.addr.port();
    for path in [
        "/",
        ARTICLE_URL,
        "/style.css",
        "/__crosscheck/live.js",
        "/nowhere",
    ] {
        let r = get_as(serve.addr, path, &format!("evil.example:{port}"));
        assert_eq!(r.status, 403, "{path}");
        assert!(r.body.contains("not `evil.example:"), "{}", r.body);
        assert!(!r.body.contains("Harbour"), "{}", r.body);
    }
    for host in [format!("localhost:{port}"), serve.addr.to_string()] {
        assert_eq!(get_as(serve.addr, "/", &host).status, 200, "{host}");
    }
    drop(serve);
    // A name the user allows.
    let serve = Serve::start(dir.path(), &["--allow-host", "preview.lan"]);
    serve.ready();
    assert_eq!(get_as(serve.addr, "/", "preview.lan:1111").status, 200);
    assert_eq!(get_as(serve.addr, "/", "evil.example").status, 403);
}

#[test]
fn review_mode_never_shows_its_token_to_another_host() {
    let dir = Project::fixture("serve-basic");
    let serve = Serve::start(dir.path(), &["--review"]);
    serve.ready();
    let port = serve.addr.port();
    let ours = get_as(serve.addr, "/", &format!("127.0.0.1:{port}"));
    assert_eq!(ours.status, 200);
    assert!(ours.body.contains("data-crosscheck-token"));
    let theirs = get_as(serve.addr, "/", &format!("evil.example:{port}"));
    assert_eq!(theirs.status, 403);
    assert!(
        !theirs.body.contains("data-crosscheck-token"),
        "{}",
        theirs.body
    );
    let api = get_as(
        serve.addr,
        "/__crosscheck/review/api/state",
        &format!("evil.example:{port}"),
    );
    assert_eq!(api.status, 403);
}

/// Reads a response head from a fresh connection that sent `raw`, within
/// `wait`; `None` when the server closed the connection without one.
fn head_within(addr: SocketAddr, raw: &str, wait: Duration) -> Option<String> {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(wait)).unwrap();
    s.write_all(raw.as_bytes()).unwrap();
    let mut bytes = Vec::new();
    let mut buf = [0u8; 1024];
    while !bytes.windows(4).any(|w| w == b"\r\n\r\n") {
        match s.read(&mut buf) {
            Ok(0) => return None,
            Ok(n) => bytes.extend_from_slice(&buf[..n]),
            Err(e) => panic!("no answer within {wait:?}: {e}"),
        }
    }
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

#[test]
fn reload_streams_beyond_the_cap_get_a_quick_503_and_pages_still_answer() {
    let dir = Project::fixture("serve-basic");
    let serve = Serve::start_with(dir.path(), &[], &[("CROSSCHECK_SERVE_MAX_LIVE", "2")]).unwrap();
    serve.ready();
    let _a = serve.events();
    let _b = serve.events();
    let started = Instant::now();
    let head = head_within(
        serve.addr,
        "GET /__crosscheck/events HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n",
        Duration::from_secs(5),
    )
    .expect("an answer");
    assert!(head.starts_with("HTTP/1.1 503"), "{head}");
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(serve.get(ARTICLE_URL).status, 200);
    // A slot frees when a page closes.
    drop(_a);
    let deadline = Instant::now() + PATIENCE;
    loop {
        let head = head_within(
            serve.addr,
            "GET /__crosscheck/events HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n",
            Duration::from_secs(5),
        )
        .unwrap();
        if head.starts_with("HTTP/1.1 200") {
            break;
        }
        assert!(Instant::now() < deadline, "the slot never came back");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn slow_headers_and_idle_connections_are_closed() {
    let dir = Project::fixture("serve-basic");
    let serve = Serve::start_with(
        dir.path(),
        &[],
        &[("CROSSCHECK_SERVE_HEADER_TIMEOUT_MS", "500")],
    )
    .unwrap();
    serve.ready();
    // Slowloris: half a request line, then nothing.
    let started = Instant::now();
    assert_eq!(
        head_within(
            serve.addr,
            "GET / HTTP/1.1\r\nHost: loc",
            Duration::from_secs(10)
        ),
        None
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    // Kept alive after a response, then idle: closed too.
    let mut s = TcpStream::connect(serve.addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(b"GET /robots.txt HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .unwrap();
    let started = Instant::now();
    let mut all = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match s.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => all.extend_from_slice(&buf[..n]),
            Err(e) => panic!("idle connection kept open: {e}"),
        }
    }
    assert!(String::from_utf8_lossy(&all).starts_with("HTTP/1.1 200"));
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[test]
fn at_the_connection_cap_slowloris_gives_way_and_busy_slots_get_a_quick_503() {
    let dir = Project::fixture("serve-basic");
    let serve = Serve::start_with(
        dir.path(),
        &[],
        &[
            ("CROSSCHECK_SERVE_MAX_CONNECTIONS", "3"),
            ("CROSSCHECK_SERVE_MAX_WAITING", "2"),
            ("CROSSCHECK_SERVE_MAX_LIVE", "3"),
        ],
    )
    .unwrap();
    serve.ready();
    // Every slot held by a connection that never sends a request: a page
    // request takes the oldest one's slot.
    let mut idle: Vec<TcpStream> = (0..3)
        .map(|_| TcpStream::connect(serve.addr).unwrap())
        .collect();
    std::thread::sleep(Duration::from_millis(700));
    let started = Instant::now();
    let page = serve.get(ARTICLE_URL);
    assert_eq!(page.status, 200);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    // The evicted connection was closed by the server.
    let closed = idle.iter_mut().any(|s| {
        s.set_read_timeout(Some(Duration::from_millis(200)))
            .unwrap();
        matches!(s.read(&mut [0u8; 16]), Ok(0))
    });
    assert!(closed, "no idle connection was closed");
    drop(idle);

    // Every slot busy (open pages' reload streams): a quick 503, never a
    // hang.
    std::thread::sleep(Duration::from_millis(200));
    let streams: Vec<Events> = (0..3).map(|_| serve.events()).collect();
    let started = Instant::now();
    let head = head_within(
        serve.addr,
        &format!("GET {ARTICLE_URL} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"),
        Duration::from_secs(10),
    )
    .expect("an answer");
    assert!(head.starts_with("HTTP/1.1 503"), "{head}");
    assert!(head.to_ascii_lowercase().contains("retry-after"), "{head}");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    drop(streams);
    let r = wait_for(&serve, ARTICLE_URL, "a page again", |r| r.status == 200);
    assert!(r.body.contains("for a third day on Monday"));
}

#[test]
fn a_recursive_template_saved_while_serving_is_an_error_not_a_crash() {
    let dir = Project::fixture("serve-basic");
    let root = dir.path();
    let mut serve = Serve::start(root, &[]);
    serve.ready();
    std::fs::create_dir_all(root.join("templates")).unwrap();
    std::fs::write(
        root.join("templates/base.html"),
        "{% include \"base.html\" %}\n",
    )
    .unwrap();
    let page = wait_for(&serve, ARTICLE_URL, "the recursion error", |r| {
        r.body.contains("template recursion")
    });
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("templates/base.html:1:1"),
        "{}",
        page.body
    );
    assert!(serve.child.try_wait().unwrap().is_none(), "serve died");
    // Nothing written beside the project.
    let hidden: Vec<_> = std::fs::read_dir(root)
        .unwrap()
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with(".crosscheck-tmp-")
        })
        .collect();
    assert!(hidden.is_empty());
    std::fs::remove_file(root.join("templates/base.html")).unwrap();
    wait_for(&serve, ARTICLE_URL, "the fix", |r| {
        !r.body.contains("crosscheck-error-overlay")
    });
}

#[cfg(unix)]
#[test]
fn a_fifo_or_a_link_out_saved_while_serving_is_shown_as_an_error_not_a_hang() {
    let dir = Project::fixture("serve-basic");
    let root = dir.path();
    let serve = Serve::start(root, &[]);
    serve.ready();
    std::fs::create_dir_all(root.join("content/claims")).unwrap();
    let status = Command::new("mkfifo")
        .arg(root.join("content/claims/more.toml"))
        .status()
        .unwrap();
    assert!(status.success());
    std::os::unix::fs::symlink("/etc/passwd", root.join("content/articles/passwd.md")).unwrap();
    let page = wait_for(&serve, ARTICLE_URL, "both errors", |r| {
        r.body
            .contains("content/claims/more.toml is a named pipe (FIFO)")
            && r.body
                .contains("content/articles/passwd.md is a symbolic link to /etc/passwd")
    });
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap();
    assert!(!page.body.contains(passwd.lines().next().unwrap()));
}

/// `serve` opens the project folder the way `build` and `check` do: a
/// path that is not a folder is refused before anything listens, with the
/// same message and exit code.
#[test]
fn serve_refuses_a_project_folder_like_build_and_check() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-project");
    std::fs::write(&file, "a file").unwrap();
    let mut outputs = Vec::new();
    for command in ["serve", "build", "check"] {
        let mut cmd = Command::new(BIN);
        cmd.args([command, "--root"])
            .arg(&file)
            .env("NO_COLOR", "1")
            .env(DEFAULT_PORT_ENV, "0")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        if command == "serve" {
            cmd.args(["--port", "0"]);
        }
        let mut child = cmd.spawn().unwrap();
        let deadline = Instant::now() + PATIENCE;
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            if Instant::now() > deadline {
                child.kill().unwrap();
                child.wait().unwrap();
                panic!("{command} is still running on a project folder that is a file");
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let mut stderr = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut stderr)
            .unwrap();
        assert!(
            stderr.contains("not-a-project is not a folder"),
            "{command}: {stderr}"
        );
        assert!(!stderr.contains("serving "), "{command}: {stderr}");
        outputs.push((status.code(), stderr));
    }
    assert_eq!(outputs[0], outputs[1]);
    assert_eq!(outputs[1], outputs[2]);
}
