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
