#!/usr/bin/env bash
# Runs the `likeness` CLI from this checkout (built by tools/install.sh).
here=$(cd "$(dirname "$0")/.." && pwd)
dll="$here/src/Likeness.Cli/bin/Release/net10.0/likeness.dll"
if [ ! -f "$dll" ]; then
  echo "likeness is not built yet: run tools/install.sh first" >&2
  exit 1
fi
if [ -z "${LIKENESS_MODEL_MIRROR:-}" ] && [ -d "$here/../shared/models" ]; then
  export LIKENESS_MODEL_MIRROR="$here/../shared/models"
fi
exec dotnet "$dll" "$@"
