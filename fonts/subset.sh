#!/usr/bin/env bash
# Remakes the card fonts in this folder from Debian's fonts-noto-core
# (version 20201225-1: Noto Sans 2.004) with fontTools' subsetter:
#
#   apt-get install fonts-noto-core python3-fonttools
#   bash fonts/subset.sh
#
# Hinting is dropped (resvg does not use it; it was a third of each file);
# every OpenType layout feature is kept, so combining marks, Arabic joining
# and kerning still work; the "missing glyph" box is kept (the subsetter
# empties it by default), so a character no font has shows as a box, not
# as nothing.
set -euo pipefail
cd "$(dirname "$0")"
src=${NOTO_DIR:-/usr/share/fonts/truetype/noto}
subset() { /usr/bin/python3 -m fontTools.subset "$src/$1" --unicodes="$2" \
  --layout-features='*' --no-hinting --notdef-outline --name-IDs='*' --output-file="$1"; }
# Latin (with Vietnamese and the extensions), Greek, Cyrillic, punctuation,
# currency, letterlike symbols and number forms.
lgc='U+0000-052F,U+1AB0-1AFF,U+1DC0-1FFF,U+2000-218F,U+2C60-2C7F,U+2DE0-2DFF,U+A640-A69F,U+A720-A7FF,U+FE20-FE2F,U+FFFD'
subset NotoSans-Regular.ttf "$lgc"
subset NotoSans-Bold.ttf "$lgc"
# Arabic and Hebrew, whole.
subset NotoSansArabic-Regular.ttf '*'
subset NotoSansArabic-Bold.ttf '*'
subset NotoSansHebrew-Regular.ttf '*'
subset NotoSansHebrew-Bold.ttf '*'
# The verdict and assessment icons (✔ ◐ ⚠ ✘ ▲ ▼ ◇ ○) with the rest of
# Geometric Shapes, Miscellaneous Symbols and Dingbats; arrows (⇄) from
# Noto Sans Math, which has the Arrows block.
subset NotoSansSymbols2-Regular.ttf 'U+25A0-27BF'
subset NotoSansMath-Regular.ttf 'U+2190-21FF'
