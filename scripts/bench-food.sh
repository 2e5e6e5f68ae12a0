#!/usr/bin/env bash
# Food table benchmarks: start-up load of the shipped table (SR28 + Foundation + FNDDS + Ciqual;
# target < 10 ms) and search latency on one thread (target p99 < 1 ms over the whole table).
# Prints the percentiles, then divan's report.
# The machine is shared: run briefly, and read the figures as upper bounds.
set -euo pipefail
cd "$(dirname "$0")/.."
nice -n 10 cargo bench -q -p vascalc-nutrition --bench food -- --sample-count 20 "$@"
