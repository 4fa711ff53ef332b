//! The reviewer workflow: claims-file edits that change exactly the
//! intended lines, sign-off fingerprints that lapse, consistency checks,
//! and the HTTP review API driven over real HTTP.

use std::path::Path;

use crosscheck::claims::edit::{ClaimsFile, EditError, Field, NewEvidence};
use crosscheck::pipeline::content::{Stance, Status, Verdict};
use crosscheck::pipeline::site::BuildOptions;
use crosscheck::review::{ClaimsFiles, consistency, signoff};

use crate::support::{self, Project, replace_in_file, repo};

fn claims_text() -> String {
    std::fs::read_to_string(support::fixture("review-project").join("content/claims.toml")).unwrap()
}

fn file(text: &str) -> ClaimsFile {
    ClaimsFile::parse("content/claims.toml", text.as_bytes().to_vec()).unwrap()
}

fn edited(f: &ClaimsFile) -> String {
    String::from_utf8(f.to_bytes()).unwrap()
}

/// The changed lines between two texts: removed lines as `-…`, added as
/// `+…`, after the common leading and trailing lines.
fn diff(old: &str, new: &str) -> Vec<String> {
    let a: Vec<&str> = old.split_inclusive('\n').collect();
    let b: Vec<&str> = new.split_inclusive('\n').collect();
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let max = a.len().min(b.len()) - prefix;
    let suffix = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take(max)
        .take_while(|(x, y)| x == y)
        .count();
    let mut out = Vec::new();
    for l in &a[prefix..a.len() - suffix] {
        out.push(format!("-{}", l.trim_end_matches('\n')));
    }
    for l in &b[prefix..b.len() - suffix] {
        out.push(format!("+{}", l.trim_end_matches('\n')));
    }
    out
}

fn ev(article: &str, quote: &str, stance: Stance) -> NewEvidence {
    NewEvidence {
        article: article.into(),
        quote: quote.into(),
        stance,
        note: None,
        occurrence: None,
    }
}

#[test]
fn adding_evidence_appends_one_table_after_the_claims_last_evidence() {
    let text = claims_text();
    let mut f = file(&text);
    let i = f
        .add_evidence(
            "meeting-lasted-five-hours",
            &ev(
                "wire-a",
                "Putin met the envoys on Tuesday",
                Stance::Contradicts,
            ),
        )
        .unwrap();
    assert_eq!(i, 2);
    let new = edited(&f);
    assert_eq!(
        diff(&text, &new),
        [
            "+  [[claim.evidence]]",
            "+  article = \"wire-a\"",
            "+  quote = \"Putin met the envoys on Tuesday\"",
            "+  stance = \"contradicts\"",
            "+",
        ]
    );
    // Right after the claim's last evidence, before the next claim's comment.
    let pos = new.find("quote = \"Putin met").unwrap();
    assert!(pos > new.find("The meeting lasted five minutes").unwrap());
    assert!(pos < new.find("# -----").unwrap());
}

#[test]
fn evidence_written_inline_gets_an_inline_entry() {
    let text = claims_text();
    let mut f = file(&text);
    f.add_evidence(
        "no-compromise",
        &NewEvidence {
            note: Some("The paper \"agrees\".".into()),
            ..ev("paper-b", "No compromise was reached", Stance::Supports)
        },
    )
    .unwrap();
    assert_eq!(
        diff(&text, &edited(&f)),
        [
            "-evidence = [ { article = \"wire-a\", quote = \"no compromise was reached\", stance = \"supports\" } ]",
            "+evidence = [ { article = \"wire-a\", quote = \"no compromise was reached\", stance = \"supports\" }, { article = \"paper-b\", quote = \"No compromise was reached\", stance = \"supports\", note = \"The paper \\\"agrees\\\".\" } ]",
        ]
    );
}

#[test]
fn first_evidence_of_a_claim_follows_the_files_style() {
    let text = claims_text();
    let mut f = file(&text);
    f.add_evidence(
        "met-on-tuesday",
        &NewEvidence {
            occurrence: Some(2),
            ..ev("paper-b", "Putin met", Stance::Mentions)
        },
    )
    .unwrap();
    assert_eq!(
        diff(&text, &edited(&f)),
        [
            "+  [[claim.evidence]]",
            "+  article = \"paper-b\"",
            "+  quote = \"Putin met\"",
            "+  stance = \"mentions\"",
            "+  occurrence = 2",
            "+",
        ]
    );
    assert!(edited(&f).ends_with("occurrence = 2\n\n# end of claims\n"));
}

#[test]
fn changing_fields_keeps_spacing_comments_and_quoting_style() {
    let text = claims_text();
    let change = |claim: &str, field: Field| {
        let mut f = file(&text);
        f.set_field(claim, field).unwrap();
        diff(&text, &edited(&f))
    };
    assert_eq!(
        change(
            "meeting-lasted-five-hours",
            Field::Verdict(Verdict::Inaccurate)
        ),
        [
            "-verdict   =   \"accurate\"",
            "+verdict   =   \"inaccurate\""
        ]
    );
    // A literal string stays literal; a trailing comment stays.
    assert_eq!(
        change("no-compromise", Field::Verdict(Verdict::Disputed)),
        ["-verdict = 'accurate'", "+verdict = 'disputed'"]
    );
    assert_eq!(
        change("meeting-lasted-five-hours", Field::Status(Status::Draft)),
        ["-status = \"in-review\"", "+status = \"draft\""]
    );
    // A multi-line string stays multi-line.
    assert_eq!(
        change(
            "no-compromise",
            Field::Summary(Some("Wire A says so;\nPaper B \"agrees\".".into()))
        ),
        [
            "-Both reports say so.\"\"\"",
            "+Wire A says so;",
            "+Paper B \"agrees\".\"\"\"",
        ]
    );
    // A new key goes after the claim's last key, indented like most keys.
    assert_eq!(
        change("met-on-tuesday", Field::Status(Status::InReview)),
        ["+status = \"in-review\""]
    );
    let mut f = file(&text);
    f.set_field("met-on-tuesday", Field::Status(Status::InReview))
        .unwrap();
    assert!(
        edited(&f)
            .ends_with("\tverdict = \"unverified\"\nstatus = \"in-review\"\n\n# end of claims\n")
    );
    // Removing a key removes its line.
    assert_eq!(
        change("no-compromise", Field::Summary(None)),
        ["-summary = \"\"\"", "-Both reports say so.\"\"\""]
    );
    // Bad values are refused.
    let mut f = file(&text);
    assert!(matches!(
        f.set_field("no-compromise", Field::Reviewed(Some("2026-13-01".into()))),
        Err(EditError::Invalid {
            field: "reviewed",
            ..
        })
    ));
    assert!(matches!(
        f.set_field("no-compromise", Field::Reviewer(Some("two\nlines".into()))),
        Err(EditError::Invalid {
            field: "reviewer",
            ..
        })
    ));
    assert_eq!(edited(&f), text);
}

#[test]
fn removing_evidence_removes_its_lines_only() {
    let text = claims_text();
    let mut f = file(&text);
    let quote = f.remove_evidence("meeting-lasted-five-hours", 0).unwrap();
    assert_eq!(quote, "talks stretched for nearly five hours");
    assert_eq!(
        diff(&text, &edited(&f)),
        [
            "-  [[claim.evidence]]",
            "-  article = \"wire-a\"",
            "-  quote = 'talks stretched for nearly five hours'",
            "-  stance = \"supports\"   # wire copy",
            "-",
        ]
    );
    let mut f = file(&text);
    f.remove_evidence("no-compromise", 0).unwrap();
    assert_eq!(
        diff(&text, &edited(&f)),
        [
            "-evidence = [ { article = \"wire-a\", quote = \"no compromise was reached\", stance = \"supports\" } ]"
        ]
    );
    let mut f = file(&text);
    assert!(matches!(
        f.remove_evidence("met-on-tuesday", 0),
        Err(EditError::UnknownEvidence { count: 0, .. })
    ));
    assert!(matches!(
        f.remove_evidence("nope", 0),
        Err(EditError::UnknownClaim(_))
    ));
}

#[test]
fn crlf_files_stay_crlf_and_a_bom_stays() {
    let text = claims_text().replace('\n', "\r\n");
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(text.as_bytes());
    let mut f = ClaimsFile::parse("content/claims.toml", bytes.clone()).unwrap();
    f.add_evidence(
        "meeting-lasted-five-hours",
        &ev(
            "wire-a",
            "Putin met the envoys on Tuesday",
            Stance::Contradicts,
        ),
    )
    .unwrap();
    f.set_field("no-compromise", Field::Verdict(Verdict::Disputed))
        .unwrap();
    let out = f.to_bytes();
    assert!(out.starts_with(b"\xEF\xBB\xBF"));
    let out = String::from_utf8(out[3..].to_vec()).unwrap();
    assert_eq!(out.matches('\n').count(), out.matches("\r\n").count());
    let mut lf = file(&claims_text());
    lf.add_evidence(
        "meeting-lasted-five-hours",
        &ev(
            "wire-a",
            "Putin met the envoys on Tuesday",
            Stance::Contradicts,
        ),
    )
    .unwrap();
    lf.set_field("no-compromise", Field::Verdict(Verdict::Disputed))
        .unwrap();
    assert_eq!(out, edited(&lf).replace('\n', "\r\n"));
}

#[test]
fn lines_toml_edit_would_normalise_keep_their_bytes() {
    let text = "[[ claim ]]   # odd header\nid = \"a\"\ntext = \"A\"\n\n[[ claim ]]\nid = \"b\"\ntext = \"B\"\n";
    let mut f = file(text);
    f.set_field("b", Field::Verdict(Verdict::Accurate)).unwrap();
    assert_eq!(diff(text, &edited(&f)), ["+verdict = \"accurate\""]);
    assert!(edited(&f).starts_with("[[ claim ]]   # odd header\n"));
}

#[test]
fn new_claims_get_an_id_from_their_text_and_go_last() {
    let text = claims_text();
    let mut f = file(&text);
    let taken = ["the-meeting-lasted-five-minutes".to_string()].into();
    let id = f
        .create_claim(
            "The meeting lasted five minutes.",
            Verdict::Unverified,
            &taken,
            Some(&ev(
                "paper-b",
                "The meeting lasted five minutes",
                Stance::Supports,
            )),
        )
        .unwrap();
    assert_eq!(id, "the-meeting-lasted-five-minutes-2");
    assert_eq!(
        diff(&text, &edited(&f)),
        [
            "+[[claim]]",
            "+id = \"the-meeting-lasted-five-minutes-2\"",
            "+text = \"The meeting lasted five minutes.\"",
            "+verdict = \"unverified\"",
            "+status = \"draft\"",
            "+",
            "+  [[claim.evidence]]",
            "+  article = \"paper-b\"",
            "+  quote = \"The meeting lasted five minutes\"",
            "+  stance = \"supports\"",
            "+",
        ]
    );
    assert!(matches!(
        f.create_claim("  ", Verdict::Unverified, &Default::default(), None),
        Err(EditError::Invalid { field: "text", .. })
    ));
}

#[test]
fn a_stale_version_is_a_conflict_and_the_file_is_untouched() {
    let dir = Project::fixture("review-project");
    let path = dir.path().join("content/claims.toml");
    let files = ClaimsFiles::read(dir.path()).unwrap();
    let seen = files.version();
    // Someone edits the file in their editor meanwhile.
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str("# edited by hand\n");
    std::fs::write(&path, &text).unwrap();
    let now = ClaimsFiles::read(dir.path()).unwrap();
    assert!(matches!(
        now.check_version(&seen),
        Err(EditError::Conflict { .. })
    ));
    // An edit prepared from the old read is refused at write time too.
    let mut f = files.file_of("met-on-tuesday").unwrap();
    f.set_field("met-on-tuesday", Field::Verdict(Verdict::Accurate))
        .unwrap();
    assert!(matches!(files.commit(&f), Err(EditError::Conflict { .. })));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    // No temporary file is left behind.
    let names: Vec<String> = std::fs::read_dir(dir.path().join("content"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.iter().all(|n| !n.contains("crosscheck-edit")),
        "{names:?}"
    );
}

#[test]
fn a_committed_edit_is_written_and_reads_back() {
    let dir = Project::fixture("review-project");
    let files = ClaimsFiles::read(dir.path()).unwrap();
    let mut f = files.file_of("met-on-tuesday").unwrap();
    f.add_evidence(
        "met-on-tuesday",
        &ev(
            "wire-a",
            "Putin met the envoys on Tuesday",
            Stance::Supports,
        ),
    )
    .unwrap();
    files.commit(&f).unwrap();
    let (site, diags) = support::compile_with(dir.path(), BuildOptions { drafts: true });
    assert!(!diags.has_errors(), "{}", diags.render(false));
    let site = site.unwrap();
    let c = site
        .claims
        .iter()
        .find(|c| c.id == "met-on-tuesday")
        .unwrap();
    assert_eq!(c.evidence.len(), 1);
    assert_ne!(
        ClaimsFiles::read(dir.path()).unwrap().version(),
        files.version()
    );
}

/// Signs off `claim` in the project at `root` as the API does.
fn sign_off(root: &Path, claim: &str) {
    let (site, _) = support::compile_with(root, BuildOptions { drafts: true });
    let site = site.unwrap();
    let ci = site.claims.iter().position(|c| c.id == claim).unwrap();
    let fp = site.fingerprint(ci);
    let files = ClaimsFiles::read(root).unwrap();
    let mut f = files.file_of(claim).unwrap();
    f.sign_off(claim, "A. Reviewer", "2026-11-21", &fp).unwrap();
    files.commit(&f).unwrap();
}

#[test]
fn sign_off_lapses_when_a_quoted_sentence_is_edited() {
    let dir = Project::fixture("review-project");
    let root = dir.path();
    sign_off(root, "meeting-lasted-five-hours");
    let claims = std::fs::read_to_string(root.join("content/claims.toml")).unwrap();
    assert!(claims.contains("status = \"approved\"\nreviewer = \"A. Reviewer\"\nreviewed = 2026-11-21\nsignoff = \"v2:"), "{claims}");
    let (site, diags) = support::compile_with(root, BuildOptions::default());
    assert!(diags.is_empty(), "{}", diags.render(false));
    assert!(
        site.unwrap()
            .claims
            .iter()
            .any(|c| c.id == "meeting-lasted-five-hours")
    );

    // Reflowing white space or curly quotes is not a change of meaning.
    let article = root.join("content/articles/wire-a.md");
    let text = std::fs::read_to_string(&article).unwrap();
    std::fs::write(
        &article,
        text.replace("for nearly five", "for\nnearly five"),
    )
    .unwrap();
    let (_, diags) = support::compile_with(root, BuildOptions::default());
    assert!(diags.is_empty(), "{}", diags.render(false));

    // Editing the quoted sentence (outside the quote itself) is.
    std::fs::write(
        &article,
        text.replace("ending after midnight", "ending before midnight"),
    )
    .unwrap();
    let (site, diags) = support::compile_with(root, BuildOptions::default());
    let msgs: Vec<String> = diags.iter().map(|d| d.message.clone()).collect();
    assert_eq!(
        msgs,
        [
            "claim `meeting-lasted-five-hours`: approved, changed since sign-off: 1 piece of evidence with a new stance or an edited quoted statement"
        ]
    );
    let loc = diags.iter().next().unwrap().location().unwrap();
    assert!(loc.starts_with("content/claims.toml:6:"), "{loc}");
    // build leaves it out; with --drafts it is there, no longer approved.
    let site = site.unwrap();
    assert!(
        site.claims
            .iter()
            .all(|c| c.id != "meeting-lasted-five-hours")
    );
    let (site, _) = support::compile_with(root, BuildOptions { drafts: true });
    let site = site.unwrap();
    let c = site
        .claims
        .iter()
        .find(|c| c.id == "meeting-lasted-five-hours")
        .unwrap();
    assert_ne!(c.status, Status::Approved);
    let lapsed: Vec<&str> = site.lapsed.iter().map(|l| l.claim.as_str()).collect();
    assert_eq!(lapsed, ["meeting-lasted-five-hours"]);
    // Signing off again records the new state.
    sign_off(root, "meeting-lasted-five-hours");
    let (_, diags) = support::compile_with(root, BuildOptions::default());
    assert!(diags.is_empty(), "{}", diags.render(false));
}

#[test]
fn sign_off_lapses_when_evidence_is_added_or_the_claim_reworded() {
    let dir = Project::fixture("review-project");
    let root = dir.path();
    sign_off(root, "meeting-lasted-five-hours");
    let files = ClaimsFiles::read(root).unwrap();
    let mut f = files.file_of("meeting-lasted-five-hours").unwrap();
    f.add_evidence(
        "meeting-lasted-five-hours",
        &ev("wire-a", "The talks were useful", Stance::Mentions),
    )
    .unwrap();
    files.commit(&f).unwrap();
    let (_, diags) = support::compile_with(root, BuildOptions::default());
    assert_eq!(diags.warning_count(), 1, "{}", diags.render(false));

    let dir = Project::fixture("review-project");
    let root = dir.path();
    sign_off(root, "meeting-lasted-five-hours");
    let path = root.join("content/claims.toml");
    replace_in_file(&path, "about five hours.", "about six hours.");
    let (_, diags) = support::compile_with(root, BuildOptions::default());
    assert!(
        diags.iter().any(|d| d.message.contains(signoff::LAPSED)),
        "{}",
        diags.render(false)
    );
}

#[test]
fn consistency_flags_verdicts_at_odds_and_claims_without_evidence() {
    let dir = Project::fixture("review-project");
    let root = dir.path();
    let path = root.join("content/claims.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    // Only contradicting evidence, rated accurate.
    let text = text.replace(
        "  stance = \"supports\"   # wire copy",
        "  stance = \"contradicts\"   # wire copy",
    );
    std::fs::write(&path, text).unwrap();
    let (site, _) = support::compile_with(root, BuildOptions { drafts: true });
    let site = site.unwrap();
    let d = consistency::check(&site.claims, &site.pages);
    // The review fixture names no sources and has no desk pages; those
    // warnings are tested on their own.
    let msgs: Vec<String> = d
        .iter()
        .map(|d| d.message.clone())
        .filter(|m| !m.contains("names no source") && !m.contains(" page (content/pages/"))
        .collect();
    assert_eq!(
        msgs,
        [
            "claim `meeting-lasted-five-hours` is rated accurate but has only contradicting evidence (0 supporting, 2 contradicting)",
            "claim `met-on-tuesday` has no evidence",
        ]
    );
    let p = site.progress();
    assert_eq!((p.draft, p.in_review, p.approved, p.lapsed), (2, 1, 0, 0));
    assert_eq!(
        p.unlinked,
        [("paper-b".to_string(), 3, 4), ("wire-a".to_string(), 2, 4)]
    );
    let shown = p.to_string();
    assert!(shown.contains("paper-b      3 of 4"), "{shown}");
}

// ---------------------------------------------------------------------------
// The HTTP review API, over real HTTP
// ---------------------------------------------------------------------------

mod http {
    use std::io::{Read, Write};
    use std::net::{SocketAddr, TcpStream};

    use crosscheck::review::api::{self, ReviewConfig};
    use serde_json::{Value, json};

    pub struct Server {
        pub addr: SocketAddr,
        pub token: String,
        pub dir: crate::support::Project,
        stop: Option<tokio::sync::oneshot::Sender<()>>,
        thread: Option<std::thread::JoinHandle<()>>,
    }

    impl Drop for Server {
        fn drop(&mut self) {
            if let Some(stop) = self.stop.take() {
                let _ = stop.send(());
            }
            if let Some(t) = self.thread.take() {
                let _ = t.join();
            }
        }
    }

    /// Serves the review API for a fresh copy of the fixture project on
    /// 127.0.0.1 and a free port.
    pub fn start() -> Server {
        start_in(crate::support::Project::fixture("review-project"), None)
    }

    /// Serves the review API for the project in `dir`, reading the sites
    /// published to `cell` when there is one.
    pub fn start_in(
        dir: crate::support::Project,
        cell: Option<std::sync::Arc<crosscheck::compiled::SiteCell>>,
    ) -> Server {
        let root = dir.path().to_path_buf();
        start_at(dir, root, cell)
    }

    /// [`start_in`], with `root` (which need not be `dir`, nor a project)
    /// as the project folder.
    pub fn start_at(
        dir: crate::support::Project,
        root: std::path::PathBuf,
        cell: Option<std::sync::Arc<crosscheck::compiled::SiteCell>>,
    ) -> Server {
        let token = api::new_token();
        let config = ReviewConfig {
            root,
            token: token.clone(),
            reviewer: Some("A. Reviewer".into()),
            hosts: Vec::new(),
        };
        let router = match cell {
            Some(cell) => api::router_with_cell(config, cell),
            None => api::router(config),
        };
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let listener = rt
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            rt.block_on(async move {
                axum::serve(listener, router)
                    .with_graceful_shutdown(async move {
                        let _ = rx.await;
                    })
                    .await
                    .unwrap();
            });
        });
        Server {
            addr,
            token,
            dir,
            stop: Some(tx),
            thread: Some(thread),
        }
    }

    impl Server {
        pub fn host(&self) -> String {
            self.addr.to_string()
        }

        pub fn claims(&self) -> String {
            std::fs::read_to_string(self.dir.path().join("content/claims.toml")).unwrap()
        }

        /// A raw request; returns the status and the body as JSON (or as
        /// a JSON string when it is not JSON).
        pub fn raw(
            &self,
            method: &str,
            path: &str,
            headers: &[(&str, String)],
            body: &[u8],
        ) -> (u16, Value) {
            let mut s = TcpStream::connect(self.addr).unwrap();
            let mut req = format!("{method} {path} HTTP/1.1\r\nConnection: close\r\n");
            for (k, v) in headers {
                req.push_str(&format!("{k}: {v}\r\n"));
            }
            req.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
            s.write_all(req.as_bytes()).unwrap();
            // The server may answer before reading an oversized body.
            let _ = s.write_all(body);
            let mut out = Vec::new();
            let _ = s.read_to_end(&mut out);
            let text = String::from_utf8_lossy(&out).into_owned();
            let status: u16 = text
                .split(' ')
                .nth(1)
                .and_then(|c| c.parse().ok())
                .unwrap_or_else(|| panic!("no status in {text:?}"));
            let body = text.split_once("\r\n\r\n").map_or("", |(_, b)| b);
            let json = serde_json::from_str(body).unwrap_or(Value::String(body.to_string()));
            (status, json)
        }

        /// A request as the review script sends it: own Host and Origin,
        /// the token, a JSON body.
        pub fn call(&self, method: &str, endpoint: &str, body: Option<Value>) -> (u16, Value) {
            let body = body.map(|b| b.to_string()).unwrap_or_default();
            self.raw(
                method,
                &format!("/__crosscheck/review/api/{endpoint}"),
                &[
                    ("Host", self.host()),
                    ("Origin", format!("http://{}", self.host())),
                    ("X-Crosscheck-Token", self.token.clone()),
                    ("Content-Type", "application/json".into()),
                ],
                body.as_bytes(),
            )
        }

        pub fn version(&self) -> String {
            let (status, state) = self.call("GET", "state", None);
            assert_eq!(status, 200, "{state}");
            state["version"].as_str().unwrap().to_string()
        }

        /// The id of the statement of `article` containing `passage`.
        pub fn statement(&self, article: &str, passage: &str) -> (String, String) {
            let (site, _) = crate::support::compile_with(
                self.dir.path(),
                crosscheck::BuildOptions { drafts: true },
            );
            let site = site.unwrap();
            let ai = site.articles.iter().position(|a| a.id == article).unwrap();
            let doc = &site.docs[ai];
            let si = (0..doc.statements.len())
                .find(|&si| doc.statement_text(si).contains(passage))
                .unwrap();
            (
                doc.statement_id(si).to_string(),
                doc.statement_text(si).to_string(),
            )
        }

        /// A selection of `passage` inside the statement containing it.
        pub fn selection(&self, article: &str, passage: &str) -> Value {
            let (id, text) = self.statement(article, passage);
            let start = text[..text.find(passage).unwrap()].encode_utf16().count();
            let end = start + passage.encode_utf16().count();
            json!({
                "start": {"statement": id, "offset": start},
                "end": {"statement": id, "offset": end},
                "text": passage,
            })
        }
    }
}

use serde_json::json;

#[test]
fn api_adds_evidence_from_a_selection_changing_only_its_lines() {
    let s = http::start();
    let before = s.claims();
    let (status, r) = s.call(
        "POST",
        "evidence",
        Some(json!({
            "version": s.version(),
            "claim": "met-on-tuesday",
            "article": "paper-b",
            "selection": s.selection("paper-b", "Putin met the envoys on Wednesday"),
            "stance": "contradicts",
            "note": "Paper B says *Wednesday*.",
        })),
    );
    assert_eq!(status, 200, "{r}");
    assert_eq!(r["quote"], "Putin met the envoys on Wednesday");
    assert_eq!(r["occurrence"], serde_json::Value::Null);
    assert_eq!(
        diff(&before, &s.claims()),
        [
            "+  [[claim.evidence]]",
            "+  article = \"paper-b\"",
            "+  quote = \"Putin met the envoys on Wednesday\"",
            "+  stance = \"contradicts\"",
            "+  note = \"Paper B says *Wednesday*.\"",
            "+",
        ]
    );
    // The new version is what the page writes against next.
    assert_eq!(r["version"], s.version());
}

#[test]
fn api_selection_of_repeated_words_records_the_occurrence() {
    let s = http::start();
    let before = s.claims();
    // "The talks" occurs twice in wire-a; the second is selected.
    let sel = s.selection("wire-a", "The talks were useful");
    let mut sel2 = sel.clone();
    let start = sel["start"]["offset"].as_u64().unwrap();
    sel2["end"]["offset"] = json!(start + 9);
    sel2["text"] = json!("The talks");
    let (status, r) = s.call(
        "POST",
        "evidence",
        Some(json!({
            "version": s.version(),
            "claim": "meeting-lasted-five-hours",
            "article": "wire-a",
            "selection": sel2,
            "stance": "mentions",
        })),
    );
    assert_eq!(status, 200, "{r}");
    assert_eq!(
        diff(&before, &s.claims()),
        [
            "+  [[claim.evidence]]",
            "+  article = \"wire-a\"",
            "+  quote = \"The talks\"",
            "+  stance = \"mentions\"",
            "+  occurrence = 2",
            "+",
        ]
    );
    // It anchors to the selected statement, not the first "The talks".
    let (site, d) = support::compile_with(s.dir.path(), BuildOptions { drafts: true });
    assert!(!d.has_errors(), "{}", d.render(false));
    let site = site.unwrap();
    let ci = site
        .claims
        .iter()
        .position(|c| c.id == "meeting-lasted-five-hours")
        .unwrap();
    let r = site.graph.evidence[ci].last().unwrap();
    let (id, _) = s.statement("wire-a", "The talks were useful");
    assert_eq!(site.docs[r.article].statement_id(r.statement), id);
}

#[test]
fn api_changes_and_removes_exactly_the_intended_lines() {
    let s = http::start();
    let before = s.claims();
    let (status, r) = s.call(
        "PATCH",
        "claims/no-compromise",
        Some(json!({"version": s.version(), "verdict": "disputed"})),
    );
    assert_eq!(status, 200, "{r}");
    let after_verdict = s.claims();
    assert_eq!(
        diff(&before, &after_verdict),
        ["-verdict = 'accurate'", "+verdict = 'disputed'"]
    );
    let (status, r) = s.call(
        "PATCH",
        "claims/meeting-lasted-five-hours",
        Some(json!({"version": s.version(), "status": "draft", "summary": "Five hours, per Wire A."})),
    );
    assert_eq!(status, 200, "{r}");
    assert_eq!(
        diff(&after_verdict, &s.claims()),
        [
            "-status = \"in-review\"",
            "+status = \"draft\"",
            "+summary = \"Five hours, per Wire A.\"",
        ]
    );
    let before_remove = s.claims();
    let (status, r) = s.call(
        "DELETE",
        "claims/meeting-lasted-five-hours/evidence/1",
        Some(json!({"version": s.version()})),
    );
    assert_eq!(status, 200, "{r}");
    assert_eq!(r["removed"], "The meeting lasted five minutes");
    assert_eq!(
        diff(&before_remove, &s.claims()),
        [
            "-  # The paper says minutes.",
            "-  [[claim.evidence]]",
            "-  article=\"paper-b\"",
            "-  quote = \"The meeting lasted five minutes\"",
            "-  stance = \"contradicts\"",
            "-",
        ]
    );
    // Approving goes through sign-off, never a bare status change.
    let (status, r) = s.call(
        "PATCH",
        "claims/met-on-tuesday",
        Some(json!({"version": s.version(), "status": "approved"})),
    );
    assert_eq!(status, 400, "{r}");
}

#[test]
fn api_summary_ending_in_quotes_reads_back_as_sent() {
    // `no-compromise` has a `"""` summary; the new one ends in `"""`, which
    // used to be written as `x ""\"` (an extra backslash).
    let s = http::start();
    for summary in [
        "x \"\"\"",
        "Wire A: \"five hours\"\nPaper B: \"\"\"",
        "ends \\",
    ] {
        let (status, r) = s.call(
            "PATCH",
            "claims/no-compromise",
            Some(json!({"version": s.version(), "summary": summary})),
        );
        assert_eq!(status, 200, "{r}");
        let text = s.claims();
        let doc = toml::de::DeTable::parse(&text).unwrap().into_inner();
        let claims = doc["claim"].get_ref().as_array().unwrap();
        let claim = claims
            .iter()
            .map(|c| c.get_ref().as_table().unwrap())
            .find(|c| c["id"].get_ref().as_str() == Some("no-compromise"))
            .unwrap();
        assert_eq!(claim["summary"].get_ref().as_str(), Some(summary), "{text}");
    }
}

#[cfg(unix)]
#[test]
fn api_writes_a_linked_claims_file_through_the_link_and_refuses_one_linked_out() {
    use std::os::unix::fs::symlink;
    let s = http::start();
    let content = s.dir.path().join("content");
    std::fs::create_dir_all(s.dir.path().join("shared")).unwrap();
    let real = s.dir.path().join("shared/claims.toml");
    std::fs::rename(content.join("claims.toml"), &real).unwrap();
    symlink("../shared/claims.toml", content.join("claims.toml")).unwrap();
    let (status, r) = s.call(
        "PATCH",
        "claims/no-compromise",
        Some(json!({"version": s.version(), "verdict": "disputed"})),
    );
    assert_eq!(status, 200, "{r}");
    assert!(
        std::fs::symlink_metadata(content.join("claims.toml"))
            .unwrap()
            .is_symlink()
    );
    assert!(
        std::fs::read_to_string(&real)
            .unwrap()
            .contains("verdict = 'disputed'")
    );

    // Linked out of the project: no read, no write.
    let outside = tempfile::tempdir().unwrap();
    let foreign = outside.path().join("claims.toml");
    std::fs::copy(&real, &foreign).unwrap();
    std::fs::remove_file(content.join("claims.toml")).unwrap();
    symlink(&foreign, content.join("claims.toml")).unwrap();
    let (status, r) = s.call("GET", "state", None);
    assert_eq!(status, 500, "{r}");
    assert!(
        r["error"]
            .as_str()
            .unwrap()
            .contains("outside the project folder"),
        "{r}"
    );
    let before = std::fs::read(&foreign).unwrap();
    let (status, _) = s.call(
        "PATCH",
        "claims/no-compromise",
        Some(json!({"version": "0", "verdict": "accurate"})),
    );
    assert_ne!(status, 200);
    assert_eq!(std::fs::read(&foreign).unwrap(), before);
}

#[test]
fn api_refuses_stale_writes_with_409_and_leaves_the_file() {
    let s = http::start();
    let seen = s.version();
    let path = s.dir.path().join("content/claims.toml");
    let mut text = s.claims();
    text.push_str("# a note added in an editor\n");
    std::fs::write(&path, &text).unwrap();
    for (method, endpoint, body) in [
        (
            "PATCH",
            "claims/no-compromise",
            json!({"version": seen, "verdict": "disputed"}),
        ),
        (
            "DELETE",
            "claims/meeting-lasted-five-hours/evidence/0",
            json!({"version": seen}),
        ),
        (
            "POST",
            "evidence",
            json!({"version": seen, "claim": "met-on-tuesday", "article": "paper-b",
                   "selection": s.selection("paper-b", "Putin met the envoys"), "stance": "supports"}),
        ),
        (
            "POST",
            "claims/met-on-tuesday/signoff",
            json!({"version": seen}),
        ),
    ] {
        let (status, r) = s.call(method, endpoint, Some(body));
        assert_eq!(status, 409, "{method} {endpoint}: {r}");
        assert!(r["error"].as_str().unwrap().contains("changed"), "{r}");
        assert_eq!(s.claims(), text, "{method} {endpoint} wrote");
    }
    // A selection made on a page of an older article is stale too.
    let (status, r) = s.call(
        "POST",
        "evidence",
        Some(
            json!({"version": s.version(), "claim": "met-on-tuesday", "article": "paper-b",
                    "selection": {"start": {"statement": "s-gone", "offset": 0},
                                  "end": {"statement": "s-gone", "offset": 3}, "text": "Put"},
                    "stance": "supports"}),
        ),
    );
    assert_eq!(status, 409, "{r}");
    assert_eq!(s.claims(), text);
}

#[test]
fn api_requires_the_token_and_the_previews_own_origin() {
    let s = http::start();
    let before = s.claims();
    let body = json!({"version": s.version(), "verdict": "disputed"}).to_string();
    let path = "/__crosscheck/review/api/claims/no-compromise";
    let own = format!("http://{}", s.host());
    let cases: Vec<(&str, Vec<(&str, String)>)> = vec![
        (
            "no token",
            vec![("Host", s.host()), ("Origin", own.clone())],
        ),
        (
            "wrong token",
            vec![
                ("Host", s.host()),
                ("Origin", own.clone()),
                ("X-Crosscheck-Token", "0".repeat(64)),
            ],
        ),
        (
            "foreign origin",
            vec![
                ("Host", s.host()),
                ("Origin", "http://evil.example".into()),
                ("X-Crosscheck-Token", s.token.clone()),
            ],
        ),
        (
            "origin on another port",
            vec![
                ("Host", s.host()),
                ("Origin", "http://127.0.0.1:1".into()),
                ("X-Crosscheck-Token", s.token.clone()),
            ],
        ),
        (
            "rebound host name",
            vec![
                ("Host", format!("evil.example:{}", s.addr.port())),
                ("X-Crosscheck-Token", s.token.clone()),
            ],
        ),
    ];
    for (what, headers) in cases {
        let (status, r) = s.raw("PATCH", path, &headers, body.as_bytes());
        assert_eq!(status, 403, "{what}: {r}");
        assert!(r["error"].is_string(), "{what}: {r}");
        let (status, _) = s.raw("GET", "/__crosscheck/review/api/state", &headers, b"");
        assert_eq!(status, 403, "{what} (GET)");
    }
    assert_eq!(s.claims(), before);
    // localhost is the preview too; a client without Origin (curl) works
    // with the token.
    let (status, r) = s.raw(
        "PATCH",
        path,
        &[
            ("Host", format!("localhost:{}", s.addr.port())),
            ("X-Crosscheck-Token", s.token.clone()),
        ],
        body.as_bytes(),
    );
    assert_eq!(status, 200, "{r}");
    // The script itself needs no token.
    let (status, js) = s.raw(
        "GET",
        "/__crosscheck/review/review.js",
        &[("Host", s.host())],
        b"",
    );
    assert_eq!(status, 200);
    assert!(js.as_str().unwrap().contains("X-Crosscheck-Token"));
}

#[test]
fn api_rejects_oversized_and_malformed_bodies_with_400() {
    let s = http::start();
    let before = s.claims();
    let version = s.version();
    let huge = json!({"version": version, "summary": "x".repeat(200_000)});
    let bad: Vec<(&str, &str, String)> = vec![
        ("oversized", "claims/no-compromise", huge.to_string()),
        (
            "not JSON",
            "claims/no-compromise",
            "{verdict: disputed".into(),
        ),
        (
            "unknown field",
            "claims/no-compromise",
            json!({"version": version, "verdict": "disputed", "evil": 1}).to_string(),
        ),
        (
            "unknown verdict",
            "claims/no-compromise",
            json!({"version": version, "verdict": "true-ish"}).to_string(),
        ),
        (
            "missing version",
            "claims/no-compromise",
            json!({"verdict": "disputed"}).to_string(),
        ),
        (
            "bad date",
            "claims/no-compromise/signoff",
            json!({"version": version, "date": "yesterday"}).to_string(),
        ),
    ];
    for (what, endpoint, body) in bad {
        let method = if endpoint.ends_with("signoff") {
            "POST"
        } else {
            "PATCH"
        };
        let (status, r) = s.raw(
            method,
            &format!("/__crosscheck/review/api/{endpoint}"),
            &[
                ("Host", s.host()),
                ("X-Crosscheck-Token", s.token.clone()),
                ("Content-Type", "application/json".into()),
            ],
            body.as_bytes(),
        );
        assert_eq!(status, 400, "{what}: {r}");
        assert!(!r["error"].as_str().unwrap().is_empty(), "{what}: {r}");
        assert_eq!(s.claims(), before, "{what} wrote");
    }
    let (status, r) = s.call(
        "POST",
        "evidence",
        Some(
            json!({"version": version, "claim": "met-on-tuesday", "article": "paper-b",
                    "selection": s.selection("paper-b", "Putin met"), "stance": "agrees"}),
        ),
    );
    assert_eq!(status, 400, "{r}");
    assert!(r["error"].as_str().unwrap().contains("stance"), "{r}");
    assert_eq!(s.claims(), before);
}

#[test]
fn api_sign_off_records_a_fingerprint_that_lapses_when_the_quoted_sentence_changes() {
    let s = http::start();
    let (_, state) = s.call("GET", "state", None);
    let claim = state["claims"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "meeting-lasted-five-hours")
        .unwrap()
        .clone();
    assert_eq!(claim["signoff"], "not-approved");
    let before = s.claims();
    let (status, r) = s.call(
        "POST",
        "claims/meeting-lasted-five-hours/signoff",
        Some(json!({"version": s.version(), "fingerprint": claim["fingerprint"], "date": "2026-11-21"})),
    );
    assert_eq!(status, 200, "{r}");
    let fp = r["fingerprint"].as_str().unwrap();
    assert_eq!(
        diff(&before, &s.claims()),
        [
            "-status = \"in-review\"",
            "+status = \"approved\"",
            "+reviewer = \"A. Reviewer\"",
            "+reviewed = 2026-11-21",
            &format!("+signoff = \"{fp}\""),
        ]
    );
    let state_of = |s: &http::Server| {
        let (_, state) = s.call("GET", "state", None);
        state["claims"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == "meeting-lasted-five-hours")
            .unwrap()["signoff"]
            .clone()
    };
    assert_eq!(state_of(&s), "current");
    let article = s.dir.path().join("content/articles/wire-a.md");
    replace_in_file(&article, "after midnight", "before midnight");
    assert_eq!(state_of(&s), "lapsed");
    let (_, diags) = support::compile_with(s.dir.path(), BuildOptions::default());
    assert!(
        diags
            .iter()
            .any(|d| d.message.contains("approved, changed since sign-off")),
        "{}",
        diags.render(false)
    );
    // A sign-off against what the page showed before the edit is refused.
    let (status, r) = s.call(
        "POST",
        "claims/meeting-lasted-five-hours/signoff",
        Some(json!({"version": s.version(), "fingerprint": fp})),
    );
    assert_eq!(status, 409, "{r}");
}

#[test]
fn api_suggestions_can_be_accepted_or_rejected_for_good() {
    let s = http::start();
    let (status, state) = s.call("GET", "state?article=paper-b", None);
    assert_eq!(status, 200, "{state}");
    let (wed, _) = s.statement("paper-b", "Putin met the envoys on Wednesday");
    let sugg = state["suggestions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["statement"] == wed.as_str())
        .unwrap_or_else(|| panic!("{state}"))
        .clone();
    assert!(
        sugg["claims"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["claim"] == "met-on-tuesday"),
        "{sugg}"
    );
    let before = s.claims();
    let (status, r) = s.call(
        "POST",
        "suggestions/reject",
        Some(json!({"article": "paper-b", "statement": wed, "claim": "met-on-tuesday"})),
    );
    assert_eq!(status, 200, "{r}");
    assert_eq!(
        s.claims(),
        before,
        "rejecting never touches the claims file"
    );
    let rejected =
        std::fs::read_to_string(s.dir.path().join("content/review/rejected.toml")).unwrap();
    assert!(
        rejected.contains("claim = \"met-on-tuesday\"\narticle = \"paper-b\"\nstatement = \"Putin met the envoys on Wednesday.\""),
        "{rejected}"
    );
    let (_, state) = s.call("GET", "state?article=paper-b", None);
    let still = state["suggestions"].as_array().unwrap().iter().any(|x| {
        x["statement"] == wed.as_str()
            && x["claims"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["claim"] == "met-on-tuesday")
    });
    assert!(!still, "{state}");
    // The loader does not read the rejected file as claims.
    let (_, diags) = support::compile_with(s.dir.path(), BuildOptions::default());
    assert!(!diags.has_errors(), "{}", diags.render(false));

    let (tue, _) = s.statement("wire-a", "Putin met the envoys on Tuesday");
    let (status, r) = s.call(
        "POST",
        "suggestions/accept",
        Some(
            json!({"version": s.version(), "article": "wire-a", "statement": tue,
                    "claim": "met-on-tuesday", "stance": "supports"}),
        ),
    );
    assert_eq!(status, 200, "{r}");
    assert_eq!(
        diff(&before, &s.claims()),
        [
            "+  [[claim.evidence]]",
            "+  article = \"wire-a\"",
            "+  quote = \"Putin met the envoys on Tuesday.\"",
            "+  stance = \"supports\"",
            "+",
        ]
    );
}

#[test]
fn api_creates_a_claim_from_a_selection() {
    let s = http::start();
    let before = s.claims();
    let (status, r) = s.call(
        "POST",
        "claims",
        Some(json!({
            "version": s.version(),
            "text": "The meeting lasted five minutes.",
            "evidence": {
                "article": "paper-b",
                "selection": s.selection("paper-b", "The meeting lasted five minutes"),
                "stance": "supports",
            },
        })),
    );
    assert_eq!(status, 200, "{r}");
    assert_eq!(r["id"], "the-meeting-lasted-five-minutes");
    assert_eq!(
        diff(&before, &s.claims()),
        [
            "+[[claim]]",
            "+id = \"the-meeting-lasted-five-minutes\"",
            "+text = \"The meeting lasted five minutes.\"",
            "+verdict = \"unverified\"",
            "+status = \"draft\"",
            "+",
            "+  [[claim.evidence]]",
            "+  article = \"paper-b\"",
            "+  quote = \"The meeting lasted five minutes\"",
            "+  stance = \"supports\"",
            "+",
        ]
    );
    let (status, r) = s.call(
        "POST",
        "claims",
        Some(json!({"version": s.version(), "text": "  "})),
    );
    assert_eq!(status, 400, "{r}");
}

#[test]
fn the_example_claims_file_parses_for_editing_and_round_trips() {
    let path = repo().join("content/claims.toml");
    let bytes = std::fs::read(&path).unwrap();
    let f = ClaimsFile::parse("content/claims.toml", bytes.clone()).unwrap();
    assert_eq!(f.to_bytes(), bytes);
    // Every claim the loader sees is one the editor sees.
    let (site, _) = support::compile_with(repo(), BuildOptions { drafts: true });
    assert_eq!(f.claim_ids().len(), site.unwrap().claims.len());
}

#[test]
fn a_lapsed_claim_page_says_so_when_published_with_drafts() {
    let dir = Project::fixture("review-project");
    let root = dir.path();
    sign_off(root, "meeting-lasted-five-hours");
    let article = root.join("content/articles/wire-a.md");
    replace_in_file(&article, "after midnight", "before midnight");
    let (site, _) = support::compile_with(root, BuildOptions { drafts: true });
    let site = site.unwrap();
    let renderer = crosscheck::render::Renderer::new(root).unwrap();
    let pages = crosscheck::render::render_site(&site, &renderer).unwrap();
    let page = pages
        .iter()
        .find(|p| p.path == "claims/meeting-lasted-five-hours/index.html")
        .unwrap();
    let html = String::from_utf8_lossy(&page.bytes);
    assert!(
        html.contains("Approved, changed since sign-off.")
            && html.contains("what changed since: 1 piece of evidence with a new stance or an edited quoted statement."),
        "{html}"
    );
    assert!(html.contains("A. Reviewer signed off this verdict on 2026-11-21"));
    assert!(!html.contains("Draft — not reviewed."));
}

#[test]
fn check_prints_consistency_warnings_and_review_progress() {
    let dir = Project::fixture("review-project");
    let out = support::crosscheck()
        .args(["check", "--root"])
        .arg(dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(
        stderr.contains("claim `met-on-tuesday` has no evidence"),
        "{stderr}"
    );
    assert!(
        stdout.contains(
            "claims: 0 approved, 0 lapsed (approved, changed since sign-off), 1 in review, 2 draft"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("unlinked statements per article:"),
        "{stdout}"
    );
}

#[test]
fn an_update_goes_after_the_claims_updates_or_before_its_evidence() {
    use crosscheck::review::NewUpdate;
    let up = |note: &str, before: Option<Verdict>| NewUpdate {
        date: "2026-12-07".into(),
        note: note.into(),
        verdict_before: before,
    };
    // No update yet: before the first evidence table, after the claim's
    // keys, in the style of its evidence; the evidence's comment stays
    // with the evidence.
    let text = claims_text();
    let mut f = file(&text);
    let i = f
        .add_update(
            "meeting-lasted-five-hours",
            &up("Five minutes was a typo.", Some(Verdict::Misleading)),
        )
        .unwrap();
    assert_eq!(i, 0);
    let new = edited(&f);
    assert_eq!(
        diff(&text, &new),
        [
            "+  [[claim.update]]",
            "+  date = 2026-12-07",
            "+  note = \"Five minutes was a typo.\"",
            "+  verdict_before = \"misleading\"",
            "+",
        ]
    );
    let at = new.find("[[claim.update]]").unwrap();
    assert!(at > new.find("status = \"in-review\"").unwrap());
    assert!(at < new.find("article = \"wire-a\"").unwrap());
    // A second one follows the first, before the evidence still.
    let mut g = file(&new);
    assert_eq!(
        g.add_update(
            "meeting-lasted-five-hours",
            &up("Second line\nof a note.", None)
        )
        .unwrap(),
        1
    );
    let newer = edited(&g);
    assert_eq!(
        diff(&new, &newer),
        [
            "+  [[claim.update]]",
            "+  date = 2026-12-07",
            "+  note = \"\"\"",
            "+Second line",
            "+of a note.\"\"\"",
            "+",
        ]
    );
    assert!(newer.find("Second line").unwrap() < newer.find("article = \"wire-a\"").unwrap());
    // Inline evidence: after the claim's keys.
    let mut h = file(&text);
    h.add_update("met-on-tuesday", &up("Checked again.", None))
        .unwrap();
    assert!(edited(&h).ends_with(
        "\tverdict = \"unverified\"\n\n  [[claim.update]]\n  date = 2026-12-07\n  note = \"Checked again.\"\n\n# end of claims\n"
    ), "{}", edited(&h));
    // The loader reads them, in order.
    let mut d = crosscheck::diag::Diagnostics::default();
    let src = crosscheck::diag::SourceFile::new("content/claims.toml", newer.clone());
    let claims = crosscheck::pipeline::content::parse_claims(&src, &mut d);
    assert!(!d.has_errors(), "{}", d.render(false));
    let notes: Vec<(&str, Option<Verdict>)> = claims[0]
        .updates
        .iter()
        .map(|u| (u.note.as_str(), u.verdict_before))
        .collect();
    assert_eq!(
        notes,
        [
            ("Five minutes was a typo.", Some(Verdict::Misleading)),
            ("Second line\nof a note.", None)
        ]
    );
    // An empty note or a bad date is refused, the file untouched.
    let mut f = file(&text);
    assert!(matches!(
        f.add_update("no-compromise", &up("  ", None)),
        Err(EditError::Invalid { field: "note", .. })
    ));
    assert!(matches!(
        f.add_update(
            "no-compromise",
            &NewUpdate {
                date: "tomorrow".into(),
                ..up("x", None)
            }
        ),
        Err(EditError::Invalid { field: "date", .. })
    ));
    assert_eq!(edited(&f), text);
}

#[test]
fn edits_of_the_examples_claims_touch_only_their_table_and_equal_whole_file_edits() {
    use crosscheck::review::NewUpdate;
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("content")).unwrap();
    let example = repo().join("content/claims.toml");
    let text = std::fs::read_to_string(&example).unwrap();
    std::fs::write(dir.path().join("content/claims.toml"), &text).unwrap();
    let files = ClaimsFiles::read(dir.path()).unwrap();
    let ids = file(&text).claim_ids();
    assert!(ids.len() > 40);
    for id in &ids {
        let edit = |f: &mut ClaimsFile| {
            f.add_update(
                id,
                &NewUpdate {
                    date: "2026-12-07".into(),
                    note: "Checked again.".into(),
                    verdict_before: None,
                },
            )
            .unwrap();
            f.add_evidence(id, &ev("a", "q", Stance::Mentions)).unwrap();
            f.set_field(id, Field::Summary(Some("New summary.".into())))
                .unwrap();
        };
        let mut whole = file(&text);
        edit(&mut whole);
        let mut part = files.file_of(id).unwrap();
        assert!(part.is_section(), "{id} edited with the whole file");
        assert!(part.original().len() < text.len() / 10);
        edit(&mut part);
        let spliced = {
            let at = text
                .find(std::str::from_utf8(part.original()).unwrap())
                .unwrap();
            let mut s = text[..at].to_string();
            s.push_str(std::str::from_utf8(&part.to_bytes()).unwrap());
            s.push_str(&text[at + part.original().len()..]);
            s
        };
        assert_eq!(spliced, edited(&whole), "{id}");
    }
}

/// A project of `n` short articles and `n / 2` claims quoting two of them
/// each: the benchmark corpus's shape, small texts.
fn big_project(n: usize) -> Project {
    let dir = Project::empty();
    let content = dir.path().join("content");
    std::fs::create_dir_all(content.join("articles")).unwrap();
    std::fs::write(content.join("site.toml"), "title = \"Big\"\n").unwrap();
    const PLACES: [&str; 8] = [
        "harbour",
        "airport",
        "border",
        "parliament",
        "factory",
        "station",
        "embassy",
        "market",
    ];
    const DAYS: [&str; 5] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"];
    let fact = |i: usize| {
        format!(
            "Officials closed the {} number {i} on {} after talks with delegation {}.",
            PLACES[i % 8],
            DAYS[i % 5],
            i / 3
        )
    };
    for i in 0..n {
        std::fs::write(
            content.join(format!("articles/a-{i:05}.md")),
            format!(
                "+++\ntitle = \"Report {i}\"\noutlet = \"Outlet {}\"\n+++\n{} Nobody was hurt in district {i}.\n",
                i % 40,
                fact(i)
            ),
        )
        .unwrap();
    }
    let mut claims = String::from("# Claims of the big project.\n");
    for c in 0..n / 2 {
        claims.push_str(&format!(
            "\n[[claim]]\nid = \"c-{c:05}\"\ntext = \"The {} number {} closed on {}.\"\nverdict = \"accurate\"\nstatus = \"in-review\"\n",
            PLACES[(2 * c) % 8],
            2 * c,
            DAYS[(2 * c) % 5]
        ));
        for a in [2 * c, 2 * c + 1] {
            claims.push_str(&format!(
                "\n  [[claim.evidence]]\n  article = \"a-{a:05}\"\n  quote = \"{}\"\n  stance = \"supports\"\n",
                fact(a)
            ));
        }
    }
    std::fs::write(content.join("claims.toml"), claims).unwrap();
    dir
}

/// Compiles the project and publishes it to `cell`, as serve's builder
/// does after each save.
fn publish(root: &Path, cell: &crosscheck::compiled::SiteCell) {
    let (site, diags) = support::compile_with(root, BuildOptions { drafts: true });
    assert!(!diags.has_errors(), "{}", diags.render(false));
    let version = ClaimsFiles::read(root).unwrap().version();
    cell.publish(Some(std::sync::Arc::new(site.unwrap())), Some(version));
}

#[test]
fn review_reads_and_writes_at_10k_articles_never_compile_the_site_from_disk() {
    let cell = crosscheck::compiled::SiteCell::new();
    let dir = big_project(10_000);
    let root = dir.path().to_path_buf();
    publish(&root, &cell);
    let s = http::start_in(dir, Some(cell.clone()));

    // The page's state and suggestions, and claims ranked for a selection.
    let (status, state) = s.call("GET", "state?article=a-00007&claims=cited", None);
    assert_eq!(status, 200, "{state}");
    assert_eq!(state["claim_count"], 5000);
    let cited: Vec<&str> = state["claims"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(cited, ["c-00003"]);
    let version = state["version"].as_str().unwrap().to_string();
    let passage = "closed the border number 18 on Thursday";
    let (status, ranked) = s.call(
        "POST",
        "rank",
        Some(json!({"article": "a-00018", "selection": s.selection("a-00018", passage)})),
    );
    assert_eq!(status, 200, "{ranked}");
    assert_eq!(ranked["quote"], passage);
    assert_eq!(ranked["claims"][0]["id"], "c-00009");
    assert_eq!(ranked["claims"][0]["linked"], true);
    let (status, all) = s.call("GET", "state", None);
    assert_eq!(status, 200);
    assert_eq!(all["claims"].as_array().unwrap().len(), 5000);

    // Writes, one after another, each against the version the last one
    // answered: evidence, a verdict, a removal, an accepted suggestion.
    let before = s.claims();
    let (status, r) = s.call(
        "POST",
        "evidence",
        Some(
            json!({"version": version, "claim": "c-00100", "article": "a-00018",
                    "selection": s.selection("a-00018", "Nobody was hurt in district 18."),
                    "stance": "mentions"}),
        ),
    );
    assert_eq!(status, 200, "{r}");
    assert_eq!(
        diff(&before, &s.claims()),
        [
            "+  [[claim.evidence]]",
            "+  article = \"a-00018\"",
            "+  quote = \"Nobody was hurt in district 18.\"",
            "+  stance = \"mentions\"",
            "+",
        ]
    );
    let version = r["version"].as_str().unwrap().to_string();
    assert_eq!(version, ClaimsFiles::read(s.dir.path()).unwrap().version());
    let (status, r) = s.call(
        "PATCH",
        "claims/c-04000",
        Some(json!({"version": version, "verdict": "misleading"})),
    );
    assert_eq!(status, 200, "{r}");
    let (status, r) = s.call(
        "DELETE",
        "claims/c-04001/evidence/1",
        Some(json!({"version": r["version"]})),
    );
    assert_eq!(status, 200, "{r}");
    let (status, r) = s.call(
        "POST",
        "suggestions/accept",
        Some(json!({"version": r["version"], "article": "a-00018",
                    "statement": s.statement("a-00018", "Officials closed").0,
                    "claim": "c-04002", "stance": "contradicts"})),
    );
    assert_eq!(status, 200, "{r}");
    let (status, _) = s.call(
        "POST",
        "suggestions/reject",
        Some(
            json!({"article": "a-00019", "statement": s.statement("a-00019", "Nobody").0,
                    "claim": "c-04003"}),
        ),
    );
    assert_eq!(status, 200);

    // Once the preview rebuilt: a new claim (checked against the others'
    // texts) and a sign-off.
    publish(s.dir.path(), &cell);
    let (status, r) = s.call(
        "POST",
        "claims",
        Some(json!({"version": r["version"], "text": "Talks with delegation 6 ended on Friday."})),
    );
    assert_eq!(status, 200, "{r}");
    let (status, r) = s.call(
        "POST",
        "claims/c-00009/signoff",
        Some(json!({"version": r["version"]})),
    );
    assert_eq!(status, 200, "{r}");
    assert!(s.claims().contains("reviewer = \"A. Reviewer\""));
    assert_eq!(
        cell.disk_compiles(),
        0,
        "the API compiled the site from disk"
    );
}

#[test]
fn without_a_current_site_the_api_compiles_from_disk_and_counts_it() {
    let cell = crosscheck::compiled::SiteCell::new();
    // The builder found no site to publish: reads compile for themselves.
    cell.publish(None, None);
    let s = http::start_in(Project::fixture("review-project"), Some(cell.clone()));
    let (status, _) = s.call("GET", "state", None);
    assert_eq!(status, 200);
    assert_eq!(cell.disk_compiles(), 1);
}

#[test]
fn the_api_on_its_own_reports_a_missing_project_folder_as_the_commands_do() {
    let dir = Project::empty();
    let missing = dir.path().join("gone");
    let cli = crosscheck(&missing, &["check"]);
    let cli = String::from_utf8_lossy(&cli.stderr);
    let s = http::start_at(dir, missing.clone(), None);
    let (status, body) = s.call("GET", "state", None);
    assert_eq!(status, 500, "{body}");
    // The reads that compile from disk open the project as every command
    // does, and say why it cannot be used in the same words.
    let error = body["error"].as_str().unwrap();
    let said = format!("cannot use project folder {}", missing.display());
    assert!(error.starts_with(&said), "{error}");
    assert!(cli.contains(error), "check says {cli:?}, the API {error:?}");
}

fn crosscheck(root: &Path, args: &[&str]) -> std::process::Output {
    support::crosscheck()
        .args(args)
        .arg("--root")
        .arg(root)
        .env_remove("CROSSCHECK_REVIEWER")
        .output()
        .unwrap()
}

#[test]
fn signoff_from_the_command_line_edits_only_the_claims_sign_off_lines() {
    let dir = Project::fixture("review-project");
    let path = dir.path().join("content/claims.toml");
    let before = std::fs::read_to_string(&path).unwrap();
    let out = crosscheck(
        dir.path(),
        &[
            "signoff",
            "meeting-lasted-five-hours",
            "--reviewer",
            "C. Li",
            "--date",
            "2026-12-07",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let after = std::fs::read_to_string(&path).unwrap();
    let changed = diff(&before, &after);
    assert_eq!(changed.len(), 5, "{changed:#?}");
    assert_eq!(changed[0], "-status = \"in-review\"");
    assert_eq!(changed[1], "+status = \"approved\"");
    assert_eq!(changed[2], "+reviewer = \"C. Li\"");
    assert_eq!(changed[3], "+reviewed = 2026-12-07");
    assert!(
        changed[4].starts_with("+signoff = \"v2:accurate:"),
        "{}",
        changed[4]
    );
    let (site, diags) = support::compile_with(dir.path(), BuildOptions { drafts: false });
    assert!(!diags.has_errors(), "{}", diags.render(false));
    let site = site.unwrap();
    let ci = site
        .claims
        .iter()
        .position(|c| c.id == "meeting-lasted-five-hours")
        .expect("published: approved, sign-off current");
    assert_eq!(site.signoff_state(ci), signoff::SignoffState::Current);

    // Run again: nothing to do.
    let out = crosscheck(
        dir.path(),
        &[
            "signoff",
            "--all-approved",
            "--reviewer",
            "C. Li",
            "--date",
            "2026-12-07",
        ],
    );
    assert!(out.status.success());
    assert_eq!(std::fs::read_to_string(&path).unwrap(), after);

    // The verdict changed in the editor: refused without a note, and
    // nothing written; with one, the update and the new sign-off only.
    replace_in_file(
        &path,
        "verdict   =   \"accurate\"",
        "verdict   =   \"misleading\"",
    );
    let edited = std::fs::read_to_string(&path).unwrap();
    let out = crosscheck(
        dir.path(),
        &["signoff", "--all-approved", "--reviewer", "C. Li"],
    );
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("claim `meeting-lasted-five-hours`: its verdict changed from accurate to misleading since it was signed off"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), edited);
    let out = crosscheck(
        dir.path(),
        &[
            "signoff",
            "--all-approved",
            "--reviewer",
            "C. Li",
            "--date",
            "2026-12-08",
            "--update",
            "Paper B's five minutes was a misprint.",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let resigned = std::fs::read_to_string(&path).unwrap();
    let changed = diff(&edited, &resigned);
    let removed: Vec<&String> = changed.iter().filter(|l| l.starts_with('-')).collect();
    let added: Vec<&String> = changed.iter().filter(|l| l.starts_with('+')).collect();
    assert_eq!(removed.len(), 2, "{changed:#?}");
    assert_eq!(removed[0], "-reviewed = 2026-12-07");
    assert!(removed[1].starts_with("-signoff = \"v2:accurate:"));
    assert_eq!(added[0], "+reviewed = 2026-12-08");
    assert!(added[1].starts_with("+signoff = \"v2:misleading:"));
    assert_eq!(
        added[2..].iter().map(|l| l.as_str()).collect::<Vec<_>>(),
        [
            "+",
            "+  [[claim.update]]",
            "+  date = 2026-12-08",
            "+  note = \"Paper B's five minutes was a misprint.\"",
            "+  verdict_before = \"accurate\"",
        ]
    );
    assert!(resigned.contains(
        "  [[claim.update]]\n  date = 2026-12-08\n  note = \"Paper B's five minutes was a misprint.\"\n  verdict_before = \"accurate\"\n"
    ));
    let (_, diags) = support::compile_with(dir.path(), BuildOptions { drafts: false });
    assert!(!diags.has_errors(), "{}", diags.render(false));
}

#[test]
fn api_a_signed_verdict_changes_only_with_an_update_note_and_the_lapse_says_what_changed() {
    let s = http::start();
    let claim = "meeting-lasted-five-hours";
    let state = |s: &http::Server| {
        let (status, st) = s.call("GET", &format!("state?claim={claim}&claims=cited"), None);
        assert_eq!(status, 200, "{st}");
        st
    };
    let st = state(&s);
    let (status, r) = s.call(
        "POST",
        &format!("claims/{claim}/signoff"),
        Some(json!({"version": st["version"], "fingerprint": st["claims"][0]["fingerprint"]})),
    );
    assert_eq!(status, 200, "{r}");
    // A new verdict without a note is refused, saying why; the file stays.
    let before = s.claims();
    let (status, r) = s.call(
        "PATCH",
        &format!("claims/{claim}"),
        Some(json!({"version": r["version"], "verdict": "mostly-accurate"})),
    );
    assert_eq!(status, 400, "{r}");
    assert!(
        r["error"]
            .as_str()
            .unwrap()
            .contains("was signed off as accurate"),
        "{r}"
    );
    assert_eq!(s.claims(), before);
    let (status, r) = s.call(
        "PATCH",
        &format!("claims/{claim}"),
        Some(json!({"version": s.version(), "verdict": "mostly-accurate",
                    "update": "About five hours, not exactly five."})),
    );
    assert_eq!(status, 200, "{r}");
    let changed = diff(&before, &s.claims());
    assert!(
        changed.contains(&"+verdict   =   \"mostly-accurate\"".to_string()),
        "{changed:#?}"
    );
    assert!(
        changed.contains(&"+  verdict_before = \"accurate\"".to_string()),
        "{changed:#?}"
    );
    // The lapse names the verdict.
    let st = state(&s);
    let c = &st["claims"][0];
    assert_eq!(c["signoff"], "lapsed");
    assert_eq!(c["changes"][0]["kind"], "verdict");
    assert_eq!(c["changes"][0]["from"], "accurate");
    assert_eq!(c["changes"][0]["to"], "mostly-accurate");
    assert_eq!(c["needs_update_note"], false, "the update records it");
    // Signing off again needs no other note now.
    let (status, r) = s.call(
        "POST",
        &format!("claims/{claim}/signoff"),
        Some(json!({"version": st["version"], "fingerprint": c["fingerprint"]})),
    );
    assert_eq!(status, 200, "{r}");
    assert_eq!(state(&s)["claims"][0]["signoff"], "current");

    // Changed in the editor with no update: re-signing asks for the note.
    replace_in_file(
        &s.dir.path().join("content/claims.toml"),
        "\"mostly-accurate\"",
        "\"misleading\"",
    );
    let st = state(&s);
    assert_eq!(st["claims"][0]["needs_update_note"], true);
    let (status, r) = s.call(
        "POST",
        &format!("claims/{claim}/signoff"),
        Some(json!({"version": st["version"]})),
    );
    assert_eq!(status, 400, "{r}");
    assert!(
        r["error"]
            .as_str()
            .unwrap()
            .contains("say why in an update note"),
        "{r}"
    );
    let (status, r) = s.call(
        "POST",
        &format!("claims/{claim}/signoff"),
        Some(json!({"version": st["version"], "update": "Misleading after all."})),
    );
    assert_eq!(status, 200, "{r}");
    assert!(
        s.claims().contains(
            "  note = \"Misleading after all.\"\n  verdict_before = \"mostly-accurate\"\n"
        )
    );
}

#[test]
fn api_a_new_claim_saying_what_one_says_asks_first() {
    let s = http::start();
    let before = s.claims();
    let (status, r) = s.call(
        "POST",
        "claims",
        Some(json!({"version": s.version(), "text": "the meeting lasted about FIVE hours"})),
    );
    assert_eq!(status, 422, "{r}");
    assert_eq!(r["similar"][0]["id"], "meeting-lasted-five-hours");
    assert!(
        r["error"]
            .as_str()
            .unwrap()
            .starts_with("A claim already says this"),
        "{r}"
    );
    assert_eq!(s.claims(), before);
    let (status, r) = s.call(
        "POST",
        "claims",
        Some(
            json!({"version": s.version(), "text": "the meeting lasted about FIVE hours",
                    "allow_similar": true}),
        ),
    );
    assert_eq!(status, 200, "{r}");
    assert_eq!(r["id"], "the-meeting-lasted-about-five-hours");
}

#[test]
fn api_ranks_claims_for_a_selection_and_saves_a_mid_word_selection_as_whole_words() {
    let s = http::start();
    let (id, text) = s.statement("paper-b", "Putin met the envoys");
    // "utin met the envoys on Wedn": cut at both ends.
    let start = text.find("utin").unwrap();
    let end = text.find("esday").unwrap();
    let sel = json!({
        "start": {"statement": id, "offset": start},
        "end": {"statement": id, "offset": end},
        "text": &text[start..end],
    });
    let (status, r) = s.call(
        "POST",
        "rank",
        Some(json!({"article": "paper-b", "selection": sel})),
    );
    assert_eq!(status, 200, "{r}");
    assert_eq!(r["quote"], "Putin met the envoys on Wednesday");
    assert_eq!(r["claims"][0]["id"], "met-on-tuesday");
    assert!(r["claims"][0]["score"].as_f64().unwrap() > 0.3, "{r}");
    let (status, r) = s.call(
        "POST",
        "evidence",
        Some(
            json!({"version": s.version(), "claim": "met-on-tuesday", "article": "paper-b",
                    "selection": sel, "stance": "contradicts"}),
        ),
    );
    assert_eq!(status, 200, "{r}");
    assert!(
        s.claims()
            .contains("quote = \"Putin met the envoys on Wednesday\"")
    );
    // Typed words narrow the list to the claims holding them.
    let (status, r) = s.call(
        "POST",
        "rank",
        Some(json!({"article": "paper-b", "statement": id, "filter": "compromise"})),
    );
    assert_eq!(status, 200, "{r}");
    let ids: Vec<&str> = r["claims"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["no-compromise"]);
}
