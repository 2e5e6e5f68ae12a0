#!/bin/sh
# Time vascalc-program's plan() and adherence() on ten years of daily logs (divan bench).
# Prints divan's table; the figure to read is the median of plan_ten_years.
set -e
cd "$(dirname "$0")/.."
cargo bench -q -p vascalc-program --bench plan
