# Shared by scripts/test.sh and scripts/test-faults.sh (source it): a private directory for every control plane
# of the run, one node test run over the given patterns, and the check that nothing outlived the run.
node=./node_modules/.bin/node

# start_run NAME: sets run_root and the environment the harness reads; fails if the binary cannot be built.
start_run() {
  run_root=$(mktemp -d -t "milo-quota-$1-XXXXXX")
  export MQ_ENVTEST_TMPDIR=$run_root
  KUBE_BIN=${KUBE_BIN:-$(bash tools/kube/build.sh)} || { echo "control-plane build failed"; return 1; }
  export KUBE_BIN
}

# check_layers: the dependency rules of src/ (.dependency-cruiser.cjs); prints each violation and the rule it breaks.
# Run through the project's Node (dependency-cruiser needs Node 22 or later; the machine's may be older).
check_layers() {
  "$node" node_modules/dependency-cruiser/bin/dependency-cruiser.mjs src --config .dependency-cruiser.cjs --output-type err
}

# run_tests PATTERN...: one node --test run, TEST_CONCURRENCY files at a time (default 1: the fault suite kills,
# pauses and times processes). Each integration file starts its own control plane on free ports.
run_tests() {
  local concurrency=${TEST_CONCURRENCY:-1}
  echo "== tests ($concurrency files at a time): $*"
  "$node" --conditions=milo-quota-source --test --test-concurrency="$concurrency" --test-timeout=900000 \
    --test-reporter=spec "$@"
}

# check_leftovers: fails when a control-plane process or temporary directory outlived the tests.
check_leftovers() {
  local ok=0
  echo "== leftovers"
  sleep 1
  if pgrep -f -- "$run_root" >/dev/null; then
    echo "control-plane processes outlived the tests:"; pgrep -af -- "$run_root"; ok=1
    pkill -9 -f -- "$run_root"
  fi
  if [ -n "$(ls -A "$run_root")" ]; then
    echo "temporary directories outlived the tests:"; ls -A "$run_root"; ok=1
  fi
  rm -rf "$run_root"
  [ $ok -eq 0 ] && echo "no control-plane process or temporary directory left behind"
  return $ok
}
