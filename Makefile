# Entry points: `make run` (operator + demo), `make test` (everything CI runs).
SHELL := /bin/bash
NODE := ./node_modules/.bin/node

.PHONY: milo-conformance kube-state-metrics test-ksm tools run test test-unit test-integration test-faults lint layers typecheck format bench deps kube promtool helm crds clean

node_modules/.installed: package.json package-lock.json
	@# not `npm ci`: this registry carries only the platform binaries of optional
	@# dependencies that this machine uses, so npm ci rejects the lock file.
	npm install --no-save --no-audit --no-fund --loglevel=error
	@touch $@

deps: node_modules/.installed

kube:
	@test -n "$$(ls $${KUBE_BIN_CACHE:-$${XDG_CACHE_HOME:-$$HOME/.cache}/milo-quota-kube}/*/kube 2>/dev/null)" || \
	  echo "Building the control plane (etcd, kube-apiserver, kube-controller-manager, kubectl) from Go modules: about 9 minutes the first time on 2 cores, cached afterwards."
	@bash tools/kube/build.sh >/dev/null

# promtool from Go modules (tools/promtool), cached like the control plane: the rule tests run it.
promtool:
	@bash tools/promtool/build.sh >/dev/null

# helm from Go modules (tools/helm), cached the same way: the chart tests run helm lint/template/install.
helm:
	@bash tools/helm/build.sh >/dev/null

# kube-state-metrics from Go modules (tools/kube-state-metrics), cached like promtool. Its cold build is over
# 11 minutes here, so its test is opt-in: `make test-ksm` (in `make test` only when already built).
kube-state-metrics:
	@bash tools/kube-state-metrics/build.sh >/dev/null

test-ksm: deps kube kube-state-metrics
	bash scripts/test.sh test/integration/deploy/kube-state-metrics.test.ts

tools:
	@bash scripts/ensure-lua.sh >/dev/null

run: deps kube
	$(NODE) src/cli/dev.ts

test: deps kube tools promtool helm
	bash scripts/test.sh

test-unit: deps tools
	bash scripts/test.sh 'src/**/*.test.ts'

test-integration: deps kube tools promtool helm
	bash scripts/test.sh 'test/**/*.test.ts'

typecheck: deps
	./node_modules/.bin/tsc -p tsconfig.json

lint: deps
	./node_modules/.bin/biome check .

# The layering rules of src/ (.dependency-cruiser.cjs: runtime imports nothing of the project, quota and policy
# are pure, admission does not import controllers, no import cycles); part of `make test`.
layers: deps
	$(NODE) node_modules/dependency-cruiser/bin/dependency-cruiser.mjs src --config .dependency-cruiser.cjs --output-type err

format: deps
	./node_modules/.bin/biome check --write .

# Fault suite (operator kills, apiserver/etcd restarts, watch expiry): minutes long, not part of `make test`.
test-faults: deps kube
	bash scripts/test-faults.sh

# All benchmarks, or some: `make bench BENCH=decisions`, `make bench SCALE=small`.
bench: deps kube
	$(NODE) bench/run.ts $(BENCH) $(if $(SCALE),--scale=$(SCALE),)

# Upstream Milo's quota manifests applied unchanged (docs/milo-parity.md): MILO_DIR=<checkout of milo-os/milo>
# [MILO_REF=<commit>] [SCENARIO=<name>]. Minutes long; not part of `make test`.
milo-conformance: deps kube
	@test -n "$(MILO_DIR)" || { echo 'give MILO_DIR=<checkout of milo-os/milo>'; exit 2; }
	$(NODE) test/milo-conformance/run.ts --milo-dir=$(MILO_DIR) $(if $(MILO_REF),--ref=$(MILO_REF),) $(if $(SCENARIO),--scenario=$(SCENARIO),)

clean:
	rm -rf node_modules
