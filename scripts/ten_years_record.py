"""The benchmark records: ten years of daily logs for one person (ten-years.json) and 100,000
food-log entries (bulk.json), in vascalc's import format. Used by scripts/bench-record.sh and
scripts/bench-web.sh. Usage: ten_years_record.py OUT_DIR"""
import datetime, json, sys
out = sys.argv[1]
today = datetime.date.today()
foods = ["ndb:01123", "ndb:18075", "ndb:11457", "ndb:16015", "ndb:01009", "ndb:15237", "ndb:16113"]
def person(name, days, per_day, with_doses):
    p = {"person": {"name": name, "birth_date": "1962-04-02", "sex": "male", "race": "white",
                    "height_cm": 178.0},
         "scans": [], "labs": [], "vitals": [], "activity": [], "medications": [], "doses": [],
         "foods": []}
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
    courses = [("MK-7", "mk7", 180.0, "ug"), ("magnesium citrate", "magnesium", 300.0, "mg"),
               ("atorvastatin", "statin", 20.0, "mg")]
    start = today - datetime.timedelta(days=min(days, 3650) - 1)
    for name, kind, dose, unit in courses:
        p["medications"].append({"name": name, "kind": kind, "dose": dose, "unit": unit,
                                 "start": start.isoformat()})
    if with_doses:  # a dose of each on 9 days out of 10
        for back in range(days):
            d = (today - datetime.timedelta(days=back)).isoformat()
            for k, (name, kind, dose, unit) in enumerate(courses):
                if (back + 3 * k) % 10:
                    p["doses"].append({"date": d, "name": name, "kind": kind, "dose": dose,
                                       "unit": unit})
    return {"format": "vascalc-record", "version": 1, "people": [p]}
json.dump(person("Ten Years", 3650, 5, True), open(f"{out}/ten-years.json", "w"))
json.dump(person("Bulk", 20000, 5, False), open(f"{out}/bulk.json", "w"))  # 100,000 food entries
