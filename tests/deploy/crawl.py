#!/usr/bin/env python3
"""Follows every link of a crosscheck site served over HTTP, once.

Usage: crawl.py START_URL [SITE_DIR]

Starting from START_URL (the site's root, e.g. http://127.0.0.1:8080/sub/),
fetches every page and every internal href/src (and each page's absolute
og:image, twitter:image and oEmbed addresses) once, and checks:

- every internal address answers 200 (a folder asked for without its slash
  may redirect once, to the same address with the slash);
- every #fragment of a link exists as an id on the page it leads to;
- HTML, JSON, JSON-LD, XML, CSS, JavaScript, SVG and PNG come with their
  content types, and the big JSON files are served compressed to a client
  that accepts gzip;
- an address that does not exist answers 404 with the site's own 404 page,
  whose links work too;
- with SITE_DIR, every file of the built site was reached by some link,
  except those no page links to by design (listed below).

Internal means: same scheme, host and port, and under START_URL's path.
Prints one line per problem and ends with "deploy: N passed, M failed".
Bounded: at most 20,000 requests, each with a 10 s time-out.
"""

import gzip
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser

MAX_REQUESTS = 20000
TIMEOUT = 10

CONTENT_TYPES = {
    ".html": "text/html",
    ".json": "application/json",
    ".jsonld": "application/ld+json",
    ".xml": ("text/xml", "application/xml"),
    ".css": "text/css",
    ".js": ("application/javascript", "text/javascript"),
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".txt": "text/plain",
}

# The big JSON files. annotations.jsonld itself is only the collection's
# head, a few hundred bytes, under nginx's gzip_min_length: its pages are
# what is large.
COMPRESSED = ("data.json", "search-index.json", "annotations/1.jsonld")

# How the annotation collection and its pages lead to each other.
JSON_LD_LINKS = ("first", "next", "prev", "last", "partOf")

# Files a build writes that no page links to: found by other means
# (robots.txt and the sitemap by crawlers, the search index by search.js,
# the statements' JSON through data.json's statements_url).
# .crosscheck-manifest is the build's record of its files, for the next
# build; harmless to publish (README, build).
UNLINKED = ("robots.txt", "sitemap.xml", "search-index.json", ".crosscheck-manifest")
UNLINKED_SUFFIXES = ("/data.json",)


class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links = []
        self.ids = set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a" and "name" in a:
            self.ids.add(a["name"])
        for key in ("href", "src"):
            if a.get(key):
                self.links.append(a[key])
        if tag == "meta" and a.get("content", "").startswith("http") and (
            a.get("property") in ("og:image", "og:url")
            or a.get("name") == "twitter:image"
        ):
            self.links.append(a["content"])


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def fetch(url, gzip_ok=False):
    req = urllib.request.Request(url)
    if gzip_ok:
        req.add_header("Accept-Encoding", "gzip")
    try:
        with OPENER.open(req, timeout=TIMEOUT) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def main():
    start = sys.argv[1]
    site_dir = sys.argv[2] if len(sys.argv) > 2 else None
    root = urllib.parse.urlsplit(start)
    passed = 0
    failed = []

    def fail(msg):
        failed.append(msg)
        print("FAIL " + msg)

    def internal(url):
        u = urllib.parse.urlsplit(url)
        return (u.scheme, u.netloc) == (root.scheme, root.netloc) and u.path.startswith(
            root.path
        )

    seen = {}
    wanted = [(start, "(start)")]
    fragments = []
    requests = 0
    while wanted:
        url, source = wanted.pop()
        if url in seen:
            continue
        requests += 1
        if requests > MAX_REQUESTS:
            fail(f"more than {MAX_REQUESTS} addresses: stopped")
            break
        status, headers, body = fetch(url)
        if status in (301, 302) and not url.endswith("/"):
            location = urllib.parse.urljoin(url, headers.get("Location", ""))
            if location != url + "/":
                fail(f"{url} (linked from {source}) redirects to {location}")
                seen[url] = set()
                continue
            passed += 1
            seen[url] = set()
            wanted.append((location, source))
            continue
        if status != 200:
            fail(f"{url} (linked from {source}) answered {status}")
            seen[url] = set()
            continue
        passed += 1
        path = urllib.parse.urlsplit(url).path
        name = path if not path.endswith("/") else path + "index.html"
        ext = os.path.splitext(name)[1]
        ctype = headers.get("Content-Type", "").split(";")[0].strip()
        expected = CONTENT_TYPES.get(ext)
        if expected is not None:
            expected = (expected,) if isinstance(expected, str) else expected
            if ctype not in expected:
                fail(f"{url}: Content-Type {ctype!r}, expected {' or '.join(expected)}")
            else:
                passed += 1
        ids = set()
        if ctype == "text/html":
            page = Page()
            page.feed(body.decode("utf-8"))
            ids = page.ids
            for link in page.links:
                target = urllib.parse.urljoin(url, link)
                target, _, fragment = target.partition("#")
                if not internal(target):
                    continue
                if fragment:
                    fragments.append((target, fragment, url))
                if target not in seen:
                    wanted.append((target, url))
        elif ctype == "application/ld+json":
            try:
                doc = json.loads(body)
            except ValueError as e:
                fail(f"{url} is not JSON: {e}")
                doc = {}
            for key in JSON_LD_LINKS:
                link = doc.get(key) if isinstance(doc, dict) else None
                if isinstance(link, str):
                    target = urllib.parse.urljoin(url, link)
                    if not internal(target):
                        fail(f"{url}: {key} {link} leads outside the site")
                    elif target not in seen:
                        wanted.append((target, url))
        seen[url] = ids

    for target, fragment, source in fragments:
        ids = seen.get(target)
        if ids is None:
            continue
        if not ids and not target.endswith("/") and not target.endswith(".html"):
            continue
        if fragment not in ids:
            fail(f"{source} links to {target}#{fragment}: no such id")
        else:
            passed += 1

    for name in COMPRESSED:
        url = urllib.parse.urljoin(start, name)
        status, headers, body = fetch(url, gzip_ok=True)
        if status != 200:
            continue  # reported by the crawl if linked; not every site has all
        if headers.get("Content-Encoding") != "gzip":
            fail(f"{url} is not served gzip-compressed to a client that accepts it")
            continue
        try:
            gzip.decompress(body)
            passed += 1
        except OSError as e:
            fail(f"{url}: the gzip body does not decompress: {e}")

    missing = urllib.parse.urljoin(start, "no/such/page/")
    status, headers, body = fetch(missing)
    text = body.decode("utf-8", "replace")
    if status != 404:
        fail(f"{missing} answered {status}, expected 404")
    elif "Page not found" not in text:
        fail(f"{missing}: 404 without the site's 404 page")
    else:
        passed += 1
        seen[urllib.parse.urljoin(start, "404.html")] = set()
        page = Page()
        page.feed(text)
        for link in page.links:
            target, _, fragment = urllib.parse.urljoin(missing, link).partition("#")
            if target == missing:
                # The skip link: a fragment of the 404 page itself.
                if fragment in page.ids:
                    passed += 1
                else:
                    fail(f"the 404 page's link {link}: no such id")
            elif internal(target) and fetch(target)[0] != 200:
                fail(f"the 404 page's link {link} does not resolve")
            elif internal(target):
                passed += 1

    if site_dir:
        reached = set()
        for url in seen:
            path = urllib.parse.urlsplit(url).path[len(root.path):]
            reached.add(path + "index.html" if path.endswith("/") or path == "" else path)
        for dirpath, _, files in os.walk(site_dir):
            for f in files:
                rel = os.path.relpath(os.path.join(dirpath, f), site_dir).replace(os.sep, "/")
                if rel in reached or rel in UNLINKED or rel.endswith(UNLINKED_SUFFIXES):
                    continue
                fail(f"{rel} is in the site but no link leads to it")

    print(f"crawled {len(seen)} addresses under {start}")
    print(f"deploy: {passed} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
