#!/usr/bin/env bash
# Benchmarks of the personal record, through the release binary:
#   1. `vascalc plan` on a database holding ten years of daily logs (target < 50 ms);
#   2. `vascalc import` of 100,000 food-log entries (target < 2 s).
# Also runs the store's divan benchmarks briefly. Prints the figures; needs python3 to write
# the input files.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q -p vascalc
bin="${CARGO_TARGET_DIR:-target}/release/vascalc"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

python3 scripts/ten_years_record.py "$dir"

# Best wall-clock time and best CPU time (user + system, from wait4's rusage: what the
# process itself used, whatever else the shared machine is doing) of `runs` runs.
timed() {
  python3 - "$@" <<'PY'
import os, subprocess, sys, time
runs, setup, cmd = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
wall, cpu = [], []
for _ in range(runs):
    if setup:
        subprocess.run(setup, shell=True, check=True)
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
    _, status, ru = os.wait4(p.pid, 0)
    wall.append(time.perf_counter() - t0)
    cpu.append(ru.ru_utime + ru.ru_stime)
    if status != 0:
        sys.exit(f"{cmd} failed")
print(f"best of {runs}: {min(wall) * 1000:.0f} ms wall, {min(cpu) * 1000:.0f} ms CPU")
PY
}

"$bin" import --db "$dir/ten.db" "$dir/ten-years.json" >/dev/null
"$bin" plan --db "$dir/ten.db" >/dev/null  # warm the page cache
echo "vascalc plan, ten years of daily logs (18,250 food entries, 3,650 activity days, 9,855 doses): $(timed 10 "" "$bin" plan --db "$dir/ten.db") (target < 50 ms)"
echo "vascalc import, 100,000 food-log entries (+20,000 activity, 2,858 vitals) into a new file: $(timed 3 "rm -f $dir/bulk.db*" "$bin" import --db "$dir/bulk.db" "$dir/bulk.json") (target < 2000 ms)"

echo "store benchmarks (divan):"
cargo bench -q -p vascalc-store --bench store 2>/dev/null | grep -E "import_100k|food_grams|fastest" || true
