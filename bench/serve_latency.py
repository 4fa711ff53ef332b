#!/usr/bin/env python3
"""Save-to-reload latency of `crosscheck serve`.

Usage:
    python3 bench/serve_latency.py --corpus /tmp/c10k [--edits 25] [--bin PATH]

The corpus is one made by ../shared/bench/gen_corpus.py (e.g.
`python3 /work/shared/bench/gen_corpus.py --articles 10000 --out /tmp/c10k`);
it is copied to a temp folder first and never modified.

What it measures, for three kinds of edit (an article body, one claim in
claims.toml, a template), each repeated --edits times:

* reload: from just before the file is written to the moment the `reload`
  event arrives at a connected server-sent-events client (what an open
  browser tab waits for);
* complete: from the same start until a request for data.json (HEAD) is
  answered, which serve holds until every file of the rebuild, index.html
  and data.json included, is in place.

Every edit changes what pages show, and is checked to appear on the page
after the reload. Edits wait for the previous rebuild to complete, so they
never overlap. It also times one full `crosscheck build --drafts` of the same
copy, and reports serve's own first build, for comparison.

Standard library only. Prints a Markdown section for BENCHMARKS.md.
"""

import argparse
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def percentile(values, p):
    """Nearest-rank percentile."""
    s = sorted(values)
    k = max(0, min(len(s) - 1, int(round(p / 100.0 * len(s) + 0.5)) - 1))
    return s[k]


class Serve:
    def __init__(self, binary, root):
        self.proc = subprocess.Popen(
            [binary, "serve", "--root", root, "--port", "0"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=dict(os.environ, NO_COLOR="1"),
        )
        self.lines = []
        self.lock = threading.Lock()
        threading.Thread(target=self._pump, daemon=True).start()
        self.port = None
        deadline = time.time() + 60
        while self.port is None:
            m = re.search(r"http://127\.0\.0\.1:(\d+)/", self.output())
            if m:
                self.port = int(m.group(1))
            elif self.proc.poll() is not None or time.time() > deadline:
                sys.exit("serve did not start:\n" + self.output())
            time.sleep(0.02)

    def _pump(self):
        for line in iter(self.proc.stdout.readline, b""):
            with self.lock:
                self.lines.append(line.decode("utf-8", "replace"))

    def output(self):
        with self.lock:
            return "".join(self.lines)

    def wait_for_line(self, pattern, timeout):
        deadline = time.time() + timeout
        while time.time() < deadline:
            m = re.search(pattern, self.output())
            if m:
                return m
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        sys.exit("serve never printed %r:\n%s" % (pattern, self.output()[-5000:]))

    def get(self, path, timeout=600, method="GET"):
        s = socket.create_connection(("127.0.0.1", self.port), timeout=timeout)
        s.sendall(("%s %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n" % (method, path)).encode())
        chunks = []
        while True:
            c = s.recv(1 << 16)
            if not c:
                break
            chunks.append(c)
        s.close()
        data = b"".join(chunks)
        head, _, body = data.partition(b"\r\n\r\n")
        return int(head.split(b" ")[1]), body

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


class Events:
    """A server-sent-events client over a raw socket."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.sendall(
            b"GET /__crosscheck/events HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n"
        )
        self.raw = b""
        self.text = ""
        while b"\r\n\r\n" not in self.raw:
            self.raw += self.sock.recv(4096)
        head, _, self.raw = self.raw.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 200"), head
        # The first event may have come in the same read as the head.
        self._dechunk()

    def _dechunk(self):
        while True:
            eol = self.raw.find(b"\r\n")
            if eol < 0:
                return
            size = int(self.raw[:eol].split(b";")[0], 16)
            if len(self.raw) < eol + 2 + size + 2:
                return
            self.text += self.raw[eol + 2 : eol + 2 + size].decode("utf-8", "replace")
            self.raw = self.raw[eol + 2 + size + 2 :]

    def next(self, timeout):
        """(event, data), or None on timeout."""
        deadline = time.perf_counter() + timeout
        while True:
            end = self.text.find("\n\n")
            if end >= 0:
                block, self.text = self.text[:end], self.text[end + 2 :]
                name, data = "message", []
                for line in block.split("\n"):
                    if line.startswith("event:"):
                        name = line[6:].strip()
                    elif line.startswith("data:"):
                        data.append(line[5:].strip())
                if data:
                    return name, "\n".join(data)
                continue
            left = deadline - time.perf_counter()
            if left <= 0:
                return None
            self.sock.settimeout(left)
            try:
                c = self.sock.recv(1 << 16)
            except socket.timeout:
                return None
            if not c:
                return None
            self.raw += c
            self._dechunk()


def write(path, text):
    # As a plain editor save: truncate and write in place.
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def measure(serve, events, edit, check_path, check_text, label, i):
    t0 = time.perf_counter()
    edit()
    ev = events.next(600)
    t1 = time.perf_counter()
    if ev is None or ev[0] != "reload":
        sys.exit("%s %d: no reload (%r)\n%s" % (label, i, ev, serve.output()[-3000:]))
    # data.json is rendered last; serve holds requests for it until then.
    serve.get("/data.json", method="HEAD")
    t2 = time.perf_counter()
    status, body = serve.get(check_path)
    if status != 200 or check_text.encode() not in body:
        sys.exit("%s %d: %s does not show %r (status %d)" % (label, i, check_path, check_text, status))
    if b"crosscheck-error-overlay" in body:
        sys.exit("%s %d: the edit broke the build:\n%s" % (label, i, serve.output()[-3000:]))
    return (t1 - t0) * 1000.0, (t2 - t0) * 1000.0


def machine():
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return "%s, %d CPUs (`nproc`), %s; load average %.1f at start" % (
        cpu,
        os.cpu_count() or 0,
        platform.system(),
        load,
    )


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", required=True, help="a folder made by gen_corpus.py")
    ap.add_argument("--edits", type=int, default=25, help="edits per kind (at least 20 for p95)")
    ap.add_argument("--bin", default=os.path.join(REPO, "target", "release", "crosscheck"))
    ap.add_argument("--kinds", default="article,claim,template")
    args = ap.parse_args()

    work = tempfile.mkdtemp(prefix="crosscheck-serve-bench-")
    root = os.path.join(work, "project")
    shutil.copytree(args.corpus, root, ignore=shutil.ignore_patterns("hugo", "zola", "mdbook", "site"))
    # A private copy of the binary: the work tree may be rebuilt meanwhile.
    binary = os.path.join(work, "crosscheck")
    shutil.copy2(args.bin, binary)
    articles_dir = os.path.join(root, "content", "articles")
    articles = sorted(f for f in os.listdir(articles_dir) if f.endswith(".md"))
    claims_path = os.path.join(root, "content", "claims.toml")
    print("corpus: %d articles; machine: %s" % (len(articles), machine()), file=sys.stderr)

    t = time.perf_counter()
    subprocess.run(
        [binary, "build", "--drafts", "--root", root, "--out", os.path.join(work, "out")],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    full_build = time.perf_counter() - t
    shutil.rmtree(os.path.join(work, "out"), ignore_errors=True)
    print("full build --drafts: %.2f s" % full_build, file=sys.stderr)

    serve = Serve(binary, root)
    first = serve.wait_for_line(r"built \d+ files .* in ([\d.]+) (ms|s)\b", 1800)
    first_build = float(first.group(1)) * (0.001 if first.group(2) == "ms" else 1.0)
    print("serve first build: %.2f s" % first_build, file=sys.stderr)
    events = Events(serve.port)
    hello = events.next(60)
    assert hello and hello[0] == "hello", hello

    results = {}
    kinds = args.kinds.split(",")
    if "article" in kinds:
        rows = []
        for i in range(args.edits):
            name = articles[(i * 397) % len(articles)]
            path = os.path.join(articles_dir, name)
            marker = "Benchmark edit number %d." % i
            text = open(path, encoding="utf-8").read().rstrip("\n") + "\n\n" + marker + "\n"
            rows.append(
                measure(serve, events, lambda: write(path, text), "/articles/%s/" % name[:-3], marker, "article", i)
            )
        results["article body"] = rows
    if "claim" in kinds:
        rows = []
        original = open(claims_path, encoding="utf-8").read()
        starts = [m.start() for m in re.finditer(r'^text = "', original, re.M)]
        ids = re.findall(r'^id = "([^"]+)"', original, re.M)
        assert len(starts) == len(ids)
        current = original
        for i in range(args.edits):
            k = (i * 211) % len(starts)
            marker = "[rev %d] " % i
            # Offsets shift as markers are added: find the k-th text line again.
            pos = [m.start() for m in re.finditer(r'^text = "', current, re.M)][k] + len('text = "')
            current = current[:pos] + marker + current[pos:]
            snapshot = current
            rows.append(
                measure(
                    serve,
                    events,
                    lambda: write(claims_path, snapshot),
                    "/claims/%s/" % ids[k],
                    marker.strip(),
                    "claim",
                    i,
                )
            )
        results["one claim (claims.toml, %.1f MB)" % (len(original) / 1e6)] = rows
    if "template" in kinds:
        rows = []
        templates = os.path.join(root, "templates")
        os.makedirs(templates, exist_ok=True)
        base = open(os.path.join(REPO, "templates", "base.html"), encoding="utf-8").read()
        assert "</footer>" in base
        for i in range(args.edits):
            marker = "template revision %d" % i
            text = base.replace("</footer>", "<p>%s</p></footer>" % marker, 1)
            path = os.path.join(templates, "base.html")
            rows.append(
                measure(serve, events, lambda: write(path, text), "/articles/%s/" % articles[0][:-3], marker, "template", i)
            )
        results["template (base.html: every page)"] = rows

    serve.stop()
    shutil.rmtree(work, ignore_errors=True)

    print("| edit | n | reload p50 | reload p95 | complete p50 | complete p95 |")
    print("|---|---|---|---|---|---|")
    for label, rows in results.items():
        reload = [r[0] for r in rows]
        done = [r[1] for r in rows]
        print(
            "| %s | %d | %.0f ms | %.0f ms | %.0f ms | %.0f ms |"
            % (label, len(rows), percentile(reload, 50), percentile(reload, 95), percentile(done, 50), percentile(done, 95))
        )
    print("")
    print("Full `crosscheck build --drafts` of the same corpus: %.2f s; serve's first build: %.2f s." % (full_build, first_build))


if __name__ == "__main__":
    main()
