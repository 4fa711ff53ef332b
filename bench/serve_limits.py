#!/usr/bin/env python3
"""`crosscheck serve` at its limits: connections held, memory, page latency.

Usage:
    python3 bench/serve_limits.py [--bin target/release/crosscheck] [--corpus DIR]
                                  [--streams 2000] [--slow 2000] [--requests 500]

Starts serve on a copy of the corpus (default: tests/fixtures/serve-basic)
and measures, phase by phase:

1. idle: page latency (article page, a new connection per request, as a
   browser's first request), serve's resident memory (VmRSS) and open file
   descriptors;
2. reload streams: opens --streams event streams (an open page each);
   counts how many are held and how many get a 503, and how fast the 503
   comes; then the same page measurements while they are held;
3. slowloris, on top: opens --slow connections that send half a request
   line and nothing more; counts how many serve holds; page latency and
   status while they are all trying to hold a slot;
4. after the header timeout: how many slow connections serve closed, and
   the page latency again.

Standard library only. Prints a Markdown table for docs/reliability.md.
Needs a file-descriptor limit above streams + slow + a few hundred
(`ulimit -n`); the script raises its own soft limit to the hard one.
"""

import argparse
import os
import re
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ARTICLE = "/articles/harbour-times-strike/"


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

    def rss_mb(self):
        with open("/proc/%d/status" % self.proc.pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024.0
        return float("nan")

    def fds(self):
        return len(os.listdir("/proc/%d/fd" % self.proc.pid))

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def get(port, path, timeout=30):
    """One request on a new connection: (status, seconds)."""
    started = time.perf_counter()
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        s.sendall(
            ("GET %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n" % path).encode()
        )
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    finally:
        s.close()
    took = time.perf_counter() - started
    m = re.match(rb"HTTP/1\.1 (\d+)", data)
    return (int(m.group(1)) if m else 0), took


def pages(port, n):
    """n sequential page requests: statuses and latency figures (ms)."""
    statuses = {}
    times = []
    for _ in range(n):
        try:
            status, took = get(port, ARTICLE)
        except OSError:
            status, took = "error", float("nan")
        statuses[status] = statuses.get(status, 0) + 1
        times.append(took * 1000)
    ok = [t for t in times if t == t]
    return {
        "statuses": statuses,
        "p50": percentile(ok, 50) if ok else float("nan"),
        "p99": percentile(ok, 99) if ok else float("nan"),
        "max": max(ok) if ok else float("nan"),
    }


def open_streams(port, n):
    """Opens n event streams; returns (held sockets, 503 count, slowest 503 s)."""
    held, refused, slowest = [], 0, 0.0
    for _ in range(n):
        started = time.perf_counter()
        s = socket.create_connection(("127.0.0.1", port), timeout=30)
        s.sendall(
            b"GET /__crosscheck/events HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n"
        )
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = s.recv(4096)
            if not chunk:
                break
            head += chunk
        if head.startswith(b"HTTP/1.1 200"):
            held.append(s)
        else:
            refused += 1
            slowest = max(slowest, time.perf_counter() - started)
            s.close()
    return held, refused, slowest


def open_slowloris(port, n):
    """n connections that send half a request line, then nothing."""
    socks = []
    for _ in range(n):
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=30)
            s.sendall(b"GET / HTTP/1.1\r\nHost: loc")
            socks.append(s)
        except OSError:
            break
    return socks


def classify(socks, seen):
    """How the server treated each connection so far: `seen` maps a socket
    to what it got ("503", "closed"); returns counts (open, 503, closed)."""
    for s in socks:
        if s in seen:
            continue
        s.setblocking(False)
        try:
            data = s.recv(4096)
            if data.startswith(b"HTTP/1.1 503"):
                seen[s] = "503"
            elif data == b"":
                seen[s] = "closed"
        except BlockingIOError:
            pass
        except OSError:
            seen[s] = "closed"
    refused = sum(1 for v in seen.values() if v == "503")
    closed = sum(1 for v in seen.values() if v == "closed")
    return len(socks) - refused - closed, refused, closed


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(REPO, "target/release/crosscheck"))
    ap.add_argument("--corpus", default=os.path.join(REPO, "tests/fixtures/serve-basic"))
    ap.add_argument("--streams", type=int, default=2000)
    ap.add_argument("--slow", type=int, default=2000)
    ap.add_argument("--requests", type=int, default=500)
    args = ap.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    tmp = tempfile.mkdtemp(prefix="serve-limits-")
    root = os.path.join(tmp, "project")
    shutil.copytree(args.corpus, root)
    serve = Serve(args.bin, root)
    rows = []
    try:
        deadline = time.time() + 120
        while get(serve.port, "/")[0] == 503:
            if time.time() > deadline:
                sys.exit("first build never finished")
            time.sleep(0.05)

        def row(phase, held, p):
            rows.append(
                (phase, held, serve.fds(), serve.rss_mb(), p["p50"], p["p99"], p["max"], p["statuses"])
            )

        row("idle", "0", pages(serve.port, args.requests))

        started = time.perf_counter()
        streams, refused, slowest = open_streams(serve.port, args.streams)
        took = time.perf_counter() - started
        row(
            "%d reload streams opened" % args.streams,
            "%d streams held, %d refused (503, slowest %.1f ms; all opened in %.1f s)"
            % (len(streams), refused, slowest * 1000, took),
            pages(serve.port, args.requests),
        )

        slow = open_slowloris(serve.port, args.slow)
        seen = {}
        time.sleep(1.5)
        p = pages(serve.port, args.requests)
        still, refused, closed = classify(slow, seen)
        row(
            "+ %d slowloris connections" % args.slow,
            "%d connected: %d still open, %d answered 503, %d closed (taken over by page requests)"
            % (len(slow), still, refused, closed),
            p,
        )

        time.sleep(11)
        p = pages(serve.port, args.requests)
        still, refused, closed = classify(slow, seen)
        row(
            "11 s later (header timeout 10 s)",
            "slowloris: %d still open, %d answered 503, %d closed" % (still, refused, closed),
            p,
        )
        alive = serve.proc.poll() is None
        for s in streams + slow:
            s.close()
    finally:
        serve.stop()
        shutil.rmtree(tmp, ignore_errors=True)

    print("| phase | connections | serve's open files | RSS | page p50 | page p99 | page max | statuses |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for phase, held, fds, rss, p50, p99, mx, statuses in rows:
        st = ", ".join("%s × %d" % (k, v) for k, v in sorted(statuses.items(), key=str))
        print(
            "| %s | %s | %d | %.0f MB | %.2f ms | %.2f ms | %.1f ms | %s |"
            % (phase, held, fds, rss, p50, p99, mx, st)
        )
    print()
    print("serve still running at the end: %s" % ("yes" if alive else "NO"))


if __name__ == "__main__":
    main()
