#!/usr/bin/env bash
# Benchmarks of the personal record, through the release binary:
#   1. `vascalc plan` on a database holding ten years of daily logs (target < 50 ms);
#   2. `vascalc import` of 100,000 food-log entries (target < 2 s).
# Also runs the store's divan benchmarks briefly. Prints the figures; needs python3 to write
# the input files.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q -p vascalc
bin=target/release/vascalc
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

python3 - "$dir" <<'PY'
import datetime, json, sys
out = sys.argv[1]
today = datetime.date.today()
foods = ["ndb:01123", "ndb:18075", "ndb:11457", "ndb:16015", "ndb:01009", "ndb:15237", "ndb:16113"]
def person(name, days, per_day):
    p = {"person": {"name": name, "birth_date": "1962-04-02", "sex": "male", "race": "white",
                    "height_cm": 178.0},
         "scans": [], "labs": [], "vitals": [], "activity": [], "medications": [], "foods": []}
    for back in range(days):
        d = (today - datetime.timedelta(days=back)).isoformat()
        for k in range(per_day):
            p["foods"].append({"date": d, "food_id": foods[(back + k) % len(foods)],
                               "grams": 40.0 + 10 * k})
        p["activity"].append({"date": d, "kind": "endurance", "minutes": 30.0 + back % 20})
        if back % 7 == 0:
            p["vitals"].append({"date": d, "systolic_mm_hg": 125.0 + back % 9,
                                "diastolic_mm_hg": 80.0, "weight_kg": 82.0})
    for i, y in enumerate((9, 6, 3)):
        p["scans"].append({"date": (today - datetime.timedelta(days=365 * y)).isoformat(),
                           "agatston": 40.0 + 35 * i, "source": "report"})
    p["labs"].append({"date": (today - datetime.timedelta(days=20)).isoformat(),
                      "analyte": "creatinine", "loinc": "2160-0", "value": 1.0, "unit": "mg/dL"})
    p["medications"].append({"name": "MK-7", "kind": "mk7", "dose": 180.0, "unit": "ug",
                             "start": (today - datetime.timedelta(days=2000)).isoformat()})
    return {"format": "vascalc-record", "version": 1, "people": [p]}
json.dump(person("Ten Years", 3650, 5), open(f"{out}/ten-years.json", "w"))
json.dump(person("Bulk", 20000, 5), open(f"{out}/bulk.json", "w"))  # 100,000 food entries
PY

"$bin" import --db "$dir/ten.db" "$dir/ten-years.json" >/dev/null
"$bin" plan --db "$dir/ten.db" >/dev/null  # warm the page cache
best=999999
for _ in $(seq 1 10); do
  t0=$(date +%s%N); "$bin" plan --db "$dir/ten.db" >/dev/null; t1=$(date +%s%N)
  t=$(( (t1 - t0) / 1000000 )); (( t < best )) && best=$t
done
echo "vascalc plan, ten years of daily logs (18,250 food entries, 3,650 activity days): best of 10 = ${best} ms (target < 50 ms)"

best=999999
for i in $(seq 1 3); do
  rm -f "$dir/bulk.db"*
  t0=$(date +%s%N); "$bin" import --db "$dir/bulk.db" "$dir/bulk.json" >/dev/null; t1=$(date +%s%N)
  t=$(( (t1 - t0) / 1000000 )); (( t < best )) && best=$t
done
echo "vascalc import, 100,000 food-log entries (+20,000 activity, 2,858 vitals) into a new file: best of 3 = ${best} ms (target < 2000 ms)"

echo "store benchmarks (divan):"
cargo bench -q -p vascalc-store --bench store 2>/dev/null | grep -E "import_100k|food_grams|fastest" || true
