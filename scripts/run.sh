#!/usr/bin/env bash
# Starts the node on the embedded defaults: SQLite in ./data, http://127.0.0.1:5080, Development
# environment (so the development API key `dev-api-key` works), demo agent seeded on first run.
# The first run installs the Debian packages voice calls need (.ci/apt-runtime.txt: espeak-ng,
# pocketsphinx and its English model, libopus); later runs only check they are there.
# Any argument is passed to the node, e.g. --urls http://127.0.0.1:6000
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/scripts/lib.sh"
ensure_dotnet
mapfile -t packages < <(runtime_apt_packages)
[ ${#packages[@]} -gt 0 ] && ensure_apt_packages "${packages[@]}"
mkdir -p "$root/data"
export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}"
export Orchestrator__Storage__ConnectionString="${Orchestrator__Storage__ConnectionString:-Data Source=$root/data/orchestrator.db}"
exec dotnet run --project "$root/src/Node" -c Release -- "$@"
