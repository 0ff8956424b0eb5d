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

log=$(mktemp)
status=0
# Every suite but the browser one, with SQLite for the server tests (the PostgreSQL-only check runs in a later pass).
dotnet test Likeness.slnx -c Release --no-restore --filter "Database!=PostgreSQL&FullyQualifiedName!~Likeness.Studio.Tests" "$@" 2>&1 | tee -a "$log"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1

# The studio in a real Chromium, on its own: run beside three other test hosts on two cores, a page's own
# fetch and navigation waited past Playwright's 30 s (CI stop 24), which says nothing about the studio.
dotnet test tests/Likeness.Studio.Tests -c Release --no-restore --no-build "$@" 2>&1 | tee -a "$log"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1

# The server suite again against a real PostgreSQL on loopback (Debian's package, throwaway cluster).
if pg=$(tools/postgres.sh start); then
  LIKENESS_TEST_POSTGRES="$pg" dotnet test tests/Likeness.Server.Tests -c Release --no-restore --no-build "$@" 2>&1 | tee -a "$log"
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
  tools/postgres.sh stop >/dev/null 2>&1 || true
else
  echo "tools/test.sh: PostgreSQL could not be started; the PostgreSQL run of the server suite FAILED" >&2
  status=1
fi

# Live provider contract tests (real, paid APIs): always compiled, run only when asked for and only for the
# providers whose keys are set. Never counted as passed or skipped when not run. See docs/providers.md.
live=tests/Likeness.Providers.LiveTests
if ! dotnet build "$live" -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null; then
  echo "tools/test.sh: the live provider contract tests do not build" >&2
  status=1
elif [ "${LIKENESS_LIVE_PROVIDERS:-}" = "1" ]; then
  filter="FullyQualifiedName~SpendCap"; without=()
  for pair in fal:FAL_KEY gemini:GEMINI_API_KEY replicate:REPLICATE_API_TOKEN huggingface:HF_TOKEN; do
    provider=${pair%%:*}; key=${pair#*:}
    if [ -n "${!key:-}" ]; then filter="$filter|Provider=$provider"; else without+=("$provider ($key)"); fi
  done
  if [ "$filter" = "FullyQualifiedName~SpendCap" ]; then
    echo "live provider contract tests: not run (set LIKENESS_LIVE_PROVIDERS=1 and keys)"
  else
    dotnet test "$live" -c Release --no-build --filter "$filter" "$@" 2>&1 | tee -a "$log"
    [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
    [ ${#without[@]} -eq 0 ] || echo "live provider contract tests: not run for ${without[*]}"
  fi
else
  echo "live provider contract tests: not run (set LIKENESS_LIVE_PROVIDERS=1 and keys)"
fi

# One plain summary line over all test projects: "N passed, N failed, N skipped".
awk '/(Passed|Failed)! +- +Failed:/ {
       for (i = 1; i <= NF; i++) { gsub(",", "", $(i+1));
         if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) } }
     END { printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$log" | tee "$log.summary"
# CI (where ../shared is present) counts a skipped test as a failure: a missing model or photo must not turn it green.
if [ "${LIKENESS_FAIL_ON_SKIP:-0}" = 1 ] && ! grep -q ' 0 skipped$' "$log.summary"; then
  echo "tools/test.sh: tests were skipped although ../shared is present (LIKENESS_FAIL_ON_SKIP=1): the list above says why; fix the mirror or the test" >&2
  grep -E '^\s+Skipped ' "$log" >&2 || true
  status=1
fi
rm -f "$log" "$log.summary"
exit "$status"
