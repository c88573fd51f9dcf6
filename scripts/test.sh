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
# Two files at a time: one file's control plane and operator leave a core idle about half the time (busy 40-65 %
# measured over a whole run), and nothing in make test times a process.
TEST_CONCURRENCY=${TEST_CONCURRENCY:-2} run_tests "${patterns[@]}" || status=1
check_leftovers || status=1
exit $status
