#!/usr/bin/env bash
# Benchmark of `vascalc scan score` on the real 47-slice QRM phantom series, side by side with a
# straightforward vectorised pydicom + numpy + scipy scorer of the same (classic) conventions,
# plus the per-core scoring-kernel benchmark. Prints the figures; commits nothing.
#
#   scripts/bench-ct.sh [SERIES_DIR] [RUNS]
#
# Needs: the Rust toolchain, python3 with venv/pip (a venv is created in target/bench-ct-venv),
# and ../shared/data (or SERIES_DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
SERIES="${1:-${VASCALC_TEST_DATA:-../shared/data}/ct/qrm-canon-large-rep1}"
RUNS="${2:-20}"
[ -d "$SERIES" ] || { echo "series folder $SERIES not found" >&2; exit 4; }

echo "== machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
cargo build --release -q -p vascalc
BIN=target/release/vascalc

# Median wall time (ms) of RUNS runs of a command, after one warm-up run (warm page cache).
median_ms() {
  "$@" > /dev/null
  local times=()
  for _ in $(seq "$RUNS"); do
    local t0 t1
    t0=$(date +%s%N)
    "$@" > /dev/null
    t1=$(date +%s%N)
    times+=($(( (t1 - t0) / 1000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.1f", m/1000}'
}

# Median CPU time (user + system, ms) of RUNS runs: robust to other load on a shared machine.
median_cpu_ms() {
  local times=() tmp
  tmp=$(mktemp)
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f "%U %S" -o "$tmp" "$@" > /dev/null 2>&1
    times+=($(awk '{printf "%d", ($1 + $2) * 1000}' "$tmp"))
  done
  rm -f "$tmp"
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.0f", m}'
}

VENV=target/bench-ct-venv
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q numpy scipy pydicom
fi
PY="$VENV/bin/python"

echo "== agreement (classic convention)"
RUST_TOTAL=$("$BIN" scan score "$SERIES" --format json | "$PY" -c 'import json,sys; s=json.load(sys.stdin)["series"][0]["totals"]; print("%.3f %d" % (s["agatston"], s["lesions"]))')
PY_OUT=$("$PY" scripts/bench_ct_reference.py "$SERIES")
PY_TOTAL=$(echo "$PY_OUT" | "$PY" -c 'import json,sys; s=json.load(sys.stdin); print("%.3f %d" % (s["agatston"], s["lesions"]))')
echo "vascalc: Agatston, lesions = $RUST_TOTAL"
echo "python : Agatston, lesions = $PY_TOTAL   (in-process $(echo "$PY_OUT" | "$PY" -c 'import json,sys; s=json.load(sys.stdin); print("load %.0f ms + score %.0f ms" % (s["load_ms"], s["score_ms"]))'))"

echo "== end-to-end wall time, median of $RUNS warm runs"
RUST_MS=$(median_ms "$BIN" scan score "$SERIES" --format json)
PY_MS=$(median_ms "$PY" scripts/bench_ct_reference.py "$SERIES")
echo "vascalc scan score : $RUST_MS ms"
echo "python reference   : $PY_MS ms"
awk -v r="$RUST_MS" -v p="$PY_MS" 'BEGIN {printf "speed-up           : %.1fx\n", p / r}'
if [ -x /usr/bin/time ]; then
  echo "== CPU time (user + system), median of $RUNS runs"
  RUST_CPU=$(median_cpu_ms "$BIN" scan score "$SERIES" --format json)
  PY_CPU=$(median_cpu_ms "$PY" scripts/bench_ct_reference.py "$SERIES")
  echo "vascalc scan score : $RUST_CPU ms"
  echo "python reference   : $PY_CPU ms"
  awk -v r="$RUST_CPU" -v p="$PY_CPU" 'BEGIN {printf "CPU ratio          : %.1fx\n", p / r}'
fi

if [ "${BENCH_KERNEL:-1}" = 1 ]; then
  echo "== scoring kernel, one core (divan; throughput in bytes of f32 voxels)"
  cargo bench -q -p vascalc-ct --bench kernel 2>/dev/null | tail -n +1
fi
