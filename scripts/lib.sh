# Shared helpers for the project's scripts. Sourced, not run.

# Installs the Debian packages named as arguments that are not installed yet.
ensure_apt_packages() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "Installing Debian packages: ${missing[*]}"
  local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# The project's Debian packages: .ci/apt-packages.txt, one per line, # comments allowed.
project_apt_packages() {
  local root; root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  [ -f "$root/.ci/apt-packages.txt" ] && grep -v '^\s*#' "$root/.ci/apt-packages.txt" | awk 'NF {print $1}'
}

# The .NET SDK must be on the machine; say so clearly when it is not.
ensure_dotnet() {
  command -v dotnet >/dev/null 2>&1 && return 0
  echo "The .NET 10 SDK is required (dotnet on PATH)." >&2
  exit 1
}
