#!/usr/bin/env bash
# Every HTML page crosscheck writes must pass the Nu Html Checker (vnu.jar,
# from the npm package vnu-jar, run with Java) with zero errors. Checks:
#   1. the example site (this repository's content/);
#   2. a 50-article fixture from the benchmark generator, built with an
#      absolute base_url (canonical, og:url, og:image) and --drafts;
#   3. the project `crosscheck init` scaffolds;
#   4. that project with raw HTML, images and bad links in a summary and a
#      note;
#   5. tests/fixtures/reader (sources, updates, derived reports, desk pages);
#   6. tests/fixtures/i18n/LANG, a project in each built-in language other
#      than English (Arabic right to left).
# Each includes every claim's embed (claims/ID/embed.html), the page made to
# be shown in an <iframe> elsewhere.
# Usage: bash tests/validate/run.sh   (CROSSCHECK_BIN overrides the binary)
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
bin=${CROSSCHECK_BIN:-$repo/target/release/crosscheck}
gen=""
for candidate in "${CROSSCHECK_SHARED:-}" "$repo/../shared" /work/shared; do
  if [ -n "$candidate" ] && [ -f "$candidate/bench/gen_corpus.py" ]; then
    gen="$candidate/bench/gen_corpus.py"
    break
  fi
done
[ -n "$gen" ] || { echo "error: shared/bench/gen_corpus.py not found (set CROSSCHECK_SHARED)" >&2; exit 1; }

(cd tests/validate && npm install --no-audit --no-fund --silent)
vnu="$repo/tests/validate/node_modules/vnu-jar/build/dist/vnu.jar"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$bin" build --quiet --root "$repo" --out "$tmp/example"

python3 "$gen" --articles 50 --out "$tmp/c50" --jobs 1 >/dev/null
sed -i 's|^base_url = .*|base_url = "https://example.org/checks/"|' "$tmp/c50/content/site.toml"
grep -q '^base_url = "https://example.org/checks/"' "$tmp/c50/content/site.toml" \
  || echo 'base_url = "https://example.org/checks/"' >> "$tmp/c50/content/site.toml"
"$bin" build --quiet --drafts --root "$tmp/c50" --out "$tmp/c50-site"

"$bin" init --quiet "$tmp/scaffold"
"$bin" build --quiet --root "$tmp/scaffold"

# 4. The scaffold again, with raw HTML, images and bad links in a summary
#    and a note: shown as text, images as links, nothing invalid.
"$bin" init --quiet "$tmp/raw-html"
python3 - "$tmp/raw-html/content/claims.toml" <<'PY'
import sys
p = sys.argv[1]
s = open(p).read()
s = s.replace('one lane to stay closed for another week."""',
  'one lane to stay closed. <img src="https://tracker.example/pixel.gif"> <a rel="nofollow">x</a> <img>\n\n'
  '<div onclick="x">block</div>\n\n![](https://example.org/chart.png) ![chart](https://example.org/c.png) [bad](javascript:alert(1)) [empty]()"""')
s = s.replace('note = "The contractor\'s own estimate."',
  'note = "The contractor\'s <a>own</a> estimate. <img alt> ![](x.png)"')
open(p, "w").write(s)
PY
grep -q tracker.example "$tmp/raw-html/content/claims.toml" || { echo "error: raw-html case not set up" >&2; exit 1; }
"$bin" build --quiet --root "$tmp/raw-html"

# 5. Sources, updates, derived reports and the desk's pages.
"$bin" build --quiet --drafts --root "$repo/tests/fixtures/reader" --out "$tmp/reader"

# 6. A project per built-in language.
langs=()
for lang in de fr es uk ar; do
  "$bin" build --quiet --root "$repo/tests/fixtures/i18n/$lang" --out "$tmp/i18n-$lang"
  langs+=("$tmp/i18n-$lang")
done

pages=$(find "$tmp/example" "$tmp/c50-site" "$tmp/scaffold/site" "$tmp/raw-html/site" "$tmp/reader" "${langs[@]}" -name '*.html' | wc -l)
[ "$pages" -gt 60 ] || { echo "error: only $pages pages to check" >&2; exit 1; }
embeds=$(find "$tmp/example" "$tmp/c50-site" "$tmp/scaffold/site" -name 'embed.html' | wc -l)
[ "$embeds" -gt 50 ] || { echo "error: only $embeds embeds to check" >&2; exit 1; }
echo "Nu Html Checker: $pages pages ($embeds embeds)"
if java -jar "$vnu" --errors-only --skip-non-html "$tmp/example" "$tmp/c50-site" "$tmp/scaffold/site" "$tmp/raw-html/site" "$tmp/reader" "${langs[@]}"; then
  echo "nu: $pages passed, 0 failed"
else
  echo "nu: Nu Html Checker reported errors (above)" >&2
  exit 1
fi
