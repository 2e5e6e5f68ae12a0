#!/usr/bin/env python3
"""Generate differential test vectors for vascalc-clinical from independent implementations.

References (PyPI, pinned):
  * ascvd 0.5      - the ACC/AHA Pooled Cohort Equations at the "calculator" precision
                     (a port of the Cerner ASCVD risk calculator); prints percent to 1 decimal.
  * pyprevent 0.1.6 - the AHA PREVENT base model (total CVD, ASCVD, heart failure; 10 and 30
                     years), Rust core; returns full-precision percent.
    pyprevent needs numpy and pandas at run time without declaring them; they are pinned too.

pyprevent's known wrong coefficient (research/risk-equations.md section 2): its source was found
to use 1.0 for diabetes in the women's 10-year heart-failure equation where the published model
(preventr's sysdata, the Stata port prevent10) has 1.038346. This script probes the installed
version with preventr's published example (woman 50, diabetes: 10-year HF 0.081 with 1.038346,
0.078 with 1.0) and records the coefficient it found in the PREVENT file's first line as
`hf10_female_diabetes=...`. The vectors keep pyprevent's raw output; when the probe finds 1.0,
the Rust test adds 0.038346 to the logit of those rows (women, 10-year HF, diabetes) before
comparing - see crates/vascalc-clinical/tests/differential.rs. (pyprevent 0.1.6 was found to use
1.038346, i.e. the error is fixed in that release.)

Usage:  python3 scripts/clinical-vectors/generate.py [--n 4000] [--seed 20261124]
It creates a virtual environment under target/clinical-vectors-venv (first run only), installs the
pinned packages there, re-runs itself inside it, and writes
  crates/vascalc-clinical/tests/data/pce_ascvd-0.5.csv
  crates/vascalc-clinical/tests/data/prevent_pyprevent-0.1.6.csv
"""

import argparse
import os
import random
import subprocess
import sys
from pathlib import Path

PINNED = ["ascvd==0.5", "pyprevent==0.1.6", "numpy==2.1.3", "pandas==2.2.3"]
ROOT = Path(__file__).resolve().parents[2]
VENV = ROOT / "target" / "clinical-vectors-venv"
OUT = ROOT / "crates" / "vascalc-clinical" / "tests" / "data"


def ensure_venv():
    """Re-executes this script inside the pinned venv unless already there."""
    if os.environ.get("VASCALC_VECTORS_VENV") == "1":
        return
    py = VENV / "bin" / "python"
    if not py.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(py), "-m", "pip", "install", "-q", *PINNED], check=True)
    env = dict(os.environ, VASCALC_VECTORS_VENV="1")
    sys.exit(subprocess.run([str(py), __file__, *sys.argv[1:]], env=env).returncode)


def pick(rng, lo, hi, decimals, edge=0.08):
    """A value in [lo, hi]; with probability `edge` exactly a bound."""
    r = rng.random()
    if r < edge / 2:
        return lo
    if r < edge:
        return hi
    return round(rng.uniform(lo, hi), decimals)


def flag(rng):
    return rng.random() < 0.5


def pce_rows(rng, n):
    import ascvd
    from importlib.metadata import version

    assert version("ascvd") == "0.5"
    header = "# reference: PyPI ascvd 0.5 (compute_ten_year_score, calculator precision, percent to 1 decimal)\n"
    lines = [header, "male,black,smoker,bp_treated,diabetes,age,sbp,tc,hdl,percent\n"]
    for _ in range(n):
        male, black, smoker, treated, dm = (flag(rng) for _ in range(5))
        age = pick(rng, 40, 79, 0)
        sbp = pick(rng, 90, 200, 0)
        tc = pick(rng, 130, 320, 0)
        hdl = pick(rng, 20, 100, 0)
        pct = ascvd.compute_ten_year_score(
            isMale=male,
            isBlack=black,
            smoker=smoker,
            hypertensive=treated,
            diabetic=dm,
            age=age,
            systolicBloodPressure=sbp,
            totalCholesterol=tc,
            hdl=hdl,
        )
        b = lambda v: "1" if v else "0"  # noqa: E731
        lines.append(
            f"{b(male)},{b(black)},{b(smoker)},{b(treated)},{b(dm)},{age:g},{sbp:g},{tc:g},{hdl:g},{pct:.1f}\n"
        )
    return lines


def prevent_rows(rng, n):
    import pyprevent as p
    from importlib.metadata import version

    assert version("pyprevent") == "0.1.6"
    probe = p.calculate_10_yr_heart_failure_risk(
        "female", 50, 200, 45, 160, True, False, 35, 90, True, False
    )
    found = {0.081: "1.038346", 0.078: "1.0"}.get(round(probe / 100, 3))
    if found is None:
        sys.exit(f"pyprevent probe gave {probe}: neither known coefficient; check the reference")
    header = (
        "# reference: PyPI pyprevent 0.1.6 (PREVENT base model, percent, raw output); "
        f"hf10_female_diabetes={found} (probe: preventr's published woman-50 example)\n"
    )
    lines = [
        header,
        "male,age,tc,hdl,sbp,diabetes,smoker,bmi,egfr,bp_treated,statin,"
        "cvd10,ascvd10,hf10,cvd30,ascvd30,hf30\n",
    ]
    for _ in range(n):
        male = flag(rng)
        age = pick(rng, 30, 79, 1)
        tc = pick(rng, 130, 320, 0)
        hdl = pick(rng, 20, 100, 0)
        sbp = pick(rng, 90, 200, 0)
        dm, smoker, treated, statin = (flag(rng) for _ in range(4))
        bmi = pick(rng, 18.5, 39.9, 1)
        egfr = pick(rng, 15, 140, 0)
        args = ("male" if male else "female", age, tc, hdl, sbp, dm, smoker, bmi, egfr, treated, statin)
        ten = [
            p.calculate_10_yr_cvd_risk(*args),
            p.calculate_10_yr_ascvd_risk(*args),
            p.calculate_10_yr_heart_failure_risk(*args),
        ]
        if age <= 59:
            thirty = [
                p.calculate_30_yr_cvd_risk(*args),
                p.calculate_30_yr_ascvd_risk(*args),
                p.calculate_30_yr_heart_failure_risk(*args),
            ]
        else:
            thirty = None
        b = lambda v: "1" if v else "0"  # noqa: E731
        f = lambda v: f"{v:.10g}"  # noqa: E731
        outs = ",".join(f(v) for v in ten) + "," + (",".join(f(v) for v in thirty) if thirty else ",,")
        lines.append(
            f"{b(male)},{age:g},{tc:g},{hdl:g},{sbp:g},{b(dm)},{b(smoker)},{bmi:g},{egfr:g},"
            f"{b(treated)},{b(statin)},{outs}\n"
        )
    return lines


def main():
    ensure_venv()
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=4000)
    ap.add_argument("--seed", type=int, default=20261124)
    a = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    rng = random.Random(a.seed)
    (OUT / "pce_ascvd-0.5.csv").write_text("".join(pce_rows(rng, a.n)))
    (OUT / "prevent_pyprevent-0.1.6.csv").write_text("".join(prevent_rows(rng, a.n)))
    print(f"wrote {a.n} PCE and {a.n} PREVENT vectors to {OUT}")


if __name__ == "__main__":
    main()
