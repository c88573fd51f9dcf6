#!/usr/bin/env bash
# Builds kube-state-metrics from the Go module pinned in go.mod (`tool` directive) and prints its path. Same
# scheme as tools/promtool/build.sh: no downloaded binary; the result is cached outside the work tree under a key
# made of go.mod, go.sum, this script and the Go version, so a warm run costs nothing. The tests run it against
# the test control plane with config/prometheus/kube_state_metrics_config.yaml (custom-resource state only).
# `build.sh --print-path` prints where the binary is (or would be) cached without building it.
# The cold build took 686 s on the 2-core machine (niced, beside a test run; modules already downloaded), so
# the test is opt-in: `make test-ksm`.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=readonly
key=$( { go version; cat "$here/go.mod" "$here/go.sum" "$here/build.sh"; } | sha256sum | cut -c1-16)
cache_root=${KSM_BIN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/milo-quota-kube-state-metrics}
out="$cache_root/$key/kube-state-metrics"
if [ "${1:-}" = "--print-path" ]; then
  echo "$out"
  exit 0
fi
if [ -x "$out" ]; then
  echo "$out"
  exit 0
fi
mkdir -p "$cache_root/$key"
# one build at a time (two test runs started together): the second waits and finds the first's binary
exec 9>"$cache_root/$key/.lock"
flock 9
if [ -x "$out" ]; then
  echo "$out"
  exit 0
fi
version=v2.18.0
ldflags="-s -w -X github.com/prometheus/common/version.Version=$version"
start=$(date +%s)
echo "building kube-state-metrics ($version) into $out; a cold build takes a few minutes" >&2
(cd "$here" && go mod download && nice -n 10 go build -trimpath -buildvcs=false -ldflags "$ldflags" \
  -o "$out.tmp" k8s.io/kube-state-metrics/v2)
mv "$out.tmp" "$out"
echo "built in $(( $(date +%s) - start ))s" >&2
echo "$out"
