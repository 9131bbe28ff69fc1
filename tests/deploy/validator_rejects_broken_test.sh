#!/usr/bin/env bash
# The manifest validator must reject each fixture under fixtures/broken/, for
# the reason named on the fixture's first line ("# expect: TEXT"), and accept
# a known-good object. Proves the offline Kubernetes validation is not a no-op.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$VALIDATE_DIR"

good=$(mktemp --suffix=.yaml)
trap 'rm -f "$good"' EXIT
sed '1d; s/  replica: 1/  replicas: 1/' "$ROOT/tests/deploy/fixtures/broken/misspelled-field.yaml" > "$good"
if node out/js/validate.js --label good "$good" > /dev/null 2>&1; then
  t_ok "the fixed-up fixture validates (control)"
else
  t_fail "the fixed-up fixture should validate"
fi

# One validator run over all fixtures (one tsc run); each error line names its
# file, so every fixture must show up with its own expected reason.
fixtures=("$ROOT"/tests/deploy/fixtures/broken/*.yaml)
out=$(node out/js/validate.js --label broken "${fixtures[@]}" 2>&1)
rc=$?
[[ $rc -eq 1 ]] && t_ok "validator exits 1 on the broken fixtures" || t_fail "validator exit $rc, want 1"
for f in "${fixtures[@]}"; do
  expect=$(sed -n '1s/^# expect: //p' "$f")
  lines=$(grep -F -- "$f#" <<< "$out")
  if [[ -z "$lines" ]]; then
    t_fail "$(basename "$f"): not rejected"
  elif [[ -z "$expect" ]] || ! grep -qF -- "$expect" <<< "$lines"; then
    t_fail "$(basename "$f"): rejected, but not for \"$expect\": $lines"
  else
    t_ok "$(basename "$f") rejected ($expect)"
  fi
done

if yamllint -c "$ROOT/deploy/yamllint.yml" "$ROOT/tests/deploy/fixtures/lint/bad-indent.yaml" > /dev/null 2>&1; then
  t_fail "yamllint accepted fixtures/lint/bad-indent.yaml"
else
  t_ok "yamllint rejects fixtures/lint/bad-indent.yaml"
fi
if promtool check rules "$ROOT/tests/deploy/fixtures/rules/bad-rules.yml" > /dev/null 2>&1; then
  t_fail "promtool accepted fixtures/rules/bad-rules.yml"
else
  t_ok "promtool rejects fixtures/rules/bad-rules.yml"
fi
t_done
