#!/usr/bin/env bash
# Benchmark of the review viewer's slice route (`vascalc serve`, release build): a 512×512 slice
# (Int16 HU, 512 KB) and its overlay (lesion runs, heart region) for 12 slices across the heart,
# 100 sequential requests each on one keep-alive connection: client and server (Server-Timing)
# p50/p99/max and bytes (target: a slice with its overlay < 20 ms from the local server; the
# canvas draw is measured in the browser by e2e/review.test.mjs). The series: the real chest CT
# ../shared/data/ct/chest-ct-covid-ct-md/P001 when present (or $VASCALC_TEST_DATA), else the
# standard anatomical chest phantom (512×512, 150 slices) written by `scan phantom --chest`.
# Also prints how long opening (reading and scoring) the series took.
# Usage: scripts/bench-review.sh [N] [M]  (N GETs per slice route, M assignment PUTs)
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-100}"
cargo build --release -q -p vascalc
cargo bench -q -p vascalc-web --bench load --no-run 2>/dev/null
bin="${CARGO_TARGET_DIR:-target}/release/vascalc"
load() { cargo bench -q -p vascalc-web --bench load -- "$@"; }
dir=$(mktemp -d)
data="${VASCALC_TEST_DATA:-../shared/data}"
series="$data/ct/chest-ct-covid-ct-md/P001"
if [ ! -d "$series" ]; then
  series="$dir/chest"
  "$bin" scan phantom --chest --out "$series" >/dev/null
fi
series=$(cd "$series" && pwd)

"$bin" serve --db "$dir/bench.db" --port 0 --quiet >"$dir/serve.out" &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 50); do grep -q http "$dir/serve.out" 2>/dev/null && break; sleep 0.1; done
port=$(sed -E 's|.*http://127\.0\.0\.1:([0-9]+)/.*|\1|' "$dir/serve.out")
url="http://127.0.0.1:$port"
token=$(curl -s "$url/review" | sed -nE 's/.*name="vascalc-token" content="([0-9a-f]+)".*/\1/p')
echo "vascalc serve on port $port, $(nproc) cores (shared machine: figures are upper bounds)"
echo "series: $series"
start=$(date +%s.%N)
curl -s -o "$dir/view.json" -X POST "$url/api/scans" -H "Origin: $url" \
  -H "X-Vascalc-Token: $token" -H 'Content-Type: application/json' \
  --data "{\"path\": \"$series\"}"
end=$(date +%s.%N)
read -r id first last slices lesions < <(python3 -c '
import json, sys
v = json.load(open(sys.argv[1]))
h = (v.get("review") or {}).get("anatomy", {}).get("heart_slices") or [0, v["slices"] - 1]
print(v["id"], h[0], h[1], v["slices"], len(v["lesions"]))' "$dir/view.json")
echo "opened (read, anatomy, scored): $(python3 -c "print(f'{$end - $start:.2f}')") s; $slices slices, $lesions lesions, heart slices $first-$last"
paths=()
for i in $(seq 0 11); do
  k=$((first + (last - first) * i / 11))
  paths+=("/api/scans/$id/slice?k=$k" "/api/scans/$id/overlay?k=$k")
done
load latency "$port" "$n" "${paths[@]}"

# Re-scoring after an assignment change: the server re-sums the measured lesions (target:
# < 20 ms). ${m:-50} PUTs of the whole assignment, alternating two (every candidate `coronary`,
# and the same with the first candidate LAD) so that each one changes it: client time (curl's
# time_total) and server time (Server-Timing), p50/p99/max.
m="${2:-50}"
python3 -c '
import json, sys
v = json.load(open(sys.argv[1]))
c = [l["id"] for l in v["lesions"] if l["status"] == "candidate"]
a = {str(i): "coronary" for i in c}
json.dump({"assignment": a}, open(sys.argv[2] + "/assign0.json", "w"))
if c:
    a[str(c[0])] = "LAD"
json.dump({"assignment": a}, open(sys.argv[2] + "/assign1.json", "w"))
print(f"assignment: {len(c)} candidates named")' "$dir/view.json" "$dir"
: >"$dir/puts.txt"
for i in $(seq "$m"); do
  curl -s -o "$dir/put.json" -D "$dir/headers" -w '%{time_total} %{size_download} ' \
    -X PUT "$url/api/scans/$id/assignment" -H "Origin: $url" -H "X-Vascalc-Token: $token" \
    -H 'Content-Type: application/json' --data @"$dir/assign$((i % 2)).json" >>"$dir/puts.txt"
  st=$(grep -i '^server-timing' "$dir/headers" | tr -d '\r' | sed -E 's/.*dur=([0-9.]+).*/\1/' || true)
  echo "$st" >>"$dir/puts.txt"
  grep -q '^HTTP/1.1 200' "$dir/headers" || { echo "PUT failed: $(head -c 300 "$dir/put.json")"; exit 1; }
done
python3 -c '
import sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
client = sorted(float(r[0]) * 1e3 for r in rows)
server = sorted(float(r[2]) for r in rows if len(r) > 2)
def q(v, p):
    return v[min(len(v) - 1, int(p * len(v)))]
def s(v):
    return f"p50 {q(v, 0.5):.2f} ms, p99 {q(v, 0.99):.2f} ms, max {v[-1]:.2f} ms" if v else "none"
print(f"assignment re-scored, {len(rows)} PUTs ({rows[-1][1]} bytes answered): client {s(client)} | server {s(server)}")' "$dir/puts.txt"
echo "load average: $(cut -d" " -f1-3 /proc/loadavg)"
