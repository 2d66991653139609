#!/usr/bin/env bash
# The test command (`npm test`): brings the build up to date (scripts/build.sh, fast when nothing
# changed), then runs
#   1. cargo test in engine-rs (native; the cargo on PATH, else Debian's /usr/bin/cargo),
#   2. vitest (every test file vite.config.ts includes: unit, acceptance, crash),
#   3. scripts/check-pack.sh (the packed npm tarballs, installed into an empty app),
# each even when an earlier one failed, and ends with one line: `N passed, M failed`.
# Arguments are passed to vitest (e.g. `npm test -- tests/unit/keys.test.ts`).
# Logs and vitest's JSON report go to test-artifacts/.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

log() { printf '\n==> %s\n' "$*"; }
warn() { printf 'warning: %s\n' "$*" >&2; }

artifacts="$root/test-artifacts"
mkdir -p "$artifacts"
passed=0
failed=0
skipped=0
failures=()

summary() {
  printf '\n'
  if [ ${#failures[@]} -gt 0 ]; then printf 'failed: %s\n' "${failures[*]}"; fi
  if [ "$skipped" -gt 0 ]; then
    printf '%d passed, %d failed, %d skipped\n' "$passed" "$failed" "$skipped"
  else
    printf '%d passed, %d failed\n' "$passed" "$failed"
  fi
}

# --- build --------------------------------------------------------------------------------------
log "build (scripts/build.sh)"
if ! bash scripts/build.sh; then
  failed=$((failed + 1))
  failures+=("build")
  summary
  exit 1
fi

# --- 1. cargo test ------------------------------------------------------------------------------
if ! command -v cargo >/dev/null 2>&1 && [ -x "${CARGO_HOME:-$HOME/.cargo}/bin/cargo" ]; then
  PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
fi
cargo_cmd=()
if command -v cargo >/dev/null 2>&1 && cargo --version >/dev/null 2>&1; then
  cargo_cmd=(cargo)
elif [ -x /usr/bin/cargo ]; then
  cargo_cmd=(/usr/bin/cargo)
  export RUSTC=/usr/bin/rustc
fi
if [ ${#cargo_cmd[@]} -eq 0 ]; then
  log "cargo test: no cargo found"
  failed=$((failed + 1))
  failures+=("cargo test (no cargo: run 'npm run setup')")
else
  cargo_version=$("${cargo_cmd[@]}" --version)
  log "cargo test (engine-rs, $cargo_version)"
  cargo_log="$artifacts/cargo-test.log"
  # A target dir of its own per cargo version: artifacts of two toolchains in one dir break builds
  # (E0786 "found invalid metadata files").
  native_target="$root/engine-rs/target/test-$(awk '{print $2}' <<<"$cargo_version")"
  set +e
  (cd engine-rs && CARGO_TARGET_DIR="$native_target" "${cargo_cmd[@]}" test --color never 2>&1) | tee "$cargo_log"
  cargo_rc=${PIPESTATUS[0]}
  set -e
  # One `test result: ok. 12 passed; 0 failed; 1 ignored; ...` line per test binary.
  read -r c_passed c_failed c_ignored < <(awk '
    /^test result:/ {
      for (i = 1; i <= NF; i++) {
        if ($(i + 1) ~ /^passed/) p += $i
        if ($(i + 1) ~ /^failed/) f += $i
        if ($(i + 1) ~ /^ignored/) g += $i
      }
    }
    END { print p + 0, f + 0, g + 0 }' "$cargo_log")
  passed=$((passed + c_passed))
  failed=$((failed + c_failed))
  skipped=$((skipped + c_ignored))
  if [ "$cargo_rc" -ne 0 ]; then
    failures+=("cargo test")
    # A build error runs no test: count it as one failure.
    if [ "$c_failed" -eq 0 ]; then failed=$((failed + 1)); fi
  fi
fi

# --- 2. vitest ----------------------------------------------------------------------------------
log "vitest (vite.config.ts)"
vitest_json="$artifacts/vitest.json"
rm -f "$vitest_json"
set +e
npx --no-install vitest run --passWithNoTests --reporter=default --reporter=json \
  --outputFile.json="$vitest_json" "$@"
vitest_rc=$?
set -e
if [ -f "$vitest_json" ]; then
  # Tests that ran, plus suites (files) that failed before any test ran (e.g. an import error).
  read -r v_passed v_failed v_skipped v_total < <(node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const broken = (r.testResults || []).filter(
      (s) => s.status === "failed" && (s.assertionResults || []).length === 0).length;
    const n = (x) => x || 0;
    console.log(n(r.numPassedTests), n(r.numFailedTests) + broken,
      n(r.numPendingTests) + n(r.numTodoTests), n(r.numTotalTests));
  ' "$vitest_json")
  passed=$((passed + v_passed))
  failed=$((failed + v_failed))
  skipped=$((skipped + v_skipped))
  if [ "$v_total" -eq 0 ]; then warn "vitest found no tests"; fi
  if [ "$vitest_rc" -ne 0 ]; then
    failures+=("vitest")
    if [ "$v_failed" -eq 0 ]; then failed=$((failed + 1)); fi
  fi
else
  failures+=("vitest (no report)")
  failed=$((failed + 1))
fi

# --- 3. the packed packages ---------------------------------------------------------------------
log "packed packages (scripts/check-pack.sh)"
if bash scripts/check-pack.sh; then
  passed=$((passed + 1))
else
  failed=$((failed + 1))
  failures+=("check-pack")
fi

summary
[ "$failed" -eq 0 ] && [ ${#failures[@]} -eq 0 ]
