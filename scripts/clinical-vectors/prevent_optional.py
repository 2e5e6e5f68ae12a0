#!/usr/bin/env python3
"""Differential test vectors for the optional PREVENT models (base + ln UACR, base + HbA1c).

Reference: the AHA's own R package AHAprevent (`pred_risk_uacr`, `pred_risk_hba1c`), through a
public Python port that states "R parity: AHAprevent::pred_risk_uacr (10yr + 30yr)" and
"... pred_risk_hba1c ..." - files found in the code index as ids 63321052219 (UACR) and
63289179534 (HbA1c); the index does not name their repository. That port is independent of
preventr (whose sysdata.rda tables vascalc's constants are generated from), so these vectors
check vascalc's transcription against a second lineage of the coefficients, term by term over
the whole input ranges. No PyPI release of either exists, so nothing is pinned: the port's
code is not vendored here (it is not ours to copy).

--reference DIR must hold `uacr.py` and `hba1c.py`: the logit blocks of those two files,
verbatim, wrapped as `prevent_uacr(...)` / `prevent_hba1c(...)` with the port's signature
(sex 1 = female / 2 = male, age, tc, hdl, sbp, dm, smoking, bmi, egfr, bptreat, statin, value)
and returning fractions keyed cvd10, ascvd10, hf10, cvd30, ascvd30, hf30 (the port's own
wrappers need its package helpers; mmol_conversion is x * 0.02586 as in AHAprevent, adjust() is
the identity inside 0.1-25000 mg/g).

Usage: python3 scripts/clinical-vectors/prevent_optional.py --reference DIR [--n 2000]
Writes crates/vascalc-clinical/tests/data/prevent_optional_ahaprevent-port.csv
"""

import argparse
import importlib.util
import math
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "crates" / "vascalc-clinical" / "tests" / "data" / "prevent_optional_ahaprevent-port.csv"


def load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reference", required=True, type=Path)
    ap.add_argument("--n", type=int, default=2000, help="profiles per model")
    ap.add_argument("--seed", type=int, default=20261124)
    args = ap.parse_args()
    uacr = load(args.reference / "uacr.py", "ref_uacr").prevent_uacr
    hba1c = load(args.reference / "hba1c.py", "ref_hba1c").prevent_hba1c
    rng = random.Random(args.seed)
    lines = [
        "# reference: AHAprevent pred_risk_uacr / pred_risk_hba1c through its Python parity port "
        "(code index ids 63321052219, 63289179534); risks as fractions, 12 significant digits",
        "model,male,age,tc,hdl,sbp,diabetes,smoker,bmi,egfr,bp_treated,statin,value,"
        "cvd10,ascvd10,hf10,cvd30,ascvd30,hf30",
    ]
    for model, f in (("uacr", uacr), ("hba1c", hba1c)):
        for i in range(args.n):
            male = i % 2
            age = round(rng.uniform(30, 79), 1)
            tc = rng.randint(130, 320)
            hdl = rng.randint(20, 100)
            sbp = rng.randint(90, 180)
            dm, smk, tx, st = (rng.randint(0, 1) for _ in range(4))
            bmi = round(rng.uniform(18.5, 39.9), 1)
            egfr = rng.randint(15, 140)
            if model == "uacr":
                value = float(f"{math.exp(rng.uniform(math.log(0.1), math.log(25000))):.4g}")
                value = min(max(value, 0.1), 25000.0)
            else:
                value = round(rng.uniform(4.5, 15.0), 1)
            r = f(2.0 if male else 1.0, age, tc, hdl, sbp, dm, smk, bmi, egfr, tx, st, value)
            out = [r["cvd10"], r["ascvd10"], r["hf10"]]
            out += [r["cvd30"], r["ascvd30"], r["hf30"]] if age <= 59 else [None] * 3
            cells = [model, male, age, tc, hdl, sbp, dm, smk, bmi, egfr, tx, st, value]
            cells = [str(c) for c in cells] + ["" if v is None else f"{v:.12g}" for v in out]
            lines.append(",".join(cells))
    OUT.write_text("\n".join(lines) + "\n")
    print(f"wrote {OUT} ({len(lines) - 2} rows)")


if __name__ == "__main__":
    main()
