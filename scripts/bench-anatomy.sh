#!/usr/bin/env bash
# Benchmark of the anatomy step (issue 14: < 1 s on one core for a ~150-slice 512² chest CT) and
# of the whole `vascalc scan score` of the real JPEG-lossless chest CTs (issue 14: < 2 s), with
# `--regions auto` (anatomy found) beside `--regions none` (whole image, no anatomy): the
# difference is what the anatomy and the lesion sorting cost. One core (RAYON_NUM_THREADS=1) and
# all cores. Median wall and CPU time (user + system) of RUNS warm runs; CPU time is the steadier
# figure on a shared machine. Then the divan benchmark of `find_anatomy` alone (one core) unless
# BENCH_KERNEL=0. Prints the figures; commits nothing.
#
#   scripts/bench-anatomy.sh [RUNS]
#
# Needs: the Rust toolchain, python3, and ../shared/data (or VASCALC_TEST_DATA).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-5}"
DATA="${VASCALC_TEST_DATA:-../shared/data}"
CHEST="$DATA/ct/chest-ct-covid-ct-md"
[ -d "$CHEST" ] || { echo "chest CT folder $CHEST not found" >&2; exit 4; }

echo "== machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
cargo build --release -q -p vascalc
BIN="${CARGO_TARGET_DIR:-target}/release/vascalc"

timed() {
  python3 - "$RUNS" "$@" <<'PYEOF'
import resource, statistics, subprocess, sys, time
runs, cmd = int(sys.argv[1]), sys.argv[2:]
subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
wall, cpu = [], []
for _ in range(runs):
    r0, t0 = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
    t1, r1 = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
    wall.append((t1 - t0) * 1e3)
    cpu.append((r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime) * 1e3)
print("wall %6.0f ms, CPU %6.0f ms" % (statistics.median(wall), statistics.median(cpu)))
PYEOF
}

echo "== vascalc scan score, median of $RUNS warm runs"
for case in cap002 P001; do
  n=$(find "$CHEST/$case" -type f | wc -l)
  for threads in 1 0; do
    label=$([ "$threads" = 1 ] && echo "1 core   " || echo "all cores")
    for regions in auto none; do
      echo "$case ($n slices), $label, --regions $regions: $(RAYON_NUM_THREADS=$threads timed "$BIN" scan score "$CHEST/$case" --regions "$regions" --format json)"
    done
  done
done
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

if [ "${BENCH_KERNEL:-1}" != 0 ]; then
  echo "== find_anatomy alone, one core (divan, wall time)"
  VASCALC_TEST_DATA="$DATA" cargo bench -q -p vascalc-phantom --bench anatomy
fi
