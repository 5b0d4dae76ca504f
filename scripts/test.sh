#!/usr/bin/env bash
# Runs the whole test suite: installs the Debian packages the node and the tests need
# (.ci/apt-runtime.txt and .ci/apt-packages.txt), starts a private
# PostgreSQL on 127.0.0.1, then `dotnet test` over the solution. Arguments go to dotnet test
# (for example --filter "FullyQualifiedName~Actors").
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/scripts/lib.sh"
ensure_dotnet
mapfile -t packages < <(project_apt_packages)
[ ${#packages[@]} -gt 0 ] && ensure_apt_packages "${packages[@]}"
eval "$("$root/scripts/postgres.sh")"
export ORCH_TEST_PG
cd "$root"
dotnet build Orchestrator.sln -c Release -nologo -v q
# One test project at a time: the media tests measure timing and must not share 2 cores with the
# rest of the suite. A hung test is killed (and reported) instead of eating CI's time.
dotnet test Orchestrator.sln -c Release --no-build -nologo -m:1 --blame-hang-timeout 10m "$@" 2>&1 | tee /tmp/orch-test-output.txt
status=${PIPESTATUS[0]}
# One plain closing line over all test projects.
awk '/^(Passed!|Failed!)/ { for (i=1;i<=NF;i++) { if ($i=="Failed:") f+=$(i+1); if ($i=="Passed:") p+=$(i+1); if ($i=="Skipped:") s+=$(i+1) } }
     END { printf "%d passed, %d failed, %d skipped\n", p, f, s }' /tmp/orch-test-output.txt
exit "$status"
