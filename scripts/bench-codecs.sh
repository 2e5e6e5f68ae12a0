#!/usr/bin/env bash
# Decode throughput of the real 47-slice QRM series (../shared/data/ct/qrm-canon-large-rep1,
# 512 × 512 int16) transcoded by GDCM to JPEG lossless (process 14 SV1), JPEG-LS lossless and
# JPEG 2000 lossless, read by vascalc-dicom (headers, decoding, HU volume: the `decode_series`
# example) on 1 and 2 threads, side by side with pydicom + pylibjpeg (libjpeg, openjpeg) and
# pydicom + GDCM on one thread (scripts/bench_codecs_reference.py: dcmread, pixel_array, HU as
# float32). Prints wall and CPU time (user + system) per series load; CPU time is the steadier
# figure on a shared machine. The transcoded copies go to target/bench-codecs (not committed).
#
#   scripts/bench-codecs.sh [SERIES_DIR] [REPEATS]
#
# Needs: the Rust toolchain, python3 with venv/pip (a venv in target/bench-codecs-venv with
# pydicom, numpy, pylibjpeg, pylibjpeg-libjpeg, pylibjpeg-openjpeg, pyjpegls, python-gdcm from
# PyPI); PY=python3 uses an interpreter that already has them.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${VASCALC_TEST_DATA:-../shared/data}
[ -d "$DATA" ] || [ ! -d ../../shared/data ] || DATA=../../shared/data
SERIES="${1:-$DATA/ct/qrm-canon-large-rep1}"
REPEATS="${2:-5}"
[ -d "$SERIES" ] || { echo "series folder $SERIES not found" >&2; exit 4; }
TARGET=${CARGO_TARGET_DIR:-target}
OUT=target/bench-codecs

if [ -z "${PY:-}" ]; then
  VENV=target/bench-codecs-venv
  if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q numpy pydicom pylibjpeg pylibjpeg-libjpeg pylibjpeg-openjpeg pyjpegls python-gdcm
  fi
  PY="$VENV/bin/python"
fi

"$PY" - "$SERIES" "$OUT" <<'PYEOF'
import os, sys, gdcm
src, out = sys.argv[1], sys.argv[2]
T = gdcm.TransferSyntax
kinds = {"jpeg-lossless": T.JPEGLosslessProcess14_1, "jpeg-ls": T.JPEGLSLossless, "jpeg2000": T.JPEG2000Lossless}
for name, ts in kinds.items():
    d = os.path.join(out, name)
    os.makedirs(d, exist_ok=True)
    for f in sorted(os.listdir(src)):
        dst = os.path.join(d, f + ".dcm")
        if os.path.exists(dst):
            continue
        r = gdcm.ImageReader(); r.SetFileName(os.path.join(src, f))
        assert r.Read(), f
        c = gdcm.ImageChangeTransferSyntax(); c.SetTransferSyntax(T(ts)); c.SetInput(r.GetImage())
        assert c.Change(), (name, f)
        w = gdcm.ImageWriter(); w.SetFile(r.GetFile()); w.SetImage(c.GetOutput()); w.SetFileName(dst)
        assert w.Write(), f
PYEOF

cargo build --release -q -p vascalc-dicom --example decode_series
BIN="$TARGET/release/examples/decode_series"

# Wall and CPU ms per series load: the process runs REPEATS loads (after a warm-up run).
timed() {
  "$PY" - "$REPEATS" "$@" <<'PYEOF'
import resource, subprocess, sys, time
repeats, cmd = int(sys.argv[1]), sys.argv[2:]
subprocess.run(["1" if c == "REPEATS" else c for c in cmd], stderr=subprocess.DEVNULL, check=True)
cmd = [str(repeats) if c == "REPEATS" else c for c in cmd]
r0, t0 = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
subprocess.run(cmd, stderr=subprocess.DEVNULL, check=True)
t1, r1 = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime
print("%.0f %.0f" % ((t1 - t0) * 1e3 / repeats, cpu * 1e3 / repeats))
PYEOF
}

echo "== machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); $REPEATS loads of 47 slices each"
printf '%-14s %-26s %10s %10s\n' codec reader "wall ms" "CPU ms"
for codec in jpeg-lossless jpeg-ls jpeg2000; do
  dir="$OUT/$codec"
  read -r w1 c1 < <(RAYON_NUM_THREADS=1 timed "$BIN" "$dir" REPEATS)
  read -r w2 c2 < <(RAYON_NUM_THREADS=2 timed "$BIN" "$dir" REPEATS)
  read -r wp cp < <(timed "$PY" scripts/bench_codecs_reference.py "$dir" REPEATS)
  read -r wg cg < <(timed "$PY" scripts/bench_codecs_reference.py "$dir" REPEATS --gdcm)
  printf '%-14s %-26s %10s %10s\n' "$codec" "vascalc, 1 thread" "$w1" "$c1"
  printf '%-14s %-26s %10s %10s\n' "$codec" "vascalc, 2 threads" "$w2" "$c2"
  printf '%-14s %-26s %10s %10s\n' "$codec" "pydicom + pylibjpeg/-ls" "$wp" "$cp"
  printf '%-14s %-26s %10s %10s\n' "$codec" "pydicom + GDCM" "$wg" "$cg"
  awk -v w1="$w1" -v w2="$w2" -v c1="$c1" -v cp="$cp" -v cg="$cg" 'BEGIN {
    best = cp < cg ? cp : cg
    printf "%-14s per core: %.2fx the CPU time of the faster Python reader; 2 threads: %.2fx faster than 1 (wall)\n", "", c1 / best, w1 / w2 }'
done
