#!/usr/bin/env python3
"""Summarise a callgrind profile of a build: top functions by self cost, and
inclusive cost of the pipeline stages.

    valgrind --tool=callgrind --callgrind-out-file=cg.out \\
        target/release/crosscheck build --root CORPUS --out /tmp/x
    python3 bench/cg_top.py cg.out [--top 20]

Needs callgrind_annotate (from valgrind). Costs are instruction counts (Ir),
repeatable whatever the machine's load, so they are what before/after
comparisons of an optimisation should quote.
"""

import argparse
import re
import subprocess
import sys

FILE = re.compile(r"^(.*?\.(rs|c|S|h|cc|cpp)|\?\?\?):(.*)$")
LINE = re.compile(r"^\s*([\d,]+)\s+\(\s*[\d.]+%\)\s+(.*?)(?:\s+\[[^\]]*\])?\s*$")

# Pipeline stages, by the function whose inclusive cost stands for them.
STAGES = [
    ("load: read files", r"^crosscheck::pipeline::content::files::read_source$"),
    ("load: parse articles (front matter)", r"^crosscheck::pipeline::content::article::parse_article$"),
    ("load: parse claims (TOML)", r"^crosscheck::pipeline::content::claims_file::parse_claims$"),
    ("split: markdown → statements (`document::parse`)", r"^crosscheck::pipeline::document::parse$"),
    ("  of which sentence splitting", r"^crosscheck::pipeline::statements::split_sentences_in$"),
    ("  of which statement ids", r"^crosscheck::pipeline::statements::ids::assign_ids_packed$"),
    ("anchor quotes (`anchor::anchor_all`)", r"^crosscheck::pipeline::anchor::anchor_all$"),
    ("claim graph (`Graph::build`)", r"^crosscheck::pipeline::graph::Graph::build$"),
    ("render every page (`render::render_job`)", r"^crosscheck::render::render_job$"),
    ("  views → `tera::Context::from_serialize`", r"^tera::context::Context::from_serialize"),
    ("  `Tera::render`", r"^tera::tera::Tera::render$"),
    ("  data.json", r"^crosscheck::render::data::write_data_json$"),
    ("write files (`std::fs::write`)", r"^std::fs::write::inner$"),
]


def annotate(path, inclusive):
    out = subprocess.run(
        ["callgrind_annotate", "--auto=no", f"--inclusive={'yes' if inclusive else 'no'}", "--threshold=100", path],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    total = None
    costs = {}
    for line in out.splitlines():
        m = LINE.match(line)
        if not m:
            continue
        ir = int(m.group(1).replace(",", ""))
        name = m.group(2)
        if name == "PROGRAM TOTALS":
            total = ir
            continue
        # "file:function"; the file part may be absent ("???").
        fm = FILE.match(name)
        func = fm.group(3) if fm else name
        func = re.sub(r"'\d+$", "", func)  # recursion markers
        if inclusive:
            costs[func] = max(costs.get(func, 0), ir)
        else:
            costs[func] = costs.get(func, 0) + ir
    return total, costs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("profile")
    ap.add_argument("--top", type=int, default=20)
    args = ap.parse_args()
    total, selfc = annotate(args.profile, False)
    _, incl = annotate(args.profile, True)
    print(f"total: {total:,} instructions\n")
    print("| stage (inclusive) | Ir | share |")
    print("|---|---:|---:|")
    for label, pat in STAGES:
        rx = re.compile(pat)
        hits = [v for k, v in incl.items() if rx.search(k)]
        if hits:
            v = max(hits)
            print(f"| {label} | {v:,} | {100 * v / total:.1f}% |")
    print()
    print(f"| top {args.top} functions by self cost | Ir | share |")
    print("|---|---:|---:|")
    for func, v in sorted(selfc.items(), key=lambda kv: -kv[1])[: args.top]:
        short = func if len(func) <= 110 else func[:107] + "…"
        short = short.replace("|", "\\|")
        print(f"| `{short}` | {v:,} | {100 * v / total:.1f}% |")


if __name__ == "__main__":
    sys.exit(main())
