#!/usr/bin/env bash
# Throughput of `vascalc assess --batch` (the whole command: read JSON Lines, parse, assess,
# write JSON Lines), on one core. Prints profiles per second.
# Usage: scripts/bench-assess.sh [N]   (default 200000 profiles)
# The computing part alone is measured by `cargo bench -p vascalc-clinical --bench assess`.
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-200000}"
cargo build --release -p vascalc --quiet
bin=target/release/vascalc
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
# Deterministic varied profiles (awk's srand with a fixed seed).
awk -v n="$n" 'BEGIN {
  srand(20261124);
  split("white black chinese hispanic other", race, " ");
  for (i = 0; i < n; i++) {
    cac = (rand() < 0.4) ? 0 : int(1 + rand() * 800);
    printf "{\"age\":%d,\"sex\":\"%s\",\"race\":\"%s\",\"total_cholesterol_mg_dl\":%d,\"hdl_mg_dl\":%d,\"systolic_bp_mm_hg\":%d,\"bp_treated\":%s,\"smoker\":%s,\"diabetes\":%s,\"statin\":%s,\"family_history_mi\":%s,\"bmi\":%.1f,\"creatinine_mg_dl\":%.2f,\"cac_agatston\":%d,\"scans\":[{\"date\":\"2019-05-15\",\"agatston\":%d},{\"date\":\"2023-05-15\",\"agatston\":%d}]}\n",
      40 + int(rand() * 40), (i % 2 ? "male" : "female"), race[1 + i % 5],
      130 + int(rand() * 190), 20 + int(rand() * 80), 90 + int(rand() * 90),
      (rand() < .5 ? "true" : "false"), (rand() < .5 ? "true" : "false"),
      (rand() < .5 ? "true" : "false"), (rand() < .5 ? "true" : "false"),
      (rand() < .5 ? "true" : "false"), 18.5 + rand() * 21.4, 0.6 + rand() * 1.4,
      cac, int(cac * 0.6), cac;
  }
}' > "$dir/profiles.jsonl"
start=$(date +%s.%N)
taskset -c 0 "$bin" assess --batch "$dir/profiles.jsonl" --out "$dir/out.jsonl" 2>/dev/null \
  || "$bin" assess --batch "$dir/profiles.jsonl" --out "$dir/out.jsonl"
end=$(date +%s.%N)
lines=$(wc -l < "$dir/out.jsonl")
awk -v n="$lines" -v s="$start" -v e="$end" -v b="$(stat -c %s "$dir/out.jsonl")" \
  'BEGIN { t = e - s; printf "vascalc assess --batch: %d profiles in %.2f s = %.0f profiles/s (one core; output %.1f MB)\n", n, t, n / t, b / 1e6 }'
