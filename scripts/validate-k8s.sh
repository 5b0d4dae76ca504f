#!/usr/bin/env bash
# Validates k8s/*.yaml offline against the Kubernetes API's OpenAPI schemas, as shipped in the npm
# package kubernetes-models (k8s/validate/package.json pins it). Installs Node.js from Debian when
# missing, and the package into k8s/validate/node_modules on first use.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/scripts/lib.sh"
command -v node >/dev/null 2>&1 || ensure_apt_packages nodejs >&2
command -v npm >/dev/null 2>&1 || ensure_apt_packages npm >&2
cd "$root/k8s/validate"
[ -d node_modules/kubernetes-models ] || npm ci --no-audit --no-fund --loglevel=error >&2
exec node validate.mjs "$root"/k8s/*.yaml
