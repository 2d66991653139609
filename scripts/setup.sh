#!/usr/bin/env bash
# Sets up a Debian/Ubuntu machine to build, test and run SochDB, then builds everything.
#   1. apt: rustc, cargo, libstd-rust-dev-wasm32 (Rust -> wasm32), binaryen (wasm-opt), chromium
#      (browser tests); only the missing ones, with sudo when not root.
#   2. npm: `npm ci` when node_modules is absent or older than package-lock.json.
#   3. scripts/build.sh: the wasm engine and the TypeScript package (skipped when current).
# Safe to run again: when everything is in place it only checks, in a few seconds.
# Environment: SOCHDB_SKIP_APT=1 skips step 1 (e.g. on a machine set up another way).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

log() { printf '==> %s\n' "$*"; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }
started=$SECONDS

# --- Node ---------------------------------------------------------------------------------------
command -v node >/dev/null 2>&1 || die "Node.js >= 20.19 is required (https://nodejs.org)"
node -e '
  const [major, minor] = process.versions.node.split(".").map(Number);
  if (major < 20 || (major === 20 && minor < 19)) process.exit(1);
' || die "Node.js >= 20.19 is required; this is $(node --version)"
log "Node $(node --version), npm $(npm --version)"

# --- system packages ----------------------------------------------------------------------------
apt_packages=(rustc cargo libstd-rust-dev-wasm32 binaryen chromium)

installed() { [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    die "installing system packages needs root: run as root or install sudo"
  fi
}

apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then
    log "apt-get update"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
    apt_updated=1
  fi
  log "apt-get install $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o Dpkg::Use-Pty=0 "$@"
}

if [ "${SOCHDB_SKIP_APT:-0}" = 1 ]; then
  log "skipping system packages (SOCHDB_SKIP_APT=1)"
elif ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
  warn "not a Debian/Ubuntu system: install a Rust toolchain with the wasm32-unknown-unknown target, binaryen (wasm-opt) and Chromium yourself"
else
  missing=()
  for p in "${apt_packages[@]}"; do installed "$p" || missing+=("$p"); done
  if [ ${#missing[@]} -gt 0 ]; then
    apt_install "${missing[@]}"
  else
    log "system packages present: ${apt_packages[*]}"
  fi
  # Debian's rustc links wasm32 with rust-lld, a link to lld-<version>, which is only a
  # recommendation of libstd-rust-dev-wasm32 (skipped where apt ignores recommendations).
  if [ -L /usr/bin/rust-lld ] && [ ! -e /usr/bin/rust-lld ]; then
    apt_install "$(basename "$(readlink /usr/bin/rust-lld)")"
  fi
fi

# --- npm packages -------------------------------------------------------------------------------
# npm records what it installed in node_modules/.package-lock.json.
if [ -f package-lock.json ]; then
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    log "npm ci"
    npm ci --no-audit --no-fund
  else
    log "npm packages are current (node_modules is newer than package-lock.json)"
  fi
elif [ ! -d node_modules ]; then
  log "npm install (no package-lock.json)"
  npm install --no-audit --no-fund
else
  log "npm packages present"
fi

# --- build --------------------------------------------------------------------------------------
bash scripts/build.sh
log "setup done in $((SECONDS - started))s"
