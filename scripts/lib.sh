# Shared helpers for the project's scripts. Sourced, not run.

# Installs the Debian packages named as arguments that are not installed yet.
ensure_apt_packages() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "Installing Debian packages: ${missing[*]}"
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "Need root (or sudo) to install: ${missing[*]}" >&2; return 1; }
    sudo="sudo"
  fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# The packages of one list under .ci/, one per line, # comments allowed.
apt_package_list() {
  local root; root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  [ -f "$root/.ci/$1" ] && grep -v '^\s*#' "$root/.ci/$1" | awk 'NF {print $1}'
  return 0
}

# What the node needs at run time (speech engines, codecs): .ci/apt-runtime.txt.
runtime_apt_packages() { apt_package_list apt-runtime.txt; }

# Everything, for the tests: the run-time list and the test-only one (.ci/apt-packages.txt).
project_apt_packages() { apt_package_list apt-runtime.txt; apt_package_list apt-packages.txt; }

# The .NET SDK must be on the machine; say so clearly when it is not.
ensure_dotnet() {
  command -v dotnet >/dev/null 2>&1 && return 0
  echo "The .NET 10 SDK is required (dotnet on PATH)." >&2
  exit 1
}
