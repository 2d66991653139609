#!/usr/bin/env bash
# Checks what npm users get: packs @sochdb/sochdb and its alias `sochdb`, installs both tarballs into
# an empty app (offline: they have no other dependencies), and runs an ESM and a CJS script there
# that open a database in a temp dir, put/get, close, reopen and read the value back. It also
# type-checks a TypeScript file against the shipped .d.ts files, and bundles an import for browsers
# (esbuild, platform browser) to check that the `browser` condition picks the browser entry. Needs a current build
# (scripts/build.sh). Prints OK or fails loudly.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

log() { printf '==> %s\n' "$*"; }
die() { printf 'error: check-pack: %s\n' "$*" >&2; exit 1; }

for f in pkg-ts/wasm/sochdb_engine.wasm pkg-ts/dist/index.js pkg-ts/dist/index.cjs pkg-ts/dist/index.d.ts; do
  [ -f "$f" ] || die "$f is missing: run 'npm run build' first"
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sochdb-pack.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/tarballs" "$tmp/app"

log "packing @sochdb/sochdb and sochdb"
npm pack --silent -w @sochdb/sochdb -w sochdb --pack-destination "$tmp/tarballs" >"$tmp/pack.out" \
  || die "npm pack failed"
main_tgz=$(ls "$tmp"/tarballs/sochdb-sochdb-*.tgz 2>/dev/null | head -n 1)
alias_tgz=$(ls "$tmp"/tarballs/sochdb-[0-9]*.tgz 2>/dev/null | head -n 1)
[ -n "$main_tgz" ] || die "npm pack wrote no @sochdb/sochdb tarball"
[ -n "$alias_tgz" ] || die "npm pack wrote no sochdb tarball"

tar -tzf "$main_tgz" >"$tmp/main.list"
for f in package/package.json package/dist/index.js package/dist/index.cjs package/dist/index.d.ts \
  package/dist/index.d.cts package/dist/browser.js package/dist/browser-worker.js package/dist/browser.d.ts \
  package/wasm/sochdb_engine.wasm package/README.md; do
  grep -qx "$f" "$tmp/main.list" || die "$(basename "$main_tgz") does not contain ${f#package/}"
done
if grep -qE '^package/(src|tests?)/' "$tmp/main.list"; then
  die "$(basename "$main_tgz") ships source or test files"
fi
tar -tzf "$alias_tgz" >"$tmp/alias.list"
for f in package/package.json package/index.js package/index.cjs package/index.d.ts; do
  grep -qx "$f" "$tmp/alias.list" || die "$(basename "$alias_tgz") does not contain ${f#package/}"
done
log "$(basename "$main_tgz"): $(wc -l <"$tmp/main.list" | tr -d ' ') files, $(wc -c <"$main_tgz" | tr -d ' ') bytes; $(basename "$alias_tgz"): $(wc -l <"$tmp/alias.list" | tr -d ' ') files"

log "installing both tarballs into an empty app (offline)"
cd "$tmp/app"
printf '{ "name": "sochdb-pack-check", "version": "0.0.0", "private": true }\n' >package.json
npm install --offline --no-audit --no-fund --no-package-lock --loglevel=error "$main_tgz" "$alias_tgz" \
  >"$tmp/install.out" 2>&1 || { cat "$tmp/install.out" >&2; die "npm install of the tarballs failed"; }

cat >check.mjs <<'JS'
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Database } from '@sochdb/sochdb';
import * as alias from 'sochdb';

if (alias.Database !== Database) throw new Error("'sochdb' does not re-export @sochdb/sochdb's Database");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sochdb-pack-esm-'));
try {
  const key = Buffer.from('pack:esm');
  const db = await Database.open(dir);
  await db.put(key, Buffer.from('hello from ESM'));
  const value = await db.get(key);
  if (value == null || Buffer.from(value).toString() !== 'hello from ESM') {
    throw new Error(`get returned ${value}`);
  }
  await db.close();
  const reopened = await Database.open(dir);
  const again = await reopened.get(key);
  await reopened.close();
  if (again == null || Buffer.from(again).toString() !== 'hello from ESM') {
    throw new Error(`after reopening, get returned ${again}`);
  }
  console.log('OK esm');
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
JS

cat >check.cjs <<'JS'
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Database } = require('@sochdb/sochdb');
const alias = require('sochdb');

async function main() {
  if (alias.Database !== Database) throw new Error("'sochdb' does not re-export @sochdb/sochdb's Database");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sochdb-pack-cjs-'));
  try {
    const key = Buffer.from('pack:cjs');
    const db = await Database.open(dir);
    await db.put(key, Buffer.from('hello from CJS'));
    const value = await db.get(key);
    if (value == null || Buffer.from(value).toString() !== 'hello from CJS') {
      throw new Error(`get returned ${value}`);
    }
    await db.close();
    const reopened = await Database.open(dir);
    const again = await reopened.get(key);
    await reopened.close();
    if (again == null || Buffer.from(again).toString() !== 'hello from CJS') {
      throw new Error(`after reopening, get returned ${again}`);
    }
    console.log('OK cjs');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
main().catch((err) => {
  console.error(err);
  process.exit(1);
});
JS

cat >check.mts <<'TS'
import { Database } from '@sochdb/sochdb';
import { Database as AliasDatabase } from 'sochdb';

export async function roundTrip(dir: string): Promise<string | undefined> {
  const db = await Database.open(dir);
  await db.put(Buffer.from('k'), Buffer.from('v'));
  const value = await db.get(Buffer.from('k'));
  await db.close();
  const same: typeof Database = AliasDatabase;
  void same;
  return value?.toString();
}
TS

# A browser app: no @types/node, no skipLibCheck, the DOM library; the `./browser` subpath gives
# the browser types without a `customConditions` setting.
cat >check-browser.mts <<'TS'
import { Database } from '@sochdb/sochdb/browser';

export async function roundTrip(): Promise<number | undefined> {
  const db = await Database.open('app', { storage: 'indexeddb' });
  const key = new TextEncoder().encode('k');
  await db.put(key, new TextEncoder().encode('v'));
  const value: Uint8Array | null = await db.get(key);
  const stats = await db.stats();
  void stats;
  await db.close();
  return value?.length;
}
TS

log "running an ESM script against the installed packages"
node check.mjs || die "the ESM check failed"
log "running a CJS script against the installed packages"
node check.cjs || die "the CJS check failed"
log "type-checking a TypeScript consumer against the shipped .d.ts"
node "$root/node_modules/typescript/bin/tsc" --noEmit --strict --skipLibCheck \
  --module nodenext --moduleResolution nodenext --target es2022 \
  --types node --typeRoots "$root/node_modules/@types" check.mts \
  || die "the shipped type declarations do not type-check in a consumer"
log "type-checking a browser consumer (no @types/node, no skipLibCheck) against dist/browser.d.ts"
cat >tsconfig.browser.json <<'JSON'
{
  "compilerOptions": {
    "noEmit": true, "strict": true, "module": "nodenext", "moduleResolution": "nodenext",
    "target": "es2022", "lib": ["es2022", "dom"], "types": []
  },
  "files": ["check-browser.mts"]
}
JSON
node "$root/node_modules/typescript/bin/tsc" -p tsconfig.browser.json \
  || die "the browser type declarations do not type-check in a browser app"
log "bundling an import of @sochdb/sochdb for browsers (esbuild, platform browser)"
printf "import { Database } from '@sochdb/sochdb';\nexport const open = (name) => Database.open(name);\n" >browser-app.mjs
node --input-type=module -e '
  const { build } = await import(process.argv[1]);
  const result = await build({ entryPoints: ["browser-app.mjs"], bundle: true, write: false,
    platform: "browser", format: "esm", metafile: true, logLevel: "error" });
  const inputs = Object.keys(result.metafile.inputs);
  if (!inputs.some((f) => f.endsWith("@sochdb/sochdb/dist/browser.js"))) {
    throw new Error("the browser condition did not resolve to dist/browser.js: " + inputs.join(", "));
  }
' "$(node -e 'console.log(require("url").pathToFileURL(require.resolve("esbuild", { paths: [process.argv[1]] })).href)' "$root/node_modules/tsup")" \
  || die "bundling the package for browsers failed"
echo "OK: packed tarballs install and work from ESM, CJS, TypeScript and a browser bundle"
