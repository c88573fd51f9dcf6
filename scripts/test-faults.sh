#!/usr/bin/env bash
# The fault suite (test/faults): leaders SIGKILLed mid-decision and SIGSTOPped past their lease, answers of
# applied writes lost (a proxy), apiserver restarts, etcd paused and restarted, forced watch expiry, two
# replicas with leader changes, 300 abusive clients on the webhook port. Under `make test` these files report
# themselves skipped; here MQ_FAULTS=1 runs them. Then the same leftover check as scripts/test.sh.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/test-run.sh
start_run faults || exit 1
export MQ_FAULTS=1

start=$(date +%s)
status=0
patterns=("$@")
[ ${#patterns[@]} -gt 0 ] || patterns=('test/faults/*.test.ts')
run_tests "${patterns[@]}" || status=1
check_leftovers || status=1
echo "fault suite finished in $(( $(date +%s) - start ))s"
exit $status
