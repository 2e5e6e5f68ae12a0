#!/usr/bin/env bash
# Benchmarks of `vascalc serve` (release build) on a record with ten years of daily logs
# (scripts/ten_years_record.py: 18,250 food entries, 3,650 activity days, 9,855 doses):
#   1. every page and API route, sequential: client and server p99 (target < 50 ms; a page's
#      cost is its HTML plus the API calls its script makes, listed with it);
#   2. food search as you type ("b", "br", … "broccoli raw"): server p99 (target < 5 ms);
#   3. 50 concurrent keep-alive clients for SECONDS (default 60) over the routes: no error,
#      p99 < 100 ms;
#   4. the embedded JavaScript and CSS in KB (target < 300 KB).
# The load generator is crates/vascalc-web/benches/load.rs (std threads, raw HTTP/1.1).
# Usage: scripts/bench-web.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-60}"
cargo build --release -q -p vascalc
cargo bench -q -p vascalc-web --bench load --no-run 2>/dev/null
bin="${CARGO_TARGET_DIR:-target}/release/vascalc"
load() { cargo bench -q -p vascalc-web --bench load -- "$@"; }
dir=$(mktemp -d)
python3 scripts/ten_years_record.py "$dir"
"$bin" import --db "$dir/ten.db" "$dir/ten-years.json" >/dev/null

"$bin" serve --db "$dir/ten.db" --port 0 --quiet >"$dir/serve.out" &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 50); do grep -q http "$dir/serve.out" 2>/dev/null && break; sleep 0.1; done
port=$(sed -E 's|.*http://127\.0\.0\.1:([0-9]+)/.*|\1|' "$dir/serve.out")
echo "vascalc serve on port $port, $(nproc) cores (shared machine: figures are upper bounds)"

# Every page and what its script fetches.
routes=(/ /cac /food /measures /plan /report /review
        /api/people /api/summary /api/assessment /api/plan /api/progress /api/expected-band
        "/api/entries?kind=lab&limit=30&offset=0" "/api/entries?kind=vitals&limit=30&offset=0"
        "/api/entries?kind=activity&limit=30&offset=0" "/api/entries?kind=med&limit=30&offset=0"
        "/api/entries?kind=dose&limit=30&offset=0"
        "/api/entries?kind=lab" "/api/entries?kind=vitals" "/api/entries?kind=activity&limit=400"
        "/api/entries?kind=med" /api/food-log/today "/api/food-days?days=30"
        /api/analytes /api/medication-kinds /api/nutrients
        /api/foods?q=natto "/api/foods/ndb:01009?portion=1%20cup" /api/openapi.json /assets/app.js)
load latency "$port" 200 "${routes[@]}"

# The measures page whole: its HTML and every request its script makes (measures.js: the
# analytes and classes, the newest page of each list, the charts' data, the plan's alerts).
echo "/measures, the page and its script's requests one after the other:"
load page "$port" 200 /measures /assets/app.css /assets/app.js /assets/measures.js /api/people /api/analytes \
  /api/medication-kinds "/api/entries?kind=lab&limit=30&offset=0" \
  "/api/entries?kind=vitals&limit=30&offset=0" "/api/entries?kind=activity&limit=30&offset=0" \
  "/api/entries?kind=med&limit=30&offset=0" "/api/entries?kind=dose&limit=30&offset=0" \
  "/api/entries?kind=lab" "/api/entries?kind=vitals" "/api/entries?kind=activity&limit=400" /api/plan

keys=()
q="broccoli raw"
for i in $(seq 1 ${#q}); do keys+=("/api/foods?q=$(printf %s "${q:0:$i}" | sed 's/ /%20/g')"); done
q="chedar chese"
for i in $(seq 1 ${#q}); do keys+=("/api/foods?q=$(printf %s "${q:0:$i}" | sed 's/ /%20/g')"); done
echo "food search as you type (each prefix of \"broccoli raw\" and \"chedar chese\"):"
load latency "$port" 200 "${keys[@]}" | grep "all "

# The concurrent mix: every route above (/api/progress is kept until the record changes, vascalc-app
# ProgressMemo; computing it over ten years of logs takes about 36 ms of CPU, once per change).
mix=("${routes[@]}")
load concurrent "$port" 50 "$secs" "${mix[@]}" "${keys[@]:0:6}"

cargo test -q -p vascalc-web --test api javascript_and_css -- --nocapture 2>/dev/null \
  | grep "JavaScript and CSS" || true
