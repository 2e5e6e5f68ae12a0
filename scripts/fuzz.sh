#!/usr/bin/env bash
# Fuzzing of the DICOM reader (fuzz/): builds the seed corpus from ../shared/data (never
# committed: fuzz/corpus is ignored) and runs every target under cargo-fuzz (nightly, libFuzzer,
# AddressSanitizer) with the limits of issue 13: no input may take more than 10 s or allocate more
# than 2 GB.
#
#   scripts/fuzz.sh corpus            build fuzz/corpus/<target>/ from the real data
#   scripts/fuzz.sh run SECONDS [T…]  run each target (default: all) SECONDS, one after another
#
# CI runs `scripts/fuzz.sh run 60` (about a minute a target); the long run is the same command
# with a larger figure under `nice -n 10` (docs/ct-scoring.md, "Fuzzing", records its results).
# Per target the closing line gives executions, exec/s and coverage (libFuzzer's final stats).
# FUZZ_ARGS adds libFuzzer options; FUZZ_MAX_LEN sets the largest input (default 64 KiB).
set -euo pipefail
cd "$(dirname "$0")/.."
TARGETS=(header decode_file rle jpeg_lossless jpeg_ls jpeg2000 dicom_to_volume)
DATA=${VASCALC_TEST_DATA:-../shared/data}
[ -d "$DATA" ] || [ ! -d ../../shared/data ] || DATA=../../shared/data # a worktree one level deeper

corpus() {
  local ct="$DATA/ct"
  if [ ! -d "$ct/wg04" ]; then
    echo "no seed data at $ct/wg04: the targets start from an empty corpus" >&2
    mkdir -p "${TARGETS[@]/#/fuzz/corpus/}"
    return
  fi
  for t in header decode_file dicom_to_volume; do
    mkdir -p "fuzz/corpus/$t"
    cp "$ct"/wg04/*.dcm "fuzz/corpus/$t/"
    [ -d "$ct/dcmqi-ct-3slice" ] && cp "$ct"/dcmqi-ct-3slice/*.dcm "fuzz/corpus/$t/"
    if [ -d "$ct/qrm-canon-large-rep1" ]; then
      for f in $(ls "$ct/qrm-canon-large-rep1" | head -2); do
        cp "$ct/qrm-canon-large-rep1/$f" "fuzz/corpus/$t/qrm-$f"
      done
    fi
  done
  # Decoder targets: Columns, Rows (u16 LE), a bits byte (0 = 16 bits), then one frame's
  # compressed bytes, cut from the WG04 files of that transfer syntax.
  python3 - "$ct/wg04" <<'PY'
import os, struct, sys
src = sys.argv[1]
kinds = {"rle": ["RLE"], "jpeg_lossless": ["JPLL"], "jpeg_ls": ["JLSL", "JLSN"], "jpeg2000": ["J2KR", "J2KI"]}
def fragments(data):
    at = data.find(b"\xe0\x7f\x10\x00OB\x00\x00\xff\xff\xff\xff")
    if at < 0:
        return []
    pos, out = at + 12, []
    while pos + 8 <= len(data):
        g, e, n = struct.unpack_from("<HHI", data, pos)
        pos += 8
        if (g, e) != (0xFFFE, 0xE000):
            break
        out.append(data[pos:pos + n])
        pos += n
    return out[1:]
def dims(data):
    # Rows (0028,0010) and Columns (0028,0011), explicit VR US.
    r = data.find(b"\x28\x00\x10\x00US\x02\x00")
    c = data.find(b"\x28\x00\x11\x00US\x02\x00")
    return struct.unpack_from("<H", data, r + 8)[0], struct.unpack_from("<H", data, c + 8)[0]
for target, suffixes in kinds.items():
    out = os.path.join("fuzz", "corpus", target)
    os.makedirs(out, exist_ok=True)
    for ct in ("CT1", "CT2"):
        for s in suffixes:
            data = open(os.path.join(src, f"{ct}_{s}.dcm"), "rb").read()
            rows, cols = dims(data)
            frame = b"".join(fragments(data))
            with open(os.path.join(out, f"{ct}_{s}"), "wb") as f:
                f.write(struct.pack("<HHB", cols, rows, 0) + frame)
PY
  # Small seeds (a 64 × 64 crop of WG04 CT1 in every transfer syntax) keep executions fast;
  # they need pydicom and python-gdcm (PyPI) and are skipped without them.
  if python3 -c 'import gdcm, pydicom' 2>/dev/null; then
    python3 - "$ct/wg04/CT1_UNC.dcm" <<'PY'
import os, struct, sys, tempfile
import gdcm, pydicom
ds = pydicom.dcmread(sys.argv[1])
crop = ds.pixel_array[200:264, 200:264].copy()
ds.Rows, ds.Columns = crop.shape
ds.PixelData = crop.tobytes()
tmp = tempfile.mkdtemp()
src = os.path.join(tmp, "small_UNC.dcm")
ds.save_as(src, enforce_file_format=True)
T = gdcm.TransferSyntax
kinds = {"rle": T.RLELossless, "jpeg_lossless": T.JPEGLosslessProcess14_1,
         "jpeg_ls": T.JPEGLSLossless, "jpeg2000": T.JPEG2000Lossless}
def fragments(data):
    at = data.find(b"\xe0\x7f\x10\x00OB\x00\x00\xff\xff\xff\xff")
    pos, out = at + 12, []
    while pos + 8 <= len(data):
        g, e, n = struct.unpack_from("<HHI", data, pos)
        pos += 8
        if (g, e) != (0xFFFE, 0xE000):
            break
        out.append(data[pos:pos + n])
        pos += n
    return out[1:]
for target, ts in kinds.items():
    r = gdcm.ImageReader(); r.SetFileName(src); r.Read()
    c = gdcm.ImageChangeTransferSyntax(); c.SetTransferSyntax(T(ts)); c.SetInput(r.GetImage())
    if not c.Change():
        continue
    dst = os.path.join(tmp, f"small_{target}.dcm")
    w = gdcm.ImageWriter(); w.SetFile(r.GetFile()); w.SetImage(c.GetOutput()); w.SetFileName(dst); w.Write()
    data = open(dst, "rb").read()
    with open(os.path.join("fuzz", "corpus", target, "small"), "wb") as f:
        f.write(struct.pack("<HHB", 64, 64, 0) + b"".join(fragments(data)))
    for whole in ("header", "decode_file", "dicom_to_volume"):
        open(os.path.join("fuzz", "corpus", whole, f"small_{target}.dcm"), "wb").write(data)
for whole in ("header", "decode_file", "dicom_to_volume"):
    open(os.path.join("fuzz", "corpus", whole, "small_UNC.dcm"), "wb").write(open(src, "rb").read())
PY
  else
    echo "no pydicom + python-gdcm: small seeds skipped (the runs are slower on 512 x 512 seeds)"
  fi
  for t in "${TARGETS[@]}"; do
    echo "corpus $t: $(ls "fuzz/corpus/$t" | wc -l) seed(s)"
  done
}

run() {
  local seconds=$1
  shift
  local targets=("$@")
  [ ${#targets[@]} -gt 0 ] || targets=("${TARGETS[@]}")
  if ! rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
    echo "fuzz run SKIPPED: no nightly toolchain (cargo-fuzz needs it for libFuzzer and sanitizers)"
    return 0
  fi
  if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
    echo "installing cargo-fuzz from crates.io"
    cargo install --locked cargo-fuzz >/dev/null
  fi
  [ -d fuzz/corpus/header ] || corpus
  mkdir -p fuzz/artifacts
  for t in "${targets[@]}"; do
    mkdir -p "fuzz/corpus/$t" "fuzz/artifacts/$t"
    echo "== fuzz $t for ${seconds}s"
    # -rss_limit_mb/-malloc_limit_mb: an input that makes the process exceed 2 GB, or one
    # allocation above 2 GB, is a failure; -timeout: one input over 10 s is a failure.
    # -O: release build without overflow checks, as vascalc ships (debug overflow panics in
    # pure_jpegls on crafted streams are documented in docs/ct-scoring.md, "Upstream").
    # -max_len: inputs up to 64 KiB (the small seeds) keep the run fast.
    cargo +nightly fuzz run -O "$t" "fuzz/corpus/$t" -- \
      -max_total_time="$seconds" -rss_limit_mb=2048 -malloc_limit_mb=2048 -timeout=10 \
      -max_len="${FUZZ_MAX_LEN:-65536}" \
      -artifact_prefix="fuzz/artifacts/$t/" -print_final_stats=1 ${FUZZ_ARGS:-} 2>"fuzz/artifacts/$t.log" \
      || { tail -n 40 "fuzz/artifacts/$t.log"; echo "fuzz $t FAILED (input in fuzz/artifacts/$t/)"; exit 1; }
    # The closing status line: executions, coverage, corpus; and the final exec/s.
    grep -E '^#[0-9]+.*(DONE|pulse|NEW|REDUCE)' "fuzz/artifacts/$t.log" | tail -n 1
    grep -E 'stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' "fuzz/artifacts/$t.log" || true
  done
}

case "${1:-}" in
  corpus) corpus ;;
  run) shift; run "${1:-60}" "${@:2}" ;;
  *) echo "usage: scripts/fuzz.sh corpus | run SECONDS [TARGET…]" >&2; exit 2 ;;
esac
