#!/usr/bin/env bash
# Runs each fuzz target for SECONDS (default 600) one after the other, one
# job each, at the lowest priority. Logs go to fuzz/logs/TARGET.log.
# Usage: fuzz/run-campaign.sh [SECONDS] [TARGET...]
set -u
cd "$(dirname "$0")"
secs=${1:-600}; shift || true
targets=("$@"); [ ${#targets[@]} -eq 0 ] && targets=(article claims split anchor whole_build templates review_strings)
bin=target/x86_64-unknown-linux-gnu/release
mkdir -p logs
for t in "${targets[@]}"; do
  mkdir -p corpus/$t artifacts/$t
  max_len=4096; [ "$t" = whole_build ] && max_len=16384
  extra=()
  if [ "$t" = templates ]; then
    max_len=16384; extra=(-dict=templates.dict)
    # Seeds: the built-in templates, in the target's name order
    # (base, macros, claim, a, article, index, 404, b), NUL-separated.
    if [ -z "$(ls -A corpus/templates)" ]; then
      t_dir=../templates
      for f in base macros claim; do cat $t_dir/$f.html; printf '\0'; done > corpus/templates/seed-builtin
      printf '\0' >> corpus/templates/seed-builtin
      for f in article index 404; do cat $t_dir/$f.html; printf '\0'; done >> corpus/templates/seed-builtin
      printf '{%% include "a.html" %%}\0\0\0{%% include "b.html" %%}' > corpus/templates/seed-includes
    fi
  fi
  if [ "$t" = review_strings ] && [ -z "$(ls -A corpus/review_strings)" ]; then
    printf 'x """' > corpus/review_strings/seed-quotes
    printf "Two lines,\r\nand 'quotes' \\ \"\"" > corpus/review_strings/seed-mixed
  fi
  nice -n 19 "$bin/$t" -max_total_time="$secs" -timeout=20 -max_len=$max_len "${extra[@]}" \
    -artifact_prefix=artifacts/$t/ -print_final_stats=1 corpus/$t > logs/$t.log 2>&1
  echo "$t exit $? $(date -Is)" >> logs/campaign.txt
done
