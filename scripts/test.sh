#!/usr/bin/env bash
# The whole test suite: type check, lint, the layering rules (.dependency-cruiser.cjs), unit and integration tests (one node test run, so one summary), then
# a check that no control-plane process or temporary directory outlived it.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/test-run.sh
start_run test || exit 1

status=0
echo "== typecheck"; ./node_modules/.bin/tsc -p tsconfig.json || status=1
echo "== lint"; ./node_modules/.bin/biome check . || status=1
echo "== layers"; check_layers || status=1

patterns=("$@")
[ ${#patterns[@]} -gt 0 ] || patterns=('src/**/*.test.ts' 'test/**/*.test.ts' 'examples/**/*.test.ts')
run_tests "${patterns[@]}" || status=1
check_leftovers || status=1
exit $status
