#!/usr/bin/env bash
# Food table benchmarks: start-up load of the shipped table (< 30 ms) and search latency
# (p99 < 2 ms over the whole table). Prints the percentiles, then divan's report.
# The machine is shared: run briefly, and read the figures as upper bounds.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo bench -q -p vascalc-nutrition --bench food -- --sample-count 20 "$@"
