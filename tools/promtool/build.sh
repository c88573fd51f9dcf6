#!/usr/bin/env bash
# Builds promtool (Prometheus' rule checker and rule unit-test runner) from the Go module pinned in go.mod
# (`tool` directive) and prints its path. Same scheme as tools/kube/build.sh: no downloaded binary, the result
# cached outside the work tree under a key made of go.mod, go.sum, this script and the Go version, so a warm run
# costs nothing. `remove_all_sd` (Prometheus' own build tag) leaves out the cloud service discoveries (AWS, Azure,
# GCE, ...): promtool needs them only to `check config` such configs, and without them a cold build compiles
# about 1,100 packages instead of 1,360 and took 372 s instead of 968 s here.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=readonly
key=$( { go version; cat "$here/go.mod" "$here/go.sum" "$here/build.sh"; } | sha256sum | cut -c1-16)
cache_root=${PROMTOOL_BIN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/milo-quota-promtool}
out="$cache_root/$key/promtool"
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
# github.com/prometheus/prometheus v0.316.0 is Prometheus 3.16.0 (module v0.3XY.Z = release 3.XY.Z).
version=3.16.0
ldflags="-s -w -X github.com/prometheus/common/version.Version=$version"
ldflags+=" -X github.com/prometheus/common/version.Branch=release-3.16"
start=$(date +%s)
echo "building promtool ($version) into $out; a cold build takes a few minutes" >&2
(cd "$here" && go mod download && go build -trimpath -buildvcs=false -tags remove_all_sd -ldflags "$ldflags" \
  -o "$out.tmp" github.com/prometheus/prometheus/cmd/promtool)
mv "$out.tmp" "$out"
echo "built in $(( $(date +%s) - start ))s" >&2
echo "$out"
