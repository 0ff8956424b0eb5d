#!/usr/bin/env bash
# Installs what is missing, then runs every test suite. CI (.ci/run) calls exactly this.
# Usage: tools/test.sh [extra dotnet test args]
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"

tools/install.sh || { echo "tools/test.sh: install failed" >&2; exit 1; }

if [ -z "${LIKENESS_MODEL_MIRROR:-}" ] && [ -d "$here/../shared/models" ]; then
  export LIKENESS_MODEL_MIRROR="$here/../shared/models"
fi

# Servers some suites need run on loopback only; each script is idempotent and prints env assignments.
for svc in tools/postgres.sh tools/rabbitmq.sh; do
  if [ -x "$svc" ]; then
    if out=$("$svc" start); then eval "$out"; else echo "tools/test.sh: $svc failed; its suites will skip" >&2; fi
  fi
done

log=$(mktemp)
dotnet test Likeness.slnx -c Release --no-restore "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

for svc in tools/postgres.sh tools/rabbitmq.sh; do [ -x "$svc" ] && "$svc" stop >/dev/null 2>&1; done

# One plain summary line over all test projects: "N passed, N failed, N skipped".
awk '/(Passed|Failed)! +- +Failed:/ {
       for (i = 1; i <= NF; i++) { gsub(",", "", $(i+1));
         if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) } }
     END { printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$log"
rm -f "$log"
exit "$status"
