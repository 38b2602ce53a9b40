#!/usr/bin/env bash
# Fuzzes the native core with cargo-fuzz (libFuzzer): each target in tests/fuzz/ for SECONDS
# (default 60), from the seed corpus and dictionary in the repo, then prints executions and
# coverage per target. Any crash or failed invariant fails the script and keeps the input in
# target/fuzz/artifacts/TARGET/.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]       `make fuzz` runs it with the defaults,
#                                               `make test` with a few seconds a target.
#   FUZZ_COVERAGE=1 scripts/fuzz.sh ...         also the src/ line and region coverage reached
#                                               by each target's corpus (llvm-cov).
#
# cargo-fuzz passes -Z flags (sanitizers, coverage counters) that only a nightly compiler
# accepts; RUSTC_BOOTSTRAP=1 lets the stable compiler accept them, so no nightly is needed.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
export RUSTC_BOOTSTRAP=1

SECONDS_EACH=${1:-60}
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(callback handoff session)
ROOT=$PWD
FUZZ_DIR=$ROOT/tests/fuzz
# A work folder of this run's own (runs may overlap in one checkout), removed when it passes.
mkdir -p "$ROOT/target/fuzz"
WORK=$(mktemp -d "$ROOT/target/fuzz/run.XXXXXX")

cargo fuzz build --fuzz-dir "$FUZZ_DIR" >&2
summary=()
for target in "${TARGETS[@]}"; do
  corpus=$WORK/corpus/$target
  artifacts=$WORK/artifacts/$target
  log=$WORK/$target.log
  # Each run starts from the seeds alone, so the figures are those of one run of that length.
  mkdir -p "$corpus" "$artifacts"
  printf 'fuzz: %s for %ss\n' "$target" "$SECONDS_EACH"
  # Inputs up to 4 KiB: the callback parser's length limits (8 and 16 KiB) are left to the table
  # tests, as inputs past them slow the fuzzer tenfold.
  if ! cargo fuzz run --fuzz-dir "$FUZZ_DIR" "$target" "$corpus" "$FUZZ_DIR/corpus/$target" -- \
    -dict="$FUZZ_DIR/dict/$target.dict" -max_total_time="$SECONDS_EACH" \
    -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$artifacts/" -print_final_stats=1 >"$log" 2>&1; then
    grep -v '^#[0-9]' "$log" | tail -n 40 >&2
    printf 'fuzz: %s FAILED; the input is in %s\n' "$target" "$artifacts" >&2
    exit 1
  fi
  done_line=$(grep -a 'DONE' "$log" | tail -n 1)
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  cov=$(sed -n 's/.* cov: \([0-9]*\) .*/\1/p' <<<"$done_line")
  ft=$(sed -n 's/.* ft: \([0-9]*\) .*/\1/p' <<<"$done_line")
  corp=$(sed -n 's/.* corp: \([0-9]*\)\/.*/\1/p' <<<"$done_line")
  summary+=("$(printf '%-9s %12s %9s %9s %7s' "$target" "$execs" "$cov" "$ft" "$corp")")
done

printf '\nfuzz: %ss a target, from tests/fuzz/corpus; no crash, every invariant held\n' "$SECONDS_EACH"
printf '%-9s %12s %9s %9s %7s\n' target executions "cov(edges)" features corpus
printf '%s\n' "${summary[@]}"

[ "${FUZZ_COVERAGE:-0}" = 1 ] || { rm -rf "$WORK"; exit 0; }
# Line and region coverage of the crate's files each target exercises, reached by its corpus.
sysroot=$(rustc --print sysroot)
llvm_cov=$(find "$sysroot" -name llvm-cov -type f | head -n 1)
[ -n "$llvm_cov" ] || { echo "fuzz: llvm-cov missing (rustup component add llvm-tools)" >&2; exit 1; }
host=$(rustc -vV | sed -n 's/^host: //p')
# Each target's files, and the functions in them it exists to exercise (names as they appear
# in the symbols): the rest of those files is other API (encode_state, the retry policy, ...).
sources() {
  case $1 in
    callback) echo src/callback.rs src/query.rs src/provider.rs ;;
    handoff) echo src/handoff.rs src/web_url.rs src/query.rs ;;
    session) echo src/session.rs src/json.rs ;;
  esac
}
functions() {
  case $1 in
    callback) echo 'parse_callback|is_token|sanitise_raw_reason|constant_time_eq|query_of|starts_with_scheme|5pairs|status_of|from_raw' ;;
    handoff) echo 'build_handoff_url|canonical_entries|with_didit_language|is_token|web_url|edit_query|push_pair' ;;
    session) echo 'normalize_session_request|normalize_request|check_object|member_name|7session5check|is_text|is_plausible_email|is_email_special|is_e164|is_code|is_uuid|is_date|is_base64|is_app_return_url|4json' ;;
  esac
}
printf '\nfuzz: coverage reached by each corpus (llvm-cov): of the functions the target exercises, and of their whole files\n'
for target in "${TARGETS[@]}"; do
  cargo fuzz coverage --fuzz-dir "$FUZZ_DIR" "$target" "$WORK/corpus/$target" >"$WORK/$target.cov.log" 2>&1 ||
    { tail -n 20 "$WORK/$target.cov.log" >&2; exit 1; }
  profdata=$FUZZ_DIR/coverage/$target/coverage.profdata
  binary=$ROOT/target/$host/coverage/$host/release/$target
  # shellcheck disable=SC2046 # one argument per file
  "$llvm_cov" report "$binary" -instr-profile="$profdata" -show-functions $(sources "$target") |
    awk -v target="$target" -v pattern="$(functions "$target")" '
      $1 ~ pattern && $5 ~ /^[0-9]+$/ { n++; regions += $2; rmiss += $3; lines += $5; lmiss += $6 }
      END { printf "%-9s %d functions: lines %d/%d (%.1f%%), regions %d/%d (%.1f%%)\n", target, n,
            lines - lmiss, lines, 100 * (lines - lmiss) / lines, regions - rmiss, regions, 100 * (regions - rmiss) / regions }'
  # shellcheck disable=SC2046
  "$llvm_cov" report "$binary" -instr-profile="$profdata" $(sources "$target") |
    awk '/\.rs / { n = split($1, path, "/"); printf "          %-14s lines %7s, regions %7s\n", path[n], $10, $4 }'
done
rm -rf "$WORK"
