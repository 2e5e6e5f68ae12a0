"""Reference scorer for scripts/bench-ct.sh: a straightforward vectorised pydicom + numpy + scipy
implementation of vascalc's "classic" convention (>= 130 HU, 2D 8-connected lesions per slice,
area >= 1 mm2, weight from the per-slice peak in half-open bins, x increment/3 mm, increment from
ImagePositionPatient along the slice normal, per-slice rescale, padding excluded).

Usage: python bench_ct_reference.py FOLDER  -> prints one JSON line with totals and timings.
"""

import json
import os
import sys
import time

import numpy as np
import pydicom
from scipy import ndimage


def load(folder):
    paths = sorted(os.path.join(d, f) for d, _, fs in os.walk(folder) for f in fs)
    slices = []
    for p in paths:
        try:
            ds = pydicom.dcmread(p)
        except Exception:
            continue
        if "PixelData" not in ds or getattr(ds, "Modality", "CT") != "CT":
            continue
        slices.append(ds)
    iop = np.asarray(slices[0].ImageOrientationPatient, dtype=float)
    normal = np.cross(iop[:3], iop[3:])
    z = np.array([np.dot(np.asarray(s.ImagePositionPatient, dtype=float), normal) for s in slices])
    order = np.argsort(z)
    slices = [slices[i] for i in order]
    z = z[order]
    hu = np.empty((len(slices), slices[0].Rows, slices[0].Columns), dtype=np.float32)
    for k, s in enumerate(slices):
        stored = s.pixel_array
        hu[k] = stored * np.float32(float(s.RescaleSlope)) + np.float32(float(s.RescaleIntercept))
        pad = getattr(s, "PixelPaddingValue", None)
        if pad is not None:
            hu[k][stored == pad] = np.nan
    dy, dx = (float(v) for v in slices[0].PixelSpacing)
    return hu, dx * dy, float(np.median(np.diff(z)))


def classic(hu, pixel_area, increment):
    mask = hu >= 130.0  # NaN compares False
    structure = np.zeros((3, 3, 3), dtype=bool)
    structure[1] = True  # 8-connected within a slice, never across slices
    labels, n = ndimage.label(mask, structure=structure)
    if n == 0:
        return 0.0, 0, 0.0
    # Work on the calcium voxels only (scipy's ndimage.maximum over thousands of labels takes
    # seconds; this is the vectorised equivalent).
    lab = labels[mask]
    counts = np.bincount(lab, minlength=n + 1)[1:]
    peaks = np.full(n + 1, -np.inf, dtype=np.float32)
    np.maximum.at(peaks, lab, hu[mask])
    peaks = peaks[1:]
    area = counts * pixel_area
    keep = area >= 1.0 - 1e-9
    weight = np.select([peaks >= 400, peaks >= 300, peaks >= 200, peaks >= 130], [4, 3, 2, 1], 0)
    agatston = float(np.sum(area[keep] * weight[keep]) * increment / 3.0)
    volume = float(np.sum(counts[keep]) * pixel_area * increment)
    return agatston, int(keep.sum()), volume


def main():
    t0 = time.perf_counter()
    hu, pixel_area, increment = load(sys.argv[1])
    t1 = time.perf_counter()
    agatston, lesions, volume = classic(hu, pixel_area, increment)
    t2 = time.perf_counter()
    print(json.dumps({
        "agatston": agatston, "lesions": lesions, "volume_mm3": volume,
        "load_ms": (t1 - t0) * 1e3, "score_ms": (t2 - t1) * 1e3,
    }))


if __name__ == "__main__":
    main()
