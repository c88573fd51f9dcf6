#!/usr/bin/env bash
# Builds helm (the Kubernetes package manager: `helm lint`, `helm template`, `helm install`) from the Go module
# pinned in go.mod (`tool` directive) and prints its path. Same scheme as tools/kube/build.sh and
# tools/promtool/build.sh: no downloaded binary, the result cached outside the work tree under a key made of
# go.mod, go.sum, this script and the Go version, so a warm run costs nothing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=readonly
key=$( { go version; cat "$here/go.mod" "$here/go.sum" "$here/build.sh"; } | sha256sum | cut -c1-16)
cache_root=${HELM_BIN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/milo-quota-helm}
out="$cache_root/$key/helm"
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
version=v4.3.2
ldflags="-s -w -X helm.sh/helm/v4/internal/version.version=$version"
ldflags+=" -X helm.sh/helm/v4/internal/version.gitTreeState=clean"
start=$(date +%s)
echo "building helm ($version) into $out; a cold build takes a few minutes" >&2
(cd "$here" && go mod download && go build -trimpath -buildvcs=false -ldflags "$ldflags" \
  -o "$out.tmp" helm.sh/helm/v4/cmd/helm)
mv "$out.tmp" "$out"
echo "built in $(( $(date +%s) - start ))s" >&2
echo "$out"
