#!/usr/bin/env bash
# Runs each fuzz target for SECONDS (default 600) one after the other, one
# job each, at the lowest priority. Logs go to fuzz/logs/TARGET.log.
# Usage: fuzz/run-campaign.sh [SECONDS] [TARGET...]
set -u
cd "$(dirname "$0")"
secs=${1:-600}; shift || true
targets=("$@"); [ ${#targets[@]} -eq 0 ] && targets=(article claims split anchor whole_build)
bin=target/x86_64-unknown-linux-gnu/release
mkdir -p logs
for t in "${targets[@]}"; do
  mkdir -p corpus/$t artifacts/$t
  max_len=4096; [ "$t" = whole_build ] && max_len=16384
  nice -n 19 "$bin/$t" -max_total_time="$secs" -timeout=20 -max_len=$max_len \
    -artifact_prefix=artifacts/$t/ -print_final_stats=1 corpus/$t > logs/$t.log 2>&1
  echo "$t exit $? $(date -Is)" >> logs/campaign.txt
done
