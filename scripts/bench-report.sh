#!/bin/sh
# Time vascalc-report's render() of the clinician report on ten years of synthetic data (divan
# bench). Prints divan's table; the figure to read is the median of
# render_ten_years.
set -e
cd "$(dirname "$0")/.."
cargo bench -q -p vascalc-report --bench report
