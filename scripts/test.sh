#!/usr/bin/env bash
# The whole test suite: type check, lint, unit and integration tests (one node
# test run, so one summary), then a check that no control-plane process or
# temporary directory outlived it.
set -uo pipefail
cd "$(dirname "$0")/.."
node=./node_modules/.bin/node
run_root=$(mktemp -d -t milo-quota-test-XXXXXX)
export MQ_ENVTEST_TMPDIR=$run_root
export KUBE_BIN=${KUBE_BIN:-$(bash tools/kube/build.sh)} || { echo "control-plane build failed"; exit 1; }

status=0
echo "== typecheck"; ./node_modules/.bin/tsc -p tsconfig.json || status=1
echo "== lint"; ./node_modules/.bin/biome check . || status=1

patterns=("$@")
[ ${#patterns[@]} -gt 0 ] || patterns=('src/**/*.test.ts' 'test/**/*.test.ts' 'examples/**/*.test.ts')
echo "== tests: ${patterns[*]}"
"$node" --test --test-concurrency=1 --test-timeout=900000 --test-reporter=spec "${patterns[@]}" || status=1

echo "== leftovers"
sleep 1
if pgrep -f -- "$run_root" >/dev/null; then
  echo "control-plane processes outlived the tests:"; pgrep -af -- "$run_root"; status=1
  pkill -9 -f -- "$run_root"
fi
if [ -n "$(ls -A "$run_root")" ]; then
  echo "temporary directories outlived the tests:"; ls -A "$run_root"; status=1
fi
rm -rf "$run_root"
[ $status -eq 0 ] && echo "no control-plane process or temporary directory left behind"
exit $status
