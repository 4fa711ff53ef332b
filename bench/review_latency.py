#!/usr/bin/env python3
"""Latency of the review API of `crosscheck serve --review` at newsroom scale.

Usage:
    nice -n 19 python3 bench/review_latency.py [--bin target/release/crosscheck]
        [--articles 10000] [--corpus DIR] [--runs 15]

Generates the benchmark corpus (../shared/bench/gen_corpus.py, or --corpus
DIR: a project to copy), starts `serve --review` on a copy of it, waits for
the first build, then measures each endpoint over --runs requests, one at a
time, on a new connection each (as the panel's fetches are):

- reads: `state` (every claim), `state?article=ID` (the page's suggestions,
  every claim), `state?article=ID&claims=cited` (what the panel loads),
  `rank` for a selection (a whole statement) and for a selection with a
  typed filter;
- writes: evidence from a selection, a claim's summary (PATCH), a removal
  (DELETE), a new claim, a sign-off, an accepted suggestion, a rejected one.
  Each write is made against the version the previous one answered, and the
  next request waits until the preview has rebuilt (serve prints a line per
  rebuild) and the API reports the new version: a reviewer's page reloads
  after each write the same way. Only the write itself is timed.

Prints p50, p90 and max in milliseconds as a Markdown table (for
BENCHMARKS.md), and the serve process's peak resident memory. Standard
library only.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GEN = os.path.join(os.path.dirname(REPO), "shared", "bench", "gen_corpus.py")


def percentile(values, p):
    """Nearest-rank percentile."""
    s = sorted(values)
    k = max(0, min(len(s) - 1, int(round(p / 100.0 * len(s) + 0.5)) - 1))
    return s[k]


class Serve:
    def __init__(self, binary, root):
        self.proc = subprocess.Popen(
            [binary, "serve", "--root", root, "--port", "0", "--review", "--reviewer", "Bench"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=dict(os.environ, NO_COLOR="1"),
        )
        self.lines = []
        self.lock = threading.Lock()
        threading.Thread(target=self._pump, daemon=True).start()
        self.url = None
        deadline = time.time() + 120
        while self.url is None:
            m = re.search(r"(http://127\.0\.0\.1:\d+)/", self.output())
            if m:
                self.url = m.group(1)
            elif self.proc.poll() is not None or time.time() > deadline:
                sys.exit("serve did not start:\n" + self.output())
            time.sleep(0.05)

    def _pump(self):
        for line in iter(self.proc.stdout.readline, b""):
            with self.lock:
                self.lines.append(line.decode("utf-8", "replace"))

    def output(self):
        with self.lock:
            return "".join(self.lines)

    def builds(self):
        """Lines serve printed for finished builds."""
        with self.lock:
            return sum(1 for l in self.lines if re.search(r"\b(built|rebuilt|rebuild failed|build failed)\b", l))

    def peak_rss_mb(self):
        with open("/proc/%d/status" % self.proc.pid) as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
        return float("nan")

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


class Api:
    def __init__(self, url, token):
        self.url = url
        self.host = url.split("//", 1)[1]
        self.token = token

    def call(self, method, endpoint, body=None):
        """(status, JSON, seconds)."""
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(
            "%s/__crosscheck/review/api/%s" % (self.url, endpoint),
            data=data,
            method=method,
            headers={
                "X-Crosscheck-Token": self.token,
                "Content-Type": "application/json",
                "Origin": "http://" + self.host,
                "Connection": "close",
            },
        )
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(req, timeout=600) as r:
                raw = r.read()
                status = r.status
        except urllib.error.HTTPError as e:
            raw = e.read()
            status = e.code
        took = time.perf_counter() - started
        try:
            return status, json.loads(raw), took
        except ValueError:
            return status, raw.decode("utf-8", "replace"), took


def fetch(url):
    with urllib.request.urlopen(url, timeout=600) as r:
        return r.read().decode("utf-8", "replace")


def utf16_len(s):
    return len(s.encode("utf-16-le")) // 2


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=os.path.join(REPO, "target", "release", "crosscheck"))
    ap.add_argument("--articles", type=int, default=10000)
    ap.add_argument("--corpus", help="a project to copy instead of generating one")
    ap.add_argument("--runs", type=int, default=15)
    args = ap.parse_args()

    work = tempfile.mkdtemp(prefix="crosscheck-review-bench-")
    root = os.path.join(work, "project")
    try:
        if args.corpus:
            shutil.copytree(args.corpus, root)
        else:
            subprocess.run([sys.executable, GEN, "--articles", str(args.articles), "--out", root],
                           check=True, stdout=subprocess.DEVNULL)
        serve = Serve(args.bin, root)
        try:
            run(serve, root, args)
        finally:
            serve.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run(serve, root, args):
    started = time.time()
    while serve.builds() == 0:
        if serve.proc.poll() is not None:
            sys.exit("serve stopped:\n" + serve.output())
        time.sleep(0.2)
    first_build = time.time() - started
    articles = sorted(f[:-3] for f in os.listdir(os.path.join(root, "content", "articles")) if f.endswith(".md"))
    page = fetch("%s/articles/%s/" % (serve.url, articles[0]))
    token = re.search(r'data-crosscheck-token="([0-9a-f]+)"', page).group(1)
    api = Api(serve.url, token)

    def statements(article):
        data = json.loads(fetch("%s/articles/%s/data.json" % (serve.url, article)))
        return data["statements"]

    def whole(st):
        return {"start": {"statement": st["id"], "offset": 0},
                "end": {"statement": st["id"], "offset": utf16_len(st["text"])},
                "text": st["text"]}

    # Warm up: the first ranking builds the term statistics.
    t0 = time.time()
    status, state, _ = api.call("GET", "state?article=%s&claims=cited" % articles[1])
    assert status == 200, state
    warm = time.time() - t0
    version = state["version"]

    results = []

    def measure(name, fn, runs=args.runs):
        times = []
        for i in range(runs):
            status, body, took = fn(i)
            if status != 200:
                sys.exit("%s answered %s: %s" % (name, status, body))
            times.append(took * 1000)
        results.append((name, percentile(times, 50), percentile(times, 90), max(times)))
        print("%-44s p50 %7.1f ms  p90 %7.1f ms" % (name, results[-1][1], results[-1][2]), file=sys.stderr)

    picks = articles[2:2 + args.runs]
    measure("GET state (every claim)", lambda i: api.call("GET", "state"))
    measure("GET state?article=ID (suggestions, every claim)",
            lambda i: api.call("GET", "state?article=%s" % picks[i]))
    measure("GET state?article=ID&claims=cited (the panel)",
            lambda i: api.call("GET", "state?article=%s&claims=cited" % picks[i]))
    sts = {a: statements(a) for a in picks}
    measure("POST rank (a selection)",
            lambda i: api.call("POST", "rank", {"article": picks[i], "selection": whole(sts[picks[i]][3])}))
    measure("POST rank (a selection, filtered)",
            lambda i: api.call("POST", "rank", {"article": picks[i], "selection": whole(sts[picks[i]][3]),
                                                "filter": "talks"}))

    # Writes, each on the version the last one answered, each after the
    # preview rebuilt.
    claims_text = open(os.path.join(root, "content", "claims.toml"), encoding="utf-8").read()
    claim_ids = re.findall(r'^id = "([^"]+)"', claims_text, re.M)
    state_box = {"version": version}

    def write(method, endpoint, body_of):
        def one(i):
            before = serve.builds()
            status, body, took = api.call(method, endpoint(i) if callable(endpoint) else endpoint,
                                          body_of(i, state_box["version"]))
            if status == 200 and isinstance(body, dict) and "version" in body:
                # Not timed: the rebuild the write causes, as the page waits
                # for it to reload.
                deadline = time.time() + 600
                while time.time() < deadline:
                    if serve.builds() > before:
                        s, st, _ = api.call("GET", "state?claims=none")
                        if s == 200 and st["version"] == body["version"]:
                            break
                    time.sleep(0.1)
                state_box["version"] = body["version"]
            return status, body, took
        return one

    targets = claim_ids[100:100 + args.runs]
    measure("POST evidence", write("POST", "evidence", lambda i, v: {
        "version": v, "claim": targets[i], "article": picks[i], "selection": whole(sts[picks[i]][5]),
        "stance": "mentions", "note": "Bench."}))
    measure("PATCH claims/ID (summary)", write("PATCH", lambda i: "claims/%s" % targets[i], lambda i, v: {
        "version": v, "summary": "Checked again by the benchmark, round %d." % i}))
    measure("DELETE claims/ID/evidence/N", write("DELETE", lambda i: "claims/%s/evidence/0" % targets[i],
                                                 lambda i, v: {"version": v}))
    measure("POST claims (new claim with evidence)", write("POST", "claims", lambda i, v: {
        "version": v, "text": "Benchmark claim number %d about the harbour." % i, "allow_similar": True,
        "evidence": {"article": picks[i], "selection": whole(sts[picks[i]][6]), "stance": "supports"}}))
    measure("POST claims/ID/signoff", write("POST", lambda i: "claims/%s/signoff" % claim_ids[300 + i],
                                            lambda i, v: {"version": v}))
    measure("POST suggestions/accept", write("POST", "suggestions/accept", lambda i, v: {
        "version": v, "article": picks[i], "statement": sts[picks[i]][7]["id"],
        "claim": claim_ids[400 + i], "stance": "mentions"}))
    measure("POST suggestions/reject", write("POST", "suggestions/reject", lambda i, v: {
        "article": picks[i], "statement": sts[picks[i]][8]["id"], "claim": claim_ids[500 + i]}))

    print()
    print("%d articles; first build %.1f s; term statistics built in %.1f s; serve peak RSS %.0f MB; %d runs each"
          % (len(articles), first_build, warm, serve.peak_rss_mb(), args.runs))
    print()
    print("| request | p50 | p90 | max |")
    print("| --- | ---: | ---: | ---: |")
    for name, p50, p90, mx in results:
        print("| %s | %.1f ms | %.1f ms | %.1f ms |" % (name.replace("|", "\\|"), p50, p90, mx))


if __name__ == "__main__":
    main()
