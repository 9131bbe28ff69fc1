# Shared helpers of the tests/deploy/*_test.sh scripts (sourced).
# Each test prints "ok"/"FAIL" lines and exits non-zero when any check failed.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
VALIDATE_DIR="$ROOT/deploy/validate"
T_PASSED=0
T_FAILED=0
t_ok() { T_PASSED=$((T_PASSED + 1)); echo "  ok   $*"; }
t_fail() { T_FAILED=$((T_FAILED + 1)); echo "  FAIL $*"; }
t_done() {
  echo "$(basename "$0"): $T_PASSED passed, $T_FAILED failed"
  [[ $T_FAILED -eq 0 ]]
}
# t_binary SUBCOMMAND: sets BIN ($OHLCV_BIN, else build/ohlcv-rag) and exits 77
# (skip) when that binary is missing or has no such subcommand yet.
t_binary() {
  BIN=$(readlink -f "${OHLCV_BIN:-$ROOT/build/ohlcv-rag}")
  if [[ ! -x "$BIN" ]] || ! "$BIN" --help 2> /dev/null | grep -qE "^\s+$1\b"; then
    echo "$(basename "$0"): SKIP: $BIN has no '$1' command (build it with scripts/build.sh)"
    exit 77
  fi
}
