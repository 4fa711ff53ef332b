#!/usr/bin/env bash
# Every HTML page crosscheck writes must pass the Nu Html Checker (vnu.jar,
# from the npm package vnu-jar, run with Java) with zero errors. Checks:
#   1. the example site (this repository's content/);
#   2. a 50-article fixture from the benchmark generator, built with an
#      absolute base_url (canonical, og:url, og:image) and --drafts;
#   3. the project `crosscheck init` scaffolds.
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

pages=$(find "$tmp/example" "$tmp/c50-site" "$tmp/scaffold/site" -name '*.html' | wc -l)
[ "$pages" -gt 60 ] || { echo "error: only $pages pages to check" >&2; exit 1; }
embeds=$(find "$tmp/example" "$tmp/c50-site" "$tmp/scaffold/site" -name 'embed.html' | wc -l)
[ "$embeds" -gt 50 ] || { echo "error: only $embeds embeds to check" >&2; exit 1; }
echo "Nu Html Checker: $pages pages ($embeds embeds)"
if java -jar "$vnu" --errors-only --skip-non-html "$tmp/example" "$tmp/c50-site" "$tmp/scaffold/site"; then
  echo "nu: $pages passed, 0 failed"
else
  echo "nu: Nu Html Checker reported errors (above)" >&2
  exit 1
fi
