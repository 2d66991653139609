#!/usr/bin/env bash
# Builds everything a user of the package needs: the engine (scripts/build-wasm.sh) into
# pkg-ts/wasm/, then the TypeScript package (tsup: Node ESM + CJS + .d.ts; browser ESM + worker) into pkg-ts/dist/.
# Each step is skipped when its output is newer than its inputs; SOCHDB_FORCE_BUILD=1 redoes both.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

log() { printf '==> %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

if [ "${SOCHDB_FORCE_BUILD:-0}" = 1 ]; then export SOCHDB_FORCE_WASM=1; fi
bash scripts/build-wasm.sh

[ -x node_modules/.bin/tsup ] || die "node_modules is missing or incomplete: run 'npm run setup' first"
[ -f pkg-ts/src/index.ts ] || die "pkg-ts/src/index.ts does not exist yet: nothing to build"

# tsup bundles pkg-ts/src and the Node-only code of node-adapter/src into pkg-ts/dist.
outputs=(pkg-ts/dist/index.js pkg-ts/dist/index.cjs pkg-ts/dist/index.d.ts pkg-ts/dist/index.d.cts
  pkg-ts/dist/browser.js pkg-ts/dist/browser-worker.js pkg-ts/dist/browser.d.ts)
inputs=(pkg-ts/src node-adapter/src pkg-ts/package.json pkg-ts/tsup.config.ts pkg-ts/tsconfig.json
  tsconfig.base.json package-lock.json)
oldest=""
for f in "${outputs[@]}"; do
  if [ ! -f "$f" ]; then oldest=""; break; fi
  if [ -z "$oldest" ] || [ "$f" -ot "$oldest" ]; then oldest=$f; fi
done
existing_inputs=()
for f in "${inputs[@]}"; do [ -e "$f" ] && existing_inputs+=("$f"); done
if [ "${SOCHDB_FORCE_BUILD:-0}" != 1 ] && [ -n "$oldest" ] \
  && [ -z "$(find "${existing_inputs[@]}" -newer "$oldest" -print -quit)" ]; then
  log "TypeScript package is up to date: pkg-ts/dist"
  exit 0
fi

log "building @sochdb/sochdb (tsup: Node ESM + CJS + .d.ts; browser ESM + worker)"
started=$(mktemp)
trap 'rm -f "$started"' EXIT
npm run --silent build -w @sochdb/sochdb
for f in "${outputs[@]}"; do
  [ -f "$f" ] || die "tsup did not write $f"
  # Date the outputs at the build's start, so a source edited during the build triggers the next one.
  touch -r "$started" "$f"
done
log "built pkg-ts/dist ($(du -sk pkg-ts/dist | cut -f1) KiB) and pkg-ts/wasm"
