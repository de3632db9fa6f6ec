#!/usr/bin/env bash
# Builds the solution, runs every test project, and prints one line: "N passed, N failed[, N skipped]".
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/install-test-tools.sh

results="$root/artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"

status=0
dotnet build Operator.sln -c Release -warnaserror --nologo -v quiet || exit $?
dotnet test Operator.sln -c Release --no-build --nologo \
  --logger "trx" --results-directory "$results" -- RunConfiguration.TestSessionTimeout=1500000 || status=$?

# Sum the counters of every project's TRX report.
read -r passed failed skipped < <(
  cat "$results"/*.trx 2>/dev/null | tr ' ' '\n' | awk -F'"' '
    /^passed=/ { p += $2 } /^failed=/ { f += $2 } /^notExecuted=/ { s += $2 } /^error=/ { f += $2 } /^timeout=/ { f += $2 } /^aborted=/ { f += $2 }
    END { printf "%d %d %d\n", p, f, s }')
if [ "$passed" -eq 0 ] && [ "$failed" -eq 0 ]; then
  echo "test.sh: no test results were written" >&2
  status=1
fi
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1  # a project crashed or timed out before reporting
fi

line="$passed passed, $failed failed"
if [ "$skipped" -gt 0 ]; then line="$line, $skipped skipped"; fi
echo "$line"
exit "$status"
