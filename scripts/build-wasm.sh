#!/usr/bin/env bash
# Builds engine-rs for wasm32-unknown-unknown (release, +simd128), optimises it with wasm-opt and
# writes pkg-ts/wasm/sochdb_engine.wasm. Skips the build when that file is newer than every input.
#
# Toolchain: a rustup toolchain that has the wasm32-unknown-unknown target installed, else Debian's
# rustc/cargo (/usr/bin) with libstd-rust-dev-wasm32. Each toolchain has its own target directory.
#
# Environment: SOCHDB_FORCE_WASM=1 rebuilds even when the output is current.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
crate="$root/engine-rs"
out_dir="$root/pkg-ts/wasm"
out="$out_dir/sochdb_engine.wasm"
stamp="$crate/target/wasm-build.stamp" # the toolchain label of the last build
target=wasm32-unknown-unknown

log() { printf '==> %s\n' "$*"; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# rustup installs into ~/.cargo/bin, which a non-login shell may not have on PATH.
if ! command -v rustup >/dev/null 2>&1 && [ -x "${CARGO_HOME:-$HOME/.cargo}/bin/rustup" ]; then
  PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
fi

# --- choose a toolchain -----------------------------------------------------------------------
cargo_cmd=()
toolchain=""
if command -v rustup >/dev/null 2>&1 \
  && rustup target list --installed 2>/dev/null | grep -qx "$target"; then
  unset RUSTC
  cargo_cmd=(cargo)
  toolchain="rustup $(rustc --version 2>/dev/null | awk '{print $2}')"
  target_dir="$crate/target/wasm-rustup"
elif [ -x /usr/bin/cargo ] && [ -x /usr/bin/rustc ] \
  && [ -d "$(/usr/bin/rustc --print sysroot)/lib/rustlib/$target" ]; then
  # rustup's shims come first on PATH: name Debian's binaries explicitly.
  export RUSTC=/usr/bin/rustc
  cargo_cmd=(/usr/bin/cargo)
  toolchain="Debian rustc $(/usr/bin/rustc --version | awk '{print $2}')"
  target_dir="$crate/target/wasm-debian"
else
  die "no Rust toolchain with the $target target. Run 'npm run setup' (installs Debian's rustc, cargo and libstd-rust-dev-wasm32), or 'rustup target add $target'."
fi

# --- skip when current ------------------------------------------------------------------------
if [ "${SOCHDB_FORCE_WASM:-0}" != 1 ] && [ -f "$out" ] && [ -f "$stamp" ] \
  && [ "$(cat "$stamp")" = "$toolchain" ] \
  && [ -z "$(find "$crate/src" "$crate/Cargo.toml" "$crate/Cargo.lock" "$0" -newer "$out" -print -quit 2>/dev/null)" ]; then
  log "wasm is up to date ($(wc -c <"$out" | tr -d ' ') bytes, $toolchain): ${out#"$root"/}"
  exit 0
fi

# --- build ------------------------------------------------------------------------------------
log "building wasm ($toolchain, $target, release, +simd128)"
started=$(mktemp)
trap 'rm -f "$started" "${tmp_wasm:-}"' EXIT
# Debug info from the precompiled std would make the module ~5 MB; strip it at link time.
export RUSTFLAGS="-C target-feature=+simd128 -C strip=debuginfo"
export CARGO_TARGET_DIR="$target_dir"
build_log="$target_dir/build.log"
mkdir -p "$target_dir"
if ! (cd "$crate" && "${cargo_cmd[@]}" build --release --target "$target" --color never) >"$build_log" 2>&1; then
  cat "$build_log" >&2
  die "cargo build for $target failed ($toolchain)"
fi
warnings=$(sed -n 's/.*generated \([0-9][0-9]*\) warnings\{0,1\}.*/\1/p' "$build_log" | head -n 1)
if [ -n "$warnings" ]; then
  log "cargo: $warnings compiler warnings (full output: ${build_log#"$root"/})"
fi
raw="$target_dir/$target/release/sochdb_engine.wasm"
[ -f "$raw" ] || die "cargo did not produce $raw"

# --- optimise ---------------------------------------------------------------------------------
mkdir -p "$out_dir"
tmp_wasm="$out_dir/.sochdb_engine.wasm.tmp"
wasm_opt=""
if command -v wasm-opt >/dev/null 2>&1; then
  wasm_opt=wasm-opt
elif [ -x "$root/node_modules/.bin/wasm-opt" ]; then
  wasm_opt="$root/node_modules/.bin/wasm-opt"
fi
# What rustc may emit: Debian's 1.63 uses simd128 (asked for) and mutable-globals; newer rustup
# toolchains also default to sign-ext, bulk-memory, nontrapping-fptoint, reference-types and
# multivalue. Every engine that runs SIMD128 (Node >= 16.4, current browsers) supports them all.
# A function with one caller is inlined at any size by default: the exact scan's kernel loop
# (`score_block`, #[inline(never)] in Rust) then lands inside a 13k-line function where V8
# allocates its registers worse, and the scan ran at 0.75x. Only small ones are inlined now.
opt_flags=(-O3 --enable-simd --enable-mutable-globals --enable-sign-ext --enable-bulk-memory
  --enable-nontrapping-float-to-int --enable-reference-types --enable-multivalue
  --one-caller-inline-max-function-size 200
  --strip-debug --strip-producers)
if [ -n "$wasm_opt" ]; then
  if "$wasm_opt" "${opt_flags[@]}" "$raw" -o "$tmp_wasm"; then
    log "wasm-opt -O3 $(wc -c <"$raw" | tr -d ' ') -> $(wc -c <"$tmp_wasm" | tr -d ' ') bytes ($("$wasm_opt" --version))"
  else
    warn "wasm-opt failed on the $toolchain output; shipping the unoptimised module"
    cp "$raw" "$tmp_wasm"
  fi
else
  warn "wasm-opt not found (Debian package 'binaryen'); shipping the unoptimised module"
  cp "$raw" "$tmp_wasm"
fi
mv -f "$tmp_wasm" "$out"
# Date the output at the build's start, so a source edited during the build triggers the next one.
touch -r "$started" "$out"
printf '%s' "$toolchain" >"$stamp"

# --- report -----------------------------------------------------------------------------------
size=$(wc -c <"$out" | tr -d ' ')
log "wrote ${out#"$root"/}: $size bytes ($(( (size + 1023) / 1024 )) KiB), $toolchain"
wasm_dis=""
if command -v wasm-dis >/dev/null 2>&1; then
  wasm_dis=wasm-dis
elif [ -x "$root/node_modules/.bin/wasm-dis" ]; then
  wasm_dis="$root/node_modules/.bin/wasm-dis"
fi
if [ -n "$wasm_dis" ]; then
  text=$("$wasm_dis" "$out")
  exports=$(grep -c '^ *(export "soch_' <<<"$text" || true)
  simd=$(grep -cE 'v128|[if](8x16|16x8|32x4|64x2)\.' <<<"$text" || true)
  log "exports: $exports soch_* functions; SIMD instructions: $simd"
  if [ "$simd" -eq 0 ]; then
    warn "no SIMD128 instructions in the module (expected until the vector kernels land)"
  fi
else
  warn "wasm-dis not found: SIMD check skipped"
fi
