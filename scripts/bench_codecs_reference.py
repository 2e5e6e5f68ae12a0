"""Decodes every file of a folder REPEATS times with pydicom and its compressed-pixel plugins
(pylibjpeg + pylibjpeg-libjpeg for JPEG lossless and JPEG-LS, pylibjpeg-openjpeg for JPEG 2000,
or GDCM with --gdcm), converting to HU as float32 like vascalc's load; single-threaded, as those
decoders are. Used by scripts/bench-codecs.sh, which times the process.

    python bench_codecs_reference.py DIR REPEATS [--gdcm]
"""
import os
import sys

import numpy as np
import pydicom

folder, repeats = sys.argv[1], int(sys.argv[2])
plugin = "gdcm" if "--gdcm" in sys.argv else None
files = sorted(os.path.join(folder, f) for f in os.listdir(folder))
for _ in range(repeats):
    voxels = 0
    for f in files:
        ds = pydicom.dcmread(f)
        if plugin:
            ds.pixel_array_options(decoding_plugin=plugin)
        hu = ds.pixel_array.astype(np.float32) * float(ds.RescaleSlope) + float(ds.RescaleIntercept)
        voxels += hu.size
print(voxels, file=sys.stderr)
