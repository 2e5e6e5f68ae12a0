#!/usr/bin/env bash
# Throughput of `vascalc assess --batch` as a whole command (read JSON Lines, parse, assess,
# write), on one core (taskset -c 0; the command is single-threaded anyway). Prints profiles per
# second and output bytes per profile for the research table (--format csv), the compact JSON
# Lines (--format json --compact) and, with FULL=1, the full JSON assessments.
# Usage: scripts/bench-assess.sh [N]   (default 1000000 profiles)
#   OPTIONAL_LABS=0  only the profiles without uacr_mg_g / hba1c_pct (the workload of the rounds
#                    before the optional PREVENT models; also what a binary without them reads)
#   OPTIONAL_LABS=1  only the profiles where about half carry each (the optional models run)
#   (default: both, one after the other, on the same machine state)
#   BIN=path         time that binary instead of building target/release/vascalc
# The computing part alone: `cargo bench -p vascalc-clinical --bench assess`.
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-1000000}"
if [ -n "${BIN:-}" ]; then
  bin="$BIN"
else
  cargo build --release -p vascalc --quiet
  bin="${CARGO_TARGET_DIR:-target}/release/vascalc"
fi
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
# Deterministic varied profiles covering every model (awk's srand with a fixed seed): ages
# 30-84, all races, CAC 0 for 40 %, two dated scans, creatinine (eGFR computed), an id.
# With labs (generate 1) about half the profiles carry a UACR (log-uniform 1-2000 mg/g) and
# about half an HbA1c (4.5-12 %), so the optional PREVENT models run.
generate() {
  local opt="$1"
  awk -v n="$n" -v opt="$opt" 'BEGIN {
  srand(20261124);
  split("white black chinese hispanic other", race, " ");
  for (i = 0; i < n; i++) {
    cac = (rand() < 0.4) ? 0 : int(1 + rand() * 800);
    labs = "";
    if (opt == 1) {
      if (rand() < 0.5) labs = labs sprintf(",\"uacr_mg_g\":%.1f", exp(rand() * log(2000)));
      if (rand() < 0.5) labs = labs sprintf(",\"hba1c_pct\":%.1f", 4.5 + rand() * 7.5);
    }
    printf "{\"id\":\"P%07d\",\"age\":%d,\"sex\":\"%s\",\"race\":\"%s\",\"total_cholesterol_mg_dl\":%d,\"hdl_mg_dl\":%d,\"systolic_bp_mm_hg\":%d,\"bp_treated\":%s,\"smoker\":%s,\"diabetes\":%s,\"statin\":%s,\"family_history_mi\":%s,\"bmi\":%.1f,\"creatinine_mg_dl\":%.2f,\"cac_agatston\":%d%s,\"scans\":[{\"date\":\"2019-05-15\",\"agatston\":%d},{\"date\":\"2023-05-15\",\"agatston\":%d}]}\n",
      i, 30 + int(rand() * 55), (i % 2 ? "male" : "female"), race[1 + i % 5],
      130 + int(rand() * 190), 20 + int(rand() * 80), 90 + int(rand() * 90),
      (rand() < .5 ? "true" : "false"), (rand() < .5 ? "true" : "false"),
      (rand() < .5 ? "true" : "false"), (rand() < .5 ? "true" : "false"),
      (rand() < .5 ? "true" : "false"), 18.5 + rand() * 21.4, 0.6 + rand() * 1.4,
      cac, labs, int(cac * 0.6), cac;
  }
}' > "$dir/profiles.jsonl"
}
pin=(taskset -c 0)
"${pin[@]}" true 2>/dev/null || pin=()
echo "binary: $bin"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) before the runs"
run() {
  local label="$1"; shift
  local start end
  start=$(date +%s.%N)
  # CPU time (user + system) of the command alone, from bash's `times` in a subshell.
  cpu=$( { "${pin[@]}" "$bin" assess --batch "$dir/profiles.jsonl" --out "$dir/out" "$@"; times; } | tail -1 \
    | awk '{ split($1, u, /[ms]/); split($2, s, /[ms]/); print u[1] * 60 + u[2] + s[1] * 60 + s[2] }')
  end=$(date +%s.%N)
  awk -v n="$n" -v s="$start" -v e="$end" -v c="$cpu" -v b="$(stat -c %s "$dir/out")" -v l="$label" \
    'BEGIN { t = e - s; printf "vascalc assess --batch %s: %d profiles in %.2f s wall = %.0f profiles/s; %.2f s CPU = %.0f profiles per CPU-second; output %.0f bytes/profile\n", l, n, t, n / t, c, n / c, b / n }'
}
for opt in ${OPTIONAL_LABS:-0 1}; do
  generate "$opt"
  if [ "$opt" = 1 ]; then
    echo "profiles with optional labs (about half with uacr_mg_g, half with hba1c_pct):"
  else
    echo "profiles without optional labs (the workload of the earlier rounds):"
  fi
  run "--format csv" --format csv
  run "--format json --compact" --format json --compact
  if [ "${FULL:-0}" = 1 ]; then run "(full JSON)"; fi
done
