#!/usr/bin/env bash
# Creates .venv and installs Veil with everything it needs, offline-capable models included.
# Idempotent: a second run only checks. Called by `make run` and `make test` (and so by CI).
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null || PY=python3
VENV=.venv
PIP="$VENV/bin/pip"

# llama.cpp's default build uses every CPU feature the build machine advertises (GGML_NATIVE);
# on VMs that advertise AMX/AVX-512 but do not execute them it crashes with "Illegal instruction".
LLAMA_VERSION=0.3.36
LLAMA_CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON"
# unstructured's PDF path imports unstructured_inference, but its dependencies pull torchvision,
# which breaks torch 2.13.0 and sentence-transformers: install it alone (pyproject lists what it needs).
INFERENCE_VERSION=1.6.14

# Debian packages Veil runs (never downloaded at run time): installed when missing and we are root.
apt_updated=
apt_install() {  # $1: what it is for, then the packages
  local why=$1; shift
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing Debian's $* for $why..."
    [ -n "$apt_updated" ] || { apt-get update -qq; apt_updated=1; }
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  else
    echo "missing: install $* (apt-get install $*) for $why" >&2
  fi
}
# The browser tests drive Debian's chromium (Playwright's own browser download is out of reach offline).
command -v chromium >/dev/null 2>&1 || apt_install "the browser tests" chromium
# OCR of scanned PDFs and images (parsing.ocr): Tesseract with its English data and orientation
# detection; Poppler's pdftoppm renders PDF pages for it.
tesseract_langs=$(tesseract --list-langs 2>/dev/null || true)
grep -qx eng <<<"$tesseract_langs" \
  || apt_install "OCR of scanned pages and images" tesseract-ocr tesseract-ocr-eng tesseract-ocr-osd
command -v pdftoppm >/dev/null 2>&1 || apt_install "OCR of scanned PDFs" poppler-utils
# Legacy .doc/.ppt need LibreOffice (several hundred MB): not installed here, only named.
command -v soffice >/dev/null 2>&1 \
  || echo "note: legacy .doc/.ppt files need LibreOffice (apt-get install libreoffice-writer-nogui libreoffice-impress-nogui)" >&2

stamp="$VENV/.veil-installed"
fingerprint=$(cat pyproject.toml scripts/install.sh retrieval/onnx_export.py | sha256sum | cut -c1-16)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$fingerprint" ]; then
  exit 0
fi

[ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
"$PIP" install --quiet --upgrade "pip>=25,<27"
# torch first and alone, so nothing later resolves a different (CUDA, multi-GB) build.
"$PIP" install --quiet "torch==2.13.0"

if ! "$VENV/bin/python" -c "import llama_cpp" 2>/dev/null; then
  echo "building llama-cpp-python $LLAMA_VERSION with portable CPU flags (about 7 minutes on 2 cores)..."
  # A cache of its own: a wheel built with other flags must never be reused.
  CMAKE_ARGS="$LLAMA_CMAKE_ARGS" PIP_CACHE_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/veil/pip-llama-portable" \
    "$PIP" install --quiet "llama-cpp-python==$LLAMA_VERSION"
fi

"$PIP" install --quiet -e ".[test]"
"$PIP" install --quiet --no-deps "unstructured-inference==$INFERENCE_VERSION"

if "$VENV/bin/python" -c "import torchvision" 2>/dev/null; then
  echo "torchvision got installed; it breaks sentence-transformers beside torch 2.13.0" >&2
  exit 1
fi
# embedding.kind: onnx runs MiniLM exported to ONNX and quantised to int8, from the packaged weights
# (nothing downloaded, nothing in git): made once here, into the virtual environment.
"$VENV/bin/python" -m retrieval.onnx_export
# Name ranks and drug names extracted from their packages' data into the user's cache (about 20 s,
# once): a first ingest would otherwise pay for it.
"$VENV/bin/python" -m core.vocabulary
echo "$fingerprint" > "$stamp"
echo "Veil installed in $VENV"
