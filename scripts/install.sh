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

# The browser tests drive Debian's chromium (Playwright's own browser download is out of reach offline).
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing Debian's chromium for the browser tests..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "chromium is missing: install it (apt-get install chromium) for the browser tests" >&2
  fi
fi

stamp="$VENV/.veil-installed"
fingerprint=$(cat pyproject.toml scripts/install.sh | sha256sum | cut -c1-16)
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
echo "$fingerprint" > "$stamp"
echo "Veil installed in $VENV"
