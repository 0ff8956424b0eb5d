#!/usr/bin/env bash
# Installs what Likeness needs that a fresh Debian/Ubuntu machine with the .NET SDK lacks.
# Idempotent and quick when everything is present. Usage: tools/install.sh [--no-models]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"

with_models=1
for arg in "$@"; do
  case "$arg" in
    --no-models) with_models=0 ;;
    *) echo "install.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done

say() { printf '[install] %s\n' "$*"; }
need_root() { if [ "$(id -u)" -ne 0 ]; then echo sudo; fi; }

# 1. Debian runtime libraries for the image codecs, SkiaSharp text (libfontconfig1) and tools the tests use.
missing=()
for pkg in libturbojpeg0 libpng16-16 libwebp7 libfontconfig1 ca-certificates; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
done
command -v npm >/dev/null || missing+=(npm)
command -v ffmpeg >/dev/null || missing+=(ffmpeg)
# Debian's Chromium: the web studio's Playwright tests drive it headless (Playwright's own browser download is not used).
command -v chromium >/dev/null || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  say "apt-get install ${missing[*]}"
  $(need_root) apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $(need_root) apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# 1b. An S3-API server for the scale-out tests (npm's s3rver, on loopback only; PyPI is not reachable here).
if [ ! -x "$here/.cache/s3rver/node_modules/.bin/s3rver" ]; then
  say "npm install s3rver (into .cache/s3rver)"
  npm install --silent --no-audit --no-fund --prefix "$here/.cache/s3rver" s3rver@3.7.1 >/dev/null
fi

# 2. ONNX Runtime comes with the build: the Microsoft.ML.OnnxRuntime NuGet package ships its native library.

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
