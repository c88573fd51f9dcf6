#!/usr/bin/env bash
# The fault suite (test/faults): operator SIGKILLs, apiserver restarts, etcd paused and restarted, forced
# watch expiry. Minutes long, so not part of `make test`; there the files report themselves skipped.
# Then the same leftover check as scripts/test.sh.
set -uo pipefail
cd "$(dirname "$0")/.."
node=./node_modules/.bin/node
run_root=$(mktemp -d -t milo-quota-faults-XXXXXX)
export MQ_ENVTEST_TMPDIR=$run_root MQ_FAULTS=1
export KUBE_BIN=${KUBE_BIN:-$(bash tools/kube/build.sh)} || { echo "control-plane build failed"; exit 1; }

start=$(date +%s)
status=0
patterns=("$@")
[ ${#patterns[@]} -gt 0 ] || patterns=('test/faults/*.test.ts')
echo "== fault tests: ${patterns[*]}"
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
echo "fault suite finished in $(( $(date +%s) - start ))s"
exit $status
